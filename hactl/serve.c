/*
 * hactl serve: HTTP in front of had's control socket, for Prometheus,
 * programs and people.  libevent's evhttp parses HTTP; every request is
 * one or more ordinary control requests (a member of group _had may
 * look), answered with what hactl prints: /metrics as hactl show metrics,
 * /api/v1/DOC as hactl -j show DOC, / the status page from
 * SHAREDIR/had/www, read once at start.  Writes (drain, maintenance)
 * only with -w and a bearer token; they go over one control connection
 * opened as root before the privileges are dropped.
 */
#include <sys/types.h>
#include <sys/queue.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/prctl.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>

#include <zlib.h>

#include "hactl.h"
#include "msg.h"
#include "proc.h"

#ifndef SHAREDIR
#define SHAREDIR		"/usr/local/share"
#endif

#define SERVE_ADDR		"127.0.0.1"
#define SERVE_PORT		9180
#define SERVE_USER		"_had"
#define SERVE_MAX_CONNS		64	/* open descriptors, see serve_limits */
#define SERVE_MAX_HEADERS	8192	/* request line and headers */
#define SERVE_MAX_BODY		1024
#define SERVE_IO_TIMEOUT	10	/* seconds to read a request */
#define SERVE_HAD_TIMEOUT_MS	5000	/* for had's answer */
#define SERVE_TOKEN_MIN		16
#define SERVE_TOKEN_MAX		256
#define SERVE_FILE_MAX		(256 * 1024)
#define SERVE_CACHE_MS		1000
#define SERVE_GZIP_MIN		1024	/* smaller answers go as they are */
#define SERVE_GZIP_LEVEL	1	/* metrics text shrinks ~25x even so */
#define SERVE_COST_FACTOR	10	/* kept for 10x what it cost to make */
#define SERVE_CACHE_MAX_MS	10000
#define METRICS_TYPE		"text/plain; version=0.0.4; charset=utf-8"

/* The status page: these files and no others, read at start. */
static struct static_file {
	const char	*path;		/* in the URL */
	const char	*file;		/* in the directory */
	const char	*type;
	char		*data;
	size_t		 len;
} files[] = {
	{ "/", "index.html", "text/html; charset=utf-8", NULL, 0 },
	{ "/index.html", "index.html", "text/html; charset=utf-8", NULL, 0 },
	{ "/style.css", "style.css", "text/css; charset=utf-8", NULL, 0 },
	{ "/app.js", "app.js", "text/javascript; charset=utf-8", NULL, 0 },
};

static struct {
	const char		*sock;
	int			 write;
	int			 rootfd;	/* -w as root: for writes */
	char			 token[SERVE_TOKEN_MAX + 1];
	size_t			 tokenlen;
	struct event_base	*base;
	struct evconnlistener	*lev;
	struct event		*resume;
} sv = { .rootfd = -1 };

/*
 * The last answer to each GET of had's state, given again for -c ms (a
 * scrape of 1,000 x 20 real servers is megabytes through had); a POST
 * forgets them all.
 */
struct body {
	char		*buf;
	size_t		 len;
	int		 refs;	/* the cache's and each reply being sent */
	struct body	*gz;	/* the same compressed, made on first need */
	int		 gzfailed;
	long		 cost_ms;	/* to make it: had's answer, gzip */
};
struct cached {
	struct body	*body;
	struct timespec	 at;
};
#define CACHE_METRICS	0	/* then one per docs[] */
static struct cached	 cache[6];
static long		 cache_ms = SERVE_CACHE_MS;

static const struct {
	const char	*name;
	uint32_t	 type;
} docs[] = {
	{ "procs", IMSG_CTL_SHOW_PROCS },
	{ "vrrp", IMSG_CTL_SHOW_VRRP },
	{ "lvs", IMSG_CTL_SHOW_LVS },
	{ "checks", IMSG_CTL_SHOW_CHECKS },
	{ "history", IMSG_CTL_SHOW_HISTORY },
};

static __attribute__((__noreturn__)) void
serve_usage(void)
{
	fprintf(stderr, "usage: hactl [-s socket] serve [-c ms] "
	    "[-d dir] [-l addr:port] [-u user] [-w tokenfile]\n");
	exit(2);
}

