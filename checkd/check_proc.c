/*
 * vrrp_track_process: how many processes match each one, from a scan of
 * /proc at start (and after the kernel dropped events: ENOBUFS) and then
 * from the kernel's process events (fork, exec, comm, exit).  had opens
 * the connector and a detached /proc for us (parentd/procwatch.c).  A
 * change of quorum (after fork_delay or terminate_delay) goes to vrrpd
 * as the state of a vrrp_script does.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/tree.h>
#include <linux/netlink.h>
#include <linux/connector.h>
#include <linux/cn_proc.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event.h>

#include "checkd.h"
#include "child.h"
#include "imsg.h"
#include "log.h"

#define TPROC_COMMLEN	16	/* TASK_COMM_LEN */

struct tp_pid {
	RB_ENTRY(tp_pid)	 entry;
	pid_t			 pid;
};
RB_HEAD(tp_pids, tp_pid);

struct tproc {
	TAILQ_ENTRY(tproc)	 entry;
	struct vrrp_script_conf	 c;
	struct tp_pids		 pids;
	uint32_t		 n;
	int			 up;		/* -1: not yet known */
	int			 pending;	/* the delay timer runs */
	struct event		*timer;
	time_t			 last_change;
};
TAILQ_HEAD(tprocs, tproc);

static struct tprocs		 tprocs = TAILQ_HEAD_INITIALIZER(tprocs);
static struct event_base	*base;
static struct event		*nl_ev;
static int			 nl_fd = -1, proc_fd = -1;
static uint64_t			 rescans, events;

static void	tproc_eval(struct tproc *, int);

static int
tp_pid_cmp(const struct tp_pid *a, const struct tp_pid *b)
{
	return (a->pid < b->pid ? -1 : a->pid > b->pid);
}
#define __unused	__attribute__((__unused__))	/* for sys/tree.h */
RB_GENERATE_STATIC(tp_pids, tp_pid, entry, tp_pid_cmp)

/* Whether the process name (comm) or the command line is compared. */
int
tproc_uses_cmdline(const struct vrrp_script_conf *c)
{
	return (c->full_command || c->nparams > 0 ||
	    c->param_match != PROC_MATCH_UNSET);
}

/*
 * keepalived's matching: the name exactly as /proc/PID/comm has it (cut
 * to 15 characters); or the command line, NUL-separated as in
 * /proc/PID/cmdline: its first word exactly, then the parameters exactly
 * (param_match alone: none), the first ones (partial), or the first ones
 * with the last one a prefix (initial).
 */
int
tproc_match(const struct vrrp_script_conf *c, const char *comm,
    const char *cmdline, size_t len)
{
	size_t	 n;

	if (c->cmdlen == 0 || c->cmdlen > sizeof(c->cmd))
		return (0);
	if (!tproc_uses_cmdline(c)) {
		n = strnlen(c->cmd, TPROC_COMMLEN - 1);
		return (comm != NULL && strlen(comm) == n &&
		    strncmp(comm, c->cmd, n) == 0);
	}
	if (cmdline == NULL)
		return (0);
	switch (c->param_match) {
	case PROC_MATCH_INITIAL:
		if (c->nparams > 0)
			return (len >= c->cmdlen - 1 &&
			    memcmp(cmdline, c->cmd, c->cmdlen - 1) == 0);
		/* FALLTHROUGH */
	case PROC_MATCH_PARTIAL:
		return (len >= c->cmdlen &&
		    memcmp(cmdline, c->cmd, c->cmdlen) == 0);
	case PROC_MATCH_EXACT:
		return (len == c->cmdlen &&
		    memcmp(cmdline, c->cmd, c->cmdlen) == 0);
	default:
		if (c->nparams > 0)
			return (len == c->cmdlen &&
			    memcmp(cmdline, c->cmd, c->cmdlen) == 0);
		/* full_command alone: the first word, any parameters. */
		return (len >= c->cmdlen &&
		    memcmp(cmdline, c->cmd, c->cmdlen) == 0);
	}
}

int
tproc_quorum_ok(const struct vrrp_script_conf *c, uint32_t n)
{
	return (n >= c->quorum && n <= c->quorum_max);
}

static ssize_t
proc_read(pid_t pid, const char *what, char *buf, size_t size)
{
	char	 path[64];
	ssize_t	 r;
	int	 fd;

	snprintf(path, sizeof(path), "%d/%s", (int)pid, what);
	if ((fd = openat(proc_fd, path, O_RDONLY | O_CLOEXEC)) == -1)
		return (-1);
	r = read(fd, buf, size);
	close(fd);
	return (r);
}

