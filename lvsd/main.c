/*
 * lvsd: the lvs process of had.  It is started by had(8) with its socket on
 * fd 3 and keeps only the capabilities DESIGN.md gives it.  It is the only
 * process that changes kernel network state: here, addresses and VMAC links
 * for vrrpd, and the link monitor whose events go back to vrrpd.
 */
#include <sys/queue.h>
#include <sys/time.h>

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <event.h>

#include "child.h"
#include "log.h"
#include "lvs_ipvs.h"
#include "lvsd.h"

#define LVS_RECONCILE_S	30	/* repair changes made behind our back */

#define LVS_PENDING_MAX	1024
#define LVS_DRAIN_TICK_S 1	/* ends drains of removed real servers */

/*
 * Requests from vrrpd that arrive before our first configuration (vrrpd
 * talks as soon as the channel is up, had's RECONF may come later, as
 * after a respawn): checked for shape now, answered once it is known.
 */
struct lvs_pending {
	TAILQ_ENTRY(lvs_pending) entry;
	struct imsg		 imsg;
	union {
		struct msg_vip	 vip;
		struct msg_vmac	 vmac;
		struct msg_vroutes vroutes;
	}			 u;
};
static TAILQ_HEAD(, lvs_pending) pending = TAILQ_HEAD_INITIALIZER(pending);
static int			 npending;

static struct nl_sock	*nl_cmd, *nl_mon;
static struct event_base *lvs_base;
static struct event	*reconcile_ev;
static struct event	*drain_ev;

static void
lvs_drain_timer(int fd, short ev, void *arg)
{
	struct timeval	 tv = { LVS_DRAIN_TICK_S, 0 };

	lvs_drain_tick();
	evtimer_add(drain_ev, &tv);
}

static void
lvs_reconcile_tick(int fd, short ev, void *arg)
{
	struct timeval	 tv = { LVS_RECONCILE_S, 0 };

	if (lvs_ipvs_available())
		lvs_reconcile();
	lvs_announce_update();	/* IPVS changed behind our back */
	evtimer_add(reconcile_ev, &tv);
}

static void
lvs_init_privileged(void)
{
	if ((nl_cmd = lvs_nl_open()) == NULL ||
	    (nl_mon = lvs_nl_open_monitor()) == NULL)
		fatalx("cannot open rtnetlink sockets");
	lvs_nft_init();
}

static void
lvs_init(struct event_base *base)
{
	struct timeval	 tv = { LVS_RECONCILE_S, 0 };

	lvs_base = base;
	lvs_suspend_init(nl_cmd);
	if (lvs_link_init(base, nl_cmd, nl_mon) == -1)
		log_warnx("link monitor: initial state incomplete");
	(void)lvs_ipvs_init();	/* says so when the kernel has no IPVS */
	if ((reconcile_ev = evtimer_new(base, lvs_reconcile_tick,
	    NULL)) == NULL || evtimer_add(reconcile_ev, &tv) == -1)
		fatalx("reconcile timer");
	tv.tv_sec = LVS_DRAIN_TICK_S;
	if ((drain_ev = evtimer_new(base, lvs_drain_timer, NULL)) == NULL ||
	    evtimer_add(drain_ev, &tv) == -1)
		fatalx("drain timer");
}

static int
lvs_vrrp_request(struct imsg *imsg)
{
	struct msg_vip	 vip;
	int		 r;

	switch (imsg->hdr.type) {
	case IMSG_VIP_ADD:
	case IMSG_VIP_DEL:
		r = lvs_addr_dispatch(nl_cmd, imsg);
		/* The sync daemon follows the instance's VIPs. */
		if (r == 0 && imsg->datalen == sizeof(vip)) {
			memcpy(&vip, imsg->data, sizeof(vip));
			vip.instance[sizeof(vip.instance) - 1] = '\0';
			lvs_sync_vip(vip.instance);
		}
		return (r);
	case IMSG_VMAC_UP:
	case IMSG_VMAC_DOWN:
		return (lvs_vmac_dispatch(nl_cmd, imsg));
	case IMSG_LINK_QUERY:
		return (lvs_link_query(imsg));
	case IMSG_VROUTES:
		return (lvs_vroutes_dispatch(nl_cmd, imsg));
	default:
		log_warnx("unexpected message type %u from vrrpd",
		    imsg->hdr.type);
		return (-1);
	}
}