static void
headers(struct evhttp_request *req, const char *type)
{
	struct evkeyvalq	*h = evhttp_request_get_output_headers(req);

	evhttp_add_header(h, "Content-Type", type);
	evhttp_add_header(h, "Cache-Control", "no-store");
	evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
	evhttp_add_header(h, "Content-Security-Policy",
	    "default-src 'self'; frame-ancestors 'none'");
}

static void
reply(struct evhttp_request *req, int code, const char *reason,
    const char *type, const void *body, size_t len)
{
	struct evbuffer		*b = evbuffer_new();

	headers(req, type);
	if (b == NULL) {
		evhttp_send_error(req, HTTP_INTERNAL, NULL);
		return;
	}
	evbuffer_add(b, body, len);
	evhttp_send_reply(req, code, reason, b);
	evbuffer_free(b);
}

/* {"schema": 1, "error": "..."} with an HTTP status. */
static void
reply_error(struct evhttp_request *req, int code, const char *reason,
    const char *msg)
{
	char	*buf = NULL;
	size_t	 len = 0;
	FILE	*f;

	if ((f = open_memstream(&buf, &len)) == NULL) {
		evhttp_send_error(req, HTTP_INTERNAL, NULL);
		return;
	}
	fprintf(f, "{\"schema\": %d, \"error\": ", HACTL_SCHEMA);
	json_string(f, msg);
	fprintf(f, "}\n");
	fclose(f);
	if (code == 401)
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "WWW-Authenticate", "Bearer realm=\"hactl\"");
	reply(req, code, reason, "application/json", buf, len);
	free(buf);
}

/* had's refusal or silence as an HTTP status. */
static void
reply_had_error(struct evhttp_request *req)
{
	if (strncmp(hactl_lasterr, "permission denied", 17) == 0)
		reply_error(req, 403, "Forbidden", hactl_lasterr);
	else if (strncmp(hactl_lasterr, "cannot connect", 14) == 0)
		reply_error(req, 503, "Service Unavailable", hactl_lasterr);
	else
		reply_error(req, 502, "Bad Gateway", hactl_lasterr);
}

static void
body_unref(const void *data, size_t len, void *arg)
{
	struct body	*b = arg;

	if (--b->refs == 0) {
		if (b->gz != NULL)
			body_unref(NULL, 0, b->gz);
		free(b->buf);
		free(b);
	}
}

/*
 * Whether Accept-Encoding allows gzip (RFC 9110 12.5.3): a "gzip",
 * "x-gzip" or "*" member whose q is not 0.  Prometheus asks for it.
 */
static int
accepts_gzip(struct evhttp_request *req)
{
	const char	*h, *p, *e, *q;
	size_t		 n;
	int		 ok = 0;

	h = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "Accept-Encoding");
	for (p = h; p != NULL && *p != '\0'; p = *e ? e + 1 : e) {
		p += strspn(p, " \t");
		e = p + strcspn(p, ",");
		n = strcspn(p, " \t;,");
		if (!((n == 4 && strncasecmp(p, "gzip", 4) == 0) ||
		    (n == 6 && strncasecmp(p, "x-gzip", 6) == 0) ||
		    (n == 1 && *p == '*')))
			continue;
		q = p + n;
		q += strspn(q, " \t");
		if (*q == ';') {
			q++;
			q += strspn(q, " \t");
			/* q=0, q=0.0, q=0.00, q=0.000 refuse it. */
			if ((q[0] == 'q' || q[0] == 'Q') && q[1] == '=' &&
			    q[2] == '0' && strspn(q + 3, ".0") ==
			    strcspn(q + 3, " \t,"))
				return (0);
		}
		ok = 1;
	}
	return (ok);
}

