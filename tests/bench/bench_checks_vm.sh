#!/bin/bash
# Health-check benchmark in the VM (issue 5), with keepalived's checker,
# which cannot start on the host (no IPVS in its kernel): the same
# 10,000 TCP_CHECK and 2,000 HTTP_GET setups as bench_checks.sh, run by
# tests/vm/bench_checks.sh in the tests/vm guest, had's checkd and then
# keepalived's checker (keepalived --check -n -l -D -f CONF) on the same
# config: CPU in % of one core and RSS over BENCH_CPU_SECONDS (20), the
# connections the targets accepted per second, the real servers held up
# in the kernel's table; the checker's context switches (each wakeup
# costs about as much as a probe under TCG), the targets' CPU in the same
# window, and both per connection the targets accepted: the checkers do
# not probe at the same rate (keepalived counts delay_loop from the end of
# a check, had from its planned start).  Over loopback the targets' half
# of each handshake and teardown runs in whichever process's system call
# sends the packet, so the checker-and-targets figure is the fairer one.
# Prints figures and ratios, not pass/fail; a run varies by +-5 points:
# BENCH_ROUNDS (1) measures had and keepalived in turn that many times in
# one boot and prints each round's ratios and their median.
#
# The targets are tcpsrv (built here from the C below): one epoll
# process for every listener, since the guest has neither python nor
# nginx, and busybox nc/httpd fork a process per connection.
#
# The guest runs under TCG here (no KVM): every figure is inflated
# against the host, for both implementations alike; compare the ratios.
# No spread figures (no tshark in the guest): bench_checks.sh has them.
#
# Env: BENCH_TCP_CHECKS (10000), BENCH_HTTP_CHECKS (2000),
# BENCH_CPU_SECONDS (20), BENCH_SETTLE (6), BENCH_IMPLS ("had
# keepalived"), BENCH_SCENARIOS ("tcp http"), BENCH_ROUNDS (1),
# BENCH_VM_MEM (3072),
# BENCH_OUT (checks-vm.json goes there), BUILD (build), BENCH_PERF (1:
# print a perf profile of each checker, from the guest).
# Exit: non-zero only if nothing could be measured.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/bench/bench_vm.sh bench_checks_vm
command -v cc >/dev/null || { echo "bench_checks_vm: no C compiler for tcpsrv" >&2; exit 1; }
T=$(mktemp -d /tmp/had-bench-chkvm.XXXXXX)
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/bin" "$T/build"
for p in had lvsd checkd vrrpd bfdd hactl; do cp "$BUILD/$p" "$T/build/$p"; done

cat >"$T/tcpsrv.c" <<'CEOF'
/*
 * tcpsrv MODE PREFIX A1 A2 P1 P2 COUNTFILE: listen on PREFIX{A1..A2} x
 * ports P1..P2; MODE tcp accepts and closes, MODE http answers each
 * request (after its blank line) with "HTTP/1.0 200 OK" and "ok\n" and
 * closes.  Writes the connections accepted so far to COUNTFILE every
 * 0.2 s.  One thread, epoll.
 */
#define _GNU_SOURCE
#include <sys/epoll.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAXFD	131072
static unsigned char lst[MAXFD], st[MAXFD];
static const char resp[] = "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n"
    "Content-Length: 3\r\nConnection: close\r\n\r\nok\n";

