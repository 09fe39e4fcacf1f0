#!/bin/bash
# Health checks against real servers from Debian packages, in a network
# namespace of our own: nginx (HTTP and TLS), dnsmasq (DNS), aiosmtpd
# (SMTP), socat (UDP echo), and check_servers.py for the servers that
# misbehave (silent, full backlog, SMTP errors).  Results are read from
# had's log, where checkd logs every state change with its reason.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
need_root

PY=/usr/bin/python3
for bin in nginx dnsmasq socat openssl; do
	if ! command -v "$bin" >/dev/null && [ ! -x "/usr/sbin/$bin" ]; then
		skip "$bin is not installed"
		summary
		exit 0
	fi
done
if ! $PY -c 'import aiosmtpd' 2>/dev/null; then
	skip "python3-aiosmtpd is not installed"
	summary
	exit 0
fi

T=$(mktemp -d /tmp/had-checks.XXXXXX)
chmod 755 "$T"
NS=hadt-chk-$$
PIDS=""
HADPID=

cleanup() {
	local p
	[ -n "$HADPID" ] && kill_pid TERM "$HADPID" 2>/dev/null
	for p in $PIDS; do kill_pid TERM "$p" 2>/dev/null; done
	for p in $HADPID $PIDS; do
		wait_for 3 sh -c "! kill -0 $p 2>/dev/null" ||
		    kill_pid KILL "$p" 2>/dev/null
	done
	# socat's per-peer children end on their own after -T.
	sleep 0.6
	ip netns del "$NS" 2>/dev/null
	if [ -n "${KEEP_LAB:-}" ]; then echo "files kept in $T"; else rm -rf "$T"; fi
}
trap cleanup EXIT

nsx() { ip netns exec "$NS" "$@"; }
track() { PIDS="$PIDS $1"; }

ip netns add "$NS" || { fail "ip netns add"; summary; exit 1; }
ip -n "$NS" link set lo up
for a in 10 11 12 13 14 100; do
	ip -n "$NS" addr add "198.18.0.$a/32" dev lo
done

# TLS: a certificate for www.test that nobody trusts.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
    -nodes -keyout "$T/key.pem" -out "$T/cert.pem" -days 2 \
    -subj /CN=www.test -addext subjectAltName=DNS:www.test \
    >/dev/null 2>&1 || fail "openssl req"

mkdir -p "$T/www" "$T/ngx"
echo up >"$T/www/toggle"
echo up >"$T/www/toggle2"
cat >"$T/nginx.conf" <<NGX
daemon off;
master_process off;
pid $T/nginx.pid;
error_log $T/nginx.err warn;
events { worker_connections 512; }
http {
	access_log off;
	client_body_temp_path $T/ngx/body;
	proxy_temp_path $T/ngx/proxy;
	fastcgi_temp_path $T/ngx/fastcgi;
	uwsgi_temp_path $T/ngx/uwsgi;
	scgi_temp_path $T/ngx/scgi;
	server {
		listen 198.18.0.10:80;
		listen 198.18.0.10:443 ssl;
		server_name www.test;
		ssl_certificate $T/cert.pem;
		ssl_certificate_key $T/key.pem;
		root $T/www;
		location = /health { return 200 "ok\n"; }
		location = /fail { return 503; }
		location = /hello { return 200 "hello"; }
	}
}
NGX
ip netns exec "$NS" nginx -c "$T/nginx.conf" -p "$T" >"$T/nginx.out" 2>&1 &
track $!

ip netns exec "$NS" dnsmasq -k --conf-file=/dev/null --no-resolv --no-hosts \
    --listen-address=198.18.0.11 --bind-interfaces --port=53 \
    --local=/test/ --host-record=ok.test,198.18.0.50 \
    --pid-file="$T/dnsmasq.pid" -u nobody -g nogroup \
    --log-facility="$T/dnsmasq.log" &
track $!

