/*
 * Unit tests for vrrp_track_process (checkd/check_proc.c): matching a
 * process by name or command line as keepalived does (exact, partial,
 * initial, full_command), and the quorum; and the parse of the block
 * (common/conf_parse.c): defaults, delay, errors by name.
 */
#include <string.h>

#include <criterion/criterion.h>

#include "../../common/conf.h"
#include "../../checkd/checkd.h"

static struct vrrp_script_conf
tp(int param_match, int full, int argc, const char *const *argv)
{
	struct vrrp_script_conf	 c;
	size_t			 len = 0;
	int			 i;

	conf_tprocess_defaults(&c);
	for (i = 0; i < argc; i++) {
		memcpy(c.cmd + len, argv[i], strlen(argv[i]) + 1);
		len += strlen(argv[i]) + 1;
	}
	c.cmdlen = len;
	c.nparams = argc - 1;
	c.param_match = param_match;
	c.full_command = full;
	return (c);
}

#define CMD(s)	s, sizeof(s) - 1	/* NUL-separated, as /proc has it */

Test(track_process, name_matches_comm_exactly)
{
	const char *const	 a[] = { "nginx" };
	struct vrrp_script_conf	 c = tp(0, 0, 1, a);

	cr_assert(tproc_match(&c, "nginx", NULL, 0));
	cr_assert(!tproc_match(&c, "nginx2", NULL, 0));
	cr_assert(!tproc_match(&c, "ngin", NULL, 0));
	cr_assert(!tproc_match(&c, NULL, NULL, 0));
	/* Not pgrep: no substring. */
	cr_assert(!tproc_match(&c, "sshd", NULL, 0));
}

Test(track_process, long_name_cut_to_15_characters)
{
	const char *const	 a[] = { "a-very-long-process-name" };
	struct vrrp_script_conf	 c = tp(0, 0, 1, a);

	cr_assert(tproc_match(&c, "a-very-long-pro", NULL, 0));
	cr_assert(!tproc_match(&c, "a-very-long-pr", NULL, 0));
}

Test(track_process, params_exact_by_default)
{
	const char *const	 a[] = { "/bin/sleep", "301" };
	struct vrrp_script_conf	 c = tp(0, 0, 2, a);

	cr_assert(tproc_uses_cmdline(&c));
	cr_assert(tproc_match(&c, "sleep", CMD("/bin/sleep\0" "301\0")));
	cr_assert(!tproc_match(&c, "sleep", CMD("/bin/sleep\0" "3011\0")));
	cr_assert(!tproc_match(&c, "sleep", CMD("/bin/sleep\0" "301\0x\0")));
	cr_assert(!tproc_match(&c, "sleep", CMD("/bin/sleep\0")));
	cr_assert(!tproc_match(&c, "sleep", NULL, 0));
}

Test(track_process, param_match_alone_means_no_parameters)
{
	const char *const	 a[] = { "/bin/sleep" };
	struct vrrp_script_conf	 c = tp(PROC_MATCH_EXACT, 0, 1, a);

	cr_assert(tproc_match(&c, "x", CMD("/bin/sleep\0")));
	cr_assert(!tproc_match(&c, "x", CMD("/bin/sleep\0" "1\0")));
}

Test(track_process, partial_and_initial)
{
	const char *const	 a[] = { "/usr/bin/python3", "srv.py" };
	struct vrrp_script_conf	 p = tp(PROC_MATCH_PARTIAL, 0, 2, a);
	struct vrrp_script_conf	 i = tp(PROC_MATCH_INITIAL, 0, 2, a);

	cr_assert(tproc_match(&p, "x", CMD("/usr/bin/python3\0srv.py\0")));
	cr_assert(tproc_match(&p, "x",
	    CMD("/usr/bin/python3\0srv.py\0-v\0")));
	cr_assert(!tproc_match(&p, "x", CMD("/usr/bin/python3\0srv.pyc\0")));
	cr_assert(tproc_match(&i, "x", CMD("/usr/bin/python3\0srv.pyc\0")));
	cr_assert(tproc_match(&i, "x", CMD("/usr/bin/python3\0srv.py\0-v\0")));
	cr_assert(!tproc_match(&i, "x", CMD("/usr/bin/python3\0srv\0")));
	cr_assert(!tproc_match(&i, "x", CMD("/usr/bin/python2\0srv.py\0")));
}

