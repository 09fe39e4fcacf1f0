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
	PROC_BFD,
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
	IMSG_PEER_BAD,		/* struct msg_peer: sibling sent garbage */
	IMSG_ICMP_FD,		/* struct msg_icmp_fd + fd: raw ICMP, had -> checkd */
	IMSG_PROC_FD,		/* struct msg_proc_fd + fd: process events */
	IMSG_TRACK_FILE_FD,	/* struct msg_track_file [+ fd], had -> checkd */

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

	IMSG_CTL_VRRP,			/* struct msg_ctl_vrrp, one row */
	IMSG_CTL_CHECK,			/* struct msg_ctl_check, one row */
	IMSG_CTL_LVS,			/* struct msg_ctl_lvs, one row */
	IMSG_CTL_DRAIN,			/* struct msg_ctl_drain */
	IMSG_CTL_MAINT,			/* struct msg_ctl_req */
	IMSG_CTL_SHOW_HISTORY,		/* struct msg_ctl_req, arg: N or 0 */
	IMSG_CTL_EVENTS,		/* struct msg_ctl_req: stream events */
	IMSG_CTL_EVENT,			/* struct msg_ctl_event, one event */
	IMSG_CTL_TRACK,			/* struct msg_ctl_track, one row */
	IMSG_CTL_VRRP_TRACK,		/* struct msg_ctl_vrrp_track */
	IMSG_CTL_SHOW_BFD,		/* struct msg_ctl_req */
	IMSG_CTL_BFD,			/* struct msg_ctl_bfd, one row */

	/* Scripts: child -> had -> child, by config name, never by text. */
	IMSG_SCRIPT_RUN = 400,		/* struct msg_script_run */
	IMSG_SCRIPT_RESULT,		/* struct msg_script_result */
	IMSG_NOTIFY,			/* struct msg_notify, vrrpd -> had */
	IMSG_LVS_NOTIFY,		/* struct msg_lvs_notify, lvsd -> had */
	IMSG_CHECK_EVENT,		/* struct msg_ctl_event, checkd -> had */

	/* vrrpd <-> lvsd. */
	IMSG_VIP_ADD = 500,		/* struct msg_vip */
	IMSG_VIP_DEL,			/* struct msg_vip */
	IMSG_VIP_RESULT,		/* struct msg_vip, lvsd -> vrrpd */
	IMSG_VMAC_UP,			/* struct msg_vmac */
	IMSG_VMAC_DOWN,			/* struct msg_vmac */
	IMSG_LINK_STATE,		/* struct msg_link, lvsd -> vrrpd */
	IMSG_ADDR_GONE,			/* struct msg_vip, lvsd -> vrrpd */
	IMSG_LINK_QUERY,		/* struct msg_link, vrrpd -> lvsd */
	IMSG_VMAC_RESULT,		/* struct msg_vmac, lvsd -> vrrpd */
	IMSG_VROUTES,			/* struct msg_vroutes, vrrpd -> lvsd */

	/* checkd <-> lvsd, checkd -> vrrpd. */
	IMSG_RS_STATE = 600,		/* struct msg_rs_state */
	IMSG_TRACK_STATE,		/* struct msg_track */
	IMSG_TRACK_QUERY,		/* no payload: resend every state */
	IMSG_VS_PRESENCE,		/* struct msg_vs_presence, from lvsd */
	IMSG_PROC_TRACK,		/* struct msg_proc_track, checkd -> had */
	IMSG_TRACK_VALUE,		/* struct msg_track_value */

	/* child -> had: state to keep across a respawn; had -> child. */
	IMSG_STATE_REPORT = 700,	/* struct msg_vrrp_state */
	IMSG_STATE_RESUME,		/* struct msg_vrrp_state */
	IMSG_LVS_DRAIN,			/* struct msg_lvs_drain, had -> lvsd */
	IMSG_VRRP_MAINT,		/* struct msg_vrrp_maint, had -> vrrpd */
	IMSG_LVS_MAINT,			/* struct msg_lvs_maint, had -> lvsd */

	/* had -> checkd: a mail to send (smtp_alert); checkd speaks SMTP. */
	IMSG_SMTP_ALERT = 800,		/* struct msg_smtp_alert */

	/* bfdd -> vrrpd, checkd and had (events); vrrpd, checkd -> bfdd. */
	IMSG_BFD_STATE = 900,		/* struct msg_bfd_state */
	IMSG_BFD_QUERY,			/* no payload: resend every state */
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

