#!/bin/bash
# Memory of had and its children for BENCH_VS (1000) virtual servers x
# BENCH_RS (20) real servers, no checks (no IPVS on the host: lvsd keeps
# its table all the same): VmRSS of each process after the start, after
# a reload of the same file, and after two reloads that change every
# weight.  Memory must not grow across reloads of the same size.  A
# child had does not start (nothing configured for it) shows as "-".
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
. tests/lab.sh
VS=${BENCH_VS:-1000}
RS=${BENCH_RS:-20}

lab_init
lab_node a 198.18.0.1/24
python3 - "$VS" "$RS" >"$LAB_DIR/a.conf" <<'PY'
import sys
nvs, nrs = int(sys.argv[1]), int(sys.argv[2])
for v in range(nvs):
    print("virtual_server 198.18.%d.%d 80 {\n lb_algo rr\n lb_kind DR"
          % (2 + v // 250, 1 + v % 250))
    for r in range(nrs):
        print(" real_server 198.19.%d.%d 80 {\n  weight 1\n }"
              % (r, 1 + v % 250))
    print("}")
PY
echo "bench rss: $VS virtual servers x $RS real servers, no checks"
lab_start_had a "$LAB_DIR/a.conf" || { echo "bench rss: had did not start"; exit 1; }
rss() {
	local n pid kb total=0 line=
	for n in had vrrpd lvsd checkd bfdd; do
		if [ $n = had ]; then pid=$(lab_had_pid a); else pid=$(lab_child_pid a $n); fi
		# had starts no child that the config gives nothing to do.
		if [ "$pid" = 0 ]; then
			line="$line $n -"
			continue
		fi
		kb=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null)
		total=$((total + ${kb:-0}))
		line="$line $n ${kb:-?}"
	done
	printf "  %-26s total %6d kB:%s kB\n" "$1" "$total" "$line"
}
reloaded() {	# seconds
	lab_hactl a reload >/dev/null 2>&1
	sleep "$1"
}
sleep 5
rss "after the start"
reloaded 8
rss "reload, same file"
sed -i 's/weight 1$/weight 2/' "$LAB_DIR/a.conf"
reloaded 10
rss "reload, every weight changed"
sed -i 's/weight 2$/weight 3/' "$LAB_DIR/a.conf"
reloaded 10
rss "and once more"
# A show of every real server queues 20,000 rows in lvsd and had: the
# memory goes back once they are written.
lab_hactl a show lvs >/dev/null 2>&1
sleep 2
rss "after hactl show lvs"
