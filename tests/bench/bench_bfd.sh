#!/bin/bash
# BFD (bfdd) against FRR's bfdd in a namespace lab:
#   cpu     CPU of bfdd with BENCH_BFD_SESSIONS (100) sessions at 10 ms,
#           over BENCH_BFD_SECONDS (10) once all are Up, and of FRR's
#           bfdd (the other end of the same sessions) beside it
#   detect  a 10 ms x 3 session: time from FRR's packets dropped (an
#           nftables rule in f, added by bfd_failover.py through
#           libnftables) to bfdd's own time of the session Down
#           (show bfd -j last_change_us), BENCH_BFD_RUNS runs (20)
#   vip     nodes a and b, VRRP advert_int 1, both tracking a 10 ms x 3
#           session to FRR (track_bfd): FRR's packets to the master
#           dropped, time to the VIP added on the other (RTM_NEWADDR in
#           its namespace), BENCH_BFD_RUNS runs, had then keepalived
#           (bfd_instance + track_bfd) in the same lab; a table of
#           p50/p99 and the ratio had/keepalived
# BENCH_BFD_PARTS ("cpu detect vip") chooses among them.
# Prints figures; not pass/fail.  Needs frr and nftables (and keepalived
# built with BFD for its line).
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. tests/lab.sh
: "${BUILD:=build}"
RUNS=${BENCH_BFD_RUNS:-20}
NSESS=${BENCH_BFD_SESSIONS:-100}
SECS=${BENCH_BFD_SECONDS:-10}
FRR_BFDD=/usr/lib/frr/bfdd
for c in "$FRR_BFDD" vtysh nft; do
	command -v "$c" >/dev/null 2>&1 ||
	    { echo "bench_bfd: $c missing (scripts/setup-deps.sh)" >&2; exit 1; }
done
[ "$NSESS" -ge 1 ] && [ "$NSESS" -le 250 ] ||
    { echo "bench_bfd: BENCH_BFD_SESSIONS 1..250" >&2; exit 1; }

lab_init || exit 1
lab_node a 198.18.0.1/24
lab_node b 198.18.0.2/24
lab_node f 198.18.0.3/24
VIP=198.18.0.100
# One address per session on each side: had's neighbours must differ,
# and so must FRR's peers.
i=1
while [ $i -le "$NSESS" ]; do
	ip -n "$LAB-f" addr add "198.18.1.$i/24" dev eth0
	ip -n "$LAB-a" addr add "198.18.2.$i/24" dev eth0
	i=$((i + 1))
done
ip -n "$LAB-a" route add 198.18.1.0/24 dev eth0
ip -n "$LAB-f" route add 198.18.2.0/24 dev eth0
FD=$LAB_DIR/frr
mkdir -p "$FD"
frr_peer() {	# peer local
	printf ' peer %s local-address %s\n' "$1" "$2"
	printf '  receive-interval 10\n  transmit-interval 10\n'
	printf '  detect-multiplier 3\n !\n'
}
{
	echo "bfd"
	i=1
	while [ $i -le "$NSESS" ]; do
		frr_peer "198.18.2.$i" "198.18.1.$i"
		i=$((i + 1))
	done
	frr_peer 198.18.0.1 198.18.0.3
	frr_peer 198.18.0.2 198.18.0.3
	echo "!"
} >"$FD/bfdd.conf"
chown -R frr:frr "$FD" 2>/dev/null
lab_spawn f "$FRR_BFDD" -f "$FD/bfdd.conf" -i "$FD/bfdd.pid" \
    -z "$FD/zserv.api" --vty_socket "$FD" -u frr -g frr \
    --log "file:$FD/bfdd.log" >>"$FD/out.log" 2>&1
FRR_PID=$LAB_SPAWNED
{
	i=1
	while [ $i -le "$NSESS" ]; do
		printf 'bfd_instance S%d {\n\tneighbor_ip 198.18.1.%d\n' $i $i
		printf '\tsource_ip 198.18.2.%d\n\tmin_rx 10\n\tmin_tx 10\n' $i
		printf '\tmultiplier 3\n}\n'
		i=$((i + 1))
	done
} >"$LAB_DIR/a.conf"
lab_start_had a "$LAB_DIR/a.conf" || { echo "bench_bfd: had did not start" >&2; exit 1; }

nup() {
	lab_hactl a show bfd -j 2>/dev/null | python3 -c 'import json,sys
print(sum(1 for s in json.load(sys.stdin)["items"] if s.get("state") == "Up"))' 2>/dev/null
}
allup() { [ "$(nup)" = "$NSESS" ]; }
if ! wait_for 30 allup; then
	echo "bench_bfd: only $(nup) of $NSESS sessions Up after 30 s" >&2
	exit 1
