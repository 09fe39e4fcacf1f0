/*
 * lvsd's IPVS part without a kernel: service and destination messages
 * built and parsed back, crafted and broken dump replies, the desired
 * table from a config and health, and the diff against a kernel table.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/ip_vs.h>

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

static struct lvs_svc
mksvc(int af, const char *addr, uint16_t port, int proto, const char *sched)
{
	struct lvs_svc	 s;

	memset(&s, 0, sizeof(s));
	s.af = af;
	cr_assert_eq(inet_pton(af, addr, s.addr), 1);
	s.port = port;
	s.protocol = proto;
	strlcpy(s.sched, sched, sizeof(s.sched));
	s.netmask = af == AF_INET ? 0xffffffffU : 128;
	return (s);
}

static struct lvs_dest
mkdest(int af, const char *addr, uint16_t port, uint32_t weight)
{
	struct lvs_dest	 d;

	memset(&d, 0, sizeof(d));
	d.af = af;
	cr_assert_eq(inet_pton(af, addr, d.addr), 1);
	d.port = port;
	d.weight = weight;
	d.fwd = IP_VS_CONN_F_MASQ;
	return (d);
}

/* Messages. */

Test(msg, service_roundtrip_v4)
{
	struct lvs_svc	 s, p;
	struct nl_msg	*m;

	s = mksvc(AF_INET, "198.18.0.100", 80, IPPROTO_TCP, "wrr");
	s.flags = IP_VS_SVC_F_PERSISTENT;
	s.timeout = 300;
	s.netmask = htonl(0xffffff00);
	m = lvs_msg_svc(FAMILY, IPVS_CMD_NEW_SERVICE, &s);
	cr_assert_not_null(m);
	cr_assert_eq(nlmsg_hdr(m)->nlmsg_type, FAMILY);
	cr_assert_eq(((struct genlmsghdr *)nlmsg_data(nlmsg_hdr(m)))->cmd,
	    IPVS_CMD_NEW_SERVICE);
	cr_assert_eq(lvs_parse_svc(nlmsg_hdr(m), &p), 0);
	cr_assert(lvs_svc_same_key(&s, &p));
	cr_assert_str_eq(p.sched, "wrr");
	cr_assert_eq(p.flags, IP_VS_SVC_F_PERSISTENT);
	cr_assert_eq(p.timeout, 300);
	cr_assert_eq(p.netmask, htonl(0xffffff00));
	cr_assert_eq(p.port, 80);
	cr_assert_eq(p.protocol, IPPROTO_TCP);
	nlmsg_free(m);
}

Test(msg, service_roundtrip_v6_and_fwmark)
{
	struct lvs_svc	 s, p;
	struct nl_msg	*m;
	char		 name[LVS_SVCNAMELEN];

	s = mksvc(AF_INET6, "2001:db8::100", 53, IPPROTO_UDP, "sh");
	m = lvs_msg_svc(FAMILY, IPVS_CMD_SET_SERVICE, &s);
	cr_assert_eq(lvs_parse_svc(nlmsg_hdr(m), &p), 0);
	cr_assert(lvs_svc_same_key(&s, &p));
	cr_assert_eq(p.netmask, 128);
	cr_assert_str_eq(lvs_svc_name(&p, name, sizeof(name)),
	    "UDP [2001:db8::100]:53");
	nlmsg_free(m);

	memset(&s, 0, sizeof(s));
	s.af = AF_INET;
	s.fwmark = 7;
	strlcpy(s.sched, "rr", sizeof(s.sched));
	m = lvs_msg_svc(FAMILY, IPVS_CMD_NEW_SERVICE, &s);
	cr_assert_eq(lvs_parse_svc(nlmsg_hdr(m), &p), 0);
	cr_assert_eq(p.fwmark, 7);
	cr_assert(lvs_svc_same_key(&s, &p));
	cr_assert_str_eq(lvs_svc_name(&p, name, sizeof(name)), "FWM 7");
	nlmsg_free(m);

	/* A delete carries the key only. */
	s = mksvc(AF_INET, "198.18.0.100", 443, IPPROTO_SCTP, "rr");
	m = lvs_msg_svc(FAMILY, IPVS_CMD_DEL_SERVICE, &s);
	cr_assert_eq(lvs_parse_svc(nlmsg_hdr(m), &p), 0);
	cr_assert(lvs_svc_same_key(&s, &p));
	cr_assert_str_eq(p.sched, "");
	nlmsg_free(m);
}

Test(msg, dest_roundtrip)
{
	struct lvs_svc	 s;
	struct lvs_dest	 d, p;
	struct nl_msg	*m;
	char		 name[LVS_DESTNAMELEN];

	s = mksvc(AF_INET, "198.18.0.100", 80, IPPROTO_TCP, "rr");
	d = mkdest(AF_INET, "198.18.1.11", 8080, 3);
	d.fwd = IP_VS_CONN_F_DROUTE;
	d.u_thresh = 100;
	d.l_thresh = 10;
	m = lvs_msg_dest(FAMILY, IPVS_CMD_NEW_DEST, &s, &d);
	cr_assert_not_null(m);
	cr_assert_eq(lvs_parse_dest(nlmsg_hdr(m), &p), 0);
	cr_assert(lvs_dest_same_key(&d, &p));
	cr_assert_eq(p.weight, 3);
	cr_assert_eq(p.fwd, IP_VS_CONN_F_DROUTE);
	cr_assert_eq(p.u_thresh, 100);
	cr_assert_eq(p.l_thresh, 10);
	cr_assert_str_eq(lvs_dest_name(&p, name, sizeof(name)),
	    "198.18.1.11:8080");
	/* The same message names the service too. */
	{
		struct lvs_svc ps;

		cr_assert_eq(lvs_parse_svc(nlmsg_hdr(m), &ps), 0);
		cr_assert(lvs_svc_same_key(&s, &ps));
	}
	nlmsg_free(m);
}

