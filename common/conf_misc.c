/*
 * Names of the LVS objects (see conf_misc.h).  MISC_CHECK names are a
 * hash of the virtual server's identity, the real server's address and
 * port and the whole check.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
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
    const struct conf_check *c, char *buf, size_t len)
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
	h = fnv1a(h, &c->c, c->clen);
	snprintf(buf, len, "misc-%016llx", (unsigned long long)h);
}

static size_t
addr_len(int af)
{
	return (af == AF_INET ? 4 : af == AF_INET6 ? 16 : 0);
}

/* The identity of vs and, unless rs is NULL, of its real server rs. */
void
conf_lvs_id(const struct vs_conf *vs, const struct rs_conf *rs,
    struct msg_lvs_id *id)
{
	memset(id, 0, sizeof(*id));
	id->vs_type = vs->type;
	switch (vs->type) {
	case VS_TYPE_ADDR:
		id->vs_af = vs->addr.af;
		id->vs_proto = vs->protocol;
		id->vs_port = vs->port;
		memcpy(id->vs_addr, vs->addr.u.raw, addr_len(vs->addr.af));
		break;
	case VS_TYPE_FWMARK:
		id->vs_fwmark = vs->fwmark;
		break;
	default:
		strlcpy(id->vs_group, vs->group, sizeof(id->vs_group));
		break;
	}
	if (rs == NULL)
		return;
	id->rs_af = rs->addr.af;
	id->rs_port = rs->port;
	memcpy(id->rs_addr, rs->addr.u.raw, addr_len(rs->addr.af));
}

/* "198.18.0.1:80", "[2001:db8::1]:80" */
void
conf_addr_port(int af, const void *addr, uint16_t port, char *buf,
    size_t len)
{
	char	 a[INET6_ADDRSTRLEN];

	if (inet_ntop(af, addr, a, sizeof(a)) == NULL)
		strlcpy(a, "?", sizeof(a));
	snprintf(buf, len, af == AF_INET6 ? "[%s]:%u" : "%s:%u", a, port);
}

/* The virtual server of an identity, for logs. */
const char *
conf_lvs_id_vs(const struct msg_lvs_id *id, char *buf, size_t len)
{
	char	 a[CONF_RSNAMELEN];

	switch (id->vs_type) {
	case VS_TYPE_ADDR:
		conf_addr_port(id->vs_af, id->vs_addr, id->vs_port, a,
		    sizeof(a));
		snprintf(buf, len, "%s %s",
		    conf_enum_name(conf_proto_names, id->vs_proto), a);
		break;
	case VS_TYPE_FWMARK:
		snprintf(buf, len, "FWM %u", id->vs_fwmark);
		break;
	case VS_TYPE_GROUP:
		snprintf(buf, len, "group %.*s", (int)strnlen(id->vs_group,
		    sizeof(id->vs_group)), id->vs_group);
		break;
	default:
		snprintf(buf, len, "type %u", id->vs_type);
		break;
	}
	return (buf);
}

/* The real server of an identity, for logs. */
const char *
conf_lvs_id_rs(const struct msg_lvs_id *id, char *buf, size_t len)
{
	conf_addr_port(id->rs_af, id->rs_addr, id->rs_port, buf, len);
	return (buf);
}

const char *
conf_vs_name(const struct vs_conf *vs, char *buf, size_t len)
{
	struct msg_lvs_id	 id;

	conf_lvs_id(vs, NULL, &id);
	return (conf_lvs_id_vs(&id, buf, len));
}

const char *
conf_rs_name(const struct rs_conf *rs, char *buf, size_t len)
{
	conf_addr_port(rs->addr.af, rs->addr.u.raw, rs->port, buf, len);
	return (buf);
}

/* Whether the identity names that virtual server. */
int
conf_lvs_id_is_vs(const struct msg_lvs_id *id, const struct vs_conf *c)
{
	if (id->vs_type != c->type)
		return (0);
	switch (c->type) {
	case VS_TYPE_ADDR:
		return (id->vs_af == c->addr.af && id->vs_port == c->port &&
		    id->vs_proto == c->protocol &&
		    memcmp(id->vs_addr, c->addr.u.raw,
		    addr_len(c->addr.af)) == 0);
	case VS_TYPE_FWMARK:
		return (id->vs_fwmark == c->fwmark);
	default:
		return (strcmp(id->vs_group, c->group) == 0);
	}
}

/*
 * The objects an identity names in conf: -1 if it is malformed, 0 if
 * conf has no such virtual server, or no such real server in it (rs_af
 * set), else 1 with *vsp and *rsp (NULL for a virtual server alone).
 * The first of two identical virtual servers counts, as in lvsd.
 */
int
conf_lvs_find(const struct had_conf *conf, const struct msg_lvs_id *id,
    const struct conf_vs **vsp, const struct conf_rs **rsp)
{
	const struct conf_vs	*vs;
	const struct conf_rs	*rs = NULL;

	*vsp = NULL;
	*rsp = NULL;
	switch (id->vs_type) {
	case VS_TYPE_ADDR:
		if ((id->vs_af != AF_INET && id->vs_af != AF_INET6) ||
		    id->vs_proto >= LVS_PROTO_MAX)
			return (-1);
		break;
	case VS_TYPE_FWMARK:
		break;
	case VS_TYPE_GROUP:
		if (memchr(id->vs_group, '\0', sizeof(id->vs_group)) ==
		    NULL || id->vs_group[0] == '\0')
			return (-1);
		break;
	default:
		return (-1);
	}
	if (id->rs_af != 0 && id->rs_af != AF_INET && id->rs_af != AF_INET6)
		return (-1);
	TAILQ_FOREACH(vs, &conf->vss, entry)
		if (conf_lvs_id_is_vs(id, &vs->c))
			break;
	if (vs == NULL)
		return (0);
	if (id->rs_af != 0) {
		TAILQ_FOREACH(rs, &vs->rss, entry)
			if (rs->c.addr.af == id->rs_af &&
			    rs->c.port == id->rs_port &&
			    memcmp(rs->c.addr.u.raw, id->rs_addr,
			    addr_len(id->rs_af)) == 0)
				break;
		if (rs == NULL)
			return (0);
	}
	*vsp = vs;
	*rsp = rs;
	return (1);
}

