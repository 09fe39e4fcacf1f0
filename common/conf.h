/*
 * Configuration: keepalived's language parsed into typed, per-object
 * structs.  Each object is a POD "struct xxx_conf" (what travels to the
 * children in RECONF items and is compared with memcmp for diffs)
 * embedded in a list node that holds its children.
 */
#ifndef HAD_CONF_H
#define HAD_CONF_H

#include <sys/queue.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "msg.h"

#define CONF_WARN	1
#define CONF_ERR	2
#define CONF_NOTE	3	/* only with conf_opts.compat */

/* What a diagnostic means for someone coming from keepalived. */
#define CONF_DK_NONE	0
#define CONF_DK_UNSUPP	1	/* keepalived's keyword, ignored by had */
#define CONF_DK_ALIAS	2	/* another spelling of a had keyword */
#define CONF_DK_DIFF	3	/* accepted, but had does it differently */
#define CONF_DK_EXT	4	/* had's own, keepalived refuses or ignores it */

#define CONF_IFNAMELEN	16
#define CONF_USERLEN	32
#define CONF_CMDLEN	512
#define CONF_HOSTLEN	128
#define CONF_AUTHLEN	9	/* 8 characters and the NUL */
#define CONF_DIGESTLEN	33
#define CONF_INCLUDE_DEPTH 8
#define CONF_MAILLEN	512	/* notification_email, all of them */

/* smtp_alert [BOOL], in each scope: unset takes the default. */
#define CONF_SMTP_UNSET	0
#define CONF_SMTP_YES	1
#define CONF_SMTP_NO	2

struct conf_diag {
	TAILQ_ENTRY(conf_diag)	 entry;
	int			 level;	/* CONF_WARN, CONF_ERR, CONF_NOTE */
	int			 kind;		/* CONF_DK_* */
	char			 file[256];
	int			 line, col;
	char			 msg[256];
	char			 hint[128];
};
TAILQ_HEAD(conf_diags, conf_diag);

struct conf_opts {
	/* @ID lines; NULL: the host name up to the first dot. */
	const char	*config_id;
	int		 compat;	/* also note aliases (CONF_NOTE) */
};

/* An address with its family and prefix length; all bytes are defined. */
struct conf_addr {
	uint8_t		af;		/* 0 (unset), AF_INET, AF_INET6 */
	uint8_t		prefix;
	uint8_t		pad[2];
	union {
		struct in_addr	v4;
		struct in6_addr	v6;
		uint8_t		raw[16];
	} u;
};

/* Enumerations; the name tables in conf_parse.c follow the same order. */
enum vrrp_state_conf	{ CONF_STATE_BACKUP = 0, CONF_STATE_MASTER };
enum vrrp_auth_conf	{ CONF_AUTH_NONE = 0, CONF_AUTH_PASS, CONF_AUTH_AH };
enum lvs_sched_conf {
	LVS_SCHED_RR = 0, LVS_SCHED_WRR, LVS_SCHED_LC, LVS_SCHED_WLC,
	LVS_SCHED_LBLC, LVS_SCHED_LBLCR, LVS_SCHED_DH, LVS_SCHED_SH,
	LVS_SCHED_SED, LVS_SCHED_NQ, LVS_SCHED_FO, LVS_SCHED_OVF,
	LVS_SCHED_MH, LVS_SCHED_MAX
};
enum lvs_kind_conf	{ LVS_KIND_NAT = 0, LVS_KIND_DR, LVS_KIND_TUN,
			  LVS_KIND_MAX };
enum lvs_proto_conf	{ LVS_PROTO_TCP = 0, LVS_PROTO_UDP, LVS_PROTO_SCTP,
			  LVS_PROTO_MAX };
enum vs_type_conf	{ VS_TYPE_ADDR = 0, VS_TYPE_FWMARK, VS_TYPE_GROUP,
			  VS_TYPE_MAX };
enum vsg_entry_type	{ VSG_ENTRY_ADDR = 0, VSG_ENTRY_RANGE,
			  VSG_ENTRY_FWMARK, VSG_ENTRY_MAX };
enum check_type_conf {
	CHECK_TCP = 0, CHECK_HTTP, CHECK_SSL, CHECK_MISC, CHECK_PING,
	CHECK_UDP, CHECK_DNS, CHECK_SMTP, CHECK_BFD, CHECK_FILE,
	CHECK_TYPE_MAX
};
/* Checks that probe nothing: bfdd or a track_file gives their state. */
#define CHECK_IS_PASSIVE(t)	((t) == CHECK_BFD || (t) == CHECK_FILE)
enum dns_type_conf {
	DNS_TYPE_A = 0, DNS_TYPE_NS, DNS_TYPE_CNAME, DNS_TYPE_SOA,
	DNS_TYPE_MX, DNS_TYPE_TXT, DNS_TYPE_AAAA, DNS_TYPE_MAX
};

