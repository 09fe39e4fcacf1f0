/*
 * MISC_CHECK names: a hash of the virtual server's identity, the real
 * server's address and port and the whole check (see conf_misc.h).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "conf.h"
#include "conf_misc.h"

static uint64_t
fnv1a(uint64_t h, const void *p, size_t len)
{
	const uint8_t	*b = p;

	while (len-- > 0) {
		h ^= *b++;
		h *= 0x100000001b3ULL;
	}
	return (h);
}

void
conf_misc_name(const struct vs_conf *vs, const struct rs_conf *rs,
    const struct check_conf *c, char *buf, size_t len)
{
	uint64_t	 h = 0xcbf29ce484222325ULL;
	uint32_t	 v[4];

	v[0] = vs->type;
	v[1] = vs->port;
	v[2] = vs->protocol;
	v[3] = vs->fwmark;
	h = fnv1a(h, v, sizeof(v));
	h = fnv1a(h, &vs->addr, sizeof(vs->addr));
	h = fnv1a(h, vs->group, strnlen(vs->group, sizeof(vs->group)));
	h = fnv1a(h, &rs->addr, sizeof(rs->addr));
	h = fnv1a(h, &rs->port, sizeof(rs->port));
	h = fnv1a(h, c, sizeof(*c));
	snprintf(buf, len, "misc-%016llx", (unsigned long long)h);
}
