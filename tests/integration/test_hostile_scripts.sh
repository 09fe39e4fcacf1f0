#!/bin/bash
# A compromised checkd asks had for scripts (hostile_child.py in its
# scripts mode, next to a real vrrpd and lvsd):
#   1. a script that is not checkd's (a VRRP instance's name, whose notify
#      scripts run as root): a protocol violation, checkd replaced;
#   2. 300 runs of its MISC_CHECK at once with an hour's timeout: one
#      runs, the second request is a violation; the one run is killed at
#      the configured misc_timeout (2 s), never two alive at a time;
#   3. the third incarnation behaves: it stays, and notify scripts still
#      run on the instance's next transition.
# The real checkd runs first for a moment to learn the MISC_CHECK's name
# (had logs it with -v).
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
need_root

BUILD=$(cd "$BUILD" && pwd)
HACTL=$BUILD/hactl
T=$(mktemp -d /tmp/had-hscr.XXXXXX)
chmod 755 "$T"
NS=hadt-hscr-$$
HADPID=""
SAMPLER=""

cleanup() {
	[ -n "$SAMPLER" ] && kill_pid KILL "$SAMPLER" 2>/dev/null
	if [ -n "$HADPID" ]; then
		kill_pid TERM "$HADPID" 2>/dev/null
		wait_for 3 pid_gone "$HADPID" || kill_pid KILL "$HADPID" 2>/dev/null
	fi
	ip netns del "$NS" 2>/dev/null
	[ -n "${KEEP:-}" ] && echo "kept $T" || rm -rf "$T"
}
trap cleanup EXIT

ip netns add "$NS" || { fail "ip netns add"; summary; exit 1; }
ip -n "$NS" link set lo up
ip -n "$NS" link add d0 type veth peer name d1
ip -n "$NS" link set d1 up
ip -n "$NS" addr add 198.18.0.1/24 dev d0
ip -n "$NS" link set d0 up

# A unique sleep so that the sampler counts only this MISC_CHECK's runs.
NAP=4321
cat >"$T/had.conf" <<CONF
vrrp_instance VI_H {
	state BACKUP
	interface d0
	virtual_router_id 71
	priority 100
	advert_int 1
	virtual_ipaddress {
		198.18.0.100/24
	}
	notify_master "/bin/sh -c 'echo master >>$T/notify.log'"
	notify_fault "/bin/sh -c 'echo fault >>$T/notify.log'"
}
virtual_server 198.18.0.80 80 {
	delay_loop 1
	lb_algo rr
	lb_kind NAT
	real_server 198.18.0.81 80 {
		MISC_CHECK {
			misc_path "/bin/sleep $NAP"
			misc_timeout 2
		}
	}
}
CONF

start_had() {	# libexec dir, log
	ip netns exec "$NS" "$BUILD/had" -d -v -X "$1" -f "$T/had.conf" \
	    -s "$T/had.sock" -p "$T/had.pid" -C "$T/empty" >"$2" 2>&1 &
	HADPID=$!
}
stop_had() {
	kill_pid TERM "$HADPID"
	wait_for 5 pid_gone "$HADPID" || kill_pid KILL "$HADPID"
	wait "$HADPID" 2>/dev/null
	HADPID=""
}
procs() { "$HACTL" -s "$T/had.sock" show procs -j >"$T/p.json" 2>/dev/null; }
field() {	# name field
	procs && json_get "$T/p.json" "[r['$2'] for r in d if r['name']=='$1'][0]"
}
naps() { pgrep -xf "/bin/sleep $NAP" | wc -l; }

# The real checkd, to learn the name of the MISC_CHECK.
start_had "$BUILD" "$T/learn.log"
name_seen() { grep -qo "script misc-[0-9a-f]* (checkd): started" "$T/learn.log"; }
if ! wait_for 10 name_seen; then
	fail "the real checkd's MISC_CHECK ran (had -v logs its name)"
	tail -20 "$T/learn.log"
	summary
	exit 1
