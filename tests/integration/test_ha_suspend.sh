#!/bin/bash
# ha_suspend: the checks of such a virtual server run only while its
# address is on an interface of the director.  In a network namespace of
# our own, with listeners that count the connections they accept:
#   198.18.0.100:80      ha_suspend, real server 198.18.0.10:8080
#   198.18.0.101:80      no ha_suspend, real server 198.18.0.10:8081
#   [2001:db8::100]:80   ha_suspend, real server [2001:db8::10]:8082
# None of the virtual addresses is there at first.  The kernel need not
# have IPVS: lvsd watches the addresses all the same.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
need_root

T=$(mktemp -d /tmp/had-suspend.XXXXXX)
chmod 755 "$T"
NS=hadt-susp-$$
HADPID=
LPID=

cleanup() {
	local p
	[ -n "$HADPID" ] && kill_pid TERM "$HADPID" 2>/dev/null
	[ -n "$LPID" ] && kill_pid TERM "$LPID" 2>/dev/null
	for p in $HADPID $LPID; do
		wait_for 5 pid_gone "$p" || kill_pid KILL "$p" 2>/dev/null
	done
	ip netns del "$NS" 2>/dev/null
	if [ -n "${KEEP_LAB:-}" ]; then echo "files kept in $T"; else rm -rf "$T"; fi
}
trap cleanup EXIT

nsx() { ip netns exec "$NS" "$@"; }
HACTL() { "$BUILD/hactl" -s "$T/had.sock" "$@"; }

ip netns add "$NS" || { fail "ip netns add"; summary; exit 1; }
ip -n "$NS" link set lo up
ip -n "$NS" addr add 198.18.0.10/32 dev lo
ip -n "$NS" addr add 2001:db8::10/128 dev lo nodad

