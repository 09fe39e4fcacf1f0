#!/bin/bash
# checkd initialises OpenSSL at its first HTTP_GET or SSL_GET, inside its
# chroot and seccomp filter, from the configuration file and CA bundle it
# opened before the chroot (issue 19): TCP checks alone never load it,
# and the configuration still counts.  Against a TLS 1.2-only server
# (python3's ssl module, a throwaway certificate): an SSL_GET is up with
# the system's configuration, and down with OPENSSL_CONF naming one that
# demands TLS 1.3, which checkd could only have read through its
# descriptor.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
. tests/lab.sh
need_root
# had is stopped twice below: LeakSanitizer cannot stop the world inside
# a child's seccomp filter at its exit.
if [ "$(basename "$BUILD")" = build-san ]; then
	export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
fi
command -v openssl >/dev/null || { skip "openssl is not installed"; summary; exit 0; }

lab_init || { fail "lab_init"; summary; exit 1; }
lab_node a 198.18.0.1/24
D=$LAB_DIR
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
    -nodes -keyout "$D/key.pem" -out "$D/cert.pem" -days 2 \
    -subj /CN=www.test >/dev/null 2>&1 || fail "openssl req"
lab_spawn a python3 -c '
import http.server, ssl, sys
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.maximum_version = ssl.TLSVersion.TLSv1_2
ctx.load_cert_chain(sys.argv[1], sys.argv[2])
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")
    def log_message(self, *a):
        pass
s = http.server.HTTPServer(("198.18.0.1", 8443), H)
s.socket = ctx.wrap_socket(s.socket, server_side=True)
s.serve_forever()' "$D/cert.pem" "$D/key.pem" >"$D/server.log" 2>&1

cat >"$D/tcp.conf" <<'CONF'
virtual_server 198.18.0.80 443 {
	delay_loop 1
	lb_algo rr
	lb_kind NAT
	real_server 198.18.0.1 8443 {
		weight 1
		TCP_CHECK {
			connect_timeout 1
		}
	}
}
CONF
sed 's/TCP_CHECK {/SSL_GET {\n\t\t\turl {\n\t\t\t\tpath \/\n\t\t\t\tstatus_code 200\n\t\t\t}/' \
    "$D/tcp.conf" >"$D/ssl.conf"
cat >"$D/tls13.cnf" <<'CNF'
openssl_conf = init
[init]
ssl_conf = ssl
[ssl]
system_default = sys
[sys]
MinProtocol = TLSv1.3
CNF

maps() { grep -c libssl "/proc/$(lab_child_pid a checkd)/maps"; }
pages() {	# kB of libcrypto that checkd has touched
	awk '/libcrypto/ {f = 1; next} /^[0-9a-f]+-/ {f = 0}
	    f && /^Rss:/ {s += $2} END {print s + 0}' \
	    "/proc/$(lab_child_pid a checkd)/smaps"
}
up() { lab_hactl a show checks -j 2>/dev/null | grep -q '"state": "up"'; }
down_for() {	# reason text
	grep -q "real server 198.18.0.1:8443 (vs 198.18.0.80:443): down: $1" \
	    "$LAB_DIR/a/had.log"
}

# TCP checks only: OpenSSL is mapped but never initialised.
lab_start_had a "$D/tcp.conf" -v || { fail "had up"; summary; exit 1; }
check "the TCP check is up" wait_for 5 up
kb=$(pages)
check "checkd has touched little of libcrypto ($kb kB)" [ "$kb" -lt 2500 ]
check "no OpenSSL initialisation logged" \
    sh -c "! grep -q 'OpenSSL initialised' '$LAB_DIR/a/had.log'"

# A reload brings the first SSL_GET: OpenSSL in the sandbox, the CA
# bundle through the descriptor.
cp "$D/ssl.conf" "$D/tcp.conf"
check "reload to an SSL_GET" lab_hactl a reload
check "OpenSSL initialised at the first TLS check" \
    wait_for 5 grep -q "checkd: OpenSSL initialised" "$LAB_DIR/a/had.log"
n=$(sed -n 's/.*checkd: \([0-9]*\) certificates from .*/\1/p' "$LAB_DIR/a/had.log")
want=$(grep -c "BEGIN CERTIFICATE" /etc/ssl/certs/ca-certificates.crt 2>/dev/null)
check "the CA bundle read in the chroot: $n of $want certificates" \
    [ -n "$n" -a "$n" = "$want" ]
check "the SSL_GET is up against TLS 1.2" wait_for 6 up
check "checkd was not killed by its filter" \
    [ "$(lab_hactl a show procs -j | json_get /dev/stdin \
    '[r["restarts"] for r in d if r["name"] == "checkd"][0]')" = 0 ]
lab_stop_had a

# The same with a configuration that wants TLS 1.3: read it did.
: >"$LAB_DIR/a/had.log"
OPENSSL_CONF=$D/tls13.cnf lab_start_had a "$D/ssl.conf" -v ||
    { fail "had up"; summary; exit 1; }
check "OPENSSL_CONF's MinProtocol TLSv1.3 holds in the chroot: down" \
    wait_for 6 down_for "TLS handshake failed"
check "for the protocol version (the server speaks TLS 1.2 only)" \
    down_for "TLS handshake failed: tlsv1 alert protocol version"
lab_stop_had a
lab_end_checks a
summary
