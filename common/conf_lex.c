/*
 * Lexer for keepalived's configuration language: words, quoted strings,
 * braces and ends of lines, with "!" and "#" comments and "include"
 * expanded in place.  Every token carries file:line:column.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <glob.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CONF_PRIVATE
#include "conf.h"

#define CONF_MAXFILE	(16 * 1024 * 1024)

void
conf_diags_init(struct conf_diags *d)
{
	TAILQ_INIT(d);
}

void
conf_diags_free(struct conf_diags *d)
{
	struct conf_diag	*g, *t;

	TAILQ_FOREACH_SAFE(g, d, entry, t) {
		TAILQ_REMOVE(d, g, entry);
		free(g);
	}
}

int
conf_diags_count(const struct conf_diags *d, int level)
{
	const struct conf_diag	*g;
	int			 n = 0;

	TAILQ_FOREACH(g, d, entry)
		if (g->level == level)
			n++;
	return n;
}

void
conf_diags_print(FILE *fp, const struct conf_diags *d)
{
	const struct conf_diag	*g;

	TAILQ_FOREACH(g, d, entry) {
		fprintf(fp, "%s:%d:%d: %s: %s", g->file, g->line, g->col,
		    g->level == CONF_ERR ? "error" : g->level == CONF_NOTE ?
		    "note" : "warning", g->msg);
		if (g->hint[0] != '\0')
			fprintf(fp, " (%s)", g->hint);
		fputc('\n', fp);
	}
}

static void
diag_vadd(struct conf_diags *d, int level, const char *file, int line,
    int col, const char *hint, const char *fmt, va_list ap)
{
	struct conf_diag	*g;

	if (d == NULL)
		return;
	if ((g = calloc(1, sizeof(*g))) == NULL)
		return;
	g->level = level;
	strlcpy(g->file, file != NULL ? file : "", sizeof(g->file));
	g->line = line;
	g->col = col;
	vsnprintf(g->msg, sizeof(g->msg), fmt, ap);
	if (hint != NULL)
		strlcpy(g->hint, hint, sizeof(g->hint));
	TAILQ_INSERT_TAIL(d, g, entry);
}

void
conf_diag_add(struct conf_diags *d, int level, const char *file, int line,
    int col, const char *hint, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	diag_vadd(d, level, file, line, col, hint, fmt, ap);
	va_end(ap);
}

/* Say what the last diagnostic means for a keepalived user. */
void
conf_diag_kind(struct conf_diags *d, int kind)
{
	struct conf_diag	*g;

	if (d != NULL && (g = TAILQ_LAST(d, conf_diags)) != NULL)
		g->kind = kind;
}

void
conf_diag_at(struct conf_diags *d, int level, const struct conf_pos *pos,
    const char *hint, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	diag_vadd(d, level, pos->file, pos->line, pos->col, hint, fmt, ap);
	va_end(ap);
}

static const char *
intern(struct conf_lexer *lx, const char *name)
{
	char	**nf, *s;

	if ((s = strdup(name)) == NULL)
		return NULL;
	nf = reallocarray(lx->files, lx->nfiles + 1, sizeof(*nf));
	if (nf == NULL) {
		free(s);
		return NULL;
	}
	lx->files = nf;
	lx->files[lx->nfiles++] = s;
	return s;
}

static int
push(struct conf_lexer *lx, int type, int quoted, char *text,
    const char *file, int line, int col)
{
	struct conf_tok	*nt;
	size_t		 ncap;

	if (lx->ntoks == lx->cap) {
		ncap = lx->cap ? lx->cap * 2 : 256;
		nt = reallocarray(lx->toks, ncap, sizeof(*nt));
		if (nt == NULL) {
			free(text);
			return -1;
		}
		lx->toks = nt;
		lx->cap = ncap;
	}
	nt = &lx->toks[lx->ntoks++];
	nt->type = type;
	nt->quoted = quoted;
	nt->text = text;
	nt->pos.file = file;
	nt->pos.line = line;
	nt->pos.col = col;
	return 0;
}

static int
lex_include(struct conf_lexer *lx, const char *pattern,
    const struct conf_pos *pos, const char *dir)
{
	glob_t	 g;
	char	 path[PATH_MAX];
	size_t	 i;
	int	 r, rv = 0;

	if (pattern[0] != '/' && dir != NULL) {
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
		    pattern) >= sizeof(path)) {
			conf_diag_at(lx->diags, CONF_ERR, pos, NULL,
			    "include path too long");
			return -1;
		}
	} else
		strlcpy(path, pattern, sizeof(path));

	memset(&g, 0, sizeof(g));
	r = glob(path, GLOB_BRACE | GLOB_TILDE, NULL, &g);
	if (r == GLOB_NOMATCH) {
		conf_diag_at(lx->diags, CONF_WARN, pos, NULL,
		    "include '%s' matches no file", pattern);
		globfree(&g);
		return 0;
	}
	if (r != 0) {
		conf_diag_at(lx->diags, CONF_ERR, pos, NULL,
		    "include '%s': glob failed", pattern);
		globfree(&g);
		return -1;
	}
	for (i = 0; i < g.gl_pathc; i++)
		if (conf_lex_file(lx, g.gl_pathv[i], NULL, pos) == -1)
			rv = -1;
	globfree(&g);
	return rv;
}

