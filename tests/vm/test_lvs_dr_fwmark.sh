#!/bin/sh
# tests/vm: a DR service, a fwmark service and a sorry_server, with real
# traffic.  One segment: the director answers ARP for the VIPs, the real
# servers hold them on lo with arp_ignore=1/arp_announce=2 and answer the
# client directly.
#
#   br0: director 198.18.0.1, VIP 198.18.0.100 (DR), 198.18.0.110 (fwmark 1)
#        cl 198.18.0.2, rs1..rs3 198.18.0.11-13, sorry 198.18.0.20
#
# Marking: the guest has no iptables or nft; packets to 198.18.0.110 are
# marked with tc (ingress qdisc, u32, skbedit) when the image has those
# modules (VM_EXTRA_MODULES="sch_ingress cls_u32 act_skbedit"); without
# them the fwmark service is checked in ipvsadm -Ln only, and the test
# says so.
set -u
. /vm/lib.sh

VIP=198.18.0.100
FVIP=198.18.0.110
N=300
BUILD=${HAD_BUILD:-/opt/build}
CONF=/tmp/had.conf
LOG=/tmp/lab-had.log
SOCK=/run/had/had.sock

check "had is in $BUILD" test -x "$BUILD/had"
lab_bridge br0 198.18.0.1/24 "$VIP/32" "$FVIP/32"
lab_ns cl
lab_attach cl eth0 br0 198.18.0.2/24
start_httpd() {
	lab_bg "httpd-$1" "$1" httpd -f -p 80 -h "/tmp/www-$1"
	eval "HTTPD_$1=\$!"
}
dr_ns() {	# NS ADDR
	lab_ns "$1"
	in_ns "$1" sh -c 'for i in all default; do
		echo 1 > /proc/sys/net/ipv4/conf/$i/arp_ignore
		echo 2 > /proc/sys/net/ipv4/conf/$i/arp_announce; done'
	lab_attach "$1" eth0 br0 "$2/24"
	in_ns "$1" sh -c 'echo 1 > /proc/sys/net/ipv4/conf/eth0/arp_ignore
		echo 2 > /proc/sys/net/ipv4/conf/eth0/arp_announce'
	lab_addr "$1" lo "$VIP/32"
	lab_addr "$1" lo "$FVIP/32"
	mkdir -p "/tmp/www-$1"
	echo "served-by $1" > "/tmp/www-$1/index.html"
	start_httpd "$1"
}
for i in 1 2 3; do dr_ns "rs$i" "198.18.0.1$i"; done
dr_ns sorry 198.18.0.20
for a in 11 12 13 20; do
	wait_tcp - "198.18.0.$a" 80 10 || fail "198.18.0.$a httpd" "not listening"
done

marking=no
if modprobe sch_ingress 2>/dev/null && modprobe cls_u32 2>/dev/null &&
    modprobe act_skbedit 2>/dev/null; then
	tc qdisc add dev br0 ingress &&
	tc filter add dev br0 parent ffff: protocol ip prio 1 u32 \
	    match ip dst "$FVIP/32" action skbedit mark 1 && marking=yes
fi
echo "fwmark marking in the guest: $marking"

rs_block() {
	echo "  real_server 198.18.0.1$1 80 {"
	echo "    weight $2"
	echo "    TCP_CHECK {"
	echo "      connect_timeout 1"
	echo "      retry 0"
	echo "    }"
	echo "  }"
}
{
	echo "global_defs { router_id vm-dr }"
	echo "virtual_server $VIP 80 {"
	echo "  delay_loop 1"
	echo "  lb_algo rr"
	echo "  lb_kind DR"
	echo "  protocol TCP"
	echo "  sorry_server 198.18.0.20 80"
	for i in 1 2 3; do rs_block "$i" 1; done
	echo "}"
	echo "virtual_server fwmark 1 {"
	echo "  delay_loop 1"
	echo "  lb_algo wrr"
	echo "  lb_kind DR"
	for i in 1 2; do rs_block "$i" "$i"; done
	echo "}"
	# keepalived's scheduler flags reach the kernel (no check: up).
	echo "virtual_server $VIP 443 {"
	echo "  lb_algo mh"
	echo "  mh-port"
	echo "  mh-fallback"
	echo "  lb_kind DR"
	echo "  real_server 198.18.0.11 443 { weight 1 }"
	echo "}"
} > "$CONF"

# run_requests URL: N requests from cl; sets n1 n2 n3 ns bad.
run_requests() {
	n1=0 n2=0 n3=0 ns=0 bad=0 i=0
	while [ "$i" -lt "$N" ]; do
		i=$((i + 1))
		body=$(http_get cl "$1" 5 2>&1) || true
		case $body in
		"served-by rs1") n1=$((n1 + 1)) ;;
		"served-by rs2") n2=$((n2 + 1)) ;;
		"served-by rs3") n3=$((n3 + 1)) ;;
		"served-by sorry") ns=$((ns + 1)) ;;
		*) bad=$((bad + 1)); echo "request $i: $body" ;;
		esac
	done
	echo "requests to $1: rs1=$n1 rs2=$n2 rs3=$n3 sorry=$ns failed=$bad of $N"
}
near() {
	tol=$((N / 20))
	if [ "$2" -ge $(($3 - tol)) ] && [ "$2" -le $(($3 + tol)) ]; then
		pass "$1 ($2, want $3)"
	else
		fail "$1" "$2, want $3 +- $tol"
	fi
}
dest_line() {	# SERVICE-ARGS ADDR: "Route 1" etc.
	ipvsadm -Ln $1 2>/dev/null | awk -v a="$2:80" '$2 == a { print $3, $4 }'
}
line_is() { [ "$(dest_line "$1" "$2")" = "$3" ]; }

