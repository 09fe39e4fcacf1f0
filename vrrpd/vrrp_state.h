/*
 * The VRRP state machine of RFC 5798 6.4 (and RFC 3768 6.4 for v2),
 * plus the Fault state keepalived adds for failed tracking.
 *
 * Pure and clock-free: every event function takes the current time in
 * monotonic microseconds and fills a struct vrrp_actions that says what
 * the caller must do (send an advert, add or remove the VIPs) and when
 * to call vrrp_sm_timer() next.  The machine never reads a clock, opens
 * a socket or allocates, so tests drive it with a fake clock.
 */
#ifndef HAD_VRRP_STATE_H
#define HAD_VRRP_STATE_H

#include <stdint.h>

#include "vrrp_packet.h"

#define VRRP_TIME_NONE		UINT64_MAX	/* no timer armed */
#define VRRP_USEC_PER_CS	10000ULL
#define VRRP_SM_REASONLEN	128

enum vrrp_state {
	VRRP_STATE_INIT = 0,
	VRRP_STATE_BACKUP,
	VRRP_STATE_MASTER,
	VRRP_STATE_FAULT,
	VRRP_STATE_MAX
};

struct vrrp_sm_config {
	uint8_t			version;	/* 2 or 3 */
	uint8_t			priority;	/* base, 1..255 */
	uint16_t		adver_int;	/* centisec, both versions */
	int			preempt;	/* 0: nopreempt */
	uint64_t		preempt_delay;	/* usec after startup */
	int			init_master;	/* "state MASTER" hint */
	struct vrrp_addr	primary;	/* our source, for tie-breaks */
};

/* What the caller must do, in this order, after an event. */
#define VRRP_ACT_SEND_PRIO0	0x01	/* advert with priority 0 */
#define VRRP_ACT_LEAVE_MASTER	0x02	/* remove the VIPs */
#define VRRP_ACT_BECOME_MASTER	0x04	/* add VIPs, GARP and NA */
#define VRRP_ACT_SEND_ADVERT	0x08	/* advert, effective priority */

struct vrrp_actions {
	unsigned int		flags;		/* VRRP_ACT_* */
	int			transition;	/* state changed */
	int			resumed;	/* a respawn's, not counted */
	enum vrrp_state		old_state;
	enum vrrp_state		new_state;
	uint8_t			priority;	/* for SEND_ADVERT */
	uint64_t		timer_at;	/* next vrrp_sm_timer() */
	char			reason[VRRP_SM_REASONLEN];
};

struct vrrp_sm_stats {
	uint64_t		transitions;
	uint64_t		became_master;
	uint64_t		released_master;
	uint64_t		adverts_sent;
	uint64_t		adverts_rcvd;
	uint64_t		prio0_sent;
	uint64_t		prio0_rcvd;
	uint64_t		faults;
	uint64_t		dual_master;	/* lower master heard as master */
};

struct vrrp_sm {
	struct vrrp_sm_config	cfg;
	enum vrrp_state		state;
	uint8_t			eff_prio;	/* after tracking weights */
	int			weight;		/* sum of tracking weights */
	int			fault;		/* tracking says down */
	uint32_t		master_adver_int; /* cs, learned in v3 */
	uint64_t		down_at;	/* Master_Down_Timer */
	uint64_t		adver_at;	/* Adver_Timer */
	uint64_t		preempt_at;	/* end of preempt_delay */
	int			preempt_held;	/* deferred a preemption */
	uint64_t		started;	/* startup or fault recovery */
	struct vrrp_addr	master;		/* last master heard */
	uint8_t			master_prio;
	int			master_known;
	char			last_reason[VRRP_SM_REASONLEN];
	int			maint;		/* hactl maintenance on */
	uint32_t		tolerance;	/* adverts missed; 0: 3 */
	struct vrrp_sm_stats	stats;
};

/*
 * Flap damping (had's extension): a takeover that the old master undoes
 * within window raises the adverts a Backup waits for by penalty (up to
 * max), one less every decay.  Times in microseconds; penalty 0: off.
 */
#define VRRP_TOLERANCE		3	/* RFC 5798: 3 * interval + skew */
struct vrrp_damp {
	uint32_t		penalty;
	uint32_t		max;
	uint64_t		window;
	uint64_t		decay;
	uint32_t		extra;		/* added to VRRP_TOLERANCE */
	uint32_t		flaps;
	uint64_t		extra_at;	/* last raise or decay step */
	uint64_t		took_at;	/* last takeover, or NONE */
};

/*
 * The split-brain guard (had's extension, witness ADDR): what checkd
 * last said of the instance's witness.
 */
enum vrrp_witness {
	VRRP_WITNESS_NONE = 0,		/* no witness configured */
	VRRP_WITNESS_UNKNOWN,		/* not heard of yet */
	VRRP_WITNESS_DOWN,
	VRRP_WITNESS_UP,
	VRRP_WITNESS_MAX
};

extern const char *const vrrp_state_names[VRRP_STATE_MAX];
extern const char *const vrrp_witness_names[VRRP_WITNESS_MAX];

const char	*vrrp_state_name(enum vrrp_state);

void		 vrrp_sm_init(struct vrrp_sm *, const struct vrrp_sm_config *);
void		 vrrp_sm_startup(struct vrrp_sm *, uint64_t,
		    struct vrrp_actions *);
void		 vrrp_sm_shutdown(struct vrrp_sm *, uint64_t,
		    struct vrrp_actions *);
void		 vrrp_sm_timer(struct vrrp_sm *, uint64_t,
		    struct vrrp_actions *);
void		 vrrp_sm_advert(struct vrrp_sm *, uint64_t,
		    const struct vrrp_advert *, struct vrrp_actions *);
void		 vrrp_sm_set_fault(struct vrrp_sm *, uint64_t, int,
		    const char *, struct vrrp_actions *);
void		 vrrp_sm_set_weight(struct vrrp_sm *, uint64_t, int,
		    struct vrrp_actions *);
void		 vrrp_sm_resume_master(struct vrrp_sm *, uint64_t,
		    const char *, struct vrrp_actions *);
void		 vrrp_sm_set_maint(struct vrrp_sm *, uint64_t, int,
		    struct vrrp_actions *);
void		 vrrp_sm_force_backup(struct vrrp_sm *, uint64_t,
		    const char *, struct vrrp_actions *);

uint8_t		 vrrp_sm_eff_prio(const struct vrrp_sm *);
int		 vrrp_track_delta(int, int, int *);
int		 vrrp_track_file_delta(int64_t, int, int *);
uint64_t	 vrrp_sm_skew_time(const struct vrrp_sm *);
uint64_t	 vrrp_sm_master_down_interval(const struct vrrp_sm *);
uint64_t	 vrrp_sm_next_timer(const struct vrrp_sm *);
void		 vrrp_sm_hold(struct vrrp_sm *, uint64_t,
		    struct vrrp_actions *);
int		 vrrp_sm_down_due(const struct vrrp_sm *, uint64_t);

enum vrrp_state	 vrrp_witness_next(enum vrrp_state, int, enum vrrp_witness);

void		 vrrp_damp_init(struct vrrp_damp *, uint32_t, uint32_t,
		    uint64_t, uint64_t);
void		 vrrp_damp_takeover(struct vrrp_damp *, uint64_t);
int		 vrrp_damp_back(struct vrrp_damp *, uint64_t);
uint32_t	 vrrp_damp_tolerance(struct vrrp_damp *, uint64_t);

#endif /* HAD_VRRP_STATE_H */
