/*
 * no_accept (keepalived's default under vrrp_strict): a Master that is
 * not the address owner (priority 255) drops what is sent to its VIPs,
 * as RFC 5798's Accept_Mode False says.  keepalived does it with
 * nftables; so does lvsd, with libnftables, in a table of its own (inet
 * had) that it creates when a first such VIP goes up and deletes at
 * start and when had stops.  The commands are made from addresses
 * printed by inet_ntop(), never from a string vrrpd sent.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <linux/netlink.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <nftables/libnftables.h>

#include "log.h"
#include "lvsd.h"

#define NFT_TABLE	"inet had"

static struct nft_ctx	*nft;
static int		 nft_ready;	/* our table is there */

static const char nft_setup[] =
    "add table " NFT_TABLE "\n"
    "add set " NFT_TABLE " vips4 { type ipv4_addr; }\n"
    "add set " NFT_TABLE " vips6 { type ipv6_addr; }\n"
    "add chain " NFT_TABLE " in { type filter hook input priority -1; "
    "policy accept; }\n"
    /* Neighbour discovery still answers for the address. */
    "add rule " NFT_TABLE " in ip6 daddr @vips6 icmpv6 type "
    "{ nd-neighbor-solicit, nd-neighbor-advert } accept\n"
    "add rule " NFT_TABLE " in ip daddr @vips4 drop\n"
    "add rule " NFT_TABLE " in ip6 daddr @vips6 drop\n";

static int
nft_run(const char *cmd, int quiet)
{
	const char	*e;

	if (nft == NULL)
		return (-1);
	if (nft_run_cmd_from_buffer(nft, cmd) == 0)
		return (0);
	e = nft_ctx_get_error_buffer(nft);
	if (!quiet)
		log_warnx("nftables: %s", e != NULL && *e != '\0' ? e :
		    "command failed");
	return (-1);
}

/* Before the chroot: libnftables reads its tables under /etc once. */
void
lvs_nft_init(void)
{
	int	 fd;

	/*
	 * libnftables exits the process when it cannot open its netlink
	 * socket (a kernel without nf_tables): find out first.
	 */
	if ((fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC,
	    NETLINK_NETFILTER)) == -1) {
		log_warn("nftables: no netfilter netlink; no_accept cannot "
		    "drop traffic to the VIPs");
		return;
	}
	close(fd);
	if ((nft = nft_ctx_new(NFT_CTX_DEFAULT)) == NULL) {
		log_warnx("nftables: no context; no_accept cannot drop "
		    "traffic to the VIPs");
		return;
	}
	nft_ctx_buffer_output(nft);
	nft_ctx_buffer_error(nft);
}

/* A table left by an earlier lvsd goes; vrrpd adds the VIPs again. */
void
lvs_nft_start(void)
{
	if (nft_run("delete table " NFT_TABLE "\n", 1) == 0)
		log_info("nftables: table %s left by an earlier had removed",
		    NFT_TABLE);
	nft_ready = 0;
}

void
lvs_nft_shutdown(void)
{
	if (nft_ready && nft_run("delete table " NFT_TABLE "\n", 0) == 0)
		log_info("nftables: table %s removed", NFT_TABLE);
	nft_ready = 0;
}

/* Does this instance's Master accept traffic to its VIPs? */
int
lvs_nft_accepts(const struct had_conf *conf, const struct conf_instance *in)
{
	if (conf->global.vrrp_nofilter)
		return (1);
	if (in->c.accept != -1)
		return (in->c.accept || in->c.priority == 255);
	return (!conf->global.vrrp_strict || in->c.priority == 255);
}

/* A VIP of an instance went up (add) or down (in may be NULL). */
void
lvs_nft_vip(const struct had_conf *conf, const struct conf_instance *in,
    const struct vrrp_vip_conf *v, int add)
{
	char	 a[INET6_ADDRSTRLEN], cmd[160];

	if (nft == NULL || (add && lvs_nft_accepts(conf, in)))
		return;
	if (v->addr.af != AF_INET && v->addr.af != AF_INET6)
		return;
	if (!nft_ready) {
		if (!add)
			return;
		if (nft_run(nft_setup, 0) == -1)
			return;
		nft_ready = 1;
	}
	if (inet_ntop(v->addr.af, v->addr.u.raw, a, sizeof(a)) == NULL)
		return;
	snprintf(cmd, sizeof(cmd), "%s element " NFT_TABLE " vips%c { %s }\n",
	    add ? "add" : "delete", v->addr.af == AF_INET ? '4' : '6', a);
	if (nft_run(cmd, !add) == 0)
		log_info("%s: no_accept: traffic to %s %s", in != NULL ?
		    in->c.name : "-", a, add ? "dropped" : "no longer ours");
}
