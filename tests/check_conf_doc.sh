#!/bin/bash
# had.conf(5) documents every keyword the parser accepts: each name in the
# keyword tables of common/conf_parse.c (struct conf_kw arrays, exported or
# static) must appear as a ".It Ic name" item in man/had.conf.5, and the page
# must be mandoc -Tlint clean.
set -u
cd "$(dirname "$0")/.."
. tests/lib.sh

SRC=common/conf_parse.c
MAN=man/had.conf.5

# One line "table keyword macro" per table entry (tests/conf_kw.awk).
KW=$(awk -f tests/conf_kw.awk "$SRC")

ntabs=$(grep -cE '^(static )?const struct conf_kw [A-Za-z0-9_]+\[\] *= *\{' "$SRC")
nent=$(printf '%s\n' "$KW" | grep -vc '^UNPARSED')
names=$(printf '%s\n' "$KW" | grep -v '^UNPARSED' | awk '{ print $2 }' | sort -u)
nnames=$(printf '%s\n' "$names" | grep -c .)
echo "keyword tables: $ntabs, entries: $nent, distinct keywords: $nnames"

if printf '%s\n' "$KW" | grep -q '^UNPARSED'; then
	fail "table entries without a recognisable name:
$(printf '%s\n' "$KW" | grep '^UNPARSED')"
else
	pass "every table entry in $SRC has a name"
fi

# Every table the header declares was found, and none is empty.
for t in $(sed -n 's/^extern const struct conf_kw \([A-Za-z0-9_]*\)\[\];/\1/p' \
    common/conf.h); do
	n=$(printf '%s\n' "$KW" | grep -c "^$t ")
	if [ "$n" -gt 0 ]; then
		pass "table $t: $n keywords"
	else
		fail "table $t: no keywords found"
	fi
done
# A floor against an extraction that silently finds too little.
check "at least 200 table entries found ($nent)" [ "$nent" -ge 200 ]

missing=""
for k in $names; do
	# Keywords are plain identifiers (with - and _); quote regex dots.
	re=$(printf '%s' "$k" | sed 's/[.[\*^$]/\\&/g')
	if ! grep -qE "^\.It Ic $re( |\$)" "$MAN"; then
		missing="$missing $k"
	fi
done
if [ -z "$missing" ]; then
	pass "all $nnames keywords documented as .It Ic items in $MAN"
else
	fail "keywords not documented in $MAN:$missing"
fi

# A keyword of several blocks is documented in each: at least as many
# items as tables that hold it.
short=""
for k in $names; do
	re=$(printf '%s' "$k" | sed 's/[.[\*^$]/\\&/g')
	want=$(printf '%s\n' "$KW" | awk -v k="$k" '$2 == k' | wc -l)
	have=$(grep -cE "^\.It Ic $re( |\$)" "$MAN")
	[ "$have" -ge "$want" ] || short="$short $k($have/$want)"
done
if [ -z "$short" ]; then
	pass "keywords of several blocks documented in each"
else
	fail "keywords documented in fewer blocks than accept them:$short"
fi

out=$(mandoc -Tlint -Wwarning "$MAN" 2>&1)
if [ -z "$out" ]; then
	pass "mandoc -Tlint -Wwarning $MAN"
else
	fail "mandoc -Tlint -Wwarning $MAN: $out"
fi

summary
