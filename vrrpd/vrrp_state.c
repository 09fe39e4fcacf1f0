/*
 * VRRP state machine: RFC 5798 6.4 (v3) and RFC 3768 6.4 (v2), plus a
 * Fault state driven by tracking, with keepalived's semantics for
 * nopreempt, preempt_delay and the "state MASTER" hint.
 *
 * Times are monotonic microseconds supplied by the caller.  Intervals
 * configured or carried on the wire are centiseconds.  A deadline of
 * VRRP_TIME_NONE means that timer is not running.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "vrrp_packet.h"
#include "vrrp_state.h"

#define USEC_PER_SEC	1000000ULL

const char *const vrrp_state_names[VRRP_STATE_MAX] = {
	[VRRP_STATE_INIT] = "INIT",
	[VRRP_STATE_BACKUP] = "BACKUP",
	[VRRP_STATE_MASTER] = "MASTER",
	[VRRP_STATE_FAULT] = "FAULT",
};

static void	act_begin(const struct vrrp_sm *, struct vrrp_actions *);
static void	act_end(const struct vrrp_sm *, struct vrrp_actions *);
static void	transition(struct vrrp_sm *, struct vrrp_actions *,
		    enum vrrp_state, const char *, ...)
		    __attribute__((__format__(printf, 4, 5)));
static void	send_advert(struct vrrp_sm *, uint64_t,
		    struct vrrp_actions *);
static void	send_prio0(struct vrrp_sm *, struct vrrp_actions *);
static void	arm_down_timer(struct vrrp_sm *, uint64_t, uint64_t);
static void	become_master(struct vrrp_sm *, uint64_t,
		    struct vrrp_actions *, const char *);
static void	enter_backup(struct vrrp_sm *, uint64_t,
		    struct vrrp_actions *, const char *);
static void	start(struct vrrp_sm *, uint64_t, struct vrrp_actions *,
		    const char *);
static int	preempt_delayed(const struct vrrp_sm *, uint64_t);
static uint8_t	compute_prio(const struct vrrp_sm *);
static void	note_master(struct vrrp_sm *, const struct vrrp_advert *);

const char *
vrrp_state_name(enum vrrp_state s)
{
	if ((unsigned)s >= VRRP_STATE_MAX)
		return ("UNKNOWN");
	return (vrrp_state_names[s]);
}

void
vrrp_sm_init(struct vrrp_sm *sm, const struct vrrp_sm_config *cfg)
{
	memset(sm, 0, sizeof(*sm));
	sm->cfg = *cfg;
	sm->state = VRRP_STATE_INIT;
	sm->master_adver_int = cfg->adver_int;
	sm->down_at = VRRP_TIME_NONE;
	sm->adver_at = VRRP_TIME_NONE;
	sm->preempt_at = VRRP_TIME_NONE;
	sm->eff_prio = compute_prio(sm);
	strlcpy(sm->last_reason, "initialized", sizeof(sm->last_reason));
}

/*
 * Effective priority: base plus tracking weights, kept within 1..254 so
 * that tracking can neither make us the owner nor silence us; an owner
 * (255) stays the owner.
 */
static uint8_t
compute_prio(const struct vrrp_sm *sm)
{
	int	p;

	if (sm->cfg.priority == VRRP_PRIO_OWNER)
		return (VRRP_PRIO_OWNER);
	p = (int)sm->cfg.priority + sm->weight;
	if (p < 1)
		p = 1;
	if (p > VRRP_PRIO_OWNER - 1)
		p = VRRP_PRIO_OWNER - 1;
	return ((uint8_t)p);
}

uint8_t
vrrp_sm_eff_prio(const struct vrrp_sm *sm)
{
	return (sm->eff_prio);
}

/*
 * keepalived's weights of a tracked script or interface (w after
 * "reverse"): a positive weight is added while it is up, a negative one
 * while it is down; weight 0 means down puts the instance in Fault.
 * Returns what it adds to the priority; *fault set to 1 or 0.
 */
int
vrrp_track_delta(int up, int w, int *fault)
{
	*fault = w == 0 && !up;
	if ((w > 0 && up) || (w < 0 && !up))
		return (w);
	return (0);
}

