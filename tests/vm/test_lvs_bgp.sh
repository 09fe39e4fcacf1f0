#!/bin/sh
# tests/vm: active-active with BGP and ECMP through FRR (had.conf(5)
# ACTIVE-ACTIVE WITH BGP).  Two directors run had (announce, mh, DR) and
# FRR with the shipped etc/frr/director.conf; a router runs FRR with
# etc/frr/router.conf (multipath, BFD); three real servers; a client.
#
#   brc: client cl 198.18.1.10 -- router rt 198.18.1.1
#   br0: rt 198.18.0.1, directors d1 198.18.0.11, d2 198.18.0.12,
#        real servers rs1..rs3 198.18.0.21-23; VIP 198.18.9.1 on lo of
#        every real server (DR: arp_ignore), local by a route of type
#        local on the directors (had.conf(5) ACTIVE-ACTIVE WITH BGP)
#
# d1 checks the real servers on port 8001, d2 on 8002 (one httpd each on
# every real server), so that a check can fail on one director only.
# Asserts: the router has two next hops for the VIP; flows with different
# source ports reach both directors (IPVS counters of each > 0); a check
# failing on d1 only keeps d1 announcing (quorum holds); quorum lost on d1
# withdraws its route, back announces it again; an orderly stop of d1's
# had withdraws its route while had still runs (before anything is taken
# down) and client requests keep working; a director killed (SIGKILL of
# had and FRR) leaves the router within the BFD detection time, and the
# client's requests go on through d2 (mh + sloppy_tcp).
# Needs FRR in the image: run-lvs.sh adds it for a test with this line:
# vm-needs: frr
set -u
. /vm/lib.sh

BUILD=${HAD_BUILD:-/opt/build}
FRRCONF=/opt/frr
VIP=198.18.9.1
SVC="$VIP:80"

check "had is in $BUILD" test -x "$BUILD/had"
for b in zebra bgpd bfdd; do
	if ! [ -x /usr/bin/$b ]; then
		echo "SKIP vm-lvs-bgp: no FRR $b in the image"
		exit 77
	fi
done
# FRR drops to user frr, whose vty group must exist.  Its daemons are
# called by path: had's own bfdd is in $BUILD, on PATH first.
grep -q '^frr:' /etc/passwd ||
    echo 'frr:x:103:108::/nonexistent:/bin/false' >> /etc/passwd
grep -q '^frr:' /etc/group || echo 'frr:x:108:' >> /etc/group
grep -q '^frrvty:' /etc/group || echo 'frrvty:x:107:frr' >> /etc/group

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
	for p in 8001 8002; do
		lab_bg "chk$p-$n" $n httpd -f -p $p -h "/tmp/www-$n"
		eval "CHK_${p}_$i=\$!"
	done
done

