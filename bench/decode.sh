#!/usr/bin/env bash
# decode.sh - issue 2, target 2: decoding speed of large tensors.
#
# 1. bench/decode_bench (built here against the built libsvc.a) times
#    jsonx_parse + codec_tensor on in-memory 10 MB bodies: the figure the
#    targets are about (nested JSON >= 100 MB/s, packed base64 >= 1 GB/s).
# 2. For context, the same kinds of bodies go to a running evald with curl
#    (POST /v1/metrics/mse, input and target 5 MB each): body MB over
#    curl's total time, which adds the upload over loopback, the body copy,
#    the metric itself and the answer.  No target applies to this one.
#
# Environment: SIZE_MB (10), REPS (21 for the in-memory runs), HTTP_REPS
# (7), EVALD, BUILDDIR, CC.  Exit status: 0 targets met, 3 a target
# missed, 1 could not measure.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

SIZE_MB=${SIZE_MB:-10}
REPS=${REPS:-21}
HTTP_REPS=${HTTP_REPS:-7}

need cc "install a C compiler: apt-get install gcc"
need curl "install it with: apt-get install curl"
build_decode_bench

echo "## in memory: jsonx_parse + codec_tensor"
"$DECODE_BENCH" -s "$SIZE_MB" -r "$REPS" | tee "$BENCH_TMP/decode.txt"
status=${PIPESTATUS[0]}
[ "$status" = 0 ] || [ "$status" = 3 ] || die "decode_bench failed"
awk '$1 ~ /^(nested|nested6|packed32|packed64)$/ {
	printf "RESULT decode %s: %s MB/s median, %s MB/s by CPU time (target >= %s) %s\n",
	       $1, $4, $7, $11, $12 }' "$BENCH_TMP/decode.txt"

if [ ! -x "$EVALD" ]; then
	echo "## over HTTP: skipped, no evald at $EVALD (make evald)"
	exit "$status"
fi
start_evald decode
echo
echo "## over HTTP: POST /v1/metrics/mse with curl, fresh connection each, $HTTP_REPS runs"
printf '%-9s %7s %9s %9s %9s\n' body MB "med s" "med MB/s" "min MB/s"
for k in nested packed32 packed64; do
	f=$BENCH_TMP/$k.json
	"$DECODE_BENCH" -w "$k" -s "$SIZE_MB" -p "$f" >/dev/null ||
		die "cannot write $f"
	bytes=$(wc -c <"$f")
	: >"$BENCH_TMP/times"
	for _ in $(seq "$HTTP_REPS"); do
		# Expect: off, or curl waits for "100 Continue" first.
		out=$(curl -s -o "$BENCH_TMP/answer" -w '%{http_code} %{time_total}' \
			-H 'Content-Type: application/json' -H 'Expect:' \
			--data-binary @"$f" "$EVALD_URL/v1/metrics/mse")
		[ "${out%% *}" = 200 ] ||
			die "$k: evald answered ${out%% *}: $(head -c 300 "$BENCH_TMP/answer")"
		echo "${out#* }" >>"$BENCH_TMP/times"
	done
	med=$(median <"$BENCH_TMP/times")
	max=$(sort -g "$BENCH_TMP/times" | tail -n 1)
	awk -v b="$bytes" -v t="$med" -v x="$max" -v k="$k" 'BEGIN {
		printf "%-9s %7.2f %9.4f %9.1f %9.1f\n", k, b / 1e6, t,
		       b / 1e6 / t, b / 1e6 / x }'
done
exit "$status"
