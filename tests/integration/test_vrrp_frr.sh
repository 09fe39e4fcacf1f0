#!/bin/bash
# VRRPv3 against FRR's vrrpd: the same VRID on an IPv4 and an IPv6
# instance of one interface (RFC 5798 makes them separate routers; FRR
# runs both families of one VRID by default).
#
# Node a runs had: instances V4 and V6 on eth0, VRID 5, priority 150.
# Node b runs FRR's zebra and vrrpd (its own config, pid and vty files in
# the lab directory), `vrrp 5' with both an IPv4 and an IPv6 address at
# priority 100, on macvlan devices carrying the virtual MACs as FRR
# requires.  Asserted:
#  - had is Master of both families, FRR Backup of both;
#  - had counts FRR's adverts of each family as received, no drops;
#    FRR counts had's of each family and logs them at priority 150;
#  - had's instances reloaded at priority 50: FRR preempts both;
#  - tshark on a: FRR's IPv4 and IPv6 adverts carry VRID 5 and
#    priority 100 with a good checksum, and had counted as many;
#  - had back at 150 preempts both; had stopped (priority 0, VIPs held
#    until FRR's first advert): FRR Master of both with one transition
#    each, none taken back by had's last breath.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
. tests/lab.sh
need_root
T_NAME=vrrp_frr

ZEBRA=/usr/lib/frr/zebra
VRRPD=/usr/lib/frr/vrrpd
for c in "$ZEBRA" "$VRRPD" vtysh tshark python3; do
	if ! command -v "$c" >/dev/null 2>&1; then
		skip "$c not installed (scripts/setup-deps.sh installs frr and tshark)"
		summary
		exit 0
	fi
done
T0=$(now_ms)
VIP4=198.18.0.100
VIP6=2001:db8::100

lab_init || { fail "lab_init"; summary; exit 1; }
lab_node a 198.18.0.1/24 2001:db8::1/64
lab_node b 198.18.0.2/24 2001:db8::2/64

# FRR's vrrpd finds its routers' macvlans by their virtual MAC on the
# parent; the IPv6 one gets a random link-local (the MAC is shared by all
# routers of the VRID).
# (addrgenmode is set after `link add': some kernels refuse it inside.)
mvl() {	# name mac addr [nodad]
	ip -n "$LAB-b" link add "$1" link eth0 type macvlan mode bridge &&
	    ip -n "$LAB-b" link set "$1" addrgenmode random &&
	    ip -n "$LAB-b" link set "$1" address "$2" &&
	    ip -n "$LAB-b" addr add "$3" dev "$1" ${4:-} &&
	    ip -n "$LAB-b" link set "$1" up
}
if ! err=$({ mvl vrrp4-5 00:00:5e:00:01:05 "$VIP4/24" &&
    mvl vrrp6-5 00:00:5e:00:02:05 "$VIP6/64" nodad; } 2>&1); then
	echo "SKIP $T_NAME: no macvlan device in a namespace, which FRR's vrrpd needs ($err)"
	exit 77
fi

FD=$LAB_DIR/frr
mkdir -p "$FD"
printf 'hostname b\n!\n' >"$FD/zebra.conf"
cat >"$FD/vrrpd.conf" <<'CONF'
hostname b
!
interface eth0
 vrrp 5 version 3
 vrrp 5 priority 100
 vrrp 5 advertisement-interval 300
 vrrp 5 ip 198.18.0.100
 vrrp 5 ipv6 2001:db8::100
!
CONF
chown -R frr:frr "$FD" 2>/dev/null
frr_daemon() {	# binary name: no TCP vty, sockets and files in $FD
	lab_spawn b "$1" -f "$FD/$2.conf" -i "$FD/$2.pid" \
	    -z "$FD/zserv.api" --vty_socket "$FD" -P 0 -u frr -g frr \
	    --log "file:$FD/$2.log" >>"$FD/out.log" 2>&1
}
# The pid files too, should a daemon ever fork: stopped before the lab.
frr_stop() {
	local f p
	for f in "$FD/vrrpd.pid" "$FD/zebra.pid"; do
		p=$(cat "$f" 2>/dev/null) || continue
		kill_pid TERM "$p" 2>/dev/null &&
		    { wait_for 3 pid_gone "$p" || kill_pid KILL "$p"; }
	done
	lab_cleanup
}
trap frr_stop EXIT
frr_daemon "$ZEBRA" zebra
wait_for 10 test -S "$FD/zserv.api" || {
	echo "SKIP $T_NAME: FRR's zebra does not start in a namespace ($(tail -c 300 "$FD/out.log" | tr '\n' ' '))"
	exit 77
}
frr_daemon "$VRRPD" vrrpd
frr_json() {
	lab_exec b vtysh --vty_socket "$FD" -d vrrpd -c "show vrrp 5 json" \
	    2>/dev/null
}
frr_state() {	# v4|v6: FRR's state of that family of VRID 5
	frr_json | python3 -c 'import json,sys
d = json.load(sys.stdin)
d = d[0] if isinstance(d, list) else d
print(d[sys.argv[1]]["status"])' "$1" 2>/dev/null
}
frr_stat() {	# v4|v6 counter: from FRR's stats of that family
	frr_json | python3 -c 'import json,sys
d = json.load(sys.stdin)
d = d[0] if isinstance(d, list) else d
print(d[sys.argv[1]]["stats"][sys.argv[2]])' "$1" "$2" 2>/dev/null
}
frr_is() { [ "$(frr_state v4)/$(frr_state v6)" = "$1/$1" ]; }
if ! wait_for 10 eval '[ -n "$(frr_state v4)" ] && [ -n "$(frr_state v6)" ]'; then
	echo "SKIP $T_NAME: FRR's vrrpd does not run VRID 5 on the macvlans ($(tail -c 300 "$FD/vrrpd.log" 2>/dev/null | tr '\n' ' '))"
	exit 77
