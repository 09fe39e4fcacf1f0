/*
 * Unit tests for vrrpd/vrrp_ah.c: keepalived's AH form of a VRRPv2 advert.
 * The known answers were made with Python's hmac module from the
 * description in vrrp_ah.c (and keepalived 2.2.7 accepts what vrrpd
 * builds: tests/integration/test_vrrp_ah.sh).
 */
#include <sys/types.h>

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <criterion/criterion.h>

#include "../../vrrpd/vrrp_ah.h"

/* VRID 51, priority 150, 198.18.0.100, auth type 2, interval 1. */
static const uint8_t vrrp_msg[] = {
	0x21, 0x33, 0x96, 0x01, 0x02, 0x01, 0x80, 0x53,
	0xc6, 0x12, 0x00, 0x64, 0, 0, 0, 0, 0, 0, 0, 0,
};

/* From 198.18.0.1 to 224.0.0.18, IP ID 0x1234, sequence 7, "hadtest1". */
static const uint8_t kat_ah[] = {
	0x45, 0xc0, 0x00, 0x40, 0x12, 0x34, 0x00, 0x00,
	0xff, 0x33, 0x02, 0x71, 0xc6, 0x12, 0x00, 0x01,
	0xe0, 0x00, 0x00, 0x12,
	0x70, 0x04, 0x00, 0x00, 0xc6, 0x12, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x07,
	0x25, 0xb5, 0xdc, 0x1d, 0x0f, 0xe2, 0x1d, 0xfa, 0xcc, 0x2f, 0x0d, 0x48,
	0x21, 0x33, 0x96, 0x01, 0x02, 0x01, 0x80, 0x53,
	0xc6, 0x12, 0x00, 0x64, 0, 0, 0, 0, 0, 0, 0, 0,
};

/* The same to the unicast peer 198.18.0.2: the ICV leaves TTL out. */
static const uint8_t kat_ah_uc_icv[] = {
	0x26, 0x9e, 0xde, 0x09, 0x56, 0x7d, 0xe3, 0xd4, 0xbf, 0xa6, 0xf0, 0x11,
};

static const uint8_t key[VRRP_AUTH_LEN] = "hadtest1";

static struct vrrp_ah_tx
tx(int unicast)
{
	struct vrrp_ah_tx	t;
	static const uint8_t	src[4] = { 198, 18, 0, 1 };
	static const uint8_t	mc[4] = { 224, 0, 0, 18 };
	static const uint8_t	uc[4] = { 198, 18, 0, 2 };

	memset(&t, 0, sizeof(t));
	memcpy(t.src, src, 4);
	memcpy(t.dst, unicast ? uc : mc, 4);
	t.ip_id = 0x1234;
	t.seq = 7;
	t.unicast = unicast;
	t.key = key;
	return (t);
}

static enum vrrp_drop_reason
check(const uint8_t *p, size_t len, int unicast, uint32_t last,
    uint32_t *seq)
{
	enum vrrp_drop_reason	r;
	size_t			voff;

	if ((r = vrrp_ah_locate(p, len, &voff)) != VRRP_DROP_NONE)
		return (r);
	return (vrrp_ah_check(p, len, voff, key, unicast, last, seq));
}

Test(vrrp_ah, build_known_answer)
{
	struct vrrp_ah_tx	t = tx(0);
	uint8_t			buf[VRRP_AH_MAX_PKT];
	ssize_t			n;

	n = vrrp_ah_build(&t, vrrp_msg, sizeof(vrrp_msg), buf, sizeof(buf));
	cr_assert_eq(n, (ssize_t)sizeof(kat_ah));
	cr_assert_arr_eq(buf, kat_ah, sizeof(kat_ah));

	t = tx(1);
	n = vrrp_ah_build(&t, vrrp_msg, sizeof(vrrp_msg), buf, sizeof(buf));
	cr_assert_eq(n, (ssize_t)sizeof(kat_ah));
	cr_assert_arr_eq(buf + 32, kat_ah_uc_icv, sizeof(kat_ah_uc_icv));
}

Test(vrrp_ah, build_refuses)
{
	struct vrrp_ah_tx	t = tx(0);
	uint8_t			buf[VRRP_AH_MAX_PKT];

	t.ip_id = 0;
	cr_assert_eq(vrrp_ah_build(&t, vrrp_msg, sizeof(vrrp_msg), buf,
	    sizeof(buf)), -1);
	cr_assert_eq(errno, EINVAL);
	t = tx(0);
	cr_assert_eq(vrrp_ah_build(&t, vrrp_msg, sizeof(vrrp_msg), buf,
	    sizeof(kat_ah) - 1), -1);
	cr_assert_eq(errno, ENOSPC);
	t.key = NULL;
	cr_assert_eq(vrrp_ah_build(&t, vrrp_msg, sizeof(vrrp_msg), buf,
	    sizeof(buf)), -1);
}

