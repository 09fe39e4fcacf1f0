/*
 * announce: the addresses of a virtual server marked `announce' go out
 * as host routes (dev lo, protocol CONF_ANNOUNCE_PROTO) in a table of
 * ours, which FRR's zebra imports and bgpd redistributes, only while the
 * virtual server is in IPVS, has quorum, the box is not in maintenance
 * and had is not stopping.  An address shared by several announced
 * virtual servers goes out only while all of them are healthy: BGP
 * routes addresses, not ports.
 *
 * A first start removes every route of our protocol (a crash of had
 * left them); a respawned lvsd adopts them and the first update keeps
 * the right ones, so that traffic does not move for a respawn.  On an
 * orderly stop the routes are withdrawn first and lvsd waits
 * LVS_ANNOUNCE_STOP_MS for the routers to move the flows elsewhere
 * before anything else is taken down.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <net/if.h>
#include <netinet/in.h>
#include <linux/rtnetlink.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <netlink/netlink.h>
#include <netlink/msg.h>
#include <netlink/attr.h>

#include "conf.h"
#include "log.h"
#include "lvsd.h"
#include "lvs_ipvs.h"

#define LVS_ANNOUNCE_MAX	65536	/* routes, whatever the config */

/* A route we put in place (or adopted). */
struct lvs_ann {
	TAILQ_ENTRY(lvs_ann)	 entry;
	struct route_conf	 r;
	int			 keep;		/* marked by an update */
};
static TAILQ_HEAD(, lvs_ann) anns = TAILQ_HEAD_INITIALIZER(anns);

static struct nl_sock		*ann_nl;
static int			 ann_maint;
static int			 ann_stopping;
static struct lvs_announce_stats ann_stats;

/* What IPVS holds of these services: the kernel's word, read now. */
static int
ann_ipvs_read(struct lvs_table *kern, const struct lvs_table *keys)
{
	if (!lvs_ipvs_available())
		return (ENOTSUP);
	return (lvs_ipvs_dump_keys(kern, keys));
}

/* The unit tests replace it: a kernel without IPVS programs nothing. */
int (*lvs_announce_read)(struct lvs_table *, const struct lvs_table *) =
    ann_ipvs_read;

static const char *const ann_why[] = {
	[LVS_ANN_YES] = "announced",
	[LVS_ANN_OFF] = "-",
	[LVS_ANN_NOTIPVS] = "not in IPVS",
	[LVS_ANN_NOQUORUM] = "no quorum",
	[LVS_ANN_MAINT] = "maintenance",
	[LVS_ANN_STOPPING] = "stopping",
};

/*
 * Pure: whether a virtual server goes out, or why not, in the order an
 * operator looks for it.
 */
enum lvs_ann_why
lvs_announce_decide(int configured, int programmed, int quorum_up,
    int maint, int stopping)
{
	if (!configured)
		return (LVS_ANN_OFF);
	if (stopping)
		return (LVS_ANN_STOPPING);
	if (maint)
		return (LVS_ANN_MAINT);
	if (!programmed)
		return (LVS_ANN_NOTIPVS);
	if (quorum_up != 1)
		return (LVS_ANN_NOQUORUM);
	return (LVS_ANN_YES);
}

const char *
lvs_announce_why_name(enum lvs_ann_why w)
{
	if ((size_t)w >= sizeof(ann_why) / sizeof(ann_why[0]))
		return ("?");
	return (ann_why[w]);
}

struct lvs_announce_stats *
lvs_announce_stats(void)
{
	return (&ann_stats);
}

static void
ann_route(struct route_conf *r, int af, const uint8_t *addr,
    uint32_t table, uint32_t metric)
{
	memset(r, 0, sizeof(*r));
	r->dst.af = af;
	r->dst.prefix = af == AF_INET ? 32 : 128;
	memcpy(r->dst.u.raw, addr, af == AF_INET ? 4 : 16);
	strlcpy(r->dev, "lo", sizeof(r->dev));
	r->table = table;
	r->metric = metric;
	r->type = RTN_UNICAST;
	r->proto = CONF_ANNOUNCE_PROTO;
}

static int
ann_same(const struct route_conf *a, const struct route_conf *b)
{
	return (a->dst.af == b->dst.af && a->table == b->table &&
	    memcmp(a->dst.u.raw, b->dst.u.raw, 16) == 0);
}

