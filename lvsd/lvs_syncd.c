/*
 * The kernel's connection-sync daemon (global_defs lvs_sync_daemon): it
 * follows the vrrp instance named there, master while vrrpd holds its
 * addresses, backup otherwise; with active_active, master and backup.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/ip_vs.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "log.h"
#include "lvsd.h"
#include "lvs_ipvs.h"

static const struct had_conf	*cur;	/* lvs_sync_conf() */
/* The sync daemon: -1 unknown, else 1 while we hold the instance's VIPs. */
static int			 sync_master = -1;
static int			 sync_owned;	/* we started daemons */
static struct lvs_daemon	 sync_last;	/* what we run, if owned */
static int			 sync_last_both; /* active_active: both */

static void	sync_apply(void);

/*
 * The connection-sync daemon (global_defs lvs_sync_daemon IF INSTANCE):
 * master while we hold a VIP of the instance for vrrpd (it asked for
 * them: it is Master), backup otherwise, as keepalived does.  The sync
 * id is the instance's virtual_router_id.  With active_active in place
 * of the instance (directors that all carry traffic, announce), both a
 * master and a backup, sync id 0 unless set (a backup of id 0 takes
 * every id).  Daemons in the kernel that differ are stopped first; one
 * that is right is left alone (a respawned lvsd changes nothing).
 * Fills d[0] (and d[1]); returns how many are wanted.
 */
static int
sync_want(struct lvs_daemon *d)
{
	const struct conf_instance	*in = NULL;
	const struct lvs_vip		*v;
	const struct global_conf	*g;

	memset(d, 0, 2 * sizeof(*d));
	if (cur == NULL)
		return (0);
	g = &cur->global;
	if (g->lvs_sync_interface[0] == '\0' ||
	    (g->lvs_sync_instance[0] == '\0' && !g->lvs_sync_active))
		return (0);
	if (!g->lvs_sync_active) {
		TAILQ_FOREACH(in, &cur->instances, entry)
			if (strcmp(in->c.name, g->lvs_sync_instance) == 0)
				break;
		if (in == NULL) {
			log_warnx("lvs_sync_daemon: no vrrp_instance %s: no "
			    "sync daemon", g->lvs_sync_instance);
			return (0);
		}
	}
	sync_master = g->lvs_sync_active;
	TAILQ_FOREACH(v, &lvs_vips, entry)
		if (in != NULL && strcmp(v->instance, in->c.name) == 0) {
			sync_master = 1;
			break;
		}
	d->state = sync_master ? IP_VS_STATE_MASTER : IP_VS_STATE_BACKUP;
	d->syncid = g->lvs_sync_has_id ? g->lvs_sync_id :
	    in != NULL ? in->c.vrid : 0;
	strlcpy(d->ifname, g->lvs_sync_interface, sizeof(d->ifname));
	d->maxlen = g->lvs_sync_maxlen;
	d->port = g->lvs_sync_port;
	d->ttl = g->lvs_sync_ttl;
	if (g->lvs_sync_group.af == AF_INET ||
	    g->lvs_sync_group.af == AF_INET6) {
		d->group_af = g->lvs_sync_group.af;
		conf_to_addr(&g->lvs_sync_group, d->group);
	}
	if (!g->lvs_sync_active)
		return (1);
	d[1] = d[0];
	d[1].state = IP_VS_STATE_BACKUP;
	return (2);
}

/*
 * The options of a daemon we start, for logs: those the config sets,
 * in keepalived's words.
 */
static const char *
sync_opts_str(const struct lvs_daemon *d, char *buf, size_t len)
{
	char	 a[INET6_ADDRSTRLEN];

	buf[0] = '\0';
	if (d->maxlen != 0)
		addf(buf, len, ", maxlen %u", d->maxlen);
	if (d->port != 0)
		addf(buf, len, ", port %u", d->port);
	if (d->ttl != 0)
		addf(buf, len, ", ttl %u", d->ttl);
	if (d->group_af != 0 &&
	    inet_ntop(d->group_af, d->group, a, sizeof(a)) != NULL)
		addf(buf, len, ", group %s", a);
	return (buf);
}

/* Whether a and b ask for the same options (0: the kernel's default). */
static int
sync_same_opts(const struct lvs_daemon *a, const struct lvs_daemon *b)
{
	return (a->maxlen == b->maxlen && a->port == b->port &&
	    a->ttl == b->ttl && a->group_af == b->group_af &&
	    memcmp(a->group, b->group, sizeof(a->group)) == 0);
}

/* The packet length the kernel runs with for w->maxlen: it clamps it. */
static uint32_t
sync_maxlen(const struct lvs_daemon *w)
{
	uint32_t	 lo, hi;

	lo = w->state == IP_VS_STATE_BACKUP ? 1024 : 1;
	hi = 65535 - (w->group_af == AF_INET6 ? 40 + 8 : 20 + 8);
	return (w->maxlen < lo ? lo : w->maxlen > hi ? hi : w->maxlen);
}

