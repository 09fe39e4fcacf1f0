/*
 * lvsd: IPVS over generic netlink (family "IPVS") and the reconcile of
 * the kernel's table against config and health.
 *
 * lvs_ipvs.c	the socket, message building and parsing, dumps, writes
 * lvs_reconcile.c	desired state from config and health, the diff, show
 * lvs_syncd.c	the connection-sync daemon
 *
 * The message and diff functions are pure (no socket, no globals) so
 * that the unit tests run them on a kernel without IPVS.
 */
#ifndef HAD_LVS_IPVS_H
#define HAD_LVS_IPVS_H

#include <stddef.h>
#include <stdint.h>

#include "msg.h"

struct had_conf;
struct nl_msg;
struct nlmsghdr;

#define LVS_SCHEDLEN		16	/* IP_VS_SCHEDNAME_MAXLEN */
#define LVS_SVCNAMELEN		64	/* "TCP [2001:db8::1]:65535" */
#define LVS_DESTNAMELEN		56	/* "[2001:db8::1]:65535" */

/*
 * Health of a real server comes from checkd as struct msg_rs_state
 * (common/msg.h, IMSG_RS_STATE): lvs_rs_health() takes it.
 */

/* `hactl show lvs' rows are struct msg_ctl_lvs (common/msg.h). */
struct lvs_counters {
	uint64_t	svc_add, svc_edit, svc_del;
	uint64_t	dest_add, dest_edit, dest_del;
	uint64_t	dumps;
	uint64_t	errors;
	uint64_t	daemon_start, daemon_stop;
};

struct lvs_stats {
	uint64_t	conns;
	uint64_t	in_pkts, out_pkts;
	uint64_t	in_bytes, out_bytes;
};

/* A real server as the kernel holds it (ip_vs_dest). */
struct lvs_dest {
	uint16_t	af;
	uint16_t	port;		/* host order */
	uint8_t		addr[16];
	uint32_t	fwd;		/* IP_VS_CONN_F_MASQ, _DROUTE, _TUNNEL */
	uint32_t	weight;
	uint32_t	u_thresh;
	uint32_t	l_thresh;
	/* Kernel side only. */
	uint32_t	active_conns;
	uint32_t	inact_conns;
	struct lvs_stats stats;
	/* Desired side only: the sorry server; a server being drained. */
	uint8_t		sorry;
	uint8_t		drain;
};

/* A virtual service (ip_vs_service) and its destinations. */
struct lvs_svc {
	uint16_t	af;
	uint16_t	protocol;	/* IPPROTO_TCP, _UDP, _SCTP; 0: fwmark */
	uint16_t	port;		/* host order */
	uint8_t		addr[16];
	uint32_t	fwmark;		/* nonzero: a fwmark service */
	char		sched[LVS_SCHEDLEN];
	uint32_t	flags;		/* IP_VS_SVC_F_* */
	uint32_t	timeout;	/* persistence, seconds */
	uint32_t	netmask;	/* as on the wire: v4 mask, v6 prefix */
	struct lvs_stats stats;
	/* Desired side: the virtual_server it comes from. */
	uint32_t	vs_index;
	struct lvs_dest	*dests;
	size_t		 ndests, capdests;
};

struct lvs_table {
	struct lvs_svc	*svcs;
	size_t		 nsvcs, cap;
};

enum lvs_op_kind {
	LVS_OP_SVC_ADD = 0, LVS_OP_SVC_EDIT, LVS_OP_SVC_DEL,
	LVS_OP_DEST_ADD, LVS_OP_DEST_EDIT, LVS_OP_DEST_DEL,
	LVS_OP_MAX
};

struct lvs_op {
	enum lvs_op_kind kind;
	struct lvs_svc	 svc;		/* dests NULL */
	struct lvs_dest	 dest;		/* LVS_OP_DEST_* */
	struct lvs_dest	 old;		/* LVS_OP_DEST_EDIT: the kernel's */
	struct lvs_svc	 oldsvc;	/* LVS_OP_SVC_EDIT: the kernel's */
};

struct lvs_ops {
	struct lvs_op	*ops;
	size_t		 nops, cap;
};

/*
 * The kernel's connection-sync daemon (IPVS_CMD_*_DAEMON).  state is
 * IP_VS_STATE_MASTER or IP_VS_STATE_BACKUP.
 */
