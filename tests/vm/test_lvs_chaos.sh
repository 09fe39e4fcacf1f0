#!/bin/bash
# tests/vm: chaos on a director with real IPVS.  One had (the guest's root
# namespace is the director) with a VRRP instance holding the VIP and a NAT
# virtual server (wrr 2:3, HTTP_GET and TCP_CHECK, delay_loop 1) to two
# busybox httpd real servers; a client sends a request every ~50 ms while
# about 50 random kill -9 hit vrrpd, lvsd and checkd, ~200 ms apart.
#
#   cl 198.18.0.2 --brc-- director 198.18.0.1, VIP 198.18.0.100 (VRRP)
#                         198.18.1.1 --brs-- rs1 198.18.1.11 (weight 2)
#                                            rs2 198.18.1.12 (weight 3)
#
# Checks: the IPVS table (ipvsadm -Ln, sampled every ~100 ms) never loses
# an entry nor changes a weight; the VIP never leaves the director; no
# client request fails; lvsd writes nothing to the kernel during the
# chaos; had's restart counters match the kills, per child.
set -u
. /vm/lib.sh

KILLS=${CHAOS_KILLS:-50}
VIP=198.18.0.100
BUILD=${HAD_BUILD:-/opt/build}
CONF=/tmp/had.conf
LOG=/tmp/lab-had.log
SOCK=/run/had/had.sock
STOP=/tmp/chaos-stop
export PATH="$BUILD:$PATH"

check "had is in $BUILD" test -x "$BUILD/had"
modprobe ip_vs 2>/dev/null

lab_bridge brc 198.18.0.1/24
lab_bridge brs 198.18.1.1/24
lab_ns cl
lab_attach cl eth0 brc 198.18.0.2/24
for i in 1 2; do
	lab_ns "rs$i"
	lab_attach "rs$i" eth0 brs "198.18.1.1$i/24"
	lab_route "rs$i" default 198.18.1.1
	mkdir -p "/tmp/www-rs$i"
	echo "served-by rs$i" > "/tmp/www-rs$i/index.html"
	lab_bg "httpd-rs$i" "rs$i" httpd -f -p "198.18.1.1$i:80" -h "/tmp/www-rs$i"
done
for i in 1 2; do
	wait_tcp - "198.18.1.1$i" 80 10 || fail "rs$i httpd" "not listening"
done

cat > "$CONF" <<EOF
global_defs {
	router_id vm-chaos
}
vrrp_instance VI_CHAOS {
	state MASTER
	interface brc
	virtual_router_id 60
	priority 150
	advert_int 1
	virtual_ipaddress {
		$VIP/32
	}
}
# Checks that one slow round does not fail: in CI the guest runs beside
# the plain build's integration tests, and a 1 s connect under that load
# took a real server down once, a weight change this test is not about.
virtual_server $VIP 80 {
	delay_loop 1
	lb_algo wrr
	lb_kind NAT
	protocol TCP
	real_server 198.18.1.11 80 {
		weight 2
		HTTP_GET {
			url {
				path /
				status_code 200
			}
			connect_timeout 3
			retry 0
			fall 2
		}
	}
	real_server 198.18.1.12 80 {
		weight 3
		TCP_CHECK {
			connect_timeout 3
			retry 0
			fall 2
		}
	}
}
EOF

mkdir -p /run/had
lab_bg had - had -d -f "$CONF" -X "$BUILD" -p /run/had/had.pid -s "$SOCK"
HAD_PID=$!

# The table as it matters: services and real servers with method and weight.
# Into $TABLE, parsed in the shell (the sampler runs it every ~100 ms and
# forks are slow under TCG).
table() {
	local out p a m w _
	TABLE=""
	out=$(ipvsadm -Ln 2>/dev/null) || return 1
	while read -r p a m w _; do
		case $p:$a in
		TCP:*|UDP:*|FWM:*) TABLE="$TABLE${TABLE:+
}$p $a $m" ;;
		"->:"[0-9]*) TABLE="$TABLE${TABLE:+
}$p $a $m $w" ;;
		esac
	done <<<"$out"
}
want_table="TCP $VIP:80 wrr
-> 198.18.1.11:80 Masq 2
-> 198.18.1.12:80 Masq 3"
table_ok() { table && [ "$TABLE" = "$want_table" ]; }
has_vip() { ip -o addr show dev brc | grep -q " $VIP/32"; }
checks_up() { [ "$(hactl -s "$SOCK" show checks -j 2>/dev/null | grep -c '"state": "up"')" = 2 ]; }
# Writes lvsd logged (one line per netlink write).
writes() { grep -cE "$VIP:80: (added|changed|removed) " "$LOG" 2>/dev/null || true; }
# NAME RESTARTS for each child, from hactl show procs -j.
restarts() {
	hactl -s "$SOCK" show procs -j 2>/dev/null |
	    sed -n 's/.*"name": "\([a-z]*\)".*"restarts": \([0-9]*\).*/\1 \2/p'
}
restarts_of() { restarts | awk -v n="$1" '$1 == n { print $2 }'; }
all_running() { [ "$(hactl -s "$SOCK" show procs -j 2>/dev/null | grep -c '"running": true')" = 5 ]; }

