#!/bin/bash
# Issue 13, the sandbox: each child runs as its own user with a seccomp
# filter, so a compromised child reaches no sibling.  had runs a stand-in
# checkd (tests/integration/sibling_attacker.py, had -X DIR) next to the
# real vrrpd and lvsd; it drops its privileges like the real one and tries
# kill(SIGSTOP) and ptrace of vrrpd and prlimit(lvsd, NOFILE, 0): each must
# fail with EPERM and neither sibling may restart.  It then reports a
# seccomp violation as the real filter's handler does and dies by SIGSYS:
# had must log the call by name.  Its next incarnation is the real checkd,
# whose /proc and `hactl show procs` must show its own uid and the filter.
# (The real filter itself is tested in tests/unit/test_sandbox.c.)
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
need_root

BUILD=$(cd "$BUILD" && pwd)
HACTL=$BUILD/hactl
T=$(mktemp -d /tmp/had-sandbox.XXXXXX)
chmod 755 "$T"
NS=hadt-sbx-$$
HADPID=""
SOCK=$T/had.sock
LOG=$T/had.log

cleanup() {
	[ -n "$HADPID" ] && kill_pid TERM "$HADPID" 2>/dev/null
	[ -n "$HADPID" ] && { wait_for 3 pid_gone "$HADPID" ||
	    kill_pid KILL "$HADPID" 2>/dev/null; }
	ip netns del "$NS" 2>/dev/null
	[ -n "${KEEP:-}" ] && echo "kept $T" || rm -rf "$T"
}
trap cleanup EXIT

for u in _had-vrrp _had-lvs _had-check _had-bfd; do
	id "$u" >/dev/null 2>&1 || { skip "user $u missing (run scripts/setup-deps.sh)"; summary; exit 0; }
done
ip netns add "$NS" || { fail "ip netns add"; summary; exit 1; }
ip -n "$NS" link set lo up

mkdir -p "$T/libexec" "$T/empty"
cp "$BUILD/vrrpd" "$BUILD/lvsd" "$BUILD/bfdd" "$T/libexec/"
cp "$BUILD/checkd" "$T/libexec/checkd.real"
cp tests/integration/sibling_attacker.py "$T/libexec/checkd"
chmod 755 "$T/libexec/checkd"
cp tests/integration/foundation.conf "$T/had.conf"
ip netns exec "$NS" "$BUILD/had" -d -X "$T/libexec" -f "$T/had.conf" \
    -s "$SOCK" -p "$T/had.pid" -C "$T/empty" >"$LOG" 2>&1 &
HADPID=$!

procs() { "$HACTL" -s "$SOCK" show procs -j >"$T/p.json" 2>/dev/null; }
field() {	# name field
	procs && json_get "$T/p.json" "[r['$2'] for r in d if r['name']=='$1'][0]"
}
checkd_real_up() {
	procs && [ "$(field checkd running)" = True ] &&
	    [ "$(field checkd seccomp)" = filter ]
}

check "the stand-in checkd attacked and reported" \
    wait_for 15 grep -q '^done' "$T/libexec/sibling.log"
sed 's/^/  /' "$T/libexec/sibling.log" 2>/dev/null
check "kill(vrrpd, SIGSTOP) from another child: EPERM" \
    grep -q '^kill vrrpd SIGSTOP: EPERM' "$T/libexec/sibling.log"
check "ptrace(vrrpd) from another child: EPERM" \
    grep -q '^ptrace vrrpd: EPERM' "$T/libexec/sibling.log"
check "prlimit(lvsd, NOFILE, 0) from another child: EPERM" \
    grep -q '^prlimit lvsd NOFILE 0: EPERM' "$T/libexec/sibling.log"
check "had logs the seccomp violation by name" \
    wait_for 5 grep -q 'checkd: seccomp filter refused system call execve' "$LOG"
check "show procs gives checkd's last exit as SIGSYS, execve" \
    sh -c "'$HACTL' -s '$SOCK' show procs | grep -q 'checkd.*SIGSYS.*execve'"
check "the real checkd replaces the stand-in, filtered" wait_for 10 checkd_real_up

for c in vrrpd lvsd; do
	check "$c not restarted by the attack" [ "$(field $c restarts)" = 0 ]
	st=$(grep '^State:' "/proc/$(field $c pid)/status" 2>/dev/null)
	case "$st" in *stopped*|'') st_ok=0 ;; *) st_ok=1 ;; esac
	check "$c not stopped ($st)" [ "$st_ok" = 1 ]
done

# Each child its own uid, none shared, the filter on in each.
uids=""
for c in vrrpd lvsd checkd bfdd; do
	pid=$(field $c pid)
	st=/proc/$pid/status
	check "$c: Seccomp: 2 in /proc" grep -Eq '^Seccomp:[[:space:]]+2$' "$st"
	check "$c: show procs -j says the filter" [ "$(field $c seccomp)" = filter ]
	check "$c: show procs -j uid and gid are /proc's" \
	    [ "$(field $c uid):$(field $c gid)" = "$(awk '/^Uid:/ { u = $3 } /^Gid:/ { g = $3 } END { print u ":" g }' "$st")" ]
	uids="$uids $(field $c uid)"
done
check "four children, four uids ($uids)" \
    [ "$(tr ' ' '\n' <<<"$uids" | sed '/^$/d' | sort -u | wc -l)" = 4 ]
check "had itself is not filtered" [ "$(field had seccomp)" = off ]
"$HACTL" -s "$SOCK" show procs | sed 's/^/  /'

kill_pid TERM "$HADPID"
check "had stops" wait_for 10 pid_gone "$HADPID"
HADPID=""
summary
