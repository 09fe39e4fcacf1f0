/*
 * Configuration parser: lexer, includes, diagnostics with positions,
 * value checks, the seed configs, printing round trips and the
 * per-process wire format.
 */
#include <criterion/criterion.h>

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"

#define SEED	"tests/conf/seed-configs"

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

TestSuite(conf, .init = setup, .fini = teardown);

static struct had_conf *
load_str(const char *text)
{
	return conf_load_string(text, "t.conf", NULL, &diags);
}

/* The first diagnostic of a level, or fail. */
static const struct conf_diag *
first(int level)
{
	const struct conf_diag	*d;

	TAILQ_FOREACH(d, &diags, entry)
		if (d->level == level)
			return d;
	conf_diags_print(stderr, &diags);
	cr_assert_fail("no diagnostic of level %d", level);
	return NULL;
}

static void
expect_err(const char *text, int line, int col, const char *msgpart)
{
	struct had_conf		*c;
	const struct conf_diag	*d;

	c = load_str(text);
	cr_assert_null(c, "config should not load: %s", text);
	d = first(CONF_ERR);
	cr_expect_eq(d->line, line, "line %d != %d (%s)", d->line, line,
	    d->msg);
	cr_expect_eq(d->col, col, "col %d != %d (%s)", d->col, col, d->msg);
	cr_expect(strstr(d->msg, msgpart) != NULL, "'%s' not in '%s'",
	    msgpart, d->msg);
	cr_expect_str_eq(d->file, "t.conf");
}

static const char *inst_head =
    "vrrp_instance VI { interface eth0\n";

/*
 * Lexer.
 */

Test(conf, comments_everywhere)
{
	struct had_conf		*c;
	struct conf_instance	*in;

	c = load_str("! leading comment\n"
	    "# another, with UTF-8: 注释 ✓\n"
	    "vrrp_instance VI_1 { # after a brace\n"
	    "\tinterface eth0 ! after a value\n"
	    "\tvirtual_router_id 7# glued to the value is not a comment\n"
	    "}\n");
	cr_assert_null(c, "a '#' inside a word is part of the word");
	conf_diags_free(&diags);
	conf_diags_init(&diags);

	c = load_str("! leading comment\n"
	    "# another, with UTF-8: 注释 ✓\n"
	    "vrrp_instance VI_1 { # after a brace 中文\n"
	    "\tinterface eth0 ! after a value\n"
	    "\tvirtual_router_id 7 #x\n"
	    "\tpriority 200 !\n"
	    "}\n");
	cr_assert_not_null(c);
	in = TAILQ_FIRST(&c->instances);
	cr_assert_str_eq(in->c.interface, "eth0");
	cr_assert_eq(in->c.vrid, 7);
	cr_assert_eq(in->c.priority, 200);
	cr_assert_eq(conf_diags_count(&diags, CONF_WARN), 0);
	conf_free(c);
}

Test(conf, quoted_strings)
{
	struct had_conf		*c;
	struct conf_script	*s;

	c = load_str("vrrp_script s {\n"
	    "\tscript \"/bin/echo \\\"a b\\\" # not a comment { }\"\n"
	    "}\n"
	    "vrrp_script t { script \"C:\\\\x\" }\n");
	cr_assert_not_null(c);
	s = TAILQ_FIRST(&c->scripts);
	cr_assert_str_eq(s->c.script, "/bin/echo \"a b\" # not a comment { }");
	s = TAILQ_NEXT(s, entry);
	cr_assert_str_eq(s->c.script, "C:\\x");
	conf_free(c);
}

Test(conf, brace_on_next_line_and_close_on_content_line)
{
	struct had_conf		*c;
	struct conf_instance	*in;

	c = load_str("vrrp_instance VI\n"
	    "\n"
	    "{\n"
	    "\tinterface eth0\n"
	    "\tvirtual_router_id 9\n"
	    "\tauthentication\n"
	    "\t{\n"
	    "\t\tauth_type PASS\n"
	    "\t\tauth_pass abc }\n"
	    "\tvirtual_ipaddress { 198.18.0.1 198.18.0.2 dev eth0 }\n"
	    "}\n");
	cr_assert_null(c, "two addresses on one line are not allowed");
	conf_diags_free(&diags);
	conf_diags_init(&diags);

	c = load_str("vrrp_instance VI\n"
	    "\n"
	    "{\n"
	    "\tinterface eth0\n"
	    "\tvirtual_router_id 9\n"
	    "\tauthentication\n"
	    "\t{\n"
	    "\t\tauth_type PASS\n"
	    "\t\tauth_pass abc }\n"
	    "\tvirtual_ipaddress { 198.18.0.1 dev eth0 }}\n");
	cr_assert_not_null(c);
	in = TAILQ_FIRST(&c->instances);
	cr_assert_eq(in->c.auth_type, CONF_AUTH_PASS);
	cr_assert_str_eq(in->c.auth_pass, "abc");
	cr_assert_str_eq(TAILQ_FIRST(&in->vips)->c.dev, "eth0");
	conf_free(c);
}

Test(conf, unterminated_string)
{
	expect_err("vrrp_script s {\n\tscript \"/bin/true\n}\n", 2, 9,
	    "unterminated quoted string");
}

Test(conf, unbalanced_braces)
{
	expect_err("global_defs {\n\trouter_id x\n", 1, 13, "unclosed '{'");
	conf_diags_free(&diags);
	conf_diags_init(&diags);
	expect_err("global_defs {\n}\n  }\n", 3, 3, "unexpected '}'");
	conf_diags_free(&diags);
	conf_diags_init(&diags);
	expect_err("{\n}\n", 1, 1, "'{' without a keyword");
}

