/*
 * had: the privileged parent of the had suite.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
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
	    "       had -n --compat [-i config-id] [-f] file\n");
	exit(1);
}

int64_t
ts_ms_since(const struct timespec *t)
{
	struct timespec	 now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return ((int64_t)(now.tv_sec - t->tv_sec) * 1000 +
	    (now.tv_nsec - t->tv_nsec) / 1000000);
}

/* had -n: check the file, print it back normalised. */
static int
had_check_config(void)
{
	struct conf_diags	 diags;
	struct conf_opts	 opts;
	struct had_conf		*conf;

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
	conf_free(conf);
	return (0);
}

static void
had_pidfile(void)
{
	char	 buf[32];
	int	 fd;

	if ((fd = open(env->pidfile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0644)) == -1)
		fatal("pidfile %s", env->pidfile);
	snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
	if (write(fd, buf, strlen(buf)) != (ssize_t)strlen(buf))
		fatal("pidfile %s", env->pidfile);
	close(fd);
}

/* The chroot directory of the children: empty, root's, not writable. */
static void
had_chroot_dir(void)
{
	struct stat	 st;

	if (stat(env->chroot, &st) == -1) {
		if (errno != ENOENT)
			fatal("chroot directory %s", env->chroot);
		if (mkdir(env->chroot, 0755) == -1)
			fatal("creating chroot directory %s", env->chroot);
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
	case SIGCHLD:
		children_reap();
		if (env->shutting_down && children_all_gone())
			had_finish();
		break;
	default:
		break;
	}
}

enum { OPT_COMPAT = 256 };
static const struct option longopts[] = {
	{ "compat",	no_argument,	NULL,	OPT_COMPAT },
	{ NULL,		0,		NULL,	0 }
};

int
main(int argc, char *argv[])
{
	struct passwd	*pw;
	struct event	*ev_sig[4];
	int		 sigs[4] = { SIGTERM, SIGINT, SIGHUP, SIGCHLD };
	struct conf_opts opts;
	int		 ch, checkonly = 0, compat = 0, i;

	env->conffile = HAD_CONFFILE;
	env->sockpath = HAD_SOCKET;
	env->pidfile = HAD_PIDFILE;
	env->chroot = HAD_CHROOT;
	env->libexec = LIBEXECDIR;
	env->user = HAD_USER;
	env->ctl_fd = -1;

	while ((ch = getopt_long(argc, argv, "C:df:i:np:s:u:vX:", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case OPT_COMPAT:
			compat = 1;
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
		return (had_check_config());

	log_init(env->debug, LOG_DAEMON);
	log_setverbose(env->verbose);
	log_procinit("had");
	if (geteuid() != 0)
		fatalx("need root privileges");
	if ((pw = getpwnam(env->user)) == NULL)
		fatalx("user %s does not exist (scripts/setup-deps.sh or the "
		    "package creates it)", env->user);
	env->had_gid = pw->pw_gid;
	children_check_users();
	had_chroot_dir();

	if (reload_load_initial() == -1)
		exit(1);

	/* Under systemd (Type=notify) stay in the foreground. */
	if (!env->debug && getenv("NOTIFY_SOCKET") == NULL &&
	    daemon(0, 0) == -1)
		fatal("daemon");
	clock_gettime(CLOCK_MONOTONIC, &env->started);
	env->started_wall = time(NULL);

	if ((env->base = event_base_new()) == NULL)
		fatalx("event_base_new");
	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < 4; i++) {
		ev_sig[i] = evsignal_new(env->base, sigs[i], had_sig, NULL);
		if (ev_sig[i] == NULL || evsignal_add(ev_sig[i], NULL) == -1)
			fatalx("signal events");
	}

	if (control_init() == -1)
		exit(1);
	had_pidfile();
	children_init();
	children_start();
	log_info("started (config %s, socket %s)", env->conffile,
	    env->sockpath);

	event_base_dispatch(env->base);
	had_finish();
}
