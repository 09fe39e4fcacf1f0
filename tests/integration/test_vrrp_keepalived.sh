#!/bin/bash
# VRRP interop: keepalived (Debian package) as the other router in the lab.
#
# Node a runs had, node b keepalived, both on the lab bridge.  VRRPv2 with
# auth PASS (advert_int 1) and VRRPv3 with an IPv4 and an IPv6 instance
# (advert_int 0.1): had master with keepalived backup and the reverse,
# preemption both ways (keepalived restarted with a higher priority, had
# reloaded with one), orderly shutdown of either master.  Around every
# transition vrrp_watch.py samples both sides every 50 ms: the VIP must end
# on exactly one box, and two masters must never last longer than one
# advert interval.
#
# VRRP_A=keepalived runs keepalived on node a too (keepalived against
# keepalived: a check of the harness itself).
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
. tests/lab.sh
need_root

if ! command -v keepalived >/dev/null 2>&1; then
	fail "keepalived is installed (scripts/setup-deps.sh installs it)"
	summary
	exit 1
fi
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
HERE=tests/integration
A_KIND=${VRRP_A:-had}
case "$A_KIND" in
had|keepalived) ;;
*) echo "VRRP_A must be had or keepalived" >&2; exit 2 ;;
esac

VIP4=198.18.0.100
VIP6=2001:db8::100
PASS=hadtest1
SAMPLE=0.05	# seconds between samples
SAMPLE_MS=50

B_KIND=keepalived
. "$HERE/vrrp_ka.sh"

lab_init || { fail "lab_init"; summary; exit 1; }
trap cleanup EXIT
lab_node a 198.18.0.1/24 2001:db8::1/64
lab_node b 198.18.0.2/24 2001:db8::2/64

# ---------------------------------------------------------------- VRRPv2
# had (a) 150 and keepalived (b) 100, auth PASS, advert_int 1.
I2="VI_V2=$VIP4"
watch_start a 8 -- "$I2"
side_start a 2 150
side_start b 2 100
watch_wait
phase_checks "v2 start" a b 1000 "$I2"
if [ "$A_KIND" = had ]; then
	check "v2: had reports version 2" [ "$(had_field a VI_V2 version)" = 2 ]
	check "v2: had dropped none of keepalived's adverts ($(had_json a VI_V2 'i["drops"]'))" \
	    [ "$(had_json a VI_V2 'sum(i["drops"].values())')" = 0 ]
fi

# Preemption towards keepalived: restarted with priority 200.
watch_start b 8 -- "$I2"
side_set_prio b 2 200
watch_wait
phase_checks "v2 keepalived preempts" b a 1000 "$I2"
if [ "$A_KIND" = had ]; then
	rx=$(had_field a VI_V2 adverts_received)
	sleep 1.1
	rx2=$(had_field a VI_V2 adverts_received)
	check "v2: had backup receives keepalived's adverts ($rx -> $rx2)" \
	    [ "${rx2:-0}" -gt "${rx:-0}" ]
	check "v2: had reports keepalived's address as master ($(had_field a VI_V2 master))" \
	    [ "$(had_field a VI_V2 master)" = 198.18.0.2 ]
fi

# Preemption towards had: reloaded with priority 250.
watch_start a 8 -- "$I2"
side_set_prio a 2 250
watch_wait
phase_checks "v2 had preempts" a b 1000 "$I2"

# Orderly shutdown of the master (a): priority 0, b takes over within
# skew time (0.22 s at priority 200) plus a margin.
watch_start b 4 --stopped a -- "$I2"
t0=$(now_ms)
side_stop a
stop_ms=$(( $(now_ms) - t0 ))
watch_wait
phase_checks "v2 master a stops" b a 1000 "$I2"
check "v2 master a stops: b master (state and VIP) within 1 s of the stop ($(wf 'd["expect_ms"]') ms after the watch began, a's stop took $stop_ms ms)" \
    between "$(wf 'd["expect_ms"]')" 0 1000
side_stop b

# ---------------------------------------------------------------- VRRPv3
# The reverse to start with: keepalived (b) 150 master, had (a) 100;
# IPv4 and IPv6 instances, advert_int 0.1.
I3="VI_V3=$VIP4"
I6="VI_V6=$VIP6"
watch_start b 5 -- "$I3" "$I6"
side_start a 3 100
side_start b 3 150
watch_wait
phase_checks "v3 start" b a 100 "$I3" "$I6"
if [ "$A_KIND" = had ]; then
	check "v3: had reports version 3" [ "$(had_field a VI_V3 version)" = 3 ]
	check "v3: had learned keepalived's interval (advert_int $(had_field a VI_V3 advert_int))" \
	    sh -c "echo '$(had_field a VI_V3 advert_int)' | grep -Eq '^(0\.1|0\.10|10|100)$'"
	check "v3: had's IPv6 instance sees keepalived's link-local as master ($(had_field a VI_V6 master))" \
	    sh -c "echo '$(had_field a VI_V6 master)' | grep -q '^fe80:'"
fi

# Preemption towards had: reloaded with priority 200.
watch_start a 5 -- "$I3" "$I6"
side_set_prio a 3 200
watch_wait
phase_checks "v3 had preempts" a b 100 "$I3" "$I6"

# Preemption towards keepalived: restarted with priority 250.
watch_start b 6 -- "$I3" "$I6"
side_set_prio b 3 250
watch_wait
phase_checks "v3 keepalived preempts" b a 100 "$I3" "$I6"

# Orderly shutdown of the master (b): a takes over within skew time
# ((256-200)/256 * 0.1 s = 22 ms) plus a margin.
p0=$(had_field a VI_V3 prio0_received)
watch_start a 4 --stopped b -- "$I3" "$I6"
side_stop b
watch_wait
phase_checks "v3 master b stops" a b 100 "$I3" "$I6"
check "v3 master b stops: a master (state and VIP) within 0.5 s ($(wf 'd["expect_ms"]') ms after the watch began)" \
    between "$(wf 'd["expect_ms"]')" 0 500
if [ "$A_KIND" = had ]; then
	p1=$(had_field a VI_V3 prio0_received)
	check "v3: had counted keepalived's priority-0 advert ($p0 -> $p1)" \
	    [ "${p1:-0}" -gt "${p0:-0}" ]
	lab_hactl a show procs -j >"$LAB_DIR/procs.json" 2>/dev/null
	check "had's vrrpd never restarted ($(json_get "$LAB_DIR/procs.json" '[r["restarts"] for r in d if r["name"]=="vrrpd"]' 2>/dev/null))" \
	    [ "$(json_get "$LAB_DIR/procs.json" '[r["restarts"] for r in d if r["name"]=="vrrpd"][0]' 2>/dev/null)" = 0 ]
fi
side_stop a
# RFC 5798 leaves the address with the master; an orderly stop must not
# leave it behind (issue 3: "VIP gone from the old master").
gone4() { ! lab_has_addr a "$VIP4" && ! lab_has_addr a "$VIP6"; }
check "a stopped: its VIPs are gone from a within 1 s ($(ip -n "$LAB-a" -o addr show dev eth0 | awk '{print $4}' | tr '\n' ' '))" \
    wait_for 1 gone4

lab_end_checks a b
summary
