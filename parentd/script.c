/*
 * Running scripts for the children: vrrp_script checks and MISC_CHECKs
 * asked for by checkd, notify scripts of VRRP instances reported by
 * vrrpd, and the quorum_up, quorum_down, notify_up and notify_down of
 * virtual and real servers reported by lvsd.  A child names the object
 * in the configuration; had looks up the command, its user and its
 * timeout in its own copy, so a compromised child cannot make had run
 * anything that is not in the configuration, nor for longer.
 *
 * A check id (a vrrp_script or MISC_CHECK name) runs once at a time and
 * at most SCRIPT_RATE_PER_S times a second; checkd asking for more, or
 * for a script that is not its own, breaks the protocol and is
 * restarted.  Notify scripts queue per VRRP instance (or sync group)
 * and per virtual or real server: one at a time, in the order of the
 * transitions, in slots that checks cannot take.  Every script runs
 * without a shell (script_security.c), as script_user, with a fixed
 * environment, in its own process group, with a timeout.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event.h>

#include "conf.h"
#include "conf_misc.h"
#include "had.h"
#include "log.h"
#include "proc.h"

#define SCRIPT_MAX_CHECKS	256	/* checkd's scripts at once */
#define SCRIPT_MAX_NOTIFY	256	/* notify scripts: slots of their own */
#define SCRIPT_NOTIFY_TIMEOUT	30000
#define SCRIPT_OMEGA_TIMEOUT	SHUTDOWN_GRACE_MS	/* had waits */
#define SCRIPT_RATE_PER_S	20	/* runs of one check id, on average */
#define SCRIPT_RATE_BURST	50	/* and in a burst */
#define SCRIPT_SLOTS_MAX	8192
#define NOTIFY_QUEUE_MAX	32	/* transitions waiting per object */
#define NOTIFY_KEYLEN		(CONF_VSNAMELEN + CONF_RSNAMELEN + 8)
#define NOTIFY_EXTRA		4
#define SCRIPT_LOG_LINES	100	/* of a run's output, then dropped */
#define SCRIPT_LOG_LINELEN	400

struct script_slot;
struct notify_queue;

struct script_run {
	TAILQ_ENTRY(script_run)	 entry;
	pid_t			 pid;
	enum had_proc		 from;		/* PROC_PARENT: notify */
	pid_t			 from_pid;	/* the child that asked */
	uint64_t		 from_gen;	/* the config it had confirmed */
	struct script_slot	*slot;		/* a check's id */
	struct notify_queue	*queue;		/* a notify's queue */
	struct msg_script_result res;
	struct timespec		 started;
	struct event		*timeout_ev;
	struct event		*out_ev;	/* its stdout and stderr */
	int			 out_fd;
	size_t			 out_len;
	unsigned		 out_lines;
	char			 out[SCRIPT_LOG_LINELEN];
	int			 timed_out;
	int			 stale;		/* its asker is gone */
	int			 omega;		/* had waits for it on exit */
	char			 what[HAD_NAMELEN + 32];
};
TAILQ_HEAD(, script_run) scripts = TAILQ_HEAD_INITIALIZER(scripts);
static int	nchecks, nnotify;

/* A check id checkd may ask for: one run at a time, a bounded rate. */
struct script_slot {
	TAILQ_ENTRY(script_slot) entry;
	uint32_t		 kind;
	char			 name[HAD_NAMELEN];
	struct script_run	*run;
	int64_t			 credit_ms;
	struct timespec		 last;
};
TAILQ_HEAD(, script_slot) slots = TAILQ_HEAD_INITIALIZER(slots);
static int	nslots;

/* One transition's script, waiting for the one before to finish. */
struct notify_job {
	TAILQ_ENTRY(notify_job)	 entry;
	char			 name[HAD_NAMELEN];
	char			 cmd[CONF_CMDLEN];
	char			 extra[NOTIFY_EXTRA][HAD_NAMELEN];
	int			 nextra;
	uint32_t		 timeout_ms;
};
struct notify_queue {
	TAILQ_ENTRY(notify_queue) entry;
	char			 key[NOTIFY_KEYLEN];
	TAILQ_HEAD(, notify_job) jobs;
	int			 njobs;
	struct script_run	*run;
};
TAILQ_HEAD(, notify_queue) queues = TAILQ_HEAD_INITIALIZER(queues);

static void	notify_next(struct notify_queue *);

static void
script_kill(struct script_run *sr)
{
	kill(-sr->pid, SIGKILL);
	kill(sr->pid, SIGKILL);
}

static void
script_timeout(int fd, short ev, void *arg)
{
	struct script_run	*sr = arg;

	sr->timed_out = 1;
	log_warnx("%s: timed out; killing it", sr->what);
	script_kill(sr);
}

/* One line of a script's output to the log, control characters as '?'. */
static void
script_log_line(struct script_run *sr)
{
	size_t	 i;

	if (sr->out_lines++ == SCRIPT_LOG_LINES)
		log_warnx("%s: more than %d lines of output; the rest is "
		    "not logged", sr->what, SCRIPT_LOG_LINES);
	if (sr->out_lines <= SCRIPT_LOG_LINES) {
		for (i = 0; i < sr->out_len; i++)
			if ((unsigned char)sr->out[i] < 0x20 ||
			    sr->out[i] == 0x7f)
				sr->out[i] = '?';
		log_info("%s: %.*s", sr->what, (int)sr->out_len, sr->out);
	}
	sr->out_len = 0;
}

static void
script_output_close(struct script_run *sr)
{
	if (sr->out_ev == NULL)
		return;
	if (sr->out_len > 0)
		script_log_line(sr);
	event_free(sr->out_ev);
	sr->out_ev = NULL;
	close(sr->out_fd);
}

