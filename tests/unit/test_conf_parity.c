/*
 * keepalived parity of the parser (issue 17): a real_server without a
 * port takes its virtual server's port (address virtual servers only: a
 * fwmark or group one has none to give), and had -n prints it.
 */
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "../../common/conf.h"

static struct had_conf *
load(const char *text)
{
	struct conf_diags	 d;
	struct had_conf		*conf;

	conf_diags_init(&d);
	conf = conf_load_string(text, "t.conf", NULL, &d);
	cr_assert_not_null(conf);
	cr_assert_eq(conf_diags_count(&d, CONF_ERR), 0);
	conf_diags_free(&d);
	return (conf);
}

Test(conf_parity, real_server_takes_the_virtual_server_port)
{
	struct had_conf	*conf;
	struct conf_vs	*vs;
	struct conf_rs	*rs;
	char		*out;

	conf = load("virtual_server 198.18.0.1 8080 {\n"
	    " real_server 198.18.0.10 {\n }\n"
	    " real_server 198.18.0.11 9090 {\n }\n}\n"
	    "virtual_server fwmark 7 {\n real_server 198.18.0.12 {\n }\n}\n");
	vs = TAILQ_FIRST(&conf->vss);
	rs = TAILQ_FIRST(&vs->rss);
	cr_assert_eq(rs->c.port, 8080);
	cr_assert_eq(TAILQ_NEXT(rs, entry)->c.port, 9090);
	vs = TAILQ_NEXT(vs, entry);
	cr_assert_eq(TAILQ_FIRST(&vs->rss)->c.port, 0);
	out = conf_print_string(conf);
	cr_assert_not_null(out);
	cr_assert(strstr(out, "real_server 198.18.0.10 8080") != NULL, "%s",
	    out);
	free(out);
	conf_free(conf);
}
