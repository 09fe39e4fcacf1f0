#!/bin/bash
# The demo, in the VM (scripts/demo.sh boots it when the host kernel has
# no IPVS):
#   tests/vm/run.sh tests/vm/demo.sh build etc/demo tests/vm/pair
#
# Two LVS directors running had with etc/demo/lvs-director.conf (lb1 the
# VRRP master, lb2 the backup), three busybox httpd web servers behind a
# direct-routing virtual server with HTTP_GET checks, and a client, each
# in its own network namespace on one bridge:
#
#   client 198.18.0.50 --+-- lb1 198.18.0.1   VIP 198.18.0.100 (VRRP)
#                        +-- lb2 198.18.0.2
#                        +-- web1..web3 198.18.0.11-13 (VIP on lo)
#
# Prints the process tree, VRRP, IPVS as the kernel has it, the checks; a
# web server going down and coming back; then stops lb1's had while the
# client sends a request every 50 ms, and prints how many failed and how
# long the gap was: lb1 hands over (priority 0, its VIP kept until lb2 is
# Master) and IPVS connection sync (lvs_sync_daemon) has told lb2 of the
# connections lb1 forwards.  Everything is torn down at the end.
# The lab and the client are tests/vm/pair's (shared with failover.sh).
set -u
. /vm/lib.sh

BUILD=${HAD_BUILD:-/opt/build}
CONF=${DEMO_CONF:-/opt/demo/lvs-director.conf}
export PATH="$BUILD:$PATH"

say() { printf '\n== %s\n' "$*"; }
die() { printf 'demo: %s\n' "$*"; exit 1; }
hactl_on() { n=$1; shift; hactl -s "/run/had/$n.sock" "$@"; }
now_ms() { t=${EPOCHREALTIME/./}; echo $((t / 1000)); }

[ -x "$BUILD/had" ] || die "no had in $BUILD"
[ -r "$CONF" ] || die "no $CONF"
modprobe ip_vs 2>/dev/null
[ -e /proc/net/ip_vs ] || die "this kernel has no IPVS"

# --- the lab -------------------------------------------------------------
. "${PAIR_DIR:-/opt/pair}/lab.sh"
pair_lab || die "a web server's httpd is not listening"

mkdir -p /run/had
for n in lb1 lb2; do
	had -n -i "$n" -f "$CONF" >/dev/null || die "had -n rejects $CONF"
	lab_bg "had-$n" "$n" had -d -i "$n" -f "$CONF" -X "$BUILD" \
	    -s "/run/had/$n.sock" -p "/run/had/$n.pid"
	case $n in lb1) HAD_lb1=$! ;; lb2) HAD_lb2=$! ;; esac
done

state_is() { hactl_on "$1" show vrrp -j 2>/dev/null | grep -q "\"state\": \"$2\""; }
kernel_rs() { in_ns "$1" ipvsadm -Ln -t "$VIP:80" 2>/dev/null | grep -c -- '-> 198.18.0.1'; }
all_up() {
	for n in lb1 lb2; do
		[ "$(kernel_rs "$n")" = 3 ] || return 1
		[ "$(hactl_on "$n" show checks -j 2>/dev/null |
		    grep -c '"state": "up"')" = 3 ] || return 1
	done
}
wait_until 20 "lb1 to become VRRP master" state_is lb1 MASTER ||
    { cat /tmp/lab-had-lb1.log; die "lb1 did not become master"; }
wait_until 10 "lb2 to be backup" state_is lb2 BACKUP || die "lb2 is not backup"
wait_until 20 "three real servers up and in IPVS on both directors" all_up ||
    { hactl_on lb1 show lvs; hactl_on lb1 show checks; die "checks not up"; }

echo
echo "Two directors (lb1, lb2) run had with $(basename "$CONF"),"
echo "three web servers (web1-3) sit behind the virtual server"
echo "$VIP:80 (IPVS, direct routing), a client sends requests to it."

