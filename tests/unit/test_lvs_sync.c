/*
 * lvs_sync_daemon INTERFACE INSTANCE [id] [maxlen] [port] [ttl] [group]:
 * parsing with range checks and positions, printing back, the trip to
 * lvsd, and the netlink message lvsd builds from it.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/ip_vs.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/netlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/genl/genl.h>

#include <criterion/criterion.h>

#include "conf.h"
#include "../../lvsd/lvs_ipvs.h"

#define FAMILY	42

static struct conf_diags	diags;

static void
setup(void)
{
	conf_diags_init(&diags);
}

static void
teardown(void)
{
	conf_diags_free(&diags);
}

TestSuite(sync, .init = setup, .fini = teardown);

/* A config whose global_defs has `lvs_sync_daemon ARGS' on line 2. */
static struct had_conf *
load_sync(const char *args)
{
	char	 text[1024];

	snprintf(text, sizeof(text), "global_defs {\n"
	    "lvs_sync_daemon %s\n"
	    "}\n"
	    "vrrp_instance VI_1 {\n"
	    " interface eth0\n"
	    " virtual_router_id 51\n"
	    " virtual_ipaddress { 198.18.0.100 }\n"
	    "}\n", args);
	conf_diags_free(&diags);
	conf_diags_init(&diags);
	return (conf_load_string(text, "t.conf", NULL, &diags));
}

static const struct conf_diag *
first_error(void)
{
	const struct conf_diag	*d;

	TAILQ_FOREACH(d, &diags, entry)
		if (d->level == CONF_ERR)
			return (d);
	cr_assert_fail("no error");
	return (NULL);
}

/* ARGS is refused with an error at line 2, column COL, saying MSG. */
static void
expect_bad(const char *args, int col, const char *msg)
{
	struct had_conf		*c;
	const struct conf_diag	*d;

	c = load_sync(args);
	cr_assert_null(c, "'%s' should not load", args);
	d = first_error();
	cr_expect_str_eq(d->file, "t.conf");
	cr_expect_eq(d->line, 2, "'%s': line %d", args, d->line);
	cr_expect_eq(d->col, col, "'%s': col %d != %d (%s)", args, d->col,
	    col, d->msg);
	cr_expect(strstr(d->msg, msg) != NULL, "'%s': '%s' not in '%s'",
	    args, msg, d->msg);
}

Test(sync, two_arguments_leave_the_kernel_defaults)
{
	struct had_conf	*c;

	cr_assert_not_null(c = load_sync("brs VI_1"));
	cr_expect_str_eq(c->global.lvs_sync_interface, "brs");
	cr_expect_str_eq(c->global.lvs_sync_instance, "VI_1");
	cr_expect_eq(c->global.lvs_sync_has_id, 0);
	cr_expect_eq(c->global.lvs_sync_maxlen, 0);
	cr_expect_eq(c->global.lvs_sync_port, 0);
	cr_expect_eq(c->global.lvs_sync_ttl, 0);
	cr_expect_eq(c->global.lvs_sync_group.af, 0);
	conf_free(c);
}

Test(sync, every_option)
{
	struct had_conf	*c;
	struct in_addr	 g;

	cr_assert_not_null(c = load_sync("brs VI_1 id 7 maxlen 1400 "
	    "port 8850 ttl 3 group 239.1.2.3"));
	cr_expect_eq(c->global.lvs_sync_has_id, 1);
	cr_expect_eq(c->global.lvs_sync_id, 7);
	cr_expect_eq(c->global.lvs_sync_maxlen, 1400);
	cr_expect_eq(c->global.lvs_sync_port, 8850);
	cr_expect_eq(c->global.lvs_sync_ttl, 3);
	cr_assert_eq(c->global.lvs_sync_group.af, AF_INET);
	inet_pton(AF_INET, "239.1.2.3", &g);
	cr_expect_eq(c->global.lvs_sync_group.u.v4.s_addr, g.s_addr);
	conf_free(c);
}

