#!/bin/bash
# BFD (bfdd) against FRR's bfdd as the peer, in a namespace lab.
#
# Node a runs had with two BFD sessions to node f (FRR's bfdd, standalone,
# no zebra): IPv4 with asymmetric timers, to see both sides negotiate
# them, and IPv6.  a's VRRP instance tracks the IPv4 session (track_bfd,
# weight 0); node b runs had as the VRRP backup.  Dropping FRR's packets
# to a (nftables in f) takes the session down within the detection time
# plus a margin (the figure is printed), a goes FAULT and the VIP moves
# to b; when FRR's packets flow again the session and a come back.
# Malformed packets from f (scapy): wrong version, bad length, TTL 254,
# an unknown Your Discriminator: each dropped and counted by reason in
# `hactl show bfd -j', the session undisturbed.
# A real server follows the IPv4 session (BFD_CHECK): lvsd takes it out
# when the session goes Down and back when it is Up (`show lvs -j'
# want_weight: what lvsd decides, with or without IPVS in the kernel).
# keepalived (node k, Debian's 2.2.7 is built with BFD) is a second peer:
# its bfd_instance and had's come Up both ways, and when keepalived stops
# had's session goes Down.
# Last, a's interface is deleted under its sessions: both go Down, had
# logs it, and no process of had dies.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
. tests/lab.sh
need_root
T_NAME=bfd

FRR_BFDD=/usr/lib/frr/bfdd
for c in "$FRR_BFDD" vtysh nft python3; do
	if ! command -v "$c" >/dev/null 2>&1; then
		skip "$c not installed (scripts/setup-deps.sh installs frr and nftables)"
		summary
		exit 0
	fi
done
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
if ! $PY -c 'import scapy.all' 2>/dev/null; then
	skip "python3-scapy not installed"
	summary
	exit 0
fi
# Margins: a plain build answers in milliseconds, ASan's is slower.
case "$BUILD" in
*san*) MARGIN=1000 ;;
*) MARGIN=250 ;;
esac
VIP=198.18.0.100

lab_init || { fail "lab_init"; summary; exit 1; }
lab_node a 198.18.0.1/24 2001:db8::1/64
lab_node b 198.18.0.2/24 2001:db8::2/64
lab_node f 198.18.0.3/24 2001:db8::3/64
lab_node k 198.18.0.4/24

# FRR: its own directory (owned by its user), config and vty socket.
FD=$LAB_DIR/frr
mkdir -p "$FD"
cat >"$FD/bfdd.conf" <<'CONF'
bfd
 peer 198.18.0.1 local-address 198.18.0.3
  receive-interval 60
  transmit-interval 40
  detect-multiplier 4
 !
 peer 2001:db8::1 local-address 2001:db8::3
  receive-interval 100
  transmit-interval 100
  detect-multiplier 3
 !
!
CONF
chown -R frr:frr "$FD" 2>/dev/null
frr_start() {
	lab_spawn f "$FRR_BFDD" -f "$FD/bfdd.conf" -i "$FD/bfdd.pid" \
	    -z "$FD/zserv.api" --vty_socket "$FD" -u frr -g frr \
	    --log "file:$FD/bfdd.log" >>"$FD/out.log" 2>&1
	FRR_PID=$LAB_SPAWNED
}
frr_json() { lab_exec f vtysh --vty_socket "$FD" -d bfdd -c "show bfd peers json" 2>/dev/null; }
frr_field() {	# peer field
	frr_json | python3 -c 'import json,sys
d = [p for p in json.load(sys.stdin) if p["peer"] == sys.argv[1]]
print(d[0][sys.argv[2]] if d else "")' "$1" "$2" 2>/dev/null
}

cat >"$LAB_DIR/a.conf" <<'CONF'
bfd_instance FRR4 {
	neighbor_ip 198.18.0.3
	source_ip 198.18.0.1
	min_rx 50
	min_tx 30
	multiplier 3
}
bfd_instance FRR6 {
	neighbour_ip 2001:db8::3
	min_rx 100
	min_tx 100
	multiplier 3
}
vrrp_instance VI_1 {
	interface eth0
	virtual_router_id 61
	priority 150
	advert_int 1
	virtual_ipaddress {
		198.18.0.100/24
	}
	track_bfd {
		FRR4
	}
}
CONF
KA=""
if command -v keepalived >/dev/null 2>&1 &&
    keepalived --version 2>&1 | grep -q '^Config options:.* BFD'; then
	KA=1
	cat >>"$LAB_DIR/a.conf" <<'CONF'
