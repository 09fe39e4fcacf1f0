#!/bin/sh
# tests/vm: lvsd programs real IPVS.  had runs from /opt/build with a
# NAT virtual server; a client namespace sends real HTTP requests through
# the VIP to busybox httpd real servers.
#
#   cl (198.18.0.2) --brc-- director 198.18.0.1, VIP 198.18.0.100
#                                    198.18.1.1 --brs-- rs1 198.18.1.11
#                                                       rs2 198.18.1.12
#                                                       rs3 198.18.1.13
# Checks: ipvsadm -Ln matches the config; rr splits 300 requests evenly;
# a reload adding one real server makes exactly one write; an unchanged
# reload makes none; wrr follows the weights; a change made with ipvsadm
# behind our back is repaired by the periodic reconcile; a service that
# is not ours is never touched.
set -u
. /vm/lib.sh

VIP=198.18.0.100
N=300
BUILD=${HAD_BUILD:-/opt/build}
CONF=/tmp/had.conf
LOG=/tmp/lab-had.log

check "had is in $BUILD" test -x "$BUILD/had"
check "lvsd is in $BUILD" test -x "$BUILD/lvsd"
modprobe ip_vs 2>/dev/null

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
	lab_bg "httpd-rs$i" "rs$i" httpd -f -p "198.18.1.1$i:80" \
	    -h "/tmp/www-rs$i"
done
for i in 1 2 3; do
	wait_tcp - "198.18.1.1$i" 80 10 || fail "rs$i httpd" "not listening"
done

# A service that is not ours: it must come through untouched.
ipvsadm -A -t 198.18.0.200:80 -s lc
ipvsadm -a -t 198.18.0.200:80 -r 198.18.1.11:80 -m -w 7
foreign_before=$(ipvsadm -Ln -t 198.18.0.200:80)

# conf SCHED W1 W2 [W3]: the virtual server with two or three servers.
conf() {
	{
		echo "global_defs { router_id vm-lvs }"
		echo "virtual_server $VIP 80 {"
		echo "  lb_algo $1"
		echo "  lb_kind NAT"
		echo "  protocol TCP"
		echo "  real_server 198.18.1.11 80 { weight $2 }"
		echo "  real_server 198.18.1.12 80 { weight $3 }"
		[ $# -ge 4 ] && echo "  real_server 198.18.1.13 80 { weight $4 }"
		echo "}"
	} > "$CONF"
}

# Writes lvsd logged so far (one line per netlink write).
writes() {
	grep -cE "$VIP:80: (added|changed|removed) " "$LOG" 2>/dev/null ||
	    true
}
rs_count() {
	ipvsadm -Ln -t "$VIP:80" 2>/dev/null | grep -c -- '-> 198.18.1.1'
}
rs_count_is() { [ "$(rs_count)" = "$1" ]; }
lines_are() { [ "$(writes)" = "$1" ]; }

# run_requests: N requests from cl; sets n1 n2 n3 bad.
run_requests() {
	n1=0 n2=0 n3=0 bad=0 i=0
	while [ "$i" -lt "$N" ]; do
		i=$((i + 1))
		body=$(http_get cl "http://$VIP/" 5 2>&1) || true
		case $body in
		"served-by rs1") n1=$((n1 + 1)) ;;
		"served-by rs2") n2=$((n2 + 1)) ;;
		"served-by rs3") n3=$((n3 + 1)) ;;
		*) bad=$((bad + 1)); echo "request $i: $body" ;;
		esac
	done
	echo "requests: rs1=$n1 rs2=$n2 rs3=$n3 failed=$bad of $N"
}

# near NAME GOT WANT: within 5% of N.
near() {
	tol=$((N / 20))
	if [ "$2" -ge $(($3 - tol)) ] && [ "$2" -le $(($3 + tol)) ]; then
		pass "$1 ($2, want $3)"
	else
		fail "$1" "$2, want $3 +- $tol"
	fi
}

reload() {
	kill -HUP "$HAD_PID"
}

mkdir -p /run/had
conf rr 1 1
lab_bg had - "$BUILD/had" -d -f "$CONF" -X "$BUILD" -p /run/had/had.pid \
    -s /run/had/had.sock
HAD_PID=$!
wait_until 30 "lvsd to program two real servers" rs_count_is 2 ||
    { cat "$LOG"; }
out=$(ipvsadm -Ln)
echo "$out"
assert_contains "ipvsadm -Ln: the service, rr" "$out" "TCP  $VIP:80 rr"
has_rs() { echo "$out" | grep -Eq -- "$1"; }
check "ipvsadm -Ln: rs1 Masq 1" has_rs '-> 198.18.1.11:80 +Masq +1 '
check "ipvsadm -Ln: rs2 Masq 1" has_rs '-> 198.18.1.12:80 +Masq +1 '
wait_until 5 "3 writes logged" lines_are 3 || true
assert_eq "start: 3 writes (service + 2 real servers)" 3 "$(writes)"