ip netns exec "$NS" $PY -m aiosmtpd -n -l 198.18.0.12:25 >"$T/smtpd.log" 2>&1 &
track $!

ip netns exec "$NS" socat -T 0.5 UDP4-RECVFROM:7,bind=198.18.0.13,fork PIPE &
track $!

ip netns exec "$NS" $PY tests/integration/check_servers.py 198.18.0.14 "$T/peers" "$T/late" \
    >"$T/servers.log" 2>&1 &
track $!

listening() {	# addr:port, TCP
	nsx ss -Hltn "src $1" | grep -q LISTEN
}
check "nginx listens" wait_for 5 listening 198.18.0.10:443
check "aiosmtpd listens" wait_for 8 listening 198.18.0.12:25
check "check_servers.py is ready" wait_for 5 grep -q ready "$T/servers.log"
udp_bound() { nsx ss -Hlun "src $1" | grep -q .; }
check "dnsmasq listens" wait_for 5 udp_bound 198.18.0.11:53
check "socat listens" wait_for 5 udp_bound 198.18.0.13:7

# One virtual server per case, so that each log line names its case.
vs() {	# port rs-addr rs-port check-block
	printf 'virtual_server 198.18.0.100 %s {\n\tdelay_loop 1\n\tlb_algo rr\n\tlb_kind NAT\n\tprotocol %s\n\treal_server %s %s {\n%s\n\t}\n}\n' \
	    "$1" "${PROTO:-TCP}" "$2" "$3" "$4"
}
MD5_HELLO=5d41402abc4b2a76b9719d911017c592
{
	echo 'global_defs {'
	echo '	router_id had-checks'
	echo '}'
	vs 1001 198.18.0.10 80 'TCP_CHECK { connect_timeout 1
		retry 0
		alpha }'
	vs 1002 198.18.0.10 81 'TCP_CHECK { connect_timeout 1
		retry 0 }'
	vs 1003 198.18.0.14 8082 'TCP_CHECK { connect_timeout 1
		retry 0 }'
	vs 1004 198.18.0.10 80 'HTTP_GET { url { path /health
		status_code 200 }
		connect_timeout 1
		retry 0
		alpha }'
	vs 1005 198.18.0.10 80 'HTTP_GET { url { path /fail }
		connect_timeout 1
		retry 0 }'
	vs 1006 198.18.0.10 80 "HTTP_GET { url { path /hello
		digest $MD5_HELLO }
		url { path /health }
		connect_timeout 1
		retry 0
		alpha }"
	vs 1007 198.18.0.10 80 'HTTP_GET { url { path /hello
		digest 00112233445566778899aabbccddeeff }
		connect_timeout 1
		retry 0 }'
	vs 1008 198.18.0.14 8081 'HTTP_GET { url { path / }
		connect_timeout 1
		retry 0 }'
	vs 1009 198.18.0.10 81 'HTTP_GET { url { path / }
		connect_timeout 1
		retry 0 }'
	vs 1010 198.18.0.10 443 "SSL_GET { url { path /hello
		digest $MD5_HELLO }
		virtualhost www.test
		enable_sni
		connect_timeout 1
		retry 0
		alpha }"
	vs 1011 198.18.0.10 443 'SSL_GET { url { path /hello }
		virtualhost www.test
		verify_cert
		connect_timeout 1
		retry 0 }'
	vs 1012 198.18.0.10 80 'SSL_GET { url { path /hello }
		connect_timeout 1
		retry 0 }'
	vs 1013 198.18.0.11 53 'DNS_CHECK { type A
		name ok.test
		connect_timeout 1
		retry 0
		alpha }'
	vs 1014 198.18.0.11 53 'DNS_CHECK { type AAAA
		name ok.test
		connect_timeout 1
		retry 0 }'
	vs 1015 198.18.0.11 53 'DNS_CHECK { type A
		name nx.test
		connect_timeout 1
		retry 0 }'
	vs 1016 198.18.0.14 5353 'DNS_CHECK { name ok.test
		connect_port 5353
		connect_timeout 1
		retry 0 }'
	vs 1017 198.18.0.12 25 'SMTP_CHECK { helo_name checker.test
		connect_timeout 2
		retry 0
		alpha }'
	vs 1018 198.18.0.14 2525 'SMTP_CHECK { connect_timeout 1
		retry 0 }'
	vs 1019 198.18.0.14 2526 'SMTP_CHECK { connect_timeout 1
		retry 0 }'
	PROTO=UDP vs 1020 198.18.0.13 7 'UDP_CHECK { payload 68656c6c6f
		require_reply 68656c
		connect_timeout 1
		retry 0
		alpha }'
	PROTO=UDP vs 1021 198.18.0.13 7 'UDP_CHECK { payload 68656c6c6f
		require_reply ffff
		connect_timeout 1
		retry 0 }'
	PROTO=UDP vs 1022 198.18.0.13 9 'UDP_CHECK { payload 00
		require_reply 00
		connect_timeout 1
		retry 0 }'
	# rise 3, fall 2
	vs 1030 198.18.0.10 80 'HTTP_GET { url { path /toggle }
		connect_timeout 1
		retry 0
		rise 3
		fall 2 }'
	# retries: 2 more attempts 0.3 s apart before a failure counts
	vs 1031 198.18.0.10 80 'HTTP_GET { url { path /toggle2 }
		connect_timeout 1
		retry 2
		delay_before_retry 0.3 }'
	# a server with two checks is up only when both are
	# Every round from bindto:bind_port (the socket is kept between
	# rounds: it must keep both).
	vs 1041 198.18.0.14 8083 'TCP_CHECK { connect_timeout 1
		retry 0
		bindto 198.18.0.100
		bind_port 40123 }'
	# The server closes 0.3 s after its answer: had waits for that
	# close before its reset; the latency is the answer's.
	vs 1042 198.18.0.14 8084 'HTTP_GET { url { path / }
		connect_timeout 1
		retry 0 }'
	# The server never closes: the complete answer counts at the deadline.
	vs 1043 198.18.0.14 8085 'HTTP_GET { url { path / }
		connect_timeout 1
		retry 0
		alpha }'
	vs 1040 198.18.0.10 80 'TCP_CHECK { connect_timeout 1
		retry 0 }
		HTTP_GET { url { path /fail }
		connect_timeout 1
		retry 0 }'
} >"$T/had.conf"

