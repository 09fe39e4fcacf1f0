/*
 * bfdd: the BFD process of had (RFC 5880 asynchronous mode, RFC 5881
 * single hop, IPv4 and IPv6).  No capability: UDP 3784 and the source
 * ports 49152-65535 are not privileged, and neither is sending with TTL
 * 255 nor reading the received TTL.
 */
#ifndef HAD_BFDD_H
#define HAD_BFDD_H

#include <stdint.h>

#include "imsg.h"
#include "msg.h"

struct event_base;
struct had_conf;
struct msg_reconf_done;

void	bfdd_init(struct event_base *);
int	bfdd_reconf(struct had_conf *, struct had_conf *,
	    struct msg_reconf_done *);
int	bfdd_dispatch_parent(struct imsg *);
int	bfdd_dispatch_vrrpd(struct imsg *);
int	bfdd_dispatch_checkd(struct imsg *);
void	bfdd_peer_up(enum had_proc);
int	bfdd_ctl(struct imsg *);
void	bfdd_shutdown(void);

#endif /* HAD_BFDD_H */
