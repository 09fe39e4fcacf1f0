/*
 * announce: the decision (pure), and lvsd's routes in a network
 * namespace of the test's own: a route of our protocol in our table only
 * while the virtual server is in IPVS (a stand-in says which services
 * the kernel holds: this kernel may have no IPVS), has quorum and the box
 * is not in maintenance; withdrawn on quorum loss, maintenance and stop;
 * stale ones removed at a first start, adopted by a respawn.  Checked
 * with ip.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <criterion/criterion.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "conf.h"
#include "conf_misc.h"
#include "log.h"
#include "test_sh.h"
#include "msg.h"
#include "../../lvsd/lvsd.h"
#include "../../lvsd/lvs_ipvs.h"

#define CONF								\
    "virtual_server 198.18.9.1 80 {\n\tprotocol TCP\n"			\
    "\tannounce table 201 metric 7\n"					\
    "\treal_server 198.18.1.1 80 { weight 1 }\n}\n"			\
    "virtual_server 198.18.9.1 443 {\n\tprotocol TCP\n\tannounce\n"	\
    "\treal_server 198.18.1.1 443 { weight 1 }\n}\n"			\
    "virtual_server 198.18.9.2 80 {\n\tprotocol TCP\n"			\
    "\treal_server 198.18.1.1 80 { weight 1 }\n}\n"			\
    "virtual_server_group G6 {\n\t2001:db8:9::1 80\n}\n"		\
    "virtual_server group G6 {\n\tprotocol TCP\n\tannounce table 202\n" \
    "\treal_server 2001:db8:1::1 80 { weight 1 }\n}\n"

static struct had_conf	*conf;
static struct nl_sock	*cmd;
static int		 programmed;	/* the stand-in's IPVS holds all */

static int
fake_read(struct lvs_table *kern, const struct lvs_table *keys)
{
	size_t	 i;

	if (!programmed)
		return (0);
	for (i = 0; i < keys->nsvcs; i++)
		if (lvs_table_add(kern, &keys->svcs[i]) == NULL)
			return (ENOMEM);
	return (0);
}

#define R80	has("ip route show table 201 proto 245", "198.18.9.1 dev lo")
#define R6	has("ip -6 route show table 202 proto 245", "2001:db8:9::1 dev lo")
#define RNOT	has("ip route show table all proto 245", "198.18.9.2")

static void
setup(void)
{
	log_init(1, LOG_DAEMON);
	if (unshare(CLONE_NEWNET) == -1)
		cr_skip_test("unshare(CLONE_NEWNET): %s (needs root)",
		    strerror(errno));
	sh("ip link set lo up");
	cmd = lvs_nl_open();
	cr_assert_not_null(cmd);
	lvs_announce_read = fake_read;
	programmed = 0;
}

static void
teardown(void)
{
	(void)lvs_announce_withdraw_all("test");
	if (cmd != NULL)
		nl_socket_free(cmd);
	cmd = NULL;
}

static void
health(const char *rs, uint16_t port, int up)
{
	struct msg_rs_state	 m;
	const struct conf_vs	*vs;
	const struct conf_rs	*r;

	TAILQ_FOREACH(vs, &conf->vss, entry)
		TAILQ_FOREACH(r, &vs->rss, entry) {
			char a[64];

			conf_addr_str(&r->c.addr, a, sizeof(a));
			if (strcmp(a, rs) != 0 || r->c.port != port)
				continue;
			memset(&m, 0, sizeof(m));
			conf_lvs_id(&vs->c, &r->c, &m.id);
			m.up = up;
			m.weight = r->c.weight;
			lvs_rs_health(&m);
		}
}

Test(announce, decide)
{
	cr_expect_eq(lvs_announce_decide(1, 1, 1, 0, 0), LVS_ANN_YES);
	cr_expect_eq(lvs_announce_decide(0, 1, 1, 0, 0), LVS_ANN_OFF);
	cr_expect_eq(lvs_announce_decide(1, 0, 1, 0, 0), LVS_ANN_NOTIPVS);
	cr_expect_eq(lvs_announce_decide(1, 1, 0, 0, 0), LVS_ANN_NOQUORUM);
	cr_expect_eq(lvs_announce_decide(1, 1, -1, 0, 0), LVS_ANN_NOQUORUM,
	    "quorum not computed yet: not out");
	cr_expect_eq(lvs_announce_decide(1, 1, 1, 1, 0), LVS_ANN_MAINT);
	cr_expect_eq(lvs_announce_decide(1, 1, 1, 0, 1), LVS_ANN_STOPPING);
	cr_expect_eq(lvs_announce_decide(1, 0, 0, 1, 1), LVS_ANN_STOPPING,
	    "stopping says it first");
	cr_expect_str_eq(lvs_announce_why_name(LVS_ANN_NOQUORUM), "no quorum");
	cr_expect_str_eq(lvs_announce_why_name(99), "?");
}