Test(track_process, full_command_compares_the_first_word)
{
	const char *const	 a[] = { "/usr/sbin/nginx" };
	struct vrrp_script_conf	 c = tp(0, 1, 1, a);

	cr_assert(tproc_match(&c, "nginx", CMD("/usr/sbin/nginx\0-g\0x\0")));
	cr_assert(tproc_match(&c, "nginx", CMD("/usr/sbin/nginx\0")));
	cr_assert(!tproc_match(&c, "nginx", CMD("nginx\0")));
	cr_assert(!tproc_match(&c, "nginx", CMD("/usr/sbin/nginxx\0")));
}

Test(track_process, quorum)
{
	const char *const	 a[] = { "x" };
	struct vrrp_script_conf	 c = tp(0, 0, 1, a);

	cr_assert(!tproc_quorum_ok(&c, 0));
	cr_assert(tproc_quorum_ok(&c, 1));
	cr_assert(tproc_quorum_ok(&c, 1000));
	c.quorum = 2;
	c.quorum_max = 3;
	cr_assert(!tproc_quorum_ok(&c, 1));
	cr_assert(tproc_quorum_ok(&c, 2));
	cr_assert(tproc_quorum_ok(&c, 3));
	cr_assert(!tproc_quorum_ok(&c, 4));
	/* quorum_max 0: fails while any runs. */
	c.quorum = c.quorum_max = 0;
	cr_assert(tproc_quorum_ok(&c, 0));
	cr_assert(!tproc_quorum_ok(&c, 1));
}

static struct had_conf *
load(const char *text, struct conf_diags *d)
{
	conf_diags_init(d);
	return (conf_load_string(text, "t.conf", NULL, d));
}

Test(track_process, parse_defaults_and_delay)
{
	struct conf_diags	 d;
	struct had_conf		*conf;
	struct conf_script	*s;

	conf = load("vrrp_track_process T {\n process \"/tmp/a b\" p1 "
	    "\"p 2\"\n param_match initial\n delay 1.5\n"
	    " terminate_delay 0.25\n full_command\n}\n", &d);
	cr_assert_not_null(conf);
	cr_assert_eq(conf_diags_count(&d, CONF_ERR), 0);
	s = TAILQ_FIRST(&conf->scripts);
	cr_assert(s->c.process);
	cr_assert_eq(s->c.weight, 1);
	cr_assert_eq(s->c.quorum, 1);
	cr_assert_eq(s->c.nparams, 2);
	cr_assert_eq(s->c.cmdlen, sizeof("/tmp/a b\0p1\0p 2"));
	cr_assert(memcmp(s->c.cmd, "/tmp/a b\0p1\0p 2", s->c.cmdlen) == 0);
	cr_assert_eq(s->c.param_match, PROC_MATCH_INITIAL);
	cr_assert_eq(s->c.fork_delay_ms, 1500);
	cr_assert_eq(s->c.terminate_delay_ms, 250);
	cr_assert(s->c.full_command);
	cr_assert_eq(s->c.script[0], '\0');
	conf_free(conf);
	conf_diags_free(&d);
}

Test(track_process, parse_errors_by_name)
{
	struct conf_diags	 d;
	struct had_conf		*conf;

	/* No process; a vrrp_script of the same name; an unknown one. */
	conf = load("vrrp_track_process T {\n quorum 2\n}\n", &d);
	cr_assert(conf == NULL || conf_diags_count(&d, CONF_ERR) > 0);
	conf_free(conf);
	conf_diags_free(&d);
	conf = load("vrrp_script T {\n script /bin/true\n}\n"
	    "vrrp_track_process T {\n process x\n}\n", &d);
	cr_assert(conf == NULL || conf_diags_count(&d, CONF_ERR) > 0);
	conf_free(conf);
	conf_diags_free(&d);
	conf = load("vrrp_track_process T {\n process x\n bogus 1\n}\n", &d);
	cr_assert(conf == NULL || conf_diags_count(&d, CONF_ERR) > 0);
	conf_free(conf);
	conf_diags_free(&d);
	/* track_process names a vrrp_script: refused. */
	conf = load("vrrp_script S {\n script /bin/true\n}\n"
	    "vrrp_instance V {\n interface lo\n virtual_router_id 1\n"
	    " virtual_ipaddress {\n 198.18.0.1\n }\n"
	    " track_process {\n S\n }\n}\n", &d);
	cr_assert(conf == NULL || conf_diags_count(&d, CONF_ERR) > 0);
	conf_free(conf);
	conf_diags_free(&d);
}