/* A FIFO had writes events to, and the owner it is created with. */
struct conf_fifo {
	char		path[HAD_PATHLEN];
	char		user[CONF_USERLEN];
	char		group[CONF_USERLEN];
};

/*
 * Wire bodies.  Times are stored in the unit named by the field
 * (_cs centiseconds, _ms milliseconds, _us microseconds, else seconds).
 */
struct global_conf {
	char		router_id[HAD_NAMELEN];
	char		script_user[CONF_USERLEN];
	char		script_group[CONF_USERLEN];
	uint8_t		enable_script_security;
	uint8_t		vrrp_skip_check_adv_addr;
	uint8_t		vrrp_strict;
	uint8_t		vrrp_nofilter;	/* vrrp_iptables alone: no_accept off */
	uint32_t	vrrp_garp_interval_us;
	uint32_t	vrrp_gna_interval_us;
	struct conf_addr vrrp_mcast_group4;
	struct conf_addr vrrp_mcast_group6;
	uint32_t	vrrp_garp_master_delay;
	uint32_t	vrrp_garp_master_repeat;
	uint32_t	vrrp_garp_master_refresh;
	uint32_t	vrrp_version;
	char		lvs_sync_interface[CONF_IFNAMELEN];
	char		lvs_sync_instance[HAD_NAMELEN];
	uint32_t	lvs_drain_time;		/* had: seconds at weight 0 */
	uint32_t	pad2;
	/* lvs_sync_daemon options; 0 (unset): the kernel's default. */
	uint8_t		lvs_sync_has_id;	/* else the instance's vrid */
	uint8_t		lvs_sync_id;
	uint8_t		lvs_sync_ttl;
	uint8_t		lvs_sync_active;	/* active_active: both */
	uint16_t	lvs_sync_maxlen;
	uint16_t	lvs_sync_port;
	struct conf_addr lvs_sync_group;	/* af 0: unset */
	/* notify_fifo, vrrp_notify_fifo, lvs_notify_fifo; path "": none. */
	struct conf_fifo notify_fifo;
	struct conf_fifo vrrp_notify_fifo;
	struct conf_fifo lvs_notify_fifo;
	/* smtp_alert: addresses checked by the parser, space-separated. */
	char		notification_email[CONF_MAILLEN];
	char		notification_email_from[CONF_HOSTLEN];
	char		smtp_helo_name[CONF_HOSTLEN];
	struct conf_addr smtp_server;		/* af 0: no alerts */
	uint16_t	smtp_port;
	uint8_t		smtp_alert;		/* CONF_SMTP_* */
	uint8_t		smtp_alert_vrrp;
	uint8_t		smtp_alert_checker;
	uint8_t		pad4[3];
	uint32_t	smtp_connect_timeout;	/* seconds; 0: 30 */
	/* net_namespace: had enters /run/netns/NAME at start; "": none. */
	char		net_namespace[HAD_NAMELEN];
};

struct vrrp_script_conf {
	char		name[HAD_NAMELEN];
	/* Empty when the block has no script: treated as always succeeding. */
	char		script[CONF_CMDLEN];
	uint32_t	interval;
	uint32_t	timeout;
	int32_t		weight;
	uint8_t		weight_reverse;
	uint8_t		init_fail;
	uint8_t		pad[2];
	uint32_t	rise;
	uint32_t	fall;
	char		user[CONF_USERLEN];
	char		group[CONF_USERLEN];
	/*
	 * vrrp_track_process (process 1; script is then empty): the
	 * process and its parameters, each NUL-terminated, in cmd[0..cmdlen).
	 */
	uint8_t		process;
	uint8_t		param_match;		/* enum proc_match_conf */
	uint8_t		full_command;
	uint8_t		nparams;
	uint32_t	cmdlen;
	char		cmd[CONF_CMDLEN];
	uint32_t	quorum;
	uint32_t	quorum_max;
	uint32_t	fork_delay_ms;
	uint32_t	terminate_delay_ms;
	/*
	 * track_file (vrrp_track_file) NAME: file set, script empty (it
	 * runs nothing).  One name space with vrrp_script.  weight is the
	 * file's weight (default 1), any int32 but INT32_MIN.
	 */
	char		file[HAD_PATHLEN];
	uint8_t		init_file;		/* init_file [VALUE] */
	uint8_t		init_overwrite;		/* ... overwrite */
	uint8_t		pad2[2];
	int32_t		init_value;
	/*
	 * A vrrp_instance's witness (had's extension): no block of the
	 * config, made for checkd and vrrpd by conf_emit(), named by
	 * conf_witness_name().  checkd pings witness every witness_ms,
	 * an answer within witness_timeout_ms passes; script is empty.
	 */
	struct conf_addr witness;
	uint32_t	witness_ms;
	uint32_t	witness_timeout_ms;
};
#define CONF_IS_TRACK_FILE(sc)	((sc)->file[0] != '\0')
#define CONF_IS_WITNESS(sc)	((sc)->witness.af != 0)
#define CONF_WITNESS_MS			1000
#define CONF_WITNESS_MS_MIN		20
#define CONF_WITNESS_MS_MAX		60000
#define CONF_WITNESS_TIMEOUT_MS		500
#define CONF_WITNESS_TIMEOUT_MIN	10
#define CONF_WITNESS_TIMEOUT_MAX	30000

