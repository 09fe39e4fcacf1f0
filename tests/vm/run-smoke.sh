#!/bin/sh
# Host side of the tests/vm smoke test: boots the VM with
# test_ipvs_smoke.sh and reports PASS, FAIL or SKIP.
# Exit: 0 PASS, 1 FAIL, 77 SKIP (qemu or kernel missing: run
# scripts/vm-deps.sh first).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
start=$(date +%s)
set +e
"$here/run.sh" "$here/test_ipvs_smoke.sh" "$@"
rc=$?
set -e
secs=$(( $(date +%s) - start ))

case $rc in
0) echo "PASS vm-ipvs-smoke (${secs}s)"; exit 0 ;;
77) echo "SKIP vm-ipvs-smoke: VM not available (run scripts/vm-deps.sh)"; exit 77 ;;
124) echo "FAIL vm-ipvs-smoke: timed out after ${secs}s"; exit 1 ;;
*) echo "FAIL vm-ipvs-smoke: guest exit status $rc (${secs}s)"; exit 1 ;;
esac