static int
utf8_cont(unsigned char c)
{
	return (c & 0xc0) == 0x80;
}

/*
 * Bytes of white space at buf[i], 0 if none.  Configs copied from web
 * pages carry no-break and ideographic spaces; they separate words too.
 */
static size_t
ws_len(const char *buf, size_t i, size_t len, int *wide)
{
	const unsigned char	*b = (const unsigned char *)buf + i;

	if (*b == ' ' || *b == '\t' || *b == '\r' || *b == '\f' || *b == '\v')
		return 1;
	if (i + 1 < len && b[0] == 0xc2 && b[1] == 0xa0) {
		*wide = 1;
		return 2;
	}
	if (i + 2 < len && b[0] == 0xe3 && b[1] == 0x80 && b[2] == 0x80) {
		*wide = 1;
		return 3;
	}
	return 0;
}

/*
 * Preprocessing, keepalived's: "@ID" and "@^ID" conditional lines,
 * "$NAME=value" parameters (multi-line with a trailing '\'), "$NAME" and
 * "${NAME}" substitution, ~SEQ, ~SEQx and ~LST line replication.  It
 * works on logical lines that keep, for each byte, the column it came
 * from: text put in by a substitution takes the column of its '$'.
 */
struct lline {
	char	*s;
	int	*col;		/* len + 1 entries: the last is the end */
	size_t	 len, cap;
};

struct lfile {
	const char	*file;		/* interned */
	const char	*dir;		/* relative includes; NULL: cwd */
	char		 pwd[PATH_MAX];	/* ${_PWD} */
	int		 warned;	/* non-ASCII space */
};

#define PP_MAXDEPTH	32
#define PP_MAXSUBST	10000
#define PP_MAXLINES	(1024 * 1024)

static int	pp_line(struct conf_lexer *, struct lfile *,
		    const struct lline *, int, int, int);

static void
ll_free(struct lline *l)
{
	free(l->s);
	free(l->col);
	memset(l, 0, sizeof(*l));
}

/* Append n bytes; their columns from col, or all c if col is NULL. */
static int
ll_put(struct lline *l, const char *s, const int *col, int c, size_t n)
{
	char	*ns;
	int	*nc;
	size_t	 cap, i;

	if (l->len + n + 1 > l->cap) {
		cap = l->cap ? l->cap : 128;
		while (cap < l->len + n + 1)
			cap *= 2;
		if ((ns = realloc(l->s, cap)) == NULL)
			return -1;
		l->s = ns;
		if ((nc = reallocarray(l->col, cap, sizeof(*nc))) == NULL)
			return -1;
		l->col = nc;
		l->cap = cap;
	}
	memcpy(l->s + l->len, s, n);
	for (i = 0; i < n; i++)
		l->col[l->len + i] = col != NULL ? col[i] : c;
	l->len += n;
	l->s[l->len] = '\0';
	l->col[l->len] = n > 0 ? l->col[l->len - 1] + 1 : c;
	return 0;
}

static size_t
ident_len(const char *s, size_t len)
{
	size_t	n = 0;

	if (len == 0 || !(isalpha((unsigned char)s[0]) || s[0] == '_'))
		return 0;
	while (n < len && (isalnum((unsigned char)s[n]) || s[n] == '_'))
		n++;
	return n;
}

static size_t
skip_ws(const char *s, size_t i, size_t len)
{
	size_t	w;
	int	wide;

	while (i < len && (w = ws_len(s, i, len, &wide)) > 0)
		i += w;
	return i;
}

static struct conf_param *
param_find(struct conf_lexer *lx, const char *name, size_t nlen)
{
	size_t	i;

	for (i = 0; i < lx->nparams; i++)
		if (strlen(lx->params[i].name) == nlen &&
		    memcmp(lx->params[i].name, name, nlen) == 0)
			return &lx->params[i];
	return NULL;
}

static int
param_set(struct conf_lexer *lx, const char *name, size_t nlen,
    const char *val, size_t vlen)
{
	struct conf_param	*p, *np;
	char			*v;

	if ((v = strndup(val, vlen)) == NULL)
		return -1;
	if ((p = param_find(lx, name, nlen)) != NULL) {
		free(p->value);
		p->value = v;
		return 0;
	}
	np = reallocarray(lx->params, lx->nparams + 1, sizeof(*np));
	if (np == NULL) {
		free(v);
		return -1;
	}
	lx->params = np;
	p = &lx->params[lx->nparams];
	if ((p->name = strndup(name, nlen)) == NULL) {
		free(v);
		return -1;
	}
	p->value = v;
	lx->nparams++;
	return 0;
}