bfd_instance KA {
	neighbor_ip 198.18.0.4
	min_rx 100
	min_tx 100
	multiplier 3
}
CONF
fi
sed -e 's/priority 150/priority 100/' -e '/track_bfd {/,/^	}/d' \
    -e '/^bfd_instance/,/^}/d' "$LAB_DIR/a.conf" >"$LAB_DIR/b.conf"
cat >>"$LAB_DIR/a.conf" <<'CONF'
virtual_server 198.18.0.100 80 {
	delay_loop 30
	lb_algo wrr
	lb_kind DR
	protocol TCP
	real_server 198.18.0.3 80 {
		weight 5
		BFD_CHECK {
			name FRR4
		}
	}
}
CONF

bfd_field() {	# node session field
	lab_hactl "$1" show bfd -j 2>/dev/null | python3 -c 'import json,sys
d = [s for s in json.load(sys.stdin)["items"] if s.get("name") == sys.argv[1]]
print(d[0][sys.argv[2]] if d else "")' "$2" "$3" 2>/dev/null
}
bfd_drop() {	# node reason: from the totals row
	lab_hactl "$1" show bfd -j 2>/dev/null | python3 -c 'import json,sys
d = [s for s in json.load(sys.stdin)["items"] if s.get("totals")]
print(d[0]["drops"][sys.argv[1]] if d else "")' "$2" 2>/dev/null
}
bfd_is() { [ "$(bfd_field "$1" "$2" state)" = "$3" ]; }
rs_state() {	# lvsd's view of a's real server: health/want_weight
	lab_hactl a show lvs -j 2>/dev/null | python3 -c 'import json,sys
r = [x for s in json.load(sys.stdin)["items"] for x in s["reals"]
     if x["real"] == "198.18.0.3:80"]
print("%s/%s" % (r[0]["health"], r[0]["want_weight"]) if r else "")' 2>/dev/null
}
rs_is() { [ "$(rs_state)" = "$1" ]; }
frr_is() { [ "$(frr_field "$1" status)" = "$2" ]; }

frr_start
if [ -n "$KA" ]; then
	cat >"$LAB_DIR/k.conf" <<'CONF'
bfd_instance HAD {
	neighbor_ip 198.18.0.1
	source_ip 198.18.0.4
	min_rx 100
	min_tx 100
	multiplier 3
}
vrrp_instance VK {
	interface eth0
	virtual_router_id 62
	priority 100
	advert_int 1
	virtual_ipaddress {
		198.18.0.101/24
	}
	track_bfd {
		HAD
	}
}
CONF
	K=$LAB_DIR/k
	lab_exec k keepalived -n -l -D -f "$LAB_DIR/k.conf" -p "$K/k.pid" \
	    -r "$K/v.pid" -c "$K/c.pid" -b "$K/b.pid" >"$K/ka.log" 2>&1 &
	KA_PID=$!
	lab_track_pid $KA_PID
fi
lab_start_had b "$LAB_DIR/b.conf" || fail "had on b starts"
lab_start_had a "$LAB_DIR/a.conf" || fail "had on a starts"
t0=$(now_ms)

# ------------------------------------------------------------- sessions up
if wait_for 10 bfd_is a FRR4 Up; then
	pass "IPv4 session Up on had in $(( $(now_ms) - t0 )) ms"
else
	fail "IPv4 session Up on had within 10 s"
	tail -20 "$LAB_DIR/a/had.log"; tail -20 "$FD/bfdd.log" "$FD/out.log"
