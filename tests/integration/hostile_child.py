#!/usr/bin/python3
"""A compromised child for test_hostile_child.sh.

Installed under the name of one child (vrrpd, lvsd or checkd) in a
directory that had runs its children from (had -X DIR), next to the two
real other children.  had starts it as it would start the real one: socket
to had on fd 3, sibling sockets handed over with IMSG_PEER_FD.

Each incarnation (had respawns it after every attack) reads a counter in
its directory and runs the next step of a fixed plan, then logs what it did
to DIR/hostile.log:

  0 watchdog   read everything, never answer PING
  1 oversize   a header claiming more than IMSG_MAX_SIZE, to had and peers
  2 badtype    a message type nobody knows
  3 badsize    a known type with a payload of the wrong size
  4 reconf     RECONF messages out of sequence (to had: a stale
               RECONF_DONE, then a RECONF_START; to peers: START/ITEM/END)
  5 fd         a descriptor on a message that never carries one
  6 strayfd    a descriptor no message claims (or 20 of them at once)
  7 trunc_had  half a message to had, then shut down the writing side
               of fd 3 (the process stays until had kills it)
  8 trunc_peer half a message to each sibling, then shut down those;
               the siblings complain to had (IMSG_PEER_BAD), which counts
               it but kills nobody on a sibling's word: the stand-in exits
               by itself once its helper is done
  9+ benign    answer pings, nothing else

A file DIR/mode names an attack of test_contract.sh instead of the plan
(each incarnation reads it; the attack starts once DIR/go exists):

  peer_bad     IMSG_PEER_BAD against each innocent sibling, 20 times
  ctl_inject   (checkd) CTL_TEXT and CTL_END for control client ids
               1..1000, over and over for 10 s, text marked INJECTED, as
               answers to nobody's request to us
  track_flood  (checkd) 100,000 TRACK_STATE for names vrrpd never had,
               once (DIR/flood_done), then benign
  event_flood  (checkd) 20,000 CHECK_EVENT to had at once, once
               (DIR/events_done), then benign

had is attacked first.  had kills us at once for it, so the siblings are
attacked by a forked helper that holds copies of the sibling sockets and
goes on 20 ms after the main process died (or after 2 s): every receiver
gets its garbage, whoever reacts first.  Everything a receiver sends us is
read, so that our death leaves no unread data behind (which the receiver
would see as a reset rather than as the garbage we sent).
Bounded: every incarnation exits after at most 60 s, the helper after 5 s.
"""
import select
import os
import socket
import struct
import sys
import time

HDR = struct.Struct("<IIIII")
IMSG_MAX_SIZE = 65536
HASFD = 1

PROC = {"vrrpd": 1, "lvsd": 2, "checkd": 3}
NAMES = {v: k for k, v in PROC.items()}

CHILD_READY, PING, PONG, PEER_FD = 100, 101, 102, 103
PEER_BAD = 105
CTL_TEXT, CTL_END = 307, 308
RECONF_START, RECONF_ITEM, RECONF_END, RECONF_DONE = 200, 201, 202, 203
VIP_ADD, LINK_STATE, LINK_QUERY = 500, 505, 507
RS_STATE, TRACK_STATE, TRACK_QUERY = 600, 601, 602
CHECK_EVENT = 404

SZ_PING = 8
SZ_READY = 8
SZ_RECONF = 16
SZ_RECONF_DONE = 4 * 6 + 8 + 128
SZ_VIP = 120
SZ_LINK = 28
SZ_TRACK = 72
SZ_RS = 248

PLAN = ["watchdog", "oversize", "badtype", "badsize", "reconf", "fd",
        "strayfd", "trunc_had", "trunc_peer"]

me = os.path.basename(sys.argv[0])
myproc = PROC[me]
home = os.path.dirname(os.path.abspath(sys.argv[0]))
deadline = time.monotonic() + 60


def log(msg):
    with open(os.path.join(home, "hostile.log"), "a") as f:
        f.write("%.3f %s pid %d: %s\n" % (time.time(), me, os.getpid(), msg))


def step_number():
    path = os.path.join(home, "count")
    try:
        n = int(open(path).read().strip() or 0)
    except (OSError, ValueError):
        n = 0
    with open(path + ".tmp", "w") as f:
        f.write("%d\n" % (n + 1))
    os.rename(path + ".tmp", path)
    return n


def msg(mtype, payload=b"", flags=0, length=None, peerid=0):
    if length is None:
        length = HDR.size + len(payload)
    return HDR.pack(mtype, length, flags, peerid, os.getpid()) + payload


