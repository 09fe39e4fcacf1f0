#!/bin/bash
# hactl serve: /metrics that promtool accepts and that is hactl show
# metrics; every /api/v1 document and every hactl -j document valid
# against doc/schema; drain over POST refused without -w, without the
# token or with a wrong one (nothing changes), done with the right one;
# the status page in headless Chromium shows the instances and their
# states (from the DOM, a screenshot kept); hostile clients (a flood of
# connections, oversized requests, path traversal) change nothing.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
need_root
. tests/lab.sh

PORT=9180	# -w, token
PORT_RO=9181	# read-only
lab_init
lab_node a 198.18.0.1/24
cat >"$LAB_DIR/a.conf" <<'CONF'
vrrp_instance VI_S {
	state BACKUP
	interface eth0
	virtual_router_id 71
	priority 120
	advert_int 0.1
	vrrp_version 3
	virtual_ipaddress {
		198.18.0.71/24
	}
}
vrrp_instance VI_T {
	state BACKUP
	interface eth0
	virtual_router_id 72
	priority 110
	advert_int 0.1
	virtual_ipaddress {
		198.18.0.72/24
	}
}
virtual_server 198.18.0.71 80 {
	delay_loop 1
	lb_algo rr
	lb_kind NAT
	real_server 198.18.0.80 80 {
		weight 3
	}
	real_server 198.18.0.81 80 {
		weight 2
		TCP_CHECK {
			connect_timeout 1
		}
	}
}
CONF
lab_start_had a "$LAB_DIR/a.conf" || { fail "had up"; summary; exit 1; }
check "VI_S becomes master" lab_wait_state a VI_S MASTER 5
check "VI_T becomes master" lab_wait_state a VI_T MASTER 5

SOCK=$LAB_DIR/a/had.sock
TOKEN=$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')
printf '%s\n' "$TOKEN" >"$LAB_DIR/token"
chmod 600 "$LAB_DIR/token"
in_a() { ip netns exec "$LAB-a" "$@"; }
serve() {	# port [options]: hactl serve as root (it drops to _had)
	local port=$1
	shift
	ip netns exec "$LAB-a" "$BUILD/hactl" -s "$SOCK" serve \
	    -l "127.0.0.1:$port" -d hactl/www "$@" \
	    >>"$LAB_DIR/serve-$port.log" 2>&1 &
	lab_track_pid $!
	eval "SERVE_$port=$!"
}
get() {	# port path [curl args]: the body on stdout, fails on HTTP >= 400
	local port=$1 path=$2
	shift 2
	in_a curl -sf --max-time 10 "$@" "http://127.0.0.1:$port$path"
}
code() {	# port path [curl args]: the HTTP status
	local port=$1 path=$2
	shift 2
	in_a curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$@" \
	    "http://127.0.0.1:$port$path"
}

if ! command -v curl >/dev/null; then
	skip "curl is missing (scripts/setup-deps.sh installs it)"
	summary
	exit 0
fi
serve $PORT -w "$LAB_DIR/token"
serve $PORT_RO
check "hactl serve answers (with -w)" wait_for 10 get $PORT /metrics
check "hactl serve answers (read-only)" wait_for 10 get $PORT_RO /metrics

# Root is dropped: _had's uid, no capability, no new privileges.
st=/proc/$SERVE_9180/status
uid=$(awk '/^Uid:/ { print $2 }' "$st")
check "serve runs as _had (uid $uid), not root" [ "$uid" = "$(id -u _had)" ]
check "serve has no capability" grep -q '^CapEff:[[:space:]]*0*$' "$st"
check "serve has no_new_privs" grep -q '^NoNewPrivs:[[:space:]]*1' "$st"

# /metrics: promtool, and the same series as hactl show metrics.
M=$LAB_DIR/metrics.txt
get $PORT_RO /metrics >"$M"
if command -v promtool >/dev/null; then
	out=$(promtool check metrics <"$M" 2>&1); rc=$?
	check "promtool check metrics accepts /metrics ($out)" [ $rc -eq 0 ]