/*
 * keepalived's track_file (w after "reverse"): weight 0 means a non-zero
 * number puts the instance in Fault; otherwise number times weight is
 * added, and a result below -253 is Fault too (above 253 it is 253: the
 * priority is kept within 1..254 anyway).
 */
#define VRRP_TRACK_FILE_MIN	-253
#define VRRP_TRACK_FILE_MAX	253
int
vrrp_track_file_delta(int64_t value, int w, int *fault)
{
	int64_t	 r;

	*fault = 0;
	if (w == 0) {
		*fault = value != 0;
		return (0);
	}
	/* |value| and |w| are below 2^31: the product fits. */
	r = value * (int64_t)w;
	if (r < VRRP_TRACK_FILE_MIN) {
		*fault = 1;
		return (0);
	}
	return (r > VRRP_TRACK_FILE_MAX ? VRRP_TRACK_FILE_MAX : (int)r);
}

/*
 * RFC 5798 6.1: Skew_Time = ((256 - Priority) * Master_Adver_Interval)
 * / 256.  RFC 3768 6.1: Skew_Time = (256 - Priority) / 256 seconds,
 * independent of the interval.  Computed in microseconds so that the
 * division loses as little as possible.
 */
uint64_t
vrrp_sm_skew_time(const struct vrrp_sm *sm)
{
	uint64_t	inv = 256 - sm->eff_prio;

	if (sm->cfg.version == VRRP_VERSION_2)
		return (inv * USEC_PER_SEC / 256);
	return (inv * sm->master_adver_int * VRRP_USEC_PER_CS / 256);
}

/*
 * RFC 5798 6.1: Master_Down_Interval = 3 * Master_Adver_Interval + Skew;
 * flap damping may ask for more than 3 missed adverts.
 */
uint64_t
vrrp_sm_master_down_interval(const struct vrrp_sm *sm)
{
	uint64_t	n = sm->tolerance > 0 ? sm->tolerance : VRRP_TOLERANCE;

	return (n * sm->master_adver_int * VRRP_USEC_PER_CS +
	    vrrp_sm_skew_time(sm));
}

uint64_t
vrrp_sm_next_timer(const struct vrrp_sm *sm)
{
	uint64_t	t = VRRP_TIME_NONE;

	switch (sm->state) {
	case VRRP_STATE_BACKUP:
		t = sm->down_at;
		if (sm->preempt_held && sm->preempt_at < t)
			t = sm->preempt_at;
		break;
	case VRRP_STATE_MASTER:
		t = sm->adver_at;
		break;
	default:
		break;
	}
	return (t);
}

static void
act_begin(const struct vrrp_sm *sm, struct vrrp_actions *act)
{
	memset(act, 0, sizeof(*act));
	act->old_state = act->new_state = sm->state;
	act->timer_at = VRRP_TIME_NONE;
}

static void
act_end(const struct vrrp_sm *sm, struct vrrp_actions *act)
{
	act->new_state = sm->state;
	act->priority = sm->eff_prio;
	act->timer_at = vrrp_sm_next_timer(sm);
}

static void
transition(struct vrrp_sm *sm, struct vrrp_actions *act,
    enum vrrp_state to, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(act->reason, sizeof(act->reason), fmt, ap);
	va_end(ap);
	strlcpy(sm->last_reason, act->reason, sizeof(sm->last_reason));

	if (sm->state == to)
		return;
	if (sm->state == VRRP_STATE_MASTER)
		sm->stats.released_master++;
	if (to == VRRP_STATE_MASTER)
		sm->stats.became_master++;
	if (to == VRRP_STATE_FAULT)
		sm->stats.faults++;
	sm->stats.transitions++;
	sm->state = to;
	act->transition = 1;
}

static void
send_advert(struct vrrp_sm *sm, uint64_t now, struct vrrp_actions *act)
{
	uint64_t	 step = sm->cfg.adver_int * VRRP_USEC_PER_CS;

	act->flags |= VRRP_ACT_SEND_ADVERT;
	sm->stats.adverts_sent++;
	/*
	 * On the Adver_Timer keep a fixed cadence: a timer that fires late
	 * must not push every later advert back (RFC 5798 6.4.3).
	 */
	if (sm->adver_at != VRRP_TIME_NONE && now >= sm->adver_at &&
	    now - sm->adver_at < step)
		sm->adver_at += step;
	else
		sm->adver_at = now + step;
}

