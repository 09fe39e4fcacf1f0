/*
 * vrrpd: the vrrp process of had.  It is started by had(8) with its socket on
 * fd 3 and keeps only the capabilities DESIGN.md gives it.
 */
#include <stddef.h>

#include "child.h"
#include "vrrpd.h"

static const struct child_ops vrrp_ops = {
	.proc = PROC_VRRP,
	.init = vrrpd_init,
	.dispatch_parent = vrrpd_dispatch_parent,
	.dispatch_peer = {
		[PROC_LVS] = vrrpd_dispatch_lvsd,
		[PROC_CHECK] = vrrpd_dispatch_checkd,
		[PROC_BFD] = vrrpd_dispatch_bfdd,
	},
	.peer_up = vrrpd_peer_up,
	.reconf = vrrpd_reconf,
	.ctl = vrrpd_ctl,
	.stop = vrrpd_stop,
	.shutdown = vrrpd_shutdown,
};

int
main(int argc, char *argv[])
{
	return (child_main(argc, argv, &vrrp_ops));
}
