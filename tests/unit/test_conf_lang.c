/*
 * The configuration language beyond blocks and keywords: parameters,
 * @ID lines, ~SEQ/~LST, printing what must not be substituted again,
 * the --compat report and object-level reload counts.
 */
#include <arpa/inet.h>

#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

TestSuite(lang, .init = setup, .fini = teardown);

static struct had_conf *
load_id(const char *text, const char *id)
{
	struct conf_opts	o = { .config_id = id };

	return conf_load_string(text, "t.conf", &o, &diags);
}

static struct had_conf *
load_ok(const char *text, const char *id)
{
	struct had_conf	*c = load_id(text, id);

	if (c == NULL)
		conf_diags_print(stderr, &diags);
	cr_assert_not_null(c, "config should load: %s", text);
	return c;
}

static void
expect_err(const char *text, int line, int col, const char *part)
{
	struct had_conf		*c;
	const struct conf_diag	*d;

	c = load_id(text, "x");
	cr_assert_null(c, "config should not load: %s", text);
	TAILQ_FOREACH(d, &diags, entry)
		if (d->level == CONF_ERR)
			break;
	cr_assert_not_null(d);
	cr_expect_eq(d->line, line, "line %d != %d (%s)", d->line, line,
	    d->msg);
	cr_expect_eq(d->col, col, "col %d != %d (%s)", d->col, col, d->msg);
	cr_expect(strstr(d->msg, part) != NULL, "'%s' not in '%s'", part,
	    d->msg);
}

/* The VIPs of the first instance as "a b c". */
static void
vips_str(const struct had_conf *c, char *buf, size_t len)
{
	const struct conf_vip	*v;
	char			 a[64];

	buf[0] = '\0';
	TAILQ_FOREACH(v, &TAILQ_FIRST(&c->instances)->vips, entry) {
		if (buf[0] != '\0')
			strlcat(buf, " ", len);
		strlcat(buf, conf_addr_str(&v->c.addr, a, sizeof(a)), len);
	}
}

#define INST(body)	"vrrp_instance V {\n interface eth0\n" \
			" virtual_router_id 1\n" body "}\n"

Test(lang, param_simple_and_braces)
{
	struct had_conf	*c;

	c = load_ok("$P=120\n$NET=198.18\n"
	    INST(" priority $P\n virtual_ipaddress {\n  ${NET}.0.1\n }\n"),
	    NULL);
	cr_expect_eq(TAILQ_FIRST(&c->instances)->c.priority, 120);
	cr_expect_eq(TAILQ_FIRST(&TAILQ_FIRST(&c->instances)->vips)->c.addr.
	    u.v4.s_addr, htonl(0xc6120001));
	conf_free(c);
}

Test(lang, param_substituted_when_used)
{
	struct had_conf	*c;
	char		 buf[256];

	c = load_ok("$A=198.18.${B}\n$B=1\n"
	    INST(" virtual_ipaddress {\n  ${A}.1\n  $B=2\n  ${A}.2\n }\n"),
	    NULL);
	vips_str(c, buf, sizeof(buf));
	cr_expect_str_eq(buf, "198.18.1.1 198.18.2.2");
	conf_free(c);
}

Test(lang, param_only_before_space)
{
	struct had_conf	*c;

	/* "$HOME/" and "$1" are not uses; keepalived leaves them too. */
	c = load_ok(INST(" notify \"/x $HOME/y $1\"\n"), NULL);
	cr_expect_str_eq(TAILQ_FIRST(&c->instances)->c.notify,
	    "/x $HOME/y $1");
	conf_free(c);
}

Test(lang, param_multiline)
{
	struct had_conf	*c;

	c = load_ok("$I= \\\nvrrp_instance VI_${N} { \\\n interface eth0 \\\n"
	    " virtual_router_id ${N} \\\n}\n$N=3\n$I\n$N=4\n$I\n", NULL);
	cr_expect_str_eq(TAILQ_FIRST(&c->instances)->c.name, "VI_3");
	cr_expect_eq(TAILQ_LAST(&c->instances, conf_instance_list)->c.vrid,
	    4);
	conf_free(c);
}

