/*
 * had -n: what keepalived's -t reports beyond the language, checked
 * against this host: an interface that does not exist (warning), a
 * script that is missing or not executable (error), a unicast peer that
 * is one of this host's own addresses (warning).
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <limits.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <event.h>

#include "conf.h"
#include "conf_misc.h"
#include "had.h"

struct hostcheck {
	FILE		*fp;
	const char	*file;
	int		 errors;
	struct ifaddrs	*ifa;
};

static void
hc_report(struct hostcheck *hc, int error, const char *obj, const char *msg)
{
	fprintf(hc->fp, "%s: %s: %s: %s\n", hc->file, error ? "error" :
	    "warning", obj, msg);
	if (error)
		hc->errors++;
}

static void
hc_if(struct hostcheck *hc, const char *obj, const char *ifname)
{
	char	msg[128];

	if (ifname[0] == '\0' || if_nametoindex(ifname) != 0)
		return;
	snprintf(msg, sizeof(msg), "interface %s does not exist on this host",
	    ifname);
	hc_report(hc, 0, obj, msg);
}

/* The program as had would run it (script_resolve()), executable. */
static int
hc_find(const char *prog, char *why, size_t len)
{
	struct script_file	sf;
	int			r = 0;

	if (script_resolve(prog, 0, 0, &sf, why, len) == -1)
		return (-1);
	if (faccessat(AT_FDCWD, sf.path, X_OK, AT_EACCESS) == -1) {
		snprintf(why, len, "%s is not executable", sf.path);
		r = -1;
	}
	close(sf.fd);
	return (r);
}

static void
hc_script(struct hostcheck *hc, const char *obj, const char *kw,
    const char *cmd)
{
	char	 buf[CONF_CMDLEN], why[PATH_MAX + 64], msg[PATH_MAX + 128];
	char	*argv[SCRIPT_MAXARGS];

	if (cmd[0] == '\0')
		return;
	if (script_split(cmd, buf, sizeof(buf), argv, SCRIPT_MAXARGS, why,
	    sizeof(why)) < 1)
		return;		/* the parser said so */
	if (hc_find(argv[0], why, sizeof(why)) == -1) {
		snprintf(msg, sizeof(msg), "%s: %s", kw, why);
		hc_report(hc, 1, obj, msg);
	}
}

static int
hc_own_addr(struct hostcheck *hc, const struct conf_addr *a)
{
	struct ifaddrs	*i;
	const void	*p;

	for (i = hc->ifa; i != NULL; i = i->ifa_next) {
		if (i->ifa_addr == NULL || i->ifa_addr->sa_family != a->af)
			continue;
		if (a->af == AF_INET)
			p = &((struct sockaddr_in *)(void *)i->ifa_addr)->
			    sin_addr;
		else
			p = &((struct sockaddr_in6 *)(void *)i->ifa_addr)->
			    sin6_addr;
		if (memcmp(p, a->u.raw, a->af == AF_INET ? 4 : 16) == 0)
			return (1);
	}
	return (0);
}

static void
hc_instance(struct hostcheck *hc, const struct conf_instance *ci)
{
	const struct vrrp_instance_conf	*c = &ci->c;
	const struct conf_track_if	*ti;
	const struct conf_vip		*v;
	const struct conf_peer		*pe;
	char				 obj[HAD_NAMELEN + 16], a[64];
	char				 msg[128];

	snprintf(obj, sizeof(obj), "vrrp_instance %s", c->name);
	hc_if(hc, obj, c->interface);
	TAILQ_FOREACH(ti, &ci->track_ifs, entry)
		hc_if(hc, obj, ti->c.ifname);
	TAILQ_FOREACH(v, &ci->vips, entry)
		hc_if(hc, obj, v->c.dev);
	TAILQ_FOREACH(pe, &ci->peers, entry) {
		if (!hc_own_addr(hc, &pe->c.addr))
			continue;
		snprintf(msg, sizeof(msg), "unicast_peer %s is an address of "
		    "this host", conf_addr_str(&pe->c.addr, a, sizeof(a)));
		hc_report(hc, 0, obj, msg);
	}
	hc_script(hc, obj, "notify_master", c->notify_master);
	hc_script(hc, obj, "notify_backup", c->notify_backup);
	hc_script(hc, obj, "notify_fault", c->notify_fault);
	hc_script(hc, obj, "notify_stop", c->notify_stop);
	hc_script(hc, obj, "notify", c->notify);
}

static void
hc_lvs(struct hostcheck *hc, const struct conf_vs *vs)
{
	const struct conf_rs	*rs;
	const struct conf_check	*ck;
	char			 vn[CONF_VSNAMELEN], rn[CONF_RSNAMELEN];
	char			 obj[CONF_VSNAMELEN + CONF_RSNAMELEN + 32];

	conf_vs_name(&vs->c, vn, sizeof(vn));
	snprintf(obj, sizeof(obj), "virtual_server %s", vn);
	hc_script(hc, obj, "quorum_up", vs->c.quorum_up);
	hc_script(hc, obj, "quorum_down", vs->c.quorum_down);
	TAILQ_FOREACH(rs, &vs->rss, entry) {
		snprintf(obj, sizeof(obj), "virtual_server %s, real_server %s",
		    vn, conf_rs_name(&rs->c, rn, sizeof(rn)));
		hc_script(hc, obj, "notify_up", conf_rs_notify(rs, 0));
		hc_script(hc, obj, "notify_down", conf_rs_notify(rs, 1));
		TAILQ_FOREACH(ck, &rs->checks, entry)
			if (ck->c.type == CHECK_MISC)
				hc_script(hc, obj, "misc_path",
				    ck->c.misc_path);
	}
}

/* Prints what it finds on fp; the number of errors. */
int
hostcheck(FILE *fp, const char *file, const struct had_conf *conf)
{
	struct hostcheck		 hc;
	const struct conf_instance	*ci;
	const struct conf_sync_group	*g;
	const struct conf_script	*s;
	const struct conf_vs		*vs;
	char				 obj[HAD_NAMELEN + 24];

	memset(&hc, 0, sizeof(hc));
	hc.fp = fp;
	hc.file = file;
	if (getifaddrs(&hc.ifa) == -1)
		hc.ifa = NULL;
	hc_if(&hc, "global_defs lvs_sync_daemon",
	    conf->global.lvs_sync_interface);
	TAILQ_FOREACH(s, &conf->scripts, entry) {
		snprintf(obj, sizeof(obj), "vrrp_script %s", s->c.name);
		hc_script(&hc, obj, "script", s->c.script);
	}
	TAILQ_FOREACH(ci, &conf->instances, entry)
		hc_instance(&hc, ci);
	TAILQ_FOREACH(g, &conf->sync_groups, entry) {
		snprintf(obj, sizeof(obj), "vrrp_sync_group %s", g->c.name);
		hc_script(&hc, obj, "notify_master", g->c.notify_master);
		hc_script(&hc, obj, "notify_backup", g->c.notify_backup);
		hc_script(&hc, obj, "notify_fault", g->c.notify_fault);
		hc_script(&hc, obj, "notify_stop", g->c.notify_stop);
		hc_script(&hc, obj, "notify", g->c.notify);
	}
	TAILQ_FOREACH(vs, &conf->vss, entry)
		hc_lvs(&hc, vs);
	if (hc.ifa != NULL)
		freeifaddrs(hc.ifa);
	return (hc.errors);
}
