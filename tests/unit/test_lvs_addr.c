/*
 * lvsd's rtnetlink work for vrrpd: the checks of VIP and VMAC requests
 * (pure), then the real thing in a network namespace of the test's own:
 * addresses added and removed on dummy links, the link monitor, a VIP
 * removed behind lvsd's back, the overrun resync, the start-up takeover
 * and VMAC links.  Checked with netlink dumps.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <net/if.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <criterion/criterion.h>
#include <netlink/netlink.h>
#include <netlink/msg.h>
#include <netlink/attr.h>
#include <netlink/socket.h>

#include "conf.h"
#include "imsg.h"
#include "log.h"
#include "../../lvsd/lvsd.h"

static const char *test_conf =
    "vrrp_instance VI_1 {\n"
    "	interface d0\n"
    "	virtual_router_id 51\n"
    "	priority 100\n"
    "	virtual_ipaddress {\n"
    "		198.18.0.100/24\n"
    "		198.18.0.101/24 dev d1 label d1:5 brd 198.18.0.255\n"
    "		198.18.0.102 dev d0 scope host\n"
    "		2001:db8::100/64\n"
    "	}\n"
    "	virtual_ipaddress_excluded {\n"
    "		198.18.0.200/24\n"
    "	}\n"
    "}\n"
    "vrrp_instance VI_V {\n"
    "	interface d0\n"
    "	virtual_router_id 52\n"
    "	use_vmac\n"
    "	virtual_ipaddress {\n"
    "		198.18.0.110/24\n"
    "	}\n"
    "}\n"
    "vrrp_instance VI_N {\n"
    "	interface d1\n"
    "	virtual_router_id 53\n"
    "	use_vmac vmac53\n"
    "	virtual_ipaddress {\n"
    "		198.18.1.110/24\n"
    "	}\n"
    "}\n";

static struct had_conf	*conf;
static struct nl_sock	*cmd, *mon;

/* What lvsd sent to "vrrpd". */
#define NREC	256
static struct rec {
	uint32_t	type;
	uint8_t		buf[256];
	size_t		len;
} recs[NREC];
static int	 nrecs;

static int
rec_send(uint32_t type, const void *data, size_t len)
{
	cr_assert_lt(nrecs, NREC);
	cr_assert_leq(len, sizeof(recs[0].buf));
	recs[nrecs].type = type;
	memcpy(recs[nrecs].buf, data, len);
	recs[nrecs].len = len;
	nrecs++;
	return (0);
}

static const struct had_conf *
rec_conf(void)
{
	return (conf);
}

static void
setup(void)
{
	struct conf_diags	 d;

	log_init(1, LOG_DAEMON);
	conf_diags_init(&d);
	conf = conf_load_string(test_conf, "test.conf", NULL, &d);
	if (conf == NULL)
		conf_diags_print(stderr, &d);
	conf_diags_free(&d);
	cr_assert_not_null(conf);
	lvs_vrrp_send = rec_send;
	lvs_conf = rec_conf;
	nrecs = 0;
}

static void
teardown(void)
{
	lvs_link_shutdown();
	if (cmd != NULL)
		nl_socket_free(cmd);
	if (mon != NULL)
		nl_socket_free(mon);
	cmd = mon = NULL;
	conf_free(conf);
}

static struct msg_vip
vip(const char *inst, const char *ifname, const char *addr, int prefix)
{
	struct msg_vip	 m;

	memset(&m, 0, sizeof(m));
	strlcpy(m.instance, inst, sizeof(m.instance));
	strlcpy(m.ifname, ifname, sizeof(m.ifname));
	if (strchr(addr, ':') != NULL) {
		m.af = AF_INET6;
		cr_assert_eq(inet_pton(AF_INET6, addr, m.addr), 1);
	} else {
		m.af = AF_INET;
		cr_assert_eq(inet_pton(AF_INET, addr, m.addr), 1);
	}
	m.prefix = prefix;
	return (m);
}

static int
check(struct msg_vip m)
{
	return (lvs_vip_check(conf, &m, NULL, NULL));
}

/* Pure checks. */
TestSuite(lvs_check, .init = setup, .fini = teardown);

Test(lvs_check, configured_vips_pass)
{
	cr_expect_eq(check(vip("VI_1", "d0", "198.18.0.100", 24)), 0);
	cr_expect_eq(check(vip("VI_1", "d1", "198.18.0.101", 24)), 0);
	cr_expect_eq(check(vip("VI_1", "d0", "198.18.0.102", 32)), 0);
	cr_expect_eq(check(vip("VI_1", "d0", "2001:db8::100", 64)), 0);
	cr_expect_eq(check(vip("VI_1", "d0", "198.18.0.200", 24)), 0,
	    "virtual_ipaddress_excluded counts as configured");
}

