# The VRRP interop harness of test_vrrp_keepalived.sh and test_vrrp_ah.sh:
# had or keepalived on lab nodes a and b, configurations from
# tests/integration/KIND-vVER.conf.in, and vrrp_watch.py sampling both
# sides around a transition.  The sourcing test sets HERE, PY, A_KIND,
# B_KIND, PASS, VIP4, VIP6, SAMPLE and SAMPLE_MS.

KA_PIDS=""

# Stop the keepalived processes we started (parent, then its VRRP child
# if it outlived it), then the rest of the lab.
cleanup() {
	local n
	for n in a b; do ka_stop "$n" 2>/dev/null; done
	lab_cleanup
}

kind_of() { if [ "$1" = a ]; then echo "$A_KIND"; else echo "$B_KIND"; fi; }

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
