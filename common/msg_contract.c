/*
 * The message contract of had (DESIGN.md, Messages): one entry per message
 * type, checked by imsgev before any dispatch function runs.  A message
 * that breaks it is a violation by its sender: the receiver logs it with
 * the sender's name and closes the channel.
 *
 * A new type in enum imsg_type needs an entry here (msg_type_name() has
 * no default, so the build fails without its name, and
 * tests/unit/test_msg_contract.c checks the table against msg.h).
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "imsg.h"
#include "msg_contract.h"

#define P	PROC_PARENT
#define V	PROC_VRRP
#define L	PROC_LVS
#define C	PROC_CHECK
#define B	PROC_BFD
#define H	MSG_PEER_CTL
#define R	MSG_ROUTE

#define TO_PARENT	(R(V, P) | R(L, P) | R(C, P) | R(B, P))
#define TO_CHILDREN	(R(P, V) | R(P, L) | R(P, C) | R(P, B))

#define FSIZE(s, f)	sizeof(((struct s *)0)->f)
#define EXACT(s)	.min = sizeof(struct s), .max = sizeof(struct s)
#define STR(s, f)	{ #f, offsetof(struct s, f), FSIZE(s, f), 1 }
#define STRS(s, f)	{ #f, offsetof(struct s, f), FSIZE(s, f[0]), \
			    FSIZE(s, f) / FSIZE(s, f[0]) }
#define ID(s, f, lo, hi) { #f, offsetof(struct s, f), FSIZE(s, f), lo, hi }

/* Sorted by type: msg_contract_find() searches it. */
static const struct msg_contract contract[] = {
	{ IMSG_NONE, "NONE", .routes = 0 },

	{ IMSG_CHILD_READY, "CHILD_READY", TO_PARENT, EXACT(msg_ready),
	    .ids = { ID(msg_ready, proc, V, B),
	    ID(msg_ready, caps_ok, 0, 1) } },
	{ IMSG_PING, "PING", TO_CHILDREN, EXACT(msg_ping) },
	{ IMSG_PONG, "PONG", TO_PARENT, EXACT(msg_ping) },
	{ IMSG_PEER_FD, "PEER_FD", TO_CHILDREN, EXACT(msg_peer),
	    .fd = MSGC_FD_ALWAYS, .ids = { ID(msg_peer, proc, V, B) } },
	{ IMSG_LOG_VERBOSE, "LOG_VERBOSE", TO_CHILDREN, EXACT(msg_verbose),
	    .ids = { ID(msg_verbose, verbose, 0, 1) } },
	{ IMSG_PEER_BAD, "PEER_BAD", TO_PARENT, EXACT(msg_peer),
	    .ids = { ID(msg_peer, proc, V, B) } },
	{ IMSG_ICMP_FD, "ICMP_FD", R(P, C), EXACT(msg_icmp_fd),
	    .fd = MSGC_FD_ALWAYS,
	    .ids = { ID(msg_icmp_fd, af, AF_INET, AF_INET6) } },
	{ IMSG_PROC_FD, "PROC_FD", R(P, C), EXACT(msg_proc_fd),
	    .fd = MSGC_FD_ALWAYS,
	    .ids = { ID(msg_proc_fd, kind, PROC_FD_EVENTS, PROC_FD_PROCFS) } },
	/* The fd comes when error is 0: check_track.c checks that. */
	{ IMSG_TRACK_FILE_FD, "TRACK_FILE_FD", R(P, C), EXACT(msg_track_file),
	    .fd = MSGC_FD_MAYBE,
	    .strs = { STR(msg_track_file, name) } },

	{ IMSG_RECONF_START, "RECONF_START", TO_CHILDREN, EXACT(msg_reconf),
	    .ids = { ID(msg_reconf, proc, V, B) } },
	{ IMSG_RECONF_ITEM, "RECONF_ITEM", TO_CHILDREN,
	    sizeof(struct msg_reconf_item), IMSG_MAX_PAYLOAD,
	    .ids = { ID(msg_reconf_item, kind, 1, CONF_ITEM_MAX - 1) } },
	{ IMSG_RECONF_END, "RECONF_END", TO_CHILDREN, EXACT(msg_reconf),
	    .ids = { ID(msg_reconf, proc, V, B) } },
	{ IMSG_RECONF_DONE, "RECONF_DONE", TO_PARENT, EXACT(msg_reconf_done),
	    .strs = { STR(msg_reconf_done, reason) },
	    .ids = { ID(msg_reconf_done, proc, V, B),
	    ID(msg_reconf_done, error, 0, 1) } },

	/* Requests: hactl -> had, and the shows had -> the child that knows. */
	{ IMSG_CTL_SHOW_PROCS, "CTL_SHOW_PROCS", R(H, P), EXACT(msg_ctl_req),
	    .strs = { STR(msg_ctl_req, name) } },
	{ IMSG_CTL_SHOW_VRRP, "CTL_SHOW_VRRP", R(H, P) | R(P, V),
	    EXACT(msg_ctl_req), .strs = { STR(msg_ctl_req, name) } },
	{ IMSG_CTL_SHOW_LVS, "CTL_SHOW_LVS", R(H, P) | R(P, L),
	    EXACT(msg_ctl_req), .strs = { STR(msg_ctl_req, name) } },
	{ IMSG_CTL_SHOW_CHECKS, "CTL_SHOW_CHECKS", R(H, P) | R(P, C),
	    EXACT(msg_ctl_req), .strs = { STR(msg_ctl_req, name) } },
	{ IMSG_CTL_RELOAD, "CTL_RELOAD", R(H, P), EXACT(msg_ctl_req),
	    .flags = MSGC_ROOT, .strs = { STR(msg_ctl_req, name) },
	    .ids = { ID(msg_ctl_req, arg, CTL_RELOAD_ALL,
	    CTL_RELOAD_BFD) } },
	{ IMSG_CTL_LOG, "CTL_LOG", R(H, P), EXACT(msg_ctl_req),
	    .flags = MSGC_ROOT, .strs = { STR(msg_ctl_req, name) },
	    .ids = { ID(msg_ctl_req, arg, 0, 1) } },
	/* Answers: had's own, or a child's through had. */
	{ IMSG_CTL_PROC, "CTL_PROC", R(P, H), EXACT(msg_ctl_proc),
	    .strs = { STR(msg_ctl_proc, name), STR(msg_ctl_proc, user),
	    STR(msg_ctl_proc, root), STR(msg_ctl_proc, last_exit) } },
	{ IMSG_CTL_TEXT, "CTL_TEXT", TO_PARENT | R(P, H), EXACT(msg_ctl_text),
	    .strs = { STR(msg_ctl_text, text) },
	    .ids = { ID(msg_ctl_text, level, 0, 2) } },
	{ IMSG_CTL_END, "CTL_END", TO_PARENT | R(P, H), EXACT(msg_ctl_end),
	    .strs = { STR(msg_ctl_end, message) } },
	{ IMSG_CTL_VRRP, "CTL_VRRP", R(V, P) | R(P, H), EXACT(msg_ctl_vrrp),
	    .strs = { STR(msg_ctl_vrrp, name), STR(msg_ctl_vrrp, ifname),
	    STR(msg_ctl_vrrp, state_name), STR(msg_ctl_vrrp, master),
	    STR(msg_ctl_vrrp, vips), STR(msg_ctl_vrrp, last_reason),
	    STRS(msg_ctl_vrrp, drop_names), STR(msg_ctl_vrrp, witness),
	    STR(msg_ctl_vrrp, witness_state) },
	    .ids = { ID(msg_ctl_vrrp, ndrops, 0, MSG_VRRP_NDROPS),
	    ID(msg_ctl_vrrp, maint, 0, 1) } },
	{ IMSG_CTL_CHECK, "CTL_CHECK", R(C, P) | R(P, H), EXACT(msg_ctl_check),
	    .strs = { STR(msg_ctl_check, vs), STR(msg_ctl_check, rs),
	    STR(msg_ctl_check, target), STR(msg_ctl_check, type),
	    STR(msg_ctl_check, reason) } },
	{ IMSG_CTL_LVS, "CTL_LVS", R(L, P) | R(P, H), EXACT(msg_ctl_lvs),
	    .strs = { STR(msg_ctl_lvs, service), STR(msg_ctl_lvs, sched),
	    STR(msg_ctl_lvs, method), STR(msg_ctl_lvs, real),
	    STR(msg_ctl_lvs, health) },
	    .ids = { ID(msg_ctl_lvs, kind, LVS_ROW_SERVICE, LVS_ROW_REAL),
	    ID(msg_ctl_lvs, drained, 0, 1) } },
	{ IMSG_CTL_DRAIN, "CTL_DRAIN", R(H, P), EXACT(msg_ctl_drain),
	    .flags = MSGC_ROOT, .strs = { STR(msg_ctl_drain, req.name),
	    STR(msg_ctl_drain, rs) },
	    .ids = { ID(msg_ctl_drain, req.arg, 0, 1) } },
	{ IMSG_CTL_MAINT, "CTL_MAINT", R(H, P), EXACT(msg_ctl_req),
	    .flags = MSGC_ROOT, .strs = { STR(msg_ctl_req, name) },
	    .ids = { ID(msg_ctl_req, arg, 0, 1) } },
	{ IMSG_CTL_SHOW_HISTORY, "CTL_SHOW_HISTORY", R(H, P),
	    EXACT(msg_ctl_req), .strs = { STR(msg_ctl_req, name) } },
	{ IMSG_CTL_EVENTS, "CTL_EVENTS", R(H, P), EXACT(msg_ctl_req),
	    .strs = { STR(msg_ctl_req, name) } },
	{ IMSG_CTL_EVENT, "CTL_EVENT", R(P, H), EXACT(msg_ctl_event),
	    .strs = { STR(msg_ctl_event, kind), STR(msg_ctl_event, object),
	    STR(msg_ctl_event, text) } },
	{ IMSG_CTL_TRACK, "CTL_TRACK", R(C, P) | R(P, H), EXACT(msg_ctl_track),
	    .strs = { STR(msg_ctl_track, kind), STR(msg_ctl_track, name),
	    STR(msg_ctl_track, state), STR(msg_ctl_track, path),
	    STR(msg_ctl_track, reason) },
	    .ids = { ID(msg_ctl_track, reverse, 0, 1) } },
	{ IMSG_CTL_VRRP_TRACK, "CTL_VRRP_TRACK", R(V, P) | R(P, H),
	    EXACT(msg_ctl_vrrp_track),
	    .strs = { STR(msg_ctl_vrrp_track, instance),
	    STR(msg_ctl_vrrp_track, kind), STR(msg_ctl_vrrp_track, name),
	    STR(msg_ctl_vrrp_track, state) },
	    .ids = { ID(msg_ctl_vrrp_track, fault, 0, 1) } },
	{ IMSG_CTL_SHOW_BFD, "CTL_SHOW_BFD", R(H, P) | R(P, B),
	    EXACT(msg_ctl_req), .strs = { STR(msg_ctl_req, name) } },
	{ IMSG_CTL_BFD, "CTL_BFD", R(B, P) | R(P, H), EXACT(msg_ctl_bfd),
	    .strs = { STR(msg_ctl_bfd, name), STR(msg_ctl_bfd, neighbor),
	    STR(msg_ctl_bfd, source), STRS(msg_ctl_bfd, drop_names) },
	    .ids = { ID(msg_ctl_bfd, state, 0, 3),
	    ID(msg_ctl_bfd, remote_state, 0, 3),
	    ID(msg_ctl_bfd, ndrops, 0, MSG_BFD_NDROPS) } },

	/* Which script ids a child may ask for is script.c's business. */
	{ IMSG_SCRIPT_RUN, "SCRIPT_RUN", R(C, P), EXACT(msg_script_run),
	    .strs = { STR(msg_script_run, name) },
	    .ids = { ID(msg_script_run, kind, SCRIPT_VRRP, SCRIPT_MISC) } },
	{ IMSG_SCRIPT_RESULT, "SCRIPT_RESULT", R(P, C),
	    EXACT(msg_script_result), .strs = { STR(msg_script_result, name) },
	    .ids = { ID(msg_script_result, kind, SCRIPT_VRRP, SCRIPT_MISC) } },
	{ IMSG_NOTIFY, "NOTIFY", R(V, P), EXACT(msg_notify),
	    .strs = { STR(msg_notify, instance), STR(msg_notify, group),
	    STR(msg_notify, reason) },
	    .ids = { ID(msg_notify, state, 1, 4) } },
	{ IMSG_LVS_NOTIFY, "LVS_NOTIFY", R(L, P), EXACT(msg_lvs_notify),
	    .strs = { STR(msg_lvs_notify, id.vs_group) },
	    .ids = { ID(msg_lvs_notify, event, LVS_NOTIFY_QUORUM_UP,
	    LVS_NOTIFY_MAX - 1),
	    ID(msg_lvs_notify, id.vs_type, 0, VS_TYPE_MAX - 1) } },

	/* Which kinds had records, from whom, is events.c's business. */
	{ IMSG_CHECK_EVENT, "CHECK_EVENT", R(C, P) | R(V, P),
	    EXACT(msg_ctl_event),
	    .strs = { STR(msg_ctl_event, kind), STR(msg_ctl_event, object),
	    STR(msg_ctl_event, text) } },

	{ IMSG_VIP_ADD, "VIP_ADD", R(V, L), EXACT(msg_vip),
	    .strs = { STR(msg_vip, instance), STR(msg_vip, ifname),
	    STR(msg_vip, label) } },
	{ IMSG_VIP_DEL, "VIP_DEL", R(V, L), EXACT(msg_vip),
	    .strs = { STR(msg_vip, instance), STR(msg_vip, ifname),
	    STR(msg_vip, label) } },
	{ IMSG_VIP_RESULT, "VIP_RESULT", R(L, V), EXACT(msg_vip),
	    .strs = { STR(msg_vip, instance), STR(msg_vip, ifname),
	    STR(msg_vip, label) } },
	{ IMSG_VMAC_UP, "VMAC_UP", R(V, L), EXACT(msg_vmac),
	    .strs = { STR(msg_vmac, instance), STR(msg_vmac, ifname),
	    STR(msg_vmac, parent) } },
	{ IMSG_VMAC_DOWN, "VMAC_DOWN", R(V, L), EXACT(msg_vmac),
	    .strs = { STR(msg_vmac, instance), STR(msg_vmac, ifname),
	    STR(msg_vmac, parent) } },
	{ IMSG_LINK_STATE, "LINK_STATE", R(L, V), EXACT(msg_link),
	    .strs = { STR(msg_link, ifname) } },
	{ IMSG_ADDR_GONE, "ADDR_GONE", R(L, V), EXACT(msg_vip),
	    .strs = { STR(msg_vip, instance), STR(msg_vip, ifname),
	    STR(msg_vip, label) } },
	{ IMSG_LINK_QUERY, "LINK_QUERY", R(V, L), EXACT(msg_link),
	    .strs = { STR(msg_link, ifname) } },
	{ IMSG_VMAC_RESULT, "VMAC_RESULT", R(L, V), EXACT(msg_vmac),
	    .strs = { STR(msg_vmac, instance), STR(msg_vmac, ifname),
	    STR(msg_vmac, parent) } },
	{ IMSG_VROUTES, "VROUTES", R(V, L), EXACT(msg_vroutes),
	    .strs = { STR(msg_vroutes, instance) },
	    .ids = { ID(msg_vroutes, up, 0, 1) } },

	{ IMSG_RS_STATE, "RS_STATE", R(C, L), EXACT(msg_rs_state),
	    .strs = { STR(msg_rs_state, id.vs_group),
	    STR(msg_rs_state, reason) },
	    .ids = { ID(msg_rs_state, id.vs_type, 0, VS_TYPE_MAX - 1) } },
	{ IMSG_TRACK_STATE, "TRACK_STATE", R(C, V), EXACT(msg_track),
	    .strs = { STR(msg_track, name) },
	    .ids = { ID(msg_track, up, 0, 1) } },
	{ IMSG_TRACK_QUERY, "TRACK_QUERY", R(V, C), .min = 0, .max = 0 },
	{ IMSG_VS_PRESENCE, "VS_PRESENCE", R(L, C), EXACT(msg_vs_presence),
	    .ids = { ID(msg_vs_presence, present, 0, 1) } },
	{ IMSG_PROC_TRACK, "PROC_TRACK", R(C, P), EXACT(msg_proc_track),
	    .strs = { STR(msg_proc_track, name) },
	    .ids = { ID(msg_proc_track, up, 0, 1) } },
	{ IMSG_TRACK_VALUE, "TRACK_VALUE", R(C, V), EXACT(msg_track_value),
	    .strs = { STR(msg_track_value, name) } },

	{ IMSG_STATE_REPORT, "STATE_REPORT", R(V, P), EXACT(msg_vrrp_state),
	    .strs = { STR(msg_vrrp_state, instance) },
	    .ids = { ID(msg_vrrp_state, state, 0, 3) } },
	{ IMSG_STATE_RESUME, "STATE_RESUME", R(P, V), EXACT(msg_vrrp_state),
	    .strs = { STR(msg_vrrp_state, instance) },
	    .ids = { ID(msg_vrrp_state, state, 0, 3) } },
	{ IMSG_LVS_DRAIN, "LVS_DRAIN", R(P, L), EXACT(msg_lvs_drain),
	    .strs = { STR(msg_lvs_drain, id.vs_group) },
	    .ids = { ID(msg_lvs_drain, on, 0, 1),
	    ID(msg_lvs_drain, id.vs_type, 0, VS_TYPE_MAX - 1),
	    ID(msg_lvs_drain, id.vs_proto, 0, LVS_PROTO_MAX) } },
	{ IMSG_VRRP_MAINT, "VRRP_MAINT", R(P, V), EXACT(msg_vrrp_maint),
	    .strs = { STR(msg_vrrp_maint, instance) },
	    .ids = { ID(msg_vrrp_maint, on, 0, 1) } },
	{ IMSG_LVS_MAINT, "LVS_MAINT", R(P, L), EXACT(msg_lvs_maint),
	    .ids = { ID(msg_lvs_maint, on, 0, 2) } },

	{ IMSG_SMTP_ALERT, "SMTP_ALERT", R(P, C), EXACT(msg_smtp_alert),
	    .strs = { STR(msg_smtp_alert, name) },
	    .ids = { ID(msg_smtp_alert, kind, SMTP_ALERT_INSTANCE,
	    SMTP_ALERT_QUORUM), ID(msg_smtp_alert, state, 1, 4) } },
	{ IMSG_BFD_STATE, "BFD_STATE", R(B, V) | R(B, C) | R(B, P),
	    EXACT(msg_bfd_state), .strs = { STR(msg_bfd_state, name) },
	    .ids = { ID(msg_bfd_state, state, 0, 3),
	    ID(msg_bfd_state, up, 0, 1), ID(msg_bfd_state, diag, 0, 8) } },
	{ IMSG_BFD_QUERY, "BFD_QUERY", R(V, B) | R(C, B), .min = 0,
	    .max = 0 },
};

