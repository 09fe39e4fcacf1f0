/*
 * The one weight rule (common/lvs_weight.c) as a table of cases: the
 * weight a real server gets in the kernel from its configured weight,
 * health, hactl drain, inhibit_on_failure, the sorry server and the
 * weight a misc_dynamic MISC_CHECK reports; and how checkd turns exit
 * statuses and several checks into that reported weight.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "lvs_weight.h"

#define C	LVS_WEIGHT_CONF
#define OUT	LVS_WEIGHT_OUT

struct wcase {
	const char	*what;
	uint32_t	 conf;
	int32_t		 reported;
	int		 up, held, inhibit, sorry;
	int32_t		 want;
};

static const struct wcase cases[] = {
	{ "up: the configured weight",		5, C, 1, 0, 0, 0, 5 },
	{ "up, weight 0 configured",		0, C, 1, 0, 0, 0, 0 },
	{ "up: misc_dynamic's weight wins",	5, 9, 1, 0, 0, 0, 9 },
	{ "up: misc_dynamic says 0",		5, 0, 1, 0, 0, 0, 0 },
	{ "up, drained: 0",			5, C, 1, 1, 0, 0, 0 },
	{ "up, drained, reported: 0",		5, 9, 1, 1, 0, 0, 0 },
	{ "down: out of the table",		5, C, 0, 0, 0, 0, OUT },
	{ "down, reported: out",		5, 9, 0, 0, 0, 0, OUT },
	{ "down, inhibit_on_failure: 0",	5, C, 0, 0, 1, 0, 0 },
	{ "down, drained: out",			5, C, 0, 1, 0, 0, OUT },
	{ "down, drained, inhibit: 0",		5, C, 0, 1, 1, 0, 0 },
	{ "up, sorry server serves: out",	5, C, 1, 0, 0, 1, OUT },
	{ "up, sorry serves, inhibit: 0",	5, 9, 1, 0, 1, 1, 0 },
	{ "down, sorry serves: out",		5, C, 0, 0, 0, 1, OUT },
	{ "the largest weight",			65535, C, 1, 0, 0, 0, 65535 },
	{ "reported over a large conf",		65535, 253, 1, 0, 0, 0, 253 },
};

Test(lvs_weight, table)
{
	struct lvs_weight_in	 in;
	size_t			 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&in, 0, sizeof(in));
		in.conf = cases[i].conf;
		in.reported = cases[i].reported;
		in.up = cases[i].up;
		in.held = cases[i].held;
		in.inhibit = cases[i].inhibit;
		in.sorry_active = cases[i].sorry;
		cr_expect_eq(lvs_weight(&in), cases[i].want, "%s: %d, not %d",
		    cases[i].what, lvs_weight(&in), cases[i].want);
	}
}

/* checkd: a MISC_CHECK's exit status, with and without misc_dynamic. */
Test(lvs_weight, misc_status)
{
	static const struct {
		int	 status, dynamic, pass;
		int32_t	 reported;	/* when it passes */
	} m[] = {
		{ 0, 0, 1, C }, { 0, 1, 1, C },
		{ 1, 0, 0, 0 }, { 1, 1, 0, 0 },
		{ 2, 0, 0, 0 }, { 2, 1, 1, 0 },
		{ 3, 1, 1, 1 }, { 102, 1, 1, 100 },
		{ 255, 0, 0, 0 }, { 255, 1, 1, 253 },
		{ 256, 1, 0, 0 }, { -1, 1, 0, 0 },
	};
	size_t	 i;
	int32_t	 w;

	for (i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		w = 77;
		cr_expect_eq(lvs_weight_misc(m[i].status, m[i].dynamic, &w),
		    m[i].pass, "status %d dynamic %d", m[i].status,
		    m[i].dynamic);
		cr_expect_eq(w, m[i].pass ? m[i].reported : 77,
		    "status %d dynamic %d: weight %d", m[i].status,
		    m[i].dynamic, w);
	}
}

/* checkd: several checks, the last one that reports a weight wins. */
Test(lvs_weight, reported_of_checks)
{
	int32_t	 w = C;

	w = lvs_weight_reported(w, C);
	cr_expect_eq(w, C, "no check reports: the configured weight");
	w = lvs_weight_reported(w, 4);
	w = lvs_weight_reported(w, C);
	cr_expect_eq(w, 4, "one reports 4, another nothing");
	w = lvs_weight_reported(w, 0);
	cr_expect_eq(w, 0, "a later one reports 0");
}

/* A reload keeps the reported weight unless the configured one changed. */
Test(lvs_weight, carried_over_reload)
{
	cr_expect_eq(lvs_weight_carry(9, 5, 5), 9);
	cr_expect_eq(lvs_weight_carry(C, 5, 5), C);
	cr_expect_eq(lvs_weight_carry(9, 5, 6), C, "the new config wins");
}
