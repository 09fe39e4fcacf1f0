#!/usr/bin/env python3
"""Write the seed corpora of the fuzz targets into tests/fuzz/corpus/.

Seeds are deterministic; run again after changing a target's input
format.  Files named crash-*, leak-*, timeout-* or regress-* (regression
inputs of past findings) are kept as they are.
"""
import glob
import hashlib
import os
import socket
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.abspath(os.path.join(HERE, '..', '..'))
CORPUS = os.path.join(HERE, 'corpus')
KEEP = ('crash-', 'leak-', 'timeout-', 'regress-', 'oom-')


def write(target, seeds):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    for f in os.listdir(d):
        if not f.startswith(KEEP):
            os.unlink(os.path.join(d, f))
    for name, data in seeds:
        if isinstance(data, str):
            data = data.encode()
        h = hashlib.sha1(data).hexdigest()[:8]
        with open(os.path.join(d, '%s-%s' % (name, h)), 'wb') as fp:
            fp.write(data)


# ---- VRRP -----------------------------------------------------------------
def cksum(b):
    if len(b) % 2:
        b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff


def vrrp_pkt(ver, af, vrid, prio, intv, addrs, src, dst, auth=0,
             authdata=b''):
    alen = 4 if af == 4 else 16
    body = b''.join(addrs)
    if ver == 2:
        hdr = struct.pack('!BBBBBBH', 0x21, vrid, prio, len(addrs), auth,
                          intv, 0)
        pkt = hdr + body + authdata.ljust(8, b'\0')
        ck = cksum(pkt)
    else:
        hdr = struct.pack('!BBBBHH', 0x31, vrid, prio, len(addrs),
                          intv & 0xfff, 0)
        pkt = hdr + body
        if af == 4:
            ph = src + dst + struct.pack('!BBH', 0, 112, len(pkt))
        else:
            ph = src + dst + struct.pack('!IxxxB', len(pkt), 112)
        ck = cksum(ph + pkt)
    return pkt[:6] + struct.pack('!H', ck) + pkt[8:]


def ah_pkt(src, dst, vrrp, key, seq, unicast=False, icv=True):
    """IPv4 and AH around a VRRPv2 advert, as vrrpd/vrrp_ah.c builds it."""
    import hmac
    tot = 20 + 24 + len(vrrp)
    ah = struct.pack('!BBH4sI', 112, 4, 0, src, seq) + b'\0' * 12

    def iph(tos, ttl, ck):
        return struct.pack('!BBHHHBBH4s4s', 0x45, tos, tot, 0x1234, 0, ttl,
                           51, ck, src, dst)
    mac = hmac.new(key.ljust(8, b'\0'), iph(0, 0 if unicast else 255, 0) +
                   ah + vrrp, 'md5').digest()[:12] if icv else b'\xee' * 12
    return iph(0xc0, 255, cksum(iph(0xc0, 255, 0))) + ah[:12] + mac + vrrp


def ah6_pkt(src, dst, vrrp, key, seq, icv=True):
    """AH around a VRRPv3 advert over IPv6, as vrrp_ah6_build() makes it."""
    import hmac
    ah = struct.pack('!BBH4sI', 112, 4, 0, src[12:], seq) + b'\0' * 12
    iph = struct.pack('!IHBB', 0x60000000, len(ah) + len(vrrp), 51, 0)
    mac = hmac.new(key.ljust(8, b'\0'), iph + src + dst + ah + vrrp,
                   'md5').digest()[:12] if icv else b'\xee' * 12
    return ah[:12] + mac + vrrp


