# tests/vm/bgp/lab.sh: the active-active lab of had.conf(5) ACTIVE-ACTIVE
# WITH BGP, shared by tests/vm/test_lvs_bgp.sh and the benchmark
# (tests/vm/bgp/bench.sh).  Sourced after /vm/lib.sh; bgp_lab builds:
#
#   brc: client cl 198.18.1.10 -- router rt 198.18.1.1
#   br0: rt 198.18.0.1, directors d1 198.18.0.11, d2 198.18.0.12,
#        real servers rs1..rs3 198.18.0.21-23; VIP 198.18.9.1 on lo of
#        every real server (DR: arp_ignore), local by a route of type
#        local on the directors (had.conf(5) ACTIVE-ACTIVE WITH BGP)
#
# Every real server runs httpd on 80 (the test's requests), on 8001 and
# 8002 (d1 checks the real servers on 8001, d2 on 8002, so that a check
# can fail on one director only) and an echo service on 7 (the long
# flows of lflows.sh).  The directors' virtual servers $VIP 80 and $VIP
# 7 are announced (table 201), lb_algo $BGP_ALGO (mh), DR, and with
# BGP_SYNC=1 (the default) both run `lvs_sync_daemon eth0 active_active'.
BUILD=${HAD_BUILD:-/opt/build}
FRRCONF=/opt/frr
VIP=198.18.9.1
SVC="$VIP:80"
BOTH="198.18.0.11 198.18.0.12"
: "${BGP_ALGO:=mh}" "${BGP_SYNC:=1}"

bgp_need_frr() {	# name
	for b in zebra bgpd bfdd; do
		if ! [ -x /usr/bin/$b ]; then
			echo "SKIP $1: no FRR $b in the image"
			exit 77
		fi
	done
	# FRR drops to user frr, whose vty group must exist.  Its daemons
	# are called by path: had's own bfdd is in $BUILD, on PATH first.
	grep -q '^frr:' /etc/passwd ||
	    echo 'frr:x:103:108::/nonexistent:/bin/false' >> /etc/passwd
	grep -q '^frr:' /etc/group || echo 'frr:x:108:' >> /etc/group
	grep -q '^frrvty:' /etc/group || echo 'frrvty:x:107:frr' >> /etc/group
}

frr_start() {	# ns conf
	d=/tmp/frr-$1
	mkdir -p "$d"
	cp "$2" "$d/frr.conf"
	chown -R 103:108 "$d"
	for dm in zebra bfdd bgpd; do
		extra=
		[ $dm = bfdd ] && extra="--bfdctl $d/bfdd.sock"
		# shellcheck disable=SC2086
		in_ns "$1" /usr/bin/$dm -d -f "$d/frr.conf" -i "$d/$dm.pid" \
		    -z "$d/zserv.api" --vty_socket "$d" -u frr -g frr $extra \
		    --log "file:$d/$dm.file.log" \
		    >> "$d/$dm.log" 2>&1 || { cat "$d/$dm.log"; return 1; }
		wait_until 5 "$dm pid in $1" test -s "$d/$dm.pid" || return 1
		LAB_PIDS="$LAB_PIDS $(cat "$d/$dm.pid")"
	done
}

# A virtual server of the lab: port, check port.
bgp_vs() {
	printf 'virtual_server %s %s {\n\tdelay_loop 1\n' "$VIP" "$1"
	printf '\tlb_algo %s\n' "$BGP_ALGO"
	[ "$BGP_ALGO" = mh ] && printf '\tmh-port\n'
	printf '\tlb_kind DR\n\tprotocol TCP\n\tannounce table 201\n'
	for i in 1 2 3; do
		printf '\treal_server 198.18.0.2%s %s {\n\t\tweight 1\n' $i "$1"
		printf '\t\tTCP_CHECK {\n\t\t\tconnect_port %s\n' "$2"
		printf '\t\t\tconnect_timeout 1\n\t\t\tretry 0\n\t\t}\n\t}\n'
	done
	printf '}\n'
}
had_conf() {	# ns checkport
	{
		printf 'global_defs {\n\trouter_id vm-bgp-%s\n' "$1"
		[ "$BGP_SYNC" = 1 ] &&
		    printf '\tlvs_sync_daemon eth0 active_active\n'
		printf '}\n'
		bgp_vs 80 "$2"
		bgp_vs 7 "$2"
	} > "/tmp/had-$1.conf"
}
had_start() {	# ns
	mkdir -p "/run/had-$1"
	lab_bg "had-$1" "$1" "$BUILD/had" -d -f "/tmp/had-$1.conf" -X "$BUILD" \
	    -p "/run/had-$1/had.pid" -s "/run/had-$1/had.sock"
	eval "HAD_$1=\$!"
}
director() {	# ns addr checkport
	lab_ns "$1"
	lab_attach "$1" eth0 br0 "$2/24"
	# Local by a route, not an address: zebra would prefer the connected
	# route of an address to the imported one and announce nothing.
	in_ns "$1" ip route add local "$VIP/32" dev lo table local
	in_ns "$1" sh -c 'echo 1 > /proc/sys/net/ipv4/vs/sloppy_tcp' 2>/dev/null ||
	    echo "note: no net.ipv4.vs.sloppy_tcp in $1"
	sed -e "s/198.18.0.11/$2/" -e "s/director1/$1/" \
	    "$FRRCONF/director.conf" > "/tmp/frr-$1.conf"
	frr_start "$1" "/tmp/frr-$1.conf" || fail "FRR in $1" "did not start"
	had_conf "$1" "$3"
	had_start "$1"
}