Test(lang, param_undefined_is_error)
{
	expect_err(INST(" priority $NOPE\n"), 4, 11, "'NOPE' is not defined");
	conf_diags_free(&diags);
	expect_err(INST(" priority ${NOPE}0\n"), 4, 11, "not defined");
}

Test(lang, param_loop_is_error)
{
	expect_err("$A=${A}x\n" INST(" priority $A\n"), 5, 11,
	    "does not end");
}

Test(lang, param_predefined)
{
	struct had_conf	*c;

	c = load_ok("global_defs {\n router_id ${_INSTANCE}-${_HASH}\n}\n",
	    "lb7");
	cr_expect_str_eq(c->global.router_id, "lb7-#");
	conf_free(c);
}

Test(lang, config_id_lines)
{
	const char	*t = "global_defs {\n @a router_id A\n @b router_id B\n"
	    " @^a vrrp_strict\n}\n";
	struct had_conf	*c;

	c = load_ok(t, "a");
	cr_expect_str_eq(c->global.router_id, "A");
	cr_expect_eq(c->global.vrrp_strict, 0);
	conf_free(c);
	c = load_ok(t, "b");
	cr_expect_str_eq(c->global.router_id, "B");
	cr_expect_eq(c->global.vrrp_strict, 1);
	conf_free(c);
}

Test(lang, config_id_with_params)
{
	struct had_conf	*c;
	const char	*t = "@main $P=240\n@backup $P=200\n$IFM=@main\n"
	    INST(" priority $P\n $IFM nopreempt\n");

	c = load_ok(t, "main");
	cr_expect_eq(TAILQ_FIRST(&c->instances)->c.priority, 240);
	cr_expect_eq(TAILQ_FIRST(&c->instances)->c.nopreempt, 1);
	conf_free(c);
	c = load_ok(t, "backup");
	cr_expect_eq(TAILQ_FIRST(&c->instances)->c.priority, 200);
	cr_expect_eq(TAILQ_FIRST(&c->instances)->c.nopreempt, 0);
	conf_free(c);
}

Test(lang, config_id_empty_is_error)
{
	expect_err(INST(" @ priority 3\n"), 4, 2, "config id");
}

Test(lang, seq_forms)
{
	struct had_conf	*c;
	char		 buf[512];

	c = load_ok(INST(" virtual_ipaddress {\n"
	    "  ~SEQ(I, 2) 198.18.0.${I}\n"
	    "  ~SEQ(I, 10, 5, 20) 198.18.1.${I}\n"
	    "  ~SEQ(I, 3, 2) 198.18.2.${I}\n"
	    "  ~SEQx(H, 0x9, 0xa) 2001:db8::${H}\n"
	    "  ~LST({P, Q}, {1, 2}, {3, 4}) 198.18.${P}.${Q}\n"
	    " }\n"), NULL);
	vips_str(c, buf, sizeof(buf));
	cr_expect_str_eq(buf, "198.18.0.1 198.18.0.2 198.18.1.10 198.18.1.15 "
	    "198.18.1.20 198.18.2.3 198.18.2.2 2001:db8::9 2001:db8::a "
	    "198.18.1.2 198.18.3.4");
	conf_free(c);
}

Test(lang, seq_nested_with_multiline)
{
	struct had_conf		*c;
	struct conf_instance	*in;
	int			 n = 0;

	c = load_ok("$I= \\\nvrrp_instance V${A}_${B} { \\\n interface eth0 "
	    "\\\n virtual_router_id 1${A}${B} \\\n}\n"
	    "~SEQ(A, 1, 2) ~SEQ(B, 0, 2) $I\n", NULL);
	TAILQ_FOREACH(in, &c->instances, entry)
		n++;
	cr_expect_eq(n, 6);
	cr_expect_str_eq(TAILQ_LAST(&c->instances, conf_instance_list)->
	    c.name, "V2_2");
	conf_free(c);
}

