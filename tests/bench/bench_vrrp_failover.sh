#!/bin/bash
# Benchmark: VRRP failover time, had against keepalived in the same run.
#
# Two nodes on the lab bridge: a (198.18.0.1, priority 150, master) and b
# (198.18.0.2, priority 100, backup), one instance with VIP 198.18.0.100,
# the same configuration file (vrrp-failover.conf.in) for had and for
# keepalived.  One run: t0 = `date +%s%N` right before
# `ip -n A link set eth0 down`; the failover time is the timestamp of the
# VIP's add event in `TZ=UTC ip -ts -o monitor address`, running in b's
# namespace since before the first run, minus t0.  Then a's link comes
# back and a preempts (bounded wait) before the next run, which starts
# after a random pause so that t0 falls anywhere in the advert period.
#
# Also measured, to separate the protocol's timer from the daemon:
#   after_advert  the VIP event minus the last advert from a that b's
#                 kernel received (vrrp_cap.py, SO_TIMESTAMPNS); minus
#                 Master_Down_Interval it is the backup's own delay
#                 beyond the RFC timer (over_mdi), independent of the
#                 phase of t0
#   split         b's first advert as master (sent, same capture) cuts
#                 over_mdi into the timer (first advert - last advert -
#                 MDI) and the VIP's way to the interface (VIP - first
#                 advert)
#   link          a's eth0 down event (ip -ts monitor link in a) minus t0:
#                 what starting `ip` costs the harness
#
# Env: BENCH_RUNS (20) runs per series; BENCH_IMPLS ("had keepalived");
# BENCH_SERIES ("2:1 3:0.01", version:advert_int); BENCH_OUT (a directory
# for the JSON results, else a temporary one).  Prints figures, not
# pass/fail; exits non-zero only if nothing could be measured.
set -u
cd "$(dirname "$0")/../.." || exit 1
LAB=hbf$$
. tests/lib.sh
. tests/lab.sh
. tests/bench/bench_lib.sh

RUNS=${BENCH_RUNS:-20}
IMPLS=${BENCH_IMPLS:-had keepalived}
SERIES=${BENCH_SERIES:-2:1 3:0.01}
VIP=198.18.0.100
A_IP=198.18.0.1
B_IP=198.18.0.2
PRIO_A=150
PRIO_B=100

case "$RUNS" in ''|*[!0-9]*|0) echo "BENCH_RUNS must be a positive number" >&2; exit 2 ;; esac
[ "$RUNS" -le 1000 ] || { echo "BENCH_RUNS at most 1000" >&2; exit 2; }
if [ "$(id -u)" != 0 ]; then
	echo "bench_vrrp_failover: cannot measure: needs root (network namespaces)" >&2
	exit 1
fi
command -v keepalived >/dev/null 2>&1 ||
    note "keepalived is not installed (scripts/setup-deps.sh): had only"

lab_init || { echo "bench_vrrp_failover: lab_init failed" >&2; exit 1; }
trap bench_cleanup EXIT
[ -n "$BENCH_OUT" ] || BENCH_OUT=$LAB_DIR/out
mkdir -p "$BENCH_OUT"
lab_node a $A_IP/24
lab_node b $B_IP/24
bench_bin || exit 1

# Master_Down_Interval in ms, RFC 3768 (v2: skew (256-p)/256 s) and RFC
# 5798 (v3: skew (256-p)*interval/256).
mdi_ms() {	# ver adv_s prio
	$PY -c 'import sys
v, a, p = int(sys.argv[1]), float(sys.argv[2]) * 1000, int(sys.argv[3])
skew = (256 - p) / 256.0 * (1000 if v == 2 else a)
print(3 * a + skew)' "$@"
}

mkconf() {	# node ver adv prio -> path
	local f=$LAB_DIR/$1/failover-v$2.conf
	sed -e "s/@NODE@/bench-$1/" -e "s/@VER@/$2/" -e "s/@ADV@/$3/" \
	    -e "s/@PRIO@/$4/" -e "s/@VIP@/$VIP/" \
	    "$BENCH_DIR/vrrp-failover.conf.in" >"$f"
	echo "$f"
}

steady() { lab_has_addr a $VIP && ! lab_has_addr b $VIP; }

