/*
 * VRRP transport: one raw IPPROTO_VRRP socket per interface and family,
 * bound to the interface, joined to the VRRP multicast group, shared by
 * the instances on that interface.  Multicast and unicast adverts go out
 * of it with the source address chosen per packet (IP_PKTINFO,
 * IPV6_PKTINFO); received adverts are checked by vrrp_packet_parse().
 *
 * vrrpd keeps CAP_NET_RAW, so the sockets are opened when the
 * configuration arrives, inside the chroot.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <arpa/inet.h>
#include <net/if.h>

#include <errno.h>
#include <ifaddrs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event.h>

#include "log.h"
#include "vrrp_ah.h"
#include "vrrpd.h"

#define RX_BUFLEN	(60 + VRRP_MAX_PKT_LEN)

static void	vrrp_net_recv(int, short, void *);
static void	vrrp_net_recv_ah(int, short, void *);
static void	rx_count(struct vrrp_if *, uint8_t, enum vrrp_drop_reason,
		    const struct vrrp_rx_meta *);

/* A raw socket of protocol proto on the interface, in the VRRP group. */
static int
net_open(struct vrrp_if *vif, const struct conf_addr *group, int proto,
    char *err, size_t errlen)
{
	struct ip_mreqn		 mr4;
	struct ipv6_mreq	 mr6;
	int			 fd, on = 1, off = 0, ttl = 255, tos = 0xc0;

	if ((fd = socket(vif->af, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    proto)) == -1) {
		snprintf(err, errlen, "raw socket: %s", strerror(errno));
		return (-1);
	}
	/* AH adverts carry their own IPv4 header: the ICV covers its ID. */
	if (proto == VRRP_AH_PROTO && vif->af == AF_INET &&
	    setsockopt(fd, IPPROTO_IP, IP_HDRINCL,
	    &on, sizeof(on)) == -1) {
		snprintf(err, errlen, "IP_HDRINCL: %s", strerror(errno));
		goto fail;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, vif->ifname,
	    strlen(vif->ifname)) == -1) {
		snprintf(err, errlen, "SO_BINDTODEVICE %s: %s", vif->ifname,
		    strerror(errno));
		goto fail;
	}
	if (vif->af == AF_INET) {
		memset(&mr4, 0, sizeof(mr4));
		mr4.imr_ifindex = vif->ifindex;
		memcpy(&mr4.imr_multiaddr, &group->u.v4, 4);
		if (setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on,
		    sizeof(on)) == -1 ||
		    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &off,
		    sizeof(off)) == -1 ||
		    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl,
		    sizeof(ttl)) == -1 ||
		    setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl,
		    sizeof(ttl)) == -1 ||
		    setsockopt(fd, IPPROTO_IP, IP_TOS, &tos,
		    sizeof(tos)) == -1 ||
		    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mr4,
		    sizeof(mr4)) == -1 ||
		    setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr4,
		    sizeof(mr4)) == -1) {
			snprintf(err, errlen, "IPv4 socket options on %s: %s",
			    vif->ifname, strerror(errno));
			goto fail;
		}
	} else {
		memset(&mr6, 0, sizeof(mr6));
		mr6.ipv6mr_interface = vif->ifindex;
		memcpy(&mr6.ipv6mr_multiaddr, &group->u.v6, 16);
		if (setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on,
		    sizeof(on)) == -1 ||
		    setsockopt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &on,
		    sizeof(on)) == -1 ||
		    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &off,
		    sizeof(off)) == -1 ||
		    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &ttl,
		    sizeof(ttl)) == -1 ||
		    setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &ttl,
		    sizeof(ttl)) == -1 ||
		    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF,
		    &vif->ifindex, sizeof(vif->ifindex)) == -1 ||
		    setsockopt(fd, IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, &mr6,
		    sizeof(mr6)) == -1) {
			snprintf(err, errlen, "IPv6 socket options on %s: %s",
			    vif->ifname, strerror(errno));
			goto fail;
		}
	}
	return (fd);
 fail:
	close(fd);
	return (-1);
}

struct vrrp_if *
vrrp_net_get(const char *ifname, sa_family_t af, char *err, size_t errlen)
{
	struct vrrp_if	*vif;
	unsigned int	 idx;

	TAILQ_FOREACH(vif, &venv->ifs, entry) {
		if (vif->af == af && strcmp(vif->ifname, ifname) == 0) {
			vif->refs++;
			return (vif);
		}
	}
	if ((idx = if_nametoindex(ifname)) == 0) {
		snprintf(err, errlen, "interface %s not found", ifname);
		return (NULL);
	}
	if ((vif = calloc(1, sizeof(*vif))) == NULL)
		fatal("calloc");
	strlcpy(vif->ifname, ifname, sizeof(vif->ifname));
	vif->ifindex = (int)idx;
	vif->af = af;
	vif->ah_fd = -1;
	if ((vif->fd = net_open(vif, af == AF_INET ?
	    &venv->global.vrrp_mcast_group4 : &venv->global.vrrp_mcast_group6,
	    VRRP_PROTO, err, errlen)) == -1) {
		free(vif);
		return (NULL);
	}
	if ((vif->ev = event_new(venv->base, vif->fd, EV_READ | EV_PERSIST,
	    vrrp_net_recv, vif)) == NULL || event_add(vif->ev, NULL) == -1)
		fatalx("event_new");
	vif->refs = 1;
	TAILQ_INSERT_TAIL(&venv->ifs, vif, entry);
	log_debug("VRRP socket on %s (%s, index %d)", ifname,
	    af == AF_INET ? "IPv4" : "IPv6", vif->ifindex);
	return (vif);
}

