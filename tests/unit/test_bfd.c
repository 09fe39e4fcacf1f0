/*
 * Unit tests for BFD (bfdd/bfd_packet.c, bfdd/bfd_session.c): every
 * reception check of RFC 5880 6.8.6 and the session state machine with
 * a fake clock (plain microseconds) and fixed random draws.
 */
#include <sys/socket.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "../../bfdd/bfd_packet.h"
#include "../../bfdd/bfd_session.h"
#include "conf.h"

#define MS	1000ULL
#define SEC	1000000ULL
#define T0	(1000 * SEC)

static struct bfd_pkt
mkpkt(uint8_t state, uint32_t my, uint32_t your)
{
	struct bfd_pkt	 p;

	memset(&p, 0, sizeof(p));
	p.version = 1;
	p.state = state;
	p.mult = 3;
	p.len = BFD_PKT_LEN;
	p.my_discr = my;
	p.your_discr = your;
	p.desired_tx_us = 300 * MS;
	p.required_rx_us = 300 * MS;
	return (p);
}

static int
parse_of(const struct bfd_pkt *p, uint8_t b0, uint8_t b1, int setb,
    size_t len)
{
	uint8_t		 buf[64];
	struct bfd_pkt	 out;

	memset(buf, 0, sizeof(buf));
	cr_assert_eq(bfd_pkt_build(p, buf, sizeof(buf)), BFD_PKT_LEN);
	if (setb & 1)
		buf[0] = b0;
	if (setb & 2)
		buf[1] = b1;
	return (bfd_pkt_parse(buf, len, &out));
}

Test(bfd_packet, roundtrip)
{
	struct bfd_pkt	 p = mkpkt(BFD_STATE_UP, 0x11223344, 0x55667788), q;
	uint8_t		 buf[BFD_PKT_LEN];

	p.diag = BFD_DIAG_TIME_EXPIRED;
	p.flags = BFD_FLAG_P;
	p.required_echo_rx_us = 7;
	cr_assert_eq(bfd_pkt_build(&p, buf, sizeof(buf)), BFD_PKT_LEN);
	cr_assert_eq(buf[0], 0x21);
	cr_assert_eq(buf[1], 0xe0);
	cr_assert_eq(bfd_pkt_parse(buf, sizeof(buf), &q), BFD_DROP_NONE);
	cr_assert_eq(memcmp(&p, &q, sizeof(p)), 0);
	cr_assert_eq(bfd_pkt_build(&p, buf, 23), 0);
}

Test(bfd_packet, every_check)
{
	struct bfd_pkt	 p = mkpkt(BFD_STATE_UP, 1, 2);
	uint8_t		 buf[64];
	struct bfd_pkt	 out;

	cr_assert_eq(parse_of(&p, 0, 0, 0, 23), BFD_DROP_SHORT);
	cr_assert_eq(parse_of(&p, 0x40, 0, 1, 24), BFD_DROP_VERSION);
	cr_assert_eq(parse_of(&p, 0x00, 0, 1, 24), BFD_DROP_VERSION);
	/* Length field: smaller than a packet, or past the datagram. */
	memset(buf, 0, sizeof(buf));
	bfd_pkt_build(&p, buf, sizeof(buf));
	buf[3] = 20;
	cr_assert_eq(bfd_pkt_parse(buf, 24, &out), BFD_DROP_LENGTH);
	buf[3] = 40;
	cr_assert_eq(bfd_pkt_parse(buf, 24, &out), BFD_DROP_LENGTH);
	cr_assert_eq(bfd_pkt_parse(buf, 40, &out), BFD_DROP_NONE);
	/* A needs room for an auth section. */
	buf[3] = 24;
	buf[1] |= BFD_FLAG_A;
	cr_assert_eq(bfd_pkt_parse(buf, 24, &out), BFD_DROP_LENGTH);
	buf[3] = 26;
	cr_assert_eq(bfd_pkt_parse(buf, 26, &out), BFD_DROP_AUTH);

	p.mult = 0;
	cr_assert_eq(parse_of(&p, 0, 0, 0, 24), BFD_DROP_MULT);
	p.mult = 3;
	p.flags = BFD_FLAG_M;
	cr_assert_eq(parse_of(&p, 0, 0, 0, 24), BFD_DROP_MULTIPOINT);
	p.flags = 0;
	p.my_discr = 0;
	cr_assert_eq(parse_of(&p, 0, 0, 0, 24), BFD_DROP_MY_DISCR);
	p.my_discr = 1;
	/* Your Discriminator 0 only in Down and AdminDown. */
	p.your_discr = 0;
	cr_assert_eq(parse_of(&p, 0, 0, 0, 24), BFD_DROP_YOUR_DISCR);
	p.state = BFD_STATE_INIT;
	cr_assert_eq(parse_of(&p, 0, 0, 0, 24), BFD_DROP_YOUR_DISCR);
	p.state = BFD_STATE_DOWN;
	cr_assert_eq(parse_of(&p, 0, 0, 0, 24), BFD_DROP_NONE);
	p.state = BFD_STATE_ADMIN_DOWN;
	cr_assert_eq(parse_of(&p, 0, 0, 0, 24), BFD_DROP_NONE);
	cr_assert_str_eq(bfd_drop_name(BFD_DROP_TTL), "ttl");
	cr_assert_str_eq(bfd_drop_name(BFD_DROP_MAX), "unknown");
	cr_assert_str_eq(bfd_state_name(BFD_STATE_UP), "Up");
}

