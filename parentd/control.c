/*
 * The control socket: hactl connects, sends one request at a time, and
 * gets rows and an END back.  had answers `show procs` itself, forwards
 * the other show requests to the child that knows (peer id = client id)
 * and passes the answers back, from that child only and only until its
 * END.  Only root and members of group _had get in; members may look,
 * only root may change (MSGC_ROOT in the message contract).  Each
 * client's output queue is bounded, and so is their sum; anything
 * malformed closes the connection.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event.h>

#include "had.h"
#include "log.h"
#include "msg_contract.h"
#include "proc.h"

static void	control_accept(int, short, void *);
static int	control_dispatch(struct imsgev *, struct imsg *);
static int	control_request(struct ctl_conn *, struct imsg *);
static void	control_closed(struct imsgev *, const char *);
static void	control_error(struct imsgev *, const char *);

static uint32_t	 ctl_next_id = 1;

/*
 * Requests forwarded to a child whose client has gone: the answer may
 * still come and is dropped.  Bounded; a child that leaves this many
 * unanswered gets no more requests until it answers.
 */
#define CTL_ORPHANS_MAX		256
static uint32_t	 ctl_orphans[PROC_MAX][CTL_ORPHANS_MAX];
static int	 ctl_norphans[PROC_MAX];
static size_t	 ctl_qbytes;	/* queued to all clients */

/*
 * The socket's directory must be root's and writable by nobody else:
 * then nobody but root can put anything at the socket's path between
 * our bind() and chown() below, so changing it by path is safe (a unix
 * socket has no descriptor for its file: fchown() on the socket does
 * not reach the inode bind() creates).
 */
static int
control_check_dir(const char *path)
{
	struct stat	 st;
	char		 dir[HAD_PATHLEN], *slash;

	if (strlcpy(dir, path, sizeof(dir)) >= sizeof(dir))
		return (-1);
	if ((slash = strrchr(dir, '/')) == NULL)
		strlcpy(dir, ".", sizeof(dir));
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	if (lstat(dir, &st) == -1 && errno == ENOENT) {
		if (proc_mkdirs(dir, 0755) == -1) {
			log_warn("creating control socket directory %s", dir);
			return (-1);
		}
		log_info("created control socket directory %s", dir);
	}
	if (lstat(dir, &st) == -1) {
		log_warn("control socket directory %s", dir);
		return (-1);
	}
	if (!S_ISDIR(st.st_mode) || st.st_uid != 0 ||
	    (st.st_mode & (S_IWGRP | S_IWOTH))) {
		log_warnx("control socket directory %s must be a directory "
		    "owned by root and writable only by root (it is %s%04o "
		    "uid %u)", dir, S_ISDIR(st.st_mode) ? "" : "not a "
		    "directory, ", (unsigned)(st.st_mode & 07777),
		    (unsigned)st.st_uid);
		return (-1);
	}
	return (0);
}

int
control_init(void)
{
	struct sockaddr_un	 sun;
	mode_t			 old_umask;
	int			 fd;

	TAILQ_INIT(&env->ctl_conns);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlcpy(sun.sun_path, env->sockpath, sizeof(sun.sun_path)) >=
	    sizeof(sun.sun_path)) {
		log_warnx("control socket path %s is too long", env->sockpath);
		return (-1);
	}
	if (control_check_dir(env->sockpath) == -1)
		return (-1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1) {
		log_warn("control socket");
		return (-1);
	}
	/* A socket that answers belongs to a running had: leave it. */
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0) {
		log_warnx("%s: another had is running", env->sockpath);
		close(fd);
		return (-1);
	}
	if (unlink(env->sockpath) == -1 && errno != ENOENT) {
		log_warn("unlink %s", env->sockpath);
		close(fd);
		return (-1);
	}
	/* Born 0660: never a moment with more. */
	old_umask = umask(S_IXUSR | S_IXGRP | S_IRWXO);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		log_warn("bind %s", env->sockpath);
		umask(old_umask);
		close(fd);
		return (-1);
	}
	umask(old_umask);
	if (chown(env->sockpath, 0, env->had_gid) == -1) {
		log_warn("owner of %s", env->sockpath);
		close(fd);
		unlink(env->sockpath);
		return (-1);
	}
	if (listen(fd, 128) == -1) {
		log_warn("listen %s", env->sockpath);
		close(fd);
		unlink(env->sockpath);
		return (-1);
	}
	env->ctl_fd = fd;
	env->ctl_ev = event_new(env->base, fd, EV_READ | EV_PERSIST,
	    control_accept, NULL);
	event_add(env->ctl_ev, NULL);
	return (0);
}

