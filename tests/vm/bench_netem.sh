#!/bin/bash
# Guest side of tests/bench/bench_vrrp_netem_vm.sh (issue 20): three
# VRRP pairs side by side (tests/vm/pair/netem.sh), priorities 150/100,
# the same configuration: h, had with the options (unicast_path over a
# second link, takeover_check, flap damping), d, had with its defaults,
# k, keepalived.  For each scenario the three pairs are started afresh
# (the 150 first, so that no start-up race counts), netem goes on the
# switch ports of their VRRP links for NB_SECS, and each pair's
# transitions (had: hactl's counter, keepalived: its notify calls) and
# the time with the VIP on both nodes (ip monitor) are printed:
#   NETEM scen=S adv=A secs=N impl=I trans=T dual_ms=M dual_n=K vip_up=U
# (vip_up: how many times the VIP came on a node, from the monitors).
# Then real failures: NB_FAIL_RUNS times for each advert_int in
# NB_FAIL_ADV, the master's daemon SIGKILLed (its process group) with
# its interfaces deleted (power off), had with the options and
# keepalived:
#   TAKEOVER impl=I adv=A run=R mdi=MS ms=MS
# (ms: from the failure to the VIP on the backup, from its monitor).
# Env: NB_SECS (45), NB_SCENARIOS (loss10 loss30 burst jitter01 jitter1
# cut), NB_FAIL_RUNS (3), NB_FAIL_ADV ("0.1 1").
set -u
. /vm/lib.sh
. /opt/pair/netem.sh

SECS=${NB_SECS:-45}
SCENS=${NB_SCENARIOS:-loss10 loss30 burst jitter01 jitter1 cut}
FRUNS=${NB_FAIL_RUNS:-3}
FADV=${NB_FAIL_ADV:-0.1 1}
say() { echo "bench-netem: $*"; }

# Scenario: advert_int and netem.  Gilbert-Elliott: 2% good -> bad, 25%
# bad -> good, 90% lost in the bad state (bursts of 4 on average, 6.7%
# lost in all); the jitter also loses 15% (as measured in issue 20).
scen() {
	case $1 in
	loss10)	echo "0.1 loss 10%" ;;
	loss30)	echo "0.1 loss 30%" ;;
	burst)	echo "0.1 loss gemodel 2% 25% 90% 0%" ;;
	jitter01) echo "0.1 delay 60ms 50ms loss 15%" ;;
	jitter1) echo "1 delay 60ms 50ms loss 15%" ;;
	cut)	echo "0.1 loss 100%" ;;
	*)	return 1 ;;
	esac
}
ver_of() { if [ "$1" = 1 ]; then echo 2; else echo 3; fi; }

KA=keepalived
command -v keepalived >/dev/null || { KA=; say "keepalived is not in the guest: had alone"; }
PAIRS="h d${KA:+ k}"
kind_of() { if [ "$1" = k ]; then echo keepalived; else echo had; fi; }
opts_of() { if [ "$1" = h ]; then echo opts; fi; }
impl_of() { case $1 in h) echo had-options ;; d) echo had-defaults ;;
	k) echo keepalived ;; esac; }

nm_pair h 1
nm_pair d 2
[ -n "$KA" ] && nm_pair k 3

# up P ADV: the pair started, the 150 first; 1 if it did not settle.
up() {
	local p=$1 adv=$2 k v
	k=$(kind_of "$p")
	v=$(ver_of "$adv")
	rm -f "$NM/${p}1/states" "$NM/${p}2/states"
	nm_start "${p}1" "$k" "$(nm_conf "${p}1" "$k" "$v" "$adv" 150 "$(opts_of "$p")")"
	wait_until 15 "${p}1 master" nm_vip "${p}1" || return 1
	nm_start "${p}2" "$k" "$(nm_conf "${p}2" "$k" "$v" "$adv" 100 "$(opts_of "$p")")"
	wait_until 10 "${p}2 backup" p2_backup "$p"
}
p2_backup() { [ "$(nm_state "${1}2")" = BACKUP ]; }
down() { nm_stop "${1}1"; nm_stop "${1}2"; }

say "$(nproc) vCPUs, $(uname -r), $(keepalived --version 2>&1 | head -n 1)"
for sc in $SCENS; do
	if ! spec=$(scen "$sc"); then
		say "unknown scenario $sc"
		continue
	fi
	# shellcheck disable=SC2086
	set -- $spec
	adv=$1
	shift
	ok=
	for p in $PAIRS; do
		# Started one after the other: they do not race for the CPU.
		up "$p" "$adv" && ok="$ok $p" ||
		    echo "NETEM scen=$sc adv=$adv impl=$(impl_of "$p") ready=no"
	done
	sleep 1
	declare -A T0
	for p in $ok; do
		T0[$p]=$(( $(nm_trans "${p}1") + $(nm_trans "${p}2") ))
		nm_netem "$p" vrrp "$@"
	done
	say "$sc: netem $* on the VRRP link, advert_int $adv, $SECS s"
	t0=$(nm_now)
	sleep "$SECS"
	t1=$(nm_now)
	for p in $ok; do
		t=$(( $(nm_trans "${p}1") + $(nm_trans "${p}2") - T0[$p] ))
		nm_netem "$p" vrrp
		read -r dms dn <<<"$(nm_dual "$p" "$t0" "$t1")"
		echo "NETEM scen=$sc adv=$adv secs=$(( (t1 - t0) / 1000 )) impl=$(impl_of "$p") trans=$t dual_ms=$dms dual_n=$dn vip_up=$(nm_ups "$p" "$t0" "$t1")"
	done
	for p in $PAIRS; do down "$p"; done
done

# Real failures: power off (SIGKILL to the process group, interfaces
# deleted) of the master, the pair rebuilt for each run.
rebuild() {	# pair n
	local i q
	for i in 1 2; do
		# Its monitor first: the new one writes the same log.
		for q in $(ip netns pids "$1$i"); do kill -9 "$q" 2>/dev/null; done
		ip netns del "$1$i" 2>/dev/null
		LAB_NS=$(echo " $LAB_NS " | sed "s/ $1$i / /")
	done
	ip link del "v$1" 2>/dev/null
	ip link del "p$1" 2>/dev/null
	nm_pair "$1" "$2"
}
for adv in $FADV; do
	for r in $(seq "$FRUNS"); do
		for p in h${KA:+ k}; do
			if ! up "$p" "$adv"; then
				echo "TAKEOVER impl=$(impl_of "$p") adv=$adv run=$r ready=no"
				down "$p"
				continue
			fi
			sleep 0.5
			mdi=$(awk -v a="$adv" 'BEGIN { printf "%d", (3 + 156 / 256) * a * 1000 }')
			pid=$(nm_pid "${p}1")
			t0=$(nm_now)
			kill -KILL -- "-$pid"
			ip -n "${p}1" -batch - <<EOF
link del eth0
link del eth1
EOF
			wait_until 15 "the VIP on ${p}2" nm_vip "${p}2"
			t=$(nm_vip_at "${p}2" "$t0")
			echo "TAKEOVER impl=$(impl_of "$p") adv=$adv run=$r mdi=$mdi ms=$(( ${t:-$((t0 - 1))} - t0 ))"
			down "$p"
			[ "$p" = h ] && n=1 || n=3
			rebuild "$p" "$n"
		done
	done
done
lab_cleanup
say "done"
