/*
 * Helpers of the unit tests that run ip(8) in a namespace of their own:
 * a command that must succeed, whether a command's output has a part, and
 * a configuration that must load.
 */
#ifndef HAD_TEST_SH_H
#define HAD_TEST_SH_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "conf.h"

static struct had_conf *
load(const char *text)
{
	struct conf_diags	 d;
	struct had_conf		*c;

	conf_diags_init(&d);
	c = conf_load_string(text, "test.conf", NULL, &d);
	if (c == NULL)
		conf_diags_print(stderr, &d);
	conf_diags_free(&d);
	cr_assert_not_null(c);
	return (c);
}

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