run_requests
assert_eq "rr: no request failed" 0 "$bad"
near "rr: rs1 half" "$n1" $((N / 2))
near "rr: rs2 half" "$n2" $((N / 2))

# The kernel's connection counter of a real server (ipvsadm --stats;
# the kernel folds its per-CPU counters into it every 2 s).
conns_of() {
	ipvsadm -Ln --stats -t "$VIP:80" | awk -v rs="$1" '$2 == rs { print $3 }'
}

# An unchanged reload writes nothing, and the counters stay.
w0=$(writes)
sleep 3
c1=$(conns_of 198.18.1.11:80)
check "rs1's kernel counter counted the requests ($c1)" [ "${c1:-0}" -gt 0 ]
reload
sleep 3
assert_eq "unchanged reload: 0 writes" "$w0" "$(writes)"
assert_eq "unchanged reload: rs1's kernel counters kept (conns)" "$c1" \
    "$(conns_of 198.18.1.11:80)"

# One more real server: exactly one write.
conf rr 1 1 1
reload
wait_until 15 "rs3 in the kernel" rs_count_is 3 || true
sleep 1
assert_eq "reload adding one real server: 1 write" $((w0 + 1)) "$(writes)"
assert_eq "reload adding one real server: rs1's counters kept (conns)" \
    "$c1" "$(conns_of 198.18.1.11:80)"
run_requests
assert_eq "rr over 3: no request failed" 0 "$bad"
near "rr: rs1 a third" "$n1" $((N / 3))
near "rr: rs2 a third" "$n2" $((N / 3))
near "rr: rs3 a third" "$n3" $((N / 3))

# wrr 1:2:3: the scheduler and two weights change, three writes.
w0=$(writes)
conf wrr 1 2 3
reload
wait_until 15 "wrr in the kernel" sh -c \
    "ipvsadm -Ln -t $VIP:80 | grep -q '$VIP:80 wrr'" || true
sleep 1
assert_eq "reload to wrr 1:2:3: 3 writes" $((w0 + 3)) "$(writes)"
ipvsadm -Ln -t "$VIP:80"
run_requests
assert_eq "wrr: no request failed" 0 "$bad"
near "wrr: rs1 1/6" "$n1" $((N / 6))
near "wrr: rs2 2/6" "$n2" $((N * 2 / 6))
near "wrr: rs3 3/6" "$n3" $((N * 3 / 6))

# Behind our back: one real server deleted, one reweighted, one added.
ipvsadm -d -t "$VIP:80" -r 198.18.1.12:80
ipvsadm -e -t "$VIP:80" -r 198.18.1.13:80 -m -w 9
ipvsadm -a -t "$VIP:80" -r 198.18.1.99:80 -m -w 1
repaired() {
	o=$(ipvsadm -Ln -t "$VIP:80")
	case $o in *198.18.1.99*) return 1 ;; esac
	echo "$o" | grep -q -- "-> 198.18.1.12:80 .* 2 " &&
	    echo "$o" | grep -q -- "-> 198.18.1.13:80 .* 3 "
}
wait_until 45 "the periodic reconcile to repair" repaired
check "kernel repaired" repaired
ipvsadm -Ln -t "$VIP:80"
check "repair logged" grep -q "changed outside had" "$LOG"

# kill -9 lvsd while requests flow: had respawns it, the table is
# unchanged and the new lvsd writes nothing.
table() { ipvsadm -Ln | awk '{ print $1, $2, $3, $4 }'; }
before=$(table)
w0=$(writes)
gens() { grep -c "lvsd: configuration generation" "$LOG"; }
g0=$(gens)
respawned() { [ "$(gens)" -gt "$g0" ]; }
kill -9 "$(pidof lvsd)"
N=100
run_requests
N=300
assert_eq "kill -9 lvsd: no request failed" 0 "$bad"
wait_until 30 "had to respawn lvsd" respawned
check "lvsd respawned" respawned
sleep 2
assert_eq "respawned lvsd: 0 writes" "$w0" "$(writes)"
assert_eq "respawned lvsd: table unchanged" "$before" "$(table)"

foreign_after=$(ipvsadm -Ln -t 198.18.0.200:80)
assert_eq "foreign service untouched" "$foreign_before" "$foreign_after"
check "no netlink errors logged" sh -c "! grep -q 'failed: ' $LOG"

kill "$HAD_PID" 2>/dev/null
echo "--- had log"
grep -E "lvs|ipvs|IPVS|$VIP" "$LOG" | head -60
finish
