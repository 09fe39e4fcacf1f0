/*
 * Print a configuration back in normalised form: one statement per line,
 * tab indentation, "keyword args {" with the brace on the same line,
 * arguments quoted only when needed, and only values that differ from
 * their defaults.  The output parses back to the same typed config, so
 * printing it again gives the same text.
 */
#include <sys/socket.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CONF_PRIVATE
#include "conf.h"

void
conf_pr_indent(struct conf_pr *pr)
{
	int	i;

	for (i = 0; i < pr->depth; i++)
		fputc('\t', pr->fp);
}

/* A leading space, then the word. */
void
conf_pr_arg(struct conf_pr *pr, const char *s)
{
	fputc(' ', pr->fp);
	conf_pr_word(pr, s);
}

static void
pr_quoted(struct conf_pr *pr, const char *s)
{
	const char	*c;

	fputc('"', pr->fp);
	for (c = s; *c != '\0'; c++) {
		if (*c == '"' || *c == '\\')
			fputc('\\', pr->fp);
		fputc(*c, pr->fp);
	}
	fputc('"', pr->fp);
}

/* The word, quoted if the lexer would otherwise split or drop it. */
void
conf_pr_word(struct conf_pr *pr, const char *s)
{
	const char	*c;
	int		 q = s[0] == '\0' || s[0] == '!' || s[0] == '#' ||
			    s[0] == '"' || s[0] == '@' || s[0] == '~' ||
			    s[0] == '$';

	for (c = s; *c != '\0' && !q; c++)
		if (*c == ' ' || *c == '\t' || *c == '{' || *c == '}' ||
		    *c == '\r' || *c == '\f' || *c == '\v' || *c == '\\' ||
		    *c == '$')	/* a$b unquoted would be a parameter use */
			q = 1;
	if (!q) {
		fputs(s, pr->fp);
		return;
	}
	pr_quoted(pr, s);
}

/* "$NAME" before white space: the parser would substitute it. */
static int
has_param_use(const char *s)
{
	const char	*c, *e;

	for (c = s; (c = strchr(c, '$')) != NULL; c++) {
		if (!(c[1] == '_' || (c[1] >= 'a' && c[1] <= 'z') ||
		    (c[1] >= 'A' && c[1] <= 'Z')))
			continue;
		for (e = c + 1; *e == '_' || (*e >= 'a' && *e <= 'z') ||
		    (*e >= 'A' && *e <= 'Z') || (*e >= '0' && *e <= '9'); e++)
			;
		if (*e == ' ' || *e == '\t')
			return 1;
	}
	return 0;
}

/*
 * Arguments joined by spaces (command lines).  A "$NAME " inside came
 * from the end of a quoted argument: print word by word so that it is
 * at the end of one again.
 */
void
conf_pr_join(struct conf_pr *pr, const char *s)
{
	const char	*sp;
	char		 w[CONF_CMDLEN];

	if (!has_param_use(s)) {
		conf_pr_arg(pr, s);
		return;
	}
	for (;;) {
		sp = strchr(s, ' ');
		strlcpy(w, s, sp == NULL || (size_t)(sp - s) >= sizeof(w) ?
		    sizeof(w) : (size_t)(sp - s) + 1);
		fputc(' ', pr->fp);
		if (strchr(w, '$') != NULL)
			pr_quoted(pr, w);
		else
			conf_pr_word(pr, w);
		if (sp == NULL)
			break;
		s = sp + 1;
	}
}

void
conf_pr_dec(struct conf_pr *pr, long long v, long long scale)
{
	long long	frac = v % scale, div = scale;
	int		width = 0;

	fprintf(pr->fp, "%lld", v / scale);
	if (frac == 0)
		return;
	for (div = scale; div > 1; div /= 10)
		width++;
	while (frac % 10 == 0) {
		frac /= 10;
		width--;
	}
	fprintf(pr->fp, ".%0*lld", width, frac);
}

void
conf_pr_addr(struct conf_pr *pr, const struct conf_addr *a)
{
	char	buf[64];

	fputs(conf_addr_str(a, buf, sizeof(buf)), pr->fp);
}

void
conf_pr_open(struct conf_pr *pr, const char *kw)
{
	conf_pr_indent(pr);
	fputs(kw, pr->fp);
}

