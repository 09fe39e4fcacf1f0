/*
 * SMTP reply parser of SMTP_CHECK: smtp_reply_parse() on what has
 * arrived, as the check calls it: after every read, on its whole
 * buffer, consuming a reply once complete.
 *
 * Input: [0] seed of the read sizes, then the server's bytes.  The
 * parser must never claim more bytes than it was given, and a reply
 * found in the whole stream must be found again when the bytes come in
 * pieces.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkd.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define BUF	2048	/* as check_smtp.c's SMTP_BUF */

/* Replies the check would see; returns how many, codes in codes[]. */
static int
run(const uint8_t *in, size_t len, uint32_t seed, int whole, int *codes,
    int max, int *rcp)
{
	uint8_t		*buf;
	size_t		 have = 0, off = 0, n, used;
	const char	*err;
	int		 rc = 0, code, nrep = 0;

	if ((buf = malloc(BUF)) == NULL)
		abort();
	while (off < len && nrep < max) {
		if (whole)
			n = len - off;
		else {
			seed = seed * 1103515245 + 12345;
			n = 1 + (seed >> 16) % 61;
			if (n > len - off)
				n = len - off;
		}
		if (n > BUF - have)
			n = BUF - have;
		memcpy(buf + have, in + off, n);
		have += n;
		off += n;
		for (;;) {
			/* An exact copy: ASan sees a read past `have'. */
			uint8_t *cp = malloc(have ? have : 1);

			if (cp == NULL)
				abort();
			memcpy(cp, buf, have);
			err = NULL;
			used = 0;
			rc = smtp_reply_parse(cp, have, &code, &used, &err);
			free(cp);
			if (rc == -1 && err == NULL) {
				fprintf(stderr, "fuzz_smtp: error without a "
				    "reason\n");
				abort();
			}
			if (rc != 1)
				break;
			if (used == 0 || used > have || code < 200 ||
			    code > 599) {
				fprintf(stderr, "fuzz_smtp: reply %d used %zu "
				    "of %zu bytes\n", code, used, have);
				abort();
			}
			codes[nrep++] = code;
			memmove(buf, buf + used, have - used);
			have -= used;
			if (nrep == max)
				break;
		}
		if (rc == -1 || (rc == 0 && have == BUF))
			break;
	}
	free(buf);
	*rcp = rc;
	return (nrep);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int	 ca[64], cb[64], na, nb, ra, rb, i;

	if (size < 1 || size > 1 << 16)
		return (0);
	na = run(data + 1, size - 1, data[0], 1, ca, 64, &ra);
	nb = run(data + 1, size - 1, data[0], 0, cb, 64, &rb);
	/* Pieces may stop earlier only through an error. */
	for (i = 0; i < na && i < nb; i++)
		if (ca[i] != cb[i]) {
			fprintf(stderr, "fuzz_smtp: reply %d is %d whole, %d "
			    "in pieces\n", i, ca[i], cb[i]);
			abort();
		}
	return (0);
}
