#!/usr/bin/python3
"""What a compromised checkd can do with the process connector had hands
it (test_track_process.sh).  Two sockets are opened and subscribed as
root, as had does: A, the one "checkd" holds, and B, anyone else's.  Then
the process drops to the user given (all capabilities go with uid 0) and
sends PROC_CN_MCAST_IGNORE 20 times on A, starts /bin/true and reads both
sockets for its exec event.  Kernels before 6.6 refuse the IGNORE of an
unprivileged sender; later ones apply it to A alone and count A's
listening once.  Prints what each socket saw; exits 0 if B saw the exec
(the IGNOREs did nothing to other listeners), 1 if not.  Bounded: 3 s.
"""
import os
import pwd
import select
import socket
import struct
import sys
import time

NETLINK_CONNECTOR = 11
CN_IDX_PROC = 1
CN_VAL_PROC = 1
LISTEN, IGNORE = 1, 2
NLMSG_DONE = 3
PROC_EVENT_EXEC = 2


def msg(op, seq):
    cn = struct.pack("<IIIIHH", CN_IDX_PROC, CN_VAL_PROC, seq, 0, 4, 0)
    data = cn + struct.pack("<I", op)
    return struct.pack("<IHHII", 16 + len(data), NLMSG_DONE, 0, seq,
                       os.getpid()) + data


def subscribed():
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM,
                      NETLINK_CONNECTOR)
    s.bind((0, CN_IDX_PROC))
    s.send(msg(LISTEN, 1))
    return s


def saw_exec(buf, pid):
    off = 0
    while off + 36 + 24 <= len(buf):
        ln = struct.unpack_from("<I", buf, off)[0]
        idx = struct.unpack_from("<I", buf, off + 16)[0]
        what = struct.unpack_from("<I", buf, off + 36)[0]
        if idx == CN_IDX_PROC and what == PROC_EVENT_EXEC and \
           struct.unpack_from("<i", buf, off + 36 + 20)[0] == pid:
            return True
        if ln < 16:
            break
        off += (ln + 3) & ~3
    return False


def main():
    pw = pwd.getpwnam(sys.argv[1])
    a = subscribed()
    b = subscribed()
    os.setgroups([])
    os.setresgid(pw.pw_gid, pw.pw_gid, pw.pw_gid)
    os.setresuid(pw.pw_uid, pw.pw_uid, pw.pw_uid)
    sent = 0
    for i in range(20):
        try:
            a.send(msg(IGNORE, 100 + i))
            sent += 1
        except OSError as e:
            print("IGNORE refused at send: %s" % e)
    print("sent %d IGNORE on A as uid %d" % (sent, os.getuid()))
    pid = os.spawnv(os.P_NOWAIT, "/bin/true", ["true"])
    seen = {a: False, b: False}
    end = time.time() + 3
    while time.time() < end and not (seen[a] and seen[b]):
        r, _, _ = select.select([a, b], [], [], 0.1)
        for s in r:
            if saw_exec(s.recv(65536), pid):
                seen[s] = True
        if seen[b] and time.time() > end - 2:
            break
    os.waitpid(pid, 0)
    print("A (the holder's) saw the exec: %s" % seen[a])
    print("B (another listener) saw the exec: %s" % seen[b])
    sys.exit(0 if seen[b] else 1)


main()