Test(lvs_check, anything_else_refused)
{
	struct msg_vip	 m;

	cr_expect_eq(check(vip("VI_1", "d0", "198.18.0.100", 25)), EPERM,
	    "prefix");
	cr_expect_eq(check(vip("VI_1", "d1", "198.18.0.100", 24)), EPERM,
	    "interface: no dev means the instance's interface");
	cr_expect_eq(check(vip("VI_1", "d0", "198.18.0.101", 24)), EPERM,
	    "interface: dev given");
	cr_expect_eq(check(vip("VI_2", "d0", "198.18.0.100", 24)), EPERM,
	    "instance");
	cr_expect_eq(check(vip("VI_V", "d0", "198.18.0.100", 24)), EPERM,
	    "another instance's VIP");
	cr_expect_eq(check(vip("VI_1", "d0", "198.18.0.99", 24)), EPERM,
	    "address");
	cr_expect_eq(check(vip("VI_1", "d0", "2001:db8::101", 64)), EPERM);
	m = vip("VI_1", "d1", "198.18.0.101", 24);
	strlcpy(m.label, "d1:6", sizeof(m.label));
	cr_expect_eq(check(m), EPERM, "label");
	strlcpy(m.label, "d1:5", sizeof(m.label));
	cr_expect_eq(check(m), 0);
	m = vip("VI_1", "d0", "198.18.0.102", 32);
	m.scope = 253;
	cr_expect_eq(check(m), EPERM, "scope");
	m.scope = 254;
	cr_expect_eq(check(m), 0);
	cr_expect_eq(lvs_vip_check(NULL, &m, NULL, NULL), EPERM,
	    "no configuration yet");
}

Test(lvs_check, vmac_interface)
{
	cr_expect_eq(check(vip("VI_V", "vrrp.52", "198.18.0.110", 24)), 0);
	cr_expect_eq(check(vip("VI_V", "d0", "198.18.0.110", 24)), 0);
	cr_expect_eq(check(vip("VI_N", "vmac53", "198.18.1.110", 24)), 0);
	cr_expect_eq(check(vip("VI_N", "vrrp.53", "198.18.1.110", 24)),
	    EPERM);
}

Test(lvs_check, wellformed)
{
	struct msg_vip	 m;

	m = vip("VI_1", "d0", "198.18.0.100", 24);
	cr_expect(lvs_vip_wellformed(&m));
	m.prefix = 33;
	cr_expect(!lvs_vip_wellformed(&m));
	m = vip("VI_1", "d0", "2001:db8::100", 128);
	cr_expect(lvs_vip_wellformed(&m));
	m.prefix = 129;
	cr_expect(!lvs_vip_wellformed(&m));
	m = vip("VI_1", "d0", "198.18.0.100", 24);
	m.af = 17;
	cr_expect(!lvs_vip_wellformed(&m));
	m = vip("VI_1", "d0", "198.18.0.100", 24);
	memset(m.instance, 'x', sizeof(m.instance));
	cr_expect(!lvs_vip_wellformed(&m));
	m = vip("VI_1", "d0", "198.18.0.100", 24);
	memset(m.ifname, 'x', sizeof(m.ifname));
	cr_expect(!lvs_vip_wellformed(&m));
	m = vip("VI_1", "d0", "198.18.0.100", 24);
	memset(m.label, 'x', sizeof(m.label));
	cr_expect(!lvs_vip_wellformed(&m));
	m = vip("VI_1", "", "198.18.0.100", 24);
	cr_expect(!lvs_vip_wellformed(&m));
}

static struct msg_vmac
vmac(const char *inst, const char *ifname, const char *parent, int vrid,
    int af)
{
	struct msg_vmac	 m;

	memset(&m, 0, sizeof(m));
	strlcpy(m.instance, inst, sizeof(m.instance));
	strlcpy(m.ifname, ifname, sizeof(m.ifname));
	strlcpy(m.parent, parent, sizeof(m.parent));
	m.vrid = vrid;
	m.af = af;
	return (m);
}

