/*
 * The wire holds an item's numbers to the bounds the parser holds the
 * config to, from the same keyword tables (conf_wire_bounds()): for
 * every kind a table fills, each number, flag and enum of its table set
 * just out of range, each string without its end and each address of
 * no family is refused by conf_receive_item(), naming the keyword; and
 * every config of the tree still crosses the wire whole.
 */
#include <criterion/criterion.h>

#include <glob.h>
#include <stdlib.h>
#include <string.h>

#define CONF_PRIVATE
#include "conf.h"

static struct conf_diags	diags;

static void
setup(void)
{
	conf_diags_init(&diags);
}

static void
teardown(void)
{
	conf_diags_free(&diags);
}

TestSuite(wire_bounds, .init = setup, .fini = teardown);

/* One object of every kind a keyword table fills. */
#define BODYMAX		16384	/* more than the largest item */

#define CONF_TEXT							\
	"global_defs {\n router_id lb1\n vrrp_garp_master_delay 5\n}\n"	\
	"vrrp_script chk {\n script /bin/true\n interval 2\n rise 3\n"	\
	" fall 2\n}\n"							\
	"vrrp_track_process tp {\n process nginx\n quorum 1\n}\n"	\
	"track_file tf {\n file /run/tf\n weight -10\n}\n"		\
	"vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n"\
	" priority 120\n advert_int 1\n authentication {\n"		\
	"  auth_type PASS\n  auth_pass secret\n }\n"			\
	" virtual_ipaddress {\n  198.18.0.100/24\n }\n}\n"		\
	"vrrp_sync_group G {\n group {\n  VI_1\n }\n}\n"		\
	"bfd_instance B {\n neighbor_ip 198.18.0.3\n min_rx 100\n}\n"	\
	"virtual_server 198.18.1.1 80 {\n delay_loop 3\n lb_algo wrr\n"	\
	" lb_kind NAT\n persistence_timeout 60\n quorum 1\n"		\
	" real_server 198.18.2.1 80 {\n  weight 3\n"			\
	"  HTTP_GET {\n   url {\n    path /\n    status_code 200\n   }\n"\
	"   connect_timeout 2\n   rise 2\n   fall 3\n  }\n }\n}\n"

struct items {
	uint32_t	*kind;
	size_t		*len;
	uint8_t		**body;
	int		 n;
};

static int
collect(uint32_t kind, const void *body, size_t len, void *arg)
{
	struct items	*it = arg;

	it->kind = reallocarray(it->kind, it->n + 1, sizeof(*it->kind));
	it->len = reallocarray(it->len, it->n + 1, sizeof(*it->len));
	it->body = reallocarray(it->body, it->n + 1, sizeof(*it->body));
	cr_assert(it->kind != NULL && it->len != NULL && it->body != NULL);
	cr_assert_leq(len, BODYMAX);
	it->kind[it->n] = kind;
	it->len[it->n] = len;
	/* Zero-filled to its whole size, as the receiver does. */
	cr_assert_not_null(it->body[it->n] = calloc(1, conf_kind_size(kind)));
	memcpy(it->body[it->n], body, len);
	it->n++;
	return 0;
}

static void
items_free(struct items *it)
{
	int	 i;

	for (i = 0; i < it->n; i++)
		free(it->body[i]);
	free(it->kind);
	free(it->len);
	free(it->body);
	memset(it, 0, sizeof(*it));
}

/* The items up to and with item last; last sent with body and len. */
static int
send_items(const struct items *it, enum had_proc p, int last, const void *body,
    size_t len, char *err, size_t errlen)
{
	struct had_conf	*rx;
	int		 i, r = 0;

	cr_assert_not_null(rx = conf_new());
	for (i = 0; i <= last && r == 0; i++) {
		err[0] = '\0';
		r = conf_receive_item(rx, p, it->kind[i], i == last ? body :
		    it->body[i], i == last ? len : it->len[i], err, errlen);
		cr_expect(r == 0 || i == last, "item %d (%s) before the one "
		    "tried: %s", i, conf_item_kind_name(it->kind[i]), err);
	}
	conf_free(rx);
	return r;
}

static void
put(void *dst, size_t size, long long v)
{
	uint8_t		u8 = v;
	uint16_t	u16 = v;
	uint32_t	u32 = v;
	uint64_t	u64 = v;

	memcpy(dst, size == 1 ? (void *)&u8 : size == 2 ? (void *)&u16 :
	    size == 4 ? (void *)&u32 : (void *)&u64, size);
}