#define LVS_DAEMONS_MAX		4
struct lvs_daemon {
	uint32_t	state;
	uint32_t	syncid;
	char		ifname[16];
	/*
	 * Linux 4.3 and later.  Starting: 0 leaves the kernel's default.
	 * From the kernel: what it runs with (0: it did not say).
	 */
	uint16_t	maxlen;
	uint16_t	port;
	uint8_t		ttl;
	uint8_t		group_af;	/* multicast group; 0: none */
	uint8_t		pad[2];
	uint8_t		group[16];
};

/* How long a real server removed by a reload keeps weight 0. */

/* lvs_ipvs.c: the API lvsd's main.c uses. */
int		 lvs_ipvs_init(void);
int		 lvs_ipvs_available(void);
void		 lvs_ipvs_shutdown(void);
struct lvs_counters *lvs_counters(void);

/* lvs_reconcile.c: the API lvsd's main.c uses. */
void		 lvs_reconf(const struct had_conf *, const struct had_conf *);
void		 lvs_reconcile(void);
void		 lvs_rs_health(const struct msg_rs_state *);
void		 lvs_hold(const struct msg_lvs_drain *);
void		 lvs_ctl_show(uint32_t);
void		 lvs_drain_tick(void);
void		 lvs_sync_vip(const char *);

/* Pure: messages.  family is the resolved genl id. */
struct nl_msg	*lvs_msg_svc(int, int, const struct lvs_svc *);
struct nl_msg	*lvs_msg_dest(int, int, const struct lvs_svc *,
		    const struct lvs_dest *);
struct nl_msg	*lvs_msg_dump_dests(int, const struct lvs_svc *);
int		 lvs_parse_svc(const struct nlmsghdr *, struct lvs_svc *);
int		 lvs_parse_dest(const struct nlmsghdr *, struct lvs_dest *);
struct nl_msg	*lvs_msg_daemon(int, int, const struct lvs_daemon *);
int		 lvs_parse_daemon(const struct nlmsghdr *, struct lvs_daemon *);

/* Kernel access (lvs_ipvs.c). */
int		 lvs_ipvs_dump(struct lvs_table *, int (*)(const struct lvs_svc *,
		    void *), void *);
int		 lvs_ipvs_dump_keys(struct lvs_table *,
		    const struct lvs_table *);
int		 lvs_ipvs_apply(const struct lvs_op *);
int		 lvs_ipvs_daemons(struct lvs_daemon *, size_t, size_t *);
int		 lvs_ipvs_daemon(int, const struct lvs_daemon *);

/* Pure: tables, keys, names and the diff. */
void		 lvs_table_init(struct lvs_table *);
void		 lvs_table_free(struct lvs_table *);
struct lvs_svc	*lvs_table_add(struct lvs_table *, const struct lvs_svc *);
struct lvs_dest	*lvs_svc_add_dest(struct lvs_svc *, const struct lvs_dest *);
struct lvs_svc	*lvs_table_find(const struct lvs_table *,
		    const struct lvs_svc *);
struct lvs_dest	*lvs_svc_find_dest(const struct lvs_svc *,
		    const struct lvs_dest *);
int		 lvs_svc_same_key(const struct lvs_svc *,
		    const struct lvs_svc *);
int		 lvs_dest_same_key(const struct lvs_dest *,
		    const struct lvs_dest *);
const char	*lvs_svc_name(const struct lvs_svc *, char *, size_t);
const char	*lvs_dest_name(const struct lvs_dest *, char *, size_t);
const char	*lvs_fwd_name(uint32_t);
int		 lvs_diff(const struct lvs_table *, const struct lvs_table *,
		    const struct lvs_table *, struct lvs_ops *);
void		 lvs_ops_free(struct lvs_ops *);

/* Pure: the desired table from a config and the health (lvs_reconcile.c). */
enum lvs_health { LVS_HEALTH_UNKNOWN = 0, LVS_HEALTH_UP, LVS_HEALTH_DOWN };
struct lvs_rs_st {
	uint8_t		health;		/* enum lvs_health */
	int32_t		weight;		/* -1: the configured weight */
};
struct lvs_vs_st {
	int		quorum_up;	/* -1: not computed yet */
	size_t		nrs;
	struct lvs_rs_st *rs;
};
int		 lvs_desired(const struct had_conf *, const struct lvs_vs_st *,
		    struct lvs_table *);
void		 lvs_quorum_update(const struct had_conf *, struct lvs_vs_st *,
		    size_t);
#define LVS_RS_OUT	(-1)	/* lvs_rs_weight(): not in the kernel */
struct vs_conf;
struct rs_conf;
int32_t		 lvs_rs_weight(const struct vs_conf *, const struct rs_conf *,
		    const struct lvs_rs_st *, int, int);

#endif /* HAD_LVS_IPVS_H */
