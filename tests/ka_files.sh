# Files of Debian's keepalived package for the check_*.sh tests that
# compare had with it: ka_file PATH prints PATH if it is installed, or
# else the same file unpacked from the package (a slim system may leave
# /usr/share/doc and /usr/share/man out): the .deb in apt's cache, or one
# apt-get downloads from Debian's archive.  Needs $T, a scratch directory.
# Prints nothing if neither works.
ka_file() {
	local deb
	if [ -e "$1" ]; then
		echo "$1"
		return 0
	fi
	if [ ! -d "$T/ka-deb" ]; then
		mkdir -p "$T/ka-deb" "$T/ka-dl"
		deb=$(ls /var/cache/apt/archives/keepalived_*.deb 2>/dev/null | tail -1)
		if [ -z "$deb" ] && command -v apt-get >/dev/null 2>&1; then
			(cd "$T/ka-dl" && timeout 60 apt-get download -q keepalived \
			    >/dev/null 2>&1)
			deb=$(ls "$T"/ka-dl/keepalived_*.deb 2>/dev/null | tail -1)
		fi
		[ -n "$deb" ] && dpkg-deb -x "$deb" "$T/ka-deb" 2>/dev/null
	fi
	[ -e "$T/ka-deb$1" ] && echo "$T/ka-deb$1"
}

ka_version() {
	dpkg-query -W -f '${Version}' keepalived 2>/dev/null ||
	    echo unknown
}
