#!/usr/bin/python3
"""Record the kernel receive time of every VRRP advert seen on an interface.

Run inside the backup's namespace by bench_vrrp_failover.sh:

    vrrp_cap.py --dev eth0 --src 198.18.0.1 --src 198.18.0.2 --out FILE
        --max-seconds S

One line per advert from one of the SRC addresses, received or sent
(a packet socket sees both): "NS SRC PRIO", NS the kernel timestamp
(SO_TIMESTAMPNS, CLOCK_REALTIME, nanoseconds) and PRIO the advertised
priority.  It gives the bench the last advert the backup heard from the
master before the VIP arrived, so the time after Master_Down_Interval can
be measured without the phase of the link going down relative to the
advert timer, and the backup's first advert as the new master, which
splits that time into the timer and the moving of the VIP.
Bounded: stops after MAX_SECONDS, or on SIGTERM.
"""
import argparse
import signal
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003		# sent packets reach only ETH_P_ALL taps
ETH_P_IP = 0x0800
SO_TIMESTAMPNS = 35		# asm-generic/socket.h, x86 and arm alike
IPPROTO_VRRP = 112


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dev", default="eth0")
    ap.add_argument("--src", action="append", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--max-seconds", type=float, default=900)
    a = ap.parse_args()
    srcs = {socket.inet_aton(x): x for x in a.src}
    s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM,
                      socket.htons(ETH_P_ALL))
    s.bind((a.dev, 0))
    s.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    s.settimeout(0.5)
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    end = time.monotonic() + a.max_seconds
    out = open(a.out, "w", buffering=1)
    print("ready", file=out)
    while not stop and time.monotonic() < end:
        try:
            data, anc, _, addr = s.recvmsg(2048, socket.CMSG_SPACE(16))
        except socket.timeout:
            continue
        except InterruptedError:
            continue
        if addr[1] != ETH_P_IP or len(data) < 28 or data[9] != IPPROTO_VRRP or data[12:16] not in srcs:
            continue
        ihl = (data[0] & 0x0f) * 4
        if len(data) < ihl + 4:
            continue
        ns = None
        for lvl, typ, val in anc:
            if lvl == socket.SOL_SOCKET and typ == SO_TIMESTAMPNS:
                sec, nsec = struct.unpack("qq", val[:16])
                ns = sec * 1000000000 + nsec
        if ns is None:
            ns = time.time_ns()
        print(ns, srcs[data[12:16]], data[ihl + 2], file=out)
    out.close()


if __name__ == "__main__":
    sys.exit(main())
