#!/bin/bash
# Steady VRRP on bad networks (issue 20).  A had pair on the lab bridge
# (eth0, multicast adverts) with a unicast_path over a second, direct
# link (eth1, 198.19.0.0/24), takeover_check and flap damping on; nft
# rules in the nodes cut one path or the other, or drop only the adverts
# (VRRP type 1) so that only a probe can tell the master lives.
#   - either path cut: no transition, the VIP on the master only;
#   - adverts lost, master alive: the backup's probe is answered, it
#     stays backup;
#   - a real failure (both links of the master down): taken over within
#     Master_Down_Interval + the check's wait + a margin (printed);
#   - the master coming back within flap_window: a flap, the backup's
#     tolerance rises by flap_penalty (hactl show vrrp -j);
#   - keepalived as the master: it ignores the probe, the had backup
#     takes over when its adverts stop, and gives way when they return;
#     had as the master over a keepalived backup: elections as before.
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
HERE=tests/integration
A_KIND=had
B_KIND=had
. "$HERE/vrrp_ka.sh"

VIP=198.18.0.100
ADV=0.2		# advert_int
ADV_MS=200
PENALTY=3
# The had pair switches to AH (VRRPv3 AH is had's extension) after the
# flap: adverts, probes and answers on both paths carry it.
AUTH=
AH="authentication {
		auth_type AH
		auth_pass hadpath1
	}"

T_START=$(now_ms)
lab_init || { fail "lab_init"; summary; exit 1; }
trap cleanup EXIT
lab_node a 198.18.0.1/24
lab_node b 198.18.0.2/24
# The heartbeat link: a veth straight from a to b.
ip -n "$LAB-a" link add eth1 type veth peer name eth1 netns "$LAB-b"
ip -n "$LAB-a" addr add 198.19.0.1/24 dev eth1
ip -n "$LAB-b" addr add 198.19.0.2/24 dev eth1
ip -n "$LAB-a" link set eth1 up
ip -n "$LAB-b" link set eth1 up

# hadconf NODE PRIO: had's configuration with every option of issue 20.
hadconf() {
	local n=$1 f=$LAB_DIR/$1/had.conf src peer
	if [ "$n" = a ]; then src=198.19.0.1 peer=198.19.0.2
	else src=198.19.0.2 peer=198.19.0.1; fi
	cat >"$f" <<CONF
global_defs {
	router_id lab-$n
	vrrp_version 3
}
vrrp_instance VI_P {
	state BACKUP
	interface eth0
	virtual_router_id 61
	priority $2
	advert_int $ADV
	unicast_path eth1 $src $peer
	takeover_check
	takeover_check_timeout 20
	flap_penalty $PENALTY
	flap_window 30
	flap_decay 120
	$AUTH
	virtual_ipaddress {
		$VIP/24 dev eth0
	}
}
CONF
	echo "$f"
}

kaconf() {	# node prio
	local f=$LAB_DIR/$1/ka.conf
	cat >"$f" <<CONF
global_defs {
	router_id lab-$1
	script_user root
	vrrp_version 3
}
vrrp_instance VI_P {
	state BACKUP
	interface eth0
	virtual_router_id 61
	priority $2
	advert_int $ADV
	virtual_ipaddress {
		$VIP/24 dev eth0
	}
	notify "$LAB_DIR/$1/notify.sh"
}
CONF
	echo "$f"
}

# nft_drop NODE WHAT: drop VRRP (and AH) arriving at NODE; WHAT is an
# interface name (pattern), "adverts" (type 1 only, every interface) or
# "-" (drop nothing).
nft_drop() {
	local rule
	lab_exec "$1" nft delete table inet hadpaths 2>/dev/null
	case "$2" in
	-) return 0 ;;
	adverts) rule='meta l4proto vrrp @th,4,4 1 drop
		meta l4proto ah @th,196,4 1 drop' ;;
	*) rule="iifname \"$2\" meta l4proto { vrrp, ah } drop" ;;
	esac
	lab_exec "$1" nft -f - <<NFT
table inet hadpaths {
	chain in {
		type filter hook input priority -10; policy accept;
		$rule
	}
}
NFT
}