def vrrp_seeds():
    seeds = []
    v4 = [socket.inet_pton(socket.AF_INET, '198.18.0.%d' % i)
          for i in range(1, 5)]
    v6 = [socket.inet_pton(socket.AF_INET6, '2001:db8::%d' % i)
          for i in range(1, 5)]
    s4 = socket.inet_pton(socket.AF_INET, '198.18.0.10')
    d4 = socket.inet_pton(socket.AF_INET, '224.0.0.18')
    s6 = socket.inet_pton(socket.AF_INET6, 'fe80::10')
    d6 = socket.inet_pton(socket.AF_INET6, 'ff02::12')

    def opts(flags, prio, intv, auth, nvip, authdata, src, dst):
        return (bytes([flags, 255, prio, intv, auth, nvip]) +
                authdata.ljust(8, b'\0') + src.ljust(16, b'\0') +
                dst.ljust(16, b'\0'))

    for n in (0, 1, 2, 3):
        p = vrrp_pkt(2, 4, 51, 100, 1, v4[:n], s4, d4)
        seeds.append(('v2-%d' % n, opts(0x20 | 0x80, 90, 1, 0, n, b'',
                                        s4, d4) + p))
        p = vrrp_pkt(3, 4, 52, 150, 100, v4[:n], s4, d4)
        seeds.append(('v3v4-%d' % n, opts(0x80, 90, 100, 0, n, b'',
                                          s4, d4) + p))
        p = vrrp_pkt(3, 6, 53, 200, 100, v6[:n], s6, d6)
        seeds.append(('v3v6-%d' % n, opts(0x01 | 0x80, 90, 100, 0, n, b'',
                                          s6, d6) + p))
    p = vrrp_pkt(2, 4, 54, 100, 3, v4[:2], s4, d4, 1, b'secret')
    seeds.append(('v2-pass', opts(0x20 | 0x80, 90, 3, 1, 2, b'secret',
                                  s4, d4) + p))
    p = vrrp_pkt(2, 4, 55, 255, 1, v4[:1], s4, d4)
    seeds.append(('v2-owner', opts(0x20, 90, 1, 0, 2, b'', s4, d4) + p))
    p = vrrp_pkt(3, 4, 56, 0, 100, v4[:1], s4, d4)
    seeds.append(('v3-stop', opts(0x80, 90, 100, 0, 1, b'', s4, d4) + p))
    # Let the harness fix the checksum, skip the address check.
    p = vrrp_pkt(3, 6, 57, 100, 100, v6[:4], s6, d6)
    seeds.append(('v3v6-fix', opts(0x01 | 0x02 | 0x08, 90, 100, 0, 0,
                                   b'', s6, d6) + p))
    # auth_type AH: a correct packet, one to unicast, one whose ICV the
    # harness makes again (0x20), one with an old sequence number.
    p = vrrp_pkt(2, 4, 58, 100, 1, v4[:2], s4, d4, 2)
    seeds.append(('v2-ah', opts(0x20 | 0x80, 90, 1, 0x80 | 2, 2, b'secret',
                                s4, d4) + ah_pkt(s4, d4, p, b'secret', 7)))
    seeds.append(('v2-ah-uc', opts(0x20 | 0x80, 90, 1, 0xc0 | 2, 2,
                                   b'secret', s4, v4[1]) +
                  ah_pkt(s4, v4[1], p, b'secret', 9, unicast=True)))
    seeds.append(('v2-ah-fix', opts(0x20 | 0x80, 90, 1, 0xa0 | 2, 2,
                                    b'secret', s4, d4) +
                  ah_pkt(s4, d4, p, b'secret', 3, icv=False)))
    seeds.append(('v2-ah-seq0', opts(0x20 | 0x80, 90, 1, 0x80 | 2, 2,
                                     b'secret', s4, d4) +
                  ah_pkt(s4, d4, p, b'secret', 0)))
    # had's extension: VRRPv3 in AH over IPv4, and over IPv6 (the AH
    # header and the advert, as a raw IPv6 socket hands them over).
    p = vrrp_pkt(3, 4, 59, 100, 100, v4[:2], s4, d4)
    seeds.append(('v3v4-ah', opts(0x80, 90, 100, 0x80 | 2, 2, b'secret',
                                  s4, d4) + ah_pkt(s4, d4, p, b'secret', 5)))
    p = vrrp_pkt(3, 6, 60, 100, 100, v6[:2], s6, d6)
    seeds.append(('v3v6-ah', opts(0x01 | 0x80, 90, 100, 0x80 | 2, 2,
                                  b'secret', s6, d6) +
                  ah6_pkt(s6, d6, p, b'secret', 5)))
    seeds.append(('v3v6-ah-fix', opts(0x01 | 0x80, 90, 100, 0xa0 | 2, 2,
                                      b'secret', s6, d6) +
                  ah6_pkt(s6, d6, p, b'secret', 4, icv=False)))
    return seeds


