/*
 * hactl show metrics: the rows of show procs, vrrp, lvs, checks and bfd
 * in the Prometheus text exposition format (version 0.0.4), the third
 * back end of the walkers of output.c.  Names carry the had_ prefix,
 * counters end in _total, times are in seconds.  The walkers give the
 * samples row by row; each family collects its own and they are
 * written family by family, HELP and TYPE first.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hactl.h"
#include "msg.h"
#include "out.h"

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

struct family {
	const char	*name;
	const char	*type;
	const char	*help;
	double		 scale;		/* 0: the value as it is */
	int		 prec;
};

#define G	"gauge"
#define C	"counter"
static const struct family fams[M_MAX] = {
	[M_SCRAPE_OK] = { "had_scrape_ok", G,
	    "1 if the process that knows this part answered.", 0, 0 },
	[M_PROC_UP] = { "had_process_up", G,
	    "1 if the process is running, 0 while it is being restarted "
	    "or if it is not started (nothing configured for it).",
	    0, 0 },
	[M_PROC_RESTARTS] = { "had_process_restarts_total", C,
	    "Times had restarted the process.", 0, 0 },
	[M_PROC_UPTIME] = { "had_process_uptime_seconds", G,
	    "Seconds since the process started.", 0, 0 },
	[M_VRRP_STATE] = { "had_vrrp_state", G,
	    "1 for the state the VRRP instance is in, 0 for the others.",
	    0, 0 },
	[M_VRRP_PRIO] = { "had_vrrp_priority", G, "Configured priority.",
	    0, 0 },
	[M_VRRP_EFF_PRIO] = { "had_vrrp_effective_priority", G,
	    "Priority after tracking weights.", 0, 0 },
	[M_VRRP_ADVERT_INT] = { "had_vrrp_advert_interval_seconds", G,
	    "Advertisement interval.", 100.0, 2 },
	[M_VRRP_TRANSITIONS] = { "had_vrrp_transitions_total", C,
	    "State transitions.", 0, 0 },
	[M_VRRP_SENT] = { "had_vrrp_adverts_sent_total", C,
	    "Advertisements sent.", 0, 0 },
	[M_VRRP_RCVD] = { "had_vrrp_adverts_received_total", C,
	    "Valid advertisements received.", 0, 0 },
	[M_VRRP_PRIO0_SENT] = { "had_vrrp_priority_zero_sent_total", C,
	    "Priority 0 advertisements sent.", 0, 0 },
	[M_VRRP_PRIO0_RCVD] = { "had_vrrp_priority_zero_received_total", C,
	    "Priority 0 advertisements received.", 0, 0 },
	[M_VRRP_TOLERANCE] = { "had_vrrp_tolerance", G,
	    "Advertisements a backup misses before it takes over (3, more "
	    "after flaps).", 0, 0 },
	[M_VRRP_FLAPS] = { "had_vrrp_flaps_total", C,
	    "Takeovers undone by the old master within flap_window.", 0, 0 },
	[M_VRRP_PROBES_SENT] = { "had_vrrp_probes_sent_total", C,
	    "takeover_check probes sent to the master.", 0, 0 },
	[M_VRRP_PROBES_ANSWERED] = { "had_vrrp_probes_answered_total", C,
	    "takeover_check probes the master answered (takeovers avoided).",
	    0, 0 },
	[M_VRRP_DUAL_MASTER] = { "had_vrrp_dual_master_total", C,
	    "Adverts of another master heard while master.", 0, 0 },
	[M_VRRP_PATH_RCVD] = { "had_vrrp_path_adverts_received_total", C,
	    "Advertisements received over the unicast_path.", 0, 0 },
	[M_VRRP_WITNESS_UP] = { "had_vrrp_witness_up", G,
	    "1 while the instance's witness answers, 0 down or not known "
	    "yet.", 0, 0 },
	[M_VRRP_WITNESS_REFUSED] = { "had_vrrp_witness_refused_total", C,
	    "Takeovers the split-brain guard refused: FAULT instead of "
	    "MASTER, the witness not up.", 0, 0 },
	[M_VRRP_WITNESS_FAULTS] = { "had_vrrp_witness_faults_total", C,
	    "Times the instance left MASTER for FAULT, its witness down.",
	    0, 0 },
	[M_VRRP_DROPPED] = { "had_vrrp_dropped_total", C,
	    "Received packets dropped, by reason.", 0, 0 },
	[M_VS_IN_KERNEL] = { "had_lvs_virtual_server_in_kernel", G,
	    "1 if the kernel has the virtual server.", 0, 0 },
	[M_VS_QUORUM_UP] = { "had_lvs_virtual_server_quorum_up", G,
	    "1 if enough real servers are up for its quorum.", 0, 0 },
	[M_VS_WEIGHT] = { "had_lvs_virtual_server_weight", G,
	    "Sum of its real servers' weights in the kernel.", 0, 0 },
	[M_VS_ACTIVE] = { "had_lvs_virtual_server_active_connections", G,
	    "Active connections to its real servers (kernel).", 0, 0 },
	[M_VS_INACTIVE] = { "had_lvs_virtual_server_inactive_connections",
	    G, "Inactive connections to its real servers (kernel).", 0, 0 },
	[M_VS_CONNS] = { "had_lvs_virtual_server_connections_total", C,
	    "Connections scheduled by the virtual server (kernel).", 0, 0 },
	[M_VS_PACKETS] = { "had_lvs_virtual_server_packets_total", C,
	    "Packets, by direction (kernel).", 0, 0 },
	[M_VS_BYTES] = { "had_lvs_virtual_server_bytes_total", C,
	    "Bytes, by direction (kernel).", 0, 0 },
	[M_VS_ANNOUNCED] = { "had_lvs_virtual_server_announced", G,
	    "1 if its address is announced to FRR (a route of ours).", 0, 0 },
	[M_RS_UP] = { "had_lvs_real_server_up", G,
	    "1 if the real server's checks pass.", 0, 0 },
	[M_RS_WEIGHT] = { "had_lvs_real_server_weight", G,
	    "Configured weight.", 0, 0 },
	[M_RS_KERNEL_WEIGHT] = { "had_lvs_real_server_kernel_weight", G,
	    "Weight in the kernel's IPVS table, -1 if absent.", 0, 0 },
	[M_RS_ACTIVE] = { "had_lvs_real_server_active_connections", G,
	    "Active connections (kernel).", 0, 0 },
	[M_RS_INACTIVE] = { "had_lvs_real_server_inactive_connections", G,
	    "Inactive connections (kernel).", 0, 0 },
	[M_RS_CONNS] = { "had_lvs_real_server_connections_total", C,
	    "Connections scheduled to the real server (kernel).", 0, 0 },
	[M_RS_PACKETS] = { "had_lvs_real_server_packets_total", C,
	    "Packets, by direction (kernel).", 0, 0 },
	[M_RS_BYTES] = { "had_lvs_real_server_bytes_total", C,
	    "Bytes, by direction (kernel).", 0, 0 },
	[M_RS_DRAINED] = { "had_lvs_real_server_drained", G,
	    "1 if hactl drain keeps the real server at weight 0.", 0, 0 },
	[M_CHECK_UP] = { "had_check_up", G, "1 if the health check passes.",
	    0, 0 },
	[M_CHECK_LATENCY] = { "had_check_latency_seconds", G,
	    "Duration of the last check attempt.", 1000.0, 3 },
	[M_CHECK_ROUNDS] = { "had_check_rounds_total", C,
	    "Check rounds run.", 0, 0 },
	[M_CHECK_LAST_CHANGE] = { "had_check_last_change_timestamp_seconds",
	    G, "Unix time of the last state change.", 0, 0 },
	[M_TRACK_UP] = { "had_track_up", G,
	    "vrrp_script: 1 up, 0 down, -1 unknown (not run yet).", 0, 0 },
	[M_TRACK_EXIT] = { "had_track_last_exit_status", G,
	    "vrrp_script: exit status of the last run, -1 none.", 0, 0 },
	[M_TRACK_OK] = { "had_track_successes", G,
	    "vrrp_script: successes in a row (against rise).", 0, 0 },
	[M_TRACK_FAIL] = { "had_track_failures", G,
	    "vrrp_script: failures in a row (against fall).", 0, 0 },
	[M_TRACK_FILE_VALUE] = { "had_track_file_value", G,
	    "track_file: the number in the file (0 while unreadable).", 0, 0 },
	[M_VTRACK_DELTA] = { "had_vrrp_track_priority_delta", G,
	    "What a tracked object adds to the priority of a VRRP instance.",
	    0, 0 },
	[M_VTRACK_FAULT] = { "had_vrrp_track_fault", G,
	    "1 if a tracked object puts the VRRP instance in FAULT.", 0, 0 },
	[M_BFD_UP] = { "had_bfd_up", G, "1 if the BFD session is Up.", 0, 0 },
	[M_BFD_STATE] = { "had_bfd_state", G,
	    "BFD session state: 0 AdminDown, 1 Down, 2 Init, 3 Up.", 0, 0 },
	[M_BFD_DETECT] = { "had_bfd_detect_seconds", G,
	    "Detection time negotiated with the neighbor.", 1e6, 6 },
	[M_BFD_SENT] = { "had_bfd_sent_total", C,
	    "BFD control packets sent.", 0, 0 },
	[M_BFD_RCVD] = { "had_bfd_received_total", C,
	    "BFD control packets accepted.", 0, 0 },
	[M_BFD_DOWNS] = { "had_bfd_down_total", C,
	    "Transitions from Up to Down.", 0, 0 },
	[M_BFD_DROPPED] = { "had_bfd_dropped_total", C,
	    "BFD packets dropped, by reason.", 0, 0 },
};
#undef G
#undef C

