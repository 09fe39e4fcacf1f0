/*
 * checkd: the health-check process of had.  It is started by had(8) with
 * its socket on fd 3 and keeps no capability at all.
 */
#include <stddef.h>

#include "checkd.h"
#include "child.h"
#include "imsg.h"
#include "log.h"

static int
checkd_dispatch_parent(struct imsg *imsg)
{
	switch (imsg->hdr.type) {
	case IMSG_SCRIPT_RESULT:
		return (check_script_result(imsg));
	default:
		log_warnx("unexpected message type %u from had",
		    imsg->hdr.type);
		return (-1);
	}
}

static int
checkd_dispatch_peer(enum had_proc from, struct imsg *imsg)
{
	if (from == PROC_VRRP && imsg->hdr.type == IMSG_TRACK_QUERY &&
	    imsg->datalen == 0 && imsg_check_nofd(imsg, "vrrpd") == 0) {
		check_script_send_all();
		return (0);
	}
	log_warnx("unexpected message type %u from %s", imsg->hdr.type,
	    proc_name(from));
	return (-1);
}

static void
checkd_peer_up(enum had_proc p)
{
	if (p == PROC_VRRP)
		check_script_send_all();
}

static int
checkd_reconf(struct had_conf *old, struct had_conf *new,
    struct msg_reconf_done *done)
{
	check_script_reconf(new);
	return (0);
}

static const struct child_ops check_ops = {
	.proc = PROC_CHECK,
	.init = check_script_init,
	.dispatch_parent = checkd_dispatch_parent,
	.dispatch_peer = checkd_dispatch_peer,
	.peer_up = checkd_peer_up,
	.reconf = checkd_reconf,
};

int
main(int argc, char *argv[])
{
	return (child_main(argc, argv, &check_ops));
}
