/*
 * Unit tests for tracking's arithmetic: what a tracked script, interface
 * or track_file does to a VRRP instance's priority (vrrpd/vrrp_state.c),
 * and how checkd reads a track file's number (checkd/check_script.c),
 * against keepalived.conf(5) of keepalived 2.2.7.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <stdint.h>
#include <string.h>

#include <criterion/criterion.h>

#include "../../vrrpd/vrrp_packet.h"
#include "../../vrrpd/vrrp_state.h"
#include "../../checkd/checkd.h"

Test(track, script_weights)
{
	int	f;

	/* A positive weight counts while up, a negative one while down. */
	cr_expect_eq(vrrp_track_delta(1, 10, &f), 10);
	cr_expect_eq(f, 0);
	cr_expect_eq(vrrp_track_delta(0, 10, &f), 0);
	cr_expect_eq(f, 0);
	cr_expect_eq(vrrp_track_delta(0, -40, &f), -40);
	cr_expect_eq(f, 0);
	cr_expect_eq(vrrp_track_delta(1, -40, &f), 0);
	cr_expect_eq(f, 0);
	/* Weight 0: down is Fault. */
	cr_expect_eq(vrrp_track_delta(0, 0, &f), 0);
	cr_expect_eq(f, 1);
	cr_expect_eq(vrrp_track_delta(1, 0, &f), 0);
	cr_expect_eq(f, 0);
}

Test(track, file_weights)
{
	int	f;

	/* Number times weight. */
	cr_expect_eq(vrrp_track_file_delta(5, -10, &f), -50);
	cr_expect_eq(f, 0);
	cr_expect_eq(vrrp_track_file_delta(0, -10, &f), 0);
	cr_expect_eq(f, 0);
	cr_expect_eq(vrrp_track_file_delta(-3, -10, &f), 30);
	cr_expect_eq(vrrp_track_file_delta(7, 1, &f), 7);
	/* Weight 0: a non-zero number faults, 0 is fine. */
	cr_expect_eq(vrrp_track_file_delta(1, 0, &f), 0);
	cr_expect_eq(f, 1);
	cr_expect_eq(vrrp_track_file_delta(-1, 0, &f), 0);
	cr_expect_eq(f, 1);
	cr_expect_eq(vrrp_track_file_delta(0, 0, &f), 0);
	cr_expect_eq(f, 0);
	/* Below -253: Fault; -253 itself is a priority change. */
	cr_expect_eq(vrrp_track_file_delta(-253, 1, &f), -253);
	cr_expect_eq(f, 0);
	cr_expect_eq(vrrp_track_file_delta(-254, 1, &f), 0);
	cr_expect_eq(f, 1);
	cr_expect_eq(vrrp_track_file_delta(30, -10, &f), 0);
	cr_expect_eq(f, 1);
	/* Above 253: 253; the extremes do not overflow. */
	cr_expect_eq(vrrp_track_file_delta(1000, 1, &f), 253);
	cr_expect_eq(f, 0);
	cr_expect_eq(vrrp_track_file_delta(2147483647, 2147483647, &f), 253);
	cr_expect_eq(vrrp_track_file_delta(-2147483647, 2147483647, &f), 0);
	cr_expect_eq(f, 1);
}

static int64_t
parse(const char *s, int *ok)
{
	int64_t	 v;

	*ok = track_file_parse(s, strlen(s), &v) == 0;
	return (v);
}

Test(track, file_parse)
{
	int	ok;

	cr_expect_eq(parse("5\n", &ok), 5);
	cr_expect(ok);
	cr_expect_eq(parse("  -12 \n", &ok), -12);
	cr_expect(ok);
	cr_expect_eq(parse("+3", &ok), 3);
	cr_expect(ok);
	cr_expect_eq(parse("2147483647", &ok), 2147483647);
	cr_expect(ok);
	cr_expect_eq(parse("-2147483647", &ok), -2147483647);
	cr_expect(ok);
	/* No number, or beyond int32: unreadable, 0. */
	cr_expect_eq(parse("", &ok), 0);
	cr_expect(!ok);
	cr_expect_eq(parse("\n", &ok), 0);
	cr_expect(!ok);
	cr_expect_eq(parse("abc", &ok), 0);
	cr_expect(!ok);
	cr_expect_eq(parse("5x", &ok), 0);
	cr_expect(!ok);
	cr_expect_eq(parse("5 6", &ok), 0);
	cr_expect(!ok);
	cr_expect_eq(parse("-", &ok), 0);
	cr_expect(!ok);
	cr_expect_eq(parse("2147483648", &ok), 0);
	cr_expect(!ok);
	cr_expect_eq(parse("-2147483648", &ok), 0);
	cr_expect(!ok);
	cr_expect_eq(parse("99999999999999999999999", &ok), 0);
	cr_expect(!ok);
	cr_expect_eq(track_file_parse("7\0", 2, &(int64_t){0}), -1);
}
