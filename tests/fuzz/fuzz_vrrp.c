/*
 * VRRP advertisement parser: vrrp_packet_parse() on bytes as they come
 * off a raw socket, with the IP-layer facts and the local configuration
 * taken from a fixed-size prefix of the input.
 *
 * Input: 46 bytes of options, then the VRRP payload.
 *   [0]  flags: 0x01 IPv6, 0x02 fix the checksum, 0x04 no such VRID,
 *        0x08 skip_check, 0x10 TTL from [1] (else 255), 0x20 configured
 *        version 2 (else 3), 0x40 destination of the other family,
 *        0x80 configured VIPs are the packet's own addresses
 *   [1]  TTL   [2] configured priority   [3] configured interval
 *   [4]  configured auth type (low 4 bits, mod 3); 0x80: the payload is
 *        an IPv4 packet with AH around the advert (vrrp_ah.c), or with
 *        IPv6 an AH header and the advert, 0x40 AH over unicast, 0x20
 *        build its ICV again with the key
 *   [5] number of configured VIPs (mod 5)
 *   [6..13]  configured auth data   [14..29] source   [30..45] destination
 *
 * A packet that passes is built again with vrrp_packet_build() and must
 * parse to the same advertisement; an AH packet rebuilt with
 * vrrp_ah_build() (vrrp_ah6_build()) must pass vrrp_ah_check()
 * (vrrp_ah6_check()).
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vrrp_ah.h"
#include "vrrp_packet.h"

#define OPT_LEN		46

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const struct vrrp_rx_config *
lookup(uint8_t vrid, sa_family_t af, void *arg)
{
	/* VRID 0 is never configured. */
	return (vrid == 0 ? NULL : arg);
}

static void
check_same(const struct vrrp_advert *a, const struct vrrp_advert *b)
{
	size_t	 i;
	int	 same;

	same = a->version == b->version && a->vrid == b->vrid &&
	    a->priority == b->priority && a->naddr == b->naddr &&
	    a->adver_int_cs == b->adver_int_cs;
	/* Only the bytes of the family are defined. */
	for (i = 0; same && i < a->naddr; i++)
		same = vrrp_addr_cmp(&a->addrs[i], &b->addrs[i]) == 0;
	if (!same) {
		fprintf(stderr, "fuzz_vrrp: rebuilt advert differs\n");
		abort();
	}
}

/*
 * The AH layer of p: locate, and (0x20) build the packet again around
 * its advert with the key, which must then pass the check.  Returns the
 * advert's offset, or -1 if the packet is dropped here.
 */
static int
ah_input(uint8_t how, const struct vrrp_rx_config *cfg, uint8_t *p,
    size_t len, size_t *voff)
{
	static uint8_t		 again[VRRP_AH_MAX_PKT];
	struct vrrp_ah_tx	 t;
	enum vrrp_drop_reason	 r;
	uint32_t		 seq;
	ssize_t			 n;

	if (vrrp_ah_locate(p, len, voff) != VRRP_DROP_NONE)
		return (-1);
	if ((how & 0x20) && *voff == VRRP_AH_IP_LEN + VRRP_AH_LEN) {
		memset(&t, 0, sizeof(t));
		memcpy(t.src, p + 12, 4);
		memcpy(t.dst, p + 16, 4);
		t.ip_id = (uint16_t)(p[4] << 8 | p[5]);
		t.ip_id = t.ip_id ? t.ip_id : 1;
		t.seq = (uint32_t)p[28] << 24 | (uint32_t)p[29] << 16 |
		    (uint32_t)p[30] << 8 | p[31];
		t.unicast = !!(how & 0x40);
		t.key = cfg->auth_data;
		n = vrrp_ah_build(&t, p + *voff, len - *voff, again,
		    sizeof(again));
		if (n != (ssize_t)len) {
			fprintf(stderr, "fuzz_vrrp: AH rebuilt %zd bytes of "
			    "%zu\n", n, len);
			abort();
		}
		memcpy(p, again, len);
		r = vrrp_ah_check(p, len, *voff, cfg->auth_data,
		    !!(how & 0x40), 0, &seq);
		if (r != VRRP_DROP_NONE && !(r == VRRP_DROP_AH_SEQ &&
		    t.seq == 0)) {
			fprintf(stderr, "fuzz_vrrp: rebuilt AH packet "
			    "dropped: %s\n", vrrp_drop_name(r));
			abort();
		}
	}
	if (vrrp_ah_check(p, len, *voff, cfg->auth_data, !!(how & 0x40), 0,
	    &seq) != VRRP_DROP_NONE)
		return (-1);
	return (0);
}

