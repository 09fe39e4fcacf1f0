/*
 * Parser: tokens to a generic syntax tree, then the tree is checked
 * against one keyword table per block and converted into typed structs.
 * To add a keyword, add a line to the table of its block (and a field
 * to the struct in conf.h); simple types need no code.
 */
#include <sys/socket.h>
#include <sys/utsname.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CONF_PRIVATE
#include "conf.h"

#define MAX_NESTING	32

struct conf_ref {
	int		 kind;
	char		 name[HAD_NAMELEN];
	struct conf_pos	 pos;
};
enum { REF_SCRIPT, REF_INSTANCE, REF_VSG, REF_PROCESS, REF_FILE, REF_BFD };

struct conf_pctx {
	struct conf_diags	*diags;
	struct had_conf		*conf;
	struct conf_lexer	*lx;
	size_t			 ti;		/* next token */
	struct conf_ref		*refs;
	size_t			 nrefs;
	struct vs_conf		*cur_vs;
	int			 nomem;
	int			 compat;	/* note aliases */
};

#define NODE_OF(type, obj)						\
	((type *)(void *)((char *)(obj) - offsetof(type, c)))
#define CNODE_OF(type, obj)						\
	((const type *)(const void *)((const char *)(obj) - offsetof(type, c)))

const char *const conf_state_names[] = { "BACKUP", "MASTER", NULL };
const char *const conf_auth_names[] = { "NONE", "PASS", "AH", NULL };
const char *const conf_sched_names[] = { "rr", "wrr", "lc", "wlc", "lblc",
    "lblcr", "dh", "sh", "sed", "nq", "fo", "ovf", "mh", NULL };
const char *const conf_kind_names[] = { "NAT", "DR", "TUN", NULL };
const char *const conf_proto_names[] = { "TCP", "UDP", "SCTP", NULL };
const char *const conf_check_names[] = { "TCP_CHECK", "HTTP_GET",
    "SSL_GET", "MISC_CHECK", "PING_CHECK", "UDP_CHECK", "DNS_CHECK",
    "SMTP_CHECK", "BFD_CHECK", "FILE_CHECK", NULL };
const char *const conf_dns_type_names[] = { "A", "NS", "CNAME", "SOA",
    "MX", "TXT", "AAAA", NULL };
static const char *const vip_opt_names[] = { "dev", "label", "scope",
    "brd", NULL };

const char *
conf_enum_name(const char *const *names, uint32_t v)
{
	uint32_t	i;

	for (i = 0; names[i] != NULL; i++)
		if (i == v)
			return names[i];
	return "?";
}

/*
 * Diagnostics and small value parsers.
 */

static void
err_at(struct conf_pctx *p, const struct conf_pos *pos, const char *hint,
    const char *fmt, ...) __attribute__((__format__(printf, 4, 5)));
static void
warn_at(struct conf_pctx *p, const struct conf_pos *pos, const char *hint,
    const char *fmt, ...) __attribute__((__format__(printf, 4, 5)));

static void
err_at(struct conf_pctx *p, const struct conf_pos *pos, const char *hint,
    const char *fmt, ...)
{
	char	buf[256];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	conf_diag_at(p->diags, CONF_ERR, pos, hint, "%s", buf);
}

static void
warn_at(struct conf_pctx *p, const struct conf_pos *pos, const char *hint,
    const char *fmt, ...)
{
	char	buf[256];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	conf_diag_at(p->diags, CONF_WARN, pos, hint, "%s", buf);
}

static int
edit_distance(const char *a, const char *b)
{
	int	 d[64 + 1], la, lb, i, j, prev, tmp, best;

	la = strlen(a);
	lb = strlen(b);
	if (la > 64 || lb > 64)
		return 99;
	for (j = 0; j <= lb; j++)
		d[j] = j;
	for (i = 1; i <= la; i++) {
		prev = d[0];
		d[0] = i;
		for (j = 1; j <= lb; j++) {
			tmp = d[j];
			best = prev + (tolower((unsigned char)a[i - 1]) !=
			    tolower((unsigned char)b[j - 1]));
			if (d[j] + 1 < best)
				best = d[j] + 1;
			if (d[j - 1] + 1 < best)
				best = d[j - 1] + 1;
			d[j] = best;
			prev = tmp;
		}
	}
	return d[lb];
}

/* The closest name within a distance that still looks like a typo. */
static const char *
closest(const char *word, const char *const *names, size_t stride,
    const char *best, int *bestd)
{
	const char	*n;
	int		 d, lim;

	lim = strlen(word) <= 4 ? 1 : strlen(word) <= 8 ? 2 : 3;
	for (; (n = *names) != NULL;
	    names = (const char *const *)(const void *)
	    ((const char *)names + stride)) {
		d = edit_distance(word, n);
		if (d <= lim && d < *bestd) {
			*bestd = d;
			best = n;
		}
	}
	return best;
}

static int
parse_ll(struct conf_pctx *p, const char *s, const struct conf_pos *pos,
    const char *what, long long lo, long long hi, long long *out)
{
	char		*ep;
	long long	 v;

	errno = 0;
	v = strtoll(s, &ep, 10);
	if (s[0] == '\0' || *ep != '\0' || errno == ERANGE ||
	    isspace((unsigned char)s[0])) {
		err_at(p, pos, NULL, "%s: '%s' is not a number", what, s);
		return -1;
	}
	if (v < lo || v > hi) {
		err_at(p, pos, NULL, "%s %lld is out of range %lld..%lld",
		    what, v, lo, hi);
		return -1;
	}
	*out = v;
	return 0;
}

/* A non-negative decimal, multiplied by scale (a power of ten). */
static int
parse_dec(struct conf_pctx *p, const char *s, const struct conf_pos *pos,
    const char *what, long long scale, long long lo, long long hi,
    long long *out)
{
	const char	*c = s;
	long long	 ip = 0, fp = 0, f = scale;
	int		 digits = 0;

	while (isdigit((unsigned char)*c) && ip < (LLONG_MAX / 10 / scale)) {
		ip = ip * 10 + (*c++ - '0');
		digits++;
	}
	if (*c == '.') {
		c++;
		while (isdigit((unsigned char)*c)) {
			f /= 10;
			if (f == 0 && *c != '0') {
				err_at(p, pos, NULL, "%s '%s' is more precise "
				    "than had keeps", what, s);
				return -1;
			}
			fp += (*c++ - '0') * f;
			digits++;
		}
	}
	if (*c != '\0' || digits == 0) {
		err_at(p, pos, NULL, "%s: '%s' is not a number", what, s);
		return -1;
	}
	ip = ip * scale + fp;
	if (ip < lo || ip > hi) {
		err_at(p, pos, NULL, "%s %s is out of range", what, s);
		return -1;
	}
	*out = ip;
	return 0;
}

static int
parse_addr_str(const char *s, int allow_prefix, struct conf_addr *a)
{
	char		 buf[INET6_ADDRSTRLEN + 8], *sl, *ep;
	long		 pl;

	memset(a, 0, sizeof(*a));
	if (strlcpy(buf, s, sizeof(buf)) >= sizeof(buf))
		return -1;
	if ((sl = strchr(buf, '/')) != NULL) {
		if (!allow_prefix)
			return -1;
		*sl++ = '\0';
	}
	if (inet_pton(AF_INET, buf, &a->u.v4) == 1) {
		a->af = AF_INET;
		a->prefix = 32;
	} else if (inet_pton(AF_INET6, buf, &a->u.v6) == 1) {
		a->af = AF_INET6;
		a->prefix = 128;
	} else
		return -1;
	if (sl != NULL) {
		errno = 0;
		pl = strtol(sl, &ep, 10);
		if (*sl == '\0' || *ep != '\0' || pl < 0 || pl > a->prefix)
			return -2;
		a->prefix = pl;
	}
	return 0;
}

static int
parse_addr(struct conf_pctx *p, const char *s, const struct conf_pos *pos,
    const char *what, int allow_prefix, int af, struct conf_addr *a)
{
	int	r;

	if ((r = parse_addr_str(s, allow_prefix, a)) == -2) {
		err_at(p, pos, NULL, "%s: bad prefix length in '%s'", what, s);
		return -1;
	}
	if (r == -1) {
		err_at(p, pos, allow_prefix ? "expected A.B.C.D[/N] or an "
		    "IPv6 address" : "expected A.B.C.D or an IPv6 address",
		    "%s: '%s' is not a valid IP address", what, s);
		return -1;
	}
	if (af != 0 && a->af != af) {
		err_at(p, pos, NULL, "%s: '%s' must be an %s address", what,
		    s, af == AF_INET ? "IPv4" : "IPv6");
		return -1;
	}
	return 0;
}

const char *
conf_addr_str(const struct conf_addr *a, char *buf, size_t len)
{
	char	tmp[INET6_ADDRSTRLEN];
	int	full;

	if (a->af != AF_INET && a->af != AF_INET6) {
		strlcpy(buf, "-", len);
		return buf;
	}
	inet_ntop(a->af, &a->u, tmp, sizeof(tmp));
	full = a->af == AF_INET ? 32 : 128;
	if (a->prefix != full)
		snprintf(buf, len, "%s/%u", tmp, a->prefix);
	else
		strlcpy(buf, tmp, len);
	return buf;
}

static int
parse_enum(struct conf_pctx *p, const char *s, const struct conf_pos *pos,
    const char *what, const char *const *names, uint32_t *out)
{
	const char	*best = NULL;
	char		 hint[128];
	uint32_t	 i;
	int		 bestd = 99;

	for (i = 0; names[i] != NULL; i++) {
		if (strcasecmp(s, names[i]) == 0) {
			*out = i;
			return 0;
		}
	}
	best = closest(s, names, sizeof(*names), NULL, &bestd);
	if (best != NULL)
		snprintf(hint, sizeof(hint), "did you mean '%s'?", best);
	else {
		strlcpy(hint, "one of:", sizeof(hint));
		for (i = 0; names[i] != NULL; i++) {
			strlcat(hint, " ", sizeof(hint));
			strlcat(hint, names[i], sizeof(hint));
		}
	}
	err_at(p, pos, hint, "%s: unknown value '%s'", what, s);
	return -1;
}

static int
copy_str(struct conf_pctx *p, const char *s, const struct conf_pos *pos,
    const char *what, char *dst, size_t size)
{
	/*
	 * Zero-filled: a value given again must leave no byte of the one
	 * before after its NUL, or the same config would differ on the
	 * wire (a reload would see a change that is none).
	 */
	memset(dst, 0, size);
	if (strlcpy(dst, s, size) >= size) {
		err_at(p, pos, NULL, "%s: '%.40s...' is longer than %zu "
		    "characters", what, s, size - 1);
		dst[0] = '\0';
		return -1;
	}
	return 0;
}

static void
add_ref(struct conf_pctx *p, int kind, const char *name,
    const struct conf_pos *pos)
{
	struct conf_ref	*r;

	r = reallocarray(p->refs, p->nrefs + 1, sizeof(*r));
	if (r == NULL) {
		p->nomem = 1;
		return;
	}
	p->refs = r;
	r = &p->refs[p->nrefs++];
	r->kind = kind;
	strlcpy(r->name, name, sizeof(r->name));
	r->pos = *pos;
}

static void *
xcalloc(struct conf_pctx *p, size_t size)
{
	void	*v;

	if ((v = calloc(1, size)) == NULL)
		p->nomem = 1;
	return v;
}

static void
put_int(void *dst, size_t size, long long v)
{
	switch (size) {
	case 1:
		*(uint8_t *)dst = v;
		break;
	case 2:
		*(uint16_t *)dst = v;
		break;
	case 4:
		*(uint32_t *)dst = v;
		break;
	default:
		*(uint64_t *)dst = v;
		break;
	}
}

/*
 * Syntax tree.
 */

static void
node_free(struct conf_node *n)
{
	struct conf_node	*c, *t;
	int			 i;

	TAILQ_FOREACH_SAFE(c, &n->children, entry, t) {
		TAILQ_REMOVE(&n->children, c, entry);
		node_free(c);
	}
	for (i = 0; i < n->argc; i++)
		free(n->argv[i]);
	free(n->argv);
	free(n->argpos);
	free(n->kw);
	free(n);
}

static void
nodes_free(struct conf_nodes *l)
{
	struct conf_node	*n, *t;

	TAILQ_FOREACH_SAFE(n, l, entry, t) {
		TAILQ_REMOVE(l, n, entry);
		node_free(n);
	}
}

static struct conf_tok *
tok(struct conf_pctx *p)
{
	return &p->lx->toks[p->ti];
}

/* Parse statements until the "}" closing a block (depth > 0) or EOF. */
static void
parse_block(struct conf_pctx *p, struct conf_nodes *out, int depth,
    const struct conf_pos *open)
{
	struct conf_tok		*t;
	struct conf_node	*n;
	struct conf_nodes	 junk;
	size_t			 j;

	for (;;) {
		t = tok(p);
		switch (t->type) {
		case TOK_EOL:
			p->ti++;
			continue;
		case TOK_EOF:
			if (depth > 0)
				err_at(p, open, "add the missing '}'",
				    "unclosed '{'");
			return;
		case TOK_RBRACE:
			if (depth > 0) {
				p->ti++;
				return;
			}
			err_at(p, &t->pos, "no block is open here",
			    "unexpected '}'");
			p->ti++;
			continue;
		case TOK_LBRACE:
			err_at(p, &t->pos, "a block follows a keyword",
			    "'{' without a keyword");
			p->ti++;
			TAILQ_INIT(&junk);
			parse_block(p, &junk, depth + 1, &t->pos);
			nodes_free(&junk);
			continue;
		}

		if ((n = xcalloc(p, sizeof(*n))) == NULL)
			return;
		TAILQ_INIT(&n->children);
		TAILQ_INSERT_TAIL(out, n, entry);
		n->kw = t->text;
		t->text = NULL;
		n->pos = t->pos;
		p->ti++;
		for (j = p->ti; p->lx->toks[j].type == TOK_WORD; j++)
			;
		if (j > p->ti) {
			n->argc = j - p->ti;
			n->argv = calloc(n->argc, sizeof(*n->argv));
			n->argpos = calloc(n->argc, sizeof(*n->argpos));
			if (n->argv == NULL || n->argpos == NULL) {
				n->argc = 0;
				p->nomem = 1;
				return;
			}
			for (j = 0; j < (size_t)n->argc; j++, p->ti++) {
				n->argv[j] = tok(p)->text;
				tok(p)->text = NULL;
				n->argpos[j] = tok(p)->pos;
			}
		}
		/* A "{" may stand on one of the next lines. */
		j = p->ti;
		while (p->lx->toks[j].type == TOK_EOL)
			j++;
		if (p->lx->toks[j].type != TOK_LBRACE)
			continue;
		p->ti = j + 1;
		n->block = 1;
		n->bpos = p->lx->toks[j].pos;
		if (depth + 1 >= MAX_NESTING) {
			err_at(p, &n->bpos, NULL, "blocks nested too deep");
			TAILQ_INIT(&junk);
			parse_block(p, &junk, depth + 1, &n->bpos);
			nodes_free(&junk);
		} else
			parse_block(p, &n->children, depth + 1, &n->bpos);
	}
}

/*
 * Schema walk.
 */

static void	walk(struct conf_pctx *, const struct conf_nodes *,
		    const struct conf_kw *, void *, const char *);

static const struct conf_kw *
kw_find(const struct conf_kw *tab, const char *name)
{
	/* The first byte first: 21000 real servers come through here. */
	for (; tab->name != NULL; tab++)
		if (tab->name[0] == name[0] && strcmp(tab->name, name) == 0)
			return tab;
	return NULL;
}

/* Blocks whose keywords are worth pointing at when used elsewhere. */
static const struct {
	const char		*block;
	const struct conf_kw	*tab;
} kw_blocks[] = {
	{ "global_defs",	conf_kw_global },
	{ "vrrp_script",	conf_kw_script },
	{ "bfd_instance",	conf_kw_bfd },
	{ "vrrp_instance",	conf_kw_instance },
	{ "vrrp_sync_group",	conf_kw_sync_group },
	{ "virtual_server",	conf_kw_vs },
	{ "real_server",	conf_kw_rs },
	{ "a check block",	conf_kw_check },
	{ "url",		conf_kw_url },
	{ "the top level",	conf_kw_top },
};

static void
unknown_kw(struct conf_pctx *p, const struct conf_node *n,
    const struct conf_kw *tab, const char *block)
{
	const char	*best = NULL;
	char		 hint[128];
	size_t		 i;
	int		 bestd = 99;

	/* keepalived 1.x's members; 2.x ignores them (its own sample). */
	if (tab == conf_kw_sync_group && n->argc == 0 && !n->block) {
		warn_at(p, &n->pos, "list the members in group { }", "'%s' "
		    "outside group { } is ignored, as keepalived 2.x does",
		    n->kw);
		conf_diag_kind(p->diags, CONF_DK_UNSUPP);
		return;
	}
	hint[0] = '\0';
	best = closest(n->kw, &tab->name, sizeof(*tab), NULL, &bestd);
	if (best != NULL)
		snprintf(hint, sizeof(hint), "did you mean '%s'?", best);
	else {
		for (i = 0; i < sizeof(kw_blocks) / sizeof(kw_blocks[0]);
		    i++) {
			if (kw_blocks[i].tab != tab &&
			    kw_find(kw_blocks[i].tab, n->kw) != NULL) {
				snprintf(hint, sizeof(hint), "'%s' belongs "
				    "in %s", n->kw, kw_blocks[i].block);
				break;
			}
		}
	}
	err_at(p, &n->pos, hint[0] ? hint : NULL, "unknown keyword '%s' in %s",
	    n->kw, block);
}

/* conf_opts.compat: say which keyword an alias stands for. */
static void
note_alias(struct conf_pctx *p, const struct conf_node *n,
    const struct conf_kw *tab, const struct conf_kw *kw)
{
	const struct conf_kw	*k;

	if (kw->type == KT_CUSTOM)
		return;		/* its conv warns */
	for (k = tab; k->name != NULL; k++)
		if (!(k->flags & KF_ALIAS) && k->type != KT_CUSTOM &&
		    k->off == kw->off)
			break;
	if (k->name == NULL)
		return;
	if (kw->type == KT_FLAG && k->type == KT_FLAG &&
	    kw->scale != k->scale)
		conf_diag_at(p->diags, CONF_NOTE, &n->pos, NULL, "'%s' is "
		    "taken as the opposite of '%s' (the default)", kw->name,
		    k->name);
	else
		conf_diag_at(p->diags, CONF_NOTE, &n->pos, NULL, "'%s' is "
		    "taken as '%s'", kw->name, k->name);
	conf_diag_kind(p->diags, CONF_DK_ALIAS);
}

static void
apply(struct conf_pctx *p, const struct conf_node *n,
    const struct conf_kw *tab, const struct conf_kw *kw, void *obj)
{
	char		*dst = (char *)obj + kw->off;
	long long	 v;
	uint32_t	 e;
	size_t		 len = 0;
	int		 i;

	if (kw->flags & KF_UNSUPP) {
		warn_at(p, &n->pos, kw->note, "'%s' is a keepalived keyword "
		    "that had does not implement; ignored", kw->name);
		conf_diag_kind(p->diags, CONF_DK_UNSUPP);
		return;
	}
	if (kw->flags & KF_NOEFFECT) {
		/* Kept, printed by had -n, but nothing acts on it yet. */
		warn_at(p, &n->pos, kw->note, "'%s' is read but has no effect "
		    "in had yet", kw->name);
		conf_diag_kind(p->diags, CONF_DK_UNSUPP);
	}
	if ((kw->flags & KF_ALIAS) && p->compat)
		note_alias(p, n, tab, kw);
	if ((kw->flags & KF_EXT) && p->compat) {
		conf_diag_at(p->diags, CONF_NOTE, &n->pos, kw->note, "'%s' is "
		    "a had extension: keepalived does not know it", kw->name);
		conf_diag_kind(p->diags, CONF_DK_EXT);
	}
	if (n->argc < kw->minargs) {
		err_at(p, &n->pos, NULL, "'%s' needs %s%d argument%s", kw->name,
		    kw->maxargs == kw->minargs ? "" : "at least ", kw->minargs,
		    kw->minargs == 1 ? "" : "s");
		return;
	}
	if (kw->maxargs >= 0 && n->argc > kw->maxargs) {
		err_at(p, &n->argpos[kw->maxargs], NULL,
		    "too many arguments to '%s'", kw->name);
		return;
	}
	if ((kw->flags & KF_BLOCK || kw->type == KT_SUB) && !n->block) {
		err_at(p, &n->pos, NULL, "'%s' needs a { } block", kw->name);
		return;
	}
	if (n->block && !(kw->flags & (KF_BLOCK | KF_ANYBLOCK)) &&
	    kw->type != KT_SUB) {
		err_at(p, &n->bpos, NULL, "'%s' does not take a block",
		    kw->name);
		return;
	}

	switch (kw->type) {
	case KT_UINT:
	case KT_INT:
		if (parse_ll(p, n->argv[0], &n->argpos[0], kw->name, kw->min,
		    kw->max, &v) == 0)
			put_int(dst, kw->size, v);
		break;
	case KT_DEC:
		if (parse_dec(p, n->argv[0], &n->argpos[0], kw->name,
		    kw->scale, kw->min, kw->max, &v) == 0)
			put_int(dst, kw->size, v);
		break;
	case KT_FLAG:
		put_int(dst, kw->size, kw->scale);
		break;
	case KT_STR:
		copy_str(p, n->argv[0], &n->argpos[0], kw->name, dst,
		    kw->size);
		break;
	case KT_JOIN:
		memset(dst, 0, kw->size);	/* as copy_str() */
		for (i = 0; i < n->argc; i++) {
			if (i > 0)
				strlcat(dst, " ", kw->size);
			len = strlcat(dst, n->argv[i], kw->size);
		}
		if (len >= kw->size) {
			err_at(p, &n->argpos[0], NULL, "%s: longer than %zu "
			    "characters", kw->name, kw->size - 1);
			dst[0] = '\0';
		}
		break;
	case KT_ADDR:
		parse_addr(p, n->argv[0], &n->argpos[0], kw->name,
		    kw->flags & KF_PREFIX, kw->min, (struct conf_addr *)dst);
		break;
	case KT_ENUM:
		if (parse_enum(p, n->argv[0], &n->argpos[0], kw->name,
		    kw->names, &e) == 0)
			put_int(dst, kw->size, e);
		break;
	case KT_SUB:
		walk(p, &n->children, kw->child, obj, kw->name);
		break;
	case KT_CUSTOM:
		kw->conv(p, n, kw, obj);
		break;
	case KT_IGNORE:
		break;
	}
}

/* Object-creating blocks go last so that they see their parent whole. */
static void
walk(struct conf_pctx *p, const struct conf_nodes *nodes,
    const struct conf_kw *tab, void *obj, const char *block)
{
	const struct conf_node	*n;
	const struct conf_kw	*kw;
	int			 pass;

	for (pass = 0; pass < 2; pass++) {
		TAILQ_FOREACH(n, nodes, entry) {
			kw = kw_find(tab, n->kw);
			if (kw == NULL) {
				if (pass == 0)
					unknown_kw(p, n, tab, block);
				continue;
			}
			if (((kw->flags & KF_OBJ) != 0) == pass)
				apply(p, n, tab, kw, obj);
		}
	}
}

/*
 * Defaults (keepalived's).
 */

void
conf_global_defaults(struct global_conf *g)
{
	memset(g, 0, sizeof(*g));
	g->vrrp_mcast_group4.af = AF_INET;
	g->vrrp_mcast_group4.prefix = 32;
	inet_pton(AF_INET, "224.0.0.18", &g->vrrp_mcast_group4.u.v4);
	g->vrrp_mcast_group6.af = AF_INET6;
	g->vrrp_mcast_group6.prefix = 128;
	inet_pton(AF_INET6, "ff02::12", &g->vrrp_mcast_group6.u.v6);
	g->vrrp_garp_master_delay = 5;
	g->vrrp_garp_master_repeat = 5;
	g->vrrp_version = 2;
	g->lvs_drain_time = 10;
}

