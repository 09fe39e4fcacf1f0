/*
 * lvsd: the only had process that changes kernel network state.  This
 * header covers the rtnetlink part done for vrrpd: virtual addresses,
 * VMAC links and the link and address monitor.
 */
#ifndef HAD_LVSD_H
#define HAD_LVSD_H

#include <sys/queue.h>

#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "msg.h"

struct nl_sock;
struct nl_msg;
struct nlmsghdr;
struct ifaddrmsg;
struct event_base;
struct imsg;

/* lvs_nl.c: rtnetlink sockets and synchronous requests. */
typedef int	(*lvs_nl_cb)(struct nlmsghdr *, void *);

struct nl_sock	*lvs_nl_open(void);
struct nl_sock	*lvs_nl_open_monitor(void);
int		 lvs_nl_request(struct nl_sock *, struct nl_msg *);
struct nl_msg	*lvs_nl_link_msg(int, int, int, unsigned int, unsigned int);
int		 lvs_nl_request_cb(struct nl_sock *, struct nl_msg *,
		    lvs_nl_cb, void *);
int		 lvs_nl_dump(struct nl_sock *, int, int, lvs_nl_cb, void *);
const char	*lvs_addr_str(int, const void *, char *, size_t);

/* An address lvsd added for vrrpd; it reports its loss. */
struct lvs_vip {
	TAILQ_ENTRY(lvs_vip)	 entry;
	char			 instance[HAD_NAMELEN];
	char			 ifname[16];
	int			 ifindex;
	uint8_t			 af;
	uint8_t			 prefix;
	uint8_t			 addr[16];
};
TAILQ_HEAD(lvs_vip_list, lvs_vip);

/* lvs_addr.c */
enum lvs_vip_op { LVS_VIP_ADD, LVS_VIP_DEL };

int	 lvs_vip_wellformed(const struct msg_vip *);
const struct conf_instance *lvs_instance(const struct had_conf *,
	    const char *);
int	 lvs_vip_check(const struct had_conf *, const struct msg_vip *,
	    const struct conf_instance **, const struct vrrp_vip_conf **);
const char *lvs_vip_ifname(const struct conf_instance *,
	    const struct vrrp_vip_conf *);
int	 lvs_addr_apply(struct nl_sock *, enum lvs_vip_op, int,
	    const struct vrrp_vip_conf *);
int	 lvs_addr_dispatch(struct nl_sock *, struct imsg *);
struct lvs_vip *lvs_vip_find(int, const uint8_t *, int);
void	 lvs_vip_adopt(struct nl_sock *, const struct had_conf *, int);
void	 lvs_vip_remove_all(struct nl_sock *, const char *);
void	 lvs_vip_clear(void);
extern struct lvs_vip_list lvs_vips;

/* lvs_nft.c */
void	 lvs_nft_init(void);
void	 lvs_nft_start(void);
void	 lvs_nft_shutdown(void);
int	 lvs_nft_accepts(const struct had_conf *,
	    const struct conf_instance *);
void	 lvs_nft_vip(const struct had_conf *, const struct conf_instance *,
	    const struct vrrp_vip_conf *, int);

/* lvs_route.c */
int	 lvs_vroutes_dispatch(struct nl_sock *, struct imsg *);
void	 lvs_rt_reconf(struct nl_sock *, const struct had_conf *, int);
void	 lvs_rt_remove_all(struct nl_sock *);
int	 lvs_route_apply(struct nl_sock *, int, const struct route_conf *,
	    int);

/* lvs_link.c */
struct lvs_link_state {
	int		 exists;
	int		 ifindex;
	int		 up;
};

int	 lvs_link_init(struct event_base *, struct nl_sock *,
	    struct nl_sock *);
