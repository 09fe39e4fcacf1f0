/*
 * Unit tests for the VRRP codec (vrrpd/vrrp_packet.c).
 *
 * Known answers are hand-built byte arrays whose checksums were worked
 * out independently of the code under test; the test also carries its
 * own plain RFC 1071 checksum to cross-check them.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "../../vrrpd/vrrp_packet.h"

/* Plain RFC 1071, written for clarity rather than speed. */
static uint16_t
ref_cksum(const uint8_t *p, size_t len)
{
	uint32_t	sum = 0;
	size_t		i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] * 256 + p[i + 1]);
	if (len % 2)
		sum += (uint32_t)(p[len - 1] * 256);
	while (sum > 0xffff)
		sum = (sum & 0xffff) + (sum >> 16);
	return ((uint16_t)(~sum & 0xffff));
}

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

/* v2, VRID 51, prio 100, 1 address, PASS "secret", 1 s. */
static const uint8_t kat_v2[] = {
	0x21, 0x33, 0x64, 0x01, 0x01, 0x01, 0x77, 0x07,
	198, 18, 0, 100,
	's', 'e', 'c', 'r', 'e', 't', 0, 0,
};

/* v3 IPv4, VRID 51, prio 100, 2 addresses, 100 cs; 198.18.0.1 -> .18 */
static const uint8_t kat_v3v4[] = {
	0x31, 0x33, 0x64, 0x02, 0x00, 0x64, 0x36, 0xd1,
	198, 18, 0, 100,
	198, 18, 0, 101,
};

/* v3 IPv6, VRID 51, prio 100, 2001:db8::100, 100 cs; fe80::1 -> ff02::12 */
static const uint8_t kat_v3v6[] = {
	0x31, 0x33, 0x64, 0x01, 0x00, 0x64, 0x3d, 0x8f,
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x00,
};

/* Fixtures: configs the lookup hands out, keyed by (vrid, af). */
static struct vrrp_addr		vips4[2], vips6[1];
static struct vrrp_rx_config	cfg_v2, cfg_v3v4, cfg_v3v6;
static int			lookups;

static const struct vrrp_rx_config *
lookup(uint8_t vrid, sa_family_t af, void *arg)
{
	const struct vrrp_rx_config	*which = arg;

	lookups++;
	if (vrid != 51)
		return (NULL);
	if (which != NULL)
		return (which);
	return (af == AF_INET6 ? &cfg_v3v6 : &cfg_v3v4);
}

static void
setup(void)
{
	vips4[0] = A("198.18.0.100");
	vips4[1] = A("198.18.0.101");
	vips6[0] = A("2001:db8::100");

	memset(&cfg_v2, 0, sizeof(cfg_v2));
	cfg_v2.version = 2;
	cfg_v2.priority = 100;
	cfg_v2.adver_int = 1;
	cfg_v2.auth_type = VRRP_AUTH_PASS;
	memcpy(cfg_v2.auth_data, "secret\0\0", 8);
	cfg_v2.vips = vips4;
	cfg_v2.nvip = 1;

	memset(&cfg_v3v4, 0, sizeof(cfg_v3v4));
	cfg_v3v4.version = 3;
	cfg_v3v4.priority = 100;
	cfg_v3v4.adver_int = 100;
	cfg_v3v4.vips = vips4;
	cfg_v3v4.nvip = 2;

	cfg_v3v6 = cfg_v3v4;
	cfg_v3v6.vips = vips6;
	cfg_v3v6.nvip = 1;
	lookups = 0;
}

static struct vrrp_rx_meta
meta4(void)
{
	struct vrrp_rx_meta	m;

	memset(&m, 0, sizeof(m));
	m.af = AF_INET;
	m.ttl = 255;
	m.src = A("198.18.0.1");
	m.dst = A("224.0.0.18");
	return (m);
}

static struct vrrp_rx_meta
meta6(void)
{
	struct vrrp_rx_meta	m;

	memset(&m, 0, sizeof(m));
	m.af = AF_INET6;
	m.ttl = 255;
	m.src = A("fe80::1");
	m.dst = A("ff02::12");
	return (m);
}

/* Recompute a packet's checksum with the test's own implementation. */
static void
fix_cksum(uint8_t *p, size_t len, const struct vrrp_rx_meta *m, int v3)
{
	uint8_t	buf[40 + VRRP_MAX_PKT_LEN];
	size_t	off = 0, alen = m->af == AF_INET ? 4 : 16;
	uint16_t ck;

	memset(buf, 0, sizeof(buf));
	p[6] = p[7] = 0;
	if (v3 && m->af == AF_INET) {
		memcpy(buf, m->src.in.bytes, alen);
		memcpy(buf + 4, m->dst.in.bytes, alen);
		buf[9] = 112;
		buf[10] = (uint8_t)(len >> 8);
		buf[11] = (uint8_t)len;
		off = 12;
	} else if (v3) {
		memcpy(buf, m->src.in.bytes, alen);
		memcpy(buf + 16, m->dst.in.bytes, alen);
		buf[34] = (uint8_t)(len >> 8);
		buf[35] = (uint8_t)len;
		buf[39] = 112;
		off = 40;
	}
	memcpy(buf + off, p, len);
	ck = ref_cksum(buf, off + len);
	p[6] = (uint8_t)(ck >> 8);
	p[7] = (uint8_t)ck;
}

