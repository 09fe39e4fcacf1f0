/*
 * IPVS tables as lvsd holds them (the desired one, the kernel's): their
 * services and destinations, keys, hash indexes by key, and names.
 * Pure: no socket, no global state, no logging.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/ip_vs.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "conf_misc.h"
#include "lvsd.h"
#include "lvs_ipvs.h"

/*
 * Tables.
 */
void
lvs_table_init(struct lvs_table *t)
{
	memset(t, 0, sizeof(*t));
}

void
lvs_table_free(struct lvs_table *t)
{
	size_t	 i;

	for (i = 0; i < t->nsvcs; i++)
		free(t->svcs[i].dests);
	free(t->svcs);
	lvs_table_init(t);
}

struct lvs_svc *
lvs_table_add(struct lvs_table *t, const struct lvs_svc *s)
{
	struct lvs_svc	*n;
	size_t		 cap;

	if (t->nsvcs == t->cap) {
		cap = t->cap ? t->cap * 2 : 16;
		if ((n = reallocarray(t->svcs, cap, sizeof(*n))) == NULL)
			return (NULL);
		t->svcs = n;
		t->cap = cap;
	}
	n = &t->svcs[t->nsvcs++];
	*n = *s;
	n->dests = NULL;
	n->ndests = n->capdests = 0;
	return (n);
}

struct lvs_dest *
lvs_svc_add_dest(struct lvs_svc *s, const struct lvs_dest *d)
{
	struct lvs_dest	*n;
	size_t		 cap;

	if (s->ndests == s->capdests) {
		cap = s->capdests ? s->capdests * 2 : 4;
		if ((n = reallocarray(s->dests, cap, sizeof(*n))) == NULL)
			return (NULL);
		s->dests = n;
		s->capdests = cap;
	}
	n = &s->dests[s->ndests++];
	*n = *d;
	return (n);
}

int
lvs_addr_eq(int af, const uint8_t *a, const uint8_t *b)
{
	return (memcmp(a, b, af == AF_INET ? 4 : 16) == 0);
}

int
lvs_svc_same_key(const struct lvs_svc *a, const struct lvs_svc *b)
{
	if (a->af != b->af || a->fwmark != b->fwmark)
		return (0);
	if (a->fwmark != 0)
		return (1);
	return (a->protocol == b->protocol && a->port == b->port &&
	    lvs_addr_eq(a->af, a->addr, b->addr));
}

int
lvs_dest_same_key(const struct lvs_dest *a, const struct lvs_dest *b)
{
	return (a->af == b->af && a->port == b->port &&
	    lvs_addr_eq(a->af, a->addr, b->addr));
}

struct lvs_svc *
lvs_table_find(const struct lvs_table *t, const struct lvs_svc *s)
{
	size_t	 i;

	for (i = 0; i < t->nsvcs; i++)
		if (lvs_svc_same_key(&t->svcs[i], s))
			return (&t->svcs[i]);
	return (NULL);
}

struct lvs_dest *
lvs_svc_find_dest(const struct lvs_svc *s, const struct lvs_dest *d)
{
	size_t	 i;

	for (i = 0; i < s->ndests; i++)
		if (lvs_dest_same_key(&s->dests[i], d))
			return (&s->dests[i]);
	return (NULL);
}

/* Hash indexes by key: struct keyidx (lvs_ipvs.h). */
uint32_t
lvs_key_hash(uint32_t h, const void *p, size_t n)
{
	const uint8_t	*b = p;

	while (n-- > 0)
		h = (h ^ *b++) * 16777619U;	/* FNV-1a */
	return (h);
}

uint32_t
lvs_dest_hash(const struct lvs_dest *d)
{
	uint32_t	 h = 2166136261U;

	h = lvs_key_hash(h, &d->af, sizeof(d->af));
	h = lvs_key_hash(h, &d->port, sizeof(d->port));
	return (lvs_key_hash(h, d->addr, d->af == AF_INET ? 4 : 16));
}

uint32_t
lvs_svc_hash(const struct lvs_svc *s)
{
	uint32_t	 h = 2166136261U;

	h = lvs_key_hash(h, &s->af, sizeof(s->af));
	h = lvs_key_hash(h, &s->fwmark, sizeof(s->fwmark));
	if (s->fwmark != 0)
		return (h);
	h = lvs_key_hash(h, &s->protocol, sizeof(s->protocol));
	h = lvs_key_hash(h, &s->port, sizeof(s->port));
	return (lvs_key_hash(h, s->addr, s->af == AF_INET ? 4 : 16));
}

int
lvs_idx_init(struct keyidx *x, size_t n)
{
	size_t	 cap = 32;

	while (cap < 2 * n)
		cap *= 2;
	x->mask = cap - 1;
	return ((x->slot = calloc(cap, sizeof(*x->slot))) == NULL ? -1 : 0);
}