void
control_cleanup(void)
{
	if (env->ctl_fd == -1)
		return;
	close(env->ctl_fd);
	env->ctl_fd = -1;
	if (unlink(env->sockpath) == -1 && errno != ENOENT)
		log_warn("removing %s", env->sockpath);
}

static int
control_allowed(uid_t uid, gid_t gid)
{
	struct passwd	*pw;
	gid_t		 groups[256];
	int		 n = 256, i;

	if (uid == 0 || gid == env->had_gid)
		return (1);
	if ((pw = getpwuid(uid)) == NULL)
		return (0);
	if (getgrouplist(pw->pw_name, pw->pw_gid, groups, &n) == -1)
		return (0);
	for (i = 0; i < n; i++)
		if (groups[i] == env->had_gid)
			return (1);
	return (0);
}

static void
control_refuse(int fd, const char *why)
{
	struct imsgbuf		 ibuf;
	struct msg_ctl_end	 end;

	memset(&end, 0, sizeof(end));
	end.status = 1;
	strlcpy(end.message, why, sizeof(end.message));
	if (imsgbuf_init(&ibuf, fd) == 0) {
		if (imsg_compose(&ibuf, IMSG_CTL_END, 0, 0, -1, &end,
		    sizeof(end)) == 0)
			(void)imsg_write(&ibuf);
		imsgbuf_clear(&ibuf);
	}
	close(fd);
}

static void
control_accept(int lfd, short ev, void *arg)
{
	struct ucred	 cred;
	socklen_t	 len = sizeof(cred);
	int		 fd;

	if ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) ==
	    -1) {
		if (errno != EAGAIN && errno != EINTR &&
		    errno != ECONNABORTED)
			log_warn("control: accept");
		return;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == -1) {
		log_warn("control: SO_PEERCRED");
		close(fd);
		return;
	}
	if (!control_allowed(cred.uid, cred.gid)) {
		log_warnx("control: uid %u refused: neither root nor in "
		    "group of %s", (unsigned)cred.uid, env->user);
		control_refuse(fd, "permission denied");
		return;
	}
	if (env->nctl >= CTL_MAX_CLIENTS) {
		log_warnx("control: uid %u refused: too many clients (%d)",
		    (unsigned)cred.uid, CTL_MAX_CLIENTS);
		control_refuse(fd, "too many clients");
		return;
	}
	if (control_add(fd, cred.uid) == NULL)
		close(fd);
}

/* A client let in: its channel, checked against the contract. */
struct ctl_conn *
control_add(int fd, uid_t uid)
{
	struct ctl_conn	*cc;
	char		 name[32];

	if ((cc = calloc(1, sizeof(*cc))) == NULL)
		return (NULL);
	cc->id = ctl_next_id++;
	if (ctl_next_id == 0)
		ctl_next_id = 1;
	cc->uid = uid;
	cc->owner = -1;
	snprintf(name, sizeof(name), "control client %u", cc->id);
	if (imsgev_init(&cc->iev, env->base, fd, name, PROC_PARENT,
	    MSG_PEER_CTL, control_dispatch, control_closed, cc) == -1) {
		free(cc);
		return (NULL);
	}
	cc->iev.ibuf.wqtotal = &ctl_qbytes;
	cc->iev.on_error = control_error;
	TAILQ_INSERT_TAIL(&env->ctl_conns, cc, entry);
	env->nctl++;
	return (cc);
}

static struct ctl_conn *
control_by_id(uint32_t id)
{
	struct ctl_conn	*cc;

	TAILQ_FOREACH(cc, &env->ctl_conns, entry)
		if (cc->id == id)
			return (cc);
	return (NULL);
}

/* Tell a client why it is being disconnected. */
static void
control_error(struct imsgev *iev, const char *why)
{
	struct msg_ctl_end	 end;

	memset(&end, 0, sizeof(end));
	end.status = 1;
	snprintf(end.message, sizeof(end.message), "%s; closing", why);
	(void)imsg_compose(&iev->ibuf, IMSG_CTL_END, 0, 0, -1, &end,
	    sizeof(end));
}