void
vrrp_net_put(struct vrrp_if *vif)
{
	if (--vif->refs > 0)
		return;
	TAILQ_REMOVE(&venv->ifs, vif, entry);
	event_free(vif->ev);
	close(vif->fd);
	if (vif->ah_fd != -1) {
		event_free(vif->ah_ev);
		close(vif->ah_fd);
	}
	free(vif);
}

/*
 * auth_type AH: a raw IPPROTO_AH socket beside the VRRP one, opened when
 * the first AH instance uses the interface; the kernel hands raw sockets
 * AH packets whether or not it has an IPsec SA for them (an IPv6 one from
 * the AH header on, which vrrp_net_recv() takes like a VRRP packet).
 */
int
vrrp_net_ah_open(struct vrrp_if *vif, char *err, size_t errlen)
{
	if (vif->ah_fd != -1)
		return (0);
	if ((vif->ah_fd = net_open(vif, vif->af == AF_INET ?
	    &venv->global.vrrp_mcast_group4 : &venv->global.vrrp_mcast_group6,
	    VRRP_AH_PROTO, err, errlen)) == -1)
		return (-1);
	if ((vif->ah_ev = event_new(venv->base, vif->ah_fd,
	    EV_READ | EV_PERSIST, vif->af == AF_INET ? vrrp_net_recv_ah :
	    vrrp_net_recv, vif)) == NULL ||
	    event_add(vif->ah_ev, NULL) == -1)
		fatalx("event_new");
	log_debug("VRRP AH socket on %s", vif->ifname);
	return (0);
}

/*
 * The advert's source: unicast_src_ip or mcast_src_ip when set, else the
 * interface's first IPv4 address, or its link-local IPv6 address (RFC
 * 5798 5.1.2.1).  getifaddrs() asks the kernel over netlink, which works
 * in the empty chroot.
 */
int
vrrp_net_source(struct vrrp_inst *inst)
{
	const struct vrrp_instance_conf	*c = &inst->ci->c;
	struct ifaddrs			*ifa, *i;
	struct sockaddr_in6		*s6;
	int				 found = 0;

	if (c->unicast_src_ip.af == inst->af && inst->npeer > 0) {
		memset(&inst->src, 0, sizeof(inst->src));
		inst->src.af = inst->af;
		memcpy(inst->src.in.bytes, c->unicast_src_ip.u.raw,
		    vrrp_addr_len(inst->af));
		return (0);
	}
	if (c->mcast_src_ip.af == inst->af) {
		memset(&inst->src, 0, sizeof(inst->src));
		inst->src.af = inst->af;
		memcpy(inst->src.in.bytes, c->mcast_src_ip.u.raw,
		    vrrp_addr_len(inst->af));
		return (0);
	}
	if (getifaddrs(&ifa) == -1) {
		log_warn("getifaddrs");
		return (-1);
	}
	for (i = ifa; i != NULL && !found; i = i->ifa_next) {
		if (i->ifa_addr == NULL || i->ifa_addr->sa_family != inst->af ||
		    strcmp(i->ifa_name, c->interface) != 0)
			continue;
		memset(&inst->src, 0, sizeof(inst->src));
		inst->src.af = inst->af;
		if (inst->af == AF_INET) {
			memcpy(inst->src.in.bytes, &((struct sockaddr_in *)
			    i->ifa_addr)->sin_addr, 4);
			found = 1;
		} else {
			s6 = (struct sockaddr_in6 *)i->ifa_addr;
			if (!IN6_IS_ADDR_LINKLOCAL(&s6->sin6_addr))
				continue;
			memcpy(inst->src.in.bytes, &s6->sin6_addr, 16);
			found = 1;
		}
	}
	freeifaddrs(ifa);
	return (found ? 0 : -1);
}

static int
send_failed(struct vrrp_inst *inst)
{
	/* A link going down is tracking's business, not an error. */
	if (errno == ENETDOWN || errno == ENXIO || errno == ENETUNREACH ||
	    errno == EADDRNOTAVAIL)
		log_debug("%s vrid %u: send: %s", inst->name,
		    inst->ci->c.vrid, strerror(errno));
	else
		log_warn("%s vrid %u: send", inst->name, inst->ci->c.vrid);
	return (-1);
}

/* The next advert: one sequence number (and IPv4 ID) up. */
static void
ah_next(struct vrrp_inst *inst, int next)
{
	if (!next)
		return;
	if (++inst->ip_id == 0)
		inst->ip_id = 1;
	if (inst->ah_seq < VRRP_AH_SEQ_MAX)
		vrrpd_ah_seq(inst, inst->ah_seq + 1);
	else
		log_warnx("%s vrid %u: AH sequence number exhausted",
		    inst->name, inst->ci->c.vrid);
}

/*
 * An advert inside AH, IPv4 header and all, as keepalived sends it: the
 * instance's counter goes up once per advert (to every unicast peer with
 * the same number) and stops short of wrapping.
 */
