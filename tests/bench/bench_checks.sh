#!/bin/bash
# Health-check benchmark (issue 5), prints figures, not pass/fail:
#
#   tcp   BENCH_TCP_CHECKS (10000) TCP_CHECKs at delay_loop 1 against
#         loopback listeners (one python3 process, 1000 listening sockets
#         on 20 addresses of 198.18.1.0/24 x 50 ports) in a namespace
#   http  BENCH_HTTP_CHECKS (2000) HTTP_GETs at delay_loop 1 against nginx
#         (200 listening sockets on 10 addresses x 20 ports)
#
# For each, and for had's checkd and keepalived's checker (keepalived
# --check) on the same config in the same run:
#   CPU    utime+stime of the checker process from /proc/PID/stat over
#          BENCH_CPU_SECONDS (20), in % of one core; RSS and its peak,
#          and RSS of all the daemon's processes (had's children too)
#   rate   connections the targets saw per second over that window
#   spread SYNs to the targets captured with tshark on lo for
#          BENCH_SPREAD_SECONDS (4), counted per 10 ms bucket of the
#          second: mean, min, max and the coefficient of variation (0 is
#          a perfectly even spread), and the busiest single millisecond
#
# For tcp, had is measured a second time with the targets' receive side
# steered to the other core (RPS on the namespace's lo; BENCH_RPS=0 to
# skip): over loopback their half of each handshake runs inside the
# checker's system calls and counts as its CPU.
#
# For tcp, the floor: tests/bench/tcp_floor.c, the same probes with
# nothing but their system calls, measured the same two ways; had/floor
# is checkd's own cost over the kernel's unavoidable one.
#
# keepalived's checker cannot start virtual servers without IPVS in the
# kernel: where it refuses to run, the script says so and why.
#
# Env: BENCH_TCP_CHECKS, BENCH_HTTP_CHECKS, BENCH_CPU_SECONDS,
# BENCH_SETTLE (6), BENCH_SPREAD_SECONDS, BENCH_IMPLS ("had keepalived
# floor"),
# BENCH_SCENARIOS ("tcp http"), BENCH_OUT (results as JSON, optional).
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
: "${BUILD:=build}"

TCP_N=${BENCH_TCP_CHECKS:-10000}
HTTP_N=${BENCH_HTTP_CHECKS:-2000}
SECS=${BENCH_CPU_SECONDS:-20}
SETTLE=${BENCH_SETTLE:-6}
SPREAD=${BENCH_SPREAD_SECONDS:-4}
IMPLS=${BENCH_IMPLS:-had keepalived floor}
SCENARIOS=${BENCH_SCENARIOS:-tcp http}
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3

note() { echo "bench: $*" >&2; }

if [ "$(id -u)" != 0 ]; then
	echo "bench_checks: cannot measure: needs root (network namespaces)" >&2
	exit 1
fi
for p in had checkd hactl; do
	[ -x "$BUILD/$p" ] || { echo "bench_checks: $BUILD/$p is not built (make)" >&2; exit 1; }
done
HAVE_TSHARK=1
command -v tshark >/dev/null 2>&1 || HAVE_TSHARK=
HAVE_NGINX=1
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || HAVE_NGINX=
HAVE_KA=1
command -v keepalived >/dev/null 2>&1 || HAVE_KA=

T=$(mktemp -d /tmp/had-bench-checks.XXXXXX)
chmod 755 "$T"
NS=hadb-chk-$$
PIDS=""
track() { PIDS="$PIDS $1"; }