/* A destination as the kernel dumps it: counters, stats64, no family. */
static struct nl_msg *
kernel_dest_reply(int with_family, int stats_len)
{
	struct nl_msg	*m;
	struct nlattr	*nest, *st;
	uint8_t		 addr[16];

	m = nlmsg_alloc();
	cr_assert_not_null(genlmsg_put(m, 0, 1, FAMILY, 0, NLM_F_MULTI,
	    IPVS_CMD_NEW_DEST, IPVS_GENL_VERSION));
	nest = nla_nest_start(m, IPVS_CMD_ATTR_DEST);
	memset(addr, 0, sizeof(addr));
	inet_pton(AF_INET, "198.18.1.12", addr);
	nla_put(m, IPVS_DEST_ATTR_ADDR, sizeof(addr), addr);
	nla_put_u16(m, IPVS_DEST_ATTR_PORT, htons(80));
	nla_put_u32(m, IPVS_DEST_ATTR_FWD_METHOD, IP_VS_CONN_F_MASQ);
	nla_put_u32(m, IPVS_DEST_ATTR_WEIGHT, 5);
	nla_put_u32(m, IPVS_DEST_ATTR_U_THRESH, 0);
	nla_put_u32(m, IPVS_DEST_ATTR_L_THRESH, 0);
	nla_put_u32(m, IPVS_DEST_ATTR_ACTIVE_CONNS, 11);
	nla_put_u32(m, IPVS_DEST_ATTR_INACT_CONNS, 22);
	nla_put_u32(m, IPVS_DEST_ATTR_PERSIST_CONNS, 0);
	if (with_family)
		nla_put_u16(m, IPVS_DEST_ATTR_ADDR_FAMILY, AF_INET);
	st = nla_nest_start(m, IPVS_DEST_ATTR_STATS64);
	if (stats_len == 8) {
		nla_put_u64(m, IPVS_STATS_ATTR_CONNS, 300);
		nla_put_u64(m, IPVS_STATS_ATTR_INBYTES, 1ULL << 40);
	} else {
		nla_put_u16(m, IPVS_STATS_ATTR_CONNS, 300);
	}
	nla_nest_end(m, st);
	nla_nest_end(m, nest);
	return (m);
}

Test(parse, kernel_dest_reply)
{
	struct nl_msg	*m;
	struct lvs_dest	 d;

	m = kernel_dest_reply(1, 8);
	cr_assert_eq(lvs_parse_dest(nlmsg_hdr(m), &d), 0);
	cr_assert_eq(d.af, AF_INET);
	cr_assert_eq(d.weight, 5);
	cr_assert_eq(d.active_conns, 11);
	cr_assert_eq(d.inact_conns, 22);
	cr_assert_eq(d.stats.conns, 300);
	cr_assert_eq(d.stats.in_bytes, 1ULL << 40);
	nlmsg_free(m);

	/* Older kernels: no family attribute, the caller supplies it. */
	m = kernel_dest_reply(0, 8);
	cr_assert_eq(lvs_parse_dest(nlmsg_hdr(m), &d), 0);
	cr_assert_eq(d.af, 0);
	nlmsg_free(m);

	/* A 2-byte counter in the stats is garbage. */
	m = kernel_dest_reply(1, 2);
	cr_assert_eq(lvs_parse_dest(nlmsg_hdr(m), &d), -1);
	nlmsg_free(m);
}

/* Copy a message into a buffer we may break. */
static struct nlmsghdr *
copy_msg(struct nl_msg *m, size_t extra)
{
	struct nlmsghdr	*h;
	size_t		 len = nlmsg_hdr(m)->nlmsg_len;

	h = calloc(1, len + extra + 64);
	cr_assert_not_null(h);
	memcpy(h, nlmsg_hdr(m), len);
	return (h);
}

Test(parse, truncated_everywhere)
{
	struct lvs_svc	 s, p;
	struct lvs_dest	 d, pd;
	struct nl_msg	*m;
	struct nlmsghdr	*h;
	uint32_t	 len, cut;

	s = mksvc(AF_INET6, "2001:db8::1", 80, IPPROTO_TCP, "wlc");
	m = lvs_msg_svc(FAMILY, IPVS_CMD_NEW_SERVICE, &s);
	len = nlmsg_hdr(m)->nlmsg_len;
	for (cut = 1; cut <= len - NLMSG_HDRLEN; cut++) {
		h = copy_msg(m, 0);
		h->nlmsg_len = len - cut;
		cr_expect_eq(lvs_parse_svc(h, &p), -1,
		    "service cut by %u bytes was accepted", cut);
		free(h);
	}
	nlmsg_free(m);

	d = mkdest(AF_INET, "198.18.1.11", 80, 1);
	s = mksvc(AF_INET, "198.18.0.100", 80, IPPROTO_TCP, "rr");
	m = lvs_msg_dest(FAMILY, IPVS_CMD_NEW_DEST, &s, &d);
	len = nlmsg_hdr(m)->nlmsg_len;
	for (cut = 1; cut <= len - NLMSG_HDRLEN; cut++) {
		h = copy_msg(m, 0);
		h->nlmsg_len = len - cut;
		cr_expect_eq(lvs_parse_dest(h, &pd), -1,
		    "destination cut by %u bytes was accepted", cut);
		free(h);
	}
	nlmsg_free(m);
}