#define NCONTRACT	(sizeof(contract) / sizeof(contract[0]))

const struct msg_contract *
msg_contract_table(size_t *n)
{
	*n = NCONTRACT;
	return (contract);
}

static int
contract_cmp(const void *key, const void *elem)
{
	uint32_t			 t = *(const uint32_t *)key;
	const struct msg_contract	*c = elem;

	return (t < c->type ? -1 : t > c->type);
}

const struct msg_contract *
msg_contract_find(uint32_t type)
{
	return (bsearch(&type, contract, NCONTRACT, sizeof(contract[0]),
	    contract_cmp));
}

/* Without a default: a type missing here fails the build (-Wswitch). */
const char *
msg_type_name(uint32_t type)
{
	switch ((enum imsg_type)type) {
	case IMSG_NONE:			return ("NONE");
	case IMSG_CHILD_READY:		return ("CHILD_READY");
	case IMSG_PING:			return ("PING");
	case IMSG_PONG:			return ("PONG");
	case IMSG_PEER_FD:		return ("PEER_FD");
	case IMSG_LOG_VERBOSE:		return ("LOG_VERBOSE");
	case IMSG_PEER_BAD:		return ("PEER_BAD");
	case IMSG_ICMP_FD:		return ("ICMP_FD");
	case IMSG_PROC_FD:		return ("PROC_FD");
	case IMSG_TRACK_FILE_FD:	return ("TRACK_FILE_FD");
	case IMSG_RECONF_START:		return ("RECONF_START");
	case IMSG_RECONF_ITEM:		return ("RECONF_ITEM");
	case IMSG_RECONF_END:		return ("RECONF_END");
	case IMSG_RECONF_DONE:		return ("RECONF_DONE");
	case IMSG_CTL_SHOW_PROCS:	return ("CTL_SHOW_PROCS");
	case IMSG_CTL_SHOW_VRRP:	return ("CTL_SHOW_VRRP");
	case IMSG_CTL_SHOW_LVS:		return ("CTL_SHOW_LVS");
	case IMSG_CTL_SHOW_CHECKS:	return ("CTL_SHOW_CHECKS");
	case IMSG_CTL_RELOAD:		return ("CTL_RELOAD");
	case IMSG_CTL_LOG:		return ("CTL_LOG");
	case IMSG_CTL_PROC:		return ("CTL_PROC");
	case IMSG_CTL_TEXT:		return ("CTL_TEXT");
	case IMSG_CTL_END:		return ("CTL_END");
	case IMSG_CTL_VRRP:		return ("CTL_VRRP");
	case IMSG_CTL_CHECK:		return ("CTL_CHECK");
	case IMSG_CTL_LVS:		return ("CTL_LVS");
	case IMSG_CTL_DRAIN:		return ("CTL_DRAIN");
	case IMSG_CTL_MAINT:		return ("CTL_MAINT");
	case IMSG_CTL_SHOW_HISTORY:	return ("CTL_SHOW_HISTORY");
	case IMSG_CTL_EVENTS:		return ("CTL_EVENTS");
	case IMSG_CTL_EVENT:		return ("CTL_EVENT");
	case IMSG_CTL_TRACK:		return ("CTL_TRACK");
	case IMSG_CTL_VRRP_TRACK:	return ("CTL_VRRP_TRACK");
	case IMSG_CTL_SHOW_BFD:		return ("CTL_SHOW_BFD");
	case IMSG_CTL_BFD:		return ("CTL_BFD");
	case IMSG_SCRIPT_RUN:		return ("SCRIPT_RUN");
	case IMSG_SCRIPT_RESULT:	return ("SCRIPT_RESULT");
	case IMSG_NOTIFY:		return ("NOTIFY");
	case IMSG_LVS_NOTIFY:		return ("LVS_NOTIFY");
	case IMSG_CHECK_EVENT:		return ("CHECK_EVENT");
	case IMSG_VIP_ADD:		return ("VIP_ADD");
	case IMSG_VIP_DEL:		return ("VIP_DEL");
	case IMSG_VIP_RESULT:		return ("VIP_RESULT");
	case IMSG_VMAC_UP:		return ("VMAC_UP");
	case IMSG_VMAC_DOWN:		return ("VMAC_DOWN");
	case IMSG_LINK_STATE:		return ("LINK_STATE");
	case IMSG_ADDR_GONE:		return ("ADDR_GONE");
	case IMSG_LINK_QUERY:		return ("LINK_QUERY");
	case IMSG_VMAC_RESULT:		return ("VMAC_RESULT");
	case IMSG_VROUTES:		return ("VROUTES");
	case IMSG_RS_STATE:		return ("RS_STATE");
	case IMSG_TRACK_STATE:		return ("TRACK_STATE");
	case IMSG_TRACK_QUERY:		return ("TRACK_QUERY");
	case IMSG_VS_PRESENCE:		return ("VS_PRESENCE");
	case IMSG_PROC_TRACK:		return ("PROC_TRACK");
	case IMSG_TRACK_VALUE:		return ("TRACK_VALUE");
	case IMSG_STATE_REPORT:		return ("STATE_REPORT");
	case IMSG_STATE_RESUME:		return ("STATE_RESUME");
	case IMSG_LVS_DRAIN:		return ("LVS_DRAIN");
	case IMSG_VRRP_MAINT:		return ("VRRP_MAINT");
	case IMSG_LVS_MAINT:		return ("LVS_MAINT");
	case IMSG_SMTP_ALERT:		return ("SMTP_ALERT");
	case IMSG_BFD_STATE:		return ("BFD_STATE");
	case IMSG_BFD_QUERY:		return ("BFD_QUERY");
	}
	return (NULL);
}

