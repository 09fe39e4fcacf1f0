/*
 * Helpers of the unit tests that run ip(8) in a namespace of their own:
 * a command that must succeed, and whether a command's output has a part.
 */
#ifndef HAD_TEST_SH_H
#define HAD_TEST_SH_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

static void
sh(const char *cmdline)
{
	cr_assert_eq(system(cmdline), 0, "%s", cmdline);
}

/* Does the output of a command have this line part? */
static int
has(const char *cmdline, const char *part)
{
	char	 buf[512];
	FILE	*fp;
	int	 found = 0;

	snprintf(buf, sizeof(buf), "%s 2>/dev/null", cmdline);
	cr_assert_not_null(fp = popen(buf, "r"));
	while (fgets(buf, sizeof(buf), fp) != NULL)
		if (strstr(buf, part) != NULL)
			found = 1;
	pclose(fp);
	return (found);
}

#endif /* HAD_TEST_SH_H */
