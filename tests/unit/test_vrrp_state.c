/*
 * Unit tests for the VRRP state machine (vrrpd/vrrp_state.c), driven by
 * a fake clock: times are plain numbers of microseconds.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdint.h>
#include <string.h>

#include <criterion/criterion.h>

#include "../../vrrpd/vrrp_packet.h"
#include "../../vrrpd/vrrp_state.h"

#define SEC	1000000ULL
#define CS	10000ULL
#define T0	(1000 * SEC)	/* arbitrary boot offset */

static struct vrrp_addr
A(const char *s)
{
	struct vrrp_addr	a;

	memset(&a, 0, sizeof(a));
	if (inet_pton(AF_INET, s, &a.in.v4) == 1)
		a.af = AF_INET;
	else {
		cr_assert_eq(inet_pton(AF_INET6, s, &a.in.v6), 1, "%s", s);
		a.af = AF_INET6;
	}
	return (a);
}

static struct vrrp_sm_config
mkcfg(uint8_t version, uint8_t prio, uint16_t int_cs, const char *primary)
{
	struct vrrp_sm_config	c;

	memset(&c, 0, sizeof(c));
	c.version = version;
	c.priority = prio;
	c.adver_int = int_cs;
	c.preempt = 1;
	c.primary = A(primary);
	return (c);
}

static struct vrrp_advert	advbuf;

static const struct vrrp_advert *
adv(uint8_t prio, uint16_t int_cs, const char *src)
{
	memset(&advbuf, 0, sizeof(advbuf));
	advbuf.version = 3;
	advbuf.type = 1;
	advbuf.vrid = 51;
	advbuf.priority = prio;
	advbuf.adver_int = int_cs;
	advbuf.adver_int_cs = int_cs;
	advbuf.src = A(src);
	return (&advbuf);
}

/* Skew and down interval as the RFC writes them, in microseconds. */
static uint64_t
v3_mdi(unsigned prio, unsigned int_cs)
{
	return (3 * int_cs * CS + (256 - prio) * int_cs * CS / 256);
}

static uint64_t
v2_mdi(unsigned prio, unsigned int_s)
{
	return (3 * int_s * SEC + (256 - prio) * SEC / 256);
}

/* Start an instance and bring it to Master through the down timer. */
static uint64_t
to_master(struct vrrp_sm *sm, const struct vrrp_sm_config *c)
{
	struct vrrp_actions	act;

	vrrp_sm_init(sm, c);
	vrrp_sm_startup(sm, T0, &act);
	cr_assert_eq(act.new_state, VRRP_STATE_BACKUP);
	vrrp_sm_timer(sm, act.timer_at, &act);
	cr_assert_eq(act.new_state, VRRP_STATE_MASTER);
	return (sm->started + vrrp_sm_master_down_interval(sm));
}

Test(vrrp_state, names)
{
	cr_assert_str_eq(vrrp_state_name(VRRP_STATE_INIT), "INIT");
	cr_assert_str_eq(vrrp_state_name(VRRP_STATE_BACKUP), "BACKUP");
	cr_assert_str_eq(vrrp_state_name(VRRP_STATE_MASTER), "MASTER");
	cr_assert_str_eq(vrrp_state_name(VRRP_STATE_FAULT), "FAULT");
	cr_assert_str_eq(vrrp_state_name(VRRP_STATE_MAX), "UNKNOWN");
}

Test(vrrp_state, timers_follow_the_rfc)
{
	struct vrrp_sm		sm;
	struct vrrp_sm_config	c = mkcfg(3, 100, 100, "198.18.0.1");

	vrrp_sm_init(&sm, &c);
	/* (256 - 100) * 100 cs / 256 = 60.9375 cs */
	cr_assert_eq(vrrp_sm_skew_time(&sm), 609375);
	cr_assert_eq(vrrp_sm_master_down_interval(&sm), 3609375);
	c = mkcfg(3, 254, 1, "198.18.0.1");
	vrrp_sm_init(&sm, &c);
	cr_assert_eq(vrrp_sm_skew_time(&sm), 78);	/* 2 * 10000 / 256 */
	cr_assert_eq(vrrp_sm_master_down_interval(&sm), 30078);
	/* v2: (256 - Priority) / 256 seconds, whatever the interval. */
	c = mkcfg(2, 100, 200, "198.18.0.1");
	vrrp_sm_init(&sm, &c);
	cr_assert_eq(vrrp_sm_skew_time(&sm), 609375);
	cr_assert_eq(vrrp_sm_master_down_interval(&sm), 6609375);
	cr_assert_eq(vrrp_sm_master_down_interval(&sm), v2_mdi(100, 2));
	c.version = 3;
	vrrp_sm_init(&sm, &c);
	cr_assert_eq(vrrp_sm_master_down_interval(&sm), v3_mdi(100, 200));
	cr_assert_eq(vrrp_sm_master_down_interval(&sm), 6000000 + 1218750);
}

