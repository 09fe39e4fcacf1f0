#!/bin/bash
# Notify scripts of a VRRP instance: notify_master, notify_backup,
# notify_fault, notify_stop and the generic `notify' run (by had, as the
# script user, root by default) on the right transitions, the generic one
# with keepalived's arguments: INSTANCE name state priority.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
. tests/lab.sh
need_root

T0=$(now_ms)
lab_init || { fail "lab_init"; summary; exit 1; }
lab_node a 198.18.0.1/24
lab_node b 198.18.0.2/24
# A link each node tracks: down puts the instance in FAULT.
for n in a b; do
	lab_exec $n ip link add trk0 type veth peer name trk1
	lab_exec $n ip link set trk1 up
	lab_exec $n ip link set trk0 up
done
if [ "$(basename "$BUILD")" = build-san ]; then
	export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
fi

# notify.sh FILE ARGS...: one line per run, the arguments and the uid.
LOG=$LAB_DIR/notify.sh
cat >"$LOG" <<'SH'
#!/bin/sh
f=$1
shift
echo "$* uid=$(id -u)" >>"$f"
SH
chmod 755 "$LOG"
for n in a b; do
	p=100; [ $n = a ] && p=150
	sed -e "s|@PRIO@|$p|g" -e "s|@DIR@|$LAB_DIR/$n|g" -e "s|@LOG@|$LOG|g" \
	    tests/integration/vrrp-notify.conf >"$LAB_DIR/$n.conf"
done

st() { lab_vrrp_field "$1" VI_N state; }
both_state() { [ "$(st a)" = "$1" ] && [ "$(st b)" = "$2" ]; }
# lines NODE KIND: the lines of one notify file.
lines() { cat "$LAB_DIR/$1/$2" 2>/dev/null; }
count() { lines "$1" "$2" | grep -c .; }
last() { lines "$1" "$2" | tail -1; }
has_line() { lines "$1" "$2" | grep -qxF "$3"; }

# b alone: BACKUP, then MASTER.
lab_start_had b "$LAB_DIR/b.conf" || { fail "had on b up"; summary; exit 1; }
check "b alone becomes master" wait_for 3 lab_state_is b VI_N MASTER
check "b: notify_backup ran on entering BACKUP" \
    wait_for 2 has_line b backup " uid=0"
check "b: notify_master ran with its own argument, as root" \
    wait_for 2 has_line b master "MASTER-ARG uid=0"
check "b: generic notify: INSTANCE VI_N BACKUP 100" \
    wait_for 2 has_line b generic "INSTANCE VI_N BACKUP 100 uid=0"
check "b: generic notify: INSTANCE VI_N MASTER 100" \
    wait_for 2 has_line b generic "INSTANCE VI_N MASTER 100 uid=0"
check "b: the generic notify ran BACKUP before MASTER" \
    [ "$(lines b generic | awk '{print $3}' | tr '\n' ' ')" = "BACKUP MASTER " ]

# a (150) joins and preempts: a BACKUP then MASTER, b MASTER -> BACKUP.
lab_start_had a "$LAB_DIR/a.conf" || { fail "had on a up"; summary; exit 1; }
check "a preempts b" wait_for 3 both_state MASTER BACKUP
check "a: notify_master once" wait_for 2 [ "$(count a master)" = 1 ]
check "a: generic notify: INSTANCE VI_N MASTER 150" \
    wait_for 2 has_line a generic "INSTANCE VI_N MASTER 150 uid=0"
check "b: notify_backup again on losing master" \
    wait_for 2 [ "$(count b backup)" = 2 ]
check "b: generic notify: BACKUP MASTER BACKUP" \
    wait_for 2 [ "$(lines b generic | awk '{print $3}' | tr '\n' ' ')" = "BACKUP MASTER BACKUP " ]
check "b: notify_master ran only once" [ "$(count b master)" = 1 ]
check "no fault script yet" sh -c "[ ! -e '$LAB_DIR/a/fault' ] && [ ! -e '$LAB_DIR/b/fault' ]"

# a's tracked link goes down: a FAULT (notify_fault), b MASTER.
lab_exec a ip link set trk0 down
check "a FAULT, b MASTER" wait_for 3 both_state FAULT MASTER
check "a: notify_fault ran" wait_for 2 has_line a fault " uid=0"
check "a: generic notify: INSTANCE VI_N FAULT 150" \
    wait_for 2 has_line a generic "INSTANCE VI_N FAULT 150 uid=0"
check "b: notify_master on taking over" wait_for 2 [ "$(count b master)" = 2 ]

# Back: a BACKUP, then MASTER again (preempt).
lab_exec a ip link set trk0 up
check "a master again" wait_for 4 both_state MASTER BACKUP
check "a: generic notify: ... FAULT BACKUP MASTER" \
    wait_for 2 [ "$(lines a generic | awk '{print $3}' | tr '\n' ' ')" = "BACKUP MASTER FAULT BACKUP MASTER " ]
check "a: notify_master twice, notify_backup twice, notify_fault once" \
    wait_for 2 [ "$(count a master) $(count a backup) $(count a fault)" = "2 2 1" ]

# A reload with no change runs nothing.
NF="master backup fault stop generic"
nlines() { (cd "$LAB_DIR/$1" && cat $NF 2>/dev/null) | wc -l; }
before=$(nlines a)
lab_hactl a reload >/dev/null 2>&1
sleep 0.5
check "a reload with no change runs no notify script" \
    [ "$(nlines a)" = "$before" ]

# Orderly stop: notify_stop and the generic one with STOP.  vrrpd sends
# the notify as it stops each instance; had must still read it.
lab_stop_had a TERM
check "a: notify_stop ran on shutdown" wait_for 2 has_line a stop " uid=0"
check "a: generic notify: INSTANCE VI_N STOP" \
    wait_for 2 sh -c "lines() { cat '$LAB_DIR/a/generic'; }; lines | tail -1 | grep -q '^INSTANCE VI_N STOP '"
check "b took over and ran notify_master" \
    wait_for 3 [ "$(count b master)" = 3 ]

lab_stop_had b TERM
if grep -Eq 'AddressSanitizer|runtime error:|LeakSanitizer' \
    "$LAB_DIR"/*/had.log; then
	fail "sanitizer reports in the logs"
	grep -E -A20 'AddressSanitizer|runtime error:' "$LAB_DIR"/*/had.log |
	    head -60
else
	pass "no sanitizer report in the logs"
fi
echo "test_vrrp_notify: $(( ($(now_ms) - T0) / 1000 )) s"
summary
