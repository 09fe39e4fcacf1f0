#!/bin/bash
# hactl show metrics: Prometheus text exposition that promtool accepts,
# with the values the other show commands give.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
need_root
. tests/lab.sh

lab_init
lab_node a 198.18.0.1/24
cat >"$LAB_DIR/a.conf" <<'CONF'
vrrp_instance VI_M {
	state BACKUP
	interface eth0
	virtual_router_id 61
	priority 120
	advert_int 0.1
	vrrp_version 3
	virtual_ipaddress {
		198.18.0.61/24
	}
}
virtual_server 198.18.0.61 80 {
	lb_algo rr
	lb_kind NAT
	real_server 198.18.0.70 80 {
		weight 3
	}
}
CONF
lab_start_had a "$LAB_DIR/a.conf" || { fail "had up"; summary; exit 1; }
check "VI_M becomes master" lab_wait_state a VI_M MASTER 5

M=$LAB_DIR/metrics.txt
check "hactl show metrics succeeds" sh -c "'$BUILD/hactl' -s '$LAB_DIR/a/had.sock' show metrics >'$M'"
if command -v promtool >/dev/null; then
	out=$(promtool check metrics <"$M" 2>&1); rc=$?
	check "promtool check metrics accepts the output ($out)" [ $rc -eq 0 ]
else
	fail "promtool is missing (scripts/setup-deps.sh installs prometheus)"
fi
has() { grep -qxF "$1" "$M"; }
check "three processes up (had, vrrpd, lvsd)" [ "$(grep -c '^had_process_up{.*} 1$' "$M")" = 3 ]
# Nothing to check and no bfd_instance: checkd and bfdd are not started,
# and their parts of the scrape are empty, not failed.
check "checkd and bfdd not started" [ "$(grep -cE '^had_process_up\{process="(checkd|bfdd)"\} 0$' "$M")" = 2 ]
check "every part of the scrape ok" [ "$(grep -c '^had_scrape_ok{.*} 1$' "$M")" = 5 ]
check "VI_M in state MASTER" has 'had_vrrp_state{instance="VI_M",interface="eth0",vrid="61",state="MASTER"} 1'
check "VI_M not BACKUP" has 'had_vrrp_state{instance="VI_M",interface="eth0",vrid="61",state="BACKUP"} 0'
check "priority 120" has 'had_vrrp_priority{instance="VI_M",interface="eth0",vrid="61"} 120'
check "advert interval in seconds" has 'had_vrrp_advert_interval_seconds{instance="VI_M",interface="eth0",vrid="61"} 0.10'
sent=$(sed -n 's/^had_vrrp_adverts_sent_total{instance="VI_M".*} //p' "$M")
check "adverts sent counted ($sent)" [ "${sent:-0}" -gt 0 ]
check "real server weight from the config" \
    has 'had_lvs_real_server_weight{service="TCP 198.18.0.61:80",real="198.18.0.70:80"} 3'
check "virtual server: not in a kernel without IPVS" \
    has 'had_lvs_virtual_server_in_kernel{service="TCP 198.18.0.61:80"} 0'
for m in quorum_up weight active_connections inactive_connections \
    connections_total; do
	check "virtual server metric had_lvs_virtual_server_$m" \
	    grep -q "^had_lvs_virtual_server_$m{service=\"TCP 198.18.0.61:80\"} [0-9]" "$M"
done
check "virtual server packets by direction" \
    grep -q '^had_lvs_virtual_server_packets_total{service="TCP 198.18.0.61:80",direction="out"} [0-9]' "$M"
check "every part answered" [ "$(grep -c '^had_scrape_ok{.*} 1$' "$M")" -ge 3 ]
summary
