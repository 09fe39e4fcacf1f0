/*
 * Spawning, watching and respawning vrrpd, lvsd and checkd.
 *
 * Each child is fork+exec'd from the libexec directory with its socket to
 * had on fd 3.  had then hands each pair of siblings a socketpair of their
 * own, so that had is not on their hot path, and sends the child its part
 * of the configuration.  A child that dies is respawned with exponential
 * backoff; one that stops answering pings is killed and respawned.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event.h>

#include "conf.h"
#include "had.h"
#include "log.h"
#include "proc.h"
#include "sandbox.h"

static void	child_spawn(enum had_proc);
static int	parent_dispatch_vrrpd(struct imsgev *, struct imsg *);
static int	parent_dispatch_lvsd(struct imsgev *, struct imsg *);
static int	parent_dispatch_checkd(struct imsgev *, struct imsg *);
static int	parent_dispatch_bfdd(struct imsgev *, struct imsg *);
static void	child_closed(struct imsgev *, const char *);
static void	child_respawn_cb(int, short, void *);
static void	children_ping(int, short, void *);

static int	shutdown_round;

static imsgev_dispatch_cb const parent_dispatch[PROC_MAX] = {
	[PROC_VRRP] = parent_dispatch_vrrpd,
	[PROC_LVS] = parent_dispatch_lvsd,
	[PROC_CHECK] = parent_dispatch_checkd,
	[PROC_BFD] = parent_dispatch_bfdd,
};

/*
 * A sibling pair whose channel one of them closed (IMSG_PEER_BAD) gets a
 * new one after a delay that doubles while the complaints go on.
 */
#define PAIR_DELAY_MIN_MS	500
#define PAIR_DELAY_MAX_MS	30000
#define PAIR_QUIET_S		60	/* this long without: back to min */
struct pair_repair {
	struct event	*ev;
	enum had_proc	 a, b;
	unsigned	 delay_ms;
	uint64_t	 gen;		/* of the channel complained about */
	struct timespec	 last;
};
static struct pair_repair	 pairs[PROC_MAX][PROC_MAX];
static uint64_t			 pair_gen[PROC_MAX][PROC_MAX];

/* The last state vrrpd reported for each instance, to resume from. */
#define VRRP_STATES_MAX	4096
static struct msg_vrrp_state	*vrrp_states;
static size_t			 nvrrp_states;

static int
child_state_report(const struct msg_vrrp_state *st)
{
	struct msg_vrrp_state	 s = *st;
	size_t			 i;

	s.instance[sizeof(s.instance) - 1] = '\0';
	for (i = 0; i < nvrrp_states; i++)
		if (strcmp(vrrp_states[i].instance, s.instance) == 0) {
			vrrp_states[i] = s;
			return (0);
		}
	if (nvrrp_states >= VRRP_STATES_MAX) {
		log_warnx("vrrpd: too many instance states reported");
		return (-1);
	}
	if (vrrp_states == NULL &&
	    (vrrp_states = calloc(VRRP_STATES_MAX, sizeof(s))) == NULL)
		fatal("state table");
	vrrp_states[nvrrp_states++] = s;
	return (0);
}

/* A respawned vrrpd resumes where its predecessor was. */
static void
child_state_resume(void)
{
	size_t	 i;

	for (i = 0; i < nvrrp_states; i++)
		child_compose(PROC_VRRP, IMSG_STATE_RESUME, 0, -1,
		    &vrrp_states[i], sizeof(vrrp_states[i]));
}

static struct child_proc *
child_by_iev(struct imsgev *iev)
{
	enum had_proc	 p;

	for (p = PROC_VRRP; p < PROC_MAX; p++)
		if (&env->children[p].iev == iev)
			return (&env->children[p]);
	return (NULL);
}

/* Each child's own user, named after had's: all must exist, and differ. */
void
children_check_users(void)
{
	struct passwd	*pw;
	enum had_proc	 p, q;
	uid_t		 uids[PROC_MAX];
	char		 user[64];

	for (p = PROC_VRRP; p < PROC_MAX; p++) {
		if (proc_user_for(p, env->user, user, sizeof(user)) == -1)
			fatalx("user name %s too long", env->user);
		if ((pw = getpwnam(user)) == NULL)
			fatalx("user %s does not exist (scripts/setup-deps.sh "
			    "or the package creates it)", user);
		if (pw->pw_uid == 0 || pw->pw_gid == 0)
			fatalx("user %s must not be root or in group root",
			    user);
		uids[p] = pw->pw_uid;
		for (q = PROC_VRRP; q < p; q++)
			if (uids[q] == uids[p])
				fatalx("%s and %s must not share uid %u",
				    proc_name(q), proc_name(p),
				    (unsigned)uids[p]);
	}
}