fi
stop_had
MISC=$(grep -o "script misc-[0-9a-f]* (checkd): started" "$T/learn.log" | head -1 | awk '{print $2}')
pass "the real checkd asks for $MISC"
wait_for 3 sh -c "[ \$(pgrep -xf '/bin/sleep $NAP' | wc -l) = 0 ]"

L=$T/libexec
mkdir -p "$L"
cp "$BUILD/vrrpd" "$BUILD/lvsd" "$BUILD/bfdd" "$L/"
cp tests/integration/hostile_child.py "$L/checkd"
chmod 755 "$L/checkd"
touch "$L/scripts-mode"
echo "$MISC" >"$L/misc-name"
LOG=$T/had.log

# How many of the MISC_CHECK's sleeps are alive, every 50 ms for 15 s.
(
	end=$(( $(date +%s) + 15 ))
	while [ "$(date +%s)" -lt "$end" ]; do
		echo "$(date +%s%3N) $(pgrep -xf "/bin/sleep $NAP" | tr '\n' ,)"
		sleep 0.05
	done
) >"$T/naps" &
SAMPLER=$!
start_had "$L" "$LOG"

check "1: checkd asking for VI_H is a protocol violation" \
    wait_for 10 grep -q "checkd: protocol violation: asked for vrrp_script VI_H, not one of its scripts" "$LOG"
check "1: had replaced it (restart 1)" \
    wait_for 5 grep -q "^had: checkd (pid [0-9]*) .* restart 1 in " "$LOG"
check "2: the second of 300 requests is a protocol violation" \
    wait_for 10 grep -q "checkd: protocol violation: asked for MISC_CHECK $MISC while it runs" "$LOG"
check "2: had replaced it (restart 2)" \
    wait_for 5 grep -q "^had: checkd (pid [0-9]*) .* restart 2 in " "$LOG"
check "2: the one run timed out at misc_timeout" \
    wait_for 5 grep -q "script $MISC (checkd): timed out; killing it" "$LOG"
check "3: the third checkd stays" wait_for 5 grep -q "step 2: benign" "$L/hostile.log"

wait "$SAMPLER"
SAMPLER=""
max=$(awk '{ n = split($2, a, ","); n--; if (n > m) m = n } END { print m + 0 }' "$T/naps")
runs=$(awk '{ n = split($2, a, ","); for (i = 1; i < n; i++) seen[a[i]] = 1 } END { print length(seen) }' "$T/naps")
# How long each sleep lived, as sampled.
lives=$(awk '{ n = split($2, a, ","); for (i = 1; i < n; i++) { if (!(a[i] in f)) f[a[i]] = $1; l[a[i]] = $1 } }
    END { for (p in f) printf "%d ", l[p] - f[p] }' "$T/naps")
echo "MISC_CHECK runs seen: $runs, most alive at once: $max, lifetimes (ms): $lives"
check "at most one run alive at a time ($max)" [ "$max" -le 1 ]
check "a run was seen ($runs)" [ "$runs" -ge 1 ]
longest=$(tr ' ' '\n' <<<"$lives" | sort -n | tail -1)
check "no run outlived misc_timeout 2 s by much (longest ${longest:-?} ms)" \
    [ "${longest:-99999}" -le 2600 ]
check "no sleep left" [ "$(naps)" = 0 ]

# had goes on: the attacker stays up, the siblings were never touched,
# notify scripts still run.
check "checkd restarts 2" [ "$(field checkd restarts)" = 2 ]
check "vrrpd and lvsd restarts 0" \
    [ "$(field vrrpd restarts) $(field lvsd restarts)" = "0 0" ]
check "VI_H master" wait_for 10 grep -qx master "$T/notify.log"
ip -n "$NS" link set d0 down
check "notify_fault runs after the attacks" \
    wait_for 5 grep -qx fault "$T/notify.log"
check "had still running" kill -0 "$HADPID"
if grep -Eq 'AddressSanitizer|runtime error:' "$LOG" "$T/learn.log"; then
	fail "sanitizer report in the log"
else
	pass "no sanitizer report"
fi
summary
