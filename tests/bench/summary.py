#!/usr/bin/python3
"""Print the figures of the VRRP benchmarks.

    summary.py --failover-line FILE    one series of bench_vrrp_failover.sh
    summary.py --cpu-line FILE         one measure of bench_vrrp_cpu.sh
    summary.py DIR                     the final table over every
                                       vrrp-failover-*.json and
                                       vrrp-cpu-*.json in DIR

The comparisons with keepalived are ratios had/keepalived of figures
measured by the same harness in the same run (below 1: had is faster or
smaller).
"""
import glob
import json
import os
import sys

AIM_MS = 2.0		# issue 3: at most 2 ms over Master_Down_Interval at p99


def f(x, w=8, p=1):
    return ("%*.*f" % (w, p, x)) if isinstance(x, (int, float)) else "%*s" % (w, "-")


def g(d, *keys):
    for k in keys:
        if not isinstance(d, dict) or k not in d:
            return None
        d = d[k]
    return d


def adv_s(d):
    a = d["adv_ms"] / 1000.0
    return ("%g s" % a)


def failover_line(d):
    fo, oa, om, lk = (d["failover_ms"], d["after_advert_ms"],
                      d["over_mdi_ms"], d["t0_to_link_down_ms"])
    s = ("%-10s VRRPv%d advert_int %-6s MDI %.3f ms: failover p50 %s p99 %s "
         "min %s max %s ms (%d/%d runs)"
         % (d["impl"], d["ver"], adv_s(d), d["mdi_ms"],
            f(fo.get("p50"), 0, 3), f(fo.get("p99"), 0, 3),
            f(fo.get("min"), 0, 3), f(fo.get("max"), 0, 3),
            d["measured"], d["runs"]))
    if om.get("n"):
        s += ("\n%-10s   last advert -> VIP minus MDI: p50 %s p99 %s ms"
              % ("", f(om["p50"], 0, 3), f(om["p99"], 0, 3)))
    fa, vf = d.get("first_advert_over_mdi_ms", {}), d.get("vip_after_first_advert_ms", {})
    if fa.get("n"):
        s += ("\n%-10s   split: backup's first advert - last advert - MDI p50 %s "
              "p99 %s ms, then VIP after it p50 %s p99 %s ms"
              % ("", f(fa["p50"], 0, 3), f(fa["p99"], 0, 3),
                 f(vf["p50"], 0, 3), f(vf["p99"], 0, 3)))
    if lk.get("n"):
        s += ("; t0 -> link down event p50 %s ms" % f(lk["p50"], 0, 3))
    if d["missed"]:
        s += "\n%-10s   runs without the VIP on the backup: %s" % ("", d["missed"])
    return s


def cpu_line(d):
    return ("%-10s %d instances advert_int %s s over %.1f s: %s (pid %d) "
            "CPU %.2f %% of one core (%d ticks; schedstat %.3f %%), "
            "VmRSS %d kB (VmHWM %d kB), %s packets/s out\n%-10s all "
            "processes (%s): CPU %.2f %% (schedstat %.3f %%), RSS %d kB"
            % (d["impl"], d["instances"], d["adv"], d["seconds"], d["proc"],
               d["pid"], d["cpu_pct"], d["cpu_ticks"], d["cpu_pct_schedstat"],
               d["rss_kb"], d["hwm_kb"], d["tx_pps"], "",
               d["all_procs"], d["all_cpu_pct"], d["all_cpu_pct_schedstat"],
               d["all_rss_kb"]))


def ratio(a, b):
    if not isinstance(a, (int, float)) or not isinstance(b, (int, float)) or b <= 0:
        return None
    return a / b


