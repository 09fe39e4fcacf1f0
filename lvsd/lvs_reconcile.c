/*
 * Keep the kernel's IPVS table equal to config and health, with the
 * fewest writes and without ever flushing.
 *
 * The desired table is built from the config (groups expanded into
 * kernel services) and the health of each real server.  The kernel's
 * table is dumped, the two are compared and only the difference is
 * written.  Services that are not in our config are never touched; a
 * service removed from the config by a reload is deleted (it was ours);
 * a destination in one of our services that the config does not ask for
 * (ipvsadm -a behind our back) is removed.
 *
 * At start-up (a respawn too) and on the timer, all of it; after a
 * reload or a health change, only the virtual servers whose desired
 * state changed are read from the kernel and written, and the timer's
 * pass repairs the rest if it was changed behind our back.
 *
 * Health before checkd has said anything: a real server counts as up,
 * unless its virtual_server has `alpha', in which case it counts as down
 * until checkd reports it up (keepalived's alpha).  So a respawned lvsd
 * finds the kernel as it left it and writes nothing; checkd is expected
 * to send the state of every real server when lvsd (re)connects.
 *
 * Quorum: the sum of the weights of the real servers that are up is
 * compared with quorum (at least 1) with hysteresis: quorum is lost when
 * the sum falls below quorum - hysteresis and regained when it reaches
 * quorum + hysteresis.  While it is lost and a sorry_server is
 * configured, the sorry server alone takes the traffic (the real servers
 * leave the table, or stay with weight 0 with inhibit_on_failure); with
 * no sorry server the real servers that are up stay.  sorry_server_inhibit
 * keeps the sorry server in the table with weight 0 when it is not used.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/ip_vs.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event.h>

#include "child.h"
#include "conf.h"
#include "conf_misc.h"
#include "log.h"
#include "lvsd.h"
#include "lvs_ipvs.h"

#define LVS_SVC_FLAGS_OURS	(IP_VS_SVC_F_PERSISTENT | \
	IP_VS_SVC_F_ONEPACKET | IP_VS_SVC_F_SCHED1 | IP_VS_SVC_F_SCHED2 | \
	IP_VS_SVC_F_SCHED3)

static const struct had_conf	*cur;
static struct lvs_vs_st		*vst;
static size_t			 nvst;
static struct lvs_table		 gone;	/* ours, gone with a reload */

/*
 * Real servers a reload removed from a virtual server that stays: kept
 * in the kernel with weight 0 (no new connections, the flowing ones
 * finish) until `until', then removed.  In memory only: a respawned
 * lvsd removes them at once.
 */
struct lvs_drain {
	struct lvs_svc	 svc;		/* the key; dests NULL */
	struct lvs_dest	 dest;		/* weight 0, drain 1 */
	time_t		 until;		/* CLOCK_MONOTONIC, s */
	uint32_t	 secs;		/* lvs_drain_time when it began */
};
static struct lvs_drain		*drains;
static size_t			 ndrains, capdrains;


static int	rs_held(const struct vs_conf *, const struct rs_conf *);
static void	reconcile(int, int);
static void	reconcile_sel(const uint8_t *, int);
static void	reconcile_want(struct lvs_table *, const uint8_t *, int);

/*
 * Writes not made yet.  A large difference (21000 writes for 1000
 * virtual servers of 20 real servers) is written in slices of
 * LVS_APPLY_SLICE_MS, going back to the event loop in between, so that
 * lvsd keeps answering had's watchdog pings and vrrpd; the result is the
 * same writes in the same order.  A reconcile asked for meanwhile (a
 * health change, a drain ending) runs once the slices are done, as it
 * would have run after one long apply; a new config drops what is left
 * and reconciles against it at once.
 */
#define LVS_APPLY_SLICE_MS	100
#define LVS_GET_MAX		32	/* at most, read one by one */
static struct lvs_ops		 pend;
static size_t			 pend_next;
static int			 pend_repair;
static int			 pend_redo;
static struct event		*pend_ev;
static int			 pend_full;	/* a full pass, sel NULL */
static int			 pend_err;	/* a write failed */

/*
 * The kernel held the whole desired table when the last full pass
 * ended, and every write since succeeded: a reload then dumps and
 * writes only the virtual servers it changes (21000 real servers are
 * 1001 dumps).  The timer's full pass repairs changes made behind our
 * back.
 */
static int			 synced;

/*
 * Health changes from checkd are written once per turn of the event
 * loop for all the virtual servers they touched (10000 checks report at
 * start-up: one reconcile, not 10000 dumps of the table).
 */
static uint8_t			*dirty;	/* per virtual server */
static size_t			 ndirty;
static int			 any_dirty;
static struct event		*health_ev;

/*
 * Tables.
 */
void
lvs_table_init(struct lvs_table *t)
{
	memset(t, 0, sizeof(*t));
}

void
lvs_table_free(struct lvs_table *t)
{
	size_t	 i;

	for (i = 0; i < t->nsvcs; i++)
		free(t->svcs[i].dests);
	free(t->svcs);
	lvs_table_init(t);
}

struct lvs_svc *
lvs_table_add(struct lvs_table *t, const struct lvs_svc *s)
{
	struct lvs_svc	*n;
	size_t		 cap;

	if (t->nsvcs == t->cap) {
		cap = t->cap ? t->cap * 2 : 16;
		if ((n = reallocarray(t->svcs, cap, sizeof(*n))) == NULL)
			return (NULL);
		t->svcs = n;
		t->cap = cap;
	}
	n = &t->svcs[t->nsvcs++];
	*n = *s;
	n->dests = NULL;
	n->ndests = n->capdests = 0;
	return (n);
}

struct lvs_dest *
lvs_svc_add_dest(struct lvs_svc *s, const struct lvs_dest *d)
{
	struct lvs_dest	*n;
	size_t		 cap;

	if (s->ndests == s->capdests) {
		cap = s->capdests ? s->capdests * 2 : 4;
		if ((n = reallocarray(s->dests, cap, sizeof(*n))) == NULL)
			return (NULL);
		s->dests = n;
		s->capdests = cap;
	}
	n = &s->dests[s->ndests++];
	*n = *d;
	return (n);
}

static int
addr_eq(int af, const uint8_t *a, const uint8_t *b)
{
	return (memcmp(a, b, af == AF_INET ? 4 : 16) == 0);
}

int
lvs_svc_same_key(const struct lvs_svc *a, const struct lvs_svc *b)
{
	if (a->af != b->af || a->fwmark != b->fwmark)
		return (0);
	if (a->fwmark != 0)
		return (1);
	return (a->protocol == b->protocol && a->port == b->port &&
	    addr_eq(a->af, a->addr, b->addr));
}

int
lvs_dest_same_key(const struct lvs_dest *a, const struct lvs_dest *b)
{
	return (a->af == b->af && a->port == b->port &&
	    addr_eq(a->af, a->addr, b->addr));
}

struct lvs_svc *
lvs_table_find(const struct lvs_table *t, const struct lvs_svc *s)
{
	size_t	 i;

	for (i = 0; i < t->nsvcs; i++)
		if (lvs_svc_same_key(&t->svcs[i], s))
			return (&t->svcs[i]);
	return (NULL);
}

struct lvs_dest *
lvs_svc_find_dest(const struct lvs_svc *s, const struct lvs_dest *d)
{
	size_t	 i;

	for (i = 0; i < s->ndests; i++)
		if (lvs_dest_same_key(&s->dests[i], d))
			return (&s->dests[i]);
	return (NULL);
}

/*
 * Hash indexes of destinations and services by key, so that matching
 * two lists is linear, not quadratic (1000 real servers in a virtual
 * server, 1000 virtual servers).  A slot holds an index + 1 into the
 * array it was built from, 0 when empty.  Built only past a few
 * entries; when out of memory the callers fall back to a linear search.
 */
struct keyidx {
	size_t		*slot;
	size_t		 mask;
};
#define LVS_IDX_MIN	16	/* below this, a linear search */

static uint32_t
key_hash(uint32_t h, const void *p, size_t n)
{
	const uint8_t	*b = p;

	while (n-- > 0)
		h = (h ^ *b++) * 16777619U;	/* FNV-1a */
	return (h);
}

static uint32_t
dest_hash(const struct lvs_dest *d)
{
	uint32_t	 h = 2166136261U;

	h = key_hash(h, &d->af, sizeof(d->af));
	h = key_hash(h, &d->port, sizeof(d->port));
	return (key_hash(h, d->addr, d->af == AF_INET ? 4 : 16));
}

static uint32_t
svc_hash(const struct lvs_svc *s)
{
	uint32_t	 h = 2166136261U;

	h = key_hash(h, &s->af, sizeof(s->af));
	h = key_hash(h, &s->fwmark, sizeof(s->fwmark));
	if (s->fwmark != 0)
		return (h);
	h = key_hash(h, &s->protocol, sizeof(s->protocol));
	h = key_hash(h, &s->port, sizeof(s->port));
	return (key_hash(h, s->addr, s->af == AF_INET ? 4 : 16));
}

static int
idx_init(struct keyidx *x, size_t n)
{
	size_t	 cap = 32;

	while (cap < 2 * n)
		cap *= 2;
	x->mask = cap - 1;
	return ((x->slot = calloc(cap, sizeof(*x->slot))) == NULL ? -1 : 0);
}