stop_pid() {	# pid: one process we started
	[ -n "$1" ] || return 0
	kill_pid TERM "$1" 2>/dev/null
	wait_for 5 pid_gone "$1" || kill_pid KILL "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}
cleanup() {
	local p
	for p in $PIDS; do stop_pid "$p"; done
	ip netns del "$NS" 2>/dev/null
	if [ -n "${KEEP_LAB:-}" ]; then echo "files kept in $T" >&2; else rm -rf "$T"; fi
}
trap cleanup EXIT
nsx() { ip netns exec "$NS" "$@"; }

# Copy the programs: a rebuild during the run changes nothing.
mkdir -p "$T/bin"
for p in had vrrpd lvsd checkd bfdd hactl; do cp "$BUILD/$p" "$T/bin/$p"; done
BIN=$T/bin

ulimit -n 65536 2>/dev/null || ulimit -n 16384 2>/dev/null
ip netns add "$NS" || { echo "bench_checks: ip netns add failed" >&2; exit 1; }
ip -n "$NS" link set lo up
for i in $(seq 1 20); do ip -n "$NS" addr add "198.18.1.$i/32" dev lo; done
for i in $(seq 1 10); do ip -n "$NS" addr add "198.18.2.$i/32" dev lo; done
nsx sysctl -qw net.core.somaxconn=8192
nsx sysctl -qw net.ipv4.tcp_max_syn_backlog=8192
nsx sysctl -qw net.ipv4.ip_local_port_range="10000 60999" 2>/dev/null
nsx sysctl -qw net.ipv4.tcp_tw_reuse=1 2>/dev/null

# --- the targets -----------------------------------------------------
cat >"$T/listen.py" <<'PYEOF'
# Accept and close at once on every (address, port); write the number of
# connections accepted so far to a file every 0.2 s.
import os, selectors, socket, sys, time
addrs, ports, out = sys.argv[1].split(","), sys.argv[2].split("-"), sys.argv[3]
sel = selectors.DefaultSelector()
for a in addrs:
    for p in range(int(ports[0]), int(ports[1]) + 1):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((a, p))
        s.listen(4096)
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ)
n, last = 0, 0.0
with open(out + ".tmp", "w") as fh:
    fh.write("0\n")
os.rename(out + ".tmp", out)
while True:
    for key, _ in sel.select(0.2):
        while True:
            try:
                c, _ = key.fileobj.accept()
            except (BlockingIOError, InterruptedError):
                break
            except OSError:
                break
            c.close()
            n += 1
    now = time.monotonic()
    if now - last >= 0.2:
        last = now
        with open(out + ".tmp", "w") as fh:
            fh.write("%d\n" % n)
        os.rename(out + ".tmp", out)
PYEOF
TCP_ADDRS=$(seq -s, -f '198.18.1.%g' 1 20)
ip netns exec "$NS" $PY "$T/listen.py" "$TCP_ADDRS" 20000-20049 "$T/accepts" >"$T/listen.log" 2>&1 &
track $!
wait_for 10 test -s "$T/accepts" || { echo "bench_checks: the listeners did not start" >&2; cat "$T/listen.log" >&2; exit 1; }

if [ -n "$HAVE_NGINX" ]; then
	mkdir -p "$T/ngx"
	{
		echo "daemon off; master_process off; worker_rlimit_nofile 65536;"
		echo "pid $T/nginx.pid; error_log $T/nginx.err crit;"
		echo "events { worker_connections 16384; }"
		echo "http { access_log off;"
		echo " client_body_temp_path $T/ngx/b; proxy_temp_path $T/ngx/p;"
		echo " fastcgi_temp_path $T/ngx/f; uwsgi_temp_path $T/ngx/u; scgi_temp_path $T/ngx/s;"
		echo " server {"
		for i in $(seq 1 10); do for p in $(seq 8000 8019); do
			echo "  listen 198.18.2.$i:$p backlog=4096;"
		done; done
		echo "  location = /health { return 200 \"ok\\n\"; } } }"
	} >"$T/nginx.conf"
	ip netns exec "$NS" nginx -c "$T/nginx.conf" -p "$T" >"$T/nginx.out" 2>&1 &
	track $!
	nsx_listening() { nsx ss -Hltn "src 198.18.2.10:8019" | grep -q LISTEN; }
	wait_for 10 nsx_listening || { note "nginx did not start"; HAVE_NGINX=; }
fi

