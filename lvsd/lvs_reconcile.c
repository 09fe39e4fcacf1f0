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
#define LVS_APPLY_SLICE_MS	100
#define LVS_GET_MAX		32	/* at most, read one by one */

struct lvs_state	 lvs;

static void	reconcile(int, int);
static void	reconcile_sel(const uint8_t *, int);
static void	reconcile_want(struct lvs_table *, const uint8_t *, int);


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

	lvs_idx_svcs(&kx, kern);
	lvs_idx_svcs(&wx, want);
	dx.slot = wdx.slot = NULL;
	for (i = 0; i < want->nsvcs; i++) {
		w = &want->svcs[i];
		if ((k = lvs_idx_find_svc(&kx, kern, w)) == NULL) {
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
		lvs_idx_dests(&dx, k);
		lvs_idx_dests(&wdx, w);
		for (j = 0; j < k->ndests; j++) {
			kd = &k->dests[j];
			if (lvs_idx_find_dest(&wdx, w, kd) == NULL &&
			    ops_add(out, LVS_OP_DEST_DEL, w, kd, NULL,
			    NULL) == -1)
				goto done;
		}
		for (j = 0; j < w->ndests; j++) {
			d = &w->dests[j];
			if ((kd = lvs_idx_find_dest(&dx, k, d)) != NULL &&
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
			if (lvs_idx_find_dest(&dx, k, d) == NULL &&
			    ops_add(out, LVS_OP_DEST_ADD, w, d, NULL,
			    NULL) == -1)
				goto done;
		}
		lvs_idx_free(&dx);
		lvs_idx_free(&wdx);
	}
	for (i = 0; gone_svcs != NULL && i < gone_svcs->nsvcs; i++) {
		w = &gone_svcs->svcs[i];
		if (lvs_idx_find_svc(&wx, want, w) != NULL ||
		    (k = lvs_idx_find_svc(&kx, kern, w)) == NULL)
			continue;
		if (ops_add(out, LVS_OP_SVC_DEL, k, NULL, NULL, NULL) == -1)
			goto done;
	}
	r = 0;
 done:
	lvs_idx_free(&dx);
	lvs_idx_free(&wdx);
	lvs_idx_free(&kx);
	lvs_idx_free(&wx);
	return (r);
}

/*
 * Applying.
 */
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

	for (i = 0; i < lvs.ndrains; i++) {
		if ((s = lvs_table_find(want, &lvs.drains[i].svc)) == NULL ||
		    lvs_svc_find_dest(s, &lvs.drains[i].dest) != NULL)
			continue;
		if (lvs_svc_add_dest(s, &lvs.drains[i].dest) == NULL)
			return (-1);
	}
	return (0);
}

static void
drain_del(size_t i)
{
	memmove(&lvs.drains[i], &lvs.drains[i + 1],
	    (lvs.ndrains - i - 1) * sizeof(*lvs.drains));
	lvs.ndrains--;
}