void
children_init(void)
{
	struct timeval	 tv;
	enum had_proc	 p;
	char		 path[HAD_PATHLEN];

	for (p = PROC_VRRP; p < PROC_MAX; p++) {
		env->children[p].proc = p;
		env->children[p].backoff_ms = RESPAWN_MIN_MS;
		env->children[p].sandbox_fd = -1;
		env->children[p].respawn_ev = evtimer_new(env->base,
		    child_respawn_cb, &env->children[p]);
		snprintf(path, sizeof(path), "%s/%s", env->libexec,
		    proc_name(p));
		if (access(path, X_OK) == -1)
			fatal("cannot run %s (set the directory with -X)",
			    path);
	}
	env->ping_ev = event_new(env->base, -1, EV_PERSIST, children_ping,
	    NULL);
	tv.tv_sec = PING_INTERVAL_MS / 1000;
	tv.tv_usec = (PING_INTERVAL_MS % 1000) * 1000;
	evtimer_add(env->ping_ev, &tv);
}

/*
 * Whether the configuration gives child p anything to do.  As keepalived
 * starts its VRRP, checker and BFD children only for their parts, had
 * starts vrrpd for vrrp_instances, checkd for checks, track scripts and
 * files (vrrp_script items) or mail alerts, bfdd for bfd_instances: an
 * idle child costs its libraries and heap (issue 19).  lvsd always runs:
 * it removes what a crashed had left in the kernel.
 */
int
child_wanted(enum had_proc p, const struct had_conf *conf)
{
	const struct conf_blob	*b = &env->blobs[p];
	const struct global_conf *g;
	uint32_t		 kind;
	size_t			 i;

	if (p == PROC_LVS)
		return (1);
	if (p == PROC_CHECK && conf != NULL) {
		g = &conf->global;
		if (g->smtp_server.af != 0 && g->notification_email[0] != '\0')
			return (1);
	}
	for (i = 0; i < b->nitems; i++) {
		kind = b->items[i].kind;
		switch (p) {
		case PROC_VRRP:
			if (kind == CONF_ITEM_VRRP_INSTANCE)
				return (1);
			break;
		case PROC_CHECK:
			if (kind == CONF_ITEM_CHECK ||
			    kind == CONF_ITEM_VRRP_SCRIPT)
				return (1);
			break;
		case PROC_BFD:
			if (kind == CONF_ITEM_BFD_INSTANCE)
				return (1);
			break;
		default:
			break;
		}
	}
	return (0);
}

/* Once started, a child stays (and is respawned) until had stops. */
int
child_started(enum had_proc p)
{
	return (env->children[p].running ||
	    evtimer_pending(env->children[p].respawn_ev, NULL));
}

void
children_start(void)
{
	enum had_proc	 p;

	for (p = PROC_VRRP; p < PROC_MAX; p++) {
		if (child_wanted(p, env->conf))
			child_spawn(p);
		else {
			strlcpy(env->children[p].last_exit, CHILD_IDLE,
			    sizeof(env->children[p].last_exit));
			log_info("%s not started: %s", proc_name(p),
			    child_idle_why(p));
		}
	}
}

/*
 * Start a child that a reload gave its first work (env->blobs[p] holds
 * its part of conf); 1 if it is on its way.
 */
int
child_start_wanted(enum had_proc p, const struct had_conf *conf)
{
	if (env->shutting_down || child_started(p) || !child_wanted(p, conf))
		return (0);
	log_info("%s: the configuration gives it work; starting it",
	    proc_name(p));
	env->children[p].last_exit[0] = '\0';
	child_spawn(p);
	return (child_is_up(p));
}

/* What an absent child would need, for the log and hactl. */
const char *
child_idle_why(enum had_proc p)
{
	switch (p) {
	case PROC_VRRP:
		return ("the configuration has no vrrp_instance");
	case PROC_CHECK:
		return ("the configuration has no checks, track scripts, "
		    "track files or mail alerts");
	case PROC_BFD:
		return ("the configuration has no bfd_instance");
	default:
		return ("nothing to do");
	}
}

int
child_is_up(enum had_proc p)
{
	return (env->children[p].running && env->children[p].iev.active);
}

int
child_compose(enum had_proc p, uint32_t type, uint32_t peerid, int fd,
    const void *data, size_t len)
{
	if (!child_is_up(p)) {
		if (fd != -1)
			close(fd);
		errno = ENOTCONN;
		return (-1);
	}
	return (imsgev_compose(&env->children[p].iev, type, peerid, fd, data,
	    len));
}