Test(parse, trailing_garbage_rejected)
{
	struct lvs_svc	 s, p;
	struct nl_msg	*m;
	struct nlmsghdr	*h;
	uint8_t		*end;

	s = mksvc(AF_INET, "198.18.0.100", 80, IPPROTO_TCP, "rr");
	m = lvs_msg_svc(FAMILY, IPVS_CMD_NEW_SERVICE, &s);
	h = copy_msg(m, 8);
	end = (uint8_t *)h + h->nlmsg_len;
	memset(end, 0xff, 8);
	h->nlmsg_len += 8;	/* an attribute header claiming 65535 bytes */
	cr_assert_eq(lvs_parse_svc(h, &p), -1);
	free(h);
	nlmsg_free(m);
}

/* A service message with a hand-made nested attribute. */
static struct nl_msg *
svc_with(void (*fill)(struct nl_msg *))
{
	struct nl_msg	*m;
	struct nlattr	*nest;

	m = nlmsg_alloc();
	genlmsg_put(m, 0, 1, FAMILY, 0, 0, IPVS_CMD_NEW_SERVICE,
	    IPVS_GENL_VERSION);
	nest = nla_nest_start(m, IPVS_CMD_ATTR_SERVICE);
	fill(m);
	nla_nest_end(m, nest);
	return (m);
}

static void
fill_short_af(struct nl_msg *m)
{
	uint8_t	 af = AF_INET;

	nla_put(m, IPVS_SVC_ATTR_AF, 1, &af);
	nla_put_u32(m, IPVS_SVC_ATTR_FWMARK, 1);
}

static void
fill_bad_af(struct nl_msg *m)
{
	nla_put_u16(m, IPVS_SVC_ATTR_AF, 99);
	nla_put_u32(m, IPVS_SVC_ATTR_FWMARK, 1);
}

static void
fill_no_key(struct nl_msg *m)
{
	nla_put_u16(m, IPVS_SVC_ATTR_AF, AF_INET);
	nla_put_u16(m, IPVS_SVC_ATTR_PROTOCOL, IPPROTO_TCP);
	nla_put_u16(m, IPVS_SVC_ATTR_PORT, htons(80));
}

static void
fill_short_addr(struct nl_msg *m)
{
	uint8_t	 a[4] = { 0x20, 0x01, 0x0d, 0xb8 };

	nla_put_u16(m, IPVS_SVC_ATTR_AF, AF_INET6);
	nla_put_u16(m, IPVS_SVC_ATTR_PROTOCOL, IPPROTO_TCP);
	nla_put(m, IPVS_SVC_ATTR_ADDR, sizeof(a), a);
	nla_put_u16(m, IPVS_SVC_ATTR_PORT, htons(80));
}

static void
fill_unterminated_sched(struct nl_msg *m)
{
	nla_put_u16(m, IPVS_SVC_ATTR_AF, AF_INET);
	nla_put_u32(m, IPVS_SVC_ATTR_FWMARK, 1);
	nla_put(m, IPVS_SVC_ATTR_SCHED_NAME, 2, "rr");
}

static void
fill_long_sched(struct nl_msg *m)
{
	nla_put_u16(m, IPVS_SVC_ATTR_AF, AF_INET);
	nla_put_u32(m, IPVS_SVC_ATTR_FWMARK, 1);
	nla_put_string(m, IPVS_SVC_ATTR_SCHED_NAME,
	    "a-scheduler-name-far-too-long");
}

static void
fill_short_flags(struct nl_msg *m)
{
	uint32_t f = 1;

	nla_put_u16(m, IPVS_SVC_ATTR_AF, AF_INET);
	nla_put_u32(m, IPVS_SVC_ATTR_FWMARK, 1);
	nla_put(m, IPVS_SVC_ATTR_FLAGS, sizeof(f), &f);
}

static void
fill_unknown_attr_ok(struct nl_msg *m)
{
	nla_put_u16(m, IPVS_SVC_ATTR_AF, AF_INET);
	nla_put_u32(m, IPVS_SVC_ATTR_FWMARK, 1);
	nla_put_u32(m, IPVS_SVC_ATTR_MAX + 5, 1234);	/* a newer kernel */
}

Test(parse, crafted_services)
{
	struct {
		const char	*what;
		void		(*fill)(struct nl_msg *);
		int		 want;
	} t[] = {
		{ "1-byte family", fill_short_af, -1 },
		{ "unknown family", fill_bad_af, -1 },
		{ "no address", fill_no_key, -1 },
		{ "4-byte IPv6 address", fill_short_addr, -1 },
		{ "unterminated scheduler", fill_unterminated_sched, -1 },
		{ "scheduler too long", fill_long_sched, -1 },
		{ "4-byte flags", fill_short_flags, -1 },
		{ "unknown attribute", fill_unknown_attr_ok, 0 },
	};
	struct nl_msg	*m;
	struct lvs_svc	 p;
	size_t		 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		m = svc_with(t[i].fill);
		cr_expect_eq(lvs_parse_svc(nlmsg_hdr(m), &p), t[i].want,
		    "%s", t[i].what);
		nlmsg_free(m);
	}
}

Test(parse, not_genl_and_no_service)
{
	struct nlmsghdr	 h;
	struct lvs_svc	 p;
	struct lvs_dest	 d;
	struct nl_msg	*m;

	memset(&h, 0, sizeof(h));
	h.nlmsg_len = sizeof(h);
	h.nlmsg_type = FAMILY;
	cr_assert_eq(lvs_parse_svc(&h, &p), -1);
	cr_assert_eq(lvs_parse_dest(&h, &d), -1);

	/* A service message is no destination, and the other way. */
	d = mkdest(AF_INET, "198.18.1.11", 80, 1);
	p = mksvc(AF_INET, "198.18.0.100", 80, IPPROTO_TCP, "rr");
	m = lvs_msg_svc(FAMILY, IPVS_CMD_NEW_SERVICE, &p);
	cr_assert_eq(lvs_parse_dest(nlmsg_hdr(m), &d), -1);
	nlmsg_free(m);
}

