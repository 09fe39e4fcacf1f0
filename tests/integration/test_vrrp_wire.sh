#!/bin/bash
# What vrrpd puts on the wire, judged by real third-party tools.
#
# Node a runs had with a VRRPv2 (auth PASS), a VRRPv3 IPv4 and a VRRPv3
# IPv6 instance, all masters; node c is a bystander.
#  1. tshark captures on c's eth0 (capture filter `vrrp or ip6 proto 112
#     or arp or icmp6`,
#     bounded in time and count) while had starts and takes over: every kind
#     of packet vrrpd sends must be there (VRRPv2, VRRPv3 IPv4, VRRPv3 IPv6,
#     gratuitous ARP, unsolicited NA) with the right fields, and tshark must
#     report no malformed packet and no bad checksum.
#  2. scapy on c sends malformed adverts (python3-scapy): each kind must be
#     dropped, counted under its reason in `hactl show vrrp -j`, with no
#     state change and no crash; then a well-formed one with a higher
#     priority, as a control, must be obeyed.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
. tests/lab.sh
need_root

PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
HERE=tests/integration
for t in tshark; do
	command -v $t >/dev/null 2>&1 ||
	    { fail "$t is installed (scripts/setup-deps.sh installs it)"; summary; exit 1; }
done
$PY -c 'import scapy' 2>/dev/null ||
    { fail "python3-scapy is installed (scripts/setup-deps.sh installs it)"; summary; exit 1; }

PASS2=wirepass
N=5		# packets of each malformed kind

lab_init || { fail "lab_init"; summary; exit 1; }
lab_node a 198.18.0.1/24 2001:db8::1/64
lab_node c 198.18.0.3/24 2001:db8::3/64
CONF=$LAB_DIR/a/had-wire.conf
sed -e "s/@PASS@/$PASS2/g" "$HERE/had-wire.conf.in" >"$CONF"
PCAP=$LAB_DIR/c/wire.pcap

# ------------------------------------------------------------- capture
# tshark on c, started before had so that the takeover's GARP and NA are
# in; at most 20 s and 2000 packets, stopped earlier once enough is seen.
# libpcap's `vrrp` means IPv4 protocol 112 only: IPv6 VRRP needs its own.
lab_exec c tshark -n -q -i eth0 -f "vrrp or ip6 proto 112 or arp or icmp6" \
    -a duration:20 -c 2000 -w "$PCAP" >"$LAB_DIR/c/tshark.log" 2>&1 &
TSHARK=$!
lab_track_pid $TSHARK
if ! wait_for 10 grep -q "Capturing on" "$LAB_DIR/c/tshark.log"; then
	fail "tshark captures on c ($(head -c 300 "$LAB_DIR/c/tshark.log"))"
fi

started=0
if lab_start_had a "$CONF"; then
	started=1
	pass "had starts on a"
else
	fail "had starts on a ($(tail -3 "$LAB_DIR/a/had.log" | tr '\n' ' '))"
fi
all_master() {
	for i in VI_W2 VI_W3 VI_W6; do
		lab_state_is a "$i" MASTER || return 1
	done
}
# VRRPv2 at advert_int 1: Master_Down_Interval 3.2 s at priority 200.
if [ $started = 1 ] && wait_for 8 all_master; then
	pass "VI_W2, VI_W3 and VI_W6 master"
else
	fail "VI_W2, VI_W3 and VI_W6 master within 8 s ($(lab_hactl a show vrrp 2>&1 | tr '\n' ' ' | head -c 400))"
fi
# A few more adverts of each kind (v2 sends one a second).
sleep 2.2
kill_pid INT "$TSHARK" 2>/dev/null
wait_for 5 sh -c "! kill -0 $TSHARK 2>/dev/null"
wait "$TSHARK" 2>/dev/null

# One line per frame from a: what it is and what tshark thinks of it.
# tshark 4.0 always verifies the VRRP checksum (vrrp.checksum.status,
# 1 = good, 0 = bad; v3 over its pseudo-header) and the ICMPv6 one; the
# IPv4 header checksum only when asked to.
F="frame.number eth.src ip.src ipv6.src ip.ttl ipv6.hlim ip.dst ipv6.dst
ip.checksum.status vrrp.version vrrp.type vrrp.virt_rtr_id vrrp.prio
vrrp.addr_count vrrp.checksum.status vrrp.auth_type vrrp.auth_string
vrrp.adver_int vrrp.short_adver_int vrrp.ip_addr vrrp.ipv6_addr
arp.opcode arp.isgratuitous arp.src.proto_ipv4 arp.dst.proto_ipv4
arp.src.hw_mac icmpv6.type icmpv6.checksum.status
icmpv6.nd.na.target_address icmpv6.nd.na.flag.o icmpv6.nd.na.flag.s
_ws.malformed _ws.expert.severity"
args=""
for f in $F; do args="$args -e $f"; done
# shellcheck disable=SC2086
tshark -n -r "$PCAP" -o ip.check_checksum:TRUE -T fields -E separator='|' \
    -E occurrence=f $args >"$LAB_DIR/frames.txt" 2>"$LAB_DIR/tshark-r.log"