Test(sync, any_order_inst_ipv6_and_the_limits)
{
	struct had_conf	*c;

	/* keepalived 2.2's "inst"; id 0 is an id, not "unset". */
	cr_assert_not_null(c = load_sync("brs inst VI_1 group ff02::8:81 "
	    "ttl 255 id 0 port 65535 maxlen 65507"));
	cr_expect_str_eq(c->global.lvs_sync_instance, "VI_1");
	cr_expect_eq(c->global.lvs_sync_has_id, 1);
	cr_expect_eq(c->global.lvs_sync_id, 0);
	cr_expect_eq(c->global.lvs_sync_maxlen, 65507);
	cr_expect_eq(c->global.lvs_sync_port, 65535);
	cr_expect_eq(c->global.lvs_sync_ttl, 255);
	cr_expect_eq(c->global.lvs_sync_group.af, AF_INET6);
	cr_expect_eq(c->global.lvs_sync_group.u.v6.s6_addr[0], 0xff);
	conf_free(c);
	cr_assert_not_null(c = load_sync("brs VI_1 maxlen 1 port 1 ttl 1 "
	    "id 255"));
	cr_expect_eq(c->global.lvs_sync_maxlen, 1);
	cr_expect_eq(c->global.lvs_sync_id, 255);
	conf_free(c);
}

Test(sync, bad_values_with_positions)
{
	/* "lvs_sync_daemon brs VI_1 " is 25 characters: values at 26+. */
	expect_bad("brs VI_1 id 256", 29, "id 256 is out of range 0..255");
	expect_bad("brs VI_1 id -1", 29, "out of range");
	expect_bad("brs VI_1 id five", 29, "'five' is not a number");
	expect_bad("brs VI_1 maxlen 0", 33, "maxlen 0 is out of range");
	expect_bad("brs VI_1 maxlen 65508", 33, "out of range 1..65507");
	expect_bad("brs VI_1 port 0", 31, "port 0 is out of range");
	expect_bad("brs VI_1 port 65536", 31, "out of range 1..65535");
	expect_bad("brs VI_1 ttl 0", 30, "ttl 0 is out of range 1..255");
	expect_bad("brs VI_1 ttl 256", 30, "out of range");
	expect_bad("brs VI_1 group 198.18.0.1", 32,
	    "'198.18.0.1' is not a multicast address");
	expect_bad("brs VI_1 group 2001:db8::1", 32,
	    "is not a multicast address");
	expect_bad("brs VI_1 group 239.1.2.3/8", 32,
	    "not a valid IP address");
	expect_bad("brs VI_1 group somewhere", 32, "not a valid IP address");
}

Test(sync, bad_shapes_with_positions)
{
	const struct conf_diag	*d;

	expect_bad("brs VI_1 ttl", 26, "ttl needs a value");
	expect_bad("brs VI_1 ttl 2 port", 32, "port needs a value");
	expect_bad("brs VI_1 ttl 2 ttl 3", 32, "ttl given twice");
	expect_bad("brs VI_1 id 1 maxlen 2 id 3", 40, "id given twice");
	expect_bad("brs VI_1 mtu 1400", 26, "unknown value 'mtu'");
	expect_bad("brs VI_1 tll 3", 26, "unknown value 'tll'");
	d = first_error();
	cr_expect_str_eq(d->hint, "did you mean 'ttl'?");
	expect_bad("brs", 1, "at least 2");
	expect_bad("brs VI_2", 21, "VI_2");
	/* 13 words at most: INTERFACE inst INSTANCE and five options. */
	expect_bad("brs inst VI_1 id 1 maxlen 2 port 3 ttl 4 group 224.0.0.81 "
	    "id", 75, "too many arguments");
}

static char *
print_of(const struct had_conf *c)
{
	char	*p;

	cr_assert_not_null(p = conf_print_string(c));
	return (p);
}

Test(sync, printed_back_and_parsed_again)
{
	struct had_conf	*c, *c2;
	char		*p1, *p2;

	cr_assert_not_null(c = load_sync("brs inst VI_1 ttl 3 group "
	    "ff02::8:81 id 0 maxlen 1400 port 8850"));
	p1 = print_of(c);
	cr_expect(strstr(p1, "\tlvs_sync_daemon brs VI_1 id 0 maxlen 1400 "
	    "port 8850 ttl 3 group ff02::8:81\n") != NULL, "printed:\n%s", p1);
	cr_assert_not_null(c2 = conf_load_string(p1, "printed", NULL,
	    &diags));
	p2 = print_of(c2);
	cr_expect_str_eq(p1, p2);
	cr_expect(memcmp(&c->global, &c2->global, sizeof(c->global)) == 0);
	free(p1);
	free(p2);
	conf_free(c);
	conf_free(c2);
	/* Without options: the two words, as before. */
	cr_assert_not_null(c = load_sync("brs VI_1"));
	p1 = print_of(c);
	cr_expect(strstr(p1, "\tlvs_sync_daemon brs VI_1\n") != NULL, "%s",
	    p1);
	free(p1);
	conf_free(c);
}

