/*
 * Health checks of real servers: the scheduler.
 *
 * Every check runs on its own delay_loop, its first run placed at a
 * random point of the interval so that thousands of checks never fire
 * together.  An attempt has one deadline (connect_timeout); a failed
 * attempt of a check that is up is retried `retry' times after
 * delay_before_retry.  A round's result counts against rise and fall;
 * a real server is up when all of its checks are up, and lvsd hears of
 * every change, and of every state again when its channel comes back.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event.h>
#include <openssl/conf.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "checkd.h"
#include "conf_diff.h"
#include "conf_misc.h"
#include "child.h"
#include "imsg.h"
#include "log.h"
#include "lvs_weight.h"

/* MISC_CHECK asks had to run the script (IMSG_SCRIPT_RUN, SCRIPT_MISC). */
#ifndef CHECK_MISC_ENABLED
#define CHECK_MISC_ENABLED	1
#endif

#define CA_FILE		"/etc/ssl/certs/ca-certificates.crt"
#define MISC_GRACE_MS	5000	/* had answers after its own timeout */

struct event_base		*check_base;
struct ssl_ctx_st		*check_ssl_ctx, *check_ssl_ctx_verify;

static struct checks		 checks = TAILQ_HEAD_INITIALIZER(checks);
static struct check_rss		 rss = TAILQ_HEAD_INITIALIZER(rss);
static uint32_t			 next_script_id = 1;

static void	check_fire(void *);
static void	check_deadline(int, short, void *);
static void	check_misc_start(struct check *);

static const struct check_type check_type_misc = {
	.name = "MISC_CHECK",
	.start = check_misc_start,
};

static const struct check_type *
check_type_of(uint32_t t)
{
	switch (t) {
	case CHECK_TCP:
		return (&check_type_tcp);
	case CHECK_HTTP:
		return (&check_type_http);
	case CHECK_SSL:
		return (&check_type_ssl);
	case CHECK_MISC:
		return (&check_type_misc);
	case CHECK_UDP:
		return (&check_type_udp);
	case CHECK_DNS:
		return (&check_type_dns);
	case CHECK_SMTP:
		return (&check_type_smtp);
	case CHECK_BFD:
		return (&check_type_bfd);
	case CHECK_FILE:
		return (&check_type_file);
	case CHECK_PING:
	default:
		return (&check_type_ping);
	}
}

/*
 * OpenSSL costs checkd 3.8 MB of RSS once initialised with its two
 * contexts and the CA bundle, and most configurations have no HTTP_GET
 * or SSL_GET (issue 19).  So the files are only opened before the chroot
 * and read through these descriptors at the first such check.
 */
static int	ssl_conf_fd = -1, ssl_ca_fd = -1;
static int	ssl_state;		/* 0 not yet, 1 ready, -1 failed */

void
check_init_privileged(void)
{
	const char	*conf;
	char		 path[HAD_PATHLEN];

	/*
	 * What OPENSSL_INIT_LOAD_CONFIG would read, found as OpenSSL finds
	 * it: CONF_get1_default_config_file() itself touches 300 kB more
	 * of libcrypto.
	 */
	if ((conf = secure_getenv("OPENSSL_CONF")) != NULL)
		strlcpy(path, conf, sizeof(path));
	else
		snprintf(path, sizeof(path), "%s/openssl.cnf",
		    X509_get_default_cert_area());
	ssl_conf_fd = open(path, O_RDONLY | O_CLOEXEC);
	if ((ssl_ca_fd = open(CA_FILE, O_RDONLY | O_CLOEXEC)) == -1)
		log_warn("cannot open %s: verify_cert will fail", CA_FILE);
}

/* OpenSSL's configuration, as OPENSSL_INIT_LOAD_CONFIG loads it. */
static void
check_ssl_conf(void)
{
	CONF	*conf;
	BIO	*bio;
	long	 eline = 0;

	if (ssl_conf_fd == -1)
		return;
	OPENSSL_load_builtin_modules();
	if ((conf = NCONF_new_ex(NULL, NULL)) == NULL ||
	    (bio = BIO_new_fd(ssl_conf_fd, BIO_NOCLOSE)) == NULL) {
		NCONF_free(conf);
		log_warnx("OpenSSL configuration: %s", check_ssl_errstr());
		ERR_clear_error();
		return;
	}
	if (NCONF_load_bio(conf, bio, &eline) <= 0)
		log_warnx("OpenSSL configuration, line %ld: %s", eline,
		    check_ssl_errstr());
	else if (CONF_modules_load(conf, NULL, CONF_MFLAGS_DEFAULT_SECTION) <=
	    0)
		log_warnx("OpenSSL configuration: %s", check_ssl_errstr());
	ERR_clear_error();
	BIO_free(bio);
	NCONF_free(conf);
}

/* The CA bundle into the verifying context, as load_verify_locations. */
static void
check_ssl_ca(SSL_CTX *ctx)
{
	STACK_OF(X509_INFO)	*infos;
	X509_INFO		*xi;
	X509_STORE		*store = SSL_CTX_get_cert_store(ctx);
	BIO			*bio;
	int			 i, n = 0;

	if (ssl_ca_fd == -1)
		return;
	if ((bio = BIO_new_fd(ssl_ca_fd, BIO_NOCLOSE)) == NULL ||
	    (infos = PEM_X509_INFO_read_bio(bio, NULL, NULL, NULL)) == NULL) {
		log_warnx("cannot load %s: verify_cert will fail: %s",
		    CA_FILE, check_ssl_errstr());
		ERR_clear_error();
		BIO_free(bio);
		return;
	}
	for (i = 0; i < sk_X509_INFO_num(infos); i++) {
		xi = sk_X509_INFO_value(infos, i);
		if (xi->x509 != NULL && X509_STORE_add_cert(store, xi->x509))
			n++;
		if (xi->crl != NULL)
			(void)X509_STORE_add_crl(store, xi->crl);
	}
	if (n == 0)
		log_warnx("no certificate in %s: verify_cert will fail",
		    CA_FILE);
	else
		log_debug("%d certificates from %s", n, CA_FILE);
	ERR_clear_error();
	sk_X509_INFO_pop_free(infos, X509_INFO_free);
	BIO_free(bio);
}

