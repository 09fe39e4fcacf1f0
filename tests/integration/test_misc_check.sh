#!/bin/bash
# MISC_CHECK: checkd asks had to run misc_path by the check's name; had
# runs it as script_user; exit status, misc_dynamic weight and timeout.
# FILE_CHECK: a real server follows the number in a track_file (weight 0
# reverse: 0 takes it out; dynamic: the number is added to its weight),
# as lvsd decides it (show lvs -j want_weight; no IPVS needed).
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
need_root
. tests/lab.sh

lab_init
lab_node a 198.18.0.1/24
# A script anyone may change: enable_script_security refuses to run it as
# root.
printf '#!/bin/sh\nexit 0\n' >"$LAB_DIR/unsafe.sh"
chmod 0777 "$LAB_DIR/unsafe.sh"
echo 1 >"$LAB_DIR/f0"
echo 5 >"$LAB_DIR/fw"
cat >"$LAB_DIR/a.conf" <<'CONF'
global_defs {
	script_user nobody
	enable_script_security
}
track_file F0 {
	file "@DIR@/f0"
}
track_file FW {
	file "@DIR@/fw"
}
virtual_server 198.18.0.100 80 {
	delay_loop 30
	lb_algo wrr
	lb_kind NAT
	real_server 198.18.0.101 80 {
		weight 3
		FILE_CHECK {
			track_file F0
			weight 0 reverse
		}
	}
	real_server 198.18.0.102 80 {
		weight 10
		FILE_CHECK {
			track_file FW
			dynamic
		}
	}
}
virtual_server 198.18.0.80 80 {
	delay_loop 1
	lb_algo rr
	lb_kind NAT
	real_server 198.18.0.81 80 {
		MISC_CHECK {
			misc_path "/bin/true"
		}
	}
	real_server 198.18.0.82 80 {
		MISC_CHECK {
			misc_path "/bin/false"
		}
	}
	real_server 198.18.0.83 80 {
		MISC_CHECK {
			misc_path "/bin/sh -c 'exit 7'"
			misc_dynamic
		}
	}
	real_server 198.18.0.84 80 {
		MISC_CHECK {
			misc_path "/bin/sleep 5"
			misc_timeout 1
		}
	}
	real_server 198.18.0.85 80 {
		MISC_CHECK {
			misc_path "/bin/sh -c 'test $(id -un) = nobody'"
		}
	}
	real_server 198.18.0.86 80 {
		MISC_CHECK {
			misc_path "/bin/true"
			user root
		}
	}
	real_server 198.18.0.87 80 {
		MISC_CHECK {
			misc_path "@UNSAFE@"
			user root
		}
	}
}
# Quorum without IPVS in the kernel (this machine): it follows health,
# not the next `hactl show lvs`.
virtual_server 198.18.0.90 80 {
	delay_loop 1
	lb_algo rr
	lb_kind NAT
	quorum 2
	quorum_down "/bin/true"
	real_server 198.18.0.91 80 {
		MISC_CHECK {
			misc_path "/bin/true"
		}
	}
	real_server 198.18.0.92 80 {
		MISC_CHECK {
			misc_path "/bin/false"
		}
	}
}
CONF
sed -i -e "s|@UNSAFE@|$LAB_DIR/unsafe.sh|" -e "s|@DIR@|$LAB_DIR|" "$LAB_DIR/a.conf"
lab_start_had a "$LAB_DIR/a.conf" || { fail "had up"; summary; exit 1; }

J=$LAB_DIR/checks.json
field() {	# rs field
	lab_hactl a show checks -j >"$J" 2>/dev/null &&
	    python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))["items"]
