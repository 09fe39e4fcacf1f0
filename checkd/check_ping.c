/*
 * PING_CHECK: an ICMP or ICMPv6 echo request to the real server (or
 * connect_ip); an echo reply within connect_timeout passes.
 *
 * checkd holds no capability and cannot open a raw socket: had opens one
 * raw ICMP and one raw ICMPv6 socket and passes them (IMSG_ICMP_FD); every
 * PING_CHECK shares them.  A raw socket sees every ICMP packet the host
 * receives, so a reply counts only if it comes from the target and
 * carries the check's identifier, the attempt's sequence number and the
 * attempt's random cookie.  An ICMP error that quotes our request (host
 * unreachable from a router, TTL exceeded) fails the attempt at once.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <netinet/icmp6.h>
#include <netinet/ip6.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event.h>

#include "checkd.h"
#include "imsg.h"
#include "log.h"

/* <linux/icmp.h> clashes with <netinet/ip_icmp.h>: its two names. */
#ifndef ICMP_FILTER
#define ICMP_FILTER	1
#endif
struct ping_icmp_filter {
	uint32_t	data;		/* bit n set: drop ICMP type n */
};

#define PING_DATALEN	56		/* as ping(8) */
#define PING_PKTLEN	(8 + PING_DATALEN)
#define PING_READ_MAX	256		/* packets per wake-up */
#define PING_IDS	65536

struct ping_sock {
	int		 af;
	const char	*name;
	int		 fd;
	struct event	*ev;
};

static struct ping_sock	 ping_socks[2] = {
	{ AF_INET, "ICMP", -1, NULL },
	{ AF_INET6, "ICMPv6", -1, NULL },
};

/* The running attempt of each identifier. */
static struct check	*ping_ids[PING_IDS];
static uint16_t		 ping_next_id;
static int		 ping_id_init;

static struct ping_sock *
ping_sock_of(int af)
{
	return (af == AF_INET ? &ping_socks[0] :
	    af == AF_INET6 ? &ping_socks[1] : NULL);
}

static uint16_t
ping_cksum(const uint8_t *p, size_t len)
{
	uint32_t	 sum = 0;

	while (len > 1) {
		sum += (uint32_t)p[0] << 8 | p[1];
		p += 2;
		len -= 2;
	}
	if (len == 1)
		sum += (uint32_t)p[0] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ((uint16_t)~sum);
}

/* The payload of an attempt: its cookie, then ping(8)'s byte pattern. */
static void
ping_payload(const struct check *ck, uint8_t *p)
{
	size_t	 i;

	memcpy(p, &ck->ping_cookie, sizeof(ck->ping_cookie));
	for (i = sizeof(ck->ping_cookie); i < PING_DATALEN; i++)
		p[i] = (uint8_t)i;
}

/* Give the check an identifier no other running PING_CHECK holds. */
static int
ping_claim_id(struct check *ck)
{
	uint32_t	 n;
	uint16_t	 id;

	if (!ping_id_init) {
		ping_next_id = (uint16_t)arc4random();
		ping_id_init = 1;
	}
	if (ck->ping_have_id && (ping_ids[ck->ping_id] == NULL ||
	    ping_ids[ck->ping_id] == ck)) {
		ping_ids[ck->ping_id] = ck;
		return (0);
	}
	for (n = 0; n < PING_IDS; n++) {
		id = ping_next_id++;
		if (ping_ids[id] == NULL) {
			ck->ping_id = id;
			ck->ping_have_id = 1;
			ck->ping_seq = (uint16_t)arc4random();
			ping_ids[id] = ck;
			return (0);
		}
	}
	return (-1);
}

static void
ping_cleanup(struct check *ck)
{
	if (ck->ping_have_id && ping_ids[ck->ping_id] == ck)
		ping_ids[ck->ping_id] = NULL;
}

