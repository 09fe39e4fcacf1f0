/*
 * Unit tests for the probes' epoll set (checkd/check_poll.c), on real
 * sockets in a real libevent loop: a wait is reported once; a check that
 * stops waiting is not called, not even for its socket's hangup; a
 * descriptor number closed and used again still works; a hangup reaches
 * a reader as readable.
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

static void
setup(void)
{
	base = event_base_new();
	cr_assert(base != NULL);
	check_poll_init(base);
}

static void
on_ready(int fd, short what, void *arg)
{
	(void)fd;
	(void)arg;
	calls++;
	last_what = what;
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