/* The samples of each family while metrics_print() walks the rows. */
static FILE	*fam_f[M_MAX];

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
m_begin(struct hactl_out *o, uint32_t type)
{
	(void)o;
	(void)type;
}

/* The labels of a row: o->cells of them, names in o->lname. */
static void
m_row(struct hactl_out *o, enum out_table t, int depth)
{
	(void)t;
	(void)depth;
	o->cells = 0;
	o->cused = 0;
}

static void
m_field(struct hactl_out *o, const struct fdesc *fd, const struct fval *v)
{
	const struct family	*m;
	FILE			*f;
	size_t			 left;
	uint32_t		 i;

	if (fd->label != NULL && o->cells < 16 &&
	    (left = sizeof(o->cbuf) - o->cused) > 0) {
		fval_str(v, o->cbuf + o->cused, left);
		o->coff[o->cells] = o->cused;
		o->lname[o->cells++] = fd->label;
		o->cused += strlen(o->cbuf + o->cused) + 1;
		if (o->cused > sizeof(o->cbuf))
			o->cused = sizeof(o->cbuf);
	}
	if (fd->metric <= M_NONE || fd->metric >= M_MAX ||
	    (f = fam_f[fd->metric]) == NULL)
		return;
	m = &fams[fd->metric];
	fprintf(f, "%s{", m->name);
	for (i = 0; i < o->cells; i++)
		label(f, o->lname[i], o->cbuf + o->coff[i], i == 0);
	if (fd->xlabel != NULL)
		label(f, fd->xlabel, fd->xvalue != NULL ? fd->xvalue :
		    fd->key, o->cells == 0);
	fprintf(f, "} ");
	if (m->scale != 0)
		fprintf(f, "%.*f\n", m->prec, (v->type == FV_I64 ?
		    (double)v->i : (double)v->u) / m->scale);
	else if (v->type == FV_I64)
		fprintf(f, "%lld\n", (long long)v->i);
	else
		fprintf(f, "%llu\n", (unsigned long long)v->u);
}

