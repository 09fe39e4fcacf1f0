/*
 * Virtual addresses for vrrpd.  vrrpd decides when an address goes up or
 * down; lvsd checks that the request names exactly a VIP of a configured
 * instance, programs it over rtnetlink, and remembers what it added so
 * that the link monitor can tell vrrpd when one vanishes behind our back.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <net/if.h>
#include <netinet/in.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/netlink.h>
#include <netlink/msg.h>
#include <netlink/attr.h>

#include "child.h"
#include "imsg.h"
#include "log.h"
#include "lvsd.h"

static int
lvs_terminated(const char *s, size_t len)
{
	return (memchr(s, '\0', len) != NULL);
}

static size_t
lvs_af_len(int af)
{
	return (af == AF_INET ? 4 : 16);
}

/* Shape only: sizes, terminated strings, a family and a sane prefix. */
int
lvs_vip_wellformed(const struct msg_vip *m)
{
	if (!lvs_terminated(m->instance, sizeof(m->instance)) ||
	    !lvs_terminated(m->ifname, sizeof(m->ifname)) ||
	    !lvs_terminated(m->label, sizeof(m->label)))
		return (0);
	if (m->instance[0] == '\0' || m->ifname[0] == '\0')
		return (0);
	if (m->af == AF_INET)
		return (m->prefix <= 32);
	if (m->af == AF_INET6)
		return (m->prefix <= 128);
	return (0);
}

const struct conf_instance *
lvs_instance(const struct had_conf *conf, const char *name)
{
	const struct conf_instance	*in;

	if (conf == NULL)
		return (NULL);
	TAILQ_FOREACH(in, &conf->instances, entry)
		if (strcmp(in->c.name, name) == 0)
			return (in);
	return (NULL);
}

/* Where the VIP lives: its dev, else the VMAC or the instance's link. */
const char *
lvs_vip_ifname(const struct conf_instance *in, const struct vrrp_vip_conf *v)
{
	static char	 vmac[CONF_IFNAMELEN];

	if (v->dev[0] != '\0')
		return (v->dev);
	if (in->c.use_vmac) {
		lvs_vmac_name(&in->c, vmac, sizeof(vmac));
		return (vmac);
	}
	return (in->c.interface);
}

static int
lvs_vip_on(const struct conf_instance *in, const struct vrrp_vip_conf *v,
    const char *ifname)
{
	if (strcmp(lvs_vip_ifname(in, v), ifname) == 0)
		return (1);
	/* With use_vmac, vrrpd may keep the VIPs on the parent link. */
	return (v->dev[0] == '\0' && strcmp(in->c.interface, ifname) == 0);
}

/*
 * Is this exactly a VIP configured for the instance?  0 and the objects,
 * or EPERM.  Label and scope, when vrrpd sends them, must agree too; what
 * is programmed always comes from the configuration.
 */
int
lvs_vip_check(const struct had_conf *conf, const struct msg_vip *m,
    const struct conf_instance **inp, const struct vrrp_vip_conf **vp)
{
	const struct conf_instance	*in;
	const struct conf_vip		*cv;
	const struct vrrp_vip_conf	*v;

	if (!lvs_vip_wellformed(m) ||
	    (in = lvs_instance(conf, m->instance)) == NULL)
		return (EPERM);
	TAILQ_FOREACH(cv, &in->vips, entry) {
		v = &cv->c;
		if (v->addr.af != m->af || v->addr.prefix != m->prefix ||
		    memcmp(v->addr.u.raw, m->addr, lvs_af_len(m->af)) != 0)
			continue;
		if (!lvs_vip_on(in, v, m->ifname))
			continue;
		if (m->label[0] != '\0' && strcmp(m->label, v->label) != 0)
			continue;
		if (m->scope != 0 && m->scope != v->scope)
			continue;
		if (inp != NULL)
			*inp = in;
		if (vp != NULL)
			*vp = v;
		return (0);
	}
	return (EPERM);
}

/*
 * Add or delete one address; 0 or the kernel's errno (EEXIST when it is
 * already there, EADDRNOTAVAIL when it is not: the caller decides).
 */
