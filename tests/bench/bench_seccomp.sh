#!/bin/bash
# What the children's seccomp filters cost (issue 13), had only: the VRRP
# CPU benchmark (bench_vrrp_cpu.sh: vrrpd as master of 100 VRRPv3
# instances at advert_int 0.1) and the TCP health-check benchmark
# (bench_checks.sh tcp, without the RPS run), once from a build without
# the filters (make SECCOMP=0 into BENCH_NOSECCOMP_BUILD, default
# build-noseccomp) and once from BUILD, in BENCH_SECCOMP_ROUNDS (2)
# alternating rounds.  Prints the CPU of each run and the ratio
# filtered/unfiltered of the medians; the aim is under 1.03 (3% more CPU).
# The other settings of the two benchmarks apply (BENCH_CPU_SECONDS,
# BENCH_TCP_CHECKS, ...).  Not pass/fail: exits non-zero only if nothing
# could be measured.
set -u
cd "$(dirname "$0")/../.." || exit 1
: "${BUILD:=build}"
NOSC=${BENCH_NOSECCOMP_BUILD:-build-noseccomp}
ROUNDS=${BENCH_SECCOMP_ROUNDS:-2}
OUT=${BENCH_OUT:-$BUILD/bench}/seccomp

if ! make -s -j2 BUILD="$NOSC" SECCOMP=0 all >/dev/null; then
	echo "bench_seccomp: building $NOSC failed" >&2
	exit 1
fi
rm -rf "$OUT"
mkdir -p "$OUT"
echo "seccomp filters: VRRP and TCP check CPU, $NOSC (SECCOMP=0) against $BUILD, $ROUNDS rounds"
for r in $(seq 1 "$ROUNDS"); do
	for b in "$NOSC" "$BUILD"; do
		[ "$b" = "$BUILD" ] && tag=on || tag=off
		BUILD=$b BENCH_IMPLS=had BENCH_OUT=$OUT/vrrp-$tag-$r \
		    bash tests/bench/bench_vrrp_cpu.sh >"$OUT/vrrp-$tag-$r.log" 2>&1
		BUILD=$b BENCH_IMPLS=had BENCH_SCENARIOS=tcp BENCH_RPS=0 \
		    BENCH_OUT=$OUT/checks-$tag-$r \
		    bash tests/bench/bench_checks.sh >"$OUT/checks-$tag-$r.log" 2>&1
	done
done
python3 - "$OUT" "$ROUNDS" <<'PYEOF'
import json, os, statistics, sys
out, rounds = sys.argv[1], int(sys.argv[2])

def cpu(kind, tag, r):
    try:
        if kind == "vrrp":
            d = json.load(open(os.path.join(out, "vrrp-%s-%d" % (tag, r),
                                            "vrrp-cpu-had.json")))
            return d["cpu_pct"]
        d = json.load(open(os.path.join(out, "checks-%s-%d" % (tag, r),
                                        "checks.json")))
        return d["tcp"]["had"]["cpu"]["cpu_pct"]
    except (OSError, KeyError, ValueError):
        return None

measured = 0
for kind, what in (("vrrp", "vrrpd, 100 instances at 0.1 s"),
                   ("checks", "checkd, TCP_CHECKs at delay_loop 1")):
    v = {t: [x for x in (cpu(kind, t, r) for r in range(1, rounds + 1))
             if x is not None] for t in ("off", "on")}
    print("%-7s %s: without filters %s, with %s (%% of one core)" % (
        kind, what, " ".join("%.2f" % x for x in v["off"]) or "-",
        " ".join("%.2f" % x for x in v["on"]) or "-"))
    if v["off"] and v["on"] and statistics.median(v["off"]) > 0:
        ratio = statistics.median(v["on"]) / statistics.median(v["off"])
        print("%-7s with/without filters (medians): %.3f; aim under 1.03: %s"
              % (kind, ratio, "met" if ratio < 1.03 else "NOT met"))
        measured += 1
sys.exit(0 if measured else 1)
PYEOF
