/*
 * checkd: the health-check process of had.  It is started by had(8) with
 * its socket on fd 3 and keeps no capability at all.
 */
#include <stddef.h>
#include <string.h>

#include "checkd.h"
#include "child.h"
#include "imsg.h"
#include "log.h"

static int
checkd_dispatch_parent(struct imsg *imsg)
{
	struct msg_script_result	 r;

	switch (imsg->hdr.type) {
	case IMSG_ICMP_FD:
		return (check_ping_fd(imsg));
	case IMSG_PROC_FD:
		return (check_proc_fd(imsg));
	case IMSG_SMTP_ALERT:
		return (check_mail_msg(imsg));
	case IMSG_TRACK_FILE_FD:
		return (check_track_file(imsg));
	case IMSG_SCRIPT_RESULT:
		if (imsg_check_size(imsg, sizeof(r), "had") == -1)
			return (-1);
		memcpy(&r, imsg->data, sizeof(r));
		if (r.kind == SCRIPT_MISC)
			return (check_misc_result(imsg));
		return (check_script_result(imsg));
	default:
		log_warnx("unexpected message type %u from had",
		    imsg->hdr.type);
		return (-1);
	}
}

/* The message contract (msg_contract.c) is checked before these. */
static int
checkd_dispatch_vrrpd(struct imsg *imsg)
{
	if (imsg->hdr.type == IMSG_TRACK_QUERY) {
		check_script_send_all();
		check_proc_send_all();
		check_witness_send_all();
		return (0);
	}
	log_warnx("vrrpd: unexpected message type %u", imsg->hdr.type);
	return (-1);
}

static int
checkd_dispatch_lvsd(struct imsg *imsg)
{
	if (imsg->hdr.type == IMSG_VS_PRESENCE)
		return (check_suspend_msg(imsg));
	log_warnx("lvsd: unexpected message type %u", imsg->hdr.type);
	return (-1);
}

static void
checkd_peer_up(enum had_proc p)
{
	if (p == PROC_VRRP) {
		check_script_send_all();
		check_proc_send_all();
		check_witness_send_all();
	}
	else if (p == PROC_LVS)
		check_send_all();
}

static void
checkd_init(struct event_base *base)
{
	check_script_init(base);
	check_proc_init(base);
	check_init(base);
	check_mail_init(base);
}

static int
checkd_reconf(struct had_conf *old, struct had_conf *new,
    struct msg_reconf_done *done)
{
	check_mail_reconf(new);
	check_script_reconf(new);
	check_proc_reconf(new);
	check_suspend_reconf(new);
	check_reconf(new);
	check_witness_reconf(new);
	return (0);
}

static void
checkd_shutdown(void)
{
	check_witness_shutdown();
	check_shutdown();
	check_suspend_shutdown();
	check_mail_shutdown();
}

static const struct child_ops check_ops = {
	.proc = PROC_CHECK,
	.init_privileged = check_init_privileged,
	.init = checkd_init,
	.dispatch_parent = checkd_dispatch_parent,
	.dispatch_peer = {
		[PROC_VRRP] = checkd_dispatch_vrrpd,
		[PROC_LVS] = checkd_dispatch_lvsd,
		[PROC_BFD] = check_bfd_msg,
	},
	.peer_up = checkd_peer_up,
	.reconf = checkd_reconf,
	.ctl = check_ctl,
	.shutdown = checkd_shutdown,
};

int
main(int argc, char *argv[])
{
	return (child_main(argc, argv, &check_ops));
}