static void
control_orphan_add(enum had_proc p, uint32_t id)
{
	if (ctl_norphans[p] < CTL_ORPHANS_MAX)
		ctl_orphans[p][ctl_norphans[p]++] = id;
}

/* 1 if `id' was forwarded to p and its client left: drop the answer. */
static int
control_orphan(enum had_proc p, uint32_t id, int end)
{
	int	 i;

	for (i = 0; i < ctl_norphans[p]; i++)
		if (ctl_orphans[p][i] == id) {
			if (end)
				ctl_orphans[p][i] =
				    ctl_orphans[p][--ctl_norphans[p]];
			return (1);
		}
	return (0);
}

/* Forget a client; a child's answer still owed to it is dropped. */
static void
control_forget(struct ctl_conn *cc)
{
	if (cc->waiting && cc->owner > PROC_PARENT && cc->owner < PROC_MAX)
		control_orphan_add(cc->owner, cc->id);
	TAILQ_REMOVE(&env->ctl_conns, cc, entry);
	env->nctl--;
	free(cc);
}

static void
control_closed(struct imsgev *iev, const char *why)
{
	struct ctl_conn	*cc = iev->arg;

	if (strcmp(why, "EOF") != 0 && !cc->closing)
		log_warnx("control client %u: %s", cc->id, why);
	control_forget(cc);
}

/*
 * Drop a client that does not read what it asked for.  Within its own
 * dispatch the channel is closed when that returns (imsgev still uses
 * it); from anywhere else, at once.
 */
static void
control_drop(struct ctl_conn *cc, const char *why)
{
	if (cc->closing)
		return;
	cc->closing = 1;
	log_warnx("control client %u (uid %u): %s; dropping it", cc->id,
	    (unsigned)cc->uid, why);
	if (cc->dispatching)
		return;
	imsgev_close(&cc->iev);
	control_forget(cc);
}

/* The client with the longest queue: the first to go when all is full. */
static struct ctl_conn *
control_hog(void)
{
	struct ctl_conn	*cc, *hog = NULL;

	TAILQ_FOREACH(cc, &env->ctl_conns, entry)
		if (!cc->closing && (hog == NULL ||
		    cc->iev.ibuf.wqbytes > hog->iev.ibuf.wqbytes))
			hog = cc;
	return (hog);
}

/*
 * Whether a client takes its answers: 64 KiB of them in the last second.
 * A big show (a thousand virtual servers) comes from the child faster
 * than hactl reads it; such a client may hold up to CTL_QUEUE_READING,
 * one that stopped reading only CTL_QUEUE_MAX.
 */
static int
control_reading(struct ctl_conn *cc)
{
	struct timespec	 now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (cc->iev.ibuf.wsent - cc->rd_mark >= 64 * 1024) {
		cc->rd_mark = cc->iev.ibuf.wsent;
		cc->rd_at = now;
		return (1);
	}
	return (now.tv_sec - cc->rd_at.tv_sec < 1 ||
	    (now.tv_sec - cc->rd_at.tv_sec == 1 &&
	    now.tv_nsec < cc->rd_at.tv_nsec));
}

static void
control_queue(struct ctl_conn *cc, uint32_t type, const void *data,
    size_t len)
{
	struct ctl_conn	*hog;
	char		 why[96];

	if (cc->iev.ibuf.wqbytes + len > CTL_QUEUE_MAX &&
	    (cc->iev.ibuf.wqbytes + len > CTL_QUEUE_READING ||
	    !control_reading(cc))) {
		snprintf(why, sizeof(why), "more than %d bytes of answers "
		    "unread", cc->iev.ibuf.wqbytes + len > CTL_QUEUE_READING ?
		    CTL_QUEUE_READING : CTL_QUEUE_MAX);
		control_drop(cc, why);
		return;
	}
	while (ctl_qbytes + len > CTL_QUEUE_TOTAL &&
	    (hog = control_hog()) != NULL) {
		snprintf(why, sizeof(why), "answers to all clients over "
		    "%d bytes, its %zu the most", CTL_QUEUE_TOTAL,
		    hog->iev.ibuf.wqbytes);
		control_drop(hog, why);
		if (hog == cc)
			return;
	}
	imsgev_compose(&cc->iev, type, 0, -1, data, len);
}

