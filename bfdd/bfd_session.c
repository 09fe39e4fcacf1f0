/*
 * A BFD session in asynchronous mode: RFC 5880 6.2 (state machine), 6.8.1
 * to 6.8.7 (variables, timer negotiation, reception, transmission), with
 * the single-hop rules of RFC 5881 left to the caller (TTL, ports).  Demand
 * mode, the echo function and authentication are not implemented: we
 * advertise Required Min Echo RX 0, never set D, and the parser refuses A.
 */
#include <sys/types.h>

#include <stdint.h>
#include <string.h>

#include "bfd_session.h"

static uint32_t
max32(uint32_t a, uint32_t b)
{
	return (a > b ? a : b);
}

/* Periodic packets: none until a passive session has heard the peer. */
uint32_t
bfd_sess_tx_interval(const struct bfd_sess *s)
{
	if (s->cfg.passive && s->remote_discr == 0)
		return (0);
	/* A peer that wants no packets (Required Min RX 0) gets none. */
	if (s->remote_min_rx_us == 0)
		return (0);
	return (max32(s->tx_in_use_us, s->remote_min_rx_us));
}

/*
 * RFC 5880 6.8.4: in asynchronous mode the detection time is the peer's
 * Detect Mult times the larger of our Required Min RX and its Desired
 * Min TX (the rate it will actually send at).
 */
uint64_t
bfd_sess_detect_time(const struct bfd_sess *s)
{
	return ((uint64_t)s->remote_mult *
	    max32(s->rx_in_use_us, s->remote_desired_tx_us));
}

/*
 * The caller may send a periodic packet up to this late, rounding its
 * time up to a multiple of it, so that sessions due within it share a
 * wakeup: a power of two of at most 1/16 of the interval and 1024 us,
 * none below 4 ms.  bfd_sess_jitter() leaves it out of the interval.
 */
uint32_t
bfd_sess_tx_grid(uint64_t interval)
{
	uint32_t	 g = 1;

	if (interval < 4000)
		return (0);
	while (g < 1024 && g * 2 <= interval / 16)
		g *= 2;
	return (g);
}

/*
 * RFC 5880 6.8.7: each interval reduced at random by 0 to 25%, or by 10
 * to 25% with a Detect Mult of 1 (the next packet must come before the
 * peer's detection time, a single interval); less the grid, so that the
 * packet sent late by it is not later than the interval.
 */
uint64_t
bfd_sess_jitter(const struct bfd_sess *s, uint64_t interval, uint32_t rnd)
{
	uint64_t	 lo, hi;

	lo = interval * 750 / 1000;
	hi = interval * (s->cfg.mult == 1 ? 900 : 1000) / 1000 -
	    bfd_sess_tx_grid(interval);
	return (lo + rnd % (hi - lo + 1));
}

static uint32_t
desired_tx_for(const struct bfd_sess *s)
{
	/* RFC 5880 6.8.3: not less than one second while not Up. */
	if (s->state != BFD_STATE_UP)
		return (max32(s->cfg.idle_tx_us, BFD_SLOW_TX_US));
	return (s->cfg.min_tx_us);
}

/*
 * RFC 5880 6.8.3: a change of Desired Min TX or Required Min RX starts a
 * poll sequence.  While Up, a larger transmit interval and a smaller
 * receive interval wait until the peer's Final: until then the peer
 * still works with the old values.  The other way round, and whenever
 * the session is not Up, the new value holds at once.
 */
static int
sess_intervals(struct bfd_sess *s)
{
	uint32_t	 tx = desired_tx_for(s), rx = s->cfg.min_rx_us;
	int		 changed;

	changed = tx != s->desired_tx_us || rx != s->required_rx_us;
	s->desired_tx_us = tx;
	s->required_rx_us = rx;
	if (s->state != BFD_STATE_UP || tx < s->tx_in_use_us)
		s->tx_in_use_us = tx;
	if (s->state != BFD_STATE_UP || rx > s->rx_in_use_us)
		s->rx_in_use_us = rx;
	if (changed && s->state == BFD_STATE_UP && s->remote_discr != 0) {
		s->poll = 1;
		return (BFD_ACT_SEND);
	}
	return (0);
}

static void
sess_poll_done(struct bfd_sess *s)
{
	s->poll = 0;
	s->tx_in_use_us = s->desired_tx_us;
	s->rx_in_use_us = s->required_rx_us;
	s->stats.polls++;
}

