/*
 * IPsec Authentication Header for VRRP, as keepalived does it for VRRPv2
 * over IPv4 (RFC 2402 header, HMAC-MD5-96 keyed with the 8-byte
 * auth_pass), and had also for VRRPv3 over IPv4 and IPv6.  Pure code
 * like vrrp_packet.c: no sockets, no clock.
 */
#ifndef HAD_VRRP_AH_H
#define HAD_VRRP_AH_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include "vrrp_packet.h"

#define VRRP_AH_PROTO		51	/* IPPROTO_AH */
#define VRRP_AH_LEN		24	/* header with a 96-bit ICV */
#define VRRP_AH_ICV_LEN		12
#define VRRP_AH_IP_LEN		20	/* the IPv4 header we send */
/* keepalived stops counting here. */
#define VRRP_AH_SEQ_MAX		0xfffffffeU

/* Largest packet: IPv4 header with options, AH, a v2 advert. */
#define VRRP_AH_MAX_PKT		(60 + VRRP_AH_LEN + VRRP_MAX_PKT_LEN)

/* What the IPv4 and AH headers around an advert carry. */
struct vrrp_ah_tx {
	uint8_t		 src[4];
	uint8_t		 dst[4];
	uint16_t	 ip_id;		/* not 0: the kernel would pick */
	uint32_t	 seq;
	int		 unicast;	/* then TTL is mutable */
	const uint8_t	*key;		/* VRRP_AUTH_LEN bytes */
};

/* IPv6 (had's extension): the kernel writes the IPv6 header. */
#define VRRP_AH6_IP_LEN		40
#define VRRP_AH6_MAX_PKT	(VRRP_AH_LEN + VRRP_MAX_PKT_LEN)

struct vrrp_ah6_tx {
	uint8_t		 src[16];
	uint8_t		 dst[16];
	uint32_t	 seq;
	const uint8_t	*key;		/* VRRP_AUTH_LEN bytes */
};

ssize_t		 vrrp_ah6_build(const struct vrrp_ah6_tx *, const uint8_t *,
		    size_t, uint8_t *, size_t);
enum vrrp_drop_reason
		 vrrp_ah6_locate(const uint8_t *, size_t);
enum vrrp_drop_reason
		 vrrp_ah6_check(const uint8_t *, size_t, const uint8_t *,
		    const uint8_t *, const uint8_t *, uint32_t, uint32_t *);
ssize_t		 vrrp_ah_build(const struct vrrp_ah_tx *, const uint8_t *,
		    size_t, uint8_t *, size_t);
enum vrrp_drop_reason
		 vrrp_ah_locate(const uint8_t *, size_t, size_t *);
enum vrrp_drop_reason
		 vrrp_ah_check(const uint8_t *, size_t, size_t,
		    const uint8_t *, int, uint32_t, uint32_t *);

#endif /* HAD_VRRP_AH_H */
