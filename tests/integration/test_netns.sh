#!/bin/bash
# net_namespace (global_defs): had, started in the test's own namespace,
# runs the whole instance in /run/netns/NAME: had and every child are in
# it (their /proc/PID/ns/net), the VRRP instance on the namespace's eth0
# becomes MASTER and its VIP is there and not here.  A reload that
# changes the name is refused and changes nothing; a name with no
# /run/netns entry stops had -n and had with the reason.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
. tests/lab.sh
need_root
T_NAME=netns

lab_init || { fail "lab_init"; summary; exit 1; }
lab_node a 198.18.0.1/24
NS=$LAB-a
D=$LAB_DIR/a
mkdir -p "$D"
cat >"$D/had.conf" <<CONF
global_defs {
	net_namespace $NS
}
vrrp_instance VI_1 {
	interface eth0
	virtual_router_id 71
	priority 150
	advert_int 1
	virtual_ipaddress {
		198.18.0.171/24
	}
}
CONF

# ---------------------------------------------------- refusals up front
sed "s/net_namespace $NS/net_namespace nons$$/" "$D/had.conf" >"$D/bad.conf"
out=$("$BUILD/had" -n -f "$D/bad.conf" 2>&1 >/dev/null); rc=$?
check "had -n: a namespace without /run/netns entry fails (rc $rc: $(grep error <<<"$out"))" \
    sh -c "[ $rc -ne 0 ] && echo '$out' | grep -q 'net_namespace nons$$: /run/netns/nons$$: No such file'"
sed "s|net_namespace $NS|net_namespace ../x|" "$D/had.conf" >"$D/bad2.conf"
out=$("$BUILD/had" -n -f "$D/bad2.conf" 2>&1 >/dev/null); rc=$?
slash_refused() { [ $rc -ne 0 ] && grep -qF "'../x' is not a namespace name" <<<"$out"; }
check "had -n: a name with a slash is an error (rc $rc)" slash_refused
out=$("$BUILD/had" -n -f "$D/had.conf" 2>&1 >/dev/null); rc=$?
check "had -n: the lab's namespace passes, eth0 found in it (rc $rc)" \
    sh -c "[ $rc -eq 0 ] && ! echo '$out' | grep -q eth0"
"$BUILD/had" -d -X "$BUILD" -f "$D/bad.conf" -s "$D/bad.sock" \
    -p "$D/bad.pid" -C "$D/empty" >"$D/bad.log" 2>&1 &
bp=$!
lab_track_pid $bp
check "had with a missing namespace exits" wait_for 5 pid_gone $bp
check "... saying why" grep -q "net_namespace nons$$: /run/netns/nons$$: No such file or directory.*not starting" "$D/bad.log"

# ------------------------------------------------------- the real thing
"$BUILD/had" -d -X "$BUILD" -f "$D/had.conf" -s "$D/had.sock" \
    -p "$D/had.pid" -C "$D/empty" >>"$D/had.log" 2>&1 &
HP=$!
lab_track_pid $HP
wait_for 10 lab_hactl a show procs >/dev/null 2>&1
check "had logs the namespace" grep -q "running in network namespace $NS" "$D/had.log"
check "VI_1 MASTER on the namespace's eth0" lab_wait_state a VI_1 MASTER 8
check "VIP in the namespace" wait_for 3 lab_has_addr a 198.18.0.171
check "VIP not in the test's namespace" sh -c "! ip -o addr show | grep -q ' 198.18.0.171/'"
want=$(stat -L -c %i "/run/netns/$NS")
here=$(stat -L -c %i /proc/self/ns/net)
pids="had:$HP"
# No checks and no bfd_instance: only vrrpd and lvsd run.
for c in vrrpd lvsd; do
	pids="$pids $c:$(lab_child_pid a $c)"
done
bad=""
for p in $pids; do
	got=$(stat -L -c %i "/proc/${p#*:}/ns/net" 2>/dev/null)
	[ "$got" = "$want" ] || bad="$bad ${p%%:*}($got)"
done
check "had and its two children are in $NS (inode $want, here $here):${bad:- all}" \
    [ -z "$bad" -a "$want" != "$here" ]

# -------------------------------------------------------------- reloads
sed "s/net_namespace $NS/net_namespace $LAB-sw/" "$D/had.conf" >"$D/new.conf"
cp "$D/had.conf" "$D/orig.conf"
cp "$D/new.conf" "$D/had.conf"
out=$(lab_hactl a reload 2>&1); rc=$?
check "a reload that changes net_namespace is refused (rc $rc: $out)" \
    sh -c "[ $rc -ne 0 ] && echo '$out' | grep -q 'net_namespace cannot change on a reload'"
check "... and VI_1 stays MASTER" lab_state_is a VI_1 MASTER
cp "$D/orig.conf" "$D/had.conf"
out=$(lab_hactl a reload 2>&1); rc=$?
check "a reload with the same namespace works (rc $rc)" [ $rc -eq 0 ]
check "had still running, no child restarted" \
    [ "$(lab_hactl a show procs -j | json_get /dev/stdin 'sum(r["restarts"] for r in d)')" = 0 ]
summary