# --- configs -----------------------------------------------------------
mkconf() {	# kind count file
	$PY - "$1" "$2" >"$3" <<'PYEOF'
import sys
kind, n = sys.argv[1], int(sys.argv[2])
if kind == "tcp":
    rss = [("198.18.1.%d" % a, p) for a in range(1, 21) for p in range(20000, 20050)]
    vsaddr = "198.18.0.1"
    chk = "TCP_CHECK {\n\t\t\tconnect_timeout 3\n\t\t\tretry 1\n\t\t}"
else:
    rss = [("198.18.2.%d" % a, p) for a in range(1, 11) for p in range(8000, 8020)]
    vsaddr = "198.18.0.2"
    chk = ("HTTP_GET {\n\t\t\turl {\n\t\t\t\tpath /health\n\t\t\t\t"
           "status_code 200\n\t\t\t}\n\t\t\tconnect_timeout 3\n\t\t\tretry 1\n\t\t}")
print("global_defs {\n\trouter_id bench-checks\n}")
vs, left = 0, n
while left > 0:
    k = min(left, len(rss))
    print("virtual_server %s %d {\n\tdelay_loop 1\n\tlb_algo rr\n\tlb_kind NAT\n\tprotocol TCP"
          % (vsaddr, 80 + vs))
    for a, p in rss[:k]:
        print("\treal_server %s %d {\n\t\t%s\n\t}" % (a, p, chk))
    print("}")
    vs += 1
    left -= k
PYEOF
}

# --- measuring -----------------------------------------------------------
cat >"$T/sample.py" <<'PYEOF'
# sample.py PID SECONDS ACCEPTS_FILE [PIDS]: CPU of PID (utime+stime, %
# of one core) over the window, VmRSS and VmHWM at the end, and the
# targets' accepted connections per second (from the listener's counter
# file, or "-" for nginx, counted from the capture instead); with PIDS
# (a,b,...: every process of the daemon), VmRSS of each and their sum.
import json, os, sys, time
pid, secs, acc = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
allp = list(dict.fromkeys(int(p) for p in sys.argv[4].split(",") if p)) if len(sys.argv) > 4 else []
HZ = os.sysconf("SC_CLK_TCK")
def ticks():
    s = open("/proc/%d/stat" % pid).read()
    f = s[s.rindex(")") + 2:].split()
    return int(f[11]) + int(f[12])
def runns():
    t = 0
    for tid in os.listdir("/proc/%d/task" % pid):
        try:
            t += int(open("/proc/%d/task/%s/schedstat" % (pid, tid)).read().split()[0])
        except (OSError, ValueError, IndexError):
            pass
    return t
def status(k):
    for line in open("/proc/%d/status" % pid):
        if line.startswith(k + ":"):
            return int(line.split()[1])
    return 0
def accepts():
    try:
        return int(open(acc).read())
    except (OSError, ValueError):
        return None
t0, c0, r0, a0 = time.monotonic(), ticks(), runns(), accepts()
time.sleep(secs)
t1, c1, r1, a1 = time.monotonic(), ticks(), runns(), accepts()
wall = t1 - t0
out = {"seconds": round(wall, 2),
       "cpu_pct": round(100.0 * (c1 - c0) / HZ / wall, 2),
       "cpu_pct_schedstat": round(100.0 * (r1 - r0) / 1e9 / wall, 2),
       "rss_kb": status("VmRSS"), "hwm_kb": status("VmHWM")}
if a0 is not None and a1 is not None:
    out["conn_per_s"] = round((a1 - a0) / wall, 1)
if allp:
    by = []
    for p in allp:
        try:
            st = dict(l.split(":", 1) for l in open("/proc/%d/status" % p) if ":" in l)
            by.append((st["Name"].strip(), int(st["VmRSS"].split()[0])))
        except (OSError, KeyError, ValueError):
            pass
    out["all_rss_kb"] = sum(k for _, k in by)
    out["rss_by_proc"] = ",".join("%s:%d" % x for x in by)
print(json.dumps(out))
PYEOF

cat >"$T/spread.py" <<'PYEOF'
# spread.py FILE: SYN timestamps (one per line, epoch seconds) -> the
# spread of check starts across the second, in 10 ms buckets.
import json, statistics, sys
ts = sorted(float(l) for l in open(sys.argv[1]) if l.strip())
if len(ts) < 2:
    print(json.dumps({"syns": len(ts)}))
    sys.exit(0)
