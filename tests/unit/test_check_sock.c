/*
 * Unit tests for checkd's kept probe sockets (checkd/check_sock.c) on
 * this machine's kernel, over loopback: a reset ends the connection
 * with RST and leaves a socket that connects again, with its bound
 * address and port, and without a stale error from the attempt before;
 * no more sockets are kept than the descriptor limit allows.
 */
#include <sys/types.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "../../checkd/checkd.h"

static int
listener(struct sockaddr_in *sin, int backlog)
{
	socklen_t	 sl = sizeof(*sin);
	int		 fd;

	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert((fd = socket(AF_INET, SOCK_STREAM, 0)) != -1);
	cr_assert(bind(fd, (struct sockaddr *)sin, sizeof(*sin)) == 0);
	cr_assert(listen(fd, backlog) == 0);
	cr_assert(getsockname(fd, (struct sockaddr *)sin, &sl) == 0);
	return (fd);
}

static int
probe_socket(void)
{
	int	 fd;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	cr_assert(fd != -1);
	return (fd);
}

/* Connect without blocking and wait up to 2 s; the socket's error. */
static int
probe_connect(int fd, const struct sockaddr_in *sin)
{
	struct pollfd	 pfd = { .fd = fd, .events = POLLOUT };
	int		 err = 0;
	socklen_t	 len = sizeof(err);

	if (connect(fd, (const struct sockaddr *)sin, sizeof(*sin)) == 0)
		return (0);
	if (errno != EINPROGRESS)
		return (errno);
	cr_assert(poll(&pfd, 1, 2000) == 1, "connect did not conclude");
	cr_assert(getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0);
	return (err);
}

static int
accept_wait(int lfd, struct sockaddr_in *peer)
{
	struct pollfd	 pfd = { .fd = lfd, .events = POLLIN };
	socklen_t	 sl = sizeof(*peer);
	int		 fd;

	cr_assert(poll(&pfd, 1, 2000) == 1, "nothing to accept");
	fd = accept(lfd, (struct sockaddr *)peer, &sl);
	cr_assert(fd != -1, "accept: %s", strerror(errno));
	return (fd);
}

Test(check_sock, reset_sends_rst_and_connects_again)
{
	struct sockaddr_in	 sin, peer;
	struct pollfd		 pfd;
	char			 c;
	int			 lfd, fd, afd, i;

	check_sock_init();
	lfd = listener(&sin, 16);
	fd = probe_socket();
	for (i = 0; i < 3; i++) {
		cr_assert_eq(probe_connect(fd, &sin), 0, "round %d", i);
		afd = accept_wait(lfd, &peer);
		cr_assert_eq(check_sock_reset(fd), 0, "the socket was closed");
		cr_assert_eq(check_sock_kept(), 1);
		/* The server side sees a reset, not an orderly end. */
		pfd.fd = afd;
		pfd.events = POLLIN;
		cr_assert(poll(&pfd, 1, 2000) == 1);
		cr_assert_eq(read(afd, &c, 1), -1, "read got EOF, not RST");
		cr_assert_eq(errno, ECONNRESET);
		close(afd);
		check_sock_take();
		cr_assert_eq(check_sock_kept(), 0);
	}
	close(fd);
	close(lfd);
}

Test(check_sock, bound_address_and_port_survive_the_reset)
{
	struct sockaddr_in	 sin, src, peer;
	socklen_t		 sl = sizeof(src);
	int			 lfd, fd, afd, tmp, on = 1, i;

	check_sock_init();
	lfd = listener(&sin, 16);
	fd = probe_socket();
	memset(&src, 0, sizeof(src));
	src.sin_family = AF_INET;
	src.sin_addr.s_addr = inet_addr("127.0.0.2");
	/* A port of our choosing, as bind_port gives: find a free one. */
	tmp = socket(AF_INET, SOCK_STREAM, 0);
	cr_assert(bind(tmp, (struct sockaddr *)&src, sizeof(src)) == 0);
	cr_assert(getsockname(tmp, (struct sockaddr *)&src, &sl) == 0);
	close(tmp);
	cr_assert(setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on,
	    sizeof(on)) == 0);
	cr_assert(bind(fd, (struct sockaddr *)&src, sizeof(src)) == 0);
	for (i = 0; i < 3; i++) {
		cr_assert_eq(probe_connect(fd, &sin), 0, "round %d", i);
		afd = accept_wait(lfd, &peer);
		cr_assert_eq(peer.sin_addr.s_addr, inet_addr("127.0.0.2"),
		    "round %d: from %s", i, inet_ntoa(peer.sin_addr));
		cr_assert_eq(peer.sin_port, src.sin_port, "round %d: port %u",
		    i, ntohs(peer.sin_port));
		close(afd);
		cr_assert_eq(check_sock_reset(fd), 0);
		check_sock_take();
	}
	close(fd);
	close(lfd);
}

