#!/bin/bash
# lvsd's files are in layers (the list at the top of lvsd/lvsd.h): a
# file calls only files below it.  Read which file defines and which
# uses each global symbol from the objects in $BUILD/obj/lvsd (nm), and
# fail on a use of a file above, so that no circle comes back.
set -u
cd "$(dirname "$0")/.."
. tests/lib.sh

OBJ=${BUILD}/obj/lvsd
HDR=lvsd/lvsd.h

if ! command -v nm >/dev/null || [ ! -f "$OBJ/lvs_table.o" ]; then
	skip "no nm or $OBJ is not built"
	summary
	exit 0
fi

# The layers, top first: the lines " *<tab>lvs_X.c<tab>..." of lvsd.h.
LAYERS=$(sed -n 's/^ \*\t\(lvs_[a-z_]*\)\.c\t.*/\1/p' "$HDR")
n=$(echo "$LAYERS" | wc -w)
if [ "$n" -lt 10 ]; then
	fail "the list of layers in $HDR has $n files"
	summary
	exit 1
fi
declare -A pos def
i=0
for f in $LAYERS; do
	pos[$f]=$i
	i=$((i + 1))
	[ -f "$OBJ/$f.o" ] || fail "$f.o listed in $HDR is not built"
done

for f in $LAYERS; do
	[ -f "$OBJ/$f.o" ] || continue
	for s in $(nm --defined-only -g "$OBJ/$f.o" | awk '{ print $3 }'); do
		def[$s]=$f
	done
done

edges=0
bad=0
for f in $LAYERS; do
	[ -f "$OBJ/$f.o" ] || continue
	for s in $(nm -u "$OBJ/$f.o" | awk '{ print $2 }'); do
		d=${def[$s]:-}
		[ -n "$d" ] && [ "$d" != "$f" ] || continue
		edges=$((edges + 1))
		if [ "${pos[$d]}" -lt "${pos[$f]}" ]; then
			fail "$f.c uses $s of $d.c, a file above it"
			bad=$((bad + 1))
		fi
	done
done
if [ "$edges" -eq 0 ]; then
	fail "no uses between the layers found: the check reads nothing"
elif [ "$bad" -eq 0 ]; then
	pass "$n files, $edges uses between them, each of a file below"
fi

# Each file of lvsd but main.c is in the list (a new file gets a place).
for c in lvsd/*.c; do
	b=$(basename "$c" .c)
	[ "$b" = main ] && continue
	[ -n "${pos[$b]:-}" ] || fail "$c is not in the layers of $HDR"
done
summary
