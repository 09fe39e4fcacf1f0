#!/bin/sh
# tests/vm: health checks drive IPVS.  checkd's TCP_CHECK (delay_loop 1)
# watches three busybox httpd real servers behind two NAT services:
#
#   cl (198.18.0.2) --brc-- director 198.18.0.1
#                           VIP1 198.18.0.100:80  a failed server is removed
#                           VIP2 198.18.0.101:80  inhibit_on_failure: weight 0
#                           198.18.1.1 --brs-- rs1..rs3 198.18.1.11-13
#
# Checks: rs2's httpd stopped -> checkd marks it down, lvsd removes it from
# VIP1 and sets weight 0 in VIP2; after that no request through either VIP
# fails and none reaches rs2; a `hactl reload' that changes something else
# (a new virtual server) keeps rs2 out; rs2 restarted -> back with its
# weight in both, and takes its share again.
set -u
. /vm/lib.sh

VIP1=198.18.0.100
VIP2=198.18.0.101
VIP3=198.18.0.102
N=60
BUILD=${HAD_BUILD:-/opt/build}
CONF=/tmp/had.conf
LOG=/tmp/lab-had.log
SOCK=/run/had/had.sock

check "had is in $BUILD" test -x "$BUILD/had"
check "hactl is in $BUILD" test -x "$BUILD/hactl"

lab_bridge brc 198.18.0.1/24 "$VIP1/32" "$VIP2/32" "$VIP3/32"
lab_bridge brs 198.18.1.1/24
lab_ns cl
lab_attach cl eth0 brc 198.18.0.2/24
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

# conf [extra]: VIP1 (removal) and VIP2 (inhibit); with "extra", VIP3 too.
rs_block() {
	echo "  real_server 198.18.1.1$1 80 {"
	echo "    weight 1"
	[ "$2" = inhibit ] && echo "    inhibit_on_failure"
	echo "    TCP_CHECK {"
	echo "      connect_timeout 1"
	echo "      retry 0"
	echo "    }"
	echo "  }"
}
conf() {
	{
		echo "global_defs { router_id vm-health }"
		for v in "$VIP1" "$VIP2"; do
			echo "virtual_server $v 80 {"
			echo "  delay_loop 1"
			echo "  lb_algo rr"
			echo "  lb_kind NAT"
			echo "  protocol TCP"
			for i in 1 2 3; do
				if [ "$v" = "$VIP2" ]; then rs_block "$i" inhibit
				else rs_block "$i" -; fi
			done
			echo "}"
		done
		if [ "${1:-}" = extra ]; then
			echo "virtual_server $VIP3 80 {"
			echo "  delay_loop 1"
			echo "  lb_algo rr"
			echo "  lb_kind NAT"
			echo "  protocol TCP"
			rs_block 1 -
			echo "}"
		fi
	} > "$CONF"
}

# rs_weight VIP N: the kernel weight of rsN in VIP's service, or "none".
rs_weight() {
	w=$(ipvsadm -Ln -t "$1:80" 2>/dev/null |
	    awk -v a="198.18.1.1$2:80" '$2 == a { print $4 }')
	echo "${w:-none}"
}
weight_is() { [ "$(rs_weight "$1" "$2")" = "$3" ]; }

# run_requests VIP: N requests from cl; sets n1 n2 n3 bad.
run_requests() {
	n1=0 n2=0 n3=0 bad=0 i=0
	while [ "$i" -lt "$N" ]; do
		i=$((i + 1))
		body=$(http_get cl "http://$1/" 5 2>&1) || true
		case $body in
		"served-by rs1") n1=$((n1 + 1)) ;;
		"served-by rs2") n2=$((n2 + 1)) ;;
		"served-by rs3") n3=$((n3 + 1)) ;;
		*) bad=$((bad + 1)); echo "request $i to $1: $body" ;;
		esac
	done
	echo "requests to $1: rs1=$n1 rs2=$n2 rs3=$n3 failed=$bad of $N"
}

mkdir -p /run/had
conf
lab_bg had - "$BUILD/had" -d -f "$CONF" -X "$BUILD" -p /run/had/had.pid \
    -s "$SOCK"