/*
 * Name and state from /proc/PID/stat, "PID (NAME) S ...": the name may
 * hold ')' itself, the last one ends it.  Zombies do not run: no match.
 */
static int
proc_comm(pid_t pid, char *comm, size_t size)
{
	char	 buf[256], *o, *e;
	ssize_t	 r;

	if ((r = proc_read(pid, "stat", buf, sizeof(buf) - 1)) <= 0)
		return (-1);
	buf[r] = '\0';
	if ((o = strchr(buf, '(')) == NULL || (e = strrchr(o, ')')) == NULL ||
	    e[1] != ' ' || e[2] == 'Z' || e[2] == 'X')
		return (-1);
	*e = '\0';
	strlcpy(comm, o + 1, size);
	return (0);
}

static void
tproc_set(struct tproc *tp, pid_t pid, int match)
{
	struct tp_pid	 key, *p;

	key.pid = pid;
	p = RB_FIND(tp_pids, &tp->pids, &key);
	if (match && p == NULL) {
		if ((p = calloc(1, sizeof(*p))) == NULL)
			fatal("tproc_set");
		p->pid = pid;
		RB_INSERT(tp_pids, &tp->pids, p);
		tp->n++;
	} else if (!match && p != NULL) {
		RB_REMOVE(tp_pids, &tp->pids, p);
		free(p);
		tp->n--;
	}
}

/* Look at one process again (scan, exec, comm); 0 if it is gone. */
static int
proc_examine(pid_t pid)
{
	struct tproc	*tp;
	char		 comm[TPROC_COMMLEN + 1], cmd[CONF_CMDLEN + 1];
	ssize_t		 len = -1;
	int		 need_cmd = 0, alive;

	alive = proc_comm(pid, comm, sizeof(comm)) == 0;
	TAILQ_FOREACH(tp, &tprocs, entry)
		need_cmd |= tproc_uses_cmdline(&tp->c);
	if (alive && need_cmd)
		len = proc_read(pid, "cmdline", cmd, sizeof(cmd));
	TAILQ_FOREACH(tp, &tprocs, entry)
		tproc_set(tp, pid, alive && tproc_match(&tp->c, comm,
		    len > 0 ? cmd : NULL, len > 0 ? (size_t)len : 0));
	return (alive);
}

static void
tproc_clear(struct tproc *tp)
{
	struct tp_pid	*p, *np;

	RB_FOREACH_SAFE(p, tp_pids, &tp->pids, np) {
		RB_REMOVE(tp_pids, &tp->pids, p);
		free(p);
	}
	tp->n = 0;
}

