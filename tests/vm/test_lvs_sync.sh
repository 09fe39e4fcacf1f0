#!/bin/sh
# tests/vm: `lvs_sync_daemon brs VI_1' (global_defs): lvsd runs the
# kernel's IPVS connection-sync daemon as master while VI_1 is Master (it
# holds VI_1's VIP for vrrpd) and as backup otherwise.
#
#   brv 198.18.2.1 (VI_1's interface, a peer namespace on it for carrier)
#   brs 198.18.1.1 (the sync interface)
# Checks with `ipvsadm -L --daemon': backup at start, master once VI_1 is
# Master, backup when VI_1 goes to Fault (brv down), master again; a
# respawned lvsd changes nothing; a reload with the options (id, maxlen,
# port, ttl, group) restarts the daemon with them, a respawn keeps it,
# Fault gives a backup with them, a reload without them goes back to the
# kernel's defaults; a reload without the keyword stops it.
set -u
. /vm/lib.sh

BUILD=${HAD_BUILD:-/opt/build}
CONF=/tmp/had.conf
LOG=/tmp/lab-had.log
SOCK=/run/had/had.sock
VVIP=198.18.2.100

check "had is in $BUILD" test -x "$BUILD/had"
lab_bridge brv 198.18.2.1/24
lab_bridge brs 198.18.1.1/24
lab_ns peer
lab_attach peer eth0 brv 198.18.2.2/24
lab_ns peer2
lab_attach peer2 eth0 brs 198.18.1.2/24

OPTS="id 7 maxlen 1400 port 8850 ttl 3 group 239.1.2.3"
conf() {
	{
		if [ "$1" = sync ]; then
			echo "global_defs { router_id vm-sync"
			echo "  lvs_sync_daemon brs VI_1 }"
		elif [ "$1" = opts ]; then
			echo "global_defs { router_id vm-sync"
			echo "  lvs_sync_daemon brs inst VI_1 $OPTS }"
		elif [ "$1" = id ]; then
			echo "global_defs { router_id vm-sync"
			echo "  lvs_sync_daemon brs VI_1 id 7 }"
		else
			echo "global_defs { router_id vm-sync }"
		fi
		echo "vrrp_instance VI_1 {"
		echo "  state BACKUP"
		echo "  interface brv"
		echo "  virtual_router_id 51"
		echo "  priority 100"
		echo "  advert_int 1"
		echo "  virtual_ipaddress { $VVIP/32 }"
		echo "}"
	} > "$CONF"
}
daemons() { ipvsadm -L --daemon 2>&1; }
is_master() {
	d=$(daemons)
	echo "$d" | grep -q "master sync daemon (mcast=brs, syncid=51" &&
	    ! echo "$d" | grep -q "backup sync daemon"
}
is_backup() {
	d=$(daemons)
	echo "$d" | grep -q "backup sync daemon (mcast=brs, syncid=51" &&
	    ! echo "$d" | grep -q "master sync daemon"
}
none() { [ -z "$(daemons)" ]; }
has_vip() { ip addr show dev brv | grep -q "$VVIP/32"; }
starts() { grep -c "sync daemon started" "$LOG" 2>/dev/null || true; }

mkdir -p /run/had
conf sync
t0=$(_lab_now_cs)
lab_bg had - "$BUILD/had" -d -f "$CONF" -X "$BUILD" -p /run/had/had.pid \
    -s "$SOCK"
HAD_PID=$!
# Backup until VI_1 becomes Master (master down interval ~3.6 s).
wait_until 10 "a sync daemon" sh -c '[ -n "$(ipvsadm -L --daemon)" ]'
daemons
if has_vip; then
	echo "VI_1 became Master before the first look: backup not seen"
else
	check "start: backup sync daemon while VI_1 is Backup" is_backup
