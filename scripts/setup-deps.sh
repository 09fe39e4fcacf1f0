#!/bin/sh
# Install what had needs to build and test, and the _had user.
# Idempotent; prints nothing when everything is already there.
set -eu

PKGS="gcc make pkg-config libc6-dev
libevent-dev libnl-3-dev libnl-route-3-dev libnl-genl-3-dev libbsd-dev
libcap-dev libcriterion-dev libssl-dev
mandoc iproute2 iputils-ping procps util-linux python3 clang"

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
	if ! apt-get install -y -q --no-install-recommends $missing \
	    >/tmp/had-apt.log 2>&1; then
		apt-get update -q >>/tmp/had-apt.log 2>&1
		apt-get install -y -q --no-install-recommends $missing \
		    >>/tmp/had-apt.log 2>&1 || {
			tail -20 /tmp/had-apt.log >&2
			echo "setup-deps: apt-get install failed" >&2
			exit 1
		}
	fi
fi

# The unprivileged user of the children.
if [ "$(id -u)" = 0 ] && ! getent passwd _had >/dev/null; then
	echo "setup-deps: creating user and group _had"
	if ! getent group _had >/dev/null; then
		groupadd --system _had
	fi
	useradd --system --gid _had --no-create-home \
	    --home-dir /nonexistent --shell /usr/sbin/nologin _had
fi
exit 0