mark() { echo "at $(( $(now_ms) - T_START )) ms: $*"; }
field() { lab_vrrp_field "$1" VI_P "$2"; }
vip_on() { lab_has_addr "$1" "$VIP"; }
vip_only_on() {	# node other: five samples 0.1 s apart
	local i
	for i in 1 2 3 4 5; do
		vip_on "$1" && ! vip_on "$2" || return 1
		sleep 0.1
	done
}
# wait_master_ms NODE LIMIT_S: poll the VIP every 10 ms; prints the ms.
wait_vip_ms() {
	local t0 i
	t0=$(now_ms)
	for i in $(seq $(( $2 * 100 ))); do
		if vip_on "$1"; then echo $(( $(now_ms) - t0 )); return 0; fi
		sleep 0.01
	done
	echo -1
	return 1
}

mark "two paths, one cut"
# ---------------------------------------------------- two paths, one cut
lab_start_had a "$(hadconf a 150)" ||
    fail "had starts on a ($(tail -3 "$LAB_DIR/a/had.log"))"
lab_start_had b "$(hadconf b 100)" ||
    fail "had starts on b ($(tail -3 "$LAB_DIR/b/had.log"))"
check "a master" lab_wait_state a VI_P MASTER 5
check "b backup" lab_wait_state b VI_P BACKUP 5
r0=$(field b path_received)
sleep 1
r1=$(field b path_received)
check "b hears a's adverts over the unicast_path too ($r0 -> $r1 in 1 s)" \
    [ "${r1:-0}" -gt "${r0:-0}" ]
check "show vrrp -j names the path ($(field b path))" \
    [ "$(field b path)" = "eth1 198.19.0.1" ]
check "show vrrp -j: tolerance 3 before any flap ($(field b tolerance))" \
    [ "$(field b tolerance)" = 3 ]
lab_hactl b show vrrp >"$LAB_DIR/b/show.txt" 2>&1
check "show vrrp (text) shows the path and the check" \
    sh -c "grep -q 'unicast_path eth1' '$LAB_DIR/b/show.txt' && grep -q 'takeover_check 20 ms' '$LAB_DIR/b/show.txt'"

ta=$(field a transitions)
tb=$(field b transitions)
# The VRRP link (eth0) cut both ways for 2 s: 2.7 Master_Down_Intervals.
nft_drop a eth0
nft_drop b eth0
sleep 1.5
check "eth0 cut: the VIP on a only" vip_only_on a b
nft_drop a -
nft_drop b -
ta1=$(field a transitions) tb1=$(field b transitions)
check "eth0 cut for 2 s (with the VIP check), eth1 up: no transition on a ($ta -> $ta1) nor b ($tb -> $tb1)" \
    [ "$ta1" = "$ta" ] && [ "$tb1" = "$tb" ]
check "eth0 cut: no dual master seen by a ($(field a dual_master))" \
    [ "$(field a dual_master)" = 0 ]

nft_drop a eth1
nft_drop b eth1
sleep 1.5
nft_drop a -
nft_drop b -
ta1=$(field a transitions) tb1=$(field b transitions)
check "eth1 cut for 1.5 s, eth0 up: no transition ($ta -> $ta1, $tb -> $tb1)" \
    [ "$ta1" = "$ta" ] && [ "$tb1" = "$tb" ]

mark "adverts lost, the master answers"
# ------------------------------------- adverts lost, the master answers
p0=$(field b probes_answered)
nft_drop b adverts
sleep 1.5
nft_drop b -
p1=$(field b probes_answered)
tb1=$(field b transitions)
check "adverts dropped at b for 1.5 s: a answers b's probes ($p0 -> $p1)" \
    [ "${p1:-0}" -gt "${p0:-0}" ]
check "adverts dropped at b for 1.5 s: b stays backup ($tb -> $tb1 transitions), VIP on a only" \
    sh -c "[ '$tb1' = '$tb' ] && [ '$(field b state)' = BACKUP ]"
check "adverts lost: the VIP on a only" vip_only_on a b

