/*
 * HTTP_GET and SSL_GET: GET each url in turn, on its own connection; the
 * status must be one of status_code (2xx if none) and, when a digest is
 * given, the MD5 of the body must match.  SSL_GET speaks TLS through
 * OpenSSL, with SNI and certificate verification when asked.
 *
 * The response parser is a pure function of its input, fed in pieces of
 * any size: status line, headers, then a body by Content-Length, chunks
 * or the end of the connection.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "checkd.h"
#include "log.h"

void
http_parser_init(struct http_parser *p, int head_only,
    void (*body)(void *, const uint8_t *, size_t), void *arg)
{
	memset(p, 0, sizeof(*p));
	p->state = HTTP_P_STATUS;
	p->head_only = head_only;
	p->content_length = -1;
	p->body = body;
	p->arg = arg;
}

static int
http_error(struct http_parser *p, const char *why)
{
	p->state = HTTP_P_ERROR;
	p->error = why;
	return (HTTP_PARSE_ERR);
}

/* "HTTP/1.1 200 OK": the code, or -1. */
int
http_status_line(const char *l, int *code)
{
	if (strncmp(l, "HTTP/", 5) != 0 || !isdigit((unsigned char)l[5]) ||
	    l[6] != '.' || !isdigit((unsigned char)l[7]) || l[8] != ' ')
		return (-1);
	l += 9;
	if (!isdigit((unsigned char)l[0]) || !isdigit((unsigned char)l[1]) ||
	    !isdigit((unsigned char)l[2]) || (l[3] != ' ' && l[3] != '\0'))
		return (-1);
	*code = (l[0] - '0') * 100 + (l[1] - '0') * 10 + (l[2] - '0');
	if (*code < CONF_STATUS_MIN || *code > CONF_STATUS_MAX)
		return (-1);
	return (0);
}

/* The url accepts this status: one of its codes, or 2xx if none set. */
int
http_status_ok(const struct check_url_conf *u, int code)
{
	size_t	 i;
	int	 any = 0;

	if (code < CONF_STATUS_MIN || code > CONF_STATUS_MAX)
		return (0);
	for (i = 0; i < sizeof(u->status); i++)
		any |= u->status[i];
	if (!any)
		return (code >= 200 && code <= 299);
	code -= CONF_STATUS_MIN;
	return ((u->status[code / 8] >> (code % 8)) & 1);
}

static int
is_tchar(int c)
{
	return (isalnum(c) || (c != '\0' && strchr("!#$%&'*+-.^_`|~", c)));
}

static void
trim(char **s)
{
	char	*e;

	while (**s == ' ' || **s == '\t')
		(*s)++;
	e = *s + strlen(*s);
	while (e > *s && (e[-1] == ' ' || e[-1] == '\t'))
		*--e = '\0';
}

static int
http_header(struct http_parser *p, char *l)
{
	char		*v, *last;
	uint64_t	 n = 0;

	if (*l == ' ' || *l == '\t')
		return (0);		/* obsolete folding: ignored */
	if ((v = strchr(l, ':')) == NULL || v == l)
		return (http_error(p, "malformed header"));
	*v++ = '\0';
	for (last = l; *last != '\0'; last++)
		if (!is_tchar((unsigned char)*last))
			return (http_error(p, "malformed header name"));
	trim(&v);
	if (strcasecmp(l, "Content-Length") == 0) {
		if (*v == '\0' || strlen(v) > 15)
			return (http_error(p, "bad Content-Length"));
		for (; *v != '\0'; v++) {
			if (!isdigit((unsigned char)*v))
				return (http_error(p, "bad Content-Length"));
			n = n * 10 + (*v - '0');
		}
		if (p->content_length >= 0 && (uint64_t)p->content_length != n)
			return (http_error(p, "conflicting Content-Length"));
		p->content_length = (int64_t)n;
	} else if (strcasecmp(l, "Transfer-Encoding") == 0) {
		/* Chunked if it is the last coding. */
		last = strrchr(v, ',');
		last = last != NULL ? last + 1 : v;
		trim(&last);
		p->chunked = strcasecmp(last, "chunked") == 0;
	}
	return (0);
}

