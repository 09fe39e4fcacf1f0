/*
 * MD5 as RFC 1321 describes it, HMAC as RFC 2104 does; checked against
 * both RFCs' test vectors (tests/unit/test_vrrp_md5.c) and against the
 * AH known answers of test_vrrp_ah.c.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "vrrp_md5.h"

#define ROTL(x, c)	(((x) << (c)) | ((x) >> (32 - (c))))

/* Per-round shift amounts and K[i] = floor(abs(sin(i + 1)) * 2^32). */
static const uint8_t	md5_r[64] = {
	7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
	5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
	4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
	6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
};

static const uint32_t	md5_k[64] = {
	0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee,
	0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
	0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be,
	0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
	0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa,
	0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
	0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed,
	0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
	0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c,
	0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
	0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05,
	0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
	0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039,
	0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
	0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1,
	0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
};

static void
md5_block(uint32_t s[4], const uint8_t *p)
{
	uint32_t	 m[16], a, b, c, d, f, t;
	int		 i, g;

	for (i = 0; i < 16; i++)
		m[i] = (uint32_t)p[4 * i] | (uint32_t)p[4 * i + 1] << 8 |
		    (uint32_t)p[4 * i + 2] << 16 | (uint32_t)p[4 * i + 3] << 24;
	a = s[0];
	b = s[1];
	c = s[2];
	d = s[3];
	for (i = 0; i < 64; i++) {
		if (i < 16) {
			f = (b & c) | (~b & d);
			g = i;
		} else if (i < 32) {
			f = (d & b) | (~d & c);
			g = (5 * i + 1) & 15;
		} else if (i < 48) {
			f = b ^ c ^ d;
			g = (3 * i + 5) & 15;
		} else {
			f = c ^ (b | ~d);
			g = (7 * i) & 15;
		}
		t = d;
		d = c;
		c = b;
		b = b + ROTL(a + f + md5_k[i] + m[g], md5_r[i]);
		a = t;
	}
	s[0] += a;
	s[1] += b;
	s[2] += c;
	s[3] += d;
}

void
vrrp_md5_init(struct vrrp_md5 *c)
{
	c->s[0] = 0x67452301;
	c->s[1] = 0xefcdab89;
	c->s[2] = 0x98badcfe;
	c->s[3] = 0x10325476;
	c->n = 0;
}

void
vrrp_md5_update(struct vrrp_md5 *c, const void *data, size_t len)
{
	const uint8_t	*p = data;
	size_t		 have = c->n % VRRP_MD5_BLOCK, take;

	c->n += len;
	if (have > 0) {
		take = VRRP_MD5_BLOCK - have;
		if (take > len)
			take = len;
		memcpy(c->buf + have, p, take);
		p += take;
		len -= take;
		if (have + take < VRRP_MD5_BLOCK)
			return;
		md5_block(c->s, c->buf);
	}
	for (; len >= VRRP_MD5_BLOCK; p += VRRP_MD5_BLOCK,
	    len -= VRRP_MD5_BLOCK)
		md5_block(c->s, p);
	if (len > 0)
		memcpy(c->buf, p, len);
}

void
vrrp_md5_final(struct vrrp_md5 *c, uint8_t out[VRRP_MD5_LEN])
{
	static const uint8_t	 pad[VRRP_MD5_BLOCK] = { 0x80 };
	uint8_t			 len[8];
	uint64_t		 bits = c->n * 8;
	size_t			 have = c->n % VRRP_MD5_BLOCK;
	int			 i;

	for (i = 0; i < 8; i++)
		len[i] = (bits >> (8 * i)) & 0xff;
	/* 0x80, zeros up to 56 bytes into a block, the length in bits. */
	vrrp_md5_update(c, pad, have < 56 ? 56 - have : 120 - have);
	vrrp_md5_update(c, len, sizeof(len));
	for (i = 0; i < 16; i++)
		out[i] = (c->s[i / 4] >> (8 * (i % 4))) & 0xff;
	memset(c, 0, sizeof(*c));
}

void
vrrp_hmac_md5(const uint8_t *key, size_t klen, const void *data, size_t len,
    uint8_t out[VRRP_MD5_LEN])
{
	struct vrrp_md5	 c;
	uint8_t		 k[VRRP_MD5_BLOCK], pad[VRRP_MD5_BLOCK];
	uint8_t		 inner[VRRP_MD5_LEN];
	size_t		 i;

	memset(k, 0, sizeof(k));
	if (klen > VRRP_MD5_BLOCK) {
		vrrp_md5_init(&c);
		vrrp_md5_update(&c, key, klen);
		vrrp_md5_final(&c, k);
	} else if (klen > 0)
		memcpy(k, key, klen);
	for (i = 0; i < sizeof(pad); i++)
		pad[i] = k[i] ^ 0x36;
	vrrp_md5_init(&c);
	vrrp_md5_update(&c, pad, sizeof(pad));
	vrrp_md5_update(&c, data, len);
	vrrp_md5_final(&c, inner);
	for (i = 0; i < sizeof(pad); i++)
		pad[i] = k[i] ^ 0x5c;
	vrrp_md5_init(&c);
	vrrp_md5_update(&c, pad, sizeof(pad));
	vrrp_md5_update(&c, inner, sizeof(inner));
	vrrp_md5_final(&c, out);
	explicit_bzero(k, sizeof(k));
	explicit_bzero(pad, sizeof(pad));
}

int
vrrp_md5_memcmp(const void *a, const void *b, size_t n)
{
	const volatile uint8_t	*x = a, *y = b;
	uint8_t			 d = 0;
	size_t			 i;

	for (i = 0; i < n; i++)
		d |= x[i] ^ y[i];
	return (d != 0);
}