Test(lang, seq_errors)
{
	expect_err(INST(" ~SEQ(I, 1, 0, 3) x\n"), 4, 13, "step 0");
	conf_diags_free(&diags);
	expect_err(INST(" ~SEQ(I, 3 x\n"), 4, 6, "unterminated");
	conf_diags_free(&diags);
	expect_err(INST(" ~SEQ(9, 3) x\n"), 4, 7, "not a parameter name");
	conf_diags_free(&diags);
	expect_err(INST(" ~NOPE(I, 3) x\n"), 4, 2, "unknown '~' line");
	conf_diags_free(&diags);
	expect_err(INST(" ~LST({A, B}, {1}) x\n"), 4, 15, "2 values");
}

Test(lang, comments_cut_before_params)
{
	struct had_conf	*c;

	c = load_ok("$P=77 # not part of the value\n"
	    INST(" priority $P ! nor this\n"), NULL);
	cr_expect_eq(TAILQ_FIRST(&c->instances)->c.priority, 77);
	conf_free(c);
}

/* Printing: what looks like a parameter use stays outside one again. */
Test(lang, print_round_trip_dollar)
{
	struct had_conf	*c, *c2;
	char		*a, *b;

	c = load_ok(INST(" notify \"/bin/x $HOME\" arg\n"
	    " notify_master \"a  b\" $1\n"), NULL);
	a = conf_print_string(c);
	c2 = load_ok(a, NULL);
	b = conf_print_string(c2);
	cr_expect_str_eq(a, b);
	cr_expect_str_eq(TAILQ_FIRST(&c2->instances)->c.notify,
	    "/bin/x $HOME arg");
	cr_expect_str_eq(TAILQ_FIRST(&c2->instances)->c.notify_master,
	    "a  b $1");
	free(a);
	free(b);
	conf_free(c);
	conf_free(c2);
}

Test(lang, compat_notes_aliases)
{
	struct conf_opts	 o = { .config_id = "x", .compat = 1 };
	struct had_conf		*c;
	const struct conf_diag	*d;
	int			 alias = 0, unsupp = 0;

	c = conf_load_string(INST(" preempt\n kernel_rx_buf_size\n")
	    "virtual_server 198.18.0.1 80 {\n lvs_sched rr\n}\n", "t.conf",
	    &o, &diags);
	cr_assert_not_null(c);
	TAILQ_FOREACH(d, &diags, entry) {
		if (d->kind == CONF_DK_ALIAS && d->level == CONF_NOTE)
			alias++;
		if (d->kind == CONF_DK_UNSUPP)
			unsupp++;
	}
	cr_expect_eq(alias, 2);
	cr_expect_eq(unsupp, 1);
	conf_free(c);
}

Test(lang, compat_report)
{
	char	 path[] = "/tmp/had-compat-XXXXXX", *buf = NULL;
	size_t	 len = 0;
	FILE	*fp, *out;
	int	 fd, rc;

	fd = mkstemp(path);
	cr_assert(fd != -1);
	fp = fdopen(fd, "w");
	fputs(INST(" kernel_rx_buf_size\n preempt\n"), fp);
	fclose(fp);
	out = open_memstream(&buf, &len);
	rc = conf_compat_report(out, path, NULL);
	fclose(out);
	cr_expect_eq(rc, 0);
	cr_expect(strstr(buf, ":4:2: ignored: 'kernel_rx_buf_size'") != NULL,
	    "%s",
	    buf);
	cr_expect(strstr(buf, ":5:2: alias: 'preempt'") != NULL, "%s", buf);
	cr_expect(strstr(buf, "1 ignored, 1 alias, 0 different, 0 errors; "
	    "had would load it") != NULL, "%s", buf);
	free(buf);

	fp = fopen(path, "w");
	fputs(INST(" priority $X\n"), fp);
	fclose(fp);
	buf = NULL;
	out = open_memstream(&buf, &len);
	rc = conf_compat_report(out, path, NULL);
	fclose(out);
	cr_expect_eq(rc, 1);
	cr_expect(strstr(buf, "had would refuse it") != NULL, "%s", buf);
	free(buf);
	unlink(path);
}

