#!/bin/bash
# keepalived's own sample configurations (Debian's keepalived package,
# /usr/share/doc/keepalived/samples) load under "had -n --compat": the
# test fails if had would refuse one, and prints how many load with
# nothing ignored and, for the others, which keywords are ignored.
set -u
cd "$(dirname "$0")/.."
. tests/lib.sh
. tests/ka_files.sh

HAD=$BUILD/had
if [ ! -x "$HAD" ]; then
	skip "$HAD is not built"
	summary
	exit 0
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

dir=$(ka_file /usr/share/doc/keepalived/samples)
if [ -z "$dir" ]; then
	skip "keepalived's samples are neither installed nor in a keepalived .deb (scripts/setup-deps.sh installs keepalived)"
	summary
	exit 0
fi
echo "keepalived $(ka_version): $dir"

n=0
clean=0
for f in "$dir"/keepalived.conf.*; do
	[ -f "$f" ] || continue
	name=$(basename "$f")
	case $name in
	*.gz)	name=${name%.gz}
		zcat "$f" >"$T/$name" || continue
		f=$T/$name ;;
	esac
	n=$((n + 1))
	"$HAD" -n --compat -f "$f" >"$T/out" 2>&1
	rc=$?
	sum=$(tail -1 "$T/out")
	case $name in
	keepalived.conf.vrrp.rules)
		# The sample itself has "to 192.168.100./24": keepalived skips
		# the line, had refuses a config mistake.  Refused for that and
		# nothing else.
		errs=$(grep -c ': error: ' "$T/out")
		bad=$(grep -c ": error: to: '192.168.[12]00./24' is not a valid IP" "$T/out")
		check "$name is refused only for its own invalid addresses ($bad of $errs errors)" \
		    [ "$rc" -ne 0 ] && [ "$errs" -gt 0 ] && [ "$errs" = "$bad" ]
		continue ;;
	esac
	check "$name loads under had -n --compat (${sum##*: })" [ "$rc" -eq 0 ]
	if [ "$rc" -eq 0 ] && grep -q ': 0 ignored, ' "$T/out"; then
		clean=$((clean + 1))
	else
		# The keywords ignored, once each.
		ign=$(sed -n "s/^[^ ]*: ignored: '\([^']*\)'.*/\1/p" "$T/out" |
		    sort | uniq -c | awk '{ printf " %s(%d)", $2, $1 }')
		echo "    $name: ignored:$ign"
	fi
done
check "keepalived ships sample configurations ($n, at least 20)" [ "$n" -ge 20 ]
echo "keepalived samples that load with nothing ignored: $clean of $n"
summary
