/*
 * Running scripts for the children: vrrp_script checks asked for by
 * checkd, notify scripts of VRRP instances asked for by vrrpd, and the
 * quorum_up, quorum_down, notify_up and notify_down of virtual and real
 * servers asked for by lvsd.  A child names the object in the
 * configuration; had looks up the command in its own copy, so a
 * compromised child cannot make had run anything that is not in the
 * configuration.  Scripts run as script_user with a timeout, in their
 * own process group, and are bounded in number.
 */
#include <sys/types.h>
#include <sys/socket.h>
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

#define SCRIPT_MAX_RUNNING	256
#define SCRIPT_NOTIFY_TIMEOUT	30000
#define SCRIPT_OMEGA_TIMEOUT	SHUTDOWN_GRACE_MS	/* had waits */

struct script_run {
	TAILQ_ENTRY(script_run)	 entry;
	pid_t			 pid;
	enum had_proc		 from;		/* PROC_PARENT: notify */
	struct msg_script_result res;
	struct timespec		 started;
	struct event		*timeout_ev;
	int			 timed_out;
	int			 omega;		/* had waits for it on exit */
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

static struct script_run *
script_start(enum had_proc from, const struct msg_script_run *run,
    const char *cmd, char *const extra[], const char *user,
    const char *group, uint32_t timeout_ms)
{
	struct script_run	*sr;
	struct timeval		 tv;
	uid_t			 uid;
	gid_t			 gid;
	char			 why[PATH_MAX + 64];

	if (nscripts >= SCRIPT_MAX_RUNNING) {
		log_warnx("script %s: %d scripts running already; refused",
		    run->name, nscripts);
		return (NULL);
	}
	if (script_ids(user, group, &uid, &gid) == -1)
		return (NULL);
	if (uid == 0 && env->conf->global.enable_script_security &&
	    script_security_check(cmd, why, sizeof(why)) == -1) {
		log_warnx("script %s: refused to run as root: %s "
		    "(enable_script_security)", run->name, why);
		return (NULL);
	}
	if ((sr = calloc(1, sizeof(*sr))) == NULL)
		return (NULL);
	sr->from = from;
	sr->res.kind = run->kind;
	sr->res.id = run->id;
	memcpy(sr->res.name, run->name, sizeof(sr->res.name));
	snprintf(sr->what, sizeof(sr->what), "script %s (%s)", run->name,
	    from == PROC_PARENT ? "notify" : proc_name(from));
	if ((sr->pid = script_spawn(cmd, extra, uid, gid)) == -1) {
		log_warn("%s: fork", sr->what);
		free(sr);
		return (NULL);
	}
	clock_gettime(CLOCK_MONOTONIC, &sr->started);
	sr->timeout_ev = evtimer_new(env->base, script_timeout, sr);
	tv.tv_sec = timeout_ms / 1000;
	tv.tv_usec = (timeout_ms % 1000) * 1000;
	evtimer_add(sr->timeout_ev, &tv);
	TAILQ_INSERT_TAIL(&scripts, sr, entry);
	nscripts++;
	log_debug("%s: started, pid %d", sr->what, (int)sr->pid);
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
		    mc->group, timeout) == NULL)
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
	    cs->c.group, timeout) == NULL)
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

/* Start the command of event for vs (and rs, a real server event). */
static struct script_run *
lvs_script(const struct conf_vs *vs, const struct conf_rs *rs,
    uint32_t event, uint32_t timeout_ms)
{
	struct msg_script_run	 run;
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
		cmd = rs->c.notify_up;
		break;
	default:
		cmd = rs->c.notify_down;
		break;
	}
	if (cmd[0] == '\0')
		return (NULL);
	conf_vs_name(&vs->c, vn, sizeof(vn));
	memset(&run, 0, sizeof(run));
	if (rs != NULL) {
		conf_rs_name(&rs->c, rn, sizeof(rn));
		log_info("virtual server %s, real server %s: running %s", vn,
		    rn, lvs_event_kw[event]);
		snprintf(run.name, sizeof(run.name), "%s %s",
		    lvs_event_kw[event], rn);
	} else {
		log_info("virtual server %s: running %s", vn,
		    lvs_event_kw[event]);
		snprintf(run.name, sizeof(run.name), "%s %s",
		    lvs_event_kw[event], vn);
	}
	return (script_start(PROC_PARENT, &run, cmd, NULL, NULL, NULL,
	    timeout_ms));
}

/*
 * lvsd saw a quorum or real server transition: run quorum_up,
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
	char			 vn[CONF_VSNAMELEN], rn[CONF_RSNAMELEN];
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
	if (lvs_state_set(&id, n->event) == 0) {
		log_debug("lvsd: %s for virtual server %s again: not run "
		    "twice", lvs_event_kw[n->event],
		    conf_vs_name(&vs->c, vn, sizeof(vn)));
		return (0);
	}
	(void)lvs_script(vs, rs, n->event, SCRIPT_NOTIFY_TIMEOUT);
	return (0);
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
	struct script_run	*sr;
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
			if (up && (sr = lvs_script(vs, rs, LVS_NOTIFY_RS_DOWN,
			    SCRIPT_OMEGA_TIMEOUT)) != NULL)
				sr->omega = 1;
		}
		conf_lvs_id(&vs->c, NULL, &id);
		st = lvs_state_find(&id);
		up = st != NULL ? st->event == LVS_NOTIFY_QUORUM_UP :
		    sum >= (vs->c.quorum ? vs->c.quorum : 1);
		if (up && (sr = lvs_script(vs, NULL, LVS_NOTIFY_QUORUM_DOWN,
		    SCRIPT_OMEGA_TIMEOUT)) != NULL)
			sr->omega = 1;
	}
}

static int
script_omega_left(void)
{
	struct script_run	*sr;
	int			 n = 0;

	TAILQ_FOREACH(sr, &scripts, entry)
		if (sr->omega)
			n++;
	return (n);
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

/*
 * On exit, once the children are gone: checks die with us; notify
 * scripts (notify_stop) finish on their own; omega's are run now and
 * waited for, SCRIPT_OMEGA_TIMEOUT at most (under systemd, what is left
 * of the service when had exits is killed).
 */
void
script_finish(void)
{
	struct script_run	*sr, *t;
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
	TAILQ_FOREACH_SAFE(sr, &scripts, entry, t) {
		if (!sr->omega)
			continue;
		log_warnx("%s: still running on exit; killing it", sr->what);
		kill(-sr->pid, SIGKILL);
		kill(sr->pid, SIGKILL);
		if (waitpid(sr->pid, &status, 0) == sr->pid)
			(void)script_reaped(sr->pid, status);
	}
}
