/*
 * BFD: bfd_pkt_parse() on datagrams as they come off the socket, and
 * the session state machine (bfd_session.c) fed with what passes.
 *
 * Input: a sequence of records, each one byte of options and then a
 * datagram of 24 to 55 bytes (most records are whole packets):
 *   [0] bits 0-4: datagram length - 24 (0..31, clipped to what is left)
 *       bit 5: advance the clock by the detection time first
 *       bits 6-7: advance the clock by (n * 7) ms first
 * A packet that parses is built again and must parse the same; the
 * session must stay in a valid state with sane timers after each event.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../bfdd/bfd_packet.h"
#include "../../bfdd/bfd_session.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
invariants(const struct bfd_sess *s)
{
	if (s->state >= BFD_STATE_MAX || s->remote_state >= BFD_STATE_MAX)
		abort();
	/* Not Up: never faster than one second (RFC 5880 6.8.3). */
	if (s->state != BFD_STATE_UP && s->desired_tx_us < BFD_SLOW_TX_US)
		abort();
	if (s->poll && s->state != BFD_STATE_UP)
		abort();
	if (s->local_discr == 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bfd_sess		 s;
	struct bfd_sess_cfg	 c;
	struct bfd_pkt		 p, q, out;
	uint8_t			 buf[BFD_PKT_LEN];
	uint64_t		 now = 1000000000ULL;
	size_t			 len;
	int			 r;

	memset(&c, 0, sizeof(c));
	c.min_tx_us = 10000;
	c.min_rx_us = 20000;
	c.idle_tx_us = 1000000;
	c.mult = size > 0 ? (data[0] % 5) + 1 : 3;
	c.passive = size > 0 && (data[0] & 0x80);
	bfd_sess_init(&s, &c, 0x1234, now);
	while (size > 0) {
		len = 24 + (data[0] & 0x1f);
		if (data[0] & 0x20)
			now += bfd_sess_detect_time(&s);
		now += (uint64_t)(data[0] >> 6) * 7000;
		data++;
		size--;
		if (len > size)
			len = size;
		bfd_sess_timer(&s, now, (uint32_t)now);
		invariants(&s);
		r = bfd_pkt_parse(data, len, &p);
		if (r < BFD_DROP_NONE || r >= BFD_DROP_MAX)
			abort();
		if (len >= 2 && bfd_ttl_ok(data[0], data[1]) !=
		    (data[1] == 255 || data[0] == 255 ||
		    (data[0] >= 255 - data[1])))
			abort();
		if (r == BFD_DROP_NONE) {
			/* Rebuilt, it parses to the same packet. */
			if (bfd_pkt_build(&p, buf, sizeof(buf)) != BFD_PKT_LEN ||
			    bfd_pkt_parse(buf, sizeof(buf), &q) != BFD_DROP_NONE)
				abort();
			q.len = p.len;
			if (memcmp(&p, &q, sizeof(p)) != 0)
				abort();
			/* Our session answers whatever claims to be for it. */
			if (p.your_discr == 0 || p.your_discr == s.local_discr)
				bfd_sess_rx(&s, &p, now, (uint32_t)size);
			invariants(&s);
			bfd_sess_build(&s, &out, now, (uint32_t)len);
			if (out.my_discr != s.local_discr ||
			    (out.flags & (BFD_FLAG_P | BFD_FLAG_F)) ==
			    (BFD_FLAG_P | BFD_FLAG_F))
				abort();
		}
		data += len;
		size -= len;
	}
	return (0);
}
