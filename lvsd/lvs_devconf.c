/*
 * The IPv4 settings a VMAC needs, on it and on its parent, set over
 * rtnetlink (IFLA_AF_SPEC / AF_INET / IFLA_INET_CONF) with lvsd's
 * CAP_NET_ADMIN: no /proc/sys in lvsd's chroot, and none needed.
 *
 * As keepalived does, so that configs and networks that work with it
 * work here:
 *   the VMAC:   arp_ignore 1 (answer ARP only for its own addresses, not
 *               for the parent's), accept_local 1 (hear a peer's adverts
 *               sent from this host's own addresses), rp_filter 0 (receive
 *               on a VMAC without an address), promote_secondaries 1;
 *   the parent: arp_ignore 1 and arp_filter 1, so that it does not answer
 *               ARP for the VIPs with its own MAC.  Its values before are
 *               kept and put back when its last VMAC goes.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <net/if.h>
#include <linux/if_link.h>
#include <linux/ip.h>
#include <linux/rtnetlink.h>

#include <errno.h>
#include <string.h>

#include <netlink/netlink.h>
#include <netlink/msg.h>
#include <netlink/attr.h>

#include "log.h"
#include "lvsd.h"

#define DEVCONF_PARENTS	64

/* Parents whose ARP settings lvsd changed, and their values before. */
static struct {
	char		name[IFNAMSIZ];
	uint32_t	arp_ignore, arp_filter;
} parents[DEVCONF_PARENTS];

/* What a parent gets, in this order (and gets back). */
static const int	 parent_idx[] = { IPV4_DEVCONF_ARP_IGNORE,
    IPV4_DEVCONF_ARPFILTER };

struct devconf_get {
	uint32_t	*vals;		/* indexed by IPV4_DEVCONF_* */
	int		 found;
};

static int
devconf_parse(struct nlmsghdr *h, void *arg)
{
	struct devconf_get	*g = arg;
	struct nlattr		*tb[IFLA_MAX + 1], *af, *in[IFLA_INET_MAX + 1];
	int			 rem, n;

	if (h->nlmsg_type != RTM_NEWLINK ||
	    nlmsg_parse(h, sizeof(struct ifinfomsg), tb, IFLA_MAX, NULL) < 0 ||
	    tb[IFLA_AF_SPEC] == NULL)
		return (0);
	nla_for_each_nested(af, tb[IFLA_AF_SPEC], rem) {
		if (nla_type(af) != AF_INET ||
		    nla_parse_nested(in, IFLA_INET_MAX, af, NULL) < 0 ||
		    in[IFLA_INET_CONF] == NULL)
			continue;
		/* An array of u32, entry i for IPV4_DEVCONF_ i + 1. */
		n = nla_len(in[IFLA_INET_CONF]) / sizeof(uint32_t);
		if (n > IPV4_DEVCONF_MAX)
			n = IPV4_DEVCONF_MAX;
		memcpy(g->vals + 1, nla_data(in[IFLA_INET_CONF]),
		    n * sizeof(uint32_t));
		g->found = n;
	}
	return (0);
}

/* The IPv4 settings of link ifindex into vals[IPV4_DEVCONF_MAX + 1]. */
static int
lvs_devconf_get(struct nl_sock *sk, int ifindex, uint32_t *vals)
{
	struct nl_msg		*msg;
	struct devconf_get	 g = { vals, 0 };
	int			 r;

	memset(vals, 0, (IPV4_DEVCONF_MAX + 1) * sizeof(*vals));
	if ((msg = lvs_nl_link_msg(RTM_GETLINK, 0, ifindex, 0, 0)) == NULL)
		return (ENOMEM);
	r = lvs_nl_request_cb(sk, msg, devconf_parse, &g);
	nlmsg_free(msg);
	if (r == 0 && g.found < IPV4_DEVCONF_ACCEPT_LOCAL)
		r = EPROTO;
	return (r);
}

/* Set n IPv4 settings of link ifindex: idx[i] to val[i]. */
static int
lvs_devconf_set(struct nl_sock *sk, int ifindex, const int *idx,
    const uint32_t *val, int n)
{
	struct nl_msg		*msg;
	struct nlattr		*spec, *inet, *conf;
	int			 i, r;

	if ((msg = lvs_nl_link_msg(RTM_NEWLINK, 0, ifindex, 0, 0)) == NULL)
		return (ENOMEM);
	if ((spec = nla_nest_start(msg, IFLA_AF_SPEC)) == NULL ||
	    (inet = nla_nest_start(msg, AF_INET)) == NULL ||
	    (conf = nla_nest_start(msg, IFLA_INET_CONF)) == NULL) {
		nlmsg_free(msg);
		return (EMSGSIZE);
	}
	for (i = 0; i < n; i++)
		if (nla_put_u32(msg, idx[i], val[i]) < 0) {
			nlmsg_free(msg);
			return (EMSGSIZE);
		}
	nla_nest_end(msg, conf);
	nla_nest_end(msg, inet);
	nla_nest_end(msg, spec);
	r = lvs_nl_request(sk, msg);
	nlmsg_free(msg);
	return (r);
}

