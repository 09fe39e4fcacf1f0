#!/bin/bash
# Reload with zero disruption (issue 6) in the lab: a master, a backup
# and a third node that captures.  `hactl reload' with no change and with
# a priority change on the master: no transition on either node, no
# extra gratuitous ARP (counted in a window around the reload against a
# window of the same length without one), the VIP never absent (sampled
# every 50 ms), no extra advert for no change (no gap between two adverts
# far under the interval); the new priority is in the master's adverts
# from the next one on, announced at once at most once.  A broken file: hactl exits non-zero with file:line:col, nothing moves.
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
if [ "$(basename "$BUILD")" = build-san ]; then
	export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
fi
gen() { sed -e "s|@PRIO@|$2|g" tests/integration/vrrp-reload.conf >"$LAB_DIR/$1.conf"; }
gen a 150
gen b 100
MAC_A=$(ip -n "$LAB-a" -o link show eth0 | sed -n 's|.*link/ether \([0-9a-f:]*\).*|\1|p')
VIP=198.18.0.61
W=4	# seconds per capture window

field() { lab_vrrp_field "$1" "$2" "$3"; }
both_state() { [ "$(field a "$1" state)" = "$2" ] && [ "$(field b "$1" state)" = "$3" ]; }
procs() {	# node: "name:pid ..." of had's children, and had's own pid
	echo "had:$(lab_had_pid "$1") $(lab_hactl "$1" show procs -j |
	    json_get /dev/stdin "' '.join('%s:%s' % (r['name'], r['pid']) for r in d)")"
}
snapshot() {	# everything that must not move
	local n i
	for n in a b; do
		for i in VI_R VI_R2; do
			printf '%s/%s %s %s\n' $n $i "$(field $n $i state)" \
			    "$(field $n $i transitions)"
		done
	done
}

# window NAME [COMMAND...]: capture W s on c, sample the VIP on a every
# 50 ms, run COMMAND 1 s in; sets GARPS, MISSES, SAMPLES, CAP.
window() {
	local name=$1 cap=$LAB_DIR/$1.pcap smp=$LAB_DIR/$1.samples tsh i
	shift
	lab_exec c tshark -n -q -i eth0 -a duration:$W -f "arp or ip proto 112" \
	    -w "$cap" >/dev/null 2>&1 &
	tsh=$!
	lab_track_pid $tsh
	# tshark needs a moment before it captures.
	wait_for 3 test -s "$cap"
	(
		for i in $(seq 1 $(( (W - 1) * 20 ))); do
			if ip -n "$LAB-a" -o addr show dev eth0 | grep -q " $VIP/"; then
				echo ok
			else
				echo miss
			fi
			sleep 0.05
		done
	) >"$smp" &
	local sampler=$!
	sleep 1
	if [ $# -gt 0 ]; then
		"$@"
	fi
	wait "$sampler"
	wait "$tsh" 2>/dev/null
	CAP=$cap
	GARPS=$(tshark -r "$cap" -Y "arp.isgratuitous == 1 && eth.src == $MAC_A" 2>/dev/null | wc -l)
	MISSES=$(grep -c miss "$smp")
	SAMPLES=$(grep -c . "$smp")
	# An extra advert shows as a gap much shorter than advert_int 0.1
	# (adverts keep a fixed cadence, so one that is late is followed by
	# a shorter gap: 50 ms leaves room for that under load).  SHORT
	# counts the gaps under 50 ms, MINGAP is the shortest.
	tshark -r "$cap" -Y "vrrp.virt_rtr_id == 61 && ip.src == 198.18.0.1" \
	    -T fields -e frame.time_relative 2>/dev/null |
	    awk 'NR > 1 { g = ($1 - p) * 1000; if (m == "" || g < m) m = g
		if (g < 50) s++ }
		{ p = $1 } END { printf "%d %d\n", m == "" ? -1 : m, s }' \
	    >"$LAB_DIR/$name.gaps"
	read -r MINGAP SHORT <"$LAB_DIR/$name.gaps"
}

