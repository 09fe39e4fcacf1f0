/*
 * VMAC links for use_vmac instances: a macvlan in private mode on the
 * instance's interface with the VRRP virtual MAC of RFC 5798 section 7.3,
 * 00:00:5e:00:01:VRID (IPv4) or 00:00:5e:00:02:VRID (IPv6).
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <net/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <netlink/netlink.h>
#include <netlink/msg.h>
#include <netlink/attr.h>

#include "imsg.h"
#include "log.h"
#include "lvsd.h"

int
lvs_vmac_wellformed(const struct msg_vmac *m)
{
	if (memchr(m->instance, '\0', sizeof(m->instance)) == NULL ||
	    memchr(m->ifname, '\0', sizeof(m->ifname)) == NULL ||
	    memchr(m->parent, '\0', sizeof(m->parent)) == NULL)
		return (0);
	if (m->instance[0] == '\0' || m->parent[0] == '\0')
		return (0);
	return (m->af == AF_INET || m->af == AF_INET6);
}

/* 0 if the instance uses exactly this VMAC, else EPERM. */
int
lvs_vmac_check(const struct had_conf *conf, const struct msg_vmac *m)
{
	const struct conf_instance	*in;
	char				 name[CONF_IFNAMELEN];

	if (conf == NULL || !lvs_vmac_wellformed(m))
		return (EPERM);
	TAILQ_FOREACH(in, &conf->instances, entry) {
		if (strcmp(in->c.name, m->instance) != 0)
			continue;
		if (!in->c.use_vmac || in->c.vrid != m->vrid ||
		    strcmp(in->c.interface, m->parent) != 0)
			return (EPERM);
		lvs_vmac_name(&in->c, name, sizeof(name));
		if (m->ifname[0] != '\0' && strcmp(m->ifname, name) != 0)
			return (EPERM);
		return (0);
	}
	return (EPERM);
}

static int
lvs_vmac_kind(struct nlmsghdr *h, void *arg)
{
	char		*kind = arg;
	struct nlattr	*tb[IFLA_MAX + 1], *li[IFLA_INFO_MAX + 1];

	if (h->nlmsg_type != RTM_NEWLINK ||
	    nlmsg_parse(h, sizeof(struct ifinfomsg), tb, IFLA_MAX, NULL) < 0 ||
	    tb[IFLA_LINKINFO] == NULL ||
	    nla_parse_nested(li, IFLA_INFO_MAX, tb[IFLA_LINKINFO], NULL) < 0 ||
	    li[IFLA_INFO_KIND] == NULL)
		return (0);
	nla_strlcpy(kind, li[IFLA_INFO_KIND], 16);
	return (0);
}

/* The kind of link NAME is ("macvlan", ...), or an errno. */
static int
lvs_link_kind(struct nl_sock *sk, const char *name, char *kind)
{
	struct nl_msg		*msg;
	int			 r;

	kind[0] = '\0';
	if ((msg = lvs_nl_link_msg(RTM_GETLINK, 0, 0, 0, 0)) == NULL)
		return (ENOMEM);
	if (nla_put_string(msg, IFLA_IFNAME, name) < 0) {
		nlmsg_free(msg);
		return (EMSGSIZE);
	}
	r = lvs_nl_request_cb(sk, msg, lvs_vmac_kind, kind);
	nlmsg_free(msg);
	return (r);
}

static int
lvs_link_set_up(struct nl_sock *sk, int ifindex)
{
	struct nl_msg		*msg;
	int			 r;

	if ((msg = lvs_nl_link_msg(RTM_NEWLINK, 0, ifindex, IFF_UP,
	    IFF_UP)) == NULL)
		return (ENOMEM);
	r = lvs_nl_request(sk, msg);
	nlmsg_free(msg);
	return (r);
}

