#!/bin/bash
# The golden outputs of hactl against a running had: show procs, vrrp,
# lvs, checks and bfd as text and -j, and show metrics, compared with
# tests/golden/live/ once what changes from run to run is masked (every
# number, durations, the lab's directory).  The byte-exact comparison of
# the same printers on fixed rows is the unit test test_hactl_golden;
# this one is the path through had and its children.
#
#   tests/integration/test_golden.sh            compare
#   tests/integration/test_golden.sh --update   rewrite tests/golden/live/
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
need_root
. tests/lab.sh

GOLD=tests/golden/live
UPDATE=0
[ "${1:-}" = "--update" ] && UPDATE=1

lab_init || { fail "lab_init"; summary; exit 1; }
lab_node a 198.18.0.1/24
cat >"$LAB_DIR/a.conf" <<CONF
vrrp_script chk_fail {
	script "/bin/false"
	interval 1
	weight -40
	rise 2
	fall 1
}
track_file tf {
	file "$LAB_DIR/tf"
	weight -10
	init_file 0
}
bfd_instance B1 {
	neighbor_ip 198.18.0.3
	source_ip 198.18.0.1
	min_rx 100
	min_tx 100
	multiplier 3
}
vrrp_instance VI_G {
	state BACKUP
	interface eth0
	virtual_router_id 62
	priority 120
	advert_int 0.1
	vrrp_version 3
	virtual_ipaddress {
		198.18.0.62/24
	}
	track_script {
		chk_fail
	}
	track_file {
		tf
	}
}
virtual_server 198.18.0.62 80 {
	lb_algo rr
	lb_kind NAT
	delay_loop 1
	real_server 198.18.0.1 9 {
		weight 3
		TCP_CHECK {
			connect_timeout 1
		}
	}
}
CONF
lab_start_had a "$LAB_DIR/a.conf" || { fail "had up"; summary; exit 1; }
check "VI_G becomes master" lab_wait_state a VI_G MASTER 5
checked() {
	lab_hactl a show checks -j | grep -q '"rounds": [1-9]' &&
	    lab_hactl a show checks -j | grep -q '"last_exit_status": 1'
}
check "the check and the script have run" wait_for 10 checked

# Mask what changes between runs, keep every name, string and space.
mask() {
	sed -E -e "s#$LAB_DIR#LAB#g" \
	    -e 's/[0-9]+[dhm][0-9]+[hms]|[0-9]+s\b/DUR/g' \
	    -e 's/[0-9]+/N/g' -e 's/ +N/ N/g' -e 's/ +DUR/ DUR/g'
}

T=$LAB_DIR/golden
mkdir -p "$T"
for what in procs vrrp lvs checks bfd; do
	lab_hactl a show $what >"$T/$what.txt" 2>&1
	lab_hactl a show $what -j >"$T/$what.json" 2>&1
done
lab_hactl a show metrics >"$T/metrics.prom" 2>&1
for f in "$T"/*; do
	n=$(basename "$f")
	mask <"$f" >"$f.masked"
	if [ "$UPDATE" -eq 1 ]; then
		cp "$f.masked" "$GOLD/$n"
		continue
	fi
	if diff -u "$GOLD/$n" "$f.masked" >"$T/$n.diff"; then
		pass "hactl show output $n as in $GOLD"
	else
		fail "hactl show output $n differs from $GOLD: $(head -c 1500 "$T/$n.diff")"
	fi
done
[ "$UPDATE" -eq 1 ] && echo "updated $GOLD"
summary