if ! out=$("$BUILD/had" -n -f "$T/had.conf" 2>&1); then
	fail "the test config parses"
	echo "$out" | head -20
	summary
	exit 1
fi
pass "the test config parses"

LOG=$T/had.log
ip netns exec "$NS" "$BUILD/had" -d -v -X "$BUILD" -f "$T/had.conf" -s "$T/had.sock" \
    -p "$T/had.pid" -C "$T/empty" >"$LOG" 2>&1 &
HADPID=$!

expect() {	# description fixed-string [seconds]
	if wait_for "${3:-8}" grep -qF -- "$2" "$LOG"; then
		pass "$1"
	else
		fail "$1: no log line with '$2'"
		grep -F "(vs 198.18.0.100:${2##*198.18.0.100:}" "$LOG" | head -3
	fi
}
never() {	# description fixed-string
	if grep -qF -- "$2" "$LOG"; then
		fail "$1: unexpected '$(grep -F -- "$2" "$LOG" | head -1)'"
	else
		pass "$1"
	fi
}
C="check"
V="(vs 198.18.0.100"
expect "TCP_CHECK up (alpha, then connected)" \
    "$C TCP_CHECK 198.18.0.10:80 $V:1001): up: connected in"
expect "TCP_CHECK down: connection refused" \
    "$C TCP_CHECK 198.18.0.10:81 $V:1002): down: connection refused"