static int
lvs_vmac_create(struct nl_sock *sk, const char *name, int parent,
    const uint8_t *mac)
{
	struct nl_msg		*msg;
	struct nlattr		*info, *data;
	int			 r;

	if ((msg = lvs_nl_link_msg(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0,
	    IFF_UP, IFF_UP)) == NULL)
		return (ENOMEM);
	if (nla_put_string(msg, IFLA_IFNAME, name) < 0 ||
	    nla_put_u32(msg, IFLA_LINK, parent) < 0 ||
	    nla_put(msg, IFLA_ADDRESS, 6, mac) < 0 ||
	    (info = nla_nest_start(msg, IFLA_LINKINFO)) == NULL ||
	    nla_put_string(msg, IFLA_INFO_KIND, "macvlan") < 0 ||
	    (data = nla_nest_start(msg, IFLA_INFO_DATA)) == NULL ||
	    nla_put_u32(msg, IFLA_MACVLAN_MODE, MACVLAN_MODE_PRIVATE) < 0) {
		nlmsg_free(msg);
		return (EMSGSIZE);
	}
	nla_nest_end(msg, data);
	nla_nest_end(msg, info);
	r = lvs_nl_request(sk, msg);
	nlmsg_free(msg);
	return (r);
}

static int
lvs_vmac_delete(struct nl_sock *sk, int ifindex)
{
	struct nl_msg		*msg;
	int			 r;

	if ((msg = lvs_nl_link_msg(RTM_DELLINK, 0, ifindex, 0, 0)) == NULL)
		return (ENOMEM);
	r = lvs_nl_request(sk, msg);
	nlmsg_free(msg);
	return (r);
}

/*
 * Bring the VMAC m->ifname on m->parent up (create it) or remove it.
 * One that exists already counts as created, a missing one as removed;
 * only a macvlan is ever deleted.
 */
int
lvs_vmac_apply(struct nl_sock *sk, int up, const struct msg_vmac *m)
{
	uint8_t		 mac[6] = { 0x00, 0x00, 0x5e, 0x00, 0x01, 0x00 };
	char		 kind[16];
	int		 parent, ifindex, r;

	ifindex = if_nametoindex(m->ifname);
	if (!up) {
		if (ifindex == 0)
			return (0);
		if ((r = lvs_link_kind(sk, m->ifname, kind)) != 0)
			return (r == ENODEV ? 0 : r);
		if (strcmp(kind, "macvlan") != 0)
			return (EPERM);
		r = lvs_vmac_delete(sk, ifindex);
		return (r == ENODEV ? 0 : r);
	}
	if ((parent = if_nametoindex(m->parent)) == 0)
		return (ENODEV);
	if (m->af == AF_INET6)
		mac[4] = 0x02;
	mac[5] = m->vrid;
	if (ifindex == 0) {
		r = lvs_vmac_create(sk, m->ifname, parent, mac);
		if (r != EEXIST)
			return (r);
		if ((ifindex = if_nametoindex(m->ifname)) == 0)
			return (ENODEV);
	}
	/* There already (a respawn): only make sure it is up. */
	if ((r = lvs_link_kind(sk, m->ifname, kind)) != 0)
		return (r);
	if (strcmp(kind, "macvlan") != 0)
		return (EEXIST);
	return (lvs_link_set_up(sk, ifindex));
}

/*
 * The VMACs created for vrrpd, so that one whose instance a reload has
 * removed can still be taken down by that instance.
 */
#define LVS_VMAC_MAX	256
static struct {
	char	instance[HAD_NAMELEN];
	char	ifname[16];
	char	parent[16];
} vmacs[LVS_VMAC_MAX];

static void
lvs_vmac_remember(const struct msg_vmac *m, int up)
{
	int	 i, freeslot = -1;

	for (i = 0; i < LVS_VMAC_MAX; i++) {
		if (vmacs[i].ifname[0] == '\0') {
			if (freeslot == -1)
				freeslot = i;
			continue;
		}
		if (strcmp(vmacs[i].ifname, m->ifname) == 0) {
			if (!up)
				vmacs[i].ifname[0] = '\0';
			return;
		}
	}
	if (up && freeslot != -1) {
		strlcpy(vmacs[freeslot].instance, m->instance,
		    sizeof(vmacs[freeslot].instance));
		strlcpy(vmacs[freeslot].ifname, m->ifname,
		    sizeof(vmacs[freeslot].ifname));
		strlcpy(vmacs[freeslot].parent, m->parent,
		    sizeof(vmacs[freeslot].parent));
	}
}

