/*
 * lvsd's routes, rules and no_accept filter, in a network namespace of
 * the test's own: static ones with the configuration, an instance's
 * when vrrpd says it is Master and only those of its configuration, a
 * reload, and nothing left once had stops.  Checked with ip and nft.
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
#include "imsg.h"
#include "log.h"
#include "test_sh.h"
#include "../../lvsd/lvsd.h"

#define CONF_HEAD							\
    "global_defs {\n\tvrrp_strict\n}\n"					\
    "static_ipaddress {\n\t198.18.3.1/32 dev lo\n}\n"			\
    "static_routes {\n\t198.18.4.0/24 via 198.18.0.254 dev d0 table 100\n" \
    "\t198.18.8.0/24 via 198.18.0.253 or 198.18.0.254\n}\n"		\
    "static_rules {\n\tfrom 198.18.4.0/24 table 100 priority 1000\n}\n"
#define CONF_INST(route)						\
    "vrrp_instance VI_R {\n\tinterface d0\n\tvirtual_router_id 20\n"	\
    "\tvrrp_version 3\n"						\
    "\tvirtual_ipaddress {\n\t\t198.18.0.20/24\n\t}\n"			\
    "\tvirtual_routes {\n\t\t" route "\n"				\
    "\t\tblackhole 198.18.6.0/24 table 101\n\t}\n"			\
    "\tvirtual_rules {\n\t\tfrom 198.18.0.20 table 101 priority 1001\n"	\
    "\t}\n}\n"

static struct had_conf	*conf;
static struct nl_sock	*cmd;

static const struct had_conf *
cur_conf(void)
{
	return (conf);
}

static void
setup(void)
{
	log_init(1, LOG_DAEMON);
	conf = load(CONF_HEAD CONF_INST(
	    "src 198.18.0.20 to 198.18.5.0/24 via 198.18.0.254 dev d0"));
	lvs_conf = cur_conf;
	if (unshare(CLONE_NEWNET) == -1)
		cr_skip_test("unshare(CLONE_NEWNET): %s (needs root)",
		    strerror(errno));
	sh("ip link set lo up && "
	    "ip link add d0 type veth peer name d0p && "
	    "ip link set d0p up && ip link set d0 up && "
	    "ip addr add 198.18.0.1/24 dev d0 && "
	    "ip addr add 198.18.0.20/24 dev d0");
	cmd = lvs_nl_open();
	cr_assert_not_null(cmd);
}

static void
teardown(void)
{
	if (cmd != NULL)
		nl_socket_free(cmd);
	cmd = NULL;
	conf_free(conf);
}

static int
vroutes(const char *inst, uint32_t up)
{
	struct msg_vroutes	 m;
	struct imsg		 imsg;

	memset(&m, 0, sizeof(m));
	strlcpy(m.instance, inst, sizeof(m.instance));
	m.up = up;
	memset(&imsg, 0, sizeof(imsg));
	imsg.hdr.type = IMSG_VROUTES;
	imsg.fd = -1;
	imsg.data = &m;
	imsg.datalen = sizeof(m);
	return (lvs_vroutes_dispatch(cmd, &imsg));
}

#define VROUTE	has("ip route show 198.18.5.0/24", "src 198.18.0.20")
#define VBLACK	has("ip route show table 101", "blackhole 198.18.6.0/24")
#define VRULE	has("ip rule show", "1001:\tfrom 198.18.0.20 lookup 101")
#define SADDR	has("ip -o addr show dev lo", "198.18.3.1/32")
#define SROUTE	has("ip route show table 100", "198.18.4.0/24 via 198.18.0.254")
#define SRULE	has("ip rule show", "1000:\tfrom 198.18.4.0/24 lookup 100")

TestSuite(lvs_route, .init = setup, .fini = teardown);

Test(lvs_route, static_and_virtual)
{
	lvs_rt_reconf(cmd, conf, 1);
	cr_expect(SADDR && SROUTE && SRULE, "static ones with the config");
	cr_expect(has("ip route show 198.18.8.0/24",
	    "nexthop via 198.18.0.253"), "via A or B: two next hops");
	cr_expect(!VROUTE && !VBLACK && !VRULE, "no virtual one yet");

	cr_expect_eq(vroutes("VI_R", 1), 0);
	cr_expect(VROUTE && VBLACK && VRULE, "the Master's");
	cr_expect_eq(vroutes("VI_R", 1), 0, "again: nothing to do");

	cr_expect_eq(vroutes("VI_R", 0), 0);
	cr_expect(!VROUTE && !VBLACK && !VRULE, "gone with Master");
	cr_expect(SADDR && SROUTE && SRULE, "static ones stay");

	cr_expect_eq(vroutes("VI_R", 1), 0);
	lvs_rt_remove_all(cmd);
	cr_expect(!VROUTE && !VBLACK && !VRULE && !SADDR && !SROUTE &&
	    !SRULE, "nothing left when had stops");
	cr_expect(!has("ip route show 198.18.8.0/24", "nexthop"));
}

/* A hostile vrrpd: only what the configuration has, by its name. */
Test(lvs_route, only_what_is_configured)
{
	struct msg_vroutes	 m;
	struct imsg		 imsg;

	lvs_rt_reconf(cmd, conf, 1);
	cr_expect_eq(vroutes("VI_X", 1), 0);
	cr_expect(!VROUTE && !VBLACK && !VRULE);
	memset(&m, 'x', sizeof(m));
	m.up = 1;
	memset(&imsg, 0, sizeof(imsg));
	imsg.hdr.type = IMSG_VROUTES;
	imsg.fd = -1;
	imsg.data = &m;
	imsg.datalen = sizeof(m);
	cr_expect_eq(lvs_vroutes_dispatch(cmd, &imsg), -1, "no NUL");
	strlcpy(m.instance, "VI_R", sizeof(m.instance));
	m.up = 2;
	cr_expect_eq(lvs_vroutes_dispatch(cmd, &imsg), -1, "up 2");
	imsg.datalen = sizeof(m) - 1;
	cr_expect_eq(lvs_vroutes_dispatch(cmd, &imsg), -1, "size");
	cr_expect(!VROUTE && !VBLACK && !VRULE);
	lvs_rt_remove_all(cmd);
}