/*
 * An attempt that ended while the handshake was pending (the listener's
 * queue full, so the SYN is dropped) or refused leaves an error on the
 * socket; the next attempt must not see it.
 */
Test(check_sock, no_stale_error_after_a_pending_or_refused_attempt)
{
	struct sockaddr_in	 sin, peer, closed;
	struct pollfd		 pfd;
	int			 lfd, fd, first, afd, tmp;
	socklen_t		 len;
	int			 err;

	check_sock_init();
	lfd = listener(&sin, 0);
	first = probe_socket();
	cr_assert_eq(probe_connect(first, &sin), 0);
	fd = probe_socket();
	/* Queue full: the SYN goes unanswered, the socket stays pending. */
	cr_assert_eq(connect(fd, (struct sockaddr *)&sin, sizeof(sin)), -1);
	cr_assert_eq(errno, EINPROGRESS);
	pfd.fd = fd;
	pfd.events = POLLOUT;
	cr_assert_eq(poll(&pfd, 1, 200), 0, "the handshake was not pending");
	cr_assert_eq(check_sock_reset(fd), 0);
	check_sock_take();

	afd = accept_wait(lfd, &peer);
	close(afd);
	close(first);
	cr_assert_eq(probe_connect(fd, &sin), 0,
	    "stale error on the reused socket");
	len = sizeof(err);
	cr_assert(getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0);
	cr_assert_eq(err, 0);
	afd = accept_wait(lfd, &peer);
	close(afd);
	cr_assert_eq(check_sock_reset(fd), 0);
	check_sock_take();

	/* Refused: a port with no listener (a socket bound, not listening). */
	tmp = socket(AF_INET, SOCK_STREAM, 0);
	closed = sin;
	closed.sin_port = 0;
	cr_assert(bind(tmp, (struct sockaddr *)&closed, sizeof(closed)) == 0);
	len = sizeof(closed);
	cr_assert(getsockname(tmp, (struct sockaddr *)&closed, &len) == 0);
	cr_assert_eq(probe_connect(fd, &closed), ECONNREFUSED);
	cr_assert_eq(check_sock_reset(fd), 0);
	check_sock_take();
	cr_assert_eq(probe_connect(fd, &sin), 0,
	    "stale error after a refused attempt");
	afd = accept_wait(lfd, &peer);
	close(afd);
	close(tmp);
	close(fd);
	close(lfd);
}

Test(check_sock, keeps_no_more_than_the_descriptor_limit_allows)
{
	struct rlimit	 rl = { 64, 64 };
	int		 fds[40], i, kept = 0;

	cr_assert(setrlimit(RLIMIT_NOFILE, &rl) == 0);
	check_sock_init();
	for (i = 0; i < 40; i++) {
		fds[i] = probe_socket();
		if (check_sock_reset(fds[i]) == 0)
			kept++;
		else
			cr_assert(fcntl(fds[i], F_GETFD) == -1 &&
			    errno == EBADF, "a socket not kept is closed");
	}
	cr_assert_eq(kept, 32, "kept %d of 40 with a limit of 64", kept);
	cr_assert_eq(check_sock_kept(), 32);
	for (i = 0; i < kept; i++)
		check_sock_close(fds[i]);
	cr_assert_eq(check_sock_kept(), 0);
}