/*
 * Before the first libcrypto call of an HTTP_GET or SSL_GET: OpenSSL,
 * its configuration and the two contexts.  0, or -1 if TLS cannot work.
 */
int
check_ssl_init(void)
{
	SSL_CTX	*ctx;
	int	 i;

	if (ssl_state != 0)
		return (ssl_state == 1 ? 0 : -1);
	ssl_state = -1;
	if (OPENSSL_init_ssl(OPENSSL_INIT_NO_LOAD_CONFIG, NULL) != 1) {
		log_warnx("OpenSSL initialisation failed");
		return (-1);
	}
	check_ssl_conf();
	for (i = 0; i < 2; i++) {
		if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL) {
			log_warnx("SSL_CTX_new failed: %s", check_ssl_errstr());
			return (-1);
		}
		SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
		SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
		    SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
		SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
		if (i == 0) {
			SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
			check_ssl_ctx = ctx;
			continue;
		}
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
		check_ssl_ca(ctx);
		check_ssl_ctx_verify = ctx;
	}
	log_debug("OpenSSL initialised for the first HTTP or TLS check");
	ssl_state = 1;
	return (0);
}

void
check_init(struct event_base *b)
{
	check_base = b;
	check_sock_init();
	check_poll_init(b);
	check_wheel_init(b);
}

static void
ms_to_tv(uint64_t ms, struct timeval *tv)
{
	tv->tv_sec = ms / 1000;
	tv->tv_usec = (ms % 1000) * 1000;
}

static uint32_t
ms_between(const struct timespec *t0, const struct timespec *t1)
{
	int64_t		 ms;

	ms = (int64_t)(t1->tv_sec - t0->tv_sec) * 1000 +
	    (t1->tv_nsec - t0->tv_nsec) / 1000000;
	return (ms < 0 ? 0 : (uint32_t)ms);
}

static uint32_t
ms_since(const struct timespec *t0)
{
	struct timespec	 now;

	check_clock(&now);
	return (ms_between(t0, &now));
}

uint32_t
check_elapsed(const struct check *ck)
{
	/* An answer complete before the end of the exchange counts then. */
	if (ck->answered.tv_sec != 0 || ck->answered.tv_nsec != 0)
		return (ms_between(&ck->att_start, &ck->answered));
	return (ms_since(&ck->att_start));
}

/* "3 s", "2.5 s", "0.25 s" */
const char *
check_secs(uint32_t ms, char *buf, size_t len)
{
	if (ms % 1000 == 0)
		snprintf(buf, len, "%u s", ms / 1000);
	else if (ms % 100 == 0)
		snprintf(buf, len, "%u.%u s", ms / 1000, (ms % 1000) / 100);
	else
		snprintf(buf, len, "%u.%03u s", ms / 1000, ms % 1000);
	return (buf);
}

const char *
check_errstr(int err, int connected)
{
	switch (err) {
	case ECONNREFUSED:
		return (connected ? "port unreachable" : "connection refused");
	case ECONNRESET:
		return ("connection reset");
	case EHOSTUNREACH:
		return ("host unreachable");
	case ENETUNREACH:
		return ("network unreachable");
	case ETIMEDOUT:
		return ("connection timed out");
	case EADDRNOTAVAIL:
		return ("address not available");
	case EPIPE:
		return ("connection closed");
	default:
		return (strerror(err));
	}
}

/* Hex string to bytes; -1 if odd, not hex or too long. */
int
check_hex_decode(const char *s, uint8_t *buf, size_t len)
{
	size_t	 n = 0;
	int	 hi, lo;

	while (s[0] != '\0') {
		if (s[1] == '\0' || n >= len)
			return (-1);
		hi = s[0] >= '0' && s[0] <= '9' ? s[0] - '0' :
		    s[0] >= 'a' && s[0] <= 'f' ? s[0] - 'a' + 10 :
		    s[0] >= 'A' && s[0] <= 'F' ? s[0] - 'A' + 10 : -1;
		lo = s[1] >= '0' && s[1] <= '9' ? s[1] - '0' :
		    s[1] >= 'a' && s[1] <= 'f' ? s[1] - 'a' + 10 :
		    s[1] >= 'A' && s[1] <= 'F' ? s[1] - 'A' + 10 : -1;
		if (hi < 0 || lo < 0)
			return (-1);
		buf[n++] = hi << 4 | lo;
		s += 2;
	}
	return ((int)n);
}

static void
vs_str(const struct vs_conf *vs, char *buf, size_t len)
{
	static const char *const protos[] = { "", "/udp", "/sctp" };

	switch (vs->type) {
	case VS_TYPE_FWMARK:
		snprintf(buf, len, "fwmark %u", vs->fwmark);
		break;
	case VS_TYPE_GROUP:
		snprintf(buf, len, "group %s", vs->group);
		break;
	default:
		conf_addr_port(vs->addr.af, vs->addr.u.raw, vs->port, buf, len);
		if (vs->protocol > 0 && vs->protocol < LVS_PROTO_MAX)
			strlcat(buf, protos[vs->protocol], len);
		break;
	}
}

