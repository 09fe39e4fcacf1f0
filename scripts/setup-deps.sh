#!/bin/sh
# Install what had needs to build and test, and the _had users.
# Idempotent; prints nothing when everything is already there.
set -eu

PKGS="gcc make pkg-config libc6-dev
libevent-dev libnl-3-dev libnl-route-3-dev libnl-genl-3-dev libbsd-dev
libcap-dev libcriterion-dev libssl-dev libseccomp-dev zlib1g-dev libmd-dev
mandoc iproute2 iputils-ping procps util-linux python3 clang libclang-rt-14-dev
keepalived tshark python3-scapy prometheus curl chromium python3-jsonschema
debhelper fakeroot dpkg-dev
nginx-light dnsmasq-base socat python3-aiosmtpd openssl
libnftables-dev nftables frr"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done

if [ -n "$missing" ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "setup-deps: missing packages:$missing (run as root)" >&2
		exit 1
	fi
	echo "setup-deps: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	# tshark: no question about letting non-root users capture.
	echo "wireshark-common wireshark-common/install-setuid boolean false" |
	    debconf-set-selections 2>/dev/null || true
	# keepalived: tests start their own in namespaces; note one that
	# the package's init script may start so it can be stopped below.
	ka_before=$(pgrep -x keepalived 2>/dev/null || true)
	# No package may start its service (keepalived, prometheus): the
	# tests start their own.  policy-rc.d is Debian's switch for that.
	prc=""
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		prc=/usr/sbin/policy-rc.d
		printf '#!/bin/sh\nexit 101\n' >"$prc"
		chmod 755 "$prc"
	fi
	if ! apt-get install -y -q --no-install-recommends $missing \
	    >/tmp/had-apt.log 2>&1; then
		apt-get update -q >>/tmp/had-apt.log 2>&1
		apt-get install -y -q --no-install-recommends $missing \
		    >>/tmp/had-apt.log 2>&1 || {
			tail -20 /tmp/had-apt.log >&2
			echo "setup-deps: apt-get install failed" >&2
			[ -n "$prc" ] && rm -f "$prc"
			exit 1
		}
	fi
	[ -n "$prc" ] && rm -f "$prc"
fi

# A keepalived the package's init script started on install (there is no
# systemd here, but invoke-rc.d may still run /etc/init.d/keepalived):
# stop exactly that one, found by the pidfile it writes.
case "$missing" in
*keepalived*)
	if [ -z "${ka_before:-}" ] && [ -r /run/keepalived.pid ]; then
		ka=$(cat /run/keepalived.pid)
		case "$ka" in
		''|*[!0-9]*) ;;
		*) [ "$ka" -gt 1 ] && kill -TERM "$ka" 2>/dev/null || true ;;
		esac
	fi
	;;
esac

# Group _had may use the control socket; each child runs as its own user
# and group, so that no child can signal, trace or limit another.
if [ "$(id -u)" = 0 ]; then
	for u in _had _had-vrrp _had-lvs _had-check _had-bfd; do
		getent passwd "$u" >/dev/null && continue
		echo "setup-deps: creating user and group $u"
		getent group "$u" >/dev/null || groupadd --system "$u"
		useradd --system --gid "$u" --no-create-home \
		    --home-dir /nonexistent --shell /usr/sbin/nologin "$u"
	done
fi
exit 0