/* Give a sibling pair a fresh socketpair of their own. */
static void
child_connect_pair(enum had_proc a, enum had_proc b)
{
	struct msg_peer	 peer;
	int		 sp[2];

	if (!child_is_up(a) || !child_is_up(b))
		return;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) == -1) {
		log_warn("socketpair for %s and %s", proc_name(a),
		    proc_name(b));
		return;
	}
	pair_gen[a][b]++;
	pair_gen[b][a]++;
	peer.proc = b;
	child_compose(a, IMSG_PEER_FD, 0, sp[0], &peer, sizeof(peer));
	peer.proc = a;
	child_compose(b, IMSG_PEER_FD, 0, sp[1], &peer, sizeof(peer));
}

/* Send the child its part of the configuration as a RECONF sequence. */
void
child_send_config(enum had_proc p)
{
	struct child_proc	*c = &env->children[p];
	struct conf_blob	*b = &env->blobs[p];
	struct msg_reconf	 r;
	struct msg_reconf_item	 item;
	uint8_t			*buf;
	size_t			 i;

	if (!child_is_up(p))
		return;
	memset(&r, 0, sizeof(r));
	r.proc = p;
	r.nitems = b->nitems;
	r.generation = env->generation;
	c->generation = env->generation;
	procwatch_send(p);
	child_compose(p, IMSG_RECONF_START, 0, -1, &r, sizeof(r));
	for (i = 0; i < b->nitems; i++) {
		item.kind = b->items[i].kind;
		item.len = b->items[i].len;
		if ((buf = malloc(sizeof(item) + item.len)) == NULL)
			fatal("child_send_config");
		memcpy(buf, &item, sizeof(item));
		memcpy(buf + sizeof(item), conf_blob_body(b, i), item.len);
		child_compose(p, IMSG_RECONF_ITEM, 0, -1, buf,
		    sizeof(item) + item.len);
		free(buf);
	}
	child_compose(p, IMSG_RECONF_END, 0, -1, &r, sizeof(r));
}

/*
 * checkd keeps no capability: had opens its raw ICMP and ICMPv6 sockets
 * for PING_CHECK and hands them over (the descriptor is closed here once
 * sent).  A kernel without IPv6 only costs the IPv6 pings.
 */
static void
child_send_icmp(void)
{
	static const struct { int af, proto; const char *name; } s[] = {
		{ AF_INET, IPPROTO_ICMP, "ICMP" },
		{ AF_INET6, IPPROTO_ICMPV6, "ICMPv6" },
	};
	struct msg_icmp_fd	 m;
	size_t			 i;
	int			 fd;

	for (i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
		fd = socket(s[i].af, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    s[i].proto);
		if (fd == -1) {
			log_warn("raw %s socket for checkd: PING_CHECK over "
			    "%s will fail", s[i].name, s[i].name);
			continue;
		}
		memset(&m, 0, sizeof(m));
		m.af = s[i].af;
		if (child_compose(PROC_CHECK, IMSG_ICMP_FD, 0, fd, &m,
		    sizeof(m)) == -1)
			log_warn("passing the raw %s socket to checkd",
			    s[i].name);
	}
}