static int
net_send_ah(struct vrrp_inst *inst, struct vrrp_if *vif,
    const struct vrrp_addr *src, const struct vrrp_addr *dst,
    const uint8_t *v, size_t vlen, int next, int unicast)
{
	struct vrrp_ah_tx	 t;
	struct sockaddr_in	 sin;
	uint8_t			 pkt[VRRP_AH_MAX_PKT];
	ssize_t			 len;

	if (vif->ah_fd == -1) {
		errno = EBADF;
		return (-1);
	}
	ah_next(inst, next);
	memset(&t, 0, sizeof(t));
	memcpy(t.src, src->in.bytes, 4);
	memcpy(t.dst, dst->in.bytes, 4);
	t.ip_id = inst->ip_id == 0 ? 1 : inst->ip_id;
	t.seq = inst->ah_seq;
	t.unicast = unicast;
	t.key = inst->rxc.auth_data;
	if ((len = vrrp_ah_build(&t, v, vlen, pkt, sizeof(pkt))) == -1)
		return (-1);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	memcpy(&sin.sin_addr, dst->in.bytes, 4);
	if (sendto(vif->ah_fd, pkt, (size_t)len, 0, (struct sockaddr *)&sin,
	    sizeof(sin)) == -1)
		return (-1);
	return (0);
}

/*
 * A VRRP message (advert or probe) to dst: out of the instance's
 * interface (or its VMAC), or, pvif set, out of the unicast_path's
 * interface from its source; inside AH where configured.
 */
static int
net_xmit(struct vrrp_inst *inst, struct vrrp_if *pvif,
    const struct vrrp_addr *dst, const uint8_t *pkt, ssize_t len, int next)
{
	struct vrrp_ah6_tx		 t6;
	struct vrrp_if			*avif;
	uint8_t				 pkt6[VRRP_AH6_MAX_PKT];
	const uint8_t			*p;
	union {
		struct cmsghdr	hdr;
		uint8_t		buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
	}				 cm;
	struct msghdr			 msg;
	struct iovec			 iov;
	struct cmsghdr			*cmsg;
	struct sockaddr_in		 sin;
	struct sockaddr_in6		 sin6;
	struct in_pktinfo		 pi4;
	struct in6_pktinfo		 pi6;
	const struct vrrp_addr		*src = &inst->src;
	int				 fd, ifindex, unicast;

	/* use_vmac: out of the VMAC (its MAC), from the parent's address. */
	avif = inst->vmac_vif != NULL ? inst->vmac_vif : inst->vif;
	fd = avif->fd;
	ifindex = inst->vmac_vif != NULL ? avif->ifindex : inst->ifindex;
	unicast = inst->npeer > 0;
	if (pvif != NULL) {
		avif = pvif;
		fd = pvif->fd;
		ifindex = pvif->ifindex;
		src = &inst->psrc;
		unicast = 1;
	}
	p = pkt;
	if (inst->rxc.auth_type == VRRP_AUTH_AH) {
		if (inst->af == AF_INET) {
			if (net_send_ah(inst, avif, src, dst, pkt,
			    (size_t)len, next, unicast) == -1)
				return (send_failed(inst));
			return (0);
		}
		/* IPv6: AH and VRRP, the kernel adds the header. */
		ah_next(inst, next);
		memset(&t6, 0, sizeof(t6));
		memcpy(t6.src, src->in.bytes, 16);
		memcpy(t6.dst, dst->in.bytes, 16);
		t6.seq = inst->ah_seq;
		t6.key = inst->rxc.auth_data;
		if (avif->ah_fd == -1) {
			errno = EBADF;
			return (send_failed(inst));
		}
		if ((len = vrrp_ah6_build(&t6, pkt, (size_t)len, pkt6,
		    sizeof(pkt6))) == -1)
			return (send_failed(inst));
		fd = avif->ah_fd;
		p = pkt6;
	}

	memset(&msg, 0, sizeof(msg));
	memset(&cm, 0, sizeof(cm));
	iov.iov_base = (void *)p;
	iov.iov_len = (size_t)len;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cm.buf;
	if (inst->af == AF_INET) {
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		memcpy(&sin.sin_addr, dst->in.bytes, 4);
		msg.msg_name = &sin;
		msg.msg_namelen = sizeof(sin);
		msg.msg_controllen = CMSG_SPACE(sizeof(pi4));
		cmsg = CMSG_FIRSTHDR(&msg);
		cmsg->cmsg_level = IPPROTO_IP;
		cmsg->cmsg_type = IP_PKTINFO;
		cmsg->cmsg_len = CMSG_LEN(sizeof(pi4));
		memset(&pi4, 0, sizeof(pi4));
		pi4.ipi_ifindex = ifindex;
		memcpy(&pi4.ipi_spec_dst, src->in.bytes, 4);
		memcpy(CMSG_DATA(cmsg), &pi4, sizeof(pi4));
	} else {
		memset(&sin6, 0, sizeof(sin6));
		sin6.sin6_family = AF_INET6;
		memcpy(&sin6.sin6_addr, dst->in.bytes, 16);
		if (IN6_IS_ADDR_LINKLOCAL(&sin6.sin6_addr) ||
		    IN6_IS_ADDR_MC_LINKLOCAL(&sin6.sin6_addr))
			sin6.sin6_scope_id = ifindex;
		msg.msg_name = &sin6;
		msg.msg_namelen = sizeof(sin6);
		msg.msg_controllen = CMSG_SPACE(sizeof(pi6));
		cmsg = CMSG_FIRSTHDR(&msg);
		cmsg->cmsg_level = IPPROTO_IPV6;
		cmsg->cmsg_type = IPV6_PKTINFO;
		cmsg->cmsg_len = CMSG_LEN(sizeof(pi6));
		memset(&pi6, 0, sizeof(pi6));
		pi6.ipi6_ifindex = ifindex;
		memcpy(&pi6.ipi6_addr, src->in.bytes, 16);
		memcpy(CMSG_DATA(cmsg), &pi6, sizeof(pi6));
	}
	if (sendmsg(fd, &msg, 0) == -1)
		return (send_failed(inst));
	return (0);
}

