#!/bin/sh
# Host side of the LVS tests in the VM: boots the guest once per
# tests/vm/test_lvs_*.sh with the build directory as /opt/build (and
# etc/demo, tests/vm/pair as /opt/demo, /opt/pair) and reports PASS,
# FAIL or SKIP for each.
# Usage: tests/vm/run-lvs.sh [BUILD_DIR] [TEST...]   (default: build)
# Exit: 0 all passed, 1 a failure, 77 skipped (qemu or kernel missing:
# run scripts/vm-deps.sh first).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${1:-$top/build}
[ $# -gt 0 ] && shift
build=$(cd "$build" && pwd)
tests=${*:-$(ls "$here"/test_lvs_*.sh)}
: "${VM_TIMEOUT:=900}"
export VM_TIMEOUT

for b in had lvsd vrrpd checkd bfdd; do
	if [ ! -x "$build/$b" ]; then
		echo "FAIL vm-lvs: $build/$b is missing (make first)"
		exit 1
	fi
done

# A guest under TCG on a shared machine can be starved for seconds: a
# scenario that fails is run once more, and the first run's failures are
# printed either way (a bug that fails every time still fails).
: "${VM_RETRY:=1}"
out=$(mktemp /tmp/had-vm-lvs.XXXXXX)
trap 'rm -f "$out"' EXIT

status=0
for t in $tests; do
	name=vm-$(basename "$t" .sh | sed 's/^test_//; s/_/-/g')
	start=$(date +%s)
	first=
	try=0
	# FRR (zebra, bgpd, bfdd and their libraries) for the BGP tests.
	bins=${VM_EXTRA_BINS:-}
	if grep -q '^# vm-needs: frr$' "$t"; then
		for b in /usr/lib/frr/zebra /usr/lib/frr/bgpd /usr/lib/frr/bfdd \
		    vtysh; do
			[ -x "$b" ] || command -v "$b" >/dev/null 2>&1 &&
			    bins="$bins $b"
		done
	fi
	# keepalived from the host for the tests that compare with it.
	if grep -q '^# vm-needs: keepalived$' "$t" &&
	    command -v keepalived >/dev/null 2>&1; then
		bins="$bins keepalived"
	fi
	while :; do
		set +e
		VM_EXTRA_BINS=$bins VM_PREFIX="${VM_PREFIX:-}" "$here/run.sh" \
		    "$t" "$build:/opt/build" "$top/etc/demo:/opt/demo" \
		    "$top/etc/frr:/opt/frr" "$here/pair:/opt/pair" \
		    "$here/bgp:/opt/bgp" >"$out" 2>&1
		rc=$?
		set -e
		case $rc in 0|77) cat "$out"; break ;; esac
		if [ "$try" -ge "$VM_RETRY" ]; then
			cat "$out"
			break
		fi
		try=$((try + 1))
		# Prefixed: the caller counts only this run's PASS/FAIL lines.
		sed 's/^/first run| /' "$out"
		first=$(echo "status $rc"; grep -E 'FAIL|timed out|panic' \
		    "$out" | head -5 | sed 's/^FAIL /failed: /')
		echo "vm: $name failed (status $rc); running it once more"
	done
	secs=$(( $(date +%s) - start ))
	if [ -n "$first" ] && [ $rc -eq 0 ]; then
		echo "$name: the first run failed:"
		echo "$first" | sed 's/^/    /'
		echo "PASS $name (on the second run; ${secs}s)"
		continue
	fi
	case $rc in
	0) echo "PASS $name (${secs}s)" ;;
	77) echo "SKIP $name: VM not available (run scripts/vm-deps.sh)"
	    [ $status -eq 0 ] && status=77 ;;
	124) echo "FAIL $name: timed out after ${secs}s"; status=1 ;;
	*) echo "FAIL $name: guest exit status $rc (${secs}s)"; status=1 ;;
	esac
done
exit $status
