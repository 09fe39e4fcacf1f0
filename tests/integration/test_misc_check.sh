#!/bin/bash
# MISC_CHECK: checkd asks had to run misc_path by the check's name; had
# runs it as script_user; exit status, misc_dynamic weight and timeout.
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
cat >"$LAB_DIR/a.conf" <<'CONF'
global_defs {
	script_user nobody
	enable_script_security
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
sed -i "s|@UNSAFE@|$LAB_DIR/unsafe.sh|" "$LAB_DIR/a.conf"
lab_start_had a "$LAB_DIR/a.conf" || { fail "had up"; summary; exit 1; }

J=$LAB_DIR/checks.json
field() {	# rs field
	lab_hactl a show checks -j >"$J" 2>/dev/null &&
	    python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))["items"]
r = [c for c in d if c["real_server"].startswith(sys.argv[2] + ":")]
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
check "checkd was never replaced" \
    [ "$(lab_hactl a show procs -j | python3 -c 'import json,sys; print([r["restarts"] for r in json.load(sys.stdin)["items"] if r["name"]=="checkd"][0])')" = 0 ]
summary