/* The running attempt this identifier and sequence number belong to. */
static struct check *
ping_match(int af, uint16_t id, uint16_t seq, const void *dst)
{
	struct check	*ck = ping_ids[id];

	if (ck == NULL || !ck->running || ck->type != &check_type_ping ||
	    ck->ping_seq != seq || ck->dst.sa.sa_family != af)
		return (NULL);
	if (af == AF_INET && memcmp(dst,
	    &((struct sockaddr_in *)&ck->dst)->sin_addr, 4) != 0)
		return (NULL);
	if (af == AF_INET6 && memcmp(dst,
	    &((struct sockaddr_in6 *)&ck->dst)->sin6_addr, 16) != 0)
		return (NULL);
	return (ck);
}

static int
ping_cookie_ok(const struct check *ck, const uint8_t *data, size_t len)
{
	uint8_t	 want[PING_DATALEN];

	if (len < PING_DATALEN)
		return (0);
	ping_payload(ck, want);
	return (memcmp(data, want, PING_DATALEN) == 0);
}

static void
ping_pass(struct check *ck)
{
	struct timespec	 now;
	int64_t		 us;

	clock_gettime(CLOCK_MONOTONIC, &now);
	us = (int64_t)(now.tv_sec - ck->att_start.tv_sec) * 1000000 +
	    (now.tv_nsec - ck->att_start.tv_nsec) / 1000;
	if (us < 0)
		us = 0;
	check_result(ck, 1, "echo reply in %lld.%03lld ms",
	    (long long)(us / 1000), (long long)(us % 1000));
}

static void
ping_fail_icmp(struct check *ck, const char *what, int af, const void *from)
{
	char	 a[INET6_ADDRSTRLEN];

	if (inet_ntop(af, from, a, sizeof(a)) == NULL)
		strlcpy(a, "?", sizeof(a));
	check_result(ck, 0, "%s (ICMP%s from %s)", what,
	    af == AF_INET6 ? "v6" : "", a);
}

static const char *
ping_unreach4(uint8_t code)
{
	switch (code) {
	case ICMP_UNREACH_NET:
	case ICMP_UNREACH_NET_UNKNOWN:
		return ("network unreachable");
	case ICMP_UNREACH_HOST:
	case ICMP_UNREACH_HOST_UNKNOWN:
		return ("host unreachable");
	case ICMP_UNREACH_FILTER_PROHIB:
	case ICMP_UNREACH_NET_PROHIB:
	case ICMP_UNREACH_HOST_PROHIB:
	case ICMP_UNREACH_PRECEDENCE_CUTOFF:
		return ("administratively prohibited");
	case ICMP_UNREACH_NEEDFRAG:
		return ("fragmentation needed");
	default:
		return ("destination unreachable");
	}
}

static const char *
ping_unreach6(uint8_t code)
{
	switch (code) {
	case ICMP6_DST_UNREACH_NOROUTE:
		return ("no route to host");
	case ICMP6_DST_UNREACH_ADMIN:
		return ("administratively prohibited");
	case ICMP6_DST_UNREACH_ADDR:
		return ("address unreachable");
	default:
		return ("destination unreachable");
	}
}

/* An IPv4 packet from the raw socket: the IP header comes first. */
static void
ping_input4(const uint8_t *buf, size_t n)
{
	const uint8_t	*icmp, *in, *inicmp;
	struct check	*ck;
	struct in_addr	 src, dst;
	size_t		 hl, len, inhl;
	uint16_t	 id, seq;

	if (n < 20 || (buf[0] >> 4) != 4 || buf[9] != IPPROTO_ICMP)
		return;
	hl = (size_t)(buf[0] & 0x0f) * 4;
	if (hl < 20 || n < hl + 8)
		return;
	memcpy(&src, buf + 12, 4);
	icmp = buf + hl;
	len = n - hl;
	switch (icmp[0]) {
	case ICMP_ECHOREPLY:
		if (icmp[1] != 0 || ping_cksum(icmp, len) != 0)
			return;
		id = (uint16_t)(icmp[4] << 8 | icmp[5]);
		seq = (uint16_t)(icmp[6] << 8 | icmp[7]);
		if ((ck = ping_match(AF_INET, id, seq, &src)) == NULL ||
		    !ping_cookie_ok(ck, icmp + 8, len - 8))
			return;
		ping_pass(ck);
		return;
	case ICMP_UNREACH:
	case ICMP_TIMXCEED:
		/* The quoted request: its IP header and 8 bytes of ICMP. */
		in = icmp + 8;
		if (len < 8 + 20 + 8 || (in[0] >> 4) != 4 ||
		    in[9] != IPPROTO_ICMP)
			return;
		inhl = (size_t)(in[0] & 0x0f) * 4;
		if (inhl < 20 || len < 8 + inhl + 8)
			return;
		inicmp = in + inhl;
		if (inicmp[0] != ICMP_ECHO)
			return;
		memcpy(&dst, in + 16, 4);
		id = (uint16_t)(inicmp[4] << 8 | inicmp[5]);
		seq = (uint16_t)(inicmp[6] << 8 | inicmp[7]);
		if ((ck = ping_match(AF_INET, id, seq, &dst)) == NULL)
			return;
		ping_fail_icmp(ck, icmp[0] == ICMP_TIMXCEED ?
		    "time exceeded" : ping_unreach4(icmp[1]), AF_INET, &src);
		return;
	default:
		return;
	}
}

