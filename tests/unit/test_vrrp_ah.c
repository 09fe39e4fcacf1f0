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
