/*
 * The golden outputs of hactl: fixed rows of every kind printed as text,
 * as JSON (-j) and as metrics, compared byte for byte with
 * tests/golden/.  HACTL_GOLDEN_UPDATE=1 rewrites the files from what
 * the printers give now; review the diff.  tests/golden/check.sh does
 * the same against a running had, with its changing figures masked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <criterion/criterion.h>

#include "../../hactl/hactl.h"

#define GOLD	"tests/golden/"
#define FUTURE	4000000000LL	/* "0s ago" whatever the clock says */

static char	*buf;
static size_t	 blen;
static FILE	*saved;

static void
capture(void)
{
	FILE	*f;

	fflush(stdout);
	f = open_memstream(&buf, &blen);
	cr_assert_not_null(f);
	saved = stdout;
	stdout = f;
}

/* Compare what was printed since capture() with the golden file. */
static void
golden(const char *name)
{
	char	 path[256], *want = NULL;
	size_t	 wlen = 0, n;
	FILE	*f;

	fclose(stdout);
	stdout = saved;
	snprintf(path, sizeof(path), GOLD "%s", name);
	if (getenv("HACTL_GOLDEN_UPDATE") != NULL) {
		f = fopen(path, "w");
		cr_assert_not_null(f, "%s", path);
		fwrite(buf, 1, blen, f);
		fclose(f);
	}
	f = fopen(path, "r");
	cr_assert_not_null(f, "%s is missing", path);
	want = malloc(blen + 2);
	cr_assert_not_null(want);
	wlen = fread(want, 1, blen + 1, f);
	fclose(f);
	for (n = 0; n < wlen && n < blen && want[n] == buf[n]; n++)
		;
	cr_expect(wlen == blen && n == blen, "%s differs at byte %zu:\n"
	    "got:\n%s\nwant:\n%.*s", path, n, buf, (int)wlen, want);
	free(want);
	free(buf);
	buf = NULL;
}

static void
procs(struct msg_ctl_proc *p)
{
	memset(p, 0, 3 * sizeof(*p));
	strlcpy(p[0].name, "had", sizeof(p[0].name));
	p[0].pid = 100;
	p[0].state = 1;
	p[0].cap_eff = p[0].cap_prm = p[0].cap_bnd = 0x1ffffffffffULL;
	strlcpy(p[0].user, "root", sizeof(p[0].user));
	strlcpy(p[0].root, "/", sizeof(p[0].root));
	p[0].started = 1700000000;
	p[0].uptime = 3725;
	strlcpy(p[1].name, "vrrpd", sizeof(p[1].name));
	p[1].pid = 101;
	p[1].state = 1;
	p[1].uid = p[1].gid = 998;
	p[1].cap_eff = p[1].cap_prm = p[1].cap_bnd = 1ULL << 13;
	strlcpy(p[1].user, "_had-vrrp", sizeof(p[1].user));
	strlcpy(p[1].root, "/run/had/empty", sizeof(p[1].root));
	p[1].no_new_privs = 1;
	p[1].seccomp = 2;
	p[1].seccomp_filters = 1;
	p[1].uptime = 59;
	p[1].restarts = 2;
	p[1].peer_complaints = 3;
	strlcpy(p[1].last_exit, "killed by signal 9 \"KILL\"",
	    sizeof(p[1].last_exit));
	strlcpy(p[2].name, "lvsd", sizeof(p[2].name));
	p[2].pid = 0;
	p[2].uptime = 90000;
	strlcpy(p[2].last_exit, "exit 3\tagain\n", sizeof(p[2].last_exit));
}

