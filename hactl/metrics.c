/*
 * hactl show metrics: the rows of show procs, vrrp and lvs in the
 * Prometheus text exposition format (version 0.0.4).  Names carry the
 * had_ prefix, counters end in _total, times are in seconds.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hactl.h"
#include "msg.h"

struct metrics {
	struct msg_ctl_proc	*procs;
	size_t			 nprocs;
	struct msg_ctl_vrrp	*vrrps;
	size_t			 nvrrps;
	struct msg_ctl_lvs	*lvs;
	size_t			 nlvs;
	struct msg_ctl_check	*checks;
	size_t			 nchecks;
	struct msg_ctl_track	*tracks;
	size_t			 ntracks;
	struct msg_ctl_vrrp_track *vtracks;
	size_t			 nvtracks;
	struct msg_ctl_bfd	*bfds;
	size_t			 nbfds;
	int			 failed[5];	/* procs vrrp lvs checks bfd */
};

static struct metrics	 mx;

static void *
grow(void *p, size_t n, size_t size)
{
	void	*np;

	if ((np = reallocarray(p, n + 1, size)) == NULL) {
		fprintf(stderr, "hactl: out of memory\n");
		exit(1);
	}
	return (np);
}

void
metrics_add_proc(const struct msg_ctl_proc *r)
{
	mx.procs = grow(mx.procs, mx.nprocs, sizeof(*r));
	mx.procs[mx.nprocs++] = *r;
}

void
metrics_add_vrrp(const struct msg_ctl_vrrp *r)
{
	mx.vrrps = grow(mx.vrrps, mx.nvrrps, sizeof(*r));
	mx.vrrps[mx.nvrrps++] = *r;
}

void
metrics_add_lvs(const struct msg_ctl_lvs *r)
{
	mx.lvs = grow(mx.lvs, mx.nlvs, sizeof(*r));
	mx.lvs[mx.nlvs++] = *r;
}

void
metrics_add_check(const struct msg_ctl_check *r)
{
	mx.checks = grow(mx.checks, mx.nchecks, sizeof(*r));
	mx.checks[mx.nchecks++] = *r;
	check_terminate(&mx.checks[mx.nchecks - 1]);
}

void
metrics_add_track(const struct msg_ctl_track *r)
{
	mx.tracks = grow(mx.tracks, mx.ntracks, sizeof(*r));
	mx.tracks[mx.ntracks++] = *r;
	track_terminate(&mx.tracks[mx.ntracks - 1]);
}

void
metrics_add_vrrp_track(const struct msg_ctl_vrrp_track *r)
{
	mx.vtracks = grow(mx.vtracks, mx.nvtracks, sizeof(*r));
	mx.vtracks[mx.nvtracks++] = *r;
	vrrp_track_terminate(&mx.vtracks[mx.nvtracks - 1]);
}

void
metrics_add_bfd(const struct msg_ctl_bfd *r)
{
	struct msg_ctl_bfd	*b;

	mx.bfds = grow(mx.bfds, mx.nbfds, sizeof(*r));
	b = &mx.bfds[mx.nbfds++];
	*b = *r;
	b->name[sizeof(b->name) - 1] = '\0';
	b->neighbor[sizeof(b->neighbor) - 1] = '\0';
	if (b->ndrops > MSG_BFD_NDROPS)
		b->ndrops = MSG_BFD_NDROPS;
}

/* Forget every row: had writes the metrics more than once. */
void
metrics_reset(void)
{
	free(mx.tracks);
	free(mx.vtracks);
	free(mx.procs);
	free(mx.vrrps);
	free(mx.lvs);
	free(mx.checks);
	free(mx.bfds);
	memset(&mx, 0, sizeof(mx));
}

void
metrics_failed(int part)
{
	if (part >= 0 && part < 5)
		mx.failed[part] = 1;
}

/* A label value: backslash, quote and newline escaped. */
static void
label(FILE *f, const char *name, const char *v, int first)
{
	fprintf(f, "%s%s=\"", first ? "" : ",", name);
	for (; *v != '\0'; v++) {
		if (*v == '\\' || *v == '"')
			fprintf(f, "\\%c", *v);
		else if (*v == '\n')
			fputs("\\n", f);
		else
			fputc(*v, f);
	}
	fputc('"', f);
}