/* The identity of a real server of a virtual server, as lvsd knows it. */
static void
rs_id(const struct vs_conf *vs, const struct rs_conf *rs,
    struct msg_lvs_id *id)
{
	conf_lvs_id(vs, rs, id);
}

/* Socket, bind, non-blocking connect.  -1: the attempt has concluded. */
int
check_connect(struct check *ck, int type)
{
	struct sockaddr_storage	 ss;
	socklen_t		 sl = 0;
	int			 fd, af = ck->dst.sa.sa_family;

	if (ck->dstlen == 0) {
		check_result(ck, 0, "no address or port to probe");
		return (-1);
	}
	if (ck->keep_fd != -1) {
		/* Reset by the last attempt; still bound as bindto says. */
		ck->fd = ck->keep_fd;
		ck->keep_fd = -1;
		check_sock_take();
		goto connect;
	}
	if ((fd = socket(af, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) == -1) {
		check_result(ck, 0, "socket: %s", strerror(errno));
		return (-1);
	}
	ck->fd = fd;
	if (ck->c->bindto.af != 0 || ck->c->bind_port != 0) {
		memset(&ss, 0, sizeof(ss));
		if (af == AF_INET) {
			struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

			sin->sin_family = AF_INET;
			if (ck->c->bindto.af == AF_INET)
				sin->sin_addr = ck->c->bindto.u.v4;
			sin->sin_port = htons(ck->c->bind_port);
			sl = sizeof(*sin);
		} else {
			struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

			sin6->sin6_family = AF_INET6;
			if (ck->c->bindto.af == AF_INET6)
				sin6->sin6_addr = ck->c->bindto.u.v6;
			sin6->sin6_port = htons(ck->c->bind_port);
			sl = sizeof(*sin6);
		}
		if (ck->c->bindto.af != 0 && ck->c->bindto.af != af) {
			check_result(ck, 0, "bindto is not of the target's "
			    "address family");
			return (-1);
		}
		if (ck->c->bind_port != 0) {
			int on = 1;

			(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on,
			    sizeof(on));
		}
		if (bind(fd, (struct sockaddr *)&ss, sl) == -1) {
			check_result(ck, 0, "bind: %s", strerror(errno));
			return (-1);
		}
	}
connect:
	if (connect(ck->fd, (struct sockaddr *)&ck->dst, ck->dstlen) == -1 &&
	    errno != EINPROGRESS) {
		check_result(ck, 0, "%s", check_errstr(errno, 0));
		return (-1);
	}
	return (0);
}

/*
 * A connect to this host (loopback, or a namespace over veth) completes
 * inside connect() itself: asking again costs one system call and spares
 * the epoll registration, wakeup and removal.  1: connected, 0: in
 * progress, -1: the attempt has concluded.
 */
int
check_connect_done(struct check *ck)
{
	if (connect(ck->fd, (struct sockaddr *)&ck->dst, ck->dstlen) == 0 ||
	    errno == EISCONN) {
		ck->connected = 1;
		return (1);
	}
	if (errno == EALREADY || errno == EINPROGRESS || errno == EINTR)
		return (0);
	check_result(ck, 0, "%s", check_errstr(errno, 0));
	return (-1);
}

/*
 * Deadlines and retry delays come in few distinct lengths: libevent keeps
 * timers of a "common timeout" in a list, added and removed in O(1),
 * instead of its heap, which thousands of checks walk on every attempt.
 */
#define COMMON_TMO_MAX	32
static struct {
	uint64_t		 ms;
	const struct timeval	*tv;
} common_tmo[COMMON_TMO_MAX];
static int	ncommon_tmo;

static void
check_timer_add(struct event *ev, uint64_t ms)
{
	struct timeval		 tv;
	const struct timeval	*ctv = NULL;
	int			 i;

	ms_to_tv(ms, &tv);
	for (i = 0; i < ncommon_tmo; i++)
		if (common_tmo[i].ms == ms) {
			ctv = common_tmo[i].tv;
			break;
		}
	if (ctv == NULL && ncommon_tmo < COMMON_TMO_MAX &&
	    (ctv = event_base_init_common_timeout(check_base, &tv)) != NULL) {
		common_tmo[ncommon_tmo].ms = ms;
		common_tmo[ncommon_tmo++].tv = ctv;
	}
	evtimer_add(ev, ctv != NULL ? ctv : &tv);
}

static void
check_schedule(struct check *ck, uint64_t ms)
{
	check_wheel_add(&ck->timer, ms * 1000);
}

/* First run: a random point of the interval, after a random warmup. */
static void
ts_add_us(struct timespec *ts, uint64_t us)
{
	ts->tv_sec += us / 1000000;
	ts->tv_nsec += (long)(us % 1000000) * 1000;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

void
check_schedule_first(struct check *ck)
{
	uint32_t	 loop = ck->c->delay_loop_ms;
	uint64_t	 us;

	if (loop == 0)
		loop = 1000;

	us = (uint64_t)arc4random_uniform(loop) * 1000 +
	    arc4random_uniform(1000);
	if (ck->c->warmup_ms > 0)
		us += (uint64_t)arc4random_uniform(ck->c->warmup_ms) * 1000;
	check_clock(&ck->planned);
	ts_add_us(&ck->planned, us);
	check_wheel_add(&ck->timer, us);
}

/*
 * The next round at its planned time: every round starts delay_loop
 * after the planned start of the one before, so a check keeps the phase
 * it was given however late its callbacks run.  (Counting from the
 * actual start, or from libevent's cached time, lets checks that run
 * late in a busy loop iteration slide towards each other until they
 * all fire together.)  A round that overran starts at once.
 */
static void
check_schedule_planned(struct check *ck)
{
	struct timespec	 now;
	int64_t		 us;

	check_clock(&now);
	us = (int64_t)(ck->planned.tv_sec - now.tv_sec) * 1000000 +
	    (ck->planned.tv_nsec - now.tv_nsec) / 1000;
	if (us < 0) {
		us = 0;
		ck->planned = now;
	}
	check_wheel_add(&ck->timer, (uint64_t)us);
}

static void
check_attempt(struct check *ck)
{
	uint64_t	 ms;

	/* ha_suspend: the virtual server's address is not here. */
	if (check_suspend_skip(ck)) {
		check_schedule_planned(ck);
		return;
	}
	ck->running = 1;
	ck->connected = 0;
	ck->fd = -1;
	ck->tries++;
	check_clock(&ck->att_start);
	memset(&ck->answered, 0, sizeof(ck->answered));
	ck->type->start(ck);
	/* The deadline only for an attempt that has to wait. */
	if (!ck->running)
		return;
	ms = ck->c->connect_timeout_ms ? ck->c->connect_timeout_ms : 5000;
	if (ck->c->type == CHECK_MISC)
		ms = (uint64_t)ck->c->misc_timeout_ms + MISC_GRACE_MS;
	check_timer_add(ck->tmo, ms);
}

static void
check_fire(void *arg)
{
	struct check	*ck = arg;

	if (ck->running) {
		check_clock(&ck->planned);
		ts_add_us(&ck->planned, (uint64_t)ck->c->delay_loop_ms * 1000);
		check_schedule(ck, ck->c->delay_loop_ms);
		return;
	}
	if (ck->retrying) {
		/* Another attempt of the same round. */
		ck->retrying = 0;
		check_attempt(ck);
		return;
	}
	ck->tries = 0;
	check_clock(&ck->round_start);
	ts_add_us(&ck->planned, (uint64_t)ck->c->delay_loop_ms * 1000);
	check_attempt(ck);
}

/* Stop whatever the attempt holds. */
static void
check_stop(struct check *ck)
{
	if (ck->type->cleanup != NULL)
		ck->type->cleanup(ck);
	evtimer_del(ck->tmo);
	check_release(ck);
	ck->running = 0;
}

/*
 * The attempt is done with its socket.  Abortive close: no FIN exchange
 * and no TIME_WAIT left on our side for every probe, thousands of times
 * a second; a stream socket is kept, reset, for the next attempt.
 */
void
check_release(struct check *ck)
{
	struct linger	 l = { 1, 0 };

	check_unwant(ck);
	if (ck->fd == -1)
		return;
	if (ck->type->keep_socket && ck->keep_fd == -1) {
		if (check_sock_reset(ck->fd) == 0)
			ck->keep_fd = ck->fd;
		else
			check_poll_closed(ck);
	} else {
		(void)setsockopt(ck->fd, SOL_SOCKET, SO_LINGER, &l,
		    sizeof(l));
		close(ck->fd);
		check_poll_closed(ck);
	}
	ck->fd = -1;
}

static void
check_deadline(int fd, short ev, void *arg)
{
	struct check	*ck = arg;
	char		 t[16];

	/* An answer may be waiting for the next tick: not a timeout. */
	check_poll_drain();
	if (!ck->running)
		return;
	if (ck->type->timeout != NULL) {
		ck->type->timeout(ck);
		return;
	}
	check_secs(ck->c->connect_timeout_ms, t, sizeof(t));
	if (ck->c->type == CHECK_MISC)
		check_result(ck, 0, "no answer from had for the script");
	else if (!ck->connected)
		check_result(ck, 0, "connect timeout after %s", t);
	else
		check_result(ck, 0, "read timeout after %s", t);
}

/* The socket address of a, port; its length, 0 if a is unset. */
socklen_t
check_sockaddr(const struct conf_addr *a, uint16_t port,
    struct sockaddr_storage *ss)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (a->af == AF_INET) {
		sin->sin_family = AF_INET;
		sin->sin_addr = a->u.v4;
		sin->sin_port = htons(port);
		return (sizeof(*sin));
	}
	if (a->af == AF_INET6) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = a->u.v6;
		sin6->sin6_port = htons(port);
		return (sizeof(*sin6));
	}
	return (0);
}

