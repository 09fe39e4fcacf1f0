#!/bin/bash
# Foundation: the privilege-separated process tree, watchdog, control
# socket and reload, with real processes in a network namespace.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
need_root

HAD=$BUILD/had
HACTL=$BUILD/hactl
CONF_SRC=tests/integration/foundation.conf

T=$(mktemp -d /tmp/had-found.XXXXXX)
chmod 755 "$T"
NS=hadt-found-$$
NS2=hadt-found2-$$
HADPID=
HADPID2=

cleanup() {
	for p in $HADPID $HADPID2; do
		kill_pid TERM "$p" 2>/dev/null
	done
	sleep 0.3
	for p in $HADPID $HADPID2; do
		kill_pid KILL "$p" 2>/dev/null
	done
	[ -n "${NOTIFYPID:-}" ] && kill_pid TERM "$NOTIFYPID" 2>/dev/null
	ip netns del "$NS" 2>/dev/null
	ip netns del "$NS2" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

ip netns add "$NS" || { fail "ip netns add"; summary; exit 1; }
ip netns add "$NS2"
ip -n "$NS" link set lo up
ip -n "$NS2" link set lo up

cp "$CONF_SRC" "$T/had.conf"
SOCK=$T/had.sock
PIDF=$T/had.pid
ROOT=$T/empty

start_had() {	# ns sock pidfile chroot conf log
	ip netns exec "$1" "$HAD" -d -X "$BUILD" -f "$5" -s "$2" -p "$3" \
	    -C "$4" >"$6" 2>&1 &
	echo $!
}

procs_json() {	# sock out
	"$HACTL" -s "$1" show procs -j >"$2"
}

all_up() {	# sock
	procs_json "$1" "$T/p.json" &&
	    [ "$(json_get "$T/p.json" 'sum(1 for r in d if r["running"] and r["pid"] > 0)')" = 5 ]
}

pid_of() {	# name [sock]
	procs_json "${2:-$SOCK}" "$T/p.json" &&
	    json_get "$T/p.json" "[r['pid'] for r in d if r['name']=='$1'][0]"
}

field_of() {	# name field [sock]
	procs_json "${3:-$SOCK}" "$T/p.json" &&
	    json_get "$T/p.json" "[r['$2'] for r in d if r['name']=='$1'][0]"
}

# A stand-in for systemd's notify socket, to see READY=1.
python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(20)
with open(sys.argv[2], "a") as f:
    for _ in range(50):
        try:
            m = s.recv(4096)
        except socket.timeout:
            break
        f.write(m.decode() + "\n---\n")
        f.flush()
' "$T/notify.sock" "$T/notify.log" &
NOTIFYPID=$!
wait_for 5 test -S "$T/notify.sock"
HADPID=$(NOTIFY_SOCKET=$T/notify.sock start_had "$NS" "$SOCK" "$PIDF" "$ROOT" "$T/had.conf" "$T/had.log")
if ! wait_for 10 all_up "$SOCK"; then
	fail "had and four children up within 10 s"
	cat "$T/had.log"
	summary
	exit 1
fi
pass "had and four children up"

check "pidfile holds had's pid" [ "$(cat "$PIDF")" = "$HADPID" ]
check "READY=1 sent to NOTIFY_SOCKET once every child is up" \
    wait_for 5 grep -q '^READY=1' "$T/notify.log"
check "READY=1 names had's pid as MAINPID" \
    grep -q "MAINPID=$HADPID" "$T/notify.log"
mode=$(stat -c '%a %U %G' "$SOCK")
check "control socket is 0660 root:_had ($mode)" [ "$mode" = "660 root _had" ]

# Exactly five processes: had and its four children.
kids=$(ps -o pid= --ppid "$HADPID" | wc -l)
check "had has exactly four children ($kids)" [ "$kids" -eq 4 ]

check_child() {	# name capmask user
	local pid st want=$2 root title u=$3 uid gid
	pid=$(pid_of "$1")
	st=/proc/$pid/status
	uid=$(id -u "$u")
	gid=$(id -g "$u")
	[ -r "$st" ] || { fail "$1: /proc/$pid/status readable"; return; }
	check "$1: uid $u (real, effective, saved, fs)" \
	    grep -Eq "^Uid:[[:space:]]+$uid[[:space:]]+$uid[[:space:]]+$uid[[:space:]]+$uid\$" "$st"
	check "$1: gid $u (real, effective, saved, fs)" \
	    grep -Eq "^Gid:[[:space:]]+$gid[[:space:]]+$gid[[:space:]]+$gid[[:space:]]+$gid\$" "$st"
	check "$1: Groups only $u" \
	    grep -Eq "^Groups:[[:space:]]*$gid[[:space:]]*\$" "$st"
	check "$1: seccomp filter on (Seccomp: 2)" \
	    grep -Eq "^Seccomp:[[:space:]]+2\$" "$st"
	for set in CapEff CapPrm CapBnd; do
		check "$1: $set = $want" grep -q "^$set:[[:space:]]*$want\$" "$st"
	done
	check "$1: CapInh and CapAmb empty" \
	    sh -c "grep -q '^CapInh:[[:space:]]*0000000000000000' $st &&
	    grep -q '^CapAmb:[[:space:]]*0000000000000000' $st"
	check "$1: NoNewPrivs 1" grep -q "^NoNewPrivs:[[:space:]]*1\$" "$st"
	root=$(readlink "/proc/$pid/root")
	check "$1: root is the chroot ($root)" [ "$root" = "$ROOT" ]
	check "$1: not dumpable (files owned by root)" \
	    [ "$(stat -c %u "/proc/$pid/status")" = 0 ]
	title=$(tr '\0' ' ' <"/proc/$pid/cmdline")
	check "$1: process title 'had: $1' ($title)" \
	    sh -c "echo '$title' | grep -q '^had: $1'"
	check "$1: parent is had" \
	    [ "$(ps -o ppid= -p "$pid" | tr -d ' ')" = "$HADPID" ]
}
check_child vrrpd 0000000000002000 _had-vrrp	# CAP_NET_RAW
check_child lvsd 0000000000001000 _had-lvs	# CAP_NET_ADMIN
check_child checkd 0000000000000000 _had-check
check_child bfdd 0000000000000000 _had-bfd
kuids=$(for k in vrrpd lvsd checkd bfdd; do
	awk '/^Uid:/ { print $3 }' "/proc/$(pid_of $k)/status"; done |
    sort -u | wc -l)
check "each child its own uid ($kuids distinct)" [ "$kuids" -eq 4 ]

# hactl show procs agrees with /proc.
check "show procs reports vrrpd's capability as cap_net_raw" \
    [ "$(field_of vrrpd capabilities)" = "cap_net_raw" ]
check "show procs reports checkd without capabilities" \
    [ "$(field_of checkd capabilities)" = "none" ]
check "show procs reports the chroot" [ "$(field_of lvsd root)" = "$ROOT" ]
"$HACTL" -s "$SOCK" show procs >"$T/procs.txt"
check "show procs table has a header and five rows" \
    [ "$(grep -cE '^(NAME|had|vrrpd|lvsd|checkd|bfdd) ' "$T/procs.txt")" = 6 ]

# kill -9 each child: a new pid within 1 s, the restart counted.
for c in vrrpd lvsd checkd; do
	old=$(pid_of $c)
	t0=$(now_ms)
	kill_pid KILL "$old"
	newpid() { local p; p=$(pid_of $c) && [ "$p" != "$old" ] && [ "$p" -gt 0 ]; }
	if wait_for 1 newpid; then
		pass "$c respawned in $(( $(now_ms) - t0 )) ms"
	else
		fail "$c respawned within 1 s"
	fi
	wait_for 2 all_up "$SOCK"
	check "$c: restart count 1" [ "$(field_of $c restarts)" = 1 ]
	check "$c: last exit says signal 9" \
	    sh -c "echo '$(field_of $c last_exit)' | grep -q 'signal 9'"
	check "$c: respawned child has dropped privileges again" \
	    grep -q "^NoNewPrivs:[[:space:]]*1\$" "/proc/$(pid_of $c)/status"
done

# A hung child (stopped) is noticed by the watchdog and replaced.
old=$(pid_of checkd)
kill_pid STOP "$old"
t0=$(now_ms)
newpid() { local p; p=$(pid_of checkd) && [ "$p" != "$old" ] && [ "$p" -gt 0 ]; }
if wait_for 8 newpid; then
	pass "hung checkd replaced after $(( $(now_ms) - t0 )) ms"
else
	fail "hung checkd replaced within 8 s"
fi
check "checkd: last exit names the watchdog" \
    sh -c "echo '$(field_of checkd last_exit)' | grep -q watchdog"
check "checkd: restart count 2" [ "$(field_of checkd restarts)" = 2 ]
check "the stopped checkd is gone" [ ! -e "/proc/$old" ]

# Reload: unchanged, changed, broken.
wait_for 3 all_up "$SOCK"
out=$("$HACTL" -s "$SOCK" reload 2>&1); rc=$?
check "reload with no change succeeds" [ $rc -eq 0 ]
check "reload with no change says unchanged for every process ($out)" \
    sh -c "echo '$out' | grep -q '^vrrp: unchanged' &&
    echo '$out' | grep -q '^lvs: unchanged' &&
    echo '$out' | grep -q '^check: unchanged'"

sed -i 's/priority 100/priority 150/' "$T/had.conf"
out=$("$HACTL" -s "$SOCK" reload vrrp 2>&1); rc=$?
check "reload vrrp after a priority change succeeds" [ $rc -eq 0 ]
check "only vrrp is reloaded, and it reports a change ($out)" \
    sh -c "echo '$out' | grep -q '^vrrp: 0 added, 1 changed, 0 removed' &&
    ! echo '$out' | grep -q '^lvs:'"

pids_before=$(for c in vrrpd lvsd checkd; do pid_of $c; done)
cp "$T/had.conf" "$T/good.conf"
printf 'vrrp_instance BROKEN {\n\tpriorty 10\n}\n' >>"$T/had.conf"
out=$("$HACTL" -s "$SOCK" reload 2>&1); rc=$?
check "reload of a broken file fails" [ $rc -ne 0 ]
check "the error carries file:line:column ($out)" \
    sh -c "echo '$out' | grep -Eq 'had.conf:[0-9]+:[0-9]+: error'"
check "the error hints at the right keyword" \
    sh -c "echo '$out' | grep -q priority"
check "hactl says the running configuration is unchanged" \
    sh -c "echo '$out' | grep -q 'unchanged'"
pids_after=$(for c in vrrpd lvsd checkd; do pid_of $c; done)
check "no process restarted after the broken reload" \
    [ "$pids_before" = "$pids_after" ]
cp "$T/good.conf" "$T/had.conf"

# SIGHUP reloads too.
kill_pid HUP "$HADPID"
check "SIGHUP reload logged" wait_for 3 grep -q 'SIGHUP: reloading' "$T/had.log"

# Run-time verbosity.
check "hactl log verbose" "$HACTL" -s "$SOCK" log verbose
check "hactl log brief" "$HACTL" -s "$SOCK" log brief

# show for the children answers (empty until their issues land).
for what in vrrp lvs checks; do
	check "hactl show $what -j answers with JSON" \
	    sh -c "'$HACTL' -s '$SOCK' show $what -j | python3 -c 'import json,sys; json.load(sys.stdin)'"
done

# Access control: neither root nor _had is refused.
out=$(setpriv --reuid=nobody --regid=nogroup --clear-groups \
    "$HACTL" -s "$SOCK" show procs 2>&1); rc=$?
check "non-root, non-_had user refused" [ $rc -ne 0 ]
check "refusal says permission denied ($out)" \
    sh -c "echo '$out' | grep -qi 'permission denied'"
out=$(setpriv --reuid=nobody --regid=_had --clear-groups \
    "$HACTL" -s "$SOCK" show procs 2>&1); rc=$?
check "a member of group _had is let in" [ $rc -eq 0 ]

# Garbage on the control socket: an error or a close, never a crash.
python3 - "$SOCK" <<'PY'
import socket, struct, sys, os
path = sys.argv[1]
def send(data, half=False):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(2)
    s.connect(path)
    s.sendall(data)
    if half:
        s.shutdown(socket.SHUT_WR)
    try:
        s.recv(4096)
    except Exception:
        pass
    s.close()
send(os.urandom(4096))
send(struct.pack("<IIIII", 301, 0xffffffff, 0, 0, 0))       # huge length
send(struct.pack("<IIIII", 301, 20, 0, 0, 0))               # empty request
send(struct.pack("<IIIII", 9999, 20 + 72, 0, 0, 0) + b"x" * 72)  # bad type
send(struct.pack("<IIIII", 301, 20 + 72, 0, 0, 0) + b"x" * 10, half=True)
PY
check "had survives garbage on the control socket" kill -0 "$HADPID"
check "had still answers after garbage" "$HACTL" -s "$SOCK" show procs

# A second had in another namespace, every path its own, and the
# directories of its socket and chroot missing as on a fresh machine.
SOCK2=$T/run2/had/had2.sock
HADPID2=$(umask 077; start_had "$NS2" "$SOCK2" "$T/had2.pid" "$T/run2/had/empty" "$T/had.conf" "$T/had2.log")
if wait_for 10 all_up "$SOCK2"; then
	pass "a second had runs beside the first, its missing runtime directories created"
	check "the second had's children are its own" \
	    [ "$(pid_of vrrpd "$SOCK2")" != "$(pid_of vrrpd)" ]
	check "the second had's chroot is its own" \
	    [ "$(field_of vrrpd root "$SOCK2")" = "$T/run2/had/empty" ]
	check "the created directories are root's, mode 755 whatever the umask ($(stat -c '%U %a' "$T/run2" "$T/run2/had" "$T/run2/had/empty" | tr '\n' ' '))" \
	    [ "$(stat -c '%U %a' "$T/run2" "$T/run2/had" "$T/run2/had/empty" | sort -u)" = "root 755" ]
else
	fail "second had up"
	cat "$T/had2.log"
fi

# Orderly shutdown: every process gone, socket and pidfile removed.
# all_gone PID...: none of them runs any more.
all_gone() {
	local p
	for p in "$@"; do kill -0 "$p" 2>/dev/null && return 1; done
	return 0
}
# shutdown SIGNAL PID SOCKET PIDFILE: an orderly shutdown on SIGNAL.
shutdown() {
	local kids
	kids=$(ps -o pid= --ppid "$2")
	kill_pid "$1" "$2"
	check "SIG$1: had and children gone within 5 s" \
	    wait_for 5 all_gone "$2" $kids
	check "SIG$1: socket removed" [ ! -e "$3" ]
	check "SIG$1: pidfile removed" [ ! -e "$4" ]
	kill -0 "$2" 2>/dev/null && kill_pid KILL "$2"
}
shutdown TERM "$HADPID" "$SOCK" "$PIDF"
HADPID=
# SIGINT (^C on a had run with -d) shuts down the same way.
shutdown INT "$HADPID2" "$SOCK2" "$T/had2.pid"
HADPID2=

# Children exit when had vanishes without a word (kill -9 of had).
HADPID=$(start_had "$NS" "$SOCK" "$PIDF" "$ROOT" "$T/had.conf" "$T/had3.log")
if wait_for 10 all_up "$SOCK"; then
	kids=$(ps -o pid= --ppid "$HADPID")
	kill_pid KILL "$HADPID"
	check "children exit when had's socket closes" \
	    wait_for 3 all_gone $kids
else
	fail "had restarted for the EOF test"
fi
HADPID=

if grep -Eq 'AddressSanitizer|runtime error:|LeakSanitizer' "$T"/had*.log; then
	fail "sanitizer reports in the logs"
	grep -E -A20 'AddressSanitizer|runtime error:' "$T"/had*.log | head -60
else
	pass "no sanitizer report in the logs"
fi
summary
