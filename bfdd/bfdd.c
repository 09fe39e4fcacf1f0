/*
 * bfdd: BFD sessions (bfd_instance) on their own event loop.  Nothing
 * else runs in this process, so a busy health check or a VRRP burst
 * cannot make a 10 ms x 3 session late.  Every packet is checked
 * (bfd_pkt_parse(), TTL, source, discriminator) before a session sees it,
 * and each drop is counted by reason.  State changes go to vrrpd, which
 * applies track_bfd, and to had for the event history.
 */
#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event.h>

#include "bfd_packet.h"
#include "bfd_session.h"
#include "bfdd.h"
#include "child.h"
#include "conf.h"
#include "log.h"

#define BFD_RX_BATCH	64	/* packets read per wakeup */
#define BFD_RX_VLEN	16	/* of them per recvmmsg() */
#define BFD_BIND_TRIES	64	/* random source ports tried */
#define BFD_TOS		0xc0	/* CS6, network control */

struct bfd_peer {
	TAILQ_ENTRY(bfd_peer)	 entry;
	struct bfd_instance_conf c;
	struct bfd_sess		 s;
	struct event		*timer;
	uint64_t		 due;		/* timer armed for */
	int			 fd;		/* sends, from BFD_SPORT_* */
	struct sockaddr_storage	 dst;
	socklen_t		 dstlen;
	int64_t			 since;		/* unix time of the change */
	int64_t			 since_us;	/* the same, in us */
	uint64_t		 drops[BFD_DROP_MAX];
	uint64_t		 send_errors;
};
TAILQ_HEAD(bfd_peer_list, bfd_peer);

static struct {
	struct event_base	*base;
	struct bfd_peer_list	 peers;
	int			 rx[2];		/* IPv4, IPv6 on port 3784 */
	struct event		*rx_ev[2];
	uint64_t		 drops[BFD_DROP_MAX];
} b = { .rx = { -1, -1 } };

static void	peer_timer(int, short, void *);
static int	peer_socket(const struct bfd_instance_conf *);

/*
 * Jitter draws, a batch at a time: libbsd's arc4random() asks getpid()
 * on every call, and a session at 10 ms draws 200 times a second.
 */
static uint32_t
rnd(void)
{
	static uint32_t	 pool[64];
	static size_t	 left;

	if (left == 0) {
		arc4random_buf(pool, sizeof(pool));
		left = sizeof(pool) / sizeof(pool[0]);
	}
	return (pool[--left]);
}

static uint64_t
now_us(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000);
}

/* The wall clock of a change, for hactl and whoever times detection. */
static void
peer_stamp(struct bfd_peer *bp)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	bp->since = ts.tv_sec;
	bp->since_us = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static const char *
addr_str(const struct conf_addr *a, char *buf, size_t len)
{
	if (a->af == 0)
		return (strlcpy(buf, "", len), buf);
	if (inet_ntop(a->af, a->u.raw, buf, len) == NULL)
		strlcpy(buf, "?", len);
	return (buf);
}

/* To vrrpd (track_bfd), checkd (BFD_CHECK), and on a change to had. */
static void
peer_report(struct bfd_peer *bp, int change)
{
	struct msg_bfd_state	 m;

	memset(&m, 0, sizeof(m));
	strlcpy(m.name, bp->c.name, sizeof(m.name));
	m.state = bp->s.state;
	m.up = bp->s.state == BFD_STATE_UP;
	m.diag = bp->s.diag < BFD_DIAG_MAX ? bp->s.diag : 0;
	child_send_peer(PROC_VRRP, IMSG_BFD_STATE, &m, sizeof(m));
	child_send_peer(PROC_CHECK, IMSG_BFD_STATE, &m, sizeof(m));
	if (change)
		child_send_parent(IMSG_BFD_STATE, 0, -1, &m, sizeof(m));
}

/*
 * The next event: a periodic packet on the session's grid (sessions due
 * in the same slot share a wakeup), the detection time exactly.
 */
