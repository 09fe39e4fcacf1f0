/*
 * had: the privileged parent of the had suite.
 */
#include <sys/types.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <event.h>

#include "conf.h"
#include "had.h"
#include "log.h"
#include "proc.h"

static struct had_env	 had_env;
struct had_env		*env = &had_env;

static __attribute__((__noreturn__)) void
usage(void)
{
	fprintf(stderr,
	    "usage: had [-dnv] [-C chroot] [-f file] [-i config-id] "
	    "[-p pidfile]\n"
	    "           [-s socket] [-u user] [-X libexecdir]\n"
	    "       had -n --compat [-i config-id] [-f] file\n"
	    "       had -n --no-host-checks [-i config-id] [-f file]\n");
	exit(1);
}

/*
 * net_namespace: the whole instance runs in /run/netns/NAME (ip netns
 * add makes it), as keepalived's.  had enters it before it opens a
 * socket or starts a child, so that every child, script and socket is
 * in it; the control socket and the files are paths, which a network
 * namespace does not change.
 */
static int
had_netns_enter(const char *name, char *why, size_t len)
{
	char	 path[PATH_MAX];
	int	 fd;

	if (name[0] == '\0')
		return (0);
	snprintf(path, sizeof(path), "/run/netns/%s", name);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(why, len, "net_namespace %s: %s: %s (ip netns add "
		    "%s makes it)", name, path, strerror(errno), name);
		return (-1);
	}
	if (setns(fd, CLONE_NEWNET) == -1) {
		snprintf(why, len, "net_namespace %s: cannot enter %s: %s",
		    name, path, strerror(errno));
		close(fd);
		return (-1);
	}
	close(fd);
	return (0);
}

/* had -n: check the file, print it back normalised. */
static int
had_check_config(int hostchecks)
{
	struct conf_diags	 diags;
	struct conf_opts	 opts;
	struct had_conf		*conf;
	char			 why[PATH_MAX + 128];

	memset(&opts, 0, sizeof(opts));
	opts.config_id = env->config_id;
	conf_diags_init(&diags);
	conf = conf_load(env->conffile, &opts, &diags);
	conf_diags_print(stderr, &diags);
	conf_diags_free(&diags);
	if (conf == NULL) {
		fprintf(stderr, "had: %s: configuration has errors\n",
		    env->conffile);
		return (1);
	}
	conf_print(stdout, conf);
	/* keepalived's -t: what will fail on this host at run time. */
	if (hostchecks && had_netns_enter(conf->global.net_namespace, why,
	    sizeof(why)) == -1) {
		fprintf(stderr, "%s: error: %s\n", env->conffile, why);
		fprintf(stderr, "had: %s: configuration will fail on this "
		    "host\n", env->conffile);
		conf_free(conf);
		return (1);
	}
	if (hostchecks && hostcheck(stderr, env->conffile, conf) > 0) {
		fprintf(stderr, "had: %s: configuration will fail on this "
		    "host\n", env->conffile);
		conf_free(conf);
		return (1);
	}
	conf_free(conf);
	return (0);
}

/*
 * The pid file, opened without following a link and locked for the life
 * of had (flock: the lock goes with the descriptor through daemon()'s
 * fork).  A second had with the same file stops here, before it touches
 * the first one's control socket or pid file.
 */
static void
had_pidfile_lock(void)
{
	struct stat	 st;
	char		 buf[32];
	ssize_t		 n;
	int		 fd;

	if ((fd = open(env->pidfile, O_RDWR | O_CREAT | O_NOFOLLOW |
	    O_CLOEXEC, 0644)) == -1)
		fatal("pid file %s", env->pidfile);
	if (fstat(fd, &st) == -1)
		fatal("pid file %s", env->pidfile);
	if (!S_ISREG(st.st_mode) || st.st_uid != 0)
		fatalx("pid file %s is not a regular file owned by root",
		    env->pidfile);
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		if (errno != EWOULDBLOCK)
			fatal("locking pid file %s", env->pidfile);
		n = pread(fd, buf, sizeof(buf) - 1, 0);
		buf[n > 0 ? n : 0] = '\0';
		buf[strcspn(buf, "\n")] = '\0';
		if (!env->debug)	/* else the log goes there */
			fprintf(stderr, "had: already running as pid %s (pid "
			    "file %s is locked)\n", buf[0] != '\0' ? buf : "?",
			    env->pidfile);
		fatalx("already running as pid %s (pid file %s is locked)",
		    buf[0] != '\0' ? buf : "?", env->pidfile);
	}
	env->pid_fd = fd;
}