static void
idx_free(struct keyidx *x)
{
	free(x->slot);
	x->slot = NULL;
}

/* Add entry i (hash h); entries are never removed. */
static void
idx_add(struct keyidx *x, uint32_t h, size_t i)
{
	size_t	 k = h & x->mask;

	while (x->slot[k] != 0)
		k = (k + 1) & x->mask;
	x->slot[k] = i + 1;
}

static struct lvs_dest *
idx_find_dest(const struct keyidx *x, const struct lvs_svc *s,
    const struct lvs_dest *d)
{
	size_t	 k;

	if (x->slot == NULL)
		return (lvs_svc_find_dest(s, d));
	for (k = dest_hash(d) & x->mask; x->slot[k] != 0;
	    k = (k + 1) & x->mask)
		if (lvs_dest_same_key(&s->dests[x->slot[k] - 1], d))
			return (&s->dests[x->slot[k] - 1]);
	return (NULL);
}

static struct lvs_svc *
idx_find_svc(const struct keyidx *x, const struct lvs_table *t,
    const struct lvs_svc *s)
{
	size_t	 k;

	if (x->slot == NULL)
		return (lvs_table_find(t, s));
	for (k = svc_hash(s) & x->mask; x->slot[k] != 0;
	    k = (k + 1) & x->mask)
		if (lvs_svc_same_key(&t->svcs[x->slot[k] - 1], s))
			return (&t->svcs[x->slot[k] - 1]);
	return (NULL);
}

/* An index of a service's destinations (none when small or no memory). */
static void
idx_dests(struct keyidx *x, const struct lvs_svc *s)
{
	size_t	 i;

	x->slot = NULL;
	if (s->ndests < LVS_IDX_MIN || idx_init(x, s->ndests) == -1)
		return;
	for (i = 0; i < s->ndests; i++)
		idx_add(x, dest_hash(&s->dests[i]), i);
}

static void
idx_svcs(struct keyidx *x, const struct lvs_table *t)
{
	size_t	 i;

	x->slot = NULL;
	if (t->nsvcs < LVS_IDX_MIN || idx_init(x, t->nsvcs) == -1)
		return;
	for (i = 0; i < t->nsvcs; i++)
		idx_add(x, svc_hash(&t->svcs[i]), i);
}

static const char *
proto_name(int p)
{
	switch (p) {
	case IPPROTO_TCP:
		return ("TCP");
	case IPPROTO_UDP:
		return ("UDP");
	case IPPROTO_SCTP:
		return ("SCTP");
	default:
		return ("?");
	}
}

const char *
lvs_svc_name(const struct lvs_svc *s, char *buf, size_t len)
{
	char	 a[LVS_DESTNAMELEN];

	if (s->fwmark != 0) {
		snprintf(buf, len, "FWM %u%s", s->fwmark,
		    s->af == AF_INET6 ? " IPv6" : "");
		return (buf);
	}
	conf_addr_port(s->af, s->addr, s->port, a, sizeof(a));
	snprintf(buf, len, "%s %s", proto_name(s->protocol), a);
	return (buf);
}

const char *
lvs_dest_name(const struct lvs_dest *d, char *buf, size_t len)
{
	conf_addr_port(d->af, d->addr, d->port, buf, len);
	return (buf);
}

const char *
lvs_fwd_name(uint32_t fwd)
{
	switch (fwd & IP_VS_CONN_F_FWD_MASK) {
	case IP_VS_CONN_F_MASQ:
		return ("NAT");
	case IP_VS_CONN_F_DROUTE:
		return ("DR");
	case IP_VS_CONN_F_TUNNEL:
		return ("TUN");
	case IP_VS_CONN_F_LOCALNODE:
		return ("local");
	default:
		return ("?");
	}
}

/*
 * The diff.
 */
static int
ops_add(struct lvs_ops *o, enum lvs_op_kind kind, const struct lvs_svc *s,
    const struct lvs_dest *d, const struct lvs_dest *old,
    const struct lvs_svc *oldsvc)
{
	struct lvs_op	*n;
	size_t		 cap;

	if (o->nops == o->cap) {
		cap = o->cap ? o->cap * 2 : 16;
		if ((n = reallocarray(o->ops, cap, sizeof(*n))) == NULL)
			return (-1);
		o->ops = n;
		o->cap = cap;
	}
	n = &o->ops[o->nops++];
	memset(n, 0, sizeof(*n));
	n->kind = kind;
	n->svc = *s;
	n->svc.dests = NULL;
	n->svc.ndests = n->svc.capdests = 0;
	if (d != NULL)
		n->dest = *d;
	if (old != NULL)
		n->old = *old;
	if (oldsvc != NULL) {
		n->oldsvc = *oldsvc;
		n->oldsvc.dests = NULL;
		n->oldsvc.ndests = n->oldsvc.capdests = 0;
	}
	return (0);
}

void
lvs_ops_free(struct lvs_ops *o)
{
	free(o->ops);
	memset(o, 0, sizeof(*o));
}

static int
svc_differs(const struct lvs_svc *want, const struct lvs_svc *k)
{
	if (strcmp(want->sched, k->sched) != 0)
		return (1);
	if ((want->flags & LVS_SVC_FLAGS_OURS) !=
	    (k->flags & LVS_SVC_FLAGS_OURS))
		return (1);
	if (want->flags & IP_VS_SVC_F_PERSISTENT)
		return (want->timeout != k->timeout ||
		    want->netmask != k->netmask);
	return (0);
}

static int
dest_differs(const struct lvs_dest *want, const struct lvs_dest *k)
{
	/* A local address becomes "local node" whatever was asked. */
	if (k->fwd != IP_VS_CONN_F_LOCALNODE && want->fwd != k->fwd)
		return (1);
	return (want->weight != k->weight || want->u_thresh != k->u_thresh ||
	    want->l_thresh != k->l_thresh);
}

/*
 * The operations that make the kernel's table `kern' hold `want'.
 * Services of `gone' that are in the kernel (and not wanted) are
 * deleted; any other service of the kernel is left alone.  Per service:
 * the service itself, then removals, changes and additions of
 * destinations.
 */
int
lvs_diff(const struct lvs_table *want, const struct lvs_table *kern,
    const struct lvs_table *gone_svcs, struct lvs_ops *out)
{
	const struct lvs_svc	*w, *k;
	const struct lvs_dest	*d, *kd;
	struct keyidx		 kx, wx, dx, wdx;
	size_t			 i, j;
	int			 r = -1;

	idx_svcs(&kx, kern);
	idx_svcs(&wx, want);
	dx.slot = wdx.slot = NULL;
	for (i = 0; i < want->nsvcs; i++) {
		w = &want->svcs[i];
		if ((k = idx_find_svc(&kx, kern, w)) == NULL) {
			if (ops_add(out, LVS_OP_SVC_ADD, w, NULL, NULL,
			    NULL) == -1)
				goto done;
			for (j = 0; j < w->ndests; j++)
				if (!w->dests[j].drain &&
				    ops_add(out, LVS_OP_DEST_ADD, w,
				    &w->dests[j], NULL, NULL) == -1)
					goto done;
			continue;
		}
		if (svc_differs(w, k) &&
		    ops_add(out, LVS_OP_SVC_EDIT, w, NULL, NULL, k) == -1)
			goto done;
		idx_dests(&dx, k);
		idx_dests(&wdx, w);
		for (j = 0; j < k->ndests; j++) {
			kd = &k->dests[j];
			if (idx_find_dest(&wdx, w, kd) == NULL &&
			    ops_add(out, LVS_OP_DEST_DEL, w, kd, NULL,
			    NULL) == -1)
				goto done;
		}
		for (j = 0; j < w->ndests; j++) {
			d = &w->dests[j];
			if ((kd = idx_find_dest(&dx, k, d)) != NULL &&
			    dest_differs(d, kd) &&
			    ops_add(out, LVS_OP_DEST_EDIT, w, d, kd,
			    NULL) == -1)
				goto done;
		}
		for (j = 0; j < w->ndests; j++) {
			d = &w->dests[j];
			/* A server being drained is never put back. */
			if (d->drain)
				continue;
			if (idx_find_dest(&dx, k, d) == NULL &&
			    ops_add(out, LVS_OP_DEST_ADD, w, d, NULL,
			    NULL) == -1)
				goto done;
		}
		idx_free(&dx);
		idx_free(&wdx);
	}
	for (i = 0; gone_svcs != NULL && i < gone_svcs->nsvcs; i++) {
		w = &gone_svcs->svcs[i];
		if (idx_find_svc(&wx, want, w) != NULL ||
		    (k = idx_find_svc(&kx, kern, w)) == NULL)
			continue;
		if (ops_add(out, LVS_OP_SVC_DEL, k, NULL, NULL, NULL) == -1)
			goto done;
	}
	r = 0;
 done:
	idx_free(&dx);
	idx_free(&wdx);
	idx_free(&kx);
	idx_free(&wx);
	return (r);
}

/*
 * The desired table.
 */
static int
proto_num(uint32_t p)
{
	switch (p) {
	case LVS_PROTO_UDP:
		return (IPPROTO_UDP);
	case LVS_PROTO_SCTP:
		return (IPPROTO_SCTP);
	default:
		return (IPPROTO_TCP);
	}
}

