#!/bin/sh
# tests/vm: quorum_up, quorum_down, notify_up, notify_down, alpha and
# omega, run by had for lvsd's transitions.  Every command appends its
# tag to /tmp/marks.log; the test counts the tags.
#
#   director 198.18.1.1 --brs-- rs1..rs3 198.18.1.11-13 (busybox httpd)
#   VS1 198.18.0.100:80  quorum 2, rs1..rs3 each with notify_up/down
#   VS2 198.18.0.101:80  alpha, omega, quorum 1, rs1 and rs2
#
# Checks: nothing runs for VS1 at start (its servers start up, as they
# are); with alpha each VS2 server runs notify_up when its check passes
# and the quorum runs quorum_up; rs2 stopped: notify_down of both, no
# quorum change; rs3 stopped too: VS1 quorum_down; lvsd killed and
# respawned: the transitions it reports again run nothing twice; rs2
# back: notify_up, VS1 quorum_up; a reload runs nothing; had stopped:
# omega runs VS2's notify_down for rs1 and rs2 and its quorum_down,
# nothing for VS1.
set -u
. /vm/lib.sh

VIP1=198.18.0.100
VIP2=198.18.0.101
BUILD=${HAD_BUILD:-/opt/build}
CONF=/tmp/had.conf
LOG=/tmp/lab-had.log
SOCK=/run/had/had.sock
MARKS=/tmp/marks.log

check "had is in $BUILD" test -x "$BUILD/had"
lab_bridge brc 198.18.0.1/24 "$VIP1/32" "$VIP2/32"
lab_bridge brs 198.18.1.1/24
start_httpd() {
	lab_bg "httpd-rs$1" "rs$1" httpd -f -p "198.18.1.1$1:80" \
	    -h "/tmp/www-rs$1"
	eval "HTTPD_$1=\$!"
}
for i in 1 2 3; do
	lab_ns "rs$i"
	lab_attach "rs$i" eth0 brs "198.18.1.1$i/24"
	lab_route "rs$i" default 198.18.1.1
	mkdir -p "/tmp/www-rs$i"
	echo "served-by rs$i" > "/tmp/www-rs$i/index.html"
	start_httpd "$i"
done
for i in 1 2 3; do
	wait_tcp - "198.18.1.1$i" 80 10 || fail "rs$i httpd" "not listening"
done

# omega's are slow: had must wait for them before it exits.
cat > /tmp/mark.sh <<'EOF'
#!/bin/sh
case $1 in a-rs*-down|q2-down) sleep 1 ;; esac
echo "$1" >> /tmp/marks.log
EOF
chmod 755 /tmp/mark.sh
: > "$MARKS"

# rs_block N PREFIX: real server rsN whose scripts tag PREFIXrsN-up/down.
rs_block() {
	echo "  real_server 198.18.1.1$1 80 {"
	echo "    notify_up \"/tmp/mark.sh $2rs$1-up\""
	echo "    notify_down \"/tmp/mark.sh $2rs$1-down\""
	echo "    TCP_CHECK {"
	echo "      connect_timeout 1"
	echo "      retry 0"
	echo "    }"
	echo "  }"
}
conf() {
	{
		echo "global_defs { router_id $1 }"
		echo "virtual_server $VIP1 80 {"
		echo "  delay_loop 1"
		echo "  lb_algo rr"
		echo "  lb_kind NAT"
		echo "  quorum 2"
		echo "  quorum_up \"/tmp/mark.sh q1-up\""
		echo "  quorum_down \"/tmp/mark.sh q1-down\""
		for i in 1 2 3; do rs_block "$i" ""; done
		echo "}"
		echo "virtual_server $VIP2 80 {"
		echo "  delay_loop 1"
		echo "  lb_algo rr"
		echo "  lb_kind NAT"
		echo "  alpha"
		echo "  omega"
		echo "  quorum 1"
		echo "  quorum_up \"/tmp/mark.sh q2-up\""
		echo "  quorum_down \"/tmp/mark.sh q2-down\""
		for i in 1 2; do rs_block "$i" a-; done
		echo "}"
	} > "$CONF"
}
n() { grep -cx "$1" "$MARKS" 2>/dev/null || true; }
is() { [ "$(n "$1")" = "$2" ]; }
# expect TAG COUNT [WHY]
expect() { assert_eq "${3:-}$1 ran $2 times" "$2" "$(n "$1")"; }
weight() {
	w=$(ipvsadm -Ln -t "$1:80" 2>/dev/null |
	    awk -v a="198.18.1.1$2:80" '$2 == a { print $4 }')
	echo "${w:-none}"
}

mkdir -p /run/had
conf vm-scripts
# -v: had logs at debug level that it did not run a repeat.
lab_bg had - "$BUILD/had" -d -v -f "$CONF" -X "$BUILD" \
    -p /run/had/had.pid -s "$SOCK"
HAD_PID=$!

