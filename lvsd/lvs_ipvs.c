/*
 * IPVS over generic netlink: resolving the "IPVS" family, building the
 * service and destination messages, parsing dump replies strictly (a
 * truncated attribute, a wrong length or trailing garbage rejects the
 * whole message), dumping the kernel's table and applying one operation.
 * The requests go through lvs_nl_request_cb() (lvs_nl.c), whose waits
 * are bounded.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/ip_vs.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/netlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/socket.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>

#include "log.h"
#include "lvsd.h"
#include "lvs_ipvs.h"

#define LVS_IPVS_RCVBUF		(4 * 1024 * 1024)

static struct nl_sock		*ipvs_sk;
static int			 ipvs_family = -1;
static struct lvs_counters	 counters;

static struct nla_policy cmd_policy[IPVS_CMD_ATTR_MAX + 1] = {
	[IPVS_CMD_ATTR_SERVICE] = { .type = NLA_NESTED },
	[IPVS_CMD_ATTR_DEST] = { .type = NLA_NESTED },
	[IPVS_CMD_ATTR_DAEMON] = { .type = NLA_NESTED },
	[IPVS_CMD_ATTR_TIMEOUT_TCP] = { .type = NLA_U32 },
	[IPVS_CMD_ATTR_TIMEOUT_TCP_FIN] = { .type = NLA_U32 },
	[IPVS_CMD_ATTR_TIMEOUT_UDP] = { .type = NLA_U32 },
};

static struct nla_policy svc_policy[IPVS_SVC_ATTR_MAX + 1] = {
	[IPVS_SVC_ATTR_AF] = { .type = NLA_U16 },
	[IPVS_SVC_ATTR_PROTOCOL] = { .type = NLA_U16 },
	[IPVS_SVC_ATTR_ADDR] = { .type = NLA_UNSPEC,
	    .minlen = sizeof(struct in_addr),
	    .maxlen = sizeof(struct in6_addr) },
	[IPVS_SVC_ATTR_PORT] = { .type = NLA_U16 },
	[IPVS_SVC_ATTR_FWMARK] = { .type = NLA_U32 },
	[IPVS_SVC_ATTR_SCHED_NAME] = { .type = NLA_STRING,
	    .maxlen = IP_VS_SCHEDNAME_MAXLEN },
	[IPVS_SVC_ATTR_FLAGS] = { .type = NLA_UNSPEC,
	    .minlen = sizeof(struct ip_vs_flags) },
	[IPVS_SVC_ATTR_TIMEOUT] = { .type = NLA_U32 },
	[IPVS_SVC_ATTR_NETMASK] = { .type = NLA_U32 },
	[IPVS_SVC_ATTR_STATS] = { .type = NLA_NESTED },
	[IPVS_SVC_ATTR_PE_NAME] = { .type = NLA_STRING,
	    .maxlen = IP_VS_PENAME_MAXLEN },
	[IPVS_SVC_ATTR_STATS64] = { .type = NLA_NESTED },
};

static struct nla_policy dest_policy[IPVS_DEST_ATTR_MAX + 1] = {
	[IPVS_DEST_ATTR_ADDR] = { .type = NLA_UNSPEC,
	    .minlen = sizeof(struct in_addr),
	    .maxlen = sizeof(struct in6_addr) },
	[IPVS_DEST_ATTR_PORT] = { .type = NLA_U16 },
	[IPVS_DEST_ATTR_FWD_METHOD] = { .type = NLA_U32 },
	[IPVS_DEST_ATTR_WEIGHT] = { .type = NLA_U32 },
	[IPVS_DEST_ATTR_U_THRESH] = { .type = NLA_U32 },
	[IPVS_DEST_ATTR_L_THRESH] = { .type = NLA_U32 },
	[IPVS_DEST_ATTR_ACTIVE_CONNS] = { .type = NLA_U32 },
	[IPVS_DEST_ATTR_INACT_CONNS] = { .type = NLA_U32 },
	[IPVS_DEST_ATTR_PERSIST_CONNS] = { .type = NLA_U32 },
	[IPVS_DEST_ATTR_STATS] = { .type = NLA_NESTED },
	[IPVS_DEST_ATTR_ADDR_FAMILY] = { .type = NLA_U16 },
	[IPVS_DEST_ATTR_STATS64] = { .type = NLA_NESTED },
	[IPVS_DEST_ATTR_TUN_TYPE] = { .type = NLA_U8 },
	[IPVS_DEST_ATTR_TUN_PORT] = { .type = NLA_U16 },
	[IPVS_DEST_ATTR_TUN_FLAGS] = { .type = NLA_U16 },
};

struct lvs_counters *
lvs_counters(void)
{
	return (&counters);
}

int
lvs_ipvs_available(void)
{
	return (ipvs_sk != NULL && ipvs_family >= 0);
}

int
lvs_ipvs_init(void)
{
	int	 r, fd, sz = LVS_IPVS_RCVBUF;

	if (lvs_ipvs_available())
		return (0);
	if (ipvs_sk == NULL) {
		if ((ipvs_sk = nl_socket_alloc()) == NULL) {
			log_warnx("ipvs: out of memory");
			return (-1);
		}
		if ((r = genl_connect(ipvs_sk)) < 0) {
			log_warnx("ipvs: generic netlink: %s", nl_geterror(r));
			nl_socket_free(ipvs_sk);
			ipvs_sk = NULL;
			return (-1);
		}
		fd = nl_socket_get_fd(ipvs_sk);
		if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz,
		    sizeof(sz)) == -1)
			(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz,
			    sizeof(sz));
	}
	if ((ipvs_family = genl_ctrl_resolve(ipvs_sk, IPVS_GENL_NAME)) < 0) {
		log_warnx("kernel has no IPVS (generic netlink family \"%s\" "
		    "not found: %s); virtual servers are not programmed",
		    IPVS_GENL_NAME, nl_geterror(ipvs_family));
		ipvs_family = -1;
		return (-1);
	}
	log_info("ipvs: generic netlink family %s is %d", IPVS_GENL_NAME,
	    ipvs_family);
	return (0);
}

void
lvs_ipvs_shutdown(void)
{
	if (ipvs_sk != NULL)
		nl_socket_free(ipvs_sk);
	ipvs_sk = NULL;
	ipvs_family = -1;
}

/*
 * Messages.
 */