enum proc_match_conf	{ PROC_MATCH_UNSET = 0, PROC_MATCH_EXACT,
			  PROC_MATCH_INITIAL, PROC_MATCH_PARTIAL,
			  PROC_MATCH_MAX };

struct vrrp_instance_conf {
	char		name[HAD_NAMELEN];
	uint32_t	state;			/* enum vrrp_state_conf */
	char		interface[CONF_IFNAMELEN];
	uint32_t	vrid;
	uint32_t	priority;
	uint32_t	advert_int_cs;
	uint32_t	version;		/* 2 or 3 */
	uint8_t		nopreempt;
	int8_t		accept;			/* -1 unset, 0 no, 1 yes */
	uint8_t		use_vmac;
	uint8_t		vmac_xmit_base;
	uint8_t		dont_track_primary;
	uint8_t		smtp_alert;		/* CONF_SMTP_* */
	uint8_t		pad[2];
	uint32_t	preempt_delay;
	uint32_t	auth_type;		/* enum vrrp_auth_conf */
	char		auth_pass[CONF_AUTHLEN];
	char		vmac_name[CONF_IFNAMELEN];
	uint8_t		pad2[3];
	struct conf_addr mcast_src_ip;
	struct conf_addr unicast_src_ip;
	uint32_t	garp_master_delay;
	uint32_t	garp_master_repeat;
	uint32_t	garp_master_refresh;
	uint32_t	garp_master_refresh_repeat;
	char		notify_master[CONF_CMDLEN];
	char		notify_backup[CONF_CMDLEN];
	char		notify_fault[CONF_CMDLEN];
	char		notify_stop[CONF_CMDLEN];
	char		notify[CONF_CMDLEN];
	/*
	 * had's extensions for lossy networks: unicast_path (one extra
	 * path: adverts also go to path_peer out of path_dev from
	 * path_src), takeover_check (and its wait in ms), flap_* (extra
	 * missed adverts per flap and their cap, window and decay in
	 * seconds; penalty 0 off).
	 */
	char		path_dev[CONF_IFNAMELEN];
	struct conf_addr path_src;
	struct conf_addr path_peer;
	uint32_t	takeover_check;
	uint32_t	takeover_check_ms;
	uint32_t	flap_penalty;
	uint32_t	flap_max;
	uint32_t	flap_window;
	uint32_t	flap_decay;
	/* witness ADDR [interval MS] [timeout MS]; af 0: none. */
	struct conf_addr witness;
	uint32_t	witness_ms;
	uint32_t	witness_timeout_ms;
};

struct vrrp_vip_conf {
	struct conf_addr addr;
	struct conf_addr brd;
	char		dev[CONF_IFNAMELEN];
	char		label[CONF_IFNAMELEN];
	uint8_t		scope;			/* rtnetlink scope number */
	uint8_t		excluded;		/* virtual_ipaddress_excluded */
	uint8_t		pad[2];
};

struct vrrp_peer_conf {
	struct conf_addr addr;
};

/*
 * A route of virtual_routes or static_routes, and a rule of
 * virtual_rules or static_rules, as ip route and ip rule take them.
 */
struct route_conf {
	struct conf_addr dst;
	struct conf_addr src;		/* af 0: none */
	struct conf_addr via;		/* af 0: none */
	struct conf_addr via_or;	/* "via A or B": two next hops */
	char		dev[CONF_IFNAMELEN];
	uint32_t	table;		/* 0: main */
	uint32_t	metric;
	uint8_t		type;		/* RTN_UNICAST, _BLACKHOLE, ... */
	uint8_t		scope;
	uint8_t		has_scope;	/* else as ip route chooses */
	uint8_t		proto;		/* RTPROT_*; keepalived's 18 */
	uint8_t		onlink;
	uint8_t		pad[3];
};

struct rule_conf {
	struct conf_addr from;		/* af 0: all */
	struct conf_addr to;		/* af 0: all */
	uint8_t		af;
	uint8_t		action;		/* FR_ACT_TO_TBL, _BLACKHOLE, ... */
	uint8_t		has_priority;
	uint8_t		invert;		/* not */
	uint32_t	table;
	uint32_t	priority;
	uint32_t	fwmark;
	uint32_t	fwmask;		/* 0: none given */
	char		iif[CONF_IFNAMELEN];
	char		oif[CONF_IFNAMELEN];
};

