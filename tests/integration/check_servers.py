#!/usr/bin/python3
# Misbehaving servers for test_checks.sh, standard library only:
#   ADDR:8081  TCP, accepts and never says a word (read timeouts)
#   ADDR:8082  TCP, backlog full, SYNs dropped (connect timeouts)
#   ADDR:2525  SMTP, banner 554
#   ADDR:2526  SMTP, banner 220, HELO answered 550
#   ADDR:5353  UDP, silent (no DNS reply)
#   ADDR:8083  TCP, accepts, closes, and appends "ADDR PORT" of each peer
#              to the file argv[2] (the source a bindto check uses)
#   ADDR:8084  HTTP, answers 200 at once and closes 0.3 s later; appends
#              to the file argv[3] what came from the client before its
#              close: "clean" (nothing), "fin" or "reset"
#   ADDR:8085  HTTP, answers 200 and never closes (ignores
#              "Connection: close")
# Runs until killed; every socket is closed with the process.
import selectors
import socket
import sys
import time

addr = sys.argv[1]
sel = selectors.DefaultSelector()
held = []


def listener(port, backlog=16):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    s.listen(backlog)
    return s


silent = listener(8081)
sel.register(silent, selectors.EVENT_READ, "silent")

# Backlog 0 holds one connection; fill it (and the SYN queue) ourselves.
full = listener(8082, 0)
for _ in range(3):
    c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    c.setblocking(False)
    try:
        c.connect((addr, 8082))
    except BlockingIOError:
        pass
    held.append(c)

smtp554 = listener(2525)
sel.register(smtp554, selectors.EVENT_READ, "554")
smtp550 = listener(2526)
sel.register(smtp550, selectors.EVENT_READ, "550")

peers = listener(8083)
sel.register(peers, selectors.EVENT_READ, "peers")
peers_file = sys.argv[2] if len(sys.argv) > 2 else "/dev/null"

late = listener(8084)
sel.register(late, selectors.EVENT_READ, "late")
late_file = sys.argv[3] if len(sys.argv) > 3 else "/dev/null"
closing = []	# (when, socket) of 8084's connections
keep = listener(8085)
sel.register(keep, selectors.EVENT_READ, "keep")
ANSWER = b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n"


def answer(c):
    c.settimeout(1)
    try:
        c.recv(4096)
        c.sendall(ANSWER)
    except OSError:
        pass


udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
udp.bind((addr, 5353))
sel.register(udp, selectors.EVENT_READ, "udp")

print("ready", flush=True)
while True:
    now = time.monotonic()
    while closing and closing[0][0] <= now:
        _, c = closing.pop(0)
        c.setblocking(False)	# a timeout would wait for the peer first
        try:
            got = "fin" if c.recv(1, socket.MSG_DONTWAIT | socket.MSG_PEEK) == b"" else "data"
        except BlockingIOError:
            got = "clean"
        except ConnectionResetError:
            got = "reset"
        except OSError as e:
            got = "error %s" % e
        c.close()
        with open(late_file, "a") as f:
            f.write(got + "\n")
    wait = min(1.0, max(0.0, closing[0][0] - now)) if closing else 1.0
    for key, _ in sel.select(timeout=wait):
        what = key.data
        if what == "late":
            c, _ = late.accept()
            answer(c)
            closing.append((time.monotonic() + 0.3, c))
            continue
        if what == "keep":
            c, _ = keep.accept()
            answer(c)
            held.append(c)
            del held[:-64]
            continue
        if what == "udp":
            udp.recv(2048)
        elif what == "peers":
            c, peer = peers.accept()
            c.close()
            with open(peers_file, "a") as f:
                f.write("%s %d\n" % peer[:2])
        elif what == "silent":
            c, _ = silent.accept()
            held.append(c)
            del held[:-64]
        elif what == "554":
            c, _ = smtp554.accept()
            c.sendall(b"554 no service here\r\n")
            c.close()
        elif what == "550":
            c, _ = smtp550.accept()
            c.setblocking(True)
            c.settimeout(2)
            try:
                c.sendall(b"220-smtp.test ESMTP\r\n220 hello\r\n")
                c.recv(512)
                c.sendall(b"550 go away\r\n")
            except OSError:
                pass
            c.close()