void
conf_script_defaults(struct vrrp_script_conf *s)
{
	memset(s, 0, sizeof(*s));
	s->interval = 1;
	s->rise = 1;
	s->fall = 1;
}

/* vrrp_track_process: keepalived's weight 1, quorum 1. */
void
conf_tprocess_defaults(struct vrrp_script_conf *s)
{
	memset(s, 0, sizeof(*s));
	s->process = 1;
	s->weight = 1;
	s->quorum = 1;
	s->quorum_max = UINT32_MAX;
}

void
conf_instance_defaults(struct vrrp_instance_conf *v,
    const struct global_conf *g)
{
	memset(v, 0, sizeof(*v));
	v->state = CONF_STATE_BACKUP;
	v->priority = 100;
	v->advert_int_cs = 100;
	v->version = g->vrrp_version;
	v->accept = -1;
	v->garp_master_delay = g->vrrp_garp_master_delay;
	v->garp_master_repeat = g->vrrp_garp_master_repeat;
	v->garp_master_refresh = g->vrrp_garp_master_refresh;
	v->garp_master_refresh_repeat = 1;
	v->takeover_check_ms = 20;
	v->flap_max = 20;
	v->flap_window = 30;
	v->flap_decay = 60;
}

void
conf_vs_defaults(struct vs_conf *vs)
{
	memset(vs, 0, sizeof(*vs));
	vs->delay_loop_ms = 60000;
	vs->lb_algo = LVS_SCHED_WLC;
	vs->lb_kind = LVS_KIND_NAT;
	vs->protocol = LVS_PROTO_TCP;
	/* Unset: the checks use their own defaults. */
	vs->retry = UINT32_MAX;
	vs->delay_before_retry_ms = UINT32_MAX;
	vs->warmup_ms = UINT32_MAX;
}

void
conf_rs_defaults(struct rs_conf *rs)
{
	memset(rs, 0, sizeof(*rs));
	rs->weight = 1;
}

/* connect_port 0 means the real server's port. */
void
conf_check_defaults(struct check_conf *c, uint32_t type,
    const struct vs_conf *vs)
{
	memset(c, 0, sizeof(*c));
	c->type = type;
	c->connect_timeout_ms = 5000;
	c->retry = (type == CHECK_HTTP || type == CHECK_SSL) ? 3 :
	    CHECK_IS_PASSIVE(type) ? 0 : 1;
	c->delay_before_retry_ms = 1000;
	c->delay_loop_ms = 60000;
	c->rise = 1;
	c->fall = 1;
	if (vs != NULL) {
		c->delay_loop_ms = vs->delay_loop_ms;
		if (vs->retry != UINT32_MAX)
			c->retry = vs->retry;
		if (vs->delay_before_retry_ms != UINT32_MAX)
			c->delay_before_retry_ms = vs->delay_before_retry_ms;
		if (vs->warmup_ms != UINT32_MAX)
			c->warmup_ms = vs->warmup_ms;
	}
	c->misc_timeout_ms = c->delay_loop_ms;
	c->dns_type = DNS_TYPE_A;
	strlcpy(c->dns_name, ".", sizeof(c->dns_name));
}

/*
 * Custom converters and printers, next to the tables that use them.
 */

#define KW_BASE(n, t, lo, hi)	.name = n, .type = t, .minargs = lo,	\
	.maxargs = hi
#define FLD(m)	.off = offsetof(S, m), .size = sizeof(((S *)0)->m),	\
	.fkind = FK_OF(((S *)0)->m)
#define UINT(n, m, lo, hi)	{ KW_BASE(n, KT_UINT, 1, 1), FLD(m),	\
	.min = lo, .max = hi }
#define INT(n, m, lo, hi)	{ KW_BASE(n, KT_INT, 1, 1), FLD(m),	\
	.min = lo, .max = hi }
#define DEC(n, m, sc, lo, hi)	{ KW_BASE(n, KT_DEC, 1, 1), FLD(m),	\
	.scale = sc, .min = lo, .max = hi }
#define FLAG(n, m, v)		{ KW_BASE(n, KT_FLAG, 0, 0), FLD(m),	\
	.scale = v }
#define FLAGN(n, m, v, why)	{ KW_BASE(n, KT_FLAG, 0, 0), FLD(m),	\
	.scale = v, .flags = KF_NOEFFECT, .note = why }
#define FLAGA(n, m, v)		{ KW_BASE(n, KT_FLAG, 0, 0), FLD(m),	\
	.scale = v, .flags = KF_ALIAS }
#define STR(n, m)		{ KW_BASE(n, KT_STR, 1, 1), FLD(m) }
#define JOIN(n, m)		{ KW_BASE(n, KT_JOIN, 1, -1), FLD(m) }
#define ADDR(n, m, af)		{ KW_BASE(n, KT_ADDR, 1, 1), FLD(m),	\
	.min = af }
#define ENUM(n, m, tab)		{ KW_BASE(n, KT_ENUM, 1, 1), FLD(m),	\
	.names = tab }
#define ENUMA(n, m, tab)	{ KW_BASE(n, KT_ENUM, 1, 1), FLD(m),	\
	.names = tab, .flags = KF_ALIAS }
#define SUB(n, tab)		{ KW_BASE(n, KT_SUB, 0, 0), .child = tab }
#define CUSTOM(n, lo, hi, fl, cv, pr)	{ KW_BASE(n, KT_CUSTOM, lo, hi), \
	.flags = fl, .conv = cv, .print = pr }
#define UNSUPP(n)		{ KW_BASE(n, KT_IGNORE, 0, -1),		\
	.flags = KF_UNSUPP | KF_ANYBLOCK | KF_ALIAS }
#define UNSUPPN(n, why)		{ KW_BASE(n, KT_IGNORE, 0, -1),		\
	.flags = KF_UNSUPP | KF_ANYBLOCK | KF_ALIAS, .note = why }
/* A track list of node type t, kw->off bytes after the object. */
#define TRACKS(n, t, m)	{ KW_BASE(n, KT_CUSTOM, 0, 0),		\
	.off = offsetof(t, m) - offsetof(t, c),				\
	.flags = KF_BLOCK | KF_LIST, .conv = conv_tracks,		\
	.print = print_tracks }
#define KW_END			{ .name = NULL }

/* USER [GROUP] into two adjacent fields. */
static int
conv_user(struct conf_pctx *p, const struct conf_node *n,
    const struct conf_kw *kw, void *obj)
{
	char	*u = (char *)obj + kw->off;

	if (copy_str(p, n->argv[0], &n->argpos[0], kw->name, u,
	    CONF_USERLEN) == -1)
		return -1;
	if (n->argc > 1 && copy_str(p, n->argv[1], &n->argpos[1], kw->name,
	    u + CONF_USERLEN, CONF_USERLEN) == -1)
		return -1;
	return 0;
}

static void
print_user(struct conf_pr *pr, const struct conf_kw *kw, const void *obj,
    const void *def)
{
	const char	*u = (const char *)obj + kw->off;

	if (u[0] == '\0')
		return;
	conf_pr_open(pr, kw->name);
	conf_pr_arg(pr, u);
	if (u[CONF_USERLEN] != '\0')
		conf_pr_arg(pr, u + CONF_USERLEN);
	fputc('\n', pr->fp);
}

/*
 * keepalived's firewall keywords.  vrrp_iptables alone: no rules at all
 * (no_accept drops nothing); with chains, or vrrp_nftables: had drops
 * with nftables in its table inet had.
 */
static int
conv_firewall(struct conf_pctx *p, const struct conf_node *n,
    const struct conf_kw *kw, void *obj)
{
	struct global_conf	*g = obj;

	if (strcmp(kw->name, "vrrp_iptables") == 0 && n->argc == 0) {
		g->vrrp_nofilter = 1;
		return 0;
	}
	warn_at(p, &n->pos, NULL, "'%s': had drops traffic to the VIPs of a "
	    "no_accept Master with nftables, in its table inet had",
	    kw->name);
	conf_diag_kind(p->diags, CONF_DK_DIFF);
	return 0;
}

static void
print_firewall(struct conf_pr *pr, const struct conf_kw *kw,
    const void *obj, const void *def)
{
	const struct global_conf	*g = obj;

	if (!g->vrrp_nofilter)
		return;
	conf_pr_indent(pr);
	fprintf(pr->fp, "%s\n", kw->name);
}

/* had recognises the old spelling so the seed configurations load. */
static int
conv_mcast_group(struct conf_pctx *p, const struct conf_node *n,
    const struct conf_kw *kw, void *obj)
{
	struct global_conf	*g = obj;

	if (parse_addr(p, n->argv[0], &n->argpos[0], kw->name, 0, 0,
	    &g->vrrp_mcast_group4) == -1)
		return -1;
	if (g->vrrp_mcast_group4.af != AF_INET) {
		err_at(p, &n->argpos[0], NULL, "%s: must be IPv4", kw->name);
		return -1;
	}
	warn_at(p, &n->pos, "use vrrp_mcast_group4",
	    "'vrrp_mcast_group' is not a keepalived 2.x keyword; "
	    "taken as vrrp_mcast_group4");
	conf_diag_kind(p->diags, CONF_DK_DIFF);
	return 0;
}

/*
 * lvs_sync_daemon INTERFACE [inst] INSTANCE [id ID] [maxlen LEN]
 *     [port PORT] [ttl TTL] [group ADDRESS], as keepalived's.  Unset
 * options are the kernel's defaults; the id defaults to the instance's
 * virtual_router_id.  had: the word active_active in place of the
 * instance runs a master and a backup daemon at once (directors that
 * all carry traffic); "inst active_active" names an instance.
 */
static const char *const lvs_sync_opts[] = { "id", "maxlen", "port", "ttl",
    "group", NULL };
enum { SYNC_ID, SYNC_MAXLEN, SYNC_PORT, SYNC_TTL, SYNC_GROUP };

static int
conf_addr_is_mcast(const struct conf_addr *a)
{
	if (a->af == AF_INET)
		return ((ntohl(a->u.v4.s_addr) & 0xf0000000U) == 0xe0000000U);
	return (a->af == AF_INET6 && a->u.v6.s6_addr[0] == 0xff);
}

static int
conv_lvs_sync(struct conf_pctx *p, const struct conf_node *n,
    const struct conf_kw *kw, void *obj)
{
	struct global_conf	*g = obj;
	long long		 v;
	uint32_t		 o, seen = 0;
	int			 i = 1;

	/* keepalived 2.2's optional "inst" before the instance. */
	if (strcmp(n->argv[1], "inst") == 0 && n->argc % 2 == 1)
		i = 2;
	g->lvs_sync_instance[0] = '\0';
	g->lvs_sync_active = i == 1 &&
	    strcmp(n->argv[1], "active_active") == 0;
	if (copy_str(p, n->argv[0], &n->argpos[0], kw->name,
	    g->lvs_sync_interface, sizeof(g->lvs_sync_interface)) == -1 ||
	    (!g->lvs_sync_active && copy_str(p, n->argv[i], &n->argpos[i],
	    kw->name, g->lvs_sync_instance,
	    sizeof(g->lvs_sync_instance)) == -1))
		return -1;
	if (!g->lvs_sync_active)
		add_ref(p, REF_INSTANCE, n->argv[i], &n->argpos[i]);
	for (i++; i < n->argc; i += 2) {
		if (parse_enum(p, n->argv[i], &n->argpos[i],
		    "lvs_sync_daemon option", lvs_sync_opts, &o) == -1)
			return -1;
		if (seen & (1U << o)) {
			err_at(p, &n->argpos[i], NULL, "lvs_sync_daemon: %s "
			    "given twice", lvs_sync_opts[o]);
			return -1;
		}
		seen |= 1U << o;
		if (i + 1 >= n->argc) {
			err_at(p, &n->argpos[i], o == SYNC_GROUP ?
			    "e.g. group 224.0.0.81" : "e.g. ttl 1",
			    "lvs_sync_daemon: %s needs a value",
			    lvs_sync_opts[o]);
			return -1;
		}
		switch (o) {
		case SYNC_ID:
			if (parse_ll(p, n->argv[i + 1], &n->argpos[i + 1],
			    "lvs_sync_daemon id", 0, 255, &v) == -1)
				return -1;
			g->lvs_sync_has_id = 1;
			g->lvs_sync_id = v;
			break;
		case SYNC_MAXLEN:
			/* The largest UDP payload over IPv4. */
			if (parse_ll(p, n->argv[i + 1], &n->argpos[i + 1],
			    "lvs_sync_daemon maxlen", 1, 65507, &v) == -1)
				return -1;
			g->lvs_sync_maxlen = v;
			break;
		case SYNC_PORT:
			if (parse_ll(p, n->argv[i + 1], &n->argpos[i + 1],
			    "lvs_sync_daemon port", 1, 65535, &v) == -1)
				return -1;
			g->lvs_sync_port = v;
			break;
		case SYNC_TTL:
			if (parse_ll(p, n->argv[i + 1], &n->argpos[i + 1],
			    "lvs_sync_daemon ttl", 1, 255, &v) == -1)
				return -1;
			g->lvs_sync_ttl = v;
			break;
		default:
			if (parse_addr(p, n->argv[i + 1], &n->argpos[i + 1],
			    "lvs_sync_daemon group", 0, 0,
			    &g->lvs_sync_group) == -1)
				return -1;
			if (!conf_addr_is_mcast(&g->lvs_sync_group)) {
				err_at(p, &n->argpos[i + 1], "224.0.0.0/4 or "
				    "ff00::/8", "lvs_sync_daemon group: '%s' "
				    "is not a multicast address",
				    n->argv[i + 1]);
				memset(&g->lvs_sync_group, 0,
				    sizeof(g->lvs_sync_group));
				return -1;
			}
			break;
		}
	}
	return 0;
}

static void
print_lvs_sync(struct conf_pr *pr, const struct conf_kw *kw,
    const void *obj, const void *def)
{
	const struct global_conf	*g = obj;

	if (g->lvs_sync_interface[0] == '\0')
		return;
	conf_pr_open(pr, kw->name);
	conf_pr_arg(pr, g->lvs_sync_interface);
	if (g->lvs_sync_active)
		conf_pr_arg(pr, "active_active");
	else {
		/* An instance of that name: "inst" says it is one. */
		if (strcmp(g->lvs_sync_instance, "active_active") == 0)
			conf_pr_arg(pr, "inst");
		conf_pr_arg(pr, g->lvs_sync_instance);
	}
	if (g->lvs_sync_has_id)
		fprintf(pr->fp, " id %u", g->lvs_sync_id);
	if (g->lvs_sync_maxlen)
		fprintf(pr->fp, " maxlen %u", g->lvs_sync_maxlen);
	if (g->lvs_sync_port)
		fprintf(pr->fp, " port %u", g->lvs_sync_port);
	if (g->lvs_sync_ttl)
		fprintf(pr->fp, " ttl %u", g->lvs_sync_ttl);
	if (g->lvs_sync_group.af != 0) {
		fputs(" group ", pr->fp);
		conf_pr_addr(pr, &g->lvs_sync_group);
	}
	fputc('\n', pr->fp);
}

/* notify_fifo FIFO [user [group]]: the owner had creates it with. */
static int
conv_fifo(struct conf_pctx *p, const struct conf_node *n,
    const struct conf_kw *kw, void *obj)
{
	struct conf_fifo	*f = (struct conf_fifo *)((char *)obj + kw->off);

	if (n->argv[0][0] != '/') {
		err_at(p, &n->argpos[0], "e.g. /run/had/notify.fifo",
		    "%s: '%s' is not an absolute path", kw->name, n->argv[0]);
		return -1;
	}
	memset(f, 0, sizeof(*f));
	if (copy_str(p, n->argv[0], &n->argpos[0], kw->name, f->path,
	    sizeof(f->path)) == -1 || (n->argc > 1 && copy_str(p,
	    n->argv[1], &n->argpos[1], kw->name, f->user,
	    sizeof(f->user)) == -1) || (n->argc > 2 && copy_str(p,
	    n->argv[2], &n->argpos[2], kw->name, f->group,
	    sizeof(f->group)) == -1)) {
		memset(f, 0, sizeof(*f));
		return -1;
	}
	return 0;
}

static void
print_fifo(struct conf_pr *pr, const struct conf_kw *kw, const void *obj,
    const void *def)
{
	const struct conf_fifo	*f = (const struct conf_fifo *)
	    ((const char *)obj + kw->off);

	if (f->path[0] == '\0')
		return;
	conf_pr_open(pr, kw->name);
	conf_pr_arg(pr, f->path);
	if (f->user[0] != '\0')
		conf_pr_arg(pr, f->user);
	if (f->group[0] != '\0')
		conf_pr_arg(pr, f->group);
	fputc('\n', pr->fp);
}

#define FIFO(n, m)	{ KW_BASE(n, KT_CUSTOM, 1, 3), FLD(m),		\
	.conv = conv_fifo, .print = print_fifo }

/* smtp_alert [yes|no|true|false|on|off], keepalived's <BOOL>. */
static int
conv_smtp_alert(struct conf_pctx *p, const struct conf_node *n,
    const struct conf_kw *kw, void *obj)
{
	static const char *const yes[] = { "yes", "true", "on", NULL };
	static const char *const no[] = { "no", "false", "off", NULL };
	uint8_t		*v = (uint8_t *)obj + kw->off;
	int		 i;

	*v = CONF_SMTP_YES;
	if (n->argc == 0)
		return 0;
	for (i = 0; yes[i] != NULL; i++)
		if (strcmp(n->argv[0], yes[i]) == 0)
			return 0;
	for (i = 0; no[i] != NULL; i++)
		if (strcmp(n->argv[0], no[i]) == 0) {
			*v = CONF_SMTP_NO;
			return 0;
		}
	*v = CONF_SMTP_UNSET;
	err_at(p, &n->argpos[0], "yes or no", "%s: '%s' is not a boolean",
	    kw->name, n->argv[0]);
	return -1;
}

static void
print_smtp_alert(struct conf_pr *pr, const struct conf_kw *kw,
    const void *obj, const void *def)
{
	uint8_t	v = *((const uint8_t *)obj + kw->off);

	if (v == CONF_SMTP_UNSET)
		return;
	conf_pr_open(pr, kw->name);
	if (v == CONF_SMTP_NO)
		conf_pr_arg(pr, "no");
	fputc('\n', pr->fp);
}

#define SMTP_ALERT(n, m) { KW_BASE(n, KT_CUSTOM, 0, 1), FLD(m),	\
	.conv = conv_smtp_alert, .print = print_smtp_alert }

/*
 * An address for a mail header or an SMTP command: printable, no space,
 * no angle bracket; a local mailbox (keepalived's samples mail
 * "acassen"), or one @ with something on each side.
 */
static int
mail_addr_ok(const char *s)
{
	const char	*at = strchr(s, '@');
	size_t		 i;

	if (s[0] == '\0' || (at != NULL && (at == s || at[1] == '\0' ||
	    strchr(at + 1, '@') != NULL)))
		return 0;
	for (i = 0; s[i] != '\0'; i++)
		if (s[i] <= ' ' || s[i] >= 0x7f || s[i] == '<' ||
		    s[i] == '>' || s[i] == '"' || s[i] == '\\')
			return 0;
	return i < 254;
}

static int
conv_emails(struct conf_pctx *p, const struct conf_node *n,
    const struct conf_kw *kw, void *obj)
{
	struct global_conf	*g = obj;
	const struct conf_node	*l;

	memset(g->notification_email, 0, sizeof(g->notification_email));
	TAILQ_FOREACH(l, &n->children, entry) {
		if (l->argc > 0 || !mail_addr_ok(l->kw)) {
			err_at(p, &l->pos, "e.g. admin@example.com",
			    "%s: '%s' is not one mail address", kw->name,
			    l->kw);
			continue;
		}
		if (g->notification_email[0] != '\0')
			strlcat(g->notification_email, " ",
			    sizeof(g->notification_email));
		if (strlcat(g->notification_email, l->kw,
		    sizeof(g->notification_email)) >=
		    sizeof(g->notification_email)) {
			err_at(p, &l->pos, NULL, "%s: the addresses are "
			    "longer than %zu characters", kw->name,
			    sizeof(g->notification_email) - 1);
			memset(g->notification_email, 0,
			    sizeof(g->notification_email));
			return -1;
		}
	}
	return 0;
}

static void
print_emails(struct conf_pr *pr, const struct conf_kw *kw, const void *obj,
    const void *def)
{
	const struct global_conf	*g = obj;
	char				 buf[CONF_MAILLEN], *w, *sp;

	if (g->notification_email[0] == '\0')
		return;
	strlcpy(buf, g->notification_email, sizeof(buf));
	conf_pr_open(pr, kw->name);
	conf_pr_begin(pr);
	for (sp = buf; (w = strsep(&sp, " ")) != NULL; ) {
		conf_pr_indent(pr);
		conf_pr_word(pr, w);
		fputc('\n', pr->fp);
	}
	conf_pr_end(pr);
}

static int
conv_email_from(struct conf_pctx *p, const struct conf_node *n,
    const struct conf_kw *kw, void *obj)
{
	struct global_conf	*g = obj;

	if (!mail_addr_ok(n->argv[0])) {
		err_at(p, &n->argpos[0], "e.g. had@example.com",
		    "%s: '%s' is not one mail address", kw->name, n->argv[0]);
		return -1;
	}
	return copy_str(p, n->argv[0], &n->argpos[0], kw->name,
	    g->notification_email_from, sizeof(g->notification_email_from));
}

static void
print_email_from(struct conf_pr *pr, const struct conf_kw *kw,
    const void *obj, const void *def)
{
	const struct global_conf	*g = obj;

	if (g->notification_email_from[0] == '\0')
		return;
	conf_pr_open(pr, kw->name);
	conf_pr_arg(pr, g->notification_email_from);
	fputc('\n', pr->fp);
}

/* smtp_server ADDRESS [PORT]: an address, had resolves no name. */
static int
conv_smtp_server(struct conf_pctx *p, const struct conf_node *n,
    const struct conf_kw *kw, void *obj)
{
	struct global_conf	*g = obj;
	struct conf_addr	 a;
	long long		 v = 25;

	/* keepalived resolves a name; had's children cannot. */
	if (parse_addr_str(n->argv[0], 0, &a) == -1 &&
	    strchr(n->argv[0], ':') == NULL &&
	    strspn(n->argv[0], "0123456789./") != strlen(n->argv[0])) {
		warn_at(p, &n->argpos[0], "give its address", "smtp_server: "
		    "'%s' is a host name and had resolves none; no mail is "
		    "sent", n->argv[0]);
		conf_diag_kind(p->diags, CONF_DK_DIFF);
		return 0;
	}
	if (parse_addr(p, n->argv[0], &n->argpos[0], kw->name, 0, 0,
	    &g->smtp_server) == -1)
		return -1;
	if (n->argc > 1 && parse_ll(p, n->argv[1], &n->argpos[1], kw->name,
	    1, 65535, &v) == -1)
		return -1;
	g->smtp_port = v;
	return 0;
}

static void
print_smtp_server(struct conf_pr *pr, const struct conf_kw *kw,
    const void *obj, const void *def)
{
	const struct global_conf	*g = obj;

	if (g->smtp_server.af == 0)
		return;
	conf_pr_open(pr, kw->name);
	fputc(' ', pr->fp);
	conf_pr_addr(pr, &g->smtp_server);
	if (g->smtp_port != 25)
		fprintf(pr->fp, " %u", g->smtp_port);
	fputc('\n', pr->fp);
}
/* Why keepalived's process tuning is ignored. */
#define WHY_NAMES	"had's processes have fixed names"
#define WHY_SCHED	\
	"had leaves its processes' scheduling and memory to the system"
