/*
 * Lexer for keepalived's configuration language: words, quoted strings,
 * braces and ends of lines, with "!" and "#" comments and "include"
 * expanded in place.  Every token carries file:line:column.
 */
#include <sys/stat.h>

#include <errno.h>
#include <glob.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
		    g->level == CONF_ERR ? "error" : "warning", g->msg);
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
 * Tokenise one buffer.  dir is where relative includes are looked up
 * (NULL: the current directory).
 */
static int
lex_buf(struct conf_lexer *lx, const char *buf, size_t len,
    const char *file, const char *dir)
{
	size_t		 i = 0, start, first, k, w;
	int		 line = 1, col, rv = 0, qcol, wide = 0, warned = 0;
	char		*s, *o;
	struct conf_pos	 ipos;

	while (i < len) {
		first = lx->ntoks;
		col = 1;
		/* One line. */
		while (i < len && buf[i] != '\n') {
			unsigned char	c = buf[i];

			if ((w = ws_len(buf, i, len, &wide)) > 0) {
				if (wide && !warned) {
					conf_diag_add(lx->diags, CONF_WARN,
					    file, line, col, NULL, "non-ASCII "
					    "space taken as a space; "
					    "keepalived "
					    "would not accept it");
					warned = 1;
				}
				i += w;
				col++;
				continue;
			}
			if (c == '!' || c == '#') {
				while (i < len && buf[i] != '\n')
					i++;
				break;
			}
			if (c == '{' || c == '}') {
				if (push(lx, c == '{' ? TOK_LBRACE : TOK_RBRACE,
				    0, NULL, file, line, col) == -1)
					return -1;
				i++;
				col++;
				continue;
			}
			if (c == '"') {
				qcol = col;
				start = ++i;
				col++;
				if ((s = malloc(len - start + 1)) == NULL)
					return -1;
				o = s;
				while (i < len && buf[i] != '\n' &&
				    buf[i] != '"') {
					if (buf[i] == '\\' && i + 1 < len &&
					    (buf[i + 1] == '"' ||
					    buf[i + 1] == '\\')) {
						i++;
						col++;
					}
					if (!utf8_cont(buf[i]))
						col++;
					*o++ = buf[i++];
				}
				*o = '\0';
				if (i >= len || buf[i] != '"') {
					free(s);
					conf_diag_add(lx->diags, CONF_ERR, file,
					    line, qcol, "close it with '\"' on "
					    "the same line",
					    "unterminated quoted string");
					rv = -1;
					break;
				}
				i++;
				col++;
				if (push(lx, TOK_WORD, 1, s, file, line,
				    qcol) == -1)
					return -1;
				continue;
			}
			start = i;
			qcol = col;
			while (i < len && buf[i] != '\n' &&
			    ws_len(buf, i, len, &wide) == 0 &&
			    buf[i] != '{' && buf[i] != '}') {
				if (!utf8_cont(buf[i]))
					col++;
				i++;
			}
			if ((s = strndup(buf + start, i - start)) == NULL)
				return -1;
			if (push(lx, TOK_WORD, 0, s, file, line, qcol) == -1)
				return -1;
		}
		/* Skip the rest of a line cut short by an error. */
		while (i < len && buf[i] != '\n')
			i++;

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
				if (lex_include(lx, s, &ipos, dir) == -1)
					rv = -1;
				free(s);
			}
		}
		if (push(lx, TOK_EOL, 0, NULL, file, line, col) == -1)
			return -1;
		if (i < len)
			i++;	/* the newline */
		line++;
	}
	return rv;
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
	memset(lx, 0, sizeof(*lx));
}
