#!/usr/bin/python3
"""Scrape load for bench_serve.sh: serve_load.py HOST PORT PATH RATE SECONDS
PIDS (name:pid,...).

One keep-alive connection, a request every 1/RATE s on a fixed schedule
(a late request goes at once, none is skipped to catch up more than one
period).  CPU of each pid from /proc/PID/stat (utime+stime) over the run,
as a percentage of one core.  Prints one JSON object.
"""
import http.client
import json
import os
import sys
import time

host, port, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rate, seconds = float(sys.argv[4]), float(sys.argv[5])
pids = dict(p.split(":") for p in sys.argv[6].split(","))
HZ = os.sysconf("SC_CLK_TCK")


def ticks(pid):
    with open("/proc/%s/stat" % pid) as fh:
        s = fh.read()
    f = s[s.rindex(")") + 2:].split()
    return int(f[11]) + int(f[12])


conn = http.client.HTTPConnection(host, port, timeout=10)
lat, errors, size = [], 0, 0
before = {n: ticks(p) for n, p in pids.items()}
t0 = time.monotonic()
period = 1.0 / rate
nxt = t0
while True:
    now = time.monotonic()
    if now - t0 >= seconds:
        break
    if nxt > now:
        time.sleep(nxt - now)
    nxt = max(nxt + period, time.monotonic() - period)
    s = time.monotonic()
    try:
        conn.request("GET", path)
        r = conn.getresponse()
        body = r.read()
        if r.status != 200:
            errors += 1
        size = len(body)
    except (OSError, http.client.HTTPException):
        errors += 1
        conn.close()
        conn = http.client.HTTPConnection(host, port, timeout=10)
        continue
    lat.append((time.monotonic() - s) * 1000)
wall = time.monotonic() - t0
cpu = {n: 100.0 * (ticks(p) - before[n]) / HZ / wall for n, p in pids.items()}
lat.sort()


def pct(q):
    return lat[min(len(lat) - 1, int(q * len(lat)))] if lat else None


print(json.dumps({"scrapes": len(lat), "errors": errors, "seconds": wall,
                  "rate": len(lat) / wall, "bytes": size,
                  "p50_ms": pct(0.5), "p99_ms": pct(0.99),
                  "max_ms": lat[-1] if lat else None, "cpu_pct": cpu,
                  "cpu_total_pct": sum(cpu.values())}))