def send(sock, data, fds=()):
    try:
        if fds:
            socket.send_fds(sock, [data], list(fds))
        else:
            sock.sendall(data)
        return None
    except OSError as e:
        return str(e)


# A message each receiver accepts from us when it is well formed: the
# "right type" for the wrong-size and descriptor attacks.
def valid_for(receiver):
    if receiver == 0:
        return CHILD_READY, SZ_READY
    pair = (myproc, receiver)
    return {
        (1, 2): (LINK_QUERY, SZ_LINK),
        (1, 3): (TRACK_QUERY, 0),
        (2, 1): (LINK_STATE, SZ_LINK),
        (3, 1): (TRACK_STATE, SZ_TRACK),
        (3, 2): (RS_STATE, SZ_RS),
    }.get(pair, (None, None))


def valid_payload(mtype, size):
    if mtype == CHILD_READY:
        return struct.pack("<II", myproc, 1)
    if mtype == LINK_QUERY or mtype == LINK_STATE:
        return b"hostile0".ljust(16, b"\0") + struct.pack("<iII", 0, 0, 0)
    if mtype == TRACK_STATE:
        return b"hostile_script".ljust(64, b"\0") + struct.pack("<Ii", 1, 0)
    return b"\0" * size


def attack_bytes(kind, receiver):
    """The bytes (and how many descriptors) of one attack on one receiver
    (0 = had)."""
    vtype, vsize = valid_for(receiver)
    if kind == "oversize":
        length = 0x7fffffff if receiver == 0 else IMSG_MAX_SIZE + 1
        return msg(VIP_ADD, b"A" * 64, length=length), 0
    if kind == "badtype":
        return msg(9999, b"B" * 16), 0
    if kind == "badsize":
        t = vtype if vtype is not None else VIP_ADD
        return msg(t, b"\x01" * ((vsize or 0) + 3)), 0
    if kind == "reconf":
        if receiver == 0:
            done = struct.pack("<IIIIIIQ", myproc, 0, 0, 0, 0, 0,
                               0xdeadbeef) + b"\0" * 128
            return (msg(RECONF_DONE, done) +
                    msg(RECONF_START, struct.pack("<IIQ", myproc, 1, 7))), 0
        r = struct.pack("<IIQ", receiver, 1, 1)
        return (msg(RECONF_START, r) +
                msg(RECONF_ITEM, struct.pack("<II", 1, 4) + b"zzzz") +
                msg(RECONF_END, r)), 0
    if kind == "fd":
        if vtype is None:
            return msg(VIP_ADD, b"\0" * SZ_VIP, flags=HASFD), 1
        return msg(vtype, valid_payload(vtype, vsize), flags=HASFD), 1
    if kind == "strayfd":
        if vtype is None:
            return msg(9999), 20
        return msg(vtype, valid_payload(vtype, vsize)), 1
    if kind in ("trunc_had", "trunc_peer"):
        return msg(VIP_ADD, b"T" * 40, length=HDR.size + 180), 0
    raise ValueError(kind)


def fire(kind, targets):
    """Send one attack to each (receiver, socket), back to back; log after."""
    devnull = os.open("/dev/null", os.O_RDONLY)
    out = [(r, s) + attack_bytes(kind, r) for r, s in targets]
    res = [send(s, data, [devnull] * nfd) for r, s, data, nfd in out]
    if kind.startswith("trunc"):
        for r, s in targets:
            s.shutdown(socket.SHUT_WR)
    os.close(devnull)
    for (r, s, data, nfd), err in zip(out, res):
        log("sent %s to %s%s" % (kind, "had" if r == 0 else NAMES[r],
                                 ": " + err if err else ""))


def drain(socks, limit):
    """Read and drop what the receivers send until each one closes."""
    end = time.monotonic() + limit
    socks = list(socks)
    while socks and time.monotonic() < end:
        ready, _, _ = select.select(socks, [], [], 0.1)
        for s in ready:
            try:
                if not s.recv(65536):
                    socks.remove(s)
            except OSError:
                socks.remove(s)


def attack_peers(kind, peers, go_fd, go_w):
    """In a helper process, so that had killing us cannot cut the attack
    short: wait until the main process has sent its attack to had (or has
    been killed for it), then attack the siblings and wait for them to
    hang up."""
    pid = os.fork()
    if pid != 0:
        return pid
    try:
        os.close(3)
        os.close(go_w)
        select.select([go_fd], [], [], 2)
        time.sleep(0.02)
        fire(kind, sorted(peers.items()))
        drain(peers.values(), 3)
    finally:
        os._exit(0)


def extra_peer_bad(parent, peers):
    for _ in range(20):
        for p in sorted(peers):
            parent.sendall(msg(PEER_BAD, struct.pack("<I", p)))
    log("peer_bad: 20 complaints against each of %s" %
        ", ".join(NAMES[p] for p in sorted(peers)))