static int
put_svc_key(struct nl_msg *m, const struct lvs_svc *s)
{
	uint8_t	 addr[16];

	if (nla_put_u16(m, IPVS_SVC_ATTR_AF, s->af) < 0)
		return (-1);
	if (s->fwmark != 0)
		return (nla_put_u32(m, IPVS_SVC_ATTR_FWMARK, s->fwmark) < 0 ?
		    -1 : 0);
	memset(addr, 0, sizeof(addr));
	memcpy(addr, s->addr, s->af == AF_INET ? 4 : 16);
	if (nla_put_u16(m, IPVS_SVC_ATTR_PROTOCOL, s->protocol) < 0 ||
	    nla_put(m, IPVS_SVC_ATTR_ADDR, sizeof(addr), addr) < 0 ||
	    nla_put_u16(m, IPVS_SVC_ATTR_PORT, htons(s->port)) < 0)
		return (-1);
	return (0);
}

static struct nl_msg *
msg_new(int family, int cmd, int flags)
{
	struct nl_msg	*m;

	if ((m = nlmsg_alloc()) == NULL)
		return (NULL);
	if (genlmsg_put(m, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, flags, cmd,
	    IPVS_GENL_VERSION) == NULL) {
		nlmsg_free(m);
		return (NULL);
	}
	return (m);
}

/*
 * IPVS_CMD_NEW_SERVICE and IPVS_CMD_SET_SERVICE carry the whole service,
 * IPVS_CMD_DEL_SERVICE and IPVS_CMD_GET_SERVICE only its key.
 */
struct nl_msg *
lvs_msg_svc(int family, int cmd, const struct lvs_svc *s)
{
	struct nl_msg		*m;
	struct nlattr		*nest;
	struct ip_vs_flags	 fl;

	if ((m = msg_new(family, cmd, 0)) == NULL)
		return (NULL);
	if ((nest = nla_nest_start(m, IPVS_CMD_ATTR_SERVICE)) == NULL ||
	    put_svc_key(m, s) == -1)
		goto fail;
	if (cmd == IPVS_CMD_NEW_SERVICE || cmd == IPVS_CMD_SET_SERVICE) {
		fl.flags = s->flags;
		fl.mask = ~0U;
		if (nla_put_string(m, IPVS_SVC_ATTR_SCHED_NAME, s->sched) < 0 ||
		    nla_put(m, IPVS_SVC_ATTR_FLAGS, sizeof(fl), &fl) < 0 ||
		    nla_put_u32(m, IPVS_SVC_ATTR_TIMEOUT, s->timeout) < 0 ||
		    nla_put_u32(m, IPVS_SVC_ATTR_NETMASK, s->netmask) < 0)
			goto fail;
	}
	nla_nest_end(m, nest);
	return (m);
 fail:
	nlmsg_free(m);
	return (NULL);
}