static struct bfd_sess_cfg
mkcfg(uint32_t tx_ms, uint32_t rx_ms, uint8_t mult)
{
	struct bfd_sess_cfg	 c;

	memset(&c, 0, sizeof(c));
	c.min_tx_us = tx_ms * MS;
	c.min_rx_us = rx_ms * MS;
	c.idle_tx_us = 1000 * MS;
	c.mult = mult;
	return (c);
}

/* Two sessions talking to each other over a perfect wire. */
static int
deliver(struct bfd_sess *from, struct bfd_sess *to, uint64_t now)
{
	struct bfd_pkt	 p;
	uint8_t		 buf[BFD_PKT_LEN];

	bfd_sess_build(from, &p, now, 0);
	bfd_pkt_build(&p, buf, sizeof(buf));
	cr_assert_eq(bfd_pkt_parse(buf, sizeof(buf), &p), BFD_DROP_NONE);
	return (bfd_sess_rx(to, &p, now, 0));
}

Test(bfd_session, three_way_up_and_negotiation)
{
	struct bfd_sess		 a, b;
	struct bfd_sess_cfg	 ca = mkcfg(50, 100, 3), cb = mkcfg(20, 30, 5);
	uint64_t		 now = T0;
	int			 act, i;

	bfd_sess_init(&a, &ca, 0xa, now);
	bfd_sess_init(&b, &cb, 0xb, now);
	cr_assert_eq(a.state, BFD_STATE_DOWN);
	/* Slow while not Up: 1 s, RFC 5880 6.8.3. */
	cr_assert_eq(a.desired_tx_us, SEC);
	cr_assert_eq(a.required_rx_us, 100 * MS);
	cr_assert_eq(bfd_sess_next_event(&a), now);

	act = deliver(&a, &b, now);	/* Down -> b: Init */
	cr_assert(act & BFD_ACT_STATE);
	cr_assert_eq(b.state, BFD_STATE_INIT);
	act = deliver(&b, &a, now);	/* Init -> a: Up */
	cr_assert_eq(a.state, BFD_STATE_UP);
	cr_assert(act & BFD_ACT_SEND);
	/* Up: fast, and a poll to tell the peer. */
	cr_assert_eq(a.desired_tx_us, 50 * MS);
	cr_assert(a.poll);
	act = deliver(&a, &b, now);	/* Up, with P -> b: Up, owes F */
	cr_assert_eq(b.state, BFD_STATE_UP);
	cr_assert(b.final);
	for (i = 0; i < 4; i++) {
		now += MS;
		deliver(&b, &a, now);
		deliver(&a, &b, now);
	}
	cr_assert_not(a.poll);
	cr_assert_not(b.poll);
	cr_assert_geq(a.stats.polls, 1);
	/* a sends at max(its 50 ms, b's 30 ms rx); b at max(20, 100). */
	cr_assert_eq(bfd_sess_tx_interval(&a), 50 * MS);
	cr_assert_eq(bfd_sess_tx_interval(&b), 100 * MS);
	/* a detects with b's mult: 5 x max(100, 100) = 500 ms. */
	cr_assert_eq(bfd_sess_detect_time(&a), 500 * MS);
	/* b: 3 x max(30, 50) = 150 ms. */
	cr_assert_eq(bfd_sess_detect_time(&b), 150 * MS);
	cr_assert_eq(a.stats.up, 1);
}