#define WHY_BUFS	"had sizes its own socket buffers"
#define WHY_RUN	\
	"had's pid file, socket and stop are set by had(8)'s options"
#define WHY_READ	\
	"had reads the configuration in the parent only, on start and reload"
#define WHY_SNMP	\
	"no SNMP or DBus in had: see hactl show metrics and hactl -j"

/* net_namespace NAME: a file name in /run/netns, as ip-netns(8) makes. */
static int
conv_net_namespace(struct conf_pctx *p, const struct conf_node *n,
    const struct conf_kw *kw, void *obj)
{
	struct global_conf	*g = obj;
	const char		*s = n->argv[0];

	if (s[0] == '\0' || strchr(s, '/') != NULL || strcmp(s, ".") == 0 ||
	    strcmp(s, "..") == 0) {
		err_at(p, &n->argpos[0], "a name of ip netns list",
		    "net_namespace: '%s' is not a namespace name", s);
		return -1;
	}
	return copy_str(p, s, &n->argpos[0], kw->name, g->net_namespace,
	    sizeof(g->net_namespace));
}

static void
print_net_namespace(struct conf_pr *pr, const struct conf_kw *kw,
    const void *obj, const void *def)
{
	const struct global_conf	*g = obj;

	if (g->net_namespace[0] == '\0')
		return;
	conf_pr_indent(pr);
	fputs("net_namespace ", pr->fp);
	conf_pr_word(pr, g->net_namespace);
	fputc('\n', pr->fp);
}

#define S struct global_conf
const struct conf_kw conf_kw_global[] = {
	STR("router_id", router_id),
	{ KW_BASE("script_user", KT_CUSTOM, 1, 2), FLD(script_user),
	    .conv = conv_user, .print = print_user },
	FLAG("enable_script_security", enable_script_security, 1),
	{ KW_BASE("vrrp_skip_check_adv_addr", KT_FLAG, 0, 0),
	    FLD(vrrp_skip_check_adv_addr), .scale = 1, .flags = KF_RESTART },
	FLAG("vrrp_strict", vrrp_strict, 1),
	DEC("vrrp_garp_interval", vrrp_garp_interval_us, 1000000, 0,
	    1000000000),
	DEC("vrrp_gna_interval", vrrp_gna_interval_us, 1000000, 0,
	    1000000000),
	{ KW_BASE("vrrp_mcast_group4", KT_ADDR, 1, 1), FLD(vrrp_mcast_group4),
	    .min = AF_INET, .flags = KF_RESTART },
	{ KW_BASE("vrrp_mcast_group6", KT_ADDR, 1, 1), FLD(vrrp_mcast_group6),
	    .min = AF_INET6, .flags = KF_RESTART },
	CUSTOM("vrrp_mcast_group", 1, 1, KF_ALIAS, conv_mcast_group, NULL),
	UINT("vrrp_garp_master_delay", vrrp_garp_master_delay, 0, 255),
	UINT("vrrp_garp_master_repeat", vrrp_garp_master_repeat, 0, 255),
	UINT("vrrp_garp_master_refresh", vrrp_garp_master_refresh, 0,
	    86400),
	UINT("vrrp_version", vrrp_version, 2, 3),
	CUSTOM("lvs_sync_daemon", 2, 13, 0, conv_lvs_sync, print_lvs_sync),
	/* had: a removed real server keeps its connections this long. */
	{ KW_BASE("lvs_drain_time", KT_UINT, 1, 1), FLD(lvs_drain_time),
	    .min = 0, .max = 86400, .flags = KF_EXT },
	CUSTOM("vrrp_iptables", 0, 2, 0, conv_firewall, print_firewall),
	UNSUPP("vrrp_ipsets"),
	CUSTOM("vrrp_nftables", 0, 1, 0, conv_firewall, NULL),
	CUSTOM("notification_email", 0, 0, KF_BLOCK | KF_LIST, conv_emails,
	    print_emails),
	{ KW_BASE("notification_email_from", KT_CUSTOM, 1, 1),
	    FLD(notification_email_from), .conv = conv_email_from,
	    .print = print_email_from },
	CUSTOM("smtp_server", 1, 2, 0, conv_smtp_server, print_smtp_server),
	UINT("smtp_connect_timeout", smtp_connect_timeout, 1, 3600),
	STR("smtp_helo_name", smtp_helo_name),
	SMTP_ALERT("smtp_alert", smtp_alert),
	SMTP_ALERT("smtp_alert_vrrp", smtp_alert_vrrp),
	SMTP_ALERT("smtp_alert_checker", smtp_alert_checker),
	UNSUPP("lvs_id"),
	UNSUPP("enable_traps"),
	UNSUPP("enable_snmp_vrrp"),
	UNSUPP("enable_snmp_checker"),
	UNSUPP("enable_snmp_rfc"),
	UNSUPP("enable_snmp_rfcv2"),
	UNSUPP("enable_snmp_rfcv3"),
	UNSUPP("enable_snmp_keepalived"),
	UNSUPP("snmp_socket"),
	UNSUPP("enable_dbus"),
	UNSUPP("vrrp_check_unicast_src"),
	UNSUPP("vrrp_priority"),
	UNSUPP("checker_priority"),
	UNSUPP("bfd_priority"),
	UNSUPP("vrrp_no_swap"),
	UNSUPP("checker_no_swap"),
	UNSUPP("dynamic_interfaces"),
	UNSUPP("process_names"),
	UNSUPP("max_auto_priority"),
	UNSUPP("vrrp_lower_prio_no_advert"),
	UNSUPP("vrrp_higher_prio_send_advert"),
	FIFO("notify_fifo", notify_fifo),
	FIFO("vrrp_notify_fifo", vrrp_notify_fifo),
	FIFO("lvs_notify_fifo", lvs_notify_fifo),
	UNSUPPN("notify_fifo_script", "start the FIFO's reader as a "
	    "service of its own"),
	UNSUPPN("vrrp_notify_fifo_script", "start the FIFO's reader as a "
	    "service of its own"),
	UNSUPPN("lvs_notify_fifo_script", "start the FIFO's reader as a "
	    "service of its own"),
	UNSUPP("vrrp_startup_delay"),
	UNSUPP("vrrp_min_garp"),
	UNSUPP("vrrp_rx_bufs_policy"),
	UNSUPP("lvs_timeouts"),
	UNSUPP("lvs_flush"),
	UNSUPP("lvs_flush_on_stop"),
	CUSTOM("net_namespace", 1, 1, 0, conv_net_namespace,
	    print_net_namespace),
	UNSUPP("linkbeat_use_polling"),
	UNSUPP("umask"),
	UNSUPP("vrrp_garp_lower_prio_delay"),
	UNSUPP("vrrp_garp_lower_prio_repeat"),
	UNSUPP("vrrp_garp_master_refresh_repeat"),
	/* Tuning of keepalived's own processes: nothing to do in had. */
	UNSUPPN("process_name", WHY_NAMES),
	UNSUPPN("vrrp_process_name", WHY_NAMES),
	UNSUPPN("checker_process_name", WHY_NAMES),
	UNSUPPN("bfd_process_name", WHY_NAMES),
	UNSUPPN("vrrp_cpu_affinity", WHY_SCHED),
	UNSUPPN("checker_cpu_affinity", WHY_SCHED),
	UNSUPPN("bfd_cpu_affinity", WHY_SCHED),
	UNSUPPN("vrrp_rt_priority", WHY_SCHED),
	UNSUPPN("checker_rt_priority", WHY_SCHED),
	UNSUPPN("bfd_rt_priority", WHY_SCHED),
	UNSUPPN("vrrp_rlimit_rttime", WHY_SCHED),
	UNSUPPN("checker_rlimit_rttime", WHY_SCHED),
	UNSUPPN("bfd_rlimit_rttime", WHY_SCHED),
	UNSUPPN("bfd_no_swap", WHY_SCHED),
	UNSUPPN("vrrp_netlink_cmd_rcv_bufs", WHY_BUFS),
	UNSUPPN("vrrp_netlink_cmd_rcv_bufs_force", WHY_BUFS),
	UNSUPPN("vrrp_netlink_monitor_rcv_bufs", WHY_BUFS),
	UNSUPPN("vrrp_netlink_monitor_rcv_bufs_force", WHY_BUFS),
	UNSUPPN("lvs_netlink_cmd_rcv_bufs", WHY_BUFS),
	UNSUPPN("lvs_netlink_cmd_rcv_bufs_force", WHY_BUFS),
	UNSUPPN("lvs_netlink_monitor_rcv_bufs", WHY_BUFS),
	UNSUPPN("lvs_netlink_monitor_rcv_bufs_force", WHY_BUFS),
	UNSUPPN("process_monitor_rcv_bufs", WHY_BUFS),
	UNSUPPN("process_monitor_rcv_bufs_force", WHY_BUFS),
	UNSUPPN("vrrp_rx_bufs_multiplier", WHY_BUFS),
	UNSUPPN("child_wait_time", WHY_RUN),
	UNSUPPN("use_pid_dir", WHY_RUN),
	UNSUPPN("instance", WHY_RUN),
	UNSUPPN("config_save_dir", WHY_READ),
	UNSUPPN("tmp_config_directory", WHY_READ),
	UNSUPPN("reload_check_config", WHY_READ),
	UNSUPPN("reload_time_file", WHY_READ),
	UNSUPPN("reload_repeat", WHY_READ),
	UNSUPPN("reload_file", WHY_READ),
	UNSUPPN("random_seed", WHY_READ),
	UNSUPPN("dbus_service_name", WHY_SNMP),
	UNSUPPN("snmp_name", WHY_SNMP),
	KW_END
};
#undef S

/* "weight N [reverse]", N in -lim..lim. */
static int
conv_weight_rev(struct conf_pctx *p, const struct conf_node *n,
    const struct conf_kw *kw, long long lim, int32_t *w, uint8_t *reverse)
{
	long long		 v;

	if (parse_ll(p, n->argv[0], &n->argpos[0], kw->name, -lim, lim,
	    &v) == -1)
		return -1;
	*w = v;
	*reverse = 0;
	if (n->argc > 1) {
		if (strcmp(n->argv[1], "reverse") != 0) {
			err_at(p, &n->argpos[1], "did you mean 'reverse'?",
			    "weight: unknown option '%s'", n->argv[1]);
			return -1;
		}
		*reverse = 1;
	}
	return 0;
}

/* "weight N [reverse]" of a vrrp_script (-254..254) or a track_file. */
static int
conv_weight_in(struct conf_pctx *p, const struct conf_node *n,
    const struct conf_kw *kw, struct vrrp_script_conf *s, long long lim)
{
	return conv_weight_rev(p, n, kw, lim, &s->weight, &s->weight_reverse);
}

static int
conv_script_weight(struct conf_pctx *p, const struct conf_node *n,
    const struct conf_kw *kw, void *obj)
{
	return conv_weight_in(p, n, kw, obj, 254);
}

/* The weight line unless it is the default (dflt, no reverse). */
static void
print_weight_of(struct conf_pr *pr, const struct vrrp_script_conf *s,
    int32_t dflt)
{
	if (s->weight == dflt && !s->weight_reverse)
		return;
	conf_pr_indent(pr);
	fprintf(pr->fp, "weight %d%s\n", s->weight,
	    s->weight_reverse ? " reverse" : "");
}

/* Printed where it differs from the default (0 here, 1 for processes). */
static void
print_script_weight(struct conf_pr *pr, const struct conf_kw *kw,
    const void *obj, const void *def)
{
	print_weight_of(pr, obj, ((const struct vrrp_script_conf *)def)->weight);
}

static int
conv_pass(struct conf_pctx *p, const struct conf_node *n,
    const struct conf_kw *kw, void *obj)
{
	warn_at(p, &n->pos, NULL, "'pass' is not a keepalived keyword; "
	    "ignored");
	conf_diag_kind(p->diags, CONF_DK_DIFF);
	return 0;
}

/* process NAME [PARAM...]: each NUL-terminated, one after the other. */
static int
conv_tp_process(struct conf_pctx *p, const struct conf_node *n,
    const struct conf_kw *kw, void *obj)
{
	struct vrrp_script_conf	*s = obj;
	size_t			 len = 0, l;
	int			 i;

	memset(s->cmd, 0, sizeof(s->cmd));
	s->cmdlen = 0;
	s->nparams = 0;
	if (n->argc > 255) {
		err_at(p, &n->argpos[0], NULL, "process: more than 254 "
		    "parameters");
		return -1;
	}
	for (i = 0; i < n->argc; i++) {
		l = strlen(n->argv[i]) + 1;
		if (l == 1 && i == 0) {
			err_at(p, &n->argpos[0], NULL, "process: empty name");
			return -1;
		}
		if (len + l >= sizeof(s->cmd)) {
			err_at(p, &n->argpos[i], NULL, "process: longer than "
			    "%zu characters", sizeof(s->cmd) - 1);
			memset(s->cmd, 0, sizeof(s->cmd));
			return -1;
		}
		memcpy(s->cmd + len, n->argv[i], l);
		len += l;
	}
	s->cmdlen = len;
	s->nparams = n->argc - 1;
	return 0;
}

static void
print_tp_process(struct conf_pr *pr, const struct conf_kw *kw,
    const void *obj, const void *def)
{
	const struct vrrp_script_conf	*s = obj;
	size_t				 off;

	if (s->cmdlen == 0)
		return;
	conf_pr_indent(pr);
	fputs(kw->name, pr->fp);
	for (off = 0; off < s->cmdlen; off += strlen(s->cmd + off) + 1)
		conf_pr_arg(pr, s->cmd + off);
	fputc('\n', pr->fp);
}

static const char *const tp_match_names[] = {
	"", "exact", "initial", "partial", NULL
};

/* param_match [initial|partial]; alone: exactly the parameters given. */
static int
conv_tp_match(struct conf_pctx *p, const struct conf_node *n,
    const struct conf_kw *kw, void *obj)
{
	struct vrrp_script_conf	*s = obj;

	if (n->argc == 0) {
		s->param_match = PROC_MATCH_EXACT;
		return 0;
	}
	if (strcmp(n->argv[0], "initial") == 0)
		s->param_match = PROC_MATCH_INITIAL;
	else if (strcmp(n->argv[0], "partial") == 0)
		s->param_match = PROC_MATCH_PARTIAL;
	else {
		err_at(p, &n->argpos[0], "initial or partial",
		    "param_match: unknown value '%s'", n->argv[0]);
		return -1;
	}
	return 0;
}

static void
print_tp_match(struct conf_pr *pr, const struct conf_kw *kw,
    const void *obj, const void *def)
{
	const struct vrrp_script_conf	*s = obj;

	if (s->param_match == PROC_MATCH_UNSET ||
	    s->param_match >= PROC_MATCH_MAX)
		return;
	conf_pr_indent(pr);
	fputs(kw->name, pr->fp);
	if (s->param_match != PROC_MATCH_EXACT)
		fprintf(pr->fp, " %s", tp_match_names[s->param_match]);
	fputc('\n', pr->fp);
}

/* delay SECS: fork_delay and terminate_delay at once. */
static int
conv_tp_delay(struct conf_pctx *p, const struct conf_node *n,
    const struct conf_kw *kw, void *obj)
{
	struct vrrp_script_conf	*s = obj;
	long long		 v;

	if (parse_dec(p, n->argv[0], &n->argpos[0], kw->name, 1000, 0,
	    86400000, &v) == -1)
		return -1;
	s->fork_delay_ms = s->terminate_delay_ms = v;
	return 0;
}

#define S struct vrrp_script_conf
const struct conf_kw conf_kw_tprocess[] = {
	CUSTOM("process", 1, -1, 0, conv_tp_process, print_tp_process),
	CUSTOM("param_match", 0, 1, 0, conv_tp_match, print_tp_match),
	CUSTOM("weight", 1, 2, 0, conv_script_weight, print_script_weight),
	UINT("quorum", quorum, 0, 65535),
	UINT("quorum_max", quorum_max, 0, 65535),
	DEC("fork_delay", fork_delay_ms, 1000, 0, 86400000),
	DEC("terminate_delay", terminate_delay_ms, 1000, 0, 86400000),
	CUSTOM("delay", 1, 1, KF_ALIAS, conv_tp_delay, NULL),
	FLAG("full_command", full_command, 1),
	KW_END
};
#undef S

#define S struct vrrp_script_conf
const struct conf_kw conf_kw_script[] = {
	JOIN("script", script),
	UINT("interval", interval, 1, 86400),
	UINT("timeout", timeout, 0, 86400),
	CUSTOM("weight", 1, 2, 0, conv_script_weight, print_script_weight),
	UINT("rise", rise, 1, 1000),
	UINT("fall", fall, 1, 1000),
	{ KW_BASE("user", KT_CUSTOM, 1, 2), FLD(user), .conv = conv_user,
	    .print = print_user },
	FLAG("init_fail", init_fail, 1),
	CUSTOM("pass", 0, -1, KF_ALIAS, conv_pass, NULL),
	KW_END
};
#undef S

/* Numbers with names, as iproute2 spells them; the first name prints. */
struct num_name {
	const char	*name;
	uint32_t	 v;
};
#define NUM_NAMES(a)	(a), sizeof(a) / sizeof((a)[0])

static const struct num_name scope_names[] = {
	{ "global", 0 }, { "universe", 0 }, { "site", 200 }, { "link", 253 },
	{ "host", 254 }, { "nowhere", 255 },
};

static int
num_find(const struct num_name *t, size_t n, const char *s, uint32_t *out)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (strcmp(t[i].name, s) == 0) {
			*out = t[i].v;
			return 1;
		}
	return 0;
}

/* Its name, else the number in buf (NULL buf: "?"). */
static const char *
num_name(const struct num_name *t, size_t n, uint32_t v, char *buf,
    size_t len)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (t[i].v == v)
			return t[i].name;
	if (buf == NULL)
		return "?";
	snprintf(buf, len, "%u", v);
	return buf;
}

/* global, site, link, host, nowhere or a number, as ip takes them. */
static int
parse_scope(struct conf_pctx *p, const char *s, const struct conf_pos *pos,
    uint8_t *out)
{
	long long	 sc;
	uint32_t	 v;

	if (num_find(NUM_NAMES(scope_names), s, &v))
		sc = v;
	else if (parse_ll(p, s, pos, "scope", 0, 255, &sc) == -1)
		return -1;
	*out = sc;
	return 0;
}

/*
 * Lines "IP[/N] [dev IF] [label L] [scope S] [brd B]": one into v; -1
 * when it is bad (said).
 */
static int
conv_vip_line(struct conf_pctx *p, const struct conf_node *l,
    const char *what, struct conf_vip *v)
{
	uint32_t		 e;
	int			 i;

	if (parse_addr(p, l->kw, &l->pos, what, 1, 0, &v->c.addr) == -1)
		return -1;
	for (i = 0; i < l->argc; i += 2) {
		if (parse_enum(p, l->argv[i], &l->argpos[i],
		    "address option", vip_opt_names, &e) == -1)
			break;
		if (i + 1 >= l->argc) {
			err_at(p, &l->argpos[i], NULL, "'%s' needs a "
			    "value", l->argv[i]);
			break;
		}
		switch (e) {
		case 0:
			if (copy_str(p, l->argv[i + 1],
			    &l->argpos[i + 1], "dev", v->c.dev,
			    sizeof(v->c.dev)) == -1)
				goto bad;
			break;
		case 1:
			if (copy_str(p, l->argv[i + 1],
			    &l->argpos[i + 1], "label", v->c.label,
			    sizeof(v->c.label)) == -1)
				goto bad;
			break;
		case 2:
			if (parse_scope(p, l->argv[i + 1],
			    &l->argpos[i + 1], &v->c.scope) == -1)
				goto bad;
			break;
		case 3:
			if (parse_addr(p, l->argv[i + 1],
			    &l->argpos[i + 1], "brd", 0,
			    v->c.addr.af, &v->c.brd) == -1)
				goto bad;
			break;
		}
	}
	if (i < l->argc)
		return -1;
	return 0;
 bad:
	return -1;
}

static int
conv_vip_lines(struct conf_pctx *p, const struct conf_node *n,
    const char *what, int excluded, struct conf_vip_list *list)
{
	const struct conf_node	*l;
	struct conf_vip		*v;

	TAILQ_FOREACH(l, &n->children, entry) {
		if (l->block) {
			err_at(p, &l->bpos, NULL, "no block expected in %s",
			    what);
			continue;
		}
		if ((v = xcalloc(p, sizeof(*v))) == NULL)
			return -1;
		v->c.excluded = excluded;
		if (conv_vip_line(p, l, what, v) == -1) {
			free(v);
			continue;
		}
		TAILQ_INSERT_TAIL(list, v, entry);
	}
	return 0;
}

static int
conv_vips(struct conf_pctx *p, const struct conf_node *n,
    const struct conf_kw *kw, void *obj)
{
	struct conf_instance	*in = NODE_OF(struct conf_instance, obj);

	return conv_vip_lines(p, n, kw->name,
	    strcmp(kw->name, "virtual_ipaddress") != 0, &in->vips);
}

static const char *
scope_name(uint8_t s, char *buf, size_t len)
{
	return num_name(NUM_NAMES(scope_names), s, buf, len);
}

static void
print_vip_line(struct conf_pr *pr, const struct vrrp_vip_conf *v)
{
	char	 buf[16];

	conf_pr_indent(pr);
	conf_pr_addr(pr, &v->addr);
	if (v->dev[0]) {
		fputs(" dev", pr->fp);
		conf_pr_arg(pr, v->dev);
	}
	if (v->label[0]) {
		fputs(" label", pr->fp);
		conf_pr_arg(pr, v->label);
	}
	if (v->scope)
		fprintf(pr->fp, " scope %s",
		    scope_name(v->scope, buf, sizeof(buf)));
	if (v->brd.af) {
		fputs(" brd ", pr->fp);
		conf_pr_addr(pr, &v->brd);
	}
	fputc('\n', pr->fp);
}

static void
print_vips(struct conf_pr *pr, const struct conf_kw *kw, const void *obj,
    const void *def)
{
	const struct conf_instance	*in = CNODE_OF(struct conf_instance,
					    obj);
	const struct conf_vip		*v;
	int				 ex, any = 0;

	ex = strcmp(kw->name, "virtual_ipaddress") != 0;
	TAILQ_FOREACH(v, &in->vips, entry) {
		if (v->c.excluded != ex)
			continue;
		if (!any++) {
			conf_pr_open(pr, kw->name);
			conf_pr_begin(pr);
		}
		print_vip_line(pr, &v->c);
	}
	if (any)
		conf_pr_end(pr);
}

static int
conv_peers(struct conf_pctx *p, const struct conf_node *n,
    const struct conf_kw *kw, void *obj)
{
	struct conf_instance	*in = NODE_OF(struct conf_instance, obj);
	const struct conf_node	*l;
	struct conf_peer	*pe;

	TAILQ_FOREACH(l, &n->children, entry) {
		if (l->argc > 0) {
			err_at(p, &l->argpos[0], NULL, "one address per line "
			    "in %s", kw->name);
			continue;
		}
		if ((pe = xcalloc(p, sizeof(*pe))) == NULL)
			return -1;
		if (parse_addr(p, l->kw, &l->pos, kw->name, 0, 0,
		    &pe->c.addr) == -1) {
			free(pe);
			continue;
		}
		TAILQ_INSERT_TAIL(&in->peers, pe, entry);
	}
	return 0;
}