expect "TCP_CHECK down: connect timeout against a full backlog" \
    "$C TCP_CHECK 198.18.0.14:8082 $V:1003): down: connect timeout after 1 s"
expect "HTTP_GET up: 200 from /health" \
    "$C HTTP_GET 198.18.0.10:80 $V:1004): up: HTTP 200 from /health"
expect "HTTP_GET down: wrong status" \
    "$C HTTP_GET 198.18.0.10:80 $V:1005): down: HTTP 503 from /fail"
expect "HTTP_GET up: digest matches, second url too" \
    "$C HTTP_GET 198.18.0.10:80 $V:1006): up: HTTP 200 from /health"
expect "HTTP_GET down: digest mismatch" \
    "$C HTTP_GET 198.18.0.10:80 $V:1007): down: digest mismatch on /hello"
expect "HTTP_GET down: read timeout against a silent server" \
    "$C HTTP_GET 198.18.0.14:8081 $V:1008): down: read timeout after 1 s on /"
expect "HTTP_GET down: connection refused" \
    "$C HTTP_GET 198.18.0.10:81 $V:1009): down: connection refused"
expect "SSL_GET up: TLS with SNI, digest matches" \
    "$C SSL_GET 198.18.0.10:443 $V:1010): up: HTTP 200 from /hello"
expect "SSL_GET down: verify_cert refuses a self-signed certificate" \
    "$C SSL_GET 198.18.0.10:443 $V:1011): down: TLS handshake failed: certificate: self-signed certificate"
expect "SSL_GET down: TLS handshake with a plain HTTP server" \
    "$C SSL_GET 198.18.0.10:80 $V:1012): down: TLS handshake failed:"
expect "DNS_CHECK up: A ok.test from dnsmasq" \
    "$C DNS_CHECK 198.18.0.11:53 $V:1013): up: DNS 1 answers for ok.test"
expect "DNS_CHECK down: no answer" \
    "$C DNS_CHECK 198.18.0.11:53 $V:1014): down: no DNS answer for AAAA ok.test"
expect "DNS_CHECK down: NXDOMAIN" \
    "$C DNS_CHECK 198.18.0.11:53 $V:1015): down: DNS NXDOMAIN (rcode 3) for nx.test"
expect "DNS_CHECK down: no reply from a silent server" \
    "$C DNS_CHECK 198.18.0.14:5353 $V:1016): down: no DNS reply after 1 s"
expect "SMTP_CHECK up: aiosmtpd answers HELO" \
    "$C SMTP_CHECK 198.18.0.12:25 $V:1017): up: SMTP 250 after HELO"
expect "SMTP_CHECK down: 554 banner" \
    "$C SMTP_CHECK 198.18.0.14:2525 $V:1018): down: SMTP 554 in the banner"
expect "SMTP_CHECK down: 550 after HELO (multi-line banner)" \
    "$C SMTP_CHECK 198.18.0.14:2526 $V:1019): down: SMTP 550 after HELO"
expect "UDP_CHECK up: socat echoes the payload" \
    "$C UDP_CHECK 198.18.0.13:7 $V:1020/udp): up: reply of 5 bytes"
expect "UDP_CHECK down: reply does not match" \
    "$C UDP_CHECK 198.18.0.13:7 $V:1021/udp): down: reply of 5 bytes does not match"
expect "UDP_CHECK down: ICMP port unreachable" \
    "$C UDP_CHECK 198.18.0.13:9 $V:1022/udp): down: port unreachable"
expect "real server with two checks down when one fails" \
    "real server 198.18.0.10:80 $V:1040): down: HTTP 503 from /fail"
never "the passing check of that server never went down" \
    "$C TCP_CHECK 198.18.0.10:80 $V:1040): down"
expect "TCP_CHECK with bindto and bind_port up" \
    "real server 198.18.0.14:8083 $V:1041): up"
