/*
 * Start-up and the event loop shared by vrrpd, lvsd and checkd.
 *
 * A child is exec'd by had with its socket on fd 3, as root.  It opens
 * what it needs, drops privileges for good, then serves: pings from the
 * watchdog, sibling sockets handed over by had, RECONF sequences and
 * control requests.  It exits when had's socket closes.
 */
#include <sys/types.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <event.h>

#include "child.h"
#include "conf.h"
#include "conf_diff.h"
#include "log.h"
#include "msg_contract.h"
#include "proc.h"
#include "sandbox.h"

extern char		**environ;

static struct child_env	 child_env;
struct child_env	*child = &child_env;

/* A signal as the handler saw it, passed to the event loop. */
struct child_signal {
	int	 sig;
	pid_t	 from;
};
static pid_t	 parent_pid;
static int	 sig_pipe[2] = { -1, -1 };

/* A RECONF sequence being received. */
static struct {
	int		 active;
	int		 failed;
	uint32_t	 nitems;
	uint32_t	 got;
	uint64_t	 generation;
	struct had_conf	*conf;
	char		 reason[HAD_REASONLEN];
} rx;

static int	child_dispatch_parent(struct imsgev *, struct imsg *);
static int	child_dispatch_peer(struct imsgev *, struct imsg *);
static void	child_parent_closed(struct imsgev *, const char *);
static void	child_peer_closed(struct imsgev *, const char *);

static __attribute__((__noreturn__)) void
child_exit(const char *why)
{
	if (child->ops->shutdown != NULL)
		child->ops->shutdown();
	log_info("exiting: %s", why);
	exit(0);
}

/* Async-signal-safe: only write(2) of who sent what. */
static void
child_sig_handler(int sig, siginfo_t *si, void *ctx)
{
	struct child_signal	 cs;
	int			 saved = errno;

	cs.sig = sig;
	cs.from = si != NULL ? si->si_pid : 0;
	(void)write(sig_pipe[1], &cs, sizeof(cs));
	errno = saved;
}

/* had's order: the child may finish something first (vrrpd's handover). */
static void
child_stop_order(void)
{
	static int	 stopping;

	if (stopping || child->ops->stop == NULL || child->ops->stop() == 0)
		child_exit("had stops us");
	stopping = 1;
}

void
child_stop_done(void)
{
	child_exit("had stops us");
}

static void
child_sig(int fd, short ev, void *arg)
{
	struct child_signal	 cs;
	const char		*name;

	while (read(fd, &cs, sizeof(cs)) == (ssize_t)sizeof(cs)) {
		if (getppid() != parent_pid)
			child_exit("had is gone");
		if (cs.from == parent_pid) {
			child_stop_order();
			continue;
		}
		name = cs.sig == SIGTERM ? "SIGTERM" : cs.sig == SIGINT ?
		    "SIGINT" : "stop signal";
		log_info("%s from pid %d ignored: had stops us when it stops",
		    name, (int)cs.from);
	}
}

static void
child_sig_init(void)
{
	struct sigaction	 sa;
	struct event		*ev;

	if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) == -1)
		fatal("signal pipe");
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = child_sig_handler;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGTERM, &sa, NULL) == -1 ||
	    sigaction(SIGINT, &sa, NULL) == -1 ||
	    sigaction(HAD_SIG_STOP, &sa, NULL) == -1)
		fatal("sigaction");
	/* kill -USR1 of the whole group is for had alone. */
	signal(SIGUSR1, SIG_IGN);
	signal(SIGUSR2, SIG_IGN);
	if ((ev = event_new(child->base, sig_pipe[0], EV_READ | EV_PERSIST,
	    child_sig, NULL)) == NULL || event_add(ev, NULL) == -1)
		fatalx("signal events");
}

static __attribute__((__noreturn__)) void
child_usage(const char *name)
{
	fprintf(stderr, "usage: %s [-dRv] -u user -C chroot\n"
	    "%s is started by had(8), not by hand.\n", name, name);
	exit(1);
}

int
child_send_parent(uint32_t type, uint32_t peerid, int fd, const void *data,
    size_t len)
{
	return (imsgev_compose(&child->parent, type, peerid, fd, data, len));
}

int
child_send_peer(enum had_proc p, uint32_t type, const void *data, size_t len)
{
	if (p <= PROC_PARENT || p >= PROC_MAX || !child->peers[p].active) {
		errno = ENOTCONN;
		return (-1);
	}
	return (imsgev_compose(&child->peers[p], type, 0, -1, data, len));
}