static void
print_peers(struct conf_pr *pr, const struct conf_kw *kw, const void *obj,
    const void *def)
{
	const struct conf_instance	*in = CNODE_OF(struct conf_instance,
					    obj);
	const struct conf_peer		*pe;

	if (TAILQ_EMPTY(&in->peers))
		return;
	conf_pr_open(pr, kw->name);
	conf_pr_begin(pr);
	TAILQ_FOREACH(pe, &in->peers, entry) {
		conf_pr_indent(pr);
		conf_pr_addr(pr, &pe->c.addr);
		fputc('\n', pr->fp);
	}
	conf_pr_end(pr);
}

/*
 * virtual_routes, virtual_rules, static_routes and static_rules: lines
 * as ip route add and ip rule add take them (keepalived's syntax), the
 * common options; the others are refused by name.
 */
#define RT_TYPE_UNICAST		1	/* RTN_UNICAST ... */
#define RT_TYPE_BLACKHOLE	6
#define RT_TYPE_UNREACHABLE	7
#define RT_TYPE_PROHIBIT	8
#define RULE_ACT_TABLE		1	/* FR_ACT_TO_TBL ... */
#define RULE_ACT_BLACKHOLE	6
#define RULE_ACT_UNREACHABLE	7
#define RULE_ACT_PROHIBIT	8
#define RT_PROTO_KEEPALIVED	18

/* Route types and rule actions share their numbers. */
static const struct num_name route_types[] = {
	{ "unicast", RT_TYPE_UNICAST },
	{ "blackhole", RT_TYPE_BLACKHOLE },
	{ "unreachable", RT_TYPE_UNREACHABLE },
	{ "prohibit", RT_TYPE_PROHIBIT },
}, route_protos[] = {
	{ "redirect", 1 }, { "kernel", 2 }, { "boot", 3 }, { "static", 4 },
	{ "ra", 9 }, { "zebra", 11 }, { "bird", 12 }, { "dhcp", 16 },
	{ "keepalived", RT_PROTO_KEEPALIVED },
}, table_names[] = {
	{ "default", 253 }, { "main", 254 }, { "local", 255 },
};
/* keepalived's options that had does not implement. */
static const char *const route_unimpl[] = { "nexthop", "tos",
    "dsfield", "mtu", "hoplimit", "advmss", "rtt", "rttvar", "reordering",
    "window", "cwnd", "ssthresh", "realms", "rto_min", "initcwnd",
    "initrwnd", "features", "vrf", "append", "track_group", "quickack",
    "pref", "congctl", "fastopen_no_cookie", "encap", "expires", "nhid",
    "throw", "lock", "weight", "ttl-propagate", "mpls", "local",
    "broadcast", "anycast", "multicast", "nat", NULL };
static const char *const rule_unimpl[] = { "tos", "dsfield", "realms",
    "goto", "uidrange", "l3mdev", "protocol", "ip_proto", "ipproto",
    "sport", "dport", "suppress_prefixlength", "suppress_ifgroup", "nat",
    "map-to", "track_group", "type", "nop", NULL };

static int
find_name(const char *const *names, const char *s)
{
	size_t	 i;

	for (i = 0; names[i] != NULL; i++)
		if (strcmp(names[i], s) == 0)
			return 1;
	return 0;
}

static int
parse_u32(struct conf_pctx *p, const char *s, const struct conf_pos *pos,
    const char *what, uint32_t lo, uint32_t *out)
{
	char			*ep;
	unsigned long long	 v;

	errno = 0;
	v = strtoull(s, &ep, 0);
	if (s[0] == '\0' || s[0] == '-' || *ep != '\0' || errno == ERANGE ||
	    v > UINT32_MAX || v < lo) {
		err_at(p, pos, NULL, "%s: '%s' is not a number in %u..%u",
		    what, s, lo, UINT32_MAX);
		return -1;
	}
	*out = v;
	return 0;
}

/* main, local, default or a number. */
static int
parse_table(struct conf_pctx *p, const char *s, const struct conf_pos *pos,
    uint32_t *out)
{
	if (num_find(NUM_NAMES(table_names), s, out))
		return 0;
	if (!isdigit((unsigned char)s[0])) {
		err_at(p, pos, "give the table's number", "table '%s': had "
		    "knows main, local, default and numbers, not the names "
		    "of rt_tables", s);
		return -1;
	}
	return parse_u32(p, s, pos, "table", 1, out);
}

/* The word i of a line: its keyword, then its arguments. */
#define LW(l, i)	((i) == 0 ? (l)->kw : (l)->argv[(i) - 1])
#define LP(l, i)	((i) == 0 ? &(l)->pos : &(l)->argpos[(i) - 1])

/* An option's value; NULL (said) when the line ends. */
static const char *
line_val(struct conf_pctx *p, const struct conf_node *l, int *i)
{
	if (*i + 1 > l->argc) {
		err_at(p, LP(l, *i), NULL, "'%s' needs a value", LW(l, *i));
		return NULL;
	}
	++*i;
	return LW(l, *i);
}

static int
line_unknown(struct conf_pctx *p, const struct conf_node *l, int i,
    const char *what, const char *const *unimpl)
{
	if (find_name(unimpl, LW(l, i)))
		err_at(p, LP(l, i), "remove it, or keep this line in "
		    "keepalived", "%s: option '%s' is keepalived's, not "
		    "implemented by had", what, LW(l, i));
	else
		err_at(p, LP(l, i), NULL, "%s: unknown option '%s'", what,
		    LW(l, i));
	return -1;
}

static int
conv_route_line(struct conf_pctx *p, const struct conf_node *l,
    const char *what, struct route_conf *r)
{
	const char	*w, *v;
	uint32_t	 u;
	int		 i, af = 0;

	memset(r, 0, sizeof(*r));
	r->type = RT_TYPE_UNICAST;
	r->proto = RT_PROTO_KEEPALIVED;
	for (i = 0; i <= l->argc; i++) {
		w = LW(l, i);
		if (num_find(NUM_NAMES(route_types), w, &u)) {
			r->type = u;
			continue;
		}
		if (strcmp(w, "inet6") == 0 || strcmp(w, "inet") == 0) {
			af = w[4] == '6' ? AF_INET6 : AF_INET;
			continue;
		}
		if (strcmp(w, "onlink") == 0) {
			r->onlink = 1;
			continue;
		}
		/* had does not watch its routes: each is as no_track. */
		if (strcmp(w, "no_track") == 0)
			continue;
		if (strcmp(w, "default") == 0) {
			r->dst.af = af == AF_INET6 ? AF_INET6 : AF_INET;
			r->dst.prefix = 0;
			continue;
		}
		if (strcmp(w, "or") == 0) {
			if (r->via.af == 0) {
				err_at(p, LP(l, i), NULL, "%s: 'or' follows "
				    "via ADDR", what);
				return -1;
			}
			if ((v = line_val(p, l, &i)) == NULL ||
			    parse_addr(p, v, LP(l, i), w, 0, r->via.af,
			    &r->via_or) == -1)
				return -1;
			continue;
		}
		if (strcmp(w, "src") == 0 || strcmp(w, "via") == 0 ||
		    strcmp(w, "gw") == 0 || strcmp(w, "to") == 0) {
			if ((v = line_val(p, l, &i)) == NULL)
				return -1;
			if (parse_addr(p, v, LP(l, i), w, w[0] == 't', 0,
			    w[0] == 's' ? &r->src : w[0] == 't' ? &r->dst :
			    &r->via) == -1)
				return -1;
			continue;
		}
		if (strcmp(w, "dev") == 0 || strcmp(w, "oif") == 0) {
			if ((v = line_val(p, l, &i)) == NULL ||
			    copy_str(p, v, LP(l, i), "dev", r->dev,
			    sizeof(r->dev)) == -1)
				return -1;
			continue;
		}
		if (strcmp(w, "table") == 0) {
			if ((v = line_val(p, l, &i)) == NULL ||
			    parse_table(p, v, LP(l, i), &r->table) == -1)
				return -1;
			continue;
		}
		if (strcmp(w, "metric") == 0 || strcmp(w, "priority") == 0 ||
		    strcmp(w, "preference") == 0) {
			if ((v = line_val(p, l, &i)) == NULL ||
			    parse_u32(p, v, LP(l, i), w, 0, &r->metric) == -1)
				return -1;
			continue;
		}
		if (strcmp(w, "scope") == 0) {
			if ((v = line_val(p, l, &i)) == NULL ||
			    parse_scope(p, v, LP(l, i), &r->scope) == -1)
				return -1;
			r->has_scope = 1;
			continue;
		}
		if (strcmp(w, "proto") == 0 || strcmp(w, "protocol") == 0) {
			if ((v = line_val(p, l, &i)) == NULL)
				return -1;
			if (num_find(NUM_NAMES(route_protos), v, &u))
				r->proto = u;
			else if (parse_u32(p, v, LP(l, i), "proto", 1, &u) ==
			    -1)
				return -1;
			else if (u > 255) {
				err_at(p, LP(l, i), NULL, "proto %u is out of "
				    "range 1..255", u);
				return -1;
			} else
				r->proto = u;
			continue;
		}
		if (isdigit((unsigned char)w[0]) || strchr(w, ':') != NULL) {
			if (parse_addr(p, w, LP(l, i), what, 1, 0,
			    &r->dst) == -1)
				return -1;
			continue;
		}
		return line_unknown(p, l, i, what, route_unimpl);
	}
	if (r->dst.af == 0) {
		err_at(p, &l->pos, "e.g. 198.18.5.0/24 via 198.18.0.1",
		    "%s: a route needs its destination", what);
		return -1;
	}
	if (af != 0 && r->dst.af != af) {
		err_at(p, &l->pos, NULL, "%s: the destination is not %s", what,
		    af == AF_INET ? "IPv4" : "IPv6");
		return -1;
	}
	if ((r->src.af != 0 && r->src.af != r->dst.af) ||
	    (r->via.af != 0 && r->via.af != r->dst.af)) {
		err_at(p, &l->pos, NULL, "%s: src and via must be of the "
		    "destination's family", what);
		return -1;
	}
	if (r->type == RT_TYPE_UNICAST && r->dev[0] == '\0' &&
	    r->via.af == 0) {
		err_at(p, &l->pos, "add dev IF or via ADDR", "%s: route to "
		    "%s has neither dev nor via", what, LW(l, 0));
		return -1;
	}
	if (r->type != RT_TYPE_UNICAST && (r->via.af != 0 || r->onlink)) {
		err_at(p, &l->pos, NULL, "%s: a %s route has no gateway",
		    what, conf_route_type_name(r->type));
		return -1;
	}
	return 0;
}

static int
conv_rule_line(struct conf_pctx *p, const struct conf_node *l,
    const char *what, struct rule_conf *r)
{
	const char	*w, *v;
	char		 buf[32], *sl;
	size_t		 k;
	uint32_t	 u;
	int		 i;

	memset(r, 0, sizeof(*r));
	r->action = RULE_ACT_TABLE;
	for (i = 0; i <= l->argc; i++) {
		w = LW(l, i);
		if (num_find(NUM_NAMES(route_types), w, &u)) {
			r->action = u;
			continue;
		}
		if (strcmp(w, "inet6") == 0 || strcmp(w, "inet") == 0) {
			r->af = w[4] == '6' ? AF_INET6 : AF_INET;
			continue;
		}
		if (strcmp(w, "not") == 0) {
			r->invert = 1;
			continue;
		}
		if (strcmp(w, "no_track") == 0)
			continue;
		if (strcmp(w, "from") == 0 || strcmp(w, "to") == 0) {
			if ((v = line_val(p, l, &i)) == NULL)
				return -1;
			if (strcmp(v, "all") == 0)
				continue;
			if (parse_addr(p, v, LP(l, i), w, 1, 0,
			    w[0] == 'f' ? &r->from : &r->to) == -1)
				return -1;
			continue;
		}
		if (strcmp(w, "table") == 0 || strcmp(w, "lookup") == 0) {
			if ((v = line_val(p, l, &i)) == NULL ||
			    parse_table(p, v, LP(l, i), &r->table) == -1)
				return -1;
			continue;
		}
		if (strcmp(w, "priority") == 0 ||
		    strcmp(w, "preference") == 0 || strcmp(w, "pref") == 0) {
			if ((v = line_val(p, l, &i)) == NULL ||
			    parse_u32(p, v, LP(l, i), w, 0, &r->priority) ==
			    -1)
				return -1;
			r->has_priority = 1;
			continue;
		}
		if (strcmp(w, "fwmark") == 0) {
			if ((v = line_val(p, l, &i)) == NULL)
				return -1;
			if (strlcpy(buf, v, sizeof(buf)) >= sizeof(buf)) {
				err_at(p, LP(l, i), NULL, "fwmark '%.32s' is "
				    "too long", v);
				return -1;
			}
			if ((sl = strchr(buf, '/')) != NULL)
				*sl++ = '\0';
			if (parse_u32(p, buf, LP(l, i), "fwmark", 0,
			    &r->fwmark) == -1 || (sl != NULL &&
			    parse_u32(p, sl, LP(l, i), "fwmark mask", 1,
			    &r->fwmask) == -1))
				return -1;
			if (r->fwmark == 0 && sl == NULL) {
				err_at(p, LP(l, i), NULL, "fwmark 0 matches "
				    "every packet: give a mask");
				return -1;
			}
			continue;
		}
		if (strcmp(w, "iif") == 0 || strcmp(w, "iifname") == 0 ||
		    strcmp(w, "dev") == 0 || strcmp(w, "oif") == 0 ||
		    strcmp(w, "oifname") == 0) {
			if ((v = line_val(p, l, &i)) == NULL ||
			    copy_str(p, v, LP(l, i), w, w[0] == 'o' ?
			    r->oif : r->iif, sizeof(r->iif)) == -1)
				return -1;
			continue;
		}
		return line_unknown(p, l, i, what, rule_unimpl);
	}
	if (r->from.af != 0 && r->to.af != 0 && r->from.af != r->to.af) {
		err_at(p, &l->pos, NULL, "%s: from and to are of different "
		    "families", what);
		return -1;
	}
	if (r->from.af != 0 || r->to.af != 0) {
		k = r->from.af != 0 ? r->from.af : r->to.af;
		if (r->af != 0 && r->af != k) {
			err_at(p, &l->pos, NULL, "%s: the addresses are not "
			    "%s", what, r->af == AF_INET ? "IPv4" : "IPv6");
			return -1;
		}
		r->af = k;
	} else if (r->af == 0)
		r->af = AF_INET;
	if (r->action == RULE_ACT_TABLE && r->table == 0) {
		err_at(p, &l->pos, "add table N", "%s: a rule needs a table "
		    "or blackhole, unreachable, prohibit", what);
		return -1;
	}
	if (r->action != RULE_ACT_TABLE && r->table != 0) {
		err_at(p, &l->pos, NULL, "%s: a %s rule has no table", what,
		    conf_route_type_name(r->action));
		return -1;
	}
	if (!r->has_priority)
		warn_at(p, &l->pos, "add priority N", "%s: a rule without "
		    "priority goes where the kernel puts it", what);
	return 0;
}

const char *
conf_route_type_name(uint8_t t)
{
	return num_name(NUM_NAMES(route_types), t, NULL, 0);
}


/* track_file: "weight N [reverse]", any int32 (keepalived's range). */
static int
conv_file_weight(struct conf_pctx *p, const struct conf_node *n,
    const struct conf_kw *kw, void *obj)
{
	return conv_weight_in(p, n, kw, obj, 2147483647);
}

static void
print_file_weight(struct conf_pr *pr, const struct conf_kw *kw,
    const void *obj, const void *def)
{
	print_weight_of(pr, obj, 1);
}

/* "init_file [VALUE] [overwrite]": had writes it at start (as root). */
static int
conv_init_file(struct conf_pctx *p, const struct conf_node *n,
    const struct conf_kw *kw, void *obj)
{
	struct vrrp_script_conf	*s = obj;
	long long		 v;
	int			 i = 0;

	s->init_file = 1;
	s->init_value = 0;
	s->init_overwrite = 0;
	if (n->argc > i && strcmp(n->argv[i], "overwrite") != 0) {
		if (parse_ll(p, n->argv[i], &n->argpos[i], kw->name,
		    -2147483647, 2147483647, &v) == -1)
			return -1;
		s->init_value = v;
		i++;
	}
	if (n->argc > i) {
		if (strcmp(n->argv[i], "overwrite") != 0) {
			err_at(p, &n->argpos[i], "init_file [VALUE] "
			    "[overwrite]", "init_file: unknown option '%s'",
			    n->argv[i]);
			return -1;
		}
		s->init_overwrite = 1;
		i++;
	}
	if (n->argc > i) {
		err_at(p, &n->argpos[i], "init_file [VALUE] [overwrite]",
		    "init_file: too many arguments");
		return -1;
	}
	return 0;
}

static void
print_init_file(struct conf_pr *pr, const struct conf_kw *kw,
    const void *obj, const void *def)
{
	const struct vrrp_script_conf	*s = obj;

	if (!s->init_file)
		return;
	conf_pr_indent(pr);
	fprintf(pr->fp, "init_file %d%s\n", s->init_value,
	    s->init_overwrite ? " overwrite" : "");
}

#define S struct vrrp_script_conf
const struct conf_kw conf_kw_track_file[] = {
	STR("file", file),
	CUSTOM("weight", 1, 2, 0, conv_file_weight, print_file_weight),
	CUSTOM("init_file", 0, 2, 0, conv_init_file, print_init_file),
	KW_END
};
#undef S

/* Lines of a routes or rules block into list (conf_route or conf_rule). */
static int
conv_rt_lines(struct conf_pctx *p, const struct conf_node *n,
    const char *what, int rules, void *list)
{
	const struct conf_node	*l;
	struct conf_route	*r;
	struct conf_rule	*u;
	int			 bad;

	TAILQ_FOREACH(l, &n->children, entry) {
		if (l->block) {
			err_at(p, &l->bpos, NULL, "no block expected in %s",
			    what);
			continue;
		}
		if (rules) {
			if ((u = xcalloc(p, sizeof(*u))) == NULL)
				return -1;
			if ((bad = conv_rule_line(p, l, what, &u->c)) == 0)
				TAILQ_INSERT_TAIL((struct conf_rule_list *)
				    list, u, entry);
			else
				free(u);
		} else {
			if ((r = xcalloc(p, sizeof(*r))) == NULL)
				return -1;
			if ((bad = conv_route_line(p, l, what, &r->c)) == 0)
				TAILQ_INSERT_TAIL((struct conf_route_list *)
				    list, r, entry);
			else
				free(r);
		}
	}
	return 0;
}

void
conf_route_str(const struct route_conf *r, char *buf, size_t len)
{
	char	 a[INET6_ADDRSTRLEN + 8], t[16];

	buf[0] = '\0';
	if (r->type != RT_TYPE_UNICAST) {
		strlcat(buf, conf_route_type_name(r->type), len);
		strlcat(buf, " ", len);
	}
	strlcat(buf, conf_addr_str(&r->dst, a, sizeof(a)), len);
	if (r->src.af != 0) {
		strlcat(buf, " src ", len);
		strlcat(buf, conf_addr_str(&r->src, a, sizeof(a)), len);
	}
	if (r->via.af != 0) {
		strlcat(buf, " via ", len);
		strlcat(buf, conf_addr_str(&r->via, a, sizeof(a)), len);
	}
	if (r->via_or.af != 0) {
		strlcat(buf, " or ", len);
		strlcat(buf, conf_addr_str(&r->via_or, a, sizeof(a)), len);
	}
	if (r->dev[0] != '\0') {
		strlcat(buf, " dev ", len);
		strlcat(buf, r->dev, len);
	}
	if (r->onlink)
		strlcat(buf, " onlink", len);
	if (r->table != 0) {
		strlcat(buf, " table ", len);
		strlcat(buf, num_name(NUM_NAMES(table_names), r->table, t,
		    sizeof(t)), len);
	}
	if (r->metric != 0) {
		snprintf(t, sizeof(t), " metric %u", r->metric);
		strlcat(buf, t, len);
	}
	if (r->has_scope) {
		strlcat(buf, " scope ", len);
		strlcat(buf, scope_name(r->scope, t, sizeof(t)), len);
	}
	if (r->proto != RT_PROTO_KEEPALIVED) {
		strlcat(buf, " proto ", len);
		strlcat(buf, num_name(NUM_NAMES(route_protos), r->proto, t,
		    sizeof(t)), len);
	}
}

void
conf_rule_str(const struct rule_conf *r, char *buf, size_t len)
{
	char	 a[INET6_ADDRSTRLEN + 8], t[40];

	buf[0] = '\0';
	if (r->af == AF_INET6 && r->from.af == 0 && r->to.af == 0)
		strlcat(buf, "inet6 ", len);
	if (r->invert)
		strlcat(buf, "not ", len);
	strlcat(buf, "from ", len);
	strlcat(buf, r->from.af != 0 ? conf_addr_str(&r->from, a,
	    sizeof(a)) : "all", len);
	if (r->to.af != 0) {
		strlcat(buf, " to ", len);
		strlcat(buf, conf_addr_str(&r->to, a, sizeof(a)), len);
	}
	if (r->fwmark != 0 || r->fwmask != 0) {
		if (r->fwmask != 0)
			snprintf(t, sizeof(t), " fwmark %#x/%#x", r->fwmark,
			    r->fwmask);
		else
			snprintf(t, sizeof(t), " fwmark %#x", r->fwmark);
		strlcat(buf, t, len);
	}
	if (r->iif[0] != '\0') {
		strlcat(buf, " iif ", len);
		strlcat(buf, r->iif, len);
	}
	if (r->oif[0] != '\0') {
		strlcat(buf, " oif ", len);
		strlcat(buf, r->oif, len);
	}
	if (r->has_priority) {
		snprintf(t, sizeof(t), " priority %u", r->priority);
		strlcat(buf, t, len);
	}
	if (r->action == RULE_ACT_TABLE) {
		strlcat(buf, " table ", len);
		strlcat(buf, num_name(NUM_NAMES(table_names), r->table, t,
		    sizeof(t)), len);
	} else {
		strlcat(buf, " ", len);
		strlcat(buf, conf_route_type_name(r->action), len);
	}
}

static void
print_rt_lines(struct conf_pr *pr, const char *name, int rules,
    const void *list)
{
	const struct conf_route	*r;
	const struct conf_rule	*u;
	char			 buf[512];

	if (rules ? TAILQ_EMPTY((const struct conf_rule_list *)list) :
	    TAILQ_EMPTY((const struct conf_route_list *)list))
		return;
	conf_pr_open(pr, name);
	conf_pr_begin(pr);
	if (rules) {
		TAILQ_FOREACH(u, (const struct conf_rule_list *)list, entry) {
			conf_rule_str(&u->c, buf, sizeof(buf));
			conf_pr_indent(pr);
			fprintf(pr->fp, "%s\n", buf);
		}
	} else {
		TAILQ_FOREACH(r, (const struct conf_route_list *)list, entry) {
			conf_route_str(&r->c, buf, sizeof(buf));
			conf_pr_indent(pr);
			fprintf(pr->fp, "%s\n", buf);
		}
	}
	conf_pr_end(pr);
}

static int
conv_inst_rt(struct conf_pctx *p, const struct conf_node *n,
    const struct conf_kw *kw, void *obj)
{
	struct conf_instance	*in = NODE_OF(struct conf_instance, obj);
	int			 rules = strcmp(kw->name, "virtual_rules") == 0;

	return conv_rt_lines(p, n, kw->name, rules,
	    rules ? (void *)&in->rules : (void *)&in->routes);
}

static void
print_inst_rt(struct conf_pr *pr, const struct conf_kw *kw, const void *obj,
    const void *def)
{
	const struct conf_instance	*in = CNODE_OF(struct conf_instance,
					    obj);
	int				 rules;

	rules = strcmp(kw->name, "virtual_rules") == 0;
	print_rt_lines(pr, kw->name, rules,
	    rules ? (const void *)&in->rules : (const void *)&in->routes);
}