static struct lvs_ann *
ann_find(const struct route_conf *r)
{
	struct lvs_ann	*a;

	TAILQ_FOREACH(a, &anns, entry)
		if (ann_same(&a->r, r))
			return (a);
	return (NULL);
}

static int
ann_lo(void)
{
	unsigned int	 i = if_nametoindex("lo");

	return (i != 0 ? (int)i : 1);
}

static void
ann_log(const char *what, const struct route_conf *r, const char *why,
    int e)
{
	char	 a[INET6_ADDRSTRLEN + 8];

	conf_addr_str(&r->dst, a, sizeof(a));
	if (e != 0)
		log_warnx("announce %s: %s table %u: %s", a, what, r->table,
		    strerror(e));
	else
		log_info("announce %s: %s in table %u (%s)", a, what,
		    r->table, why);
}

static void
ann_withdraw(struct lvs_ann *a, const char *why)
{
	int	 e = 0;

	if (ann_nl != NULL)
		e = lvs_route_apply(ann_nl, 0, &a->r, 0);
	if (e == ESRCH || e == ENOENT)
		e = 0;		/* gone already: what we want */
	ann_log("withdrawn", &a->r, why, e);
	if (e != 0)
		ann_stats.errors++;
	ann_stats.withdrawals++;
	TAILQ_REMOVE(&anns, a, entry);
	free(a);
}

static void
ann_add(const struct route_conf *r)
{
	struct lvs_ann	*a;
	int		 e;

	if (ann_stats.announced >= LVS_ANNOUNCE_MAX || ann_nl == NULL)
		return;
	e = lvs_route_apply(ann_nl, 1, r, ann_lo());
	if (e == EEXIST)
		e = 0;
	ann_log("announced", r, "healthy", e);
	if (e != 0) {
		ann_stats.errors++;
		return;
	}
	if ((a = calloc(1, sizeof(*a))) == NULL) {
		(void)lvs_route_apply(ann_nl, 0, r, 0);
		return;
	}
	a->r = *r;
	a->keep = 1;
	TAILQ_INSERT_TAIL(&anns, a, entry);
	ann_stats.announcements++;
}

static void
ann_count(void)
{
	struct lvs_ann	*a;

	ann_stats.announced = 0;
	TAILQ_FOREACH(a, &anns, entry)
		ann_stats.announced++;
}

/* Take away every route we keep; how many there were. */
size_t
lvs_announce_withdraw_all(const char *why)
{
	struct lvs_ann	*a;
	size_t		 n = 0;

	while ((a = TAILQ_FIRST(&anns)) != NULL) {
		ann_withdraw(a, why);
		n++;
	}
	ann_count();
	return (n);
}

/*
 * Routes of our protocol in the kernel, read by a dump: removed at a
 * first start, adopted by a respawned lvsd.
 */
struct ann_dump {
	struct route_conf	*r;
	size_t			 n, cap;
};

static int
ann_dump_cb(struct nlmsghdr *nlh, void *arg)
{
	struct ann_dump	*d = arg;
	struct rtmsg	*rtm;
	struct nlattr	*tb[RTA_MAX + 1];
	struct route_conf *nr, r;
	uint32_t	 table;
	size_t		 alen;

	if (nlh->nlmsg_type != RTM_NEWROUTE ||
	    nlmsg_datalen(nlh) < (int)sizeof(*rtm))
		return (0);
	rtm = nlmsg_data(nlh);
	if (rtm->rtm_protocol != CONF_ANNOUNCE_PROTO ||
	    (rtm->rtm_family != AF_INET && rtm->rtm_family != AF_INET6))
		return (0);
	if (nlmsg_parse(nlh, sizeof(*rtm), tb, RTA_MAX, NULL) < 0 ||
	    tb[RTA_DST] == NULL)
		return (0);
	alen = rtm->rtm_family == AF_INET ? 4 : 16;
	if ((size_t)nla_len(tb[RTA_DST]) != alen ||
	    rtm->rtm_dst_len != alen * 8)
		return (0);
	table = tb[RTA_TABLE] != NULL ? nla_get_u32(tb[RTA_TABLE]) :
	    rtm->rtm_table;
	ann_route(&r, rtm->rtm_family, nla_data(tb[RTA_DST]), table,
	    tb[RTA_PRIORITY] != NULL ? nla_get_u32(tb[RTA_PRIORITY]) : 0);
	r.type = rtm->rtm_type;
	if (d->n >= LVS_ANNOUNCE_MAX)
		return (0);
	if (d->n == d->cap) {
		if ((nr = reallocarray(d->r, d->cap ? d->cap * 2 : 16,
		    sizeof(*nr))) == NULL)
			return (0);
		d->r = nr;
		d->cap = d->cap ? d->cap * 2 : 16;
	}
	d->r[d->n++] = r;
	return (0);
}