/* A raw ICMP (AF_INET) or ICMPv6 (AF_INET6) socket for PING_CHECK. */
struct msg_icmp_fd {
	uint32_t	af;
};

/*
 * For vrrp_track_process, had -> checkd: the process connector, subscribed
 * (PROC_FD_EVENTS), and a detached copy of /proc (PROC_FD_PROCFS).
 */
enum proc_fd_kind { PROC_FD_EVENTS = 1, PROC_FD_PROCFS };
struct msg_proc_fd {
	uint32_t	kind;		/* enum proc_fd_kind */
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
	CTL_RELOAD_BFD,
};

struct msg_ctl_req {
	uint32_t	arg;		/* reload target, verbosity, ... */
	uint32_t	flags;
	char		name[HAD_NAMELEN];	/* optional object name */
};

/*
 * hactl drain/undrain: req.arg 1 drain, 0 undrain; req.name the virtual
 * server (ADDR:PORT, fwmark:N or a group name), rs the real server.
 */
struct msg_ctl_drain {
	struct msg_ctl_req req;
	char		rs[64];
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
	uint32_t	peer_complaints;	/* siblings' IMSG_PEER_BAD */
	uint32_t	gid;
	int32_t		seccomp;	/* /proc: 0 off, 1 strict, 2 filter */
	int32_t		seccomp_filters;
};

struct msg_ctl_text {
	uint32_t	level;		/* 0 info, 1 warning, 2 error */
	char		text[512];
};

/* One entry of had's event history (show history, events). */
struct msg_ctl_event {
	uint64_t	seq;		/* 1, 2, ... since had started */
	int64_t		time_ms;	/* unix time, milliseconds */
	char		kind[16];	/* vrrp rs drain maint reload child */
	char		object[80];	/* instance, "VS RS", process */
	char		text[256];
};

struct msg_ctl_end {
	int32_t		status;		/* 0 ok, else error */
	char		message[HAD_REASONLEN];
};

/* A virtual address, as vrrpd asks lvsd to add or remove it. */
struct msg_vip {
	char		instance[HAD_NAMELEN];
	char		ifname[16];
	char		label[16];
	uint8_t		af;		/* AF_INET, AF_INET6 */
	uint8_t		prefix;
	uint8_t		scope;
	uint8_t		vrid;
	uint8_t		addr[16];
	int32_t		error;		/* IMSG_VIP_RESULT: 0 or errno */
};

struct msg_vmac {
	char		instance[HAD_NAMELEN];
	char		ifname[16];	/* the macvlan */
	char		parent[16];
	uint8_t		vrid;
	uint8_t		af;
	uint8_t		up;		/* IMSG_VMAC_RESULT: answers an UP */
	uint8_t		pad;
	int32_t		error;		/* IMSG_VMAC_RESULT: 0 or errno */
};

/*
 * An instance's virtual_routes and virtual_rules go up (Master) or down:
 * lvsd programs what its configuration has for the instance.
 */
struct msg_vroutes {
	char		instance[HAD_NAMELEN];
	uint32_t	up;
};

struct msg_link {
	char		ifname[16];
	int32_t		ifindex;
	uint32_t	up;		/* IFF_UP and IFF_RUNNING */
	uint32_t	exists;
};

/*
 * A virtual server, and maybe one of its real servers, by value as the
 * config has them (not by index: had's config may be newer during a
 * reload).  Only the fields of vs_type are set, the others are zero:
 * address, port and protocol; fwmark; or group name.  rs_af 0: none.
 */
struct msg_lvs_id {
	uint32_t	vs_type;	/* enum vs_type_conf */
	uint8_t		vs_af;
	uint8_t		vs_proto;	/* enum lvs_proto_conf */
	uint16_t	vs_port;
	uint8_t		vs_addr[16];
	uint32_t	vs_fwmark;
	char		vs_group[HAD_NAMELEN];
	uint8_t		rs_af;
	uint8_t		pad;
	uint16_t	rs_port;
	uint8_t		rs_addr[16];
};

/*
 * Health of one real server of one virtual server, checkd -> lvsd.  The
 * virtual server is named as in the config (address/port/protocol,
 * fwmark, or group); lvsd checks it is one of its own.
 */