# One line in a file per accepted connection, per port.
cat >"$T/count.py" <<'PYEOF'
import selectors, socket, sys, time
d = sys.argv[1]
end = time.monotonic() + 600	# never outlives a stuck test
sel = selectors.DefaultSelector()
for af, addr, port in ((socket.AF_INET, "198.18.0.10", 8080),
                       (socket.AF_INET, "198.18.0.10", 8081),
                       (socket.AF_INET6, "2001:db8::10", 8082)):
    s = socket.socket(af, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    s.listen(64)
    open("%s/acc.%d" % (d, port), "w").close()
    sel.register(s, selectors.EVENT_READ, port)
print("ready", flush=True)
while time.monotonic() < end:
    for key, _ in sel.select(timeout=1):
        c, _ = key.fileobj.accept()
        c.close()
        with open("%s/acc.%d" % (d, key.data), "a") as f:
            f.write("x\n")
PYEOF
# Not through nsx: a function run in the background is a subshell, and
# its pid is not the listener's.
ip netns exec "$NS" python3 "$T/count.py" "$T" >"$T/count.log" 2>&1 &
LPID=$!
check "the counting listeners are ready" wait_for 5 grep -q ready "$T/count.log"

accepts() { wc -l <"$T/acc.$1" 2>/dev/null || echo 0; }
more_than() { [ "$(accepts "$1")" -gt "$2" ]; }

cat >"$T/had.conf" <<'EOF'
global_defs {
	router_id had-suspend
}
virtual_server 198.18.0.100 80 {
	delay_loop 1
	lb_algo rr
	lb_kind NAT
	protocol TCP
	ha_suspend
	real_server 198.18.0.10 8080 {
		TCP_CHECK {
			connect_timeout 1
			retry 0
		}
	}
}
virtual_server 198.18.0.101 80 {
	delay_loop 1
	lb_algo rr
	lb_kind NAT
	protocol TCP
	real_server 198.18.0.10 8081 {
		TCP_CHECK {
			connect_timeout 1
			retry 0
		}
	}
}
virtual_server 2001:db8::100 80 {
	delay_loop 1
	lb_algo rr
	lb_kind NAT
	protocol TCP
	ha_suspend
	real_server 2001:db8::10 8082 {
		TCP_CHECK {
			connect_timeout 1
			retry 0
		}
	}
}
EOF
if ! out=$("$BUILD/had" -n -f "$T/had.conf" 2>&1); then
	fail "the test config parses"
	echo "$out" | head -20
	summary
	exit 1
fi
pass "the test config parses"

LOG=$T/had.log
ip netns exec "$NS" "$BUILD/had" -d -v -X "$BUILD" -f "$T/had.conf" \
    -s "$T/had.sock" -p "$T/had.pid" -C "$T/empty" >"$LOG" 2>&1 &
HADPID=$!

# row VS FIELD: one field of the check of a virtual server, from hactl -j.
row() {
	HACTL -j show checks >"$T/checks.json" 2>/dev/null || return 1
	json_get "$T/checks.json" \
	    "[r['$2'] for r in d if r['virtual_server']=='$1'][0]"
}
is_suspended() { [ "$(row "$1" suspended)" = True ]; }
running() { [ "$(row "$1" suspended)" = False ]; }

V4=198.18.0.100:80
V6=[2001:db8::100]:80
check "the virtual server without ha_suspend is checked" \
    wait_for 15 more_than 8081 1
check "lvsd says 198.18.0.100 is not here" wait_for 10 grep -qF \
    "virtual server 198.18.0.100:80: address not on this director (ha_suspend)" "$LOG"
sleep 3
none_yet() { [ "$(accepts 8080)" = 0 ] && [ "$(accepts 8082)" = 0 ]; }
check "suspended: no connection to the ha_suspend real servers" none_yet
check "suspended: show checks says so" is_suspended "$V4"
check "suspended: 0 rounds" [ "$(row "$V4" rounds)" = 0 ]
r=$(row "$V4" reason)
check "suspended: the reason names the address ($r)" \
    [ "$r" = "suspended: 198.18.0.100 not on this director (ha_suspend)" ]
check "suspended: the IPv6 one too" is_suspended "$V6"
check "not suspended: the other virtual server" running 198.18.0.101:80

# The address appears: the checks run.
ip -n "$NS" addr add 198.18.0.100/32 dev lo
check "address added: checks reach the real server" \
    wait_for 10 more_than 8080 1
check "address added: checkd logs the resume" grep -qF \
    "virtual server 198.18.0.100:80: checks resumed" "$LOG"
check "address added: show checks says running" running "$V4"
check "address added: rounds are counted" [ "$(row "$V4" rounds)" -gt 0 ]
check "address added: the real server is up" [ "$(row "$V4" state)" = up ]
check "address added: the IPv6 virtual server stays suspended" \
    [ "$(accepts 8082)" = 0 ]

# The address goes: the checks stop, the real server stays as it was.
ip -n "$NS" addr del 198.18.0.100/32 dev lo
check "address removed: checkd logs the suspension" wait_for 10 grep -qF \
    "virtual server 198.18.0.100:80: checks suspended: 198.18.0.100 not on" "$LOG"
sleep 1.5	# an attempt in flight may still finish
n=$(accepts 8080)
b=$(accepts 8081)
sleep 3
check "address removed: no more connections ($n, $(accepts 8080))" \
    [ "$(accepts 8080)" = "$n" ]
check "address removed: the other virtual server is still checked" \
    more_than 8081 "$b"
check "address removed: show checks says suspended" is_suspended "$V4"
check "address removed: the real server keeps its state" \
    [ "$(row "$V4" state)" = up ]

# IPv6, on another interface (a veth: the kernel may lack dummy).
ip -n "$NS" link add hs0 type veth peer name hs1
ip -n "$NS" link set hs0 up
ip -n "$NS" addr add 2001:db8::100/128 dev hs0 nodad
check "IPv6 address added: checks reach the real server" \
    wait_for 10 more_than 8082 1
check "IPv6: show checks says running" running "$V6"
check "IPv6: the IPv4 one is still suspended" [ "$(accepts 8080)" = "$n" ]

# A reload keeps what lvsd said.
HACTL reload >/dev/null 2>&1
sleep 2
c6=$(accepts 8082)
check "after a reload: the IPv6 virtual server is still checked" \
    wait_for 5 more_than 8082 "$c6"
check "after a reload: the IPv4 one is still suspended" \
    [ "$(accepts 8080)" = "$n" ]

# The link goes with its address: lvsd sees the address leave.
ip -n "$NS" link del hs0
check "IPv6 link deleted: suspended again" wait_for 10 is_suspended "$V6"

# lvsd respawns: checkd hears it all again, nothing changes.
HACTL -j show procs >"$T/procs.json" 2>/dev/null
LVSPID=$(json_get "$T/procs.json" "[r['pid'] for r in d if r['name']=='lvsd'][0]" 2>/dev/null)
ip -n "$NS" addr add 198.18.0.100/32 dev lo
check "re-added: checks resume" wait_for 10 running "$V4"
if [ -n "$LVSPID" ] && kill_pid KILL "$LVSPID"; then
	newlvs() {
		HACTL -j show procs >"$T/procs.json" 2>/dev/null &&
		    p=$(json_get "$T/procs.json" "[r['pid'] for r in d if r['name']=='lvsd' and r['running']][0]") &&
		    [ -n "$p" ] && [ "$p" != "$LVSPID" ]
	}
	check "lvsd respawns" wait_for 15 newlvs
	sleep 1
	c4=$(accepts 8080)
	check "after the lvsd respawn: still checked" \
	    wait_for 5 more_than 8080 "$c4"
	check "after the lvsd respawn: the IPv6 one still suspended" \
	    is_suspended "$V6"
else
	fail "lvsd's pid from hactl show procs"
fi

check "had still runs" kill -0 "$HADPID"
if grep -Eq 'AddressSanitizer|runtime error:|LeakSanitizer' "$LOG"; then
	fail "sanitizer reports in the log"
	grep -E -A20 'AddressSanitizer|runtime error:' "$LOG" | head -40
else
	pass "no sanitizer report in the log"
fi
summary
