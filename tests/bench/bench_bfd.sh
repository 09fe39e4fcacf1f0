#!/bin/bash
# BFD (bfdd) against FRR's bfdd in a namespace lab:
#   detect  a 10 ms x 3 session: time from FRR's packets dropped (nft in
#           f) to had's session Down, BENCH_BFD_RUNS runs (20), p50/p99;
#           measured by polling hactl show bfd -j in a loop (a poll costs
#           a few ms: the figure is an upper bound of that resolution)
#   cpu     CPU of bfdd with BENCH_BFD_SESSIONS (100) sessions at 10 ms,
#           over BENCH_BFD_SECONDS (10), once all are Up
# Prints figures; not pass/fail.  Needs frr and nftables.
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
lab_node f 198.18.0.3/24
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
{
	echo "bfd"
	i=1
	while [ $i -le "$NSESS" ]; do
		printf ' peer 198.18.2.%d local-address 198.18.1.%d\n' $i $i
		printf '  receive-interval 10\n  transmit-interval 10\n'
		printf '  detect-multiplier 3\n !\n'
		i=$((i + 1))
	done
	echo "!"
} >"$FD/bfdd.conf"
chown -R frr:frr "$FD" 2>/dev/null
lab_exec f "$FRR_BFDD" -f "$FD/bfdd.conf" -i "$FD/bfdd.pid" \
    -z "$FD/zserv.api" --vty_socket "$FD" -u frr -g frr \
    --log "file:$FD/bfdd.log" >>"$FD/out.log" 2>&1 &
lab_track_pid $!
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
sleep 2
BP=$(lab_child_pid a bfdd)
t0=$(awk '{print $14 + $15}' "/proc/$BP/stat")
sleep "$SECS"
t1=$(awk '{print $14 + $15}' "/proc/$BP/stat")
hz=$(getconf CLK_TCK)
echo "bfd cpu: bfdd with $NSESS sessions at 10 ms x 3 (FRR peer): $(python3 -c "print('%.1f' % (100.0 * ($t1 - $t0) / $hz / $SECS))") % of a CPU over $SECS s, $(nup) Up at the end"

# Detection of session S1, RUNS times.
python3 - "$BUILD/hactl" "$LAB_DIR/a/had.sock" "$LAB" "$RUNS" <<'PY'
import json, subprocess, sys, time
hactl, sock, lab, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
def state():
    r = subprocess.run([hactl, "-s", sock, "show", "bfd", "S1", "-j"],
        capture_output=True)
    try:
        return [s for s in json.loads(r.stdout)["items"]
                if s.get("name") == "S1"][0]["state"]
    except (ValueError, IndexError, KeyError):
        return None
def nft(rules):
    subprocess.run(["ip", "netns", "exec", lab + "-f", "nft", "-f", "-"],
        input=rules.encode(), check=True)
got = []
for run in range(runs):
    t = time.monotonic()
    while state() != "Up" and time.monotonic() - t < 10:
        time.sleep(0.05)
    time.sleep(0.3)
    nft("table inet bfdb {\n chain out {\n type filter hook output "
        "priority 0;\n ip saddr 198.18.1.1 udp dport 3784 drop\n }\n}\n")
    t0 = time.monotonic()
    while state() != "Down" and time.monotonic() - t0 < 5:
        pass
    got.append((time.monotonic() - t0) * 1000)
    nft("delete table inet bfdb\n")
got.sort()
def pct(p):
    return got[min(len(got) - 1, int(round(p / 100.0 * (len(got) - 1))))]
print("bfd detect: 10 ms x 3 (detect time 30 ms), %d runs: p50 %.1f ms, "
      "p99 %.1f ms, min %.1f, max %.1f (polling hactl, a poll ~%s)" %
      (len(got), pct(50), pct(99), got[0], got[-1], "2-5 ms"))
PY
