/*
 * Routes and rules: an instance's virtual_routes and virtual_rules while
 * it is Master (vrrpd says when, by the instance's name: what goes in
 * comes from our configuration only), and static_ipaddress,
 * static_routes and static_rules while had runs.  lvsd remembers what it
 * put in place, so that a reload, vrrpd and had's stop take away exactly
 * that.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <net/if.h>
#include <netinet/in.h>
#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/netlink.h>
#include <netlink/msg.h>
#include <netlink/attr.h>

#include "imsg.h"
#include "log.h"
#include "lvsd.h"

enum lvs_rt_kind { LVS_RT_UP, LVS_RT_ADDR, LVS_RT_ROUTE, LVS_RT_RULE };

/* What lvsd put in place; owner "": static.  LVS_RT_UP: Master. */
struct lvs_rt {
	TAILQ_ENTRY(lvs_rt)	 entry;
	char			 owner[HAD_NAMELEN];
	int			 kind;
	union {
		struct vrrp_vip_conf	 a;
		struct route_conf	 r;
		struct rule_conf	 u;
	}			 c;
};
static TAILQ_HEAD(, lvs_rt) lvs_rts = TAILQ_HEAD_INITIALIZER(lvs_rts);

static size_t
rt_size(int kind)
{
	switch (kind) {
	case LVS_RT_ADDR:
		return (sizeof(struct vrrp_vip_conf));
	case LVS_RT_ROUTE:
		return (sizeof(struct route_conf));
	case LVS_RT_RULE:
		return (sizeof(struct rule_conf));
	}
	return (0);
}

static void
rt_str(const struct lvs_rt *t, char *buf, size_t len)
{
	char	 a[INET6_ADDRSTRLEN + 8];

	switch (t->kind) {
	case LVS_RT_ADDR:
		snprintf(buf, len, "address %s dev %s",
		    conf_addr_str(&t->c.a.addr, a, sizeof(a)), t->c.a.dev);
		break;
	case LVS_RT_ROUTE:
		strlcpy(buf, "route ", len);
		conf_route_str(&t->c.r, buf + 6, len - 6);
		break;
	case LVS_RT_RULE:
		strlcpy(buf, "rule ", len);
		conf_rule_str(&t->c.u, buf + 5, len - 5);
		break;
	default:
		strlcpy(buf, "master", len);
		break;
	}
}

static size_t
af_len(int af)
{
	return (af == AF_INET ? 4 : 16);
}

static int
put_addr(struct nl_msg *msg, int attr, const struct conf_addr *a)
{
	return (nla_put(msg, attr, af_len(a->af), a->u.raw));
}

/* "via A or B": one route with the two gateways as next hops. */
static int
put_multipath(struct nl_msg *msg, const struct route_conf *r, int ifindex)
{
	struct nlattr		*mp;
	struct rtnexthop	*nh;
	const struct conf_addr	*gw[2] = { &r->via, &r->via_or };
	size_t			 i;

	if ((mp = nla_nest_start(msg, RTA_MULTIPATH)) == NULL)
		return (-1);
	for (i = 0; i < 2; i++) {
		if ((nh = nlmsg_reserve(msg, sizeof(*nh), NLMSG_ALIGNTO)) ==
		    NULL)
			return (-1);
		memset(nh, 0, sizeof(*nh));
		nh->rtnh_ifindex = ifindex;
		if (put_addr(msg, RTA_GATEWAY, gw[i]) < 0)
			return (-1);
		nh->rtnh_len = (char *)nlmsg_tail(nlmsg_hdr(msg)) -
		    (char *)nh;
	}
	nla_nest_end(msg, mp);
	return (0);
}

