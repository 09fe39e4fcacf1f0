/*
 * vrrpd: VRRP instances from the configuration, driven by libevent
 * timers and received adverts through the pure state machine of
 * vrrp_state.c; tracking (scripts from checkd, links from lvsd), sync
 * groups, and the messages to had (notify, state reports) and lvsd
 * (VIPs).
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/tree.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event.h>

#include "child.h"
#include "conf.h"
#include "conf_diff.h"
#include "imsg.h"
#include "log.h"
#include "proc.h"
#include "vrrpd.h"

#define RETRY_USEC	1000000ULL	/* missing interfaces, sources */

struct link_state {
	TAILQ_ENTRY(link_state)	 entry;
	char			 ifname[IF_NAMESIZE];
	int			 exists;
	int			 up;
};
TAILQ_HEAD(link_list, link_state);

/*
 * The configured vrrp_scripts by name, with what checkd last said of
 * each: only these names are taken from checkd, in O(log n).
 */
struct script_state {
	RB_ENTRY(script_state)	 entry;
	char			 name[HAD_NAMELEN];
	int			 up;		/* -1: not heard of yet */
	int64_t			 value;		/* track_file */
	const struct vrrp_script_conf *sc;
};
RB_HEAD(script_tree, script_state);

#define TRACK_UNKNOWN_LOG_S	10	/* unknown names: one line per */

static struct vrrpd_env	 vrrpd_env;
struct vrrpd_env	*venv = &vrrpd_env;

static struct link_list		links = TAILQ_HEAD_INITIALIZER(links);
static struct script_tree	scripts = RB_INITIALIZER(&scripts);

static int
script_cmp(const struct script_state *a, const struct script_state *b)
{
	return (strcmp(a->name, b->name));
}
#ifndef __unused
#define __unused	__attribute__((__unused__))	/* for sys/tree.h */
#endif
RB_GENERATE_STATIC(script_tree, script_state, entry, script_cmp)

static struct script_state *
script_find(const char *name)
{
	struct script_state	 key;

	if (strlcpy(key.name, name, sizeof(key.name)) >= sizeof(key.name))
		return (NULL);
	return (RB_FIND(script_tree, &scripts, &key));
}

static void	inst_apply(struct vrrp_inst *, struct vrrp_actions *);
static void	inst_timer(int, short, void *);
static void	inst_track_eval(struct vrrp_inst *);
static void	groups_eval(void);
static void	retry_arm(void);
static void	track_all(void);
static int	witness_refuse(struct vrrp_inst *, uint64_t);

uint64_t
vrrpd_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000000ULL + ts.tv_nsec / 1000);
}

static int
addr_from_conf(struct vrrp_addr *a, const struct conf_addr *c)
{
	memset(a, 0, sizeof(*a));
	if (c->af != AF_INET && c->af != AF_INET6)
		return (-1);
	a->af = c->af;
	memcpy(a->in.bytes, c->u.raw, vrrp_addr_len(c->af));
	return (0);
}

/* RFC 5798: a VRID names one router per family on a link. */
struct vrrp_inst *
vrrpd_find_vrid(struct vrrp_if *vif, uint8_t vrid, sa_family_t af)
{
	struct vrrp_inst	*inst;

	TAILQ_FOREACH(inst, &venv->insts, entry)
		if ((inst->vif == vif || inst->vmac_vif == vif) &&
		    inst->sm.cfg.version != 0 && inst->ci->c.vrid == vrid &&
		    inst->af == af)
			return (inst);
	/* A unicast_path's link: after the instances it is the main one of. */
	TAILQ_FOREACH(inst, &venv->insts, entry)
		if (inst->pvif == vif && inst->sm.cfg.version != 0 &&
		    inst->ci->c.vrid == vrid && inst->af == af)
			return (inst);
	return (NULL);
}

static struct vrrp_inst *
inst_find(const char *name)
{
	struct vrrp_inst	*inst;

	TAILQ_FOREACH(inst, &venv->insts, entry)
		if (strcmp(inst->name, name) == 0)
			return (inst);
	return (NULL);
}

/* Rebuild the advert's address list and the receive checks. */
static void
inst_load_addrs(struct vrrp_inst *inst)
{
	const struct vrrp_instance_conf	*c = &inst->ci->c;
	struct conf_vip			*v;
	struct conf_peer		*p;
	size_t				 n;
	unsigned int			 secs;

	free(inst->vips);
	free(inst->peers);
	inst->vips = inst->peers = NULL;
	inst->nvip = inst->npeer = 0;
	n = 0;
	TAILQ_FOREACH(v, &inst->ci->vips, entry)
		n++;
	if (n > VRRP_MAX_ADDRS)
		n = VRRP_MAX_ADDRS;
	if (n > 0 && (inst->vips = calloc(n, sizeof(*inst->vips))) == NULL)
		fatal("calloc");
	TAILQ_FOREACH(v, &inst->ci->vips, entry) {
		/* Excluded and other-family VIPs are not advertised. */
		if (v->c.excluded || v->c.addr.af != inst->af ||
		    inst->nvip >= n)
			continue;
		addr_from_conf(&inst->vips[inst->nvip++], &v->c.addr);
	}
	n = 0;
	TAILQ_FOREACH(p, &inst->ci->peers, entry)
		n++;
	if (n > 0 && (inst->peers = calloc(n, sizeof(*inst->peers))) == NULL)
		fatal("calloc");
	TAILQ_FOREACH(p, &inst->ci->peers, entry)
		if (addr_from_conf(&inst->peers[inst->npeer], &p->c.addr) == 0)
			inst->npeer++;

	memset(&inst->rxc, 0, sizeof(inst->rxc));
	inst->rxc.version = inst->sm.cfg.version;
	inst->rxc.priority = (uint8_t)c->priority;
	if (inst->rxc.version == VRRP_VERSION_2) {
		secs = c->advert_int_cs / 100;
		inst->rxc.adver_int = secs < 1 ? 1 : secs > 255 ? 255 : secs;
		if (c->auth_type == CONF_AUTH_PASS) {
			inst->rxc.auth_type = VRRP_AUTH_PASS;
			memcpy(inst->rxc.auth_data, c->auth_pass,
			    strnlen(c->auth_pass, VRRP_AUTH_LEN));
		}
	} else
		inst->rxc.adver_int = (uint16_t)c->advert_int_cs;
	/* v3 too (had's extension); the key: auth_pass padded to 8 bytes. */
	if (c->auth_type == CONF_AUTH_AH) {
		inst->rxc.auth_type = VRRP_AUTH_AH;
		memcpy(inst->rxc.auth_data, c->auth_pass,
		    strnlen(c->auth_pass, VRRP_AUTH_LEN));
	}
	inst->rxc.vips = inst->vips;
	inst->rxc.nvip = inst->nvip;
	inst->rxc.skip_check = venv->global.vrrp_skip_check_adv_addr;
}

static void
inst_sm_config(struct vrrp_inst *inst, struct vrrp_sm_config *sc)
{
	const struct vrrp_instance_conf	*c = &inst->ci->c;

	memset(sc, 0, sizeof(*sc));
	sc->version = (uint8_t)c->version;
	if (inst->af == AF_INET6 && sc->version == VRRP_VERSION_2) {
		log_warnx("%s vrid %u: VRRPv2 has no IPv6, using VRRPv3",
		    c->name, c->vrid);
		sc->version = VRRP_VERSION_3;
	}
	sc->priority = (uint8_t)c->priority;
	sc->adver_int = (uint16_t)c->advert_int_cs;
	if (sc->version == VRRP_VERSION_2)
		sc->adver_int = (uint16_t)((c->advert_int_cs < 100 ? 100 :
		    c->advert_int_cs) / 100 * 100);
	sc->preempt = !c->nopreempt;
	sc->preempt_delay = (uint64_t)c->preempt_delay * 1000000ULL;
	sc->init_master = c->state == CONF_STATE_MASTER;
	sc->primary = inst->src;
}

/* keepalived's default VMAC name, as lvsd computes it. */
static void
vmac_name(const struct vrrp_instance_conf *c, char *buf, size_t len)
{
	if (c->vmac_name[0] != '\0')
		strlcpy(buf, c->vmac_name, len);
	else
		snprintf(buf, len, "vrrp.%u", c->vrid);
}

/* Ask lvsd to create (IMSG_VMAC_UP) or remove (IMSG_VMAC_DOWN) the VMAC. */
static void
vmac_send(struct vrrp_inst *inst, uint32_t type)
{
	struct msg_vmac	m;

	if (inst->vmac[0] == '\0')
		return;
	memset(&m, 0, sizeof(m));
	strlcpy(m.instance, inst->name, sizeof(m.instance));
	strlcpy(m.ifname, inst->vmac, sizeof(m.ifname));
	strlcpy(m.parent, inst->ci->c.interface, sizeof(m.parent));
	m.vrid = (uint8_t)inst->ci->c.vrid;
	m.af = inst->af;
	if (type == IMSG_VMAC_DOWN)
		vrrp_net_vmac_close(inst);
	if (child_send_peer(PROC_LVS, type, &m, sizeof(m)) == -1) {
		/* vrrpd_peer_up() asks again when lvsd is there. */
		log_debug("%s vrid %u: cannot ask lvsd for VMAC %s: %s",
		    inst->name, inst->ci->c.vrid, inst->vmac,
		    strerror(errno));
		if (type == IMSG_VMAC_DOWN)
			inst->vmac_state = VMAC_NONE;
		return;
	}
	log_debug("%s vrid %u: asked lvsd to %s VMAC %s on %s", inst->name,
	    inst->ci->c.vrid, type == IMSG_VMAC_UP ? "create" : "remove",
	    inst->vmac, inst->ci->c.interface);
	inst->vmac_state = type == IMSG_VMAC_UP ? VMAC_ASKED : VMAC_NONE;
}