void
lvs_idx_free(struct keyidx *x)
{
	free(x->slot);
	x->slot = NULL;
}

/* Add entry i (hash h); entries are never removed. */
void
lvs_idx_add(struct keyidx *x, uint32_t h, size_t i)
{
	size_t	 k = h & x->mask;

	while (x->slot[k] != 0)
		k = (k + 1) & x->mask;
	x->slot[k] = i + 1;
}

struct lvs_dest *
lvs_idx_find_dest(const struct keyidx *x, const struct lvs_svc *s,
    const struct lvs_dest *d)
{
	size_t	 k;

	if (x->slot == NULL)
		return (lvs_svc_find_dest(s, d));
	for (k = lvs_dest_hash(d) & x->mask; x->slot[k] != 0;
	    k = (k + 1) & x->mask)
		if (lvs_dest_same_key(&s->dests[x->slot[k] - 1], d))
			return (&s->dests[x->slot[k] - 1]);
	return (NULL);
}

struct lvs_svc *
lvs_idx_find_svc(const struct keyidx *x, const struct lvs_table *t,
    const struct lvs_svc *s)
{
	size_t	 k;

	if (x->slot == NULL)
		return (lvs_table_find(t, s));
	for (k = lvs_svc_hash(s) & x->mask; x->slot[k] != 0;
	    k = (k + 1) & x->mask)
		if (lvs_svc_same_key(&t->svcs[x->slot[k] - 1], s))
			return (&t->svcs[x->slot[k] - 1]);
	return (NULL);
}

/* An index of a service's destinations (none when small or no memory). */
void
lvs_idx_dests(struct keyidx *x, const struct lvs_svc *s)
{
	size_t	 i;

	x->slot = NULL;
	if (s->ndests < LVS_IDX_MIN || lvs_idx_init(x, s->ndests) == -1)
		return;
	for (i = 0; i < s->ndests; i++)
		lvs_idx_add(x, lvs_dest_hash(&s->dests[i]), i);
}

void
lvs_idx_svcs(struct keyidx *x, const struct lvs_table *t)
{
	size_t	 i;

	x->slot = NULL;
	if (t->nsvcs < LVS_IDX_MIN || lvs_idx_init(x, t->nsvcs) == -1)
		return;
	for (i = 0; i < t->nsvcs; i++)
		lvs_idx_add(x, lvs_svc_hash(&t->svcs[i]), i);
}

static const char *
proto_name(int p)
{
	switch (p) {
	case IPPROTO_TCP:
		return ("TCP");
	case IPPROTO_UDP:
		return ("UDP");
	case IPPROTO_SCTP:
		return ("SCTP");
	default:
		return ("?");
	}
}

const char *
lvs_svc_name(const struct lvs_svc *s, char *buf, size_t len)
{
	char	 a[LVS_DESTNAMELEN];

	if (s->fwmark != 0) {
		snprintf(buf, len, "FWM %u%s", s->fwmark,
		    s->af == AF_INET6 ? " IPv6" : "");
		return (buf);
	}
	conf_addr_port(s->af, s->addr, s->port, a, sizeof(a));
	snprintf(buf, len, "%s %s", proto_name(s->protocol), a);
	return (buf);
}

const char *
lvs_dest_name(const struct lvs_dest *d, char *buf, size_t len)
{
	conf_addr_port(d->af, d->addr, d->port, buf, len);
	return (buf);
}

const char *
lvs_fwd_name(uint32_t fwd)
{
	switch (fwd & IP_VS_CONN_F_FWD_MASK) {
	case IP_VS_CONN_F_MASQ:
		return ("NAT");
	case IP_VS_CONN_F_DROUTE:
		return ("DR");
	case IP_VS_CONN_F_TUNNEL:
		return ("TUN");
	case IP_VS_CONN_F_LOCALNODE:
		return ("local");
	default:
		return ("?");
	}
}

/* For lvs_ipvs_dump(): the services of w->want (w->x: their index). */
int
lvs_want_dests(const struct lvs_svc *s, void *arg)
{
	struct lvs_want	*w = arg;

	return (lvs_idx_find_svc(&w->x, w->want, s) != NULL);
}

/* A config address as the kernel takes it: 16 bytes, v4 first. */
void
conf_to_addr(const struct conf_addr *a, uint8_t *out)
{
	memset(out, 0, 16);
	memcpy(out, a->u.raw, a->af == AF_INET ? 4 : 16);
}

/* Append to a string that fits in len (a log line being built). */
void
addf(char *buf, size_t len, const char *fmt, ...)
{
	va_list	 ap;
	size_t	 n = strlen(buf);

	if (n >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + n, len - n, fmt, ap);
	va_end(ap);
}
