#!/bin/bash
# A compromised child: for each of vrrpd, lvsd and checkd in turn, had runs
# a hostile stand-in of that name (tests/integration/hostile_child.py) next
# to the two real other children.  The stand-in sends had and its siblings
# oversized, wrong-type, wrong-size, out-of-sequence and truncated messages
# and descriptors where none belong, one kind per incarnation, and first of
# all stops answering pings.  Every receiver must log it and close that
# channel, had must replace the stand-in each time, no other process may
# die and no privilege may change.
#
# The three scenarios run side by side, each in its own namespace with its
# own had, so that the respawn backoff of one does not add to the others.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
need_root

BUILD=$(cd "$BUILD" && pwd)
HACTL=$BUILD/hactl
T=$(mktemp -d /tmp/had-hostile.XXXXXX)
chmod 755 "$T"
TAG=hadt-host-$$
HADPIDS=""

cleanup() {
	local p
	for p in $HADPIDS; do kill_pid TERM "$p" 2>/dev/null; done
	for p in $HADPIDS; do
		wait_for 3 pid_gone "$p" || kill_pid KILL "$p" 2>/dev/null
	done
	for c in vrrpd lvsd checkd; do ip netns del "$TAG-$c" 2>/dev/null; done
	[ -n "${KEEP:-}" ] && echo "kept $T" || rm -rf "$T"
}
trap cleanup EXIT