/* A new event, to each `hactl events' client. */
void
control_broadcast_event(const struct msg_ctl_event *e)
{
	struct ctl_conn	*cc;
	uint32_t	 ids[CTL_MAX_CLIENTS];
	size_t		 i, n = 0;

	/* By id: queueing to one may drop another (control_hog). */
	TAILQ_FOREACH(cc, &env->ctl_conns, entry)
		if (cc->events && !cc->closing && n < CTL_MAX_CLIENTS)
			ids[n++] = cc->id;
	for (i = 0; i < n; i++)
		if ((cc = control_by_id(ids[i])) != NULL && !cc->closing)
			control_queue(cc, IMSG_CTL_EVENT, e, sizeof(*e));
}

/* had's own answers (show procs, reload, log). */
void
control_reply(uint32_t id, uint32_t type, const void *data, size_t len)
{
	struct ctl_conn	*cc;

	if (id == 0 || (cc = control_by_id(id)) == NULL || cc->closing)
		return;		/* the client went away */
	if (type == IMSG_CTL_END) {
		cc->waiting = 0;
		cc->owner = -1;
	}
	control_queue(cc, type, data, len);
}

/*
 * An answer from child p: only for a client that awaits one from p,
 * until its END.  Anything else is a violation by p (-1: had closes the
 * channel and restarts p), such as text made up for another session.
 */
int
control_child_reply(enum had_proc p, struct imsg *imsg)
{
	struct ctl_conn	*cc;
	uint32_t	 id = imsg->hdr.peerid;
	int		 end = imsg->hdr.type == IMSG_CTL_END;

	cc = id != 0 ? control_by_id(id) : NULL;
	if (cc == NULL || !cc->waiting || cc->owner != (int)p) {
		if (control_orphan(p, id, end))
			return (0);	/* its client left */
		log_warnx("%s: answer (%s) for control client %u, which "
		    "awaits none from %s", proc_name(p),
		    msg_type_name(imsg->hdr.type), id, proc_name(p));
		return (-1);
	}
	if (end) {
		cc->waiting = 0;
		cc->owner = -1;
	}
	if (!cc->closing)
		control_queue(cc, imsg->hdr.type, imsg->data, imsg->datalen);
	return (0);
}

/* Child p is gone: the clients waiting for it get an error now. */
void
control_child_gone(enum had_proc p)
{
	struct ctl_conn	*cc, *next;

	ctl_norphans[p] = 0;
	TAILQ_FOREACH_SAFE(cc, &env->ctl_conns, entry, next)
		if (cc->waiting && cc->owner == (int)p)
			control_end(cc->id, 1, "%s exited before it "
			    "answered", proc_name(p));
}

void
control_text(uint32_t id, int level, const char *fmt, ...)
{
	struct msg_ctl_text	 t;
	va_list			 ap;

	memset(&t, 0, sizeof(t));
	t.level = level;
	va_start(ap, fmt);
	vsnprintf(t.text, sizeof(t.text), fmt, ap);
	va_end(ap);
	control_reply(id, IMSG_CTL_TEXT, &t, sizeof(t));
}

void
control_end(uint32_t id, int status, const char *fmt, ...)
{
	struct msg_ctl_end	 end;
	va_list			 ap;

	memset(&end, 0, sizeof(end));
	end.status = status;
	if (fmt != NULL) {
		va_start(ap, fmt);
		vsnprintf(end.message, sizeof(end.message), fmt, ap);
		va_end(ap);
	}
	control_reply(id, IMSG_CTL_END, &end, sizeof(end));
}

static void
control_set_verbose(int verbose)
{
	struct msg_verbose	 verb;
	enum had_proc		 p;

	log_setverbose(verbose);
	verb.verbose = verbose;
	for (p = PROC_VRRP; p < PROC_MAX; p++)
		child_compose(p, IMSG_LOG_VERBOSE, 0, -1, &verb, sizeof(verb));
	log_info("log level %s", verbose ? "verbose" : "brief");
}