Test(bfd_session, detect_timeout_and_back)
{
	struct bfd_sess		 a, b;
	struct bfd_sess_cfg	 c = mkcfg(10, 10, 3);
	uint64_t		 now = T0;
	int			 act, i;

	bfd_sess_init(&a, &c, 1, now);
	bfd_sess_init(&b, &c, 2, now);
	deliver(&a, &b, now);
	deliver(&b, &a, now);
	for (i = 0; i < 5; i++) {
		now += 5 * MS;
		deliver(&a, &b, now);
		deliver(&b, &a, now);
	}
	cr_assert_eq(a.state, BFD_STATE_UP);
	cr_assert_eq(bfd_sess_detect_time(&a), 30 * MS);
	/* Nothing from b: down after exactly the detection time. */
	act = bfd_sess_timer(&a, now + 29 * MS, 0);
	cr_assert_not(act & BFD_ACT_STATE);
	cr_assert_eq(a.state, BFD_STATE_UP);
	act = bfd_sess_timer(&a, now + 30 * MS, 0);
	cr_assert(act & BFD_ACT_STATE);
	cr_assert_eq(a.state, BFD_STATE_DOWN);
	cr_assert_eq(a.diag, BFD_DIAG_TIME_EXPIRED);
	cr_assert_eq(a.remote_discr, 0);
	cr_assert_eq(a.desired_tx_us, SEC);
	cr_assert_eq(a.stats.down, 1);
	/* b still believes Up: a's Down makes it go Down too (diag 3). */
	now += 30 * MS;
	deliver(&a, &b, now);
	cr_assert_eq(b.state, BFD_STATE_DOWN);
	cr_assert_eq(b.diag, BFD_DIAG_NEIGHBOR_DOWN);
	/* And the three-way handshake again. */
	deliver(&b, &a, now);
	cr_assert_eq(a.state, BFD_STATE_INIT);
	deliver(&a, &b, now);
	cr_assert_eq(b.state, BFD_STATE_UP);
	deliver(&b, &a, now);
	cr_assert_eq(a.state, BFD_STATE_UP);
	cr_assert_eq(a.stats.up, 2);
}

Test(bfd_session, init_times_out_too)
{
	struct bfd_sess		 a, b;
	struct bfd_sess_cfg	 c = mkcfg(10, 10, 3);
	uint64_t		 now = T0;

	bfd_sess_init(&a, &c, 1, now);
	bfd_sess_init(&b, &c, 2, now);
	deliver(&b, &a, now);
	cr_assert_eq(a.state, BFD_STATE_INIT);
	/* b sends at 1 s while not Up: 3 s of silence. */
	cr_assert_eq(bfd_sess_detect_time(&a), 3 * SEC);
	bfd_sess_timer(&a, now + 3 * SEC, 0);
	cr_assert_eq(a.state, BFD_STATE_DOWN);
}

Test(bfd_session, admin_down)
{
	struct bfd_sess		 a, b;
	struct bfd_sess_cfg	 c = mkcfg(10, 10, 3);
	struct bfd_pkt		 p;
	uint64_t		 now = T0;

	bfd_sess_init(&a, &c, 1, now);
	bfd_sess_init(&b, &c, 2, now);
	deliver(&a, &b, now);
	deliver(&b, &a, now);
	deliver(&a, &b, now);
	cr_assert_eq(b.state, BFD_STATE_UP);
	bfd_sess_admin(&a, 1, now, 0);
	cr_assert_eq(a.state, BFD_STATE_ADMIN_DOWN);
	bfd_sess_build(&a, &p, now, 0);
	cr_assert_eq(p.state, BFD_STATE_ADMIN_DOWN);
	cr_assert_eq(p.diag, BFD_DIAG_ADMIN_DOWN);
	bfd_sess_rx(&b, &p, now, 0);
	cr_assert_eq(b.state, BFD_STATE_DOWN);
	cr_assert_eq(b.diag, BFD_DIAG_NEIGHBOR_DOWN);
	/* AdminDown discards what comes in and never times out. */
	deliver(&b, &a, now);
	cr_assert_eq(a.state, BFD_STATE_ADMIN_DOWN);
	cr_assert_eq(a.detect_at, BFD_TIME_NONE);
	bfd_sess_admin(&a, 0, now, 0);
	cr_assert_eq(a.state, BFD_STATE_DOWN);
}