/*
 * Reload counts per object.
 */
static void
counts(const char *a, const char *b, enum had_proc proc, uint32_t ea,
    uint32_t ec, uint32_t er, uint32_t eu)
{
	struct had_conf	*ca = load_ok(a, NULL), *cb = load_ok(b, NULL);
	uint32_t	 ad, ch, rm, un;

	conf_diff_count(ca, cb, proc, &ad, &ch, &rm, &un);
	cr_expect(ad == ea && ch == ec && rm == er && un == eu,
	    "got %u added, %u changed, %u removed, %u unchanged; "
	    "want %u %u %u %u", ad, ch, rm, un, ea, ec, er, eu);
	conf_free(ca);
	conf_free(cb);
}

#define I2(p)	"vrrp_instance A {\n interface eth0\n virtual_router_id 1\n" \
		" priority " p "\n virtual_ipaddress {\n  198.18.0.1\n }\n}\n" \
		"vrrp_instance B {\n interface eth0\n virtual_router_id 2\n}\n"

Test(lang, diff_instance_priority_is_one_change)
{
	counts(I2("100"), I2("150"), PROC_VRRP, 0, 1, 0, 2);
	counts(I2("100"), I2("100"), PROC_VRRP, 0, 0, 0, 3);
}

Test(lang, diff_vip_change_is_instance_change)
{
	const char	*b = "vrrp_instance A {\n interface eth0\n"
	    " virtual_router_id 1\n priority 100\n virtual_ipaddress {\n"
	    "  198.18.0.1\n  198.18.0.2\n }\n}\n"
	    "vrrp_instance B {\n interface eth0\n virtual_router_id 2\n}\n";

	counts(I2("100"), b, PROC_VRRP, 0, 1, 0, 2);
}

Test(lang, diff_added_removed_by_name)
{
	const char	*b = "vrrp_instance A {\n interface eth0\n"
	    " virtual_router_id 1\n priority 100\n virtual_ipaddress {\n"
	    "  198.18.0.1\n }\n}\n"
	    "vrrp_instance C {\n interface eth0\n virtual_router_id 2\n}\n";

	counts(I2("100"), b, PROC_VRRP, 1, 0, 1, 2);
}

#define VS(w, extra)	"virtual_server 198.18.1.1 80 {\n real_server " \
		"198.18.2.1 80 {\n  weight " w "\n  TCP_CHECK {\n  }\n }\n}\n" \
		"virtual_server 198.18.1.1 443 {\n}\n" extra

Test(lang, diff_virtual_servers)
{
	/* A real server's weight: its virtual server changed. */
	counts(VS("1", ""), VS("2", ""), PROC_LVS, 0, 1, 0, 2);
	counts(VS("1", ""), VS("2", ""), PROC_CHECK, 0, 1, 0, 2);
	/* A new service by fwmark; the others stay. */
	counts(VS("1", ""), VS("1", "virtual_server fwmark 3 {\n}\n"),
	    PROC_LVS, 1, 0, 0, 3);
	/* Same address, other protocol: another service. */
	counts("virtual_server 198.18.1.1 53 {\n}\n",
	    "virtual_server 198.18.1.1 53 {\n protocol UDP\n}\n", PROC_LVS,
	    1, 0, 1, 1);
}

Test(lang, diff_global_is_one_object)
{
	counts("global_defs {\n router_id a\n}\n",
	    "global_defs {\n router_id b\n}\n", PROC_VRRP, 0, 1, 0, 0);
}