MEASURED=0
series() {	# impl ver adv
	local impl=$1 ver=$2 adv=$3 tag="$1-v$2" ca cb mdi_b mdi_a lim_b lim_a
	local t0f mon lmon cap i t0 miss=0 unrestored=0 jit
	mdi_b=$(mdi_ms "$ver" "$adv" $PRIO_B)
	mdi_a=$(mdi_ms "$ver" "$adv" $PRIO_A)
	# Bounds in whole seconds: the timer plus margin.
	lim_b=$(( ${mdi_b%.*} / 1000 + 3 ))
	lim_a=$(( ${mdi_a%.*} / 1000 + 6 ))
	ca=$(mkconf a "$ver" "$adv" $PRIO_A)
	cb=$(mkconf b "$ver" "$adv" $PRIO_B)
	note "$impl VRRPv$ver advert_int $adv: $RUNS runs, Master_Down_Interval(b, priority $PRIO_B) $mdi_b ms"
	if ! impl_start a "$impl" "$ca" || ! impl_start b "$impl" "$cb"; then
		impl_stop a; impl_stop b
		return 1
	fi
	if ! wait_for "$lim_a" steady; then
		note "$impl v$ver: a never became the only master"
		impl_stop a; impl_stop b
		return 1
	fi
	t0f=$LAB_DIR/t0.$tag
	mon=$LAB_DIR/mon.$tag
	lmon=$LAB_DIR/linkmon.$tag
	cap=$LAB_DIR/cap.$tag
	: >"$t0f"
	TZ=UTC ip -n "$LAB-b" -ts -o monitor address >"$mon" 2>&1 &
	bg_add $!
	TZ=UTC ip -n "$LAB-a" -ts -o monitor link >"$lmon" 2>&1 &
	bg_add $!
	ip netns exec "$LAB-b" "$PY" "$BENCH_DIR/vrrp_cap.py" --dev eth0 \
	    --src $A_IP --src $B_IP --out "$cap" --max-seconds 900 &
	bg_add $!
	wait_for 5 grep -q ready "$cap"
	sleep 0.3
	for i in $(seq 1 "$RUNS"); do
		# A random pause of 0.3 s plus up to 1.5 advert intervals: t0
		# falls anywhere in the advert period.
		jit=$($PY -c 'import random,sys; print("%.4f" % (0.3 + random.random() * 1.5 * float(sys.argv[1])))' "$adv")
		sleep "$jit"
		if ! steady; then
			wait_for "$lim_a" steady || { note "$impl v$ver run $i: a is not the only master, series stops"; break; }
			sleep "$jit"
		fi
		t0=$(date +%s%N)
		ip -n "$LAB-a" link set eth0 down
		echo "$i $t0" >>"$t0f"
		if ! wait_for "$lim_b" lab_has_addr b $VIP; then
			miss=$((miss + 1))
			note "$impl v$ver run $i: no VIP on b within $lim_b s"
		fi
		ip -n "$LAB-a" link set eth0 up
		if ! wait_for "$lim_a" steady; then
			unrestored=$((unrestored + 1))
			note "$impl v$ver run $i: a did not preempt back within $lim_a s"
		fi
		[ $((i % 5)) = 0 ] && note "$impl v$ver: $i of $RUNS runs"
	done
	sleep 0.2
	bg_stop
	impl_stop a
	impl_stop b
	if $PY "$BENCH_DIR/failover_stats.py" --impl "$impl" --ver "$ver" \
	    --adv-ms "$($PY -c "print(float('$adv')*1000)")" --mdi-ms "$mdi_b" \
	    --prio $PRIO_B --vip $VIP --t0 "$t0f" --mon "$mon" --cap "$cap" \
	    --master-ip $A_IP --backup-ip $B_IP \
	    --link-mon "$lmon" >"$BENCH_OUT/vrrp-failover-$tag.json"; then
		MEASURED=$((MEASURED + 1))
		$PY "$BENCH_DIR/summary.py" --failover-line "$BENCH_OUT/vrrp-failover-$tag.json"
	else
		note "$impl v$ver: nothing measured"
		[ -n "${KEEP_LAB:-}" ] || { tail -5 "$LAB_DIR/a/had.log" "$LAB_DIR/a/keepalived.log" 2>/dev/null >&2; }
	fi
}

echo "VRRP failover: master a (priority $PRIO_A) link down -> VIP on backup b (priority $PRIO_B), $RUNS runs per series"
for s in $SERIES; do
	ver=${s%%:*}
	adv=${s#*:}
	for impl in $IMPLS; do
		if [ "$impl" = keepalived ] && ! command -v keepalived >/dev/null 2>&1; then
			continue
		fi
		series "$impl" "$ver" "$adv"
	done
done
[ "$MEASURED" -gt 0 ] || { echo "bench_vrrp_failover: nothing measured" >&2; exit 1; }
exit 0
