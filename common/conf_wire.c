/*
 * Per-process serialisation of the typed config.  conf_emit() hands out
 * each object of a process's part as (kind, POD body); a child item
 * belongs to the last parent item sent before it.  conf_receive_item()
 * is the child's side: it trusts nothing and checks every item before
 * adding it to the config being built.
 */
#include <sys/socket.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CONF_PRIVATE
#include "conf.h"

#define K(x)	(1U << (x))

/* Which item kinds each process receives. */
static const uint32_t proc_kinds[PROC_MAX] = {
	[PROC_PARENT] = 0xffffffffU,
	[PROC_VRRP] = K(CONF_ITEM_GLOBAL) | K(CONF_ITEM_VRRP_SCRIPT) |
	    K(CONF_ITEM_VRRP_INSTANCE) | K(CONF_ITEM_VRRP_VIP) |
	    K(CONF_ITEM_VRRP_UNICAST_PEER) | K(CONF_ITEM_VRRP_TRACK_SCRIPT) |
	    K(CONF_ITEM_VRRP_TRACK_INTERFACE) | K(CONF_ITEM_VRRP_SYNC_GROUP) |
	    K(CONF_ITEM_VRRP_SYNC_MEMBER) |
	    K(CONF_ITEM_VRRP_SYNC_TRACK_SCRIPT) | K(CONF_ITEM_BFD_INSTANCE) |
	    K(CONF_ITEM_VRRP_TRACK_BFD) | K(CONF_ITEM_VRRP_SYNC_TRACK_BFD),
	/* lvsd checks vrrpd's VIP requests against the instances' VIPs. */
	[PROC_LVS] = K(CONF_ITEM_GLOBAL) | K(CONF_ITEM_VRRP_INSTANCE) |
	    K(CONF_ITEM_VRRP_VIP) | K(CONF_ITEM_VRRP_TRACK_INTERFACE) |
	    K(CONF_ITEM_VSG) | K(CONF_ITEM_VSG_ENTRY) |
	    K(CONF_ITEM_VIRTUAL_SERVER) | K(CONF_ITEM_REAL_SERVER) |
	    K(CONF_ITEM_VRRP_ROUTE) | K(CONF_ITEM_VRRP_RULE) |
	    K(CONF_ITEM_STATIC_ADDR) | K(CONF_ITEM_STATIC_ROUTE) |
	    K(CONF_ITEM_STATIC_RULE),
	[PROC_CHECK] = K(CONF_ITEM_GLOBAL) | K(CONF_ITEM_VRRP_SCRIPT) |
	    K(CONF_ITEM_VIRTUAL_SERVER) | K(CONF_ITEM_REAL_SERVER) |
	    K(CONF_ITEM_CHECK) | K(CONF_ITEM_CHECK_URL),
	[PROC_BFD] = K(CONF_ITEM_GLOBAL) | K(CONF_ITEM_BFD_INSTANCE),
};

static const char *const kind_names[CONF_ITEM_MAX] = {
	[CONF_ITEM_GLOBAL] = "global",
	[CONF_ITEM_VRRP_SCRIPT] = "vrrp_script",
	[CONF_ITEM_VRRP_INSTANCE] = "vrrp_instance",
	[CONF_ITEM_VRRP_VIP] = "vrrp_vip",
	[CONF_ITEM_VRRP_UNICAST_PEER] = "vrrp_unicast_peer",
	[CONF_ITEM_VRRP_TRACK_SCRIPT] = "vrrp_track_script",
	[CONF_ITEM_VRRP_TRACK_INTERFACE] = "vrrp_track_interface",
	[CONF_ITEM_VRRP_SYNC_GROUP] = "vrrp_sync_group",
	[CONF_ITEM_VRRP_SYNC_MEMBER] = "vrrp_sync_member",
	[CONF_ITEM_VRRP_SYNC_TRACK_SCRIPT] = "vrrp_sync_track_script",
	[CONF_ITEM_VSG] = "virtual_server_group",
	[CONF_ITEM_VSG_ENTRY] = "virtual_server_group_entry",
	[CONF_ITEM_VIRTUAL_SERVER] = "virtual_server",
	[CONF_ITEM_REAL_SERVER] = "real_server",
	[CONF_ITEM_CHECK] = "check",
	[CONF_ITEM_CHECK_URL] = "check_url",
	[CONF_ITEM_VRRP_ROUTE] = "virtual_route",
	[CONF_ITEM_VRRP_RULE] = "virtual_rule",
	[CONF_ITEM_STATIC_ADDR] = "static_ipaddress",
	[CONF_ITEM_STATIC_ROUTE] = "static_route",
	[CONF_ITEM_STATIC_RULE] = "static_rule",
	[CONF_ITEM_BFD_INSTANCE] = "bfd_instance",
	[CONF_ITEM_VRRP_TRACK_BFD] = "vrrp_track_bfd",
	[CONF_ITEM_VRRP_SYNC_TRACK_BFD] = "vrrp_sync_track_bfd",
};

static const size_t kind_sizes[CONF_ITEM_MAX] = {
	[CONF_ITEM_GLOBAL] = sizeof(struct global_conf),
	[CONF_ITEM_VRRP_SCRIPT] = sizeof(struct vrrp_script_conf),
	[CONF_ITEM_VRRP_INSTANCE] = sizeof(struct vrrp_instance_conf),
	[CONF_ITEM_VRRP_VIP] = sizeof(struct vrrp_vip_conf),
	[CONF_ITEM_VRRP_UNICAST_PEER] = sizeof(struct vrrp_peer_conf),
	[CONF_ITEM_VRRP_TRACK_SCRIPT] = sizeof(struct vrrp_track_script_conf),
	[CONF_ITEM_VRRP_TRACK_INTERFACE] = sizeof(struct vrrp_track_if_conf),
	[CONF_ITEM_VRRP_SYNC_GROUP] = sizeof(struct vrrp_sync_group_conf),
	[CONF_ITEM_VRRP_SYNC_MEMBER] = sizeof(struct vrrp_sync_member_conf),
	[CONF_ITEM_VRRP_SYNC_TRACK_SCRIPT] =
	    sizeof(struct vrrp_track_script_conf),
	[CONF_ITEM_VSG] = sizeof(struct vsg_conf),
	[CONF_ITEM_VSG_ENTRY] = sizeof(struct vsg_entry_conf),
	[CONF_ITEM_VIRTUAL_SERVER] = sizeof(struct vs_conf),
	[CONF_ITEM_REAL_SERVER] = sizeof(struct rs_conf),
	[CONF_ITEM_CHECK] = sizeof(struct check_conf),
	[CONF_ITEM_CHECK_URL] = sizeof(struct check_url_conf),
	[CONF_ITEM_VRRP_ROUTE] = sizeof(struct route_conf),
	[CONF_ITEM_VRRP_RULE] = sizeof(struct rule_conf),
	[CONF_ITEM_STATIC_ADDR] = sizeof(struct vrrp_vip_conf),
	[CONF_ITEM_STATIC_ROUTE] = sizeof(struct route_conf),
	[CONF_ITEM_STATIC_RULE] = sizeof(struct rule_conf),
	[CONF_ITEM_BFD_INSTANCE] = sizeof(struct bfd_instance_conf),
	[CONF_ITEM_VRRP_TRACK_BFD] = sizeof(struct vrrp_track_script_conf),
	[CONF_ITEM_VRRP_SYNC_TRACK_BFD] =
	    sizeof(struct vrrp_track_script_conf),
};

