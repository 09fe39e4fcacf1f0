#!/bin/bash
# No virtual address outlives had.  A two-node lab: node a (priority 150)
# is master, node b (100) had as its peer.  Each way of stopping a is tried
# ROUNDS times: SIGTERM to had; SIGTERM and SIGINT to its process group
# (Ctrl-C, systemd without KillMode=mixed); SIGKILL to had alone; SIGKILL
# to the whole group, then a restart as backup.  After each: within 1.5 s
# a holds no VIP and b holds them all; after the restart within 2 s a
# holds none.  keepalived runs the same matrix on node a (KA_ROUNDS
# times, 1 by default) and its figures are printed beside ours (printed
# only).  Then SIGUSR1 and SIGUSR2 must
# do no harm and leave a root-only dump, kill -9 of vrrpd on the master,
# 10 times, must run no notify script and count no transition, and kill
# -9 of lvsd must not take the VIPs away even for a moment.
#
# had and keepalived are started with setsid: their own process group,
# the only group this test ever signals.
#
# On an orderly stop had hands over before it breaks: a keeps its VIPs
# until b's advert is heard, so "a without VIPs" comes no earlier than
# "b holding them"; keepalived lets go at once.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
. tests/lab.sh
need_root

ROUNDS=${STOP_ROUNDS:-3}
# keepalived's figures: once per path keeps the test near 2 minutes.
KA_ROUNDS=${KA_ROUNDS:-1}
VIPS="198.18.0.61 198.18.0.62"
INSTS="VI_STOP1 VI_STOP2"
T0=$(now_ms)

lab_init || { fail "lab_init"; summary; exit 1; }
A_PID=
cleanup() {
	stop_a KILL
	lab_cleanup
}
trap cleanup EXIT
lab_node a 198.18.0.1/24
lab_node b 198.18.0.2/24
if [ "$(basename "$BUILD")" = build-san ]; then
	export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
	# keepalived is the same binary in both passes: its figures once,
	# with the plain build, and the suite 40 s shorter.
	KA_ROUNDS=${KA_ROUNDS_SAN:-0}
	echo "keepalived's rounds: $KA_ROUNDS with $BUILD (KA_ROUNDS_SAN)"
fi
HAVE_KA=0
command -v keepalived >/dev/null 2>&1 && HAVE_KA=1

for n in a b; do
	d=$LAB_DIR/$n
	printf '#!/bin/sh\necho "$*" >>%s/notify.log\n' "$d" >"$d/notify.sh"
	chmod 755 "$d/notify.sh"
done
mkconf() {	# node prio -> path
	local f=$LAB_DIR/$1/stop-$2.conf
	sed -e "s/@NODE@/stop-$1/" -e "s/@PRIO@/$2/" -e "s|@DIR@|$LAB_DIR/$1|" \
	    tests/integration/vrrp-stop.conf.in >"$f"
	echo "$f"
}

vips_on() {	# node: how many of the VIPs it holds
	local v c=0
	for v in $VIPS; do lab_has_addr "$1" "$v" && c=$((c + 1)); done
	echo "$c"
}
none_on() { [ "$(vips_on "$1")" = 0 ]; }
all_on() { [ "$(vips_on "$1")" = 2 ]; }
group_alive() { pgrep -g "$A_PID" >/dev/null 2>&1; }

# start_a KIND PRIO: had or keepalived on node a, in a group of its own.
start_a() {
	local d=$LAB_DIR/a conf
	conf=$(mkconf a "$2")
	if [ "$1" = had ]; then
		setsid ip netns exec "$LAB-a" "$BUILD/had" -d -X "$BUILD" \
		    -f "$conf" -s "$d/had.sock" -p "$d/had.pid" -C "$d/empty" \
		    >>"$d/had.log" 2>&1 &
	else
		setsid ip netns exec "$LAB-a" keepalived -n -l -D --vrrp \
		    -f "$conf" -p "$d/ka.pid" -r "$d/ka-vrrp.pid" \
		    -c "$d/ka-checkers.pid" >>"$d/keepalived.log" 2>&1 &
	fi
	A_PID=$!
	# Its SIGKILL is the test's doing: no "Killed" notice from bash.
	disown "$A_PID"
	# setsid did not fork (a background job is no group leader): the
	# daemon is A_PID and leads group A_PID.
	if [ "$(ps -o pgid= -p "$A_PID" | tr -d ' ')" != "$A_PID" ]; then
		fail "$1 on a leads its own process group"
		return 1
	fi
	if [ "$1" = had ]; then
		wait_for 10 lab_hactl a show procs
	else
		wait_for 5 test -s "$d/ka-vrrp.pid"
	fi
}