/* A defined parameter, then keepalived's predefined ones; NULL: none. */
static const char *
param_get(struct conf_lexer *lx, struct lfile *f, const char *name,
    size_t nlen)
{
	struct conf_param	*p;

	if ((p = param_find(lx, name, nlen)) != NULL)
		return p->value;
#define IS(s)	(nlen == sizeof(s) - 1 && memcmp(name, s, nlen) == 0)
	if (IS("_PWD"))
		return f->pwd;
	if (IS("_INSTANCE"))
		return lx->config_id != NULL ? lx->config_id : "";
	if (IS("_HASH"))
		return "#";
	if (IS("_BANG"))
		return "!";
#undef IS
	return NULL;
}

/* Tokenise one logical line that needs no more preprocessing. */
static int
lex_line(struct conf_lexer *lx, struct lfile *f, const struct lline *l,
    int line)
{
	const char	*buf = l->s;
	size_t		 len = l->len, i = 0, start, first = lx->ntoks, k, w;
	int		 rv = 0, qcol, wide = 0;
	char		*s, *o;
	struct conf_pos	 ipos;

	while (i < len) {
		unsigned char	c = buf[i];

		if ((w = ws_len(buf, i, len, &wide)) > 0) {
			if (wide && !f->warned) {
				conf_diag_add(lx->diags, CONF_WARN, f->file,
				    line, l->col[i], NULL, "non-ASCII space "
				    "taken as a space; keepalived would not "
				    "accept it");
				conf_diag_kind(lx->diags, CONF_DK_DIFF);
				f->warned = 1;
			}
			i += w;
			continue;
		}
		if (c == '{' || c == '}') {
			if (push(lx, c == '{' ? TOK_LBRACE : TOK_RBRACE, 0,
			    NULL, f->file, line, l->col[i]) == -1)
				return -1;
			i++;
			continue;
		}
		if (c == '"') {
			qcol = l->col[i];
			start = ++i;
			if ((s = malloc(len - start + 1)) == NULL)
				return -1;
			o = s;
			while (i < len && buf[i] != '"') {
				if (buf[i] == '\\' && i + 1 < len &&
				    (buf[i + 1] == '"' || buf[i + 1] == '\\'))
					i++;
				*o++ = buf[i++];
			}
			*o = '\0';
			if (i >= len) {
				free(s);
				conf_diag_add(lx->diags, CONF_ERR, f->file,
				    line, qcol, "close it with '\"' on the "
				    "same line", "unterminated quoted string");
				rv = -1;
				break;
			}
			i++;
			if (push(lx, TOK_WORD, 1, s, f->file, line, qcol) == -1)
				return -1;
			continue;
		}
		start = i;
		qcol = l->col[i];
		while (i < len && ws_len(buf, i, len, &wide) == 0 &&
		    buf[i] != '{' && buf[i] != '}')
			i++;
		if ((s = strndup(buf + start, i - start)) == NULL)
			return -1;
		if (push(lx, TOK_WORD, 0, s, f->file, line, qcol) == -1)
			return -1;
	}

	if (lx->ntoks > first && lx->toks[first].type == TOK_WORD &&
	    !lx->toks[first].quoted &&
	    strcmp(lx->toks[first].text, "include") == 0) {
		ipos = lx->toks[first].pos;
		if (lx->ntoks - first != 2 ||
		    lx->toks[first + 1].type != TOK_WORD) {
			conf_diag_at(lx->diags, CONF_ERR, &ipos, NULL,
			    "include takes exactly one file pattern");
			rv = -1;
			s = NULL;
		} else
			s = lx->toks[first + 1].text;
		for (k = first; k < lx->ntoks; k++)
			if (lx->toks[k].text != s)
				free(lx->toks[k].text);
		lx->ntoks = first;
		if (s != NULL) {
			if (lex_include(lx, s, &ipos, f->dir) == -1)
				rv = -1;
			free(s);
		}
	}
	if (push(lx, TOK_EOL, 0, NULL, f->file, line, l->col[len]) == -1)
		return -1;
	return rv;
}

static void
pp_err(struct conf_lexer *lx, struct lfile *f, int line, int col,
    const char *hint, const char *fmt, ...)
    __attribute__((__format__(printf, 6, 7)));

static void
pp_err(struct conf_lexer *lx, struct lfile *f, int line, int col,
    const char *hint, const char *fmt, ...)
{
	char	buf[256];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	conf_diag_add(lx->diags, CONF_ERR, f->file, line, col, hint, "%s",
	    buf);
}