else
	fail "promtool is missing (scripts/setup-deps.sh installs prometheus)"
fi
series() { grep -v '^#' "$1" | sed 's/ [^ ]*$//' | sort; }
"$BUILD/hactl" -s "$SOCK" show metrics >"$LAB_DIR/metrics-cli.txt"
check "/metrics has the series of hactl show metrics ($(series "$M" | wc -l))" \
    cmp -s <(series "$M") <(series "$LAB_DIR/metrics-cli.txt")
check "/metrics: VI_S MASTER" grep -qxF \
    'had_vrrp_state{instance="VI_S",interface="eth0",vrid="71",state="MASTER"} 1' "$M"
ctype=$(in_a curl -s -o /dev/null -w '%{content_type}' \
    "http://127.0.0.1:$PORT_RO/metrics")
check "/metrics content type is the exposition format ($ctype)" \
    [ "$ctype" = "text/plain; version=0.0.4; charset=utf-8" ]

# gzip for a client that asks (Prometheus does), none for one that
# refuses it with q=0; the same text once inflated (one cached scrape:
# -c is 1000 ms, the three requests are taken within it).
hdr() {	# port path accept-encoding: the response headers, lower case
	in_a curl -s -o "$LAB_DIR/body" -D - --max-time 10 \
	    -H "Accept-Encoding: $3" "http://127.0.0.1:$1$2" |
	    tr -d '\r' | tr 'A-Z' 'a-z'
}
get $PORT_RO /metrics >"$LAB_DIR/m-plain.txt"
h=$(hdr $PORT_RO /metrics "deflate, gzip;q=0.8")
check "/metrics is gzipped for Accept-Encoding: deflate, gzip;q=0.8" \
    grep -qx 'content-encoding: gzip' <<<"$h"
check "/metrics says Vary: Accept-Encoding" grep -qx 'vary: accept-encoding' <<<"$h"
zlen=$(stat -c %s "$LAB_DIR/body")
gunzip -c <"$LAB_DIR/body" >"$LAB_DIR/m-gz.txt" 2>/dev/null
check "/metrics inflated is the plain text ($zlen bytes for $(stat -c %s "$LAB_DIR/m-plain.txt"))" \
    cmp -s "$LAB_DIR/m-plain.txt" "$LAB_DIR/m-gz.txt"
h=$(hdr $PORT_RO /metrics "gzip;q=0")
check "/metrics is not gzipped for gzip;q=0" \
    eval '! grep -q "^content-encoding" <<<"$h"'
check "/metrics sent plain for q=0 is the text" cmp -s "$LAB_DIR/m-plain.txt" "$LAB_DIR/body"

# Every document, over HTTP and from hactl -j, against its schema.
# (One python3 for all: importing jsonschema takes half a second.)
V=tests/integration/json_schema.py
docs=""
for d in procs vrrp lvs checks history; do
	get $PORT_RO /api/v1/$d >"$LAB_DIR/api-$d.json"
	what=$d
	[ $d = history ] && what="history 50"
	"$BUILD/hactl" -s "$SOCK" -j show $what >"$LAB_DIR/cli-$d.json" \
	    2>/dev/null
	docs="$docs $d:$LAB_DIR/api-$d.json $d:$LAB_DIR/cli-$d.json"
done
check "/api/v1/vrrp lists VI_S and VI_T" [ "$(json_get "$LAB_DIR/api-vrrp.json" \
    'sorted(r["name"] for r in d) == ["VI_S", "VI_T"]')" = True ]
check "/api/v1/checks has the TCP_CHECK" \
    [ "$(json_get "$LAB_DIR/api-checks.json" 'len(d)')" = 1 ]
"$BUILD/hactl" -j -s "$LAB_DIR/nonexistent.sock" show procs \
    >"$LAB_DIR/err.json" 2>/dev/null; erc=$?