/* Where a VIP goes: its dev, else the VMAC, else the interface. */
const char *
vrrp_vip_ifname(const struct vrrp_inst *inst, const struct conf_vip *v)
{
	if (v->c.dev[0] != '\0')
		return (v->c.dev);
	if (inst->vmac[0] != '\0')
		return (inst->vmac);
	return (inst->ci->c.interface);
}

/* flap_*: new values apply, the tolerance earned so far stays. */
static void
inst_damp_conf(struct vrrp_inst *inst)
{
	const struct vrrp_instance_conf	*c = &inst->ci->c;

	inst->damp.penalty = c->flap_penalty;
	inst->damp.max = c->flap_max;
	inst->damp.window = (uint64_t)c->flap_window * 1000000ULL;
	inst->damp.decay = (uint64_t)c->flap_decay * 1000000ULL;
	if (inst->damp.decay == 0)
		inst->damp.decay = 1;
	if (inst->damp.extra > inst->damp.max)
		inst->damp.extra = inst->damp.max;
}

static struct vrrp_inst *
inst_new(struct conf_instance *ci)
{
	struct vrrp_inst	*inst;
	struct vrrp_sm_config	 sc;

	if ((inst = calloc(1, sizeof(*inst))) == NULL)
		fatal("calloc");
	inst->ci = ci;
	strlcpy(inst->name, ci->c.name, sizeof(inst->name));
	inst->af = conf_instance_af(ci);
	if (ci->c.use_vmac)
		vmac_name(&ci->c, inst->vmac, sizeof(inst->vmac));
	if ((inst->timer = evtimer_new(venv->base, inst_timer, inst)) == NULL)
		fatalx("evtimer_new");
	inst_sm_config(inst, &sc);
	vrrp_sm_init(&inst->sm, &sc);
	vrrp_damp_init(&inst->damp, 0, 1, 0, 1);
	inst_damp_conf(inst);
	inst_load_addrs(inst);
	strlcpy(inst->last_reason, "configured", sizeof(inst->last_reason));
	TAILQ_INSERT_TAIL(&venv->insts, inst, entry);
	return (inst);
}

/* Open the socket and find the source address; fault reason if not. */
static int
inst_attach(struct vrrp_inst *inst)
{
	char	err[HAD_REASONLEN];

	if (inst->vif == NULL) {
		inst->vif = vrrp_net_get(inst->ci->c.interface, inst->af, err,
		    sizeof(err));
		if (inst->vif == NULL) {
			strlcpy(inst->own_reason, err,
			    sizeof(inst->own_reason));
			return (-1);
		}
		inst->ifindex = inst->vif->ifindex;
	}
	if (inst->rxc.auth_type == VRRP_AUTH_AH &&
	    vrrp_net_ah_open(inst->vif, err, sizeof(err)) == -1) {
		snprintf(inst->own_reason, sizeof(inst->own_reason),
		    "auth_type AH: %s", err);
		return (-1);
	}
	if (!inst->src_ok) {
		if (vrrp_net_source(inst) == -1) {
			snprintf(inst->own_reason, sizeof(inst->own_reason),
			    "interface %s has no usable %s address",
			    inst->ci->c.interface,
			    inst->af == AF_INET6 ? "link-local IPv6" : "IPv4");
			return (-1);
		}
		inst->src_ok = 1;
		inst->sm.cfg.primary = inst->src;
	}
	(void)vrrp_net_path_open(inst);
	return (0);
}

/*
 * What a respawned vrrpd resumes: had sends it before the configuration,
 * it is taken when the instance starts.  Master state, and the AH
 * sequence counter of any state.
 */
#define RESUME_MAX	4096
static struct msg_vrrp_state	*resumes;
static size_t			 nresumes;

static void
resume_keep(const struct msg_vrrp_state *s)
{
	if (s->state != VRRP_STATE_MASTER && s->ah_seq == 0)
		return;
	if (nresumes >= RESUME_MAX) {
		log_warnx("%s: too many instances to resume", s->instance);
		return;
	}
	if (resumes == NULL &&
	    (resumes = calloc(RESUME_MAX, sizeof(*resumes))) == NULL)
		fatal("resume table");
	resumes[nresumes++] = *s;
}

/* Above every AH sequence number the predecessor used. */
static void
resume_ah_seq(struct vrrp_inst *inst, uint32_t seq)
{
	if (seq > inst->ah_seq) {
		inst->ah_seq = seq;
		inst->ah_mark = seq;
	}
}

/* Returns 1 if the instance resumes as Master. */
static int
resume_take(struct vrrp_inst *inst)
{
	size_t	 i;
	int	 master;

	for (i = 0; i < nresumes; i++)
		if (strcmp(resumes[i].instance, inst->name) == 0) {
			resume_ah_seq(inst, resumes[i].ah_seq);
			master = resumes[i].state == VRRP_STATE_MASTER;
			resumes[i].instance[0] = '\0';
			return (master);
		}
	return (0);
}

/* After the first configuration nothing is left to resume. */
static void
resume_done(void)
{
	free(resumes);
	resumes = NULL;
	nresumes = 0;
}

/*
 * hactl maintenance: the instances had says are in it, kept whatever the
 * config does, so that an instance (re)created by a reload stays in it.
 */
#define MAINT_MAX	4096
static struct msg_vrrp_maint	*maints;
static size_t			 nmaints;

static const struct msg_vrrp_maint *
maint_find(const char *name)
{
	size_t	 i;

	for (i = 0; i < nmaints; i++)
		if (strcmp(maints[i].instance, name) == 0)
			return (&maints[i]);
	return (NULL);
}

static void
maint_apply(struct vrrp_inst *inst, int on)
{
	struct vrrp_actions	act;

	vrrp_sm_set_maint(&inst->sm, vrrpd_now(), on, &act);
	if (act.flags & VRRP_ACT_SEND_PRIO0) {
		vrrp_arp_stop(inst);
		log_info("%s vrid %u: maintenance: priority 0 sent; VIPs held "
		    "until a new master is heard", inst->name,
		    inst->ci->c.vrid);
	}
	inst_apply(inst, &act);
}

static int
maint_set(struct imsg *imsg)
{
	struct msg_vrrp_maint	 m;
	struct vrrp_inst	*inst;
	size_t			 i;

	memcpy(&m, imsg->data, sizeof(m));
	for (i = 0; i < nmaints; i++)
		if (strcmp(maints[i].instance, m.instance) == 0)
			break;
	if (m.on && i == nmaints) {
		if (nmaints >= MAINT_MAX) {
			log_warnx("%s: too many instances in maintenance",
			    m.instance);
			return (0);
		}
		if (maints == NULL &&
		    (maints = calloc(MAINT_MAX, sizeof(*maints))) == NULL)
			fatal("maintenance table");
		nmaints++;
	} else if (!m.on && i < nmaints) {
		maints[i] = maints[--nmaints];
	} else if (!m.on)
		return (0);
	if (m.on)
		maints[i] = m;
	log_info("%s: maintenance %s (uid %u)", m.instance,
	    m.on ? "on" : "off", (unsigned)m.uid);
	if ((inst = inst_find(m.instance)) != NULL)
		maint_apply(inst, m.on);
	return (0);
}

static void
inst_start(struct vrrp_inst *inst)
{
	struct vrrp_actions	act;
	uint64_t		now = vrrpd_now();

	/* The VMAC first: lvsd handles our requests in order. */
	if (inst->vmac[0] != '\0' && inst->vmac_state == VMAC_NONE)
		vmac_send(inst, IMSG_VMAC_UP);
	(void)inst_attach(inst);
	inst_track_eval(inst);
	if (inst->own_fault)
		vrrp_sm_set_fault(&inst->sm, now, 1, inst->own_reason, &act);
	/* Out of Initialize: nothing to hand over, only the flag. */
	if (maint_find(inst->name) != NULL)
		vrrp_sm_set_maint(&inst->sm, now, 1, &act);
	if (resume_take(inst)) {
		vrrp_sm_resume_master(&inst->sm, now,
		    "resumed as MASTER after a restart", &act);
		if (act.transition) {
			inst_apply(inst, &act);
			return;
		}
	}
	vrrp_sm_startup(&inst->sm, now, &act);
	if (act.transition && act.new_state == VRRP_STATE_FAULT)
		snprintf(act.reason, sizeof(act.reason), "startup: %s",
		    inst->own_reason);
	inst_apply(inst, &act);
}

static void
vip_msg(struct vrrp_inst *inst, const struct conf_vip *v, struct msg_vip *m)
{
	memset(m, 0, sizeof(*m));
	strlcpy(m->instance, inst->name, sizeof(m->instance));
	strlcpy(m->ifname, vrrp_vip_ifname(inst, v), sizeof(m->ifname));
	strlcpy(m->label, v->c.label, sizeof(m->label));
	m->af = v->c.addr.af;
	m->prefix = v->c.addr.prefix;
	m->scope = v->c.scope;
	m->vrid = (uint8_t)inst->ci->c.vrid;
	memcpy(m->addr, v->c.addr.u.raw, sizeof(m->addr));
}

static void
vip_send(struct vrrp_inst *inst, const struct conf_vip *v, uint32_t type)
{
	struct msg_vip	 m;
	char		 ip[INET6_ADDRSTRLEN];

	vip_msg(inst, v, &m);
	conf_addr_str(&v->c.addr, ip, sizeof(ip));
	if (child_send_peer(PROC_LVS, type, &m, sizeof(m)) == -1)
		log_warnx("%s vrid %u: cannot ask lvsd to %s %s: %s",
		    inst->name, inst->ci->c.vrid,
		    type == IMSG_VIP_ADD ? "add" : "remove", ip,
		    strerror(errno));
	else
		log_debug("%s vrid %u: asked lvsd to %s %s", inst->name,
		    inst->ci->c.vrid, type == IMSG_VIP_ADD ? "add" : "remove",
		    ip);
}