rounds() { [ "$(wc -l <"$T/peers" 2>/dev/null || echo 0)" -ge "$1" ]; }
check "TCP_CHECK with bindto: three rounds seen" wait_for 6 rounds 3
if [ -s "$T/peers" ] && [ "$(sort -u "$T/peers")" = "198.18.0.100 40123" ]; then
	pass "TCP_CHECK with bindto: every round from 198.18.0.100:40123 ($(wc -l <"$T/peers") rounds)"
else
	fail "TCP_CHECK with bindto: sources seen: $(sort "$T/peers" 2>/dev/null | uniq -c | tr '\n' ';')"
fi
# An HTTP server that closes 0.3 s after its answer: had waits for its
# close, then resets (the server never finds its connection reset under
# it); the latency is the answer's, not the close's.
late_rounds() { [ "$(grep -c . "$T/late" 2>/dev/null)" -ge 2 ]; }
check "HTTP_GET, server closing after 0.3 s: two rounds seen" wait_for 5 late_rounds
check "HTTP_GET, server closing after 0.3 s: its close came before had's reset ($(sort "$T/late" | uniq -c | tr -s ' \n' ' '))" \
    [ "$(sort -u "$T/late")" = clean ]
expect "HTTP_GET, server never closing: up on its complete answer at the deadline" \
    "$C HTTP_GET 198.18.0.14:8085 $V:1043): up: HTTP 200 from / in"
"$BUILD/hactl" -s "$T/had.sock" show checks -j >"$T/late.json" 2>/dev/null
lat() { json_get "$T/late.json" "[r['latency_ms'] for r in d if r['virtual_server'].endswith(':$1') and r['state'] == 'up'][0]" 2>/dev/null; }
l42=$(lat 1042)
l43=$(lat 1043)
check "HTTP_GET, server closing after 0.3 s: up, latency of the answer (${l42:-?} ms < 250)" \
    [ "${l42:-999}" -lt 250 ]
check "HTTP_GET, server never closing: latency of the answer (${l43:-?} ms < 500)" \
    [ "${l43:-999}" -lt 500 ]
expect "alpha: real server starts down" \
    "real server 198.18.0.10:80 $V:1004): down: alpha"
expect "alpha: real server up after its check passed" \
    "real server 198.18.0.10:80 $V:1004): up"

# Rise and fall: 2 failures to go down, 3 passes to come up (1 s loop).
wait_for 3 grep -qF "$V:1030): pass, 2 in a row" "$LOG"
rm -f "$T/www/toggle"
t0=$(now_ms)
expect "fall 2: down after two failures in a row" \
    "$C HTTP_GET 198.18.0.10:80 $V:1030): down: HTTP 404 from /toggle; 2 in a row" 6
dt=$(( $(now_ms) - t0 ))
check "fall 2: down took two rounds (${dt} ms >= 900)" [ "$dt" -ge 900 ]
check "fall 2: one failure was logged first" \
    grep -qF "$V:1030): fail, 1 in a row: HTTP 404 from /toggle" "$LOG"
echo up >"$T/www/toggle"
t0=$(now_ms)
expect "rise 3: up after three passes in a row" \
    "$C HTTP_GET 198.18.0.10:80 $V:1030): up: HTTP 200 from /toggle in" 8
dt=$(( $(now_ms) - t0 ))
check "rise 3: up took three rounds (${dt} ms >= 1900)" [ "$dt" -ge 1900 ]
check "rise 3: the line counts 3 in a row" \
    grep -qF "$V:1030): up: HTTP 200 from /toggle" "$LOG"
grep -F "$V:1030): up:" "$LOG" | grep -qF "; 3 in a row" &&
    pass "rise 3: logged with 3 in a row" || fail "rise 3: logged with 3 in a row"

# Retry: a failing attempt is retried twice before the failure counts.
rm -f "$T/www/toggle2"
expect "retry 2: down after the retries" \
    "$C HTTP_GET 198.18.0.10:80 $V:1031): down: HTTP 404 from /toggle2" 8