fi
check "IPv4 session up on FRR's side" wait_for 3 frr_is 198.18.0.1 up
check "IPv6 session Up on had" wait_for 5 bfd_is a FRR6 Up
check "IPv6 session up on FRR's side" wait_for 3 frr_is 2001:db8::1 up
# The poll sequence after Up settles the fast timers on both sides.
sleep 0.5
# had: tx max(30, FRR's rx 60) = 60 ms; detect FRR's mult 4 x max(50, 40).
check "had sends every $(bfd_field a FRR4 tx_interval_us) us (max of its min_tx 30 ms and FRR's receive-interval 60 ms)" \
    [ "$(bfd_field a FRR4 tx_interval_us)" = 60000 ]
check "had's detection time $(bfd_field a FRR4 detect_us) us (FRR's multiplier 4 x its transmit-interval 40 ms... or min_rx 50 ms)" \
    [ "$(bfd_field a FRR4 detect_us)" = 200000 ]
check "had learned FRR's discriminator ($(bfd_field a FRR4 remote_discr) = FRR's id $(frr_field 198.18.0.1 id))" \
    [ "$(bfd_field a FRR4 remote_discr)" = "$(frr_field 198.18.0.1 id)" ]
check "FRR learned had's discriminator" \
    [ "$(frr_field 198.18.0.1 remote-id)" = "$(bfd_field a FRR4 local_discr)" ]
check "FRR sees had's receive interval 50 ms ($(frr_field 198.18.0.1 remote-receive-interval))" \
    [ "$(frr_field 198.18.0.1 remote-receive-interval)" = 50 ]
check "FRR sees had's transmit interval 30 ms ($(frr_field 198.18.0.1 remote-transmit-interval))" \
    [ "$(frr_field 198.18.0.1 remote-transmit-interval)" = 30 ]
check "FRR sees had's multiplier 3" \
    [ "$(frr_field 198.18.0.1 remote-detect-multiplier)" = 3 ]
check "IPv6: had's detection time 300 ms ($(bfd_field a FRR6 detect_us) us)" \
    [ "$(bfd_field a FRR6 detect_us)" = 300000 ]
check "BFD_CHECK: the real server is up at its weight 5 while FRR4 is Up ($(rs_state))" \
    wait_for 3 rs_is up/5
check "a is MASTER once its tracked session is Up" \
    lab_wait_state a VI_1 MASTER 10
check "b is BACKUP" lab_wait_state b VI_1 BACKUP 3
check "VIP on a" wait_for 3 lab_has_addr a $VIP
lab_hactl a show bfd >"$LAB_DIR/show.txt"
check "show bfd lists both sessions Up" \
    [ "$(grep -cE '^FRR[46] .* Up +Up ' "$LAB_DIR/show.txt")" = 2 ]
lab_hactl a show metrics >"$LAB_DIR/metrics.txt"
check "metrics: had_bfd_up of FRR4 is 1" \
    grep -q '^had_bfd_up{name="FRR4",neighbor="198.18.0.3"} 1$' "$LAB_DIR/metrics.txt"
lab_hactl a show procs -j >"$LAB_DIR/procs.json"
check "bfdd runs as _had-bfd without capabilities" \
    [ "$(json_get "$LAB_DIR/procs.json" '[r["user"] + " " + r["capabilities"] for r in d if r["name"] == "bfdd"][0]')" = "_had-bfd none" ]

# ------------------------------------------------- keepalived as a peer
if [ -z "$KA" ]; then
	skip "keepalived as a BFD peer: keepalived missing or built without BFD (keepalived --version, Config options)"
else
	check "keepalived's session Up on had" wait_for 5 bfd_is a KA Up
	check "had's session Up on keepalived (its log)" \
	    wait_for 3 grep -q 'instance HAD is in state Up' "$K/ka.log"
	check "keepalived's VRRP instance follows it" \
	    grep -q 'Tracked BFD instance HAD is UP' "$K/ka.log"
	check "timers with keepalived: had's detection 300 ms ($(bfd_field a KA detect_us) us)" \
	    [ "$(bfd_field a KA detect_us)" = 300000 ]
	# $KA_PID is the shell running ip netns exec: keepalived's own pid.
	kill_pid TERM "$(cat "$K/k.pid" 2>/dev/null)"
	tk=$(now_ms)
	if wait_for 3 bfd_is a KA Down; then
		pass "keepalived stopped: had's session Down $(( $(now_ms) - tk )) ms later (diagnostic $(bfd_field a KA diag))"
	else
		fail "keepalived stopped: had's session Down within 3 s ($(bfd_field a KA state))"
	fi
