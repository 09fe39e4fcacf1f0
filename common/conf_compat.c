/*
 * had -n --compat: what a keepalived.conf becomes under had.  Every
 * keyword that had ignores, takes as another spelling, or treats
 * differently gets one line with its position, so that an operator
 * knows before switching.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"

enum { CC_IGNORED, CC_ALIAS, CC_DIFF, CC_ERROR, CC_EXT, CC_MAX };
static const char *const cc_names[CC_MAX] = {
	"ignored", "alias", "differs", "error", "extension"
};

struct cc_item {
	const struct conf_diag	*d;
	size_t			 file;	/* order of first appearance */
	size_t			 seq;
};

static int
cc_class(const struct conf_diag *d)
{
	if (d->level == CONF_ERR)
		return CC_ERROR;
	if (d->kind == CONF_DK_UNSUPP)
		return CC_IGNORED;
	if (d->kind == CONF_DK_EXT)
		return CC_EXT;
	if (d->level == CONF_NOTE || d->kind == CONF_DK_ALIAS)
		return CC_ALIAS;
	return CC_DIFF;
}

/* In file order: the parser finds some things later than others. */
static int
cc_cmp(const void *pa, const void *pb)
{
	const struct cc_item	*a = pa, *b = pb;

	if (a->file != b->file)
		return a->file < b->file ? -1 : 1;
	if (a->d->line != b->d->line)
		return a->d->line < b->d->line ? -1 : 1;
	if (a->d->col != b->d->col)
		return a->d->col < b->d->col ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Returns 0 if the file would load, 1 if not. */
int
conf_compat_report(FILE *fp, const char *path, const struct conf_opts *opts)
{
	struct conf_opts	 o;
	struct conf_diags	 diags;
	const struct conf_diag	*d;
	struct cc_item		*it = NULL;
	struct had_conf		*conf;
	size_t			 n = 0, i, k;
	int			 count[CC_MAX] = { 0 }, c, ok;

	memset(&o, 0, sizeof(o));
	if (opts != NULL)
		o = *opts;
	o.compat = 1;
	conf_diags_init(&diags);
	conf = conf_load(path, &o, &diags);
	ok = conf != NULL;
	conf_free(conf);

	TAILQ_FOREACH(d, &diags, entry)
		n++;
	if (n > 0 && (it = calloc(n, sizeof(*it))) == NULL) {
		conf_diags_free(&diags);
		fprintf(fp, "had: %s: out of memory\n", path);
		return 1;
	}
	i = 0;
	TAILQ_FOREACH(d, &diags, entry) {
		it[i].d = d;
		it[i].seq = i;
		it[i].file = i;
		for (k = 0; k < i; k++) {
			if (strcmp(it[k].d->file, d->file) == 0) {
				it[i].file = it[k].file;
				break;
			}
		}
		i++;
	}
	if (n > 0)
		qsort(it, n, sizeof(*it), cc_cmp);
	for (i = 0; i < n; i++) {
		d = it[i].d;
		c = cc_class(d);
		count[c]++;
		fprintf(fp, "%s:%d:%d: %s: %s", d->file, d->line, d->col,
		    cc_names[c], d->msg);
		if (d->hint[0] != '\0')
			fprintf(fp, " (%s)", d->hint);
		fputc('\n', fp);
	}
	fprintf(fp, "had: %s: %d ignored, %d alias%s, %d different, ",
	    path, count[CC_IGNORED], count[CC_ALIAS],
	    count[CC_ALIAS] == 1 ? "" : "es", count[CC_DIFF]);
	/* Only when there are some: keepalived has no use for the count. */
	if (count[CC_EXT] > 0)
		fprintf(fp, "%d extension%s (not keepalived-compatible), ",
		    count[CC_EXT], count[CC_EXT] == 1 ? "" : "s");
	fprintf(fp, "%d error%s; %s\n", count[CC_ERROR],
	    count[CC_ERROR] == 1 ? "" : "s",
	    ok ? "had would load it" : "had would refuse it");
	free(it);
	conf_diags_free(&diags);
	return ok ? 0 : 1;
}
