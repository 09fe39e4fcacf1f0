/*
 * The link and address monitor.  An rtnetlink socket joined to the link
 * and address groups keeps a table of the links; vrrpd hears about the
 * links its instances use (and those it asks about) whenever their state
 * changes, and about every address lvsd added for it that disappears.
 * When the socket overflows (ENOBUFS) events were lost: dump and compare.
 */
#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include <net/if.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <event.h>
#include <netlink/netlink.h>
#include <netlink/msg.h>
#include <netlink/attr.h>
#include <netlink/socket.h>

#include "imsg.h"
#include "log.h"
#include "lvsd.h"

#ifndef AF_BRIDGE
#define AF_BRIDGE	7
#endif

#define LVS_MON_BUFSIZE		65536
#define LVS_MON_BATCH		256	/* datagrams per wake-up */
#define LVS_WATCH_MAX		4096	/* links vrrpd may ask about */

struct lvs_link {
	TAILQ_ENTRY(lvs_link)	 entry;
	int			 ifindex;
	unsigned int		 flags;
	char			 name[IF_NAMESIZE];
	int			 seen;
};
TAILQ_HEAD(lvs_link_list, lvs_link);

struct lvs_watch {
	TAILQ_ENTRY(lvs_watch)	 entry;
	char			 name[IF_NAMESIZE];
	struct lvs_link_state	 sent;
	int			 known;		/* sent is valid */
	int			 queried;	/* vrrpd asked for it */
	int			 mark;
};
TAILQ_HEAD(lvs_watch_list, lvs_watch);

static struct lvs_link_list	 links = TAILQ_HEAD_INITIALIZER(links);
static struct lvs_watch_list	 watches = TAILQ_HEAD_INITIALIZER(watches);
static struct nl_sock		*mon_sk, *cmd_sk;
static struct event		*mon_ev;
static uint8_t			 monbuf[LVS_MON_BUFSIZE];
static int			 in_dump;
static int			 nwatches;
uint64_t			 lvs_link_overruns;

static struct lvs_link *
lvs_link_by_index(int ifindex)
{
	struct lvs_link	*l;

	TAILQ_FOREACH(l, &links, entry)
		if (l->ifindex == ifindex)
			return (l);
	return (NULL);
}

static struct lvs_link *
lvs_link_by_name(const char *name)
{
	struct lvs_link	*l;

	TAILQ_FOREACH(l, &links, entry)
		if (strcmp(l->name, name) == 0)
			return (l);
	return (NULL);
}

static struct lvs_watch *
lvs_watch_find(const char *name)
{
	struct lvs_watch	*w;

	TAILQ_FOREACH(w, &watches, entry)
		if (strcmp(w->name, name) == 0)
			return (w);
	return (NULL);
}

int
lvs_link_lookup(const char *name, struct lvs_link_state *st)
{
	struct lvs_link	*l;

	memset(st, 0, sizeof(*st));
	if ((l = lvs_link_by_name(name)) == NULL)
		return (-1);
	st->exists = 1;
	st->ifindex = l->ifindex;
	st->up = (l->flags & IFF_UP) && (l->flags & IFF_RUNNING);
	return (0);
}

static void
lvs_link_send(const char *name, const struct lvs_link_state *st)
{
	struct msg_link	 m;

	memset(&m, 0, sizeof(m));
	strlcpy(m.ifname, name, sizeof(m.ifname));
	m.ifindex = st->ifindex;
	m.up = st->up;
	m.exists = st->exists;
	/* Not connected yet: peer_up() sends everything. */
	(void)lvs_vrrp_send(IMSG_LINK_STATE, &m, sizeof(m));
}

/* Tell vrrpd if a watched link changed since we last told it. */
static void
lvs_link_notify(const char *name, int force)
{
	struct lvs_watch	*w;
	struct lvs_link_state	 st;

	if (name[0] == '\0' || (w = lvs_watch_find(name)) == NULL)
		return;
	lvs_link_lookup(name, &st);
	if (!force && w->known && memcmp(&st, &w->sent, sizeof(st)) == 0)
		return;
	if (w->known)
		log_info("%s: link %s", name, !st.exists ? "gone" :
		    st.up ? "up" : "down");
	else
		log_debug("%s: link %s", name, !st.exists ? "absent" :
		    st.up ? "up" : "down");
	w->sent = st;
	w->known = 1;
	lvs_link_send(name, &st);
}

