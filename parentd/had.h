/*
 * had, the privileged parent: config, children, watchdog, control socket.
 */
#ifndef HAD_PARENTD_H
#define HAD_PARENTD_H

#include <sys/types.h>
#include <sys/queue.h>

#include <limits.h>
#include <stdint.h>
#include <time.h>

#include "conf_diff.h"
#include "imsg.h"
#include "msg.h"

#define HAD_SOCKET		RUNDIR "/had.sock"
#define HAD_PIDFILE		RUNDIR "/had.pid"
#define HAD_CHROOT		RUNDIR "/empty"
#define HAD_CONFFILE		SYSCONFDIR "/had/had.conf"

#define PING_INTERVAL_MS	1000
#define PING_TIMEOUT_MS		3000
#define RESPAWN_MIN_MS		100
#define RESPAWN_MAX_MS		10000
#define RESPAWN_STABLE_S	10	/* up this long resets the backoff */
#define SHUTDOWN_GRACE_MS	3000
#define CTL_MAX_CLIENTS		512
#define CTL_QUEUE_MAX		(1024 * 1024)	/* bytes unread, a client */
#define CTL_QUEUE_READING	(16 * 1024 * 1024) /* ... one that reads */
#define CTL_QUEUE_TOTAL		(32 * 1024 * 1024)	/* all clients */
#define RECONF_TIMEOUT_MS	10000

struct child_proc {
	enum had_proc		 proc;
	pid_t			 pid;
	int			 running;	/* a process exists */
	int			 ready;		/* said CHILD_READY */
	struct imsgev		 iev;
	struct event		*respawn_ev;
	unsigned		 backoff_ms;
	unsigned		 restarts;
	struct timespec		 started;	/* CLOCK_MONOTONIC */
	time_t			 started_wall;
	char			 last_exit[HAD_REASONLEN];
	char			 kill_reason[HAD_REASONLEN];
	uint64_t		 ping_seq;
	uint64_t		 pong_seq;
	struct timespec		 ping_sent;	/* oldest unanswered ping */
	int			 ping_pending;
	int			 stop_sent;	/* its stop order, once */
	uint64_t		 generation;	/* config sent */
	uint64_t		 generation_done;
	unsigned		 peer_complaints;	/* IMSG_PEER_BAD */
	int			 sandbox_fd;	/* seccomp report pipe */
	int			 proc_fds_sent;	/* procwatch.c */
};

struct ctl_conn {
	TAILQ_ENTRY(ctl_conn)	 entry;
	uint32_t		 id;
	struct imsgev		 iev;
	uid_t			 uid;
	int			 waiting;	/* answers still to come */
	int			 owner;		/* from whom: had_proc, -1 */
	int			 dispatching;	/* in its own dispatch */
	int			 closing;	/* dropped */
	int			 events;	/* hactl events: streamed */
	uint64_t		 rd_mark;	/* iev.ibuf.wsent then */
	struct timespec		 rd_at;		/* when it last read */
};
TAILQ_HEAD(ctl_conns, ctl_conn);

struct had_env {
	struct event_base	*base;
	const char		*conffile;
	const char		*sockpath;
	const char		*pidfile;
	const char		*chroot;
	const char		*libexec;
	const char		*user;
	const char		*config_id;
	int			 debug;
	int			 verbose;
	int			 shutting_down;
	struct timespec		 started;
	time_t			 started_wall;
	struct child_proc	 children[PROC_MAX];
	struct conf_blob	 blobs[PROC_MAX];	/* each child's config */
	struct had_conf		*conf;		/* for scripts and notify */
	uint64_t		 generation;
	struct ctl_conns	 ctl_conns;
	int			 nctl;
	int			 ctl_fd;
	int			 pid_fd;	/* locked for our life */
	gid_t			 had_gid;
	struct event		*ctl_ev;
	struct event		*ping_ev;
	struct event		*shutdown_ev;
	int			 ready_told;	/* READY=1 sent */
};

extern struct had_env	*env;

/* children.c */
void	 children_init(void);
void	 children_start(void);
int	 child_compose(enum had_proc, uint32_t, uint32_t, int, const void *,
	    size_t);
