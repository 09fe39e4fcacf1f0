# shellcheck shell=bash
# VRRP pairs on bad networks (issue 20), sourced after /vm/lib.sh by
# tests/vm/test_lvs_netem.sh and tests/vm/bench_netem.sh.  A pair P (a
# letter) with index N is two namespaces P1 and P2, each with
#   eth0  on the VRRP link, bridge vP, 198.18.N.1 and .2/24, VIP
#         198.18.N.100
#   eth1  on a second path, bridge pP, 198.19.N.1 and .2/24 (had's
#         unicast_path when the options are on)
# netem goes on the switch ports (the bridge's ends of the veths), so
# that the nodes see no link change, only what the switch does to their
# packets.  Each node's addresses are followed by `ip -ts monitor
# address' from the start: when the VIP came and went on each node is
# known to the microsecond, without polling (nm_dual, nm_vip_at).
#
#   nm_pair P N                 build it
#   nm_conf NODE KIND VER ADV PRIO [opts]   configuration file (KIND had
#                               or keepalived; opts: unicast_path,
#                               takeover_check, flap damping; with
#                               NM_WITNESS set, witness NM_WITNESS)
#   nm_start NODE KIND CONF     start (own process group); nm_stop NODE
#   nm_trans NODE               transitions so far (had: hactl's counter,
#                               keepalived: its notify calls)
#   nm_field NODE KEY           a member of `hactl -j show vrrp' (had)
#   nm_netem P WHAT SPEC...     netem SPEC on the VRRP link's (WHAT vrrp)
#                               or the path's (path) switch ports; no SPEC
#                               takes it off
#   nm_isolate NODE on|off      NODE cut off on both links, both ways
#   nm_vip NODE                 the VIP is on NODE's eth0
#   nm_now                      ms of the day (UTC, the monitors' clock)
#   nm_dual P T0 T1             "MS N": time with the VIP on both nodes of
#                               P between T0 and T1 (nm_now), and how
#                               many times it began
#   nm_ups P T0 T1              how many times the VIP came on P's nodes
#   nm_vip_at NODE T0           ms of the day the VIP came on NODE first
#                               after T0, or nothing
NM=/tmp/nm
NM_BUILD=${HAD_BUILD:-/opt/build}
mkdir -p "$NM" /run/had
# keepalived logs through syslog(3), on the console without /dev/log:
# a syslogd writing to a file (as had writes to its log).
if command -v syslogd >/dev/null && [ ! -e /dev/log ]; then
	syslogd -n -O "$NM/syslog.log" &
	LAB_PIDS="${LAB_PIDS:-} $!"
fi

nm_now() { local t=${EPOCHREALTIME/./}; echo $(( (t / 1000) % 86400000 )); }

nm_pair() {
	local p=$1 n=$2 i
	eval "NM_N_$p=$n"
	lab_bridge "v$p"
	lab_bridge "p$p"
	for i in 1 2; do
		lab_ns "$p$i"
		lab_attach "$p$i" eth0 "v$p" "198.18.$n.$i/24"
		eval "NM_PORT_$p$i=lv$LAB_VETH_N"
		lab_attach "$p$i" eth1 "p$p" "198.19.$n.$i/24"
		eval "NM_PPORT_$p$i=lv$LAB_VETH_N"
		mkdir -p "$NM/$p$i"
		lab_bg "mon-$p$i" "$p$i" ip -ts -o monitor address
	done
}

nm_n() { eval "echo \$NM_N_${1%?}"; }
nm_vipaddr() { echo "198.18.$(nm_n "$1").100"; }

nm_conf() {	# node kind ver adv prio [opts]
	local node=$1 kind=$2 ver=$3 adv=$4 prio=$5 opts=${6:-} n i o
	local f=$NM/$1/$2.conf extra=
	n=$(nm_n "$node")
	i=${node#"${node%?}"}
	o=$((3 - i))
	if [ "$kind" = had ] && [ -n "$opts" ]; then
		extra="unicast_path eth1 198.19.$n.$i 198.19.$n.$o
	takeover_check
	takeover_check_timeout 20
	flap_penalty 2
	flap_window 30
	flap_decay 60"
		# NM_WITNESS: "ADDR [interval MS] [timeout MS]", had's witness.
		[ -n "${NM_WITNESS:-}" ] && extra="$extra
	witness $NM_WITNESS"
	fi
	if [ "$kind" = keepalived ]; then
		cat >"$NM/$node/notify.sh" <<EOF
#!/bin/bash
# keepalived notify: \$1 INSTANCE, \$2 name, \$3 state
[ "\$1" = INSTANCE ] && echo "\$3" >>"$NM/$node/states"
exit 0
EOF
		chmod 755 "$NM/$node/notify.sh"
		extra="notify $NM/$node/notify.sh"
	fi
	cat >"$f" <<EOF
global_defs {
	router_id $node
	script_user root
	vrrp_version $ver
}
vrrp_instance VI_N {
	state BACKUP
	interface eth0
	virtual_router_id 51
	priority $prio
	advert_int $adv
	$extra
	virtual_ipaddress {
		$(nm_vipaddr "$node")/24 dev eth0
	}
}
EOF
	# had has no script_user without scripts (it warns): drop it.
	[ "$kind" = had ] && sed -i '/script_user/d' "$f"
	echo "$f"
}

nm_start() {	# node kind conf
	local node=$1
	eval "NM_KIND_$node=$2"
	case $2 in
	had)	lab_bg "had-$node" "$node" setsid had -d -i "$node" -f "$3" \
		    -X "$NM_BUILD" -s "/run/had/$node.sock" \
		    -p "/run/had/$node.pid" ;;
	keepalived)
		rm -f "/run/ka-$node.pid" "/run/kc-$node.pid" "/run/kv-$node.pid"
		lab_bg "ka-$node" "$node" setsid keepalived -n -l -D --vrrp \
		    -f "$3" -p "/run/ka-$node.pid" -c "/run/kc-$node.pid" \
		    -r "/run/kv-$node.pid" ;;
	esac
	eval "NM_PID_$node=\$!"
}
nm_pid() { eval "echo \${NM_PID_$1:-}"; }
nm_kind() { eval "echo \${NM_KIND_$1:-}"; }

