#!/bin/sh
# run.sh - build mmd_bench against the built libevald and run
# mmd_bench.py: evald_mmd's permutation test vs MMDDrift's in NumPy.
#   bench/mmd/run.sh [--n 2000 --d 512 --perms 1000 --rounds 3]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${BUILDDIR:-$top}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cc -O2 -I"$top/include" -o "$tmp/mmd_bench" "$here/mmd_bench.c" \
	-L"$build/.libs" -Wl,-rpath,"$build/.libs" -levald
/usr/bin/python3 "$here/mmd_bench.py" "$tmp/mmd_bench" "$@"
