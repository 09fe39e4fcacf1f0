/*
 * HMAC-MD5 (RFC 2104) for the AH ICV: all that vrrpd took from libcrypto,
 * whose loading alone cost vrrpd 1.4 MB of RSS (issue 19).  MD5 itself
 * is libmd's, which libbsd already loads.
 */
#ifndef HAD_VRRP_MD5_H
#define HAD_VRRP_MD5_H

#include <stddef.h>
#include <stdint.h>

#include <md5.h>

#define VRRP_MD5_LEN	MD5_DIGEST_LENGTH

void	 vrrp_hmac_md5(const uint8_t *, size_t, const void *, size_t,
	    uint8_t[VRRP_MD5_LEN]);
/* 0 if the n bytes are equal, in a time that does not tell where not. */
int	 vrrp_md5_memcmp(const void *, const void *, size_t);

#endif /* HAD_VRRP_MD5_H */
