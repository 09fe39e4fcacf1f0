#!/bin/bash
# Scripts had runs as root, with enable_script_security, against a local
# user who would like them to run something else:
#   - shell operators in a command are words, never a shell: evil.sh in
#     "/bin/echo INJECT && evil.sh; ..." does not run;
#   - a symlink in a directory owned by nobody, swapped between a benign
#     and an evil program by a racer (10 s, as nobody): evil never runs,
#     every attempt is refused and logged;
#   - a group-writable directory on the path: refused, logged;
#   - a program in safe directories runs, its $0 the resolved path;
#   - the environment is PATH only (a variable set in had's environment
#     is absent), cwd /, stdin /dev/null, output to had's log;
#   - notify scripts of one instance run in the order of the transitions
#     even when the first is slower than the time between them;
#   - the sync group's notify runs too, with GROUP name state;
#   - a reload changing a vrrp_script while it runs does not make
#     checkd's new request look like a protocol violation.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
need_root
. tests/lab.sh

lab_init
lab_node a 198.18.0.1/24
# Not under /tmp: a directory anyone may write is unsafe all by itself,
# and each case must be refused for its own reason.
S=$(mktemp -d /run/had-scr.XXXXXX)
chmod 755 "$S"
RACER=""
cleanup() {
	[ -n "$RACER" ] && kill_pid KILL "$RACER" 2>/dev/null
	lab_cleanup
	rm -rf "$S"
}
trap cleanup EXIT

O=$LAB_DIR/out
mkdir -p "$O" "$S/ok" "$S/gw" "$S/race"
# evil.sh is root's and in a safe place: only the way to it is not.
printf '#!/bin/sh\necho "evil uid=$(id -u) $*" >>%s/evil.log\n' "$O" >"$S/evil.sh"
printf '#!/bin/sh\necho "$0 uid=$(id -u)" >>%s/ok.log\n' "$O" >"$S/ok/s.sh"
printf '#!/bin/sh\necho "gw uid=$(id -u)" >>%s/gw.log\n' "$O" >"$S/gw/s.sh"
chmod 755 "$S/evil.sh" "$S/ok/s.sh" "$S/gw/s.sh"
chgrp nogroup "$S/gw" && chmod 775 "$S/gw"
chown nobody:nogroup "$S/race"
setpriv --reuid=nobody --regid=nogroup --clear-groups \
    ln -s "$S/ok/s.sh" "$S/race/link"

cat >"$LAB_DIR/a.conf" <<'CONF'
global_defs {
	enable_script_security
}
vrrp_instance VI_S {
	state BACKUP
	interface eth0
	virtual_router_id 61
	priority 100
	advert_int 1
	virtual_ipaddress {
		198.18.0.100/24
	}
	notify_master "/bin/echo INJECT && @S@/evil.sh; @S@/evil.sh | @S@/evil.sh `@S@/evil.sh` $(@S@/evil.sh)"
	notify_backup "/bin/sh -c 'env >@O@/env; pwd >@O@/cwd; ls -l /proc/self/fd/0 >@O@/stdin'"
	notify "/bin/sh -c 'case $3 in BACKUP) sleep 6 ;; esac; echo $3 $(date +%s%N) >>@O@/order' had-notify"
}
vrrp_script chk_slow {
	script "/bin/sleep 3"
	interval 1
	timeout 5
}
vrrp_sync_group G_S {
	group {
		VI_S
	}
	notify "/bin/sh -c 'echo $1 $2 $3 >>@O@/group' had-group"
}
virtual_server 198.18.0.80 80 {
	delay_loop 1
	lb_algo rr
	lb_kind NAT
	real_server 198.18.0.81 80 {
		MISC_CHECK {
			misc_path "@S@/ok/s.sh arg"
		}
	}
	real_server 198.18.0.82 80 {
		MISC_CHECK {
			misc_path "@S@/gw/s.sh"
		}
	}
	real_server 198.18.0.83 80 {
		MISC_CHECK {
			misc_path "@S@/race/link"
			delay_loop 0.1
			delay_before_retry 0.1
		}
	}
}
CONF
sed -i -e "s|@S@|$S|g" -e "s|@O@|$O|g" "$LAB_DIR/a.conf"

export HAD_SECRET=1
lab_start_had a "$LAB_DIR/a.conf" || { fail "had up"; summary; exit 1; }
unset HAD_SECRET
LOG=$LAB_DIR/a/had.log
HADPID=$(lab_had_pid a)
check "had's own environment has HAD_SECRET" \
    grep -qz '^HAD_SECRET=1$' "/proc/$HADPID/environ"