/*
 * The first config: fresh (had starts) removes what a crash left
 * behind, else (a respawned lvsd) the routes are ours still.
 */
void
lvs_announce_start(struct nl_sock *nl, int fresh)
{
	struct ann_dump	 d;
	struct lvs_ann	*a;
	size_t		 i;
	int		 e;

	ann_nl = nl;
	memset(&d, 0, sizeof(d));
	if (nl == NULL)
		return;
	if ((e = lvs_nl_dump(nl, RTM_GETROUTE, AF_INET, ann_dump_cb,
	    &d)) != 0 || (e = lvs_nl_dump(nl, RTM_GETROUTE, AF_INET6,
	    ann_dump_cb, &d)) != 0)
		log_warnx("announce: reading the routing tables: %s",
		    strerror(e));
	for (i = 0; i < d.n; i++) {
		if (fresh) {
			e = lvs_route_apply(nl, 0, &d.r[i], 0);
			if (e == ESRCH || e == ENOENT)
				e = 0;
			ann_log("removed", &d.r[i], "left by an earlier run",
			    e);
			continue;
		}
		if (ann_find(&d.r[i]) != NULL ||
		    (a = calloc(1, sizeof(*a))) == NULL)
			continue;
		a->r = d.r[i];
		TAILQ_INSERT_TAIL(&anns, a, entry);
		ann_log("adopted", &d.r[i], "lvsd respawned", 0);
	}
	free(d.r);
	ann_count();
}

/* The virtual server of a service, by its index in the config. */
static const struct conf_vs *
ann_vs(const struct had_conf *conf, uint32_t index)
{
	const struct conf_vs	*vs;
	uint32_t		 i = 0;

	TAILQ_FOREACH(vs, &conf->vss, entry)
		if (i++ == index)
			return (vs);
	return (NULL);
}

/* The decision for one service of the desired table. */
enum lvs_ann_why
lvs_announce_svc(const struct had_conf *conf, const struct lvs_vs_st *st,
    size_t nst, const struct lvs_svc *w, int programmed)
{
	const struct conf_vs	*vs = ann_vs(conf, w->vs_index);

	return (lvs_announce_decide(vs != NULL && vs->c.announce &&
	    w->fwmark == 0, programmed, w->vs_index < nst ?
	    st[w->vs_index].quorum_up : -1, ann_maint, ann_stopping));
}

/* Is this address out, in some table? */
int
lvs_announce_is_out(int af, const uint8_t *addr)
{
	struct lvs_ann	*a;

	TAILQ_FOREACH(a, &anns, entry)
		if (a->r.dst.af == af &&
		    memcmp(a->r.dst.u.raw, addr, af == AF_INET ? 4 : 16) == 0)
			return (1);
	return (0);
}

/* The announce columns of a service row of hactl show lvs. */
void
lvs_announce_row(struct msg_ctl_lvs *row, const struct had_conf *conf,
    const struct lvs_vs_st *st, size_t nst, const struct lvs_svc *w,
    int in_kernel)
{
	const struct conf_vs	*vs = ann_vs(conf, w->vs_index);

	row->announce = lvs_announce_svc(conf, st, nst, w, in_kernel);
	strlcpy(row->announce_why, lvs_announce_why_name(row->announce),
	    sizeof(row->announce_why));
	row->announced = w->fwmark == 0 &&
	    lvs_announce_is_out(w->af, w->addr);
	row->announce_table = vs != NULL && vs->c.announce ?
	    vs->c.announce_table : 0;
}

/*
 * Bring the routes in line with the config, IPVS and health: every
 * route wanted is in place, every other one of ours is withdrawn.
 */
