#!/bin/bash
# Build the initramfs (cpio newc, gzip) that tests/vm/run.sh boots.
#
# Two parts, which the kernel unpacks one over the other when concatenated:
#   base     busybox (static) + applet links, bash, iproute2 (ip, ss, tc,
#            bridge), ipvsadm, their shared libraries and the dynamic loader,
#            the kernel modules below with everything they depend on
#            (resolved from modules.dep) and a fresh modules.dep, /init,
#            /etc/passwd and /etc/group (root, _had, _had-vrrp, _had-lvs,
#            _had-check, nobody).  Depends only
#            on the host's binaries, the kernel and this script, so run.sh
#            caches it (see --key).
#   overlay  the guest script (/vm/test.sh), tests/vm/lib.sh (/vm/lib.sh),
#            /vm/env, and any extra directories (copied to /opt/<basename>
#            or to DEST for SRC:DEST), with the shared libraries of every
#            ELF file in them resolved via ldd.
#
# Usage:
#   mkinitramfs.sh [options] -o OUT.cpio.gz [SRC[:DEST]...]
#     --base         build the base part only
#     --overlay      build the overlay part only
#     (neither)      build both, concatenated into OUT
#     -s SCRIPT      guest script for the overlay (default: a no-op)
#     -k DIR         unpacked kernel tree (default tests/vm/cache/kernel)
#   mkinitramfs.sh --key   print the cache key of the base part
#
# Environment:
#   VM_EXTRA_MODULES  more module names to put in the base (deps resolved)
#   VM_EXTRA_BINS     more host programs (names or paths) for the base
#   VMENV_NAME=value  exported in the guest as NAME=value (overlay /vm/env)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
ktree="$here/cache/kernel"
mode=both
out=
script=
key_only=no

say() { printf 'mkinitramfs: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

while [ $# -gt 0 ]; do
	case $1 in
	--base) mode=base ;;
	--overlay) mode=overlay ;;
	--key) key_only=yes ;;
	-o) out=$2; shift ;;
	-s) script=$2; shift ;;
	-k) ktree=$2; shift ;;
	-h|--help) sed -n '2,/^set -eu/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	--) shift; break ;;
	-*) die "unknown option $1" ;;
	*) break ;;
	esac
	shift
done

# Modules loaded at boot (in this order, dependencies first).
MODULES="crc32c_generic libcrc32c nf_conntrack nf_nat
ip_vs ip_vs_rr ip_vs_wrr ip_vs_lc ip_vs_wlc ip_vs_sh ip_vs_dh ip_vs_sed
ip_vs_nq ip_vs_lblc ip_vs_lblcr ip_vs_fo ip_vs_ovf ip_vs_mh ip_vs_ftp
veth bridge macvlan ipvlan ipip ip6_tunnel ip_gre 8021q dummy tun ifb
sch_netem sch_ingress cls_u32 act_skbedit ${VM_EXTRA_MODULES:-}"

HOST_BINS="bash ip ss tc bridge ipvsadm ${VM_EXTRA_BINS:-}"