span = ts[-1] - ts[0]
# Whole seconds only, so that every bucket of the second is seen equally.
whole = int(span)
ts = [t for t in ts if t < ts[0] + whole] if whole >= 1 else ts
b = [0] * 100
for t in ts:
    b[int((t % 1.0) * 100) % 100] += 1
mean = statistics.mean(b)
cv = statistics.pstdev(b) / mean if mean else 0
ms = {}
for t in ts:
    k = int(t * 1000)
    ms[k] = ms.get(k, 0) + 1
print(json.dumps({"syns": len(ts), "seconds": whole,
    "syn_per_s": round(len(ts) / whole, 1) if whole else None,
    "bucket_mean": round(mean, 1), "bucket_min": min(b), "bucket_max": max(b),
    "cv": round(cv, 3), "peak_1ms": max(ms.values())}))
PYEOF

capture() {	# kind out-file: SYNs to the targets' ports for SPREAD s
	local ports
	if [ "$1" = tcp ]; then ports="portrange 20000-20049"; else ports="portrange 8000-8019"; fi
	nsx tshark -i lo -n -q -s 96 -B 64 \
	    -f "tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn and dst $ports" \
	    -a "duration:$SPREAD" -w "$T/cap.pcap" >"$T/tshark.log" 2>&1
	tshark -r "$T/cap.pcap" -n -T fields -e frame.time_epoch 2>/dev/null >"$2"
}

RESULTS=$T/results.txt
: >"$RESULTS"
record() {	# scenario impl json-or-text
	echo "$1|$2|$3" >>"$RESULTS"
}

run_had() {	# scenario conf count
	local pid cpid all log=$T/had-$1.log
	ip netns exec "$NS" "$BIN/had" -d -X "$BIN" -f "$2" -s "$T/had.sock" -p "$T/had.pid" \
	    -C "$T/empty" >"$log" 2>&1 &
	pid=$!
	track "$pid"
	cpid=
	for _ in $(seq 1 100); do
		"$BIN/hactl" -s "$T/had.sock" show procs -j >"$T/procs.json" 2>/dev/null &&
		    cpid=$(json_get "$T/procs.json" "[r['pid'] for r in d if r['name']=='checkd' and r.get('running')][0]" 2>/dev/null) &&
		    [ -n "$cpid" ] && [ "$cpid" != 0 ] && break
		cpid=
		sleep 0.1
	done
	if [ -z "$cpid" ]; then
		record "$1" had "not measured: checkd did not start ($(tail -1 "$log"))"
		stop_pid "$pid"
		return
	fi
	# had -d logs verbosely: a line per check result.  Not in production.
	"$BIN/hactl" -s "$T/had.sock" log brief >/dev/null 2>&1
	note "$1: had's checkd (pid $cpid) with $3 checks; settling ${SETTLE} s"
	sleep "$SETTLE"
	note "$1: had: sampling ${SECS} s"
	all=$pid,$(json_get "$T/procs.json" "','.join(str(r['pid']) for r in d if r.get('running'))" 2>/dev/null)
	s=$(nsx $PY "$T/sample.py" "$cpid" "$SECS" "$(acc_file "$1")" "$all")
	sp='{}'
	if [ -n "$HAVE_TSHARK" ]; then
		capture "$1" "$T/syn-$1-had.txt"
		sp=$($PY "$T/spread.py" "$T/syn-$1-had.txt")
	fi
	# How many checks pass: show checks, one row per check.
	"$BIN/hactl" -s "$T/had.sock" show checks -j >"$T/checks.json" 2>/dev/null
	up=$(json_get "$T/checks.json" "sum(1 for r in d if r['state'] == 'up')" 2>/dev/null)
	why=$(json_get "$T/checks.json" "([r['reason'] for r in d if r['state'] != 'up'] + [''])[0]" 2>/dev/null | tr -d '"\\|')
	record "$1" had "{\"cpu\": $s, \"spread\": $sp, \"checks_up\": \"${up:-?}\", \"down_reason\": \"${why}\", \"checks\": $3}"
	[ "$1" = tcp ] && [ "${BENCH_RPS:-1}" = 1 ] && sample_rps "$1" "$cpid" "$3"
	stop_pid "$pid"
	# checkd goes when had's socket closes.
	wait_for 5 pid_gone "$cpid" || kill_pid KILL "$cpid" 2>/dev/null
}

