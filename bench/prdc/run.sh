#!/bin/sh
# run.sh - build prdc_bench against the built libevald and run
# prdc_bench.py: evald_prdc vs the prdc package's algorithm in NumPy.
#   bench/prdc/run.sh [N [D [K]]]   (defaults 10000 2048 5)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${BUILDDIR:-$top}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cc -O2 -I"$top/include" -o "$tmp/prdc_bench" "$here/prdc_bench.c" \
	-L"$build/.libs" -Wl,-rpath,"$build/.libs" -levald
/usr/bin/python3 "$here/prdc_bench.py" "$tmp/prdc_bench" "${1:-10000}" \
	"${2:-2048}" "${3:-5}"