/*
 * had's active_active in place of the instance: no instance, printed
 * back as it came; "inst active_active" is an instance of that name.
 */
Test(sync, active_active)
{
	struct had_conf	*c, *c2;
	char		*p1;

	cr_assert_not_null(c = load_sync("brs active_active id 7"));
	cr_expect_eq(c->global.lvs_sync_active, 1);
	cr_expect_str_eq(c->global.lvs_sync_instance, "");
	cr_expect_eq(c->global.lvs_sync_id, 7);
	p1 = print_of(c);
	cr_expect(strstr(p1, "\tlvs_sync_daemon brs active_active id 7\n") !=
	    NULL, "printed:\n%s", p1);
	cr_assert_not_null(c2 = conf_load_string(p1, "printed", NULL,
	    &diags));
	cr_expect(memcmp(&c->global, &c2->global, sizeof(c->global)) == 0);
	free(p1);
	conf_free(c);
	conf_free(c2);
	expect_bad("brs inst active_active", 26, "active_active");
}

/* The options reach lvsd; the receiver checks what it can. */
struct rx_ctx {
	struct had_conf	*conf;
	int		 fails;
};

static int
rx_cb(uint32_t kind, const void *body, size_t len, void *arg)
{
	struct rx_ctx	*rx = arg;
	char		 err[256];

	if (conf_receive_item(rx->conf, PROC_LVS, kind, body, len, err,
	    sizeof(err)) == -1)
		rx->fails++;
	return (0);
}

Test(sync, options_travel_to_lvsd)
{
	struct had_conf	*c;
	struct rx_ctx	 rx;

	cr_assert_not_null(c = load_sync("brs VI_1 id 9 maxlen 1400 port 8850 "
	    "ttl 3 group 239.1.2.3"));
	rx.conf = conf_new();
	rx.fails = 0;
	cr_assert_eq(conf_emit(c, PROC_LVS, rx_cb, &rx), 0);
	cr_expect_eq(rx.fails, 0);
	cr_expect(memcmp(&rx.conf->global, &c->global,
	    sizeof(c->global)) == 0);
	conf_free(rx.conf);

	/* A packet length the parser never makes is refused. */
	c->global.lvs_sync_maxlen = 65508;
	rx.conf = conf_new();
	rx.fails = 0;
	cr_assert_eq(conf_emit(c, PROC_LVS, rx_cb, &rx), 0);
	cr_expect_eq(rx.fails, 1);
	conf_free(rx.conf);
	c->global.lvs_sync_maxlen = 1400;
	c->global.lvs_sync_group.af = 7;
	rx.conf = conf_new();
	rx.fails = 0;
	cr_assert_eq(conf_emit(c, PROC_LVS, rx_cb, &rx), 0);
	cr_expect_eq(rx.fails, 1);
	conf_free(rx.conf);
	conf_free(c);
}

/* The attributes of the daemon nest of a message, by type. */
static void
daemon_attrs(struct nl_msg *m, struct nlattr **tb)
{
	struct nlattr	*cmd[IPVS_CMD_ATTR_MAX + 1];
	struct genlmsghdr *g = nlmsg_data(nlmsg_hdr(m));

	cr_assert_eq(nla_parse(cmd, IPVS_CMD_ATTR_MAX, genlmsg_attrdata(g, 0),
	    genlmsg_attrlen(g, 0), NULL), 0);
	cr_assert_not_null(cmd[IPVS_CMD_ATTR_DAEMON]);
	cr_assert_eq(nla_parse_nested(tb, IPVS_DAEMON_ATTR_MAX,
	    cmd[IPVS_CMD_ATTR_DAEMON], NULL), 0);
}

