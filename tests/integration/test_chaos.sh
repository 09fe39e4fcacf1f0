#!/bin/bash
# Chaos: a VRRP lab (a master at priority 150, b backup at 100, VRRPv3,
# advert_int 0.1) with a client fetching a page from the VIP every 50 ms,
# while about 100 random kill -9 hit vrrpd, lvsd and checkd on the master.
# The VIP must never leave a (sampled every ~50 ms on a and b), b must
# never become master, no request may fail, and had's restart counters
# must add up to the kills.  Prints the figures.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
. tests/lab.sh
need_root

KILLS=${CHAOS_KILLS:-100}
VIP=198.18.0.50
if [ "$(basename "$BUILD")" = build-san ]; then
	export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
fi

lab_init || { fail "lab_init"; summary; exit 1; }
lab_node a 198.18.0.1/24
lab_node b 198.18.0.2/24
lab_node c 198.18.0.3/24

conf() {	# priority
	cat <<EOF
global_defs {
	router_id chaos
	vrrp_garp_master_delay 1
	vrrp_garp_master_repeat 1
}
vrrp_instance VI_CHAOS {
	interface eth0
	virtual_router_id 50
	priority $1
	advert_int 0.1
	vrrp_version 3
	virtual_ipaddress {
		$VIP/24
	}
}
EOF
}
conf 150 >"$LAB_DIR/a.conf"
conf 100 >"$LAB_DIR/b.conf"

# A web server on each node on 0.0.0.0, each page naming its node.
for n in a b; do
	mkdir -p "$LAB_DIR/www-$n"
	echo "$n" >"$LAB_DIR/www-$n/index.html"
	lab_exec "$n" timeout 120 python3 -m http.server 8080 --bind 0.0.0.0 \
	    --directory "$LAB_DIR/www-$n" >/dev/null 2>&1 &
	lab_track_pid $!
done

lab_start_had a "$LAB_DIR/a.conf" || { fail "had on a up"; summary; exit 1; }
lab_wait_state a VI_CHAOS MASTER 5 || { fail "a master"; summary; exit 1; }
lab_start_had b "$LAB_DIR/b.conf" || { fail "had on b up"; summary; exit 1; }
lab_wait_state b VI_CHAOS BACKUP 5 || { fail "b backup"; summary; exit 1; }
check "a master, b backup, VIP on a" lab_has_addr a "$VIP"
check "client gets a's page through the VIP" wait_for 5 sh -c \
    "ip netns exec $LAB-c python3 -c 'import urllib.request; assert urllib.request.urlopen(\"http://$VIP:8080/\", timeout=1).read().strip() == b\"a\"'"
TR_B0=$(lab_vrrp_field b VI_CHAOS transitions)
TR_A0=$(lab_vrrp_field a VI_CHAOS transitions)
ADV_B0=$(lab_vrrp_field b VI_CHAOS adverts_received)

# The client: a request every 50 ms for DUR seconds, 1 s timeout each;
# every failure and every answer not from a with its time.
DUR_FILE=$LAB_DIR/stop
lab_exec c python3 - "$VIP" "$DUR_FILE" >"$LAB_DIR/client.out" 2>&1 <<'PY' &
import os, sys, time, urllib.request
vip, stop = sys.argv[1], sys.argv[2]
end = time.monotonic() + 90
n = bad = 0
while time.monotonic() < end and not os.path.exists(stop):
    t = time.time()
    try:
        body = urllib.request.urlopen("http://%s:8080/" % vip, timeout=1).read().strip()
        if body != b"a":
            bad += 1
            print("FAILED %.3f answered by %r" % (t, body), flush=True)
    except Exception as e:
        bad += 1
        print("FAILED %.3f %s" % (t, e), flush=True)
    n += 1
    time.sleep(max(0, 0.05 - (time.time() - t)))
print("requests %d failed %d" % (n, bad), flush=True)
PY
CLIENT=$!
lab_track_pid $CLIENT

