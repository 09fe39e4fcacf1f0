#!/bin/bash
# Guest side of tests/bench/bench_lvs_vm.sh (issue 4's benchmark): the
# time and the netlink writes it takes to program IPVS, had against
# keepalived in the same VM.
#
# For each implementation (BENCH_IMPLS, "had keepalived"), from an empty
# IPVS table:
#   apply     start the daemon on BENCH_VS (1000) virtual servers x
#             BENCH_RS (20) real servers, no health checks
#   reload1   reload (SIGHUP) changing the weight of one real server in
#             1% of the virtual servers (10 writes needed)
#   reload2   reload changing the weight of 1% of the real servers (every
#             real server of another 10 virtual servers: 200 writes)
#   reload0   reload with the same file (0 writes needed)
#
# Measured for each phase:
#   poll      seconds from the start (or the SIGHUP) until /proc/net/ip_vs
#             holds the wanted table, polled every 0.1 s
#   last      seconds from the start (or the SIGHUP) to the kernel's
#             receive time of the last IPVS write of the phase
#   writes    IPVS write requests (new/set/del service/destination) seen
#             on an nlmon device (nlcount, from every process), and had's
#             own counters from `hactl show lvs'
#   cpu       CPU seconds (utime+stime) of the daemon's processes
#
# One line per phase: "BENCH-LVS impl=... phase=... key=value ...", read
# by the host.  The two implementations must leave the same table
# (ipvsadm -Ln without counters): "BENCH-LVS-SAME phase=... yes|no".
set -u
. /vm/lib.sh

NVS=${BENCH_VS:-1000}
NRS=${BENCH_RS:-20}
IMPLS=${BENCH_IMPLS:-had keepalived}
TMO=${BENCH_LVS_TIMEOUT:-400}
BUILD=${HAD_BUILD:-/opt/build}
W=/tmp/bench-lvs
mkdir -p "$W" /run/had
ulimit -n 65536 2>/dev/null

now() { echo "$EPOCHREALTIME"; }
fsub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a - b }'; }

# --- configs ---------------------------------------------------------
# VS i: 198.18.(i/250).(i%250+1):80, real server j of VS i:
# 198.19.(i/10).((i%10)*20+j+1):80.  reload1: VS i%100==0 gives its
# first real server weight 7; reload2: also every real server of VS
# i%100==50 weight 9.
mkconf() {	# level file
	awk -v nvs="$NVS" -v nrs="$NRS" -v lvl="$1" 'BEGIN {
		print "global_defs {\n\trouter_id bench-lvs\n}"
		for (i = 0; i < nvs; i++) {
			printf "virtual_server 198.18.%d.%d 80 {\n\tlb_algo wrr\n\tlb_kind NAT\n\tprotocol TCP\n", int(i / 250), i % 250 + 1
			for (j = 0; j < nrs; j++) {
				w = 1
				if (lvl >= 1 && i % 100 == 0 && j == 0) w = 7
				if (lvl >= 2 && i % 100 == 50) w = 9
				printf "\treal_server 198.19.%d.%d 80 {\n\t\tweight %d\n\t}\n", int(i / 10), (i % 10) * 20 + j + 1, w
			}
			print "}"
		}
	}' > "$2"
}
n100=$(( (NVS + 99) / 100 ))
W7=$n100
W9=$(( n100 * NRS ))
for l in 0 1 2; do mkconf $l "$W/conf$l"; done
echo "bench-lvs: $NVS virtual servers x $NRS real servers; config $(wc -c < "$W/conf0") bytes; reload1 changes $W7 weights, reload2 $W9 more"
if [ "$NVS" -lt 100 ]; then
	W7=0 W9=0
	echo "bench-lvs: fewer than 100 virtual servers: the reloads change nothing"
fi

# "services destinations weight7 weight9" in the kernel.
ipvs_state() {
	awk '$1 == "->" && $2 != "RemoteAddress:Port" { d++; if ($4 == 7) a++; if ($4 == 9) b++; next }
	    $1 == "TCP" || $1 == "UDP" { s++ }
	    END { printf "%d %d %d %d\n", s, d, a, b }' /proc/net/ip_vs
}
# The table without counters, for comparing the two implementations.
ipvs_table() { ipvsadm -Ln | awk '{ print $1, $2, $3, $4 }'; }

