/*
 * Unit tests for tracking's arithmetic: what a tracked script, interface
 * or track_file does to a VRRP instance's priority (vrrpd/vrrp_state.c),
 * and how checkd reads a track file's number (checkd/check_script.c),
 * against keepalived.conf(5) of keepalived 2.2.7.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <stdint.h>
#include <string.h>

#include <criterion/criterion.h>

#include "../../vrrpd/vrrp_packet.h"
#include "../../vrrpd/vrrp_state.h"
#include "../../checkd/checkd.h"

Test(track, script_weights)
{
	int	f;

	/* A positive weight counts while up, a negative one while down. */
	cr_expect_eq(vrrp_track_delta(1, 10, &f), 10);
	cr_expect_eq(f, 0);
	cr_expect_eq(vrrp_track_delta(0, 10, &f), 0);
	cr_expect_eq(f, 0);
	cr_expect_eq(vrrp_track_delta(0, -40, &f), -40);
	cr_expect_eq(f, 0);
	cr_expect_eq(vrrp_track_delta(1, -40, &f), 0);
	cr_expect_eq(f, 0);
	/* Weight 0: down is Fault. */
	cr_expect_eq(vrrp_track_delta(0, 0, &f), 0);
	cr_expect_eq(f, 1);
	cr_expect_eq(vrrp_track_delta(1, 0, &f), 0);
	cr_expect_eq(f, 0);
}

Test(track, file_weights)
{
	int	f;

	/* Number times weight. */
	cr_expect_eq(vrrp_track_file_delta(5, -10, &f), -50);
	cr_expect_eq(f, 0);
	cr_expect_eq(vrrp_track_file_delta(0, -10, &f), 0);
	cr_expect_eq(f, 0);
	cr_expect_eq(vrrp_track_file_delta(-3, -10, &f), 30);
	cr_expect_eq(vrrp_track_file_delta(7, 1, &f), 7);
	/* Weight 0: a non-zero number faults, 0 is fine. */
	cr_expect_eq(vrrp_track_file_delta(1, 0, &f), 0);
	cr_expect_eq(f, 1);
	cr_expect_eq(vrrp_track_file_delta(-1, 0, &f), 0);
	cr_expect_eq(f, 1);
	cr_expect_eq(vrrp_track_file_delta(0, 0, &f), 0);
	cr_expect_eq(f, 0);
	/* Below -253: Fault; -253 itself is a priority change. */
	cr_expect_eq(vrrp_track_file_delta(-253, 1, &f), -253);
	cr_expect_eq(f, 0);
	cr_expect_eq(vrrp_track_file_delta(-254, 1, &f), 0);
	cr_expect_eq(f, 1);
	cr_expect_eq(vrrp_track_file_delta(30, -10, &f), 0);
	cr_expect_eq(f, 1);
	/* Above 253: 253; the extremes do not overflow. */
	cr_expect_eq(vrrp_track_file_delta(1000, 1, &f), 253);
	cr_expect_eq(f, 0);
	cr_expect_eq(vrrp_track_file_delta(2147483647, 2147483647, &f), 253);
	cr_expect_eq(vrrp_track_file_delta(-2147483647, 2147483647, &f), 0);
	cr_expect_eq(f, 1);
}

static int64_t
parse(const char *s, int *ok)
{
	int64_t	 v;

	*ok = track_file_parse(s, strlen(s), &v) == 0;
	return (v);
}