struct msg_rs_state {
	struct msg_lvs_id id;		/* rs_af set */
	uint32_t	up;
	int32_t		weight;		/* -1: the configured weight */
	char		reason[HAD_REASONLEN];
};

/*
 * ha_suspend: whether the address of a virtual server (VS_TYPE_ADDR) is
 * on an interface of this director, lvsd -> checkd.  By value, as in the
 * config; checkd runs the checks of the virtual server only while it is.
 */
struct msg_vs_presence {
	uint8_t		vs_af;		/* AF_INET, AF_INET6 */
	uint8_t		vs_proto;	/* enum lvs_proto_conf */
	uint16_t	vs_port;
	uint8_t		vs_addr[16];	/* AF_INET: 4 bytes, then zeros */
	uint32_t	present;	/* 0 or 1 */
};

struct msg_track {
	char		name[HAD_NAMELEN];	/* vrrp_script name */
	uint32_t	up;
	int32_t		weight;			/* weight to apply */
};

/* A vrrp_track_process changed state: for had's event history. */
struct msg_proc_track {
	char		name[HAD_NAMELEN];
	uint32_t	up;
	uint32_t	running;	/* matching processes */
};

/*
 * vrrp_track_file, had -> checkd: the file opened read-only (the fd
 * comes with it), or the errno of the open and no fd.  checkd reads and
 * parses it: had never looks at what is in it.
 */
struct msg_track_file {
	char		name[HAD_NAMELEN];	/* vrrp_track_file name */
	int32_t		error;		/* 0: the fd is the file; else errno */
	uint32_t	pad;
};

/* The number of a vrrp_track_file, checkd -> vrrpd; 0 if unreadable. */
struct msg_track_value {
	char		name[HAD_NAMELEN];
	int64_t		value;
};

struct msg_script_run {
	uint32_t	kind;		/* SCRIPT_* */
	uint32_t	id;		/* caller's cookie, returned */
	char		name[HAD_NAMELEN];	/* object in had's config */
	uint32_t	timeout_ms;
	uint32_t	arg;		/* MISC: none; NOTIFY: state */
};

enum script_kind {
	SCRIPT_VRRP = 1,	/* vrrp_script NAME */
	SCRIPT_MISC,		/* MISC_CHECK of real server NAME */
};

struct msg_script_result {
	uint32_t	kind;
	uint32_t	id;
	char		name[HAD_NAMELEN];
	int32_t		status;		/* exit status, -1 if none */
	int32_t		signal;		/* killing signal, 0 if none */
	uint32_t	timed_out;
	uint32_t	duration_ms;
};

struct msg_notify {
	char		instance[HAD_NAMELEN];
	char		group[HAD_NAMELEN];	/* sync group, or "" */
	uint32_t	state;		/* 1 backup, 2 master, 3 fault, 4 stop */
	uint32_t	priority;
	char		reason[HAD_REASONLEN];	/* of the transition */
};


/*
 * smtp_alert of a VRRP instance or sync group.  checkd writes the mail
 * from its own copy of the config: the recipients, the sender and the
 * server are never in a message.
 */
#define SMTP_ALERT_INSTANCE	1
#define SMTP_ALERT_GROUP	2
#define SMTP_ALERT_QUORUM	3	/* name: the virtual server */
struct msg_smtp_alert {
	uint32_t	kind;		/* SMTP_ALERT_* */
	uint32_t	state;		/* as msg_notify's; quorum 1 up, 2 down */
	uint32_t	priority;
	uint32_t	pad;
	char		name[HAD_NAMELEN];
};

enum lvs_notify_event {
	LVS_NOTIFY_QUORUM_UP = 1,	/* quorum_up of the virtual server */
	LVS_NOTIFY_QUORUM_DOWN,		/* quorum_down */
	LVS_NOTIFY_RS_UP,		/* notify_up of the real server */
	LVS_NOTIFY_RS_DOWN,		/* notify_down */
	LVS_NOTIFY_MAX
};

/* A transition lvsd saw; had runs the command its own config has. */
struct msg_lvs_notify {
	uint32_t		event;		/* enum lvs_notify_event */
	uint32_t		pad;
	struct msg_lvs_id	id;
};

/*
 * A real server had keeps drained (weight 0), had -> lvsd: on a drain or
 * undrain, and each one before the config to a respawned lvsd.  vs_proto
 * LVS_PROTO_MAX: every protocol of that address and port.
 */
