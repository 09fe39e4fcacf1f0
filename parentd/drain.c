/*
 * hactl drain and undrain: the real servers kept at weight 0.  had keeps
 * the set, so that a drain outlives reloads and lvsd respawns until it is
 * undone: lvsd gets each change, and a respawned lvsd the whole set
 * before its config, so that no drained server gets its weight back for
 * a moment.
 */
#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include <event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "conf_misc.h"
#include "had.h"
#include "log.h"

#define DRAIN_MAX	1024

static struct msg_lvs_id	 drains[DRAIN_MAX];
static size_t			 ndrains;

static ssize_t
drain_index(const struct msg_lvs_id *id)
{
	size_t	 i;

	for (i = 0; i < ndrains; i++)
		if (memcmp(&drains[i], id, sizeof(*id)) == 0)
			return (i);
	return (-1);
}

static void
drain_send(const struct msg_lvs_id *id, int on)
{
	struct msg_lvs_drain	 m;

	memset(&m, 0, sizeof(m));
	m.id = *id;
	m.on = on;
	/* lvsd down: it gets the set when it is back (drain_resume). */
	(void)child_compose(PROC_LVS, IMSG_LVS_DRAIN, 0, -1, &m, sizeof(m));
}

void
drain_request(uint32_t client, uid_t uid, const struct msg_ctl_drain *req)
{
	struct msg_lvs_id	 id;
	char			 why[160], vn[CONF_VSNAMELEN],
				 rn[CONF_RSNAMELEN];
	ssize_t			 i;
	int			 on = req->req.arg;

	if (conf_drain_parse(req->req.name, req->rs, &id, why,
	    sizeof(why)) == -1) {
		control_end(client, 1, "%s", why);
		return;
	}
	conf_addr_port(id.rs_af, id.rs_addr, id.rs_port, rn, sizeof(rn));
	strlcpy(vn, req->req.name, sizeof(vn));
	i = drain_index(&id);
	if (on && i != -1) {
		control_end(client, 0, "%s of %s already drained", rn, vn);
		return;
	}
	if (!on && i == -1) {
		control_end(client, 1, "%s of %s is not drained", rn, vn);
		return;
	}
	if (on) {
		if (env->conf == NULL || !conf_drain_find(env->conf, &id)) {
			control_end(client, 1, "no real server %s in virtual "
			    "server %s", rn, vn);
			return;
		}
		if (ndrains >= DRAIN_MAX) {
			control_end(client, 1, "%d real servers drained "
			    "already", DRAIN_MAX);
			return;
		}
		drains[ndrains++] = id;
	} else
		drains[i] = drains[--ndrains];
	log_info("%s: real server %s %s (uid %u)", vn, rn,
	    on ? "drained: weight 0 until undrained" : "undrained",
	    (unsigned)uid);
	drain_send(&id, on);
	event_record("drain", vn, "real server %s %s by uid %u", rn,
	    on ? "drained" : "undrained", (unsigned)uid);
	control_end(client, 0, "%s of %s %s", rn, vn,
	    on ? "drained" : "undrained");
}

/* A respawned lvsd: the whole set, before its config. */
void
drain_resume(void)
{
	size_t	 i;

	for (i = 0; i < ndrains; i++)
		drain_send(&drains[i], 1);
}
