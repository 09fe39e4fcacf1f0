#!/bin/bash
# use_vmac in the lab: vrrpd asks lvsd for a macvlan with the virtual MAC
# 00:00:5e:00:01:VRID, the VIP lives on it, adverts and gratuitous ARP
# leave it (a third node sees the virtual MAC), failover moves the VIP
# and the virtual MAC, and the VMAC goes with its instance.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
. tests/lab.sh
need_root
command -v tshark >/dev/null 2>&1 || { skip "tshark not installed"; summary; exit 0; }

T0=$(now_ms)
lab_init || { fail "lab_init"; summary; exit 1; }
lab_node a 198.18.0.1/24
lab_node b 198.18.0.2/24
lab_node c 198.18.0.3/24
# lvsd sets arp_ignore 1 and arp_filter 1 on a VMAC's parent, so that
# only the VMAC answers ARP for the VIP, and arp_ignore 1 on each VMAC,
# so that none answers for another's (as keepalived does; checked below).
# arp_announce is the operator's, as with keepalived: without 2, the
# parent's own ARP requests for packets from the VIP name the VIP as
# sender with the parent's MAC (which would teach c the wrong MAC).
for n in a b; do
	lab_exec $n sysctl -qw net.ipv4.conf.all.arp_announce=2
done
conf() {	# node ifname setting
	ip netns exec "$LAB-$1" cat "/proc/sys/net/ipv4/conf/$2/$3" 2>/dev/null
}
check "a's eth0 starts with arp_ignore 0, arp_filter 0" \
    [ "$(conf a eth0 arp_ignore) $(conf a eth0 arp_filter)" = "0 0" ]
if [ "$(basename "$BUILD")" = build-san ]; then
	export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
fi

VMAC=00:00:5e:00:01:2a
VMAC43=00:00:5e:00:01:2b
for n in a b; do
	p=100; [ $n = a ] && p=150
	sed -e "s|@PRIO@|$p|g" tests/integration/vrrp-vmac.conf \
	    >"$LAB_DIR/$n.conf"
done

st() { lab_vrrp_field "$1" "$2" state; }
both_state() { [ "$(st a "$1")" = "$2" ] && [ "$(st b "$1")" = "$3" ]; }
link_mac() {	# node ifname
	ip -n "$LAB-$1" -o link show "$2" 2>/dev/null |
	    sed -n 's|.*link/ether \([0-9a-f:]*\).*|\1|p'
}
vip_on() {	# node ifname addr
	ip -n "$LAB-$1" -o addr show dev "$2" 2>/dev/null | grep -q " $3/"
}
vip_anywhere() { ip -n "$LAB-$1" -o addr show | grep -q " $2/"; }
neigh_mac() {	# node addr
	ip -n "$LAB-$1" neigh show "$2" | sed -n 's|.*lladdr \([0-9a-f:]*\).*|\1|p'
}
# The bridge port the switch learned a MAC on.
fdb_port() {
	bridge -n "$LAB-sw" fdb show br br0 2>/dev/null |
	    awk -v m="$1" '$1 == m { print $3; exit }'
}
port_of() {	# node: its veth in the switch
	ip -n "$LAB-sw" -o link show master br0 | awk -F': ' '{print $2}' |
	    sed 's/@.*//' | grep -E "^($LAB-$1|l$$$1)\$"
}

lab_start_had a "$LAB_DIR/a.conf" || { fail "had on a up"; summary; exit 1; }
lab_start_had b "$LAB_DIR/b.conf" || { fail "had on b up"; summary; exit 1; }
check "a master, b backup" wait_for 4 both_state VI_VMAC MASTER BACKUP
check "named VMAC instance: a master, b backup" \
    wait_for 2 both_state VI_NAMED MASTER BACKUP

check "VMAC vrrp.42 exists on a" wait_for 2 ip -n "$LAB-a" link show vrrp.42
check "vrrp.42 on a has MAC $VMAC ($(link_mac a vrrp.42))" \
    [ "$(link_mac a vrrp.42)" = $VMAC ]
