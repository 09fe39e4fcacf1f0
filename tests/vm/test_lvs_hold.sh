#!/bin/sh
# tests/vm: hactl drain with real IPVS.  A download in flight on the
# drained real server completes; new requests avoid it; its weight stays
# 0 across `hactl reload' and a kill -9 of lvsd (sampled every 0.1 s:
# never back to 1); `drain --wait' returns once it has no active
# connection; undrain gives the weight back.
#
#   cl (198.18.0.2) --brc-- director 198.18.0.1, VIP 198.18.0.100
#                                    198.18.1.1 --brs-- rs1, rs2 198.18.1.11-12
# rs2's egress is rate limited (netem) so that a 6 MB download from it
# takes several seconds.
set -u
. /vm/lib.sh

VIP=198.18.0.100
BUILD=${HAD_BUILD:-/opt/build}
CONF=/tmp/had.conf
LOG=/tmp/lab-had.log
SOCK=/run/had/had.sock
BIG=6291456
HACTL="$BUILD/hactl -s $SOCK"

check "had is in $BUILD" test -x "$BUILD/had"
lab_bridge brc 198.18.0.1/24 "$VIP/32"
lab_bridge brs 198.18.1.1/24
lab_ns cl
lab_attach cl eth0 brc 198.18.0.2/24
for i in 1 2; do
	lab_ns "rs$i"
	lab_attach "rs$i" eth0 brs "198.18.1.1$i/24"
	lab_route "rs$i" default 198.18.1.1
	mkdir -p "/tmp/www-rs$i"
	echo "served-by rs$i" > "/tmp/www-rs$i/index.html"
	head -c "$BIG" /dev/zero > "/tmp/www-rs$i/big"
	lab_bg "httpd-rs$i" "rs$i" httpd -f -p "198.18.1.1$i:80" \
	    -h "/tmp/www-rs$i"
done
in_ns rs2 tc qdisc add dev eth0 root netem rate 8mbit ||
    fail "netem on rs2" "tc failed"
for i in 1 2; do
	wait_tcp - "198.18.1.1$i" 80 10 || fail "rs$i httpd" "not listening"
done
cat > "$CONF" <<CONF
global_defs { router_id vm-hold }
virtual_server $VIP 80 {
  lb_algo rr
  lb_kind NAT
  protocol TCP
  real_server 198.18.1.11 80 { weight 1 }
  real_server 198.18.1.12 80 { weight 1 }
}
CONF
rs_weight() {
	w=$(ipvsadm -Ln -t "$VIP:80" 2>/dev/null |
	    awk -v a="198.18.1.1$1:80" '$2 == a { print $4 }')
	echo "${w:-none}"
}
rs2_active() {
	ipvsadm -Ln -t "$VIP:80" 2>/dev/null |
	    awk '$2 == "198.18.1.12:80" { print $5 }'
}
lvsd_pid() {
	for p in /proc/[0-9]*; do
		[ "$(cat "$p/comm" 2>/dev/null)" = lvsd ] || continue
		[ "$(awk '{ print $4 }' "$p/stat")" = "$HAD_PID" ] &&
		    echo "${p#/proc/}"
	done
}
# N short requests: counts by real server, none may fail.
requests() {
	n1=0 n2=0 bad=0 i=0
	while [ "$i" -lt "$1" ]; do
		i=$((i + 1))
		body=$(http_get cl "http://$VIP/" 5 2>&1) || true
		case $body in
		"served-by rs1") n1=$((n1 + 1)) ;;
		"served-by rs2") n2=$((n2 + 1)) ;;
		*) bad=$((bad + 1)); echo "request $i: $body" ;;
		esac
	done
}

mkdir -p /run/had
lab_bg had - "$BUILD/had" -d -f "$CONF" -X "$BUILD" -p /run/had/had.pid \
    -s "$SOCK"
HAD_PID=$!
two() { [ "$(rs_weight 1)" = 1 ] && [ "$(rs_weight 2)" = 1 ]; }
wait_until 30 "two real servers" two || cat "$LOG"

# Two slow downloads: rr gives one to each real server.
k=0
while [ "$k" -lt 2 ]; do
	k=$((k + 1))
	( in_ns cl timeout 90 wget -q -O "/tmp/dl$k" "http://$VIP/big"
	  echo $? > "/tmp/dl$k.rc" ) &
	sleep 0.2