def extra_ctl_inject(parent, peers):
    """Sweeps over ids 1..1000 for 10 s, as answers are awaited all the
    time, from a helper: the main process goes on answering pings."""
    text = struct.pack("<I", 0) + b"INJECTED by a hostile checkd".ljust(
        512, b"\0")
    end = struct.pack("<i", 0) + b"reload done (INJECTED)".ljust(128, b"\0")
    data = b"".join(msg(CTL_TEXT, text, peerid=i) + msg(CTL_END, end, peerid=i)
                    for i in range(1, 1001))
    log("ctl_inject: CTL_TEXT and CTL_END for client ids 1..1000")
    if os.fork() != 0:
        return
    try:
        stop = time.monotonic() + 10
        n = 0
        while time.monotonic() < stop:
            err = send(parent, data)
            if err:
                log("ctl_inject: %s after %d sweeps" % (err, n))
                break
            n += 1
    finally:
        os._exit(0)


def extra_track_flood(parent, peers):
    done = os.path.join(home, "flood_done")
    if os.path.exists(done) or PROC["vrrpd"] not in peers:
        return
    s = peers[PROC["vrrpd"]]
    t0 = time.monotonic()
    for k in range(0, 100000, 1000):
        data = b"".join(
            msg(TRACK_STATE, (b"bogus_%06d" % i).ljust(64, b"\0") +
                struct.pack("<Ii", i & 1, 0))
            for i in range(k, k + 1000))
        err = send(s, data)
        if err:
            log("track_flood: %s after %d" % (err, k))
            return
    open(done, "w").write("%.3f\n" % (time.monotonic() - t0))
    log("track_flood: 100000 TRACK_STATE sent in %.2f s" %
        (time.monotonic() - t0))


def extra_event_flood(parent, peers):
    done = os.path.join(home, "events_done")
    if os.path.exists(done):
        return
    ev = struct.Struct("<Qq16s80s256s")
    for k in range(0, 20000, 500):
        data = b"".join(
            msg(CHECK_EVENT, ev.pack(0, 0, b"check", b"flood_%05d" % i,
                                     b"FLOOD"))
            for i in range(k, k + 500))
        err = send(parent, data)
        if err:
            log("event_flood: %s after %d" % (err, k))
            return
    open(done, "w").write("20000\n")
    log("event_flood: 20000 CHECK_EVENT sent")


EXTRA = {"peer_bad": extra_peer_bad, "ctl_inject": extra_ctl_inject,
         "track_flood": extra_track_flood, "event_flood": extra_event_flood}


def extra_mode():
    try:
        m = open(os.path.join(home, "mode")).read().strip()
    except OSError:
        return None
    return m if m in EXTRA else None


def main():
    step = step_number()
    kind = PLAN[step] if step < len(PLAN) else "benign"
    kind = extra_mode() or kind
    log("step %d: %s" % (step, kind))
    helper = None
    parent = socket.socket(fileno=3)
    peers = {}
    rbuf = b""
    fdq = []
    attacked = False
    parent_open = True
    want = {p for p in PROC.values() if p != myproc}
    while time.monotonic() < deadline:
        socks = list(peers.values()) + [parent]
        ready, _, _ = select.select(socks, [], [], 0.2)
        for s in ready:
            if s is parent:
                continue
            # Read what siblings send, so that no unread data is left
            # behind when we are killed.
            try:
                if not s.recv(65536):
                    peers = {k: v for k, v in peers.items() if v is not s}
                    s.close()
            except OSError:
                peers = {k: v for k, v in peers.items() if v is not s}
        if parent in ready:
            try:
                data, fds, _flags, _addr = socket.recv_fds(parent, 65536, 8)
            except OSError as e:
                log("read from had: %s" % e)
                return
            if data == b"":
                log("had closed the channel")
                if not parent_open:
                    time.sleep(10)	# until had kills us
                return
            fdq.extend(fds)
            rbuf += data
            while len(rbuf) >= HDR.size:
                mtype, length, flags, _peer, _pid = HDR.unpack_from(rbuf)
                if length < HDR.size or len(rbuf) < length:
                    break
                payload = rbuf[HDR.size:length]
                rbuf = rbuf[length:]
                fd = fdq.pop(0) if flags & HASFD and fdq else -1
                if mtype == PING and len(payload) == SZ_PING:
                    if kind != "watchdog" and parent_open:
                        parent.sendall(msg(PONG, payload))
                elif mtype == PEER_FD and fd != -1:
                    proc = struct.unpack("<I", payload[:4])[0]
                    peers[proc] = socket.socket(fileno=fd)
                    fd = -1
                if fd != -1:
                    os.close(fd)
        if kind == "trunc_peer" and helper is not None and \
                os.waitpid(helper, os.WNOHANG)[0] == helper:
            log("trunc_peer: siblings attacked; exiting for the next step")
            return
        if kind in EXTRA:
            if not attacked and want.issubset(peers) and \
                    os.path.exists(os.path.join(home, "go")):
                attacked = True
                EXTRA[kind](parent, {p: peers[p] for p in want})
            continue
        if attacked or kind in ("watchdog", "benign"):
            continue
        if not want.issubset(peers):
            continue
        attacked = True
        go_r, go_w = os.pipe()
        if kind != "trunc_had":
            helper = attack_peers(kind, {p: peers[p] for p in want}, go_r,
                                  go_w)
        os.close(go_r)
        if kind == "trunc_peer":
            os.close(go_w)
            continue
        fire(kind, [(0, parent)])
        if kind == "trunc_had":
            parent_open = False
        # go_w stays open: the helper goes on when we die or in 2 s.
    log("deadline reached, exiting")