/* err names a keyword of that field ("KIND: NAME ..."). */
static int
names_field(const struct conf_kw *tab, size_t off, const char *err)
{
	const struct conf_kw	*kw;
	char			 s[128];

	for (kw = tab; kw->name != NULL; kw++) {
		if (kw->type == KT_SUB && names_field(kw->child, off, err))
			return 1;
		snprintf(s, sizeof(s), ": %s ", kw->name);
		if (kw->type != KT_SUB && kw->size > 0 && kw->off == off &&
		    strstr(err, s) != NULL)
			return 1;
		snprintf(s, sizeof(s), ": %s: ", kw->name);
		if (kw->type != KT_SUB && kw->size > 0 && kw->off == off &&
		    strstr(err, s) != NULL)
			return 1;
	}
	return 0;
}

struct tried {
	int	 n;		/* values refused as they should be */
	int	 rise, fall;	/* of a vrrp_script and a check */
	int	 strs, addrs;	/* unterminated strings, bad addresses */
};

/*
 * A string keyword's field without its end, an address keyword's of no
 * family the parser makes: refused, naming the keyword.
 */
static void
try_kw_text(const struct items *it, int i, const struct conf_kw *top,
    const struct conf_kw *kw, struct tried *t)
{
	uint8_t			 body[BODYMAX];
	struct conf_addr	 a;
	char			 err[256];

	memset(body, 0, sizeof(body));
	memcpy(body, it->body[i], it->len[i]);
	if (kw->fkind == FK_ADDR) {
		memset(&a, 0, sizeof(a));
		a.af = 99;
		memcpy(body + kw->off, &a, sizeof(a));
	} else
		memset(body + kw->off, 'A', kw->size);
	cr_expect_eq(send_items(it, PROC_PARENT, i, body,
	    conf_kind_size(it->kind[i]), err, sizeof(err)), -1,
	    "%s: %s: accepted", conf_item_kind_name(it->kind[i]), kw->name);
	cr_expect(names_field(top, kw->off, err), "%s: %s: refused as '%s'",
	    conf_item_kind_name(it->kind[i]), kw->name, err);
	if (kw->fkind == FK_ADDR)
		t->addrs++;
	else
		t->strs++;
}

/* The values just out of bounds of one keyword, each alone. */
static void
try_kw(const struct items *it, int i, const struct conf_kw *top,
    const struct conf_kw *kw, const void *def, struct tried *t)
{
	uint8_t		 body[BODYMAX];
	long long	 bad[2], v;
	char		 err[256];
	size_t		 size = kw->size, k, nbad = 0;
	int		 sign = kw->type == KT_INT || kw->type == KT_FLAG;

	switch (kw->type) {
	case KT_UINT:
	case KT_INT:
	case KT_DEC:
		bad[nbad++] = kw->min - 1;
		bad[nbad++] = kw->max + 1;
		break;
	case KT_FLAG:
		for (v = 2; v < 100 && conf_flag_sets(top, kw->off, v); v++)
			;
		bad[nbad++] = v;
		break;
	case KT_ENUM:
		for (v = 0; kw->names[v] != NULL; v++)
			;
		bad[nbad++] = v;
		break;
	default:
		return;
	}
	for (k = 0; k < nbad; k++) {
		memset(body, 0, sizeof(body));
		memcpy(body, it->body[i], it->len[i]);
		put(body + kw->off, size, bad[k]);
		/* Not representable in the field, or the default: skip. */
		if (conf_get_int(body + kw->off, size, sign) != bad[k] ||
		    memcmp(body + kw->off, (const char *)def + kw->off,
		    size) == 0)
			continue;
		cr_expect_eq(send_items(it, PROC_PARENT, i, body,
		    conf_kind_size(it->kind[i]), err, sizeof(err)), -1,
		    "%s: %s = %lld accepted", conf_item_kind_name(it->kind[i]),
		    kw->name, bad[k]);
		cr_expect(names_field(top, kw->off, err), "%s: %s = %lld: "
		    "refused as '%s'", conf_item_kind_name(it->kind[i]),
		    kw->name, bad[k], err);
		t->n++;
		if (strcmp(kw->name, "rise") == 0)
			t->rise++;
		if (strcmp(kw->name, "fall") == 0)
			t->fall++;
	}
}

static void
try_table(const struct items *it, int i, const struct conf_kw *top,
    const struct conf_kw *tab, const void *def, struct tried *t)
{
	const struct conf_kw	*kw;

	for (kw = tab; kw->name != NULL; kw++) {
		if (kw->type == KT_SUB)
			try_table(it, i, top, kw->child, def, t);
		else if (!(kw->flags & (KF_ALIAS | KF_UNSUPP)) &&
		    kw->size > 0 && kw->fkind != FK_OTHER)
			try_kw_text(it, i, top, kw, t);
		else if (!(kw->flags & (KF_ALIAS | KF_UNSUPP)) &&
		    kw->size > 0 && kw->size <= 8)
			try_kw(it, i, top, kw, def, t);
	}
}

