/*
 * http_floor: the least an HTTP server can do to hand out a scrape, as
 * a yardstick for hactl serve in bench_serve.sh.
 *
 *	http_floor -l addr -p port -f body -e encoding -t seconds
 *
 * Answers every request on a keep-alive connection with the bytes of
 * the file given, read once at start (Content-Encoding as given, "-"
 * for none).  No parsing beyond the end of the request's headers, no
 * cache, no logs: what it spends is, nearly all of it, the kernel's work
 * of copying the body into the socket.  Exits after the given seconds.
 */
#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAXCONN	64

struct conn {
	int	 fd;
	char	 in[8192];
	size_t	 inlen;
	size_t	 off;		/* of the reply sent */
	int	 busy;		/* a reply is going out */
};

static char	*reply;
static size_t	 replylen;

static void
load(const char *path, const char *enc)
{
	struct stat	 st;
	char		 head[256];
	int		 fd, n;
	ssize_t		 r;

	if ((fd = open(path, O_RDONLY)) == -1 || fstat(fd, &st) == -1)
		err(1, "%s", path);
	n = snprintf(head, sizeof(head), "HTTP/1.1 200 OK\r\n"
	    "Content-Type: text/plain; version=0.0.4\r\n%s%s%s"
	    "Content-Length: %lld\r\n\r\n", strcmp(enc, "-") ?
	    "Content-Encoding: " : "", strcmp(enc, "-") ? enc : "",
	    strcmp(enc, "-") ? "\r\n" : "", (long long)st.st_size);
	if ((reply = malloc(n + st.st_size)) == NULL)
		err(1, "malloc");
	memcpy(reply, head, n);
	if ((r = read(fd, reply + n, st.st_size)) != st.st_size)
		errx(1, "%s: short read", path);
	replylen = n + st.st_size;
	close(fd);
}

/* Sends what the socket takes; 1 when the reply is out. */
static int
flush(struct conn *c)
{
	ssize_t	 n;

	while (c->off < replylen) {
		n = write(c->fd, reply + c->off, replylen - c->off);
		if (n == -1)
			return (errno == EAGAIN ? 0 : -1);
		c->off += n;
	}
	c->off = 0;
	c->busy = 0;
	return (1);
}

int
main(int argc, char *argv[])
{
	struct sockaddr_in	 sin;
	struct epoll_event	 ev, evs[MAXCONN];
	struct conn		*c;
	const char		*addr = "127.0.0.1", *file = NULL, *enc = "-";
	time_t			 end;
	int			 ch, lfd, ep, one = 1, port = 0, secs = 10;
	int			 i, n, fd;
	ssize_t			 r;
	char			*eoh;

	while ((ch = getopt(argc, argv, "e:f:l:p:t:")) != -1) {
		switch (ch) {
		case 'e': enc = optarg; break;
		case 'f': file = optarg; break;
		case 'l': addr = optarg; break;
		case 'p': port = atoi(optarg); break;
		case 't': secs = atoi(optarg); break;
		default: errx(2, "usage: http_floor -l A -p P -f F -e E -t S");
		}
	}
	if (file == NULL || port <= 0 || secs <= 0 || secs > 3600)
		errx(2, "usage: http_floor -l A -p P -f F -e E -t S");
	load(file, enc);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1)
		errx(2, "bad address %s", addr);
	if ((lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0)) == -1 ||
	    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one,
	    sizeof(one)) == -1 ||
	    bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(lfd, 64) == -1 || (ep = epoll_create1(0)) == -1)
		err(1, "listen");
	ev.events = EPOLLIN;
	ev.data.ptr = NULL;
	epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
	end = time(NULL) + secs;
	while (time(NULL) < end) {
		n = epoll_wait(ep, evs, MAXCONN, 200);
		for (i = 0; i < n; i++) {
			if ((c = evs[i].data.ptr) == NULL) {
				fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK);
				if (fd == -1 || fd >= MAXCONN ||
				    (c = calloc(1, sizeof(*c))) == NULL) {
					if (fd != -1)
						close(fd);
					continue;
				}
				c->fd = fd;
				ev.events = EPOLLIN | EPOLLOUT | EPOLLET;
				ev.data.ptr = c;
				epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
				continue;
			}
			if (c->busy && flush(c) == -1)
				goto drop;
			for (;;) {
				r = read(c->fd, c->in + c->inlen,
				    sizeof(c->in) - 1 - c->inlen);
				if (r == 0 || (r == -1 && errno != EAGAIN))
					goto drop;
				if (r > 0)
					c->inlen += r;
				c->in[c->inlen] = '\0';
				/* One request at a time, as the client asks. */
				if (!c->busy &&
				    (eoh = strstr(c->in, "\r\n\r\n")) != NULL) {
					r = eoh + 4 - c->in;
					memmove(c->in, eoh + 4, c->inlen - r);
					c->inlen -= r;
					c->off = 0;
					c->busy = 1;
					if (flush(c) == -1)
						goto drop;
					if (c->busy)
						break;
					continue;
				}
				if (r == -1 || c->inlen >= sizeof(c->in) - 1)
					break;
			}
			continue;
drop:
			close(c->fd);
			free(c);
		}
	}
	return (0);
}