static void
check_rs_send(struct check_rs *rs)
{
	struct msg_rs_state	 m;
	struct check		*ck;

	memset(&m, 0, sizeof(m));
	m.id = rs->id;
	m.up = rs->up;
	m.weight = rs->weight;
	TAILQ_FOREACH(ck, &rs->checks, rs_entry)
		if (!ck->up || TAILQ_NEXT(ck, rs_entry) == NULL) {
			snprintf(m.reason, sizeof(m.reason), "%s: %s",
			    ck->type->name, ck->reason);
			break;
		}
	rs->sent = 1;
	(void)child_send_peer(PROC_LVS, IMSG_RS_STATE, &m, sizeof(m));
}

static void
rs_weight_event(const struct check_rs *rs, int32_t weight)
{
	const struct check	*ck;
	char			 from[16], to[16];

	TAILQ_FOREACH(ck, &rs->checks, rs_entry)
		if (ck->weight == weight)
			break;
	if (rs->weight < 0)
		strlcpy(from, "configured", sizeof(from));
	else
		snprintf(from, sizeof(from), "%d", rs->weight);
	if (weight < 0)
		strlcpy(to, "configured", sizeof(to));
	else
		snprintf(to, sizeof(to), "%d", weight);
	check_event("rs", rs->vs_str, "real server %s weight %s -> %s: %s",
	    rs->rs_str, from, to, ck != NULL ? ck->reason : "");
}