Test(lvs_check, vmac_requests)
{
	struct msg_vmac	 m;
	char		 name[16];

	m = vmac("VI_V", "vrrp.52", "d0", 52, AF_INET);
	cr_expect_eq(lvs_vmac_check(conf, &m), 0);
	m = vmac("VI_V", "", "d0", 52, AF_INET6);
	cr_expect_eq(lvs_vmac_check(conf, &m), 0, "default name");
	m = vmac("VI_N", "vmac53", "d1", 53, AF_INET);
	cr_expect_eq(lvs_vmac_check(conf, &m), 0);
	m = vmac("VI_1", "vrrp.51", "d0", 51, AF_INET);
	cr_expect_eq(lvs_vmac_check(conf, &m), EPERM, "no use_vmac");
	m = vmac("VI_V", "vrrp.52", "d0", 53, AF_INET);
	cr_expect_eq(lvs_vmac_check(conf, &m), EPERM, "VRID");
	m = vmac("VI_V", "vrrp.52", "d1", 52, AF_INET);
	cr_expect_eq(lvs_vmac_check(conf, &m), EPERM, "parent");
	m = vmac("VI_V", "eth0", "d0", 52, AF_INET);
	cr_expect_eq(lvs_vmac_check(conf, &m), EPERM, "name");
	m = vmac("VI_V", "vrrp.52", "d0", 52, 0);
	cr_expect(!lvs_vmac_wellformed(&m), "family");
	lvs_vmac_name(&TAILQ_FIRST(&conf->instances)->c, name, sizeof(name));
	cr_expect_str_eq(name, "vrrp.51");
}

/* In a network namespace of our own. */

static void
sh(const char *cmdline)
{
	cr_assert_eq(system(cmdline), 0, "%s", cmdline);
}

static void
netns(void)
{
	if (unshare(CLONE_NEWNET) == -1)
		cr_skip_test("unshare(CLONE_NEWNET): %s (needs root)",
		    strerror(errno));
	/* veth pairs: the kernel may lack dummy links. */
	sh("ip link set lo up && "
	    "ip link add d0 type veth peer name d0p && "
	    "ip link add d1 type veth peer name d1p && "
	    "ip link set d0p up && ip link set d1p up && "
	    "ip link set d0 up && ip link set d1 up");
	cmd = lvs_nl_open();
	cr_assert_not_null(cmd);
}

static void
monitor(void)
{
	mon = lvs_nl_open_monitor();
	cr_assert_not_null(mon);
	cr_assert_eq(lvs_link_init(NULL, cmd, mon), 0);
	lvs_link_reconf(conf);
}

struct find {
	int		 af;
	uint8_t		 addr[16];
	int		 ifindex;
	int		 found;
	int		 prefix;
	int		 scope;
	int		 flags;
	char		 label[IF_NAMESIZE];
	uint8_t		 brd[4];
	int		 has_brd;
};

static int
find_cb(struct nlmsghdr *h, void *arg)
{
	struct find		*f = arg;
	struct ifaddrmsg	*ifa = nlmsg_data(h);
	struct nlattr		*tb[IFA_MAX + 1];
	int			 alen = f->af == AF_INET ? 4 : 16;

	if (nlmsg_parse(h, sizeof(*ifa), tb, IFA_MAX, NULL) < 0 ||
	    ifa->ifa_family != f->af || (int)ifa->ifa_index != f->ifindex)
		return (0);
	if (tb[IFA_ADDRESS] == NULL ||
	    memcmp(nla_data(tb[IFA_ADDRESS]), f->addr, alen) != 0)
		return (0);
	f->found++;
	f->prefix = ifa->ifa_prefixlen;
	f->scope = ifa->ifa_scope;
	f->flags = ifa->ifa_flags;
	if (tb[IFA_LABEL] != NULL)
		nla_strlcpy(f->label, tb[IFA_LABEL], sizeof(f->label));
	if (tb[IFA_BROADCAST] != NULL) {
		memcpy(f->brd, nla_data(tb[IFA_BROADCAST]), 4);
		f->has_brd = 1;
	}
	return (0);
}

/* Look the address up with a netlink dump. */
static struct find
lookup(const char *ifname, const char *addr)
{
	struct find	 f;

	memset(&f, 0, sizeof(f));
	f.af = strchr(addr, ':') != NULL ? AF_INET6 : AF_INET;
	cr_assert_eq(inet_pton(f.af, addr, f.addr), 1);
	f.ifindex = if_nametoindex(ifname);
	cr_assert_eq(lvs_nl_dump(cmd, RTM_GETADDR, f.af, find_cb, &f), 0);
	return (f);
}

static int
dispatch(uint32_t type, void *data, size_t len)
{
	struct imsg	 im;

	memset(&im, 0, sizeof(im));
	im.hdr.type = type;
	im.fd = -1;
	im.data = data;
	im.datalen = len;
	if (type == IMSG_VIP_ADD || type == IMSG_VIP_DEL)
		return (lvs_addr_dispatch(cmd, &im));
	if (type == IMSG_VMAC_UP || type == IMSG_VMAC_DOWN)
		return (lvs_vmac_dispatch(cmd, &im));
	return (lvs_link_query(&im));
}

