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
vrrp_hmac_md5(const uint8_t *key, size_t klen, const void *data, size_t len,
    uint8_t out[VRRP_MD5_LEN])
{
	MD5_CTX		 c;
	uint8_t		 k[MD5_BLOCK_LENGTH], pad[MD5_BLOCK_LENGTH];
	uint8_t		 inner[VRRP_MD5_LEN];
	size_t		 i;

	memset(k, 0, sizeof(k));
	if (klen > MD5_BLOCK_LENGTH) {
		MD5Init(&c);
		MD5Update(&c, key, klen);
		MD5Final(k, &c);
	} else if (klen > 0)
		memcpy(k, key, klen);
	for (i = 0; i < sizeof(pad); i++)
		pad[i] = k[i] ^ 0x36;
	MD5Init(&c);
	MD5Update(&c, pad, sizeof(pad));
	MD5Update(&c, data, len);
	MD5Final(inner, &c);
	for (i = 0; i < sizeof(pad); i++)
		pad[i] = k[i] ^ 0x5c;
	MD5Init(&c);
	MD5Update(&c, pad, sizeof(pad));
	MD5Update(&c, inner, sizeof(inner));
	MD5Final(out, &c);
	explicit_bzero(k, sizeof(k));
	explicit_bzero(pad, sizeof(pad));
	explicit_bzero(inner, sizeof(inner));
	explicit_bzero(&c, sizeof(c));
}

/*
 * 0 if the n bytes are equal, in a time that does not tell where they
 * differ (libcrypto's CRYPTO_memcmp; neither libbsd nor glibc has one).
 */
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