# ---- configuration --------------------------------------------------------
def conf_seeds():
    seeds = []
    files = (glob.glob(os.path.join(TOP, 'tests', 'conf', '*.conf')) +
             glob.glob(os.path.join(TOP, '..', 'shared', 'seed-configs',
                                    '*.conf')) +
             glob.glob(os.path.join(TOP, 'etc', '*.conf')) +
             glob.glob(os.path.join(TOP, 'tests', 'integration',
                                    '*.conf.in')))
    for f in sorted(files):
        with open(f, 'rb') as fp:
            data = fp.read()
        if b'include' in data or len(data) > 64 * 1024:
            continue
        seeds.append((os.path.basename(f).replace('.', '_'), data))
    seeds += [
        ('empty', ''),
        ('global', 'global_defs {\n router_id lb1\n}\n'),
        ('instance', 'vrrp_instance VI_1 {\n state MASTER\n interface eth0\n'
         ' virtual_router_id 51\n priority 100\n advert_int 1\n'
         ' authentication {\n  auth_type PASS\n  auth_pass secret\n }\n'
         ' virtual_ipaddress {\n  198.18.0.100/24 dev eth0 label eth0:1\n'
         '  2001:db8::100/64\n }\n unicast_peer {\n  198.18.0.2\n }\n}\n'),
        ('vs', 'virtual_server 198.18.1.1 80 {\n delay_loop 6\n'
         ' lb_algo wrr\n lb_kind DR\n protocol TCP\n'
         ' persistence_timeout 50\n sorry_server 198.18.1.9 80\n'
         ' real_server 198.18.1.2 80 {\n  weight 3\n'
         '  HTTP_GET {\n   url {\n    path /health\n'
         '    status_code 200\n    digest 9b3a0c85a887a256d6939da88aabd8cd\n'
         '   }\n   connect_timeout 3\n  }\n }\n'
         ' real_server 198.18.1.3 80 {\n  TCP_CHECK {\n'
         '   connect_port 80\n  }\n  DNS_CHECK {\n   type AAAA\n'
         '   name example.org\n  }\n  SMTP_CHECK {\n   helo_name lb\n'
         '  }\n  UDP_CHECK {\n   payload 0a0b\n   require_reply 0c\n'
         '  }\n  MISC_CHECK {\n   misc_path "/bin/true"\n  }\n }\n}\n'),
        ('fwmark', 'virtual_server fwmark 7 {\n lb_algo rr\n'
         ' real_server 198.18.1.2 0 {\n  weight 1\n }\n}\n'),
        ('vsg', 'virtual_server_group G {\n 198.18.2.1-10 80\n fwmark 3\n'
         '}\nvirtual_server group G {\n lb_algo sh\n}\n'),
        ('script', 'vrrp_script chk {\n script "/bin/true"\n interval 2\n'
         ' weight -10\n}\nvrrp_sync_group SG {\n group {\n  VI_1\n }\n}\n'),
        ('comments', '! bang\n# hash\nglobal_defs { # c\n}\n'),
        ('quotes', 'global_defs {\n router_id "a b"\n}\n'),
        ('nbsp', 'global_defs\xa0{\n\u3000router_id x\n}\n'),
        ('unbalanced', 'global_defs {\n{\n}\n}}\n'),
    ]
    return seeds


# ---- imsg -----------------------------------------------------------------
def imsg(typ, payload=b'', flags=0, peer=0, pid=1234):
    return struct.pack('=IIIII', typ, 20 + len(payload), flags, peer,
                       pid) + payload


def imsg_seeds():
    ping = imsg(101, struct.pack('=Q', 7))
    req = imsg(301, struct.pack('=II', 0, 0) + b'VI_1'.ljust(64, b'\0'))
    peer = imsg(103, struct.pack('=I', 2), flags=1)
    track = imsg(602)
    many = ping + req + track + ping

    def chunks(data, size, nfd=0):
        out = b''
        for i in range(0, len(data), size):
            c = data[i:i + size]
            out += bytes([len(c), nfd if i == 0 else 0]) + c
        return out

    return [
        ('direct-ping', b'\x01' + ping),
        ('direct-many', b'\x01' + many),
        ('direct-fd', b'\x03' + peer),
        ('direct-trunc', b'\x01' + req[:30]),
        ('direct-big', b'\x01' + struct.pack('=IIIII', 700, 65536, 0, 0, 0)),
        ('sock-ping', b'\x00' + chunks(ping, 255)),
        ('sock-split', b'\x00' + chunks(many, 7)),
        ('sock-fd', b'\x00' + chunks(peer, 255, 1)),
        ('sock-fd-extra', b'\x00' + chunks(ping, 255, 5)),
    ]