/* IPVS_CMD_NEW_DEST, IPVS_CMD_SET_DEST, IPVS_CMD_DEL_DEST. */
struct nl_msg *
lvs_msg_dest(int family, int cmd, const struct lvs_svc *s,
    const struct lvs_dest *d)
{
	struct nl_msg	*m;
	struct nlattr	*nest;
	uint8_t		 addr[16];

	if ((m = msg_new(family, cmd, 0)) == NULL)
		return (NULL);
	if ((nest = nla_nest_start(m, IPVS_CMD_ATTR_SERVICE)) == NULL ||
	    put_svc_key(m, s) == -1)
		goto fail;
	nla_nest_end(m, nest);
	memset(addr, 0, sizeof(addr));
	memcpy(addr, d->addr, d->af == AF_INET ? 4 : 16);
	if ((nest = nla_nest_start(m, IPVS_CMD_ATTR_DEST)) == NULL ||
	    nla_put(m, IPVS_DEST_ATTR_ADDR, sizeof(addr), addr) < 0 ||
	    nla_put_u16(m, IPVS_DEST_ATTR_PORT, htons(d->port)) < 0 ||
	    nla_put_u16(m, IPVS_DEST_ATTR_ADDR_FAMILY, d->af) < 0 ||
	    nla_put_u32(m, IPVS_DEST_ATTR_FWD_METHOD, d->fwd) < 0 ||
	    nla_put_u32(m, IPVS_DEST_ATTR_WEIGHT, d->weight) < 0 ||
	    nla_put_u32(m, IPVS_DEST_ATTR_U_THRESH, d->u_thresh) < 0 ||
	    nla_put_u32(m, IPVS_DEST_ATTR_L_THRESH, d->l_thresh) < 0)
		goto fail;
	nla_nest_end(m, nest);
	return (m);
 fail:
	nlmsg_free(m);
	return (NULL);
}

struct nl_msg *
lvs_msg_dump_dests(int family, const struct lvs_svc *s)
{
	struct nl_msg	*m;
	struct nlattr	*nest;

	if ((m = msg_new(family, IPVS_CMD_GET_DEST, NLM_F_DUMP)) == NULL)
		return (NULL);
	if ((nest = nla_nest_start(m, IPVS_CMD_ATTR_SERVICE)) == NULL ||
	    put_svc_key(m, s) == -1) {
		nlmsg_free(m);
		return (NULL);
	}
	nla_nest_end(m, nest);
	return (m);
}

/*
 * IPVS_CMD_NEW_DAEMON carries state, interface and sync id, and the
 * options that are set (packet length, multicast group, port and TTL);
 * IPVS_CMD_DEL_DAEMON only the state.
 */
struct nl_msg *
lvs_msg_daemon(int family, int cmd, const struct lvs_daemon *d)
{
	struct nl_msg	*m;
	struct nlattr	*nest;

	if ((m = msg_new(family, cmd, 0)) == NULL)
		return (NULL);
	if ((nest = nla_nest_start(m, IPVS_CMD_ATTR_DAEMON)) == NULL ||
	    nla_put_u32(m, IPVS_DAEMON_ATTR_STATE, d->state) < 0)
		goto fail;
	if (cmd == IPVS_CMD_NEW_DAEMON &&
	    (memchr(d->ifname, '\0', sizeof(d->ifname)) == NULL ||
	    nla_put_string(m, IPVS_DAEMON_ATTR_MCAST_IFN, d->ifname) < 0 ||
	    nla_put_u32(m, IPVS_DAEMON_ATTR_SYNC_ID, d->syncid) < 0))
		goto fail;
	if (cmd != IPVS_CMD_NEW_DAEMON)
		goto done;
	/* The port in host order, the group as an address: as the kernel. */
	if ((d->maxlen != 0 && nla_put_u16(m, IPVS_DAEMON_ATTR_SYNC_MAXLEN,
	    d->maxlen) < 0) ||
	    (d->port != 0 && nla_put_u16(m, IPVS_DAEMON_ATTR_MCAST_PORT,
	    d->port) < 0) ||
	    (d->ttl != 0 && nla_put_u8(m, IPVS_DAEMON_ATTR_MCAST_TTL,
	    d->ttl) < 0))
		goto fail;
	if (d->group_af == AF_INET && nla_put(m, IPVS_DAEMON_ATTR_MCAST_GROUP,
	    4, d->group) < 0)
		goto fail;
	if (d->group_af == AF_INET6 && nla_put(m,
	    IPVS_DAEMON_ATTR_MCAST_GROUP6, 16, d->group) < 0)
		goto fail;
 done:
	nla_nest_end(m, nest);
	return (m);
 fail:
	nlmsg_free(m);
	return (NULL);
}