/* The instance's virtual_routes and virtual_rules follow its VIPs. */
static void
vroutes_send(struct vrrp_inst *inst, int up)
{
	struct msg_vroutes	 m;

	/* Always: a reload may give the instance routes later. */
	memset(&m, 0, sizeof(m));
	strlcpy(m.instance, inst->name, sizeof(m.instance));
	m.up = up;
	if (child_send_peer(PROC_LVS, IMSG_VROUTES, &m, sizeof(m)) == -1)
		log_warnx("%s vrid %u: cannot ask lvsd for its routes: %s",
		    inst->name, inst->ci->c.vrid, strerror(errno));
}

static void
vips_all(struct vrrp_inst *inst, uint32_t type)
{
	struct conf_vip	*v;

	if (type != IMSG_VIP_ADD)
		vroutes_send(inst, 0);
	TAILQ_FOREACH(v, &inst->ci->vips, entry)
		vip_send(inst, v, type);
	if (type == IMSG_VIP_ADD)
		vroutes_send(inst, 1);
	inst->vips_held = type == IMSG_VIP_ADD;
}

static uint32_t
notify_state(enum vrrp_state s)
{
	switch (s) {
	case VRRP_STATE_BACKUP:
		return (1);
	case VRRP_STATE_MASTER:
		return (2);
	case VRRP_STATE_FAULT:
		return (3);
	default:
		return (4);
	}
}

static void
report_state(struct vrrp_inst *inst, int notify)
{
	struct msg_notify	n;
	struct msg_vrrp_state	s;

	if (notify) {
		memset(&n, 0, sizeof(n));
		strlcpy(n.instance, inst->name, sizeof(n.instance));
		strlcpy(n.group, inst->group, sizeof(n.group));
		n.state = notify_state(inst->sm.state);
		n.priority = vrrp_sm_eff_prio(&inst->sm);
		strlcpy(n.reason, inst->sm.last_reason, sizeof(n.reason));
		child_send_parent(IMSG_NOTIFY, 0, -1, &n, sizeof(n));
	}
	memset(&s, 0, sizeof(s));
	strlcpy(s.instance, inst->name, sizeof(s.instance));
	s.state = inst->sm.state;
	s.priority = vrrp_sm_eff_prio(&inst->sm);
	s.ah_seq = inst->ah_mark;
	child_send_parent(IMSG_STATE_REPORT, 0, -1, &s, sizeof(s));
}

/*
 * The AH sequence counter moved (sent or received).  had hears of it in
 * steps of AH_SEQ_STEP, a mark no number used is above, so that a
 * respawned vrrpd goes on above what its predecessor sent without a
 * message per advert.
 */
#define AH_SEQ_STEP	1024

void
vrrpd_ah_seq(struct vrrp_inst *inst, uint32_t seq)
{
	inst->ah_seq = seq;
	if (seq < inst->ah_mark)
		return;
	inst->ah_mark = seq > UINT32_MAX - AH_SEQ_STEP ? UINT32_MAX :
	    seq + AH_SEQ_STEP;
	report_state(inst, 0);
}

static void
inst_arm(struct vrrp_inst *inst, uint64_t at)
{
	struct timeval	tv;
	uint64_t	now, d;

	inst->timer_at = at;
	if (at == VRRP_TIME_NONE) {
		evtimer_del(inst->timer);
		return;
	}
	now = vrrpd_now();
	d = at > now ? at - now : 0;
	tv.tv_sec = d / 1000000;
	tv.tv_usec = d % 1000000;
	evtimer_add(inst->timer, &tv);
}

/* Sync group: a member that fell back to Backup takes the others along. */
static void
group_follow_backup(struct vrrp_inst *from)
{
	struct vrrp_inst	*inst;
	struct vrrp_actions	 act;
	char			 why[VRRP_SM_REASONLEN];

	if (from->group[0] == '\0')
		return;
	snprintf(why, sizeof(why), "sync group %s: %s went BACKUP",
	    from->group, from->name);
	TAILQ_FOREACH(inst, &venv->insts, entry) {
		/* One in maintenance hands over by itself. */
		if (inst == from || strcmp(inst->group, from->group) != 0 ||
		    inst->sm.state != VRRP_STATE_MASTER || inst->sm.maint)
			continue;
		vrrp_sm_force_backup(&inst->sm, vrrpd_now(), why, &act);
		inst_apply(inst, &act);
	}
}

/*
 * Carry out what the state machine asked for, in its order (RFC 5798
 * 6.4: the priority-0 advert before the addresses go; the addresses,
 * gratuitous ARP and NA when becoming Master; then the advert), and
 * re-arm the one timer the machine wants.
 */
static void
inst_apply(struct vrrp_inst *inst, struct vrrp_actions *act)
{
	struct timespec	ts;

	if (act->flags & VRRP_ACT_SEND_PRIO0)
		vrrp_net_send(inst, VRRP_PRIO_STOP);
	if (act->flags & VRRP_ACT_LEAVE_MASTER) {
		vrrp_arp_stop(inst);
		vips_all(inst, IMSG_VIP_DEL);
	}
	if (act->flags & VRRP_ACT_BECOME_MASTER) {
		vips_all(inst, IMSG_VIP_ADD);
		vrrp_arp_start(inst);
	}
	if (act->flags & VRRP_ACT_SEND_ADVERT)
		vrrp_net_send(inst, act->priority);
	if (act->transition) {
		clock_gettime(CLOCK_REALTIME, &ts);
		inst->last_transition = ts.tv_sec;
		strlcpy(inst->last_reason, act->reason,
		    sizeof(inst->last_reason));
		log_info("%s vrid %u: %s -> %s: %s", inst->name,
		    inst->ci->c.vrid, vrrp_state_name(act->old_state),
		    vrrp_state_name(act->new_state), act->reason);
		/* A resume goes on where the predecessor notified. */
		report_state(inst, !act->resumed);
	}
	inst_arm(inst, act->timer_at);
	if (act->transition && act->old_state == VRRP_STATE_MASTER &&
	    act->new_state == VRRP_STATE_BACKUP)
		group_follow_backup(inst);
}

/*
 * Make before break on had's order to stop: a Master sends priority 0
 * and keeps its VIPs (and lvsd its IPVS forwarding) until it hears the
 * new Master's advert, or Master_Down_Interval passes (at most
 * HAD_HANDOVER_MAX_MS); only then does vrrpd_shutdown() let them go.
 * Clients never find the address on neither box.
 */
static int	 handing_over;

int
vrrpd_stop(void)
{
	struct vrrp_inst	*inst;
	uint64_t		 now = vrrpd_now(), wait;

	TAILQ_FOREACH(inst, &venv->insts, entry) {
		if (inst->sm.state != VRRP_STATE_MASTER)
			continue;
		vrrp_arp_stop(inst);
		vrrp_net_send(inst, VRRP_PRIO_STOP);
		inst->sm.stats.adverts_sent++;
		inst->sm.stats.prio0_sent++;
		wait = vrrp_sm_master_down_interval(&inst->sm);
		if (wait > HAD_HANDOVER_MAX_MS * 1000ULL)
			wait = HAD_HANDOVER_MAX_MS * 1000ULL;
		inst->handover = 1;
		inst_arm(inst, now + wait);
		handing_over++;
		log_info("%s vrid %u: priority 0 sent; VIPs held until a new "
		    "master is heard, %llu ms at most", inst->name,
		    inst->ci->c.vrid, (unsigned long long)wait / 1000);
	}
	return (handing_over > 0);
}

/*
 * Still Master in the state machine until vrrpd_shutdown(), and other
 * instances may still be handing over: the heir's adverts (lower
 * priority than ours) must not make us answer at our own priority and
 * take the VIP back from it (seen with FRR's vrrpd).
 */
static void
handover_done(struct vrrp_inst *inst, const char *why)
{
	inst->handover = 3;
	evtimer_del(inst->timer);
	log_info("%s vrid %u: %s; VIPs go", inst->name, inst->ci->c.vrid,
	    why);
	if (--handing_over == 0)
		child_stop_done();
}

/* Flap damping's tolerance, for the next Master_Down_Interval. */
static void
inst_tolerance(struct vrrp_inst *inst, uint64_t now)
{
	inst->sm.tolerance = vrrp_damp_tolerance(&inst->damp, now);
}

/*
 * takeover_check: Master_Down_Timer fired; ask the master over every
 * path first.  Returns 1 while the answer is awaited (the timer then
 * fires again at the deadline), 0 to go on with the takeover.
 */
static int
inst_check_first(struct vrrp_inst *inst, uint64_t now)
{
	const struct vrrp_instance_conf	*c = &inst->ci->c;

	if (inst->probing) {
		if (inst->sm.state == VRRP_STATE_BACKUP &&
		    now < inst->probe_until) {
			inst_arm(inst, inst->probe_until);
			return (1);
		}
		inst->probing = 0;
		if (inst->sm.state == VRRP_STATE_BACKUP)
			log_info("%s vrid %u: takeover_check: no answer in "
			    "%u ms, taking over", inst->name, c->vrid,
			    c->takeover_check_ms);
		return (0);
	}
	if (!c->takeover_check || !vrrp_sm_down_due(&inst->sm, now) ||
	    vrrp_net_probe(inst) == 0)
		return (0);
	inst->probing = 1;
	inst->probe_until = now + (uint64_t)c->takeover_check_ms * 1000;
	inst_arm(inst, inst->probe_until);
	return (1);
}

/* A genuine answer to our probe: the master lives, no takeover. */
void
vrrpd_probe_answer(struct vrrp_inst *inst)
{
	struct vrrp_actions	act;
	uint64_t		now = vrrpd_now();

	inst->probing = 0;
	inst->probes_answered++;
	log_info("%s vrid %u: takeover_check: the master answered, its "
	    "adverts are lost: staying BACKUP", inst->name, inst->ci->c.vrid);
	inst_tolerance(inst, now);
	vrrp_sm_hold(&inst->sm, now, &act);
	inst_apply(inst, &act);
}