static void
send_prio0(struct vrrp_sm *sm, struct vrrp_actions *act)
{
	act->flags |= VRRP_ACT_SEND_PRIO0;
	sm->stats.adverts_sent++;
	sm->stats.prio0_sent++;
}

static void
arm_down_timer(struct vrrp_sm *sm, uint64_t now, uint64_t after)
{
	sm->down_at = now + after;
}

/* Within preempt_delay of startup (keepalived): hold back preemption. */
static int
preempt_delayed(const struct vrrp_sm *sm, uint64_t now)
{
	return (sm->preempt_at != VRRP_TIME_NONE && now < sm->preempt_at);
}

static void
note_master(struct vrrp_sm *sm, const struct vrrp_advert *adv)
{
	sm->master = adv->src;
	sm->master_prio = adv->priority;
	sm->master_known = 1;
}

/*
 * RFC 5798 6.4.1 (startup as owner) and 6.4.2 (Master_Down_Timer
 * fires): send an ADVERTISEMENT, broadcast gratuitous ARP / send
 * unsolicited NA for the VIPs (the caller does that on BECOME_MASTER),
 * set the Adver_Timer to Advertisement_Interval, go Master.
 */
static void
become_master(struct vrrp_sm *sm, uint64_t now, struct vrrp_actions *act,
    const char *why)
{
	act->flags |= VRRP_ACT_BECOME_MASTER;
	send_advert(sm, now, act);
	sm->down_at = VRRP_TIME_NONE;
	sm->preempt_held = 0;
	sm->master_known = 0;
	transition(sm, act, VRRP_STATE_MASTER, "%s", why);
}

/*
 * RFC 5798 6.4.1 (startup, not owner) and 6.4.3 (higher priority
 * advert): cancel the Adver_Timer, set Master_Down_Timer to
 * Master_Down_Interval, go Backup.  The caller has already set
 * Master_Adver_Interval where the RFC asks for it.
 */
static void
enter_backup(struct vrrp_sm *sm, uint64_t now, struct vrrp_actions *act,
    const char *why)
{
	if (sm->state == VRRP_STATE_MASTER)
		act->flags |= VRRP_ACT_LEAVE_MASTER;
	sm->adver_at = VRRP_TIME_NONE;
	arm_down_timer(sm, now, vrrp_sm_master_down_interval(sm));
	transition(sm, act, VRRP_STATE_BACKUP, "%s", why);
}

/*
 * RFC 5798 6.4.1 Initialize, Startup event; also used when tracking
 * recovers, which keepalived treats as a fresh start.  The "state
 * MASTER" hint does not skip the election: like keepalived, a router
 * that is not the owner only becomes Master by the down timer.
 */
static void
start(struct vrrp_sm *sm, uint64_t now, struct vrrp_actions *act,
    const char *why)
{
	char	buf[VRRP_SM_REASONLEN];

	sm->started = now;
	sm->preempt_held = 0;
	sm->master_known = 0;
	sm->preempt_at = sm->cfg.preempt_delay > 0 ?
	    now + sm->cfg.preempt_delay : VRRP_TIME_NONE;
	sm->master_adver_int = sm->cfg.adver_int;
	sm->eff_prio = compute_prio(sm);

	if (sm->eff_prio == VRRP_PRIO_OWNER && !sm->maint) {
		snprintf(buf, sizeof(buf), "%s: address owner (priority 255)",
		    why);
		become_master(sm, now, act, buf);
		return;
	}
	snprintf(buf, sizeof(buf), "%s%s", why, sm->cfg.init_master ?
	    " (initial state MASTER, awaiting election)" : "");
	enter_backup(sm, now, act, buf);
}

/*
 * RFC 5798 6.4.1, Startup event in Initialize: the owner goes Master at
 * once, everyone else Backup with Master_Down_Timer running.  If
 * tracking already failed we go to Fault instead and wait for it.
 */
void
vrrp_sm_startup(struct vrrp_sm *sm, uint64_t now, struct vrrp_actions *act)
{
	act_begin(sm, act);
	if (sm->state == VRRP_STATE_INIT) {
		if (sm->fault) {
			sm->started = now;
			transition(sm, act, VRRP_STATE_FAULT,
			    "startup: tracking failed");
		} else
			start(sm, now, act, "startup");
	}
	act_end(sm, act);
}