# nm_stop NODE: SIGTERM to its daemon's process group, SIGKILL to what
# is left in the namespace after 5 s; no VIP left behind.
nm_stop() {
	local node=$1 pid p
	pid=$(nm_pid "$node")
	[ -n "$pid" ] && kill -TERM -- "-$pid" 2>/dev/null
	wait_until 5 "$node's daemon to stop" sh -c \
	    "for p in \$(ip netns pids $node); do
		grep -q monitor /proc/\$p/cmdline 2>/dev/null || exit 1; done"
	for p in $(ip netns pids "$node"); do
		grep -q monitor "/proc/$p/cmdline" 2>/dev/null ||
		    kill -9 "$p" 2>/dev/null
	done
	[ -n "$pid" ] && wait "$pid" 2>/dev/null
	ip -n "$node" addr del "$(nm_vipaddr "$node")/24" dev eth0 2>/dev/null
	eval "NM_PID_$node="
}

nm_json() { hactl -s "/run/had/$1.sock" -j show vrrp 2>/dev/null; }
nm_field() {
	nm_json "$1" | grep -o "\"$2\": *[^,}]*" | head -n 1 |
	    sed 's/^[^:]*: *//; s/"//g'
}
nm_trans() {
	if [ "$(nm_kind "$1")" = keepalived ]; then
		grep -c . "$NM/$1/states" 2>/dev/null || echo 0
	else
		nm_field "$1" transitions
	fi
}
# nm_state NODE: MASTER, BACKUP, ... (keepalived: its last notify)
nm_state() {
	if [ "$(nm_kind "$1")" = keepalived ]; then
		tail -n 1 "$NM/$1/states" 2>/dev/null
	else
		nm_field "$1" state
	fi
}

nm_vip() { ip -n "$1" -4 -o addr show dev eth0 2>/dev/null |
    grep -q " $(nm_vipaddr "$1")/"; }
# nm_one P M: the VIP on P's node M and not on the other one.
nm_one() { nm_vip "$1$2" && ! nm_vip "$1$((3 - $2))"; }

nm_netem() {	# pair vrrp|path [spec...]
	local p=$1 w=$2 i port
	shift 2
	for i in 1 2; do
		if [ "$w" = vrrp ]; then port=$(eval "echo \$NM_PORT_$p$i")
		else port=$(eval "echo \$NM_PPORT_$p$i"); fi
		if [ $# -eq 0 ]; then
			tc qdisc del dev "$port" root 2>/dev/null
		else
			tc qdisc replace dev "$port" root netem "$@" ||
			    echo "nm: tc qdisc netem $* on $port failed"
		fi
	done
}

# nm_isolate NODE on|off: NODE cut off on both of its links, both ways
# (netem loss 100% on its switch ports and on its own interfaces); it
# sees no link change.
nm_isolate() {
	local n=$1 port i
	for port in $(eval "echo \$NM_PORT_$n \$NM_PPORT_$n"); do
		if [ "$2" = on ]; then
			tc qdisc replace dev "$port" root netem loss 100%
		else
			tc qdisc del dev "$port" root 2>/dev/null
		fi
	done
	for i in eth0 eth1; do
		if [ "$2" = on ]; then
			ip netns exec "$n" tc qdisc replace dev "$i" root netem loss 100%
		else
			ip netns exec "$n" tc qdisc del dev "$i" root 2>/dev/null
		fi
	done
}

# The VIP's comings (+) and goings (-) on a node from its monitor:
# "MS NODE +|-" lines (MS of the day).
nm_events() {
	awk -v vip="inet $(nm_vipaddr "$1")/" -v node="$1" '
	index($0, vip) {
		split(substr($1, 13, 15), a, ":")
		t = int(a[1] * 3600000 + a[2] * 60000 + a[3] * 1000)
		print t, node, ($2 == "Deleted" ? "-" : "+")
	}' "/tmp/lab-mon-$1.log"
}

nm_dual() {	# pair t0 t1
	{ nm_events "${1}1"; nm_events "${1}2"; } | sort -n -s -k1,1 |
	    awk -v t0="$2" -v t1="$3" -v n1="${1}1" '
	function upto(t,  a, b) {
		a = prev > t0 ? prev : t0
		b = t < t1 ? t : t1
		if (on[1] && on[2] && b > a)
			dual += b - a
	}
	BEGIN { prev = 0; on[1] = on[2] = 0 }
	{
		upto($1)
		i = $2 == n1 ? 1 : 2
		was = on[1] && on[2]
		on[i] = $3 == "+"
		if (!was && on[1] && on[2] && $1 >= t0 && $1 <= t1)
			n++
		prev = $1
	}
	END { upto(t1); print int(dual), n + 0 }'
}

# nm_ups P T0 T1: how many times the VIP came on either node of P.
nm_ups() {
	{ nm_events "${1}1"; nm_events "${1}2"; } |
	    awk -v t0="$2" -v t1="$3" '$1 >= t0 && $1 <= t1 && $3 == "+" { n++ }
	    END { print n + 0 }'
}

nm_vip_at() {	# node t0
	nm_events "$1" | awk -v t0="$2" '$1 >= t0 && $3 == "+" { print $1; exit }'
}