Test(sync, daemon_message_carries_the_options)
{
	struct nlattr		*tb[IPVS_DAEMON_ATTR_MAX + 1];
	struct lvs_daemon	 d, p;
	struct nl_msg		*m;
	uint8_t			 g4[4] = { 239, 1, 2, 3 };

	memset(&d, 0, sizeof(d));
	d.state = IP_VS_STATE_BACKUP;
	d.syncid = 7;
	strlcpy(d.ifname, "brs", sizeof(d.ifname));
	d.maxlen = 1400;
	d.port = 8850;
	d.ttl = 3;
	d.group_af = AF_INET;
	memcpy(d.group, g4, 4);
	cr_assert_not_null(m = lvs_msg_daemon(FAMILY, IPVS_CMD_NEW_DAEMON,
	    &d));
	daemon_attrs(m, tb);
	/* As the kernel reads them: the port in host order. */
	cr_assert_not_null(tb[IPVS_DAEMON_ATTR_MCAST_PORT]);
	cr_expect_eq(nla_get_u16(tb[IPVS_DAEMON_ATTR_MCAST_PORT]), 8850);
	cr_assert_not_null(tb[IPVS_DAEMON_ATTR_MCAST_GROUP]);
	cr_expect(memcmp(nla_data(tb[IPVS_DAEMON_ATTR_MCAST_GROUP]), g4,
	    4) == 0);
	cr_expect_null(tb[IPVS_DAEMON_ATTR_MCAST_GROUP6]);
	cr_assert_eq(lvs_parse_daemon(nlmsg_hdr(m), &p), 0);
	cr_expect_eq(p.state, IP_VS_STATE_BACKUP);
	cr_expect_eq(p.syncid, 7);
	cr_expect_str_eq(p.ifname, "brs");
	cr_expect_eq(p.maxlen, 1400);
	cr_expect_eq(p.port, 8850);
	cr_expect_eq(p.ttl, 3);
	cr_expect_eq(p.group_af, AF_INET);
	cr_expect(memcmp(p.group, g4, 4) == 0);
	nlmsg_free(m);

	/* IPv6 group. */
	d.group_af = AF_INET6;
	cr_assert_eq(inet_pton(AF_INET6, "ff02::8:81", d.group), 1);
	cr_assert_not_null(m = lvs_msg_daemon(FAMILY, IPVS_CMD_NEW_DAEMON,
	    &d));
	daemon_attrs(m, tb);
	cr_expect_null(tb[IPVS_DAEMON_ATTR_MCAST_GROUP]);
	cr_assert_eq(lvs_parse_daemon(nlmsg_hdr(m), &p), 0);
	cr_expect_eq(p.group_af, AF_INET6);
	cr_expect(memcmp(p.group, d.group, 16) == 0);
	nlmsg_free(m);

	/* Unset options are not sent: the kernel's defaults stay. */
	memset(&d, 0, sizeof(d));
	d.state = IP_VS_STATE_MASTER;
	d.syncid = 51;
	strlcpy(d.ifname, "brs", sizeof(d.ifname));
	cr_assert_not_null(m = lvs_msg_daemon(FAMILY, IPVS_CMD_NEW_DAEMON,
	    &d));
	daemon_attrs(m, tb);
	cr_expect_null(tb[IPVS_DAEMON_ATTR_SYNC_MAXLEN]);
	cr_expect_null(tb[IPVS_DAEMON_ATTR_MCAST_PORT]);
	cr_expect_null(tb[IPVS_DAEMON_ATTR_MCAST_TTL]);
	cr_expect_null(tb[IPVS_DAEMON_ATTR_MCAST_GROUP]);
	cr_expect_null(tb[IPVS_DAEMON_ATTR_MCAST_GROUP6]);
	cr_assert_eq(lvs_parse_daemon(nlmsg_hdr(m), &p), 0);
	cr_expect_eq(p.port, 0);
	cr_expect_eq(p.group_af, 0);
	nlmsg_free(m);

	/* A stop carries the state alone, whatever the options. */
	d.ttl = 3;
	d.port = 8850;
	cr_assert_not_null(m = lvs_msg_daemon(FAMILY, IPVS_CMD_DEL_DAEMON,
	    &d));
	daemon_attrs(m, tb);
	cr_expect_not_null(tb[IPVS_DAEMON_ATTR_STATE]);
	cr_expect_null(tb[IPVS_DAEMON_ATTR_MCAST_TTL]);
	cr_expect_null(tb[IPVS_DAEMON_ATTR_MCAST_PORT]);
	nlmsg_free(m);
}
