#!/bin/bash
# Golden tests of the configuration language.  For each config in
# tests/conf/golden/*.conf and the seed configs (tests/conf/seed-configs, a copy of shared/),
# run "had -n -i golden" and "had -n --compat -i golden" and compare with
# the files next to the expected output:
#   NAME.out     what had -n prints (the normalised config)
#   NAME.err     what it says on stderr, errors with file:line:col (if any)
#   NAME.compat  the --compat report
# (seed configs keep theirs in tests/conf/golden/seed/).  These run with
# --no-host-checks; tests/conf/golden/host/*.conf are checked against a
# host of known shape instead (a network namespace with lo up and
# 198.18.0.1/24 on it): NAME.err is what had -n reports there.  A config that
# loads must also print, parse and print again to the same text.
#
#   tests/check_golden.sh            check
#   tests/check_golden.sh --update   rewrite the expected files from what
#                                    build/had prints now; review the diff
set -u
cd "$(dirname "$0")/.."
. tests/lib.sh

HAD=${BUILD}/had
GOLD=tests/conf/golden
UPDATE=0
[ "${1:-}" = "--update" ] && UPDATE=1

if [ ! -x "$HAD" ]; then
	skip "$HAD is not built"
	summary
	exit 0
fi

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# compare NAME EXPECTED ACTUAL: an absent expected file means empty.
compare() {
	if [ "$UPDATE" -eq 1 ]; then
		if [ -s "$3" ] || [ -e "$2" ]; then cp "$3" "$2"; fi
		[ -s "$2" ] || rm -f "$2"
		return 0
	fi
	if [ -e "$2" ]; then
		diff -u "$2" "$3" >"$T/diff" 2>&1
	else
		diff -u /dev/null "$3" >"$T/diff" 2>&1
	fi
	if [ $? -eq 0 ]; then
		pass "$1"
	else
		fail "$1"
		sed 's/^/    /' "$T/diff" | head -40
	fi
}

golden() {	# config expected-prefix
	conf=$1; exp=$2; name=$(basename "$conf" .conf)
	"$HAD" -n --no-host-checks -i golden -f "$conf" >"$T/out" 2>"$T/err"
	rc=$?
	"$HAD" -n --compat -i golden -f "$conf" >"$T/compat" 2>&1
	crc=$?
	compare "$name: had -n output" "$exp.out" "$T/out"
	compare "$name: diagnostics" "$exp.err" "$T/err"
	compare "$name: --compat report" "$exp.compat" "$T/compat"
	[ "$UPDATE" -eq 1 ] && return
	if [ -e "$exp.err" ] && grep -q ': error: ' "$exp.err"; then
		check "$name: refused (exit 1)" [ $rc -eq 1 ]
		check "$name: --compat says it would not load" [ $crc -eq 1 ]
		return
	fi
	check "$name: loads (exit 0)" [ $rc -eq 0 ]
	check "$name: --compat says it would load" [ $crc -eq 0 ]
	# Round trip: the printed config prints back to itself.
	cp "$T/out" "$T/rt.conf"
	"$HAD" -n --no-host-checks -i golden -f "$T/rt.conf" >"$T/rt.out" \
	    2>"$T/rt.err"
	check "$name: round trip gives the same text" cmp -s "$T/out" "$T/rt.out"
}

for c in "$GOLD"/*.conf; do
	golden "$c" "${c%.conf}"
done
# had -n against the host: interfaces, scripts, unicast peers.
hostgolden() {	# config expected-prefix
	conf=$1; exp=$2; name=host/$(basename "$conf" .conf)
	unshare -n sh -c 'ip link set lo up &&
	    ip addr add 198.18.0.1/24 dev lo && exec "$@"' sh \
	    "$HAD" -n -i golden -f "$conf" >/dev/null 2>"$T/err"
	rc=$?
	compare "$name: diagnostics" "$exp.err" "$T/err"
	[ "$UPDATE" -eq 1 ] && return
	if grep -q ': error: ' "$exp.err" 2>/dev/null; then
		check "$name: refused (exit 1)" [ $rc -eq 1 ]
	else
		check "$name: loads (exit 0)" [ $rc -eq 0 ]
	fi
}
if [ "$(id -u)" != 0 ] || ! command -v unshare >/dev/null; then
	skip "host checks: need root and unshare for a network namespace"
else
	for c in "$GOLD"/host/*.conf; do
		hostgolden "$c" "${c%.conf}"
	done
fi

SEED=tests/conf/seed-configs
if [ -d "$SEED" ]; then
	mkdir -p "$GOLD/seed"
	for c in "$SEED"/*.conf; do
		golden "$c" "$GOLD/seed/$(basename "$c" .conf)"
	done
else
	skip "no seed configs in $SEED"
fi
summary
