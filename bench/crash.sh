#!/bin/sh
# crash.sh - the long kill -9 test: ROUNDS times, four clients write as
# fast as they can (score points into series, and references), evald is
# killed with SIGKILL at a random moment, restarted on the same data
# directory, and every write that was answered 2xx in any round so far must
# be there.  tests/fault.test runs one short round in make check.
#
#   bench/crash.sh [ROUNDS]     (default 10, at most 200: each writer's
#                               series is read back whole, and one read
#                               returns at most 100000 points)
#
# Loopback only.  Exit 0 when nothing answered was lost, 3 otherwise.
set -u
. "$(dirname "$0")/lib.sh"

rounds=${1:-10}
[ "$rounds" -ge 1 ] && [ "$rounds" -le 200 ] 2>/dev/null || die "ROUNDS must be 1 to 200"
need curl "install it with: apt-get install curl"
need_evald
data=$BENCH_TMP/crash.var
mkdir -p "$data"

start() {
	: >"$BENCH_TMP/crash.log"
	"$EVALD" --listen 127.0.0.1:0 --data-dir "$data" --log-level warn \
		2>"$BENCH_TMP/crash.log" &
	pid=$!
	BENCH_PIDS="$BENCH_PIDS $pid"
	# Warnings only (no line per request), so the port comes from the
	# listening socket rather than the "started" log line.
	port=""
	for _ in $(seq 200); do
		port=$(ss -Hltnp 2>/dev/null | awk -v p="pid=$pid," '$0 ~ p {n = split($4, a, ":"); print a[n]; exit}')
		[ -n "$port" ] && break
		sleep 0.05
	done
	[ -n "$port" ] || die "evald did not start: $(cat "$BENCH_TMP/crash.log")"
	URL=http://127.0.0.1:$port
	for _ in $(seq 100); do
		[ "$(curl -s -o /dev/null -w '%{http_code}' "$URL/readyz")" = 200 ] && return 0
		sleep 0.05
	done
	die "evald is not ready on $URL"
}
need ss "install it with: apt-get install iproute2"

# writer W ROUND: record points (series crash/W, unique steps) and now and
# then PUT a reference; prints "ok KIND KEY" for every 2xx answer.
writer() {
	w=$1 r=$2 i=0
	while :; do
		i=$((i + 1))
		step=$((r * 1000000 + i))
		if [ $((i % 10)) = 0 ]; then
			code=$(curl -s -o /dev/null -w '%{http_code}' -X PUT \
				-H 'Content-Type: application/json' \
				--data-binary "{\"mu\":[$step,1],\"sigma\":[[2,0.5],[0.5,1]],\"n\":$i}" \
				"$URL/v1/references/crash-$w-$step") || break
			[ "$code" = 201 ] && echo "ok ref crash-$w-$step"
		else
			code=$(curl -s -o /dev/null -w '%{http_code}' -X POST \
				-H 'Content-Type: application/json' \
				--data-binary "{\"inputs\":{\"input\":[1,2],\"target\":[1,3]},\"record\":{\"series\":\"crash/$w\",\"step\":$step}}" \
				"$URL/v1/metrics/mae") || break
			[ "$code" = 200 ] && echo "ok point $w $step"
		fi
	done
}

: >"$BENCH_TMP/answered"
lost_total=0
for r in $(seq 1 "$rounds"); do
	start
	wpids=""
	for w in 1 2 3 4; do
		writer "$w" "$r" >>"$BENCH_TMP/answered.$w" 2>/dev/null &
		wpids="$wpids $!"
	done
	# Kill somewhere between 0.5 and 3 s in.
	ms=$(awk -v s="$r" 'BEGIN {srand(s); print 500 + int(rand() * 2500)}')
	sleep "$(awk -v m="$ms" 'BEGIN {print m / 1000}')"
	kill -9 "$pid"
	wait "$pid" 2>/dev/null
	for p in $wpids; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	cat "$BENCH_TMP"/answered.? >>"$BENCH_TMP/answered"
	rm -f "$BENCH_TMP"/answered.?
	start
	lost=0
	for w in 1 2 3 4; do
		curl -s "$URL/v1/series/crash/$w?limit=100000" >"$BENCH_TMP/points.$w"
	done
	curl -s "$URL/v1/references" >"$BENCH_TMP/refs"
	points=$(grep -c '^ok point' "$BENCH_TMP/answered")
	refs=$(grep -c '^ok ref' "$BENCH_TMP/answered")
	lost=$(awk -v dir="$BENCH_TMP" '
		FNR == 1 { file++ }
		file <= 4 { n = split($0, parts, "\"step\":"); for (i = 2; i <= n; i++) { split(parts[i], v, ","); have[FILENAME ":" v[1]] = 1 }; next }
		file == 5 { n = split($0, parts, "\"name\":\""); for (i = 2; i <= n; i++) { split(parts[i], v, "\""); ref[v[1]] = 1 }; next }
		$2 == "point" && !have[dir "/points." $3 ":" $4] { lost++ }
		$2 == "ref" && !ref[$3] { lost++ }
		END { print lost + 0 }' \
		"$BENCH_TMP/points.1" "$BENCH_TMP/points.2" "$BENCH_TMP/points.3" \
		"$BENCH_TMP/points.4" "$BENCH_TMP/refs" "$BENCH_TMP/answered")
	lost_total=$lost
	printf 'round %2d: killed after %4d ms; %6d points and %5d references answered so far, %d missing\n' \
		"$r" "$ms" "$points" "$refs" "$lost"
	stop_pid "$pid"
done
if [ "$lost_total" = 0 ]; then
	echo "RESULT crash: $rounds kill -9 rounds, $points points and $refs references answered, none lost: passed"
	exit 0
fi
echo "RESULT crash: $lost_total answered writes lost: FAILED"
exit 3