static int
http_headers_end(struct http_parser *p)
{
	if (p->status < 200) {
		if (p->status == 101)
			return (http_error(p, "unexpected protocol switch"));
		/* An interim response: the real one follows. */
		p->state = HTTP_P_STATUS;
		p->content_length = -1;
		p->chunked = 0;
		return (0);
	}
	if (p->head_only || p->status == 204 || p->status == 304) {
		p->state = HTTP_P_DONE;
		return (0);
	}
	if (p->chunked)
		p->state = HTTP_P_CHUNK_SIZE;
	else if (p->content_length >= 0) {
		p->remaining = (uint64_t)p->content_length;
		if (p->remaining > HTTP_BODY_MAX)
			return (http_error(p, "body too large"));
		p->state = p->remaining == 0 ? HTTP_P_DONE : HTTP_P_BODY_LEN;
	} else
		p->state = HTTP_P_BODY_EOF;
	return (0);
}

static int
http_chunk_size(struct http_parser *p, const char *l)
{
	uint64_t	 n = 0;
	int		 digits = 0, c;

	for (; isxdigit((unsigned char)*l); l++) {
		if (++digits > 12)
			return (http_error(p, "chunk too large"));
		c = tolower((unsigned char)*l);
		n = n * 16 + (isdigit(c) ? c - '0' : c - 'a' + 10);
	}
	while (*l == ' ' || *l == '\t')
		l++;
	if (digits == 0 || (*l != '\0' && *l != ';'))
		return (http_error(p, "bad chunk size"));
	if (n == 0)
		p->state = HTTP_P_TRAILERS;
	else {
		if (p->body_len + n > HTTP_BODY_MAX)
			return (http_error(p, "body too large"));
		p->remaining = n;
		p->state = HTTP_P_CHUNK_DATA;
	}
	return (0);
}

/* One complete line, without its end. */
static int
http_line(struct http_parser *p, char *l)
{
	switch (p->state) {
	case HTTP_P_STATUS:
		if (http_status_line(l, &p->status) == -1)
			return (http_error(p, "malformed status line"));
		p->state = HTTP_P_HEADERS;
		return (0);
	case HTTP_P_HEADERS:
		if (*l == '\0')
			return (http_headers_end(p));
		return (http_header(p, l));
	case HTTP_P_CHUNK_SIZE:
		return (http_chunk_size(p, l));
	case HTTP_P_CHUNK_END:
		if (*l != '\0')
			return (http_error(p, "chunk not followed by CRLF"));
		p->state = HTTP_P_CHUNK_SIZE;
		return (0);
	case HTTP_P_TRAILERS:
		if (*l == '\0')
			p->state = HTTP_P_DONE;
		return (0);
	default:
		return (http_error(p, "parser state"));
	}
}

static void
http_body(struct http_parser *p, const uint8_t *b, size_t n)
{
	p->body_len += n;
	if (p->body != NULL && n > 0)
		p->body(p->arg, b, n);
}