Test(bfd_session, poll_final_defers_slower_tx)
{
	struct bfd_sess		 a, b;
	struct bfd_sess_cfg	 c = mkcfg(10, 10, 3), slow = mkcfg(100, 10, 3);
	struct bfd_pkt		 p;
	uint64_t		 now = T0;
	int			 i;

	bfd_sess_init(&a, &c, 1, now);
	bfd_sess_init(&b, &c, 2, now);
	for (i = 0; i < 6; i++) {
		deliver(&a, &b, now);
		deliver(&b, &a, now);
	}
	cr_assert_eq(a.state, BFD_STATE_UP);
	cr_assert_not(a.poll);
	cr_assert_eq(a.tx_in_use_us, 10 * MS);
	/* Slower TX while Up: advertised now, used after the Final. */
	cr_assert(bfd_sess_set_cfg(&a, &slow, now) & BFD_ACT_SEND);
	cr_assert(a.poll);
	cr_assert_eq(a.desired_tx_us, 100 * MS);
	cr_assert_eq(a.tx_in_use_us, 10 * MS);
	bfd_sess_build(&a, &p, now, 0);
	cr_assert(p.flags & BFD_FLAG_P);
	cr_assert_not(p.flags & BFD_FLAG_F);
	bfd_sess_rx(&b, &p, now, 0);
	cr_assert(b.final);
	bfd_sess_build(&b, &p, now, 0);
	cr_assert(p.flags & BFD_FLAG_F);
	cr_assert_not(p.flags & BFD_FLAG_P);
	bfd_sess_rx(&a, &p, now, 0);
	cr_assert_not(a.poll);
	cr_assert_eq(a.tx_in_use_us, 100 * MS);
	/* b's detection follows a's new rate: 3 x 100 ms. */
	cr_assert_eq(bfd_sess_detect_time(&b), 300 * MS);
}

Test(bfd_session, jitter_bounds)
{
	struct bfd_sess		 s;
	struct bfd_sess_cfg	 c = mkcfg(100, 100, 3);
	uint32_t		 r;
	uint64_t		 j, lo = UINT64_MAX, hi = 0;

	bfd_sess_init(&s, &c, 1, T0);
	for (r = 0; r < 1000; r++) {
		j = bfd_sess_jitter(&s, 1000, r);
		lo = j < lo ? j : lo;
		hi = j > hi ? j : hi;
	}
	cr_assert_eq(lo, 750);
	cr_assert_eq(hi, 1000);
	s.cfg.mult = 1;
	lo = UINT64_MAX;
	hi = 0;
	for (r = 0; r < 1000; r++) {
		j = bfd_sess_jitter(&s, 1000, r);
		lo = j < lo ? j : lo;
		hi = j > hi ? j : hi;
	}
	cr_assert_eq(lo, 750);
	cr_assert_eq(hi, 900);
}

/* A packet sent late by the grid still goes within the interval. */
Test(bfd_session, tx_grid)
{
	struct bfd_sess		 s;
	struct bfd_sess_cfg	 c = mkcfg(10, 10, 3);
	uint32_t		 r, g;
	uint64_t		 j, lo = UINT64_MAX, hi = 0;

	cr_assert_eq(bfd_sess_tx_grid(3300), 0);
	cr_assert_eq(bfd_sess_tx_grid(10000), 512);
	cr_assert_eq(bfd_sess_tx_grid(1000000), 1024);
	g = bfd_sess_tx_grid(10000);
	bfd_sess_init(&s, &c, 1, T0);
	for (r = 0; r < 5000; r++) {
		j = bfd_sess_jitter(&s, 10000, r);
		lo = j < lo ? j : lo;
		hi = j > hi ? j : hi;
	}
	cr_assert_eq(lo, 7500);
	cr_assert_eq(hi, 10000 - g);
}

Test(bfd_session, passive_waits)
{
	struct bfd_sess		 a, b;
	struct bfd_sess_cfg	 c = mkcfg(10, 10, 3);
	uint64_t		 now = T0;

	c.passive = 1;
	bfd_sess_init(&a, &c, 1, now);
	c.passive = 0;
	bfd_sess_init(&b, &c, 2, now);
	cr_assert_eq(a.tx_at, BFD_TIME_NONE);
	cr_assert_eq(bfd_sess_timer(&a, now + 10 * SEC, 0), 0);
	deliver(&b, &a, now);
	cr_assert_eq(a.state, BFD_STATE_INIT);
	cr_assert_neq(a.tx_at, BFD_TIME_NONE);
}

