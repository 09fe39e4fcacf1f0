# Shared helpers for had's shell tests.  Source it; it sets up counters,
# PASS/FAIL/SKIP reporting and bounded waiting.
#
# Rules for tests (DESIGN.md): only namespaces the test creates, addresses
# only from 198.18.0.0/15 and 2001:db8::/32 or loopback, every loop bounded
# in count and time, stop only processes we started, by pid.

: "${BUILD:=build}"
T_PASS=0
T_FAIL=0
T_SKIP=0
T_NAME=${T_NAME:-$(basename "$0" .sh)}

pass() { T_PASS=$((T_PASS + 1)); echo "PASS $T_NAME: $*"; }
fail() { T_FAIL=$((T_FAIL + 1)); echo "FAIL $T_NAME: $*"; }
skip() { T_SKIP=$((T_SKIP + 1)); echo "SKIP $T_NAME: $*"; }

# check DESCRIPTION COMMAND...: pass if the command succeeds.
check() {
	_d=$1; shift
	if "$@"; then pass "$_d"; else fail "$_d"; fi
}

# wait_for SECONDS COMMAND...: poll every 50 ms until the command succeeds.
wait_for() {
	_limit=$1; shift
	_n=$(( _limit * 20 ))
	while [ "$_n" -gt 0 ]; do
		if "$@" >/dev/null 2>&1; then return 0; fi
		sleep 0.05
		_n=$((_n - 1))
	done
	return 1
}

# Elapsed milliseconds since an epoch in ms.
now_ms() { date +%s%3N; }

# kill_pid SIGNAL PID: signal one process we started; refuses anything that
# is not a plain pid above 1 (an empty or 0 pid would hit a whole group).
kill_pid() {
	case "$2" in
	''|*[!0-9]*) echo "kill_pid: refusing pid '$2'" >&2; return 1 ;;
	esac
	[ "$2" -gt 1 ] || { echo "kill_pid: refusing pid '$2'" >&2; return 1; }
	kill "-$1" "$2"
}

# pid_gone PID: the process is gone or a zombie waiting to be reaped (a
# background child of the test shell stays a zombie until `wait`).
pid_gone() {
	[ ! -e "/proc/$1" ] && return 0
	[ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" = Z ]
}

summary() {
	echo "$T_NAME: $T_PASS passed, $T_FAIL failed, $T_SKIP skipped"
	[ "$T_FAIL" -eq 0 ]
}

need_root() {
	if [ "$(id -u)" != 0 ]; then
		skip "needs root (network namespaces, privilege drop)"
		summary
		exit 0
	fi
}

# JSON field extraction with python3: json_get FILE EXPRESSION, where the
# expression sees the parsed document as `d`; of a hactl -j document
# ({"schema": 1, "kind": ..., "items": [...]}) it sees the items.
json_get() {
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d=d["items"] if isinstance(d, dict) and "items" in d else d; print(eval(sys.argv[2]))' "$1" "$2"
}
