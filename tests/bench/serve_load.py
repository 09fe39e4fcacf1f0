#!/usr/bin/python3
"""Scrape load for bench_serve.sh: serve_load.py HOST PORT PATH RATE SECONDS
PIDS (name:pid,...) [CONNS [gzip]].

CONNS (1) keep-alive connections, each a thread asking every CONNS/RATE s
on a fixed schedule (a late request goes at once, none is skipped to
catch up more than one period), with "Accept-Encoding: gzip" when asked
(as Prometheus does; the body is counted, not inflated).  CPU of each
pid from /proc/PID/stat (utime+stime) over the run, as a percentage of
one core.  Prints one JSON object.
"""
import http.client
import json
import os
import sys
import threading
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


conns = int(sys.argv[7]) if len(sys.argv) > 7 else 1
hdrs = {"Accept-Encoding": "gzip"} if sys.argv[8:9] == ["gzip"] else {}
lat, errors, size, lock = [], [0], [0], threading.Lock()


def scraper(t0, offset):
    conn = http.client.HTTPConnection(host, port, timeout=10)
    period = conns / rate
    nxt = t0 + offset
    while True:
        now = time.monotonic()
        if now - t0 >= seconds:
            break
        if nxt > now:
            time.sleep(nxt - now)
        nxt = max(nxt + period, time.monotonic() - period)
        s = time.monotonic()
        try:
            conn.request("GET", path, headers=hdrs)
            r = conn.getresponse()
            body = r.read()
            ok = r.status == 200
        except (OSError, http.client.HTTPException):
            ok, body = False, b""
            conn.close()
            conn = http.client.HTTPConnection(host, port, timeout=10)
        with lock:
            if ok:
                lat.append((time.monotonic() - s) * 1000)
                size[0] = len(body)
            else:
                errors[0] += 1


before = {n: ticks(p) for n, p in pids.items()}
t0 = time.monotonic()
threads = [threading.Thread(target=scraper, args=(t0, i / rate))
           for i in range(conns)]
for t in threads:
    t.start()
for t in threads:
    t.join()
wall = time.monotonic() - t0
cpu = {n: 100.0 * (ticks(p) - before[n]) / HZ / wall for n, p in pids.items()}
lat.sort()


def pct(q):
    return lat[min(len(lat) - 1, int(q * len(lat)))] if lat else None


print(json.dumps({"scrapes": len(lat), "errors": errors[0], "seconds": wall,
                  "rate": len(lat) / wall, "bytes": size[0], "conns": conns,
                  "gzip": bool(hdrs),
                  "p50_ms": pct(0.5), "p99_ms": pct(0.99),
                  "max_ms": lat[-1] if lat else None, "cpu_pct": cpu,
                  "cpu_total_pct": sum(cpu.values())}))