/* Feed bytes: HTTP_PARSE_MORE, HTTP_PARSE_DONE or HTTP_PARSE_ERR. */
int
http_parse(struct http_parser *p, const uint8_t *buf, size_t len)
{
	const uint8_t	*nl;
	size_t		 i = 0, n;
	int		 skip;

	while (i < len) {
		switch (p->state) {
		case HTTP_P_DONE:
			return (HTTP_PARSE_DONE);
		case HTTP_P_ERROR:
			return (HTTP_PARSE_ERR);
		case HTTP_P_BODY_LEN:
		case HTTP_P_CHUNK_DATA:
			n = len - i;
			if (n > p->remaining)
				n = p->remaining;
			http_body(p, buf + i, n);
			i += n;
			p->remaining -= n;
			if (p->remaining == 0)
				p->state = p->state == HTTP_P_BODY_LEN ?
				    HTTP_P_DONE : HTTP_P_CHUNK_END;
			continue;
		case HTTP_P_BODY_EOF:
			n = len - i;
			if (p->body_len + n > HTTP_BODY_MAX)
				return (http_error(p, "body too large"));
			http_body(p, buf + i, n);
			i = len;
			continue;
		default:
			break;
		}
		/* A line-oriented state. */
		nl = memchr(buf + i, '\n', len - i);
		n = (nl != NULL ? (size_t)(nl - (buf + i)) : len - i);
		if (memchr(buf + i, '\0', n) != NULL)
			return (http_error(p, "NUL byte in a line"));
		if (p->linelen + n >= sizeof(p->line)) {
			/* Only a header or trailer may be skipped. */
			if (p->state != HTTP_P_HEADERS &&
			    p->state != HTTP_P_TRAILERS)
				return (http_error(p, "line too long"));
			p->overflow = 1;
			p->linelen = 0;
		} else {
			memcpy(p->line + p->linelen, buf + i, n);
			p->linelen += n;
		}
		i += n;
		if (nl == NULL)
			break;
		i++;	/* the \n */
		if (p->linelen > 0 && p->line[p->linelen - 1] == '\r')
			p->linelen--;
		p->line[p->linelen] = '\0';
		skip = p->overflow;
		p->overflow = 0;
		p->linelen = 0;
		if (!skip && http_line(p, p->line) == HTTP_PARSE_ERR)
			return (HTTP_PARSE_ERR);
	}
	if (p->state == HTTP_P_DONE)
		return (HTTP_PARSE_DONE);
	return (HTTP_PARSE_MORE);
}

/* The server closed the connection. */
int
http_parse_eof(struct http_parser *p)
{
	switch (p->state) {
	case HTTP_P_DONE:
	case HTTP_P_BODY_EOF:
		p->state = HTTP_P_DONE;
		return (HTTP_PARSE_DONE);
	case HTTP_P_ERROR:
		return (HTTP_PARSE_ERR);
	case HTTP_P_STATUS:
		if (p->linelen == 0 && p->status == 0)
			return (http_error(p, "connection closed without "
			    "a reply"));
		return (http_error(p, "truncated status line"));
	case HTTP_P_HEADERS:
		return (http_error(p, "truncated headers"));
	default:
		return (http_error(p, "truncated body"));
	}
}

/*
 * The check: one connection per url.
 */
enum http_phase { PH_CONNECT = 0, PH_TLS, PH_WRITE, PH_READ };

struct http_state {
	size_t			 url;
	int			 phase;
	SSL			*ssl;
	EVP_MD_CTX		*md;
	struct http_parser	 p;
	int			 done;	/* answer complete: wait for close */
	char			 req[HAD_PATHLEN + CONF_HOSTLEN + 128];
	size_t			 reqlen, reqoff;
};

static void	http_io(int, short, void *);
static void	http_next_url(struct check *);

static void
http_cleanup(struct check *ck)
{
	struct http_state	*hs = ck->priv;

	if (hs == NULL)
		return;
	SSL_free(hs->ssl);
	EVP_MD_CTX_free(hs->md);
	free(hs);
	ck->priv = NULL;
}

static const char *
http_vhost(const struct check *ck, const struct check_url_conf *u)
{
	if (u->virtualhost[0] != '\0')
		return (u->virtualhost);
	if (ck->c->virtualhost[0] != '\0')
		return (ck->c->virtualhost);
	if (ck->vhost[0] != '\0')
		return (ck->vhost);
	return (NULL);
}

const char *
check_ssl_errstr(void)
{
	unsigned long	 e;
	const char	*r = NULL;

	while ((e = ERR_get_error()) != 0)
		if (r == NULL)
			r = ERR_reason_error_string(e);
	return (r != NULL ? r : "protocol error");
}

