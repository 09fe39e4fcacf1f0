/*
 * VRRP advertisement codec: VRRPv2 (RFC 3768, IPv4 only) and VRRPv3
 * (RFC 5798, IPv4 and IPv6).  Pure code: no sockets, no clock, no
 * allocation.  The socket layer strips the IP header and hands us the
 * VRRP payload plus the IP-layer facts (TTL, addresses) it saw.
 */
#ifndef HAD_VRRP_PACKET_H
#define HAD_VRRP_PACKET_H

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <stddef.h>
#include <stdint.h>

#define VRRP_PROTO		112	/* IANA protocol number */
#define VRRP_TTL		255	/* RFC 5798 5.1.1.3, 5.1.2.3 */
#define VRRP_VERSION_2		2
#define VRRP_VERSION_3		3
#define VRRP_TYPE_ADVERT	1
#define VRRP_HDR_LEN		8	/* fixed part, both versions */
#define VRRP_AUTH_LEN		8	/* v2 authentication data */
#define VRRP_MAX_ADDRS		255	/* count field is 8 bits */
#define VRRP_V2_MAX_INT		255	/* seconds, 8 bits */
#define VRRP_V3_MAX_INT		4095	/* centiseconds, 12 bits */
#define VRRP_PRIO_STOP		0	/* master is leaving */
#define VRRP_PRIO_OWNER		255	/* owns the virtual addresses */

/* Largest payload we ever build or accept: v2 IPv4 with 255 addresses. */
#define VRRP_MAX_PKT_LEN	(VRRP_HDR_LEN + VRRP_MAX_ADDRS * 16 + \
				    VRRP_AUTH_LEN)

/* RFC 3768 5.3.6; RFC 5798 dropped authentication. */
enum vrrp_auth_type {
	VRRP_AUTH_NONE = 0,
	VRRP_AUTH_PASS = 1,	/* RFC 2338 simple text password */
	VRRP_AUTH_AH = 2,	/* RFC 2338 IP Authentication Header */
};

struct vrrp_addr {
	sa_family_t		af;	/* AF_INET or AF_INET6 */
	union {
		struct in_addr	v4;
		struct in6_addr	v6;
		uint8_t		bytes[16];
	} in;
};

/* What to put into an advertisement. */
struct vrrp_build {
	uint8_t			 version;	/* 2 or 3 */
	uint8_t			 vrid;		/* 1..255 */
	uint8_t			 priority;	/* 0..255 */
	uint16_t		 adver_int;	/* v2 seconds, v3 centisec */
	sa_family_t		 af;
	const struct vrrp_addr	*addrs;		/* all of family af */
	size_t			 naddr;
	uint8_t			 auth_type;	/* v2 only */
	uint8_t			 auth_data[VRRP_AUTH_LEN]; /* v2 PASS */
	struct vrrp_addr	 src;		/* v3 pseudo-header */
	struct vrrp_addr	 dst;		/* v3 pseudo-header */
};

/* IP-layer facts the socket layer saw for a received packet. */
struct vrrp_rx_meta {
	sa_family_t		 af;
	uint8_t			 ttl;		/* TTL or hop limit */
	struct vrrp_addr	 src;
	struct vrrp_addr	 dst;
	int			 ah;		/* came inside a checked AH */
};

/* What we expect from the virtual router a packet claims to be for. */
struct vrrp_rx_config {
	uint8_t			 version;	/* configured version */
	uint8_t			 priority;	/* our base priority */
	uint16_t		 adver_int;	/* v2 seconds, v3 centisec */
	uint8_t			 auth_type;	/* v2; AH also v3 */
	uint8_t			 auth_data[VRRP_AUTH_LEN];
	const struct vrrp_addr	*vips;
	size_t			 nvip;
	int			 skip_check;	/* don't compare addresses */
};

/* Returns the config for vrid, or NULL when the VRID is not ours. */
typedef const struct vrrp_rx_config *(*vrrp_vrid_lookup_fn)(uint8_t vrid,
    sa_family_t af, void *arg);

/* A received advertisement that passed every check. */
struct vrrp_advert {
	uint8_t			 version;
	uint8_t			 type;
	uint8_t			 vrid;
	uint8_t			 priority;
	uint8_t			 naddr;
	uint8_t			 auth_type;	/* v2 only */
	uint16_t		 adver_int;	/* as on the wire */
	uint32_t		 adver_int_cs;	/* centisec, either version */
	uint16_t		 checksum;	/* as on the wire */
	int			 addr_mismatch;	/* owner sent other VIPs */
	uint8_t			 auth_data[VRRP_AUTH_LEN];
	struct vrrp_addr	 src;		/* from the IP header */
	struct vrrp_addr	 addrs[VRRP_MAX_ADDRS];
};

enum vrrp_drop_reason {
	VRRP_DROP_NONE = 0,
	VRRP_DROP_TTL,		/* TTL / hop limit not 255 */
	VRRP_DROP_VERSION,	/* unknown, not configured, or v2 on IPv6 */
	VRRP_DROP_TYPE,		/* not an advertisement */
	VRRP_DROP_LENGTH,	/* short, or not what the count says */
	VRRP_DROP_CHECKSUM,
	VRRP_DROP_VRID,		/* no such virtual router here */
	VRRP_DROP_OWNER,	/* we own the addresses (priority 255) */
	VRRP_DROP_ADDR_COUNT,
	VRRP_DROP_ADDR_LIST,
	VRRP_DROP_AUTH_TYPE,
	VRRP_DROP_AUTH,		/* PASS data does not match */
	VRRP_DROP_INTERVAL,	/* v2 interval differs, or v3 zero */
	VRRP_DROP_FAMILY,	/* meta or config inconsistent */
	VRRP_DROP_AH_MISSING,	/* AH configured, advert came without */
	VRRP_DROP_AH_HEADER,	/* AH not next header 112 or not 96 bits */
	VRRP_DROP_AH_ICV,	/* HMAC does not match: wrong key or forged */
	VRRP_DROP_AH_SPI,	/* SPI is not the sender's address */
	VRRP_DROP_AH_SEQ,	/* sequence number not above the last one */
	VRRP_DROP_MAX
};

extern const char *const vrrp_drop_names[VRRP_DROP_MAX];

const char	*vrrp_drop_name(enum vrrp_drop_reason);

size_t		 vrrp_addr_len(sa_family_t);
int		 vrrp_addr_cmp(const struct vrrp_addr *,
		    const struct vrrp_addr *);
const char	*vrrp_addr_ntop(const struct vrrp_addr *, char *, size_t);

uint16_t	 vrrp_packet_cksum(uint8_t, const struct vrrp_addr *,
		    const struct vrrp_addr *, const uint8_t *, size_t);
size_t		 vrrp_packet_len(uint8_t, sa_family_t, size_t);
ssize_t		 vrrp_packet_build(const struct vrrp_build *, uint8_t *,
		    size_t);
enum vrrp_drop_reason
		 vrrp_packet_parse(const uint8_t *, size_t,
		    const struct vrrp_rx_meta *, vrrp_vrid_lookup_fn, void *,
		    struct vrrp_advert *, const struct vrrp_rx_config **);

#endif /* HAD_VRRP_PACKET_H */
