/*
 * Gratuitous ARP (IPv4 VIPs) and unsolicited neighbour advertisements
 * (IPv6 VIPs) from a new Master, RFC 5798 6.4.2: so that switches and
 * hosts learn where the virtual addresses live now.  A burst of
 * garp_master_repeat rounds on becoming Master, another after
 * garp_master_delay, and one every garp_master_refresh seconds if set.
 */
#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/icmp6.h>
#include <arpa/inet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <linux/if_packet.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event.h>

#include "log.h"
#include "vrrpd.h"

static void	garp_fire(int, short, void *);

void
vrrp_arp_init(void)
{
	struct icmp6_filter	filt;
	int			hops = 255;

	/* Protocol 0: this socket sends, it never receives. */
	if ((venv->arp_fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC,
	    0)) == -1)
		log_warn("AF_PACKET socket: no gratuitous ARP");
	if ((venv->na_fd = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC |
	    SOCK_NONBLOCK, IPPROTO_ICMPV6)) == -1) {
		log_warn("ICMPv6 socket: no unsolicited NA");
		return;
	}
	ICMP6_FILTER_SETBLOCKALL(&filt);
	if (setsockopt(venv->na_fd, IPPROTO_ICMPV6, ICMP6_FILTER, &filt,
	    sizeof(filt)) == -1 ||
	    setsockopt(venv->na_fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops,
	    sizeof(hops)) == -1)
		log_warn("ICMPv6 socket options");
}

static int
if_mac(const char *ifname, uint8_t mac[ETH_ALEN])
{
	struct ifreq	ifr;

	memset(&ifr, 0, sizeof(ifr));
	strlcpy(ifr.ifr_name, ifname, sizeof(ifr.ifr_name));
	if (ioctl(venv->arp_fd >= 0 ? venv->arp_fd : venv->na_fd,
	    SIOCGIFHWADDR, &ifr) == -1)
		return (-1);
	if (ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER)
		return (-1);
	memcpy(mac, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
	return (0);
}

/* An ARP request for the VIP from the VIP, to everyone. */
static int
send_garp(const char *ifname, const struct conf_addr *a)
{
	struct sockaddr_ll	sll;
	uint8_t			pkt[28], mac[ETH_ALEN];
	unsigned int		idx;

	if (venv->arp_fd == -1)
		return (0);
	if ((idx = if_nametoindex(ifname)) == 0 || if_mac(ifname, mac) == -1)
		return (-1);
	pkt[0] = 0;
	pkt[1] = ARPHRD_ETHER;
	pkt[2] = ETHERTYPE_IP >> 8;
	pkt[3] = ETHERTYPE_IP & 0xff;
	pkt[4] = ETH_ALEN;
	pkt[5] = 4;
	pkt[6] = 0;
	pkt[7] = ARPOP_REQUEST;
	memcpy(pkt + 8, mac, ETH_ALEN);
	memcpy(pkt + 14, &a->u.v4, 4);
	memset(pkt + 18, 0xff, ETH_ALEN);
	memcpy(pkt + 24, &a->u.v4, 4);

	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ARP);
	sll.sll_ifindex = (int)idx;
	sll.sll_halen = ETH_ALEN;
	memset(sll.sll_addr, 0xff, ETH_ALEN);
	if (sendto(venv->arp_fd, pkt, sizeof(pkt), 0,
	    (struct sockaddr *)&sll, sizeof(sll)) == -1)
		log_debug("gratuitous ARP on %s: %s", ifname,
		    strerror(errno));
	return (0);
}

