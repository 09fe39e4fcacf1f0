#!/bin/bash
# A child the configuration gives nothing to do is not started (issue 19,
# as keepalived starts its VRRP, checker and BFD children only for their
# parts): with virtual servers alone only lvsd runs.  hactl says so and
# answers a show of an absent child at once; a reload that gives a child
# its first work starts it, sandboxed like any other, and it stays.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
. tests/lab.sh
need_root

lab_init || { fail "lab_init"; summary; exit 1; }
lab_node a 198.18.0.1/24
C=$LAB_DIR/a.conf
cat >"$C" <<'CONF'
virtual_server 198.18.0.80 80 {
	lb_algo rr
	lb_kind DR
	real_server 198.18.0.81 80 {
		weight 1
	}
}
CONF
lab_start_had a "$C" || { fail "had up"; summary; exit 1; }
HP=$(lab_had_pid a)
P=$LAB_DIR/p.json
procs() { lab_hactl a show procs -j >"$P" 2>/dev/null; }
field() {	# name field
	procs && json_get "$P" "[r['$2'] for r in d if r['name']=='$1'][0]"
}
# had's children from the kernel's process list, not from had.
kids() { ps -o comm= --ppid "$HP" | sort | tr '\n' ' '; }

check "lvsd running" wait_for 5 sh -c "[ \"\$(ps -o comm= --ppid $HP)\" = lvsd ]"
check "had's only child is lvsd ($(kids))" [ "$(kids)" = "lvsd " ]
for c in vrrpd checkd bfdd; do
	check "show procs: $c pid 0, not running" \
	    [ "$(field $c pid)" = 0 -a "$(field $c running)" = False ]
	check "show procs: $c says why ($(field $c last_exit))" \
	    [ "$(field $c last_exit)" = "not started: nothing configured for it" ]
done
check "had logs why bfdd is not started" \
    grep -q "bfdd not started: the configuration has no bfd_instance" "$LAB_DIR/a/had.log"

# A show of an absent child: no rows, a note, at once.
t0=$(now_ms)
out=$(timeout 5 "$BUILD/hactl" -s "$LAB_DIR/a/had.sock" show bfd -j 2>"$LAB_DIR/err"); rc=$?
ms=$(( $(now_ms) - t0 ))
check "show bfd answers at once (rc $rc, $ms ms)" [ $rc -eq 0 -a $ms -lt 2000 ]
check "show bfd -j: no rows" sh -c "echo '$out' | python3 -c 'import json,sys; sys.exit(json.load(sys.stdin)[\"items\"] != [])'"
check "show bfd says bfdd is not running and why ($(cat "$LAB_DIR/err"))" \
    grep -q "bfdd is not running: the configuration has no bfd_instance" "$LAB_DIR/err"
out=$(timeout 5 "$BUILD/hactl" -s "$LAB_DIR/a/had.sock" show checks 2>&1); rc=$?
check "show checks: rc 0 and checkd is not running ($out)" \
    sh -c "[ $rc -eq 0 ] && echo '$out' | grep -q 'checkd is not running'"
out=$(timeout 5 "$BUILD/hactl" -s "$LAB_DIR/a/had.sock" show vrrp 2>&1); rc=$?
check "show vrrp: rc 0 and vrrpd is not running ($out)" \
    sh -c "[ $rc -eq 0 ] && echo '$out' | grep -q 'vrrpd is not running'"
timeout 10 "$BUILD/hactl" -s "$LAB_DIR/a/had.sock" show metrics >"$LAB_DIR/m.txt"
check "metrics: every part of the scrape ok" \
    [ "$(grep -c '^had_scrape_ok{.*} 1$' "$LAB_DIR/m.txt")" = 5 ]

# A reload with the same file starts nothing.
out=$(lab_hactl a reload 2>&1)
check "a reload of the same file starts nothing ($(kids))" [ "$(kids)" = "lvsd " ]

# bfd_instance: bfdd starts, sandboxed, and has the session.
cat >>"$C" <<'CONF'
bfd_instance B1 {
	neighbor_ip 198.18.0.9
	min_rx 100
	min_tx 100
}
CONF
out=$(lab_hactl a reload 2>&1); rc=$?
echo "$out" | sed 's/^/  /'
check "reload adding a bfd_instance: done (rc $rc)" [ $rc -eq 0 ]
check "... and says bfd: added bfd_instance B1" \
    sh -c "echo '$out' | grep -q '^bfd: added bfd_instance B1'"
check "... and vrrp: not started (no vrrp_instance yet)" \
    sh -c "echo '$out' | grep -qx 'vrrp: not started: the configuration has no vrrp_instance'"
check "bfdd is now had's child ($(kids))" [ "$(kids)" = "bfdd lvsd " ]
bp=$(field bfdd pid)
check "bfdd: its own user, a seccomp filter, no capability" \
    [ "$(field bfdd user)" = _had-bfd -a "$(field bfdd seccomp)" = filter \
    -a "$(field bfdd cap_eff)" = 0000000000000000 ]
check "show bfd lists B1" sh -c "'$BUILD/hactl' -s '$LAB_DIR/a/had.sock' show bfd -j | grep -q '\"name\": \"B1\"'"
check "show procs: bfdd's last exit cleared ($(field bfdd last_exit))" \
    [ "$(field bfdd last_exit)" = "" ]

# vrrp_instance: vrrpd starts, becomes Master, lvsd adds its VIP.
cat >>"$C" <<'CONF'
vrrp_instance VI_1 {
	interface eth0
	virtual_router_id 81
	priority 150
	advert_int 0.1
	vrrp_version 3
	virtual_ipaddress {
		198.18.0.80/24
	}
}
CONF
out=$(lab_hactl a reload 2>&1); rc=$?
check "reload adding a vrrp_instance: done (rc $rc)" [ $rc -eq 0 ]
check "vrrpd started ($(kids))" [ "$(kids)" = "bfdd lvsd vrrpd " ]
check "VI_1 MASTER" lab_wait_state a VI_1 MASTER 5
check "VIP on eth0" wait_for 3 lab_has_addr a 198.18.0.80

# A check: checkd starts and runs it.
sed -i 's/^		weight 1$/		weight 1\n		TCP_CHECK {\n			connect_timeout 1\n		}/' "$C"
out=$(lab_hactl a reload 2>&1); rc=$?
check "reload adding a TCP_CHECK: done (rc $rc)" [ $rc -eq 0 ]
check "checkd started ($(kids))" [ "$(kids)" = "bfdd checkd lvsd vrrpd " ]
check "show checks lists the check" sh -c "'$BUILD/hactl' -s '$LAB_DIR/a/had.sock' show checks -j | grep -q TCP_CHECK"

# Work taken away again: the children stay, nothing restarts.
cat >"$C" <<'CONF'
virtual_server 198.18.0.80 80 {
	lb_algo rr
	lb_kind DR
	real_server 198.18.0.81 80 {
		weight 1
	}
}
CONF
out=$(lab_hactl a reload 2>&1); rc=$?
check "reload taking the work away: done (rc $rc)" [ $rc -eq 0 ]
check "every child stays ($(kids))" [ "$(kids)" = "bfdd checkd lvsd vrrpd " ]
check "bfdd is the same process" [ "$(field bfdd pid)" = "$bp" ]
check "a started bfdd is respawned after kill -9" lab_kill_child a bfdd
check "no child restarted but the one killed" \
    [ "$(procs && json_get "$P" 'sum(r["restarts"] for r in d)')" = 1 ]
lab_end_checks a
summary
