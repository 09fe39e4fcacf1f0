/*
 * The config items on the wire: bodies without their trailing zero
 * bytes (a real server's empty notify commands), zero-filled again by
 * the receiver, which refuses a body longer than its struct or one
 * that still ends in a zero byte; checkd gets only the real servers it
 * checks; only had gets and keeps the notify commands, a child's real
 * server ends before them.
 */
#include <criterion/criterion.h>

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

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

TestSuite(wire, .init = setup, .fini = teardown);

#define CONF_TEXT							\
	"virtual_server 198.18.1.1 80 {\n"				\
	" real_server 198.18.2.1 80 {\n  weight 3\n }\n"		\
	" real_server 198.18.2.2 80 {\n  notify_up \"/bin/up a\"\n }\n"	\
	" real_server 198.18.2.3 80 {\n  notify_down /bin/down\n"	\
	"  TCP_CHECK {\n  }\n }\n"					\
	"}\n"

struct items {
	uint32_t	 kind[16];
	size_t		 len[16];
	uint8_t		 body[16][8192];
	int		 n;
};

static int
collect(uint32_t kind, const void *body, size_t len, void *arg)
{
	struct items	*it = arg;

	cr_assert_lt(it->n, 16);
	cr_assert_leq(len, sizeof(it->body[0]));
	it->kind[it->n] = kind;
	it->len[it->n] = len;
	memcpy(it->body[it->n], body, len);
	it->n++;
	return 0;
}

static struct had_conf *
load(const char *text)
{
	struct had_conf	*c;

	c = conf_load_string(text, "t.conf", NULL, &diags);
	if (c == NULL)
		conf_diags_print(stderr, &diags);
	cr_assert_not_null(c);
	return c;
}

static int
find(const struct items *it, uint32_t kind, int nth)
{
	int	 i;

	for (i = 0; i < it->n; i++)
		if (it->kind[i] == kind && nth-- == 0)
			return i;
	return -1;
}

Test(wire, real_server_bodies_are_trimmed)
{
	struct had_conf	*c;
	struct items	 it;
	size_t		 up = offsetof(struct rs_conf, notify_up);
	size_t		 down = offsetof(struct rs_conf, notify_down);
	int		 i;

	c = load(CONF_TEXT);
	memset(&it, 0, sizeof(it));
	cr_assert_eq(conf_emit(c, PROC_PARENT, collect, &it), 0);

	/* No notify: the numbers only, up to the last nonzero byte. */
	cr_assert_geq(i = find(&it, CONF_ITEM_REAL_SERVER, 0), 0);
	cr_expect_leq(it.len[i], up);
	cr_expect_gt(it.len[i], 0);
	cr_expect_neq(it.body[i][it.len[i] - 1], 0);
	/* notify_up: up to its last character. */
	cr_assert_geq(i = find(&it, CONF_ITEM_REAL_SERVER, 1), 0);
	cr_expect_eq(it.len[i], up + strlen("/bin/up a"));
	/* notify_down: the empty notify_up travels as zeros. */
	cr_assert_geq(i = find(&it, CONF_ITEM_REAL_SERVER, 2), 0);
	cr_expect_eq(it.len[i], down + strlen("/bin/down"));

	/* The children never run them: they do not get them. */
	memset(&it, 0, sizeof(it));
	cr_assert_eq(conf_emit(c, PROC_LVS, collect, &it), 0);
	for (i = 0; i < it.n; i++)
		if (it.kind[i] == CONF_ITEM_REAL_SERVER)
			cr_expect_leq(it.len[i], up);
	conf_free(c);
}

Test(wire, round_trip_is_the_same_config)
{
	struct had_conf		*c, *rx;
	struct conf_blob	 a, b;
	struct items		 it;
	char			 err[256];
	int			 i, p;

	c = load(CONF_TEXT);
	for (p = PROC_VRRP; p < PROC_MAX; p++) {
		memset(&it, 0, sizeof(it));
		cr_assert_eq(conf_emit(c, p, collect, &it), 0);
		cr_assert_not_null(rx = conf_new());
		for (i = 0; i < it.n; i++)
			cr_assert_eq(conf_receive_item(rx, p, it.kind[i],
			    it.body[i], it.len[i], err, sizeof(err)), 0,
			    "%s", err);
		cr_assert_eq(conf_blob_build(&a, c, p), 0);
		cr_assert_eq(conf_blob_build(&b, rx, p), 0);
		cr_expect(conf_blob_equal(&a, &b), "process %d", p);
		conf_blob_free(&a);
		conf_blob_free(&b);
		if (p == PROC_LVS) {
			const struct conf_rs *rs;

			rs = TAILQ_FIRST(&TAILQ_FIRST(&rx->vss)->rss);
			rs = TAILQ_NEXT(rs, entry);
			cr_expect_eq(rs->notify, 0);
			cr_expect_str_eq(conf_rs_notify(rs, 0), "");
			cr_expect_eq(rs->c.weight, 1);
		}
		conf_free(rx);
	}
	conf_free(c);
}

