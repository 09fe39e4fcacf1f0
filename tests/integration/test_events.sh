#!/bin/bash
# had's event history: a scripted sequence (maintenance and the
# transition it causes, a drain, a reload, a kill -9 of checkd, the
# transition back) appears in order, with reasons, in `show history -j'
# and in an `events -j' stream started before it; `show history N' gives
# the last N.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
need_root
. tests/lab.sh

lab_init
lab_node a 198.18.0.1/24
# The vrrp_script gives checkd work: it is started, and killed below.
cat >"$LAB_DIR/a.conf" <<'CONF'
vrrp_script chk_e {
	script "/bin/true"
	interval 5
}
vrrp_instance VI_E {
	interface eth0
	virtual_router_id 51
	priority 120
	advert_int 0.1
	vrrp_version 3
	virtual_ipaddress {
		198.18.0.51/24
	}
}
virtual_server 198.18.0.51 80 {
	lb_algo rr
	lb_kind NAT
	real_server 198.18.0.70 80 {
		weight 3
	}
}
CONF
if [ "$(basename "$BUILD")" = build-san ]; then
	export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
fi
lab_start_had a "$LAB_DIR/a.conf" || { fail "had up"; summary; exit 1; }
check "VI_E becomes master" lab_wait_state a VI_E MASTER 5
H=$LAB_DIR/history.json
EV=$LAB_DIR/events.jsonl

lab_hactl a events -j >"$EV" 2>"$LAB_DIR/events.err" &
EPID=$!
lab_track_pid "$EPID"
check "events stream subscribed" wait_for 5 grep -q "streaming events" "$LAB_DIR/events.err"

check "maintenance on" lab_hactl a maintenance on VI_E
check "VI_E BACKUP (no peer: handover ends after Master_Down_Interval)" lab_wait_state a VI_E BACKUP 4
check "drain" lab_hactl a drain 198.18.0.51:80 198.18.0.70:80
check "reload" lab_hactl a reload
check "checkd respawned after kill -9" lab_kill_child a checkd
check "maintenance off" lab_hactl a maintenance off VI_E
check "VI_E MASTER again" lab_wait_state a VI_E MASTER 5
sleep 0.3

lab_hactl a show history -j >"$H"
# The expected kinds and texts in this order (others may come between).
cat >"$LAB_DIR/expect.py" <<'PY'
import json, sys
expect = [("maint", "VI_E", "maintenance on by uid 0"),
          ("vrrp", "VI_E", "BACKUP, priority 120: maintenance: no new master heard"),
          ("drain", "198.18.0.51:80", "real server 198.18.0.70:80 drained by uid 0"),
          ("reload", "", "done"),
          ("child", "checkd", "killed by signal 9"),
          ("maint", "VI_E", "maintenance off by uid 0"),
          ("vrrp", "VI_E", "MASTER")]
def check(evs):
    i = 0
    for e in evs:
        if i < len(expect) and e["kind"] == expect[i][0] and \
           expect[i][1] in e["object"] and expect[i][2] in e["text"]:
            i += 1
    seqs = [e["seq"] for e in evs]
    return i == len(expect) and seqs == sorted(seqs), i
if sys.argv[1] == "history":
    evs = json.load(open(sys.argv[2]))["items"]
else:
    evs = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
ok, n = check(evs)
if not ok:
    print("matched %d of %d; got:" % (n, len(expect)))
    for e in evs:
        print("  ", e)
sys.exit(not ok)
PY
check "show history -j: the sequence in order, with reasons" python3 "$LAB_DIR/expect.py" history "$H"
check "events -j stream: the same sequence in order" python3 "$LAB_DIR/expect.py" stream "$EV"
check "the stream's events are the history's (same seq and text)" python3 -c '
import json, sys
h = {e["seq"]: e for e in json.load(open(sys.argv[1]))["items"]}
s = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
for e in s:
    e.pop("schema", None)
sys.exit(not (s and all(h.get(e["seq"]) == e for e in s)))' "$H" "$EV"
n=$(lab_hactl a show history 2 | wc -l)
check "show history 2: two lines ($n)" [ "$n" = 2 ]
check "show history 0 refused" sh -c "! '$BUILD/hactl' -s '$LAB_DIR/a/had.sock' show history 0 2>/dev/null"

# hactl reload names what changed.
sed -i 's/weight 3/weight 4/' "$LAB_DIR/a.conf"
out=$(lab_hactl a reload 2>&1); rc=$?
echo "$out"
check "reload names the changed virtual server (rc $rc)" \
    sh -c "echo '$out' | grep -qx 'lvs: changed virtual_server TCP 198.18.0.51:80 (real_server [0-9.]*:[0-9]* weight)'"
check "and says vrrp is unchanged" sh -c "echo '$out' | grep -qx 'vrrp: unchanged'"
kill_pid TERM "$EPID"
summary
