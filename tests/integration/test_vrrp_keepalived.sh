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

KA_PIDS=""

# Stop the keepalived processes we started (parent, then its VRRP child
# if it outlived it), then the rest of the lab.
cleanup() {
	local n
	for n in a b; do ka_stop "$n" 2>/dev/null; done
	lab_cleanup
}

lab_init || { fail "lab_init"; summary; exit 1; }
trap cleanup EXIT
lab_node a 198.18.0.1/24 2001:db8::1/64
lab_node b 198.18.0.2/24 2001:db8::2/64

kind_of() { if [ "$1" = a ]; then echo "$A_KIND"; else echo keepalived; fi; }

mkconf() {	# node kind ver prio -> path
	local n=$1 k=$2 v=$3 p=$4 d=$LAB_DIR/$1 f
	f=$d/$k-v$v.conf
	sed -e "s/@NODE@/lab-$n/g" -e "s/@PRIO@/$p/g" -e "s/@PASS@/$PASS/g" \
	    -e "s/@VRID4@/51/g" -e "s/@VRID6@/52/g" -e "s/@ADV@/0.1/g" \
	    -e "s/@VIP4@/$VIP4/g" -e "s/@VIP6@/$VIP6/g" -e "s|@DIR@|$d|g" \
	    "$HERE/$k-v$v.conf.in" >"$f"
	echo "$f"
}

ka_notify_script() {	# node
	local d=$LAB_DIR/$1
	cat >"$d/notify.sh" <<EOF
#!/bin/sh
# keepalived notify: \$1 INSTANCE, \$2 name, \$3 state, \$4 priority
[ "\$1" = INSTANCE ] || exit 0
echo "\$3" >"$d/state.\$2.tmp" && mv "$d/state.\$2.tmp" "$d/state.\$2"
EOF
	chmod 755 "$d/notify.sh"
}

ka_start() {	# node conf
	local n=$1 d=$LAB_DIR/$1 pid
	ka_notify_script "$n"
	rm -f "$d"/state.*
	ip netns exec "$LAB-$n" keepalived -n -l -D --vrrp -f "$2" \
	    -p "$d/ka.pid" -r "$d/ka-vrrp.pid" -c "$d/ka-checkers.pid" \
	    >>"$d/keepalived.log" 2>&1 &
	pid=$!
	eval "KA_PID_$n=$pid"
	lab_track_pid "$pid"
	# Its VRRP child writes its pidfile once it runs.
	wait_for 5 test -s "$d/ka-vrrp.pid"
}

ka_stop() {	# node
	local n=$1 d=$LAB_DIR/$1 pid child=""
	pid=$(eval "echo \${KA_PID_$n:-}")
	[ -n "$pid" ] || return 0
	[ -s "$d/ka-vrrp.pid" ] && child=$(cat "$d/ka-vrrp.pid")
	kill_pid TERM "$pid" 2>/dev/null
	wait_for 5 gone_or_zombie "$pid" || kill_pid KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	# The VRRP child is keepalived's own; make sure it went with it.
	if [ -n "$child" ] && kill -0 "$child" 2>/dev/null &&
	    grep -q keepalived "/proc/$child/cmdline" 2>/dev/null; then
		wait_for 3 sh -c "! kill -0 $child 2>/dev/null" ||
		    kill_pid KILL "$child" 2>/dev/null
	fi
	eval "KA_PID_$n="
	rm -f "$d"/state.*
}

side_start() {	# node ver prio
	local n=$1 k f
	k=$(kind_of "$n")
	f=$(mkconf "$n" "$k" "$2" "$3")
	if [ "$k" = had ]; then
		lab_start_had "$n" "$f" || {
			fail "had starts on $n ($(tail -3 "$LAB_DIR/$n/had.log" | tr '\n' ' '))"
			return 1
		}
	else
		ka_start "$n" "$f" || {
			fail "keepalived starts on $n ($(tail -3 "$LAB_DIR/$n/keepalived.log" | tr '\n' ' '))"
			return 1
		}
	fi
}

# had is our direct child: once it exits it stays a zombie until reaped,
# and kill -0 still finds it, so wait for "gone or zombie", then reap.
gone_or_zombie() {
	[ ! -e "/proc/$1" ] || [ "$(ps -o stat= -p "$1" 2>/dev/null | cut -c1)" = Z ]
}
had_stop() {	# node
	local pid
	pid=$(lab_had_pid "$1")
	[ -n "$pid" ] || return 0
	kill_pid TERM "$pid" 2>/dev/null
	wait_for 5 gone_or_zombie "$pid" || kill_pid KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	eval "LAB_HAD_$1="
}

side_stop() {	# node
	if [ "$(kind_of "$1")" = had ]; then
		had_stop "$1"
	else
		ka_stop "$1"
	fi
}

# A new priority: had reloads its configuration (hactl reload vrrp),
# keepalived is restarted with the new file.
side_set_prio() {	# node ver prio
	local n=$1 k out
	k=$(kind_of "$n")
	if [ "$k" = had ]; then
		mkconf "$n" had "$2" "$3" >/dev/null
		out=$(lab_hactl "$n" reload vrrp 2>&1) ||
		    fail "hactl reload vrrp on $n ($out)"
	else
		ka_stop "$n"
		side_start "$n" "$2" "$3"
	fi
}