/* bd deflated into a gzip member, kept beside it; NULL if it fails. */
static struct body *
body_gzip(struct body *bd)
{
	struct body	*gz;
	struct timespec	 t0;
	z_stream	 z;
	uLong		 bound;

	if (bd->gz != NULL || bd->gzfailed)
		return (bd->gz);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, SERVE_GZIP_LEVEL, Z_DEFLATED, 15 + 16, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK) {
		bd->gzfailed = 1;
		return (NULL);
	}
	bound = deflateBound(&z, bd->len) + 32;
	if ((gz = calloc(1, sizeof(*gz))) == NULL ||
	    (gz->buf = malloc(bound)) == NULL) {
		free(gz);
		deflateEnd(&z);
		bd->gzfailed = 1;
		return (NULL);
	}
	z.next_in = (Bytef *)bd->buf;
	z.avail_in = bd->len;
	z.next_out = (Bytef *)gz->buf;
	z.avail_out = bound;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END || z.total_out >= bd->len) {
		deflateEnd(&z);
		free(gz->buf);
		free(gz);
		bd->gzfailed = 1;
		return (NULL);
	}
	gz->len = z.total_out;
	gz->refs = 1;	/* bd's */
	deflateEnd(&z);
	bd->gz = gz;
	bd->cost_ms += ts_ms_since(&t0);
	return (gz);
}

/*
 * bd referenced by the reply, not copied; compressed (once, kept with
 * it) for a client that accepts gzip.
 */
static void
reply_shared(struct evhttp_request *req, const char *type, struct body *bd)
{
	struct evkeyvalq	*h = evhttp_request_get_output_headers(req);
	struct evbuffer		*b;
	struct body		*gz;

	if (bd->len == 0 || (b = evbuffer_new()) == NULL) {
		reply(req, 200, "OK", type, bd->buf, bd->len);
		return;
	}
	headers(req, type);
	evhttp_add_header(h, "Vary", "Accept-Encoding");
	if (bd->len >= SERVE_GZIP_MIN && accepts_gzip(req) &&
	    (gz = body_gzip(bd)) != NULL) {
		evhttp_add_header(h, "Content-Encoding", "gzip");
		bd = gz;
	}
	bd->refs++;
	if (evbuffer_add_reference(b, bd->buf, bd->len, body_unref,
	    bd) == -1) {
		bd->refs--;
		evbuffer_free(b);
		evhttp_send_error(req, HTTP_INTERNAL, NULL);
		return;
	}
	evhttp_send_reply(req, 200, "OK", b);
	evbuffer_free(b);
}

static int
cache_reply(struct evhttp_request *req, int slot, const char *type)
{
	struct cached	*c = &cache[slot];
	long		 age, keep;

	if (c->body == NULL)
		return (0);
	/*
	 * An answer that is costly to make (20,000 real servers: a
	 * quarter of a second) is kept longer, so that however many ask,
	 * making it takes at most a tenth of a core.
	 */
	keep = SERVE_COST_FACTOR * c->body->cost_ms;
	if (keep > SERVE_CACHE_MAX_MS)
		keep = SERVE_CACHE_MAX_MS;
	if (keep < cache_ms)
		keep = cache_ms;
	age = ts_ms_since(&c->at);
	if (age < 0 || age >= keep)
		return (0);
	reply_shared(req, type, c->body);
	return (1);
}

/*
 * Sends buf, which is ours from now on, referenced by the reply rather
 * than copied (a scrape of 1,000 x 20 is megabytes); kept in the slot
 * (-1: none) for the next -c ms, or longer when it took long to make
 * (since t0).
 */
static void
reply_keep(struct evhttp_request *req, int slot, const char *type,
    char *buf, size_t len, const struct timespec *t0)
{
	struct body	*b;

	if ((b = calloc(1, sizeof(*b))) == NULL) {
		reply(req, 200, "OK", type, buf, len);
		free(buf);
		return;
	}
	b->buf = buf;
	b->len = len;
	b->refs = 1;
	b->cost_ms = ts_ms_since(t0);
	reply_shared(req, type, b);
	if (slot == -1 || cache_ms == 0) {
		body_unref(NULL, 0, b);
		return;
	}
	if (cache[slot].body != NULL)
		body_unref(NULL, 0, cache[slot].body);
	cache[slot].body = b;
	clock_gettime(CLOCK_MONOTONIC, &cache[slot].at);
}