# A director: namespace, VIP on lo, FRR, had.
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
had_conf() {	# ns checkport
	cat > "/tmp/had-$1.conf" <<EOF
global_defs { router_id vm-bgp-$1 }
virtual_server $VIP 80 {
	delay_loop 1
	lb_algo mh
	mh-port
	lb_kind DR
	protocol TCP
	announce table 201
$(for i in 1 2 3; do
	printf '\treal_server 198.18.0.2%s 80 {\n\t\tweight 1\n' $i
	printf '\t\tTCP_CHECK {\n\t\t\tconnect_port %s\n' "$2"
	printf '\t\t\tconnect_timeout 1\n\t\t\tretry 0\n\t\t}\n\t}\n'
done)
}
EOF
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
frr_start rt "$FRRCONF/router.conf" || fail "FRR in rt" "did not start"
director d1 198.18.0.11 8001
director d2 198.18.0.12 8002

# The router's next hops for the VIP, as "198.18.0.11 198.18.0.12".
hops() {
	in_ns rt ip route show "$VIP" | grep -o 'via 198\.18\.0\.1[12]' |
	    awk '{print $2}' | sort | tr '\n' ' ' | sed 's/ $//'
}
hops_are() { [ "$(hops)" = "$1" ]; }
BOTH="198.18.0.11 198.18.0.12"
wait_until 60 "both directors announced" hops_are "$BOTH"
assert_eq "router: ECMP over both directors" "$BOTH" "$(hops)"
in_ns rt ip route show "$VIP"
in_ns d1 ip route show table 201
if ! hops_are "$BOTH"; then
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
	finish
fi

# Many flows: one TCP connection (one source port) per request.
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
conns() {	# ns: connections IPVS scheduled for the VIP
	in_ns "$1" ipvsadm -Ln --stats 2>/dev/null |
	    awk -v s="$SVC" '$1 == "TCP" && $2 == s { print $3; exit }'
}
r=$(flows 60)
echo "60 requests: ok/failed $r"
assert_eq "60 flows, none failed" "60 0" "$r"
c1=$(conns d1) c2=$(conns d2)
echo "IPVS connections: d1 ${c1:-?} d2 ${c2:-?}"
assert_ge "d1 carried flows (ECMP)" "${c1:-0}" 1
assert_ge "d2 carried flows (ECMP)" "${c2:-0}" 1

# A check fails on d1 only (rs3's port 8001): quorum holds, d1 stays.
kill "$CHK_8001_3"
wait_until 15 "d1 sees rs3 down" grep -q "198.18.0.23:80 is down" \
    /tmp/lab-had-d1.log
check "d1 saw rs3 down" grep -q "198.18.0.23:80 is down" /tmp/lab-had-d1.log
check "d2 did not" sh -c '! grep -q "198.18.0.23:80 is down" /tmp/lab-had-d2.log'
sleep 2
assert_eq "one check down on d1: both still announce" "$BOTH" "$(hops)"

# Quorum lost on d1: its route goes; back: announced again.
kill "$CHK_8001_1" "$CHK_8001_2"
wait_until 20 "d1 withdrawn" hops_are 198.18.0.12
assert_eq "quorum lost on d1: only d2 announces" 198.18.0.12 "$(hops)"
check "d1 logs the quorum loss" grep -q "quorum lost" /tmp/lab-had-d1.log
for i in 1 2 3; do
	lab_bg "chk8001b-rs$i" rs$i httpd -f -p 8001 -h "/tmp/www-rs$i"
done
wait_until 20 "d1 announced again" hops_are "$BOTH"
assert_eq "quorum back on d1: both announce" "$BOTH" "$(hops)"

# Client requests in the background while something happens to d1.
flows_start() {	# file
	flows 40 > "$1" &
	fpid=$!
	sleep 1
	t0=$(_lab_now_cs)
}
flows_end() {	# file what max-failed
	wait "$fpid"
	r=$(cat "$1")
	echo "40 requests through the $2: ok/failed $r"
	assert_le "$2: at most $3 request(s) of 40 failed" "${r#* }" "$3"
}

# Orderly stop of d1: the route leaves the router while had still runs.
flows_start /tmp/flows-stop.txt
kill "$HAD_d1"
gone_cs= alive_at_withdraw=no
i=0
while [ $i -lt 100 ]; do
	if hops_are 198.18.0.12; then
		gone_cs=$(( $(_lab_now_cs) - t0 ))
		kill -0 "$HAD_d1" 2>/dev/null && alive_at_withdraw=yes
		break
	fi
	sleep 0.05
	i=$((i + 1))
done
wait_until 10 "d1's had gone" sh -c "! kill -0 $HAD_d1 2>/dev/null"
echo "orderly stop: route gone from the router after ${gone_cs:-?}0 ms"
check "orderly stop: d1's route leaves the router" test -n "$gone_cs"
assert_eq "orderly stop: withdrawn before had is down" yes "$alive_at_withdraw"
check "orderly stop: IPVS service still in d1 (had never removes it)" \
    sh -c "ip netns exec d1 ipvsadm -Ln | grep -q '$SVC'"
flows_end /tmp/flows-stop.txt "orderly stop" 1

# Back, then the whole director killed: BFD takes its route away.
had_start d1
wait_until 30 "d1 announced again" hops_are "$BOTH"
assert_eq "d1 back: both announce" "$BOTH" "$(hops)"
flows_start /tmp/flows-kill.txt
kill -9 "$HAD_d1" $(cat /tmp/frr-d1/*.pid) 2>/dev/null
wait_until 10 "d1 gone from the router" hops_are 198.18.0.12
ms=$(( ($(_lab_now_cs) - t0) * 10 ))
echo "director killed: route gone from the router after $ms ms"
assert_le "killed: route gone within 3 s (BFD 300 ms + TCG)" "$ms" 3000
flows_end /tmp/flows-kill.txt "director kill" 2
finish
