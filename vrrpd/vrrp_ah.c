/*
 * VRRPv2 adverts inside an IPsec Authentication Header (RFC 2402), in
 * keepalived's form: the IPv4 header, AH with next header 112, a payload
 * length of 4 (24 bytes), the sender's IPv4 address as SPI, a sequence
 * number, and an ICV that is HMAC-MD5 truncated to 96 bits, keyed with
 * auth_pass zero-padded to 8 bytes, over the IPv4 header with TOS,
 * fragment offset and checksum zeroed (and TTL over unicast), the AH
 * header with a zero ICV and the VRRP message.
 *
 * A received packet is trusted in nothing until its ICV has been
 * checked: only its VRID picks the key.
 *
 * had also wraps VRRPv3 in AH, over IPv4 the same way and over IPv6 as
 * RFC 4302 has it: the ICV covers the IPv6 header with traffic class,
 * flow label and hop limit zeroed, and the SPI is the last 32 bits of
 * the source address.  A raw IPv6 socket neither gives nor takes that
 * header, so it is rebuilt from the addresses.
 */
#include <sys/types.h>

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "vrrp_ah.h"
#include "vrrp_md5.h"

/* IPv4 header offsets. */
#define OFF_TOS		1
#define OFF_LEN		2
#define OFF_ID		4
#define OFF_FRAG	6
#define OFF_TTL		8
#define OFF_PROTO	9
#define OFF_CKSUM	10
#define OFF_SRC		12
#define OFF_DST		16

/* AH header offsets, RFC 2402 2. */
#define AH_NEXT		0
#define AH_PLEN		1
#define AH_SPI		4
#define AH_SEQ		8
#define AH_ICV		12
#define AH_PLEN_96	((VRRP_AH_LEN >> 2) - 2)

static void	put32(uint8_t *, uint32_t);
static uint32_t	get32(const uint8_t *);
static int	ah_icv(const uint8_t *, size_t, size_t, const uint8_t *, int,
		    uint8_t *);
static enum vrrp_drop_reason
		ah_spi_seq(const uint8_t *, const uint8_t *, uint32_t,
		    uint32_t *);
static int	ah6_icv(const uint8_t *, size_t, const uint8_t *,
		    const uint8_t *, const uint8_t *, uint8_t *);

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = (v >> 16) & 0xff;
	p[2] = (v >> 8) & 0xff;
	p[3] = v & 0xff;
}

static uint32_t
get32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3]);
}

/*
 * The ICV of the packet in pkt (len bytes, IPv4 header of hl bytes),
 * computed over a copy with the mutable fields and the ICV zeroed.
 */
static int
ah_icv(const uint8_t *pkt, size_t len, size_t hl, const uint8_t *key,
    int unicast, uint8_t *icv)
{
	uint8_t		buf[VRRP_AH_MAX_PKT];
	uint8_t		md[VRRP_MD5_LEN];

	if (len > sizeof(buf) || hl + VRRP_AH_LEN > len)
		return (-1);
	memcpy(buf, pkt, len);
	buf[OFF_TOS] = 0;
	buf[OFF_FRAG] = buf[OFF_FRAG + 1] = 0;
	buf[OFF_CKSUM] = buf[OFF_CKSUM + 1] = 0;
	if (unicast)
		buf[OFF_TTL] = 0;
	memset(buf + hl + AH_ICV, 0, VRRP_AH_ICV_LEN);
	vrrp_hmac_md5(key, VRRP_AUTH_LEN, buf, len, md);
	memcpy(icv, md, VRRP_AH_ICV_LEN);
	return (0);
}

/* Once the ICV holds: the SPI must be spi, the sequence above last. */
static enum vrrp_drop_reason
ah_spi_seq(const uint8_t *ah, const uint8_t *spi, uint32_t last,
    uint32_t *seq)
{
	if (memcmp(ah + AH_SPI, spi, 4) != 0)
		return (VRRP_DROP_AH_SPI);
	if (get32(ah + AH_SEQ) <= last)
		return (VRRP_DROP_AH_SEQ);
	*seq = get32(ah + AH_SEQ);
	return (VRRP_DROP_NONE);
}

/*
 * The ICV of ah (AH header and VRRP message, len bytes) from src to dst
 * over IPv6: the header's immutable fields, then ah with a zero ICV.
 */