/* Parse from an exactly sized heap copy so ASan sees any overread. */
static enum vrrp_drop_reason
parse(const uint8_t *p, size_t len, const struct vrrp_rx_meta *m,
    const struct vrrp_rx_config *which, struct vrrp_advert *out)
{
	enum vrrp_drop_reason	 r;
	uint8_t			*copy;

	copy = malloc(len > 0 ? len : 1);
	cr_assert_not_null(copy);
	if (len > 0)
		memcpy(copy, p, len);
	r = vrrp_packet_parse(copy, len, m, lookup, (void *)which, out, NULL);
	free(copy);
	return (r);
}

TestSuite(vrrp_packet, .init = setup);

Test(vrrp_packet, reference_checksums_match_hand_values)
{
	uint8_t			p[sizeof(kat_v2)];
	struct vrrp_rx_meta	m4 = meta4(), m6 = meta6();
	uint8_t			q4[sizeof(kat_v3v4)], q6[sizeof(kat_v3v6)];

	memcpy(p, kat_v2, sizeof(p));
	fix_cksum(p, sizeof(p), &m4, 0);
	cr_assert_eq(p[6], 0x77);
	cr_assert_eq(p[7], 0x07);
	memcpy(q4, kat_v3v4, sizeof(q4));
	fix_cksum(q4, sizeof(q4), &m4, 1);
	cr_assert_eq(q4[6], 0x36);
	cr_assert_eq(q4[7], 0xd1);
	memcpy(q6, kat_v3v6, sizeof(q6));
	fix_cksum(q6, sizeof(q6), &m6, 1);
	cr_assert_eq(q6[6], 0x3d);
	cr_assert_eq(q6[7], 0x8f);
	/* A correct message sums to zero, field included. */
	cr_assert_eq(ref_cksum(kat_v2, sizeof(kat_v2)), 0);
}

Test(vrrp_packet, build_v2_ipv4_known_answer)
{
	struct vrrp_build	b;
	uint8_t			buf[64];
	ssize_t			n;

	memset(&b, 0, sizeof(b));
	b.version = 2;
	b.vrid = 51;
	b.priority = 100;
	b.adver_int = 1;
	b.af = AF_INET;
	b.addrs = vips4;
	b.naddr = 1;
	b.auth_type = VRRP_AUTH_PASS;
	memcpy(b.auth_data, "secret\0\0", 8);
	/* v2 ignores the pseudo-header; leave src/dst unset. */
	n = vrrp_packet_build(&b, buf, sizeof(buf));
	cr_assert_eq(n, (ssize_t)sizeof(kat_v2));
	cr_assert_arr_eq(buf, kat_v2, sizeof(kat_v2));
	cr_assert_eq(vrrp_packet_cksum(2, NULL, NULL, buf, (size_t)n), 0);
}

Test(vrrp_packet, build_v2_no_auth_zeroes_auth_data)
{
	struct vrrp_build	b;
	uint8_t			buf[64];
	ssize_t			n;
	size_t			i;

	memset(&b, 0, sizeof(b));
	b.version = 2;
	b.vrid = 7;
	b.priority = 200;
	b.adver_int = 3;
	b.af = AF_INET;
	b.addrs = vips4;
	b.naddr = 2;
	b.auth_type = VRRP_AUTH_NONE;
	memcpy(b.auth_data, "ignored!", 8);
	n = vrrp_packet_build(&b, buf, sizeof(buf));
	cr_assert_eq(n, 8 + 8 + 8);
	for (i = 16; i < 24; i++)
		cr_assert_eq(buf[i], 0);
	cr_assert_eq(buf[4], 0);
	cr_assert_eq(buf[5], 3);
	cr_assert_eq(ref_cksum(buf, (size_t)n), 0);
}

Test(vrrp_packet, build_v3_ipv4_known_answer)
{
	struct vrrp_build	b;
	uint8_t			buf[64];
	ssize_t			n;

	memset(&b, 0, sizeof(b));
	b.version = 3;
	b.vrid = 51;
	b.priority = 100;
	b.adver_int = 100;
	b.af = AF_INET;
	b.addrs = vips4;
	b.naddr = 2;
	b.src = A("198.18.0.1");
	b.dst = A("224.0.0.18");
	n = vrrp_packet_build(&b, buf, sizeof(buf));
	cr_assert_eq(n, (ssize_t)sizeof(kat_v3v4));
	cr_assert_arr_eq(buf, kat_v3v4, sizeof(kat_v3v4));
	/* Without the pseudo-header the sum would not be zero. */
	cr_assert_neq(ref_cksum(buf, (size_t)n), 0);
}

