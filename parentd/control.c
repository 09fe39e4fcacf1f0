/*
 * The control socket: hactl connects, sends one request at a time, and
 * gets rows and an END back.  had answers `show procs` itself, forwards
 * the other show requests to the child that knows (peer id = client id)
 * and passes the answers back.  Only root and members of group _had get
 * in; anything malformed closes the connection.
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

static void	control_accept(int, short, void *);
static int	control_dispatch(struct imsgev *, struct imsg *);
static void	control_closed(struct imsgev *, const char *);
static void	control_error(struct imsgev *, const char *);

static uint32_t	 ctl_next_id = 1;

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
	old_umask = umask(S_IXUSR | S_IXGRP | S_IRWXO);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		log_warn("bind %s", env->sockpath);
		umask(old_umask);
		close(fd);
		return (-1);
	}
	umask(old_umask);
	if (chown(env->sockpath, 0, env->had_gid) == -1 ||
	    chmod(env->sockpath, 0660) == -1) {
		log_warn("permissions of %s", env->sockpath);
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
	struct ctl_conn	*cc;
	struct ucred	 cred;
	socklen_t	 len = sizeof(cred);
	char		 name[32];
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
		log_warnx("control: too many clients");
		control_refuse(fd, "too many clients");
		return;
	}
	if ((cc = calloc(1, sizeof(*cc))) == NULL) {
		close(fd);
		return;
	}
	cc->id = ctl_next_id++;
	if (ctl_next_id == 0)
		ctl_next_id = 1;
	cc->uid = cred.uid;
	snprintf(name, sizeof(name), "control client %u", cc->id);
	if (imsgev_init(&cc->iev, env->base, fd, name, control_dispatch,
	    control_closed, cc) == -1) {
		close(fd);
		free(cc);
		return;
	}
	cc->iev.on_error = control_error;
	TAILQ_INSERT_TAIL(&env->ctl_conns, cc, entry);
	env->nctl++;
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
control_closed(struct imsgev *iev, const char *why)
{
	struct ctl_conn	*cc = iev->arg;

	if (strcmp(why, "EOF") != 0)
		log_warnx("control client %u: %s", cc->id, why);
	TAILQ_REMOVE(&env->ctl_conns, cc, entry);
	env->nctl--;
	free(cc);
}

void
control_reply(uint32_t id, uint32_t type, const void *data, size_t len)
{
	struct ctl_conn	*cc;

	if (id == 0 || (cc = control_by_id(id)) == NULL)
		return;		/* the client went away */
	if (type == IMSG_CTL_END)
		cc->waiting = 0;
	imsgev_compose(&cc->iev, type, 0, -1, data, len);
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
	struct ctl_conn		*cc = iev->arg;
	struct msg_ctl_req	 req;
	struct msg_ctl_proc	 row;
	enum had_proc		 p;

	if (imsg_check_size(imsg, sizeof(req), iev->name) == -1)
		return (-1);
	if (cc->waiting) {
		log_warnx("control client %u: request while another is "
		    "being answered", cc->id);
		return (-1);
	}
	memcpy(&req, imsg->data, sizeof(req));
	req.name[sizeof(req.name) - 1] = '\0';
	cc->waiting = 1;

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
		p = imsg->hdr.type == IMSG_CTL_SHOW_VRRP ? PROC_VRRP :
		    imsg->hdr.type == IMSG_CTL_SHOW_LVS ? PROC_LVS : PROC_CHECK;
		if (child_compose(p, imsg->hdr.type, cc->id, -1, &req,
		    sizeof(req)) == -1)
			control_end(cc->id, 1, "%s is not running (being "
			    "restarted)", proc_name(p));
		return (0);
	case IMSG_CTL_RELOAD:
		if (req.arg > CTL_RELOAD_CHECK) {
			control_end(cc->id, 1, "unknown reload target");
			return (0);
		}
		reload_request(cc->id, req.arg);
		return (0);
	case IMSG_CTL_LOG:
		if (req.arg > 1) {
			control_end(cc->id, 1, "unknown log level");
			return (0);
		}
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
