/*
 * Unit tests for checkd's HTTP response parser (checkd/check_http.c):
 * every framing (Content-Length, chunked, end of connection), pieces of
 * any size, and clean rejection of garbage and truncation.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "../../checkd/checkd.h"

struct sink {
	char	 buf[4096];
	size_t	 len;
};

static void
collect(void *arg, const uint8_t *b, size_t n)
{
	struct sink	*s = arg;

	cr_assert_leq(s->len + n, sizeof(s->buf));
	memcpy(s->buf + s->len, b, n);
	s->len += n;
}

/* Feed in pieces of `step' bytes (0: all at once), then EOF if asked. */
static int
run(const char *resp, size_t len, size_t step, int eof, int head_only,
    struct http_parser *p, struct sink *s)
{
	size_t	 off = 0, n;
	int	 r = HTTP_PARSE_MORE;

	memset(s, 0, sizeof(*s));
	http_parser_init(p, head_only, collect, s);
	while (off < len) {
		n = step == 0 ? len - off : step;
		if (n > len - off)
			n = len - off;
		r = http_parse(p, (const uint8_t *)resp + off, n);
		off += n;
		if (r != HTTP_PARSE_MORE)
			return (r);
	}
	if (eof)
		r = http_parse_eof(p);
	return (r);
}

static int
run_s(const char *resp, size_t step, int eof, struct http_parser *p,
    struct sink *s)
{
	return (run(resp, strlen(resp), step, eof, 0, p, s));
}

static const char *cl_resp = "HTTP/1.1 200 OK\r\nServer: nginx\r\n"
    "Content-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello";
static const char *chunked_resp = "HTTP/1.1 200 OK\r\n"
    "Transfer-Encoding: gzip, chunked\r\n\r\n"
    "3;ext=1\r\nhel\r\n2\r\nlo\r\n0\r\nX-Trailer: 1\r\n\r\n";

Test(http, content_length_any_split)
{
	struct http_parser	 p;
	struct sink		 s;
	size_t			 step;

	for (step = 0; step < 20; step++) {
		cr_assert_eq(run_s(cl_resp, step, 0, &p, &s), HTTP_PARSE_DONE);
		cr_assert_eq(p.status, 200);
		cr_assert_eq(s.len, 5);
		cr_assert_eq(memcmp(s.buf, "hello", 5), 0);
	}
}

Test(http, chunked_any_split)
{
	struct http_parser	 p;
	struct sink		 s;
	size_t			 step;

	for (step = 0; step < 20; step++) {
		cr_assert_eq(run_s(chunked_resp, step, 0, &p, &s),
		    HTTP_PARSE_DONE, "step %zu", step);
		cr_assert_eq(s.len, 5);
		cr_assert_eq(memcmp(s.buf, "hello", 5), 0);
	}
}

Test(http, body_to_eof)
{
	struct http_parser	 p;
	struct sink		 s;

	cr_assert_eq(run_s("HTTP/1.0 503 Service Unavailable\n\nbusy", 3, 1,
	    &p, &s), HTTP_PARSE_DONE);
	cr_assert_eq(p.status, 503);
	cr_assert_eq(s.len, 4);
}

Test(http, head_only_and_no_body_codes)
{
	struct http_parser	 p;
	struct sink		 s;

	cr_assert_eq(run(cl_resp, strlen(cl_resp), 0, 0, 1, &p, &s),
	    HTTP_PARSE_DONE);
	cr_assert_eq(s.len, 0);
	cr_assert_eq(run_s("HTTP/1.1 204 No Content\r\n\r\n", 0, 0, &p, &s),
	    HTTP_PARSE_DONE);
	cr_assert_eq(run_s("HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n", 0, 0,
	    &p, &s), HTTP_PARSE_DONE);
}

Test(http, interim_response_skipped)
{
	struct http_parser	 p;
	struct sink		 s;

	cr_assert_eq(run_s("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 404 Not "
	    "Found\r\nContent-Length: 2\r\n\r\nno", 1, 0, &p, &s),
	    HTTP_PARSE_DONE);
	cr_assert_eq(p.status, 404);
	cr_assert_eq(run_s("HTTP/1.1 101 Switching\r\n\r\n", 0, 0, &p, &s),
	    HTTP_PARSE_ERR);
}

Test(http, status_lines)
{
	static const char *bad[] = { "", "HTTP/1.1", "HTTP/1.1 ", "HTTP/1.1 20",
	    "HTTP/1.1 2000", "HTTX/1.1 200 OK", "HTTP/11 200 OK",
	    "HTTP/1.1 099 low", "HTTP/1.1 600 high", "HTTP/1.1  200 OK",
	    "http/1.1 200 OK", "HTTP/1.1 2x0 OK", "HTTP/1.1 200OK" };
	size_t	 i;
	int	 c;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(http_status_line(bad[i], &c), -1, "%s", bad[i]);
	cr_assert_eq(http_status_line("HTTP/1.1 200 OK", &c), 0);
	cr_assert_eq(c, 200);
	cr_assert_eq(http_status_line("HTTP/1.0 599", &c), 0);
	cr_assert_eq(c, 599);
}

