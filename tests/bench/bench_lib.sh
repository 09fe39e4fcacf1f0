# Shared by the VRRP benchmarks.  Source tests/lib.sh and tests/lab.sh
# first, then this file.
#
#   bench_bin               copy the built programs to the lab directory, so
#                           a rebuild during a long run changes nothing
#   impl_start NODE IMPL CONF   had or keepalived (--vrrp) in a node
#   impl_stop NODE          stop whatever impl_start started there
#   impl_vrrp_pid NODE      the process that speaks VRRP: had's vrrpd, or
#                           keepalived's VRRP child (keepalived --vrrp forks)
#   ka_* / had_*            the two kinds
#
# Only namespaces and addresses of the lab (198.18.0.0/15), every wait
# bounded, only processes we started, by pid.

BENCH_OUT=${BENCH_OUT:-}
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
BENCH_DIR=tests/bench

# Print to stderr (progress), stdout carries the figures.
note() { echo "bench: $*" >&2; }

bench_bin() {
	local p src=${BUILD:-build}
	for p in had vrrpd lvsd checkd bfdd hactl; do
		[ -x "$src/$p" ] || { echo "bench: $src/$p is not built (make)" >&2; return 1; }
	done
	mkdir -p "$LAB_DIR/bin"
	chmod 755 "$LAB_DIR/bin"
	for p in had vrrpd lvsd checkd bfdd hactl; do
		cp "$src/$p" "$LAB_DIR/bin/$p" || return 1
	done
	BUILD=$LAB_DIR/bin
}

gone_or_zombie() {
	[ ! -e "/proc/$1" ] || [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" = Z ]
}

ka_start() {	# node conf
	local n=$1 d=$LAB_DIR/$1 pid
	rm -f "$d/ka.pid" "$d/ka-vrrp.pid" "$d/ka-checkers.pid"
	ip netns exec "$LAB-$n" keepalived -n -l --vrrp -f "$2" \
	    -p "$d/ka.pid" -r "$d/ka-vrrp.pid" -c "$d/ka-checkers.pid" \
	    >>"$d/keepalived.log" 2>&1 &
	pid=$!
	eval "KA_PID_$n=$pid"
	# Its VRRP child writes its pidfile once it runs.
	wait_for 5 test -s "$d/ka-vrrp.pid"
}

ka_child() {	# node: keepalived's VRRP child, checked to be keepalived
	local d=$LAB_DIR/$1 c
	[ -s "$d/ka-vrrp.pid" ] || return 1
	c=$(cat "$d/ka-vrrp.pid")
	grep -q keepalived "/proc/$c/cmdline" 2>/dev/null || return 1
	echo "$c"
}

ka_stop() {	# node
	local n=$1 pid child
	pid=$(eval "echo \${KA_PID_$n:-}")
	[ -n "$pid" ] || return 0
	child=$(ka_child "$n")
	kill_pid TERM "$pid" 2>/dev/null
	wait_for 5 gone_or_zombie "$pid" || kill_pid KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	# The VRRP child is keepalived's own, started by our keepalived; make
	# sure it went with it.
	if [ -n "$child" ] && ! gone_or_zombie "$child" &&
	    grep -q keepalived "/proc/$child/cmdline" 2>/dev/null; then
		wait_for 3 gone_or_zombie "$child" || kill_pid KILL "$child" 2>/dev/null
	fi
	eval "KA_PID_$n="
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

impl_start() {	# node impl conf
	eval "IMPL_$1=$2"
	if [ "$2" = had ]; then
		lab_start_had "$1" "$3" || {
			note "had does not start on $1: $(tail -3 "$LAB_DIR/$1/had.log" | tr '\n' ' ')"
			return 1
		}
	else
		ka_start "$1" "$3" || {
			note "keepalived does not start on $1: $(tail -3 "$LAB_DIR/$1/keepalived.log" | tr '\n' ' ')"
			return 1
		}
	fi
}

impl_stop() {	# node
	case "$(eval "echo \${IMPL_$1:-}")" in
	had) had_stop "$1" ;;
	keepalived) ka_stop "$1" ;;
	esac
	eval "IMPL_$1="
}

impl_vrrp_pid() {	# node
	case "$(eval "echo \${IMPL_$1:-}")" in
	had)
		lab_hactl "$1" show procs -j >"$LAB_DIR/$1/procs.json" 2>/dev/null &&
		    json_get "$LAB_DIR/$1/procs.json" \
		    '[r["pid"] for r in d if r["name"]=="vrrpd"][0]' ;;
	keepalived) ka_child "$1" ;;
	esac
}

# Background helpers of a benchmark (monitors, capture): bg_add PID.
BG_PIDS=""
bg_add() { BG_PIDS="$BG_PIDS $1"; }
bg_stop() {
	local p
	for p in $BG_PIDS; do kill_pid TERM "$p" 2>/dev/null; done
	for p in $BG_PIDS; do
		wait_for 3 gone_or_zombie "$p" || kill_pid KILL "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	BG_PIDS=""
}

# Stop what still runs, by the pids we hold, then the lab.  The daemons
# stopped during the run were reaped already: their pids are dropped from
# the lab's list so that a reused pid is never signalled.
bench_cleanup() {
	local n
	for n in $LAB_NODES; do impl_stop "$n" 2>/dev/null; done
	bg_stop
	LAB_PIDS=""
	lab_cleanup
}
