#!/usr/bin/env bash
# service.sh - the service benchmarks (throughput, decoding, peak RSS),
# then one summary of the figures next to their targets.  See bench/README.md for what each one measures.
#
#   bench/service.sh            the full runs (about 3 minutes)
#   QUICK=1 bench/service.sh    short runs, to check that all works
#
# Run it from a built tree (make evald), on an otherwise idle machine.
# Exit status: 0 all targets met, 3 some target missed, 1 a benchmark could
# not run.
set -u
here=$(cd "$(dirname "$0")" && pwd)

if [ "${QUICK:-0}" = 1 ]; then
	export ROUNDS=${ROUNDS:-1} DURATION=${DURATION:-3} WARMUP=${WARMUP:-1}
	export RSS_ROUNDS=${RSS_ROUNDS:-1}
	export REPS=${REPS:-5} HTTP_REPS=${HTTP_REPS:-3}
fi

load=$(cut -d' ' -f1-3 /proc/loadavg)
summary=$(mktemp "${TMPDIR:-/tmp}/evald-service.XXXXXX")
trap 'rm -f "$summary"' EXIT
worst=0
for b in throughput decode rss; do
	echo "=============================== $b"
	bash "$here/$b.sh" | tee -a "$summary"
	rc=${PIPESTATUS[0]}
	case $rc in
	0) ;;
	3) [ "$worst" = 1 ] || worst=3 ;;
	*)
		echo "RESULT $b: could not run (exit $rc)" >>"$summary"
		worst=1
		;;
	esac
	echo
done
echo "=============================== summary ($(date -u +%Y-%m-%d), $(nproc) cores, load average before: $load)"
grep '^RESULT' "$summary" | sed 's/^RESULT //'
exit "$worst"
