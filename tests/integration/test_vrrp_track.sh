#!/bin/bash
# Tracking made visible, and track_file, between two had nodes.  a
# (priority 200) tracks a vrrp_script that always fails (weight -40) and
# two track files: maint (weight -10, init_file 0) and ff (weight 0, a
# non-zero number faults; missing at start, which counts as 0).  b has
# priority 120.
#   - show checks -j: the script down with exit status 1 and its rise/fall
#     counters, the files with their values; show vrrp VI_T -j and text:
#     what each object does ("effective priority 160 = 200 - 40 ...");
#     show metrics has them.
#   - maint 2 (renamed onto the file): priority 140, a stays Master;
#     maint 5 (written in place): 110 < 120, the VIP moves to b; maint 0:
#     back to 160 and to a (preempt).
#   - ff 1: VI_T in FAULT on a, the VIP on b; ff 0: back on a.
#   - kill -9 of checkd, then of vrrpd, and a reload: the priority the
#     file gives stays (init_file does not write it again).
#   - show history -j: the script going down, each file value and the
#     transitions they caused, in order.
set -u
T_START=$(date +%s)
cd "$(dirname "$0")/../.."
. tests/lib.sh
. tests/lab.sh
need_root

lab_init || { fail "lab_init"; summary; exit 1; }
lab_node a 198.18.0.1/24
lab_node b 198.18.0.2/24
TD=$LAB_DIR/track
mkdir -p "$TD"
gen_conf() {	# priority [tracking]
	cat <<CONF
vrrp_script chk_fail {
	script "/bin/false"
	interval 1
	weight -40
	rise 2
	fall 1
}
track_file maint {
	file "$TD/maint"
	weight -10
	init_file 0
}
vrrp_track_file ff {
	file "$TD/ff"
	weight 0
}
vrrp_instance VI_T {
	interface eth0
	virtual_router_id 61
	priority $1
	advert_int 0.1
	vrrp_version 3
	virtual_ipaddress {
		198.18.0.61/24
	}
$2
}
CONF
}
gen_conf 200 "	track_script {
		chk_fail
	}
	track_file {
		maint
		ff
	}" >"$LAB_DIR/a.conf"
gen_conf 120 "" >"$LAB_DIR/b.conf"
if [ "$(basename "$BUILD")" = build-san ]; then
	export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
fi
check "had -n accepts track_file, vrrp_track_file and track_file lines" \
    "$BUILD/had" -n -f "$LAB_DIR/a.conf"
lab_start_had b "$LAB_DIR/b.conf" || { fail "had on b up"; summary; exit 1; }
lab_start_had a "$LAB_DIR/a.conf" || { fail "had on a up"; summary; exit 1; }
check "init_file wrote 0 into maint" sh -c "[ \"\$(cat '$TD/maint')\" = 0 ]"
check "a master of VI_T" lab_wait_state a VI_T MASTER 5
check "b backup of VI_T" lab_wait_state b VI_T BACKUP 5

prio() { lab_vrrp_field a VI_T effective_priority; }
prio_is() { [ "$(prio)" = "$1" ]; }
check "the failing script lowers a to 160" wait_for 5 prio_is 160

# --- show checks, show vrrp, metrics ------------------------------------
lab_hactl a show checks -j >"$LAB_DIR/checks.json"
check "show checks -j: chk_fail down, exit status 1, failures >= 1, rise 2 fall 1, weight -40" \
    json_get "$LAB_DIR/checks.json" '[r for r in d if r.get("kind") == "vrrp_script" and r["name"] == "chk_fail" and r["state"] == "down" and r["last_exit_status"] == 1 and r["failures"] >= 1 and r["successes"] == 0 and r["rise"] == 2 and r["fall"] == 1 and r["weight"] == -40] or sys.exit(1)'
check "show checks -j: maint read, value 0; ff unreadable (missing), value 0" \
    json_get "$LAB_DIR/checks.json" '[r for r in d if r.get("kind") == "track_file" and r["name"] == "maint" and r["state"] == "read" and r["value"] == 0 and r["path"].endswith("/maint")] and [r for r in d if r.get("kind") == "track_file" and r["name"] == "ff" and r["state"] == "unreadable" and r["value"] == 0 and "counts as 0" in r["reason"]] or sys.exit(1)'
