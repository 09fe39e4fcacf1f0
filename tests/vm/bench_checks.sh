#!/bin/bash
# Guest side of tests/bench/bench_checks_vm.sh (issue 5's benchmark with
# keepalived's checker, which needs IPVS to start): the same TCP_CHECK
# and HTTP_GET setups as tests/bench/bench_checks.sh, in the VM.
#
#   tcp   BENCH_TCP_CHECKS (10000) TCP_CHECKs at delay_loop 1 against
#         listeners on 20 addresses of 198.18.1.0/24 x 50 ports on lo
#   http  BENCH_HTTP_CHECKS (2000) HTTP_GETs at delay_loop 1 (/health,
#         status 200) against 10 addresses of 198.18.2.0/24 x 20 ports
#
# The targets are one process, tcpsrv (built on the host, epoll: accept
# and close, or answer "HTTP/1.0 200 OK" to a request), since the guest
# has no python or nginx and busybox nc/httpd fork per connection.
#
# For had's checkd and keepalived's checker (keepalived --check -n -l -D
# -f CONF, pidfiles under /tmp) on the same config: after BENCH_SETTLE
# (6) s, CPU (utime+stime from /proc/PID/stat, % of one core) over
# BENCH_CPU_SECONDS (20), RSS and its peak (VmHWM), RSS of all the
# daemon's processes (had and its children, keepalived and its checker),
# connections the targets accepted per second, and the real servers in
# the kernel's IPVS table at the end (those the checker holds up).  For had, lvsd's and
# the parent's CPU in the same window too (they take the results).
# One line per measure: "BENCH-CHK round=R scenario=... impl=... key=value
# ...".  BENCH_ROUNDS rounds of every impl in turn, per scenario.
set -u
. /vm/lib.sh

TCP_N=${BENCH_TCP_CHECKS:-10000}
HTTP_N=${BENCH_HTTP_CHECKS:-2000}
SECS=${BENCH_CPU_SECONDS:-20}
SETTLE=${BENCH_SETTLE:-6}
IMPLS=${BENCH_IMPLS:-had keepalived}
ROUNDS=${BENCH_ROUNDS:-1}
ROUND=1
SCENARIOS=${BENCH_SCENARIOS:-tcp http}
BUILD=${HAD_BUILD:-/opt/build}
W=/tmp/bench-chk
mkdir -p "$W" /run/had
ulimit -n 65536 2>/dev/null || ulimit -n 16384

for i in $(seq 1 20); do ip addr add "198.18.1.$i/32" dev lo; done
for i in $(seq 1 10); do ip addr add "198.18.2.$i/32" dev lo; done
sysctl -qw net.core.somaxconn=8192
sysctl -qw net.ipv4.tcp_max_syn_backlog=8192
sysctl -qw net.ipv4.ip_local_port_range="10000 60999"
sysctl -qw net.ipv4.tcp_tw_reuse=1
# keepalived logs through syslog; without /dev/log, -l sends it to the
# serial console.  A syslogd to a file (tmpfs), as had logs to a file.
if command -v syslogd >/dev/null; then
	syslogd -n -O "$W/syslog.log" &
	SYSLOGD=$!
fi

tcpsrv tcp 198.18.1. 1 20 20000 20049 "$W/acc-tcp" > "$W/tcpsrv-tcp.log" 2>&1 &
SRV1=$!
tcpsrv http 198.18.2. 1 10 8000 8019 "$W/acc-http" > "$W/tcpsrv-http.log" 2>&1 &
SRV2=$!
srv_of() { if [ "$1" = tcp ]; then echo "$SRV1"; else echo "$SRV2"; fi; }
wait_file "$W/acc-tcp" 10 || { echo "bench-chk: tcp listeners: $(cat "$W/tcpsrv-tcp.log")"; }
wait_file "$W/acc-http" 10 || { echo "bench-chk: http listeners: $(cat "$W/tcpsrv-http.log")"; }

mkconf() {	# kind count file
	awk -v kind="$1" -v n="$2" 'BEGIN {
		print "global_defs {\n\trouter_id bench-checks\n}"
		if (kind == "tcp") {
			for (a = 1; a <= 20; a++) for (p = 20000; p < 20050; p++) rs[nrs++] = "198.18.1." a " " p
			vsaddr = "198.18.0.1"
			chk = "TCP_CHECK {\n\t\t\tconnect_timeout 3\n\t\t\tretry 1\n\t\t}"
		} else {
			for (a = 1; a <= 10; a++) for (p = 8000; p < 8020; p++) rs[nrs++] = "198.18.2." a " " p
			vsaddr = "198.18.0.2"
			chk = "HTTP_GET {\n\t\t\turl {\n\t\t\t\tpath /health\n\t\t\t\tstatus_code 200\n\t\t\t}\n\t\t\tconnect_timeout 3\n\t\t\tretry 1\n\t\t}"
		}
		vs = 0; left = n
		while (left > 0) {
			k = left < nrs ? left : nrs
			printf "virtual_server %s %d {\n\tdelay_loop 1\n\tlb_algo rr\n\tlb_kind NAT\n\tprotocol TCP\n", vsaddr, 80 + vs
			for (i = 0; i < k; i++) printf "\treal_server %s {\n\t\t%s\n\t}\n", rs[i], chk
			print "}"
			vs++; left -= k
		}
	}' > "$3"
}