static int
ah6_icv(const uint8_t *ah, size_t len, const uint8_t *src,
    const uint8_t *dst, const uint8_t *key, uint8_t *icv)
{
	uint8_t		buf[VRRP_AH6_IP_LEN + VRRP_AH6_MAX_PKT];
	uint8_t		md[VRRP_MD5_LEN];

	if (len < VRRP_AH_LEN || len > VRRP_AH6_MAX_PKT)
		return (-1);
	memset(buf, 0, VRRP_AH6_IP_LEN);
	buf[0] = 0x60;
	buf[4] = (len >> 8) & 0xff;
	buf[5] = len & 0xff;
	buf[6] = VRRP_AH_PROTO;
	memcpy(buf + 8, src, 16);
	memcpy(buf + 24, dst, 16);
	memcpy(buf + VRRP_AH6_IP_LEN, ah, len);
	memset(buf + VRRP_AH6_IP_LEN + AH_ICV, 0, VRRP_AH_ICV_LEN);
	vrrp_hmac_md5(key, VRRP_AUTH_LEN, buf, VRRP_AH6_IP_LEN + len, md);
	memcpy(icv, md, VRRP_AH_ICV_LEN);
	return (0);
}

/*
 * The AH header and the VRRP message v (vlen bytes) for a raw IPv6
 * socket of protocol 51.  Returns the length, or -1 with errno EINVAL or
 * ENOSPC.
 */
ssize_t
vrrp_ah6_build(const struct vrrp_ah6_tx *t, const uint8_t *v, size_t vlen,
    uint8_t *buf, size_t buflen)
{
	size_t	len = VRRP_AH_LEN + vlen;

	if (t->key == NULL || vlen < VRRP_HDR_LEN) {
		errno = EINVAL;
		return (-1);
	}
	if (len > buflen || len > VRRP_AH6_MAX_PKT) {
		errno = ENOSPC;
		return (-1);
	}
	memset(buf, 0, VRRP_AH_LEN);
	buf[AH_NEXT] = VRRP_PROTO;
	buf[AH_PLEN] = AH_PLEN_96;
	memcpy(buf + AH_SPI, t->src + 12, 4);
	put32(buf + AH_SEQ, t->seq);
	memcpy(buf + VRRP_AH_LEN, v, vlen);
	if (ah6_icv(buf, len, t->src, t->dst, t->key, buf + AH_ICV) == -1) {
		errno = EINVAL;
		return (-1);
	}
	return ((ssize_t)len);
}

/* An IPv6 AH packet as the raw socket hands it over: is the header sound? */
enum vrrp_drop_reason
vrrp_ah6_locate(const uint8_t *pkt, size_t len)
{
	if (len < VRRP_AH_LEN + VRRP_HDR_LEN || len > VRRP_AH6_MAX_PKT)
		return (VRRP_DROP_LENGTH);
	if (pkt[AH_NEXT] != VRRP_PROTO || pkt[AH_PLEN] != AH_PLEN_96)
		return (VRRP_DROP_AH_HEADER);
	return (VRRP_DROP_NONE);
}

/* After vrrp_ah6_locate(): as vrrp_ah_check(), for IPv6. */
enum vrrp_drop_reason
vrrp_ah6_check(const uint8_t *pkt, size_t len, const uint8_t *src,
    const uint8_t *dst, const uint8_t *key, uint32_t last, uint32_t *seq)
{
	uint8_t	icv[VRRP_AH_ICV_LEN];

	*seq = 0;
	if (vrrp_ah6_locate(pkt, len) != VRRP_DROP_NONE)
		return (VRRP_DROP_LENGTH);
	if (ah6_icv(pkt, len, src, dst, key, icv) == -1 ||
	    vrrp_md5_memcmp(icv, pkt + AH_ICV, sizeof(icv)) != 0)
		return (VRRP_DROP_AH_ICV);
	return (ah_spi_seq(pkt, src + 12, last, seq));
}

/*
 * The whole IPv4 packet around the VRRP message v (vlen bytes), for a
 * raw IPPROTO_AH socket with IP_HDRINCL.  Returns its length, or -1 with
 * errno EINVAL or ENOSPC.
 */