wait_state() {	# wanted timeout: sets T_POLL (epoch) or empty
	local end
	end=$(( $(date +%s) + $2 ))
	T_POLL=
	while [ "$(date +%s)" -le "$end" ]; do
		if [ "$(ipvs_state)" = "$1" ]; then
			T_POLL=$(now)
			return 0
		fi
		sleep 0.1
	done
	return 1
}

# keepalived logs through syslog(3) and, with -l, falls back to the
# serial console when there is no /dev/log: a syslogd writing to a
# file (tmpfs) puts it on the same footing as had's log file.
if command -v syslogd >/dev/null; then
	syslogd -n -O "$W/syslog.log" &
	SYSLOGD=$!
fi

# --- nlcount on an nlmon device ----------------------------------------
NLC=
if ip link add nlmon0 type nlmon 2>"$W/nlmon.err" && ip link set nlmon0 up; then
	nlcount nlmon0 > "$W/nlc.out" 2> "$W/nlc.err" &
	NLC=$!
	sleep 1
	if ! kill -0 "$NLC" 2>/dev/null; then
		echo "bench-lvs: nlcount did not start: $(cat "$W/nlc.err")"
		NLC=
	else
		cat "$W/nlc.err"
	fi
else
	echo "bench-lvs: no nlmon device ($(cat "$W/nlmon.err")): no netlink counts from outside the daemons"
fi

nl_snap() {	# prefix: sets ${prefix}writes, ... from nlcount
	local n0 i line kv
	[ -n "$NLC" ] || return 1
	n0=$(wc -l < "$W/nlc.out")
	kill -USR1 "$NLC"
	for i in $(seq 1 200); do
		[ "$(wc -l < "$W/nlc.out")" -gt "$n0" ] && break
		sleep 0.05
	done
	line=$(tail -n 1 "$W/nlc.out")
	for kv in $line; do
		eval "$1${kv%%=*}=${kv#*=}"
	done
}

# Wait until no IPVS write is seen for 3 s (bounded), then snapshot.
quiesce() {	# prefix
	local i prev=-1 cur
	[ -n "$NLC" ] || { sleep 3; return 0; }
	for i in $(seq 1 40); do
		nl_snap "$1"
		cur=$(eval "echo \$${1}writes")
		[ "$cur" = "$prev" ] && return 0
		prev=$cur
		sleep 3
	done
}

