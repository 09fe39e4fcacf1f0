/*
 * ha_suspend: the checks of an address virtual server with ha_suspend
 * run only while its address is on this director, as lvsd tells us
 * (IMSG_VS_PRESENCE).  A suspended check keeps its timer and its state
 * (the real server stays as it was last judged); its attempts are
 * skipped.  Until lvsd has spoken, such a virtual server is suspended,
 * as keepalived starts it.  keepalived ignores ha_suspend for fwmark and
 * group virtual servers, which have no one address: so do we.
 *
 * The table is sorted by identity and searched per attempt; it is empty,
 * and costs nothing, when no virtual server has ha_suspend.  It also
 * keeps what lvsd said about virtual servers not (yet) in our config:
 * lvsd may apply a reload before we do.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdlib.h>
#include <string.h>

#include "checkd.h"
#include "imsg.h"
#include "log.h"

#define SUSPEND_HEARD_MAX	4096	/* said by lvsd, not configured */

struct suspend_vs {
	struct msg_vs_presence	 key;		/* present is 0 in keys */
	int			 configured;	/* ha_suspend in our config */
	int			 known;		/* lvsd has said */
	int			 present;
};

static struct suspend_vs	*svs;
static size_t			 nsvs, capsvs;

static int
suspend_cmp(const void *a, const void *b)
{
	const struct suspend_vs	*x = a, *y = b;

	return (memcmp(&x->key, &y->key, sizeof(x->key)));
}

static void
suspend_key(struct msg_vs_presence *k, int af, int proto, uint16_t port,
    const uint8_t *addr)
{
	memset(k, 0, sizeof(*k));
	k->vs_af = af;
	k->vs_proto = proto;
	k->vs_port = port;
	memcpy(k->vs_addr, addr, af == AF_INET ? 4 : 16);
}

static struct suspend_vs *
suspend_find(const struct msg_vs_presence *k)
{
	struct suspend_vs	 s;

	if (nsvs == 0)
		return (NULL);
	s.key = *k;
	return (bsearch(&s, svs, nsvs, sizeof(*svs), suspend_cmp));
}

