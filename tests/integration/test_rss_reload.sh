#!/bin/bash
# Memory across reloads (issue 19): had started with one virtual server,
# reloaded to 300 virtual servers x 20 real servers (400 of them with a
# TCP_CHECK, one with notify commands), then with the same file three
# times and with every weight changed twice.  Asserts, with the figures
# printed:
#   - every reload is done and the last weights are in lvsd's table
#   - VmRSS of had and of each child after the last reload is within 10%
#     + 2 MB of what it was after the first big one (no growth across
#     reloads of the same size)
#   - had and lvsd give back the memory of a hactl show lvs of them all
#   - a real server costs lvsd under 512 bytes of heap and had under 1 KB
#     (RssAnon with 6000 against with 20): its notify commands are had's
#     alone, and only where set (1.1 KB each in both before)
# The last two not under ASan, whose quarantine and shadow are the
# figures there.  No IPVS needed: lvsd keeps its table all the same.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
. tests/lab.sh
need_root
SAN=
if [ "$(basename "$BUILD")" = build-san ]; then
	export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
	SAN=1
fi
RS=20

lab_init
lab_node a 198.18.0.1/24
mkconf() {	# virtual-servers weight
	python3 - "$1" "$RS" "$2" <<'PY'
import sys
nvs, nrs, w = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
for v in range(nvs):
    print("virtual_server 198.18.%d.%d 80 {\n lb_algo rr\n lb_kind DR"
          % (2 + v // 250, 1 + v % 250))
    for r in range(nrs):
        print(" real_server 198.19.%d.%d 80 {\n  weight %s"
              % (r, 1 + v % 250, w))
        if v == 0 and r == 0:
            print("  notify_up /bin/true\n  notify_down /bin/true")
        if v < 20:
            print("  TCP_CHECK {\n   connect_ip 198.18.0.1\n"
                  "   connect_port 9\n   connect_timeout 1\n"
                  "   delay_loop 5\n  }")
        print(" }")
    print("}")
PY
}
VS=300
mkconf 1 1 >"$LAB_DIR/a.conf"
if ! lab_start_had a "$LAB_DIR/a.conf"; then
	fail "had starts"
	tail -5 "$LAB_DIR/a/had.log"
	lab_end_checks a
	summary
	exit 1
fi

# No vrrp_instance and no bfd_instance: vrrpd and bfdd are not started.
PROCS="had lvsd checkd"
check "vrrpd and bfdd not started" [ "$(lab_child_pid a vrrpd)" = 0 -a \
    "$(lab_child_pid a bfdd)" = 0 ]
declare -A PID FIRST LAST SMALL BIG SHOWN
for n in $PROCS; do
	if [ $n = had ]; then
		PID[$n]=$(lab_had_pid a)
	else
		PID[$n]=$(lab_child_pid a $n 2>/dev/null)
	fi
done
field() {	# process field: kB from /proc/PID/status
	awk -v f="$2:" '$1 == f {print $2}' "/proc/${PID[$1]}/status" \
	    2>/dev/null
}
show() {	# label
	local n line=
	for n in $PROCS; do line="$line $n $(field $n VmRSS)"; done
	echo "  $1 (VmRSS kB):$line"
}
ok=1
reload() {
	local out
	out=$(lab_hactl a reload 2>&1)
	case $out in
	*"reload done"*) ;;
	*) ok=0; echo "  reload: $out" | head -5 ;;
	esac
}

t0=$(now_ms)
show "with $RS real servers"
for n in had lvsd; do SMALL[$n]=$(field $n RssAnon); done
mkconf $VS 1 >"$LAB_DIR/a.conf"
reload
show "reloaded with $((VS * RS))"
for n in $PROCS; do FIRST[$n]=$(field $n VmRSS); done
for n in had lvsd; do BIG[$n]=$(field $n RssAnon); done
reload
reload
reload
mkconf $VS 2 >"$LAB_DIR/a.conf"
reload
mkconf $VS 3 >"$LAB_DIR/a.conf"
reload
show "after five more reloads"
for n in $PROCS; do LAST[$n]=$(field $n VmRSS); done
echo "  six reloads in $(( $(now_ms) - t0 )) ms"
check "six reloads are done" [ "$ok" = 1 ]
# After the figures: lvsd's answer takes memory of its own.
lab_hactl a show lvs -j >"$LAB_DIR/lvs.json" 2>/dev/null
w=$(json_get "$LAB_DIR/lvs.json" \
    "sorted(set(r['weight'] for v in d for r in v.get('reals', [])))" \
    2>/dev/null)
echo "  lvsd's weights after the last reload: $w"
check "lvsd has the last weights" [ "$w" = "[3]" ]
sleep 1
show "after hactl show lvs"
for n in had lvsd; do SHOWN[$n]=$(field $n VmRSS); done

if [ -n "$SAN" ]; then
	skip "RSS figures under ASan are its quarantine and shadow"
else
	grew=
	for n in $PROCS; do
		a=${FIRST[$n]:-0}
		b=${LAST[$n]:-}
		if [ -z "$b" ] || [ "$b" -gt $((a + a / 10 + 2048)) ]; then
			grew="$grew $n ${a}->${b:-?}"
		fi
	done
	check "no process grows across reloads of the same size (kB:${grew:- none})" \
	    [ -z "$grew" ]
	# The rows of a show are queued in lvsd and had, then given back.
	for n in had lvsd; do
		check "$n gives back what a show of $((VS * RS)) rows took (kB: ${LAST[$n]} -> ${SHOWN[$n]})" \
		    [ "${SHOWN[$n]:-0}" -le $((${LAST[$n]:-0} + 1024)) ]
	done
	# had also keeps each child's encoded part (conf_blob).
	for n in had:1024 lvsd:512; do
		lim=${n#*:}
		n=${n%:*}
		b=$(( (${BIG[$n]:-0} - ${SMALL[$n]:-0}) * 1024 / (VS * RS - RS) ))
		echo "  $n: RssAnon ${SMALL[$n]} kB with $RS real servers," \
		    "${BIG[$n]} kB with $((VS * RS)): $b bytes a real server"
		check "$n: a real server costs under $lim bytes of heap ($b)" \
		    [ "$b" -lt "$lim" ]
	done
fi
lab_end_checks a
summary