Test(conf, broken_file_position)
{
	struct had_conf		*c;
	const struct conf_diag	*d;

	c = conf_load("tests/conf/broken-brace.conf", NULL, &diags);
	cr_assert_null(c);
	d = first(CONF_ERR);
	cr_expect_str_eq(d->file, "tests/conf/broken-brace.conf");
	cr_expect_eq(d->line, 1);
	cr_expect_eq(d->col, 20);
}

/*
 * Includes.
 */

Test(conf, include_glob_relative)
{
	struct had_conf		*c;
	struct conf_instance	*in;

	c = conf_load("tests/conf/inc/main.conf", NULL, &diags);
	conf_diags_print(stderr, &diags);
	cr_assert_not_null(c);
	cr_assert_str_eq(c->global.router_id, "inc-test");
	cr_assert_str_eq(TAILQ_FIRST(&c->scripts)->c.name, "chk");
	in = TAILQ_FIRST(&c->instances);
	cr_assert_not_null(in);
	cr_assert_str_eq(TAILQ_FIRST(&in->track_scripts)->c.name, "chk");
	cr_assert_not_null(TAILQ_FIRST(&in->vips));
	conf_free(c);
}

Test(conf, include_loop)
{
	struct had_conf		*c;
	const struct conf_diag	*d;

	c = conf_load("tests/conf/loop/a.conf", NULL, &diags);
	cr_assert_null(c);
	d = first(CONF_ERR);
	cr_expect_str_eq(d->file, "tests/conf/loop/b.conf");
	cr_expect_eq(d->line, 2);
	cr_expect_eq(d->col, 1);
	cr_expect(strstr(d->msg, "include loop") != NULL);
}

Test(conf, include_missing_and_no_match)
{
	struct had_conf	*c;

	c = load_str("include /nonexistent-had-dir/*.conf\n");
	cr_assert_not_null(c, "no match is only a warning");
	cr_expect_eq(conf_diags_count(&diags, CONF_WARN), 1);
	conf_free(c);
	expect_err("include a b\n", 1, 1, "exactly one");
}

Test(conf, missing_file)
{
	cr_assert_null(conf_load("tests/conf/nonexistent.conf", NULL,
	    &diags));
	cr_expect_eq(conf_diags_count(&diags, CONF_ERR), 1);
}

/*
 * Keywords and values.
 */

Test(conf, unknown_keyword_hint)
{
	const struct conf_diag	*d;

	expect_err("vrrp_instance VI {\n\tinterface eth0\n"
	    "\tvirtual_router_id 1\n\tpriorty 100\n}\n", 4, 2,
	    "unknown keyword 'priorty'");
	d = first(CONF_ERR);
	cr_expect_str_eq(d->hint, "did you mean 'priority'?");
}

Test(conf, keyword_in_wrong_block_hint)
{
	const struct conf_diag	*d;

	expect_err("global_defs {\n\tvirtual_router_id 5\n}\n", 2, 2,
	    "unknown keyword");
	d = first(CONF_ERR);
	cr_expect(strstr(d->hint, "vrrp_instance") != NULL, "%s", d->hint);
}

Test(conf, bad_values)
{
	char	buf[512];

	snprintf(buf, sizeof(buf), "%s\tvirtual_router_id 1\n"
	    "\tpriority 300\n}\n", inst_head);
	expect_err(buf, 3, 11, "out of range 1..255");
	conf_diags_free(&diags);
	conf_diags_init(&diags);

	snprintf(buf, sizeof(buf), "%s\tvirtual_router_id 0\n}\n", inst_head);
	expect_err(buf, 2, 20, "virtual_router_id 0 is out of range");
	conf_diags_free(&diags);
	conf_diags_init(&diags);

	snprintf(buf, sizeof(buf), "%s\tvirtual_router_id 256\n}\n",
	    inst_head);
	expect_err(buf, 2, 20, "out of range");
	conf_diags_free(&diags);
	conf_diags_init(&diags);

	snprintf(buf, sizeof(buf), "%s\tvirtual_router_id ten\n}\n",
	    inst_head);
	expect_err(buf, 2, 20, "is not a number");
	conf_diags_free(&diags);
	conf_diags_init(&diags);

	snprintf(buf, sizeof(buf), "%s\tvirtual_router_id 1\n"
	    "\tvirtual_ipaddress {\n\t\t198.18.0.300\n\t}\n}\n", inst_head);
	expect_err(buf, 4, 3, "not a valid IP address");
	conf_diags_free(&diags);
	conf_diags_init(&diags);

	snprintf(buf, sizeof(buf), "%s\tvirtual_router_id 1\n"
	    "\tvirtual_ipaddress {\n\t\t198.18.0.3/33\n\t}\n}\n", inst_head);
	expect_err(buf, 4, 3, "bad prefix length");
	conf_diags_free(&diags);
	conf_diags_init(&diags);

	snprintf(buf, sizeof(buf), "%s\tvirtual_router_id 1\n"
	    "\tstate MASTR\n}\n", inst_head);
	expect_err(buf, 3, 8, "unknown value 'MASTR'");
	cr_expect_str_eq(first(CONF_ERR)->hint, "did you mean 'MASTER'?");
	conf_diags_free(&diags);
	conf_diags_init(&diags);

	snprintf(buf, sizeof(buf), "%s\tvirtual_router_id 1\n"
	    "\tadvert_int 0.001\n}\n", inst_head);
	expect_err(buf, 3, 13, "more precise");
	conf_diags_free(&diags);
	conf_diags_init(&diags);

	expect_err("vrrp_script s {\n\tweight 255\n}\n", 2, 9,
	    "out of range -254..254");
	conf_diags_free(&diags);
	conf_diags_init(&diags);

	expect_err("virtual_server 198.18.0.1 80 {\n\tlb_algo wwr\n}\n",
	    2, 10, "unknown value 'wwr'");
	conf_diags_free(&diags);
	conf_diags_init(&diags);

	expect_err("virtual_server 198.18.0.1 80 {\n"
	    "\treal_server 198.18.0.2 80 {\n"
	    "\t\tHTTP_GET {\n"
	    "\t\t\turl {\n\t\t\t\tpath /\n\t\t\t\tstatus_code 200-99\n"
	    "\t\t\t}\n\t\t}\n\t}\n}\n", 6, 17, "out of range");
}

