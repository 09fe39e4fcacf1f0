#!/bin/sh
# tests/vm: active-active with BGP and ECMP through FRR (had.conf(5)
# ACTIVE-ACTIVE WITH BGP), on the lab of tests/vm/bgp/lab.sh: two
# directors run had (announce, mh, DR, lvs_sync_daemon eth0
# active_active) and FRR with the shipped etc/frr/director.conf; a
# router runs FRR with etc/frr/router.conf (multipath, BFD); three real
# servers; a client.
#
# Asserts: the router has two next hops for the VIP; flows with different
# source ports reach both directors (IPVS counters of each > 0); a check
# failing on d1 only keeps d1 announcing (quorum holds); quorum lost on d1
# withdraws its route, back announces it again; an orderly stop of d1's
# had withdraws its route while had still runs (before anything is taken
# down) and client requests keep working; both directors run a master and
# a backup sync daemon, and d2 knows every long flow (its own and d1's,
# synced); a director killed (SIGKILL of had and FRR) leaves the router
# within the BFD detection time, the client's requests go on through d2,
# and no long flow breaks (mh + connection sync + sloppy_tcp).
# Needs FRR in the image: run-lvs.sh adds it for a test with this line:
# vm-needs: frr
set -u
. /vm/lib.sh
. /opt/bgp/lab.sh

check "had is in $BUILD" test -x "$BUILD/had"
bgp_need_frr vm-lvs-bgp
bgp_lab
wait_until 60 "both directors announced" hops_are "$BOTH"
assert_eq "router: ECMP over both directors" "$BOTH" "$(hops)"
in_ns rt ip route show "$VIP"
in_ns d1 ip route show table 201
if ! hops_are "$BOTH"; then
	bgp_debug
	finish
fi

r=$(flows 60)
echo "60 requests: ok/failed $r"
assert_eq "60 flows, none failed" "60 0" "$r"
c1=$(conns d1) c2=$(conns d2)
echo "IPVS connections: d1 ${c1:-?} d2 ${c2:-?}"
assert_ge "d1 carried flows (ECMP)" "${c1:-0}" 1
assert_ge "d2 carried flows (ECMP)" "${c2:-0}" 1

# A check fails on d1 only (rs3's port 8001): quorum holds, d1 stays.
kill "$CHK_8001_3"
wait_until 15 "d1 sees rs3 down" grep -q "198.18.0.23:80 is down" \
    /tmp/lab-had-d1.log
check "d1 saw rs3 down" grep -q "198.18.0.23:80 is down" /tmp/lab-had-d1.log
check "d2 did not" sh -c '! grep -q "198.18.0.23:80 is down" /tmp/lab-had-d2.log'
sleep 2
assert_eq "one check down on d1: both still announce" "$BOTH" "$(hops)"

# Quorum lost on d1: its route goes; back: announced again.
kill "$CHK_8001_1" "$CHK_8001_2"
wait_until 20 "d1 withdrawn" hops_are 198.18.0.12
assert_eq "quorum lost on d1: only d2 announces" 198.18.0.12 "$(hops)"
check "d1 logs the quorum loss" grep -q "quorum lost" /tmp/lab-had-d1.log
for i in 1 2 3; do
	lab_bg "chk8001b-rs$i" rs$i httpd -f -p 8001 -h "/tmp/www-rs$i"
done
wait_until 20 "d1 announced again" hops_are "$BOTH"
assert_eq "quorum back on d1: both announce" "$BOTH" "$(hops)"

# Client requests in the background while something happens to d1.
flows_start() {	# file
	flows 40 > "$1" &
	fpid=$!
	sleep 1
	t0=$(_lab_now_cs)
}
flows_end() {	# file what max-failed
	wait "$fpid"
	r=$(cat "$1")
	echo "40 requests through the $2: ok/failed $r"
	assert_le "$2: at most $3 request(s) of 40 failed" "${r#* }" "$3"
}

# Orderly stop of d1: the route leaves the router while had still runs.
flows_start /tmp/flows-stop.txt
kill "$HAD_d1"
gone_cs= alive_at_withdraw=no
i=0
while [ $i -lt 100 ]; do
	if hops_are 198.18.0.12; then
		gone_cs=$(( $(_lab_now_cs) - t0 ))
		kill -0 "$HAD_d1" 2>/dev/null && alive_at_withdraw=yes
		break
	fi
	sleep 0.05
	i=$((i + 1))
done
wait_until 10 "d1's had gone" sh -c "! kill -0 $HAD_d1 2>/dev/null"
echo "orderly stop: route gone from the router after ${gone_cs:-?}0 ms"
check "orderly stop: d1's route leaves the router" test -n "$gone_cs"
assert_eq "orderly stop: withdrawn before had is down" yes "$alive_at_withdraw"
check "orderly stop: IPVS service still in d1 (had never removes it)" \
    sh -c "ip netns exec d1 ipvsadm -Ln | grep -q '$SVC'"
flows_end /tmp/flows-stop.txt "orderly stop" 1

# Back, then the whole director killed: BFD takes its route away.
had_start d1
wait_until 30 "d1 announced again" hops_are "$BOTH"
assert_eq "d1 back: both announce" "$BOTH" "$(hops)"
for n in d1 d2; do
	check "$n: master and backup sync daemons (active_active)" sh -c \
	    "ip netns exec $n ipvsadm -L --daemon | grep -q 'master sync' &&
	    ip netns exec $n ipvsadm -L --daemon | grep -q 'backup sync'"
done
# Long flows over both directors; the kernel sends a flow's entry on its
# third packet and flushes within 2 s: d2 soon knows every one.
c1=$(conns d1 7)
lflows_start 30 60
d2_knows_all() { [ "$(entries d2)" -ge 30 ]; }
wait_until 15 "d2 knows every long flow" d2_knows_all
e2=$(entries d2)
echo "long flows: d1 scheduled $(( $(conns d1 7) - ${c1:-0} )), d2 holds $e2 entries"
assert_ge "d1 carries long flows" "$(( $(conns d1 7) - ${c1:-0} ))" 1
assert_ge "d2 holds an entry for every long flow (sync)" "$e2" 30
flows_start /tmp/flows-kill.txt
kill -9 "$HAD_d1" $(cat /tmp/frr-d1/*.pid) 2>/dev/null
wait_until 10 "d1 gone from the router" hops_are 198.18.0.12
ms=$(( ($(_lab_now_cs) - t0) * 10 ))
echo "director killed: route gone from the router after $ms ms"
assert_le "killed: route gone within 3 s (BFD 300 ms + TCG)" "$ms" 3000
flows_end /tmp/flows-kill.txt "director kill" 2
sleep 3
lflows_end
r=$LFLOWS
echo "30 long flows through the director kill: $r"
grep broken /tmp/lflows.err | head -5
assert_eq "killed: no long flow broken (mh + sync)" "open 30 broken 0" "$r"
finish
