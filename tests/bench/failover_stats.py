#!/usr/bin/python3
"""Turn one failover series of bench_vrrp_failover.sh into figures.

    failover_stats.py --impl had --ver 2 --adv-ms 1000 --mdi-ms 3609.375
        --vip 198.18.0.100 --t0 T0FILE --mon MONFILE [--cap CAPFILE]

T0FILE: one line per run, "RUN T0_NS", T0 taken (date +%s%N) right before
`ip link set eth0 down` on the master.  MONFILE: the output of
`TZ=UTC ip -ts -o monitor address` in the backup's namespace, started
before the first run.  CAPFILE: vrrp_cap.py's adverts from the master as
the backup received them.

Per run: failover = the timestamp of the first event adding the VIP after
T0 (and before the next run's T0), minus T0.  When the capture is there,
also after_advert = that event minus the last advert from the master
received before it, and over_mdi = after_advert - Master_Down_Interval:
the time the backup took beyond the RFC's timer, whatever the phase of the
link going down against the advert timer.  LINKMON (--link-mon):
`ip -ts -o monitor link` in the master's namespace; its first eth0 event
after T0 is the link going down, and minus T0 it is what the harness's
`ip link set` costs.  With --master-ip and --backup-ip, the backup's
first advert after the master's last one splits over_mdi in two:
first_advert_over_mdi (the backup's Master_Down_Timer firing late and
sending) and vip_after_first_advert (the VIP reaching the interface).

Percentiles are nearest-rank (with 20 runs, p99 is the largest).  Prints
one JSON object.
"""
import argparse
import calendar
import json
import math
import re
import sys

TS = re.compile(r"^\[(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)\.(\d{6})\]\s*(.*)$")


def ts_ns(m):
    y, mo, d, h, mi, s, us = (int(m.group(i)) for i in range(1, 8))
    return calendar.timegm((y, mo, d, h, mi, s, 0, 0, 0)) * 10**9 + us * 1000


def pct(xs, p):
    if not xs:
        return None
    s = sorted(xs)
    return s[max(0, math.ceil(p / 100.0 * len(s)) - 1)]


def stats(xs):
    if not xs:
        return {"n": 0}
    return {"n": len(xs), "p50": pct(xs, 50), "p99": pct(xs, 99),
            "min": min(xs), "max": max(xs),
            "mean": sum(xs) / len(xs)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--impl", required=True)
    ap.add_argument("--ver", type=int, required=True)
    ap.add_argument("--adv-ms", type=float, required=True)
    ap.add_argument("--mdi-ms", type=float, required=True)
    ap.add_argument("--prio", type=int, required=True)
    ap.add_argument("--vip", required=True)
    ap.add_argument("--t0", required=True)
    ap.add_argument("--mon", required=True)
    ap.add_argument("--cap")
    ap.add_argument("--master-ip")
    ap.add_argument("--backup-ip")
    ap.add_argument("--link-mon")
    a = ap.parse_args()

    runs = []
    for line in open(a.t0):
        f = line.split()
        if len(f) >= 2:
            runs.append((int(f[0]), int(f[1])))
    adds = []
    vip = re.compile(r"\binet6?\s+" + re.escape(a.vip) + r"/")
    for line in open(a.mon, errors="replace"):
        m = TS.match(line.strip())
        if not m:
            continue
        rest = m.group(8)
        if rest.startswith("Deleted") or not vip.search(rest):
            continue
        adds.append(ts_ns(m))
    adverts = []
    if a.cap:
        try:
            for line in open(a.cap):
                f = line.split()
                if len(f) == 3 and f[0].isdigit():
                    adverts.append((int(f[0]), f[1], int(f[2])))
        except OSError:
            pass
    adverts.sort()
    from_m = [(t, p) for t, s, p in adverts if s == a.master_ip]
    from_b = [t for t, s, p in adverts if s == a.backup_ip]
    links = []
    if a.link_mon:
        try:
            for line in open(a.link_mon, errors="replace"):
                m = TS.match(line.strip())
                if m and re.search(r"\beth0[@:]", m.group(8)):
                    links.append(ts_ns(m))
        except OSError:
            pass

    fo, after, over, missed, prio0, lk = [], [], [], [], 0, []
    timer, plumb = [], []
    per_run = []
    for k, (i, t0) in enumerate(runs):
        nxt = runs[k + 1][1] if k + 1 < len(runs) else float("inf")
        le = [t for t in links if t0 <= t < nxt]
        if le:
            lk.append((le[0] - t0) / 1e6)
        ev = [t for t in adds if t0 <= t < nxt]
        if not ev:
            missed.append(i)
            per_run.append({"run": i, "failover_ms": None})
            continue
        t = ev[0]
        d = (t - t0) / 1e6
        fo.append(d)
        r = {"run": i, "failover_ms": round(d, 3)}
        prev = [x for x in from_m if x[0] < t]
        if prev:
            la, lp = prev[-1]
            if lp == 0:
                prio0 += 1
            aa = (t - la) / 1e6
            after.append(aa)
            over.append(aa - a.mdi_ms)
            r["after_advert_ms"] = round(aa, 3)
            r["last_advert_prio"] = lp
            fb = [x for x in from_b if la < x < nxt]
            if fb:
                timer.append((fb[0] - la) / 1e6 - a.mdi_ms)
                plumb.append((t - fb[0]) / 1e6)
                r["backup_first_advert_over_mdi_ms"] = round(timer[-1], 3)
                r["vip_after_first_advert_ms"] = round(plumb[-1], 3)
        per_run.append(r)

    out = {
        "impl": a.impl, "ver": a.ver, "adv_ms": a.adv_ms,
        "backup_prio": a.prio, "mdi_ms": a.mdi_ms,
        "runs": len(runs), "measured": len(fo), "missed": missed,
        "failover_ms": stats(fo),
        "after_advert_ms": stats(after),
        "over_mdi_ms": stats(over),
        "prio0_last": prio0,
        "first_advert_over_mdi_ms": stats(timer),
        "vip_after_first_advert_ms": stats(plumb),
        "t0_to_link_down_ms": stats(lk),
        "per_run": per_run,
    }
    json.dump(out, sys.stdout, indent=1)
    print()
    return 0 if fo else 1


if __name__ == "__main__":
    sys.exit(main())