/* An ICMPv6 message: no IP header; the kernel checked the checksum. */
static void
ping_input6(const uint8_t *icmp, size_t len, const struct in6_addr *src)
{
	const uint8_t	*in, *inicmp;
	struct check	*ck;
	struct in6_addr	 dst;
	uint16_t	 id, seq;

	if (len < 8)
		return;
	switch (icmp[0]) {
	case ICMP6_ECHO_REPLY:
		if (icmp[1] != 0)
			return;
		id = (uint16_t)(icmp[4] << 8 | icmp[5]);
		seq = (uint16_t)(icmp[6] << 8 | icmp[7]);
		if ((ck = ping_match(AF_INET6, id, seq, src)) == NULL ||
		    !ping_cookie_ok(ck, icmp + 8, len - 8))
			return;
		ping_pass(ck);
		return;
	case ICMP6_DST_UNREACH:
	case ICMP6_TIME_EXCEEDED:
		/* The quoted request: we send no extension headers. */
		in = icmp + 8;
		if (len < 8 + 40 + 8 || (in[0] >> 4) != 6 ||
		    in[6] != IPPROTO_ICMPV6)
			return;
		inicmp = in + 40;
		if (inicmp[0] != ICMP6_ECHO_REQUEST)
			return;
		memcpy(&dst, in + 24, 16);
		id = (uint16_t)(inicmp[4] << 8 | inicmp[5]);
		seq = (uint16_t)(inicmp[6] << 8 | inicmp[7]);
		if ((ck = ping_match(AF_INET6, id, seq, &dst)) == NULL)
			return;
		ping_fail_icmp(ck, icmp[0] == ICMP6_TIME_EXCEEDED ?
		    "time exceeded" : ping_unreach6(icmp[1]), AF_INET6, src);
		return;
	default:
		return;
	}
}

static void
ping_read(int fd, short ev, void *arg)
{
	struct ping_sock	*ps = arg;
	struct sockaddr_storage	 from;
	socklen_t		 fl;
	uint8_t			 buf[1500];
	ssize_t			 n;
	int			 i;

	for (i = 0; i < PING_READ_MAX; i++) {
		fl = sizeof(from);
		n = recvfrom(fd, buf, sizeof(buf), 0,
		    (struct sockaddr *)&from, &fl);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				log_warn("raw %s socket: recvfrom", ps->name);
			return;
		}
		if (ps->af == AF_INET)
			ping_input4(buf, (size_t)n);
		else if (from.ss_family == AF_INET6 &&
		    fl >= sizeof(struct sockaddr_in6))
			ping_input6(buf, (size_t)n,
			    &((struct sockaddr_in6 *)&from)->sin6_addr);
	}
}

