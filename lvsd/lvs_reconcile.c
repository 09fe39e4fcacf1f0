/*
 * Keep the kernel's IPVS table equal to config and health: what starts
 * a reconcile (a new config, health from checkd, hactl drain, a drain
 * ending, the timer) and the real servers a reload drains.  The desired
 * table comes from lvs_desired.c, health and quorum from lvs_quorum.c,
 * the writes from lvs_apply.c.
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

/*
 * Drains: real servers a reload removed (struct lvs_drain, lvsd.h).
 */
static time_t
mono_now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec);
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
		lvs_apply(-1, 0);
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
		lvs_apply(-1, 0);
}

void
lvs_reconcile(void)
{
	lvs_apply(-1, 1);
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
		same = d != NULL && !lvs_dest_differs(&a->dests[j], d) &&
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
		    lvs_svc_differs(ns, os) || lvs_svc_differs(os, ns) ||
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
	/* nt is what lvs_apply_sel() would build: it serves there. */
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
		lvs_log_dups(&nt);
	}
	lvs_vst_free(lvs.vst, lvs.nvst);
	lvs.vst = nv;
	lvs.nvst = nn;
	lvs.cur = new;
	lvs_sync_conf(new);
	lvs_apply_cancel();
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
		lvs_apply(-1, 0);
	else if (full)
		lvs_apply_want(&nt, NULL, 0);
	else if (nsel > 0 || lvs.gone.nsvcs > 0) {
		log_debug("ipvs: reload: %zu of %zu virtual servers changed, "
		    "%zu services removed", nsel, nn, lvs.gone.nsvcs);
		lvs_apply_want(&nt, sel, 0);
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
	lvs_apply_health(i);
}