/* One more line made by ~SEQ, ~LST or a multi-line parameter. */
static int
pp_count(struct conf_lexer *lx, struct lfile *f, int line, int col)
{
	if (++lx->nlines == PP_MAXLINES + 1)
		pp_err(lx, f, line, col, NULL, "~SEQ, ~LST and parameters "
		    "make more than %d lines", PP_MAXLINES);
	return lx->nlines > PP_MAXLINES ? -1 : 0;
}

/*
 * The arguments of ~SEQ(...) or ~LST(...) at s[i], split at the commas
 * outside braces; an argument that is a "$NAME" or "${NAME}" is
 * replaced.  Returns the index after ')' or 0 on error.
 */
#define PP_MAXARGS	256
struct pp_arg {
	char	*v;
	int	 col;
};

static void
pp_args_free(struct pp_arg *args, int n)
{
	while (n-- > 0)
		free(args[n].v);
}

static size_t
pp_args(struct conf_lexer *lx, struct lfile *f, const struct lline *l,
    size_t i, int line, struct pp_arg *args, int *nargs)
{
	const char	*s = l->s, *v;
	size_t		 a, b, e, n, open;
	int		 depth = 0;

	*nargs = 0;
	for (a = i, open = i - 1; ; i++) {
		if (i >= l->len) {
			pp_err(lx, f, line, l->col[open], "close it with ')' "
			    "on the same line", "unterminated argument list");
			goto fail;
		}
		if (s[i] == '{')
			depth++;
		else if (s[i] == '}')
			depth--;
		if (!((s[i] == ',' && depth == 0) || s[i] == ')'))
			continue;
		if (*nargs == PP_MAXARGS) {
			pp_err(lx, f, line, l->col[a], NULL, "more than %d "
			    "arguments", PP_MAXARGS);
			goto fail;
		}
		b = skip_ws(s, a, i);
		for (e = i; e > b && (s[e - 1] == ' ' || s[e - 1] == '\t');
		    e--)
			;
		v = s + b;
		n = e - b;
		if (n > 1 && s[b] == '$') {
			const char	*nm = s + b + 1;
			size_t		 nl = n - 1;

			if (nl > 2 && nm[0] == '{' && nm[nl - 1] == '}') {
				nm++;
				nl -= 2;
			}
			if (ident_len(nm, nl) == nl &&
			    (v = param_get(lx, f, nm, nl)) != NULL)
				n = strlen(v);
			else {
				pp_err(lx, f, line, l->col[b], NULL,
				    "'%.*s' is not defined", (int)n, s + b);
				goto fail;
			}
		}
		args[*nargs].col = l->col[b];
		if ((args[*nargs].v = strndup(v, n)) == NULL)
			goto fail;
		(*nargs)++;
		a = i + 1;
		if (s[i] == ')')
			return i + 1;
	}
 fail:
	pp_args_free(args, *nargs);
	*nargs = 0;
	return 0;
}

static int
pp_num(struct conf_lexer *lx, struct lfile *f, int line,
    const struct pp_arg *a, long long *v)
{
	char	*ep;

	errno = 0;
	*v = strtoll(a->v, &ep, 0);
	if (a->v[0] == '\0' || *ep != '\0' || errno == ERANGE) {
		pp_err(lx, f, line, a->col, NULL, "~SEQ: '%s' is not an "
		    "integer", a->v);
		return -1;
	}
	return 0;
}

/* The rest of the line from byte i, as a line of its own. */
static int
ll_rest(struct lline *r, const struct lline *l, size_t i)
{
	memset(r, 0, sizeof(*r));
	if (ll_put(r, l->s + i, l->col + i, 0, l->len - i) == -1)
		return -1;
	r->col[r->len] = l->col[l->len];
	return 0;
}

