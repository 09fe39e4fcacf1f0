/*
 * Health and quorum: the one owner of the health of the real servers
 * (struct lvs_vs_st, kept across reloads) and of quorum transitions,
 * which it logs and tells had (IMSG_LVS_NOTIFY: quorum_up, quorum_down,
 * notify_up, notify_down).  Transitions happen when health or the config
 * changes, with or without IPVS in the kernel; reading the state (the
 * desired table, hactl show lvs) never makes one.
 *
 * Quorum: the sum of the weights of the real servers that are up is
 * compared with quorum (at least 1) with hysteresis: quorum is lost when
 * the sum falls below quorum - hysteresis and regained when it reaches
 * quorum + hysteresis.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <stdlib.h>
#include <string.h>

#include "child.h"
#include "conf.h"
#include "conf_diff.h"
#include "conf_misc.h"
#include "log.h"
#include "lvs_weight.h"
#include "lvsd.h"
#include "lvs_ipvs.h"

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

	sum = lvs_vs_up_weight(vs, st, NULL);
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

/*
 * Health state kept across reloads, by the identities a reload names
 * objects by (conf_vs_same(), conf_rs_same() of conf_diff.c).
 */
void
lvs_vst_free(struct lvs_vs_st *v, size_t n)
{
	size_t	 i;

	for (i = 0; v != NULL && i < n; i++)
		free(v[i].rs);
	free(v);
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
		if (hint != NULL && conf_rs_same(&hint->c, &rs->c)) {
			ors = hint;
			oj = hj;
		} else {
			oj = 0;
			TAILQ_FOREACH(ors, &ovs->rss, entry) {
				if (conf_rs_same(&ors->c, &rs->c))
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
			st->rs[j].weight = lvs_weight_carry(st->rs[j].weight,
			    ors->c.weight, rs->c.weight);
		}
		j++;
	}
}

struct lvs_vs_st *
lvs_vst_build(const struct had_conf *new, const struct had_conf *old,
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
		    lvs_idx_init(&x, onv) == -1)
			goto nomem;
		TAILQ_FOREACH(ovs, &old->vss, entry) {
			if (on == onv)
				break;
			ovv[on] = ovs;
			lvs_idx_add(&x, conf_vs_hash(&ovs->c), on);
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
		for (k = x.slot == NULL ? 0 : conf_vs_hash(&vs->c) & x.mask;
		    x.slot != NULL && x.slot[k] != 0; k = (k + 1) & x.mask)
			if (conf_vs_same(&ovv[x.slot[k] - 1]->c, &vs->c)) {
				vst_carry(vs, &v[i], ovv[x.slot[k] - 1],
				    &ov[x.slot[k] - 1]);
				break;
			}
		i++;
	}
	lvs_idx_free(&x);
	free(ovv);
	*np = n;
	return (v);
 nomem:
	lvs_idx_free(&x);
	free(ovv);
	lvs_vst_free(v, n);
	return (NULL);
}

/* For lvs_announce.c. */
void
lvs_vs_state(const struct had_conf **conf, const struct lvs_vs_st **st,
    size_t *n)
{
	*conf = lvs.cur;
	*st = lvs.vst;
	*n = lvs.nvst;
}

/*
 * Health from checkd for real server r (config rs) of virtual server
 * vs (its state st), dn its name: logged, told to had when it changes
 * whether the server counts as up, and quorum updated.  0: the same
 * health and weight as before, nothing done.
 */
int
lvs_health_set(const struct conf_vs *vs, const struct rs_conf *rs,
    struct lvs_vs_st *st, struct lvs_rs_st *r, const struct msg_rs_state *m,
    const char *dn)
{
	char		 vn[CONF_VSNAMELEN];
	uint8_t		 h, was;

	h = m->up ? LVS_HEALTH_UP : LVS_HEALTH_DOWN;
	if (r->health == h && r->weight == m->weight)
		return (0);
	conf_vs_name(&vs->c, vn, sizeof(vn));
	if (r->health != h)
		log_info("%s: real server %s is %s%s%s%s", vn, dn,
		    m->up ? "up" : "down", m->reason[0] ? " (" : "",
		    m->reason, m->reason[0] ? ")" : "");
	/* Before checkd's first word: what is assumed (keepalived's alpha). */
	was = lvs_rs_is_up(&vs->c, r) ? LVS_HEALTH_UP : LVS_HEALTH_DOWN;
	r->health = h;
	r->weight = m->weight;
	if (was != h)
		lvs_notify(&vs->c, rs, h == LVS_HEALTH_UP ?
		    LVS_NOTIFY_RS_UP : LVS_NOTIFY_RS_DOWN);
	vs_quorum_update(vs, st);
	return (1);
}