Test(bfd_session, peer_wants_nothing)
{
	struct bfd_sess		 a;
	struct bfd_sess_cfg	 c = mkcfg(10, 10, 3);
	struct bfd_pkt		 p = mkpkt(BFD_STATE_DOWN, 9, 0);

	bfd_sess_init(&a, &c, 1, T0);
	p.required_rx_us = 0;
	bfd_sess_rx(&a, &p, T0, 0);
	cr_assert_eq(bfd_sess_tx_interval(&a), 0);
}

/* keepalived's keywords: bfd_instance, and track_bfd where it may be. */
static struct had_conf *
load_bfd(const char *text, struct conf_diags *diags)
{
	conf_diags_init(diags);
	return (conf_load_string(text, "t.conf", NULL, diags));
}

static int
has_diag(const struct conf_diags *diags, int level, const char *part)
{
	const struct conf_diag	*d;

	TAILQ_FOREACH(d, diags, entry)
		if (d->level == level && strstr(d->msg, part) != NULL)
			return (1);
	return (0);
}

Test(bfd_conf, keywords_and_defaults)
{
	struct conf_diags	 diags;
	struct had_conf		*c;
	struct conf_bfd		*b;
	struct conf_instance	*in;
	struct conf_sync_group	*sg;

	c = load_bfd("bfd_instance B1 {\n neighbor_ip 198.18.0.2\n"
	    " source_ip 198.18.0.1\n min_rx 3.312\n min_tx 50\n"
	    " idle_tx 2000\n multiplier 4\n passive\n ttl 250\n"
	    " max_hops 5\n weight -20 reverse\n}\n"
	    "bfd_instance B2 {\n neighbour_ip 2001:db8::2\n}\n"
	    "vrrp_instance V {\n interface eth0\n virtual_router_id 1\n"
	    " track_bfd {\n  B1\n  B2 weight 10 noreverse\n }\n}\n"
	    "vrrp_sync_group G {\n group {\n  V\n }\n track_bfd {\n"
	    "  B2 weight -5 reverse\n }\n}\n", &diags);
	if (c == NULL)
		conf_diags_print(stderr, &diags);
	cr_assert_not_null(c);
	b = TAILQ_FIRST(&c->bfds);
	cr_assert_str_eq(b->c.name, "B1");
	cr_assert_eq(b->c.min_rx_us, 3312);
	cr_assert_eq(b->c.min_tx_us, 50000);
	cr_assert_eq(b->c.idle_tx_us, 2000000);
	cr_assert_eq(b->c.multiplier, 4);
	cr_assert_eq(b->c.passive, 1);
	cr_assert_eq(b->c.ttl, 250);
	cr_assert_eq(b->c.max_hops, 5);
	cr_assert_eq(b->c.weight, -20);
	cr_assert_eq(b->c.weight_reverse, 1);
	cr_assert_eq(b->c.source.af, AF_INET);
	b = TAILQ_NEXT(b, entry);
	/* keepalived.conf(5) defaults; hoplimit 255 as RFC 5881 wants. */
	cr_assert_eq(b->c.neighbor.af, AF_INET6);
	cr_assert_eq(b->c.min_rx_us, 10000);
	cr_assert_eq(b->c.min_tx_us, 10000);
	cr_assert_eq(b->c.idle_tx_us, 1000000);
	cr_assert_eq(b->c.multiplier, 5);
	cr_assert_eq(b->c.ttl, 255);
	cr_assert_eq(b->c.hoplimit, 255);
	cr_assert_eq(b->c.max_hops, 0);
	in = TAILQ_FIRST(&c->instances);
	cr_assert_str_eq(TAILQ_FIRST(&in->track_bfds)->c.name, "B1");
	cr_assert_eq(TAILQ_LAST(&in->track_bfds,
	    conf_track_script_list)->c.weight, 10);
	sg = TAILQ_FIRST(&c->sync_groups);
	cr_assert_eq(TAILQ_FIRST(&sg->track_bfds)->c.reverse, 1);
	cr_assert_not(has_diag(&diags, CONF_WARN, "bfd"));
	conf_free(c);
	conf_diags_free(&diags);
}

