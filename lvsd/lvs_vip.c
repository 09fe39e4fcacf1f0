/*
 * What the rtnetlink side of lvsd shares below its files: the virtual
 * addresses it added for vrrpd, the way messages go to vrrpd and to the
 * config (the unit tests replace both), and the name of a VMAC link.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "child.h"
#include "conf.h"
#include "lvsd.h"

struct lvs_vip_list	 lvs_vips = TAILQ_HEAD_INITIALIZER(lvs_vips);

static int
lvs_send_peer(uint32_t type, const void *data, size_t len)
{
	return (child_send_peer(PROC_VRRP, type, data, len));
}

static const struct had_conf *
lvs_child_conf(void)
{
	return (child->conf);
}

int (*lvs_vrrp_send)(uint32_t, const void *, size_t) = lvs_send_peer;
const struct had_conf *(*lvs_conf)(void) = lvs_child_conf;

struct lvs_vip *
lvs_vip_find(int af, const uint8_t *addr, int ifindex)
{
	struct lvs_vip	*lv;

	TAILQ_FOREACH(lv, &lvs_vips, entry)
		if (lv->af == af && lv->ifindex == ifindex &&
		    memcmp(lv->addr, addr, af == AF_INET ? 4 : 16) == 0)
			return (lv);
	return (NULL);
}

void
lvs_vip_clear(void)
{
	struct lvs_vip	*lv;

	while ((lv = TAILQ_FIRST(&lvs_vips)) != NULL) {
		TAILQ_REMOVE(&lvs_vips, lv, entry);
		free(lv);
	}
}

/* keepalived's default name, so that existing tooling keeps working. */
void
lvs_vmac_name(const struct vrrp_instance_conf *c, char *buf, size_t len)
{
	if (c->vmac_name[0] != '\0')
		strlcpy(buf, c->vmac_name, len);
	else
		snprintf(buf, len, "vrrp.%u", c->vrid);
}
