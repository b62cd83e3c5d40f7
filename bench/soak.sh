#!/bin/sh
# soak.sh - the long load run: wrk on the small loss (POST
# /v1/metrics/mse, keep-alive) for SECONDS, and beside it a wrk on FID
# against a stored reference and one sending malformed bodies (each must
# be a 4xx), while evald's RSS is
# sampled every second.  Passes when the good requests have no errors, every
# bad one got its 4xx, the daemon is still healthy, and RSS is flat: after
# a warm-up of 10 s it grows by at most 4 MiB (allocator arenas settle in
# the first seconds; a leak of even 100 bytes a request would grow far
# more over 30 s at these rates).
#
#   bench/soak.sh [SECONDS]     (default 60; at least 30)
#
# Loopback only.  Prints one line per 5 s, then a summary; exit 0 passed,
# 3 failed, 1 could not run.
set -u
. "$(dirname "$0")/lib.sh"

secs=${1:-60}
[ "$secs" -ge 30 ] 2>/dev/null || die "SECONDS must be at least 30"
need wrk "install it with: apt-get install wrk"
need curl "install it with: apt-get install curl"
need_evald

cores=$(nproc)
# The log as in production (info), but request lines with a 2xx-4xx
# status are dropped on the way to the file: ~1 GB a minute otherwise.
mkfifo "$BENCH_TMP/logpipe"
grep --line-buffered -v 'event=request .* status=[234]' <"$BENCH_TMP/logpipe" \
	>"$BENCH_TMP/soak.log" &
BENCH_PIDS="$BENCH_PIDS $!"
mkdir -p "$BENCH_TMP/soak.var"
"$EVALD" --listen 127.0.0.1:0 --data-dir "$BENCH_TMP/soak.var" \
	2>"$BENCH_TMP/logpipe" &
pid=$!
BENCH_PIDS="$BENCH_PIDS $pid"
port=""
for _ in $(seq 100); do
	port=$(sed -n 's/.*event=started.* port=\([0-9]*\).*/\1/p' "$BENCH_TMP/soak.log")
	[ -n "$port" ] && break
	sleep 0.05
done
[ -n "$port" ] || die "evald did not start: $(cat "$BENCH_TMP/soak.log")"
EVALD_URL=http://127.0.0.1:$port
cat >"$BENCH_TMP/bad.lua" <<'LUA'
-- Malformed bodies, in turn: each must be answered 400/422, never 5xx.
local bodies = {
	'{"inputs": {"input": [1, 2, 3], "target": [1, 2',
	'{"inputs": {"input": [1, 2, 3], "target": [1, 2]}}',
	'{"inputs": {"input": "AAAA", "target": {"dtype": "float32", "shape": [9], "data": "!!"}}}',
	'[1, 2, 3]',
	'{"inputs": {"input": [1, NaN], "target": [1, 2]}, "params": {"reduction": "bogus"}}',
}
local i = 0
local threads = {}
fivexx = 0
setup = function(thread)
	table.insert(threads, thread)
end
response = function(status)
	if status >= 500 then
		fivexx = fivexx + 1
	end
end
done = function()
	local n = 0
	for _, t in ipairs(threads) do
		n = n + t:get("fivexx")
	end
	io.write("5xx responses: " .. n .. "\n")
end
wrk.method = "POST"
wrk.path = "/v1/metrics/mse"
wrk.headers["Content-Type"] = "application/json"
request = function()
	i = i % #bodies + 1
	return wrk.format(nil, nil, nil, bodies[i])
end
LUA

# A third load: FID against a stored reference (the prepared-reference
# cache: a handle taken and released per request).
code=$(curl -s -o /dev/null -w '%{http_code}' -X PUT -H 'Content-Type: application/json' \
	--data-binary '{"mu":[0,1,2,3],"sigma":[[2,0.5,0,0],[0.5,1,0,0],[0,0,3,0.1],[0,0,0.1,1]],"n":10}' \
	"$EVALD_URL/v1/references/soak")
