#!/usr/bin/python3
"""VRRP adverts against an auth_type AH router, for test_vrrp_ah_attack.sh
(VRRPv2, or with --version 3 VRRPv3, had's extension).
Runs inside the lab node that sends (ip netns exec); one action a run:

    capture FILE   wait (at most 8 s) for one AH advert from --peer and
                   write its IPv4 packet to FILE
    replay FILE    send that packet again, unchanged, COUNT times
    noah           a plain VRRPv2 advert (auth type 2, no AH header)
    badicv         an AH advert whose ICV was made with another key
    badspi         an AH advert made with the key, SPI not the source
    good           an AH advert made with the key (the control: it must
                   be accepted)

The forged adverts carry priority 254 and a sequence number far above
anything the router has seen, so that only the check under test can
stop them.  COUNT adverts, 20 ms apart (COUNT at most 50).
"""
import argparse
import hmac
import os
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vrrp_scapy import MAC4, MCAST4, csum, v2_packet, v3_packet  # noqa: E402
from scapy.all import Ether, Raw, get_if_hwaddr, sendp, sniff  # noqa: E402

AH = 51
VRRP = 112


def ah_packet(src, dst, vrrp, key, seq, spi=None, ip_id=4242):
    """IPv4 + AH (keepalived's form) around a VRRP message."""
    key = key[:8].ljust(8, b"\0")
    s, d = socket.inet_aton(src), socket.inet_aton(dst)
    tot = 20 + 24 + len(vrrp)
    ah = struct.pack("!BBH4sI", VRRP, 4, 0, spi or s, seq) + b"\0" * 12

    def iphdr(tos, ck):
        return struct.pack("!BBHHHBBH4s4s", 0x45, tos, tot, ip_id, 0, 255,
                           AH, ck, s, d)
    icv = hmac.new(key, iphdr(0, 0) + ah + vrrp, "md5").digest()[:12]
    ah = ah[:12] + icv
    return iphdr(0xc0, csum(iphdr(0xc0, 0))) + ah + vrrp


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--iface", default="eth0")
    ap.add_argument("--src", required=True)
    ap.add_argument("--peer", help="whose advert to capture")
    ap.add_argument("--vrid", type=int, required=True)
    ap.add_argument("--vip", required=True)
    ap.add_argument("--key", default="")
    ap.add_argument("--count", type=int, default=3)
    ap.add_argument("--version", type=int, default=2, choices=(2, 3))
    ap.add_argument("--intv-cs", type=int, default=100)
    ap.add_argument("action")
    ap.add_argument("file", nargs="?")
    a = ap.parse_args()
    count = max(1, min(a.count, 50))

    if a.action == "capture":
        got = sniff(iface=a.iface, count=1, timeout=8,
                    filter="ip proto 51 and src host %s" % a.peer)
        if not got:
            print("error: no AH advert from %s" % a.peer)
            return 1
        raw = bytes(got[0])[14:]
        with open(a.file, "wb") as f:
            f.write(raw)
        print("captured %d bytes, sequence %d" %
              (len(raw), struct.unpack("!I", raw[28:32])[0]))
        return 0

    if a.version == 3:
        vrrp = v3_packet(a.vrid, 254, [a.vip], socket.AF_INET, a.src,
                         MCAST4, intv_cs=a.intv_cs)
    else:
        vrrp = v2_packet(a.vrid, 254, [a.vip], auth_type=2)
    seq = 0x7fff0000
    if a.action == "replay":
        with open(a.file, "rb") as f:
            pkt = f.read()
    elif a.action == "noah":
        pkt = None
    elif a.action == "badicv":
        pkt = ah_packet(a.src, MCAST4, vrrp, b"notthekey", seq)
    elif a.action == "badspi":
        pkt = ah_packet(a.src, MCAST4, vrrp, a.key.encode(), seq,
                        spi=socket.inet_aton("198.18.0.99"))
    elif a.action == "good":
        pkt = ah_packet(a.src, MCAST4, vrrp, a.key.encode(), seq)
    else:
        print("error: unknown action %s" % a.action)
        return 2
    mac = get_if_hwaddr(a.iface)
    if pkt is None:
        from scapy.all import IP
        frame = Ether(src=mac, dst=MAC4) / IP(src=a.src, dst=MCAST4,
                                               ttl=255, proto=VRRP,
                                               tos=0xc0) / Raw(vrrp)
    else:
        frame = Ether(src=mac, dst=MAC4, type=0x0800) / Raw(pkt)
    for _ in range(count):
        sendp(frame, iface=a.iface, verbose=0)
        time.sleep(0.02)
    print("sent %s %d" % (a.action, count))
    return 0


if __name__ == "__main__":
    sys.exit(main())