done
wait_until 10 "a download in flight on rs2" sh -c \
    '[ "$(ipvsadm -Ln -t '"$VIP"':80 | awk '"'"'$2 == "198.18.1.12:80" { print $5 }'"'"')" -ge 1 ]' ||
    true
assert_ge "a download in flight on rs2 before the drain" "$(rs2_active)" 1

out=$($HACTL drain "$VIP:80" 198.18.1.12:80 2>&1)
assert_contains "drain accepted" "$out" "drained"
wait_until 5 "rs2 at weight 0" sh -c '[ "$(ipvsadm -Ln -t '"$VIP"':80 | awk '"'"'$2 == "198.18.1.12:80" { print $4 }'"'"')" = 0 ]' || true
assert_eq "rs2 weight 0 in the kernel" 0 "$(rs_weight 2)"
assert_eq "rs1 keeps its weight" 1 "$(rs_weight 1)"
assert_ge "the download on rs2 goes on" "$(rs2_active)" 1
check "show lvs -j says drained" sh -c "$HACTL show lvs -j | grep -q '\"real\": \"198.18.1.12:80\", \"sorry\": false, \"drained\": true'"

requests 20
echo "drained: rs1=$n1 rs2=$n2 failed=$bad of 20"
assert_eq "drained: no request failed" 0 "$bad"
assert_eq "drained: no new request to rs2" 0 "$n2"

# Sample rs2's weight through a reload and a kill -9 of lvsd.
( n=0; while [ "$n" -lt 80 ]; do
	n=$((n + 1))
	echo "$(rs_weight 2)"
	sleep 0.1
  done > /tmp/samples ) &
SAMPLER=$!
out=$($HACTL reload 2>&1)
echo "$out"
assert_eq "weight 0 after hactl reload" 0 "$(rs_weight 2)"
P0=$(lvsd_pid)
check "lvsd found (pid $P0)" test -n "$P0"
kill -KILL "$P0"
respawned() { p=$(lvsd_pid); [ -n "$p" ] && [ "$p" != "$P0" ]; }
wait_until 10 "lvsd respawned" respawned || true
sleep 1
assert_eq "weight 0 after lvsd's respawn" 0 "$(rs_weight 2)"
wait "$SAMPLER"
seq=$(uniq < /tmp/samples | tr '\n' ' ')
echo "rs2 weight through reload and respawn: $seq"
assert_eq "rs2 never back to weight 1" 0 "$(grep -c '^1$' /tmp/samples)"

# --wait: returns when the download on rs2 is over.
out=$($HACTL drain "$VIP:80" 198.18.1.12:80 --wait 60 2>&1); rc=$?
echo "$out"
assert_eq "drain --wait exit status" 0 "$rc"
assert_contains "drain --wait: none left" "$out" \
    "0 active connections left on 198.18.1.12:80"
k=0
while [ "$k" -lt 2 ]; do
	k=$((k + 1))
	wait_file "/tmp/dl$k.rc" 60 || true
	assert_eq "download $k: wget exit status" 0 "$(cat /tmp/dl$k.rc 2>/dev/null)"
	assert_eq "download $k: whole" "$BIG" "$(wc -c < /tmp/dl$k 2>/dev/null)"
done

out=$($HACTL undrain "$VIP:80" 198.18.1.12:80 2>&1)
assert_contains "undrain accepted" "$out" "undrained"
wait_until 5 "rs2 back at weight 1" sh -c '[ "$(ipvsadm -Ln -t '"$VIP"':80 | awk '"'"'$2 == "198.18.1.12:80" { print $4 }'"'"')" = 1 ]' || true
assert_eq "rs2 weight back" 1 "$(rs_weight 2)"
requests 10
echo "undrained: rs1=$n1 rs2=$n2 failed=$bad of 10"
assert_ge "undrained: rs2 serves again" "$n2" 1
check "no netlink errors logged" sh -c "! grep -q 'failed: ' $LOG"

kill "$HAD_PID" 2>/dev/null
echo "--- had log"
grep -E "drain|lvsd|$VIP" "$LOG" | head -40
finish
