#!/bin/sh
# Self-test of tests/vm/lib.sh inside the guest: point-to-point and bridged
# labs over IPv4 and IPv6, the address policy, bounded waits.
#   tests/vm/run.sh tests/vm/test_lib.sh
set -u
. /vm/lib.sh

lab_ns a
lab_ns b
lab_p2p a eth0 198.18.5.1/30 b eth0 198.18.5.2/30
lab_addr a eth0 2001:db8:5::1/64
lab_addr b eth0 2001:db8:5::2/64
check "p2p ipv4 ping" in_ns a ping -c 1 -W 2 198.18.5.2
check "p2p ipv6 ping" in_ns a ping6 -c 1 -W 2 2001:db8:5::2

lab_bridge br0 198.18.6.1/24 2001:db8:6::1/64
lab_ns c
lab_attach c eth0 br0 198.18.6.2/24 2001:db8:6::2/64
lab_route c default 198.18.6.1
check "bridged ipv4 ping from root" ping -c 1 -W 2 198.18.6.2
check "bridged ipv6 ping from root" ping6 -c 1 -W 2 2001:db8:6::2

mkdir -p /tmp/www && echo lib-ok > /tmp/www/index.html
lab_bg web c httpd -f -p 80 -h /tmp/www
if wait_tcp - 2001:db8:6::2 80 10; then pass "wait_tcp ipv6"; else fail "wait_tcp ipv6" "no listener"; fi
assert_eq "http over ipv6" lib-ok "$(http_get - 'http://[2001:db8:6::2]/' 5)"

# Refused addresses: lab_die exits, so try in a subshell.
if (lab_addr c eth0 10.1.2.3/24) 2>/dev/null; then
	fail "address policy" "10.1.2.3 was accepted"
else
	pass "address policy refuses 10.1.2.3"
fi

t0=$(_lab_now_cs)
if wait_until 1 "false" false; then fail "wait_until bounded" "false succeeded"; fi
dt=$(( $(_lab_now_cs) - t0 ))
assert_le "wait_until 1 s gives up within 2 s" "$dt" 200

lab_cleanup
assert_eq "cleanup removed namespaces" "" "$(ip netns list)"
finish