/* ~SEQ(VAR, [START, [STEP,]] END) and ~SEQx: hexadecimal values. */
static int
pp_seq(struct conf_lexer *lx, struct lfile *f, const struct lline *l,
    size_t i, int line, int depth)
{
	struct pp_arg	 args[PP_MAXARGS];
	struct lline	 r;
	long long	 start, step, end, v, n[3];
	size_t		 e;
	int		 nargs = 0, hex, k, rv = 0, col = l->col[i];
	char		 buf[32];

	hex = l->s[i + 4] == 'x';
	if ((e = pp_args(lx, f, l, i + 5 + hex, line, args, &nargs)) == 0)
		return -1;
	if (nargs < 2 || nargs > 4) {
		pp_err(lx, f, line, col, "~SEQ(VAR, [START, [STEP,]] END)",
		    "~SEQ takes 2 to 4 arguments");
		goto fail;
	}
	if (ident_len(args[0].v, strlen(args[0].v)) != strlen(args[0].v)) {
		pp_err(lx, f, line, args[0].col, "letters, digits and '_'",
		    "~SEQ: '%s' is not a parameter name", args[0].v);
		goto fail;
	}
	for (k = 1; k < nargs; k++)
		if (pp_num(lx, f, line, &args[k], &n[k - 1]) == -1)
			goto fail;
	end = n[nargs - 2];
	start = nargs > 2 ? n[0] : end > 0 ? 1 : end < 0 ? -1 : 0;
	step = nargs > 3 ? n[1] : end >= start ? 1 : -1;
	if (step == 0) {
		pp_err(lx, f, line, args[2].col, NULL, "~SEQ: step 0 never "
		    "ends");
		goto fail;
	}
	if (ll_rest(&r, l, e) == -1)
		goto fail;
	for (v = start; step > 0 ? v <= end : v >= end; v += step) {
		if (hex)
			snprintf(buf, sizeof(buf), "%s%llx", v < 0 ? "-" : "",
			    v < 0 ? -(unsigned long long)v :
			    (unsigned long long)v);
		else
			snprintf(buf, sizeof(buf), "%lld", v);
		if (pp_count(lx, f, line, col) == -1 ||
		    param_set(lx, args[0].v, strlen(args[0].v), buf,
		    strlen(buf)) == -1) {
			rv = -1;
			break;
		}
		if (pp_line(lx, f, &r, line, depth + 1, 0) == -1)
			rv = -1;
		if ((step > 0 && v > LLONG_MAX - step) ||
		    (step < 0 && v < LLONG_MIN - step))
			break;
	}
	ll_free(&r);
	pp_args_free(args, nargs);
	return rv;
 fail:
	pp_args_free(args, nargs);
	return -1;
}

/* Split "{a, b}" into its parts, trimmed. */
static int
pp_split(const struct pp_arg *a, char **out, int max)
{
	char	*s = a->v, *t, *p;
	int	 n = 0;
	size_t	 len = strlen(s);

	if (len < 2 || s[0] != '{' || s[len - 1] != '}') {
		out[0] = s;
		return 1;
	}
	s[len - 1] = '\0';
	for (p = s + 1; (t = strsep(&p, ",")) != NULL && n < max; n++) {
		while (*t == ' ' || *t == '\t')
			t++;
		len = strlen(t);
		while (len > 0 && (t[len - 1] == ' ' || t[len - 1] == '\t'))
			t[--len] = '\0';
		out[n] = t;
	}
	return n;
}

/* ~LST(VAR, V1, V2...) and ~LST({A, B}, {A1, B1}, {A2, B2}...). */
static int
pp_lst(struct conf_lexer *lx, struct lfile *f, const struct lline *l,
    size_t i, int line, int depth)
{
	struct pp_arg	 args[PP_MAXARGS];
	struct lline	 r;
	char		*vars[16], *vals[16];
	size_t		 e;
	int		 nargs = 0, nv, k, j, rv = 0, col = l->col[i];

	if ((e = pp_args(lx, f, l, i + 5, line, args, &nargs)) == 0)
		return -1;
	if (nargs < 2) {
		pp_err(lx, f, line, col, "~LST(VAR, VALUE...)",
		    "~LST needs a parameter and at least one value");
		goto fail;
	}
	nv = pp_split(&args[0], vars, 16);
	for (j = 0; j < nv; j++) {
		if (ident_len(vars[j], strlen(vars[j])) == 0 ||
		    ident_len(vars[j], strlen(vars[j])) != strlen(vars[j])) {
			pp_err(lx, f, line, args[0].col, NULL, "~LST: '%s' is "
			    "not a parameter name", vars[j]);
			goto fail;
		}
	}
	if (ll_rest(&r, l, e) == -1)
		goto fail;
	for (k = 1; k < nargs && rv == 0; k++) {
		if (pp_split(&args[k], vals, 16) != nv) {
			pp_err(lx, f, line, args[k].col, NULL, "~LST: %d "
			    "value%s needed here", nv, nv == 1 ? "" : "s");
			rv = -1;
			break;
		}
		for (j = 0; j < nv; j++)
			if (param_set(lx, vars[j], strlen(vars[j]), vals[j],
			    strlen(vals[j])) == -1)
				rv = -1;
		if (rv == 0 && pp_count(lx, f, line, col) == -1)
			rv = -1;
		if (rv == 0 && pp_line(lx, f, &r, line, depth + 1, 0) == -1)
			rv = -1;
	}
	ll_free(&r);
	pp_args_free(args, nargs);
	return rv;
 fail:
	pp_args_free(args, nargs);
	return -1;
}

/*
 * Replace "$NAME " and "${NAME}" in the line, again in what was put in
 * (keepalived substitutes when a parameter is used, not when it is
 * defined).  A value of several lines makes several lines.
 */