static void
child_spawn(enum had_proc p)
{
	struct child_proc	*c = &env->children[p];
	char			 path[HAD_PATHLEN], user[64];
	char			*argv[12];
	struct msg_verbose	 verb;
	enum had_proc		 q;
	int			 sp[2], sb[2], argc = 0, fd;
	pid_t			 pid;

	if (env->shutting_down)
		return;
	snprintf(path, sizeof(path), "%s/%s", env->libexec, proc_name(p));
	if (proc_user_for(p, env->user, user, sizeof(user)) == -1)
		fatalx("%s: user name too long", proc_name(p));
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) == -1) {
		log_warn("%s: socketpair", proc_name(p));
		goto retry;
	}
	/* The child's seccomp report, read when it is reaped. */
	if (pipe2(sb, O_CLOEXEC | O_NONBLOCK) == -1) {
		log_warn("%s: pipe", proc_name(p));
		close(sp[0]);
		close(sp[1]);
		goto retry;
	}

	argv[argc++] = (char *)proc_name(p);
	if (env->debug)
		argv[argc++] = "-d";
	if (env->verbose)
		argv[argc++] = "-v";
	/* A respawn takes over what its predecessor left in the kernel. */
	if (c->restarts > 0)
		argv[argc++] = "-R";
	argv[argc++] = "-u";
	argv[argc++] = user;
	argv[argc++] = "-C";
	argv[argc++] = (char *)env->chroot;
	argv[argc] = NULL;

	switch (pid = fork()) {
	case -1:
		log_warn("%s: fork", proc_name(p));
		close(sp[0]);
		close(sp[1]);
		close(sb[0]);
		close(sb[1]);
		goto retry;
	case 0:
		/*
		 * The child's end becomes fd 3, the report pipe fd 4;
		 * nothing else is inherited.
		 */
		if ((fd = fcntl(sb[1], F_DUPFD_CLOEXEC, HAD_SANDBOX_FD + 1)) ==
		    -1)
			_exit(127);
		if (sp[1] == HAD_CHILD_FD) {
			if (fcntl(sp[1], F_SETFD, 0) == -1)
				_exit(127);
		} else if (dup2(sp[1], HAD_CHILD_FD) == -1)
			_exit(127);
		if (dup2(fd, HAD_SANDBOX_FD) == -1)
			_exit(127);
		closefrom(HAD_SANDBOX_FD + 1);
		signal(SIGPIPE, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		signal(SIGCHLD, SIG_DFL);
		signal(SIGUSR1, SIG_DFL);
		signal(SIGUSR2, SIG_DFL);
		{
			sigset_t	 set;

			sigemptyset(&set);
			sigprocmask(SIG_SETMASK, &set, NULL);
		}
		execv(path, argv);
		fprintf(stderr, "had: exec %s: %s\n", path, strerror(errno));
		_exit(127);
	default:
		break;
	}

	close(sp[1]);
	close(sb[1]);
	if (c->sandbox_fd != -1)
		close(c->sandbox_fd);
	c->sandbox_fd = sb[0];
	c->pid = pid;
	c->running = 1;
	c->stop_sent = 0;
	c->ready = 0;
	c->ping_pending = 0;
	c->kill_reason[0] = '\0';
	c->proc_fds_sent = 0;
	clock_gettime(CLOCK_MONOTONIC, &c->started);
	c->started_wall = time(NULL);
	if (imsgev_init(&c->iev, env->base, sp[0], proc_name(p), PROC_PARENT,
	    p, parent_dispatch[p], child_closed, c) == -1) {
		log_warn("%s: channel", proc_name(p));
		close(sp[0]);
		kill(pid, SIGKILL);
		return;
	}
	log_info("%s started, pid %d", proc_name(p), (int)pid);

	if (log_getverbose() != env->verbose) {
		verb.verbose = log_getverbose();
		child_compose(p, IMSG_LOG_VERBOSE, 0, -1, &verb, sizeof(verb));
	}
	for (q = PROC_VRRP; q < PROC_MAX; q++)
		if (q != p)
			child_connect_pair(p, q);
	if (p == PROC_CHECK)
		child_send_icmp();
	/* Before the config: vrrpd starts those instances as Master. */
	if (p == PROC_VRRP) {
		maint_resume();
		child_state_resume();
	} else if (p == PROC_LVS) {
		drain_resume();
		maint_lvs_resume();
	}
	child_send_config(p);
	return;

 retry:
	{
		struct timeval	 tv;

		tv.tv_sec = c->backoff_ms / 1000;
		tv.tv_usec = (c->backoff_ms % 1000) * 1000;
		evtimer_add(c->respawn_ev, &tv);
	}
}

static void
child_respawn_cb(int fd, short ev, void *arg)
{
	struct child_proc	*c = arg;

	if (!c->running)
		child_spawn(c->proc);
}

/*
 * A child killed by SIGSYS broke its seccomp filter; its handler wrote
 * the refused call to the report pipe first (see common/sandbox.c).
 */
static void
child_sandbox_reason(struct child_proc *c, char *buf, size_t len)
{
	struct sandbox_report	 r;
	char			 what[96];

	memset(&r, 0, sizeof(r));
	if (c->sandbox_fd == -1 ||
	    read(c->sandbox_fd, &r, sizeof(r)) != (ssize_t)sizeof(r))
		r.magic = 0;
	sandbox_describe(&r, what, sizeof(what));
	snprintf(buf, len, "killed by SIGSYS: seccomp violation, %s", what);
	log_warnx("%s: seccomp filter refused %s", proc_name(c->proc), what);
}

static void
child_exit_reason(int status, char *buf, size_t len)
{
	if (WIFEXITED(status))
		snprintf(buf, len, "exited with status %d",
		    WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, len, "killed by signal %d (%s)%s",
		    WTERMSIG(status), strsignal(WTERMSIG(status)),
		    WCOREDUMP(status) ? ", core dumped" : "");
	else
		snprintf(buf, len, "stopped with status 0x%x", status);
}