void
lvs_announce_update(void)
{
	const struct had_conf	*conf;
	const struct lvs_vs_st	*st;
	const struct conf_vs	*vs;
	struct lvs_table	 want, keys, kern;
	struct lvs_ann		*a, *na;
	struct route_conf	 r;
	const struct lvs_svc	*w;
	uint8_t			*ok = NULL;
	size_t			 nst, i, j;
	int			 any = 0;

	lvs_vs_state(&conf, &st, &nst);
	lvs_table_init(&want);
	lvs_table_init(&keys);
	lvs_table_init(&kern);
	TAILQ_FOREACH(a, &anns, entry)
		a->keep = 0;
	if (conf == NULL)
		goto sweep;
	TAILQ_FOREACH(vs, &conf->vss, entry)
		any |= vs->c.announce;
	if (!any && TAILQ_EMPTY(&anns))
		return;
	if (lvs_desired(conf, st, &want) == -1)
		goto nomem;
	for (i = 0; i < want.nsvcs; i++)
		if (lvs_announce_svc(conf, st, nst, &want.svcs[i], 1) !=
		    LVS_ANN_OFF && lvs_table_add(&keys, &want.svcs[i]) == NULL)
			goto nomem;
	if (keys.nsvcs > 0 && lvs_announce_read(&kern, &keys) != 0) {
		/* Cannot tell what IPVS holds: nothing goes out. */
		lvs_table_free(&kern);
		lvs_table_init(&kern);
	}
	if (keys.nsvcs > 0 && (ok = calloc(keys.nsvcs, 1)) == NULL)
		goto nomem;
	for (i = 0; i < keys.nsvcs; i++)
		ok[i] = lvs_announce_svc(conf, st, nst, &keys.svcs[i],
		    lvs_table_find(&kern, &keys.svcs[i]) != NULL) ==
		    LVS_ANN_YES;
	/* An address goes out when every service on it may. */
	for (i = 0; i < keys.nsvcs; i++) {
		w = &keys.svcs[i];
		vs = ann_vs(conf, w->vs_index);
		for (j = 0; j < keys.nsvcs && ok[i]; j++)
			if (keys.svcs[j].af == w->af && memcmp(keys.svcs[j].addr,
			    w->addr, 16) == 0 && !ok[j])
				ok[i] = 0;
		if (!ok[i] || vs == NULL)
			continue;
		ann_route(&r, w->af, w->addr, vs->c.announce_table,
		    vs->c.announce_metric);
		if ((a = ann_find(&r)) != NULL)
			a->keep = 1;
		else
			ann_add(&r);
	}
	goto sweep;
 nomem:
	log_warnx("announce: out of memory: nothing goes out");
	TAILQ_FOREACH(a, &anns, entry)
		a->keep = 0;
 sweep:
	for (a = TAILQ_FIRST(&anns); a != NULL; a = na) {
		na = TAILQ_NEXT(a, entry);
		if (!a->keep)
			ann_withdraw(a, conf == NULL ? "no config" :
			    ann_maint ? "maintenance" : ann_stopping ?
			    "stopping" : "not healthy");
	}
	ann_count();
	free(ok);
	lvs_table_free(&want);
	lvs_table_free(&keys);
	lvs_table_free(&kern);
}

/* hactl maintenance on|off for the box, from had. */
void
lvs_announce_maint(int on)
{
	if (ann_maint == !!on)
		return;
	ann_maint = !!on;
	log_info("announce: maintenance %s", on ? "on: withdrawing" :
	    "off");
	lvs_announce_update();
}

/*
 * had stops us (or says it begins to stop): withdraw first.  Returns
 * the milliseconds the routers still need, counted from the first
 * withdrawal of the stop, before IPVS and addresses may go (0: none
 * was announced).
 */
int
lvs_announce_stop(void)
{
	static struct timespec	 at;
	static int		 withdrew;
	struct timespec		 now;
	long			 ms;

	ann_stopping = 1;
	if (lvs_announce_withdraw_all("had is stopping") > 0 && !withdrew) {
		withdrew = 1;
		clock_gettime(CLOCK_MONOTONIC, &at);
	}
	if (!withdrew)
		return (0);
	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = LVS_ANNOUNCE_STOP_MS - ((now.tv_sec - at.tv_sec) * 1000 +
	    (now.tv_nsec - at.tv_nsec) / 1000000);
	return (ms > 0 ? (int)ms : 0);
}
