#!/bin/bash
# The control socket under load and abuse: 200 hactl clients at once all
# answered with valid JSON; garbage, half-sent requests, pipelined and
# abandoned requests and more clients than had takes are answered with an
# error or closed, never a crash; a user neither root nor in _had refused.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
need_root

HACTL=$BUILD/hactl
T=$(mktemp -d /tmp/had-ctlflood.XXXXXX)
chmod 755 "$T"
NS=hadt-ctlf-$$
HADPID=
CPIDS=""

cleanup() {
	local p
	for p in $CPIDS; do kill_pid KILL "$p" 2>/dev/null; done
	[ -n "$HADPID" ] && kill_pid TERM "$HADPID" 2>/dev/null
	[ -n "$HADPID" ] && { wait_for 3 pid_gone "$HADPID" || kill_pid KILL "$HADPID"; }
	ip netns del "$NS" 2>/dev/null
	[ -n "${KEEP:-}" ] && echo "kept $T" || rm -rf "$T"
}
trap cleanup EXIT

ip netns add "$NS" || { fail "ip netns add"; summary; exit 1; }
ip -n "$NS" link set lo up
cp tests/integration/foundation.conf "$T/had.conf"
SOCK=$T/had.sock
ip netns exec "$NS" "$BUILD/had" -d -X "$BUILD" -f "$T/had.conf" -s "$SOCK" \
    -p "$T/had.pid" -C "$T/empty" >"$T/had.log" 2>&1 &
HADPID=$!

procs() { "$HACTL" -s "$SOCK" show procs -j >"$T/p.json" 2>/dev/null; }
all_up() {
	procs && [ "$(json_get "$T/p.json" 'sum(1 for r in d if r["running"] and r["pid"] > 0)')" = 5 ]
}
pids() { procs && json_get "$T/p.json" '" ".join(str(r["pid"]) for r in d)'; }

if ! wait_for 10 all_up; then
	fail "had and its children up"
	tail -20 "$T/had.log"
	summary
	exit 1
fi
PIDS0=$(pids)
pass "had up (pids $PIDS0)"

# N clients at once, each bounded by timeout(1); all must answer JSON.
burst() {	# what n
	local what=$1 n=$2 i ok=0 bad=0 t0 ms pl=""
	rm -rf "$T/burst"
	mkdir -p "$T/burst"
	t0=$(now_ms)
	for i in $(seq 1 "$n"); do
		( timeout 20 "$HACTL" -s "$SOCK" show $what -j >"$T/burst/$i.out" \
		    2>"$T/burst/$i.err"; echo $? >"$T/burst/$i.rc" ) &
		pl="$pl $!"
	done
	for i in $pl; do wait "$i"; done
	ms=$(( $(now_ms) - t0 ))
	# One python for all the answers: valid JSON, a list (of 4 rows for
	# procs), exit status 0.
	read -r ok bad <<<"$(python3 - "$T/burst" "$n" "$what" <<'PY'
import json, os, sys
d, n, what = sys.argv[1], int(sys.argv[2]), sys.argv[3]
ok = bad = 0
for i in range(1, n + 1):
    try:
        rc = open(os.path.join(d, "%d.rc" % i)).read().strip()
        doc = json.load(open(os.path.join(d, "%d.out" % i)))["items"]
        good = rc == "0" and isinstance(doc, list) and (what != "procs" or len(doc) == 5)
    except (OSError, ValueError, KeyError, TypeError):
        good = False
    if good:
        ok += 1
    else:
        bad += 1
        if bad <= 3:
            err = open(os.path.join(d, "%d.err" % i)).read()[:200]
            print("  client %d: %s" % (i, err.strip()), file=sys.stderr)
print(ok, bad)
PY
)"
	check "$n concurrent 'hactl show $what -j' all answered with valid JSON ($ok ok, $bad failed, $ms ms for the burst)" \
	    [ "$ok" -eq "$n" ]
}
burst procs 200
burst vrrp 200
check "had alive after 400 concurrent clients" kill -0 "$HADPID"

# Garbage and abuse, each case reported: an error (END with status 1),
# a close, or (for the control cases) a proper answer.
python3 - "$SOCK" >"$T/garbage.out" 2>&1 <<'PY'
import os, socket, struct, sys, time
path = sys.argv[1]
HDR = struct.Struct("<IIIII")
REQ = 72			# struct msg_ctl_req
SHOW_PROCS, SHOW_VRRP, CTL_END = 300, 301, 308
deadline = time.monotonic() + 40

