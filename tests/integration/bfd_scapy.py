#!/usr/bin/python3
# Malformed BFD control packets for test_bfd.sh, sent with scapy from the
# peer's namespace to had's bfdd: bfd_scapy.py SRC DST KIND...
#   version  version 2              length   length field past the data
#   ttl      a valid Down packet with TTL 254 (RFC 5881 5: 255 only)
#   discr    an Up packet whose Your Discriminator is none of had's
import struct
import sys

from scapy.all import IP, UDP, Raw, conf, send

conf.verb = 0


def bfd(vers=1, state=1, flags=0, mult=3, length=24, my=0x0badcafe,
        your=0, tx=1000000, rx=1000000):
    b0 = (vers << 5) & 0xe0
    b1 = ((state & 3) << 6) | (flags & 0x3f)
    return struct.pack("!BBBBIIIII", b0, b1, mult, length, my, your, tx, rx,
                       0)


src, dst = sys.argv[1], sys.argv[2]
for kind in sys.argv[3:]:
    ttl = 255
    if kind == "version":
        p = bfd(vers=2)
    elif kind == "length":
        p = bfd(length=40)
    elif kind == "ttl":
        p = bfd(state=1)
        ttl = 254
    elif kind == "discr":
        p = bfd(state=3, your=0x12345678)
    else:
        sys.exit("unknown kind " + kind)
    send(IP(src=src, dst=dst, ttl=ttl) / UDP(sport=49999, dport=3784) /
         Raw(p))