static uint32_t
kind_fwd(uint32_t kind)
{
	switch (kind) {
	case LVS_KIND_DR:
		return (IP_VS_CONN_F_DROUTE);
	case LVS_KIND_TUN:
		return (IP_VS_CONN_F_TUNNEL);
	default:
		return (IP_VS_CONN_F_MASQ);
	}
}

/* A fwmark service takes the family of its real servers. */
static int
vs_fwmark_af(const struct conf_vs *vs)
{
	const struct conf_rs	*rs;

	if ((rs = TAILQ_FIRST(&vs->rss)) != NULL && rs->c.addr.af != 0)
		return (rs->c.addr.af);
	if (vs->c.has_sorry && vs->c.sorry_addr.af != 0)
		return (vs->c.sorry_addr.af);
	return (AF_INET);
}

static uint32_t
vs_netmask(const struct vs_conf *c, int af)
{
	const struct conf_addr	*g = &c->persistence_granularity;
	uint32_t		 m;
	int			 i, bits = 0;

	if (af == AF_INET) {
		if (g->af != AF_INET)
			return (0xffffffffU);
		memcpy(&m, g->u.raw, 4);
		return (m);
	}
	if (g->af != AF_INET6)
		return (128);
	for (i = 0; i < 128; i++) {
		if (!(g->u.raw[i / 8] & (0x80 >> (i % 8))))
			break;
		bits++;
	}
	return (bits ? bits : 128);
}

/* Fill the part of a service that does not depend on its key. */
static void
svc_common(struct lvs_svc *s, const struct vs_conf *c, uint32_t index)
{
	strlcpy(s->sched, conf_enum_name(conf_sched_names, c->lb_algo),
	    sizeof(s->sched));
	if (c->persistence_timeout) {
		s->flags = IP_VS_SVC_F_PERSISTENT;
		s->timeout = c->persistence_timeout;
	}
	if (c->ops)
		s->flags |= IP_VS_SVC_F_ONEPACKET;
	if (c->sched_flag1)
		s->flags |= IP_VS_SVC_F_SCHED1;
	if (c->sched_flag2)
		s->flags |= IP_VS_SVC_F_SCHED2;
	if (c->sched_flag3)
		s->flags |= IP_VS_SVC_F_SCHED3;
	s->netmask = vs_netmask(c, s->af);
	s->vs_index = index;
}

void
conf_to_addr(const struct conf_addr *a, uint8_t *out)
{
	memset(out, 0, 16);
	memcpy(out, a->u.raw, a->af == AF_INET ? 4 : 16);
}

/*
 * Tell had of a transition: it runs quorum_up, quorum_down, notify_up
 * or notify_down from its own config.  The state an object starts in
 * (at start, after a respawn, when a reload adds it) is none: the
 * quorum as first computed, a real server as assumed until checkd
 * reports (down with alpha, else up), as keepalived.  A reload carries
 * the state over.  had does not run a repeat of what it ran last: a
 * respawned lvsd starts over from the assumed state.
 */
static void
lvs_notify(const struct vs_conf *vs, const struct rs_conf *rs,
    uint32_t event)
{
	struct msg_lvs_notify	 n;

	if (child == NULL || !child->parent.active)
		return;		/* the unit tests */
	memset(&n, 0, sizeof(n));
	n.event = event;
	conf_lvs_id(vs, rs, &n.id);
	if (child_send_parent(IMSG_LVS_NOTIFY, 0, -1, &n, sizeof(n)) == -1)
		log_warn("ipvs: telling had of a transition");
}

static void
vs_quorum_changed(const struct conf_vs *vs, int up, uint64_t sum,
    uint64_t q, uint64_t h)
{
	char	 vn[CONF_VSNAMELEN];

	log_info("%s: quorum %s (weight of the real servers up %llu, "
	    "quorum %llu, hysteresis %llu)",
	    conf_vs_name(&vs->c, vn, sizeof(vn)), up ? "regained" : "lost",
	    (unsigned long long)sum, (unsigned long long)q,
	    (unsigned long long)h);
	lvs_notify(&vs->c, NULL, up ? LVS_NOTIFY_QUORUM_UP :
	    LVS_NOTIFY_QUORUM_DOWN);
}

/* Health; before checkd's first word, keepalived's alpha decides. */
static int
rs_is_up(const struct vs_conf *vs, const struct lvs_rs_st *r)
{
	if (r == NULL || r->health == LVS_HEALTH_UNKNOWN)
		return (!vs->alpha);
	return (r->health == LVS_HEALTH_UP);
}

/*
 * The one rule that turns a real server's config and state into its
 * weight in the kernel: health (unknown counts as keepalived's alpha
 * says), the weight checkd reported (misc_dynamic) over the configured
 * one, a drain, inhibit_on_failure, and the sorry server taking the
 * traffic.  LVS_RS_OUT: not in the kernel at all.
 */
int32_t
lvs_rs_weight(const struct vs_conf *vs, const struct rs_conf *rs,
    const struct lvs_rs_st *r, int held, int sorry_active)
{
	int32_t	 w;

	w = r != NULL && r->weight >= 0 ? r->weight : (int32_t)rs->weight;
	if (rs_is_up(vs, r) && !sorry_active)
		return (held ? 0 : w);
	if (rs->inhibit_on_failure || vs->inhibit_on_failure)
		return (0);
	return (LVS_RS_OUT);
}

/* The weight of the real servers that are up, which quorum weighs. */
static uint64_t
vs_up_weight(const struct conf_vs *vs, const struct lvs_vs_st *st,
    size_t *nrsp)
{
	const struct conf_rs	*rs;
	const struct lvs_rs_st	*r;
	uint64_t		 sum = 0;
	size_t			 j = 0;

	TAILQ_FOREACH(rs, &vs->rss, entry) {
		r = st != NULL && j < st->nrs ? &st->rs[j] : NULL;
		j++;
		/* Drained servers still count: they are healthy. */
		if (rs_is_up(&vs->c, r))
			sum += lvs_rs_weight(&vs->c, &rs->c, r, 0, 0);
	}
	if (nrsp != NULL)
		*nrsp = j;
	return (sum);
}

/*
 * Whether the sorry server takes the traffic: quorum as last updated by
 * lvs_quorum_update(), or, before the first update, as the health says.
 * Pure: showing or computing the desired table changes nothing.
 */
static int
vs_sorry_active(const struct conf_vs *vs, const struct lvs_vs_st *st)
{
	uint64_t	 q = vs->c.quorum ? vs->c.quorum : 1;

	if (!vs->c.has_sorry)
		return (0);
	if (st == NULL || st->quorum_up < 0)
		return (vs_up_weight(vs, st, NULL) < q);
	return (!st->quorum_up);
}

/*
 * The one owner of quorum transitions: the sum of the weights of the
 * real servers that are up against the quorum, with hysteresis.  The
 * first evaluation sets the state silently; a change after it is a
 * transition, logged and told to had (quorum_up, quorum_down).
 * Evaluating again with the same health changes nothing.
 */
static void
vs_quorum_update(const struct conf_vs *vs, struct lvs_vs_st *st)
{
	uint64_t	 sum, q, h;

	sum = vs_up_weight(vs, st, NULL);
	q = vs->c.quorum ? vs->c.quorum : 1;
	h = vs->c.hysteresis;
	if (st->quorum_up < 0)
		st->quorum_up = sum >= q;
	else if (st->quorum_up && sum + h < q) {
		st->quorum_up = 0;
		vs_quorum_changed(vs, 0, sum, q, h);
	} else if (!st->quorum_up && sum >= q + h) {
		st->quorum_up = 1;
		vs_quorum_changed(vs, 1, sum, q, h);
	}
}

/* Quorum of every virtual server of conf, after health or a reload. */
void
lvs_quorum_update(const struct had_conf *conf, struct lvs_vs_st *st,
    size_t nst)
{
	const struct conf_vs	*vs;
	size_t			 i = 0;

	TAILQ_FOREACH(vs, &conf->vss, entry) {
		if (i >= nst)
			break;
		vs_quorum_update(vs, &st[i++]);
	}
}

/* The real servers one virtual server asks for. */
static int
vs_dests(const struct conf_vs *vs, const struct lvs_vs_st *st,
    struct lvs_svc *proto)
{
	const struct conf_rs	*rs;
	const struct lvs_rs_st	*r;
	struct lvs_dest		 d;
	struct keyidx		 dx;
	size_t			 j, nrs;
	int			 sorry_active;
	int32_t			 w;

	sorry_active = vs_sorry_active(vs, st);
	(void)vs_up_weight(vs, st, &nrs);