int
child_ctl_send(uint32_t type, uint32_t peerid, const void *data, size_t len)
{
	return (child_send_parent(type, peerid, -1, data, len));
}

void
child_ctl_text(uint32_t peerid, const char *fmt, ...)
{
	struct msg_ctl_text	 t;
	va_list			 ap;

	memset(&t, 0, sizeof(t));
	va_start(ap, fmt);
	vsnprintf(t.text, sizeof(t.text), fmt, ap);
	va_end(ap);
	child_ctl_send(IMSG_CTL_TEXT, peerid, &t, sizeof(t));
}

static void
child_reconf_reset(void)
{
	if (rx.conf != NULL)
		conf_free(rx.conf);
	memset(&rx, 0, sizeof(rx));
}

static int
child_reconf_item(struct imsg *imsg)
{
	struct msg_reconf_item	 item;
	const uint8_t		*body;

	if (!rx.active) {
		log_warnx("config item outside a RECONF sequence");
		return (-1);
	}
	memcpy(&item, imsg->data, sizeof(item));
	if (item.len != imsg->datalen - sizeof(item)) {
		log_warnx("config item length %u does not match message",
		    item.len);
		return (-1);
	}
	if (++rx.got > rx.nitems) {
		log_warnx("more config items than announced (%u)", rx.nitems);
		return (-1);
	}
	if (rx.failed)
		return (0);
	body = (const uint8_t *)imsg->data + sizeof(item);
	if (conf_receive_item(rx.conf, child->ops->proc, item.kind, body,
	    item.len, rx.reason, sizeof(rx.reason)) == -1) {
		log_warnx("config item %u (%s) refused: %s", rx.got,
		    conf_item_kind_name(item.kind), rx.reason);
		rx.failed = 1;
	}
	return (0);
}

static int
child_reconf_end(struct imsg *imsg)
{
	struct msg_reconf	 r;
	struct msg_reconf_done	 done;
	struct had_conf		*old;

	memcpy(&r, imsg->data, sizeof(r));
	if (!rx.active || r.generation != rx.generation ||
	    r.nitems != rx.nitems || rx.got != rx.nitems) {
		log_warnx("RECONF sequence out of order");
		return (-1);
	}
	memset(&done, 0, sizeof(done));
	done.proc = child->ops->proc;
	done.generation = rx.generation;
	if (rx.failed) {
		done.error = 1;
		strlcpy(done.reason, rx.reason, sizeof(done.reason));
		child_reconf_reset();
		return (child_send_parent(IMSG_RECONF_DONE, 0, -1, &done,
		    sizeof(done)));
	}
	conf_diff_count(child->conf, rx.conf, child->ops->proc, &done.added,
	    &done.changed, &done.removed, &done.unchanged);
	old = child->conf;
	if (child->ops->reconf != NULL &&
	    child->ops->reconf(old, rx.conf, &done) == -1) {
		done.error = 1;
		log_warnx("new configuration refused: %s", done.reason);
		child_reconf_reset();
		return (child_send_parent(IMSG_RECONF_DONE, 0, -1, &done,
		    sizeof(done)));
	}
	child->conf = rx.conf;
	child->generation = rx.generation;
	rx.conf = NULL;
	child_reconf_reset();
	if (old != NULL)
		conf_free(old);
	/* The old config and the items' buffers: back to the kernel. */
	malloc_trim(0);
	log_info("configuration generation %llu applied: %u added, "
	    "%u changed, %u removed, %u unchanged",
	    (unsigned long long)done.generation, done.added, done.changed,
	    done.removed, done.unchanged);
	return (child_send_parent(IMSG_RECONF_DONE, 0, -1, &done,
	    sizeof(done)));
}

static int
child_ctl(struct imsg *imsg)
{
	struct msg_ctl_end	 end;
	int			 r = 0;

	memset(&end, 0, sizeof(end));
	if (child->ops->ctl != NULL)
		r = child->ops->ctl(imsg);
	else
		r = 1;
	if (r == 1) {
		end.status = 0;
		strlcpy(end.message, "nothing to show yet",
		    sizeof(end.message));
	} else if (r == -1) {
		end.status = 1;
		strlcpy(end.message, "request failed", sizeof(end.message));
	}
	return (child_send_parent(IMSG_CTL_END, imsg->hdr.peerid, -1, &end,
	    sizeof(end)));
}

