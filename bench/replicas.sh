#!/usr/bin/env bash
# replicas.sh - issue 12: what the store backend and a second replica cost
# or bring, measured in one run on this machine.
#
# Three setups side by side: one evald on the embedded SQLite store, one
# evald on PostgreSQL, and two evald replicas sharing one PostgreSQL
# database behind nginx (docs/deploy/evald-nginx.conf as it is, inside a
# server block next to an upstream block, as tests/replicas.test sets it
# up).  For each setup, with wrk over keep-alive:
#   writes  POST /v1/metrics/mae with "record": a point appended to a series
#   reads   GET /v1/series/NAME?since=T&limit=100 on a series of FILL
#           points, T chosen so that 149 points are newer (a dashboard's poll)
#   fid     POST /v1/metrics/fid, x as packed {mu, sigma} at d = FID_DIM,
#           y a stored reference
# and for each backend (one replica): BATCHES sequential appends of ROWS x
# 2048 float32 rows as a streamed .npy to one stream (curl), rows/s and the
# bytes written per append: SQLite: bytes evald handed to write() (wchar
# in /proc/PID/io: WAL appends and checkpoints) and the data directory's
# growth; PostgreSQL: WAL generated (pg_current_wal_insert_lsn difference)
# and the database's growth (pg_database_size).
# Rounds alternate the setups within each measurement; the figures are
# medians over rounds, the ratios medians of per-round ratios.
#
# Starts its own PostgreSQL (tests/pg.sh, on a Unix socket), evald
# processes and nginx (loopback), and removes them all on exit.  Needs root
# or the postgres user's rights to run the private server, as the tests do.
#
# Environment: ROUNDS (3), DURATION seconds per wrk run (5), WARMUP (1),
# FILL points in the read series (20000), FID_DIM (256), BATCHES (20), ROWS
# (1000), QUICK=1 for a short smoke run; EVALD, BUILDDIR, NGINX.
# Exit status: 0 measured, 1 could not measure (no targets to miss).
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

if [ "${QUICK:-0}" = 1 ]; then
	ROUNDS=${ROUNDS:-1} DURATION=${DURATION:-2} FILL=${FILL:-2000}
	BATCHES=${BATCHES:-5}
fi
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-5}
WARMUP=${WARMUP:-1}
FILL=${FILL:-20000}
FID_DIM=${FID_DIM:-256}
BATCHES=${BATCHES:-20}
ROWS=${ROWS:-1000}
STREAM_DIM=2048

need wrk "install it with: apt-get install wrk"
need "$NGINX" "install it with: apt-get install nginx-light (any nginx will do)"
need curl "install it with: apt-get install curl"
need perl "install it with: apt-get install perl"
need_evald

SETUPS="sqlite pg pg2"
declare -A URL PID
R=$BENCH_TMP/res
mkdir -p "$R"