check "vrrp.42 is a macvlan on eth0" sh -c \
    "ip -n '$LAB-a' -d link show vrrp.42 | grep -q 'vrrp.42@eth0' &&
    ip -n '$LAB-a' -d link show vrrp.42 | grep -q macvlan"
check "named VMAC vmac43 on a has MAC $VMAC43" \
    [ "$(link_mac a vmac43)" = $VMAC43 ]
check "VIP 198.18.0.42 on vrrp.42 on a" wait_for 2 vip_on a vrrp.42 198.18.0.42
check "VIP 198.18.0.42 not on a's eth0" \
    sh -c "! ip -n '$LAB-a' -o addr show dev eth0 | grep -q ' 198.18.0.42/'"
check "VIP 198.18.0.43 on vmac43 on a" wait_for 2 vip_on a vmac43 198.18.0.43
for v in vrrp.42 vmac43; do
	got="$(conf a $v arp_ignore) $(conf a $v accept_local) $(conf a $v rp_filter) $(conf a $v promote_secondaries)"
	check "lvsd set $v's arp_ignore 1, accept_local 1, rp_filter 0, promote_secondaries 1 ($got)" \
	    [ "$got" = "1 1 0 1" ]
done
check "lvsd set a's eth0 arp_ignore 1, arp_filter 1" \
    [ "$(conf a eth0 arp_ignore) $(conf a eth0 arp_filter)" = "1 1" ]
check "a's log says so, and that they are put back later" \
    grep -q "eth0: arp_ignore 0 -> 1, arp_filter 0 -> 1 for its VMACs (put back when they go)" "$LAB_DIR/a/had.log"
check "b (backup) has its VMAC too, without the VIP" sh -c \
    "ip -n '$LAB-b' link show vrrp.42 >/dev/null 2>&1 &&
    ! ip -n '$LAB-b' -o addr show | grep -q ' 198.18.0.42/'"

# What a third node sees: adverts from the virtual MAC.
CAP=$LAB_DIR/c-adv.pcap
lab_exec c tshark -q -i eth0 -a duration:2 -f "ip proto 112" -w "$CAP" \
    >/dev/null 2>&1
n_vmac=$(tshark -r "$CAP" -Y "vrrp.virt_rtr_id == 42 && eth.src == $VMAC" \
    2>/dev/null | wc -l)
n_other=$(tshark -r "$CAP" -Y "vrrp.virt_rtr_id == 42 && eth.src != $VMAC" \
    2>/dev/null | wc -l)
check "adverts for vrid 42 leave from $VMAC ($n_vmac in 2 s)" \
    [ "$n_vmac" -ge 10 ]
check "no advert for vrid 42 from another MAC ($n_other)" [ "$n_other" = 0 ]
src_ip=$(tshark -r "$CAP" -Y "vrrp.virt_rtr_id == 42" -T fields -e ip.src \
    2>/dev/null | sort -u | tr '\n' ' ')
check "adverts keep a's address as source ($src_ip)" \
    [ "$src_ip" = "198.18.0.1 " ]
check "b hears a as master through the VMAC" \
    [ "$(lab_vrrp_field b VI_VMAC master)" = 198.18.0.1 ]

# The peer's neighbour table after a ping.
check "c pings the VIP" lab_exec c ping -c 2 -i 0.2 -W 1 198.18.0.42
check "c's neighbour entry for the VIP is $VMAC ($(neigh_mac c 198.18.0.42))" \
    [ "$(neigh_mac c 198.18.0.42)" = $VMAC ]
check "the switch learned $VMAC on a's port" \
    [ "$(fdb_port $VMAC)" = "$(port_of a)" ]

# Failover: a's had stops; b takes the VIP on its own VMAC, and its
# gratuitous ARP (from the virtual MAC) moves the switch's entry.
CAP2=$LAB_DIR/c-garp.pcap
lab_exec c tshark -q -i eth0 -a duration:4 -f arp -w "$CAP2" \
    >/dev/null 2>&1 &
TSH=$!
lab_track_pid $TSH
sleep 1
lab_stop_had a TERM
check "failover: b master" wait_for 3 lab_state_is b VI_VMAC MASTER
check "VIP on b's vrrp.42" wait_for 2 vip_on b vrrp.42 198.18.0.42
check "VIP gone from a" sh -c "! ip -n '$LAB-a' -o addr show | grep -q ' 198.18.0.42/'"
check "a's VMAC removed when its instance stopped" \
    wait_for 4 sh -c "! ip -n '$LAB-a' link show vrrp.42 >/dev/null 2>&1"