/*
 * takeover_check's probe and its answer (had's extension): a VRRP
 * header of type 2 or 3, no addresses, and a 64-bit nonce, checksummed
 * as an advert.  keepalived drops any type but 1, so a keepalived
 * master never answers and is taken over as before.
 */
#define PROBE_TYPE		2
#define PROBE_TYPE_ANSWER	3
#define PROBE_LEN		(VRRP_HDR_LEN + 8)

static int
probe_send(struct vrrp_inst *inst, struct vrrp_if *pvif,
    const struct vrrp_addr *dst, uint8_t type, uint64_t nonce, int next)
{
	uint8_t		pkt[PROBE_LEN];
	uint16_t	ck;

	memset(pkt, 0, sizeof(pkt));
	pkt[0] = (uint8_t)(inst->sm.cfg.version << 4 | type);
	pkt[1] = (uint8_t)inst->ci->c.vrid;
	pkt[2] = vrrp_sm_eff_prio(&inst->sm);
	memcpy(pkt + VRRP_HDR_LEN, &nonce, sizeof(nonce));
	ck = vrrp_packet_cksum(inst->sm.cfg.version, pvif != NULL ?
	    &inst->psrc : &inst->src, dst, pkt, sizeof(pkt));
	pkt[6] = ck >> 8;
	pkt[7] = ck & 0xff;
	return (net_xmit(inst, pvif, dst, pkt, sizeof(pkt), next));
}

/*
 * Ask the master over every path whether it is alive; returns how many
 * probes went out.  A fresh nonce each time: an answer must echo it.
 */
int
vrrp_net_probe(struct vrrp_inst *inst)
{
	int	n = 0;

	if (inst->vif == NULL || !inst->src_ok)
		return (0);
	arc4random_buf(&inst->probe_nonce, sizeof(inst->probe_nonce));
	inst->probe_main = 0;
	if (inst->sm.master_known && inst->sm.master.af == inst->af &&
	    (inst->pvif == NULL ||
	    vrrp_addr_cmp(&inst->sm.master, &inst->ppeer) != 0)) {
		inst->probe_master = inst->sm.master;
		inst->probe_main = 1;
		if (probe_send(inst, NULL, &inst->probe_master, PROBE_TYPE,
		    inst->probe_nonce, 1) == 0)
			n++;
	}
	if (inst->pvif != NULL && probe_send(inst, inst->pvif, &inst->ppeer,
	    PROBE_TYPE, inst->probe_nonce, n == 0) == 0)
		n++;
	inst->probes_sent += (uint64_t)n;
	return (n);
}

/*
 * A probe or an answer for inst, its IP (and AH) layer checked.  The
 * path it came over decides who may have sent it: the path's peer on
 * the path's link, the master we probed on the instance's.
 */
static void
rx_probe(struct vrrp_inst *inst, struct vrrp_if *vif, const uint8_t *p,
    size_t len, const struct vrrp_rx_meta *meta)
{
	struct vrrp_if	*pvif = NULL;
	uint64_t	 nonce, now;
	uint8_t		 type = p[0] & 0x0f;

	if (len != PROBE_LEN || meta->ttl != VRRP_TTL ||
	    (p[0] >> 4) != inst->sm.cfg.version ||
	    (inst->rxc.auth_type == VRRP_AUTH_AH && !meta->ah) ||
	    meta->dst.af != meta->af ||
	    vrrp_packet_cksum(inst->sm.cfg.version, &meta->src, &meta->dst,
	    p, len) != 0) {
		rx_count(vif, p[1], VRRP_DROP_TYPE, meta);
		return;
	}
	if (inst->pvif == vif && vif != inst->vif) {
		if (vrrp_addr_cmp(&meta->src, &inst->ppeer) != 0) {
			rx_count(vif, p[1], VRRPD_DROP_PEER, meta);
			return;
		}
		pvif = vif;
	}
	memcpy(&nonce, p + VRRP_HDR_LEN, sizeof(nonce));
	if (type == PROBE_TYPE) {
		/* Only a Master that means to stay one answers. */
		if (inst->sm.state != VRRP_STATE_MASTER || inst->sm.maint ||
		    inst->handover)
			return;
		/* No reflector for a flood: 50 answers a second at most. */
		now = vrrpd_now();
		if (now - inst->answer_second >= 1000000) {
			inst->answer_second = now;
			inst->answers_this_second = 0;
		}
		if (inst->answers_this_second++ >= 50)
			return;
		if (probe_send(inst, pvif, &meta->src, PROBE_TYPE_ANSWER,
		    nonce, 1) == 0)
			inst->answers_sent++;
		return;
	}
	if (!inst->probing || nonce != inst->probe_nonce)
		return;
	if (pvif == NULL && (!inst->probe_main ||
	    vrrp_addr_cmp(&meta->src, &inst->probe_master) != 0))
		return;
	vrrpd_probe_answer(inst);
}