/*
 * Parsing.  libnl's nla_parse() stops quietly at a truncated attribute
 * and ignores what is left: we insist that the attributes fill the
 * space exactly (but for the final padding).
 */
static int
attrs_exact(const struct nlattr *head, int len)
{
	const struct nlattr	*nla;
	int			 rem;

	if (len < 0)
		return (-1);
	nla_for_each_attr(nla, head, len, rem)
		;
	return (rem > 0 ? -1 : 0);
}

static int
parse_nested(struct nlattr **tb, int max, const struct nlattr *nest,
    struct nla_policy *policy)
{
	if (attrs_exact(nla_data(nest), nla_len(nest)) == -1)
		return (-1);
	if (nla_parse_nested(tb, max, (struct nlattr *)nest, policy) < 0)
		return (-1);
	return (0);
}

/* The command attributes of a genl message from the IPVS family. */
static int
parse_cmd(const struct nlmsghdr *nlh, struct nlattr **tb)
{
	struct genlmsghdr	*g;
	int			 len;

	if (nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN ||
	    !genlmsg_valid_hdr((struct nlmsghdr *)nlh, 0))
		return (-1);
	g = nlmsg_data(nlh);
	len = genlmsg_attrlen(g, 0);
	if (attrs_exact(genlmsg_attrdata(g, 0), len) == -1)
		return (-1);
	if (nla_parse(tb, IPVS_CMD_ATTR_MAX, genlmsg_attrdata(g, 0), len,
	    cmd_policy) < 0)
		return (-1);
	return (0);
}

static uint64_t
get_uint(const struct nlattr *nla)
{
	if (nla == NULL)
		return (0);
	if (nla_len(nla) >= 8)
		return (nla_get_u64((struct nlattr *)nla));
	if (nla_len(nla) >= 4)
		return (nla_get_u32((struct nlattr *)nla));
	return (0);
}

static int
parse_stats(const struct nlattr *nest, struct lvs_stats *st)
{
	struct nlattr	*tb[IPVS_STATS_ATTR_MAX + 1];
	struct nlattr	*nla;
	int		 i;

	memset(st, 0, sizeof(*st));
	if (attrs_exact(nla_data(nest), nla_len(nest)) == -1 ||
	    nla_parse_nested(tb, IPVS_STATS_ATTR_MAX, (struct nlattr *)nest,
	    NULL) < 0)
		return (-1);
	for (i = 1; i <= IPVS_STATS_ATTR_MAX; i++) {
		/* Alignment padding some architectures add to 64-bit stats. */
		if (i == IPVS_STATS_ATTR_PAD)
			continue;
		nla = tb[i];
		if (nla != NULL && nla_len(nla) != 4 && nla_len(nla) != 8)
			return (-1);
	}
	st->conns = get_uint(tb[IPVS_STATS_ATTR_CONNS]);
	st->in_pkts = get_uint(tb[IPVS_STATS_ATTR_INPKTS]);
	st->out_pkts = get_uint(tb[IPVS_STATS_ATTR_OUTPKTS]);
	st->in_bytes = get_uint(tb[IPVS_STATS_ATTR_INBYTES]);
	st->out_bytes = get_uint(tb[IPVS_STATS_ATTR_OUTBYTES]);
	return (0);
}

static int
get_addr(const struct nlattr *nla, int af, uint8_t *out)
{
	size_t	 need = af == AF_INET ? 4 : 16;

	if (af != AF_INET && af != AF_INET6)
		return (-1);
	if ((size_t)nla_len(nla) < need)
		return (-1);
	memset(out, 0, 16);
	memcpy(out, nla_data(nla), need);
	return (0);
}