mkdir -p /run/had
lab_bg had - "$BUILD/had" -d -f "$CONF" -X "$BUILD" -p /run/had/had.pid \
    -s "$SOCK"
HAD_PID=$!
programmed() {
	line_is "-t $VIP:80" 198.18.0.13 "Route 1" &&
	    line_is "-f 1" 198.18.0.12 "Route 2"
}
wait_until 30 "both services programmed" programmed || cat "$LOG"
out=$(ipvsadm -Ln)
echo "$out"
assert_contains "ipvsadm -Ln: DR service, rr" "$out" "TCP  $VIP:80 rr"
assert_contains "ipvsadm -Ln: fwmark service, wrr" "$out" "FWM  1 wrr"
mhline=$(echo "$out" | grep "TCP  $VIP:443 ")
check "ipvsadm -Ln: mh service with its fallback and port flags ($mhline)" \
    sh -c "echo '$mhline' | grep -E ' mh ' | grep -E '(fallback|flag-1)' | grep -qE '(port|flag-2)'"
for i in 1 2 3; do
	check "DR service: rs$i Route 1" line_is "-t $VIP:80" "198.18.0.1$i" "Route 1"
done
check "fwmark service: rs1 Route 1" line_is "-f 1" 198.18.0.11 "Route 1"
check "fwmark service: rs2 Route 2" line_is "-f 1" 198.18.0.12 "Route 2"
check "sorry server not in the table while quorum is up" \
    sh -c "! ipvsadm -Ln -t $VIP:80 | grep -q 198.18.0.20"

# DR: 300 requests split evenly.
t0=$(_lab_now_cs)
run_requests "http://$VIP/"
echo "DR: $N requests in $(( ($(_lab_now_cs) - t0) / 100 ))s"
assert_eq "DR: no request failed" 0 "$bad"
near "DR rr: rs1 a third" "$n1" $((N / 3))
near "DR rr: rs2 a third" "$n2" $((N / 3))
near "DR rr: rs3 a third" "$n3" $((N / 3))
# The replies went directly: the director saw only the client's packets.
rx=$(ipvsadm -Ln --stats -t "$VIP:80" | awk '/^TCP/ { print $5 }')
echo "DR service: OutPkts $rx"
assert_eq "DR: no reply packets through the director" 0 "$rx"

# fwmark: wrr 1:2 over marked packets.
if [ "$marking" = yes ]; then
	N=90
	run_requests "http://$FVIP/"
	assert_eq "fwmark: no request failed" 0 "$bad"
	near "fwmark wrr: rs1 1/3" "$n1" $((N / 3))
	near "fwmark wrr: rs2 2/3" "$n2" $((N * 2 / 3))
	assert_eq "fwmark: none to rs3" 0 "$n3"
	# The kernel folds its counters every 2 s.
	fwm_conns() { ipvsadm -Ln --stats -f 1 | awk '/^FWM/ { print $3 }'; }
	wait_until 6 "the fwmark counters" sh -c \
	    "[ \$(ipvsadm -Ln --stats -f 1 | awk '/^FWM/ { print \$3 }') -ge $N ]" ||
	    true
	# The kernel's rate estimator folds counters in batches and a few
	# short connections can be folded late: at least 9 in 10 counted.
	assert_ge "fwmark: the kernel counted the connections" "$(fwm_conns)" \
	    $((N * 9 / 10))
	N=300
else
	echo "SKIP fwmark traffic: no iptables/nft in the guest and no tc " \
	    "ingress/u32/skbedit modules in its image; programming checked only"
fi

# All real servers down: the sorry server takes everything.  Connections
# the kernel still holds to removed servers would swallow a client port
# that is reused; expire them as an operator of DR would.
echo 1 >/proc/sys/net/ipv4/vs/expire_nodest_conn
kill "$HTTPD_rs1" "$HTTPD_rs2" "$HTTPD_rs3"
sorry_only() {
	o=$(ipvsadm -Ln -t "$VIP:80")
	echo "$o" | grep -q -- "-> 198.18.0.20:80 *Route *1 " &&
	    ! echo "$o" | grep -q -- "-> 198.18.0.1[123]:80"
}
wait_until 20 "the sorry server alone" sorry_only
check "all down: sorry server alone in the table" sorry_only
ipvsadm -Ln
check "quorum lost logged" grep -q "$VIP:80: quorum lost" "$LOG"
N=30
run_requests "http://$VIP/"
assert_eq "sorry: no request failed" 0 "$bad"
assert_eq "sorry: all to the sorry server" "$N" "$ns"

# They come back: the sorry server gives the traffic back.
for i in 1 2 3; do start_httpd "rs$i"; done
back() {
	o=$(ipvsadm -Ln -t "$VIP:80")
	! echo "$o" | grep -q -- "-> 198.18.0.20:80" &&
	    [ "$(echo "$o" | grep -c -- '-> 198.18.0.1[123]:80 *Route *1 ')" = 3 ]
}
wait_until 20 "the real servers back" back
check "back: real servers in, sorry server out" back
ipvsadm -Ln
check "quorum regained logged" grep -q "$VIP:80: quorum regained" "$LOG"
N=60
run_requests "http://$VIP/"
assert_eq "back: no request failed" 0 "$bad"
assert_eq "back: none to the sorry server" 0 "$ns"
near "back: rs1 a third" "$n1" $((N / 3))
check "no netlink errors logged" sh -c "! grep -q 'failed: ' $LOG"

kill "$HAD_PID" 2>/dev/null
echo "--- had log"
grep -E "lvs|ipvs|real server|sorry|quorum|FWM" "$LOG" | head -50
finish