# One scenario: the stand-in is child $1.  Writes PASS/FAIL lines and
# figures to stdout (a file), run in the background.
scenario() {
	local H=$1 D=$T/$1 NS=$TAG-$1 hadpid sock log peers others c k w
	sock=$D/had.sock
	log=$D/had.log
	mkdir -p "$D/libexec"
	cp tests/integration/hostile_child.py "$D/libexec/$H"
	chmod 755 "$D/libexec/$H"
	others=""
	for c in vrrpd lvsd checkd; do
		[ "$c" = "$H" ] && continue
		cp "$BUILD/$c" "$D/libexec/$c"
		others="$others $c"
	done
	cp "$BUILD/bfdd" "$D/libexec/bfdd"
	others="$others bfdd"
	cp tests/integration/foundation.conf "$D/had.conf"
	ip netns exec "$NS" "$BUILD/had" -d -X "$D/libexec" -f "$D/had.conf" \
	    -s "$sock" -p "$D/had.pid" -C "$D/empty" >"$log" 2>&1 &
	hadpid=$!
	echo "$hadpid" >"$D/hadpid"

	procs() { "$HACTL" -s "$sock" show procs -j >"$D/p.json" 2>/dev/null; }
	field() {	# name field
		procs && json_get "$D/p.json" "[r['$2'] for r in d if r['name']=='$1'][0]"
	}
	all_up() {
		procs && [ "$(json_get "$D/p.json" 'sum(1 for r in d if r["running"] and r["pid"] > 0)')" = 5 ]
	}
	privs() {	# pid: the privilege lines of /proc/PID/status
		grep -E '^(Uid|Gid|Groups|CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs|Seccomp):' "/proc/$1/status" 2>/dev/null
	}
	restarts_at_least() { [ "$(field "$H" restarts)" -ge "$1" ] 2>/dev/null; }

	if ! wait_for 10 all_up; then
		fail "$H: had and three children (one hostile) up"
		tail -20 "$log"
		return
	fi
	pass "$H: had up with a hostile $H and real$others"
	declare -A pid0 priv0
	for c in $others; do
		pid0[$c]=$(field "$c" pid)
		priv0[$c]=$(privs "${pid0[$c]}")
	done
	pass "$H: real$others pids ${pid0[*]}, caps $(for c in $others; do grep CapEff <<<"${priv0[$c]}" | awk '{print $2}'; done | tr '\n' ' ')"

	# Step k of the plan (hostile_child.py), and what had must say as
	# the reason it replaced the stand-in.
	local plan=(watchdog oversize badtype badsize reconf fd strayfd trunc_had trunc_peer)
	local want=("killed by watchdog" "malformed message" "invalid message"
	    "invalid message" "invalid message" "invalid message"
	    "malformed message" "truncated message at EOF"
	    "exited with status 0")
	local t0 t1 last limit line
	for k in "${!plan[@]}"; do
		# The watchdog needs up to 4 s; then the backoff doubles from
		# 100 ms (had's RESPAWN_MIN_MS) each time.
		limit=$(( k == 0 ? 8 : 3 + (100 << k) / 1000 ))
		wait_for "$limit" grep -q "step $k: ${plan[$k]}" "$D/libexec/hostile.log" ||
		    { fail "$H: step $k (${plan[$k]}) started within $limit s"; break; }
		t0=$(now_ms)
		# had logs each death with its restart number: that line,
		# not a later `show procs`, says why this incarnation died.
		line="^had: $H (pid [0-9]*) .* restart $((k + 1)) in "
		if ! wait_for 8 grep -q "$line" "$log"; then
			fail "$H: ${plan[$k]}: stand-in replaced (restarts $(field "$H" restarts))"
			break
		fi
		t1=$(( $(now_ms) - t0 ))
		last=$(grep -m1 "$line" "$log" | sed "s/^had: $H (pid [0-9]*) //; s/; restart.*//")
		if [ "$k" = 0 ]; then
			t1=$(sed -n "s/.* after \([0-9]*\) ms; restart 1 in .*/\1/p" "$log" | head -1)
			if [ "${t1:-99999}" -le 5500 ] && grep -q "killed by watchdog" <<<"$last"; then
				pass "$H: stand-in that never answers PING replaced by the watchdog ${t1} ms after it started ($last)"
			else
				fail "$H: silent stand-in replaced by the watchdog within ~5 s (${t1:-?} ms: $last)"
			fi
			continue
		fi
		if grep -q "${want[$k]}" <<<"$last"; then
			pass "$H: ${plan[$k]}: replaced, restart $((k + 1)) ($last)"
		else
			fail "$H: ${plan[$k]}: replaced for '${want[$k]}' (got: $last)"
		fi
		for c in $others; do
			if [ "$(field "$c" pid)" != "${pid0[$c]}" ]; then
				fail "$H: ${plan[$k]}: real $c kept its pid ${pid0[$c]} (now $(field "$c" pid))"
			fi
		done
	done

	# Every receiver logged and closed.  had's own verdicts:
	local pat
	for pat in "$H (pid [0-9]*): channel malformed message; replacing it" \
	    "$H: unexpected message type 9999" \
	    "$H: message type 100 has 11 bytes, expected 8" \
	    "$H: unexpected message type 200" \
	    "$H: message type 100 carries an unexpected descriptor" \
	    "$H (pid [0-9]*): channel truncated message at EOF; replacing it"; do
		if grep -q "^had: $pat" "$log"; then
			pass "$H: had logged: $(grep -m1 "^had: $pat" "$log")"
		else
			fail "$H: had logged '$pat'"
		fi
	done
	# The siblings: one non-EOF close and one complaint per peer attack
	# (7 of the 9 steps attack the peers).
	local n m reasons fdpat
	for c in $others; do
		# bfdd takes only BFD_QUERY, from vrrpd and checkd, and the
		# stand-in (hostile_child.py) attacks vrrpd, lvsd and checkd
		# only (what bfdd may send: test_msg_contract).
		[ "$c" = bfdd ] && continue
		wait_for 3 sh -c "[ \$(grep -c '^had: $c says $H sent it invalid messages' '$log') -ge 7 ]"
		n=$(grep "^$c: channel to $H closed (" "$log" | grep -vc '(EOF)')
		m=$(grep -c "^had: $c says $H sent it invalid messages" "$log")
		reasons=$(grep "^$c: channel to $H closed (" "$log" | grep -v '(EOF)' |
		    sed 's/.*closed (\(.*\)); .*/\1/' | sort | uniq -c | awk '{printf "%s%s x%s", s, substr($0, index($0,$2)), $1; s=", "}')
		check "$H: $c closed its channel to the stand-in 7 times ($n: $reasons)" [ "$n" -eq 7 ]
		check "$H: $c told had each time ($m complaints)" [ "$m" -eq 7 ]
		# lvsd never sends checkd anything, so a descriptor from it
		# comes on a message checkd does not take at all.
		fdpat="$H: message type [0-9]* carries an unexpected descriptor"
		[ "$H-$c" = lvsd-checkd ] && fdpat="$H: unexpected message type 500"
		for pat in "$H: unexpected message type 9999" \
		    "$H: unexpected message type 200" "$fdpat"; do
			if grep -q "^$c: $pat" "$log"; then
				pass "$c logged: $(grep -m1 "^$c: $pat" "$log")"
			else
				fail "$c logged '$pat'"
			fi
		done
	done

	# Nobody else died, nothing gained a privilege, had still answers.
	check "$H: had (pid $hadpid) still running" kill -0 "$hadpid"
	check "$H: had still answers show procs" procs
	check "$H: restart count of $H is 9" [ "$(field "$H" restarts)" = 9 ]
	for c in $others; do
		check "$H: real $c still pid ${pid0[$c]}, restarts 0" \
		    [ "$(field "$c" pid) $(field "$c" restarts)" = "${pid0[$c]} 0" ]
		check "$H: real $c privileges unchanged (uid, groups, CapEff/CapPrm/CapBnd, NoNewPrivs)" \
		    [ "$(privs "${pid0[$c]}")" = "${priv0[$c]}" ]
	done
	check "$H: had's own privileges untouched (still root)" \
	    grep -Eq '^Uid:[[:space:]]+0[[:space:]]' "/proc/$hadpid/status"
	for c in $others; do
		case $c in vrrpd) w=vrrp ;; lvsd) w=lvs ;; checkd) w=checks ;; esac
		check "$H: real $c still answers show $w" sh -c \
		    "'$HACTL' -s '$sock' show $w -j 2>/dev/null | python3 -c 'import json,sys; json.load(sys.stdin)'"
	done
	if grep -Eq 'AddressSanitizer|runtime error:|LeakSanitizer' "$log"; then
		fail "$H: sanitizer report in the log"
		grep -E -A20 'AddressSanitizer|runtime error:' "$log" | head -40
	else
		pass "$H: no sanitizer report"
	fi
}

for c in vrrpd lvsd checkd; do
	ip netns add "$TAG-$c" || { fail "ip netns add"; summary; exit 1; }
	ip -n "$TAG-$c" link set lo up
done
SPIDS=""
for c in vrrpd lvsd checkd; do
	mkdir -p "$T/$c"
	scenario "$c" >"$T/$c.out" 2>&1 &
	SPIDS="$SPIDS $!"
	wait_for 5 test -s "$T/$c/hadpid"
	HADPIDS="$HADPIDS $(cat "$T/$c/hadpid" 2>/dev/null)"
done
# The scenarios bound themselves; wait for them (bounded as well).
for p in $SPIDS; do
	wait_for 55 pid_gone "$p" || { fail "scenario $p finished within 55 s"; kill_pid TERM "$p"; }
	wait "$p" 2>/dev/null
done
for c in vrrpd lvsd checkd; do
	while IFS= read -r line; do
		case "$line" in
		"PASS $T_NAME: "*) pass "${line#PASS $T_NAME: }" ;;
		"FAIL $T_NAME: "*) fail "${line#FAIL $T_NAME: }" ;;
		*) echo "  $line" ;;
		esac
	done <"$T/$c.out"
done
summary