# ---- IPVS netlink ---------------------------------------------------------
def nla(typ, data):
    l = 4 + len(data)
    return struct.pack('=HH', l, typ) + data + b'\0' * ((4 - l % 4) % 4)


def genl(cmd, attrs, family=0x1c):
    payload = struct.pack('=BBH', cmd, 1, 0) + attrs
    return struct.pack('=IHHII', 16 + len(payload), family, 2, 1, 0) + \
        payload


def stats(u64):
    fmt = '=Q' if u64 else '=I'
    return b''.join(nla(i, struct.pack(fmt, i * 10)) for i in range(1, 11))


def ipvs_seeds():
    a4 = socket.inet_pton(socket.AF_INET, '198.18.1.1')
    a6 = socket.inet_pton(socket.AF_INET6, '2001:db8::1')
    r4 = socket.inet_pton(socket.AF_INET, '198.18.1.2')
    svc4 = nla(1, nla(1, struct.pack('=H', 2)) +
               nla(2, struct.pack('=H', 6)) + nla(3, a4) +
               nla(4, struct.pack('!H', 80)) + nla(6, b'wrr\0') +
               nla(7, struct.pack('=II', 1, 0xffffffff)) +
               nla(8, struct.pack('=I', 300)) +
               nla(9, struct.pack('=I', 0xffffffff)) +
               nla(10, stats(False)) + nla(12, stats(True)))
    svc6 = nla(1, nla(1, struct.pack('=H', 10)) +
               nla(2, struct.pack('=H', 17)) + nla(3, a6) +
               nla(4, struct.pack('!H', 53)) + nla(6, b'rr\0') +
               nla(7, struct.pack('=II', 0, 0)) +
               nla(9, struct.pack('=I', 128)))
    fwm = nla(1, nla(1, struct.pack('=H', 2)) +
              nla(5, struct.pack('=I', 7)) + nla(6, b'sh\0') +
              nla(7, struct.pack('=II', 0, 0)))
    dest = nla(2, nla(1, r4.ljust(16, b'\0')) +
               nla(2, struct.pack('!H', 80)) +
               nla(3, struct.pack('=I', 3)) + nla(4, struct.pack('=I', 5)) +
               nla(5, struct.pack('=I', 0)) + nla(6, struct.pack('=I', 0)) +
               nla(7, struct.pack('=I', 2)) + nla(8, struct.pack('=I', 1)) +
               nla(9, struct.pack('=I', 0)) + nla(10, stats(False)) +
               nla(11, struct.pack('=H', 2)) + nla(12, stats(True)))
    dest_old = nla(2, nla(1, r4.ljust(16, b'\0')) +
                   nla(2, struct.pack('!H', 80)) +
                   nla(4, struct.pack('=I', 1)))
    return [
        ('svc4', genl(1, svc4)),
        ('svc6', genl(1, svc6)),
        ('fwmark', genl(1, fwm)),
        ('dest', genl(5, dest)),
        ('dest-noaf', genl(5, dest_old)),
        ('dump', genl(1, svc4) + genl(5, dest) + genl(1, svc6) +
         genl(5, dest_old) + genl(1, fwm)),
        ('trunc', genl(1, svc4)[:-6]),
    ]


# ---- control requests -----------------------------------------------------
def control_seeds():
    def req(typ, arg=0, name=b''):
        return imsg(typ, struct.pack('=II', arg, 0) + name.ljust(64, b'\0'))

    def chunks(*msgs):
        out = b''
        for m in msgs:
            for i in range(0, len(m), 255):
                c = m[i:i + 255]
                out += bytes([len(c)]) + c
        return out

    seeds = []
    for t in range(300, 306):
        seeds.append(('req-%d' % t, b'\x01' + chunks(req(t, 1, b'VI_1'))))
    seeds += [
        ('reload-bad', b'\x01' + chunks(req(304, 9))),
        ('log-bad', b'\x01' + chunks(req(305, 2))),
        ('two', b'\x01' + chunks(req(300), req(301))),
        ('busy', b'\x05' + chunks(req(301), req(302))),
        ('down', b'\x03' + chunks(req(303))),
        ('reload-busy', b'\x09' + chunks(req(304, 0))),
        ('half', b'\x00' + chunks(req(300)[:40])),
        ('short', b'\x01' + chunks(imsg(300, b'xx'))),
        ('unknown', b'\x01' + chunks(req(999))),
        ('fdflag', b'\x01' + chunks(imsg(300, b'\0' * 72, flags=1))),
    ]
    return seeds


