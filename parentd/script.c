/*
 * Running scripts for the children: vrrp_script checks asked for by
 * checkd, and notify scripts of VRRP instances asked for by vrrpd.  A
 * child names the object in the configuration; had looks up the command
 * in its own copy, so a compromised child cannot make had run anything
 * that is not in the configuration.  Scripts run as script_user with a
 * timeout, in their own process group, and are bounded in number.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
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

#define SCRIPT_MAX_RUNNING	256
#define SCRIPT_NOTIFY_TIMEOUT	30000

struct script_run {
	TAILQ_ENTRY(script_run)	 entry;
	pid_t			 pid;
	enum had_proc		 from;		/* PROC_PARENT: notify */
	struct msg_script_result res;
	struct timespec		 started;
	struct event		*timeout_ev;
	int			 timed_out;
	char			 what[HAD_NAMELEN + 32];
};
TAILQ_HEAD(, script_run) scripts = TAILQ_HEAD_INITIALIZER(scripts);
static int	nscripts;

static void
script_timeout(int fd, short ev, void *arg)
{
	struct script_run	*sr = arg;

	sr->timed_out = 1;
	log_warnx("%s: timed out; killing it", sr->what);
	kill(-sr->pid, SIGKILL);
	kill(sr->pid, SIGKILL);
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

static pid_t
script_spawn(const char *cmd, char *const extra[], uid_t uid, gid_t gid)
{
	char	*argv[16];
	int	 i, n = 0, fd;
	pid_t	 pid;

	argv[n++] = "/bin/sh";
	argv[n++] = "-c";
	/* Extra arguments become $1... after a $0 of "had-script". */
	if (extra != NULL && extra[0] != NULL) {
		static char	 buf[CONF_CMDLEN + 16];

		snprintf(buf, sizeof(buf), "%s \"$@\"", cmd);
		argv[n++] = buf;
		argv[n++] = "had-script";
		for (i = 0; extra[i] != NULL && n < 15; i++)
			argv[n++] = extra[i];
	} else
		argv[n++] = (char *)cmd;
	argv[n] = NULL;

	switch (pid = fork()) {
	case -1:
		return (-1);
	case 0:
		break;
	default:
		return (pid);
	}
	setpgid(0, 0);
	if ((fd = open("/dev/null", O_RDWR)) != -1) {
		dup2(fd, 0);
		if (!env->debug) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
	}
	closefrom(3);
	for (i = 1; i < NSIG; i++)
		signal(i, SIG_DFL);
	{
		sigset_t	 set;

		sigemptyset(&set);
		sigprocmask(SIG_SETMASK, &set, NULL);
	}
	if (setgroups(1, &gid) == -1 || setresgid(gid, gid, gid) == -1 ||
	    setresuid(uid, uid, uid) == -1)
		_exit(126);
	execv("/bin/sh", argv);
	_exit(127);
}

static int
script_start(enum had_proc from, const struct msg_script_run *run,
    const char *cmd, char *const extra[], const char *user,
    const char *group, uint32_t timeout_ms)
{
	struct script_run	*sr;
	struct timeval		 tv;
	uid_t			 uid;
	gid_t			 gid;

	if (nscripts >= SCRIPT_MAX_RUNNING) {
		log_warnx("script %s: %d scripts running already; refused",
		    run->name, nscripts);
		return (-1);
	}
	if (script_ids(user, group, &uid, &gid) == -1)
		return (-1);
	if ((sr = calloc(1, sizeof(*sr))) == NULL)
		return (-1);
	sr->from = from;
	sr->res.kind = run->kind;
	sr->res.id = run->id;
	memcpy(sr->res.name, run->name, sizeof(sr->res.name));
	snprintf(sr->what, sizeof(sr->what), "script %s (%s)", run->name,
	    from == PROC_PARENT ? "notify" : proc_name(from));
	if ((sr->pid = script_spawn(cmd, extra, uid, gid)) == -1) {
		log_warn("%s: fork", sr->what);
		free(sr);
		return (-1);
	}
	clock_gettime(CLOCK_MONOTONIC, &sr->started);
	sr->timeout_ev = evtimer_new(env->base, script_timeout, sr);
	tv.tv_sec = timeout_ms / 1000;
	tv.tv_usec = (timeout_ms % 1000) * 1000;
	evtimer_add(sr->timeout_ev, &tv);
	TAILQ_INSERT_TAIL(&scripts, sr, entry);
	nscripts++;
	log_debug("%s: started, pid %d", sr->what, (int)sr->pid);
	return (0);
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
				conf_misc_name(&vs->c, &rs->c, &ck->c, n,
				    sizeof(n));
				if (strcmp(n, name) == 0)
					return (&ck->c);
			}
	return (NULL);
}

