/*
 * The sockets of TCP probes: kept from one attempt to the next.
 *
 * A probe's connection ends with a reset (no FIN exchange, no TIME_WAIT
 * for every probe, thousands of times a second).  connect() to AF_UNSPEC
 * does that and leaves the socket unconnected but usable: the next
 * attempt connects it again.  That spares socket(), setsockopt() and
 * close() per probe, and the kernel's allocation and deferred freeing of
 * a socket, a file and an inode, at the price of one idle socket (about
 * 4 KB of kernel memory) per TCP check.  A socket bound with bindto or
 * bind_port keeps its address and port across the reset.
 *
 * Kept sockets count against the descriptor limit: checkd raises its
 * soft limit to the hard one and keeps at most CHECK_FD_SPARE fewer.
 */
#include <sys/types.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "checkd.h"
#include "log.h"

#define CHECK_FD_SPARE	1024	/* for other checks, imsg, logs */

static size_t	 sock_kept;
static size_t	 sock_keep_max;
static size_t	 sock_warned;	/* checks the last warning was about */

/* Called once before the checks start; logs the limits it settles on. */
void
check_sock_init(void)
{
	struct rlimit	 rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1) {
		log_warn("getrlimit");
		sock_keep_max = 0;
		return;
	}
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) == -1) {
			log_warn("setrlimit");
			(void)getrlimit(RLIMIT_NOFILE, &rl);
		}
	}
	if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > 1 << 20)
		rl.rlim_cur = 1 << 20;
	if (rl.rlim_cur > 2 * CHECK_FD_SPARE)
		sock_keep_max = rl.rlim_cur - CHECK_FD_SPARE;
	else
		sock_keep_max = rl.rlim_cur / 2;
	log_debug("descriptor limit %llu, up to %zu probe sockets "
	    "kept between attempts", (unsigned long long)rl.rlim_cur,
	    sock_keep_max);
}

/*
 * End the connection of fd with a reset.  0: fd stays open, unconnected,
 * ready for another connect(); -1: fd is closed (nothing may be kept,
 * or the reset failed).
 */
int
check_sock_reset(int fd)
{
	struct sockaddr	 sa;
	struct linger	 l = { 1, 0 };

	if (sock_kept < sock_keep_max) {
		memset(&sa, 0, sizeof(sa));
		sa.sa_family = AF_UNSPEC;
		if (connect(fd, &sa, sizeof(sa)) == 0) {
			sock_kept++;
			return (0);
		}
	}
	(void)setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	close(fd);
	return (-1);
}

/* A kept socket goes back into use (its check starts an attempt). */
void
check_sock_take(void)
{
	if (sock_kept > 0)
		sock_kept--;
}

/* A kept socket is closed (its check goes away). */
void
check_sock_close(int fd)
{
	check_sock_take();
	close(fd);
}

/* After a (re)configuration: n checks would keep a socket. */
void
check_sock_budget(size_t n)
{
	if (n <= sock_keep_max || n == sock_warned)
		return;
	sock_warned = n;
	log_warnx("%zu TCP-based checks but at most %zu sockets kept "
	    "under the descriptor limit: the others open a new socket for "
	    "every attempt; raise LimitNOFILE (ulimit -n)", n, sock_keep_max);
}

size_t
check_sock_kept(void)
{
	return (sock_kept);
}