# Over loopback the targets' half of every handshake and teardown runs
# in the checker's own system calls and is counted as its CPU.  Measured
# again with the receive side steered to the other core (RPS on the
# namespace's lo, checker pinned to core 0, targets to core 1), as it is
# with real servers on other machines: what the checker itself costs.
sample_rps() {	# scenario checker-pid count [name]
	local s p rps=/sys/class/net/lo/queues/rx-0/rps_cpus name=${4:-had-rps}
	if [ "$(nproc)" -lt 2 ] || ! nsx sh -c "echo 2 > $rps" 2>/dev/null; then
		record "$1" "$name" "not measured: needs 2 cores and RPS on lo"
		return
	fi
	taskset -pc 0 "$2" >/dev/null 2>&1
	for p in $(ip netns pids "$NS"); do
		[ "$p" = "$2" ] || taskset -pc 1 "$p" >/dev/null 2>&1
	done
	note "$1: ${name%-rps}, receive side on the other core: settling 3 s, sampling ${SECS} s"
	sleep 3
	s=$(nsx $PY "$T/sample.py" "$2" "$SECS" "$(acc_file "$1")")
	nsx sh -c "echo 0 > $rps" 2>/dev/null
	record "$1" "$name" "{\"cpu\": $s, \"checks\": $3}"
	# Back to any core for whatever runs next.
	for p in $(ip netns pids "$NS"); do
		taskset -pc 0-$(($(nproc) - 1)) "$p" >/dev/null 2>&1
	done
}

# The floor: tests/bench/tcp_floor.c probes the same targets at the same
# rate with nothing but the system calls (see there).  What it spends is
# the kernel's part of 10,000 handshakes and resets a second, which no
# checker can avoid; had/floor is what checkd adds to it.
run_floor() {	# scenario count
	local pid secs
	if ! cc -O2 -o "$T/tcp_floor" tests/bench/tcp_floor.c 2>"$T/floor.cc"; then
		record "$1" floor "not measured: tcp_floor.c did not build ($(head -1 "$T/floor.cc"))"
		return
	fi
	secs=$((SETTLE + 2 * SECS + 20))
	ip netns exec "$NS" "$T/tcp_floor" -n "$2" -t "$secs" -a "$TCP_ADDRS" \
	    -p 20000-20049 >"$T/floor.out" 2>&1 &
	pid=$!
	track "$pid"
	note "$1: the floor (tcp_floor, pid $pid) with $2 probes/s; settling ${SETTLE} s"
	sleep "$SETTLE"
	note "$1: floor: sampling ${SECS} s"
	s=$(nsx $PY "$T/sample.py" "$pid" "$SECS" "$(acc_file "$1")")
	record "$1" floor "{\"cpu\": $s, \"checks\": $2}"
	if [ "${BENCH_RPS:-1}" = 1 ]; then
		sample_rps "$1" "$pid" "$2" floor-rps
	fi
	stop_pid "$pid"
}

acc_file() { if [ "$1" = tcp ]; then echo "$T/accepts"; else echo /nonexistent; fi; }

