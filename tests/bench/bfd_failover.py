#!/usr/bin/env python3
"""Timing for bench_bfd.sh, run in FRR's namespace (ip netns exec LAB-f).

The failure is one nftables rule in f's output chain, dropping FRR's BFD
packets to a node; it is added through libnftables in this process, so
the time of the failure is that of one netlink transaction (the window
between the clock read before it and after it is printed).  Clocks: the
wall clock in microseconds, the one bfdd stamps its changes with
(hactl show bfd -j, last_change_us).

  detect LAB HACTL SOCK SESSION RUNS OUT
      FRR's packets to had's session SESSION dropped, RUNS times: from
      the rule to bfdd's own time of the session going Down.
  vip LAB IMPL RUNS VIP OUT NODE=ADDR NODE=ADDR [HACTL SESSION]
      two nodes both tracking a 10 ms x 3 session to FRR (track_bfd);
      FRR's packets to the node holding VIP dropped: from the rule to
      RTM_NEWADDR of VIP in the other node's namespace (rtnetlink, read
      as it comes).  With HACTL, also bfdd's time of the session Down.
  table OUT...
      p50/p99 of each result file, had against keepalived.
"""
import ctypes
import json
import os
import select
import socket
import struct
import subprocess
import sys
import time

CLONE_NEWNET = 0x40000000
RTMGRP_IPV4_IFADDR = 0x10
RTM_NEWADDR = 20
IFA_ADDRESS, IFA_LOCAL = 1, 2
TABLE = "bfdbench"


def now_us():
    return time.time_ns() // 1000


def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(round(p / 100.0 * (len(v) - 1))))]


class Nft:
    """libnftables in this process: no fork between the clock and the rule."""

    def __init__(self):
        self.lib = ctypes.CDLL("libnftables.so.1")
        self.lib.nft_ctx_new.restype = ctypes.c_void_p
        self.lib.nft_ctx_new.argtypes = [ctypes.c_uint32]
        self.lib.nft_run_cmd_from_buffer.argtypes = [ctypes.c_void_p,
                                                     ctypes.c_char_p]
        self.ctx = self.lib.nft_ctx_new(0)
        self.run("add table inet %s\n"
                 "add chain inet %s out { type filter hook output "
                 "priority 0; }\n" % (TABLE, TABLE))

    def run(self, cmd):
        if self.lib.nft_run_cmd_from_buffer(self.ctx, cmd.encode()) != 0:
            raise RuntimeError("nft: " + cmd)

    def drop_to(self, addr):
        """(before, after): the rule is in force at some time between."""
        t0 = now_us()
        self.run("add rule inet %s out ip daddr %s udp dport 3784 drop\n"
                 % (TABLE, addr))
        return t0, now_us()

    def flush(self):
        self.run("flush chain inet %s out\n" % TABLE)

    def close(self):
        self.run("delete table inet %s\n" % TABLE)


def netns_socket(lab, node):
    """An rtnetlink socket for IPv4 address events in the node's netns."""
    libc = ctypes.CDLL(None, use_errno=True)
    home = os.open("/proc/self/ns/net", os.O_RDONLY)
    there = os.open("/var/run/netns/%s-%s" % (lab, node), os.O_RDONLY)
    try:
        if libc.setns(there, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), "setns")
        s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                          socket.NETLINK_ROUTE)
        s.bind((0, RTMGRP_IPV4_IFADDR))
        s.setblocking(False)
    finally:
        libc.setns(home, CLONE_NEWNET)
        os.close(home)
        os.close(there)
    return s


def new_addrs(buf):
    """The IPv4 addresses of the RTM_NEWADDR messages in buf."""
    out, off = [], 0
    while off + 16 <= len(buf):
        mlen, mtype = struct.unpack_from("=IH", buf, off)
        if mlen < 16 or off + mlen > len(buf):
            break
        if mtype == RTM_NEWADDR and mlen >= 24:
            a = off + 24
            while a + 4 <= off + mlen:
                alen, atype = struct.unpack_from("=HH", buf, a)
                if alen < 4:
                    break
                if atype in (IFA_ADDRESS, IFA_LOCAL) and alen == 8:
                    out.append(socket.inet_ntoa(buf[a + 4:a + 8]))
                a += (alen + 3) & ~3
        off += (mlen + 3) & ~3
    return out


def drain(s):
    while True:
        try:
            s.recv(65536)
        except BlockingIOError:
            return


def has_addr(lab, node, addr):
    r = subprocess.run(["ip", "-n", "%s-%s" % (lab, node), "-o", "-4",
                        "addr", "show"], capture_output=True, text=True)
    return (" %s/" % addr) in r.stdout


def bfd_row(hactl, sock, name):
    r = subprocess.run([hactl, "-s", sock, "show", "bfd", name, "-j"],
                       capture_output=True)
    try:
        return [s for s in json.loads(r.stdout)["items"]
                if s.get("name") == name][0]
    except (ValueError, IndexError, KeyError):
        return {}


def frr_up(addr, secs=0):
    """FRR's session Up for secs: past the flap that FRR's peers see
    right after Up, when it moves to the fast rate."""
    r = subprocess.run(["vtysh", "--vty_socket", os.environ["FRR_VTY"],
                        "-d", "bfdd", "-c", "show bfd peers json"],
                       capture_output=True)
    try:
        p = [p for p in json.loads(r.stdout) if p["peer"] == addr][0]
        return p["status"] == "up" and p.get("uptime", 0) >= secs
    except (ValueError, IndexError, KeyError):
        return False


def wait(pred, secs, step=0.02):
    end = time.monotonic() + secs
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(step)
    return False


