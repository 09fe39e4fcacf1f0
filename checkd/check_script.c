/*
 * vrrp_script scheduling: every interval checkd asks had to run the
 * script (had runs it as script_user; checkd cannot exec), counts
 * successes and failures in a row against rise and fall, and tells vrrpd
 * when a script's state changes.  vrrpd gets every state again when its
 * channel comes back, so tracking survives a respawn of vrrpd.
 *
 * track_file: had watches the file (inotify) and hands over a read-only
 * descriptor on each change (parentd/track.c says why); checkd reads the
 * number here, where a hostile file can do no harm, and tells vrrpd.
 */
#include <sys/types.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* An event for had's history: kind, object, text. */
void
check_event(const char *kind, const char *object, const char *fmt, ...)
{
	struct msg_ctl_event	 e;
	va_list			 ap;

	memset(&e, 0, sizeof(e));
	strlcpy(e.kind, kind, sizeof(e.kind));
	strlcpy(e.object, object, sizeof(e.object));
	va_start(ap, fmt);
	vsnprintf(e.text, sizeof(e.text), fmt, ap);
	va_end(ap);
	(void)child_send_parent(IMSG_CHECK_EVENT, 0, -1, &e, sizeof(e));
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

/* A vrrp_script's state, or a track_file's number. */
static void
check_script_send(struct track_script *ts)
{
	struct msg_track_value	 v;

	/*
	 * The event that says why goes to had before vrrpd hears: had
	 * then records it before the transition it causes.
	 */
	imsgev_flush_blocking(&child->parent);
	if (CONF_IS_TRACK_FILE(&ts->c)) {
		if (ts->file_state == -1)
			return;		/* vrrpd keeps it unknown */
		memset(&v, 0, sizeof(v));
		strlcpy(v.name, ts->c.name, sizeof(v.name));
		v.value = ts->value;
		(void)child_send_peer(PROC_VRRP, IMSG_TRACK_VALUE, &v,
		    sizeof(v));
		return;
	}
	/*
	 * Not run yet: vrrpd keeps what it knows (after a respawn of
	 * checkd, the last result; for a new script, !init_fail), rather
	 * than a failing script looking good until its first run.
	 */
	if (ts->runs == 0)
		return;
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
	ts->file_state = -1;
	strlcpy(ts->reason, CONF_IS_TRACK_FILE(c) ? "not read yet" :
	    "not run yet", sizeof(ts->reason));
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
		if (cs->c.process || CONF_IS_WITNESS(&cs->c))
			continue;	/* check_proc.c, check_witness.c */
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
		if (!ts->up && ts->successes >= ts->c.rise)
			ts->up = 1;
	} else {
		ts->failures++;
		ts->successes = 0;
		if (ts->up && ts->failures >= ts->c.fall)
			ts->up = 0;
	}
	if (r.timed_out)
		snprintf(ts->reason, sizeof(ts->reason), "timed out after "
		    "%u ms", r.duration_ms);
	else if (r.signal)
		snprintf(ts->reason, sizeof(ts->reason), "killed by signal "
		    "%d", r.signal);
	else
		snprintf(ts->reason, sizeof(ts->reason), "exit status %d%s",
		    r.status, ts->c.weight_reverse ? " (reverse)" : "");
	if (ts->up != was) {
		ts->last_change = time(NULL);
		check_event("track", ts->c.name, "vrrp_script %s: %s %u in "
		    "a row", ts->up ? "up" : "down", ts->reason,
		    ts->up ? ts->successes : ts->failures);
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

/*
 * The number in a track file, as keepalived reads it: blanks, an
 * optional sign, decimal digits, then blanks or the end.  0 and the value,
 * or -1 when it is no such number or beyond int32 (the file counts as 0).
 */
int
track_file_parse(const char *buf, size_t len, int64_t *val)
{
	size_t		 i = 0;
	int64_t		 v = 0;
	int		 neg = 0, digits = 0;

	*val = 0;
	while (i < len && isspace((unsigned char)buf[i]))
		i++;
	if (i < len && (buf[i] == '-' || buf[i] == '+'))
		neg = buf[i++] == '-';
	for (; i < len && buf[i] >= '0' && buf[i] <= '9'; i++) {
		v = v * 10 + (buf[i] - '0');
		if (v > (int64_t)INT32_MAX + 1)
			return (-1);
		digits++;
	}
	while (i < len && isspace((unsigned char)buf[i]))
		i++;
	if (digits == 0 || i != len)
		return (-1);
	if (neg)
		v = -v;
	if (v > INT32_MAX || v < -(int64_t)INT32_MAX)
		return (-1);
	*val = v;
	return (0);
}

#define TRACK_FILE_READ	64	/* a number and blanks: more is no number */

int
check_track_file(struct imsg *imsg)
{
	struct msg_track_file	 m;
	struct track_script	*ts;
	char			 buf[TRACK_FILE_READ + 1];
	int64_t			 val = 0, old;
	ssize_t			 n;
	int			 fd = imsg->fd, ostate;

	memcpy(&m, imsg->data, sizeof(m));
	if ((m.error == 0) != (fd != -1)) {
		log_warnx("had: track_file %s: error %d with%s a descriptor",
		    m.name, m.error, fd == -1 ? "out" : "");
		if (fd != -1)
			close(fd);
		return (-1);
	}
	TAILQ_FOREACH(ts, &scripts, entry)
		if (CONF_IS_TRACK_FILE(&ts->c) &&
		    strcmp(ts->c.name, m.name) == 0)
			break;
	if (ts == NULL) {
		/* A reload in flight: had sends them all again after. */
		if (fd != -1)
			close(fd);
		return (0);
	}
	ts->runs++;
	if (fd == -1) {
		snprintf(ts->reason, sizeof(ts->reason), "cannot open: %s; "
		    "counts as 0", strerror(m.error));
	} else {
		n = read(fd, buf, sizeof(buf));
		if (n == -1)
			snprintf(ts->reason, sizeof(ts->reason), "read: %s; "
			    "counts as 0", strerror(errno));
		else if (n > TRACK_FILE_READ)
			snprintf(ts->reason, sizeof(ts->reason), "more than "
			    "%d bytes: no number; counts as 0",
			    TRACK_FILE_READ);
		else if (track_file_parse(buf, (size_t)n, &val) == -1)
			snprintf(ts->reason, sizeof(ts->reason), "no number "
			    "(%zd bytes); counts as 0", n);
		else
			snprintf(ts->reason, sizeof(ts->reason), "read %lld",
			    (long long)val);
		close(fd);
	}
	old = ts->value;
	ostate = ts->file_state;
	ts->value = val;
	ts->file_state = strncmp(ts->reason, "read ", 5) == 0;
	if (ostate == -1 || old != val || ostate != ts->file_state) {
		ts->last_change = time(NULL);
		log_info("track_file %s: %lld (%s)", ts->c.name,
		    (long long)val, ts->reason);
		if (ostate != -1)
			check_event("track", ts->c.name, "track_file value "
			    "%lld -> %lld: %s", (long long)old,
			    (long long)val, ts->reason);
		else
			check_event("track", ts->c.name, "track_file value "
			    "%lld: %s", (long long)val, ts->reason);
		check_script_send(ts);
		(void)check_passive_update(CHECK_FILE, ts->c.name, 0);
	}
	return (0);
}

/*
 * A track_file's number and weight, for FILE_CHECK: 1 read, 0 unreadable
 * (the number is 0), -1 not read yet or no such file.
 */
int
check_track_file_get(const char *name, int64_t *val, int32_t *w, int *rev)
{
	struct track_script	*ts;

	*val = 0;
	*w = 1;
	*rev = 0;
	TAILQ_FOREACH(ts, &scripts, entry)
		if (CONF_IS_TRACK_FILE(&ts->c) &&
		    strcmp(ts->c.name, name) == 0)
			break;
	if (ts == NULL)
		return (-1);
	*val = ts->value;
	*w = ts->c.weight;
	*rev = ts->c.weight_reverse;
	return (ts->file_state);
}

/* show checks: the vrrp_scripts and track files, after the checks. */
int
check_script_ctl(uint32_t peerid, const char *name)
{
	struct msg_ctl_track	 row;
	struct track_script	*ts;
	int			 file;

	TAILQ_FOREACH(ts, &scripts, entry) {
		if (name[0] != '\0' && strcmp(name, ts->c.name) != 0)
			continue;
		file = CONF_IS_TRACK_FILE(&ts->c);
		memset(&row, 0, sizeof(row));
		strlcpy(row.kind, file ? "track_file" : "vrrp_script",
		    sizeof(row.kind));
		strlcpy(row.name, ts->c.name, sizeof(row.name));
		strlcpy(row.path, ts->c.file, sizeof(row.path));
		if (file)
			strlcpy(row.state, ts->file_state == -1 ? "unknown" :
			    ts->file_state ? "read" : "unreadable",
			    sizeof(row.state));
		else
			strlcpy(row.state, ts->runs == 0 && !ts->c.init_fail ?
			    "unknown" : ts->up ? "up" : "down",
			    sizeof(row.state));
		row.last_status = ts->last_status;
		row.successes = ts->successes;
		row.failures = ts->failures;
		row.rise = ts->c.rise;
		row.fall = ts->c.fall;
		row.weight = ts->c.weight;
		row.reverse = ts->c.weight_reverse;
		row.value = ts->value;
		row.runs = ts->runs;
		row.last_change = ts->last_change;
		strlcpy(row.reason, ts->reason, sizeof(row.reason));
		if (child_ctl_send(IMSG_CTL_TRACK, peerid, &row,
		    sizeof(row)) == -1)
			return (-1);
	}
	return (0);
}