/* Keep a request for later; -1 if it is malformed. */
static int
lvs_defer(struct imsg *imsg)
{
	struct lvs_pending	*pd;
	size_t			 len;

	len = imsg->hdr.type == IMSG_VIP_ADD || imsg->hdr.type == IMSG_VIP_DEL ?
	    sizeof(pd->u.vip) : imsg->hdr.type == IMSG_VROUTES ?
	    sizeof(pd->u.vroutes) : sizeof(pd->u.vmac);
	if (imsg_check_size(imsg, len, "vrrpd") == -1)
		return (-1);
	if ((pd = calloc(1, sizeof(*pd))) == NULL) {
		log_warn("deferring a request of vrrpd");
		return (lvs_vrrp_request(imsg));
	}
	memcpy(&pd->u, imsg->data, len);
	if (imsg->hdr.type == IMSG_VROUTES ? (memchr(pd->u.vroutes.instance,
	    '\0', sizeof(pd->u.vroutes.instance)) == NULL ||
	    pd->u.vroutes.up > 1) : len == sizeof(pd->u.vip) ?
	    !lvs_vip_wellformed(&pd->u.vip) :
	    !lvs_vmac_wellformed(&pd->u.vmac)) {
		free(pd);
		log_warnx("vrrpd: malformed request (type %u)",
		    imsg->hdr.type);
		return (-1);
	}
	pd->imsg.hdr = imsg->hdr;
	pd->imsg.fd = -1;
	pd->imsg.data = &pd->u;
	pd->imsg.datalen = len;
	TAILQ_INSERT_TAIL(&pending, pd, entry);
	npending++;
	log_debug("no configuration yet: request type %u from vrrpd held",
	    imsg->hdr.type);
	return (0);
}

static void
lvs_replay(int fd, short ev, void *arg)
{
	struct lvs_pending	*pd;

	while ((pd = TAILQ_FIRST(&pending)) != NULL) {
		TAILQ_REMOVE(&pending, pd, entry);
		npending--;
		(void)lvs_vrrp_request(&pd->imsg);
		free(pd);
	}
}

/* The message contract (msg_contract.c) has checked size and strings. */
static int
lvsd_dispatch_checkd(struct imsg *imsg)
{
	struct msg_rs_state	 rs;

	if (imsg->hdr.type != IMSG_RS_STATE) {
		log_warnx("checkd: unexpected message type %u",
		    imsg->hdr.type);
		return (-1);
	}
	memcpy(&rs, imsg->data, sizeof(rs));
	lvs_rs_health(&rs);
	return (0);
}

static int
lvsd_dispatch_vrrpd(struct imsg *imsg)
{
	switch (imsg->hdr.type) {
	case IMSG_VIP_ADD:
	case IMSG_VIP_DEL:
	case IMSG_VMAC_UP:
	case IMSG_VMAC_DOWN:
	case IMSG_VROUTES:
		if (child->conf == NULL && npending < LVS_PENDING_MAX)
			return (lvs_defer(imsg));
		break;
	default:
		break;
	}
	return (lvs_vrrp_request(imsg));
}

static void
lvs_peer_up(enum had_proc p)
{
	if (p == PROC_VRRP)
		lvs_link_peer_up();
	else if (p == PROC_CHECK)
		lvs_suspend_peer_up();
}

static int
lvs_reconf_cb(struct had_conf *old, struct had_conf *new,
    struct msg_reconf_done *done)
{
	struct timeval	 tv = { 0, 0 };

