/*
 * vrrp_script scheduling: every interval checkd asks had to run the
 * script (had runs it as script_user; checkd cannot exec), counts
 * successes and failures in a row against rise and fall, and tells vrrpd
 * when a script's state changes.  vrrpd gets every state again when its
 * channel comes back, so tracking survives a respawn of vrrpd.
 */
#include <sys/types.h>

#include <stdlib.h>
#include <string.h>

#include <event.h>

#include "checkd.h"
#include "child.h"
#include "imsg.h"
#include "log.h"

static struct track_scripts	 scripts = TAILQ_HEAD_INITIALIZER(scripts);
static struct event_base	*base;
static uint32_t			 next_id = 1;

static void	check_script_fire(int, short, void *);

void
check_script_init(struct event_base *b)
{
	base = b;
}

/* The state of a vrrp_script or vrrp_track_process, to vrrpd. */
void
check_track_send(const struct vrrp_script_conf *c, int up)
{
	struct msg_track	 t;

	memset(&t, 0, sizeof(t));
	strlcpy(t.name, c->name, sizeof(t.name));
	t.up = up;
	t.weight = c->weight;
	(void)child_send_peer(PROC_VRRP, IMSG_TRACK_STATE, &t, sizeof(t));
}

static void
check_script_send(struct track_script *ts)
{
	check_track_send(&ts->c, ts->up);
}

void
check_script_send_all(void)
{
	struct track_script	*ts;

	TAILQ_FOREACH(ts, &scripts, entry)
		check_script_send(ts);
}

/* Spread first runs over the interval so scripts do not fire together. */
static void
check_script_schedule(struct track_script *ts, int first)
{
	struct timeval	 tv;
	uint64_t	 us = (uint64_t)(ts->c.interval ? ts->c.interval : 1) *
			    1000000;

	if (first)
		us = arc4random_uniform((uint32_t)(us > 1000000 ? 1000000 :
		    us)) + 1000;
	tv.tv_sec = us / 1000000;
	tv.tv_usec = us % 1000000;
	evtimer_add(ts->timer, &tv);
}

static void
check_script_fire(int fd, short ev, void *arg)
{
	struct track_script	*ts = arg;
	struct msg_script_run	 run;

	if (ts->running) {
		/* had answers every request, if only with a timeout. */
		check_script_schedule(ts, 0);
		return;
	}
	memset(&run, 0, sizeof(run));
	run.kind = SCRIPT_VRRP;
	run.id = ts->id = next_id++;
	strlcpy(run.name, ts->c.name, sizeof(run.name));
	run.timeout_ms = (ts->c.timeout ? ts->c.timeout : ts->c.interval) *
	    1000;
	if (child_send_parent(IMSG_SCRIPT_RUN, 0, -1, &run, sizeof(run)) == 0)
		ts->running = 1;
	check_script_schedule(ts, 0);
}

static struct track_script *
check_script_new(const struct vrrp_script_conf *c)
{
	struct track_script	*ts;

	if ((ts = calloc(1, sizeof(*ts))) == NULL)
		fatal("check_script_new");
	ts->c = *c;
	ts->up = !c->init_fail;
	ts->last_status = -1;
	ts->last_change = time(NULL);
	ts->timer = evtimer_new(base, check_script_fire, ts);
	return (ts);
}

static void
check_script_free(struct track_script *ts)
{
	evtimer_del(ts->timer);
	event_free(ts->timer);
	free(ts);
}

/* Apply a new config as a diff: unchanged scripts keep their state. */
void
check_script_reconf(const struct had_conf *conf)
{
	struct track_scripts	 old = TAILQ_HEAD_INITIALIZER(old);
	struct track_script	*ts, *nts;
	struct conf_script	*cs;

	TAILQ_CONCAT(&old, &scripts, entry);
	TAILQ_FOREACH(cs, &conf->scripts, entry) {
		if (cs->c.process)
			continue;	/* check_proc.c */
		TAILQ_FOREACH(ts, &old, entry)
			if (memcmp(&ts->c, &cs->c, sizeof(ts->c)) == 0)
				break;
		if (ts != NULL) {
			TAILQ_REMOVE(&old, ts, entry);
			TAILQ_INSERT_TAIL(&scripts, ts, entry);
			continue;
		}
		ts = check_script_new(&cs->c);
		TAILQ_INSERT_TAIL(&scripts, ts, entry);
		if (ts->c.script[0] != '\0')
			check_script_schedule(ts, 1);
		check_script_send(ts);
	}
	TAILQ_FOREACH_SAFE(ts, &old, entry, nts) {
		TAILQ_REMOVE(&old, ts, entry);
		check_script_free(ts);
	}
}

int
check_script_result(struct imsg *imsg)
{
	struct msg_script_result	 r;
	struct track_script		*ts;
	int				 ok, was;

	if (imsg_check_size(imsg, sizeof(r), "had") == -1)
		return (-1);
	memcpy(&r, imsg->data, sizeof(r));
	TAILQ_FOREACH(ts, &scripts, entry)
		if (ts->running && ts->id == r.id)
			break;
	if (ts == NULL)
		return (0);	/* from before a reload: stale */
	ts->running = 0;
	ts->runs++;
	ts->last_status = r.status;
	ts->last_duration_ms = r.duration_ms;
	ts->last_timed_out = r.timed_out;
	ok = r.status == 0 && !r.timed_out && r.signal == 0;
	if (ts->c.weight_reverse)
		ok = !ok;
	was = ts->up;
	if (ok) {
		ts->successes++;
		ts->failures = 0;
		if (!ts->up && ts->successes >= (ts->c.rise ? ts->c.rise : 1))
			ts->up = 1;
	} else {
		ts->failures++;
		ts->successes = 0;
		if (ts->up && ts->failures >= (ts->c.fall ? ts->c.fall : 1))
			ts->up = 0;
	}
	if (ts->up != was) {
		ts->last_change = time(NULL);
		if (r.timed_out)
			log_info("vrrp_script %s: down: timed out after %u ms",
			    ts->c.name, r.duration_ms);
		else if (r.signal)
			log_info("vrrp_script %s: %s: killed by signal %d",
			    ts->c.name, ts->up ? "up" : "down", r.signal);
		else
			log_info("vrrp_script %s: %s: exit status %d, %u in "
			    "a row", ts->c.name, ts->up ? "up" : "down",
			    r.status, ts->up ? ts->successes : ts->failures);
		check_script_send(ts);
	}
	return (0);
}