Test(conf, arg_count_and_block_errors)
{
	char	buf[512];

	snprintf(buf, sizeof(buf), "%s\tvirtual_router_id 1 2\n}\n",
	    inst_head);
	expect_err(buf, 2, 22, "too many arguments");
	conf_diags_free(&diags);
	conf_diags_init(&diags);

	snprintf(buf, sizeof(buf), "%s\tvirtual_router_id\n}\n", inst_head);
	expect_err(buf, 2, 2, "needs 1 argument");
	conf_diags_free(&diags);
	conf_diags_init(&diags);

	snprintf(buf, sizeof(buf), "%s\tvirtual_router_id 1\n"
	    "\tvirtual_ipaddress 198.18.0.1\n}\n", inst_head);
	expect_err(buf, 3, 20, "too many arguments");
	conf_diags_free(&diags);
	conf_diags_init(&diags);

	snprintf(buf, sizeof(buf), "%s\tvirtual_router_id 1\n"
	    "\tpriority 5 {\n\t}\n}\n", inst_head);
	expect_err(buf, 3, 13, "does not take a block");
}

Test(conf, references)
{
	char	buf[512];

	snprintf(buf, sizeof(buf), "vrrp_script chk_a { script /bin/true }\n"
	    "%s\tvirtual_router_id 1\n\ttrack_script {\n\t\tchk_b\n\t}\n}\n",
	    inst_head);
	expect_err(buf, 5, 3, "no vrrp_script named 'chk_b'");
	cr_expect_str_eq(first(CONF_ERR)->hint, "did you mean 'chk_a'?");
	conf_diags_free(&diags);
	conf_diags_init(&diags);

	expect_err("vrrp_sync_group G {\n\tgroup {\n\t\tVI_X\n\t}\n}\n",
	    3, 3, "no vrrp_instance named 'VI_X'");
	conf_diags_free(&diags);
	conf_diags_init(&diags);

	expect_err("virtual_server group NOPE {\n}\n", 1, 22,
	    "no virtual_server_group");
	conf_diags_free(&diags);
	conf_diags_init(&diags);

	expect_err("vrrp_instance VI {\n\tinterface eth0\n}\n", 1, 1,
	    "has no virtual_router_id");
	conf_diags_free(&diags);
	conf_diags_init(&diags);

	expect_err("vrrp_instance A {\n\tinterface eth0\n"
	    "\tvirtual_router_id 3\n}\n"
	    "vrrp_instance B {\n\tinterface eth0\n"
	    "\tvirtual_router_id 3\n}\n", 5, 1, "virtual_router_id 3");
}

Test(conf, unsupported_keyword_warning)
{
	struct had_conf		*c;
	const struct conf_diag	*d;

	c = load_str("global_defs {\n"
	    "\tlvs_timeouts {\n\t\ttcp 900\n\t}\n"
	    "\tenable_traps\n"
	    "\tvrrp_ipsets\n"
	    "}\n");
	cr_assert_not_null(c);
	cr_expect_eq(conf_diags_count(&diags, CONF_WARN), 3);
	d = first(CONF_WARN);
	cr_expect(strstr(d->msg, "'lvs_timeouts'") != NULL);
	cr_expect(strstr(d->msg, "does not implement") != NULL);
	cr_expect_eq(d->line, 2);
	cr_expect_eq(d->col, 2);
	conf_free(c);
}

Test(conf, check_type_keywords)
{
	expect_err("virtual_server 198.18.0.1 80 {\n"
	    "\treal_server 198.18.0.2 80 {\n"
	    "\t\tTCP_CHECK {\n\t\t\tmisc_path /bin/true\n\t\t}\n"
	    "\t}\n}\n", 4, 4, "not valid in TCP_CHECK");
	conf_diags_free(&diags);
	conf_diags_init(&diags);
	expect_err("virtual_server 198.18.0.1 80 {\n"
	    "\treal_server 198.18.0.2 80 {\n"
	    "\t\tMISC_CHECK {\n\t\t}\n\t}\n}\n", 3, 3, "without misc_path");
}