void	 children_reap(void);
void	 children_shutdown(void);
void	 children_shutdown_tick(int);
int	 children_all_gone(void);
void	 child_fill_ctl(enum had_proc, struct msg_ctl_proc *);
void	 children_check_users(void);
void	 child_send_config(enum had_proc);
int	 child_is_up(enum had_proc);
/* The last_exit of a child the configuration gives nothing to do. */
#define CHILD_IDLE	"not started: nothing configured for it"
struct had_conf;
int	 child_wanted(enum had_proc, const struct had_conf *);
int	 child_started(enum had_proc);
int	 child_start_wanted(enum had_proc, const struct had_conf *);
const char *child_idle_why(enum had_proc);
void	 procwatch_send(enum had_proc);
void	 procwatch_event(const struct msg_proc_track *);

/* control.c */
/* dump.c: SIGUSR1 and SIGUSR2; the rows come back under peer id 0. */
#define HAD_DUMP_PEERID	0
void	 dump_request(int);
int	 dump_reply(enum had_proc, uint32_t, const void *, size_t);

int	 control_init(void);
void	 control_cleanup(void);
struct ctl_conn *control_add(int, uid_t);
void	 control_reply(uint32_t, uint32_t, const void *, size_t);
int	 control_child_reply(enum had_proc, struct imsg *);
void	 control_child_gone(enum had_proc);
void	 control_end(uint32_t, int, const char *, ...)
	    __attribute__((__format__(printf, 3, 4)));
void	 control_text(uint32_t, int, const char *, ...)
	    __attribute__((__format__(printf, 3, 4)));

/* reload.c */
void	 drain_request(uint32_t, uid_t, const struct msg_ctl_drain *);
void	 drain_resume(void);
void	 maint_request(uint32_t, uid_t, const struct msg_ctl_req *);
void	 maint_resume(void);
void	 maint_lvs_resume(void);

void	 event_record(const char *, const char *, const char *, ...)
	    __attribute__((__format__ (printf, 3, 4)));
void	 events_show(uint32_t, uint32_t);
int	 events_child(enum had_proc, const struct msg_ctl_event *);

/* track.c */
void	 track_files_apply(const struct had_conf *);
void	 track_files_send_all(void);
void	 control_broadcast_event(const struct msg_ctl_event *);

int	 reload_load_initial(void);
void	 reload_request(uint32_t, enum ctl_reload_target);
void	 reload_child_done(enum had_proc, const struct msg_reconf_done *);
void	 reload_child_gone(enum had_proc);

/* script_security.c */
/* Where a program named without a slash is looked for; scripts' PATH. */
#define SCRIPT_PATH	"/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:" \
			"/sbin:/bin"
#define SCRIPT_MAXARGS	64		/* words of a command */

struct script_file {
	int		 fd;		/* open for reading, close-on-exec */
	dev_t		 dev;
	ino_t		 ino;
	int		 script;	/* starts with #! */
	char		 path[PATH_MAX];	/* resolved, no symlink */
};
int	 script_split(const char *, char *, size_t, char **, int, char *,
	    size_t);
int	 script_resolve(const char *, int, uid_t, struct script_file *, char *,
	    size_t);

/* script.c */
struct msg_script_run;
struct msg_notify;
struct msg_lvs_notify;
int	 script_request(enum had_proc, const struct msg_script_run *);
int	 script_notify(const struct msg_notify *);
int	 script_lvs_notify(const struct msg_lvs_notify *);
void	 script_lvs_removed(const struct had_conf *,
	    const struct had_conf *);
int	 script_reaped(pid_t, int);
void	 script_finish(void);

/* hostcheck.c */
int	 hostcheck(FILE *, const char *, const struct had_conf *);

/* fifo.c */
struct vs_conf;
struct rs_conf;
void	 fifo_vrrp(const char *, const char *, const char *, uint32_t);
void	 fifo_lvs(const struct vs_conf *, const struct rs_conf *, int);
struct vrrp_instance_conf;
void	 alert_vrrp(const struct vrrp_instance_conf *, uint32_t, uint32_t);
void	 alert_quorum(const struct vs_conf *, int);

/* sdnotify.c */
void	 sd_notifyf(const char *, ...)
	    __attribute__((__format__(printf, 1, 2)));

/* util */

#endif /* HAD_PARENTD_H */