ssize_t
vrrp_ah_build(const struct vrrp_ah_tx *t, const uint8_t *v, size_t vlen,
    uint8_t *buf, size_t buflen)
{
	size_t		len = VRRP_AH_IP_LEN + VRRP_AH_LEN + vlen;
	uint32_t	sum = 0;
	size_t		i;

	if (t->key == NULL || t->ip_id == 0 || vlen < VRRP_HDR_LEN) {
		errno = EINVAL;
		return (-1);
	}
	if (len > buflen || len > VRRP_AH_MAX_PKT) {
		errno = ENOSPC;
		return (-1);
	}
	memset(buf, 0, VRRP_AH_IP_LEN + VRRP_AH_LEN);
	buf[0] = 0x45;
	buf[OFF_TOS] = 0xc0;		/* internetwork control */
	buf[OFF_LEN] = (len >> 8) & 0xff;
	buf[OFF_LEN + 1] = len & 0xff;
	buf[OFF_ID] = t->ip_id >> 8;
	buf[OFF_ID + 1] = t->ip_id & 0xff;
	buf[OFF_TTL] = VRRP_TTL;
	buf[OFF_PROTO] = VRRP_AH_PROTO;
	memcpy(buf + OFF_SRC, t->src, 4);
	memcpy(buf + OFF_DST, t->dst, 4);

	buf[VRRP_AH_IP_LEN + AH_NEXT] = VRRP_PROTO;
	buf[VRRP_AH_IP_LEN + AH_PLEN] = AH_PLEN_96;
	memcpy(buf + VRRP_AH_IP_LEN + AH_SPI, t->src, 4);
	put32(buf + VRRP_AH_IP_LEN + AH_SEQ, t->seq);
	memcpy(buf + VRRP_AH_IP_LEN + VRRP_AH_LEN, v, vlen);

	if (ah_icv(buf, len, VRRP_AH_IP_LEN, t->key, t->unicast,
	    buf + VRRP_AH_IP_LEN + AH_ICV) == -1) {
		errno = EINVAL;
		return (-1);
	}
	/* The kernel fills it in as well; the ICV covered it as zero. */
	for (i = 0; i < VRRP_AH_IP_LEN; i += 2)
		sum += (uint32_t)buf[i] << 8 | buf[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	buf[OFF_CKSUM] = (uint8_t)(~sum >> 8);
	buf[OFF_CKSUM + 1] = (uint8_t)(~sum & 0xff);
	return ((ssize_t)len);
}

/*
 * The offset of the VRRP message in an IPv4 packet as a raw IPPROTO_AH
 * socket hands it over, once the IPv4 and AH headers are sound.  Nothing
 * past them is looked at.
 */
enum vrrp_drop_reason
vrrp_ah_locate(const uint8_t *pkt, size_t len, size_t *voff)
{
	size_t	hl;

	*voff = 0;
	if (len < VRRP_AH_IP_LEN || (pkt[0] >> 4) != 4)
		return (VRRP_DROP_LENGTH);
	hl = (size_t)(pkt[0] & 0x0f) * 4;
	if (hl < VRRP_AH_IP_LEN || hl + VRRP_AH_LEN + VRRP_HDR_LEN > len ||
	    (size_t)(pkt[OFF_LEN] << 8 | pkt[OFF_LEN + 1]) != len ||
	    len > VRRP_AH_MAX_PKT)
		return (VRRP_DROP_LENGTH);
	if (pkt[OFF_PROTO] != VRRP_AH_PROTO ||
	    pkt[hl + AH_NEXT] != VRRP_PROTO ||
	    pkt[hl + AH_PLEN] != AH_PLEN_96)
		return (VRRP_DROP_AH_HEADER);
	*voff = hl + VRRP_AH_LEN;
	return (VRRP_DROP_NONE);
}

/*
 * After vrrp_ah_locate(): the ICV under key, then the SPI (the sender's
 * address), then the sequence number, which must be above last (one
 * counter per instance, sent and received, as keepalived keeps it).
 * Sets *seq to the packet's on success.
 */
enum vrrp_drop_reason
vrrp_ah_check(const uint8_t *pkt, size_t len, size_t voff,
    const uint8_t *key, int unicast, uint32_t last, uint32_t *seq)
{
	uint8_t	icv[VRRP_AH_ICV_LEN];
	size_t	hl;

	*seq = 0;
	if (voff < VRRP_AH_IP_LEN + VRRP_AH_LEN || voff > len)
		return (VRRP_DROP_LENGTH);
	hl = voff - VRRP_AH_LEN;
	if (ah_icv(pkt, len, hl, key, unicast, icv) == -1 ||
	    vrrp_md5_memcmp(icv, pkt + hl + AH_ICV, sizeof(icv)) != 0)
		return (VRRP_DROP_AH_ICV);
	return (ah_spi_seq(pkt + hl, pkt + OFF_SRC, last, seq));
}