Test(vrrp_state, startup_backup_then_master_at_exactly_down_interval)
{
	struct vrrp_sm		sm;
	struct vrrp_sm_config	c = mkcfg(3, 100, 100, "198.18.0.1");
	struct vrrp_actions	act;
	uint64_t		t;

	vrrp_sm_init(&sm, &c);
	cr_assert_eq(sm.state, VRRP_STATE_INIT);
	cr_assert_eq(vrrp_sm_next_timer(&sm), VRRP_TIME_NONE);
	vrrp_sm_startup(&sm, T0, &act);
	cr_assert(act.transition);
	cr_assert_eq(act.old_state, VRRP_STATE_INIT);
	cr_assert_eq(act.new_state, VRRP_STATE_BACKUP);
	cr_assert_eq(act.flags, 0);
	cr_assert_str_eq(act.reason, "startup");
	t = T0 + v3_mdi(100, 100);
	cr_assert_eq(act.timer_at, t);

	/* One microsecond early: nothing happens. */
	vrrp_sm_timer(&sm, t - 1, &act);
	cr_assert_eq(act.transition, 0);
	cr_assert_eq(act.flags, 0);
	cr_assert_eq(act.new_state, VRRP_STATE_BACKUP);
	cr_assert_eq(act.timer_at, t);

	vrrp_sm_timer(&sm, t, &act);
	cr_assert(act.transition);
	cr_assert_eq(act.new_state, VRRP_STATE_MASTER);
	cr_assert_eq(act.flags, VRRP_ACT_BECOME_MASTER | VRRP_ACT_SEND_ADVERT);
	cr_assert_eq(act.priority, 100);
	cr_assert_str_eq(act.reason, "master down timer expired");
	cr_assert_eq(act.timer_at, t + SEC);

	/* Then an advert every Advertisement_Interval. */
	vrrp_sm_timer(&sm, t + SEC - 1, &act);
	cr_assert_eq(act.flags, 0);
	vrrp_sm_timer(&sm, t + SEC, &act);
	cr_assert_eq(act.flags, VRRP_ACT_SEND_ADVERT);
	cr_assert_eq(act.transition, 0);
	cr_assert_eq(act.timer_at, t + 2 * SEC);
	cr_assert_eq(sm.stats.adverts_sent, 2);
	cr_assert_eq(sm.stats.became_master, 1);
	cr_assert_eq(sm.stats.transitions, 2);
}

Test(vrrp_state, v2_down_interval)
{
	struct vrrp_sm		sm;
	struct vrrp_sm_config	c = mkcfg(2, 100, 200, "198.18.0.1");
	struct vrrp_actions	act;

	vrrp_sm_init(&sm, &c);
	vrrp_sm_startup(&sm, T0, &act);
	cr_assert_eq(act.timer_at, T0 + v2_mdi(100, 2));
	vrrp_sm_timer(&sm, T0 + v2_mdi(100, 2) - 1, &act);
	cr_assert_eq(act.new_state, VRRP_STATE_BACKUP);
	vrrp_sm_timer(&sm, T0 + v2_mdi(100, 2), &act);
	cr_assert_eq(act.new_state, VRRP_STATE_MASTER);
	cr_assert_eq(act.timer_at, T0 + v2_mdi(100, 2) + 2 * SEC);
}

Test(vrrp_state, backup_advert_resets_down_timer)
{
	struct vrrp_sm		sm;
	struct vrrp_sm_config	c = mkcfg(3, 100, 100, "198.18.0.1");
	struct vrrp_actions	act;
	uint64_t		now = T0;
	int			i;

	vrrp_sm_init(&sm, &c);
	vrrp_sm_startup(&sm, now, &act);
	/* A live master at higher priority keeps us Backup forever. */
	for (i = 0; i < 100; i++) {
		now += SEC;
		vrrp_sm_timer(&sm, now, &act);
		cr_assert_eq(act.new_state, VRRP_STATE_BACKUP);
		vrrp_sm_advert(&sm, now, adv(150, 100, "198.18.0.2"), &act);
		cr_assert_eq(act.new_state, VRRP_STATE_BACKUP);
		cr_assert_eq(act.flags, 0);
		cr_assert_eq(act.timer_at, now + v3_mdi(100, 100));
	}
	cr_assert_eq(sm.stats.adverts_rcvd, 100);
	/* The master dies: we take over one down interval later. */
	vrrp_sm_timer(&sm, now + v3_mdi(100, 100), &act);
	cr_assert_eq(act.new_state, VRRP_STATE_MASTER);
	cr_assert_str_eq(act.reason, "master down timer expired");
}

Test(vrrp_state, higher_priority_advert_makes_master_backup)
{
	struct vrrp_sm		sm;
	struct vrrp_sm_config	c = mkcfg(3, 100, 100, "198.18.0.1");
	struct vrrp_actions	act;
	uint64_t		now;

	now = to_master(&sm, &c) + 10 * CS;
	vrrp_sm_advert(&sm, now, adv(120, 100, "198.18.0.2"), &act);
	cr_assert(act.transition);
	cr_assert_eq(act.old_state, VRRP_STATE_MASTER);
	cr_assert_eq(act.new_state, VRRP_STATE_BACKUP);
	cr_assert_eq(act.flags, VRRP_ACT_LEAVE_MASTER);
	cr_assert_str_eq(act.reason, "higher priority 120 from 198.18.0.2");
	cr_assert_eq(act.timer_at, now + v3_mdi(100, 100));
	cr_assert_eq(sm.stats.released_master, 1);
	cr_assert_str_eq(sm.last_reason, act.reason);
}