# The sampler: the VIP on a and b every ~50 ms, b's state from hactl.
python3 - "$LAB" "$VIP" "$DUR_FILE" "$BUILD/hactl" "$LAB_DIR/b/had.sock" \
    >"$LAB_DIR/sampler.out" 2>&1 <<'PY' &
import json, os, subprocess, sys, time
lab, vip, stop, hactl, sockb = sys.argv[1:6]
end = time.monotonic() + 90
def has(node):
    out = subprocess.run(["ip", "-n", "%s-%s" % (lab, node), "-o", "addr", "show"],
                         capture_output=True, text=True).stdout
    return (" %s/" % vip) in out
n = on_b = 0
absent_since = None
max_absent = 0.0
absences = 0
b_master = 0
last_state = 0
while time.monotonic() < end and not os.path.exists(stop):
    t = time.monotonic()
    a = has("a")
    b = has("b")
    n += 1
    if b:
        on_b += 1
        print("VIP_ON_B %.3f" % time.time(), flush=True)
    if not a:
        if absent_since is None:
            absent_since = t
            absences += 1
    elif absent_since is not None:
        max_absent = max(max_absent, t - absent_since)
        print("ABSENT_ON_A %.0f ms until %.3f" % ((t - absent_since) * 1000, time.time()), flush=True)
        absent_since = None
    if t - last_state > 0.25:
        last_state = t
        try:
            d = json.loads(subprocess.run([hactl, "-s", sockb, "show", "vrrp", "-j"],
                                          capture_output=True, text=True, timeout=2).stdout)["items"]
            if d and d[0]["state"] == "MASTER":
                b_master += 1
                print("B_MASTER %.3f" % time.time(), flush=True)
        except Exception:
            pass
    time.sleep(max(0, 0.05 - (time.monotonic() - t)))
if absent_since is not None:
    max_absent = max(max_absent, time.monotonic() - absent_since)
print("samples %d on_b %d absences_on_a %d max_absent_ms %.0f b_master %d" %
      (n, on_b, absences, max_absent * 1000, b_master), flush=True)
PY
SAMPLER=$!
lab_track_pid $SAMPLER
sleep 1

# The kills: a random running child of a's had, 150-300 ms apart, at most
# KILLS of them and at most 45 s.
python3 - "$BUILD/hactl" "$LAB_DIR/a/had.sock" "$KILLS" >"$LAB_DIR/kills.out" 2>&1 <<'PY'
import json, os, random, signal, subprocess, sys, time
hactl, sock, want = sys.argv[1], sys.argv[2], int(sys.argv[3])
random.seed(int(os.environ.get("CHAOS_SEED", "0")) or None)
end = time.monotonic() + 45
kills = {"vrrpd": 0, "lvsd": 0, "checkd": 0}
n = 0
waited = 0
while n < want and time.monotonic() < end:
    try:
        d = json.loads(subprocess.run([hactl, "-s", sock, "show", "procs", "-j"],
                                      capture_output=True, text=True, timeout=2).stdout)["items"]
    except Exception:
        time.sleep(0.05)
        continue
    up = [r for r in d if r["name"] in kills and r["running"] and r["pid"] > 1]
    if not up:
        waited += 1
        time.sleep(0.05)
        continue
    r = random.choice(up)
    try:
        os.kill(r["pid"], signal.SIGKILL)
    except ProcessLookupError:
        continue
    n += 1
    kills[r["name"]] += 1
    print("KILL %.3f %s %d" % (time.time(), r["name"], r["pid"]), flush=True)
    time.sleep(random.uniform(0.15, 0.3))
print("kills %d vrrpd %d lvsd %d checkd %d waits_for_a_running_child %d" %
      (n, kills["vrrpd"], kills["lvsd"], kills["checkd"], waited), flush=True)
