/*
 * The timer of every check's next round: a hashed timing wheel of 1 ms
 * slots behind one libevent timer.
 *
 * With ten thousand checks a second, libevent's heap of one timer per
 * check costs a pop through ~14 levels of cache misses per round; here
 * a round is a list insert and a list removal, and libevent sees a
 * single timer.  A slot holds every entry due in its millisecond of any
 * turn of the wheel; entries of a later turn stay until theirs.
 *
 * The timer is set to a multiple of WHEEL_TICK ms: checkd wakes at most
 * 250 times a second, however many checks there are, and each wakeup
 * starts every attempt due by then, in the order of their milliseconds.
 * A wakeup (timer interrupt, two context switches, epoll_wait and the
 * timer's re-arming) costs as much as a probe: at 1 ms, two thousand
 * checks woke checkd twice as often for no better spread than the
 * kernel's own 4 ms tick gives.  An attempt starts up to WHEEL_TICK - 1
 * ms late; its round keeps its planned phase.  While it wakes on every
 * tick, it also collects the probes' answers then (check_poll.c).
 */
#include <sys/types.h>
#include <sys/queue.h>

#include <stdint.h>
#include <string.h>
#include <time.h>

#include <event.h>

#include "checkd.h"
#include "log.h"

#define WHEEL_SLOTS	1024		/* power of two, ms */
#define WHEEL_MASK	(WHEEL_SLOTS - 1)
#define WHEEL_TICK	4		/* ms, the shortest sleep */

static struct wheel_list	 slots[WHEEL_SLOTS];
static struct event		*wheel_ev;
static uint64_t			 wheel_done;	/* slots <= it have run */
static uint64_t			 wheel_armed;	/* 0: not armed */
static size_t			 wheel_count;

/*
 * While the wheel runs its due entries (the start of every attempt),
 * the time is read once per batch of WHEEL_CLOCK_EVERY entries, not
 * several times by each: stale by the time 32 attempts take to start.
 */
#define WHEEL_CLOCK_EVERY	32
static struct timespec		 wheel_ts;
static int			 wheel_in_run;

void
check_clock(struct timespec *ts)
{
	if (wheel_in_run)
		*ts = wheel_ts;
	else
		clock_gettime(CLOCK_MONOTONIC, ts);
}

static uint64_t
wheel_now(void)
{
	struct timespec	 ts;

	check_clock(&ts);
	return ((uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

static void
wheel_arm(uint64_t at, uint64_t now)
{
	struct timeval	 tv;
	uint64_t	 ms;

	at = (at + WHEEL_TICK - 1) / WHEEL_TICK * WHEEL_TICK;
	if (wheel_armed != 0 && wheel_armed <= at)
		return;
	ms = at > now ? at - now : 0;
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	wheel_armed = at;
	evtimer_add(wheel_ev, &tv);
}

/* The first non-empty slot after wheel_done, or 0 when the wheel is empty. */
static uint64_t
wheel_next(void)
{
	uint64_t	 t;

	if (wheel_count == 0)
		return (0);
	for (t = wheel_done + 1; t <= wheel_done + WHEEL_SLOTS; t++)
		if (!TAILQ_EMPTY(&slots[t & WHEEL_MASK]))
			return (t);
	return (0);
}

static void
wheel_run(int fd, short ev, void *arg)
{
	struct wheel_list	 due = TAILQ_HEAD_INITIALIZER(due);
	struct wheel_entry	*e, *next;
	uint64_t		 now, t, end, grid;
	unsigned int		 n = 0;
	int			 drained;

	wheel_armed = 0;
	/* Answers that came since the last tick, if they waited for it. */
	drained = check_poll_drain();
	clock_gettime(CLOCK_MONOTONIC, &wheel_ts);
	wheel_in_run = 1;
	now = wheel_now();
	/* A late wakeup visits each slot once at most. */
	end = now;
	if (end > wheel_done + WHEEL_SLOTS)
		end = wheel_done + WHEEL_SLOTS;
	for (t = wheel_done + 1; t <= end; t++) {
		TAILQ_FOREACH_SAFE(e, &slots[t & WHEEL_MASK], entry, next) {
			if (e->when > now)
				continue;
			TAILQ_REMOVE(&slots[t & WHEEL_MASK], e, entry);
			TAILQ_INSERT_TAIL(&due, e, entry);
		}
	}
	if (now > wheel_done)
		wheel_done = now;
	/* Callbacks may add entries again: they go after wheel_done. */
	while ((e = TAILQ_FIRST(&due)) != NULL) {
		TAILQ_REMOVE(&due, e, entry);
		e->armed = 0;
		wheel_count--;
		if (++n % WHEEL_CLOCK_EVERY == 0)
			clock_gettime(CLOCK_MONOTONIC, &wheel_ts);
		e->cb(e->arg);
	}
	if ((t = wheel_next()) != 0)
		wheel_arm(t, wheel_now());
	wheel_in_run = 0;
	/*
	 * Waking again at the next tick: answers can wait for it.  While
	 * they keep coming (this tick found some, more are awaited), the
	 * wheel ticks for them alone rather than leave and re-enter
	 * libevent's loop (an epoll_ctl on a nested set costs a walk of
	 * every epoll set) between two checks due a few ticks apart.
	 */
	grid = (now / WHEEL_TICK + 1) * WHEEL_TICK;
	if ((wheel_armed == 0 || wheel_armed > grid) && drained > 0 &&
	    check_poll_waiting() > 0)
		wheel_arm(grid, wheel_now());
	check_poll_park(wheel_armed != 0 && wheel_armed <= grid);
}

void
check_wheel_init(struct event_base *base)
{
	int	 i;

	for (i = 0; i < WHEEL_SLOTS; i++)
		TAILQ_INIT(&slots[i]);
	if ((wheel_ev = evtimer_new(base, wheel_run, NULL)) == NULL)
		fatal("check_wheel_init");
	wheel_done = wheel_now();
	wheel_armed = 0;
	wheel_count = 0;
}

void
check_wheel_set(struct wheel_entry *e, void (*cb)(void *), void *arg)
{
	memset(e, 0, sizeof(*e));
	e->cb = cb;
	e->arg = arg;
}

/* Run the entry in us microseconds (rounded up to the next millisecond). */
void
check_wheel_add(struct wheel_entry *e, uint64_t us)
{
	uint64_t	 now, when;

	check_wheel_del(e);
	now = wheel_now();
	when = now + (us + 999) / 1000;
	/* Slots up to wheel_done have been run: the next one is due. */
	if (when <= wheel_done)
		when = wheel_done + 1;
	e->when = when;
	e->armed = 1;
	TAILQ_INSERT_TAIL(&slots[when & WHEEL_MASK], e, entry);
	wheel_count++;
	wheel_arm(when, now);
}

void
check_wheel_del(struct wheel_entry *e)
{
	if (!e->armed)
		return;
	TAILQ_REMOVE(&slots[e->when & WHEEL_MASK], e, entry);
	e->armed = 0;
	wheel_count--;
}

int
check_wheel_pending(const struct wheel_entry *e)
{
	return (e->armed);
}