/* Random byte flips: parse or reject, never crash (ASan build). */
Test(parse, random_corruption)
{
	struct lvs_svc	 s, p;
	struct lvs_dest	 d, pd;
	struct nl_msg	*m1, *m2;
	struct nlmsghdr	*h;
	uint32_t	 len;
	int		 i, j;

	srandom(4);
	s = mksvc(AF_INET, "198.18.0.100", 80, IPPROTO_TCP, "rr");
	d = mkdest(AF_INET, "198.18.1.11", 80, 1);
	m1 = lvs_msg_svc(FAMILY, IPVS_CMD_NEW_SERVICE, &s);
	m2 = kernel_dest_reply(1, 8);
	for (i = 0; i < 4000; i++) {
		h = copy_msg(i & 1 ? m2 : m1, 0);
		len = h->nlmsg_len;
		for (j = 0; j < 3; j++)
			((uint8_t *)h)[NLMSG_HDRLEN + random() %
			    (len - NLMSG_HDRLEN)] = random();
		(void)lvs_parse_svc(h, &p);
		(void)lvs_parse_dest(h, &pd);
		free(h);
	}
	nlmsg_free(m1);
	nlmsg_free(m2);
	(void)d;
}

/* The diff. */

static struct lvs_table want, kern;
static struct lvs_ops ops;

static void
diff_setup(void)
{
	struct lvs_svc	 s, *w, *k;
	struct lvs_dest	 d1, d2;

	lvs_table_init(&want);
	lvs_table_init(&kern);
	memset(&ops, 0, sizeof(ops));
	s = mksvc(AF_INET, "198.18.0.100", 80, IPPROTO_TCP, "rr");
	d1 = mkdest(AF_INET, "198.18.1.11", 80, 1);
	d2 = mkdest(AF_INET, "198.18.1.12", 80, 1);
	w = lvs_table_add(&want, &s);
	lvs_svc_add_dest(w, &d1);
	lvs_svc_add_dest(w, &d2);
	/* The kernel's copy, with what the kernel adds. */
	s.flags = IP_VS_SVC_F_HASHED;
	s.stats.conns = 99;
	k = lvs_table_add(&kern, &s);
	d1.active_conns = 3;
	lvs_svc_add_dest(k, &d1);
	lvs_svc_add_dest(k, &d2);
}

static void
diff_teardown(void)
{
	lvs_table_free(&want);
	lvs_table_free(&kern);
	lvs_ops_free(&ops);
}

TestSuite(diff, .init = diff_setup, .fini = diff_teardown);

Test(diff, unchanged_is_nothing)
{
	cr_assert_eq(lvs_diff(&want, &kern, NULL, &ops), 0);
	cr_assert_eq(ops.nops, 0);
}

Test(diff, one_real_server_added)
{
	struct lvs_dest	 d = mkdest(AF_INET, "198.18.1.13", 80, 2);

	lvs_svc_add_dest(&want.svcs[0], &d);
	cr_assert_eq(lvs_diff(&want, &kern, NULL, &ops), 0);
	cr_assert_eq(ops.nops, 1);
	cr_assert_eq(ops.ops[0].kind, LVS_OP_DEST_ADD);
	cr_assert(lvs_dest_same_key(&ops.ops[0].dest, &d));
	cr_assert_eq(ops.ops[0].dest.weight, 2);
	cr_assert(lvs_svc_same_key(&ops.ops[0].svc, &want.svcs[0]));
}

Test(diff, weight_changed)
{
	want.svcs[0].dests[1].weight = 5;
	cr_assert_eq(lvs_diff(&want, &kern, NULL, &ops), 0);
	cr_assert_eq(ops.nops, 1);
	cr_assert_eq(ops.ops[0].kind, LVS_OP_DEST_EDIT);
	cr_assert_eq(ops.ops[0].dest.weight, 5);
	cr_assert_eq(ops.ops[0].old.weight, 1);
}

Test(diff, thresholds_and_method_changed)
{
	want.svcs[0].dests[0].u_thresh = 10;
	want.svcs[0].dests[1].fwd = IP_VS_CONN_F_DROUTE;
	cr_assert_eq(lvs_diff(&want, &kern, NULL, &ops), 0);
	cr_assert_eq(ops.nops, 2);
	cr_assert_eq(ops.ops[0].kind, LVS_OP_DEST_EDIT);
	cr_assert_eq(ops.ops[1].kind, LVS_OP_DEST_EDIT);
}

Test(diff, local_node_is_not_a_change)
{
	kern.svcs[0].dests[0].fwd = IP_VS_CONN_F_LOCALNODE;
	cr_assert_eq(lvs_diff(&want, &kern, NULL, &ops), 0);
	cr_assert_eq(ops.nops, 0);
}

Test(diff, foreign_service_untouched)
{
	struct lvs_svc	 f, *k;
	struct lvs_dest	 d = mkdest(AF_INET, "198.18.2.1", 80, 1);

	f = mksvc(AF_INET, "198.18.0.200", 80, IPPROTO_TCP, "lc");
	k = lvs_table_add(&kern, &f);
	lvs_svc_add_dest(k, &d);
	cr_assert_eq(lvs_diff(&want, &kern, NULL, &ops), 0);
	cr_assert_eq(ops.nops, 0);
	/* Not even when a reload removed a different service. */
	{
		struct lvs_table g;
		struct lvs_svc o = mksvc(AF_INET, "198.18.0.201", 80,
		    IPPROTO_TCP, "rr");

		lvs_table_init(&g);
		lvs_table_add(&g, &o);
		cr_assert_eq(lvs_diff(&want, &kern, &g, &ops), 0);
		cr_assert_eq(ops.nops, 0);
		lvs_table_free(&g);
	}
}