/* Once we are the daemon: our pid, in the file we hold locked. */
static void
had_pidfile(void)
{
	char	 buf[32];
	int	 len;

	len = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
	if (ftruncate(env->pid_fd, 0) == -1 ||
	    pwrite(env->pid_fd, buf, len, 0) != len)
		fatal("pid file %s", env->pidfile);
}

/* The chroot directory of the children: empty, root's, not writable. */
static void
had_chroot_dir(void)
{
	struct stat	 st;

	if (stat(env->chroot, &st) == -1) {
		if (errno != ENOENT)
			fatal("chroot directory %s", env->chroot);
		if (proc_mkdirs(env->chroot, 0755) == -1)
			fatal("creating chroot directory %s", env->chroot);
		log_info("created chroot directory %s", env->chroot);
		return;
	}
	if (!S_ISDIR(st.st_mode) || st.st_uid != 0 ||
	    (st.st_mode & (S_IWGRP | S_IWOTH)))
		fatalx("chroot directory %s must be a directory owned by "
		    "root and writable only by root", env->chroot);
}

static void
had_finish(void)
{
	script_finish();
	control_cleanup();
	if (unlink(env->pidfile) == -1 && errno != ENOENT)
		log_warn("removing %s", env->pidfile);
	log_info("stopped");
	exit(0);
}

static void
had_shutdown_tick(int fd, short ev, void *arg)
{
	struct timeval	 tv = { 0, 100000 };
	static int	 ticks, total;

	children_reap();
	if (children_all_gone())
		had_finish();
	children_shutdown_tick(++total);
	if (++ticks * 100 >= SHUTDOWN_GRACE_MS) {
		log_warnx("children still running after %d ms; killing them",
		    SHUTDOWN_GRACE_MS);
		children_shutdown();	/* second call sends SIGKILL */
		ticks = 0;
	}
	evtimer_add(env->shutdown_ev, &tv);
}

static void
had_sig(int sig, short ev, void *arg)
{
	struct timeval	 tv = { 0, 100000 };

	switch (sig) {
	case SIGTERM:
	case SIGINT:
		if (env->shutting_down)
			return;
		log_info("%s: shutting down", sig == SIGTERM ? "SIGTERM" :
		    "SIGINT");
		env->shutting_down = 1;
		sd_notifyf("STOPPING=1");
		children_shutdown();
		if (children_all_gone())
			had_finish();
		env->shutdown_ev = evtimer_new(env->base, had_shutdown_tick,
		    NULL);
		evtimer_add(env->shutdown_ev, &tv);
		break;
	case SIGHUP:
		log_info("SIGHUP: reloading %s", env->conffile);
		reload_request(0, CTL_RELOAD_ALL);
		break;
	case SIGUSR1:
	case SIGUSR2:
		if (!env->shutting_down)
			dump_request(sig == SIGUSR2);
		break;
	case SIGCHLD:
		children_reap();
		if (env->shutting_down && children_all_gone())
			had_finish();
		break;
	default:
		break;
	}
}

enum { OPT_COMPAT = 256, OPT_NOHOST };
static const struct option longopts[] = {
	{ "compat",	no_argument,	NULL,	OPT_COMPAT },
	{ "no-host-checks", no_argument, NULL,	OPT_NOHOST },
	{ NULL,		0,		NULL,	0 }
};