static void
inst_timer(int fd, short ev, void *arg)
{
	struct vrrp_inst	*inst = arg;
	struct vrrp_actions	 act;
	uint64_t		 now = vrrpd_now();
	int			 quiet;

	if (inst->handover) {
		if (inst->handover != 3)
			handover_done(inst, inst->handover == 2 ?
			    "new master heard" : "no new master heard");
		return;
	}
	if (inst_check_first(inst, now))
		return;
	/*
	 * Only a master that went quiet makes its return a flap: not none
	 * heard (start-up), not one that said priority 0 (a restart), not
	 * one we preempt.
	 */
	quiet = vrrp_sm_down_due(&inst->sm, now);
	inst_tolerance(inst, now);
	if (witness_refuse(inst, now))
		return;
	vrrp_sm_timer(&inst->sm, now, &act);
	if (quiet && act.transition && act.old_state == VRRP_STATE_BACKUP &&
	    act.new_state == VRRP_STATE_MASTER)
		vrrp_damp_takeover(&inst->damp, now);
	inst_apply(inst, &act);
}

/*
 * A master that hears another master it does not yield to: two masters
 * (a split link, a misconfiguration).  Counted in the state machine;
 * had's event history gets the first of each run of them.
 */
#define DUAL_QUIET	(10 * 1000000ULL)

static void
inst_dual_master(struct vrrp_inst *inst, const struct vrrp_advert *adv)
{
	struct msg_ctl_event	 e;
	char			 ip[INET6_ADDRSTRLEN];
	uint64_t		 now;

	if (inst->sm.stats.dual_master == inst->dual_reported)
		return;
	inst->dual_reported = inst->sm.stats.dual_master;
	now = vrrpd_now();
	/* A new run: none for DUAL_QUIET, or the first ever. */
	if (inst->dual_last == 0 || now - inst->dual_last > DUAL_QUIET) {
		memset(&e, 0, sizeof(e));
		strlcpy(e.kind, "vrrp", sizeof(e.kind));
		strlcpy(e.object, inst->name, sizeof(e.object));
		snprintf(e.text, sizeof(e.text), "dual master: %s adverts "
		    "priority %u as master too (ours %u)",
		    vrrp_addr_ntop(&adv->src, ip, sizeof(ip)), adv->priority,
		    vrrp_sm_eff_prio(&inst->sm));
		log_warnx("%s vrid %u: %s", inst->name, inst->ci->c.vrid,
		    e.text);
		(void)child_send_parent(IMSG_CHECK_EVENT, 0, -1, &e,
		    sizeof(e));
	}
	inst->dual_last = now;
}

void
vrrpd_advert_in(struct vrrp_inst *inst, const struct vrrp_advert *adv)
{
	struct vrrp_actions	act;
	uint64_t		hold, now;

	if (inst->handover) {
		/*
		 * Our own adverts stopped: nothing takes the VIPs back.  The
		 * new Master's gratuitous ARPs follow its first advert: the
		 * VIPs stay half an advert interval more (500 ms at most),
		 * or a client that has not heard them yet finds the address
		 * on neither box and loses a SYN (measured in the VM).  Not
		 * a whole interval: the two boxes then hold the VIPs for
		 * less than one advert interval, as the RFC allows.
		 */
		if (adv->priority > 0 && inst->handover == 1) {
			hold = (uint64_t)inst->sm.cfg.adver_int * 5000;
			if (hold > 500000)
				hold = 500000;
			inst->handover = 2;
			inst_arm(inst, vrrpd_now() + hold);
		}
		return;
	}
	now = vrrpd_now();
	/* Whatever we asked, an advert says more. */
	inst->probing = 0;
	inst_tolerance(inst, now);
	vrrp_sm_advert(&inst->sm, now, adv, &act);
	if (act.transition && act.old_state == VRRP_STATE_MASTER &&
	    act.new_state == VRRP_STATE_BACKUP &&
	    vrrp_damp_back(&inst->damp, now))
		log_info("%s vrid %u: flap: the master we took over from "
		    "came back; takeover now after %u missed adverts",
		    inst->name, inst->ci->c.vrid,
		    vrrp_damp_tolerance(&inst->damp, now));
	inst_dual_master(inst, adv);
	inst_apply(inst, &act);
}

/* Stop an instance for good: priority 0 if Master, VIPs away. */
static void
inst_stop(struct vrrp_inst *inst, int notify)
{
	struct vrrp_actions	act;

	vrrp_sm_shutdown(&inst->sm, vrrpd_now(), &act);
	if (act.flags & VRRP_ACT_SEND_PRIO0)
		vrrp_net_send(inst, VRRP_PRIO_STOP);
	vrrp_arp_stop(inst);
	if ((act.flags & VRRP_ACT_LEAVE_MASTER) || inst->vips_held)
		vips_all(inst, IMSG_VIP_DEL);
	if (inst->vmac_state != VMAC_NONE)
		vmac_send(inst, IMSG_VMAC_DOWN);
	vrrp_net_vmac_close(inst);
	evtimer_del(inst->timer);
	if (act.transition) {
		log_info("%s vrid %u: %s -> %s: %s", inst->name,
		    inst->ci->c.vrid, vrrp_state_name(act.old_state),
		    vrrp_state_name(act.new_state), act.reason);
		report_state(inst, notify);
	}
}

static void
inst_free(struct vrrp_inst *inst)
{
	TAILQ_REMOVE(&venv->insts, inst, entry);
	if (inst->vif != NULL)
		vrrp_net_put(inst->vif);
	vrrp_net_path_close(inst);
	event_free(inst->timer);
	vrrp_net_vmac_close(inst);
	if (inst->garp_ev != NULL)
		event_free(inst->garp_ev);
	free(inst->vips);
	free(inst->peers);
	free(inst);
}

/* Tracking ----------------------------------------------------------- */

static struct link_state *
link_find(const char *ifname)
{
	struct link_state	*l;

	TAILQ_FOREACH(l, &links, entry)
		if (strcmp(l->ifname, ifname) == 0)
			return (l);
	return (NULL);
}

static int
link_down(const char *ifname)
{
	struct link_state	*l = link_find(ifname);

	return (l != NULL && (!l->exists || !l->up));
}

static const struct vrrp_script_conf *
script_conf(const char *name)
{
	struct script_state	*s = script_find(name);

	return (s != NULL ? s->sc : NULL);
}

static int
script_up(const struct vrrp_script_conf *sc)
{
	struct script_state	*s = script_find(sc->name);

	if (s == NULL || s->up == -1)
		return (!sc->init_fail);
	return (s->up);
}

/*
 * The tree follows the configuration: states of scripts kept, of removed
 * ones dropped.  Returns how many scripts are new, whose state checkd
 * must send again (it may have sent it before we knew the name).
 */
static int
scripts_reconf(struct had_conf *conf)
{
	struct script_tree	 fresh = RB_INITIALIZER(&fresh);
	struct script_state	*s, *next;
	struct conf_script	*cs;
	int			 added = 0;

	TAILQ_FOREACH(cs, &conf->scripts, entry) {
		if ((s = script_find(cs->c.name)) != NULL)
			RB_REMOVE(script_tree, &scripts, s);
		else {
			if ((s = calloc(1, sizeof(*s))) == NULL)
				fatal("calloc");
			strlcpy(s->name, cs->c.name, sizeof(s->name));
			s->up = -1;
			added++;
		}
		s->sc = &cs->c;
		if (RB_INSERT(script_tree, &fresh, s) != NULL)
			free(s);	/* the parser refuses duplicates */
	}
	RB_FOREACH_SAFE(s, script_tree, &scripts, next) {
		RB_REMOVE(script_tree, &scripts, s);
		free(s);
	}
	scripts = fresh;
	return (added);
}

/*
 * What tracking does to an instance, summed over its tracked objects
 * (vrrp_track_delta() and vrrp_track_file_delta() have the rules);
 * with a client, each object is also sent as a show vrrp row.
 */
struct track_sum {
	int			 fault;
	char			 reason[HAD_REASONLEN];
	int			 weight;
	const struct vrrp_inst	*inst;
	uint32_t		 client;	/* 0: no rows */
};

static void	track_one_row(struct track_sum *, const char *,
		    const char *, int, int64_t, int, int, int);

static void
track_one(struct track_sum *ts, const char *kind, const char *name,
    int state, int64_t value, int w)
{
	int				 fault, delta;

	if (strcmp(kind, "track_file") == 0)
		delta = vrrp_track_file_delta(value, w, &fault);
	else
		delta = vrrp_track_delta(state != 0, w, &fault);
	if (fault && !ts->fault) {
		ts->fault = 1;
		if (strcmp(kind, "track_file") == 0)
			snprintf(ts->reason, sizeof(ts->reason), "track_file "
			    "%s is %lld (weight %d)", name, (long long)value,
			    w);
		else
			snprintf(ts->reason, sizeof(ts->reason), "%s %s down",
			    strcmp(kind, "interface") == 0 ?
			    "tracked interface" : strcmp(kind,
			    "track_process") == 0 ? "tracked process" :
			    strcmp(kind, "bfd") == 0 ? "bfd" :
			    "track script", name);
	}
	ts->weight += delta;
	if (ts->client != 0)
		track_one_row(ts, kind, name, state, value, w, delta, fault);
}

