# The keyword tables of common/conf_parse.c, one line per entry:
# "table keyword macro" (macro: STR, UINT, UNSUPP, KW_BASE, ...).  An
# entry starts a line with a tab and a macro or "{ KW_BASE("; its name is
# the first string literal.  Continuation lines start with more white
# space and no macro.  A line that starts an entry but yields no name is
# printed as "UNPARSED line" so that a new table style cannot slip
# through.  Used by tests/check_conf_doc.sh and tests/check_keywords.sh.
/^(static )?const struct conf_kw [A-Za-z0-9_]+\[\] *= *\{/ {
	match($0, /conf_kw [A-Za-z0-9_]+/)
	tab = substr($0, RSTART + 8, RLENGTH - 8)
	intab = 1
	next
}
intab && /^\};/ { intab = 0; next }
intab && /^\t[A-Z{]/ {
	if ($0 ~ /KW_END/)
		next
	if (match($0, /^\t(\{ *KW_BASE\(|[A-Z_]+\()"[^"]+"/)) {
		s = substr($0, RSTART, RLENGTH)
		m = s
		sub(/^\t\{? */, "", m)
		sub(/\(.*/, "", m)
		sub(/^[^"]*"/, "", s)
		sub(/"$/, "", s)
		print tab, s, m
	} else
		print "UNPARSED", $0
}