Test(wire, had_keeps_the_notify_commands)
{
	struct had_conf		*c, *rx;
	const struct conf_rs	*rs;
	struct rs_conf		 full;
	struct items		 it;
	char			 err[256];
	int			 i;

	c = load(CONF_TEXT);
	/* Parsed: only the servers with a command hold them. */
	rs = TAILQ_FIRST(&TAILQ_FIRST(&c->vss)->rss);
	cr_expect_eq(rs->notify, 0);
	cr_expect_str_eq(conf_rs_notify(rs, 1), "");
	conf_rs_full(rs, &full);
	cr_expect_eq(full.weight, 3);
	cr_expect_eq(full.notify_up[0], 0);
	rs = TAILQ_NEXT(rs, entry);
	cr_expect_str_eq(conf_rs_notify(rs, 0), "/bin/up a");
	cr_expect_str_eq(conf_rs_notify(rs, 1), "");
	rs = TAILQ_NEXT(rs, entry);
	cr_expect_str_eq(conf_rs_notify(rs, 1), "/bin/down");
	cr_expect_eq(TAILQ_FIRST(&rs->checks)->c.type, CHECK_TCP);

	memset(&it, 0, sizeof(it));
	cr_assert_eq(conf_emit(c, PROC_PARENT, collect, &it), 0);
	cr_assert_not_null(rx = conf_new());
	for (i = 0; i < it.n; i++)
		cr_assert_eq(conf_receive_item(rx, PROC_PARENT, it.kind[i],
		    it.body[i], it.len[i], err, sizeof(err)), 0, "%s", err);
	rs = TAILQ_NEXT(TAILQ_FIRST(&TAILQ_FIRST(&rx->vss)->rss), entry);
	cr_expect_str_eq(conf_rs_notify(rs, 0), "/bin/up a");
	conf_free(rx);
	conf_free(c);
}