/* Reap every dead child, say why it died and schedule its respawn. */
void
children_reap(void)
{
	struct child_proc	*c;
	struct timeval		 tv;
	enum had_proc		 p;
	char			 why[HAD_REASONLEN];
	int64_t			 lived_ms;
	pid_t			 pid;
	int			 status, was_ready;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		c = NULL;
		for (p = PROC_VRRP; p < PROC_MAX; p++)
			if (env->children[p].running &&
			    env->children[p].pid == pid)
				c = &env->children[p];
		if (c == NULL) {
			(void)script_reaped(pid, status);
			continue;
		}
		if (WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS)
			child_sandbox_reason(c, why, sizeof(why));
		else
			child_exit_reason(status, why, sizeof(why));
		if (c->sandbox_fd != -1) {
			close(c->sandbox_fd);
			c->sandbox_fd = -1;
		}
		if (c->kill_reason[0] != '\0')
			snprintf(c->last_exit, sizeof(c->last_exit), "%s (%s)",
			    c->kill_reason, why);
		else
			strlcpy(c->last_exit, why, sizeof(c->last_exit));
		was_ready = c->ready;
		c->running = 0;
		c->ready = 0;
		c->pid = 0;
		imsgev_close(&c->iev);
		reload_child_gone(c->proc);
		control_child_gone(c->proc);
		if (env->shutting_down) {
			log_info("%s (pid %d) %s", proc_name(c->proc),
			    (int)pid, c->last_exit);
			continue;
		}
		/*
		 * Back off only from a child that cannot even start: one that
		 * came up and was killed (chaos, watchdog) is back at once.
		 */
		lived_ms = ts_ms_since(&c->started);
		if (lived_ms >= RESPAWN_STABLE_S * 1000 || was_ready)
			c->backoff_ms = RESPAWN_MIN_MS;
		c->restarts++;
		log_warnx("%s (pid %d) %s after %lld ms; restart %u in %u ms",
		    proc_name(c->proc), (int)pid, c->last_exit,
		    (long long)lived_ms, c->restarts, c->backoff_ms);
		event_record("child", proc_name(c->proc), "pid %d %s; "
		    "restart %u", (int)pid, c->last_exit, c->restarts);
		tv.tv_sec = c->backoff_ms / 1000;
		tv.tv_usec = (c->backoff_ms % 1000) * 1000;
		evtimer_add(c->respawn_ev, &tv);
		c->backoff_ms *= 2;
		if (c->backoff_ms > RESPAWN_MAX_MS)
			c->backoff_ms = RESPAWN_MAX_MS;
	}
}

static void
child_stop(struct child_proc *c, int sig)
{
	if (!c->running)
		return;
	/*
	 * One stop order: a second one makes the child exit at once, and
	 * lvsd, told twice when there is no vrrpd to wait for, cut short
	 * the LVS_ANNOUNCE_STOP_MS it gives the routers after withdrawing.
	 */
	if (sig == SIGTERM && c->stop_sent++)
		return;
	/*
	 * The channel stays open: vrrpd still has words for us on its way
	 * out (notify stop), and a child takes had closing it while alive
	 * for being replaced, leaving what it holds to a successor.  Not
	 * SIGTERM: the child ignores that one from anyone but had.
	 */
	kill(c->pid, sig == SIGTERM ? HAD_SIG_STOP : sig);
}

/*
 * First call: stop vrrpd and checkd with HAD_SIG_STOP; lvsd waits
 * (children_shutdown_tick) until vrrpd is gone, so that it still removes
 * the VIPs vrrpd gives up on its way out.  Later calls: SIGKILL.
 */
void
children_shutdown(void)
{
	struct msg_lvs_maint	 stop;
	enum had_proc		 p;
	int			 sig = shutdown_round++ == 0 ? SIGTERM : SIGKILL;

	if (env->ping_ev != NULL)
		event_del(env->ping_ev);
	/* Announced routes leave first, while vrrpd still hands over. */
	if (sig == SIGTERM && env->children[PROC_LVS].ready) {
		memset(&stop, 0, sizeof(stop));
		stop.on = 2;
		(void)child_compose(PROC_LVS, IMSG_LVS_MAINT, 0, -1, &stop,
		    sizeof(stop));
	}
	for (p = PROC_VRRP; p < PROC_MAX; p++) {
		evtimer_del(env->children[p].respawn_ev);
		if (p == PROC_LVS && sig == SIGTERM &&
		    env->children[PROC_VRRP].running)
			continue;
		child_stop(&env->children[p], sig);
	}
}

/*
 * Every 100 ms during shutdown.  vrrpd may take HAD_HANDOVER_MAX_MS to
 * hand its Masters over; lvsd outlives it by a moment.
 */
void
children_shutdown_tick(int ticks)
{
	static int	 vrrp_gone_ticks, lvs_told;
	struct child_proc *lvs = &env->children[PROC_LVS];
	int		 last = (HAD_HANDOVER_MAX_MS + 500) / 100;

	if (!lvs->running || lvs_told)
		return;
	if (env->children[PROC_VRRP].running && ticks < last)
		return;
	/* Give lvsd a moment to read vrrpd's last requests. */
	if (vrrp_gone_ticks++ < 2 && ticks < last)
		return;
	lvs_told = 1;
	child_stop(lvs, SIGTERM);
}

