#!/usr/bin/env python3
"""Hostile clients of hactl serve: serve_hostile.py HOST PORT PID TEST.

    flood      opens 150 connections at once and holds them 2 s; prints
               how many connected and the most descriptors serve held
    oversize   a request line and headers of 100 KB; prints the status
               (or "closed")
    body       a POST body of 64 KB; prints the status (or "closed")
"""
import os
import socket
import sys
import time

host, port, pid, test = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]


def fds():
    try:
        return len(os.listdir("/proc/%s/fd" % pid))
    except OSError:
        return -1


def status(payload):
    s = socket.create_connection((host, port), timeout=5)
    try:
        s.sendall(payload)
    except OSError:
        pass
    try:
        line = s.recv(200).split(b"\r\n", 1)[0].decode(errors="replace")
    except OSError:
        line = ""
    s.close()
    parts = line.split()
    return parts[1] if len(parts) > 1 else "closed"


if test == "flood":
    socks, most = [], 0
    for _ in range(150):
        try:
            s = socket.socket()
            s.setblocking(False)
            s.connect_ex((host, port))
            socks.append(s)
        except OSError:
            break
        most = max(most, fds())
    end = time.monotonic() + 2
    while time.monotonic() < end:
        most = max(most, fds())
        time.sleep(0.05)
    for s in socks:
        s.close()
    print(len(socks), most)
elif test == "oversize":
    print(status(b"GET /" + b"a" * 50000 + b" HTTP/1.1\r\nHost: x\r\nX: " +
                 b"b" * 50000 + b"\r\n\r\n"))
elif test == "body":
    body = b"vs=" + b"x" * 65536
    print(status(b"POST /api/v1/drain HTTP/1.1\r\nHost: x\r\n"
                 b"Content-Type: application/x-www-form-urlencoded\r\n"
                 b"Content-Length: %d\r\n\r\n" % len(body) + body))
