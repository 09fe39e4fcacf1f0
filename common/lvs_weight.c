/*
 * The weight of a real server in the kernel (lvs_weight.h).
 *
 * checkd: a MISC_CHECK that exits 0 passes and reports no weight; with
 * misc_dynamic an exit status of 2 to 255 passes too and reports the
 * weight status - 2; anything else fails.  A real server with several
 * checks takes the weight of the last one that reports one.
 *
 * lvsd: the reported weight, else the configured one, while the server
 * is up (unknown health counts as keepalived's alpha says) and the sorry
 * server does not take the traffic; 0 while hactl holds it drained.
 * Down, or replaced by the sorry server: 0 with inhibit_on_failure, else
 * out of the table.  A reload that changes the configured weight drops
 * the reported one: the new config wins.
 */
#include <stdint.h>

#include "lvs_weight.h"

int32_t
lvs_weight(const struct lvs_weight_in *in)
{
	int32_t	 w;

	w = in->reported >= 0 ? in->reported : (int32_t)in->conf;
	if (in->up && !in->sorry_active)
		return (in->held ? 0 : w);
	if (in->inhibit)
		return (0);
	return (LVS_WEIGHT_OUT);
}

/*
 * A MISC_CHECK's exit status (the script ran and exited): 1 passes, with
 * the weight it reports in *reported; 0 fails (*reported unchanged).
 */
int
lvs_weight_misc(int status, int dynamic, int32_t *reported)
{
	if (status == 0) {
		*reported = LVS_WEIGHT_CONF;
		return (1);
	}
	if (dynamic && status >= 2 && status <= 255) {
		*reported = status - 2;
		return (1);
	}
	return (0);
}

/* The weight a real server reports so far, and one more check's. */
int32_t
lvs_weight_reported(int32_t sofar, int32_t check)
{
	return (check >= 0 ? check : sofar);
}

/* After a reload: the reported weight, unless the config changed it. */
int32_t
lvs_weight_carry(int32_t reported, uint32_t oldconf, uint32_t newconf)
{
	return (oldconf != newconf ? LVS_WEIGHT_CONF : reported);
}