Test(vrrp_state, lower_priority_advert_master_stays)
{
	struct vrrp_sm		sm;
	struct vrrp_sm_config	c = mkcfg(3, 100, 100, "198.18.0.1");
	struct vrrp_actions	act;
	uint64_t		now, next;

	now = to_master(&sm, &c);
	next = vrrp_sm_next_timer(&sm);
	vrrp_sm_advert(&sm, now + 1, adv(99, 100, "198.18.0.200"), &act);
	cr_assert_eq(act.transition, 0);
	cr_assert_eq(act.flags, 0);
	cr_assert_eq(act.new_state, VRRP_STATE_MASTER);
	cr_assert_eq(act.timer_at, next);
}

Test(vrrp_state, backup_preempts_lower_priority_master)
{
	struct vrrp_sm		sm;
	struct vrrp_sm_config	c = mkcfg(3, 200, 100, "198.18.0.1");
	struct vrrp_actions	act;
	uint64_t		now = T0, down;

	vrrp_sm_init(&sm, &c);
	vrrp_sm_startup(&sm, now, &act);
	down = act.timer_at;
	/* Lower-priority adverts are discarded: the timer runs out. */
	for (now = T0 + SEC; now < down; now += SEC) {
		vrrp_sm_advert(&sm, now, adv(100, 100, "198.18.0.2"), &act);
		cr_assert_eq(act.timer_at, down);
		cr_assert_eq(act.new_state, VRRP_STATE_BACKUP);
	}
	vrrp_sm_timer(&sm, down, &act);
	cr_assert_eq(act.new_state, VRRP_STATE_MASTER);
	cr_assert_str_eq(act.reason, "preempt: priority 200 over 100 from "
	    "198.18.0.2");
}

Test(vrrp_state, nopreempt_backup_does_not_preempt)
{
	struct vrrp_sm		sm;
	struct vrrp_sm_config	c = mkcfg(3, 200, 100, "198.18.0.1");
	struct vrrp_actions	act;
	uint64_t		now = T0;
	int			i;

	c.preempt = 0;
	vrrp_sm_init(&sm, &c);
	vrrp_sm_startup(&sm, now, &act);
	for (i = 0; i < 60; i++) {
		now += SEC;
		vrrp_sm_advert(&sm, now, adv(100, 100, "198.18.0.2"), &act);
		cr_assert_eq(act.timer_at, now + v3_mdi(200, 100));
		vrrp_sm_timer(&sm, now + SEC - 1, &act);
		cr_assert_eq(act.new_state, VRRP_STATE_BACKUP);
	}
	cr_assert_eq(sm.stats.became_master, 0);
}

Test(vrrp_state, equal_priority_higher_address_wins)
{
	struct vrrp_sm		sm;
	struct vrrp_sm_config	c = mkcfg(3, 100, 100, "198.18.0.10");
	struct vrrp_actions	act;
	uint64_t		now;

	now = to_master(&sm, &c);
	/* Lower address (numerically: .9 < .10): we stay Master. */
	vrrp_sm_advert(&sm, now, adv(100, 100, "198.18.0.9"), &act);
	cr_assert_eq(act.new_state, VRRP_STATE_MASTER);
	cr_assert_eq(act.flags, 0);
	/* Our own address (looped back): not greater, stay. */
	vrrp_sm_advert(&sm, now, adv(100, 100, "198.18.0.10"), &act);
	cr_assert_eq(act.new_state, VRRP_STATE_MASTER);
	vrrp_sm_advert(&sm, now, adv(100, 100, "198.18.0.11"), &act);
	cr_assert_eq(act.new_state, VRRP_STATE_BACKUP);
	cr_assert_eq(act.flags, VRRP_ACT_LEAVE_MASTER);
	cr_assert_str_eq(act.reason,
	    "equal priority 100 from higher address 198.18.0.11");
}

Test(vrrp_state, equal_priority_tiebreak_ipv6)
{
	struct vrrp_sm		sm;
	struct vrrp_sm_config	c = mkcfg(3, 100, 100, "fe80::2");
	struct vrrp_actions	act;
	uint64_t		now;

	now = to_master(&sm, &c);
	vrrp_sm_advert(&sm, now, adv(100, 100, "fe80::1"), &act);
	cr_assert_eq(act.new_state, VRRP_STATE_MASTER);
	vrrp_sm_advert(&sm, now, adv(100, 100, "fe80::1:1"), &act);
	cr_assert_eq(act.new_state, VRRP_STATE_BACKUP);
}

Test(vrrp_state, equal_priority_backup_waits)
{
	struct vrrp_sm		sm;
	struct vrrp_sm_config	c = mkcfg(3, 100, 100, "198.18.0.200");
	struct vrrp_actions	act;

	/* RFC 5798 6.4.2: ">= local priority" resets the timer, no tiebreak. */
	vrrp_sm_init(&sm, &c);
	vrrp_sm_startup(&sm, T0, &act);
	vrrp_sm_advert(&sm, T0 + SEC, adv(100, 100, "198.18.0.1"), &act);
	cr_assert_eq(act.timer_at, T0 + SEC + v3_mdi(100, 100));
}

