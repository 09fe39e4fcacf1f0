#!/bin/bash
# Guest side of the failover test and benchmark
# (tests/vm/test_lvs_failover.sh, tests/bench/bench_failover_vm.sh), run
# as bash /opt/pair/failover.sh: the demo's lab (tests/vm/pair) with
# etc/demo/lvs-director.conf plus IPVS connection sync, a client sending a
# request to the VIP every FO_INTERVAL ms, and lb1, the master, stopped
# after FO_BEFORE s; the client runs until lb2 has held the VIP for
# FO_AFTER s and it sent FO_MIN requests (at most 60 s more).
# One line per run:
#   FAILOVER impl=I mode=M run=N sent= ok= failed= gap=MS takeover=MS
#       left=yes|no
# (gap: the longest time without an answer; takeover: from the stop to
# the VIP on lb2, -1 when it did not happen; left: the VIP still on lb1
# at the end).  Modes:
#   term   SIGTERM to the daemon (had, keepalived)
#   group  the daemon started with setsid, SIGTERM to its process group
#          (what systemctl stop does with KillMode=mixed or control-group)
#   kill   SIGKILL to the daemon's main process
#   crash  SIGKILL to its whole process group and lb1's link down at once
# Env: FO_IMPLS (had), FO_MODES (term group), FO_RUNS (1), FO_INTERVAL
# (50), FO_BEFORE (2), FO_AFTER (2), FO_MIN (0), HAD_BUILD (/opt/build),
# DEMO_CONF (/opt/demo/lvs-director.conf).
set -u
. /vm/lib.sh
BUILD=${HAD_BUILD:-/opt/build}
CONF=${DEMO_CONF:-/opt/demo/lvs-director.conf}
IMPLS=${FO_IMPLS:-had}
MODES=${FO_MODES:-term group}
RUNS=${FO_RUNS:-1}
IV=${FO_INTERVAL:-50}
BEFORE=${FO_BEFORE:-2}
AFTER=${FO_AFTER:-2}
MIN=${FO_MIN:-0}
. "${PAIR_DIR:-/opt/pair}/lab.sh"

now_ms() { t=${EPOCHREALTIME/./}; echo $((t / 1000)); }
say() { echo "failover: $*"; }

modprobe ip_vs 2>/dev/null
[ -e /proc/net/ip_vs ] || { echo "FAIL failover: this kernel has no IPVS"; exit 1; }
pair_lab || { echo "FAIL failover: the web servers did not start"; exit 1; }
mkdir -p /run/had
grep -q lvs_sync_daemon "$CONF" ||
    { echo "FAIL failover: $CONF has no lvs_sync_daemon"; exit 1; }
# keepalived names the instance's VRRP version `version'.
sed 's/^\([[:space:]]*\)vrrp_version /\1version /' "$CONF" > /tmp/ka.conf

