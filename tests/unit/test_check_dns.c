/*
 * Unit tests for checkd's DNS query builder and reply parser
 * (checkd/check_dns.c), on hand-built messages.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "../../checkd/checkd.h"

static uint8_t	 q[300];
static size_t	 qlen;

/* A reply to q: header, the question again, one A answer by pointer. */
static size_t
reply(uint8_t *m, uint16_t flags, int answers)
{
	size_t	 off;

	memcpy(m, q, qlen);
	m[2] = flags >> 8;
	m[3] = flags & 0xff;
	m[6] = 0;
	m[7] = answers;
	off = qlen;
	while (answers-- > 0) {
		static const uint8_t rr[] = { 0xc0, 0x0c, 0, 1, 0, 1,
		    0, 0, 0x0e, 0x10, 0, 4, 198, 18, 0, 10 };

		memcpy(m + off, rr, sizeof(rr));
		off += sizeof(rr);
	}
	return (off);
}

static void
setup(void)
{
	qlen = dns_query_build(q, sizeof(q), 0x1234, "www.Example.test", 1);
}

TestSuite(dns, .init = setup);

Test(dns, build)
{
	static const uint8_t want[] = { 0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0,
	    0, 0, 0, 0, 3, 'w', 'w', 'w', 7, 'E', 'x', 'a', 'm', 'p', 'l',
	    'e', 4, 't', 'e', 's', 't', 0, 0, 1, 0, 1 };
	uint8_t		 b[300];
	char		 name[300];

	cr_assert_eq(qlen, sizeof(want));
	cr_assert_eq(memcmp(q, want, qlen), 0);
	cr_assert_eq(dns_query_build(b, sizeof(b), 1, ".", 6), 17);
	cr_assert_eq(dns_query_build(b, sizeof(b), 1, "a.b.", 6), 21);
	cr_assert_eq(dns_query_build(b, sizeof(b), 1, "a..b", 1), 0);
	cr_assert_eq(dns_query_build(b, sizeof(b), 1, ".a", 1), 0);
	memset(name, 'x', 64);
	name[64] = '\0';
	cr_assert_eq(dns_query_build(b, sizeof(b), 1, name, 1), 0);
	memset(name, 'x', 260);
	for (int i = 50; i < 260; i += 51)
		name[i] = '.';
	name[260] = '\0';
	cr_assert_eq(dns_query_build(b, sizeof(b), 1, name, 1), 0);
	cr_assert_eq(dns_query_build(b, 20, 1, "www.example.test", 1), 0);
	cr_assert_eq(dns_qtype(DNS_TYPE_AAAA), 28);
	cr_assert_eq(dns_qtype(DNS_TYPE_SOA), 6);
}

Test(dns, answer)
{
	struct dns_reply	 r;
	uint8_t			 m[512];
	size_t			 n = reply(m, 0x8180, 2);

	cr_assert_eq(dns_reply_parse(m, n, q, qlen, &r), 0);
	cr_assert_eq(r.rcode, 0);
	cr_assert_eq(r.ancount, 2);
	cr_assert_eq(r.matching, 2);
	/* Case changes in the echoed question (0x20) are fine. */
	m[13] = 'W';
	cr_assert_eq(dns_reply_parse(m, n, q, qlen, &r), 0);
}

Test(dns, rcodes_and_empty)
{
	struct dns_reply	 r;
	uint8_t			 m[512];
	size_t			 n;

	n = reply(m, 0x8183, 0);
	cr_assert_eq(dns_reply_parse(m, n, q, qlen, &r), 0);
	cr_assert_eq(r.rcode, 3);
	cr_assert_str_eq(dns_rcode_name(r.rcode), "NXDOMAIN");
	n = reply(m, 0x8180, 0);
	cr_assert_eq(dns_reply_parse(m, n, q, qlen, &r), 0);
	cr_assert_eq(r.ancount, 0);
	/* REFUSED without the question. */
	memcpy(m, q, 12);
	m[2] = 0x81;
	m[3] = 0x85;
	m[5] = 0;
	cr_assert_eq(dns_reply_parse(m, 12, q, qlen, &r), 0);
	cr_assert_eq(r.rcode, 5);
}