/* The last message of that type sent to vrrpd, or NULL. */
static void *
last(uint32_t type)
{
	int	 i;

	for (i = nrecs - 1; i >= 0; i--)
		if (recs[i].type == type)
			return (recs[i].buf);
	return (NULL);
}

static struct msg_link *
link_msg(const char *name)
{
	struct msg_link	*l;
	int		 i;

	for (i = nrecs - 1; i >= 0; i--) {
		l = (struct msg_link *)recs[i].buf;
		if (recs[i].type == IMSG_LINK_STATE &&
		    strcmp(l->ifname, name) == 0)
			return (l);
	}
	return (NULL);
}

static int
count(uint32_t type)
{
	int	 i, n = 0;

	for (i = 0; i < nrecs; i++)
		n += recs[i].type == type;
	return (n);
}

static struct vrrp_vip_conf
vipconf(const char *addr, int prefix)
{
	struct vrrp_vip_conf	 v;

	memset(&v, 0, sizeof(v));
	v.addr.af = strchr(addr, ':') != NULL ? AF_INET6 : AF_INET;
	v.addr.prefix = prefix;
	cr_assert_eq(inet_pton(v.addr.af, addr, v.addr.u.raw), 1);
	return (v);
}

TestSuite(lvs_nl, .init = setup, .fini = teardown);

Test(lvs_nl, add_and_remove)
{
	struct vrrp_vip_conf	 v;
	int			 d0;

	netns();
	d0 = if_nametoindex("d0");
	v = vipconf("198.18.0.100", 24);
	cr_expect_eq(lvs_addr_apply(cmd, LVS_VIP_ADD, d0, &v), 0);
	cr_expect_eq(lookup("d0", "198.18.0.100").found, 1);
	cr_expect_eq(lookup("d0", "198.18.0.100").prefix, 24);
	cr_expect_eq(lvs_addr_apply(cmd, LVS_VIP_ADD, d0, &v), EEXIST);
	cr_expect_eq(lookup("d0", "198.18.0.100").found, 1);
	cr_expect_eq(lvs_addr_apply(cmd, LVS_VIP_DEL, d0, &v), 0);
	cr_expect_eq(lookup("d0", "198.18.0.100").found, 0);
	cr_expect_eq(lvs_addr_apply(cmd, LVS_VIP_DEL, d0, &v), EADDRNOTAVAIL);

	v = vipconf("2001:db8::100", 64);
	cr_expect_eq(lvs_addr_apply(cmd, LVS_VIP_ADD, d0, &v), 0);
	cr_expect_eq(lookup("d0", "2001:db8::100").found, 1);
	cr_expect(lookup("d0", "2001:db8::100").flags & IFA_F_NODAD);
	cr_expect_eq(lvs_addr_apply(cmd, LVS_VIP_ADD, d0, &v), EEXIST);
	cr_expect_eq(lvs_addr_apply(cmd, LVS_VIP_DEL, d0, &v), 0);
	cr_expect_eq(lookup("d0", "2001:db8::100").found, 0);
	cr_expect_eq(lvs_addr_apply(cmd, LVS_VIP_ADD, 9999, &v), ENODEV);
}

Test(lvs_nl, dispatch_programs_what_is_configured)
{
	struct msg_vip	 m, *r;
	struct find	 f;

	netns();
	m = vip("VI_1", "d1", "198.18.0.101", 24);
	cr_assert_eq(dispatch(IMSG_VIP_ADD, &m, sizeof(m)), 0);
	cr_assert_not_null(r = last(IMSG_VIP_RESULT));
	cr_expect_eq(r->error, 0);
	f = lookup("d1", "198.18.0.101");
	cr_expect_eq(f.found, 1);
	cr_expect_str_eq(f.label, "d1:5", "label from the configuration");
	cr_expect(f.has_brd);
	cr_expect_eq(f.brd[3], 255);

	m = vip("VI_1", "d0", "198.18.0.102", 32);
	cr_assert_eq(dispatch(IMSG_VIP_ADD, &m, sizeof(m)), 0);
	cr_expect_eq(((struct msg_vip *)last(IMSG_VIP_RESULT))->error, 0);
	cr_expect_eq(lookup("d0", "198.18.0.102").scope, 254, "scope host");

	/* Already there: success, nothing changes. */
	cr_assert_eq(dispatch(IMSG_VIP_ADD, &m, sizeof(m)), 0);
	cr_expect_eq(((struct msg_vip *)last(IMSG_VIP_RESULT))->error, 0);
	cr_expect_eq(lookup("d0", "198.18.0.102").found, 1);

	cr_assert_eq(dispatch(IMSG_VIP_DEL, &m, sizeof(m)), 0);
	cr_expect_eq(((struct msg_vip *)last(IMSG_VIP_RESULT))->error, 0);
	cr_expect_eq(lookup("d0", "198.18.0.102").found, 0);
	/* Not there: success too. */
	cr_assert_eq(dispatch(IMSG_VIP_DEL, &m, sizeof(m)), 0);
	cr_expect_eq(((struct msg_vip *)last(IMSG_VIP_RESULT))->error, 0);

	m = vip("VI_1", "d0", "2001:db8::100", 64);
	cr_assert_eq(dispatch(IMSG_VIP_ADD, &m, sizeof(m)), 0);
	cr_expect_eq(((struct msg_vip *)last(IMSG_VIP_RESULT))->error, 0);
	cr_expect_eq(lookup("d0", "2001:db8::100").found, 1);
	cr_expect_eq(count(IMSG_ADDR_GONE), 0);
}