fi
has_part() {
	case " ${BENCH_BFD_PARTS:-cpu detect vip} " in
	*" $1 "*) return 0 ;;
	esac
	return 1
}
sleep 2
has_part cpu || SECS=0
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# Packets sent and received by had, all sessions.
npkts() {
	lab_hactl a show bfd -j 2>/dev/null | python3 -c 'import json,sys
print(sum(s.get("sent", 0) + s.get("received", 0) for s in json.load(sys.stdin)["items"]))'
}
if [ "$SECS" != 0 ]; then
	BP=$(lab_child_pid a bfdd)
	PERF=""
	if command -v perf >/dev/null 2>&1; then
		perf stat -x, -e raw_syscalls:sys_enter -p "$BP" \
		    -o "$LAB_DIR/perf.csv" -- sleep "$SECS" &
		PERF=$!
	fi
	p0=$(npkts)
	t0=$(cpu_ticks "$BP")
	f0=$(cpu_ticks "$FRR_PID")
	sleep "$SECS"
	t1=$(cpu_ticks "$BP")
	f1=$(cpu_ticks "$FRR_PID")
	p1=$(npkts)
	[ -n "$PERF" ] && wait "$PERF"
	nsys=$(awk -F, '/sys_enter/ {print $1}' "$LAB_DIR/perf.csv" 2>/dev/null)
	python3 - "$t0" "$t1" "$f0" "$f1" "$p0" "$p1" "$(getconf CLK_TCK)" \
	    "$SECS" "$NSESS" "${nsys:-}" "$(nup)" <<'PY'
import sys
t0, t1, f0, f1, p0, p1, hz, secs, n = map(int, sys.argv[1:10])
nsys, up = sys.argv[10], sys.argv[11]
pk = max(p1 - p0, 1)
cpu = (t1 - t0) / float(hz)
print("bfd cpu: %d sessions at 10 ms x 3 over %d s: had's bfdd %.1f %% of a "
      "CPU, %.1f us per packet (%d packets/s sent+received%s); FRR's bfdd "
      "(the other end) %.1f %%; %s Up at the end" %
      (n, secs, 100 * cpu / secs, 1e6 * cpu / pk, pk / secs,
       ", %.2f syscalls per packet" % (int(nsys) / float(pk))
       if nsys.isdigit() else "",
       100.0 * (f1 - f0) / hz / secs, up))
PY
fi

export LAB_DIR FRR_VTY=$FD
# The figures as JSON: in BENCH_OUT (make bench) or the lab's directory.
OUT=${BENCH_OUT:-$LAB_DIR}/bfd
mkdir -p "$OUT" && OUT=$(cd "$OUT" && pwd) && rm -f "$OUT"/*.json
FO="python3 $PWD/tests/bench/bfd_failover.py"
has_part detect && lab_exec f $FO detect "$LAB" "$PWD/$BUILD/hactl" "$LAB_DIR/a/had.sock" S1 \
    "$RUNS" "$OUT/detect.json"
lab_stop_had a
has_part vip || exit 0

# ------------------------------------------------ failover to the VIP
# Equal priorities: the node back from FAULT stays BACKUP, and the next
# run fails the other; 254, so the backup's skew time after the master's
# priority 0 is 8 ms.
vconf() {	# address
	cat <<EOF
bfd_instance F {
	neighbor_ip 198.18.0.3
	source_ip $1
	min_rx 10
	min_tx 10
	multiplier 3
}
vrrp_instance VI {
	interface eth0
	virtual_router_id 51
	priority 254
	advert_int 1
	virtual_ipaddress {
		$VIP/24
	}
	track_bfd {
		F
	}
}
EOF
}
vconf 198.18.0.1 >"$LAB_DIR/va.conf"
vconf 198.18.0.2 >"$LAB_DIR/vb.conf"
vip_one() { lab_has_addr a $VIP || lab_has_addr b $VIP; }
bfd_up2() {
	for n in a b; do
		lab_hactl $n show bfd F -j 2>/dev/null |
		    grep -q '"state": "Up"' || return 1
	done
}
lab_start_had a "$LAB_DIR/va.conf" &&
    lab_start_had b "$LAB_DIR/vb.conf" &&
    wait_for 30 bfd_up2 && wait_for 10 vip_one && sleep 1 &&
    lab_exec f $FO vip "$LAB" had "$RUNS" $VIP "$OUT/had.json" \
	a=198.18.0.1 b=198.18.0.2 "$PWD/$BUILD/hactl" F ||
    echo "bench_bfd: had's failover not measured" >&2
lab_stop_had a
lab_stop_had b

if keepalived --version 2>&1 | grep -q '^Config options:.* BFD'; then
	for n in a b; do
		K=$LAB_DIR/$n
		lab_spawn $n keepalived -n -l -D -f "$LAB_DIR/v$n.conf" \
		    -p "$K/k.pid" -r "$K/v.pid" -c "$K/c.pid" -b "$K/b.pid" \
		    >"$K/keepalived.log" 2>&1
	done
	ka_up2() {
		for n in a b; do
			grep -q 'instance F is in state Up' \
			    "$LAB_DIR/$n/keepalived.log" || return 1
		done
	}
	wait_for 30 ka_up2 && wait_for 10 vip_one && sleep 1 &&
	    lab_exec f $FO vip "$LAB" keepalived "$RUNS" $VIP \
		"$OUT/keepalived.json" a=198.18.0.1 b=198.18.0.2 ||
	    echo "bench_bfd: keepalived's failover not measured" >&2
	for n in a b; do
		kill_pid TERM "$(cat "$LAB_DIR/$n/k.pid" 2>/dev/null)"
	done
else
	echo "bench_bfd: keepalived missing or built without BFD" >&2
fi
python3 tests/bench/bfd_failover.py table "$OUT/had.json" \
    "$OUT/keepalived.json"
