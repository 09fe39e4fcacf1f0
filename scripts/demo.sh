#!/bin/bash
# The demo: two directors running had, web servers and a client, in network
# namespaces on one bridge.  Shows the process tree, VRRP, LVS and the
# checks, then fails the master over while the client keeps sending
# requests to the virtual address, and prints how many failed and how long
# the gap was.  Tears everything down at the end.
#
# Where it runs: IPVS needs the kernel's ip_vs module.  When the host has
# it, the demo runs here (etc/demo/lb.conf.in); when it does not, the whole
# demo runs in the test VM (tests/vm/demo.sh under qemu with Debian's
# kernel, etc/demo/lvs-director.conf), which shows IPVS for real.
#   DEMO_VM=1  always in the VM        DEMO_VM=0  always on the host
set -u
cd "$(dirname "$0")/.." || exit 1
BUILD=${BUILD:-build}

if [ "$(id -u)" != 0 ]; then
	echo "demo: run as root (it creates network namespaces)" >&2
	exit 1
fi

host_has_ipvs() {
	modprobe -q ip_vs 2>/dev/null
	[ -e /proc/net/ip_vs ]
}
case ${DEMO_VM:-auto} in
1|yes) vm=yes ;;
0|no) vm=no ;;
*)	if host_has_ipvs; then vm=no; else vm=yes; fi ;;
esac

if [ "$vm" = yes ]; then
	for b in had hactl vrrpd lvsd checkd; do
		[ -x "$BUILD/$b" ] || { echo "demo: $BUILD/$b is missing (make first)" >&2; exit 1; }
	done
	if [ "${DEMO_VM:-auto}" = auto ]; then
		echo "demo: this kernel has no IPVS; running the demo in a VM (Debian's kernel under qemu)"
	fi
	sh scripts/vm-deps.sh || exit 1
	# Progress lines of the harness (vm: ...) go to stderr; the guest's
	# kernel stays quiet below errors.
	VM_TIMEOUT=${VM_TIMEOUT:-300} tests/vm/run.sh tests/vm/demo.sh \
	    "$BUILD:/opt/build" etc/demo:/opt/demo tests/vm/pair:/opt/pair
	rc=$?
	case $rc in
	0) ;;
	77) echo "demo: the VM cannot run here; DEMO_VM=0 runs the demo without IPVS" >&2 ;;
	*) echo "demo: failed in the VM (exit $rc)" >&2 ;;
	esac
	exit $rc
fi

sh scripts/setup-deps.sh || exit 1
. tests/lib.sh
. tests/lab.sh

say() { printf '\n== %s\n' "$*"; }

lab_init
lab_node lb1 198.18.0.1/24
lab_node lb2 198.18.0.2/24
lab_node web1 198.18.0.11/24
lab_node web2 198.18.0.12/24
lab_node client 198.18.0.50/24

# Web servers for the checks; on the directors a page that names them, so
# the client sees which director holds the virtual address.
for n in web1 web2 lb1 lb2; do
	mkdir -p "$LAB_DIR/$n/www"
	echo "$n" >"$LAB_DIR/$n/www/index.html"
	port=80
	case $n in lb*) port=8080 ;; esac
	lab_exec "$n" python3 -m http.server --bind 0.0.0.0 \
	    --directory "$LAB_DIR/$n/www" "$port" >/dev/null 2>&1 &
	lab_track_pid $!
done

for n in lb1 lb2; do
	prio=150
	[ "$n" = lb2 ] && prio=100
	sed "s/@PRIO_LINE@/priority $prio/" etc/demo/lb.conf.in \
	    >"$LAB_DIR/$n/had.conf"
	"$BUILD/had" -n --no-host-checks -f "$LAB_DIR/$n/had.conf" >/dev/null || exit 1
	lab_start_had "$n" "$LAB_DIR/$n/had.conf" ||
	    { echo "demo: had did not start on $n"; cat "$LAB_DIR/$n/had.log"; exit 1; }
done
lab_wait_state lb1 VI_DEMO MASTER 5
lab_wait_state lb2 VI_DEMO BACKUP 5
sleep 3	# let a round of checks run

say "hactl show procs (lb1): every child in a chroot as its own user, seccomp filter, one capability each"
lab_hactl lb1 show procs
say "hactl show vrrp (lb1, lb2)"
lab_hactl lb1 show vrrp
lab_hactl lb2 show vrrp
say "hactl show lvs (lb1)"
lab_hactl lb1 show lvs
say "hactl show checks (lb1)"
lab_hactl lb1 show checks

say "failover: the client requests http://198.18.0.100:8080/ every 50 ms; lb1's had is stopped"
lab_exec client python3 - >"$LAB_DIR/client.log" 2>&1 <<'PY' &
import time, urllib.request
ok = fail = 0
last_ok = None
gap_start = None
max_gap = 0.0
who = {}
t_end = time.time() + 6
n = 0
while time.time() < t_end and n < 400:
    n += 1
    t = time.time()
    try:
        body = urllib.request.urlopen("http://198.18.0.100:8080/",
                                      timeout=0.3).read().decode().strip()
        ok += 1
        who[body] = who.get(body, 0) + 1
        if gap_start is not None:
            max_gap = max(max_gap, t - gap_start)
            gap_start = None
    except Exception:
        fail += 1
        if gap_start is None:
            gap_start = t
    time.sleep(max(0, 0.05 - (time.time() - t)))
print("requests: %d answered, %d failed; longest gap %.0f ms; answered by %s"
      % (ok, fail, max_gap * 1000, who))
PY
CLIENT=$!
sleep 2
t0=$(now_ms)
lab_stop_had lb1 TERM
lab_wait_state lb2 VI_DEMO MASTER 5 &&
    echo "lb2 is master $(( $(now_ms) - t0 )) ms after lb1's had was told to stop"
wait "$CLIENT"
cat "$LAB_DIR/client.log"
lab_hactl lb2 show vrrp
say "done; tearing the lab down"
