# shellcheck shell=bash
# The demo's lab (tests/vm/pair), sourced after /vm/lib.sh by
# tests/vm/demo.sh and tests/vm/failover.sh: two directors, three web
# servers behind a direct-routing virtual server, a client, each in its
# own network namespace on one bridge:
#
#   client 198.18.0.50 --+-- lb1 198.18.0.1   VIP 198.18.0.100 (VRRP)
#                        +-- lb2 198.18.0.2
#                        +-- web1..web3 198.18.0.11-13 (VIP on lo)
VIP=198.18.0.100

start_web() {
	lab_bg "web$1" "web$1" httpd -f -p 80 -h "/tmp/www-web$1"
	eval "WEB_$1=\$!"
}

# pair_lab: builds it and starts the web servers; 1 if one is not up.
pair_lab() {
	local n
	lab_bridge lan
	lab_ns client
	lab_attach client eth0 lan 198.18.0.50/24
	for n in 1 2; do
		lab_ns "lb$n"
		lab_attach "lb$n" eth0 lan "198.18.0.$n/24"
	done
	for n in 1 2 3; do
		lab_ns "web$n"
		# Direct routing: the VIP on lo, no ARP answers for it.
		in_ns "web$n" sh -c 'for i in all default; do
			echo 1 > /proc/sys/net/ipv4/conf/$i/arp_ignore
			echo 2 > /proc/sys/net/ipv4/conf/$i/arp_announce; done'
		lab_attach "web$n" eth0 lan "198.18.0.1$n/24"
		lab_addr "web$n" lo "$VIP/32"
		mkdir -p "/tmp/www-web$n"
		echo "web$n" > "/tmp/www-web$n/index.html"
		start_web "$n"
	done
	for n in 1 2 3; do
		wait_tcp client "198.18.0.1$n" 80 10 || return 1
	done
}

# The client in the background: pair_client INTERVAL MAX MAXMS; its
# output in /tmp/lab-client.log, its pid in CLIENT, the number of
# requests it sent so far from pair_sent.
pair_client() {
	rm -f /tmp/demo-stop /tmp/client.n
	lab_bg client client bash "$PAIR_DIR/client.sh" "$VIP" "$@" \
	    /tmp/demo-stop /tmp/client.n
	CLIENT=$!
}
pair_sent() { cat /tmp/client.n 2>/dev/null || echo 0; }
# pair_client_end: stops it; RESULT's fields in C_SENT C_OK C_FAILED
# C_GAP C_MS C_BY; 1 if it gave none.
pair_client_end() {
	local res
	touch /tmp/demo-stop
	wait_until 25 "the client to finish" sh -c "! kill -0 $CLIENT"
	res=$(grep '^RESULT' /tmp/lab-client.log)
	[ -n "$res" ] || return 1
	read -r _ C_SENT C_OK C_FAILED C_GAP C_MS C_BY <<<"$res"
}
PAIR_DIR=${PAIR_DIR:-/opt/pair}
