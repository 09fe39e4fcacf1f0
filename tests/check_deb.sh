#!/bin/bash
# debian/: dpkg-buildpackage builds a .deb that installs, whose had runs
# its children from /usr/libexec/had, and that removes cleanly.
set -u
cd "$(dirname "$0")/.."
. tests/lib.sh
need_root

W=$(mktemp -d /tmp/had-deb.XXXXXX)
chmod 755 "$W"
NS=hadt-deb-$$
HADPID=
cleanup() {
	[ -n "$HADPID" ] && kill_pid TERM "$HADPID" 2>/dev/null
	ip netns del "$NS" 2>/dev/null
	dpkg -s had >/dev/null 2>&1 && [ -n "${INSTALLED:-}" ] &&
	    dpkg --purge had >/dev/null 2>&1
	rm -rf "$W"
}
trap cleanup EXIT

if dpkg -s had >/dev/null 2>&1; then
	skip "a had package is already installed on this machine; not touching it"
	summary
	exit 0
fi

mkdir -p "$W/src"
if git rev-parse --git-dir >/dev/null 2>&1; then
	git ls-files -z | xargs -0 tar cf - | tar xf - -C "$W/src"
else
	cp -a . "$W/src"
fi
rm -rf "$W/src/build" "$W/src/build-san"
if (cd "$W/src" && dpkg-buildpackage -us -uc -b) >"$W/build.log" 2>&1; then
	pass "dpkg-buildpackage -us -uc -b"
else
	fail "dpkg-buildpackage -us -uc -b"
	tail -30 "$W/build.log"
	summary
	exit 1
fi
deb=$(ls "$W"/had_*_*.deb | head -1)
check "the package holds the children in /usr/libexec/had" \
    sh -c "dpkg -c '$deb' 2>/dev/null | grep -q './usr/libexec/had/vrrpd'"
check "the package holds the unit, man pages and sysusers file" \
    sh -c "dpkg -c '$deb' 2>/dev/null | grep -q 'had.service' &&
    dpkg -c '$deb' 2>/dev/null | grep -q 'had.conf.5' &&
    dpkg -c '$deb' 2>/dev/null | grep -q 'sysusers.d/had.conf'"
if dpkg -i "$deb" >"$W/install.log" 2>&1; then
	INSTALLED=1
	pass "dpkg -i"
else
	fail "dpkg -i"; cat "$W/install.log"; summary; exit 1
fi
check "_had exists after install" getent passwd _had
for u in _had-vrrp _had-lvs _had-check _had-bfd; do
	check "$u exists after install, its own group" \
	    sh -c "[ \"\$(id -gn $u)\" = $u ]"
done
check "installed had checks the example config" \
    sh -c "/usr/sbin/had -n -f /etc/had/had.conf.example >/dev/null"

# The installed had, without -X, in a namespace of our own.
ip netns add "$NS"
ip -n "$NS" link set lo up
ip netns exec "$NS" /usr/sbin/had -d -f tests/integration/foundation.conf \
    -s "$W/had.sock" -p "$W/had.pid" -C "$W/empty" >"$W/had.log" 2>&1 &
HADPID=$!
up() {
	/usr/sbin/hactl -s "$W/had.sock" show procs -j >"$W/p.json" 2>/dev/null &&
	    [ "$(json_get "$W/p.json" 'sum(1 for r in d if r["running"] and r["pid"] > 0)')" = 5 ]
}
if wait_for 10 up; then
	pass "installed had starts its children from /usr/libexec/had"
else
	fail "installed had starts its children"; cat "$W/had.log"
fi
kill_pid TERM "$HADPID"
check "installed had stops" wait_for 5 pid_gone "$HADPID"
wait "$HADPID" 2>/dev/null
HADPID=
check "dpkg --purge" sh -c "dpkg --purge had >/dev/null 2>&1"
INSTALLED=
check "nothing left in /usr/libexec/had" [ ! -e /usr/libexec/had/vrrpd ]
summary
