#!/bin/bash
# hactl drain/undrain on a kernel without IPVS (lvsd computes what it
# would program, show lvs says so): the drain is shown in show lvs, -j
# and the metrics, refused for what the config lacks, kept across a
# reload and a kill -9 of lvsd (had hands the set to the new lvsd), and
# gone after undrain.  tests/vm/test_lvs_hold.sh does it with real IPVS.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
need_root
. tests/lab.sh

lab_init
lab_node a 198.18.0.1/24
CONF=$LAB_DIR/a.conf
cat >"$CONF" <<'CONF'
virtual_server 198.18.0.61 80 {
	lb_algo rr
	lb_kind NAT
	protocol TCP
	real_server 198.18.0.70 80 {
		weight 3
	}
	real_server 198.18.0.71 80 {
		weight 4
	}
}
virtual_server fwmark 7 {
	lb_algo rr
	lb_kind DR
	real_server 198.18.0.72 80 {
		weight 2
	}
}
CONF
lab_start_had a "$CONF" || { fail "had up"; summary; exit 1; }
LOG=$LAB_DIR/a/had.log

# drained REAL: "true"/"false" from show lvs -j, "" if absent.
drained() {
	lab_hactl a show lvs -j >"$LAB_DIR/lvs.json" 2>/dev/null &&
	    python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))["items"]
r = [x for s in d for x in s["reals"] if x["real"] == sys.argv[2] and
     s["service"] == sys.argv[3]]
print(str(r[0]["drained"]).lower() if r else "")' "$LAB_DIR/lvs.json" "$1" "$2"
}
is_drained() { [ "$(drained "$1" "$2")" = "$3" ]; }

check "nothing drained at start" is_drained 198.18.0.70:80 "TCP 198.18.0.61:80" false
out=$(lab_hactl a drain 198.18.0.61:80 198.18.0.70:80 2>&1); rc=$?
check "drain accepted (rc $rc: $out)" [ $rc -eq 0 ]
check "show lvs -j: drained" wait_for 5 is_drained 198.18.0.70:80 "TCP 198.18.0.61:80" true
check "the other real server is not" is_drained 198.18.0.71:80 "TCP 198.18.0.61:80" false
check "show lvs marks it" sh -c "'$BUILD/hactl' -s '$LAB_DIR/a/had.sock' show lvs | grep -E -q '198.18.0.70:80 +drain'"
check "metrics: had_lvs_real_server_drained 1" sh -c "'$BUILD/hactl' -s '$LAB_DIR/a/had.sock' show metrics | grep -qxF 'had_lvs_real_server_drained{service=\"TCP 198.18.0.61:80\",real=\"198.18.0.70:80\"} 1'"
check "had logged who drained it" grep -q "198.18.0.61:80: real server 198.18.0.70:80 drained: weight 0 until undrained (uid 0)" "$LOG"
check "lvsd logged it" grep -q "198.18.0.61:80: real server 198.18.0.70:80 drained (weight 0)" "$LOG"

out=$(lab_hactl a drain fwmark:7 198.18.0.72:80 --wait 5 2>&1); rc=$?
check "drain fwmark:7 --wait: no connection left (rc $rc: $out)" \
    sh -c "[ $rc -eq 0 ] && echo '$out' | grep -q '^0 active connections left on 198.18.0.72:80'"
check "fwmark 7 real server drained" is_drained 198.18.0.72:80 "FWM 7" true

out=$(lab_hactl a drain 198.18.0.62:80 198.18.0.70:80 2>&1); rc=$?
check "unknown virtual server refused (rc $rc: $out)" \
    sh -c "[ $rc -ne 0 ] && echo '$out' | grep -q 'no real server 198.18.0.70:80 in virtual server 198.18.0.62:80'"
out=$(lab_hactl a drain 198.18.0.61:80 198.18.0.79:80 2>&1); rc=$?
check "unknown real server refused (rc $rc)" [ $rc -ne 0 ]
out=$(lab_hactl a drain 198.18.0.61 198.18.0.70:80 2>&1); rc=$?
check "a virtual server without its port refused (rc $rc: $out)" [ $rc -ne 0 ]
out=$(lab_hactl a drain 198.18.0.61:80 198.18.0.70 2>&1); rc=$?
check "a real server without its port refused (rc $rc: $out)" \
    sh -c "[ $rc -ne 0 ] && echo '$out' | grep -q 'real server not ADDR:PORT'"
out=$(lab_hactl a undrain 198.18.0.61:80 198.18.0.71:80 2>&1); rc=$?
check "undrain of a server not drained refused (rc $rc: $out)" \
    sh -c "[ $rc -ne 0 ] && echo '$out' | grep -q 'is not drained'"

out=$(lab_hactl a reload 2>&1); rc=$?
check "reload (rc $rc)" [ $rc -eq 0 ]
check "drain kept across the reload" is_drained 198.18.0.70:80 "TCP 198.18.0.61:80" true

check "lvsd respawned after kill -9" lab_kill_child a lvsd
check "drain kept across the respawn" wait_for 5 is_drained 198.18.0.70:80 "TCP 198.18.0.61:80" true
check "fwmark drain kept too" is_drained 198.18.0.72:80 "FWM 7" true

out=$(lab_hactl a undrain 198.18.0.61:80 198.18.0.70:80 2>&1); rc=$?
check "undrain accepted (rc $rc: $out)" [ $rc -eq 0 ]
check "undrained" wait_for 5 is_drained 198.18.0.70:80 "TCP 198.18.0.61:80" false
check "lvsd logged the undrain" grep -q "198.18.0.61:80: real server 198.18.0.70:80 undrained" "$LOG"
summary