/* One tracked object as a show vrrp row. */
static void
track_one_row(struct track_sum *ts, const char *kind, const char *name,
    int state, int64_t value, int w, int delta, int fault)
{
	struct msg_ctl_vrrp_track	 row;

	memset(&row, 0, sizeof(row));
	strlcpy(row.instance, ts->inst->name, sizeof(row.instance));
	strlcpy(row.kind, kind, sizeof(row.kind));
	strlcpy(row.name, name, sizeof(row.name));
	strlcpy(row.state, state == -1 ? "unknown" : state ? "up" : "down",
	    sizeof(row.state));
	if (strcmp(kind, "track_file") == 0)
		strlcpy(row.state, state == -1 ? "unknown" : "read",
		    sizeof(row.state));
	row.value = value;
	row.weight = w;
	row.delta = delta;
	row.fault = fault;
	child_ctl_send(IMSG_CTL_VRRP_TRACK, ts->client, &row, sizeof(row));
}

static void
track_scripts(const struct conf_track_script_list *l, struct track_sum *ts)
{
	struct conf_track_script	*t;
	const struct vrrp_script_conf	*sc;
	struct script_state		*s;
	int				 w, rev, file, state, up;

	TAILQ_FOREACH(t, l, entry) {
		if ((sc = script_conf(t->c.name)) == NULL ||
		    sc->process != t->c.process)
			continue;
		file = CONF_IS_TRACK_FILE(sc);
		if (file != t->c.file)
			continue;	/* the parser refuses it */
		w = t->c.has_weight ? t->c.weight : sc->weight;
		rev = t->c.has_weight ? t->c.reverse : sc->weight_reverse;
		if (rev)
			w = -w;
		s = script_find(sc->name);
		if (file) {
			/* Unknown until checkd says: 0, as unreadable. */
			state = s == NULL ? -1 : s->up;
			track_one(ts, "track_file", sc->name, state,
			    s != NULL && s->up != -1 ? s->value : 0, w);
		} else {
			up = script_up(sc);
			/* Unknown counts as !init_fail (script_up()). */
			state = s == NULL || s->up == -1 ? (up ? -1 : 0) :
			    s->up;
			/* keepalived: "weight 0 reverse" faults while up. */
			if (sc->process && rev && w == 0)
				state = !up;
			track_one(ts, sc->process ? "track_process" :
			    "vrrp_script", sc->name, state, 0, w);
		}
	}
}

static void	track_bfds(const struct conf_track_script_list *,
		    struct track_sum *);

/* What checkd last said of the instance's witness. */
static enum vrrp_witness
inst_witness(const struct vrrp_inst *inst, char *name, size_t len)
{
	struct vrrp_script_conf	 ws;
	struct script_state	*s;

	if (conf_witness_script(&inst->ci->c, &ws) == -1)
		return (VRRP_WITNESS_NONE);
	if (name != NULL)
		conf_addr_str(&inst->ci->c.witness, name, len);
	if ((s = script_find(ws.name)) == NULL || s->up == -1)
		return (VRRP_WITNESS_UNKNOWN);
	return (s->up ? VRRP_WITNESS_UP : VRRP_WITNESS_DOWN);
}

/*
 * The split-brain guard: Fault while vrrp_witness_next() says so for
 * the state the instance is in (a Fault of its own: witness_lost).
 */
static void
track_witness(const struct vrrp_inst *inst, struct track_sum *ts)
{
	enum vrrp_witness	 w;
	enum vrrp_state		 cur = inst->sm.state, next;
	char			 a[INET6_ADDRSTRLEN + 8];
	int			 fault;

	if ((w = inst_witness(inst, a, sizeof(a))) == VRRP_WITNESS_NONE)
		return;
	next = vrrp_witness_next(cur, inst->witness_lost, w);
	fault = next == VRRP_STATE_FAULT && (cur != VRRP_STATE_FAULT ||
	    inst->witness_lost);
	if (fault && !ts->fault) {
		ts->fault = 1;
		snprintf(ts->reason, sizeof(ts->reason), "witness %s %s%s", a,
		    vrrp_witness_names[w], cur == VRRP_STATE_MASTER ?
		    ": the master may be the side cut off" :
		    ", no master heard");
	}
	if (ts->client != 0)
		track_one_row(ts, "witness", a, w == VRRP_WITNESS_UNKNOWN ?
		    -1 : w == VRRP_WITNESS_UP, 0, 0, 0, fault);
}

/* Sums what tracking does to inst; client: each object as a row too. */
static void
inst_track_sum(struct vrrp_inst *inst, struct track_sum *ts,
    uint32_t client)
{
	struct conf_track_if	*t;
	struct conf_sync_group	*g;

	memset(ts, 0, sizeof(*ts));
	ts->inst = inst;
	ts->client = client;
	if (inst->vif == NULL || !inst->src_ok) {
		ts->fault = 1;
		strlcpy(ts->reason, inst->own_reason, sizeof(ts->reason));
	} else if (!inst->ci->c.dont_track_primary &&
	    link_down(inst->ci->c.interface)) {
		ts->fault = 1;
		snprintf(ts->reason, sizeof(ts->reason), "interface %s down",
		    inst->ci->c.interface);
	}
	TAILQ_FOREACH(t, &inst->ci->track_ifs, entry)
		track_one(ts, "interface", t->c.ifname,
		    !link_down(t->c.ifname), 0, t->c.weight);
	track_scripts(&inst->ci->track_scripts, ts);
	track_bfds(&inst->ci->track_bfds, ts);
	track_witness(inst, ts);
	if (inst->group[0] != '\0' && child->conf != NULL) {
		TAILQ_FOREACH(g, &child->conf->sync_groups, entry) {
			if (strcmp(g->c.name, inst->group) != 0)
				continue;
			track_scripts(&g->track_scripts, ts);
			track_bfds(&g->track_bfds, ts);
		}
	}
}

/*
 * BFD sessions (bfdd) by bfd_instance name: only names of the config
 * are kept, so what bfdd sends cannot grow the list.  A session not
 * heard of yet counts as down, as one that is not Up.
 */
struct bfd_track {
	TAILQ_ENTRY(bfd_track)	 entry;
	char			 name[HAD_NAMELEN];
	int			 up;
};
static TAILQ_HEAD(, bfd_track)	 bfd_tracks =
    TAILQ_HEAD_INITIALIZER(bfd_tracks);

static const struct bfd_instance_conf *
bfd_conf(const char *name)
{
	const struct conf_bfd	*b;

	if (child->conf == NULL)
		return (NULL);
	TAILQ_FOREACH(b, &child->conf->bfds, entry)
		if (strcmp(b->c.name, name) == 0)
			return (&b->c);
	return (NULL);
}

static struct bfd_track *
bfd_track_find(const char *name)
{
	struct bfd_track	*t;

	TAILQ_FOREACH(t, &bfd_tracks, entry)
		if (strcmp(t->name, name) == 0)
			return (t);
	return (NULL);
}

/* Drop the states of sessions the new config no longer has. */
static void
bfds_reconf(struct had_conf *conf)
{
	struct bfd_track	*t, *next;
	struct conf_bfd		*b;

	TAILQ_FOREACH_SAFE(t, &bfd_tracks, entry, next) {
		TAILQ_FOREACH(b, &conf->bfds, entry)
			if (strcmp(b->c.name, t->name) == 0)
				break;
		if (b != NULL)
			continue;
		TAILQ_REMOVE(&bfd_tracks, t, entry);
		free(t);
	}
}

/*
 * track_bfd: the weight of the line, else the bfd_instance's; "weight 0
 * reverse" faults the instance while the session is Up (keepalived).
 */
static void
track_bfds(const struct conf_track_script_list *l, struct track_sum *ts)
{
	struct conf_track_script	*t;
	const struct bfd_instance_conf	*bc;
	struct bfd_track		*bt;
	int				 w, rev, up;

	TAILQ_FOREACH(t, l, entry) {
		if ((bc = bfd_conf(t->c.name)) == NULL)
			continue;
		w = t->c.has_weight ? t->c.weight : bc->weight;
		rev = t->c.has_weight ? t->c.reverse : bc->weight_reverse;
		up = (bt = bfd_track_find(t->c.name)) != NULL && bt->up;
		if (rev && w == 0)
			up = !up;
		else if (rev)
			w = -w;
		track_one(ts, "bfd", t->c.name, up, 0, w);
	}
}

static int
bfd_state(struct imsg *imsg)
{
	struct msg_bfd_state	 m;
	struct bfd_track	*t;

	memcpy(&m, imsg->data, sizeof(m));
	if (bfd_conf(m.name) == NULL) {
		log_debug("bfdd: state of %s, which is no bfd_instance of "
		    "ours: ignored", m.name);
		return (0);
	}
	if ((t = bfd_track_find(m.name)) == NULL) {
		if ((t = calloc(1, sizeof(*t))) == NULL)
			fatal("bfd track");
		strlcpy(t->name, m.name, sizeof(t->name));
		TAILQ_INSERT_TAIL(&bfd_tracks, t, entry);
	}
	if (t->up == (m.up != 0))
		return (0);
	t->up = m.up != 0;
	log_info("bfd %s %s", m.name, t->up ? "up" : "down");
	track_all();
	return (0);
}

/*
 * witness_lost: the instance is in Fault for its witness and stays so
 * until the witness answers again.  A Master gets there here, a Backup
 * when it would take over (witness_refuse()).
 */
static void
witness_eval(struct vrrp_inst *inst)
{
	enum vrrp_witness	 w;
	char			 a[INET6_ADDRSTRLEN + 8];

	w = inst_witness(inst, a, sizeof(a));
	if (w == VRRP_WITNESS_NONE || w == VRRP_WITNESS_UP) {
		if (inst->witness_lost)
			log_info("%s vrid %u: witness %s up again", inst->name,
			    inst->ci->c.vrid, a);
		inst->witness_lost = 0;
		return;
	}
	if (inst->witness_lost || vrrp_witness_next(inst->sm.state, 0, w) !=
	    VRRP_STATE_FAULT)
		return;
	inst->witness_lost = 1;
	inst->witness_faults++;
	log_warnx("%s vrid %u: witness %s down: leaving MASTER, this node "
	    "may be the side cut off", inst->name, inst->ci->c.vrid, a);
}