int
lvs_addr_apply(struct nl_sock *sk, enum lvs_vip_op op, int ifindex,
    const struct vrrp_vip_conf *v)
{
	struct nl_msg		*msg;
	struct ifaddrmsg	 ifa;
	size_t			 alen = lvs_af_len(v->addr.af);
	int			 r, add = op == LVS_VIP_ADD;

	if (v->addr.af != AF_INET && v->addr.af != AF_INET6)
		return (EAFNOSUPPORT);
	msg = nlmsg_alloc_simple(add ? RTM_NEWADDR : RTM_DELADDR,
	    add ? NLM_F_CREATE | NLM_F_EXCL : 0);
	if (msg == NULL)
		return (ENOMEM);
	memset(&ifa, 0, sizeof(ifa));
	ifa.ifa_family = v->addr.af;
	ifa.ifa_prefixlen = v->addr.prefix;
	ifa.ifa_scope = v->scope;
	ifa.ifa_index = ifindex;
	/* A VIP must answer at once: no duplicate address detection. */
	if (add && v->addr.af == AF_INET6)
		ifa.ifa_flags = IFA_F_NODAD;
	r = nlmsg_append(msg, &ifa, sizeof(ifa), NLMSG_ALIGNTO);
	if (r >= 0)
		r = nla_put(msg, IFA_LOCAL, alen, v->addr.u.raw);
	if (r >= 0)
		r = nla_put(msg, IFA_ADDRESS, alen, v->addr.u.raw);
	if (r >= 0 && add && v->addr.af == AF_INET) {
		if (v->brd.af == AF_INET)
			r = nla_put(msg, IFA_BROADCAST, 4, v->brd.u.raw);
		if (r >= 0 && v->label[0] != '\0')
			r = nla_put_string(msg, IFA_LABEL, v->label);
	}
	if (r < 0) {
		nlmsg_free(msg);
		return (EMSGSIZE);
	}
	r = lvs_nl_request(sk, msg);
	nlmsg_free(msg);
	return (r);
}

static void
lvs_vip_remember(const char *instance, const char *ifname, int ifindex,
    const struct vrrp_vip_conf *v)
{
	struct lvs_vip	*lv;

	if ((lv = lvs_vip_find(v->addr.af, v->addr.u.raw, ifindex)) == NULL) {
		if ((lv = calloc(1, sizeof(*lv))) == NULL) {
			log_warn("%s: remembering a VIP", instance);
			return;
		}
		TAILQ_INSERT_TAIL(&lvs_vips, lv, entry);
	}
	strlcpy(lv->instance, instance, sizeof(lv->instance));
	strlcpy(lv->ifname, ifname, sizeof(lv->ifname));
	lv->ifindex = ifindex;
	lv->af = v->addr.af;
	lv->prefix = v->addr.prefix;
	memcpy(lv->addr, v->addr.u.raw, lvs_af_len(v->addr.af));
}

static void
lvs_vip_forget(int af, const uint8_t *addr, int ifindex)
{
	struct lvs_vip	*lv;

	if ((lv = lvs_vip_find(af, addr, ifindex)) != NULL) {
		TAILQ_REMOVE(&lvs_vips, lv, entry);
		free(lv);
	}
}

/* What vrrpd sent may come from a confused peer: keep the log readable. */
static void
lvs_safe(char *dst, const char *src, size_t len)
{
	size_t	 i;

	for (i = 0; i + 1 < len && src[i] != '\0'; i++)
		dst[i] = (src[i] > 0x20 && src[i] < 0x7f) ? src[i] : '?';
	dst[i] = '\0';
}

