#!/bin/bash
# keepalived's alerts: notify_fifo lines (a reader sees keepalived's
# format for VRRP and real server transitions; a path that is not a FIFO
# is refused; a missing one is created 0600), smtp_alert mails to a local
# aiosmtpd for a VRRP transition and a check failure, and FILE_CHECK
# (0 in the file takes the real server out, a number sets its weight).
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
. tests/lab.sh
need_root

T0=$(now_ms)
lab_init || { fail "lab_init"; summary; exit 1; }
lab_node a 198.18.0.1/24 || { fail "lab_node"; summary; exit 1; }
if [ "$(basename "$BUILD")" = build-san ]; then
	export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
fi
D=$LAB_DIR/a

# A real server that answers (8081) and one that does not (8082); its
# output away from the test's (the suite waits for that to close).
lab_spawn a python3 -c 'import socket,time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("198.18.0.1", 8081))
s.listen(64)
t = time.time() + 60
while time.time() < t:
	s.settimeout(1)
	try:
		c, _ = s.accept()
		c.close()
	except OSError:
		pass' </dev/null >/dev/null 2>&1

# The mail server smtp_alert sends to: aiosmtpd prints each message.
SMTPD=0
if /usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null; then
	lab_spawn a /usr/bin/python3 tests/integration/smtp_sink.py \
	    198.18.0.1 2525 "$D/mails" </dev/null >"$D/smtpd.out" 2>&1
	SMTPD=1
fi

mkfifo -m 600 "$D/all.fifo"
echo "not a fifo" >"$D/regular"
# The reader: cat blocks in open until had opens the FIFO for writing.
cat "$D/all.fifo" >"$D/all.lines" &
lab_track_pid $!

cat >"$D/had.conf" <<CONF
global_defs {
	router_id had-alerts
	notify_fifo $D/all.fifo
	vrrp_notify_fifo $D/created.fifo
	lvs_notify_fifo $D/regular
	notification_email {
		ops@example.com
		oncall@example.org
	}
	notification_email_from had@example.com
	smtp_server 198.18.0.1 2525
	smtp_connect_timeout 5
	smtp_helo_name lb1.test
	smtp_alert
}
vrrp_sync_group G1 {
	group {
		VI_1
	}
}
vrrp_instance VI_1 {
	interface eth0
	virtual_router_id 61
	priority 100
	advert_int 0.2
	virtual_ipaddress {
		198.18.0.61/24
	}
}
virtual_server 198.18.0.100 80 {
	delay_loop 1
	lb_algo rr
	lb_kind NAT
	protocol TCP
	real_server 198.18.0.1 8082 {
		TCP_CHECK {
			connect_timeout 1
			retry 0
		}
	}
}
virtual_server 198.18.0.100 81 {
	delay_loop 1
	lb_algo rr
	lb_kind NAT
	protocol TCP
	alpha
	real_server 198.18.0.1 8081 {
		smtp_alert no
		TCP_CHECK {
			connect_timeout 1
			retry 0
		}
	}
}
CONF
if ! out=$("$BUILD/had" -n -f "$D/had.conf" 2>&1); then
	fail "the test config parses"
	echo "$out" | head -20
	summary
	exit 1
fi
pass "the test config parses"

has_line() { grep -qxF -- "$2" "$1"; }
if [ $SMTPD = 1 ]; then
	check "aiosmtpd listens" wait_for 8 grep -q ready "$D/smtpd.out"
fi
lab_start_had a "$D/had.conf" || { fail "had up"; summary; exit 1; }
check "VI_1 becomes master" lab_wait_state a VI_1 MASTER 4
F=$D/all.lines
check "notify_fifo: INSTANCE \"VI_1\" BACKUP 100" \
    wait_for 2 has_line "$F" 'INSTANCE "VI_1" BACKUP 100'
check "notify_fifo: INSTANCE \"VI_1\" MASTER 100" \
    wait_for 2 has_line "$F" 'INSTANCE "VI_1" MASTER 100'
check "notify_fifo: GROUP \"G1\" MASTER 0" \
    wait_for 2 has_line "$F" 'GROUP "G1" MASTER 0'
check "notify_fifo: RS [198.18.0.1]:tcp:8082 [198.18.0.100]:tcp:80 DOWN" \
    wait_for 5 has_line "$F" 'RS [198.18.0.1]:tcp:8082 [198.18.0.100]:tcp:80 DOWN'
check "notify_fifo: RS [198.18.0.1]:tcp:8081 [198.18.0.100]:tcp:81 UP" \
    wait_for 5 has_line "$F" 'RS [198.18.0.1]:tcp:8081 [198.18.0.100]:tcp:81 UP'
check "notify_fifo: BACKUP before MASTER" \
    [ "$(grep '^INSTANCE' "$F" | awk '{print $3}' | tr '\n' ' ')" = "BACKUP MASTER " ]
check "vrrp_notify_fifo: a missing FIFO is created, mode 0600" \
    [ "$(stat -c %A "$D/created.fifo" 2>/dev/null)" = prw------- ]
check "lvs_notify_fifo: a regular file is refused and left alone" \
    [ "$(cat "$D/regular")" = "not a fifo" ]
check "lvs_notify_fifo: the refusal is logged" \
    grep -q "lvs_notify_fifo $D/regular: not a FIFO" "$D/had.log"

# smtp_alert: checkd mails each transition to the recipients of the
# config through smtp_server.
M=$D/mails
mail_has() { grep -qF -- "$1" "$M"; }
if [ $SMTPD = 0 ]; then
	skip "smtp_alert: python3-aiosmtpd is not installed"
else
	check "smtp_alert: a mail for VI_1 entering MASTER" wait_for 5 \
	    mail_has "Subject: [had-alerts] VRRP Instance VI_1 - Entering MASTER state"
	check "smtp_alert: a mail for the real server going DOWN, with the check's reason" \
	    wait_for 5 mail_has "=> CHECK failed on service 198.18.0.1:8082: connection refused <="
	check "smtp_alert: its subject names the real server, the virtual server and DOWN" \
	    mail_has "Subject: [had-alerts] Realserver 198.18.0.1:8082 of virtual server 198.18.0.100:80 - DOWN"
	check "smtp_alert: From: notification_email_from, To: both recipients" \
	    sh -c "grep -qxF 'From: had@example.com' '$M' && grep -qxF 'To: ops@example.com, oncall@example.org' '$M'"
	check "smtp_alert: the envelope has both recipients" \
	    mail_has "X-RcptTo: ops@example.com, oncall@example.org"
	check "smtp_alert: HELO with smtp_helo_name" \
	    mail_has "X-Helo: lb1.test"
	check "smtp_alert no on a real server: no mail for 8081" \
	    sh -c "! grep -qF '198.18.0.1:8081' '$M'"
	echo "  mails received: $(grep -c '^Subject:' "$M")"
fi

lab_stop_had a TERM
check "notify_fifo: INSTANCE \"VI_1\" STOP 100 on shutdown" \
    wait_for 2 has_line "$F" 'INSTANCE "VI_1" STOP 100'
if grep -Eq 'AddressSanitizer|runtime error:|LeakSanitizer' "$D/had.log"; then
	fail "sanitizer reports in the log"
	grep -E -A20 'AddressSanitizer|runtime error:' "$D/had.log" | head -60
else
	pass "no sanitizer report in the log"
fi
echo "test_alerts: $(( ($(now_ms) - T0) / 1000 )) s"
summary
