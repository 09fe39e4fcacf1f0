/*
 * Counting what a new configuration changes for one process, from the
 * items conf_emit() produces, object by object.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "conf_diff.h"
#include "conf_misc.h"

static int
conf_blob_add(uint32_t kind, const void *body, size_t len, void *arg)
{
	struct conf_blob	*b = arg;
	struct conf_blob_item	*it;
	uint8_t			*nb;
	size_t			 need;

	need = b->len + sizeof(kind) + sizeof(uint32_t) + len;
	if (need > b->cap) {
		size_t	 cap = b->cap ? b->cap * 2 : 4096;

		while (cap < need)
			cap *= 2;
		if ((nb = realloc(b->buf, cap)) == NULL)
			return (-1);
		b->buf = nb;
		b->cap = cap;
	}
	if (b->nitems == b->itemcap) {
		size_t	 ic = b->itemcap ? b->itemcap * 2 : 64;

		if ((it = reallocarray(b->items, ic, sizeof(*it))) == NULL)
			return (-1);
		b->items = it;
		b->itemcap = ic;
	}
	it = &b->items[b->nitems++];
	it->kind = kind;
	it->len = len;
	it->off = b->len;
	memcpy(b->buf + b->len, body, len);
	b->len += len;
	return (0);
}

int
conf_blob_build(struct conf_blob *b, const struct had_conf *conf,
    enum had_proc proc)
{
	memset(b, 0, sizeof(*b));
	if (conf == NULL)
		return (0);
	if (conf_emit(conf, proc, conf_blob_add, b) == -1) {
		conf_blob_free(b);
		return (-1);
	}
	return (0);
}

void
conf_blob_free(struct conf_blob *b)
{
	free(b->buf);
	free(b->items);
	memset(b, 0, sizeof(*b));
}

const void *
conf_blob_body(const struct conf_blob *b, size_t i)
{
	return (b->buf + b->items[i].off);
}

int
conf_blob_equal(const struct conf_blob *a, const struct conf_blob *b)
{
	size_t	 i;

	if (a->nitems != b->nitems || a->len != b->len)
		return (0);
	for (i = 0; i < a->nitems; i++)
		if (a->items[i].kind != b->items[i].kind ||
		    a->items[i].len != b->items[i].len)
			return (0);
	return (a->len == 0 || memcmp(a->buf, b->buf, a->len) == 0);
}

/*
 * Objects: a top-level item (global_defs, vrrp_script, vrrp_instance,
 * sync group, virtual_server_group, virtual_server) with the items that
 * follow it (VIPs, peers, tracks, members, entries, real servers, checks,
 * URLs), known by what identifies it to an operator and to the kernel.
 */
struct conf_okey {
	uint32_t	 kind;
	uint32_t	 type;		/* virtual_server: address, fwmark, group */
	uint32_t	 protocol;
	uint32_t	 fwmark;
	uint16_t	 port;
	uint8_t		 pad[2];
	struct conf_addr addr;
	char		 name[HAD_NAMELEN];
};

struct conf_obj {
	struct conf_okey	 key;
	size_t			 first, n;	/* its items */
};

static int
is_top(uint32_t kind)
{
	switch (kind) {
	case CONF_ITEM_GLOBAL:
	case CONF_ITEM_VRRP_SCRIPT:
	case CONF_ITEM_VRRP_INSTANCE:
	case CONF_ITEM_VRRP_SYNC_GROUP:
	case CONF_ITEM_VSG:
	case CONF_ITEM_VIRTUAL_SERVER:
	case CONF_ITEM_BFD_INSTANCE:
		return (1);
	}
	return (0);
}

