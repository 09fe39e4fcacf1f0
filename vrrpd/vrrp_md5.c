/*
 * HMAC (RFC 2104) over libmd's MD5 (RFC 1321), for the AH ICV; checked
 * against RFC 1321's and RFC 2202's vectors (tests/unit/test_vrrp_md5.c)
 * and the AH known answers of test_vrrp_ah.c.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "vrrp_md5.h"

void
vrrp_md5_init(struct vrrp_md5 *c)
{
	MD5Init(&c->ctx);
}

void
vrrp_md5_update(struct vrrp_md5 *c, const void *data, size_t len)
{
	MD5Update(&c->ctx, data, len);
}

void
vrrp_md5_final(struct vrrp_md5 *c, uint8_t out[VRRP_MD5_LEN])
{
	MD5Final(out, &c->ctx);
	explicit_bzero(c, sizeof(*c));
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
