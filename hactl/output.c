/*
 * hactl output: aligned tables for people, JSON (-j) for programs.
 */
#include <sys/capability.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "hactl.h"
#include "msg.h"

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
static const char *
doc_kind(uint32_t type)
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

/* Every JSON document is an object whose first member is its version. */
void
out_begin(struct hactl_out *o, uint32_t type)
{
	o->nrows = 0;
	if (o->json) {
		printf("{\"schema\": %d, \"kind\": \"%s\", \"items\": [",
		    HACTL_SCHEMA, doc_kind(type));
		return;
	}
	if (type == IMSG_CTL_SHOW_PROCS)
		printf("%-7s %7s %-10s %-9s %-8s %-14s %-20s %8s %8s  %s\n",
		    "NAME", "PID", "USER", "UID:GID", "SECCOMP",
		    "CAPABILITIES", "ROOT", "UPTIME", "RESTARTS", "LAST EXIT");
	else if (type == IMSG_CTL_SHOW_VRRP)
		printf("%-16s %-10s %4s %2s %-7s %8s %-26s %6s %6s %8s %8s"
		    "  %s\n", "NAME", "INTERFACE", "VRID", "V", "STATE", "PRIO",
		    "MASTER", "INT", "TRANS", "SENT", "RCVD", "VIPS");
	else if (type == IMSG_CTL_SHOW_CHECKS)
		printf("%-22s %-22s %-9s %-5s %5s %5s %7s %8s  %s\n",
		    "VIRTUAL SERVER", "REAL SERVER", "TYPE", "STATE", "OK",
		    "FAIL", "LATENCY", "CHANGED", "LAST RESULT");
	else if (type == IMSG_CTL_SHOW_BFD)
		printf("%-16s %-26s %-9s %-9s %10s %10s %7s %7s %8s %9s %9s "
		    "%5s %5s\n", "NAME", "NEIGHBOR", "STATE", "REMOTE",
		    "LOCAL ID", "REMOTE ID", "TX", "RX", "DETECT", "SENT",
		    "RCVD", "UPS", "DOWNS");
	else if (type == IMSG_CTL_SHOW_LVS)
		printf("%-30s %-6s %-6s %6s %6s %-7s %8s %8s %12s %12s\n",
		    "SERVICE / REAL SERVER", "SCHED", "METHOD", "WEIGHT",
		    "KERNEL", "HEALTH", "ACTIVE", "INACTIVE", "PACKETS",
		    "BYTES");
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

void
out_proc(struct hactl_out *o, const struct msg_ctl_proc *r)
{
	char	 eff[256], prm[256], bnd[256], up[32], ids[32], sc[32];

	caps_string(r->cap_eff, eff, sizeof(eff));
	if (o->json) {
		caps_string(r->cap_prm, prm, sizeof(prm));
		caps_string(r->cap_bnd, bnd, sizeof(bnd));
		printf("%s\n  {\"name\": ", o->nrows ? "," : "");
		json_string(stdout, r->name);
		printf(", \"running\": %s, \"pid\": %d, \"uid\": %u, "
		    "\"user\": ", r->state ? "true" : "false", r->pid, r->uid);
		json_string(stdout, r->user);
		printf(", \"cap_eff\": \"%016llx\", \"cap_prm\": \"%016llx\", "
		    "\"cap_bnd\": \"%016llx\", \"capabilities\": ",
		    (unsigned long long)r->cap_eff,
		    (unsigned long long)r->cap_prm,
		    (unsigned long long)r->cap_bnd);
		json_string(stdout, eff);
		printf(", \"bounding\": ");
		json_string(stdout, bnd);
		printf(", \"gid\": %u, \"seccomp\": \"%s\", "
		    "\"seccomp_filters\": %d", r->gid,
		    seccomp_mode(r->seccomp), r->seccomp_filters);
		printf(", \"no_new_privs\": %d, \"root\": ", r->no_new_privs);
		json_string(stdout, r->root);
		printf(", \"started\": %lld, \"uptime\": %lld, "
		    "\"restarts\": %u, \"last_exit\": ",
		    (long long)r->started, (long long)r->uptime, r->restarts);
		json_string(stdout, r->last_exit);
		printf(", \"peer_complaints\": %u}", r->peer_complaints);
	} else {
		if (r->state)
			fmt_duration(r->uptime, up, sizeof(up));
		else
			strlcpy(up, "down", sizeof(up));
		snprintf(ids, sizeof(ids), "%u:%u", r->uid, r->gid);
		if (r->seccomp == 2)
			snprintf(sc, sizeof(sc), "filter:%d",
			    r->seccomp_filters);
		else
			strlcpy(sc, seccomp_mode(r->seccomp), sizeof(sc));
		printf("%-7s %7d %-10s %-9s %-8s %-14s %-20s %8s %8u  %s",
		    r->name, r->pid, r->state ? r->user : "-",
		    r->state ? ids : "-", r->state ? sc : "-",
		    r->state ? eff : "-", r->state ? r->root : "-", up,
		    r->restarts, r->last_exit[0] ? r->last_exit : "-");
		/* Siblings' complaints: counted, never acted upon alone. */
		if (r->peer_complaints > 0)
			printf(" (%u complaints from siblings)",
			    r->peer_complaints);
		printf("\n");
	}
	o->nrows++;
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
	if (r->ndrops > MSG_VRRP_NDROPS)
		r->ndrops = MSG_VRRP_NDROPS;
	for (i = 0; i < r->ndrops; i++)
		r->drop_names[i][sizeof(r->drop_names[i]) - 1] = '\0';
}

static void	vrrp_tracks_json(const struct msg_ctl_vrrp_track *, size_t);

static void
vrrp_json(const struct msg_ctl_vrrp *r, const char *adv, const char *madv,
    const struct msg_ctl_vrrp_track *tracks, size_t ntracks)
{
	char		 vips[sizeof(r->vips)], *p, *v;
	uint32_t	 i;
	int		 first;

	printf("\n  {\"name\": ");
	json_string(stdout, r->name);
	printf(", \"interface\": ");
	json_string(stdout, r->ifname);
	printf(", \"vrid\": %u, \"version\": %u, \"state\": ", r->vrid,
	    r->version);
	json_string(stdout, r->state_name);
	printf(", \"priority\": %u, \"effective_priority\": %u, "
	    "\"master\": ", r->base_priority, r->eff_priority);
	json_string(stdout, r->master);
	printf(", \"advert_int\": %s, \"master_advert_int\": %s, "
	    "\"vips\": [", adv, madv);
	strlcpy(vips, r->vips, sizeof(vips));
	first = 1;
	for (p = vips; (v = strsep(&p, " ")) != NULL;) {
		if (*v == '\0')
			continue;
		printf("%s", first ? "" : ", ");
		json_string(stdout, v);
		first = 0;
	}
	printf("], \"transitions\": %llu, \"last_transition\": %lld, "
	    "\"last_reason\": ", (unsigned long long)r->transitions,
	    (long long)r->last_transition);
	json_string(stdout, r->last_reason);
	printf(", \"adverts_sent\": %llu, \"adverts_received\": %llu, "
	    "\"prio0_sent\": %llu, \"prio0_received\": %llu, "
	    "\"drops\": {", (unsigned long long)r->adverts_sent,
	    (unsigned long long)r->adverts_rcvd,
	    (unsigned long long)r->prio0_sent,
	    (unsigned long long)r->prio0_rcvd);
	for (i = 0; i < r->ndrops; i++) {
		printf("%s", i ? ", " : "");
		json_string(stdout, r->drop_names[i]);
		printf(": %llu", (unsigned long long)r->drops[i]);
	}
	printf("}, \"maintenance\": %s", r->maint ? "true" : "false");
	if (r->maint)
		printf(", \"maintenance_uid\": %u, \"maintenance_since\": "
		    "%lld", r->maint_uid, (long long)r->maint_since);
	vrrp_tracks_json(tracks, ntracks);
	printf("}");
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

static void
vrrp_tracks_json(const struct msg_ctl_vrrp_track *t, size_t n)
{
	size_t	 i;

	printf(", \"tracking\": [");
	for (i = 0; i < n; i++) {
		printf("%s{\"kind\": ", i ? ", " : "");
		json_string(stdout, t[i].kind);
		printf(", \"name\": ");
		json_string(stdout, t[i].name);
		printf(", \"state\": ");
		json_string(stdout, t[i].state);
		printf(", \"value\": %lld, \"weight\": %d, \"delta\": %d, "
		    "\"fault\": %s}", (long long)t[i].value, t[i].weight,
		    t[i].delta, t[i].fault ? "true" : "false");
	}
	printf("]");
}

/*
 * "effective priority 60 = 100 - 40 (vrrp_script chk_nginx down)", and
 * the objects that fault the instance.
 */
static void
vrrp_tracks_text(const struct msg_ctl_vrrp *r,
    const struct msg_ctl_vrrp_track *t, size_t n)
{
	size_t	 i;
	int	 sum = 0, nfault = 0;

	if (n == 0)
		return;
	printf("    effective priority %u = %u", r->eff_priority,
	    r->base_priority);
	for (i = 0; i < n; i++) {
		sum += t[i].delta;
		if (t[i].delta == 0)
			continue;
		printf(" %c %d (%s %s ", t[i].delta < 0 ? '-' : '+',
		    t[i].delta < 0 ? -t[i].delta : t[i].delta, t[i].kind,
		    t[i].name);
		if (strcmp(t[i].kind, "track_file") == 0)
			printf("%lld x %d)", (long long)t[i].value,
			    t[i].weight);
		else
			printf("%s)", t[i].state);
	}
	if (r->base_priority < 255 && (int)r->base_priority + sum !=
	    (int)r->eff_priority && !r->maint)
		printf(" (kept within 1..254)");
	printf("\n");
	for (i = 0; i < n; i++) {
		if (!t[i].fault)
			continue;
		if (strcmp(t[i].kind, "track_file") == 0)
			printf("%s%s %s is %lld (weight %d)", nfault++ ? ", " :
			    "    FAULT by: ", t[i].kind, t[i].name,
			    (long long)t[i].value, t[i].weight);
		else
			printf("%s%s %s %s (weight 0)", nfault++ ? ", " :
			    "    FAULT by: ", t[i].kind, t[i].name,
			    t[i].state);
	}
	if (nfault)
		printf("\n");
	printf("    tracked:");
	for (i = 0; i < n; i++) {
		printf("%s %s %s ", i ? "," : "", t[i].kind, t[i].name);
		if (strcmp(t[i].kind, "track_file") == 0)
			printf("%lld x weight %d", (long long)t[i].value,
			    t[i].weight);
		else
			printf("%s, weight %d", t[i].state, t[i].weight);
	}
	printf("\n");
}

void
out_vrrp(struct hactl_out *o, const struct msg_ctl_vrrp *row,
    const struct msg_ctl_vrrp_track *tracks, size_t ntracks)
{
	struct msg_ctl_vrrp	 r = *row;
	char			 adv[16], madv[16], prio[16], ago[32];
	time_t			 now;
	uint32_t		 i;
	int			 ndrop = 0;

	vrrp_terminate(&r);
	fmt_cs(r.advert_int_cs, adv, sizeof(adv));
	fmt_cs(r.master_adver_int_cs, madv, sizeof(madv));
	if (o->json) {
		printf("%s", o->nrows ? "," : "");
		vrrp_json(&r, adv, madv, tracks, ntracks);
		o->nrows++;
		return;
	}
	if (r.base_priority == r.eff_priority)
		snprintf(prio, sizeof(prio), "%u", r.base_priority);
	else
		snprintf(prio, sizeof(prio), "%u/%u", r.base_priority,
		    r.eff_priority);
	printf("%-16s %-10s %4u %2u %-7s %8s %-26s %6s %6llu %8llu %8llu  "
	    "%s\n", r.name, r.ifname, r.vrid, r.version, r.state_name, prio,
	    r.master[0] ? r.master : "-", adv,
	    (unsigned long long)r.transitions,
	    (unsigned long long)r.adverts_sent,
	    (unsigned long long)r.adverts_rcvd, r.vips[0] ? r.vips : "-");
	vrrp_tracks_text(&r, tracks, ntracks);
	now = time(NULL);
	if (r.maint) {
		fmt_duration(now > r.maint_since ? now - r.maint_since : 0,
		    ago, sizeof(ago));
		printf("    MAINTENANCE for %s, asked by uid %u: priority 0, "
		    "never master until `hactl maintenance off'\n", ago,
		    r.maint_uid);
	}
	if (r.last_transition > 0) {
		fmt_duration(now > r.last_transition ?
		    now - r.last_transition : 0, ago, sizeof(ago));
		printf("    last transition %s ago: %s\n", ago,
		    r.last_reason);
	}
	for (i = 0; i < r.ndrops; i++) {
		if (r.drops[i] == 0)
			continue;
		printf("%s%s %llu", ndrop++ ? ", " : "    dropped: ",
		    r.drop_names[i], (unsigned long long)r.drops[i]);
	}
	if (ndrop)
		printf("\n");
	if (r.prio0_sent || r.prio0_rcvd)
		printf("    priority 0 sent %llu, received %llu\n",
		    (unsigned long long)r.prio0_sent,
		    (unsigned long long)r.prio0_rcvd);
	o->nrows++;
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

void
out_check(struct hactl_out *o, const struct msg_ctl_check *row)
{
	struct msg_ctl_check	 r = *row;
	char			 ago[32];
	time_t			 now = time(NULL);

	check_terminate(&r);
	if (r.last_change > 0)
		fmt_duration(now > r.last_change ? now - r.last_change : 0,
		    ago, sizeof(ago));
	else
		strlcpy(ago, "-", sizeof(ago));
	if (o->json) {
		printf("%s\n  {\"virtual_server\": ", o->nrows ? "," : "");
		json_string(stdout, r.vs);
		printf(", \"real_server\": ");
		json_string(stdout, r.rs);
		printf(", \"target\": ");
		json_string(stdout, r.target);
		printf(", \"type\": ");
		json_string(stdout, r.type);
		printf(", \"state\": \"%s\", \"real_server_up\": %s, "
		    "\"successes\": %u, \"failures\": %u, \"rise\": %u, "
		    "\"fall\": %u, \"latency_ms\": %u, \"delay_loop_ms\": %u, "
		    "\"rounds\": %llu, \"last_change\": %lld, \"weight\": %d, "
		    "\"suspended\": %s, \"reason\": ", r.up ? "up" : "down",
		    r.rs_up ? "true" : "false", r.successes, r.failures,
		    r.rise, r.fall, r.latency_ms, r.delay_loop_ms,
		    (unsigned long long)r.rounds, (long long)r.last_change,
		    r.weight, r.suspended ? "true" : "false");
		json_string(stdout, r.reason);
		printf("}");
	} else
		printf("%-22s %-22s %-9s %-5s %5u %5u %5ums %8s  %s\n", r.vs,
		    r.rs, r.type, r.up ? "up" : "DOWN", r.successes,
		    r.failures, r.latency_ms, ago, r.reason);
	o->nrows++;
}

/* show checks: a vrrp_script or track_file, after the health checks. */
void
out_track(struct hactl_out *o, const struct msg_ctl_track *row)
{
	struct msg_ctl_track	 r = *row;
	char			 ago[32], last[16], w[24];
	time_t			 now = time(NULL);
	int			 file;

	track_terminate(&r);
	file = strcmp(r.kind, "track_file") == 0;
	if (o->json) {
		printf("%s\n  {\"kind\": ", o->nrows ? "," : "");
		json_string(stdout, r.kind);
		printf(", \"name\": ");
		json_string(stdout, r.name);
		printf(", \"state\": ");
		json_string(stdout, r.state);
		if (file) {
			printf(", \"path\": ");
			json_string(stdout, r.path);
			printf(", \"value\": %lld", (long long)r.value);
		} else
			printf(", \"last_exit_status\": %d, \"successes\": "
			    "%u, \"failures\": %u, \"rise\": %u, \"fall\": "
			    "%u", r.last_status, r.successes, r.failures,
			    r.rise, r.fall);
		printf(", \"weight\": %d, \"reverse\": %s, \"runs\": %llu, "
		    "\"last_change\": %lld, \"reason\": ", r.weight,
		    r.reverse ? "true" : "false", (unsigned long long)r.runs,
		    (long long)r.last_change);
		json_string(stdout, r.reason);
		printf("}");
		o->nrows++;
		return;
	}
	if (o->ntracks++ == 0)
		printf("%s%-12s %-20s %-10s %6s %9s %9s %8s  %s\n",
		    o->nrows ? "\n" : "", "TRACKED", "NAME", "STATE",
		    "VALUE", "RISE/FALL", "WEIGHT", "CHANGED", "LAST RESULT");
	if (r.last_change > 0)
		fmt_duration(now > r.last_change ? now - r.last_change : 0,
		    ago, sizeof(ago));
	else
		strlcpy(ago, "-", sizeof(ago));
	snprintf(w, sizeof(w), "%d%s", r.weight, r.reverse ? "r" : "");
	if (file)
		snprintf(last, sizeof(last), "%lld", (long long)r.value);
	else if (r.last_status >= 0)
		snprintf(last, sizeof(last), "exit %d", r.last_status);
	else
		strlcpy(last, "-", sizeof(last));
	printf("%-12s %-20s %-10s %6s %4u/%-4u %9s %8s  %s\n", r.kind,
	    r.name, r.state, last, file ? 0 : r.successes,
	    file ? 0 : r.failures, w, ago, r.reason);
	o->nrows++;
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

/*
 * One BFD session (show bfd); the row without a name is the totals of
 * the drops, those of packets that matched no session among them.
 */
void
out_bfd(struct hactl_out *o, const struct msg_ctl_bfd *row)
{
	struct msg_ctl_bfd	 r = *row;
	char			 tx[16], rx[16], det[16];
	uint32_t		 i;
	int			 n = 0;

	bfd_terminate(&r);
	if (o->json) {
		printf("%s\n  {", o->nrows ? "," : "");
		if (r.name[0] == '\0')
			printf("\"totals\": true, ");
		else {
			printf("\"name\": ");
			json_string(stdout, r.name);
			printf(", \"neighbor\": ");
			json_string(stdout, r.neighbor);
			printf(", \"source\": ");
			json_string(stdout, r.source);
			printf(", \"state\": \"%s\", \"remote_state\": \"%s\", "
			    "\"diag\": %u, \"remote_diag\": %u, "
			    "\"local_discr\": %u, \"remote_discr\": %u, "
			    "\"mult\": %u, \"remote_mult\": %u, "
			    "\"desired_tx_us\": %u, \"required_rx_us\": %u, "
			    "\"remote_desired_tx_us\": %u, "
			    "\"remote_min_rx_us\": %u, \"tx_interval_us\": %u, "
			    "\"detect_us\": %u, \"passive\": %s, "
			    "\"sent\": %llu, \"received\": %llu, "
			    "\"ups\": %llu, \"downs\": %llu, \"polls\": %llu, "
			    "\"since\": %lld, ", bfd_state_str(r.state),
			    bfd_state_str(r.remote_state), r.diag,
			    r.remote_diag, r.local_discr, r.remote_discr,
			    r.mult, r.remote_mult, r.desired_tx_us,
			    r.required_rx_us, r.remote_desired_tx_us,
			    r.remote_min_rx_us, r.tx_interval_us, r.detect_us,
			    r.passive ? "true" : "false",
			    (unsigned long long)r.tx, (unsigned long long)r.rx,
			    (unsigned long long)r.ups,
			    (unsigned long long)r.downs,
			    (unsigned long long)r.polls, (long long)r.since);
		}
		printf("\"drops\": {");
		for (i = 0; i < r.ndrops; i++) {
			printf("%s", i ? ", " : "");
			json_string(stdout, r.drop_names[i]);
			printf(": %llu", (unsigned long long)r.drops[i]);
		}
		printf("}}");
		o->nrows++;
		return;
	}
	if (r.name[0] == '\0') {
		for (i = 0; i < r.ndrops; i++) {
			if (r.drops[i] == 0)
				continue;
			printf("%s %s %llu", n++ ? "," : "dropped:",
			    r.drop_names[i], (unsigned long long)r.drops[i]);
		}
		if (n > 0)
			printf("\n");
		return;
	}
	fmt_ms(r.tx_interval_us, tx, sizeof(tx));
	fmt_ms(r.required_rx_us, rx, sizeof(rx));
	fmt_ms(r.detect_us, det, sizeof(det));
	printf("%-16s %-26s %-9s %-9s %10u %10u %5sms %5sms %6sms %9llu "
	    "%9llu %5llu %5llu\n", r.name, r.neighbor,
	    bfd_state_str(r.state), bfd_state_str(r.remote_state),
	    r.local_discr, r.remote_discr, tx, rx, det,
	    (unsigned long long)r.tx, (unsigned long long)r.rx,
	    (unsigned long long)r.ups, (unsigned long long)r.downs);
	o->nrows++;
}

static void
lvs_terminate(struct msg_ctl_lvs *r)
{
	r->service[sizeof(r->service) - 1] = '\0';
	r->sched[sizeof(r->sched) - 1] = '\0';
	r->method[sizeof(r->method) - 1] = '\0';
	r->real[sizeof(r->real) - 1] = '\0';
	r->health[sizeof(r->health) - 1] = '\0';
}

static void
lvs_json_close(struct hactl_out *o)
{
	if (o->svc_open)
		printf("%s]}", o->nreals ? "\n  " : "");
	o->svc_open = 0;
}

void
out_lvs(struct hactl_out *o, const struct msg_ctl_lvs *row)
{
	struct msg_ctl_lvs	 r = *row;
	char			 w[16];

	lvs_terminate(&r);
	if (o->json) {
		if (r.kind == LVS_ROW_SERVICE) {
			lvs_json_close(o);
			printf("%s\n  {\"service\": ", o->nrows ? "," : "");
			json_string(stdout, r.service);
			printf(", \"scheduler\": ");
			json_string(stdout, r.sched);
			printf(", \"method\": ");
			json_string(stdout, r.method);
			printf(", \"persistence\": %u, \"quorum\": %u, "
			    "\"quorum_up\": %s, \"in_kernel\": %s, "
			    "\"reals\": [", r.persistence, r.quorum,
			    r.quorum_up ? "true" : "false",
			    r.in_kernel ? "true" : "false");
			o->svc_open = 1;
			o->nreals = 0;
			o->nrows++;
			return;
		}
		if (!o->svc_open)
			return;		/* a real server without its service */
		printf("%s\n    {\"real\": ", o->nreals++ ? "," : "");
		json_string(stdout, r.real);
		printf(", \"sorry\": %s, \"drained\": %s, \"weight\": %u, "
		    "\"kernel_weight\": %d, \"want_weight\": %d, "
		    "\"health\": ", r.sorry ? "true" : "false",
		    r.drained ? "true" : "false", r.conf_weight,
		    r.kernel_weight, r.want_weight);
		json_string(stdout, r.health);
		printf(", \"active_conns\": %u, \"inactive_conns\": %u, "
		    "\"conns\": %llu, \"in_packets\": %llu, "
		    "\"out_packets\": %llu, \"in_bytes\": %llu, "
		    "\"out_bytes\": %llu}", r.active_conns, r.inactive_conns,
		    (unsigned long long)r.conns,
		    (unsigned long long)r.in_pkts,
		    (unsigned long long)r.out_pkts,
		    (unsigned long long)r.in_bytes,
		    (unsigned long long)r.out_bytes);
		return;
	}
	if (r.kind == LVS_ROW_SERVICE) {
		printf("%-30s %-6s %-6s %6s %6s %-7s", r.service, r.sched,
		    r.method, "", "", r.in_kernel ? "" : "absent");
		if (r.persistence)
			printf(" persistent %us", r.persistence);
		if (r.quorum > 1 || !r.quorum_up)
			printf(" quorum %u %s", r.quorum,
			    r.quorum_up ? "met" : "LOST");
		printf("\n");
		o->nrows++;
		return;
	}
	if (r.kernel_weight < 0)
		strlcpy(w, "-", sizeof(w));
	else
		snprintf(w, sizeof(w), "%d", r.kernel_weight);
	printf("  -> %-25s %-6s %-6s %6u %6s %-7s %8u %8u %12llu %12llu\n",
	    r.real, r.drained ? "drain" : "", r.sorry ? "sorry" : "",
	    r.conf_weight, w, r.health,
	    r.active_conns, r.inactive_conns,
	    (unsigned long long)(r.in_pkts + r.out_pkts),
	    (unsigned long long)(r.in_bytes + r.out_bytes));
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
	char			 when[32];

	e.kind[sizeof(e.kind) - 1] = '\0';
	e.object[sizeof(e.object) - 1] = '\0';
	e.text[sizeof(e.text) - 1] = '\0';
	if (o->json) {
		if (!o->stream)
			printf("%s\n  {", o->nrows ? "," : "");
		else
			printf("{\"schema\": %d, ", HACTL_SCHEMA);
		printf("\"seq\": %llu, \"time_ms\": %lld, \"kind\": ",
		    (unsigned long long)e.seq, (long long)e.time_ms);
		json_string(stdout, e.kind);
		printf(", \"object\": ");
		json_string(stdout, e.object);
		printf(", \"text\": ");
		json_string(stdout, e.text);
		printf("}%s", o->stream ? "\n" : "");
	} else {
		t = e.time_ms / 1000;
		if (localtime_r(&t, &tm) == NULL ||
		    strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm) == 0)
			strlcpy(when, "?", sizeof(when));
		printf("%s.%03lld %-7s %s: %s\n", when,
		    (long long)(e.time_ms % 1000), e.kind, e.object, e.text);
	}
	o->nrows++;
	fflush(stdout);
}

void
out_finish(struct hactl_out *o, uint32_t type)
{
	if (o->json) {
		lvs_json_close(o);
		printf("%s]}\n", o->nrows ? "\n" : "");
		return;
	}
	if (o->nrows == 0 && type != IMSG_CTL_RELOAD && type != IMSG_CTL_LOG)
		printf("(none)\n");
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
