#!/usr/bin/python3
"""Sample the VRRP state of every side of a lab every PERIOD seconds.

Used by test_vrrp_keepalived.sh around each transition (start, preemption,
shutdown).  A side is one node running either had (state from
`hactl show vrrp -j`) or keepalived (state from the file its notify script
writes, DIR/state.INSTANCE).  A side counts as master of an instance when
it says MASTER or when the instance's VIP is on its interfaces: the
conservative reading, so that a VIP left behind counts as a second master.

    vrrp_watch.py --hactl BUILD/hactl --period 0.05 --window 8 --hold 1
        --side a=had:NS:SOCKET --side b=ka:NS:DIR
        --inst VI_V3=198.18.0.100 --inst VI_V6=2001:db8::100
        --expect a [--stopped b]

Stops when the expected side has been master of every instance (state
MASTER and the VIP) and every other side backup (BACKUP, or nothing if
--stopped, and no VIP) for HOLD seconds, or when WINDOW runs out; bounded
in time and in samples either way.  Prints one JSON object:

    reached       the end condition held for HOLD seconds
    reached_ms    when the final good run started, from the start
    expect_ms     when the expected side was first master (state MASTER
                  and the VIP) of every instance, whatever the others did
    samples       how many samples were taken
    max_dual_ms   per instance: the longest run of samples in which two
                  sides were master, measured from its first sample to the
                  first sample after it (an upper bound, quantised by
                  PERIOD); 0 if never
    dual_runs     per instance: how many such runs
    last          per side and instance: [state, vip present]
"""
import argparse
import json
import subprocess
import sys
import time


def addrs_of(ns):
    try:
        out = subprocess.run(["ip", "-n", ns, "-o", "addr", "show"],
                             capture_output=True, text=True, timeout=2).stdout
    except (subprocess.TimeoutExpired, OSError):
        return set()
    s = set()
    for line in out.splitlines():
        f = line.split()
        for i, w in enumerate(f):
            if w in ("inet", "inet6") and i + 1 < len(f):
                s.add(f[i + 1].split("/")[0])
    return s


def had_states(hactl, sock):
    try:
        r = subprocess.run([hactl, "-s", sock, "show", "vrrp", "-j"],
                           capture_output=True, text=True, timeout=2)
        if r.returncode != 0:
            return {}
        return {i.get("name"): i.get("state", "") for i in json.loads(r.stdout)["items"]}
    except (subprocess.TimeoutExpired, OSError, ValueError, AttributeError,
            TypeError, KeyError):
        # No answer (had stopped, or hactl being rebuilt): no state.
        return {}


def ka_states(d, insts):
    st = {}
    for name in insts:
        try:
            with open("%s/state.%s" % (d, name)) as f:
                st[name] = f.read().strip()
        except OSError:
            st[name] = ""
    return st


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hactl", default="build/hactl")
    ap.add_argument("--period", type=float, default=0.05)
    ap.add_argument("--window", type=float, required=True)
    ap.add_argument("--hold", type=float, default=1.0)
    ap.add_argument("--side", action="append", required=True)
    ap.add_argument("--inst", action="append", required=True)
    ap.add_argument("--expect", required=True)
    ap.add_argument("--stopped", action="append", default=[])
    a = ap.parse_args()

    sides = {}
    for s in a.side:
        name, spec = s.split("=", 1)
        kind, ns, where = spec.split(":", 2)
        sides[name] = (kind, ns, where)
    insts = dict(i.split("=", 1) for i in a.inst)

    t0 = time.monotonic()
    max_samples = int(a.window / a.period) + 2
    dual_start = {i: None for i in insts}
    max_dual = {i: 0 for i in insts}
    dual_runs = {i: 0 for i in insts}
    good_since = None
    expect_at = None
    reached = False
    n = 0
    last = {}
    while n < max_samples:
        ts = time.monotonic()
        if ts - t0 > a.window:
            break
        n += 1
        last = {}
        for name, (kind, ns, where) in sides.items():
            st = had_states(a.hactl, where) if kind == "had" \
                else ka_states(where, insts)
            ad = addrs_of(ns)
            last[name] = {i: [st.get(i, ""), insts[i] in ad] for i in insts}
        now = time.monotonic()
        good = True
        if expect_at is None and all(last[a.expect][i][0] == "MASTER" and
                                     last[a.expect][i][1] for i in insts):
            expect_at = ts
        for i in insts:
            masters = [s for s in sides
                       if last[s][i][0] == "MASTER" or last[s][i][1]]
            if len(masters) > 1:
                if dual_start[i] is None:
                    dual_start[i] = ts
                    dual_runs[i] += 1
            elif dual_start[i] is not None:
                max_dual[i] = max(max_dual[i], now - dual_start[i])
                dual_start[i] = None
            for s in sides:
                state, vip = last[s][i]
                if s == a.expect:
                    ok = state == "MASTER" and vip
                elif s in a.stopped:
                    ok = state != "MASTER" and not vip
                else:
                    ok = state == "BACKUP" and not vip
                good = good and ok
        if good:
            if good_since is None:
                good_since = ts
            if now - good_since >= a.hold:
                reached = True
                break
        else:
            good_since = None
        rest = a.period - (time.monotonic() - ts)
        if rest > 0:
            time.sleep(rest)
    end = time.monotonic()
    for i in insts:
        if dual_start[i] is not None:
            max_dual[i] = max(max_dual[i], end - dual_start[i])
    json.dump({
        "reached": reached,
        "reached_ms": int((good_since - t0) * 1000) if reached else -1,
        "expect_ms": int((expect_at - t0) * 1000) if expect_at else -1,
        "samples": n,
        "elapsed_ms": int((end - t0) * 1000),
        "max_dual_ms": {i: int(v * 1000) for i, v in max_dual.items()},
        "dual_runs": dual_runs,
        "last": last,
    }, sys.stdout)
    print()


if __name__ == "__main__":
    main()
