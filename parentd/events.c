/*
 * had's event history: the last EVENTS_MAX events (VRRP transitions with
 * their reason, real servers up and down, drains, maintenance, reloads,
 * child restarts, script failures) in a ring, and the last EVENTS_MAX of
 * checkd's in another, fed by what had already
 * hears from its children and by its own doings.  `hactl show history'
 * reads the ring; `hactl events' clients get each new event as it comes.
 */
#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include <event.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "had.h"
#include "log.h"

#define EVENTS_MAX	1000
/*
 * A child's events: EVENTS_RATE a second, bursts of EVENTS_BURST (a
 * whole farm of real servers failing at once).  Beyond that they are
 * counted, not kept.  They have a ring of their own, so that a child in
 * a loop, or a hostile one, cannot push VRRP transitions and reloads
 * out of the history.
 */
#define EVENTS_RATE	100
#define EVENTS_BURST	500

/*
 * An event as kept: its object and text sized to what they hold, not
 * the 336 bytes of a msg_ctl_event's (a full ring of check events was
 * 368 KB of had's RSS; issue 19).  NULL: "".
 */
struct event_slot {
	uint64_t		seq;
	int64_t			time_ms;
	char			kind[16];
	char			*object;
	char			*text;
};

struct event_ring {
	struct event_slot	ev[EVENTS_MAX];
	uint64_t		n;		/* ever recorded here */
};

static struct event_ring	 own;		/* had's: vrrp, reload, ... */
static struct event_ring	 chk;		/* the children's: check, ... */
static uint64_t			 nevents;	/* ever recorded */

static void
event_vrecord(struct event_ring *r, const char *kind, const char *object,
    const char *fmt, va_list ap)
{
	struct event_slot	*s = &r->ev[r->n++ % EVENTS_MAX];
	struct msg_ctl_event	 e;
	struct timespec		 ts;

	memset(&e, 0, sizeof(e));
	clock_gettime(CLOCK_REALTIME, &ts);
	e.seq = ++nevents;
	e.time_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	strlcpy(e.kind, kind, sizeof(e.kind));
	strlcpy(e.object, object, sizeof(e.object));
	vsnprintf(e.text, sizeof(e.text), fmt, ap);
	control_broadcast_event(&e);
	/* Out of memory: the event is kept without its strings. */
	free(s->object);
	free(s->text);
	s->seq = e.seq;
	s->time_ms = e.time_ms;
	memcpy(s->kind, e.kind, sizeof(s->kind));
	s->object = strdup(e.object);
	s->text = strdup(e.text);
}

void
event_record(const char *kind, const char *object, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	event_vrecord(&own, kind, object, fmt, ap);
	va_end(ap);
}

static void
event_record_child(const char *kind, const char *object, const char *fmt,
    ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	event_vrecord(&chk, kind, object, fmt, ap);
	va_end(ap);
}

/*
 * An event checkd saw (a check or a tracked script or file changing,
 * with its reason), or vrrpd (a dual master).  The kinds are few and
 * known, each from one child; the strings are terminated (the
 * contract), and the time and number are had's.
 */
int
events_child(enum had_proc from, const struct msg_ctl_event *e)
{
	static const struct {
		const char	*kind;
		enum had_proc	 proc;
	} kinds[] = {
		{ "check", PROC_CHECK }, { "track", PROC_CHECK },
		{ "rs", PROC_CHECK }, { "vrrp", PROC_VRRP }
	};
	/* A bucket for each child. */
	static struct timespec	 last[PROC_MAX];
	static double		 tokens[PROC_MAX];
	static uint64_t		 dropped[PROC_MAX];
	struct timespec		 now;
	size_t			 i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(e->kind, kinds[i].kind) == 0 &&
		    kinds[i].proc == from)
			break;
	if (i == sizeof(kinds) / sizeof(kinds[0])) {
		log_warnx("%s: protocol violation: event of kind %.15s",
		    proc_name(from), e->kind);
		return (-1);
	}
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (last[from].tv_sec == 0 && last[from].tv_nsec == 0)
		tokens[from] = EVENTS_BURST;
	tokens[from] += (now.tv_sec - last[from].tv_sec) *
	    (double)EVENTS_RATE + (now.tv_nsec - last[from].tv_nsec) / 1e9 *
	    EVENTS_RATE;
	if (tokens[from] > EVENTS_BURST)
		tokens[from] = EVENTS_BURST;
	last[from] = now;
	if (tokens[from] < 1) {
		if (dropped[from]++ == 0)
			log_warnx("%s: more than %d events a second: not "
			    "kept in the history until it slows down",
			    proc_name(from), EVENTS_RATE);
		return (0);
	}
	tokens[from] -= 1;
	if (dropped[from] > 0) {
		event_record("child", proc_name(from), "%llu events not kept "
		    "(more than %d a second)",
		    (unsigned long long)dropped[from], EVENTS_RATE);
		dropped[from] = 0;
	}
	event_record_child(kinds[i].kind, e->object, "%s", e->text);
	return (0);
}

static const struct event_slot *
ring_at(const struct event_ring *r, uint64_t i)
{
	return (&r->ev[i % EVENTS_MAX]);
}

/* The event of a slot, as it goes to hactl. */
static void
slot_event(const struct event_slot *s, struct msg_ctl_event *e)
{
	memset(e, 0, sizeof(*e));
	e->seq = s->seq;
	e->time_ms = s->time_ms;
	memcpy(e->kind, s->kind, sizeof(e->kind));
	if (s->object != NULL)
		strlcpy(e->object, s->object, sizeof(e->object));
	if (s->text != NULL)
		strlcpy(e->text, s->text, sizeof(e->text));
}

/* The last n events of both rings (0: all kept), oldest first. */
void
events_show(uint32_t client, uint32_t n)
{
	const struct event_slot		*s;
	struct msg_ctl_event		 e;
	uint64_t			 a, b, kept;

	a = own.n < EVENTS_MAX ? 0 : own.n - EVENTS_MAX;
	b = chk.n < EVENTS_MAX ? 0 : chk.n - EVENTS_MAX;
	kept = (own.n - a) + (chk.n - b);
	if (n == 0 || n > kept)
		n = (uint32_t)kept;
	/* Both rings are in sequence order: merge them, skip the oldest. */
	while (a < own.n || b < chk.n) {
		if (b == chk.n || (a < own.n &&
		    ring_at(&own, a)->seq < ring_at(&chk, b)->seq))
			s = ring_at(&own, a++);
		else
			s = ring_at(&chk, b++);
		if (kept-- > n)
			continue;
		slot_event(s, &e);
		control_reply(client, IMSG_CTL_EVENT, &e, sizeof(e));
	}
	control_end(client, 0, NULL);
}
