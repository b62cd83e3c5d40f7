# tests/lib.sh - what every shell test shares: TAP counting, a daemon on a
# free port, requests, and cleanup.  Sourced, never run.  In the manner of
# git's t/test-lib.sh: a test sets nothing up by hand that is here.
#
#   . "$top_srcdir/tests/lib.sh"
#   need curl                   # skip the whole test without it
#   start [evald flags...]      # a daemon on 127.0.0.1:<free port>, store in $tmp/data
#   start_in DIR [evald flags...] # the same with its store in DIR
#   pg_start; pg_url DB         # a private PostgreSQL (see below)
#   req METHOD PATH [curl args] # prints the status, body in $tmp/body
#   ok $? "description"
#   done_testing
: "${top_builddir:=.}"
: "${top_srcdir:=.}"
EVALD="$top_builddir/evald"
EVALCTL="$top_builddir/evalctl"
tmp=$(mktemp -d)
n=0
failed=0
pid=""

ok() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=$((failed + 1))
	fi
}
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
# diag TEXT: a TAP comment, for what a failure should show beyond its
# description.
diag() { echo "# $*"; }
# free_port: a loopback port the kernel calls free (python3 asks it).
# Another process may take it before the caller binds, so a server that
# cannot bind is retried on a fresh one.
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Extra cleanup a test needs (other daemons, servers, a mount) goes in its
# own function named by cleanup_hook.  It runs after the daemon started by
# `start` is gone, so that nothing it held (a mounted data dir) is busy.
cleanup_hook=""
cleanup() {
	if [ -n "$pid" ]; then
		kill -9 "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	fi
	[ -n "$cleanup_hook" ] && $cleanup_hook
	pg_stop
	rm -rf "$tmp"
}
trap cleanup EXIT

# need TOOL [PACKAGE]: skip the whole test, with the reason, when TOOL is
# missing; the reason names the Debian package that has it (PACKAGE, when
# it is not named after the tool).
need() {
	command -v "$1" >/dev/null 2>&1 && return 0
	echo "1..0 # SKIP $1 is not installed (apt-get install ${2:-$1})"
	exit 0
}

# A private PostgreSQL server (tests/pg.sh, shared with the benchmarks):
# pg_start, pg_url, pg_db, pg_sql, pg_down, pg_up, pg_stop.  Without the
# server binaries the whole test skips, with the reason; when the server
# cannot be set up, the test bails out.
pg_fail() {
	if [ "$1" = missing ]; then
		echo "1..0 # SKIP $2"
		exit 0
	fi
	echo "Bail out! $2"
	exit 1
}
. "$top_srcdir/tests/pg.sh"

# EVALD_TEST_STORE=pg (the *-pg.test wrappers): the daemons of start and
# start_in keep their store in PostgreSQL, one database per DIR, so a
# test's assertions are written once for both backends.  test_store says
# which one runs, for the parts that only one has.
test_store=${EVALD_TEST_STORE:-sqlite}

# start [flags]: evald on a free loopback port with its store in
# $tmp/data; sets pid, port, URL (empty port: it did not start).  The log
# goes to $tmp/log.  start_in DIR [flags]: the same with the store in DIR
# (or, with EVALD_TEST_STORE=pg, in a database named after it).
start() { start_in "$tmp/data" "$@"; }
start_in() {
	_dir=$1
	shift
	if [ "$test_store" = pg ]; then
		set -- --store "$(pg_db "$_dir")" "$@"
	else
		set -- --data-dir "$_dir" "$@"
	fi
	: >"$tmp/log"
	"$EVALD" --listen 127.0.0.1:0 "$@" 2>"$tmp/log" &
	pid=$!
	port=""
	for _ in $(seq 200); do
		port=$(sed -n 's/.*event=started.* port=\([0-9]*\).*/\1/p' "$tmp/log")
		[ -n "$port" ] && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	URL="http://127.0.0.1:$port"
}