static void
lvs_link_notify_all(int force)
{
	struct lvs_watch	*w;

	TAILQ_FOREACH(w, &watches, entry)
		lvs_link_notify(w->name, force);
}

static int
lvs_link_update(struct nlmsghdr *h)
{
	struct ifinfomsg	*ifi;
	struct nlattr		*tb[IFLA_MAX + 1];
	struct lvs_link		*l;
	char			 old[IF_NAMESIZE], name[IF_NAMESIZE];

	if (nlmsg_parse(h, sizeof(*ifi), tb, IFLA_MAX, NULL) < 0)
		return (0);
	ifi = nlmsg_data(h);
	/* Bridge port events carry AF_BRIDGE; the link itself is not gone. */
	if (ifi->ifi_family == AF_BRIDGE || ifi->ifi_index <= 0)
		return (0);
	l = lvs_link_by_index(ifi->ifi_index);
	old[0] = '\0';
	if (l != NULL)
		strlcpy(old, l->name, sizeof(old));
	if (h->nlmsg_type == RTM_DELLINK) {
		if (l == NULL)
			return (0);
		TAILQ_REMOVE(&links, l, entry);
		free(l);
		if (!in_dump)
			lvs_link_notify(old, 0);
		return (0);
	}
	if (tb[IFLA_IFNAME] == NULL)
		return (0);
	nla_strlcpy(name, tb[IFLA_IFNAME], sizeof(name));
	if (l == NULL) {
		if ((l = calloc(1, sizeof(*l))) == NULL) {
			log_warn("link table");
			return (0);
		}
		l->ifindex = ifi->ifi_index;
		TAILQ_INSERT_TAIL(&links, l, entry);
	}
	strlcpy(l->name, name, sizeof(l->name));
	l->flags = ifi->ifi_flags;
	l->seen = 1;
	if (!in_dump) {
		if (old[0] != '\0' && strcmp(old, name) != 0)
			lvs_link_notify(old, 0);	/* renamed away */
		lvs_link_notify(name, 0);
	}
	return (0);
}

static void
lvs_vip_gone(struct lvs_vip *lv)
{
	struct msg_vip	 m;
	char		 a[INET6_ADDRSTRLEN];

	log_warnx("%s: %s/%u removed from %s behind our back", lv->instance,
	    lvs_addr_str(lv->af, lv->addr, a, sizeof(a)), lv->prefix,
	    lv->ifname);
	memset(&m, 0, sizeof(m));
	strlcpy(m.instance, lv->instance, sizeof(m.instance));
	strlcpy(m.ifname, lv->ifname, sizeof(m.ifname));
	m.af = lv->af;
	m.prefix = lv->prefix;
	memcpy(m.addr, lv->addr, sizeof(m.addr));
	if (lvs_vrrp_send(IMSG_ADDR_GONE, &m, sizeof(m)) == -1)
		log_warn("%s: telling vrrpd", lv->instance);
	/* vrrpd adds it again if it still wants it. */
	TAILQ_REMOVE(&lvs_vips, lv, entry);
	free(lv);
}

static int
lvs_addr_event(struct nlmsghdr *h)
{
	struct ifaddrmsg	*ifa = NULL;
	struct lvs_vip		*lv;
	const uint8_t		*addr;

	if ((addr = lvs_ifa_addr(h, &ifa)) == NULL)
		return (0);
	lvs_suspend_addr_event(ifa->ifa_family, addr);
	if ((lv = lvs_vip_find(ifa->ifa_family, addr, ifa->ifa_index)) ==
	    NULL)
		return (0);
	if (h->nlmsg_type == RTM_DELADDR)
		lvs_vip_gone(lv);
	return (0);
}

