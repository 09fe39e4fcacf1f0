/*
 * VRRP advertisement codec, RFC 3768 (v2) and RFC 5798 (v3).
 *
 * The parser is fed bytes straight off the wire and is a fuzzing
 * target: every read is bounded by the length check that precedes it,
 * and nothing is trusted before the checksum has been verified.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "vrrp_packet.h"

/* Offsets into the fixed header, RFC 3768 5.1, RFC 5798 5.1. */
#define OFF_VERTYPE	0
#define OFF_VRID	1
#define OFF_PRIO	2
#define OFF_COUNT	3
#define OFF_V2_AUTH	4
#define OFF_V2_INT	5
#define OFF_V3_INT	4
#define OFF_CKSUM	6

#define V3_INT_MASK	0x0fff

const char *const vrrp_drop_names[VRRP_DROP_MAX] = {
	[VRRP_DROP_NONE] = "none",
	[VRRP_DROP_TTL] = "ttl",
	[VRRP_DROP_VERSION] = "version",
	[VRRP_DROP_TYPE] = "type",
	[VRRP_DROP_LENGTH] = "length",
	[VRRP_DROP_CHECKSUM] = "checksum",
	[VRRP_DROP_VRID] = "vrid",
	[VRRP_DROP_OWNER] = "owner",
	[VRRP_DROP_ADDR_COUNT] = "addr_count",
	[VRRP_DROP_ADDR_LIST] = "addr_list",
	[VRRP_DROP_AUTH_TYPE] = "auth_type",
	[VRRP_DROP_AUTH] = "auth",
	[VRRP_DROP_INTERVAL] = "interval",
	[VRRP_DROP_FAMILY] = "family",
	[VRRP_DROP_AH_MISSING] = "no_ah",
	[VRRP_DROP_AH_HEADER] = "ah_header",
	[VRRP_DROP_AH_ICV] = "ah_icv",
	[VRRP_DROP_AH_SPI] = "ah_spi",
	[VRRP_DROP_AH_SEQ] = "ah_seq",
};

static uint32_t	cksum_add(uint32_t, const uint8_t *, size_t);
static uint16_t	cksum_fold(uint32_t);
static int	addr_in_list(const uint8_t *, sa_family_t,
		    const struct vrrp_addr *, size_t);

const char *
vrrp_drop_name(enum vrrp_drop_reason r)
{
	if ((unsigned)r >= VRRP_DROP_MAX)
		return ("unknown");
	return (vrrp_drop_names[r]);
}

size_t
vrrp_addr_len(sa_family_t af)
{
	switch (af) {
	case AF_INET:
		return (sizeof(struct in_addr));
	case AF_INET6:
		return (sizeof(struct in6_addr));
	default:
		return (0);
	}
}

/*
 * Orders addresses as unsigned numbers in network byte order, which is
 * what RFC 5798 6.4.3 means by "greater" for the tie-break.
 */
int
vrrp_addr_cmp(const struct vrrp_addr *a, const struct vrrp_addr *b)
{
	size_t	len;

	if (a->af != b->af)
		return (a->af < b->af ? -1 : 1);
	if ((len = vrrp_addr_len(a->af)) == 0)
		return (0);
	return (memcmp(a->in.bytes, b->in.bytes, len));
}

const char *
vrrp_addr_ntop(const struct vrrp_addr *a, char *buf, size_t len)
{
	if (len == 0)
		return (buf);
	if (vrrp_addr_len(a->af) == 0 ||
	    inet_ntop(a->af, a->in.bytes, buf, len) == NULL)
		strlcpy(buf, "?", len);
	return (buf);
}

/* RFC 1071 one's complement sum, in network byte order throughout. */
static uint32_t
cksum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	while (len > 1) {
		sum += (uint32_t)p[0] << 8 | p[1];
		p += 2;
		len -= 2;
	}
	if (len == 1)
		sum += (uint32_t)p[0] << 8;
	return (sum);
}

static uint16_t
cksum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ((uint16_t)~sum);
}