find_bin() {
	case $1 in
	/*) [ -x "$1" ] && { echo "$1"; return 0; } ;;
	*)
		for d in /usr/local/sbin /usr/local/bin /usr/sbin /usr/bin /sbin /bin; do
			[ -x "$d/$1" ] && { echo "$d/$1"; return 0; }
		done ;;
	esac
	return 1
}

kver_of() {
	[ -d "$ktree/lib/modules" ] || die "no kernel in $ktree (run scripts/vm-deps.sh)"
	ls "$ktree/lib/modules" | head -n 1
}

busybox_path() {
	for b in /bin/busybox /usr/bin/busybox; do
		if [ -x "$b" ] && ! ldd "$b" >/dev/null 2>&1; then
			echo "$b"; return 0
		fi
	done
	die "no static busybox (apt-get install busybox-static)"
}

if [ "$key_only" = yes ]; then
	{
		cat "$0" "$here/init"
		readlink -f "$ktree"
		echo "$MODULES"
		sha256sum "$(busybox_path)"
		for b in $HOST_BINS; do
			p=$(find_bin "$b") || die "host program $b not found"
			sha256sum "$(readlink -f "$p")"
		done
	} | sha256sum | cut -c1-16
	exit 0
fi

[ -n "$out" ] || die "no -o OUT given"
command -v cpio >/dev/null || die "cpio missing (run scripts/vm-deps.sh)"

stage=$(mktemp -d "${TMPDIR:-/tmp}/vm-initramfs.XXXXXX")
trap 'rm -rf "$stage"' EXIT

is_elf() {
	[ -f "$1" ] && [ "$(head -c 4 "$1" 2>/dev/null | od -An -tx1 | tr -d ' \n')" = 7f454c46 ]
}

# Copy a file to the same path under $1 (following symlinks), creating dirs.
put() {
	local root=$1 src=$2 dst=${3:-$2}
	mkdir -p "$root$(dirname "$dst")"
	cp -L "$src" "$root$dst"
}

# Copy the shared libraries (and the loader) an ELF file needs.
put_libs() {
	local root=$1 f=$2 line lib
	is_elf "$f" || return 0
	ldd "$f" >/dev/null 2>&1 || return 0    # static, or not for this host
	ldd "$f" | while read -r line; do
		case $line in
		*"=> not found"*) say "warning: $f: $line" ;;
		*"=> /"*) lib=${line#*=> }; lib=${lib%% (*} ;;
		/*) lib=${line%% (*} ;;
		*) lib= ;;
		esac
		if [ -n "${lib:-}" ] && [ ! -e "$root$lib" ]; then
			put "$root" "$lib"
		fi
	done
}

skeleton() {
	local root=$1
	mkdir -p "$root/usr/bin" "$root/usr/sbin" "$root/usr/lib" "$root/usr/lib64"
	ln -sfn usr/lib "$root/lib"
	ln -sfn usr/lib64 "$root/lib64"
	ln -sfn usr/bin "$root/bin"
	ln -sfn usr/sbin "$root/sbin"
}

build_base() {
	local root=$1 kver bb a m dep rel bin p
	kver=$(kver_of)
	skeleton "$root"
	mkdir -p "$root/dev" "$root/proc" "$root/sys" "$root/tmp" "$root/run" \
		"$root/root" "$root/etc" "$root/var" "$root/mnt" "$root/opt" "$root/vm"
	mkdir -p "$root/var/empty" "$root/var/lib" "$root/var/log"
	ln -sfn ../run "$root/var/run"
	ln -sfn ../tmp "$root/var/tmp"

	bb=$(busybox_path)
	cp "$bb" "$root/usr/bin/busybox"
	for a in $("$bb" --list-full); do
		# bin/ and sbin/ are links to usr/..., so "bin/ls" lands in usr/bin.
		[ -e "$root/$a" ] || [ -L "$root/$a" ] || ln -s /usr/bin/busybox "$root/$a"
	done

	for b in $HOST_BINS; do
		p=$(find_bin "$b") || die "host program $b not found (run scripts/vm-deps.sh)"
		case $p in
		*/sbin/*) bin=/usr/sbin/$(basename "$p") ;;
		*) bin=/usr/bin/$(basename "$p") ;;
		esac
		# Replace busybox's applet of the same name, wherever it is.
		rm -f "$root/usr/bin/$(basename "$p")" "$root/usr/sbin/$(basename "$p")"
		cp -L "$p" "$root$bin"
		put_libs "$root" "$p"
	done
	# /bin/sh is bash: Debian's static busybox sh runs its own applets
	# before PATH (so "ip netns" would be busybox's ip, which has no netns).
	ln -sfn bash "$root/usr/bin/sh"

	# Kernel modules: the list above plus everything modules.dep says they need.
	local mdir="$ktree/lib/modules/$kver" order="" want
	[ -s "$mdir/modules.dep" ] || die "no $mdir/modules.dep (run scripts/vm-deps.sh)"
	for m in $MODULES; do
		want=$(awk -v m="$(printf %s "$m" | tr - _)" -F: '
			{ n = $1; sub(/.*\//, "", n); sub(/\.ko(\.[a-z]+)?$/, "", n); gsub(/-/, "_", n)
			  if (n == m) { print; exit } }' "$mdir/modules.dep")
		[ -n "$want" ] || die "module $m not in $mdir/modules.dep"
		rel=${want%%:*}
		# modules.dep lists dependencies nearest first; load them reversed.
		for dep in $(printf '%s\n' ${want#*:} | tac 2>/dev/null || true) "$rel"; do
			case " $order " in *" $dep "*) continue ;; esac
			order="$order $dep"
		done
	done
	mkdir -p "$root/lib/modules/$kver"
	: > "$root/etc/vm-modules"
	for rel in $order; do
		mkdir -p "$root/lib/modules/$kver/$(dirname "$rel")"
		case $rel in
		*.ko.xz) xz -dc "$mdir/$rel" > "$root/lib/modules/$kver/${rel%.xz}"; rel=${rel%.xz} ;;
		*.ko.zst) zstd -qdc "$mdir/$rel" > "$root/lib/modules/$kver/${rel%.zst}"; rel=${rel%.zst} ;;
		*.ko.gz) gzip -dc "$mdir/$rel" > "$root/lib/modules/$kver/${rel%.gz}"; rel=${rel%.gz} ;;
		*) cp "$mdir/$rel" "$root/lib/modules/$kver/$rel" ;;
		esac
		echo "$rel" >> "$root/etc/vm-modules"
	done
	cp "$mdir/modules.order" "$mdir/modules.builtin" "$root/lib/modules/$kver/" 2>/dev/null || true
	cp "$mdir/modules.builtin.modinfo" "$root/lib/modules/$kver/" 2>/dev/null || true
	# A modules.dep (and aliases) for what is actually in the image.
	local depmod
	depmod=$(find_bin depmod) || die "depmod missing (apt-get install kmod)"
	"$depmod" -b "$root" "$kver" || die "depmod in the image failed"

	cat > "$root/etc/passwd" <<-'EOF'
	root:x:0:0:root:/root:/bin/sh
	_had:x:990:990:had control socket group:/nonexistent:/sbin/nologin
	_had-vrrp:x:991:991:had vrrpd:/nonexistent:/sbin/nologin
	_had-lvs:x:992:992:had lvsd:/nonexistent:/sbin/nologin
	_had-check:x:993:993:had checkd:/nonexistent:/sbin/nologin
	_had-bfd:x:994:994:had bfdd:/nonexistent:/sbin/nologin
	nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
	EOF
	cat > "$root/etc/group" <<-'EOF'
	root:x:0:
	_had:x:990:
	_had-vrrp:x:991:
	_had-lvs:x:992:
	_had-check:x:993:
	_had-bfd:x:994:
	nogroup:x:65534:
	EOF
	cat > "$root/etc/nsswitch.conf" <<-'EOF'
	passwd: files
	group: files
	shadow: files
	hosts: files
	services: files
	protocols: files
	EOF
	printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost\n' > "$root/etc/hosts"
	echo vm > "$root/etc/hostname"
	for f in /etc/services /etc/protocols; do
		[ -f "$f" ] && cp "$f" "$root$f"
	done
	[ -e "$root/sbin/nologin" ] || ln -s /usr/bin/busybox "$root/usr/sbin/nologin"

	cp "$here/init" "$root/init"
	chmod 755 "$root/init"
}

build_overlay() {
	local root=$1 arg src dst f
	shift
	skeleton "$root"
	mkdir -p "$root/vm"
	if [ -n "$script" ]; then
		[ -f "$script" ] || die "no such script: $script"
		cp "$script" "$root/vm/test.sh"
	else
		printf '#!/bin/sh\necho "no guest script given"\n' > "$root/vm/test.sh"
	fi
	chmod 755 "$root/vm/test.sh"
	cp "$here/lib.sh" "$root/vm/lib.sh"

	local files=""
	for arg in "$@"; do
		case $arg in
		*:/*) src=${arg%:/*}; dst=/${arg#*:/} ;;
		*) src=$arg; dst=/opt/$(basename "$(cd "$arg" 2>/dev/null && pwd || echo "$arg")") ;;
		esac
		[ -e "$src" ] || die "no such file or directory: $src"
		mkdir -p "$root$dst"
		if [ -d "$src" ]; then
			cp -a "$src/." "$root$dst/"
		else
			cp -a "$src" "$root$dst/"
		fi
		files="$files $dst"
		# Shared libraries of every ELF file brought in.
		while IFS= read -r f; do
			put_libs "$root" "$f"
		done <<-EOF
		$(find "$src" -type f -perm -u+x 2>/dev/null; find "$src" -type f -name '*.so*' 2>/dev/null)
		EOF
	done

	# /vm/env: sourced by /init before the script.
	{
		echo "VM_FILES='${files# }'"
		echo "export VM_FILES"
		env | sed -n 's/^VMENV_\([A-Za-z_][A-Za-z0-9_]*\)=\(.*\)$/\1 \2/p' |
		while read -r n v; do
			printf "%s='%s'\nexport %s\n" "$n" "$(printf %s "$v" | sed "s/'/'\\\\''/g")" "$n"
		done
	} > "$root/vm/env"
}

pack() {
	(cd "$1" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | gzip -n -6
}

case $mode in
base)
	build_base "$stage"
	pack "$stage" > "$out.tmp" ;;
overlay)
	build_overlay "$stage" "$@"
	pack "$stage" > "$out.tmp" ;;
both)
	mkdir "$stage/b" "$stage/o"
	build_base "$stage/b"
	build_overlay "$stage/o" "$@"
	{ pack "$stage/b"; pack "$stage/o"; } > "$out.tmp" ;;
esac
mv "$out.tmp" "$out"