/* A service from a reply to IPVS_CMD_GET_SERVICE (or a request). */
int
lvs_parse_svc(const struct nlmsghdr *nlh, struct lvs_svc *s)
{
	struct nlattr		*cmd[IPVS_CMD_ATTR_MAX + 1];
	struct nlattr		*tb[IPVS_SVC_ATTR_MAX + 1];
	struct ip_vs_flags	 fl;

	memset(s, 0, sizeof(*s));
	if (parse_cmd(nlh, cmd) == -1 || cmd[IPVS_CMD_ATTR_SERVICE] == NULL ||
	    parse_nested(tb, IPVS_SVC_ATTR_MAX, cmd[IPVS_CMD_ATTR_SERVICE],
	    svc_policy) == -1)
		return (-1);
	if (tb[IPVS_SVC_ATTR_AF] == NULL)
		return (-1);
	s->af = nla_get_u16(tb[IPVS_SVC_ATTR_AF]);
	if (s->af != AF_INET && s->af != AF_INET6)
		return (-1);
	if (tb[IPVS_SVC_ATTR_FWMARK] != NULL &&
	    nla_get_u32(tb[IPVS_SVC_ATTR_FWMARK]) != 0) {
		s->fwmark = nla_get_u32(tb[IPVS_SVC_ATTR_FWMARK]);
	} else {
		if (tb[IPVS_SVC_ATTR_PROTOCOL] == NULL ||
		    tb[IPVS_SVC_ATTR_ADDR] == NULL ||
		    tb[IPVS_SVC_ATTR_PORT] == NULL)
			return (-1);
		s->protocol = nla_get_u16(tb[IPVS_SVC_ATTR_PROTOCOL]);
		if (get_addr(tb[IPVS_SVC_ATTR_ADDR], s->af, s->addr) == -1)
			return (-1);
		s->port = ntohs(nla_get_u16(tb[IPVS_SVC_ATTR_PORT]));
	}
	if (tb[IPVS_SVC_ATTR_SCHED_NAME] != NULL)
		strlcpy(s->sched, nla_get_string(tb[IPVS_SVC_ATTR_SCHED_NAME]),
		    sizeof(s->sched));
	if (tb[IPVS_SVC_ATTR_FLAGS] != NULL) {
		memcpy(&fl, nla_data(tb[IPVS_SVC_ATTR_FLAGS]), sizeof(fl));
		s->flags = fl.flags & fl.mask;
	}
	if (tb[IPVS_SVC_ATTR_TIMEOUT] != NULL)
		s->timeout = nla_get_u32(tb[IPVS_SVC_ATTR_TIMEOUT]);
	if (tb[IPVS_SVC_ATTR_NETMASK] != NULL)
		s->netmask = nla_get_u32(tb[IPVS_SVC_ATTR_NETMASK]);
	if (tb[IPVS_SVC_ATTR_STATS64] != NULL) {
		if (parse_stats(tb[IPVS_SVC_ATTR_STATS64], &s->stats) == -1)
			return (-1);
	} else if (tb[IPVS_SVC_ATTR_STATS] != NULL) {
		if (parse_stats(tb[IPVS_SVC_ATTR_STATS], &s->stats) == -1)
			return (-1);
	}
	return (0);
}

/*
 * A destination from a reply to IPVS_CMD_GET_DEST.  Without
 * IPVS_DEST_ATTR_ADDR_FAMILY (older kernels) af is left 0 for the caller
 * to take the service's.
 */
int
lvs_parse_dest(const struct nlmsghdr *nlh, struct lvs_dest *d)
{
	struct nlattr	*cmd[IPVS_CMD_ATTR_MAX + 1];
	struct nlattr	*tb[IPVS_DEST_ATTR_MAX + 1];
	const uint8_t	*p;
	int		 af;

	memset(d, 0, sizeof(*d));
	if (parse_cmd(nlh, cmd) == -1 || cmd[IPVS_CMD_ATTR_DEST] == NULL ||
	    parse_nested(tb, IPVS_DEST_ATTR_MAX, cmd[IPVS_CMD_ATTR_DEST],
	    dest_policy) == -1)
		return (-1);
	if (tb[IPVS_DEST_ATTR_ADDR] == NULL || tb[IPVS_DEST_ATTR_PORT] == NULL)
		return (-1);
	if (tb[IPVS_DEST_ATTR_ADDR_FAMILY] != NULL) {
		af = nla_get_u16(tb[IPVS_DEST_ATTR_ADDR_FAMILY]);
		if (get_addr(tb[IPVS_DEST_ATTR_ADDR], af, d->addr) == -1)
			return (-1);
		d->af = af;
	} else {
		if (nla_len(tb[IPVS_DEST_ATTR_ADDR]) < 16)
			return (-1);
		p = nla_data(tb[IPVS_DEST_ATTR_ADDR]);
		memcpy(d->addr, p, 16);
	}
	d->port = ntohs(nla_get_u16(tb[IPVS_DEST_ATTR_PORT]));
	d->fwd = get_uint(tb[IPVS_DEST_ATTR_FWD_METHOD]) &
	    IP_VS_CONN_F_FWD_MASK;
	d->weight = get_uint(tb[IPVS_DEST_ATTR_WEIGHT]);
	d->u_thresh = get_uint(tb[IPVS_DEST_ATTR_U_THRESH]);
	d->l_thresh = get_uint(tb[IPVS_DEST_ATTR_L_THRESH]);
	d->active_conns = get_uint(tb[IPVS_DEST_ATTR_ACTIVE_CONNS]);
	d->inact_conns = get_uint(tb[IPVS_DEST_ATTR_INACT_CONNS]);
	if (tb[IPVS_DEST_ATTR_STATS64] != NULL) {
		if (parse_stats(tb[IPVS_DEST_ATTR_STATS64], &d->stats) == -1)
			return (-1);
	} else if (tb[IPVS_DEST_ATTR_STATS] != NULL) {
		if (parse_stats(tb[IPVS_DEST_ATTR_STATS], &d->stats) == -1)
			return (-1);
	}
	return (0);
}

