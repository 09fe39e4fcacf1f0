/*
 * hactl show lvs: the desired table, the kernel's and the health, as
 * rows for had.  Reads only: a show never changes health, quorum or
 * the kernel, and tells had of nothing.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <string.h>

#include "child.h"
#include "conf.h"
#include "conf_misc.h"
#include "lvsd.h"
#include "lvs_ipvs.h"

/*
 * hactl show lvs.
 */
/*
 * A real or sorry server's columns: the kernel's (k: NULL without IPVS
 * or the service) and the weight lvsd wants (w), every one set so that
 * no row keeps the one before's counters.
 */
static void
show_dest(struct msg_ctl_lvs *row, const struct lvs_svc *k,
    const struct lvs_svc *w, const struct lvs_dest *d)
{
	const struct lvs_dest	*kd, *wd;

	kd = k != NULL ? lvs_svc_find_dest(k, d) : NULL;
	wd = lvs_svc_find_dest(w, d);
	row->kernel_weight = kd != NULL ? (int32_t)kd->weight : -1;
	/* Health and weight as lvsd decided, IPVS or not. */
	row->want_weight = wd != NULL ? (int32_t)wd->weight : -1;
	row->in_kernel = kd != NULL;
	row->active_conns = kd != NULL ? kd->active_conns : 0;
	row->inactive_conns = kd != NULL ? kd->inact_conns : 0;
	row->conns = kd != NULL ? kd->stats.conns : 0;
	row->in_pkts = kd != NULL ? kd->stats.in_pkts : 0;
	row->out_pkts = kd != NULL ? kd->stats.out_pkts : 0;
	row->in_bytes = kd != NULL ? kd->stats.in_bytes : 0;
	row->out_bytes = kd != NULL ? kd->stats.out_bytes : 0;
}

static void
show_rows(uint32_t peerid, const struct lvs_table *want,
    const struct lvs_table *kern)
{
	const struct conf_vs	*vs;
	const struct conf_rs	*rs;
	const struct lvs_svc	*w, *k;
	struct msg_ctl_lvs	 row;
	struct lvs_dest		 d;
	size_t			 i, j, si;

	for (si = 0; si < want->nsvcs; si++) {
		w = &want->svcs[si];
		k = lvs_table_find(kern, w);
		i = 0;
		TAILQ_FOREACH(vs, &lvs.cur->vss, entry) {
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
		row.quorum_up = i < lvs.nvst ? lvs.vst[i].quorum_up == 1 : 0;
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
		lvs_announce_row(&row, lvs.cur, lvs.vst, lvs.nvst, w,
		    k != NULL);
		child_ctl_send(IMSG_CTL_LVS, peerid, &row, sizeof(row));
		j = 0;
		TAILQ_FOREACH(rs, &vs->rss, entry) {
			const struct lvs_rs_st *r = i < lvs.nvst &&
			    j < lvs.vst[i].nrs ? &lvs.vst[i].rs[j] : NULL;
			j++;
			row.kind = LVS_ROW_REAL;
			row.sorry = 0;
			memset(&d, 0, sizeof(d));
			d.af = rs->c.addr.af;
			conf_to_addr(&rs->c.addr, d.addr);
			d.port = rs->c.port;
			lvs_dest_name(&d, row.real, sizeof(row.real));
			row.conf_weight = rs->c.weight;
			row.drained = lvs_rs_held(&vs->c, &rs->c);
			strlcpy(row.health, r == NULL ||
			    r->health == LVS_HEALTH_UNKNOWN ? "unknown" :
			    r->health == LVS_HEALTH_UP ? "up" : "down",
			    sizeof(row.health));
			show_dest(&row, k, w, &d);
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
			show_dest(&row, k, w, &d);
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
	struct lvs_want		 wc;

	if (!lvs_ipvs_available()) {
		/* Still show what the config asks for, none of it in place. */
		child_ctl_text(peerid, "kernel has no IPVS: virtual servers "
		    "are not programmed (tried again on reload)");
		if (lvs.cur == NULL)
			return;
		lvs_table_init(&want);
		lvs_table_init(&kern);
		if (lvs_desired(lvs.cur, lvs.vst, &want) == 0)
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
	if (lvs.cur == NULL)
		return;
	lvs_table_init(&want);
	lvs_table_init(&kern);
	if (lvs_desired(lvs.cur, lvs.vst, &want) == 0) {
		wc.want = &want;
		lvs_idx_svcs(&wc.x, &want);
		if (lvs_ipvs_dump(&kern, lvs_want_dests, &wc) == 0)
			show_rows(peerid, &want, &kern);
		lvs_idx_free(&wc.x);
	}
	lvs_table_free(&want);
	lvs_table_free(&kern);
}