/* imsgev has checked the message contract (msg_contract.c) already. */
static int
child_dispatch_parent(struct imsgev *iev, struct imsg *imsg)
{
	struct msg_ping		 ping;
	struct msg_peer		 peer;
	struct msg_verbose	 verb;
	struct msg_reconf	 r;
	char			 name[32];
	int			 fd;

	switch (imsg->hdr.type) {
	case IMSG_PING:
		memcpy(&ping, imsg->data, sizeof(ping));
		return (child_send_parent(IMSG_PONG, 0, -1, &ping,
		    sizeof(ping)));
	case IMSG_PEER_FD:
		memcpy(&peer, imsg->data, sizeof(peer));
		if (peer.proc == child->ops->proc) {
			log_warnx("sibling socket for bad process %u",
			    peer.proc);
			return (-1);
		}
		if (child->peers[peer.proc].active)
			imsgev_close(&child->peers[peer.proc]);
		fd = imsg->fd;
		imsg->fd = -1;	/* ours now */
		snprintf(name, sizeof(name), "%s", proc_name(peer.proc));
		if (imsgev_init(&child->peers[peer.proc], child->base, fd,
		    name, child->ops->proc, peer.proc, child_dispatch_peer,
		    child_peer_closed, NULL) == -1) {
			close(fd);
			log_warn("channel to %s", name);
			return (0);
		}
		log_debug("channel to %s up", name);
		if (child->ops->peer_up != NULL)
			child->ops->peer_up(peer.proc);
		return (0);
	case IMSG_LOG_VERBOSE:
		memcpy(&verb, imsg->data, sizeof(verb));
		log_setverbose(verb.verbose != 0);
		log_info("log level %s", verb.verbose ? "verbose" : "brief");
		return (0);
	case IMSG_RECONF_START:
		memcpy(&r, imsg->data, sizeof(r));
		if (r.proc != (uint32_t)child->ops->proc || rx.active) {
			log_warnx("RECONF sequence for the wrong process or "
			    "inside another");
			return (-1);
		}
		child_reconf_reset();
		if ((rx.conf = conf_new()) == NULL)
			fatal("conf_new");
		rx.active = 1;
		rx.nitems = r.nitems;
		rx.generation = r.generation;
		return (0);
	case IMSG_RECONF_ITEM:
		return (child_reconf_item(imsg));
	case IMSG_RECONF_END:
		return (child_reconf_end(imsg));
	case IMSG_CTL_SHOW_VRRP:
	case IMSG_CTL_SHOW_LVS:
	case IMSG_CTL_SHOW_CHECKS:
	case IMSG_CTL_SHOW_BFD:
		return (child_ctl(imsg));
	default:
		if (child->ops->dispatch_parent != NULL)
			return (child->ops->dispatch_parent(imsg));
		log_warnx("unexpected message type %u from had",
		    imsg->hdr.type);
		return (-1);
	}
}

static int
child_dispatch_peer(struct imsgev *iev, struct imsg *imsg)
{
	enum had_proc	 p;

	for (p = PROC_VRRP; p < PROC_MAX; p++)
		if (iev == &child->peers[p])
			break;
	if (p == PROC_MAX)
		return (-1);
	if (child->ops->dispatch_peer[p] == NULL) {
		log_warnx("%s: unexpected message type %u", proc_name(p),
		    imsg->hdr.type);
		return (-1);
	}
	return (child->ops->dispatch_peer[p](imsg));
}

static void
child_parent_closed(struct imsgev *iev, const char *why)
{
	int	 i;

	/*
	 * had's death closes the channel just before the kernel gives us
	 * a new parent: wait a moment (bounded) to tell that apart from
	 * had closing it while alive, which it does only to replace us
	 * (its SIGKILL follows): then a successor takes over what we hold.
	 */
	for (i = 0; i < 50 && getppid() == parent_pid; i++)
		usleep(10000);
	if (getppid() == parent_pid) {
		child->replaced = 1;
		child_exit("had closed our channel; a successor takes over");
	}
	child_exit("had is gone");
}

/*
 * A sibling channel closed.  On EOF the sibling died and had will hand
 * over a new socket once it is respawned.  Anything else means the
 * sibling sent something we refuse (logged with its name already): tell
 * had, which counts the complaint and hands both of us a new channel
 * later; it does not kill a sibling on our word.
 */
