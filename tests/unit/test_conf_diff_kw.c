/*
 * The diff a reload prints and vrrpd acts on comes from the keyword
 * tables (conf_kw_diff()): generated from conf_kw_instance and
 * conf_kw_global, each keyword with a field, changed alone, is named
 * and restarts the instance exactly when the table marks it KF_RESTART;
 * the lists (VIPs, peers) are told apart by their printed form.
 */
#include <criterion/criterion.h>

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define CONF_PRIVATE
#include "conf.h"
#include "conf_diff.h"

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

TestSuite(diff_kw, .init = setup, .fini = teardown);

static struct had_conf *
load_ok(const char *text)
{
	struct conf_opts	 o;
	struct had_conf		*c;

	memset(&o, 0, sizeof(o));
	c = conf_load_string(text, "t.conf", &o, &diags);
	if (c == NULL)
		conf_diags_print(stderr, &diags);
	cr_assert_not_null(c, "config should load: %s", text);
	return c;
}

#define INST(peer, vip)							\
	"vrrp_instance A {\n interface eth0\n virtual_router_id 1\n"	\
	" priority 100\n unicast_peer {\n  " peer "\n }\n"		\
	" virtual_ipaddress {\n  " vip "\n }\n}\n"

static int
has_word(const char *list, const char *w)
{
	size_t	 n = strlen(w);
	const char *p;

	for (p = list; (p = strstr(p, w)) != NULL; p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == '\0' ||
		    p[n] == ','))
			return (1);
	return (0);
}

/*
 * Every field keyword of a table, changed alone in a shallow copy of the
 * node (size bytes, the object at off in it: custom printers find the
 * node's lists from the object).
 */
static int
each_field(const struct conf_kw *tab, const void *node, size_t size,
    size_t off, int (*diff)(const void *, const void *, char *, size_t))
{
	const struct conf_kw	*kw;
	const unsigned char	*base = (const unsigned char *)node + off;
	unsigned char		*nb, *b;
	char			 why[512];
	int			 n = 0, r;

	cr_assert_not_null(nb = malloc(size));
	b = nb + off;
	for (kw = tab; kw->name != NULL; kw++) {
		if (kw->flags & (KF_ALIAS | KF_UNSUPP) || kw->size == 0 ||
		    kw->type == KT_IGNORE || kw->type == KT_SUB)
			continue;
		memcpy(nb, node, size);
		b[kw->off] ^= 1;
		why[0] = '\0';
		r = diff(base, b, why, sizeof(why));
		cr_expect_eq(r, kw->flags & KF_RESTART ? CONF_CHG_HARD :
		    CONF_CHG_SOFT, "%s: %d", kw->name, r);
		cr_expect(has_word(why, kw->name), "%s: why \"%s\"",
		    kw->name, why);
		n++;
	}
	memcpy(nb, node, size);
	cr_expect_eq(diff(base, b, why, sizeof(why)), CONF_CHG_NONE);
	free(nb);
	return (n);
}

static struct had_conf	*cur;

static int
inst_diff(const void *a, const void *b, char *why, size_t len)
{
	return (conf_kw_diff(conf_kw_instance, a, b, cur, cur, why, len));
}

static int
global_diff(const void *a, const void *b, char *why, size_t len)
{
	return (conf_kw_diff(conf_kw_global, a, b, cur, cur, why, len));
}

Test(diff_kw, instance_fields_from_the_table)
{
	struct conf_instance	*ci;
	int			 n;

	cur = load_ok(INST("198.18.0.2", "198.18.0.1"));
	ci = TAILQ_FIRST(&cur->instances);
	n = each_field(conf_kw_instance, ci, sizeof(*ci),
	    offsetof(struct conf_instance, c), inst_diff);
	cr_expect_geq(n, 30, "only %d instance keywords compared", n);
	conf_free(cur);
}

Test(diff_kw, global_fields_from_the_table)
{
	int	 n;

	cur = load_ok("global_defs {\n router_id a\n}\n");
	n = each_field(conf_kw_global, cur, sizeof(*cur),
	    offsetof(struct had_conf, global), global_diff);
	cr_expect_geq(n, 20, "only %d global keywords compared", n);
	conf_free(cur);
}

/* Lists: a VIP applies in place, a peer restarts. */
Test(diff_kw, instance_lists)
{
	struct had_conf	*a = load_ok(INST("198.18.0.2", "198.18.0.1"));
	struct had_conf	*v = load_ok(INST("198.18.0.2", "198.18.0.9"));
	struct had_conf	*p = load_ok(INST("198.18.0.3", "198.18.0.1"));
	char		 why[256];

	why[0] = '\0';
	cr_expect_eq(conf_instance_diff(a, TAILQ_FIRST(&a->instances), v,
	    TAILQ_FIRST(&v->instances), CONF_CHG_NONE, why, sizeof(why)),
	    CONF_CHG_SOFT);
	cr_expect_str_eq(why, "virtual_ipaddress");
	why[0] = '\0';
	cr_expect_eq(conf_instance_diff(a, TAILQ_FIRST(&a->instances), p,
	    TAILQ_FIRST(&p->instances), CONF_CHG_NONE, why, sizeof(why)),
	    CONF_CHG_HARD);
	cr_expect_str_eq(why, "unicast_peer");
	why[0] = '\0';
	cr_expect_eq(conf_instance_diff(a, TAILQ_FIRST(&a->instances), a,
	    TAILQ_FIRST(&a->instances), CONF_CHG_HARD, why, sizeof(why)),
	    CONF_CHG_HARD, "a hard global change restarts every instance");
	cr_expect_str_eq(why, "global_defs");
	conf_free(a);
	conf_free(v);
	conf_free(p);
}