fi

# --------------------------------------------------- malformed packets
for r in version length ttl unknown_discr; do
	eval "d0_$r=\$(bfd_drop a $r)"
done
rx0=$(bfd_field a FRR4 received)
lab_exec f $PY tests/integration/bfd_scapy.py 198.18.0.3 198.18.0.1 \
    version length ttl discr
dropped() { [ "$(bfd_drop a "$1")" -gt "$2" ] 2>/dev/null; }
for r in version length ttl unknown_discr; do
	eval "d0=\$d0_$r"
	check "malformed ($r): dropped and counted ($d0 -> $(bfd_drop a $r))" \
	    wait_for 3 dropped "$r" "${d0:-0}"
done
check "the session counted the TTL and discriminator drops as its own" \
    [ "$(lab_hactl a show bfd -j | json_get /dev/stdin '[s["drops"]["ttl"] + s["drops"]["unknown_discr"] for s in d if s.get("name") == "FRR4"][0]')" -ge 2 ]
check "the session stayed Up through them (received $rx0 -> $(bfd_field a FRR4 received))" \
    [ "$(bfd_field a FRR4 state)/$(bfd_field a FRR4 downs)" = Up/0 ]

# ------------------------------------------------------ FRR goes silent
# FRR's packets to a are dropped in f: a's session goes Down within its
# detection time (200 ms) plus the margin; measured with hactl polled in
# a loop, from the moment the rule is in.
out=$(python3 - "$BUILD/hactl" "$LAB_DIR/a/had.sock" "$LAB" <<'PY'
import json, subprocess, sys, time
hactl, sock, lab = sys.argv[1:4]
subprocess.run(["ip", "netns", "exec", lab + "-f", "nft", "-f", "-"],
    input=b"table inet bfdt {\n chain out {\n"
    b"  type filter hook output priority 0;\n"
    b"  ip daddr 198.18.0.1 udp dport 3784 drop\n }\n}\n", check=True)
t0 = time.monotonic()
state = None
while time.monotonic() - t0 < 5:
    r = subprocess.run([hactl, "-s", sock, "show", "bfd", "-j"],
        capture_output=True)
    try:
        d = [s for s in json.loads(r.stdout)["items"] if s.get("name") == "FRR4"]
        state = d[0]["state"]
    except (ValueError, IndexError, KeyError):
        pass
    if state == "Down":
        break
    time.sleep(0.002)
print("%s %d %d" % (state, (time.monotonic() - t0) * 1000, d[0]["diag"]))
PY
)
read -r st ms diag <<<"$out"
echo "  detection: FRR4 $st $ms ms after FRR's packets were dropped (detect time 200 ms, margin $MARGIN ms)"
check "session Down within the detection time + margin ($ms ms <= $((200 + MARGIN)))" \
    [ "$st" = Down ] && [ "${ms:-99999}" -le $((200 + MARGIN)) ]
check "diagnostic 1, detect time expired ($diag)" [ "$diag" = 1 ]
t1=$(now_ms)
check "a goes FAULT" lab_wait_state a VI_1 FAULT 2
reason=$(lab_vrrp_field a VI_1 last_reason)
check "a's reason names the session ($reason)" grep -q 'bfd FRR4 down' <<<"$reason"
if wait_for 3 lab_has_addr b $VIP; then
	pass "VIP on b $(( $(now_ms) - t1 )) ms after the session went Down"
else
	fail "VIP moves to b within 3 s"
fi
check "VIP gone from a" wait_for 2 sh -c "! ip -n $LAB-a -o addr show | grep -q ' $VIP/'"
check "the IPv6 session is not affected" bfd_is a FRR6 Up
check "BFD_CHECK: lvsd took the real server out (health/want_weight $(rs_state))" \
    wait_for 2 rs_is down/-1