static int
route_msg(struct nl_msg *msg, int add, const struct route_conf *r,
    int ifindex)
{
	struct rtmsg	 rtm;
	int		 e;

	memset(&rtm, 0, sizeof(rtm));
	rtm.rtm_family = r->dst.af;
	rtm.rtm_dst_len = r->dst.prefix;
	rtm.rtm_table = r->table != 0 && r->table < 256 ? r->table :
	    r->table == 0 ? RT_TABLE_MAIN : RT_TABLE_UNSPEC;
	rtm.rtm_protocol = r->proto;
	rtm.rtm_type = r->type;
	if (r->has_scope)
		rtm.rtm_scope = r->scope;
	else if (!add)
		rtm.rtm_scope = RT_SCOPE_NOWHERE;	/* any */
	else if (r->type == RTN_UNICAST && r->via.af == 0)
		rtm.rtm_scope = RT_SCOPE_LINK;		/* as ip route */
	else
		rtm.rtm_scope = RT_SCOPE_UNIVERSE;
	if (r->onlink)
		rtm.rtm_flags |= RTNH_F_ONLINK;
	e = nlmsg_append(msg, &rtm, sizeof(rtm), NLMSG_ALIGNTO);
	if (e >= 0 && r->dst.prefix != 0)
		e = put_addr(msg, RTA_DST, &r->dst);
	if (e >= 0 && r->src.af != 0)
		e = put_addr(msg, RTA_PREFSRC, &r->src);
	if (e >= 0 && r->via_or.af != 0)
		e = put_multipath(msg, r, ifindex);
	else {
		if (e >= 0 && r->via.af != 0)
			e = put_addr(msg, RTA_GATEWAY, &r->via);
		if (e >= 0 && ifindex != 0)
			e = nla_put_u32(msg, RTA_OIF, ifindex);
	}
	if (e >= 0 && r->metric != 0)
		e = nla_put_u32(msg, RTA_PRIORITY, r->metric);
	if (e >= 0)
		e = nla_put_u32(msg, RTA_TABLE, r->table != 0 ? r->table :
		    RT_TABLE_MAIN);
	return (e);
}

static int
rule_msg(struct nl_msg *msg, const struct rule_conf *u)
{
	struct fib_rule_hdr	 frh;
	int			 e;

	memset(&frh, 0, sizeof(frh));
	frh.family = u->af;
	frh.src_len = u->from.af != 0 ? u->from.prefix : 0;
	frh.dst_len = u->to.af != 0 ? u->to.prefix : 0;
	frh.table = u->table < 256 ? u->table : RT_TABLE_UNSPEC;
	frh.action = u->action;
	if (u->invert)
		frh.flags |= FIB_RULE_INVERT;
	e = nlmsg_append(msg, &frh, sizeof(frh), NLMSG_ALIGNTO);
	if (e >= 0 && u->from.af != 0)
		e = put_addr(msg, FRA_SRC, &u->from);
	if (e >= 0 && u->to.af != 0)
		e = put_addr(msg, FRA_DST, &u->to);
	if (e >= 0 && u->has_priority)
		e = nla_put_u32(msg, FRA_PRIORITY, u->priority);
	if (e >= 0 && u->table != 0)
		e = nla_put_u32(msg, FRA_TABLE, u->table);
	if (e >= 0 && (u->fwmark != 0 || u->fwmask != 0))
		e = nla_put_u32(msg, FRA_FWMARK, u->fwmark);
	if (e >= 0 && u->fwmask != 0)
		e = nla_put_u32(msg, FRA_FWMASK, u->fwmask);
	if (e >= 0 && u->iif[0] != '\0')
		e = nla_put_string(msg, FRA_IFNAME, u->iif);
	if (e >= 0 && u->oif[0] != '\0')
		e = nla_put_string(msg, FRA_OIFNAME, u->oif);
	return (e);
}

/* One route in or out; 0 or the kernel's errno (lvs_announce.c too). */
int
lvs_route_apply(struct nl_sock *sk, int add, const struct route_conf *r,
    int ifindex)
{
	struct nl_msg	*msg;
	int		 e;

	msg = nlmsg_alloc_simple(add ? RTM_NEWROUTE : RTM_DELROUTE,
	    add ? NLM_F_CREATE | NLM_F_EXCL : 0);
	if (msg == NULL)
		return (ENOMEM);
	if (route_msg(msg, add, r, ifindex) < 0) {
		nlmsg_free(msg);
		return (EMSGSIZE);
	}
	e = lvs_nl_request(sk, msg);
	nlmsg_free(msg);
	return (e);
}