wait_until 30 "the VIP on brc (VRRP master)" has_vip || cat "$LOG"
wait_until 30 "the IPVS table" table_ok || { ipvsadm -Ln; cat "$LOG"; }
wait_until 20 "both checks up" checks_up || hactl -s "$SOCK" show checks
check "start: VIP on the director" has_vip
check "start: IPVS table as configured" table_ok
check "start: both checks up" checks_up
check "start: a request through the VIP" sh -c "http_get() { ip netns exec cl timeout 3 wget -q -O - http://$VIP/; }; http_get | grep -q served-by"
ipvsadm -Ln
sleep 2		# a round or two of checks
w0=$(writes)
r0=$(restarts | sort)

# --- the client: a request every ~50 ms until $STOP (at most 3000, 120 s)
cat > /tmp/chaos-client.sh <<'EOF'
vip=$1 stop=$2
ms() { MS=${EPOCHREALTIME/./}; MS=$((MS / 1000)); }
# nap SECS: sleep without a fork (a read that times out on a fifo).
mkfifo "/tmp/nap.$$" && exec 9<>"/tmp/nap.$$" && rm -f "/tmp/nap.$$"
nap() { read -r -t "$1" -u 9 _; }
ms; start=$MS
n=0 bad=0
while [ "$n" -lt 3000 ] && [ $((MS - start)) -lt 120000 ] &&
    [ ! -e "$stop" ]; do
	n=$((n + 1))
	ms; t=$MS
	body=$(timeout 3 wget -q -O - "http://$vip/" 2>&1)
	case $body in
	served-by*) ;;
	*) bad=$((bad + 1)); echo "FAILED request $n at $t: $body" ;;
	esac
	ms; d=$((50 - (MS - t)))
	[ "$d" -gt 0 ] && { printf -v d '0.%03d' "$d"; nap "$d"; }
	ms
done
echo "RESULT requests $n failed $bad"
EOF
# --- the sampler: the IPVS table (the same table()) every ~100 ms, the
# VIP every ~200 ms
{ declare -f table; cat <<'EOF'
want=$1 vip=$2 stop=$3
ms() { MS=${EPOCHREALTIME/./}; MS=$((MS / 1000)); }
# nap SECS: sleep without a fork (a read that times out on a fifo).
mkfifo "/tmp/nap.$$" && exec 9<>"/tmp/nap.$$" && rm -f "/tmp/nap.$$"
nap() { read -r -t "$1" -u 9 _; }
ms; start=$MS
n=0 badt=0 novip=0
while [ "$n" -lt 2000 ] && [ $((MS - start)) -lt 120000 ] &&
    [ ! -e "$stop" ]; do
	n=$((n + 1))
	ms; t=$MS
	table
	if [ "$TABLE" != "$want" ]; then
		badt=$((badt + 1))
		[ "$badt" -le 5 ] && { echo "TABLE at $t:"; echo "$TABLE" | sed 's/^/  /'; }
	fi
	# The VIP every other sample: the table comes first.
	if [ $((n % 2)) = 1 ]; then
		a=$(ip -o addr show dev brc 2>&1)
		if [[ $a != *" $vip/32 "* ]]; then
			novip=$((novip + 1))
			[ "$novip" -le 5 ] && echo "NO VIP at $t"
		fi
	fi
	ms; d=$((100 - (MS - t)))
	[ "$d" -gt 0 ] && { printf -v d '0.%03d' "$d"; nap "$d"; }
	ms
done
echo "RESULT samples $n table_changed $badt vip_missing $novip interval_ms $(( (MS - start) / (n > 0 ? n : 1) ))"
EOF
} > /tmp/chaos-sampler.sh
rm -f "$STOP"
lab_bg client cl bash /tmp/chaos-client.sh "$VIP" "$STOP"
CLIENT=$!
lab_bg sampler - bash /tmp/chaos-sampler.sh "$want_table" "$VIP" "$STOP"
SAMPLER=$!
# Ahead of the client's forks, to keep its ~100 ms.
renice -10 -p "$SAMPLER" >/dev/null 2>&1 || true
sleep 1