static void
http_md(void *arg, const uint8_t *b, size_t n)
{
	EVP_MD_CTX	*md = arg;

	(void)EVP_DigestUpdate(md, b, n);
}

/* The response is complete: status, then digest. */
static void
http_judge(struct check *ck)
{
	struct http_state		*hs = ck->priv;
	const struct check_url_conf	*u = &ck->urls[hs->url];
	unsigned char			 d[EVP_MAX_MD_SIZE];
	char				 hex[CONF_DIGESTLEN];
	unsigned int			 dl = 0, i;

	if (!http_status_ok(u, hs->p.status)) {
		check_result(ck, 0, "HTTP %d from %s", hs->p.status, u->path);
		return;
	}
	if (u->digest[0] != '\0') {
		if (EVP_DigestFinal_ex(hs->md, d, &dl) != 1 || dl != 16) {
			check_result(ck, 0, "MD5 failed");
			return;
		}
		for (i = 0; i < dl; i++)
			snprintf(hex + i * 2, sizeof(hex) - i * 2, "%02x",
			    d[i]);
		if (strcasecmp(hex, u->digest) != 0) {
			check_result(ck, 0, "digest mismatch on %s", u->path);
			return;
		}
	}
	if (hs->url + 1 < ck->nurls) {
		hs->url++;
		http_next_url(ck);
		return;
	}
	check_result(ck, 1, "HTTP %d from %s in %u ms", hs->p.status,
	    u->path, check_elapsed(ck));
}

static void
http_want_ssl(struct check *ck, int r)
{
	struct http_state	*hs = ck->priv;

	switch (SSL_get_error(hs->ssl, r)) {
	case SSL_ERROR_WANT_READ:
		check_want(ck, EV_READ, http_io);
		break;
	case SSL_ERROR_WANT_WRITE:
		check_want(ck, EV_WRITE, http_io);
		break;
	case SSL_ERROR_SYSCALL:
		check_result(ck, 0, "TLS: %s", errno ? check_errstr(errno, 1) :
		    "connection closed");
		break;
	default:
		check_result(ck, 0, "TLS: %s", check_ssl_errstr());
		break;
	}
}

static void
http_tls(struct check *ck)
{
	struct http_state	*hs = ck->priv;
	long			 v;
	int			 r;

	ERR_clear_error();
	errno = 0;
	if ((r = SSL_connect(hs->ssl)) == 1) {
		hs->phase = PH_WRITE;
		check_want(ck, EV_WRITE, http_io);
		return;
	}
	switch (SSL_get_error(hs->ssl, r)) {
	case SSL_ERROR_WANT_READ:
		check_want(ck, EV_READ, http_io);
		return;
	case SSL_ERROR_WANT_WRITE:
		check_want(ck, EV_WRITE, http_io);
		return;
	default:
		break;
	}
	if ((v = SSL_get_verify_result(hs->ssl)) != X509_V_OK)
		check_result(ck, 0, "TLS handshake failed: certificate: %s",
		    X509_verify_cert_error_string(v));
	else if (ERR_peek_error() != 0)
		check_result(ck, 0, "TLS handshake failed: %s",
		    check_ssl_errstr());
	else
		check_result(ck, 0, "TLS handshake failed: %s",
		    errno ? check_errstr(errno, 1) : "connection closed");
}

static void
http_write(struct check *ck)
{
	struct http_state	*hs = ck->priv;
	ssize_t			 n;

	while (hs->reqoff < hs->reqlen) {
		if (hs->ssl != NULL) {
			ERR_clear_error();
			n = SSL_write(hs->ssl, hs->req + hs->reqoff,
			    hs->reqlen - hs->reqoff);
			if (n <= 0) {
				http_want_ssl(ck, (int)n);
				return;
			}
		} else {
			n = send(ck->fd, hs->req + hs->reqoff,
			    hs->reqlen - hs->reqoff, MSG_NOSIGNAL);
			if (n == -1) {
				if (errno == EAGAIN || errno == EINTR) {
					check_want(ck, EV_WRITE, http_io);
					return;
				}
				check_result(ck, 0, "%s",
				    check_errstr(errno, 1));
				return;
			}
		}
		hs->reqoff += n;
	}
	hs->phase = PH_READ;
	check_want(ck, EV_READ, http_io);
}

