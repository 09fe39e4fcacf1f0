/*
 * Unit tests for checkd's timing wheel (checkd/check_wheel.c) on a real
 * libevent base: every entry runs once, never before its time, in the
 * order of its millisecond; deleted entries never run; entries beyond
 * one turn of the wheel wait for their turn.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event.h>

#include <criterion/criterion.h>

#include "../../checkd/checkd.h"

#define N	500

struct item {
	struct wheel_entry	 e;
	uint64_t		 due;	/* ms */
	uint64_t		 slot;	/* the wheel's ms */
	uint64_t		 ran;	/* ms, 0: not yet */
	int			 runs;
};

static struct event_base	*base;
static struct item		 items[N];
static int			 left;
static uint64_t			 last_due;
static int			 out_of_order;

static uint64_t
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

static void
ran(void *arg)
{
	struct item	*it = arg;

	it->ran = now_ms();
	it->runs++;
	if (it->slot < last_due)
		out_of_order++;
	last_due = it->slot;
	if (--left == 0)
		event_base_loopbreak(base);
}

static void
stop(int fd, short ev, void *arg)
{
	event_base_loopbreak(base);
}

/* Run the loop until every entry ran, or at most secs seconds. */
static void
run_for(int secs)
{
	struct event	*guard;
	struct timeval	 tv = { secs, 0 };

	guard = evtimer_new(base, stop, NULL);
	evtimer_add(guard, &tv);
	event_base_dispatch(base);
	event_free(guard);
}

static void
setup(void)
{
	struct event_config	*cfg;

	/* As every child's base (common/child.c): timers to the us. */
	cfg = event_config_new();
	cr_assert_not_null(cfg);
	cr_assert_eq(event_config_set_flag(cfg,
	    EVENT_BASE_FLAG_PRECISE_TIMER), 0);
	base = event_base_new_with_config(cfg);
	event_config_free(cfg);
	cr_assert_not_null(base);
	check_wheel_init(base);
	memset(items, 0, sizeof(items));
	left = 0;
	last_due = 0;
	out_of_order = 0;
}

static void
teardown(void)
{
	event_base_free(base);
}

/* N entries at random milliseconds of the next 300 (and microseconds). */
static void
add_spread(unsigned int seed, int with_us)
{
	uint64_t	 t0;
	int		 i;

	srandom(seed);
	t0 = now_ms();
	for (i = 0; i < N; i++) {
		uint64_t us = (uint64_t)(random() % 300) * 1000 +
		    (with_us ? random() % 1000 : 0);

		check_wheel_set(&items[i].e, ran, &items[i]);
		check_wheel_add(&items[i].e, us);
		/* The wheel rounds up to its next millisecond. */
		items[i].due = t0 + us / 1000;
		items[i].slot = items[i].e.when;
		left++;
	}
}

TestSuite(check_wheel, .init = setup, .fini = teardown);

Test(check_wheel, every_entry_once_in_time_and_order)
{
	int		 i;

	add_spread(7, 1);
	run_for(10);
	cr_assert_eq(left, 0, "%d entries did not run", left);
	for (i = 0; i < N; i++) {
		cr_assert_eq(items[i].runs, 1, "entry %d ran %d times", i,
		    items[i].runs);
		cr_assert_geq(items[i].ran, items[i].due,
		    "entry %d ran %llu ms early", i,
		    (unsigned long long)(items[i].due - items[i].ran));
		cr_assert_not(check_wheel_pending(&items[i].e));
	}
	cr_assert_eq(out_of_order, 0, "%d entries ran out of order",
	    out_of_order);
}

static int
cmp_ran(const void *a, const void *b)
{
	const struct item	*x = a, *y = b;

	return (x->ran < y->ran ? -1 : x->ran > y->ran);
}

/*
 * The wheel wakes at most every 4 ms (WHEEL_TICK): 500 entries over
 * 300 ms run in at most 300 / 4 + 2 distinct milliseconds, each no more
 * than a tick late (and a generous margin for a loaded machine).
 */
Test(check_wheel, wakes_at_most_every_tick)
{
	int		 i, distinct = 0;

	add_spread(11, 0);
	run_for(10);
	cr_assert_eq(left, 0, "%d entries did not run", left);
	for (i = 0; i < N; i++)
		cr_assert_leq(items[i].ran, items[i].due + 4 + 250,
		    "entry %d ran %llu ms late", i,
		    (unsigned long long)(items[i].ran - items[i].due));
	qsort(items, N, sizeof(items[0]), cmp_ran);
	for (i = 0; i < N; i++)
		if (i == 0 || items[i].ran != items[i - 1].ran)
			distinct++;
	cr_assert_leq(distinct, 300 / 4 + 2,
	    "entries ran in %d distinct milliseconds of 300", distinct);
}

Test(check_wheel, deleted_and_moved_entries)
{
	int	 i;

	for (i = 0; i < 10; i++) {
		check_wheel_set(&items[i].e, ran, &items[i]);
		check_wheel_add(&items[i].e, 20000);
	}
	for (i = 0; i < 5; i++)
		check_wheel_del(&items[i].e);
	/* Adding again moves the entry: it runs once, at the new time. */
	for (i = 5; i < 10; i++) {
		check_wheel_add(&items[i].e, 50000);
		cr_assert(check_wheel_pending(&items[i].e));
		left++;
	}
	run_for(5);
	cr_assert_eq(left, 0);
	for (i = 0; i < 5; i++)
		cr_assert_eq(items[i].runs, 0, "deleted entry %d ran", i);
	for (i = 5; i < 10; i++)
		cr_assert_eq(items[i].runs, 1);
}

/* 1.5 s is beyond one turn of the 1024-slot wheel. */
Test(check_wheel, beyond_one_turn)
{
	uint64_t	 t0 = now_ms();

	check_wheel_set(&items[0].e, ran, &items[0]);
	check_wheel_add(&items[0].e, 1500 * 1000);
	check_wheel_set(&items[1].e, ran, &items[1]);
	check_wheel_add(&items[1].e, 10 * 1000);
	left = 2;
	run_for(5);
	cr_assert_eq(left, 0);
	cr_assert_geq(items[0].ran, t0 + 1500, "ran after %llu ms",
	    (unsigned long long)(items[0].ran - t0));
	cr_assert_geq(items[1].ran, t0 + 10);
}

/* An entry due now, added from a callback, runs on the next turn. */
static void
again(void *arg)
{
	struct item	*it = arg;

	if (++it->runs < 3)
		check_wheel_add(&it->e, 0);
	else if (--left == 0)
		event_base_loopbreak(base);
}

Test(check_wheel, re_added_from_its_callback)
{
	check_wheel_set(&items[0].e, again, &items[0]);
	check_wheel_add(&items[0].e, 0);
	left = 1;
	run_for(5);
	cr_assert_eq(items[0].runs, 3);
	cr_assert_eq(left, 0);
}
