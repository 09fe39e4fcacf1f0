/*
 * hactl output: the walkers, one per row kind, that give each field
 * once to the back end of the document (out.h): aligned tables for
 * people, JSON (-j) for programs, metrics.
 */
#include <sys/capability.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "hactl.h"
#include "msg.h"
#include "out.h"

void
json_string(FILE *f, const char *s)
{
	const unsigned char	*p;

	fputc('"', f);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		default:
			if (*p < 0x20)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}

static size_t
caps_append(char *buf, size_t len, size_t off, int first, int cap)
{
	char	*name = cap_to_name(cap);

	off += snprintf(buf + off, off < len ? len - off : 0, "%s%s",
	    first ? "" : ",", name != NULL ? name : "?");
	cap_free(name);
	return (off);
}

/*
 * "cap_net_raw", "none", or for a mostly full set "all" and what is
 * missing from it ("all except cap_sys_resource").
 */
char *
caps_string(uint64_t mask, char *buf, size_t len)
{
	int	 i, bits, n = 0, missing = 0;
	size_t	 off = 0;

	bits = cap_max_bits();
	if (bits <= 0 || bits > 64)
		bits = 64;
	for (i = 0; i < bits; i++)
		if (mask & (1ULL << i))
			n++;
	buf[0] = '\0';
	if (n == 0) {
		strlcpy(buf, "none", len);
		return (buf);
	}
	if (n > bits / 2) {
		off = strlcpy(buf, "all", len);
		for (i = 0; i < bits; i++) {
			if (mask & (1ULL << i))
				continue;
			if (!missing++)
				off += snprintf(buf + off, off < len ?
				    len - off : 0, " except ");
			off = caps_append(buf, len, off, missing == 1, i);
		}
		return (buf);
	}
	for (i = 0; i < 64; i++)
		if (mask & (1ULL << i))
			off = caps_append(buf, len, off, off == 0, i);
	return (buf);
}

void
fmt_duration(int64_t s, char *buf, size_t len)
{
	if (s < 60)
		snprintf(buf, len, "%llds", (long long)s);
	else if (s < 3600)
		snprintf(buf, len, "%lldm%02llds", (long long)s / 60,
		    (long long)s % 60);
	else if (s < 86400)
		snprintf(buf, len, "%lldh%02lldm", (long long)s / 3600,
		    (long long)(s % 3600) / 60);
	else
		snprintf(buf, len, "%lldd%02lldh", (long long)s / 86400,
		    (long long)(s % 86400) / 3600);
}

/* The "kind" of a JSON document, named as hactl show names it. */
const char *
out_doc_kind(uint32_t type)
{
	switch (type) {
	case IMSG_CTL_SHOW_PROCS:
		return ("procs");
	case IMSG_CTL_SHOW_VRRP:
		return ("vrrp");
	case IMSG_CTL_SHOW_LVS:
		return ("lvs");
	case IMSG_CTL_SHOW_CHECKS:
		return ("checks");
	case IMSG_CTL_SHOW_HISTORY:
		return ("history");
	case IMSG_CTL_SHOW_BFD:
		return ("bfd");
	default:
		return ("unknown");
	}
}

/* The text table a show command starts with. */
enum out_table
out_doc_table(uint32_t type)
{
	switch (type) {
	case IMSG_CTL_SHOW_PROCS:
		return (T_PROCS);
	case IMSG_CTL_SHOW_VRRP:
		return (T_VRRP);
	case IMSG_CTL_SHOW_LVS:
		return (T_LVS);
	case IMSG_CTL_SHOW_CHECKS:
		return (T_CHECKS);
	case IMSG_CTL_SHOW_BFD:
		return (T_BFD);
	default:
		return (T_NONE);
	}
}

/* A value in words: text cells and metric labels. */
void
fval_str(const struct fval *v, char *buf, size_t len)
{
	switch (v->type) {
	case FV_STR:
	case FV_NUM:
		strlcpy(buf, v->s, len);
		break;
	case FV_U64:
		snprintf(buf, len, "%llu", (unsigned long long)v->u);
		break;
	case FV_I64:
		snprintf(buf, len, "%lld", (long long)v->i);
		break;
	case FV_BOOL:
		strlcpy(buf, v->u ? "true" : "false", len);
		break;
	}
}

/*
 * The back end of a document: JSON with -j, else text; show metrics
 * sets its own.  hactl events calls no out_begin().
 */
static const struct out_ops *
ops_of(struct hactl_out *o)
{
	if (o->ops == NULL)
		o->ops = o->json ? &out_json_ops : &out_text_ops;
	return (o->ops);
}

void
out_row(struct hactl_out *o, enum out_table t, int depth)
{
	ops_of(o)->row(o, t, depth);
}

void
out_field(struct hactl_out *o, const struct fdesc *fd, const struct fval *v)
{
	ops_of(o)->field(o, fd, v);
}

void
out_open(struct hactl_out *o, const char *key, int kind)
{
	if (ops_of(o)->open != NULL)
		o->ops->open(o, key, kind);
}

void
out_close(struct hactl_out *o)
{
	if (ops_of(o)->close != NULL)
		o->ops->close(o);
}

void
out_row_end(struct hactl_out *o)
{
	ops_of(o)->row_end(o);
}

