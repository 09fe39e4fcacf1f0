/*
 * Unit tests for flap damping (vrrpd/vrrp_state.c, vrrp_damp_*) and
 * the tolerance it feeds the state machine, driven by a fake clock:
 * times are plain numbers of microseconds.
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
#define T0	(5000 * SEC)	/* arbitrary boot offset */

/* penalty 3, max 9, window 30 s, decay 60 s: the test's defaults. */
static void
mk(struct vrrp_damp *d)
{
	vrrp_damp_init(d, 3, 9, 30 * SEC, 60 * SEC);
}

Test(damp, starts_at_the_rfc_tolerance)
{
	struct vrrp_damp	d;

	mk(&d);
	cr_expect_eq(vrrp_damp_tolerance(&d, T0), 3);
	cr_expect_eq(d.flaps, 0);
}

Test(damp, back_within_window_is_a_flap)
{
	struct vrrp_damp	d;

	mk(&d);
	vrrp_damp_takeover(&d, T0);
	cr_expect_eq(vrrp_damp_back(&d, T0 + 10 * SEC), 1);
	cr_expect_eq(d.flaps, 1);
	cr_expect_eq(vrrp_damp_tolerance(&d, T0 + 10 * SEC), 6);
}

Test(damp, back_after_window_is_no_flap)
{
	struct vrrp_damp	d;

	mk(&d);
	vrrp_damp_takeover(&d, T0);
	cr_expect_eq(vrrp_damp_back(&d, T0 + 31 * SEC), 0);
	cr_expect_eq(d.flaps, 0);
	cr_expect_eq(vrrp_damp_tolerance(&d, T0 + 31 * SEC), 3);
}

Test(damp, back_without_takeover_is_no_flap)
{
	struct vrrp_damp	d;

	mk(&d);
	/* Preempted as a master that never took over (startup, owner). */
	cr_expect_eq(vrrp_damp_back(&d, T0), 0);
	cr_expect_eq(vrrp_damp_tolerance(&d, T0), 3);
	/* One takeover counts once. */
	vrrp_damp_takeover(&d, T0);
	cr_expect_eq(vrrp_damp_back(&d, T0 + SEC), 1);
	cr_expect_eq(vrrp_damp_back(&d, T0 + 2 * SEC), 0);
	cr_expect_eq(d.flaps, 1);
}

Test(damp, capped_at_max)
{
	struct vrrp_damp	d;
	uint64_t		t = T0;
	int			i;

	mk(&d);
	for (i = 0; i < 10; i++) {
		vrrp_damp_takeover(&d, t);
		t += SEC;
		cr_expect_eq(vrrp_damp_back(&d, t), 1);
	}
	cr_expect_eq(d.flaps, 10);
	cr_expect_eq(vrrp_damp_tolerance(&d, t), 3 + 9);
}

Test(damp, decays_one_step_per_decay)
{
	struct vrrp_damp	d;

	mk(&d);
	vrrp_damp_takeover(&d, T0);
	vrrp_damp_back(&d, T0 + SEC);		/* extra 3 at T0 + 1 s */
	cr_expect_eq(vrrp_damp_tolerance(&d, T0 + 60 * SEC), 6);
	cr_expect_eq(vrrp_damp_tolerance(&d, T0 + 61 * SEC), 5);
	cr_expect_eq(vrrp_damp_tolerance(&d, T0 + 120 * SEC), 5);
	cr_expect_eq(vrrp_damp_tolerance(&d, T0 + 121 * SEC), 4);
	/* Asked rarely or often, the same answer. */
	cr_expect_eq(vrrp_damp_tolerance(&d, T0 + 181 * SEC), 3);
	cr_expect_eq(vrrp_damp_tolerance(&d, T0 + 9999 * SEC), 3);
}

Test(damp, decay_skipped_in_one_call)
{
	struct vrrp_damp	d;

	mk(&d);
	vrrp_damp_takeover(&d, T0);
	vrrp_damp_back(&d, T0);
	cr_expect_eq(vrrp_damp_tolerance(&d, T0 + 1000 * SEC), 3);
	/* A flap after full decay starts from 3 again. */
	vrrp_damp_takeover(&d, T0 + 1000 * SEC);
	vrrp_damp_back(&d, T0 + 1001 * SEC);
	cr_expect_eq(vrrp_damp_tolerance(&d, T0 + 1001 * SEC), 6);
}

Test(damp, flap_during_decay_adds_to_what_is_left)
{
	struct vrrp_damp	d;

	mk(&d);
	vrrp_damp_takeover(&d, T0);
	vrrp_damp_back(&d, T0);				/* 3 */
	vrrp_damp_takeover(&d, T0 + 130 * SEC);		/* decayed to 1 */
	vrrp_damp_back(&d, T0 + 130 * SEC);		/* 1 + 3 */
	cr_expect_eq(vrrp_damp_tolerance(&d, T0 + 130 * SEC), 3 + 4);
}

