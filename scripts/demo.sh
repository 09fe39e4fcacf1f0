#!/bin/bash
# The demo: had with the shipped example config in a network namespace of
# its own.  Shows the process tree, each child's privileges and the
# watchdog at work, then tears everything down.  Grows as VRRP, LVS and
# checks land.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}

if [ "$(id -u)" != 0 ]; then
	echo "demo: run as root (it creates a network namespace)" >&2
	exit 1
fi
sh scripts/setup-deps.sh

T=$(mktemp -d /tmp/had-demo.XXXXXX)
chmod 755 "$T"
NS=had-demo-$$
HADPID=
cleanup() {
	[ -n "$HADPID" ] && kill -TERM "$HADPID" 2>/dev/null && sleep 0.5
	ip netns del "$NS" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

ip netns add "$NS"
ip -n "$NS" link set lo up
ip -n "$NS" link add eth0 type dummy
ip -n "$NS" addr add 198.18.0.1/24 dev eth0
ip -n "$NS" link set eth0 up

echo "== checking etc/had.conf (had -n)"
"$BUILD/had" -n -f etc/had.conf >"$T/normalised.conf" || exit 1
echo "ok: $(wc -l <"$T/normalised.conf") lines after normalisation"

echo "== starting had in namespace $NS"
ip netns exec "$NS" "$BUILD/had" -d -X "$BUILD" -f etc/had.conf \
    -s "$T/had.sock" -p "$T/had.pid" -C "$T/empty" >"$T/had.log" 2>&1 &
HADPID=$!
H() { "$BUILD/hactl" -s "$T/had.sock" "$@"; }
for _ in $(seq 100); do
	H show procs -j 2>/dev/null | grep -q '"name": "checkd", "running": true, "pid": [1-9]' && break
	sleep 0.1
done
echo
H show procs
echo
echo "== kill -9 vrrpd; had respawns it"
kill -KILL "$(H show procs -j | python3 -c 'import json,sys; print([r["pid"] for r in json.load(sys.stdin) if r["name"]=="vrrpd"][0])')"
sleep 0.5
H show procs
echo
echo "== hactl reload"
H reload
echo
echo "== had's log"
sed 's/^/  /' "$T/had.log"
