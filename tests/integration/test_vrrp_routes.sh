#!/bin/bash
# keepalived's routing keywords and strict mode between two had nodes:
# virtual_routes and virtual_rules on the Master only, static_ipaddress,
# static_routes and static_rules on both while had runs; vrrp_strict with
# no_accept drops a client's traffic to the non-owner Master's VIP (an
# nftables table inet had of lvsd's), accept lets it through; nothing is
# left once had stops.  vrrp_strict refuses what keepalived's strict mode
# forbids.  Then keepalived as the Master of an IPv4 and an IPv6 instance
# with the same VRID on one link (separate routers in RFC 5798): had is
# the Backup of both, drops none of the adverts, and takes both over
# when keepalived stops.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
. tests/lab.sh
need_root

if ! command -v nft >/dev/null 2>&1; then
	skip "no nft command (scripts/setup-deps.sh installs nftables)"
	summary
	exit 0
fi

T0=$(now_ms)
HERE=tests/integration
A_KIND=had
B_KIND=keepalived
PY=python3
. "$HERE/vrrp_ka.sh"
lab_init || { fail "lab_init"; summary; exit 1; }
trap cleanup EXIT
lab_node a 198.18.0.1/24 2001:db8::1/64
lab_node b 198.18.0.2/24 2001:db8::2/64
lab_node c 198.18.0.3/24
if [ "$(basename "$BUILD")" = build-san ]; then
	export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
fi

for n in a b; do
	p=100; i=2
	[ "$n" = a ] && { p=150; i=1; }
	sed -e "s/@P@/$p/g" -e "s/@N@/$i/g" \
	    tests/integration/vrrp-routes.conf >"$LAB_DIR/$n.conf"
done

# What each node's kernel has.
vroute() { ip -n "$LAB-$1" route show 198.18.5.0/24 | grep -q \
    "via 198.18.0.254 dev eth0.*src 198.18.0.20"; }
vblack() { ip -n "$LAB-$1" route show table 101 2>/dev/null | grep -q \
    "blackhole 198.18.6.0/24"; }
vrule() { ip -n "$LAB-$1" rule show | grep -q \
    "^1001:.*from 198.18.0.20 lookup 101"; }
saddr() { ip -n "$LAB-$1" -o addr show dev lo | grep -q " 198.18.3.$2/32"; }
sroute() { ip -n "$LAB-$1" route show table 100 2>/dev/null | grep -q \
    "198.18.4.0/24 via 198.18.0.254 dev eth0"; }
srule() { ip -n "$LAB-$1" rule show | grep -q \
    "^1000:.*from 198.18.4.0/24 lookup 100"; }
vall() { vroute "$1" && vblack "$1" && vrule "$1"; }
vnone() { ! vroute "$1" && ! vblack "$1" && ! vrule "$1"; }
sall() { saddr "$1" "$2" && sroute "$1" && srule "$1"; }
snone() { ! saddr "$1" "$2" && ! sroute "$1" && ! srule "$1"; }
nft_has() { lab_exec "$1" nft list table inet had 2>/dev/null |
    grep -q "$2"; }
nft_gone() { ! lab_exec "$1" nft list table inet had >/dev/null 2>&1; }
# ping_ok NODE ADDR: one of three echo requests answered within 1 s.
ping_ok() { lab_exec "$1" ping -n -q -c 3 -i 0.2 -W 1 "$2" >/dev/null 2>&1; }

lab_start_had a "$LAB_DIR/a.conf" || { fail "had on a up"; summary; exit 1; }
lab_start_had b "$LAB_DIR/b.conf" || { fail "had on b up"; summary; exit 1; }
check "a is Master of VI_R" lab_wait_state a VI_R MASTER 5
check "b is Backup of VI_R" lab_wait_state b VI_R BACKUP 5
check "a is Master of VI_A" lab_wait_state a VI_A MASTER 5

check "virtual_routes and virtual_rules on the Master (a)" wait_for 3 vall a
check "no virtual route or rule on the Backup (b)" vnone b
check "static address, route and rule on a" wait_for 3 sall a 1
check "static address, route and rule on b" wait_for 3 sall b 2

# no_accept under vrrp_strict: a (priority 150, not the owner) drops.
check "nft table inet had on a holds VI_R's VIP" nft_has a 198.18.0.20
check "VI_A's VIP (accept) is not in a's table" eval '! nft_has a 198.18.0.21'
check "client reaches a's own address" ping_ok c 198.18.0.1
if ping_ok c 198.18.0.20; then
	fail "ping to VI_R's VIP (no_accept) dropped on the Master"
else
	pass "ping to VI_R's VIP (no_accept) dropped on the Master"
fi
check "ping to VI_A's VIP (accept) answered by the Master" \
    ping_ok c 198.18.0.21
check "no nft table on the Backup (b)" nft_gone b

# a stops: b takes over with the routes; a keeps nothing.
t=$(now_ms)
lab_stop_had a
check "b is Master of VI_R once a stops" lab_wait_state b VI_R MASTER 5
check "virtual routes and rules on the new Master (b)" wait_for 3 vall b
echo "  b's routes in place $(( $(now_ms) - t )) ms after a was told to stop"
check "nothing of VI_R's routes and rules left on a" vnone a
check "static address, route and rule gone from a" snone a 1
check "a's nft table gone after had stopped" nft_gone a
check "b's nft table holds the VIP now" nft_has b 198.18.0.20
if ping_ok c 198.18.0.20; then
	fail "ping to the VIP dropped on the new Master (b)"