static void
cache_forget(void)
{
	size_t	 i;

	for (i = 0; i < sizeof(cache) / sizeof(cache[0]); i++) {
		if (cache[i].body != NULL)
			body_unref(NULL, 0, cache[i].body);
		cache[i].body = NULL;
	}
}

/*
 * One control request with its JSON as the reply.  The printers of
 * output.c write to stdout; glibc lets stdout be assigned, so it is a
 * memory stream for the request's time (hactl serve is one thread).
 */
static void
serve_json(struct evhttp_request *req, int slot, int fd, uint32_t type,
    const void *msg, size_t len)
{
	struct timespec	 t0;
	FILE		*saved, *f;
	char		*buf = NULL;
	size_t		 blen = 0;
	int		 r, keep = fd != -1;

	if (slot != -1 && cache_reply(req, slot, "application/json"))
		return;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (!keep && (fd = hactl_connect(sv.sock)) == -1) {
		reply_had_error(req);
		return;
	}
	fflush(stdout);
	if ((f = open_memstream(&buf, &blen)) == NULL) {
		if (!keep)
			close(fd);
		evhttp_send_error(req, HTTP_INTERNAL, NULL);
		return;
	}
	saved = stdout;
	stdout = f;
	r = hactl_run(fd, type, msg, len, 1, 0);
	stdout = saved;
	fclose(f);
	hactl_finish(keep ? -1 : fd);
	if (r != 0) {
		if (keep && strncmp(hactl_lasterr, "had closed", 10) == 0) {
			/* had restarted: writes need hactl serve restarted. */
			close(sv.rootfd);
			sv.rootfd = -1;
		}
		reply_had_error(req);
	} else {
		reply_keep(req, slot, "application/json", buf, blen, &t0);
		return;
	}
	free(buf);
}

static void
serve_metrics(struct evhttp_request *req)
{
	struct timespec	 t0;
	char		*buf = NULL;
	size_t		 len = 0;
	FILE		*f;
	int		 r;

	if (cache_reply(req, CACHE_METRICS, METRICS_TYPE))
		return;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((f = open_memstream(&buf, &len)) == NULL) {
		evhttp_send_error(req, HTTP_INTERNAL, NULL);
		return;
	}
	r = hactl_metrics(sv.sock, f);
	fclose(f);
	if (r != 0)
		reply_had_error(req);
	else {
		reply_keep(req, CACHE_METRICS, METRICS_TYPE, buf, len, &t0);
		return;
	}
	free(buf);
}

/* Authorization: Bearer TOKEN, compared in constant time. */
static int
authorized(struct evhttp_request *req)
{
	const char		*h;
	size_t			 len, i;
	volatile unsigned char	 diff;

	h = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "Authorization");
	if (h == NULL || strncasecmp(h, "Bearer ", 7) != 0) {
		reply_error(req, 401, "Unauthorized", "a bearer token is "
		    "needed");
		return (0);
	}
	h += 7;
	len = strlen(h);
	/* Every byte of the token looked at, whatever the guess. */
	diff = len != sv.tokenlen;
	for (i = 0; i < sv.tokenlen; i++)
		diff |= (unsigned char)sv.token[i] ^
		    (unsigned char)(i < len ? h[i] : 0);
	if (diff != 0) {
		reply_error(req, 403, "Forbidden", "wrong token");
		return (0);
	}
	return (1);
}

/* The form fields of a POST body (application/x-www-form-urlencoded). */
static int
post_fields(struct evhttp_request *req, struct evkeyvalq *q)
{
	struct evbuffer	*in = evhttp_request_get_input_buffer(req);
	char		 body[SERVE_MAX_BODY + 1];
	size_t		 len = evbuffer_get_length(in);

	TAILQ_INIT(q);
	if (len > SERVE_MAX_BODY)
		return (-1);
	evbuffer_copyout(in, body, len);
	body[len] = '\0';
	if (memchr(body, '\0', len) != NULL)
		return (-1);
	return (evhttp_parse_query_str(body, q));
}

