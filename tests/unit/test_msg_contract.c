/*
 * The message contract (common/msg_contract.c): every type of enum
 * imsg_type in msg.h has an entry, and a message of the wrong size, from
 * the wrong sender, with a string that does not end in a NUL, an id out
 * of range or a descriptor where none belongs is refused.
 */
#include <sys/types.h>

#include <ctype.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "conf.h"
#include "imsg.h"
#include "msg.h"
#include "msg_contract.h"

static char	 why[256];

static int
check(uint32_t type, void *data, size_t len, int fd, int from, int to)
{
	struct imsg	 imsg;

	memset(&imsg, 0, sizeof(imsg));
	imsg.hdr.type = type;
	imsg.hdr.len = IMSG_HDR_SIZE + len;
	imsg.data = len > 0 ? data : NULL;
	imsg.datalen = len;
	imsg.fd = fd;
	why[0] = '\0';
	return (msg_contract_check(&imsg, from, to, why, sizeof(why)));
}

/* msg.h, next to this file's source: the enum as the compiler sees it. */
static FILE *
open_msg_h(void)
{
	char	 path[512], *slash;
	FILE	*f;

	snprintf(path, sizeof(path), "%s", __FILE__);
	if ((slash = strrchr(path, '/')) != NULL)
		*slash = '\0';
	strlcat(path, "/../../common/msg.h", sizeof(path));
	if ((f = fopen(path, "r")) == NULL)
		f = fopen("common/msg.h", "r");
	return (f);
}

Test(contract, every_type_has_an_entry)
{
	const struct msg_contract	*c;
	FILE				*f;
	char				 line[256], name[64];
	long				 value = -1;
	int				 in = 0, n = 0, k;

	cr_assert_not_null(f = open_msg_h(), "common/msg.h not found");
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strstr(line, "enum imsg_type {") != NULL) {
			in = 1;
			continue;
		}
		if (!in)
			continue;
		if (line[0] == '}')
			break;
		if (sscanf(line, " IMSG_%63[A-Z0-9_] = %ld", name,
		    &value) == 2)
			;
		else if (sscanf(line, " IMSG_%63[A-Z0-9_]", name) == 1)
			value++;
		else
			continue;
		c = msg_contract_find(value);
		cr_assert_not_null(c, "IMSG_%s (%ld) has no contract entry",
		    name, value);
		cr_assert_str_eq(c->name, name, "entry %ld is %s, not %s",
		    value, c->name, name);
		cr_assert_str_eq(msg_type_name(value), name);
		if (value != IMSG_NONE)
			cr_assert_neq(c->routes, 0, "%s: nobody may send it",
			    name);
		n++;
	}
	fclose(f);
	cr_assert_gt(n, 40, "only %d types read from msg.h", n);
	{
		size_t				 nt, i;
		const struct msg_contract	*t = msg_contract_table(&nt);

		cr_assert_eq(nt, (size_t)n, "%zu entries, %d types", nt, n);
		for (i = 0; i < nt; i++) {
			if (i > 0)
				cr_assert_gt(t[i].type, t[i - 1].type,
				    "table not sorted at %s", t[i].name);
			cr_assert_leq(t[i].min, t[i].max);
			cr_assert_leq(t[i].max, IMSG_MAX_PAYLOAD);
			for (k = 0; k < MSGC_MAXSTR && t[i].strs[k].name; k++)
				cr_assert_leq(t[i].strs[k].off +
				    t[i].strs[k].len * t[i].strs[k].count,
				    t[i].min, "%s.%s outside", t[i].name,
				    t[i].strs[k].name);
			for (k = 0; k < MSGC_MAXID && t[i].ids[k].name; k++)
				cr_assert_leq(t[i].ids[k].off +
				    t[i].ids[k].size, t[i].min);
		}
	}
	cr_assert_null(msg_contract_find(9999));
}

