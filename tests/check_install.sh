#!/bin/bash
# make install with PREFIX and DESTDIR puts everything in place, with the
# paths compiled in.
set -u
cd "$(dirname "$0")/.."
. tests/lib.sh
D=$(mktemp -d /tmp/had-inst.XXXXXX)
B=$(mktemp -d /tmp/had-instb.XXXXXX)
trap 'rm -rf "$D" "$B"' EXIT
if ! make -s BUILD="$B" PREFIX=/usr DESTDIR="$D" install >"$D.log" 2>&1; then
	fail "make install"; tail -20 "$D.log"; rm -f "$D.log"; summary; exit 1
fi
rm -f "$D.log"
for f in usr/sbin/had usr/sbin/hactl usr/libexec/had/vrrpd \
    usr/libexec/had/lvsd usr/libexec/had/checkd usr/libexec/had/bfdd \
    usr/share/man/man8/had.8 usr/share/man/man8/hactl.8 \
    usr/share/man/man5/had.conf.5 etc/had/had.conf.example \
    usr/lib/systemd/system/had.service usr/lib/sysusers.d/had.conf \
    usr/lib/tmpfiles.d/had.conf usr/lib/modules-load.d/had.conf \
    usr/lib/systemd/system/hactl-serve.service \
    usr/share/had/www/index.html usr/share/had/www/app.js \
    usr/share/had/www/style.css usr/share/had/schema/vrrp.json; do
	check "installed $f" [ -e "$D/$f" ]
done
check "had looks for its children in /usr/libexec/had" \
    grep -q /usr/libexec/had "$D/usr/sbin/had"
check "the unit starts /usr/sbin/had" \
    grep -q '^ExecStart=/usr/sbin/had ' "$D/usr/lib/systemd/system/had.service"
check "hactl serve looks for its page in /usr/share/had/www" \
    grep -q /usr/share/had/www "$D/usr/sbin/hactl"
check "the hactl serve unit: no capability, user _had" \
    sh -c "grep -qx 'CapabilityBoundingSet=' '$D/usr/lib/systemd/system/hactl-serve.service' && grep -qx 'User=_had' '$D/usr/lib/systemd/system/hactl-serve.service'"
check "the installed example config checks" \
    sh -c "\"$D/usr/sbin/had\" -n -f \"$D/etc/had/had.conf.example\" >/dev/null"
summary
