/*
 * Counting what a new configuration changes for one process, from the
 * items conf_emit() produces, object by object.
 */
#include <sys/socket.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CONF_PRIVATE
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
		conf_vs_key(&vs, k);
		break;
	}
}

/*
 * A virtual server's identity, to an operator and to the kernel: its
 * address, port and protocol; its fwmark and family; or its group.  A
 * reload keyed on it adds, changes or removes the service, and lvsd
 * carries health across it by the same key (conf_vs_same()).
 */
void
conf_vs_key(const struct vs_conf *vs, struct conf_okey *k)
{
	memset(k, 0, sizeof(*k));
	k->kind = CONF_ITEM_VIRTUAL_SERVER;
	k->type = vs->type;
	switch (vs->type) {
	case VS_TYPE_ADDR:
		k->protocol = vs->protocol;
		k->addr.af = vs->addr.af;
		memcpy(k->addr.u.raw, vs->addr.u.raw, vs->addr.af == AF_INET ?
		    4 : sizeof(k->addr.u.raw));
		k->port = vs->port;
		break;
	case VS_TYPE_FWMARK:
		k->fwmark = vs->fwmark;
		k->addr.af = vs->addr.af;
		break;
	case VS_TYPE_GROUP:
		memcpy(k->name, vs->group, sizeof(k->name));
		k->name[sizeof(k->name) - 1] = '\0';
		break;
	}
}

int
conf_vs_same(const struct vs_conf *a, const struct vs_conf *b)
{
	struct conf_okey	 ka, kb;

	conf_vs_key(a, &ka);
	conf_vs_key(b, &kb);
	return (memcmp(&ka, &kb, sizeof(ka)) == 0);
}

/* FNV-1a of the key conf_vs_same() compares. */
uint32_t
conf_vs_hash(const struct vs_conf *vs)
{
	struct conf_okey	 k;
	const uint8_t		*b = (const uint8_t *)&k;
	uint32_t		 h = 2166136261U;
	size_t			 i;

	conf_vs_key(vs, &k);
	for (i = 0; i < sizeof(k); i++)
		h = (h ^ b[i]) * 16777619U;
	return (h);
}

/* A real server's identity within its virtual server. */
int
conf_rs_same(const struct rs_conf *a, const struct rs_conf *b)
{
	return (a->addr.af == b->addr.af && a->port == b->port &&
	    memcmp(a->addr.u.raw, b->addr.u.raw, a->addr.af == AF_INET ? 4 :
	    sizeof(a->addr.u.raw)) == 0);
}

/*
 * A check has nothing to change in place: the same settings and URLs
 * keep it (and its state), anything else is another check.
 */
