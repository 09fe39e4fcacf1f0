#!/bin/bash
# The libFuzzer targets of tests/fuzz, briefly: build them with clang
# (make fuzz-build) and run each for FUZZ_SECONDS (10 here), two at a
# time.  Any crash, leak, timeout or sanitizer report is a FAIL; the
# regression inputs in tests/fuzz/corpus run first every time.
# `make fuzz' runs them longer (FUZZ_SECONDS=60 by default).
set -u
cd "$(dirname "$0")/.."
T_NAME=check_fuzz
. tests/lib.sh

: "${FUZZ_SECONDS:=10}"
: "${FUZZ_JOBS:=2}"

if ! command -v clang >/dev/null 2>&1; then
	skip "clang is not installed (scripts/setup-deps.sh installs it)"
	summary
	exit 77
fi
# libFuzzer's runtime comes with libclang-rt-*-dev.
if ! echo 'int LLVMFuzzerTestOneInput(const char *d, long n) { return 0; }' |
    clang -x c -fsanitize=fuzzer -o /dev/null - >/dev/null 2>&1; then
	skip "clang cannot link -fsanitize=fuzzer (install libclang-rt-14-dev)"
	summary
	exit 77
fi

log=$(mktemp /tmp/had-fuzz-build.XXXXXX)
if make -j"$(nproc 2>/dev/null || echo 2)" fuzz-build >"$log" 2>&1; then
	pass "make fuzz-build"
else
	grep -E 'error|Error' "$log" | head -30
	fail "make fuzz-build"
	rm -f "$log"
	summary
	exit 1
fi
rm -f "$log"

T_NAME=check_fuzz FUZZ_SECONDS=$FUZZ_SECONDS FUZZ_JOBS=$FUZZ_JOBS \
    bash tests/fuzz/run.sh