# stop_a [SIGNAL]: whatever is left of a's group goes (ours: it has
# A_PID as its group id, and a group id stays taken while it has members).
stop_a() {
	[ -n "$A_PID" ] || return 0
	if group_alive; then
		kill "-${1:-TERM}" -- "-$A_PID" 2>/dev/null
		wait_for 5 sh -c "! pgrep -g $A_PID >/dev/null" ||
		    kill -KILL -- "-$A_PID" 2>/dev/null
	fi
	wait "$A_PID" 2>/dev/null
	A_PID=
}

a_master() {	# kind: a holds the VIPs and b knows it is backup
	local i
	all_on a && none_on b || return 1
	for i in $INSTS; do lab_state_is b "$i" BACKUP || return 1; done
	[ "$1" = keepalived ] && return 0
	for i in $INSTS; do lab_state_is a "$i" MASTER || return 1; done
}

# measure LIMIT_MS: poll until a holds no VIP and b holds all, or the
# limit; sets GONE and PEER (ms after the signal, or "-").
GONE=-
PEER=-
measure() {
	local t0=$1 limit=$2 t
	GONE=-
	PEER=-
	while :; do
		t=$(( $(now_ms) - t0 ))
		[ "$GONE" = - ] && none_on a && GONE=$t
		[ "$PEER" = - ] && all_on b && PEER=$t
		[ "$GONE" != - ] && [ "$PEER" != - ] && break
		[ "$t" -ge "$limit" ] && break
		sleep 0.02
	done
}
within() { [ "$1" != - ] && [ "$1" -le "$2" ]; }

# Fresh state for a run: leftovers of an earlier run's SIGKILL go.
clean_a() {
	local v
	for v in $VIPS; do
		ip -n "$LAB-a" addr del "$v/24" dev eth0 2>/dev/null
	done
}

# run_path KIND PATH ROUND: one stop of a master; records the figures.
run_path() {
	local k=$1 p=$2 r=$3 t0 t what left
	clean_a
	start_a "$k" 150 || return
	if ! wait_for 8 a_master "$k"; then
		fail "$k $p #$r: a becomes master (a holds $(vips_on a), b $(vips_on b))"
		stop_a KILL
		return
	fi
	t0=$(now_ms)
	case $p in
	term)		kill_pid TERM "$A_PID" ;;
	term-group)	kill -TERM -- "-$A_PID" ;;
	int-group)	kill -INT -- "-$A_PID" ;;
	kill)		kill_pid KILL "$A_PID" ;;
	kill-group)	kill -KILL -- "-$A_PID" ;;
	esac
	measure "$t0" 1500
	what="$k $p #$r: a without VIPs after ${GONE} ms, b holding them after ${PEER} ms"
	eval "FIG_${k}_${p//-/_}=\"\${FIG_${k}_${p//-/_}:-} $GONE/$PEER\""
	if [ "$k" = had ]; then
		if [ "$p" = kill-group ]; then
			check "$what (a's leftovers wait for the restart)" \
			    within "$PEER" 1500
		else
			check "$what" sh -c "[ '$GONE' != - ] && [ '$PEER' != - ] && [ '$GONE' -le 1500 ] && [ '$PEER' -le 1500 ]"
			check "$k $p #$r: every process of had's group gone within 3 s" \
			    wait_for 3 sh -c "! pgrep -g $A_PID >/dev/null"
			[ "$p" = kill ] ||
			    check "$k $p #$r: make before break: a let go no earlier than b held them (-30 ms for sampling)" \
			    sh -c "[ '$GONE' != - ] && [ '$PEER' != - ] && [ \$(( $GONE + 30 )) -ge '$PEER' ]"
		fi
	else
		echo "     keepalived $p #$r: a without VIPs after ${GONE} ms, b holding them after ${PEER} ms"
	fi
	stop_a KILL
	[ "$p" = kill-group ] || return
	# Restart as backup: the leftovers must go within 2 s.
	left=$(vips_on a)
	start_a "$k" 50 || return
	t0=$(now_ms)
	if wait_for 2 none_on a; then
		t=$(( $(now_ms) - t0 ))
	else
		t=-
	fi
	eval "FIG_${k}_restart=\"\${FIG_${k}_restart:-} $left:$t\""
	if [ "$k" = had ]; then
		check "$k restart as backup #$r: the $left VIP(s) SIGKILL left on a removed after $t ms, b still holds them" \
		    sh -c "[ '$t' != - ] && [ $(vips_on b) = 2 ]"
	else
		echo "     keepalived restart as backup #$r: $left VIP(s) left, removed after $t ms"
	fi
	stop_a TERM
}