/* The size of an item of that kind, whole; 0 for no kind. */
size_t
conf_kind_size(uint32_t kind)
{
	if (kind == 0 || kind >= CONF_ITEM_MAX)
		return 0;
	return kind_sizes[kind];
}

const char *
conf_item_kind_name(uint32_t kind)
{
	if (kind == 0 || kind >= CONF_ITEM_MAX)
		return "unknown";
	return kind_names[kind];
}

/*
 * A body travels without its trailing zero bytes: most of a real
 * server's 1 KB is its two empty notify commands, and 21000 of them made
 * each child's config 22 MB to build, compare, send and parse.  The
 * receiver zero-fills the rest.  Equal bodies have one encoding, so
 * that encoded configs still compare with memcmp.
 */
struct str_field {
	size_t	off, size;
};

/*
 * The string fields of the bodies that come by the thousand, by offset:
 * body_len() takes a string there up to its NUL (what follows the NUL
 * means nothing) and does not read the rest, 1 KB a real server.  STR()
 * does not build for a field that is not a char array.
 */
#define STR(t, f) { offsetof(struct t, f),				\
	_Generic(&((struct t *)0)->f,					\
	    char (*)[sizeof(((struct t *)0)->f)]:			\
	    sizeof(((struct t *)0)->f)) }

static const struct str_field rs_strs[] = {
	STR(rs_conf, notify_up), STR(rs_conf, notify_down),
};
/* In the order of their offsets (body_len()). */
static const struct str_field check_strs[] = {
	STR(check_conf, dns_name), STR(check_conf, virtualhost),
	STR(check_conf, misc_path), STR(check_conf, user),
	STR(check_conf, group), STR(check_conf, payload),
	STR(check_conf, require_reply), STR(check_conf, helo_name),
};
static const struct str_field url_strs[] = {
	STR(check_url_conf, path), STR(check_url_conf, digest),
	STR(check_url_conf, virtualhost),
};
#define STRS(a)	{ (a), sizeof(a) / sizeof((a)[0]) }
static const struct {
	const struct str_field	*f;
	size_t			 n;
} kind_strs[CONF_ITEM_MAX] = {
	[CONF_ITEM_REAL_SERVER] = STRS(rs_strs),
	[CONF_ITEM_CHECK] = STRS(check_strs),
	[CONF_ITEM_CHECK_URL] = STRS(url_strs),
};

static size_t
body_len(uint32_t kind, const void *body, size_t len)
{
	const uint8_t		*p = body;
	const struct str_field	*f = kind_strs[kind].f;
	size_t			 i = kind_strs[kind].n, n;
	uint64_t		 w;

	if (i == 0) {
		while (len >= sizeof(w)) {
			memcpy(&w, p + len - sizeof(w), sizeof(w));
			if (w != 0)
				break;
			len -= sizeof(w);
		}
		while (len > 0 && p[len - 1] == 0)
			len--;
		return len;
	}
	while (len > 0) {
		while (i > 0 && f[i - 1].off >= len)
			i--;
		if (i > 0 && f[i - 1].off + f[i - 1].size == len) {
			i--;
			n = strnlen((const char *)p + f[i].off, f[i].size);
			if (n > 0)
				return f[i].off + n;
			len = f[i].off;
			continue;
		}
		if (p[len - 1] != 0)
			return len;
		len--;
	}
	return 0;
}

/*
 * The vrrp_script checkd runs and vrrpd reads for an instance's witness:
 * one per address, interval and timeout, shared by the instances that
 * name the same.  0, or -1 when the instance has no witness.
 */
int
conf_witness_script(const struct vrrp_instance_conf *in,
    struct vrrp_script_conf *s)
{
	char	a[INET6_ADDRSTRLEN + 8];

	if (in->witness.af == 0)
		return -1;
	conf_script_defaults(s);
	snprintf(s->name, sizeof(s->name), "witness %s %u/%u",
	    conf_addr_str(&in->witness, a, sizeof(a)), in->witness_ms,
	    in->witness_timeout_ms);
	s->witness = in->witness;
	s->witness_ms = in->witness_ms;
	s->witness_timeout_ms = in->witness_timeout_ms;
	return 0;
}

/* The notify commands end rs_conf: a node without them stops before. */
_Static_assert(offsetof(struct rs_conf, notify_down) ==
    offsetof(struct rs_conf, notify_up) + CONF_CMDLEN &&
    sizeof(struct rs_conf) == offsetof(struct rs_conf, notify_down) +
    CONF_CMDLEN, "notify_up, notify_down: the last fields of rs_conf");
_Static_assert(offsetof(struct conf_rs, c) + sizeof(struct rs_conf) >
    sizeof(struct conf_rs) - _Alignof(struct conf_rs),
    "conf_rs: c is the last field");

_Static_assert(offsetof(struct vs_conf, quorum_down) ==
    offsetof(struct vs_conf, quorum_up) + CONF_CMDLEN &&
    sizeof(struct vs_conf) == offsetof(struct vs_conf, quorum_down) +
    CONF_CMDLEN, "quorum_up, quorum_down: the last fields of vs_conf");
_Static_assert(offsetof(struct conf_vs, c) + sizeof(struct vs_conf) >
    sizeof(struct conf_vs) - _Alignof(struct conf_vs),
    "conf_vs: c is the last field");

/*
 * A config node whose body c (csize bytes at offset coff) ends with
 * commands only had runs: whole (size bytes) if keep, else ending at
 * byte part of c, 1 KB less.  NULL: out of memory.  Not inlined: GCC's
 * -Warray-bounds takes a node shorter than its struct for an overflow,
 * which is the point of it.
 */
static __attribute__((__noinline__)) void *
node_new(size_t coff, const void *c, size_t csize, size_t part,
    size_t size, int keep)
{
	char	*n;

	if ((n = calloc(1, keep ? size : coff + part)) == NULL)
		return NULL;
	memcpy(n + coff, c, keep ? csize : part);
	return n;
}

/* The whole body c of a node that holds its first have bytes. */
static void
body_full(void *c, const void *body, size_t have, size_t csize)
{
	memcpy(c, body, have);
	memset((char *)c + have, 0, csize - have);
}

/* A node for c, with its quorum commands if keep (had's), else not. */
struct conf_vs *
conf_vs_new(const struct vs_conf *c, int keep)
{
	struct conf_vs	*vs;

	if ((vs = node_new(offsetof(struct conf_vs, c), c, sizeof(*c),
	    offsetof(struct vs_conf, quorum_up), sizeof(*vs), keep)) == NULL)
		return NULL;
	TAILQ_INIT(&vs->rss);
	vs->quorum_cmds = keep;
	return vs;
}

