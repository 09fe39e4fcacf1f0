# shellcheck shell=sh
# Helpers for tests/vm guest scripts (POSIX sh; the guest's /bin/sh is bash,
# busybox ash works too). In the guest it is /vm/lib.sh:   . /vm/lib.sh
#
# Lab (namespaces, veth, bridges; addresses only from 198.18.0.0/15 and
# 2001:db8::/32, anything else is refused):
#   lab_ns NS                       new namespace, loopback up
#   lab_bridge BR [ADDR/LEN...]     bridge in the guest's root namespace,
#                                   with those addresses on it (root = host)
#   lab_attach NS IF BR [ADDR/LEN...]  veth: IF inside NS, other end on BR
#   lab_p2p NS1 IF1 ADDR1 NS2 IF2 ADDR2  veth pair between two namespaces
#                                   ("-" = the guest's root namespace)
#   lab_addr NS IF ADDR/LEN         one more address (NS "-" = root)
#   lab_route NS DEST GW            route (DEST "default" allowed)
#   lab_forward NS                  enable IPv4/IPv6 forwarding in NS
#   in_ns NS CMD...                 run in NS ("-" = root)
#   lab_bg NAME NS CMD...           start CMD in the background in NS, output
#                                   to /tmp/lab-NAME.log; killed by lab_cleanup
#   lab_cleanup                     kill lab_bg processes, delete namespaces
#                                   and bridges (also run at exit)
# Waiting (always bounded in count and time):
#   wait_until SECS DESC CMD...     poll CMD every 0.1 s until it succeeds
#   wait_tcp NS ADDR PORT [SECS]    until a TCP connect works
#   wait_file PATH [SECS]
# HTTP:
#   http_get NS URL [SECS]          body on stdout (busybox wget)
# Assertions (print "PASS name" / "FAIL name: why", counted):
#   pass NAME | fail NAME WHY
#   check NAME CMD...               pass if CMD exits 0 (its output on fail)
#   assert_eq NAME EXPECTED ACTUAL
#   assert_ne NAME A B
#   assert_ge NAME A B   assert_le NAME A B   (integers: A >= B, A <= B)
#   assert_contains NAME HAYSTACK NEEDLE
#   summary                         "N passed, N failed"; returns 1 if any
#                                   failed or none passed
#   finish                          summary, then exit with its status

LAB_PASSED=0
LAB_FAILED=0
LAB_NS=""
LAB_BRIDGES=""
LAB_PIDS=""
LAB_VETH_N=0

lab_log() { printf '%s\n' "$*"; }
lab_die() { printf 'lab: error: %s\n' "$*" >&2; exit 1; }

# --- address policy -----------------------------------------------------
lab_addr_ok() {
	case $1 in
	198.18.*|198.19.*) return 0 ;;
	2001:db8:*|2001:DB8:*|2001:0db8:*|2001:0DB8:*) return 0 ;;
	esac
	return 1
}
lab_check_addr() {
	lab_addr_ok "$1" || lab_die "address $1 is outside 198.18.0.0/15 and 2001:db8::/32"
}

# --- namespaces -----------------------------------------------------------
in_ns() {
	_ns=$1; shift
	if [ "$_ns" = - ]; then "$@"; else ip netns exec "$_ns" "$@"; fi
}
_ipn() {
	_ns=$1; shift
	if [ "$_ns" = - ]; then ip "$@"; else ip -n "$_ns" "$@"; fi
}

lab_ns() {
	ip netns add "$1" || lab_die "ip netns add $1"
	LAB_NS="$LAB_NS $1"
	ip -n "$1" link set lo up
	# No DAD delay for IPv6 test addresses.
	ip netns exec "$1" sh -c 'echo 0 > /proc/sys/net/ipv6/conf/all/accept_dad;
		echo 0 > /proc/sys/net/ipv6/conf/default/accept_dad' 2>/dev/null || true
}

lab_forward() {
	in_ns "$1" sh -c 'echo 1 > /proc/sys/net/ipv4/ip_forward;
		echo 1 > /proc/sys/net/ipv6/conf/all/forwarding' 2>/dev/null ||
		lab_die "cannot enable forwarding in $1"
}

lab_addr() {
	lab_check_addr "$3"
	case $3 in
	*:*) _ipn "$1" -6 addr add "$3" dev "$2" nodad || lab_die "addr $3 on $1/$2" ;;
	*) _ipn "$1" addr add "$3" dev "$2" || lab_die "addr $3 on $1/$2" ;;
	esac
}

lab_bridge() {
	_br=$1; shift
	ip link add "$_br" type bridge || lab_die "bridge $_br"
	LAB_BRIDGES="$LAB_BRIDGES $_br"
	# No STP, no forwarding delay: ports forward at once.
	ip link set "$_br" type bridge forward_delay 0 stp_state 0 2>/dev/null || true
	echo 0 > "/proc/sys/net/ipv6/conf/$_br/accept_dad" 2>/dev/null || true
	ip link set "$_br" up
	for _a in "$@"; do lab_addr - "$_br" "$_a"; done
}

lab_attach() {
	_ns=$1 _if=$2 _br=$3; shift 3
	LAB_VETH_N=$((LAB_VETH_N + 1))
	_peer="lv$LAB_VETH_N"
	ip link add "$_peer" type veth peer name "lvp$LAB_VETH_N" || lab_die "veth for $_ns/$_if"
	ip link set "lvp$LAB_VETH_N" netns "$_ns" || lab_die "move veth into $_ns"
	ip -n "$_ns" link set "lvp$LAB_VETH_N" name "$_if" || lab_die "rename veth to $_if in $_ns"
	ip link set "$_peer" master "$_br" || lab_die "attach $_peer to $_br"
	ip link set "$_peer" up
	ip -n "$_ns" link set "$_if" up
	for _a in "$@"; do lab_addr "$_ns" "$_if" "$_a"; done
}

