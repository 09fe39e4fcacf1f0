#!/bin/bash
# lflows.sh VIP PORT N STOPFILE MAXSECS: N long TCP flows (N source
# ports) to an echo service at VIP:PORT.  Opens them, says "opened N" on
# stderr, then every 0.5 s sends a line on each (in a random order) and
# reads it back (5 s at most: TCP's retransmissions while the routers
# move); a flow that does not echo is broken and closed.  Runs until STOPFILE exists or for
# MAXSECS; prints "open O broken B" on stdout.
set -u
vip=$1 port=$2 n=$3 stop=$4 max=$5
# A write on a reset flow fails instead of killing the shell.
trap '' PIPE
declare -a fds
opened=0 broken=0 i=0
while [ $i -lt "$n" ]; do
	if exec {fd}<>"/dev/tcp/$vip/$port"; then
		fds[$i]=$fd
		opened=$((opened + 1))
	fi
	i=$((i + 1))
done
echo "opened $opened" >&2
end=$((SECONDS + max))
while [ ! -e "$stop" ] && [ $SECONDS -lt $end ]; do
	# In a new order every round: a director that schedules the moved
	# flows round robin meets them in another order than the first one.
	for i in $(shuf -e "${!fds[@]}"); do
		fd=${fds[$i]}
		if printf 'flow %d\n' "$i" >&"$fd" 2>/dev/null &&
		    read -r -t 5 -u "$fd" line && [ "$line" = "flow $i" ]; then
			continue
		fi
		echo "flow $i broken at ${SECONDS}s" >&2
		broken=$((broken + 1))
		exec {fd}>&-
		unset "fds[$i]"
	done
	sleep 0.5
done
echo "open $opened broken $broken"