static void
obj_key(uint32_t kind, const void *body, size_t len, struct conf_okey *k)
{
	struct vs_conf	 vs;

	memset(k, 0, sizeof(*k));
	k->kind = kind;
	switch (kind) {
	case CONF_ITEM_VRRP_SCRIPT:
	case CONF_ITEM_VRRP_INSTANCE:
	case CONF_ITEM_VRRP_SYNC_GROUP:
	case CONF_ITEM_VSG:
	case CONF_ITEM_BFD_INSTANCE:
		/* Each of these structs starts with its name. */
		memcpy(k->name, body, len < HAD_NAMELEN ? len : HAD_NAMELEN);
		k->name[HAD_NAMELEN - 1] = '\0';
		/*
		 * type 1: a vrrp_track_process, 2: a track_file (bodies
		 * may be cut short).
		 */
		if (kind == CONF_ITEM_VRRP_SCRIPT &&
		    len > offsetof(struct vrrp_script_conf, process))
			k->type = ((const uint8_t *)body)[offsetof(struct
			    vrrp_script_conf, process)] != 0;
		if (kind == CONF_ITEM_VRRP_SCRIPT &&
		    len > offsetof(struct vrrp_script_conf, file) &&
		    ((const uint8_t *)body)[offsetof(struct
		    vrrp_script_conf, file)] != 0)
			k->type = 2;
		break;
	case CONF_ITEM_VIRTUAL_SERVER:
		/* Bodies come without their trailing zero bytes. */
		if (len > sizeof(vs))
			break;
		memset(&vs, 0, sizeof(vs));
		memcpy(&vs, body, len);
		k->type = vs.type;
		k->protocol = vs.protocol;
		switch (vs.type) {
		case VS_TYPE_ADDR:
			k->addr = vs.addr;
			k->port = vs.port;
			break;
		case VS_TYPE_FWMARK:
			k->fwmark = vs.fwmark;
			k->addr.af = vs.addr.af;
			break;
		case VS_TYPE_GROUP:
			memcpy(k->name, vs.group, sizeof(k->name));
			k->port = vs.port;
			break;
		}
		break;
	}
}

static int
objs_build(const struct conf_blob *b, struct conf_obj **out, size_t *nout)
{
	struct conf_obj	*o = NULL, *no;
	size_t		 i, n = 0, cap = 0;

	for (i = 0; i < b->nitems; i++) {
		if (!is_top(b->items[i].kind) && n > 0) {
			o[n - 1].n++;
			continue;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			if ((no = reallocarray(o, cap, sizeof(*o))) == NULL) {
				free(o);
				return (-1);
			}
			o = no;
		}
		obj_key(b->items[i].kind, conf_blob_body(b, i),
		    b->items[i].len, &o[n].key);
		o[n].first = i;
		o[n].n = 1;
		n++;
	}
	*out = o;
	*nout = n;
	return (0);
}

/* By key, then by position so that duplicates pair up in order. */
static int
obj_cmp(const void *pa, const void *pb)
{
	const struct conf_obj	*a = pa, *b = pb;
	int			 c;

	if ((c = memcmp(&a->key, &b->key, sizeof(a->key))) != 0)
		return (c);
	return (a->first < b->first ? -1 : a->first > b->first);
}

static int
obj_same(const struct conf_blob *ba, const struct conf_obj *a,
    const struct conf_blob *bb, const struct conf_obj *b)
{
	const struct conf_blob_item	*ia, *ib;
	size_t				 i;

	if (a->n != b->n)
		return (0);
	for (i = 0; i < a->n; i++) {
		ia = &ba->items[a->first + i];
		ib = &bb->items[b->first + i];
		if (ia->kind != ib->kind || ia->len != ib->len ||
		    memcmp(ba->buf + ia->off, bb->buf + ib->off, ia->len) != 0)
			return (0);
	}
	return (1);
}

/*
 * What a new configuration does to one process's objects: an object
 * whose identity is new is added, one whose identity is gone is removed,
 * and one that kept its identity is changed or unchanged.  cb gets each
 * object with DIFF_ADDED, DIFF_CHANGED, DIFF_REMOVED or DIFF_UNCHANGED.
 */
enum { DIFF_ADDED = 0, DIFF_CHANGED, DIFF_REMOVED, DIFF_UNCHANGED };

static void
diff_walk(const struct had_conf *old, const struct had_conf *new,
    enum had_proc proc, void (*cb)(void *, int, const struct conf_okey *),
    void *arg)
{
	struct conf_blob	 a, b;
	struct conf_obj		*oa = NULL, *ob = NULL;
	size_t			 na = 0, nb = 0, i = 0, j = 0;
	int			 c;

	if (conf_blob_build(&a, old, proc) == -1)
		return;
	if (conf_blob_build(&b, new, proc) == -1) {
		conf_blob_free(&a);
		return;
	}
	if (objs_build(&a, &oa, &na) == -1 || objs_build(&b, &ob, &nb) == -1)
		goto done;
	if (na > 0)
		qsort(oa, na, sizeof(*oa), obj_cmp);
	if (nb > 0)
		qsort(ob, nb, sizeof(*ob), obj_cmp);
	while (i < na || j < nb) {
		if (i == na)
			c = 1;
		else if (j == nb)
			c = -1;
		else
			c = memcmp(&oa[i].key, &ob[j].key, sizeof(oa[i].key));
		if (c == 0) {
			cb(arg, obj_same(&a, &oa[i], &b, &ob[j]) ?
			    DIFF_UNCHANGED : DIFF_CHANGED, &ob[j].key);
			i++;
			j++;
		} else if (c < 0)
			cb(arg, DIFF_REMOVED, &oa[i++].key);
		else
			cb(arg, DIFF_ADDED, &ob[j++].key);
	}
 done:
	free(oa);
	free(ob);
	conf_blob_free(&a);
	conf_blob_free(&b);
}