check "show checks gives the session as the reason" \
    sh -c "'$BUILD/hactl' -s '$LAB_DIR/a/had.sock' show checks | grep -q 'BFD session FRR4 Down'"
lab_hactl a show history >"$LAB_DIR/hist.txt"
check "event history has the session going Down" \
    grep -Eq 'bfd +FRR4: session Down, diagnostic 1' "$LAB_DIR/hist.txt"

# ------------------------------------------------------- FRR speaks again
lab_exec f nft delete table inet bfdt
t2=$(now_ms)
if wait_for 8 bfd_is a FRR4 Up; then
	pass "session Up again $(( $(now_ms) - t2 )) ms after FRR's packets flow (slow start: 1 s packets)"
else
	fail "session Up again within 8 s"
fi
t3=$(now_ms)
if wait_for 3 rs_is up/5; then
	pass "BFD_CHECK: lvsd put the real server back $(( $(now_ms) - t3 )) ms after the session was Up"
else
	fail "BFD_CHECK: real server back within 3 s"
fi
check "a MASTER again (preempts b)" lab_wait_state a VI_1 MASTER 8
check "VIP back on a" wait_for 3 lab_has_addr a $VIP
check "had counted one Up->Down ($(bfd_field a FRR4 downs)) and two Ups ($(bfd_field a FRR4 ups))" \
    [ "$(bfd_field a FRR4 downs)/$(bfd_field a FRR4 ups)" = 1/2 ]
check "bfdd never restarted" \
    [ "$(lab_hactl a show procs -j | json_get /dev/stdin '[r["restarts"] for r in d if r["name"] == "bfdd"][0]')" = 0 ]

# had's orderly stop tells FRR (AdminDown, diagnostic 7).
lab_stop_had a
check "FRR sees had's session go down on had's stop" \
    wait_for 3 frr_is 198.18.0.1 down
rdiag=$(frr_field 198.18.0.1 remote-diagnostic)
check "FRR's remote diagnostic: administratively down ($rdiag)" \
    grep -q 'administratively' <<<"$rdiag"

# ------------------------------------- a's interface deleted under BFD
lab_start_had a "$LAB_DIR/a.conf" || fail "had on a starts again"
check "IPv4 session Up after the restart" wait_for 10 bfd_is a FRR4 Up
check "IPv6 session Up after the restart" wait_for 5 bfd_is a FRR6 Up
ip -n "$LAB-a" link del eth0
t4=$(now_ms)
if wait_for 3 bfd_is a FRR4 Down && wait_for 3 bfd_is a FRR6 Down; then
	pass "both sessions Down $(( $(now_ms) - t4 )) ms after a's eth0 was deleted"
else
	fail "sessions Down within 3 s of a's eth0 deleted ($(bfd_field a FRR4 state) $(bfd_field a FRR6 state))"
fi
check "had logged the IPv4 session Down" \
    wait_for 2 grep -q 'bfd FRR4: neighbor 198.18.0.3 Down' "$LAB_DIR/a/had.log"
check "had logged the IPv6 session Down" \
    wait_for 2 grep -q 'bfd FRR6: neighbor 2001:db8::3 Down' "$LAB_DIR/a/had.log"
check "BFD_CHECK: the real server is out" wait_for 2 rs_is down/-1
sleep 1
lab_hactl a show procs -j >"$LAB_DIR/procs2.json"
check "no process of had died or restarted ($(json_get "$LAB_DIR/procs2.json" '" ".join("%s:%s" % (r["name"], r["restarts"]) for r in d)'))" \
    [ "$(json_get "$LAB_DIR/procs2.json" 'sum(r["restarts"] for r in d)')" = 0 ]
nsess=2
[ -n "$KA" ] && nsess=3
check "bfdd still answers (show bfd lists $nsess sessions)" \
    [ "$(lab_hactl a show bfd -j | json_get /dev/stdin 'len([s for s in d if s.get("name")])')" = $nsess ]
check "had itself is still running" kill -0 "$(lab_had_pid a)"
check "no sanitizer report in a's log" \
    sh -c "! grep -Eq 'AddressSanitizer|runtime error' '$LAB_DIR/a/had.log'"
summary