/* Every child that was started has said CHILD_READY. */
static int
children_all_ready(void)
{
	enum had_proc	 p;

	for (p = PROC_VRRP; p < PROC_MAX; p++)
		if (child_started(p) && !env->children[p].ready)
			return (0);
	return (1);
}

/* "vrrpd, lvsd and checkd": the children started. */
static void
children_status(char *buf, size_t len)
{
	enum had_proc	 p, last = PROC_LVS;
	int		 n = 0;

	for (p = PROC_VRRP; p < PROC_MAX; p++)
		if (child_started(p))
			last = p;
	buf[0] = '\0';
	for (p = PROC_VRRP; p < PROC_MAX; p++) {
		if (!child_started(p))
			continue;
		snprintf(buf + strlen(buf), len - strlen(buf), "%s%s",
		    n == 0 ? "" : p == last ? " and " : ", ", proc_name(p));
		n++;
	}
}

int
children_all_gone(void)
{
	enum had_proc	 p;

	for (p = PROC_VRRP; p < PROC_MAX; p++)
		if (env->children[p].running)
			return (0);
	return (1);
}

static void
child_kill(struct child_proc *c, const char *why)
{
	if (!c->running)
		return;
	if (c->kill_reason[0] == '\0')
		strlcpy(c->kill_reason, why, sizeof(c->kill_reason));
	kill(c->pid, SIGKILL);
}

/* The watchdog: a child that does not answer in time is replaced. */
static void
children_ping(int fd, short ev, void *arg)
{
	struct child_proc	*c;
	struct msg_ping		 ping;
	enum had_proc		 p;
	char			 why[HAD_REASONLEN];

	for (p = PROC_VRRP; p < PROC_MAX; p++) {
		c = &env->children[p];
		if (!c->running || !c->iev.active)
			continue;
		if (c->ping_pending) {
			if (ts_ms_since(&c->ping_sent) < PING_TIMEOUT_MS)
				continue;
			snprintf(why, sizeof(why), "killed by watchdog: no "
			    "answer to ping for %d ms", PING_TIMEOUT_MS);
			log_warnx("%s (pid %d) is not answering pings; "
			    "killing it", proc_name(p), (int)c->pid);
			child_kill(c, why);
			continue;
		}
		ping.seq = ++c->ping_seq;
		clock_gettime(CLOCK_MONOTONIC, &c->ping_sent);
		c->ping_pending = 1;
		child_compose(p, IMSG_PING, 0, -1, &ping, sizeof(ping));
	}
}

static void
pair_repair_cb(int fd, short ev, void *arg)
{
	struct pair_repair	*pr = arg;

	/* A respawn since has connected the pair afresh. */
	if (env->shutting_down || pair_gen[pr->a][pr->b] != pr->gen)
		return;
	log_info("new channel between %s and %s", proc_name(pr->a),
	    proc_name(pr->b));
	child_connect_pair(pr->a, pr->b);
}

/*
 * `from' says `bad' broke the message contract and closed its channel
 * to it.  had cannot know who is right, so nobody is killed on a
 * sibling's word: the complaint is counted against `bad' (show procs),
 * and the pair gets a new channel after a delay.  A child that breaks
 * the contract towards had itself is what had restarts.
 */
static void
child_peer_bad(struct child_proc *from, enum had_proc bad)
{
	struct child_proc	*c = &env->children[bad];
	struct pair_repair	*pr;
	struct timeval		 tv;
	enum had_proc		 a, b;

	c->peer_complaints++;
	log_warnx("%s says %s sent it invalid messages (complaint %u "
	    "against %s); not restarting %s on a sibling's word",
	    proc_name(from->proc), proc_name(bad), c->peer_complaints,
	    proc_name(bad), proc_name(bad));
	a = from->proc < bad ? from->proc : bad;
	b = from->proc < bad ? bad : from->proc;
	pr = &pairs[a][b];
	if (pr->ev == NULL) {
		pr->a = a;
		pr->b = b;
		if ((pr->ev = evtimer_new(env->base, pair_repair_cb,
		    pr)) == NULL)
			fatal("pair timer");
	}
	if (pr->delay_ms == 0 || (pr->last.tv_sec != 0 &&
	    ts_ms_since(&pr->last) >= PAIR_QUIET_S * 1000))
		pr->delay_ms = PAIR_DELAY_MIN_MS;
	else if (evtimer_pending(pr->ev, NULL))
		return;		/* one repair is on its way */
	else if ((pr->delay_ms *= 2) > PAIR_DELAY_MAX_MS)
		pr->delay_ms = PAIR_DELAY_MAX_MS;
	clock_gettime(CLOCK_MONOTONIC, &pr->last);
	pr->gen = pair_gen[a][b];
	tv.tv_sec = pr->delay_ms / 1000;
	tv.tv_usec = (pr->delay_ms % 1000) * 1000;
	evtimer_add(pr->ev, &tv);
}