run_keepalived() {	# scenario conf count
	local pid cpid log=$T/ka-$1.log why
	if [ -z "$HAVE_KA" ]; then
		record "$1" keepalived "not measurable here because keepalived is not installed"
		return
	fi
	rm -f "$T/ka.pid" "$T/kc.pid"
	ip netns exec "$NS" keepalived -n -l -D --check -f "$2" -p "$T/ka.pid" -c "$T/kc.pid" \
	    >"$log" 2>&1 &
	pid=$!
	track "$pid"
	wait_for 5 test -s "$T/kc.pid"
	cpid=$(cat "$T/kc.pid" 2>/dev/null)
	# Without IPVS the checker gives up at start, after logging every
	# real server it shuts down: give it a few seconds to say so.
	ka_failed() {
		grep -qE "exited with permanent error|Can't initialize ipvs" "$log" ||
		    pid_gone "$pid" || { [ -n "$cpid" ] && pid_gone "$cpid"; }
	}
	wait_for 5 ka_failed
	if [ -z "$cpid" ] || ka_failed; then
		why=$(grep -m1 -E "IPVS: Can't initialize|Module ip_vs not found|exited with permanent error" "$log")
		[ -n "$why" ] || why=$(tail -1 "$log")
		why=$(echo "$why" | sed 's/^[A-Z][a-z][a-z] [A-Z][a-z][a-z] [ 0-9]*[0-9:]* [0-9]*: //')
		record "$1" keepalived "not measurable here because its checker exits at start without IPVS in the kernel (\"$why\"; /proc/net/ip_vs: $( [ -e /proc/net/ip_vs ] && echo present || echo absent)); measure it where IPVS exists (tests/vm)"
		stop_pid "$pid"
		return
	fi
	note "$1: keepalived's checker (pid $cpid); settling ${SETTLE} s"
	sleep "$SETTLE"
	note "$1: keepalived: sampling ${SECS} s"
	s=$(nsx $PY "$T/sample.py" "$cpid" "$SECS" "$(acc_file "$1")" "$pid,$cpid")
	sp='{}'
	if [ -n "$HAVE_TSHARK" ]; then
		capture "$1" "$T/syn-$1-ka.txt"
		sp=$($PY "$T/spread.py" "$T/syn-$1-ka.txt")
	fi
	record "$1" keepalived "{\"cpu\": $s, \"spread\": $sp, \"checks\": $3}"
	stop_pid "$pid"
}

echo "health-check benchmark: $(nproc) CPUs, $(uname -r); $("$BIN/had" -V 2>/dev/null | head -1) $(git describe --always --dirty 2>/dev/null); ${SECS} s CPU window after ${SETTLE} s; spread over ${SPREAD} s"
[ -n "$HAVE_TSHARK" ] || echo "  (tshark is missing: no spread figures)"
for sc in $SCENARIOS; do
	case $sc in
	tcp) n=$TCP_N ;;
	http)
		n=$HTTP_N
		if [ -z "$HAVE_NGINX" ]; then
			record http had "not measured: nginx is missing"
			continue
		fi ;;
	*) continue ;;
	esac
	mkconf "$sc" "$n" "$T/$sc.conf"
	if ! "$BIN/had" -n -f "$T/$sc.conf" >/dev/null 2>"$T/parse.err"; then
		record "$sc" had "not measured: the config does not parse: $(head -1 "$T/parse.err")"
		continue
	fi
	for impl in $IMPLS; do
		case $impl in
		had) run_had "$sc" "$T/$sc.conf" "$n" ;;
		keepalived) run_keepalived "$sc" "$T/$sc.conf" "$n" ;;
		floor) [ "$sc" = tcp ] && run_floor "$sc" "$n" ;;
		esac
		sleep 1
	done
done