/* Each keyword named once, and a name inside another is its own. */
Test(diff_kw, why_names_each_keyword)
{
	struct had_conf	*a = load_ok(INST("198.18.0.2", "198.18.0.1"));
	struct conf_instance	 ci;
	char			 why[256];

	ci = *TAILQ_FIRST(&a->instances);
	strlcpy(ci.c.notify_master, "/bin/m", sizeof(ci.c.notify_master));
	strlcpy(ci.c.notify, "/bin/n", sizeof(ci.c.notify));
	why[0] = '\0';
	cr_expect_eq(conf_instance_diff(a, TAILQ_FIRST(&a->instances), a,
	    &ci, CONF_CHG_NONE, why, sizeof(why)), CONF_CHG_SOFT);
	cr_expect_str_eq(why, "notify_master, notify");
	conf_free(a);
}

/*
 * One identity for a virtual server: what a reload names it by is what
 * lvsd carries health across by.  A fwmark service is its mark (its
 * family follows its real servers), an address service its address,
 * port and protocol.
 */
Test(diff_kw, vs_identity)
{
	struct had_conf	*a = load_ok("virtual_server fwmark 7 {\n"
	    " real_server 198.18.1.2 80 {}\n}\n"
	    "virtual_server 198.18.0.1 80 {\n real_server 198.18.1.3 80 {\n"
	    "  weight 2\n }\n}\n");
	struct had_conf	*b = load_ok("virtual_server fwmark 7 {\n"
	    " real_server 2001:db8::2 80 {}\n}\n"
	    "virtual_server 198.18.0.1 80 {\n real_server 198.18.1.3 80 {\n"
	    "  weight 5\n }\n}\n");
	const struct conf_vs	*fa, *fb, *va, *vb;
	char			 buf[400];

	fa = TAILQ_FIRST(&a->vss);
	fb = TAILQ_FIRST(&b->vss);
	va = TAILQ_NEXT(fa, entry);
	vb = TAILQ_NEXT(fb, entry);
	cr_expect(conf_vs_same(&fa->c, &fb->c), "fwmark 7 v4 / v6");
	cr_expect(conf_vs_same(&va->c, &vb->c));
	cr_expect_eq(conf_vs_hash(&va->c), conf_vs_hash(&vb->c));
	cr_expect(conf_rs_same(&TAILQ_FIRST(&va->rss)->c,
	    &TAILQ_FIRST(&vb->rss)->c), "weight is not identity");
	cr_expect(!conf_rs_same(&TAILQ_FIRST(&fa->rss)->c,
	    &TAILQ_FIRST(&fb->rss)->c));
	conf_diff_names(a, b, PROC_LVS, buf, sizeof(buf));
	/* Real servers by their own key, with what changed in them. */
	cr_expect_str_eq(buf, "changed virtual_server TCP 198.18.0.1:80 "
	    "(real_server 198.18.1.3:80 weight), virtual_server fwmark 7 "
	    "(real_server [2001:db8::2]:80 added, real_server 198.18.1.2:80 "
	    "removed)");
	conf_free(a);
	conf_free(b);
	a = load_ok("virtual_server 198.18.0.1 53 {\n}\n");
	b = load_ok("virtual_server 198.18.0.1 53 {\n protocol UDP\n}\n");
	cr_expect(!conf_vs_same(&TAILQ_FIRST(&a->vss)->c,
	    &TAILQ_FIRST(&b->vss)->c), "TCP and UDP on port 53");
	conf_diff_names(a, b, PROC_LVS, buf, sizeof(buf));
	cr_expect_str_eq(buf, "added virtual_server UDP 198.18.0.1:53; "
	    "removed virtual_server TCP 198.18.0.1:53");
	conf_free(a);
	conf_free(b);
}

/* A check is kept only whole: settings and URLs. */
Test(diff_kw, check_whole)
{
	const char	*t = "virtual_server 198.18.0.1 80 {\n"
	    " real_server 198.18.1.3 80 {\n  HTTP_GET {\n   url {\n"
	    "    path /%s\n    status_code 200\n   }\n  }\n }\n}\n";
	char		 ta[400], tb[400];
	struct had_conf	*a, *b, *c;
	const struct conf_check	*ka, *kb, *kc;

	snprintf(ta, sizeof(ta), t, "a");
	snprintf(tb, sizeof(tb), t, "b");
	a = load_ok(ta);
	b = load_ok(tb);
	c = load_ok(ta);
	ka = TAILQ_FIRST(&TAILQ_FIRST(&TAILQ_FIRST(&a->vss)->rss)->checks);
	kb = TAILQ_FIRST(&TAILQ_FIRST(&TAILQ_FIRST(&b->vss)->rss)->checks);
	kc = TAILQ_FIRST(&TAILQ_FIRST(&TAILQ_FIRST(&c->vss)->rss)->checks);
	cr_expect_eq(conf_check_diff(ka, kc), CONF_CHG_NONE);
	cr_expect_eq(conf_check_diff(ka, kb), CONF_CHG_HARD, "another URL");
	conf_free(a);
	conf_free(b);
	conf_free(c);
}