static int
control_dispatch(struct imsgev *iev, struct imsg *imsg)
{
	struct ctl_conn	*cc = iev->arg;
	int		 r;

	if (cc->waiting) {
		log_warnx("control client %u: request while another is "
		    "being answered", cc->id);
		return (-1);
	}
	cc->dispatching = 1;
	r = control_request(cc, imsg);
	cc->dispatching = 0;
	/* Dropped meanwhile (its queue is full): close it now. */
	if (cc->closing)
		return (-1);
	return (r);
}

/* The contract has checked size, strings and ranges, and who may ask. */
static int
control_request(struct ctl_conn *cc, struct imsg *imsg)
{
	const struct msg_contract	*mc;
	struct msg_ctl_req		 req;
	struct msg_ctl_proc		 row;
	struct msg_ctl_drain		 drain;
	const char			*what;
	enum had_proc			 p;

	memcpy(&req, imsg->data, sizeof(req));
	cc->waiting = 1;
	cc->owner = PROC_PARENT;
	mc = msg_contract_find(imsg->hdr.type);
	if (mc != NULL && (mc->flags & MSGC_ROOT) && cc->uid != 0) {
		what = imsg->hdr.type == IMSG_CTL_RELOAD ? "reload" :
		    imsg->hdr.type == IMSG_CTL_DRAIN ? "drain or undrain" :
		    imsg->hdr.type == IMSG_CTL_MAINT ? "change maintenance" :
		    "change the log level";
		log_warnx("control client %u: uid %u may not %s: only root "
		    "may change had's state", cc->id, (unsigned)cc->uid, what);
		control_end(cc->id, 1, "permission denied: only root may "
		    "%s (group %s may only look)", what, env->user);
		return (0);
	}

	switch (imsg->hdr.type) {
	case IMSG_CTL_SHOW_PROCS:
		for (p = PROC_PARENT; p < PROC_MAX; p++) {
			child_fill_ctl(p, &row);
			control_reply(cc->id, IMSG_CTL_PROC, &row,
			    sizeof(row));
		}
		control_end(cc->id, 0, NULL);
		return (0);
	case IMSG_CTL_SHOW_VRRP:
	case IMSG_CTL_SHOW_LVS:
	case IMSG_CTL_SHOW_CHECKS:
	case IMSG_CTL_SHOW_BFD:
		p = imsg->hdr.type == IMSG_CTL_SHOW_VRRP ? PROC_VRRP :
		    imsg->hdr.type == IMSG_CTL_SHOW_LVS ? PROC_LVS :
		    imsg->hdr.type == IMSG_CTL_SHOW_BFD ? PROC_BFD : PROC_CHECK;
		if (ctl_norphans[p] >= CTL_ORPHANS_MAX) {
			control_end(cc->id, 1, "%s leaves %d requests "
			    "unanswered", proc_name(p), CTL_ORPHANS_MAX);
			return (0);
		}
		/* Not started for want of work: it has no rows to show. */
		if (!child_started(p)) {
			control_text(cc->id, 1, "%s is not running: %s",
			    proc_name(p), child_idle_why(p));
			control_end(cc->id, 0, NULL);
			return (0);
		}
		cc->owner = p;
		if (child_compose(p, imsg->hdr.type, cc->id, -1, &req,
		    sizeof(req)) == -1)
			control_end(cc->id, 1, "%s is not running (being "
			    "restarted)", proc_name(p));
		return (0);
	case IMSG_CTL_RELOAD:
		reload_request(cc->id, req.arg);
		return (0);
	case IMSG_CTL_DRAIN:
		memcpy(&drain, imsg->data, sizeof(drain));
		drain_request(cc->id, cc->uid, &drain);
		return (0);
	case IMSG_CTL_MAINT:
		maint_request(cc->id, cc->uid, &req);
		return (0);
	case IMSG_CTL_SHOW_HISTORY:
		events_show(cc->id, req.arg);
		return (0);
	case IMSG_CTL_EVENTS:
		/* Waiting for good: no END, no other request. */
		cc->events = 1;
		control_text(cc->id, 0, "streaming events");
		return (0);
	case IMSG_CTL_LOG:
		control_set_verbose(req.arg);
		control_end(cc->id, 0, "log level %s",
		    req.arg ? "verbose" : "brief");
		return (0);
	default:
		log_warnx("control client %u: unknown request type %u",
		    cc->id, imsg->hdr.type);
		return (-1);
	}
}
