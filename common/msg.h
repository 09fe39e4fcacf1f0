/*
 * The one list of message types exchanged by had, vrrpd, lvsd, checkd and
 * hactl, grouped by purpose, and the payload struct each one carries.
 * Every payload is a fixed-size struct: receivers check the size with
 * imsg_check_size() before looking at it.
 */
#ifndef HAD_MSG_H
#define HAD_MSG_H

#include <stdint.h>

#define HAD_NAMELEN	64
#define HAD_REASONLEN	128
#define HAD_PATHLEN	256

enum had_proc {
	PROC_PARENT = 0,
	PROC_VRRP,
	PROC_LVS,
	PROC_CHECK,
	PROC_MAX
};

enum imsg_type {
	IMSG_NONE = 0,

	/* Lifecycle and watchdog: had <-> each child. */
	IMSG_CHILD_READY = 100,	/* struct msg_ready, child -> had */
	IMSG_PING,		/* struct msg_ping */
	IMSG_PONG,		/* struct msg_ping */
	IMSG_PEER_FD,		/* struct msg_peer + fd: socket to a sibling */
	IMSG_LOG_VERBOSE,	/* struct msg_verbose */

	/* Configuration: had -> child, RECONF sequences. */
	IMSG_RECONF_START = 200,	/* struct msg_reconf */
	IMSG_RECONF_ITEM,		/* struct msg_reconf_item + body */
	IMSG_RECONF_END,		/* struct msg_reconf */
	IMSG_RECONF_DONE,		/* struct msg_reconf_done, child -> had */

	/* Control: hactl <-> had, had <-> child (peerid = client id). */
	IMSG_CTL_SHOW_PROCS = 300,	/* struct msg_ctl_req */
	IMSG_CTL_SHOW_VRRP,		/* struct msg_ctl_req */
	IMSG_CTL_SHOW_LVS,		/* struct msg_ctl_req */
	IMSG_CTL_SHOW_CHECKS,		/* struct msg_ctl_req */
	IMSG_CTL_RELOAD,		/* struct msg_ctl_req */
	IMSG_CTL_LOG,			/* struct msg_ctl_req */
	IMSG_CTL_PROC,			/* struct msg_ctl_proc, one row */
	IMSG_CTL_TEXT,			/* struct msg_ctl_text, one line */
	IMSG_CTL_END,			/* struct msg_ctl_end */

	/* Scripts: child -> had -> child. */
	IMSG_SCRIPT_RUN = 400,
	IMSG_SCRIPT_RESULT,

	/* vrrpd <-> lvsd. */
	IMSG_VIP_ADD = 500,
	IMSG_VIP_DEL,
	IMSG_VMAC_UP,
	IMSG_VMAC_DOWN,
	IMSG_LINK_STATE,
	IMSG_ADDR_GONE,

	/* checkd -> lvsd, checkd -> vrrpd. */
	IMSG_RS_STATE = 600,
	IMSG_TRACK_STATE,

	/* child -> had: state to keep across a respawn. */
	IMSG_STATE_REPORT = 700,
};

struct msg_ready {
	uint32_t	proc;		/* enum had_proc */
	uint32_t	caps_ok;	/* 1 if the capability check passed */
};

struct msg_ping {
	uint64_t	seq;
};

struct msg_peer {
	uint32_t	proc;		/* the sibling at the other end */
};

struct msg_verbose {
	int32_t		verbose;
};

struct msg_reconf {
	uint32_t	proc;
	uint32_t	nitems;
	uint64_t	generation;
};

/* One config object; the body (a typed conf struct) follows. */
struct msg_reconf_item {
	uint32_t	kind;		/* enum conf_item_kind (conf.h) */
	uint32_t	len;		/* length of the body */
};

struct msg_reconf_done {
	uint32_t	proc;
	uint32_t	added;
	uint32_t	changed;
	uint32_t	removed;
	uint32_t	unchanged;
	uint32_t	error;		/* 0, or the child refused the config */
	uint64_t	generation;
	char		reason[HAD_REASONLEN];
};

enum ctl_reload_target {
	CTL_RELOAD_ALL = 0,
	CTL_RELOAD_VRRP,
	CTL_RELOAD_LVS,
	CTL_RELOAD_CHECK,
};

struct msg_ctl_req {
	uint32_t	arg;		/* reload target, verbosity, ... */
	uint32_t	flags;
	char		name[HAD_NAMELEN];	/* optional object name */
};

struct msg_ctl_proc {
	char		name[16];
	int32_t		pid;
	uint32_t	uid;
	uint32_t	restarts;
	uint64_t	cap_eff;
	uint64_t	cap_prm;
	uint64_t	cap_bnd;
	int64_t		started;	/* unix time, seconds */
	int64_t		uptime;		/* seconds */
	char		user[32];
	char		root[HAD_PATHLEN];
	char		last_exit[HAD_REASONLEN];
	int32_t		no_new_privs;
	int32_t		state;		/* 1 running, 0 waiting to respawn */
};

struct msg_ctl_text {
	uint32_t	level;		/* 0 info, 1 warning, 2 error */
	char		text[512];
};

struct msg_ctl_end {
	int32_t		status;		/* 0 ok, else error */
	char		message[HAD_REASONLEN];
};

const char	*proc_name(enum had_proc);

#endif /* HAD_MSG_H */