r = [c for c in d if c.get("real_server", "").startswith(sys.argv[2] + ":")]
print(r[0][sys.argv[3]] if r else "")' "$J" "$1" "$2"
}
settled() { [ "$(field 198.18.0.84 state)" = down ] && [ "$(field 198.18.0.82 state)" = down ]; }
check "checks settle within 8 s" wait_for 8 settled
check "exit 0: up" [ "$(field 198.18.0.81 state)" = up ]
check "exit 1: down" [ "$(field 198.18.0.82 state)" = down ]
r=$(field 198.18.0.82 reason)
check "exit 1: the reason says so ($r)" sh -c "echo '$r' | grep -q 1"
check "misc_dynamic exit 7: up" [ "$(field 198.18.0.83 state)" = up ]
check "misc_dynamic exit 7: weight 5" [ "$(field 198.18.0.83 weight)" = 5 ]
r=$(field 198.18.0.84 reason)
check "misc_timeout: down with a timeout reason ($r)" \
    sh -c "echo '$r' | grep -qi 'time'"
check "runs as script_user nobody" [ "$(field 198.18.0.85 state)" = up ]
check "enable_script_security: a root-owned program runs as root" \
    [ "$(field 198.18.0.86 state)" = up ]
unsafe_down() { [ "$(field 198.18.0.87 state)" = down ]; }
check "enable_script_security: a world-writable script is not run as root" \
    wait_for 5 unsafe_down
check "enable_script_security: the log says why" \
    grep -q "refused to run as root: .*unsafe.sh may be changed by a user other than root" \
    "$LAB_DIR/a/had.log"
qlost() { grep -q "TCP 198.18.0.90:80: quorum lost" "$LAB_DIR/a/had.log"; }
check "quorum lost when a real server goes down, no show lvs asked" \
    wait_for 5 qlost
check "quorum_down runs" wait_for 5 grep -q \
    "virtual server TCP 198.18.0.90:80: running quorum_down" "$LAB_DIR/a/had.log"

# FILE_CHECK, from lvsd's side: health/want_weight of a real server.
rs_state() {
	lab_hactl a show lvs -j 2>/dev/null | python3 -c 'import json,sys
r = [x for s in json.load(sys.stdin)["items"] for x in s["reals"]
     if x["real"] == sys.argv[1]]
print("%s/%s" % (r[0]["health"], r[0]["want_weight"]) if r else "")' "$1" 2>/dev/null
}
rs_is() { [ "$(rs_state "$1")" = "$2" ]; }
check "FILE_CHECK weight 0 reverse, file 1: in at weight 3 ($(rs_state 198.18.0.101:80))" \
    wait_for 5 rs_is 198.18.0.101:80 up/3
check "FILE_CHECK dynamic, file 5: weight 10 + 5 ($(rs_state 198.18.0.102:80))" \
    wait_for 5 rs_is 198.18.0.102:80 up/15
echo 0 >"$LAB_DIR/f0"
t0=$(now_ms)
if wait_for 5 rs_is 198.18.0.101:80 down/-1; then
	pass "FILE_CHECK: writing 0 takes the server out ($(( $(now_ms) - t0 )) ms, delay_loop 30 s)"
else
	fail "FILE_CHECK: writing 0 takes the server out ($(rs_state 198.18.0.101:80))"
fi
r=$(field 198.18.0.101 reason)
check "FILE_CHECK: the reason names the file and number ($r)" \
    sh -c "echo '$r' | grep -q 'track_file F0 is 0'"
echo 1 >"$LAB_DIR/f0"
check "FILE_CHECK: writing 1 puts it back" wait_for 5 rs_is 198.18.0.101:80 up/3
echo 40 >"$LAB_DIR/fw"
check "FILE_CHECK dynamic: writing 40 sets weight 50 ($(rs_state 198.18.0.102:80))" \
    wait_for 5 rs_is 198.18.0.102:80 up/50
echo -300 >"$LAB_DIR/fw"
check "FILE_CHECK dynamic: -300 (below -253) takes it out" \
    wait_for 5 rs_is 198.18.0.102:80 down/-1
check "checkd was never replaced" \
    [ "$(lab_hactl a show procs -j | python3 -c 'import json,sys; print([r["restarts"] for r in json.load(sys.stdin)["items"] if r["name"]=="checkd"][0])')" = 0 ]
summary
