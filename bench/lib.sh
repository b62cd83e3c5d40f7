# lib.sh - helpers shared by the service benchmarks (sourced, not run).
#
# Paths: the benchmarks run from the source tree; BUILDDIR (default: the
# source tree) holds the built evald and .libs/, EVALD may name the binary.
# Every process a benchmark starts is remembered and stopped on exit, and
# all scratch files live in one temporary directory removed on exit; so
# does a private PostgreSQL (tests/pg.sh) when a benchmark starts one.

SRCDIR=$(cd "$(dirname "$0")/.." && pwd)
BUILDDIR=${BUILDDIR:-$SRCDIR}
EVALD=${EVALD:-$BUILDDIR/evald}

BENCH_TMP=$(mktemp -d "${TMPDIR:-/tmp}/evald-bench.XXXXXX")
BENCH_PIDS=""

bench_cleanup()
{
	for p in $BENCH_PIDS; do
		kill "$p" 2>/dev/null
	done
	for p in $BENCH_PIDS; do
		wait "$p" 2>/dev/null
	done
	pg_stop
	rm -rf "$BENCH_TMP"
}
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

die()
{
	echo "$(basename "$0"): $*" >&2
	exit 1
}

# A private PostgreSQL, as the tests start it (tests/pg.sh): pg_start,
# pg_db NAME (a --store URL), pg_sql SQL [DB]; stopped and removed on exit.
pg_fail()
{
	die "$2"
}
# shellcheck source=../tests/pg.sh
. "$SRCDIR/tests/pg.sh"

# need TOOL "how to install it"
need()
{
	command -v "$1" >/dev/null 2>&1 || [ -x "$1" ] ||
		die "$1 is not installed; $2"
}

need_evald()
{
	[ -x "$EVALD" ] ||
		die "no evald at $EVALD; build it first: make evald (or set EVALD=/path/to/evald)"
}

# Median of the numbers on stdin, one per line.
median()
{
	sort -g | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print "nan"; exit }
		if (NR % 2) print v[(NR + 1) / 2];
		else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# start_evald NAME [evald options...]: starts a fresh evald on a free
# loopback port with its own data dir; sets EVALD_PID and EVALD_URL.  Its
# log (one line per request, as in production) goes to $BENCH_TMP/NAME.log.
start_evald()
{
	name=$1
	shift
	log=$BENCH_TMP/$name.log
	mkdir -p "$BENCH_TMP/$name.var"
	: >"$log"
	"$EVALD" --listen 127.0.0.1:0 --data-dir "$BENCH_TMP/$name.var" "$@" \
		2>"$log" &
	EVALD_PID=$!
	BENCH_PIDS="$BENCH_PIDS $EVALD_PID"
	port=""
	for _ in $(seq 100); do
		port=$(sed -n 's/.*event=started.* port=\([0-9]*\).*/\1/p' "$log" |
			head -n 1)
		[ -n "$port" ] && break
		kill -0 "$EVALD_PID" 2>/dev/null || break
		sleep 0.05
	done
	[ -n "$port" ] || die "evald did not start: $(cat "$log")"
	EVALD_URL=http://127.0.0.1:$port
	for _ in $(seq 100); do
		curl -s -o /dev/null "$EVALD_URL/healthz" && return 0
		sleep 0.05
	done
	die "evald does not answer on $EVALD_URL"
}

# nginx_start DIR PATH: starts nginx with its prefix, configuration, logs
# and temp files in DIR, not as a daemon (it is stopped on exit), on a
# random loopback port; the http { } block's contents come on stdin, with
# @PORT@ for the port.  Waits until GET PATH answers; sets NGINX_PID and
# NGINX_PORT.  The system's nginx configuration is never read.
NGINX=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}
nginx_start()
{
	_nd=$1
	_npath=$2
	mkdir -p "$_nd/tmp"
	cat >"$_nd/http.conf.in"
	for _ in 1 2 3 4 5; do
		NGINX_PORT=$((20000 + $(od -An -N2 -tu2 /dev/urandom) % 40000))
		{
			cat <<EOF
# throwaway configuration written by bench/$(basename "$0")
worker_processes auto;
daemon off;
pid $_nd/nginx.pid;
error_log $_nd/error.log warn;
events { worker_connections 1024; }
http {
	client_body_temp_path $_nd/tmp/body;
	proxy_temp_path $_nd/tmp/proxy;
	fastcgi_temp_path $_nd/tmp/fastcgi;
	uwsgi_temp_path $_nd/tmp/uwsgi;
	scgi_temp_path $_nd/tmp/scgi;
EOF
			sed "s/@PORT@/$NGINX_PORT/g" "$_nd/http.conf.in"
			echo "}"
		} >"$_nd/nginx.conf"
		"$NGINX" -p "$_nd" -e "$_nd/error.log" -c "$_nd/nginx.conf" \
			2>"$_nd/stderr.log" &
		NGINX_PID=$!
		BENCH_PIDS="$BENCH_PIDS $NGINX_PID"
		for _ in $(seq 50); do
			curl -sf -o /dev/null "http://127.0.0.1:$NGINX_PORT$_npath" &&
				return 0
			kill -0 "$NGINX_PID" 2>/dev/null || break
			sleep 0.1
		done
		stop_pid "$NGINX_PID" # port taken? try another
	done
	die "nginx did not start: $(cat "$_nd/stderr.log" "$_nd/error.log" 2>/dev/null)"
}

# stop_pid PID: stop one process this script started and forget it.
stop_pid()
{
	kill "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	BENCH_PIDS=$(echo "$BENCH_PIDS" | tr ' ' '\n' | grep -vx "$1" | tr '\n' ' ')
}

# Build bench/decode_bench against the built libraries (no Makefile.am rule:
# the benchmark is not part of `make check`).
DECODE_BENCH=$BENCH_TMP/decode_bench
build_decode_bench()
{
	[ -x "$DECODE_BENCH" ] && return 0
	if [ ! -f "$BUILDDIR/.libs/libsvc.a" ] ||
		[ ! -f "$BUILDDIR/.libs/libevald.a" ]; then
		die "no $BUILDDIR/.libs/libsvc.a; build first: make evald"
	fi
	need pkg-config "install it with: apt-get install pkg-config"
	# shellcheck disable=SC2046 # pkg-config's flags are words
	${CC:-cc} -std=c11 -O2 -D_GNU_SOURCE -Wall -Wextra \
		-I "$SRCDIR/include" -I "$SRCDIR/src/svc" \
		"$SRCDIR/bench/decode_bench.c" \
		"$BUILDDIR/.libs/libsvc.a" "$BUILDDIR/.libs/libevald.a" \
		$(pkg-config --libs jansson) -llapacke -lopenblas -lm -lpthread \
		-o "$DECODE_BENCH" || die "cannot build decode_bench"
}

# Peak and current resident size of a process, in kB.
vm_kb()
{
	awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"
}
