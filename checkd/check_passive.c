/*
 * BFD_CHECK and FILE_CHECK: checks that probe nothing.
 *
 * A BFD_CHECK is up while bfdd says its session is Up.  A FILE_CHECK
 * follows the number of a track_file, with keepalived's rules (see
 * file_start()).  Each round reads the last state; a change runs a
 * round at once, so that a server leaves the pool as fast as bfdd
 * detects the failure rather than at the next delay_loop.
 *
 * bfdd has no capability and parses packets from the LAN: what it says
 * is untrusted.  It can only move BFD_CHECKs that name its sessions; a
 * state for a name no check tracks is dropped, so it cannot grow
 * checkd's memory either.
 */
#include <sys/types.h>

#include <stdio.h>
#include <string.h>

#include "checkd.h"
#include "child.h"
#include "imsg.h"
#include "log.h"

#define BFD_UP		3	/* enum bfd_state: AdminDown, Down, Init, Up */

static const char *const bfd_states[] = {
	"AdminDown", "Down", "Init", "Up"
};

static void
bfd_start(struct check *ck)
{
	const char	*name = ck->c->dns_name;

	if (ck->bfd_state < 0)
		/* Until bfdd speaks, the check stays as it is. */
		check_result(ck, ck->up, "BFD session %s: no state from "
		    "bfdd yet", name);
	else
		check_result(ck, ck->bfd_state == BFD_UP, "BFD session %s "
		    "%s", name, bfd_states[ck->bfd_state]);
}

const struct check_type check_type_bfd = {
	.name = "BFD_CHECK",
	.start = bfd_start,
};

/*
 * keepalived's track_file rules for a checker: w is FILE_CHECK's weight,
 * else the track_file's; reverse negates it.  Weight 0: a non-zero
 * number takes the server out (reverse: zero does).  Otherwise number
 * times weight below -253 takes it out; with dynamic, the product is
 * added to the real server's weight.
 */
static void
file_start(struct check *ck)
{
	const struct check_conf	*c = ck->c;
	int64_t			 val, r, nw;
	int32_t			 w;
	int			 rev, st, down;

	st = check_track_file_get(c->track_file, &val, &w, &rev);
	if (c->file_has_weight) {
		w = c->file_weight;
		rev = c->file_reverse;
	}
	if (st < 0) {
		check_result(ck, ck->up, "track_file %s not read yet",
		    c->track_file);
		return;
	}
	ck->weight = -1;
	if (w == 0) {
		down = rev ? val == 0 : val != 0;
		check_result(ck, !down, "track_file %s is %lld (weight 0%s)",
		    c->track_file, (long long)val, rev ? " reverse" : "");
		return;
	}
	/* |val| and |w| are below 2^31: the product fits. */
	r = val * (int64_t)(rev ? -(int64_t)w : w);
	if (r < -253) {
		check_result(ck, 0, "track_file %s is %lld (weight %d%s)",
		    c->track_file, (long long)val, w, rev ? " reverse" : "");
		return;
	}
	if (c->file_dynamic) {
		nw = (int64_t)ck->rs_weight + r;
		ck->weight = nw < 0 ? 0 : nw > 65535 ? 65535 : (int32_t)nw;
		check_result(ck, 1, "track_file %s is %lld: weight %d",
		    c->track_file, (long long)val, ck->weight);
	} else
		check_result(ck, 1, "track_file %s is %lld", c->track_file,
		    (long long)val);
}

const struct check_type check_type_file = {
	.name = "FILE_CHECK",
	.start = file_start,
};

/* bfdd: a session's state.  The contract has checked sizes and ranges. */
int
check_bfd_msg(struct imsg *imsg)
{
	struct msg_bfd_state	 m;

	if (imsg->hdr.type != IMSG_BFD_STATE) {
		log_warnx("bfdd: unexpected message type %u",
		    imsg->hdr.type);
		return (-1);
	}
	memcpy(&m, imsg->data, sizeof(m));
	if (m.state > BFD_UP || m.up != (m.state == BFD_UP)) {
		log_warnx("bfdd: BFD session %s: state %u and up %u",
		    m.name, m.state, m.up);
		return (-1);
	}
	if (check_passive_update(CHECK_BFD, m.name, (int)m.state) == 0)
		log_debug("bfdd: BFD session %s: no BFD_CHECK tracks it",
		    m.name);
	return (0);
}

/* After a reload: the states of the sessions new checks name. */
void
check_bfd_query(int nbfd)
{
	if (nbfd > 0)
		(void)child_send_peer(PROC_BFD, IMSG_BFD_QUERY, NULL, 0);
}