/* hactl reload: what changed, by name. */
Test(lang, diff_names)
{
	const char	*a = I2("100")
	    "virtual_server 198.18.0.100 80 {\n real_server 198.18.1.1 80 {}\n}\n"
	    "virtual_server fwmark 7 {\n real_server 198.18.1.2 80 {}\n}\n";
	const char	*b = "vrrp_instance A {\n interface eth0\n"
	    " virtual_router_id 1\n priority 150\n virtual_ipaddress {\n"
	    "  198.18.0.1\n }\n}\n"
	    "vrrp_instance C {\n interface eth0\n virtual_router_id 3\n}\n"
	    "virtual_server 198.18.0.100 80 {\n real_server 198.18.1.3 80 {}\n}\n";
	struct had_conf	*ca = load_ok(a, NULL), *cb = load_ok(b, NULL);
	char		 buf[400];

	conf_diff_names(ca, cb, PROC_VRRP, buf, sizeof(buf));
	cr_expect_str_eq(buf, "added vrrp_instance C; changed vrrp_instance A "
	    "(priority); removed vrrp_instance B");
	conf_diff_names(ca, cb, PROC_LVS, buf, sizeof(buf));
	/* lvsd has the instances too: it adds and removes their VIPs. */
	cr_expect_str_eq(buf, "added vrrp_instance C; changed vrrp_instance "
	    "A (priority), virtual_server TCP 198.18.0.100:80 (real_server "
	    "198.18.1.3:80 added, real_server 198.18.1.1:80 removed); "
	    "removed vrrp_instance B, virtual_server fwmark 7");
	conf_diff_names(ca, ca, PROC_LVS, buf, sizeof(buf));
	cr_expect_str_eq(buf, "");
	conf_free(ca);
	conf_free(cb);
}

/*
 * What restarts an instance and what applies in place comes from the
 * table (KF_RESTART), and the reload says which, as vrrpd does it.
 */
Test(lang, diff_names_restart)
{
	const char	*a = I2("100");
	const char	*b = "vrrp_instance A {\n interface eth1\n"
	    " virtual_router_id 1\n priority 100\n virtual_ipaddress {\n"
	    "  198.18.0.1\n }\n}\n"
	    "vrrp_instance B {\n interface eth0\n virtual_router_id 2\n"
	    " nopreempt\n}\n";
	const char	*g = "global_defs {\n vrrp_mcast_group4 "
	    "224.0.0.19\n}\n" I2("100");
	struct had_conf	*ca = load_ok(a, NULL), *cb = load_ok(b, NULL);
	struct had_conf	*cg = load_ok(g, NULL);
	char		 buf[400];

	conf_diff_names(ca, cb, PROC_VRRP, buf, sizeof(buf));
	cr_expect_str_eq(buf, "changed vrrp_instance B (nopreempt); "
	    "restarted vrrp_instance A (interface)");
	/* lvsd has no state machine to restart. */
	conf_diff_names(ca, cb, PROC_LVS, buf, sizeof(buf));
	cr_expect_str_eq(buf, "changed vrrp_instance A (interface), "
	    "vrrp_instance B (nopreempt)");
	/* A multicast group restarts every instance. */
	conf_diff_names(ca, cg, PROC_VRRP, buf, sizeof(buf));
	cr_expect_str_eq(buf, "changed global_defs (vrrp_mcast_group4); "
	    "restarted vrrp_instance A (global_defs), vrrp_instance B "
	    "(global_defs)");
	cr_expect_eq(conf_global_diff(ca, cg, NULL, 0), CONF_CHG_HARD);
	cr_expect_eq(conf_global_diff(ca, ca, NULL, 0), CONF_CHG_NONE);
	conf_free(ca);
	conf_free(cb);
	conf_free(cg);
}

/* A track_file is named as such by a reload, not as a vrrp_script. */
Test(lang, diff_names_track_file)
{
	const char	*a = "track_file TF {\n file /run/had-tf-a\n}\n";
	const char	*b = "track_file TF {\n file /run/had-tf-b\n}\n";
	struct had_conf	*ca = load_ok(a, NULL), *cb = load_ok(b, NULL);
	char		 buf[200];

	conf_diff_names(ca, cb, PROC_VRRP, buf, sizeof(buf));
	cr_expect_str_eq(buf, "changed track_file TF");
	conf_free(ca);
	conf_free(cb);
}