struct msg_lvs_drain {
	struct msg_lvs_id id;
	uint32_t	on;
	uint32_t	pad;
};

/*
 * hactl maintenance, had -> vrrpd, one per instance: on a change, and
 * each one on before the config to a respawned vrrpd.
 */
struct msg_vrrp_maint {
	char		instance[HAD_NAMELEN];
	uint32_t	on;
	uint32_t	uid;		/* who asked */
	int64_t		since;		/* unix time */
};

/*
 * hactl maintenance on|off for the whole box, had -> lvsd: announced
 * routes are withdrawn while it is on; sent again to a respawned lvsd.
 */
struct msg_lvs_maint {
	uint32_t	on;		/* 2: had is stopping, withdraw */
	uint32_t	uid;		/* who asked */
	int64_t		since;		/* unix time */
};

/* A BFD session's state, by bfd_instance name. */
struct msg_bfd_state {
	char		name[HAD_NAMELEN];
	uint32_t	state;		/* enum bfd_state: 0 AdminDown .. 3 Up */
	uint32_t	up;		/* state == Up */
	uint32_t	diag;		/* local diagnostic, 0..8 */
	uint32_t	pad;
};

#define MSG_BFD_NDROPS	16	/* room for bfdd's drop reasons */

/* One BFD session, bfdd -> had -> hactl (show bfd); name "": totals. */
struct msg_ctl_bfd {
	char		name[HAD_NAMELEN];
	char		neighbor[48];
	char		source[48];
	uint32_t	state;
	uint32_t	remote_state;
	uint32_t	diag;
	uint32_t	remote_diag;
	uint32_t	local_discr;
	uint32_t	remote_discr;
	uint32_t	mult;
	uint32_t	remote_mult;
	uint32_t	desired_tx_us;	/* what we advertise */
	uint32_t	required_rx_us;
	uint32_t	remote_desired_tx_us;
	uint32_t	remote_min_rx_us;
	uint32_t	tx_interval_us;	/* negotiated */
	uint32_t	detect_us;	/* detection time */
	uint32_t	passive;
	uint32_t	ndrops;
	uint64_t	tx;
	uint64_t	rx;
	uint64_t	ups;
	uint64_t	downs;
	uint64_t	polls;
	int64_t		since;		/* unix time of the last change */
	uint64_t	drops[MSG_BFD_NDROPS];
	char		drop_names[MSG_BFD_NDROPS][16];
};

struct msg_vrrp_state {
	char		instance[HAD_NAMELEN];
	uint32_t	state;
	uint32_t	priority;
	uint32_t	ah_seq;		/* AH sequence numbers used are below */
};

#define MSG_VRRP_NDROPS	24	/* room for vrrpd's drop reasons */

struct msg_ctl_vrrp {
	char		name[HAD_NAMELEN];
	char		ifname[16];
	uint32_t	vrid;
	uint32_t	version;
	uint32_t	state;
	char		state_name[16];
	uint32_t	base_priority;
	uint32_t	eff_priority;
	char		master[48];
	uint32_t	advert_int_cs;
	uint32_t	master_adver_int_cs;
	uint32_t	nvips;
	char		vips[512];	/* space-separated */
	uint64_t	transitions;
	int64_t		last_transition;	/* unix time */
	char		last_reason[HAD_REASONLEN];
	uint64_t	adverts_sent;
	uint64_t	adverts_rcvd;
	uint64_t	prio0_sent;
	uint64_t	prio0_rcvd;
	uint64_t	drops[MSG_VRRP_NDROPS];	/* by drop reason */
	char		drop_names[MSG_VRRP_NDROPS][16];
	uint32_t	ndrops;
	uint32_t	maint;		/* hactl maintenance on */
	uint32_t	maint_uid;
	int64_t		maint_since;
	/* Issue 20: extra path, checked takeover, damping, dual masters. */
	char		path[64];	/* unicast_path "IFNAME PEER", or "" */
	uint64_t	path_rcvd;	/* adverts heard over it */
	uint64_t	flaps;		/* takeovers the old master undid */
	uint64_t	probes_sent;	/* takeover_check */
	uint64_t	probes_answered;
	uint64_t	dual_master;	/* another master heard while master */
	uint32_t	tolerance;	/* adverts missed before takeover */
	uint32_t	takeover_check_ms;	/* 0: off */
	/* witness (split-brain guard): address, state, refusals. */
	char		witness[48];		/* "" none */
	char		witness_state[16];	/* up, down, unknown */
	uint64_t	witness_refused;	/* takeovers it refused */
	uint64_t	witness_faults;		/* masters it took down */
};