static int
field(struct evkeyvalq *q, const char *name, char *dst, size_t len)
{
	const char	*v = evhttp_find_header(q, name);

	if (v == NULL || *v == '\0' || strlcpy(dst, v, len) >= len)
		return (-1);
	return (0);
}

/* POST /api/v1/drain, /api/v1/undrain (vs, rs), /api/v1/maintenance. */
static void
serve_write(struct evhttp_request *req, const char *what)
{
	struct evkeyvalq	 q;
	struct msg_ctl_drain	 drain;
	struct msg_ctl_req	 mreq;
	char			 state[8];

	if (!sv.write) {
		reply_error(req, 403, "Forbidden", "read-only: hactl serve "
		    "was started without -w");
		return;
	}
	if (!authorized(req))
		return;
	cache_forget();
	if (post_fields(req, &q) == -1) {
		reply_error(req, 400, "Bad Request", "malformed form body");
		return;
	}
	if (strcmp(what, "drain") == 0 || strcmp(what, "undrain") == 0) {
		memset(&drain, 0, sizeof(drain));
		drain.req.arg = what[0] == 'd';
		if (field(&q, "vs", drain.req.name,
		    sizeof(drain.req.name)) == -1 ||
		    field(&q, "rs", drain.rs, sizeof(drain.rs)) == -1)
			reply_error(req, 400, "Bad Request", "vs and rs "
			    "are needed");
		else
			serve_json(req, -1, sv.rootfd, IMSG_CTL_DRAIN, &drain,
			    sizeof(drain));
	} else if (strcmp(what, "maintenance") == 0) {
		memset(&mreq, 0, sizeof(mreq));
		if (field(&q, "state", state, sizeof(state)) == -1 ||
		    (strcmp(state, "on") != 0 && strcmp(state, "off") != 0))
			reply_error(req, 400, "Bad Request", "state=on or "
			    "state=off is needed");
		else if (evhttp_find_header(&q, "instance") != NULL &&
		    field(&q, "instance", mreq.name, sizeof(mreq.name)) == -1)
			reply_error(req, 400, "Bad Request", "bad instance");
		else {
			mreq.arg = strcmp(state, "on") == 0;
			serve_json(req, -1, sv.rootfd, IMSG_CTL_MAINT, &mreq,
			    sizeof(mreq));
		}
	} else
		reply_error(req, 404, "Not Found", "no such action");
	evhttp_clear_headers(&q);
}

static void
serve_request(struct evhttp_request *req, void *arg)
{
	const struct evhttp_uri	*uri = evhttp_request_get_evhttp_uri(req);
	const char		*path = evhttp_uri_get_path(uri);
	enum evhttp_cmd_type	 cmd = evhttp_request_get_command(req);
	struct msg_ctl_req	 mreq;
	size_t			 i;

	if (path == NULL || *path == '\0')
		path = "/";
	if (cmd == EVHTTP_REQ_POST) {
		if (strncmp(path, "/api/v1/", 8) == 0)
			serve_write(req, path + 8);
		else
			reply_error(req, 405, "Method Not Allowed",
			    "POST is only for /api/v1/ actions");
		return;
	}
	if (strcmp(path, "/metrics") == 0) {
		serve_metrics(req);
		return;
	}
	if (strncmp(path, "/api/v1/", 8) == 0) {
		for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++)
			if (strcmp(path + 8, docs[i].name) == 0)
				break;
		if (i == sizeof(docs) / sizeof(docs[0])) {
			reply_error(req, 404, "Not Found", "no such document");
			return;
		}
		memset(&mreq, 0, sizeof(mreq));
		serve_json(req, CACHE_METRICS + 1 + i, -1, docs[i].type,
		    &mreq, sizeof(mreq));
		return;
	}
	/* A fixed table: no path ever reaches the file system. */
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		if (strcmp(path, files[i].path) != 0 || files[i].data == NULL)
			continue;
		reply(req, 200, "OK", files[i].type, files[i].data,
		    files[i].len);
		return;
	}
	reply_error(req, 404, "Not Found", "not found");
}