	lvs_link_reconf(new);
	if (old == NULL) {
		lvs_vip_adopt(nl_cmd, new, child->respawned);
		lvs_nft_start();
		lvs_announce_start(nl_cmd, !child->respawned);
	}
	lvs_reconf(old, new);
	lvs_announce_update();
	lvs_rt_reconf(nl_cmd, new, old == NULL && !child->respawned);
	lvs_suspend_reconf(new);
	/* Held requests: once the framework has installed the new config. */
	if (!TAILQ_EMPTY(&pending) &&
	    event_base_once(lvs_base, -1, EV_TIMEOUT, lvs_replay, NULL,
	    &tv) == -1)
		log_warnx("cannot schedule held requests");
	return (0);
}

static void
lvs_shutdown(void)
{
	struct lvs_pending	*pd;

	/*
	 * On had's order or had's death no virtual address may outlive
	 * had, whatever vrrpd managed to ask.  A crash, the watchdog's
	 * SIGKILL or had replacing us leaves everything to a respawned
	 * lvsd.
	 */
	if (!child->replaced) {
		(void)lvs_announce_withdraw_all("had is stopping");
		lvs_rt_remove_all(nl_cmd);
		lvs_vip_remove_all(nl_cmd, "had is stopping");
		lvs_vmac_remove_all(nl_cmd);
		lvs_nft_shutdown();
	}
	lvs_link_shutdown();
	lvs_suspend_shutdown();
	lvs_ipvs_shutdown();
	while ((pd = TAILQ_FIRST(&pending)) != NULL) {
		TAILQ_REMOVE(&pending, pd, entry);
		free(pd);
	}
}

static int
lvs_ctl(struct imsg *imsg)
{
	if (imsg->hdr.type != IMSG_CTL_SHOW_LVS)
		return (1);
	lvs_ctl_show(imsg->hdr.peerid);
	return (0);
}

static int
lvsd_dispatch_parent(struct imsg *imsg)
{
	struct msg_lvs_drain	 m;
	struct msg_lvs_maint	 mm;

	if (imsg->hdr.type == IMSG_LVS_MAINT) {
		memcpy(&mm, imsg->data, sizeof(mm));
		/* had's stop begins: routes go while vrrpd hands over. */
		if (mm.on == 2)
			(void)lvs_announce_stop();
		else
			lvs_announce_maint(mm.on);
		return (0);
	}
	if (imsg->hdr.type != IMSG_LVS_DRAIN)
		return (-1);
	memcpy(&m, imsg->data, sizeof(m));
	lvs_hold(&m);
	return (0);
}

static void
lvs_stop_cb(int fd, short ev, void *arg)
{
	child_stop_done();
}

/*
 * had stops us: announced routes go first, and the routers get
 * LVS_ANNOUNCE_STOP_MS to move the flows to the other directors before
 * addresses and routes are taken away (drain, withdraw, stop).
 */
static int
lvs_stop(void)
{
	struct timeval	 tv;
	int		 ms;

	if ((ms = lvs_announce_stop()) == 0)
		return (0);
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	log_info("announce: withdrawn; stopping in %d ms", ms);
	if (event_base_once(lvs_base, -1, EV_TIMEOUT, lvs_stop_cb, NULL,
	    &tv) == -1)
		return (0);
	return (1);
}

static const struct child_ops lvs_ops = {
	.proc = PROC_LVS,
	.init_privileged = lvs_init_privileged,
	.init = lvs_init,
	.dispatch_parent = lvsd_dispatch_parent,
	.dispatch_peer = {
		[PROC_VRRP] = lvsd_dispatch_vrrpd,
		[PROC_CHECK] = lvsd_dispatch_checkd,
	},
	.peer_up = lvs_peer_up,
	.reconf = lvs_reconf_cb,
	.ctl = lvs_ctl,
	.stop = lvs_stop,
	.shutdown = lvs_shutdown,
};

int
main(int argc, char *argv[])
{
	return (child_main(argc, argv, &lvs_ops));
}