HAD_PID=$!
all_up() {
	for v in "$VIP1" "$VIP2"; do
		for i in 1 2 3; do weight_is "$v" "$i" 1 || return 1; done
	done
}
wait_until 30 "both services with three real servers" all_up ||
    cat "$LOG"
ipvsadm -Ln
wait_until 10 "checkd to report rs2 up" grep -q "198.18.1.12:80 is up" \
    "$LOG" || true

for v in "$VIP1" "$VIP2"; do
	run_requests "$v"
	assert_eq "all up, $v: no request failed" 0 "$bad"
	assert_ge "all up, $v: rs2 takes its share" "$n2" $((N / 3 - N / 20))
done

# rs2's httpd stops: removed from VIP1, weight 0 in VIP2.
t0=$(_lab_now_cs)
kill "$HTTPD_2"
rs2_out() { weight_is "$VIP1" 2 none && weight_is "$VIP2" 2 0; }
if wait_until 20 "rs2 out of VIP1 and weight 0 in VIP2" rs2_out; then
	t1=$(_lab_now_cs)
	pass "rs2 down: removed from VIP1, weight 0 in VIP2 after $(( (t1 - t0) / 100 )).$(( (t1 - t0) % 100 / 10 ))s"
	assert_le "fail time at most 5 s" $(( (t1 - t0) / 100 )) 5
else
	fail "rs2 down" "VIP1 weight $(rs_weight "$VIP1" 2), VIP2 weight $(rs_weight "$VIP2" 2)"
fi
ipvsadm -Ln
check "checkd's down logged" grep -q "198.18.1.12:80 is down" "$LOG"
for v in "$VIP1" "$VIP2"; do
	run_requests "$v"
	assert_eq "rs2 down, $v: no request failed" 0 "$bad"
	assert_eq "rs2 down, $v: none to rs2" 0 "$n2"
done

# A reload that changes something else: rs2 stays out.
conf extra
out=$("$BUILD/hactl" -s "$SOCK" reload 2>&1)
echo "hactl reload: $out"
wait_until 15 "VIP3 in the kernel" sh -c "ipvsadm -Ln -t $VIP3:80" ||
    fail "reload" "VIP3 not programmed"
samples=0 back=0
while [ "$samples" -lt 30 ]; do		# 3 s, more than delay_loop
	samples=$((samples + 1))
	rs2_out || back=$((back + 1))
	sleep 0.1
done
assert_eq "reload: rs2 stayed out in all $samples samples" 0 "$back"
N=30
for v in "$VIP1" "$VIP2"; do
	run_requests "$v"
	assert_eq "after reload, $v: no request failed" 0 "$bad"
	assert_eq "after reload, $v: none to rs2" 0 "$n2"
done
N=60

# rs2 restarted: back with weight 1 in both.
t0=$(_lab_now_cs)
start_httpd 2
rs2_in() { weight_is "$VIP1" 2 1 && weight_is "$VIP2" 2 1; }
if wait_until 20 "rs2 back in both services" rs2_in; then
	t1=$(_lab_now_cs)
	pass "rs2 back in both services after $(( (t1 - t0) / 100 )).$(( (t1 - t0) % 100 / 10 ))s"
else
	fail "rs2 back" "VIP1 weight $(rs_weight "$VIP1" 2), VIP2 weight $(rs_weight "$VIP2" 2)"
fi
ipvsadm -Ln
for v in "$VIP1" "$VIP2"; do
	run_requests "$v"
	assert_eq "rs2 back, $v: no request failed" 0 "$bad"
	assert_ge "rs2 back, $v: rs2 takes its share" "$n2" $((N / 3 - N / 20))
done
"$BUILD/hactl" -s "$SOCK" show lvs
check "no netlink errors logged" sh -c "! grep -q 'failed: ' $LOG"

kill "$HAD_PID" 2>/dev/null
echo "--- had log"
grep -E "lvs|ipvs|real server|$VIP1|$VIP2" "$LOG" | head -60
finish