/*
 * Master_Down_Timer fired (after takeover_check, if any) or a
 * preemption is due: the state machine is about to make us Master.  1
 * if the witness forbids it; the instance then goes to Fault.
 */
static int
witness_refuse(struct vrrp_inst *inst, uint64_t now)
{
	struct vrrp_sm		 sm = inst->sm;
	struct vrrp_actions	 act;
	enum vrrp_witness	 w;
	char			 a[INET6_ADDRSTRLEN + 8];

	if (inst->sm.state != VRRP_STATE_BACKUP ||
	    (w = inst_witness(inst, a, sizeof(a))) == VRRP_WITNESS_NONE)
		return (0);
	/* The state machine is pure: ask a copy what it would do. */
	vrrp_sm_timer(&sm, now, &act);
	if (!act.transition || act.new_state != VRRP_STATE_MASTER ||
	    vrrp_witness_next(inst->sm.state, 1, w) != VRRP_STATE_FAULT)
		return (0);
	inst->witness_lost = 1;
	inst->witness_refused++;
	log_warnx("%s vrid %u: %s, but witness %s is %s: FAULT, not MASTER",
	    inst->name, inst->ci->c.vrid, act.reason, a,
	    vrrp_witness_names[w]);
	track_all();
	return (1);
}

static void
inst_track_eval(struct vrrp_inst *inst)
{
	struct track_sum	 ts;

	witness_eval(inst);
	inst_track_sum(inst, &ts, 0);
	inst->own_fault = ts.fault;
	if (ts.fault)
		strlcpy(inst->own_reason, ts.reason,
		    sizeof(inst->own_reason));
	inst->weight = ts.weight;
}

/*
 * Sync groups (keepalived): one member in Fault puts the whole group in
 * Fault; when it recovers they all start again.  Then each instance's
 * fault and weight go to its state machine.
 */
static void
groups_eval(void)
{
	struct vrrp_inst	*inst, *o;
	struct vrrp_actions	 act;
	const char		*why;
	uint64_t		 now = vrrpd_now();
	int			 fault;

	TAILQ_FOREACH(inst, &venv->insts, entry) {
		inst->group_fault = 0;
		if (inst->group[0] == '\0')
			continue;
		TAILQ_FOREACH(o, &venv->insts, entry) {
			if (o == inst || !o->own_fault ||
			    strcmp(o->group, inst->group) != 0)
				continue;
			inst->group_fault = 1;
			snprintf(inst->group_reason,
			    sizeof(inst->group_reason),
			    "sync group %s: %s is FAULT", inst->group,
			    o->name);
			break;
		}
	}
	TAILQ_FOREACH(inst, &venv->insts, entry) {
		if (inst->sm.state == VRRP_STATE_INIT)
			continue;
		if (inst->sm.weight != inst->weight) {
			vrrp_sm_set_weight(&inst->sm, now, inst->weight, &act);
			inst_apply(inst, &act);
		}
		fault = inst->own_fault || inst->group_fault;
		why = inst->own_fault ? inst->own_reason :
		    inst->group_fault ? inst->group_reason :
		    "tracking recovered";
		vrrp_sm_set_fault(&inst->sm, now, fault, why, &act);
		inst_apply(inst, &act);
	}
}

static void
track_all(void)
{
	struct vrrp_inst	*inst;

	TAILQ_FOREACH(inst, &venv->insts, entry) {
		if (inst->vif == NULL || !inst->src_ok) {
			if (inst_attach(inst) == 0)
				log_info("%s vrid %u: interface %s ready",
				    inst->name, inst->ci->c.vrid,
				    inst->ci->c.interface);
		} else if (inst->pvif == NULL)
			(void)vrrp_net_path_open(inst);
		inst_track_eval(inst);
	}
	groups_eval();
	retry_arm();
}

static void
retry_cb(int fd, short ev, void *arg)
{
	track_all();
}

static void
retry_arm(void)
{
	struct vrrp_inst	*inst;
	struct timeval		 tv = { RETRY_USEC / 1000000, 0 };

	TAILQ_FOREACH(inst, &venv->insts, entry) {
		if (inst->vif == NULL || !inst->src_ok ||
		    (inst->ci->c.path_dev[0] != '\0' && inst->pvif == NULL)) {
			if (!evtimer_pending(venv->retry_ev, NULL))
				evtimer_add(venv->retry_ev, &tv);
			return;
		}
	}
	evtimer_del(venv->retry_ev);
}

static void
link_query_all(void)
{
	struct vrrp_inst	*inst;
	struct conf_track_if	*t;
	struct msg_link		 l;

	TAILQ_FOREACH(inst, &venv->insts, entry) {
		memset(&l, 0, sizeof(l));
		strlcpy(l.ifname, inst->ci->c.interface, sizeof(l.ifname));
		if (child_send_peer(PROC_LVS, IMSG_LINK_QUERY, &l,
		    sizeof(l)) == -1)
			return;
		TAILQ_FOREACH(t, &inst->ci->track_ifs, entry) {
			memset(&l, 0, sizeof(l));
			strlcpy(l.ifname, t->c.ifname, sizeof(l.ifname));
			(void)child_send_peer(PROC_LVS, IMSG_LINK_QUERY, &l,
			    sizeof(l));
		}
	}
}

/* Configuration ------------------------------------------------------- */

static int
vips_equal(const struct conf_instance *a, const struct conf_instance *b)
{
	const struct conf_vip	*p, *q;

	for (p = TAILQ_FIRST(&a->vips), q = TAILQ_FIRST(&b->vips);
	    p != NULL && q != NULL;
	    p = TAILQ_NEXT(p, entry), q = TAILQ_NEXT(q, entry))
		if (memcmp(&p->c, &q->c, sizeof(p->c)) != 0)
			return (0);
	return (p == NULL && q == NULL);
}

static const struct conf_vip *
vip_in(const struct conf_instance *ci, const struct conf_vip *v)
{
	const struct conf_vip	*w;

	TAILQ_FOREACH(w, &ci->vips, entry)
		if (memcmp(&w->c, &v->c, sizeof(v->c)) == 0)
			return (w);
	return (NULL);
}

/* A soft change: the state machine stays, new values take effect. */
static void
inst_update(struct vrrp_inst *inst, struct conf_instance *ci)
{
	struct conf_instance	*old = inst->ci;
	struct conf_vip		*v;
	struct vrrp_actions	 act;
	char			 err[HAD_REASONLEN];

	if (inst->vips_held && !vips_equal(old, ci)) {
		TAILQ_FOREACH(v, &old->vips, entry)
			if (vip_in(ci, v) == NULL)
				vip_send(inst, v, IMSG_VIP_DEL);
		inst->ci = ci;
		TAILQ_FOREACH(v, &ci->vips, entry)
			if (vip_in(old, v) == NULL)
				vip_send(inst, v, IMSG_VIP_ADD);
	}
	inst->ci = ci;
	inst->sm.cfg.preempt = !ci->c.nopreempt;
	inst->sm.cfg.preempt_delay = (uint64_t)ci->c.preempt_delay *
	    1000000ULL;
	inst->sm.cfg.init_master = ci->c.state == CONF_STATE_MASTER;
	inst_load_addrs(inst);
	inst_damp_conf(inst);
	/* auth_type AH from now on: its sockets, as inst_attach() opens. */
	if (inst->rxc.auth_type == VRRP_AUTH_AH) {
		if (inst->vif != NULL && vrrp_net_ah_open(inst->vif, err,
		    sizeof(err)) == -1)
			log_warnx("%s vrid %u: auth_type AH: %s", inst->name,
			    ci->c.vrid, err);
		if (inst->pvif != NULL && vrrp_net_ah_open(inst->pvif, err,
		    sizeof(err)) == -1)
			log_warnx("%s vrid %u: unicast_path: auth_type AH: %s",
			    inst->name, ci->c.vrid, err);
	}
	if (inst->sm.cfg.priority != ci->c.priority) {
		log_info("%s vrid %u: priority %u -> %u", inst->name,
		    ci->c.vrid, inst->sm.cfg.priority, ci->c.priority);
		inst->sm.cfg.priority = (uint8_t)ci->c.priority;
		/* Recomputes the effective priority; a Master adverts it. */
		vrrp_sm_set_weight(&inst->sm, vrrpd_now(), inst->sm.weight,
		    &act);
		inst_apply(inst, &act);
	}
}

static void
groups_assign(struct had_conf *conf)
{
	struct vrrp_inst	*inst;
	struct conf_sync_group	*g;
	struct conf_sync_member	*m;

	TAILQ_FOREACH(inst, &venv->insts, entry)
		inst->group[0] = '\0';
	TAILQ_FOREACH(g, &conf->sync_groups, entry)
		TAILQ_FOREACH(m, &g->members, entry)
			if ((inst = inst_find(m->c.instance)) != NULL)
				strlcpy(inst->group, g->c.name,
				    sizeof(inst->group));
}

int
vrrpd_reconf(struct had_conf *old, struct had_conf *new,
    struct msg_reconf_done *done)
{
	struct vrrp_inst	*inst, *next;
	struct conf_instance	*ci;
	struct vrrp_inst_list	 fresh = TAILQ_HEAD_INITIALIZER(fresh);
	char			 why[HAD_REASONLEN];
	int			 gchg, chg;

	/* conf_diff's verdict, the one hactl reload prints. */
	gchg = conf_global_diff(old, new, NULL, 0);
	venv->global = new->global;
	if (scripts_reconf(new) > 0 && child->peers[PROC_CHECK].active)
		child_send_peer(PROC_CHECK, IMSG_TRACK_QUERY, NULL, 0);
	/* bfdd may have told us before we knew the names: ask again. */
	bfds_reconf(new);
	if (!TAILQ_EMPTY(&new->bfds) && child->peers[PROC_BFD].active)
		child_send_peer(PROC_BFD, IMSG_BFD_QUERY, NULL, 0);

