#!/usr/bin/python3
"""Send well-formed and malformed VRRP adverts with scapy, for
test_vrrp_wire.sh.  Runs inside the lab node that sends (ip netns exec).

Scapy takes a second or two to import, so this is a small server: the test
starts it once as a coprocess and writes one command a line on stdin:

    send KIND COUNT      send COUNT adverts of that kind, 20 ms apart;
                         answers "sent KIND COUNT" or "error ..."
    quit

KIND names what is wrong with the packet; everything else in it is right
(and its priority, 254, beats the router's, so a packet that were accepted
would show as a state change):

    good4        a correct VRRPv3 IPv4 advert for VRID4 (the control)
    checksum4    VRRPv3 IPv4 with a wrong checksum
    ttl4         IPv4 TTL 254
    version4     version field 4 (no such VRRP version)
    v2to3        a correct VRRPv2 advert sent to the VRRPv3 router VRID4
    type4        type 2 (not an advertisement)
    count4       address count 2, one address in the packet
    addrlist4    one address, not the router's VIP
    vrid4        VRID 99, which nobody runs
    auth2        VRRPv2 for VRID2 with the wrong PASS
    authtype2    VRRPv2 for VRID2 with auth type 0 (none)
    interval2    VRRPv2 for VRID2 with advert interval 3 (router: 1)
    hlim6        VRRPv3 IPv6 for VRID6 with hop limit 254
    checksum6    VRRPv3 IPv6 with a checksum that leaves out the
                 pseudo-header's addresses

Bounded: COUNT is capped at 50 and the server exits after 200 commands or
60 s without a command.
"""
import argparse
import select
import socket
import struct
import sys
import time

from scapy.all import Ether, IP, IPv6, Raw, conf, get_if_hwaddr, sendp  # noqa

conf.verb = 0

MCAST4 = "224.0.0.18"
MCAST6 = "ff02::12"
MAC4 = "01:00:5e:00:00:12"
MAC6 = "33:33:00:00:00:12"
PROTO = 112


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff


def v3_packet(vrid, prio, addrs, af, src, dst, version=3, typ=1,
              count=None, intv_cs=10, pseudo=True):
    raw = b"".join(socket.inet_pton(af, a) for a in addrs)
    n = len(addrs) if count is None else count
    body = struct.pack("!BBBBHH", (version << 4) | typ, vrid, prio, n,
                       intv_cs & 0x0fff, 0) + raw
    if af == socket.AF_INET:
        ph = socket.inet_pton(af, src) + socket.inet_pton(af, dst) + \
            struct.pack("!BBH", 0, PROTO, len(body))
    else:
        ph = socket.inet_pton(af, src) + socket.inet_pton(af, dst) + \
            struct.pack("!I3xB", len(body), PROTO)
    c = csum((ph if pseudo else b"") + body)
    return body[:6] + struct.pack("!H", c) + body[8:]


def v2_packet(vrid, prio, addrs, auth_type=1, auth=b"", intv=1,
              version=2, count=None):
    raw = b"".join(socket.inet_aton(a) for a in addrs)
    n = len(addrs) if count is None else count
    authdata = auth[:8].ljust(8, b"\0")
    body = struct.pack("!BBBBBBH", (version << 4) | 1, vrid, prio, n,
                       auth_type, intv, 0) + raw + authdata
    c = csum(body)
    return body[:6] + struct.pack("!H", c) + body[8:]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--iface", default="eth0")
    ap.add_argument("--src4", required=True)
    ap.add_argument("--src6", required=True, help="link-local source")
    ap.add_argument("--vrid2", type=int, required=True)
    ap.add_argument("--vrid4", type=int, required=True)
    ap.add_argument("--vrid6", type=int, required=True)
    ap.add_argument("--vip2", required=True)
    ap.add_argument("--vip4", required=True)
    ap.add_argument("--vip6", required=True)
    ap.add_argument("--pass2", required=True)
    a = ap.parse_args()
    mac = get_if_hwaddr(a.iface)

    def l2v4(payload, ttl=255):
        return Ether(src=mac, dst=MAC4) / \
            IP(src=a.src4, dst=MCAST4, ttl=ttl, proto=PROTO, tos=0xc0) / \
            Raw(payload)

    def l2v6(payload, hlim=255):
        return Ether(src=mac, dst=MAC6) / \
            IPv6(src=a.src6, dst=MCAST6, hlim=hlim, nh=PROTO, tc=0xc0) / \
            Raw(payload)

    A4 = socket.AF_INET
    A6 = socket.AF_INET6
    good4 = v3_packet(a.vrid4, 254, [a.vip4], A4, a.src4, MCAST4)
    bad_ck4 = bytearray(good4)
    bad_ck4[6] ^= 0x5a
    pw = a.pass2.encode()
    kinds = {
        "good4": l2v4(good4),
        "checksum4": l2v4(bytes(bad_ck4)),
        "ttl4": l2v4(good4, ttl=254),
        "version4": l2v4(v3_packet(a.vrid4, 254, [a.vip4], A4, a.src4,
                                   MCAST4, version=4)),
        "v2to3": l2v4(v2_packet(a.vrid4, 254, [a.vip4], auth_type=0)),
        "type4": l2v4(v3_packet(a.vrid4, 254, [a.vip4], A4, a.src4, MCAST4,
                                typ=2)),
        "count4": l2v4(v3_packet(a.vrid4, 254, [a.vip4], A4, a.src4, MCAST4,
                                 count=2)),
        "addrlist4": l2v4(v3_packet(a.vrid4, 254, ["198.18.0.199"], A4,
                                    a.src4, MCAST4)),
        "vrid4": l2v4(v3_packet(99, 254, [a.vip4], A4, a.src4, MCAST4)),
        "auth2": l2v4(v2_packet(a.vrid2, 254, [a.vip2], auth=b"wrongpw")),
        "authtype2": l2v4(v2_packet(a.vrid2, 254, [a.vip2], auth_type=0)),
        "interval2": l2v4(v2_packet(a.vrid2, 254, [a.vip2], auth=pw,
                                    intv=3)),
        "good2": l2v4(v2_packet(a.vrid2, 254, [a.vip2], auth=pw)),
        "hlim6": l2v6(v3_packet(a.vrid6, 254, [a.vip6], A6, a.src6, MCAST6),
                      hlim=254),
        "checksum6": l2v6(v3_packet(a.vrid6, 254, [a.vip6], A6, a.src6,
                                    MCAST6, pseudo=False)),
        "empty4": l2v4(b""),
        "empty6": l2v6(b""),
        "good6": l2v6(v3_packet(a.vrid6, 254, [a.vip6], A6, a.src6, MCAST6)),
    }
    print("ready", flush=True)
    for _ in range(200):
        r, _, _ = select.select([sys.stdin], [], [], 60)
        if not r:
            break
        line = sys.stdin.readline()
        if not line:
            break
        w = line.split()
        if not w:
            continue
        if w[0] == "quit":
            break
        if w[0] == "send" and len(w) == 3 and w[1] in kinds:
            n = max(1, min(int(w[2]), 50))
            sendp(kinds[w[1]], iface=a.iface, count=n, inter=0.02)
            print("sent %s %d" % (w[1], n), flush=True)
        else:
            print("error %s" % line.strip(), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