else
	pass "ping to the VIP dropped on the new Master (b)"
fi

lab_stop_had b
check "nothing left on b after had stopped" eval 'vnone b && snone b 2'
check "b's nft table gone after had stopped" nft_gone b

# vrrp_strict refuses what keepalived's strict mode forbids.
strict_refuses() {	# what extra-lines
	printf 'global_defs {\nvrrp_strict\n}\nvrrp_instance V {\n'\
'interface eth0\nvirtual_router_id 1\npriority 100\nvrrp_version 3\n'\
'virtual_ipaddress {\n198.18.0.9/24\n}\n%s\n}\n' "$2" >"$LAB_DIR/s.conf"
	if "$BUILD/had" -n -f "$LAB_DIR/s.conf" >"$LAB_DIR/s.out" 2>&1; then
		fail "vrrp_strict refuses $1"
	elif grep -q "vrrp_strict forbids it" "$LAB_DIR/s.out"; then
		pass "vrrp_strict refuses $1"
	else
		fail "vrrp_strict refuses $1: $(head -1 "$LAB_DIR/s.out")"
	fi
}
strict_refuses "unicast_peer" "unicast_peer {
198.18.0.2
}"
strict_refuses "a first IPv6 address that is not link-local" \
    "virtual_ipaddress {
2001:db8::9/64
}"
# What keepalived's strict mode resets, had resets too, and says so.
printf 'global_defs {\nvrrp_strict\n}\nvrrp_instance V {\ninterface eth0\n'\
'virtual_router_id 1\nvrrp_version 3\npreempt_delay 2\n'\
'virtual_ipaddress {\n198.18.0.9/24\n}\n}\n' >"$LAB_DIR/s.conf"
if "$BUILD/had" -n -f "$LAB_DIR/s.conf" >"$LAB_DIR/s.out" 2>&1 &&
    grep -q "vrrp_strict: preempt_delay is ignored" "$LAB_DIR/s.out"; then
	pass "vrrp_strict: preempt_delay ignored with a warning, as keepalived"
else
	fail "vrrp_strict: preempt_delay ignored with a warning: $(head -1 "$LAB_DIR/s.out")"
fi
if "$BUILD/had" -n -f "$LAB_DIR/b.conf" >/dev/null 2>&1; then
	pass "the lab's strict config loads"
else
	fail "the lab's strict config loads"
fi

# The same VRID on IPv4 and IPv6: keepalived (b) Master, had (a) Backup.
if ! command -v keepalived >/dev/null 2>&1; then
	skip "same VRID on IPv4 and IPv6: no keepalived"
else
	for n in a b; do
		p=100
		[ "$n" = b ] && p=200
		sed -e "s/@NODE@/lab-$n/" -e "s/@PRIO@/$p/" \
		    -e "s|@DIR@|$LAB_DIR/$n|" "$HERE/vrrp-samevrid.conf.in" \
		    >"$LAB_DIR/$n/samevrid.conf"
	done
	ka_start b "$LAB_DIR/b/samevrid.conf"
	check "keepalived Master of VK4 and VK6 (VRID 40 twice)" \
	    wait_for 5 eval 'lab_has_addr b 198.18.0.40 &&
	    lab_has_addr b 2001:db8::40'
	lab_start_had a "$LAB_DIR/a/samevrid.conf" ||
	    fail "had on a up with the same VRID twice"
	check "had Backup of VK4" lab_wait_state a VK4 BACKUP 5
	check "had Backup of VK6" lab_wait_state a VK6 BACKUP 5
	sleep 1
	check "had stays Backup of both, keepalived keeps both VIPs" \
	    eval 'lab_state_is a VK4 BACKUP && lab_state_is a VK6 BACKUP &&
	    lab_has_addr b 198.18.0.40 && lab_has_addr b 2001:db8::40 &&
	    ! lab_has_addr a 198.18.0.40 && ! lab_has_addr a 2001:db8::40'
	for i in VK4 VK6; do
		rx=$(lab_vrrp_field a "$i" adverts_received)
		dr=$(lab_hactl a show vrrp "$i" -j | python3 -c 'import json,sys
print(sum(json.load(sys.stdin)["items"][0]["drops"].values()))')
		check "had's $i hears keepalived ($rx adverts) and drops none ($dr)" \
		    eval '[ "${rx:-0}" -gt 5 ] && [ "${dr:-1}" = 0 ]'
	done
	ka_stop b
	check "had Master of VK4 once keepalived stops" \
	    lab_wait_state a VK4 MASTER 5
	check "had Master of VK6 once keepalived stops" \
	    lab_wait_state a VK6 MASTER 5
	check "had holds both VIPs" wait_for 3 eval \
	    'lab_has_addr a 198.18.0.40 && lab_has_addr a 2001:db8::40'
	lab_stop_had a
fi

echo "  took $(( $(now_ms) - T0 )) ms"
summary