/*
 * Checksum of a VRRP message as it stands in pkt, checksum field
 * included: the stored value when that field is zero, 0 when it is
 * right.  v2 covers the VRRP message only (RFC 3768 5.3.8); v3 adds the
 * IPv4 or IPv6 pseudo-header (RFC 5798 5.2.8, RFC 8200 8.1).
 */
uint16_t
vrrp_packet_cksum(uint8_t version, const struct vrrp_addr *src,
    const struct vrrp_addr *dst, const uint8_t *pkt, size_t len)
{
	uint8_t		ph[40];
	uint32_t	sum = 0;
	size_t		alen;

	if (version == VRRP_VERSION_3 && src != NULL && dst != NULL) {
		alen = vrrp_addr_len(src->af);
		memset(ph, 0, sizeof(ph));
		if (src->af == AF_INET && dst->af == AF_INET) {
			memcpy(ph, src->in.bytes, alen);
			memcpy(ph + 4, dst->in.bytes, alen);
			ph[9] = VRRP_PROTO;
			ph[10] = (len >> 8) & 0xff;
			ph[11] = len & 0xff;
			sum = cksum_add(sum, ph, 12);
		} else if (src->af == AF_INET6 && dst->af == AF_INET6) {
			memcpy(ph, src->in.bytes, alen);
			memcpy(ph + 16, dst->in.bytes, alen);
			ph[34] = (len >> 8) & 0xff;
			ph[35] = len & 0xff;
			ph[39] = VRRP_PROTO;
			sum = cksum_add(sum, ph, 40);
		}
	}
	return (cksum_fold(cksum_add(sum, pkt, len)));
}

/* Payload length for a version, family and address count; 0 if invalid. */
size_t
vrrp_packet_len(uint8_t version, sa_family_t af, size_t naddr)
{
	size_t	alen;

	if ((alen = vrrp_addr_len(af)) == 0 || naddr > VRRP_MAX_ADDRS)
		return (0);
	switch (version) {
	case VRRP_VERSION_2:
		if (af != AF_INET)
			return (0);
		return (VRRP_HDR_LEN + naddr * alen + VRRP_AUTH_LEN);
	case VRRP_VERSION_3:
		return (VRRP_HDR_LEN + naddr * alen);
	default:
		return (0);
	}
}

/*
 * Builds an advertisement into buf.  Returns its length, or -1 with
 * errno EINVAL (bad fields) or ENOSPC (buf too small).
 */
ssize_t
vrrp_packet_build(const struct vrrp_build *b, uint8_t *buf, size_t buflen)
{
	size_t		 len, alen, i, off;
	uint16_t	 ck;

	if ((len = vrrp_packet_len(b->version, b->af, b->naddr)) == 0 ||
	    (b->naddr > 0 && b->addrs == NULL) || b->vrid == 0) {
		errno = EINVAL;
		return (-1);
	}
	if (b->version == VRRP_VERSION_2 && (b->adver_int == 0 ||
	    b->adver_int > VRRP_V2_MAX_INT || b->auth_type > VRRP_AUTH_AH)) {
		errno = EINVAL;
		return (-1);
	}
	if (b->version == VRRP_VERSION_3 && (b->adver_int == 0 ||
	    b->adver_int > VRRP_V3_MAX_INT || b->src.af != b->af ||
	    b->dst.af != b->af)) {
		errno = EINVAL;
		return (-1);
	}
	alen = vrrp_addr_len(b->af);
	for (i = 0; i < b->naddr; i++) {
		if (b->addrs[i].af != b->af) {
			errno = EINVAL;
			return (-1);
		}
	}
	if (buflen < len) {
		errno = ENOSPC;
		return (-1);
	}

	memset(buf, 0, len);
	buf[OFF_VERTYPE] = (uint8_t)(b->version << 4 | VRRP_TYPE_ADVERT);
	buf[OFF_VRID] = b->vrid;
	buf[OFF_PRIO] = b->priority;
	buf[OFF_COUNT] = (uint8_t)b->naddr;
	if (b->version == VRRP_VERSION_2) {
		buf[OFF_V2_AUTH] = b->auth_type;
		buf[OFF_V2_INT] = (uint8_t)b->adver_int;
	} else {
		/* The 4 reserved bits stay zero. */
		buf[OFF_V3_INT] = (b->adver_int >> 8) & 0x0f;
		buf[OFF_V3_INT + 1] = b->adver_int & 0xff;
	}
	off = VRRP_HDR_LEN;
	for (i = 0; i < b->naddr; i++, off += alen)
		memcpy(buf + off, b->addrs[i].in.bytes, alen);
	/* RFC 2338 5.3.10: AH and none carry zeros here. */
	if (b->version == VRRP_VERSION_2 && b->auth_type == VRRP_AUTH_PASS)
		memcpy(buf + off, b->auth_data, VRRP_AUTH_LEN);

	ck = vrrp_packet_cksum(b->version, &b->src, &b->dst, buf, len);
	buf[OFF_CKSUM] = ck >> 8;
	buf[OFF_CKSUM + 1] = ck & 0xff;
	return ((ssize_t)len);
}

