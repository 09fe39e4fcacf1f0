#!/bin/bash
# An attacker without the key against auth_type AH (test_vrrp_ah.sh has
# the interop).  Nodes a (had, priority 200) and b (had, priority 250)
# run one AH instance; node c, on the same link, has scapy and no key.
#
# c captures one of b's genuine adverts (priority 250), b stops and a is
# master.  Then c sends, three of each, priority-254 adverts: plain VRRP
# with no AH, AH with a wrong ICV, the captured advert replayed, and (as a
# peer that has the key would) AH with a wrong SPI.  None may move a: it
# stays master with the VIP, no transition, and each is counted under its
# own drop reason.  The control: c sends a correct AH advert made with the
# key, and a must then give the address up (so the attack would show).
#
# Then VRRPv3 in AH, had's extension, between a and b (advert_int 0.5),
# one instance over IPv4 and one over IPv6: election, preemption, tshark
# on c dissects a's adverts as AH around VRRPv3, c's wrong-key and plain
# IPv4 adverts are dropped and counted, and an orderly stop of the master
# hands over with authenticated priority-0 adverts.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
. tests/lab.sh
need_root
# The children run chrooted, where LeakSanitizer cannot read /proc.
if [ "$(basename "$BUILD")" = build-san ]; then
	export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
fi

PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
HERE=tests/integration
if ! "$PY" -c 'import scapy' 2>/dev/null; then
	fail "python3-scapy is installed (scripts/setup-deps.sh installs it)"
	summary
	exit 1
fi
VIP4=198.18.0.100
VIP6=2001:db8::100
PASS=hadtest1

lab_init || { fail "lab_init"; summary; exit 1; }
trap lab_cleanup EXIT
lab_node a 198.18.0.1/24
lab_node b 198.18.0.2/24
lab_node c 198.18.0.3/24

mkconf() {	# node prio [version]
	local f=$LAB_DIR/$1/had${3:-}.conf
	sed -e "s/@NODE@/lab-$1/g" -e "s/@PRIO@/$2/g" -e "s/@PASS@/$PASS/g" \
	    -e "s/@VRID4@/51/g" -e "s/@VIP4@/$VIP4/g" \
	    "$HERE/had-v2ah.conf.in" >"$f"
	if [ "${3:-}" = 3 ]; then
		sed -i -e 's/vrrp_version 2/vrrp_version 3/' \
		    -e 's/advert_int 1$/advert_int 0.5/' "$f"
		# And the same over IPv6, VRID 52.
		sed -n '/^vrrp_instance/,$p' "$f" | sed -e 's/VI_V2/VI_V6/' \
		    -e "s/virtual_router_id 51/virtual_router_id 52/" \
		    -e "s|$VIP4/24|$VIP6/64|" >>"$f"
	fi
	echo "$f"
}
attack() {	# action [file]
	lab_exec c "$PY" "$HERE/vrrp_ah_attack.py" --src 198.18.0.3 \
	    --peer 198.18.0.2 --vrid 51 --vip "$VIP4" --key "$PASS" "$@" \
	    2>&1 | tail -1
}
drops_of() {	# reason [node]
	local n=${2:-a}
	lab_hactl "$n" show vrrp -j >"$LAB_DIR/$n/vrrp.json" 2>/dev/null &&
	    json_get "$LAB_DIR/$n/vrrp.json" "d[0]['drops'].get('$1', -1)"
}
drops_all() {	# node
	lab_hactl "$1" show vrrp -j >"$LAB_DIR/$1/vrrp.json" 2>/dev/null &&
	    json_get "$LAB_DIR/$1/vrrp.json" 'sum(d[0]["drops"].values())'
}

lab_start_had b "$(mkconf b 250)" || fail "had starts on b"
lab_start_had a "$(mkconf a 200)" || fail "had starts on a"
b_master() { lab_wait_state b VI_V2 MASTER 8 && lab_wait_state a VI_V2 BACKUP 2; }
check "b master, a backup" b_master

