# Sourced by the VM benchmarks (bench_*_vm.sh) from the top of the tree:
# BUILD (build), PY (the system python3, for the guest helpers' shebangs)
# and the programs the guest gets, or an exit saying which is missing.
# Usage: . tests/bench/bench_vm.sh NAME
: "${BUILD:=build}"
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
for p in had lvsd checkd vrrpd bfdd hactl; do
	[ -x "$BUILD/$p" ] || { echo "$1: $BUILD/$p is not built (make)" >&2; exit 1; }
done
