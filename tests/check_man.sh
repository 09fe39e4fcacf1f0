#!/bin/bash
# Man pages: mandoc -Tlint clean, and every hactl command and had option
# documented.
set -u
cd "$(dirname "$0")/.."
. tests/lib.sh
for m in man/*.[0-9]; do
	out=$(mandoc -Tlint -Wwarning "$m" 2>&1)
	if [ -z "$out" ]; then pass "mandoc -Tlint $m"; else fail "mandoc -Tlint $m: $out"; fi
done
for opt in C d f i n p s u v X; do
	check "had.8 documents -$opt" grep -q "^\.It Fl $opt" man/had.8
done
for cmd in "show procs" "show vrrp" "show lvs" "show checks" "show metrics" reload "log verbose" drain undrain maintenance "show history" events serve; do
	check "hactl.8 documents $cmd" grep -q "^\.It Cm $cmd" man/hactl.8
done
summary