static void
load_files(const char *dir)
{
	char		 path[PATH_MAX];
	struct stat	 st;
	size_t		 i;
	ssize_t		 n;
	int		 fd;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i].file);
		if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) ==
		    -1 || fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
		    st.st_size > SERVE_FILE_MAX) {
			fprintf(stderr, "hactl serve: %s: %s; no status "
			    "page\n", path, fd == -1 ? strerror(errno) :
			    "not a regular file of at most 256 KiB");
			if (fd != -1)
				close(fd);
			continue;
		}
		if ((files[i].data = malloc(st.st_size + 1)) == NULL ||
		    (n = read(fd, files[i].data, st.st_size)) != st.st_size) {
			fprintf(stderr, "hactl serve: %s: short read\n", path);
			exit(1);
		}
		files[i].len = n;
		close(fd);
	}
}

static void
load_token(const char *path)
{
	ssize_t	 n;
	int	 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		fprintf(stderr, "hactl serve: %s: %s\n", path,
		    strerror(errno));
		exit(1);
	}
	n = read(fd, sv.token, sizeof(sv.token));
	close(fd);
	if (n < 0 || n > SERVE_TOKEN_MAX) {
		fprintf(stderr, "hactl serve: %s: unreadable or longer than "
		    "%d bytes\n", path, SERVE_TOKEN_MAX);
		exit(1);
	}
	while (n > 0 && (sv.token[n - 1] == '\n' || sv.token[n - 1] == '\r'))
		n--;
	sv.token[n] = '\0';
	sv.tokenlen = n;
	if (n < SERVE_TOKEN_MIN || strlen(sv.token) != (size_t)n ||
	    strpbrk(sv.token, " \t\r\n") != NULL) {
		fprintf(stderr, "hactl serve: %s: the token must be one line "
		    "of %d to %d printable bytes\n", path, SERVE_TOKEN_MIN,
		    SERVE_TOKEN_MAX);
		exit(1);
	}
}

/* Root is not needed: drop to the user (group _had lets it look). */
static void
drop_root(const char *user)
{
	struct passwd	*pw;

	if ((pw = getpwnam(user)) == NULL) {
		fprintf(stderr, "hactl serve: no user %s to run as (-u); "
		    "refusing to serve as root\n", user);
		exit(1);
	}
	if (pw->pw_uid == 0) {
		fprintf(stderr, "hactl serve: -u %s is root; refusing\n",
		    user);
		exit(1);
	}
	if (initgroups(pw->pw_name, pw->pw_gid) == -1 ||
	    setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) == -1 ||
	    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) == -1) {
		fprintf(stderr, "hactl serve: dropping to %s: %s\n", user,
		    strerror(errno));
		exit(1);
	}
	if (setuid(0) != -1 || geteuid() == 0) {
		fprintf(stderr, "hactl serve: root could be regained\n");
		exit(1);
	}
}

/*
 * Too many descriptors open (accept says EMFILE): stop accepting for a
 * second rather than spin, the waiting ones stay in the listen queue.
 */
static void
resume_accept(evutil_socket_t fd, short ev, void *arg)
{
	evconnlistener_enable(sv.lev);
}

static void
accept_error(struct evconnlistener *lev, void *arg)
{
	struct timeval	 tv = { 1, 0 };

	evconnlistener_disable(lev);
	evtimer_add(sv.resume, &tv);
}

static int
parse_listen(const char *s, struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)ss;
	char			 host[64], *p, *end;
	long			 port;

	if (strlcpy(host, s, sizeof(host)) >= sizeof(host) ||
	    (p = strrchr(host, ':')) == NULL)
		return (-1);
	*p++ = '\0';
	port = strtol(p, &end, 10);
	if (*p == '\0' || *end != '\0' || port < 1 || port > 65535)
		return (-1);
	memset(ss, 0, sizeof(*ss));
	if (host[0] == '[' && host[strlen(host) - 1] == ']') {
		host[strlen(host) - 1] = '\0';
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		*len = sizeof(*sin6);
		return (inet_pton(AF_INET6, host + 1, &sin6->sin6_addr) == 1 ?
		    0 : -1);
	}
	sin->sin_family = AF_INET;
	sin->sin_port = htons(port);
	*len = sizeof(*sin);
	return (inet_pton(AF_INET, host, &sin->sin_addr) == 1 ? 0 : -1);
}

