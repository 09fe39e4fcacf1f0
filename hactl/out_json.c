/*
 * hactl's JSON back end (-j): a document {"schema", "kind", "items"}
 * whose items are the rows of depth 0, each on its line; the commas
 * come from here, from the levels open, never from a walker.
 */
#include <stdio.h>

#include "hactl.h"
#include "out.h"

#define MAXDEPTH	((int)(sizeof(((struct hactl_out *)0)->lvl) /	\
	sizeof(int)))

static void
push(struct hactl_out *o, int kind)
{
	if (o->depth >= MAXDEPTH) {
		o->skip = 1;	/* deeper than any walker goes */
		return;
	}
	o->lvl[o->depth] = kind;
	o->lvln[o->depth++] = 0;
}

/* Two spaces for each list of lines open. */
static void
indent(struct hactl_out *o)
{
	int	 i;

	for (i = 0; i < o->depth; i++)
		if (o->lvl[i] == O_CHILDREN)
			printf("  ");
}

static void
pop(struct hactl_out *o)
{
	int	 kind, n;

	if (o->depth == 0)
		return;
	kind = o->lvl[--o->depth];
	n = o->lvln[o->depth];
	if (kind == O_OBJ)
		printf("}");
	else if (kind == O_LIST)
		printf("]");
	else {
		if (n > 0) {
			printf("\n");
			indent(o);
		}
		printf("]");
	}
}

/* Before a member of the object open, or an element of the list. */
static void
sep(struct hactl_out *o)
{
	int	 top = o->depth - 1;

	if (o->lvln[top]++ > 0)
		printf(o->lvl[top] == O_CHILDREN ? "," : ", ");
	if (o->lvl[top] == O_CHILDREN) {
		printf("\n");
		indent(o);
	}
}

static void
json_begin(struct hactl_out *o, uint32_t type)
{
	o->depth = 0;
	o->nrows = 0;
	o->skip = 0;
	printf("{\"schema\": %d, \"kind\": \"%s\", \"items\": [",
	    HACTL_SCHEMA, out_doc_kind(type));
	push(o, O_CHILDREN);
}

/*
 * A row of depth 0 is an item of the document; one of depth 1 an item
 * of the list its row of depth 0 left open (not written without one).
 * hactl events -j: each row is a document of its own, on its line.
 */
static void
json_row(struct hactl_out *o, enum out_table t, int depth)
{
	int	 want = 2 * depth + 1;

	(void)t;
	o->skip = 0;
	if (o->stream && depth == 0) {
		o->depth = 0;
		o->nrows++;
		printf("{\"schema\": %d", HACTL_SCHEMA);
		push(o, O_OBJ);
		o->lvln[0] = 1;
		return;
	}
	if (o->depth < want || o->lvl[want - 1] == O_OBJ) {
		o->skip = 1;
		return;
	}
	while (o->depth > want)
		pop(o);
	if (depth == 0)
		o->nrows++;
	sep(o);
	printf("{");
	push(o, O_OBJ);
}

static void
json_value(const struct fval *v)
{
	switch (v->type) {
	case FV_STR:
		json_string(stdout, v->s);
		break;
	case FV_NUM:
		printf("%s", v->s);
		break;
	case FV_U64:
		printf("%llu", (unsigned long long)v->u);
		break;
	case FV_I64:
		printf("%lld", (long long)v->i);
		break;
	case FV_BOOL:
		printf("%s", v->u ? "true" : "false");
		break;
	}
}

static void
json_field(struct hactl_out *o, const struct fdesc *fd,
    const struct fval *v)
{
	if (o->skip || o->depth == 0)
		return;
	if (o->lvl[o->depth - 1] == O_OBJ) {
		if (fd->key == NULL)
			return;
		sep(o);
		json_string(stdout, fd->key);
		printf(": ");
	} else {
		if (!fd->item)
			return;
		sep(o);
	}
	json_value(v);
}

static void
json_open(struct hactl_out *o, const char *key, int kind)
{
	if (o->skip || o->depth == 0 || o->lvl[o->depth - 1] != O_OBJ)
		return;
	sep(o);
	json_string(stdout, key);
	printf(": %s", kind == O_OBJ ? "{" : "[");
	push(o, kind);
}

static void
json_close(struct hactl_out *o)
{
	if (!o->skip)
		pop(o);
}

/* A row that left a list of children open stays open for them. */
static void
json_row_end(struct hactl_out *o)
{
	if (o->skip) {
		o->skip = 0;
		return;
	}
	if (o->depth == 0 || o->lvl[o->depth - 1] != O_OBJ)
		return;
	pop(o);
	if (o->stream && o->depth == 0)
		printf("\n");
}

static void
json_finish(struct hactl_out *o, uint32_t type)
{
	(void)type;
	while (o->depth > 1)
		pop(o);
	printf("%s]}\n", o->nrows ? "\n" : "");
	o->depth = 0;
}

const struct out_ops out_json_ops = {
	.begin = json_begin,
	.row = json_row,
	.field = json_field,
	.open = json_open,
	.close = json_close,
	.row_end = json_row_end,
	.finish = json_finish,
};