Test(diff, removed_by_reload_is_deleted)
{
	struct lvs_table g;
	struct lvs_svc	 o = mksvc(AF_INET, "198.18.0.200", 80, IPPROTO_TCP,
	    "rr");

	lvs_table_add(&kern, &o);
	lvs_table_init(&g);
	lvs_table_add(&g, &o);
	cr_assert_eq(lvs_diff(&want, &kern, &g, &ops), 0);
	cr_assert_eq(ops.nops, 1);
	cr_assert_eq(ops.ops[0].kind, LVS_OP_SVC_DEL);
	cr_assert(lvs_svc_same_key(&ops.ops[0].svc, &o));
	lvs_table_free(&g);
}

Test(diff, new_service)
{
	struct lvs_svc	 s, *w;
	struct lvs_dest	 d = mkdest(AF_INET6, "2001:db8:1::11", 80, 1);

	s = mksvc(AF_INET6, "2001:db8::100", 80, IPPROTO_TCP, "wlc");
	w = lvs_table_add(&want, &s);
	lvs_svc_add_dest(w, &d);
	cr_assert_eq(lvs_diff(&want, &kern, NULL, &ops), 0);
	cr_assert_eq(ops.nops, 2);
	cr_assert_eq(ops.ops[0].kind, LVS_OP_SVC_ADD);
	cr_assert_eq(ops.ops[1].kind, LVS_OP_DEST_ADD);
}

Test(diff, behind_our_back)
{
	struct lvs_dest	 x = mkdest(AF_INET, "198.18.1.99", 80, 1);

	/* ipvsadm -E -s wlc, ipvsadm -a ..., ipvsadm -d one of ours. */
	strlcpy(kern.svcs[0].sched, "wlc", sizeof(kern.svcs[0].sched));
	lvs_svc_add_dest(&kern.svcs[0], &x);
	kern.svcs[0].dests[1] = kern.svcs[0].dests[2];
	kern.svcs[0].ndests = 2;
	cr_assert_eq(lvs_diff(&want, &kern, NULL, &ops), 0);
	cr_assert_eq(ops.nops, 3);
	cr_assert_eq(ops.ops[0].kind, LVS_OP_SVC_EDIT);
	cr_assert_str_eq(ops.ops[0].svc.sched, "rr");
	cr_assert_eq(ops.ops[1].kind, LVS_OP_DEST_DEL);
	cr_assert(lvs_dest_same_key(&ops.ops[1].dest, &x));
	cr_assert_eq(ops.ops[2].kind, LVS_OP_DEST_ADD);
}

Test(diff, persistence)
{
	want.svcs[0].flags = IP_VS_SVC_F_PERSISTENT;
	want.svcs[0].timeout = 60;
	cr_assert_eq(lvs_diff(&want, &kern, NULL, &ops), 0);
	cr_assert_eq(ops.nops, 1);
	cr_assert_eq(ops.ops[0].kind, LVS_OP_SVC_EDIT);
	lvs_ops_free(&ops);
	kern.svcs[0].flags |= IP_VS_SVC_F_PERSISTENT;
	kern.svcs[0].timeout = 60;
	cr_assert_eq(lvs_diff(&want, &kern, NULL, &ops), 0);
	cr_assert_eq(ops.nops, 0);
}

/* The desired table from a config and the health. */

static struct had_conf *
load(const char *text)
{
	struct conf_diags	 diags;
	struct had_conf		*c;

	conf_diags_init(&diags);
	c = conf_load_string(text, "t.conf", NULL, &diags);
	if (c == NULL || conf_diags_count(&diags, CONF_ERR) > 0)
		conf_diags_print(stderr, &diags);
	conf_diags_free(&diags);
	cr_assert_not_null(c);
	return (c);
}

static const char *conf_nat =
    "virtual_server 198.18.0.100 80 {\n"
    "  lb_algo wrr\n  lb_kind NAT\n  protocol TCP\n"
    "  persistence_timeout 300\n"
    "  persistence_granularity 255.255.255.0\n"
    "  real_server 198.18.1.11 80 { weight 1\n uthreshold 50\n"
    "    lthreshold 5\n }\n"
    "  real_server 198.18.1.12 80 { weight 3 }\n"
    "}\n";

static struct lvs_vs_st *
st_new(size_t nrs)
{
	struct lvs_vs_st	*st;
	size_t			 i;

	st = calloc(1, sizeof(*st));
	st->quorum_up = -1;
	st->nrs = nrs;
	st->rs = calloc(nrs, sizeof(*st->rs));
	for (i = 0; i < nrs; i++)
		st->rs[i].weight = -1;
	return (st);
}

static void
st_free(struct lvs_vs_st *st)
{
	free(st->rs);
	free(st);
}

Test(desired, nat_service)
{
	struct had_conf	*c = load(conf_nat);
	struct lvs_table t;
	struct lvs_svc	*s;

	lvs_table_init(&t);
	cr_assert_eq(lvs_desired(c, NULL, &t), 0);
	cr_assert_eq(t.nsvcs, 1);
	s = &t.svcs[0];
	cr_assert_eq(s->af, AF_INET);
	cr_assert_eq(s->protocol, IPPROTO_TCP);
	cr_assert_eq(s->port, 80);
	cr_assert_str_eq(s->sched, "wrr");
	cr_assert_eq(s->flags, IP_VS_SVC_F_PERSISTENT);
	cr_assert_eq(s->timeout, 300);
	cr_assert_eq(s->netmask, htonl(0xffffff00));
	cr_assert_eq(s->ndests, 2);
	cr_assert_eq(s->dests[0].fwd, IP_VS_CONN_F_MASQ);
	cr_assert_eq(s->dests[0].u_thresh, 50);
	cr_assert_eq(s->dests[0].l_thresh, 5);
	cr_assert_eq(s->dests[1].weight, 3);
	lvs_table_free(&t);
	conf_free(c);
}