PY
# Let the last respawns happen, then stop the client and the sampler.
sleep 2
wait_for 15 sh -c "'$BUILD/hactl' -s '$LAB_DIR/a/had.sock' show procs -j | python3 -c 'import json,sys; d=json.load(sys.stdin)[\"items\"]; sys.exit(not all(r[\"running\"] or r[\"last_exit\"].startswith(\"not started\") for r in d))'"
touch "$DUR_FILE"
wait_for 5 pid_gone "$CLIENT"
wait_for 5 pid_gone "$SAMPLER"
wait "$CLIENT" "$SAMPLER" 2>/dev/null

kline=$(tail -1 "$LAB_DIR/kills.out")
sline=$(tail -1 "$LAB_DIR/sampler.out")
cline=$(tail -1 "$LAB_DIR/client.out")
echo "  $kline"
echo "  $sline"
echo "  $cline"
nk=$(awk '/^kills/ {print $2}' <<<"$kline")
check "about $KILLS kills performed ($nk)" [ "${nk:-0}" -ge $((KILLS * 9 / 10)) ]

lab_hactl a show procs -j >"$LAB_DIR/procs.json"
rsum=$(json_get "$LAB_DIR/procs.json" 'sum(r["restarts"] for r in d)')
rby=$(json_get "$LAB_DIR/procs.json" '" ".join("%s %d" % (r["name"], r["restarts"]) for r in d[1:])')
check "had's restart counters sum to the kills ($rsum: $rby; kills: $kline)" \
    [ "$rsum" = "${nk:-x}" ]
ona=$(awk '{for (i = 1; i < NF; i++) if ($i == "on_b") print $(i+1)}' <<<"$sline")
maxabs=$(awk '{for (i = 1; i < NF; i++) if ($i == "max_absent_ms") print $(i+1)}' <<<"$sline")
bm=$(awk '{for (i = 1; i < NF; i++) if ($i == "b_master") print $(i+1)}' <<<"$sline")
check "VIP never seen on b (samples with it: ${ona:-?})" [ "${ona:-x}" = 0 ]
check "VIP never absent from a for more than 200 ms (max absence ${maxabs:-?} ms)" \
    [ "${maxabs:-99999}" -le 200 ]
check "b never master during the chaos (samples: ${bm:-?})" [ "${bm:-x}" = 0 ]
TR_B1=$(lab_vrrp_field b VI_CHAOS transitions)
TR_A1=$(lab_vrrp_field a VI_CHAOS transitions)
check "b made no transition (transitions $TR_B0 -> $TR_B1)" [ "$TR_B0" = "$TR_B1" ]
check "a is still master" lab_state_is a VI_CHAOS MASTER
check "VIP on a at the end" lab_has_addr a "$VIP"
nf=$(awk '/^requests/ {print $4}' <<<"$cline")
check "no client request failed ($cline)" [ "${nf:-x}" = 0 ]
if grep -q '^FAILED' "$LAB_DIR/client.out"; then
	grep '^FAILED' "$LAB_DIR/client.out" | head -10 | sed 's/^/  /'
fi
grep -E '^(VIP_ON_B|ABSENT_ON_A|B_MASTER)' "$LAB_DIR/sampler.out" | head -10 | sed 's/^/  /'
echo "  a's transitions $TR_A0 -> $TR_A1, b's adverts received $ADV_B0 -> $(lab_vrrp_field b VI_CHAOS adverts_received)"
# A sibling killed with -9 is not one that sent garbage.
acc=$(grep -c 'sent it invalid messages' "$LAB_DIR/a/had.log")
check "no sibling blamed for garbage after a plain kill -9 ($acc complaints)" [ "$acc" = 0 ]
[ "$acc" != 0 ] && grep -m3 'sent it invalid messages' "$LAB_DIR/a/had.log" | sed 's/^/  /'
check "had on a alive" kill -0 "$(lab_had_pid a)"
if grep -Eq 'AddressSanitizer|runtime error:' "$LAB_DIR"/*/had.log; then
	fail "sanitizer report in a log"
	grep -h -E -A20 'AddressSanitizer|runtime error:' "$LAB_DIR"/*/had.log | head -40
else
	pass "no sanitizer report"
fi
summary