static void
http_read(struct check *ck)
{
	struct http_state		*hs = ck->priv;
	const struct check_url_conf	*u = &ck->urls[hs->url];
	uint8_t				 buf[8192];
	ssize_t				 n;
	int				 r, rounds;

	for (rounds = 0; rounds < 64; rounds++) {
		if (hs->ssl != NULL) {
			ERR_clear_error();
			errno = 0;
			n = SSL_read(hs->ssl, buf, sizeof(buf));
			if (n <= 0) {
				r = SSL_get_error(hs->ssl, (int)n);
				if (r == SSL_ERROR_ZERO_RETURN ||
				    (r == SSL_ERROR_SYSCALL && errno == 0))
					n = 0;
				else {
					http_want_ssl(ck, (int)n);
					return;
				}
			}
		} else if ((n = recv(ck->fd, buf, sizeof(buf), 0)) == -1) {
			if (errno == EAGAIN || errno == EINTR) {
				check_want(ck, EV_READ, http_io);
				return;
			}
			check_result(ck, 0, "%s from %s",
			    check_errstr(errno, 1), u->path);
			return;
		}
		if (hs->done) {
			if (n == 0) {
				http_judge(ck);
				return;
			}
			continue;	/* beyond what it announced: ignored */
		}
		r = n == 0 ? http_parse_eof(&hs->p) :
		    http_parse(&hs->p, buf, (size_t)n);
		if (r == HTTP_PARSE_ERR) {
			check_result(ck, 0, "bad HTTP reply from %s: %s",
			    u->path, hs->p.error);
			return;
		}
		if (r == HTTP_PARSE_DONE) {
			if (n == 0) {
				http_judge(ck);
				return;
			}
			/*
			 * Asked for "Connection: close": the server closes
			 * next.  Its close first, then our reset: a reset
			 * that overtook it would wake the server once more
			 * to find its connection gone (and some log that).
			 * The answer's latency is now.
			 */
			hs->done = 1;
			check_clock(&ck->answered);
		}
	}
	check_want(ck, EV_READ, http_io);
}

static void
http_connected(struct check *ck)
{
	struct http_state	*hs = ck->priv;

	ck->connected = 1;
	if (hs->ssl != NULL) {
		hs->phase = PH_TLS;
		http_tls(ck);
	} else {
		hs->phase = PH_WRITE;
		http_write(ck);
	}
}

static void
http_io(int fd, short ev, void *arg)
{
	struct check		*ck = arg;
	struct http_state	*hs = ck->priv;
	int			 err = 0;
	socklen_t		 len = sizeof(err);

	switch (hs->phase) {
	case PH_CONNECT:
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
			err = errno;
		if (err != 0) {
			check_result(ck, 0, "%s", check_errstr(err, 0));
			return;
		}
		http_connected(ck);
		break;
	case PH_TLS:
		http_tls(ck);
		break;
	case PH_WRITE:
		http_write(ck);
		break;
	case PH_READ:
		http_read(ck);
		break;
	}
}

