#!/bin/bash
# A flood of VRRP packets from a third node: valid-looking adverts (wrong
# VRID, lower priority, wrong version, wrong TTL) and malformed ones
# (short, bad checksum, bad type, address count lies), 20,000 of them over
# a few seconds, while a is master and b backup (VRRPv3, advert_int 0.1).
# The master's adverts must keep their interval (b's adverts_received
# rate, and tshark on b) and b must not flap.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
. tests/lab.sh
need_root

NPKT=${FLOOD_PACKETS:-20000}
if [ "$(basename "$BUILD")" = build-san ]; then
	export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
fi
lab_init || { fail "lab_init"; summary; exit 1; }
lab_node a 198.18.0.1/24
lab_node b 198.18.0.2/24
lab_node x 198.18.0.9/24

conf() {
	cat <<EOF
vrrp_instance VI_FLOOD {
	interface eth0
	virtual_router_id 60
	priority $1
	advert_int 0.1
	vrrp_version 3
	virtual_ipaddress {
		198.18.0.60/24
	}
}
EOF
}
conf 150 >"$LAB_DIR/a.conf"
conf 100 >"$LAB_DIR/b.conf"
lab_start_had a "$LAB_DIR/a.conf" || { fail "had on a"; summary; exit 1; }
lab_wait_state a VI_FLOOD MASTER 5 || { fail "a master"; summary; exit 1; }
lab_start_had b "$LAB_DIR/b.conf" || { fail "had on b"; summary; exit 1; }
lab_wait_state b VI_FLOOD BACKUP 5 || { fail "b backup"; summary; exit 1; }
sleep 0.5

rcvd() { lab_vrrp_field b VI_FLOOD adverts_received; }
TR_A0=$(lab_vrrp_field a VI_FLOOD transitions)
TR_B0=$(lab_vrrp_field b VI_FLOOD transitions)

# tshark on b: only a's adverts, with their times.
lab_exec b timeout 30 tshark -i eth0 -n -l -f "ip proto 112 and src host 198.18.0.1" \
    -T fields -e frame.time_epoch >"$LAB_DIR/adverts.txt" 2>"$LAB_DIR/tshark.err" &
TSHARK=$!
lab_track_pid $TSHARK
wait_for 10 grep -q 'Capturing on' "$LAB_DIR/tshark.err"
sleep 1

# Baseline rate over 1 s, then the flood, then the rate during the flood.
r0=$(rcvd); t0=$(now_ms); sleep 1; r1=$(rcvd); t1=$(now_ms)
base=$(( (r1 - r0) * 1000 / (t1 - t0) ))

lab_exec x python3 - "$NPKT" >"$LAB_DIR/flood.out" 2>&1 <<'PY' &
import os, random, socket, struct, sys, time
n = int(sys.argv[1])
random.seed(1)
def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
SRC, DST = socket.inet_aton("198.18.0.9"), socket.inet_aton("224.0.0.18")
VIP = socket.inet_aton("198.18.0.60")
def vrrp(vrid, prio, ver=3, typ=1, count=1, addrs=(VIP,), intv=10, good=True):
    body = struct.pack("!BBBBH", (ver << 4) | typ, vrid, prio, count, intv & 0xfff)
    pkt = body + b"\0\0" + b"".join(addrs)
    c = csum(SRC + DST + struct.pack("!BBH", 0, 112, len(pkt)) + pkt)
    if not good:
        c ^= 0x5555
    return pkt[:6] + struct.pack("!H", c) + pkt[8:]
kinds = [
    ("lower priority", lambda: vrrp(60, 50)),
    ("unknown VRID", lambda: vrrp(random.randint(61, 255), 254)),
    ("bad checksum", lambda: vrrp(60, 254, good=False)),
    ("version 2 to a v3 router", lambda: vrrp(60, 254, ver=2)),
    ("type 2", lambda: vrrp(60, 254, typ=2)),
    ("count lies", lambda: vrrp(60, 254, count=9)),
    ("short", lambda: vrrp(60, 254)[:random.randint(0, 7)]),
    ("random bytes", lambda: os.urandom(random.randint(1, 80))),
    ("wrong addresses", lambda: vrrp(60, 254, addrs=(socket.inet_aton("198.18.0.61"),))),
]
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, 112)
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 255)
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, SRC)
# TTL 1 for a fifth of them: not 255, dropped as from afar.
sent = {k: 0 for k, _ in kinds}
t0 = time.monotonic()
end = t0 + 20
for i in range(n):
    if time.monotonic() > end:
        break
    name, make = kinds[i % len(kinds)]
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1 if i % 5 == 4 else 255)
    try:
        s.sendto(make(), ("224.0.0.18", 0))
        sent[name] += 1
    except OSError:
        pass
    if i % 500 == 499:
        time.sleep(0.07)	# 20,000 over about 3 s
