/*
 * UDP_CHECK: check_hex_decode() of the configured payload and
 * require_reply (hex strings from the config) and the match of a reply
 * datagram against require_reply, the way udp_read() does it.
 *
 * Input: the require_reply string up to the first NUL, then the reply.
 * A decoded string encodes back to itself (case aside).
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkd.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define UDP_MAX		(HAD_PATHLEN / 2)	/* as check_udp.c */

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t		 want[UDP_MAX], *reply;
	char		*s, hex[2 * UDP_MAX + 1];
	const uint8_t	*nul;
	size_t		 slen, rlen, i;
	int		 wl, match;

	if (size > 4096)
		return (0);
	nul = memchr(data, '\0', size);
	slen = nul != NULL ? (size_t)(nul - data) : size;
	if ((s = strndup((const char *)data, slen)) == NULL)
		return (0);
	rlen = nul != NULL ? size - slen - 1 : 0;
	if ((reply = malloc(rlen ? rlen : 1)) == NULL) {
		free(s);
		return (0);
	}
	memcpy(reply, data + slen + 1 - (nul == NULL), rlen);

	wl = check_hex_decode(s, want, sizeof(want));
	if (wl >= 0) {
		if ((size_t)wl * 2 != strlen(s) || (size_t)wl > sizeof(want))
			abort();
		for (i = 0; i < (size_t)wl; i++)
			snprintf(hex + 2 * i, 3, "%02x", want[i]);
		hex[2 * wl] = '\0';
		if (strncasecmp(hex, s, 2 * (size_t)wl) != 0) {
			fprintf(stderr, "fuzz_udp: '%s' decodes to '%s'\n",
			    s, hex);
			abort();
		}
		match = rlen >= (size_t)wl && memcmp(reply, want, wl) == 0;
		(void)match;
	}
	free(reply);
	free(s);
	return (0);
}