# A checkd that asks had for scripts (test_hostile_scripts.sh): run when
# DIR/scripts-mode exists.  DIR/misc-name holds the name the real checkd
# gives the MISC_CHECK.  Per incarnation:
#   0 notown  a script that is not checkd's: the name of a VRRP instance
#             (its notify scripts) as a vrrp_script
#   1 flood   300 runs of the MISC_CHECK at once, an hour's timeout each
#   2+ benign answer pings and configs, ask for nothing
# Before it asks, it confirms the configuration as the real checkd does,
# so that had knows the request is not an artefact of a reload.
SCRIPT_RUN = 400
SCRIPT_VRRP, SCRIPT_MISC = 1, 2
SCRIPTS_PLAN = ["notown", "flood"]


def script_run(kind, name, timeout_ms, rid):
    return msg(SCRIPT_RUN, struct.pack("<II64sII", kind, rid,
                                       name.encode(), timeout_ms, 0))


def scripts_main():
    step = step_number()
    kind = SCRIPTS_PLAN[step] if step < len(SCRIPTS_PLAN) else "benign"
    log("step %d: %s" % (step, kind))
    with open(os.path.join(home, "misc-name")) as f:
        misc = f.read().strip()
    parent = socket.socket(fileno=3)
    peers = []
    rbuf = b""
    fdq = []
    attacked = False
    while time.monotonic() < deadline:
        ready, _, _ = select.select(peers + [parent], [], [], 0.2)
        for s in ready:
            if s is not parent:
                try:
                    if not s.recv(65536):
                        peers.remove(s)
                except OSError:
                    peers.remove(s)
        if parent not in ready:
            continue
        try:
            data, fds, _flags, _addr = socket.recv_fds(parent, 65536, 8)
        except OSError as e:
            log("read from had: %s" % e)
            return
        if data == b"":
            log("had closed the channel")
            return
        fdq.extend(fds)
        rbuf += data
        out = b""
        while len(rbuf) >= HDR.size:
            mtype, length, flags, _peer, _pid = HDR.unpack_from(rbuf)
            if length < HDR.size or len(rbuf) < length:
                break
            payload = rbuf[HDR.size:length]
            rbuf = rbuf[length:]
            fd = fdq.pop(0) if flags & HASFD and fdq else -1
            if mtype == PING and len(payload) == SZ_PING:
                out += msg(PONG, payload)
            elif mtype == PEER_FD and fd != -1:
                peers.append(socket.socket(fileno=fd))
                fd = -1
            elif mtype == RECONF_END and len(payload) == SZ_RECONF:
                gen = struct.unpack("<IIQ", payload)[2]
                out += msg(RECONF_DONE, struct.pack(
                    "<IIIIIIQ", myproc, 0, 0, 0, 0, 0, gen) + b"\0" * 128)
                if not attacked and kind == "notown":
                    out += script_run(SCRIPT_VRRP, "VI_H", 1000, 1)
                    log("asked for VI_H")
                elif not attacked and kind == "flood":
                    out += b"".join(script_run(SCRIPT_MISC, misc, 3600000,
                                               i + 1) for i in range(300))
                    log("asked for %s 300 times" % misc)
                attacked = True
            if fd != -1:
                os.close(fd)
        if out:
            err = send(parent, out)
            if err:
                log("send to had: %s" % err)
    log("deadline reached, exiting")


if __name__ == "__main__":
    if os.path.exists(os.path.join(home, "scripts-mode")):
        scripts_main()
    else:
        main()
