#!/bin/sh
# refrows.sh - what keeping a reference's rows costs: a 50 000 x 2048
# float32 reference (410 MB of rows) PUT streamed with and without
# keep_rows, the store's growth, and the time a metric takes to load the
# rows from the store (--ref-cache 0: every request reads them) against
# the time it takes with them cached (--ref-cache 2G).  The metric is a
# KID of one 2-row subset, so its own work is negligible and what is
# timed is the loading.  Medians of RUNS (default 5) requests each; the
# PUTs (each computes the N x d x d moments) run PUTS times (default 1).
#
#   bench/refrows.sh [RUNS] [N] [D]        PUTS=3 bench/refrows.sh
. "$(dirname "$0")/lib.sh"
need curl
need_evald
py=${PYTHON:-/usr/bin/python3}
"$py" -c 'import numpy' 2>/dev/null || die "$py cannot import numpy"
runs=${1:-5} n=${2:-50000} d=${3:-2048} puts=${PUTS:-1}

"$py" - "$BENCH_TMP" "$n" "$d" <<'PY'
import base64, json, sys
import numpy as np
t, n, d = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = np.random.default_rng(1)
np.save(t + "/ref.npy", rng.standard_normal((n, d), dtype=np.float32))
y = rng.standard_normal((4, d))
req = {"inputs": {"x": {"reference": "big"},
                  "y": {"dtype": "float64", "shape": [4, d],
                        "data": base64.b64encode(y.tobytes()).decode()}},
       "params": {"subsets": 1, "subset_size": 2}}
json.dump(req, open(t + "/kid.json", "w"))
PY

put() { # put NAME QUERY: seconds of a streamed PUT
	curl -s -o "$BENCH_TMP/put.out" -w '%{time_total}\n' -X PUT \
		"$EVALD_URL/v1/references/$1$2" -H 'Content-Type: application/x-npy' \
		--data-binary @"$BENCH_TMP/ref.npy"
}
kid() {
	curl -s -o "$BENCH_TMP/kid.out" -w '%{time_total}\n' "$EVALD_URL/v1/metrics/kid" \
		-H 'Content-Type: application/json' --data-binary @"$BENCH_TMP/kid.json"
}
db_bytes() { du -sb "$BENCH_TMP/$1.var" | cut -f1; }

start_evald plain --ref-cache 0
for _ in $(seq "$puts"); do put big ''; done | median >"$BENCH_TMP/put0"
plain_bytes=$(db_bytes plain)
kill "$EVALD_PID"; wait "$EVALD_PID" 2>/dev/null

start_evald kept --ref-cache 0
for _ in $(seq "$puts"); do put big '?keep_rows=1'; done | median >"$BENCH_TMP/put1"
grep -q '"rows_kept":true' "$BENCH_TMP/put.out" || die "keep_rows: $(cat "$BENCH_TMP/put.out")"
kept_bytes=$(db_bytes kept)
for _ in $(seq "$runs"); do kid; done | median >"$BENCH_TMP/cold"
grep -q '"value"' "$BENCH_TMP/kid.out" || die "kid: $(cat "$BENCH_TMP/kid.out")"
kill "$EVALD_PID"; wait "$EVALD_PID" 2>/dev/null
# The same store, now with room to cache the rows (n x d x 8 bytes).
EVALD_ARGS="--ref-cache 2G"
"$EVALD" --listen 127.0.0.1:0 --data-dir "$BENCH_TMP/kept.var" $EVALD_ARGS 2>"$BENCH_TMP/warm.log" &
EVALD_PID=$!
BENCH_PIDS="$BENCH_PIDS $EVALD_PID"
for _ in $(seq 100); do
	port=$(sed -n 's/.*event=started.* port=\([0-9]*\).*/\1/p' "$BENCH_TMP/warm.log" | head -n 1)
	[ -n "$port" ] && break
	sleep 0.05
done
EVALD_URL=http://127.0.0.1:$port
first=$(kid)
for _ in $(seq "$runs"); do kid; done | median >"$BENCH_TMP/warm"

echo "reference $n x $d float32 ($(awk "BEGIN { print $n * $d * 4 }") bytes of rows)"
echo "PUT streamed, moments only:      median $(cat "$BENCH_TMP/put0") s"
echo "PUT streamed, with keep_rows:    median $(cat "$BENCH_TMP/put1") s  (ratio $(awk "BEGIN { printf \"%.2f\", $(cat "$BENCH_TMP/put1") / $(cat "$BENCH_TMP/put0") }"))"
echo "store size: moments only $plain_bytes B, with rows $kept_bytes B (+$((kept_bytes - plain_bytes)) B)"
echo "kid, rows read from the store:   median $(cat "$BENCH_TMP/cold") s (--ref-cache 0)"
echo "kid, first after a restart:      $first s (--ref-cache 2G: reads and caches)"
echo "kid, rows cached:                median $(cat "$BENCH_TMP/warm") s  (load/cached ratio $(awk "BEGIN { printf \"%.0f\", $(cat "$BENCH_TMP/cold") / $(cat "$BENCH_TMP/warm") }"))"
