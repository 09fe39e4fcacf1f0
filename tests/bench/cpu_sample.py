#!/usr/bin/python3
"""CPU and memory of a process over a window, for bench_vrrp_cpu.sh.

Run inside the node's namespace (for the interface counters):

    cpu_sample.py --impl had --proc vrrpd --pid P --all P1,P2,...
        --seconds 20 --instances 100 --adv 0.1 [--dev eth0]

CPU: utime+stime from /proc/PID/stat (fields 14 and 15, clock ticks)
before and after, over the wall time between, as a percentage of one
core; the same from the threads' /proc/PID/task/TID/schedstat run time
(nanoseconds, no tick quantisation) as a cross-check.  Memory: VmRSS and VmHWM from /proc/PID/status at the end.  --all
adds the same figures summed over every process of the implementation.
The interface's tx_packets over the window shows the adverts really went
out at the configured rate.  Prints one JSON object; exits 1 if a process
went away during the window.
"""
import argparse
import json
import os
import sys
import time

HZ = os.sysconf("SC_CLK_TCK")


def ticks(pid):
    with open("/proc/%d/stat" % pid) as fh:
        s = fh.read()
    f = s[s.rindex(")") + 2:].split()
    # f[0] is field 3 (state); utime and stime are fields 14 and 15.
    return int(f[11]) + int(f[12]), int(f[19])	# ..., starttime (22)


def status(pid, key):
    with open("/proc/%d/status" % pid) as fh:
        for line in fh:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def run_ns(pid):
    """Time on CPU of every thread, in ns (schedstat: exact, no ticks)."""
    t = 0
    for tid in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/schedstat" % (pid, tid)) as fh:
                t += int(fh.read().split()[0])
        except (OSError, ValueError, IndexError):
            pass
    return t


def txp(dev):
    try:
        with open("/sys/class/net/%s/statistics/tx_packets" % dev) as fh:
            return int(fh.read())
    except OSError:
        return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--impl", required=True)
    ap.add_argument("--proc", required=True)
    ap.add_argument("--pid", type=int, required=True)
    ap.add_argument("--all", default="")
    ap.add_argument("--all-label", default="")
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--instances", type=int, required=True)
    ap.add_argument("--adv", required=True)
    ap.add_argument("--dev", default="eth0")
    a = ap.parse_args()
    pids = [a.pid]
    for p in a.all.split(","):
        if p and int(p) > 0 and int(p) not in pids:
            pids.append(int(p))
    t0 = {p: ticks(p) for p in pids}
    s0 = {p: run_ns(p) for p in pids}
    tx0 = txp(a.dev)
    w0 = time.monotonic()
    time.sleep(max(0.5, min(a.seconds, 600)))
    w1 = time.monotonic()
    tx1 = txp(a.dev)
    try:
        t1 = {p: ticks(p) for p in pids}
        s1 = {p: run_ns(p) for p in pids}
    except OSError:
        print(json.dumps({"error": "a process went away"}))
        return 1
    for p in pids:
        if t1[p][1] != t0[p][1]:
            print(json.dumps({"error": "pid %d was reused" % p}))
            return 1
    wall = w1 - w0

    def pct(p):
        return (t1[p][0] - t0[p][0]) / HZ / wall * 100.0

    out = {
        "impl": a.impl, "proc": a.proc, "pid": a.pid,
        "instances": a.instances, "adv": a.adv, "seconds": round(wall, 3),
        "clk_tck": HZ,
        "cpu_pct": round(pct(a.pid), 3),
        "cpu_ticks": t1[a.pid][0] - t0[a.pid][0],
        "cpu_pct_schedstat": round((s1[a.pid] - s0[a.pid]) / 1e9 / wall * 100.0, 3),
        "rss_kb": status(a.pid, "VmRSS"), "hwm_kb": status(a.pid, "VmHWM"),
        "all_pids": pids,
        "all_procs": a.all_label or ",".join(str(p) for p in pids),
        "all_cpu_pct": round(sum(pct(p) for p in pids), 3),
        "all_cpu_pct_schedstat": round(sum(s1[p] - s0[p] for p in pids) / 1e9 / wall * 100.0, 3),
        "all_rss_kb": sum(status(p, "VmRSS") for p in pids),
        "tx_pps": (round((tx1 - tx0) / wall, 1)
                   if tx0 is not None and tx1 is not None else None),
    }
    print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