# CPU seconds (utime+stime) of a set of pids.
cpu_of() {
	local p t=0 s
	for p in "$@"; do
		s=$(awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$p/stat" 2>/dev/null) || continue
		t=$((t + ${s:-0}))
	done
	awk -v t="$t" 'BEGIN { printf "%.2f", t / 100 }'
}
# "pid name ticks" of a set of pids, for the split by process.
cpu_list() {
	local p
	for p in "$@"; do
		awk -v p="$p" '{ n = $2; gsub(/[()]/, "", n); sub(/.*\) /, ""); print p, n, $12 + $13 }' "/proc/$p/stat" 2>/dev/null
	done
}
cpu_split() {	# before-file after-file: "name:seconds,..."
	awk 'NR == FNR { t0[$1] = $3; next }
	    { s[$2] += ($3 - ($1 in t0 ? t0[$1] : 0)) / 100 }
	    END { for (n in s) { printf "%s%s:%.2f", sep, n, s[n]; sep = "," } }' "$1" "$2"
}
rss_split() {	# pids: "name:kB,..."
	local p sep=
	for p in "$@"; do
		awk -v sep="$sep" '/^Name:/ { n = $2 } /^VmRSS:/ { printf "%s%s:%s", sep, n, $2 }' "/proc/$p/status" 2>/dev/null && sep=,
	done
}
rss_of() {
	local p t=0 s
	for p in "$@"; do
		s=$(awk '/^VmRSS:/ { print $2 }' "/proc/$p/status" 2>/dev/null)
		t=$((t + ${s:-0}))
	done
	echo "$t"
}

# --- the implementations -------------------------------------------------
HAD_PID=
had_start() {	# conf
	"$BUILD/had" -d -f "$1" -X "$BUILD" -p /run/had/had.pid \
	    -s /run/had/had.sock > "$W/had.log" 2>&1 &
	HAD_PID=$!
}
had_pids() { echo "$HAD_PID $(pidof lvsd checkd vrrpd bfdd 2>/dev/null)"; }
had_counts() {	# prefix: from `hactl show lvs'
	local l
	l=$(timeout 60 "$BUILD/hactl" -s /run/had/had.sock show lvs 2>/dev/null |
	    grep -m1 'ipvs writes:')
	eval "$(echo "$l" | sed -n 's/.*service add \([0-9]*\) edit \([0-9]*\) del \([0-9]*\), real server add \([0-9]*\) edit \([0-9]*\) del \([0-9]*\), errors \([0-9]*\); dumps \([0-9]*\).*/'"$1"'w=$((\1+\2+\3+\4+\5+\6)) '"$1"'err=\7 '"$1"'dumps=\8/p')"
}
had_stop() {
	kill "$HAD_PID" 2>/dev/null
	wait_until 10 "had to stop" sh -c "! kill -0 $HAD_PID 2>/dev/null" >/dev/null || kill -9 "$HAD_PID" 2>/dev/null
	wait "$HAD_PID" 2>/dev/null
}

KA_PID=
ka_start() {	# conf
	rm -f /tmp/ka.pid /tmp/kc.pid /tmp/kv.pid
	keepalived --check -n -l -D -f "$1" -p /tmp/ka.pid -c /tmp/kc.pid \
	    -r /tmp/kv.pid > "$W/keepalived.log" 2>&1 &
	KA_PID=$!
}
ka_pids() { echo "$KA_PID $(cat /tmp/kc.pid 2>/dev/null)"; }
ka_stop() {
	local c
	c=$(cat /tmp/kc.pid 2>/dev/null)
	kill "$KA_PID" 2>/dev/null
	wait_until 20 "keepalived to stop" sh -c "! kill -0 $KA_PID 2>/dev/null" >/dev/null || kill -9 "$KA_PID" 2>/dev/null
	wait "$KA_PID" 2>/dev/null
	[ -n "$c" ] && kill -0 "$c" 2>/dev/null && kill -9 "$c" 2>/dev/null
}

# phase IMPL NAME WANTED T0 CPU0: wait, quiesce, print the line.
phase() {
	local impl=$1 name=$2 want=$3 t0=$4 cpu0=$5 ok=yes poll last hw="-" herr="-" cpu rss pids
	if ! wait_state "$want" "$TMO"; then
		ok=no
		echo "bench-lvs: $impl $name: the table did not reach '$want' in ${TMO}s: it is '$(ipvs_state)'"
	fi
	poll=-
	[ -n "$T_POLL" ] && poll=$(fsub "$T_POLL" "$t0")
	quiesce B_
	if [ "$impl" = had ]; then pids=$(had_pids); else pids=$(ka_pids); fi
	# Before `hactl show lvs': its dump of the whole table and its
	# 21000 rows are the benchmark's cost, not the phase's.
	cpu=$(fsub "$(cpu_of $pids)" "$cpu0")
	rss=$(rss_of $pids)
	cpu_list $pids > "$W/cpu1"
	split="cpu_by_proc=$(cpu_split "$W/cpu0" "$W/cpu1") rss_by_proc=$(rss_split $pids)"
	if [ "$impl" = had ]; then
		had_counts H_
		if [ -n "${H_w:-}" ]; then
			hw=$((H_w - ${H0_w:-0}))
			herr=$((H_err - ${H0_err:-0}))
			H0_w=$H_w H0_err=$H_err
		fi
	fi
	last=-
	if [ -n "$NLC" ] && [ "$B_writes" != "$A_writes" ]; then
		last=$(fsub "$B_last" "$t0")
	fi
	if [ -n "$NLC" ]; then
		echo "BENCH-LVS impl=$impl phase=$name ok=$ok poll=$poll last=$last" \
		    "writes=$((B_writes - A_writes)) svc_add=$((B_svc_add - A_svc_add))" \
		    "svc_edit=$((B_svc_edit - A_svc_edit)) svc_del=$((B_svc_del - A_svc_del))" \
		    "dest_add=$((B_dest_add - A_dest_add)) dest_edit=$((B_dest_edit - A_dest_edit))" \
		    "dest_del=$((B_dest_del - A_dest_del)) nacks=$((B_nacks - A_nacks))" \
		    "dumps=$((B_dumps - A_dumps)) drops=$((B_drops - A_drops))" \
		    "own_writes=$hw own_errors=$herr cpu=$cpu rss_kb=$rss $split"
	else
		echo "BENCH-LVS impl=$impl phase=$name ok=$ok poll=$poll last=- writes=-" \
		    "own_writes=$hw own_errors=$herr cpu=$cpu rss_kb=$rss"
	fi
	ipvs_table > "$W/table-$impl-$name"
}

reload_phase() {	# impl name level wanted
	local t0 cpu0 pids
	cp "$W/conf$3" "$W/cur.conf"
	if [ "$1" = had ]; then pids=$(had_pids); else pids=$(ka_pids); fi
	nl_snap A_
	cpu0=$(cpu_of $pids)
	cpu_list $pids > "$W/cpu0"
	t0=$(now)
	if [ "$1" = had ]; then kill -HUP "$HAD_PID"; else kill -HUP "$KA_PID"; fi
	phase "$1" "$2" "$4" "$t0" "$cpu0"
}

run_impl() {	# impl
	local impl=$1 t0
	ipvsadm -C
	H0_w=0 H0_err=0
	cp "$W/conf0" "$W/cur.conf"
	nl_snap A_
	echo "0 none 0" > "$W/cpu0"
	t0=$(now)
	if [ "$impl" = had ]; then had_start "$W/cur.conf"; else ka_start "$W/cur.conf"; fi
	phase "$impl" apply "$NVS $((NVS * NRS)) 0 0" "$t0" 0
	if [ "$impl" = keepalived ] && ! kill -0 "$KA_PID" 2>/dev/null; then
		echo "bench-lvs: keepalived exited: $(tail -5 "$W/keepalived.log")"
		return
	fi
	if [ "$NVS" -ge 100 ]; then
		reload_phase "$impl" reload1 1 "$NVS $((NVS * NRS)) $W7 0"
		reload_phase "$impl" reload2 2 "$NVS $((NVS * NRS)) $W7 $W9"
		reload_phase "$impl" reload0 2 "$NVS $((NVS * NRS)) $W7 $W9"
	fi
	if [ "$impl" = had ]; then
		echo "bench-lvs: had's log: $(grep -c . "$W/had.log") lines; watchdog and respawns:"
		grep -E 'watchdog|not answering|respawn|exited|killed' "$W/had.log" | head -n 10
		had_stop
	else
		echo "bench-lvs: keepalived's log: $(cat "$W/keepalived.log" "$W/syslog.log" 2>/dev/null | grep -c .) lines; last lines:"
		tail -n 3 "$W/syslog.log" 2>/dev/null
		ka_stop
	fi
}

for impl in $IMPLS; do
	case $impl in
	had)
		if [ ! -x "$BUILD/had" ]; then
			echo "bench-lvs: $BUILD/had missing"
			continue
		fi ;;
	keepalived)
		if ! command -v keepalived >/dev/null; then
			echo "BENCH-LVS impl=keepalived phase=apply ok=no note=keepalived-not-in-the-guest"
			continue
		fi
		echo "bench-lvs: $(keepalived --version 2>&1 | head -1)" ;;
	esac
	echo "bench-lvs: $impl: start"
	run_impl "$impl"
done

# Both must leave the same tables.
set -- $IMPLS
if [ $# -ge 2 ]; then
	for p in apply reload1 reload2 reload0; do
		[ -f "$W/table-$1-$p" ] && [ -f "$W/table-$2-$p" ] || continue
		if cmp -s "$W/table-$1-$p" "$W/table-$2-$p"; then
			echo "BENCH-LVS-SAME phase=$p yes"
		else
			echo "BENCH-LVS-SAME phase=$p no"
			diff "$W/table-$1-$p" "$W/table-$2-$p" | head -10
		fi
	done
fi
[ -n "$NLC" ] && kill "$NLC" 2>/dev/null
[ -n "${SYSLOGD:-}" ] && kill "$SYSLOGD" 2>/dev/null
ipvsadm -C
exit 0