/* The whole vs_conf of the node, the commands it does not hold empty. */
void
conf_vs_full(const struct conf_vs *vs, struct vs_conf *c)
{
	body_full(c, &vs->c, vs->quorum_cmds ? sizeof(*c) :
	    offsetof(struct vs_conf, quorum_up), sizeof(*c));
}

/*
 * A node for c, with its notify commands if keep and it has any, else
 * without them.
 */
struct conf_rs *
conf_rs_new(const struct rs_conf *c, int keep)
{
	struct conf_rs	*rs;

	keep = keep && (c->notify_up[0] != '\0' || c->notify_down[0] != '\0');
	if ((rs = node_new(offsetof(struct conf_rs, c), c, sizeof(*c),
	    offsetof(struct rs_conf, notify_up), sizeof(*rs), keep)) == NULL)
		return NULL;
	TAILQ_INIT(&rs->checks);
	rs->notify = keep;
	return rs;
}

/* notify_up (down 0) or notify_down of the real server; "" for none. */
const char *
conf_rs_notify(const struct conf_rs *rs, int down)
{
	if (!rs->notify)
		return "";
	return down ? rs->c.notify_down : rs->c.notify_up;
}

/* The whole rs_conf of the node, the commands it does not hold empty. */
void
conf_rs_full(const struct conf_rs *rs, struct rs_conf *c)
{
	body_full(c, &rs->c, rs->notify ? sizeof(*c) :
	    offsetof(struct rs_conf, notify_up), sizeof(*c));
}

/*
 * The fields each check type reads, past the numbers: its node holds
 * them whole even when they are empty.
 */
#define CK_END(f)							\
	(offsetof(struct check_conf, f) + sizeof(((struct check_conf *)0)->f))
static const size_t check_type_end[CHECK_TYPE_MAX] = {
	[CHECK_HTTP] = CK_END(virtualhost),
	[CHECK_SSL] = CK_END(virtualhost),
	[CHECK_MISC] = CK_END(group),
	[CHECK_UDP] = CK_END(require_reply),
	[CHECK_DNS] = CK_END(dns_name),
	[CHECK_SMTP] = CK_END(helo_name),
	[CHECK_BFD] = CK_END(dns_name),
	[CHECK_FILE] = sizeof(struct check_conf),
};
_Static_assert(offsetof(struct conf_check, c) + sizeof(struct check_conf) >
    sizeof(struct conf_check) - _Alignof(struct conf_check),
    "conf_check: c is the last field");

/*
 * A node for c holding what conf_check.c says: the body as it goes on
 * the wire, a 0 after it (a string there ends), rounded to 8 bytes, and
 * the fields of its type.  Equal bodies get equal lengths.
 */
struct conf_check *
conf_check_new(const struct check_conf *c)
{
	struct conf_check	*ck;
	size_t			 len;

	len = body_len(CONF_ITEM_CHECK, c, sizeof(*c)) + 1;
	len = (len + 7) & ~(size_t)7;
	if (c->type >= CHECK_TYPE_MAX)
		len = sizeof(*c);
	else if (len < check_type_end[c->type])
		len = check_type_end[c->type];
	if (len > sizeof(*c))
		len = sizeof(*c);
	if ((ck = node_new(offsetof(struct conf_check, c), c, sizeof(*c),
	    len, sizeof(*ck), 0)) == NULL)
		return NULL;
	TAILQ_INIT(&ck->urls);
	ck->clen = len;
	return ck;
}

/* The whole check_conf of the node. */
void
conf_check_full(const struct conf_check *ck, struct check_conf *c)
{
	body_full(c, &ck->c, ck->clen, sizeof(*c));
}

#define EMIT(k, body) do {						\
	if ((want & K(k)) && cb((k), &(body),				\
	    body_len((k), &(body), sizeof(body)), arg) == -1)		\
		return -1;						\
} while (0)
/* A body of which a node holds the first n bytes, the rest 0. */
#define EMIT_N(k, body, n) do {						\
	if ((want & K(k)) &&						\
	    cb((k), (body), body_len((k), (body), (n)), arg) == -1)	\
		return -1;						\
} while (0)