Test(contract, right_message_accepted)
{
	struct msg_track	 t;

	memset(&t, 0, sizeof(t));
	strlcpy(t.name, "chk_nginx", sizeof(t.name));
	t.up = 1;
	cr_assert_eq(check(IMSG_TRACK_STATE, &t, sizeof(t), -1, PROC_CHECK,
	    PROC_VRRP), 0, "%s", why);
}

Test(contract, wrong_size_refused)
{
	uint8_t		 buf[sizeof(struct msg_track) + 1];

	memset(buf, 0, sizeof(buf));
	cr_assert_eq(check(IMSG_TRACK_STATE, buf, sizeof(struct msg_track) - 1,
	    -1, PROC_CHECK, PROC_VRRP), -1);
	cr_assert(strstr(why, "has 71 bytes, expected 72") != NULL, "%s", why);
	cr_assert_eq(check(IMSG_TRACK_STATE, buf, sizeof(buf), -1,
	    PROC_CHECK, PROC_VRRP), -1);
	cr_assert_eq(check(IMSG_TRACK_QUERY, buf, 1, -1, PROC_VRRP,
	    PROC_CHECK), -1);
	cr_assert_eq(check(IMSG_TRACK_QUERY, NULL, 0, -1, PROC_VRRP,
	    PROC_CHECK), 0);
	/* Bounds: a RECONF_ITEM is its header and a body. */
	cr_assert_eq(check(IMSG_RECONF_ITEM, buf, 4, -1, PROC_PARENT,
	    PROC_VRRP), -1);
}

Test(contract, wrong_sender_refused)
{
	struct msg_track	 t;
	struct msg_ctl_text	 x;
	struct msg_reconf	 r;

	memset(&t, 0, sizeof(t));
	cr_assert_eq(check(IMSG_TRACK_STATE, &t, sizeof(t), -1, PROC_LVS,
	    PROC_VRRP), -1);
	cr_assert(strstr(why, "from lvsd to vrrpd") != NULL, "%s", why);
	cr_assert_eq(check(IMSG_TRACK_STATE, &t, sizeof(t), -1, PROC_CHECK,
	    PROC_PARENT), -1);
	/* An answer from a client, a request from a child. */
	memset(&x, 0, sizeof(x));
	cr_assert_eq(check(IMSG_CTL_TEXT, &x, sizeof(x), -1, MSG_PEER_CTL,
	    PROC_PARENT), -1);
	cr_assert_eq(check(IMSG_CTL_TEXT, &x, sizeof(x), -1, PROC_CHECK,
	    PROC_PARENT), 0);
	memset(&r, 0, sizeof(r));
	r.proc = PROC_VRRP;
	cr_assert_eq(check(IMSG_RECONF_START, &r, sizeof(r), -1, PROC_VRRP,
	    PROC_PARENT), -1);
	cr_assert_eq(check(IMSG_RECONF_START, &r, sizeof(r), -1, PROC_PARENT,
	    PROC_VRRP), 0);
	/* Only vrrpd's rows for show vrrp. */
	cr_assert_eq(check(IMSG_CTL_VRRP, &(struct msg_ctl_vrrp){ 0 },
	    sizeof(struct msg_ctl_vrrp), -1, PROC_CHECK, PROC_PARENT), -1);
	cr_assert_eq(check(9999, NULL, 0, -1, PROC_CHECK, PROC_PARENT), -1);
	cr_assert(strstr(why, "unexpected message type 9999") != NULL);
	cr_assert_eq(check(IMSG_NONE, NULL, 0, -1, PROC_PARENT, PROC_VRRP),
	    -1);
}