Test(lvs_nl, dispatch_refuses)
{
	struct msg_vip	 m, *r;
	char		 big[sizeof(m) + 4];

	netns();
	m = vip("VI_1", "d1", "198.18.0.100", 24);	/* wrong interface */
	cr_assert_eq(dispatch(IMSG_VIP_ADD, &m, sizeof(m)), 0);
	cr_assert_not_null(r = last(IMSG_VIP_RESULT));
	cr_expect_eq(r->error, EPERM);
	cr_expect_eq(lookup("d1", "198.18.0.100").found, 0);
	m = vip("VI_1", "d0", "198.18.0.99", 24);	/* not configured */
	cr_assert_eq(dispatch(IMSG_VIP_ADD, &m, sizeof(m)), 0);
	cr_expect_eq(((struct msg_vip *)last(IMSG_VIP_RESULT))->error, EPERM);
	cr_expect_eq(lookup("d0", "198.18.0.99").found, 0);
	sh("ip addr add 198.18.0.99/24 dev d0");
	cr_assert_eq(dispatch(IMSG_VIP_DEL, &m, sizeof(m)), 0);
	cr_expect_eq(((struct msg_vip *)last(IMSG_VIP_RESULT))->error, EPERM);
	cr_expect_eq(lookup("d0", "198.18.0.99").found, 1,
	    "an address that is not a VIP is never removed");

	/* Malformed: the channel is closed (-1), no answer. */
	nrecs = 0;
	cr_expect_eq(dispatch(IMSG_VIP_ADD, &m, sizeof(m) - 1), -1);
	memset(big, 0, sizeof(big));
	cr_expect_eq(dispatch(IMSG_VIP_ADD, big, sizeof(big)), -1);
	m = vip("VI_1", "d0", "198.18.0.100", 24);
	m.af = 99;
	cr_expect_eq(dispatch(IMSG_VIP_ADD, &m, sizeof(m)), -1);
	m = vip("VI_1", "d0", "198.18.0.100", 24);
	memset(m.ifname, 'd', sizeof(m.ifname));
	cr_expect_eq(dispatch(IMSG_VIP_ADD, &m, sizeof(m)), -1);
	m = vip("VI_1", "d0", "198.18.0.100", 24);
	memset(m.instance, 'V', sizeof(m.instance));
	cr_expect_eq(dispatch(IMSG_VIP_DEL, &m, sizeof(m)), -1);
	cr_expect_eq(nrecs, 0);
	cr_expect_eq(lookup("d0", "198.18.0.100").found, 0);
}

/*
 * A new veth's carrier comes late (linkwatch): wait for it, then read
 * (and forget) what the monitor saw so far.
 */
static void
carrier_wait(const char *ifname)
{
	char	 line[256];

	snprintf(line, sizeof(line), "for i in $(seq 1 40); do ip -o link show "
	    "%s | grep -q LOWER_UP && break; sleep 0.05; done", ifname);
	sh(line);
	lvs_link_read();
	nrecs = 0;
}