static int
conv_static(struct conf_pctx *p, const struct conf_node *n,
    const struct conf_kw *kw, void *obj)
{
	struct had_conf		*conf = obj;
	const struct conf_vip	*v;
	char			 a[INET6_ADDRSTRLEN + 8];
	int			 r;

	if (strcmp(kw->name, "static_ipaddress") == 0) {
		r = conv_vip_lines(p, n, kw->name, 0, &conf->static_addrs);
		/* keepalived's default_interface is not had's. */
		TAILQ_FOREACH(v, &conf->static_addrs, entry)
			if (v->c.dev[0] == '\0') {
				err_at(p, &n->pos, "add dev IF", "%s: %s has no "
				    "dev", kw->name, conf_addr_str(&v->c.addr,
				    a, sizeof(a)));
				return -1;
			}
		return r;
	}
	if (strcmp(kw->name, "static_rules") == 0)
		return conv_rt_lines(p, n, kw->name, 1, &conf->static_rules);
	return conv_rt_lines(p, n, kw->name, 0, &conf->static_routes);
}

static void
print_static(struct conf_pr *pr, const struct conf_kw *kw, const void *obj,
    const void *def)
{
	const struct had_conf	*conf = obj;
	const struct conf_vip	*v;

	if (strcmp(kw->name, "static_ipaddress") == 0) {
		if (TAILQ_EMPTY(&conf->static_addrs))
			return;
		conf_pr_open(pr, kw->name);
		conf_pr_begin(pr);
		TAILQ_FOREACH(v, &conf->static_addrs, entry)
			print_vip_line(pr, &v->c);
		conf_pr_end(pr);
	} else if (strcmp(kw->name, "static_rules") == 0)
		print_rt_lines(pr, kw->name, 1, &conf->static_rules);
	else
		print_rt_lines(pr, kw->name, 0, &conf->static_routes);
}

/* What a track line names: a vrrp_script, a process, a file or BFD. */
enum { TRK_SCRIPT, TRK_PROCESS, TRK_FILE, TRK_BFD };

static int
track_kind(const char *kw)
{
	if (strcmp(kw, "track_process") == 0)
		return TRK_PROCESS;
	if (strcmp(kw, "track_file") == 0)
		return TRK_FILE;
	if (strcmp(kw, "track_bfd") == 0)
		return TRK_BFD;
	return TRK_SCRIPT;
}

static int
track_is(const struct vrrp_track_script_conf *c, int kind)
{
	if (kind == TRK_BFD)
		return 1;	/* a list of its own */
	return (kind == TRK_PROCESS) == (c->process != 0) &&
	    (kind == TRK_FILE) == (c->file != 0);
}

/* Whether a script object is of the kind a reference asks for. */
static int
track_is_ref(const struct vrrp_script_conf *c, int ref)
{
	return (ref == REF_PROCESS) == (c->process != 0) &&
	    (ref == REF_FILE) == CONF_IS_TRACK_FILE(c);
}

/*
 * Lines "NAME [weight N [reverse]]"; shared by instances and groups;
 * track_bfd's weights go to 253 (keepalived).
 */
static int
conv_track_list(struct conf_pctx *p, const struct conf_node *n,
    struct conf_track_script_list *list, int kind)
{
	long long			 lim = kind == TRK_BFD ? 253 : 254;
	const struct conf_node		*l;
	struct conf_track_script	*t;
	long long			 v;

	TAILQ_FOREACH(l, &n->children, entry) {
		if ((t = xcalloc(p, sizeof(*t))) == NULL)
			return -1;
		if (copy_str(p, l->kw, &l->pos, n->kw, t->c.name,
		    sizeof(t->c.name)) == -1)
			goto bad;
		t->c.process = kind == TRK_PROCESS;
		t->c.file = kind == TRK_FILE;
		if (l->argc > 0) {
			if (strcmp(l->argv[0], "weight") != 0 ||
			    l->argc < 2 || l->argc > 3) {
				err_at(p, &l->argpos[0], "NAME [weight N "
				    "[reverse]]", "bad %s line", n->kw);
				goto bad;
			}
			if (parse_ll(p, l->argv[1], &l->argpos[1], "weight",
			    -lim, lim, &v) == -1)
				goto bad;
			t->c.weight = v;
			t->c.has_weight = 1;
			if (l->argc == 3 &&
			    strcmp(l->argv[2], "noreverse") != 0) {
				if (strcmp(l->argv[2], "reverse") != 0) {
					err_at(p, &l->argpos[2], NULL,
					    "unknown option '%s'", l->argv[2]);
					goto bad;
				}
				t->c.reverse = 1;
			}
		}
		add_ref(p, kind == TRK_PROCESS ? REF_PROCESS :
		    kind == TRK_FILE ? REF_FILE : kind == TRK_BFD ? REF_BFD :
		    REF_SCRIPT, t->c.name, &l->pos);
		TAILQ_INSERT_TAIL(list, t, entry);
		continue;
 bad:
		free(t);
	}
	return 0;
}

static void
print_track_list(struct conf_pr *pr, const char *name,
    const struct conf_track_script_list *list)
{
	const struct conf_track_script	*t;
	int				 kind = track_kind(name);

	TAILQ_FOREACH(t, list, entry)
		if (track_is(&t->c, kind))
			break;
	if (t == NULL)
		return;
	conf_pr_open(pr, name);
	conf_pr_begin(pr);
	TAILQ_FOREACH(t, list, entry) {
		if (!track_is(&t->c, kind))
			continue;
		conf_pr_indent(pr);
		conf_pr_word(pr, t->c.name);
		if (t->c.has_weight)
			fprintf(pr->fp, " weight %d%s", t->c.weight,
			    t->c.reverse ? " reverse" : "");
		fputc('\n', pr->fp);
	}
	conf_pr_end(pr);
}

/*
 * track_script, track_process, track_file and track_bfd of an instance or
 * a sync group: the list lies kw->off bytes after the object (TRACKS()).
 */
static int
conv_tracks(struct conf_pctx *p, const struct conf_node *n,
    const struct conf_kw *kw, void *obj)
{
	return conv_track_list(p, n,
	    (struct conf_track_script_list *)((char *)obj + kw->off),
	    track_kind(kw->name));
}

static void
print_tracks(struct conf_pr *pr, const struct conf_kw *kw, const void *obj,
    const void *def)
{
	print_track_list(pr, kw->name,
	    (const struct conf_track_script_list *)((const char *)obj +
	    kw->off));
}

static int
conv_track_ifs(struct conf_pctx *p, const struct conf_node *n,
    const struct conf_kw *kw, void *obj)
{
	struct conf_instance	*in = NODE_OF(struct conf_instance, obj);
	const struct conf_node	*l;
	struct conf_track_if	*t;
	long long		 v;

	TAILQ_FOREACH(l, &n->children, entry) {
		if ((t = xcalloc(p, sizeof(*t))) == NULL)
			return -1;
		if (copy_str(p, l->kw, &l->pos, kw->name, t->c.ifname,
		    sizeof(t->c.ifname)) == -1)
			goto bad;
		if (l->argc > 0) {
			if (strcmp(l->argv[0], "weight") != 0 ||
			    l->argc != 2) {
				err_at(p, &l->argpos[0], "IF [weight N]",
				    "bad track_interface line");
				goto bad;
			}
			if (parse_ll(p, l->argv[1], &l->argpos[1], "weight",
			    -254, 254, &v) == -1)
				goto bad;
			t->c.weight = v;
		}
		TAILQ_INSERT_TAIL(&in->track_ifs, t, entry);
		continue;
 bad:
		free(t);
	}
	return 0;
}

static void
print_track_ifs(struct conf_pr *pr, const struct conf_kw *kw,
    const void *obj, const void *def)
{
	const struct conf_instance	*in = CNODE_OF(struct conf_instance,
					    obj);
	const struct conf_track_if	*t;

	if (TAILQ_EMPTY(&in->track_ifs))
		return;
	conf_pr_open(pr, kw->name);
	conf_pr_begin(pr);
	TAILQ_FOREACH(t, &in->track_ifs, entry) {
		conf_pr_indent(pr);
		conf_pr_word(pr, t->c.ifname);
		if (t->c.weight != 0)
			fprintf(pr->fp, " weight %d", t->c.weight);
		fputc('\n', pr->fp);
	}
	conf_pr_end(pr);
}

/* keepalived truncates a longer password; so does had, with a warning. */
static int
conv_auth_pass(struct conf_pctx *p, const struct conf_node *n,
    const struct conf_kw *kw, void *obj)
{
	struct vrrp_instance_conf	*v = obj;

	if (strlen(n->argv[0]) >= sizeof(v->auth_pass)) {
		warn_at(p, &n->argpos[0], NULL, "auth_pass is longer than 8 "
		    "characters; only the first 8 are used");
		conf_diag_kind(p->diags, CONF_DK_DIFF);
	}
	memset(v->auth_pass, 0, sizeof(v->auth_pass));
	strlcpy(v->auth_pass, n->argv[0], sizeof(v->auth_pass));
	return 0;
}

static void
print_auth_pass(struct conf_pr *pr, const struct conf_kw *kw,
    const void *obj, const void *def)
{
	const struct vrrp_instance_conf	*v = obj;

	if (v->auth_pass[0] == '\0')
		return;
	conf_pr_open(pr, kw->name);
	conf_pr_arg(pr, v->auth_pass);
	fputc('\n', pr->fp);
}

static int
conv_use_vmac(struct conf_pctx *p, const struct conf_node *n,
    const struct conf_kw *kw, void *obj)
{
	struct vrrp_instance_conf	*v = obj;

	v->use_vmac = 1;
	if (n->argc > 0)
		return copy_str(p, n->argv[0], &n->argpos[0], kw->name,
		    v->vmac_name, sizeof(v->vmac_name));
	return 0;
}

static void
print_use_vmac(struct conf_pr *pr, const struct conf_kw *kw,
    const void *obj, const void *def)
{
	const struct vrrp_instance_conf	*v = obj;

	if (!v->use_vmac)
		return;
	conf_pr_open(pr, kw->name);
	if (v->vmac_name[0])
		conf_pr_arg(pr, v->vmac_name);
	fputc('\n', pr->fp);
}

/* unicast_path IFNAME SRC PEER: had's extra path for adverts. */
static int
conv_unicast_path(struct conf_pctx *p, const struct conf_node *n,
    const struct conf_kw *kw, void *obj)
{
	struct vrrp_instance_conf	*v = obj;

	if (copy_str(p, n->argv[0], &n->argpos[0], kw->name, v->path_dev,
	    sizeof(v->path_dev)) == -1 ||
	    parse_addr(p, n->argv[1], &n->argpos[1], kw->name, 0, 0,
	    &v->path_src) == -1 ||
	    parse_addr(p, n->argv[2], &n->argpos[2], kw->name, 0,
	    v->path_src.af, &v->path_peer) == -1) {
		memset(v->path_dev, 0, sizeof(v->path_dev));
		memset(&v->path_src, 0, sizeof(v->path_src));
		memset(&v->path_peer, 0, sizeof(v->path_peer));
		return 0;
	}
	return 0;
}

static void
print_unicast_path(struct conf_pr *pr, const struct conf_kw *kw,
    const void *obj, const void *def)
{
	const struct vrrp_instance_conf	*v = obj;

	if (v->path_dev[0] == '\0')
		return;
	conf_pr_open(pr, kw->name);
	conf_pr_arg(pr, v->path_dev);
	fputc(' ', pr->fp);
	conf_pr_addr(pr, &v->path_src);
	fputc(' ', pr->fp);
	conf_pr_addr(pr, &v->path_peer);
	fputc('\n', pr->fp);
}

/*
 * witness ADDR [interval MS] [timeout MS]: had's split-brain guard, an
 * address checkd pings for the instance (vrrpd/vrrpd.c: witness_*).
 */
static int
conv_witness(struct conf_pctx *p, const struct conf_node *n,
    const struct conf_kw *kw, void *obj)
{
	struct vrrp_instance_conf	*v = obj;
	struct conf_addr		 a;
	long long			 ms[2] = { CONF_WITNESS_MS,
					    CONF_WITNESS_TIMEOUT_MS };
	int				 i, k;

	if (parse_addr(p, n->argv[0], &n->argpos[0], kw->name, 0, 0,
	    &a) == -1)
		return -1;
	if (n->argc % 2 != 1) {
		err_at(p, &n->pos, "witness ADDR [interval MS] [timeout MS]",
		    "'%s': an option without its value", kw->name);
		return -1;
	}
	for (i = 1; i + 1 < n->argc; i += 2) {
		k = strcmp(n->argv[i], "interval") == 0 ? 0 :
		    strcmp(n->argv[i], "timeout") == 0 ? 1 : -1;
		if (k == -1) {
			err_at(p, &n->argpos[i], "expected interval or timeout",
			    "'%s': unknown option '%s'", kw->name,
			    n->argv[i]);
			return -1;
		}
		if (parse_ll(p, n->argv[i + 1], &n->argpos[i + 1],
		    k == 0 ? "witness interval" : "witness timeout",
		    k == 0 ? CONF_WITNESS_MS_MIN : CONF_WITNESS_TIMEOUT_MIN,
		    k == 0 ? CONF_WITNESS_MS_MAX : CONF_WITNESS_TIMEOUT_MAX,
		    &ms[k]) == -1)
			return -1;
	}
	v->witness = a;
	v->witness_ms = ms[0];
	v->witness_timeout_ms = ms[1];
	return 0;
}

static void
print_witness(struct conf_pr *pr, const struct conf_kw *kw,
    const void *obj, const void *def)
{
	const struct vrrp_instance_conf	*v = obj;

	if (v->witness.af == 0)
		return;
	conf_pr_open(pr, kw->name);
	fputc(' ', pr->fp);
	conf_pr_addr(pr, &v->witness);
	fprintf(pr->fp, " interval %u timeout %u\n", v->witness_ms,
	    v->witness_timeout_ms);
}

/* keepalived 1.x's spelling of lvs_sync_daemon, still honoured by 2.x. */
static int
conv_sync_if(struct conf_pctx *p, const struct conf_node *n,
    const struct conf_kw *kw, void *obj)
{
	struct vrrp_instance_conf	*v = obj;
	struct global_conf		*g = &p->conf->global;

	if (g->lvs_sync_interface[0] != '\0') {
		warn_at(p, &n->pos, NULL, "'%s': lvs_sync_daemon is set "
		    "already; ignored", kw->name);
		conf_diag_kind(p->diags, CONF_DK_UNSUPP);
		return 0;
	}
	if (copy_str(p, n->argv[0], &n->argpos[0], kw->name,
	    g->lvs_sync_interface, sizeof(g->lvs_sync_interface)) == -1)
		return -1;
	strlcpy(g->lvs_sync_instance, v->name, sizeof(g->lvs_sync_instance));
	warn_at(p, &n->pos, "use lvs_sync_daemon in global_defs", "'%s' is "
	    "taken as lvs_sync_daemon %s %s", kw->name, n->argv[0], v->name);
	conf_diag_kind(p->diags, CONF_DK_ALIAS);
	return 0;
}

#define S struct vrrp_instance_conf
static const struct conf_kw kw_auth[] = {
	ENUM("auth_type", auth_type, conf_auth_names),
	CUSTOM("auth_pass", 1, 1, 0, conv_auth_pass, print_auth_pass),
	KW_END
};

const struct conf_kw conf_kw_instance[] = {
	ENUM("state", state, conf_state_names),
	{ KW_BASE("interface", KT_STR, 1, 1), FLD(interface),
	    .flags = KF_RESTART },
	{ KW_BASE("virtual_router_id", KT_UINT, 1, 1), FLD(vrid), .min = 1,
	    .max = 255, .flags = KF_RESTART },
	UINT("priority", priority, 1, 255),
	{ KW_BASE("advert_int", KT_DEC, 1, 1), FLD(advert_int_cs),
	    .scale = 100, .min = 1, .max = 409500, .flags = KF_RESTART },
	{ KW_BASE("vrrp_version", KT_UINT, 1, 1), FLD(version), .min = 2,
	    .max = 3, .flags = KF_EXT | KF_RESTART,
	    .note = "keepalived spells it version in vrrp_instance" },
	/* keepalived's own spelling inside vrrp_instance. */
	{ KW_BASE("version", KT_UINT, 1, 1), FLD(version), .min = 2,
	    .max = 3, .flags = KF_ALIAS },
	FLAG("nopreempt", nopreempt, 1),
	FLAGA("preempt", nopreempt, 0),
	UINT("preempt_delay", preempt_delay, 0, 1000),
	SUB("authentication", kw_auth),
	{ KW_BASE("mcast_src_ip", KT_ADDR, 1, 1), FLD(mcast_src_ip),
	    .flags = KF_RESTART },
	{ KW_BASE("unicast_src_ip", KT_ADDR, 1, 1), FLD(unicast_src_ip),
	    .flags = KF_RESTART },
	CUSTOM("unicast_peer", 0, 0, KF_BLOCK | KF_LIST | KF_RESTART,
	    conv_peers, print_peers),
	CUSTOM("virtual_ipaddress", 0, 0, KF_BLOCK | KF_LIST, conv_vips,
	    print_vips),
	CUSTOM("virtual_ipaddress_excluded", 0, 0, KF_BLOCK | KF_LIST,
	    conv_vips, print_vips),
	CUSTOM("track_interface", 0, 0, KF_BLOCK | KF_LIST, conv_track_ifs,
	    print_track_ifs),
	TRACKS("track_script", struct conf_instance, track_scripts),
	TRACKS("track_process", struct conf_instance, track_scripts),
	TRACKS("track_file", struct conf_instance, track_scripts),
	TRACKS("track_bfd", struct conf_instance, track_bfds),
	JOIN("notify_master", notify_master),
	JOIN("notify_backup", notify_backup),
	JOIN("notify_fault", notify_fault),
	JOIN("notify_stop", notify_stop),
	JOIN("notify", notify),
	CUSTOM("use_vmac", 0, 1, KF_RESTART, conv_use_vmac, print_use_vmac),
	FLAG("vmac_xmit_base", vmac_xmit_base, 1),
	FLAG("accept", accept, 1),
	FLAG("no_accept", accept, 0),
	UINT("garp_master_delay", garp_master_delay, 0, 255),
	UINT("garp_master_repeat", garp_master_repeat, 0, 255),
	UINT("garp_master_refresh", garp_master_refresh, 0, 86400),
	UINT("garp_master_refresh_repeat", garp_master_refresh_repeat, 0,
	    255),
	FLAG("dont_track_primary", dont_track_primary, 1),
	CUSTOM("virtual_routes", 0, 0, KF_BLOCK | KF_LIST, conv_inst_rt,
	    print_inst_rt),
	CUSTOM("virtual_rules", 0, 0, KF_BLOCK | KF_LIST, conv_inst_rt,
	    print_inst_rt),
	SMTP_ALERT("smtp_alert", smtp_alert),
	CUSTOM("unicast_path", 3, 3, KF_EXT | KF_RESTART, conv_unicast_path,
	    print_unicast_path),
	{ KW_BASE("takeover_check", KT_FLAG, 0, 0), FLD(takeover_check),
	    .scale = 1, .flags = KF_EXT },
	{ KW_BASE("takeover_check_timeout", KT_UINT, 1, 1),
	    FLD(takeover_check_ms), .min = 1, .max = 1000, .flags = KF_EXT },
	{ KW_BASE("flap_penalty", KT_UINT, 1, 1), FLD(flap_penalty),
	    .min = 0, .max = 100, .flags = KF_EXT },
	{ KW_BASE("flap_max", KT_UINT, 1, 1), FLD(flap_max),
	    .min = 1, .max = 1000, .flags = KF_EXT },
	{ KW_BASE("flap_window", KT_UINT, 1, 1), FLD(flap_window),
	    .min = 1, .max = 3600, .flags = KF_EXT },
	{ KW_BASE("flap_decay", KT_UINT, 1, 1), FLD(flap_decay),
	    .min = 1, .max = 86400, .flags = KF_EXT },
	CUSTOM("witness", 1, 5, KF_EXT, conv_witness, print_witness),
	UNSUPP("debug"),
	UNSUPP("notify_master_rx_lower_pri"),
	UNSUPP("notify_deleted"),
	UNSUPP("linkbeat_use_polling"),
	UNSUPP("strict_mode"),
	UNSUPP("promote_secondaries"),
	UNSUPP("kernel_rx_buf_size"),
	UNSUPP("unicast_ttl"),
	UNSUPP("old_unicast_checksum"),
	CUSTOM("lvs_sync_daemon_interface", 1, 1, KF_ALIAS, conv_sync_if,
	    NULL),
	UNSUPP("native_ipv6"),
	UNSUPP("check_unicast_src"),
	UNSUPP("higher_prio_send_advert"),
	UNSUPP("lower_prio_no_advert"),
	UNSUPP("garp_lower_prio_delay"),
	UNSUPP("garp_lower_prio_repeat"),
	UNSUPP("mcast_dst_ip"),
	UNSUPP("unicast_fault_no_peer"),
	KW_END
};
#undef S

static int
conv_members(struct conf_pctx *p, const struct conf_node *n,
    const struct conf_kw *kw, void *obj)
{
	struct conf_sync_group	*sg = NODE_OF(struct conf_sync_group, obj);
	const struct conf_node	*l;
	struct conf_sync_member	*m;
	int			 i;

	TAILQ_FOREACH(l, &n->children, entry) {
		/* Several names may share a line. */
		for (i = -1; i < l->argc; i++) {
			if ((m = xcalloc(p, sizeof(*m))) == NULL)
				return -1;
			if (copy_str(p, i < 0 ? l->kw : l->argv[i],
			    i < 0 ? &l->pos : &l->argpos[i], kw->name,
			    m->c.instance, sizeof(m->c.instance)) == -1) {
				free(m);
				continue;
			}
			add_ref(p, REF_INSTANCE, m->c.instance,
			    i < 0 ? &l->pos : &l->argpos[i]);
			TAILQ_INSERT_TAIL(&sg->members, m, entry);
		}
	}
	return 0;
}

static void
print_members(struct conf_pr *pr, const struct conf_kw *kw,
    const void *obj, const void *def)
{
	const struct conf_sync_group	*sg = CNODE_OF(struct conf_sync_group,
					    obj);
	const struct conf_sync_member	*m;

	if (TAILQ_EMPTY(&sg->members))
		return;
	conf_pr_open(pr, kw->name);
	conf_pr_begin(pr);
	TAILQ_FOREACH(m, &sg->members, entry) {
		conf_pr_indent(pr);
		conf_pr_word(pr, m->c.instance);
		fputc('\n', pr->fp);
	}
	conf_pr_end(pr);
}

#define S struct vrrp_sync_group_conf
const struct conf_kw conf_kw_sync_group[] = {
	CUSTOM("group", 0, 0, KF_BLOCK | KF_LIST, conv_members,
	    print_members),
	JOIN("notify_master", notify_master),
	JOIN("notify_backup", notify_backup),
	JOIN("notify_fault", notify_fault),
	JOIN("notify_stop", notify_stop),
	JOIN("notify", notify),
	TRACKS("track_script", struct conf_sync_group, track_scripts),
	TRACKS("track_process", struct conf_sync_group, track_scripts),
	TRACKS("track_file", struct conf_sync_group, track_scripts),
	TRACKS("track_bfd", struct conf_sync_group, track_bfds),
	UNSUPP("smtp_alert"),
	UNSUPP("global_tracking"),
	UNSUPP("sync_group_tracking_weight"),
	UNSUPP("track_interface"),
	KW_END
};
#undef S

/* FILE_CHECK's weight: the multiplier of the file's number. */
static int
conv_fcheck_weight(struct conf_pctx *p, const struct conf_node *n,
    const struct conf_kw *kw, void *obj)
{
	struct check_conf	*c = obj;

	c->file_has_weight = 1;
	return conv_weight_rev(p, n, kw, 2147483647, &c->file_weight,
	    &c->file_reverse);
}