int
main(int argc, char *argv[])
{
	struct passwd	*pw;
	struct event	*ev_sig[6];
	int		 sigs[6] = { SIGTERM, SIGINT, SIGHUP, SIGCHLD, SIGUSR1,
			    SIGUSR2 };
	struct conf_opts opts;
	int		 ch, checkonly = 0, compat = 0, hostchecks = 1, i;
	char		 why[PATH_MAX + 128];

	env->conffile = HAD_CONFFILE;
	env->sockpath = HAD_SOCKET;
	env->pidfile = HAD_PIDFILE;
	env->chroot = HAD_CHROOT;
	env->libexec = LIBEXECDIR;
	env->user = HAD_USER;
	env->ctl_fd = -1;
	env->pid_fd = -1;

	while ((ch = getopt_long(argc, argv, "C:df:i:np:s:u:vX:", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case OPT_COMPAT:
			compat = 1;
			break;
		case OPT_NOHOST:
			hostchecks = 0;
			break;
		case 'C':
			env->chroot = optarg;
			break;
		case 'd':
			env->debug = 1;
			break;
		case 'f':
			env->conffile = optarg;
			break;
		case 'i':
			env->config_id = optarg;
			break;
		case 'n':
			checkonly = 1;
			break;
		case 'p':
			env->pidfile = optarg;
			break;
		case 's':
			env->sockpath = optarg;
			break;
		case 'u':
			env->user = optarg;
			break;
		case 'v':
			env->verbose = 1;
			break;
		case 'X':
			env->libexec = optarg;
			break;
		default:
			usage();
		}
	}
	/* had -n --compat FILE, as the issue and keepalived users write it. */
	if (compat && optind + 1 == argc)
		env->conffile = argv[optind++];
	if (optind != argc)
		usage();

	if (compat) {
		memset(&opts, 0, sizeof(opts));
		opts.config_id = env->config_id;
		return (conf_compat_report(stdout, env->conffile, &opts));
	}
	if (checkonly)
		return (had_check_config(hostchecks));

	log_init(env->debug, LOG_DAEMON);
	log_setverbose(env->verbose);
	log_procinit("had");
	if (geteuid() != 0)
		fatalx("need root privileges");
	if ((pw = getpwnam(env->user)) == NULL)
		fatalx("user %s does not exist (scripts/setup-deps.sh or the "
		    "package creates it)", env->user);
	env->had_gid = pw->pw_gid;
	had_pidfile_lock();
	children_check_users();
	had_chroot_dir();

	if (reload_load_initial() == -1)
		exit(1);
	if (had_netns_enter(env->conf->global.net_namespace, why,
	    sizeof(why)) == -1)
		fatalx("%s; not starting", why);
	if (env->conf->global.net_namespace[0] != '\0')
		log_info("running in network namespace %s",
		    env->conf->global.net_namespace);

	/* Under systemd (Type=notify) stay in the foreground. */
	if (!env->debug && getenv("NOTIFY_SOCKET") == NULL &&
	    daemon(0, 0) == -1)
		fatal("daemon");
	clock_gettime(CLOCK_MONOTONIC, &env->started);
	env->started_wall = time(NULL);

	if ((env->base = event_base_new()) == NULL)
		fatalx("event_base_new");
	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < 6; i++) {
		ev_sig[i] = evsignal_new(env->base, sigs[i], had_sig, NULL);
		if (ev_sig[i] == NULL || evsignal_add(ev_sig[i], NULL) == -1)
			fatalx("signal events");
	}

	had_pidfile();
	if (control_init() == -1)
		exit(1);
	children_init();
	/* init_file before the children start, as keepalived's. */
	track_files_apply(NULL);
	children_start();
	/* router_id names the box; keepalived uses it only in alerts. */
	log_info("started (config %s, socket %s%s%s)", env->conffile,
	    env->sockpath, env->conf != NULL &&
	    env->conf->global.router_id[0] != '\0' ? ", router_id " : "",
	    env->conf != NULL ? env->conf->global.router_id : "");

	event_base_dispatch(env->base);
	had_finish();
}
