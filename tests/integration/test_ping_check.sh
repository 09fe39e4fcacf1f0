#!/bin/bash
# PING_CHECK over IPv4 and IPv6 through the raw ICMP sockets had opens and
# passes to checkd, which holds no capability at all.
#
# Lab: namespace A runs had; a veth pair leads to namespace B (the real
# servers, and a router that answers "unreachable" for two prefixes),
# another to namespace C, a host that ignores echo requests (silent).
# Addresses only from 198.18.0.0/15 and 2001:db8::/32.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
need_root

T=$(mktemp -d /tmp/had-ping.XXXXXX)
chmod 755 "$T"
A=hadt-pinga-$$
B=hadt-pingb-$$
S=hadt-pingc-$$
HADPID=

cleanup() {
	[ -n "$HADPID" ] && kill_pid TERM "$HADPID" 2>/dev/null
	if [ -n "$HADPID" ]; then
		wait_for 3 pid_gone "$HADPID" || kill_pid KILL "$HADPID" 2>/dev/null
	fi
	ip netns del "$A" 2>/dev/null
	ip netns del "$B" 2>/dev/null
	ip netns del "$S" 2>/dev/null
	if [ -n "${KEEP_LAB:-}" ]; then echo "files kept in $T"; else rm -rf "$T"; fi
}
trap cleanup EXIT

setup() {
	ip netns add "$A" && ip netns add "$B" || return 1
	ip -n "$A" link set lo up && ip -n "$B" link set lo up || return 1
	ip -n "$A" link add a0 type veth peer name b0 netns "$B" || return 1
	ip -n "$A" addr add 198.18.1.1/24 dev a0 &&
	ip -n "$A" addr add 2001:db8:1::1/64 dev a0 nodad &&
	ip -n "$B" addr add 198.18.1.2/24 dev b0 &&
	ip -n "$B" addr add 2001:db8:1::2/64 dev b0 nodad &&
	ip -n "$A" link set a0 up && ip -n "$B" link set b0 up || return 1
	# A silent host: its addresses exist, it ignores echo requests.
	ip netns add "$S" && ip -n "$S" link set lo up || return 1
	ip -n "$A" link add a1 type veth peer name c0 netns "$S" || return 1
	ip -n "$A" addr add 198.18.2.1/24 dev a1 &&
	ip -n "$A" addr add 2001:db8:2::1/64 dev a1 nodad &&
	ip -n "$S" addr add 198.18.2.9/24 dev c0 &&
	ip -n "$S" addr add 198.18.2.10/24 dev c0 &&
	ip -n "$S" addr add 2001:db8:2::9/64 dev c0 nodad &&
	ip -n "$A" link set a1 up && ip -n "$S" link set c0 up || return 1
	ip netns exec "$S" sysctl -qw net.ipv4.icmp_echo_ignore_all=1 &&
	ip netns exec "$S" sysctl -qw net.ipv6.icmp.echo_ignore_all=1 || return 1
	# A router that says the prefix is unreachable.
	ip netns exec "$B" sysctl -qw net.ipv4.ip_forward=1 &&
	ip netns exec "$B" sysctl -qw net.ipv6.conf.all.forwarding=1 &&
	ip -n "$B" route add unreachable 198.18.50.0/24 &&
	ip -n "$B" -6 route add unreachable 2001:db8:50::/64 &&
	ip -n "$A" route add 198.18.50.0/24 via 198.18.1.2 &&
	ip -n "$A" -6 route add 2001:db8:50::/64 via 2001:db8:1::2 || return 1
}
if ! setup; then
	fail "the namespace lab"
	summary
	exit 1
fi
pass "the namespace lab"
# The links are up: B answers a plain ping (the kernel's, not ours).
check "the lab: B answers ping over IPv4" \
    wait_for 5 ip netns exec "$A" ping -c1 -W1 198.18.1.2
check "the lab: B answers ping over IPv6" \
    wait_for 5 ip netns exec "$A" ping -6 -c1 -W1 2001:db8:1::2
# C is there (it answers TCP with a reset) but silent to ping.
check "the lab: C is silent to ping" \
    sh -c "! ip netns exec $A ping -c1 -W1 198.18.2.9 >/dev/null"