/* Bring the next packet forward when the interval became shorter. */
static void
sess_reschedule(struct bfd_sess *s, uint64_t now, uint32_t rnd)
{
	uint32_t	 iv = bfd_sess_tx_interval(s);
	uint64_t	 at;

	if (iv == 0) {
		s->tx_at = BFD_TIME_NONE;
		return;
	}
	at = now + bfd_sess_jitter(s, iv, rnd);
	if (s->tx_at == BFD_TIME_NONE || at < s->tx_at)
		s->tx_at = at;
}

static int
sess_goto(struct bfd_sess *s, uint8_t state, uint8_t diag, uint64_t now)
{
	if (state == s->state)
		return (0);
	if (state == BFD_STATE_UP)
		s->stats.up++;
	else if (s->state == BFD_STATE_UP)
		s->stats.down++;
	s->state = state;
	s->diag = diag;
	s->last_change = now;
	/* A session that went down forgets any poll in progress. */
	if (state != BFD_STATE_UP)
		s->poll = 0;
	return (BFD_ACT_STATE | BFD_ACT_SEND | sess_intervals(s));
}

void
bfd_sess_init(struct bfd_sess *s, const struct bfd_sess_cfg *cfg,
    uint32_t discr, uint64_t now)
{
	memset(s, 0, sizeof(*s));
	s->cfg = *cfg;
	if (s->cfg.mult == 0)
		s->cfg.mult = 1;
	/* RFC 5880 6.8.1: the initial values. */
	s->state = BFD_STATE_DOWN;
	s->remote_state = BFD_STATE_DOWN;
	s->diag = BFD_DIAG_NONE;
	s->local_discr = discr;
	s->remote_min_rx_us = 1;
	s->last_change = now;
	s->detect_at = BFD_TIME_NONE;
	s->tx_at = BFD_TIME_NONE;
	sess_intervals(s);
	if (bfd_sess_tx_interval(s) != 0)
		s->tx_at = now;
}

/*
 * RFC 5880 6.8.6, from "If the Your Discriminator field is nonzero" on:
 * the packet passed bfd_pkt_parse() and was matched to this session.
 * The state machine is the one of 6.2:
 *
 *                          +--+
 *                          |  | UP, ADMIN DOWN, TIMER
 *                          |  V
 *                  DOWN  +------+  INIT
 *           +------------|      |------------+
 *           |            | DOWN |            |
 *           |  +-------->|      |<--------+  |
 *           |  |         +------+         |  |
 *           |  |                          |  |
 *           |  |               ADMIN DOWN,|  |
 *           |  |ADMIN DOWN,          DOWN,|  |
 *           |  |TIMER                TIMER|  |
 *           V  |                          |  V
 *         +------+                      +------+
 *    +----|      |                      |      |----+
 * DOWN|    | INIT |--------------------->|  UP  |    |INIT, UP
 *    +--->|      | INIT, UP             |      |<---+
 *         +------+                      +------+
 *
 * Returns BFD_ACT_* flags.
 */
int
bfd_sess_rx(struct bfd_sess *s, const struct bfd_pkt *p, uint64_t now,
    uint32_t rnd)
{
	uint32_t	 old_iv = bfd_sess_tx_interval(s);
	int		 act = 0;

	s->stats.rx++;
	s->last_rx = now;
	s->heard = 1;
	s->remote_discr = p->my_discr;
	s->remote_state = p->state;
	s->remote_diag = p->diag;
	s->remote_mult = p->mult;
	s->remote_min_rx_us = p->required_rx_us;
	s->remote_desired_tx_us = p->desired_tx_us;
	if ((p->flags & BFD_FLAG_F) && s->poll)
		sess_poll_done(s);

	/* 6.8.6: a session we hold AdminDown discards what it gets. */
	if (s->state == BFD_STATE_ADMIN_DOWN)
		return (0);

	if (p->state == BFD_STATE_ADMIN_DOWN) {
		if (s->state != BFD_STATE_DOWN)
			act |= sess_goto(s, BFD_STATE_DOWN,
			    BFD_DIAG_NEIGHBOR_DOWN, now);
	} else {
		switch (s->state) {
		case BFD_STATE_DOWN:
			if (p->state == BFD_STATE_DOWN)
				act |= sess_goto(s, BFD_STATE_INIT,
				    BFD_DIAG_NONE, now);
			else if (p->state == BFD_STATE_INIT)
				act |= sess_goto(s, BFD_STATE_UP,
				    BFD_DIAG_NONE, now);
			break;
		case BFD_STATE_INIT:
			if (p->state == BFD_STATE_INIT ||
			    p->state == BFD_STATE_UP)
				act |= sess_goto(s, BFD_STATE_UP,
				    BFD_DIAG_NONE, now);
			break;
		case BFD_STATE_UP:
			if (p->state == BFD_STATE_DOWN)
				act |= sess_goto(s, BFD_STATE_DOWN,
				    BFD_DIAG_NEIGHBOR_DOWN, now);
			break;
		}
	}

	/* 6.8.4: the detection timer restarts with every packet. */
	s->detect_at = now + bfd_sess_detect_time(s);

	/* 6.8.6: a Poll is answered with a Final at once. */
	if (p->flags & BFD_FLAG_P) {
		s->final = 1;
		act |= BFD_ACT_SEND;
	}
	if (old_iv == 0 || bfd_sess_tx_interval(s) < old_iv)
		sess_reschedule(s, now, rnd);
	return (act);
}