def detect(lab, hactl, sock, name, runs, out):
    nft = Nft()
    got, win = [], []
    try:
        for _ in range(runs):
            # Up at the fast rate, past the poll sequence after Up.
            row = {}
            if not wait(lambda: row.update(bfd_row(hactl, sock, name)) or
                        (row.get("detect_us") == 30000 and
                         frr_up(row.get("source"), 2)), 15, 0.05):
                print("bench_bfd: %s not Up at 10 ms" % name,
                      file=sys.stderr)
                break
            t0, t1 = nft.drop_to(row["source"])
            r = {}
            wait(lambda: r.update(bfd_row(hactl, sock, name)) or
                 r.get("state") == "Down", 5, 0.005)
            nft.flush()
            if r.get("state") != "Down" or r.get("diag") != 1:
                # Not our detection: a flap on a busy host before it.
                print("bench_bfd: %s %s, diagnostic %s" % (
                    name, r.get("state"), r.get("diag")), file=sys.stderr)
                continue
            got.append((r["last_change_us"] - t0) / 1000.0)
            win.append((t1 - t0) / 1000.0)
    finally:
        nft.close()
    json.dump({"detect_ms": got, "nft_ms": win}, open(out, "w"))
    if got:
        print("bfd detect: 10 ms x 3 (detect time 30 ms), %d runs: p50 "
              "%.2f ms, p99 %.2f ms, min %.2f, max %.2f (from the rule, "
              "in force within %.2f ms, to bfdd's stamp)" %
              (len(got), pct(got, 50), pct(got, 99), min(got), max(got),
               max(win)))


def vip(lab, impl, runs, addr, out, nodes, hactl=None, session=None):
    nft = Nft()
    socks = {n: netns_socket(lab, n) for n in nodes}
    got, det, lost = [], [], 0
    try:
        for _ in range(runs):
            # Settled: both sessions Up on FRR's side, the VIP on one
            # node (a session that flapped on a busy host is waited out).
            holder = []

            def settled():
                holder[:] = [n for n in nodes if has_addr(lab, n, addr)]
                return len(holder) == 1 and all(frr_up(x, 2) for x in
                                                nodes.values())
            if not wait(settled, 15, 0.2):
                print("bench_bfd: %s: not settled, VIP on %s" %
                      (impl, holder or "none"), file=sys.stderr)
                lost += 1
                continue
            m = holder[0]
            (o,) = [n for n in nodes if n != m]
            drain(socks[o])
            t0, _ = nft.drop_to(nodes[m])
            t = None
            end = time.monotonic() + 5
            while t is None and time.monotonic() < end:
                r, _, _ = select.select([socks[o]], [], [], 0.1)
                if r:
                    tr = now_us()
                    try:
                        buf = socks[o].recv(65536)
                    except BlockingIOError:
                        continue
                    if addr in new_addrs(buf):
                        t = tr
            if t is None:
                lost += 1
            else:
                got.append((t - t0) / 1000.0)
                if hactl:
                    row = bfd_row(hactl, "%s/%s/had.sock" % (
                        os.environ["LAB_DIR"], m), session)
                    if row.get("state") == "Down":
                        det.append((row["last_change_us"] - t0) / 1000.0)
            nft.flush()
            # The failed node back: FRR's session to it Up, then its
            # instance out of FAULT into BACKUP.
            wait(lambda: frr_up(nodes[m]), 10, 0.1)
            time.sleep(1.0)
    finally:
        nft.close()
    json.dump({"impl": impl, "vip_ms": got, "detect_ms": det,
               "lost": lost}, open(out, "w"))
    if got:
        print("bfd vip %s: %d runs: p50 %.1f ms, p99 %.1f ms, min %.1f, "
              "max %.1f%s%s" % (impl, len(got), pct(got, 50), pct(got, 99),
                                min(got), max(got),
                                ", bfdd detect p50 %.1f p99 %.1f" %
                                (pct(det, 50), pct(det, 99)) if det else "",
                                ", %d lost" % lost if lost else ""))


def table(files):
    res = {}
    for f in files:
        try:
            d = json.load(open(f))
        except (OSError, ValueError):
            continue
        if d.get("vip_ms"):
            res[d["impl"]] = d
    print("BFD failover, 10 ms x 3, VRRP advert_int 1: failure -> VIP on "
          "the backup (ms)")
    print("%-12s %5s %8s %8s %8s %8s" % ("impl", "runs", "p50", "p99",
                                         "min", "max"))
    for i in ("had", "keepalived"):
        if i in res:
            v = res[i]["vip_ms"]
            print("%-12s %5d %8.1f %8.1f %8.1f %8.1f" %
                  (i, len(v), pct(v, 50), pct(v, 99), min(v), max(v)))
    if "had" in res and "keepalived" in res:
        h, k = res["had"]["vip_ms"], res["keepalived"]["vip_ms"]
        print("%-12s %5s %8.2f %8.2f" % ("had/ka", "", pct(h, 50) /
                                         pct(k, 50), pct(h, 99) / pct(k, 99)))


def main():
    a = sys.argv[1:]
    if a[:1] == ["detect"] and len(a) == 7:
        detect(a[1], a[2], a[3], a[4], int(a[5]), a[6])
    elif a[:1] == ["vip"] and len(a) in (8, 10):
        nodes = dict(x.split("=", 1) for x in a[6:8])
        vip(a[1], a[2], int(a[3]), a[4], a[5], nodes,
            *(a[8:10] if len(a) == 10 else []))
    elif a[:1] == ["table"]:
        table(a[1:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
