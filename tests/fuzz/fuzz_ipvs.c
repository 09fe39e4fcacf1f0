/*
 * IPVS generic netlink replies: lvs_parse_svc() and lvs_parse_dest() on
 * a buffer of netlink messages as a dump returns them, walked the way
 * libnl does (nlmsg_ok/nlmsg_next: each message's length is within what
 * was received).  What parses is named, put into a table as the dump
 * does and diffed: against itself (no operation) and against an empty
 * wanted table.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/netlink.h>
#include <netlink/msg.h>

#include "lvs_ipvs.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lvs_table	 kern, want;
	struct lvs_ops		 ops;
	struct lvs_svc		 s, *ks = NULL;
	struct lvs_dest		 d;
	struct nlmsghdr		*nlh;
	char			 name[LVS_SVCNAMELEN];
	void			*buf;
	int			 rem;

	if (size > 1 << 16)
		return (0);
	/* Exactly the bytes received, aligned as libnl's buffer is. */
	if ((buf = malloc(size ? size : 1)) == NULL)
		return (0);
	memcpy(buf, data, size);
	lvs_table_init(&kern);
	lvs_table_init(&want);
	memset(&ops, 0, sizeof(ops));

	rem = (int)size;
	for (nlh = buf; nlmsg_ok(nlh, rem); nlh = nlmsg_next(nlh, &rem)) {
		if (lvs_parse_svc(nlh, &s) == 0) {
			(void)lvs_svc_name(&s, name, sizeof(name));
			if ((ks = lvs_table_find(&kern, &s)) == NULL)
				ks = lvs_table_add(&kern, &s);
		}
		if (lvs_parse_dest(nlh, &d) == 0) {
			(void)lvs_dest_name(&d, name, sizeof(name));
			(void)lvs_fwd_name(d.fwd);
			if (ks != NULL) {
				if (d.af == 0)	/* older kernels */
					d.af = ks->af;
				if (lvs_svc_find_dest(ks, &d) == NULL)
					(void)lvs_svc_add_dest(ks, &d);
			}
		}
	}
	/* Nothing to do to make the kernel hold what it holds. */
	if (lvs_diff(&kern, &kern, NULL, &ops) == 0 && ops.nops != 0) {
		fprintf(stderr, "fuzz_ipvs: %zu operations from a table to "
		    "itself\n", ops.nops);
		abort();
	}
	lvs_ops_free(&ops);
	memset(&ops, 0, sizeof(ops));
	(void)lvs_diff(&want, &kern, &kern, &ops);
	lvs_ops_free(&ops);
	lvs_table_free(&kern);
	lvs_table_free(&want);
	free(buf);
	return (0);
}