# start IMPL NODE: the daemon in NODE's namespace, leader of its own
# process group; its pid in PID_lbN.
start() {
	case $1 in
	had)	lab_bg "$1-$2" "$2" setsid had -d -i "$2" -f "$CONF" \
		    -X "$BUILD" -s "/run/had/$2.sock" -p "/run/had/$2.pid" ;;
	keepalived)
		rm -f "/run/ka-$2.pid" "/run/kc-$2.pid" "/run/kv-$2.pid"
		lab_bg "$1-$2" "$2" setsid keepalived -n -l -D -i "$2" \
		    -f /tmp/ka.conf -p "/run/ka-$2.pid" -c "/run/kc-$2.pid" \
		    -r "/run/kv-$2.pid" ;;
	esac
	eval "PID_$2=\$!"
}
has_vip() { ip -n "$1" addr show dev eth0 | grep -q "$VIP/32"; }
rs_in() { [ "$(in_ns "$1" ipvsadm -Ln -t "$VIP:80" 2>/dev/null |
    grep -c -- '-> 198.18.0.1')" = 3 ]; }
syncd() { in_ns "$1" ipvsadm -L --daemon 2>/dev/null | grep -q "^$2 sync"; }
ready() {
	has_vip lb1 && ! has_vip lb2 && rs_in lb1 && rs_in lb2 &&
	    syncd lb1 master && syncd lb2 backup
}
enough() { [ "$(pair_sent)" -ge "$MIN" ]; }
# reset: both directors stopped and nothing of theirs left behind.
reset() {
	local n p
	for n in lb1 lb2; do
		for p in $(ip netns pids "$n"); do kill "$p" 2>/dev/null; done
	done
	wait_until 10 "the directors to stop" sh -c \
	    '[ -z "$(ip netns pids lb1)$(ip netns pids lb2)" ]'
	for n in lb1 lb2; do
		for p in $(ip netns pids "$n"); do kill -9 "$p" 2>/dev/null; done
		ip -n "$n" link set eth0 up
		ip -n "$n" addr del "$VIP/32" dev eth0 2>/dev/null
		in_ns "$n" ipvsadm -C
		in_ns "$n" ipvsadm --stop-daemon master 2>/dev/null
		in_ns "$n" ipvsadm --stop-daemon backup 2>/dev/null
	done
	ip -n client neigh flush all 2>/dev/null
	LAB_PIDS=""
	for n in 1 2 3; do eval "LAB_PIDS=\"\$LAB_PIDS \$WEB_$n\""; done
}

run() {	# impl mode n
	local impl=$1 mode=$2 r=$3 t0 tk pid left
	start "$impl" lb1
	sleep 0.3
	start "$impl" lb2
	if ! wait_until 30 "lb1 master with 3 real servers, sync daemons" ready; then
		say "$impl $mode run $r: not ready: lb1 vip $(has_vip lb1 && echo yes), lb2 vip $(has_vip lb2 && echo yes)"
		tail -5 "/tmp/lab-$impl-lb1.log" "/tmp/lab-$impl-lb2.log"
		echo "FAILOVER impl=$impl mode=$mode run=$r ready=no"
		reset
		return
	fi
	# The backup's checks have run once more, the sync daemons are up.
	sleep 1
	pair_client "$IV" 100000 120000
	sleep "$BEFORE"
	pid=$(eval echo "\$PID_lb1")
	t0=$(now_ms)
	case $mode in
	term)	kill -TERM "$pid" ;;
	group)	kill -TERM -- "-$pid" ;;
	kill)	kill -KILL "$pid" ;;
	crash)	kill -KILL -- "-$pid"; ip -n lb1 link set eth0 down ;;
	esac
	tk=-1
	if wait_until 15 "lb2 to hold the VIP" has_vip lb2; then
		tk=$(( $(now_ms) - t0 ))
	fi
	sleep "$AFTER"
	wait_until 60 "$MIN requests" enough
	if ! pair_client_end; then
		say "$impl $mode run $r: the client gave no result"
		cat /tmp/lab-client.log
		echo "FAILOVER impl=$impl mode=$mode run=$r ready=no"
		reset
		return
	fi
	grep 'failed after' /tmp/lab-client.log | head -3 |
	    sed "s/^/failover: $impl $mode run $r: /"
	left=no
	has_vip lb1 && left=yes
	echo "FAILOVER impl=$impl mode=$mode run=$r sent=$C_SENT ok=$C_OK" \
	    "failed=$C_FAILED gap=$C_GAP takeover=$tk left=$left"
	if [ "$impl" = had ] && [ "$C_FAILED" -gt 0 ]; then
		grep -E 'VI_WEB|sync|VIP|stop|exit' "/tmp/lab-$impl-lb1.log" |
		    tail -8 | sed "s/^/failover: lb1| /"
	fi
	reset
}

# Interleaved (run, mode, implementation): load on the machine falls on
# all alike.
for impl in $IMPLS; do
	command -v "$impl" >/dev/null && continue
	echo "FAILOVER impl=$impl mode=- run=0 ready=no note=not-in-the-guest"
	IMPLS=$(echo " $IMPLS " | sed "s/ $impl / /")
done
r=1
while [ "$r" -le "$RUNS" ]; do
	for mode in $MODES; do
		for impl in $IMPLS; do
			run "$impl" "$mode" "$r"
		done
	done
	r=$((r + 1))
done
lab_cleanup
echo "failover: done"