/*
 * An IMSG_LVS_NOTIFY from lvsd: -1 malformed, 0 names nothing in conf,
 * 1 with the objects found.  A quorum event names a virtual server
 * alone, a real server event one of its real servers.
 */
int
conf_lvs_notify_check(const struct had_conf *conf,
    const struct msg_lvs_notify *n, const struct conf_vs **vsp,
    const struct conf_rs **rsp)
{
	*vsp = NULL;
	*rsp = NULL;
	switch (n->event) {
	case LVS_NOTIFY_QUORUM_UP:
	case LVS_NOTIFY_QUORUM_DOWN:
		if (n->id.rs_af != 0)
			return (-1);
		break;
	case LVS_NOTIFY_RS_UP:
	case LVS_NOTIFY_RS_DOWN:
		if (n->id.rs_af == 0)
			return (-1);
		break;
	default:
		return (-1);
	}
	return (conf_lvs_find(conf, &n->id, vsp, rsp));
}

/* "198.18.0.10:80" or "[2001:db8::10]:80"; port 1..65535. */
static int
parse_addr_port(const char *s, uint8_t *af, uint8_t *addr, uint16_t *port)
{
	char		 buf[INET6_ADDRSTRLEN + 2];
	const char	*p, *a;
	char		*end;
	unsigned long	 v;

	if ((p = strrchr(s, ':')) == NULL || (size_t)(p - s) >= sizeof(buf))
		return (-1);
	memcpy(buf, s, p - s);
	buf[p - s] = '\0';
	a = buf;
	if (buf[0] == '[') {
		if (p - s < 3 || buf[p - s - 1] != ']')
			return (-1);
		buf[p - s - 1] = '\0';
		a = buf + 1;
	}
	memset(addr, 0, 16);
	if (a == buf && inet_pton(AF_INET, a, addr) == 1)
		*af = AF_INET;
	else if (a != buf && inet_pton(AF_INET6, a, addr) == 1)
		*af = AF_INET6;
	else
		return (-1);
	if (p[1] < '0' || p[1] > '9')
		return (-1);
	v = strtoul(p + 1, &end, 10);
	if (*end != '\0' || v == 0 || v > 65535)
		return (-1);
	*port = v;
	return (0);
}

/*
 * hactl drain VS RS: VS as ADDR:PORT (every protocol of it: vs_proto
 * LVS_PROTO_MAX), fwmark:N or a group name; RS as ADDR:PORT.  -1 with
 * the reason in why if either is malformed.
 */
int
conf_drain_parse(const char *vs, const char *rs, struct msg_lvs_id *id,
    char *why, size_t len)
{
	char		*end;
	unsigned long	 v;

	memset(id, 0, sizeof(*id));
	if (strncmp(vs, "fwmark:", 7) == 0) {
		v = strtoul(vs + 7, &end, 10);
		if (vs[7] < '0' || vs[7] > '9' || *end != '\0' || v == 0 ||
		    v > UINT32_MAX) {
			snprintf(why, len, "%s: bad fwmark", vs);
			return (-1);
		}
		id->vs_type = VS_TYPE_FWMARK;
		id->vs_fwmark = v;
	} else if (strchr(vs, ':') != NULL) {
		if (parse_addr_port(vs, &id->vs_af, id->vs_addr,
		    &id->vs_port) == -1) {
			snprintf(why, len, "%s: not ADDR:PORT, fwmark:N or a "
			    "group name", vs);
			return (-1);
		}
		id->vs_type = VS_TYPE_ADDR;
		id->vs_proto = LVS_PROTO_MAX;
	} else {
		if (vs[0] == '\0' ||
		    strlcpy(id->vs_group, vs, sizeof(id->vs_group)) >=
		    sizeof(id->vs_group)) {
			snprintf(why, len, "bad virtual server group name");
			return (-1);
		}
		id->vs_type = VS_TYPE_GROUP;
	}
	if (parse_addr_port(rs, &id->rs_af, id->rs_addr, &id->rs_port) ==
	    -1) {
		snprintf(why, len, "%s: real server not ADDR:PORT", rs);
		return (-1);
	}
	return (0);
}

/* Whether a drain identity names real server rs of virtual server vs. */
int
conf_drain_match(const struct msg_lvs_id *id, const struct vs_conf *vs,
    const struct rs_conf *rs)
{
	struct msg_lvs_id	 k = *id;

	if (k.vs_type == VS_TYPE_ADDR && k.vs_proto == LVS_PROTO_MAX)
		k.vs_proto = vs->protocol;
	return (conf_lvs_id_is_vs(&k, vs) && rs->addr.af == id->rs_af &&
	    rs->port == id->rs_port &&
	    memcmp(rs->addr.u.raw, id->rs_addr, addr_len(id->rs_af)) == 0);
}

/* Whether a drain identity names anything in conf. */
int
conf_drain_find(const struct had_conf *conf, const struct msg_lvs_id *id)
{
	const struct conf_vs	*vs;
	const struct conf_rs	*rs;

	TAILQ_FOREACH(vs, &conf->vss, entry)
		TAILQ_FOREACH(rs, &vs->rss, entry)
			if (conf_drain_match(id, &vs->c, &rs->c))
				return (1);
	return (0);
}