static struct nla_policy daemon_policy[IPVS_DAEMON_ATTR_MAX + 1] = {
	[IPVS_DAEMON_ATTR_STATE] = { .type = NLA_U32 },
	[IPVS_DAEMON_ATTR_MCAST_IFN] = { .type = NLA_STRING,
	    .maxlen = IP_VS_IFNAME_MAXLEN },
	[IPVS_DAEMON_ATTR_SYNC_ID] = { .type = NLA_U32 },
	[IPVS_DAEMON_ATTR_SYNC_MAXLEN] = { .type = NLA_U16 },
	[IPVS_DAEMON_ATTR_MCAST_GROUP] = { .type = NLA_U32 },
	[IPVS_DAEMON_ATTR_MCAST_GROUP6] = { .type = NLA_UNSPEC,
	    .minlen = sizeof(struct in6_addr) },
	[IPVS_DAEMON_ATTR_MCAST_PORT] = { .type = NLA_U16 },
	[IPVS_DAEMON_ATTR_MCAST_TTL] = { .type = NLA_U8 },
};

/* A sync daemon from a reply to IPVS_CMD_GET_DAEMON. */
int
lvs_parse_daemon(const struct nlmsghdr *nlh, struct lvs_daemon *d)
{
	struct nlattr	*cmd[IPVS_CMD_ATTR_MAX + 1];
	struct nlattr	*tb[IPVS_DAEMON_ATTR_MAX + 1];
	const char	*ifn;
	int		 len;

	memset(d, 0, sizeof(*d));
	if (parse_cmd(nlh, cmd) == -1 || cmd[IPVS_CMD_ATTR_DAEMON] == NULL ||
	    parse_nested(tb, IPVS_DAEMON_ATTR_MAX, cmd[IPVS_CMD_ATTR_DAEMON],
	    daemon_policy) == -1)
		return (-1);
	if (tb[IPVS_DAEMON_ATTR_STATE] == NULL ||
	    tb[IPVS_DAEMON_ATTR_MCAST_IFN] == NULL ||
	    tb[IPVS_DAEMON_ATTR_SYNC_ID] == NULL)
		return (-1);
	d->state = nla_get_u32(tb[IPVS_DAEMON_ATTR_STATE]);
	if (d->state != IP_VS_STATE_MASTER && d->state != IP_VS_STATE_BACKUP)
		return (-1);
	ifn = nla_data(tb[IPVS_DAEMON_ATTR_MCAST_IFN]);
	len = nla_len(tb[IPVS_DAEMON_ATTR_MCAST_IFN]);
	if (len < 1 || memchr(ifn, '\0', len) == NULL ||
	    strlen(ifn) >= sizeof(d->ifname))
		return (-1);
	strlcpy(d->ifname, ifn, sizeof(d->ifname));
	d->syncid = nla_get_u32(tb[IPVS_DAEMON_ATTR_SYNC_ID]);
	/* Options: only from Linux 4.3 on. */
	if (tb[IPVS_DAEMON_ATTR_SYNC_MAXLEN] != NULL)
		d->maxlen = nla_get_u16(tb[IPVS_DAEMON_ATTR_SYNC_MAXLEN]);
	if (tb[IPVS_DAEMON_ATTR_MCAST_PORT] != NULL)
		d->port = nla_get_u16(tb[IPVS_DAEMON_ATTR_MCAST_PORT]);
	if (tb[IPVS_DAEMON_ATTR_MCAST_TTL] != NULL)
		d->ttl = nla_get_u8(tb[IPVS_DAEMON_ATTR_MCAST_TTL]);
	if (tb[IPVS_DAEMON_ATTR_MCAST_GROUP6] != NULL) {
		d->group_af = AF_INET6;
		memcpy(d->group, nla_data(tb[IPVS_DAEMON_ATTR_MCAST_GROUP6]),
		    16);
	} else if (tb[IPVS_DAEMON_ATTR_MCAST_GROUP] != NULL) {
		d->group_af = AF_INET;
		memcpy(d->group, nla_data(tb[IPVS_DAEMON_ATTR_MCAST_GROUP]),
		    4);
	}
	return (0);
}

