/*
 * keepalived's notify FIFOs: notify_fifo (every event), vrrp_notify_fifo
 * and lvs_notify_fifo, one line per event in keepalived's format:
 *
 *	INSTANCE "VI_1" MASTER 100
 *	GROUP "G1" MASTER 0
 *	VS [198.18.0.100]:tcp:80 UP
 *	RS [198.18.0.11]:tcp:80 [198.18.0.100]:tcp:80 DOWN
 *
 * had writes them, never reads them: the FIFO is opened write-only and
 * non-blocking, so a reader that is missing or slow costs lines (counted
 * and logged), never a stall of the parent.  A missing FIFO is created
 * 0600 for root or the configured user; a path that is not a FIFO (a
 * file, a symlink), or a FIFO of another user, is refused.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <event.h>

#include "conf.h"
#include "conf_misc.h"
#include "had.h"
#include "log.h"

enum { FIFO_ALL, FIFO_VRRP, FIFO_LVS, FIFO_MAX };

static const char *const fifo_kw[FIFO_MAX] = {
	"notify_fifo", "vrrp_notify_fifo", "lvs_notify_fifo"
};

struct fifo {
	char		path[HAD_PATHLEN];	/* what fd is open on */
	int		fd;
	int		refused;	/* said why once for this path */
	int		noreader;	/* said so once until a reader */
	uint64_t	dropped;
};

static struct fifo	fifos[FIFO_MAX] = {
	{ .fd = -1 }, { .fd = -1 }, { .fd = -1 }
};

static const struct conf_fifo *
fifo_conf(int i)
{
	const struct global_conf	*g = &env->conf->global;

	switch (i) {
	case FIFO_ALL:
		return (&g->notify_fifo);
	case FIFO_VRRP:
		return (&g->vrrp_notify_fifo);
	default:
		return (&g->lvs_notify_fifo);
	}
}

static void
fifo_refuse(struct fifo *f, int i, const char *why)
{
	if (!f->refused)
		log_warnx("%s %s: %s; not written", fifo_kw[i], f->path, why);
	f->refused = 1;
}

/* The uid the FIFO may belong to besides root, or 0. */
static uid_t
fifo_owner(const struct conf_fifo *c, gid_t *gid)
{
	struct passwd	*pw;
	struct group	*gr;
	uid_t		 uid = 0;

	*gid = 0;
	if (c->user[0] != '\0' && (pw = getpwnam(c->user)) != NULL) {
		uid = pw->pw_uid;
		*gid = pw->pw_gid;
	}
	if (c->group[0] != '\0' && (gr = getgrnam(c->group)) != NULL)
		*gid = gr->gr_gid;
	return (uid);
}

static int
fifo_open(struct fifo *f, int i, const struct conf_fifo *c)
{
	struct stat	 st, fst;
	uid_t		 uid;
	gid_t		 gid;
	int		 fd;

	uid = fifo_owner(c, &gid);
	if (lstat(f->path, &st) == -1) {
		if (errno != ENOENT) {
			fifo_refuse(f, i, strerror(errno));
			return (-1);
		}
		if (mkfifo(f->path, 0600) == -1) {
			fifo_refuse(f, i, strerror(errno));
			return (-1);
		}
		if ((uid != 0 || gid != 0) &&
		    lchown(f->path, uid, gid) == -1)
			log_warnx("%s %s: chown: %s", fifo_kw[i], f->path,
			    strerror(errno));
		log_info("%s %s: created", fifo_kw[i], f->path);
		if (lstat(f->path, &st) == -1) {
			fifo_refuse(f, i, strerror(errno));
			return (-1);
		}
	}
	if (!S_ISFIFO(st.st_mode)) {
		fifo_refuse(f, i, "not a FIFO");
		return (-1);
	}
	if (st.st_uid != 0 && st.st_uid != uid) {
		fifo_refuse(f, i, "owned by another user");
		return (-1);
	}
	/* ENXIO: nobody reads it; nothing to tell. */
	fd = open(f->path, O_WRONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1) {
		if (errno != ENXIO)
			fifo_refuse(f, i, strerror(errno));
		else if (!f->noreader) {
			log_info("%s %s: no reader; events are not written "
			    "until one opens it", fifo_kw[i], f->path);
			f->noreader = 1;
		}
		return (-1);
	}
	/* Swapped between lstat and open: not ours to write. */
	if (fstat(fd, &fst) == -1 || !S_ISFIFO(fst.st_mode) ||
	    fst.st_ino != st.st_ino || fst.st_dev != st.st_dev) {
		close(fd);
		fifo_refuse(f, i, "replaced while opened");
		return (-1);
	}
	f->fd = fd;
	f->noreader = 0;
	return (0);
}

static void
fifo_put(int i, const char *line, size_t len)
{
	const struct conf_fifo	*c = fifo_conf(i);
	struct fifo		*f = &fifos[i];
	ssize_t			 n;
	int			 try;

	if (strcmp(c->path, f->path) != 0) {
		/* A reload changed it: the next line goes to the new one. */
		if (f->fd != -1)
			close(f->fd);
		f->fd = -1;
		f->refused = f->noreader = 0;
		strlcpy(f->path, c->path, sizeof(f->path));
	}
	if (f->path[0] == '\0')
		return;
	/* Twice: a reader that went away leaves EPIPE; a new one may wait. */
	for (try = 0; try < 2; try++) {
		if (f->fd == -1 && fifo_open(f, i, c) == -1)
			return;
		/* Shorter than PIPE_BUF: written whole or not at all. */
		if ((n = write(f->fd, line, len)) == (ssize_t)len)
			return;
		if (n == -1 && errno == EPIPE) {
			close(f->fd);
			f->fd = -1;
			continue;
		}
		f->dropped++;
		log_warnx("%s %s: reader too slow, %llu line%s dropped",
		    fifo_kw[i], f->path, (unsigned long long)f->dropped,
		    f->dropped == 1 ? "" : "s");
		return;
	}
}