Test(conf, defaults_and_inheritance)
{
	struct had_conf		*c;
	struct conf_instance	*in;
	struct conf_vs		*vs;
	struct conf_check	*ck;

	c = load_str("global_defs { vrrp_version 3 }\n"
	    "vrrp_instance VI {\n\tinterface eth0\n"
	    "\tvirtual_router_id 1\n\tadvert_int 2.5\n}\n"
	    "virtual_server 198.18.0.1 80 {\n"
	    "\tdelay_loop 6\n"
	    "\treal_server 198.18.0.2 80 {\n"
	    "\t\tTCP_CHECK {\n\t\t}\n"
	    "\t\tHTTP_GET {\n\t\t\turl { path / }\n\t\t}\n"
	    "\t}\n"
	    "\tretry 7\n"
	    "}\n");
	conf_diags_print(stderr, &diags);
	cr_assert_not_null(c);
	in = TAILQ_FIRST(&c->instances);
	cr_expect_eq(in->c.priority, 100);
	cr_expect_eq(in->c.advert_int_cs, 250);
	cr_expect_eq(in->c.version, 3);
	cr_expect_eq(in->c.state, CONF_STATE_BACKUP);
	vs = TAILQ_FIRST(&c->vss);
	cr_expect_eq(vs->c.protocol, LVS_PROTO_TCP);
	cr_expect_eq(vs->c.lb_algo, LVS_SCHED_WLC);
	ck = TAILQ_FIRST(&TAILQ_FIRST(&vs->rss)->checks);
	cr_expect_eq(ck->c.type, CHECK_TCP);
	cr_expect_eq(ck->c.delay_loop_ms, 6000);
	cr_expect_eq(ck->c.connect_timeout_ms, 5000);
	cr_expect_eq(ck->c.retry, 7, "retry comes from the virtual server");
	cr_expect_eq(TAILQ_FIRST(&vs->rss)->c.weight, 1);
	conf_free(c);
}

Test(conf, vsg_and_status_codes)
{
	struct had_conf		*c;
	struct conf_vsg_entry	*e;
	struct conf_url		*u;

	c = conf_load("tests/conf/rich.conf", NULL, &diags);
	cr_assert_not_null(c);
	e = TAILQ_NEXT(TAILQ_FIRST(&TAILQ_FIRST(&c->vsgs)->entries), entry);
	cr_expect_eq(e->c.type, VSG_ENTRY_RANGE);
	cr_expect_eq(e->c.range_end, 25);
	cr_expect_eq(e->c.port, 80);
	u = TAILQ_FIRST(&TAILQ_FIRST(&TAILQ_FIRST(&TAILQ_FIRST(
	    &c->vss)->rss)->checks)->urls);
	cr_expect_str_eq(u->c.path, "/health");
	cr_expect_str_eq(u->c.digest, "9b3a6b5e0c0f1d2e3f405162738495a6");
	/* 200-299 and 301: bits 100..199 and 201. */
	cr_expect_eq(u->c.status[100 / 8] & (1 << (100 % 8)), 1 << 4);
	cr_expect_eq(u->c.status[201 / 8] & (1 << (201 % 8)), 1 << 1);
	cr_expect_eq(u->c.status[200 / 8] & (1 << (200 % 8)), 0);
	conf_free(c);
}

/*
 * Seed configs and round trips.
 */

static const char *seeds[] = {
	SEED "/lvs-dr-fwmark.conf",
	SEED "/multicast.conf",
	SEED "/unicast.conf",
	"tests/conf/rich.conf",
	"tests/conf/inc/main.conf",
};

Test(conf, seed_configs_load)
{
	struct had_conf	*c;
	size_t		 i;

	for (i = 0; i < 3; i++) {
		c = conf_load(seeds[i], NULL, &diags);
		if (c == NULL)
			conf_diags_print(stderr, &diags);
		cr_assert_not_null(c, "%s", seeds[i]);
		cr_expect_eq(conf_diags_count(&diags, CONF_ERR), 0);
		conf_free(c);
	}
}

Test(conf, seed_multicast_fields)
{
	struct had_conf		*c;
	struct conf_instance	*in;
	struct conf_vip		*v;

	c = conf_load(SEED "/multicast.conf", NULL, &diags);
	cr_assert_not_null(c);
	cr_expect_str_eq(c->global.router_id, "k8s-11");
	cr_expect(c->global.vrrp_strict);
	in = TAILQ_FIRST(&c->instances);
	cr_expect_eq(in->c.vrid, 11);
	/* vrrp_strict: keepalived ignores the authentication, had too. */
	cr_expect_eq(in->c.auth_type, CONF_AUTH_NONE);
	cr_expect_str_eq(in->c.auth_pass, "");
	v = TAILQ_LAST(&in->vips, conf_vip_list);
	cr_expect_eq(v->c.addr.prefix, 24);
	cr_expect_str_eq(v->c.label, "ens33:1");
	cr_expect_str_eq(TAILQ_FIRST(&c->scripts)->c.script, "");
	conf_free(c);
}

static char *
print_of(struct had_conf *c)
{
	char	*s = conf_print_string(c);

	cr_assert_not_null(s);
	return s;
}

struct blob {
	uint8_t	*buf;
	size_t	 len;
};

static int
blob_add(uint32_t kind, const void *body, size_t len, void *arg)
{
	struct blob	*b = arg;

	b->buf = realloc(b->buf, b->len + 8 + len);
	cr_assert_not_null(b->buf);
	memcpy(b->buf + b->len, &kind, 4);
	memcpy(b->buf + b->len + 4, &len, 4);
	memcpy(b->buf + b->len + 8, body, len);
	b->len += 8 + len;
	return 0;
}

static void
emit(struct had_conf *c, enum had_proc proc, struct blob *b)
{
	memset(b, 0, sizeof(*b));
	cr_assert_eq(conf_emit(c, proc, blob_add, b), 0);
}