/*
 * RFC 5798 6.4.2 and 6.4.3, Shutdown event: a Backup cancels its timer;
 * a Master cancels its timer and sends an ADVERTISEMENT with priority
 * 0 so that a Backup takes over within Skew_Time.  Both go Initialize.
 */
void
vrrp_sm_shutdown(struct vrrp_sm *sm, uint64_t now, struct vrrp_actions *act)
{
	(void)now;	/* same signature as every other event */
	act_begin(sm, act);
	if (sm->state == VRRP_STATE_MASTER) {
		send_prio0(sm, act);
		act->flags |= VRRP_ACT_LEAVE_MASTER;
	}
	sm->down_at = sm->adver_at = VRRP_TIME_NONE;
	sm->preempt_held = 0;
	if (sm->state != VRRP_STATE_INIT)
		transition(sm, act, VRRP_STATE_INIT, "shutdown");
	act_end(sm, act);
}

/*
 * Timer expiry.  RFC 5798 6.4.2: in Backup, Master_Down_Timer fires ->
 * become Master.  RFC 5798 6.4.3: in Master, Adver_Timer fires -> send
 * an ADVERTISEMENT and reset the timer.  Plus keepalived's
 * preempt_delay: when it ends and we held back a preemption of a
 * lower-priority Master, preempt now.  Calling early is harmless.
 */
void
vrrp_sm_timer(struct vrrp_sm *sm, uint64_t now, struct vrrp_actions *act)
{
	char	buf[VRRP_SM_REASONLEN], ip[INET6_ADDRSTRLEN];

	act_begin(sm, act);
	switch (sm->state) {
	case VRRP_STATE_MASTER:
		if (sm->maint && now >= sm->adver_at)
			enter_backup(sm, now, act, "maintenance: no new "
			    "master heard");
		else if (now >= sm->adver_at)
			send_advert(sm, now, act);
		break;
	case VRRP_STATE_BACKUP:
		if (sm->maint) {
			/* Never Master in maintenance: wait on. */
			sm->preempt_held = 0;
			if (now >= sm->down_at)
				arm_down_timer(sm, now,
				    vrrp_sm_master_down_interval(sm));
			break;
		}
		if (sm->preempt_held && now >= sm->preempt_at) {
			sm->preempt_held = 0;
			if (sm->cfg.preempt && sm->master_known &&
			    sm->master_prio < sm->eff_prio) {
				snprintf(buf, sizeof(buf), "preempt_delay "
				    "elapsed: priority %u over %u from %s",
				    sm->eff_prio, sm->master_prio,
				    vrrp_addr_ntop(&sm->master, ip,
				    sizeof(ip)));
				become_master(sm, now, act, buf);
				break;
			}
		}
		if (now < sm->down_at)
			break;
		if (sm->master_known && sm->master_prio == VRRP_PRIO_STOP)
			snprintf(buf, sizeof(buf), "priority 0 received "
			    "from %s", vrrp_addr_ntop(&sm->master, ip,
			    sizeof(ip)));
		else if (sm->master_known && sm->master_prio < sm->eff_prio)
			snprintf(buf, sizeof(buf), "preempt: priority %u "
			    "over %u from %s", sm->eff_prio, sm->master_prio,
			    vrrp_addr_ntop(&sm->master, ip, sizeof(ip)));
		else
			strlcpy(buf, "master down timer expired",
			    sizeof(buf));
		become_master(sm, now, act, buf);
		break;
	default:
		break;
	}
	act_end(sm, act);
}

/*
 * An ADVERTISEMENT that passed vrrp_packet_parse().
 *
 * RFC 5798 6.4.2 (Backup): priority 0 -> Master_Down_Timer = Skew_Time;
 * else if Preempt_Mode is False or the advert's priority >= ours ->
 * learn Master_Adver_Interval (v3), recompute Master_Down_Interval and
 * reset the timer; else discard, so that the timer preempts.  With
 * keepalived's preempt_delay, a lower priority within the delay is
 * treated as if preemption were off, and remembered.
 *
 * RFC 5798 6.4.3 (Master): priority 0 -> send an ADVERTISEMENT at once
 * and reset the Adver_Timer; a higher priority, or an equal one from a
 * greater primary address -> learn its interval and go Backup; else
 * discard.
 */
