/*
 * IMSG_LVS_NOTIFY as had checks it (conf_lvs_notify_check): lvsd names a
 * virtual server and a real server by value; had finds them in its own
 * config, ignores what it does not have and refuses what is malformed.
 * And the names of those objects in logs.
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

static struct conf_diags	 diags;
static struct had_conf		*conf;

static const char *text =
    "virtual_server_group G {\n"
    " 198.18.2.1 80\n"
    "}\n"
    "virtual_server 198.18.0.100 80 {\n"
    " protocol TCP\n"
    " quorum 2\n"
    " quorum_up \"/bin/echo up\"\n"
    " real_server 198.18.1.11 80 {\n"
    "  notify_down /bin/true\n"
    " }\n"
    " real_server 198.18.1.12 8080 {\n"
    " }\n"
    "}\n"
    "virtual_server 198.18.0.100 80 {\n"
    " protocol UDP\n"
    " real_server 198.18.1.13 80 {\n"
    " }\n"
    "}\n"
    "virtual_server fwmark 7 {\n"
    " real_server 198.18.1.14 {\n"
    " }\n"
    "}\n"
    "virtual_server group G {\n"
    " real_server 2001:db8::15 80 {\n"
    " }\n"
    "}\n"
    "virtual_server 2001:db8::100 443 {\n"
    " real_server 2001:db8::16 443 {\n"
    " }\n"
    "}\n";

static void
setup(void)
{
	conf_diags_init(&diags);
	conf = conf_load_string(text, "t.conf", NULL, &diags);
	if (conf == NULL)
		conf_diags_print(stderr, &diags);
	cr_assert_not_null(conf);
}

static void
teardown(void)
{
	conf_free(conf);
	conf_diags_free(&diags);
}

TestSuite(notify, .init = setup, .fini = teardown);

/* The nth virtual server and the mth of its real servers (-1: none). */
static void
nth(int n, int m, const struct conf_vs **vsp, const struct conf_rs **rsp)
{
	const struct conf_vs	*vs;
	const struct conf_rs	*rs = NULL;

	vs = TAILQ_FIRST(&conf->vss);
	while (n-- > 0 && vs != NULL)
		vs = TAILQ_NEXT(vs, entry);
	cr_assert_not_null(vs);
	if (m >= 0) {
		rs = TAILQ_FIRST(&vs->rss);
		while (m-- > 0 && rs != NULL)
			rs = TAILQ_NEXT(rs, entry);
		cr_assert_not_null(rs);
	}
	*vsp = vs;
	*rsp = rs;
}

static struct msg_lvs_notify
msg_for(int n, int m, uint32_t event)
{
	struct msg_lvs_notify	 msg;
	const struct conf_vs	*vs;
	const struct conf_rs	*rs;

	nth(n, m, &vs, &rs);
	memset(&msg, 0, sizeof(msg));
	msg.event = event;
	conf_lvs_id(&vs->c, rs != NULL ? &rs->c : NULL, &msg.id);
	return (msg);
}

Test(notify, every_object_is_found)
{
	struct msg_lvs_notify	 msg;
	const struct conf_vs	*vs, *wvs;
	const struct conf_rs	*rs, *wrs;
	static const int	 nrs[] = { 2, 1, 1, 1, 1 };
	int			 n, m;

	for (n = 0; n < 5; n++) {
		msg = msg_for(n, -1, LVS_NOTIFY_QUORUM_DOWN);
		nth(n, -1, &wvs, &wrs);
		cr_assert_eq(conf_lvs_notify_check(conf, &msg, &vs, &rs), 1,
		    "virtual server %d", n);
		cr_expect_eq(vs, wvs, "virtual server %d", n);
		cr_expect_null(rs);
		for (m = 0; m < nrs[n]; m++) {
			msg = msg_for(n, m, LVS_NOTIFY_RS_UP);
			nth(n, m, &wvs, &wrs);
			cr_assert_eq(conf_lvs_notify_check(conf, &msg, &vs,
			    &rs), 1, "virtual server %d real server %d", n, m);
			cr_expect_eq(vs, wvs);
			cr_expect_eq(rs, wrs);
		}
	}
}