static void
fifo_line(int which, const char *line)
{
	size_t	len = strlen(line);

	if (env->conf == NULL || len >= PIPE_BUF)
		return;
	fifo_put(FIFO_ALL, line, len);
	if (strcmp(fifo_conf(which)->path, fifo_conf(FIFO_ALL)->path) != 0)
		fifo_put(which, line, len);
}

/* A VRRP instance or sync group (type "INSTANCE" or "GROUP"). */
void
fifo_vrrp(const char *type, const char *name, const char *state,
    uint32_t prio)
{
	char	line[HAD_NAMELEN + 64];

	snprintf(line, sizeof(line), "%s \"%s\" %s %u\n", type, name, state,
	    prio);
	fifo_line(FIFO_VRRP, line);
}

/* "tcp", as keepalived writes it. */
static const char *
fifo_proto(uint32_t proto, char *p, size_t len)
{
	size_t	i;

	strlcpy(p, conf_enum_name(conf_proto_names, proto), len);
	for (i = 0; p[i] != '\0'; i++)
		if (p[i] >= 'A' && p[i] <= 'Z')
			p[i] += 'a' - 'A';
	return (p);
}

/* keepalived's [ADDRESS]:proto:port; a fwmark or a group by name. */
static void
fifo_vs_name(const struct vs_conf *vs, char *buf, size_t len)
{
	char	a[INET6_ADDRSTRLEN], p[8];

	switch (vs->type) {
	case VS_TYPE_ADDR:
		if (inet_ntop(vs->addr.af, vs->addr.u.raw, a, sizeof(a)) ==
		    NULL)
			strlcpy(a, "?", sizeof(a));
		snprintf(buf, len, "[%s]:%s:%u", a,
		    fifo_proto(vs->protocol, p, sizeof(p)), vs->port);
		break;
	case VS_TYPE_FWMARK:
		snprintf(buf, len, "FWM %u", vs->fwmark);
		break;
	default:
		snprintf(buf, len, "[%s]", vs->group);
		break;
	}
}

/* A virtual server's quorum (rs NULL) or a real server's health. */
void
fifo_lvs(const struct vs_conf *vs, const struct rs_conf *rs, int up)
{
	char	line[256], vn[CONF_VSNAMELEN + 16], a[INET6_ADDRSTRLEN];
	char	p[8];

	fifo_vs_name(vs, vn, sizeof(vn));
	if (rs == NULL) {
		snprintf(line, sizeof(line), "VS %s %s\n", vn,
		    up ? "UP" : "DOWN");
		fifo_line(FIFO_LVS, line);
		return;
	}
	if (inet_ntop(rs->addr.af, rs->addr.u.raw, a, sizeof(a)) == NULL)
		strlcpy(a, "?", sizeof(a));
	snprintf(line, sizeof(line), "RS [%s]:%s:%u %s %s\n", a,
	    fifo_proto(vs->protocol, p, sizeof(p)), rs->port, vn,
	    up ? "UP" : "DOWN");
	fifo_line(FIFO_LVS, line);
}

/*
 * smtp_alert: the object's own setting, else the global one of its
 * kind, else smtp_alert; off by default, as keepalived's.  checkd sends
 * the mail.
 */
static void
alert_send(uint8_t v, uint8_t kind_default, uint32_t kind, const char *name,
    uint32_t state, uint32_t prio)
{
	const struct global_conf	*g = &env->conf->global;
	struct msg_smtp_alert		 m;

	if (v == CONF_SMTP_UNSET)
		v = kind_default;
	if (v == CONF_SMTP_UNSET)
		v = g->smtp_alert;
	if (v != CONF_SMTP_YES || g->smtp_server.af == 0 ||
	    g->notification_email[0] == '\0')
		return;
	memset(&m, 0, sizeof(m));
	m.kind = kind;
	m.state = state;
	m.priority = prio;
	strlcpy(m.name, name, sizeof(m.name));
	/* On the way out checkd goes first: STOP is not mailed. */
	if (child_compose(PROC_CHECK, IMSG_SMTP_ALERT, 0, -1, &m,
	    sizeof(m)) == -1 && !env->shutting_down)
		log_warnx("%s: smtp_alert: checkd is not there; no mail",
		    name);
}

void
alert_vrrp(const struct vrrp_instance_conf *c, uint32_t state,
    uint32_t prio)
{
	alert_send(c->smtp_alert, env->conf->global.smtp_alert_vrrp,
	    SMTP_ALERT_INSTANCE, c->name, state, prio);
}

/* A virtual server's quorum is met (up) or lost. */
void
alert_quorum(const struct vs_conf *vs, int up)
{
	char	vn[CONF_VSNAMELEN];

	alert_send(vs->smtp_alert, env->conf->global.smtp_alert_checker,
	    SMTP_ALERT_QUORUM, conf_vs_name(vs, vn, sizeof(vn)), up ? 1 : 2,
	    0);
}