/* A line of the text that says in words what the fields say. */
void
out_line(struct hactl_out *o, const char *fmt, ...)
{
	char	 line[2048];
	va_list	 ap;

	if (ops_of(o)->line == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	o->ops->line(o, line);
}

/* Every JSON document is an object whose first member is its version. */
void
out_begin(struct hactl_out *o, uint32_t type)
{
	o->ops = NULL;
	ops_of(o)->begin(o, type);
}

void
out_finish(struct hactl_out *o, uint32_t type)
{
	ops_of(o)->finish(o, type);
}

/* What reload, log, drain or maintenance did, with -j. */
void
out_result(const char *message)
{
	printf("{\"schema\": %d, \"kind\": \"result\", \"message\": ",
	    HACTL_SCHEMA);
	json_string(stdout, message);
	printf("}\n");
}

/* The Seccomp: line of /proc/PID/status in words. */
static const char *
seccomp_mode(int32_t mode)
{
	switch (mode) {
	case 0:
		return ("off");
	case 1:
		return ("strict");
	case 2:
		return ("filter");
	default:
		return ("unknown");
	}
}

static void
proc_terminate(struct msg_ctl_proc *r)
{
	r->name[sizeof(r->name) - 1] = '\0';
	r->user[sizeof(r->user) - 1] = '\0';
	r->root[sizeof(r->root) - 1] = '\0';
	r->last_exit[sizeof(r->last_exit) - 1] = '\0';
}

void
walk_proc(struct hactl_out *o, const struct msg_ctl_proc *row)
{
	struct msg_ctl_proc	 r = *row;
	char			 eff[256], bnd[256], up[32], ids[32], sc[32];
	char			 hex[3][20], why[64];
	int			 on = r.state != 0;

	proc_terminate(&r);
	caps_string(r.cap_eff, eff, sizeof(eff));
	caps_string(r.cap_bnd, bnd, sizeof(bnd));
	snprintf(hex[0], sizeof(hex[0]), "%016llx",
	    (unsigned long long)r.cap_eff);
	snprintf(hex[1], sizeof(hex[1]), "%016llx",
	    (unsigned long long)r.cap_prm);
	snprintf(hex[2], sizeof(hex[2]), "%016llx",
	    (unsigned long long)r.cap_bnd);
	if (on)
		fmt_duration(r.uptime, up, sizeof(up));
	else
		strlcpy(up, "down", sizeof(up));
	snprintf(ids, sizeof(ids), "%u:%u", r.uid, r.gid);
	if (r.seccomp == 2)
		snprintf(sc, sizeof(sc), "filter:%d", r.seccomp_filters);
	else
		strlcpy(sc, seccomp_mode(r.seccomp), sizeof(sc));

	out_row(o, T_PROCS, 0);
	out_field(o, FD(.key = "name", .col = PC_NAME, .label = "process"),
	    VS(r.name));
	out_field(o, FD(.key = "running", .metric = M_PROC_UP), VB(on));
	out_field(o, FD(.key = "pid", .col = PC_PID), VI(r.pid));
	out_field(o, FD(.key = "uid"), VU(r.uid));
	out_field(o, FD(.key = "user"), VS(r.user));
	out_field(o, FD(.col = PC_USER), VS(on ? r.user : "-"));
	out_field(o, FD(.col = PC_IDS), VS(on ? ids : "-"));
	out_field(o, FD(.col = PC_SECCOMP), VS(on ? sc : "-"));
	out_field(o, FD(.key = "cap_eff"), VS(hex[0]));
	out_field(o, FD(.key = "cap_prm"), VS(hex[1]));
	out_field(o, FD(.key = "cap_bnd"), VS(hex[2]));
	out_field(o, FD(.key = "capabilities"), VS(eff));
	out_field(o, FD(.col = PC_CAPS), VS(on ? eff : "-"));
	out_field(o, FD(.key = "bounding"), VS(bnd));
	out_field(o, FD(.key = "gid"), VU(r.gid));
	out_field(o, FD(.key = "seccomp"), VS(seccomp_mode(r.seccomp)));
	out_field(o, FD(.key = "seccomp_filters"), VI(r.seccomp_filters));
	out_field(o, FD(.key = "no_new_privs"), VI(r.no_new_privs));
	out_field(o, FD(.key = "root"), VS(r.root));
	out_field(o, FD(.col = PC_ROOT), VS(on ? r.root : "-"));
	out_field(o, FD(.key = "started"), VI(r.started));
	out_field(o, FD(.key = "uptime", .metric = M_PROC_UPTIME),
	    VI(r.uptime));
	out_field(o, FD(.col = PC_UPTIME), VS(up));
	out_field(o, FD(.key = "restarts", .col = PC_RESTARTS,
	    .metric = M_PROC_RESTARTS), VU(r.restarts));
	out_field(o, FD(.key = "last_exit"), VS(r.last_exit));
	out_field(o, FD(.col = PC_EXIT),
	    VS(r.last_exit[0] ? r.last_exit : "-"));
	out_field(o, FD(.key = "peer_complaints"), VU(r.peer_complaints));
	/* Siblings' complaints: counted, never acted upon alone. */
	if (r.peer_complaints > 0) {
		snprintf(why, sizeof(why), " (%u complaints from siblings)",
		    r.peer_complaints);
		out_field(o, FD(.col = PC_COMPLAINTS), VS(why));
	}
	out_row_end(o);
}

/* Centiseconds as seconds, without trailing zeros: 100 -> 1, 1 -> 0.01. */
static void
fmt_cs(uint32_t cs, char *buf, size_t len)
{
	if (cs % 100 == 0)
		snprintf(buf, len, "%u", cs / 100);
	else if (cs % 10 == 0)
		snprintf(buf, len, "%u.%u", cs / 100, cs % 100 / 10);
	else
		snprintf(buf, len, "%u.%02u", cs / 100, cs % 100);
}

/* The fixed-size strings of a row from the wire, terminated. */
static void
vrrp_terminate(struct msg_ctl_vrrp *r)
{
	uint32_t	i;

	r->name[sizeof(r->name) - 1] = '\0';
	r->ifname[sizeof(r->ifname) - 1] = '\0';
	r->state_name[sizeof(r->state_name) - 1] = '\0';
	r->master[sizeof(r->master) - 1] = '\0';
	r->vips[sizeof(r->vips) - 1] = '\0';
	r->last_reason[sizeof(r->last_reason) - 1] = '\0';
	r->witness[sizeof(r->witness) - 1] = '\0';
	r->witness_state[sizeof(r->witness_state) - 1] = '\0';
	if (r->ndrops > MSG_VRRP_NDROPS)
		r->ndrops = MSG_VRRP_NDROPS;
	for (i = 0; i < r->ndrops; i++)
		r->drop_names[i][sizeof(r->drop_names[i]) - 1] = '\0';
}

void
vrrp_track_terminate(struct msg_ctl_vrrp_track *t)
{
	t->instance[sizeof(t->instance) - 1] = '\0';
	t->kind[sizeof(t->kind) - 1] = '\0';
	t->name[sizeof(t->name) - 1] = '\0';
	t->state[sizeof(t->state) - 1] = '\0';
}

void
track_terminate(struct msg_ctl_track *r)
{
	r->kind[sizeof(r->kind) - 1] = '\0';
	r->name[sizeof(r->name) - 1] = '\0';
	r->state[sizeof(r->state) - 1] = '\0';
	r->path[sizeof(r->path) - 1] = '\0';
	r->reason[sizeof(r->reason) - 1] = '\0';
}

/* snprintf at the end of what buf has. */
static void
cat(char *buf, size_t len, const char *fmt, ...)
    __attribute__((__format__(__printf__, 3, 4)));

static void
cat(char *buf, size_t len, const char *fmt, ...)
{
	va_list	 ap;
	size_t	 off = strlen(buf);

	if (off >= len - 1)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + off, len - off, fmt, ap);
	va_end(ap);
}