/* Up if every check is up; a misc_dynamic check sets the weight. */
static void
check_rs_update(struct check_rs *rs, int force)
{
	struct check	*ck, *bad = NULL;
	int		 up = 1;
	int32_t		 weight = -1;

	TAILQ_FOREACH(ck, &rs->checks, rs_entry) {
		if (!ck->up) {
			up = 0;
			if (bad == NULL)
				bad = ck;
		}
		weight = lvs_weight_reported(weight, ck->weight);
	}
	if (!force && rs->sent && up == rs->up && weight == rs->weight)
		return;
	if (up != rs->up || !rs->sent)
		log_info("real server %s (vs %s): %s%s%s", rs->rs_str,
		    rs->vs_str, up ? "up" : "down", bad ? ": " : "",
		    bad ? bad->reason : "");
	if (up != rs->up && rs->sent && rs->smtp_alert)
		check_mail_rs(rs->rs_str, rs->vs_str, up,
		    bad ? bad->reason : "");
	if (weight != rs->weight) {
		log_info("real server %s (vs %s): weight %d", rs->rs_str,
		    rs->vs_str, weight);
		/* misc_dynamic: the exit status says why. */
		if (rs->sent)
			rs_weight_event(rs, weight);
	}
	rs->up = up;
	rs->weight = weight;
	check_rs_send(rs);
}

void
check_send_all(void)
{
	struct check_rs	*rs;
	unsigned int	 n = 0;

	TAILQ_FOREACH(rs, &rss, entry) {
		check_rs_send(rs);
		n++;
	}
	log_debug("sent %u real server states to lvsd", n);
}

/* An attempt is over: retry, or count the round against rise and fall. */
void
check_result(struct check *ck, int ok, const char *fmt, ...)
{
	va_list		 ap;
	int		 was = ck->up;

	if (!ck->running)
		return;
	check_stop(ck);
	ck->latency_ms = check_elapsed(ck);
	va_start(ap, fmt);
	vsnprintf(ck->reason, sizeof(ck->reason), fmt, ap);
	va_end(ap);

	if (!ok && ck->up && ck->tries <= ck->c->retry) {
		log_debug("check %s %s (vs %s): attempt %u failed: %s; "
		    "retrying", ck->type->name, ck->dst_str, ck->rs->vs_str,
		    ck->tries, ck->reason);
		ck->retrying = 1;
		check_schedule(ck, ck->c->delay_before_retry_ms);
		return;
	}
	ck->rounds++;
	if (ok) {
		ck->successes++;
		ck->failures = 0;
		if (!ck->up && ck->successes >= ck->c->rise)
			ck->up = 1;
	} else {
		ck->failures++;
		ck->successes = 0;
		if (ck->up && ck->failures >= ck->c->fall)
			ck->up = 0;
	}
	if (ck->rs->witness) {
		check_witness_result(ck, was);
		check_schedule_planned(ck);
		return;
	}
	if (ck->up != was) {
		ck->last_change = time(NULL);
		log_info("check %s %s (vs %s): %s: %s; %u in a row",
		    ck->type->name, ck->dst_str, ck->rs->vs_str,
		    ck->up ? "up" : "down", ck->reason,
		    ck->up ? ck->successes : ck->failures);
		check_event("check", ck->rs->vs_str, "real server %s: %s %s "
		    "%s: %s; %u in a row", ck->rs->rs_str, ck->type->name,
		    ck->dst_str, ck->up ? "up" : "down", ck->reason,
		    ck->up ? ck->successes : ck->failures);
	} else
		log_debug("check %s %s (vs %s): %s, %u in a row: %s",
		    ck->type->name, ck->dst_str, ck->rs->vs_str,
		    ok ? "pass" : "fail", ok ? ck->successes : ck->failures,
		    ck->reason);
	check_rs_update(ck->rs, 0);

	/* Keep the phase: the next round starts delay_loop after this one. */
	check_schedule_planned(ck);
}

static void
check_misc_start(struct check *ck)
{
	struct msg_script_run	 run;

	if (!CHECK_MISC_ENABLED) {
		check_result(ck, 1, "MISC_CHECK not run yet: counted as "
		    "passing");
		return;
	}
	memset(&run, 0, sizeof(run));
	run.kind = SCRIPT_MISC;
	run.id = ck->script_id = next_script_id++;
	strlcpy(run.name, ck->misc_name, sizeof(run.name));
	run.timeout_ms = ck->c->misc_timeout_ms;
	if (child_send_parent(IMSG_SCRIPT_RUN, 0, -1, &run, sizeof(run)) ==
	    -1)
		check_result(ck, 0, "cannot ask had to run the script");
}

/*
 * had ran a MISC_CHECK script: exit 0 passes; misc_dynamic 2-255 too
 * (lvs_weight_misc()).
 */