Test(wire_bounds, every_number_out_of_bounds_is_refused)
{
	struct had_conf		*c;
	const struct conf_kw	*tab;
	struct global_conf	 g;
	struct items		 it;
	struct tried		 t;
	uint8_t			 def[BODYMAX];
	uint32_t		 kinds = 0;
	char			 err[256];
	int			 i;

	c = conf_load_string(CONF_TEXT, "t.conf", NULL, &diags);
	if (c == NULL)
		conf_diags_print(stderr, &diags);
	cr_assert_not_null(c);
	memset(&it, 0, sizeof(it));
	memset(&t, 0, sizeof(t));
	cr_assert_eq(conf_emit(c, PROC_PARENT, collect, &it), 0);
	cr_assert_eq(send_items(&it, PROC_PARENT, it.n - 1, it.body[it.n - 1],
	    it.len[it.n - 1], err, sizeof(err)), 0, "%s", err);
	g = c->global;
	for (i = 0; i < it.n; i++) {
		memset(def, 0, sizeof(def));
		tab = conf_wire_table(it.kind[i], it.body[i], def, &g);
		if (tab == NULL)
			continue;
		kinds |= 1U << it.kind[i];
		try_table(&it, i, tab, tab, def, &t);
	}
	/* Every kind a table fills was in the config and tried. */
	cr_expect_eq(kinds, (1U << CONF_ITEM_GLOBAL) |
	    (1U << CONF_ITEM_VRRP_SCRIPT) | (1U << CONF_ITEM_VRRP_INSTANCE) |
	    (1U << CONF_ITEM_VRRP_SYNC_GROUP) |
	    (1U << CONF_ITEM_VIRTUAL_SERVER) | (1U << CONF_ITEM_REAL_SERVER) |
	    (1U << CONF_ITEM_CHECK) | (1U << CONF_ITEM_CHECK_URL) |
	    (1U << CONF_ITEM_BFD_INSTANCE), "kinds tried: %#x", kinds);
	/* rise and fall of the vrrp_script and of the check, below, above. */
	cr_expect_geq(t.rise, 4, "rise tried %d times", t.rise);
	cr_expect_geq(t.fall, 4, "fall tried %d times", t.fall);
	cr_expect_geq(t.n, 90, "%d values tried", t.n);
	cr_expect_geq(t.strs, 34, "%d strings tried", t.strs);
	cr_expect_geq(t.addrs, 8, "%d addresses tried", t.addrs);
	cr_log_info("%d out-of-bounds values, %d strings, %d addresses "
	    "refused", t.n, t.strs, t.addrs);
	items_free(&it);
	conf_free(c);
}

/* No config of the tree has a value the wire refuses. */
Test(wire_bounds, the_configs_of_the_tree_cross_the_wire)
{
	static const char *const pats[] = {
		"tests/conf/golden/*.conf", "tests/conf/seed-configs/*",
		"tests/conf/*.conf", "tests/integration/*.conf",
		"etc/*.conf", "etc/demo/*.conf",
	};
	struct had_conf		*c;
	struct items		 it;
	glob_t			 gl;
	char			 err[256];
	size_t			 k, j;
	int			 p, loaded = 0;

	for (k = 0; k < sizeof(pats) / sizeof(pats[0]); k++) {
		if (glob(pats[k], 0, NULL, &gl) != 0)
			continue;
		for (j = 0; j < gl.gl_pathc; j++) {
			conf_diags_free(&diags);
			conf_diags_init(&diags);
			if ((c = conf_load(gl.gl_pathv[j], NULL, &diags)) ==
			    NULL)
				continue;
			loaded++;
			for (p = PROC_PARENT; p < PROC_MAX; p++) {
				memset(&it, 0, sizeof(it));
				cr_assert_eq(conf_emit(c, p, collect, &it), 0);
				if (it.n > 0)
					cr_expect_eq(send_items(&it, p, it.n - 1,
					    it.body[it.n - 1], it.len[it.n - 1],
					    err, sizeof(err)), 0, "%s for "
					    "process %d: %s", gl.gl_pathv[j],
					    p, err);
				items_free(&it);
			}
			conf_free(c);
		}
		globfree(&gl);
	}
	cr_expect_geq(loaded, 15, "%d configs loaded", loaded);
}
