/*
 * Readiness of the probes' sockets: an epoll set of their own.
 *
 * Through libevent, every wait of a probe was an EPOLL_CTL_ADD (which
 * allocates) and, when it ended, an EPOLL_CTL_DEL (which frees after an
 * RCU grace period): two system calls per step, four for an HTTP probe,
 * ten thousand probes a second.  Here a probe's socket joins the set once
 * and each wait re-arms it with one EPOLL_CTL_MOD, one-shot: the kernel
 * disarms it when it reports, so nothing is left to remove.  The set is
 * one descriptor in libevent's loop; when it is readable, check_poll_run
 * collects what is ready and calls each check's callback as libevent
 * would have.
 *
 * A check that stops waiting before its socket answered (a deadline, a
 * result) leaves the set, so that a late answer or the reset's hangup
 * cannot wake us for nothing.  A socket closed leaves the set by itself.
 *
 * While the timing wheel wakes on every tick anyway (attempts start at
 * least every WHEEL_TICK ms), the set is "parked": out of libevent's loop
 * and emptied by the wheel at each tick, so that answers arriving between
 * two ticks cost no wakeup of their own; while answers keep coming the
 * wheel goes on ticking for them (check_wheel.c).  Under TCG, where a
 * wakeup costs as much as a probe, 400 HTTP checks a second went from
 * 1.05 to 0.79 times keepalived's CPU.  An answer then waits up to a
 * tick: a latency reads up to WHEEL_TICK ms more per wait.  A quieter
 * checkd is woken by each answer, as before.
 */
#include <sys/types.h>
#include <sys/epoll.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <event.h>

#include "checkd.h"
#include "log.h"

#define POLL_BATCH	256

static int		 poll_fd = -1;
static struct event	*poll_ev;
static int		 poll_parked;
static size_t		 poll_narmed;	/* waits not reported yet */

static void
poll_disarmed(struct check *ck)
{
	if (ck->poll_armed && poll_narmed > 0)
		poll_narmed--;
	ck->poll_armed = 0;
}

/* Call the checks whose sockets are ready; how many there were. */
static int
check_poll_batch(void)
{
	struct epoll_event	 evs[POLL_BATCH];
	struct check		*ck;
	void			(*cb)(int, short, void *);
	short			 what;
	int			 i, n;

	if ((n = epoll_wait(poll_fd, evs, POLL_BATCH, 0)) == -1) {
		if (errno != EINTR)
			log_warn("epoll_wait");
		return (0);
	}
	/*
	 * Callbacks end attempts and start waits, never free a check: the
	 * checks of this batch stay valid until its end.
	 */
	for (i = 0; i < n; i++) {
		ck = evs[i].data.ptr;
		poll_disarmed(ck);
		if ((cb = ck->poll_cb) == NULL || ck->fd == -1)
			continue;
		/* As libevent reports them. */
		if (evs[i].events & (EPOLLERR | EPOLLHUP))
			what = EV_READ | EV_WRITE;
		else
			what = ((evs[i].events & EPOLLIN) ? EV_READ : 0) |
			    ((evs[i].events & EPOLLOUT) ? EV_WRITE : 0);
		what &= ck->poll_what;
		if (what == 0) {
			/* Not what it waits for: wait on. */
			check_want(ck, ck->poll_what, cb);
			continue;
		}
		ck->poll_cb = NULL;
		cb(ck->fd, what, ck);
	}
	return (n);
}

static void
check_poll_run(int fd, short ev, void *arg)
{
	(void)check_poll_batch();
}

/*
 * Parked: call every check whose socket is ready (from the wheel); how
 * many there were.
 */
int
check_poll_drain(void)
{
	int	 i, n, total = 0;

	if (!poll_parked)
		return (0);
	/* Bounded: callbacks arm new waits that may be ready at once. */
	for (i = 0; i < 64; i++) {
		total += n = check_poll_batch();
		if (n < POLL_BATCH)
			break;
	}
	return (total);
}

/* Waits armed and not reported yet. */
size_t
check_poll_waiting(void)
{
	return (poll_narmed);
}

int
check_poll_parked(void)
{
	return (poll_parked);
}

/*
 * The wheel says whether it wakes again within a tick (busy): the set
 * waits for it, parked, or wakes checkd itself.
 */
void
check_poll_park(int busy)
{
	if (busy == poll_parked || poll_ev == NULL)
		return;
	if (busy ? event_del(poll_ev) == -1 : event_add(poll_ev, NULL) == -1)
		fatal("check_poll_park");
	poll_parked = busy;
}

void
check_poll_init(struct event_base *base)
{
	if ((poll_fd = epoll_create1(EPOLL_CLOEXEC)) == -1)
		fatal("epoll_create1");
	if ((poll_ev = event_new(base, poll_fd, EV_READ | EV_PERSIST,
	    check_poll_run, NULL)) == NULL || event_add(poll_ev, NULL) == -1)
		fatal("check_poll_init");
}

/* Wait for the check's socket; the callback gets the check. */
void
check_want(struct check *ck, short what, void (*cb)(int, short, void *))
{
	struct epoll_event	 e;
	int			 op;

	e.events = EPOLLONESHOT | ((what & EV_READ) ? EPOLLIN : 0) |
	    ((what & EV_WRITE) ? EPOLLOUT : 0);
	e.data.ptr = ck;
	ck->poll_cb = cb;
	ck->poll_what = what;
	op = ck->poll_fd == ck->fd ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
	if (epoll_ctl(poll_fd, op, ck->fd, &e) == -1) {
		/* The descriptor number was closed and used again. */
		op = errno == ENOENT ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
		if ((errno != ENOENT && errno != EEXIST) ||
		    epoll_ctl(poll_fd, op, ck->fd, &e) == -1) {
			ck->poll_cb = NULL;
			ck->poll_fd = -1;
			check_result(ck, 0, "epoll_ctl: %s", strerror(errno));
			return;
		}
	}
	ck->poll_fd = ck->fd;
	if (!ck->poll_armed)
		poll_narmed++;
	ck->poll_armed = 1;
}

/* The check's wait ends before its socket answered, if it did not. */
void
check_unwant(struct check *ck)
{
	ck->poll_cb = NULL;
	if (ck->poll_armed && ck->poll_fd != -1 && ck->poll_fd == ck->fd) {
		(void)epoll_ctl(poll_fd, EPOLL_CTL_DEL, ck->fd, NULL);
		ck->poll_fd = -1;
	}
	poll_disarmed(ck);
}

/* The check's socket is about to be closed: it leaves the set with it. */
void
check_poll_closed(struct check *ck)
{
	ck->poll_cb = NULL;
	poll_disarmed(ck);
	ck->poll_fd = -1;
}