/* What a tracked object does to a VRRP instance. */
void
walk_vrrp_track(struct hactl_out *o, const struct msg_ctl_vrrp_track *row,
    int depth)
{
	struct msg_ctl_vrrp_track	 t = *row;

	vrrp_track_terminate(&t);
	out_row(o, T_NONE, depth);
	out_field(o, FD(.label = "instance"), VS(t.instance));
	out_field(o, FD(.key = "kind", .label = "kind"), VS(t.kind));
	out_field(o, FD(.key = "name", .label = "name"), VS(t.name));
	out_field(o, FD(.key = "state"), VS(t.state));
	out_field(o, FD(.key = "value"), VI(t.value));
	out_field(o, FD(.key = "weight"), VI(t.weight));
	out_field(o, FD(.key = "delta", .metric = M_VTRACK_DELTA),
	    VI(t.delta));
	out_field(o, FD(.key = "fault", .metric = M_VTRACK_FAULT),
	    VB(t.fault));
	out_row_end(o);
}

/*
 * "effective priority 60 = 100 - 40 (vrrp_script chk_nginx down)", and
 * the objects that fault the instance.
 */
static void
vrrp_tracks_text(struct hactl_out *o, const struct msg_ctl_vrrp *r,
    const struct msg_ctl_vrrp_track *t, size_t n)
{
	char	 line[2048];
	size_t	 i;
	int	 sum = 0, nfault = 0;

	if (n == 0)
		return;
	line[0] = '\0';
	cat(line, sizeof(line), "    effective priority %u = %u",
	    r->eff_priority, r->base_priority);
	for (i = 0; i < n; i++) {
		sum += t[i].delta;
		if (t[i].delta == 0)
			continue;
		cat(line, sizeof(line), " %c %d (%s %s ",
		    t[i].delta < 0 ? '-' : '+',
		    t[i].delta < 0 ? -t[i].delta : t[i].delta, t[i].kind,
		    t[i].name);
		if (strcmp(t[i].kind, "track_file") == 0)
			cat(line, sizeof(line), "%lld x %d)",
			    (long long)t[i].value, t[i].weight);
		else
			cat(line, sizeof(line), "%s)", t[i].state);
	}
	if (r->base_priority < 255 && (int)r->base_priority + sum !=
	    (int)r->eff_priority && !r->maint)
		cat(line, sizeof(line), " (kept within 1..254)");
	out_line(o, "%s", line);
	line[0] = '\0';
	for (i = 0; i < n; i++) {
		if (!t[i].fault)
			continue;
		if (strcmp(t[i].kind, "track_file") == 0)
			cat(line, sizeof(line), "%s%s %s is %lld (weight %d)",
			    nfault++ ? ", " : "    FAULT by: ", t[i].kind,
			    t[i].name, (long long)t[i].value, t[i].weight);
		else
			cat(line, sizeof(line), "%s%s %s %s (weight 0)",
			    nfault++ ? ", " : "    FAULT by: ", t[i].kind,
			    t[i].name, t[i].state);
	}
	if (nfault)
		out_line(o, "%s", line);
	strlcpy(line, "    tracked:", sizeof(line));
	for (i = 0; i < n; i++) {
		cat(line, sizeof(line), "%s %s %s ", i ? "," : "", t[i].kind,
		    t[i].name);
		if (strcmp(t[i].kind, "track_file") == 0)
			cat(line, sizeof(line), "%lld x weight %d",
			    (long long)t[i].value, t[i].weight);
		else
			cat(line, sizeof(line), "%s, weight %d", t[i].state,
			    t[i].weight);
	}
	out_line(o, "%s", line);
}