[ "$code" = 201 ] || die "PUT /v1/references/soak answered $code"
cat >"$BENCH_TMP/fid.lua" <<'LUA'
wrk.method = "POST"
wrk.path = "/v1/metrics/fid"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"inputs": {"x": {"reference": "soak"}, "y": {"mu": [1, 1, 1, 1], ' ..
	'"sigma": [[1, 0, 0, 0], [0, 2, 0, 0], [0, 0, 1, 0.5], [0, 0, 0.5, 1]]}}}'
LUA

rss() { vm_kb "$pid" VmRSS; }
: >"$BENCH_TMP/rss"
wrk -t1 -c16 -d"${secs}s" -s "$SRCDIR/bench/mse.lua" "$EVALD_URL" \
	>"$BENCH_TMP/good" 2>&1 &
g=$!
wrk -t1 -c4 -d"${secs}s" -s "$BENCH_TMP/bad.lua" "$EVALD_URL" \
	>"$BENCH_TMP/bad" 2>&1 &
b=$!
# One connection: FID is heavy work, and two at once beyond --max-jobs
# (cores / 2) would rightly get 503s (fault.test covers that).
wrk -t1 -c1 -d"${secs}s" -s "$BENCH_TMP/fid.lua" "$EVALD_URL" \
	>"$BENCH_TMP/fid" 2>&1 &
f=$!
BENCH_PIDS="$BENCH_PIDS $g $b $f"
t=0
echo "# evald pid $pid on $EVALD_URL, $cores cores; wrk 16 + 1 + 4 connections for ${secs}s"
echo "   t  RSS kB"
while [ "$t" -lt "$secs" ]; do
	sleep 1
	t=$((t + 1))
	kb=$(rss) || die "evald died after $t s: $(tail -n 5 "$BENCH_TMP/soak.log")"
	echo "$t $kb" >>"$BENCH_TMP/rss"
	[ $((t % 5)) = 0 ] && printf '%4d  %s\n' "$t" "$kb"
done
wait "$g" "$b" "$f"
healthy=$(curl -s -o /dev/null -w '%{http_code}' "$EVALD_URL/healthz")
req_total() { awk '/requests in/ {print $1}' "$1"; }
good=$(req_total "$BENCH_TMP/good")
bad=$(req_total "$BENCH_TMP/bad")
fid=$(req_total "$BENCH_TMP/fid")
fid_err=$(grep -E 'Non-2xx|Socket errors' "$BENCH_TMP/fid" | tr -s ' ' | tr '\n' ';')
good_err=$(grep -E 'Non-2xx|Socket errors' "$BENCH_TMP/good" | tr -s ' ' | tr '\n' ';')
bad_non2xx=$(awk '/Non-2xx/ {print $NF}' "$BENCH_TMP/bad")
bad_sock=$(grep -c 'Socket errors' "$BENCH_TMP/bad")
fivexx=$(awk '/5xx responses:/ {print $3}' "$BENCH_TMP/bad")
logged5xx=$(grep -c 'event=request .* status=5' "$BENCH_TMP/soak.log")
rps=$(awk '/Requests\/sec/ {print $2}' "$BENCH_TMP/good")
read -r rss_warm rss_end rss_max <<EOF_RSS
$(awk '$1 == 10 {w = $2} {e = $2; if ($2 > m) m = $2} END {print w, e, m}' "$BENCH_TMP/rss")
EOF_RSS
rss_first=$(awk 'NR == 1 {print $2}' "$BENCH_TMP/rss")
# Least-squares slope of RSS after the warm-up, in kB per minute.
slope=$(awk '$1 >= 10 {n++; sx += $1; sy += $2; sxx += $1 * $1; sxy += $1 * $2}
	END {d = n * sxx - sx * sx; printf "%.0f", d ? 60 * (n * sxy - sx * sy) / d : 0}' "$BENCH_TMP/rss")
growth=$((rss_max - rss_warm))
stop_pid "$pid"

echo "good: $good mse requests ($rps/s), errors: ${good_err:-none}"
echo "fid:  $fid FIDs against a stored reference, errors: ${fid_err:-none}"
echo "bad:  $bad malformed requests, $bad_non2xx answered 4xx, socket errors: $bad_sock; 5xx among them: $fivexx; 5xx in the log: $logged5xx"
echo "RSS (kB): at 1 s $rss_first, at 10 s $rss_warm, end $rss_end, max $rss_max; growth after warm-up $growth kB, slope $slope kB/min"
status=0
[ -n "$good" ] && [ "$good" -gt 0 ] && [ -z "$good_err" ] || status=3
[ -n "$fid" ] && [ "$fid" -gt 0 ] && [ -z "$fid_err" ] || status=3
[ -n "$bad" ] && [ "$bad" -gt 0 ] && [ "$bad_non2xx" = "$bad" ] && [ "$bad_sock" = 0 ] || status=3
[ "$fivexx" = 0 ] && [ "$logged5xx" = 0 ] && [ "$healthy" = 200 ] || status=3
[ "$growth" -le 4096 ] || status=3
if [ "$status" = 0 ]; then
	echo "RESULT soak: ${secs}s, $good + $fid + $bad requests, 0 errors, RSS flat (+$growth kB after warm-up): passed"
else
	echo "RESULT soak: FAILED (see above)"
fi
exit $status
