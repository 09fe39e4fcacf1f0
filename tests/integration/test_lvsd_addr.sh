#!/bin/bash
# lvsd's rtnetlink work for vrrpd, with a real had in a lab namespace:
# lvsd runs with only CAP_NET_ADMIN, watches the instance's link, puts the
# VIPs vrrpd asks for on eth0 (label included), tells vrrpd when one is
# removed behind its back, and a respawned lvsd changes nothing.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
. tests/lab.sh
need_root

CONF=tests/integration/lvsd-addr.conf

lab_init || { fail "lab namespace"; summary; exit 1; }
lab_node n1 198.18.0.1/24 2001:db8::1/64
LOG=$LAB_DIR/n1/had.log

if ! lab_start_had n1 "$CONF"; then
	fail "had up in the lab node"
	cat "$LOG"
	summary
	exit 1
fi
pass "had up in the lab node"

procs() { lab_hactl n1 show procs -j >"$LAB_DIR/p.json"; }
field() {	# name field
	procs && json_get "$LAB_DIR/p.json" \
	    "[r['$2'] for r in d if r['name']=='$1'][0]"
}
lvsd_up() {
	[ "$(field lvsd running)" = True ] && [ "$(field lvsd pid)" -gt 0 ]
}

check "show procs: lvsd running" wait_for 5 lvsd_up
check "show procs: lvsd holds cap_net_admin only ($(field lvsd capabilities))" \
    [ "$(field lvsd capabilities)" = cap_net_admin ]
pid=$(field lvsd pid)
check "lvsd: CapEff is CAP_NET_ADMIN in /proc" \
    grep -q '^CapEff:[[:space:]]*0000000000001000$' "/proc/$pid/status"

logged() { grep -q -- "$1" "$LOG"; }

# The monitor: eth0 is the instance's link.
lab_link n1 down
check "lvsd logs eth0 going down" wait_for 3 logged 'eth0: link down'
lab_link n1 up
check "lvsd logs eth0 coming up" wait_for 3 logged 'eth0: link up'

# vrrpd becomes master alone and asks lvsd for the VIPs.
vip4() { lab_has_addr n1 198.18.0.100; }
if ! grep -q IMSG_VIP_ADD vrrpd/*.c 2>/dev/null; then
	skip "vrrpd does not send VIP_ADD yet: VIP checks not run"
elif ! wait_for 10 vip4; then
	fail "VIP 198.18.0.100 on eth0 within 10 s"
	grep -E 'lvsd|vrrpd' "$LOG" | tail -20
else
	pass "VIP 198.18.0.100 on eth0"
	check "lvsd logs the add" logged 'VI_1: added 198.18.0.100/24 on eth0'
	check "VIP 198.18.0.101 on eth0 with label eth0:1" \
	    sh -c "ip -n $LAB-n1 -o -4 addr show dev eth0 |
	    grep -q '198.18.0.101/24 .*eth0:1'"
	check "IPv6 VIP 2001:db8::100/64 on eth0" \
	    wait_for 3 lab_has_addr n1 2001:db8::100
	check "the node's own address is untouched" \
	    lab_has_addr n1 198.18.0.1
	check "no request refused" sh -c "! grep -q 'refused' '$LOG'"

	# Removed behind our back: lvsd tells vrrpd, which adds it again.
	ip -n "$LAB-n1" addr del 198.18.0.100/24 dev eth0
	check "lvsd notices the VIP removed behind its back" \
	    wait_for 3 logged '198.18.0.100/24 removed from eth0 behind'
	check "the VIP is back within 3 s" wait_for 3 vip4

	# A respawned lvsd disturbs nothing.
	before=$(ip -n "$LAB-n1" -o addr show dev eth0 | awk '{print $4}' |
	    sort | tr '\n' ' ')
	ip netns exec "$LAB-n1" ip monitor address >"$LAB_DIR/mon.txt" 2>&1 &
	monpid=$!
	lab_track_pid $monpid
	sleep 0.2
	kill -KILL "$pid"
	newpid() {
		p=$(field lvsd pid) && [ "$p" != "$pid" ] && [ "$p" -gt 0 ]
	}
	check "lvsd respawned" wait_for 3 newpid
	check "the respawned lvsd takes the VIPs over as they are" \
	    wait_for 3 logged 'already in place'
	sleep 1
	kill "$monpid" 2>/dev/null
	after=$(ip -n "$LAB-n1" -o addr show dev eth0 | awk '{print $4}' |
	    sort | tr '\n' ' ')
	check "addresses unchanged across the respawn ($after)" \
	    [ "$before" = "$after" ]
	check "vrrpd's requests to the new lvsd are answered, not refused" \
	    sh -c "! grep -q 'refused' '$LOG'"
	check "no address event during the respawn" \
	    sh -c "! grep -q '198.18\|2001:db8' '$LAB_DIR/mon.txt'"
	ip -n "$LAB-n1" addr del 198.18.0.101/24 dev eth0
	check "the respawned lvsd watches the VIPs it took over" \
	    wait_for 3 logged '198.18.0.101/24 removed from eth0 behind'
	check "and the VIP is back" \
	    wait_for 3 lab_has_addr n1 198.18.0.101
fi

if grep -Eq 'AddressSanitizer|runtime error:|LeakSanitizer' "$LOG"; then
	fail "sanitizer reports in the log"
	grep -E -A20 'AddressSanitizer|runtime error:' "$LOG" | head -60
else
	pass "no sanitizer report in the log"
fi
summary