def conn():
    # A blocking connect: with a timeout, Python connects non-blocking
    # and a full listen backlog fails with EAGAIN instead of waiting.
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    s.settimeout(3)
    return s

def outcome(s, limit=3.0):
    """What had did: 'error: MESSAGE', 'answered' (an END), 'closed' or
    'nothing'.  Returns at the first END."""
    buf = b""
    end = time.monotonic() + limit
    while time.monotonic() < end:
        while len(buf) >= HDR.size:
            t, l, _f, _p, _pid = HDR.unpack_from(buf)
            if l < HDR.size or len(buf) < l:
                break
            if t == CTL_END:
                st = struct.unpack_from("<i", buf, HDR.size)[0]
                m = buf[HDR.size + 4:l].split(b"\0")[0].decode(errors="replace")
                return "error: %s" % m if st else "answered"
            buf = buf[l:]
        try:
            s.settimeout(max(0.05, end - time.monotonic()))
            d = s.recv(65536)
        except socket.timeout:
            break
        except OSError as e:
            return "closed (%s)" % e.strerror
        if not d:
            return "closed"
        buf += d
    return "nothing within %.0f s" % limit

def case(name, data, half=False, expect=("error", "closed")):
    t0 = time.monotonic()
    s = conn()
    s.sendall(data)
    if half:
        s.shutdown(socket.SHUT_WR)
    r = outcome(s)
    s.close()
    ok = r.startswith(expect)
    print("%s %s: %s (%.0f ms)" % ("OK" if ok else "BAD", name, r, (time.monotonic() - t0) * 1000))

def req(t, arg=0, name=b""):
    return HDR.pack(t, HDR.size + REQ, 0, 0, os.getpid()) + struct.pack("<II", arg, 0) + name.ljust(64, b"\0")

case("4 KiB of random bytes", os.urandom(4096))
case("length 0xffffffff", HDR.pack(SHOW_PROCS, 0xffffffff, 0, 0, 0))
case("length below the header", HDR.pack(SHOW_PROCS, 8, 0, 0, 0))
case("length 65537", HDR.pack(SHOW_PROCS, 65537, 0, 0, 0) + b"x" * 200)
case("unknown flags", HDR.pack(SHOW_PROCS, HDR.size + REQ, 0x80, 0, 0) + b"\0" * REQ)
case("empty request", HDR.pack(SHOW_PROCS, HDR.size, 0, 0, 0))
case("request one byte short", HDR.pack(SHOW_PROCS, HDR.size + REQ - 1, 0, 0, 0) + b"\0" * (REQ - 1))
case("request one byte long", HDR.pack(SHOW_PROCS, HDR.size + REQ + 1, 0, 0, 0) + b"\0" * (REQ + 1))
case("unknown type 9999", HDR.pack(9999, HDR.size + REQ, 0, 0, 0) + b"\0" * REQ)
case("a reply type as a request (CTL_END)", HDR.pack(CTL_END, HDR.size + REQ, 0, 0, 0) + b"\0" * REQ)
case("RECONF_START as a request", HDR.pack(200, HDR.size + 16, 0, 0, 0) + b"\0" * 16)
case("reload target 99", req(304, 99))
case("log level 7", req(305, 7))
case("show vrrp of a name without NUL", req(SHOW_VRRP, 0, b"N" * 64), expect=("answered", "error"))
case("header only, then half-close", HDR.pack(SHOW_PROCS, HDR.size + REQ, 0, 0, 0), half=True)
case("half a request, then half-close", req(SHOW_PROCS)[:50], half=True)
case("3 bytes, then half-close", b"\x2c\x01\x00", half=True)
case("two requests pipelined", req(SHOW_VRRP) + req(SHOW_VRRP), expect=("error", "closed", "answered"))