Test(lvs_nl, link_states)
{
	struct msg_link	 q, *l;

	netns();
	monitor();
	carrier_wait("d1");
	lvs_link_peer_up();
	/* d0, d1 and the two VMACs are the instances' links. */
	cr_expect_eq(count(IMSG_LINK_STATE), 4);
	cr_assert_not_null(l = link_msg("d1"));
	cr_expect(l->up && l->exists);
	cr_expect_eq(l->ifindex, (int)if_nametoindex("d1"));
	cr_assert_not_null(l = link_msg("vrrp.52"));
	cr_expect(!l->up && !l->exists);

	nrecs = 0;
	sh("ip link set d1 down");
	lvs_link_read();
	cr_assert_eq(count(IMSG_LINK_STATE), 1);
	l = last(IMSG_LINK_STATE);
	cr_expect_str_eq(l->ifname, "d1");
	cr_expect(!l->up && l->exists);

	nrecs = 0;
	sh("ip link set d1 up && ip link set d1 mtu 1400");
	lvs_link_read();
	cr_expect_eq(count(IMSG_LINK_STATE), 1, "an MTU change is no news");
	cr_expect(((struct msg_link *)last(IMSG_LINK_STATE))->up);

	nrecs = 0;
	sh("ip link del d1");
	lvs_link_read();
	/* Maybe "down" first, as the kernel closes it; "gone" last. */
	cr_assert_geq(count(IMSG_LINK_STATE), 1);
	l = last(IMSG_LINK_STATE);
	cr_expect_str_eq(l->ifname, "d1");
	cr_expect(!l->exists && !l->up);

	/* Links nobody configured are not reported... */
	nrecs = 0;
	sh("ip link add d9 type veth peer name d9p && ip link set d9p up && "
	    "ip link set d9 up");
	lvs_link_read();
	cr_expect_eq(count(IMSG_LINK_STATE), 0);
	carrier_wait("d9");
	/* ...until vrrpd asks (a track_interface). */
	memset(&q, 0, sizeof(q));
	strlcpy(q.ifname, "d9", sizeof(q.ifname));
	cr_assert_eq(dispatch(IMSG_LINK_QUERY, &q, sizeof(q)), 0);
	cr_assert_eq(count(IMSG_LINK_STATE), 1);
	cr_expect(((struct msg_link *)last(IMSG_LINK_STATE))->up);
	nrecs = 0;
	sh("ip link set d9 down");
	lvs_link_read();
	cr_expect_eq(count(IMSG_LINK_STATE), 1);
	/* A name that does not exist: exists 0. */
	strlcpy(q.ifname, "nope0", sizeof(q.ifname));
	cr_assert_eq(dispatch(IMSG_LINK_QUERY, &q, sizeof(q)), 0);
	cr_expect(!((struct msg_link *)last(IMSG_LINK_STATE))->exists);
	/* Renamed into a watched name. */
	nrecs = 0;
	sh("ip link set d9 name nope0");
	lvs_link_read();
	cr_expect_eq(count(IMSG_LINK_STATE), 2, "d9 gone, nope0 there");
	/* Malformed queries close the channel. */
	memset(q.ifname, 'x', sizeof(q.ifname));
	cr_expect_eq(dispatch(IMSG_LINK_QUERY, &q, sizeof(q)), -1);
	cr_expect_eq(dispatch(IMSG_LINK_QUERY, &q, sizeof(q) - 2), -1);
}

Test(lvs_nl, address_gone_behind_our_back)
{
	struct msg_vip	 m, *g;

	netns();
	monitor();
	m = vip("VI_1", "d0", "198.18.0.100", 24);
	cr_assert_eq(dispatch(IMSG_VIP_ADD, &m, sizeof(m)), 0);
	lvs_link_read();
	cr_expect_eq(count(IMSG_ADDR_GONE), 0);

	sh("ip addr del 198.18.0.100/24 dev d0");
	lvs_link_read();
	cr_assert_eq(count(IMSG_ADDR_GONE), 1);
	g = last(IMSG_ADDR_GONE);
	cr_expect_str_eq(g->instance, "VI_1");
	cr_expect_str_eq(g->ifname, "d0");
	cr_expect_eq(g->af, AF_INET);
	cr_expect_eq(g->prefix, 24);
	cr_expect_eq(memcmp(g->addr, m.addr, 4), 0);

	/* vrrpd adds it back; our own removal is no loss. */
	cr_assert_eq(dispatch(IMSG_VIP_ADD, &m, sizeof(m)), 0);
	cr_assert_eq(dispatch(IMSG_VIP_DEL, &m, sizeof(m)), 0);
	cr_assert_eq(dispatch(IMSG_VIP_ADD, &m, sizeof(m)), 0);
	lvs_link_read();
	cr_expect_eq(count(IMSG_ADDR_GONE), 1);
	cr_expect_eq(lookup("d0", "198.18.0.100").found, 1);

	/* An IPv6 VIP goes with its link going down. */
	m = vip("VI_1", "d0", "2001:db8::100", 64);
	cr_assert_eq(dispatch(IMSG_VIP_ADD, &m, sizeof(m)), 0);
	sh("ip link set d0 down");
	lvs_link_read();
	cr_expect_eq(count(IMSG_ADDR_GONE), 2);
	cr_expect_eq(((struct msg_vip *)last(IMSG_ADDR_GONE))->af, AF_INET6);
}