Test(vrrp_packet, build_v3_ipv6_known_answer)
{
	struct vrrp_build	b;
	uint8_t			buf[64];
	ssize_t			n;

	memset(&b, 0, sizeof(b));
	b.version = 3;
	b.vrid = 51;
	b.priority = 100;
	b.adver_int = 100;
	b.af = AF_INET6;
	b.addrs = vips6;
	b.naddr = 1;
	b.src = A("fe80::1");
	b.dst = A("ff02::12");
	n = vrrp_packet_build(&b, buf, sizeof(buf));
	cr_assert_eq(n, (ssize_t)sizeof(kat_v3v6));
	cr_assert_arr_eq(buf, kat_v3v6, sizeof(kat_v3v6));
}

Test(vrrp_packet, build_v3_max_interval_and_reserved_bits)
{
	struct vrrp_build	b;
	uint8_t			buf[64];

	memset(&b, 0, sizeof(b));
	b.version = 3;
	b.vrid = 1;
	b.priority = 1;
	b.adver_int = 4095;
	b.af = AF_INET;
	b.addrs = vips4;
	b.naddr = 1;
	b.src = A("198.18.0.1");
	b.dst = A("224.0.0.18");
	cr_assert_eq(vrrp_packet_build(&b, buf, sizeof(buf)), 12);
	cr_assert_eq(buf[4], 0x0f);
	cr_assert_eq(buf[5], 0xff);
}

