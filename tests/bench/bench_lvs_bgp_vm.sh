#!/bin/bash
# Active-active benchmark in the VM (real IPVS, FRR): what a director
# failure costs on the lab of tests/vm/bgp/lab.sh (two directors running
# had and FRR, a router with ECMP and BFD, three real servers), run by
# tests/vm/bgp/bench.sh through tests/vm/run-lvs.sh.  For lb_algo rr and
# mh, without and with `lvs_sync_daemon eth0 active_active', and for a
# SIGKILL of d1's had and FRR and an orderly stop of d1's had:
# BENCH_BGP_FLOWS (30) long TCP flows over both directors, d1 fails, and
# the flows d1 carried (moved) go on through d2 or break.  Prints a table:
# flows broken, and the time from the failure to d1's route leaving its
# table 201 (lvsd) and the router's FIB.  Not pass/fail.
#
# Env: BENCH_BGP_FLOWS (30), BENCH_OUT (lvs-bgp.json goes there), BUILD.
# Exit: non-zero only if nothing could be measured.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/bench/bench_vm.sh bench_lvs_bgp_vm
[ -x /usr/lib/frr/bgpd ] || { echo "bench_lvs_bgp_vm: not measured: no FRR (apt-get install frr)"; exit 1; }
T=$(mktemp -d /tmp/had-bench-bgp.XXXXXX)
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/build"
# A copy: a rebuild during the run changes nothing.
for p in had lvsd checkd vrrpd bfdd hactl; do cp "$BUILD/$p" "$T/build/$p"; done
export VMENV_BGP_FLOWS=${BENCH_BGP_FLOWS:-30}
echo "Active-active benchmark in the VM: $VMENV_BGP_FLOWS long flows through a director failure, rr/mh x sync off/on x SIGKILL/stop"
LOG=$T/console.log
VM_RETRY=0 VM_TIMEOUT=${VM_TIMEOUT:-1200} bash tests/vm/run-lvs.sh "$T/build" \
    tests/vm/bgp/bench.sh > "$LOG" 2>&1
rc=$?
grep -E 'BGP-BENCH-ERROR|^(PASS|FAIL|SKIP) vm-bench|wait: timed out' "$LOG"
if [ -n "${BENCH_OUT:-}" ]; then
	mkdir -p "$BENCH_OUT"
	cp "$LOG" "$BENCH_OUT/lvs-bgp-console.log"
fi
[ $rc -eq 0 ] || echo "bench_lvs_bgp_vm: the guest exited with status $rc"
$PY - "$LOG" "${BENCH_OUT:-}" <<'PYEOF'
import json, os, sys
rows = []
for l in open(sys.argv[1], errors="replace"):
    f = l.split()
    if len(f) == 11 and f[0] == "BGP-BENCH":
        rows.append(dict(zip(("algo", "sync", "mode", "flows", "moved",
                              "broken", "lvsd_ms", "router_ms", "known",
                              "resched"), f[1:])))
if not rows:
    print("bench_lvs_bgp_vm: nothing measured")
    sys.exit(1)
print()
print("moved: long flows d1 had scheduled; known: d2's entries for the flows at the")
print("failure (its own + synced); resched: flows d2 scheduled anew after it; broken:")
print("flows that stopped echoing (5 s); lvsd: failure -> d1's route out of table 201;")
print("router: failure -> the router's route without d1 (ip monitor, 10 ms steps;")
print("~: polled)")
fmt = "%-5s %-5s %-8s %6s %6s %6s %8s %7s %8s %10s"
print(fmt % ("algo", "sync", "failure", "flows", "moved", "known", "resched",
             "broken", "lvsd ms", "router ms"))
names = {"kill": "SIGKILL", "stop": "stop"}
for r in rows:
    print(fmt % (r["algo"], "on" if r["sync"] == "1" else "off",
                 names.get(r["mode"], r["mode"]), r["flows"], r["moved"],
                 r["known"], r["resched"], r["broken"], r["lvsd_ms"],
                 r["router_ms"]))
if len(sys.argv) > 2 and sys.argv[2]:
    os.makedirs(sys.argv[2], exist_ok=True)
    with open(os.path.join(sys.argv[2], "lvs-bgp.json"), "w") as fh:
        json.dump(rows, fh, indent=1)
PYEOF
