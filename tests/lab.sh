# A lab of network namespaces on one bridge, for VRRP and LVS tests.
# Source tests/lib.sh first, then this file.
#
#   lab_init                 a switch namespace with bridge br0
#   lab_node NAME V4/P [V6/P]  a host namespace, eth0 on the bridge
#   lab_exec NAME CMD...     run a command in a node
#   lab_start_had NAME CONF [ARGS...]  had in a node, its own paths
#   lab_hactl NAME ARGS...   hactl against that node's had
#   lab_child_pid NAME PROCESS   pid of a child, from `hactl show procs -j`
#   lab_kill_child NAME PROCESS  kill -9 a child, wait for its respawn
#   lab_vrrp_field NAME INSTANCE FIELD   from `hactl show vrrp -j`
#   lab_wait_state NAME INSTANCE STATE SECONDS
#   lab_has_addr NAME ADDR   the address is on the node's interfaces
#   lab_link NAME up|down    set the node's eth0 up or down
#   lab_track_pid PID        stop this pid at cleanup
#   lab_veth A IFA V4/P B IFB V4/P  a veth from node A to node B, up
#   lab_cleanup              stop what we started, delete the namespaces
#
# Only addresses from 198.18.0.0/15 and 2001:db8::/32, only inside these
# namespaces (DESIGN.md).  Every wait is bounded.

LAB=${LAB:-hl$$}
LAB_DIR=${LAB_DIR:-}
LAB_NODES=""
LAB_PIDS=""

lab_init() {
	LAB_DIR=$(mktemp -d /tmp/had-lab.XXXXXX)
	chmod 755 "$LAB_DIR"
	ip netns add "$LAB-sw" || return 1
	ip -n "$LAB-sw" link set lo up
	ip -n "$LAB-sw" link add br0 type bridge
	# No STP and no forwarding delay: ports forward at once.
	ip -n "$LAB-sw" link set br0 type bridge stp_state 0 forward_delay 0
	ip -n "$LAB-sw" link set br0 up
	trap lab_cleanup EXIT
}

lab_node() {	# name v4/prefix [v6/prefix]
	local n=$1 ns=$LAB-$1
	ip netns add "$ns" || return 1
	LAB_NODES="$LAB_NODES $n"
	ip -n "$ns" link set lo up
	ip link add "$LAB-$n" type veth peer name eth0 netns "$ns" ||
	    ip link add "l$$$n" type veth peer name eth0 netns "$ns"
	ip link set "$LAB-$n" netns "$LAB-sw" 2>/dev/null ||
	    ip link set "l$$$n" netns "$LAB-sw"
	ip -n "$LAB-sw" link set "$LAB-$n" master br0 up 2>/dev/null ||
	    ip -n "$LAB-sw" link set "l$$$n" master br0 up
	# IPv6 without duplicate address detection delays.
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
	    net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.eth0.accept_dad=0
	ip -n "$ns" addr add "$2" dev eth0
	[ -n "${3:-}" ] && ip -n "$ns" addr add "$3" dev eth0 nodad
	ip -n "$ns" link set eth0 up
	mkdir -p "$LAB_DIR/$n"
}

lab_exec() {	# name cmd...
	local ns=$LAB-$1
	shift
	ip netns exec "$ns" "$@"
}

lab_track_pid() { LAB_PIDS="$LAB_PIDS $1"; }

# lab_spawn NAME CMD...: CMD in the node's namespace in the background,
# tracked for lab_cleanup, its pid in LAB_SPAWNED; redirections given to
# the call are its own.  Not `lab_exec ... &': that backgrounds a
# subshell, whose pid is the one tracked while CMD outlives it (and
# keeps the test's output open, which the suite waits for).
lab_spawn() {
	local ns=$LAB-$1
	shift
	ip netns exec "$ns" "$@" &
	LAB_SPAWNED=$!
	lab_track_pid "$LAB_SPAWNED"
}

lab_start_had() {	# name conf [extra args]
	local n=$1 conf=$2 d=$LAB_DIR/$1
	shift 2
	ip netns exec "$LAB-$n" "$BUILD/had" -d -X "$BUILD" -f "$conf" \
	    -s "$d/had.sock" -p "$d/had.pid" -C "$d/empty" "$@" \
	    >>"$d/had.log" 2>&1 &
	eval "LAB_HAD_$n=$!"
	lab_track_pid $!
	wait_for 10 lab_hactl "$n" show procs
}