void
vrrp_sm_advert(struct vrrp_sm *sm, uint64_t now, const struct vrrp_advert *adv,
    struct vrrp_actions *act)
{
	char	buf[VRRP_SM_REASONLEN], ip[INET6_ADDRSTRLEN];
	int	cmp;

	act_begin(sm, act);
	sm->stats.adverts_rcvd++;
	if (adv->priority == VRRP_PRIO_STOP)
		sm->stats.prio0_rcvd++;

	switch (sm->state) {
	case VRRP_STATE_BACKUP:
		note_master(sm, adv);
		if (adv->priority == VRRP_PRIO_STOP) {
			arm_down_timer(sm, now, vrrp_sm_skew_time(sm));
			break;
		}
		if (!sm->cfg.preempt || adv->priority >= sm->eff_prio ||
		    preempt_delayed(sm, now)) {
			sm->preempt_held = sm->cfg.preempt &&
			    adv->priority < sm->eff_prio;
			/* Zero never passes the parser; don't trust it. */
			if (sm->cfg.version == VRRP_VERSION_3 &&
			    adv->adver_int_cs > 0)
				sm->master_adver_int = adv->adver_int_cs;
			arm_down_timer(sm, now,
			    vrrp_sm_master_down_interval(sm));
		}
		break;
	case VRRP_STATE_MASTER:
		if (sm->maint) {
			/* Handing over: the VIPs go once the new one speaks. */
			if (adv->priority == VRRP_PRIO_STOP)
				break;
			note_master(sm, adv);
			snprintf(buf, sizeof(buf), "maintenance: new master "
			    "%s heard", vrrp_addr_ntop(&adv->src, ip,
			    sizeof(ip)));
			enter_backup(sm, now, act, buf);
			break;
		}
		if (adv->priority == VRRP_PRIO_STOP) {
			send_advert(sm, now, act);
			break;
		}
		cmp = vrrp_addr_cmp(&adv->src, &sm->cfg.primary);
		if (adv->priority < sm->eff_prio ||
		    (adv->priority == sm->eff_prio && cmp <= 0)) {
			/* Another Master that will not yield to us either. */
			sm->stats.dual_master++;
			break;
		}
		vrrp_addr_ntop(&adv->src, ip, sizeof(ip));
		if (adv->priority > sm->eff_prio)
			snprintf(buf, sizeof(buf), "higher priority %u from %s",
			    adv->priority, ip);
		else
			snprintf(buf, sizeof(buf), "equal priority %u from "
			    "higher address %s", adv->priority, ip);
		if (sm->cfg.version == VRRP_VERSION_3 &&
		    adv->adver_int_cs > 0)
			sm->master_adver_int = adv->adver_int_cs;
		note_master(sm, adv);
		enter_backup(sm, now, act, buf);
		break;
	default:
		/* Initialize and Fault do not listen. */
		break;
	}
	act_end(sm, act);
}

/*
 * Tracking (keepalived semantics, no RFC section): a failed track
 * script, interface or check puts the instance in Fault.  A Master
 * leaving for Fault behaves as on shutdown (priority 0 advert, remove
 * VIPs); leaving Fault is a fresh RFC 5798 6.4.1 Startup.
 */
void
vrrp_sm_set_fault(struct vrrp_sm *sm, uint64_t now, int fault,
    const char *why, struct vrrp_actions *act)
{
	act_begin(sm, act);
	fault = fault != 0;
	if (fault == sm->fault) {
		act_end(sm, act);
		return;
	}
	sm->fault = fault;
	if (fault) {
		if (sm->state == VRRP_STATE_MASTER) {
			send_prio0(sm, act);
			act->flags |= VRRP_ACT_LEAVE_MASTER;
		}
		if (sm->state != VRRP_STATE_INIT) {
			sm->down_at = sm->adver_at = VRRP_TIME_NONE;
			sm->preempt_held = 0;
			transition(sm, act, VRRP_STATE_FAULT, "%s",
			    why != NULL ? why : "tracking failed");
		}
	} else if (sm->state == VRRP_STATE_FAULT)
		start(sm, now, act, why != NULL ? why : "tracking recovered");
	act_end(sm, act);
}