/* The lines under an instance in the text: tracking, maintenance, ... */
static void
vrrp_text(struct hactl_out *o, const struct msg_ctl_vrrp *r,
    const struct msg_ctl_vrrp_track *tracks, size_t ntracks)
{
	char		 ago[32], line[2048];
	time_t		 now;
	uint32_t	 i;
	int		 ndrop = 0;

	if (o->ops->line == NULL)
		return;
	vrrp_tracks_text(o, r, tracks, ntracks);
	now = time(NULL);
	if (r->maint) {
		fmt_duration(now > r->maint_since ? now - r->maint_since : 0,
		    ago, sizeof(ago));
		out_line(o, "    MAINTENANCE for %s, asked by uid %u: priority "
		    "0, never master until `hactl maintenance off'", ago,
		    r->maint_uid);
	}
	if (r->last_transition > 0) {
		fmt_duration(now > r->last_transition ?
		    now - r->last_transition : 0, ago, sizeof(ago));
		out_line(o, "    last transition %s ago: %s", ago,
		    r->last_reason);
	}
	line[0] = '\0';
	for (i = 0; i < r->ndrops; i++) {
		if (r->drops[i] == 0)
			continue;
		cat(line, sizeof(line), "%s%s %llu", ndrop++ ? ", " :
		    "    dropped: ", r->drop_names[i],
		    (unsigned long long)r->drops[i]);
	}
	if (ndrop)
		out_line(o, "%s", line);
	if (r->prio0_sent || r->prio0_rcvd)
		out_line(o, "    priority 0 sent %llu, received %llu",
		    (unsigned long long)r->prio0_sent,
		    (unsigned long long)r->prio0_rcvd);
	if (r->path[0] != '\0')
		out_line(o, "    unicast_path %s: %llu adverts received",
		    r->path, (unsigned long long)r->path_rcvd);
	if (r->tolerance > 3 || r->flaps > 0)
		out_line(o, "    takeover after %u missed adverts, %llu flaps "
		    "seen", r->tolerance, (unsigned long long)r->flaps);
	if (r->takeover_check_ms > 0)
		out_line(o, "    takeover_check %u ms: %llu probes, %llu "
		    "answered", r->takeover_check_ms,
		    (unsigned long long)r->probes_sent,
		    (unsigned long long)r->probes_answered);
	if (r->dual_master > 0)
		out_line(o, "    DUAL MASTER: another master heard %llu times",
		    (unsigned long long)r->dual_master);
	if (r->witness[0] != '\0')
		out_line(o, "    witness %s %s: %llu takeovers refused, %llu "
		    "times master given up", r->witness, r->witness_state,
		    (unsigned long long)r->witness_refused,
		    (unsigned long long)r->witness_faults);
}

void
walk_vrrp(struct hactl_out *o, const struct msg_ctl_vrrp *row,
    const struct msg_ctl_vrrp_track *tracks, size_t ntracks)
{
	static const char *const states[] = {
		"INIT", "BACKUP", "MASTER", "FAULT"
	};
	struct msg_ctl_vrrp	 r = *row;
	char			 adv[16], madv[16], prio[16];
	char			 vips[sizeof(r.vips)], *p, *v;
	size_t			 i;

	vrrp_terminate(&r);
	fmt_cs(r.advert_int_cs, adv, sizeof(adv));
	fmt_cs(r.master_adver_int_cs, madv, sizeof(madv));
	if (r.base_priority == r.eff_priority)
		snprintf(prio, sizeof(prio), "%u", r.base_priority);
	else
		snprintf(prio, sizeof(prio), "%u/%u", r.base_priority,
		    r.eff_priority);

	out_row(o, T_VRRP, 0);
	out_field(o, FD(.key = "name", .col = VC_NAME, .label = "instance"),
	    VS(r.name));
	out_field(o, FD(.key = "interface", .col = VC_IF,
	    .label = "interface"), VS(r.ifname));
	out_field(o, FD(.key = "vrid", .col = VC_VRID, .label = "vrid"),
	    VU(r.vrid));
	out_field(o, FD(.key = "version", .col = VC_VERSION), VU(r.version));
	out_field(o, FD(.key = "state", .col = VC_STATE), VS(r.state_name));
	for (i = 0; i < 4; i++)
		out_field(o, FD(.metric = M_VRRP_STATE, .xlabel = "state",
		    .xvalue = states[i]),
		    VB(strcmp(r.state_name, states[i]) == 0));
	out_field(o, FD(.key = "priority", .metric = M_VRRP_PRIO),
	    VU(r.base_priority));
	out_field(o, FD(.key = "effective_priority",
	    .metric = M_VRRP_EFF_PRIO), VU(r.eff_priority));
	out_field(o, FD(.col = VC_PRIO), VS(prio));
	out_field(o, FD(.key = "master"), VS(r.master));
	out_field(o, FD(.col = VC_MASTER), VS(r.master[0] ? r.master : "-"));
	out_field(o, FD(.key = "advert_int", .col = VC_INT,
	    .metric = M_VRRP_ADVERT_INT), VN(adv, r.advert_int_cs));
	out_field(o, FD(.key = "master_advert_int"),
	    VN(madv, r.master_adver_int_cs));
	out_open(o, "vips", O_LIST);
	strlcpy(vips, r.vips, sizeof(vips));
	for (p = vips; (v = strsep(&p, " ")) != NULL;)
		if (*v != '\0')
			out_field(o, FD(.item = 1), VS(v));
	out_close(o);
	out_field(o, FD(.key = "transitions", .col = VC_TRANS,
	    .metric = M_VRRP_TRANSITIONS), VU(r.transitions));
	out_field(o, FD(.key = "last_transition"), VI(r.last_transition));
	out_field(o, FD(.key = "last_reason"), VS(r.last_reason));
	out_field(o, FD(.key = "adverts_sent", .col = VC_SENT,
	    .metric = M_VRRP_SENT), VU(r.adverts_sent));
	out_field(o, FD(.key = "adverts_received", .col = VC_RCVD,
	    .metric = M_VRRP_RCVD), VU(r.adverts_rcvd));
	out_field(o, FD(.key = "prio0_sent", .metric = M_VRRP_PRIO0_SENT),
	    VU(r.prio0_sent));
	out_field(o, FD(.key = "prio0_received",
	    .metric = M_VRRP_PRIO0_RCVD), VU(r.prio0_rcvd));
	out_open(o, "drops", O_OBJ);
	for (i = 0; i < r.ndrops; i++)
		out_field(o, FD(.key = r.drop_names[i],
		    .metric = r.drop_names[i][0] ? M_VRRP_DROPPED : M_NONE,
		    .xlabel = "reason"), VU(r.drops[i]));
	out_close(o);
	out_field(o, FD(.key = "maintenance"), VB(r.maint));
	if (r.maint) {
		out_field(o, FD(.key = "maintenance_uid"), VU(r.maint_uid));
		out_field(o, FD(.key = "maintenance_since"),
		    VI(r.maint_since));
	}
	if (r.path[0] != '\0') {
		out_field(o, FD(.key = "path"), VS(r.path));
		out_field(o, FD(.key = "path_received"), VU(r.path_rcvd));
	}
	out_field(o, FD(.key = "tolerance", .metric = M_VRRP_TOLERANCE),
	    VU(r.tolerance));
	out_field(o, FD(.key = "flaps", .metric = M_VRRP_FLAPS),
	    VU(r.flaps));
	out_field(o, FD(.key = "takeover_check_ms"), VU(r.takeover_check_ms));
	out_field(o, FD(.key = "probes_sent", .metric = M_VRRP_PROBES_SENT),
	    VU(r.probes_sent));
	out_field(o, FD(.key = "probes_answered",
	    .metric = M_VRRP_PROBES_ANSWERED), VU(r.probes_answered));
	out_field(o, FD(.key = "dual_master", .metric = M_VRRP_DUAL_MASTER),
	    VU(r.dual_master));
	out_field(o, FD(.metric = M_VRRP_PATH_RCVD), VU(r.path_rcvd));
	if (r.witness[0] != '\0') {
		out_field(o, FD(.key = "witness"), VS(r.witness));
		out_field(o, FD(.key = "witness_state"), VS(r.witness_state));
		out_field(o, FD(.metric = M_VRRP_WITNESS_UP),
		    VB(strcmp(r.witness_state, "up") == 0));
		out_field(o, FD(.key = "witness_refused",
		    .metric = M_VRRP_WITNESS_REFUSED), VU(r.witness_refused));
		out_field(o, FD(.key = "witness_faults",
		    .metric = M_VRRP_WITNESS_FAULTS), VU(r.witness_faults));
	}
	out_open(o, "tracking", O_LIST);
	for (i = 0; i < ntracks; i++)
		walk_vrrp_track(o, &tracks[i], 1);
	out_close(o);
	out_field(o, FD(.col = VC_VIPS), VS(r.vips[0] ? r.vips : "-"));
	out_row_end(o);
	vrrp_text(o, &r, tracks, ntracks);
}