# --- report ---------------------------------------------------------------
$PY - "$RESULTS" "${BENCH_OUT:-}" <<'PYEOF'
import json, os, sys
rows = [l.rstrip("\n").split("|", 2) for l in open(sys.argv[1]) if l.strip()]
names = {"tcp": "TCP_CHECK", "http": "HTTP_GET"}
res = {}
print()
for sc, impl, body in rows:
    try:
        d = json.loads(body)
    except ValueError:
        print("%-9s %-10s %s" % (names.get(sc, sc), impl + ":", body))
        res.setdefault(sc, {})[impl] = {"note": body}
        continue
    res.setdefault(sc, {})[impl] = d
    c, s = d["cpu"], d.get("spread", {})
    line = "%-9s %-10s %5d checks at delay_loop 1: CPU %5.2f%% of one core (schedstat %5.2f%%), RSS %d kB (peak %d kB)" % (
        names.get(sc, sc), impl + ":", d["checks"], c["cpu_pct"], c["cpu_pct_schedstat"],
        c["rss_kb"], c["hwm_kb"])
    print(line)
    extra = []
    if "conn_per_s" in c:
        extra.append("targets accepted %.0f connections/s" % c["conn_per_s"])
    if s.get("syns"):
        extra.append("%.0f SYN/s on the wire" % (s["syn_per_s"] or 0))
        extra.append("per 10 ms of the second: mean %.1f, min %d, max %d, CV %.3f; busiest 1 ms: %d SYNs" % (
            s["bucket_mean"], s["bucket_min"], s["bucket_max"], s["cv"], s["peak_1ms"]))
    if d.get("checks_up") not in (None, "?", ""):
        extra.append("%s of %d checks up%s" % (d["checks_up"], d["checks"],
            ("; a down one says: " + d["down_reason"]) if d.get("down_reason") else ""))
    if c.get("rss_by_proc"):
        extra.append("RSS of all processes %d kB (%s)" % (c["all_rss_kb"], c["rss_by_proc"]))
    for e in extra:
        print("%-20s %s" % ("", e))
for sc, d in res.items():
    h, k = d.get("had", {}), d.get("keepalived", {})
    if "cpu" in h and "cpu" in k and k["cpu"]["cpu_pct"] > 0:
        print("%-9s had/keepalived CPU: %.2f" % (names.get(sc, sc),
              h["cpu"]["cpu_pct"] / k["cpu"]["cpu_pct"]))
    if "cpu" in h and "cpu" in k and k["cpu"].get("all_rss_kb"):
        print("%-9s had/keepalived RSS of all processes: %.2f (%d / %d kB)" % (names.get(sc, sc),
              h["cpu"].get("all_rss_kb", 0) / k["cpu"]["all_rss_kb"],
              h["cpu"].get("all_rss_kb", 0), k["cpu"]["all_rss_kb"]))
    r = d.get("had-rps", {})
    if "cpu" in r and "cpu" in h and h["cpu"]["cpu_pct"] > 0:
        print("%-9s had with the targets' receive side on the other core (RPS): %.2f%% of one core, %.0f%% of the loopback figure" % (
              names.get(sc, sc), r["cpu"]["cpu_pct"], 100 * r["cpu"]["cpu_pct"] / h["cpu"]["cpu_pct"]))
    f, fr = d.get("floor", {}), d.get("floor-rps", {})
    if "cpu" in f and "cpu" in h and f["cpu"]["cpu_pct"] > 0:
        print("%-9s floor (tcp_floor: the probes' system calls alone): %.2f%% of one core; had/floor: %.2f" % (
              names.get(sc, sc), f["cpu"]["cpu_pct"], h["cpu"]["cpu_pct"] / f["cpu"]["cpu_pct"]))
    if "cpu" in fr and "cpu" in r and fr["cpu"]["cpu_pct"] > 0:
        print("%-9s floor with the receive side on the other core: %.2f%% of one core; had/floor: %.2f" % (
              names.get(sc, sc), fr["cpu"]["cpu_pct"], r["cpu"]["cpu_pct"] / fr["cpu"]["cpu_pct"]))
    if sc == "tcp" and "cpu" in h:
        why = ""
        if h["cpu"]["cpu_pct"] >= 10 and "cpu" in f and f["cpu"]["cpu_pct"] >= 10:
            why = " (the floor alone takes %.2f%%: the kernel's share of the handshakes exceeds it on this machine)" % f["cpu"]["cpu_pct"]
        print("%-9s aim: under 10%% of one core for %d TCP checks: %s%s" % (
            names.get(sc, sc), h["checks"], "met" if h["cpu"]["cpu_pct"] < 10 else "NOT met", why))
if len(sys.argv) > 2 and sys.argv[2]:
    os.makedirs(sys.argv[2], exist_ok=True)
    with open(os.path.join(sys.argv[2], "checks.json"), "w") as fh:
        json.dump(res, fh, indent=1)
PYEOF