/* track_script and track_file lines (file 1: a track_file's name). */
struct vrrp_track_script_conf {
	char		name[HAD_NAMELEN];
	int32_t		weight;
	uint8_t		has_weight;
	uint8_t		reverse;
	uint8_t		process;		/* track_process */
	uint8_t		file;
	uint8_t		pad;
};

/*
 * keepalived's bfd_instance: one single-hop BFD session (bfdd).  Times
 * in microseconds; ttl and hoplimit are what we send with, max_hops how
 * far below 255 a received TTL or hop limit may be (255: not checked).
 */
struct bfd_instance_conf {
	char		name[HAD_NAMELEN];
	struct conf_addr neighbor;
	struct conf_addr source;	/* af 0: the kernel's choice */
	uint32_t	min_rx_us;
	uint32_t	min_tx_us;
	uint32_t	idle_tx_us;
	uint8_t		multiplier;
	uint8_t		passive;
	uint8_t		ttl;
	uint8_t		hoplimit;
	uint8_t		max_hops;
	uint8_t		weight_reverse;
	uint8_t		vrrp;		/* "vrrp": tell vrrpd (default) */
	uint8_t		checker;	/* "checker": no effect, see parser */
	int32_t		weight;		/* default of track_bfd */
};

struct vrrp_track_if_conf {
	char		ifname[CONF_IFNAMELEN];
	int32_t		weight;
};

struct vrrp_sync_group_conf {
	char		name[HAD_NAMELEN];
	char		notify_master[CONF_CMDLEN];
	char		notify_backup[CONF_CMDLEN];
	char		notify_fault[CONF_CMDLEN];
	char		notify_stop[CONF_CMDLEN];
	char		notify[CONF_CMDLEN];
};

struct vrrp_sync_member_conf {
	char		instance[HAD_NAMELEN];
};

struct vsg_conf {
	char		name[HAD_NAMELEN];
};

struct vsg_entry_conf {
	uint32_t	type;			/* enum vsg_entry_type */
	struct conf_addr addr;
	uint32_t	range_end;	/* last octet (v4) or last group (v6) */
	uint32_t	fwmark;
	uint16_t	port;
	uint8_t		pad[2];
};

/*
 * announce: the routing table (not main, local or default) and the
 * protocol number of the routes lvsd keeps there for FRR; the number is
 * had's alone so that a start can take away what a crash left behind.
 */
#define CONF_ANNOUNCE_TABLE	201
#define CONF_ANNOUNCE_PROTO	245

struct vs_conf {
	uint32_t	type;			/* enum vs_type_conf */
	struct conf_addr addr;
	uint16_t	port;
	uint8_t		has_sorry;
	uint8_t		sorry_server_inhibit;
	uint32_t	fwmark;
	char		group[HAD_NAMELEN];
	uint32_t	delay_loop_ms;
	uint32_t	lb_algo;		/* enum lvs_sched_conf */
	uint32_t	lb_kind;		/* enum lvs_kind_conf */
	uint32_t	protocol;		/* enum lvs_proto_conf */
	uint32_t	persistence_timeout;
	struct conf_addr persistence_granularity;
	char		virtualhost[CONF_HOSTLEN];
	struct conf_addr sorry_addr;
	uint16_t	sorry_port;
	uint8_t		inhibit_on_failure;
	uint8_t		alpha;
	uint8_t		omega;
	uint8_t		ha_suspend;
	uint8_t		ops;			/* one-packet scheduling */
	uint8_t		sched_flag1;		/* sh-/mh-fallback */
	uint8_t		sched_flag2;		/* sh-/mh-port */
	uint8_t		sched_flag3;
	uint8_t		smtp_alert;		/* CONF_SMTP_* */
	uint8_t		announce;		/* had: route for FRR (BGP) */
	uint8_t		pad[1];
	uint32_t	announce_table;
	uint32_t	announce_metric;
	uint32_t	quorum;
	uint32_t	hysteresis;
	/* Defaults for the checks; UINT32_MAX: unset. */
	uint32_t	retry;
	uint32_t	delay_before_retry_ms;
	uint32_t	warmup_ms;
	/* Last: a child's node ends before them (struct conf_vs). */
	char		quorum_up[CONF_CMDLEN];
	char		quorum_down[CONF_CMDLEN];
};

struct rs_conf {
	struct conf_addr addr;
	uint16_t	port;
	uint8_t		inhibit_on_failure;
	uint8_t		smtp_alert;		/* CONF_SMTP_* */
	uint32_t	weight;
	uint32_t	uthreshold;
	uint32_t	lthreshold;
	char		notify_up[CONF_CMDLEN];
	char		notify_down[CONF_CMDLEN];
};