/* What the script writes, logged line by line. */
static void
script_output(int fd, short ev, void *arg)
{
	struct script_run	*sr = arg;
	char			 buf[4096];
	ssize_t			 n, i;
	int			 k;

	/* A pipe's worth at most, then the others' turn. */
	for (k = 0; k < 16; k++) {
		if ((n = read(fd, buf, sizeof(buf))) == -1 &&
		    (errno == EAGAIN || errno == EINTR))
			return;
		if (n <= 0) {
			script_output_close(sr);
			return;
		}
		for (i = 0; i < n; i++) {
			if (buf[i] == '\n') {
				script_log_line(sr);
				continue;
			}
			sr->out[sr->out_len++] = buf[i];
			if (sr->out_len == sizeof(sr->out))
				script_log_line(sr);
		}
	}
}

/* Who a script runs as: its own user, else global script_user, else root. */
static int
script_ids(const char *user, const char *group, uid_t *uid, gid_t *gid)
{
	const struct global_conf	*g = &env->conf->global;
	struct passwd			*pw;
	struct group			*gr;

	if (user == NULL || user[0] == '\0') {
		user = g->script_user;
		group = g->script_group;
	}
	if (user[0] == '\0')
		user = "root";
	if ((pw = getpwnam(user)) == NULL) {
		log_warnx("script user %s does not exist", user);
		return (-1);
	}
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	if (group != NULL && group[0] != '\0') {
		if ((gr = getgrnam(group)) == NULL) {
			log_warnx("script group %s does not exist", group);
			return (-1);
		}
		*gid = gr->gr_gid;
	}
	return (0);
}

/*
 * The new process: stdin /dev/null, stdout and stderr out (a pipe to
 * had, which logs it), cwd /, the environment PATH only, then exactly
 * the file that was checked.
 */
static pid_t
script_spawn(const struct script_file *sf, char *const argv[], uid_t uid,
    gid_t gid, int out)
{
	static char *const	 envp[] = { "PATH=" SCRIPT_PATH, NULL };
	struct stat		 st;
	sigset_t		 set;
	pid_t			 pid;
	int			 i, fd;

	switch (pid = fork()) {
	case -1:
		return (-1);
	case 0:
		break;
	default:
		return (pid);
	}
	setpgid(0, 0);
	if ((fd = open("/dev/null", O_RDWR)) == -1 || dup2(fd, 0) == -1 ||
	    dup2(out != -1 ? out : fd, 1) == -1 ||
	    dup2(out != -1 ? out : fd, 2) == -1)
		_exit(126);
	/* The checked file, on 3 and close-on-exec: nothing else goes on. */
	if (sf->fd != 3 && dup3(sf->fd, 3, O_CLOEXEC) == -1)
		_exit(126);
	closefrom(4);
	for (i = 1; i < NSIG; i++)
		signal(i, SIG_DFL);
	sigemptyset(&set);
	sigprocmask(SIG_SETMASK, &set, NULL);
	if (chdir("/") == -1 || setgroups(1, &gid) == -1 ||
	    setresgid(gid, gid, gid) == -1 || setresuid(uid, uid, uid) == -1)
		_exit(126);
	if (sf->script) {
		/*
		 * The kernel gives a #! script its path: the resolved one,
		 * whose every component was checked; still the same file.
		 */
		if (stat(sf->path, &st) == -1 || st.st_dev != sf->dev ||
		    st.st_ino != sf->ino)
			_exit(126);
		execve(sf->path, argv, envp);
	} else
		fexecve(3, argv, envp);
	_exit(127);
}

/*
 * Start cmd (plus the extra arguments) for run: split into words, the
 * program found and checked, as the script's user.  NULL if refused or
 * failed, logged.
 */