Test(dns, not_ours)
{
	struct dns_reply	 r;
	uint8_t			 m[512];
	size_t			 n = reply(m, 0x8180, 1);

	m[1] ^= 1;
	cr_assert_eq(dns_reply_parse(m, n, q, qlen, &r), -2);
	m[1] ^= 1;
	m[2] = 0x01;		/* a query, not a reply */
	cr_assert_eq(dns_reply_parse(m, n, q, qlen, &r), -1);
	n = reply(m, 0x8180, 1);
	m[14] = 'X';		/* another name */
	cr_assert_eq(dns_reply_parse(m, n, q, qlen, &r), -1);
	n = reply(m, 0x8180, 1);
	m[qlen - 3] = 28;	/* another type */
	cr_assert_eq(dns_reply_parse(m, n, q, qlen, &r), -1);
	n = reply(m, 0x8180 | 0x2800, 1);	/* opcode 5 */
	cr_assert_eq(dns_reply_parse(m, n, q, qlen, &r), -1);
	n = reply(m, 0x8180, 1);
	m[5] = 2;		/* two questions */
	cr_assert_eq(dns_reply_parse(m, n, q, qlen, &r), -1);
}

Test(dns, truncation)
{
	struct dns_reply	 r;
	uint8_t			 m[512];
	size_t			 n = reply(m, 0x8180, 2), i;

	for (i = 0; i < n; i++) {
		cr_assert_eq(dns_reply_parse(m, i, q, qlen, &r), -1,
		    "prefix %zu", i);
		cr_assert_not_null(r.error);
	}
	/* More answers announced than present. */
	m[7] = 3;
	cr_assert_eq(dns_reply_parse(m, n, q, qlen, &r), -1);
	/* rdlength past the end. */
	n = reply(m, 0x8180, 1);
	m[n - 5] = 200;
	cr_assert_eq(dns_reply_parse(m, n, q, qlen, &r), -1);
}

Test(dns, pointer_loops)
{
	struct dns_reply	 r;
	uint8_t			 m[512];
	size_t			 n = reply(m, 0x8180, 1);

	/* The answer's name points at itself. */
	m[qlen] = 0xc0;
	m[qlen + 1] = (uint8_t)qlen;
	cr_assert_eq(dns_reply_parse(m, n, q, qlen, &r), -1);
	/* Points past the end. */
	m[qlen + 1] = 0xff;
	cr_assert_eq(dns_reply_parse(m, n, q, qlen, &r), -1);
	/* Reserved label type. */
	m[qlen] = 0x40;
	cr_assert_eq(dns_reply_parse(m, n, q, qlen, &r), -1);
}

Test(dns, garbage)
{
	struct dns_reply	 r;
	uint8_t			 m[512], good[512];
	size_t			 n = reply(good, 0x8180, 2), len, i, j;
	int			 rv;

	srandom(2);
	for (i = 0; i < 50000; i++) {
		if (i % 2) {
			len = random() % sizeof(m);
			for (j = 0; j < len; j++)
				m[j] = random();
			m[0] = 0x12;
			m[1] = 0x34;
		} else {
			len = n;
			memcpy(m, good, n);
			for (j = 0; j < 1 + i % 4; j++)
				m[random() % n] = random();
		}
		rv = dns_reply_parse(m, len, q, qlen, &r);
		cr_assert(rv == 0 || rv == -1 || rv == -2);
		if (rv != 0)
			cr_assert_not_null(r.error);
	}
}

Test(dns, hex)
{
	uint8_t	 b[8];

	cr_assert_eq(check_hex_decode("", b, sizeof(b)), 0);
	cr_assert_eq(check_hex_decode("0aFf", b, sizeof(b)), 2);
	cr_assert_eq(b[0], 0x0a);
	cr_assert_eq(b[1], 0xff);
	cr_assert_eq(check_hex_decode("abc", b, sizeof(b)), -1);
	cr_assert_eq(check_hex_decode("zz", b, sizeof(b)), -1);
	cr_assert_eq(check_hex_decode("001122334455667788", b, sizeof(b)),
	    -1);
}
