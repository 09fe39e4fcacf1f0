/*
 * vrrpd: VRRP instances built from the configuration, their sockets,
 * timers, tracking and sync groups.
 */
#ifndef HAD_VRRPD_H
#define HAD_VRRPD_H

#include <sys/queue.h>
#include <net/if.h>

#include <stdint.h>

#include "conf.h"
#include "msg.h"
#include "vrrp_packet.h"
#include "vrrp_state.h"

struct event;
struct imsg;
struct event_base;

/* Drop reasons vrrpd adds after the codec's own. */
#define VRRPD_DROP_PEER		VRRP_DROP_MAX	/* not a unicast peer */
#define VRRPD_DROP_NREASONS	(VRRP_DROP_MAX + 1)

/* One raw socket per interface and family, shared by its instances. */
struct vrrp_if {
	TAILQ_ENTRY(vrrp_if)	 entry;
	char			 ifname[IF_NAMESIZE];
	int			 ifindex;
	sa_family_t		 af;
	int			 fd;
	struct event		*ev;
	int			 ah_fd;		/* IPv4 IPPROTO_AH, or -1 */
	struct event		*ah_ev;
	int			 refs;
	int			 vmac;		/* a use_vmac macvlan */
	struct vrrp_addr	 primary;	/* first address, for source */
	uint64_t		 drops[VRRPD_DROP_NREASONS];
};
TAILQ_HEAD(vrrp_if_list, vrrp_if);

struct vrrp_inst {
	TAILQ_ENTRY(vrrp_inst)	 entry;
	struct conf_instance	*ci;		/* in child->conf */
	char			 name[HAD_NAMELEN];
	char			 group[HAD_NAMELEN];
	sa_family_t		 af;
	struct vrrp_if		*vif;		/* NULL: interface missing */
	int			 ifindex;
	struct vrrp_addr	 src;		/* advert source */
	int			 src_ok;

	struct vrrp_sm		 sm;
	struct event		*timer;
	uint64_t		 timer_at;

	/* The addresses the adverts carry, and what receive checks want. */
	struct vrrp_addr	*vips;
	size_t			 nvip;
	struct vrrp_addr	*peers;
	size_t			 npeer;
	struct vrrp_rx_config	 rxc;

	/* auth_type AH: one sequence counter, sent and received. */
	uint32_t		 ah_seq;
	uint32_t		 ah_mark;	/* reported to had: seq below */
	uint16_t		 ip_id;

	/* Tracking. */
	int			 own_fault;
	char			 own_reason[HAD_REASONLEN];
	int			 group_fault;
	char			 group_reason[HAD_REASONLEN];
	int			 weight;

	/* Gratuitous ARP / unsolicited NA. */
	struct event		*garp_ev;
	uint32_t		 garp_left;	/* in the current burst */
	int			 garp_second;	/* delayed burst pending */

	int64_t			 last_transition;	/* unix time */
	char			 last_reason[HAD_REASONLEN];
	uint64_t		 drops[VRRPD_DROP_NREASONS];
	int			 vips_held;	/* asked lvsd to add them */
	int			 handover;	/* 1 stopping, 2 heir, 3 done */

	/* use_vmac: the macvlan lvsd made, adverts and GARP leave it. */
	char			 vmac[IF_NAMESIZE];
	int			 vmac_state;	/* VMAC_* */
	struct vrrp_if		*vmac_vif;	/* socket on the VMAC, or NULL */
	int			 garp_missed;	/* a GARP found no VMAC yet */

	/* unicast_path (had's extension): adverts over a second link too. */
	struct vrrp_if		*pvif;		/* NULL: none or not open */
	struct vrrp_addr	 psrc;
	struct vrrp_addr	 ppeer;
	uint64_t		 path_rcvd;	/* adverts heard on it */
	int			 path_warned;

	/* takeover_check: probes out, waiting for the master's answer. */
	int			 probing;
	uint64_t		 probe_until;
	uint64_t		 probe_nonce;
	struct vrrp_addr	 probe_master;	/* probed over the interface */
	int			 probe_main;	/* probe_master was probed */
	uint64_t		 probes_sent;
	uint64_t		 probes_answered;
	uint64_t		 answers_sent;
	uint64_t		 answer_second;	/* rate limit of answers */
	uint32_t		 answers_this_second;

	struct vrrp_damp	 damp;		/* flap_* */
	uint64_t		 dual_reported;	/* dual_master told had */
	uint64_t		 dual_last;	/* last heard, monotonic */

	/* witness: a takeover it refused, or a master it took down. */
	int			 witness_lost;	/* in Fault for it */
	uint64_t		 witness_refused;
	uint64_t		 witness_faults;
};
#define VMAC_NONE	0	/* not asked for (or not use_vmac) */
#define VMAC_ASKED	1	/* IMSG_VMAC_UP sent, no answer yet */
#define VMAC_READY	2
#define VMAC_FAILED	3
TAILQ_HEAD(vrrp_inst_list, vrrp_inst);

struct vrrpd_env {
	struct event_base	*base;
	struct vrrp_inst_list	 insts;
	struct vrrp_if_list	 ifs;
	struct global_conf	 global;
	struct event		*retry_ev;
	int			 arp_fd;
	int			 na_fd;
};

extern struct vrrpd_env	*venv;

/* vrrpd.c */
uint64_t	 vrrpd_now(void);
void		 vrrpd_init(struct event_base *);
int		 vrrpd_reconf(struct had_conf *, struct had_conf *,
		    struct msg_reconf_done *);
int		 vrrpd_dispatch_parent(struct imsg *);
int		 vrrpd_dispatch_lvsd(struct imsg *);
int		 vrrpd_dispatch_checkd(struct imsg *);
int		 vrrpd_dispatch_bfdd(struct imsg *);
void		 vrrpd_peer_up(enum had_proc);
int		 vrrpd_ctl(struct imsg *);
int		 vrrpd_stop(void);
void		 vrrpd_shutdown(void);
void		 vrrpd_advert_in(struct vrrp_inst *,
		    const struct vrrp_advert *);
struct vrrp_inst *vrrpd_find_vrid(struct vrrp_if *, uint8_t, sa_family_t);
void		 vrrpd_ah_seq(struct vrrp_inst *, uint32_t);
void		 vrrpd_probe_answer(struct vrrp_inst *);

/* vrrp_net.c */
struct vrrp_if	*vrrp_net_get(const char *, sa_family_t, char *, size_t);
void		 vrrp_net_put(struct vrrp_if *);
int		 vrrp_net_source(struct vrrp_inst *);
int		 vrrp_net_send(struct vrrp_inst *, uint8_t);
int		 vrrp_net_vmac_open(struct vrrp_inst *);
void		 vrrp_net_vmac_close(struct vrrp_inst *);
int		 vrrp_net_listens(const struct vrrp_inst *,
		    const struct vrrp_if *);
int		 vrrp_net_ah_open(struct vrrp_if *, char *, size_t);
int		 vrrp_net_path_open(struct vrrp_inst *);
void		 vrrp_net_path_close(struct vrrp_inst *);
int		 vrrp_net_probe(struct vrrp_inst *);

/* vrrp_arp.c */
void		 vrrp_arp_init(void);
void		 vrrp_arp_start(struct vrrp_inst *);
void		 vrrp_arp_stop(struct vrrp_inst *);
const char	*vrrp_vip_ifname(const struct vrrp_inst *,
		    const struct conf_vip *);

#endif /* HAD_VRRPD_H */
