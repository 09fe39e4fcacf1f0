#!/bin/bash
# Every keyword of keepalived.conf(5), as the installed keepalived ships
# it, is either implemented by had or on had.conf(5)'s list of keywords
# it does not implement (section KEEPALIVED KEYWORDS NOT SUPPORTED, with
# the reason).  Prints the counts; fails on a keyword that is neither.
#
# keepalived's keywords: the bold words that start a line of its manual's
# source (a keyword line of the config examples, "\fBkeyword\fR args").
# had's: the keyword tables of common/conf_parse.c (tests/conf_kw.awk);
# an entry made with UNSUPP() is ignored with a warning, not implemented.
set -u
cd "$(dirname "$0")/.."
. tests/lib.sh
. tests/ka_files.sh

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
MAN=man/had.conf.5
SRC=common/conf_parse.c

kaman=$(ka_file /usr/share/man/man5/keepalived.conf.5.gz)
if [ -z "$kaman" ]; then
	skip "keepalived.conf(5) is neither installed nor in a keepalived .deb (scripts/setup-deps.sh installs keepalived)"
	summary
	exit 0
fi
echo "keepalived $(ka_version): $kaman"

# Words that the regular expression takes but are prose, not keywords.
zcat -f "$kaman" | perl -ne \
    'print "$1\n" if /^\s*\\fB([A-Za-z_][A-Za-z0-9_-]*+)(?:\\fR(?![:,.])|\s*$| \\fR| \[|\|)/' |
    grep -vxE 'NOT' | sort -u >"$T/ka"
nka=$(wc -l <"$T/ka")
# A floor against an extraction that silently finds too little.
check "keepalived.conf(5): $nka keywords found (at least 250)" [ "$nka" -ge 250 ]

awk -f tests/conf_kw.awk "$SRC" >"$T/had.tab"
check "every keyword table entry of $SRC has a name" \
    sh -c "! grep -q '^UNPARSED' '$T/had.tab'"
# include is the lexer's, not a table's.
{ awk '$3 !~ /^UNSUPP/ { print $2 }' "$T/had.tab"; echo include; } |
    sort -u >"$T/impl"
awk '{ print $2 }' "$T/had.tab" | sort -u >"$T/known"
awk '$3 ~ /^UNSUPP/ { print $2 }' "$T/had.tab" | sort -u >"$T/unsupp"

# had.conf(5)'s list: the .It Ic items of the section, less the other
# spellings (those are implemented), as "subsection keyword".
awk '
/^\.Sh / { insec = ($0 ~ /^\.Sh KEEPALIVED KEYWORDS NOT SUPPORTED/); ss = "-" }
insec && /^\.Ss / { ss = $2 }
insec && ss != "Other" && /^\.It Ic [^ ]+/ { print ss, $3 }
' "$MAN" >"$T/doc.ss"
awk '{ print $2 }' "$T/doc.ss" | sort -u >"$T/doc"
awk '$1 == "Refused" { print $2 }' "$T/doc.ss" | sort -u >"$T/doc.refused"
awk '$1 == "Inside" { print $2 }' "$T/doc.ss" | sort -u >"$T/doc.inside"
awk '$1 != "Refused" && $1 != "Inside" { print $2 }' "$T/doc.ss" |
    sort -u >"$T/doc.ignored"
ndoc=$(wc -l <"$T/doc")
check "had.conf(5) lists keywords not implemented ($ndoc)" [ "$ndoc" -ge 100 ]

comm -12 "$T/ka" "$T/impl" >"$T/ka.impl"
comm -23 "$T/ka" "$T/impl" >"$T/ka.not"
comm -12 "$T/ka.not" "$T/doc" >"$T/ka.doc"
comm -12 "$T/ka.doc" "$T/doc.ignored" >"$T/ka.warn"
comm -12 "$T/ka.doc" "$T/doc.inside" >"$T/ka.inside"
comm -12 "$T/ka.doc" "$T/doc.refused" >"$T/ka.refused"
comm -23 "$T/ka.not" "$T/doc" >"$T/ka.unknown"
echo "keepalived.conf(5) keywords: $nka; implemented by had: $(wc -l <"$T/ka.impl");" \
    "not implemented and documented: $(wc -l <"$T/ka.doc")" \
    "(ignored with a warning $(wc -l <"$T/ka.warn"), inside an ignored block $(wc -l <"$T/ka.inside"), refused $(wc -l <"$T/ka.refused"));" \
    "unknown: $(wc -l <"$T/ka.unknown")"
# Read and warned about as having no effect yet (FLAGN): in the count of
# implemented ones, named here.
noeff=$(awk '$3 == "FLAGN" { print $2 }' "$T/had.tab" | sort -u | tr '\n' ' ')
[ -n "$noeff" ] && echo "of which read with a warning that they have no effect yet: $noeff"
if [ -s "$T/ka.unknown" ]; then
	fail "keepalived keywords neither implemented nor in had.conf(5)'s KEEPALIVED KEYWORDS NOT SUPPORTED: $(tr '\n' ' ' <"$T/ka.unknown")"
else
	pass "every keepalived.conf(5) keyword is implemented or documented as not"
fi

# The other way: what had ignores with a warning is in that section.
comm -23 "$T/unsupp" "$T/doc" >"$T/undoc"
if [ -s "$T/undoc" ]; then
	fail "keywords had ignores but had.conf(5)'s section does not list: $(tr '\n' ' ' <"$T/undoc")"
else
	pass "every keyword had ignores ($(wc -l <"$T/unsupp")) is in the section"
fi

# The section is up to date: what it calls refused had does not know,
# what it calls ignored had ignores somewhere (a keyword implemented
# since must leave the list).
comm -12 "$T/doc.refused" "$T/known" >"$T/stale.refused"
check "had.conf(5): no keyword listed as refused is accepted by had ($(tr '\n' ' ' <"$T/stale.refused"))" \
    [ ! -s "$T/stale.refused" ]
comm -23 "$T/doc.ignored" "$T/unsupp" >"$T/stale.ignored"
check "had.conf(5): every keyword listed as ignored is ignored by had ($(tr '\n' ' ' <"$T/stale.ignored"))" \
    [ ! -s "$T/stale.ignored" ]

# A keyword the section calls refused is refused: had -n names it in an
# error.  One of each group is enough to catch a section out of date.
for k in startup_script nftables vrf skip_check_adv_addr; do
	grep -qx "$k" "$T/ka.refused" || continue
	case $k in
	skip_check_adv_addr)
		printf 'vrrp_instance V {\n\t%s\n\tvirtual_router_id 1\n}\n' "$k" ;;
	*)	printf 'global_defs {\n\t%s x\n}\n' "$k" ;;
	esac >"$T/r.conf"
	"$BUILD/had" -n -f "$T/r.conf" >/dev/null 2>"$T/r.err"
	rc=$?
	check "refused keyword $k: had -n exits 1 and names it ($(head -1 "$T/r.err"))" \
	    sh -c "[ $rc = 1 ] && grep -q \"error: unknown keyword '$k'\" '$T/r.err'"
done
summary