void
out_proc(struct hactl_out *o, const struct msg_ctl_proc *r)
{
	walk_proc(o, r);
}

void
out_vrrp(struct hactl_out *o, const struct msg_ctl_vrrp *r,
    const struct msg_ctl_vrrp_track *tracks, size_t ntracks)
{
	walk_vrrp(o, r, tracks, ntracks);
}

void
check_terminate(struct msg_ctl_check *r)
{
	r->vs[sizeof(r->vs) - 1] = '\0';
	r->rs[sizeof(r->rs) - 1] = '\0';
	r->target[sizeof(r->target) - 1] = '\0';
	r->type[sizeof(r->type) - 1] = '\0';
	r->reason[sizeof(r->reason) - 1] = '\0';
}

/* "5m02s" since a change, "-" if none. */
static void
fmt_ago(int64_t t, char *buf, size_t len)
{
	time_t	 now = time(NULL);

	if (t > 0)
		fmt_duration(now > t ? now - t : 0, buf, len);
	else
		strlcpy(buf, "-", len);
}

void
walk_check(struct hactl_out *o, const struct msg_ctl_check *row)
{
	struct msg_ctl_check	 r = *row;
	char			 ago[32];

	check_terminate(&r);
	fmt_ago(r.last_change, ago, sizeof(ago));
	out_row(o, T_CHECKS, 0);
	out_field(o, FD(.key = "virtual_server", .col = CC_VS,
	    .label = "virtual_server"), VS(r.vs));
	out_field(o, FD(.key = "real_server", .col = CC_RS,
	    .label = "real_server"), VS(r.rs));
	out_field(o, FD(.key = "target"), VS(r.target));
	out_field(o, FD(.key = "type", .col = CC_TYPE, .label = "type"),
	    VS(r.type));
	out_field(o, FD(.key = "state"), VS(r.up ? "up" : "down"));
	out_field(o, FD(.col = CC_STATE), VS(r.up ? "up" : "DOWN"));
	out_field(o, FD(.metric = M_CHECK_UP), VB(r.up));
	out_field(o, FD(.key = "real_server_up"), VB(r.rs_up));
	out_field(o, FD(.key = "successes", .col = CC_OK), VU(r.successes));
	out_field(o, FD(.key = "failures", .col = CC_FAIL), VU(r.failures));
	out_field(o, FD(.key = "rise"), VU(r.rise));
	out_field(o, FD(.key = "fall"), VU(r.fall));
	out_field(o, FD(.key = "latency_ms", .col = CC_LATENCY,
	    .metric = M_CHECK_LATENCY), VU(r.latency_ms));
	out_field(o, FD(.key = "delay_loop_ms"), VU(r.delay_loop_ms));
	out_field(o, FD(.key = "rounds", .metric = M_CHECK_ROUNDS),
	    VU(r.rounds));
	out_field(o, FD(.key = "last_change", .metric = M_CHECK_LAST_CHANGE),
	    VI(r.last_change));
	out_field(o, FD(.col = CC_CHANGED), VS(ago));
	out_field(o, FD(.key = "weight"), VI(r.weight));
	out_field(o, FD(.key = "suspended"), VB(r.suspended));
	out_field(o, FD(.key = "reason", .col = CC_RESULT), VS(r.reason));
	out_row_end(o);
}

void
out_check(struct hactl_out *o, const struct msg_ctl_check *r)
{
	walk_check(o, r);
}

