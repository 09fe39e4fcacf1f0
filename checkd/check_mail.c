/*
 * smtp_alert: mails to notification_email through smtp_server, as
 * keepalived sends them, for VRRP transitions (had asks, by instance
 * name) and real server transitions (checkd's own).  checkd speaks SMTP
 * already (SMTP_CHECK) and holds no capability.  The recipients, the
 * sender and the server come from the config only; a message says which
 * object and which state, nothing else.  The queue is bounded: a burst
 * of transitions costs mails (logged), never memory.  One conversation
 * at a time, each bounded by smtp_connect_timeout.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/queue.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event.h>

#include "checkd.h"
#include "imsg.h"
#include "log.h"

#define MAIL_QUEUE_MAX	32
#define MAIL_SUBJLEN	256
#define MAIL_BODYLEN	512
#define MAIL_BUF	2048

struct mail {
	TAILQ_ENTRY(mail)	 entry;
	char			 subject[MAIL_SUBJLEN];
	char			 body[MAIL_BODYLEN];
};
TAILQ_HEAD(mails, mail);

enum mail_phase {
	MP_BANNER, MP_HELO, MP_FROM, MP_RCPT, MP_DATA, MP_BODY, MP_QUIT
};

static struct event_base	*mail_base;
static struct global_conf	 mail_g;
static struct mails		 queue = TAILQ_HEAD_INITIALIZER(queue);
static int			 nqueued;
static uint64_t			 ndropped, nsent, nfailed;

/* The conversation under way. */
static struct {
	struct mail	*m;
	int		 fd;
	struct event	*ev;
	struct event	*tmo;
	int		 phase;
	char		*rcpt;		/* next recipient in rcpts */
	char		 rcpts[CONF_MAILLEN];
	size_t		 len;
	uint8_t		 buf[MAIL_BUF];
} conv = { .fd = -1 };

static void	mail_next(void);

void
check_mail_init(struct event_base *b)
{
	mail_base = b;
}

void
check_mail_reconf(const struct had_conf *conf)
{
	mail_g = conf->global;
}

/* smtp_connect_timeout, keepalived's default 30 s when unset. */
static uint32_t
mail_timeout_s(void)
{
	return (mail_g.smtp_connect_timeout ? mail_g.smtp_connect_timeout :
	    30);
}

static int
mail_on(void)
{
	return (mail_g.smtp_server.af != 0 &&
	    mail_g.notification_email[0] != '\0');
}

/* The real server's smtp_alert, else smtp_alert_checker, else smtp_alert. */
int
check_mail_rs_wanted(const struct rs_conf *rs)
{
	uint8_t	v = rs->smtp_alert;

	if (v == CONF_SMTP_UNSET)
		v = mail_g.smtp_alert_checker;
	if (v == CONF_SMTP_UNSET)
		v = mail_g.smtp_alert;
	/* keepalived's default for a real server is yes. */
	return (v != CONF_SMTP_NO);
}

/* Text for a header or a body line: nothing below a space, no DEL. */
static void
mail_clean(char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < ' ' || (unsigned char)*s >= 0x7f)
			*s = '?';
}

static const char *
mail_router_id(void)
{
	return (mail_g.router_id[0] != '\0' ? mail_g.router_id : "had");
}

static void
mail_queue(const char *subject, const char *body)
{
	struct mail	*m;

	if (!mail_on())
		return;
	if (nqueued >= MAIL_QUEUE_MAX || (m = calloc(1, sizeof(*m))) ==
	    NULL) {
		ndropped++;
		log_warnx("smtp_alert: %d mails waiting; '%s' dropped "
		    "(%llu so far)", nqueued, subject,
		    (unsigned long long)ndropped);
		return;
	}
	snprintf(m->subject, sizeof(m->subject), "[%s] %s", mail_router_id(),
	    subject);
	strlcpy(m->body, body, sizeof(m->body));
	mail_clean(m->subject);
	mail_clean(m->body);
	TAILQ_INSERT_TAIL(&queue, m, entry);
	nqueued++;
	if (conv.m == NULL)
		mail_next();
}

static const char *
mail_state_name(uint32_t state)
{
	switch (state) {
	case 1:
		return ("BACKUP");
	case 2:
		return ("MASTER");
	case 3:
		return ("FAULT");
	default:
		return ("STOP");
	}
}

