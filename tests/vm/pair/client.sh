#!/bin/bash
# The demo's client (tests/vm/pair): an HTTP request to http://VIP/ every
# INTERVAL ms (busybox wget, 1 s timeout), at most MAX requests and MAXMS
# ms, until STOPFILE appears.  One line per failed request, then
#   RESULT sent answered failed longest-gap-ms elapsed-ms  web1=N ...
# (the gap: the longest time between two answers, or from the start to
# the first one).
# The number sent so far is written to PROGRESS, if given.
# Usage: client.sh VIP [INTERVAL [MAX [MAXMS [STOPFILE [PROGRESS]]]]]
vip=$1 iv=${2:-50} max=${3:-200} maxms=${4:-20000} stop=${5:-/tmp/demo-stop}
prog=${6:-}
ms() { MS=${EPOCHREALTIME/./}; MS=$((MS / 1000)); }
# nap SECS: sleep without a fork (a read that times out on a fifo).
mkfifo "/tmp/nap.$$" && exec 9<>"/tmp/nap.$$" && rm -f "/tmp/nap.$$"
nap() { read -r -t "$1" -u 9 _; }
ms; start=$MS
n=0 ok=0 bad=0 last=$MS gap=0
declare -A who
while [ "$n" -lt "$max" ] && [ $((MS - start)) -lt "$maxms" ] &&
    [ ! -e "$stop" ]; do
	n=$((n + 1))
	[ -n "$prog" ] && echo "$n" > "$prog"
	ms; t=$MS
	if body=$(timeout 1 wget -q -O - "http://$vip/" 2>/tmp/client-wget.err) &&
	    [ -n "$body" ]; then
		ok=$((ok + 1))
		who[$body]=$(( ${who[$body]:-0} + 1 ))
		ms
		[ $((MS - last)) -gt "$gap" ] && gap=$((MS - last))
		last=$MS
	else
		rc=$?
		bad=$((bad + 1))
		ms
		why=$(tr '\n' ' ' < /tmp/client-wget.err)
		case $rc in 124|143) why="no answer within 1 s" ;; esac
		echo "request $n failed after $((MS - t)) ms: ${why:-exit $rc}"
	fi
	ms; d=$((iv - (MS - t)))
	[ "$d" -gt 0 ] && { printf -v d '0.%03d' "$d"; nap "$d"; }
	ms
done
by=""
for k in $(printf '%s\n' "${!who[@]}" | sort); do by="$by $k=${who[$k]}"; done
echo "RESULT $n $ok $bad $gap $((MS - start)) $by"