/* RFC 4861 4.4: unsolicited NA, override set, target link-layer option. */
static int
send_na(const char *ifname, const struct conf_addr *a)
{
	struct sockaddr_in6	dst;
	struct nd_neighbor_advert na;
	uint8_t			pkt[sizeof(na) + 8], mac[ETH_ALEN];
	unsigned int		idx;

	if (venv->na_fd == -1)
		return (0);
	if ((idx = if_nametoindex(ifname)) == 0 || if_mac(ifname, mac) == -1)
		return (-1);
	memset(&na, 0, sizeof(na));
	na.nd_na_type = ND_NEIGHBOR_ADVERT;
	na.nd_na_flags_reserved = ND_NA_FLAG_OVERRIDE;
	memcpy(&na.nd_na_target, &a->u.v6, 16);
	memcpy(pkt, &na, sizeof(na));
	pkt[sizeof(na)] = ND_OPT_TARGET_LINKADDR;
	pkt[sizeof(na) + 1] = 1;	/* in units of 8 octets */
	memcpy(pkt + sizeof(na) + 2, mac, ETH_ALEN);

	memset(&dst, 0, sizeof(dst));
	dst.sin6_family = AF_INET6;
	inet_pton(AF_INET6, "ff02::1", &dst.sin6_addr);
	dst.sin6_scope_id = idx;
	if (setsockopt(venv->na_fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &idx,
	    sizeof(idx)) == -1 ||
	    sendto(venv->na_fd, pkt, sizeof(pkt), 0,
	    (struct sockaddr *)&dst, sizeof(dst)) == -1)
		log_debug("unsolicited NA on %s: %s", ifname,
		    strerror(errno));
	return (0);
}

static void
garp_round(struct vrrp_inst *inst)
{
	struct conf_vip	*v;
	const char	*ifname;
	int		 r;

	/* With use_vmac, from the VMAC: hosts learn the virtual MAC. */
	TAILQ_FOREACH(v, &inst->ci->vips, entry) {
		ifname = vrrp_vip_ifname(inst, v);
		r = 0;
		if (v->c.addr.af == AF_INET)
			r = send_garp(ifname, &v->c.addr);
		else if (v->c.addr.af == AF_INET6)
			r = send_na(ifname, &v->c.addr);
		/* The VMAC is not there yet: again once lvsd made it. */
		if (r == -1 && inst->vmac[0] != '\0' &&
		    strcmp(ifname, inst->vmac) == 0)
			inst->garp_missed = 1;
	}
}

static void
garp_after(struct vrrp_inst *inst, uint64_t usec)
{
	struct timeval	tv;

	tv.tv_sec = usec / 1000000;
	tv.tv_usec = usec % 1000000;
	evtimer_add(inst->garp_ev, &tv);
}

static void
garp_fire(int fd, short ev, void *arg)
{
	struct vrrp_inst		*inst = arg;
	const struct vrrp_instance_conf	*c = &inst->ci->c;
	uint64_t			 gap;

	if (inst->sm.state != VRRP_STATE_MASTER)
		return;
	gap = venv->global.vrrp_garp_interval_us;
	if (venv->global.vrrp_gna_interval_us > gap)
		gap = venv->global.vrrp_gna_interval_us;
	/* No spacing asked for: the whole burst at once. */
	do {
		if (inst->garp_left > 0) {
			garp_round(inst);
			inst->garp_left--;
		}
	} while (gap == 0 && inst->garp_left > 0);
	if (inst->garp_left > 0) {
		garp_after(inst, gap);
		return;
	}
	if (inst->garp_second) {
		inst->garp_second = 0;
		inst->garp_left = c->garp_master_repeat;
		garp_after(inst, (uint64_t)c->garp_master_delay * 1000000);
	} else if (c->garp_master_refresh > 0) {
		inst->garp_left = c->garp_master_refresh_repeat > 0 ?
		    c->garp_master_refresh_repeat : 1;
		garp_after(inst, (uint64_t)c->garp_master_refresh * 1000000);
	}
}

void
vrrp_arp_start(struct vrrp_inst *inst)
{
	const struct vrrp_instance_conf	*c = &inst->ci->c;

	if (inst->garp_ev == NULL &&
	    (inst->garp_ev = evtimer_new(venv->base, garp_fire, inst)) ==
	    NULL)
		fatalx("evtimer_new");
	inst->garp_missed = 0;
	inst->garp_left = c->garp_master_repeat;
	inst->garp_second = c->garp_master_delay > 0 &&
	    c->garp_master_repeat > 0;
	garp_fire(-1, 0, inst);
}

void
vrrp_arp_stop(struct vrrp_inst *inst)
{
	if (inst->garp_ev != NULL)
		evtimer_del(inst->garp_ev);
	inst->garp_left = 0;
	inst->garp_second = 0;
}