/* A child asks for a script by name. */
int
script_request(enum had_proc from, const struct msg_script_run *run)
{
	struct conf_script	*cs;
	const struct check_conf	*mc;
	char			 name[HAD_NAMELEN];
	uint32_t		 timeout;

	memcpy(name, run->name, sizeof(name));
	name[sizeof(name) - 1] = '\0';
	if (from != PROC_CHECK ||
	    (run->kind != SCRIPT_VRRP && run->kind != SCRIPT_MISC)) {
		log_warnx("%s asked for a script of kind %u", proc_name(from),
		    run->kind);
		return (-1);
	}
	timeout = run->timeout_ms;
	if (run->kind == SCRIPT_MISC) {
		if ((mc = script_find_misc(name)) == NULL ||
		    mc->misc_path[0] == '\0') {
			log_warnx("checkd asked for unknown MISC_CHECK %s",
			    name);
			script_fail(from, run);
			return (0);
		}
		if (timeout == 0 || timeout > 3600 * 1000)
			timeout = mc->misc_timeout_ms ? mc->misc_timeout_ms :
			    mc->delay_loop_ms;
		if (timeout == 0)
			timeout = 10000;
		if (script_start(from, run, mc->misc_path, NULL, mc->user,
		    mc->group, timeout) == -1)
			script_fail(from, run);
		return (0);
	}
	TAILQ_FOREACH(cs, &env->conf->scripts, entry)
		if (strcmp(cs->c.name, name) == 0)
			break;
	if (cs == NULL || cs->c.script[0] == '\0') {
		log_warnx("%s asked for unknown vrrp_script %s",
		    proc_name(from), name);
		script_fail(from, run);
		return (0);
	}
	if (timeout == 0 || timeout > 3600 * 1000)
		timeout = cs->c.timeout ? cs->c.timeout * 1000 : 10000;
	if (script_start(from, run, cs->c.script, NULL, cs->c.user,
	    cs->c.group, timeout) == -1)
		script_fail(from, run);
	return (0);
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

/* vrrpd reports a transition: run the instance's notify scripts. */
int
script_notify(const struct msg_notify *n)
{
	struct conf_instance		*ci;
	const struct vrrp_instance_conf	*c;
	struct msg_script_run		 run;
	const char			*state, *cmd = NULL;
	char				 name[HAD_NAMELEN], prio[16];
	char				*extra[5];

	memcpy(name, n->instance, sizeof(name));
	name[sizeof(name) - 1] = '\0';
	if ((state = notify_state_name(n->state)) == NULL) {
		log_warnx("vrrpd: notify with bad state %u", n->state);
		return (-1);
	}
	TAILQ_FOREACH(ci, &env->conf->instances, entry)
		if (strcmp(ci->c.name, name) == 0)
			break;
	if (ci == NULL) {
		log_warnx("vrrpd: notify for unknown instance %s", name);
		return (0);
	}
	c = &ci->c;
	switch (n->state) {
	case 1:
		cmd = c->notify_backup;
		break;
	case 2:
		cmd = c->notify_master;
		break;
	case 3:
		cmd = c->notify_fault;
		break;
	case 4:
		cmd = c->notify_stop;
		break;
	}
	memset(&run, 0, sizeof(run));
	strlcpy(run.name, name, sizeof(run.name));
	if (cmd != NULL && cmd[0] != '\0')
		(void)script_start(PROC_PARENT, &run, cmd, NULL, NULL, NULL,
		    SCRIPT_NOTIFY_TIMEOUT);
	if (c->notify[0] != '\0') {
		/* keepalived's generic notify: INSTANCE name state prio */
		snprintf(prio, sizeof(prio), "%u", n->priority);
		extra[0] = "INSTANCE";
		extra[1] = name;
		extra[2] = (char *)state;
		extra[3] = prio;
		extra[4] = NULL;
		(void)script_start(PROC_PARENT, &run, c->notify, extra, NULL,
		    NULL, SCRIPT_NOTIFY_TIMEOUT);
	}
	return (0);
}

/* Called for every reaped pid that is not a child process. */
int
script_reaped(pid_t pid, int status)
{
	struct script_run	*sr;

	TAILQ_FOREACH(sr, &scripts, entry)
		if (sr->pid == pid)
			break;
	if (sr == NULL)
		return (0);
	TAILQ_REMOVE(&scripts, sr, entry);
	nscripts--;
	evtimer_del(sr->timeout_ev);
	event_free(sr->timeout_ev);
	sr->res.duration_ms = ts_ms_since(&sr->started);
	sr->res.timed_out = sr->timed_out;
	sr->res.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	sr->res.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	log_debug("%s: %s%d after %u ms", sr->what,
	    sr->res.signal ? "signal " : "status ",
	    sr->res.signal ? sr->res.signal : sr->res.status,
	    sr->res.duration_ms);
	if (sr->from != PROC_PARENT)
		child_compose(sr->from, IMSG_SCRIPT_RESULT, 0, -1, &sr->res,
		    sizeof(sr->res));
	free(sr);
	return (1);
}

/* On exit: checks die with us; notify scripts (notify_stop) finish. */
void
script_kill_all(void)
{
	struct script_run	*sr;

	TAILQ_FOREACH(sr, &scripts, entry)
		if (sr->from != PROC_PARENT)
			kill(-sr->pid, SIGKILL);
}