lab_p2p() {
	LAB_VETH_N=$((LAB_VETH_N + 1))
	_a="lpa$LAB_VETH_N" _b="lpb$LAB_VETH_N"
	ip link add "$_a" type veth peer name "$_b" || lab_die "veth $1/$2 - $4/$5"
	[ "$1" = - ] || ip link set "$_a" netns "$1"
	[ "$4" = - ] || ip link set "$_b" netns "$4"
	_ipn "$1" link set "$_a" name "$2"
	_ipn "$4" link set "$_b" name "$5"
	_ipn "$1" link set "$2" up
	_ipn "$4" link set "$5" up
	lab_addr "$1" "$2" "$3"
	lab_addr "$4" "$5" "$6"
}

lab_route() {
	[ "$2" = default ] || lab_check_addr "$2"
	lab_check_addr "$3"
	case $3 in
	*:*) _ipn "$1" -6 route add "$2" via "$3" || lab_die "route $2 via $3 in $1" ;;
	*) _ipn "$1" route add "$2" via "$3" || lab_die "route $2 via $3 in $1" ;;
	esac
}

lab_bg() {
	_name=$1 _ns=$2; shift 2
	# A simple command in the background, so $! is the program itself.
	if [ "$_ns" = - ]; then
		"$@" > "/tmp/lab-$_name.log" 2>&1 &
	else
		ip netns exec "$_ns" "$@" > "/tmp/lab-$_name.log" 2>&1 &
	fi
	LAB_PIDS="$LAB_PIDS $!"
}

lab_cleanup() {
	for _p in $LAB_PIDS; do kill "$_p" 2>/dev/null || true; done
	for _p in $LAB_PIDS; do wait "$_p" 2>/dev/null || true; done
	LAB_PIDS=""
	for _n in $LAB_NS; do
		# Anything still running in the namespace goes too.
		for _p in $(ip netns pids "$_n" 2>/dev/null); do kill -9 "$_p" 2>/dev/null || true; done
		ip netns del "$_n" 2>/dev/null || true
	done
	LAB_NS=""
	for _b in $LAB_BRIDGES; do ip link del "$_b" 2>/dev/null || true; done
	LAB_BRIDGES=""
}
trap 'lab_cleanup' EXIT

# --- waiting ------------------------------------------------------------
_lab_now_cs() {  # centiseconds since boot
	read -r _up _ < /proc/uptime
	_s=${_up%.*} _f=${_up#*.}
	echo $((_s * 100 + ${_f#0}))
}

wait_until() {
	_secs=$1 _desc=$2; shift 2
	_end=$(( $(_lab_now_cs) + _secs * 100 ))
	_n=0 _max=$((_secs * 10 + 1))
	while [ "$_n" -lt "$_max" ]; do
		if "$@" >/dev/null 2>&1; then return 0; fi
		[ "$(_lab_now_cs)" -lt "$_end" ] || break
		sleep 0.1
		_n=$((_n + 1))
	done
	lab_log "wait: timed out after ${_secs}s waiting for $_desc"
	return 1
}

# bash's /dev/tcp (busybox nc has no -z here); works for IPv6 too.
_lab_tcp_open() { in_ns "$1" timeout 2 bash -c ': > "/dev/tcp/$0/$1"' "$2" "$3"; }
wait_tcp() { wait_until "${4:-10}" "tcp $2 port $3 in $1" _lab_tcp_open "$1" "$2" "$3"; }
wait_file() { wait_until "${2:-10}" "file $1" test -e "$1"; }

# busybox wget's own -T crashes (1.35, static): bound it with timeout.
http_get() { in_ns "$1" timeout "${3:-5}" wget -q -O - "$2"; }

# --- assertions -----------------------------------------------------------
pass() { LAB_PASSED=$((LAB_PASSED + 1)); lab_log "PASS $1"; }
fail() { LAB_FAILED=$((LAB_FAILED + 1)); lab_log "FAIL $1: $2"; }

check() {
	_name=$1; shift
	if _out=$("$@" 2>&1); then
		pass "$_name"
	else
		fail "$_name" "'$*' exited $?: $(printf %s "$_out" | tail -n 5)"
	fi
}
assert_eq() {
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "expected '$2', got '$3'"; fi
}
assert_ne() {
	if [ "$2" != "$3" ]; then pass "$1"; else fail "$1" "both are '$2'"; fi
}
assert_ge() {
	if [ "$2" -ge "$3" ] 2>/dev/null; then pass "$1"; else fail "$1" "'$2' is not >= '$3'"; fi
}
assert_le() {
	if [ "$2" -le "$3" ] 2>/dev/null; then pass "$1"; else fail "$1" "'$2' is not <= '$3'"; fi
}
assert_contains() {
	case $2 in
	*"$3"*) pass "$1" ;;
	*) fail "$1" "'$3' not in: $(printf %s "$2" | head -c 400)" ;;
	esac
}

summary() {
	lab_log "$LAB_PASSED passed, $LAB_FAILED failed"
	[ "$LAB_FAILED" -eq 0 ] && [ "$LAB_PASSED" -gt 0 ]
}
finish() {
	if summary; then exit 0; else exit 1; fi
}