static void
vrrps(struct msg_ctl_vrrp *v, struct msg_ctl_vrrp_track *t)
{
	memset(v, 0, 2 * sizeof(*v));
	memset(t, 0, 3 * sizeof(*t));
	strlcpy(v[0].name, "VI_1", sizeof(v[0].name));
	strlcpy(v[0].ifname, "eth0", sizeof(v[0].ifname));
	v[0].vrid = 51;
	v[0].version = 3;
	v[0].state = 2;
	strlcpy(v[0].state_name, "MASTER", sizeof(v[0].state_name));
	v[0].base_priority = 100;
	v[0].eff_priority = 60;
	strlcpy(v[0].master, "198.18.0.1", sizeof(v[0].master));
	v[0].advert_int_cs = 10;
	v[0].master_adver_int_cs = 105;
	strlcpy(v[0].vips, "198.18.0.100/24 2001:db8::100/64",
	    sizeof(v[0].vips));
	v[0].transitions = 3;
	v[0].last_transition = FUTURE;
	strlcpy(v[0].last_reason, "higher priority", sizeof(v[0].last_reason));
	v[0].adverts_sent = 1234;
	v[0].adverts_rcvd = 56;
	v[0].prio0_sent = 1;
	v[0].prio0_rcvd = 2;
	v[0].ndrops = 2;
	strlcpy(v[0].drop_names[0], "ttl", sizeof(v[0].drop_names[0]));
	v[0].drops[0] = 7;
	strlcpy(v[0].drop_names[1], "auth", sizeof(v[0].drop_names[1]));
	v[0].maint = 1;
	v[0].maint_uid = 1000;
	v[0].maint_since = FUTURE;
	strlcpy(v[1].name, "VI_2", sizeof(v[1].name));
	strlcpy(v[1].ifname, "eth1", sizeof(v[1].ifname));
	v[1].vrid = 52;
	v[1].version = 2;
	v[1].state = 1;
	strlcpy(v[1].state_name, "BACKUP", sizeof(v[1].state_name));
	v[1].base_priority = 50;
	v[1].eff_priority = 50;
	v[1].advert_int_cs = 100;
	v[1].master_adver_int_cs = 100;
	strlcpy(v[1].witness, "2001:db8::1", sizeof(v[1].witness));
	strlcpy(v[1].witness_state, "down", sizeof(v[1].witness_state));
	v[1].witness_refused = 2;
	v[1].witness_faults = 1;
	strlcpy(t[0].instance, "VI_1", sizeof(t[0].instance));
	strlcpy(t[0].kind, "vrrp_script", sizeof(t[0].kind));
	strlcpy(t[0].name, "chk_nginx", sizeof(t[0].name));
	strlcpy(t[0].state, "down", sizeof(t[0].state));
	t[0].weight = -40;
	t[0].delta = -40;
	strlcpy(t[1].instance, "VI_1", sizeof(t[1].instance));
	strlcpy(t[1].kind, "track_file", sizeof(t[1].kind));
	strlcpy(t[1].name, "tf", sizeof(t[1].name));
	strlcpy(t[1].state, "up", sizeof(t[1].state));
	t[1].value = 2;
	t[1].weight = 5;
	t[1].delta = 10;
	strlcpy(t[2].instance, "VI_1", sizeof(t[2].instance));
	strlcpy(t[2].kind, "interface", sizeof(t[2].kind));
	strlcpy(t[2].name, "eth9", sizeof(t[2].name));
	strlcpy(t[2].state, "down", sizeof(t[2].state));
	t[2].fault = 1;
}