Test(bfd_conf, refused)
{
	static const struct {
		const char	*text, *msg;
	} bad[] = {
		{ "bfd_instance B {\n min_rx 10\n}\n", "no neighbor_ip" },
		{ "bfd_instance B {\n neighbor_ip 198.18.0.2\n"
		    " source_ip 2001:db8::1\n}\n", "different families" },
		{ "bfd_instance B {\n neighbor_ip 198.18.0.2\n}\n"
		    "bfd_instance C {\n neighbor_ip 198.18.0.2\n}\n",
		    "already used" },
		{ "bfd_instance B {\n neighbor_ip 198.18.0.2\n}\n"
		    "virtual_server 198.18.0.100 80 {\n real_server 198.18.0.10"
		    " 80 {\n  BFD_CHECK {\n   name B\n   retry 2\n  }\n }\n}\n",
		    "not valid in BFD_CHECK" },
		{ "bfd_instance B {\n neighbor_ip 198.18.0.2\n"
		    " multiplier 0\n}\n", "multiplier" },
		{ "vrrp_instance V {\n interface eth0\n virtual_router_id 1\n"
		    " track_bfd {\n  NOPE\n }\n}\n", "no bfd_instance" },
		{ "bfd_instance B {\n neighbor_ip 198.18.0.2\n}\n"
		    "vrrp_instance V {\n interface eth0\n virtual_router_id 1\n"
		    " track_bfd {\n  B weight 254\n }\n}\n", "weight" },
		{ "virtual_server 198.18.0.100 80 {\n real_server 198.18.0.10"
		    " 80 {\n  BFD_CHECK {\n   name B\n  }\n }\n}\n",
		    "no bfd_instance named 'B'" },
	};
	struct conf_diags	 diags;
	struct had_conf		*c;
	size_t			 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		c = load_bfd(bad[i].text, &diags);
		cr_assert_null(c, "loaded: %s", bad[i].text);
		if (!has_diag(&diags, CONF_ERR, bad[i].msg))
			conf_diags_print(stderr, &diags);
		cr_assert(has_diag(&diags, CONF_ERR, bad[i].msg), "%s",
		    bad[i].msg);
		conf_diags_free(&diags);
	}
}

/* What bfdd and vrrpd receive is checked again on their side. */
static int
emit_cb(uint32_t kind, const void *body, size_t len, void *arg)
{
	struct had_conf	*dst = arg;
	char		 err[256];

	cr_assert_eq(conf_receive_item(dst, PROC_VRRP, kind, body, len, err,
	    sizeof(err)), 0, "%s", err);
	return (0);
}

Test(bfd_conf, wire)
{
	struct conf_diags	 diags;
	struct had_conf		*c, *r, *e;
	struct bfd_instance_conf bc;
	char			 err[256];

	c = load_bfd("bfd_instance B1 {\n neighbor_ip 198.18.0.2\n}\n"
	    "vrrp_instance V {\n interface eth0\n virtual_router_id 1\n"
	    " track_bfd {\n  B1 weight 7\n }\n}\n", &diags);
	cr_assert_not_null(c);
	r = conf_new();
	cr_assert_eq(conf_emit(c, PROC_VRRP, emit_cb, r), 0);
	cr_assert_str_eq(TAILQ_FIRST(&r->bfds)->c.name, "B1");
	cr_assert_eq(TAILQ_FIRST(&TAILQ_FIRST(&r->instances)->track_bfds)->c.
	    weight, 7);
	/* bfdd gets no VRRP instance, vrrpd refuses a bad bfd_instance. */
	bc = TAILQ_FIRST(&c->bfds)->c;
	bc.multiplier = 0;
	e = conf_new();
	cr_assert_eq(conf_receive_item(e, PROC_BFD,
	    CONF_ITEM_VRRP_INSTANCE, &TAILQ_FIRST(&c->instances)->c,
	    sizeof(struct vrrp_instance_conf), err, sizeof(err)), -1);
	cr_assert_eq(conf_receive_item(r, PROC_BFD, CONF_ITEM_BFD_INSTANCE,
	    &bc, sizeof(bc), err, sizeof(err)), -1);
	conf_free(e);
	conf_free(r);
	conf_free(c);
	conf_diags_free(&diags);
}