MAC_A=$(ip -n "$LAB-a" -o link show eth0 | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p')

nf=$(echo $F | wc -w)
$PY - "$LAB_DIR/frames.txt" "$MAC_A" "$PASS2" "$nf" >"$LAB_DIR/verdict.txt" \
    2>"$LAB_DIR/verdict.err" <<'PY'
import sys
fields = """frame ethsrc src4 src6 ttl hlim dst4 dst6 ipck ver type vrid prio count
vck authtype authstr advint sadvint ip4 ip6 arpop grat arpsrc arpdst arpmac
icmptype icmpck natarget naflago naflags malformed sev""".split()
mac, pw = sys.argv[2], sys.argv[3]
assert len(fields) == int(sys.argv[4]), "field lists differ"
rows = []
for line in open(sys.argv[1]):
    v = line.rstrip("\n").split("|")
    v += [""] * (len(fields) - len(v))
    rows.append(dict(zip(fields, v)))
mine = [r for r in rows if r["frame"] and
        (r["src4"] == "198.18.0.1" or r["src6"].startswith("fe80:") and
         r["icmptype"] == "" or r["arpmac"] == mac or
         r["icmptype"] == "136" and r["natarget"] == "2001:db8::112")]
def out(key, ok, why):
    print("%s|%s|%s" % (key, "ok" if ok else "bad", why))
def kind(pred):
    return [r for r in mine if pred(r)]
v2 = kind(lambda r: r["ver"] == "2" and r["vrid"] == "10")
v3 = kind(lambda r: r["ver"] == "3" and r["vrid"] == "11" and r["src4"])
v6 = kind(lambda r: r["ver"] == "3" and r["vrid"] == "12" and r["src6"])
garp = kind(lambda r: r["grat"] == "1" and r["arpsrc"] in
            ("198.18.0.110", "198.18.0.111"))
na = kind(lambda r: r["icmptype"] == "136" and
          r["natarget"] == "2001:db8::112")
out("v2", len(v2) >= 2 and all(
    r["ttl"] == "255" and r["dst4"] == "224.0.0.18" and r["prio"] == "200"
    and r["count"] == "1" and r["ip4"] == "198.18.0.110"
    and r["authtype"] == "1" and r["authstr"] == pw and r["advint"] == "1"
    and r["type"] == "1" for r in v2),
    "%d VRRPv2 adverts, TTL/dst/prio/count/VIP/auth/interval: %s" %
    (len(v2), v2[:1]))
out("v3", len(v3) >= 5 and all(
    r["ttl"] == "255" and r["dst4"] == "224.0.0.18" and r["prio"] == "200"
    and r["count"] == "1" and r["ip4"] == "198.18.0.111"
    and r["sadvint"] == "10" and r["type"] == "1" for r in v3),
    "%d VRRPv3 IPv4 adverts, TTL/dst/prio/count/VIP/interval 10 cs: %s" %
    (len(v3), v3[:1]))
out("v6", len(v6) >= 5 and all(
    r["hlim"] == "255" and r["dst6"] == "ff02::12" and r["prio"] == "200"
    and r["count"] == "1" and r["ip6"] == "2001:db8::112"
    and r["sadvint"] == "10" and r["type"] == "1" for r in v6),
    "%d VRRPv3 IPv6 adverts from a link-local, hop limit/dst/VIP: %s" %
    (len(v6), v6[:1]))
g110 = [r for r in garp if r["arpsrc"] == "198.18.0.110"]
g111 = [r for r in garp if r["arpsrc"] == "198.18.0.111"]
out("garp", len(g110) >= 1 and len(g111) >= 1 and all(
    r["arpdst"] == r["arpsrc"] and r["arpmac"] == mac for r in garp),
    "%d gratuitous ARP for .110, %d for .111, sender MAC %s: %s" %
    (len(g110), len(g111), mac, garp[:1]))
out("na", len(na) >= 1 and all(
    r["hlim"] == "255" and r["dst6"] == "ff02::1" and r["naflago"] in
    ("1", "True") and r["naflags"] in ("0", "False") for r in na),
    "%d unsolicited NA for 2001:db8::112 (hop limit 255, to ff02::1, "
    "override set, solicited clear): %s" % (len(na), na[:1]))
mal = [r["frame"] for r in mine if r["malformed"]]
out("malformed", not mal, "%d frames from a, malformed: %s" %
    (len(mine), mal[:10]))
badck = [r["frame"] for r in mine if r["vck"] not in ("", "1") or
         r["icmpck"] not in ("", "1") or r["ipck"] not in ("", "1", "2")]
out("checksum", not badck and len(v2 + v3 + v6) > 0 and
    all(r["vck"] == "1" for r in v2 + v3 + v6),
    "frames with a bad VRRP/ICMPv6/IP checksum: %s" % badck[:10])
# Expert info at error level (0x00800000) other than checksums.
err = [r["frame"] for r in mine if r["sev"] and int(r["sev"], 0) >= 0x00800000]
out("expert", not err, "frames with an error-level expert note: %s" % err[:10])
PY

verdict() {	# key description
	local l
	l=$(grep "^$1|" "$LAB_DIR/verdict.txt")
	case "$l" in
	"$1|ok|"*) pass "tshark: $2 (${l#$1|ok|})" ;;
	"") fail "tshark: $2 (no verdict: $(tail -c 300 "$LAB_DIR/verdict.err"))" ;;
	*) fail "tshark: $2 (${l#$1|bad|})" ;;
	esac
}
verdict v2 "VRRPv2 adverts with auth PASS"
verdict v3 "VRRPv3 IPv4 adverts"
verdict v6 "VRRPv3 IPv6 adverts"
verdict garp "gratuitous ARP for each IPv4 VIP"
verdict na "unsolicited neighbour advertisement for the IPv6 VIP"
verdict malformed "no malformed packet"
verdict checksum "no bad checksum"
verdict expert "no error-level expert note"