	/* Removed or changed beyond repair: stop and drop. */
	TAILQ_FOREACH_SAFE(inst, &venv->insts, entry, next) {
		TAILQ_FOREACH(ci, &new->instances, entry)
			if (strcmp(ci->c.name, inst->name) == 0)
				break;
		why[0] = '\0';
		chg = ci == NULL ? CONF_CHG_HARD : conf_instance_diff(old,
		    inst->ci, new, ci, gchg, why, sizeof(why));
		if (chg == CONF_CHG_SOFT)
			log_info("%s vrid %u: changed in place (%s)",
			    inst->name, inst->ci->c.vrid, why);
		if (chg != CONF_CHG_HARD)
			continue;
		if (ci == NULL)
			log_info("%s vrid %u: removed", inst->name,
			    inst->ci->c.vrid);
		else
			log_info("%s vrid %u: changed (%s), restarting",
			    inst->name, inst->ci->c.vrid, why);
		inst_stop(inst, 0);
		inst_free(inst);
	}
	/* Child (and old) stays valid until we return; point at new. */
	TAILQ_FOREACH(ci, &new->instances, entry) {
		if ((inst = inst_find(ci->c.name)) != NULL) {
			inst_update(inst, ci);
			continue;
		}
		inst = inst_new(ci);
		TAILQ_REMOVE(&venv->insts, inst, entry);
		TAILQ_INSERT_TAIL(&fresh, inst, entry);
	}
	while ((inst = TAILQ_FIRST(&fresh)) != NULL) {
		TAILQ_REMOVE(&fresh, inst, entry);
		TAILQ_INSERT_TAIL(&venv->insts, inst, entry);
	}
	/*
	 * The framework counts items (a changed instance is one removed
	 * and one added); done is left as it filled it.
	 */
	groups_assign(new);

	/*
	 * Tracking is evaluated against child->conf; it becomes `new'
	 * only when we return, so look at it through a temporary.
	 */
	{
		struct had_conf	*save = child->conf;

		child->conf = new;
		TAILQ_FOREACH(inst, &venv->insts, entry)
			if (inst->sm.state == VRRP_STATE_INIT)
				inst_start(inst);
		track_all();
		child->conf = save;
	}
	resume_done();
	link_query_all();
	return (0);
}

/* Messages ------------------------------------------------------------- */

static int
resume(struct imsg *imsg)
{
	struct msg_vrrp_state	 s;
	struct vrrp_inst	*inst;
	struct vrrp_actions	 act;

	if (imsg_check_size(imsg, sizeof(s), "had") == -1)
		return (-1);
	memcpy(&s, imsg->data, sizeof(s));
	s.instance[sizeof(s.instance) - 1] = '\0';
	if ((inst = inst_find(s.instance)) == NULL) {
		/* Before the configuration: when the instance starts. */
		if (child->conf == NULL)
			resume_keep(&s);
		return (0);
	}
	resume_ah_seq(inst, s.ah_seq);
	if (s.state != VRRP_STATE_MASTER)
		return (0);
	vrrp_sm_resume_master(&inst->sm, vrrpd_now(),
	    "resumed as MASTER after a restart", &act);
	inst_apply(inst, &act);
	return (0);
}

int
vrrpd_dispatch_parent(struct imsg *imsg)
{
	switch (imsg->hdr.type) {
	case IMSG_STATE_RESUME:
		return (resume(imsg));
	case IMSG_VRRP_MAINT:
		return (maint_set(imsg));
	default:
		log_warnx("unexpected message type %u from had",
		    imsg->hdr.type);
		return (-1);
	}
}

/*
 * A name we do not have configured is refused, counted and logged at
 * most every TRACK_UNKNOWN_LOG_S: during a reload checkd may still speak
 * of a script just removed (or not yet known here), so it is not a
 * protocol violation, but it costs no more than a lookup.
 */
static void
track_unknown(const char *name)
{
	static uint64_t	 total, unlogged;
	static time_t	 last;
	time_t		 now = time(NULL);

	total++;
	if (last != 0 && now - last < TRACK_UNKNOWN_LOG_S) {
		unlogged++;
		return;
	}
	log_warnx("checkd: track state for %s, which is no vrrp_script of "
	    "ours: refused (%llu refused so far, %llu not logged)", name,
	    (unsigned long long)total, (unsigned long long)unlogged);
	last = now;
	unlogged = 0;
}

static int
track_value(struct imsg *imsg)
{
	struct msg_track_value	 v;
	struct script_state	*s;

	memcpy(&v, imsg->data, sizeof(v));
	if ((s = script_find(v.name)) == NULL || s->sc == NULL ||
	    !CONF_IS_TRACK_FILE(s->sc)) {
		track_unknown(v.name);
		return (0);
	}
	if (v.value > INT32_MAX || v.value < -(int64_t)INT32_MAX) {
		log_warnx("checkd: track_file %s: value %lld beyond int32",
		    v.name, (long long)v.value);
		return (-1);
	}
	if (s->up == -1 || s->value != v.value)
		log_info("track_file %s: %lld", v.name, (long long)v.value);
	s->up = 1;
	s->value = v.value;
	track_all();
	return (0);
}

static int
track_state(struct imsg *imsg)
{
	struct msg_track	 t;
	struct script_state	*s;

	memcpy(&t, imsg->data, sizeof(t));
	if ((s = script_find(t.name)) == NULL || (s->sc != NULL &&
	    CONF_IS_TRACK_FILE(s->sc))) {
		track_unknown(t.name);
		return (0);
	}
	/* A witness's state carries no weight (check_witness.c). */
	if (s->sc != NULL && CONF_IS_WITNESS(s->sc) && t.weight != 0) {
		log_warnx("checkd: witness %s with weight %d", t.name,
		    t.weight);
		return (-1);
	}
	if (s->up != (t.up != 0))
		log_info("%s %s %s", s->sc->process ? "tracked process" :
		    "track script", t.name, t.up ? "up" : "down");
	s->up = t.up != 0;
	track_all();
	return (0);
}

/* A VMAC deleted behind our back: ask lvsd once for it again. */
static void
vmac_link(const struct msg_link *m)
{
	struct vrrp_inst	*inst;

	if (m->exists)
		return;
	TAILQ_FOREACH(inst, &venv->insts, entry) {
		if (inst->vmac[0] == '\0' || inst->vmac_state != VMAC_READY ||
		    strcmp(inst->vmac, m->ifname) != 0)
			continue;
		log_warnx("%s vrid %u: VMAC %s gone, asking lvsd again",
		    inst->name, inst->ci->c.vrid, inst->vmac);
		vrrp_net_vmac_close(inst);
		vmac_send(inst, IMSG_VMAC_UP);
		/* Its addresses went with it. */
		if (inst->sm.state == VRRP_STATE_MASTER)
			vips_all(inst, IMSG_VIP_ADD);
	}
}

/* lvsd answers an IMSG_VMAC_UP or IMSG_VMAC_DOWN. */
static int
vmac_result(struct imsg *imsg)
{
	struct msg_vmac		 m;
	struct vrrp_inst	*inst;

	if (imsg_check_size(imsg, sizeof(m), "lvsd") == -1)
		return (-1);
	memcpy(&m, imsg->data, sizeof(m));
	m.instance[sizeof(m.instance) - 1] = '\0';
	m.ifname[sizeof(m.ifname) - 1] = '\0';
	m.parent[sizeof(m.parent) - 1] = '\0';
	if (!m.up) {
		if (m.error != 0)
			log_warnx("%s: lvsd could not remove VMAC %s: %s",
			    m.instance, m.ifname, strerror(m.error));
		return (0);
	}
	/* Removed or restarted since: a later answer will come. */
	if ((inst = inst_find(m.instance)) == NULL ||
	    inst->vmac_state != VMAC_ASKED ||
	    strcmp(inst->vmac, m.ifname) != 0)
		return (0);
	if (m.error != 0) {
		log_warnx("%s vrid %u: lvsd could not create VMAC %s on %s: "
		    "%s", inst->name, inst->ci->c.vrid, inst->vmac,
		    inst->ci->c.interface, strerror(m.error));
		inst->vmac_state = VMAC_FAILED;
		return (0);
	}
	inst->vmac_state = VMAC_READY;
	log_info("%s vrid %u: VMAC %s ready", inst->name, inst->ci->c.vrid,
	    inst->vmac);
	/* vmac_xmit_base: adverts stay on the parent (keepalived). */
	if (!inst->ci->c.vmac_xmit_base)
		if (vrrp_net_vmac_open(inst) == 0 && inst->vmac_vif != NULL)
		inst->vmac_vif->vmac = 1;
	/* A Master whose gratuitous ARPs found no VMAC sends them now. */
	if (inst->sm.state == VRRP_STATE_MASTER && inst->garp_missed)
		vrrp_arp_start(inst);
	return (0);
}

static int
link_state(struct imsg *imsg)
{
	struct msg_link		 m;
	struct link_state	*l;

	if (imsg_check_size(imsg, sizeof(m), "lvsd") == -1)
		return (-1);
	memcpy(&m, imsg->data, sizeof(m));
	m.ifname[sizeof(m.ifname) - 1] = '\0';
	if ((l = link_find(m.ifname)) == NULL) {
		if ((l = calloc(1, sizeof(*l))) == NULL)
			fatal("calloc");
		strlcpy(l->ifname, m.ifname, sizeof(l->ifname));
		l->exists = l->up = -1;
		TAILQ_INSERT_TAIL(&links, l, entry);
	}
	if (l->exists != (m.exists != 0) || l->up != (m.up != 0))
		log_info("link %s %s", m.ifname, !m.exists ? "gone" :
		    m.up ? "up" : "down");
	l->exists = m.exists != 0;
	l->up = m.up != 0;
	vmac_link(&m);
	track_all();
	return (0);
}