static void
print_fcheck_weight(struct conf_pr *pr, const struct conf_kw *kw,
    const void *obj, const void *def)
{
	const struct check_conf	*c = obj;

	if (!c->file_has_weight)
		return;
	conf_pr_indent(pr);
	fprintf(pr->fp, "weight %d%s\n", c->file_weight,
	    c->file_reverse ? " reverse" : "");
}

static void	print_hex(struct conf_pr *, const struct conf_kw *,
		    const void *, const void *);

/* status_code 200 | 200 301 | 200-299 ... */
static int
conv_status(struct conf_pctx *p, const struct conf_node *n,
    const struct conf_kw *kw, void *obj)
{
	struct check_url_conf	*u = obj;
	long long		 lo, hi, c;
	char			 buf[32], *dash;
	int			 i;

	for (i = 0; i < n->argc; i++) {
		if (strlcpy(buf, n->argv[i], sizeof(buf)) >= sizeof(buf)) {
			err_at(p, &n->argpos[i], NULL, "bad status code");
			return -1;
		}
		if ((dash = strchr(buf, '-')) != NULL)
			*dash++ = '\0';
		if (parse_ll(p, buf, &n->argpos[i], kw->name,
		    CONF_STATUS_MIN, CONF_STATUS_MAX, &lo) == -1)
			return -1;
		hi = lo;
		if (dash != NULL && parse_ll(p, dash, &n->argpos[i],
		    kw->name, lo, CONF_STATUS_MAX, &hi) == -1)
			return -1;
		for (c = lo; c <= hi; c++)
			u->status[(c - CONF_STATUS_MIN) / 8] |=
			    1 << ((c - CONF_STATUS_MIN) % 8);
	}
	return 0;
}

static int
status_isset(const struct check_url_conf *u, int c)
{
	c -= CONF_STATUS_MIN;
	return (u->status[c / 8] >> (c % 8)) & 1;
}

static void
print_status(struct conf_pr *pr, const struct conf_kw *kw,
    const void *obj, const void *def)
{
	const struct check_url_conf	*u = obj;
	int				 c, e, any = 0;

	for (c = CONF_STATUS_MIN; c <= CONF_STATUS_MAX; c++) {
		if (!status_isset(u, c))
			continue;
		for (e = c; e + 1 <= CONF_STATUS_MAX && status_isset(u, e + 1);
		    e++)
			;
		if (!any++)
			conf_pr_open(pr, kw->name);
		if (e > c)
			fprintf(pr->fp, " %d-%d", c, e);
		else
			fprintf(pr->fp, " %d", c);
		c = e;
	}
	if (any)
		fputc('\n', pr->fp);
}

static int
conv_digest(struct conf_pctx *p, const struct conf_node *n,
    const struct conf_kw *kw, void *obj)
{
	struct check_url_conf	*u = obj;
	const char		*s = n->argv[0];
	int			 i;

	for (i = 0; s[i] != '\0'; i++)
		if (!isxdigit((unsigned char)s[i]))
			break;
	if (s[i] != '\0' || i != 32) {
		err_at(p, &n->argpos[0], "an MD5 digest is 32 hex digits",
		    "digest: '%s' is not an MD5 digest", s);
		return -1;
	}
	for (i = 0; i < 32; i++)
		u->digest[i] = tolower((unsigned char)s[i]);
	u->digest[32] = '\0';
	return 0;
}

#define S struct check_url_conf
const struct conf_kw conf_kw_url[] = {
	STR("path", path),
	CUSTOM("status_code", 1, -1, 0, conv_status, print_status),
	{ KW_BASE("digest", KT_CUSTOM, 1, 1), FLD(digest),
	    .conv = conv_digest, .print = print_hex },
	STR("virtualhost", virtualhost),
	UNSUPP("regex"),
	UNSUPP("regex_no_match"),
	UNSUPP("regex_options"),
	UNSUPP("regex_stack"),
	UNSUPP("regex_min_offset"),
	UNSUPP("regex_max_offset"),
	KW_END
};
#undef S

static int
conv_url(struct conf_pctx *p, const struct conf_node *n,
    const struct conf_kw *kw, void *obj)
{
	struct conf_check	*ck = NODE_OF(struct conf_check, obj);
	struct conf_url		*u;

	if ((u = xcalloc(p, sizeof(*u))) == NULL)
		return -1;
	walk(p, &n->children, conf_kw_url, &u->c, "url");
	if (u->c.path[0] == '\0')
		err_at(p, &n->pos, NULL, "url without a path");
	TAILQ_INSERT_TAIL(&ck->urls, u, entry);
	return 0;
}

static void
print_urls(struct conf_pr *pr, const struct conf_kw *kw, const void *obj,
    const void *def)
{
	const struct conf_check	*ck = CNODE_OF(struct conf_check, obj);
	const struct conf_url	*u;
	struct check_url_conf	 d;

	memset(&d, 0, sizeof(d));
	TAILQ_FOREACH(u, &ck->urls, entry) {
		conf_pr_open(pr, kw->name);
		conf_pr_begin(pr);
		conf_print_fields(pr, conf_kw_url, &u->c, &d);
		conf_pr_end(pr);
	}
}

static int
hex_ok(const char *s)
{
	size_t	i;

	for (i = 0; s[i] != '\0'; i++)
		if (!isxdigit((unsigned char)s[i]))
			return 0;
	return i % 2 == 0;
}

static int
conv_hex(struct conf_pctx *p, const struct conf_node *n,
    const struct conf_kw *kw, void *obj)
{
	if (!hex_ok(n->argv[0])) {
		err_at(p, &n->argpos[0], "an even number of hex digits",
		    "%s: '%s' is not hex", kw->name, n->argv[0]);
		return -1;
	}
	return copy_str(p, n->argv[0], &n->argpos[0], kw->name,
	    (char *)obj + kw->off, kw->size);
}

static void
print_hex(struct conf_pr *pr, const struct conf_kw *kw, const void *obj,
    const void *def)
{
	const char	*s = (const char *)obj + kw->off;

	if (s[0] == '\0')
		return;
	conf_pr_open(pr, kw->name);
	conf_pr_arg(pr, s);
	fputc('\n', pr->fp);
}

#define T(x)	(1U << (x))
#define HTTPISH	(T(CHECK_HTTP) | T(CHECK_SSL))
#define S struct check_conf
const struct conf_kw conf_kw_check[] = {
	ADDR("connect_ip", connect_ip, 0),
	UINT("connect_port", connect_port, 1, 65535),
	ADDR("bindto", bindto, 0),
	UINT("bind_port", bind_port, 1, 65535),
	DEC("connect_timeout", connect_timeout_ms, 1000, 1, 86400000),
	UINT("retry", retry, 0, 1000),
	{ KW_BASE("nb_get_retry", KT_UINT, 1, 1), FLD(retry), .min = 0,
	    .max = 1000, .flags = KF_ALIAS },
	DEC("delay_before_retry", delay_before_retry_ms, 1000, 0, 86400000),
	DEC("delay_loop", delay_loop_ms, 1000, 1, 86400000),
	DEC("warmup", warmup_ms, 1000, 0, 86400000),
	FLAG("alpha", alpha, 1),
	UINT("rise", rise, 1, 1000),
	UINT("fall", fall, 1, 1000),
	CUSTOM("url", 0, 0, KF_BLOCK, conv_url, print_urls),
	STR("virtualhost", virtualhost),
	{ KW_BASE("enable_sni", KT_FLAG, 0, 0), FLD(enable_sni), .scale = 1,
	    .types = T(CHECK_SSL) },
	{ KW_BASE("verify_cert", KT_FLAG, 0, 0), FLD(verify_cert),
	    .scale = 1, .types = T(CHECK_SSL), .flags = KF_EXT },
	{ KW_BASE("misc_path", KT_JOIN, 1, -1), FLD(misc_path),
	    .types = T(CHECK_MISC) },
	{ KW_BASE("misc_timeout", KT_DEC, 1, 1), FLD(misc_timeout_ms),
	    .scale = 1000, .min = 1, .max = 86400000,
	    .types = T(CHECK_MISC) },
	{ KW_BASE("misc_dynamic", KT_FLAG, 0, 0), FLD(misc_dynamic),
	    .scale = 1, .types = T(CHECK_MISC) },
	{ KW_BASE("user", KT_CUSTOM, 1, 2), FLD(user), .conv = conv_user,
	    .print = print_user, .types = T(CHECK_MISC) },
	{ KW_BASE("payload", KT_CUSTOM, 1, 1), FLD(payload),
	    .conv = conv_hex, .print = print_hex, .types = T(CHECK_UDP) },
	{ KW_BASE("require_reply", KT_CUSTOM, 1, 1), FLD(require_reply),
	    .conv = conv_hex, .print = print_hex, .types = T(CHECK_UDP) },
	{ KW_BASE("type", KT_ENUM, 1, 1), FLD(dns_type),
	    .names = conf_dns_type_names, .types = T(CHECK_DNS) },
	{ KW_BASE("name", KT_STR, 1, 1), FLD(dns_name),
	    .types = T(CHECK_DNS) | T(CHECK_BFD) },
	{ KW_BASE("helo_name", KT_STR, 1, 1), FLD(helo_name),
	    .types = T(CHECK_SMTP) },
	UNSUPP("log_all_failures"),
	UNSUPP("fwmark"),
	UNSUPP("http_protocol"),
	UNSUPP("tls_compliant"),
	UNSUPP("ssl_cert"),
	UNSUPP("ssl_key"),
	UNSUPP("ssl_ca"),
	{ KW_BASE("track_file", KT_STR, 1, 1), FLD(track_file),
	    .types = T(CHECK_FILE) },
	{ KW_BASE("weight", KT_CUSTOM, 1, 2), .conv = conv_fcheck_weight,
	    .print = print_fcheck_weight, .types = T(CHECK_FILE) },
	{ KW_BASE("dynamic", KT_FLAG, 0, 0), FLD(file_dynamic), .scale = 1,
	    .types = T(CHECK_FILE) },
	/* SMTP_CHECK's: conv_check makes a check of each. */
	{ KW_BASE("host", KT_IGNORE, 0, 0), .flags = KF_BLOCK,
	    .types = T(CHECK_SMTP) },
	KW_END
};
#undef S

/* TCP_CHECK { ... } and the others: one conv for all types. */
/* Keywords of another check type, and url outside HTTP_GET/SSL_GET. */
static void
check_kw_types(struct conf_pctx *p, const struct conf_nodes *nodes,
    uint32_t type, const char *block)
{
	const struct conf_node	*l;
	const struct conf_kw	*k;

	TAILQ_FOREACH(l, nodes, entry) {
		k = kw_find(conf_kw_check, l->kw);
		/* BFD_CHECK and FILE_CHECK have none of the common ones. */
		if (k != NULL && CHECK_IS_PASSIVE(type) &&
		    !(k->types & T(type)))
			err_at(p, &l->pos, NULL, "'%s' is not valid in %s "
			    "(keepalived gives it none of the common check "
			    "options)", l->kw, block);
		else if (k != NULL && ((k->types && !(k->types & T(type))) ||
		    (strcmp(k->name, "url") == 0 && !(T(type) & HTTPISH))))
			err_at(p, &l->pos, NULL, "'%s' is not valid in %s",
			    l->kw, block);
	}
}

/*
 * A check parsed whole in t, its node as long as what it holds
 * (conf_check_new()) on rs's list; t's URLs go with it.
 */
static int
check_add(struct conf_pctx *p, struct conf_rs *rs, struct conf_check *t)
{
	struct conf_check	*ck;
	struct conf_url		*u;

	if ((ck = conf_check_new(&t->c)) == NULL) {
		p->nomem = 1;
		while ((u = TAILQ_FIRST(&t->urls)) != NULL) {
			TAILQ_REMOVE(&t->urls, u, entry);
			free(u);
		}
		return -1;
	}
	TAILQ_CONCAT(&ck->urls, &t->urls, entry);
	TAILQ_INSERT_TAIL(&rs->checks, ck, entry);
	return 0;
}

/*
 * SMTP_CHECK's host { } blocks, as keepalived: each is a check of its
 * own (connect_ip, connect_port, bindto...) with the SMTP_CHECK's
 * settings, and the server is up when all of them succeed.  The number
 * of hosts.
 */
static int
smtp_hosts(struct conf_pctx *p, const struct conf_node *n,
    struct conf_rs *rs, const struct conf_check *base)
{
	const struct conf_node	*l, *h;
	struct conf_check	 t;
	int			 nhosts = 0;

	TAILQ_FOREACH(l, &n->children, entry) {
		if (strcmp(l->kw, "host") != 0 || !l->block)
			continue;
		TAILQ_FOREACH(h, &l->children, entry)
			if (strcmp(h->kw, "host") == 0)
				err_at(p, &h->pos, NULL, "host in host");
		check_kw_types(p, &l->children, CHECK_SMTP, "host");
		memset(&t, 0, sizeof(t));
		TAILQ_INIT(&t.urls);
		t.c = base->c;
		walk(p, &l->children, conf_kw_check, &t.c, "host");
		if (check_add(p, rs, &t) == -1)
			return nhosts;
		nhosts++;
	}
	return nhosts;
}

static int
conv_check(struct conf_pctx *p, const struct conf_node *n,
    const struct conf_kw *kw, void *obj)
{
	struct conf_rs		*rs = NODE_OF(struct conf_rs, obj);
	struct conf_check	 t, *ck = &t;
	struct conf_url		*u;
	uint32_t		 type;

	for (type = 0; type < CHECK_TYPE_MAX; type++)
		if (strcmp(kw->name, conf_check_names[type]) == 0)
			break;
	/* Parsed whole here (conv_url() adds to its list): check_add(). */
	memset(&t, 0, sizeof(t));
	TAILQ_INIT(&ck->urls);
	conf_check_defaults(&ck->c, type, p->cur_vs);
	check_kw_types(p, &n->children, type, kw->name);
	walk(p, &n->children, conf_kw_check, &ck->c, kw->name);
	if (type == CHECK_MISC && ck->c.misc_path[0] == '\0')
		err_at(p, &n->pos, NULL, "MISC_CHECK without misc_path");
	if (T(type) & HTTPISH && TAILQ_EMPTY(&ck->urls))
		err_at(p, &n->pos, NULL, "%s without a url block", kw->name);
	if (type == CHECK_BFD && strcmp(ck->c.dns_name, ".") == 0)
		err_at(p, &n->pos, "name BFD_INSTANCE", "BFD_CHECK without "
		    "name");
	else if (type == CHECK_BFD)
		add_ref(p, REF_BFD, ck->c.dns_name, &n->pos);
	if (type == CHECK_FILE && ck->c.track_file[0] == '\0')
		err_at(p, &n->pos, "track_file NAME", "FILE_CHECK without "
		    "track_file");
	else if (type == CHECK_FILE)
		add_ref(p, REF_FILE, ck->c.track_file, &n->pos);
	/* With host blocks, the hosts are checked, not the server. */
	if (type == CHECK_SMTP && smtp_hosts(p, n, rs, ck) > 0) {
		/* A url here is an error already: t's list, if any, goes. */
		while ((u = TAILQ_FIRST(&t.urls)) != NULL) {
			TAILQ_REMOVE(&t.urls, u, entry);
			free(u);
		}
		return 0;
	}
	return check_add(p, rs, &t);
}

static void
print_checks(struct conf_pr *pr, const struct conf_kw *kw, const void *obj,
    const void *def)
{
	const struct conf_rs	*rs = CNODE_OF(struct conf_rs, obj);
	const struct conf_check	*ck;
	struct conf_check	 full;
	struct check_conf	 d;

	TAILQ_FOREACH(ck, &rs->checks, entry) {
		/* Whole, for the table; print_urls() only walks the list. */
		full.urls = ck->urls;
		conf_check_full(ck, &full.c);
		conf_check_defaults(&d, ck->c.type, pr->vs);
		conf_pr_open(pr, conf_enum_name(conf_check_names,
		    ck->c.type));
		conf_pr_begin(pr);
		conf_print_fields(pr, conf_kw_check, &full.c, &d);
		conf_pr_end(pr);
	}
}

#define CHECK_KW(n, pr)	CUSTOM(n, 0, 0, KF_BLOCK | KF_OBJ, conv_check, pr)
#define S struct rs_conf
const struct conf_kw conf_kw_rs[] = {
	UINT("weight", weight, 0, 65535),
	UINT("uthreshold", uthreshold, 0, 65535),
	UINT("lthreshold", lthreshold, 0, 65535),
	FLAG("inhibit_on_failure", inhibit_on_failure, 1),
	JOIN("notify_up", notify_up),
	JOIN("notify_down", notify_down),
	CHECK_KW("TCP_CHECK", print_checks),
	CHECK_KW("HTTP_GET", NULL),
	CHECK_KW("SSL_GET", NULL),
	CHECK_KW("MISC_CHECK", NULL),
	CHECK_KW("PING_CHECK", NULL),
	CHECK_KW("UDP_CHECK", NULL),
	CHECK_KW("DNS_CHECK", NULL),
	CHECK_KW("SMTP_CHECK", NULL),
	SMTP_ALERT("smtp_alert", smtp_alert),
	CHECK_KW("BFD_CHECK", NULL),
	CHECK_KW("FILE_CHECK", NULL),
	UNSUPP("ICMP_CHECK"),
	UNSUPP("virtualhost"),
	UNSUPP("delay_loop"),
	UNSUPP("retry"),
	UNSUPP("delay_before_retry"),
	UNSUPP("warmup"),
	KW_END
};
#undef S

static int
parse_port(struct conf_pctx *p, const char *s, const struct conf_pos *pos,
    long long lo, uint16_t *out)
{
	long long	v;

	if (parse_ll(p, s, pos, "port", lo, 65535, &v) == -1)
		return -1;
	*out = v;
	return 0;
}

static int
conv_rs(struct conf_pctx *p, const struct conf_node *n,
    const struct conf_kw *kw, void *obj)
{
	struct conf_vs	*vs = NODE_OF(struct conf_vs, obj);
	struct conf_rs	 t, *rs;
	struct conf_check *ck;
	struct conf_url	*u;

	/* Parsed whole here, kept as long as what it holds (conf_rs_new). */
	memset(&t, 0, sizeof(t));
	TAILQ_INIT(&t.checks);
	conf_rs_defaults(&t.c);
	if (parse_addr(p, n->argv[0], &n->argpos[0], kw->name, 0, 0,
	    &t.c.addr) == -1 || (n->argc > 1 && parse_port(p, n->argv[1],
	    &n->argpos[1], 0, &t.c.port) == -1))
		return -1;
	/* No port: the virtual server's, as keepalived (not fwmark, group). */
	if (n->argc == 1 && vs->c.type == VS_TYPE_ADDR)
		t.c.port = vs->c.port;
	walk(p, &n->children, conf_kw_rs, &t.c, kw->name);
	if ((rs = conf_rs_new(&t.c, 1)) == NULL) {
		p->nomem = 1;
		while ((ck = TAILQ_FIRST(&t.checks)) != NULL) {
			TAILQ_REMOVE(&t.checks, ck, entry);
			while ((u = TAILQ_FIRST(&ck->urls)) != NULL) {
				TAILQ_REMOVE(&ck->urls, u, entry);
				free(u);
			}
			free(ck);
		}
		return -1;
	}
	TAILQ_CONCAT(&rs->checks, &t.checks, entry);
	TAILQ_INSERT_TAIL(&vs->rss, rs, entry);
	return 0;
}

static void
print_rss(struct conf_pr *pr, const struct conf_kw *kw, const void *obj,
    const void *def)
{
	const struct conf_vs	*vs = CNODE_OF(struct conf_vs, obj);
	const struct conf_rs	*rs;
	struct conf_rs		 full;
	struct rs_conf		 d;

	conf_rs_defaults(&d);
	pr->vs = &vs->c;
	TAILQ_FOREACH(rs, &vs->rss, entry) {
		/* Whole, for the table; print_checks() only walks the list. */
		full.checks = rs->checks;
		conf_rs_full(rs, &full.c);
		conf_pr_open(pr, kw->name);
		fputc(' ', pr->fp);
		conf_pr_addr(pr, &rs->c.addr);
		if (rs->c.port)
			fprintf(pr->fp, " %u", rs->c.port);
		conf_pr_begin(pr);
		conf_print_fields(pr, conf_kw_rs, &full.c, &d);
		conf_pr_end(pr);
	}
}

static int
conv_sorry(struct conf_pctx *p, const struct conf_node *n,
    const struct conf_kw *kw, void *obj)
{
	struct vs_conf	*vs = obj;

	if (parse_addr(p, n->argv[0], &n->argpos[0], kw->name, 0, 0,
	    &vs->sorry_addr) == -1 || (n->argc > 1 && parse_port(p,
	    n->argv[1], &n->argpos[1], 0, &vs->sorry_port) == -1))
		return -1;
	vs->has_sorry = 1;
	return 0;
}

static void
print_sorry(struct conf_pr *pr, const struct conf_kw *kw, const void *obj,
    const void *def)
{
	const struct vs_conf	*vs = obj;

	if (!vs->has_sorry)
		return;
	conf_pr_open(pr, kw->name);
	fputc(' ', pr->fp);
	conf_pr_addr(pr, &vs->sorry_addr);
	if (vs->sorry_port)
		fprintf(pr->fp, " %u", vs->sorry_port);
	fputc('\n', pr->fp);
}

/*
 * had: announce [table N] [metric M]: lvsd keeps the addresses of the
 * virtual server as host routes in table N for FRR while it is healthy.
 */
static int
conv_announce(struct conf_pctx *p, const struct conf_node *n,
    const struct conf_kw *kw, void *obj)
{
	struct vs_conf	*vs = obj;
	long long	 v;
	int		 i;

	vs->announce = 1;
	vs->announce_table = CONF_ANNOUNCE_TABLE;
	vs->announce_metric = 0;
	for (i = 0; i < n->argc; i += 2) {
		if (i + 1 >= n->argc || (strcmp(n->argv[i], "table") != 0 &&
		    strcmp(n->argv[i], "metric") != 0)) {
			err_at(p, &n->argpos[i], "e.g. announce table 201 "
			    "metric 10", "%s: '%s' is not table N or metric M",
			    kw->name, n->argv[i]);
			return -1;
		}
		if (n->argv[i][0] == 't') {
			/* Not main, local or default: ours alone. */
			if (parse_ll(p, n->argv[i + 1], &n->argpos[i + 1],
			    "announce table", 1, 252, &v) == -1)
				return -1;
			vs->announce_table = v;
		} else {
			if (parse_ll(p, n->argv[i + 1], &n->argpos[i + 1],
			    "announce metric", 0, UINT32_MAX, &v) == -1)
				return -1;
			vs->announce_metric = v;
		}
	}
	return 0;
}

static void
print_announce(struct conf_pr *pr, const struct conf_kw *kw,
    const void *obj, const void *def)
{
	const struct vs_conf	*vs = obj;

	if (!vs->announce)
		return;
	conf_pr_open(pr, kw->name);
	fprintf(pr->fp, " table %u", vs->announce_table);
	if (vs->announce_metric)
		fprintf(pr->fp, " metric %u", vs->announce_metric);
	fputc('\n', pr->fp);
}