static void
ping_start(struct check *ck)
{
	struct sockaddr_storage	 dst;
	struct msghdr		 msg;
	struct iovec		 iov;
	union {
		struct cmsghdr	 hdr;
		uint8_t		 buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
	} cm;
	struct cmsghdr		*c;
	struct ping_sock	*ps;
	uint8_t			 pkt[PING_PKTLEN];
	uint16_t		 sum;
	int			 af = ck->dst.sa.sa_family;

	if (ck->dstlen == 0 || (ps = ping_sock_of(af)) == NULL) {
		check_result(ck, 0, "no address to ping");
		return;
	}
	if (ps->fd == -1) {
		check_result(ck, 0, "no raw %s socket from had", ps->name);
		return;
	}
	if (ck->c->bindto.af != 0 && ck->c->bindto.af != af) {
		check_result(ck, 0, "bindto is not of the target's address "
		    "family");
		return;
	}
	if (ping_claim_id(ck) == -1) {
		check_result(ck, 0, "no free ICMP identifier: too many "
		    "PING_CHECKs at once");
		return;
	}
	ck->ping_seq++;
	arc4random_buf(&ck->ping_cookie, sizeof(ck->ping_cookie));

	memset(pkt, 0, sizeof(pkt));
	pkt[0] = af == AF_INET ? ICMP_ECHO : ICMP6_ECHO_REQUEST;
	pkt[4] = ck->ping_id >> 8;
	pkt[5] = ck->ping_id & 0xff;
	pkt[6] = ck->ping_seq >> 8;
	pkt[7] = ck->ping_seq & 0xff;
	ping_payload(ck, pkt + 8);
	if (af == AF_INET) {
		/* ICMPv6 checksums cover a pseudo-header: the kernel's job. */
		sum = ping_cksum(pkt, sizeof(pkt));
		pkt[2] = sum >> 8;
		pkt[3] = sum & 0xff;
	}

	/* A raw socket has no port: the kernel refuses one on IPv6. */
	memcpy(&dst, &ck->dst, ck->dstlen);
	if (af == AF_INET)
		((struct sockaddr_in *)&dst)->sin_port = 0;
	else
		((struct sockaddr_in6 *)&dst)->sin6_port = 0;

	memset(&msg, 0, sizeof(msg));
	iov.iov_base = pkt;
	iov.iov_len = sizeof(pkt);
	msg.msg_name = &dst;
	msg.msg_namelen = ck->dstlen;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	if (ck->c->bindto.af == af) {
		/* The shared socket cannot bind: choose the source per packet. */
		memset(&cm, 0, sizeof(cm));
		msg.msg_control = cm.buf;
		c = &cm.hdr;
		if (af == AF_INET) {
			struct in_pktinfo	 pi;

			memset(&pi, 0, sizeof(pi));
			pi.ipi_spec_dst = ck->c->bindto.u.v4;
			msg.msg_controllen = CMSG_SPACE(sizeof(pi));
			c->cmsg_level = IPPROTO_IP;
			c->cmsg_type = IP_PKTINFO;
			c->cmsg_len = CMSG_LEN(sizeof(pi));
			memcpy(CMSG_DATA(c), &pi, sizeof(pi));
		} else {
			struct in6_pktinfo	 pi;

			memset(&pi, 0, sizeof(pi));
			pi.ipi6_addr = ck->c->bindto.u.v6;
			msg.msg_controllen = CMSG_SPACE(sizeof(pi));
			c->cmsg_level = IPPROTO_IPV6;
			c->cmsg_type = IPV6_PKTINFO;
			c->cmsg_len = CMSG_LEN(sizeof(pi));
			memcpy(CMSG_DATA(c), &pi, sizeof(pi));
		}
	}
	ck->connected = 1;
	if (sendmsg(ps->fd, &msg, 0) == -1) {
		if (errno == EAGAIN || errno == EWOULDBLOCK ||
		    errno == ENOBUFS)
			check_result(ck, 0, "echo request not sent: %s",
			    strerror(errno));
		else
			check_result(ck, 0, "%s", check_errstr(errno, 0));
		return;
	}
	/* Now the reply, an ICMP error or the deadline. */
}

static void
ping_timeout(struct check *ck)
{
	char	 t[16];

	check_secs(ck->c->connect_timeout_ms ? ck->c->connect_timeout_ms : 5000,
	    t, sizeof(t));
	check_result(ck, 0, "no echo reply within %s", t);
}