n=$(grep -cF "$V:1031): attempt" "$LOG")
check "retry 2: two retried attempts logged ($n)" [ "$n" -ge 2 ]

# checkd holds no capability at all.
"$BUILD/hactl" -s "$T/had.sock" show procs -j >"$T/procs.json" 2>/dev/null
CPID=$(json_get "$T/procs.json" "[r['pid'] for r in d if r['name']=='checkd'][0]" 2>/dev/null)
if [ -n "$CPID" ] && [ -r "/proc/$CPID/status" ]; then
	for set in CapEff CapPrm CapBnd; do
		check "checkd: $set is zero" \
		    grep -q "^$set:[[:space:]]*0000000000000000\$" "/proc/$CPID/status"
	done
else
	fail "checkd's pid from hactl show procs"
fi

# show checks: one IMSG_CTL_CHECK row per check through had's control
# socket (hactl renders them later; read the rows raw here).
cat >"$T/ctl.py" <<'PYEOF'
import socket, struct, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(5)
s.connect(sys.argv[1])
req = struct.pack("<II64s", 0, 0, b"")
s.sendall(struct.pack("<IIIII", 303, 20 + len(req), 0, 0, 0) + req)
buf = b""
rows = []
while True:
    while len(buf) < 20 or len(buf) < struct.unpack_from("<I", buf, 4)[0]:
        d = s.recv(65536)
        if not d:
            sys.exit("closed")
        buf += d
    typ, ln = struct.unpack_from("<II", buf)
    body, buf = buf[20:ln], buf[ln:]
    if typ == 308:
        break
    if typ != 310:
        continue
    assert len(body) == 408, len(body)
    c = lambda o, n: body[o:o + n].split(b"\0")[0].decode()
    up, rs_up, succ, fails = struct.unpack_from("<IIII", body, 224)
    print("%s|%s|%s|%s|%d|%d|%d|%s" % (c(0, 80), c(80, 64), c(144, 64),
        c(208, 16), up, succ, fails, c(280, 128)))
PYEOF
$PY "$T/ctl.py" "$T/had.sock" >"$T/rows.txt" 2>&1
n=$(grep -c '|' "$T/rows.txt")
check "show checks: one row per check ($n)" [ "$n" = 29 ]
check "show checks: the 503 check is down with its reason" \
    grep -qF '198.18.0.100:1005|198.18.0.10:80|198.18.0.10:80|HTTP_GET|0|0|' "$T/rows.txt"
check "show checks: the reason is in words" \
    grep -qF '|HTTP 503 from /fail' "$T/rows.txt"
check "show checks: the DNS check is up" \
    grep -qF '198.18.0.100:1013|198.18.0.11:53|198.18.0.11:53|DNS_CHECK|1|' "$T/rows.txt"

# lvsd respawns: checkd sends it every state again.
LPID=$(json_get "$T/procs.json" "[r['pid'] for r in d if r['name']=='lvsd'][0]" 2>/dev/null)
n0=$(grep -c 'sent 28 real server states to lvsd' "$LOG")
if [ -n "$LPID" ] && kill_pid KILL "$LPID"; then
	more() { [ "$(grep -c 'sent 28 real server states to lvsd' "$LOG")" -gt "$n0" ]; }
	check "after an lvsd respawn, checkd sends all 28 states again" \
	    wait_for 5 more
else
	fail "lvsd's pid from hactl show procs"
fi

# Reload with no change: every check keeps its state, nothing is logged
# as a change.
before=$(grep -c "$C .*: \(up\|down\): " "$LOG")
"$BUILD/hactl" -s "$T/had.sock" reload check >/dev/null 2>&1
sleep 1.5
after=$(grep -c "$C .*: \(up\|down\): " "$LOG")
check "reload without change: no check changes state ($before, $after)" \
    [ "$before" = "$after" ]