Test(vrrp_state, priority_zero_backup_takes_over_within_skew)
{
	struct vrrp_sm		sm;
	struct vrrp_sm_config	c = mkcfg(3, 100, 100, "198.18.0.1");
	struct vrrp_actions	act;
	uint64_t		now = T0 + 2 * SEC, skew = 609375;

	vrrp_sm_init(&sm, &c);
	vrrp_sm_startup(&sm, T0, &act);
	vrrp_sm_advert(&sm, T0 + SEC, adv(200, 100, "198.18.0.2"), &act);
	vrrp_sm_advert(&sm, now, adv(0, 100, "198.18.0.2"), &act);
	cr_assert_eq(act.timer_at, now + skew);
	cr_assert_eq(sm.stats.prio0_rcvd, 1);
	vrrp_sm_timer(&sm, now + skew - 1, &act);
	cr_assert_eq(act.new_state, VRRP_STATE_BACKUP);
	vrrp_sm_timer(&sm, now + skew, &act);
	cr_assert_eq(act.new_state, VRRP_STATE_MASTER);
	cr_assert_str_eq(act.reason, "priority 0 received from 198.18.0.2");
}

Test(vrrp_state, priority_zero_to_master_sends_advert_now)
{
	struct vrrp_sm		sm;
	struct vrrp_sm_config	c = mkcfg(3, 100, 100, "198.18.0.1");
	struct vrrp_actions	act;
	uint64_t		now;

	now = to_master(&sm, &c) + 30 * CS;
	vrrp_sm_advert(&sm, now, adv(0, 100, "198.18.0.2"), &act);
	cr_assert_eq(act.new_state, VRRP_STATE_MASTER);
	cr_assert_eq(act.flags, VRRP_ACT_SEND_ADVERT);
	cr_assert_eq(act.timer_at, now + SEC);
}

Test(vrrp_state, shutdown_from_master_sends_priority_zero)
{
	struct vrrp_sm		sm;
	struct vrrp_sm_config	c = mkcfg(3, 100, 100, "198.18.0.1");
	struct vrrp_actions	act;
	uint64_t		now;

	now = to_master(&sm, &c);
	vrrp_sm_shutdown(&sm, now + 5, &act);
	cr_assert_eq(act.flags, VRRP_ACT_SEND_PRIO0 | VRRP_ACT_LEAVE_MASTER);
	cr_assert_eq(act.new_state, VRRP_STATE_INIT);
	cr_assert_str_eq(act.reason, "shutdown");
	cr_assert_eq(act.timer_at, VRRP_TIME_NONE);
	cr_assert_eq(sm.stats.prio0_sent, 1);
	/* Shutdown twice is a no-op. */
	vrrp_sm_shutdown(&sm, now + 6, &act);
	cr_assert_eq(act.flags, 0);
	cr_assert_eq(act.transition, 0);
	/* And a Backup just goes quiet. */
	vrrp_sm_init(&sm, &c);
	vrrp_sm_startup(&sm, T0, &act);
	vrrp_sm_shutdown(&sm, T0 + 1, &act);
	cr_assert_eq(act.flags, 0);
	cr_assert_eq(act.new_state, VRRP_STATE_INIT);
	cr_assert_eq(act.timer_at, VRRP_TIME_NONE);
}

Test(vrrp_state, v3_backup_learns_master_interval)
{
	struct vrrp_sm		sm;
	struct vrrp_sm_config	c = mkcfg(3, 100, 100, "198.18.0.1");
	struct vrrp_actions	act;
	uint64_t		now = T0 + SEC;

	vrrp_sm_init(&sm, &c);
	vrrp_sm_startup(&sm, T0, &act);
	vrrp_sm_advert(&sm, now, adv(150, 50, "198.18.0.2"), &act);
	cr_assert_eq(sm.master_adver_int, 50);
	cr_assert_eq(act.timer_at, now + v3_mdi(100, 50));
	cr_assert_eq(act.timer_at, now + 1500000 + 304687);
	/* Priority 0 uses the learned interval for the skew too. */
	vrrp_sm_advert(&sm, now + 1, adv(0, 50, "198.18.0.2"), &act);
	cr_assert_eq(act.timer_at, now + 1 + 304687);
	/* Our own adverts keep the configured interval once Master. */
	vrrp_sm_timer(&sm, act.timer_at, &act);
	cr_assert_eq(act.new_state, VRRP_STATE_MASTER);
	cr_assert_eq(act.timer_at, now + 1 + 304687 + SEC);
}

Test(vrrp_state, v3_master_learns_interval_when_displaced)
{
	struct vrrp_sm		sm;
	struct vrrp_sm_config	c = mkcfg(3, 100, 100, "198.18.0.1");
	struct vrrp_actions	act;
	uint64_t		now;

	now = to_master(&sm, &c);
	vrrp_sm_advert(&sm, now, adv(200, 400, "198.18.0.2"), &act);
	cr_assert_eq(act.new_state, VRRP_STATE_BACKUP);
	cr_assert_eq(act.timer_at, now + v3_mdi(100, 400));
}

Test(vrrp_state, v2_does_not_learn_interval)
{
	struct vrrp_sm		sm;
	struct vrrp_sm_config	c = mkcfg(2, 100, 100, "198.18.0.1");
	struct vrrp_actions	act;
	struct vrrp_advert	a;

	vrrp_sm_init(&sm, &c);
	vrrp_sm_startup(&sm, T0, &act);
	a = *adv(150, 300, "198.18.0.2");
	a.version = 2;
	vrrp_sm_advert(&sm, T0 + SEC, &a, &act);
	cr_assert_eq(act.timer_at, T0 + SEC + v2_mdi(100, 1));
}