Test(http, status_codes)
{
	struct check_url_conf	 u;

	memset(&u, 0, sizeof(u));
	cr_assert(http_status_ok(&u, 200));
	cr_assert(http_status_ok(&u, 299));
	cr_assert(!http_status_ok(&u, 301));
	cr_assert(!http_status_ok(&u, 503));
	cr_assert(!http_status_ok(&u, 0));
	cr_assert(!http_status_ok(&u, 9999));
	u.status[(301 - 100) / 8] |= 1 << ((301 - 100) % 8);
	cr_assert(http_status_ok(&u, 301));
	cr_assert(!http_status_ok(&u, 200));
}

Test(http, malformed)
{
	static const char *bad[] = {
		"garbage\r\n\r\n",
		"HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
		"HTTP/1.1 200 OK\r\n: empty name\r\n\r\n",
		"HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 12a\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 999999999999\r\n\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabX\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
		    "fffffffffffffffff\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
		    "ffffffff\r\n",
	};
	struct http_parser	 p;
	struct sink		 s;
	size_t			 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_assert_eq(run_s(bad[i], 0, 1, &p, &s), HTTP_PARSE_ERR,
		    "%s", bad[i]);
		cr_assert_not_null(p.error);
		/* Once failed, it stays failed. */
		cr_assert_eq(http_parse(&p, (const uint8_t *)"x", 1),
		    HTTP_PARSE_ERR);
	}
}

Test(http, nul_and_long_lines)
{
	static const char nul[] = "HTTP/1.1 200 OK\r\nX: a\0b\r\n\r\n";
	struct http_parser	 p;
	struct sink		 s;
	char			*big;
	size_t			 n = 3 * HTTP_LINE_MAX;

	cr_assert_eq(run(nul, sizeof(nul) - 1, 0, 1, 0, &p, &s),
	    HTTP_PARSE_ERR);

	/* An endless status line is refused. */
	big = malloc(n + 64);
	memset(big, 'A', n);
	memcpy(big, "HTTP/1.1 200 ", 13);
	cr_assert_eq(run(big, n, 100, 0, 0, &p, &s), HTTP_PARSE_ERR);

	/* An over-long header is skipped; the rest is parsed. */
	strcpy(big, "HTTP/1.1 200 OK\r\nX-Big: ");
	memset(big + strlen(big), 'b', n - 40);
	strcpy(big + n - 40 + 24, "\r\nContent-Length: 2\r\n\r\nok");
	cr_assert_eq(run_s(big, 7, 0, &p, &s), HTTP_PARSE_DONE);
	cr_assert_eq(s.len, 2);
	free(big);
}

/* Every proper prefix of a framed reply is incomplete, and EOF says so. */
Test(http, truncation)
{
	const char		*resps[] = { cl_resp, chunked_resp };
	struct http_parser	 p;
	struct sink		 s;
	size_t			 i, n, len;

	for (i = 0; i < 2; i++) {
		len = strlen(resps[i]);
		for (n = 0; n < len; n++) {
			cr_assert_eq(run(resps[i], n, 0, 0, 0, &p, &s),
			    HTTP_PARSE_MORE, "prefix %zu", n);
			cr_assert_eq(http_parse_eof(&p), HTTP_PARSE_ERR,
			    "prefix %zu", n);
			cr_assert_not_null(p.error);
		}
	}
}

/* Random bytes and mutated replies: an answer, never a crash. */
Test(http, garbage)
{
	struct http_parser	 p;
	struct sink		 s;
	uint8_t			 buf[512];
	size_t			 i, j, len;
	int			 r;

	srandom(1);
	for (i = 0; i < 20000; i++) {
		len = random() % sizeof(buf);
		if (i % 2) {
			for (j = 0; j < len; j++)
				buf[j] = random();
		} else {
			len = strlen(chunked_resp);
			memcpy(buf, chunked_resp, len);
			for (j = 0; j < 3; j++)
				buf[random() % len] = random();
		}
		r = run((const char *)buf, len, 1 + random() % 9, 1, 0, &p,
		    &s);
		cr_assert(r == HTTP_PARSE_ERR || r == HTTP_PARSE_DONE ||
		    r == HTTP_PARSE_MORE);
		if (r == HTTP_PARSE_ERR)
			cr_assert_not_null(p.error);
	}
}
