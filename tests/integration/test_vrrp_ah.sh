#!/bin/bash
# auth_type AH (IPsec Authentication Header, HMAC-MD5-96) on the wire:
# had against keepalived (Debian's 2.2.7) both ways, then had against had.
#
# VRRPv2, advert_int 1, one instance.  With keepalived: had master and
# keepalived backup, keepalived preempting (restarted with a higher
# priority), had preempting (reloaded), had's orderly stop, had back as
# backup, keepalived's orderly stop.  Neither side may drop an advert of
# the other (had's drop counters, keepalived's log).  had against had: the
# same election and preemption, then the master's vrrpd is killed: had
# respawns it, it resumes above the AH sequence numbers it used, and the
# backup drops none of its adverts as old.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
. tests/lab.sh
need_root
# The children run chrooted, where LeakSanitizer cannot read /proc.
# The wire interop with keepalived runs with the plain build; under the
# sanitizers (slower by several times, and the same packet code) had
# runs against had only, unless KA_SAN=1.
KA_PART=1
if [ "$(basename "$BUILD")" = build-san ]; then
	export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
	KA_PART=${KA_SAN:-0}
fi

if ! command -v keepalived >/dev/null 2>&1; then
	fail "keepalived is installed (scripts/setup-deps.sh installs it)"
	summary
	exit 1
fi
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
HERE=tests/integration
A_KIND=had
B_KIND=keepalived
VIP4=198.18.0.100
VIP6=2001:db8::100
PASS=hadtest1
SAMPLE=0.05	# seconds between samples
SAMPLE_MS=50
. "$HERE/vrrp_ka.sh"

lab_init || { fail "lab_init"; summary; exit 1; }
trap cleanup EXIT
lab_node a 198.18.0.1/24
lab_node b 198.18.0.2/24

I2="VI_V2=$VIP4"
V=2ah

# had's drop counters for the instance, all of them, and the AH ones.
drops_all() { had_json "$1" VI_V2 'sum(i["drops"].values())'; }
drops_of() { had_json "$1" VI_V2 "i['drops'].get('$2', -1)"; }
no_drops() {	# label node
	local n
	n=$(drops_all "$2")
	check "$1: had on $2 dropped none of the peer's AH adverts ($(had_json "$2" VI_V2 'dict((k, v) for k, v in i["drops"].items() if v)'))" \
	    [ "${n:-x}" = 0 ]
}
ka_clean() {	# label
	local bad
	bad=$(grep -hE 'IPSEC|AH|invalid auth|auth type' "$LAB_DIR"/b/keepalived.log 2>/dev/null | grep -vE 'Registering|auth_type' | head -3)
	check "$1: keepalived logged no AH complaint (${bad:-none})" [ -z "$bad" ]
}

if [ "$KA_PART" = 1 ]; then
# ------------------------------------------------- had and keepalived
# tshark on b records every VRRP and AH packet a sends while it runs.
PCAP=$LAB_DIR/a-adverts.pcap
lab_exec b tshark -n -q -i eth0 -f "src host 198.18.0.1 and (ip proto 51 or ip proto 112)" \
    -a duration:90 -c 1000 -w "$PCAP" >"$LAB_DIR/b/tshark.log" 2>&1 &
TSHARK_PID=$!
lab_track_pid "$TSHARK_PID"
wait_for 10 grep -q "Capturing on" "$LAB_DIR/b/tshark.log" ||
    fail "tshark captures on b ($(head -c 300 "$LAB_DIR/b/tshark.log"))"
watch_start a 8 -- "$I2"
side_start a $V 150
side_start b $V 100
watch_wait
phase_checks "ah start" a b 1000 "$I2"
ka_clean "ah start"

watch_start b 8 -- "$I2"
side_set_prio b $V 200
watch_wait
phase_checks "ah keepalived preempts" b a 1000 "$I2"
rx=$(had_field a VI_V2 adverts_received)
sleep 1.1
rx2=$(had_field a VI_V2 adverts_received)
check "ah: had backup accepts keepalived's AH adverts ($rx -> $rx2)" \
    [ "${rx2:-0}" -gt "${rx:-0}" ]
no_drops "ah keepalived preempts" a

watch_start a 8 -- "$I2"
side_set_prio a $V 250
watch_wait
phase_checks "ah had preempts" a b 1000 "$I2"
ka_clean "ah had preempts"

watch_start b 4 --stopped a -- "$I2"
side_stop a
watch_wait
phase_checks "ah master a stops" b a 1000 "$I2"
check "ah master a stops: b master within 1 s of the stop ($(wf 'd["expect_ms"]') ms)" \
    between "$(wf 'd["expect_ms"]')" 0 1000