static void
proc_scan(void)
{
	struct tproc	*tp;
	struct dirent	*de;
	DIR		*d;
	char		*ep;
	long		 pid;
	int		 fd;

	if (proc_fd == -1 || TAILQ_EMPTY(&tprocs))
		return;
	TAILQ_FOREACH(tp, &tprocs, entry)
		tproc_clear(tp);
	if ((fd = openat(proc_fd, ".", O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1 || (d = fdopendir(fd)) == NULL) {
		log_warn("vrrp_track_process: reading /proc");
		if (fd != -1)
			close(fd);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		pid = strtol(de->d_name, &ep, 10);
		if (*ep != '\0' || pid <= 0)
			continue;
		(void)proc_examine((pid_t)pid);
	}
	closedir(d);
	rescans++;
	TAILQ_FOREACH(tp, &tprocs, entry)
		tproc_eval(tp, 1);
}

static void
tproc_send(struct tproc *tp)
{
	if (tp->up != -1)
		check_track_send(&tp->c, tp->up);
}

void
check_proc_send_all(void)
{
	struct tproc	*tp;

	TAILQ_FOREACH(tp, &tprocs, entry)
		tproc_send(tp);
}

/* "1..", "2..3": the quorum as an operator reads it. */
static const char *
tproc_quorum_str(const struct tproc *tp, char *buf, size_t len)
{
	if (tp->c.quorum_max == UINT32_MAX)
		snprintf(buf, len, "%u..", tp->c.quorum);
	else
		snprintf(buf, len, "%u..%u", tp->c.quorum, tp->c.quorum_max);
	return (buf);
}

static void
tproc_change(struct tproc *tp, int ok)
{
	struct msg_proc_track	 pt;
	char			 q[32];

	tp->up = ok;
	tp->last_change = time(NULL);
	log_info("vrrp_track_process %s: %s: %u running (quorum %s)",
	    tp->c.name, ok ? "up" : "down", tp->n,
	    tproc_quorum_str(tp, q, sizeof(q)));
	tproc_send(tp);
	memset(&pt, 0, sizeof(pt));
	strlcpy(pt.name, tp->c.name, sizeof(pt.name));
	pt.up = ok;
	pt.running = tp->n;
	(void)child_send_parent(IMSG_PROC_TRACK, 0, -1, &pt, sizeof(pt));
}

static void
tproc_timer(int fd, short ev, void *arg)
{
	struct tproc	*tp = arg;
	int		 ok = tproc_quorum_ok(&tp->c, tp->n);

	tp->pending = 0;
	if (ok != tp->up)
		tproc_change(tp, ok);
}

/* now: no delay (the first scan). */
static void
tproc_eval(struct tproc *tp, int now)
{
	struct timeval	 tv;
	uint32_t	 ms;
	int		 ok = tproc_quorum_ok(&tp->c, tp->n);

	if (ok == tp->up) {
		if (tp->pending)
			evtimer_del(tp->timer);
		tp->pending = 0;
		return;
	}
	ms = ok ? tp->c.fork_delay_ms : tp->c.terminate_delay_ms;
	if (now || tp->up == -1 || ms == 0) {
		if (tp->pending)
			evtimer_del(tp->timer);
		tp->pending = 0;
		tproc_change(tp, ok);
		return;
	}
	if (tp->pending)
		return;
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	evtimer_add(tp->timer, &tv);
	tp->pending = 1;
}

static void
proc_fork(pid_t parent, pid_t kid)
{
	struct tproc	*tp;
	struct tp_pid	 key;

	key.pid = parent;
	TAILQ_FOREACH(tp, &tprocs, entry)
		if (RB_FIND(tp_pids, &tp->pids, &key) != NULL)
			tproc_set(tp, kid, 1);
}

static void
proc_exit(pid_t pid)
{
	struct tproc	*tp;

	TAILQ_FOREACH(tp, &tprocs, entry)
		tproc_set(tp, pid, 0);
}

/* One event from the kernel; threads other than the leader do not count. */
#define PE_HAS(f)	(len >= offsetof(struct proc_event, event_data) + \
			    sizeof(pe->event_data.f))
static void
proc_event(const struct proc_event *pe, size_t len)
{
	const typeof(pe->event_data)	*d = &pe->event_data;

	if (pe->what == PROC_EVENT_FORK && PE_HAS(fork)) {
		if (d->fork.child_pid == d->fork.child_tgid)
			proc_fork(d->fork.parent_tgid, d->fork.child_tgid);
	} else if (pe->what == PROC_EVENT_EXEC && PE_HAS(exec))
		(void)proc_examine(d->exec.process_tgid);
	else if (pe->what == PROC_EVENT_COMM && PE_HAS(comm)) {
		if (d->comm.process_pid == d->comm.process_tgid)
			(void)proc_examine(d->comm.process_tgid);
	} else if (pe->what == PROC_EVENT_EXIT && PE_HAS(exit)) {
		if (d->exit.process_pid == d->exit.process_tgid)
			proc_exit(d->exit.process_tgid);
	} else
		return;
	events++;
}
#undef PE_HAS

static void
proc_nl_read(int fd, short ev, void *arg)
{
	struct tproc		*tp;
	struct sockaddr_nl	 sa;
	socklen_t		 salen;
	struct nlmsghdr		*nh;
	struct cn_msg		*cn;
	struct proc_event	 pe;
	char			 buf[8192]
				    __attribute__((__aligned__(NLMSG_ALIGNTO)));
	ssize_t			 r;
	size_t			 len;
	int			 i;

	for (i = 0; i < 64; i++) {
		salen = sizeof(sa);
		r = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&sa,
		    &salen);
		if (r == -1) {
			if (errno == ENOBUFS) {
				log_info("vrrp_track_process: the kernel "
				    "dropped process events; scanning /proc");
				proc_scan();
				continue;
			}
			if (errno != EAGAIN && errno != EINTR)
				log_warn("vrrp_track_process: events");
			break;
		}
		/* Only the kernel speaks on this socket. */
		if (salen < sizeof(sa) || sa.nl_pid != 0)
			continue;
		len = r;
		for (nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, len);
		    nh = NLMSG_NEXT(nh, len)) {
			if (nh->nlmsg_type != NLMSG_DONE ||
			    nh->nlmsg_len < NLMSG_LENGTH(sizeof(*cn)))
				continue;
			cn = NLMSG_DATA(nh);
			if (cn->id.idx != CN_IDX_PROC ||
			    cn->id.val != CN_VAL_PROC ||
			    cn->len > nh->nlmsg_len - NLMSG_LENGTH(sizeof(*cn)) ||
			    cn->len < offsetof(struct proc_event, event_data))
				continue;
			/* The event has a 64-bit field: copied to align it. */
			memset(&pe, 0, sizeof(pe));
			memcpy(&pe, cn->data, cn->len < sizeof(pe) ? cn->len :
			    sizeof(pe));
			proc_event(&pe, cn->len);
		}
	}
	TAILQ_FOREACH(tp, &tprocs, entry)
		tproc_eval(tp, 0);
}