void
conf_pr_begin(struct conf_pr *pr)
{
	fputs(" {\n", pr->fp);
	pr->depth++;
}

void
conf_pr_end(struct conf_pr *pr)
{
	pr->depth--;
	conf_pr_indent(pr);
	fputs("}\n", pr->fp);
}

long long
conf_get_int(const void *p, size_t size, int sign)
{
	int8_t		i8;
	int16_t		i16;
	int32_t		i32;
	int64_t		i64;

	switch (size) {
	case 1:
		memcpy(&i8, p, 1);
		return sign ? i8 : (uint8_t)i8;
	case 2:
		memcpy(&i16, p, 2);
		return sign ? i16 : (uint16_t)i16;
	case 4:
		memcpy(&i32, p, 4);
		if (sign)
			return i32;
		return (uint32_t)i32;
	default:
		memcpy(&i64, p, sizeof(i64));
		return i64;
	}
}

static void
print_sub(struct conf_pr *pr, const struct conf_kw *kw, const void *obj,
    const void *def)
{
	struct conf_pr	 sub;
	char		*buf = NULL;
	size_t		 len = 0;

	sub = *pr;
	if ((sub.fp = open_memstream(&buf, &len)) == NULL)
		return;
	sub.depth = pr->depth + 1;
	conf_print_fields(&sub, kw->child, obj, def);
	fclose(sub.fp);
	if (len > 0) {
		conf_pr_open(pr, kw->name);
		conf_pr_begin(pr);
		fputs(buf, pr->fp);
		conf_pr_end(pr);
	}
	free(buf);
}

/* Every keyword of tab whose field in obj differs from def. */
void
conf_print_fields(struct conf_pr *pr, const struct conf_kw *tab,
    const void *obj, const void *def)
{
	const struct conf_kw	*kw;
	const char		*f, *d;
	long long		 v;

	for (kw = tab; kw->name != NULL; kw++) {
		if (kw->flags & (KF_ALIAS | KF_UNSUPP))
			continue;
		if (kw->type == KT_CUSTOM) {
			if (kw->print != NULL)
				kw->print(pr, kw, obj, def);
			continue;
		}
		if (kw->type == KT_SUB) {
			print_sub(pr, kw, obj, def);
			continue;
		}
		if (kw->type == KT_IGNORE)
			continue;
		f = (const char *)obj + kw->off;
		d = (const char *)def + kw->off;
		if (memcmp(f, d, kw->size) == 0)
			continue;
		v = 0;
		if (kw->type == KT_UINT || kw->type == KT_INT ||
		    kw->type == KT_DEC || kw->type == KT_FLAG ||
		    kw->type == KT_ENUM)
			v = conf_get_int(f, kw->size, kw->type == KT_INT ||
			    kw->type == KT_FLAG);
		if (kw->type == KT_FLAG && v != kw->scale)
			continue;
		conf_pr_open(pr, kw->name);
		switch (kw->type) {
		case KT_UINT:
		case KT_INT:
			fprintf(pr->fp, " %lld", v);
			break;
		case KT_DEC:
			fputc(' ', pr->fp);
			conf_pr_dec(pr, v, kw->scale);
			break;
		case KT_STR:
			conf_pr_arg(pr, f);
			break;
		case KT_JOIN:
			conf_pr_join(pr, f);
			break;
		case KT_ADDR:
			fputc(' ', pr->fp);
			conf_pr_addr(pr, (const struct conf_addr *)f);
			break;
		case KT_ENUM:
			fputc(' ', pr->fp);
			fputs(conf_enum_name(kw->names, v), pr->fp);
			break;
		}
		fputc('\n', pr->fp);
	}
}

int
conf_print(FILE *fp, const struct had_conf *conf)
{
	struct conf_pr	pr;

	memset(&pr, 0, sizeof(pr));
	pr.fp = fp;
	pr.conf = conf;
	conf_print_fields(&pr, conf_kw_top, conf, NULL);
	return ferror(fp) ? -1 : 0;
}

char *
conf_print_string(const struct had_conf *conf)
{
	FILE	*fp;
	char	*buf = NULL;
	size_t	 len = 0;

	if ((fp = open_memstream(&buf, &len)) == NULL)
		return NULL;
	if (conf_print(fp, conf) == -1) {
		fclose(fp);
		free(buf);
		return NULL;
	}
	fclose(fp);
	return buf;
}
