#!/bin/bash
# The whole test suite: both builds (plain and ASan+UBSan), the Criterion
# unit tests, the namespace integration tests and the man page lint.
# Prints one line per suite and a closing "N passed, N failed, N skipped".
set -u
cd "$(dirname "$0")/.."

JOBS=$(nproc 2>/dev/null || echo 2)
PASSED=0
FAILED=0
SKIPPED=0
FAILURES=""
LOGDIR=$(mktemp -d /tmp/had-tests.XXXXXX)

FAILDETAIL=""
note_fail() { FAILURES="$FAILURES
  $1"; }
# The CI log keeps only its tail: repeat what failed there.
note_detail() {	# label text
	FAILDETAIL="$FAILDETAIL
-- $1
$(echo "$2" | grep -E -B3 -A12 '^FAIL|\[FAIL\]|runtime error|ERROR' |
    head -60)"
}

build() {
	echo "== build ${1:-plain}"
	if ! make -j"$JOBS" ${1:+$1} all unit-build >"$LOGDIR/build$1.log" 2>&1; then
		grep -E 'error|Error' "$LOGDIR/build$1.log" | head -40
		echo "build ${1:-plain} failed"
		echo "0 passed, 1 failed"
		exit 1
	fi
}

build ""
build "SAN=1"

# Criterion: count test cases from each binary's synthesis line.
run_unit() {	# dir
	local t out tested passing failing crashing
	for t in "$1"/tests/test_*; do
		[ -x "$t" ] || continue
		case "$t" in *.d) continue ;; esac
		out=$("$t" --jobs 2 2>&1)
		rc=$?
		syn=$(echo "$out" | grep 'Synthesis:' | tail -1)
		tested=$(echo "$syn" | sed -n 's/.*Tested: \([0-9]*\).*/\1/p')
		passing=$(echo "$syn" | sed -n 's/.*Passing: \([0-9]*\).*/\1/p')
		failing=$(echo "$syn" | sed -n 's/.*Failing: \([0-9]*\).*/\1/p')
		crashing=$(echo "$syn" | sed -n 's/.*Crashing: \([0-9]*\).*/\1/p')
		: "${tested:=0}" "${passing:=0}" "${failing:=0}" "${crashing:=0}"
		PASSED=$((PASSED + passing))
		FAILED=$((FAILED + failing + crashing))
		if [ $rc -ne 0 ] || [ "$tested" = 0 ]; then
			[ $((failing + crashing)) -eq 0 ] && FAILED=$((FAILED + 1))
			note_fail "$t"
			note_detail "$t" "$out"
			echo "$out" | grep -E '\[FAIL\]|\[----\]|ERROR|runtime error' | head -40
		fi
		printf '%-40s %s\n' "$t" "${syn:-no synthesis line (rc $rc)}"
	done
}

echo "== unit tests"
run_unit build
echo "== unit tests (ASan+UBSan)"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    run_unit build-san