# Start.  VS2 (alpha): rs1 and rs2 come up, the quorum with them.
started() {
	is a-rs1-up 1 && is a-rs2-up 1 && is q2-up 1 &&
	    [ "$(weight "$VIP2" 1)" = 1 ] && [ "$(weight "$VIP2" 2)" = 1 ]
}
wait_until 30 "VS2's servers up after their first checks" started ||
    { cat "$MARKS"; ipvsadm -Ln; }
sleep 3		# three rounds of checks: anything else would show now
cat "$MARKS"
expect a-rs1-up 1 "start, alpha: "
expect a-rs2-up 1 "start, alpha: "
expect q2-up 1 "start, alpha: "
for t in q1-up q1-down rs1-up rs2-up rs3-up rs1-down rs2-down rs3-down \
    a-rs1-down a-rs2-down q2-down; do
	expect "$t" 0 "start: "
done

# rs2 stops: down in both; VS1 keeps its quorum (2 of 3), VS2 too.
kill "$HTTPD_2"
wait_until 20 "rs2's notify_down in both" \
    sh -c "[ \$(grep -cx rs2-down $MARKS) = 1 ] &&
    [ \$(grep -cx a-rs2-down $MARKS) = 1 ]"
sleep 2
expect rs2-down 1 "rs2 stopped: "
expect a-rs2-down 1 "rs2 stopped: "
expect q1-down 0 "rs2 stopped, VS1 at quorum 2: "
expect q2-down 0 "rs2 stopped, VS2 at quorum 1: "

# rs3 stops too: VS1 loses its quorum.
kill "$HTTPD_3"
wait_until 20 "VS1's quorum_down" is q1-down 1
sleep 2
expect rs3-down 1 "rs3 stopped: "
expect q1-down 1 "rs3 stopped: "
expect q1-up 0 "rs3 stopped: "
check "lvsd logged the quorum lost" grep -q "TCP $VIP1:80: quorum lost" "$LOG"
check "had logged what it ran" grep -q \
    "virtual server TCP $VIP1:80: running quorum_down" "$LOG"

# kill -9 lvsd: the respawned one starts over (rs2 and rs3 assumed up,
# VS2's servers assumed down) and reports the same transitions again;
# had runs none of them twice.
gens() { grep -c "lvsd: configuration generation" "$LOG"; }
g0=$(gens)
cp "$MARKS" /tmp/marks.before
kill -9 "$(pidof lvsd)"
wait_until 30 "had to respawn lvsd" sh -c "[ \$(grep -c 'lvsd: configuration generation' $LOG) -gt $g0 ]"
# Repeats: rs2 and rs3 down, VS1's quorum lost, VS2's rs1 and quorum up.
repeats() { grep -c "again: not run twice" "$LOG"; }
wait_until 30 "lvsd to report the five transitions again" \
    sh -c "[ \$(grep -c 'again: not run twice' $LOG) -ge 5 ]"
sleep 3
assert_eq "respawned lvsd: had saw five repeats" 5 "$(repeats)"
if cmp -s /tmp/marks.before "$MARKS"; then
	pass "respawned lvsd: no script ran"
else
	fail "respawned lvsd: no script ran" "$(diff /tmp/marks.before "$MARKS")"
fi

# rs2 back: up in both, VS1 regains its quorum.
start_httpd 2
wait_until 20 "rs2's notify_up in both and VS1's quorum_up" \
    sh -c "[ \$(grep -cx rs2-up $MARKS) = 1 ] &&
    [ \$(grep -cx a-rs2-up $MARKS) = 2 ] && [ \$(grep -cx q1-up $MARKS) = 1 ]"
sleep 2
expect rs2-up 1 "rs2 back: "
expect a-rs2-up 2 "rs2 back: "
expect q1-up 1 "rs2 back: "
expect q2-up 1 "rs2 back, VS2 had its quorum: "

# A reload (another router_id): the state is carried over, nothing runs.
cp "$MARKS" /tmp/marks.before
conf vm-scripts-2
out=$("$BUILD/hactl" -s "$SOCK" reload 2>&1)
echo "hactl reload: $out"
sleep 4
if cmp -s /tmp/marks.before "$MARKS"; then
	pass "reload: no script ran"
else
	fail "reload: no script ran" "$(diff /tmp/marks.before "$MARKS")"
fi

# had stops: omega runs VS2's notify_down of rs1 and rs2 (both up) and
# its quorum_down; VS1 has no omega.  They take a second each: their
# tags are there as soon as had is gone only if had waited.
kill "$HAD_PID"
wait_until 20 "had to exit" sh -c "! kill -0 $HAD_PID"
cat "$MARKS"
expect a-rs1-down 1 "had stopped, omega: "
expect a-rs2-down 2 "had stopped, omega: "
expect q2-down 1 "had stopped, omega: "
expect rs1-down 0 "had stopped, no omega: "
expect rs2-down 1 "had stopped, no omega: "
expect q1-down 1 "had stopped, no omega: "

echo "--- had log"
grep -E "quorum|running|is (up|down)|not run twice|stopped|respawn" "$LOG" |
    tail -60
finish