Test(vrrp_packet, build_rejects_bad_fields)
{
	struct vrrp_build	b, g;
	struct vrrp_addr	many[VRRP_MAX_ADDRS + 1];
	uint8_t			buf[VRRP_MAX_PKT_LEN + 16];
	size_t			i;

	memset(&g, 0, sizeof(g));
	g.version = 3;
	g.vrid = 51;
	g.priority = 100;
	g.adver_int = 100;
	g.af = AF_INET;
	g.addrs = vips4;
	g.naddr = 2;
	g.src = A("198.18.0.1");
	g.dst = A("224.0.0.18");
	cr_assert_eq(vrrp_packet_build(&g, buf, sizeof(buf)), 16);

#define BAD(field, value, err) do {					\
	b = g;								\
	b.field = value;						\
	errno = 0;							\
	cr_assert_eq(vrrp_packet_build(&b, buf, sizeof(buf)), -1,	\
	    #field " = " #value);					\
	cr_assert_eq(errno, err, #field " = " #value);			\
} while (0)
	BAD(version, 1, EINVAL);
	BAD(version, 4, EINVAL);
	BAD(vrid, 0, EINVAL);
	BAD(adver_int, 0, EINVAL);
	BAD(adver_int, 4096, EINVAL);
	BAD(af, AF_INET6, EINVAL);	/* addresses and src are IPv4 */
	BAD(af, AF_UNIX, EINVAL);
	BAD(naddr, VRRP_MAX_ADDRS + 1, EINVAL);
	BAD(addrs, NULL, EINVAL);
	BAD(dst, vips6[0], EINVAL);
	g.version = 2;
	g.adver_int = 1;
	cr_assert_eq(vrrp_packet_build(&g, buf, sizeof(buf)), 24);
	BAD(adver_int, 256, EINVAL);
	BAD(auth_type, 3, EINVAL);
	b = g;
	b.af = AF_INET6;	/* RFC 3768 is IPv4 only */
	b.addrs = vips6;
	b.naddr = 1;
	cr_assert_eq(vrrp_packet_build(&b, buf, sizeof(buf)), -1);
#undef BAD

	/* Too small a buffer, one byte short. */
	errno = 0;
	cr_assert_eq(vrrp_packet_build(&g, buf, 23), -1);
	cr_assert_eq(errno, ENOSPC);

	/* 255 addresses is fine, 256 is not. */
	for (i = 0; i < VRRP_MAX_ADDRS + 1; i++) {
		many[i] = A("2001:db8::1");
		many[i].in.bytes[15] = (uint8_t)i;
	}
	g.version = 3;
	g.adver_int = 100;
	g.af = AF_INET6;
	g.src = A("fe80::1");
	g.dst = A("ff02::12");
	g.addrs = many;
	g.naddr = VRRP_MAX_ADDRS;
	cr_assert_eq(vrrp_packet_build(&g, buf, sizeof(buf)),
	    8 + 255 * 16);
	g.naddr = VRRP_MAX_ADDRS + 1;
	cr_assert_eq(vrrp_packet_build(&g, buf, sizeof(buf)), -1);
	/* An address of the other family in the list. */
	many[3] = vips4[0];
	g.naddr = 10;
	cr_assert_eq(vrrp_packet_build(&g, buf, sizeof(buf)), -1);
}

Test(vrrp_packet, parse_v2_ok)
{
	struct vrrp_rx_meta		 m = meta4();
	struct vrrp_advert		 adv;
	const struct vrrp_rx_config	*cfg = NULL;

	cr_assert_eq(vrrp_packet_parse(kat_v2, sizeof(kat_v2), &m, lookup,
	    &cfg_v2, &adv, &cfg), VRRP_DROP_NONE);
	cr_assert_eq(cfg, &cfg_v2);
	cr_assert_eq(adv.version, 2);
	cr_assert_eq(adv.type, 1);
	cr_assert_eq(adv.vrid, 51);
	cr_assert_eq(adv.priority, 100);
	cr_assert_eq(adv.naddr, 1);
	cr_assert_eq(adv.auth_type, VRRP_AUTH_PASS);
	cr_assert_eq(adv.adver_int, 1);
	cr_assert_eq(adv.adver_int_cs, 100);
	cr_assert_eq(adv.checksum, 0x7707);
	cr_assert_eq(adv.addr_mismatch, 0);
	cr_assert_arr_eq(adv.auth_data, "secret\0\0", 8);
	cr_assert_eq(vrrp_addr_cmp(&adv.addrs[0], &vips4[0]), 0);
	cr_assert_eq(vrrp_addr_cmp(&adv.src, &m.src), 0);
}

Test(vrrp_packet, parse_v3_ipv4_ok)
{
	struct vrrp_rx_meta	m = meta4();
	struct vrrp_advert	adv;

	cr_assert_eq(parse(kat_v3v4, sizeof(kat_v3v4), &m, NULL, &adv),
	    VRRP_DROP_NONE);
	cr_assert_eq(adv.version, 3);
	cr_assert_eq(adv.naddr, 2);
	cr_assert_eq(adv.adver_int, 100);
	cr_assert_eq(adv.adver_int_cs, 100);
	cr_assert_eq(vrrp_addr_cmp(&adv.addrs[1], &vips4[1]), 0);
}

Test(vrrp_packet, parse_v3_ipv6_ok)
{
	struct vrrp_rx_meta	m = meta6();
	struct vrrp_advert	adv;

	cr_assert_eq(parse(kat_v3v6, sizeof(kat_v3v6), &m, NULL, &adv),
	    VRRP_DROP_NONE);
	cr_assert_eq(adv.addrs[0].af, AF_INET6);
	cr_assert_eq(vrrp_addr_cmp(&adv.addrs[0], &vips6[0]), 0);
}

Test(vrrp_packet, build_parse_round_trip)
{
	struct vrrp_build	b;
	struct vrrp_rx_meta	m = meta6();
	struct vrrp_advert	adv;
	struct vrrp_addr	v[40];
	struct vrrp_rx_config	c;
	uint8_t			buf[VRRP_MAX_PKT_LEN];
	ssize_t			n;
	size_t			i;

	for (i = 0; i < 40; i++) {
		v[i] = A("2001:db8:1::");
		v[i].in.bytes[14] = (uint8_t)(i * 7);
		v[i].in.bytes[15] = (uint8_t)i;
	}
	memset(&b, 0, sizeof(b));
	b.version = 3;
	b.vrid = 51;
	b.priority = 254;
	b.adver_int = 37;
	b.af = AF_INET6;
	b.addrs = v;
	b.naddr = 40;
	b.src = m.src;
	b.dst = m.dst;
	n = vrrp_packet_build(&b, buf, sizeof(buf));
	cr_assert_eq(n, 8 + 40 * 16);

	c = cfg_v3v6;
	c.vips = v;
	c.nvip = 40;
	cr_assert_eq(parse(buf, (size_t)n, &m, &c, &adv), VRRP_DROP_NONE);
	cr_assert_eq(adv.priority, 254);
	cr_assert_eq(adv.adver_int_cs, 37);
	for (i = 0; i < 40; i++)
		cr_assert_eq(vrrp_addr_cmp(&adv.addrs[i], &v[i]), 0);
}

Test(vrrp_packet, v3_reserved_bits_ignored_on_receive)
{
	struct vrrp_rx_meta	m = meta4();
	struct vrrp_advert	adv;
	uint8_t			p[sizeof(kat_v3v4)];

	memcpy(p, kat_v3v4, sizeof(p));
	p[4] |= 0xf0;
	fix_cksum(p, sizeof(p), &m, 1);
	cr_assert_eq(parse(p, sizeof(p), &m, NULL, &adv), VRRP_DROP_NONE);
	cr_assert_eq(adv.adver_int, 100);
}

Test(vrrp_packet, addresses_compared_as_a_set)
{
	struct vrrp_rx_meta	m = meta4();
	struct vrrp_advert	adv;
	uint8_t			p[sizeof(kat_v3v4)];

	/* Same VIPs, other order: accepted. */
	memcpy(p, kat_v3v4, sizeof(p));
	p[11] = 101;
	p[15] = 100;
	fix_cksum(p, sizeof(p), &m, 1);
	cr_assert_eq(parse(p, sizeof(p), &m, NULL, &adv), VRRP_DROP_NONE);

	/* A duplicate must not stand in for a missing VIP. */
	p[11] = 100;
	p[15] = 100;
	fix_cksum(p, sizeof(p), &m, 1);
	cr_assert_eq(parse(p, sizeof(p), &m, NULL, &adv),
	    VRRP_DROP_ADDR_LIST);
}

/* Every drop reason, one test each, starting from a valid packet. */

Test(vrrp_packet, drop_ttl)
{
	struct vrrp_rx_meta	m = meta4();
	struct vrrp_advert	adv;
	int			ttl;

	for (ttl = 0; ttl < 255; ttl++) {
		m.ttl = (uint8_t)ttl;
		cr_assert_eq(parse(kat_v3v4, sizeof(kat_v3v4), &m, NULL,
		    &adv), VRRP_DROP_TTL);
	}
	m = meta6();
	m.ttl = 64;
	cr_assert_eq(parse(kat_v3v6, sizeof(kat_v3v6), &m, NULL, &adv),
	    VRRP_DROP_TTL);
}

Test(vrrp_packet, drop_version)
{
	struct vrrp_rx_meta	m = meta4();
	struct vrrp_advert	adv;
	uint8_t			p[sizeof(kat_v3v4)];
	uint8_t			q[sizeof(kat_v2)];
	int			v;

	memcpy(p, kat_v3v4, sizeof(p));
	for (v = 0; v < 16; v++) {
		if (v == 2 || v == 3)
			continue;
		p[0] = (uint8_t)(v << 4 | 1);
		fix_cksum(p, sizeof(p), &m, 1);
		cr_assert_eq(parse(p, sizeof(p), &m, NULL, &adv),
		    VRRP_DROP_VERSION, "version %d", v);
	}
	/* Known version, but not the one configured for this VRID. */
	cr_assert_eq(parse(kat_v2, sizeof(kat_v2), &m, &cfg_v3v4, &adv),
	    VRRP_DROP_VERSION);
	cr_assert_eq(parse(kat_v3v4, sizeof(kat_v3v4), &m, &cfg_v2, &adv),
	    VRRP_DROP_VERSION);
	/* VRRPv2 over IPv6 does not exist. */
	m = meta6();
	memcpy(q, kat_v2, sizeof(q));
	cr_assert_eq(parse(q, sizeof(q), &m, NULL, &adv), VRRP_DROP_VERSION);
}

Test(vrrp_packet, drop_type)
{
	struct vrrp_rx_meta	m = meta4();
	struct vrrp_advert	adv;
	uint8_t			p[sizeof(kat_v2)];
	int			t;

	memcpy(p, kat_v2, sizeof(p));
	for (t = 0; t < 16; t++) {
		if (t == 1)
			continue;
		p[0] = (uint8_t)(0x20 | t);
		fix_cksum(p, sizeof(p), &m, 0);
		cr_assert_eq(parse(p, sizeof(p), &m, &cfg_v2, &adv),
		    VRRP_DROP_TYPE, "type %d", t);
	}
}

Test(vrrp_packet, drop_checksum)
{
	struct vrrp_rx_meta	m = meta4();
	struct vrrp_advert	adv;
	uint8_t			p[sizeof(kat_v3v4)];
	uint8_t			q[sizeof(kat_v2)];
	size_t			i;
	int			bit;

	/* Any single bit flip is caught. */
	for (i = 0; i < sizeof(p); i++) {
		for (bit = 0; bit < 8; bit++) {
			memcpy(p, kat_v3v4, sizeof(p));
			p[i] ^= (uint8_t)(1 << bit);
			/* Version, type and count have checks of their own. */
			if (i == 0 || i == 3)
				continue;
			cr_assert_eq(parse(p, sizeof(p), &m, NULL, &adv),
			    VRRP_DROP_CHECKSUM, "byte %zu bit %d", i, bit);
		}
	}
	memcpy(q, kat_v2, sizeof(q));
	q[sizeof(q) - 1] ^= 1;		/* in the auth data */
	cr_assert_eq(parse(q, sizeof(q), &m, &cfg_v2, &adv),
	    VRRP_DROP_CHECKSUM);

	/* v3 covers the pseudo-header: another source or destination. */
	m.src = A("198.18.0.2");
	cr_assert_eq(parse(kat_v3v4, sizeof(kat_v3v4), &m, NULL, &adv),
	    VRRP_DROP_CHECKSUM);
	m = meta4();
	m.dst = A("198.18.0.3");	/* unicast peer, packet was multicast */
	cr_assert_eq(parse(kat_v3v4, sizeof(kat_v3v4), &m, NULL, &adv),
	    VRRP_DROP_CHECKSUM);
	m = meta6();
	m.dst = A("fe80::2");
	cr_assert_eq(parse(kat_v3v6, sizeof(kat_v3v6), &m, NULL, &adv),
	    VRRP_DROP_CHECKSUM);
	/* v2 does not: the same bytes from elsewhere still pass. */
	m = meta4();
	m.src = A("198.18.0.77");
	m.dst = A("198.18.0.78");
	cr_assert_eq(parse(kat_v2, sizeof(kat_v2), &m, &cfg_v2, &adv),
	    VRRP_DROP_NONE);
	cr_assert_eq(lookups, 1);
}

Test(vrrp_packet, drop_length)
{
	struct vrrp_rx_meta	m = meta4();
	struct vrrp_advert	adv;
	uint8_t			p[64];
	int			c;

	/* One byte too many. */
	memset(p, 0, sizeof(p));
	memcpy(p, kat_v3v4, sizeof(kat_v3v4));
	cr_assert_eq(parse(p, sizeof(kat_v3v4) + 1, &m, NULL, &adv),
	    VRRP_DROP_LENGTH);
	/* A count that does not fit the bytes, either way. */
	for (c = 0; c < 256; c++) {
		if (c == 2)
			continue;
		memcpy(p, kat_v3v4, sizeof(kat_v3v4));
		p[3] = (uint8_t)c;
		fix_cksum(p, sizeof(kat_v3v4), &m, 1);
		cr_assert_eq(parse(p, sizeof(kat_v3v4), &m, NULL, &adv),
		    VRRP_DROP_LENGTH, "count %d", c);
	}
	/* v2 without its 8 auth bytes. */
	memcpy(p, kat_v2, sizeof(kat_v2));
	fix_cksum(p, sizeof(kat_v2) - 8, &m, 0);
	cr_assert_eq(parse(p, sizeof(kat_v2) - 8, &m, &cfg_v2, &adv),
	    VRRP_DROP_LENGTH);
}

static void
truncate_all(const uint8_t *pkt, size_t len, const struct vrrp_rx_meta *m,
    const struct vrrp_rx_config *c)
{
	struct vrrp_advert	adv;
	size_t			i;

	for (i = 0; i < len; i++)
		cr_assert_eq(parse(pkt, i, m, c, &adv), VRRP_DROP_LENGTH,
		    "truncated to %zu of %zu", i, len);
	cr_assert_eq(parse(pkt, len, m, c, &adv), VRRP_DROP_NONE);
}

Test(vrrp_packet, truncated_every_length)
{
	struct vrrp_rx_meta	m4 = meta4(), m6 = meta6();

	truncate_all(kat_v2, sizeof(kat_v2), &m4, &cfg_v2);
	truncate_all(kat_v3v4, sizeof(kat_v3v4), &m4, NULL);
	truncate_all(kat_v3v6, sizeof(kat_v3v6), &m6, NULL);
	cr_assert_eq(lookups, 3);
}

Test(vrrp_packet, drop_vrid)
{
	struct vrrp_rx_meta		 m = meta4();
	struct vrrp_advert		 adv;
	const struct vrrp_rx_config	*cfg = &cfg_v2;
	uint8_t				 p[sizeof(kat_v3v4)];

	memcpy(p, kat_v3v4, sizeof(p));
	p[1] = 52;
	fix_cksum(p, sizeof(p), &m, 1);
	cr_assert_eq(vrrp_packet_parse(p, sizeof(p), &m, lookup, NULL, &adv,
	    &cfg), VRRP_DROP_VRID);
	cr_assert_null(cfg);
	cr_assert_eq(adv.vrid, 52);
	/* No lookup at all: nothing is ours. */
	cr_assert_eq(vrrp_packet_parse(kat_v3v4, sizeof(kat_v3v4), &m, NULL,
	    NULL, &adv, NULL), VRRP_DROP_VRID);
}

Test(vrrp_packet, drop_owner)
{
	struct vrrp_rx_meta	m = meta4();
	struct vrrp_advert	adv;
	struct vrrp_rx_config	c = cfg_v3v4;

	c.priority = 255;
	cr_assert_eq(parse(kat_v3v4, sizeof(kat_v3v4), &m, &c, &adv),
	    VRRP_DROP_OWNER);
}

Test(vrrp_packet, drop_addr_count)
{
	struct vrrp_rx_meta	m = meta4();
	struct vrrp_advert	adv;
	struct vrrp_rx_config	c = cfg_v3v4;

	c.nvip = 1;
	cr_assert_eq(parse(kat_v3v4, sizeof(kat_v3v4), &m, &c, &adv),
	    VRRP_DROP_ADDR_COUNT);
	c.nvip = 0;
	cr_assert_eq(parse(kat_v3v4, sizeof(kat_v3v4), &m, &c, &adv),
	    VRRP_DROP_ADDR_COUNT);
	c.skip_check = 1;
	cr_assert_eq(parse(kat_v3v4, sizeof(kat_v3v4), &m, &c, &adv),
	    VRRP_DROP_NONE);
}

Test(vrrp_packet, drop_addr_list)
{
	struct vrrp_rx_meta	m = meta4();
	struct vrrp_advert	adv;
	struct vrrp_rx_config	c = cfg_v3v4;
	struct vrrp_addr	other[2];

	other[0] = vips4[0];
	other[1] = A("198.18.0.99");
	c.vips = other;
	cr_assert_eq(parse(kat_v3v4, sizeof(kat_v3v4), &m, &c, &adv),
	    VRRP_DROP_ADDR_LIST);
	c.skip_check = 1;
	cr_assert_eq(parse(kat_v3v4, sizeof(kat_v3v4), &m, &c, &adv),
	    VRRP_DROP_NONE);
	cr_assert_eq(adv.addr_mismatch, 0);
}

Test(vrrp_packet, owner_mismatch_is_accepted_and_flagged)
{
	struct vrrp_rx_meta	m = meta4();
	struct vrrp_advert	adv;
	struct vrrp_rx_config	c = cfg_v3v4;
	struct vrrp_addr	other[2];
	uint8_t			p[sizeof(kat_v3v4)];

	/* RFC 5798 7.1: from the owner, log and carry on. */
	memcpy(p, kat_v3v4, sizeof(p));
	p[2] = 255;
	fix_cksum(p, sizeof(p), &m, 1);
	other[0] = vips4[0];
	other[1] = A("198.18.0.99");
	c.vips = other;
	cr_assert_eq(parse(p, sizeof(p), &m, &c, &adv), VRRP_DROP_NONE);
	cr_assert_eq(adv.addr_mismatch, 1);
	c.nvip = 1;
	cr_assert_eq(parse(p, sizeof(p), &m, &c, &adv), VRRP_DROP_NONE);
	cr_assert_eq(adv.addr_mismatch, 1);
	c = cfg_v3v4;
	cr_assert_eq(parse(p, sizeof(p), &m, &c, &adv), VRRP_DROP_NONE);
	cr_assert_eq(adv.addr_mismatch, 0);
}

Test(vrrp_packet, drop_auth_type)
{
	struct vrrp_rx_meta	m = meta4();
	struct vrrp_advert	adv;
	struct vrrp_rx_config	c = cfg_v2;

	c.auth_type = VRRP_AUTH_NONE;
	cr_assert_eq(parse(kat_v2, sizeof(kat_v2), &m, &c, &adv),
	    VRRP_DROP_AUTH_TYPE);
	/* AH configured: an advert that came without the header. */
	c.auth_type = VRRP_AUTH_AH;
	cr_assert_eq(parse(kat_v2, sizeof(kat_v2), &m, &c, &adv),
	    VRRP_DROP_AH_MISSING);
	/* One that came inside AH for an instance without it. */
	c.auth_type = VRRP_AUTH_PASS;
	m.ah = 1;
	cr_assert_eq(parse(kat_v2, sizeof(kat_v2), &m, &c, &adv),
	    VRRP_DROP_AUTH_TYPE);
}

/* had's extension: a v3 instance with AH takes adverts inside AH only. */
Test(vrrp_packet, v3_ah)
{
	struct vrrp_rx_meta	m = meta4();
	struct vrrp_advert	adv;
	struct vrrp_rx_config	c = cfg_v3v4;

	c.auth_type = VRRP_AUTH_AH;
	cr_assert_eq(parse(kat_v3v4, sizeof(kat_v3v4), &m, &c, &adv),
	    VRRP_DROP_AH_MISSING);
	m.ah = 1;
	cr_assert_eq(parse(kat_v3v4, sizeof(kat_v3v4), &m, &c, &adv),
	    VRRP_DROP_NONE);
	c.auth_type = VRRP_AUTH_NONE;
	cr_assert_eq(parse(kat_v3v4, sizeof(kat_v3v4), &m, &c, &adv),
	    VRRP_DROP_AUTH_TYPE);
}

Test(vrrp_packet, drop_auth)
{
	struct vrrp_rx_meta	m = meta4();
	struct vrrp_advert	adv;
	struct vrrp_rx_config	c = cfg_v2;
	size_t			i;

	for (i = 0; i < VRRP_AUTH_LEN; i++) {
		c = cfg_v2;
		c.auth_data[i] ^= 0x20;
		cr_assert_eq(parse(kat_v2, sizeof(kat_v2), &m, &c, &adv),
		    VRRP_DROP_AUTH, "byte %zu", i);
	}
}

Test(vrrp_packet, v2_no_auth_ignores_auth_data)
{
	struct vrrp_rx_meta	m = meta4();
	struct vrrp_advert	adv;
	struct vrrp_rx_config	c = cfg_v2;
	uint8_t			p[sizeof(kat_v2)];

	memcpy(p, kat_v2, sizeof(p));
	p[4] = VRRP_AUTH_NONE;
	fix_cksum(p, sizeof(p), &m, 0);
	c.auth_type = VRRP_AUTH_NONE;
	memset(c.auth_data, 0, sizeof(c.auth_data));
	cr_assert_eq(parse(p, sizeof(p), &m, &c, &adv), VRRP_DROP_NONE);
}

Test(vrrp_packet, drop_interval)
{
	struct vrrp_rx_meta	m = meta4();
	struct vrrp_advert	adv;
	struct vrrp_rx_config	c = cfg_v2;
	uint8_t			p[sizeof(kat_v3v4)];

	/* v2: must match the configured interval, RFC 3768 7.1. */
	c.adver_int = 2;
	cr_assert_eq(parse(kat_v2, sizeof(kat_v2), &m, &c, &adv),
	    VRRP_DROP_INTERVAL);
	/* v3: another interval is learned, not dropped ... */
	c = cfg_v3v4;
	c.adver_int = 300;
	cr_assert_eq(parse(kat_v3v4, sizeof(kat_v3v4), &m, &c, &adv),
	    VRRP_DROP_NONE);
	/* ... but zero is nonsense. */
	memcpy(p, kat_v3v4, sizeof(p));
	p[4] = 0xf0;
	p[5] = 0;
	fix_cksum(p, sizeof(p), &m, 1);
	cr_assert_eq(parse(p, sizeof(p), &m, NULL, &adv),
	    VRRP_DROP_INTERVAL);
}

Test(vrrp_packet, drop_family)
{
	struct vrrp_rx_meta	m = meta4();
	struct vrrp_advert	adv;

	m.af = AF_UNIX;
	cr_assert_eq(parse(kat_v3v4, sizeof(kat_v3v4), &m, NULL, &adv),
	    VRRP_DROP_FAMILY);
	m = meta4();
	m.dst = A("ff02::12");
	cr_assert_eq(parse(kat_v3v4, sizeof(kat_v3v4), &m, NULL, &adv),
	    VRRP_DROP_FAMILY);
	m = meta6();
	m.src = A("198.18.0.1");
	cr_assert_eq(parse(kat_v3v6, sizeof(kat_v3v6), &m, NULL, &adv),
	    VRRP_DROP_FAMILY);
}

Test(vrrp_packet, drop_names)
{
	static const char *const want[] = {
		"none", "ttl", "version", "type", "length", "checksum",
		"vrid", "owner", "addr_count", "addr_list", "auth_type",
		"auth", "interval", "family", "no_ah", "ah_header",
		"ah_icv", "ah_spi", "ah_seq",
	};
	int	i, j;

	cr_assert_eq(sizeof(want) / sizeof(want[0]), VRRP_DROP_MAX);
	for (i = 0; i < VRRP_DROP_MAX; i++) {
		cr_assert_not_null(vrrp_drop_names[i]);
		cr_assert_str_eq(vrrp_drop_name(i), want[i]);
		for (j = 0; j < i; j++)
			cr_assert_str_neq(vrrp_drop_names[i],
			    vrrp_drop_names[j]);
	}
	cr_assert_str_eq(vrrp_drop_name(VRRP_DROP_MAX), "unknown");
	cr_assert_str_eq(vrrp_drop_name(-1), "unknown");
}

Test(vrrp_packet, addr_helpers)
{
	struct vrrp_addr	a = A("198.18.0.1"), b = A("198.18.0.2");
	struct vrrp_addr	c = A("2001:db8::1"), d = A("2001:db8::1:0");
	char			buf[INET6_ADDRSTRLEN];

	cr_assert_lt(vrrp_addr_cmp(&a, &b), 0);
	cr_assert_gt(vrrp_addr_cmp(&b, &a), 0);
	cr_assert_eq(vrrp_addr_cmp(&a, &a), 0);
	cr_assert_lt(vrrp_addr_cmp(&c, &d), 0);
	/* Numeric, not lexical: .10 is greater than .9. */
	a = A("198.18.0.9");
	b = A("198.18.0.10");
	cr_assert_lt(vrrp_addr_cmp(&a, &b), 0);
	cr_assert_str_eq(vrrp_addr_ntop(&b, buf, sizeof(buf)), "198.18.0.10");
	cr_assert_str_eq(vrrp_addr_ntop(&d, buf, sizeof(buf)),
	    "2001:db8::1:0");
	cr_assert_eq(vrrp_addr_len(AF_INET), 4);
	cr_assert_eq(vrrp_addr_len(AF_INET6), 16);
	cr_assert_eq(vrrp_addr_len(AF_UNIX), 0);
	cr_assert_eq(vrrp_packet_len(2, AF_INET, 3), 8 + 12 + 8);
	cr_assert_eq(vrrp_packet_len(3, AF_INET6, 3), 8 + 48);
	cr_assert_eq(vrrp_packet_len(2, AF_INET6, 1), 0);
	cr_assert_eq(vrrp_packet_len(3, AF_INET, 256), 0);
}

/* Cheap in-process fuzz: random bytes and mutated packets never crash. */
Test(vrrp_packet, random_input_is_safe)
{
	struct vrrp_rx_meta	m4 = meta4(), m6 = meta6();
	struct vrrp_advert	adv;
	struct vrrp_rx_config	c = cfg_v3v4;
	uint8_t			p[128];
	uint32_t		seed = 12345;
	size_t			len, i;
	int			iter;
	enum vrrp_drop_reason	r;

	c.skip_check = 1;
	for (iter = 0; iter < 20000; iter++) {
		len = (size_t)(iter % (int)sizeof(p));
		for (i = 0; i < len; i++) {
			seed = seed * 1103515245 + 12345;
			p[i] = (uint8_t)(seed >> 16);
		}
		if (iter % 2 && len >= 8) {
			/* Plausible header so that later checks run too. */
			p[0] = iter % 4 ? 0x31 : 0x21;
			p[1] = 51;
			p[3] = (uint8_t)((len - 8) / 4);
			fix_cksum(p, len, &m4, p[0] == 0x31);
		}
		r = parse(p, len, iter % 3 ? &m4 : &m6, &c, &adv);
		cr_assert_lt((int)r, VRRP_DROP_MAX);
	}
}