const char *
msg_peer_name(int p)
{
	if (p == MSG_PEER_CTL)
		return ("a control client");
	if (p < PROC_PARENT || p >= PROC_MAX)
		return ("nobody");
	return (proc_name(p));
}

static uint32_t
field_value(const uint8_t *data, const struct msgc_id *id)
{
	uint16_t	 v16;
	uint32_t	 v32;

	switch (id->size) {
	case 1:
		return (data[id->off]);
	case 2:
		memcpy(&v16, data + id->off, sizeof(v16));
		return (v16);
	default:
		memcpy(&v32, data + id->off, sizeof(v32));
		return (v32);
	}
}

/*
 * Check one message that `from' sent to `to'.  Returns 0 if it keeps the
 * contract, else -1 with the reason in why (the caller names the sender).
 * The order matters for the logs: type, route, descriptor, size, fields.
 */
int
msg_contract_check(const struct imsg *imsg, int from, int to, char *why,
    size_t len)
{
	const struct msg_contract	*c;
	const struct msgc_str		*s;
	const struct msgc_id		*id;
	const uint8_t			*data = imsg->data;
	uint32_t			 type = imsg->hdr.type, v;
	size_t				 i, k;

	if ((c = msg_contract_find(type)) == NULL || c->routes == 0) {
		snprintf(why, len, "unexpected message type %u", type);
		return (-1);
	}
	if (from < 0 || from >= MSG_NPEERS || to < 0 || to >= MSG_NPEERS ||
	    (c->routes & MSG_ROUTE(from, to)) == 0) {
		snprintf(why, len, "unexpected message type %u (%s) from %s "
		    "to %s", type, c->name, msg_peer_name(from),
		    msg_peer_name(to));
		return (-1);
	}
	if (c->fd == MSGC_FD_NEVER && imsg->fd != -1) {
		snprintf(why, len, "message type %u carries an unexpected "
		    "descriptor (%s)", type, c->name);
		return (-1);
	}
	if (c->fd == MSGC_FD_ALWAYS && imsg->fd == -1) {
		snprintf(why, len, "message type %u lacks its descriptor "
		    "(%s)", type, c->name);
		return (-1);
	}
	if (imsg->datalen < c->min || imsg->datalen > c->max) {
		if (c->min == c->max)
			snprintf(why, len, "message type %u has %zu bytes, "
			    "expected %u (%s)", type, imsg->datalen, c->min,
			    c->name);
		else
			snprintf(why, len, "message type %u has %zu bytes, "
			    "expected %u to %u (%s)", type, imsg->datalen,
			    c->min, c->max, c->name);
		return (-1);
	}
	for (i = 0; i < MSGC_MAXSTR && c->strs[i].name != NULL; i++) {
		s = &c->strs[i];
		for (k = 0; k < s->count; k++)
			if (memchr(data + s->off + k * s->len, '\0',
			    s->len) == NULL) {
				snprintf(why, len, "%s of message type %u (%s) "
				    "is not NUL-terminated", s->name, type,
				    c->name);
				return (-1);
			}
	}
	for (i = 0; i < MSGC_MAXID && c->ids[i].name != NULL; i++) {
		id = &c->ids[i];
		v = field_value(data, id);
		if (v < id->min || v > id->max) {
			snprintf(why, len, "%s of message type %u (%s) is %u, "
			    "not %u to %u", id->name, type, c->name, v,
			    id->min, id->max);
			return (-1);
		}
	}
	return (0);
}