Test(vrrp_state, preempt_delay)
{
	struct vrrp_sm		sm;
	struct vrrp_sm_config	c = mkcfg(3, 200, 100, "198.18.0.1");
	struct vrrp_actions	act;
	uint64_t		now, d;

	c.preempt_delay = 10 * SEC;
	vrrp_sm_init(&sm, &c);
	vrrp_sm_startup(&sm, T0, &act);
	/* A lower-priority master is tolerated during the delay. */
	for (now = T0 + SEC; now < T0 + 10 * SEC; now += SEC) {
		vrrp_sm_advert(&sm, now, adv(100, 100, "198.18.0.2"), &act);
		cr_assert_eq(act.new_state, VRRP_STATE_BACKUP);
		/* The down timer keeps being reset; delay end is armed. */
		d = now + v3_mdi(200, 100);
		cr_assert_eq(act.timer_at, d < T0 + 10 * SEC ? d :
		    T0 + 10 * SEC);
		vrrp_sm_timer(&sm, now + SEC - 1, &act);
		cr_assert_eq(act.new_state, VRRP_STATE_BACKUP);
	}
	/* ... and preempted the moment the delay is over. */
	vrrp_sm_timer(&sm, T0 + 10 * SEC, &act);
	cr_assert_eq(act.new_state, VRRP_STATE_MASTER);
	cr_assert_eq(act.flags, VRRP_ACT_BECOME_MASTER | VRRP_ACT_SEND_ADVERT);
	cr_assert_str_eq(act.reason, "preempt_delay elapsed: priority 200 "
	    "over 100 from 198.18.0.2");
}

Test(vrrp_state, preempt_delay_cancelled_by_higher_master)
{
	struct vrrp_sm		sm;
	struct vrrp_sm_config	c = mkcfg(3, 200, 100, "198.18.0.1");
	struct vrrp_actions	act;
	uint64_t		now;

	c.preempt_delay = 10 * SEC;
	vrrp_sm_init(&sm, &c);
	vrrp_sm_startup(&sm, T0, &act);
	vrrp_sm_advert(&sm, T0 + SEC, adv(100, 100, "198.18.0.2"), &act);
	cr_assert_eq(act.timer_at, T0 + SEC + v3_mdi(200, 100));
	cr_assert(sm.preempt_held);
	/* A better master shows up: nothing left to preempt. */
	for (now = T0 + 2 * SEC; now <= T0 + 12 * SEC; now += SEC) {
		vrrp_sm_advert(&sm, now, adv(250, 100, "198.18.0.3"), &act);
		cr_assert_eq(act.timer_at, now + v3_mdi(200, 100));
		cr_assert_eq(sm.preempt_held, 0);
		vrrp_sm_timer(&sm, now + SEC - 1, &act);
		cr_assert_eq(act.new_state, VRRP_STATE_BACKUP);
	}
	/* After the delay the RFC rule applies: discard, then take over. */
	vrrp_sm_advert(&sm, now, adv(100, 100, "198.18.0.2"), &act);
	cr_assert_eq(act.timer_at, now - SEC + v3_mdi(200, 100));
	vrrp_sm_timer(&sm, act.timer_at, &act);
	cr_assert_eq(act.new_state, VRRP_STATE_MASTER);
}

Test(vrrp_state, fault_enter_and_leave)
{
	struct vrrp_sm		sm;
	struct vrrp_sm_config	c = mkcfg(3, 100, 100, "198.18.0.1");
	struct vrrp_actions	act;
	uint64_t		now;

	now = to_master(&sm, &c);
	vrrp_sm_set_fault(&sm, now, 1, NULL, &act);
	cr_assert(act.transition);
	cr_assert_eq(act.new_state, VRRP_STATE_FAULT);
	cr_assert_eq(act.flags, VRRP_ACT_SEND_PRIO0 | VRRP_ACT_LEAVE_MASTER);
	cr_assert_str_eq(act.reason, "tracking failed");
	cr_assert_eq(act.timer_at, VRRP_TIME_NONE);
	cr_assert_eq(sm.stats.faults, 1);

	/* Fault is deaf and has no timers. */
	vrrp_sm_advert(&sm, now + 1, adv(0, 100, "198.18.0.2"), &act);
	cr_assert_eq(act.flags, 0);
	cr_assert_eq(act.new_state, VRRP_STATE_FAULT);
	vrrp_sm_timer(&sm, now + 100 * SEC, &act);
	cr_assert_eq(act.new_state, VRRP_STATE_FAULT);
	/* Same report again: nothing. */
	vrrp_sm_set_fault(&sm, now + 2, 1, "again", &act);
	cr_assert_eq(act.transition, 0);

	now += 200 * SEC;
	vrrp_sm_set_fault(&sm, now, 0, NULL, &act);
	cr_assert_eq(act.new_state, VRRP_STATE_BACKUP);
	cr_assert_str_eq(act.reason, "tracking recovered");
	cr_assert_eq(act.flags, 0);
	cr_assert_eq(act.timer_at, now + v3_mdi(100, 100));
}

