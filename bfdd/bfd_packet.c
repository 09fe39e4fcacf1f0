/*
 * BFD control packets, RFC 5880 4.1 and the reception checks of 6.8.6
 * that need no session.  Every byte comes from the network: nothing is
 * trusted before it has been checked here.
 */
#include <sys/types.h>

#include <stdint.h>
#include <string.h>

#include "bfd_packet.h"

static uint32_t
get32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3]);
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

/*
 * RFC 5880 6.8.6, the checks before the session lookup.  Returns
 * BFD_DROP_NONE and fills pkt, or the reason to drop the packet.
 * Authentication is not implemented, so the A bit is refused (an
 * operator who configures none must not see such sessions come up).
 */
int
bfd_pkt_parse(const uint8_t *buf, size_t len, struct bfd_pkt *pkt)
{
	memset(pkt, 0, sizeof(*pkt));
	if (len < BFD_PKT_LEN)
		return (BFD_DROP_SHORT);
	pkt->version = buf[0] >> 5;
	pkt->diag = buf[0] & 0x1f;
	pkt->state = buf[1] >> 6;
	pkt->flags = buf[1] & 0x3f;
	pkt->mult = buf[2];
	pkt->len = buf[3];
	pkt->my_discr = get32(buf + 4);
	pkt->your_discr = get32(buf + 8);
	pkt->desired_tx_us = get32(buf + 12);
	pkt->required_rx_us = get32(buf + 16);
	pkt->required_echo_rx_us = get32(buf + 20);

	if (pkt->version != BFD_VERSION)
		return (BFD_DROP_VERSION);
	/* With A set, the length must also cover an auth section. */
	if (pkt->len < ((pkt->flags & BFD_FLAG_A) ? BFD_PKT_LEN + 2 :
	    BFD_PKT_LEN) || pkt->len > len)
		return (BFD_DROP_LENGTH);
	if (pkt->mult == 0)
		return (BFD_DROP_MULT);
	if (pkt->flags & BFD_FLAG_M)
		return (BFD_DROP_MULTIPOINT);
	if (pkt->my_discr == 0)
		return (BFD_DROP_MY_DISCR);
	if (pkt->your_discr == 0 && pkt->state != BFD_STATE_DOWN &&
	    pkt->state != BFD_STATE_ADMIN_DOWN)
		return (BFD_DROP_YOUR_DISCR);
	if (pkt->flags & BFD_FLAG_A)
		return (BFD_DROP_AUTH);
	return (BFD_DROP_NONE);
}

/* The 24 bytes of a packet without authentication; 0 if no room. */
size_t
bfd_pkt_build(const struct bfd_pkt *pkt, uint8_t *buf, size_t len)
{
	if (len < BFD_PKT_LEN)
		return (0);
	buf[0] = (BFD_VERSION << 5) | (pkt->diag & 0x1f);
	buf[1] = (pkt->state & 0x3) << 6 | (pkt->flags & 0x3f);
	buf[2] = pkt->mult;
	buf[3] = BFD_PKT_LEN;
	put32(buf + 4, pkt->my_discr);
	put32(buf + 8, pkt->your_discr);
	put32(buf + 12, pkt->desired_tx_us);
	put32(buf + 16, pkt->required_rx_us);
	put32(buf + 20, pkt->required_echo_rx_us);
	return (BFD_PKT_LEN);
}

/*
 * RFC 5881 5: single hop packets arrive with TTL or hop limit 255 (GTSM,
 * RFC 5082), which no router further away can forge.  keepalived's
 * max_hops allows that much less; 255 turns the check off.
 */
int
bfd_ttl_ok(unsigned int ttl, unsigned int max_hops)
{
	if (max_hops >= BFD_TTL)
		return (1);
	return (ttl <= BFD_TTL && ttl >= BFD_TTL - max_hops);
}

const char *
bfd_state_name(unsigned int s)
{
	static const char *const names[BFD_STATE_MAX] = {
		"AdminDown", "Down", "Init", "Up"
	};

	return (s < BFD_STATE_MAX ? names[s] : "unknown");
}

const char *
bfd_diag_name(unsigned int d)
{
	static const char *const names[BFD_DIAG_MAX] = {
		"none", "detect time expired", "echo failed",
		"neighbor signaled down", "forwarding plane reset",
		"path down", "concatenated path down", "administratively down",
		"reverse concatenated path down"
	};

	return (d < BFD_DIAG_MAX ? names[d] : "unknown");
}

const char *
bfd_drop_name(unsigned int r)
{
	static const char *const names[BFD_DROP_MAX] = {
		"none", "short", "version", "length", "mult", "multipoint",
		"my_discr", "your_discr", "auth", "unknown_discr",
		"no_session", "ttl", "admin_down"
	};

	return (r < BFD_DROP_MAX ? names[r] : "unknown");
}