Test(lvs_nl, overrun_resync)
{
	struct msg_vip	 m;
	FILE		*fp;
	int		 i, sz = 1;

	netns();
	monitor();
	m = vip("VI_1", "d0", "198.18.0.100", 24);
	cr_assert_eq(dispatch(IMSG_VIP_ADD, &m, sizeof(m)), 0);
	/* The smallest buffer the kernel allows, then a flood. */
	cr_assert_eq(setsockopt(nl_socket_get_fd(mon), SOL_SOCKET, SO_RCVBUF,
	    &sz, sizeof(sz)), 0);
	sh("ip addr del 198.18.0.100/24 dev d0");
	cr_assert_not_null(fp = popen("ip -batch -", "w"));
	for (i = 0; i < 200; i++)
		fprintf(fp, "addr add 198.19.0.%d/32 dev d1\n", i + 1);
	cr_assert_eq(pclose(fp), 0);
	sh("ip link set d1 down");
	lvs_link_read();
	cr_expect_gt(lvs_link_overruns, 0, "the monitor overflowed");
	cr_expect_eq(count(IMSG_ADDR_GONE), 1, "the loss is found again");
	cr_expect_eq(((struct msg_link *)last(IMSG_LINK_STATE))->up, 0,
	    "d1 down is found again");
}

Test(lvs_nl, start_takes_over_what_is_there)
{
	struct msg_vip	 m;

	netns();
	/* An earlier lvsd left these. */
	sh("ip addr add 198.18.0.100/24 dev d0 && "
	    "ip addr add 198.18.0.200/24 dev d0 && "
	    "ip addr add 198.18.0.99/24 dev d0");
	monitor();
	lvs_vip_adopt(cmd, conf, 1);
	cr_expect_not_null(lvs_vip_find(AF_INET,
	    lookup("d0", "198.18.0.100").addr, if_nametoindex("d0")));
	cr_expect_null(lvs_vip_find(AF_INET,
	    lookup("d0", "198.18.0.99").addr, if_nametoindex("d0")),
	    "not a VIP: not ours");
	m = vip("VI_1", "d0", "198.18.0.100", 24);
	cr_assert_eq(dispatch(IMSG_VIP_ADD, &m, sizeof(m)), 0);
	cr_expect_eq(((struct msg_vip *)last(IMSG_VIP_RESULT))->error, 0);
	lvs_link_read();
	cr_expect_eq(count(IMSG_ADDR_GONE), 0, "a no-op add removes nothing");
	sh("ip addr del 198.18.0.200/24 dev d0");
	lvs_link_read();
	cr_expect_eq(count(IMSG_ADDR_GONE), 1);
}

Test(lvs_nl, fresh_start_removes_what_an_earlier_had_left)
{
	netns();
	/* A had killed with SIGKILL left these. */
	sh("ip addr add 198.18.0.100/24 dev d0 && "
	    "ip addr add 198.18.1.99/24 dev d0");
	monitor();
	lvs_vip_adopt(cmd, conf, 0);
	cr_expect_null(lvs_vip_find(AF_INET,
	    lookup("d0", "198.18.0.100").addr, if_nametoindex("d0")),
	    "removed, so no longer ours");
	cr_expect_neq(system("ip -o addr show dev d0 | "
	    "grep -q '198.18.0.100/'"), 0, "the configured VIP is gone");
	cr_expect_eq(system("ip -o addr show dev d0 | "
	    "grep -q '198.18.1.99/'"), 0, "not a VIP: left alone");
}

struct linkinfo {
	char		 kind[16];
	uint8_t		 mac[6];
	unsigned int	 flags;
	int		 parent;
	uint32_t	 mode;
	int		 found;
};

static int
link_cb(struct nlmsghdr *h, void *arg)
{
	struct linkinfo		*li = arg;
	struct ifinfomsg	*ifi = nlmsg_data(h);
	struct nlattr		*tb[IFLA_MAX + 1], *in[IFLA_INFO_MAX + 1];
	struct nlattr		*md[IFLA_MACVLAN_MAX + 1];

	if (nlmsg_parse(h, sizeof(*ifi), tb, IFLA_MAX, NULL) < 0 ||
	    (int)ifi->ifi_index != li->found)
		return (0);
	li->flags = ifi->ifi_flags;
	if (tb[IFLA_ADDRESS] != NULL)
		memcpy(li->mac, nla_data(tb[IFLA_ADDRESS]), 6);
	if (tb[IFLA_LINK] != NULL)
		li->parent = nla_get_u32(tb[IFLA_LINK]);
	if (tb[IFLA_LINKINFO] != NULL &&
	    nla_parse_nested(in, IFLA_INFO_MAX, tb[IFLA_LINKINFO], NULL) == 0) {
		if (in[IFLA_INFO_KIND] != NULL)
			nla_strlcpy(li->kind, in[IFLA_INFO_KIND],
			    sizeof(li->kind));
		if (in[IFLA_INFO_DATA] != NULL && nla_parse_nested(md,
		    IFLA_MACVLAN_MAX, in[IFLA_INFO_DATA], NULL) == 0 &&
		    md[IFLA_MACVLAN_MODE] != NULL)
			li->mode = nla_get_u32(md[IFLA_MACVLAN_MODE]);
	}
	return (0);
}

