#!/bin/sh
# tests/vm: a real server removed from the config by a reload is drained
# (weight 0 for lvsd's drain time, 10 s), then removed; in-flight requests
# to it complete.
#
#   cl (198.18.0.2) --brc-- director 198.18.0.1, VIP 198.18.0.100
#                                    198.18.1.1 --brs-- rs1..rs3 198.18.1.11-13
# rs3's egress is rate limited (netem) so that its downloads of a 6 MB
# file take several seconds: they are in flight when the reload comes.
set -u
. /vm/lib.sh

VIP=198.18.0.100
BUILD=${HAD_BUILD:-/opt/build}
CONF=/tmp/had.conf
LOG=/tmp/lab-had.log
SOCK=/run/had/had.sock
BIG=6291456

check "had is in $BUILD" test -x "$BUILD/had"
lab_bridge brc 198.18.0.1/24 "$VIP/32"
lab_bridge brs 198.18.1.1/24
lab_ns cl
lab_attach cl eth0 brc 198.18.0.2/24
for i in 1 2 3; do
	lab_ns "rs$i"
	lab_attach "rs$i" eth0 brs "198.18.1.1$i/24"
	lab_route "rs$i" default 198.18.1.1
	mkdir -p "/tmp/www-rs$i"
	echo "served-by rs$i" > "/tmp/www-rs$i/index.html"
	head -c "$BIG" /dev/zero > "/tmp/www-rs$i/big"
	lab_bg "httpd-rs$i" "rs$i" httpd -f -p "198.18.1.1$i:80" \
	    -h "/tmp/www-rs$i"
done
in_ns rs3 tc qdisc add dev eth0 root netem rate 8mbit ||
    fail "netem on rs3" "tc failed"
for i in 1 2 3; do
	wait_tcp - "198.18.1.1$i" 80 10 || fail "rs$i httpd" "not listening"
done

# conf N: real servers rs1..rsN.
conf() {
	{
		echo "global_defs { router_id vm-drain }"
		echo "virtual_server $VIP 80 {"
		echo "  lb_algo rr"
		echo "  lb_kind NAT"
		echo "  protocol TCP"
		i=1
		while [ "$i" -le "$1" ]; do
			echo "  real_server 198.18.1.1$i 80 { weight 1 }"
			i=$((i + 1))
		done
		echo "}"
	} > "$CONF"
}
rs_weight() {
	w=$(ipvsadm -Ln -t "$VIP:80" 2>/dev/null |
	    awk -v a="198.18.1.1$1:80" '$2 == a { print $4 }')
	echo "${w:-none}"
}
rs3_active() {
	ipvsadm -Ln -t "$VIP:80" 2>/dev/null |
	    awk '$2 == "198.18.1.13:80" { print $5 }'
}
writes() {
	grep -cE "$VIP:80: (added|changed|removed) " "$LOG" 2>/dev/null ||
	    true
}

mkdir -p /run/had
conf 3
lab_bg had - "$BUILD/had" -d -f "$CONF" -X "$BUILD" -p /run/had/had.pid \
    -s "$SOCK"
HAD_PID=$!
three() { [ "$(rs_weight 3)" = 1 ] && [ "$(rs_weight 2)" = 1 ]; }
wait_until 30 "three real servers" three || cat "$LOG"
ipvsadm -Ln

# Three slow downloads: rr gives one to each real server.
k=0
while [ "$k" -lt 3 ]; do
	k=$((k + 1))
	( in_ns cl timeout 60 wget -q -O "/tmp/dl$k" "http://$VIP/big"
	  echo $? > "/tmp/dl$k.rc" ) &
	sleep 0.2
done
wait_until 10 "a download in flight on rs3" sh -c \
    '[ "$(ipvsadm -Ln -t '"$VIP"':80 | awk '"'"'$2 == "198.18.1.13:80" { print $5 }'"'"')" -ge 1 ]' ||
    true
a=$(rs3_active)
assert_ge "a download in flight on rs3 before the reload" "${a:-0}" 1

# Reload without rs3; sample rs3's weight every 0.1 s (bounded: 25 s).
w0=$(writes)
conf 2
t0=$(_lab_now_cs)
kill -HUP "$HAD_PID"
( n=0; while [ "$n" -lt 250 ]; do
	n=$((n + 1))
	echo "$(_lab_now_cs) $(rs_weight 3)"
	sleep 0.1
  done > /tmp/samples ) &
SAMPLER=$!

# Meanwhile: short requests, none may fail, none goes to rs3 once it has
# weight 0.
wait_until 5 "rs3 at weight 0" sh -c '[ "$(ipvsadm -Ln -t '"$VIP"':80 | awk '"'"'$2 == "198.18.1.13:80" { print $4 }'"'"')" = 0 ]' || true
ipvsadm -Ln
n1=0 n2=0 n3=0 bad=0 i=0
while [ "$i" -lt 40 ]; do
	i=$((i + 1))
	body=$(http_get cl "http://$VIP/" 5 2>&1) || true
	case $body in
	"served-by rs1") n1=$((n1 + 1)) ;;
	"served-by rs2") n2=$((n2 + 1)) ;;
	"served-by rs3") n3=$((n3 + 1)) ;;
	*) bad=$((bad + 1)); echo "request $i: $body" ;;
	esac
done
echo "during the drain: rs1=$n1 rs2=$n2 rs3=$n3 failed=$bad of 40"
assert_eq "during the drain: no request failed" 0 "$bad"
assert_eq "during the drain: no new request to rs3" 0 "$n3"

wait "$SAMPLER"
# The sequence of states of rs3: 1 (maybe), then 0, then none.
seq=$(awk '{ print $2 }' /tmp/samples | uniq | tr '\n' ' ')
echo "rs3 weight over time: $seq"
case $seq in
"0 none "|"1 0 none ") pass "weight 0 first, then removal ($seq)" ;;
*) fail "drain order" "rs3 went through: $seq" ;;
esac
first0=$(awk '$2 == "0" { print $1; exit }' /tmp/samples)
firstnone=$(awk '$2 == "none" { print $1; exit }' /tmp/samples)
if [ -n "$first0" ] && [ -n "$firstnone" ]; then
	d=$(( (firstnone - first0) / 100 ))
	echo "weight 0 after $(( (first0 - t0) / 10 ))00 ms; removed ${d}s later"
	assert_ge "drained at least 9 s" "$d" 9
	assert_le "drained at most 13 s" "$d" 13
fi
assert_eq "drain: two writes (weight 0, removal)" $((w0 + 2)) "$(writes)"

# The in-flight downloads all complete, whole.
k=0
while [ "$k" -lt 3 ]; do
	k=$((k + 1))
	wait_file "/tmp/dl$k.rc" 60 || true
	assert_eq "download $k: wget exit status" 0 "$(cat /tmp/dl$k.rc 2>/dev/null)"
	assert_eq "download $k: whole" "$BIG" "$(wc -c < /tmp/dl$k 2>/dev/null)"
done
check "drain logged" grep -q "198.18.1.13:80 removed from the configuration: weight 0" "$LOG"
check "removal logged" grep -q "198.18.1.13:80 drained for 10s: removing" "$LOG"
check "no netlink errors logged" sh -c "! grep -q 'failed: ' $LOG"

kill "$HAD_PID" 2>/dev/null
echo "--- had log"
grep -E "lvs|ipvs|real server|$VIP" "$LOG" | head -40
finish
