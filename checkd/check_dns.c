/*
 * DNS_CHECK: one query over UDP to the server (port 53 unless
 * connect_port); it passes when the reply matches the query, has rcode
 * NOERROR and at least one answer.  The reply parser is pure and checks
 * every length against the datagram.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <event.h>

#include "checkd.h"

#define DNS_HDRLEN	12
#define DNS_NAMEMAX	255
#define DNS_JUMPS	32
#define DNS_ERR_ID	(-2)

struct dns_state {
	uint8_t		 q[DNS_HDRLEN + DNS_NAMEMAX + 4];
	size_t		 qlen;
};

uint16_t
dns_qtype(uint32_t t)
{
	static const uint16_t	 types[DNS_TYPE_MAX] = {
		[DNS_TYPE_A] = 1, [DNS_TYPE_NS] = 2, [DNS_TYPE_CNAME] = 5,
		[DNS_TYPE_SOA] = 6, [DNS_TYPE_MX] = 15, [DNS_TYPE_TXT] = 16,
		[DNS_TYPE_AAAA] = 28,
	};

	return (t < DNS_TYPE_MAX ? types[t] : 1);
}

const char *
dns_rcode_name(int rcode)
{
	static const char *const names[] = { "NOERROR", "FORMERR",
	    "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED" };

	if (rcode >= 0 && rcode < (int)(sizeof(names) / sizeof(names[0])))
		return (names[rcode]);
	return ("error");
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static uint16_t
get16(const uint8_t *p)
{
	return ((uint16_t)(p[0] << 8 | p[1]));
}

/* A query for name and type, recursion desired; 0 if it cannot be. */
size_t
dns_query_build(uint8_t *buf, size_t len, uint16_t id, const char *name,
    uint16_t qtype)
{
	size_t		 off = DNS_HDRLEN, l;
	const char	*dot;

	if (len < DNS_HDRLEN + 1 + 4)
		return (0);
	memset(buf, 0, DNS_HDRLEN);
	put16(buf, id);
	put16(buf + 2, 0x0100);		/* RD */
	put16(buf + 4, 1);		/* QDCOUNT */
	if (strcmp(name, ".") == 0)
		name = "";
	while (*name != '\0') {
		dot = strchr(name, '.');
		l = dot != NULL ? (size_t)(dot - name) : strlen(name);
		if (l == 0 || l > 63 || off + 1 + l + 1 > DNS_HDRLEN +
		    DNS_NAMEMAX || off + 1 + l + 1 + 4 > len)
			return (0);
		buf[off++] = (uint8_t)l;
		memcpy(buf + off, name, l);
		off += l;
		name += l;
		if (*name == '.')
			name++;
	}
	buf[off++] = 0;
	put16(buf + off, qtype);
	put16(buf + off + 2, 1);	/* IN */
	return (off + 4);
}

/*
 * Read a possibly compressed name at *off into out (wire form, lower
 * case); *off moves past it.  -1 if it is malformed.
 */
static int
dns_name(const uint8_t *m, size_t len, size_t *off, uint8_t *out,
    size_t *outlen)
{
	size_t	 p = *off, o = 0, end = 0, i;
	int	 jumps = 0;
	uint8_t	 l;

	for (;;) {
		if (p >= len)
			return (-1);
		l = m[p];
		if ((l & 0xc0) == 0xc0) {
			if (p + 1 >= len || ++jumps > DNS_JUMPS)
				return (-1);
			if (end == 0)
				end = p + 2;
			p = (size_t)(l & 0x3f) << 8 | m[p + 1];
			continue;
		}
		if ((l & 0xc0) != 0)
			return (-1);	/* extended label types */
		if (o + 1 + l > DNS_NAMEMAX || p + 1 + l > len)
			return (-1);
		out[o++] = l;
		for (i = 0; i < l; i++)
			out[o++] = (uint8_t)tolower(m[p + 1 + i]);
		p += 1 + l;
		if (l == 0)
			break;
	}
	*off = end != 0 ? end : p;
	*outlen = o;
	return (0);
}

/*
 * Parse a reply to query q.  0: parsed (see r->rcode, r->ancount);
 * DNS_ERR_ID: not a reply to q; -1: malformed (r->error says why).
 */
int
dns_reply_parse(const uint8_t *m, size_t len, const uint8_t *q, size_t qlen,
    struct dns_reply *r)
{
	uint8_t		 n1[DNS_NAMEMAX + 1], n2[DNS_NAMEMAX + 1];
	size_t		 off = DNS_HDRLEN, qoff = DNS_HDRLEN, l1, l2;
	unsigned int	 qd, an, i;
	uint16_t	 flags, rdlen, type;