int
main(int argc, char **argv)
{
	struct epoll_event ev, evs[512];
	unsigned long n = 0;
	struct timespec last = { 0, 0 }, now;
	char path[4096], tmp[4200], buf[4096];
	int http, ep, a, p, one = 1, i;

	if (argc != 8) {
		fprintf(stderr, "usage: tcpsrv tcp|http PREFIX A1 A2 P1 P2 COUNTFILE\n");
		return 2;
	}
	http = strcmp(argv[1], "http") == 0;
	snprintf(path, sizeof(path), "%s", argv[7]);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	ep = epoll_create1(0);
	for (a = atoi(argv[3]); a <= atoi(argv[4]); a++)
		for (p = atoi(argv[5]); p <= atoi(argv[6]); p++) {
			struct sockaddr_in sin = { .sin_family = AF_INET,
			    .sin_port = htons(p) };
			char addr[64];
			int s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

			snprintf(addr, sizeof(addr), "%s%d", argv[2], a);
			inet_pton(AF_INET, addr, &sin.sin_addr);
			setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
			if (s < 0 || s >= MAXFD || bind(s, (struct sockaddr *)&sin,
			    sizeof(sin)) == -1 || listen(s, 4096) == -1) {
				fprintf(stderr, "tcpsrv: %s:%d: %s\n", addr, p,
				    strerror(errno));
				return 1;
			}
			lst[s] = 1;
			ev.events = EPOLLIN;
			ev.data.fd = s;
			epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev);
		}
	for (;;) {
		int k = epoll_wait(ep, evs, 512, 200);

		for (i = 0; i < k; i++) {
			int fd = evs[i].data.fd, c;
			ssize_t r;

			if (lst[fd]) {
				while ((c = accept4(fd, NULL, NULL,
				    SOCK_NONBLOCK)) >= 0) {
					n++;
					if (!http || c >= MAXFD) {
						close(c);
						continue;
					}
					st[c] = 0;
					ev.events = EPOLLIN;
					ev.data.fd = c;
					epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev);
				}
				continue;
			}
			/* http: read to the blank line, answer, close. */
			while ((r = read(fd, buf, sizeof(buf))) > 0) {
				static const char end[] = "\r\n\r\n";
				ssize_t j;

				for (j = 0; j < r && st[fd] < 4; j++)
					st[fd] = buf[j] == end[st[fd]] ? st[fd] + 1 :
					    buf[j] == '\r' ? 1 : 0;
				if (st[fd] == 4)
					break;
			}
			if (st[fd] == 4)
				(void)!write(fd, resp, sizeof(resp) - 1);
			if (st[fd] == 4 || r == 0 || (r < 0 && errno != EAGAIN))
				close(fd);
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		if ((now.tv_sec - last.tv_sec) * 1000 +
		    (now.tv_nsec - last.tv_nsec) / 1000000 >= 200) {
			FILE *f = fopen(tmp, "w");

			last = now;
			if (f != NULL) {
				fprintf(f, "%lu\n", n);
				fclose(f);
				rename(tmp, path);
			}
		}
	}
}
CEOF
if ! cc -O2 -Wall -o "$T/bin/tcpsrv" "$T/tcpsrv.c" 2>"$T/cc.err"; then
	echo "bench_checks_vm: tcpsrv does not build: $(head -3 "$T/cc.err")" >&2
	exit 1
fi

# The same base image as bench_lvs_vm.sh (keepalived, nlmon): one cache.
export VM_EXTRA_BINS="${VM_EXTRA_BINS:-} keepalived"
export VM_EXTRA_MODULES="${VM_EXTRA_MODULES:-} nlmon"
export VM_MEM=${BENCH_VM_MEM:-3072}
export VM_TIMEOUT=${VM_TIMEOUT:-1200}
export VMENV_BENCH_TCP_CHECKS=${BENCH_TCP_CHECKS:-10000}
export VMENV_BENCH_HTTP_CHECKS=${BENCH_HTTP_CHECKS:-2000}
export VMENV_BENCH_CPU_SECONDS=${BENCH_CPU_SECONDS:-20}
export VMENV_BENCH_SETTLE=${BENCH_SETTLE:-6}
export VMENV_BENCH_IMPLS=${BENCH_IMPLS:-had keepalived}
export VMENV_BENCH_SCENARIOS=${BENCH_SCENARIOS:-tcp http}
export VMENV_BENCH_ROUNDS=${BENCH_ROUNDS:-1}
# BENCH_PERF=1: a profile of each checker in the guest (perf, from the
# host's linux-perf; software clock, the guest has no PMU).
if [ -n "${BENCH_PERF:-}" ] && command -v perf >/dev/null; then
	export VM_EXTRA_BINS="$VM_EXTRA_BINS perf"
	export VMENV_BENCH_PERF=1
fi
command -v keepalived >/dev/null ||
    { VM_EXTRA_BINS=${VM_EXTRA_BINS% keepalived}; echo "bench_checks_vm: keepalived is not installed: had alone"; }

echo "health-check benchmark in the VM: $VMENV_BENCH_TCP_CHECKS TCP_CHECK, $VMENV_BENCH_HTTP_CHECKS HTTP_GET at delay_loop 1, ${VMENV_BENCH_CPU_SECONDS} s window after ${VMENV_BENCH_SETTLE} s, guest ${VM_MEM} MiB"
LOG=$T/console.log
: >"$LOG"
VM_LOG=$LOG VM_PREFIX="  vm| " tests/vm/run.sh tests/vm/bench_checks.sh \
    "$T/build:/opt/build" "$T/bin:/opt/benchbin"
rc=$?
case $rc in
0) ;;
77) echo "bench_checks_vm: not measured: the VM is not available here (scripts/vm-deps.sh)"; exit 1 ;;
*) echo "bench_checks_vm: the guest exited with status $rc" ;;
esac

