#!/bin/bash
# make bench: the VRRP benchmarks, had against keepalived in the same run.
#
#   bench_vrrp_failover.sh  failover time, master link down -> VIP on the
#                           backup, VRRPv2 advert_int 1 and VRRPv3 0.01
#   bench_vrrp_cpu.sh       CPU and memory of the VRRP process, master of
#                           100 VRRPv3 instances at advert_int 0.1
#   bench_checks.sh         10,000 TCP_CHECK / 2,000 HTTP_GET on the host
#   bench_lvs_vm.sh         in the VM (real IPVS): 1000 virtual servers x
#                           20 real servers from empty, reloads changing
#                           1%: time and netlink writes, had and keepalived
#   bench_checks_vm.sh      in the VM: the checks benchmark with
#                           keepalived's checker, which needs IPVS
#   bench_seccomp.sh        only with BENCH_ONLY=seccomp: VRRP and TCP
#                           check CPU without and with the children's
#                           seccomp filters (make SECCOMP=0), the ratio
#   bench_serve.sh          hactl serve: 200 scrapes/s of /metrics for
#                           1000 x 20 real servers, latency and CPU
#   bench_failover_vm.sh    in the VM: the demo's client (a request every
#                           20 ms) through an orderly stop and a SIGKILL of
#                           the master: failed requests, longest gap
#   bench_bfd.sh            BFD against FRR's bfdd: detection of a 10 ms x 3
#                           session (p50/p99 over BENCH_BFD_RUNS), CPU of
#                           bfdd at BENCH_BFD_SESSIONS (100) at 10 ms beside
#                           FRR's, failure -> VIP on the backup with
#                           track_bfd, had and keepalived, with the ratio
#   bench_rss.sh            memory of every process for 1000 x 20 real
#                           servers, through reloads of the same size
#   bench_lvs_bgp_vm.sh     in the VM with FRR: active-active directors,
#                           long flows through a director's SIGKILL and
#                           orderly stop, rr/mh x connection sync off/on:
#                           flows broken, time to the router's withdrawal
#   bench_ah.sh             VRRP CPU with auth_type AH against without, had
#                           and keepalived (VRRPv2 at advert_int 1), and had
#                           alone on VRRPv3 at 0.1
#   bench_vrrp_netem_vm.sh  in the VM, netem on the switch ports: spurious
#                           transitions and seconds with two masters per
#                           hour under loss, burst loss, jitter and a cut
#                           VRRP link, had (defaults, then unicast_path +
#                           takeover_check + flap damping) and keepalived;
#                           takeover time of a real failure
#
# Prints figures and ratios, then a summary table; not pass/fail.  Exits
# non-zero only if a benchmark could measure nothing at all.  The JSON
# results stay in BENCH_OUT (default build/bench).
#
# Env: BENCH_RUNS (20) failover runs per series, BENCH_SERIES
# ("2:1 3:0.01"), BENCH_IMPLS ("had keepalived"), BENCH_CPU_SECONDS (20),
# BENCH_CPU_INSTANCES (100), BENCH_CPU_ADV (0.1), BENCH_CPU_SETTLE (6),
# BENCH_ONLY (failover, cpu, checks, lvs, checks_vm, failover_vm, lvs_bgp, ah,
# bfd, serve, rss, netem_vm or seccomp), BENCH_NO_BUILD=1 to use build/ as it is;
# bench_checks.sh also measures "floor" (tcp_floor.c) unless BENCH_IMPLS
# leaves it out; bench_checks_vm.sh takes BENCH_ROUNDS (1), interleaved
# rounds of had and keepalived with the median of their ratios;
# bench_failover_vm.sh takes BENCH_FO_RUNS (10), BENCH_FO_MODES ("term
# kill") and BENCH_FO_INTERVAL (20 ms); bench_vrrp_netem_vm.sh takes
# BENCH_NETEM_SECS (45 per scenario), BENCH_NETEM_SCENARIOS,
# BENCH_NETEM_FAIL_RUNS (3) and BENCH_NETEM_FAIL_ADV ("0.1 1").
# With the defaults it takes about 7 minutes (411 s measured).
set -u
cd "$(dirname "$0")/../.." || exit 1
: "${BUILD:=build}"
export BUILD
export BENCH_OUT=${BENCH_OUT:-$BUILD/bench}