#define S struct vs_conf
const struct conf_kw conf_kw_vs[] = {
	DEC("delay_loop", delay_loop_ms, 1000, 1, 86400000),
	ENUM("lb_algo", lb_algo, conf_sched_names),
	ENUMA("lvs_sched", lb_algo, conf_sched_names),
	ENUM("lb_kind", lb_kind, conf_kind_names),
	ENUMA("lvs_method", lb_kind, conf_kind_names),
	ENUM("protocol", protocol, conf_proto_names),
	UINT("persistence_timeout", persistence_timeout, 0, 2678400),
	ADDR("persistence_granularity", persistence_granularity, 0),
	FLAG("ops", ops, 1),
	FLAGA("one_packet_scheduler", ops, 1),
	FLAG("flag-1", sched_flag1, 1),
	FLAGA("sh-fallback", sched_flag1, 1),
	FLAGA("mh-fallback", sched_flag1, 1),
	FLAG("flag-2", sched_flag2, 1),
	FLAGA("sh-port", sched_flag2, 1),
	FLAGA("mh-port", sched_flag2, 1),
	FLAG("flag-3", sched_flag3, 1),
	STR("virtualhost", virtualhost),
	CUSTOM("sorry_server", 1, 2, 0, conv_sorry, print_sorry),
	FLAG("sorry_server_inhibit", sorry_server_inhibit, 1),
	FLAG("inhibit_on_failure", inhibit_on_failure, 1),
	UINT("quorum", quorum, 0, 65535),
	UINT("hysteresis", hysteresis, 0, 65535),
	JOIN("quorum_up", quorum_up),
	JOIN("quorum_down", quorum_down),
	FLAG("alpha", alpha, 1),
	FLAG("omega", omega, 1),
	FLAG("ha_suspend", ha_suspend, 1),
	CUSTOM("announce", 0, 4, KF_EXT, conv_announce, print_announce),
	UINT("retry", retry, 0, 1000),
	DEC("delay_before_retry", delay_before_retry_ms, 1000, 0, 86400000),
	DEC("warmup", warmup_ms, 1000, 0, 86400000),
	CUSTOM("real_server", 1, 2, KF_BLOCK | KF_OBJ, conv_rs, print_rss),
	SMTP_ALERT("smtp_alert", smtp_alert),
	UNSUPP("ip_family"),
	UNSUPP("lb_flags"),
	UNSUPP("persistence_engine"),
	UNSUPP("sorry_server_lvs_method"),
	UNSUPP("nb_sock_retry"),
	KW_END
};
#undef S

/*
 * Top-level objects.  The object is the had_conf.
 */

static int
check_name(struct conf_pctx *p, const struct conf_node *n, const char *what)
{
	if (strlen(n->argv[0]) >= HAD_NAMELEN) {
		err_at(p, &n->argpos[0], NULL, "%s name longer than %d "
		    "characters", what, HAD_NAMELEN - 1);
		return -1;
	}
	return 0;
}

static int
conv_global(struct conf_pctx *p, const struct conf_node *n,
    const struct conf_kw *kw, void *obj)
{
	struct had_conf	*conf = obj;

	walk(p, &n->children, conf_kw_global, &conf->global, kw->name);
	return 0;
}

static void
print_global(struct conf_pr *pr, const struct conf_kw *kw, const void *obj,
    const void *def)
{
	const struct had_conf	*conf = obj;
	struct global_conf	 d;
	struct conf_pr		 sub;
	char			*buf = NULL;
	size_t			 len = 0;

	conf_global_defaults(&d);
	sub = *pr;
	if ((sub.fp = open_memstream(&buf, &len)) == NULL)
		return;
	sub.depth = pr->depth + 1;
	conf_print_fields(&sub, conf_kw_global, &conf->global, &d);
	fclose(sub.fp);
	if (len > 0) {
		conf_pr_open(pr, kw->name);
		conf_pr_begin(pr);
		fputs(buf, pr->fp);
		conf_pr_end(pr);
	}
	free(buf);
}

/* vrrp_script and track_file share one name space in had. */
static int
script_dup(struct conf_pctx *p, const struct conf_node *n,
    const struct had_conf *conf)
{
	const struct conf_script	*o;
	const char			*was;

	TAILQ_FOREACH(o, &conf->scripts, entry) {
		if (strcmp(o->c.name, n->argv[0]) != 0)
			continue;
		was = CONF_IS_TRACK_FILE(&o->c) ? "track_file" :
		    o->c.process ? "vrrp_track_process" : "vrrp_script";
		err_at(p, &n->argpos[0], strcmp(was, n->kw) != 0 ?
		    "vrrp_script, vrrp_track_process and track_file names are "
		    "one name space in had" : NULL,
		    "'%s' defined twice (a %s before)", n->argv[0], was);
		return -1;
	}
	return 0;
}

/*
 * A track_file: had (root) opens the file and hands checkd the
 * descriptor, so the path must name a file a root daemon may open
 * without surprises: absolute, no "." or ".." parts, no control
 * characters.  What is in it is checkd's business.
 */
static int
track_file_path_ok(const char *path, char *why, size_t len)
{
	const char	*c, *part;

	if (path[0] != '/') {
		snprintf(why, len, "must be an absolute path");
		return -1;
	}
	for (c = path; *c != '\0'; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f) {
			snprintf(why, len, "has a control character");
			return -1;
		}
	if (path[strlen(path) - 1] == '/') {
		snprintf(why, len, "names a directory");
		return -1;
	}
	for (part = path; part != NULL; part = strchr(part + 1, '/'))
		if (strncmp(part, "/./", 3) == 0 ||
		    strncmp(part, "/../", 4) == 0 ||
		    strcmp(part, "/.") == 0 || strcmp(part, "/..") == 0) {
			snprintf(why, len, "has a '.' or '..' part");
			return -1;
		}
	return 0;
}

static int
conv_track_file(struct conf_pctx *p, const struct conf_node *n,
    const struct conf_kw *kw, void *obj)
{
	struct had_conf		*conf = obj;
	struct conf_script	*s;
	char			 why[64];

	if (check_name(p, n, kw->name) == -1 || script_dup(p, n, conf) == -1)
		return -1;
	if ((s = xcalloc(p, sizeof(*s))) == NULL)
		return -1;
	conf_script_defaults(&s->c);
	s->c.weight = 1;
	strlcpy(s->c.name, n->argv[0], sizeof(s->c.name));
	walk(p, &n->children, conf_kw_track_file, &s->c, kw->name);
	if (s->c.file[0] == '\0') {
		err_at(p, &n->pos, "file \"/PATH\"", "track_file '%s' has "
		    "no file", s->c.name);
		free(s);
		return -1;
	}
	if (track_file_path_ok(s->c.file, why, sizeof(why)) == -1) {
		err_at(p, &n->pos, NULL, "track_file '%s': file '%s' %s",
		    s->c.name, s->c.file, why);
		free(s);
		return -1;
	}
	TAILQ_INSERT_TAIL(&conf->scripts, s, entry);
	return 0;
}

/* The vrrp_script blocks, or (file) the track_file blocks. */
static void
print_script_blocks(struct conf_pr *pr, const struct conf_kw *kw,
    const struct had_conf *conf, int file, int process)
{
	const struct conf_script	*s;
	struct vrrp_script_conf		 d;

	TAILQ_FOREACH(s, &conf->scripts, entry) {
		if (CONF_IS_TRACK_FILE(&s->c) != file ||
		    (s->c.process != 0) != process)
			continue;
		if (process)
			conf_tprocess_defaults(&d);
		else
			conf_script_defaults(&d);
		if (file)
			d.weight = 1;
		memcpy(d.name, s->c.name, sizeof(d.name));
		conf_pr_open(pr, kw->name);
		conf_pr_arg(pr, s->c.name);
		conf_pr_begin(pr);
		conf_print_fields(pr, file ? conf_kw_track_file : process ?
		    conf_kw_tprocess : conf_kw_script, &s->c, &d);
		conf_pr_end(pr);
	}
}

static void
print_track_files(struct conf_pr *pr, const struct conf_kw *kw,
    const void *obj, const void *def)
{
	print_script_blocks(pr, kw, obj, 1, 0);
}

static int
conv_script(struct conf_pctx *p, const struct conf_node *n,
    const struct conf_kw *kw, void *obj)
{
	struct had_conf		*conf = obj;
	struct conf_script	*s;

	int			 process = strcmp(kw->name, "vrrp_script") != 0;

	if (check_name(p, n, kw->name) == -1)
		return -1;
	if (script_dup(p, n, conf) == -1)
		return -1;
	if ((s = xcalloc(p, sizeof(*s))) == NULL)
		return -1;
	if (process)
		conf_tprocess_defaults(&s->c);
	else
		conf_script_defaults(&s->c);
	strlcpy(s->c.name, n->argv[0], sizeof(s->c.name));
	walk(p, &n->children, process ? conf_kw_tprocess : conf_kw_script,
	    &s->c, kw->name);
	if (process && s->c.cmdlen == 0) {
		err_at(p, &n->pos, "process NAME [PARAM...]",
		    "vrrp_track_process '%s' has no process", s->c.name);
		free(s);
		return -1;
	}
	if (process && s->c.quorum_max < s->c.quorum) {
		warn_at(p, &n->pos, NULL, "vrrp_track_process '%s': quorum "
		    "%u is above quorum_max %u; quorum %u is used",
		    s->c.name, s->c.quorum, s->c.quorum_max, s->c.quorum_max);
		s->c.quorum = s->c.quorum_max;
	}
	/* No script: the check always succeeds, as keepalived's does. */
	if (!process && s->c.script[0] == '\0')
		warn_at(p, &n->pos, NULL, "vrrp_script '%s' has no script; "
		    "it is treated as always succeeding", s->c.name);
	TAILQ_INSERT_TAIL(&conf->scripts, s, entry);
	return 0;
}

static void
print_scripts(struct conf_pr *pr, const struct conf_kw *kw,
    const void *obj, const void *def)
{
	print_script_blocks(pr, kw, obj, 0,
	    strcmp(kw->name, "vrrp_script") != 0);
}

/* The family of an instance: its VIPs', else its unicast addresses'. */
int
conf_instance_af(const struct conf_instance *ci)
{
	const struct conf_vip	*v;
	const struct conf_peer	*pe;

	TAILQ_FOREACH(v, &ci->vips, entry)
		if (!v->c.excluded && v->c.addr.af != 0)
			return v->c.addr.af;
	if (ci->c.unicast_src_ip.af != 0)
		return ci->c.unicast_src_ip.af;
	TAILQ_FOREACH(pe, &ci->peers, entry)
		return pe->c.addr.af;
	if (ci->c.mcast_src_ip.af != 0)
		return ci->c.mcast_src_ip.af;
	return AF_INET;
}

/*
 * vrrp_strict: RFC 5798 to the letter, as keepalived's strict mode.
 * What keepalived refuses is an error; what it resets, had resets too,
 * with a warning, so that the box speaks as the one it replaces.
 */
static void
check_strict(struct conf_pctx *p, const struct conf_node *n,
    struct conf_instance *in)
{
	const struct conf_vip	*v;
	const char		*why = NULL;
	int			 v6 = 0, first6 = 1;

	TAILQ_FOREACH(v, &in->vips, entry) {
		if (v->c.addr.af != AF_INET6)
			continue;
		/* RFC 5798 5.2.9: the first IPv6 address is link-local. */
		if (!v6 && !IN6_IS_ADDR_LINKLOCAL(&v->c.addr.u.v6))
			first6 = 0;
		v6 = 1;
	}
	if (TAILQ_EMPTY(&in->vips))
		why = "has no virtual_ipaddress";
	else if (!TAILQ_EMPTY(&in->peers))
		why = "uses unicast_peer";
	else if (v6 && in->c.version == 2)
		why = "has IPv6 addresses with VRRPv2";
	else if (v6 && !first6)
		why = "has a first IPv6 address that is not link-local";
	if (why != NULL) {
		err_at(p, &n->pos, "remove vrrp_strict, or the option",
		    "vrrp_instance '%s' %s: vrrp_strict forbids it",
		    in->c.name, why);
		return;
	}
#define STRICT_RESET(cond, what, reset) do {				\
	if (cond) {							\
		warn_at(p, &n->pos, NULL, "vrrp_instance '%s': "	\
		    "vrrp_strict: %s, as keepalived does", in->c.name,	\
		    what);						\
		reset;							\
	}								\
} while (0)
	STRICT_RESET(in->c.state == CONF_STATE_MASTER &&
	    in->c.priority != 255, "state MASTER below priority 255 is "
	    "taken as BACKUP", in->c.state = CONF_STATE_BACKUP);
	STRICT_RESET(in->c.auth_type != CONF_AUTH_NONE, "authentication "
	    "is ignored", in->c.auth_type = CONF_AUTH_NONE;
	    memset(in->c.auth_pass, 0, sizeof(in->c.auth_pass)));
	STRICT_RESET(in->c.preempt_delay != 0, "preempt_delay is ignored",
	    in->c.preempt_delay = 0);
	STRICT_RESET(in->c.accept != -1 && in->c.version == 2,
	    "accept and no_accept are ignored with VRRPv2",
	    in->c.accept = -1);
	STRICT_RESET(in->c.garp_master_refresh != 0, "garp_master_refresh "
	    "is ignored", in->c.garp_master_refresh = 0);
	STRICT_RESET(in->c.vmac_xmit_base, "vmac_xmit_base is ignored",
	    in->c.vmac_xmit_base = 0);
#undef STRICT_RESET
}

static int
conv_instance(struct conf_pctx *p, const struct conf_node *n,
    const struct conf_kw *kw, void *obj)
{
	struct had_conf		*conf = obj;
	struct conf_instance	*in, *o;

	if (check_name(p, n, kw->name) == -1)
		return -1;
	TAILQ_FOREACH(o, &conf->instances, entry) {
		if (strcmp(o->c.name, n->argv[0]) == 0) {
			err_at(p, &n->argpos[0], NULL, "vrrp_instance '%s' "
			    "defined twice", n->argv[0]);
			return -1;
		}
	}
	if ((in = xcalloc(p, sizeof(*in))) == NULL)
		return -1;
	TAILQ_INIT(&in->vips);
	TAILQ_INIT(&in->peers);
	TAILQ_INIT(&in->track_scripts);
	TAILQ_INIT(&in->track_ifs);
	TAILQ_INIT(&in->routes);
	TAILQ_INIT(&in->rules);
	TAILQ_INIT(&in->track_bfds);
	conf_instance_defaults(&in->c, &conf->global);
	strlcpy(in->c.name, n->argv[0], sizeof(in->c.name));
	TAILQ_INSERT_TAIL(&conf->instances, in, entry);
	walk(p, &n->children, conf_kw_instance, &in->c, kw->name);

	if (in->c.vrid == 0)
		err_at(p, &n->pos, "add virtual_router_id 1..255",
		    "vrrp_instance '%s' has no virtual_router_id", in->c.name);
	if (in->c.interface[0] == '\0')
		warn_at(p, &n->pos, NULL, "vrrp_instance '%s' has no "
		    "interface", in->c.name);
	if (conf->global.vrrp_strict)
		check_strict(p, n, in);
	/* RFC 3768 is IPv4 only: keepalived runs such an instance as v3. */
	if (in->c.version == 2 && conf_instance_af(in) == AF_INET6) {
		warn_at(p, &n->pos, "set vrrp_version 3 in the instance",
		    "vrrp_instance '%s': VRRPv2 has no IPv6; it runs as "
		    "VRRPv3, as keepalived does", in->c.name);
		in->c.version = 3;
	}
	/* The advert's interval field: 12 bits of cs (v3), 8 of s (v2). */
	if (in->c.version == 3 && in->c.advert_int_cs > 4095)
		err_at(p, &n->pos, "VRRPv3 allows 0.01 to 40.95 seconds",
		    "vrrp_instance '%s': advert_int %u.%02u is too long for "
		    "VRRPv3", in->c.name, in->c.advert_int_cs / 100,
		    in->c.advert_int_cs % 100);
	else if (in->c.version == 2 && in->c.advert_int_cs > 25500)
		err_at(p, &n->pos, "VRRPv2 allows 1 to 255 seconds",
		    "vrrp_instance '%s': advert_int %u is too long for "
		    "VRRPv2", in->c.name, in->c.advert_int_cs / 100);
	else if (in->c.version == 2 && in->c.advert_int_cs % 100 != 0)
		warn_at(p, &n->pos, "use whole seconds, or vrrp_version 3",
		    "vrrp_instance '%s': VRRPv2 advertises whole seconds: "
		    "advert_int %u.%02u is sent as %u", in->c.name,
		    in->c.advert_int_cs / 100, in->c.advert_int_cs % 100,
		    in->c.advert_int_cs < 100 ? 1 : in->c.advert_int_cs / 100);
	/*
	 * RFC 5798 has no authentication and keepalived does none on v3;
	 * had puts v3 adverts in AH too, between had nodes.
	 */
	if (in->c.version == 3 && in->c.auth_type == CONF_AUTH_PASS)
		err_at(p, &n->pos, "use auth_type AH, or vrrp_version 2",
		    "vrrp_instance '%s': VRRPv3 has no authentication "
		    "field, auth_type PASS would do nothing", in->c.name);
	else if (in->c.version == 3 && in->c.auth_type == CONF_AUTH_AH) {
		warn_at(p, &n->pos, "keepalived drops these adverts",
		    "vrrp_instance '%s': auth_type AH on VRRPv3 is a had "
		    "extension: only had peers authenticate them", in->c.name);
		conf_diag_kind(p->diags, CONF_DK_EXT);
		if (in->c.auth_pass[0] == '\0')
			warn_at(p, &n->pos, "set auth_pass", "vrrp_instance "
			    "'%s': auth_type AH without auth_pass: the HMAC "
			    "key is empty", in->c.name);
	} else if (in->c.auth_type == CONF_AUTH_PASS)
		warn_at(p, &n->pos, "auth_type AH authenticates adverts",
		    "vrrp_instance '%s': auth_type PASS sends auth_pass in "
		    "clear text in every advert: it stops mistakes, not "
		    "attackers", in->c.name);
	else if (in->c.auth_type == CONF_AUTH_AH && in->c.auth_pass[0] == '\0')
		warn_at(p, &n->pos, "set auth_pass", "vrrp_instance '%s': "
		    "auth_type AH without auth_pass: the HMAC key is empty",
		    in->c.name);
	/* RFC 5798: IPv4 and IPv6 routers of one VRID are separate. */
	TAILQ_FOREACH(o, &conf->instances, entry) {
		if (o == in || o->c.vrid != in->c.vrid || in->c.vrid == 0 ||
		    strcmp(o->c.interface, in->c.interface) != 0)
			continue;
		if (conf_instance_af(o) == conf_instance_af(in)) {
			err_at(p, &n->pos, NULL, "vrrp_instance '%s' uses "
			    "virtual_router_id %u on %s like '%s'",
			    in->c.name, in->c.vrid, in->c.interface,
			    o->c.name);
			break;
		}
		if (o->c.use_vmac && in->c.use_vmac &&
		    o->c.vmac_name[0] == '\0' && in->c.vmac_name[0] == '\0') {
			err_at(p, &n->pos, "name them with use_vmac NAME",
			    "vrrp_instance '%s' and '%s' would both have the "
			    "VMAC vrrp.%u", in->c.name, o->c.name,
			    in->c.vrid);
			break;
		}
	}
	return 0;
}

static void
print_instances(struct conf_pr *pr, const struct conf_kw *kw,
    const void *obj, const void *def)
{
	const struct had_conf		*conf = obj;
	const struct conf_instance	*in;
	struct vrrp_instance_conf	 d;

	TAILQ_FOREACH(in, &conf->instances, entry) {
		conf_instance_defaults(&d, &conf->global);
		memcpy(d.name, in->c.name, sizeof(d.name));
		conf_pr_open(pr, kw->name);
		conf_pr_arg(pr, in->c.name);
		conf_pr_begin(pr);
		conf_print_fields(pr, conf_kw_instance, &in->c, &d);
		conf_pr_end(pr);
	}
}

static int
conv_sync_group(struct conf_pctx *p, const struct conf_node *n,
    const struct conf_kw *kw, void *obj)
{
	struct had_conf		*conf = obj;
	struct conf_sync_group	*sg, *o;

	if (check_name(p, n, kw->name) == -1)
		return -1;
	TAILQ_FOREACH(o, &conf->sync_groups, entry) {
		if (strcmp(o->c.name, n->argv[0]) == 0) {
			err_at(p, &n->argpos[0], NULL, "vrrp_sync_group '%s' "
			    "defined twice", n->argv[0]);
			return -1;
		}
	}
	if ((sg = xcalloc(p, sizeof(*sg))) == NULL)
		return -1;
	TAILQ_INIT(&sg->members);
	TAILQ_INIT(&sg->track_scripts);
	TAILQ_INIT(&sg->track_bfds);
	strlcpy(sg->c.name, n->argv[0], sizeof(sg->c.name));
	walk(p, &n->children, conf_kw_sync_group, &sg->c, kw->name);
	TAILQ_INSERT_TAIL(&conf->sync_groups, sg, entry);
	return 0;
}

static void
print_sync_groups(struct conf_pr *pr, const struct conf_kw *kw,
    const void *obj, const void *def)
{
	const struct had_conf		*conf = obj;
	const struct conf_sync_group	*sg;
	struct vrrp_sync_group_conf	 d;

	memset(&d, 0, sizeof(d));
	TAILQ_FOREACH(sg, &conf->sync_groups, entry) {
		memcpy(d.name, sg->c.name, sizeof(d.name));
		conf_pr_open(pr, kw->name);
		conf_pr_arg(pr, sg->c.name);
		conf_pr_begin(pr);
		conf_print_fields(pr, conf_kw_sync_group, &sg->c, &d);
		conf_pr_end(pr);
	}
}

/* Lines "IP PORT", "IP-END PORT", "fwmark N". */
static int
conv_vsg_line(struct conf_pctx *p, const struct conf_node *l,
    struct conf_vsg_entry *e)
{
	char		 buf[INET6_ADDRSTRLEN + 8], *dash;
	long long	 v, first;
	char		*ep;

	if (strcmp(l->kw, "fwmark") == 0) {
		if (l->argc != 1) {
			err_at(p, &l->pos, NULL, "fwmark takes one number");
			return -1;
		}
		if (parse_ll(p, l->argv[0], &l->argpos[0], "fwmark", 1,
		    UINT32_MAX, &v) == -1)
			return -1;
		e->c.type = VSG_ENTRY_FWMARK;
		e->c.fwmark = v;
		return 0;
	}
	if (l->argc != 1) {
		err_at(p, &l->pos, "IP PORT, IP-END PORT or fwmark N",
		    "bad virtual_server_group line");
		return -1;
	}
	strlcpy(buf, l->kw, sizeof(buf));
	if ((dash = strchr(buf, '-')) != NULL)
		*dash++ = '\0';
	if (parse_addr(p, buf, &l->pos, "virtual_server_group", 0, 0,
	    &e->c.addr) == -1)
		return -1;
	e->c.type = VSG_ENTRY_ADDR;
	if (dash != NULL) {
		e->c.type = VSG_ENTRY_RANGE;
		errno = 0;
		if (e->c.addr.af == AF_INET) {
			first = e->c.addr.u.raw[3];
			v = strtoll(dash, &ep, 10);
		} else {
			first = (e->c.addr.u.raw[14] << 8) |
			    e->c.addr.u.raw[15];
			v = strtoll(dash, &ep, 16);
		}
		if (*dash == '\0' || *ep != '\0' || v < first ||
		    v > (e->c.addr.af == AF_INET ? 255 : 65535)) {
			err_at(p, &l->pos, "the range end is the last part of "
			    "the address, e.g. 10.0.0.1-10", "bad address "
			    "range '%s'", l->kw);
			return -1;
		}
		e->c.range_end = v;
	}
	return parse_port(p, l->argv[0], &l->argpos[0], 0, &e->c.port);
}