static int
addr_in_list(const uint8_t *a, sa_family_t af, const struct vrrp_addr *list,
    size_t n)
{
	size_t	i, alen = vrrp_addr_len(af);

	for (i = 0; i < n; i++)
		if (list[i].af == af && memcmp(list[i].in.bytes, a, alen) == 0)
			return (1);
	return (0);
}

/*
 * Receive checks of RFC 5798 7.1 and RFC 3768 7.1 that are a property of
 * the packet.  pkt is the VRRP payload with the IP header already
 * stripped; meta carries what the IP header said.  On success fills out
 * (and *cfgp, if not NULL, with the VRID's config) and returns
 * VRRP_DROP_NONE; otherwise returns why the packet must be dropped and
 * out holds whatever was decoded so far.
 *
 * The order follows the RFC, except that "version matches the
 * configured one" needs the VRID and so comes after the lookup.
 */
enum vrrp_drop_reason
vrrp_packet_parse(const uint8_t *pkt, size_t len,
    const struct vrrp_rx_meta *meta, vrrp_vrid_lookup_fn lookup, void *arg,
    struct vrrp_advert *out, const struct vrrp_rx_config **cfgp)
{
	const struct vrrp_rx_config	*cfg;
	const uint8_t			*a;
	size_t				 alen, want, i;

	memset(out, 0, offsetof(struct vrrp_advert, addrs));
	if (cfgp != NULL)
		*cfgp = NULL;
	if ((alen = vrrp_addr_len(meta->af)) == 0 ||
	    meta->src.af != meta->af)
		return (VRRP_DROP_FAMILY);
	out->src = meta->src;

	if (meta->ttl != VRRP_TTL)
		return (VRRP_DROP_TTL);
	if (len < VRRP_HDR_LEN)
		return (VRRP_DROP_LENGTH);

	out->version = pkt[OFF_VERTYPE] >> 4;
	out->type = pkt[OFF_VERTYPE] & 0x0f;
	out->vrid = pkt[OFF_VRID];
	out->priority = pkt[OFF_PRIO];
	out->naddr = pkt[OFF_COUNT];
	out->checksum = (uint16_t)(pkt[OFF_CKSUM] << 8 | pkt[OFF_CKSUM + 1]);

	/* RFC 3768 is IPv4 only; v3 carries IPv6. */
	if (out->version == VRRP_VERSION_2 && meta->af == AF_INET) {
		out->auth_type = pkt[OFF_V2_AUTH];
		out->adver_int = pkt[OFF_V2_INT];
		out->adver_int_cs = out->adver_int * 100U;
	} else if (out->version == VRRP_VERSION_3) {
		out->adver_int = (uint16_t)((pkt[OFF_V3_INT] << 8 |
		    pkt[OFF_V3_INT + 1]) & V3_INT_MASK);
		out->adver_int_cs = out->adver_int;
	} else
		return (VRRP_DROP_VERSION);

