#!/bin/bash
# announce (ACTIVE-ACTIVE WITH BGP in had.conf(5)) on the host, with a real
# had and real FRR (zebra, bgpd, bfdd from Debian's frr) in lab namespaces:
# a director d1 running had and FRR with etc/frr/director.conf, a router r1
# running FRR with etc/frr/router.conf.  What the host can show for real:
#  - the shipped FRR configuration carries a route of had's protocol in
#    had's table to the router over BGP (with BFD up), and only addresses
#    of the prefix list;
#  - a first start of had removes what a crashed had left (routes of its
#    protocol, any table) and the router loses it; another protocol's
#    route stays;
#  - this kernel has no IPVS: lvsd cannot program the virtual server, so
#    it is NOT announced (show lvs -j says "not in IPVS", metrics 0); on a
#    kernel with IPVS it must be announced and reach the router;
#  - hactl maintenance on/off reaches lvsd (show lvs says maintenance)
#    and says what it did on a box with no VRRP instance;
#  - a respawned lvsd adopts routes of its protocol and withdraws the ones
#    nothing asks for; an orderly stop leaves none.
# The route install/withdraw on quorum, maintenance and stop with IPVS
# programmed is tests/unit/test_lvs_announce.c (a stand-in IPVS) and
# tests/vm/test_lvs_bgp.sh (real IPVS).
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
. tests/lab.sh
need_root

FRR=/usr/lib/frr
V=tests/integration/json_schema.py
lab_init || { fail "lab namespace"; summary; exit 1; }
lab_node d1 198.18.0.11/24
lab_node r1 198.18.0.1/24
LOG=$LAB_DIR/d1/had.log

cat >"$LAB_DIR/had.conf" <<'EOF'
virtual_server 198.18.9.1 80 {
	protocol TCP
	lb_algo mh
	mh-port
	announce table 201
	real_server 198.18.0.50 80 {
		weight 1
	}
}
virtual_server 198.18.9.2 80 {
	protocol TCP
	real_server 198.18.0.50 80 {
		weight 1
	}
}
EOF

# FRR in a node: zebra, bfdd, bgpd with their own sockets in the lab.
frr_start() {	# node conf
	local n=$1 d=$LAB_DIR/frr-$1 dm
	mkdir -p "$d"
	cp "$2" "$d/frr.conf"
	chown -R frr:frr "$d"
	for dm in zebra bfdd bgpd; do
		lab_exec "$n" "$FRR/$dm" -d -f "$d/frr.conf" -i "$d/$dm.pid" \
		    -z "$d/zserv.api" --vty_socket "$d" -u frr -g frr \
		    $([ $dm = bfdd ] && echo --bfdctl "$d/bfdd.sock") \
		    >>"$d/$dm.log" 2>&1 || return 1
		wait_for 5 test -s "$d/$dm.pid" || return 1
		lab_track_pid "$(cat "$d/$dm.pid")"
	done
}
vtysh_r1() { lab_exec r1 vtysh --vty_socket "$LAB_DIR/frr-r1" -c "$1"; }
r1_has() { ip -n "$LAB-r1" route show "$1" | grep -q "proto bgp"; }
r1_lacks() { ! r1_has "$1"; }
t201() { ip -n "$LAB-d1" route show table 201 "$@"; }
ours() { t201 proto 245 | grep -q "^$1 "; }
notours() { ! ours "$1"; }

have_frr=0
if [ -x "$FRR/bgpd" ] && [ -x "$FRR/zebra" ] && [ -x "$FRR/bfdd" ] &&
    id frr >/dev/null 2>&1; then
	have_frr=1
else
	skip "FRR: no $FRR/bgpd, zebra, bfdd or user frr (apt install frr)"
fi

# What a crashed had left in its table, and an operator's route there.
ip -n "$LAB-d1" route add 198.18.9.7/32 dev lo table 201 proto 245
ip -n "$LAB-d1" route add 198.18.10.8/32 dev lo table 201 proto static

if [ $have_frr = 1 ]; then
	if frr_start r1 etc/frr/router.conf &&
	    frr_start d1 etc/frr/director.conf; then
		t0=$(now_ms)
		if wait_for 20 r1_has 198.18.9.7/32; then
			pass "FRR: the router learns 198.18.9.7 from table 201 over BGP ($(( $(now_ms) - t0 )) ms after FRR started)"
		else
			fail "FRR: the router learns 198.18.9.7 within 20 s"
			vtysh_r1 "show ip bgp summary"
			have_frr=0
		fi
		check "FRR: the prefix list keeps 198.18.10.8 in" r1_lacks 198.18.10.8/32
		bfd_up() { vtysh_r1 "show bfd peers brief" | grep -q ' up '; }
		check "FRR: BFD between router and director is up" wait_for 10 bfd_up
	else
		fail "FRR daemons start in the lab"
		have_frr=0
	fi
fi

if ! lab_start_had d1 "$LAB_DIR/had.conf"; then
	fail "had up in d1"
	cat "$LOG"
	summary
	exit 1