/* had -> checkd: a VRRP instance changed state. */
int
check_mail_msg(struct imsg *imsg)
{
	struct msg_smtp_alert	 a;
	char			 subj[MAIL_SUBJLEN], body[MAIL_BODYLEN];
	const char		*st;

	if (imsg_check_size(imsg, sizeof(a), "had") == -1)
		return (-1);
	memcpy(&a, imsg->data, sizeof(a));
	a.name[sizeof(a.name) - 1] = '\0';
	if (a.kind == SMTP_ALERT_QUORUM) {
		snprintf(subj, sizeof(subj), "Virtual server %s - quorum %s",
		    a.name, a.state == 1 ? "UP" : "DOWN");
		snprintf(body, sizeof(body), "=> %s <=", a.state == 1 ?
		    "Gained quorum" : "Lost quorum");
		mail_queue(subj, body);
		return (0);
	}
	st = mail_state_name(a.state);
	snprintf(subj, sizeof(subj), "VRRP %s %s - Entering %s state",
	    a.kind == SMTP_ALERT_GROUP ? "Group" : "Instance", a.name, st);
	snprintf(body, sizeof(body), "=> VRRP %s %s is now %s, priority %u "
	    "<=", a.kind == SMTP_ALERT_GROUP ? "Group" : "Instance", a.name,
	    a.state == 2 ? "owning its virtual addresses (MASTER)" :
	    a.state == 1 ? "no longer owning its virtual addresses (BACKUP)" :
	    a.state == 3 ? "in FAULT state" : "stopped", a.priority);
	mail_queue(subj, body);
	return (0);
}

/* A real server went up or down (reason: the failed check's). */
void
check_mail_rs(const char *rs, const char *vs, int up, const char *reason)
{
	char	subj[MAIL_SUBJLEN], body[MAIL_BODYLEN];

	snprintf(subj, sizeof(subj), "Realserver %s of virtual server %s - "
	    "%s", rs, vs, up ? "UP" : "DOWN");
	if (up)
		snprintf(body, sizeof(body), "=> CHECK succeed on service "
		    "%s <=", rs);
	else
		snprintf(body, sizeof(body), "=> CHECK failed on service %s: "
		    "%s <=", rs, reason);
	mail_queue(subj, body);
}

static void
mail_end(int ok, const char *fmt, ...)
    __attribute__((__format__(printf, 2, 3)));

static void
mail_end(int ok, const char *fmt, ...)
{
	char	why[256];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (ok) {
		nsent++;
		log_info("smtp_alert: sent '%s'", conv.m->subject);
	} else {
		nfailed++;
		log_warnx("smtp_alert: '%s' not sent: %s", conv.m->subject,
		    why);
	}
	if (conv.ev != NULL)
		event_free(conv.ev);
	if (conv.tmo != NULL)
		event_free(conv.tmo);
	conv.ev = conv.tmo = NULL;
	if (conv.fd != -1)
		close(conv.fd);
	conv.fd = -1;
	free(conv.m);
	conv.m = NULL;
	mail_next();
}

static int
mail_write(const char *s)
{
	size_t	l = strlen(s);
	ssize_t	n;

	/* Short lines on an idle connection: the socket buffer takes them. */
	if ((n = send(conv.fd, s, l, MSG_NOSIGNAL)) == -1) {
		mail_end(0, "send: %s", strerror(errno));
		return (-1);
	}
	if ((size_t)n != l) {
		mail_end(0, "short write to the SMTP server");
		return (-1);
	}
	return (0);
}

static void
mail_send_rcpt(void)
{
	char	line[300], *r;

	r = strsep(&conv.rcpt, " ");
	snprintf(line, sizeof(line), "RCPT TO:<%s>\r\n", r);
	(void)mail_write(line);
}

static void
mail_send_body(void)
{
	char		 date[64], to[CONF_MAILLEN * 2], *text;
	const char	*p;
	struct tm	 tm;
	time_t		 now = time(NULL);
	size_t		 o = 0;
	int		 n;

	/* The header's list is comma-separated. */
	for (p = mail_g.notification_email; *p != '\0' &&
	    o + 3 < sizeof(to); p++) {
		if (*p == ' ')
			to[o++] = ',';
		to[o++] = *p;
	}
	to[o] = '\0';
	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	/* Every line is ours or cleaned: none starts with a dot. */
	n = asprintf(&text, "From: %s\r\nTo: %s\r\nSubject: %s\r\n"
	    "Date: %s\r\nX-Mailer: had\r\n\r\n%s\r\n.\r\n",
	    mail_g.notification_email_from[0] != '\0' ?
	    mail_g.notification_email_from : "had@localhost",
	    to, conv.m->subject, date, conv.m->body);
	if (n == -1) {
		mail_end(0, "out of memory");
		return;
	}
	(void)mail_write(text);
	free(text);
}

