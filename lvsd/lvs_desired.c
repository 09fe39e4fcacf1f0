/*
 * The desired IPVS table: what the kernel should hold for a config, the
 * health of its real servers and the real servers hactl holds drained.
 * Pure: health and quorum are read, never changed (lvs_quorum.c owns
 * them); nothing is logged or sent, so that hactl show lvs, the
 * reconcile and announce can build it as often as they like.
 *
 * While quorum is lost and a sorry_server is configured, the sorry
 * server alone takes the traffic (the real servers leave the table, or
 * stay with weight 0 with inhibit_on_failure); with no sorry server the
 * real servers that are up stay.  sorry_server_inhibit keeps the sorry
 * server in the table with weight 0 when it is not used.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/ip_vs.h>

#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "conf_misc.h"
#include "lvs_weight.h"
#include "lvsd.h"
#include "lvs_ipvs.h"

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

/* Held at weight 0 by hactl drain (lvs_hold()). */
int
lvs_rs_held(const struct vs_conf *vs, const struct rs_conf *rs)
{
	size_t	 i;

	for (i = 0; i < lvs.nheld; i++)
		if (conf_drain_match(&lvs.held[i], vs, rs))
			return (1);
	return (0);
}

/* Health; before checkd's first word, keepalived's alpha decides. */
int
lvs_rs_is_up(const struct vs_conf *vs, const struct lvs_rs_st *r)
{
	if (r == NULL || r->health == LVS_HEALTH_UNKNOWN)
		return (!vs->alpha);
	return (r->health == LVS_HEALTH_UP);
}

/*
 * A real server's weight in the kernel from its config and state, by
 * the one rule (common/lvs_weight.c).  LVS_RS_OUT: not in the kernel.
 */
int32_t
lvs_rs_weight(const struct vs_conf *vs, const struct rs_conf *rs,
    const struct lvs_rs_st *r, int held, int sorry_active)
{
	struct lvs_weight_in	 in;

	memset(&in, 0, sizeof(in));
	in.conf = rs->weight;
	in.reported = r != NULL ? r->weight : LVS_WEIGHT_CONF;
	in.up = lvs_rs_is_up(vs, r);
	in.held = held != 0;
	in.inhibit = rs->inhibit_on_failure || vs->inhibit_on_failure;
	in.sorry_active = sorry_active != 0;
	return (lvs_weight(&in));
}

/* The weight of the real servers that are up, which quorum weighs. */
uint64_t
lvs_vs_up_weight(const struct conf_vs *vs, const struct lvs_vs_st *st,
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
		if (lvs_rs_is_up(&vs->c, r))
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
		return (lvs_vs_up_weight(vs, st, NULL) < q);
	return (!st->quorum_up);
}

/* The real servers one virtual server asks for. */
static int
vs_dests(const struct conf_vs *vs, const struct lvs_vs_st *st,
    struct lvs_svc *proto, size_t *ndup)
{
	const struct conf_rs	*rs;
	const struct lvs_rs_st	*r;
	struct lvs_dest		 d;
	struct keyidx		 dx;
	size_t			 j, nrs;
	int			 sorry_active;
	int32_t			 w;

	sorry_active = vs_sorry_active(vs, st);
	(void)lvs_vs_up_weight(vs, st, &nrs);

	/* The duplicate check below: an index past a few servers. */
	dx.slot = NULL;
	if (nrs >= LVS_IDX_MIN)
		(void)lvs_idx_init(&dx, nrs + 1);
	j = 0;
	TAILQ_FOREACH(rs, &vs->rss, entry) {
		r = st != NULL && j < st->nrs ? &st->rs[j] : NULL;
		j++;
		w = lvs_rs_weight(&vs->c, &rs->c, r,
		    lvs_rs_held(&vs->c, &rs->c), sorry_active);
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
		if (lvs_idx_find_dest(&dx, proto, &d) != NULL) {
			(*ndup)++;	/* the caller may log it */
			continue;
		}
		if (lvs_svc_add_dest(proto, &d) == NULL) {
			lvs_idx_free(&dx);
			return (-1);
		}
		if (dx.slot != NULL)
			lvs_idx_add(&dx, lvs_dest_hash(&d), proto->ndests - 1);
	}
	lvs_idx_free(&dx);
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

	if (t->nsvcs < 2)
		return (0);
	if (lvs_idx_init(&x, t->nsvcs) == -1)
		return (-1);
	for (i = 0; i < t->nsvcs; i++) {
		s = &t->svcs[i];
		/* The index holds the services kept, moved to the front. */
		if (lvs_idx_find_svc(&x, t, s) != NULL) {
			t->dup_svcs++;
			free(s->dests);
			continue;
		}
		if (n != i)
			t->svcs[n] = *s;
		lvs_idx_add(&x, lvs_svc_hash(&t->svcs[n]), n);
		n++;
	}
	t->nsvcs = n;
	lvs_idx_free(&x);
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
		r = vs_dests(vs, st != NULL ? &st[i] : NULL, &proto,
		    &t->dup_dests);
		if (r == 0)
			r = vs_services(conf, vs, i, &proto, t);
		free(proto.dests);
		if (r == -1)
			return (-1);
		i++;
	}
	return (svcs_dedup(t));
}