dt = time.monotonic() - t0
print("sent %d in %.2f s (%.0f/s): %s" % (sum(sent.values()), dt, sum(sent.values()) / dt,
      ", ".join("%s %d" % kv for kv in sent.items())), flush=True)
PY
FLOOD=$!
lab_track_pid $FLOOD
sleep 0.3
fs=$(now_ms)
r2=$(rcvd); t2=$(now_ms)
wait_for 25 pid_gone "$FLOOD"
wait "$FLOOD" 2>/dev/null
fe=$(now_ms)
r3=$(rcvd); t3=$(now_ms)
during=$(( (r3 - r2) * 1000 / (t3 - t2) ))
echo "  $(cat "$LAB_DIR/flood.out")"
check "flood sent ($(awk '{print $2}' "$LAB_DIR/flood.out") packets)" \
    grep -q "^sent [1-9]" "$LAB_DIR/flood.out"
echo "  b's adverts_received rate: $base/s before, $during/s during the flood ($(( t3 - t2 )) ms)"
# adverts_received counts every advert b's vrrpd read for the instance,
# the flood's included: it shows b kept reading, not a's interval.
check "b's vrrpd kept reading during the flood ($during/s, baseline $base/s)" \
    [ "$during" -ge 8 ]
sleep 0.5
kill_pid INT "$TSHARK" 2>/dev/null
wait_for 5 pid_gone "$TSHARK"
# The largest gap between a's adverts seen on b while the flood ran.
gap=$(python3 - "$LAB_DIR/adverts.txt" "$fs" "$fe" <<'PY'
import sys
ts = [float(l) for l in open(sys.argv[1]) if l.strip()]
fs, fe = int(sys.argv[2]) / 1000 - 0.3, int(sys.argv[3]) / 1000
w = [t for t in ts if fs - 0.2 <= t <= fe + 0.2]
gaps = [b - a for a, b in zip(w, w[1:])]
print("%d %.0f %.0f" % (len(w), max(gaps) * 1000 if gaps else -1,
      sum(gaps) / len(gaps) * 1000 if gaps else -1))
PY
)
read -r nadv maxgap meangap <<<"$gap"
check "tshark on b: a's adverts kept their 100 ms interval during the flood ($nadv adverts, mean gap $meangap ms, max gap $maxgap ms <= 150 ms)" \
    sh -c "[ ${maxgap:-999} -ge 0 ] && [ ${maxgap:-999} -le 150 ]"
TR_A1=$(lab_vrrp_field a VI_FLOOD transitions)
TR_B1=$(lab_vrrp_field b VI_FLOOD transitions)
check "b did not flap (transitions $TR_B0 -> $TR_B1)" [ "$TR_B0" = "$TR_B1" ]
check "a did not flap (transitions $TR_A0 -> $TR_A1)" [ "$TR_A0" = "$TR_A1" ]
ab_states() { lab_state_is a VI_FLOOD MASTER && lab_state_is b VI_FLOOD BACKUP; }
check "a master, b backup after the flood" ab_states
lab_hactl b show vrrp VI_FLOOD -j >"$LAB_DIR/bv.json"
echo "  b's drop counters: $(json_get "$LAB_DIR/bv.json" '", ".join("%s %d" % kv for kv in d[0]["drops"].items() if kv[1])')"
lab_hactl a show vrrp VI_FLOOD -j >"$LAB_DIR/av.json"
echo "  a's drop counters: $(json_get "$LAB_DIR/av.json" '", ".join("%s %d" % kv for kv in d[0]["drops"].items() if kv[1])')"
for n in a b; do
	check "had and children on $n all still the first ones (no restart)" \
	    sh -c "'$BUILD/hactl' -s '$LAB_DIR/$n/had.sock' show procs -j | python3 -c 'import json,sys; sys.exit(any(r[\"restarts\"] for r in json.load(sys.stdin)[\"items\"]))'"
done
if grep -Eq 'AddressSanitizer|runtime error:' "$LAB_DIR"/*/had.log; then
	fail "sanitizer report in a log"
	grep -h -E -A20 'AddressSanitizer|runtime error:' "$LAB_DIR"/*/had.log | head -40
else
	pass "no sanitizer report"
fi
summary