	/* The duplicate check below: an index past a few servers. */
	dx.slot = NULL;
	if (nrs >= LVS_IDX_MIN)
		(void)idx_init(&dx, nrs + 1);
	j = 0;
	TAILQ_FOREACH(rs, &vs->rss, entry) {
		r = st != NULL && j < st->nrs ? &st->rs[j] : NULL;
		j++;
		w = lvs_rs_weight(&vs->c, &rs->c, r, rs_held(&vs->c, &rs->c),
		    sorry_active);
		if (w == LVS_RS_OUT)
			continue;
		memset(&d, 0, sizeof(d));
		d.af = rs->c.addr.af;
		conf_to_addr(&rs->c.addr, d.addr);
		d.port = rs->c.port;
		d.fwd = kind_fwd(vs->c.lb_kind);
		d.u_thresh = rs->c.uthreshold;
		d.l_thresh = rs->c.lthreshold;
		d.weight = w;
		if (idx_find_dest(&dx, proto, &d) != NULL) {
			log_debug("%s: real server listed twice",
			    vs->c.group);
			continue;
		}
		if (lvs_svc_add_dest(proto, &d) == NULL) {
			idx_free(&dx);
			return (-1);
		}
		if (dx.slot != NULL)
			idx_add(&dx, dest_hash(&d), proto->ndests - 1);
	}
	idx_free(&dx);
	if (vs->c.has_sorry && (sorry_active || vs->c.sorry_server_inhibit)) {
		memset(&d, 0, sizeof(d));
		d.af = vs->c.sorry_addr.af;
		conf_to_addr(&vs->c.sorry_addr, d.addr);
		d.port = vs->c.sorry_port ? vs->c.sorry_port : vs->c.port;
		d.fwd = kind_fwd(vs->c.lb_kind);
		d.weight = sorry_active ? 1 : 0;
		d.sorry = 1;
		if (lvs_svc_find_dest(proto, &d) == NULL &&
		    lvs_svc_add_dest(proto, &d) == NULL)
			return (-1);
	}
	return (0);
}

static int
add_svc(struct lvs_table *t, const struct lvs_svc *s,
    const struct lvs_svc *proto)
{
	struct lvs_svc	*n;

	/* Duplicates go once the table is whole: svcs_dedup(). */
	if ((n = lvs_table_add(t, s)) == NULL)
		return (-1);
	if (proto->ndests == 0)
		return (0);
	if ((n->dests = reallocarray(NULL, proto->ndests,
	    sizeof(*n->dests))) == NULL)
		return (-1);
	memcpy(n->dests, proto->dests, proto->ndests * sizeof(*n->dests));
	n->ndests = n->capdests = proto->ndests;
	return (0);
}

/* A service defined twice: the first one counts. */
static int
svcs_dedup(struct lvs_table *t)
{
	struct keyidx	 x;
	struct lvs_svc	*s;
	size_t		 i, n = 0;
	char		 name[LVS_SVCNAMELEN];

	if (t->nsvcs < 2)
		return (0);
	if (idx_init(&x, t->nsvcs) == -1)
		return (-1);
	for (i = 0; i < t->nsvcs; i++) {
		s = &t->svcs[i];
		/* The index holds the services kept, moved to the front. */
		if (idx_find_svc(&x, t, s) != NULL) {
			log_debug("%s: virtual server defined twice, the "
			    "first one counts", lvs_svc_name(s, name,
			    sizeof(name)));
			free(s->dests);
			continue;
		}
		if (n != i)
			t->svcs[n] = *s;
		idx_add(&x, svc_hash(&t->svcs[n]), n);
		n++;
	}
	t->nsvcs = n;
	idx_free(&x);
	return (0);
}

static const struct conf_vsg *
find_vsg(const struct had_conf *conf, const char *name)
{
	const struct conf_vsg	*g;

	TAILQ_FOREACH(g, &conf->vsgs, entry)
		if (strcmp(g->c.name, name) == 0)
			return (g);
	return (NULL);
}

/* The kernel services of one virtual server (a group gives many). */
static int
vs_services(const struct had_conf *conf, const struct conf_vs *vs,
    uint32_t index, const struct lvs_svc *proto, struct lvs_table *t)
{
	const struct conf_vsg		*g;
	const struct conf_vsg_entry	*e;
	struct lvs_svc			 s;
	uint32_t			 first, v;

	memset(&s, 0, sizeof(s));
	switch (vs->c.type) {
	case VS_TYPE_ADDR:
		s.af = vs->c.addr.af;
		s.protocol = proto_num(vs->c.protocol);
		conf_to_addr(&vs->c.addr, s.addr);
		s.port = vs->c.port;
		svc_common(&s, &vs->c, index);
		return (add_svc(t, &s, proto));
	case VS_TYPE_FWMARK:
		s.af = vs_fwmark_af(vs);
		s.fwmark = vs->c.fwmark;
		svc_common(&s, &vs->c, index);
		return (add_svc(t, &s, proto));
	case VS_TYPE_GROUP:
		break;
	default:
		return (0);
	}
	if ((g = find_vsg(conf, vs->c.group)) == NULL)
		return (0);
	TAILQ_FOREACH(e, &g->entries, entry) {
		memset(&s, 0, sizeof(s));
		if (e->c.type == VSG_ENTRY_FWMARK) {
			s.af = vs_fwmark_af(vs);
			s.fwmark = e->c.fwmark;
			svc_common(&s, &vs->c, index);
			if (add_svc(t, &s, proto) == -1)
				return (-1);
			continue;
		}
		s.af = e->c.addr.af;
		s.protocol = proto_num(vs->c.protocol);
		conf_to_addr(&e->c.addr, s.addr);
		s.port = e->c.port;
		svc_common(&s, &vs->c, index);
		if (e->c.type == VSG_ENTRY_ADDR) {
			if (add_svc(t, &s, proto) == -1)
				return (-1);
			continue;
		}
		/* A range: the last octet (IPv4) or group (IPv6). */
		if (s.af == AF_INET)
			first = s.addr[3];
		else
			first = (s.addr[14] << 8) | s.addr[15];
		for (v = first; v <= e->c.range_end; v++) {
			if (s.af == AF_INET)
				s.addr[3] = v;
			else {
				s.addr[14] = v >> 8;
				s.addr[15] = v & 0xff;
			}
			if (add_svc(t, &s, proto) == -1)
				return (-1);
		}
	}
	return (0);
}

/*
 * What the kernel should hold for `conf' with the health in `st' (one
 * per virtual server, in order; NULL: nothing known).  Pure: quorum is
 * read, never changed (lvs_quorum_update() owns it), nothing is logged
 * or sent.  0, or -1 when out of memory.
 */
int
lvs_desired(const struct had_conf *conf, const struct lvs_vs_st *st,
    struct lvs_table *t)
{
	const struct conf_vs	*vs;
	struct lvs_svc		 proto;
	uint32_t		 i = 0;
	int			 r;

	TAILQ_FOREACH(vs, &conf->vss, entry) {
		memset(&proto, 0, sizeof(proto));
		r = vs_dests(vs, st != NULL ? &st[i] : NULL, &proto);
		if (r == 0)
			r = vs_services(conf, vs, i, &proto, t);
		free(proto.dests);
		if (r == -1)
			return (-1);
		i++;
	}
	return (svcs_dedup(t));
}

/*
 * Health state kept across reloads.
 */
static int
vs_same(const struct vs_conf *a, const struct vs_conf *b)
{
	if (a->type != b->type)
		return (0);
	switch (a->type) {
	case VS_TYPE_ADDR:
		return (a->addr.af == b->addr.af && a->port == b->port &&
		    a->protocol == b->protocol &&
		    addr_eq(a->addr.af, a->addr.u.raw, b->addr.u.raw));
	case VS_TYPE_FWMARK:
		return (a->fwmark == b->fwmark);
	default:
		return (strcmp(a->group, b->group) == 0);
	}
}

static void
vst_free(struct lvs_vs_st *v, size_t n)
{
	size_t	 i;

	for (i = 0; v != NULL && i < n; i++)
		free(v[i].rs);
	free(v);
}

/* The identity vs_same() compares, hashed. */
static uint32_t
vs_conf_hash(const struct vs_conf *c)
{
	uint32_t	 h = 2166136261U;

	h = key_hash(h, &c->type, sizeof(c->type));
	switch (c->type) {
	case VS_TYPE_ADDR:
		h = key_hash(h, &c->addr.af, sizeof(c->addr.af));
		h = key_hash(h, &c->port, sizeof(c->port));
		h = key_hash(h, &c->protocol, sizeof(c->protocol));
		return (key_hash(h, c->addr.u.raw,
		    c->addr.af == AF_INET ? 4 : 16));
	case VS_TYPE_FWMARK:
		return (key_hash(h, &c->fwmark, sizeof(c->fwmark)));
	default:
		return (key_hash(h, c->group, strnlen(c->group,
		    sizeof(c->group))));
	}
}

static int
rs_same(const struct rs_conf *a, const struct rs_conf *b)
{
	return (a->addr.af == b->addr.af && a->port == b->port &&
	    addr_eq(a->addr.af, a->addr.u.raw, b->addr.u.raw));
}

/* The health known of the real servers of an old virtual server. */
static void
vst_carry(const struct conf_vs *vs, struct lvs_vs_st *st,
    const struct conf_vs *ovs, const struct lvs_vs_st *ost)
{
	const struct conf_rs	*rs, *ors, *hint;
	size_t			 j = 0, oj, hj = 0;

	st->quorum_up = ost->quorum_up;
	/* Servers mostly keep their order: try the next old one first. */
	hint = TAILQ_FIRST(&ovs->rss);
	TAILQ_FOREACH(rs, &vs->rss, entry) {
		if (hint != NULL && rs_same(&hint->c, &rs->c)) {
			ors = hint;
			oj = hj;
		} else {
			oj = 0;
			TAILQ_FOREACH(ors, &ovs->rss, entry) {
				if (rs_same(&ors->c, &rs->c))
					break;
				oj++;
			}
		}
		if (ors != NULL) {
			hint = TAILQ_NEXT(ors, entry);
			hj = oj + 1;
		}
		if (ors != NULL && oj < ost->nrs) {
			st->rs[j] = ost->rs[oj];
			/* A new weight in the config wins. */
			if (ors->c.weight != rs->c.weight)
				st->rs[j].weight = -1;
		}
		j++;
	}
}