static void
http_next_url(struct check *ck)
{
	struct http_state		*hs = ck->priv;
	const struct check_url_conf	*u = &ck->urls[hs->url];
	const char			*vh = http_vhost(ck, u);
	int				 n;

	SSL_free(hs->ssl);
	hs->ssl = NULL;
	check_release(ck);
	ck->connected = 0;
	hs->phase = PH_CONNECT;
	hs->done = 0;
	memset(&ck->answered, 0, sizeof(ck->answered));
	if (strpbrk(u->path, " \r\n\t") != NULL || u->path[0] == '\0') {
		check_result(ck, 0, "bad url path");
		return;
	}
	n = snprintf(hs->req, sizeof(hs->req), "GET %s HTTP/1.1\r\n"
	    "Host: %s\r\nUser-Agent: had-checkd\r\nAccept: */*\r\n"
	    "Connection: close\r\n\r\n", u->path, vh != NULL ? vh :
	    ck->dst_str);
	if (n < 0 || (size_t)n >= sizeof(hs->req)) {
		check_result(ck, 0, "request too long");
		return;
	}
	hs->reqlen = n;
	hs->reqoff = 0;
	http_parser_init(&hs->p, u->digest[0] == '\0', http_md, hs->md);
	if (u->digest[0] != '\0' &&
	    EVP_DigestInit_ex(hs->md, EVP_md5(), NULL) != 1) {
		check_result(ck, 0, "MD5 not available");
		return;
	}
	if (ck->c->type == CHECK_SSL) {
		hs->ssl = SSL_new(ck->c->verify_cert ? check_ssl_ctx_verify :
		    check_ssl_ctx);
		if (hs->ssl == NULL) {
			check_result(ck, 0, "TLS: %s", check_ssl_errstr());
			return;
		}
		if (ck->c->enable_sni && vh != NULL)
			(void)SSL_set_tlsext_host_name(hs->ssl, vh);
		if (ck->c->verify_cert && vh != NULL)
			(void)SSL_set1_host(hs->ssl, vh);
	}
	if (check_connect(ck, SOCK_STREAM) == -1)
		return;
	if (hs->ssl != NULL && SSL_set_fd(hs->ssl, ck->fd) != 1) {
		check_result(ck, 0, "TLS: %s", check_ssl_errstr());
		return;
	}
	switch (check_connect_done(ck)) {
	case 1:
		http_connected(ck);
		return;
	case -1:
		return;
	}
	check_want(ck, EV_WRITE, http_io);
}

static void
http_start(struct check *ck)
{
	struct http_state	*hs;

	if (ck->nurls == 0) {
		check_result(ck, 0, "no url to get");
		return;
	}
	/* OpenSSL only now: most configurations never need it. */
	if (check_ssl_init() == -1 ||
	    (ck->c->type == CHECK_SSL && check_ssl_ctx == NULL)) {
		check_result(ck, 0, "TLS not initialised");
		return;
	}
	if ((hs = calloc(1, sizeof(*hs))) == NULL ||
	    (hs->md = EVP_MD_CTX_new()) == NULL) {
		free(hs);
		check_result(ck, 0, "out of memory");
		return;
	}
	ck->priv = hs;
	http_next_url(ck);
}

static void
http_timeout(struct check *ck)
{
	struct http_state	*hs = ck->priv;
	char			 t[16];

	check_secs(ck->c->connect_timeout_ms, t, sizeof(t));
	if (hs != NULL && hs->done) {
		/* A complete answer; the server kept the connection open. */
		http_judge(ck);
		return;
	}
	if (hs == NULL || hs->phase == PH_CONNECT)
		check_result(ck, 0, "connect timeout after %s", t);
	else if (hs->phase == PH_TLS)
		check_result(ck, 0, "TLS handshake failed: timeout after %s",
		    t);
	else
		check_result(ck, 0, "read timeout after %s on %s", t,
		    ck->urls[hs->url].path);
}

const struct check_type check_type_http = {
	.name = "HTTP_GET",
	.stream = 1,
	.keep_socket = 1,
	.start = http_start,
	.cleanup = http_cleanup,
	.timeout = http_timeout,
};

const struct check_type check_type_ssl = {
	.name = "SSL_GET",
	.stream = 1,
	.keep_socket = 1,
	.start = http_start,
	.cleanup = http_cleanup,
	.timeout = http_timeout,
};