static void
mail_reply(int code)
{
	char	line[CONF_HOSTLEN + 32];

	switch (conv.phase) {
	case MP_BANNER:
		if (code != 220) {
			mail_end(0, "SMTP %d in the banner", code);
			return;
		}
		snprintf(line, sizeof(line), "HELO %s\r\n",
		    mail_g.smtp_helo_name[0] != '\0' ?
		    mail_g.smtp_helo_name : mail_router_id());
		conv.phase = MP_HELO;
		(void)mail_write(line);
		return;
	case MP_HELO:
		if (code != 250) {
			mail_end(0, "SMTP %d to HELO", code);
			return;
		}
		snprintf(line, sizeof(line), "MAIL FROM:<%s>\r\n",
		    mail_g.notification_email_from[0] != '\0' ?
		    mail_g.notification_email_from : "had@localhost");
		conv.phase = MP_FROM;
		(void)mail_write(line);
		return;
	case MP_FROM:
	case MP_RCPT:
		if (code != 250 && code != 251) {
			mail_end(0, "SMTP %d to %s", code, conv.phase ==
			    MP_FROM ? "MAIL FROM" : "RCPT TO");
			return;
		}
		conv.phase = MP_RCPT;
		if (conv.rcpt != NULL) {
			mail_send_rcpt();
			return;
		}
		conv.phase = MP_DATA;
		(void)mail_write("DATA\r\n");
		return;
	case MP_DATA:
		if (code != 354) {
			mail_end(0, "SMTP %d to DATA", code);
			return;
		}
		conv.phase = MP_BODY;
		mail_send_body();
		return;
	case MP_BODY:
		if (code != 250) {
			mail_end(0, "SMTP %d after the message", code);
			return;
		}
		conv.phase = MP_QUIT;
		if (mail_write("QUIT\r\n") == 0)
			mail_end(1, "sent");
		return;
	}
}

static void
mail_io(int fd, short ev, void *arg)
{
	const char	*err;
	ssize_t		 n;
	size_t		 used;
	int		 code, r;

	n = recv(fd, conv.buf + conv.len, sizeof(conv.buf) - conv.len, 0);
	if (n == -1) {
		if (errno == EAGAIN || errno == EINTR)
			return;
		mail_end(0, "recv: %s", strerror(errno));
		return;
	}
	if (n == 0) {
		mail_end(0, "the SMTP server closed the connection");
		return;
	}
	conv.len += (size_t)n;
	/* Replies one by one: a server may send several at once. */
	while (conv.m != NULL && conv.len > 0) {
		r = smtp_reply_parse(conv.buf, conv.len, &code, &used, &err);
		if (r == -1) {
			mail_end(0, "%s", err);
			return;
		}
		if (r == 0) {
			if (conv.len == sizeof(conv.buf))
				mail_end(0, "reply too long");
			return;
		}
		memmove(conv.buf, conv.buf + used, conv.len - used);
		conv.len -= used;
		mail_reply(code);
	}
}

static void
mail_timeout(int fd, short ev, void *arg)
{
	mail_end(0, "no answer within %u s", mail_timeout_s());
}

static void
mail_next(void)
{
	struct sockaddr_storage	 ss;
	socklen_t		 sl;
	struct timeval		 tv;
	struct mail		*m;

	if (conv.m != NULL || (m = TAILQ_FIRST(&queue)) == NULL)
		return;
	TAILQ_REMOVE(&queue, m, entry);
	nqueued--;
	conv.m = m;
	conv.phase = MP_BANNER;
	conv.len = 0;
	strlcpy(conv.rcpts, mail_g.notification_email, sizeof(conv.rcpts));
	conv.rcpt = conv.rcpts;
	if (!mail_on()) {
		mail_end(0, "no smtp_server or notification_email any more");
		return;
	}
	sl = check_sockaddr(&mail_g.smtp_server, mail_g.smtp_port, &ss);
	if ((conv.fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) == -1) {
		mail_end(0, "socket: %s", strerror(errno));
		return;
	}
	if (connect(conv.fd, (struct sockaddr *)&ss, sl) == -1 &&
	    errno != EINPROGRESS) {
		mail_end(0, "connect: %s", strerror(errno));
		return;
	}
	conv.ev = event_new(mail_base, conv.fd, EV_READ | EV_PERSIST,
	    mail_io, NULL);
	conv.tmo = evtimer_new(mail_base, mail_timeout, NULL);
	if (conv.ev == NULL || conv.tmo == NULL) {
		mail_end(0, "out of memory");
		return;
	}
	tv.tv_sec = mail_timeout_s();
	tv.tv_usec = 0;
	event_add(conv.ev, NULL);
	evtimer_add(conv.tmo, &tv);
}

void
check_mail_shutdown(void)
{
	struct mail	*m;

	while ((m = TAILQ_FIRST(&queue)) != NULL) {
		TAILQ_REMOVE(&queue, m, entry);
		free(m);
		ndropped++;
	}
	nqueued = 0;
	if (conv.m != NULL)
		mail_end(0, "checkd is stopping");
}