static int
conv_vsg(struct conf_pctx *p, const struct conf_node *n,
    const struct conf_kw *kw, void *obj)
{
	struct had_conf		*conf = obj;
	struct conf_vsg		*g, *o;
	struct conf_vsg_entry	*e;
	const struct conf_node	*l;

	if (check_name(p, n, kw->name) == -1)
		return -1;
	TAILQ_FOREACH(o, &conf->vsgs, entry) {
		if (strcmp(o->c.name, n->argv[0]) == 0) {
			err_at(p, &n->argpos[0], NULL, "virtual_server_group "
			    "'%s' defined twice", n->argv[0]);
			return -1;
		}
	}
	if ((g = xcalloc(p, sizeof(*g))) == NULL)
		return -1;
	TAILQ_INIT(&g->entries);
	strlcpy(g->c.name, n->argv[0], sizeof(g->c.name));
	TAILQ_INSERT_TAIL(&conf->vsgs, g, entry);
	TAILQ_FOREACH(l, &n->children, entry) {
		if ((e = xcalloc(p, sizeof(*e))) == NULL)
			return -1;
		if (conv_vsg_line(p, l, e) == -1) {
			free(e);
			continue;
		}
		TAILQ_INSERT_TAIL(&g->entries, e, entry);
	}
	return 0;
}

static void
print_vsgs(struct conf_pr *pr, const struct conf_kw *kw, const void *obj,
    const void *def)
{
	const struct had_conf		*conf = obj;
	const struct conf_vsg		*g;
	const struct conf_vsg_entry	*e;

	TAILQ_FOREACH(g, &conf->vsgs, entry) {
		conf_pr_open(pr, kw->name);
		conf_pr_arg(pr, g->c.name);
		conf_pr_begin(pr);
		TAILQ_FOREACH(e, &g->entries, entry) {
			conf_pr_indent(pr);
			switch (e->c.type) {
			case VSG_ENTRY_FWMARK:
				fprintf(pr->fp, "fwmark %u\n", e->c.fwmark);
				continue;
			case VSG_ENTRY_RANGE:
				conf_pr_addr(pr, &e->c.addr);
				fprintf(pr->fp, e->c.addr.af == AF_INET ?
				    "-%u" : "-%x", e->c.range_end);
				break;
			default:
				conf_pr_addr(pr, &e->c.addr);
				break;
			}
			fprintf(pr->fp, " %u\n", e->c.port);
		}
		conf_pr_end(pr);
	}
}

/*
 * Scheduler flags only the schedulers that read them act on (Linux 6.1:
 * sh and mh read flag-1, fallback, and flag-2, port; none reads
 * flag-3), and one-packet scheduling only for UDP: said, not ignored.
 */
static void
vs_sched_flags_check(struct conf_pctx *p, const struct conf_node *n,
    const struct vs_conf *vs)
{
	const char	*algo = conf_enum_name(conf_sched_names, vs->lb_algo);
	int		 shmh;

	shmh = vs->lb_algo == LVS_SCHED_SH || vs->lb_algo == LVS_SCHED_MH;
	if (vs->sched_flag1 && !shmh)
		warn_at(p, &n->pos, "lb_algo sh or mh", "flag-1 (sh-fallback, "
		    "mh-fallback) has no effect with lb_algo %s", algo);
	if (vs->sched_flag2 && !shmh)
		warn_at(p, &n->pos, "lb_algo sh or mh", "flag-2 (sh-port, "
		    "mh-port) has no effect with lb_algo %s", algo);
	if (vs->sched_flag3)
		warn_at(p, &n->pos, NULL, "flag-3 has no effect: no IPVS "
		    "scheduler of Linux reads it");
	if (vs->ops && vs->protocol != LVS_PROTO_UDP)
		warn_at(p, &n->pos, "protocol UDP", "ops (one-packet "
		    "scheduling) has no effect on a protocol other than UDP");
}

static int
conv_vs(struct conf_pctx *p, const struct conf_node *n,
    const struct conf_kw *kw, void *obj)
{
	struct had_conf	*conf = obj;
	struct conf_vs	*vs;
	long long	 v;

	if ((vs = xcalloc(p, sizeof(*vs))) == NULL)
		return -1;
	TAILQ_INIT(&vs->rss);
	vs->quorum_cmds = 1;
	conf_vs_defaults(&vs->c);
	if (n->argc != 2) {
		err_at(p, &n->pos, "IP PORT, fwmark N or group NAME",
		    "virtual_server needs two arguments");
		goto bad;
	}
	if (strcmp(n->argv[0], "fwmark") == 0) {
		if (parse_ll(p, n->argv[1], &n->argpos[1], "fwmark", 1,
		    UINT32_MAX, &v) == -1)
			goto bad;
		vs->c.type = VS_TYPE_FWMARK;
		vs->c.fwmark = v;
	} else if (strcmp(n->argv[0], "group") == 0) {
		if (copy_str(p, n->argv[1], &n->argpos[1], "group",
		    vs->c.group, sizeof(vs->c.group)) == -1)
			goto bad;
		vs->c.type = VS_TYPE_GROUP;
		add_ref(p, REF_VSG, vs->c.group, &n->argpos[1]);
	} else {
		if (parse_addr(p, n->argv[0], &n->argpos[0], kw->name, 0, 0,
		    &vs->c.addr) == -1 || parse_port(p, n->argv[1],
		    &n->argpos[1], 0, &vs->c.port) == -1)
			goto bad;
		vs->c.type = VS_TYPE_ADDR;
	}
	p->cur_vs = &vs->c;
	walk(p, &n->children, conf_kw_vs, &vs->c, kw->name);
	p->cur_vs = NULL;
	vs_sched_flags_check(p, n, &vs->c);
	TAILQ_INSERT_TAIL(&conf->vss, vs, entry);
	return 0;
 bad:
	free(vs);
	return -1;
}

static void
print_vss(struct conf_pr *pr, const struct conf_kw *kw, const void *obj,
    const void *def)
{
	const struct had_conf	*conf = obj;
	const struct conf_vs	*vs;
	struct vs_conf		 d;

	TAILQ_FOREACH(vs, &conf->vss, entry) {
		conf_vs_defaults(&d);
		conf_pr_open(pr, kw->name);
		switch (vs->c.type) {
		case VS_TYPE_FWMARK:
			fprintf(pr->fp, " fwmark %u", vs->c.fwmark);
			break;
		case VS_TYPE_GROUP:
			fputs(" group", pr->fp);
			conf_pr_arg(pr, vs->c.group);
			break;
		default:
			fputc(' ', pr->fp);
			conf_pr_addr(pr, &vs->c.addr);
			fprintf(pr->fp, " %u", vs->c.port);
			break;
		}
		conf_pr_begin(pr);
		conf_print_fields(pr, conf_kw_vs, &vs->c, &d);
		conf_pr_end(pr);
	}
}

/* keepalived's defaults (keepalived.conf(5), BFD CONFIGURATION). */
void
conf_bfd_defaults(struct bfd_instance_conf *b)
{
	memset(b, 0, sizeof(*b));
	b->min_rx_us = 10000;
	b->min_tx_us = 10000;
	b->idle_tx_us = 1000000;
	b->multiplier = 5;
	b->ttl = 255;
	/* keepalived sends 64; RFC 5881 5 and its peers want 255. */
	b->hoplimit = 255;
	b->vrrp = 1;
}

/* weight N [reverse] of a bfd_instance: the default of its track_bfd. */
static int
conv_bfd_weight(struct conf_pctx *p, const struct conf_node *n,
    const struct conf_kw *kw, void *obj)
{
	struct bfd_instance_conf	*b = obj;

	return conv_weight_rev(p, n, kw, 253, &b->weight, &b->weight_reverse);
}

static void
print_bfd_weight(struct conf_pr *pr, const struct conf_kw *kw,
    const void *obj, const void *def)
{
	const struct bfd_instance_conf	*b = obj;

	if (b->weight == 0 && !b->weight_reverse)
		return;
	conf_pr_indent(pr);
	fprintf(pr->fp, "weight %d%s\n", b->weight,
	    b->weight_reverse ? " reverse" : "");
}

#define S struct bfd_instance_conf
const struct conf_kw conf_kw_bfd[] = {
	ADDR("neighbor_ip", neighbor, 0),
	{ KW_BASE("neighbour_ip", KT_ADDR, 1, 1), FLD(neighbor),
	    .flags = KF_ALIAS },
	ADDR("source_ip", source, 0),
	DEC("min_rx", min_rx_us, 1000, 1000, 60000000),
	DEC("min_tx", min_tx_us, 1000, 1000, 60000000),
	DEC("idle_tx", idle_tx_us, 1000, 1000, 60000000),
	UINT("multiplier", multiplier, 1, 255),
	FLAG("passive", passive, 1),
	UINT("ttl", ttl, 1, 255),
	UINT("hoplimit", hoplimit, 1, 255),
	UINT("max_hops", max_hops, 0, 255),
	CUSTOM("weight", 1, 2, 0, conv_bfd_weight, print_bfd_weight),
	FLAGN("vrrp", vrrp, 1, "bfdd tells vrrpd and checkd of every "
	    "session"),
	FLAGN("checker", checker, 1, "bfdd tells vrrpd and checkd of every "
	    "session"),
	KW_END
};
#undef S

static int
conv_bfd(struct conf_pctx *p, const struct conf_node *n,
    const struct conf_kw *kw, void *obj)
{
	struct had_conf		*conf = obj;
	struct conf_bfd		*b, *o;

	if (check_name(p, n, kw->name) == -1)
		return -1;
	TAILQ_FOREACH(o, &conf->bfds, entry) {
		if (strcmp(o->c.name, n->argv[0]) == 0) {
			err_at(p, &n->argpos[0], NULL, "bfd_instance '%s' "
			    "defined twice", n->argv[0]);
			return -1;
		}
	}
	if ((b = xcalloc(p, sizeof(*b))) == NULL)
		return -1;
	conf_bfd_defaults(&b->c);
	strlcpy(b->c.name, n->argv[0], sizeof(b->c.name));
	walk(p, &n->children, conf_kw_bfd, &b->c, kw->name);
	if (b->c.neighbor.af == 0) {
		err_at(p, &n->pos, "add neighbor_ip ADDRESS",
		    "bfd_instance '%s' has no neighbor_ip", b->c.name);
		free(b);
		return -1;
	}
	if (b->c.source.af != 0 && b->c.source.af != b->c.neighbor.af) {
		err_at(p, &n->pos, NULL, "bfd_instance '%s': source_ip and "
		    "neighbor_ip are of different families", b->c.name);
		free(b);
		return -1;
	}
	TAILQ_FOREACH(o, &conf->bfds, entry) {
		if (memcmp(&o->c.neighbor, &b->c.neighbor,
		    sizeof(b->c.neighbor)) == 0) {
			err_at(p, &n->pos, NULL, "bfd_instance '%s': "
			    "neighbor_ip already used by '%s'", b->c.name,
			    o->c.name);
			free(b);
			return -1;
		}
	}
	TAILQ_INSERT_TAIL(&conf->bfds, b, entry);
	return 0;
}

static void
print_bfds(struct conf_pr *pr, const struct conf_kw *kw,
    const void *obj, const void *def)
{
	const struct had_conf		*conf = obj;
	const struct conf_bfd		*b;
	struct bfd_instance_conf	 d;

	conf_bfd_defaults(&d);
	TAILQ_FOREACH(b, &conf->bfds, entry) {
		memcpy(d.name, b->c.name, sizeof(d.name));
		conf_pr_open(pr, kw->name);
		conf_pr_arg(pr, b->c.name);
		conf_pr_begin(pr);
		conf_print_fields(pr, conf_kw_bfd, &b->c, &d);
		conf_pr_end(pr);
	}
}

const struct conf_kw conf_kw_top[] = {
	CUSTOM("global_defs", 0, 0, KF_BLOCK, conv_global, print_global),
	CUSTOM("vrrp_script", 1, 1, KF_BLOCK | KF_OBJ, conv_script,
	    print_scripts),
	CUSTOM("vrrp_track_process", 1, 1, KF_BLOCK | KF_OBJ, conv_script,
	    print_scripts),
	CUSTOM("track_process", 1, 1, KF_BLOCK | KF_OBJ | KF_ALIAS,
	    conv_script, NULL),
	CUSTOM("track_file", 1, 1, KF_BLOCK | KF_OBJ, conv_track_file,
	    print_track_files),
	CUSTOM("vrrp_track_file", 1, 1, KF_BLOCK | KF_OBJ | KF_ALIAS,
	    conv_track_file, NULL),
	CUSTOM("vrrp_sync_group", 1, 1, KF_BLOCK | KF_OBJ, conv_sync_group,
	    print_sync_groups),
	CUSTOM("vrrp_instance", 1, 1, KF_BLOCK | KF_OBJ, conv_instance,
	    print_instances),
	CUSTOM("virtual_server_group", 1, 1, KF_BLOCK | KF_OBJ | KF_LIST,
	    conv_vsg, print_vsgs),
	CUSTOM("virtual_server", 1, 2, KF_BLOCK | KF_OBJ, conv_vs,
	    print_vss),
	CUSTOM("bfd_instance", 1, 1, KF_BLOCK | KF_OBJ, conv_bfd,
	    print_bfds),
	CUSTOM("static_ipaddress", 0, 0, KF_BLOCK | KF_LIST, conv_static,
	    print_static),
	CUSTOM("static_routes", 0, 0, KF_BLOCK | KF_LIST, conv_static,
	    print_static),
	CUSTOM("static_rules", 0, 0, KF_BLOCK | KF_LIST, conv_static,
	    print_static),
	UNSUPP("linkbeat_interfaces"),
	UNSUPP("garp_group"),
	UNSUPP("SNMP"),
	KW_END
};

/*
 * References are resolved once every object exists.
 */
static void
resolve_refs(struct conf_pctx *p)
{
	const struct had_conf		*conf = p->conf;
	const struct conf_script	*s;
	const struct conf_instance	*in;
	const struct conf_vsg		*g;
	const struct conf_bfd		*bf;
	const struct conf_ref		*r;
	const char			*names[256], *best;
	char				 hint[128];
	size_t				 i, k;
	int				 found, bestd;

	for (i = 0; i < p->nrefs; i++) {
		r = &p->refs[i];
		found = 0;
		k = 0;
		switch (r->kind) {
		case REF_SCRIPT:
		case REF_PROCESS:
		case REF_FILE:
			TAILQ_FOREACH(s, &conf->scripts, entry) {
				if (!track_is_ref(&s->c, r->kind))
					continue;
				found |= strcmp(s->c.name, r->name) == 0;
				if (k < 255)
					names[k++] = s->c.name;
			}
			break;
		case REF_INSTANCE:
			TAILQ_FOREACH(in, &conf->instances, entry) {
				found |= strcmp(in->c.name, r->name) == 0;
				if (k < 255)
					names[k++] = in->c.name;
			}
			break;
		case REF_VSG:
			TAILQ_FOREACH(g, &conf->vsgs, entry) {
				found |= strcmp(g->c.name, r->name) == 0;
				if (k < 255)
					names[k++] = g->c.name;
			}
			break;
		case REF_BFD:
			TAILQ_FOREACH(bf, &conf->bfds, entry) {
				found |= strcmp(bf->c.name, r->name) == 0;
				if (k < 255)
					names[k++] = bf->c.name;
			}
			break;
		}
		if (found)
			continue;
		names[k] = NULL;
		bestd = 99;
		best = closest(r->name, names, sizeof(names[0]), NULL, &bestd);
		if (best != NULL)
			snprintf(hint, sizeof(hint), "did you mean '%s'?",
			    best);
		err_at(p, &r->pos, best != NULL ? hint : NULL,
		    "no %s named '%s'", r->kind == REF_SCRIPT ? "vrrp_script" :
		    r->kind == REF_PROCESS ? "vrrp_track_process" :
		    r->kind == REF_FILE ? "track_file" :
		    r->kind == REF_INSTANCE ? "vrrp_instance" :
		    r->kind == REF_BFD ? "bfd_instance" :
		    "virtual_server_group", r->name);
	}
}

/*
 * Entry points.
 */

struct had_conf *
conf_new(void)
{
	struct had_conf	*conf;

	if ((conf = calloc(1, sizeof(*conf))) == NULL)
		return NULL;
	conf_global_defaults(&conf->global);
	TAILQ_INIT(&conf->scripts);
	TAILQ_INIT(&conf->instances);
	TAILQ_INIT(&conf->sync_groups);
	TAILQ_INIT(&conf->vsgs);
	TAILQ_INIT(&conf->vss);
	TAILQ_INIT(&conf->static_addrs);
	TAILQ_INIT(&conf->static_routes);
	TAILQ_INIT(&conf->static_rules);
	TAILQ_INIT(&conf->bfds);
	return conf;
}

#define FREE_LIST(head, type) do {					\
	type	*n_, *t_;						\
	TAILQ_FOREACH_SAFE(n_, (head), entry, t_) {			\
		TAILQ_REMOVE((head), n_, entry);			\
		free(n_);						\
	}								\
} while (0)

void
conf_free(struct had_conf *conf)
{
	struct conf_instance	*in, *tin;
	struct conf_sync_group	*sg, *tsg;
	struct conf_vsg		*g, *tg;
	struct conf_vs		*vs, *tvs;
	struct conf_rs		*rs, *trs;
	struct conf_check	*ck, *tck;

	if (conf == NULL)
		return;
	FREE_LIST(&conf->scripts, struct conf_script);
	FREE_LIST(&conf->static_addrs, struct conf_vip);
	FREE_LIST(&conf->static_routes, struct conf_route);
	FREE_LIST(&conf->static_rules, struct conf_rule);
	FREE_LIST(&conf->bfds, struct conf_bfd);
	TAILQ_FOREACH_SAFE(in, &conf->instances, entry, tin) {
		FREE_LIST(&in->vips, struct conf_vip);
		FREE_LIST(&in->peers, struct conf_peer);
		FREE_LIST(&in->track_scripts, struct conf_track_script);
		FREE_LIST(&in->track_ifs, struct conf_track_if);
		FREE_LIST(&in->routes, struct conf_route);
		FREE_LIST(&in->rules, struct conf_rule);
		FREE_LIST(&in->track_bfds, struct conf_track_script);
		free(in);
	}
	TAILQ_FOREACH_SAFE(sg, &conf->sync_groups, entry, tsg) {
		FREE_LIST(&sg->members, struct conf_sync_member);
		FREE_LIST(&sg->track_scripts, struct conf_track_script);
		FREE_LIST(&sg->track_bfds, struct conf_track_script);
		free(sg);
	}
	TAILQ_FOREACH_SAFE(g, &conf->vsgs, entry, tg) {
		FREE_LIST(&g->entries, struct conf_vsg_entry);
		free(g);
	}
	TAILQ_FOREACH_SAFE(vs, &conf->vss, entry, tvs) {
		TAILQ_FOREACH_SAFE(rs, &vs->rss, entry, trs) {
			TAILQ_FOREACH_SAFE(ck, &rs->checks, entry, tck) {
				FREE_LIST(&ck->urls, struct conf_url);
				free(ck);
			}
			free(rs);
		}
		free(vs);
	}
	free(conf);
}

/* The lexer for one load: @ID, and aliases noted for --compat. */
static void
lexer_init(struct conf_lexer *lx, const struct conf_opts *opts,
    struct conf_diags *diags, char *host, size_t hostlen)
{
	struct utsname	 u;
	char		*dot;

	memset(lx, 0, sizeof(*lx));
	lx->diags = diags;
	if (opts != NULL && opts->config_id != NULL) {
		lx->config_id = opts->config_id;
		return;
	}
	/* keepalived's default config id: the host name to the first dot. */
	if (uname(&u) == -1)
		return;
	strlcpy(host, u.nodename, hostlen);
	if ((dot = strchr(host, '.')) != NULL)
		*dot = '\0';
	lx->config_id = host;
}

static struct had_conf *
conf_build(struct conf_lexer *lx, const struct conf_opts *opts,
    struct conf_diags *diags, int nerr0)
{
	struct conf_pctx	 p;
	struct conf_nodes	 top;
	struct had_conf		*conf;
	const struct conf_node	*n;
	struct conf_sync_group	*sg, *sg2;
	struct conf_sync_member	*m, *m2;

	memset(&p, 0, sizeof(p));
	p.diags = diags;
	p.lx = lx;
	p.compat = opts != NULL && opts->compat;
	TAILQ_INIT(&top);
	if ((conf = conf_new()) == NULL) {
		conf_lex_free(lx);
		return NULL;
	}
	p.conf = conf;
	/* The EOF token that parse_block stops at. */
	if (lx->ntoks == lx->cap || lx->toks == NULL) {
		struct conf_tok	*nt;

		nt = reallocarray(lx->toks, lx->cap + 1, sizeof(*nt));
		if (nt == NULL)
			p.nomem = 1;
		else {
			lx->toks = nt;
			lx->cap++;
		}
	}
	if (!p.nomem) {
		memset(&lx->toks[lx->ntoks], 0, sizeof(lx->toks[0]));
		lx->toks[lx->ntoks].type = TOK_EOF;
		if (lx->ntoks > 0)
			lx->toks[lx->ntoks].pos = lx->toks[lx->ntoks - 1].pos;
		lx->ntoks++;
		parse_block(&p, &top, 0, NULL);
		walk(&p, &top, conf_kw_top, conf, "the top level");
		resolve_refs(&p);
	}

	/* An instance belongs to one sync group at most. */
	TAILQ_FOREACH(sg, &conf->sync_groups, entry) {
		TAILQ_FOREACH(m, &sg->members, entry) {
			TAILQ_FOREACH(sg2, &conf->sync_groups, entry) {
				TAILQ_FOREACH(m2, &sg2->members, entry) {
					if (m2 == m)
						goto next;
					if (strcmp(m->c.instance,
					    m2->c.instance) == 0) {
						TAILQ_FOREACH(n, &top, entry)
							if (strcmp(n->kw,
							    "vrrp_sync_group")
							    == 0 && n->argc &&
							    strcmp(n->argv[0],
							    sg->c.name) == 0)
								break;
						if (n != NULL)
							err_at(&p, &n->pos,
							    NULL, "vrrp_"
							    "instance '%s' is "
							    "in two sync "
							    "groups",
							    m->c.instance);
						goto next;
					}
				}
			}
 next:
			;
		}
	}

	nodes_free(&top);
	free(p.refs);
	conf_lex_free(lx);
	if (p.nomem)
		conf_diag_add(diags, CONF_ERR, "", 0, 0, NULL,
		    "out of memory");
	if (p.nomem || conf_diags_count(diags, CONF_ERR) > nerr0) {
		conf_free(conf);
		return NULL;
	}
	return conf;
}

struct had_conf *
conf_load(const char *path, const struct conf_opts *opts,
    struct conf_diags *diags)
{
	struct conf_lexer	 lx;
	struct conf_diags	 local;
	struct had_conf		*conf;
	char			 host[HOST_NAME_MAX + 1];
	int			 nerr0;

	if (diags == NULL) {
		conf_diags_init(&local);
		diags = &local;
	}
	lexer_init(&lx, opts, diags, host, sizeof(host));
	nerr0 = conf_diags_count(diags, CONF_ERR);
	conf_lex_file(&lx, path, NULL, NULL);
	conf = conf_build(&lx, opts, diags, nerr0);
	if (diags == &local)
		conf_diags_free(&local);
	return conf;
}

struct had_conf *
conf_load_string(const char *text, const char *name,
    const struct conf_opts *opts, struct conf_diags *diags)
{
	struct conf_lexer	 lx;
	struct conf_diags	 local;
	struct had_conf		*conf;
	char			 host[HOST_NAME_MAX + 1];
	int			 nerr0;

	if (diags == NULL) {
		conf_diags_init(&local);
		diags = &local;
	}
	lexer_init(&lx, opts, diags, host, sizeof(host));
	nerr0 = conf_diags_count(diags, CONF_ERR);
	conf_lex_string(&lx, text, name);
	conf = conf_build(&lx, opts, diags, nerr0);
	if (diags == &local)
		conf_diags_free(&local);
	return conf;
}
