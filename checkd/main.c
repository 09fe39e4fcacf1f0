/*
 * checkd: the check process of had.  It is started by had(8) with its socket on
 * fd 3 and keeps only the capabilities DESIGN.md gives it.
 */
#include <stddef.h>

#include "child.h"

static const struct child_ops check_ops = {
	.proc = PROC_CHECK,
};

int
main(int argc, char *argv[])
{
	return (child_main(argc, argv, &check_ops));
}
