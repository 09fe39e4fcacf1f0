/*
 * lvsd's quorum owner (lvs_quorum.c) through lvsd's own entry points,
 * with what lvsd sends to had read from the other end of a real socket
 * pair and its log lines from stderr: health from checkd moves quorum
 * at once, logged and told to had (IMSG_LVS_NOTIFY), whether or not the
 * kernel has IPVS; hactl show lvs, called many times, sends its rows
 * and nothing else: no notification, no log line, no change of quorum.
 *
 * In a network namespace of its own, so that an IPVS the kernel may
 * have is a fresh one nobody else uses.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <event.h>

#include <criterion/criterion.h>

#include "child.h"
#include "conf.h"
#include "conf_misc.h"
#include "imsg.h"
#include "log.h"
#include "msg.h"
#include "../../lvsd/lvsd.h"
#include "../../lvsd/lvs_ipvs.h"

#define SHOWS	25

static const char *text =
    "virtual_server 198.18.0.100 80 {\n"
    " protocol TCP\n"
    " quorum 2\n"
    " real_server 198.18.1.1 80 {\n"
    "  weight 1\n"
    " }\n"
    " real_server 198.18.1.2 80 {\n"
    "  weight 1\n"
    " }\n"
    "}\n";

static struct child_env		 env;
static struct imsgbuf		 had;	/* had's end of the socket */
static struct had_conf		*conf;
static int			 logfd = -1, savedfd = -1;

/* What lvsd sent to had since the last call, by kind. */
struct seen {
	int	notify[LVS_NOTIFY_MAX];
	int	notifies;
	int	rows;
	int	texts;
	int	other;
};

static void
drain(struct seen *s)
{
	struct imsg		 im;
	struct msg_lvs_notify	 n;
	int			 i, r;

	memset(s, 0, sizeof(*s));
	imsgev_flush_blocking(&env.parent);
	/* Bounded: the socket holds what the flush wrote, no more. */
	for (i = 0; i < 10000; i++) {
		while ((r = imsg_get(&had, &im)) > 0) {
			switch (im.hdr.type) {
			case IMSG_LVS_NOTIFY:
				cr_assert_eq(im.datalen, sizeof(n));
				memcpy(&n, im.data, sizeof(n));
				cr_assert_lt(n.event, LVS_NOTIFY_MAX);
				s->notify[n.event]++;
				s->notifies++;
				break;
			case IMSG_CTL_LVS:
				s->rows++;
				break;
			case IMSG_CTL_TEXT:
				s->texts++;
				break;
			default:
				s->other++;
				break;
			}
			imsg_free(&im);
		}
		cr_assert_geq(r, 0, "a malformed message from lvsd");
		if (imsg_read(&had) <= 0)
			break;
	}
}

/* Bytes logged so far (stderr is a file while the test runs). */
static off_t
logged(void)
{
	struct stat	 sb;

	fflush(stderr);
	cr_assert_eq(fstat(logfd, &sb), 0);
	return (sb.st_size);
}

static void
health(const char *rs, int up)
{
	struct msg_rs_state	 m;
	const struct conf_vs	*vs = TAILQ_FIRST(&conf->vss);
	const struct conf_rs	*r;

	memset(&m, 0, sizeof(m));
	TAILQ_FOREACH(r, &vs->rss, entry) {
		char	 a[INET6_ADDRSTRLEN];

		inet_ntop(r->c.addr.af, r->c.addr.u.raw, a, sizeof(a));
		if (strcmp(a, rs) == 0)
			break;
	}
	cr_assert_not_null(r, "no real server %s", rs);
	conf_lvs_id(&vs->c, &r->c, &m.id);
	m.up = up;
	m.weight = -1;
	lvs_rs_health(&m);
}