# Reload with one more virtual server: the 29 checks that stay keep their
# state and go on running on the new config (checkd frees the old one);
# the new check runs too.
vs 1099 198.18.0.10 80 'TCP_CHECK { connect_timeout 1 }' >>"$T/had.conf"
before=$(grep -c "$C .*: \(up\|down\): " "$LOG")
r0=$(grep -c "$V:1001): pass" "$LOG")
"$BUILD/hactl" -s "$T/had.sock" reload check >/dev/null 2>&1
new_runs() { grep -q "TCP_CHECK 198.18.0.10:80 $V:1099): pass" "$LOG"; }
check "reload with a new virtual server: its check runs" wait_for 6 new_runs
kept_runs() { [ "$(grep -c "$V:1001): pass" "$LOG")" -ge $((r0 + 2)) ]; }
check "reload with a new virtual server: a kept check goes on" \
    wait_for 6 kept_runs
after=$(grep -c "$C .*: \(up\|down\): " "$LOG")
check "reload with a new virtual server: no kept check changes state ($before, $after)" \
    [ "$before" = "$after" ]

# Busy: 600 more TCP checks a second keep the timing wheel ticking on
# every step of its grid, so checkd collects the answers on its ticks
# instead of waking for each (checkd/check_poll.c).  Every check must be
# judged as before: the new ones all up and running rounds, the others
# (timeouts against silent servers included) without a change of state.
{
	printf 'virtual_server 198.18.0.100 1098 {\n\tdelay_loop 1\n\tlb_algo rr\n\tlb_kind NAT\n\tprotocol TCP\n'
	for p in $(seq 20001 20600); do
		printf '\treal_server 198.18.0.10 %s {\n\t\tTCP_CHECK {\n\t\t\tconnect_port 80\n\t\t\tconnect_timeout 1\n\t\t}\n\t}\n' "$p"
	done
	echo '}'
} >>"$T/had.conf"
"$BUILD/hactl" -s "$T/had.sock" log brief >/dev/null 2>&1
before=$(grep -c "$C .*: \(up\|down\): " "$LOG")
"$BUILD/hactl" -s "$T/had.sock" reload check >/dev/null 2>&1
busy_rounds() {	# every one of the 600 checks up and at least $1 rounds run
	"$BUILD/hactl" -s "$T/had.sock" show checks -j >"$T/busy.json" 2>/dev/null &&
	    [ "$(json_get "$T/busy.json" "sum(1 for r in d if r['virtual_server'].endswith(':1098') and r['state'] == 'up' and r['rounds'] >= $1)")" = 600 ]
}
check "busy: 600 more checks, all up after 3 rounds each" wait_for 10 busy_rounds 3
sleep 2
after=$(grep -c "$C .*: \(up\|down\): " "$LOG")
check "busy: no check changed state ($before, $after)" [ "$before" = "$after" ]
"$BUILD/hactl" -s "$T/had.sock" show checks -j >"$T/busy.json" 2>/dev/null
check "busy: the silent server's HTTP check is still down on a read timeout" \
    [ "$(json_get "$T/busy.json" "[r['reason'] for r in d if r['virtual_server'].endswith(':1008')][0]")" = "read timeout after 1 s on /" ]
check "busy: the 503 check is still down for its status" \
    [ "$(json_get "$T/busy.json" "[r['reason'] for r in d if r['virtual_server'].endswith(':1005')][0]")" = "HTTP 503 from /fail" ]
lat=$(json_get "$T/busy.json" "max(r['latency_ms'] for r in d if r['virtual_server'].endswith(':1098'))")
check "busy: latencies within a tick or two of loopback (max ${lat} ms < 50)" [ "${lat:-999}" -lt 50 ]

check "had still runs" kill -0 "$HADPID"
if grep -Eq 'AddressSanitizer|runtime error:|LeakSanitizer' "$LOG"; then
	fail "sanitizer reports in the log"
	grep -E -A20 'AddressSanitizer|runtime error:' "$LOG" | head -40
else
	pass "no sanitizer report in the log"
fi
summary