static struct linkinfo
linkinfo(const char *name)
{
	struct linkinfo	 li;

	memset(&li, 0, sizeof(li));
	li.found = if_nametoindex(name);
	cr_assert_neq(li.found, 0, "%s exists", name);
	cr_assert_eq(lvs_nl_dump(cmd, RTM_GETLINK, AF_UNSPEC, link_cb, &li),
	    0);
	return (li);
}

Test(lvs_nl, vmac)
{
	struct msg_vmac	 m, *r;
	struct linkinfo	 li;
	const uint8_t	 mac4[6] = { 0, 0, 0x5e, 0, 1, 52 };
	const uint8_t	 mac6[6] = { 0, 0, 0x5e, 0, 2, 53 };

	netns();
	m = vmac("VI_V", "", "d0", 52, AF_INET);
	cr_assert_eq(dispatch(IMSG_VMAC_UP, &m, sizeof(m)), 0);
	cr_assert_not_null(r = last(IMSG_VMAC_RESULT));
	cr_expect_eq(r->error, 0);
	cr_expect(r->up);
	cr_expect_str_eq(r->ifname, "vrrp.52");
	li = linkinfo("vrrp.52");
	cr_expect_str_eq(li.kind, "macvlan");
	cr_expect_eq(memcmp(li.mac, mac4, 6), 0);
	cr_expect(li.flags & IFF_UP);
	cr_expect_eq(li.parent, (int)if_nametoindex("d0"));
	cr_expect_eq(li.mode, MACVLAN_MODE_PRIVATE);

	/* Again (a respawned lvsd): success, the same link. */
	sh("ip link set vrrp.52 down");
	cr_assert_eq(dispatch(IMSG_VMAC_UP, &m, sizeof(m)), 0);
	cr_expect_eq(((struct msg_vmac *)last(IMSG_VMAC_RESULT))->error, 0);
	cr_expect(linkinfo("vrrp.52").flags & IFF_UP, "brought up again");

	m = vmac("VI_N", "vmac53", "d1", 53, AF_INET6);
	cr_assert_eq(dispatch(IMSG_VMAC_UP, &m, sizeof(m)), 0);
	cr_expect_eq(((struct msg_vmac *)last(IMSG_VMAC_RESULT))->error, 0);
	cr_expect_eq(memcmp(linkinfo("vmac53").mac, mac6, 6), 0);

	m = vmac("VI_V", "vrrp.52", "d0", 52, AF_INET);
	cr_assert_eq(dispatch(IMSG_VMAC_DOWN, &m, sizeof(m)), 0);
	r = last(IMSG_VMAC_RESULT);
	cr_expect_eq(r->error, 0);
	cr_expect(!r->up);
	cr_expect_eq(if_nametoindex("vrrp.52"), 0u);
	cr_assert_eq(dispatch(IMSG_VMAC_DOWN, &m, sizeof(m)), 0);
	cr_expect_eq(((struct msg_vmac *)last(IMSG_VMAC_RESULT))->error, 0,
	    "already gone");

	/* Refused: an instance without use_vmac; never a non-macvlan. */
	m = vmac("VI_1", "d1", "d0", 51, AF_INET);
	cr_assert_eq(dispatch(IMSG_VMAC_DOWN, &m, sizeof(m)), 0);
	cr_expect_eq(((struct msg_vmac *)last(IMSG_VMAC_RESULT))->error,
	    EPERM);
	cr_expect_neq(if_nametoindex("d1"), 0u);
	m = vmac("VI_V", "vrrp.52", "d0", 52, AF_INET);
	sh("ip link add vrrp.52 type bridge");
	cr_assert_eq(dispatch(IMSG_VMAC_DOWN, &m, sizeof(m)), 0);
	cr_expect_eq(((struct msg_vmac *)last(IMSG_VMAC_RESULT))->error,
	    EPERM);
	cr_expect_neq(if_nametoindex("vrrp.52"), 0u);
	m.af = 3;
	cr_expect_eq(dispatch(IMSG_VMAC_UP, &m, sizeof(m)), -1);
}