# ---- checkd responses -----------------------------------------------------
def http_seeds():
    r = [
        'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello',
        'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n'
        '5\r\nhello\r\n6;x=y\r\n world\r\n0\r\nX-T: 1\r\n\r\n',
        'HTTP/1.0 404 Not Found\r\nServer: x\r\n\r\nnot found, until EOF',
        'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n',
        'HTTP/1.1 301 Moved\r\nLocation: /x\r\nContent-Length: 0\r\n\r\n',
        'HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc',
        'HTTP/1.1 200 OK\r\nX-Long: ' + 'a' * 1500 + '\r\n\r\n',
        'HTTP/1.1 200 OK\r\n folded\r\nTransfer-Encoding: gzip, chunked'
        '\r\n\r\n0\r\n\r\n',
        'HTTP/1.1 500 Oops\n\n',
        'HTTP/1.1 200',
    ]
    seeds = [('resp%d' % i, b'\x00\x07' + s.encode()) for i, s in
             enumerate(r)]
    seeds.append(('head', b'\x01\x03' + r[0].encode()))
    return seeds


def dns_name(n):
    return b''.join(bytes([len(l)]) + l.encode() for l in n.split('.')
                    if l) + b'\0'


def dns_seeds():
    seeds = []
    for qt, qtype, name in ((0, 1, 'example.org'), (6, 28, 'www.example.org'),
                            (4, 15, 'example.org'), (1, 2, '.')):
        qn = dns_name(name if name != '.' else '')
        q = qn + struct.pack('!HH', qtype, 1)
        hdr = struct.pack('!HHHHHH', 0x1234, 0x8180, 1, 2, 0, 0)
        rd = b'\xc6\x12\x00\x01' if qtype == 1 else b'\0' * 16
        ans = (b'\xc0\x0c' + struct.pack('!HHIH', qtype, 1, 300, len(rd)) +
               rd)
        cname = (b'\xc0\x0c' + struct.pack('!HHIH', 5, 1, 300, 2) +
                 b'\xc0\x0c')
        reply = hdr + q + ans + cname
        nm = name.encode()
        seeds.append(('ok-%d' % qtype, bytes([qt | 0x80, len(nm)]) + nm +
                      reply))
    nm = b'example.org'
    nx = struct.pack('!HHHHHH', 0x1234, 0x8183, 1, 0, 0, 0) + \
        dns_name('example.org') + struct.pack('!HH', 1, 1)
    seeds.append(('nxdomain', bytes([0x80, len(nm)]) + nm + nx))
    seeds.append(('noq', bytes([0x80, len(nm)]) + nm +
                  struct.pack('!HHHHHH', 0x1234, 0x8182, 0, 0, 0, 0)))
    loop = struct.pack('!HHHHHH', 0x1234, 0x8180, 1, 1, 0, 0) + \
        b'\xc0\x0c' + struct.pack('!HH', 1, 1)
    seeds.append(('loop', bytes([0x80, len(nm)]) + nm + loop))
    return seeds


def smtp_seeds():
    r = [
        '220 mail.example.org ESMTP\r\n250 mail.example.org\r\n221 bye\r\n',
        '220-mail.example.org ESMTP\r\n220-more\r\n220 end\r\n',
        '250-PIPELINING\r\n250-SIZE 1000\r\n250 8BITMIME\r\n',
        '421 too busy\r\n',
        '220\r\n',
        '220 ' + 'x' * 1100 + '\r\n',
        '220-a\r\n250 b\r\n',
        'HTTP/1.1 200 OK\r\n',
    ]
    return [('r%d' % i, bytes([i * 37 & 0xff]) + s.encode())
            for i, s in enumerate(r)]


def udp_seeds():
    return [
        ('match', b'0a0B\x00\x0a\x0b\x0c'),
        ('nomatch', b'ff\x00\x00'),
        ('empty', b'\x00hello'),
        ('odd', b'abc\x00'),
        ('bad', b'zz\x00'),
        ('long', b'00' * 130 + b'\x00'),
    ]