/* Insert in order; NULL if there is no room. */
static struct suspend_vs *
suspend_insert(const struct msg_vs_presence *k)
{
	struct suspend_vs	*n;
	size_t			 lo = 0, hi = nsvs, mid, ncap;

	if (nsvs == capsvs) {
		ncap = capsvs ? capsvs * 2 : 16;
		if ((n = reallocarray(svs, ncap, sizeof(*svs))) == NULL) {
			log_warn("ha_suspend");
			return (NULL);
		}
		svs = n;
		capsvs = ncap;
	}
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (memcmp(&svs[mid].key, k, sizeof(*k)) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	memmove(&svs[lo + 1], &svs[lo], (nsvs - lo) * sizeof(*svs));
	nsvs++;
	memset(&svs[lo], 0, sizeof(*svs));
	svs[lo].key = *k;
	return (&svs[lo]);
}

static const char *
suspend_addr(const struct msg_vs_presence *k, char *buf, size_t len)
{
	if (inet_ntop(k->vs_af, k->vs_addr, buf, len) == NULL)
		strlcpy(buf, "?", len);
	return (buf);
}

/* As check_sched.c names the virtual server in its log lines. */
static const char *
suspend_vs_str(const struct msg_vs_presence *k, char *buf, size_t len)
{
	static const char *const protos[] = { "", "/udp", "/sctp" };
	char			 a[INET6_ADDRSTRLEN];

	snprintf(buf, len, k->vs_af == AF_INET6 ? "[%s]:%u%s" : "%s:%u%s",
	    suspend_addr(k, a, sizeof(a)), k->vs_port,
	    k->vs_proto < LVS_PROTO_MAX ? protos[k->vs_proto] : "");
	return (buf);
}

/* Shape and values of a message from lvsd: 1 if it is sound. */
int
check_suspend_valid(const struct msg_vs_presence *m)
{
	static const uint8_t	 zero[12];

	if (m->vs_af != AF_INET && m->vs_af != AF_INET6)
		return (0);
	if (m->vs_af == AF_INET &&
	    memcmp(m->vs_addr + 4, zero, sizeof(zero)) != 0)
		return (0);
	if (m->vs_proto >= LVS_PROTO_MAX)
		return (0);
	return (m->present == 0 || m->present == 1);
}

/* IMSG_VS_PRESENCE from lvsd. */
int
check_suspend_msg(struct imsg *imsg)
{
	struct msg_vs_presence	 m, k;
	struct suspend_vs	*s;
	char			 a[INET6_ADDRSTRLEN], v[80];
	size_t			 heard = 0, i;

	if (imsg_check_size(imsg, sizeof(m), "lvsd") == -1)
		return (-1);
	memcpy(&m, imsg->data, sizeof(m));
	if (!check_suspend_valid(&m)) {
		log_warnx("lvsd: malformed virtual server presence");
		return (-1);
	}
	suspend_key(&k, m.vs_af, m.vs_proto, m.vs_port, m.vs_addr);
	if ((s = suspend_find(&k)) == NULL) {
		for (i = 0; i < nsvs; i++)
			if (!svs[i].configured)
				heard++;
		if (heard >= SUSPEND_HEARD_MAX) {
			log_warnx("lvsd: too many unknown virtual servers");
			return (0);
		}
		if ((s = suspend_insert(&k)) == NULL)
			return (0);
	}
	if (s->configured && (!s->known || s->present != (int)m.present))
		log_info("virtual server %s: checks %s: %s %s this "
		    "director (ha_suspend)", suspend_vs_str(&k, v, sizeof(v)),
		    m.present ? "resumed" : "suspended",
		    suspend_addr(&k, a, sizeof(a)),
		    m.present ? "is on" : "not on");
	s->known = 1;
	s->present = m.present;
	return (0);
}

/* A new config: the address virtual servers with ha_suspend. */
void
check_suspend_reconf(const struct had_conf *conf)
{
	const struct conf_vs	*vs;
	struct msg_vs_presence	 k;
	struct suspend_vs	*s;
	char			 v[80];
	size_t			 i, j;

	for (i = 0; i < nsvs; i++)
		svs[i].configured = 0;
	TAILQ_FOREACH(vs, &conf->vss, entry) {
		if (!vs->c.ha_suspend)
			continue;
		if (vs->c.type != VS_TYPE_ADDR) {
			if (vs->c.type == VS_TYPE_FWMARK)
				snprintf(v, sizeof(v), "fwmark %u",
				    vs->c.fwmark);
			else
				snprintf(v, sizeof(v), "group %s",
				    vs->c.group);
			log_warnx("virtual server %s: ha_suspend applies to "
			    "an address virtual server only: ignored", v);
			continue;
		}
		suspend_key(&k, vs->c.addr.af, vs->c.protocol, vs->c.port,
		    vs->c.addr.u.raw);
		if ((s = suspend_find(&k)) == NULL &&
		    (s = suspend_insert(&k)) == NULL)
			continue;
		s->configured = 1;
	}
	/* What lvsd said of servers we no longer have: it says it again. */
	for (i = j = 0; i < nsvs; i++) {
		if (!svs[i].configured)
			continue;
		if (i != j)
			svs[j] = svs[i];
		j++;
	}
	nsvs = j;
}

static struct suspend_vs *
check_suspend_of(const struct check *ck)
{
	const struct msg_lvs_id		*id = &ck->rs->id;
	struct msg_vs_presence		 k;
	struct suspend_vs		*s;

	if (nsvs == 0 || id->vs_type != VS_TYPE_ADDR)
		return (NULL);
	if (id->vs_af != AF_INET && id->vs_af != AF_INET6)
		return (NULL);
	suspend_key(&k, id->vs_af, id->vs_proto, id->vs_port, id->vs_addr);
	if ((s = suspend_find(&k)) == NULL || !s->configured)
		return (NULL);
	return (s);
}

/* At the start of an attempt: 1 if it is to be skipped. */
int
check_suspend_skip(struct check *ck)
{
	struct suspend_vs	*s;

	if ((s = check_suspend_of(ck)) == NULL || s->present)
		return (0);
	/* The round is given up; the next starts when it is planned. */
	ck->retrying = 0;
	return (1);
}

/* hactl show checks: say why a check does not run. */
void
check_suspend_row(const struct check *ck, struct msg_ctl_check *row)
{
	struct suspend_vs	*s;
	char			 a[INET6_ADDRSTRLEN];

	if ((s = check_suspend_of(ck)) == NULL || s->present)
		return;
	row->suspended = 1;
	(void)suspend_addr(&s->key, a, sizeof(a));
	if (s->known)
		snprintf(row->reason, sizeof(row->reason), "suspended: %s "
		    "not on this director (ha_suspend)", a);
	else
		snprintf(row->reason, sizeof(row->reason), "suspended: "
		    "waiting for lvsd to see %s (ha_suspend)", a);
}

void
check_suspend_shutdown(void)
{
	free(svs);
	svs = NULL;
	nsvs = capsvs = 0;
}