/* ah_input() for IPv6: p starts at the AH header. */
static int
ah6_input(uint8_t how, const struct vrrp_rx_config *cfg,
    const struct vrrp_rx_meta *m, uint8_t *p, size_t len)
{
	static uint8_t		 again[VRRP_AH6_MAX_PKT];
	struct vrrp_ah6_tx	 t;
	enum vrrp_drop_reason	 r;
	uint32_t		 seq;
	ssize_t			 n;

	if (vrrp_ah6_locate(p, len) != VRRP_DROP_NONE)
		return (-1);
	if (how & 0x20) {
		memset(&t, 0, sizeof(t));
		memcpy(t.src, m->src.in.bytes, 16);
		memcpy(t.dst, m->dst.in.bytes, 16);
		t.seq = (uint32_t)p[8] << 24 | (uint32_t)p[9] << 16 |
		    (uint32_t)p[10] << 8 | p[11];
		t.key = cfg->auth_data;
		n = vrrp_ah6_build(&t, p + VRRP_AH_LEN, len - VRRP_AH_LEN,
		    again, sizeof(again));
		if (n != (ssize_t)len) {
			fprintf(stderr, "fuzz_vrrp: AH6 rebuilt %zd bytes of "
			    "%zu\n", n, len);
			abort();
		}
		memcpy(p, again, len);
		r = vrrp_ah6_check(p, len, t.src, t.dst, cfg->auth_data, 0,
		    &seq);
		if (r != VRRP_DROP_NONE && !(r == VRRP_DROP_AH_SEQ &&
		    t.seq == 0)) {
			fprintf(stderr, "fuzz_vrrp: rebuilt AH6 packet "
			    "dropped: %s\n", vrrp_drop_name(r));
			abort();
		}
	}
	if (vrrp_ah6_check(p, len, m->src.in.bytes, m->dst.in.bytes,
	    cfg->auth_data, 0, &seq) != VRRP_DROP_NONE)
		return (-1);
	return (0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t			 pkt[VRRP_AH_MAX_PKT + 64];
	static uint8_t			 again[VRRP_MAX_PKT_LEN];
	static struct vrrp_advert	 adv, adv2;
	struct vrrp_rx_meta		 meta;
	struct vrrp_rx_config		 cfg;
	const struct vrrp_rx_config	*cfgp;
	struct vrrp_addr		 vips[4];
	struct vrrp_build		 b;
	enum vrrp_drop_reason		 r;
	const uint8_t			*v;
	size_t				 len, alen, i, nvip, voff;
	ssize_t				 n;
	uint16_t			 ck;
	uint8_t				 fl;
	char				 abuf[64];

	if (size < OPT_LEN)
		return (0);
	fl = data[0];
	len = size - OPT_LEN;
	if (len > sizeof(pkt))
		return (0);
	/* An exact copy, so ASan sees any read past the packet. */
	uint8_t *p = malloc(len ? len : 1);
	if (p == NULL)
		return (0);
	memcpy(p, data + OPT_LEN, len);

	memset(&meta, 0, sizeof(meta));
	meta.af = fl & 0x01 ? AF_INET6 : AF_INET;
	alen = vrrp_addr_len(meta.af);
	meta.ttl = fl & 0x10 ? data[1] : VRRP_TTL;
	meta.src.af = meta.af;
	memcpy(meta.src.in.bytes, data + 14, alen);
	meta.dst.af = fl & 0x40 ? (meta.af == AF_INET ? AF_INET6 : AF_INET) :
	    meta.af;
	memcpy(meta.dst.in.bytes, data + 30, vrrp_addr_len(meta.dst.af));

	memset(&cfg, 0, sizeof(cfg));
	cfg.version = fl & 0x20 ? VRRP_VERSION_2 : VRRP_VERSION_3;
	cfg.priority = data[2];
	cfg.adver_int = data[3] ? data[3] : 1;	/* the config's minimum */
	cfg.auth_type = (data[4] & 0x0f) % 3;
	memcpy(cfg.auth_data, data + 6, VRRP_AUTH_LEN);
	cfg.skip_check = !!(fl & 0x08);
	nvip = data[5] % 5;
	memset(vips, 0, sizeof(vips));
	for (i = 0; i < nvip; i++) {
		vips[i].af = meta.af;
		if ((fl & 0x80) && len >= VRRP_HDR_LEN + (i + 1) * alen)
			memcpy(vips[i].in.bytes, p + VRRP_HDR_LEN + i * alen,
			    alen);
		else
			vips[i].in.bytes[alen - 1] = (uint8_t)(i + 1);
	}
	cfg.vips = vips;
	cfg.nvip = nvip;

	/* Let the fuzzer past the checksum when it asks to. */
	if ((fl & 0x02) && !(data[4] & 0x80) && len >= VRRP_HDR_LEN) {
		p[6] = p[7] = 0;
		ck = vrrp_packet_cksum(p[0] >> 4, &meta.src, &meta.dst, p, len);
		p[6] = ck >> 8;
		p[7] = ck & 0xff;
	}

	/* AH: the advert starts after the IPv4 and AH headers. */
	v = p;
	if ((data[4] & 0x80) && meta.af == AF_INET) {
		if (ah_input(data[4], &cfg, p, len, &voff) == -1) {
			free(p);
			return (0);
		}
		v = p + voff;
		len -= voff;
		meta.ah = 1;
	} else if (data[4] & 0x80) {
		if (ah6_input(data[4], &cfg, &meta, p, len) == -1) {
			free(p);
			return (0);
		}
		v = p + VRRP_AH_LEN;
		len -= VRRP_AH_LEN;
		meta.ah = 1;
	}

	r = vrrp_packet_parse(v, len, &meta, lookup,
	    fl & 0x04 ? NULL : &cfg, &adv, &cfgp);
	(void)vrrp_drop_name(r);
	(void)vrrp_addr_ntop(&adv.src, abuf, sizeof(abuf));
	if (r == VRRP_DROP_NONE) {
		for (i = 0; i < adv.naddr; i++)
			(void)vrrp_addr_ntop(&adv.addrs[i], abuf,
			    sizeof(abuf));
		memset(&b, 0, sizeof(b));
		b.version = adv.version;
		b.vrid = adv.vrid;
		b.priority = adv.priority;
		b.adver_int = adv.adver_int;
		b.af = meta.af;
		b.addrs = adv.addrs;
		b.naddr = adv.naddr;
		b.auth_type = adv.auth_type;
		memcpy(b.auth_data, adv.auth_data, VRRP_AUTH_LEN);
		b.src = meta.src;
		b.dst = meta.dst;
		n = vrrp_packet_build(&b, again, sizeof(again));
		if (n != (ssize_t)len) {
			fprintf(stderr, "fuzz_vrrp: rebuilt %zd bytes, "
			    "parsed %zu\n", n, len);
			abort();
		}
		r = vrrp_packet_parse(again, (size_t)n, &meta, lookup, &cfg,
		    &adv2, NULL);
		if (r != VRRP_DROP_NONE) {
			fprintf(stderr, "fuzz_vrrp: rebuilt packet dropped: "
			    "%s\n", vrrp_drop_name(r));
			abort();
		}
		check_same(&adv, &adv2);
	}
	free(p);
	return (0);
}
