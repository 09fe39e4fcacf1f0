#!/bin/bash
# VRRP on bad networks in the VM (issue 20; the guest's kernel has
# sch_netem): tests/vm/bench_netem.sh runs three pairs side by side,
# priorities 150/100, netem on the switch ports of their VRRP links:
# had with the options (unicast_path over a second, clean link,
# takeover_check, flap damping), had with its defaults and keepalived.
# Scenarios: random loss 10% and 30%, burst loss (netem gemodel), 60 +-
# 50 ms of jitter with 15% loss at advert_int 0.1 (VRRPv3) and 1
# (VRRPv2), the VRRP link cut.  Prints spurious transitions per hour and
# seconds with the VIP on both nodes per hour, with the ratio
# keepalived/had; then the takeover time of a real failure (the master
# powered off: SIGKILL, interfaces deleted), had with the options and
# keepalived, against Master_Down_Interval.  Not pass/fail.
#
# Env: BENCH_NETEM_SECS (45) per scenario, BENCH_NETEM_SCENARIOS
# ("loss10 loss30 burst jitter01 jitter1 cut"), BENCH_NETEM_FAIL_RUNS
# (3), BENCH_NETEM_FAIL_ADV ("0.1 1"), BENCH_OUT (netem-vm.json goes
# there), BUILD (build).  About 10 minutes with the defaults.
# Exit: non-zero only if nothing could be measured.
set -u
cd "$(dirname "$0")/../.." || exit 1
: "${BUILD:=build}"
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3

for p in had vrrpd hactl; do
	[ -x "$BUILD/$p" ] || { echo "bench_vrrp_netem_vm: $BUILD/$p is not built (make)" >&2; exit 1; }
done
T=$(mktemp -d /tmp/had-bench-netem.XXXXXX)
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/build"
# A copy: a rebuild during the run changes nothing.
for p in had lvsd checkd vrrpd bfdd hactl; do
	[ -x "$BUILD/$p" ] && cp "$BUILD/$p" "$T/build/$p"
done
export VM_EXTRA_BINS="${VM_EXTRA_BINS:-} keepalived"
command -v keepalived >/dev/null ||
    { VM_EXTRA_BINS=${VM_EXTRA_BINS% keepalived}; echo "bench_vrrp_netem_vm: keepalived is not installed: had alone"; }
export VMENV_NB_SECS=${BENCH_NETEM_SECS:-45}
export VMENV_NB_SCENARIOS=${BENCH_NETEM_SCENARIOS:-loss10 loss30 burst jitter01 jitter1 cut}
export VMENV_NB_FAIL_RUNS=${BENCH_NETEM_FAIL_RUNS:-3}
export VMENV_NB_FAIL_ADV=${BENCH_NETEM_FAIL_ADV:-0.1 1}
nsc=$(echo $VMENV_NB_SCENARIOS | wc -w)
nadv=$(echo $VMENV_NB_FAIL_ADV | wc -w)
export VM_TIMEOUT=${VM_TIMEOUT:-$((300 + nsc * (VMENV_NB_SECS + 40) + nadv * VMENV_NB_FAIL_RUNS * 40))}
echo "VRRP on bad networks in the VM: $nsc scenarios of $VMENV_NB_SECS s, $VMENV_NB_FAIL_RUNS real failures at each advert_int of ($VMENV_NB_FAIL_ADV); $(keepalived --version 2>&1 | head -1)"
LOG=$T/console.log
: >"$LOG"
VM_LOG=$LOG VM_PREFIX="  vm| " tests/vm/run.sh tests/vm/bench_netem.sh \
    "$T/build:/opt/build" tests/vm/pair:/opt/pair \
    | grep -E '^  vm\| (NETEM|TAKEOVER|bench-netem:)'
rc=${PIPESTATUS[0]}
case $rc in
0) ;;
77) echo "bench_vrrp_netem_vm: not measured: the VM is not available here (scripts/vm-deps.sh)"; exit 1 ;;
*) echo "bench_vrrp_netem_vm: the guest exited with status $rc" ;;
esac
$PY - "$LOG" "${BENCH_OUT:-}" <<'PYEOF'
import json, os, statistics, sys
net, tk = {}, {}
for l in open(sys.argv[1], errors="replace"):
    for tag in ("NETEM ", "TAKEOVER "):
        i = l.find(tag)
        if i < 0:
            continue
        d = dict(kv.split("=", 1) for kv in l[i:].split()[1:] if "=" in kv)
        if d.get("ready") == "no":
            continue
        if tag == "NETEM " and "trans" in d:
            net[(d["scen"], d["impl"])] = d
        elif tag == "TAKEOVER " and "ms" in d:
            tk.setdefault((d["impl"], d["adv"]), []).append((int(d["ms"]), int(d["mdi"])))