static struct script_run *
script_start(enum had_proc from, const struct msg_script_run *run,
    const char *cmd, char *const extra[], const char *user,
    const char *group, uint32_t timeout_ms)
{
	struct script_run	*sr;
	struct script_file	 sf;
	struct timeval		 tv;
	uid_t			 uid;
	gid_t			 gid;
	char			 why[PATH_MAX + 64], words[CONF_CMDLEN];
	char			*argv[SCRIPT_MAXARGS + NOTIFY_EXTRA + 1];
	int			 argc, i, check, out[2];

	if (from == PROC_PARENT ? nnotify >= SCRIPT_MAX_NOTIFY :
	    nchecks >= SCRIPT_MAX_CHECKS) {
		log_warnx("script %s: %d %s scripts running already; refused",
		    run->name, from == PROC_PARENT ? nnotify : nchecks,
		    from == PROC_PARENT ? "notify" : "check");
		return (NULL);
	}
	if (script_ids(user, group, &uid, &gid) == -1)
		return (NULL);
	if ((argc = script_split(cmd, words, sizeof(words), argv,
	    SCRIPT_MAXARGS + 1, why, sizeof(why))) == -1) {
		log_warnx("script %s: cannot run \"%s\": %s", run->name, cmd,
		    why);
		return (NULL);
	}
	for (i = 0; extra != NULL && extra[i] != NULL &&
	    i < NOTIFY_EXTRA; i++)
		argv[argc++] = extra[i];
	argv[argc] = NULL;
	check = env->conf->global.enable_script_security;
	if (script_resolve(argv[0], check, uid, &sf, why, sizeof(why)) == -1) {
		if (check && uid == 0)
			log_warnx("script %s: refused to run as root: %s "
			    "(enable_script_security)", run->name, why);
		else
			log_warnx("script %s: refused: %s%s", run->name, why,
			    check ? " (enable_script_security)" : "");
		return (NULL);
	}
	if ((sr = calloc(1, sizeof(*sr))) == NULL) {
		close(sf.fd);
		return (NULL);
	}
	sr->from = from;
	sr->res.kind = run->kind;
	sr->res.id = run->id;
	memcpy(sr->res.name, run->name, sizeof(sr->res.name));
	snprintf(sr->what, sizeof(sr->what), "script %s (%s)", run->name,
	    from == PROC_PARENT ? "notify" : proc_name(from));
	if (pipe2(out, O_CLOEXEC | O_NONBLOCK) == -1) {
		log_warn("%s: pipe; its output is not logged", sr->what);
		out[0] = out[1] = -1;
	}
	sr->pid = script_spawn(&sf, argv, uid, gid, out[1]);
	close(sf.fd);
	if (out[1] != -1)
		close(out[1]);
	if (sr->pid == -1) {
		log_warn("%s: fork", sr->what);
		if (out[0] != -1)
			close(out[0]);
		free(sr);
		return (NULL);
	}
	if (out[0] != -1) {
		sr->out_fd = out[0];
		if ((sr->out_ev = event_new(env->base, out[0],
		    EV_READ | EV_PERSIST, script_output, sr)) == NULL ||
		    event_add(sr->out_ev, NULL) == -1) {
			log_warnx("%s: its output is not logged", sr->what);
			if (sr->out_ev != NULL)
				event_free(sr->out_ev);
			sr->out_ev = NULL;
			close(out[0]);
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &sr->started);
	sr->timeout_ev = evtimer_new(env->base, script_timeout, sr);
	tv.tv_sec = timeout_ms / 1000;
	tv.tv_usec = (timeout_ms % 1000) * 1000;
	evtimer_add(sr->timeout_ev, &tv);
	TAILQ_INSERT_TAIL(&scripts, sr, entry);
	if (from == PROC_PARENT)
		nnotify++;
	else
		nchecks++;
	log_debug("%s: started %s as uid %u, pid %d", sr->what, sf.path,
	    (unsigned)uid, (int)sr->pid);
	return (sr);
}

static void
script_fail(enum had_proc from, const struct msg_script_run *run)
{
	struct msg_script_result	 res;

	memset(&res, 0, sizeof(res));
	res.kind = run->kind;
	res.id = run->id;
	memcpy(res.name, run->name, sizeof(res.name));
	res.status = -1;
	child_compose(from, IMSG_SCRIPT_RESULT, 0, -1, &res, sizeof(res));
}

/* The MISC_CHECK whose name (conf_misc_name) checkd sent. */
static const struct check_conf *
script_find_misc(const char *name)
{
	struct conf_vs		*vs;
	struct conf_rs		*rs;
	struct conf_check	*ck;
	char			 n[HAD_NAMELEN];

	TAILQ_FOREACH(vs, &env->conf->vss, entry)
		TAILQ_FOREACH(rs, &vs->rss, entry)
			TAILQ_FOREACH(ck, &rs->checks, entry) {
				if (ck->c.type != CHECK_MISC)
					continue;
				conf_misc_name(&vs->c, &rs->c, ck, n,
				    sizeof(n));
				if (strcmp(n, name) == 0)
					return (&ck->c);
			}
	return (NULL);
}

/*
 * The child has the configuration had's copy was made from: a name that
 * is not in it is not an artefact of a reload in flight.
 */
static int
script_child_synced(enum had_proc from)
{
	const struct child_proc	*c = &env->children[from];

	return (c->generation != 0 && c->generation_done == c->generation);
}

static struct script_slot *
script_slot_get(uint32_t kind, const char *name)
{
	struct script_slot	*sl, *t;

	TAILQ_FOREACH(sl, &slots, entry)
		if (sl->kind == kind && strcmp(sl->name, name) == 0)
			return (sl);
	if (nslots >= SCRIPT_SLOTS_MAX) {
		/* Names of reloads long gone: forget the idle ones. */
		TAILQ_FOREACH_SAFE(sl, &slots, entry, t) {
			if (sl->run != NULL)
				continue;
			TAILQ_REMOVE(&slots, sl, entry);
			free(sl);
			nslots--;
		}
	}
	if ((sl = calloc(1, sizeof(*sl))) == NULL)
		return (NULL);
	sl->kind = kind;
	strlcpy(sl->name, name, sizeof(sl->name));
	sl->credit_ms = (int64_t)SCRIPT_RATE_BURST * 1000 / SCRIPT_RATE_PER_S;
	clock_gettime(CLOCK_MONOTONIC, &sl->last);
	TAILQ_INSERT_TAIL(&slots, sl, entry);
	nslots++;
	return (sl);
}

/* Take one run's worth of credit: -1 if the id runs too often. */
static int
script_slot_rate(struct script_slot *sl)
{
	const int64_t	 cost = 1000 / SCRIPT_RATE_PER_S;
	const int64_t	 cap = (int64_t)SCRIPT_RATE_BURST * cost;

	sl->credit_ms += ts_ms_since(&sl->last);
	clock_gettime(CLOCK_MONOTONIC, &sl->last);
	if (sl->credit_ms > cap)
		sl->credit_ms = cap;
	if (sl->credit_ms < cost)
		return (-1);
	sl->credit_ms -= cost;
	return (0);
}

static const char *
script_kind_name(uint32_t kind)
{
	return (kind == SCRIPT_MISC ? "MISC_CHECK" : "vrrp_script");
}

/*
 * checkd asks for a check script by name.  -1: a protocol violation,
 * logged; had then restarts checkd.
 */
int
script_request(enum had_proc from, const struct msg_script_run *run)
{
	struct child_proc	*c = &env->children[from];
	struct conf_script	*cs;
	const struct check_conf	*mc;
	struct script_slot	*sl;
	struct script_run	*sr;
	const char		*cmd, *user, *group;
	char			 name[HAD_NAMELEN];
	uint32_t		 timeout;

	if (from != PROC_CHECK ||
	    (run->kind != SCRIPT_VRRP && run->kind != SCRIPT_MISC)) {
		log_warnx("%s: protocol violation: asked for a script of "
		    "kind %u", proc_name(from), run->kind);
		return (-1);
	}
	if (memchr(run->name, '\0', sizeof(run->name)) == NULL) {
		log_warnx("%s: protocol violation: script name not "
		    "terminated", proc_name(from));
		return (-1);
	}
	memcpy(name, run->name, sizeof(name));
	cmd = user = group = NULL;
	timeout = 0;
	if (run->kind == SCRIPT_MISC) {
		if ((mc = script_find_misc(name)) != NULL) {
			cmd = mc->misc_path;
			user = mc->user;
			group = mc->group;
			/* Only the configured timeout: not checkd's word. */
			timeout = mc->misc_timeout_ms ? mc->misc_timeout_ms :
			    mc->delay_loop_ms;
		}
	} else {
		TAILQ_FOREACH(cs, &env->conf->scripts, entry)
			if (strcmp(cs->c.name, name) == 0)
				break;
		if (cs != NULL) {
			cmd = cs->c.script;
			user = cs->c.user;
			group = cs->c.group;
			timeout = (cs->c.timeout ? cs->c.timeout :
			    cs->c.interval) * 1000;
		}
	}
	if (cmd == NULL || cmd[0] == '\0') {
		if (script_child_synced(from)) {
			log_warnx("%s: protocol violation: asked for %s %s, "
			    "not one of its scripts", proc_name(from),
			    script_kind_name(run->kind), name);
			return (-1);
		}
		log_warnx("%s asked for unknown %s %s (a reload in flight); "
		    "refused", proc_name(from), script_kind_name(run->kind),
		    name);
		script_fail(from, run);
		return (0);
	}
	if (timeout == 0)
		timeout = 10000;
	if ((sl = script_slot_get(run->kind, name)) == NULL) {
		script_fail(from, run);
		return (0);
	}
	if ((sr = sl->run) != NULL) {
		if (sr->from_pid == c->pid &&
		    sr->from_gen == c->generation_done) {
			log_warnx("%s: protocol violation: asked for %s %s "
			    "while it runs (pid %d)", proc_name(from),
			    script_kind_name(run->kind), name, (int)sr->pid);
			return (-1);
		}
		/* Its asker is gone or reconfigured: no one waits for it. */
		log_info("%s: asked for again by a newer checkd or "
		    "configuration; killing this run", sr->what);
		script_kill(sr);
		sr->stale = 1;
		sr->slot = NULL;
		sl->run = NULL;
	}
	if (script_slot_rate(sl) == -1) {
		log_warnx("%s: protocol violation: asked for %s %s more than "
		    "%d times a second", proc_name(from),
		    script_kind_name(run->kind), name, SCRIPT_RATE_PER_S);
		return (-1);
	}
	if ((sr = script_start(from, run, cmd, NULL, user, group,
	    timeout)) == NULL) {
		script_fail(from, run);
		return (0);
	}
	sr->slot = sl;
	sl->run = sr;
	sr->from_pid = c->pid;
	/*
	 * What checkd had applied when it asked (its RECONF_DONE comes
	 * before any request made under a newer config): a new config may
	 * bring new check objects that ask again.
	 */
	sr->from_gen = c->generation_done;
	return (0);
}

/*
 * Notify queues, one per VRRP instance or sync group and per virtual or
 * real server: a transition's scripts start once the previous
 * transition's have finished or timed out, so they run in order.
 */
static struct notify_queue *
notify_queue_get(const char *key)
{
	struct notify_queue	*q;

	TAILQ_FOREACH(q, &queues, entry)
		if (strcmp(q->key, key) == 0)
			return (q);
	if ((q = calloc(1, sizeof(*q))) == NULL)
		return (NULL);
	strlcpy(q->key, key, sizeof(q->key));
	TAILQ_INIT(&q->jobs);
	TAILQ_INSERT_TAIL(&queues, q, entry);
	return (q);
}

static void
notify_queue_put(struct notify_queue *q)
{
	if (q->run != NULL || !TAILQ_EMPTY(&q->jobs))
		return;
	TAILQ_REMOVE(&queues, q, entry);
	free(q);
}

/* Queue cmd with its extra arguments (NULL-terminated) under key. */
static void
notify_enqueue(const char *key, const char *name, const char *cmd,
    char *const extra[], uint32_t timeout_ms)
{
	struct notify_queue	*q;
	struct notify_job	*j;
	int			 i;

	if (cmd == NULL || cmd[0] == '\0')
		return;
	if ((q = notify_queue_get(key)) == NULL ||
	    (j = calloc(1, sizeof(*j))) == NULL) {
		log_warn("script %s: queue", name);
		return;
	}
	if (q->njobs >= NOTIFY_QUEUE_MAX) {
		/* The oldest waiting goes: the last transition stays last. */
		struct notify_job	*old = TAILQ_FIRST(&q->jobs);

		log_warnx("%s: %d notify scripts waiting; %s dropped", key,
		    q->njobs, old->name);
		TAILQ_REMOVE(&q->jobs, old, entry);
		free(old);
		q->njobs--;
	}
	strlcpy(j->name, name, sizeof(j->name));
	strlcpy(j->cmd, cmd, sizeof(j->cmd));
	for (i = 0; extra != NULL && extra[i] != NULL && i < NOTIFY_EXTRA;
	    i++)
		strlcpy(j->extra[i], extra[i], sizeof(j->extra[i]));
	j->nextra = i;
	j->timeout_ms = timeout_ms;
	TAILQ_INSERT_TAIL(&q->jobs, j, entry);
	q->njobs++;
	notify_next(q);
}

/* Start q's next job if none runs; a job that cannot start is dropped. */
static void
notify_next(struct notify_queue *q)
{
	struct msg_script_run	 run;
	struct notify_job	*j;
	char			*extra[NOTIFY_EXTRA + 1];
	int			 i;

	while (q->run == NULL && (j = TAILQ_FIRST(&q->jobs)) != NULL) {
		TAILQ_REMOVE(&q->jobs, j, entry);
		q->njobs--;
		memset(&run, 0, sizeof(run));
		strlcpy(run.name, j->name, sizeof(run.name));
		for (i = 0; i < j->nextra; i++)
			extra[i] = j->extra[i];
		extra[i] = NULL;
		if ((q->run = script_start(PROC_PARENT, &run, j->cmd, extra,
		    NULL, NULL, j->timeout_ms)) != NULL)
			q->run->queue = q;
		free(j);
	}
	notify_queue_put(q);
}

static const char *
notify_state_name(uint32_t state)
{
	switch (state) {
	case 1:
		return ("BACKUP");
	case 2:
		return ("MASTER");
	case 3:
		return ("FAULT");
	case 4:
		return ("STOP");
	default:
		return (NULL);
	}
}

/* The sync group instance name is in, or NULL. */
static const struct conf_sync_group *
notify_group_of(const char *name)
{
	const struct conf_sync_group	*g;
	const struct conf_sync_member	*m;

	TAILQ_FOREACH(g, &env->conf->sync_groups, entry)
		TAILQ_FOREACH(m, &g->members, entry)
			if (strcmp(m->c.instance, name) == 0)
				return (g);
	return (NULL);
}

/*
 * The state each sync group was last notified of: the first member to
 * report a state takes the group there, the others follow it.
 */
#define NOTIFY_GROUPS_MAX	4096
struct notify_gstate {
	TAILQ_ENTRY(notify_gstate) entry;
	char			 name[HAD_NAMELEN];
	uint32_t		 state;
};
TAILQ_HEAD(, notify_gstate) gstates = TAILQ_HEAD_INITIALIZER(gstates);
static int	ngstates;

/* 1 if group g was not in state yet (it is now), else 0. */
static int
notify_group_moves(const char *group, uint32_t state)
{
	struct notify_gstate	*gs;

	TAILQ_FOREACH(gs, &gstates, entry)
		if (strcmp(gs->name, group) == 0)
			break;
	if (gs == NULL) {
		if (ngstates >= NOTIFY_GROUPS_MAX) {
			/* Groups of reloads long gone: start over. */
			while ((gs = TAILQ_FIRST(&gstates)) != NULL) {
				TAILQ_REMOVE(&gstates, gs, entry);
				free(gs);
			}
			ngstates = 0;
		}
		if ((gs = calloc(1, sizeof(*gs))) == NULL)
			return (0);
		strlcpy(gs->name, group, sizeof(gs->name));
		TAILQ_INSERT_TAIL(&gstates, gs, entry);
		ngstates++;
	}
	if (gs->state == state)
		return (0);
	gs->state = state;
	return (1);
}

/* The notify_<state> command of an instance or group, by state. */
static const char *
notify_cmd(uint32_t state, const char *master, const char *backup,
    const char *fault, const char *stop)
{
	switch (state) {
	case 1:
		return (backup);
	case 2:
		return (master);
	case 3:
		return (fault);
	default:
		return (stop);
	}
}

/*
 * vrrpd reports a transition: queue the instance's notify scripts, and
 * its sync group's when the group changes state with it.
 */
int
script_notify(const struct msg_notify *n)
{
	struct conf_instance		*ci;
	const struct vrrp_instance_conf	*c;
	const struct conf_sync_group	*g;
	const char			*state;
	char				 name[HAD_NAMELEN], prio[16];
	char				 key[NOTIFY_KEYLEN];
	char				*extra[NOTIFY_EXTRA + 1];

	if (memchr(n->instance, '\0', sizeof(n->instance)) == NULL ||
	    memchr(n->group, '\0', sizeof(n->group)) == NULL) {
		log_warnx("vrrpd: protocol violation: notify with a name "
		    "not terminated");
		return (-1);
	}
	memcpy(name, n->instance, sizeof(name));
	if ((state = notify_state_name(n->state)) == NULL) {
		log_warnx("vrrpd: notify with bad state %u", n->state);
		return (-1);
	}
	TAILQ_FOREACH(ci, &env->conf->instances, entry)
		if (strcmp(ci->c.name, name) == 0)
			break;
	if (ci == NULL) {
		if (script_child_synced(PROC_VRRP)) {
			log_warnx("vrrpd: protocol violation: notify for "
			    "unknown instance %s", name);
			return (-1);
		}
		log_warnx("vrrpd: notify for unknown instance %s", name);
		return (0);
	}
	c = &ci->c;
	event_record("vrrp", name, "%s, priority %u: %.*s", state,
	    n->priority, (int)strnlen(n->reason, sizeof(n->reason)),
	    n->reason);
	/* Had's config says which group, not vrrpd. */
	if ((g = notify_group_of(name)) != NULL)
		snprintf(key, sizeof(key), "vrrp_sync_group %s", g->c.name);
	else
		snprintf(key, sizeof(key), "vrrp_instance %s", name);
	notify_enqueue(key, name, notify_cmd(n->state, c->notify_master,
	    c->notify_backup, c->notify_fault, c->notify_stop), NULL,
	    SCRIPT_NOTIFY_TIMEOUT);
	/* keepalived's generic notify: INSTANCE name state prio */
	snprintf(prio, sizeof(prio), "%u", n->priority);
	extra[0] = "INSTANCE";
	extra[1] = name;
	extra[2] = (char *)state;
	extra[3] = prio;
	extra[4] = NULL;
	notify_enqueue(key, name, c->notify, extra, SCRIPT_NOTIFY_TIMEOUT);
	fifo_vrrp("INSTANCE", name, state, n->priority);
	alert_vrrp(c, n->state, n->priority);
	if (g == NULL || !notify_group_moves(g->c.name, n->state))
		return (0);
	fifo_vrrp("GROUP", g->c.name, state, 0);
	notify_enqueue(key, g->c.name, notify_cmd(n->state,
	    g->c.notify_master, g->c.notify_backup, g->c.notify_fault,
	    g->c.notify_stop), NULL, SCRIPT_NOTIFY_TIMEOUT);
	/* keepalived's for a group: GROUP name state */
	extra[0] = "GROUP";
	extra[1] = (char *)g->c.name;
	extra[3] = NULL;
	notify_enqueue(key, g->c.name, g->c.notify, extra,
	    SCRIPT_NOTIFY_TIMEOUT);
	return (0);
}


/*
 * What lvsd last told of each virtual server (its quorum) and real
 * server (its health), by value.  A repeat is not run again: a
 * respawned lvsd starts over from the state it assumes before the
 * checks say anything and may report the same transitions once more.
 * omega needs it too, on exit.  Entries of objects a reload removed
 * stay until the table is full.
 */
#define LVS_STATE_BUCKETS	4096
#define LVS_STATE_MAX		131072
struct lvs_state {
	struct lvs_state	*next;
	struct msg_lvs_id	 id;
	uint32_t		 event;
};
static struct lvs_state	*lvs_states[LVS_STATE_BUCKETS];
static size_t		 nlvs_states;

static uint32_t
lvs_state_hash(const struct msg_lvs_id *id)
{
	const uint8_t	*p = (const uint8_t *)id;
	uint32_t	 h = 2166136261U;
	size_t		 i;

	for (i = 0; i < sizeof(*id); i++)
		h = (h ^ p[i]) * 16777619U;
	return (h % LVS_STATE_BUCKETS);
}

static struct lvs_state *
lvs_state_find(const struct msg_lvs_id *id)
{
	struct lvs_state	*st;

	for (st = lvs_states[lvs_state_hash(id)]; st != NULL; st = st->next)
		if (memcmp(&st->id, id, sizeof(*id)) == 0)
			return (st);
	return (NULL);
}

/* Full: forget the objects that are no longer in the config. */
static void
lvs_state_prune(void)
{
	struct lvs_state	**pp, *st;
	const struct conf_vs	*vs;
	const struct conf_rs	*rs;
	size_t			 i;

	for (i = 0; i < LVS_STATE_BUCKETS; i++)
		for (pp = &lvs_states[i]; (st = *pp) != NULL; ) {
			if (conf_lvs_find(env->conf, &st->id, &vs, &rs) == 1) {
				pp = &st->next;
				continue;
			}
			*pp = st->next;
			free(st);
			nlvs_states--;
		}
}

/* Record event for id: 0 if it is what had knew already, else 1. */
static int
lvs_state_set(const struct msg_lvs_id *id, uint32_t event)
{
	struct lvs_state	*st;
	uint32_t		 h;

	if ((st = lvs_state_find(id)) != NULL) {
		if (st->event == event)
			return (0);
		st->event = event;
		return (1);
	}
	if (nlvs_states >= LVS_STATE_MAX)
		lvs_state_prune();
	if (nlvs_states >= LVS_STATE_MAX ||
	    (st = calloc(1, sizeof(*st))) == NULL) {
		log_warnx("lvsd: state of %zu objects kept already: a "
		    "repeat may run its script again", nlvs_states);
		return (1);
	}
	h = lvs_state_hash(id);
	st->id = *id;
	st->event = event;
	st->next = lvs_states[h];
	lvs_states[h] = st;
	nlvs_states++;
	return (1);
}

static const char *const lvs_event_kw[LVS_NOTIFY_MAX] = {
	NULL, "quorum_up", "quorum_down", "notify_up", "notify_down"
};

/*
 * The command of event for vs (and rs, a real server event), or NULL;
 * name for the log and key, the queue of that server.
 */
static const char *
lvs_script(const struct conf_vs *vs, const struct conf_rs *rs,
    uint32_t event, char *name, size_t namelen, char *key, size_t keylen)
{
	const char		*cmd;
	char			 vn[CONF_VSNAMELEN], rn[CONF_RSNAMELEN];

	switch (event) {
	case LVS_NOTIFY_QUORUM_UP:
		cmd = vs->c.quorum_up;
		break;
	case LVS_NOTIFY_QUORUM_DOWN:
		cmd = vs->c.quorum_down;
		break;
	case LVS_NOTIFY_RS_UP:
		cmd = conf_rs_notify(rs, 0);
		break;
	default:
		cmd = conf_rs_notify(rs, 1);
		break;
	}
	if (cmd[0] == '\0')
		return (NULL);
	conf_vs_name(&vs->c, vn, sizeof(vn));
	if (rs != NULL) {
		conf_rs_name(&rs->c, rn, sizeof(rn));
		log_info("virtual server %s, real server %s: running %s", vn,
		    rn, lvs_event_kw[event]);
		snprintf(name, namelen, "%s %s", lvs_event_kw[event], rn);
		snprintf(key, keylen, "real_server %s %s", vn, rn);
	} else {
		log_info("virtual server %s: running %s", vn,
		    lvs_event_kw[event]);
		snprintf(name, namelen, "%s %s", lvs_event_kw[event], vn);
		snprintf(key, keylen, "virtual_server %s", vn);
	}
	return (cmd);
}

/*
 * lvsd saw a quorum or real server transition: queue quorum_up,
 * quorum_down, notify_up or notify_down from had's own config.  A
 * malformed message closes the channel; an object had's config does not
 * have (a reload in between) is logged and ignored.
 */
int
script_lvs_notify(const struct msg_lvs_notify *n)
{
	const struct conf_vs	*vs;
	const struct conf_rs	*rs;
	struct msg_lvs_id	 id;
	const char		*cmd;
	char			 vn[CONF_VSNAMELEN], rn[CONF_RSNAMELEN];
	char			 name[HAD_NAMELEN], key[NOTIFY_KEYLEN];
	int			 r;

	if ((r = conf_lvs_notify_check(env->conf, n, &vs, &rs)) == -1) {
		log_warnx("lvsd: malformed virtual server notification "
		    "(event %u, type %u)", n->event, n->id.vs_type);
		return (-1);
	}
	if (r == 0) {
		conf_lvs_id_vs(&n->id, vn, sizeof(vn));
		if (n->id.rs_af != 0)
			log_warnx("lvsd: %s for unknown virtual server %s, "
			    "real server %s ignored", lvs_event_kw[n->event],
			    vn, conf_lvs_id_rs(&n->id, rn, sizeof(rn)));
		else
			log_warnx("lvsd: %s for unknown virtual server %s "
			    "ignored", lvs_event_kw[n->event], vn);
		return (0);
	}
	/* Keyed as the config has it: the message's spare fields vary. */
	conf_lvs_id(&vs->c, rs != NULL ? &rs->c : NULL, &id);
	conf_vs_name(&vs->c, vn, sizeof(vn));
	if (rs != NULL)
		event_record("rs", vn, "real server %s %s",
		    conf_rs_name(&rs->c, rn, sizeof(rn)),
		    n->event == LVS_NOTIFY_RS_UP ? "up" : "down");
	else
		event_record("quorum", vn, "quorum %s",
		    n->event == LVS_NOTIFY_QUORUM_UP ? "met" : "lost");
	if (lvs_state_set(&id, n->event) == 0) {
		log_debug("lvsd: %s for virtual server %s again: not run "
		    "twice", lvs_event_kw[n->event],
		    conf_vs_name(&vs->c, vn, sizeof(vn)));
		return (0);
	}
	fifo_lvs(&vs->c, rs != NULL ? &rs->c : NULL,
	    n->event == LVS_NOTIFY_RS_UP || n->event == LVS_NOTIFY_QUORUM_UP);
	if (rs == NULL)
		alert_quorum(&vs->c, n->event == LVS_NOTIFY_QUORUM_UP);
	if ((cmd = lvs_script(vs, rs, n->event, name, sizeof(name), key,
	    sizeof(key))) != NULL)
		notify_enqueue(key, name, cmd, NULL, SCRIPT_NOTIFY_TIMEOUT);
	return (0);
}

/*
 * A reload removed real servers (or their virtual server): as keepalived,
 * notify_down of each that was up (as lvsd last said; before that, up
 * unless alpha), with the command of the old config.
 */
void
script_lvs_removed(const struct had_conf *old, const struct had_conf *new)
{
	const struct conf_vs	*vs, *nvs;
	const struct conf_rs	*rs, *nrs;
	const struct lvs_state	*st;
	struct msg_lvs_id	 id;
	const char		*cmd;
	char			 name[HAD_NAMELEN], key[NOTIFY_KEYLEN];

	if (old == NULL)
		return;
	TAILQ_FOREACH(vs, &old->vss, entry) {
		TAILQ_FOREACH(rs, &vs->rss, entry) {
			if (conf_rs_notify(rs, 1)[0] == '\0')
				continue;
			conf_lvs_id(&vs->c, &rs->c, &id);
			if (conf_lvs_find(new, &id, &nvs, &nrs) == 1 &&
			    nrs != NULL)
				continue;
			st = lvs_state_find(&id);
			if (st != NULL ? st->event != LVS_NOTIFY_RS_UP :
			    vs->c.alpha)
				continue;
			/* Added again later: its notify_up runs again. */
			(void)lvs_state_set(&id, LVS_NOTIFY_RS_DOWN);
			if ((cmd = lvs_script(vs, rs, LVS_NOTIFY_RS_DOWN, name,
			    sizeof(name), key, sizeof(key))) != NULL)
				notify_enqueue(key, name, cmd, NULL,
				    SCRIPT_NOTIFY_TIMEOUT);
		}
	}
}

/* omega's: started at once, not queued; had waits for them. */
static void
script_omega_run(const struct conf_vs *vs, const struct conf_rs *rs,
    uint32_t event)
{
	struct msg_script_run	 run;
	struct script_run	*sr;
	const char		*cmd;
	char			 key[NOTIFY_KEYLEN];

	memset(&run, 0, sizeof(run));
	if ((cmd = lvs_script(vs, rs, event, run.name, sizeof(run.name), key,
	    sizeof(key))) != NULL &&
	    (sr = script_start(PROC_PARENT, &run, cmd, NULL, NULL, NULL,
	    SCRIPT_OMEGA_TIMEOUT)) != NULL)
		sr->omega = 1;
}

/*
 * omega, on exit: as keepalived, notify_down of every real server that
 * is up (as lvsd last said; before that, up unless alpha), then
 * quorum_down if the quorum is up (before any transition: the state
 * lvsd starts with, from the configured weights).
 */
static void
script_omega(void)
{
	const struct conf_vs	*vs;
	const struct conf_rs	*rs;
	const struct lvs_state	*st;
	struct msg_lvs_id	 id;
	uint64_t		 sum;
	int			 up;

	TAILQ_FOREACH(vs, &env->conf->vss, entry) {
		if (!vs->c.omega)
			continue;
		sum = 0;
		TAILQ_FOREACH(rs, &vs->rss, entry) {
			conf_lvs_id(&vs->c, &rs->c, &id);
			st = lvs_state_find(&id);
			up = st != NULL ? st->event == LVS_NOTIFY_RS_UP :
			    !vs->c.alpha;
			if (!vs->c.alpha)
				sum += rs->c.weight;
			if (up)
				script_omega_run(vs, rs, LVS_NOTIFY_RS_DOWN);
		}
		conf_lvs_id(&vs->c, NULL, &id);
		st = lvs_state_find(&id);
		up = st != NULL ? st->event == LVS_NOTIFY_QUORUM_UP :
		    sum >= (vs->c.quorum ? vs->c.quorum : 1);
		if (up)
			script_omega_run(vs, NULL, LVS_NOTIFY_QUORUM_DOWN);
	}
}

/* What had waits for on exit: omega's, and notify scripts queued. */
static int
script_omega_left(void)
{
	struct script_run	*sr;
	struct notify_queue	*q;
	int			 n = 0;

	TAILQ_FOREACH(sr, &scripts, entry)
		if (sr->omega)
			n++;
	TAILQ_FOREACH(q, &queues, entry)
		n += q->njobs;
	return (n);
}

/* Called for every reaped pid that is not a child process. */
int
script_reaped(pid_t pid, int status)
{
	struct script_run	*sr;
	struct notify_queue	*q;

	TAILQ_FOREACH(sr, &scripts, entry)
		if (sr->pid == pid)
			break;
	if (sr == NULL)
		return (0);
	TAILQ_REMOVE(&scripts, sr, entry);
	if (sr->from == PROC_PARENT)
		nnotify--;
	else
		nchecks--;
	evtimer_del(sr->timeout_ev);
	event_free(sr->timeout_ev);
	/* What is written already; a process it left behind is not heard. */
	if (sr->out_ev != NULL)
		script_output(sr->out_fd, EV_READ, sr);
	script_output_close(sr);
	sr->res.duration_ms = ts_ms_since(&sr->started);
	sr->res.timed_out = sr->timed_out;
	sr->res.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	sr->res.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	log_debug("%s: %s%d after %u ms", sr->what,
	    sr->res.signal ? "signal " : "status ",
	    sr->res.signal ? sr->res.signal : sr->res.status,
	    sr->res.duration_ms);
	/* Checks fail as checks; had's own scripts fail as events. */
	if (sr->from == PROC_PARENT && (sr->res.status != 0 ||
	    sr->res.signal != 0 || sr->res.timed_out))
		event_record("script", sr->what, "%s%s %d after %u ms",
		    sr->res.timed_out ? "timed out, " : "",
		    sr->res.signal ? "signal" : "exit status",
		    sr->res.signal ? sr->res.signal : sr->res.status,
		    sr->res.duration_ms);
	if (sr->slot != NULL)
		sr->slot->run = NULL;
	if (sr->from != PROC_PARENT && !sr->stale)
		child_compose(sr->from, IMSG_SCRIPT_RESULT, 0, -1, &sr->res,
		    sizeof(sr->res));
	q = sr->queue;
	free(sr);
	if (q != NULL) {
		q->run = NULL;
		notify_next(q);
	}
	return (1);
}

/*
 * On exit, once the children are gone: checks die with us; notify
 * scripts (notify_stop) finish on their own, but those still queued
 * behind another are started in turn; omega's are run now; had waits
 * for both SCRIPT_OMEGA_TIMEOUT at most (under systemd, what is left of
 * the service when had exits is killed).
 */
void
script_finish(void)
{
	struct script_run	*sr, *t;
	struct notify_queue	*q;
	struct timespec		 t0, nap = { 0, 20 * 1000000 };
	pid_t			 pid;
	int			 status;

	TAILQ_FOREACH(sr, &scripts, entry)
		if (sr->from != PROC_PARENT)
			kill(-sr->pid, SIGKILL);
	if (env->conf == NULL)
		return;
	script_omega();
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (script_omega_left() > 0 &&
	    ts_ms_since(&t0) < SCRIPT_OMEGA_TIMEOUT) {
		nanosleep(&nap, NULL);
		while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
			(void)script_reaped(pid, status);
	}
	TAILQ_FOREACH(q, &queues, entry)
		if (q->njobs > 0)
			log_warnx("%s: %d notify scripts not run on exit",
			    q->key, q->njobs);
	TAILQ_FOREACH_SAFE(sr, &scripts, entry, t) {
		if (!sr->omega)
			continue;
		log_warnx("%s: still running on exit; killing it", sr->what);
		script_kill(sr);
		if (waitpid(sr->pid, &status, 0) == sr->pid)
			(void)script_reaped(sr->pid, status);
	}
}