static void
lvss(struct msg_ctl_lvs *l)
{
	memset(l, 0, 5 * sizeof(*l));
	l[0].kind = LVS_ROW_SERVICE;
	strlcpy(l[0].service, "TCP 198.18.0.100:80", sizeof(l[0].service));
	strlcpy(l[0].sched, "wrr", sizeof(l[0].sched));
	strlcpy(l[0].method, "NAT", sizeof(l[0].method));
	l[0].persistence = 300;
	l[0].quorum = 2;
	l[0].conns = 9;
	l[0].in_pkts = 10;
	l[0].out_pkts = 11;
	l[0].in_bytes = 1000;
	l[0].out_bytes = 1100;
	l[1].kind = LVS_ROW_REAL;
	strlcpy(l[1].real, "198.18.0.11:80", sizeof(l[1].real));
	l[1].conf_weight = 3;
	l[1].kernel_weight = 3;
	strlcpy(l[1].health, "up", sizeof(l[1].health));
	l[1].active_conns = 4;
	l[1].inactive_conns = 5;
	l[1].conns = 6;
	l[1].in_pkts = 7;
	l[1].out_pkts = 8;
	l[1].in_bytes = 700;
	l[1].out_bytes = 800;
	l[2].kind = LVS_ROW_REAL;
	strlcpy(l[2].real, "198.18.0.12:80", sizeof(l[2].real));
	l[2].conf_weight = 1;
	l[2].kernel_weight = 0;
	l[2].drained = 1;
	strlcpy(l[2].health, "down", sizeof(l[2].health));
	l[3].kind = LVS_ROW_REAL;
	strlcpy(l[3].real, "198.18.0.13:80", sizeof(l[3].real));
	l[3].sorry = 1;
	l[3].conf_weight = 1;
	l[3].kernel_weight = -1;
	strlcpy(l[3].health, "unknown", sizeof(l[3].health));
	l[4].kind = LVS_ROW_SERVICE;
	strlcpy(l[4].service, "FWM 7", sizeof(l[4].service));
	strlcpy(l[4].sched, "rr", sizeof(l[4].sched));
	strlcpy(l[4].method, "DR", sizeof(l[4].method));
	l[4].quorum = 1;
	l[4].quorum_up = 1;
	l[4].in_kernel = 1;
}

static void
checks(struct msg_ctl_check *c, struct msg_ctl_track *t)
{
	memset(c, 0, 2 * sizeof(*c));
	memset(t, 0, 2 * sizeof(*t));
	strlcpy(c[0].vs, "198.18.0.100:80", sizeof(c[0].vs));
	strlcpy(c[0].rs, "198.18.0.11:80", sizeof(c[0].rs));
	strlcpy(c[0].type, "HTTP_GET", sizeof(c[0].type));
	c[0].up = c[0].rs_up = 1;
	c[0].successes = 4;
	c[0].rise = 2;
	c[0].fall = 3;
	c[0].latency_ms = 12;
	c[0].delay_loop_ms = 6000;
	c[0].rounds = 40;
	c[0].last_change = FUTURE;
	c[0].weight = -1;
	strlcpy(c[0].reason, "HTTP 200", sizeof(c[0].reason));
	strlcpy(c[1].vs, "fwmark 7", sizeof(c[1].vs));
	strlcpy(c[1].rs, "198.18.0.12:80", sizeof(c[1].rs));
	strlcpy(c[1].target, "198.18.0.99:8080", sizeof(c[1].target));
	strlcpy(c[1].type, "MISC_CHECK", sizeof(c[1].type));
	c[1].failures = 1;
	c[1].rise = 1;
	c[1].fall = 1;
	c[1].weight = 20;
	c[1].suspended = 1;
	strlcpy(c[1].reason, "not run: \"ha_suspend\"", sizeof(c[1].reason));
	strlcpy(t[0].kind, "vrrp_script", sizeof(t[0].kind));
	strlcpy(t[0].name, "chk_nginx", sizeof(t[0].name));
	strlcpy(t[0].state, "down", sizeof(t[0].state));
	t[0].last_status = 1;
	t[0].failures = 3;
	t[0].rise = 2;
	t[0].fall = 3;
	t[0].weight = -40;
	t[0].runs = 9;
	t[0].last_change = FUTURE;
	strlcpy(t[0].reason, "exit 1", sizeof(t[0].reason));
	strlcpy(t[1].kind, "track_file", sizeof(t[1].kind));
	strlcpy(t[1].name, "tf", sizeof(t[1].name));
	strlcpy(t[1].state, "up", sizeof(t[1].state));
	strlcpy(t[1].path, "/run/tf", sizeof(t[1].path));
	t[1].last_status = -1;
	t[1].weight = 5;
	t[1].reverse = 1;
	t[1].value = 2;
	t[1].runs = 3;
}