static void
peer_arm(struct bfd_peer *bp, uint64_t now)
{
	struct timeval	 tv;
	uint64_t	 at = bp->s.tx_at, d;
	uint32_t	 g;

	if (at != BFD_TIME_NONE &&
	    (g = bfd_sess_tx_grid(bfd_sess_tx_interval(&bp->s))) != 0)
		at = (at + g - 1) & ~(uint64_t)(g - 1);
	if (bp->s.detect_at < at)
		at = bp->s.detect_at;
	if ((bp->due = at) == BFD_TIME_NONE) {
		evtimer_del(bp->timer);
		return;
	}
	d = at > now ? at - now : 0;
	tv.tv_sec = d / 1000000;
	tv.tv_usec = d % 1000000;
	evtimer_add(bp->timer, &tv);
}

static void
peer_send(struct bfd_peer *bp, uint64_t now)
{
	struct bfd_pkt	 pkt;
	uint8_t		 buf[BFD_PKT_LEN];
	size_t		 len;

	bfd_sess_build(&bp->s, &pkt, now, rnd());
	/* A source_ip that was not there yet may be by now. */
	if (bp->fd == -1 && (bp->fd = peer_socket(&bp->c)) != -1)
		log_info("bfd %s: socket open", bp->c.name);
	if ((len = bfd_pkt_build(&pkt, buf, sizeof(buf))) == 0 ||
	    bp->fd == -1)
		return;
	if (sendto(bp->fd, buf, len, 0, (struct sockaddr *)&bp->dst,
	    bp->dstlen) == -1) {
		/* A neighbour without ARP yet, a link down: say it once. */
		if (bp->send_errors++ == 0)
			log_warn("bfd %s: send", bp->c.name);
	}
}

/* What an event of the session asks for, then the next timer. */
static void
peer_act(struct bfd_peer *bp, int act, uint64_t now)
{
	char	 ip[INET6_ADDRSTRLEN];

	if (act & BFD_ACT_STATE) {
		peer_stamp(bp);
		log_info("bfd %s: neighbor %s %s%s%s", bp->c.name,
		    addr_str(&bp->c.neighbor, ip, sizeof(ip)),
		    bfd_state_name(bp->s.state),
		    bp->s.diag != BFD_DIAG_NONE ? ", " : "",
		    bp->s.diag != BFD_DIAG_NONE ?
		    bfd_diag_name(bp->s.diag) : "");
		peer_report(bp, 1);
	}
	if (act & BFD_ACT_SEND)
		peer_send(bp, now);
	peer_arm(bp, now);
}

static void
peer_timer(int fd, short ev, void *arg)
{
	struct bfd_peer	*bp = arg;
	uint64_t	 now = now_us();

	/*
	 * libevent counts the timeout from its time of the loop, a little
	 * before ours: what fired is due, not another wakeup away.
	 */
	if (now < bp->due)
		now = bp->due;
	peer_act(bp, bfd_sess_timer(&bp->s, now, rnd()), now);
}

static struct bfd_sess_cfg
peer_cfg(const struct bfd_instance_conf *c)
{
	struct bfd_sess_cfg	 sc;

	memset(&sc, 0, sizeof(sc));
	sc.min_tx_us = c->min_tx_us;
	sc.min_rx_us = c->min_rx_us;
	sc.idle_tx_us = c->idle_tx_us;
	sc.mult = c->multiplier;
	sc.passive = c->passive;
	return (sc);
}

static void
sa_of(const struct conf_addr *a, uint16_t port, struct sockaddr_storage *ss,
    socklen_t *len)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (a->af == AF_INET6) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		sin6->sin6_addr = a->u.v6;
		*len = sizeof(*sin6);
	} else {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		sin->sin_addr = a->u.v4;
		*len = sizeof(*sin);
	}
}

/*
 * The sending socket: TTL or hop limit as configured (255 by default,
 * RFC 5881 5), from a random source port of 49152-65535 (RFC 5881 4).
 */
