/*
 * bfdd: the BFD process of had.  It is started by had(8) with its socket
 * on fd 3 and keeps no capability at all.
 */
#include <stddef.h>

#include "bfdd.h"
#include "child.h"

static const struct child_ops bfd_ops = {
	.proc = PROC_BFD,
	.init = bfdd_init,
	.dispatch_parent = bfdd_dispatch_parent,
	.dispatch_peer = {
		[PROC_VRRP] = bfdd_dispatch_vrrpd,
		[PROC_CHECK] = bfdd_dispatch_checkd,
	},
	.peer_up = bfdd_peer_up,
	.reconf = bfdd_reconf,
	.ctl = bfdd_ctl,
	.shutdown = bfdd_shutdown,
};

int
main(int argc, char *argv[])
{
	return (child_main(argc, argv, &bfd_ops));
}