/*
 * The kernel.
 */
struct dump_ctx {
	struct lvs_table	*t;
	struct lvs_svc		*svc;	/* GET_DEST: the service */
	int			 bad;
	int			 nomem;
};

static int
dump_svc_cb(struct nlmsghdr *nlh, void *arg)
{
	struct dump_ctx	*ctx = arg;
	struct lvs_svc	 s;

	if (nlh->nlmsg_type != ipvs_family)
		return (0);
	if (lvs_parse_svc(nlh, &s) == -1) {
		ctx->bad++;
		return (0);
	}
	if (lvs_table_add(ctx->t, &s) == NULL)
		ctx->nomem = 1;
	return (0);
}

static int
dump_dest_cb(struct nlmsghdr *nlh, void *arg)
{
	struct dump_ctx	*ctx = arg;
	struct lvs_dest	 d;

	if (nlh->nlmsg_type != ipvs_family)
		return (0);
	if (lvs_parse_dest(nlh, &d) == -1) {
		ctx->bad++;
		return (0);
	}
	if (d.af == 0) {
		d.af = ctx->svc->af;
		if (d.af == AF_INET)
			memset(d.addr + 4, 0, 12);
	}
	if (lvs_svc_add_dest(ctx->svc, &d) == NULL)
		ctx->nomem = 1;
	return (0);
}

static int
dump_dests(struct dump_ctx *ctx, struct lvs_svc *s)
{
	struct nl_msg	*m;
	int		 r;

	ctx->svc = s;
	if ((m = lvs_msg_dump_dests(ipvs_family, s)) == NULL)
		return (ENOMEM);
	counters.dumps++;
	r = lvs_nl_request_cb(ipvs_sk, m, dump_dest_cb, ctx);
	nlmsg_free(m);
	if (r != 0)
		log_warnx("ipvs: dump of destinations: %s", strerror(r));
	return (r);
}

/*
 * Read the kernel's services, and the destinations of those for which
 * want() says so (all when want is NULL).  Returns 0 or an errno.
 */
int
lvs_ipvs_dump(struct lvs_table *t, int (*want)(const struct lvs_svc *,
    void *), void *arg)
{
	struct dump_ctx	 ctx;
	struct nl_msg	*m;
	size_t		 i;
	int		 r;

	if (!lvs_ipvs_available())
		return (ENOTSUP);
	memset(&ctx, 0, sizeof(ctx));
	ctx.t = t;
	if ((m = msg_new(ipvs_family, IPVS_CMD_GET_SERVICE,
	    NLM_F_DUMP)) == NULL)
		return (ENOMEM);
	counters.dumps++;
	r = lvs_nl_request_cb(ipvs_sk, m, dump_svc_cb, &ctx);
	nlmsg_free(m);
	if (r != 0) {
		log_warnx("ipvs: dump of services: %s", strerror(r));
		return (r);
	}
	for (i = 0; i < t->nsvcs; i++) {
		if (want != NULL && !want(&t->svcs[i], arg))
			continue;
		if ((r = dump_dests(&ctx, &t->svcs[i])) != 0)
			return (r);
	}
	if (ctx.bad)
		log_warnx("ipvs: %d malformed entries in the kernel's dump "
		    "ignored", ctx.bad);
	return (ctx.nomem ? ENOMEM : 0);
}

/*
 * The same for the services with the keys of `keys' only, one request
 * each: cheaper than a dump of 1000 services when a reload changes a
 * few.  One that the kernel does not have is left out.
 */
int
lvs_ipvs_dump_keys(struct lvs_table *t, const struct lvs_table *keys)
{
	struct dump_ctx	 ctx;
	struct nl_msg	*m;
	size_t		 i, n;
	int		 r;

	if (!lvs_ipvs_available())
		return (ENOTSUP);
	memset(&ctx, 0, sizeof(ctx));
	ctx.t = t;
	for (i = 0; i < keys->nsvcs; i++) {
		if ((m = lvs_msg_svc(ipvs_family, IPVS_CMD_GET_SERVICE,
		    &keys->svcs[i])) == NULL)
			return (ENOMEM);
		counters.dumps++;
		n = t->nsvcs;
		r = lvs_nl_request_cb(ipvs_sk, m, dump_svc_cb, &ctx);
		nlmsg_free(m);
		if (r == ESRCH || r == ENOENT)
			continue;
		if (r != 0) {
			log_warnx("ipvs: reading a service: %s", strerror(r));
			return (r);
		}
		if (t->nsvcs == n + 1 &&
		    (r = dump_dests(&ctx, &t->svcs[n])) != 0)
			return (r);
	}
	if (ctx.bad)
		log_warnx("ipvs: %d malformed entries in the kernel's "
		    "answers ignored", ctx.bad);
	return (ctx.nomem ? ENOMEM : 0);
}