static struct lvs_vs_st *
vst_build(const struct had_conf *new, const struct had_conf *old,
    const struct lvs_vs_st *ov, size_t onv, size_t *np)
{
	const struct conf_vs	*vs, *ovs, **ovv = NULL;
	const struct conf_rs	*rs;
	struct lvs_vs_st	*v;
	struct keyidx		 x;
	size_t			 n = 0, on = 0, i, j, k;

	TAILQ_FOREACH(vs, &new->vss, entry)
		n++;
	if ((v = calloc(n ? n : 1, sizeof(*v))) == NULL)
		return (NULL);
	/* The old virtual servers by identity, so that this is linear. */
	x.slot = NULL;
	x.mask = 0;
	if (old != NULL && onv > 0) {
		if ((ovv = reallocarray(NULL, onv, sizeof(*ovv))) == NULL ||
		    idx_init(&x, onv) == -1)
			goto nomem;
		TAILQ_FOREACH(ovs, &old->vss, entry) {
			if (on == onv)
				break;
			ovv[on] = ovs;
			idx_add(&x, vs_conf_hash(&ovs->c), on);
			on++;
		}
	}
	i = 0;
	TAILQ_FOREACH(vs, &new->vss, entry) {
		v[i].quorum_up = -1;
		TAILQ_FOREACH(rs, &vs->rss, entry)
			v[i].nrs++;
		if ((v[i].rs = calloc(v[i].nrs ? v[i].nrs : 1,
		    sizeof(*v[i].rs))) == NULL)
			goto nomem;
		for (j = 0; j < v[i].nrs; j++)
			v[i].rs[j].weight = -1;
		/* Carry over what is known of the same objects. */
		for (k = x.slot == NULL ? 0 : vs_conf_hash(&vs->c) & x.mask;
		    x.slot != NULL && x.slot[k] != 0; k = (k + 1) & x.mask)
			if (vs_same(&ovv[x.slot[k] - 1]->c, &vs->c)) {
				vst_carry(vs, &v[i], ovv[x.slot[k] - 1],
				    &ov[x.slot[k] - 1]);
				break;
			}
		i++;
	}
	idx_free(&x);
	free(ovv);
	*np = n;
	return (v);
 nomem:
	idx_free(&x);
	free(ovv);
	vst_free(v, n);
	return (NULL);
}

/*
 * Applying.
 */
void
addf(char *buf, size_t len, const char *fmt, ...)
{
	va_list	 ap;
	size_t	 n = strlen(buf);

	if (n >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + n, len - n, fmt, ap);
	va_end(ap);
}

static void
log_op(const struct lvs_op *op, int repair, int error)
{
	char	 sn[LVS_SVCNAMELEN], dn[LVS_DESTNAMELEN], what[192];
	void	(*out)(const char *, ...) = repair || error ? log_warnx :
	    log_info;

	lvs_svc_name(&op->svc, sn, sizeof(sn));
	if (op->kind >= LVS_OP_DEST_ADD)
		lvs_dest_name(&op->dest, dn, sizeof(dn));
	switch (op->kind) {
	case LVS_OP_SVC_ADD:
		snprintf(what, sizeof(what), "added virtual server "
		    "(scheduler %s, persistence %us)", op->svc.sched,
		    op->svc.timeout);
		break;
	case LVS_OP_SVC_EDIT:
		snprintf(what, sizeof(what), "changed virtual server:");
		if (strcmp(op->oldsvc.sched, op->svc.sched) != 0)
			addf(what, sizeof(what), " scheduler %s -> %s",
			    op->oldsvc.sched, op->svc.sched);
		if ((op->oldsvc.flags ^ op->svc.flags) & LVS_SVC_FLAGS_OURS)
			addf(what, sizeof(what), " flags 0x%x -> 0x%x",
			    op->oldsvc.flags & LVS_SVC_FLAGS_OURS,
			    op->svc.flags & LVS_SVC_FLAGS_OURS);
		if (op->oldsvc.timeout != op->svc.timeout)
			addf(what, sizeof(what), " persistence %us -> %us",
			    op->oldsvc.timeout, op->svc.timeout);
		if (op->oldsvc.netmask != op->svc.netmask)
			addf(what, sizeof(what), " netmask 0x%x -> 0x%x",
			    ntohl(op->oldsvc.netmask), ntohl(op->svc.netmask));
		break;
	case LVS_OP_SVC_DEL:
		snprintf(what, sizeof(what), "removed virtual server");
		break;
	case LVS_OP_DEST_ADD:
		snprintf(what, sizeof(what), "added %s %s weight %u%s",
		    op->dest.sorry ? "sorry server" : "real server", dn,
		    op->dest.weight, op->dest.fwd == IP_VS_CONN_F_MASQ ? "" :
		    op->dest.fwd == IP_VS_CONN_F_DROUTE ? " (DR)" : " (TUN)");
		break;
	case LVS_OP_DEST_EDIT:
		snprintf(what, sizeof(what), "changed %s %s:",
		    op->dest.sorry ? "sorry server" : "real server", dn);
		if (op->old.weight != op->dest.weight)
			addf(what, sizeof(what), " weight %u -> %u",
			    op->old.weight, op->dest.weight);
		if (op->dest.drain)
			addf(what, sizeof(what), " (draining: removed from "
			    "the configuration)");
		if (op->old.fwd != op->dest.fwd)
			addf(what, sizeof(what), " method %s -> %s",
			    lvs_fwd_name(op->old.fwd),
			    lvs_fwd_name(op->dest.fwd));
		if (op->old.u_thresh != op->dest.u_thresh ||
		    op->old.l_thresh != op->dest.l_thresh)
			addf(what, sizeof(what), " thresholds %u/%u -> %u/%u",
			    op->old.u_thresh, op->old.l_thresh,
			    op->dest.u_thresh, op->dest.l_thresh);
		break;
	case LVS_OP_DEST_DEL:
		snprintf(what, sizeof(what), "removed real server %s", dn);
		break;
	default:
		return;
	}
	if (error)
		out("%s: %s failed: %s", sn, what, strerror(error));
	else if (repair)
		out("%s: %s (the kernel differed: changed outside had)", sn,
		    what);
	else
		out("%s: %s", sn, what);
}

struct want_ctx {
	const struct lvs_table	*want;
	struct keyidx		 x;
};

static time_t
mono_now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec);
}

/* The servers being drained join the desired table with weight 0. */
static int
drain_merge(struct lvs_table *want)
{
	struct lvs_svc	*s;
	size_t		 i;

	for (i = 0; i < ndrains; i++) {
		if ((s = lvs_table_find(want, &drains[i].svc)) == NULL ||
		    lvs_svc_find_dest(s, &drains[i].dest) != NULL)
			continue;
		if (lvs_svc_add_dest(s, &drains[i].dest) == NULL)
			return (-1);
	}
	return (0);
}

static void
drain_del(size_t i)
{
	memmove(&drains[i], &drains[i + 1],
	    (ndrains - i - 1) * sizeof(*drains));
	ndrains--;
}

static int
drain_find(const struct lvs_svc *s, const struct lvs_dest *d)
{
	size_t	 i;

	for (i = 0; i < ndrains; i++)
		if (lvs_svc_same_key(&drains[i].svc, s) &&
		    lvs_dest_same_key(&drains[i].dest, d))
			return ((int)i);
	return (-1);
}

static int
drain_add(const struct lvs_svc *s, const struct lvs_dest *d, uint32_t secs)
{
	struct lvs_drain	*n;
	size_t			 cap;
	char			 sn[LVS_SVCNAMELEN], dn[LVS_DESTNAMELEN];

	if (drain_find(s, d) >= 0)
		return (0);
	if (ndrains == capdrains) {
		cap = capdrains ? capdrains * 2 : 8;
		if ((n = reallocarray(drains, cap, sizeof(*n))) == NULL)
			return (-1);
		drains = n;
		capdrains = cap;
	}
	n = &drains[ndrains++];
	memset(n, 0, sizeof(*n));
	n->svc = *s;
	n->svc.dests = NULL;
	n->svc.ndests = n->svc.capdests = 0;
	n->dest = *d;
	n->dest.weight = 0;
	n->dest.drain = 1;
	n->dest.sorry = 0;
	n->until = mono_now() + secs;
	n->secs = secs;
	log_info("%s: real server %s removed from the configuration: "
	    "weight 0 for %us (drain), then removed",
	    lvs_svc_name(s, sn, sizeof(sn)),
	    lvs_dest_name(d, dn, sizeof(dn)), secs);
	return (0);
}

