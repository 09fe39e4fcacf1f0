#!/bin/bash
# Benchmark: CPU and memory of the VRRP process as master of many
# instances, had's vrrpd against keepalived's VRRP child, same config,
# same run.
#
# One node a (198.18.0.1) alone on the lab bridge, BENCH_CPU_INSTANCES
# (100) VRRPv3 instances on eth0, VRIDs 1..N, advert_int
# BENCH_CPU_ADV (0.1), one VIP each (198.18.1.N/32), the same file for
# both (mkconf-cpu.py).  Once every VIP is on eth0 and BENCH_CPU_SETTLE
# (6) seconds have passed (the second gratuitous ARP burst, 5 s after
# becoming master by default, falls before the window), cpu_sample.py
# measures BENCH_CPU_SECONDS (20) seconds:
#   had         vrrpd (pid from `hactl show procs -j`); "all" adds had
#               and the other children it started (lvsd)
#   keepalived  the VRRP child that `keepalived --vrrp` forks (pid from its
#               -r pidfile); "all" adds the parent
# CPU from /proc/PID/stat utime+stime as % of one core, memory VmRSS and
# VmHWM from /proc/PID/status.  BENCH_IMPLS ("had keepalived"),
# BENCH_OUT as in bench_vrrp_failover.sh.  Exits non-zero only if nothing
# could be measured.  BENCH_CPU_VERSION (3) and BENCH_CPU_AUTH (none, or
# AH) change the instances (bench_ah.sh uses them).
set -u
cd "$(dirname "$0")/../.." || exit 1
LAB=hbc$$
. tests/lib.sh
. tests/lab.sh
. tests/bench/bench_lib.sh

N=${BENCH_CPU_INSTANCES:-100}
ADV=${BENCH_CPU_ADV:-0.1}
SECS=${BENCH_CPU_SECONDS:-20}
SETTLE=${BENCH_CPU_SETTLE:-6}
IMPLS=${BENCH_IMPLS:-had keepalived}
VER=${BENCH_CPU_VERSION:-3}
AUTH=${BENCH_CPU_AUTH:-none}

for v in "$N" "$SECS" "$SETTLE"; do
	case "$v" in ''|*[!0-9]*) echo "bench_vrrp_cpu: counts must be whole numbers" >&2; exit 2 ;; esac
done
if [ "$N" -lt 1 ] || [ "$N" -gt 250 ]; then
	echo "BENCH_CPU_INSTANCES 1..250" >&2; exit 2
fi
if [ "$SECS" -lt 1 ] || [ "$SECS" -gt 300 ]; then
	echo "BENCH_CPU_SECONDS 1..300" >&2; exit 2
fi
[ "$SETTLE" -le 60 ] || { echo "BENCH_CPU_SETTLE at most 60" >&2; exit 2; }
if [ "$(id -u)" != 0 ]; then
	echo "bench_vrrp_cpu: cannot measure: needs root (network namespaces)" >&2
	exit 1
fi

lab_init || { echo "bench_vrrp_cpu: lab_init failed" >&2; exit 1; }
trap bench_cleanup EXIT
[ -n "$BENCH_OUT" ] || BENCH_OUT=$LAB_DIR/out
mkdir -p "$BENCH_OUT"
lab_node a 198.18.0.1/24
bench_bin || exit 1

vips() { ip -n "$LAB-a" -o addr show dev eth0 | grep -c ' inet 198\.18\.1\.'; }
all_vips() { [ "$(vips)" = "$N" ]; }

MEASURED=0
measure() {	# impl
	local impl=$1 conf=$LAB_DIR/a/cpu.conf pid all proc out label
	"$PY" "$BENCH_DIR/mkconf-cpu.py" bench-a "$N" "$ADV" "$VER" "$AUTH" \
	    >"$conf" || return 1
	note "$impl: $N instances, advert_int $ADV, settle ${SETTLE} s, measure ${SECS} s"
	impl_start a "$impl" "$conf" || { impl_stop a; return 1; }
	if ! wait_for 30 all_vips; then
		note "$impl: only $(vips) of $N VIPs on eth0 after 30 s"
		impl_stop a
		return 1
	fi
	sleep "$SETTLE"
	pid=$(impl_vrrp_pid a)
	if [ "$impl" = had ]; then
		proc=vrrpd
		label=had
		all=$(lab_had_pid a)
		# The children had started (none for work it was not given).
		if lab_hactl a show procs -j >"$LAB_DIR/a/procs.json" \
		    2>/dev/null; then
			all=$all,$(json_get "$LAB_DIR/a/procs.json" \
			    '",".join(str(r["pid"]) for r in d if r["pid"] > 0)')
			label=$(json_get "$LAB_DIR/a/procs.json" \
			    '"+".join(r["name"] for r in d if r["pid"] > 0)')
		fi
	else
		proc="keepalived VRRP child"
		label="keepalived parent+VRRP child"
		all=$(eval "echo \${KA_PID_a:-}")
	fi
	if [ -z "$pid" ]; then
		note "$impl: no VRRP process found"
		impl_stop a
		return 1
	fi
	out=$BENCH_OUT/vrrp-cpu-$impl.json
	if lab_exec a "$PY" "$BENCH_DIR/cpu_sample.py" --impl "$impl" \
	    --proc "$proc" --pid "$pid" --all "$all" --seconds "$SECS" \
	    --instances "$N" --adv "$ADV" --all-label "$label" >"$out.tmp" && all_vips; then
		mv "$out.tmp" "$out"
		MEASURED=$((MEASURED + 1))
		"$PY" "$BENCH_DIR/summary.py" --cpu-line "$out"
	else
		note "$impl: not measured ($(cat "$out.tmp" 2>/dev/null), $(vips) VIPs)"
		rm -f "$out.tmp"
	fi
	impl_stop a
}

echo "VRRP CPU and memory: $N VRRPv$VER instances as master, advert_int $ADV s, auth $AUTH, over $SECS s"
for impl in $IMPLS; do
	if [ "$impl" = keepalived ] && ! command -v keepalived >/dev/null 2>&1; then
		note "keepalived is not installed: had only"
		continue
	fi
	measure "$impl"
done
[ "$MEASURED" -gt 0 ] || { echo "bench_vrrp_cpu: nothing measured" >&2; exit 1; }
exit 0