Test(vrrp_state, fault_from_backup_and_before_startup)
{
	struct vrrp_sm		sm;
	struct vrrp_sm_config	c = mkcfg(3, 100, 100, "198.18.0.1");
	struct vrrp_actions	act;

	vrrp_sm_init(&sm, &c);
	vrrp_sm_startup(&sm, T0, &act);
	vrrp_sm_set_fault(&sm, T0 + 1, 1, "track_script chk_nginx failed",
	    &act);
	cr_assert_eq(act.flags, 0);
	cr_assert_eq(act.new_state, VRRP_STATE_FAULT);
	cr_assert_str_eq(act.reason, "track_script chk_nginx failed");

	/* Tracking already down when we start: straight to Fault. */
	vrrp_sm_init(&sm, &c);
	vrrp_sm_set_fault(&sm, T0, 1, NULL, &act);
	cr_assert_eq(act.new_state, VRRP_STATE_INIT);
	vrrp_sm_startup(&sm, T0, &act);
	cr_assert_eq(act.new_state, VRRP_STATE_FAULT);
	cr_assert_eq(act.timer_at, VRRP_TIME_NONE);
	/* Owner recovering from Fault goes straight back to Master. */
	c.priority = 255;
	vrrp_sm_init(&sm, &c);
	vrrp_sm_startup(&sm, T0, &act);
	vrrp_sm_set_fault(&sm, T0 + 1, 1, NULL, &act);
	vrrp_sm_set_fault(&sm, T0 + 2, 0, NULL, &act);
	cr_assert_eq(act.new_state, VRRP_STATE_MASTER);
	cr_assert_eq(act.flags, VRRP_ACT_BECOME_MASTER | VRRP_ACT_SEND_ADVERT);
}

Test(vrrp_state, owner_goes_master_at_startup)
{
	struct vrrp_sm		sm;
	struct vrrp_sm_config	c = mkcfg(3, 255, 100, "198.18.0.1");
	struct vrrp_actions	act;

	vrrp_sm_init(&sm, &c);
	vrrp_sm_startup(&sm, T0, &act);
	cr_assert_eq(act.new_state, VRRP_STATE_MASTER);
	cr_assert_eq(act.flags, VRRP_ACT_BECOME_MASTER | VRRP_ACT_SEND_ADVERT);
	cr_assert_eq(act.priority, 255);
	cr_assert_eq(act.timer_at, T0 + SEC);
	cr_assert_str_eq(act.reason, "startup: address owner (priority 255)");
	/* Tracking weights do not move an owner. */
	vrrp_sm_set_weight(&sm, T0 + 1, -50, &act);
	cr_assert_eq(vrrp_sm_eff_prio(&sm), 255);
	cr_assert_eq(act.flags, 0);
}

Test(vrrp_state, effective_priority_is_clamped)
{
	struct vrrp_sm		sm;
	struct vrrp_sm_config	c = mkcfg(3, 100, 100, "198.18.0.1");
	struct vrrp_actions	act;
	uint64_t		now;

	vrrp_sm_init(&sm, &c);
	vrrp_sm_set_weight(&sm, T0, 200, &act);
	cr_assert_eq(vrrp_sm_eff_prio(&sm), 254);
	vrrp_sm_set_weight(&sm, T0, -200, &act);
	cr_assert_eq(vrrp_sm_eff_prio(&sm), 1);
	vrrp_sm_set_weight(&sm, T0, -30, &act);
	cr_assert_eq(vrrp_sm_eff_prio(&sm), 70);
	vrrp_sm_set_weight(&sm, T0, 0, &act);
	cr_assert_eq(vrrp_sm_eff_prio(&sm), 100);

	/* A Master announces a new priority at once. */
	now = to_master(&sm, &c) + 10;
	vrrp_sm_set_weight(&sm, now, -20, &act);
	cr_assert_eq(act.flags, VRRP_ACT_SEND_ADVERT);
	cr_assert_eq(act.priority, 80);
	cr_assert_eq(act.timer_at, now + SEC);
	/* Now a priority-90 router displaces us. */
	vrrp_sm_advert(&sm, now + 1, adv(90, 100, "198.18.0.2"), &act);
	cr_assert_eq(act.new_state, VRRP_STATE_BACKUP);
	/* Unchanged priority: no extra advert. */
	vrrp_sm_set_weight(&sm, now + 2, -20, &act);
	cr_assert_eq(act.flags, 0);
}

Test(vrrp_state, weight_changes_backup_skew)
{
	struct vrrp_sm		sm;
	struct vrrp_sm_config	c = mkcfg(3, 100, 100, "198.18.0.1");
	struct vrrp_actions	act;

	vrrp_sm_init(&sm, &c);
	vrrp_sm_startup(&sm, T0, &act);
	vrrp_sm_set_weight(&sm, T0, 50, &act);
	vrrp_sm_advert(&sm, T0 + SEC, adv(200, 100, "198.18.0.2"), &act);
	cr_assert_eq(act.timer_at, T0 + SEC + v3_mdi(150, 100));
}

Test(vrrp_state, initial_master_hint_still_elects)
{
	struct vrrp_sm		sm;
	struct vrrp_sm_config	c = mkcfg(3, 100, 100, "198.18.0.1");
	struct vrrp_actions	act;

	c.init_master = 1;
	vrrp_sm_init(&sm, &c);
	vrrp_sm_startup(&sm, T0, &act);
	cr_assert_eq(act.new_state, VRRP_STATE_BACKUP);
	cr_assert_eq(act.flags, 0);
	cr_assert_str_eq(act.reason,
	    "startup (initial state MASTER, awaiting election)");
	/* A better router heard in time keeps us Backup. */
	vrrp_sm_advert(&sm, T0 + SEC, adv(150, 100, "198.18.0.2"), &act);
	vrrp_sm_timer(&sm, T0 + v3_mdi(100, 100), &act);
	cr_assert_eq(act.new_state, VRRP_STATE_BACKUP);
	/* Startup twice is a no-op. */
	vrrp_sm_startup(&sm, T0 + 2 * SEC, &act);
	cr_assert_eq(act.transition, 0);
}

