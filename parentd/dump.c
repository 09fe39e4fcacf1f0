/*
 * SIGUSR1 and SIGUSR2, keepalived's "dump your state" and "dump your
 * statistics": had asks each child for the rows it gives hactl, then
 * writes them as `hactl show procs, vrrp, lvs, checks' prints them
 * (SIGUSR1, had.data) or as `hactl show metrics' does (SIGUSR2,
 * had.stats), into the directory of the control socket (/run/had by
 * default), root's and mode 0600.  The rows come back under peer id 0,
 * which no control client has.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event.h>

#include "had.h"
#include "log.h"
#include "../hactl/hactl.h"

#define DUMP_TIMEOUT_MS	2000
#define DUMP_ROWS_MAX	65536	/* per dump, from untrusted children */

struct dump_row {
	uint32_t	 type;
	union {
		struct msg_ctl_text	 text;
		struct msg_ctl_vrrp	 vrrp;
		struct msg_ctl_lvs	 lvs;
		struct msg_ctl_check	 check;
		struct msg_ctl_bfd	 bfd;
	}		 u;
};

static struct {
	int		 active;
	int		 stats;		/* SIGUSR2 */
	unsigned int	 waiting;	/* bit per child */
	struct dump_row	*rows;
	size_t		 nrows;
	struct event	*timeout;
} dump;

static void	dump_write(void);

static void
dump_timeout(int fd, short ev, void *arg)
{
	log_warnx("dump: no complete answer within %d ms; writing what came",
	    DUMP_TIMEOUT_MS);
	dump_write();
}

void
dump_request(int stats)
{
	static const uint32_t	 show[PROC_MAX] = {
		[PROC_VRRP] = IMSG_CTL_SHOW_VRRP,
		[PROC_LVS] = IMSG_CTL_SHOW_LVS,
		[PROC_CHECK] = IMSG_CTL_SHOW_CHECKS,
		[PROC_BFD] = IMSG_CTL_SHOW_BFD,
	};
	struct msg_ctl_req	 req;
	struct timeval		 tv;
	enum had_proc		 p;

	if (dump.active) {
		log_info("SIGUSR%d: a dump is being written; ignored",
		    stats ? 2 : 1);
		return;
	}
	memset(&dump, 0, sizeof(dump));
	dump.active = 1;
	dump.stats = stats;
	memset(&req, 0, sizeof(req));
	for (p = PROC_VRRP; p < PROC_MAX; p++)
		if (child_compose(p, show[p], HAD_DUMP_PEERID, -1, &req,
		    sizeof(req)) == 0)
			dump.waiting |= 1U << p;
	if (dump.waiting == 0) {
		dump_write();
		return;
	}
	if ((dump.timeout = evtimer_new(env->base, dump_timeout,
	    NULL)) == NULL) {
		dump_write();
		return;
	}
	tv.tv_sec = DUMP_TIMEOUT_MS / 1000;
	tv.tv_usec = (DUMP_TIMEOUT_MS % 1000) * 1000;
	evtimer_add(dump.timeout, &tv);
}

/* A row for the dump from child p; 0, or -1 if it is malformed. */
int
dump_reply(enum had_proc p, uint32_t type, const void *data, size_t len)
{
	struct dump_row	*r;
	size_t		 want;

	/* Late (after a timeout), or from a child not asked: dropped. */
	if (!dump.active || (dump.waiting & (1U << p)) == 0)
		return (0);
	switch (type) {
	case IMSG_CTL_END:
		dump.waiting &= ~(1U << p);
		if (dump.waiting == 0)
			dump_write();
		return (0);
	case IMSG_CTL_TEXT:
		want = sizeof(r->u.text);
		break;
	case IMSG_CTL_VRRP:
		want = sizeof(r->u.vrrp);
		break;
	case IMSG_CTL_LVS:
		want = sizeof(r->u.lvs);
		break;
	case IMSG_CTL_CHECK:
		want = sizeof(r->u.check);
		break;
	case IMSG_CTL_TRACK:
	case IMSG_CTL_VRRP_TRACK:
		return (0);	/* the dump keeps to the main rows */
	case IMSG_CTL_BFD:
		want = sizeof(r->u.bfd);
		break;
	default:
		return (-1);
	}
	if (len != want)
		return (-1);
	if (dump.nrows >= DUMP_ROWS_MAX)
		return (0);
	if ((r = reallocarray(dump.rows, dump.nrows + 1,
	    sizeof(*r))) == NULL) {
		log_warn("dump");
		return (0);
	}
	dump.rows = r;
	r = &dump.rows[dump.nrows++];
	r->type = type;
	memcpy(&r->u, data, len);
	if (type == IMSG_CTL_TEXT)
		r->u.text.text[sizeof(r->u.text.text) - 1] = '\0';
	return (0);
}

