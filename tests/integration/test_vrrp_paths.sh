#!/bin/bash
# VRRP over more than one path (issue 20): a had pair on the lab bridge
# (eth0, multicast adverts) with a unicast_path over a second, direct
# link (eth1, 198.19.0.0/24).  nftables in the nodes cuts one path or
# the other; the pair must not move.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
. tests/lab.sh
need_root

if ! command -v nft >/dev/null 2>&1; then
	skip "nft is not installed (scripts/setup-deps.sh installs nftables)"
	summary
	exit 0
fi

VIP=198.18.0.100
ADV=0.2		# advert_int: Master_Down_Interval about 0.6 s

lab_init || { fail "lab_init"; summary; exit 1; }
lab_node a 198.18.0.1/24
lab_node b 198.18.0.2/24
# The heartbeat link: a veth straight from a to b.
ip -n "$LAB-a" link add eth1 type veth peer name eth1 netns "$LAB-b"
ip -n "$LAB-a" addr add 198.19.0.1/24 dev eth1
ip -n "$LAB-b" addr add 198.19.0.2/24 dev eth1
ip -n "$LAB-a" link set eth1 up
ip -n "$LAB-b" link set eth1 up

# mkconf NODE PRIO EXTRA: had's configuration, EXTRA lines in the instance.
mkconf() {
	local n=$1 f=$LAB_DIR/$1/had.conf src peer
	if [ "$n" = a ]; then src=198.19.0.1 peer=198.19.0.2
	else src=198.19.0.2 peer=198.19.0.1; fi
	cat >"$f" <<CONF
global_defs {
	router_id lab-$n
}
vrrp_instance VI_P {
	state BACKUP
	interface eth0
	virtual_router_id 61
	priority $2
	advert_int $ADV
	vrrp_version 3
	unicast_path eth1 $src $peer
	$3
	virtual_ipaddress {
		$VIP/24 dev eth0
	}
}
CONF
	echo "$f"
}

# nft_drop NODE IFNAME|-: drop VRRP arriving on that interface (- none).
nft_drop() {
	lab_exec "$1" nft delete table inet hadpaths 2>/dev/null
	[ "$2" = - ] && return 0
	lab_exec "$1" nft -f - <<NFT
table inet hadpaths {
	chain in {
		type filter hook input priority -10; policy accept;
		iifname "$2" meta l4proto { vrrp, ah } drop
	}
}
NFT
}

field() { lab_vrrp_field "$1" VI_P "$2"; }

# ------------------------------------------------ two paths, one cut
lab_start_had a "$(mkconf a 150 "")" ||
    fail "had starts on a ($(tail -3 "$LAB_DIR/a/had.log"))"
lab_start_had b "$(mkconf b 100 "")" ||
    fail "had starts on b ($(tail -3 "$LAB_DIR/b/had.log"))"
check "a master" lab_wait_state a VI_P MASTER 5
check "b backup" lab_wait_state b VI_P BACKUP 5
sleep 1
r0=$(field b path_received)
sleep 1
r1=$(field b path_received)
check "b hears a's adverts over the unicast_path too ($r0 -> $r1 in 1 s)" \
    [ "${r1:-0}" -gt "${r0:-0}" ]
check "show vrrp names the path ($(field b path))" \
    [ "$(field b path)" = "eth1 198.19.0.1" ]

ta=$(field a transitions)
tb=$(field b transitions)
# The VRRP link (eth0) cut both ways for 3 s: 5 Master_Down_Intervals.
nft_drop a eth0
nft_drop b eth0
sleep 3
nft_drop a -
nft_drop b -
check "eth0 cut for 3 s, eth1 up: no transition on a ($ta -> $(field a transitions)) nor b ($tb -> $(field b transitions))" \
    [ "$(field a transitions)" = "$ta" ] && [ "$(field b transitions)" = "$tb" ]
check "eth0 cut: b still backup, the VIP on a only" \
    sh -c "[ \"\$(ip -n $LAB-b -o addr show | grep -c ' $VIP/')\" = 0 ]"

# The heartbeat link cut instead.
nft_drop a eth1
nft_drop b eth1
sleep 2
nft_drop a -
nft_drop b -
check "eth1 cut for 2 s, eth0 up: no transition ($ta -> $(field a transitions), $tb -> $(field b transitions))" \
    [ "$(field a transitions)" = "$ta" ] && [ "$(field b transitions)" = "$tb" ]

# Both cut: the backup takes over, as it must.
t0=$(now_ms)
nft_drop b "eth*"
check "both paths cut: b takes over" lab_wait_state b VI_P MASTER 5
echo "both paths cut: b master after $(( $(now_ms) - t0 )) ms"
nft_drop b -
check "paths back: a master again" lab_wait_state a VI_P MASTER 5
check "paths back: b backup again" lab_wait_state b VI_P BACKUP 5

for n in a b; do
	if grep -Eq 'AddressSanitizer|runtime error:|LeakSanitizer' \
	    "$LAB_DIR/$n/had.log" 2>/dev/null; then
		fail "sanitizer report in $n's had log"
		grep -E -A20 'AddressSanitizer|runtime error:' "$LAB_DIR/$n/had.log" | head -40
	fi
done
if [ "$T_FAIL" -gt 0 ] && [ -n "${VERBOSE:-}" ]; then
	for n in a b; do echo "--- $n"; tail -30 "$LAB_DIR/$n/had.log"; done
fi
summary