static int
peer_socket(const struct bfd_instance_conf *c)
{
	struct sockaddr_storage	 ss;
	struct conf_addr	 any;
	socklen_t		 len;
	int			 fd, i, ttl, tos = BFD_TOS, af = c->neighbor.af;
	uint16_t		 port;

	if ((fd = socket(af, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1)
		return (-1);
	if (af == AF_INET) {
		ttl = c->ttl;
		if (setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl,
		    sizeof(ttl)) == -1)
			goto fail;
		(void)setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof(tos));
	} else {
		ttl = c->hoplimit;
		if (setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &ttl,
		    sizeof(ttl)) == -1)
			goto fail;
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_TCLASS, &tos,
		    sizeof(tos));
	}
	memset(&any, 0, sizeof(any));
	any.af = af;
	for (i = 0; i < BFD_BIND_TRIES; i++) {
		port = BFD_SPORT_MIN + arc4random_uniform(BFD_SPORT_MAX -
		    BFD_SPORT_MIN + 1);
		sa_of(c->source.af != 0 ? &c->source : &any, port, &ss, &len);
		if (bind(fd, (struct sockaddr *)&ss, len) == 0)
			return (fd);
		if (errno != EADDRINUSE)
			break;
	}
 fail:
	close(fd);
	return (-1);
}

static struct bfd_peer *
peer_new(const struct bfd_instance_conf *c)
{
	struct bfd_peer		*bp, *o;
	struct bfd_sess_cfg	 sc = peer_cfg(c);
	uint32_t		 discr;
	char			 ip[INET6_ADDRSTRLEN];

	if ((bp = calloc(1, sizeof(*bp))) == NULL)
		fatal("bfd session");
	bp->c = *c;
	/* A discriminator unique among ours, never 0 (RFC 5880 6.8.1). */
	do {
		discr = arc4random();
		TAILQ_FOREACH(o, &b.peers, entry)
			if (o->s.local_discr == discr)
				break;
	} while (discr == 0 || o != NULL);
	bfd_sess_init(&bp->s, &sc, discr, now_us());
	sa_of(&c->neighbor, BFD_PORT, &bp->dst, &bp->dstlen);
	if ((bp->fd = peer_socket(c)) == -1)
		log_warn("bfd %s: socket to %s", c->name,
		    addr_str(&c->neighbor, ip, sizeof(ip)));
	peer_stamp(bp);
	if ((bp->timer = evtimer_new(b.base, peer_timer, bp)) == NULL)
		fatal("bfd timer");
	TAILQ_INSERT_TAIL(&b.peers, bp, entry);
	log_info("bfd %s: session to %s, discriminator %u", c->name,
	    addr_str(&c->neighbor, ip, sizeof(ip)), discr);
	return (bp);
}

/* The peer hears AdminDown (diagnostic 7) rather than a silence. */
static void
peer_free(struct bfd_peer *bp, int tell)
{
	uint64_t	 now = now_us();

	if (tell && bp->s.state != BFD_STATE_ADMIN_DOWN) {
		bfd_sess_admin(&bp->s, 1, now, 0);
		peer_send(bp, now);
	}
	TAILQ_REMOVE(&b.peers, bp, entry);
	event_free(bp->timer);
	if (bp->fd != -1)
		close(bp->fd);
	free(bp);
}

static struct bfd_peer *
peer_by_name(const char *name)
{
	struct bfd_peer	*bp;

	TAILQ_FOREACH(bp, &b.peers, entry)
		if (strcmp(bp->c.name, name) == 0)
			return (bp);
	return (NULL);
}

static struct bfd_peer *
peer_by_addr(int af, const void *addr)
{
	struct bfd_peer	*bp;

	TAILQ_FOREACH(bp, &b.peers, entry)
		if (bp->c.neighbor.af == af && memcmp(bp->c.neighbor.u.raw,
		    addr, af == AF_INET ? 4 : 16) == 0)
			return (bp);
	return (NULL);
}

static void
drop(struct bfd_peer *bp, int why)
{
	b.drops[why]++;
	if (bp != NULL)
		bp->drops[why]++;
}

/*
 * One datagram to port 3784: RFC 5880 6.8.6 and RFC 5881 5.  The session
 * is the one of the source address (single hop: one per neighbour), and
 * a nonzero Your Discriminator must be its own.
 */
