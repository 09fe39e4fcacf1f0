/*
 * rtnetlink plumbing for lvsd: libnl builds the messages and owns the
 * sockets; the receive loops are ours so that every wait is bounded, the
 * kernel's errno comes back unchanged and a stale reply (one whose
 * request timed out) is skipped by its sequence number.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <netlink/netlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/socket.h>

#include "log.h"
#include "lvsd.h"
#include "proc.h"

#define LVS_NL_TIMEOUT_MS	2000
#define LVS_NL_BUFSIZE		65536
#define LVS_NL_RCVBUF		(1024 * 1024)

static uint8_t	 nlbuf[LVS_NL_BUFSIZE];

const char *
lvs_addr_str(int af, const void *addr, char *buf, size_t len)
{
	if (inet_ntop(af, addr, buf, len) == NULL)
		strlcpy(buf, "?", len);
	return (buf);
}

static struct nl_sock *
lvs_nl_alloc(void)
{
	struct nl_sock	*sk;
	int		 r;

	if ((sk = nl_socket_alloc()) == NULL) {
		log_warnx("netlink: out of memory");
		return (NULL);
	}
	if ((r = nl_connect(sk, NETLINK_ROUTE)) < 0) {
		log_warnx("netlink: connect: %s", nl_geterror(r));
		nl_socket_free(sk);
		return (NULL);
	}
	return (sk);
}

/* The socket for requests and dumps; it joins no group. */
struct nl_sock *
lvs_nl_open(void)
{
	return (lvs_nl_alloc());
}

/* The monitor: link and address events, non-blocking, a large buffer. */
struct nl_sock *
lvs_nl_open_monitor(void)
{
	struct nl_sock	*sk;
	int		 r, fd, sz = LVS_NL_RCVBUF;

	if ((sk = lvs_nl_alloc()) == NULL)
		return (NULL);
	if ((r = nl_socket_add_memberships(sk, RTNLGRP_LINK,
	    RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR, 0)) < 0 ||
	    (r = nl_socket_set_nonblocking(sk)) < 0) {
		log_warnx("netlink monitor: %s", nl_geterror(r));
		nl_socket_free(sk);
		return (NULL);
	}
	fd = nl_socket_get_fd(sk);
	/* Past rmem_max with CAP_NET_ADMIN; fall back to the plain limit. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) == -1)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	return (sk);
}

/*
 * Read the answers to request `seq': hand each data message to cb and
 * return at the ack, the error or the end of a dump, with 0 or an errno.
 */
static int
lvs_nl_wait(struct nl_sock *sk, uint32_t seq, lvs_nl_cb cb, void *arg)
{
	struct sockaddr_nl	 sa;
	struct iovec		 iov;
	struct msghdr		 mh;
	struct pollfd		 pfd;
	struct timespec		 t0;
	struct nlmsghdr		*h;
	struct nlmsgerr		*e;
	ssize_t			 n;
	int			 left, len;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	pfd.fd = nl_socket_get_fd(sk);
	pfd.events = POLLIN;
	for (;;) {
		left = LVS_NL_TIMEOUT_MS - ts_ms_since(&t0);
		if (left <= 0)
			return (ETIMEDOUT);
		if (poll(&pfd, 1, left) == -1) {
			if (errno == EINTR)
				continue;
			return (errno);
		}
		memset(&mh, 0, sizeof(mh));
		iov.iov_base = nlbuf;
		iov.iov_len = sizeof(nlbuf);
		mh.msg_name = &sa;
		mh.msg_namelen = sizeof(sa);
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		if ((n = recvmsg(pfd.fd, &mh, MSG_DONTWAIT)) == -1) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return (errno);
		}
		if (mh.msg_flags & MSG_TRUNC)
			return (EMSGSIZE);
		if (sa.nl_pid != 0)
			continue;	/* only the kernel speaks here */
		len = n;
		for (h = (struct nlmsghdr *)nlbuf; nlmsg_ok(h, len);
		    h = nlmsg_next(h, &len)) {
			if (h->nlmsg_seq != seq)
				continue;
			if (h->nlmsg_type == NLMSG_DONE)
				return (0);
			if (h->nlmsg_type == NLMSG_ERROR) {
				if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
					return (EPROTO);
				e = nlmsg_data(h);
				return (-e->error);
			}
			if (h->nlmsg_type < NLMSG_MIN_TYPE)
				continue;
			if (cb != NULL)
				cb(h, arg);
		}
	}
}

