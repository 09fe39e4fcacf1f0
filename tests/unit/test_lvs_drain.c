/*
 * hactl drain: the names it takes (ADDR:PORT of every protocol, fwmark:N,
 * a group), what they match, and lvsd's desired table with a drained
 * real server (weight 0, the others untouched; back after undrain).
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "conf.h"
#include "conf_misc.h"
#include "msg.h"
#include "../../lvsd/lvs_ipvs.h"

static const char *text =
    "virtual_server 198.18.0.100 80 {\n"
    " protocol TCP\n"
    " real_server 198.18.1.1 80 { weight 3 }\n"
    " real_server 198.18.1.2 80 { weight 5 }\n}\n"
    "virtual_server 198.18.0.100 80 {\n"
    " protocol UDP\n"
    " real_server 198.18.1.1 80 { weight 7 }\n}\n"
    "virtual_server fwmark 9 {\n"
    " real_server 2001:db8::1 80 { weight 2 }\n}\n";

static struct had_conf *
load(const char *t)
{
	struct conf_diags	 diags;
	struct had_conf		*c;

	conf_diags_init(&diags);
	c = conf_load_string(t, "t.conf", NULL, &diags);
	if (c == NULL)
		conf_diags_print(stderr, &diags);
	conf_diags_free(&diags);
	cr_assert_not_null(c);
	return (c);
}

Test(drain, names_parsed)
{
	struct msg_lvs_id	 id;
	char			 why[160];

	cr_assert_eq(conf_drain_parse("198.18.0.100:80", "198.18.1.1:80",
	    &id, why, sizeof(why)), 0, "%s", why);
	cr_expect_eq(id.vs_type, VS_TYPE_ADDR);
	cr_expect_eq(id.vs_proto, LVS_PROTO_MAX);
	cr_expect_eq(id.vs_port, 80);
	cr_expect_eq(id.rs_af, AF_INET);
	cr_assert_eq(conf_drain_parse("fwmark:9", "[2001:db8::1]:80", &id,
	    why, sizeof(why)), 0, "%s", why);
	cr_expect_eq(id.vs_type, VS_TYPE_FWMARK);
	cr_expect_eq(id.vs_fwmark, 9);
	cr_expect_eq(id.rs_af, AF_INET6);
	cr_assert_eq(conf_drain_parse("web", "198.18.1.1:8080", &id, why,
	    sizeof(why)), 0, "%s", why);
	cr_expect_eq(id.vs_type, VS_TYPE_GROUP);
	cr_expect_str_eq(id.vs_group, "web");
	cr_expect_eq(id.rs_port, 8080);

	cr_expect_eq(conf_drain_parse("198.18.0.100:0", "198.18.1.1:80", &id,
	    why, sizeof(why)), -1);
	cr_expect_eq(conf_drain_parse("198.18.0.300:80", "198.18.1.1:80",
	    &id, why, sizeof(why)), -1);
	cr_expect_eq(conf_drain_parse("fwmark:x", "198.18.1.1:80", &id, why,
	    sizeof(why)), -1);
	cr_expect_eq(conf_drain_parse("[2001:db8::1:80", "198.18.1.1:80",
	    &id, why, sizeof(why)), -1);
	cr_expect_eq(conf_drain_parse("web", "198.18.1.1", &id, why,
	    sizeof(why)), -1);
	cr_expect_eq(conf_drain_parse("web", "198.18.1.1:99999", &id, why,
	    sizeof(why)), -1);
	cr_expect_eq(conf_drain_parse("", "198.18.1.1:80", &id, why,
	    sizeof(why)), -1);
}

Test(drain, matches_in_config)
{
	struct had_conf		*c = load(text);
	struct msg_lvs_id	 id;
	char			 why[160];

	cr_assert_eq(conf_drain_parse("198.18.0.100:80", "198.18.1.2:80",
	    &id, why, sizeof(why)), 0);
	cr_expect_eq(conf_drain_find(c, &id), 1);
	cr_assert_eq(conf_drain_parse("198.18.0.100:80", "198.18.1.3:80",
	    &id, why, sizeof(why)), 0);
	cr_expect_eq(conf_drain_find(c, &id), 0);
	cr_assert_eq(conf_drain_parse("198.18.0.101:80", "198.18.1.1:80",
	    &id, why, sizeof(why)), 0);
	cr_expect_eq(conf_drain_find(c, &id), 0);
	cr_assert_eq(conf_drain_parse("fwmark:9", "[2001:db8::1]:80", &id,
	    why, sizeof(why)), 0);
	cr_expect_eq(conf_drain_find(c, &id), 1);
	cr_assert_eq(conf_drain_parse("fwmark:8", "[2001:db8::1]:80", &id,
	    why, sizeof(why)), 0);
	cr_expect_eq(conf_drain_find(c, &id), 0);
	conf_free(c);
}

static int32_t
weight_of(const struct lvs_table *t, size_t s, const char *rs)
{
	uint8_t		 a[16];
	size_t		 i;

	memset(a, 0, sizeof(a));
	inet_pton(AF_INET, rs, a);
	for (i = 0; i < t->svcs[s].ndests; i++)
		if (memcmp(t->svcs[s].dests[i].addr, a, 4) == 0)
			return (t->svcs[s].dests[i].weight);
	return (-1);
}

/* Both protocols of ADDR:PORT drained; the other server untouched. */
Test(drain, desired_weight_zero_until_undrained)
{
	struct had_conf		*c = load(text);
	struct msg_lvs_drain	 m;
	struct lvs_table	 t;
	char			 why[160];

	memset(&m, 0, sizeof(m));
	cr_assert_eq(conf_drain_parse("198.18.0.100:80", "198.18.1.1:80",
	    &m.id, why, sizeof(why)), 0);
	m.on = 1;
	lvs_hold(&m);
	lvs_table_init(&t);
	cr_assert_eq(lvs_desired(c, NULL, &t), 0);
	cr_assert_eq(t.nsvcs, 3);
	cr_expect_eq(weight_of(&t, 0, "198.18.1.1"), 0);
	cr_expect_eq(weight_of(&t, 0, "198.18.1.2"), 5);
	cr_expect_eq(weight_of(&t, 1, "198.18.1.1"), 0);
	lvs_table_free(&t);

	m.on = 0;
	lvs_hold(&m);
	lvs_table_init(&t);
	cr_assert_eq(lvs_desired(c, NULL, &t), 0);
	cr_expect_eq(weight_of(&t, 0, "198.18.1.1"), 3);
	cr_expect_eq(weight_of(&t, 1, "198.18.1.1"), 7);
	lvs_table_free(&t);
	conf_free(c);
}