/* Is this destination a real or sorry server of virtual server `index'? */
static int
conf_has_dest(const struct had_conf *conf, uint32_t index,
    const struct lvs_dest *d)
{
	const struct conf_vs	*vs;
	const struct conf_rs	*rs;
	uint32_t		 i = 0;

	TAILQ_FOREACH(vs, &conf->vss, entry) {
		if (i++ == index)
			break;
	}
	if (vs == NULL)
		return (0);
	TAILQ_FOREACH(rs, &vs->rss, entry)
		if (rs->c.addr.af == d->af && rs->c.port == d->port &&
		    addr_eq(d->af, rs->c.addr.u.raw, d->addr))
			return (1);
	if (vs->c.has_sorry && vs->c.sorry_addr.af == d->af &&
	    (vs->c.sorry_port ? vs->c.sorry_port : vs->c.port) == d->port &&
	    addr_eq(d->af, vs->c.sorry_addr.u.raw, d->addr))
		return (1);
	return (0);
}

/*
 * A reload: real servers the old table had in a service that the new
 * one keeps, and that the new config no longer lists, are drained;
 * drains of servers the new config lists again end.
 */
static void
drain_reconf(const struct had_conf *new, const struct lvs_table *ot,
    const struct lvs_table *nt, const struct keyidx *nx, uint8_t *sel)
{
	const struct lvs_svc	*os, *ns;
	const struct lvs_dest	*d;
	struct keyidx		 dx;
	size_t			 i, j;

	for (i = 0; i < ndrains; ) {
		ns = idx_find_svc(nx, nt, &drains[i].svc);
		if (ns != NULL && conf_has_dest(new, ns->vs_index,
		    &drains[i].dest)) {
			sel[ns->vs_index] = 1;
			drain_del(i);
		} else
			i++;
	}
	for (i = 0; i < ot->nsvcs; i++) {
		os = &ot->svcs[i];
		/* Not selected: the same servers as before (reconf_sel()). */
		if ((ns = idx_find_svc(nx, nt, os)) == NULL ||
		    !sel[ns->vs_index])
			continue;
		idx_dests(&dx, ns);
		for (j = 0; j < os->ndests; j++) {
			d = &os->dests[j];
			if (d->sorry || idx_find_dest(&dx, ns, d) != NULL ||
			    conf_has_dest(new, ns->vs_index, d))
				continue;
			if (new->global.lvs_drain_time == 0)
				continue;	/* removed at once */
			if (drain_add(ns, d, new->global.lvs_drain_time) == -1)
				log_warnx("ipvs: drain: out of memory");
		}
		idx_free(&dx);
	}
}

/* The timer: drains that are over end, and their servers go. */
void
lvs_drain_tick(void)
{
	char	 sn[LVS_SVCNAMELEN], dn[LVS_DESTNAMELEN];
	time_t	 now = mono_now();
	size_t	 i;
	int	 any = 0;

	for (i = 0; i < ndrains; ) {
		if (drains[i].until > now) {
			i++;
			continue;
		}
		log_info("%s: real server %s drained for %us: removing",
		    lvs_svc_name(&drains[i].svc, sn, sizeof(sn)),
		    lvs_dest_name(&drains[i].dest, dn, sizeof(dn)),
		    drains[i].secs);
		drain_del(i);
		any = 1;
	}
	if (any)
		reconcile(-1, 0);
}

static int
want_dests(const struct lvs_svc *s, void *arg)
{
	struct want_ctx	*w = arg;

	return (idx_find_svc(&w->x, w->want, s) != NULL);
}

static int
ms_since(const struct timespec *t0)
{
	struct timespec	 t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return ((t.tv_sec - t0->tv_sec) * 1000 +
	    (t.tv_nsec - t0->tv_nsec) / 1000000);
}

static void	apply_slice(void);

static void
apply_cb(int fd, short ev, void *arg)
{
	apply_slice();
}

/* Write what is pending, for one slice of time at most. */
static void
apply_slice(void)
{
	struct timeval	 now = { 0, 0 };
	struct timespec	 t0;
	int		 r;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (pend_next < pend.nops) {
		r = lvs_ipvs_apply(&pend.ops[pend_next]);
		log_op(&pend.ops[pend_next], pend_repair, r);
		if (r != 0)
			pend_err = 1;
		pend_next++;
		if (pend_next >= pend.nops ||
		    ms_since(&t0) < LVS_APPLY_SLICE_MS)
			continue;
		if (pend_ev == NULL && child != NULL && child->base != NULL)
			pend_ev = evtimer_new(child->base, apply_cb, NULL);
		if (pend_ev != NULL && evtimer_add(pend_ev, &now) == 0)
			return;
		/* No event loop (cannot happen in lvsd): go on. */
	}
	lvs_ops_free(&pend);
	pend_next = 0;
	if (pend_err)
		synced = 0;
	else if (pend_full)
		synced = 1;
	lvs_announce_update();	/* IPVS as written now */
	if (pend_redo) {
		pend_redo = 0;
		reconcile(-1, 0);
	}
}

/* A new config: what is left to write is stale. */
static void
apply_cancel(void)
{
	if (pend_ev != NULL)
		evtimer_del(pend_ev);
	if (pend_next < pend.nops)
		synced = 0;
	lvs_ops_free(&pend);
	pend_next = 0;
	pend_redo = 0;
}

/*
 * Dump, diff, apply.  sel (one flag per virtual server, NULL: all)
 * limits the work to the virtual servers whose health or config
 * changed; services a reload removed are deleted in any case; repair
 * says that any difference is unexpected (the timer) and is logged as
 * such.
 */
static void
reconcile_sel(const uint8_t *sel, int repair)
{
	struct lvs_table	 want;

	if (cur == NULL || !lvs_ipvs_available())
		return;
	if (pend_next < pend.nops) {
		/* Writing still: the timer waits for its next turn. */
		if (!repair)
			pend_redo = 1;
		return;
	}
	lvs_table_init(&want);
	lvs_quorum_update(cur, vst, nvst);
	if (lvs_desired(cur, vst, &want) == -1) {
		log_warnx("ipvs: reconcile: out of memory");
		synced = 0;
		lvs_table_free(&want);
		return;
	}
	reconcile_want(&want, sel, repair);
}

/*
 * What the kernel holds of the services of `want' and of `gone': one
 * request each when they are few (a reload that changes ten virtual
 * servers of 1000), else a dump of all services.  0 or an errno.
 */
static int
kernel_read(const struct lvs_table *want, int few, struct lvs_table *kern)
{
	struct lvs_table	 keys;
	struct want_ctx		 wc;
	size_t			 i;
	int			 r = ENOMEM;

	if (few && want->nsvcs + gone.nsvcs <= LVS_GET_MAX) {
		lvs_table_init(&keys);
		for (i = 0; i < want->nsvcs; i++)
			if (lvs_table_add(&keys, &want->svcs[i]) == NULL)
				goto done;
		for (i = 0; i < gone.nsvcs; i++)
			if (lvs_table_add(&keys, &gone.svcs[i]) == NULL)
				goto done;
		r = lvs_ipvs_dump_keys(kern, &keys);
 done:
		lvs_table_free(&keys);
		return (r);
	}
	wc.want = want;
	idx_svcs(&wc.x, want);
	r = lvs_ipvs_dump(kern, want_dests, &wc);
	idx_free(&wc.x);
	return (r);
}

/* reconcile_sel() with the desired table built: it is freed here. */
static void
reconcile_want(struct lvs_table *want, const uint8_t *sel, int repair)
{
	struct lvs_table	 kern, sel_t;
	struct lvs_ops		 ops;
	struct lvs_svc		*n;
	size_t			 i;

	lvs_table_init(&kern);
	lvs_table_init(&sel_t);
	memset(&ops, 0, sizeof(ops));
	if (cur == NULL || !lvs_ipvs_available())
		goto out;
	if (pend_next < pend.nops) {
		if (!repair)
			pend_redo = 1;
		goto out;
	}
	if (drain_merge(want) == -1)
		goto nomem;
	if (sel != NULL) {
		for (i = 0; i < want->nsvcs; i++) {
			if (want->svcs[i].vs_index >= nvst ||
			    !sel[want->svcs[i].vs_index])
				continue;
			if ((n = lvs_table_add(&sel_t, &want->svcs[i])) == NULL)
				goto nomem;
			/* Moved, not copied. */
			n->dests = want->svcs[i].dests;
			n->ndests = want->svcs[i].ndests;
			n->capdests = want->svcs[i].capdests;
			want->svcs[i].dests = NULL;
			want->svcs[i].ndests = want->svcs[i].capdests = 0;
		}
		lvs_table_free(want);
		*want = sel_t;
		lvs_table_init(&sel_t);
	}
	if (kernel_read(want, sel != NULL, &kern) != 0) {
		synced = 0;
		goto out;
	}
	/*
	 * Services a reload removed: never in the desired table
	 * (lvs_reconf() keeps it so), deleted whatever sel says.
	 */
	if (lvs_diff(want, &kern, &gone, &ops) == -1)
		goto nomem;
	lvs_table_free(&gone);
	pend = ops;
	memset(&ops, 0, sizeof(ops));
	pend_next = 0;
	pend_repair = repair;
	pend_full = sel == NULL;
	pend_err = 0;
	apply_slice();
	goto out;
 nomem:
	log_warnx("ipvs: reconcile: out of memory");
	synced = 0;
 out:
	lvs_ops_free(&ops);
	lvs_table_free(want);
	lvs_table_free(&kern);
	lvs_table_free(&sel_t);
}

