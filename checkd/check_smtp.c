/*
 * SMTP_CHECK: the banner must be 220, HELO must get 250; then QUIT.
 * The reply parser is pure: it takes what has arrived and says whether
 * a complete reply (every line of a multi-line one) is there.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event.h>

#include "checkd.h"

#define SMTP_BUF	2048

/*
 * 1: a complete reply of *code, *used bytes long; 0: more is needed;
 * -1: not SMTP (*err says why).
 */
int
smtp_reply_parse(const uint8_t *b, size_t len, int *code, size_t *used,
    const char **err)
{
	const uint8_t	*nl;
	size_t		 off = 0, l;
	int		 c, first = -1;

	for (;;) {
		nl = memchr(b + off, '\n', len - off);
		if (nl == NULL) {
			if (len - off >= SMTP_LINE_MAX) {
				*err = "reply line too long";
				return (-1);
			}
			return (0);
		}
		l = (size_t)(nl - (b + off));
		if (l >= SMTP_LINE_MAX) {
			*err = "reply line too long";
			return (-1);
		}
		if (l < 3 || b[off] < '2' || b[off] > '5' ||
		    b[off + 1] < '0' || b[off + 1] > '9' ||
		    b[off + 2] < '0' || b[off + 2] > '9') {
			*err = "not an SMTP reply";
			return (-1);
		}
		c = (b[off] - '0') * 100 + (b[off + 1] - '0') * 10 +
		    (b[off + 2] - '0');
		if (first != -1 && c != first) {
			*err = "reply code changes inside a reply";
			return (-1);
		}
		first = c;
		if (l > 3 && b[off + 3] == '-') {
			off += l + 1;
			if (off >= len)
				return (0);
			continue;
		}
		if (l > 3 && b[off + 3] != ' ' && b[off + 3] != '\r') {
			*err = "not an SMTP reply";
			return (-1);
		}
		*code = c;
		*used = off + l + 1;
		return (1);
	}
}

enum smtp_phase { SM_CONNECT = 0, SM_BANNER, SM_HELO };

struct smtp_state {
	int		 phase;
	size_t		 len;
	uint8_t		 buf[SMTP_BUF];
};

static void	smtp_io(int, short, void *);

static void
smtp_cleanup(struct check *ck)
{
	free(ck->priv);
	ck->priv = NULL;
}

static int
smtp_send(struct check *ck, const char *cmd)
{
	size_t	 l = strlen(cmd);
	ssize_t	 n;

	/* A short command on a fresh connection: one send does it. */
	if ((n = send(ck->fd, cmd, l, MSG_NOSIGNAL)) == -1) {
		check_result(ck, 0, "%s", check_errstr(errno, 1));
		return (-1);
	}
	if ((size_t)n != l) {
		check_result(ck, 0, "short write to the SMTP server");
		return (-1);
	}
	return (0);
}

static void
smtp_reply(struct check *ck, int code)
{
	struct smtp_state	*ss = ck->priv;
	char			 cmd[CONF_HOSTLEN + 16];
	const char		*helo;

	if (ss->phase == SM_BANNER) {
		if (code != 220) {
			check_result(ck, 0, "SMTP %d in the banner", code);
			return;
		}
		helo = ck->c->helo_name[0] != '\0' ? ck->c->helo_name :
		    "localhost";
		if (strpbrk(helo, "\r\n") != NULL) {
			check_result(ck, 0, "bad helo_name");
			return;
		}
		snprintf(cmd, sizeof(cmd), "HELO %s\r\n", helo);
		if (smtp_send(ck, cmd) == -1)
			return;
		ss->phase = SM_HELO;
		check_want(ck, EV_READ, smtp_io);
		return;
	}
	if (code != 250) {
		check_result(ck, 0, "SMTP %d after HELO", code);
		return;
	}
	(void)send(ck->fd, "QUIT\r\n", 6, MSG_NOSIGNAL);
	check_result(ck, 1, "SMTP 250 after HELO in %u ms",
	    check_elapsed(ck));
}

static void
smtp_io(int fd, short ev, void *arg)
{
	struct check		*ck = arg;
	struct smtp_state	*ss = ck->priv;
	const char		*err = NULL;
	size_t			 used;
	ssize_t			 n;
	int			 e = 0, code, r;
	socklen_t		 sl = sizeof(e);

	if (ss->phase == SM_CONNECT) {
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &sl) == -1)
			e = errno;
		if (e != 0) {
			check_result(ck, 0, "%s", check_errstr(e, 0));
			return;
		}
		ck->connected = 1;
		ss->phase = SM_BANNER;
		check_want(ck, EV_READ, smtp_io);
		return;
	}
	n = recv(fd, ss->buf + ss->len, sizeof(ss->buf) - ss->len, 0);
	if (n == -1) {
		if (errno == EAGAIN || errno == EINTR) {
			check_want(ck, EV_READ, smtp_io);
			return;
		}
		check_result(ck, 0, "%s", check_errstr(errno, 1));
		return;
	}
	if (n == 0) {
		check_result(ck, 0, "SMTP server closed the connection %s",
		    ss->phase == SM_BANNER ? "before its banner" :
		    "after HELO");
		return;
	}
	ss->len += n;
	r = smtp_reply_parse(ss->buf, ss->len, &code, &used, &err);
	if (r == -1) {
		check_result(ck, 0, "bad SMTP reply: %s", err);
		return;
	}
	if (r == 0) {
		if (ss->len == sizeof(ss->buf)) {
			check_result(ck, 0, "bad SMTP reply: too long");
			return;
		}
		check_want(ck, EV_READ, smtp_io);
		return;
	}
	/* Anything after the reply is not ours to read: drop it. */
	ss->len = 0;
	smtp_reply(ck, code);
}

static void
smtp_start(struct check *ck)
{
	if ((ck->priv = calloc(1, sizeof(struct smtp_state))) == NULL) {
		check_result(ck, 0, "out of memory");
		return;
	}
	if (check_connect(ck, SOCK_STREAM) == -1)
		return;
	check_want(ck, EV_WRITE, smtp_io);
}

static void
smtp_timeout(struct check *ck)
{
	struct smtp_state	*ss = ck->priv;
	char			 t[16];

	check_secs(ck->c->connect_timeout_ms, t, sizeof(t));
	if (ss == NULL || ss->phase == SM_CONNECT)
		check_result(ck, 0, "connect timeout after %s", t);
	else
		check_result(ck, 0, "no SMTP reply %s after %s",
		    ss->phase == SM_BANNER ? "banner" : "to HELO", t);
}

const struct check_type check_type_smtp = {
	.name = "SMTP_CHECK",
	.stream = 1,
	.keep_socket = 1,
	.start = smtp_start,
	.cleanup = smtp_cleanup,
	.timeout = smtp_timeout,
};
