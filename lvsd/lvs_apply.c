/*
 * Apply: make the kernel's IPVS table hold the desired one with the
 * fewest writes and without ever flushing.  The kernel's table is read
 * (all of it, or only the services of the virtual servers selected),
 * compared with the desired one, and only the difference is written, in
 * slices of time so that lvsd keeps answering its peers.  Services that
 * are not in our config are never touched; a service removed from the
 * config by a reload is deleted (it was ours); a destination in one of
 * our services that the config does not ask for (ipvsadm -a behind our
 * back) is removed.
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
#include <time.h>

#include <event.h>

#include "child.h"
#include "conf.h"
#include "log.h"
#include "lvsd.h"
#include "lvs_ipvs.h"
#include "proc.h"

#define LVS_SVC_FLAGS_OURS	(IP_VS_SVC_F_PERSISTENT | \
	IP_VS_SVC_F_ONEPACKET | IP_VS_SVC_F_SCHED1 | IP_VS_SVC_F_SCHED2 | \
	IP_VS_SVC_F_SCHED3)
#define LVS_APPLY_SLICE_MS	100
#define LVS_GET_MAX		32	/* at most, read one by one */

static void	apply_slice(void);

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

int
lvs_svc_differs(const struct lvs_svc *want, const struct lvs_svc *k)
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

int
lvs_dest_differs(const struct lvs_dest *want, const struct lvs_dest *k)
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
		if (lvs_svc_differs(w, k) &&
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
			    lvs_dest_differs(d, kd) &&
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
		    ts_ms_since(&t0) < LVS_APPLY_SLICE_MS)
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
		lvs_apply(-1, 0);
	}
}

/* A new config: what is left to write is stale. */
void
lvs_apply_cancel(void)
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
void
lvs_log_dups(const struct lvs_table *t)
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
void
lvs_apply_sel(const uint8_t *sel, int repair)
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
	lvs_log_dups(&want);
	lvs_apply_want(&want, sel, repair);
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

/* lvs_apply_sel() with the desired table built: it is freed here. */
void
lvs_apply_want(struct lvs_table *want, const uint8_t *sel, int repair)
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
void
lvs_apply(int vs_only, int repair)
{
	uint8_t	*sel;

	if (vs_only < 0) {
		lvs_apply_sel(NULL, repair);
		return;
	}
	if ((size_t)vs_only >= lvs.nvst)
		return;
	if ((sel = calloc(lvs.nvst, 1)) == NULL) {
		lvs_apply_sel(NULL, repair);
		return;
	}
	sel[vs_only] = 1;
	lvs_apply_sel(sel, repair);
	free(sel);
}

/* The virtual servers whose health changed since the last turn. */
static void
health_cb(int fd, short ev, void *arg)
{
	if (!lvs.any_dirty)
		return;
	lvs.any_dirty = 0;
	lvs_apply_sel(lvs.dirty, 0);
	memset(lvs.dirty, 0, lvs.ndirty);
}

void
lvs_apply_health(size_t i)
{
	struct timeval	 now = { 0, 0 };

	if (lvs.dirty == NULL || i >= lvs.ndirty) {
		lvs_apply((int)i, 0);
		return;
	}
	lvs.dirty[i] = 1;
	if (lvs.any_dirty)
		return;
	if (lvs.health_ev == NULL && child != NULL && child->base != NULL)
		lvs.health_ev = evtimer_new(child->base, health_cb, NULL);
	if (lvs.health_ev == NULL || evtimer_add(lvs.health_ev, &now) == -1) {
		lvs.dirty[i] = 0;
		lvs_apply((int)i, 0);
		return;
	}
	lvs.any_dirty = 1;
}