def conf_dict():
    """Keywords and value names of the config language, for -dict."""
    import re
    words = set()
    for f in glob.glob(os.path.join(TOP, 'common', 'conf_*.c')):
        with open(f, encoding='utf-8', errors='replace') as fp:
            for w in re.findall(r'"([A-Za-z_][A-Za-z0-9_]{1,40})"', fp.read()):
                words.add(w)
    words.discard('include')    # the harness skips includes
    words |= {'{', '}', '!', '#', '"', '\\x0a', '/24', '/64', '198.18.0.1',
              '2001:db8::1', '@'}
    with open(os.path.join(HERE, 'conf.dict'), 'w') as fp:
        fp.write('# Generated by mkseeds.py from common/conf_*.c\n')
        for w in sorted(words):
            fp.write('"%s"\n' % w.replace('"', '\\"'))


def http_dict():
    words = ['HTTP/1.1 ', 'HTTP/1.0 ', ' 200 OK', '\\x0d\\x0a', '\\x0d\\x0a\\x0d\\x0a',
             'Content-Length: ', 'Transfer-Encoding: ', 'chunked', ';ext=1',
             ': ', '100 Continue', '204', '304', '101', '0\\x0d\\x0a\\x0d\\x0a']
    with open(os.path.join(HERE, 'http.dict'), 'w') as fp:
        fp.write('# Generated by mkseeds.py\n')
        for w in words:
            fp.write('"%s"\n' % w)


# ---- rtnetlink (lvsd's link and address monitor) -------------------------
RTM_NEWLINK, RTM_DELLINK, RTM_NEWADDR, RTM_DELADDR = 16, 17, 20, 21
IFF_UP, IFF_RUNNING = 0x1, 0x40


def rtmsg(typ, payload):
    return struct.pack('=IHHII', 16 + len(payload), typ, 0, 0, 0) + payload


def link(typ, index, name, flags=IFF_UP | IFF_RUNNING, family=0):
    ifi = struct.pack('=BBHiII', family, 0, 1, index, flags, 0xffffffff)
    attrs = nla(3, name.encode() + b'\0') if name is not None else b''
    return rtmsg(typ, ifi + attrs)


def addr(typ, family, index, a, prefix, local=True):
    raw = socket.inet_pton(family, a)
    ifa = struct.pack('=BBBBI', family, prefix, 0, 0, index)
    attrs = nla(1, raw) + (nla(2, raw) if local else b'')
    return rtmsg(typ, ifa + attrs)


def rtnl_seeds():
    v4, v6 = socket.AF_INET, socket.AF_INET6
    up = link(RTM_NEWLINK, 2, 'eth0')
    return [
        ('link-up', up),
        ('link-down', link(RTM_NEWLINK, 2, 'eth0', flags=IFF_UP)),
        ('link-up-down-gone', up + link(RTM_NEWLINK, 3, 'eth1') +
         link(RTM_NEWLINK, 3, 'eth1', flags=0) +
         link(RTM_DELLINK, 3, 'eth1')),
        ('link-rename', up + link(RTM_NEWLINK, 2, 'eth9')),
        ('link-bridge', link(RTM_NEWLINK, 2, 'eth0', family=7)),
        ('link-noname', link(RTM_NEWLINK, 4, None)),
        ('addr-v4', up + addr(RTM_NEWADDR, v4, 2, '198.18.0.1', 24) +
         addr(RTM_DELADDR, v4, 2, '198.18.0.1', 24)),
        ('addr-v6', up + addr(RTM_NEWADDR, v6, 2, '2001:db8::1', 64,
                              local=False) +
         addr(RTM_DELADDR, v6, 2, '2001:db8::1', 64, local=False)),
        ('addr-badlen', rtmsg(RTM_NEWADDR, struct.pack('=BBBBI', 2, 24, 0,
                                                       0, 2) +
                              nla(2, b'\1\2\3'))),
        ('other', rtmsg(24, b'\0' * 12)),
    ]


def main():
    conf_dict()
    http_dict()
    write('vrrp', vrrp_seeds())
    write('conf', conf_seeds())
    write('imsg', imsg_seeds())
    write('ipvs', ipvs_seeds())
    write('rtnl', rtnl_seeds())
    write('control', control_seeds())
    write('http', http_seeds())
    write('dns', dns_seeds())
    write('smtp', smtp_seeds())
    write('udp', udp_seeds())
    return 0


if __name__ == '__main__':
    sys.exit(main())