Test(track, file_parse)
{
	int	ok;

	cr_expect_eq(parse("5\n", &ok), 5);
	cr_expect(ok);
	cr_expect_eq(parse("  -12 \n", &ok), -12);
	cr_expect(ok);
	cr_expect_eq(parse("+3", &ok), 3);
	cr_expect(ok);
	cr_expect_eq(parse("2147483647", &ok), 2147483647);
	cr_expect(ok);
	cr_expect_eq(parse("-2147483647", &ok), -2147483647);
	cr_expect(ok);
	/* No number, or beyond int32: unreadable, 0. */
	cr_expect_eq(parse("", &ok), 0);
	cr_expect(!ok);
	cr_expect_eq(parse("\n", &ok), 0);
	cr_expect(!ok);
	cr_expect_eq(parse("abc", &ok), 0);
	cr_expect(!ok);
	cr_expect_eq(parse("5x", &ok), 0);
	cr_expect(!ok);
	cr_expect_eq(parse("5 6", &ok), 0);
	cr_expect(!ok);
	cr_expect_eq(parse("-", &ok), 0);
	cr_expect(!ok);
	cr_expect_eq(parse("2147483648", &ok), 0);
	cr_expect(!ok);
	cr_expect_eq(parse("-2147483648", &ok), 0);
	cr_expect(!ok);
	cr_expect_eq(parse("99999999999999999999999", &ok), 0);
	cr_expect(!ok);
	cr_expect_eq(track_file_parse("7\0", 2, &(int64_t){0}), -1);
}

/* The configuration: what loads, what is refused and says why. */
static int
conf_errors(const char *text, const char *want)
{
	struct conf_diags	 diags;
	struct conf_diag	*d;
	struct had_conf		*c;
	int			 found = 0;

	conf_diags_init(&diags);
	c = conf_load_string(text, "t.conf", NULL, &diags);
	TAILQ_FOREACH(d, &diags, entry)
		if (d->level == CONF_ERR && strstr(d->msg, want) != NULL)
			found = 1;
	conf_free(c);
	conf_diags_free(&diags);
	return (found);
}

#define INST(track) \
	"vrrp_instance VI { interface lo\n virtual_router_id 1\n" \
	" virtual_ipaddress { 198.18.0.1 }\n " track " }\n"

Test(track, conf)
{
	struct conf_diags	 diags;
	struct had_conf		*c;
	struct conf_script	*s;
	struct conf_track_script *t;

	conf_diags_init(&diags);
	c = conf_load_string("track_file tf {\n file /run/x/tf\n"
	    " weight -7 reverse\n init_file 3 overwrite\n}\n"
	    "vrrp_track_file t2 { file \"/run/x/t2\" }\n"
	    INST("track_file { tf weight 5\n t2 }"), "t.conf", NULL, &diags);
	cr_assert_not_null(c);
	cr_assert_eq(conf_diags_count(&diags, CONF_ERR), 0);
	s = TAILQ_FIRST(&c->scripts);
	cr_expect_str_eq(s->c.file, "/run/x/tf");
	cr_expect_eq(s->c.weight, -7);
	cr_expect_eq(s->c.weight_reverse, 1);
	cr_expect_eq(s->c.init_file, 1);
	cr_expect_eq(s->c.init_value, 3);
	cr_expect_eq(s->c.init_overwrite, 1);
	cr_expect_str_eq(s->c.script, "");
	s = TAILQ_NEXT(s, entry);
	cr_expect_eq(s->c.weight, 1, "a track_file's weight defaults to 1");
	t = TAILQ_FIRST(&TAILQ_FIRST(&c->instances)->track_scripts);
	cr_expect_str_eq(t->c.name, "tf");
	cr_expect_eq(t->c.file, 1);
	cr_expect_eq(t->c.weight, 5);
	conf_free(c);
	conf_diags_free(&diags);

	cr_expect(conf_errors("track_file a { file rel/a }\n",
	    "must be an absolute path"));
	cr_expect(conf_errors("track_file a { file /x/../a }\n",
	    "'.' or '..' part"));
	cr_expect(conf_errors("track_file a { file /x/ }\n",
	    "names a directory"));
	cr_expect(conf_errors("track_file a { weight 2 }\n", "has no file"));
	cr_expect(conf_errors("vrrp_script a { script /bin/true }\n"
	    "track_file a { file /x/a }\n", "'a' defined twice"));
	cr_expect(conf_errors("vrrp_script s { script /bin/true }\n"
	    INST("track_file { s }"), "no track_file named 's'"));
	cr_expect(conf_errors("track_file f { file /x/f }\n"
	    INST("track_script { f }"), "no vrrp_script named 'f'"));
	cr_expect(conf_errors("track_file f { file /x/f\n init_file 1 2 }\n",
	    "init_file"));
}