/* One rtnetlink message from the monitor. */
int
lvs_link_msg(struct nlmsghdr *h, void *arg)
{
	switch (h->nlmsg_type) {
	case RTM_NEWLINK:
	case RTM_DELLINK:
		return (lvs_link_update(h));
	case RTM_NEWADDR:
	case RTM_DELADDR:
		return (lvs_addr_event(h));
	default:
		return (0);
	}
}

static int
lvs_resync_link(struct nlmsghdr *h, void *arg)
{
	if (h->nlmsg_type == RTM_NEWLINK)
		lvs_link_update(h);
	return (0);
}

struct lvs_seen {
	struct lvs_vip	*lv;
	int		 seen;
};

static int
lvs_resync_addr(struct nlmsghdr *h, void *arg)
{
	struct lvs_seen		*s = arg;
	struct ifaddrmsg	*ifa = NULL;
	const uint8_t		*addr;
	int			 alen;

	if (h->nlmsg_type != RTM_NEWADDR ||
	    (addr = lvs_ifa_addr(h, &ifa)) == NULL)
		return (0);
	alen = ifa->ifa_family == AF_INET ? 4 : 16;
	if (ifa->ifa_family == s->lv->af &&
	    (int)ifa->ifa_index == s->lv->ifindex &&
	    memcmp(addr, s->lv->addr, alen) == 0)
		s->seen = 1;
	return (0);
}

/* Events were lost or we start: read the kernel's truth again. */
int
lvs_link_resync(void)
{
	struct lvs_link	*l, *ln;
	struct lvs_vip	*lv, *lvn;
	struct lvs_seen	 s;
	int		 r;

	if (cmd_sk == NULL)
		return (-1);
	TAILQ_FOREACH(l, &links, entry)
		l->seen = 0;
	in_dump = 1;
	r = lvs_nl_dump(cmd_sk, RTM_GETLINK, AF_UNSPEC, lvs_resync_link,
	    NULL);
	in_dump = 0;
	if (r != 0) {
		log_warnx("link dump: %s", strerror(r));
		return (-1);
	}
	TAILQ_FOREACH_SAFE(l, &links, entry, ln) {
		if (!l->seen) {
			TAILQ_REMOVE(&links, l, entry);
			free(l);
		}
	}
	lvs_link_notify_all(0);

	/* One dump per remembered VIP: there are few, and it is rare. */
	TAILQ_FOREACH_SAFE(lv, &lvs_vips, entry, lvn) {
		s.lv = lv;
		s.seen = 0;
		r = lvs_nl_dump(cmd_sk, RTM_GETADDR, lv->af, lvs_resync_addr,
		    &s);
		if (r != 0) {
			log_warnx("address dump: %s", strerror(r));
			return (-1);
		}
		if (!s.seen)
			lvs_vip_gone(lv);
	}
	lvs_suspend_resync();
	return (0);
}

/* Drain the monitor socket; also called before each change we make. */
void
lvs_link_read(void)
{
	struct sockaddr_nl	 sa;
	struct iovec		 iov;
	struct msghdr		 mh;
	struct nlmsghdr		*h;
	ssize_t			 n;
	int			 fd, i, len, resync = 0;

	if (mon_sk == NULL)
		return;
	fd = nl_socket_get_fd(mon_sk);
	for (i = 0; i < LVS_MON_BATCH; i++) {
		memset(&mh, 0, sizeof(mh));
		iov.iov_base = monbuf;
		iov.iov_len = sizeof(monbuf);
		mh.msg_name = &sa;
		mh.msg_namelen = sizeof(sa);
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		if ((n = recvmsg(fd, &mh, MSG_DONTWAIT)) == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				break;
			if (errno == ENOBUFS) {
				log_warnx("link monitor overrun: events lost, "
				    "reading the state again");
				lvs_link_overruns++;
				resync = 1;
				continue;
			}
			log_warn("link monitor");
			break;
		}
		if (sa.nl_pid != 0)
			continue;
		if (mh.msg_flags & MSG_TRUNC) {
			log_warnx("link monitor: truncated message");
			resync = 1;
			continue;
		}
		len = n;
		for (h = (struct nlmsghdr *)monbuf; nlmsg_ok(h, len);
		    h = nlmsg_next(h, &len))
			lvs_link_msg(h, NULL);
	}
	if (resync)
		lvs_link_resync();
}

