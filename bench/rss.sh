#!/usr/bin/env bash
# rss.sh - issue 2, target 3: peak memory of one large request stays within
# 3x its body size.
#
# For each body kind a fresh evald is started; once it answers /healthz its
# peak resident size (VmHWM in /proc/PID/status) is reset to the current
# one (writing 5 to /proc/PID/clear_refs) and read; then one POST
# /v1/metrics/mse with a ~10 MB body (input and target, 5 MB each) is sent
# and VmHWM is read again.  Peak growth / body bytes is the figure; it is
# repeated RSS_ROUNDS times with a new daemon each time and the median is
# reported.  Bodies: nested JSON (shortest round-trip float64 text) and
# packed float32 (the costliest packed kind: every 4 bytes become 8).
#
# Environment: SIZE_MB (10), RSS_ROUNDS (3), EVALD, BUILDDIR, CC.
# Exit status: 0 target met, 3 target missed, 1 could not measure.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

SIZE_MB=${SIZE_MB:-10}
RSS_ROUNDS=${RSS_ROUNDS:-3}
TARGET=3

need cc "install a C compiler: apt-get install gcc"
need curl "install it with: apt-get install curl"
need_evald
[ -r /proc/self/status ] || die "needs Linux /proc for VmHWM"
build_decode_bench

echo "# peak RSS growth of one POST /v1/metrics/mse on a fresh evald, $RSS_ROUNDS rounds; kB = 1024 bytes"
printf '%-9s %5s %9s %11s %11s %11s %8s\n' body round "body kB" \
	"RSS before" "HWM after" "growth kB" "growth/body"
status=0
for k in nested packed32 packed64; do
	f=$BENCH_TMP/$k.json
	"$DECODE_BENCH" -w "$k" -s "$SIZE_MB" -p "$f" >/dev/null ||
		die "cannot write $f"
	bytes=$(wc -c <"$f")
	: >"$BENCH_TMP/ratios"
	for r in $(seq "$RSS_ROUNDS"); do
		start_evald "rss-$k-$r"
		pid=$EVALD_PID
		# Start-up (OpenBLAS, SQLite) may have peaked higher than
		# where the daemon idles; measure from where it idles.
		echo 5 >"/proc/$pid/clear_refs" 2>/dev/null || true
		before=$(vm_kb "$pid" VmHWM)
		code=$(curl -s -o "$BENCH_TMP/answer" -w '%{http_code}' \
			-H 'Content-Type: application/json' -H 'Expect:' \
			--data-binary @"$f" "$EVALD_URL/v1/metrics/mse")
		[ "$code" = 200 ] ||
			die "$k: evald answered $code: $(head -c 300 "$BENCH_TMP/answer")"
		after=$(vm_kb "$pid" VmHWM)
		stop_pid "$pid"
		awk -v k="$k" -v r="$r" -v b="$bytes" -v x="$before" \
			-v y="$after" 'BEGIN {
			g = y - x
			printf "%-9s %5d %9.0f %11d %11d %11d %8.2f\n", k, r,
			       b / 1024, x, y, g, g * 1024 / b }'
		awk -v b="$bytes" -v x="$before" -v y="$after" \
			'BEGIN { print (y - x) * 1024 / b }' >>"$BENCH_TMP/ratios"
	done
	ratio=$(median <"$BENCH_TMP/ratios")
	ok=$(awk -v r="$ratio" -v t="$TARGET" 'BEGIN { print (r <= t) ? "ok" : "MISSED" }')
	[ "$ok" = ok ] || status=3
	printf 'RESULT rss %s: peak growth %.2f x body (target <= %d x) %s\n' \
		"$k" "$ratio" "$TARGET" "$ok"
done
exit "$status"