Test(contract, unterminated_string_refused)
{
	struct msg_track	 t;
	struct msg_ctl_vrrp	 v;

	memset(&t, 'A', sizeof(t.name));
	t.up = 1;
	t.weight = 0;
	cr_assert_eq(check(IMSG_TRACK_STATE, &t, sizeof(t), -1, PROC_CHECK,
	    PROC_VRRP), -1);
	cr_assert(strstr(why, "name of message type 601") != NULL, "%s", why);
	t.name[sizeof(t.name) - 1] = '\0';
	cr_assert_eq(check(IMSG_TRACK_STATE, &t, sizeof(t), -1, PROC_CHECK,
	    PROC_VRRP), 0);
	/* The last of an array of strings. */
	memset(&v, 0, sizeof(v));
	memset(v.drop_names[MSG_VRRP_NDROPS - 1], 'x',
	    sizeof(v.drop_names[0]));
	cr_assert_eq(check(IMSG_CTL_VRRP, &v, sizeof(v), -1, PROC_VRRP,
	    PROC_PARENT), -1);
	cr_assert(strstr(why, "drop_names") != NULL, "%s", why);
}

Test(contract, id_out_of_range_refused)
{
	struct msg_ctl_req	 req;
	struct msg_peer		 peer;
	uint8_t			 item[sizeof(struct msg_reconf_item) + 4];
	struct msg_reconf_item	 ri;

	memset(&req, 0, sizeof(req));
	req.arg = CTL_RELOAD_BFD + 1;
	cr_assert_eq(check(IMSG_CTL_RELOAD, &req, sizeof(req), -1,
	    MSG_PEER_CTL, PROC_PARENT), -1);
	cr_assert(strstr(why, "arg of message type 304") != NULL, "%s", why);
	req.arg = CTL_RELOAD_BFD;
	cr_assert_eq(check(IMSG_CTL_RELOAD, &req, sizeof(req), -1,
	    MSG_PEER_CTL, PROC_PARENT), 0);
	peer.proc = PROC_PARENT;
	cr_assert_eq(check(IMSG_PEER_BAD, &peer, sizeof(peer), -1, PROC_VRRP,
	    PROC_PARENT), -1);
	peer.proc = PROC_MAX;
	cr_assert_eq(check(IMSG_PEER_BAD, &peer, sizeof(peer), -1, PROC_VRRP,
	    PROC_PARENT), -1);
	peer.proc = PROC_LVS;
	cr_assert_eq(check(IMSG_PEER_BAD, &peer, sizeof(peer), -1, PROC_VRRP,
	    PROC_PARENT), 0);
	memset(item, 0, sizeof(item));
	ri.kind = CONF_ITEM_MAX;
	ri.len = 4;
	memcpy(item, &ri, sizeof(ri));
	cr_assert_eq(check(IMSG_RECONF_ITEM, item, sizeof(item), -1,
	    PROC_PARENT, PROC_LVS), -1);
	ri.kind = CONF_ITEM_GLOBAL;
	memcpy(item, &ri, sizeof(ri));
	cr_assert_eq(check(IMSG_RECONF_ITEM, item, sizeof(item), -1,
	    PROC_PARENT, PROC_LVS), 0);
}

Test(contract, descriptors)
{
	struct msg_peer		 peer = { PROC_LVS };
	struct msg_track	 t;
	int			 fd;

	cr_assert_neq(fd = open("/dev/null", O_RDONLY), -1);
	cr_assert_eq(check(IMSG_PEER_FD, &peer, sizeof(peer), -1,
	    PROC_PARENT, PROC_VRRP), -1);
	cr_assert(strstr(why, "lacks its descriptor") != NULL, "%s", why);
	cr_assert_eq(check(IMSG_PEER_FD, &peer, sizeof(peer), fd,
	    PROC_PARENT, PROC_VRRP), 0);
	memset(&t, 0, sizeof(t));
	cr_assert_eq(check(IMSG_TRACK_STATE, &t, sizeof(t), fd, PROC_CHECK,
	    PROC_VRRP), -1);
	cr_assert(strstr(why, "unexpected descriptor") != NULL, "%s", why);
	close(fd);
}

