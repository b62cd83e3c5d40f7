# pg.sh - a private PostgreSQL server on a Unix socket in its own
# directory, for the tests (through tests/lib.sh) and the benchmarks
# (through bench/lib.sh).  Sourced, never run; POSIX sh.  The sourcing
# script defines pg_fail KIND MESSAGE first: KIND is "missing" (the server
# binaries are not installed) or "error"; it reports and usually exits.
#
# No TCP port to collide with; started as the postgres user when run as
# root (the server refuses root):
#   pg_start       # initdb and start (pg_fail on failure)
#   pg_url [DB]    # its URL for --store, database DB (default postgres)
#   pg_db DIR      # the URL of a database named after DIR, created if
#                  # missing (what start_in uses with EVALD_TEST_STORE=pg)
#   pg_sql SQL [DB] # run SQL with psql, rows on stdout
#   pg_down [MODE]; pg_up # stop (fast, or immediate: a crash) and
#                  # start the same server again
#   pg_stop        # stop and remove it (the sourcing script's cleanup)
pg_dir=""
pg_bin=""
pg_as() {
	if [ "$(id -u)" = 0 ]; then
		(cd / && runuser -u postgres -- "$@")
	else
		"$@"
	fi
}
pg_start() {
	for _b in /usr/lib/postgresql/*/bin; do
		[ -x "$_b/initdb" ] && pg_bin=$_b
	done
	if [ -z "$pg_bin" ]; then
		pg_fail missing "the PostgreSQL server is not installed (apt-get install postgresql)"
		return 1
	fi
	pg_dir=$(mktemp -d)
	[ "$(id -u)" = 0 ] && chown postgres "$pg_dir"
	if ! pg_as "$pg_bin/initdb" -D "$pg_dir/data" -A trust -U evald >"$pg_dir/initdb.log" 2>&1; then
		pg_fail error "initdb failed: $(tail -n 3 "$pg_dir/initdb.log")"
		return 1
	fi
	pg_up || { pg_fail error "PostgreSQL did not start: $(tail -n 3 "$pg_dir/log")"; return 1; }
}
pg_up() { pg_as "$pg_bin/pg_ctl" -D "$pg_dir/data" -o "-k $pg_dir -c listen_addresses=''" -l "$pg_dir/log" -w start >/dev/null; }
pg_down() { pg_as "$pg_bin/pg_ctl" -D "$pg_dir/data" -m "${1:-fast}" -w stop >/dev/null; }
pg_stop() {
	[ -n "$pg_dir" ] || return 0
	pg_down 2>/dev/null
	rm -rf "$pg_dir"
	pg_dir=""
}
pg_url() { echo "postgresql:///${1:-postgres}?host=$pg_dir&user=evald"; }
pg_sql() { "$pg_bin/psql" -h "$pg_dir" -U evald -d "${2:-postgres}" -tAXq -c "$1"; }
pg_db() {
	_db=evald_$(basename "$1" | tr -c 'a-zA-Z0-9_\n' _)
	[ "$(pg_sql "SELECT 1 FROM pg_database WHERE datname = '$_db'")" = 1 ] ||
		"$pg_bin/createdb" -h "$pg_dir" -U evald "$_db"
	pg_url "$_db"
}