bgp_lab() {
	lab_bridge brc
	lab_bridge br0
	lab_ns rt
	lab_attach rt eth0 br0 198.18.0.1/24
	lab_attach rt eth1 brc 198.18.1.1/24
	lab_forward rt
	in_ns rt sysctl -qw net.ipv4.fib_multipath_hash_policy=1
	lab_ns cl
	lab_attach cl eth0 brc 198.18.1.10/24
	lab_route cl default 198.18.1.1
	# A connect that fails gives up within seconds (lflows.sh).
	in_ns cl sysctl -qw net.ipv4.tcp_syn_retries=2

	for i in 1 2 3; do
		n=rs$i
		lab_ns $n
		in_ns $n sh -c 'for i in all default; do
			echo 1 > /proc/sys/net/ipv4/conf/$i/arp_ignore
			echo 2 > /proc/sys/net/ipv4/conf/$i/arp_announce; done'
		lab_attach $n eth0 br0 "198.18.0.2$i/24"
		in_ns $n sh -c 'echo 1 > /proc/sys/net/ipv4/conf/eth0/arp_ignore
			echo 2 > /proc/sys/net/ipv4/conf/eth0/arp_announce'
		lab_addr $n lo "$VIP/32"
		lab_route $n default 198.18.0.1
		mkdir -p "/tmp/www-$n"
		echo "served-by $n" > "/tmp/www-$n/index.html"
		lab_bg "web-$n" $n httpd -f -p 80 -h "/tmp/www-$n"
		lab_bg "echo-$n" $n nc -ll -p 7 -e cat
		for p in 8001 8002; do
			lab_bg "chk$p-$n" $n httpd -f -p $p -h "/tmp/www-$n"
			eval "CHK_${p}_$i=\$!"
		done
	done
	frr_start rt "$FRRCONF/router.conf" || fail "FRR in rt" "did not start"
	director d1 198.18.0.11 8001
	director d2 198.18.0.12 8002
}

# The router's next hops for the VIP, as "198.18.0.11 198.18.0.12".
hops() {
	in_ns rt ip route show "$VIP" | grep -o 'via 198\.18\.0\.1[12]' |
	    awk '{print $2}' | sort | tr '\n' ' ' | sed 's/ $//'
}
hops_are() { [ "$(hops)" = "$1" ]; }

# Logs of every node, when the lab did not come up.
bgp_debug() {
	for n in d1 d2; do
		echo "--- $n: ipvsadm, table 201, had log, bgpd log"
		in_ns $n ipvsadm -Ln
		in_ns $n ip route show table all proto 245
		tail -n 30 /tmp/lab-had-$n.log
		tail -n 5 /tmp/frr-$n/bgpd.log /tmp/frr-$n/zebra.log
	done
	echo "--- rt"
	in_ns rt ss -tan
	in_ns rt ip route
	ps | grep -E 'zebra|bgpd|bfdd' | grep -v grep
	for n in rt d1; do
		tail -n 25 /tmp/frr-$n/bgpd.file.log /tmp/frr-$n/zebra.file.log
	done
}

# Many short flows: one TCP connection (one source port) per request.
flows() {	# count -> prints "ok failed"
	_ok=0 _bad=0 _i=0
	while [ $_i -lt "$1" ]; do
		if http_get cl "http://$VIP/" 3 | grep -q served-by; then
			_ok=$((_ok + 1))
		else
			_bad=$((_bad + 1))
		fi
		_i=$((_i + 1))
	done
	echo "$_ok $_bad"
}
conns() {	# ns [port]: connections IPVS scheduled for the VIP
	in_ns "$1" ipvsadm -Ln --stats 2>/dev/null |
	    awk -v s="$VIP:${2:-80}" '$1 == "TCP" && $2 == s { print $3; exit }'
}
# Established entries of a director for the echo service (synced ones
# too): the long flows open now.
entries() {	# ns
	in_ns "$1" ipvsadm -Lnc 2>/dev/null | grep ESTABLISHED |
	    grep -c " $VIP:7 " || true
}

# Long flows (lflows.sh) in the background: lflows_start N SECS, then
# lflows_end sets LFLOWS to "open O broken B" (not in a subshell: it
# waits for its child).
lflows_start() {
	rm -f /tmp/lflows.stop /tmp/lflows.out
	in_ns cl bash /opt/bgp/lflows.sh "$VIP" 7 "$1" /tmp/lflows.stop "$2" \
	    > /tmp/lflows.out 2> /tmp/lflows.err &
	LFLOWS_PID=$!
	wait_until 20 "$1 long flows open" grep -q "^opened" /tmp/lflows.err
}
lflows_end() {
	touch /tmp/lflows.stop
	wait "$LFLOWS_PID"
	LFLOWS=$(cat /tmp/lflows.out)
}