int
serve_main(int argc, char *argv[], const char *sock)
{
	struct sockaddr_storage	 ss;
	socklen_t		 sslen;
	struct rlimit		 rl;
	struct evhttp		*http;
	const char		*listen_at = NULL, *user = SERVE_USER;
	const char		*tokenfile = NULL, *dir = SHAREDIR "/had/www";
	char			 def[64], *end;
	int			 ch;

	optind = 1;
	while ((ch = getopt(argc, argv, "c:d:l:u:w:")) != -1) {
		switch (ch) {
		case 'c':
			cache_ms = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || cache_ms < 0 ||
			    cache_ms > 60000)
				serve_usage();
			break;
		case 'd':
			dir = optarg;
			break;
		case 'l':
			listen_at = optarg;
			break;
		case 'u':
			user = optarg;
			break;
		case 'w':
			tokenfile = optarg;
			break;
		default:
			serve_usage();
		}
	}
	if (optind != argc)
		serve_usage();
	snprintf(def, sizeof(def), "%s:%d", SERVE_ADDR, SERVE_PORT);
	if (listen_at == NULL)
		listen_at = def;
	if (parse_listen(listen_at, &ss, &sslen) == -1) {
		fprintf(stderr, "hactl serve: -l %s: want ADDR:PORT or "
		    "[ADDR6]:PORT\n", listen_at);
		return (2);
	}
	/* Nothing inherited counts against the bound on descriptors. */
	closefrom(STDERR_FILENO + 1);
	sv.sock = sock;
	hactl_errmode = HACTL_ERR_KEEP;
	hactl_timeout_ms = SERVE_HAD_TIMEOUT_MS;
	signal(SIGPIPE, SIG_IGN);
	load_files(dir);
	if (tokenfile != NULL) {
		load_token(tokenfile);
		sv.write = 1;
	}
	if (geteuid() == 0) {
		/* Writes need root on the control socket: kept open. */
		if (sv.write && (sv.rootfd = hactl_connect(sock)) == -1) {
			fprintf(stderr, "hactl serve: -w: %s\n",
			    hactl_lasterr);
			return (1);
		}
		drop_root(user);
	} else if (sv.write)
		fprintf(stderr, "hactl serve: -w without root: had will "
		    "refuse the writes unless it lets uid %u change its "
		    "state\n", (unsigned)getuid());
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	/* The bound on connections: each is a descriptor. */
	rl.rlim_cur = rl.rlim_max = SERVE_MAX_CONNS + 16;
	if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
		fprintf(stderr, "hactl serve: RLIMIT_NOFILE: %s\n",
		    strerror(errno));

	if ((sv.base = event_base_new()) == NULL ||
	    (http = evhttp_new(sv.base)) == NULL ||
	    (sv.resume = evtimer_new(sv.base, resume_accept, NULL)) == NULL) {
		fprintf(stderr, "hactl serve: libevent setup failed\n");
		return (1);
	}
	sv.lev = evconnlistener_new_bind(sv.base, NULL, NULL,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_EXEC,
	    128, (struct sockaddr *)&ss, sslen);
	if (sv.lev == NULL || evhttp_bind_listener(http, sv.lev) == NULL) {
		fprintf(stderr, "hactl serve: cannot listen on %s: %s\n",
		    listen_at, strerror(errno));
		return (1);
	}
	evconnlistener_set_error_cb(sv.lev, accept_error);
	evhttp_set_allowed_methods(http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD |
	    EVHTTP_REQ_POST);
	evhttp_set_max_headers_size(http, SERVE_MAX_HEADERS);
	evhttp_set_max_body_size(http, SERVE_MAX_BODY);
	evhttp_set_timeout(http, SERVE_IO_TIMEOUT);
	evhttp_set_gencb(http, serve_request, NULL);
	fprintf(stderr, "hactl serve: listening on %s (uid %u, %s)\n",
	    listen_at, (unsigned)getuid(), sv.write ? "drain and maintenance "
	    "with the token" : "read-only");
	event_base_dispatch(sv.base);
	return (0);
}