int
check_misc_result(struct imsg *imsg)
{
	struct msg_script_result	 r;
	struct check			*ck;
	char				 t[16];
	int32_t				 w;

	if (imsg_check_size(imsg, sizeof(r), "had") == -1)
		return (-1);
	memcpy(&r, imsg->data, sizeof(r));
	TAILQ_FOREACH(ck, &checks, entry)
		if (ck->running && ck->c->type == CHECK_MISC &&
		    ck->script_id == r.id)
			break;
	if (ck == NULL)
		return (0);	/* stale: from before a reload */
	if (r.timed_out)
		check_result(ck, 0, "script timed out after %s",
		    check_secs(r.duration_ms, t, sizeof(t)));
	else if (r.signal != 0)
		check_result(ck, 0, "script killed by signal %d", r.signal);
	else if (r.status < 0)
		check_result(ck, 0, "script could not be run");
	else if (!lvs_weight_misc(r.status, ck->c->misc_dynamic, &w))
		check_result(ck, 0, "script exit status %d", r.status);
	else if ((ck->weight = w) == LVS_WEIGHT_CONF)
		check_result(ck, 1, "script exit status %d", r.status);
	else
		check_result(ck, 1, "script exit status %d: weight %d",
		    r.status, ck->weight);
	return (0);
}

struct check *
check_new(const struct conf_vs *vs, const struct conf_rs *rs,
    const struct conf_check *cc)
{
	struct check		*ck;
	const struct conf_url	*u;
	const struct conf_addr	*a;
	struct sockaddr_storage	 ss;
	uint16_t		 port;
	size_t			 i = 0;

	if ((ck = calloc(1, sizeof(*ck))) == NULL)
		fatal("check_new");
	ck->c = &cc->c;
	TAILQ_FOREACH(u, &cc->urls, entry)
		ck->nurls++;
	if (ck->nurls > 0 &&
	    (ck->urls = calloc(ck->nurls, sizeof(*ck->urls))) == NULL)
		fatal("check_new");
	TAILQ_FOREACH(u, &cc->urls, entry)
		ck->urls[i++] = u->c;
	ck->type = check_type_of(ck->c->type);
	ck->vhost = vs->c.virtualhost;
	if (cc->c.type == CHECK_MISC) {
		if ((ck->misc_name = malloc(HAD_NAMELEN)) == NULL)
			fatal("check_new");
		conf_misc_name(&vs->c, &rs->c, cc, ck->misc_name,
		    HAD_NAMELEN);
	}

	/* What to probe: connect_ip and connect_port, else the server. */
	a = ck->c->connect_ip.af != 0 ? &ck->c->connect_ip : &rs->c.addr;
	port = ck->c->connect_port;
	if (port == 0)
		port = ck->c->type == CHECK_DNS ? 53 : rs->c.port;
	if (port == 0)
		port = ck->c->type == CHECK_HTTP ? 80 :
		    ck->c->type == CHECK_SSL ? 443 :
		    ck->c->type == CHECK_SMTP ? 25 : 0;
	ck->dstlen = check_sockaddr(a, port, &ss);
	memcpy(&ck->dst, &ss, sizeof(ck->dst));
	if (port == 0 && ck->c->type != CHECK_MISC && ck->c->type != CHECK_PING)
		ck->dstlen = 0;
	conf_addr_port(a->af, a->u.raw, port, ck->dst_str,
	    sizeof(ck->dst_str));
	if (CHECK_IS_PASSIVE(ck->c->type))
		snprintf(ck->dst_str, sizeof(ck->dst_str), "%s %s",
		    ck->c->type == CHECK_BFD ? "bfd" : "track_file",
		    ck->c->type == CHECK_BFD ? ck->c->dns_name :
		    ck->c->track_file);
	ck->rs_weight = rs->c.weight;
	ck->bfd_state = -1;

	ck->fd = -1;
	ck->keep_fd = -1;
	ck->weight = -1;
	ck->up = !(ck->c->alpha || vs->c.alpha);
	ck->last_change = time(NULL);
	strlcpy(ck->reason, ck->up ? "not checked yet" :
	    "alpha: down until checked", sizeof(ck->reason));
	check_wheel_set(&ck->timer, check_fire, ck);
	ck->poll_fd = -1;
	ck->tmo = evtimer_new(check_base, check_deadline, ck);
	if (ck->tmo == NULL)
		fatal("check_new");
	return (ck);
}

void
check_free(struct check *ck)
{
	if (ck->running)
		check_stop(ck);
	if (ck->keep_fd != -1) {
		check_sock_close(ck->keep_fd);
		check_poll_closed(ck);
	}
	check_wheel_del(&ck->timer);
	event_free(ck->tmo);
	free(ck->urls);
	free(ck->misc_name);
	free(ck);
}

/*
 * The old check is kept when its real server and its settings are the
 * same: conf_check_diff() decides, on the old configuration's node that
 * ck->c still points into.
 */
static int
check_same(const struct check *ck, const struct check_rs *rs,
    const struct conf_check *cc)
{
	const struct conf_check	*occ;

	occ = (const struct conf_check *)(const void *)((const char *)ck->c -
	    offsetof(struct conf_check, c));
	return (memcmp(&ck->rs->id, &rs->id, sizeof(rs->id)) == 0 &&
	    conf_check_diff(occ, cc) == CONF_CHG_NONE);
}

/*
 * check_reconf() finds the old real server and the old check of each
 * new one in these: linear, not quadratic, in the number of checks.
 * ent[] holds the old objects in list order (NULL once taken), slot[]
 * their index + 1 by hash, 0 when empty.
 */