/* Whether a VMAC of ours is still on parent. */
static int
lvs_vmac_on(const char *parent)
{
	int	 i;

	for (i = 0; i < LVS_VMAC_MAX; i++)
		if (vmacs[i].ifname[0] != '\0' &&
		    strcmp(vmacs[i].parent, parent) == 0)
			return (1);
	return (0);
}

static int
lvs_vmac_ours(const struct msg_vmac *m)
{
	int	 i;

	for (i = 0; i < LVS_VMAC_MAX; i++)
		if (vmacs[i].ifname[0] != '\0' &&
		    strcmp(vmacs[i].ifname, m->ifname) == 0 &&
		    strcmp(vmacs[i].instance, m->instance) == 0)
			return (1);
	return (0);
}

int
lvs_vmac_dispatch(struct nl_sock *sk, struct imsg *imsg)
{
	struct msg_vmac		 m;
	const struct had_conf	*conf;
	const struct conf_instance *in;
	int			 up = imsg->hdr.type == IMSG_VMAC_UP;

	if (imsg_check_size(imsg, sizeof(m), "vrrpd") == -1)
		return (-1);
	memcpy(&m, imsg->data, sizeof(m));
	if (!lvs_vmac_wellformed(&m)) {
		log_warnx("vrrpd: malformed VMAC request");
		return (-1);
	}
	conf = lvs_conf();
	if ((m.error = lvs_vmac_check(conf, &m)) != 0 && !up &&
	    m.ifname[0] != '\0' && lvs_vmac_ours(&m))
		m.error = 0;	/* removed by a reload, created by us */
	if (m.error != 0) {
		log_warnx("%s: refused VMAC %s on %s: not configured",
		    m.instance, m.ifname[0] ? m.ifname : "(default)",
		    m.parent);
		goto reply;
	}
	if (m.ifname[0] == '\0') {
		TAILQ_FOREACH(in, &conf->instances, entry)
			if (strcmp(in->c.name, m.instance) == 0)
				lvs_vmac_name(&in->c, m.ifname,
				    sizeof(m.ifname));
	}
	lvs_link_read();
	m.error = lvs_vmac_apply(sk, up, &m);
	if (m.error == 0) {
		lvs_vmac_remember(&m, up);
		log_info("%s: VMAC %s %s on %s", m.instance, m.ifname,
		    up ? "up" : "removed", m.parent);
		/* A VMAC without its ARP settings still works: logged only. */
		if (up)
			(void)lvs_devconf_vmac_up(sk, m.ifname, m.parent);
		else if (!lvs_vmac_on(m.parent))
			lvs_devconf_parent_done(sk, m.parent);
	} else
		log_warnx("%s: VMAC %s on %s: %s", m.instance, m.ifname,
		    m.parent, strerror(m.error));
 reply:
	m.up = up;
	if (lvs_vrrp_send(IMSG_VMAC_RESULT, &m,
	    sizeof(m)) == -1)
		log_warn("%s: answer to vrrpd", m.instance);
	return (0);
}

/* Every VMAC we created goes, and with it the VIPs on it: had stops. */
void
lvs_vmac_remove_all(struct nl_sock *sk)
{
	struct msg_vmac	 m;
	int		 i, r;

	for (i = 0; i < LVS_VMAC_MAX; i++) {
		if (vmacs[i].ifname[0] == '\0')
			continue;
		memset(&m, 0, sizeof(m));
		strlcpy(m.instance, vmacs[i].instance, sizeof(m.instance));
		strlcpy(m.ifname, vmacs[i].ifname, sizeof(m.ifname));
		strlcpy(m.parent, vmacs[i].parent, sizeof(m.parent));
		vmacs[i].ifname[0] = '\0';
		if ((r = lvs_vmac_apply(sk, 0, &m)) != 0)
			log_warnx("%s: VMAC %s on %s: %s", m.instance,
			    m.ifname, m.parent, strerror(r));
		else
			log_info("%s: VMAC %s removed from %s: had is "
			    "stopping", m.instance, m.ifname, m.parent);
		if (!lvs_vmac_on(m.parent))
			lvs_devconf_parent_done(sk, m.parent);
	}
}