Test(vrrp_state, init_ignores_adverts_and_timers)
{
	struct vrrp_sm		sm;
	struct vrrp_sm_config	c = mkcfg(3, 100, 100, "198.18.0.1");
	struct vrrp_actions	act;

	vrrp_sm_init(&sm, &c);
	vrrp_sm_advert(&sm, T0, adv(200, 100, "198.18.0.2"), &act);
	cr_assert_eq(act.new_state, VRRP_STATE_INIT);
	vrrp_sm_timer(&sm, T0 + 100 * SEC, &act);
	cr_assert_eq(act.new_state, VRRP_STATE_INIT);
	cr_assert_eq(act.flags, 0);
	cr_assert_eq(act.timer_at, VRRP_TIME_NONE);
}

/*
 * Two routers on a fake wire: every advert one sends, the other
 * receives at the same instant.  Runs until `until`, bounded in steps.
 */
struct peer {
	struct vrrp_sm		sm;
	uint64_t		next;
};

static void
deliver(struct peer *to, struct peer *from, uint64_t now,
    const struct vrrp_actions *act)
{
	struct vrrp_actions	 r;
	struct vrrp_advert	 a;
	char			 ip[INET6_ADDRSTRLEN];

	if (to->sm.state == VRRP_STATE_INIT)
		return;
	vrrp_addr_ntop(&from->sm.cfg.primary, ip, sizeof(ip));
	if (act->flags & VRRP_ACT_SEND_PRIO0) {
		vrrp_sm_advert(&to->sm, now, adv(0, from->sm.cfg.adver_int,
		    ip), &r);
		to->next = r.timer_at;
	}
	if (act->flags & VRRP_ACT_SEND_ADVERT) {
		a = *adv(act->priority, from->sm.cfg.adver_int, ip);
		vrrp_sm_advert(&to->sm, now, &a, &r);
		to->next = r.timer_at;
		/* Whatever it answers goes straight back. */
		if (r.flags & VRRP_ACT_SEND_ADVERT) {
			vrrp_addr_ntop(&to->sm.cfg.primary, ip, sizeof(ip));
			vrrp_sm_advert(&from->sm, now,
			    adv(r.priority, to->sm.cfg.adver_int, ip), &r);
			from->next = r.timer_at;
		}
	}
}

/*
 * Fire every timer due at the earliest deadline first, then deliver
 * what they sent: two routers timing out at the same instant both
 * become Master, as they would on a real wire.
 */
static void
run(struct peer *p, uint64_t *now, uint64_t until)
{
	struct vrrp_actions	act[2];
	int			steps, i, due[2];
	uint64_t		t;

	for (steps = 0; steps < 100000; steps++) {
		t = p[0].next < p[1].next ? p[0].next : p[1].next;
		if (t == VRRP_TIME_NONE || t > until)
			break;
		*now = t;
		for (i = 0; i < 2; i++) {
			due[i] = p[i].next == t;
			if (!due[i])
				continue;
			vrrp_sm_timer(&p[i].sm, t, &act[i]);
			p[i].next = act[i].timer_at;
		}
		for (i = 0; i < 2; i++)
			if (due[i])
				deliver(&p[1 - i], &p[i], t, &act[i]);
	}
	cr_assert_lt(steps, 100000);
	*now = until;
}

Test(vrrp_state, two_routers_elect_and_fail_over)
{
	struct peer		p[2];
	struct vrrp_sm_config	ca = mkcfg(3, 100, 100, "198.18.0.1");
	struct vrrp_sm_config	cb = mkcfg(3, 200, 100, "198.18.0.2");
	struct vrrp_actions	act;
	uint64_t		now = T0;

	vrrp_sm_init(&p[0].sm, &ca);
	vrrp_sm_init(&p[1].sm, &cb);
	vrrp_sm_startup(&p[0].sm, now, &act);
	p[0].next = act.timer_at;
	vrrp_sm_startup(&p[1].sm, now + 500 * CS, &act);
	p[1].next = act.timer_at;

	/* A starts first and wins by default, then B preempts. */
	run(p, &now, T0 + 30 * SEC);
	cr_assert_eq(p[0].sm.state, VRRP_STATE_BACKUP);
	cr_assert_eq(p[1].sm.state, VRRP_STATE_MASTER);
	cr_assert_eq(p[0].sm.stats.became_master, 1);

	/* B shuts down cleanly: A takes over after its skew only. */
	vrrp_sm_shutdown(&p[1].sm, now, &act);
	p[1].next = act.timer_at;
	deliver(&p[0], &p[1], now, &act);
	run(p, &now, T0 + 60 * SEC);
	cr_assert_eq(p[0].sm.state, VRRP_STATE_MASTER);
	cr_assert_str_eq(p[0].sm.last_reason,
	    "priority 0 received from 198.18.0.2");
	cr_assert_eq(p[0].sm.stats.became_master, 2);
	cr_assert_lt(p[0].sm.stats.adverts_sent, 60);
}