/* show checks: a vrrp_script or track_file, after the health checks. */
void
walk_track(struct hactl_out *o, const struct msg_ctl_track *row)
{
	struct msg_ctl_track	 r = *row;
	char			 ago[32], last[16], w[24], rf[24];
	int			 file, script;

	track_terminate(&r);
	file = strcmp(r.kind, "track_file") == 0;
	script = strcmp(r.kind, "vrrp_script") == 0;
	fmt_ago(r.last_change, ago, sizeof(ago));
	snprintf(w, sizeof(w), "%d%s", r.weight, r.reverse ? "r" : "");
	if (file)
		snprintf(last, sizeof(last), "%lld", (long long)r.value);
	else if (r.last_status >= 0)
		snprintf(last, sizeof(last), "exit %d", r.last_status);
	else
		strlcpy(last, "-", sizeof(last));
	snprintf(rf, sizeof(rf), "%4u/%-4u", file ? 0 : r.successes,
	    file ? 0 : r.failures);

	out_row(o, T_TRACKS, 0);
	out_field(o, FD(.key = "kind", .col = TC_KIND, .label = "kind"),
	    VS(r.kind));
	out_field(o, FD(.key = "name", .col = TC_NAME, .label = "name"),
	    VS(r.name));
	out_field(o, FD(.key = "state", .col = TC_STATE), VS(r.state));
	if (script)
		out_field(o, FD(.metric = M_TRACK_UP),
		    VI(strcmp(r.state, "up") == 0 ? 1 :
		    strcmp(r.state, "down") == 0 ? 0 : -1));
	if (file) {
		out_field(o, FD(.key = "path"), VS(r.path));
		out_field(o, FD(.key = "value", .metric = M_TRACK_FILE_VALUE),
		    VI(r.value));
	} else {
		out_field(o, FD(.key = "last_exit_status",
		    .metric = script ? M_TRACK_EXIT : M_NONE),
		    VI(r.last_status));
		out_field(o, FD(.key = "successes",
		    .metric = script ? M_TRACK_OK : M_NONE), VU(r.successes));
		out_field(o, FD(.key = "failures",
		    .metric = script ? M_TRACK_FAIL : M_NONE), VU(r.failures));
		out_field(o, FD(.key = "rise"), VU(r.rise));
		out_field(o, FD(.key = "fall"), VU(r.fall));
	}
	out_field(o, FD(.col = TC_VALUE), VS(last));
	out_field(o, FD(.col = TC_RISEFALL), VS(rf));
	out_field(o, FD(.key = "weight"), VI(r.weight));
	out_field(o, FD(.col = TC_WEIGHT), VS(w));
	out_field(o, FD(.key = "reverse"), VB(r.reverse));
	out_field(o, FD(.key = "runs"), VU(r.runs));
	out_field(o, FD(.key = "last_change"), VI(r.last_change));
	out_field(o, FD(.col = TC_CHANGED), VS(ago));
	out_field(o, FD(.key = "reason", .col = TC_RESULT), VS(r.reason));
	out_row_end(o);
}

void
out_track(struct hactl_out *o, const struct msg_ctl_track *r)
{
	walk_track(o, r);
}

static const char *
bfd_state_str(uint32_t s)
{
	static const char *const names[] = {
		"AdminDown", "Down", "Init", "Up"
	};

	return (names[s & 3]);
}

static void
bfd_terminate(struct msg_ctl_bfd *r)
{
	uint32_t	 i;

	r->name[sizeof(r->name) - 1] = '\0';
	r->neighbor[sizeof(r->neighbor) - 1] = '\0';
	r->source[sizeof(r->source) - 1] = '\0';
	if (r->ndrops > MSG_BFD_NDROPS)
		r->ndrops = MSG_BFD_NDROPS;
	for (i = 0; i < MSG_BFD_NDROPS; i++)
		r->drop_names[i][sizeof(r->drop_names[i]) - 1] = '\0';
}

/* Microseconds as milliseconds, "10" or "3.312". */
static void
fmt_ms(uint32_t us, char *buf, size_t len)
{
	if (us % 1000 == 0)
		snprintf(buf, len, "%u", us / 1000);
	else
		snprintf(buf, len, "%u.%03u", us / 1000, us % 1000);
}

/* The fields of a BFD session, not those of the totals row. */
static void
bfd_session(struct hactl_out *o, const struct msg_ctl_bfd *r)
{
	char	 tx[16], rx[16], det[16];

	fmt_ms(r->tx_interval_us, tx, sizeof(tx));
	fmt_ms(r->required_rx_us, rx, sizeof(rx));
	fmt_ms(r->detect_us, det, sizeof(det));
	out_field(o, FD(.key = "name", .col = BC_NAME, .label = "name"),
	    VS(r->name));
	out_field(o, FD(.key = "neighbor", .col = BC_NEIGHBOR,
	    .label = "neighbor"), VS(r->neighbor));
	out_field(o, FD(.key = "source"), VS(r->source));
	out_field(o, FD(.key = "state", .col = BC_STATE),
	    VS(bfd_state_str(r->state)));
	out_field(o, FD(.metric = M_BFD_UP), VB(r->state == 3));
	out_field(o, FD(.metric = M_BFD_STATE), VU(r->state));
	out_field(o, FD(.key = "remote_state", .col = BC_REMOTE),
	    VS(bfd_state_str(r->remote_state)));
	out_field(o, FD(.key = "diag"), VU(r->diag));
	out_field(o, FD(.key = "remote_diag"), VU(r->remote_diag));
	out_field(o, FD(.key = "local_discr", .col = BC_LOCAL_ID),
	    VU(r->local_discr));
	out_field(o, FD(.key = "remote_discr", .col = BC_REMOTE_ID),
	    VU(r->remote_discr));
	out_field(o, FD(.key = "mult"), VU(r->mult));
	out_field(o, FD(.key = "remote_mult"), VU(r->remote_mult));
	out_field(o, FD(.key = "desired_tx_us"), VU(r->desired_tx_us));
	out_field(o, FD(.key = "required_rx_us"), VU(r->required_rx_us));
	out_field(o, FD(.col = BC_RX), VS(rx));
	out_field(o, FD(.key = "remote_desired_tx_us"),
	    VU(r->remote_desired_tx_us));
	out_field(o, FD(.key = "remote_min_rx_us"), VU(r->remote_min_rx_us));
	out_field(o, FD(.key = "tx_interval_us"), VU(r->tx_interval_us));
	out_field(o, FD(.col = BC_TX), VS(tx));
	out_field(o, FD(.key = "detect_us", .metric = M_BFD_DETECT),
	    VU(r->detect_us));
	out_field(o, FD(.col = BC_DETECT), VS(det));
	out_field(o, FD(.key = "passive"), VB(r->passive));
	out_field(o, FD(.key = "sent", .col = BC_SENT, .metric = M_BFD_SENT),
	    VU(r->tx));
	out_field(o, FD(.key = "received", .col = BC_RCVD,
	    .metric = M_BFD_RCVD), VU(r->rx));
	out_field(o, FD(.key = "ups", .col = BC_UPS), VU(r->ups));
	out_field(o, FD(.key = "downs", .col = BC_DOWNS,
	    .metric = M_BFD_DOWNS), VU(r->downs));
	out_field(o, FD(.key = "polls"), VU(r->polls));
	out_field(o, FD(.key = "since"), VI(r->since));
}

