#!/bin/bash
# Boot Debian's kernel in qemu with the tests/vm initramfs and run SCRIPT in
# the guest as root; exit with the script's exit status.
#
# Usage: tests/vm/run.sh SCRIPT [SRC[:DEST]...]
#   SCRIPT     guest script (busybox sh, or #!/bin/bash), run as /vm/test.sh
#              with cwd /vm; tests/vm/lib.sh is at /vm/lib.sh.
#   SRC[:DEST] file or directory copied into the guest at DEST (default
#              /opt/<basename of SRC>), with the shared libraries of its ELF
#              files; DEST, DEST/bin and DEST/sbin are put in PATH and the
#              guest's $VM_FILES lists the DESTs.
#
# Environment:
#   VM_TIMEOUT=300     seconds before qemu is killed (exit 124)
#   VM_ACCEL=auto      kvm, tcg or auto (kvm if it works, else tcg)
#   VM_MEM=1024        guest memory in MiB
#   VM_CPUS=2          guest CPUs
#   VM_PREFIX=         prefix for every guest output line on the host
#   VM_LOG=FILE        also write the guest's console output to FILE
#   VM_LOGLEVEL=3      kernel console log level (7 shows everything)
#   VM_APPEND=         more kernel command line
#   VM_KVM_CPU=host, VM_TCG_CPU=qemu64   qemu -cpu model per accelerator
#   VM_EXTRA_MODULES, VM_EXTRA_BINS, VMENV_*: see mkinitramfs.sh
#
# Exit status: the guest script's; 124 on timeout; 77 with "SKIP: why" when
# qemu or the kernel is missing; 125 when the guest never reported a status
# (crash, panic, broken image).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
cache="$here/cache"
ktree="$cache/kernel"

say() { printf 'vm: %s\n' "$*" >&2; }
skip() { printf 'SKIP: %s\n' "$*"; exit 77; }

[ $# -ge 1 ] || { echo "usage: $0 SCRIPT [SRC[:DEST]...]" >&2; exit 2; }
script=$1
shift
[ -f "$script" ] || { say "no such script: $script"; exit 2; }

timeout_s=${VM_TIMEOUT:-300}
mem=${VM_MEM:-1024}
cpus=${VM_CPUS:-2}
prefix=${VM_PREFIX:-}

qemu=$(command -v qemu-system-x86_64 || true)
[ -n "$qemu" ] || skip "qemu-system-x86_64 not installed (run scripts/vm-deps.sh)"
vmlinuz=$(ls "$ktree"/boot/vmlinuz-* 2>/dev/null | head -n 1 || true)
[ -n "$vmlinuz" ] && [ -r "$vmlinuz" ] || skip "no kernel in $ktree (run scripts/vm-deps.sh)"
for t in cpio gzip timeout; do
	command -v $t >/dev/null || skip "$t not installed (run scripts/vm-deps.sh)"
done

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
t0=$(now)

# --- initramfs: cached base + per-run overlay ----------------------------
mkdir -p "$cache"
key=$("$here/mkinitramfs.sh" --key)
base="$cache/initramfs-base-$key.cpio.gz"
lock="$cache/.initramfs.lock"
(
	# Several runs at once build the base only once.
	command -v flock >/dev/null && flock 9
	if [ ! -s "$base" ]; then
		say "building base initramfs ($key)"
		"$here/mkinitramfs.sh" --base -o "$base"
		# Keep the cache from growing: the 4 most recently used bases stay.
		ls -t "$cache"/initramfs-base-*.cpio.gz | tail -n +5 | xargs -r rm -f
	fi
	touch "$base"
) 9>"$lock"

work=$(mktemp -d "${TMPDIR:-/tmp}/vm-run.XXXXXX")
cleanup() {
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$here/mkinitramfs.sh" --overlay -s "$script" -o "$work/overlay.cpio.gz" "$@"
cat "$base" "$work/overlay.cpio.gz" > "$work/initrd.gz"
size_mb=$(du -m "$work/initrd.gz" | cut -f1)

# --- accelerator ---------------------------------------------------------
# /dev/kvm may open and still not run a guest (seen in sandboxes: the vCPU
# hangs once the kernel starts), so try for real: boot the kernel without
# an initrd and look for its banner within a few seconds. The answer is
# kept in the cache for this host kernel, qemu and guest kernel.
kvm_works() {
	[ -c /dev/kvm ] && [ -r /dev/kvm ] && [ -w /dev/kvm ] || return 1
	local id probe="$cache/kvm-probe" out
	id="$(uname -r) $("$qemu" --version | head -n 1) $(basename "$vmlinuz")"
	if [ -f "$probe" ] && [ "$(sed -n 1p "$probe")" = "$id" ]; then
		[ "$(sed -n 2p "$probe")" = yes ]
		return
	fi
	out=$(timeout -k 2 "${VM_KVM_PROBE_TIMEOUT:-8}" "$qemu" -machine q35,accel=kvm -cpu "${VM_KVM_CPU:-host}" \
		-m 256 -nodefaults -no-user-config -display none -no-reboot \
		-serial stdio -monitor none -nic none -kernel "$vmlinuz" \
		-append "console=ttyS0 earlyprintk=serial,ttyS0 panic=-1 rdinit=/nonexistent root=/dev/nonexistent" \
		</dev/null 2>&1 | grep -a -m 1 'Linux version' || true)
	if [ -n "$out" ]; then
		printf '%s\nyes\n' "$id" > "$probe"
		return 0
	fi
	printf '%s\nno\n' "$id" > "$probe"
	say "KVM does not run guests here; using TCG"
	return 1
}
accel=${VM_ACCEL:-auto}
if [ "$accel" = auto ]; then
	if kvm_works; then accel=kvm; else accel=tcg; fi
fi
# shellcheck disable=SC2054
case $accel in
kvm) accel_args=(-machine q35,accel=kvm -cpu "${VM_KVM_CPU:-host}") ;;
# qemu64 boots about a second faster than max under TCG.
tcg) accel_args=(-machine q35,accel=tcg -cpu "${VM_TCG_CPU:-qemu64}") ;;
*) say "VM_ACCEL must be kvm, tcg or auto"; exit 2 ;;
esac