/* vs_only >= 0: that virtual server only; else all. */
static void
reconcile(int vs_only, int repair)
{
	uint8_t	*sel;

	if (vs_only < 0) {
		reconcile_sel(NULL, repair);
		return;
	}
	if ((size_t)vs_only >= nvst)
		return;
	if ((sel = calloc(nvst, 1)) == NULL) {
		reconcile_sel(NULL, repair);
		return;
	}
	sel[vs_only] = 1;
	reconcile_sel(sel, repair);
	free(sel);
}

/* The virtual servers whose health changed since the last turn. */
static void
health_cb(int fd, short ev, void *arg)
{
	if (!any_dirty)
		return;
	any_dirty = 0;
	reconcile_sel(dirty, 0);
	memset(dirty, 0, ndirty);
}

static void
health_changed(size_t i)
{
	struct timeval	 now = { 0, 0 };

	if (dirty == NULL || i >= ndirty) {
		reconcile((int)i, 0);
		return;
	}
	dirty[i] = 1;
	if (any_dirty)
		return;
	if (health_ev == NULL && child != NULL && child->base != NULL)
		health_ev = evtimer_new(child->base, health_cb, NULL);
	if (health_ev == NULL || evtimer_add(health_ev, &now) == -1) {
		dirty[i] = 0;
		reconcile((int)i, 0);
		return;
	}
	any_dirty = 1;
}

/*
 * hactl drain: real servers had keeps at weight 0 whatever their health
 * and the config say (checks go on), until undrained.  had holds the set
 * and gives it again to a respawned lvsd; a reload keeps it here.
 */
#define HELD_MAX	1024
static struct msg_lvs_id	 held[HELD_MAX];
static size_t			 nheld;

static int
rs_held(const struct vs_conf *vs, const struct rs_conf *rs)
{
	size_t	 i;

	for (i = 0; i < nheld; i++)
		if (conf_drain_match(&held[i], vs, rs))
			return (1);
	return (0);
}

void
lvs_hold(const struct msg_lvs_drain *m)
{
	char	 vn[CONF_VSNAMELEN], rn[CONF_RSNAMELEN];
	size_t	 i;

	for (i = 0; i < nheld; i++)
		if (memcmp(&held[i], &m->id, sizeof(m->id)) == 0)
			break;
	if (m->on && i == nheld) {
		if (nheld >= HELD_MAX) {
			log_warnx("ipvs: more than %d real servers drained",
			    HELD_MAX);
			return;
		}
		held[nheld++] = m->id;
	} else if (!m->on && i < nheld)
		held[i] = held[--nheld];
	else
		return;
	conf_lvs_id_vs(&m->id, vn, sizeof(vn));
	if (m->id.vs_type == VS_TYPE_ADDR && m->id.vs_proto == LVS_PROTO_MAX)
		conf_addr_port(m->id.vs_af, m->id.vs_addr, m->id.vs_port, vn,
		    sizeof(vn));
	conf_lvs_id_rs(&m->id, rn, sizeof(rn));
	log_info("%s: real server %s %s", vn, rn,
	    m->on ? "drained (weight 0)" : "undrained");
	if (cur != NULL && lvs_ipvs_available())
		reconcile(-1, 0);
}

void
lvs_reconcile(void)
{
	reconcile(-1, 1);
}

/* Would lvs_diff() write nothing to turn one service into the other? */
static int
svc_same_dests(const struct lvs_svc *a, const struct lvs_svc *b)
{
	const struct lvs_dest	*d;
	struct keyidx		 bx;
	size_t			 j;
	int			 same = 1;

	if (a->ndests != b->ndests)
		return (0);
	bx.slot = NULL;
	for (j = 0; j < a->ndests && same; j++) {
		/* Built from configs: mostly in the same order. */
		d = &b->dests[j];
		if (!lvs_dest_same_key(&a->dests[j], d)) {
			if (bx.slot == NULL)
				idx_dests(&bx, b);
			d = idx_find_dest(&bx, b, &a->dests[j]);
		}
		same = d != NULL && !dest_differs(&a->dests[j], d) &&
		    a->dests[j].sorry == d->sorry;
	}
	idx_free(&bx);
	return (same);
}

/*
 * What a reload changes in the desired table (ot: old config, nt: new,
 * each with its health): sel gets the virtual servers (by index in the
 * new config) that have a service that is new or differs, `gone' the
 * services that are no longer wanted, and the real servers removed from
 * services that stay are drained.  -1: out of memory.
 */
static int
reconf_sel(const struct had_conf *new, const struct lvs_table *ot,
    const struct lvs_table *nt, uint8_t *sel)
{
	const struct lvs_svc	*ns, *os;
	struct keyidx		 ox, nx;
	size_t			 i, n = 0;
	int			 r = -1;

	idx_svcs(&ox, ot);
	idx_svcs(&nx, nt);
	for (i = 0; i < nt->nsvcs; i++) {
		ns = &nt->svcs[i];
		if ((os = idx_find_svc(&ox, ot, ns)) == NULL ||
		    svc_differs(ns, os) || svc_differs(os, ns) ||
		    !svc_same_dests(ns, os))
			sel[ns->vs_index] = 1;
	}
	/* Services the new config asks for again are not to delete. */
	for (i = 0; i < gone.nsvcs; i++) {
		if (idx_find_svc(&nx, nt, &gone.svcs[i]) != NULL)
			continue;
		if (n != i)
			gone.svcs[n] = gone.svcs[i];
		n++;
	}
	gone.nsvcs = n;
	/* Those of the old config were not in `gone': kept so above. */
	for (i = 0; i < ot->nsvcs; i++)
		if (idx_find_svc(&nx, nt, &ot->svcs[i]) == NULL &&
		    lvs_table_add(&gone, &ot->svcs[i]) == NULL)
			goto done;
	drain_reconf(new, ot, nt, &nx, sel);
	r = 0;
 done:
	idx_free(&ox);
	idx_free(&nx);
	return (r);
}

/*
 * A new config (old is NULL at start-up): carry the health over, note
 * the services the reload removed (ours to delete) and reconcile: all
 * of it at start-up and whenever the kernel may differ from what we
 * last asked for, else only the virtual servers the reload changed.
 * With no IPVS in the kernel, try again to find it.
 */
void
lvs_reconf(const struct had_conf *old, const struct had_conf *new)
{
	struct lvs_table	 ot, nt;
	struct lvs_vs_st	*nv;
	uint8_t			*sel = NULL;
	size_t			 nn = 0, i, nsel = 0;
	int			 full;

	if ((nv = vst_build(new, old, vst, nvst, &nn)) == NULL) {
		log_warnx("ipvs: reconf: out of memory");
		return;
	}
	/* Writes cut short below, or health not written yet: all. */
	full = old == NULL || !synced || pend_next < pend.nops ||
	    pend_redo || any_dirty;
	/* A new quorum or new servers can change it: a transition. */
	lvs_quorum_update(new, nv, nn);
	/* nt is what reconcile_sel() would build: it serves there. */
	lvs_table_init(&nt);
	if (old != NULL) {
		lvs_table_init(&ot);
		if (lvs_desired(old, vst, &ot) == -1 ||
		    lvs_desired(new, nv, &nt) == -1 ||
		    (sel = calloc(nn ? nn : 1, 1)) == NULL ||
		    reconf_sel(new, &ot, &nt, sel) == -1) {
			log_warnx("ipvs: reconf: out of memory");
			lvs_table_free(&nt);
			full = 1;
		}
		lvs_table_free(&ot);
	}
	vst_free(vst, nvst);
	vst = nv;
	nvst = nn;
	cur = new;
	lvs_sync_conf(new);
	apply_cancel();
	if (health_ev != NULL)
		evtimer_del(health_ev);
	any_dirty = 0;
	free(dirty);
	ndirty = 0;
	if ((dirty = calloc(nn ? nn : 1, 1)) != NULL)
		ndirty = nn;
	if (!lvs_ipvs_available() && lvs_ipvs_init() == -1) {
		lvs_table_free(&nt);
		free(sel);
		return;
	}
	for (i = 0; sel != NULL && i < nn; i++)
		nsel += sel[i];
	if (full && nt.svcs == NULL)
		reconcile(-1, 0);
	else if (full)
		reconcile_want(&nt, NULL, 0);
	else if (nsel > 0 || gone.nsvcs > 0) {
		log_debug("ipvs: reload: %zu of %zu virtual servers changed, "
		    "%zu services removed", nsel, nn, gone.nsvcs);
		reconcile_want(&nt, sel, 0);
	}
	lvs_table_free(&nt);
	free(sel);
	lvs_sync_reconf();
}

/*
 * Health from checkd.
 */
