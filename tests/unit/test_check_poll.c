/*
 * Unit tests for the probes' epoll set (checkd/check_poll.c), on real
 * sockets in a real libevent loop: a wait is reported once; a check that
 * stops waiting is not called, not even for its socket's hangup; a
 * descriptor number closed and used again still works; a hangup reaches
 * a reader as readable.  While the timing wheel ticks without pause the
 * set is parked and answers are collected by its ticks; a quiet checkd
 * is woken by the answer itself.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event.h>

#include <criterion/criterion.h>

#include "../../checkd/checkd.h"

static struct event_base	*base;
static int			 calls;
static short			 last_what;
static short			 woken_by;	/* what ran the callback */

static void
setup(void)
{
	base = event_base_new();
	cr_assert(base != NULL);
	check_poll_init(base);
	check_wheel_init(base);
}

static void
on_ready(int fd, short what, void *arg)
{
	(void)fd;
	(void)arg;
	struct event	*ev;

	calls++;
	last_what = what;
	ev = event_base_get_running_event(base);
	woken_by = ev != NULL ? event_get_events(ev) : -1;
}

/* Run the loop for about ms milliseconds. */
static void
run_for(int ms)
{
	struct timeval	 tv = { 0, ms * 1000 };

	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
}

static void
pair(int sv[2])
{
	cr_assert(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0,
	    sv) == 0);
}

static struct check *
new_check(int fd)
{
	struct check	*ck;

	cr_assert((ck = calloc(1, sizeof(*ck))) != NULL);
	ck->fd = fd;
	ck->keep_fd = -1;
	ck->poll_fd = -1;
	return (ck);
}

TestSuite(check_poll, .init = setup);

Test(check_poll, a_wait_is_reported_once)
{
	struct check	*ck;
	int		 sv[2];

	pair(sv);
	ck = new_check(sv[0]);
	check_want(ck, EV_READ, on_ready);
	run_for(20);
	cr_assert_eq(calls, 0, "called before anything was readable");
	cr_assert(write(sv[1], "x", 1) == 1);
	run_for(20);
	cr_assert_eq(calls, 1);
	cr_assert_eq(last_what, EV_READ);
	/* Still readable (nothing read), but the wait has been reported. */
	run_for(20);
	cr_assert_eq(calls, 1, "a one-shot wait was reported twice");
	/* Waiting again re-arms it (EPOLL_CTL_MOD: poll_fd is set). */
	cr_assert_eq(ck->poll_fd, sv[0]);
	check_want(ck, EV_READ, on_ready);
	run_for(20);
	cr_assert_eq(calls, 2);
	free(ck);
}

Test(check_poll, a_check_that_stops_waiting_is_not_called)
{
	struct check	*ck;
	int		 sv[2];

	pair(sv);
	ck = new_check(sv[0]);
	check_want(ck, EV_READ, on_ready);
	check_unwant(ck);
	cr_assert(write(sv[1], "x", 1) == 1);
	close(sv[1]);		/* and a hangup */
	run_for(30);
	cr_assert_eq(calls, 0, "called after it stopped waiting");
	/* It left the set; waiting again adds it back. */
	cr_assert_eq(ck->poll_fd, -1);
	check_want(ck, EV_READ, on_ready);
	run_for(20);
	cr_assert_eq(calls, 1);
	free(ck);
}

Test(check_poll, a_reused_descriptor_number_works)
{
	struct check	*ck;
	int		 sv[2], sv2[2], n;

	pair(sv);
	ck = new_check(sv[0]);
	check_want(ck, EV_READ, on_ready);
	cr_assert(write(sv[1], "x", 1) == 1);
	run_for(20);
	cr_assert_eq(calls, 1);
	/* Closed behind check_poll's back: the set drops it, poll_fd stays. */
	n = sv[0];
	close(sv[0]);
	close(sv[1]);
	pair(sv2);
	cr_assert(sv2[0] == n || sv2[1] == n, "the number was not reused");
	ck->fd = n;
	cr_assert_eq(ck->poll_fd, n);
	check_want(ck, EV_READ, on_ready);	/* MOD fails, ADD works */
	cr_assert(write(sv2[0] == n ? sv2[1] : sv2[0], "y", 1) == 1);
	run_for(20);
	cr_assert_eq(calls, 2, "the new socket under the old number is "
	    "not watched");
	free(ck);
}

Test(check_poll, a_hangup_wakes_a_reader)
{
	struct check	*ck;
	int		 sv[2];

	pair(sv);
	ck = new_check(sv[0]);
	check_want(ck, EV_READ, on_ready);
	close(sv[1]);
	run_for(20);
	cr_assert_eq(calls, 1);
	cr_assert_eq(last_what, EV_READ, "a reader got %#x", last_what);
	free(ck);
}