static void
head(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void
safe_strings(void)
{
	size_t	 i, j;

	for (i = 0; i < mx.nprocs; i++)
		mx.procs[i].name[sizeof(mx.procs[i].name) - 1] = '\0';
	for (i = 0; i < mx.nvrrps; i++) {
		struct msg_ctl_vrrp	*v = &mx.vrrps[i];

		v->name[sizeof(v->name) - 1] = '\0';
		v->ifname[sizeof(v->ifname) - 1] = '\0';
		v->state_name[sizeof(v->state_name) - 1] = '\0';
		for (j = 0; j < MSG_VRRP_NDROPS; j++)
			v->drop_names[j][sizeof(v->drop_names[j]) - 1] = '\0';
		if (v->ndrops > MSG_VRRP_NDROPS)
			v->ndrops = MSG_VRRP_NDROPS;
	}
	for (i = 0; i < mx.nlvs; i++) {
		mx.lvs[i].service[sizeof(mx.lvs[i].service) - 1] = '\0';
		mx.lvs[i].real[sizeof(mx.lvs[i].real) - 1] = '\0';
		mx.lvs[i].health[sizeof(mx.lvs[i].health) - 1] = '\0';
	}
}

static void
print_procs(FILE *f)
{
	size_t	 i;

	head(f, "had_process_up", "gauge",
	    "1 if the process is running, 0 while it is being restarted.");
	for (i = 0; i < mx.nprocs; i++) {
		fprintf(f, "had_process_up{");
		label(f, "process", mx.procs[i].name, 1);
		fprintf(f, "} %d\n", mx.procs[i].state ? 1 : 0);
	}
	head(f, "had_process_restarts_total", "counter",
	    "Times had restarted the process.");
	for (i = 0; i < mx.nprocs; i++) {
		fprintf(f, "had_process_restarts_total{");
		label(f, "process", mx.procs[i].name, 1);
		fprintf(f, "} %u\n", mx.procs[i].restarts);
	}
	head(f, "had_process_uptime_seconds", "gauge",
	    "Seconds since the process started.");
	for (i = 0; i < mx.nprocs; i++) {
		fprintf(f, "had_process_uptime_seconds{");
		label(f, "process", mx.procs[i].name, 1);
		fprintf(f, "} %lld\n", (long long)mx.procs[i].uptime);
	}
}

static void
vrrp_labels(FILE *f, const struct msg_ctl_vrrp *v)
{
	char	 vrid[16];

	snprintf(vrid, sizeof(vrid), "%u", v->vrid);
	label(f, "instance", v->name, 1);
	label(f, "interface", v->ifname, 0);
	label(f, "vrid", vrid, 0);
}

static void
vrrp_counter(FILE *f, const char *name, const char *help, size_t off)
{
	size_t	 i;

	head(f, name, "counter", help);
	for (i = 0; i < mx.nvrrps; i++) {
		fprintf(f, "%s{", name);
		vrrp_labels(f, &mx.vrrps[i]);
		fprintf(f, "} %llu\n", (unsigned long long)
		    *(const uint64_t *)((const char *)&mx.vrrps[i] + off));
	}
}

static void
print_vrrp(FILE *f)
{
	static const char *states[] = { "INIT", "BACKUP", "MASTER", "FAULT" };
	const struct msg_ctl_vrrp	*v;
	size_t				 i, s;
	uint32_t			 d;

	head(f, "had_vrrp_state", "gauge",
	    "1 for the state the VRRP instance is in, 0 for the others.");
	for (i = 0; i < mx.nvrrps; i++)
		for (s = 0; s < 4; s++) {
			v = &mx.vrrps[i];
			fprintf(f, "had_vrrp_state{");
			vrrp_labels(f, v);
			label(f, "state", states[s], 0);
			fprintf(f, "} %d\n",
			    strcmp(v->state_name, states[s]) == 0);
		}
	head(f, "had_vrrp_priority", "gauge", "Configured priority.");
	for (i = 0; i < mx.nvrrps; i++) {
		fprintf(f, "had_vrrp_priority{");
		vrrp_labels(f, &mx.vrrps[i]);
		fprintf(f, "} %u\n", mx.vrrps[i].base_priority);
	}
	head(f, "had_vrrp_effective_priority", "gauge",
	    "Priority after tracking weights.");
	for (i = 0; i < mx.nvrrps; i++) {
		fprintf(f, "had_vrrp_effective_priority{");
		vrrp_labels(f, &mx.vrrps[i]);
		fprintf(f, "} %u\n", mx.vrrps[i].eff_priority);
	}
	head(f, "had_vrrp_advert_interval_seconds", "gauge",
	    "Advertisement interval.");
	for (i = 0; i < mx.nvrrps; i++) {
		fprintf(f, "had_vrrp_advert_interval_seconds{");
		vrrp_labels(f, &mx.vrrps[i]);
		fprintf(f, "} %.2f\n", mx.vrrps[i].advert_int_cs / 100.0);
	}
	vrrp_counter(f, "had_vrrp_transitions_total", "State transitions.",
	    offsetof(struct msg_ctl_vrrp, transitions));
	vrrp_counter(f, "had_vrrp_adverts_sent_total",
	    "Advertisements sent.",
	    offsetof(struct msg_ctl_vrrp, adverts_sent));
	vrrp_counter(f, "had_vrrp_adverts_received_total",
	    "Valid advertisements received.",
	    offsetof(struct msg_ctl_vrrp, adverts_rcvd));
	vrrp_counter(f, "had_vrrp_priority_zero_sent_total",
	    "Priority 0 advertisements sent.",
	    offsetof(struct msg_ctl_vrrp, prio0_sent));
	vrrp_counter(f, "had_vrrp_priority_zero_received_total",
	    "Priority 0 advertisements received.",
	    offsetof(struct msg_ctl_vrrp, prio0_rcvd));
	head(f, "had_vrrp_tolerance", "gauge",
	    "Advertisements a backup misses before it takes over (3, more "
	    "after flaps).");
	for (i = 0; i < mx.nvrrps; i++) {
		fprintf(f, "had_vrrp_tolerance{");
		vrrp_labels(f, &mx.vrrps[i]);
		fprintf(f, "} %u\n", mx.vrrps[i].tolerance);
	}
	vrrp_counter(f, "had_vrrp_flaps_total",
	    "Takeovers undone by the old master within flap_window.",
	    offsetof(struct msg_ctl_vrrp, flaps));
	vrrp_counter(f, "had_vrrp_probes_sent_total",
	    "takeover_check probes sent to the master.",
	    offsetof(struct msg_ctl_vrrp, probes_sent));
	vrrp_counter(f, "had_vrrp_probes_answered_total",
	    "takeover_check probes the master answered (takeovers avoided).",
	    offsetof(struct msg_ctl_vrrp, probes_answered));
	vrrp_counter(f, "had_vrrp_dual_master_total",
	    "Adverts of another master heard while master.",
	    offsetof(struct msg_ctl_vrrp, dual_master));
	vrrp_counter(f, "had_vrrp_path_adverts_received_total",
	    "Advertisements received over the unicast_path.",
	    offsetof(struct msg_ctl_vrrp, path_rcvd));
	head(f, "had_vrrp_dropped_total", "counter",
	    "Received packets dropped, by reason.");
	for (i = 0; i < mx.nvrrps; i++)
		for (d = 0; d < mx.vrrps[i].ndrops; d++) {
			if (mx.vrrps[i].drop_names[d][0] == '\0')
				continue;
			fprintf(f, "had_vrrp_dropped_total{");
			vrrp_labels(f, &mx.vrrps[i]);
			label(f, "reason", mx.vrrps[i].drop_names[d], 0);
			fprintf(f, "} %llu\n",
			    (unsigned long long)mx.vrrps[i].drops[d]);
		}
}

/* Sums over the real servers in the rows after service row i. */
static void
vs_sums(size_t i, uint64_t *weight, uint64_t *active, uint64_t *inactive)
{
	*weight = *active = *inactive = 0;
	for (i++; i < mx.nlvs && mx.lvs[i].kind != LVS_ROW_SERVICE; i++) {
		if (mx.lvs[i].kernel_weight > 0)
			*weight += (uint64_t)mx.lvs[i].kernel_weight;
		*active += mx.lvs[i].active_conns;
		*inactive += mx.lvs[i].inactive_conns;
	}
}

/* One line per virtual server of one metric; dir: "in", "out" or NULL. */
static void
vs_line(FILE *f, const char *name, const struct msg_ctl_lvs *r,
    const char *dir, unsigned long long v)
{
	fprintf(f, "%s{", name);
	label(f, "service", r->service, 1);
	if (dir != NULL)
		label(f, "direction", dir, 0);
	fprintf(f, "} %llu\n", v);
}

static void
print_lvs_vs(FILE *f)
{
	const struct msg_ctl_lvs	*r;
	uint64_t			 w, a, in;
	size_t				 i;
	int				 pass;
	static const char *names[] = {
		"had_lvs_virtual_server_in_kernel",
		"had_lvs_virtual_server_quorum_up",
		"had_lvs_virtual_server_weight",
		"had_lvs_virtual_server_active_connections",
		"had_lvs_virtual_server_inactive_connections",
		"had_lvs_virtual_server_connections_total",
		"had_lvs_virtual_server_packets_total",
		"had_lvs_virtual_server_bytes_total",
	};
	static const char *helps[] = {
		"1 if the kernel has the virtual server.",
		"1 if enough real servers are up for its quorum.",
		"Sum of its real servers' weights in the kernel.",
		"Active connections to its real servers (kernel).",
		"Inactive connections to its real servers (kernel).",
		"Connections scheduled by the virtual server (kernel).",
		"Packets, by direction (kernel).",
		"Bytes, by direction (kernel).",
		"1 if hactl drain keeps the real server at weight 0.",
	};

	for (pass = 0; pass < 8; pass++) {
		head(f, names[pass], pass >= 5 ? "counter" : "gauge",
		    helps[pass]);
		for (i = 0; i < mx.nlvs; i++) {
			r = &mx.lvs[i];
			if (r->kind != LVS_ROW_SERVICE)
				continue;
			vs_sums(i, &w, &a, &in);
			switch (pass) {
			case 0:
				vs_line(f, names[pass], r, NULL, r->in_kernel);
				break;
			case 1:
				vs_line(f, names[pass], r, NULL, r->quorum_up);
				break;
			case 2:
				vs_line(f, names[pass], r, NULL, w);
				break;
			case 3:
				vs_line(f, names[pass], r, NULL, a);
				break;
			case 4:
				vs_line(f, names[pass], r, NULL, in);
				break;
			case 5:
				vs_line(f, names[pass], r, NULL, r->conns);
				break;
			case 6:
				vs_line(f, names[pass], r, "in", r->in_pkts);
				vs_line(f, names[pass], r, "out", r->out_pkts);
				break;
			default:
				vs_line(f, names[pass], r, "in", r->in_bytes);
				vs_line(f, names[pass], r, "out",
				    r->out_bytes);
				break;
			}
		}
	}
}

static void
print_lvs(FILE *f)
{
	const struct msg_ctl_lvs	*r;
	const char			*svc = "";
	size_t				 i;
	int				 pass;
	static const char *names[] = {
		"had_lvs_real_server_up", "had_lvs_real_server_weight",
		"had_lvs_real_server_kernel_weight",
		"had_lvs_real_server_active_connections",
		"had_lvs_real_server_inactive_connections",
		"had_lvs_real_server_connections_total",
		"had_lvs_real_server_packets_total",
		"had_lvs_real_server_bytes_total",
		"had_lvs_real_server_drained",
	};
	static const char *types[] = { "gauge", "gauge", "gauge", "gauge",
	    "gauge", "counter", "counter", "counter", "gauge" };
	static const char *helps[] = {
		"1 if the real server's checks pass.",
		"Configured weight.",
		"Weight in the kernel's IPVS table, -1 if absent.",
		"Active connections (kernel).",
		"Inactive connections (kernel).",
		"Connections scheduled to the real server (kernel).",
		"Packets, by direction (kernel).",
		"Bytes, by direction (kernel).",
		"1 if hactl drain keeps the real server at weight 0.",
	};

	print_lvs_vs(f);
	for (pass = 0; pass < 9; pass++) {
		head(f, names[pass], types[pass], helps[pass]);
		for (i = 0; i < mx.nlvs; i++) {
			r = &mx.lvs[i];
			if (r->kind == LVS_ROW_SERVICE) {
				svc = r->service;
				continue;
			}
			if (pass == 6 || pass == 7) {
				fprintf(f, "%s{", names[pass]);
				label(f, "service", svc, 1);
				label(f, "real", r->real, 0);
				label(f, "direction", "in", 0);
				fprintf(f, "} %llu\n", (unsigned long long)
				    (pass == 6 ? r->in_pkts : r->in_bytes));
				fprintf(f, "%s{", names[pass]);
				label(f, "service", svc, 1);
				label(f, "real", r->real, 0);
				label(f, "direction", "out", 0);
				fprintf(f, "} %llu\n", (unsigned long long)
				    (pass == 6 ? r->out_pkts : r->out_bytes));
				continue;
			}
			fprintf(f, "%s{", names[pass]);
			label(f, "service", svc, 1);
			label(f, "real", r->real, 0);
			fprintf(f, "} ");
			switch (pass) {
			case 0:
				fprintf(f, "%d\n",
				    strcmp(r->health, "up") == 0);
				break;
			case 1:
				fprintf(f, "%u\n", r->conf_weight);
				break;
			case 2:
				fprintf(f, "%d\n", r->kernel_weight);
				break;
			case 3:
				fprintf(f, "%u\n", r->active_conns);
				break;
			case 4:
				fprintf(f, "%u\n", r->inactive_conns);
				break;
			case 8:
				fprintf(f, "%u\n", r->drained);
				break;
			default:
				fprintf(f, "%llu\n",
				    (unsigned long long)r->conns);
				break;
			}
		}
	}
}

static void
check_labels(FILE *f, const struct msg_ctl_check *c)
{
	label(f, "virtual_server", c->vs, 1);
	label(f, "real_server", c->rs, 0);
	label(f, "type", c->type, 0);
}

static void
print_checks(FILE *f)
{
	size_t	 i;

	head(f, "had_check_up", "gauge", "1 if the health check passes.");
	for (i = 0; i < mx.nchecks; i++) {
		fprintf(f, "had_check_up{");
		check_labels(f, &mx.checks[i]);
		fprintf(f, "} %u\n", mx.checks[i].up ? 1 : 0);
	}
	head(f, "had_check_latency_seconds", "gauge",
	    "Duration of the last check attempt.");
	for (i = 0; i < mx.nchecks; i++) {
		fprintf(f, "had_check_latency_seconds{");
		check_labels(f, &mx.checks[i]);
		fprintf(f, "} %.3f\n", mx.checks[i].latency_ms / 1000.0);
	}
	head(f, "had_check_rounds_total", "counter", "Check rounds run.");
	for (i = 0; i < mx.nchecks; i++) {
		fprintf(f, "had_check_rounds_total{");
		check_labels(f, &mx.checks[i]);
		fprintf(f, "} %llu\n",
		    (unsigned long long)mx.checks[i].rounds);
	}
	head(f, "had_check_last_change_timestamp_seconds", "gauge",
	    "Unix time of the last state change.");
	for (i = 0; i < mx.nchecks; i++) {
		fprintf(f, "had_check_last_change_timestamp_seconds{");
		check_labels(f, &mx.checks[i]);
		fprintf(f, "} %lld\n", (long long)mx.checks[i].last_change);
	}
}

/* One gauge per vrrp_script or track_file (rows of that kind). */
enum track_field { TF_UP, TF_EXIT, TF_OK, TF_FAIL, TF_VALUE };

static void
track_gauge(FILE *f, const char *name, const char *kind,
    enum track_field tf, const char *help)
{
	const struct msg_ctl_track	*t;
	long long			 v;
	size_t				 i;

	head(f, name, "gauge", help);
	for (i = 0; i < mx.ntracks; i++) {
		t = &mx.tracks[i];
		if (strcmp(t->kind, kind) != 0)
			continue;
		switch (tf) {
		case TF_UP:
			v = strcmp(t->state, "up") == 0 ? 1 :
			    strcmp(t->state, "down") == 0 ? 0 : -1;
			break;
		case TF_EXIT:
			v = t->last_status;
			break;
		case TF_OK:
			v = t->successes;
			break;
		case TF_FAIL:
			v = t->failures;
			break;
		default:
			v = t->value;
			break;
		}
		fprintf(f, "%s{", name);
		label(f, "kind", t->kind, 1);
		label(f, "name", t->name, 0);
		fprintf(f, "} %lld\n", v);
	}
}

/* What each tracked object does to a VRRP instance (show vrrp). */
static void
vrrp_track_gauge(FILE *f, const char *name, int fault, const char *help)
{
	const struct msg_ctl_vrrp_track	*v;
	size_t				 i;

	head(f, name, "gauge", help);
	for (i = 0; i < mx.nvtracks; i++) {
		v = &mx.vtracks[i];
		fprintf(f, "%s{", name);
		label(f, "instance", v->instance, 1);
		label(f, "kind", v->kind, 0);
		label(f, "name", v->name, 0);
		fprintf(f, "} %d\n", fault ? (v->fault ? 1 : 0) : v->delta);
	}
}

static void
print_tracks(FILE *f)
{
	track_gauge(f, "had_track_up", "vrrp_script", TF_UP,
	    "vrrp_script: 1 up, 0 down, -1 unknown (not run yet).");
	track_gauge(f, "had_track_last_exit_status", "vrrp_script", TF_EXIT,
	    "vrrp_script: exit status of the last run, -1 none.");
	track_gauge(f, "had_track_successes", "vrrp_script", TF_OK,
	    "vrrp_script: successes in a row (against rise).");
	track_gauge(f, "had_track_failures", "vrrp_script", TF_FAIL,
	    "vrrp_script: failures in a row (against fall).");
	track_gauge(f, "had_track_file_value", "track_file", TF_VALUE,
	    "track_file: the number in the file (0 while unreadable).");
	vrrp_track_gauge(f, "had_vrrp_track_priority_delta", 0,
	    "What a tracked object adds to the priority of a VRRP instance.");
	vrrp_track_gauge(f, "had_vrrp_track_fault", 1,
	    "1 if a tracked object puts the VRRP instance in FAULT.");
}

/* The BFD sessions; the row without a name has the drop totals. */
static void
print_bfd(FILE *f)
{
	const struct msg_ctl_bfd	*r;
	size_t				 i;
	uint32_t			 k;
	int				 pass;
	static const char *const names[] = {
		"had_bfd_up", "had_bfd_state", "had_bfd_detect_seconds",
		"had_bfd_sent_total", "had_bfd_received_total",
		"had_bfd_down_total",
	};
	static const char *const types[] = {
		"gauge", "gauge", "gauge", "counter", "counter", "counter",
	};
	static const char *const helps[] = {
		"1 if the BFD session is Up.",
		"BFD session state: 0 AdminDown, 1 Down, 2 Init, 3 Up.",
		"Detection time negotiated with the neighbor.",
		"BFD control packets sent.",
		"BFD control packets accepted.",
		"Transitions from Up to Down.",
	};

	for (pass = 0; pass < 6; pass++) {
		head(f, names[pass], types[pass], helps[pass]);
		for (i = 0; i < mx.nbfds; i++) {
			r = &mx.bfds[i];
			if (r->name[0] == '\0')
				continue;
			fprintf(f, "%s{", names[pass]);
			label(f, "name", r->name, 1);
			label(f, "neighbor", r->neighbor, 0);
			fprintf(f, "} ");
			if (pass == 0)
				fprintf(f, "%d\n", r->state == 3);
			else if (pass == 1)
				fprintf(f, "%u\n", r->state);
			else if (pass == 2)
				fprintf(f, "%.6f\n", r->detect_us / 1e6);
			else
				fprintf(f, "%llu\n", (unsigned long long)
				    (pass == 3 ? r->tx : pass == 4 ? r->rx :
				    r->downs));
		}
	}
	head(f, "had_bfd_dropped_total", "counter",
	    "BFD packets dropped, by reason.");
	for (i = 0; i < mx.nbfds; i++) {
		r = &mx.bfds[i];
		if (r->name[0] != '\0')
			continue;
		for (k = 0; k < r->ndrops; k++) {
			fprintf(f, "had_bfd_dropped_total{");
			label(f, "reason", r->drop_names[k], 1);
			fprintf(f, "} %llu\n",
			    (unsigned long long)r->drops[k]);
		}
	}
}

void
metrics_print(FILE *f)
{
	static const char *parts[] = { "procs", "vrrp", "lvs", "checks",
	    "bfd" };
	int	 i;

	safe_strings();
	head(f, "had_scrape_ok", "gauge",
	    "1 if the process that knows this part answered.");
	for (i = 0; i < 5; i++) {
		fprintf(f, "had_scrape_ok{");
		label(f, "part", parts[i], 1);
		fprintf(f, "} %d\n", !mx.failed[i]);
	}
	print_procs(f);
	print_vrrp(f);
	print_lvs(f);
	print_checks(f);
	print_tracks(f);
	print_bfd(f);
}