/* The rows of one show command, as hactl prints them. */
static void
dump_show(uint32_t show, uint32_t rowtype)
{
	struct hactl_out	 o;
	size_t			 i;

	memset(&o, 0, sizeof(o));
	out_begin(&o, show);
	for (i = 0; i < dump.nrows; i++) {
		if (dump.rows[i].type == IMSG_CTL_TEXT &&
		    show == IMSG_CTL_SHOW_LVS)
			printf("%s\n", dump.rows[i].u.text.text);
		if (dump.rows[i].type != rowtype)
			continue;
		if (rowtype == IMSG_CTL_VRRP)
			out_vrrp(&o, &dump.rows[i].u.vrrp, NULL, 0);
		else if (rowtype == IMSG_CTL_LVS)
			out_lvs(&o, &dump.rows[i].u.lvs);
		else if (rowtype == IMSG_CTL_BFD)
			out_bfd(&o, &dump.rows[i].u.bfd);
		else
			out_check(&o, &dump.rows[i].u.check);
	}
	out_finish(&o, show);
}

static void
dump_text(void)
{
	struct hactl_out	 o;
	struct msg_ctl_proc	 row;
	enum had_proc		 p;

	memset(&o, 0, sizeof(o));
	printf("== show procs\n");
	out_begin(&o, IMSG_CTL_SHOW_PROCS);
	for (p = PROC_PARENT; p < PROC_MAX; p++) {
		child_fill_ctl(p, &row);
		out_proc(&o, &row);
	}
	printf("\n== show vrrp\n");
	dump_show(IMSG_CTL_SHOW_VRRP, IMSG_CTL_VRRP);
	printf("\n== show lvs\n");
	dump_show(IMSG_CTL_SHOW_LVS, IMSG_CTL_LVS);
	printf("\n== show checks\n");
	dump_show(IMSG_CTL_SHOW_CHECKS, IMSG_CTL_CHECK);
	printf("\n== show bfd\n");
	dump_show(IMSG_CTL_SHOW_BFD, IMSG_CTL_BFD);
}

static void
dump_metrics(FILE *f)
{
	struct msg_ctl_proc	 row;
	enum had_proc		 p;
	size_t			 i;

	metrics_reset();
	for (p = PROC_PARENT; p < PROC_MAX; p++) {
		child_fill_ctl(p, &row);
		metrics_add_proc(&row);
	}
	for (i = 0; i < dump.nrows; i++)
		if (dump.rows[i].type == IMSG_CTL_VRRP)
			metrics_add_vrrp(&dump.rows[i].u.vrrp);
		else if (dump.rows[i].type == IMSG_CTL_LVS)
			metrics_add_lvs(&dump.rows[i].u.lvs);
		else if (dump.rows[i].type == IMSG_CTL_CHECK)
			metrics_add_check(&dump.rows[i].u.check);
		else if (dump.rows[i].type == IMSG_CTL_BFD)
			metrics_add_bfd(&dump.rows[i].u.bfd);
	if (dump.waiting & (1U << PROC_VRRP))
		metrics_failed(1);
	if (dump.waiting & (1U << PROC_LVS))
		metrics_failed(2);
	if (dump.waiting & (1U << PROC_CHECK))
		metrics_failed(3);
	if (dump.waiting & (1U << PROC_BFD))
		metrics_failed(4);
	metrics_print(f);
}

/*
 * hactl's printers write to stdout: point it at the file for the
 * while, through a temporary renamed into place once complete.
 */
static void
dump_write(void)
{
	char		 path[HAD_PATHLEN], tmp[HAD_PATHLEN], dir[HAD_PATHLEN];
	const char	*what = dump.stats ? "statistics" : "state";
	char		 when[64];
	time_t		 now;
	int		 fd, saved, sig = dump.stats ? 2 : 1;

	strlcpy(dir, env->sockpath, sizeof(dir));
	snprintf(path, sizeof(path), "%s/%s", dirname(dir),
	    dump.stats ? "had.stats" : "had.data");
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	(void)unlink(tmp);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600)) == -1) {
		log_warn("SIGUSR%d: %s", sig, tmp);
		goto done;
	}
	fflush(stdout);
	if ((saved = dup(STDOUT_FILENO)) == -1 ||
	    dup2(fd, STDOUT_FILENO) == -1) {
		log_warn("SIGUSR%d: redirecting output", sig);
		if (saved != -1)
			close(saved);
		close(fd);
		(void)unlink(tmp);
		goto done;
	}
	now = time(NULL);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S %Z",
	    localtime(&now));
	printf("# had %s, pid %d, %s\n", what, (int)getpid(), when);
	if (dump.stats)
		dump_metrics(stdout);
	else
		dump_text();
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	if (fsync(fd) == -1 || close(fd) == -1 || rename(tmp, path) == -1) {
		log_warn("SIGUSR%d: %s", sig, path);
		(void)unlink(tmp);
	} else
		log_info("SIGUSR%d: %s written to %s", sig, what, path);
 done:
	if (dump.timeout != NULL)
		event_free(dump.timeout);
	free(dump.rows);
	memset(&dump, 0, sizeof(dump));
}