# Every advert a sent so far: AH with VRRP inside, nothing malformed, SPI
# a's address, sequence numbers rising, no plain VRRP.
kill_pid INT "$TSHARK_PID" 2>/dev/null
wait "$TSHARK_PID" 2>/dev/null
tshark -n -r "$PCAP" -T fields -E separator='|' -e ip.proto \
    -e frame.protocols -e ah.spi -e ah.sequence -e vrrp.prio \
    -e _ws.malformed >"$LAB_DIR/frames.txt" 2>"$LAB_DIR/tshark-r.log"
verdict=$("$PY" - "$LAB_DIR/frames.txt" <<'PYEOF'
import sys
rows = [l.rstrip("\n").split("|") for l in open(sys.argv[1]) if l.strip()]
ah = [r for r in rows if r[0] == "51"]
bad = [r for r in rows if r[0] != "51" or not r[1].endswith("ah:vrrp")
       or r[5] or int(r[2], 0) != 0xc6120001]
seqs = [int(r[3]) for r in ah]
rising = all(b > a for a, b in zip(seqs, seqs[1:]))
prios = sorted(set(r[4] for r in ah))
print("%s|%d AH adverts, %d bad, sequence %s..%s %s, priorities %s%s" % (
    "ok" if ah and not bad and rising else "bad", len(ah), len(bad),
    seqs[0] if seqs else "-", seqs[-1] if seqs else "-",
    "rising" if rising else "NOT rising", ",".join(prios),
    (", first bad: %s" % "|".join(bad[0])) if bad else ""))
PYEOF
)
check "tshark: every advert had sent is AH (SPI 198.18.0.1) around VRRP, none malformed (${verdict#*|})" \
    [ "${verdict%%|*}" = ok ]

# had comes back as backup below keepalived, which then stops.
watch_start b 6 -- "$I2"
side_start a $V 100
watch_wait
phase_checks "ah had back as backup" b a 1000 "$I2"
p0=$(had_field a VI_V2 prio0_received)
watch_start a 4 --stopped b -- "$I2"
side_stop b
watch_wait
phase_checks "ah master b stops" a b 1000 "$I2"
check "ah master b stops: a master within 1 s ($(wf 'd["expect_ms"]') ms)" \
    between "$(wf 'd["expect_ms"]')" 0 1000
p1=$(had_field a VI_V2 prio0_received)
check "ah: had counted keepalived's authenticated priority-0 advert ($p0 -> $p1)" \
    [ "${p1:-0}" -gt "${p0:-0}" ]
no_drops "ah master b stops" a
ka_clean "ah master b stops"
side_stop a

else
	echo "keepalived part: not with $BUILD (KA_SAN=1 runs it)"
fi

# ----------------------------------------------------- had and had
B_KIND=had
watch_start a 8 -- "$I2"
side_start a $V 150
side_start b $V 100
watch_wait
phase_checks "ah had-had start" a b 1000 "$I2"

watch_start b 8 -- "$I2"
side_set_prio b $V 200
watch_wait
phase_checks "ah had-had b preempts" b a 1000 "$I2"
no_drops "ah had-had b preempts" a

# b's vrrpd dies; had respawns it and it resumes as master, its sequence
# numbers above those a has seen.
seq0=$(drops_of a ah_seq)
vpid=$(pgrep -P "$(lab_had_pid b)" -x vrrpd | head -1)
if [ -n "$vpid" ]; then
	kill -KILL "$vpid"
	sleep 3.5
	lab_hactl b show procs -j >"$LAB_DIR/procs.json" 2>/dev/null
	check "ah had-had: b's vrrpd was respawned ($(json_get "$LAB_DIR/procs.json" '[r["restarts"] for r in d if r["name"]=="vrrpd"]' 2>/dev/null))" \
	    [ "$(json_get "$LAB_DIR/procs.json" '[r["restarts"] for r in d if r["name"]=="vrrpd"][0]' 2>/dev/null)" = 1 ]
	seq1=$(drops_of a ah_seq)
	check "ah had-had: after b's vrrpd respawn a dropped none of its adverts as old (ah_seq $seq0 -> $seq1)" \
	    [ "$seq1" = "$seq0" ]
	check "ah had-had: b master after its vrrpd respawn, a backup" \
	    sh -c "[ \"\$($BUILD/hactl -s $LAB_DIR/b/had.sock show vrrp -j | $PY -c 'import json,sys; print(json.load(sys.stdin)[\"items\"][0][\"state\"])')\" = MASTER ] && [ \"\$($BUILD/hactl -s $LAB_DIR/a/had.sock show vrrp -j | $PY -c 'import json,sys; print(json.load(sys.stdin)[\"items\"][0][\"state\"])')\" = BACKUP ]"
else
	fail "ah had-had: b's vrrpd found"
fi

watch_start a 4 --stopped b -- "$I2"
side_stop b
watch_wait
phase_checks "ah had-had master b stops" a b 1000 "$I2"
no_drops "ah had-had master b stops" a
side_stop a

lab_end_checks a b
summary