/* One advert to dst, as net_xmit() sends it. */
static int
net_sendto(struct vrrp_inst *inst, struct vrrp_if *pvif,
    const struct vrrp_addr *dst, uint8_t prio, int next)
{
	const struct vrrp_instance_conf	*c = &inst->ci->c;
	struct vrrp_build		 b;
	uint8_t				 pkt[VRRP_MAX_PKT_LEN];
	ssize_t				 len;

	memset(&b, 0, sizeof(b));
	b.version = inst->sm.cfg.version;
	b.vrid = (uint8_t)c->vrid;
	b.priority = prio;
	b.adver_int = inst->rxc.adver_int;
	b.af = inst->af;
	b.addrs = inst->vips;
	b.naddr = inst->nvip;
	b.auth_type = inst->rxc.auth_type;
	memcpy(b.auth_data, inst->rxc.auth_data, VRRP_AUTH_LEN);
	b.src = pvif != NULL ? inst->psrc : inst->src;
	b.dst = *dst;
	if ((len = vrrp_packet_build(&b, pkt, sizeof(pkt))) == -1) {
		log_warn("%s vrid %u: building an advert", inst->name,
		    c->vrid);
		return (-1);
	}
	return (net_xmit(inst, pvif, dst, pkt, len, next));
}

/*
 * An advert with this priority to the group, or to every unicast peer;
 * and the same advert (one AH sequence number) over the unicast_path.
 */
int
vrrp_net_send(struct vrrp_inst *inst, uint8_t prio)
{
	struct vrrp_addr	 grp;
	const struct conf_addr	*g;
	size_t			 i;
	int			 r = 0, next = 1;

	if (inst->vif == NULL || !inst->src_ok)
		return (-1);
	if (inst->npeer > 0) {
		for (i = 0; i < inst->npeer; i++) {
			if (inst->peers[i].af != inst->af)
				continue;
			if (net_sendto(inst, NULL, &inst->peers[i], prio,
			    next) == -1)
				r = -1;
			next = 0;
		}
	} else {
		g = inst->af == AF_INET ? &venv->global.vrrp_mcast_group4 :
		    &venv->global.vrrp_mcast_group6;
		memset(&grp, 0, sizeof(grp));
		grp.af = inst->af;
		memcpy(grp.in.bytes, g->u.raw, vrrp_addr_len(inst->af));
		r = net_sendto(inst, NULL, &grp, prio, 1);
		next = 0;
	}
	/* The main link may be the broken one: the path counts alone. */
	if (inst->pvif != NULL &&
	    net_sendto(inst, inst->pvif, &inst->ppeer, prio, next) == 0)
		r = 0;
	return (r);
}

/*
 * unicast_path: a socket on the path's interface (shared like any
 * other); adverts from the path's peer arriving there count as if they
 * came over the instance's interface.  A missing interface is no fault:
 * the main link still works, the next retry opens it.
 */
int
vrrp_net_path_open(struct vrrp_inst *inst)
{
	const struct vrrp_instance_conf	*c = &inst->ci->c;
	char				 err[HAD_REASONLEN];

	if (c->path_dev[0] == '\0' || inst->pvif != NULL)
		return (0);
	if (c->path_src.af != inst->af || c->path_peer.af != inst->af) {
		if (!inst->path_warned++)
			log_warnx("%s vrid %u: unicast_path: addresses not of "
			    "the instance's family; path unused", inst->name,
			    c->vrid);
		return (-1);
	}
	memset(&inst->psrc, 0, sizeof(inst->psrc));
	memset(&inst->ppeer, 0, sizeof(inst->ppeer));
	inst->psrc.af = inst->ppeer.af = inst->af;
	memcpy(inst->psrc.in.bytes, c->path_src.u.raw,
	    vrrp_addr_len(inst->af));
	memcpy(inst->ppeer.in.bytes, c->path_peer.u.raw,
	    vrrp_addr_len(inst->af));
	if ((inst->pvif = vrrp_net_get(c->path_dev, inst->af, err,
	    sizeof(err))) == NULL) {
		if (!inst->path_warned++)
			log_warnx("%s vrid %u: unicast_path %s: %s", inst->name,
			    c->vrid, c->path_dev, err);
		return (-1);
	}
	if (inst->rxc.auth_type == VRRP_AUTH_AH &&
	    vrrp_net_ah_open(inst->pvif, err, sizeof(err)) == -1) {
		if (!inst->path_warned++)
			log_warnx("%s vrid %u: unicast_path %s: %s", inst->name,
			    c->vrid, c->path_dev, err);
		vrrp_net_path_close(inst);
		return (-1);
	}
	inst->path_warned = 0;
	log_info("%s vrid %u: adverts also over %s to %s", inst->name,
	    c->vrid, c->path_dev, vrrp_addr_ntop(&inst->ppeer, err,
	    sizeof(err)));
	return (0);
}

void
vrrp_net_path_close(struct vrrp_inst *inst)
{
	if (inst->pvif != NULL)
		vrrp_net_put(inst->pvif);
	inst->pvif = NULL;
}

