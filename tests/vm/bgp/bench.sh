#!/bin/sh
# Guest side of tests/bench/bench_lvs_bgp_vm.sh: on the lab of lab.sh,
# for lb_algo rr and mh, without and with `lvs_sync_daemon eth0
# active_active' (both directors reloaded with it), and for a director
# failure by SIGKILL (had and FRR) and by an orderly stop (SIGTERM to
# had): BGP_FLOWS long flows (lflows.sh) over both directors, 4 s for the
# sync daemon, d1 fails, 4 s more through d2; then d1 comes back.  One
# line per case:
#   BGP-BENCH algo sync mode flows moved broken lvsd_ms router_ms known
#       resched
# moved: flows d1 had scheduled (they move to d2); known: d2's new
# established entries at the failure (its own flows and, synced, d1's;
# entries of earlier cases left out by difference); resched: the
# flows d2 scheduled anew after it; broken: flows that
# stopped echoing; lvsd_ms: from the failure to d1's route leaving table
# 201 (lvsd; "-": never); router_ms: to the router's route without
# d1 (ip monitor, stamped with /proc/uptime: 10 ms steps; ~N: polled).
# vm-needs: frr
set -u
. /vm/lib.sh
. /opt/bgp/lab.sh

N=${BGP_FLOWS:-30}
now() { read -r up _ < /proc/uptime; echo "$up"; }
ms_since() {	# t0 t1 (seconds with 2 decimals) -> ms
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%d", (b - a) * 1000 }'
}
# ip monitor route in NS, each line stamped with the uptime, to FILE.
monitor() {	# ns file
	in_ns "$1" ip monitor route | while read -r l; do
		read -r up _ < /proc/uptime
		echo "$up $l"
	done > "$2" &
}
# The first stamp from t0 on in FILE of a line matching RE.
first_after() {	# file t0 re
	awk -v t="$2" -v re="$3" '$1 >= t && $0 ~ re { print $1; exit }' "$1"
}

bgp_need_frr bench-lvs-bgp
bgp_lab
if ! wait_until 90 "both directors announced" hops_are "$BOTH"; then
	bgp_debug
	echo "BGP-BENCH-ERROR: the lab did not come up"
	exit 1
fi
monitor rt /tmp/mon-rt.log
monitor d1 /tmp/mon-d1.log

d1_up() {	# make d1 run had and FRR again, both announcing
	if ! [ -s /tmp/frr-d1/bgpd.pid ] ||
	    ! kill -0 "$(cat /tmp/frr-d1/bgpd.pid)" 2>/dev/null; then
		rm -f /tmp/frr-d1/*.pid
		frr_start d1 /tmp/frr-d1.conf
	fi
	kill -0 "$HAD_d1" 2>/dev/null || had_start d1
	wait_until 90 "d1 announced again" hops_are "$BOTH"
}

for algo in rr mh; do
	for sync in 0 1; do
		BGP_ALGO=$algo BGP_SYNC=$sync
		d1_up
		had_conf d1 8001
		had_conf d2 8002
		kill -HUP "$HAD_d1" "$HAD_d2"
		sched_is() { in_ns "$1" ipvsadm -Ln | grep -q " $VIP:7 $algo"; }
		wait_until 20 "d1 runs $algo" sched_is d1
		wait_until 20 "d2 runs $algo" sched_is d2
		sleep 3
		for mode in kill stop; do
			d1_up
			c1=$(conns d1 7) e2=$(entries d2)
			lflows_start "$N" 120
			sleep 4
			moved=$(( $(conns d1 7) - ${c1:-0} ))
			known=$(( $(entries d2) - e2 ))
			c2=$(conns d2 7)
			for n in d1 d2; do
				echo "BGP-BENCH-DAEMONS $algo $sync $mode $n:" \
				    $(in_ns $n ipvsadm -L --daemon)
			done
			t0=$(now)
			if [ $mode = kill ]; then
				kill -9 "$HAD_d1" $(cat /tmp/frr-d1/*.pid) \
				    2>/dev/null
			else
				kill "$HAD_d1"
			fi
			wait_until 20 "d1 gone from the router" \
			    hops_are 198.18.0.12
			tp=$(now)
			sleep 4
			lflows_end
			r=$LFLOWS
			resched=$(( $(conns d2 7) - ${c2:-0} ))
			grep broken /tmp/lflows.err | head -3
			# The router's only route change is this one; with
			# nexthop objects its lines may not name the hops.
			tr=$(first_after /tmp/mon-rt.log "$t0" "$VIP")
			tl=$(first_after /tmp/mon-d1.log "$t0" \
			    "Deleted.*$VIP.*table 201")
			rms=$(ms_since "$t0" "${tr:-$tp}") lms=-
			[ -n "$tr" ] || rms="~$rms"
			[ -n "$tl" ] && lms=$(ms_since "$t0" "$tl")
			set -- $r
			echo "BGP-BENCH $algo $sync $mode ${2:-?} $moved" \
			    "${4:-?} $lms $rms $known $resched"
			wait_until 15 "d1's had gone" \
			    sh -c "! kill -0 $HAD_d1 2>/dev/null"
		done
	done
done
# Figures, not pass/fail.
exit 0