say "hactl show procs (lb1): each child chrooted as its own user, seccomp-filtered, with one capability at most"
hactl_on lb1 show procs

# A few requests, so the counters have something to show.
who=""
for _ in $(seq 1 30); do
	who="$who $(http_get client "http://$VIP/" 3 2>/dev/null || echo failed)"
done
say "30 requests from the client to http://$VIP/ (round robin):"
for w in web1 web2 web3 failed; do
	c=$(echo "$who" | tr ' ' '\n' | grep -c "^$w\$")
	[ "$w" = failed ] && [ "$c" = 0 ] && continue
	printf '   %-7s %s\n' "$w" "$c"
done

say "hactl show vrrp (lb1, then lb2)"
hactl_on lb1 show vrrp
hactl_on lb2 show vrrp
say "hactl show lvs (lb1): the kernel's IPVS table, weights and counters"
hactl_on lb1 show lvs
say "hactl show checks (lb1)"
hactl_on lb1 show checks

# --- a health check at work ------------------------------------------------
say "web3's httpd stops: its HTTP_GET fails and lvsd takes it out of IPVS"
t0=$(now_ms)
kill "$WEB_3"
web3_out() { ! in_ns lb1 ipvsadm -Ln -t "$VIP:80" | grep -q -- '-> 198.18.0.13:'; }
if wait_until 15 "web3 out of IPVS" web3_out; then
	echo "   out of lb1's IPVS table $(( $(now_ms) - t0 )) ms later"
fi
hactl_on lb1 show checks | grep -E 'REAL SERVER|198.18.0.13'
start_web 3
t0=$(now_ms)
web3_in() { in_ns lb1 ipvsadm -Ln -t "$VIP:80" | grep -q -- '-> 198.18.0.13:'; }
if wait_until 15 "web3 back in IPVS" web3_in; then
	echo "   web3's httpd restarted: back in IPVS $(( $(now_ms) - t0 )) ms later"
fi

# --- failover -----------------------------------------------------------------
say "failover: the client requests http://$VIP/ every 50 ms; lb1's had is stopped"
# The client (tests/vm/pair/client.sh): a request every 50 ms (busybox
# wget, 1 s timeout), at most 400 of them and 40 s.
pair_client 50 400 40000
sleep 2
echo "   lb2 knows $(in_ns lb2 ipvsadm -Lnc | grep -c ' 198.18.0.50:')" \
    "connections of the client through lb1 (IPVS connection sync)"
t0=$(now_ms)
echo "   stopping lb1's had (SIGTERM)"
kill "$HAD_lb1"
if wait_until 10 "lb2 to become master" state_is lb2 MASTER; then
	echo "   lb2 is master $(( $(now_ms) - t0 )) ms later"
else
	echo "   lb2 did not become master"
fi
wait_until 10 "lb1's had to exit" sh -c "! kill -0 $HAD_lb1"
sleep 3
if pair_client_end; then
	echo "   $C_SENT requests in $((C_MS / 1000)).$((C_MS % 1000 / 100)) s: $C_OK answered, $C_FAILED failed"
	echo "   longest time without an answer: $C_GAP ms"
	grep 'failed after' /tmp/lab-client.log | head -5 | sed 's/^/   /'
	if [ "$C_FAILED" -gt 0 ]; then
		echo "   (a SYN that reached neither director is sent again after 1 s,"
		echo "   and lb2 resets a connection lb1's sync daemon had not told it of)"
	fi
	echo "   answered by: $C_BY"
else
	echo "   the client gave no result:"
	cat /tmp/lab-client.log
fi

say "hactl show vrrp (lb2): now the master"
hactl_on lb2 show vrrp
say "hactl show lvs (lb2): the requests since the failover"
hactl_on lb2 show lvs

say "done; tearing the lab down"
kill "$HAD_lb2" 2>/dev/null
wait_until 10 "lb2's had to exit" sh -c "! kill -0 $HAD_lb2"
lab_cleanup
echo "demo: ok"