static void
m_row_end(struct hactl_out *o)
{
	o->cells = 0;
}

static void
m_finish(struct hactl_out *o, uint32_t type)
{
	(void)o;
	(void)type;
}

const struct out_ops out_metrics_ops = {
	.begin = m_begin,
	.row = m_row,
	.field = m_field,
	.row_end = m_row_end,
	.finish = m_finish,
};

/* Sums over the real servers in the rows after service row i. */
static void
vs_sums(size_t i, struct lvs_sums *s)
{
	memset(s, 0, sizeof(*s));
	for (i++; i < mx.nlvs && mx.lvs[i].kind != LVS_ROW_SERVICE; i++) {
		if (mx.lvs[i].kernel_weight > 0)
			s->weight += (uint64_t)mx.lvs[i].kernel_weight;
		s->active += mx.lvs[i].active_conns;
		s->inactive += mx.lvs[i].inactive_conns;
	}
}

/* Every row through the walkers, then each family with its samples. */
void
metrics_print(FILE *f)
{
	static const char *parts[] = { "procs", "vrrp", "lvs", "checks",
	    "bfd" };
	struct hactl_out	*o;
	struct lvs_sums		 sums;
	char			*buf[M_MAX];
	size_t			 len[M_MAX], i;

	if ((o = calloc(1, sizeof(*o))) == NULL) {
		fprintf(stderr, "hactl: out of memory\n");
		exit(1);
	}
	o->ops = &out_metrics_ops;
	for (i = 1; i < M_MAX; i++) {
		buf[i] = NULL;
		len[i] = 0;
		fam_f[i] = open_memstream(&buf[i], &len[i]);
	}
	for (i = 0; i < 5; i++) {
		out_row(o, T_NONE, 0);
		out_field(o, FD(.metric = M_SCRAPE_OK, .xlabel = "part",
		    .xvalue = parts[i]), VB(!mx.failed[i]));
		out_row_end(o);
	}
	for (i = 0; i < mx.nprocs; i++)
		walk_proc(o, &mx.procs[i]);
	for (i = 0; i < mx.nvrrps; i++)
		walk_vrrp(o, &mx.vrrps[i], NULL, 0);
	for (i = 0; i < mx.nlvs; i++) {
		if (mx.lvs[i].kind == LVS_ROW_SERVICE)
			vs_sums(i, &sums);
		walk_lvs(o, &mx.lvs[i], mx.lvs[i].kind == LVS_ROW_SERVICE ?
		    &sums : NULL);
	}
	for (i = 0; i < mx.nchecks; i++)
		walk_check(o, &mx.checks[i]);
	for (i = 0; i < mx.ntracks; i++)
		walk_track(o, &mx.tracks[i]);
	for (i = 0; i < mx.nvtracks; i++)
		walk_vrrp_track(o, &mx.vtracks[i], 0);
	for (i = 0; i < mx.nbfds; i++)
		walk_bfd(o, &mx.bfds[i]);
	for (i = 1; i < M_MAX; i++) {
		if (fam_f[i] != NULL)
			fclose(fam_f[i]);
		fam_f[i] = NULL;
		fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", fams[i].name,
		    fams[i].help, fams[i].name, fams[i].type);
		if (buf[i] != NULL)
			fwrite(buf[i], 1, len[i], f);
		free(buf[i]);
	}
	free(o);
}