static int
pp_subst(struct conf_lexer *lx, struct lfile *f, const struct lline *l,
    int line, int depth)
{
	struct lline	 cur, nx, piece;
	const char	*v, *nl, *name;
	size_t		 j = 0, n, use, a, vlen;
	int		 rv = 0, nsub = 0, did = 0, col, wide;

	memset(&cur, 0, sizeof(cur));
	if (ll_rest(&cur, l, 0) == -1)
		return -1;
	while (j < cur.len) {
		if (cur.s[j] != '$') {
			j++;
			continue;
		}
		if (j + 1 < cur.len && cur.s[j + 1] == '{') {
			name = cur.s + j + 2;
			n = ident_len(name, cur.len - j - 2);
			if (n == 0 || j + 2 + n >= cur.len || name[n] != '}') {
				j++;
				continue;
			}
			use = n + 3;
		} else {
			name = cur.s + j + 1;
			n = ident_len(name, cur.len - j - 1);
			/* keepalived: "$NAME" only before white space. */
			if (n == 0 || (j + 1 + n < cur.len &&
			    !isspace((unsigned char)name[n]) &&
			    ws_len(cur.s, j + 1 + n, cur.len, &wide) == 0)) {
				j++;
				continue;
			}
			use = n + 1;
		}
		col = cur.col[j];
		if ((v = param_get(lx, f, name, n)) == NULL) {
			pp_err(lx, f, line, col, "define it on an earlier "
			    "line with $NAME=value; keepalived would leave "
			    "it as it is", "parameter '%.*s' is not defined",
			    (int)n, name);
			rv = -1;
			j += use;
			continue;
		}
		if (++nsub > PP_MAXSUBST) {
			pp_err(lx, f, line, col, "does a parameter refer to "
			    "itself?", "parameter substitution does not end");
			rv = -1;
			break;
		}
		did = 1;
		vlen = strlen(v);
		memset(&nx, 0, sizeof(nx));
		if (ll_put(&nx, cur.s, cur.col, 0, j) == -1 ||
		    ll_put(&nx, v, NULL, col, vlen) == -1 ||
		    ll_put(&nx, cur.s + j + use, cur.col + j + use, 0,
		    cur.len - j - use) == -1) {
			ll_free(&nx);
			rv = -1;
			break;
		}
		nx.col[nx.len] = cur.col[cur.len];
		ll_free(&cur);
		cur = nx;
		if (strchr(v, '\n') == NULL)
			continue;	/* rescan from the value */

		/* Several lines: each goes through preprocessing again. */
		for (a = 0; a <= cur.len && rv == 0; a = n + 1) {
			nl = memchr(cur.s + a, '\n', cur.len - a);
			n = nl != NULL ? (size_t)(nl - cur.s) : cur.len;
			memset(&piece, 0, sizeof(piece));
			if (ll_put(&piece, cur.s + a, cur.col + a, 0,
			    n - a) == -1 || pp_count(lx, f, line, col) == -1)
				rv = -1;
			else {
				piece.col[piece.len] = cur.col[n];
				if (pp_line(lx, f, &piece, line, depth + 1,
				    0) == -1)
					rv = -1;
			}
			ll_free(&piece);
		}
		ll_free(&cur);
		return rv;
	}
	if (rv == 0) {
		/* What came in may be "@ID ..." or "$NAME=..." again. */
		rv = pp_line(lx, f, &cur, line, depth + (did ? 1 : 0),
		    1);
	}
	ll_free(&cur);
	return rv;
}

/*
 * One logical line.  subst: parameters have been replaced already, so
 * only a line that a substitution turned into "@ID", "$NAME=" or "~SEQ"
 * needs more.
 */
