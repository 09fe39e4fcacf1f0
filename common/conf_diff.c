/*
 * Counting what a new configuration changes for one process, from the
 * items conf_emit() produces: an item whose bytes are found in the old
 * configuration is unchanged, the rest are added or removed.
 */
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "conf_diff.h"

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

static const struct conf_blob	*sort_blob;

static int
item_cmp(const void *pa, const void *pb)
{
	const struct conf_blob_item	*a = pa, *b = pb;

	if (a->kind != b->kind)
		return (a->kind < b->kind ? -1 : 1);
	if (a->len != b->len)
		return (a->len < b->len ? -1 : 1);
	return (memcmp(sort_blob->buf + a->off, sort_blob->buf + b->off,
	    a->len));
}

static int
item_cmp2(const struct conf_blob *ba, const struct conf_blob_item *a,
    const struct conf_blob *bb, const struct conf_blob_item *b)
{
	if (a->kind != b->kind)
		return (a->kind < b->kind ? -1 : 1);
	if (a->len != b->len)
		return (a->len < b->len ? -1 : 1);
	return (memcmp(ba->buf + a->off, bb->buf + b->off, a->len));
}

/* Multiset difference of the two item lists, by sorting and merging. */
void
conf_diff_count(const struct had_conf *old, const struct had_conf *new,
    enum had_proc proc, uint32_t *added, uint32_t *removed,
    uint32_t *unchanged)
{
	struct conf_blob	 a, b;
	size_t			 i = 0, j = 0;
	int			 c;

	*added = *removed = *unchanged = 0;
	if (conf_blob_build(&a, old, proc) == -1)
		return;
	if (conf_blob_build(&b, new, proc) == -1) {
		conf_blob_free(&a);
		return;
	}
	sort_blob = &a;
	if (a.nitems > 0)
		qsort(a.items, a.nitems, sizeof(*a.items), item_cmp);
	sort_blob = &b;
	if (b.nitems > 0)
		qsort(b.items, b.nitems, sizeof(*b.items), item_cmp);
	while (i < a.nitems || j < b.nitems) {
		if (i == a.nitems)
			c = 1;
		else if (j == b.nitems)
			c = -1;
		else
			c = item_cmp2(&a, &a.items[i], &b, &b.items[j]);
		if (c == 0) {
			(*unchanged)++;
			i++;
			j++;
		} else if (c < 0) {
			(*removed)++;
			i++;
		} else {
			(*added)++;
			j++;
		}
	}
	conf_blob_free(&a);
	conf_blob_free(&b);
}
