/*
 * rtnetlink messages as lvsd's link and address monitor receives them
 * (RTM_NEWLINK, RTM_DELLINK, RTM_NEWADDR, RTM_DELADDR, and anything
 * else): lvs_link_msg() on each message of a buffer, walked the way
 * libnl does (nlmsg_ok/nlmsg_next).  A small configuration makes lvsd
 * watch a few links, so that link changes are told to vrrpd (a stub
 * here that checks the message); the link table is emptied after each
 * input.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/netlink.h>
#include <netlink/msg.h>

#include "conf.h"
#include "imsg.h"
#include "lvsd.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char	*conf_text =
    "vrrp_instance VI_1 {\n"
    "	interface eth0\n"
    "	virtual_router_id 1\n"
    "	track_interface {\n"
    "		eth1\n"
    "	}\n"
    "	virtual_ipaddress {\n"
    "		198.18.0.1/24 dev eth2\n"
    "		2001:db8::1/64\n"
    "	}\n"
    "}\n";

static struct had_conf	*conf;

/* What lvsd would send vrrpd: a link state of a watched, named link. */
static int
stub_vrrp_send(uint32_t type, const void *p, size_t len)
{
	const struct msg_link	*m = p;

	if (type == IMSG_LINK_STATE &&
	    (len != sizeof(*m) || m->ifname[0] == '\0' ||
	    memchr(m->ifname, '\0', sizeof(m->ifname)) == NULL))
		abort();
	return (0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf_diags	 diags;
	struct lvs_link_state	 st;
	struct nlmsghdr		*nlh;
	void			*buf;
	int			 rem;

	if (conf == NULL) {
		conf_diags_init(&diags);
		conf = conf_load_string(conf_text, "rtnl.conf", NULL, &diags);
		conf_diags_free(&diags);
		if (conf == NULL)
			abort();
		lvs_vrrp_send = stub_vrrp_send;
	}
	if (size > 1 << 16)
		return (0);
	/* Exactly the bytes received, aligned as libnl's buffer is. */
	if ((buf = malloc(size ? size : 1)) == NULL)
		return (0);
	memcpy(buf, data, size);
	lvs_link_reconf(conf);

	rem = (int)size;
	for (nlh = buf; nlmsg_ok(nlh, rem); nlh = nlmsg_next(nlh, &rem))
		(void)lvs_link_msg(nlh, NULL);

	if (lvs_link_lookup("eth0", &st) == 0 && !st.exists)
		abort();
	(void)lvs_link_lookup("eth1", &st);
	lvs_link_shutdown();
	free(buf);
	return (0);
}