if [ "$(id -u)" != 0 ]; then
	echo "bench: cannot measure: needs root (network namespaces, raw sockets)" >&2
	exit 1
fi
for c in keepalived ip python3; do
	command -v "$c" >/dev/null 2>&1 ||
	    { echo "bench: $c is missing (sh scripts/setup-deps.sh)" >&2; exit 1; }
done
if [ -z "${BENCH_NO_BUILD:-}" ]; then
	if ! make -s -j"$(nproc 2>/dev/null || echo 2)" all >/dev/null; then
		echo "bench: the build failed" >&2
		exit 1
	fi
fi
mkdir -p "$BENCH_OUT"
rm -f "$BENCH_OUT"/vrrp-failover-*.json "$BENCH_OUT"/vrrp-cpu-*.json

start=$(date +%s)
rc=0
echo "had benchmarks, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, $(uname -r), $(keepalived --version 2>&1 | head -1)"
echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine shows in the tails)"
echo "had $(git describe --always --dirty 2>/dev/null || echo '?') from $BUILD (CFLAGS of the build: $(grep -o -- '-O[0-9s]*' "$BUILD/.defs" 2>/dev/null | head -1))"
echo
if [ "${BENCH_ONLY:-failover}" = failover ]; then
	bash tests/bench/bench_vrrp_failover.sh || rc=1
	echo
fi
if [ "${BENCH_ONLY:-cpu}" = cpu ]; then
	bash tests/bench/bench_vrrp_cpu.sh || rc=1
	echo
fi
if [ "${BENCH_ONLY:-checks}" = checks ]; then
	bash tests/bench/bench_checks.sh || rc=1
	echo
fi
if [ "${BENCH_ONLY:-lvs}" = lvs ]; then
	bash tests/bench/bench_lvs_vm.sh || rc=1
	echo
fi
if [ "${BENCH_ONLY:-checks_vm}" = checks_vm ]; then
	bash tests/bench/bench_checks_vm.sh || rc=1
	echo
fi
if [ "${BENCH_ONLY:-failover_vm}" = failover_vm ]; then
	bash tests/bench/bench_failover_vm.sh || rc=1
	echo
fi
if [ "${BENCH_ONLY:-lvs_bgp}" = lvs_bgp ]; then
	bash tests/bench/bench_lvs_bgp_vm.sh || rc=1
	echo
fi
if [ "${BENCH_ONLY:-ah}" = ah ]; then
	bash tests/bench/bench_ah.sh || rc=1
	echo
fi
if [ "${BENCH_ONLY:-bfd}" = bfd ]; then
	bash tests/bench/bench_bfd.sh || rc=1
	echo
fi
if [ "${BENCH_ONLY:-serve}" = serve ]; then
	bash tests/bench/bench_serve.sh || rc=1
	echo
fi
if [ "${BENCH_ONLY:-rss}" = rss ]; then
	bash tests/bench/bench_rss.sh || rc=1
	echo
fi
if [ "${BENCH_ONLY:-netem_vm}" = netem_vm ]; then
	bash tests/bench/bench_vrrp_netem_vm.sh || rc=1
	echo
fi
if [ "${BENCH_ONLY:-}" = seccomp ]; then
	bash tests/bench/bench_seccomp.sh || rc=1
	echo
fi
# ah, rss, netem_vm, lvs_bgp and seccomp print their own figures; the table has
# nothing else.
case "${BENCH_ONLY:-}" in
ah|rss|netem_vm|seccomp|lvs_bgp) ;;
*)	python3 tests/bench/summary.py "$BENCH_OUT" || rc=1 ;;
esac
echo
echo "bench: $(( $(date +%s) - start )) s, load average at the end $(cut -d' ' -f1-3 /proc/loadavg); results in $BENCH_OUT"
exit $rc