Test(check_poll, a_writer_is_called_for_write_only)
{
	struct check	*ck;
	int		 sv[2];

	pair(sv);
	ck = new_check(sv[0]);
	check_want(ck, EV_WRITE, on_ready);
	run_for(20);
	cr_assert_eq(calls, 1);
	cr_assert_eq(last_what, EV_WRITE);
	free(ck);
}

/* A wheel entry due every millisecond: the wheel ticks without pause. */
static struct wheel_entry	 busy_e;
static int			 ticks;
static struct check		*busy_ck;
static int			 busy_sv[2];
static int			 parked_when_armed = -1;

static void
busy(void *arg)
{
	(void)arg;
	if (++ticks == 10) {
		/* An answer while the wheel is busy. */
		parked_when_armed = check_poll_parked();
		check_want(busy_ck, EV_READ, on_ready);
		cr_assert(write(busy_sv[1], "x", 1) == 1);
	}
	if (ticks < 40)
		check_wheel_add(&busy_e, 1000);
}

Test(check_poll, a_busy_wheel_collects_answers_on_its_ticks)
{
	pair(busy_sv);
	busy_ck = new_check(busy_sv[0]);
	check_wheel_set(&busy_e, busy, NULL);
	check_wheel_add(&busy_e, 1000);
	run_for(300);
	cr_assert_eq(ticks, 40);
	cr_assert_eq(parked_when_armed, 1, "the set was not parked while "
	    "the wheel ticked");
	cr_assert_eq(calls, 1);
	cr_assert_eq(last_what, EV_READ);
	/* Called from the wheel's timer, not for the socket's readiness. */
	cr_assert(woken_by != -1 && (woken_by & EV_READ) == 0,
	    "the answer woke checkd itself (events %#x)", woken_by);
	/* The wheel stopped: the set is back in the loop. */
	cr_assert_eq(check_poll_parked(), 0);
	free(busy_ck);
}

Test(check_poll, a_quiet_checkd_is_woken_by_the_answer)
{
	struct check	*ck;
	int		 sv[2];

	pair(sv);
	ck = new_check(sv[0]);
	cr_assert_eq(check_poll_parked(), 0);
	check_want(ck, EV_READ, on_ready);
	cr_assert(write(sv[1], "x", 1) == 1);
	run_for(20);
	cr_assert_eq(calls, 1);
	cr_assert(woken_by != -1 && (woken_by & EV_READ) != 0,
	    "not called for the socket's readiness (events %#x)", woken_by);
	free(ck);
}

/*
 * Answers still awaited when the wheel has nothing more to run: the set
 * stays parked and the wheel ticks once more to collect them, instead of
 * going back to libevent's loop between two checks a few ticks apart.
 */
static struct check	*flow_ck[2];
static int		 flow_sv[2][2];
static short		 flow_woken_by[2] = { -1, -1 };
static int		 flow_calls[2];

static void
flow_ready(int fd, short what, void *arg)
{
	struct check	*ck = arg;
	struct event	*ev;
	int		 i = ck == flow_ck[0] ? 0 : 1;

	(void)fd;
	(void)what;
	flow_calls[i]++;
	ev = event_base_get_running_event(base);
	flow_woken_by[i] = ev != NULL ? event_get_events(ev) : -1;
	/* The first answer is in; the second comes now. */
	if (i == 0)
		cr_assert(write(flow_sv[1][1], "y", 1) == 1);
}

static void
flow_busy(void *arg)
{
	(void)arg;
	if (++ticks == 9) {
		check_want(flow_ck[0], EV_READ, flow_ready);
		check_want(flow_ck[1], EV_READ, flow_ready);
		cr_assert(write(flow_sv[0][1], "x", 1) == 1);
	}
	if (ticks < 10)
		check_wheel_add(&busy_e, 1000);
}

Test(check_poll, answers_still_awaited_keep_the_wheel_ticking)
{
	int	 i;

	for (i = 0; i < 2; i++) {
		pair(flow_sv[i]);
		flow_ck[i] = new_check(flow_sv[i][0]);
	}
	check_wheel_set(&busy_e, flow_busy, NULL);
	check_wheel_add(&busy_e, 1000);
	run_for(200);
	cr_assert_eq(ticks, 10);
	for (i = 0; i < 2; i++) {
		cr_assert_eq(flow_calls[i], 1, "check %d called %d times", i,
		    flow_calls[i]);
		cr_assert(flow_woken_by[i] != -1 &&
		    (flow_woken_by[i] & EV_READ) == 0,
		    "check %d: called for its socket's readiness (events %#x)",
		    i, flow_woken_by[i]);
	}
	cr_assert_eq(check_poll_waiting(), 0);
	cr_assert_eq(check_poll_parked(), 0, "still parked with nothing "
	    "awaited");
	for (i = 0; i < 2; i++)
		free(flow_ck[i]);
}