/*
 * Whether the kernel's daemon k is the one we want, w: what the config
 * sets must match, what it leaves unset is the kernel's choice (and
 * kernels before 4.3 report no options).  An option the config no
 * longer sets is noticed through what we started (sync_last).
 */
static int
sync_is_wanted(const struct lvs_daemon *k, const struct lvs_daemon *w)
{
	if (k->state != w->state || k->syncid != w->syncid ||
	    strcmp(k->ifname, w->ifname) != 0)
		return (0);
	if ((w->maxlen != 0 && k->maxlen != 0 &&
	    k->maxlen != sync_maxlen(w)) ||
	    (w->port != 0 && k->port != 0 && k->port != w->port) ||
	    (w->ttl != 0 && k->ttl != 0 && k->ttl != w->ttl))
		return (0);
	if (w->group_af != 0 && k->group_af != 0 &&
	    (k->group_af != w->group_af ||
	    memcmp(k->group, w->group, sizeof(k->group)) != 0))
		return (0);
	return (!sync_owned || sync_same_opts(&sync_last, w));
}

static const char *
sync_state_name(uint32_t state)
{
	return (state == IP_VS_STATE_MASTER ? "master" : "backup");
}

/* Whether the kernel's daemon k is one we started (sync_last). */
static int
sync_was_ours(const struct lvs_daemon *k)
{
	return ((k->state == sync_last.state || sync_last_both) &&
	    k->syncid == sync_last.syncid &&
	    strcmp(k->ifname, sync_last.ifname) == 0);
}

static void
sync_apply(void)
{
	struct lvs_daemon	 want[2], k[LVS_DAEMONS_MAX];
	char			 opts[128];
	size_t			 n, i;
	int			 nwant, have[2] = { 0, 0 }, r, j, keep;

	if (!lvs_ipvs_available())
		return;
	nwant = sync_want(want);
	if (nwant == 0 && !sync_owned)
		return;
	if ((r = lvs_ipvs_daemons(k, LVS_DAEMONS_MAX, &n)) != 0) {
		log_warnx("ipvs: sync daemons: %s", strerror(r));
		return;
	}
	for (i = 0; i < n; i++) {
		keep = 0;
		for (j = 0; j < nwant; j++)
			if (!have[j] && sync_is_wanted(&k[i], &want[j])) {
				have[j] = keep = 1;
				break;
			}
		if (keep)
			continue;
		/* Without the keyword, only what we started goes. */
		if (nwant == 0 && !sync_was_ours(&k[i]))
			continue;
		if ((r = lvs_ipvs_daemon(0, &k[i])) != 0)
			log_warnx("ipvs: stopping the %s sync daemon on %s "
			    "(sync id %u) failed: %s",
			    sync_state_name(k[i].state), k[i].ifname,
			    k[i].syncid, strerror(r));
		else
			log_info("ipvs: %s sync daemon on %s (sync id %u) "
			    "stopped", sync_state_name(k[i].state),
			    k[i].ifname, k[i].syncid);
	}
	sync_owned = nwant > 0;
	if (nwant == 0)
		return;
	sync_last = want[0];
	sync_last_both = nwant == 2;
	for (j = 0; j < nwant; j++) {
		if (have[j])
			continue;
		sync_opts_str(&want[j], opts, sizeof(opts));
		if ((r = lvs_ipvs_daemon(1, &want[j])) != 0)
			log_warnx("ipvs: starting the %s sync daemon on %s "
			    "(sync id %u%s) failed: %s",
			    sync_state_name(want[j].state), want[j].ifname,
			    want[j].syncid, opts, strerror(r));
		else
			log_info("ipvs: %s sync daemon started on %s (sync id "
			    "%u%s, %s%s)", sync_state_name(want[j].state),
			    want[j].ifname, want[j].syncid, opts,
			    nwant == 2 ? "active_active" : "instance ",
			    nwant == 2 ? "" : cur->global.lvs_sync_instance);
	}
}

/* vrrpd added or removed a VIP of `instance': maybe a new sync state. */
void
lvs_sync_vip(const char *instance)
{
	const struct lvs_vip	*v;
	int			 m = 0;

	if (cur == NULL || cur->global.lvs_sync_interface[0] == '\0' ||
	    strcmp(instance, cur->global.lvs_sync_instance) != 0)
		return;
	TAILQ_FOREACH(v, &lvs_vips, entry)
		if (strcmp(v->instance, instance) == 0) {
			m = 1;
			break;
		}
	if (m == sync_master)
		return;
	log_info("ipvs: vrrp instance %s is %s: sync daemon follows",
	    instance, m ? "master" : "backup");
	sync_apply();
}

/* A new config (lvs_reconf()): what the daemon follows from now on. */
void
lvs_sync_conf(const struct had_conf *conf)
{
	cur = conf;
}

/* The reconcile of a new config is done: start or stop daemons. */
void
lvs_sync_reconf(void)
{
	sync_apply();
}