check "a's named VMAC removed too" \
    wait_for 4 sh -c "! ip -n '$LAB-a' link show vmac43 >/dev/null 2>&1"
eth0_back() { [ "$(conf a eth0 arp_ignore) $(conf a eth0 arp_filter)" = "0 0" ]; }
check "a's eth0: arp_ignore 0, arp_filter 0 put back with its last VMAC" \
    wait_for 2 eth0_back
wait "$TSH" 2>/dev/null
n_garp=$(tshark -r "$CAP2" -Y "arp.isgratuitous == 1 && arp.src.proto_ipv4 == 198.18.0.42 && eth.src == $VMAC && arp.src.hw_mac == $VMAC" \
    2>/dev/null | wc -l)
check "gratuitous ARP for the VIP from $VMAC after failover ($n_garp)" \
    [ "$n_garp" -ge 1 ]
check "the switch moved $VMAC to b's port" \
    wait_for 2 sh -c "[ \"\$(bridge -n '$LAB-sw' fdb show br br0 | awk -v m=$VMAC '\$1 == m {print \$3; exit}')\" = '$(port_of b)' ]"
check "c still reaches the VIP, now on b" \
    lab_exec c ping -c 2 -i 0.2 -W 1 198.18.0.42
check "c's neighbour entry is still $VMAC" \
    [ "$(neigh_mac c 198.18.0.42)" = $VMAC ]

# a comes back and preempts: the VIP and the MAC move back.
lab_start_had a "$LAB_DIR/a.conf" || fail "had on a up again"
check "a preempts" wait_for 4 both_state VI_VMAC MASTER BACKUP
check "VIP back on a's vrrp.42" wait_for 2 vip_on a vrrp.42 198.18.0.42
check "VIP gone from b" wait_for 2 sh -c "! ip -n '$LAB-b' -o addr show | grep -q ' 198.18.0.42/'"
check "b keeps its VMAC as backup" ip -n "$LAB-b" link show vrrp.42
check "the switch moved $VMAC back to a's port" \
    wait_for 2 sh -c "[ \"\$(bridge -n '$LAB-sw' fdb show br br0 | awk -v m=$VMAC '\$1 == m {print \$3; exit}')\" = '$(port_of a)' ]"

# Reload b without VI_NAMED: its VMAC goes, VI_VMAC is untouched.
tr=$(lab_vrrp_field b VI_VMAC transitions)
python3 - "$LAB_DIR/b.conf" <<'PY'
import re, sys
p = sys.argv[1]
s = open(p).read()
s = re.sub(r'! A named VMAC.*', '', s, flags=re.S)
open(p, 'w').write(s)
PY
out=$(lab_hactl b reload 2>&1)
check "reload b without VI_NAMED ($(echo "$out" | head -1))" \
    wait_for 2 sh -c "! ip -n '$LAB-b' link show vmac43 >/dev/null 2>&1"
check "VI_VMAC on b untouched by the reload" \
    [ "$(lab_vrrp_field b VI_VMAC transitions)" = "$tr" ]
check "b's vrrp.42 still there" ip -n "$LAB-b" link show vrrp.42

lab_stop_had a TERM
lab_stop_had b TERM
if grep -Eq 'AddressSanitizer|runtime error:|LeakSanitizer' \
    "$LAB_DIR"/*/had.log; then
	fail "sanitizer reports in the logs"
	grep -E -A20 'AddressSanitizer|runtime error:' "$LAB_DIR"/*/had.log |
	    head -60
else
	pass "no sanitizer report in the logs"
fi
if grep -q 'unexpected message type' "$LAB_DIR"/*/had.log; then
	fail "a process rejected a message type"
	grep 'unexpected message type' "$LAB_DIR"/*/had.log | head
else
	pass "no message type rejected"
fi
echo "test_vrrp_vmac: $(( ($(now_ms) - T0) / 1000 )) s"
summary
