/*
 * The state of lvsd's IPVS side, at the bottom of its layers (lvsd.h):
 * every file may read it; each part has one file that writes it.
 */
#include "lvsd.h"

struct lvs_state	 lvs;
