/*
 * The witnesses of vrrp instances (had's split-brain guard): an echo
 * request to each every witness_ms, through PING_CHECK's code and the
 * ICMP sockets had passed (check_ping.c), so checkd gains nothing.  Each
 * state goes to vrrpd as a vrrp_script's would (IMSG_TRACK_STATE, named
 * as conf_witness_script() names it), and to had's history on a change.
 * Not sent before the first round: vrrpd keeps "unknown".
 */
#include <sys/types.h>
#include <sys/queue.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event.h>

#include "checkd.h"
#include "child.h"
#include "imsg.h"
#include "log.h"

/* A witness: the config objects check_new() takes, and its check. */
struct witness {
	TAILQ_ENTRY(witness)	 entry;
	struct vrrp_script_conf	 sc;
	struct conf_vs		 vs;
	struct conf_rs		 crs;
	struct conf_check	 cc;
	struct check_rs		 rs;
	struct check		*ck;
};
static TAILQ_HEAD(, witness)	 witnesses = TAILQ_HEAD_INITIALIZER(witnesses);

static struct witness *
witness_new(const struct vrrp_script_conf *sc)
{
	struct witness	*w;

	if ((w = calloc(1, sizeof(*w))) == NULL)
		fatal("witness_new");
	w->sc = *sc;
	conf_vs_defaults(&w->vs.c);
	TAILQ_INIT(&w->vs.rss);
	conf_rs_defaults(&w->crs.c);
	w->crs.c.addr = sc->witness;
	TAILQ_INIT(&w->crs.checks);
	conf_check_defaults(&w->cc.c, CHECK_PING, NULL);
	TAILQ_INIT(&w->cc.urls);
	w->cc.clen = sizeof(w->cc.c);	/* whole, in the struct */
	/* One attempt a round; one round down is down, one up is up. */
	w->cc.c.delay_loop_ms = sc->witness_ms;
	w->cc.c.connect_timeout_ms = sc->witness_timeout_ms;
	w->cc.c.retry = 0;
	w->cc.c.rise = w->cc.c.fall = 1;
	TAILQ_INIT(&w->rs.checks);
	/* No virtual server: never held back by ha_suspend. */
	w->rs.id.vs_type = VS_TYPE_FWMARK;
	w->rs.witness = 1;
	strlcpy(w->rs.vs_str, "witness", sizeof(w->rs.vs_str));
	conf_addr_str(&sc->witness, w->rs.rs_str, sizeof(w->rs.rs_str));
	w->ck = check_new(&w->vs, &w->crs, &w->cc);
	w->ck->rs = &w->rs;
	TAILQ_INSERT_TAIL(&w->rs.checks, w->ck, rs_entry);
	return (w);
}

static void
witness_free(struct witness *w)
{
	check_free(w->ck);
	free(w);
}

static struct witness *
witness_of(const struct check_rs *rs)
{
	struct witness	*w;

	TAILQ_FOREACH(w, &witnesses, entry)
		if (&w->rs == rs)
			return (w);
	return (NULL);
}

static void
witness_send(const struct witness *w)
{
	if (w->ck->rounds == 0)
		return;
	check_track_send(&w->sc, w->ck->up);
}

/* From check_result(): a round is over, counted; up changed or not. */
void
check_witness_result(struct check *ck, int was)
{
	struct witness	*w;

	if ((w = witness_of(ck->rs)) == NULL)
		return;
	if (ck->rounds > 1 && ck->up == was) {
		log_debug("witness %s: %s: %s", ck->rs->rs_str,
		    ck->up ? "up" : "down", ck->reason);
		return;
	}
	ck->last_change = time(NULL);
	log_info("witness %s: %s: %s", ck->rs->rs_str, ck->up ? "up" :
	    "down", ck->reason);
	check_event("track", w->sc.name, "witness %s %s: %s",
	    ck->rs->rs_str, ck->up ? "reachable" : "unreachable", ck->reason);
	witness_send(w);
}

/* A new config: unchanged witnesses keep their state and phase. */
void
check_witness_reconf(const struct had_conf *conf)
{
	TAILQ_HEAD(, witness)	 old = TAILQ_HEAD_INITIALIZER(old);
	struct witness		*w, *nw;
	struct conf_script	*cs;

	TAILQ_CONCAT(&old, &witnesses, entry);
	TAILQ_FOREACH(cs, &conf->scripts, entry) {
		if (!CONF_IS_WITNESS(&cs->c))
			continue;
		TAILQ_FOREACH(w, &old, entry)
			if (memcmp(&w->sc, &cs->c, sizeof(w->sc)) == 0)
				break;
		if (w != NULL) {
			TAILQ_REMOVE(&old, w, entry);
			TAILQ_INSERT_TAIL(&witnesses, w, entry);
			continue;
		}
		w = witness_new(&cs->c);
		TAILQ_INSERT_TAIL(&witnesses, w, entry);
		check_schedule_first(w->ck);
	}
	TAILQ_FOREACH_SAFE(w, &old, entry, nw) {
		TAILQ_REMOVE(&old, w, entry);
		witness_free(w);
	}
}

void
check_witness_send_all(void)
{
	struct witness	*w;

	TAILQ_FOREACH(w, &witnesses, entry)
		witness_send(w);
}

void
check_witness_shutdown(void)
{
	struct witness	*w, *nw;

	TAILQ_FOREACH_SAFE(w, &witnesses, entry, nw) {
		TAILQ_REMOVE(&witnesses, w, entry);
		witness_free(w);
	}
}