Test(conf, round_trip_print)
{
	struct had_conf	*c, *c2;
	struct blob	 b1, b2;
	char		*p1, *p2;
	size_t		 i;

	for (i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		c = conf_load(seeds[i], NULL, &diags);
		cr_assert_not_null(c, "%s", seeds[i]);
		p1 = print_of(c);
		c2 = conf_load_string(p1, "printed", NULL, &diags);
		if (c2 == NULL)
			conf_diags_print(stderr, &diags);
		cr_assert_not_null(c2, "%s printed:\n%s", seeds[i], p1);
		p2 = print_of(c2);
		cr_expect_str_eq(p1, p2, "%s", seeds[i]);
		/* The typed config survives printing too. */
		emit(c, PROC_PARENT, &b1);
		emit(c2, PROC_PARENT, &b2);
		cr_expect_eq(b1.len, b2.len);
		cr_expect(memcmp(b1.buf, b2.buf, b1.len) == 0, "%s", seeds[i]);
		free(b1.buf);
		free(b2.buf);
		free(p1);
		free(p2);
		conf_free(c);
		conf_free(c2);
	}
}

Test(conf, print_quotes_only_when_needed)
{
	struct had_conf	*c;
	char		*p;

	c = conf_load("tests/conf/rich.conf", NULL, &diags);
	cr_assert_not_null(c);
	p = print_of(c);
	cr_expect(strstr(p, "\tnotify_master /etc/had/master.sh\n") != NULL);
	cr_expect(strstr(p, "\tnotify_backup \"/etc/had/backup.sh arg\"\n")
	    != NULL);
	cr_expect(strstr(p, "\"/etc/had/notify.sh \\\"backup\\\"\"") != NULL);
	cr_expect(strstr(p, "authentication {\n") != NULL);
	cr_expect(strstr(p, "#") == NULL && strstr(p, "!") == NULL);
	/* smtp_alert's keywords are had's now: printed back. */
	cr_expect(strstr(p, "\tnotification_email {\n\t\tops@example.org\n")
	    != NULL);
	cr_expect(strstr(p, "\tsmtp_server 198.18.0.25\n") != NULL);
	free(p);
	conf_free(c);
}

/*
 * Wire.
 */

struct rx_ctx {
	struct had_conf	*conf;
	enum had_proc	 proc;
};

static int
rx_cb(uint32_t kind, const void *body, size_t len, void *arg)
{
	struct rx_ctx	*rx = arg;
	char		 err[256];
	int		 r;

	r = conf_receive_item(rx->conf, rx->proc, kind, body, len, err,
	    sizeof(err));
	cr_assert_eq(r, 0, "%s: %s", conf_item_kind_name(kind), err);
	return r;
}

Test(conf, wire_round_trip)
{
	struct had_conf	*c;
	struct rx_ctx	 rx;
	struct blob	 b1, b2;
	size_t		 i;
	int		 proc;

	for (i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		c = conf_load(seeds[i], NULL, &diags);
		cr_assert_not_null(c, "%s", seeds[i]);
		for (proc = PROC_PARENT; proc < PROC_MAX; proc++) {
			rx.conf = conf_new();
			rx.proc = proc;
			cr_assert_eq(conf_emit(c, proc, rx_cb, &rx), 0);
			emit(c, proc, &b1);
			emit(rx.conf, proc, &b2);
			cr_expect_eq(b1.len, b2.len, "%s proc %d", seeds[i],
			    proc);
			cr_expect(memcmp(b1.buf, b2.buf, b1.len) == 0,
			    "%s proc %d", seeds[i], proc);
			free(b1.buf);
			free(b2.buf);
			conf_free(rx.conf);
		}
		conf_free(c);
	}
}

struct count_ctx {
	int	n[CONF_ITEM_MAX];
};

static int
count_cb(uint32_t kind, const void *body, size_t len, void *arg)
{
	struct count_ctx	*cc = arg;

	cc->n[kind]++;
	return 0;
}

Test(conf, wire_per_process_parts)
{
	struct had_conf		*c;
	struct count_ctx	 v, l, k;

	c = conf_load("tests/conf/rich.conf", NULL, &diags);
	cr_assert_not_null(c);
	memset(&v, 0, sizeof(v));
	memset(&l, 0, sizeof(l));
	memset(&k, 0, sizeof(k));
	conf_emit(c, PROC_VRRP, count_cb, &v);
	conf_emit(c, PROC_LVS, count_cb, &l);
	conf_emit(c, PROC_CHECK, count_cb, &k);
	cr_expect_eq(v.n[CONF_ITEM_GLOBAL], 1);
	cr_expect_eq(v.n[CONF_ITEM_VRRP_INSTANCE], 2);
	cr_expect_eq(v.n[CONF_ITEM_VRRP_VIP], 6);
	cr_expect_eq(v.n[CONF_ITEM_VRRP_SYNC_MEMBER], 2);
	cr_expect_eq(v.n[CONF_ITEM_VIRTUAL_SERVER], 0);
	cr_expect_eq(l.n[CONF_ITEM_VRRP_VIP], 6);
	cr_expect_eq(l.n[CONF_ITEM_VRRP_TRACK_SCRIPT], 0);
	cr_expect_eq(l.n[CONF_ITEM_VSG_ENTRY], 4);
	cr_expect_eq(l.n[CONF_ITEM_REAL_SERVER], 5);
	cr_expect_eq(l.n[CONF_ITEM_CHECK], 0);
	cr_expect_eq(k.n[CONF_ITEM_CHECK], 8);
	cr_expect_eq(k.n[CONF_ITEM_CHECK_URL], 3);
	cr_expect_eq(k.n[CONF_ITEM_VRRP_SCRIPT], 2);
	cr_expect_eq(k.n[CONF_ITEM_VRRP_INSTANCE], 0);
	conf_free(c);
}