/* IMSG_PROC_FD from had: the connector, or /proc. */
int
check_proc_fd(struct imsg *imsg)
{
	struct msg_proc_fd	 m;
	int			 fd;

	if (imsg->datalen != sizeof(m)) {
		log_warnx("had: process tracking message of %zu bytes, "
		    "expected %zu", imsg->datalen, sizeof(m));
		return (-1);
	}
	if (imsg->fd == -1) {
		log_warnx("had: process tracking message without a "
		    "descriptor");
		return (-1);
	}
	memcpy(&m, imsg->data, sizeof(m));
	fd = imsg->fd;
	imsg->fd = -1;		/* ours now */
	if (m.kind == PROC_FD_EVENTS) {
		if (nl_ev != NULL) {
			event_free(nl_ev);
			close(nl_fd);
		}
		nl_fd = fd;
		nl_ev = event_new(base, fd, EV_READ | EV_PERSIST,
		    proc_nl_read, NULL);
		event_add(nl_ev, NULL);
		return (0);
	}
	if (proc_fd != -1)
		close(proc_fd);
	proc_fd = fd;
	proc_scan();
	return (0);
}

void
check_proc_init(struct event_base *b)
{
	base = b;
}

static void
tproc_free(struct tproc *tp)
{
	tproc_clear(tp);
	evtimer_del(tp->timer);
	event_free(tp->timer);
	free(tp);
}

/* A new config: unchanged entries keep their state; then a new scan. */
void
check_proc_reconf(const struct had_conf *conf)
{
	struct tprocs		 old = TAILQ_HEAD_INITIALIZER(old);
	struct tproc		*tp, *ntp;
	struct conf_script	*cs;
	int			 added = 0;

	TAILQ_CONCAT(&old, &tprocs, entry);
	TAILQ_FOREACH(cs, &conf->scripts, entry) {
		if (!cs->c.process)
			continue;
		TAILQ_FOREACH(tp, &old, entry)
			if (memcmp(&tp->c, &cs->c, sizeof(tp->c)) == 0)
				break;
		if (tp != NULL) {
			TAILQ_REMOVE(&old, tp, entry);
			TAILQ_INSERT_TAIL(&tprocs, tp, entry);
			continue;
		}
		if ((tp = calloc(1, sizeof(*tp))) == NULL)
			fatal("check_proc_reconf");
		tp->c = cs->c;
		tp->up = -1;
		RB_INIT(&tp->pids);
		tp->timer = evtimer_new(base, tproc_timer, tp);
		TAILQ_INSERT_TAIL(&tprocs, tp, entry);
		added++;
	}
	TAILQ_FOREACH_SAFE(tp, &old, entry, ntp) {
		TAILQ_REMOVE(&old, tp, entry);
		tproc_free(tp);
	}
	if (added)
		proc_scan();
}

/* hactl show checks: one row per vrrp_track_process. */
int
check_proc_ctl(uint32_t peerid, const char *name)
{
	struct msg_ctl_check	 row;
	struct tproc		*tp;
	char			 q[32];

	TAILQ_FOREACH(tp, &tprocs, entry) {
		if (name[0] != '\0' && strcmp(name, tp->c.name) != 0)
			continue;
		memset(&row, 0, sizeof(row));
		strlcpy(row.vs, "vrrp_track_process", sizeof(row.vs));
		strlcpy(row.rs, tp->c.name, sizeof(row.rs));
		strlcpy(row.target, tp->c.cmd, sizeof(row.target));
		strlcpy(row.type, "PROCESS", sizeof(row.type));
		row.up = row.rs_up = tp->up == 1;
		row.rounds = events;
		row.last_change = tp->last_change;
		row.weight = tp->c.weight;
		if (proc_fd == -1)
			strlcpy(row.reason, "no /proc from had yet",
			    sizeof(row.reason));
		else
			snprintf(row.reason, sizeof(row.reason),
			    "%u running, quorum %s%s", tp->n,
			    tproc_quorum_str(tp, q, sizeof(q)),
			    tp->pending ? ", delay running" : "");
		if (child_ctl_send(IMSG_CTL_CHECK, peerid, &row,
		    sizeof(row)) == -1)
			return (-1);
	}
	return (0);
}