int
conf_emit(const struct had_conf *conf, enum had_proc proc, conf_item_cb cb,
    void *arg)
{
	const struct conf_script	*s;
	const struct conf_instance	*in;
	const struct conf_vip		*v;
	const struct conf_peer		*pe;
	const struct conf_track_script	*ts;
	const struct conf_track_if	*ti;
	const struct conf_sync_group	*sg;
	const struct conf_sync_member	*m;
	const struct conf_vsg		*g;
	const struct conf_vsg_entry	*e;
	const struct conf_vs		*vs;
	struct vs_conf			 vsc;
	const struct conf_rs		*rs;
	struct rs_conf			 rsc;
	const struct conf_check		*ck;
	const struct conf_url		*u;
	const struct conf_route		*ro;
	const struct conf_rule		*ru;
	const struct conf_instance	*win;
	struct vrrp_script_conf		 ws, ws2;
	const struct conf_bfd		*bf;
	uint32_t			 want;

	if ((unsigned)proc >= PROC_MAX)
		return -1;
	want = proc_kinds[proc];

	EMIT(CONF_ITEM_GLOBAL, conf->global);
	/* The static ones belong to the global object. */
	TAILQ_FOREACH(v, &conf->static_addrs, entry)
		EMIT(CONF_ITEM_STATIC_ADDR, v->c);
	TAILQ_FOREACH(ro, &conf->static_routes, entry)
		EMIT(CONF_ITEM_STATIC_ROUTE, ro->c);
	TAILQ_FOREACH(ru, &conf->static_rules, entry)
		EMIT(CONF_ITEM_STATIC_RULE, ru->c);
	TAILQ_FOREACH(s, &conf->scripts, entry)
		EMIT(CONF_ITEM_VRRP_SCRIPT, s->c);
	TAILQ_FOREACH(in, &conf->instances, entry) {
		if (conf_witness_script(&in->c, &ws) == -1)
			continue;
		/* Once per name, and never over a vrrp_script's. */
		TAILQ_FOREACH(s, &conf->scripts, entry)
			if (strcmp(s->c.name, ws.name) == 0)
				break;
		TAILQ_FOREACH(win, &conf->instances, entry)
			if (win == in || (conf_witness_script(&win->c,
			    &ws2) == 0 && strcmp(ws2.name, ws.name) == 0))
				break;
		if (s == NULL && win == in)
			EMIT(CONF_ITEM_VRRP_SCRIPT, ws);
	}
	/* Before the instances: their track_bfd names refer to these. */
	TAILQ_FOREACH(bf, &conf->bfds, entry)
		EMIT(CONF_ITEM_BFD_INSTANCE, bf->c);
	TAILQ_FOREACH(in, &conf->instances, entry) {
		EMIT(CONF_ITEM_VRRP_INSTANCE, in->c);
		TAILQ_FOREACH(v, &in->vips, entry)
			EMIT(CONF_ITEM_VRRP_VIP, v->c);
		TAILQ_FOREACH(pe, &in->peers, entry)
			EMIT(CONF_ITEM_VRRP_UNICAST_PEER, pe->c);
		TAILQ_FOREACH(ts, &in->track_scripts, entry)
			EMIT(CONF_ITEM_VRRP_TRACK_SCRIPT, ts->c);
		TAILQ_FOREACH(ti, &in->track_ifs, entry)
			EMIT(CONF_ITEM_VRRP_TRACK_INTERFACE, ti->c);
		TAILQ_FOREACH(ro, &in->routes, entry)
			EMIT(CONF_ITEM_VRRP_ROUTE, ro->c);
		TAILQ_FOREACH(ru, &in->rules, entry)
			EMIT(CONF_ITEM_VRRP_RULE, ru->c);
		TAILQ_FOREACH(ts, &in->track_bfds, entry)
			EMIT(CONF_ITEM_VRRP_TRACK_BFD, ts->c);
	}
	TAILQ_FOREACH(sg, &conf->sync_groups, entry) {
		EMIT(CONF_ITEM_VRRP_SYNC_GROUP, sg->c);
		TAILQ_FOREACH(m, &sg->members, entry)
			EMIT(CONF_ITEM_VRRP_SYNC_MEMBER, m->c);
		TAILQ_FOREACH(ts, &sg->track_scripts, entry)
			EMIT(CONF_ITEM_VRRP_SYNC_TRACK_SCRIPT, ts->c);
		TAILQ_FOREACH(ts, &sg->track_bfds, entry)
			EMIT(CONF_ITEM_VRRP_SYNC_TRACK_BFD, ts->c);
	}
	TAILQ_FOREACH(g, &conf->vsgs, entry) {
		EMIT(CONF_ITEM_VSG, g->c);
		TAILQ_FOREACH(e, &g->entries, entry)
			EMIT(CONF_ITEM_VSG_ENTRY, e->c);
	}
	TAILQ_FOREACH(vs, &conf->vss, entry) {
		/* Only had runs the quorum commands. */
		conf_vs_full(vs, &vsc);
		if (proc != PROC_PARENT) {
			memset(vsc.quorum_up, 0, sizeof(vsc.quorum_up));
			memset(vsc.quorum_down, 0, sizeof(vsc.quorum_down));
		}
		EMIT(CONF_ITEM_VIRTUAL_SERVER, vsc);
		TAILQ_FOREACH(rs, &vs->rss, entry) {
			/* checkd only runs checks: the others are not its. */
			if (proc == PROC_CHECK && TAILQ_EMPTY(&rs->checks))
				continue;
			/* Only had runs the notify commands. */
			conf_rs_full(rs, &rsc);
			if (proc != PROC_PARENT) {
				memset(rsc.notify_up, 0, sizeof(rsc.notify_up));
				memset(rsc.notify_down, 0,
				    sizeof(rsc.notify_down));
			}
			EMIT(CONF_ITEM_REAL_SERVER, rsc);
			TAILQ_FOREACH(ck, &rs->checks, entry) {
				EMIT_N(CONF_ITEM_CHECK, &ck->c, ck->clen);
				TAILQ_FOREACH(u, &ck->urls, entry)
					EMIT(CONF_ITEM_CHECK_URL, u->c);
			}
		}
	}
	return 0;
}

/*
 * Receiving.
 */

struct rx {
	char	*err;
	size_t	 errlen;
};

/*
 * The keyword table the parser fills an item of this kind from, and in
 * def the object as the parser starts it; NULL for the kinds that no
 * table fills (their converters check them, and so does the switch of
 * conf_receive_item()).
 */
const struct conf_kw *
conf_wire_table(uint32_t kind, const void *body, void *def,
    const struct global_conf *g)
{
	const struct vrrp_script_conf	*s = body;
	const struct check_conf		*c = body;

	switch (kind) {
	case CONF_ITEM_GLOBAL:
		conf_global_defaults(def);
		return conf_kw_global;
	case CONF_ITEM_VRRP_SCRIPT:
		if (s->process) {
			conf_tprocess_defaults(def);
			return conf_kw_tprocess;
		}
		conf_script_defaults(def);
		return CONF_IS_TRACK_FILE(s) ? conf_kw_track_file :
		    conf_kw_script;
	case CONF_ITEM_VRRP_INSTANCE:
		conf_instance_defaults(def, g);
		return conf_kw_instance;
	case CONF_ITEM_VRRP_SYNC_GROUP:
		memset(def, 0, sizeof(struct vrrp_sync_group_conf));
		return conf_kw_sync_group;
	case CONF_ITEM_VIRTUAL_SERVER:
		conf_vs_defaults(def);
		return conf_kw_vs;
	case CONF_ITEM_REAL_SERVER:
		conf_rs_defaults(def);
		return conf_kw_rs;
	case CONF_ITEM_CHECK:
		conf_check_defaults(def, c->type < CHECK_TYPE_MAX ? c->type :
		    0, NULL);
		return conf_kw_check;
	case CONF_ITEM_CHECK_URL:
		memset(def, 0, sizeof(struct check_url_conf));
		return conf_kw_url;
	case CONF_ITEM_BFD_INSTANCE:
		conf_bfd_defaults(def);
		return conf_kw_bfd;
	default:
		return NULL;
	}
}

/* A value that a flag keyword of the table (or of a block in it) sets. */
int
conf_flag_sets(const struct conf_kw *tab, size_t off, long long v)
{
	const struct conf_kw	*kw;

	for (kw = tab; kw->name != NULL; kw++)
		if ((kw->type == KT_FLAG && kw->off == off &&
		    kw->scale == v) || (kw->type == KT_SUB &&
		    conf_flag_sets(kw->child, off, v)))
			return 1;
	return 0;
}

/* An address field: none, or one of the family the keyword takes. */
static int
conf_wire_addr_ok(const struct conf_addr *a, long long af)
{
	struct conf_addr	 c;

	memcpy(&c, a, sizeof(c));	/* the body may be unaligned */
	if (c.af == 0)
		return (c.prefix == 0);
	if (af != 0 && c.af != af)
		return (0);
	return ((c.af == AF_INET && c.prefix <= 32) ||
	    (c.af == AF_INET6 && c.prefix <= 128));
}

/*
 * The first keyword of the table whose field is outside what the parser
 * lets it hold: a string without its end, an address of no family or of
 * another than the keyword's, a number outside [min, max], a flag no
 * keyword sets, an enum without a name.  A number as the parser starts
 * it (def) is fine, whatever it is: UINT32_MAX for "not set" and the
 * like.  top: the
 * table flags are looked up in (the kind's, blocks included).
 */