static void
setup(void)
{
	struct conf_diags	 diags;
	char			 path[] = "/tmp/test_lvs_quorum.XXXXXX";
	int			 sv[2];

	if (unshare(CLONE_NEWNET) == -1)
		cr_skip_test("unshare(CLONE_NEWNET): %s (needs root)",
		    strerror(errno));
	conf_diags_init(&diags);
	conf = conf_load_string(text, "t.conf", NULL, &diags);
	if (conf == NULL)
		conf_diags_print(stderr, &diags);
	conf_diags_free(&diags);
	cr_assert_not_null(conf);

	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	cr_assert_eq(fcntl(sv[1], F_SETFL, O_NONBLOCK), 0);
	memset(&env, 0, sizeof(env));
	cr_assert_not_null(env.base = event_base_new());
	cr_assert_eq(imsgev_init(&env.parent, env.base, sv[0], "had",
	    PROC_LVS, PROC_PARENT, NULL, NULL, NULL), 0);
	cr_assert_eq(imsgbuf_init(&had, sv[1]), 0);
	child = &env;

	/* Log lines go to a file standing in for stderr. */
	log_init(1, LOG_DAEMON);
	log_setverbose(1);
	cr_assert_geq(logfd = mkstemp(path), 0);
	unlink(path);
	fflush(stderr);
	cr_assert_geq(savedfd = dup(STDERR_FILENO), 0);
	cr_assert_geq(dup2(logfd, STDERR_FILENO), 0);
}

static void
teardown(void)
{
	if (savedfd >= 0) {
		fflush(stderr);
		dup2(savedfd, STDERR_FILENO);
		close(savedfd);
	}
	if (logfd >= 0)
		close(logfd);
}

TestSuite(quorum, .init = setup, .fini = teardown);

Test(quorum, moves_on_health_never_on_show)
{
	struct seen		 s;
	const struct had_conf	*c;
	const struct lvs_vs_st	*st;
	size_t			 n;
	off_t			 before;
	int			 i, rows;

	lvs_reconf(NULL, conf);
	lvs_vs_state(&c, &st, &n);
	cr_assert_eq(n, 1);
	cr_assert_eq(st[0].quorum_up, 1, "2 of 2 up (assumed): quorum");
	drain(&s);
	cr_expect_eq(s.notifies, 0, "the first quorum is set silently");

	/* One server down: 1 < 2, quorum lost now, not at the next show. */
	before = logged();
	health("198.18.1.1", 0);
	drain(&s);
	cr_expect_eq(st[0].quorum_up, 0, "quorum lost on health");
	cr_expect_eq(s.notify[LVS_NOTIFY_RS_DOWN], 1, "notify_down");
	cr_expect_eq(s.notify[LVS_NOTIFY_QUORUM_DOWN], 1, "quorum_down");
	cr_expect_eq(s.notifies, 2);
	cr_expect_gt(logged(), before, "the transitions are logged");

	/* The same report again: nothing. */
	before = logged();
	health("198.18.1.1", 0);
	drain(&s);
	cr_expect_eq(s.notifies, 0);
	cr_expect_eq(logged(), before);

	/* Show many times: rows, and nothing else. */
	before = logged();
	rows = -1;
	for (i = 0; i < SHOWS; i++) {
		lvs_ctl_show(7);
		drain(&s);
		cr_expect_eq(s.notifies, 0, "show %d told had of a "
		    "transition", i);
		cr_expect_eq(s.other, 0);
		cr_expect_gt(s.rows, 0, "show %d sent no rows", i);
		if (rows >= 0)
			cr_expect_eq(s.rows, rows, "show %d: other rows", i);
		rows = s.rows;
		cr_expect_eq(st[0].quorum_up, 0, "show %d moved quorum", i);
	}
	cr_expect_eq(logged(), before, "%d shows logged %lld bytes", SHOWS,
	    (long long)(logged() - before));
	fprintf(stdout, "%d shows: %d rows each, %s IPVS\n", SHOWS, rows,
	    lvs_ipvs_available() ? "with" : "without");

	/* Back up: quorum regained on health, told once. */
	health("198.18.1.1", 1);
	drain(&s);
	cr_expect_eq(st[0].quorum_up, 1);
	cr_expect_eq(s.notify[LVS_NOTIFY_RS_UP], 1, "notify_up");
	cr_expect_eq(s.notify[LVS_NOTIFY_QUORUM_UP], 1, "quorum_up");
	cr_expect_eq(s.notifies, 2);
	for (i = 0; i < SHOWS; i++) {
		lvs_ctl_show(7);
		drain(&s);
		cr_expect_eq(s.notifies, 0);
	}
	cr_expect_eq(st[0].quorum_up, 1);
}
