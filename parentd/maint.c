/*
 * hactl maintenance on|off [INSTANCE|GROUP]: had keeps the instances in
 * maintenance (who asked, when) and tells vrrpd, one message per
 * instance; a respawned vrrpd gets them all before its config, as it
 * gets the states it resumes.  A sync group moves together: naming one
 * of its instances names the whole group.
 */
#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include <event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conf.h"
#include "had.h"
#include "log.h"

#define MAINT_MAX	4096

static struct msg_vrrp_maint	*maints;
static size_t			 nmaints;
static struct msg_lvs_maint	 box;	/* no name: lvsd withdraws too */

static struct msg_vrrp_maint *
maint_find(const char *name)
{
	size_t	 i;

	for (i = 0; i < nmaints; i++)
		if (strcmp(maints[i].instance, name) == 0)
			return (&maints[i]);
	return (NULL);
}

/* The sync group an instance belongs to, or NULL. */
static const struct conf_sync_group *
group_of(const struct had_conf *conf, const char *inst)
{
	const struct conf_sync_group	*g;
	const struct conf_sync_member	*m;

	TAILQ_FOREACH(g, &conf->sync_groups, entry)
		TAILQ_FOREACH(m, &g->members, entry)
			if (strcmp(m->c.instance, inst) == 0)
				return (g);
	return (NULL);
}

/* One instance on or off; returns 1 if it changed. */
static int
maint_one(const char *inst, int on, uid_t uid, int64_t now)
{
	struct msg_vrrp_maint	*m = maint_find(inst), msg;

	if ((on && m != NULL) || (!on && m == NULL))
		return (0);
	memset(&msg, 0, sizeof(msg));
	strlcpy(msg.instance, inst, sizeof(msg.instance));
	msg.on = on;
	msg.uid = uid;
	msg.since = now;
	if (on) {
		if (nmaints >= MAINT_MAX)
			return (0);
		if (maints == NULL &&
		    (maints = calloc(MAINT_MAX, sizeof(*maints))) == NULL)
			fatal("maintenance table");
		maints[nmaints++] = msg;
	} else
		*m = maints[--nmaints];
	/* vrrpd down: it gets the set when it is back (maint_resume). */
	(void)child_compose(PROC_VRRP, IMSG_VRRP_MAINT, 0, -1, &msg,
	    sizeof(msg));
	return (1);
}

static int
maint_group(const struct conf_sync_group *g, int on, uid_t uid,
    int64_t now)
{
	const struct conf_sync_member	*m;
	int				 n = 0;

	TAILQ_FOREACH(m, &g->members, entry)
		n += maint_one(m->c.instance, on, uid, now);
	return (n);
}

void
maint_request(uint32_t client, uid_t uid, const struct msg_ctl_req *req)
{
	const struct had_conf		*conf = env->conf;
	const struct conf_instance	*ci;
	const struct conf_sync_group	*g;
	const struct conf_vs		*vs;
	const char			*name = req->name, *what;
	const char			*ann = "";
	int64_t				 now = time(NULL);
	int				 on = req->arg, n = 0;

	if (conf == NULL) {
		control_end(client, 1, "no configuration yet");
		return;
	}
	if (name[0] == '\0') {
		what = "every instance";
		TAILQ_FOREACH(ci, &conf->instances, entry)
			n += maint_one(ci->c.name, on, uid, now);
		if ((uint32_t)!!on != box.on) {
			box.on = !!on;
			box.uid = uid;
			box.since = now;
			(void)child_compose(PROC_LVS, IMSG_LVS_MAINT, 0, -1,
			    &box, sizeof(box));
			/* Say so: a BGP director may have no instance. */
			TAILQ_FOREACH(vs, &conf->vss, entry)
				if (vs->c.announce) {
					ann = on ? "; announced routes "
					    "withdrawn" : "; healthy virtual "
					    "servers announced again";
					break;
				}
		}
	} else {
		TAILQ_FOREACH(g, &conf->sync_groups, entry)
			if (strcmp(g->c.name, name) == 0)
				break;
		if (g == NULL) {
			TAILQ_FOREACH(ci, &conf->instances, entry)
				if (strcmp(ci->c.name, name) == 0)
					break;
			if (ci == NULL) {
				control_end(client, 1, "no vrrp_instance or "
				    "vrrp_sync_group %s", name);
				return;
			}
			g = group_of(conf, name);
		}
		if (g != NULL) {
			what = g->c.name;
			n = maint_group(g, on, uid, now);
		} else {
			what = name;
			n = maint_one(name, on, uid, now);
		}
	}
	log_info("maintenance %s for %s by uid %u: %d instance%s changed%s",
	    on ? "on" : "off", what, (unsigned)uid, n, n == 1 ? "" : "s",
	    ann);
	if (n > 0 || ann[0] != '\0')
		event_record("maint", what, "maintenance %s by uid %u (%d "
		    "instance%s%s)", on ? "on" : "off", (unsigned)uid, n,
		    n == 1 ? "" : "s", ann);
	control_end(client, 0, "maintenance %s: %s (%d instance%s changed%s)",
	    on ? "on" : "off", what, n, n == 1 ? "" : "s", ann);
}

/* A respawned lvsd: the box in maintenance, before its config. */
void
maint_lvs_resume(void)
{
	if (box.on)
		child_compose(PROC_LVS, IMSG_LVS_MAINT, 0, -1, &box,
		    sizeof(box));
}

/* A respawned vrrpd: every instance in maintenance, before its config. */
void
maint_resume(void)
{
	size_t	 i;

	for (i = 0; i < nmaints; i++)
		child_compose(PROC_VRRP, IMSG_VRRP_MAINT, 0, -1, &maints[i],
		    sizeof(maints[i]));
}