static void
bfds(struct msg_ctl_bfd *b)
{
	memset(b, 0, 2 * sizeof(*b));
	strlcpy(b[0].name, "bfd1", sizeof(b[0].name));
	strlcpy(b[0].neighbor, "198.18.0.2", sizeof(b[0].neighbor));
	strlcpy(b[0].source, "198.18.0.1", sizeof(b[0].source));
	b[0].state = 3;
	b[0].remote_state = 3;
	b[0].local_discr = 1;
	b[0].remote_discr = 77;
	b[0].mult = 3;
	b[0].remote_mult = 5;
	b[0].desired_tx_us = 10000;
	b[0].required_rx_us = 10000;
	b[0].remote_desired_tx_us = 3312;
	b[0].remote_min_rx_us = 20000;
	b[0].tx_interval_us = 10000;
	b[0].detect_us = 30000;
	b[0].tx = 100;
	b[0].rx = 99;
	b[0].ups = 1;
	b[0].polls = 2;
	b[0].since = 1700000000;
	b[0].ndrops = 1;
	strlcpy(b[0].drop_names[0], "ttl", sizeof(b[0].drop_names[0]));
	b[0].drops[0] = 4;
	b[1].ndrops = 2;
	strlcpy(b[1].drop_names[0], "ttl", sizeof(b[1].drop_names[0]));
	b[1].drops[0] = 4;
	strlcpy(b[1].drop_names[1], "nosession", sizeof(b[1].drop_names[1]));
	b[1].drops[1] = 8;
}

static void
events(struct msg_ctl_event *e)
{
	memset(e, 0, 2 * sizeof(*e));
	e[0].seq = 1;
	e[0].time_ms = 1700000000123LL;
	strlcpy(e[0].kind, "vrrp", sizeof(e[0].kind));
	strlcpy(e[0].object, "VI_1", sizeof(e[0].object));
	strlcpy(e[0].text, "BACKUP -> MASTER", sizeof(e[0].text));
	e[1].seq = 2;
	e[1].time_ms = 1700000001007LL;
	strlcpy(e[1].kind, "rs", sizeof(e[1].kind));
	strlcpy(e[1].object, "TCP 198.18.0.100:80 198.18.0.12:80",
	    sizeof(e[1].object));
	strlcpy(e[1].text, "down: \"connection refused\"", sizeof(e[1].text));
}

static void
init(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
}

TestSuite(hactl_golden, .init = init);

/* Every show command, text (json 0) and -j (json 1). */
static void
show(int json, uint32_t type, const char *name)
{
	struct hactl_out		 o;
	struct msg_ctl_proc		 p[3];
	struct msg_ctl_vrrp		 v[2];
	struct msg_ctl_vrrp_track	 vt[3];
	struct msg_ctl_lvs		 l[5];
	struct msg_ctl_check		 c[2];
	struct msg_ctl_track		 t[2];
	struct msg_ctl_bfd		 b[2];
	struct msg_ctl_event		 e[2];
	int				 i;

	memset(&o, 0, sizeof(o));
	o.json = json;
	capture();
	out_begin(&o, type);
	switch (type) {
	case IMSG_CTL_SHOW_PROCS:
		procs(p);
		for (i = 0; i < 3; i++)
			out_proc(&o, &p[i]);
		break;
	case IMSG_CTL_SHOW_VRRP:
		vrrps(v, vt);
		out_vrrp(&o, &v[0], vt, 3);
		out_vrrp(&o, &v[1], NULL, 0);
		break;
	case IMSG_CTL_SHOW_LVS:
		lvss(l);
		for (i = 0; i < 5; i++)
			out_lvs(&o, &l[i]);
		break;
	case IMSG_CTL_SHOW_CHECKS:
		checks(c, t);
		for (i = 0; i < 2; i++)
			out_check(&o, &c[i]);
		for (i = 0; i < 2; i++)
			out_track(&o, &t[i]);
		break;
	case IMSG_CTL_SHOW_BFD:
		bfds(b);
		for (i = 0; i < 2; i++)
			out_bfd(&o, &b[i]);
		break;
	case IMSG_CTL_SHOW_HISTORY:
		events(e);
		for (i = 0; i < 2; i++)
			out_event(&o, &e[i]);
		break;
	}
	out_finish(&o, type);
	golden(name);
}