void	 lvs_link_shutdown(void);
void	 lvs_link_reconf(const struct had_conf *);
void	 lvs_link_peer_up(void);
int	 lvs_link_query(struct imsg *);
void	 lvs_link_read(void);
int	 lvs_link_resync(void);
int	 lvs_link_lookup(const char *, struct lvs_link_state *);
int	 lvs_link_msg(struct nlmsghdr *, void *);
const uint8_t *lvs_ifa_addr(struct nlmsghdr *, struct ifaddrmsg **);
extern uint64_t lvs_link_overruns;

/* lvs_suspend.c: ha_suspend, which virtual addresses are here. */
void	 lvs_suspend_init(struct nl_sock *);
void	 lvs_suspend_reconf(const struct had_conf *);
void	 lvs_suspend_addr_event(int, const uint8_t *);
void	 lvs_suspend_resync(void);
void	 lvs_suspend_peer_up(void);
void	 lvs_suspend_shutdown(void);
extern int (*lvs_check_send)(uint32_t, const void *, size_t);

/* lvs_devconf.c */
int	 lvs_devconf_vmac_up(struct nl_sock *, const char *, const char *);
void	 lvs_devconf_parent_done(struct nl_sock *, const char *);

/* lvs_vmac.c */
int	 lvs_vmac_wellformed(const struct msg_vmac *);
int	 lvs_vmac_check(const struct had_conf *, const struct msg_vmac *);
void	 lvs_vmac_name(const struct vrrp_instance_conf *, char *, size_t);
int	 lvs_vmac_apply(struct nl_sock *, int, const struct msg_vmac *);
int	 lvs_vmac_dispatch(struct nl_sock *, struct imsg *);
void	 lvs_vmac_remove_all(struct nl_sock *);

/* lvs_announce.c: routes for FRR while a virtual server is healthy. */
struct lvs_svc;
struct lvs_vs_st;
struct lvs_table;
#define LVS_ANNOUNCE_STOP_MS	1000	/* routers move flows, then we stop */
enum lvs_ann_why {
	LVS_ANN_YES = 0, LVS_ANN_OFF, LVS_ANN_NOTIPVS, LVS_ANN_NOQUORUM,
	LVS_ANN_MAINT, LVS_ANN_STOPPING
};
struct lvs_announce_stats {
	uint64_t	announced;	/* routes in place now */
	uint64_t	announcements;
	uint64_t	withdrawals;
	uint64_t	errors;
};

enum lvs_ann_why lvs_announce_decide(int, int, int, int, int);
const char *lvs_announce_why_name(enum lvs_ann_why);
enum lvs_ann_why lvs_announce_svc(const struct had_conf *,
	    const struct lvs_vs_st *, size_t, const struct lvs_svc *, int);
struct lvs_announce_stats *lvs_announce_stats(void);
void	 lvs_announce_start(struct nl_sock *, int);
void	 lvs_announce_update(void);
void	 lvs_announce_maint(int);
int	 lvs_announce_stop(void);
int	 lvs_announce_is_out(int, const uint8_t *);
size_t	 lvs_announce_withdraw_all(const char *);
extern int (*lvs_announce_read)(struct lvs_table *, const struct lvs_table *);
void	 lvs_announce_row(struct msg_ctl_lvs *, const struct had_conf *,
	    const struct lvs_vs_st *, size_t, const struct lvs_svc *, int);
/* lvs_reconcile.c: the config and health the reconcile works from. */
void	 lvs_vs_state(const struct had_conf **, const struct lvs_vs_st **,
	    size_t *);

/* lvs_reconcile.c: helpers the other IPVS files use. */
void	 addf(char *, size_t, const char *, ...)
	    __attribute__((__format__(printf, 3, 4)));
void	 conf_to_addr(const struct conf_addr *, uint8_t *);

/* lvs_syncd.c: the kernel's connection-sync daemon. */
void	 lvs_sync_conf(const struct had_conf *);
void	 lvs_sync_reconf(void);

/* The way messages go to vrrpd; the unit tests replace it. */
extern int (*lvs_vrrp_send)(uint32_t, const void *, size_t);
extern const struct had_conf *(*lvs_conf)(void);

#endif /* HAD_LVSD_H */