$PY - "$LOG" "${BENCH_OUT:-}" <<'PYEOF'
import json, os, sys
import statistics
res = {}
for l in open(sys.argv[1], errors="replace"):
    l = l.strip()
    if l.startswith("BENCH-CHK ") or l.startswith("BENCH-CHK-UP "):
        d = dict(kv.split("=", 1) for kv in l.split()[1:] if "=" in kv)
        res.setdefault(d["scenario"], {}).setdefault(d["impl"], {}).setdefault(
            int(d.get("round", 1)), {}).update(d)
names = {"tcp": "TCP_CHECK", "http": "HTTP_GET"}
measured = False
rounds = sorted({r for sc in res.values() for i in sc.values() for r in i})
print()
for sc in ("tcp", "http"):
    for rnd in rounds:
        if len(rounds) > 1 and sc in res:
            print("%s, round %d:" % (names[sc], rnd))
        for impl in ("had", "keepalived"):
            d = res.get(sc, {}).get(impl, {}).get(rnd)
            if d is None:
                continue
            if "cpu" not in d or not d.get("rss_kb"):
                print("%-9s %-11s not measured: %s" % (names[sc], impl + ":", d.get("note", "?")))
                continue
            measured = True
            print("%-9s %-11s %5s checks at delay_loop 1: CPU %6s%% of one core%s, RSS %s kB (peak %s kB), "
                  "targets accepted %s conn/s, %s real servers up in IPVS%s" % (
                  names[sc], impl + ":", d["checks"], d["cpu"],
                  (" (schedstat %s%%)" % d["cpu_sched"]) if "cpu_sched" in d else "",
                  d["rss_kb"], d["hwm_kb"],
                  d["conn_per_s"], d["kernel_rs_up"],
                  ("; hactl: %s checks up" % d["checks_up"]) if "checks_up" in d else ""))
            if d.get("all_rss_kb"):
                print("%-21s RSS of all processes %s kB (%s)" % ("", d["all_rss_kb"],
                      d.get("rss_by_proc", "-")))
            others = ["%s %s%%" % (k[:-4], v) for k, v in d.items()
                      if k.endswith("_cpu")]
            if others:
                print("%-21s same window, other processes: %s" % ("", ", ".join(others)))
            if "vcsw_per_s" in d:
                print("%-21s context switches of the checker: %s/s voluntary (it waited), %s/s involuntary" % (
                      "", d["vcsw_per_s"], d["ivcsw_per_s"]))
            cps = float(d["conn_per_s"] or 0)
            if cps > 0:
                d["checker_ms_per_conn"] = float(d["cpu"]) * 10 / cps
                line = "checker %.3f ms" % d["checker_ms_per_conn"]
                if "targets_cpu" in d:
                    d["pair_ms_per_conn"] = (float(d["cpu"]) + float(d["targets_cpu"])) * 10 / cps
                    line += ", checker and targets %.3f ms" % d["pair_ms_per_conn"]
                print("%-21s CPU per connection: %s" % ("", line))
for sc in ("tcp", "http"):
    ratios = {"CPU": [], "RSS": [], "RSS of all processes": [],
              "CPU per connection, checker": [],
              "CPU per connection, checker and targets": []}
    for rnd in rounds:
        h = res.get(sc, {}).get("had", {}).get(rnd, {})
        k = res.get(sc, {}).get("keepalived", {}).get(rnd, {})
        if not (h.get("rss_kb") and k.get("rss_kb")):
            continue
        if float(k["cpu"]) > 0:
            ratios["CPU"].append(float(h["cpu"]) / float(k["cpu"]))
        ratios["RSS"].append(float(h["rss_kb"]) / float(k["rss_kb"]))
        if h.get("all_rss_kb") and float(k.get("all_rss_kb") or 0) > 0:
            ratios["RSS of all processes"].append(float(h["all_rss_kb"]) /
                                                  float(k["all_rss_kb"]))
        for key, what in (("checker_ms_per_conn", "checker"),
                          ("pair_ms_per_conn", "checker and targets")):
            if h.get(key) and k.get(key):
                ratios["CPU per connection, " + what].append(h[key] / k[key])
    for what, v in ratios.items():
        if not v:
            continue
        if len(v) == 1:
            print("%-9s had/keepalived: %s: %.3f" % (names[sc], what, v[0]))
        else:
            print("%-9s had/keepalived: %s: %s; median %.3f" % (names[sc], what,
                  ", ".join("%.3f" % x for x in v), statistics.median(v)))
if not measured:
    print("bench_checks_vm: nothing measured")
    sys.exit(1)
if len(sys.argv) > 2 and sys.argv[2]:
    os.makedirs(sys.argv[2], exist_ok=True)
    with open(os.path.join(sys.argv[2], "checks-vm.json"), "w") as fh:
        json.dump(res, fh, indent=1)
PYEOF