"$BUILD/hactl" -j -s "$SOCK" log brief >"$LAB_DIR/result.json"
timeout 1.5 "$BUILD/hactl" -j -s "$SOCK" events >"$LAB_DIR/events.json" \
    2>/dev/null &
evpid=$!
sleep 0.5
"$BUILD/hactl" -s "$SOCK" drain 198.18.0.71:80 198.18.0.80:80 >/dev/null
"$BUILD/hactl" -s "$SOCK" undrain 198.18.0.71:80 198.18.0.80:80 >/dev/null
wait $evpid
python3 $V $docs error:"$LAB_DIR/err.json" result:"$LAB_DIR/result.json" \
    lines=event:"$LAB_DIR/events.json" >"$LAB_DIR/valid.txt" 2>&1
valid() {	# kind file
	grep -qxF "ok $1 $2" "$LAB_DIR/valid.txt"
}
why() { grep -F " $1 $2" "$LAB_DIR/valid.txt" | grep -v '^ok' | head -c 300; }
for d in procs vrrp lvs checks history; do
	f=$LAB_DIR/api-$d.json
	check "/api/v1/$d validates against doc/schema/$d.json $(why $d "$f")" \
	    valid $d "$f"
	f=$LAB_DIR/cli-$d.json
	check "hactl -j show $d validates $(why $d "$f")" valid $d "$f"
done
err_ok() { [ $erc -ne 0 ] && valid error "$LAB_DIR/err.json"; }
check "hactl -j error: exit $erc, JSON on stdout that validates $(why error "$LAB_DIR/err.json")" \
    err_ok
check "hactl -j log: a result document that validates $(why result "$LAB_DIR/result.json")" \
    valid result "$LAB_DIR/result.json"
check "hactl -j events: $(grep -c . "$LAB_DIR/events.json") lines that validate $(why event "$LAB_DIR/events.json")" \
    valid event "$LAB_DIR/events.json"
check "/api/v1/nothing: 404 with a JSON error" \
    [ "$(code $PORT_RO /api/v1/nothing)" = 404 ]

# Drain over POST.
drained() {	# "True" or "False" for 198.18.0.80:80
	"$BUILD/hactl" -s "$SOCK" -j show lvs >"$LAB_DIR/lvs.json" \
	    2>/dev/null &&
	    json_get "$LAB_DIR/lvs.json" \
	    '[x["drained"] for s in d for x in s["reals"] if x["real"] == "198.18.0.80:80"][0]'
}
FORM="vs=198.18.0.71:80&rs=198.18.0.80:80"
c=$(code $PORT_RO /api/v1/drain -X POST -d "$FORM" \
    -H "Authorization: Bearer $TOKEN")
check "read-only serve: POST drain with the token refused ($c)" [ "$c" = 403 ]
c=$(code $PORT /api/v1/drain -X POST -d "$FORM")
check "POST drain without a token: 401 ($c)" [ "$c" = 401 ]
c=$(code $PORT /api/v1/drain -X POST -d "$FORM" \
    -H "Authorization: Bearer ${TOKEN%?}x")
check "POST drain with a wrong token: 403 ($c)" [ "$c" = 403 ]
c=$(code $PORT /api/v1/drain -X POST -d "$FORM" \
    -H "Authorization: Bearer ${TOKEN}0")
check "POST drain with the token and a byte more: 403 ($c)" [ "$c" = 403 ]
check "refused drains changed nothing" [ "$(drained)" = False ]
c=$(code $PORT /api/v1/drain -X GET)
check "GET of an action is not a drain ($c)" [ "$c" = 404 ]
c=$(code $PORT /api/v1/drain -X POST -d "$FORM" \
    -H "Authorization: Bearer $TOKEN")
check "POST drain with the token: 200 ($c)" [ "$c" = 200 ]
check "the real server is drained" [ "$(drained)" = True ]
c=$(code $PORT /api/v1/undrain -X POST -d "$FORM" \
    -H "Authorization: Bearer $TOKEN")