# --- the kills: a random live child of had, ~200 ms apart; at most
# $KILLS and 60 s.
# child_pid NAME: the pid of NAME if it is had's child and not a zombie.
child_pid() {
	for p in $(pidof "$1"); do
		st="" pp=""
		while read -r k v _; do
			case $k in State:) st=$v ;; PPid:) pp=$v ;; esac
		done < "/proc/$p/status" 2>/dev/null
		if [ "$pp" = "$HAD_PID" ] && [ -n "$st" ] && [ "$st" != Z ]; then
			echo "$p"
			return 0
		fi
	done
	return 1
}
names=(vrrpd lvsd checkd)
declare -A killed=([vrrpd]=0 [lvsd]=0 [checkd]=0)
nk=0 waits=0
t_start=$(_lab_now_cs)
while [ "$nk" -lt "$KILLS" ] && [ $(( $(_lab_now_cs) - t_start )) -lt 6000 ]; do
	name=${names[$((RANDOM % 3))]}
	if ! pid=$(child_pid "$name"); then
		waits=$((waits + 1))
		sleep 0.05
		continue
	fi
	kill -9 "$pid" 2>/dev/null || continue
	nk=$((nk + 1))
	killed[$name]=$(( ${killed[$name]} + 1 ))
	sleep "0.$((150 + RANDOM % 100))"
done
t_kills=$(( $(_lab_now_cs) - t_start ))
echo "kills $nk in $((t_kills / 100)).$((t_kills % 100 / 10)) s: vrrpd ${killed[vrrpd]} lvsd ${killed[lvsd]} checkd ${killed[checkd]} (waits for a live child: $waits)"

# Let the last respawns come up and a check round or two run, then stop
# the client and the sampler.
wait_until 20 "every child running again" all_running
sleep 3
touch "$STOP"
wait_until 15 "the client to finish" sh -c "! kill -0 $CLIENT"
wait_until 15 "the sampler to finish" sh -c "! kill -0 $SAMPLER"
cres=$(grep '^RESULT' /tmp/lab-client.log)
sres=$(grep '^RESULT' /tmp/lab-sampler.log)
echo "client:  ${cres#RESULT }"
echo "sampler: ${sres#RESULT }"
grep -vE '^RESULT' /tmp/lab-client.log /tmp/lab-sampler.log | head -20

assert_ge "about $KILLS kills performed" "$nk" $((KILLS * 9 / 10))
read -r _ _ samples _ tchanged _ vmissing _ interval _ <<<"$sres"
read -r _ _ nreq _ nfail _ <<<"$cres"
assert_ge "sampler ran (samples, every ${interval:-?} ms on average)" "${samples:-0}" 50
assert_eq "IPVS table never lost an entry or changed a weight (samples that differed)" 0 "${tchanged:-x}"
assert_eq "VIP never left the director (samples without it)" 0 "${vmissing:-x}"
assert_ge "client ran (requests)" "${nreq:-0}" 50
assert_eq "no client request failed" 0 "${nfail:-x}"
check "IPVS table as configured at the end" table_ok
check "both checks up at the end" checks_up
assert_eq "lvsd wrote nothing to the kernel during the chaos" "$w0" "$(writes)"

echo "restart counters before: $(echo $r0)"
echo "restart counters after:  $(restarts | sort | tr '\n' ' ')"
for n in vrrpd lvsd checkd; do
	before=$(echo "$r0" | awk -v n="$n" '$1 == n { print $2 }')
	after=$(restarts_of "$n")
	assert_eq "$n: restarts counted = kills (${killed[$n]})" \
	    "${killed[$n]}" $(( ${after:-0} - ${before:-0} ))
done
check "had alive" kill -0 "$HAD_PID"
check "no netlink errors logged" sh -c "! grep -q 'failed: ' $LOG"
acc=$(grep -c 'sent it invalid messages' "$LOG")
assert_eq "no sibling blamed for garbage after a plain kill -9" 0 "$acc"
hactl -s "$SOCK" show procs
hactl -s "$SOCK" show lvs

kill "$HAD_PID" 2>/dev/null
echo "--- had log (last 30 lines)"
tail -30 "$LOG"
finish