Test(vrrp_state, two_equal_routers_settle_on_higher_address)
{
	struct peer		p[2];
	struct vrrp_sm_config	ca = mkcfg(3, 100, 100, "198.18.0.1");
	struct vrrp_sm_config	cb = mkcfg(3, 100, 100, "198.18.0.2");
	struct vrrp_actions	act;
	uint64_t		now = T0;

	vrrp_sm_init(&p[0].sm, &ca);
	vrrp_sm_init(&p[1].sm, &cb);
	/* Both start together and time out together. */
	vrrp_sm_startup(&p[0].sm, now, &act);
	p[0].next = act.timer_at;
	vrrp_sm_startup(&p[1].sm, now, &act);
	p[1].next = act.timer_at;
	run(p, &now, T0 + 20 * SEC);
	cr_assert_eq(p[0].sm.state, VRRP_STATE_BACKUP);
	cr_assert_eq(p[1].sm.state, VRRP_STATE_MASTER);
	cr_assert_eq(p[0].sm.stats.became_master, 1);
	cr_assert_str_eq(p[0].sm.last_reason,
	    "equal priority 100 from higher address 198.18.0.2");
}

/*
 * hactl maintenance: a Master sends priority 0, keeps its VIPs (stays
 * Master, no advert) until it hears the new Master, then goes Backup; a
 * Backup in maintenance never becomes Master, even as the better one;
 * off, preemption brings it back after Master_Down_Interval.
 */
Test(vrrp_state, maintenance_hands_over_and_stays_backup)
{
	struct vrrp_sm		sm;
	struct vrrp_sm_config	c = mkcfg(3, 200, 10, "198.18.0.1");
	struct vrrp_actions	act;
	uint64_t		now = T0;
	int			i;

	vrrp_sm_init(&sm, &c);
	vrrp_sm_startup(&sm, now, &act);
	now += v3_mdi(200, 10);
	vrrp_sm_timer(&sm, now, &act);
	cr_assert_eq(sm.state, VRRP_STATE_MASTER);

	vrrp_sm_set_maint(&sm, now, 1, &act);
	cr_assert_eq(act.flags, VRRP_ACT_SEND_PRIO0);
	cr_assert_eq(act.transition, 0);
	cr_assert_eq(sm.state, VRRP_STATE_MASTER);
	/* No advert while handing over; our own priority 0 is no master. */
	now += 5 * CS;
	vrrp_sm_timer(&sm, now, &act);
	cr_assert_eq(act.flags, 0);
	vrrp_sm_advert(&sm, now, adv(0, 10, "198.18.0.3"), &act);
	cr_assert_eq(sm.state, VRRP_STATE_MASTER);
	vrrp_sm_advert(&sm, now, adv(100, 10, "198.18.0.2"), &act);
	cr_assert(act.transition);
	cr_assert_eq(act.new_state, VRRP_STATE_BACKUP);
	cr_assert_eq(act.flags, VRRP_ACT_LEAVE_MASTER);
	cr_assert_str_eq(act.reason, "maintenance: new master 198.18.0.2 "
	    "heard");

	/* The better router, yet Backup for 100 s of a lower Master. */
	for (i = 0; i < 100; i++) {
		now += SEC;
		vrrp_sm_timer(&sm, now, &act);
		cr_assert_eq(act.new_state, VRRP_STATE_BACKUP);
		cr_assert_eq(act.flags, 0);
		if (i < 50)
			vrrp_sm_advert(&sm, now, adv(100, 10, "198.18.0.2"),
			    &act);
		cr_assert_eq(act.new_state, VRRP_STATE_BACKUP);
	}
	/* A restart of the instance keeps it Backup too. */
	vrrp_sm_resume_master(&sm, now, "resumed", &act);
	cr_assert_eq(sm.state, VRRP_STATE_BACKUP);

	vrrp_sm_set_maint(&sm, now, 0, &act);
	cr_assert_eq(act.timer_at, now + v3_mdi(200, 10));
	vrrp_sm_advert(&sm, now, adv(100, 10, "198.18.0.2"), &act);
	vrrp_sm_timer(&sm, now + v3_mdi(200, 10), &act);
	cr_assert(act.transition);
	cr_assert_eq(act.new_state, VRRP_STATE_MASTER);
}

/* Nobody else: the handover ends with Master_Down_Interval. */
Test(vrrp_state, maintenance_without_a_peer)
{
	struct vrrp_sm		sm;
	struct vrrp_sm_config	c = mkcfg(3, 100, 100, "198.18.0.1");
	struct vrrp_actions	act;
	uint64_t		now = T0;

	vrrp_sm_init(&sm, &c);
	vrrp_sm_startup(&sm, now, &act);
	now += v3_mdi(100, 100);
	vrrp_sm_timer(&sm, now, &act);
	cr_assert_eq(sm.state, VRRP_STATE_MASTER);
	vrrp_sm_set_maint(&sm, now, 1, &act);
	/* 3.6 s of down interval, capped at 2 s. */
	cr_assert_eq(act.timer_at, now + 2 * SEC);
	vrrp_sm_timer(&sm, now + 2 * SEC - 1, &act);
	cr_assert_eq(sm.state, VRRP_STATE_MASTER);
	vrrp_sm_timer(&sm, now + 2 * SEC, &act);
	cr_assert_eq(act.new_state, VRRP_STATE_BACKUP);
	cr_assert_eq(act.flags, VRRP_ACT_LEAVE_MASTER);
	cr_assert_str_eq(act.reason, "maintenance: no new master heard");
}