vs() {	# vs-addr port rs-addr check-block
	printf 'virtual_server %s %s {\n\tdelay_loop 1\n\tlb_algo rr\n\tlb_kind DR\n\tprotocol TCP\n\treal_server %s %s {\n%s\n\t}\n}\n' \
	    "$1" "$2" "$3" "$2" "$4"
}
V4=198.18.0.100
V6=2001:db8:ff::100
{
	echo 'global_defs {'
	echo '	router_id had-ping'
	echo '}'
	vs $V4 2001 198.18.1.2 'PING_CHECK { connect_timeout 1
		retry 0
		alpha }'
	vs $V4 2002 198.18.2.9 'PING_CHECK { connect_timeout 1
		retry 0 }'
	vs $V6 2003 2001:db8:1::2 'PING_CHECK { connect_timeout 1
		retry 0
		alpha }'
	vs $V6 2004 2001:db8:2::9 'PING_CHECK { connect_timeout 1
		retry 0 }'
	vs $V4 2005 198.18.50.9 'PING_CHECK { connect_timeout 2
		retry 0 }'
	vs $V6 2006 2001:db8:50::9 'PING_CHECK { connect_timeout 2
		retry 0 }'
	vs $V4 2007 198.18.2.10 'PING_CHECK { connect_timeout 0.5
		retry 2
		delay_before_retry 0.2 }'
	vs $V4 2008 198.18.1.2 'PING_CHECK { connect_timeout 1
		bindto 198.18.1.1
		retry 0
		alpha }'
	vs $V4 2009 198.18.1.99 'PING_CHECK { connect_ip 198.18.1.2
		connect_timeout 1
		retry 0
		alpha }'
	# B has no route back to C's link: a reply to this source is lost.
	vs $V4 2010 198.18.1.2 'PING_CHECK { connect_timeout 1
		bindto 198.18.2.1
		retry 0 }'
} >"$T/had.conf"

if ! out=$("$BUILD/had" -n -f "$T/had.conf" 2>&1); then
	fail "the test config parses"
	echo "$out" | head -20
	summary
	exit 1
fi
pass "the test config parses"

LOG=$T/had.log
ip netns exec "$A" "$BUILD/had" -d -v -X "$BUILD" -f "$T/had.conf" \
    -s "$T/had.sock" -p "$T/had.pid" -C "$T/empty" >"$LOG" 2>&1 &
HADPID=$!

expect() {	# description fixed-string [seconds]
	if wait_for "${3:-8}" grep -qF -- "$2" "$LOG"; then
		pass "$1"
	else
		fail "$1: no log line with '$2'"
		grep -F "PING_CHECK" "$LOG" | tail -5
	fi
}
never() {	# description fixed-string
	if grep -qF -- "$2" "$LOG"; then
		fail "$1: unexpected '$(grep -F -- "$2" "$LOG" | head -1)'"
	else
		pass "$1"
	fi
}
C="check PING_CHECK"
expect "checkd got the raw ICMP socket from had" \
    "raw ICMP socket from had for PING_CHECK"
expect "checkd got the raw ICMPv6 socket from had" \
    "raw ICMPv6 socket from had for PING_CHECK"
expect "IPv4: up on an echo reply" \
    "$C 198.18.1.2:2001 (vs $V4:2001): up: echo reply in"
expect "IPv4: down when nothing answers" \
    "$C 198.18.2.9:2002 (vs $V4:2002): down: no echo reply within 1 s"
expect "IPv6: up on an echo reply" \
    "$C [2001:db8:1::2]:2003 (vs [$V6]:2003): up: echo reply in"
expect "IPv6: down when nothing answers" \
    "$C [2001:db8:2::9]:2004 (vs [$V6]:2004): down: no echo reply within 1 s"
expect "IPv4: down at once on an ICMP host unreachable from a router" \
    "$C 198.18.50.9:2005 (vs $V4:2005): down: host unreachable (ICMP from 198.18.1.2)"
expect "IPv6: down at once on an ICMPv6 unreachable from a router" \
    "$C [2001:db8:50::9]:2006 (vs [$V6]:2006): down: no route to host (ICMPv6 from 2001:db8:1::2)"
expect "retry 2: two more attempts before the failure counts" \
    "$C 198.18.2.10:2007 (vs $V4:2007): down: no echo reply within 0.5 s" 10