/*
 * What had takes from any child.  imsgev has checked the message
 * contract (size, sender, strings, ranges) before this is called.
 */
static int
parent_dispatch_child(struct child_proc *c, struct imsg *imsg)
{
	struct msg_ping		 ping;
	struct msg_ready	 ready;
	struct msg_reconf_done	 done;
	struct msg_peer		 peer;
	const char		*name = proc_name(c->proc);
	char			 status[64];

	switch (imsg->hdr.type) {
	case IMSG_CHILD_READY:
		memcpy(&ready, imsg->data, sizeof(ready));
		if (ready.proc != (uint32_t)c->proc || !ready.caps_ok) {
			log_warnx("%s: bad ready message", name);
			return (-1);
		}
		c->ready = 1;
		log_debug("%s (pid %d) ready", name, (int)c->pid);
		if (!env->ready_told && children_all_ready()) {
			env->ready_told = 1;
			log_info("every child is up");
			children_status(status, sizeof(status));
			sd_notifyf("READY=1\nSTATUS=%s running\nMAINPID=%d",
			    status, (int)getpid());
		}
		return (0);
	case IMSG_PONG:
		memcpy(&ping, imsg->data, sizeof(ping));
		if (ping.seq != c->ping_seq) {
			log_warnx("%s: pong %llu for ping %llu", name,
			    (unsigned long long)ping.seq,
			    (unsigned long long)c->ping_seq);
			return (-1);
		}
		c->ping_pending = 0;
		c->pong_seq = ping.seq;
		return (0);
	case IMSG_RECONF_DONE:
		memcpy(&done, imsg->data, sizeof(done));
		if (done.proc != (uint32_t)c->proc) {
			log_warnx("%s: RECONF_DONE for another process", name);
			return (-1);
		}
		c->generation_done = done.generation;
		reload_child_done(c->proc, &done);
		/* checkd knows the names now: the files' current state. */
		if (c->proc == PROC_CHECK && !done.error)
			track_files_send_all();
		return (0);
	case IMSG_PEER_BAD:
		memcpy(&peer, imsg->data, sizeof(peer));
		if (peer.proc == (uint32_t)c->proc) {
			log_warnx("%s: complaint about itself", name);
			return (-1);
		}
		child_peer_bad(c, peer.proc);
		return (0);
	case IMSG_CTL_TEXT:
	case IMSG_CTL_END:
	case IMSG_CTL_VRRP:
	case IMSG_CTL_LVS:
	case IMSG_CTL_CHECK:
	case IMSG_CTL_TRACK:
	case IMSG_CTL_VRRP_TRACK:
	case IMSG_CTL_BFD:
		/* SIGUSR1/SIGUSR2 dumps: had itself asked (dump.c). */
		if (imsg->hdr.peerid == HAD_DUMP_PEERID)
			return (dump_reply(c->proc, imsg->hdr.type, imsg->data,
			    imsg->datalen));
		/* Only for a client that awaits this child's answer. */
		return (control_child_reply(c->proc, imsg));
	default:
		log_warnx("%s: unexpected message type %u", name,
		    imsg->hdr.type);
		return (-1);
	}
}

static int
parent_dispatch_vrrpd(struct imsgev *iev, struct imsg *imsg)
{
	struct child_proc	*c = iev->arg;
	struct msg_vrrp_state	 st;
	struct msg_notify	 n;
	struct msg_ctl_event	 e;

	switch (imsg->hdr.type) {
	case IMSG_STATE_REPORT:
		memcpy(&st, imsg->data, sizeof(st));
		return (child_state_report(&st));
	case IMSG_NOTIFY:
		memcpy(&n, imsg->data, sizeof(n));
		return (script_notify(&n));
	case IMSG_CHECK_EVENT:
		/* A dual master (issue 20). */
		memcpy(&e, imsg->data, sizeof(e));
		return (events_child(c->proc, &e));
	default:
		return (parent_dispatch_child(c, imsg));
	}
}

static int
parent_dispatch_lvsd(struct imsgev *iev, struct imsg *imsg)
{
	struct child_proc	*c = iev->arg;
	struct msg_lvs_notify	 ln;

	switch (imsg->hdr.type) {
	case IMSG_LVS_NOTIFY:
		memcpy(&ln, imsg->data, sizeof(ln));
		return (script_lvs_notify(&ln));
	default:
		return (parent_dispatch_child(c, imsg));
	}
}