Test(vrrp_ah, check_accepts_and_returns_seq)
{
	uint32_t	seq;
	size_t		voff;

	cr_assert_eq(vrrp_ah_locate(kat_ah, sizeof(kat_ah), &voff),
	    VRRP_DROP_NONE);
	cr_assert_eq(voff, 44);
	cr_assert_eq(check(kat_ah, sizeof(kat_ah), 0, 6, &seq),
	    VRRP_DROP_NONE);
	cr_assert_eq(seq, 7);
}

/* Every byte the ICV covers matters; the mutable ones do not. */
Test(vrrp_ah, every_covered_byte)
{
	uint8_t			p[sizeof(kat_ah)];
	uint32_t		seq;
	size_t			i;
	enum vrrp_drop_reason	r;

	for (i = 0; i < sizeof(kat_ah); i++) {
		memcpy(p, kat_ah, sizeof(p));
		p[i] ^= 0x01;
		r = check(p, sizeof(p), 0, 0, &seq);
		switch (i) {
		case 0: case 2: case 3:	/* version, IHL, length */
			cr_assert_eq(r, VRRP_DROP_LENGTH, "byte %zu", i);
			break;
		case 9:				/* protocol */
		case 20: case 21:		/* next header, length */
			cr_assert_eq(r, VRRP_DROP_AH_HEADER, "byte %zu", i);
			break;
		case 1: case 6: case 7: case 10: case 11:
			/* TOS, fragment offset, checksum: mutable. */
			cr_assert_eq(r, VRRP_DROP_NONE, "byte %zu", i);
			break;
		default:
			cr_assert_eq(r, VRRP_DROP_AH_ICV, "byte %zu", i);
		}
	}
}

Test(vrrp_ah, ttl_mutable_over_unicast_only)
{
	struct vrrp_ah_tx	t = tx(1);
	uint8_t			buf[VRRP_AH_MAX_PKT];
	uint32_t		seq;
	ssize_t			n;

	n = vrrp_ah_build(&t, vrrp_msg, sizeof(vrrp_msg), buf, sizeof(buf));
	cr_assert_gt(n, 0);
	buf[8] = 64;
	cr_assert_eq(check(buf, (size_t)n, 1, 0, &seq), VRRP_DROP_NONE);
	cr_assert_eq(check(buf, (size_t)n, 0, 0, &seq), VRRP_DROP_AH_ICV);
	memcpy(buf, kat_ah, sizeof(kat_ah));
	buf[8] = 64;
	cr_assert_eq(check(buf, sizeof(kat_ah), 0, 0, &seq),
	    VRRP_DROP_AH_ICV);
}

Test(vrrp_ah, wrong_key)
{
	uint8_t		other[VRRP_AUTH_LEN] = "hadtest2";
	uint32_t	seq;

	cr_assert_eq(vrrp_ah_check(kat_ah, sizeof(kat_ah), 44, other, 0, 0,
	    &seq), VRRP_DROP_AH_ICV);
	cr_assert_eq(seq, 0);
}

Test(vrrp_ah, spi_must_be_source)
{
	/* Signed with the key, SPI 198.18.0.99 (a peer's mistake). */
	static const uint8_t	icv[] = {
		0x0a, 0xd6, 0xbd, 0x72, 0x1a, 0x24, 0x6b, 0x97,
		0xa0, 0xf5, 0x2b, 0xd7,
	};
	uint8_t			p[sizeof(kat_ah)];
	uint32_t		seq;

	memcpy(p, kat_ah, sizeof(p));
	p[20 + 7] = 99;
	memcpy(p + 32, icv, sizeof(icv));
	cr_assert_eq(check(p, sizeof(p), 0, 0, &seq), VRRP_DROP_AH_SPI);
}

Test(vrrp_ah, sequence_must_rise)
{
	uint32_t	seq;

	cr_assert_eq(check(kat_ah, sizeof(kat_ah), 0, 7, &seq),
	    VRRP_DROP_AH_SEQ);
	cr_assert_eq(check(kat_ah, sizeof(kat_ah), 0, 100, &seq),
	    VRRP_DROP_AH_SEQ);
	cr_assert_eq(check(kat_ah, sizeof(kat_ah), 0, 0, &seq),
	    VRRP_DROP_NONE);
}