lab_start_had b "$(mkconf b 100)" || { fail "had on b up"; summary; exit 1; }
PATHS="term term-group int-group kill kill-group"
KINDS=had
[ "$HAVE_KA" = 1 ] && [ "$KA_ROUNDS" -gt 0 ] && KINDS="had keepalived"
[ "$HAVE_KA" = 1 ] || skip "keepalived not installed: no figures to compare"
for k in $KINDS; do
	tk=$(now_ms)
	n=$ROUNDS
	[ "$k" = keepalived ] && n=$KA_ROUNDS
	for p in $PATHS; do
		for r in $(seq 1 "$n"); do
			run_path "$k" "$p" "$r"
		done
	done
	echo "     the $k matrix took $(( ($(now_ms) - tk) / 1000 )) s"
done
check "orderly stops handed over: vrrpd heard the new master ($(grep -c 'new master heard; VIPs go' "$LAB_DIR/a/had.log") times)" \
    grep -q 'new master heard; VIPs go' "$LAB_DIR/a/had.log"
echo "     stop-path figures, ms after the signal: a without VIPs / b holding them"
printf '     %-12s %-28s %s\n' path had keepalived
for p in $PATHS restart; do
	printf '     %-12s %-28s %s\n' "$p" "$(eval "echo \${FIG_had_${p//-/_}:-}")" \
	    "$(eval "echo \${FIG_keepalived_${p//-/_}:-n/a}")"
done
echo "     (restart: VIPs left by the SIGKILL:ms until removed)"

# --- SIGUSR1 and SIGUSR2: a dump, no harm ---------------------------------
clean_a
start_a had 150 && wait_for 8 a_master had || fail "a master for the dump test"
procs() {
	lab_hactl a show procs -j 2>/dev/null | python3 -c 'import json,sys
print(" ".join("%s=%d" % (r["name"], r["pid"]) for r in json.load(sys.stdin)["items"] if r["running"]))' 2>/dev/null
}
before=$(procs)
for s in USR1 USR2; do
	kill_pid "$s" "$A_PID"
	sleep 2
	check "SIGUSR${s#USR}: had and its children still run 2 s later ($before)" \
	    [ "$(procs)" = "$before" ]
	case $s in
	USR1) what=state ;;
	USR2) what=statistics ;;
	esac
	f=$(sed -n "s/.*SIGUSR${s#USR}: $what written to \(.*\)$/\1/p" "$LAB_DIR/a/had.log" | tail -1)
	check "SIGUSR${s#USR}: had logs the dump's name ($f)" [ -n "$f" ]
	check "SIGUSR${s#USR}: $f is root's, mode 0600" \
	    [ "$(stat -c '%u %a' "$f" 2>/dev/null)" = "0 600" ]
	check "SIGUSR${s#USR}: $f names both instances" \
	    sh -c "grep -q VI_STOP1 '$f' && grep -q VI_STOP2 '$f'"
done
# keepalived users signal the whole group too: the children ignore it.
kill -USR1 -- "-$A_PID"
kill -USR2 -- "-$A_PID"
sleep 2
check "SIGUSR1 and SIGUSR2 to had's process group: all still run 2 s later" \
    [ "$(procs)" = "$before" ]

# --- kill -9 of vrrpd on the master: no notify, no transition -------------
child_pid() {	# name: the running child's pid on a, or nothing
	lab_hactl a show procs -j 2>/dev/null | python3 -c 'import json,sys
r = [r for r in json.load(sys.stdin)["items"] if r["name"] == sys.argv[1] and r["running"]]
print(r[0]["pid"] if r else "")' "$1" 2>/dev/null
}
vrrpd_pid() { child_pid vrrpd; }
vrrpd_new() { local p; p=$(vrrpd_pid); [ -n "$p" ] && [ "$p" != "$1" ]; }
sum_tr() {	# node: transitions of both instances
	echo $(( $(lab_vrrp_field "$1" VI_STOP1 transitions) +
	    $(lab_vrrp_field "$1" VI_STOP2 transitions) ))
}
sleep 0.3
nlog() { cat "$LAB_DIR/a/notify.log" 2>/dev/null | grep -c .; }
nres() { grep -c 'resumed as MASTER after a restart' "$LAB_DIR/a/had.log"; }
n0=$(nlog)
r0=$(nres)
trb=$(sum_tr b)
bad_notify=0 bad_tr=0 bad_vip=0 bad_up=0
for i in $(seq 1 10); do
	old=$(vrrpd_pid)
	[ -n "$old" ] && kill_pid KILL "$old"
	if ! wait_for 3 vrrpd_new "$old" ||
	    ! wait_for 2 lab_state_is a VI_STOP1 MASTER; then
		bad_up=$((bad_up + 1))
		continue
	fi
	sleep 0.3
	all_on a || bad_vip=$((bad_vip + 1))
	[ "$(nlog)" = "$n0" ] || bad_notify=$((bad_notify + 1))
	[ "$(sum_tr a)" = 0 ] || bad_tr=$((bad_tr + 1))
done
check "kill -9 of vrrpd on the master x10: respawned and MASTER again each time ($bad_up misses)" \
    [ "$bad_up" = 0 ]
check "kill -9 of vrrpd x10: no notify script ran ($(( $(nlog) - n0 )) runs)" \
    [ "$bad_notify" = 0 ]
check "kill -9 of vrrpd x10: the respawned vrrpd counted no transition ($bad_tr times it did)" \
    [ "$bad_tr" = 0 ]
check "kill -9 of vrrpd x10: a kept its VIPs ($bad_vip times not)" \
    [ "$bad_vip" = 0 ]
check "kill -9 of vrrpd x10: each respawn resumed both instances as MASTER ($(( $(nres) - r0 )) resumes)" \
    [ $(( $(nres) - r0 )) -ge 20 ]
check "kill -9 of vrrpd x10: b saw no transition ($trb before, $(sum_tr b) after)" \
    [ "$(sum_tr b)" = "$trb" ]

# --- kill -9 of lvsd on the master: respawned, the VIPs never leave -----
lvsd_pid() { child_pid lvsd; }
missing=0 back=0
for i in 1 2 3; do
	old=$(lvsd_pid)
	[ -n "$old" ] && kill_pid KILL "$old"
	for s in $(seq 1 40); do	# 40 samples, about 1 s
		all_on a || missing=$((missing + 1))
		sleep 0.02
	done
	p=$(lvsd_pid)
	[ -n "$p" ] && [ "$p" != "$old" ] && back=$((back + 1))
done
check "kill -9 of lvsd on the master x3: respawned each time ($back)" [ "$back" = 3 ]
check "kill -9 of lvsd x3: a held its VIPs in every sample ($missing samples without)" \
    [ "$missing" = 0 ]

echo "     $T_NAME took $(( ($(now_ms) - T0) / 1000 )) s"
summary
