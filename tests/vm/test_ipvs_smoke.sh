#!/bin/sh
# tests/vm smoke test: real IPVS in the guest kernel. A client namespace
# reaches a VIP on the director (the guest's root namespace), which NATs to
# two real servers (busybox httpd in namespaces) with the rr scheduler.
#
#   cl (198.18.0.2) --brc-- director 198.18.0.1, VIP 198.18.0.100
#                                    198.18.1.1 --brs-- rs1 198.18.1.11
#                                                       rs2 198.18.1.12
set -u
. /vm/lib.sh

VIP=198.18.0.100
N=20

check "modprobe ip_vs" modprobe ip_vs
check "ip_vs is loaded" test -e /proc/net/ip_vs
check "ip_vs_rr is loaded" grep -q '^ip_vs_rr ' /proc/modules

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
	lab_bg "httpd-rs$i" "rs$i" httpd -f -p "198.18.1.1$i:80" -h "/tmp/www-rs$i"
done

wait_tcp - 198.18.1.11 80 10 && wait_tcp - 198.18.1.12 80 10
check "rs1 answers directly" http_get - http://198.18.1.11/ 5
check "rs2 answers directly" http_get - http://198.18.1.12/ 5

check "ipvsadm add service" ipvsadm -A -t "$VIP:80" -s rr
check "ipvsadm add rs1" ipvsadm -a -t "$VIP:80" -r 198.18.1.11:80 -m -w 1
check "ipvsadm add rs2" ipvsadm -a -t "$VIP:80" -r 198.18.1.12:80 -m -w 1

n1=0 n2=0 bad=0 i=0
while [ "$i" -lt "$N" ]; do
	i=$((i + 1))
	body=$(http_get cl "http://$VIP/" 5 2>&1) || true
	case $body in
	"served-by rs1") n1=$((n1 + 1)) ;;
	"served-by rs2") n2=$((n2 + 1)) ;;
	*) bad=$((bad + 1)); echo "request $i: unexpected answer: $body" ;;
	esac
done
echo "rs1=$n1 rs2=$n2 failed=$bad of $N"
assert_eq "all $N requests answered through the VIP" "$N" "$((n1 + n2))"
assert_ge "rs1 got at least 40%" "$n1" $((N * 4 / 10))
assert_ge "rs2 got at least 40%" "$n2" $((N * 4 / 10))

out=$(ipvsadm -Ln)
echo "$out"
assert_contains "ipvsadm -Ln shows the service" "$out" "TCP  $VIP:80 rr"
assert_contains "ipvsadm -Ln shows rs1 masq" "$out" "198.18.1.11:80"
assert_contains "ipvsadm -Ln shows rs2 masq" "$out" "198.18.1.12:80"
# The kernel folds per-CPU counters into what ipvsadm shows every 2 s.
vip_conns() { ipvsadm -Ln --stats | awk -v v="$VIP:80" '$2 == v { print $3 }'; }
conns_are() { [ "$(vip_conns)" = "$1" ]; }
wait_until 6 "IPVS stats to show $N connections" conns_are "$N" || true
ipvsadm -Ln --stats
assert_eq "IPVS counted $N connections" "$N" "$(vip_conns)"

check "ipvsadm delete service" ipvsadm -D -t "$VIP:80"
finish