Test(hactl_golden, procs)
{
	show(0, IMSG_CTL_SHOW_PROCS, "procs.txt");
	show(1, IMSG_CTL_SHOW_PROCS, "procs.json");
}

Test(hactl_golden, vrrp)
{
	show(0, IMSG_CTL_SHOW_VRRP, "vrrp.txt");
	show(1, IMSG_CTL_SHOW_VRRP, "vrrp.json");
}

Test(hactl_golden, lvs)
{
	show(0, IMSG_CTL_SHOW_LVS, "lvs.txt");
	show(1, IMSG_CTL_SHOW_LVS, "lvs.json");
}

Test(hactl_golden, checks)
{
	show(0, IMSG_CTL_SHOW_CHECKS, "checks.txt");
	show(1, IMSG_CTL_SHOW_CHECKS, "checks.json");
}

Test(hactl_golden, bfd)
{
	show(0, IMSG_CTL_SHOW_BFD, "bfd.txt");
	show(1, IMSG_CTL_SHOW_BFD, "bfd.json");
}

Test(hactl_golden, history)
{
	show(0, IMSG_CTL_SHOW_HISTORY, "history.txt");
	show(1, IMSG_CTL_SHOW_HISTORY, "history.json");
}

/* hactl events -j: JSON lines; a result; an empty show. */
Test(hactl_golden, stream_result_empty)
{
	struct hactl_out	 o;
	struct msg_ctl_event	 e[2];

	memset(&o, 0, sizeof(o));
	o.json = o.stream = 1;
	events(e);
	capture();
	out_event(&o, &e[0]);
	out_event(&o, &e[1]);
	out_result("reloaded \"vrrp\"");
	memset(&o, 0, sizeof(o));
	out_begin(&o, IMSG_CTL_SHOW_CHECKS);
	out_finish(&o, IMSG_CTL_SHOW_CHECKS);
	o.json = 1;
	out_begin(&o, IMSG_CTL_SHOW_LVS);
	out_finish(&o, IMSG_CTL_SHOW_LVS);
	golden("misc.txt");
}

Test(hactl_golden, metrics)
{
	struct msg_ctl_proc		 p[3];
	struct msg_ctl_vrrp		 v[2];
	struct msg_ctl_vrrp_track	 vt[3];
	struct msg_ctl_lvs		 l[5];
	struct msg_ctl_check		 c[2];
	struct msg_ctl_track		 t[2];
	struct msg_ctl_bfd		 b[2];
	int				 i;

	procs(p);
	vrrps(v, vt);
	lvss(l);
	checks(c, t);
	bfds(b);
	metrics_reset();
	for (i = 0; i < 3; i++)
		metrics_add_proc(&p[i]);
	for (i = 0; i < 3; i++)
		metrics_add_vrrp_track(&vt[i]);
	for (i = 0; i < 2; i++)
		metrics_add_vrrp(&v[i]);
	for (i = 0; i < 5; i++)
		metrics_add_lvs(&l[i]);
	for (i = 0; i < 2; i++)
		metrics_add_check(&c[i]);
	for (i = 0; i < 2; i++)
		metrics_add_track(&t[i]);
	for (i = 0; i < 2; i++)
		metrics_add_bfd(&b[i]);
	metrics_failed(4);
	capture();
	metrics_print(stdout);
	golden("metrics.prom");
	metrics_reset();
	capture();
	metrics_print(stdout);
	golden("metrics-empty.prom");
}