Test(conf, receive_rejects_bad_items)
{
	struct had_conf			*c;
	struct vrrp_instance_conf	 in;
	struct vrrp_vip_conf		 vip;
	struct vs_conf			 vs;
	char				 err[256];

	c = conf_new();
	cr_assert_not_null(c);
	conf_instance_defaults(&in, &c->global);
	strlcpy(in.name, "VI", sizeof(in.name));
	in.vrid = 1;

	/* A child before its parent. */
	memset(&vip, 0, sizeof(vip));
	vip.addr.af = AF_INET;
	vip.addr.prefix = 32;
	cr_expect_eq(conf_receive_item(c, PROC_VRRP, CONF_ITEM_VRRP_VIP, &vip,
	    sizeof(vip), err, sizeof(err)), -1);

	/* Wrong length. */
	cr_expect_eq(conf_receive_item(c, PROC_VRRP, CONF_ITEM_VRRP_INSTANCE,
	    &in, sizeof(in) - 1, err, sizeof(err)), -1);
	cr_expect(strstr(err, "length") != NULL, "%s", err);

	/* Unknown kind, and a kind this process never gets. */
	cr_expect_eq(conf_receive_item(c, PROC_VRRP, CONF_ITEM_MAX, &in,
	    sizeof(in), err, sizeof(err)), -1);
	cr_expect_eq(conf_receive_item(c, PROC_VRRP, 0, &in, sizeof(in), err,
	    sizeof(err)), -1);
	cr_expect_eq(conf_receive_item(c, PROC_CHECK, CONF_ITEM_VRRP_INSTANCE,
	    &in, sizeof(in), err, sizeof(err)), -1);

	/* Unterminated string. */
	memset(in.interface, 'x', sizeof(in.interface));
	cr_expect_eq(conf_receive_item(c, PROC_VRRP, CONF_ITEM_VRRP_INSTANCE,
	    &in, sizeof(in), err, sizeof(err)), -1);
	cr_expect(strstr(err, "unterminated") != NULL, "%s", err);
	strlcpy(in.interface, "eth0", sizeof(in.interface));

	/* Enum out of range. */
	in.state = 7;
	cr_expect_eq(conf_receive_item(c, PROC_VRRP, CONF_ITEM_VRRP_INSTANCE,
	    &in, sizeof(in), err, sizeof(err)), -1);
	cr_expect(strstr(err, "state") != NULL, "%s", err);
	in.state = CONF_STATE_MASTER;
	in.priority = 0;
	cr_expect_eq(conf_receive_item(c, PROC_VRRP, CONF_ITEM_VRRP_INSTANCE,
	    &in, sizeof(in), err, sizeof(err)), -1);
	in.priority = 100;

	/* Now a good one, then its VIP with a bad family. */
	cr_expect_eq(conf_receive_item(c, PROC_VRRP, CONF_ITEM_VRRP_INSTANCE,
	    &in, sizeof(in), err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(conf_receive_item(c, PROC_VRRP, CONF_ITEM_VRRP_INSTANCE,
	    &in, sizeof(in), err, sizeof(err)), -1, "duplicate name");
	vip.addr.af = 99;
	cr_expect_eq(conf_receive_item(c, PROC_VRRP, CONF_ITEM_VRRP_VIP, &vip,
	    sizeof(vip), err, sizeof(err)), -1);
	vip.addr.af = AF_INET;
	cr_expect_eq(conf_receive_item(c, PROC_VRRP, CONF_ITEM_VRRP_VIP, &vip,
	    sizeof(vip), err, sizeof(err)), 0, "%s", err);

	/* A virtual server with a bad scheduler, and one naming no group. */
	conf_vs_defaults(&vs);
	vs.addr.af = AF_INET;
	vs.addr.prefix = 32;
	vs.lb_algo = LVS_SCHED_MAX;
	cr_expect_eq(conf_receive_item(c, PROC_LVS, CONF_ITEM_VIRTUAL_SERVER,
	    &vs, sizeof(vs), err, sizeof(err)), -1);
	vs.lb_algo = LVS_SCHED_RR;
	vs.type = VS_TYPE_GROUP;
	strlcpy(vs.group, "G", sizeof(vs.group));
	cr_expect_eq(conf_receive_item(c, PROC_LVS, CONF_ITEM_VIRTUAL_SERVER,
	    &vs, sizeof(vs), err, sizeof(err)), -1);
	cr_expect(strstr(err, "virtual_server_group") != NULL, "%s", err);
	conf_free(c);
}

Test(conf, item_kind_names)
{
	cr_expect_str_eq(conf_item_kind_name(CONF_ITEM_VRRP_VIP), "vrrp_vip");
	cr_expect_str_eq(conf_item_kind_name(CONF_ITEM_CHECK), "check");
	cr_expect_str_eq(conf_item_kind_name(999), "unknown");
}

Test(conf, diags_print_format)
{
	FILE	*fp;
	char	*buf = NULL;
	size_t	 len = 0;

	cr_assert_null(load_str("global_defs {\n\trouter_idd x\n}\n"));
	fp = open_memstream(&buf, &len);
	conf_diags_print(fp, &diags);
	fclose(fp);
	cr_expect_str_eq(buf, "t.conf:2:2: error: unknown keyword 'router_idd' "
	    "in global_defs (did you mean 'router_id'?)\n");
	free(buf);
}

static const char routes_conf[] =
    "static_ipaddress {\n\t198.18.7.1/32 dev lo\n}\n"
    "static_routes {\n\tblackhole 198.18.9.0/24 table 100\n}\n"
    "static_rules {\n\tto 198.18.11.0/24 fwmark 0x10/0xff lookup main "
    "pref 1001\n}\n"
    "vrrp_instance VI {\n\tinterface eth0\n\tvirtual_router_id 5\n"
    "\tvirtual_ipaddress {\n\t\t198.18.0.5/24\n\t}\n"
    "\tvirtual_routes {\n"
    "\t\tsrc 198.18.0.5 to 198.18.5.0/24 via 198.18.0.1 dev eth0 "
    "metric 7 proto static\n"
    "\t\t2001:db8:6::/64 dev eth0 scope link table 200 no_track\n\t}\n"
    "\tvirtual_rules {\n\t\tfrom 198.18.5.0/24 table 200 priority 100\n"
    "\t}\n}\n";

Test(conf, routes_and_rules)
{
	struct had_conf		*c;
	const struct conf_instance *in;
	const struct route_conf	*r;
	const struct rule_conf	*u;
	struct rx_ctx		 rx;
	struct blob		 b1, b2;

	c = load_str(routes_conf);
	cr_assert_not_null(c);
	cr_expect_eq(conf_diags_count(&diags, CONF_WARN), 0);
	in = TAILQ_FIRST(&c->instances);
	r = &TAILQ_FIRST(&in->routes)->c;
	cr_expect_eq(r->dst.af, AF_INET);
	cr_expect_eq(r->dst.prefix, 24);
	cr_expect_eq(r->src.af, AF_INET);
	cr_expect_eq(r->via.af, AF_INET);
	cr_expect_str_eq(r->dev, "eth0");
	cr_expect_eq(r->metric, 7);
	cr_expect_eq(r->proto, 4);
	cr_expect_eq(r->type, 1);
	r = &TAILQ_LAST(&in->routes, conf_route_list)->c;
	cr_expect_eq(r->dst.af, AF_INET6);
	cr_expect_eq(r->table, 200);
	cr_expect(r->has_scope && r->scope == 253);
	cr_expect_eq(r->proto, 18);
	u = &TAILQ_FIRST(&in->rules)->c;
	cr_expect(u->has_priority && u->priority == 100 && u->table == 200);
	cr_expect_eq(u->af, AF_INET);
	u = &TAILQ_FIRST(&c->static_rules)->c;
	cr_expect(u->fwmark == 0x10 && u->fwmask == 0xff && u->table == 254);
	cr_expect_eq(TAILQ_FIRST(&c->static_routes)->c.type, 6);
	cr_expect_str_eq(TAILQ_FIRST(&c->static_addrs)->c.dev, "lo");

	/* lvsd gets them all, and the same back. */
	rx.conf = conf_new();
	rx.proc = PROC_LVS;
	cr_assert_eq(conf_emit(c, PROC_LVS, rx_cb, &rx), 0);
	emit(c, PROC_LVS, &b1);
	emit(rx.conf, PROC_LVS, &b2);
	cr_expect(b1.len == b2.len && memcmp(b1.buf, b2.buf, b1.len) == 0);
	cr_expect(!TAILQ_EMPTY(&TAILQ_FIRST(&rx.conf->instances)->routes));
	cr_expect(!TAILQ_EMPTY(&rx.conf->static_rules));
	free(b1.buf);
	free(b2.buf);
	conf_free(rx.conf);
	conf_free(c);
}

Test(conf, routes_refused_options)
{
	expect_err("static_routes {\n\t198.18.5.0/24 dev eth0 mtu 1400\n}\n",
	    2, 25, "option 'mtu' is keepalived's, not implemented");
	conf_diags_free(&diags);
	conf_diags_init(&diags);
	expect_err("static_rules {\n\tfrom all uidrange 1-2 table 5\n}\n",
	    2, 11, "option 'uidrange' is keepalived's");
	conf_diags_free(&diags);
	conf_diags_init(&diags);
	expect_err("static_routes {\n\t198.18.5.0/24\n}\n", 2, 2,
	    "neither dev nor via");
	conf_diags_free(&diags);
	conf_diags_init(&diags);
	expect_err("static_rules {\n\tfrom 198.18.5.0/24 priority 3\n}\n",
	    2, 2, "needs a table");
}

Test(conf, strict_mode)
{
	struct had_conf	*c;

	expect_err("global_defs {\n\tvrrp_strict\n}\n"
	    "vrrp_instance V {\n\tinterface eth0\n\tvirtual_router_id 1\n"
	    "\tunicast_peer {\n\t\t198.18.0.2\n\t}\n"
	    "\tvirtual_ipaddress {\n\t\t198.18.0.9/24\n\t}\n}\n", 4, 1,
	    "uses unicast_peer: vrrp_strict forbids it");
	conf_diags_free(&diags);
	conf_diags_init(&diags);
	expect_err("global_defs {\n\tvrrp_strict\n}\n"
	    "vrrp_instance V {\n\tinterface eth0\n\tvirtual_router_id 1\n"
	    "}\n", 4, 1, "has no virtual_ipaddress");
	conf_diags_free(&diags);
	conf_diags_init(&diags);
	/* What keepalived resets, had resets, and says so. */
	c = load_str("global_defs {\n\tvrrp_strict\n}\n"
	    "vrrp_instance V {\n\tinterface eth0\n\tvirtual_router_id 1\n"
	    "\tstate MASTER\n\tpreempt_delay 5\n"
	    "\tvirtual_ipaddress {\n\t\t198.18.0.9/24\n\t}\n}\n");
	cr_assert_not_null(c);
	cr_expect_eq(TAILQ_FIRST(&c->instances)->c.state, CONF_STATE_BACKUP);
	cr_expect_eq(TAILQ_FIRST(&c->instances)->c.preempt_delay, 0);
	cr_expect_eq(conf_diags_count(&diags, CONF_WARN), 2);
	conf_free(c);
}

/* RFC 5798: the IPv4 and the IPv6 router of a VRID are separate. */
Test(conf, same_vrid_both_families)
{
	struct had_conf	*c;

	c = load_str("vrrp_instance A {\n\tinterface eth0\n"
	    "\tvirtual_router_id 3\n"
	    "\tvirtual_ipaddress {\n\t\t198.18.0.9/24\n\t}\n}\n"
	    "vrrp_instance B {\n\tinterface eth0\n\tvirtual_router_id 3\n"
	    "\tvirtual_ipaddress {\n\t\t2001:db8::9/64\n\t}\n}\n");
	cr_assert_not_null(c);
	conf_free(c);
	expect_err("vrrp_instance A {\n\tinterface eth0\n"
	    "\tvirtual_router_id 3\n\tuse_vmac\n"
	    "\tvirtual_ipaddress {\n\t\t198.18.0.9/24\n\t}\n}\n"
	    "vrrp_instance B {\n\tinterface eth0\n\tvirtual_router_id 3\n"
	    "\tuse_vmac\n"
	    "\tvirtual_ipaddress {\n\t\t2001:db8::9/64\n\t}\n}\n", 9, 1,
	    "would both have the VMAC vrrp.3");
}

/* VRRPv2 is IPv4 only: an IPv6 instance runs as v3, and says so. */
Test(conf, v2_with_ipv6_runs_as_v3)
{
	struct had_conf		*c;
	struct conf_instance	*in;
	const struct conf_diag	*d;

	c = load_str("global_defs { vrrp_version 2 }\n"
	    "vrrp_instance V6 { interface eth0\n"
	    "\tvirtual_router_id 9\n"
	    "\tadvert_int 0.5\n"
	    "\tvirtual_ipaddress {\n\t\tfe80::9\n\t\t2001:db8::9\n\t}\n"
	    "}\n");
	cr_assert_not_null(c);
	in = TAILQ_FIRST(&c->instances);
	cr_expect_eq(in->c.version, 3);
	d = first(CONF_WARN);
	cr_expect(strstr(d->msg, "VRRPv2 has no IPv6") != NULL, "%s", d->msg);
	/* As v3, half a second is a valid interval: that is the only one. */
	cr_expect_eq(conf_diags_count(&diags, CONF_WARN), 1);
	conf_free(c);
}

/*
 * A check's node holds its body up to the last byte that is not 0 and
 * the fields its type reads, no more (issue 19): a TCP_CHECK is a tenth
 * of a check_conf.  Bodies that are equal are held to equal lengths,
 * and what a node does not hold reads as 0 through conf_check_full().
 */
Test(conf, check_nodes_short)
{
	struct had_conf			*c;
	const struct conf_rs		*rs;
	const struct conf_check		*ck;
	struct check_conf		 full;
	uint32_t			 len[CHECK_TYPE_MAX];
	size_t				 i;
	const unsigned char		*p;

	c = load_str("virtual_server 198.18.0.1 80 {\n"
	    " real_server 198.18.0.2 80 {\n  TCP_CHECK {\n  }\n"
	    "  TCP_CHECK {\n  }\n"
	    "  HTTP_GET {\n   url { path / }\n  }\n"
	    "  MISC_CHECK {\n   misc_path /bin/true\n  }\n"
	    "  DNS_CHECK {\n   name example.org\n  }\n"
	    " }\n}\n");
	if (c == NULL)
		conf_diags_print(stderr, &diags);
	cr_assert_not_null(c);
	rs = TAILQ_FIRST(&TAILQ_FIRST(&c->vss)->rss);
	memset(len, 0, sizeof(len));
	TAILQ_FOREACH(ck, &rs->checks, entry) {
		cr_expect(ck->clen <= sizeof(ck->c));
		if (len[ck->c.type] != 0)
			cr_expect_eq(ck->clen, len[ck->c.type],
			    "equal bodies, equal nodes");
		len[ck->c.type] = ck->clen;
		conf_check_full(ck, &full);
		cr_expect(memcmp(&full, &ck->c, ck->clen) == 0);
		p = (const unsigned char *)&full;
		for (i = ck->clen; i < sizeof(full); i++)
			if (p[i] != 0)
				break;
		cr_expect_eq(i, sizeof(full), "zero past the node");
	}
	cr_expect_leq(len[CHECK_TCP], sizeof(struct check_conf) / 10);
	cr_expect_geq(len[CHECK_TCP],
	    offsetof(struct check_conf, dns_name) + 2, "dns_name \".\"");
	cr_expect_geq(len[CHECK_HTTP], offsetof(struct check_conf,
	    virtualhost) + sizeof(full.virtualhost));
	cr_expect_geq(len[CHECK_MISC], offsetof(struct check_conf, group) +
	    sizeof(full.group));
	cr_expect_geq(len[CHECK_DNS], offsetof(struct check_conf, dns_name) +
	    sizeof(full.dns_name));
	cr_expect_lt(len[CHECK_DNS], sizeof(struct check_conf));
	conf_free(c);
}