/*
 * Send a request and wait for its ack: 0 or the kernel's errno.  Replies
 * before the ack (a GET) go to cb.
 */
int
lvs_nl_request_cb(struct nl_sock *sk, struct nl_msg *msg, lvs_nl_cb cb,
    void *arg)
{
	int	 r;

	if ((r = nl_send_auto(sk, msg)) < 0) {
		log_warnx("netlink: send: %s", nl_geterror(r));
		return (EIO);
	}
	return (lvs_nl_wait(sk, nlmsg_hdr(msg)->nlmsg_seq, cb, arg));
}

int
lvs_nl_request(struct nl_sock *sk, struct nl_msg *msg)
{
	return (lvs_nl_request_cb(sk, msg, NULL, NULL));
}

/*
 * A link message (RTM_GETLINK, RTM_NEWLINK, RTM_DELLINK) about ifindex
 * (0: none, the caller names the link), with these flags changed; NULL
 * when out of memory.
 */
struct nl_msg *
lvs_nl_link_msg(int type, int nlflags, int ifindex, unsigned int flags,
    unsigned int change)
{
	struct nl_msg		*msg;
	struct ifinfomsg	 ifi;

	if ((msg = nlmsg_alloc_simple(type, nlflags)) == NULL)
		return (NULL);
	memset(&ifi, 0, sizeof(ifi));
	ifi.ifi_index = ifindex;
	ifi.ifi_flags = flags;
	ifi.ifi_change = change;
	if (nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0) {
		nlmsg_free(msg);
		return (NULL);
	}
	return (msg);
}

/* Dump links (RTM_GETLINK) or addresses (RTM_GETADDR) of a family. */
int
lvs_nl_dump(struct nl_sock *sk, int type, int family, lvs_nl_cb cb,
    void *arg)
{
	struct nl_msg		*msg;
	struct ifinfomsg	 ifi;
	struct ifaddrmsg	 ifa;
	int			 r;

	if ((msg = nlmsg_alloc_simple(type, NLM_F_DUMP)) == NULL)
		return (ENOMEM);
	if (type == RTM_GETLINK) {
		memset(&ifi, 0, sizeof(ifi));
		ifi.ifi_family = family;
		r = nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO);
	} else {
		memset(&ifa, 0, sizeof(ifa));
		ifa.ifa_family = family;
		r = nlmsg_append(msg, &ifa, sizeof(ifa), NLMSG_ALIGNTO);
	}
	if (r < 0) {
		nlmsg_free(msg);
		return (ENOMEM);
	}
	if ((r = nl_send_auto(sk, msg)) < 0) {
		log_warnx("netlink: dump: %s", nl_geterror(r));
		nlmsg_free(msg);
		return (EIO);
	}
	r = lvs_nl_wait(sk, nlmsg_hdr(msg)->nlmsg_seq, cb, arg);
	nlmsg_free(msg);
	return (r);
}

/* The address of an RTM_NEWADDR or RTM_DELADDR; *ifap its header. */
const uint8_t *
lvs_ifa_addr(struct nlmsghdr *h, struct ifaddrmsg **ifap)
{
	struct ifaddrmsg	*ifa;
	struct nlattr		*tb[IFA_MAX + 1];
	int			 alen;

	if (nlmsg_parse(h, sizeof(*ifa), tb, IFA_MAX, NULL) < 0)
		return (NULL);
	ifa = nlmsg_data(h);
	if (ifa->ifa_family == AF_INET)
		alen = 4;
	else if (ifa->ifa_family == AF_INET6)
		alen = 16;
	else
		return (NULL);
	*ifap = ifa;
	if (tb[IFA_LOCAL] != NULL && nla_len(tb[IFA_LOCAL]) == alen)
		return (nla_data(tb[IFA_LOCAL]));
	if (tb[IFA_ADDRESS] != NULL && nla_len(tb[IFA_ADDRESS]) == alen)
		return (nla_data(tb[IFA_ADDRESS]));
	return (NULL);
}