lab_start_had b "$LAB_DIR/b.conf" || { fail "had on b up"; summary; exit 1; }
lab_start_had a "$LAB_DIR/a.conf" || { fail "had on a up"; summary; exit 1; }
check "a master, b backup (v3, 0.1 s)" wait_for 4 both_state VI_R MASTER BACKUP
check "a master, b backup (v2, 1 s)" wait_for 6 both_state VI_R2 MASTER BACKUP
# Let the gratuitous ARPs of the takeover (repeat 2, delay 1 s) pass.
sleep 2

window base
base_garps=$GARPS
check "baseline window: VIP present in all $SAMPLES samples" [ "$MISSES" = 0 ]
pass "baseline window: $base_garps gratuitous ARPs from a in $W s"
check "baseline window: no gap under 50 ms between adverts of a (shortest $MINGAP ms)" \
    [ "$SHORT" = 0 ]

# 1. Reload with no change, on both nodes.
snap=$(snapshot)
pa=$(procs a)
pb=$(procs b)
reload_both() {
	lab_hactl a reload >"$LAB_DIR/r1a.out" 2>&1
	echo $? >"$LAB_DIR/r1a.rc"
	lab_hactl b reload >"$LAB_DIR/r1b.out" 2>&1
}
window nochange reload_both
check "reload (no change) exits 0: $(head -1 "$LAB_DIR/r1a.out")" \
    [ "$(cat "$LAB_DIR/r1a.rc")" = 0 ]
check "reload (no change) says vrrp unchanged" \
    grep -q 'vrrp: unchanged' "$LAB_DIR/r1a.out"
now=$(snapshot)
check "no change: no transition on either node" [ "$now" = "$snap" ]
[ "$now" = "$snap" ] || diff <(echo "$snap") <(echo "$now") | sed 's/^/    /'
check "no change: gratuitous ARPs $GARPS, as without a reload ($base_garps)" \
    [ "$GARPS" = "$base_garps" ]
check "no change: VIP present in all $SAMPLES samples" [ "$MISSES" = 0 ]
check "no change: no extra advert (shortest gap $MINGAP ms, interval 100)" \
    [ "$SHORT" = 0 ]
check "no change: no process restarted" \
    [ "$(procs a) $(procs b)" = "$pa $pb" ]

# 2. A priority change on the master: 150 -> 140 for VI_R.
python3 - "$LAB_DIR/a.conf" <<'PY'
import sys
p = sys.argv[1]
s = open(p).read()
s = s.replace("priority 150", "priority 140", 1)
open(p, 'w').write(s)
PY
snap=$(snapshot)
reload_a() {
	lab_hactl a reload >"$LAB_DIR/r2.out" 2>&1
	echo $? >"$LAB_DIR/r2.rc"
	date +%s.%N >"$LAB_DIR/r2.t"
}
window prio reload_a
check "reload (priority) exits 0: $(head -1 "$LAB_DIR/r2.out")" \
    [ "$(cat "$LAB_DIR/r2.rc")" = 0 ]
check "reload (priority) says one instance changed" \
    grep -q 'vrrp: .*1 changed' "$LAB_DIR/r2.out"
# What the reload prints is what vrrpd did, from the same diff.
check "reload names the instance and the keyword: in place" \
    grep -qx 'vrrp: changed vrrp_instance VI_R (priority)' "$LAB_DIR/r2.out"
check "vrrpd applied it in place, for that reason" \
    grep -q 'VI_R vrid [0-9]*: changed in place (priority)' "$LAB_DIR/a/had.log"
check "and restarted nothing" \
    sh -c "! grep -q 'restarting' '$LAB_DIR/a/had.log'"