ticks() { awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
status_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status" 2>/dev/null; }
acc() { cat "$1" 2>/dev/null || echo 0; }
# Time on the CPU in ns (/proc/PID/schedstat, measured at every switch,
# where the ticks above are sampled at each timer tick).
runns() { awk '{ print $1 }' "/proc/$1/schedstat" 2>/dev/null || echo 0; }
pct() { awk -v a="$1" -v b="$2" -v s="$3" 'BEGIN { printf "%.2f", (b - a) / 100 / s * 100 }'; }
# VmRSS of every process of the daemon (ALLP: its pids): "name:kB,...".
ALLP=
rss_by() {
	local p sep=
	for p in $ALLP; do
		awk -v sep="$sep" '/^Name:/ { n = $2 } /^VmRSS:/ { printf "%s%s:%s", sep, n, $2 }' \
		    "/proc/$p/status" 2>/dev/null && sep=,
	done
}
rss_all() {
	local p t=0 k
	for p in $ALLP; do
		k=$(status_kb "$p" VmRSS)
		t=$((t + ${k:-0}))
	done
	echo "$t"
}
kernel_rs() { awk '$1 == "->" && $2 != "RemoteAddress:Port" && $4 > 0 { n++ } END { print n + 0 }' /proc/net/ip_vs; }

# measure SCENARIO IMPL CHECKER_PID COUNT [OTHER PIDS "name:pid"...]
measure() {
	local sc=$1 impl=$2 pid=$3 n=$4 t0 t1 c0 c1 a0 a1 wall o extra="" np pp
	shift 4
	local -A oc0
	local r0 r1
	for o in "$@"; do oc0[$o]=$(ticks "${o#*:}"); done
	t0=$EPOCHREALTIME c0=$(ticks "$pid") a0=$(acc "$W/acc-$sc")
	r0=$(runns "$pid")
	local v0 n0 v1 n1
	v0=$(status_kb "$pid" voluntary_ctxt_switches)
	n0=$(status_kb "$pid" nonvoluntary_ctxt_switches)
	if [ -n "${BENCH_PERF:-}" ] && command -v perf >/dev/null; then
		perf record -q -g -e cpu-clock -p "$pid" -o "$W/perf.data" \
		    -- sleep "$SECS" >/dev/null 2>&1
		perf report -i "$W/perf.data" --no-children --sort dso,sym \
		    --stdio -g none 2>/dev/null | grep -E '^ +[0-9]' | head -40 |
		    sed "s/^/perf $sc $impl: /"
		perf report -i "$W/perf.data" --children --sort sym --stdio \
		    -g none 2>/dev/null | grep -E '^ +[0-9]' | head -40 |
		    sed "s/^/perf-children $sc $impl: /"
	else
		sleep "$SECS"
	fi
	t1=$EPOCHREALTIME c1=$(ticks "$pid") a1=$(acc "$W/acc-$sc")
	r1=$(runns "$pid")
	v1=$(status_kb "$pid" voluntary_ctxt_switches)
	n1=$(status_kb "$pid" nonvoluntary_ctxt_switches)
	wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
	if ! kill -0 "$pid" 2>/dev/null; then
		echo "BENCH-CHK round=$ROUND scenario=$sc impl=$impl note=the-checker-(pid-$pid)-died-during-the-window"
		return
	fi
	for o in "$@"; do
		np=${o%%:*} pp=${o#*:}
		extra="$extra ${np}_cpu=$(pct "${oc0[$o]}" "$(ticks "$pp")" "$wall")"
	done
	echo "BENCH-CHK round=$ROUND scenario=$sc impl=$impl checks=$n seconds=$wall" \
	    "cpu=$(pct "$c0" "$c1" "$wall") rss_kb=$(status_kb "$pid" VmRSS)" \
	    "hwm_kb=$(status_kb "$pid" VmHWM)" \
	    "all_rss_kb=$(rss_all) rss_by_proc=$(rss_by)" \
	    "conn_per_s=$(awk -v a="$a0" -v b="$a1" -v s="$wall" 'BEGIN { printf "%.0f", (b - a) / s }')" \
	    "kernel_rs_up=$(kernel_rs)$extra" \
	    "cpu_sched=$(awk -v a="$r0" -v b="$r1" -v s="$wall" 'BEGIN { printf "%.2f", (b - a) / 1e7 / s }')" \
	    "vcsw_per_s=$(awk -v a="${v0:-0}" -v b="${v1:-0}" -v s="$wall" 'BEGIN { printf "%.0f", (b - a) / s }')" \
	    "ivcsw_per_s=$(awk -v a="${n0:-0}" -v b="${n1:-0}" -v s="$wall" 'BEGIN { printf "%.0f", (b - a) / s }')"
}

run_had() {	# scenario conf count
	local pid cpid i up c2
	ipvsadm -C
	"$BUILD/had" -d -f "$2" -X "$BUILD" -p /run/had/had.pid -s /run/had/had.sock \
	    > "$W/had-$1.log" 2>&1 &
	pid=$!
	cpid=
	for i in $(seq 1 100); do
		cpid=$(pidof checkd) && break
		sleep 0.2
	done
	if [ -z "$cpid" ]; then
		echo "BENCH-CHK round=$ROUND scenario=$1 impl=had note=checkd-did-not-start"
		kill "$pid"; wait "$pid"
		return
	fi
	sleep 1
	# had -d logs a line per check result: not in production.
	"$BUILD/hactl" -s /run/had/had.sock log brief > /dev/null 2>&1
	echo "bench-chk: $1: had's checkd (pid $cpid), $3 checks; settling ${SETTLE} s"
	sleep "$SETTLE"
	# had respawns a child its watchdog killed: measure the one running.
	c2=$(pidof checkd)
	if [ "$c2" != "$cpid" ]; then
		echo "bench-chk: $1: checkd was respawned during the settle time (pid $cpid -> $c2)"
		cpid=$c2
	fi
	ALLP="$pid $(pidof vrrpd lvsd checkd bfdd)"
	measure "$1" had "$cpid" "$3" "lvsd:$(pidof lvsd)" "had:$pid" \
	    "targets:$(srv_of "$1")"
	up=$(timeout 60 "$BUILD/hactl" -s /run/had/had.sock show checks -j 2>/dev/null |
	    grep -o '"state": *"up"' | wc -l)
	echo "BENCH-CHK-UP round=$ROUND scenario=$1 impl=had checks_up=$up"
	grep -E 'watchdog|not answering|respawn' "$W/had-$1.log" | head -n 5
	kill "$pid"
	wait_until 15 "had to stop" sh -c "! kill -0 $pid 2>/dev/null" > /dev/null || kill -9 "$pid"
	wait "$pid" 2>/dev/null
}

run_keepalived() {	# scenario conf count
	local pid cpid i
	ipvsadm -C
	rm -f /tmp/ka.pid /tmp/kc.pid /tmp/kv.pid
	keepalived --check -n -l -D -f "$2" -p /tmp/ka.pid -c /tmp/kc.pid -r /tmp/kv.pid \
	    > "$W/ka-$1.log" 2>&1 &
	pid=$!
	cpid=
	for i in $(seq 1 100); do
		[ -s /tmp/kc.pid ] && cpid=$(cat /tmp/kc.pid) && break
		sleep 0.2
	done
	if [ -z "$cpid" ] || ! kill -0 "$cpid" 2>/dev/null; then
		echo "BENCH-CHK round=$ROUND scenario=$1 impl=keepalived note=checker-did-not-start:$(tail -n 1 "$W/ka-$1.log" | tr ' ' _)"
		kill "$pid" 2>/dev/null; wait "$pid"
		return
	fi
	echo "bench-chk: $1: keepalived's checker (pid $cpid), $3 checks; settling ${SETTLE} s"
	sleep "$SETTLE"
	ALLP="$pid $cpid"
	measure "$1" keepalived "$cpid" "$3" "parent:$pid" \
	    "targets:$(srv_of "$1")"
	kill "$pid"
	wait_until 30 "keepalived to stop" sh -c "! kill -0 $pid 2>/dev/null" > /dev/null || kill -9 "$pid"
	wait "$pid" 2>/dev/null
	kill -0 "$cpid" 2>/dev/null && kill -9 "$cpid"
}

echo "bench-chk: $(nproc) vCPUs, $(uname -r); ${SECS} s CPU window after ${SETTLE} s; $(keepalived --version 2>&1 | head -n 1)"
for sc in $SCENARIOS; do
	case $sc in
	tcp) n=$TCP_N ;;
	http) n=$HTTP_N ;;
	*) continue ;;
	esac
	mkconf "$sc" "$n" "$W/$sc.conf"
	for ROUND in $(seq 1 "$ROUNDS"); do
	for impl in $IMPLS; do
		case $impl in
		had) run_had "$sc" "$W/$sc.conf" "$n" ;;
		keepalived)
			if command -v keepalived > /dev/null; then
				run_keepalived "$sc" "$W/$sc.conf" "$n"
			else
				echo "BENCH-CHK round=$ROUND scenario=$sc impl=keepalived note=not-in-the-guest"
			fi ;;
		esac
		sleep 2
	done
	done
done
kill "$SRV1" "$SRV2" 2>/dev/null
[ -n "${SYSLOGD:-}" ] && kill "$SYSLOGD" 2>/dev/null
ipvsadm -C
exit 0