static void
lvs_link_ev(int fd, short ev, void *arg)
{
	lvs_link_read();
}

int
lvs_link_init(struct event_base *base, struct nl_sock *cmd,
    struct nl_sock *mon)
{
	cmd_sk = cmd;
	mon_sk = mon;
	if (base != NULL && mon != NULL) {
		mon_ev = event_new(base, nl_socket_get_fd(mon),
		    EV_READ | EV_PERSIST, lvs_link_ev, NULL);
		if (mon_ev == NULL || event_add(mon_ev, NULL) == -1) {
			log_warnx("link monitor event");
			return (-1);
		}
	}
	return (lvs_link_resync());
}

void
lvs_link_shutdown(void)
{
	struct lvs_link		*l;
	struct lvs_watch	*w;

	if (mon_ev != NULL) {
		event_free(mon_ev);
		mon_ev = NULL;
	}
	while ((l = TAILQ_FIRST(&links)) != NULL) {
		TAILQ_REMOVE(&links, l, entry);
		free(l);
	}
	while ((w = TAILQ_FIRST(&watches)) != NULL) {
		TAILQ_REMOVE(&watches, w, entry);
		free(w);
	}
	nwatches = 0;
	lvs_vip_clear();
	mon_sk = cmd_sk = NULL;
}

static struct lvs_watch *
lvs_watch_add(const char *name)
{
	struct lvs_watch	*w;

	if (name[0] == '\0')
		return (NULL);
	if ((w = lvs_watch_find(name)) != NULL) {
		w->mark = 1;
		return (w);
	}
	if (nwatches >= LVS_WATCH_MAX) {
		log_warnx("%s: not watched, already %d links", name,
		    nwatches);
		return (NULL);
	}
	if ((w = calloc(1, sizeof(*w))) == NULL) {
		log_warn("watching %s", name);
		return (NULL);
	}
	nwatches++;
	strlcpy(w->name, name, sizeof(w->name));
	w->mark = 1;
	TAILQ_INSERT_TAIL(&watches, w, entry);
	return (w);
}

/* The links of the configured instances; those vrrpd asked about stay. */
void
lvs_link_reconf(const struct had_conf *conf)
{
	const struct conf_instance	*in;
	const struct conf_vip		*cv;
	const struct conf_track_if	*ti;
	struct lvs_watch		*w, *wn;
	char				 vmac[CONF_IFNAMELEN];

	TAILQ_FOREACH(w, &watches, entry)
		w->mark = w->queried;
	if (conf != NULL) {
		TAILQ_FOREACH(in, &conf->instances, entry) {
			lvs_watch_add(in->c.interface);
			if (in->c.use_vmac) {
				lvs_vmac_name(&in->c, vmac, sizeof(vmac));
				lvs_watch_add(vmac);
			}
			TAILQ_FOREACH(cv, &in->vips, entry)
				lvs_watch_add(cv->c.dev);
			TAILQ_FOREACH(ti, &in->track_ifs, entry)
				lvs_watch_add(ti->c.ifname);
		}
	}
	TAILQ_FOREACH_SAFE(w, &watches, entry, wn) {
		if (!w->mark) {
			TAILQ_REMOVE(&watches, w, entry);
			free(w);
			nwatches--;
		}
	}
	lvs_link_notify_all(0);
}

void
lvs_link_peer_up(void)
{
	lvs_link_read();
	lvs_link_notify_all(1);
}

int
lvs_link_query(struct imsg *imsg)
{
	struct msg_link		 m;
	struct lvs_watch	*w;

	if (imsg_check_size(imsg, sizeof(m), "vrrpd") == -1)
		return (-1);
	memcpy(&m, imsg->data, sizeof(m));
	if (memchr(m.ifname, '\0', sizeof(m.ifname)) == NULL ||
	    m.ifname[0] == '\0') {
		log_warnx("vrrpd: malformed link query");
		return (-1);
	}
	lvs_link_read();
	if ((w = lvs_watch_add(m.ifname)) == NULL)
		return (0);
	w->queried = 1;
	lvs_link_notify(m.ifname, 1);
	return (0);
}