/*
 * Tracking weights change the effective priority.  A Master announces
 * a new priority at once so that a better Backup can preempt without
 * waiting an interval; a Backup's Skew_Time follows at the next reset.
 */
void
vrrp_sm_set_weight(struct vrrp_sm *sm, uint64_t now, int weight,
    struct vrrp_actions *act)
{
	uint8_t	old;

	act_begin(sm, act);
	old = sm->eff_prio;
	sm->weight = weight;
	sm->eff_prio = compute_prio(sm);
	if (sm->eff_prio != old && sm->state == VRRP_STATE_MASTER)
		send_advert(sm, now, act);
	act_end(sm, act);
}

/*
 * A respawned vrrpd resumes as Master when it was Master before (had
 * kept the report): RFC 5798 6.4.2 "become Master" without waiting for
 * Master_Down_Timer, so that the VIPs stay where they are.  Only from
 * Backup or Initialize, never out of Fault.  had sends the resume before
 * the configuration, so an instance resumes out of Initialize without
 * ever having been Backup.
 */
void
vrrp_sm_resume_master(struct vrrp_sm *sm, uint64_t now, const char *why,
    struct vrrp_actions *act)
{
	struct vrrp_sm_stats	 saved = sm->stats;
	int			 fresh = sm->state == VRRP_STATE_INIT;

	act_begin(sm, act);
	if (!sm->fault && !sm->maint &&
	    (sm->state == VRRP_STATE_BACKUP || fresh)) {
		if (fresh)
			sm->started = now;
		become_master(sm, now, act, why != NULL ? why : "resumed");
	}
	/*
	 * Straight out of Initialize the predecessor's Master goes on:
	 * no transition to count or to notify.
	 */
	if (fresh && act->transition) {
		sm->stats.transitions = saved.transitions;
		sm->stats.became_master = saved.became_master;
		act->resumed = 1;
	}
	act_end(sm, act);
}

/*
 * hactl maintenance (no RFC section): on, a Master hands over as on an
 * orderly stop, make before break: it sends priority 0 and stops
 * advertising but keeps its VIPs until it hears the new Master, or
 * Master_Down_Interval passes (2 s at most); then it goes Backup.  A
 * Backup in maintenance never becomes Master.  Off, a Backup runs its
 * Master_Down_Timer again, so that preemption brings it back.
 */
#define MAINT_HANDOVER_MAX	(2 * USEC_PER_SEC)

void
vrrp_sm_set_maint(struct vrrp_sm *sm, uint64_t now, int on,
    struct vrrp_actions *act)
{
	uint64_t	wait;

	act_begin(sm, act);
	on = on != 0;
	if (on == sm->maint) {
		act_end(sm, act);
		return;
	}
	sm->maint = on;
	if (on && sm->state == VRRP_STATE_MASTER) {
		send_prio0(sm, act);
		wait = vrrp_sm_master_down_interval(sm);
		sm->adver_at = now + (wait < MAINT_HANDOVER_MAX ? wait :
		    MAINT_HANDOVER_MAX);
	} else if (on && sm->state == VRRP_STATE_BACKUP)
		sm->preempt_held = 0;
	else if (!on && sm->state == VRRP_STATE_BACKUP)
		arm_down_timer(sm, now, vrrp_sm_master_down_interval(sm));
	act_end(sm, act);
}

/*
 * Sync groups (keepalived semantics, no RFC section): a Master whose
 * group partner went Backup follows it, as if it had heard a better
 * Master (RFC 5798 6.4.3).
 */
void
vrrp_sm_force_backup(struct vrrp_sm *sm, uint64_t now, const char *why,
    struct vrrp_actions *act)
{
	act_begin(sm, act);
	if (sm->state == VRRP_STATE_MASTER)
		enter_backup(sm, now, act, why != NULL ? why : "forced");
	act_end(sm, act);
}

/*
 * takeover_check (had's extension): is the Master_Down_Timer what is
 * due, in Backup, with a master that an answer could keep?  Not for a
 * master that said priority 0, nor one we would preempt anyway.
 */
int
vrrp_sm_down_due(const struct vrrp_sm *sm, uint64_t now)
{
	if (sm->state != VRRP_STATE_BACKUP || sm->maint ||
	    now < sm->down_at || !sm->master_known ||
	    sm->master_prio == VRRP_PRIO_STOP)
		return (0);
	if (sm->cfg.preempt && sm->master_prio < sm->eff_prio)
		return (0);
	return (1);
}