Test(notify, the_protocol_tells_two_services_apart)
{
	struct msg_lvs_notify	 msg;
	const struct conf_vs	*vs, *udp;
	const struct conf_rs	*rs;

	msg = msg_for(1, 0, LVS_NOTIFY_RS_DOWN);
	nth(1, -1, &udp, &rs);
	cr_assert_eq(conf_lvs_notify_check(conf, &msg, &vs, &rs), 1);
	cr_expect_eq(vs, udp);
	/* 198.18.1.13 is a real server of the UDP service only. */
	msg.id.vs_proto = LVS_PROTO_TCP;
	cr_expect_eq(conf_lvs_notify_check(conf, &msg, &vs, &rs), 0);
	cr_expect_null(vs);
	cr_expect_null(rs);
}

Test(notify, unknown_objects_are_not_found)
{
	struct msg_lvs_notify	 msg;
	const struct conf_vs	*vs;
	const struct conf_rs	*rs;

	/* Another address, port, mark, group. */
	msg = msg_for(0, -1, LVS_NOTIFY_QUORUM_UP);
	msg.id.vs_addr[3] = 101;
	cr_expect_eq(conf_lvs_notify_check(conf, &msg, &vs, &rs), 0);
	msg = msg_for(0, -1, LVS_NOTIFY_QUORUM_UP);
	msg.id.vs_port = 81;
	cr_expect_eq(conf_lvs_notify_check(conf, &msg, &vs, &rs), 0);
	msg = msg_for(2, -1, LVS_NOTIFY_QUORUM_UP);
	msg.id.vs_fwmark = 8;
	cr_expect_eq(conf_lvs_notify_check(conf, &msg, &vs, &rs), 0);
	msg = msg_for(3, -1, LVS_NOTIFY_QUORUM_UP);
	strlcpy(msg.id.vs_group, "H", sizeof(msg.id.vs_group));
	cr_expect_eq(conf_lvs_notify_check(conf, &msg, &vs, &rs), 0);
	/* The virtual server is there, not the real server. */
	msg = msg_for(0, 1, LVS_NOTIFY_RS_DOWN);
	msg.id.rs_port = 80;
	cr_expect_eq(conf_lvs_notify_check(conf, &msg, &vs, &rs), 0);
	cr_expect_null(vs);
	msg = msg_for(0, 0, LVS_NOTIFY_RS_DOWN);
	msg.id.rs_addr[3] = 99;
	cr_expect_eq(conf_lvs_notify_check(conf, &msg, &vs, &rs), 0);
	/* A real server of another virtual server. */
	msg = msg_for(0, 0, LVS_NOTIFY_RS_DOWN);
	memcpy(msg.id.rs_addr, (uint8_t[]){ 198, 18, 1, 13 }, 4);
	cr_expect_eq(conf_lvs_notify_check(conf, &msg, &vs, &rs), 0);
	/* The same address in the other family. */
	msg = msg_for(4, 0, LVS_NOTIFY_RS_UP);
	msg.id.rs_af = AF_INET;
	cr_expect_eq(conf_lvs_notify_check(conf, &msg, &vs, &rs), 0);
}

Test(notify, malformed_messages_are_refused)
{
	struct msg_lvs_notify	 msg;
	const struct conf_vs	*vs;
	const struct conf_rs	*rs;

	msg = msg_for(0, -1, LVS_NOTIFY_QUORUM_UP);
	msg.event = 0;
	cr_expect_eq(conf_lvs_notify_check(conf, &msg, &vs, &rs), -1);
	msg.event = LVS_NOTIFY_MAX;
	cr_expect_eq(conf_lvs_notify_check(conf, &msg, &vs, &rs), -1);
	msg.event = 0xffffffffU;
	cr_expect_eq(conf_lvs_notify_check(conf, &msg, &vs, &rs), -1);
	/* A real server event names a real server, a quorum event not. */
	msg = msg_for(0, -1, LVS_NOTIFY_RS_UP);
	cr_expect_eq(conf_lvs_notify_check(conf, &msg, &vs, &rs), -1);
	msg = msg_for(0, 0, LVS_NOTIFY_QUORUM_DOWN);
	cr_expect_eq(conf_lvs_notify_check(conf, &msg, &vs, &rs), -1);
	/* Bad type, family, protocol. */
	msg = msg_for(0, 0, LVS_NOTIFY_RS_UP);
	msg.id.vs_type = VS_TYPE_MAX;
	cr_expect_eq(conf_lvs_notify_check(conf, &msg, &vs, &rs), -1);
	msg = msg_for(0, 0, LVS_NOTIFY_RS_UP);
	msg.id.vs_af = AF_UNIX;
	cr_expect_eq(conf_lvs_notify_check(conf, &msg, &vs, &rs), -1);
	msg = msg_for(0, 0, LVS_NOTIFY_RS_UP);
	msg.id.vs_proto = LVS_PROTO_MAX;
	cr_expect_eq(conf_lvs_notify_check(conf, &msg, &vs, &rs), -1);
	msg = msg_for(0, 0, LVS_NOTIFY_RS_UP);
	msg.id.rs_af = AF_UNIX;
	cr_expect_eq(conf_lvs_notify_check(conf, &msg, &vs, &rs), -1);
	/* A group name that does not end, or is empty. */
	msg = msg_for(3, 0, LVS_NOTIFY_RS_UP);
	memset(msg.id.vs_group, 'G', sizeof(msg.id.vs_group));
	cr_expect_eq(conf_lvs_notify_check(conf, &msg, &vs, &rs), -1);
	msg.id.vs_group[0] = '\0';
	cr_expect_eq(conf_lvs_notify_check(conf, &msg, &vs, &rs), -1);
	cr_expect_null(vs);
	cr_expect_null(rs);
}