Test(announce, conf_keyword)
{
	const struct conf_vs	*vs;
	struct conf_diags	 d;

	conf = load(CONF);
	vs = TAILQ_FIRST(&conf->vss);
	cr_expect(vs->c.announce);
	cr_expect_eq(vs->c.announce_table, 201);
	cr_expect_eq(vs->c.announce_metric, 7);
	vs = TAILQ_NEXT(vs, entry);
	cr_expect_eq(vs->c.announce_table, CONF_ANNOUNCE_TABLE, "default");
	vs = TAILQ_NEXT(vs, entry);
	cr_expect(!vs->c.announce);
	conf_free(conf);
	conf = NULL;
	conf_diags_init(&d);
	cr_expect_null(conf_load_string("virtual_server 198.18.9.1 80 {\n"
	    "\tannounce table 254\n}\n", "t.conf", NULL, &d), "main: refused");
	cr_expect_null(conf_load_string("virtual_server 198.18.9.1 80 {\n"
	    "\tannounce table\n}\n", "t.conf", NULL, &d), "no value");
	cr_expect_null(conf_load_string("virtual_server 198.18.9.1 80 {\n"
	    "\tannounce color 3\n}\n", "t.conf", NULL, &d), "unknown word");
	conf_diags_free(&d);
}

TestSuite(announce_nl, .init = setup, .fini = teardown);

Test(announce_nl, follows_ipvs_quorum_maint_stop)
{
	conf = load(CONF);
	lvs_announce_start(cmd, 1);
	lvs_reconf(NULL, conf);
	lvs_announce_update();
	cr_expect(!R80 && !R6, "not in IPVS: nothing out");

	programmed = 1;
	lvs_announce_update();
	cr_expect(R80, "in IPVS with quorum: out, table 201");
	cr_expect(has("ip route show table 201 proto 245", "metric 7"));
	cr_expect(R6, "a group, IPv6, table 202");
	cr_expect(!RNOT, "no announce: never out");
	cr_expect_eq(lvs_announce_stats()->announced, 2);

	health("198.18.1.1", 443, 0);
	lvs_announce_update();
	cr_expect(!R80, "443 lost quorum: the shared address is withdrawn");
	cr_expect(R6, "the other stays");
	health("198.18.1.1", 443, 1);
	lvs_announce_update();
	cr_expect(R80, "quorum back: out again");

	lvs_announce_maint(1);
	cr_expect(!R80 && !R6, "maintenance: withdrawn");
	lvs_announce_maint(0);
	cr_expect(R80 && R6, "maintenance off: out again");

	programmed = 0;
	lvs_announce_update();
	cr_expect(!R80 && !R6, "gone from IPVS: withdrawn");
	programmed = 1;
	lvs_announce_update();
	cr_expect(R80 && R6);

	cr_expect_gt(lvs_announce_stop(), 0, "stop: something withdrawn, the routers get time");
	cr_expect(!R80 && !R6, "stop: withdrawn");
	lvs_announce_update();
	cr_expect(!R80 && !R6, "stopping: not again");
	conf_free(conf);
	conf = NULL;
}

Test(announce_nl, stale_removed_adopted)
{
	sh("ip route add 198.18.9.7/32 dev lo table 201 proto 245");
	sh("ip route add 198.18.9.8/32 dev lo table 201 proto static");
	lvs_announce_start(cmd, 0);
	cr_expect_eq(lvs_announce_stats()->announced, 1, "respawn: adopted");
	cr_expect(has("ip route show table 201", "198.18.9.7"));
	lvs_announce_withdraw_all("test");
	cr_expect(!has("ip route show table 201", "198.18.9.7"));

	sh("ip route add 198.18.9.7/32 dev lo table 201 proto 245");
	sh("ip -6 route add 2001:db8:9::7/128 dev lo table 77 proto 245");
	lvs_announce_start(cmd, 1);
	cr_expect_eq(lvs_announce_stats()->announced, 0);
	cr_expect(!has("ip route show table all proto 245", "198.18.9.7"),
	    "a first start removes what a crash left");
	cr_expect(!has("ip -6 route show table all proto 245", "2001:db8:9"),
	    "in any table, IPv6 too");
	cr_expect(has("ip route show table 201", "198.18.9.8"),
	    "another protocol's route stays");
}