int
lvs_addr_dispatch(struct nl_sock *sk, struct imsg *imsg)
{
	struct msg_vip			 m;
	struct vrrp_vip_conf		 tmp;
	const struct conf_instance	*in = NULL;
	const struct vrrp_vip_conf	*v = NULL;
	struct lvs_vip			*lv;
	char				 a[INET6_ADDRSTRLEN];
	char				 inst[HAD_NAMELEN], ifn[16];
	int				 add, err, ifindex;

	if (imsg_check_size(imsg, sizeof(m), "vrrpd") == -1)
		return (-1);
	memcpy(&m, imsg->data, sizeof(m));
	if (!lvs_vip_wellformed(&m)) {
		log_warnx("vrrpd: malformed VIP request (type %u)",
		    imsg->hdr.type);
		return (-1);
	}
	add = imsg->hdr.type == IMSG_VIP_ADD;
	lvs_addr_str(m.af, m.addr, a, sizeof(a));
	lvs_safe(inst, m.instance, sizeof(inst));
	lvs_safe(ifn, m.ifname, sizeof(ifn));

	/* Events queued before our change must not be taken for its echo. */
	lvs_link_read();

	ifindex = if_nametoindex(m.ifname);
	err = lvs_vip_check(lvs_conf(), &m, &in, &v);
	if (err != 0 && !add && ifindex != 0 &&
	    (lv = lvs_vip_find(m.af, m.addr, ifindex)) != NULL &&
	    strcmp(lv->instance, m.instance) == 0 && lv->prefix == m.prefix) {
		/* Ours, but gone from the config by a reload: may go. */
		memset(&tmp, 0, sizeof(tmp));
		tmp.addr.af = m.af;
		tmp.addr.prefix = m.prefix;
		memcpy(tmp.addr.u.raw, m.addr, lvs_af_len(m.af));
		v = &tmp;
		err = 0;
	}
	if (err != 0) {
		log_warnx("%s: refused to %s %s/%u on %s: not a VIP of a "
		    "configured instance", inst, add ? "add" : "remove", a,
		    m.prefix, ifn);
		goto reply;
	}

	if (add) {
		if (ifindex == 0) {
			err = ENODEV;
			log_warnx("%s: cannot add %s/%u: no interface %s",
			    inst, a, m.prefix, ifn);
			goto reply;
		}
		err = lvs_addr_apply(sk, LVS_VIP_ADD, ifindex, v);
		if (err == 0 || err == EEXIST) {
			if (err == 0)
				log_info("%s: added %s/%u on %s", inst, a,
				    m.prefix, ifn);
			else
				log_info("%s: %s/%u already on %s", inst, a,
				    m.prefix, ifn);
			err = 0;
			lvs_vip_remember(m.instance, m.ifname, ifindex, v);
			lvs_nft_vip(lvs_conf(), in, v, 1);
		} else
			log_warnx("%s: cannot add %s/%u on %s: %s", inst, a,
			    m.prefix, ifn, strerror(err));
	} else {
		if (ifindex == 0) {
			/* No link, no address. */
			log_info("%s: %s/%u not removed: no interface %s",
			    inst, a, m.prefix, ifn);
			goto reply;
		}
		/* Forget it first: its deletion event is not a loss. */
		lvs_vip_forget(m.af, m.addr, ifindex);
		lvs_nft_vip(lvs_conf(), v != &tmp ? in : NULL, v,
		    0);
		err = lvs_addr_apply(sk, LVS_VIP_DEL, ifindex, v);
		if (err == 0)
			log_info("%s: removed %s/%u from %s", inst, a,
			    m.prefix, ifn);
		else if (err == EADDRNOTAVAIL || err == ENODEV ||
		    err == ENOENT) {
			log_info("%s: %s/%u was not on %s", inst, a, m.prefix,
			    ifn);
			err = 0;
		} else
			log_warnx("%s: cannot remove %s/%u from %s: %s", inst,
			    a, m.prefix, ifn, strerror(err));
	}
 reply:
	m.error = err;
	if (lvs_vrrp_send(IMSG_VIP_RESULT, &m, sizeof(m)) == -1)
		log_warn("%s: answer to vrrpd", inst);
	return (0);
}

struct lvs_adopt {
	const struct had_conf	*conf;
	int			 n;
};