/* A reload while Master: the changed route is replaced, the rest stays. */
Test(lvs_route, reload)
{
	struct had_conf	*old = conf;

	lvs_rt_reconf(cmd, conf, 1);
	cr_expect_eq(vroutes("VI_R", 1), 0);
	conf = load(CONF_INST("198.18.7.0/24 dev d0"));
	lvs_rt_reconf(cmd, conf, 0);
	conf_free(old);
	cr_expect(!VROUTE, "the old route went");
	cr_expect(has("ip route show 198.18.7.0/24", "dev d0"),
	    "the new one came");
	cr_expect(VBLACK && VRULE, "the unchanged ones stayed");
	cr_expect(!SADDR && !SROUTE && !SRULE, "static ones gone with "
	    "their blocks");
	lvs_rt_remove_all(cmd);
	cr_expect(!has("ip route show 198.18.7.0/24", "dev d0"));
}

/* A fresh start removes an earlier had's virtual routes and rules. */
Test(lvs_route, fresh_start)
{
	sh("ip route add 198.18.5.0/24 via 198.18.0.254 dev d0 "
	    "src 198.18.0.20 proto 18 && "
	    "ip rule add from 198.18.0.20 table 101 priority 1001 proto 18");
	cr_expect(VROUTE && VRULE);
	lvs_rt_reconf(cmd, conf, 1);
	cr_expect(!VROUTE && !VRULE);
	lvs_rt_remove_all(cmd);
}

/* no_accept (vrrp_strict): the VIP is in our nft table while up. */
Test(lvs_route, no_accept_filter)
{
	const struct conf_instance	*in = TAILQ_FIRST(&conf->instances);
	const struct vrrp_vip_conf	*v = &TAILQ_FIRST(&in->vips)->c;

	if (system("command -v nft >/dev/null") != 0)
		cr_skip_test("no nft command");
	cr_expect(!lvs_nft_accepts(conf, in), "strict: no_accept");
	lvs_nft_init();
	lvs_nft_start();
	lvs_nft_vip(conf, in, v, 1);
	cr_expect(has("nft list table inet had", "198.18.0.20"));
	lvs_nft_vip(conf, NULL, v, 0);
	cr_expect(!has("nft list table inet had", "198.18.0.20"));
	lvs_nft_shutdown();
	cr_expect_neq(system("nft list table inet had >/dev/null 2>&1"), 0,
	    "table gone");
}