static void
bfd_input(const uint8_t *buf, size_t len, int af, const void *src, int ttl)
{
	struct bfd_peer	*bp;
	struct bfd_pkt	 pkt;
	uint64_t	 now;
	int		 r;

	bp = peer_by_addr(af, src);
	if ((r = bfd_pkt_parse(buf, len, &pkt)) != BFD_DROP_NONE) {
		drop(bp, r);
		return;
	}
	if (bp == NULL) {
		drop(NULL, BFD_DROP_NO_SESSION);
		return;
	}
	if (ttl < 0 || !bfd_ttl_ok(ttl, bp->c.max_hops)) {
		drop(bp, BFD_DROP_TTL);
		return;
	}
	if (pkt.your_discr != 0 && pkt.your_discr != bp->s.local_discr) {
		drop(bp, BFD_DROP_UNKNOWN_DISCR);
		return;
	}
	if (bp->s.state == BFD_STATE_ADMIN_DOWN) {
		drop(bp, BFD_DROP_ADMIN_DOWN);
		return;
	}
	now = now_us();
	peer_act(bp, bfd_sess_rx(&bp->s, &pkt, now, rnd()), now);
}

/* The received TTL or hop limit of one datagram, -1 if not given. */
static int
rx_ttl(struct msghdr *msg)
{
	struct cmsghdr	*cm;
	int		 ttl = -1;

	for (cm = CMSG_FIRSTHDR(msg); cm != NULL; cm = CMSG_NXTHDR(msg, cm)) {
		if ((cm->cmsg_level == IPPROTO_IP &&
		    cm->cmsg_type == IP_TTL) ||
		    (cm->cmsg_level == IPPROTO_IPV6 &&
		    cm->cmsg_type == IPV6_HOPLIMIT))
			memcpy(&ttl, CMSG_DATA(cm), sizeof(ttl));
	}
	return (ttl);
}

/*
 * What the socket holds, BFD_RX_VLEN datagrams a call: fewer than asked
 * says it is empty, without another call to hear EAGAIN.
 */
static void
rx_cb(int fd, short ev, void *arg)
{
	static struct sockaddr_storage	 ss[BFD_RX_VLEN];
	static struct mmsghdr		 mm[BFD_RX_VLEN];
	static struct iovec		 iov[BFD_RX_VLEN];
	static uint8_t			 buf[BFD_RX_VLEN][512];
	static union {
		struct cmsghdr	hdr;
		uint8_t		buf[CMSG_SPACE(sizeof(int)) * 4];
	} cbuf[BFD_RX_VLEN];
	const void			*src;
	int				 i, j, n;

	for (i = 0; i < BFD_RX_BATCH; i += n) {
		memset(mm, 0, sizeof(mm));
		for (j = 0; j < BFD_RX_VLEN; j++) {
			iov[j].iov_base = buf[j];
			iov[j].iov_len = sizeof(buf[j]);
			mm[j].msg_hdr.msg_name = &ss[j];
			mm[j].msg_hdr.msg_namelen = sizeof(ss[j]);
			mm[j].msg_hdr.msg_iov = &iov[j];
			mm[j].msg_hdr.msg_iovlen = 1;
			mm[j].msg_hdr.msg_control = cbuf[j].buf;
			mm[j].msg_hdr.msg_controllen = sizeof(cbuf[j].buf);
		}
		if ((n = recvmmsg(fd, mm, BFD_RX_VLEN, MSG_DONTWAIT,
		    NULL)) <= 0) {
			if (n == -1 && errno != EAGAIN && errno != EINTR)
				log_warn("bfd: recvmmsg");
			return;
		}
		for (j = 0; j < n; j++) {
			if (ss[j].ss_family == AF_INET)
				src = &((struct sockaddr_in *)&ss[j])->sin_addr;
			else if (ss[j].ss_family == AF_INET6)
				src = &((struct sockaddr_in6 *)&ss[j])->
				    sin6_addr;
			else
				continue;
			/* An IPv4 peer on the IPv6 socket cannot be: V6ONLY. */
			bfd_input(buf[j], mm[j].msg_len, ss[j].ss_family, src,
			    rx_ttl(&mm[j].msg_hdr));
		}
		if (n < BFD_RX_VLEN)
			return;
	}
}

