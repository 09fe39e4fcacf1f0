/*
 * tcp_floor: the least a TCP health checker can do per probe, as a
 * yardstick for checkd in bench_checks.sh.
 *
 *	tcp_floor -n checks -t seconds -a addr[,addr...] -p first-last
 *
 * One socket per target, kept between probes like checkd keeps them;
 * every target probed once a second, the probes spread evenly over the
 * second on a 4 ms grid (checkd's); a probe is a non-blocking connect(),
 * epoll for the answer where it is not already there, then connect() to
 * AF_UNSPEC, which resets the connection.  No configuration, scheduling
 * structures, results or logs: what it spends is, nearly all of it, the
 * kernel's work for the handshakes and resets.  Prints the probes made
 * and the ones that failed, then exits after the given seconds.
 */
#include <sys/types.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define TICK_MS	4

static double
now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec + ts.tv_nsec / 1e9);
}

static void
reset(int fd)
{
	struct sockaddr	 sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_family = AF_UNSPEC;
	if (connect(fd, &sa, sizeof(sa)) == -1)
		err(1, "connect AF_UNSPEC");
}

int
main(int argc, char *argv[])
{
	struct sockaddr_in	*sin;
	struct epoll_event	 ev, evs[256];
	struct rlimit		 rl;
	char			*addrs = NULL, *a, *ports = NULL, *inep;
	int			*fds, ch, n = 10000, secs = 20, naddr = 0;
	int			 pfirst, plast, i, k, ep, e;
	long			 probes = 0, failed = 0, next = 0;
	double			 t0, t, due;
	socklen_t		 len;

	while ((ch = getopt(argc, argv, "n:t:a:p:")) != -1) {
		switch (ch) {
		case 'n': n = atoi(optarg); break;
		case 't': secs = atoi(optarg); break;
		case 'a': addrs = optarg; break;
		case 'p': ports = optarg; break;
		default: errx(2, "usage: tcp_floor -n N -t S -a A,.. -p P-Q");
		}
	}
	if (addrs == NULL || ports == NULL || n <= 0 || secs <= 0 ||
	    sscanf(ports, "%d-%d", &pfirst, &plast) != 2 || plast < pfirst)
		errx(2, "usage: tcp_floor -n N -t S -a A,.. -p P-Q");
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
	if ((sin = calloc(n, sizeof(*sin))) == NULL ||
	    (fds = calloc(n, sizeof(*fds))) == NULL ||
	    (inep = calloc(n, 1)) == NULL)
		err(1, "calloc");
	/* Targets in the order bench_checks.sh configures them. */
	for (a = strtok(addrs, ","); a != NULL; a = strtok(NULL, ","))
		for (k = pfirst; k <= plast; k++) {
			if (naddr >= n)
				break;
			sin[naddr].sin_family = AF_INET;
			sin[naddr].sin_port = htons(k);
			if (inet_pton(AF_INET, a, &sin[naddr].sin_addr) != 1)
				errx(2, "bad address %s", a);
			naddr++;
		}
	if (naddr == 0)
		errx(2, "no targets");
	for (i = naddr; i < n; i++)
		sin[i] = sin[i % naddr];
	if ((ep = epoll_create1(0)) == -1)
		err(1, "epoll_create1");
	for (i = 0; i < n; i++) {
		fds[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		if (fds[i] == -1)
			err(1, "socket %d", i);
	}
	t0 = now();
	while ((t = now()) < t0 + secs) {
		/* Start every probe due by now: check i at t0 + i/n mod 1 s. */
		due = (t - t0) * n;
		while (next < (long)due) {
			i = next % n;
			/* As checkd: connect, connect again, epoll if needed. */
			if (connect(fds[i], (struct sockaddr *)&sin[i],
			    sizeof(sin[i])) == 0 || (errno == EINPROGRESS &&
			    (connect(fds[i], (struct sockaddr *)&sin[i],
			    sizeof(sin[i])) == 0 || errno == EISCONN))) {
				reset(fds[i]);
				probes++;
			} else if (errno == EINPROGRESS || errno == EALREADY) {
				ev.events = EPOLLOUT | EPOLLONESHOT;
				ev.data.u32 = i;
				/*
				 * Added at its first wait only: a socket
				 * in epoll always reports EPOLLHUP while
				 * unconnected, whatever it asks for.
				 */
				if (epoll_ctl(ep, inep[i] ? EPOLL_CTL_MOD :
				    EPOLL_CTL_ADD, fds[i], &ev) == -1)
					err(1, "epoll_ctl");
				inep[i] = 1;
			} else {
				failed++;
				probes++;
			}
			next++;
		}
		k = epoll_wait(ep, evs, 256, TICK_MS -
		    (int)((t - t0) * 1000) % TICK_MS);
		for (i = 0; i < k; i++) {
			e = 0;
			len = sizeof(e);
			ch = evs[i].data.u32;
			(void)getsockopt(fds[ch], SOL_SOCKET, SO_ERROR, &e,
			    &len);
			if (e != 0)
				failed++;
			else
				reset(fds[ch]);
			probes++;
		}
	}
	printf("{\"probes\": %ld, \"failed\": %ld, \"seconds\": %d}\n",
	    probes, failed, secs);
	return (0);
}