static int
pp_line(struct conf_lexer *lx, struct lfile *f, const struct lline *l,
    int line, int depth, int subst)
{
	struct lline	 r;
	const char	*s = l->s, *id;
	size_t		 i = 0, j, n, v, e, len = l->len;
	int		 neg, match, rv;

	if (depth > PP_MAXDEPTH) {
		pp_err(lx, f, line, l->col[0], "does a parameter refer to "
		    "itself?", "parameters and ~SEQ nest deeper than %d",
		    PP_MAXDEPTH);
		return -1;
	}
	i = skip_ws(s, i, len);
	if (i < len && s[i] == '@') {
		neg = i + 1 < len && s[i + 1] == '^';
		j = i + 1 + neg;
		for (n = j; n < len && !isspace((unsigned char)s[n]); n++)
			;
		if (n == j) {
			pp_err(lx, f, line, l->col[i], "@ID or @^ID, then the "
			    "line", "'@' needs a config id right after it");
			return -1;
		}
		id = lx->config_id;
		match = id != NULL && strlen(id) == n - j &&
		    memcmp(id, s + j, n - j) == 0;
		if (match == neg)
			return 0;
		/* The rest of the line, as if the "@ID" were not there. */
		if (ll_rest(&r, l, n) == -1)
			return -1;
		rv = pp_line(lx, f, &r, line, depth + 1, subst);
		ll_free(&r);
		return rv;
	}

	/* $NAME=VALUE; "$NAME=" then a new line: the value is the lines. */
	if (i < len && s[i] == '$' &&
	    (n = ident_len(s + i + 1, len - i - 1)) > 0 &&
	    i + 1 + n < len && s[i + 1 + n] == '=') {
		v = skip_ws(s, i + 2 + n, len);
		if (v < len && s[v] == '\n')
			v++;
		else {
			for (e = len; e > v && isspace((unsigned char)s[e - 1]);
			    e--)
				;
			len = e;
		}
		if (param_set(lx, s + i + 1, n, s + v, len - v) == -1)
			return -1;
		return 0;
	}

	if (i < len && s[i] == '~') {
		if (strncmp(s + i, "~SEQ(", 5) == 0 ||
		    strncmp(s + i, "~SEQx(", 6) == 0)
			return pp_seq(lx, f, l, i, line, depth);
		if (strncmp(s + i, "~LST(", 5) == 0)
			return pp_lst(lx, f, l, i, line, depth);
		pp_err(lx, f, line, l->col[i], "~SEQ(VAR, START, STEP, END), "
		    "~SEQx(...) or ~LST(VAR, VALUE...)",
		    "unknown '~' line");
		return -1;
	}
	if (!subst && memchr(s, '$', len) != NULL)
		return pp_subst(lx, f, l, line, depth);
	return lex_line(lx, f, l, line);
}

/*
 * Where a physical line ends once a comment is cut: "!" or "#" starting
 * a word, as the tokeniser sees words.
 */
static size_t
cut_comment(const char *s, size_t len)
{
	size_t	i = 0, w;
	int	wide;

	while (i < len) {
		if ((w = ws_len(s, i, len, &wide)) > 0) {
			i += w;
			continue;
		}
		if (s[i] == '!' || s[i] == '#')
			return i;
		if (s[i] == '{' || s[i] == '}') {
			i++;
			continue;
		}
		if (s[i] == '"') {
			for (i++; i < len && s[i] != '"'; i++)
				if (s[i] == '\\' && i + 1 < len &&
				    (s[i + 1] == '"' || s[i + 1] == '\\'))
					i++;
			if (i < len)
				i++;
			continue;
		}
		while (i < len && ws_len(s, i, len, &wide) == 0 &&
		    s[i] != '{' && s[i] != '}')
			i++;
	}
	return len;
}

/* Append one physical line, comment cut, with its columns. */
static int
ll_phys(struct lline *l, const char *s, size_t len)
{
	size_t	i, keep = cut_comment(s, len), base = l->len;
	int	c = 0;

	if (ll_put(l, s, NULL, 0, keep) == -1)
		return -1;
	for (i = 0; i < len; i++) {
		if (!utf8_cont(s[i]))
			c++;
		if (i < keep)
			l->col[base + i] = c;
		else
			break;
	}
	l->col[l->len] = keep < len ? c : c + 1;
	return 0;
}

/* "$NAME= \" (after any @ID): the value follows on the next lines. */
static int
multi_def(const struct lline *l)
{
	const char	*s = l->s;
	size_t		 i = 0, n, len = l->len;

	for (;;) {
		i = skip_ws(s, i, len);
		if (i >= len || s[i] != '@')
			break;
		while (i < len && !isspace((unsigned char)s[i]))
			i++;
	}
	if (i >= len || s[i] != '$' ||
	    (n = ident_len(s + i + 1, len - i - 1)) == 0 ||
	    i + 1 + n >= len || s[i + 1 + n] != '=')
		return 0;
	i = skip_ws(s, i + 2 + n, len);
	return i < len && s[i] == '\\' && skip_ws(s, i + 1, len) == len;
}

/* Drop a trailing '\' and what follows it; 1 if there was one. */
static int
cut_backslash(struct lline *l, size_t from)
{
	size_t	e = l->len;

	while (e > from && isspace((unsigned char)l->s[e - 1]))
		e--;
	if (e == from || l->s[e - 1] != '\\')
		return 0;
	l->len = e - 1;
	l->s[l->len] = '\0';
	return 1;
}

/*
 * Tokenise one buffer.  dir is where relative includes are looked up
 * (NULL: the current directory).
 */