if not net and not tk:
    print("bench_vrrp_netem_vm: nothing measured")
    sys.exit(1)
names = {"loss10": "random loss 10%", "loss30": "random loss 30%",
         "burst": "burst loss (gemodel)", "jitter01": "60+-50 ms, 15% loss",
         "jitter1": "60+-50 ms, 15% loss", "cut": "VRRP link cut"}
impls = ("had-options", "had-defaults", "keepalived")
order = [s for s in names if any((s, i) in net for i in impls)]
res = {}
print()
print("transitions/h: state changes of both nodes per hour; dual s/h: seconds per hour")
print("with the VIP on both nodes (from ip monitor); ratio: keepalived / had")
print("%-22s %5s | %-25s | %-25s | %-25s | %s" % ("scenario", "adv", "had, options",
      "had, defaults", "keepalived", "ka/had-opt  ka/had-def"))
print("%-22s %5s | %12s %12s | %12s %12s | %12s %12s |" % ("", "s", "trans/h",
      "dual s/h", "trans/h", "dual s/h", "trans/h", "dual s/h"))
def ratio(a, b):
    if a is None or b is None:
        return "-"
    if b:
        return "%.1f" % (a / b)
    return "%g vs 0" % a if a else "both 0"
for s in order:
    row = {}
    for i in impls:
        d = net.get((s, i))
        if not d:
            continue
        secs = max(int(d["secs"]), 1)
        row[i] = {"secs": secs, "transitions": int(d["trans"]),
                  "dual_ms": int(d["dual_ms"]), "dual_n": int(d["dual_n"]),
                  "vip_up": int(d.get("vip_up", -1)),
                  "trans_per_h": int(d["trans"]) * 3600.0 / secs,
                  "dual_s_per_h": int(d["dual_ms"]) * 3.6 / secs}
    adv = next(iter(net[(s, i)] for i in impls if (s, i) in net))["adv"]
    res[s] = {"adv": adv, "netem": names[s], "impls": row}
    cell = lambda i: ("%12.0f %12.1f" % (row[i]["trans_per_h"], row[i]["dual_s_per_h"])
                      if i in row else "%12s %12s" % ("-", "-"))
    k = row.get("keepalived", {}).get("trans_per_h")
    print("%-22s %5s | %s | %s | %s | %-11s %s" % (names[s], adv, cell("had-options"),
          cell("had-defaults"), cell("keepalived"),
          ratio(k, row.get("had-options", {}).get("trans_per_h")),
          ratio(k, row.get("had-defaults", {}).get("trans_per_h"))))
    print("%-28s   raw: %s" % ("", "; ".join("%s %d transitions, VIP came %d times, on both %d ms"
          % (i, row[i]["transitions"], row[i]["vip_up"], row[i]["dual_ms"]) for i in impls if i in row)))
if net:
    secs = next(iter(net.values()))["secs"]
    print("(each scenario %s s; the raw counts in the JSON)" % secs)
tko = {}
if tk:
    print()
    print("real failure (master powered off: SIGKILL, interfaces deleted) -> VIP on the backup")
    print("%-12s %5s %5s %9s %9s %9s %9s" % ("impl", "adv", "runs", "MDI ms", "median", "max", "max-MDI"))
    for (impl, adv), v in sorted(tk.items(), key=lambda x: (float(x[0][1]), x[0][0])):
        ms = [m for m, _ in v if m >= 0]
        mdi = v[0][1]
        if not ms:
            print("%-12s %5s %5d  (no takeover seen)" % (impl, adv, len(v)))
            continue
        tko["%s@%s" % (impl, adv)] = {"runs": ms, "mdi_ms": mdi}
        print("%-12s %5s %5d %9d %9.0f %9d %+9d" % (impl, adv, len(ms), mdi,
              statistics.median(ms), max(ms), max(ms) - mdi))
    print("(aim for had with the options: within Master_Down_Interval + 50 ms)")
if len(sys.argv) > 2 and sys.argv[2]:
    os.makedirs(sys.argv[2], exist_ok=True)
    with open(os.path.join(sys.argv[2], "netem-vm.json"), "w") as fh:
        json.dump({"scenarios": res, "takeover": tko}, fh, indent=1)
PYEOF
