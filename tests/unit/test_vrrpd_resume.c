/*
 * Unit tests for the state machine entry points vrrpd adds for a
 * respawn (resume as Master) and for sync groups (follow to Backup).
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
#define T0	(1000 * SEC)

static void
setup(struct vrrp_sm *sm)
{
	struct vrrp_sm_config	c;

	memset(&c, 0, sizeof(c));
	c.version = VRRP_VERSION_3;
	c.priority = 100;
	c.adver_int = 10;
	c.preempt = 1;
	c.primary.af = AF_INET;
	inet_pton(AF_INET, "198.18.0.1", &c.primary.in.v4);
	vrrp_sm_init(sm, &c);
}

Test(resume, backup_goes_master_at_once)
{
	struct vrrp_sm		sm;
	struct vrrp_actions	act;

	setup(&sm);
	vrrp_sm_startup(&sm, T0, &act);
	cr_assert_eq(sm.state, VRRP_STATE_BACKUP);
	vrrp_sm_resume_master(&sm, T0 + 1000, "resumed", &act);
	cr_assert_eq(sm.state, VRRP_STATE_MASTER);
	cr_assert(act.transition);
	cr_assert(act.flags & VRRP_ACT_BECOME_MASTER);
	cr_assert(act.flags & VRRP_ACT_SEND_ADVERT);
	cr_assert_eq(act.timer_at, T0 + 1000 + 10 * 10000ULL);
	cr_assert_str_eq(act.reason, "resumed");
}

Test(resume, out_of_init_quietly)
{
	struct vrrp_sm		sm;
	struct vrrp_actions	act;

	setup(&sm);
	vrrp_sm_resume_master(&sm, T0, "resumed", &act);
	cr_assert_eq(sm.state, VRRP_STATE_MASTER);
	cr_assert(act.transition, "vrrpd still applies the change");
	cr_assert(act.resumed, "but runs no notify script for it");
	cr_assert(act.flags & VRRP_ACT_BECOME_MASTER);
	cr_assert_eq(sm.stats.transitions, 0, "not a transition");
	cr_assert_eq(sm.stats.became_master, 0);
}

Test(resume, from_backup_is_a_transition)
{
	struct vrrp_sm		sm;
	struct vrrp_actions	act;

	setup(&sm);
	vrrp_sm_startup(&sm, T0, &act);
	vrrp_sm_resume_master(&sm, T0 + 1, "resumed", &act);
	cr_assert(!act.resumed);
	cr_assert_eq(sm.stats.transitions, 2);
}

Test(resume, not_out_of_fault)
{
	struct vrrp_sm		sm;
	struct vrrp_actions	act;

	setup(&sm);
	vrrp_sm_set_fault(&sm, T0, 1, "down", &act);
	vrrp_sm_startup(&sm, T0, &act);
	cr_assert_eq(sm.state, VRRP_STATE_FAULT);
	vrrp_sm_resume_master(&sm, T0 + 1, NULL, &act);
	cr_assert_eq(sm.state, VRRP_STATE_FAULT);
	cr_assert_eq(act.flags, 0);
	cr_assert(!act.transition);
}

Test(resume, master_stays_master)
{
	struct vrrp_sm		sm;
	struct vrrp_actions	act;

	setup(&sm);
	vrrp_sm_startup(&sm, T0, &act);
	vrrp_sm_resume_master(&sm, T0, NULL, &act);
	vrrp_sm_resume_master(&sm, T0 + 5, NULL, &act);
	cr_assert_eq(sm.state, VRRP_STATE_MASTER);
	cr_assert(!act.transition);
	cr_assert_eq(act.flags, 0);
}

Test(force_backup, master_leaves)
{
	struct vrrp_sm		sm;
	struct vrrp_actions	act;

	setup(&sm);
	vrrp_sm_startup(&sm, T0, &act);
	vrrp_sm_resume_master(&sm, T0, NULL, &act);
	vrrp_sm_force_backup(&sm, T0 + 7, "sync group", &act);
	cr_assert_eq(sm.state, VRRP_STATE_BACKUP);
	cr_assert(act.flags & VRRP_ACT_LEAVE_MASTER);
	cr_assert(!(act.flags & VRRP_ACT_SEND_PRIO0));
	cr_assert_eq(act.timer_at, T0 + 7 +
	    vrrp_sm_master_down_interval(&sm));
}

Test(force_backup, backup_unchanged)
{
	struct vrrp_sm		sm;
	struct vrrp_actions	act;

	setup(&sm);
	vrrp_sm_startup(&sm, T0, &act);
	vrrp_sm_force_backup(&sm, T0 + 7, NULL, &act);
	cr_assert_eq(sm.state, VRRP_STATE_BACKUP);
	cr_assert(!act.transition);
	cr_assert_eq(act.flags, 0);
}