lab_hactl a show checks >"$LAB_DIR/checks.txt"
check "show checks (text): chk_fail down, exit 1" \
    grep -Eq '^vrrp_script +chk_fail +down +exit 1 ' "$LAB_DIR/checks.txt"
lab_hactl a show vrrp VI_T -j >"$LAB_DIR/v.json"
check "show vrrp VI_T -j: chk_fail down takes 40, maint and ff nothing" \
    json_get "$LAB_DIR/v.json" '{(t["kind"], t["name"]): (t["state"], t["weight"], t["delta"], t["fault"]) for t in d[0]["tracking"]} == {("vrrp_script", "chk_fail"): ("down", -40, -40, False), ("track_file", "maint"): ("read", -10, 0, False), ("track_file", "ff"): ("read", 0, 0, False)} or sys.exit(1)'
lab_hactl a show vrrp VI_T >"$LAB_DIR/v.txt"
check "show vrrp VI_T: $(grep -o 'effective priority.*' "$LAB_DIR/v.txt")" \
    grep -q 'effective priority 160 = 200 - 40 (vrrp_script chk_fail down)' "$LAB_DIR/v.txt"
lab_hactl a show metrics >"$LAB_DIR/metrics.txt"
check "metrics: had_track_up 0 and exit status 1 for chk_fail, the files' values, the deltas" \
    sh -c "grep -q '^had_track_up{kind=\"vrrp_script\",name=\"chk_fail\"} 0$' '$LAB_DIR/metrics.txt' &&
	grep -q '^had_track_last_exit_status{kind=\"vrrp_script\",name=\"chk_fail\"} 1$' '$LAB_DIR/metrics.txt' &&
	grep -q '^had_track_file_value{kind=\"track_file\",name=\"maint\"} 0$' '$LAB_DIR/metrics.txt' &&
	grep -q '^had_vrrp_track_priority_delta{instance=\"VI_T\",kind=\"vrrp_script\",name=\"chk_fail\"} -40$' '$LAB_DIR/metrics.txt'"
if command -v promtool >/dev/null 2>&1; then
	check "promtool check metrics" sh -c "promtool check metrics <'$LAB_DIR/metrics.txt'"
fi

# --- track_file: weight x number ----------------------------------------
echo 2 >"$TD/maint.new" && mv "$TD/maint.new" "$TD/maint"
check "maint 2 (renamed onto it): priority 160 - 20 = 140" wait_for 3 prio_is 140
check "a still master at 140 > 120" lab_state_is a VI_T MASTER
t0=$(now_ms)
echo 5 >"$TD/maint"
check "maint 5 (in place): priority 110" wait_for 3 prio_is 110
echo "maint 5 -> priority 110 seen: $(( $(now_ms) - t0 )) ms (polled through hactl, an upper bound)"
check "b master of VI_T: 110 < 120" lab_wait_state b VI_T MASTER 3
check "the VIP on b" wait_for 3 lab_has_addr b 198.18.0.61
echo "maint 5 -> VIP on b: $(( $(now_ms) - t0 )) ms (lab_wait_state polls)"
check "a BACKUP" lab_wait_state a VI_T BACKUP 3
lab_hactl a show vrrp VI_T >"$LAB_DIR/v.txt"
check "show vrrp: $(grep -o 'effective priority.*' "$LAB_DIR/v.txt")" \
    grep -q 'effective priority 110 = 200 - 40 (vrrp_script chk_fail down) - 50 (track_file maint 5 x -10)' "$LAB_DIR/v.txt"
echo 0 >"$TD/maint"
check "maint 0: priority 160" wait_for 3 prio_is 160
check "a master of VI_T again (preempt)" lab_wait_state a VI_T MASTER 3
check "the VIP back on a" wait_for 3 lab_has_addr a 198.18.0.61

