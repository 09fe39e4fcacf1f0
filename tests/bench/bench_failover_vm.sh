#!/bin/bash
# Failover benchmark in the VM (real IPVS): had and keepalived side by
# side on the demo's lab (tests/vm/pair: two directors with
# etc/demo/lvs-director.conf and IPVS connection sync, three web servers
# behind a direct-routing virtual server, a client sending a request to
# the VIP every BENCH_FO_INTERVAL ms).  For each implementation and mode,
# BENCH_FO_RUNS runs of tests/vm/pair/failover.sh: lb1, the master, is
#   term   stopped in order (SIGTERM to the daemon)
#   kill   killed (SIGKILL to the daemon's main process)
#   crash  (not by default) SIGKILL to all its processes and its link
#          down at once
# and the client counts the failed requests and the longest time without
# an answer.  keepalived reads the same file (`vrrp_version' renamed
# `version').  Prints figures and had/keepalived ratios; not pass/fail.
#
# Env: BENCH_FO_RUNS (10), BENCH_FO_MODES ("term kill"), BENCH_FO_INTERVAL
# (20), BENCH_IMPLS ("had keepalived"), BENCH_OUT (failover-vm.json goes
# there), BUILD (build).
# Exit: non-zero only if nothing could be measured.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/bench/bench_vm.sh bench_failover_vm
T=$(mktemp -d /tmp/had-bench-fo.XXXXXX)
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/build"
# A copy: a rebuild during the run changes nothing.
for p in had lvsd checkd vrrpd bfdd hactl; do cp "$BUILD/$p" "$T/build/$p"; done
export VM_EXTRA_BINS="${VM_EXTRA_BINS:-} keepalived"
export VMENV_FO_RUNS=${BENCH_FO_RUNS:-10}
export VMENV_FO_MODES=${BENCH_FO_MODES:-term kill}
export VMENV_FO_INTERVAL=${BENCH_FO_INTERVAL:-20}
export VMENV_FO_IMPLS=${BENCH_IMPLS:-had keepalived}
export VMENV_FO_BEFORE=2 VMENV_FO_AFTER=3
command -v keepalived >/dev/null ||
    { VM_EXTRA_BINS=${VM_EXTRA_BINS% keepalived}; echo "bench_failover_vm: keepalived is not installed: had alone"; }
n=$(( $(echo $VMENV_FO_IMPLS | wc -w) * $(echo $VMENV_FO_MODES | wc -w) * VMENV_FO_RUNS ))
export VM_TIMEOUT=${VM_TIMEOUT:-$((120 + n * 40))}
echo "Failover benchmark in the VM: $VMENV_FO_RUNS runs of each of ($VMENV_FO_MODES), a request every $VMENV_FO_INTERVAL ms, $(keepalived --version 2>&1 | head -1)"
LOG=$T/console.log
: >"$LOG"
VM_LOG=$LOG VM_PREFIX="  vm| " tests/vm/run.sh tests/vm/pair/failover.sh \
    "$T/build:/opt/build" etc/demo:/opt/demo tests/vm/pair:/opt/pair \
    | grep -E '^  vm\| (FAILOVER|failover:)'
rc=${PIPESTATUS[0]}
case $rc in
0) ;;
77) echo "bench_failover_vm: not measured: the VM is not available here (scripts/vm-deps.sh)"; exit 1 ;;
*) echo "bench_failover_vm: the guest exited with status $rc" ;;
esac
$PY - "$LOG" "${BENCH_OUT:-}" <<'PYEOF'
import json, os, statistics, sys
res = {}
for l in open(sys.argv[1], errors="replace"):
    l = l.strip()
    i = l.find("FAILOVER ")
    if i < 0:
        continue
    d = dict(kv.split("=", 1) for kv in l[i:].split()[1:] if "=" in kv)
    if d.get("ready") == "no" or "failed" not in d:
        res.setdefault((d.get("impl"), d.get("mode")), []).append(None)
        continue
    res.setdefault((d["impl"], d["mode"]), []).append(
        {k: int(d[k]) for k in ("sent", "ok", "failed", "gap", "takeover")})
if not any(r for v in res.values() for r in v):
    print("bench_failover_vm: nothing measured")
    sys.exit(1)
names = {"term": "orderly stop (SIGTERM)", "kill": "SIGKILL of the main process",
         "crash": "SIGKILL of all, link down", "group": "SIGTERM to the group"}
summ = {}
print()
print("failed: failed requests (client timeout 1 s); gap: longest time without an answer;")
print("takeover: stop -> VIP on the backup (polled every 0.1 s)")
print("%-28s %-10s %4s %8s %7s %8s %8s %8s %9s" % ("failover", "impl", "runs", "requests",
      "failed", "max/run", "gap med", "gap max", "takeover"))
for (impl, mode), rs in sorted(res.items(), key=lambda x: (x[0][1], x[0][0])):
    ok = [r for r in rs if r]
    bad = len(rs) - len(ok)
    if not ok:
        print("%-28s %-10s %4d  (no run completed)" % (names.get(mode, mode), impl, len(rs)))
        continue
    s = {"runs": len(ok), "not_ready": bad,
         "requests": sum(r["sent"] for r in ok),
         "failed": sum(r["failed"] for r in ok),
         "failed_max": max(r["failed"] for r in ok),
         "gap_med": statistics.median(r["gap"] for r in ok),
         "gap_max": max(r["gap"] for r in ok),
         "takeover_med": statistics.median(r["takeover"] for r in ok),
         "runs_detail": ok}
    summ.setdefault(mode, {})[impl] = s
    print("%-28s %-10s %4d %8d %7d %8d %8.0f %8d %9.0f%s" % (names.get(mode, mode), impl,
          s["runs"], s["requests"], s["failed"], s["failed_max"], s["gap_med"], s["gap_max"],
          s["takeover_med"], "  (%d runs not ready)" % bad if bad else ""))
print("(gap and takeover in ms; gap med and takeover: medians over the runs)")
print()
def ratio(a, b):
    if b:
        return "%.2f" % (a / b)
    return "%s vs 0" % a if a else "both 0"
for mode, v in summ.items():
    h, k = v.get("had"), v.get("keepalived")
    if not h or not k:
        continue
    print("%-28s had/keepalived: failed %s, median gap %s, longest gap %s, median takeover %s" % (
          names.get(mode, mode), ratio(h["failed"], k["failed"]), ratio(h["gap_med"], k["gap_med"]),
          ratio(h["gap_max"], k["gap_max"]), ratio(h["takeover_med"], k["takeover_med"])))
if len(sys.argv) > 2 and sys.argv[2]:
    os.makedirs(sys.argv[2], exist_ok=True)
    with open(os.path.join(sys.argv[2], "failover-vm.json"), "w") as fh:
        json.dump(summ, fh, indent=1)
PYEOF