CAP=$LAB_DIR/c/genuine.bin
out=$(attack capture "$CAP")
check "c captured one of b's genuine AH adverts ($out)" [ -s "$CAP" ]

lab_stop_had b
a_master() { lab_wait_state a VI_V2 MASTER 5 && wait_for 2 lab_has_addr a "$VIP4"; }
check "b stopped: a master with the VIP" a_master
sleep 1.5
t0=$(lab_vrrp_field a VI_V2 transitions)

for k in noah:no_ah badicv:ah_icv replay:ah_seq badspi:ah_spi; do
	act=${k%%:*}
	why=${k#*:}
	d0=$(drops_of "$why")
	if [ "$act" = replay ]; then out=$(attack replay "$CAP"); else out=$(attack "$act"); fi
	sleep 0.3
	d1=$(drops_of "$why")
	check "$act: counted as $why ($d0 -> $d1; $out)" \
	    [ "${d1:-0}" -ge $(( ${d0:-0} + 3 )) ]
done
# Longer than the master-down interval (3 s and skew), had a backup seen
# one of them.
sleep 3.5
t1=$(lab_vrrp_field a VI_V2 transitions)
st=$(lab_vrrp_field a VI_V2 state)
check "a stayed master through all of it (state $st, transitions $t0 -> $t1)" \
    [ "$st" = MASTER ] && [ -n "$t1" ] && [ "$t1" = "$t0" ]
check "the VIP $VIP4 never left a" lab_has_addr a "$VIP4"
lab_hactl a show vrrp -j >"$LAB_DIR/a/vrrp.json" 2>/dev/null
check "no other drop reason was counted ($(json_get "$LAB_DIR/a/vrrp.json" 'dict((k, v) for k, v in d[0]["drops"].items() if v)' 2>/dev/null))" \
    [ "$(json_get "$LAB_DIR/a/vrrp.json" 'sum(v for k, v in d[0]["drops"].items() if k not in ("no_ah", "ah_icv", "ah_seq", "ah_spi"))' 2>/dev/null)" = 0 ]

# The metrics come from the same counters.
lab_hactl a show metrics >"$LAB_DIR/metrics.txt" 2>/dev/null
for why in no_ah ah_icv ah_seq ah_spi; do
	m=$(grep -E "^had_vrrp_dropped_total\{.*reason=\"$why\"" "$LAB_DIR/metrics.txt" | awk '{print $NF}')
	check "metrics: had_vrrp_dropped_total reason $why is ${m:-absent}" \
	    [ "${m:-0}" -ge 3 ]
done

# The control: an advert made with the key is believed.
out=$(attack good --count 5)
check "control: a correct AH advert at priority 254 makes a backup ($out)" \
    lab_wait_state a VI_V2 BACKUP 2

# ------------------------------------ VRRPv3 in AH, between had nodes
# Both families: VI_V2 over IPv4, VI_V6 over IPv6.
lab_stop_had a
# Drops of node $1, all its instances, other than the reasons $2...
drops_but() {
	local n=$1
	shift
	lab_hactl "$n" show vrrp -j >"$LAB_DIR/$n/vrrp.json" 2>/dev/null &&
	    "$PY" -c 'import json, sys
d = json.load(open(sys.argv[1]))["items"]
print(sum(v for i in d for k, v in i["drops"].items() if k not in sys.argv[2:]))' \
	    "$LAB_DIR/$n/vrrp.json" "$@"
}
both_state() {	# node state
	lab_state_is "$1" VI_V2 "$2" && lab_state_is "$1" VI_V6 "$2"
}
lab_start_had b "$(mkconf b 200 3)" || fail "v3: had starts on b"
check "v3 ah: b alone becomes master (IPv4 and IPv6)" wait_for 5 both_state b MASTER
lab_start_had a "$(mkconf a 250 3)" || fail "v3: had starts on a"
v3_preempt() { wait_for 5 both_state a MASTER && wait_for 2 both_state b BACKUP; }
check "v3 ah: a (priority 250) preempts b (200), both families" v3_preempt
check "v3 ah: the VIPs are on a" wait_for 2 sh -c \
    "ip -n $LAB-a -o addr show | grep -q ' $VIP4/' && ip -n $LAB-a -o addr show | grep -q ' $VIP6/'"
# What a sends, as tshark dissects it on the link.
lab_exec c timeout 8 tshark -n -i eth0 -c 6 \
    -f "(src host 198.18.0.1 and (ip proto 51 or ip proto 112)) or (ip6 and not src host $VIP6 and (ip6 proto 51 or ip6 proto 112))" \
    -T fields -E separator='|' -e frame.protocols -e vrrp.version \
    -e vrrp.prio -e _ws.malformed >"$LAB_DIR/v3frames.txt" 2>/dev/null
frames=$(sort "$LAB_DIR/v3frames.txt" | uniq -c | tr -s ' \n' ' ')
check "v3 ah: tshark sees a's adverts as AH around VRRPv3 over IPv4 and IPv6, priority 250, none malformed ($frames)" \
    sh -c "[ \$(grep -c '^eth:ethertype:ip:ah:vrrp|3|250|\$' '$LAB_DIR/v3frames.txt') -ge 2 ] && [ \$(grep -c '^eth:ethertype:ipv6:ah:vrrp|3|250|\$' '$LAB_DIR/v3frames.txt') -ge 2 ] && [ \$(grep -vc '|3|250|\$' '$LAB_DIR/v3frames.txt') = 0 ]"
rx=$(lab_vrrp_field b VI_V2 adverts_received)
rx6=$(lab_vrrp_field b VI_V6 adverts_received)
check "v3 ah: b accepts a's adverts ($rx IPv4, $rx6 IPv6 received) and drops none ($(drops_but b))" \
    [ "${rx:-0}" -gt 0 ] && [ "${rx6:-0}" -gt 0 ] && [ "$(drops_but b)" = 0 ]
t0=$(lab_vrrp_field a VI_V2 transitions)
for k in badicv:ah_icv noah:no_ah; do
	act=${k%%:*}
	why=${k#*:}
	d0=$(drops_of "$why")
	out=$(attack "$act" --version 3 --intv-cs 50)
	sleep 0.3
	d1=$(drops_of "$why")
	check "v3 ah: $act at priority 254 counted as $why ($d0 -> $d1; $out)" \
	    [ "${d1:-0}" -ge $(( ${d0:-0} + 3 )) ]
done
sleep 1
t1=$(lab_vrrp_field a VI_V2 transitions)
check "v3 ah: a stayed master (transitions $t0 -> $t1)" \
    [ -n "$t1" ] && [ "$t1" = "$t0" ] && lab_state_is a VI_V2 MASTER
p0=$(lab_vrrp_field b VI_V2 prio0_received)
q0=$(lab_vrrp_field b VI_V6 prio0_received)
lab_stop_had a
check "v3 ah: a stops, b takes over both" wait_for 3 both_state b MASTER
p1=$(lab_vrrp_field b VI_V2 prio0_received)
q1=$(lab_vrrp_field b VI_V6 prio0_received)
check "v3 ah: b took a's authenticated priority-0 adverts (IPv4 $p0 -> $p1, IPv6 $q0 -> $q1)" \
    [ "${p1:-0}" -gt "${p0:-0}" ] && [ "${q1:-0}" -gt "${q0:-0}" ]
# c's forgeries reached b too; nothing else may have been dropped.
check "v3 ah: b dropped none of a's adverts (other drops: $(drops_but b no_ah ah_icv))" \
    [ "$(drops_but b no_ah ah_icv)" = 0 ]
lab_stop_had b

for n in a b; do
	if grep -Eq 'AddressSanitizer|runtime error:|LeakSanitizer' \
	    "$LAB_DIR/$n/had.log" 2>/dev/null; then
		fail "sanitizer report in $n's had log"
		grep -E -A20 'AddressSanitizer|runtime error:|LeakSanitizer' "$LAB_DIR/$n/had.log" | head -40
	fi
done
summary
