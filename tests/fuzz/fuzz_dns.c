/*
 * DNS reply parser of DNS_CHECK: dns_reply_parse() on a datagram as
 * received, against a query built by dns_query_build() the way the check
 * does.
 *
 * Input: [0] query type (dns_qtype of it mod 8), [1] length n of the
 * name, then n bytes of name (the configured "name"), then the reply.
 * Byte [2 + n] bit 7 set: the reply's ID is forced to the query's so
 * that the fuzzer gets past the ID check.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkd.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dns_reply	 r;
	uint8_t			 q[512], *m;
	char			 name[256];
	size_t			 nlen, qlen, mlen;
	int			 rc;

	if (size < 2)
		return (0);
	nlen = data[1];
	if (size < 2 + nlen)
		return (0);
	memcpy(name, data + 2, nlen);
	name[nlen] = '\0';
	qlen = dns_query_build(q, sizeof(q), 0x1234, name,
	    dns_qtype(data[0] % 8));
	if (qlen == 0) {
		/* The check uses its default name then. */
		qlen = dns_query_build(q, sizeof(q), 0x1234, ".",
		    dns_qtype(data[0] % 8));
		if (qlen == 0)
			abort();
	}
	mlen = size - 2 - nlen;
	if ((m = malloc(mlen ? mlen : 1)) == NULL)
		return (0);
	memcpy(m, data + 2 + nlen, mlen);
	if (mlen >= 2 && (m[0] & 0x80) && (data[0] & 0x80)) {
		m[0] = q[0];
		m[1] = q[1];
	}
	rc = dns_reply_parse(m, mlen, q, qlen, &r);
	if (rc == -1 && r.error == NULL) {
		fprintf(stderr, "fuzz_dns: malformed without a reason\n");
		abort();
	}
	if (rc == 0 && r.matching > r.ancount) {
		fprintf(stderr, "fuzz_dns: %u matching of %u answers\n",
		    r.matching, r.ancount);
		abort();
	}
	(void)dns_rcode_name(r.rcode);
	free(m);

	/* The query we built must parse as a reply to itself once flagged. */
	if (qlen >= 4) {
		q[2] |= 0x80;
		q[3] = (q[3] & 0xf0) | 3;	/* NXDOMAIN, no answers */
		if (dns_reply_parse(q, qlen, q, qlen, &r) != 0) {
			fprintf(stderr, "fuzz_dns: own query refused: %s\n",
			    r.error ? r.error : "?");
			abort();
		}
	}
	return (0);
}
