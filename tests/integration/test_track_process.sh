#!/bin/bash
# vrrp_track_process: processes started before had are found by the scan
# of /proc; killing one lowers the priority by its weight (quorum 2 of a
# process name), starting it again restores it; a tracked command line
# with weight 0 puts its instance in FAULT while it is not running, and
# back when it runs again.  The processes are copies of sleep under a
# name of this test's own.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
need_root
. tests/lab.sh

lab_init
lab_node a 198.18.0.1/24
NAME=hatp$$
NAME=${NAME:0:15}
BIN=$LAB_DIR/$NAME
cp /bin/sleep "$BIN"

"$BIN" 300 &
P1=$!
lab_track_pid "$P1"
"$BIN" 301 &
P2=$!
lab_track_pid "$P2"

# notify.sh FILE ARGS...: one line per run, with the arguments.
LOG=$LAB_DIR/notify.sh
printf '#!/bin/sh\nf=$1\nshift\necho "$*" >>"$f"\n' >"$LOG"
chmod 755 "$LOG"

cat >"$LAB_DIR/a.conf" <<CONF
vrrp_track_process TP_NAME {
	process $NAME
	quorum 2
	weight -30
}
vrrp_track_process TP_CMD {
	process "$BIN" 301
}
vrrp_instance VI_P {
	interface eth0
	virtual_router_id 61
	priority 100
	advert_int 0.1
	vrrp_version 3
	virtual_ipaddress {
		198.18.0.61/24
	}
	track_process {
		TP_NAME
	}
}
vrrp_instance VI_F {
	interface eth0
	virtual_router_id 62
	priority 100
	advert_int 0.1
	vrrp_version 3
	virtual_ipaddress {
		198.18.0.62/24
	}
	track_process {
		TP_CMD weight 0
	}
}
virtual_server 198.18.0.61 8080 {
	lb_algo rr
	lb_kind NAT
	protocol TCP
	real_server 198.18.0.71 {
		TCP_CHECK {
			connect_timeout 1
		}
	}
#RS2-BEGIN
	real_server 198.18.0.72 8081 {
		notify_down "$LOG $LAB_DIR/rs-down DOWN"
	}
#RS2-END
}
CONF
if [ "$(basename "$BUILD")" = build-san ]; then
	export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
fi
check "had -n accepts the config" sh -c "'$BUILD/had' -n -f '$LAB_DIR/a.conf' >/dev/null"
lab_start_had a "$LAB_DIR/a.conf" || { fail "had up"; summary; exit 1; }
check "VI_P master" lab_wait_state a VI_P MASTER 5
check "VI_F master" lab_wait_state a VI_F MASTER 5

prio_is() { [ "$(lab_vrrp_field a VI_P effective_priority)" = "$1" ]; }
check "scan found both: VI_P at priority 100" wait_for 3 prio_is 100
lab_hactl a show checks -j >"$LAB_DIR/checks.json"
check "show checks: TP_NAME with 2 running" python3 -c '
import json, sys
r = [c for c in json.load(open(sys.argv[1]))["items"] if c.get("real_server") == "TP_NAME"]
sys.exit(not (r and "2 running" in r[0]["reason"]))' "$LAB_DIR/checks.json"

t0=$(now_ms)
kill_pid TERM "$P1"; wait "$P1" 2>/dev/null
if wait_for 5 prio_is 70; then
	pass "one of two killed: VI_P at 70 (weight -30) after $(( $(now_ms) - t0 )) ms"
else
	fail "VI_P priority $(lab_vrrp_field a VI_P effective_priority), not 70"
fi
check "VI_F still master (its command line runs)" lab_state_is a VI_F MASTER

"$BIN" 300 &
P1=$!
lab_track_pid "$P1"
check "started again: VI_P back at 100" wait_for 5 prio_is 100

t0=$(now_ms)
kill_pid TERM "$P2"; wait "$P2" 2>/dev/null
if lab_wait_state a VI_F FAULT 5; then
	pass "tracked command line killed: VI_F FAULT after $(( $(now_ms) - t0 )) ms"
else
	fail "VI_F $(lab_vrrp_field a VI_F state), not FAULT"
fi
r=$(lab_vrrp_field a VI_F last_reason)
check "the reason names the process ($r)" sh -c "echo '$r' | grep -q 'TP_CMD'"
check "VI_F's VIP removed" wait_for 3 sh -c "! ip -n $LAB-a -o addr show | grep -q ' 198.18.0.62/'"

"$BIN" 301 &
P2=$!
lab_track_pid "$P2"
check "started again: VI_F MASTER" lab_wait_state a VI_F MASTER 5
check "VI_P at 100" wait_for 3 prio_is 100

# Another argument is not the tracked command line.
"$BIN" 3011 &
P3=$!
lab_track_pid "$P3"
kill_pid TERM "$P2"; wait "$P2" 2>/dev/null
check "sleep 3011 does not match 'sleep 301': VI_F FAULT" lab_wait_state a VI_F FAULT 5

lab_hactl a show history -j >"$LAB_DIR/history.json"
check "event history: TP_CMD down and up" python3 -c '
import json, sys
t = [e["text"] for e in json.load(open(sys.argv[1]))["items"]
     if e["kind"] == "track" and e["object"] == "TP_CMD"]
sys.exit(not (any(x.startswith("vrrp_track_process down") for x in t) and
              any(x.startswith("vrrp_track_process up") for x in t)))' \
    "$LAB_DIR/history.json"

# A holder of the connector without capabilities (a compromised checkd,
# as _had-check) sends PROC_CN_MCAST_IGNORE: other listeners, and had's
# tracking, go on.
if getent passwd _had-check >/dev/null; then
	out=$(python3 tests/integration/proc_cn_attacker.py _had-check 2>&1)
	rc=$?
	echo "$out" | sed 's/^/    /'
	check "IGNOREs of an unprivileged holder reach no other listener" [ "$rc" = 0 ]
	"$BIN" 301 &
	P2=$!
	lab_track_pid "$P2"
	check "tracking goes on after them: VI_F MASTER" lab_wait_state a VI_F MASTER 5
else
	skip "no user _had-check for the connector attacker"
fi
# keepalived parity (issue 17): a real_server without a port takes the
# virtual server's, and its check probes that port; notify_down of a real
# server a reload removes runs.
lab_hactl a show checks -j >"$LAB_DIR/checks.json"
check "real_server without a port: its check probes 198.18.0.71:8080" python3 -c '
import json, sys
r = [c for c in json.load(open(sys.argv[1]))["items"] if c.get("type") == "TCP_CHECK"]
sys.exit(not (r and r[0]["real_server"] == "198.18.0.71:8080" and r[0]["target"] in ("", "198.18.0.71:8080")))' "$LAB_DIR/checks.json"
check "no notify_down before the reload" [ ! -e "$LAB_DIR/rs-down" ]
sed -i '/#RS2-BEGIN/,/#RS2-END/d' "$LAB_DIR/a.conf"
check "reload without 198.18.0.72:8081" lab_hactl a reload
check "notify_down of the removed real server ran" wait_for 5 grep -qx DOWN "$LAB_DIR/rs-down"

check "checkd still runs (no seccomp kill)" sh -c "'$BUILD/hactl' -s '$LAB_DIR/a/had.sock' show procs | grep -q checkd"
summary