static int
parent_dispatch_checkd(struct imsgev *iev, struct imsg *imsg)
{
	struct child_proc	*c = iev->arg;
	struct msg_script_run	 run;
	struct msg_proc_track	 pt;
	struct msg_ctl_event	 e;

	switch (imsg->hdr.type) {
	case IMSG_SCRIPT_RUN:
		memcpy(&run, imsg->data, sizeof(run));
		return (script_request(c->proc, &run));
	case IMSG_PROC_TRACK:
		memcpy(&pt, imsg->data, sizeof(pt));
		procwatch_event(&pt);
		return (0);
	case IMSG_CHECK_EVENT:
		memcpy(&e, imsg->data, sizeof(e));
		return (events_child(c->proc, &e));
	default:
		return (parent_dispatch_child(c, imsg));
	}
}

/* A BFD session changed state: the event history has it. */
static int
parent_dispatch_bfdd(struct imsgev *iev, struct imsg *imsg)
{
	static const char *const states[] = {
		"AdminDown", "Down", "Init", "Up"
	};
	struct child_proc	*c = iev->arg;
	struct msg_bfd_state	 st;

	switch (imsg->hdr.type) {
	case IMSG_BFD_STATE:
		memcpy(&st, imsg->data, sizeof(st));
		/* The contract has checked state (0..3) and diag (0..8). */
		event_record("bfd", st.name, "session %s, diagnostic %u",
		    states[st.state & 3], st.diag);
		return (0);
	default:
		return (parent_dispatch_child(c, imsg));
	}
}

struct child_eof {
	enum had_proc	 proc;
	pid_t		 pid;
	char		 why[64];
};

static void
child_eof_timeout(int fd, short ev, void *arg)
{
	struct child_eof	*ce = arg;
	struct child_proc	*c = &env->children[ce->proc];
	char			 reason[HAD_REASONLEN];

	if (c->running && c->pid == ce->pid && !env->shutting_down) {
		snprintf(reason, sizeof(reason), "killed by had: channel %s",
		    ce->why);
		log_warnx("%s (pid %d): channel %s; replacing it",
		    proc_name(c->proc), (int)c->pid, ce->why);
		child_kill(c, reason);
	}
	free(ce);
}

/*
 * A child closed its channel or sent garbage: replace it.  A child that
 * is dying closes its channel before it can be reaped, so give SIGCHLD a
 * moment to tell the real story before blaming the channel.
 */
static void
child_closed(struct imsgev *iev, const char *why)
{
	struct child_proc	*c = child_by_iev(iev);
	struct child_eof	*ce;
	struct timeval		 tv = { 0, 250000 };

	if (c == NULL || !c->running || env->shutting_down)
		return;
	if ((ce = calloc(1, sizeof(*ce))) == NULL) {
		child_kill(c, "killed by had: channel closed");
		return;
	}
	ce->proc = c->proc;
	ce->pid = c->pid;
	strlcpy(ce->why, why, sizeof(ce->why));
	if (strstr(why, "malformed") != NULL || strstr(why, "invalid") != NULL ||
	    strstr(why, "unexpected") != NULL)
		tv.tv_usec = 0;		/* garbage: no need to wait */
	if (event_base_once(env->base, -1, EV_TIMEOUT, child_eof_timeout, ce,
	    &tv) == -1) {
		free(ce);
		child_kill(c, "killed by had: channel closed");
	}
}

void
child_fill_ctl(enum had_proc p, struct msg_ctl_proc *row)
{
	struct proc_status	 ps;
	struct passwd		*pw;
	pid_t			 pid;

	memset(row, 0, sizeof(*row));
	strlcpy(row->name, proc_name(p), sizeof(row->name));
	if (p == PROC_PARENT) {
		pid = getpid();
		row->state = 1;
		row->started = env->started_wall;
		row->uptime = ts_ms_since(&env->started) / 1000;
	} else {
		struct child_proc	*c = &env->children[p];

		pid = c->running ? c->pid : 0;
		row->state = c->running;
		row->restarts = c->restarts;
		row->peer_complaints = c->peer_complaints;
		strlcpy(row->last_exit, c->last_exit, sizeof(row->last_exit));
		if (c->running) {
			row->started = c->started_wall;
			row->uptime = ts_ms_since(&c->started) / 1000;
		}
	}
	row->pid = pid;
	if (pid != 0 && proc_read_status(pid, &ps) == 0) {
		row->uid = ps.uid;
		row->gid = ps.gid;
		row->seccomp = ps.seccomp;
		row->seccomp_filters = ps.seccomp_filters;
		row->cap_eff = ps.cap_eff;
		row->cap_prm = ps.cap_prm;
		row->cap_bnd = ps.cap_bnd;
		row->no_new_privs = ps.no_new_privs;
		strlcpy(row->root, ps.root, sizeof(row->root));
		if ((pw = getpwuid(ps.uid)) != NULL)
			strlcpy(row->user, pw->pw_name, sizeof(row->user));
		else
			snprintf(row->user, sizeof(row->user), "%u", ps.uid);
	}
}