struct check_conf {
	uint32_t	type;			/* enum check_type_conf */
	struct conf_addr connect_ip;
	struct conf_addr bindto;
	uint16_t	connect_port;
	uint16_t	bind_port;
	uint32_t	connect_timeout_ms;
	uint32_t	retry;
	uint32_t	delay_before_retry_ms;
	uint32_t	delay_loop_ms;
	uint32_t	warmup_ms;
	uint32_t	rise;			/* had extension */
	uint32_t	fall;			/* had extension */
	/*
	 * Numbers that every check has set before the strings: a body goes
	 * on the wire and into had's copy up to its last byte that is not
	 * 0, 80 bytes for a TCP_CHECK instead of 1305 (issue 19).
	 */
	uint32_t	misc_timeout_ms;
	uint32_t	dns_type;		/* enum dns_type_conf */
	uint8_t		alpha;
	uint8_t		enable_sni;
	uint8_t		verify_cert;
	uint8_t		misc_dynamic;
	/*
	 * DNS_CHECK: the name asked ("." unless set, in every check: so
	 * the first string); BFD_CHECK: the bfd_instance.
	 */
	char		dns_name[HAD_PATHLEN];
	char		virtualhost[CONF_HOSTLEN];
	char		misc_path[CONF_CMDLEN];
	char		user[CONF_USERLEN];
	char		group[CONF_USERLEN];
	char		payload[HAD_PATHLEN];		/* hex */
	char		require_reply[HAD_PATHLEN];	/* hex */
	char		helo_name[CONF_HOSTLEN];
	/* FILE_CHECK: a track_file block, weight N [reverse], dynamic. */
	char		track_file[HAD_NAMELEN];
	int32_t		file_weight;
	uint8_t		file_has_weight;
	uint8_t		file_reverse;
	uint8_t		file_dynamic;
	uint8_t		pad_file;
};

#define CONF_STATUS_MIN	100
#define CONF_STATUS_MAX	599
struct check_url_conf {
	char		path[HAD_PATHLEN];
	char		digest[CONF_DIGESTLEN];	/* lower-case hex or "" */
	char		virtualhost[CONF_HOSTLEN];
	uint8_t		pad[3];
	/* Bit (code - 100) set for each accepted code; none set: 2xx. */
	uint8_t		status[64];
};