# A descriptor where none belongs: claimed by the header (HASFD), or
# claimed by nothing (had may answer the request, then must close).
for flags, name in ((1, "claimed by the header"), (0, "claimed by nothing")):
    s = conn()
    fd = os.open("/dev/null", os.O_RDONLY)
    socket.send_fds(s, [HDR.pack(SHOW_PROCS, HDR.size + REQ, flags, 0, 0) + b"\0" * REQ], [fd])
    os.close(fd)
    seen = []
    for _ in range(3):
        seen.append(outcome(s))
        if not seen[-1].startswith("answered"):
            break
    print("%s a descriptor with a request, %s: %s" % ("OK" if seen[-1].startswith(("error", "closed")) else "BAD", name, ", then ".join(seen)))
    s.close()

# Half a request held open: had must go on serving others meanwhile.
held = conn()
held.sendall(req(SHOW_PROCS)[:30])
s = conn()
s.sendall(req(SHOW_PROCS))
r = outcome(s, 3)
print("%s a full request answered while another client holds half of one: %s" % ("OK" if r == "answered" else "BAD", r))
s.close()
held.close()

# Requests whose client leaves before the answer (forwarded to vrrpd).
for i in range(50):
    s = conn()
    s.sendall(req(SHOW_VRRP))
    s.close()
print("OK 50 clients left before their answer")

# More clients than had takes (CTL_MAX_CLIENTS 512): the extra ones are
# refused, and had serves again once they are gone.
socks = []
for i in range(530):
    if time.monotonic() > deadline:
        break
    try:
        socks.append(conn())
    except OSError as e:
        print("   connect %d: %s" % (i, e))
        break
time.sleep(0.5)
refused = 0
for s in socks[-10:]:
    try:
        s.sendall(req(SHOW_PROCS))
    except OSError:
        refused += 1	# already closed by had
        continue
    if outcome(s, 2).startswith(("error", "closed")):
        refused += 1
print("%s %d connections held open, the last 10 refused or closed: %d" %
      ("OK" if len(socks) == 530 and refused == 10 else "BAD", len(socks), refused))
for s in socks:
    s.close()
time.sleep(0.5)
s = conn()
s.sendall(req(SHOW_PROCS))
r = outcome(s, 3)
print("%s answered again after the crowd left: %s" % ("OK" if r == "answered" else "BAD", r))
s.close()
PY
while IFS= read -r line; do
	case "$line" in
	"OK "*) pass "control socket: ${line#OK }" ;;
	"BAD "*) fail "control socket: ${line#BAD }" ;;
	*) echo "$line" ;;
	esac
done <"$T/garbage.out"
check "had (pid $HADPID) alive after garbage" kill -0 "$HADPID"
check "had still answers show procs" procs
check "no child restarted (pids $PIDS0)" [ "$(pids)" = "$PIDS0" ]

# Access control.
out=$(timeout 10 setpriv --reuid=nobody --regid=nogroup --clear-groups \
    "$HACTL" -s "$SOCK" show procs 2>&1); rc=$?
check "nobody:nogroup without groups refused (rc $rc: $out)" \
    sh -c "[ $rc -ne 0 ] && echo '$out' | grep -qi 'permission denied'"
# That was the socket's file mode.  had checks the peer's credentials
# too: with the socket opened to everyone for a moment, had itself must
# refuse (and log it).
chmod 0666 "$SOCK"
out=$(timeout 10 setpriv --reuid=nobody --regid=nogroup --clear-groups \
    "$HACTL" -s "$SOCK" show procs 2>&1); rc=$?
chmod 0660 "$SOCK"
check "with the file mode out of the way, had refuses nobody itself (rc $rc: $out)" \
    [ $rc -ne 0 ]
check "had logged the refusal: $(grep -m1 'control: uid [0-9]* refused' "$T/had.log")" \
    grep -q 'control: uid 65534 refused' "$T/had.log"
out=$(timeout 10 setpriv --reuid=nobody --regid=_had --clear-groups \
    "$HACTL" -s "$SOCK" show procs -j 2>&1); rc=$?
check "nobody with group _had is let in (rc $rc)" [ $rc -eq 0 ]
# The socket itself: 0660 root:_had, so others cannot even connect.
check "socket mode 660 root:_had" [ "$(stat -c '%a %U %G' "$SOCK")" = "660 root _had" ]

if grep -Eq 'AddressSanitizer|runtime error:|LeakSanitizer' "$T/had.log"; then
	fail "sanitizer report in the log"
	grep -E -A20 'AddressSanitizer|runtime error:' "$T/had.log" | head -40
else
	pass "no sanitizer report"
fi
summary