# --- track_file weight 0: a non-zero number faults -----------------------
echo 1 >"$TD/ff"
check "ff 1: VI_T in FAULT on a" lab_wait_state a VI_T FAULT 3
check "b master of VI_T" lab_wait_state b VI_T MASTER 3
lab_hactl a show vrrp VI_T >"$LAB_DIR/v.txt"
check "show vrrp: $(grep -o 'FAULT by.*' "$LAB_DIR/v.txt")" \
    grep -q 'FAULT by: track_file ff is 1 (weight 0)' "$LAB_DIR/v.txt"
check "last reason names the file: $(lab_vrrp_field a VI_T last_reason)" \
    sh -c "lab_out=\$('$BUILD/hactl' -s '$LAB_DIR/a/had.sock' show vrrp VI_T -j); echo \"\$lab_out\" | grep -q 'track_file ff is 1 (weight 0)'"
echo 0 >"$TD/ff"
check "ff 0: a master of VI_T again" lab_wait_state a VI_T MASTER 5
check "the VIP back on a" wait_for 3 lab_has_addr a 198.18.0.61

# --- respawns and a reload keep what the file says -----------------------
maint_is() {
	lab_hactl a show checks -j 2>/dev/null | python3 -c 'import json,sys
d = json.load(sys.stdin)["items"]
sys.exit(not [r for r in d if r.get("name") == "maint" and r["value"] == int(sys.argv[1]) and r["state"] == "read"])' "$1"
}
echo 3 >"$TD/maint"
check "maint 3: priority 130" wait_for 3 prio_is 130
check "checkd on a respawned after kill -9" lab_kill_child a checkd
check "the new checkd has read maint: 3" wait_for 5 maint_is 3
check "priority still 130 after checkd's respawn" prio_is 130
check "vrrpd on a respawned after kill -9" lab_kill_child a vrrpd
check "priority 130 again after vrrpd's respawn" wait_for 5 prio_is 130
out=$(lab_hactl a reload 2>&1); rc=$?
check "hactl reload (rc $rc)" [ $rc -eq 0 ]
check "after the reload maint is still 3, priority 130" \
    sh -c "sleep 0.5; [ \"\$('$BUILD/hactl' -s '$LAB_DIR/a/had.sock' show vrrp VI_T -j | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"items\"][0][\"effective_priority\"])')\" = 130 ]"
check "init_file did not overwrite maint on the reload" sh -c "[ \"\$(cat '$TD/maint')\" = 3 ]"
echo 0 >"$TD/maint"
check "maint 0: priority 160" wait_for 3 prio_is 160

# --- the history, in order ------------------------------------------------
lab_hactl a show history -j >"$LAB_DIR/h.json"
check "show history -j: script down, maint 0->2->5, VI_T BACKUP, maint 5->0, VI_T MASTER, ff 0->1, FAULT, ff 1->0, MASTER, in order" \
    python3 - "$LAB_DIR/h.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))["items"]
# A file's new value (from checkd) and the transition it causes (from
# vrrpd) reach had on two sockets: either may be kept first.  Groups in
# order, each group's events in any order.
want = [[("track", "chk_fail", "vrrp_script down")],
        [("track", "maint", "value 0 -> 2")],
        [("track", "maint", "value 2 -> 5"), ("vrrp", "VI_T", "BACKUP")],
        [("track", "maint", "value 5 -> 0"), ("vrrp", "VI_T", "MASTER")],
        [("track", "ff", "value 0 -> 1"), ("vrrp", "VI_T", "FAULT")],
        [("track", "ff", "value 1 -> 0"), ("vrrp", "VI_T", "MASTER")]]
i, left = 0, list(want[0])
for e in d:
    if i == len(want):
        break
    for w in left:
        if e["kind"] == w[0] and e["object"] == w[1] and w[2] in e["text"]:
            left.remove(w)
            break
    if not left:
        i += 1
        left = list(want[i]) if i < len(want) else []
if i != len(want):
    print("missing from", left, "in", [(e["kind"], e["object"], e["text"]) for e in d])
    sys.exit(1)
PY
check "had logged the values" grep -q "track_file maint: 5 (read 5)" "$LAB_DIR/a/had.log"
echo "test_vrrp_track ran $(( $(date +%s) - T_START )) s"
summary