static int
drain_find(const struct lvs_svc *s, const struct lvs_dest *d)
{
	size_t	 i;

	for (i = 0; i < lvs.ndrains; i++)
		if (lvs_svc_same_key(&lvs.drains[i].svc, s) &&
		    lvs_dest_same_key(&lvs.drains[i].dest, d))
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
	if (lvs.ndrains == lvs.capdrains) {
		cap = lvs.capdrains ? lvs.capdrains * 2 : 8;
		if ((n = reallocarray(lvs.drains, cap, sizeof(*n))) == NULL)
			return (-1);
		lvs.drains = n;
		lvs.capdrains = cap;
	}
	n = &lvs.drains[lvs.ndrains++];
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
		    lvs_addr_eq(d->af, rs->c.addr.u.raw, d->addr))
			return (1);
	if (vs->c.has_sorry && vs->c.sorry_addr.af == d->af &&
	    (vs->c.sorry_port ? vs->c.sorry_port : vs->c.port) == d->port &&
	    lvs_addr_eq(d->af, vs->c.sorry_addr.u.raw, d->addr))
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

	for (i = 0; i < lvs.ndrains; ) {
		ns = lvs_idx_find_svc(nx, nt, &lvs.drains[i].svc);
		if (ns != NULL && conf_has_dest(new, ns->vs_index,
		    &lvs.drains[i].dest)) {
			sel[ns->vs_index] = 1;
			drain_del(i);
		} else
			i++;
	}
	for (i = 0; i < ot->nsvcs; i++) {
		os = &ot->svcs[i];
		/* Not selected: the same servers as before (reconf_sel()). */
		if ((ns = lvs_idx_find_svc(nx, nt, os)) == NULL ||
		    !sel[ns->vs_index])
			continue;
		lvs_idx_dests(&dx, ns);
		for (j = 0; j < os->ndests; j++) {
			d = &os->dests[j];
			if (d->sorry || lvs_idx_find_dest(&dx, ns, d) != NULL ||
			    conf_has_dest(new, ns->vs_index, d))
				continue;
			if (new->global.lvs_drain_time == 0)
				continue;	/* removed at once */
			if (drain_add(ns, d, new->global.lvs_drain_time) == -1)
				log_warnx("ipvs: drain: out of memory");
		}
		lvs_idx_free(&dx);
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

	for (i = 0; i < lvs.ndrains; ) {
		if (lvs.drains[i].until > now) {
			i++;
			continue;
		}
		log_info("%s: real server %s drained for %us: removing",
		    lvs_svc_name(&lvs.drains[i].svc, sn, sizeof(sn)),
		    lvs_dest_name(&lvs.drains[i].dest, dn, sizeof(dn)),
		    lvs.drains[i].secs);
		drain_del(i);
		any = 1;
	}
	if (any)
		reconcile(-1, 0);
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
	while (lvs.pend_next < lvs.pend.nops) {
		r = lvs_ipvs_apply(&lvs.pend.ops[lvs.pend_next]);
		log_op(&lvs.pend.ops[lvs.pend_next], lvs.pend_repair, r);
		if (r != 0)
			lvs.pend_err = 1;
		lvs.pend_next++;
		if (lvs.pend_next >= lvs.pend.nops ||
		    ms_since(&t0) < LVS_APPLY_SLICE_MS)
			continue;
		if (lvs.pend_ev == NULL && child != NULL && child->base != NULL)
			lvs.pend_ev = evtimer_new(child->base, apply_cb, NULL);
		if (lvs.pend_ev != NULL && evtimer_add(lvs.pend_ev, &now) == 0)
			return;
		/* No event loop (cannot happen in lvsd): go on. */
	}
	lvs_ops_free(&lvs.pend);
	lvs.pend_next = 0;
	if (lvs.pend_err)
		lvs.synced = 0;
	else if (lvs.pend_full)
		lvs.synced = 1;
	lvs_announce_update();	/* IPVS as written now */
	if (lvs.pend_redo) {
		lvs.pend_redo = 0;
		reconcile(-1, 0);
	}
}

/* A new config: what is left to write is stale. */
static void
apply_cancel(void)
{
	if (lvs.pend_ev != NULL)
		evtimer_del(lvs.pend_ev);
	if (lvs.pend_next < lvs.pend.nops)
		lvs.synced = 0;
	lvs_ops_free(&lvs.pend);
	lvs.pend_next = 0;
	lvs.pend_redo = 0;
}

