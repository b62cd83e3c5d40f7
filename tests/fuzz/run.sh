#!/bin/sh
# run.sh - the libFuzzer harnesses, briefly: a wrapper around `make fuzz`,
# which the build owns (Makefile.am, section "fuzz").
#
#   tests/fuzz/run.sh [SECONDS [HARNESS...]]   (default 60 s each, all seven)
#
# Run it from a configured tree.  FUZZ_OUT=dir puts the fuzzing build
# (and the scratch corpora) there instead of fuzz-build/.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
[ -f "$top/Makefile" ] || { echo "run.sh: run ./bootstrap first (no Makefile)"; exit 2; }
secs=${1:-60}
[ $# -gt 0 ] && shift
harnesses=${*:-base64 jsonx tensor npy npz router npzreq}
exec make -s -C "$top" fuzz FUZZ_SECONDS="$secs" FUZZ_HARNESSES="$harnesses" \
	FUZZ_BUILD="${FUZZ_OUT:-fuzz-build}"