fi
if wait_for 5 frr_is Master; then
	pass "FRR's vrrpd alone: Master of VRID 5 in both families"
else
	fail "FRR's vrrpd alone: Master of both (v4 $(frr_state v4), v6 $(frr_state v6))"
fi

conf() {	# priority
	cat <<CONF
global_defs {
	router_id a
	vrrp_version 3
}
vrrp_instance V4 {
	state BACKUP
	interface eth0
	virtual_router_id 5
	priority $1
	advert_int 0.3
	virtual_ipaddress {
		$VIP4/24
	}
}
vrrp_instance V6 {
	state BACKUP
	interface eth0
	virtual_router_id 5
	priority $1
	advert_int 0.3
	virtual_ipaddress {
		$VIP6/64
	}
}
CONF
}
both_is() { lab_state_is a V4 "$1" && lab_state_is a V6 "$1"; }
drops() {	# instance: sum of its drops over all reasons, and the reasons
	lab_hactl a show vrrp "$1" -j | python3 -c 'import json,sys
d = json.load(sys.stdin)["items"][0]["drops"]
print(sum(d.values()), ",".join(k for k, v in d.items() if v) or "-")'
}

echo "  FRR up at $(( $(now_ms) - T0 )) ms"
# ------------------------------------------- had 150, FRR 100: had Master
conf 150 >"$LAB_DIR/a.conf"
frx4=$(frr_stat v4 adverRx)
frx6=$(frr_stat v6 adverRx)
lab_start_had a "$LAB_DIR/a.conf" ||
    fail "had starts on a ($(tail -3 "$LAB_DIR/a/had.log" | tr '\n' ' '))"
check "had Master of V4 and V6 (VRID 5 twice) over FRR's 100" \
    wait_for 10 both_is MASTER
check "FRR Backup of both families" wait_for 5 frr_is Backup
check "had holds both VIPs" \
    eval 'lab_has_addr a $VIP4 && lab_has_addr a $VIP6'
# FRR's adverts were heard while had waited as Backup, none dropped.
for i in V4 V6; do
	rx=$(lab_vrrp_field a "$i" adverts_received)
	read -r nd why <<<"$(drops "$i")"
	check "had's $i heard FRR's adverts ($rx) and dropped none (${nd:-?}: ${why:-?})" \
	    eval '[ "${rx:-0}" -ge 1 ] && [ "${nd:-1}" = 0 ]'
done

# FRR's side: it heard had's adverts of each family, and says from whom.
frx4=$(( $(frr_stat v4 adverRx) - frx4 ))
frx6=$(( $(frr_stat v6 adverRx) - frx6 ))
check "FRR counts had's IPv4 adverts ($frx4 since had started)" \
    [ "$frx4" -ge 1 ]
check "FRR counts had's IPv6 adverts ($frx6 since had started)" \
    [ "$frx6" -ge 1 ]
check "FRR's log: IPv4 advert from 198.18.0.1 at priority 150" \
    grep -q 'VRID 5\] \[IPv4\] Received advertisement from 198.18.0.1 w/ priority 150' \
    "$FD/vrrpd.log"
check "FRR's log: IPv6 advert from a's link-local at priority 150" \
    grep -q 'VRID 5\] \[IPv6\] Received advertisement from fe80::[0-9a-f:]* w/ priority 150' \
    "$FD/vrrpd.log"
echo "  had Master at $(( $(now_ms) - T0 )) ms"
# ---------------------------------- had reloaded at 50: FRR preempts both
conf 50 >"$LAB_DIR/a.conf"
lab_hactl a reload vrrp >/dev/null 2>&1 || fail "hactl reload vrrp"
t1=$(now_ms)
check "had Backup of both at priority 50" wait_for 10 both_is BACKUP
if wait_for 5 frr_is Master; then
	pass "FRR preempts: Master of both $(( $(now_ms) - t1 )) ms after the reload"