/*
 * One BFD session (show bfd); the row without a name is the totals of
 * the drops, those of packets that matched no session among them.
 */
void
walk_bfd(struct hactl_out *o, const struct msg_ctl_bfd *row)
{
	struct msg_ctl_bfd	 r = *row;
	char			 line[1024];
	uint32_t		 i;
	int			 totals, n = 0;

	bfd_terminate(&r);
	totals = r.name[0] == '\0';
	out_row(o, T_BFD, 0);
	if (totals)
		out_field(o, FD(.key = "totals"), VB(1));
	else
		bfd_session(o, &r);
	out_open(o, "drops", O_OBJ);
	for (i = 0; i < r.ndrops; i++)
		out_field(o, FD(.key = r.drop_names[i],
		    .metric = totals ? M_BFD_DROPPED : M_NONE,
		    .xlabel = "reason"), VU(r.drops[i]));
	out_close(o);
	out_row_end(o);
	if (!totals)
		return;
	line[0] = '\0';
	for (i = 0; i < r.ndrops; i++) {
		if (r.drops[i] == 0)
			continue;
		cat(line, sizeof(line), "%s %s %llu", n++ ? "," : "dropped:",
		    r.drop_names[i], (unsigned long long)r.drops[i]);
	}
	if (n > 0)
		out_line(o, "%s", line);
}

void
out_bfd(struct hactl_out *o, const struct msg_ctl_bfd *r)
{
	walk_bfd(o, r);
}

static void
lvs_terminate(struct msg_ctl_lvs *r)
{
	r->service[sizeof(r->service) - 1] = '\0';
	r->sched[sizeof(r->sched) - 1] = '\0';
	r->method[sizeof(r->method) - 1] = '\0';
	r->real[sizeof(r->real) - 1] = '\0';
	r->health[sizeof(r->health) - 1] = '\0';
	r->announce_why[sizeof(r->announce_why) - 1] = '\0';
}

/*
 * A virtual server, its real servers in the rows after it; sums (show
 * metrics) are over those.
 */
static void
lvs_service(struct hactl_out *o, const struct msg_ctl_lvs *r,
    const struct lvs_sums *sums)
{
	char	 pers[32], quorum[48], ann[sizeof(r->announce_why) + 40];

	strlcpy(o->svc, r->service, sizeof(o->svc));
	out_row(o, T_LVS, 0);
	out_field(o, FD(.key = "service", .col = LC_NAME,
	    .label = "service"), VS(r->service));
	out_field(o, FD(.key = "scheduler", .col = LC_SCHED), VS(r->sched));
	out_field(o, FD(.key = "method", .col = LC_METHOD), VS(r->method));
	out_field(o, FD(.col = LC_WEIGHT), VS(""));
	out_field(o, FD(.col = LC_KERNEL), VS(""));
	out_field(o, FD(.key = "persistence"), VU(r->persistence));
	out_field(o, FD(.key = "quorum"), VU(r->quorum));
	out_field(o, FD(.key = "quorum_up", .metric = M_VS_QUORUM_UP),
	    VB(r->quorum_up));
	out_field(o, FD(.key = "in_kernel", .metric = M_VS_IN_KERNEL),
	    VB(r->in_kernel));
	out_field(o, FD(.key = "announce"), VS(r->announce_why));
	out_field(o, FD(.key = "announced"), VB(r->announced));
	out_field(o, FD(.key = "announce_table"), VU(r->announce_table));
	out_field(o, FD(.col = LC_HEALTH), VS(r->in_kernel ? "" : "absent"));
	if (r->persistence) {
		snprintf(pers, sizeof(pers), " persistent %us",
		    r->persistence);
		out_field(o, FD(.col = LC_PERSIST), VS(pers));
	}
	if (r->quorum > 1 || !r->quorum_up) {
		snprintf(quorum, sizeof(quorum), " quorum %u %s", r->quorum,
		    r->quorum_up ? "met" : "LOST");
		out_field(o, FD(.col = LC_QUORUM), VS(quorum));
	}
	if (r->announce_table != 0) {
		snprintf(ann, sizeof(ann), " %s table %u%s%s", r->announced ?
		    "announced" : "withdrawn", r->announce_table,
		    r->announced ? "" : ": ", r->announced ? "" :
		    r->announce_why);
		out_field(o, FD(.col = LC_ANNOUNCE), VS(ann));
	}
	if (sums != NULL) {
		out_field(o, FD(.metric = M_VS_WEIGHT), VU(sums->weight));
		out_field(o, FD(.metric = M_VS_ACTIVE), VU(sums->active));
		out_field(o, FD(.metric = M_VS_INACTIVE), VU(sums->inactive));
	}
	out_field(o, FD(.metric = M_VS_CONNS), VU(r->conns));
	out_field(o, FD(.metric = M_VS_PACKETS, .xlabel = "direction",
	    .xvalue = "in"), VU(r->in_pkts));
	out_field(o, FD(.metric = M_VS_PACKETS, .xlabel = "direction",
	    .xvalue = "out"), VU(r->out_pkts));
	out_field(o, FD(.metric = M_VS_BYTES, .xlabel = "direction",
	    .xvalue = "in"), VU(r->in_bytes));
	out_field(o, FD(.metric = M_VS_BYTES, .xlabel = "direction",
	    .xvalue = "out"), VU(r->out_bytes));
	out_field(o, FD(.metric = M_VS_ANNOUNCED), VB(r->announced));
	out_open(o, "reals", O_CHILDREN);
	out_row_end(o);
}

