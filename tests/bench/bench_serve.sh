#!/bin/bash
# hactl serve under 200 scrapes a second of /metrics, for BENCH_VS (1000)
# virtual servers x BENCH_RS (20) real servers (no IPVS on the host: the
# rows are had's, the kernel's columns empty), for BENCH_SERVE_SECONDS
# (15): scrape latency p50/p99 and the CPU of had, its children and
# hactl serve, as a percentage of one core.  BENCH_SERVE_RATE (200) over
# BENCH_SERVE_CONNS (8) keep-alive connections asking for gzip, as
# Prometheus does; then the same without gzip, and the floor: the same
# gzipped bytes handed out by tests/bench/http_floor.c (no cache, no
# parsing: the kernel's copying).  keepalived has no HTTP endpoint to
# put beside it.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
. tests/lab.sh
VS=${BENCH_VS:-1000}
RS=${BENCH_RS:-20}
SECS=${BENCH_SERVE_SECONDS:-15}
RATE=${BENCH_SERVE_RATE:-200}
PORT=9180

lab_init
lab_node a 198.18.0.1/16
python3 - "$VS" "$RS" >"$LAB_DIR/big.conf" <<'PY'
import sys
vs, rs = int(sys.argv[1]), int(sys.argv[2])
print("vrrp_instance VI_B {\n\tstate BACKUP\n\tinterface eth0\n"
      "\tvirtual_router_id 90\n\tpriority 100\n\tadvert_int 1\n"
      "\tvirtual_ipaddress {\n\t\t198.18.0.90/16\n\t}\n}")
for v in range(vs):
    print("virtual_server 198.19.%d.%d 80 {\n\tlb_algo wrr\n\tlb_kind NAT"
          % (v // 250, v % 250 + 1))
    for r in range(rs):
        n = v * rs + r
        print("\treal_server 198.18.%d.%d 8080 {\n\t\tweight %d\n\t}"
              % (n // 250 + 1, n % 250 + 1, r % 5 + 1))
    print("}")
PY
echo "bench serve: $VS virtual servers x $RS real servers, $RATE scrapes/s of /metrics for $SECS s"
lab_start_had a "$LAB_DIR/big.conf" || { echo "bench serve: had did not start"; exit 1; }
ip netns exec "$LAB-a" "$BUILD/hactl" -s "$LAB_DIR/a/had.sock" serve \
    -l 127.0.0.1:$PORT -d hactl/www >"$LAB_DIR/serve.log" 2>&1 &
SPID=$!
lab_track_pid $SPID
get() { ip netns exec "$LAB-a" curl -sf --max-time 30 "http://127.0.0.1:$PORT$1"; }
wait_for 60 sh -c "ip netns exec $LAB-a curl -sf --max-time 30 http://127.0.0.1:$PORT/metrics | grep -c '^had_lvs_real_server_weight{' | grep -qx $((VS * RS))" ||
    { echo "bench serve: /metrics never had the $((VS * RS)) real servers"; exit 1; }
pids="had:$(lab_had_pid a),vrrpd:$(lab_child_pid a vrrpd),lvsd:$(lab_child_pid a lvsd),checkd:$(lab_child_pid a checkd),serve:$SPID"
CONNS=${BENCH_SERVE_CONNS:-8}
load() {	# label port path pids conns [gzip]
	local label=$1 out
	shift
	out=$(ip netns exec "$LAB-a" python3 tests/bench/serve_load.py \
	    127.0.0.1 "$1" "$2" "$RATE" "$SECS" "$3" "$4" ${5:-})
	python3 - "$label" "$out" <<'PY'
import json, sys
d = json.loads(sys.argv[2])
print("  %-22s %.0f scrapes/s (%d, %d errors), %d bytes each; latency p50 %.1f ms, p99 %.1f ms, max %.1f ms"
      % (sys.argv[1], d["rate"], d["scrapes"], d["errors"], d["bytes"], d["p50_ms"] or 0, d["p99_ms"] or 0, d["max_ms"] or 0))
print("  %-22s CPU %% of one core: %s; all %.1f%%" % ("", ", ".join(
    "%s %.1f" % kv for kv in d["cpu_pct"].items()), d["cpu_total_pct"]))
PY
	[ -n "${BENCH_OUT:-}" ] && mkdir -p "$BENCH_OUT" &&
	    echo "$out" >"$BENCH_OUT/serve-$(echo "$label" | tr -c 'a-z0-9\n' -).json"
	LAST=$out
}
cpu() {	# json names...: the sum of their CPU %
	python3 -c 'import json,sys; d=json.loads(sys.argv[1])["cpu_pct"]; print("%.1f" % sum(d.get(n, 0) for n in sys.argv[2:]))' "$@"
}
load "/metrics gzip" $PORT /metrics "$pids" "$CONNS" gzip
served=$LAST
load "/metrics plain" $PORT /metrics "$pids" "$CONNS"
load "/api/v1/lvs gzip" $PORT /api/v1/lvs "$pids" "$CONNS" gzip

# The floor: the gzipped scrape from memory, same load.
ip netns exec "$LAB-a" curl -s --max-time 30 -H 'Accept-Encoding: gzip' \
    -o "$LAB_DIR/metrics.gz" "http://127.0.0.1:$PORT/metrics"
if cc -O2 -o "$LAB_DIR/http_floor" tests/bench/http_floor.c 2>"$LAB_DIR/floor.cc"; then
	ip netns exec "$LAB-a" "$LAB_DIR/http_floor" -l 127.0.0.1 \
	    -p $((PORT + 1)) -f "$LAB_DIR/metrics.gz" -e gzip \
	    -t $((SECS + 10)) &
	FPID=$!
	lab_track_pid $FPID
	wait_for 5 ip netns exec "$LAB-a" curl -sf -o /dev/null \
	    "http://127.0.0.1:$((PORT + 1))/metrics"
	load "/metrics gzip, floor" $((PORT + 1)) /metrics "floor:$FPID" \
	    "$CONNS" gzip
	floor=$(cpu "$LAST" floor)
	had=$(cpu "$served" had vrrpd lvsd checkd)
	serve=$(cpu "$served" serve)
	python3 - "$had" "$serve" "$floor" <<'PY'
import sys
had, serve, floor = map(float, sys.argv[1:])
print("  /metrics gzip: had and its children %.1f%% of a core (aim < 5%%), "
      "hactl serve %.1f%%, the floor %.1f%%: serve/floor %s"
      % (had, serve, floor, "%.2f" % (serve / floor) if floor > 0 else "n/a"))
PY
else
	echo "  floor: not measured: http_floor.c did not build ($(head -1 "$LAB_DIR/floor.cc"))"
fi
