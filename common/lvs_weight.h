/*
 * The one rule that turns a real server's config and health into its
 * weight in the kernel, shared by checkd (the weight a MISC_CHECK with
 * misc_dynamic reports) and lvsd (the weight it writes).  Pure.
 */
#ifndef HAD_LVS_WEIGHT_H
#define HAD_LVS_WEIGHT_H

#include <stdint.h>

#define LVS_WEIGHT_CONF	(-1)	/* reported: none, the configured weight */
#define LVS_WEIGHT_OUT	(-1)	/* kernel: not in the table at all */

struct lvs_weight_in {
	uint32_t	conf;		/* weight in the config */
	int32_t		reported;	/* checkd's, or LVS_WEIGHT_CONF */
	uint8_t		up;		/* healthy, or assumed so (alpha) */
	uint8_t		held;		/* hactl drain */
	uint8_t		inhibit;	/* inhibit_on_failure */
	uint8_t		sorry_active;	/* no quorum: the sorry server serves */
};

int32_t	 lvs_weight(const struct lvs_weight_in *);
int	 lvs_weight_misc(int, int, int32_t *);
int32_t	 lvs_weight_reported(int32_t, int32_t);
int32_t	 lvs_weight_carry(int32_t, uint32_t, uint32_t);

#endif /* HAD_LVS_WEIGHT_H */
