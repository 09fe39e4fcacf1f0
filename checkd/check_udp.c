/*
 * UDP_CHECK: send the payload; with require_reply, a reply that starts
 * with those bytes passes.  Without it, only an ICMP error (seen as
 * ECONNREFUSED on the connected socket) fails, as in keepalived.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <string.h>

#include <event.h>

#include "checkd.h"

#define UDP_MAX		(HAD_PATHLEN / 2)

static void
udp_read(int fd, short ev, void *arg)
{
	struct check	*ck = arg;
	uint8_t		 want[UDP_MAX], buf[2048];
	ssize_t		 n;
	int		 wl;

	if ((n = recv(fd, buf, sizeof(buf), 0)) == -1) {
		if (errno == EAGAIN || errno == EINTR) {
			check_want(ck, EV_READ, udp_read);
			return;
		}
		check_result(ck, 0, "%s", check_errstr(errno, 1));
		return;
	}
	wl = check_hex_decode(ck->c->require_reply, want, sizeof(want));
	if (wl < 0) {
		check_result(ck, 0, "bad require_reply");
		return;
	}
	if ((size_t)n < (size_t)wl || memcmp(buf, want, wl) != 0) {
		check_result(ck, 0, "reply of %zd bytes does not match", n);
		return;
	}
	check_result(ck, 1, "reply of %zd bytes in %u ms", n,
	    check_elapsed(ck));
}

static void
udp_start(struct check *ck)
{
	uint8_t		 payload[UDP_MAX];
	int		 len;

	if ((len = check_hex_decode(ck->c->payload, payload,
	    sizeof(payload))) < 0) {
		check_result(ck, 0, "bad payload");
		return;
	}
	if (check_connect(ck, SOCK_DGRAM) == -1)
		return;
	ck->connected = 1;
	if (send(ck->fd, payload, len, 0) == -1) {
		check_result(ck, 0, "%s", check_errstr(errno, 1));
		return;
	}
	check_want(ck, EV_READ, udp_read);
}

static void
udp_timeout(struct check *ck)
{
	char	 t[16];

	check_secs(ck->c->connect_timeout_ms, t, sizeof(t));
	if (ck->c->require_reply[0] != '\0')
		check_result(ck, 0, "no reply after %s", t);
	else
		check_result(ck, 1, "no ICMP error in %s", t);
}

const struct check_type check_type_udp = {
	.name = "UDP_CHECK",
	.start = udp_start,
	.timeout = udp_timeout,
};