side_spec() {	# node
	local k
	k=$(kind_of "$1")
	if [ "$k" = had ]; then
		echo "$1=had:$LAB-$1:$LAB_DIR/$1/had.sock"
	else
		echo "$1=ka:$LAB-$1:$LAB_DIR/$1"
	fi
}

WATCH_PID=
WATCH_OUT=
# watch_start EXPECT WINDOW [--stopped NODE] -- INST=VIP...: sample both
# sides in the background until EXPECT is master and the other backup for
# a second, or WINDOW seconds pass.
watch_start() {
	local expect=$1 window=$2 extra=""
	shift 2
	if [ "${1:-}" = --stopped ]; then extra="--stopped $2"; shift 2; fi
	[ "${1:-}" = -- ] && shift
	local insts="" i
	for i in "$@"; do insts="$insts --inst $i"; done
	WATCH_OUT=$LAB_DIR/watch.$(now_ms).json
	# shellcheck disable=SC2086
	"$PY" "$HERE/vrrp_watch.py" --hactl "$BUILD/hactl" --period "$SAMPLE" \
	    --window "$window" --hold 1 --expect "$expect" $extra \
	    --side "$(side_spec a)" --side "$(side_spec b)" $insts \
	    >"$WATCH_OUT" 2>"$WATCH_OUT.err" &
	WATCH_PID=$!
	lab_track_pid "$WATCH_PID"
}

watch_wait() { wait "$WATCH_PID" 2>/dev/null; WATCH_PID=; }

wf() { json_get "$WATCH_OUT" "$1" 2>/dev/null; }

# The checks after one transition: the expected node master and the other
# backup, two masters never longer than one advert interval (plus one
# sample, the resolution of the measure), the VIP on exactly one box.
phase_checks() {	# label expect other adv_ms inst=vip...
	local label=$1 m=$2 o=$3 adv=$4 iv inst vip dual i ok
	shift 4
	if [ ! -s "$WATCH_OUT" ]; then
		fail "$label: watcher output ($(head -c 300 "$WATCH_OUT.err"))"
		return
	fi
	local ob="$o ($(kind_of "$o")) backup"
	case "$label" in *stops*) ob="$o ($(kind_of "$o")) stopped, its VIP gone" ;; esac
	if [ "$(wf 'd["reached"]')" = True ]; then
		pass "$label: $m ($(kind_of "$m")) master, $ob, after $(wf 'd["reached_ms"]') ms, held 1 s"
	else
		fail "$label: $m ($(kind_of "$m")) master and $ob within $(wf 'd["elapsed_ms"]') ms; last sample [state, VIP present]: $(wf 'd["last"]')"
	fi
	for iv in "$@"; do
		inst=${iv%%=*}
		vip=${iv#*=}
		dual=$(wf "d['max_dual_ms']['$inst']")
		check "$label: $inst never two masters longer than one advert interval (longest ${dual} ms in $(wf "d['dual_runs']['$inst']") runs, limit $adv + $SAMPLE_MS ms, $(wf 'd["samples"]') samples)" \
		    [ "${dual:-99999}" -le $((adv + SAMPLE_MS)) ]
		ok=0
		for i in 1 2 3 4 5; do
			if lab_has_addr "$m" "$vip" && ! lab_has_addr "$o" "$vip"; then
				ok=$((ok + 1))
			fi
			sleep 0.1
		done
		check "$label: $inst VIP $vip on $m only ($ok of 5 samples)" [ "$ok" = 5 ]
	done
}

had_field() {	# node inst field
	[ "$(kind_of "$1")" = had ] || return 0
	lab_vrrp_field "$1" "$2" "$3"
}

# had_json NODE INST EXPR: EXPR over that instance's object `i` from
# `hactl show vrrp -j`.
had_json() {
	lab_hactl "$1" show vrrp -j >"$LAB_DIR/$1/vrrp.json" 2>/dev/null &&
	    json_get "$LAB_DIR/$1/vrrp.json" "[$3 for i in d if i['name']=='$2'][0]"
}

between() { [ -n "$1" ] && [ "$1" -ge "$2" ] && [ "$1" -le "$3" ]; }

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

for n in a b; do
	if grep -Eq 'AddressSanitizer|runtime error:|LeakSanitizer' \
	    "$LAB_DIR/$n/had.log" 2>/dev/null; then
		fail "sanitizer report in $n's had log"
		grep -E -A20 'AddressSanitizer|runtime error:' "$LAB_DIR/$n/had.log" | head -40
	fi
done
if [ "$T_FAIL" -gt 0 ] && [ -n "${VERBOSE:-}" ]; then
	for n in a b; do
		echo "--- $n logs"
		tail -30 "$LAB_DIR/$n/had.log" "$LAB_DIR/$n/keepalived.log" 2>/dev/null
	done
fi
summary