def table(dirname):
    fos = {}
    for p in sorted(glob.glob(os.path.join(dirname, "vrrp-failover-*.json"))):
        try:
            d = json.load(open(p))
        except (OSError, ValueError):
            continue
        fos[(d["ver"], d["adv_ms"], d["impl"])] = d
    cpus = {}
    for p in sorted(glob.glob(os.path.join(dirname, "vrrp-cpu-*.json"))):
        try:
            d = json.load(open(p))
        except (OSError, ValueError):
            continue
        cpus[d["impl"]] = d
    print()
    print("=" * 78)
    print("Summary (times in ms; MDI = Master_Down_Interval of the backup, "
          "RFC formula)")
    print("=" * 78)
    if fos:
        print("Failover, master link down -> VIP on backup "
              "(t0 -> VIP add event):")
        print("%-10s %-13s %9s %9s %9s %9s %9s %9s %9s %5s"
              % ("impl", "series", "MDI", "p50", "p99", "min", "max",
                 "ovMDI50", "ovMDI99", "runs"))
        for k in sorted(fos):
            d = fos[k]
            fo, om = d["failover_ms"], d["over_mdi_ms"]
            print("%-10s %-13s %9.3f %s %s %s %s %s %s %5s"
                  % (d["impl"], "v%d %s" % (d["ver"], adv_s(d)), d["mdi_ms"],
                     f(fo.get("p50"), 9, 3), f(fo.get("p99"), 9, 3),
                     f(fo.get("min"), 9, 3), f(fo.get("max"), 9, 3),
                     f(om.get("p50"), 9, 3), f(om.get("p99"), 9, 3),
                     "%d/%d" % (d["measured"], d["runs"])))
        print("  ovMDI = (VIP add event - last advert the backup received "
              "from the master) - MDI:\n  the backup's delay beyond the "
              "RFC timer, independent of when in the advert period\n  the "
              "link went down.  p99 is nearest-rank (under 100 runs: the "
              "largest).\n  From t0 the failover is MDI + ovMDI minus the "
              "time since the master's last advert\n  (0 to one interval), "
              "so 'p99 - MDI' from t0 can be negative; the aim is judged\n"
              "  on both, ovMDI being the strict one.")
        print()
        series = sorted({(k[0], k[1]) for k in fos})
        for ver, adv in series:
            h = fos.get((ver, adv, "had"))
            k = fos.get((ver, adv, "keepalived"))
            lab = "v%d advert_int %g s" % (ver, adv / 1000.0)
            if h and h["failover_ms"].get("n"):
                hp99 = h["failover_ms"]["p99"]
                print("%s: had p99 - MDI = %.3f ms" % (lab, hp99 - h["mdi_ms"]))
                om99 = g(h, "over_mdi_ms", "p99")
                if om99 is not None:
                    print("%s: had (last advert -> VIP) p99 - MDI = %.3f ms"
                          % (lab, om99))
                met1 = hp99 - h["mdi_ms"] <= AIM_MS
                met2 = om99 is not None and om99 <= AIM_MS
                print("%s: aim p99 <= MDI + %g ms: %s from t0; %s from the "
                      "last advert" % (lab, AIM_MS, "met" if met1 else "NOT met",
                                       "met" if met2 else "NOT met"
                                       if om99 is not None else "not measured"))
            if h and k:
                r50 = ratio(g(h, "failover_ms", "p50"), g(k, "failover_ms", "p50"))
                r99 = ratio(g(h, "failover_ms", "p99"), g(k, "failover_ms", "p99"))
                a50 = ratio(g(h, "after_advert_ms", "p50"), g(k, "after_advert_ms", "p50"))
                a99 = ratio(g(h, "after_advert_ms", "p99"), g(k, "after_advert_ms", "p99"))
                print("%s: had/keepalived p50 ratio = %s (p99 %s); from the "
                      "last advert: p50 %s, p99 %s"
                      % (lab, f(r50, 0, 3), f(r99, 0, 3), f(a50, 0, 3), f(a99, 0, 3)))
                d50 = g(h, "after_advert_ms", "p50")
                k50 = g(k, "after_advert_ms", "p50")
                d99 = g(h, "after_advert_ms", "p99")
                k99 = g(k, "after_advert_ms", "p99")
                if None not in (d50, k50, d99, k99):
                    ok = d50 <= k50 and d99 <= k99
                    print("%s: aim never slower than keepalived (last advert "
                          "-> VIP, p50 and p99): %s (had %.3f/%.3f, keepalived "
                          "%.3f/%.3f ms)" % (lab, "met" if ok else "NOT met",
                                             d50, d99, k50, k99))
            print()
    if cpus:
        print("CPU and memory, one node master of every instance "
              "(CPU % of one core from /proc/PID/stat utime+stime):")
        print("%-10s %-22s %7s %8s %9s %9s %8s %10s %7s"
              % ("impl", "process", "CPU %", "sched %", "VmRSS kB",
                 "VmHWM kB", "all CPU%", "all RSS kB", "pkt/s"))
        for impl in sorted(cpus):
            d = cpus[impl]
            print("%-10s %-22s %7.2f %8.3f %9d %9d %8.2f %10d %7s"
                  % (impl, d["proc"], d["cpu_pct"], d["cpu_pct_schedstat"],
                     d["rss_kb"], d["hwm_kb"], d["all_cpu_pct"],
                     d["all_rss_kb"], d["tx_pps"]))
            print("%-10s   all = %s" % ("", d["all_procs"]))
        h, k = cpus.get("had"), cpus.get("keepalived")
        if h:
            print("  %d instances, VRRPv3, advert_int %s s, one VIP each, "
                  "measured over %.1f s" % (h["instances"], h["adv"], h["seconds"]))
        if h and k:
            print("  had vrrpd / keepalived VRRP child: CPU ratio %s "
                  "(schedstat %s), RSS ratio %s; all processes: CPU %s, RSS %s"
                  % (f(ratio(h["cpu_pct"], k["cpu_pct"]), 0, 3),
                     f(ratio(h["cpu_pct_schedstat"], k["cpu_pct_schedstat"]), 0, 3),
                     f(ratio(h["rss_kb"], k["rss_kb"]), 0, 3),
                     f(ratio(h["all_cpu_pct"], k["all_cpu_pct"]), 0, 3),
                     f(ratio(h["all_rss_kb"], k["all_rss_kb"]), 0, 3)))
    if not fos and not cpus:
        print("nothing measured")
        return 1
    return 0


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--failover-line":
        print(failover_line(json.load(open(sys.argv[2]))))
        return 0
    if len(sys.argv) == 3 and sys.argv[1] == "--cpu-line":
        print(cpu_line(json.load(open(sys.argv[2]))))
        return 0
    if len(sys.argv) == 2:
        return table(sys.argv[1])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