say "booting $(basename "$vmlinuz") accel=$accel mem=${mem}M cpus=$cpus initrd=${size_mb}MB timeout=${timeout_s}s (prep $(elapsed "$t0")s)"

append="console=ttyS0 panic=-1 loglevel=${VM_LOGLEVEL:-3} rdinit=/init"
append="$append quiet nokaslr mitigations=off tsc=reliable no_timer_check"
append="$append ${VM_APPEND:-}"

log="$work/console.log"
: > "$log"
t1=$(now)
# Show the console as it comes, note when the script started.
started=
status=
show() {
	local line
	while IFS= read -r line || [ -n "$line" ]; do
		line=${line%$'\r'}
		printf '%s\n' "$line" >> "$log"
		case $line in
		VM-SCRIPT-START*)
			started=$(elapsed "$t1")
			say "guest script started ${started}s after qemu start (${line#VM-SCRIPT-START })"
			continue ;;
		VM-EXIT-STATUS=*) status=${line#VM-EXIT-STATUS=}; status=${status%%[!0-9]*} ;;
		*"] reboot: Power down") continue ;;
		esac
		printf '%s%s\n' "$prefix" "$line"
		if [ -n "${VM_LOG:-}" ]; then printf '%s\n' "$line" >> "$VM_LOG"; fi
	done
}
# The guest console is the serial port on qemu's stdout; qemu's stdin is
# /dev/null so it leaves the terminal alone. lastpipe: show runs here.
shopt -s lastpipe
set +e
timeout -k 5 "$timeout_s" "$qemu" "${accel_args[@]}" \
	-smp "$cpus" -m "$mem" \
	-nodefaults -no-user-config -display none -no-reboot \
	-serial stdio -monitor none -nic none \
	-kernel "$vmlinuz" -initrd "$work/initrd.gz" -append "$append" \
	</dev/null 2>&1 | show
qrc=${PIPESTATUS[0]}
set -e

total=$(elapsed "$t1")
if [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
	say "TIMEOUT: guest did not finish within ${timeout_s}s (killed qemu)"
	exit 124
fi
if [ -z "$status" ]; then
	if [ -z "$started" ] && ! grep -q 'Linux version\|Run /init\|Kernel panic\|VM-' "$log"; then
		msg=$(grep -m1 'qemu-system' "$log" || true)
		say "qemu failed to start (exit $qrc): ${msg:-no output}"
		# Missing firmware or a broken qemu install: the VM is unavailable.
		case $msg in
		*"could not load"*|*"No such file"*|*"failed to find"*|*"Could not open"*|*"cannot load"*)
			skip "qemu could not start the VM: $msg" ;;
		esac
		exit 125
	fi
	say "guest gave no exit status (qemu exit $qrc after ${total}s)"
	exit 125
fi
say "guest exit status $status after ${total}s in the VM (${started:-?}s to script start), $(elapsed "$t0")s in all"
exit "$status"