const struct conf_kw *
conf_wire_bounds(const struct conf_kw *tab, const void *obj,
    const void *def, const struct conf_kw *top)
{
	const struct conf_kw	*kw, *bad;
	const char		*f;
	long long		 v, n;

	for (kw = tab; kw->name != NULL; kw++) {
		if (kw->type == KT_SUB) {
			if ((bad = conf_wire_bounds(kw->child, obj, def,
			    top)) != NULL)
				return bad;
			continue;
		}
		f = (const char *)obj + kw->off;
		/*
		 * Strings end within their field, addresses are ones: of any
		 * keyword, its own conv or not.  KT_ADDR's min: the family.
		 */
		if (kw->fkind == FK_STR && kw->size > 0 &&
		    memchr(f, '\0', kw->size) == NULL)
			return kw;
		if (kw->fkind == FK_ADDR && !conf_wire_addr_ok(
		    (const struct conf_addr *)(const void *)f,
		    kw->type == KT_ADDR ? kw->min : 0))
			return kw;
		if ((kw->type != KT_UINT && kw->type != KT_INT &&
		    kw->type != KT_DEC && kw->type != KT_FLAG &&
		    kw->type != KT_ENUM) || kw->size == 0 ||
		    kw->size > sizeof(v))
			continue;
		if (memcmp(f, (const char *)def + kw->off, kw->size) == 0)
			continue;
		v = conf_get_int(f, kw->size, kw->type == KT_INT ||
		    kw->type == KT_FLAG);
		switch (kw->type) {
		case KT_FLAG:
			if (!conf_flag_sets(top, kw->off, v))
				return kw;
			break;
		case KT_ENUM:
			for (n = 0; kw->names[n] != NULL; n++)
				;
			if (v < 0 || v >= n)
				return kw;
			break;
		default:
			if (v < kw->min || v > kw->max)
				return kw;
			break;
		}
	}
	return NULL;
}

static int
rx_fail(struct rx *rx, const char *fmt, ...)
    __attribute__((__format__(printf, 2, 3)));