/* Who may change had's state is in the table too: root only. */
Test(contract, state_changing_requests_are_root_only)
{
	cr_assert(msg_contract_find(IMSG_CTL_RELOAD)->flags & MSGC_ROOT);
	cr_assert(msg_contract_find(IMSG_CTL_LOG)->flags & MSGC_ROOT);
	cr_assert(msg_contract_find(IMSG_CTL_DRAIN)->flags & MSGC_ROOT);
	cr_assert(msg_contract_find(IMSG_CTL_MAINT)->flags & MSGC_ROOT);
	cr_assert_not(msg_contract_find(IMSG_CTL_SHOW_PROCS)->flags &
	    MSGC_ROOT);
	cr_assert_not(msg_contract_find(IMSG_CTL_SHOW_VRRP)->flags &
	    MSGC_ROOT);
}

/*
 * bfdd has no privilege and parses packets from the network: of every
 * message type, it may send its siblings nothing but a session's state
 * (to vrrpd for track_bfd, to checkd for BFD_CHECK), and lvsd nothing at
 * all.  A state with a name that does not end, or an out-of-range state,
 * is refused before checkd or vrrpd looks at it.
 */
Test(contract, bfdd_sends_siblings_only_bfd_state)
{
	const struct msg_contract	*t;
	struct msg_bfd_state		 m;
	size_t				 nt, i;
	int				 to;

	t = msg_contract_table(&nt);
	for (i = 0; i < nt; i++)
		for (to = PROC_VRRP; to < PROC_MAX; to++) {
			if (to == PROC_BFD)
				continue;
			if (t[i].type == IMSG_BFD_STATE && to != PROC_LVS)
				cr_assert(t[i].routes &
				    MSG_ROUTE(PROC_BFD, to));
			else
				cr_assert_eq(t[i].routes &
				    MSG_ROUTE(PROC_BFD, to), 0,
				    "bfdd may send %s to %s", t[i].name,
				    proc_name(to));
		}
	memset(&m, 0, sizeof(m));
	strlcpy(m.name, "FRR4", sizeof(m.name));
	m.state = 3;
	m.up = 1;
	cr_assert_eq(check(IMSG_BFD_STATE, &m, sizeof(m), -1, PROC_BFD,
	    PROC_CHECK), 0, "%s", why);
	cr_assert_neq(check(IMSG_BFD_STATE, &m, sizeof(m), -1, PROC_LVS,
	    PROC_CHECK), 0);
	cr_assert_eq(check(IMSG_BFD_QUERY, NULL, 0, -1, PROC_CHECK,
	    PROC_BFD), 0, "%s", why);
	m.state = 4;
	cr_assert_neq(check(IMSG_BFD_STATE, &m, sizeof(m), -1, PROC_BFD,
	    PROC_CHECK), 0);
	m.state = 3;
	memset(m.name, 'x', sizeof(m.name));
	cr_assert_neq(check(IMSG_BFD_STATE, &m, sizeof(m), -1, PROC_BFD,
	    PROC_CHECK), 0);
}

/* A track state, a witness's too (check_witness.c): up is 0 or 1. */
Test(contract, track_state_up_is_a_boolean)
{
	struct msg_track	 t;

	memset(&t, 0, sizeof(t));
	strlcpy(t.name, "witness 198.18.9.9 1000/500", sizeof(t.name));
	t.up = 1;
	cr_assert_eq(check(IMSG_TRACK_STATE, &t, sizeof(t), -1, PROC_CHECK,
	    PROC_VRRP), 0, "%s", why);
	t.up = 2;
	cr_assert_eq(check(IMSG_TRACK_STATE, &t, sizeof(t), -1, PROC_CHECK,
	    PROC_VRRP), -1);
	cr_assert(strstr(why, "up of message type 601") != NULL, "%s", why);
	t.up = 0;
	cr_assert_eq(check(IMSG_TRACK_STATE, &t, sizeof(t), -1, PROC_LVS,
	    PROC_VRRP), -1);
}