struct reconf_idx {
	void		**ent;
	size_t		 *slot;
	size_t		  mask;
};

static uint32_t
fnv(uint32_t h, const void *p, size_t n)
{
	const uint8_t	*b = p;

	while (n-- > 0)
		h = (h ^ *b++) * 16777619U;
	return (h);
}

/* Over the fields rs_id() sets: equal ids hash the same. */
static uint32_t
rs_id_hash(const struct msg_lvs_id *id)
{
	uint32_t	 h = 2166136261U;

	h = fnv(h, id->rs_addr, sizeof(id->rs_addr));
	h = fnv(h, &id->rs_port, sizeof(id->rs_port));
	h = fnv(h, id->vs_addr, sizeof(id->vs_addr));
	h = fnv(h, &id->vs_port, sizeof(id->vs_port));
	h = fnv(h, &id->vs_fwmark, sizeof(id->vs_fwmark));
	return (fnv(h, id->vs_group, strnlen(id->vs_group,
	    sizeof(id->vs_group))));
}

/* A part of what check_same() compares: cheap, and tells most apart. */
static uint32_t
check_hash(const struct msg_lvs_id *id, const struct check_conf *c)
{
	uint32_t	 h = rs_id_hash(id);

	h = fnv(h, &c->type, sizeof(c->type));
	h = fnv(h, &c->connect_port, sizeof(c->connect_port));
	return (fnv(h, c->connect_ip.u.raw, sizeof(c->connect_ip.u.raw)));
}

static void
ridx_init(struct reconf_idx *x, size_t n)
{
	size_t	 cap = 16;

	while (cap < 2 * n)
		cap *= 2;
	x->mask = cap - 1;
	if ((x->ent = calloc(n ? n : 1, sizeof(*x->ent))) == NULL ||
	    (x->slot = calloc(cap, sizeof(*x->slot))) == NULL)
		fatal("check_reconf");
}

static void
ridx_add(struct reconf_idx *x, uint32_t h, size_t i, void *p)
{
	size_t	 k = h & x->mask;

	x->ent[i] = p;
	while (x->slot[k] != 0)
		k = (k + 1) & x->mask;
	x->slot[k] = i + 1;
}

static void
ridx_free(struct reconf_idx *x)
{
	free(x->ent);
	free(x->slot);
}

static struct check_rs *
ridx_find_rs(const struct reconf_idx *x, const struct msg_lvs_id *id)
{
	struct check_rs	*ors;
	size_t		 k;

	for (k = rs_id_hash(id) & x->mask; x->slot[k] != 0;
	    k = (k + 1) & x->mask) {
		ors = x->ent[x->slot[k] - 1];
		if (memcmp(&ors->id, id, sizeof(*id)) == 0)
			return (ors);
	}
	return (NULL);
}

/* The first old check like cc not taken yet, now taken. */
static struct check *
ridx_take_check(struct reconf_idx *x, const struct check_rs *rs,
    const struct conf_check *cc)
{
	struct check	*ck;
	size_t		 k, i;

	for (k = check_hash(&rs->id, &cc->c) & x->mask; x->slot[k] != 0;
	    k = (k + 1) & x->mask) {
		i = x->slot[k] - 1;
		if ((ck = x->ent[i]) != NULL && check_same(ck, rs, cc)) {
			x->ent[i] = NULL;
			return (ck);
		}
	}
	return (NULL);
}

/*
 * A new config, applied as a diff: a check whose real server and
 * settings did not change keeps its state, its phase and any attempt in
 * flight; lvsd hears only of real servers that are new or changed.
 */