static int
rx_fail(struct rx *rx, const char *fmt, ...)
{
	va_list	ap;

	if (rx->err != NULL && rx->errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(rx->err, rx->errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

#define STR_OK(f)	(memchr((f), '\0', sizeof(f)) != NULL)
#define NEED_STR(f) do {						\
	if (!STR_OK(f))							\
		return rx_fail(rx, "%s: unterminated string %s",	\
		    what, #f);						\
} while (0)
#define NEED_ADDR(a, set) do {						\
	if (!addr_ok(&(a), (set)))					\
		return rx_fail(rx, "%s: bad address %s", what, #a);	\
} while (0)
#define NEED(cond) do {							\
	if (!(cond))							\
		return rx_fail(rx, "%s: invalid value: %s", what, #cond); \
} while (0)

/* A witness's times within the parser's bounds; none without one. */
static int
witness_ok(const struct conf_addr *a, uint32_t ms, uint32_t tmo)
{
	if (a->af == 0)
		return (ms == 0 && tmo == 0);
	return (ms >= CONF_WITNESS_MS_MIN && ms <= CONF_WITNESS_MS_MAX &&
	    tmo >= CONF_WITNESS_TIMEOUT_MIN && tmo <= CONF_WITNESS_TIMEOUT_MAX);
}

static int
addr_ok(const struct conf_addr *a, int set)
{
	if (a->af == AF_INET)
		return a->prefix <= 32;
	if (a->af == AF_INET6)
		return a->prefix <= 128;
	return !set && a->af == 0 && a->prefix == 0;
}

/* NAME [PARAM...], each NUL-terminated, nothing after them. */
static int
tprocess_cmd_ok(const char *cmd, uint32_t len, uint32_t nparams)
{
	uint32_t	i, n = 0;

	for (i = len; i < CONF_CMDLEN; i++)
		if (cmd[i] != '\0')
			return 0;
	if (len == 0)
		return nparams == 0;
	if (cmd[0] == '\0' || cmd[len - 1] != '\0')
		return 0;
	for (i = 0; i < len; i++)
		n += cmd[i] == '\0';
	return n == nparams + 1;
}

static const struct conf_script *
find_script(const struct had_conf *conf, const char *name)
{
	const struct conf_script	*s;

	TAILQ_FOREACH(s, &conf->scripts, entry)
		if (strcmp(s->c.name, name) == 0)
			return s;
	return NULL;
}

static const struct conf_bfd *
find_bfd(const struct had_conf *conf, const char *name)
{
	const struct conf_bfd	*b;

	TAILQ_FOREACH(b, &conf->bfds, entry)
		if (strcmp(b->c.name, name) == 0)
			return b;
	return NULL;
}

static const struct conf_instance *
find_instance(const struct had_conf *conf, const char *name)
{
	const struct conf_instance	*in;

	TAILQ_FOREACH(in, &conf->instances, entry)
		if (strcmp(in->c.name, name) == 0)
			return in;
	return NULL;
}

static int
rx_track_script(struct had_conf *conf, enum had_proc proc,
    const struct vrrp_track_script_conf *t, struct rx *rx, const char *what)
{
	const struct conf_script	*s;

	NEED_STR(t->name);
	NEED(t->weight >= -254 && t->weight <= 254);
	NEED(t->has_weight <= 1 && t->reverse <= 1 && t->process <= 1 &&
	    t->file <= 1 && !(t->process && t->file));
	if ((s = find_script(conf, t->name)) == NULL ||
	    s->c.process != t->process ||
	    CONF_IS_TRACK_FILE(&s->c) != t->file)
		return rx_fail(rx, "%s: no %s '%s'", what, t->process ?
		    "vrrp_track_process" : t->file ? "track_file" :
		    "vrrp_script", t->name);
	return 0;
}

int
conf_receive_item(struct had_conf *conf, enum had_proc proc, uint32_t kind,
    const void *body, size_t len, char *err, size_t errlen)
{
	struct rx			 rxs = { err, errlen }, *rx = &rxs;
	const struct conf_kw		*tab, *kw;
	const char			*what;
	long long			 bad;
	union {
		struct global_conf		g;
		struct vrrp_script_conf		s;
		struct vrrp_instance_conf	i;
		struct vrrp_vip_conf		v;
		struct vrrp_peer_conf		p;
		struct vrrp_track_script_conf	ts;
		struct vrrp_track_if_conf	ti;
		struct vrrp_sync_group_conf	sg;
		struct vrrp_sync_member_conf	sm;
		struct vsg_conf			vg;
		struct vsg_entry_conf		ve;
		struct vs_conf			vs;
		struct rs_conf			rs;
		struct check_conf		ck;
		struct check_url_conf		u;
		struct route_conf		ro;
		struct rule_conf		ru;
		struct bfd_instance_conf	bf;
	} b, def;

	if ((unsigned)proc >= PROC_MAX)
		return rx_fail(rx, "bad process %d", proc);
	if (kind == 0 || kind >= CONF_ITEM_MAX)
		return rx_fail(rx, "unknown item kind %u", kind);
	what = kind_names[kind];
	if (!(proc_kinds[proc] & K(kind)))
		return rx_fail(rx, "%s: not an item for %s", what,
		    proc == PROC_PARENT ? "had" : proc == PROC_VRRP ?
		    "vrrpd" : proc == PROC_LVS ? "lvsd" : proc == PROC_CHECK ?
		    "checkd" : "bfdd");
	/* Trimmed of its trailing zero bytes (body_len()), and only so. */
	if (body == NULL || len > kind_sizes[kind] ||
	    (len > 0 && len < kind_sizes[kind] &&
	    ((const uint8_t *)body)[len - 1] == 0))
		return rx_fail(rx, "%s: length %zu, expected at most %zu "
		    "without trailing zero bytes", what, len,
		    kind_sizes[kind]);
	/* The body may be unaligned in a message buffer. */
	memcpy(&b, body, len);
	memset((uint8_t *)&b + len, 0, kind_sizes[kind] - len);
	/*
	 * Every number a keyword sets within the parser's bounds, every
	 * string ended, every address one.
	 */
	if ((tab = conf_wire_table(kind, &b, &def, &conf->global)) != NULL &&
	    (kw = conf_wire_bounds(tab, &b, &def, tab)) != NULL) {
		if (kw->fkind == FK_STR)
			return rx_fail(rx, "%s: %s: unterminated string", what,
			    kw->name);
		if (kw->fkind == FK_ADDR)
			return rx_fail(rx, "%s: %s: bad address", what,
			    kw->name);
		bad = conf_get_int((const char *)&b + kw->off, kw->size,
		    kw->type == KT_INT || kw->type == KT_FLAG);
		if (kw->type == KT_FLAG || kw->type == KT_ENUM)
			return rx_fail(rx, "%s: %s %lld is none of its values",
			    what, kw->name, bad);
		return rx_fail(rx, "%s: %s %lld out of %lld..%lld", what,
		    kw->name, bad, kw->min, kw->max);
	}

	switch (kind) {
	case CONF_ITEM_GLOBAL:
		if (conf->rx_global)
			return rx_fail(rx, "global: sent twice");
		NEED_STR(b.g.net_namespace);
		NEED_STR(b.g.script_group);
		NEED_STR(b.g.lvs_sync_interface);
		NEED_STR(b.g.lvs_sync_instance);
		NEED_ADDR(b.g.lvs_sync_group, 0);
		NEED(b.g.lvs_sync_has_id <= 1 && b.g.lvs_sync_maxlen <= 65507);
		NEED(b.g.lvs_sync_active <= 1);
		conf->global = b.g;
		conf->rx_global = 1;
		return 0;
	case CONF_ITEM_VRRP_SCRIPT: {
		struct conf_script	*s;

		NEED_STR(b.s.name);
		NEED_STR(b.s.group);
		NEED(b.s.name[0] != '\0');
		if (CONF_IS_TRACK_FILE(&b.s)) {
			/* A track_file runs nothing; its path is absolute. */
			NEED(b.s.script[0] == '\0' && b.s.file[0] == '/');
			NEED(b.s.weight != INT32_MIN);
		} else
			NEED(b.s.weight >= -254 && b.s.weight <= 254);
		NEED(b.s.weight_reverse <= 1 && b.s.init_fail <= 1);
		NEED(b.s.process <= 1 && b.s.full_command <= 1);
		NEED(b.s.param_match < PROC_MATCH_MAX);
		NEED(b.s.process == (b.s.cmdlen > 0));
		NEED(!b.s.process || b.s.script[0] == '\0');
		NEED(b.s.cmdlen < sizeof(b.s.cmd) &&
		    tprocess_cmd_ok(b.s.cmd, b.s.cmdlen, b.s.nparams));
		NEED(b.s.quorum <= b.s.quorum_max);
		NEED(b.s.init_file <= 1 && b.s.init_overwrite <= 1);
		NEED_ADDR(b.s.witness, 0);
		NEED(witness_ok(&b.s.witness, b.s.witness_ms,
		    b.s.witness_timeout_ms));
		if (CONF_IS_WITNESS(&b.s)) {
			struct vrrp_instance_conf	wi;
			struct vrrp_script_conf		ws;

			/* Made by conf_witness_script(), and only so. */
			memset(&wi, 0, sizeof(wi));
			wi.witness = b.s.witness;
			wi.witness_ms = b.s.witness_ms;
			wi.witness_timeout_ms = b.s.witness_timeout_ms;
			(void)conf_witness_script(&wi, &ws);
			NEED(memcmp(&ws, &b.s, sizeof(ws)) == 0);
		}
		NEED(!b.s.process || b.s.file[0] == '\0');
		if (find_script(conf, b.s.name) != NULL)
			return rx_fail(rx, "%s: '%s' sent twice", what,
			    b.s.name);
		if ((s = calloc(1, sizeof(*s))) == NULL)
			break;
		s->c = b.s;
		TAILQ_INSERT_TAIL(&conf->scripts, s, entry);
		return 0;
	}
	case CONF_ITEM_VRRP_INSTANCE: {
		struct conf_instance	*in;

		NEED_STR(b.i.name);
		NEED_STR(b.i.auth_pass);
		NEED_STR(b.i.vmac_name);
		NEED(b.i.name[0] != '\0');
		/* The table's numbers are checked above; vrid has no default. */
		NEED(b.i.auth_type <= CONF_AUTH_AH);
		NEED(b.i.vrid >= 1);
		NEED(b.i.use_vmac <= 1);
		NEED_STR(b.i.path_dev);
		NEED_ADDR(b.i.path_src, 0);
		NEED_ADDR(b.i.path_peer, 0);
		NEED(b.i.path_dev[0] == '\0' || (b.i.path_src.af != 0 &&
		    b.i.path_src.af == b.i.path_peer.af));
		NEED(b.i.takeover_check <= 1);
		NEED(b.i.takeover_check_ms >= 1 &&
		    b.i.takeover_check_ms <= 1000);
		NEED(b.i.flap_penalty <= 100);
		NEED(b.i.flap_max >= 1 && b.i.flap_max <= 1000);
		NEED(b.i.flap_window >= 1 && b.i.flap_window <= 3600);
		NEED(b.i.flap_decay >= 1 && b.i.flap_decay <= 86400);
		NEED_ADDR(b.i.witness, 0);
		NEED(witness_ok(&b.i.witness, b.i.witness_ms,
		    b.i.witness_timeout_ms));
		if (find_instance(conf, b.i.name) != NULL)
			return rx_fail(rx, "%s: '%s' sent twice", what,
			    b.i.name);
		if ((in = calloc(1, sizeof(*in))) == NULL)
			break;
		in->c = b.i;
		TAILQ_INIT(&in->vips);
		TAILQ_INIT(&in->peers);
		TAILQ_INIT(&in->track_scripts);
		TAILQ_INIT(&in->track_ifs);
		TAILQ_INIT(&in->routes);
		TAILQ_INIT(&in->rules);
		TAILQ_INIT(&in->track_bfds);
		TAILQ_INSERT_TAIL(&conf->instances, in, entry);
		conf->rx_instance = in;
		return 0;
	}
	case CONF_ITEM_VRRP_VIP: {
		struct conf_vip	*v;

		if (conf->rx_instance == NULL)
			return rx_fail(rx, "%s: no vrrp_instance before it",
			    what);
		NEED_STR(b.v.dev);
		NEED_STR(b.v.label);
		NEED_ADDR(b.v.addr, 1);
		NEED_ADDR(b.v.brd, 0);
		NEED(b.v.excluded <= 1);
		if ((v = calloc(1, sizeof(*v))) == NULL)
			break;
		v->c = b.v;
		TAILQ_INSERT_TAIL(&conf->rx_instance->vips, v, entry);
		return 0;
	}
	case CONF_ITEM_VRRP_UNICAST_PEER: {
		struct conf_peer	*pe;

		if (conf->rx_instance == NULL)
			return rx_fail(rx, "%s: no vrrp_instance before it",
			    what);
		NEED_ADDR(b.p.addr, 1);
		if ((pe = calloc(1, sizeof(*pe))) == NULL)
			break;
		pe->c = b.p;
		TAILQ_INSERT_TAIL(&conf->rx_instance->peers, pe, entry);
		return 0;
	}
	case CONF_ITEM_VRRP_TRACK_SCRIPT:
	case CONF_ITEM_VRRP_SYNC_TRACK_SCRIPT: {
		struct conf_track_script	*t;
		struct conf_track_script_list	*l;

		if (kind == CONF_ITEM_VRRP_TRACK_SCRIPT) {
			if (conf->rx_instance == NULL)
				return rx_fail(rx, "%s: no vrrp_instance "
				    "before it", what);
			l = &conf->rx_instance->track_scripts;
		} else {
			if (conf->rx_sync_group == NULL)
				return rx_fail(rx, "%s: no vrrp_sync_group "
				    "before it", what);
			l = &conf->rx_sync_group->track_scripts;
		}
		if (rx_track_script(conf, proc, &b.ts, rx, what) == -1)
			return -1;
		if ((t = calloc(1, sizeof(*t))) == NULL)
			break;
		t->c = b.ts;
		TAILQ_INSERT_TAIL(l, t, entry);
		return 0;
	}
	case CONF_ITEM_VRRP_TRACK_BFD:
	case CONF_ITEM_VRRP_SYNC_TRACK_BFD: {
		struct conf_track_script	*t;
		struct conf_track_script_list	*l;

		if (kind == CONF_ITEM_VRRP_TRACK_BFD) {
			if (conf->rx_instance == NULL)
				return rx_fail(rx, "%s: no vrrp_instance "
				    "before it", what);
			l = &conf->rx_instance->track_bfds;
		} else {
			if (conf->rx_sync_group == NULL)
				return rx_fail(rx, "%s: no vrrp_sync_group "
				    "before it", what);
			l = &conf->rx_sync_group->track_bfds;
		}
		NEED_STR(b.ts.name);
		NEED(b.ts.weight >= -253 && b.ts.weight <= 253);
		NEED(b.ts.has_weight <= 1 && b.ts.reverse <= 1);
		if (find_bfd(conf, b.ts.name) == NULL)
			return rx_fail(rx, "%s: no bfd_instance '%s'", what,
			    b.ts.name);
		if ((t = calloc(1, sizeof(*t))) == NULL)
			break;
		t->c = b.ts;
		TAILQ_INSERT_TAIL(l, t, entry);
		return 0;
	}
	case CONF_ITEM_BFD_INSTANCE: {
		struct conf_bfd	*bf;

		NEED_STR(b.bf.name);
		NEED(b.bf.name[0] != '\0');
		NEED_ADDR(b.bf.neighbor, 1);
		NEED(b.bf.source.af == 0 || b.bf.source.af == b.bf.neighbor.af);
		/* Timers, multiplier, ttl: by the table, above. */
		NEED(b.bf.weight_reverse <= 1 && b.bf.checker == 0);
		NEED(b.bf.weight >= -253 && b.bf.weight <= 253);
		if (find_bfd(conf, b.bf.name) != NULL)
			return rx_fail(rx, "%s: '%s' sent twice", what,
			    b.bf.name);
		if ((bf = calloc(1, sizeof(*bf))) == NULL)
			break;
		bf->c = b.bf;
		TAILQ_INSERT_TAIL(&conf->bfds, bf, entry);
		return 0;
	}
	case CONF_ITEM_VRRP_TRACK_INTERFACE: {
		struct conf_track_if	*t;

		if (conf->rx_instance == NULL)
			return rx_fail(rx, "%s: no vrrp_instance before it",
			    what);
		NEED_STR(b.ti.ifname);
		NEED(b.ti.ifname[0] != '\0');
		NEED(b.ti.weight >= -254 && b.ti.weight <= 254);
		if ((t = calloc(1, sizeof(*t))) == NULL)
			break;
		t->c = b.ti;
		TAILQ_INSERT_TAIL(&conf->rx_instance->track_ifs, t, entry);
		return 0;
	}
	case CONF_ITEM_VRRP_SYNC_GROUP: {
		struct conf_sync_group	*sg;

		NEED_STR(b.sg.name);
		NEED(b.sg.name[0] != '\0');
		TAILQ_FOREACH(sg, &conf->sync_groups, entry)
			if (strcmp(sg->c.name, b.sg.name) == 0)
				return rx_fail(rx, "%s: '%s' sent twice",
				    what, b.sg.name);
		if ((sg = calloc(1, sizeof(*sg))) == NULL)
			break;
		sg->c = b.sg;
		TAILQ_INIT(&sg->members);
		TAILQ_INIT(&sg->track_scripts);
		TAILQ_INIT(&sg->track_bfds);
		TAILQ_INSERT_TAIL(&conf->sync_groups, sg, entry);
		conf->rx_sync_group = sg;
		return 0;
	}
	case CONF_ITEM_VRRP_SYNC_MEMBER: {
		struct conf_sync_member	*m;

		if (conf->rx_sync_group == NULL)
			return rx_fail(rx, "%s: no vrrp_sync_group before it",
			    what);
		NEED_STR(b.sm.instance);
		if (find_instance(conf, b.sm.instance) == NULL)
			return rx_fail(rx, "%s: no vrrp_instance '%s'", what,
			    b.sm.instance);
		if ((m = calloc(1, sizeof(*m))) == NULL)
			break;
		m->c = b.sm;
		TAILQ_INSERT_TAIL(&conf->rx_sync_group->members, m, entry);
		return 0;
	}
	case CONF_ITEM_VSG: {
		struct conf_vsg	*g;

		NEED_STR(b.vg.name);
		NEED(b.vg.name[0] != '\0');
		TAILQ_FOREACH(g, &conf->vsgs, entry)
			if (strcmp(g->c.name, b.vg.name) == 0)
				return rx_fail(rx, "%s: '%s' sent twice",
				    what, b.vg.name);
		if ((g = calloc(1, sizeof(*g))) == NULL)
			break;
		g->c = b.vg;
		TAILQ_INIT(&g->entries);
		TAILQ_INSERT_TAIL(&conf->vsgs, g, entry);
		conf->rx_vsg = g;
		return 0;
	}
	case CONF_ITEM_VSG_ENTRY: {
		struct conf_vsg_entry	*e;

		if (conf->rx_vsg == NULL)
			return rx_fail(rx, "%s: no virtual_server_group "
			    "before it", what);
		NEED(b.ve.type < VSG_ENTRY_MAX);
		NEED_ADDR(b.ve.addr, b.ve.type != VSG_ENTRY_FWMARK);
		NEED(b.ve.range_end <= 65535);
		if ((e = calloc(1, sizeof(*e))) == NULL)
			break;
		e->c = b.ve;
		TAILQ_INSERT_TAIL(&conf->rx_vsg->entries, e, entry);
		return 0;
	}
	case CONF_ITEM_VIRTUAL_SERVER: {
		struct conf_vs	*vs;
		struct conf_vsg	*g;

		NEED(b.vs.type < VS_TYPE_MAX);
		NEED(b.vs.lb_algo < LVS_SCHED_MAX);
		NEED(b.vs.lb_kind < LVS_KIND_MAX);
		NEED(b.vs.protocol < LVS_PROTO_MAX);
		NEED_STR(b.vs.group);
		NEED_ADDR(b.vs.addr, b.vs.type == VS_TYPE_ADDR);
		NEED_ADDR(b.vs.sorry_addr, b.vs.has_sorry);
		/* checkd gets no groups: the name is only a label there. */
		if (b.vs.type == VS_TYPE_GROUP && proc != PROC_CHECK) {
			TAILQ_FOREACH(g, &conf->vsgs, entry)
				if (strcmp(g->c.name, b.vs.group) == 0)
					break;
			if (g == NULL)
				return rx_fail(rx, "%s: no "
				    "virtual_server_group '%s'", what,
				    b.vs.group);
		}
		if ((vs = conf_vs_new(&b.vs, proc == PROC_PARENT)) == NULL)
			break;
		TAILQ_INSERT_TAIL(&conf->vss, vs, entry);
		conf->rx_vs = vs;
		conf->rx_rs = NULL;
		conf->rx_check = NULL;
		return 0;
	}
	case CONF_ITEM_REAL_SERVER: {
		struct conf_rs	*rs;

		if (conf->rx_vs == NULL)
			return rx_fail(rx, "%s: no virtual_server before it",
			    what);
		NEED_ADDR(b.rs.addr, 1);
		NEED(b.rs.weight <= 65535);
		if ((rs = conf_rs_new(&b.rs, proc == PROC_PARENT)) == NULL)
			break;
		TAILQ_INSERT_TAIL(&conf->rx_vs->rss, rs, entry);
		conf->rx_rs = rs;
		conf->rx_check = NULL;
		return 0;
	}
	case CONF_ITEM_CHECK: {
		struct conf_check	*ck;

		if (conf->rx_rs == NULL)
			return rx_fail(rx, "%s: no real_server before it",
			    what);
		NEED(b.ck.type < CHECK_TYPE_MAX);
		NEED(b.ck.dns_type < DNS_TYPE_MAX);
		NEED_STR(b.ck.group);
		NEED(b.ck.file_has_weight <= 1 && b.ck.file_reverse <= 1 &&
		    b.ck.file_dynamic <= 1);
		NEED(b.ck.file_weight != INT32_MIN);
		NEED(b.ck.type != CHECK_FILE || b.ck.track_file[0] != '\0');
		NEED(b.ck.connect_timeout_ms > 0 && b.ck.delay_loop_ms > 0);
		if ((ck = conf_check_new(&b.ck)) == NULL)
			break;
		TAILQ_INSERT_TAIL(&conf->rx_rs->checks, ck, entry);
		conf->rx_check = ck;
		return 0;
	}
	case CONF_ITEM_CHECK_URL: {
		struct conf_url	*u;

		if (conf->rx_check == NULL)
			return rx_fail(rx, "%s: no check before it", what);
		NEED(conf->rx_check->c.type == CHECK_HTTP ||
		    conf->rx_check->c.type == CHECK_SSL);
		if ((u = calloc(1, sizeof(*u))) == NULL)
			break;
		u->c = b.u;
		TAILQ_INSERT_TAIL(&conf->rx_check->urls, u, entry);
		return 0;
	}
	case CONF_ITEM_STATIC_ADDR: {
		struct conf_vip	*v;

		if (!conf->rx_global)
			return rx_fail(rx, "%s: no global before it", what);
		NEED_STR(b.v.dev);
		NEED_STR(b.v.label);
		NEED_ADDR(b.v.addr, 1);
		NEED_ADDR(b.v.brd, 0);
		NEED(b.v.excluded == 0);
		if ((v = calloc(1, sizeof(*v))) == NULL)
			break;
		v->c = b.v;
		TAILQ_INSERT_TAIL(&conf->static_addrs, v, entry);
		return 0;
	}
	case CONF_ITEM_VRRP_ROUTE:
	case CONF_ITEM_STATIC_ROUTE: {
		struct conf_route	*r;

		if (kind == CONF_ITEM_VRRP_ROUTE ? conf->rx_instance == NULL :
		    !conf->rx_global)
			return rx_fail(rx, "%s: nothing before it", what);
		NEED_STR(b.ro.dev);
		NEED_ADDR(b.ro.dst, 1);
		NEED_ADDR(b.ro.src, 0);
		NEED_ADDR(b.ro.via, 0);
		NEED_ADDR(b.ro.via_or, 0);
		NEED(b.ro.has_scope <= 1 && b.ro.onlink <= 1);
		if ((r = calloc(1, sizeof(*r))) == NULL)
			break;
		r->c = b.ro;
		TAILQ_INSERT_TAIL(kind == CONF_ITEM_VRRP_ROUTE ?
		    &conf->rx_instance->routes : &conf->static_routes, r,
		    entry);
		return 0;
	}
	case CONF_ITEM_VRRP_RULE:
	case CONF_ITEM_STATIC_RULE: {
		struct conf_rule	*u;

		if (kind == CONF_ITEM_VRRP_RULE ? conf->rx_instance == NULL :
		    !conf->rx_global)
			return rx_fail(rx, "%s: nothing before it", what);
		NEED_STR(b.ru.iif);
		NEED_STR(b.ru.oif);
		NEED_ADDR(b.ru.from, 0);
		NEED_ADDR(b.ru.to, 0);
		NEED(b.ru.af == AF_INET || b.ru.af == AF_INET6);
		NEED(b.ru.has_priority <= 1 && b.ru.invert <= 1);
		if ((u = calloc(1, sizeof(*u))) == NULL)
			break;
		u->c = b.ru;
		TAILQ_INSERT_TAIL(kind == CONF_ITEM_VRRP_RULE ?
		    &conf->rx_instance->rules : &conf->static_rules, u, entry);
		return 0;
	}
	}
	return rx_fail(rx, "%s: out of memory", what);
}