static int
lex_buf(struct conf_lexer *lx, const char *buf, size_t len,
    const char *file, const char *dir)
{
	struct lfile	 f;
	struct lline	 l;
	const char	*nl;
	size_t		 i = 0, e, mark;
	int		 line = 1, first, rv = 0, more;

	memset(&f, 0, sizeof(f));
	memset(&l, 0, sizeof(l));
	f.file = file;
	f.dir = dir;
	if (lx->depth > 0) {
		strlcpy(f.pwd, lx->stack[lx->depth - 1], sizeof(f.pwd));
		if ((nl = strrchr(f.pwd, '/')) != NULL)
			f.pwd[nl == f.pwd ? 1 : nl - f.pwd] = '\0';
	} else if (getcwd(f.pwd, sizeof(f.pwd)) == NULL)
		strlcpy(f.pwd, ".", sizeof(f.pwd));

	while (i < len) {
		first = line;
		l.len = 0;
		nl = memchr(buf + i, '\n', len - i);
		e = nl != NULL ? (size_t)(nl - buf) : len;
		if (ll_phys(&l, buf + i, e - i) == -1)
			goto nomem;
		i = e + 1;
		line++;
		if (multi_def(&l)) {
			cut_backslash(&l, 0);
			for (more = 1; more && i < len; line++) {
				if (ll_put(&l, "\n", NULL, 0, 1) == -1)
					goto nomem;
				mark = l.len;
				nl = memchr(buf + i, '\n', len - i);
				e = nl != NULL ? (size_t)(nl - buf) : len;
				if (ll_phys(&l, buf + i, e - i) == -1)
					goto nomem;
				i = e + 1;
				more = cut_backslash(&l, mark);
			}
		}
		if (pp_line(lx, &f, &l, first, 0, 0) == -1)
			rv = -1;
	}
	ll_free(&l);
	return rv;
 nomem:
	ll_free(&l);
	return -1;
}

/*
 * Read and tokenise a file.  from is the include statement that named
 * it (NULL for the main file); show is the name used in diagnostics.
 */
int
conf_lex_file(struct conf_lexer *lx, const char *path, const char *show,
    const struct conf_pos *from)
{
	char		 rp[PATH_MAX], dbuf[PATH_MAX], *buf = NULL;
	const char	*file, *dir;
	struct stat	 st;
	FILE		*fp;
	size_t		 n;
	int		 i, rv;

	if (show == NULL)
		show = path;
	if (realpath(path, rp) == NULL) {
		if (from != NULL)
			conf_diag_at(lx->diags, CONF_ERR, from, NULL,
			    "cannot open '%s': %s", path, strerror(errno));
		else
			conf_diag_add(lx->diags, CONF_ERR, show, 0, 0, NULL,
			    "cannot open: %s", strerror(errno));
		return -1;
	}
	for (i = 0; i < lx->depth; i++) {
		if (strcmp(lx->stack[i], rp) == 0) {
			conf_diag_at(lx->diags, CONF_ERR, from,
			    "a file must not include itself, directly or not",
			    "include loop: '%s' is already being read", path);
			return -1;
		}
	}
	if (lx->depth > CONF_INCLUDE_DEPTH) {
		conf_diag_at(lx->diags, CONF_ERR, from, NULL,
		    "includes nested deeper than %d", CONF_INCLUDE_DEPTH);
		return -1;
	}
	if ((fp = fopen(path, "r")) == NULL ||
	    fstat(fileno(fp), &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size > CONF_MAXFILE ||
	    (buf = malloc(st.st_size + 1)) == NULL) {
		if (from != NULL)
			conf_diag_at(lx->diags, CONF_ERR, from, NULL,
			    "cannot read '%s'", path);
		else
			conf_diag_add(lx->diags, CONF_ERR, show, 0, 0, NULL,
			    "cannot read file");
		if (fp != NULL)
			fclose(fp);
		free(buf);
		return -1;
	}
	n = fread(buf, 1, st.st_size, fp);
	fclose(fp);
	buf[n] = '\0';

	if ((file = intern(lx, show)) == NULL ||
	    (lx->stack[lx->depth] = strdup(rp)) == NULL) {
		free(buf);
		return -1;
	}
	lx->depth++;
	strlcpy(dbuf, path, sizeof(dbuf));
	dir = dirname(dbuf);
	rv = lex_buf(lx, buf, n, file, dir);
	lx->depth--;
	free(lx->stack[lx->depth]);
	lx->stack[lx->depth] = NULL;
	free(buf);
	return rv;
}

int
conf_lex_string(struct conf_lexer *lx, const char *text, const char *name)
{
	const char	*file;

	if ((file = intern(lx, name != NULL ? name : "<string>")) == NULL)
		return -1;
	return lex_buf(lx, text, strlen(text), file, NULL);
}

void
conf_lex_free(struct conf_lexer *lx)
{
	size_t	i;

	for (i = 0; i < lx->ntoks; i++)
		free(lx->toks[i].text);
	free(lx->toks);
	for (i = 0; i < lx->nfiles; i++)
		free(lx->files[i]);
	free(lx->files);
	for (i = 0; i < (size_t)lx->depth; i++)
		free(lx->stack[i]);
	for (i = 0; i < lx->nparams; i++) {
		free(lx->params[i].name);
		free(lx->params[i].value);
	}
	free(lx->params);
	memset(lx, 0, sizeof(*lx));
}