# ------------------------------------------------------------- scapy
# vrrp_scapy.py on c as a coprocess: one command a line, one answer each.
LL_C=$(ip -n "$LAB-c" -o -6 addr show dev eth0 scope link |
    sed -n 's/.*inet6 \(fe80[0-9a-f:]*\)\/.*/\1/p' | head -1)
coproc SCAPY { ip netns exec "$LAB-c" "$PY" "$HERE/vrrp_scapy.py" \
    --iface eth0 --src4 198.18.0.3 --src6 "$LL_C" \
    --vrid2 10 --vrid4 11 --vrid6 12 --vip2 198.18.0.110 \
    --vip4 198.18.0.111 --vip6 2001:db8::112 --pass2 "$PASS2" \
    2>"$LAB_DIR/c/scapy.log"; }
SC_PID=$SCAPY_PID	# bash unsets SCAPY_PID when the coprocess ends
lab_track_pid "$SC_PID"
SC_OUT=${SCAPY[0]}
SC_IN=${SCAPY[1]}
line=""
read -r -t 20 line <&"$SC_OUT"
if [ "$line" != ready ]; then
	fail "scapy sender ready on c ($line $(tail -3 "$LAB_DIR/c/scapy.log"))"
fi

scapy_send() {	# kind count
	local l=""
	echo "send $1 $2" >&"$SC_IN" || return 1
	read -r -t 15 l <&"$SC_OUT" || return 1
	[ "$l" = "sent $1 $2" ]
}

snap() { lab_hactl a show vrrp -j >"$1" 2>/dev/null; }
sget() {	# file inst expr over i
	json_get "$1" "[$3 for i in d if i['name']=='$2'][0]" 2>/dev/null
}