/* One health check, checkd -> had -> hactl (show checks). */
struct msg_ctl_check {
	char		vs[80];		/* "198.18.0.100:80", "fwmark 1", ... */
	char		rs[64];		/* "198.18.0.10:80" */
	char		target[64];	/* what is probed, if not rs */
	char		type[16];	/* "HTTP_GET", ... */
	uint32_t	up;
	uint32_t	rs_up;		/* all checks of the real server */
	uint32_t	successes;	/* in a row */
	uint32_t	failures;	/* in a row */
	uint32_t	rise;
	uint32_t	fall;
	uint32_t	latency_ms;	/* of the last attempt */
	uint32_t	delay_loop_ms;
	uint64_t	rounds;
	int64_t		last_change;	/* unix time */
	int32_t		weight;		/* misc_dynamic, else -1 */
	uint32_t	suspended;	/* ha_suspend: not run, reason says */
	char		reason[HAD_REASONLEN];	/* last result in words */
};

/*
 * show checks: a vrrp_script or vrrp_track_file, checkd -> had -> hactl,
 * after the health checks.
 */
struct msg_ctl_track {
	char		kind[16];	/* "vrrp_script", "track_file" */
	char		name[HAD_NAMELEN];
	char		state[16];	/* up down unknown */
	char		path[HAD_PATHLEN];	/* track_file */
	int32_t		last_status;	/* script exit status, -1: none */
	uint32_t	successes;	/* in a row */
	uint32_t	failures;	/* in a row */
	uint32_t	rise;
	uint32_t	fall;
	int32_t		weight;		/* of the definition */
	uint32_t	reverse;
	uint32_t	pad;
	int64_t		value;		/* track_file: its number */
	uint64_t	runs;		/* script runs, file reads */
	int64_t		last_change;	/* unix time */
	char		reason[HAD_REASONLEN];
};

/*
 * show vrrp: what one tracked object does to an instance, vrrpd -> had
 * -> hactl, sent before the instance's row (IMSG_CTL_VRRP).
 */
struct msg_ctl_vrrp_track {
	char		instance[HAD_NAMELEN];
	char		kind[16];	/* vrrp_script track_file interface */
	char		name[HAD_NAMELEN];
	char		state[16];	/* up down unknown */
	int64_t		value;		/* track_file: its number */
	int32_t		weight;		/* after reverse */
	int32_t		delta;		/* added to the priority */
	uint32_t	fault;		/* puts the instance in FAULT */
	uint32_t	pad;
};

/* hactl show lvs: a service row, then its real server rows. */
enum lvs_row_kind { LVS_ROW_SERVICE = 0, LVS_ROW_REAL };
struct msg_ctl_lvs {
	uint32_t	kind;		/* enum lvs_row_kind */
	uint32_t	vs_index;
	char		service[64];	/* "TCP 198.18.0.100:80" */
	char		sched[16];
	char		method[8];	/* NAT DR TUN */
	uint32_t	persistence;	/* seconds, 0: none */
	uint32_t	quorum;
	uint32_t	quorum_up;	/* 1 quorum met */
	uint32_t	in_kernel;	/* the kernel has it */
	char		real[56];	/* LVS_ROW_REAL */
	uint32_t	sorry;		/* the row is the sorry server */
	uint32_t	conf_weight;
	int32_t		kernel_weight;	/* -1: not in the kernel */
	char		health[8];	/* up down unknown */
	uint32_t	active_conns;
	uint32_t	inactive_conns;
	uint64_t	conns;
	uint64_t	in_pkts, out_pkts;
	uint64_t	in_bytes, out_bytes;
	uint32_t	drained;	/* hactl drain: weight 0 kept */
	uint32_t	announce;	/* enum lvs_ann_why; 1: not configured */
	uint32_t	announced;	/* the address is out (a route) */
	uint32_t	announce_table;
	char		announce_why[16];	/* "announced", "no quorum" */
	int32_t		want_weight;	/* what lvsd wants; -1: out */
};


const char	*proc_name(enum had_proc);

#endif /* HAD_MSG_H */