Test(damp, off_counts_flaps_but_keeps_tolerance)
{
	struct vrrp_damp	d;

	vrrp_damp_init(&d, 0, 20, 30 * SEC, 60 * SEC);
	vrrp_damp_takeover(&d, T0);
	cr_expect_eq(vrrp_damp_back(&d, T0 + SEC), 1);
	cr_expect_eq(d.flaps, 1);
	cr_expect_eq(vrrp_damp_tolerance(&d, T0 + SEC), 3);
}

Test(damp, clock_going_back_is_harmless)
{
	struct vrrp_damp	d;

	mk(&d);
	vrrp_damp_takeover(&d, T0 + 10 * SEC);
	cr_expect_eq(vrrp_damp_back(&d, T0), 0);
	vrrp_damp_takeover(&d, T0);
	vrrp_damp_back(&d, T0 + SEC);
	cr_expect_eq(vrrp_damp_tolerance(&d, T0), 6);
}

/* The state machine waits tolerance intervals plus skew. */
Test(damp, tolerance_sets_master_down_interval)
{
	struct vrrp_sm		sm;
	struct vrrp_sm_config	c;

	memset(&c, 0, sizeof(c));
	c.version = 3;
	c.priority = 100;
	c.adver_int = 20;	/* 0.2 s */
	c.preempt = 1;
	c.primary.af = AF_INET;
	vrrp_sm_init(&sm, &c);
	/* 3 * 0.2 s + 156/256 * 0.2 s */
	cr_expect_eq(vrrp_sm_master_down_interval(&sm),
	    600000 + 156 * 200000 / 256);
	sm.tolerance = 6;
	cr_expect_eq(vrrp_sm_master_down_interval(&sm),
	    1200000 + 156 * 200000 / 256);
}

/* takeover_check: when a probe may hold the takeover back. */
static void
backup_hearing(struct vrrp_sm *sm, uint8_t master_prio, int preempt)
{
	struct vrrp_sm_config	c;
	struct vrrp_actions	act;
	struct vrrp_advert	a;

	memset(&c, 0, sizeof(c));
	c.version = 3;
	c.priority = 100;
	c.adver_int = 20;
	c.preempt = preempt;
	c.primary.af = AF_INET;
	inet_pton(AF_INET, "198.18.0.2", &c.primary.in.v4);
	vrrp_sm_init(sm, &c);
	vrrp_sm_startup(sm, T0, &act);
	cr_assert_eq(sm->state, VRRP_STATE_BACKUP);
	memset(&a, 0, sizeof(a));
	a.version = 3;
	a.type = 1;
	a.vrid = 61;
	a.priority = master_prio;
	a.adver_int = a.adver_int_cs = 20;
	a.src.af = AF_INET;
	inet_pton(AF_INET, "198.18.0.1", &a.src.in.v4);
	vrrp_sm_advert(sm, T0 + SEC / 10, &a, &act);
}

Test(check, down_due_only_when_the_timer_fired)
{
	struct vrrp_sm	sm;
	uint64_t	down;

	backup_hearing(&sm, 150, 1);
	down = sm.down_at;
	cr_expect_eq(vrrp_sm_down_due(&sm, down - 1), 0);
	cr_expect_eq(vrrp_sm_down_due(&sm, down), 1);
}

Test(check, no_probe_for_priority_zero_or_a_master_we_preempt)
{
	struct vrrp_sm	sm;

	backup_hearing(&sm, 0, 1);
	cr_expect_eq(vrrp_sm_down_due(&sm, T0 + 100 * SEC), 0);
	backup_hearing(&sm, 50, 1);
	cr_expect_eq(vrrp_sm_down_due(&sm, T0 + 100 * SEC), 0);
	/* nopreempt: a lower master stays master, so it is asked. */
	backup_hearing(&sm, 50, 0);
	cr_expect_eq(vrrp_sm_down_due(&sm, T0 + 100 * SEC), 1);
}

Test(check, an_answer_holds_a_whole_interval)
{
	struct vrrp_sm		sm;
	struct vrrp_actions	act;
	uint64_t		now;

	backup_hearing(&sm, 150, 1);
	now = sm.down_at + 20000;	/* the 20 ms wait */
	vrrp_sm_hold(&sm, now, &act);
	cr_expect_eq(act.transition, 0);
	cr_expect_eq(sm.state, VRRP_STATE_BACKUP);
	cr_expect_eq(sm.down_at, now + vrrp_sm_master_down_interval(&sm));
	cr_expect_eq(act.timer_at, sm.down_at);
	cr_expect_eq(vrrp_sm_down_due(&sm, now), 0);
}