# Our programs running from the build trees, by pid (a test must stop
# every process it starts).
ours() {
	local d e
	for d in /proc/[0-9]*; do
		e=$(readlink "$d/exe" 2>/dev/null) || continue
		case "$e" in
		"$PWD"/build/*|"$PWD"/build-san/*) echo "${d#/proc/}" ;;
		esac
	done
}
BEFORE=" $(ours | tr '\n' ' ') "
left_behind() {
	local p n
	for n in 1 2 3 4 5 6 7 8 9 10; do
		LEFT=""
		for p in $(ours); do
			case "$BEFORE" in *" $p "*) continue ;; esac
			LEFT="$LEFT $p"
		done
		[ -z "$LEFT" ] && return 1
		sleep 0.5
	done
	return 0
}

# Runs one test; what it printed, its status and its seconds go to
# $LOGDIR/NAME.{out,rc,sec} for account().
run_test() {	# script build name
	local out rc p t0
	t0=$(date +%s)
	out=$(BUILD=$2 ${RUN_NICE:-} bash "$1" 2>&1)
	rc=$?
	# A VM test starts nothing of ours on the host, and the host test
	# running beside it is not its leftover.
	if [ "${3%-vm}" = "$3" ] && left_behind; then
		for p in $LEFT; do
			out="$out
FAIL $(basename "$1" .sh): left running: $p $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)"
			kill -KILL "$p" 2>/dev/null
		done
		rc=1
	fi
	printf '%s\n' "$out" >"$LOGDIR/$3.out"
	echo $rc >"$LOGDIR/$3.rc"
	echo $(($(date +%s) - t0)) >"$LOGDIR/$3.sec"
}

account() {	# script label name
	local out rc p f s
	if [ ! -s "$LOGDIR/$3.rc" ]; then
		# A background job that died says nothing: that is a failure.
		echo "FAIL $3: no result (the test did not run)" >"$LOGDIR/$3.out"
		echo 1 >"$LOGDIR/$3.rc"
		echo 0 >"$LOGDIR/$3.sec"
	fi
	out=$(cat "$LOGDIR/$3.out")
	rc=$(cat "$LOGDIR/$3.rc")
	p=$(echo "$out" | grep -c '^PASS ')
	f=$(echo "$out" | grep -c '^FAIL ')
	s=$(echo "$out" | grep -c '^SKIP ')
	PASSED=$((PASSED + p))
	FAILED=$((FAILED + f))
	SKIPPED=$((SKIPPED + s))
	if [ $rc -eq 77 ] && [ "$f" -eq 0 ]; then
		[ "$s" -eq 0 ] && SKIPPED=$((SKIPPED + 1))
		rc=0
	elif [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then
		FAILED=$((FAILED + 1))
	fi
	if [ $rc -ne 0 ] || [ "$f" -gt 0 ]; then
		note_fail "$1 ($2)"
		note_detail "$1 ($2)" "$out"
		echo "$out" | tail -80
	else
		echo "$out" | grep -E '^SKIP |on the second run'
	fi
	printf '%-40s %s (%ss)\n' "$1 ($2)" "$(echo "$out" | tail -1)" \
	    "$(cat "$LOGDIR/$3.sec")"
}

run_shell() {	# script build label
	local n
	n=$(basename "$1" .sh)-$3
	run_test "$1" "$2" "$n"
	account "$1" "$3" "$n"
}

# The VM tests (real IPVS in qemu, 16 minutes) run beside the plain
# integration tests, which mostly wait on timers: their guest is a
# kernel of its own, with nothing shared but the CPUs, and runs at a
# lower priority (nice 10) so that a host test's timers are never late
# for it (the VM scenarios have their margins and a retry).
# HAD_TEST_SERIAL=1 runs them after, one thing at a time.
VM_TESTS=""
vm_start() {
	if ! sh scripts/vm-deps.sh >"$LOGDIR/vm-deps.log" 2>&1; then
		VM_TESTS=none
		return
	fi
	VM_TESTS=$(ls tests/vm/run-*.sh)
	(
		RUN_NICE="nice -n 10"
		for t in $VM_TESTS; do
			run_test "$t" build "$(basename "$t" .sh)-vm"
		done
	) &
	VM_PID=$!
}
vm_finish() {
	local t
	echo "== VM tests (real IPVS in qemu)"
	[ -n "${VM_PID:-}" ] && wait "$VM_PID"
	if [ "$VM_TESTS" = none ]; then
		cat "$LOGDIR/vm-deps.log"
		echo "SKIP vm: scripts/vm-deps.sh failed"
		SKIPPED=$((SKIPPED + 1))
		return
	fi
	for t in $VM_TESTS; do
		account "$t" vm "$(basename "$t" .sh)-vm"
	done
}

[ "${HAD_TEST_SERIAL:-0}" = 1 ] || vm_start
echo "== integration tests"
for t in tests/integration/test_*.sh; do
	run_shell "$t" build plain
done
[ "${HAD_TEST_SERIAL:-0}" = 1 ] || vm_finish
echo "== integration tests (ASan+UBSan)"
for t in tests/integration/test_*.sh; do
	ASAN_OPTIONS=detect_leaks=0:abort_on_error=0 \
	UBSAN_OPTIONS=print_stacktrace=1 \
	    run_shell "$t" build-san sanitizers
done
if [ "${HAD_TEST_SERIAL:-0}" = 1 ]; then
	vm_start
	vm_finish
fi

echo "== other checks"
for t in tests/check_*.sh; do
	[ -e "$t" ] || continue
	run_shell "$t" build plain
done

rm -rf "$LOGDIR"
if [ -n "$FAILURES" ]; then
	echo "== what failed$FAILDETAIL"
	echo "failed:$FAILURES"
fi
echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
[ "$FAILED" -eq 0 ]