Test(desired, health_inhibit_sorry_quorum)
{
	struct had_conf		*c;
	struct lvs_vs_st	*st;
	struct lvs_table	 t;
	char			 n[LVS_DESTNAMELEN];

	c = load("virtual_server 198.18.0.100 80 {\n lb_algo rr\n"
	    " lb_kind DR\n sorry_server 198.18.1.99 8080\n"
	    " real_server 198.18.1.11 80 { weight 2\n"
	    "  inhibit_on_failure\n }\n"
	    " real_server 198.18.1.12 80 { weight 1 }\n}\n");
	st = st_new(2);

	/* Unknown health counts as up: both in, no sorry server. */
	lvs_table_init(&t);
	lvs_quorum_update(c, st, 1);
	cr_assert_eq(lvs_desired(c, st, &t), 0);
	cr_assert_eq(t.svcs[0].ndests, 2);
	cr_assert_eq(t.svcs[0].dests[0].fwd, IP_VS_CONN_F_DROUTE);
	cr_assert_eq(st->quorum_up, 1);
	lvs_table_free(&t);

	/* rs2 down: removed; rs1 down: weight 0 (inhibit). */
	st->rs[1].health = LVS_HEALTH_DOWN;
	lvs_table_init(&t);
	lvs_quorum_update(c, st, 1);
	lvs_desired(c, st, &t);
	cr_assert_eq(t.svcs[0].ndests, 1);
	cr_assert_eq(t.svcs[0].dests[0].weight, 2);
	lvs_table_free(&t);

	st->rs[0].health = LVS_HEALTH_DOWN;
	lvs_table_init(&t);
	lvs_quorum_update(c, st, 1);
	lvs_desired(c, st, &t);
	cr_assert_eq(st->quorum_up, 0);
	cr_assert_eq(t.svcs[0].ndests, 2);
	cr_assert_eq(t.svcs[0].dests[0].weight, 0);
	cr_assert_str_eq(lvs_dest_name(&t.svcs[0].dests[1], n, sizeof(n)),
	    "198.18.1.99:8080");
	cr_assert(t.svcs[0].dests[1].sorry);
	cr_assert_eq(t.svcs[0].dests[1].weight, 1);
	lvs_table_free(&t);

	/* Back up with a weight from checkd: the sorry server leaves. */
	st->rs[1].health = LVS_HEALTH_UP;
	st->rs[1].weight = 7;
	lvs_table_init(&t);
	lvs_quorum_update(c, st, 1);
	lvs_desired(c, st, &t);
	cr_assert_eq(st->quorum_up, 1);
	cr_assert_eq(t.svcs[0].ndests, 2);
	cr_assert_eq(t.svcs[0].dests[1].weight, 7);
	cr_assert(!t.svcs[0].dests[1].sorry);
	lvs_table_free(&t);
	st_free(st);
	conf_free(c);
}

Test(desired, quorum_hysteresis_and_alpha)
{
	struct had_conf		*c;
	struct lvs_vs_st	*st;
	struct lvs_table	 t;

	c = load("virtual_server 198.18.0.100 80 {\n alpha\n quorum 3\n"
	    " hysteresis 1\n sorry_server 198.18.1.99 80\n"
	    " real_server 198.18.1.11 80 { weight 2 }\n"
	    " real_server 198.18.1.12 80 { weight 2 }\n}\n");
	st = st_new(2);

	/* alpha: unknown is down; quorum lost from the start. */
	lvs_table_init(&t);
	lvs_quorum_update(c, st, 1);
	lvs_desired(c, st, &t);
	cr_assert_eq(st->quorum_up, 0);
	cr_assert_eq(t.svcs[0].ndests, 1);
	cr_assert(t.svcs[0].dests[0].sorry);
	lvs_table_free(&t);

	/* 2 < 3 + 1: still lost; 4 >= 4: regained. */
	st->rs[0].health = LVS_HEALTH_UP;
	lvs_table_init(&t);
	lvs_quorum_update(c, st, 1);
	lvs_desired(c, st, &t);
	cr_assert_eq(st->quorum_up, 0);
	lvs_table_free(&t);
	st->rs[1].health = LVS_HEALTH_UP;
	lvs_table_init(&t);
	lvs_quorum_update(c, st, 1);
	lvs_desired(c, st, &t);
	cr_assert_eq(st->quorum_up, 1);
	cr_assert_eq(t.svcs[0].ndests, 2);
	lvs_table_free(&t);
	/* 2 is not below 3 - 1: kept. */
	st->rs[1].health = LVS_HEALTH_DOWN;
	lvs_table_init(&t);
	lvs_quorum_update(c, st, 1);
	lvs_desired(c, st, &t);
	cr_assert_eq(st->quorum_up, 1);
	cr_assert_eq(t.svcs[0].ndests, 1);
	lvs_table_free(&t);
	st_free(st);
	conf_free(c);
}