/*
 * use_vmac (IPv4, multicast): a second socket, bound to the VMAC, so
 * that adverts carry the virtual MAC (RFC 5798 7.3) as keepalived's do.
 * It receives too, and must: a macvlan port hands a frame whose source
 * MAC is one of its own macvlans (the Master's VMAC has the same MAC as
 * ours) to that macvlan only, never to the parent.  Other multicast
 * reaches both, so such an instance listens on the VMAC alone while it
 * has one.  IPv6 adverts must come from the parent's link-local address,
 * which the kernel does not let leave another interface, and unicast
 * adverts would teach the peers the virtual MAC for our own address: both
 * stay on the parent.
 */
int
vrrp_net_vmac_open(struct vrrp_inst *inst)
{
	char	err[HAD_REASONLEN];

	vrrp_net_vmac_close(inst);
	if (inst->af != AF_INET || inst->npeer > 0)
		return (0);
	if ((inst->vmac_vif = vrrp_net_get(inst->vmac, inst->af, err,
	    sizeof(err))) == NULL) {
		log_warnx("%s vrid %u: VMAC %s: %s", inst->name,
		    inst->ci->c.vrid, inst->vmac, err);
		return (-1);
	}
	if (inst->rxc.auth_type == VRRP_AUTH_AH &&
	    vrrp_net_ah_open(inst->vmac_vif, err, sizeof(err)) == -1) {
		log_warnx("%s vrid %u: VMAC %s: %s", inst->name,
		    inst->ci->c.vrid, inst->vmac, err);
		vrrp_net_vmac_close(inst);
		return (-1);
	}
	log_debug("%s vrid %u: adverts on VMAC %s (index %d)", inst->name,
	    inst->ci->c.vrid, inst->vmac, inst->vmac_vif->ifindex);
	return (0);
}

void
vrrp_net_vmac_close(struct vrrp_inst *inst)
{
	if (inst->vmac_vif != NULL)
		vrrp_net_put(inst->vmac_vif);
	inst->vmac_vif = NULL;
}

/* Does the instance take its adverts from this socket? */
int
vrrp_net_listens(const struct vrrp_inst *inst, const struct vrrp_if *vif)
{
	if (inst->pvif != NULL && vif == inst->pvif)
		return (1);
	if (inst->vmac_vif != NULL)
		return (vif == inst->vmac_vif);
	return (vif == inst->vif);
}

static const struct vrrp_rx_config *
rx_lookup(uint8_t vrid, sa_family_t af, void *arg)
{
	struct vrrp_inst	*inst;

	if ((inst = vrrpd_find_vrid(arg, vrid, af)) == NULL)
		return (NULL);
	return (&inst->rxc);
}

static int
is_peer(const struct vrrp_inst *inst, const struct vrrp_addr *a)
{
	size_t	i;

	for (i = 0; i < inst->npeer; i++)
		if (vrrp_addr_cmp(&inst->peers[i], a) == 0)
			return (1);
	return (0);
}

static void
rx_count(struct vrrp_if *vif, uint8_t vrid, enum vrrp_drop_reason why,
    const struct vrrp_rx_meta *meta)
{
	struct vrrp_inst	*inst;
	char			 ip[INET6_ADDRSTRLEN];

	inst = why == VRRP_DROP_VRID ? NULL : vrrpd_find_vrid(vif, vrid,
	    meta->af);
	/* Seen on the VMAC's socket too: counted there, once. */
	if (inst != NULL && !vrrp_net_listens(inst, vif))
		return;
	/* Other VRIDs reach a VMAC's socket as well: the parent counts. */
	if (inst == NULL && why == VRRP_DROP_VRID && vif->vmac)
		return;
	vrrp_addr_ntop(&meta->src, ip, sizeof(ip));
	if (inst != NULL) {
		inst->drops[why]++;
		log_debug("%s vrid %u: advert from %s dropped: %s",
		    inst->name, vrid, ip, why == VRRPD_DROP_PEER ?
		    "not a unicast peer" : vrrp_drop_name(why));
	} else {
		vif->drops[why]++;
		log_debug("%s: advert for vrid %u from %s dropped: %s",
		    vif->ifname, vrid, ip, vrrp_drop_name(why));
	}
}

/* A VRRP message whose IP (and AH, if meta says so) layer was checked. */
static void
rx_advert(struct vrrp_if *vif, const uint8_t *p, size_t len,
    const struct vrrp_rx_meta *meta)
{
	struct vrrp_advert		 adv;
	const struct vrrp_rx_config	*cfg;
	struct vrrp_inst		*inst;
	enum vrrp_drop_reason		 why;

	if (len >= VRRP_HDR_LEN && ((p[0] & 0x0f) == PROBE_TYPE ||
	    (p[0] & 0x0f) == PROBE_TYPE_ANSWER) &&
	    (inst = vrrpd_find_vrid(vif, p[1], meta->af)) != NULL &&
	    vrrp_net_listens(inst, vif)) {
		rx_probe(inst, vif, p, len, meta);
		return;
	}
	why = vrrp_packet_parse(p, len, meta, rx_lookup, vif, &adv, &cfg);
	if (why != VRRP_DROP_NONE) {
		rx_count(vif, len >= 2 ? p[1] : 0, why, meta);
		return;
	}
	if ((inst = vrrpd_find_vrid(vif, adv.vrid, meta->af)) == NULL ||
	    !vrrp_net_listens(inst, vif))
		return;
	/* On the path's link only its peer speaks for the instance. */
	if (inst->pvif == vif && vif != inst->vif) {
		if (vrrp_addr_cmp(&adv.src, &inst->ppeer) != 0) {
			rx_count(vif, adv.vrid, VRRPD_DROP_PEER, meta);
			return;
		}
		inst->path_rcvd++;
	} else if (inst->npeer > 0 && !is_peer(inst, &adv.src)) {
		rx_count(vif, adv.vrid, VRRPD_DROP_PEER, meta);
		return;
	}
	/* Our own advert, looped back by some bridge setups. */
	if (inst->src_ok && vrrp_addr_cmp(&adv.src, &inst->src) == 0)
		return;
	if (adv.addr_mismatch)
		log_warnx("%s vrid %u: the owner advertises other "
		    "addresses than ours", inst->name, adv.vrid);
	vrrpd_advert_in(inst, &adv);
}