void
lvs_rs_health(const struct msg_rs_state *m)
{
	const struct conf_vs	*vs;
	const struct conf_rs	*rs;
	struct lvs_rs_st	*r;
	struct lvs_dest		 d;
	char			 dn[LVS_DESTNAMELEN], vn[CONF_VSNAMELEN];
	size_t			 i, j;
	uint8_t			 h, was;

	if (cur == NULL)
		return;
	if (m->up > 1 || m->weight < -1 || m->weight > 65535 ||
	    (m->id.rs_af != AF_INET && m->id.rs_af != AF_INET6) ||
	    memchr(m->id.vs_group, '\0', sizeof(m->id.vs_group)) == NULL ||
	    memchr(m->reason, '\0', sizeof(m->reason)) == NULL) {
		log_warnx("ipvs: malformed real server state from checkd "
		    "ignored");
		return;
	}
	i = 0;
	TAILQ_FOREACH(vs, &cur->vss, entry) {
		if (conf_lvs_id_is_vs(&m->id, &vs->c))
			break;
		i++;
	}
	memset(&d, 0, sizeof(d));
	d.af = m->id.rs_af;
	memcpy(d.addr, m->id.rs_addr, 16);
	d.port = m->id.rs_port;
	lvs_dest_name(&d, dn, sizeof(dn));
	if (vs == NULL || i >= nvst) {
		log_warnx("ipvs: state of %s for an unknown virtual server "
		    "ignored", dn);
		return;
	}
	j = 0;
	TAILQ_FOREACH(rs, &vs->rss, entry) {
		if (rs->c.addr.af == m->id.rs_af &&
		    rs->c.port == m->id.rs_port &&
		    addr_eq(m->id.rs_af, rs->c.addr.u.raw, m->id.rs_addr))
			break;
		j++;
	}
	if (rs == NULL || j >= vst[i].nrs) {
		log_warnx("ipvs: state of unknown real server %s ignored", dn);
		return;
	}
	r = &vst[i].rs[j];
	h = m->up ? LVS_HEALTH_UP : LVS_HEALTH_DOWN;
	if (r->health == h && r->weight == m->weight)
		return;
	conf_vs_name(&vs->c, vn, sizeof(vn));
	if (r->health != h)
		log_info("%s: real server %s is %s%s%s%s", vn, dn,
		    m->up ? "up" : "down", m->reason[0] ? " (" : "",
		    m->reason, m->reason[0] ? ")" : "");
	/* Before checkd's first word: what is assumed (keepalived's alpha). */
	was = rs_is_up(&vs->c, r) ? LVS_HEALTH_UP : LVS_HEALTH_DOWN;
	r->health = h;
	r->weight = m->weight;
	if (was != h)
		lvs_notify(&vs->c, &rs->c, h == LVS_HEALTH_UP ?
		    LVS_NOTIFY_RS_UP : LVS_NOTIFY_RS_DOWN);
	/* Quorum follows health with or without IPVS in the kernel. */
	vs_quorum_update(vs, &vst[i]);
	if (!lvs_ipvs_available())
		return;
	health_changed(i);
}

/* For lvs_announce.c. */
void
lvs_vs_state(const struct had_conf **conf, const struct lvs_vs_st **st,
    size_t *n)
{
	*conf = cur;
	*st = vst;
	*n = nvst;
}

/*
 * hactl show lvs.
 */
static void
show_rows(uint32_t peerid, const struct lvs_table *want,
    const struct lvs_table *kern)
{
	const struct conf_vs	*vs;
	const struct conf_rs	*rs;
	const struct lvs_svc	*w, *k;
	const struct lvs_dest	*kd, *wd;
	struct msg_ctl_lvs	 row;
	struct lvs_dest		 d;
	size_t			 i, j, si;

	for (si = 0; si < want->nsvcs; si++) {
		w = &want->svcs[si];
		k = lvs_table_find(kern, w);
		i = 0;
		TAILQ_FOREACH(vs, &cur->vss, entry) {
			if (i == w->vs_index)
				break;
			i++;
		}
		if (vs == NULL)
			continue;
		memset(&row, 0, sizeof(row));
		row.kind = LVS_ROW_SERVICE;
		row.vs_index = w->vs_index;
		lvs_svc_name(w, row.service, sizeof(row.service));
		strlcpy(row.sched, w->sched, sizeof(row.sched));
		strlcpy(row.method, conf_enum_name(conf_kind_names,
		    vs->c.lb_kind), sizeof(row.method));
		row.persistence = w->timeout;
		row.quorum = vs->c.quorum ? vs->c.quorum : 1;
		row.quorum_up = i < nvst ? vst[i].quorum_up == 1 : 0;
		row.in_kernel = k != NULL;
		row.kernel_weight = -1;
		row.want_weight = -1;
		if (k != NULL) {
			row.conns = k->stats.conns;
			row.in_pkts = k->stats.in_pkts;
			row.out_pkts = k->stats.out_pkts;
			row.in_bytes = k->stats.in_bytes;
			row.out_bytes = k->stats.out_bytes;
		}
		lvs_announce_row(&row, cur, vst, nvst, w, k != NULL);
		child_ctl_send(IMSG_CTL_LVS, peerid, &row, sizeof(row));
		j = 0;
		TAILQ_FOREACH(rs, &vs->rss, entry) {
			const struct lvs_rs_st *r = i < nvst &&
			    j < vst[i].nrs ? &vst[i].rs[j] : NULL;
			j++;
			row.kind = LVS_ROW_REAL;
			row.sorry = 0;
			memset(&d, 0, sizeof(d));
			d.af = rs->c.addr.af;
			conf_to_addr(&rs->c.addr, d.addr);
			d.port = rs->c.port;
			lvs_dest_name(&d, row.real, sizeof(row.real));
			row.conf_weight = rs->c.weight;
			row.drained = rs_held(&vs->c, &rs->c);
			strlcpy(row.health, r == NULL ||
			    r->health == LVS_HEALTH_UNKNOWN ? "unknown" :
			    r->health == LVS_HEALTH_UP ? "up" : "down",
			    sizeof(row.health));
			kd = k != NULL ? lvs_svc_find_dest(k, &d) : NULL;
			row.kernel_weight = kd != NULL ? (int32_t)kd->weight :
			    -1;
			/* Health and weight as lvsd decided, IPVS or not. */
			wd = lvs_svc_find_dest(w, &d);
			row.want_weight = wd != NULL ? (int32_t)wd->weight : -1;
			row.in_kernel = kd != NULL;
			row.active_conns = kd != NULL ? kd->active_conns : 0;
			row.inactive_conns = kd != NULL ? kd->inact_conns : 0;
			row.conns = kd != NULL ? kd->stats.conns : 0;
			row.in_pkts = kd != NULL ? kd->stats.in_pkts : 0;
			row.out_pkts = kd != NULL ? kd->stats.out_pkts : 0;
			row.in_bytes = kd != NULL ? kd->stats.in_bytes : 0;
			row.out_bytes = kd != NULL ? kd->stats.out_bytes : 0;
			child_ctl_send(IMSG_CTL_LVS, peerid, &row,
			    sizeof(row));
		}
		if (vs->c.has_sorry) {
			memset(&d, 0, sizeof(d));
			d.af = vs->c.sorry_addr.af;
			conf_to_addr(&vs->c.sorry_addr, d.addr);
			d.port = vs->c.sorry_port ? vs->c.sorry_port :
			    vs->c.port;
			row.kind = LVS_ROW_REAL;
			row.sorry = 1;
			row.drained = 0;
			lvs_dest_name(&d, row.real, sizeof(row.real));
			row.conf_weight = 1;
			strlcpy(row.health, "-", sizeof(row.health));
			kd = k != NULL ? lvs_svc_find_dest(k, &d) : NULL;
			row.kernel_weight = kd != NULL ? (int32_t)kd->weight :
			    -1;
			wd = lvs_svc_find_dest(w, &d);
			row.want_weight = wd != NULL ? (int32_t)wd->weight : -1;
			row.in_kernel = kd != NULL;
			row.active_conns = kd != NULL ? kd->active_conns : 0;
			row.inactive_conns = kd != NULL ? kd->inact_conns : 0;
			child_ctl_send(IMSG_CTL_LVS, peerid, &row,
			    sizeof(row));
		}
	}
}

void
lvs_ctl_show(uint32_t peerid)
{
	struct lvs_table	 want, kern;
	struct lvs_counters	*c = lvs_counters();
	struct want_ctx		 wc;

	if (!lvs_ipvs_available()) {
		/* Still show what the config asks for, none of it in place. */
		child_ctl_text(peerid, "kernel has no IPVS: virtual servers "
		    "are not programmed (tried again on reload)");
		if (cur == NULL)
			return;
		lvs_table_init(&want);
		lvs_table_init(&kern);
		if (lvs_desired(cur, vst, &want) == 0)
			show_rows(peerid, &want, &kern);
		lvs_table_free(&want);
		lvs_table_free(&kern);
		return;
	}
	child_ctl_text(peerid, "ipvs writes: service add %llu edit %llu "
	    "del %llu, real server add %llu edit %llu del %llu, errors %llu; "
	    "dumps %llu", (unsigned long long)c->svc_add,
	    (unsigned long long)c->svc_edit, (unsigned long long)c->svc_del,
	    (unsigned long long)c->dest_add, (unsigned long long)c->dest_edit,
	    (unsigned long long)c->dest_del, (unsigned long long)c->errors,
	    (unsigned long long)c->dumps);
	if (cur == NULL)
		return;
	lvs_table_init(&want);
	lvs_table_init(&kern);
	if (lvs_desired(cur, vst, &want) == 0) {
		wc.want = &want;
		idx_svcs(&wc.x, &want);
		if (lvs_ipvs_dump(&kern, want_dests, &wc) == 0)
			show_rows(peerid, &want, &kern);
		idx_free(&wc.x);
	}
	lvs_table_free(&want);
	lvs_table_free(&kern);
}