/* A VMAC is up on parent: settle both; 0 or an errno (logged). */
int
lvs_devconf_vmac_up(struct nl_sock *sk, const char *vmac, const char *parent)
{
	static const int	 vidx[] = { IPV4_DEVCONF_ARP_IGNORE,
	    IPV4_DEVCONF_ACCEPT_LOCAL, IPV4_DEVCONF_RP_FILTER,
	    IPV4_DEVCONF_PROMOTE_SECONDARIES };
	static const uint32_t	 vval[] = { 1, 1, 0, 1 };
	static const uint32_t	 pval[] = { 1, 1 };
	uint32_t		 cur[IPV4_DEVCONF_MAX + 1];
	int			 vi, pi, i, freeslot = -1, r;

	if ((vi = if_nametoindex(vmac)) == 0 ||
	    (pi = if_nametoindex(parent)) == 0)
		return (ENODEV);
	if ((r = lvs_devconf_set(sk, vi, vidx, vval, 4)) != 0) {
		log_warnx("%s: cannot set arp_ignore, accept_local, rp_filter "
		    "and promote_secondaries: %s", vmac, strerror(r));
		return (r);
	}
	for (i = 0; i < DEVCONF_PARENTS; i++) {
		if (parents[i].name[0] == '\0') {
			if (freeslot == -1)
				freeslot = i;
		} else if (strcmp(parents[i].name, parent) == 0)
			return (0);	/* settled by an earlier VMAC */
	}
	if ((r = lvs_devconf_get(sk, pi, cur)) != 0) {
		log_warnx("%s: cannot read its IPv4 settings: %s", parent,
		    strerror(r));
		return (r);
	}
	if (cur[IPV4_DEVCONF_ARP_IGNORE] == 1 &&
	    cur[IPV4_DEVCONF_ARPFILTER] == 1)
		return (0);	/* as needed already: nothing to put back */
	if (freeslot == -1) {
		log_warnx("%s: more than %d parents of VMACs: arp_ignore and "
		    "arp_filter left as they are", parent, DEVCONF_PARENTS);
		return (ENOSPC);
	}
	if ((r = lvs_devconf_set(sk, pi, parent_idx, pval, 2)) != 0) {
		log_warnx("%s: cannot set arp_ignore and arp_filter for its "
		    "VMACs: %s", parent, strerror(r));
		return (r);
	}
	strlcpy(parents[freeslot].name, parent, sizeof(parents[0].name));
	parents[freeslot].arp_ignore = cur[IPV4_DEVCONF_ARP_IGNORE];
	parents[freeslot].arp_filter = cur[IPV4_DEVCONF_ARPFILTER];
	log_info("%s: arp_ignore %u -> 1, arp_filter %u -> 1 for its VMACs "
	    "(put back when they go)", parent, cur[IPV4_DEVCONF_ARP_IGNORE],
	    cur[IPV4_DEVCONF_ARPFILTER]);
	return (0);
}

/* The last VMAC on parent is gone: its ARP settings as they were. */
void
lvs_devconf_parent_done(struct nl_sock *sk, const char *parent)
{
	uint32_t		 val[2];
	int			 i, pi, r;

	for (i = 0; i < DEVCONF_PARENTS; i++)
		if (parents[i].name[0] != '\0' &&
		    strcmp(parents[i].name, parent) == 0)
			break;
	if (i == DEVCONF_PARENTS)
		return;
	parents[i].name[0] = '\0';
	if ((pi = if_nametoindex(parent)) == 0)
		return;		/* gone with its settings */
	val[0] = parents[i].arp_ignore;
	val[1] = parents[i].arp_filter;
	if ((r = lvs_devconf_set(sk, pi, parent_idx, val, 2)) != 0)
		log_warnx("%s: cannot put arp_ignore and arp_filter back: %s",
		    parent, strerror(r));
	else
		log_info("%s: arp_ignore %u, arp_filter %u put back (no VMAC "
		    "left)", parent, val[0], val[1]);
}