fi
pass "had up in d1"
logged() { grep -q -- "$1" "$LOG"; }

check "start: the route a crash left is removed" wait_for 5 notours 198.18.9.7
check "start: lvsd says so" logged "announce 198.18.9.7: removed in table 201 (left by an earlier run)"
check "start: another protocol's route in table 201 stays" \
    sh -c "ip -n '$LAB-d1' route show table 201 | grep -q '^198.18.10.8 '"
if [ $have_frr = 1 ]; then
	t0=$(now_ms)
	if wait_for 10 r1_lacks 198.18.9.7/32; then
		pass "FRR: the router loses 198.18.9.7 ($(( $(now_ms) - t0 )) ms after had removed it)"
	else
		fail "FRR: the router loses 198.18.9.7 within 10 s"
	fi
fi

show() { lab_hactl d1 -j show lvs >"$LAB_DIR/lvs.json" 2>/dev/null; }
field() {	# service field
	show && json_get "$LAB_DIR/lvs.json" \
	    "[r['$2'] for r in d if r['service']=='$1'][0]"
}
S1="TCP 198.18.9.1:80"
S2="TCP 198.18.9.2:80"
check "show lvs -j follows doc/schema/lvs.json" sh -c \
    "'$BUILD/hactl' -s '$LAB_DIR/d1/had.sock' -j show lvs >'$LAB_DIR/l.json' 2>/dev/null && python3 $V lvs '$LAB_DIR/l.json'"
check "show lvs: announce_table 201" [ "$(field "$S1" announce_table)" = 201 ]
check "show lvs: no announce on the other ($(field "$S2" announce))" \
    [ "$(field "$S2" announce)" = - ]

inkernel=$(field "$S1" in_kernel)
if [ "$inkernel" = True ]; then
	check "IPVS: the virtual server is announced" wait_for 5 ours 198.18.9.1
	[ $have_frr = 1 ] && check "FRR: the router learns 198.18.9.1" \
	    wait_for 10 r1_has 198.18.9.1/32
else
	# This kernel has no IPVS: lvsd cannot program it, so not out.
	sleep 1
	check "no IPVS: the virtual server is NOT announced" notours 198.18.9.1
	check "no IPVS: show lvs says why ($(field "$S1" announce))" \
	    [ "$(field "$S1" announce)" = "not in IPVS" ]
	check "no IPVS: show lvs announced false" \
	    [ "$(field "$S1" announced)" = False ]
	[ $have_frr = 1 ] && check "no IPVS: the router has no 198.18.9.1" \
	    r1_lacks 198.18.9.1/32
fi
check "show lvs text: the announce column" sh -c \
    "'$BUILD/hactl' -s '$LAB_DIR/d1/had.sock' show lvs | grep -q 'table 201'"
lab_hactl d1 show metrics >"$LAB_DIR/m.txt" 2>/dev/null
check "metrics: had_lvs_virtual_server_announced for the service" \
    grep -q "^had_lvs_virtual_server_announced{service=\"$S1\"} [01]$" \
    "$LAB_DIR/m.txt"

maint_is() { [ "$(field "$S1" announce)" = "$1" ]; }
out=$(lab_hactl d1 maintenance on 2>&1)
echo "hactl maintenance on: $out"
check "maintenance on says the routes are withdrawn" \
    sh -c "echo '$out' | grep -q 'announced routes withdrawn'"
check "maintenance on reaches lvsd" wait_for 5 logged "announce: maintenance on"
check "maintenance on: show lvs says maintenance" wait_for 3 maint_is maintenance
check "maintenance on: nothing announced" notours 198.18.9.1
out=$(lab_hactl d1 maintenance off 2>&1)
check "maintenance off says what goes out again" \
    sh -c "echo '$out' | grep -q 'announced again'"
check "maintenance off reaches lvsd" wait_for 5 logged "announce: maintenance off"
not_maint() { ! maint_is maintenance; }
check "maintenance off: show lvs no longer says maintenance" \
    wait_for 3 not_maint

# A respawned lvsd adopts our routes; what nothing asks for is withdrawn.
ip -n "$LAB-d1" route add 198.18.9.9/32 dev lo table 201 proto 245
if lab_kill_child d1 lvsd; then
	pass "lvsd killed and respawned"
	check "respawn: lvsd adopts 198.18.9.9" wait_for 5 \
	    logged "announce 198.18.9.9: adopted in table 201"
	check "respawn: and withdraws it (no virtual server asks for it)" \
	    wait_for 5 notours 198.18.9.9
else
	fail "lvsd killed and respawned"
fi

t0=$(now_ms)
lab_stop_had d1
check "orderly stop: had gone ($(( $(now_ms) - t0 )) ms)" \
    pid_gone "$(lab_had_pid d1)"
check "orderly stop: no route of protocol 245 left" \
    sh -c "! ip -n '$LAB-d1' route show table all proto 245 | grep -q ."
check "no lvsd error about announce" sh -c "! grep -q 'announce .*: .*table 201: ' '$LOG'"

summary