else
	fail "FRR preempts: Master of both (v4 $(frr_state v4), v6 $(frr_state v6))"
fi
# Two seconds of FRR's adverts on a's wire, bounded in time and count.
PCAP=$LAB_DIR/frr.pcap
rx4=$(lab_vrrp_field a V4 adverts_received)
rx6=$(lab_vrrp_field a V6 adverts_received)
tw=$(now_ms)
lab_exec a tshark -n -q -i eth0 -f "vrrp or ip6 proto 112" \
    -a duration:2 -c 200 -w "$PCAP" >"$LAB_DIR/tshark.log" 2>&1
rx4=$(( $(lab_vrrp_field a V4 adverts_received) - rx4 ))
rx6=$(( $(lab_vrrp_field a V6 adverts_received) - rx6 ))
tw=$(( $(now_ms) - tw ))
tshark -n -r "$PCAP" -T fields -E separator=' ' -e ip.version -e ipv6.src \
    -e vrrp.version -e vrrp.virt_rtr_id -e vrrp.prio \
    -e vrrp.checksum.status >"$LAB_DIR/adverts.txt" 2>/dev/null
n4=$(grep -c '^4  3 5 100 1$' "$LAB_DIR/adverts.txt")
n6=$(grep -c '^6 fe80::[0-9a-f:]* 3 5 100 1$' "$LAB_DIR/adverts.txt")
nall=$(wc -l <"$LAB_DIR/adverts.txt")
check "FRR's IPv4 adverts: VRRPv3, VRID 5, priority 100, good checksum ($n4 in 2 s)" \
    [ "$n4" -ge 3 ]
check "FRR's IPv6 adverts (from a link-local): VRRPv3, VRID 5, priority 100, good checksum ($n6 in 2 s)" \
    [ "$n6" -ge 3 ]
check "no other VRRP packet on the wire ($nall = $n4 + $n6)" \
    [ "$nall" = $((n4 + n6)) ]
# The counters were read around tshark's run, which starts capturing
# late: had counted at least what was captured (one may fall outside),
# and at most one per 300 ms interval of the window, plus one each side.
near() {	# counted captured
	[ "$1" -ge $(($2 - 1)) ] && [ "$1" -le $((tw / 300 + 2)) ]
}
check "had's V4 counted FRR's IPv4 adverts ($rx4 in $tw ms, $n4 captured)" \
    near "$rx4" "$n4"
check "had's V6 counted FRR's IPv6 adverts ($rx6 in $tw ms, $n6 captured)" \
    near "$rx6" "$n6"
for i in V4 V6; do
	read -r nd why <<<"$(drops "$i")"
	check "had's $i dropped none of FRR's adverts (${nd:-?}: ${why:-?})" \
	    [ "${nd:-1}" = 0 ]
done

echo "  capture done at $(( $(now_ms) - T0 )) ms"
# ------------------------------ had back at 150 preempts; had stops: FRR
conf 150 >"$LAB_DIR/a.conf"
lab_hactl a reload vrrp >/dev/null 2>&1 || fail "hactl reload vrrp"
check "had at 150 again preempts: Master of both" wait_for 10 both_is MASTER
check "FRR Backup of both again" wait_for 5 frr_is Backup
# had's handover: priority 0, then its VIPs until FRR's first advert;
# nothing of had's after that may take either family back from FRR:
# one transition of FRR's per family (FRR's Master_Down_Interval is
# 1.1 s: a bounce back to Backup and up again would count two more).
tr4=$(frr_stat v4 transitions)
tr6=$(frr_stat v6 transitions)
t2=$(now_ms)
lab_stop_had a
if wait_for 5 frr_is Master; then
	pass "had stopped: FRR Master of both $(( $(now_ms) - t2 )) ms after the SIGTERM"
else
	fail "had stopped: FRR Master of both (v4 $(frr_state v4), v6 $(frr_state v6))"
fi
sleep 1
check "FRR Master of both once had stopped, one transition each (v4 $tr4 -> $(frr_stat v4 transitions), v6 $tr6 -> $(frr_stat v6 transitions))" \
    eval 'frr_is Master &&
    [ "$(frr_stat v4 transitions)" = $((tr4 + 1)) ] &&
    [ "$(frr_stat v6 transitions)" = $((tr6 + 1)) ]'
check "had left neither VIP behind" \
    eval '! lab_has_addr a $VIP4 && ! lab_has_addr a $VIP6'
check "FRR's vrrpd still runs" kill -0 "$(cat "$FD/vrrpd.pid")"
check "had's log has no sanitizer report" \
    eval '! grep -qE "AddressSanitizer|runtime error" "$LAB_DIR/a/had.log"'

echo "  took $(( $(now_ms) - T0 )) ms"
summary