mark "a real failure"
# ------------------------------------------------------ a real failure
# a falls silent on both paths at once, as if powered off (an interface
# going down would make it send priority 0 first): nothing VRRP leaves
# it, not its adverts, not its answers.
# Master_Down_Interval at priority 100: 3 * 0.2 + 156/256 * 0.2 s.
mdi=$(( 3 * ADV_MS + 156 * ADV_MS / 256 ))
s0=$(field b probes_sent)
p0=$(field b probes_answered)
lab_exec a nft -f - <<NFT
table inet hadsilent {
	chain out {
		type filter hook output priority -10; policy accept;
		meta l4proto { vrrp, ah } drop
	}
}
NFT
ms=$(wait_vip_ms b 5)
echo "real failure (a silent on both paths): VIP on b after $ms ms (Master_Down_Interval $mdi ms + takeover_check 20 ms; a's last advert left up to $ADV_MS ms before the cut)"
check "real failure: b takes over within Master_Down_Interval + 20 ms + 500 ms margin ($ms ms)" \
    between "$ms" $(( mdi - ADV_MS - 50 )) $(( mdi + 20 + 500 ))
check "real failure: b MASTER" lab_wait_state b VI_P MASTER 2
s1=$(field b probes_sent) p1=$(field b probes_answered)
check "real failure: b probed first ($s0 -> $s1 probes) and got no answer ($p0 -> $p1)" \
    sh -c "[ '${s1:-0}' -gt '${s0:-0}' ] && [ '$p1' = '$p0' ]"
sleep 0.5
check "two masters now (a cannot be heard): a counts b's adverts as dual master ($(field a dual_master))" \
    [ "$(field a dual_master)" -gt 0 ]
lab_hactl a show history >"$LAB_DIR/a/history.txt" 2>&1
check "a's event history has the dual master ($(grep -m1 'dual master' "$LAB_DIR/a/history.txt"))" \
    grep -Eq 'dual master: 198\.1[89]\.0\.2 adverts priority 100' "$LAB_DIR/a/history.txt"

mark "the flap"
# ------------------------------------------------------------- the flap
# a comes back within flap_window: it preempts, b counts a flap.
lab_exec a nft delete table inet hadsilent
check "a back: a master again" lab_wait_state a VI_P MASTER 10
check "a back: b backup again" lab_wait_state b VI_P BACKUP 5
tol=$(field b tolerance) fl=$(field b flaps)
check "flap: b's show vrrp -j has flaps 1 ($fl) and tolerance 3 + $PENALTY ($tol)" \
    sh -c "[ '$fl' = 1 ] && [ '$tol' = $((3 + PENALTY)) ]"
lab_hactl b -j show vrrp >"$LAB_DIR/b/vrrp-flap.json" 2>&1
check "show vrrp -j with every new member fits doc/schema/vrrp.json" \
    python3 "$HERE/json_schema.py" vrrp "$LAB_DIR/b/vrrp-flap.json"
lab_hactl b show metrics >"$LAB_DIR/b/metrics.txt" 2>&1
check "flap: metrics show the tolerance and the flap ($(grep -E '^had_vrrp_(tolerance|flaps)' "$LAB_DIR/b/metrics.txt" | tr '\n' ' '))" \
    sh -c "grep -Eq '^had_vrrp_tolerance\{.*\} $((3 + PENALTY))\$' '$LAB_DIR/b/metrics.txt' && grep -Eq '^had_vrrp_flaps_total\{.*\} 1\$' '$LAB_DIR/b/metrics.txt'"

mark "AH on both paths"
# ------------------------------------------------------ AH on both paths
AUTH=$AH
for n in a b; do
	[ $n = a ] && p=150 || p=100
	hadconf $n $p >/dev/null
	out=$(lab_hactl $n reload vrrp 2>&1) || fail "hactl reload vrrp on $n ($out)"
