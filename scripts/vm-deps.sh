#!/bin/sh
# Install what tests/vm needs on the host, idempotently and quietly when
# everything is already present:
#   - qemu-system-x86_64, busybox-static, ipvsadm, cpio, kmod (depmod), xz,
#     iproute2 (ip, ss, tc, bridge: copied into the guest)
#   - Debian's kernel (linux-image-amd64's versioned dependency), downloaded
#     with `apt-get download` into tests/vm/cache/ and unpacked there with
#     `dpkg-deb -x` (never installed into /boot).
# After it: tests/vm/cache/kernel -> the unpacked tree, with boot/vmlinuz-*
# and lib/modules/<ver>/ (with modules.dep).
#
# Usage: scripts/vm-deps.sh          (as root, or with sudo available)
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cache="$top/tests/vm/cache"

say() { printf 'vm-deps: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

SUDO=
if [ "$(id -u)" != 0 ]; then
	command -v sudo >/dev/null 2>&1 || die "not root and no sudo"
	SUDO=sudo
fi

updated=no
apt_update() {
	[ "$updated" = yes ] && return 0
	say "apt-get update"
	$SUDO apt-get update -qq >/dev/null || die "apt-get update failed"
	updated=yes
}

# --- host packages -----------------------------------------------------
# command -> package
need=
have() { command -v "$1" >/dev/null 2>&1; }
have qemu-system-x86_64 || need="$need qemu-system-x86"
[ -x /bin/busybox ] && /bin/busybox --list 2>/dev/null | grep -qx insmod &&
	file -L /bin/busybox 2>/dev/null | grep -q 'statically linked' ||
	need="$need busybox-static"
have ipvsadm || [ -x /sbin/ipvsadm ] || [ -x /usr/sbin/ipvsadm ] || need="$need ipvsadm"
have cpio || need="$need cpio"
have depmod || [ -x /sbin/depmod ] || [ -x /usr/sbin/depmod ] || need="$need kmod"
have xz || need="$need xz-utils"
have gzip || need="$need gzip"
have ip || [ -x /usr/sbin/ip ] || [ -x /sbin/ip ] || need="$need iproute2"
have flock || need="$need util-linux"
have file || need="$need file"

if [ -n "$need" ]; then
	say "installing:$need"
	# Try without updating first; update only if a package is not found.
	if ! DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
		--no-install-recommends $need >/dev/null 2>&1; then
		apt_update
		DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
			--no-install-recommends $need >/dev/null ||
			die "apt-get install$need failed"
	fi
fi

# --- kernel ------------------------------------------------------------
mkdir -p "$cache/debs"

kpkg_name() {
	apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *Depends: *\(linux-image-[0-9][^ ]*-amd64\)$/\1/p' |
		head -n 1
}

kpkg=$(kpkg_name || true)
if [ -z "$kpkg" ]; then
	# No apt lists yet (fresh machine): an existing unpacked kernel will do.
	if [ -e "$cache/kernel/lib/modules" ]; then
		exit 0
	fi
	apt_update
	kpkg=$(kpkg_name || true)
	[ -n "$kpkg" ] || die "cannot resolve linux-image-amd64's kernel package"
fi

tree="$cache/$kpkg"
if [ -f "$tree/.complete" ]; then
	[ "$(readlink "$cache/kernel" 2>/dev/null || true)" = "$kpkg" ] ||
		ln -sfn "$kpkg" "$cache/kernel"
	exit 0
fi

say "fetching kernel package $kpkg"
deb=$(ls "$cache/debs/${kpkg}_"*.deb 2>/dev/null | head -n 1 || true)
if [ -z "$deb" ]; then
	# apt-get download writes to the current directory; it runs as _apt
	# when it can, so make the directory usable for it.
	if ! (cd "$cache/debs" && apt-get download -qq "$kpkg" >/dev/null 2>&1); then
		apt_update
		kpkg=$(kpkg_name)
		tree="$cache/$kpkg"
		(cd "$cache/debs" && apt-get download -qq "$kpkg" >/dev/null) ||
			die "apt-get download $kpkg failed"
	fi
	deb=$(ls "$cache/debs/${kpkg}_"*.deb 2>/dev/null | head -n 1 || true)
	[ -n "$deb" ] || die "downloaded $kpkg but no .deb in $cache/debs"
fi

rm -rf "$tree.tmp"
mkdir -p "$tree.tmp"
dpkg-deb -x "$deb" "$tree.tmp" || die "dpkg-deb -x $deb failed"
kver=$(ls "$tree.tmp/lib/modules" | head -n 1)
[ -n "$kver" ] || die "no lib/modules in $deb"
ls "$tree.tmp/boot/vmlinuz-$kver" >/dev/null 2>&1 || die "no vmlinuz in $deb"
if [ ! -s "$tree.tmp/lib/modules/$kver/modules.dep" ]; then
	depmod=$(command -v depmod || echo /sbin/depmod)
	"$depmod" -b "$tree.tmp" "$kver" || die "depmod failed"
fi
rm -rf "$tree"
mv "$tree.tmp" "$tree"
touch "$tree/.complete"
ln -sfn "$kpkg" "$cache/kernel"
# The .deb is no longer needed once unpacked, nor are older kernels.
rm -f "$cache/debs/${kpkg}_"*.deb
for old in "$cache"/linux-image-*; do
	[ "$old" = "$tree" ] || rm -rf "$old"
done
say "kernel $kver ready in $tree"