/* Program one; 0 or the kernel's errno. */
static int
rt_apply(struct nl_sock *sk, int add, const struct lvs_rt *t)
{
	struct nl_msg	*msg;
	const char	*dev = NULL;
	int		 ifindex = 0, e;

	if (t->kind == LVS_RT_UP)
		return (0);
	if (t->kind == LVS_RT_ADDR)
		dev = t->c.a.dev;
	else if (t->kind == LVS_RT_ROUTE && t->c.r.dev[0] != '\0')
		dev = t->c.r.dev;
	if (dev != NULL && (ifindex = if_nametoindex(dev)) == 0)
		return (ENODEV);
	if (t->kind == LVS_RT_ADDR)
		return (lvs_addr_apply(sk, add ? LVS_VIP_ADD : LVS_VIP_DEL,
		    ifindex, &t->c.a));
	if (t->kind == LVS_RT_ROUTE)
		return (lvs_route_apply(sk, add, &t->c.r, ifindex));
	msg = nlmsg_alloc_simple(add ? RTM_NEWRULE : RTM_DELRULE,
	    add ? NLM_F_CREATE | NLM_F_EXCL : 0);
	if (msg == NULL)
		return (ENOMEM);
	e = rule_msg(msg, &t->c.u);
	if (e < 0) {
		nlmsg_free(msg);
		return (EMSGSIZE);
	}
	e = lvs_nl_request(sk, msg);
	nlmsg_free(msg);
	return (e);
}

static struct lvs_rt *
rt_find(const char *owner, int kind, const void *c)
{
	struct lvs_rt	*t;

	TAILQ_FOREACH(t, &lvs_rts, entry)
		if (t->kind == kind && strcmp(t->owner, owner) == 0 &&
		    memcmp(&t->c, c, rt_size(kind)) == 0)
			return (t);
	return (NULL);
}

/* Put one in place and remember it; already there counts as done. */
static void
rt_add(struct nl_sock *sk, const char *owner, int kind, const void *c)
{
	struct lvs_rt	*t;
	char		 d[320];
	int		 e;

	if (rt_find(owner, kind, c) != NULL)
		return;
	if ((t = calloc(1, sizeof(*t))) == NULL) {
		log_warn("%s: remembering a route", owner);
		return;
	}
	strlcpy(t->owner, owner, sizeof(t->owner));
	t->kind = kind;
	memcpy(&t->c, c, rt_size(kind));
	rt_str(t, d, sizeof(d));
	if ((e = rt_apply(sk, 1, t)) != 0 && e != EEXIST) {
		log_warnx("%s: cannot add %s: %s", owner[0] ? owner :
		    "static", d, strerror(e));
		free(t);
		return;
	}
	if (kind != LVS_RT_UP)
		log_info("%s: %s %s", owner[0] ? owner : "static",
		    e == EEXIST ? "already there:" : "added", d);
	TAILQ_INSERT_TAIL(&lvs_rts, t, entry);
}

static void
rt_del(struct nl_sock *sk, struct lvs_rt *t, const char *why)
{
	char	 d[320];
	int	 e;

	rt_str(t, d, sizeof(d));
	e = rt_apply(sk, 0, t);
	if (t->kind == LVS_RT_UP)
		;
	else if (e == 0)
		log_info("%s: removed %s: %s", t->owner[0] ? t->owner :
		    "static", d, why);
	else if (e != ESRCH && e != ENOENT && e != EADDRNOTAVAIL &&
	    e != ENODEV)
		log_warnx("%s: cannot remove %s: %s", t->owner[0] ?
		    t->owner : "static", d, strerror(e));
	TAILQ_REMOVE(&lvs_rts, t, entry);
	free(t);
}

static void
rt_up(struct nl_sock *sk, const struct conf_instance *in)
{
	const struct conf_route	*r;
	const struct conf_rule	*u;
	char			 mark = 0;

	rt_add(sk, in->c.name, LVS_RT_UP, &mark);
	TAILQ_FOREACH(r, &in->routes, entry)
		rt_add(sk, in->c.name, LVS_RT_ROUTE, &r->c);
	TAILQ_FOREACH(u, &in->rules, entry)
		rt_add(sk, in->c.name, LVS_RT_RULE, &u->c);
}

/* Everything of an owner goes (NULL: of every owner). */
static void
rt_down(struct nl_sock *sk, const char *owner, const char *why)
{
	struct lvs_rt	*t, *tt;

	/* Rules and routes before the addresses they may use. */
	TAILQ_FOREACH_SAFE(t, &lvs_rts, entry, tt)
		if (t->kind != LVS_RT_ADDR &&
		    (owner == NULL || strcmp(t->owner, owner) == 0))
			rt_del(sk, t, why);
	TAILQ_FOREACH_SAFE(t, &lvs_rts, entry, tt)
		if (owner == NULL || strcmp(t->owner, owner) == 0)
			rt_del(sk, t, why);
}