/* What lvs_desired() left out; it is pure, so the reconcile says it. */
static void
log_dups(const struct lvs_table *t)
{
	if (t->dup_svcs > 0)
		log_debug("ipvs: %zu services defined twice, the first one "
		    "counts", t->dup_svcs);
	if (t->dup_dests > 0)
		log_debug("ipvs: %zu real servers listed twice in a virtual "
		    "server, the first one counts", t->dup_dests);
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

	if (lvs.cur == NULL || !lvs_ipvs_available())
		return;
	if (lvs.pend_next < lvs.pend.nops) {
		/* Writing still: the timer waits for its next turn. */
		if (!repair)
			lvs.pend_redo = 1;
		return;
	}
	lvs_table_init(&want);
	lvs_quorum_update(lvs.cur, lvs.vst, lvs.nvst);
	if (lvs_desired(lvs.cur, lvs.vst, &want) == -1) {
		log_warnx("ipvs: reconcile: out of memory");
		lvs.synced = 0;
		lvs_table_free(&want);
		return;
	}
	log_dups(&want);
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
	struct lvs_want		 wc;
	size_t			 i;
	int			 r = ENOMEM;

	if (few && want->nsvcs + lvs.gone.nsvcs <= LVS_GET_MAX) {
		lvs_table_init(&keys);
		for (i = 0; i < want->nsvcs; i++)
			if (lvs_table_add(&keys, &want->svcs[i]) == NULL)
				goto done;
		for (i = 0; i < lvs.gone.nsvcs; i++)
			if (lvs_table_add(&keys, &lvs.gone.svcs[i]) == NULL)
				goto done;
		r = lvs_ipvs_dump_keys(kern, &keys);
 done:
		lvs_table_free(&keys);
		return (r);
	}
	wc.want = want;
	lvs_idx_svcs(&wc.x, want);
	r = lvs_ipvs_dump(kern, lvs_want_dests, &wc);
	lvs_idx_free(&wc.x);
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
	if (lvs.cur == NULL || !lvs_ipvs_available())
		goto out;
	if (lvs.pend_next < lvs.pend.nops) {
		if (!repair)
			lvs.pend_redo = 1;
		goto out;
	}
	if (drain_merge(want) == -1)
		goto nomem;
	if (sel != NULL) {
		for (i = 0; i < want->nsvcs; i++) {
			if (want->svcs[i].vs_index >= lvs.nvst ||
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
		lvs.synced = 0;
		goto out;
	}
	/*
	 * Services a reload removed: never in the desired table
	 * (lvs_reconf() keeps it so), deleted whatever sel says.
	 */
	if (lvs_diff(want, &kern, &lvs.gone, &ops) == -1)
		goto nomem;
	lvs_table_free(&lvs.gone);
	lvs.pend = ops;
	memset(&ops, 0, sizeof(ops));
	lvs.pend_next = 0;
	lvs.pend_repair = repair;
	lvs.pend_full = sel == NULL;
	lvs.pend_err = 0;
	apply_slice();
	goto out;
 nomem:
	log_warnx("ipvs: reconcile: out of memory");
	lvs.synced = 0;
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
	if ((size_t)vs_only >= lvs.nvst)
		return;
	if ((sel = calloc(lvs.nvst, 1)) == NULL) {
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
	if (!lvs.any_dirty)
		return;
	lvs.any_dirty = 0;
	reconcile_sel(lvs.dirty, 0);
	memset(lvs.dirty, 0, lvs.ndirty);
}

static void
health_changed(size_t i)
{
	struct timeval	 now = { 0, 0 };

	if (lvs.dirty == NULL || i >= lvs.ndirty) {
		reconcile((int)i, 0);
		return;
	}
	lvs.dirty[i] = 1;
	if (lvs.any_dirty)
		return;
	if (lvs.health_ev == NULL && child != NULL && child->base != NULL)
		lvs.health_ev = evtimer_new(child->base, health_cb, NULL);
	if (lvs.health_ev == NULL || evtimer_add(lvs.health_ev, &now) == -1) {
		lvs.dirty[i] = 0;
		reconcile((int)i, 0);
		return;
	}
	lvs.any_dirty = 1;
}

void
lvs_hold(const struct msg_lvs_drain *m)
{
	char	 vn[CONF_VSNAMELEN], rn[CONF_RSNAMELEN];
	size_t	 i;

	for (i = 0; i < lvs.nheld; i++)
		if (memcmp(&lvs.held[i], &m->id, sizeof(m->id)) == 0)
			break;
	if (m->on && i == lvs.nheld) {
		if (lvs.nheld >= HELD_MAX) {
			log_warnx("ipvs: more than %d real servers drained",
			    HELD_MAX);
			return;
		}
		lvs.held[lvs.nheld++] = m->id;
	} else if (!m->on && i < lvs.nheld)
		lvs.held[i] = lvs.held[--lvs.nheld];
	else
		return;
	conf_lvs_id_vs(&m->id, vn, sizeof(vn));
	if (m->id.vs_type == VS_TYPE_ADDR && m->id.vs_proto == LVS_PROTO_MAX)
		conf_addr_port(m->id.vs_af, m->id.vs_addr, m->id.vs_port, vn,
		    sizeof(vn));
	conf_lvs_id_rs(&m->id, rn, sizeof(rn));
	log_info("%s: real server %s %s", vn, rn,
	    m->on ? "drained (weight 0)" : "undrained");
	if (lvs.cur != NULL && lvs_ipvs_available())
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
				lvs_idx_dests(&bx, b);
			d = lvs_idx_find_dest(&bx, b, &a->dests[j]);
		}
		same = d != NULL && !dest_differs(&a->dests[j], d) &&
		    a->dests[j].sorry == d->sorry;
	}
	lvs_idx_free(&bx);
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

	lvs_idx_svcs(&ox, ot);
	lvs_idx_svcs(&nx, nt);
	for (i = 0; i < nt->nsvcs; i++) {
		ns = &nt->svcs[i];
		if ((os = lvs_idx_find_svc(&ox, ot, ns)) == NULL ||
		    svc_differs(ns, os) || svc_differs(os, ns) ||
		    !svc_same_dests(ns, os))
			sel[ns->vs_index] = 1;
	}
	/* Services the new config asks for again are not to delete. */
	for (i = 0; i < lvs.gone.nsvcs; i++) {
		if (lvs_idx_find_svc(&nx, nt, &lvs.gone.svcs[i]) != NULL)
			continue;
		if (n != i)
			lvs.gone.svcs[n] = lvs.gone.svcs[i];
		n++;
	}
	lvs.gone.nsvcs = n;
	/* Those of the old config were not in `gone': kept so above. */
	for (i = 0; i < ot->nsvcs; i++)
		if (lvs_idx_find_svc(&nx, nt, &ot->svcs[i]) == NULL &&
		    lvs_table_add(&lvs.gone, &ot->svcs[i]) == NULL)
			goto done;
	drain_reconf(new, ot, nt, &nx, sel);
	r = 0;
 done:
	lvs_idx_free(&ox);
	lvs_idx_free(&nx);
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

	if ((nv = lvs_vst_build(new, old, lvs.vst, lvs.nvst, &nn)) == NULL) {
		log_warnx("ipvs: reconf: out of memory");
		return;
	}
	/* Writes cut short below, or health not written yet: all. */
	full = old == NULL || !lvs.synced || lvs.pend_next < lvs.pend.nops ||
	    lvs.pend_redo || lvs.any_dirty;
	/* A new quorum or new servers can change it: a transition. */
	lvs_quorum_update(new, nv, nn);
	/* nt is what reconcile_sel() would build: it serves there. */
	lvs_table_init(&nt);
	if (old != NULL) {
		lvs_table_init(&ot);
		if (lvs_desired(old, lvs.vst, &ot) == -1 ||
		    lvs_desired(new, nv, &nt) == -1 ||
		    (sel = calloc(nn ? nn : 1, 1)) == NULL ||
		    reconf_sel(new, &ot, &nt, sel) == -1) {
			log_warnx("ipvs: reconf: out of memory");
			lvs_table_free(&nt);
			full = 1;
		}
		lvs_table_free(&ot);
		log_dups(&nt);
	}
	lvs_vst_free(lvs.vst, lvs.nvst);
	lvs.vst = nv;
	lvs.nvst = nn;
	lvs.cur = new;
	lvs_sync_conf(new);
	apply_cancel();
	if (lvs.health_ev != NULL)
		evtimer_del(lvs.health_ev);
	lvs.any_dirty = 0;
	free(lvs.dirty);
	lvs.ndirty = 0;
	if ((lvs.dirty = calloc(nn ? nn : 1, 1)) != NULL)
		lvs.ndirty = nn;
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
	else if (nsel > 0 || lvs.gone.nsvcs > 0) {
		log_debug("ipvs: reload: %zu of %zu virtual servers changed, "
		    "%zu services removed", nsel, nn, lvs.gone.nsvcs);
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
	struct lvs_dest		 d;
	char			 dn[LVS_DESTNAMELEN];
	size_t			 i, j;

	if (lvs.cur == NULL)
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
	TAILQ_FOREACH(vs, &lvs.cur->vss, entry) {
		if (conf_lvs_id_is_vs(&m->id, &vs->c))
			break;
		i++;
	}
	memset(&d, 0, sizeof(d));
	d.af = m->id.rs_af;
	memcpy(d.addr, m->id.rs_addr, 16);
	d.port = m->id.rs_port;
	lvs_dest_name(&d, dn, sizeof(dn));
	if (vs == NULL || i >= lvs.nvst) {
		log_warnx("ipvs: state of %s for an unknown virtual server "
		    "ignored", dn);
		return;
	}
	j = 0;
	TAILQ_FOREACH(rs, &vs->rss, entry) {
		if (rs->c.addr.af == m->id.rs_af &&
		    rs->c.port == m->id.rs_port &&
		    lvs_addr_eq(m->id.rs_af, rs->c.addr.u.raw, m->id.rs_addr))
			break;
		j++;
	}
	if (rs == NULL || j >= lvs.vst[i].nrs) {
		log_warnx("ipvs: state of unknown real server %s ignored", dn);
		return;
	}
	/* Quorum follows health with or without IPVS in the kernel. */
	if (lvs_health_set(vs, &rs->c, &lvs.vst[i], &lvs.vst[i].rs[j], m,
	    dn) == 0 || !lvs_ipvs_available())
		return;
	health_changed(i);
}