# ------------------------------------------------------------ the setups
pg_start
start_evald sqlite
URL[sqlite]=$EVALD_URL PID[sqlite]=$EVALD_PID
start_evald pg --store "$(pg_db one)"
URL[pg]=$EVALD_URL PID[pg]=$EVALD_PID
db_two=$(pg_db two)
start_evald pga --store "$db_two"
port_a=${EVALD_URL##*:}
start_evald pgb --store "$db_two"
port_b=${EVALD_URL##*:}
nginx_start "$BENCH_TMP/nginx" /healthz <<EOF
	access_log off;
	upstream evald_replicas {
		server 127.0.0.1:$port_a;
		server 127.0.0.1:$port_b;
		keepalive 16;
	}
	server {
		listen 127.0.0.1:@PORT@;
		include $SRCDIR/docs/deploy/evald-nginx.conf;
	}
EOF
URL[pg2]=http://127.0.0.1:$NGINX_PORT

# ------------------------------------------------------------ the bodies
# packed NAME D EXPR: a packed float64 tensor of shape [D] (EXPR uses $i)
# or [D, D] (EXPR uses $i and $j), as JSON.
packed()
{
	local shape="[$2]"
	[[ $3 == *'$j'* ]] && shape="[$2, $2]"
	printf '{"dtype": "float64", "shape": %s, "data": "%s"}' "$shape" \
		"$(perl -e 'my ($d, $e) = @ARGV;
			my $f = eval "sub { my (\$i, \$j) = \@_; $e }";
			my @v = $e =~ /\$j/
				? map { my $i = $_; map { $f->($i, $_) } 0 .. $d - 1 } 0 .. $d - 1
				: map { $f->($_, 0) } 0 .. $d - 1;
			print pack("d<*", @v)' "$2" "$3" | base64 -w0)"
}
# Two AR(1)-like covariances (positive definite), different means.
# shellcheck disable=SC2016 # $i and $j are Perl's
printf '{"mu": %s, "sigma": %s, "n": 50000}' \
	"$(packed mu "$FID_DIM" '0')" \
	"$(packed sigma "$FID_DIM" '1.1 * 0.4 ** abs($i - $j)')" \
	>"$BENCH_TMP/ref.json"
printf '{"inputs": {"x": {"mu": %s, "sigma": %s}, "y": {"reference": "bench-ref"}}}' \
	"$(packed mu "$FID_DIM" '0.01 * $i')" \
	"$(packed sigma "$FID_DIM" '0.5 ** abs($i - $j)')" \
	>"$BENCH_TMP/fid.json"

mae_body() # mae_body SERIES STEP
{
	printf '{"inputs": {"input": [0.5, 1.5, -2.0, 3.25], "target": [0.0, 2.0, -2.5, 3.0]}, "record": {"series": "%s", "step": %s}}' "$1" "$2"
}
mae_body bench/writes 1 >"$BENCH_TMP/write.json"

# A wrk script posting the body in FILE to PATH; no response() hook (see
# bench/mse.lua).
wrk_post_lua()
{
	cat >"$BENCH_TMP/$1.lua" <<EOF
-- written by bench/replicas.sh
local f = assert(io.open("$2", "rb"))
wrk.method = "POST"
wrk.path = "$3"
wrk.headers["Content-Type"] = "application/json"
wrk.body = f:read("*a")
f:close()
EOF
}
wrk_post_lua write "$BENCH_TMP/write.json" /v1/metrics/mae
wrk_post_lua fid "$BENCH_TMP/fid.json" /v1/metrics/fid

# The .npy batch: ROWS x 2048 little-endian float32, every byte below 0x40
# (so every value is finite, in [0, 1)).
npy_header()
{
	local h="{'descr': '<f4', 'fortran_order': False, 'shape': ($1, $2), }"
	while [ $(((10 + ${#h} + 1) % 64)) != 0 ]; do h="$h "; done
	printf '\223NUMPY\001\000'
	printf '%b' "\\$(printf %03o $(((${#h} + 1) % 256)))\\$(printf %03o $(((${#h} + 1) / 256)))"
	printf '%s\n' "$h"
}
{
	npy_header "$ROWS" "$STREAM_DIM"
	tr -dc '\000-\077' </dev/urandom | head -c $((ROWS * STREAM_DIM * 4))
} >"$BENCH_TMP/batch.npy"

# ------------------------------------------------------- checks and data
check()
{
	local what=$1 want=$2 got
	shift 2
	got=$(curl -s -w ' %{http_code}' "$@")
	case $got in
	*"$want"*) ;;
	*) die "$what: unexpected answer: $(echo "$got" | head -c 300)" ;;
	esac
}
# fill URL SERIES FROM TO: record points FROM..TO, 8 requests at a time.
fill()
{
	local cfg=$BENCH_TMP/fill.cfg
	awk -v url="$1/v1/metrics/mae" -v s="$2" -v a="$3" -v b="$4" 'BEGIN {
		for (i = a; i <= b; i++) {
			if (i > a) print "next"
			printf "url = \"%s\"\n", url
			print "header = \"Content-Type: application/json\""
			printf "data = \"{\\\"inputs\\\": {\\\"input\\\": [0.5, 1.5], \\\"target\\\": [0.0, %d]}, \\\"record\\\": {\\\"series\\\": \\\"%s\\\", \\\"step\\\": %d}}\"\n", i % 7, s, i
			print "output = \"/dev/null\""
			print "write-out = \"%{http_code}\\n\""
		} }' >"$cfg"
	curl -s --no-progress-meter -Z --parallel-max 8 -K "$cfg" \
		>"$BENCH_TMP/fill.codes" 2>"$BENCH_TMP/fill.err" ||
		die "filling $2 failed: $(head -c 300 "$BENCH_TMP/fill.err")"
	[ "$(grep -cx 200 "$BENCH_TMP/fill.codes")" = $(($4 - $3 + 1)) ] ||
		die "filling $2: not all answered 200: $(sort "$BENCH_TMP/fill.codes" | uniq -c | tr '\n' ' ')"
}
declare -A SINCE
t0=$(date +%s)
for s in $SETUPS; do
	u=${URL[$s]}
	check "$s: reference" ' 201' -X PUT "$u/v1/references/bench-ref" \
		-H 'Content-Type: application/json' --data-binary @"$BENCH_TMP/ref.json"
	check "$s: fid" '"metric":"fid"' -H 'Content-Type: application/json' \
		--data-binary @"$BENCH_TMP/fid.json" "$u/v1/metrics/fid"
	check "$s: recorded mae" '"recorded"' -H 'Content-Type: application/json' \
		--data-binary @"$BENCH_TMP/write.json" "$u/v1/metrics/mae"
	# The dashboard's series: FILL points, the poll's T the 150th newest.
	fill "$u" bench/dash 1 $((FILL - 150))
	SINCE[$s]=$(curl -s -H 'Content-Type: application/json' \
		--data-binary "$(mae_body bench/dash $((FILL - 149)))" \
		"$u/v1/metrics/mae" | sed -n 's/.*"ts":\([0-9.]*\).*/\1/p')
	[ -n "${SINCE[$s]}" ] || die "$s: no timestamp for the dashboard's poll"
	fill "$u" bench/dash $((FILL - 148)) "$FILL"
	n=$(curl -s "$u/v1/series/bench/dash?since=${SINCE[$s]}&limit=100" |
		grep -o '"step"' | wc -l)
	[ "$n" = 100 ] || die "$s: the poll answers $n points, not 100"
done
fill_s=$(($(date +%s) - t0))

# ------------------------------------------------------------ measuring
# wrk_run KEY CONNS URL [LUA]: rate into $R/KEY, median latency (ms) into
# $R/KEY.p50; fails on any error answer.
wrk_run()
{
	local key=$1 conns=$2 url=$3 out=$BENCH_TMP/wrk.txt
	shift 3
	local script=()
	[ $# -gt 0 ] && script=(-s "$1")
	wrk -t2 -c"$conns" -d"${WARMUP}s" "${script[@]}" "$url" >/dev/null 2>&1
	wrk -t2 -c"$conns" -d"${DURATION}s" --latency "${script[@]}" "$url" \
		>"$out" 2>&1 || die "wrk failed against $url: $(cat "$out")"
	grep -q 'Non-2xx\|Socket errors' "$out" &&
		die "$key: errors during the run: $(grep 'Non-2xx\|Socket errors' "$out")"
	awk '/^Requests\/sec:/ { printf "%.1f\n", $2 }' "$out" >>"$R/$key"
	awk '$1 == "50%" { v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v)
		if (u == "us") v /= 1000; else if (u == "s") v *= 1000
		print v }' "$out" >>"$R/$key.p50"
}
last() { tail -n 1 "$R/$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f\n", a / b }'; }

# appends SETUP: BATCHES appends to a fresh stream; rows/s and per-append
# bytes into $R/append.SETUP, $R/written.SETUP, $R/growth.SETUP.
dir_bytes() { find "$1" -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }'; }
appends()
{
	local s=$1 u=${URL[$1]} id w0 g0 t1 t2 w1 g1 n
	id=$(curl -s -H 'Content-Type: application/json' \
		-d "{\"dim\": $STREAM_DIM}" "$u/v1/streams" |
		sed -n 's/.*"id":"\([0-9a-f]*\)".*/\1/p')
	[ -n "$id" ] || die "$s: cannot create a stream"
	if [ "$s" = sqlite ]; then
		w0=$(awk '$1 == "wchar:" { print $2 }' "/proc/${PID[$s]}/io")
		g0=$(dir_bytes "$BENCH_TMP/sqlite.var")
	else
		w0=$(pg_sql "SELECT pg_current_wal_insert_lsn()")
		g0=$(pg_sql "SELECT pg_database_size('evald_one')")
	fi
	t1=$(date +%s.%N)
	for _ in $(seq "$BATCHES"); do
		check "$s: append" ' 200' -o /dev/null -H 'Content-Type: application/x-npy' \
			--data-binary @"$BENCH_TMP/batch.npy" "$u/v1/streams/$id/batches"
	done
	t2=$(date +%s.%N)
	if [ "$s" = sqlite ]; then
		w1=$(awk '$1 == "wchar:" { print $2 }' "/proc/${PID[$s]}/io")
		w1=$((w1 - w0))
		g1=$(dir_bytes "$BENCH_TMP/sqlite.var")
	else
		w1=$(pg_sql "SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '$w0')")
		w1=${w1%.*}
		g1=$(pg_sql "SELECT pg_database_size('evald_one')")
	fi
	n=$(curl -s "$u/v1/streams/$id" | sed -n 's/.*"n":\([0-9]*\).*/\1/p')
	[ "$n" = $((BATCHES * ROWS)) ] || die "$s: the stream has $n rows, not $((BATCHES * ROWS))"
	curl -s -o /dev/null -X DELETE "$u/v1/streams/$id"
	awk -v r=$((BATCHES * ROWS)) -v a="$t1" -v b="$t2" \
		'BEGIN { printf "%.0f\n", r / (b - a) }' >>"$R/append.$s"
	awk -v w="$w1" -v n="$BATCHES" 'BEGIN { printf "%.2f\n", w / n / 1e6 }' >>"$R/written.$s"
	awk -v a="$g0" -v b="$g1" -v n="$BATCHES" 'BEGIN { printf "%.2f\n", (b - a) / n / 1e6 }' >>"$R/growth.$s"
}

# line LABEL A B C [RATIO1 RATIO2]: one row of the table.
line()
{
	printf '%-22s %12s %12s %12s %10s %10s\n' "$@"
}

echo "# $(nproc) cores shared by wrk, PostgreSQL $("$pg_bin/postgres" -V | awk '{ print $3 }'), nginx $("$NGINX" -v 2>&1 | sed 's/.*nginx\///') and every evald; $ROUNDS rounds, wrk -t2 ${DURATION}s after ${WARMUP}s warm-up"
echo "# writes: -c8 POST /v1/metrics/mae + record; reads: -c8 GET /v1/series/bench/dash?since=T&limit=100 (series of $FILL points, 100 returned); fid: -c4, d = $FID_DIM, x packed {mu, sigma} ($(wc -c <"$BENCH_TMP/fid.json") bytes), y a stored reference"
echo "# appends: $BATCHES x $ROWS x $STREAM_DIM float32 .npy ($(wc -c <"$BENCH_TMP/batch.npy") bytes) to one stream, one at a time; MB = 10^6 bytes; data set up in ${fill_s}s"
echo "# pg2 = two replicas on one database behind nginx (docs/deploy/evald-nginx.conf); p50 = wrk's median latency, ms"
for r in $(seq "$ROUNDS"); do
	echo
	echo "# round $r, load average $(cut -d' ' -f1-3 /proc/loadavg)"
	line "" sqlite pg pg2 pg/sqlite pg2/pg
	for m in writes reads fid; do
		for s in $SETUPS; do
			u=${URL[$s]}
			case $m in
			writes) wrk_run "$m.$s" 8 "$u/v1/metrics/mae" "$BENCH_TMP/write.lua" ;;
			reads) wrk_run "$m.$s" 8 "$u/v1/series/bench/dash?since=${SINCE[$s]}&limit=100" ;;
			fid) wrk_run "$m.$s" 4 "$u/v1/metrics/fid" "$BENCH_TMP/fid.lua" ;;
			esac
		done
		a=$(last "$m.sqlite") b=$(last "$m.pg") c=$(last "$m.pg2")
		line "$m/s" "$a" "$b" "$c" "$(ratio "$b" "$a")" "$(ratio "$c" "$b")"
		ratio "$b" "$a" >>"$R/$m.ratio1"
		ratio "$c" "$b" >>"$R/$m.ratio2"
		line "  p50 ms" "$(last "$m.sqlite.p50")" "$(last "$m.pg.p50")" "$(last "$m.pg2.p50")"
	done
	appends sqlite
	appends pg
	a=$(last append.sqlite) b=$(last append.pg)
	line "append rows/s" "$a" "$b" "-" "$(ratio "$b" "$a")"
	ratio "$b" "$a" >>"$R/append.ratio1"
	line "  MB written/append" "$(last written.sqlite)" "$(last written.pg)" "-" \
		"$(ratio "$(last written.pg)" "$(last written.sqlite)")"
	line "  MB growth/append" "$(last growth.sqlite)" "$(last growth.pg)" "-"
done

med() { median <"$R/$1"; }
echo
echo "# medians over $ROUNDS rounds (ratios: medians of the per-round ratios)"
line "" sqlite pg pg2 pg/sqlite pg2/pg
for m in writes reads fid; do
	line "$m/s" "$(med "$m.sqlite")" "$(med "$m.pg")" "$(med "$m.pg2")" \
		"$(med "$m.ratio1")" "$(med "$m.ratio2")"
	line "  p50 ms" "$(med "$m.sqlite.p50")" "$(med "$m.pg.p50")" "$(med "$m.pg2.p50")"
done
line "append rows/s" "$(med append.sqlite)" "$(med append.pg)" "-" "$(med append.ratio1)"
line "  MB written/append" "$(med written.sqlite)" "$(med written.pg)" "-"
line "  MB growth/append" "$(med growth.sqlite)" "$(med growth.pg)" "-"
echo "# MB written: SQLite, bytes evald passed to write() (WAL and checkpoints); PostgreSQL, WAL bytes generated"
echo "# MB growth: SQLite, the data directory's files; PostgreSQL, pg_database_size"
for m in writes reads fid; do
	echo "RESULT replicas: $m/s sqlite $(med "$m.sqlite") pg $(med "$m.pg") pg2 $(med "$m.pg2"); pg/sqlite $(med "$m.ratio1"), pg2/pg $(med "$m.ratio2")"
done
echo "RESULT replicas: append rows/s sqlite $(med append.sqlite) pg $(med append.pg); pg/sqlite $(med append.ratio1); MB written/append sqlite $(med written.sqlite) pg $(med written.pg)"