Test(wire, receiver_zero_fills_and_refuses_bad_lengths)
{
	struct had_conf	*c;
	struct rs_conf	 rs;
	struct vs_conf	 vs;
	uint8_t		 big[sizeof(rs) + 1];
	char		 err[256];
	size_t		 len;

	cr_assert_not_null(c = conf_new());
	conf_vs_defaults(&vs);
	vs.addr.af = AF_INET;
	vs.addr.prefix = 32;
	cr_assert_eq(conf_receive_item(c, PROC_LVS, CONF_ITEM_VIRTUAL_SERVER,
	    &vs, sizeof(vs), err, sizeof(err)), 0, "%s", err);

	memset(&rs, 0, sizeof(rs));
	rs.addr.af = AF_INET;
	rs.addr.prefix = 32;
	rs.port = 80;
	rs.weight = 5;
	len = offsetof(struct rs_conf, weight) + 1;	/* little endian */
	cr_assert_eq(conf_receive_item(c, PROC_LVS, CONF_ITEM_REAL_SERVER,
	    &rs, len, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(TAILQ_FIRST(&TAILQ_FIRST(&c->vss)->rss)->c.weight, 5);
	cr_expect_eq(TAILQ_FIRST(&TAILQ_FIRST(&c->vss)->rss)->c.uthreshold,
	    0);

	/* Still ending in a zero byte: not how bodies are sent. */
	cr_expect_eq(conf_receive_item(c, PROC_LVS, CONF_ITEM_REAL_SERVER,
	    &rs, len + 1, err, sizeof(err)), -1);
	cr_expect(strstr(err, "length") != NULL, "%s", err);
	/* Longer than the struct. */
	memset(big, 0, sizeof(big));
	memcpy(big, &rs, sizeof(rs));
	big[sizeof(rs)] = 1;
	cr_expect_eq(conf_receive_item(c, PROC_LVS, CONF_ITEM_REAL_SERVER,
	    big, sizeof(big), err, sizeof(err)), -1);
	cr_expect(strstr(err, "length") != NULL, "%s", err);
	/* The whole struct is fine too. */
	cr_expect_eq(conf_receive_item(c, PROC_LVS, CONF_ITEM_REAL_SERVER,
	    &rs, sizeof(rs), err, sizeof(err)), 0, "%s", err);
	conf_free(c);
}

Test(wire, bytes_after_a_strings_nul_do_not_travel)
{
	struct had_conf	*c;
	struct conf_rs	*rs;
	struct items	 it;
	int		 i;

	c = load(CONF_TEXT);
	rs = TAILQ_LAST(&TAILQ_FIRST(&c->vss)->rss, conf_rs_list);
	/* Left over from a longer value: meaningless. */
	memcpy(rs->c.notify_down, "ab\0cd", 6);
	memset(&it, 0, sizeof(it));
	cr_assert_eq(conf_emit(c, PROC_PARENT, collect, &it), 0);
	cr_assert_geq(i = find(&it, CONF_ITEM_REAL_SERVER, 2), 0);
	cr_expect_eq(it.len[i], offsetof(struct rs_conf, notify_down) + 2);
	conf_free(c);
}

Test(wire, checkd_gets_the_checked_real_servers_only)
{
	struct had_conf	*c;
	struct items	 it;
	int		 i;

	c = load(CONF_TEXT);
	memset(&it, 0, sizeof(it));
	cr_assert_eq(conf_emit(c, PROC_CHECK, collect, &it), 0);
	cr_expect_geq(find(&it, CONF_ITEM_VIRTUAL_SERVER, 0), 0);
	cr_assert_geq(i = find(&it, CONF_ITEM_REAL_SERVER, 0), 0);
	cr_expect_eq(find(&it, CONF_ITEM_REAL_SERVER, 1), -1);
	cr_expect_eq(it.kind[i + 1], CONF_ITEM_CHECK);
	conf_free(c);
}

Test(wire, unchanged_blobs_compare_equal)
{
	struct had_conf		*a, *b;
	struct conf_blob	 ba, bb;

	a = load(CONF_TEXT);
	b = load(CONF_TEXT);
	cr_assert_eq(conf_blob_build(&ba, a, PROC_LVS), 0);
	cr_assert_eq(conf_blob_build(&bb, b, PROC_LVS), 0);
	cr_expect(conf_blob_equal(&ba, &bb));
	/*
	 * Far smaller than the structs: 1 KB a real server.  The global
	 * part goes whole to every child (2 KB since notify_fifo and SMTP).
	 */
	cr_expect_lt(ba.len, sizeof(struct global_conf) +
	    3 * sizeof(struct rs_conf), "blob %zu", ba.len);
	conf_blob_free(&bb);
	TAILQ_FIRST(&TAILQ_FIRST(&b->vss)->rss)->c.weight = 4;
	cr_assert_eq(conf_blob_build(&bb, b, PROC_LVS), 0);
	cr_expect(!conf_blob_equal(&ba, &bb));
	conf_blob_free(&ba);
	conf_blob_free(&bb);
	conf_free(a);
	conf_free(b);
}

/*
 * A value given twice (a VIP's dev here; found by fuzz_conf) leaves no
 * byte of the longer first one after its NUL: the config and its
 * printed form are the same items on the wire for every process.
 */
Test(wire, a_value_given_twice_leaves_nothing_of_the_first)
{
	struct had_conf		*a, *b;
	struct conf_blob	 ba, bb;
	char			*printed;
	enum had_proc		 p;

	a = load("vrrp_instance VI_1 {\n interface eth0\n"
	    " virtual_router_id 10\n priority 100\n"
	    " authentication {\n  auth_type PASS\n  auth_pass abcdefgh\n"
	    "  auth_pass ab\n }\n"
	    " virtual_ipaddress {\n"
	    "  198.18.0.110/24 dev eth0/64 dev eth0\n }\n}\n");
	cr_assert_not_null(printed = conf_print_string(a));
	b = load(printed);
	for (p = PROC_PARENT; p < PROC_MAX; p++) {
		cr_assert_eq(conf_blob_build(&ba, a, p), 0);
		cr_assert_eq(conf_blob_build(&bb, b, p), 0);
		cr_expect(conf_blob_equal(&ba, &bb), "process %d: the items "
		    "differ from those of the printed config", (int)p);
		conf_blob_free(&ba);
		conf_blob_free(&bb);
	}
	free(printed);
	conf_free(a);
	conf_free(b);
}