	if (out->type != VRRP_TYPE_ADVERT)
		return (VRRP_DROP_TYPE);

	/* The complete packet, nothing more: RFC 5798 7.1 bullet 3. */
	want = vrrp_packet_len(out->version, meta->af, out->naddr);
	if (want == 0 || len != want)
		return (VRRP_DROP_LENGTH);

	if (out->version == VRRP_VERSION_3 && meta->dst.af != meta->af)
		return (VRRP_DROP_FAMILY);
	if (vrrp_packet_cksum(out->version, &meta->src, &meta->dst, pkt,
	    len) != 0)
		return (VRRP_DROP_CHECKSUM);

	/* Header and checksum hold: the rest of the packet is safe to copy. */
	a = pkt + VRRP_HDR_LEN;
	for (i = 0; i < out->naddr; i++, a += alen) {
		out->addrs[i].af = meta->af;
		memcpy(out->addrs[i].in.bytes, a, alen);
	}
	if (out->version == VRRP_VERSION_2)
		memcpy(out->auth_data, a, VRRP_AUTH_LEN);

	if (lookup == NULL ||
	    (cfg = lookup(out->vrid, meta->af, arg)) == NULL)
		return (VRRP_DROP_VRID);
	if (cfgp != NULL)
		*cfgp = cfg;
	if (cfg->version != out->version)
		return (VRRP_DROP_VERSION);
	/* The address owner never listens: RFC 5798 7.1 bullet 5. */
	if (cfg->priority == VRRP_PRIO_OWNER)
		return (VRRP_DROP_OWNER);

	/* Whatever its auth type byte says: AH is the header (v3: had's). */
	if ((cfg->auth_type == VRRP_AUTH_AH) != (meta->ah != 0))
		return (cfg->auth_type == VRRP_AUTH_AH ?
		    VRRP_DROP_AH_MISSING : VRRP_DROP_AUTH_TYPE);
	if (out->version == VRRP_VERSION_2) {
		/* RFC 3768 7.1: auth type, then interval, must match. */
		if (out->auth_type != cfg->auth_type)
			return (VRRP_DROP_AUTH_TYPE);
		if (out->auth_type == VRRP_AUTH_PASS &&
		    memcmp(out->auth_data, cfg->auth_data, VRRP_AUTH_LEN) != 0)
			return (VRRP_DROP_AUTH);
		if (out->adver_int != cfg->adver_int)
			return (VRRP_DROP_INTERVAL);
	} else if (out->adver_int == 0) {
		/* A zero interval would make every backup master at once. */
		return (VRRP_DROP_INTERVAL);
	}

	/*
	 * RFC 5798 7.1: a mismatch is dropped unless the sender is the
	 * owner, in which case we log it and carry on.
	 */
	if (!cfg->skip_check) {
		if (out->naddr != cfg->nvip) {
			if (out->priority != VRRP_PRIO_OWNER)
				return (VRRP_DROP_ADDR_COUNT);
			out->addr_mismatch = 1;
		} else {
			a = pkt + VRRP_HDR_LEN;
			for (i = 0; i < out->naddr; i++, a += alen) {
				if (addr_in_list(a, meta->af, cfg->vips,
				    cfg->nvip))
					continue;
				if (out->priority != VRRP_PRIO_OWNER)
					return (VRRP_DROP_ADDR_LIST);
				out->addr_mismatch = 1;
				break;
			}
			/* Both ways, so that duplicates cannot hide a VIP. */
			for (i = 0; i < cfg->nvip; i++) {
				if (out->addr_mismatch ||
				    (cfg->vips[i].af == meta->af &&
				    addr_in_list(cfg->vips[i].in.bytes,
				    meta->af, out->addrs, out->naddr)))
					continue;
				if (out->priority != VRRP_PRIO_OWNER)
					return (VRRP_DROP_ADDR_LIST);
				out->addr_mismatch = 1;
			}
		}
	}
	return (VRRP_DROP_NONE);
}
