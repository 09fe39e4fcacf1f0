/*
 * had's event history: the last EVENTS_MAX events (VRRP transitions with
 * their reason, real servers up and down, drains, maintenance, reloads,
 * child restarts, script failures) in a ring, fed by what had already
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

static struct msg_ctl_event	 ring[EVENTS_MAX];
static uint64_t			 nevents;	/* ever recorded */

void
event_record(const char *kind, const char *object, const char *fmt, ...)
{
	struct msg_ctl_event	*e = &ring[nevents % EVENTS_MAX];
	struct timespec		 ts;
	va_list			 ap;

	memset(e, 0, sizeof(*e));
	clock_gettime(CLOCK_REALTIME, &ts);
	e->seq = ++nevents;
	e->time_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	strlcpy(e->kind, kind, sizeof(e->kind));
	strlcpy(e->object, object, sizeof(e->object));
	va_start(ap, fmt);
	vsnprintf(e->text, sizeof(e->text), fmt, ap);
	va_end(ap);
	control_broadcast_event(e);
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
	event_record(kinds[i].kind, e->object, "%s", e->text);
	return (0);
}

/* The last n events (0: all kept), oldest first. */
void
events_show(uint32_t client, uint32_t n)
{
	uint64_t	 kept = nevents < EVENTS_MAX ? nevents : EVENTS_MAX, i;

	if (n == 0 || n > kept)
		n = kept;
	for (i = nevents - n; i < nevents; i++)
		control_reply(client, IMSG_CTL_EVENT, &ring[i % EVENTS_MAX],
		    sizeof(ring[0]));
	control_end(client, 0, NULL);
}