now=$(snapshot)
check "priority: no transition on either node" [ "$now" = "$snap" ]
[ "$now" = "$snap" ] || diff <(echo "$snap") <(echo "$now") | sed 's/^/    /'
# A Master announces a new priority at once (vrrp_sm_set_weight), then
# keeps its interval: one short gap at most.
check "priority: one advert at once at most, then the interval ($SHORT gaps under 50 ms)" \
    [ "$SHORT" -le 1 ]
check "priority: gratuitous ARPs $GARPS, as without a reload ($base_garps)" \
    [ "$GARPS" = "$base_garps" ]
check "priority: VIP present in all $SAMPLES samples" [ "$MISSES" = 0 ]
check "a's VI_R runs with priority 140" \
    [ "$(field a VI_R priority) $(field a VI_R effective_priority)" = "140 140" ]
check "a's VI_R2 keeps 150" [ "$(field a VI_R2 effective_priority)" = 150 ]
prios=$(tshark -r "$CAP" -Y "vrrp.virt_rtr_id == 61 && ip.src == 198.18.0.1" \
    -T fields -e vrrp.prio 2>/dev/null | uniq | tr '\n' ' ')
check "the adverts of a go from 150 to 140, once ($prios)" \
    [ "$prios" = "150 140 " ]
n140=$(tshark -r "$CAP" -Y "vrrp.virt_rtr_id == 61 && vrrp.prio == 140" \
    2>/dev/null | wc -l)
check "140 in the adverts for the rest of the window ($n140)" \
    [ "$n140" -ge 15 ]
check "no priority-0 advert from a" \
    [ "$(tshark -r "$CAP" -Y "vrrp.virt_rtr_id == 61 && vrrp.prio == 0" 2>/dev/null | wc -l)" = 0 ]
check "b still backup, a still master" both_state VI_R MASTER BACKUP

# 3. A broken file: errors with their position, nothing moves.
cp "$LAB_DIR/a.conf" "$LAB_DIR/a.conf.good"
cat >>"$LAB_DIR/a.conf" <<'BAD'

vrrp_instance VI_BAD {
	interface eth0
	virtual_router_id 300
	priortiy 10
}
BAD
snap=$(snapshot)
pa=$(procs a)
pb=$(procs b)
out=$(lab_hactl a reload 2>&1)
rc=$?
check "broken file: hactl reload exits non-zero ($rc)" [ "$rc" != 0 ]
echo "$out" | head -5 | sed 's/^/    /'
check "broken file: errors with file:line:col" \
    sh -c "echo \"\$1\" | grep -Eq 'a\\.conf:[0-9]+:[0-9]+'" _ "$out"
nerr=$(echo "$out" | grep -Ec 'a\.conf:[0-9]+:[0-9]+')
check "broken file: both errors reported ($nerr)" [ "$nerr" -ge 2 ]
sleep 1
check "broken file: same processes" [ "$(procs a) $(procs b)" = "$pa $pb" ]
check "broken file: no transition" [ "$(snapshot)" = "$snap" ]
check "broken file: VIP still on a" lab_has_addr a $VIP
check "broken file: a keeps the loaded priority 140" \
    [ "$(field a VI_R effective_priority)" = 140 ]
check "broken file: no instance VI_BAD" \
    [ "$(lab_hactl a show vrrp -j | json_get /dev/stdin 'len(d)')" = 2 ]
grep -iE 'old config|configuration stays' "$LAB_DIR/a/had.log" | tail -1 | sed 's/^/    /'
check "broken file: the log says the old configuration stays" \
    grep -qiE 'old config|configuration stays|keeping' "$LAB_DIR/a/had.log"
cp "$LAB_DIR/a.conf.good" "$LAB_DIR/a.conf"
lab_hactl a reload >/dev/null 2>&1
check "fixed file: reload exits 0" [ $? = 0 ]

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
echo "test_reload_vrrp: $(( ($(now_ms) - T0) / 1000 )) s"
summary