/* vrrpd: an instance became Master, or stopped being it. */
int
lvs_vroutes_dispatch(struct nl_sock *sk, struct imsg *imsg)
{
	struct msg_vroutes		 m;
	const struct conf_instance	*in;

	if (imsg_check_size(imsg, sizeof(m), "vrrpd") == -1)
		return (-1);
	memcpy(&m, imsg->data, sizeof(m));
	if (memchr(m.instance, '\0', sizeof(m.instance)) == NULL ||
	    m.up > 1) {
		log_warnx("vrrpd: malformed routes request");
		return (-1);
	}
	if (!m.up) {
		rt_down(sk, m.instance, "no longer Master");
		return (0);
	}
	if ((in = lvs_instance(lvs_conf(), m.instance)) == NULL) {
		log_warnx("vrrpd: routes of an unknown instance refused");
		return (0);
	}
	rt_up(sk, in);
	return (0);
}

static int
rt_in_list(int kind, const struct lvs_rt *t, const struct had_conf *conf,
    const struct conf_instance *in)
{
	const struct conf_vip	*v;
	const struct conf_route	*r;
	const struct conf_rule	*u;

	switch (kind) {
	case LVS_RT_ADDR:
		TAILQ_FOREACH(v, &conf->static_addrs, entry)
			if (memcmp(&v->c, &t->c.a, sizeof(v->c)) == 0)
				return (1);
		break;
	case LVS_RT_ROUTE:
		TAILQ_FOREACH(r, in != NULL ? &in->routes :
		    &conf->static_routes, entry)
			if (memcmp(&r->c, &t->c.r, sizeof(r->c)) == 0)
				return (1);
		break;
	case LVS_RT_RULE:
		TAILQ_FOREACH(u, in != NULL ? &in->rules :
		    &conf->static_rules, entry)
			if (memcmp(&u->c, &t->c.u, sizeof(u->c)) == 0)
				return (1);
		break;
	default:
		return (1);
	}
	return (0);
}

/*
 * A new configuration.  fresh: the first of a had that just started;
 * what an earlier had left of the instances' routes and rules goes
 * (vrrpd puts them back on the instances that become Master).
 */
void
lvs_rt_reconf(struct nl_sock *sk, const struct had_conf *conf, int fresh)
{
	const struct conf_instance	*in;
	const struct conf_vip		*v;
	const struct conf_route		*r;
	const struct conf_rule		*u;
	struct lvs_rt			*t, *tt, tmp;
	int				 n = 0;

	if (conf == NULL)
		return;
	TAILQ_FOREACH_SAFE(t, &lvs_rts, entry, tt) {
		in = t->owner[0] != '\0' ? lvs_instance(conf, t->owner) : NULL;
		if (t->owner[0] != '\0' && in == NULL)
			rt_del(sk, t, "its instance is gone");
		else if (!rt_in_list(t->kind, t, conf, in))
			rt_del(sk, t, "gone from the configuration");
	}
	TAILQ_FOREACH(v, &conf->static_addrs, entry)
		rt_add(sk, "", LVS_RT_ADDR, &v->c);
	TAILQ_FOREACH(r, &conf->static_routes, entry)
		rt_add(sk, "", LVS_RT_ROUTE, &r->c);
	TAILQ_FOREACH(u, &conf->static_rules, entry)
		rt_add(sk, "", LVS_RT_RULE, &u->c);
	TAILQ_FOREACH(in, &conf->instances, entry) {
		memset(&tmp, 0, sizeof(tmp));
		if (rt_find(in->c.name, LVS_RT_UP, &tmp.c) != NULL) {
			rt_up(sk, in);
			continue;
		}
		if (!fresh)
			continue;
		TAILQ_FOREACH(r, &in->routes, entry) {
			tmp.kind = LVS_RT_ROUTE;
			tmp.c.r = r->c;
			n += rt_apply(sk, 0, &tmp) == 0;
		}
		TAILQ_FOREACH(u, &in->rules, entry) {
			tmp.kind = LVS_RT_RULE;
			tmp.c.u = u->c;
			n += rt_apply(sk, 0, &tmp) == 0;
		}
	}
	if (n > 0)
		log_info("%d virtual route%s and rule%s left by an earlier had "
		    "removed", n, n == 1 ? "" : "s", n == 1 ? "" : "s");
}

/* had is stopping: nothing of ours stays. */
void
lvs_rt_remove_all(struct nl_sock *sk)
{
	rt_down(sk, NULL, "had is stopping");
}