/* lvs_desired() is pure: a show or a reconcile never moves quorum. */
Test(desired, quorum_only_by_its_owner)
{
	struct had_conf		*c;
	struct lvs_vs_st	*st;
	struct lvs_table	 t;

	c = load("virtual_server 198.18.0.100 80 {\n quorum 2\n"
	    " sorry_server 198.18.1.99 80\n"
	    " real_server 198.18.1.11 80 { weight 1 }\n"
	    " real_server 198.18.1.12 80 { weight 1 }\n}\n");
	st = st_new(2);
	lvs_quorum_update(c, st, 1);
	cr_assert_eq(st->quorum_up, 1);
	st->rs[0].health = LVS_HEALTH_DOWN;
	lvs_table_init(&t);
	cr_assert_eq(lvs_desired(c, st, &t), 0);
	cr_assert_eq(st->quorum_up, 1, "lvs_desired changed quorum");
	/* Still up as far as the table goes: no sorry server. */
	cr_assert_eq(t.svcs[0].ndests, 1);
	cr_assert(!t.svcs[0].dests[0].sorry);
	lvs_table_free(&t);
	lvs_quorum_update(c, st, 1);
	cr_assert_eq(st->quorum_up, 0);
	lvs_table_init(&t);
	lvs_desired(c, st, &t);
	cr_assert_eq(t.svcs[0].ndests, 1);
	cr_assert(t.svcs[0].dests[0].sorry);
	lvs_table_free(&t);
	st_free(st);
	conf_free(c);
}

/* The one weight rule: health, misc_dynamic, drain, inhibit, sorry. */
Test(desired, rs_weight_rule)
{
	struct had_conf		*c;
	const struct conf_vs	*vs;
	const struct conf_rs	*a, *b;
	struct lvs_rs_st	 r = { LVS_HEALTH_UNKNOWN, -1 };

	c = load("virtual_server 198.18.0.100 80 {\n"
	    " real_server 198.18.1.11 80 { weight 5\n inhibit_on_failure\n }\n"
	    " real_server 198.18.1.12 80 { weight 3 }\n}\n");
	vs = TAILQ_FIRST(&c->vss);
	a = TAILQ_FIRST(&vs->rss);
	b = TAILQ_NEXT(a, entry);
	/* Unknown without alpha counts as up, configured weight. */
	cr_assert_eq(lvs_rs_weight(&vs->c, &a->c, NULL, 0, 0), 5);
	cr_assert_eq(lvs_rs_weight(&vs->c, &a->c, &r, 0, 0), 5);
	/* misc_dynamic's weight wins over the configured one. */
	r.health = LVS_HEALTH_UP;
	r.weight = 9;
	cr_assert_eq(lvs_rs_weight(&vs->c, &a->c, &r, 0, 0), 9);
	/* Drained: in the kernel at weight 0. */
	cr_assert_eq(lvs_rs_weight(&vs->c, &a->c, &r, 1, 0), 0);
	/* Down: inhibit keeps it at 0, else it leaves the kernel. */
	r.health = LVS_HEALTH_DOWN;
	cr_assert_eq(lvs_rs_weight(&vs->c, &a->c, &r, 0, 0), 0);
	cr_assert_eq(lvs_rs_weight(&vs->c, &b->c, &r, 0, 0), LVS_RS_OUT);
	/* The sorry server has the traffic: the same as down. */
	r.health = LVS_HEALTH_UP;
	cr_assert_eq(lvs_rs_weight(&vs->c, &b->c, &r, 0, 1), LVS_RS_OUT);
	cr_assert_eq(lvs_rs_weight(&vs->c, &a->c, &r, 0, 1), 0);
	conf_free(c);
}

/* keepalived's scheduler flags and ops reach the service's flags. */
Test(desired, sched_flags)
{
	struct had_conf	*c;
	struct lvs_table t;

	c = load("virtual_server 198.18.0.100 80 {\n lb_algo mh\n"
	    " mh-port\n mh-fallback\n"
	    " real_server 198.18.1.11 80 { }\n}\n"
	    "virtual_server 198.18.0.100 53 {\n protocol UDP\n ops\n"
	    " lb_algo sh\n sh-port\n real_server 198.18.1.11 53 { }\n}\n");
	lvs_table_init(&t);
	cr_assert_eq(lvs_desired(c, NULL, &t), 0);
	cr_assert_eq(t.nsvcs, 2);
	cr_assert_eq(t.svcs[0].flags, IP_VS_SVC_F_SCHED1 | IP_VS_SVC_F_SCHED2);
	cr_assert_eq(t.svcs[1].flags, IP_VS_SVC_F_ONEPACKET |
	    IP_VS_SVC_F_SCHED2);
	lvs_table_free(&t);
	conf_free(c);
}

Test(desired, groups_fwmark_v6)
{
	struct had_conf	*c;
	struct lvs_table t;
	char		 n[LVS_SVCNAMELEN];

	c = load("virtual_server_group G {\n"
	    " 198.18.0.10-12 80\n 2001:db8::1 443\n fwmark 5\n}\n"
	    "virtual_server group G {\n lb_algo mh\n protocol UDP\n"
	    " real_server 198.18.1.11 80 { }\n}\n"
	    "virtual_server fwmark 9 {\n lb_algo sh\n lb_kind TUN\n"
	    " real_server 2001:db8:1::11 80 { weight 4 }\n}\n");
	lvs_table_init(&t);
	cr_assert_eq(lvs_desired(c, NULL, &t), 0);
	cr_assert_eq(t.nsvcs, 6);
	cr_assert_str_eq(lvs_svc_name(&t.svcs[0], n, sizeof(n)),
	    "UDP 198.18.0.10:80");
	cr_assert_str_eq(lvs_svc_name(&t.svcs[2], n, sizeof(n)),
	    "UDP 198.18.0.12:80");
	cr_assert_str_eq(lvs_svc_name(&t.svcs[3], n, sizeof(n)),
	    "UDP [2001:db8::1]:443");
	cr_assert_str_eq(lvs_svc_name(&t.svcs[4], n, sizeof(n)), "FWM 5");
	cr_assert_str_eq(t.svcs[4].sched, "mh");
	cr_assert_eq(t.svcs[4].ndests, 1);
	cr_assert_str_eq(lvs_svc_name(&t.svcs[5], n, sizeof(n)),
	    "FWM 9 IPv6");
	cr_assert_eq(t.svcs[5].af, AF_INET6);
	cr_assert_eq(t.svcs[5].netmask, 128);
	cr_assert_eq(t.svcs[5].dests[0].fwd, IP_VS_CONN_F_TUNNEL);
	cr_assert_eq(t.svcs[5].dests[0].weight, 4);
	lvs_table_free(&t);
	conf_free(c);
}