static int
vip_event(struct imsg *imsg)
{
	struct msg_vip		 m;
	struct vrrp_inst	*inst;
	struct conf_vip		*v;
	struct conf_addr	 a;
	char			 ip[INET6_ADDRSTRLEN];

	if (imsg_check_size(imsg, sizeof(m), "lvsd") == -1)
		return (-1);
	memcpy(&m, imsg->data, sizeof(m));
	m.instance[sizeof(m.instance) - 1] = '\0';
	memset(&a, 0, sizeof(a));
	a.af = m.af;
	a.prefix = m.prefix;
	memcpy(a.u.raw, m.addr, sizeof(a.u.raw));
	conf_addr_str(&a, ip, sizeof(ip));
	inst = inst_find(m.instance);
	if (imsg->hdr.type == IMSG_VIP_RESULT) {
		if (m.error != 0)
			log_warnx("%s vrid %u: lvsd could not change %s: %s",
			    m.instance, m.vrid, ip, strerror(m.error));
		else
			log_debug("%s vrid %u: lvsd changed %s", m.instance,
			    m.vrid, ip);
		return (0);
	}
	/* IMSG_ADDR_GONE: a VIP we hold was removed behind our back. */
	if (inst == NULL || inst->sm.state != VRRP_STATE_MASTER)
		return (0);
	TAILQ_FOREACH(v, &inst->ci->vips, entry) {
		if (v->c.addr.af != m.af ||
		    memcmp(v->c.addr.u.raw, m.addr, vrrp_addr_len(m.af)) != 0)
			continue;
		log_warnx("%s vrid %u: %s removed behind our back, adding "
		    "it again", inst->name, inst->ci->c.vrid, ip);
		vip_send(inst, v, IMSG_VIP_ADD);
	}
	return (0);
}

/* The message contract (msg_contract.c) is checked before these. */
int
vrrpd_dispatch_lvsd(struct imsg *imsg)
{
	switch (imsg->hdr.type) {
	case IMSG_LINK_STATE:
		return (link_state(imsg));
	case IMSG_VIP_RESULT:
	case IMSG_ADDR_GONE:
		return (vip_event(imsg));
	case IMSG_VMAC_RESULT:
		return (vmac_result(imsg));
	default:
		log_warnx("lvsd: unexpected message type %u", imsg->hdr.type);
		return (-1);
	}
}

int
vrrpd_dispatch_bfdd(struct imsg *imsg)
{
	if (imsg->hdr.type == IMSG_BFD_STATE)
		return (bfd_state(imsg));
	log_warnx("bfdd: unexpected message type %u", imsg->hdr.type);
	return (-1);
}

int
vrrpd_dispatch_checkd(struct imsg *imsg)
{
	if (imsg->hdr.type == IMSG_TRACK_STATE)
		return (track_state(imsg));
	if (imsg->hdr.type == IMSG_TRACK_VALUE)
		return (track_value(imsg));
	log_warnx("checkd: unexpected message type %u", imsg->hdr.type);
	return (-1);
}

void
vrrpd_peer_up(enum had_proc p)
{
	struct vrrp_inst	*inst;

	if (p != PROC_LVS)
		return;
	/* A new lvsd knows nothing: VMACs, addresses and links again. */
	TAILQ_FOREACH(inst, &venv->insts, entry) {
		if (inst->vmac[0] != '\0' && inst->sm.state != VRRP_STATE_INIT)
			vmac_send(inst, IMSG_VMAC_UP);
		if (inst->sm.state == VRRP_STATE_MASTER)
			vips_all(inst, IMSG_VIP_ADD);
	}
	link_query_all();
}

/* Control --------------------------------------------------------------- */

static void
ctl_row(struct vrrp_inst *inst, struct msg_ctl_vrrp *r)
{
	const struct msg_vrrp_maint	*mt;
	struct conf_vip			*v;
	char				 ip[INET6_ADDRSTRLEN];
	size_t				 off = 0;
	int				 i, n;
	enum vrrp_witness		 w;

	memset(r, 0, sizeof(*r));
	strlcpy(r->name, inst->name, sizeof(r->name));
	strlcpy(r->ifname, inst->ci->c.interface, sizeof(r->ifname));
	r->vrid = inst->ci->c.vrid;
	r->version = inst->sm.cfg.version;
	r->state = inst->sm.state;
	strlcpy(r->state_name, vrrp_state_name(inst->sm.state),
	    sizeof(r->state_name));
	r->base_priority = inst->sm.cfg.priority;
	r->eff_priority = vrrp_sm_eff_prio(&inst->sm);
	if ((mt = maint_find(inst->name)) != NULL) {
		r->maint = 1;
		r->maint_uid = mt->uid;
		r->maint_since = mt->since;
		r->eff_priority = 0;
	}
	if (inst->sm.state == VRRP_STATE_MASTER && inst->src_ok)
		vrrp_addr_ntop(&inst->src, r->master, sizeof(r->master));
	else if (inst->sm.state == VRRP_STATE_BACKUP &&
	    inst->sm.master_known)
		vrrp_addr_ntop(&inst->sm.master, r->master,
		    sizeof(r->master));
	r->advert_int_cs = inst->sm.cfg.adver_int;
	r->master_adver_int_cs = inst->sm.master_adver_int;
	TAILQ_FOREACH(v, &inst->ci->vips, entry) {
		conf_addr_str(&v->c.addr, ip, sizeof(ip));
		/* Address only: the prefix is configuration, not state. */
		ip[strcspn(ip, "/")] = '\0';
		n = snprintf(r->vips + off, sizeof(r->vips) - off, "%s%s",
		    off ? " " : "", ip);
		if (n < 0 || (size_t)n >= sizeof(r->vips) - off)
			break;
		off += n;
		r->nvips++;
	}
	r->transitions = inst->sm.stats.transitions;
	r->last_transition = inst->last_transition;
	strlcpy(r->last_reason, inst->last_reason, sizeof(r->last_reason));
	r->adverts_sent = inst->sm.stats.adverts_sent;
	r->adverts_rcvd = inst->sm.stats.adverts_rcvd;
	r->prio0_sent = inst->sm.stats.prio0_sent;
	r->prio0_rcvd = inst->sm.stats.prio0_rcvd;
	for (i = 1, n = 0; i < VRRPD_DROP_NREASONS &&
	    n < MSG_VRRP_NDROPS; i++, n++) {
		strlcpy(r->drop_names[n], i == VRRPD_DROP_PEER ? "peer" :
		    vrrp_drop_name(i), sizeof(r->drop_names[n]));
		r->drops[n] = inst->drops[i];
		/*
		 * Packets that name no instance (an unknown VRID, too short
		 * to carry one: zero length) belong to the interface, shown
		 * with each of its instances.
		 */
		if (inst->vif != NULL)
			r->drops[n] += inst->vif->drops[i];
	}
	r->ndrops = n;
	if (inst->ci->c.path_dev[0] != '\0') {
		vrrp_addr_ntop(&inst->ppeer, ip, sizeof(ip));
		snprintf(r->path, sizeof(r->path), "%s %s",
		    inst->ci->c.path_dev, inst->pvif != NULL ? ip : "(closed)");
		r->path_rcvd = inst->path_rcvd;
	}
	r->tolerance = vrrp_damp_tolerance(&inst->damp, vrrpd_now());
	r->flaps = inst->damp.flaps;
	r->probes_sent = inst->probes_sent;
	r->probes_answered = inst->probes_answered;
	r->dual_master = inst->sm.stats.dual_master;
	r->takeover_check_ms = inst->ci->c.takeover_check ?
	    inst->ci->c.takeover_check_ms : 0;
	w = inst_witness(inst, r->witness, sizeof(r->witness));
	strlcpy(r->witness_state, vrrp_witness_names[w],
	    sizeof(r->witness_state));
	r->witness_refused = inst->witness_refused;
	r->witness_faults = inst->witness_faults;
}

int
vrrpd_ctl(struct imsg *imsg)
{
	struct msg_ctl_req	 req;
	struct msg_ctl_vrrp	 row;
	struct vrrp_inst	*inst;
	struct track_sum	 ts;
	int			 found = 0;

	memcpy(&req, imsg->data, sizeof(req));
	req.name[sizeof(req.name) - 1] = '\0';
	TAILQ_FOREACH(inst, &venv->insts, entry) {
		if (req.name[0] != '\0' && strcmp(req.name, inst->name) != 0)
			continue;
		/* What tracking does, before the row it explains. */
		inst_track_sum(inst, &ts, imsg->hdr.peerid);
		ctl_row(inst, &row);
		child_ctl_send(IMSG_CTL_VRRP, imsg->hdr.peerid, &row,
		    sizeof(row));
		found++;
	}
	if (req.name[0] != '\0' && !found) {
		child_ctl_text(imsg->hdr.peerid, "no VRRP instance %s",
		    req.name);
		return (-1);
	}
	return (0);
}

/* Life cycle ------------------------------------------------------------ */

void
vrrpd_init(struct event_base *base)
{
	venv->base = base;
	TAILQ_INIT(&venv->insts);
	TAILQ_INIT(&venv->ifs);
	venv->arp_fd = venv->na_fd = -1;
	if ((venv->retry_ev = evtimer_new(base, retry_cb, NULL)) == NULL)
		fatalx("evtimer_new");
	vrrp_arp_init();
}

/*
 * Orderly shutdown, RFC 5798 6.4.3: every Master sends a priority-0
 * advert so that a Backup takes over within Skew_Time, and its VIPs go.
 * The messages must leave before we exit.
 */
void
vrrpd_shutdown(void)
{
	struct vrrp_inst	*inst;

	TAILQ_FOREACH(inst, &venv->insts, entry)
		inst_stop(inst, 1);
	if (child->peers[PROC_LVS].active)
		imsgev_flush_blocking(&child->peers[PROC_LVS]);
	if (child->parent.active)
		imsgev_flush_blocking(&child->parent);
}