/*
 * RFC 5880 6.8.4 and 6.8.7: the detection time ran out (Init or Up go
 * Down with diagnostic 1; a Down session forgets its peer, 6.8.1), or a
 * periodic packet is due.  Returns BFD_ACT_* flags.
 */
int
bfd_sess_timer(struct bfd_sess *s, uint64_t now, uint32_t rnd)
{
	int	 act = 0;

	if (s->detect_at != BFD_TIME_NONE && now >= s->detect_at) {
		s->detect_at = BFD_TIME_NONE;
		if (s->state == BFD_STATE_INIT || s->state == BFD_STATE_UP)
			act |= sess_goto(s, BFD_STATE_DOWN,
			    BFD_DIAG_TIME_EXPIRED, now);
		if (s->state == BFD_STATE_DOWN) {
			s->remote_discr = 0;
			s->remote_state = BFD_STATE_DOWN;
			s->remote_min_rx_us = 1;
			s->heard = 0;
			if (s->cfg.passive)
				s->tx_at = BFD_TIME_NONE;
		}
	}
	if (s->tx_at != BFD_TIME_NONE && now >= s->tx_at)
		act |= BFD_ACT_SEND;
	return (act);
}

/*
 * A new configuration for a running session (reload): the new intervals
 * are negotiated with a poll sequence, RFC 5880 6.8.3.
 */
int
bfd_sess_set_cfg(struct bfd_sess *s, const struct bfd_sess_cfg *cfg,
    uint64_t now)
{
	int	 act;

	s->cfg = *cfg;
	if (s->cfg.mult == 0)
		s->cfg.mult = 1;
	act = sess_intervals(s);
	sess_reschedule(s, now, 0);
	return (act);
}

/* RFC 5880 6.8.16: AdminDown, told to the peer with diagnostic 7. */
int
bfd_sess_admin(struct bfd_sess *s, int down, uint64_t now, uint32_t rnd)
{
	int	 act;

	if (down) {
		act = sess_goto(s, BFD_STATE_ADMIN_DOWN, BFD_DIAG_ADMIN_DOWN,
		    now);
		s->detect_at = BFD_TIME_NONE;
	} else if (s->state == BFD_STATE_ADMIN_DOWN)
		act = sess_goto(s, BFD_STATE_DOWN, BFD_DIAG_NONE, now);
	else
		return (0);
	sess_reschedule(s, now, rnd);
	return (act);
}

/*
 * RFC 5880 6.8.7: the packet to send now, and when the next periodic one
 * is due.  P and F are never set together: a Final owed goes first.
 */
void
bfd_sess_build(struct bfd_sess *s, struct bfd_pkt *p, uint64_t now,
    uint32_t rnd)
{
	uint32_t	 iv;

	memset(p, 0, sizeof(*p));
	p->version = BFD_VERSION;
	p->diag = s->diag;
	p->state = s->state;
	if (s->final) {
		p->flags |= BFD_FLAG_F;
		s->final = 0;
	} else if (s->poll)
		p->flags |= BFD_FLAG_P;
	p->mult = s->cfg.mult;
	p->len = BFD_PKT_LEN;
	p->my_discr = s->local_discr;
	p->your_discr = s->remote_discr;
	p->desired_tx_us = s->desired_tx_us;
	p->required_rx_us = s->required_rx_us;
	p->required_echo_rx_us = 0;
	s->stats.tx++;
	iv = bfd_sess_tx_interval(s);
	s->tx_at = iv == 0 ? BFD_TIME_NONE : now + bfd_sess_jitter(s, iv, rnd);
}

uint64_t
bfd_sess_next_event(const struct bfd_sess *s)
{
	return (s->tx_at < s->detect_at ? s->tx_at : s->detect_at);
}