lab_had_pid() { eval "echo \$LAB_HAD_$1"; }

lab_stop_had() {	# name [signal]
	local pid
	pid=$(lab_had_pid "$1")
	[ -n "$pid" ] || return 0
	kill_pid "${2:-TERM}" "$pid" 2>/dev/null
	wait_for 5 pid_gone "$pid"
	wait "$pid" 2>/dev/null
}

lab_hactl() {	# name args
	local n=$1
	shift
	"$BUILD/hactl" -s "$LAB_DIR/$n/had.sock" "$@"
}

lab_child_pid() {	# name process: pid of had's vrrpd, lvsd or checkd
	lab_hactl "$1" show procs -j | python3 -c 'import json,sys
print([r["pid"] for r in json.load(sys.stdin)["items"] if r["name"] == sys.argv[1]][0])' "$2"
}

# lab_kill_child NAME PROCESS: kill -9 it and wait (10 s) for a new pid.
lab_kill_child() {
	local p0 p
	p0=$(lab_child_pid "$1" "$2") || return 1
	kill_pid KILL "$p0" || return 1
	for _ in $(seq 200); do
		p=$(lab_child_pid "$1" "$2" 2>/dev/null)
		[ -n "$p" ] && [ "$p" != "$p0" ] && [ "$p" -gt 0 ] && return 0
		sleep 0.05
	done
	return 1
}

lab_vrrp_field() {	# name instance field
	lab_hactl "$1" show vrrp -j >"$LAB_DIR/$1/vrrp.json" 2>/dev/null &&
	    python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))["items"]
r = [i for i in d if i["name"] == sys.argv[2]]
print(r[0][sys.argv[3]] if r else "")' "$LAB_DIR/$1/vrrp.json" "$2" "$3"
}

lab_state_is() { [ "$(lab_vrrp_field "$1" "$2" state)" = "$3" ]; }

lab_wait_state() {	# name instance state seconds
	wait_for "$4" lab_state_is "$1" "$2" "$3"
}

lab_has_addr() {	# name addr
	ip -n "$LAB-$1" -o addr show | grep -q " ${2}/"
}

lab_link() {	# name up|down
	ip -n "$LAB-$1" link set eth0 "$2"
}

# lab_end_checks NODE...: a sanitizer report in a node's had log is a
# failure; with VERBOSE and a failure, the nodes' last log lines.
lab_end_checks() {
	local n
	for n in "$@"; do
		if grep -Eq 'AddressSanitizer|runtime error:|LeakSanitizer' \
		    "$LAB_DIR/$n/had.log" 2>/dev/null; then
			fail "sanitizer report in $n's had log"
			grep -E -A20 'AddressSanitizer|runtime error:|LeakSanitizer' \
			    "$LAB_DIR/$n/had.log" | head -40
		fi
	done
	if [ "$T_FAIL" -gt 0 ] && [ -n "${VERBOSE:-}" ]; then
		for n in "$@"; do
			echo "--- $n logs"
			tail -30 "$LAB_DIR/$n/had.log" \
			    "$LAB_DIR/$n/keepalived.log" 2>/dev/null
		done
	fi
}

lab_cleanup() {
	local p n
	for p in $LAB_PIDS; do kill_pid TERM "$p" 2>/dev/null; done
	for p in $LAB_PIDS; do
		wait_for 3 pid_gone "$p" || kill_pid KILL "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	for n in $LAB_NODES; do ip netns del "$LAB-$n" 2>/dev/null; done
	ip netns del "$LAB-sw" 2>/dev/null
	if [ -n "${KEEP_LAB:-}" ]; then
		echo "lab files kept in $LAB_DIR"
	else
		rm -rf "$LAB_DIR"
	fi
}

lab_veth() {	# node ifname v4/prefix node ifname v4/prefix
	ip -n "$LAB-$1" link add "$2" type veth peer name "$5" \
	    netns "$LAB-$4" || return 1
	ip -n "$LAB-$1" addr add "$3" dev "$2"
	ip -n "$LAB-$4" addr add "$6" dev "$5"
	ip -n "$LAB-$1" link set "$2" up
	ip -n "$LAB-$4" link set "$5" up
}