# The racer: nobody swaps the link between ok and evil, 10 s.
T0=$(now_ms)
setpriv --reuid=nobody --regid=nogroup --clear-groups sh -c '
	end=$(( $(date +%s) + 10 )); n=0
	while [ "$(date +%s)" -lt "$end" ]; do
		ln -sfn "$1" "$2.new" && mv -Tf "$2.new" "$2"
		ln -sfn "$3" "$2.new" && mv -Tf "$2.new" "$2"
		n=$((n + 2))
	done
	echo "$n"' racer "$S/ok/s.sh" "$S/race/link" "$S/evil.sh" \
    >"$O/swaps" &
RACER=$!

check "VI_S master" lab_wait_state a VI_S MASTER 10
check "notify_backup ran" wait_for 5 test -s "$O/env"
env_lines=$(tr '\n' ' ' <"$O/env")
check "script environment is PATH only ($env_lines)" \
    [ "$(grep -v '^PWD=' "$O/env" | sort | tr '\n' ' ')" = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin " ]
check "HAD_SECRET absent from the script's environment" \
    sh -c "! grep -q HAD_SECRET '$O/env'"
check "script cwd is / ($(cat "$O/cwd"))" [ "$(cat "$O/cwd")" = / ]
check "script stdin is /dev/null" grep -q ' -> /dev/null$' "$O/stdin"

# The injection: echo printed its arguments, && and all.
check "notify_master ran /bin/echo with '&&' as a word, its output logged" \
    wait_for 3 grep -qF "had: script VI_S (notify): INJECT && $S/evil.sh; $S/evil.sh | $S/evil.sh \`$S/evil.sh\` \$($S/evil.sh)" "$LOG"

check "a program in safe directories runs, \$0 resolved ($(head -1 "$O/ok.log" 2>/dev/null))" \
    wait_for 3 grep -qx "$S/ok/s.sh uid=0" "$O/ok.log"
check "group-writable directory: refused, logged" \
    wait_for 3 grep -q "refused to run as root: $S/gw may be changed by a user other than root" "$LOG"
check "group-writable directory: never ran" test ! -e "$O/gw.log"

wait "$RACER"
RACER=""
swaps=$(cat "$O/swaps" 2>/dev/null || echo 0)
refused=$(grep -c "refused to run as root: $S/race may be changed" "$LOG")
evil=$(cat "$O/evil.log" 2>/dev/null | wc -l)
echo "racer: $swaps swaps in $(( ($(now_ms) - T0) / 1000 )) s; $refused runs of the link refused; evil ran $evil times"
check "racer swapped the link (swaps $swaps)" [ "$swaps" -gt 100 ]
check "every run of the raced link refused and logged ($refused)" \
    [ "$refused" -ge 20 ]
check "evil.sh never ran ($evil)" [ "$evil" = 0 ]

# Order: BACKUP's generic notify sleeps 6 s; MASTER came at ~4 s and
# waited for it.
check "generic notify ran BACKUP then MASTER" \
    wait_for 6 sh -c "[ \"\$(cut -d' ' -f1 '$O/order' | tr '\n' ' ')\" = 'BACKUP MASTER ' ]"
if [ -s "$O/order" ]; then
	b=$(awk '$1 == "BACKUP" { print $2 }' "$O/order")
	m=$(awk '$1 == "MASTER" { print $2 }' "$O/order")
	check "MASTER's notify started after BACKUP's ended ($(( (m - b) / 1000000 )) ms later)" \
	    [ "$m" -gt "$b" ]
fi
check "sync group's generic notify: GROUP G_S BACKUP, then MASTER" \
    wait_for 3 sh -c "[ \"\$(tr '\n' ' ' <'$O/group')\" = 'GROUP G_S BACKUP GROUP G_S MASTER ' ]"
# A reload that changes a vrrp_script while it runs: checkd asks for the
# same name again under its new config; not a protocol violation.
sed -i 's|"/bin/sleep 3"|"/bin/sleep 2"|' "$LAB_DIR/a.conf"
check "reload with chk_slow changed" sh -c "'$BUILD/hactl' -s '$LAB_DIR/a/had.sock' reload >/dev/null 2>&1"
sleep 3
echo "chk_slow asked for again while its old run ran: $(grep -c 'script chk_slow (checkd): asked for again by a newer' "$LOG") times"
check "chk_slow runs its new command" \
    wait_for 5 sh -c "pgrep -xf '/bin/sleep 2' >/dev/null"
check "checkd never replaced" \
    [ "$(lab_hactl a show procs -j | python3 -c 'import json,sys; print([r["restarts"] for r in json.load(sys.stdin)["items"] if r["name"]=="checkd"][0])')" = 0 ]
if grep -Eq 'AddressSanitizer|runtime error:' "$LOG"; then
	fail "sanitizer report in the log"
else
	pass "no sanitizer report"
fi
summary