static int
lvs_adopt_addr(struct nlmsghdr *h, void *arg)
{
	struct lvs_adopt		*ad = arg;
	struct ifaddrmsg		*ifa;
	struct nlattr			*tb[IFA_MAX + 1];
	const struct conf_instance	*in;
	const struct conf_vip		*cv;
	const struct vrrp_vip_conf	*v;
	char				 ifname[IF_NAMESIZE];
	const uint8_t			*addr;
	size_t				 alen;

	if (h->nlmsg_type != RTM_NEWADDR ||
	    nlmsg_parse(h, sizeof(*ifa), tb, IFA_MAX, NULL) < 0)
		return (0);
	ifa = nlmsg_data(h);
	if (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6)
		return (0);
	alen = lvs_af_len(ifa->ifa_family);
	if (tb[IFA_LOCAL] != NULL && nla_len(tb[IFA_LOCAL]) == (int)alen)
		addr = nla_data(tb[IFA_LOCAL]);
	else if (tb[IFA_ADDRESS] != NULL &&
	    nla_len(tb[IFA_ADDRESS]) == (int)alen)
		addr = nla_data(tb[IFA_ADDRESS]);
	else
		return (0);
	if (if_indextoname(ifa->ifa_index, ifname) == NULL)
		return (0);
	TAILQ_FOREACH(in, &ad->conf->instances, entry) {
		TAILQ_FOREACH(cv, &in->vips, entry) {
			v = &cv->c;
			if (v->addr.af != ifa->ifa_family ||
			    v->addr.prefix != ifa->ifa_prefixlen ||
			    memcmp(v->addr.u.raw, addr, alen) != 0 ||
			    !lvs_vip_on(in, v, ifname))
				continue;
			lvs_vip_remember(in->c.name, ifname, ifa->ifa_index,
			    v);
			ad->n++;
			return (0);
		}
	}
	return (0);
}

/* Remove one VIP we hold; say why. */
static void
lvs_vip_remove(struct nl_sock *sk, struct lvs_vip *lv, const char *why)
{
	struct vrrp_vip_conf	 v;
	char			 a[INET6_ADDRSTRLEN];
	int			 r;

	memset(&v, 0, sizeof(v));
	v.addr.af = lv->af;
	v.addr.prefix = lv->prefix;
	memcpy(v.addr.u.raw, lv->addr, lvs_af_len(lv->af));
	lvs_addr_str(lv->af, lv->addr, a, sizeof(a));
	r = lvs_addr_apply(sk, LVS_VIP_DEL, lv->ifindex, &v);
	if (r == 0)
		log_info("%s: removed %s/%u from %s: %s", lv->instance, a,
		    lv->prefix, lv->ifname, why);
	else if (r != EADDRNOTAVAIL && r != ENODEV && r != ENOENT)
		log_warnx("%s: cannot remove %s/%u from %s: %s", lv->instance,
		    a, lv->prefix, lv->ifname, strerror(r));
}

/* Every VIP we added or adopted goes: had is stopping or gone. */
void
lvs_vip_remove_all(struct nl_sock *sk, const char *why)
{
	struct lvs_vip	*lv;

	while ((lv = TAILQ_FIRST(&lvs_vips)) != NULL) {
		lvs_vip_remove(sk, lv, why);
		TAILQ_REMOVE(&lvs_vips, lv, entry);
		free(lv);
	}
}

/*
 * At start.  A respawned lvsd (keep) finds the configured VIPs its
 * predecessor put in place: it watches them as its own and changes
 * nothing.  A fresh had finds them left by an earlier had that could
 * not clean up: they go, as keepalived's "removing VIPs" does, and vrrpd
 * adds them again on the instances that become Master.
 */
void
lvs_vip_adopt(struct nl_sock *sk, const struct had_conf *conf, int keep)
{
	struct lvs_adopt	 ad;
	int			 r;

	if (conf == NULL)
		return;
	ad.conf = conf;
	ad.n = 0;
	if ((r = lvs_nl_dump(sk, RTM_GETADDR, AF_UNSPEC, lvs_adopt_addr,
	    &ad)) != 0) {
		log_warnx("address dump: %s", strerror(r));
		return;
	}
	if (ad.n > 0 && keep)
		log_info("%d configured VIP%s already in place, left as they "
		    "are", ad.n, ad.n == 1 ? "" : "s");
	else if (ad.n > 0) {
		log_info("%d configured VIP%s left by an earlier had: removing "
		    "VIPs", ad.n, ad.n == 1 ? "" : "s");
		lvs_vip_remove_all(sk, "left by an earlier had; vrrpd adds "
		    "it again when its instance becomes Master");
	}
}