Test(desired, every_scheduler_by_name)
{
	static const char *const s[] = { "rr", "wrr", "lc", "wlc", "lblc",
	    "lblcr", "dh", "sh", "sed", "nq", "fo", "ovf", "mh" };
	struct had_conf	*c;
	struct lvs_table t;
	char		 text[256];
	size_t		 i;

	for (i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
		snprintf(text, sizeof(text), "virtual_server 198.18.0.1 80 {\n"
		    " lb_algo %s\n real_server 198.18.1.1 80 { }\n}\n", s[i]);
		c = load(text);
		lvs_table_init(&t);
		cr_assert_eq(lvs_desired(c, NULL, &t), 0);
		cr_assert_str_eq(t.svcs[0].sched, s[i]);
		lvs_table_free(&t);
		conf_free(c);
	}
}

/* Config to the diff: an unchanged reload is nothing, one more rs is one. */
Test(desired, reload_diff)
{
	struct had_conf	*c1, *c2;
	struct lvs_table t1, t2;
	struct lvs_ops	 o;

	c1 = load(conf_nat);
	c2 = load("virtual_server 198.18.0.100 80 {\n"
	    "  lb_algo wrr\n  lb_kind NAT\n  protocol TCP\n"
	    "  persistence_timeout 300\n"
	    "  persistence_granularity 255.255.255.0\n"
	    "  real_server 198.18.1.11 80 { weight 1\n uthreshold 50\n"
	    "    lthreshold 5\n }\n"
	    "  real_server 198.18.1.12 80 { weight 3 }\n"
	    "  real_server 198.18.1.13 80 { weight 3 }\n"
	    "}\n");
	lvs_table_init(&t1);
	lvs_table_init(&t2);
	lvs_desired(c1, NULL, &t1);
	lvs_desired(c2, NULL, &t2);
	memset(&o, 0, sizeof(o));
	cr_assert_eq(lvs_diff(&t1, &t1, NULL, &o), 0);
	cr_assert_eq(o.nops, 0);
	cr_assert_eq(lvs_diff(&t2, &t1, NULL, &o), 0);
	cr_assert_eq(o.nops, 1);
	cr_assert_eq(o.ops[0].kind, LVS_OP_DEST_ADD);
	lvs_ops_free(&o);
	lvs_table_free(&t1);
	lvs_table_free(&t2);
	conf_free(c1);
	conf_free(c2);
}

/* Draining: a removed real server first goes to weight 0, never back. */
Test(diff, drained_server_weight_zero_not_readded)
{
	struct lvs_dest	*d = &want.svcs[0].dests[1];

	d->weight = 0;
	d->drain = 1;
	cr_assert_eq(lvs_diff(&want, &kern, NULL, &ops), 0);
	cr_assert_eq(ops.nops, 1);
	cr_assert_eq(ops.ops[0].kind, LVS_OP_DEST_EDIT);
	cr_assert_eq(ops.ops[0].dest.weight, 0);
	cr_assert_eq(ops.ops[0].old.weight, 1);
	/* Gone from the kernel (ipvsadm -d): not added back. */
	kern.svcs[0].ndests = 1;
	lvs_ops_free(&ops);
	cr_assert_eq(lvs_diff(&want, &kern, NULL, &ops), 0);
	cr_assert_eq(ops.nops, 0);
}

/* The sync daemon messages. */
Test(msg, daemon_roundtrip)
{
	struct lvs_daemon	 d, p;
	struct nl_msg		*m;

	memset(&d, 0, sizeof(d));
	d.state = IP_VS_STATE_MASTER;
	d.syncid = 51;
	strlcpy(d.ifname, "eth1", sizeof(d.ifname));
	cr_assert_not_null(m = lvs_msg_daemon(FAMILY, IPVS_CMD_NEW_DAEMON,
	    &d));
	cr_assert_eq(lvs_parse_daemon(nlmsg_hdr(m), &p), 0);
	cr_assert_eq(p.state, IP_VS_STATE_MASTER);
	cr_assert_eq(p.syncid, 51);
	cr_assert_str_eq(p.ifname, "eth1");
	nlmsg_free(m);
	/* A stop carries only the state: not a valid daemon entry. */
	d.state = IP_VS_STATE_BACKUP;
	cr_assert_not_null(m = lvs_msg_daemon(FAMILY, IPVS_CMD_DEL_DAEMON,
	    &d));
	cr_assert_eq(lvs_parse_daemon(nlmsg_hdr(m), &p), -1);
	nlmsg_free(m);
	/* A bad state is refused. */
	d.state = 7;
	cr_assert_not_null(m = lvs_msg_daemon(FAMILY, IPVS_CMD_NEW_DAEMON,
	    &d));
	cr_assert_eq(lvs_parse_daemon(nlmsg_hdr(m), &p), -1);
	nlmsg_free(m);
}