# malformed KIND INSTANCE REASON[,ALT] WHAT
malformed() {
	local k=$1 inst=$2 reasons=$3 what=$4 b=$LAB_DIR/before.json \
	    a=$LAB_DIR/after.json r got="" d ok=0 st tr0 tr1 rs
	snap "$b"
	if ! scapy_send "$k" "$N"; then
		fail "$what: scapy sent $N packets"
		return
	fi
	sleep 0.3
	snap "$a"
	for r in ${reasons//,/ }; do
		d=$(( $(sget "$a" "$inst" "i['drops'].get('$r',0)") - $(sget "$b" "$inst" "i['drops'].get('$r',0)") ))
		got="$got $r+$d"
		[ "$d" -eq "$N" ] && ok=1
	done 2>/dev/null
	rs=$(sget "$a" "$inst" "i['drops']")
	check "$what: $N dropped and counted under '${reasons//,/ or }' on $inst (${got# }; drops now $rs)" \
	    [ $ok = 1 ]
	st=$(sget "$a" "$inst" "i['state']")
	tr0=$(sget "$b" "$inst" "i['transitions']")
	tr1=$(sget "$a" "$inst" "i['transitions']")
	ok=0
	[ "$st" = MASTER ] && [ -n "$tr1" ] && [ "$tr0" = "$tr1" ] && ok=1
	check "$what: no state change ($inst $st, transitions $tr0 -> $tr1)" \
	    [ $ok = 1 ]
}

malformed checksum4 VI_W3 checksum "bad checksum (v3 IPv4)"
malformed ttl4 VI_W3 ttl "TTL 254 (v3 IPv4)"
malformed version4 VI_W3 version "version 4"
malformed v2to3 VI_W3 version "a VRRPv2 advert to a VRRPv3 router"
malformed type4 VI_W3 type "type 2"
malformed count4 VI_W3 length,addr_count "address count 2, one address"
malformed addrlist4 VI_W3 addr_list "an address that is not the VIP"
malformed vrid4 VI_W3 vrid "unknown VRID 99"
malformed auth2 VI_W2 auth "wrong auth_pass (v2)"
malformed authtype2 VI_W2 auth_type "auth type none to an auth PASS router (v2)"
malformed interval2 VI_W2 interval "advert interval 3 to a 1 s router (v2)"
malformed hlim6 VI_W6 ttl "hop limit 254 (v3 IPv6)"
malformed checksum6 VI_W6 checksum "checksum without the pseudo-header (v3 IPv6)"
malformed empty4 VI_W3 length "a zero-length VRRP packet (IPv4)"
# The lab's bridge, snooping MLD, drops IPv6 multicast with a zero
# payload length (the kernel's ipv6_mc_check_ip6hdr says -EINVAL) before
# it reaches a: a switch without snooping floods it.
ip -n "$LAB-sw" link set br0 type bridge mcast_snooping 0
malformed empty6 VI_W6 length "a zero-length VRRP packet (IPv6)"

# Every instance still master after all that.
check "all three instances still master" all_master

# The control: the same sender, a well-formed advert with priority 254,
# is obeyed, so the packets above were dropped for what was wrong with them.
snap "$LAB_DIR/before.json"
if scapy_send good4 3; then
	sleep 0.2
	snap "$LAB_DIR/after.json"
	st=$(sget "$LAB_DIR/after.json" VI_W3 "i['state']")
	m=$(sget "$LAB_DIR/after.json" VI_W3 "i['master']")
	ok=0
	[ "$st" = BACKUP ] && [ "$m" = 198.18.0.3 ] && ok=1
	check "control: a well-formed priority-254 advert from c makes VI_W3 backup ($st, master $m)" \
	    [ $ok = 1 ]
	check "control: VI_W3 master again once c falls silent" \
	    lab_wait_state a VI_W3 MASTER 3
else
	fail "control: scapy sent the well-formed adverts"
fi
echo quit >&"$SC_IN" 2>/dev/null

# No crash: vrrpd never restarted, had still answering.
lab_hactl a show procs -j >"$LAB_DIR/procs.json" 2>/dev/null
rst=$(json_get "$LAB_DIR/procs.json" '[r["restarts"] for r in d if r["name"]=="vrrpd"][0]' 2>/dev/null)
check "no crash: vrrpd restarts 0 (${rst:-no answer})" [ "$rst" = 0 ]
# Stop had and reap it here (a zombie would hold lab_cleanup's wait).
HADPID=$(lab_had_pid a)
if [ -n "$HADPID" ]; then
	kill_pid TERM "$HADPID" 2>/dev/null
	wait_for 5 sh -c "[ ! -e /proc/$HADPID ] || ps -o stat= -p $HADPID | grep -q '^Z'"
	wait "$HADPID" 2>/dev/null
fi
wait "$SC_PID" 2>/dev/null
if grep -Eq 'AddressSanitizer|runtime error:|LeakSanitizer' "$LAB_DIR/a/had.log"; then
	fail "sanitizer report in had's log"
	grep -E -A20 'AddressSanitizer|runtime error:' "$LAB_DIR/a/had.log" | head -40
fi
summary
