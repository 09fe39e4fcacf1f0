/*
 * HTTP response parser of HTTP_GET/SSL_GET checks: http_parse() fed the
 * response in pieces of any size, then http_parse_eof() if the server
 * closes before the end.
 *
 * Input: [0] bit 0 head_only (HEAD-like: done after the headers),
 * [1] seed of the piece sizes, then the response.  The response is
 * parsed once whole and once in pieces: both must agree on the outcome,
 * the status and the body (length and a hash of its bytes).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkd.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct body {
	uint64_t	len;
	uint64_t	hash;
};

static void
body_cb(void *arg, const uint8_t *b, size_t n)
{
	struct body	*bd = arg;
	size_t		 i;

	for (i = 0; i < n; i++)
		bd->hash = (bd->hash ^ b[i]) * 1099511628211ULL;
	bd->len += n;
}

struct result {
	int		 rc;
	int		 status;
	struct body	 body;
	uint64_t	 body_len;
};

static void
run(const uint8_t *resp, size_t len, int head_only, uint32_t seed,
    int whole, struct result *res)
{
	struct http_parser	 p;
	size_t			 off = 0, n;
	uint8_t			*piece;
	int			 rc = HTTP_PARSE_MORE;

	memset(res, 0, sizeof(*res));
	http_parser_init(&p, head_only, body_cb, &res->body);
	while (off < len && rc == HTTP_PARSE_MORE) {
		if (whole)
			n = len - off;
		else {
			seed = seed * 1103515245 + 12345;
			n = 1 + (seed >> 16) % 97;
			if (n > len - off)
				n = len - off;
		}
		/* Each piece in its own allocation: reads past it show. */
		if ((piece = malloc(n)) == NULL)
			abort();
		memcpy(piece, resp + off, n);
		rc = http_parse(&p, piece, n);
		free(piece);
		off += n;
	}
	if (rc == HTTP_PARSE_MORE)
		rc = http_parse_eof(&p);
	if (rc == HTTP_PARSE_ERR && p.error == NULL) {
		fprintf(stderr, "fuzz_http: error without a reason\n");
		abort();
	}
	if (rc == HTTP_PARSE_DONE && (p.status < CONF_STATUS_MIN ||
	    p.status > CONF_STATUS_MAX)) {
		fprintf(stderr, "fuzz_http: done with status %d\n", p.status);
		abort();
	}
	res->rc = rc;
	res->status = rc == HTTP_PARSE_DONE ? p.status : 0;
	res->body_len = p.body_len;
	if (res->body.len != p.body_len) {
		fprintf(stderr, "fuzz_http: body_len %llu, callback saw "
		    "%llu\n", (unsigned long long)p.body_len,
		    (unsigned long long)res->body.len);
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct check_url_conf	 url;
	struct result		 a, b;
	int			 code;
	char			*line;

	if (size < 2 || size > 1 << 17)
		return (0);
	run(data + 2, size - 2, data[0] & 1, data[1], 1, &a);
	run(data + 2, size - 2, data[0] & 1, data[1], 0, &b);
	if (a.rc != b.rc || a.status != b.status ||
	    a.body.len != b.body.len || a.body.hash != b.body.hash) {
		fprintf(stderr, "fuzz_http: whole: rc %d status %d body %llu; "
		    "in pieces: rc %d status %d body %llu\n", a.rc, a.status,
		    (unsigned long long)a.body.len, b.rc, b.status,
		    (unsigned long long)b.body.len);
		abort();
	}

	/* The status line alone, as a C string. */
	if ((line = strndup((const char *)data + 2, size - 2)) != NULL) {
		if (http_status_line(line, &code) == 0) {
			memset(&url, 0, sizeof(url));
			(void)http_status_ok(&url, code);
			url.status[(code - CONF_STATUS_MIN) / 8] |=
			    1 << ((code - CONF_STATUS_MIN) % 8);
			if (!http_status_ok(&url, code)) {
				fprintf(stderr, "fuzz_http: status %d not "
				    "accepted when listed\n", code);
				abort();
			}
		}
		free(line);
	}
	return (0);
}