done
sleep 0.5
# drops NODE: the instance's drops but ah_seq (a probe's copy that
# comes second is one).
drops() {
	lab_hactl "$1" show vrrp -j >"$LAB_DIR/$1/drops.json" 2>/dev/null &&
	    json_get "$LAB_DIR/$1/drops.json" \
	    "[{k: v for k, v in i['drops'].items() if v and k != 'ah_seq'} for i in d if i['name'] == 'VI_P'][0]"
}
ta=$(field a transitions) tb=$(field b transitions)
r0=$(field b path_received) p0=$(field b probes_answered) d0=$(drops b)
nft_drop a eth0
nft_drop b eth0
sleep 1.5
nft_drop a -
nft_drop b -
r1=$(field b path_received)
check "AH: eth0 cut for 1.5 s: b hears a over the path ($r0 -> $r1)" \
    [ "${r1:-0}" -gt "${r0:-0}" ]
nft_drop b adverts
sleep 2
nft_drop b -
p1=$(field b probes_answered)
check "AH: adverts dropped at b for 2 s: a answers b's probes in AH ($p0 -> $p1)" \
    [ "${p1:-0}" -gt "${p0:-0}" ]
ta1=$(field a transitions) tb1=$(field b transitions)
check "AH: no transition through both ($ta -> $ta1, $tb -> $tb1)" \
    [ "$ta1" = "$ta" ] && [ "$tb1" = "$tb" ]
d1=$(drops b)
check "AH: b's drops ($d0 -> $d1, copies that came second over the other path not counted)" \
    [ "$d1" = "$d0" ]

echo "had pair part done after $(( $(now_ms) - T_START )) ms"
mark "keepalived as master"
# ------------------------------------------------ keepalived as master
if ! command -v keepalived >/dev/null 2>&1; then
	skip "keepalived is not installed: no interop checks"
else
	had_stop a
	A_KIND=keepalived
	AUTH=
	hadconf b 100 >/dev/null
	out=$(lab_hactl b reload vrrp 2>&1) || fail "hactl reload vrrp on b ($out)"
	ka_start a "$(kaconf a 150)" ||
	    fail "keepalived starts on a ($(tail -3 "$LAB_DIR/a/keepalived.log"))"
	check "keepalived a (150) master, had b backup" \
	    wait_for 10 sh -c "[ \"\$(cat '$LAB_DIR/a/state.VI_P' 2>/dev/null)\" = MASTER ] && [ \"\$($BUILD/hactl -s '$LAB_DIR/b/had.sock' show vrrp -j | grep -o '\"state\": \"[A-Z]*\"' | head -1)\" = '\"state\": \"BACKUP\"' ]"
	check "keepalived master: VIP on a only" vip_only_on a b
	s0=$(field b probes_sent)
	p0=$(field b probes_answered)
	nft_drop b adverts
	check "keepalived's adverts dropped at b: b takes over (keepalived cannot answer)" \
	    lab_wait_state b VI_P MASTER 8
	s1=$(field b probes_sent) p1=$(field b probes_answered)
	check "b probed keepalived ($s0 -> $s1) and got no answer ($p0 -> $p1)" \
	    sh -c "[ '${s1:-0}' -gt '${s0:-0}' ] && [ '$p1' = '$p0' ]"
	nft_drop b -
	check "keepalived's adverts back: b backup" lab_wait_state b VI_P BACKUP 5
	check "keepalived's adverts back: keepalived still master, VIP on a only" \
	    sh -c "[ \"\$(cat '$LAB_DIR/a/state.VI_P')\" = MASTER ]"
	check "keepalived master: VIP on a only after the episode" vip_only_on a b
	# had preempts with priority 200 (reload): keepalived goes backup.
	hadconf b 200 >/dev/null
	out=$(lab_hactl b reload vrrp 2>&1) || fail "hactl reload vrrp on b ($out)"
	check "had b (200) preempts: b master" lab_wait_state b VI_P MASTER 5
	check "had b master: keepalived a backup" \
	    wait_for 5 sh -c "[ \"\$(cat '$LAB_DIR/a/state.VI_P' 2>/dev/null)\" = BACKUP ]"
	check "had b master: VIP on b only" vip_only_on b a
	grep -q 'Invalid packet type\|invalid.*type' "$LAB_DIR/a/keepalived.log" &&
	    echo "keepalived logged the probe as an invalid type: $(grep -c 'nvalid packet type' "$LAB_DIR/a/keepalived.log") lines"
fi

echo "checks done after $(( $(now_ms) - T_START )) ms"
lab_end_checks a b
summary