static void
child_peer_closed(struct imsgev *iev, const char *why)
{
	struct msg_peer	 peer;
	enum had_proc	 p;

	log_info("channel to %s closed (%s); waiting for a new one",
	    iev->name, why);
	if (strcmp(why, "EOF") == 0)
		return;
	for (p = PROC_VRRP; p < PROC_MAX; p++)
		if (iev == &child->peers[p])
			break;
	if (p == PROC_MAX)
		return;
	memset(&peer, 0, sizeof(peer));
	peer.proc = p;
	child_send_parent(IMSG_PEER_BAD, 0, -1, &peer, sizeof(peer));
}

int
child_main(int argc, char **argv, const struct child_ops *ops)
{
	struct stat		 st;
	struct msg_ready	 ready;
	struct event_config	*cfg;
	static char	 user[64];
	const char	*name = proc_name(ops->proc);
	int		 ch;

	/* Before getopt: the title may overwrite the original argv. */
	setproctitle_init(argc, argv, environ);
	parent_pid = getppid();
	child->ops = ops;
	if (proc_user_for(ops->proc, HAD_USER, user, sizeof(user)) == -1)
		exit(1);
	child->user = user;
	while ((ch = getopt(argc, argv, "C:dRu:v")) != -1) {
		switch (ch) {
		case 'C':
			if ((child->chroot = strdup(optarg)) == NULL)
				exit(1);
			break;
		case 'd':
			child->debug = 1;
			break;
		case 'R':
			child->respawned = 1;
			break;
		case 'u':
			if ((child->user = strdup(optarg)) == NULL)
				exit(1);
			break;
		case 'v':
			log_setverbose(1);
			break;
		default:
			child_usage(name);
		}
	}
	if (child->chroot == NULL || optind != argc)
		child_usage(name);
	if (fstat(HAD_CHILD_FD, &st) == -1 || !S_ISSOCK(st.st_mode)) {
		fprintf(stderr, "%s: fd %d is not a socket: %s is started by "
		    "had(8)\n", name, HAD_CHILD_FD, name);
		exit(1);
	}
	if (geteuid() != 0) {
		fprintf(stderr, "%s: must start as root\n", name);
		exit(1);
	}

	log_init(child->debug, LOG_DAEMON);
	log_procinit(name);
	proc_set_title(name);

	/*
	 * arc4random's first seed before the chroot and the filter.  Its
	 * getrandom() does not wait for the kernel's generator, and before
	 * that is ready (a VM's early boot) it falls back to /dev/urandom,
	 * then to _sysctl, which the filter kills: checkd died so in the VM
	 * once OpenSSL, whose getrandom() waits, no longer ran here.  So
	 * wait as OpenSSL did, then seed.
	 */
	{
		unsigned char	 b;

		while (getrandom(&b, 1, 0) == -1 && errno == EINTR)
			;
		(void)arc4random();
	}
	if (ops->init_privileged != NULL)
		ops->init_privileged();
	proc_drop_privs(name, child->user, child->chroot,
	    proc_caps_for(ops->proc));
	/* After the drop: a change of credentials clears it. */
	if (prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0) == -1)
		log_warn("PR_SET_PDEATHSIG");

	/*
	 * Timers to the microsecond: the coarse clock libevent uses by
	 * default has a 4 ms grain, too much for VRRP at 10 ms intervals.
	 */
	if ((cfg = event_config_new()) == NULL ||
	    event_config_set_flag(cfg, EVENT_BASE_FLAG_PRECISE_TIMER) == -1 ||
	    (child->base = event_base_new_with_config(cfg)) == NULL)
		fatalx("event_base_new");
	event_config_free(cfg);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	child_sig_init();

	if (imsgev_init(&child->parent, child->base, HAD_CHILD_FD, "had",
	    ops->proc, PROC_PARENT, child_dispatch_parent,
	    child_parent_closed, NULL) == -1)
		fatal("channel to had");
	if (ops->init != NULL)
		ops->init(child->base);
	/* had died before PR_SET_PDEATHSIG was in place. */
	if (getppid() != parent_pid)
		child_exit("had is gone");

	memset(&ready, 0, sizeof(ready));
	ready.proc = ops->proc;
	ready.caps_ok = proc_check_privs(proc_caps_for(ops->proc)) == 0;
	child_send_parent(IMSG_CHILD_READY, 0, -1, &ready, sizeof(ready));
	log_debug("running as %s in %s", child->user, child->chroot);
	/* Nothing from outside has been read yet: from here on, the filter. */
	if (sandbox_enter(ops->proc) == -1)
		fatal("%s: seccomp filter", name);
	event_base_dispatch(child->base);
	child_exit("event loop ended");
}