n=$(grep -cF "$C 198.18.2.10:2007 (vs $V4:2007): attempt" "$LOG")
check "retry 2: the retried attempts are logged ($n)" [ "$n" -ge 2 ]
expect "bindto: the echo request leaves from the bound address" \
    "$C 198.18.1.2:2008 (vs $V4:2008): up: echo reply in"
expect "bindto: an unroutable source gets no reply" \
    "$C 198.18.1.2:2010 (vs $V4:2010): down: no echo reply within 1 s"
expect "connect_ip: the probed address is connect_ip" \
    "$C 198.18.1.2:2009 (vs $V4:2009): up: echo reply in"
never "no PING_CHECK ever passes without a reply" \
    "not supported yet"
never "the passing checks never went down" \
    "$C 198.18.1.2:2001 (vs $V4:2001): down"

# Another pinger in the namespace (the kernel's own ping) does not
# disturb the checks: its replies have other identifiers.
ip netns exec "$A" ping -q -c 20 -i 0.05 -W1 198.18.1.2 >/dev/null 2>&1
ip netns exec "$A" ping -6 -q -c 20 -i 0.05 -W1 2001:db8:1::2 >/dev/null 2>&1
sleep 1.2
never "other pingers do not confuse the IPv4 check" \
    "$C 198.18.1.2:2001 (vs $V4:2001): fail"
never "other pingers do not confuse the IPv6 check" \
    "$C [2001:db8:1::2]:2003 (vs [$V6]:2003): fail"

# checkd holds no capability at all, while PING_CHECK works.
"$BUILD/hactl" -s "$T/had.sock" show procs -j >"$T/procs.json" 2>/dev/null
CPID=$(json_get "$T/procs.json" "[r['pid'] for r in d if r['name']=='checkd'][0]" 2>/dev/null)
if [ -n "$CPID" ] && [ -r "/proc/$CPID/status" ]; then
	for set in CapEff CapPrm CapBnd CapInh CapAmb; do
		check "checkd: $set is zero" \
		    grep -q "^$set:[[:space:]]*0000000000000000\$" "/proc/$CPID/status"
	done
	check "checkd: not root" \
	    awk '/^Uid:/ { exit !($2 != 0 && $3 != 0 && $4 != 0) }' "/proc/$CPID/status"
	# The raw sockets are in checkd's table, received from had.
	n=$(ls -l "/proc/$CPID/fd" 2>/dev/null | grep -c socket)
	check "checkd holds its sockets ($n)" [ "$n" -ge 3 ]
	# ... and answers still come in through them right now.
	n0=$(grep -cF "$C 198.18.1.2:2001 (vs $V4:2001): pass" "$LOG")
	more() { [ "$(grep -cF "$C 198.18.1.2:2001 (vs $V4:2001): pass" "$LOG")" -gt "$n0" ]; }
	check "PING_CHECK passes while the capabilities are zero" wait_for 3 more
else
	fail "checkd's pid from hactl show procs"
fi

# A respawned checkd gets fresh raw sockets from had.
if [ -n "${CPID:-}" ] && kill_pid KILL "$CPID"; then
	n0=$(grep -cF "$C [2001:db8:1::2]:2003 (vs [$V6]:2003): up:" "$LOG")
	n1=$(grep -cF "$C 198.18.1.2:2001 (vs $V4:2001): up:" "$LOG")
	more6() { [ "$(grep -cF "$C [2001:db8:1::2]:2003 (vs [$V6]:2003): up:" "$LOG")" -gt "$n0" ]; }
	more4() { [ "$(grep -cF "$C 198.18.1.2:2001 (vs $V4:2001): up:" "$LOG")" -gt "$n1" ]; }
	check "after a checkd respawn, IPv4 PING_CHECK comes up again" wait_for 8 more4
	check "after a checkd respawn, IPv6 PING_CHECK comes up again" wait_for 8 more6
else
	fail "killing checkd"
fi

check "had still runs" kill -0 "$HADPID"
if grep -Eq 'AddressSanitizer|runtime error:|LeakSanitizer' "$LOG"; then
	fail "sanitizer reports in the log"
	grep -E -A20 'AddressSanitizer|runtime error:' "$LOG" | head -40
else
	pass "no sanitizer report in the log"
fi
summary