/* List nodes. */
#define CONF_NODE(name, body)					\
	struct name {							\
		TAILQ_ENTRY(name)	entry;				\
		struct body		c;				\
	};								\
	TAILQ_HEAD(name##_list, name)

CONF_NODE(conf_vip, vrrp_vip_conf);
CONF_NODE(conf_peer, vrrp_peer_conf);
CONF_NODE(conf_track_script, vrrp_track_script_conf);
CONF_NODE(conf_track_if, vrrp_track_if_conf);
CONF_NODE(conf_sync_member, vrrp_sync_member_conf);
CONF_NODE(conf_vsg_entry, vsg_entry_conf);
CONF_NODE(conf_url, check_url_conf);
CONF_NODE(conf_script, vrrp_script_conf);
CONF_NODE(conf_route, route_conf);
CONF_NODE(conf_rule, rule_conf);
CONF_NODE(conf_bfd, bfd_instance_conf);

struct conf_instance {
	TAILQ_ENTRY(conf_instance)	 entry;
	struct vrrp_instance_conf	 c;
	struct conf_vip_list		 vips;
	struct conf_peer_list		 peers;
	struct conf_track_script_list	 track_scripts;
	struct conf_track_if_list	 track_ifs;
	struct conf_route_list		 routes;	/* virtual_routes */
	struct conf_rule_list		 rules;		/* virtual_rules */
	struct conf_track_script_list	 track_bfds;	/* name: bfd_instance */
};
TAILQ_HEAD(conf_instance_list, conf_instance);

struct conf_sync_group {
	TAILQ_ENTRY(conf_sync_group)	 entry;
	struct vrrp_sync_group_conf	 c;
	struct conf_sync_member_list	 members;
	struct conf_track_script_list	 track_scripts;
	struct conf_track_script_list	 track_bfds;
};
TAILQ_HEAD(conf_sync_group_list, conf_sync_group);

struct conf_vsg {
	TAILQ_ENTRY(conf_vsg)		 entry;
	struct vsg_conf			 c;
	struct conf_vsg_entry_list	 entries;
};
TAILQ_HEAD(conf_vsg_list, conf_vsg);

/*
 * A check's node ends where its body does: c holds the bytes up to its
 * last one that is not 0 and one more (a TCP_CHECK: 96 of 1792), and
 * always all of the fields its type reads.  conf_check_new() makes one,
 * conf_check_full() reads the whole check_conf.
 */
struct conf_check {
	TAILQ_ENTRY(conf_check)		 entry;
	struct conf_url_list		 urls;
	uint32_t			 clen;		/* bytes of c held */
	struct check_conf		 c;		/* last: see above */
};
TAILQ_HEAD(conf_check_list, conf_check);

/*
 * A real server's node ends where what it holds ends: without notify
 * commands (always so in a child, which never runs them) c stops before
 * notify_up, 1 KB less a server.  conf_rs_new() makes one,
 * conf_rs_notify() reads a command, conf_rs_full() the whole rs_conf.
 */
struct conf_rs {
	TAILQ_ENTRY(conf_rs)		 entry;
	struct conf_check_list		 checks;
	int				 notify;	/* c has the commands */
	struct rs_conf			 c;		/* last: see above */
};
TAILQ_HEAD(conf_rs_list, conf_rs);

/*
 * A virtual server's node in a child ends before quorum_up: only had
 * runs the commands (1 KB less a virtual server): conf_vs_new().
 * conf_vs_full() reads the whole vs_conf of any node.
 */
struct conf_vs {
	TAILQ_ENTRY(conf_vs)		 entry;
	struct conf_rs_list		 rss;
	int				 quorum_cmds;	/* c has them */
	struct vs_conf			 c;		/* last: see above */
};
TAILQ_HEAD(conf_vs_list, conf_vs);

struct had_conf {
	struct global_conf		 global;
	struct conf_script_list		 scripts;
	struct conf_instance_list	 instances;
	struct conf_sync_group_list	 sync_groups;
	struct conf_vsg_list		 vsgs;
	struct conf_vs_list		 vss;
	struct conf_vip_list		 static_addrs;	/* static_ipaddress */
	struct conf_route_list		 static_routes;
	struct conf_rule_list		 static_rules;
	struct conf_bfd_list		 bfds;

	/* conf_receive_item(): what "the last object" refers to. */
	struct conf_instance		*rx_instance;
	struct conf_sync_group		*rx_sync_group;
	struct conf_vsg			*rx_vsg;
	struct conf_vs			*rx_vs;
	struct conf_rs			*rx_rs;
	struct conf_check		*rx_check;
	int				 rx_global;
};

/* RECONF item kinds; children belong to the last parent sent before. */
enum conf_item_kind {
	CONF_ITEM_GLOBAL = 1,		/* struct global_conf */
	CONF_ITEM_VRRP_SCRIPT,		/* struct vrrp_script_conf */
	CONF_ITEM_VRRP_INSTANCE,	/* struct vrrp_instance_conf */
	CONF_ITEM_VRRP_VIP,		/* struct vrrp_vip_conf */
	CONF_ITEM_VRRP_UNICAST_PEER,	/* struct vrrp_peer_conf */
	CONF_ITEM_VRRP_TRACK_SCRIPT,	/* struct vrrp_track_script_conf */
	CONF_ITEM_VRRP_TRACK_INTERFACE,	/* struct vrrp_track_if_conf */
	CONF_ITEM_VRRP_SYNC_GROUP,	/* struct vrrp_sync_group_conf */
	CONF_ITEM_VRRP_SYNC_MEMBER,	/* struct vrrp_sync_member_conf */
	CONF_ITEM_VRRP_SYNC_TRACK_SCRIPT, /* struct vrrp_track_script_conf */
	CONF_ITEM_VSG,			/* struct vsg_conf */
	CONF_ITEM_VSG_ENTRY,		/* struct vsg_entry_conf */
	CONF_ITEM_VIRTUAL_SERVER,	/* struct vs_conf */
	CONF_ITEM_REAL_SERVER,		/* struct rs_conf */
	CONF_ITEM_CHECK,		/* struct check_conf */
	CONF_ITEM_CHECK_URL,		/* struct check_url_conf */
	CONF_ITEM_VRRP_ROUTE,		/* struct route_conf */
	CONF_ITEM_VRRP_RULE,		/* struct rule_conf */
	CONF_ITEM_STATIC_ADDR,		/* struct vrrp_vip_conf, after global */
	CONF_ITEM_STATIC_ROUTE,		/* struct route_conf, after global */
	CONF_ITEM_STATIC_RULE,		/* struct rule_conf, after global */
	CONF_ITEM_BFD_INSTANCE,		/* struct bfd_instance_conf */
	CONF_ITEM_VRRP_TRACK_BFD,	/* struct vrrp_track_script_conf */
	CONF_ITEM_VRRP_SYNC_TRACK_BFD,	/* struct vrrp_track_script_conf */
	CONF_ITEM_MAX
};

struct conf_rs	*conf_rs_new(const struct rs_conf *, int);
const char	*conf_rs_notify(const struct conf_rs *, int);
void		 conf_rs_full(const struct conf_rs *, struct rs_conf *);
struct conf_check *conf_check_new(const struct check_conf *);
void		 conf_check_full(const struct conf_check *,
		    struct check_conf *);
struct conf_vs	*conf_vs_new(const struct vs_conf *, int);
void		 conf_vs_full(const struct conf_vs *, struct vs_conf *);

typedef int (*conf_item_cb)(uint32_t kind, const void *body, size_t len,
    void *arg);

void		 conf_diags_init(struct conf_diags *);
void		 conf_diags_free(struct conf_diags *);
int		 conf_diags_count(const struct conf_diags *, int);
void		 conf_diags_print(FILE *, const struct conf_diags *);
void		 conf_diag_add(struct conf_diags *, int, const char *, int,
		    int, const char *, const char *, ...)
		    __attribute__((__format__(printf, 7, 8)));
void		 conf_diag_kind(struct conf_diags *, int);
int		 conf_compat_report(FILE *, const char *,
		    const struct conf_opts *);

struct had_conf	*conf_new(void);
void		 conf_free(struct had_conf *);
struct had_conf	*conf_load(const char *, const struct conf_opts *,
		    struct conf_diags *);
struct had_conf	*conf_load_string(const char *, const char *,
		    const struct conf_opts *, struct conf_diags *);
int		 conf_print(FILE *, const struct had_conf *);
char		*conf_print_string(const struct had_conf *);

int		 conf_witness_script(const struct vrrp_instance_conf *,
		    struct vrrp_script_conf *);
int		 conf_emit(const struct had_conf *, enum had_proc,
		    conf_item_cb, void *);
int		 conf_receive_item(struct had_conf *, enum had_proc, uint32_t,
		    const void *, size_t, char *, size_t);
const char	*conf_item_kind_name(uint32_t);
size_t		 conf_kind_size(uint32_t);

/* Defaults of each object, as keepalived's. */
void		 conf_global_defaults(struct global_conf *);
void		 conf_bfd_defaults(struct bfd_instance_conf *);
void		 conf_script_defaults(struct vrrp_script_conf *);
void		 conf_tprocess_defaults(struct vrrp_script_conf *);
void		 conf_instance_defaults(struct vrrp_instance_conf *,
		    const struct global_conf *);
void		 conf_vs_defaults(struct vs_conf *);
void		 conf_rs_defaults(struct rs_conf *);
void		 conf_check_defaults(struct check_conf *, uint32_t,
		    const struct vs_conf *);

/* Formatting helpers shared by the printer and the daemons. */
const char	*conf_addr_str(const struct conf_addr *, char *, size_t);
const char	*conf_enum_name(const char *const *, uint32_t);
const char	*conf_route_type_name(uint8_t);
int		 conf_instance_af(const struct conf_instance *);
void		 conf_route_str(const struct route_conf *, char *, size_t);
void		 conf_rule_str(const struct rule_conf *, char *, size_t);
extern const char *const conf_state_names[];
extern const char *const conf_auth_names[];
extern const char *const conf_sched_names[];
extern const char *const conf_kind_names[];
extern const char *const conf_proto_names[];
extern const char *const conf_check_names[];
extern const char *const conf_dns_type_names[];

#ifdef CONF_PRIVATE
/*
 * Internals shared by conf_lex.c, conf_parse.c and conf_print.c.
 */
struct conf_pos {
	const char	*file;		/* interned, lives with the parse */
	int		 line, col;
};

enum conf_tok_type { TOK_WORD, TOK_LBRACE, TOK_RBRACE, TOK_EOL, TOK_EOF };

struct conf_tok {
	int		 type;
	int		 quoted;
	char		*text;
	struct conf_pos	 pos;
};

struct conf_param {
	char		*name;
	char		*value;		/* lines separated by '\n' */
};

struct conf_lexer {
	struct conf_tok	*toks;
	size_t		 ntoks, cap;
	char		**files;	/* interned file names */
	size_t		 nfiles;
	char		*stack[CONF_INCLUDE_DEPTH + 1];	/* realpaths */
	int		 depth;
	struct conf_diags *diags;
	const char	*config_id;	/* NULL: no @ID line matches */
	struct conf_param *params;	/* $NAME=value, global as keepalived's */
	size_t		 nparams;
	size_t		 nlines;	/* lines made by ~SEQ and $NAME */
};

int	 conf_lex_file(struct conf_lexer *, const char *, const char *,
	    const struct conf_pos *);
int	 conf_lex_string(struct conf_lexer *, const char *, const char *);
void	 conf_lex_free(struct conf_lexer *);
void	 conf_diag_at(struct conf_diags *, int, const struct conf_pos *,
	    const char *, const char *, ...)
	    __attribute__((__format__(printf, 5, 6)));

/* Keyword schema: one table per block. */
struct conf_kw;
struct conf_node;
struct conf_pctx;
struct conf_pr {
	FILE			*fp;
	int			 depth;
	const struct had_conf	*conf;
	const struct vs_conf	*vs;	/* checks inherit from it */
};
typedef int	(*conf_kw_conv)(struct conf_pctx *, const struct conf_node *,
		    const struct conf_kw *, void *);
typedef void	(*conf_kw_print)(struct conf_pr *, const struct conf_kw *,
		    const void *, const void *);

enum conf_kw_type {
	KT_UINT,	/* unsigned integer in [min, max] */
	KT_INT,		/* signed integer in [min, max] */
	KT_DEC,		/* decimal, stored multiplied by scale */
	KT_FLAG,	/* no argument, stores setval */
	KT_STR,		/* one string */
	KT_JOIN,	/* the arguments joined by spaces (command lines) */
	KT_ADDR,	/* an IP address, /prefix if KF_PREFIX */
	KT_ENUM,	/* one of names[] */
	KT_SUB,		/* a block whose keywords fill the same object */
	KT_CUSTOM,	/* conv and print do the work */
	KT_IGNORE	/* accepted, nothing stored */
};

#define KF_BLOCK	0x01	/* needs a { } block */
#define KF_LIST		0x02	/* block lines are values, not keywords */
#define KF_UNSUPP	0x04	/* keepalived's, not implemented: warn */
#define KF_ALIAS	0x08	/* another spelling: never printed */
#define KF_OBJ		0x10	/* creates an object: converted last */
#define KF_PREFIX	0x20	/* KT_ADDR: a /prefix is allowed */
#define KF_ANYBLOCK	0x40	/* may carry a block that is skipped */
#define KF_NOEFFECT	0x80	/* read and kept, not acted on yet: warn */
#define KF_EXT		0x100	/* had's extension: noted under --compat */
#define KF_RESTART	0x200	/* a change restarts the object */

/*
 * What a keyword's field is, from its C type (FLD() in conf_parse.c):
 * the wire checks a string or an address of any keyword, its own conv
 * or not, as one (conf_wire_bounds()).
 */
enum conf_field_kind {
	FK_OTHER = 0,
	FK_STR,		/* char[N], ends within N */
	FK_ADDR		/* struct conf_addr */
};
#define FK_OF(x)							\
	(__builtin_types_compatible_p(__typeof__(x), char[sizeof(x)]) ?	\
	FK_STR : __builtin_types_compatible_p(__typeof__(x),		\
	struct conf_addr) ? FK_ADDR : FK_OTHER)

struct conf_kw {
	const char		*name;
	int			 type;
	int			 minargs, maxargs;	/* maxargs -1: any */
	int			 flags;
	size_t			 off, size;
	int			 fkind;		/* enum conf_field_kind */
	long long		 min, max;
	long long		 scale;		/* KT_DEC; KT_FLAG: setval */
	const char *const	*names;		/* KT_ENUM */
	const struct conf_kw	*child;		/* KT_SUB, KF_OBJ */
	conf_kw_conv		 conv;
	conf_kw_print		 print;
	const char		*note;		/* KF_UNSUPP, KF_NOEFFECT, KF_ALIAS */
	uint32_t		 types;		/* 1 << CHECK_x; 0: all */
};

struct conf_node;
TAILQ_HEAD(conf_nodes, conf_node);
struct conf_node {
	TAILQ_ENTRY(conf_node)	 entry;
	char			*kw;
	struct conf_pos		 pos;
	int			 argc;
	char			**argv;
	struct conf_pos		*argpos;
	int			 block;		/* has a { } block */
	struct conf_pos		 bpos;		/* where the { is */
	struct conf_nodes	 children;
};

extern const struct conf_kw conf_kw_top[];
extern const struct conf_kw conf_kw_global[];
extern const struct conf_kw conf_kw_script[];
extern const struct conf_kw conf_kw_tprocess[];
extern const struct conf_kw conf_kw_track_file[];
extern const struct conf_kw conf_kw_bfd[];
extern const struct conf_kw conf_kw_instance[];
extern const struct conf_kw conf_kw_sync_group[];
extern const struct conf_kw conf_kw_vs[];
extern const struct conf_kw conf_kw_rs[];
extern const struct conf_kw conf_kw_check[];
extern const struct conf_kw conf_kw_url[];

void	conf_print_fields(struct conf_pr *, const struct conf_kw *,
	    const void *, const void *);
void	conf_pr_indent(struct conf_pr *);
void	conf_pr_arg(struct conf_pr *, const char *);
void	conf_pr_word(struct conf_pr *, const char *);
void	conf_pr_join(struct conf_pr *, const char *);
void	conf_pr_dec(struct conf_pr *, long long, long long);
void	conf_pr_open(struct conf_pr *, const char *);
void	conf_pr_begin(struct conf_pr *);
void	conf_pr_end(struct conf_pr *);
void	conf_pr_addr(struct conf_pr *, const struct conf_addr *);

/* conf_wire.c: the bounds of the parser's keywords, on the wire too. */
long long	 conf_get_int(const void *, size_t, int);
const struct conf_kw *conf_wire_table(uint32_t, const void *, void *,
		    const struct global_conf *);
const struct conf_kw *conf_wire_bounds(const struct conf_kw *, const void *,
		    const void *, const struct conf_kw *);
int		 conf_flag_sets(const struct conf_kw *, size_t, long long);

#endif /* CONF_PRIVATE */

#endif /* HAD_CONF_H */