static void
count_cb(void *arg, int what, const struct conf_okey *k)
{
	uint32_t	*n = arg;

	(void)k;
	n[what]++;
}

void
conf_diff_count(const struct had_conf *old, const struct had_conf *new,
    enum had_proc proc, uint32_t *added, uint32_t *changed,
    uint32_t *removed, uint32_t *unchanged)
{
	uint32_t	 n[4] = { 0, 0, 0, 0 };

	diff_walk(old, new, proc, count_cb, n);
	*added = n[DIFF_ADDED];
	*changed = n[DIFF_CHANGED];
	*removed = n[DIFF_REMOVED];
	*unchanged = n[DIFF_UNCHANGED];
}

/* An object as an operator names it: "vrrp_instance VI_1", ... */
static void
obj_name(const struct conf_okey *k, char *buf, size_t len)
{
	char	 a[CONF_RSNAMELEN];

	switch (k->kind) {
	case CONF_ITEM_GLOBAL:
		snprintf(buf, len, "global_defs");
		break;
	case CONF_ITEM_VRRP_SCRIPT:
		snprintf(buf, len, "%s %s", k->type == 2 ? "track_file" :
		    k->type ? "vrrp_track_process" : "vrrp_script", k->name);
		break;
	case CONF_ITEM_VRRP_INSTANCE:
		snprintf(buf, len, "vrrp_instance %s", k->name);
		break;
	case CONF_ITEM_VRRP_SYNC_GROUP:
		snprintf(buf, len, "vrrp_sync_group %s", k->name);
		break;
	case CONF_ITEM_VSG:
		snprintf(buf, len, "virtual_server_group %s", k->name);
		break;
	case CONF_ITEM_BFD_INSTANCE:
		snprintf(buf, len, "bfd_instance %s", k->name);
		break;
	case CONF_ITEM_VIRTUAL_SERVER:
		if (k->type == VS_TYPE_FWMARK)
			snprintf(buf, len, "virtual_server fwmark %u",
			    k->fwmark);
		else if (k->type == VS_TYPE_GROUP)
			snprintf(buf, len, "virtual_server group %s",
			    k->name);
		else {
			conf_addr_port(k->addr.af, k->addr.u.raw, k->port, a,
			    sizeof(a));
			snprintf(buf, len, "virtual_server %s %s",
			    conf_enum_name(conf_proto_names, k->protocol), a);
		}
		break;
	default:
		snprintf(buf, len, "item %u", k->kind);
		break;
	}
}

struct names_ctx {
	char	 part[3][512];
};

static void
names_cb(void *arg, int what, const struct conf_okey *k)
{
	struct names_ctx	*x = arg;
	char			*p, name[128];
	size_t			 n;

	if (what == DIFF_UNCHANGED)
		return;
	p = x->part[what];
	n = strlen(p);
	obj_name(k, name, sizeof(name));
	snprintf(p + n, sizeof(x->part[0]) - n, "%s%s", n ? ", " : "", name);
}

/*
 * The objects a new configuration adds, changes and removes, by name:
 * "added vrrp_instance VI_2; changed virtual_server TCP 198.18.0.1:80".
 * Cut at len.
 */
void
conf_diff_names(const struct had_conf *old, const struct had_conf *new,
    enum had_proc proc, char *buf, size_t len)
{
	static const char	*verb[3] = { "added", "changed", "removed" };
	struct names_ctx	 x;
	size_t			 n;
	int			 i;

	memset(&x, 0, sizeof(x));
	diff_walk(old, new, proc, names_cb, &x);
	buf[0] = '\0';
	for (i = 0; i < 3; i++) {
		if (x.part[i][0] == '\0')
			continue;
		n = strlen(buf);
		snprintf(buf + n, len - n, "%s%s %s", n ? "; " : "", verb[i],
		    x.part[i]);
	}
}