int
conf_check_diff(const struct conf_check *a, const struct conf_check *b)
{
	const struct conf_url	*u, *v;

	/* Equal bodies are held to the same length (conf_check_new()). */
	if (a->clen != b->clen || memcmp(&a->c, &b->c, a->clen) != 0)
		return (CONF_CHG_HARD);
	for (u = TAILQ_FIRST(&a->urls), v = TAILQ_FIRST(&b->urls);
	    u != NULL && v != NULL;
	    u = TAILQ_NEXT(u, entry), v = TAILQ_NEXT(v, entry))
		if (memcmp(&u->c, &v->c, sizeof(u->c)) != 0)
			return (CONF_CHG_HARD);
	return (u == NULL && v == NULL ? CONF_CHG_NONE : CONF_CHG_HARD);
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

/* name, appended to why as "a, b" unless there already (cut at len). */
static void
why_add(char *why, size_t len, const char *name)
{
	const char	*p;
	size_t		 n, nl = strlen(name);

	if (why == NULL || len == 0)
		return;
	/* A whole entry: "notify" is not in "notify_master". */
	for (p = why; (p = strstr(p, name)) != NULL; p += nl)
		if ((p == why || (p >= why + 2 && p[-2] == ',' &&
		    p[-1] == ' ')) && (p[nl] == '\0' || p[nl] == ','))
			return;
	n = strlen(why);
	snprintf(why + n, len - n, "%s%s", n ? ", " : "", name);
}

/*
 * One keyword of two objects, as the table prints it: the custom and
 * nested ones (lists, blocks) have no field to compare, their printed
 * form is what the configuration says.
 */
static int
kw_printed_differs(struct conf_pr *pr, char **buf, const struct conf_kw *kw,
    const void *a, const void *b, const struct had_conf *ca,
    const struct had_conf *cb)
{
	off_t	 p0, p1, p2;
	int	 differs;

	p0 = ftello(pr->fp);
	pr->conf = ca;
	pr->depth = 0;
	/* a as the default too: a print that hides defaults hides a. */
	kw->print(pr, kw, a, a);
	p1 = ftello(pr->fp);
	pr->conf = cb;
	pr->depth = 0;
	kw->print(pr, kw, b, a);
	p2 = ftello(pr->fp);
	fflush(pr->fp);
	differs = p1 - p0 != p2 - p1 || (*buf != NULL && memcmp(*buf + p0,
	    *buf + p1, (size_t)(p1 - p0)) != 0);
	fseeko(pr->fp, p0, SEEK_SET);
	return (differs);
}

static int
kw_diff_tab(struct conf_pr *pr, char **buf, const struct conf_kw *tab,
    const void *a, const void *b, const struct had_conf *ca,
    const struct had_conf *cb, int skip, char *why, size_t len)
{
	const struct conf_kw	*kw;
	int			 r = CONF_CHG_NONE, d;

	for (kw = tab; kw->name != NULL; kw++) {
		if (kw->flags & (KF_ALIAS | KF_UNSUPP | skip) ||
		    kw->type == KT_IGNORE)
			continue;
		if (kw->type == KT_SUB) {
			d = kw_diff_tab(pr, buf, kw->child, a, b, ca, cb, skip,
			    why, len);
			if (d != CONF_CHG_NONE && (kw->flags & KF_RESTART))
				d = CONF_CHG_HARD;
			if (d > r)
				r = d;
			continue;
		}
		if (kw->type == KT_CUSTOM && kw->size == 0) {
			if (kw->print == NULL || !kw_printed_differs(pr, buf,
			    kw, a, b, ca, cb))
				continue;
		} else if (memcmp((const char *)a + kw->off,
		    (const char *)b + kw->off, kw->size) == 0)
			continue;
		why_add(why, len, kw->name);
		d = kw->flags & KF_RESTART ? CONF_CHG_HARD : CONF_CHG_SOFT;
		if (d > r)
			r = d;
	}
	return (r);
}

/*
 * What the configuration changes in one object, keyword by keyword of
 * its table: CONF_CHG_NONE, CONF_CHG_SOFT (applied in place) or
 * CONF_CHG_HARD (a keyword marked KF_RESTART changed).  The names of
 * the keywords that changed are appended to why.
 */
static int
kw_diff_obj(const struct conf_kw *tab, const void *a, const void *b,
    const struct had_conf *ca, const struct had_conf *cb,
    const struct vs_conf *vs, int skip, char *why, size_t len)
{
	struct conf_pr	 pr;
	char		*buf = NULL;
	size_t		 blen = 0;
	int		 r;

	memset(&pr, 0, sizeof(pr));
	pr.vs = vs;		/* a check's defaults come from it */
	if ((pr.fp = open_memstream(&buf, &blen)) == NULL)
		return (CONF_CHG_HARD);
	r = kw_diff_tab(&pr, &buf, tab, a, b, ca, cb, skip, why, len);
	fclose(pr.fp);
	free(buf);
	return (r);
}

int
conf_kw_diff(const struct conf_kw *tab, const void *a, const void *b,
    const struct had_conf *ca, const struct had_conf *cb, char *why,
    size_t len)
{
	return (kw_diff_obj(tab, a, b, ca, cb, NULL, 0, why, len));
}

static void
rs_label(const struct conf_rs *rs, const char *what, char *buf, size_t len)
{
	char	 a[CONF_RSNAMELEN];

	conf_addr_port(rs->c.addr.af, rs->c.addr.u.raw, rs->c.port, a,
	    sizeof(a));
	snprintf(buf, len, "real_server %s%s%s", a, what[0] ? " " : "", what);
}

/*
 * The real servers of a virtual server kept by its key, by theirs: the
 * ones added, removed, and changed with their keywords, as lvsd carries
 * their health (conf_rs_same()).
 */
static void
vs_rs_why(const struct had_conf *oc, const struct conf_vs *ov,
    const struct had_conf *nc, const struct conf_vs *nv, char *why,
    size_t len)
{
	const struct conf_rs	*rs, *ors;
	struct conf_rs		 fa, fb;
	char			 w[128], l[192];

	TAILQ_FOREACH(rs, &nv->rss, entry) {
		TAILQ_FOREACH(ors, &ov->rss, entry)
			if (conf_rs_same(&ors->c, &rs->c))
				break;
		w[0] = '\0';
		if (ors == NULL)
			strlcpy(w, "added", sizeof(w));
		else {
			/* Whole nodes, as print_rss() prints them. */
			memset(&fa, 0, sizeof(fa));
			memset(&fb, 0, sizeof(fb));
			fa.checks = ors->checks;
			fb.checks = rs->checks;
			conf_rs_full(ors, &fa.c);
			conf_rs_full(rs, &fb.c);
			if (kw_diff_obj(conf_kw_rs, &fa.c, &fb.c, oc, nc,
			    &nv->c, 0, w, sizeof(w)) == CONF_CHG_NONE)
				continue;
		}
		rs_label(rs, w, l, sizeof(l));
		why_add(why, len, l);
	}
	TAILQ_FOREACH(ors, &ov->rss, entry) {
		TAILQ_FOREACH(rs, &nv->rss, entry)
			if (conf_rs_same(&ors->c, &rs->c))
				break;
		if (rs == NULL) {
			rs_label(ors, "removed", l, sizeof(l));
			why_add(why, len, l);
		}
	}
}

/* global_defs: a hard change restarts every VRRP instance. */
int
conf_global_diff(const struct had_conf *o, const struct had_conf *n,
    char *why, size_t len)
{
	if (o == NULL || n == NULL)
		return (CONF_CHG_NONE);
	return (conf_kw_diff(conf_kw_global, &o->global, &n->global, o, n,
	    why, len));
}

/*
 * A VRRP instance kept by name: CONF_CHG_HARD when a keyword that
 * cannot change under a running state machine changed (interface,
 * VRID, version, advert_int, sources, peers, VMAC, unicast_path), when
 * its address family did (it follows the VIPs) or when global is
 * CONF_CHG_HARD; CONF_CHG_SOFT when priority, preempt, VIPs, tracking or
 * the like changed: they apply from the next advert on.
 */
int
conf_instance_diff(const struct had_conf *oc, const struct conf_instance *o,
    const struct had_conf *nc, const struct conf_instance *n, int global,
    char *why, size_t len)
{
	int	 r;

	r = conf_kw_diff(conf_kw_instance, &o->c, &n->c, oc, nc, why, len);
	if (conf_instance_af(o) != conf_instance_af(n)) {
		why_add(why, len, "address family");
		r = CONF_CHG_HARD;
	}
	if (global == CONF_CHG_HARD) {
		why_add(why, len, "global_defs");
		r = CONF_CHG_HARD;
	}
	return (r);
}

struct names_ctx {
	const struct had_conf	*old, *new;
	enum had_proc		 proc;
	int			 gchg;
	char			 part[5][1024];
};

enum { NAMES_RESTARTED = DIFF_UNCHANGED + 1 };

static const struct conf_instance *
inst_named(const struct had_conf *c, const char *name)
{
	const struct conf_instance	*in;

	TAILQ_FOREACH(in, &c->instances, entry)
		if (strcmp(in->c.name, name) == 0)
			return (in);
	return (NULL);
}

static const struct conf_vs *
vs_keyed(const struct had_conf *c, const struct conf_okey *k)
{
	const struct conf_vs	*vs;
	struct conf_okey	 vk;

	TAILQ_FOREACH(vs, &c->vss, entry) {
		conf_vs_key(&vs->c, &vk);
		if (memcmp(&vk, k, sizeof(vk)) == 0)
			return (vs);
	}
	return (NULL);
}

/*
 * What changed in an object that kept its identity, by keyword, and
 * whether that restarts it: the verdict vrrpd acts on.
 */
static int
names_why(struct names_ctx *x, const struct conf_okey *k, char *why,
    size_t len)
{
	const struct conf_instance	*oi, *ni;
	const struct conf_vs		*ov, *nv;

	switch (k->kind) {
	case CONF_ITEM_GLOBAL:
		conf_global_diff(x->old, x->new, why, len);
		return (CONF_CHG_SOFT);
	case CONF_ITEM_VRRP_INSTANCE:
		if ((oi = inst_named(x->old, k->name)) == NULL ||
		    (ni = inst_named(x->new, k->name)) == NULL)
			return (CONF_CHG_SOFT);
		/* Only vrrpd runs a state machine to restart. */
		return (conf_instance_diff(x->old, oi, x->new, ni,
		    x->proc == PROC_VRRP ? x->gchg : CONF_CHG_NONE, why,
		    len) == CONF_CHG_HARD && x->proc == PROC_VRRP ?
		    CONF_CHG_HARD : CONF_CHG_SOFT);
	case CONF_ITEM_VIRTUAL_SERVER:
		if ((ov = vs_keyed(x->old, k)) == NULL ||
		    (nv = vs_keyed(x->new, k)) == NULL)
			return (CONF_CHG_SOFT);
		kw_diff_obj(conf_kw_vs, &ov->c, &nv->c, x->old, x->new, NULL,
		    KF_OBJ, why, len);
		vs_rs_why(x->old, ov, x->new, nv, why, len);
		return (CONF_CHG_SOFT);
	}
	return (CONF_CHG_SOFT);
}

static void
names_cb(void *arg, int what, const struct conf_okey *k)
{
	struct names_ctx	*x = arg;
	char			*p, name[128], why[256];
	size_t			 n;

	why[0] = '\0';
	/* The detail only while there is room to print it. */
	if ((what == DIFF_CHANGED || (what == DIFF_UNCHANGED &&
	    x->gchg == CONF_CHG_HARD && k->kind == CONF_ITEM_VRRP_INSTANCE &&
	    x->proc == PROC_VRRP)) && strlen(x->part[DIFF_CHANGED]) +
	    strlen(x->part[NAMES_RESTARTED]) < sizeof(x->part[0]) &&
	    names_why(x, k, why, sizeof(why)) == CONF_CHG_HARD)
		what = NAMES_RESTARTED;
	if (what == DIFF_UNCHANGED)
		return;
	p = x->part[what];
	n = strlen(p);
	obj_name(k, name, sizeof(name));
	snprintf(p + n, sizeof(x->part[0]) - n, "%s%s%s%s%s", n ? ", " : "",
	    name, why[0] ? " (" : "", why, why[0] ? ")" : "");
}

/*
 * The objects a new configuration adds, changes (in place), restarts
 * and removes, by name, with the keywords that changed: "added
 * vrrp_instance VI_2; changed vrrp_instance VI_1 (priority); restarted
 * vrrp_instance VI_3 (interface)".  From the tables, as the children
 * decide (conf_kw_diff).  Cut at len.
 */
void
conf_diff_names(const struct had_conf *old, const struct had_conf *new,
    enum had_proc proc, char *buf, size_t len)
{
	static const char	*verb[5] = { "added", "changed", "removed",
				    "", "restarted" };
	static const int	 order[4] = { DIFF_ADDED, DIFF_CHANGED,
				    NAMES_RESTARTED, DIFF_REMOVED };
	struct names_ctx	*x;
	size_t			 n;
	int			 i;

	buf[0] = '\0';
	if ((x = calloc(1, sizeof(*x))) == NULL)
		return;
	x->old = old;
	x->new = new;
	x->proc = proc;
	x->gchg = proc == PROC_VRRP ? conf_global_diff(old, new, NULL, 0) :
	    CONF_CHG_NONE;
	diff_walk(old, new, proc, names_cb, x);
	for (i = 0; i < 4; i++) {
		if (x->part[order[i]][0] == '\0')
			continue;
		n = strlen(buf);
		snprintf(buf + n, len - n, "%s%s %s", n ? "; " : "",
		    verb[order[i]], x->part[order[i]]);
	}
	free(x);
}