	memset(r, 0, sizeof(*r));
	r->rcode = DNS_RCODE_NONE;
	if (qlen < DNS_HDRLEN + 5) {
		r->error = "bad query";
		return (-1);
	}
	if (len < DNS_HDRLEN) {
		r->error = "shorter than a DNS header";
		return (-1);
	}
	if (get16(m) != get16(q)) {
		r->error = "reply ID does not match the query";
		return (DNS_ERR_ID);
	}
	flags = get16(m + 2);
	if (!(flags & 0x8000)) {
		r->error = "not a reply";
		return (-1);
	}
	if ((flags >> 11 & 0xf) != 0) {
		r->error = "unexpected opcode";
		return (-1);
	}
	qd = get16(m + 4);
	an = get16(m + 6);
	r->rcode = flags & 0xf;
	if (qd == 0 && r->rcode != 0 && an == 0)
		return (0);	/* an error without the question */
	if (qd != 1) {
		r->error = "question count is not 1";
		return (-1);
	}
	if (dns_name(m, len, &off, n1, &l1) == -1 ||
	    dns_name(q, qlen, &qoff, n2, &l2) == -1) {
		r->error = "malformed question";
		return (-1);
	}
	if (off + 4 > len || qoff + 4 > qlen) {
		r->error = "truncated question";
		return (-1);
	}
	if (l1 != l2 || memcmp(n1, n2, l1) != 0 ||
	    memcmp(m + off, q + qoff, 4) != 0) {
		r->error = "question does not match the query";
		return (-1);
	}
	off += 4;
	for (i = 0; i < an; i++) {
		if (dns_name(m, len, &off, n1, &l1) == -1) {
			r->error = "malformed answer name";
			return (-1);
		}
		if (off + 10 > len) {
			r->error = "truncated answer";
			return (-1);
		}
		type = get16(m + off);
		rdlen = get16(m + off + 8);
		off += 10;
		if (off + rdlen > len) {
			r->error = "answer data past the end";
			return (-1);
		}
		off += rdlen;
		if (type == get16(q + qoff))
			r->matching++;
	}
	r->ancount = an;
	return (0);
}

static void
dns_cleanup(struct check *ck)
{
	free(ck->priv);
	ck->priv = NULL;
}

static void
dns_read(int fd, short ev, void *arg)
{
	struct check		*ck = arg;
	struct dns_state	*ds = ck->priv;
	struct dns_reply	 r;
	uint8_t			 buf[4096];
	ssize_t			 n;
	int			 rv;

	if ((n = recv(fd, buf, sizeof(buf), 0)) == -1) {
		if (errno == EAGAIN || errno == EINTR) {
			check_want(ck, EV_READ, dns_read);
			return;
		}
		check_result(ck, 0, "%s", check_errstr(errno, 1));
		return;
	}
	rv = dns_reply_parse(buf, (size_t)n, ds->q, ds->qlen, &r);
	if (rv == DNS_ERR_ID) {
		/* Late or forged: keep waiting for ours. */
		check_want(ck, EV_READ, dns_read);
		return;
	}
	if (rv == -1)
		check_result(ck, 0, "malformed DNS reply: %s", r.error);
	else if (r.rcode != 0)
		check_result(ck, 0, "DNS %s (rcode %d) for %s",
		    dns_rcode_name(r.rcode), r.rcode, ck->c->dns_name);
	else if (r.ancount == 0)
		check_result(ck, 0, "no DNS answer for %s %s",
		    conf_enum_name(conf_dns_type_names, ck->c->dns_type),
		    ck->c->dns_name);
	else
		check_result(ck, 1, "DNS %u answers for %s in %u ms",
		    r.ancount, ck->c->dns_name, check_elapsed(ck));
}

static void
dns_start(struct check *ck)
{
	struct dns_state	*ds;

	if ((ds = calloc(1, sizeof(*ds))) == NULL) {
		check_result(ck, 0, "out of memory");
		return;
	}
	ck->priv = ds;
	ds->qlen = dns_query_build(ds->q, sizeof(ds->q),
	    (uint16_t)arc4random(), ck->c->dns_name, dns_qtype(ck->c->dns_type));
	if (ds->qlen == 0) {
		check_result(ck, 0, "bad DNS name %s", ck->c->dns_name);
		return;
	}
	if (check_connect(ck, SOCK_DGRAM) == -1)
		return;
	ck->connected = 1;
	if (send(ck->fd, ds->q, ds->qlen, 0) == -1) {
		check_result(ck, 0, "%s", check_errstr(errno, 1));
		return;
	}
	check_want(ck, EV_READ, dns_read);
}

static void
dns_timeout(struct check *ck)
{
	char	 t[16];

	check_result(ck, 0, "no DNS reply after %s",
	    check_secs(ck->c->connect_timeout_ms, t, sizeof(t)));
}

const struct check_type check_type_dns = {
	.name = "DNS_CHECK",
	.start = dns_start,
	.cleanup = dns_cleanup,
	.timeout = dns_timeout,
};
