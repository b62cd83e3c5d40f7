#!/usr/bin/env bash
# throughput.sh - issue 2, target 1: small-loss requests per second.
#
# Measures, on this machine and with the same load generator, evald
# answering POST /v1/metrics/mse with a tiny body (bench/mse.lua) and nginx
# serving a small static file, both over keep-alive with wrk (2 threads, 32
# connections).  nginx is started here, on a loopback port, with a
# throwaway config in a temporary directory; no system configuration is
# read or touched.  The runs alternate nginx / evald for ROUNDS rounds, so
# drift on a noisy machine hits both; the figure that counts is the median
# of the per-round ratios.  GET /healthz is measured too, to separate the
# HTTP layer's cost from the request's own work.
#
# Environment: ROUNDS (7), DURATION seconds per run (5), WARMUP (1),
# NGINX_LOG=off to run nginx without its access log, EVALD, BUILDDIR.
# Exit status: 0 target met, 3 target missed, 1 could not measure.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

ROUNDS=${ROUNDS:-7}
DURATION=${DURATION:-5}
WARMUP=${WARMUP:-1}
THREADS=2
CONNS=32
TARGET=0.50

need wrk "install it with: apt-get install wrk"
need "$NGINX" "install it with: apt-get install nginx-light (any nginx will do)"
need curl "install it with: apt-get install curl"
need_evald

# ------------------------------------------------------------------ nginx
# The static file is about as long as evald's answer to the mse request,
# so both servers write the same amount per response.
start_nginx()
{
	local d=$BENCH_TMP/nginx
	mkdir -p "$d/www"
	# Workers may run as nobody: let them reach the file.
	chmod 755 "$BENCH_TMP" "$d" "$d/www"
	printf '%s' '{"value":0.203125,"metric":"mse","params":{"reduction":"mean","half":false},"warnings":[],"elapsed_ms":0.0033689998090267181}' \
		>"$d/www/small.json"
	chmod 644 "$d/www/small.json"
	local access="access_log $d/access.log;"
	[ "${NGINX_LOG:-on}" = off ] && access="access_log off;"
	nginx_start "$d" /small.json <<EOF
	default_type application/json;
	$access
	keepalive_requests 1000000;
	server {
		listen 127.0.0.1:@PORT@;
		root $d/www;
	}
EOF
	NGINX_URL=http://127.0.0.1:$NGINX_PORT/small.json
}

# ------------------------------------------------------------------- wrk
# wrk_rate NAME URL [LUA]: prints requests/s; fails on any error answer.
wrk_rate()
{
	local name=$1 url=$2 out=$BENCH_TMP/wrk-$1.txt
	shift 2
	local script=()
	[ $# -gt 0 ] && script=(-s "$1")
	wrk -t"$THREADS" -c"$CONNS" -d"${WARMUP}s" "${script[@]}" "$url" \
		>/dev/null 2>&1
	wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --latency \
		"${script[@]}" "$url" >"$out" 2>&1 ||
		die "wrk failed against $url: $(cat "$out")"
	cat "$out" >>"$BENCH_TMP/wrk-all.txt"
	if grep -q 'Non-2xx' "$out"; then
		die "$name: error answers during the run: $(grep Non-2xx "$out")"
	fi
	awk '/^Requests\/sec:/ { print $2 }' "$out"
}

p50()
{
	awk '$1 == "50%" { print $2 }' "$BENCH_TMP/wrk-$1.txt"
}

start_nginx
start_evald tput
# The request of mse.lua, checked once: a fast wrong answer is no result.
check=$(curl -s -w ' %{http_code}' -H 'Content-Type: application/json' \
	--data-binary '{"inputs": {"input": [0.5, 1.5, -2.0, 3.25], "target": [0.0, 2.0, -2.5, 3.0]}, "params": {"reduction": "mean"}}' \
	"$EVALD_URL/v1/metrics/mse")
case $check in
*'"value":0.203125'*' 200') ;;
*) die "evald does not answer the benchmark request correctly: $check" ;;
esac

echo "# wrk -t$THREADS -c$CONNS, ${DURATION}s per run after ${WARMUP}s warm-up, $(nproc) cores, $ROUNDS rounds, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# nginx $("$NGINX" -v 2>&1 | sed 's/.*nginx\///'): static $(wc -c <"$BENCH_TMP/nginx/www/small.json")-byte file, access log ${NGINX_LOG:-on}; evald: defaults, log to a file"
printf '%-6s %14s %10s %14s %10s %14s %8s\n' round "nginx req/s" "p50" \
	"evald mse/s" "p50" "healthz/s" "ratio"
: >"$BENCH_TMP/ratios"
: >"$BENCH_TMP/nginx-rates"
: >"$BENCH_TMP/mse-rates"
: >"$BENCH_TMP/hz-rates"
for r in $(seq "$ROUNDS"); do
	n=$(wrk_rate nginx "$NGINX_URL") || exit 1
	m=$(wrk_rate mse "$EVALD_URL/v1/metrics/mse" "$SRCDIR/bench/mse.lua") || exit 1
	h=$(wrk_rate healthz "$EVALD_URL/healthz") || exit 1
	ratio=$(awk -v a="$m" -v b="$n" 'BEGIN { printf "%.3f", a / b }')
	printf '%-6s %14.0f %10s %14.0f %10s %14.0f %8s\n' "$r" "$n" \
		"$(p50 nginx)" "$m" "$(p50 mse)" "$h" "$ratio"
	echo "$ratio" >>"$BENCH_TMP/ratios"
	echo "$n" >>"$BENCH_TMP/nginx-rates"
	echo "$m" >>"$BENCH_TMP/mse-rates"
	echo "$h" >>"$BENCH_TMP/hz-rates"
done
ratio=$(median <"$BENCH_TMP/ratios")
ok=$(awk -v r="$ratio" -v t="$TARGET" 'BEGIN { print (r >= t) ? "ok" : "MISSED" }')
printf '%-6s %14.0f %10s %14.0f %10s %14.0f %8.3f\n' median \
	"$(median <"$BENCH_TMP/nginx-rates")" "" \
	"$(median <"$BENCH_TMP/mse-rates")" "" \
	"$(median <"$BENCH_TMP/hz-rates")" "$ratio"
echo "RESULT throughput: evald mse / nginx static = $ratio (target >= $TARGET) $ok"
[ "$ok" = ok ] || exit 3