static void
rx_open(int idx, int af)
{
	struct conf_addr	 any;
	struct sockaddr_storage	 ss;
	socklen_t		 len;
	int			 fd, on = 1;

	if ((fd = socket(af, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1) {
		log_warn("bfd: %s socket", af == AF_INET ? "IPv4" : "IPv6");
		return;
	}
	if ((af == AF_INET && setsockopt(fd, IPPROTO_IP, IP_RECVTTL, &on,
	    sizeof(on)) == -1) ||
	    (af == AF_INET6 && (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY,
	    &on, sizeof(on)) == -1 || setsockopt(fd, IPPROTO_IPV6,
	    IPV6_RECVHOPLIMIT, &on, sizeof(on)) == -1))) {
		log_warn("bfd: receiving the TTL");
		close(fd);
		return;
	}
	memset(&any, 0, sizeof(any));
	any.af = af;
	sa_of(&any, BFD_PORT, &ss, &len);
	if (bind(fd, (struct sockaddr *)&ss, len) == -1) {
		log_warn("bfd: bind to port %d (%s)", BFD_PORT,
		    af == AF_INET ? "IPv4" : "IPv6");
		close(fd);
		return;
	}
	b.rx[idx] = fd;
	b.rx_ev[idx] = event_new(b.base, fd, EV_READ | EV_PERSIST, rx_cb,
	    NULL);
	event_add(b.rx_ev[idx], NULL);
}

void
bfdd_init(struct event_base *base)
{
	b.base = base;
	TAILQ_INIT(&b.peers);
}

/* The receive sockets are opened when a session of the family wants one. */
static void
rx_need(void)
{
	struct bfd_peer	*bp;

	TAILQ_FOREACH(bp, &b.peers, entry) {
		if (bp->c.neighbor.af == AF_INET && b.rx[0] == -1)
			rx_open(0, AF_INET);
		if (bp->c.neighbor.af == AF_INET6 && b.rx[1] == -1)
			rx_open(1, AF_INET6);
	}
}

/* What needs a new session rather than new timers. */
static int
peer_hard_changed(const struct bfd_instance_conf *a,
    const struct bfd_instance_conf *n)
{
	return (memcmp(&a->neighbor, &n->neighbor, sizeof(a->neighbor)) != 0 ||
	    memcmp(&a->source, &n->source, sizeof(a->source)) != 0 ||
	    a->ttl != n->ttl || a->hoplimit != n->hoplimit ||
	    a->passive != n->passive);
}

int
bfdd_reconf(struct had_conf *old, struct had_conf *new,
    struct msg_reconf_done *done)
{
	struct bfd_peer		*bp, *next;
	struct conf_bfd		*cb;
	struct bfd_sess_cfg	 sc;
	uint64_t		 now = now_us();

	TAILQ_FOREACH_SAFE(bp, &b.peers, entry, next) {
		TAILQ_FOREACH(cb, &new->bfds, entry)
			if (strcmp(cb->c.name, bp->c.name) == 0)
				break;
		if (cb != NULL && !peer_hard_changed(&bp->c, &cb->c))
			continue;
		log_info("bfd %s: %s", bp->c.name, cb == NULL ? "removed" :
		    "changed, restarting");
		peer_free(bp, 1);
	}
	TAILQ_FOREACH(cb, &new->bfds, entry) {
		if ((bp = peer_by_name(cb->c.name)) == NULL) {
			bp = peer_new(&cb->c);
			peer_report(bp, 0);
			peer_arm(bp, now);
			continue;
		}
		if (memcmp(&bp->c, &cb->c, sizeof(bp->c)) == 0)
			continue;
		/* New timers are negotiated with a poll (6.8.3). */
		bp->c = cb->c;
		sc = peer_cfg(&cb->c);
		peer_act(bp, bfd_sess_set_cfg(&bp->s, &sc, now), now);
	}
	rx_need();
	return (0);
}

static void
bfdd_send_all(void)
{
	struct bfd_peer	*bp;

	TAILQ_FOREACH(bp, &b.peers, entry)
		peer_report(bp, 0);
}

int
bfdd_dispatch_parent(struct imsg *imsg)
{
	log_warnx("unexpected message type %u from had", imsg->hdr.type);
	return (-1);
}

/*
 * vrrpd and checkd: the message contract (msg_contract.c) is checked
 * before these, and lets them send nothing but IMSG_BFD_QUERY.
 */
int
bfdd_dispatch_vrrpd(struct imsg *imsg)
{
	if (imsg->hdr.type == IMSG_BFD_QUERY) {
		bfdd_send_all();
		return (0);
	}
	log_warnx("vrrpd: unexpected message type %u", imsg->hdr.type);
	return (-1);
}

int
bfdd_dispatch_checkd(struct imsg *imsg)
{
	if (imsg->hdr.type == IMSG_BFD_QUERY) {
		bfdd_send_all();
		return (0);
	}
	log_warnx("checkd: unexpected message type %u", imsg->hdr.type);
	return (-1);
}

void
bfdd_peer_up(enum had_proc p)
{
	if (p == PROC_VRRP || p == PROC_CHECK)
		bfdd_send_all();
}

static void
ctl_drops(struct msg_ctl_bfd *r, const uint64_t *d)
{
	unsigned int	 i;

	for (i = 1; i < BFD_DROP_MAX && r->ndrops < MSG_BFD_NDROPS; i++) {
		r->drops[r->ndrops] = d[i];
		strlcpy(r->drop_names[r->ndrops], bfd_drop_name(i),
		    sizeof(r->drop_names[0]));
		r->ndrops++;
	}
}

int
bfdd_ctl(struct imsg *imsg)
{
	struct msg_ctl_req	 req;
	struct msg_ctl_bfd	 r;
	struct bfd_peer		*bp;

	memcpy(&req, imsg->data, sizeof(req));
	TAILQ_FOREACH(bp, &b.peers, entry) {
		if (req.name[0] != '\0' && strcmp(req.name, bp->c.name) != 0)
			continue;
		memset(&r, 0, sizeof(r));
		strlcpy(r.name, bp->c.name, sizeof(r.name));
		addr_str(&bp->c.neighbor, r.neighbor, sizeof(r.neighbor));
		addr_str(&bp->c.source, r.source, sizeof(r.source));
		r.state = bp->s.state;
		r.remote_state = bp->s.remote_state & 3;
		r.diag = bp->s.diag;
		r.remote_diag = bp->s.remote_diag;
		r.local_discr = bp->s.local_discr;
		r.remote_discr = bp->s.remote_discr;
		r.mult = bp->s.cfg.mult;
		r.remote_mult = bp->s.remote_mult;
		r.desired_tx_us = bp->s.desired_tx_us;
		r.required_rx_us = bp->s.required_rx_us;
		r.remote_desired_tx_us = bp->s.remote_desired_tx_us;
		r.remote_min_rx_us = bp->s.remote_min_rx_us;
		r.tx_interval_us = bfd_sess_tx_interval(&bp->s);
		r.detect_us = bp->s.heard ? bfd_sess_detect_time(&bp->s) : 0;
		r.passive = bp->c.passive;
		r.tx = bp->s.stats.tx;
		r.rx = bp->s.stats.rx;
		r.ups = bp->s.stats.up;
		r.downs = bp->s.stats.down;
		r.polls = bp->s.stats.polls;
		r.since = bp->since;
		r.since_us = bp->since_us;
		ctl_drops(&r, bp->drops);
		child_ctl_send(IMSG_CTL_BFD, imsg->hdr.peerid, &r, sizeof(r));
	}
	/* The totals, with what matched no session. */
	memset(&r, 0, sizeof(r));
	ctl_drops(&r, b.drops);
	child_ctl_send(IMSG_CTL_BFD, imsg->hdr.peerid, &r, sizeof(r));
	return (0);
}

void
bfdd_shutdown(void)
{
	struct bfd_peer	*bp;

	while ((bp = TAILQ_FIRST(&b.peers)) != NULL)
		peer_free(bp, 1);
}
