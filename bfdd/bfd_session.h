/*
 * One BFD session in asynchronous mode (RFC 5880 6.2, 6.8): the state
 * machine, timer negotiation, poll sequences and jitter.
 *
 * Pure and clock-free like vrrpd's state machine: every function takes
 * the monotonic time in microseconds, and the random draws for jitter
 * come from the caller, so the tests drive it with a fake clock.  The
 * caller sends a packet built by bfd_sess_build() whenever an event
 * says so, and calls bfd_sess_timer() at bfd_sess_next_event().
 */
#ifndef HAD_BFD_SESSION_H
#define HAD_BFD_SESSION_H

#include <stdint.h>

#include "bfd_packet.h"

#define BFD_TIME_NONE		UINT64_MAX
#define BFD_SLOW_TX_US		1000000U	/* RFC 5880 6.8.3 */

struct bfd_sess_cfg {
	uint32_t	min_tx_us;	/* Desired Min TX once Up */
	uint32_t	min_rx_us;	/* Required Min RX */
	uint32_t	idle_tx_us;	/* while not Up; 1 s at least */
	uint8_t		mult;		/* Detect Mult */
	uint8_t		passive;	/* wait for the peer to speak first */
};

/* What the caller must do after an event. */
#define BFD_ACT_SEND		0x01	/* send a packet now */
#define BFD_ACT_STATE		0x02	/* the state changed */

struct bfd_sess_stats {
	uint64_t	tx;
	uint64_t	rx;
	uint64_t	up;		/* transitions to Up */
	uint64_t	down;		/* from Up to Down */
	uint64_t	polls;		/* poll sequences completed */
};

struct bfd_sess {
	struct bfd_sess_cfg	cfg;
	uint8_t			state;		/* bfd.SessionState */
	uint8_t			remote_state;	/* bfd.RemoteSessionState */
	uint8_t			diag;		/* bfd.LocalDiag */
	uint8_t			remote_diag;
	uint8_t			remote_mult;
	uint8_t			poll;		/* a poll sequence runs */
	uint8_t			final;		/* owe the peer a Final */
	uint8_t			heard;		/* got a packet this session */
	uint32_t		local_discr;
	uint32_t		remote_discr;
	/* What we advertise (bfd.DesiredMinTxInterval, ...). */
	uint32_t		desired_tx_us;
	uint32_t		required_rx_us;
	/* What is in force until a poll sequence ends (6.8.3). */
	uint32_t		tx_in_use_us;
	uint32_t		rx_in_use_us;
	uint32_t		remote_min_rx_us;	/* bfd.RemoteMinRxInterval */
	uint32_t		remote_desired_tx_us;
	uint64_t		tx_at;		/* next periodic packet */
	uint64_t		detect_at;	/* detection time runs out */
	uint64_t		last_change;	/* of state */
	uint64_t		last_rx;
	struct bfd_sess_stats	stats;
};

void		bfd_sess_init(struct bfd_sess *, const struct bfd_sess_cfg *,
		    uint32_t, uint64_t);
int		bfd_sess_rx(struct bfd_sess *, const struct bfd_pkt *, uint64_t,
		    uint32_t);
int		bfd_sess_timer(struct bfd_sess *, uint64_t, uint32_t);
int		bfd_sess_set_cfg(struct bfd_sess *, const struct bfd_sess_cfg *,
		    uint64_t);
int		bfd_sess_admin(struct bfd_sess *, int, uint64_t, uint32_t);
void		bfd_sess_build(struct bfd_sess *, struct bfd_pkt *, uint64_t,
		    uint32_t);
uint64_t	bfd_sess_next_event(const struct bfd_sess *);
uint32_t	bfd_sess_tx_interval(const struct bfd_sess *);
uint64_t	bfd_sess_detect_time(const struct bfd_sess *);
uint64_t	bfd_sess_jitter(const struct bfd_sess *, uint64_t, uint32_t);
uint32_t	bfd_sess_tx_grid(uint64_t);

#endif /* HAD_BFD_SESSION_H */