static void
lvs_real(struct hactl_out *o, const struct msg_ctl_lvs *r)
{
	char	 name[sizeof(r->real) + 8], w[16];

	snprintf(name, sizeof(name), "  -> %s", r->real);
	if (r->kernel_weight < 0)
		strlcpy(w, "-", sizeof(w));
	else
		snprintf(w, sizeof(w), "%d", r->kernel_weight);
	out_row(o, T_LVS, 1);
	out_field(o, FD(.label = "service"), VS(o->svc));
	out_field(o, FD(.key = "real", .label = "real"), VS(r->real));
	out_field(o, FD(.col = LC_NAME), VS(name));
	out_field(o, FD(.key = "sorry"), VB(r->sorry));
	out_field(o, FD(.col = LC_METHOD), VS(r->sorry ? "sorry" : ""));
	out_field(o, FD(.key = "drained", .metric = M_RS_DRAINED),
	    VB(r->drained));
	out_field(o, FD(.col = LC_SCHED), VS(r->drained ? "drain" : ""));
	out_field(o, FD(.key = "weight", .col = LC_WEIGHT,
	    .metric = M_RS_WEIGHT), VU(r->conf_weight));
	out_field(o, FD(.key = "kernel_weight",
	    .metric = M_RS_KERNEL_WEIGHT), VI(r->kernel_weight));
	out_field(o, FD(.key = "want_weight"), VI(r->want_weight));
	out_field(o, FD(.col = LC_KERNEL), VS(w));
	out_field(o, FD(.key = "health", .col = LC_HEALTH), VS(r->health));
	out_field(o, FD(.metric = M_RS_UP), VB(strcmp(r->health, "up") == 0));
	out_field(o, FD(.key = "active_conns", .col = LC_ACTIVE,
	    .metric = M_RS_ACTIVE), VU(r->active_conns));
	out_field(o, FD(.key = "inactive_conns", .col = LC_INACTIVE,
	    .metric = M_RS_INACTIVE), VU(r->inactive_conns));
	out_field(o, FD(.key = "conns", .metric = M_RS_CONNS), VU(r->conns));
	out_field(o, FD(.key = "in_packets", .metric = M_RS_PACKETS,
	    .xlabel = "direction", .xvalue = "in"), VU(r->in_pkts));
	out_field(o, FD(.key = "out_packets", .metric = M_RS_PACKETS,
	    .xlabel = "direction", .xvalue = "out"), VU(r->out_pkts));
	out_field(o, FD(.key = "in_bytes", .metric = M_RS_BYTES,
	    .xlabel = "direction", .xvalue = "in"), VU(r->in_bytes));
	out_field(o, FD(.key = "out_bytes", .metric = M_RS_BYTES,
	    .xlabel = "direction", .xvalue = "out"), VU(r->out_bytes));
	out_field(o, FD(.col = LC_PACKETS), VU(r->in_pkts + r->out_pkts));
	out_field(o, FD(.col = LC_BYTES), VU(r->in_bytes + r->out_bytes));
	out_row_end(o);
}

void
walk_lvs(struct hactl_out *o, const struct msg_ctl_lvs *row,
    const struct lvs_sums *sums)
{
	struct msg_ctl_lvs	 r = *row;

	lvs_terminate(&r);
	if (r.kind == LVS_ROW_SERVICE)
		lvs_service(o, &r, sums);
	else
		lvs_real(o, &r);
}

void
out_lvs(struct hactl_out *o, const struct msg_ctl_lvs *r)
{
	walk_lvs(o, r, NULL);
}

/*
 * One event of show history (a JSON array with -j) or of events (JSON
 * lines with -j: o->stream), flushed at once for a pipe.
 */
void
out_event(struct hactl_out *o, const struct msg_ctl_event *row)
{
	struct msg_ctl_event	 e = *row;
	struct tm		 tm;
	time_t			 t;
	char			 when[32], ms[48];

	e.kind[sizeof(e.kind) - 1] = '\0';
	e.object[sizeof(e.object) - 1] = '\0';
	e.text[sizeof(e.text) - 1] = '\0';
	t = e.time_ms / 1000;
	if (localtime_r(&t, &tm) == NULL ||
	    strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm) == 0)
		strlcpy(when, "?", sizeof(when));
	snprintf(ms, sizeof(ms), "%s.%03lld", when,
	    (long long)(e.time_ms % 1000));
	out_row(o, T_EVENTS, 0);
	out_field(o, FD(.key = "seq"), VU(e.seq));
	out_field(o, FD(.key = "time_ms"), VI(e.time_ms));
	out_field(o, FD(.col = EC_WHEN), VS(ms));
	out_field(o, FD(.key = "kind", .col = EC_KIND), VS(e.kind));
	out_field(o, FD(.key = "object", .col = EC_OBJECT), VS(e.object));
	out_field(o, FD(.key = "text", .col = EC_TEXT), VS(e.text));
	out_row_end(o);
	fflush(stdout);
}