void
check_reconf(const struct had_conf *conf)
{
	struct checks		 old = TAILQ_HEAD_INITIALIZER(old);
	struct check_rss	 oldrs = TAILQ_HEAD_INITIALIZER(oldrs);
	struct check_rs		*rs, *ors, *nrs;
	struct check		*ck, *nck;
	struct conf_vs		*vs;
	struct conf_rs		*crs;
	struct conf_check	*cc;
	struct reconf_idx	 rx, cx;
	char			 vsbuf[sizeof(rs->vs_str)];
	size_t			 n, nkeep;

	TAILQ_CONCAT(&old, &checks, entry);
	TAILQ_CONCAT(&oldrs, &rss, entry);
	n = 0;
	TAILQ_FOREACH(ors, &oldrs, entry)
		n++;
	ridx_init(&rx, n);
	n = 0;
	TAILQ_FOREACH(ors, &oldrs, entry) {
		ridx_add(&rx, rs_id_hash(&ors->id), n, ors);
		n++;
	}
	n = 0;
	TAILQ_FOREACH(ck, &old, entry)
		n++;
	ridx_init(&cx, n);
	n = 0;
	TAILQ_FOREACH(ck, &old, entry) {
		ridx_add(&cx, check_hash(&ck->rs->id, ck->c), n, ck);
		n++;
	}
	TAILQ_FOREACH(vs, &conf->vss, entry) {
		vsbuf[0] = '\0';
		TAILQ_FOREACH(crs, &vs->rss, entry) {
			if (TAILQ_EMPTY(&crs->checks))
				continue;
			if ((rs = calloc(1, sizeof(*rs))) == NULL)
				fatal("check_reconf");
			TAILQ_INIT(&rs->checks);
			rs_id(&vs->c, &crs->c, &rs->id);
			if (vsbuf[0] == '\0')
				vs_str(&vs->c, vsbuf, sizeof(vsbuf));
			strlcpy(rs->vs_str, vsbuf, sizeof(rs->vs_str));
			conf_addr_port(crs->c.addr.af, crs->c.addr.u.raw,
			    crs->c.port, rs->rs_str, sizeof(rs->rs_str));
			rs->up = 1;
			rs->weight = -1;
			rs->smtp_alert = check_mail_rs_wanted(&crs->c);
			if ((ors = ridx_find_rs(&rx, &rs->id)) != NULL) {
				rs->sent = ors->sent;
				rs->up = ors->up;
				rs->weight = ors->weight;
			}
			TAILQ_FOREACH(cc, &crs->checks, entry) {
				ck = ridx_take_check(&cx, rs, cc);
				if (ck != NULL) {
					TAILQ_REMOVE(&old, ck, entry);
					/* The old config goes after this. */
					ck->c = &cc->c;
					ck->vhost = vs->c.virtualhost;
				} else {
					ck = check_new(vs, crs, cc);
					check_schedule_first(ck);
				}
				ck->rs = rs;
				TAILQ_INSERT_TAIL(&checks, ck, entry);
				TAILQ_INSERT_TAIL(&rs->checks, ck, rs_entry);
			}
			TAILQ_INSERT_TAIL(&rss, rs, entry);
		}
	}
	ridx_free(&rx);
	ridx_free(&cx);
	TAILQ_FOREACH_SAFE(ck, &old, entry, nck) {
		TAILQ_REMOVE(&old, ck, entry);
		check_free(ck);
	}
	TAILQ_FOREACH_SAFE(ors, &oldrs, entry, nrs) {
		TAILQ_REMOVE(&oldrs, ors, entry);
		free(ors);
	}
	nkeep = 0;
	TAILQ_FOREACH(ck, &checks, entry)
		if (ck->type->keep_socket)
			nkeep++;
	check_sock_budget(nkeep);
	/* New or changed real servers: tell lvsd where it differs. */
	TAILQ_FOREACH(rs, &rss, entry)
		check_rs_update(rs, 0);
	n = 0;
	TAILQ_FOREACH(ck, &checks, entry)
		if (ck->c->type == CHECK_BFD && ck->bfd_state < 0)
			n++;
	check_bfd_query(n > 0);
}

/*
 * The state a BFD_CHECK or FILE_CHECK follows has changed: a round of
 * each check that names it, now.  The number of such checks.
 */
int
check_passive_update(uint32_t type, const char *name, int bfd_state)
{
	struct check	*ck;
	int		 n = 0;

	TAILQ_FOREACH(ck, &checks, entry) {
		if (ck->c->type != type || strcmp(type == CHECK_BFD ?
		    ck->c->dns_name : ck->c->track_file, name) != 0)
			continue;
		n++;
		if (type == CHECK_BFD)
			ck->bfd_state = bfd_state;
		if (ck->running)
			continue;
		ck->retrying = 0;
		ck->tries = 0;
		check_clock(&ck->round_start);
		check_attempt(ck);
	}
	return (n);
}

/* hactl show checks [name]: one row per check. */
int
check_ctl(struct imsg *imsg)
{
	struct msg_ctl_req	 req;
	struct msg_ctl_check	 row;
	struct check		*ck;

	if (imsg->hdr.type != IMSG_CTL_SHOW_CHECKS)
		return (1);
	memcpy(&req, imsg->data, sizeof(req));
	req.name[sizeof(req.name) - 1] = '\0';
	TAILQ_FOREACH(ck, &checks, entry) {
		if (req.name[0] != '\0' &&
		    strcmp(req.name, ck->rs->vs_str) != 0 &&
		    strcmp(req.name, ck->rs->rs_str) != 0)
			continue;
		memset(&row, 0, sizeof(row));
		strlcpy(row.vs, ck->rs->vs_str, sizeof(row.vs));
		strlcpy(row.rs, ck->rs->rs_str, sizeof(row.rs));
		strlcpy(row.target, ck->dst_str, sizeof(row.target));
		strlcpy(row.type, ck->type->name, sizeof(row.type));
		row.up = ck->up;
		row.rs_up = ck->rs->up;
		row.successes = ck->successes;
		row.failures = ck->failures;
		row.rise = ck->c->rise;
		row.fall = ck->c->fall;
		row.latency_ms = ck->latency_ms;
		row.delay_loop_ms = ck->c->delay_loop_ms;
		row.rounds = ck->rounds;
		row.last_change = ck->last_change;
		row.weight = ck->weight;
		strlcpy(row.reason, ck->reason, sizeof(row.reason));
		check_suspend_row(ck, &row);
		if (child_ctl_send(IMSG_CTL_CHECK, imsg->hdr.peerid, &row,
		    sizeof(row)) == -1)
			return (-1);
	}
	if (check_proc_ctl(imsg->hdr.peerid, req.name) == -1)
		return (-1);
	return (check_script_ctl(imsg->hdr.peerid, req.name));
}

void
check_shutdown(void)
{
	struct check	*ck;
	struct check_rs	*rs;

	while ((ck = TAILQ_FIRST(&checks)) != NULL) {
		TAILQ_REMOVE(&checks, ck, entry);
		check_free(ck);
	}
	while ((rs = TAILQ_FIRST(&rss)) != NULL) {
		TAILQ_REMOVE(&rss, rs, entry);
		free(rs);
	}
	check_ping_shutdown();
	SSL_CTX_free(check_ssl_ctx);
	SSL_CTX_free(check_ssl_ctx_verify);
	check_ssl_ctx = check_ssl_ctx_verify = NULL;
}