check "POST undrain with the token: 200 ($c), not drained" \
    [ "$c" = 200 -a "$(drained)" = False ]

# Hostile clients.
for p in '/../../../etc/passwd' '/%2e%2e/%2e%2e/etc/passwd' \
    '/style.css/../../../../etc/passwd' '//etc/passwd' '/..%2f..%2fetc%2fpasswd' \
    '/app.js%00.html' '/www/index.html'; do
	body=$(in_a curl -s --path-as-is --max-time 5 \
	    "http://127.0.0.1:$PORT_RO$p")
	c=$(code $PORT_RO "$p" --path-as-is)
	case $body in *root:*) leak=yes ;; *) leak=no ;; esac
	check "path $p: $c, nothing of /etc/passwd" \
	    [ \( "$c" = 404 -o "$c" = 400 \) -a $leak = no ]
done
H=tests/integration/serve_hostile.py
s=$(in_a python3 $H 127.0.0.1 $PORT_RO "$SERVE_9181" oversize)
check "request of 100 KB refused ($s)" \
    sh -c "[ '$s' = 413 ] || [ '$s' = 400 ] || [ '$s' = 431 ] || [ '$s' = closed ]"
s=$(in_a python3 $H 127.0.0.1 $PORT "$SERVE_9180" body)
check "POST body of 64 KB refused ($s)" \
    sh -c "[ '$s' = 413 ] || [ '$s' = closed ]"
set -- $(in_a python3 $H 127.0.0.1 $PORT_RO "$SERVE_9181" flood)
# RLIMIT_NOFILE 80; a sanitizer's runtime may hold one or two more.
check "150 connections at once: serve held at most $2 descriptors (limit 80)" \
    [ "${2:-999}" -le 82 ]
check "serve answers after the flood" wait_for 15 get $PORT_RO /api/v1/procs
check "both servers still running" kill -0 "$SERVE_9180" "$SERVE_9181"

# The status page in headless Chromium.
CHROME=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROME" ]; then
	skip "status page: chromium is missing (scripts/setup-deps.sh installs it)"
else
	copts="--headless --no-sandbox --disable-gpu --disable-dev-shm-usage
	    --no-first-run --user-data-dir=$LAB_DIR/chromium
	    --virtual-time-budget=6000 --window-size=1280,900"
	in_a timeout 40 "$CHROME" $copts --dump-dom \
	    "http://127.0.0.1:$PORT_RO/" >"$LAB_DIR/dom.html" \
	    2>"$LAB_DIR/chromium.log"
	if ! grep -q '<html' "$LAB_DIR/dom.html"; then
		skip "status page: chromium cannot run here ($(grep -v '^$' "$LAB_DIR/chromium.log" | tail -n 1))"
	else
		for i in VI_S VI_T; do
			check "status page DOM: $i is MASTER" grep -q \
			    "<tr data-instance=\"$i\" data-state=\"MASTER\">" \
			    "$LAB_DIR/dom.html"
		done
		check "status page DOM: real server 198.18.0.81:80 listed" \
		    grep -q 'data-real="198.18.0.81:80"' "$LAB_DIR/dom.html"
		check "status page DOM: refreshed without error" \
		    grep -q '<span id="updated" class="">updated ' "$LAB_DIR/dom.html"
		in_a timeout 40 "$CHROME" $copts \
		    --screenshot="$LAB_DIR/status.png" \
		    "http://127.0.0.1:$PORT_RO/" >/dev/null 2>&1
		check "status page screenshot written ($LAB_DIR/status.png, $(stat -c %s "$LAB_DIR/status.png" 2>/dev/null) bytes)" \
		    sh -c "[ \"\$(head -c 4 '$LAB_DIR/status.png' | od -An -tx1 | tr -d ' ')\" = 89504e47 ]"
		[ -n "${SERVE_SHOT:-}" ] && cp "$LAB_DIR/status.png" "$SERVE_SHOT"
	fi
fi
echo "test_serve: $SECONDS s"
summary
