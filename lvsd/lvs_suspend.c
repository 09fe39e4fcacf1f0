/*
 * ha_suspend: checkd runs the checks of such a virtual server only while
 * its address is on an interface of this director.  lvsd sees addresses
 * come and go (lvs_link.c) and tells checkd, by value, whether each
 * address virtual server with ha_suspend has its address here: on a
 * change, and all of them after a reload or when checkd (re)connects.
 * Whether the address is present is read from a dump of the kernel's
 * addresses, not counted from events: the same address may be on several
 * interfaces, or twice on one with different prefixes.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include <stdlib.h>
#include <string.h>

#include "child.h"
#include "log.h"
#include "lvsd.h"

struct lvs_presence {
	struct msg_vs_presence	 m;		/* present: the last logged */
	int			 here;		/* from the last dump */
	int			 logged;	/* m.present is valid */
	int			 sent;		/* checkd has m */
	char			 str[64];
};

static struct nl_sock		*susp_sk;
static struct lvs_presence	*pres;
static size_t			 npres;

static int
lvs_suspend_send_peer(uint32_t type, const void *data, size_t len)
{
	return (child_send_peer(PROC_CHECK, type, data, len));
}

int (*lvs_check_send)(uint32_t, const void *, size_t) = lvs_suspend_send_peer;

void
lvs_suspend_init(struct nl_sock *sk)
{
	susp_sk = sk;
}

static int
lvs_suspend_dump_cb(struct nlmsghdr *h, void *arg)
{
	struct ifaddrmsg	*ifa = NULL;
	const uint8_t		*addr;
	size_t			 i, alen;

	if (h->nlmsg_type != RTM_NEWADDR ||
	    (addr = lvs_ifa_addr(h, &ifa)) == NULL)
		return (0);
	alen = ifa->ifa_family == AF_INET ? 4 : 16;
	for (i = 0; i < npres; i++)
		if (pres[i].m.vs_af == ifa->ifa_family &&
		    memcmp(pres[i].m.vs_addr, addr, alen) == 0)
			pres[i].here = 1;
	return (0);
}

/* Read which addresses are here; -1 if the kernel did not say. */
static int
lvs_suspend_dump(void)
{
	size_t	 i;
	int	 r;

	if (susp_sk == NULL)
		return (-1);
	for (i = 0; i < npres; i++)
		pres[i].here = 0;
	if ((r = lvs_nl_dump(susp_sk, RTM_GETADDR, AF_UNSPEC,
	    lvs_suspend_dump_cb, NULL)) != 0) {
		log_warnx("ha_suspend: address dump: %s", strerror(r));
		return (-1);
	}
	return (0);
}

/* Tell checkd what changed since it was told, or everything. */
static void
lvs_suspend_send(int all)
{
	struct lvs_presence	*p;
	size_t			 i;
	int			 changed;

	for (i = 0; i < npres; i++) {
		p = &pres[i];
		changed = !p->logged || p->m.present != (uint32_t)p->here;
		if (changed)
			log_info("virtual server %s: address %s this director "
			    "(ha_suspend)", p->str, p->here ? "on" : "not on");
		p->m.present = p->here;
		p->logged = 1;
		if (!all && !changed && p->sent)
			continue;
		/* Not connected: lvs_suspend_peer_up() sends them all. */
		p->sent = lvs_check_send(IMSG_VS_PRESENCE, &p->m,
		    sizeof(p->m)) != -1;
	}
}

/* What was logged of a virtual server of the old config, kept. */
static void
lvs_suspend_keep(struct lvs_presence *p, size_t hint)
{
	size_t	 i, k;

	for (k = 0; k < npres; k++) {
		i = (hint + k) % npres;
		if (pres[i].m.vs_af == p->m.vs_af &&
		    pres[i].m.vs_proto == p->m.vs_proto &&
		    pres[i].m.vs_port == p->m.vs_port &&
		    memcmp(pres[i].m.vs_addr, p->m.vs_addr,
		    sizeof(p->m.vs_addr)) == 0) {
			p->m.present = pres[i].m.present;
			p->logged = pres[i].logged;
			return;
		}
	}
}

/* The address virtual servers with ha_suspend of a new config. */
void
lvs_suspend_reconf(const struct had_conf *conf)
{
	const struct conf_vs	*vs;
	struct lvs_presence	*np;
	char			 a[INET6_ADDRSTRLEN];
	size_t			 n = 0, i;

	if (conf != NULL)
		TAILQ_FOREACH(vs, &conf->vss, entry)
			if (vs->c.ha_suspend && vs->c.type == VS_TYPE_ADDR)
				n++;
	np = n ? calloc(n, sizeof(*np)) : NULL;
	if (n && np == NULL) {
		log_warn("ha_suspend");
		n = 0;
	}
	i = 0;
	if (conf != NULL && n > 0)
		TAILQ_FOREACH(vs, &conf->vss, entry) {
			if (!vs->c.ha_suspend || vs->c.type != VS_TYPE_ADDR)
				continue;
			np[i].m.vs_af = vs->c.addr.af;
			np[i].m.vs_proto = vs->c.protocol;
			np[i].m.vs_port = vs->c.port;
			memcpy(np[i].m.vs_addr, vs->c.addr.u.raw,
			    vs->c.addr.af == AF_INET ? 4 : 16);
			lvs_addr_str(vs->c.addr.af, vs->c.addr.u.raw, a,
			    sizeof(a));
			snprintf(np[i].str, sizeof(np[i].str),
			    vs->c.addr.af == AF_INET6 ? "[%s]:%u" : "%s:%u",
			    a, vs->c.port);
			if (vs->c.protocol == LVS_PROTO_UDP)
				strlcat(np[i].str, "/udp", sizeof(np[i].str));
			else if (vs->c.protocol == LVS_PROTO_SCTP)
				strlcat(np[i].str, "/sctp", sizeof(np[i].str));
			lvs_suspend_keep(&np[i], i);
			i++;
		}
	free(pres);
	pres = np;
	npres = n;
	if (npres == 0)
		return;
	if (lvs_suspend_dump() == -1)
		return;
	lvs_suspend_send(1);
}

/* An address came or went: if it is one of ours, read them again. */
void
lvs_suspend_addr_event(int af, const uint8_t *addr)
{
	size_t	 i, alen = af == AF_INET ? 4 : 16;

	for (i = 0; i < npres; i++)
		if (pres[i].m.vs_af == af &&
		    memcmp(pres[i].m.vs_addr, addr, alen) == 0)
			break;
	if (i == npres)
		return;
	if (lvs_suspend_dump() == 0)
		lvs_suspend_send(0);
}

/* Monitor events were lost. */
void
lvs_suspend_resync(void)
{
	if (npres > 0 && lvs_suspend_dump() == 0)
		lvs_suspend_send(0);
}

/* checkd (re)connected: it knows nothing. */
void
lvs_suspend_peer_up(void)
{
	if (npres > 0 && lvs_suspend_dump() == 0)
		lvs_suspend_send(1);
}

void
lvs_suspend_shutdown(void)
{
	free(pres);
	pres = NULL;
	npres = 0;
	susp_sk = NULL;
}