/* The master answered a probe: as good as its advert, wait on. */
void
vrrp_sm_hold(struct vrrp_sm *sm, uint64_t now, struct vrrp_actions *act)
{
	act_begin(sm, act);
	if (sm->state == VRRP_STATE_BACKUP)
		arm_down_timer(sm, now, vrrp_sm_master_down_interval(sm));
	act_end(sm, act);
}

void
vrrp_damp_init(struct vrrp_damp *d, uint32_t penalty, uint32_t max,
    uint64_t window, uint64_t decay)
{
	memset(d, 0, sizeof(*d));
	d->penalty = penalty;
	d->max = max;
	d->window = window;
	d->decay = decay > 0 ? decay : 1;
	d->took_at = VRRP_TIME_NONE;
}

/* The extra tolerance, one step less per decay since the last change. */
static void
damp_decay(struct vrrp_damp *d, uint64_t now)
{
	uint64_t	steps;

	if (d->extra == 0 || now <= d->extra_at)
		return;
	steps = (now - d->extra_at) / d->decay;
	if (steps >= d->extra) {
		d->extra = 0;
		d->extra_at = now;
		return;
	}
	d->extra -= (uint32_t)steps;
	d->extra_at += steps * d->decay;
}

/* We became Master because the master went quiet. */
void
vrrp_damp_takeover(struct vrrp_damp *d, uint64_t now)
{
	d->took_at = now;
}

/*
 * The old master took the address back: within window of our takeover
 * it was alive all along, a flap.  Returns 1 if counted as one.
 */
int
vrrp_damp_back(struct vrrp_damp *d, uint64_t now)
{
	uint64_t	took = d->took_at;

	d->took_at = VRRP_TIME_NONE;
	if (took == VRRP_TIME_NONE || now < took || now - took > d->window)
		return (0);
	d->flaps++;
	if (d->penalty == 0)
		return (1);
	damp_decay(d, now);
	d->extra = d->extra + d->penalty > d->max ? d->max :
	    d->extra + d->penalty;
	d->extra_at = now;
	return (1);
}

/* Adverts a Backup lets pass before Master_Down_Timer fires. */
uint32_t
vrrp_damp_tolerance(struct vrrp_damp *d, uint64_t now)
{
	damp_decay(d, now);
	return (VRRP_TOLERANCE + d->extra);
}

const char *const vrrp_witness_names[VRRP_WITNESS_MAX] = {
	[VRRP_WITNESS_NONE] = "",
	[VRRP_WITNESS_UNKNOWN] = "unknown",
	[VRRP_WITNESS_DOWN] = "down",
	[VRRP_WITNESS_UP] = "up",
};

/*
 * The split-brain guard (had's extension, no RFC section): the state
 * the witness lets an instance in state cur go to.  peer_lost: a Backup
 * is about to take over (Master_Down_Timer fired, takeover_check had no
 * answer, or a preemption), or a Fault came from the witness.
 *
 * - Backup taking over: only with the witness up; otherwise Fault, as
 *   it may be the side cut off (unknown counts as down).
 * - Master: Fault once the witness is down, as it cannot tell whether
 *   the other side reaches it; unknown (a respawn) keeps it Master.
 * - A Fault of the witness's: Backup again (a fresh start) once it is
 *   up.  Without a witness nothing changes.
 */
enum vrrp_state
vrrp_witness_next(enum vrrp_state cur, int peer_lost, enum vrrp_witness w)
{
	int	up = w == VRRP_WITNESS_NONE || w == VRRP_WITNESS_UP;

	switch (cur) {
	case VRRP_STATE_BACKUP:
		if (!peer_lost)
			return (VRRP_STATE_BACKUP);
		return (up ? VRRP_STATE_MASTER : VRRP_STATE_FAULT);
	case VRRP_STATE_MASTER:
		return (w == VRRP_WITNESS_DOWN ? VRRP_STATE_FAULT :
		    VRRP_STATE_MASTER);
	case VRRP_STATE_FAULT:
		return (up && peer_lost ? VRRP_STATE_BACKUP :
		    VRRP_STATE_FAULT);
	default:
		return (cur);
	}
}