# stop: SIGTERM and wait; prints the exit status.
stop() {
	kill -TERM "$pid" 2>/dev/null
	wait "$pid"
	echo $?
	pid=""
}

# req records each answer (method, path, status, Content-Type, body) in
# $EVALD_OPENAPI_LOG, per test under its $tmp, unless EVALD_OPENAPI_CHECK
# is "no"; done_testing then holds them to the OpenAPI description
# (openapi_check).  It costs one `cat` per request, no subshell.
: "${EVALD_OPENAPI_CHECK:=yes}"
EVALD_OPENAPI_LOG=""
[ "$EVALD_OPENAPI_CHECK" = no ] || EVALD_OPENAPI_LOG="$tmp/openapi.log"
oa_tab=$(printf '\t')
req() {
	m=$1 p=$2
	shift 2
	if [ -z "$EVALD_OPENAPI_LOG" ]; then
		curl -s -o "$tmp/body" -w '%{http_code}' -X "$m" "$URL$p" "$@"
		return
	fi
	curl -s -o "$tmp/body" -w '%{http_code}\t%{content_type}\n' -X "$m" "$URL$p" "$@" >"$tmp/oa.w"
	_rc=$?
	IFS="$oa_tab" read -r _st _ct <"$tmp/oa.w"
	case $_ct in application/json*) _b="$tmp/body" ;; *) _b=/dev/null ;; esac
	{ printf '@@oa\t%s\t%s\t%s\t%s\n' "$m" "$p" "$_st" "$_ct"; cat "$_b" 2>/dev/null; echo; } >>"$EVALD_OPENAPI_LOG"
	printf '%s' "$_st"
	return $_rc
}
jreq() { m=$1 p=$2 b=$3; shift 3; req "$m" "$p" -H 'Content-Type: application/json' --data-binary "$b" "$@"; }
has() { grep -q -- "$1" "$tmp/body"; }
alive() { [ "$(curl -s -m 5 -o /dev/null -w '%{http_code}' "$URL/healthz")" = 200 ]; }

# peak_rss_kb: the daemon's high-water resident set so far.
peak_rss_kb() { sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$pid/status"; }

# rss_ok STATUS DESCRIPTION: ok for an assertion on peak RSS.  Under the
# sanitizers (EVALD_SANITIZERS=yes) a daemon's RSS is mostly ASan's shadow,
# redzones and quarantine, so such an assertion says nothing there: the
# sanitized run emits no result for it (neither a pass nor a skip), and the
# plain build, which CI runs too, asserts it.
rss_ok() {
	[ "${EVALD_SANITIZERS:-no}" = yes ] && return 0
	ok "$1" "$2"
}

# openapi_check: the answers req recorded, each against its operation in
# the OpenAPI description (tests/openapi_responses.py); one test point,
# naming every answer that breaks it.  Skipped only when python3's
# jsonschema is missing.
openapi_check() {
	[ -s "${EVALD_OPENAPI_LOG:-}" ] || return 0
	if ! python3 -c 'import jsonschema' 2>/dev/null; then
		skip "answers match the OpenAPI description" "python3-jsonschema is not installed (apt-get install python3-jsonschema)"
		return 0
	fi
	"$top_builddir/tests/test_openapi" --dump >"$tmp/openapi.json" &&
		python3 "$top_srcdir/tests/openapi_responses.py" "$tmp/openapi.json" "$EVALD_OPENAPI_LOG" >"$tmp/openapi.out" 2>&1
	_rc=$?
	sed 's/^/# /' "$tmp/openapi.out" | grep -v '^# checked' | head -n 40
	ok $_rc "answers match the OpenAPI description ($(tail -n 1 "$tmp/openapi.out"))"
}

done_testing() {
	openapi_check
	echo "1..$n"
	[ "$failed" = 0 ]
	exit $?
}

if [ "$test_store" = pg ]; then
	pg_start
fi