Test(notify, identity_has_only_the_fields_of_its_type)
{
	struct msg_lvs_notify	 a;
	static const uint8_t	 zero[16];

	/* A fwmark service: no address, port or protocol. */
	a = msg_for(2, 0, LVS_NOTIFY_RS_UP);
	cr_expect_eq(a.id.vs_type, VS_TYPE_FWMARK);
	cr_expect_eq(a.id.vs_fwmark, 7);
	cr_expect_eq(a.id.vs_af, 0);
	cr_expect_eq(a.id.vs_port, 0);
	cr_expect(memcmp(a.id.vs_addr, zero, 16) == 0);
	cr_expect_eq(a.id.vs_group[0], '\0');
	/* An IPv4 real server: the rest of its address is zero. */
	cr_expect_eq(a.id.rs_af, AF_INET);
	cr_expect(memcmp(a.id.rs_addr + 4, zero, 12) == 0);
	/* A group: its name alone. */
	a = msg_for(3, -1, LVS_NOTIFY_QUORUM_UP);
	cr_expect_str_eq(a.id.vs_group, "G");
	cr_expect_eq(a.id.vs_fwmark, 0);
	cr_expect_eq(a.id.rs_af, 0);
}

Test(notify, names_for_logs)
{
	const struct conf_vs	*vs;
	const struct conf_rs	*rs;
	struct msg_lvs_notify	 msg;
	char			 b[CONF_VSNAMELEN];

	nth(0, 1, &vs, &rs);
	cr_expect_str_eq(conf_vs_name(&vs->c, b, sizeof(b)),
	    "TCP 198.18.0.100:80");
	cr_expect_str_eq(conf_rs_name(&rs->c, b, sizeof(b)),
	    "198.18.1.12:8080");
	nth(1, -1, &vs, &rs);
	cr_expect_str_eq(conf_vs_name(&vs->c, b, sizeof(b)),
	    "UDP 198.18.0.100:80");
	nth(2, -1, &vs, &rs);
	cr_expect_str_eq(conf_vs_name(&vs->c, b, sizeof(b)), "FWM 7");
	nth(3, 0, &vs, &rs);
	cr_expect_str_eq(conf_vs_name(&vs->c, b, sizeof(b)), "group G");
	cr_expect_str_eq(conf_rs_name(&rs->c, b, sizeof(b)),
	    "[2001:db8::15]:80");
	nth(4, -1, &vs, &rs);
	cr_expect_str_eq(conf_vs_name(&vs->c, b, sizeof(b)),
	    "TCP [2001:db8::100]:443");
	/* From a message, as had logs an object it does not know. */
	msg = msg_for(4, 0, LVS_NOTIFY_RS_UP);
	cr_expect_str_eq(conf_lvs_id_vs(&msg.id, b, sizeof(b)),
	    "TCP [2001:db8::100]:443");
	cr_expect_str_eq(conf_lvs_id_rs(&msg.id, b, sizeof(b)),
	    "[2001:db8::16]:443");
	msg.id.vs_type = 9;
	cr_expect_str_eq(conf_lvs_id_vs(&msg.id, b, sizeof(b)), "type 9");
}
