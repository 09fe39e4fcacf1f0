/*
 * vrrp_track_process: checkd follows processes, but subscribing to the
 * kernel's process events needs CAP_NET_ADMIN in the initial user and
 * network namespaces, and reading /proc from its chroot needs a /proc.
 * had opens both and hands them over, once per checkd, when the config
 * has a vrrp_track_process.
 *
 * The connector socket only receives what checkd could learn from /proc
 * anyway.  What checkd can send on it: cn_proc's listen and ignore,
 * refused without CAP_NET_ADMIN before Linux 6.6 and since then applied
 * to that socket alone (the kernel counts each socket's listening once),
 * so checkd can blind only itself; the other connector users are drivers
 * (dm-log-userspace and uvesafb check CAP_SYS_ADMIN, w1 needs 1-Wire
 * hardware).  checkd cannot join other groups (CAP_NET_ADMIN).  /proc is
 * a detached copy of the mount
 * (open_tree): ".." at its root stays there, so it is no way out of the
 * chroot; it shows checkd what any unprivileged user sees.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <linux/netlink.h>
#include <linux/connector.h>
#include <linux/cn_proc.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "had.h"
#include "log.h"

static int
procwatch_socket(void)
{
	struct sockaddr_nl	 sa;
	struct {
		struct nlmsghdr		nh;
		struct cn_msg		cn;
		enum proc_cn_mcast_op	op;
	} __attribute__((__packed__)) req;
	int			 fd, saved;

	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    NETLINK_CONNECTOR);
	if (fd == -1)
		return (-1);
	memset(&sa, 0, sizeof(sa));
	sa.nl_family = AF_NETLINK;
	sa.nl_groups = CN_IDX_PROC;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1)
		goto fail;
	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = sizeof(req);
	req.nh.nlmsg_type = NLMSG_DONE;
	req.nh.nlmsg_pid = getpid();
	req.cn.id.idx = CN_IDX_PROC;
	req.cn.id.val = CN_VAL_PROC;
	req.cn.len = sizeof(req.op);
	req.op = PROC_CN_MCAST_LISTEN;
	if (send(fd, &req, sizeof(req), 0) != (ssize_t)sizeof(req))
		goto fail;
	return (fd);
 fail:
	saved = errno;
	close(fd);
	errno = saved;
	return (-1);
}

/*
 * The initial network namespace: /proc/1/ns/net, or where pid 1 is out
 * of reach (a container's init of another user) any process's that is
 * it.  Its inode number is fixed (PROC_NET_INIT_INO).
 */
#define PROCWATCH_NET_INIT_INO	0xEFFFFFF9U

static int
procwatch_init_net(void)
{
	struct dirent	*de;
	struct stat	 st;
	DIR		*d;
	char		 path[64];
	int		 fd = -1, n = 0;

	if ((d = opendir("/proc")) == NULL)
		return (-1);
	strlcpy(path, "/proc/1/ns/net", sizeof(path));
	do {
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) != -1) {
			if (fstat(fd, &st) == 0 &&
			    st.st_ino == PROCWATCH_NET_INIT_INO)
				break;
			close(fd);
			fd = -1;
		}
		while ((de = readdir(d)) != NULL &&
		    (de->d_name[0] < '1' || de->d_name[0] > '9'))
			;
		if (de == NULL)
			break;
		snprintf(path, sizeof(path), "/proc/%s/ns/net", de->d_name);
	} while (++n < 100000);
	closedir(d);
	return (fd);
}

/*
 * The connector lives in the initial network namespace only: had in
 * another one (a lab, a container with the host's processes) opens it
 * there.  Process events are not per namespace.
 */
static int
procwatch_socket_init_ns(void)
{
	int	 fd, self, init, saved;

	if ((fd = procwatch_socket()) != -1 ||
	    (errno != EPROTONOSUPPORT && errno != ECONNREFUSED))
		return (fd);
	if ((self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC)) == -1)
		return (-1);
	if ((init = procwatch_init_net()) == -1) {
		close(self);
		errno = ENOENT;
		return (-1);
	}
	fd = -1;
	if (setns(init, CLONE_NEWNET) == 0) {
		fd = procwatch_socket();
		saved = errno;
		if (setns(self, CLONE_NEWNET) == -1)
			fatal("procwatch: back to had's network namespace");
		errno = saved;
	}
	close(init);
	close(self);
	return (fd);
}

static int
procwatch_wanted(enum had_proc p)
{
	struct conf_blob		*b = &env->blobs[p];
	struct vrrp_script_conf		 s;
	size_t				 i;

	/* Bodies come without their trailing zero bytes. */
	for (i = 0; i < b->nitems; i++) {
		if (b->items[i].kind != CONF_ITEM_VRRP_SCRIPT ||
		    b->items[i].len > sizeof(s))
			continue;
		memset(&s, 0, sizeof(s));
		memcpy(&s, conf_blob_body(b, i), b->items[i].len);
		if (s.process)
			return (1);
	}
	return (0);
}

/* Before checkd's config: once per checkd, if it has processes to track. */
void
procwatch_send(enum had_proc p)
{
	struct child_proc	*c = &env->children[p];
	struct msg_proc_fd	 m;
	int			 fd;

	if (p != PROC_CHECK || c->proc_fds_sent || !procwatch_wanted(p))
		return;
	c->proc_fds_sent = 1;
	if ((fd = procwatch_socket_init_ns()) == -1)
		log_warn("procwatch: process events (netlink connector): "
		    "vrrp_track_process will see no change after start");
	else {
		memset(&m, 0, sizeof(m));
		m.kind = PROC_FD_EVENTS;
		if (child_compose(p, IMSG_PROC_FD, 0, fd, &m, sizeof(m)) == -1)
			log_warn("procwatch: passing the connector");
	}
	fd = open_tree(AT_FDCWD, "/proc", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (fd == -1) {
		log_warn("procwatch: a copy of /proc for checkd: every "
		    "vrrp_track_process is down");
		return;
	}
	memset(&m, 0, sizeof(m));
	m.kind = PROC_FD_PROCFS;
	if (child_compose(p, IMSG_PROC_FD, 0, fd, &m, sizeof(m)) == -1)
		log_warn("procwatch: passing /proc");
}

/*
 * checkd's word on a vrrp_track_process, for the event history: only a
 * name of the config is recorded (during a reload checkd may still speak
 * of one just removed).
 */
void
procwatch_event(const struct msg_proc_track *m)
{
	struct conf_script	*cs;

	if (env->conf == NULL)
		return;
	TAILQ_FOREACH(cs, &env->conf->scripts, entry)
		if (cs->c.process && strcmp(cs->c.name, m->name) == 0)
			break;
	if (cs == NULL) {
		log_debug("checkd: state of %s, no vrrp_track_process of "
		    "ours; not recorded", m->name);
		return;
	}
	event_record("track", cs->c.name, "vrrp_track_process %s: %u "
	    "running", m->up ? "up" : "down", m->running);
}