struct daemon_ctx {
	struct lvs_daemon	*out;
	size_t			 max, n;
	int			 bad;
};

static int
dump_daemon_cb(struct nlmsghdr *nlh, void *arg)
{
	struct daemon_ctx	*ctx = arg;
	struct lvs_daemon	 d;

	if (nlh->nlmsg_type != ipvs_family)
		return (0);
	if (lvs_parse_daemon(nlh, &d) == -1) {
		ctx->bad++;
		return (0);
	}
	if (ctx->n < ctx->max)
		ctx->out[ctx->n++] = d;
	return (0);
}

/* The kernel's running sync daemons; 0 or an errno. */
int
lvs_ipvs_daemons(struct lvs_daemon *out, size_t max, size_t *n)
{
	struct daemon_ctx	 ctx;
	struct nl_msg		*m;
	int			 r;

	*n = 0;
	if (!lvs_ipvs_available())
		return (ENOTSUP);
	memset(&ctx, 0, sizeof(ctx));
	ctx.out = out;
	ctx.max = max;
	if ((m = msg_new(ipvs_family, IPVS_CMD_GET_DAEMON,
	    NLM_F_DUMP)) == NULL)
		return (ENOMEM);
	counters.dumps++;
	r = lvs_nl_request_cb(ipvs_sk, m, dump_daemon_cb, &ctx);
	nlmsg_free(m);
	if (r != 0)
		return (r);
	if (ctx.bad)
		log_warnx("ipvs: %d malformed sync daemon entries ignored",
		    ctx.bad);
	*n = ctx.n;
	return (0);
}

/* Start (start != 0) or stop a sync daemon; 0 or the kernel's errno. */
int
lvs_ipvs_daemon(int start, const struct lvs_daemon *d)
{
	struct nl_msg	*m;
	int		 r;

	if (!lvs_ipvs_available())
		return (ENOTSUP);
	if ((m = lvs_msg_daemon(ipvs_family, start ? IPVS_CMD_NEW_DAEMON :
	    IPVS_CMD_DEL_DAEMON, d)) == NULL)
		return (ENOMEM);
	r = lvs_nl_request(ipvs_sk, m);
	nlmsg_free(m);
	if (r != 0) {
		counters.errors++;
		return (r);
	}
	if (start)
		counters.daemon_start++;
	else
		counters.daemon_stop++;
	return (0);
}

/* Write one operation; 0 or the kernel's errno.  Counted on success. */
int
lvs_ipvs_apply(const struct lvs_op *op)
{
	static const int cmds[LVS_OP_MAX] = {
		[LVS_OP_SVC_ADD] = IPVS_CMD_NEW_SERVICE,
		[LVS_OP_SVC_EDIT] = IPVS_CMD_SET_SERVICE,
		[LVS_OP_SVC_DEL] = IPVS_CMD_DEL_SERVICE,
		[LVS_OP_DEST_ADD] = IPVS_CMD_NEW_DEST,
		[LVS_OP_DEST_EDIT] = IPVS_CMD_SET_DEST,
		[LVS_OP_DEST_DEL] = IPVS_CMD_DEL_DEST,
	};
	struct nl_msg	*m;
	int		 r;

	if (!lvs_ipvs_available())
		return (ENOTSUP);
	if (op->kind <= LVS_OP_SVC_DEL)
		m = lvs_msg_svc(ipvs_family, cmds[op->kind], &op->svc);
	else
		m = lvs_msg_dest(ipvs_family, cmds[op->kind], &op->svc,
		    &op->dest);
	if (m == NULL)
		return (ENOMEM);
	r = lvs_nl_request(ipvs_sk, m);
	nlmsg_free(m);
	if (r != 0) {
		counters.errors++;
		return (r);
	}
	switch (op->kind) {
	case LVS_OP_SVC_ADD:
		counters.svc_add++;
		break;
	case LVS_OP_SVC_EDIT:
		counters.svc_edit++;
		break;
	case LVS_OP_SVC_DEL:
		counters.svc_del++;
		break;
	case LVS_OP_DEST_ADD:
		counters.dest_add++;
		break;
	case LVS_OP_DEST_EDIT:
		counters.dest_edit++;
		break;
	case LVS_OP_DEST_DEL:
		counters.dest_del++;
		break;
	default:
		break;
	}
	return (0);
}