fi
wait_until 15 "VI_1 Master, master sync daemon" is_master
t1=$(_lab_now_cs)
daemons
check "VI_1 Master: master sync daemon (mcast=brs, syncid=51)" is_master
check "VI_1 Master: VIP on brv" has_vip
echo "master sync daemon $(( (t1 - t0) / 100 ))s after start"

# Fault: brv down.
ip link set brv down
wait_until 15 "backup sync daemon after Fault" is_backup
daemons
check "VI_1 Fault: backup sync daemon" is_backup
check "VI_1 Fault: VIP gone" sh -c "! ip addr show dev brv | grep -q $VVIP"
ip link set brv up
wait_until 20 "master sync daemon again" is_master
daemons
check "VI_1 Master again: master sync daemon" is_master

# kill -9 lvsd: the respawned one starts or stops nothing.
s0=$(starts)
stops() { grep -c "sync daemon on .* stopped" "$LOG" || true; }
p0=$(stops)
gens() { grep -c "lvsd: configuration generation" "$LOG"; }
g0=$(gens)
kill -9 "$(pidof lvsd)"
wait_until 30 "had to respawn lvsd" sh -c "[ \$(grep -c 'lvsd: configuration generation' $LOG) -gt $g0 ]"
sleep 3
check "respawned lvsd: still master" is_master
assert_eq "respawned lvsd: no sync daemon started" "$s0" "$(starts)"
assert_eq "respawned lvsd: no sync daemon stopped" "$p0" "$(stops)"

# Options: a reload restarts the daemon with them.
with_opts() {
	ipvsadm -L --daemon | grep -qxF "$1 sync daemon (mcast=brs, syncid=7, maxlen=1400, group=239.1.2.3, port=8850, ttl=3)"
}
only_one() { [ "$(daemons | grep -c 'sync daemon')" = 1 ]; }
conf opts
"$BUILD/hactl" -s "$SOCK" reload
wait_until 15 "master sync daemon with the options" with_opts master
daemons
check "options: master sync daemon (syncid=7, maxlen=1400, group=239.1.2.3, port=8850, ttl=3)" with_opts master
check "options: the daemon without them is gone" only_one
s0=$(starts)
p0=$(stops)
g0=$(gens)
kill -9 "$(pidof lvsd)"
wait_until 30 "had to respawn lvsd" sh -c "[ \$(grep -c 'lvsd: configuration generation' $LOG) -gt $g0 ]"
sleep 3
check "options, respawned lvsd: still master with the options" with_opts master
assert_eq "options, respawned lvsd: no sync daemon started" "$s0" "$(starts)"
assert_eq "options, respawned lvsd: no sync daemon stopped" "$p0" "$(stops)"
ip link set brv down
wait_until 15 "backup sync daemon with the options" with_opts backup
daemons
check "options, VI_1 Fault: backup sync daemon with the options" with_opts backup
check "options, VI_1 Fault: one daemon" only_one
ip link set brv up
wait_until 20 "master sync daemon with the options again" with_opts master
check "options, VI_1 Master again: master with the options" with_opts master
# The same id without the other options: restarted with the kernel's
# defaults (port 8848, ttl 1, group 224.0.0.81).
conf id
"$BUILD/hactl" -s "$SOCK" reload
defaults() {
	daemons | grep -q "^master sync daemon (mcast=brs, syncid=7,.*group=224.0.0.81, port=8848, ttl=1)"
}
wait_until 15 "master sync daemon with the kernel's defaults" defaults
daemons
check "options removed: the kernel's defaults again" defaults
check "options removed: one daemon" only_one

# Reload without the keyword: our daemon stops.
conf nosync
"$BUILD/hactl" -s "$SOCK" reload
wait_until 15 "no sync daemon" none
check "reload without lvs_sync_daemon: stopped" none
daemons
check "no netlink errors logged" sh -c "! grep -q 'failed: ' $LOG"

kill "$HAD_PID" 2>/dev/null
echo "--- had log"
grep -E "sync|VI_1|ipvs" "$LOG" | head -40
finish