const struct check_type check_type_ping = {
	.name = "PING_CHECK",
	.start = ping_start,
	.cleanup = ping_cleanup,
	.timeout = ping_timeout,
};

static void
ping_sock_close(struct ping_sock *ps)
{
	if (ps->ev != NULL) {
		event_free(ps->ev);
		ps->ev = NULL;
	}
	if (ps->fd != -1) {
		close(ps->fd);
		ps->fd = -1;
	}
}

/* Only echo replies and the errors that quote a request wake us up. */
static void
ping_sock_filter(struct ping_sock *ps)
{
	if (ps->af == AF_INET) {
		struct ping_icmp_filter	 f;

		f.data = ~(1U << ICMP_ECHOREPLY | 1U << ICMP_UNREACH |
		    1U << ICMP_TIMXCEED);
		if (setsockopt(ps->fd, SOL_RAW, ICMP_FILTER, &f,
		    sizeof(f)) == -1)
			log_warn("raw ICMP socket: ICMP_FILTER");
	} else {
		struct icmp6_filter	 f;

		ICMP6_FILTER_SETBLOCKALL(&f);
		ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &f);
		ICMP6_FILTER_SETPASS(ICMP6_DST_UNREACH, &f);
		ICMP6_FILTER_SETPASS(ICMP6_TIME_EXCEEDED, &f);
		if (setsockopt(ps->fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f,
		    sizeof(f)) == -1)
			log_warn("raw ICMPv6 socket: ICMP6_FILTER");
	}
}

/*
 * IMSG_ICMP_FD from had: a raw socket of a known family, and exactly
 * that; a second one for the same family replaces the first.
 */
int
check_ping_fd(struct imsg *imsg)
{
	struct msg_icmp_fd	 m;
	struct ping_sock	*ps;
	socklen_t		 sl;
	int			 dom = -1, type = -1, proto = -1, fd, fl;

	if (imsg->datalen != sizeof(m)) {
		log_warnx("had: raw ICMP socket message of %zu bytes, "
		    "expected %zu", imsg->datalen, sizeof(m));
		return (-1);
	}
	if (imsg->fd == -1) {
		log_warnx("had: raw ICMP socket message without a "
		    "descriptor");
		return (-1);
	}
	memcpy(&m, imsg->data, sizeof(m));
	if ((ps = ping_sock_of((int)m.af)) == NULL) {
		log_warnx("had: raw ICMP socket of unknown family %u", m.af);
		return (-1);
	}
	sl = sizeof(dom);
	(void)getsockopt(imsg->fd, SOL_SOCKET, SO_DOMAIN, &dom, &sl);
	sl = sizeof(type);
	(void)getsockopt(imsg->fd, SOL_SOCKET, SO_TYPE, &type, &sl);
	sl = sizeof(proto);
	(void)getsockopt(imsg->fd, SOL_SOCKET, SO_PROTOCOL, &proto, &sl);
	if (dom != ps->af || type != SOCK_RAW || proto !=
	    (ps->af == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6)) {
		log_warnx("had: the %s socket it passed is not a raw %s "
		    "socket (domain %d, type %d, protocol %d)", ps->name,
		    ps->name, dom, type, proto);
		return (-1);
	}
	fd = imsg->fd;
	imsg->fd = -1;		/* ours now */
	if ((fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1 ||
	    fcntl(fd, F_SETFD, FD_CLOEXEC) == -1) {
		log_warn("raw %s socket", ps->name);
		close(fd);
		return (0);
	}
	if (ps->fd != -1)
		log_info("a new raw %s socket from had replaces the old one",
		    ps->name);
	ping_sock_close(ps);
	ps->fd = fd;
	ping_sock_filter(ps);
	if ((ps->ev = event_new(check_base, fd, EV_READ | EV_PERSIST,
	    ping_read, ps)) == NULL || event_add(ps->ev, NULL) == -1)
		fatalx("raw %s socket: event", ps->name);
	log_debug("raw %s socket from had for PING_CHECK", ps->name);
	return (0);
}

void
check_ping_shutdown(void)
{
	ping_sock_close(&ping_socks[0]);
	ping_sock_close(&ping_socks[1]);
}
