#!/bin/bash
# Run had's libFuzzer targets (built by `make fuzz-build') for a set time
# each and report PASS/FAIL per target, as the other tests do.
#
#   tests/fuzz/run.sh [TARGET...]      default: every build-fuzz/fuzz_*
#
# Environment:
#   FUZZ_SECONDS  seconds per target (60)
#   FUZZ_JOBS     targets run at once (1)
#   FUZZ_BUILD    where the fuzzers are (build-fuzz)
#   FUZZ_MERGE=1  afterwards, merge inputs that found new coverage into
#                 tests/fuzz/corpus/TARGET (for a maintainer to commit)
#
# Each target starts from its seeds in tests/fuzz/corpus/TARGET (which
# also hold the regression inputs of past findings) plus what earlier runs
# found, kept in $FUZZ_BUILD/corpus/TARGET.  Any crash, leak, timeout or
# sanitizer report fails the target; the input is left in
# $FUZZ_BUILD/artifacts/TARGET/ and the report in $FUZZ_BUILD/logs/.
set -u
cd "$(dirname "$0")/../.."
T_NAME=${T_NAME:-fuzz}
. tests/lib.sh

FUZZ_SECONDS=${FUZZ_SECONDS:-60}
FUZZ_JOBS=${FUZZ_JOBS:-1}
FUZZ_BUILD=${FUZZ_BUILD:-build-fuzz}
SEEDS=tests/fuzz/corpus

case "$FUZZ_SECONDS" in ''|*[!0-9]*) echo "bad FUZZ_SECONDS" >&2; exit 2 ;; esac
case "$FUZZ_JOBS" in ''|*[!0-9]*|0) echo "bad FUZZ_JOBS" >&2; exit 2 ;; esac

if [ $# -gt 0 ]; then
	targets="$*"
else
	targets=""
	for b in "$FUZZ_BUILD"/fuzz_*; do
		[ -x "$b" ] && targets="$targets ${b##*/fuzz_}"
	done
fi
if [ -z "$targets" ]; then
	fail "no fuzz targets in $FUZZ_BUILD (run make fuzz-build)"
	summary
	exit 1
fi

mkdir -p "$FUZZ_BUILD/logs"

# Leaks and undefined behaviour are findings; stop at the first one.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:symbolize=1:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}"

run_one() {	# target
	local t=$1 bin="$FUZZ_BUILD/fuzz_$1" log="$FUZZ_BUILD/logs/$1.log"
	local corp="$FUZZ_BUILD/corpus/$1" art="$FUZZ_BUILD/artifacts/$1"

	local dict=""

	mkdir -p "$corp" "$art" "$SEEDS/$t"
	[ -r "tests/fuzz/$t.dict" ] && dict="-dict=tests/fuzz/$t.dict"
	# -timeout: one input may take this long; the outer timeout is a
	# last resort should libFuzzer itself stop answering.
	timeout -k 10 $((FUZZ_SECONDS + 120)) \
	    "$bin" -max_total_time="$FUZZ_SECONDS" -timeout=10 \
	    -rss_limit_mb=1024 -print_final_stats=1 $dict \
	    -artifact_prefix="$art/" "$corp" "$SEEDS/$t" >"$log" 2>&1
	echo $? >"$log.rc"
}

pids=""
for t in $targets; do
	if [ ! -x "$FUZZ_BUILD/fuzz_$t" ]; then
		echo 127 >"$FUZZ_BUILD/logs/$t.log.rc"
		echo "no $FUZZ_BUILD/fuzz_$t" >"$FUZZ_BUILD/logs/$t.log"
		continue
	fi
	rm -f "$FUZZ_BUILD/logs/$t.log.rc"
	run_one "$t" &
	pids="$pids $!"
	while [ "$(jobs -rp | wc -l)" -ge "$FUZZ_JOBS" ]; do
		wait -n 2>/dev/null || true
	done
done
wait

for t in $targets; do
	log="$FUZZ_BUILD/logs/$t.log"
	rc=$(cat "$log.rc" 2>/dev/null || echo 1)
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
	cov=$(grep -Eo 'cov: [0-9]+' "$log" | tail -1 | cut -d' ' -f2)
	if [ "$rc" != 0 ] || grep -Eq 'ERROR: (AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|libFuzzer)|runtime error:|SUMMARY: ' "$log"; then
		fail "fuzz_$t: exit $rc after ${runs:-?} runs; log $log"
		grep -E 'ERROR:|SUMMARY:|runtime error:|^fuzz_|Test unit written|^    #[0-9] ' "$log" | head -25
		ls -1 "$FUZZ_BUILD/artifacts/$t" 2>/dev/null | sed 's/^/  artifact: /' | tail -5
	else
		pass "fuzz_$t: ${runs:-?} runs in ${FUZZ_SECONDS}s, ${eps:-?} exec/s, cov ${cov:-?}"
	fi
	if [ "${FUZZ_MERGE:-0}" = 1 ] && [ -x "$FUZZ_BUILD/fuzz_$t" ]; then
		"$FUZZ_BUILD/fuzz_$t" -merge=1 "$SEEDS/$t" \
		    "$FUZZ_BUILD/corpus/$t" >"$log.merge" 2>&1 ||
		    echo "merge of $t failed: $log.merge"
	fi
done
summary