Test(vrrp_ah, locate_refuses_short_and_odd)
{
	uint8_t		p[sizeof(kat_ah) + 8];
	uint32_t	seq;
	size_t		voff, i;

	for (i = 0; i < sizeof(kat_ah); i++)
		cr_assert_eq(vrrp_ah_locate(kat_ah, i, &voff),
		    VRRP_DROP_LENGTH, "length %zu", i);
	/* Trailing bytes the IPv4 length does not cover. */
	memset(p, 0, sizeof(p));
	memcpy(p, kat_ah, sizeof(kat_ah));
	cr_assert_eq(vrrp_ah_locate(p, sizeof(p), &voff), VRRP_DROP_LENGTH);
	/* An offset no locate() gave. */
	cr_assert_eq(vrrp_ah_check(kat_ah, sizeof(kat_ah), 10, key, 0, 0,
	    &seq), VRRP_DROP_LENGTH);
}

/*
 * IPv6 (had's extension): AH and a VRRPv3 message, VRID 51, priority 100,
 * 2001:db8::100, from fe80::1 to ff02::12, sequence 7; the ICV made with
 * Python's hmac over the IPv6 header's immutable fields (version, payload
 * length, next header 51, addresses), the AH header and the message.
 */
static const uint8_t v3v6_msg[] = {
	0x31, 0x33, 0x64, 0x01, 0x00, 0x64, 0x3d, 0x8f,
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x00,
};
static const uint8_t kat_ah6_icv[] = {
	0x1e, 0x0f, 0xe1, 0x65, 0xb3, 0xc2, 0xab, 0x18, 0xfb, 0x9c, 0x3a, 0xeb,
};
static const uint8_t ll1[16] = { 0xfe, 0x80, [15] = 1 };
static const uint8_t mc6[16] = { 0xff, 0x02, [15] = 0x12 };

static struct vrrp_ah6_tx
tx6(void)
{
	struct vrrp_ah6_tx	t;

	memset(&t, 0, sizeof(t));
	memcpy(t.src, ll1, 16);
	memcpy(t.dst, mc6, 16);
	t.seq = 7;
	t.key = key;
	return (t);
}

Test(vrrp_ah, ipv6_known_answer_and_checks)
{
	struct vrrp_ah6_tx	t = tx6();
	uint8_t			buf[VRRP_AH6_MAX_PKT], p[VRRP_AH6_MAX_PKT];
	uint8_t			other[16];
	uint32_t		seq;
	ssize_t			n;
	size_t			i;

	n = vrrp_ah6_build(&t, v3v6_msg, sizeof(v3v6_msg), buf, sizeof(buf));
	cr_assert_eq(n, (ssize_t)(VRRP_AH_LEN + sizeof(v3v6_msg)));
	cr_assert_eq(buf[0], 112);
	cr_assert_eq(buf[1], 4);
	cr_assert_arr_eq(buf + 4, ll1 + 12, 4);	/* SPI */
	cr_assert_eq(buf[11], 7);
	cr_assert_arr_eq(buf + 12, kat_ah6_icv, sizeof(kat_ah6_icv));
	cr_assert_arr_eq(buf + VRRP_AH_LEN, v3v6_msg, sizeof(v3v6_msg));

	cr_assert_eq(vrrp_ah6_locate(buf, (size_t)n), VRRP_DROP_NONE);
	cr_assert_eq(vrrp_ah6_check(buf, (size_t)n, ll1, mc6, key, 6, &seq),
	    VRRP_DROP_NONE);
	cr_assert_eq(seq, 7);
	cr_assert_eq(vrrp_ah6_check(buf, (size_t)n, ll1, mc6, key, 7, &seq),
	    VRRP_DROP_AH_SEQ);
	/* The addresses are covered: another source or destination fails. */
	memcpy(other, ll1, 16);
	other[15] = 2;
	cr_assert_eq(vrrp_ah6_check(buf, (size_t)n, other, mc6, key, 0, &seq),
	    VRRP_DROP_AH_ICV);
	cr_assert_eq(vrrp_ah6_check(buf, (size_t)n, ll1, other, key, 0, &seq),
	    VRRP_DROP_AH_ICV);
	/* Every byte is checked or covered by the ICV. */
	for (i = 0; i < (size_t)n; i++) {
		memcpy(p, buf, (size_t)n);
		p[i] ^= 0x01;
		if (i < 2)
			cr_assert_eq(vrrp_ah6_locate(p, (size_t)n),
			    VRRP_DROP_AH_HEADER, "byte %zu", i);
		else
			cr_assert_eq(vrrp_ah6_check(p, (size_t)n, ll1, mc6,
			    key, 0, &seq), VRRP_DROP_AH_ICV, "byte %zu", i);
	}
	cr_assert_eq(vrrp_ah6_locate(buf, VRRP_AH_LEN + VRRP_HDR_LEN - 1),
	    VRRP_DROP_LENGTH);
}