/* The IPv4 facts of a received packet, its header checked; -1 if bad. */
static int
rx_ip4(const uint8_t *buf, size_t n, struct vrrp_rx_meta *meta, size_t *hl)
{
	if (n < 20 || (buf[0] >> 4) != 4 ||
	    (*hl = (size_t)(buf[0] & 0x0f) * 4) < 20 || n < *hl)
		return (-1);
	memset(meta, 0, sizeof(*meta));
	meta->af = AF_INET;
	meta->ttl = buf[8];
	meta->src.af = meta->dst.af = AF_INET;
	memcpy(meta->src.in.bytes, buf + 12, 4);
	memcpy(meta->dst.in.bytes, buf + 16, 4);
	return (0);
}

/* The AH instance of the VRID in a packet of meta's family, or counted. */
static struct vrrp_inst *
ah_inst(struct vrrp_if *vif, uint8_t vrid, const struct vrrp_rx_meta *meta)
{
	struct vrrp_inst	*inst;

	if ((inst = vrrpd_find_vrid(vif, vrid, meta->af)) == NULL) {
		rx_count(vif, vrid, VRRP_DROP_VRID, meta);
		return (NULL);
	}
	if (inst->rxc.auth_type != VRRP_AUTH_AH) {
		rx_count(vif, vrid, VRRP_DROP_AUTH_TYPE, meta);
		return (NULL);
	}
	return (inst);
}

/*
 * unicast_path under AH: each advert comes twice, one sequence number
 * over both paths, and the copy that comes second fails the sequence
 * check.  Genuine (its ICV held) and the same number as the last one
 * taken: a copy, not a replay to count as a drop, and acted on once.
 */
static int
ah_second_copy(struct vrrp_inst *inst, struct vrrp_if *vif,
    const uint8_t *ah)
{
	uint32_t	seq;

	if (inst->pvif == NULL)
		return (0);
	memcpy(&seq, ah + 8, sizeof(seq));
	if (ntohl(seq) != inst->ah_seq)
		return (0);
	if (vif == inst->pvif && vif != inst->vif)
		inst->path_rcvd++;
	return (1);
}

/*
 * A probe or an answer under AH whose ICV held but whose sequence number
 * is behind: the counter is the instance's, and a master that went on
 * sending while its adverts were lost is ahead of the backup that asks.
 * The nonce keeps answers fresh; a replayed probe only gets an answer.
 */
static int
ah_probe_behind(enum vrrp_drop_reason why, const uint8_t *v, size_t vlen)
{
	return (why == VRRP_DROP_AH_SEQ && vlen >= VRRP_HDR_LEN &&
	    ((v[0] & 0x0f) == PROBE_TYPE ||
	    (v[0] & 0x0f) == PROBE_TYPE_ANSWER));
}

/* Genuine: a replay of it from now on is old. */
static void
ah_genuine(struct vrrp_inst *inst, struct vrrp_if *vif, uint32_t seq,
    struct vrrp_rx_meta *meta)
{
	if (vrrp_net_listens(inst, vif))
		vrrpd_ah_seq(inst, seq);
	meta->ah = 1;
}

/*
 * AH over IPv6 (had's extension), from vrrp_net_recv(): the packet
 * starts at the AH header.  On success *p and *len are the VRRP message.
 */
static int
rx_ah6(struct vrrp_if *vif, const uint8_t **p, size_t *len,
    struct vrrp_rx_meta *meta)
{
	struct vrrp_inst	*inst;
	enum vrrp_drop_reason	 why;
	uint32_t		 seq;
	uint8_t			 vrid;

	if ((why = vrrp_ah6_locate(*p, *len)) != VRRP_DROP_NONE) {
		rx_count(vif, *len > VRRP_AH_LEN + 1 ?
		    (*p)[VRRP_AH_LEN + 1] : 0, why, meta);
		return (-1);
	}
	vrid = (*p)[VRRP_AH_LEN + 1];
	if ((inst = ah_inst(vif, vrid, meta)) == NULL)
		return (-1);
	why = vrrp_ah6_check(*p, *len, meta->src.in.bytes,
	    meta->dst.in.bytes, inst->rxc.auth_data, inst->ah_seq, &seq);
	if (ah_probe_behind(why, *p + VRRP_AH_LEN, *len - VRRP_AH_LEN)) {
		meta->ah = 1;
		*p += VRRP_AH_LEN;
		*len -= VRRP_AH_LEN;
		return (0);
	}
	if (why != VRRP_DROP_NONE) {
		if (why != VRRP_DROP_AH_SEQ ||
		    !ah_second_copy(inst, vif, *p))
			rx_count(vif, vrid, why, meta);
		return (-1);
	}
	ah_genuine(inst, vif, seq, meta);
	*p += VRRP_AH_LEN;
	*len -= VRRP_AH_LEN;
	return (0);
}

/*
 * auth_type AH: the VRID picks the instance and so the key; the ICV is
 * checked before anything else the packet says is used.
 */
static void
vrrp_net_recv_ah(int fd, short ev, void *arg)
{
	struct vrrp_if		*vif = arg;
	uint8_t			 buf[VRRP_AH_MAX_PKT];
	struct vrrp_rx_meta	 meta;
	struct vrrp_inst	*inst;
	enum vrrp_drop_reason	 why;
	ssize_t			 n;
	size_t			 hl, voff;
	uint32_t		 seq;
	uint8_t			 vrid;
	int			 i;

	for (i = 0; i < 64; i++) {
		if ((n = recv(fd, buf, sizeof(buf), MSG_TRUNC)) == -1) {
			if (errno != EAGAIN && errno != EINTR)
				log_warn("%s: recv (AH)", vif->ifname);
			return;
		}
		if ((size_t)n > sizeof(buf) ||
		    rx_ip4(buf, (size_t)n, &meta, &hl) == -1)
			continue;
		if ((why = vrrp_ah_locate(buf, (size_t)n, &voff)) !=
		    VRRP_DROP_NONE) {
			/* Counted for the VRID it seems to be for. */
			rx_count(vif, (size_t)n > hl + VRRP_AH_LEN + 1 ?
			    buf[hl + VRRP_AH_LEN + 1] : 0, why, &meta);
			continue;
		}
		vrid = buf[voff + 1];
		if ((inst = ah_inst(vif, vrid, &meta)) == NULL)
			continue;
		why = vrrp_ah_check(buf, (size_t)n, voff,
		    inst->rxc.auth_data, inst->npeer > 0 ||
		    (vif == inst->pvif && vif != inst->vif), inst->ah_seq,
		    &seq);
		if (ah_probe_behind(why, buf + voff, (size_t)n - voff)) {
			meta.ah = 1;
			rx_advert(vif, buf + voff, (size_t)n - voff, &meta);
			continue;
		}
		if (why != VRRP_DROP_NONE) {
			if (why != VRRP_DROP_AH_SEQ ||
			    !ah_second_copy(inst, vif, buf + voff -
			    VRRP_AH_LEN))
				rx_count(vif, vrid, why, &meta);
			continue;
		}
		ah_genuine(inst, vif, seq, &meta);
		rx_advert(vif, buf + voff, (size_t)n - voff, &meta);
	}
}

static void
vrrp_net_recv(int fd, short ev, void *arg)
{
	struct vrrp_if			*vif = arg;
	uint8_t				 buf[RX_BUFLEN];
	union {
		struct cmsghdr	hdr;
		uint8_t		buf[256];
	}				 cm;
	struct sockaddr_storage		 ss;
	struct msghdr			 msg;
	struct iovec			 iov;
	struct cmsghdr			*cmsg;
	struct vrrp_rx_meta		 meta;
	const uint8_t			*p;
	ssize_t				 n;
	size_t				 hl, len;
	int				 i, hops;

	for (i = 0; i < 64; i++) {
		memset(&msg, 0, sizeof(msg));
		iov.iov_base = buf;
		iov.iov_len = sizeof(buf);
		msg.msg_name = &ss;
		msg.msg_namelen = sizeof(ss);
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		msg.msg_control = cm.buf;
		msg.msg_controllen = sizeof(cm.buf);
		if ((n = recvmsg(fd, &msg, 0)) == -1) {
			if (errno != EAGAIN && errno != EINTR)
				log_warn("%s: recvmsg", vif->ifname);
			return;
		}
		memset(&meta, 0, sizeof(meta));
		meta.af = vif->af;
		if (vif->af == AF_INET) {
			/* The kernel hands raw IPv4 sockets the header. */
			if (rx_ip4(buf, (size_t)n, &meta, &hl) == -1)
				continue;
			p = buf + hl;
			len = (size_t)n - hl;
		} else {
			if (ss.ss_family != AF_INET6)
				continue;
			hops = -1;
			meta.src.af = meta.dst.af = AF_INET6;
			memcpy(meta.src.in.bytes,
			    &((struct sockaddr_in6 *)&ss)->sin6_addr, 16);
			for (cmsg = CMSG_FIRSTHDR(&msg); cmsg != NULL;
			    cmsg = CMSG_NXTHDR(&msg, cmsg)) {
				if (cmsg->cmsg_level != IPPROTO_IPV6)
					continue;
				if (cmsg->cmsg_type == IPV6_HOPLIMIT &&
				    cmsg->cmsg_len >= CMSG_LEN(sizeof(int)))
					memcpy(&hops, CMSG_DATA(cmsg),
					    sizeof(int));
				else if (cmsg->cmsg_type == IPV6_PKTINFO &&
				    cmsg->cmsg_len >=
				    CMSG_LEN(sizeof(struct in6_pktinfo)))
					memcpy(meta.dst.in.bytes,
					    &((struct in6_pktinfo *)
					    CMSG_DATA(cmsg))->ipi6_addr, 16);
			}
			meta.ttl = hops < 0 || hops > 255 ? 0 : (uint8_t)hops;
			p = buf;
			len = (size_t)n;
			if (fd == vif->ah_fd &&
			    rx_ah6(vif, &p, &len, &meta) == -1)
				continue;
		}
		rx_advert(vif, p, len, &meta);
	}
}

