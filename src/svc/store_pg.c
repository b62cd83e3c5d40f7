/* store_pg.c - the store on PostgreSQL (see store.h): one database shared
 * by any number of evald processes, each with a pool of connections.
 *
 * Every call takes a connection from the pool for its whole transaction
 * (a connection has one), so calls from different threads run side by
 * side.  Durability is the server's commit (synchronous_commit on, which
 * a session that finds it off turns back on); atomicity is one
 * transaction per call; store_moments_update reads its row with SELECT
 * ... FOR UPDATE, which makes a writer in any other process wait for our
 * commit and then read what we wrote.  Nothing is locked beyond rows: two
 * evald on one database is the point of this backend.
 *
 * The server may be down when evald starts, or go away and come back:
 * connections are made when a call needs one, a call that cannot get one
 * answers STORE_UNAVAILABLE, and a pooled connection the server closed
 * (its socket is readable while it sits idle: the server's goodbye) is
 * dropped before use, so a restart costs no failed request.
 *
 * The schema is versioned in the table schema_version: migrations[i]
 * brings a database from version i to i+1.  The first connection applies
 * the missing ones in one transaction under an advisory lock, so replicas
 * starting at once migrate one after the other and the later ones find
 * nothing to do.  Values travel in binary (exact doubles); mean and
 * second are bytea of native doubles, as the SQLite backend keeps them. */
#include <endian.h>
#include <errno.h>
#include <libpq-fe.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ids.h"
#include "log.h"
#include "store.h"
#include "store_backend.h"

/* Seconds a call waits for a free connection before STORE_UNAVAILABLE,
 * and a /readyz probe before it trusts the last connect instead. */
#define POOL_WAIT_S 30
#define PING_WAIT_S 2
/* Seconds between connects while the server is down. */
#define RETRY_S 0.5
/* A bind message (all of a write's values) must stay under the server's
 * 1 GB; keep a margin for the rest of it. */
#define PG_MAX_VALUE ((int64_t)(1 << 30) - (1 << 20))
/* pg_advisory_xact_lock key of migrations: "evald" in ASCII. */
#define SCHEMA_LOCK "435728135268"

/* Type oids of the parameters (pg_type.h is the server's header). */
#define OID_BYTEA  17
#define OID_INT8   20
#define OID_TEXT   25
#define OID_FLOAT8 701

static const char *const migrations[] = {
	/* 0 -> 1: the schema of the SQLite backend's version 3.  Names
	 * sort in byte order (COLLATE "C") as SQLite's do, whatever the
	 * database's locale; the moments are stored uncompressed, as
	 * doubles do not compress and d x d of them would be tried. */
	"CREATE TABLE series_points ("
	"  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
	"  series TEXT COLLATE \"C\" NOT NULL,"
	"  step BIGINT,"
	"  labels TEXT,"
	"  value DOUBLE PRECISION,"
	"  ts DOUBLE PRECISION NOT NULL);"
	"CREATE INDEX series_points_by_series ON series_points(series, id);"
	"CREATE TABLE moments ("
	"  kind TEXT NOT NULL CHECK (kind IN ('reference', 'stream')),"
	"  name TEXT COLLATE \"C\" NOT NULL,"
	"  n BIGINT NOT NULL,"
	"  d BIGINT NOT NULL,"
	"  created DOUBLE PRECISION NOT NULL,"
	"  updated DOUBLE PRECISION NOT NULL,"
	"  version BIGINT NOT NULL DEFAULT 0,"
	"  mean BYTEA NOT NULL,"
	"  second BYTEA NOT NULL,"
	"  PRIMARY KEY (kind, name));"
	"ALTER TABLE moments ALTER COLUMN mean SET STORAGE EXTERNAL,"
	"  ALTER COLUMN second SET STORAGE EXTERNAL;",
	/* 1 -> 2: async jobs, shared by the replicas (store.h).  state is
	 * store_job_state; result the JSON text of a result or an error. */
	"CREATE TABLE jobs ("
	"  id TEXT COLLATE \"C\" PRIMARY KEY,"
	"  label TEXT NOT NULL,"
	"  state BIGINT NOT NULL,"
	"  progress DOUBLE PRECISION NOT NULL,"
	"  created DOUBLE PRECISION NOT NULL,"
	"  updated DOUBLE PRECISION NOT NULL,"
	"  lease_until DOUBLE PRECISION NOT NULL,"
	"  cancel BIGINT NOT NULL DEFAULT 0,"
	"  result TEXT);"
	"CREATE INDEX jobs_by_updated ON jobs(updated) WHERE state >= 2;",
	/* 2 -> 3: tallies, accumulating scores (the SQLite backend's 4). */
	"CREATE TABLE tallies ("
	"  name TEXT COLLATE \"C\" PRIMARY KEY,"
	"  kind TEXT NOT NULL,"
	"  params TEXT NOT NULL,"
	"  n BIGINT NOT NULL,"
	"  size BIGINT NOT NULL,"
	"  created DOUBLE PRECISION NOT NULL,"
	"  updated DOUBLE PRECISION NOT NULL,"
	"  version BIGINT NOT NULL,"
	"  state BYTEA NOT NULL);"
	"ALTER TABLE tallies ALTER COLUMN state SET STORAGE EXTERNAL;",
	/* A point's interval (a bootstrap FID's ci95) and the gate
	 * thresholds it was recorded with; NULL when absent. */
	"ALTER TABLE series_points ADD COLUMN lo DOUBLE PRECISION,"
	"  ADD COLUMN hi DOUBLE PRECISION,"
	"  ADD COLUMN fail_above DOUBLE PRECISION,"
	"  ADD COLUMN fail_below DOUBLE PRECISION;",
	/* 4 -> 5: rows kept with named moments (the SQLite backend's 6). */
	"CREATE TABLE row_sets ("
	"  kind TEXT NOT NULL,"
	"  name TEXT COLLATE \"C\" NOT NULL,"
	"  d BIGINT NOT NULL,"
	"  nrows BIGINT NOT NULL,"
	"  bytes BIGINT NOT NULL,"
	"  chunks BIGINT NOT NULL,"
	"  PRIMARY KEY (kind, name));"
	"CREATE TABLE row_chunks ("
	"  kind TEXT NOT NULL,"
	"  name TEXT COLLATE \"C\" NOT NULL,"
	"  chunk BIGINT NOT NULL,"
	"  esize BIGINT NOT NULL,"
	"  nrows BIGINT NOT NULL,"
	"  data BYTEA NOT NULL,"
	"  PRIMARY KEY (kind, name, chunk));"
	"ALTER TABLE row_chunks ALTER COLUMN data SET STORAGE EXTERNAL;",
	/* 5 -> 6: datasets, stored tables for drift reports (the SQLite
	 * backend's 7). */
	"CREATE TABLE datasets ("
	"  name TEXT COLLATE \"C\" PRIMARY KEY,"
	"  n_rows BIGINT NOT NULL,"
	"  n_kept BIGINT NOT NULL,"
	"  max_rows BIGINT NOT NULL,"
	"  seed BIGINT NOT NULL,"
	"  sampled BIGINT NOT NULL,"
	"  ncols BIGINT NOT NULL,"
	"  bytes BIGINT NOT NULL,"
	"  created DOUBLE PRECISION NOT NULL,"
	"  version BIGINT NOT NULL);"
	"CREATE TABLE dataset_columns ("
	"  dataset TEXT COLLATE \"C\" NOT NULL,"
	"  idx BIGINT NOT NULL,"
	"  name TEXT NOT NULL,"
	"  type BIGINT NOT NULL,"
	"  strings BIGINT NOT NULL,"
	"  n_missing BIGINT NOT NULL,"
	"  dict BYTEA NOT NULL,"
	"  data BYTEA NOT NULL,"
	"  PRIMARY KEY (dataset, idx));"
	"ALTER TABLE dataset_columns ALTER COLUMN data SET STORAGE EXTERNAL;",
};
#define NMIGRATIONS ((int)(sizeof migrations / sizeof *migrations))

#define MOMENTS_META "kind, name, n, d, created, updated, version"
#define TALLY_META   "name, kind, params, n, size, created, updated, version"

/* The prepared statements every connection has, by index. */
enum {
	S_APPEND,
	S_SERIES_LIST,
	S_POINTS,
	S_SERIES_ANY,
	S_LATEST,
	S_PUT,
	S_INSERT,
	S_GET,
	S_GET_DATA,
	S_GET_LOCKED,
	S_LIST,
	S_UPDATE,
	S_DELETE,
	S_PING,
	S_JOB_PUT,
	S_JOB_GET,
	S_JOB_CANCEL,
	S_JOB_DELETE,
	S_JOB_PRUNE,
	S_TALLY_INSERT,
	S_TALLY_GET,
	S_TALLY_GET_DATA,
	S_TALLY_GET_LOCKED,
	S_TALLY_LIST,
	S_TALLY_UPDATE,
	S_TALLY_DELETE,
	S_DATASET_LIST,
	S__COUNT
};

#define T OID_TEXT
#define I OID_INT8
#define F OID_FLOAT8
#define B OID_BYTEA
static const struct {
	const char *sql;
	int n;
	Oid types[9];
} stmts[S__COUNT] = {
	[S_APPEND] = {"INSERT INTO series_points(series, step, labels, value, "
		      "ts, lo, hi, fail_above, fail_below) VALUES ($1, $2, "
		      "$3, $4, $5, $6, $7, $8, $9)",
		      9,
		      {T, I, T, F, F, F, F, F, F}},
	[S_SERIES_LIST] = {"SELECT s.series, s.cnt, p.step, p.value, p.ts, "
			   "p.labels, p.lo, p.hi, p.fail_above, p.fail_below "
			   "FROM (SELECT series, COUNT(*) AS cnt, "
			   "MAX(id) AS last FROM series_points GROUP BY "
			   "series) s JOIN series_points p ON p.id = s.last "
			   "ORDER BY s.series",
			   0,
			   {0}},
	[S_POINTS] = {"SELECT step, value, ts, labels, lo, hi, fail_above, "
		      "fail_below FROM series_points "
		      "WHERE series = $1 AND ts > $2 ORDER BY id LIMIT $3",
		      3,
		      {T, F, I}},
	[S_SERIES_ANY] = {"SELECT 1 FROM series_points WHERE series = $1 "
			  "LIMIT 1",
			  1,
			  {T}},
	[S_LATEST] = {"SELECT p.series, p.value FROM series_points p JOIN "
		      "(SELECT MAX(id) AS last FROM series_points GROUP BY "
		      "series) s ON p.id = s.last ORDER BY p.series",
		      0,
		      {0}},
	[S_PUT] = {"INSERT INTO moments(" MOMENTS_META ", mean, second) "
		   "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
		   "ON CONFLICT (kind, name) DO UPDATE SET n = EXCLUDED.n, "
		   "d = EXCLUDED.d, created = EXCLUDED.created, "
		   "updated = EXCLUDED.updated, version = EXCLUDED.version, "
		   "mean = EXCLUDED.mean, second = EXCLUDED.second",
		   9,
		   {T, T, I, I, F, F, I, B, B}},
	[S_INSERT] = {"INSERT INTO moments(" MOMENTS_META ", mean, second) "
		      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
		      9,
		      {T, T, I, I, F, F, I, B, B}},
	[S_GET] = {"SELECT " MOMENTS_META " FROM moments WHERE kind = $1 AND "
		   "name = $2",
		   2,
		   {T, T}},
	[S_GET_DATA] = {"SELECT " MOMENTS_META ", mean, second FROM moments "
			"WHERE kind = $1 AND name = $2",
			2,
			{T, T}},
	[S_GET_LOCKED] = {"SELECT " MOMENTS_META ", mean, second FROM "
			  "moments WHERE kind = $1 AND name = $2 FOR UPDATE",
			  2,
			  {T, T}},
	[S_LIST] = {"SELECT " MOMENTS_META " FROM moments WHERE kind = $1 "
		    "ORDER BY name",
		    1,
		    {T}},
	[S_UPDATE] = {"UPDATE moments SET n = $3, updated = $4, version = $5, "
		      "mean = $6, second = $7 WHERE kind = $1 AND name = $2",
		      7,
		      {T, T, I, F, I, B, B}},
	[S_DELETE] = {"DELETE FROM moments WHERE kind = $1 AND name = $2",
		      2,
		      {T, T}},
	[S_PING] = {"SELECT 1", 0, {0}},
	/* A cancel raised through another replica is kept, and returned.
	 * A finished job is never written again: a heartbeat's snapshot
	 * taken while it ran may arrive after its end. */
	[S_JOB_PUT] = {"INSERT INTO jobs(id, label, state, progress, created, "
		       "updated, lease_until, cancel, result) VALUES ($1, $2, "
		       "$3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO UPDATE "
		       "SET label = EXCLUDED.label, state = EXCLUDED.state, "
		       "progress = EXCLUDED.progress, updated = "
		       "EXCLUDED.updated, lease_until = EXCLUDED.lease_until, "
		       "cancel = GREATEST(jobs.cancel, EXCLUDED.cancel), "
		       "result = EXCLUDED.result WHERE jobs.state < 2 "
		       "RETURNING cancel",
		       9,
		       {T, T, I, F, F, F, F, I, T}},
	[S_JOB_GET] = {"SELECT id, label, state, progress, created, "
		       "lease_until, cancel, result FROM jobs WHERE id = $1",
		       1,
		       {T}},
	[S_JOB_CANCEL] = {"UPDATE jobs SET cancel = 1 WHERE id = $1 "
			  "RETURNING state",
			  1,
			  {T}},
	[S_JOB_DELETE] = {"DELETE FROM jobs WHERE id = $1", 1, {T}},
	[S_JOB_PRUNE] = {"DELETE FROM jobs WHERE state >= 2 AND updated < $1",
			 1,
			 {F}},
	[S_TALLY_INSERT] = {"INSERT INTO tallies(" TALLY_META ", state) "
			    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
			    9,
			    {T, T, T, I, I, F, F, I, B}},
	[S_TALLY_GET] = {"SELECT " TALLY_META " FROM tallies WHERE name = $1",
			 1,
			 {T}},
	[S_TALLY_GET_DATA] = {"SELECT " TALLY_META ", state FROM tallies "
			      "WHERE name = $1",
			      1,
			      {T}},
	[S_TALLY_GET_LOCKED] = {"SELECT " TALLY_META ", state FROM tallies "
				"WHERE name = $1 FOR UPDATE",
				1,
				{T}},
	[S_TALLY_LIST] = {"SELECT " TALLY_META " FROM tallies ORDER BY name",
			  0,
			  {0}},
	[S_TALLY_UPDATE] = {"UPDATE tallies SET n = $2, updated = $3, "
			    "version = $4, state = $5 WHERE name = $1",
			    5,
			    {T, I, F, I, B}},
	[S_TALLY_DELETE] = {"DELETE FROM tallies WHERE name = $1", 1, {T}},
	/* A listing reads in single-row mode, which needs a prepared
	 * statement. */
	[S_DATASET_LIST] = {"SELECT name, n_rows, n_kept, max_rows, seed, "
			    "sampled, ncols, bytes, created, version FROM "
			    "datasets ORDER BY name",
			    0,
			    {0}},
};
#undef T
#undef I
#undef F
#undef B

static const char *const kind_names[] = {
	[STORE_REFERENCE] = "reference",
	[STORE_STREAM] = "stream",
};

typedef struct pg_conn {
	PGconn *c; /* NULL: not connected */
	int busy;  /* handed to a call */
} pg_conn;

typedef struct pg_store {
	store base;
	char *conninfo;
	pthread_mutex_t mu;   /* the busy flags */
	pthread_cond_t freed; /* a connection was handed back */
	int nconns;
	pg_conn *conns;
	pthread_mutex_t schema_mu; /* one migration at a time here */
	atomic_int schema_ok;	   /* the schema is this evald's */
	atomic_int down;	   /* the last connect failed (logged) */
	/* While down: the reason, and when the next connect may be tried
	 * (CLOCK_MONOTONIC seconds); under mu. */
	char why[200];
	double retry_at;
} pg_store;

static const store_ops pg_ops;

/* Parameters of one statement; numbers are kept here in network order,
 * so a pg_params is filled in place and never copied. */
typedef struct pg_params {
	int n;
	const char *v[10];
	int len[10];
	int fmt[10];
	uint64_t num[10];
} pg_params;

static void p_text(pg_params *p, const char *s)
{
	p->v[p->n] = s;
	p->len[p->n] = 0;
	p->fmt[p->n++] = 0;
}

static void p_null(pg_params *p)
{
	p_text(p, NULL);
}

static void p_i64(pg_params *p, int64_t x)
{
	p->num[p->n] = htobe64((uint64_t)x);
	p->v[p->n] = (const char *)&p->num[p->n];
	p->len[p->n] = 8;
	p->fmt[p->n++] = 1;
}

static void p_f64(pg_params *p, double x)
{
	uint64_t u;
	memcpy(&u, &x, sizeof u);
	p_i64(p, (int64_t)u);
}

/* count doubles as bytea; NULL as an empty one. */
static void p_doubles(pg_params *p, const double *v, int64_t count)
{
	p->v[p->n] = v ? (const char *)v : "";
	p->len[p->n] = v ? (int)(count * (int64_t)sizeof(double)) : 0;
	p->fmt[p->n++] = 1;
}

static int64_t r_i64(const PGresult *r, int col)
{
	uint64_t u;
	memcpy(&u, PQgetvalue(r, 0, col), sizeof u);
	return (int64_t)be64toh(u);
}

static double r_f64(const PGresult *r, int col)
{
	uint64_t u = (uint64_t)r_i64(r, col);
	double x;
	memcpy(&x, &u, sizeof x);
	return x;
}

static int r_null(const PGresult *r, int col)
{
	return PQgetisnull(r, 0, col);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* libpq's messages end in a newline and may span lines: keep one. */
static void one_line(char *buf, size_t len, const char *msg)
{
	snprintf(buf, len, "%s", msg && *msg ? msg : "unknown error");
	for (char *p = buf; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = *(p + 1) ? ' ' : '\0';
}

/* The server's SQLSTATEs that say "try again" rather than "this request
 * is wrong": connection trouble, shutdown and start-up, too many
 * connections, a read-only server (a standby after failover), and a
 * transaction the server gave up on to resolve a conflict. */
static int transient(const char *state)
{
	static const char *const codes[] = {"57P01", "57P02", "57P03", "53300",
					    "25006", "40001", "40P01"};
	if (!state)
		return 0;
	if (!strncmp(state, "08", 2))
		return 1;
	for (size_t i = 0; i < sizeof codes / sizeof *codes; i++)
		if (!strcmp(state, codes[i]))
			return 1;
	return 0;
}

/* What the failed res (NULL: the connection's own error) means, with its
 * message in errbuf. */
static int pg_fail(PGconn *c, const PGresult *res, char *errbuf)
{
	const char *state =
		res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = res ? PQresultErrorMessage(res) : NULL;
	char why[200];

	one_line(why, sizeof why, msg && *msg ? msg : PQerrorMessage(c));
	if (PQstatus(c) != CONNECTION_OK || transient(state)) {
		snprintf(errbuf, 256, "store: PostgreSQL is unavailable: %s",
			 why);
		return STORE_UNAVAILABLE;
	}
	snprintf(errbuf, 256, "store: %s", why);
	if (state && !strcmp(state, "23505"))
		return STORE_EXISTS;
	if (state && !strcmp(state, "53100"))
		return STORE_FULL;
	if (state && !strcmp(state, "54000"))
		return STORE_TOOBIG;
	return STORE_ERR;
}

/* Run sql (no parameters) that returns no rows to keep. */
static int exec(PGconn *c, const char *sql, char *errbuf)
{
	PGresult *res = PQexec(c, sql);
	ExecStatusType s = PQresultStatus(res);
	int r = s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK
			? STORE_OK
			: pg_fail(c, res, errbuf);
	PQclear(res);
	return r;
}

/* COMMIT, which answers ROLLBACK (not an error) for a transaction that
 * failed: only a "COMMIT" tag is a commit. */
static int commit(PGconn *c, char *errbuf)
{
	PGresult *res = PQexec(c, "COMMIT");
	int r = STORE_OK;
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		r = pg_fail(c, res, errbuf);
	else if (strcmp(PQcmdStatus(res), "COMMIT")) {
		snprintf(errbuf, 256, "store: the transaction was rolled back");
		r = STORE_ERR;
	}
	PQclear(res);
	return r;
}

static void rollback(PGconn *c)
{
	PQclear(PQexec(c, "ROLLBACK"));
}

static void stmt_name(char *buf, size_t len, int s)
{
	snprintf(buf, len, "evald_%d", s);
}

/* Run prepared statement s to completion; *changed (when not NULL) gets
 * the rows it wrote. */
static int run(PGconn *c, int s, const pg_params *p, int64_t *changed,
	       char *errbuf)
{
	char name[32];
	PGresult *res;
	ExecStatusType st;
	int r = STORE_OK;

	stmt_name(name, sizeof name, s);
	res = PQexecPrepared(c, name, p ? p->n : 0, p ? p->v : NULL,
			     p ? p->len : NULL, p ? p->fmt : NULL, 1);
	st = PQresultStatus(res);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		r = pg_fail(c, res, errbuf);
	else if (changed)
		*changed = strtoll(PQcmdTuples(res), NULL, 10);
	PQclear(res);
	return r;
}

/* Run prepared statement s and hand its rows one at a time (single-row
 * mode: a listing is never held whole) to row(ctx, res), reading row 0,
 * until it returns nonzero; the rest is read and dropped so the
 * connection is ready for the next statement.  *count (when not NULL)
 * gets the rows handed. */
static int rows(PGconn *c, int s, const pg_params *p,
		int (*row)(void *ctx, const PGresult *res), void *ctx,
		int64_t *count, char *errbuf)
{
	char name[32];
	PGresult *res;
	int64_t n = 0;
	int r = STORE_OK, stop = 0;

	stmt_name(name, sizeof name, s);
	if (!PQsendQueryPrepared(c, name, p ? p->n : 0, p ? p->v : NULL,
				 p ? p->len : NULL, p ? p->fmt : NULL, 1)) {
		r = pg_fail(c, NULL, errbuf);
		goto out;
	}
	PQsetSingleRowMode(c);
	while ((res = PQgetResult(c))) {
		ExecStatusType st = PQresultStatus(res);
		if (st == PGRES_SINGLE_TUPLE) {
			if (!stop && r == STORE_OK) {
				n++;
				stop = row(ctx, res) != 0;
			}
		} else if (st != PGRES_TUPLES_OK && r == STORE_OK) {
			r = pg_fail(c, res, errbuf);
		}
		PQclear(res);
	}
out:
	if (count)
		*count = n;
	return r;
}

/* ------------------------------------------------------------ the pool */

static double mono_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void note_down(pg_store *ps, const char *why)
{
	char esc[300];
	pthread_mutex_lock(&ps->mu);
	snprintf(ps->why, sizeof ps->why, "%s", why);
	ps->retry_at = mono_s() + RETRY_S;
	pthread_mutex_unlock(&ps->mu);
	if (!atomic_exchange(&ps->down, 1))
		log_msg(LOG_WARN, "event=store_unavailable reason=%s",
			log_esc(esc, sizeof esc, why));
}

static void note_up(pg_store *ps)
{
	if (atomic_exchange(&ps->down, 0))
		log_msg(LOG_INFO, "event=store_reconnected");
}

/* Bring the database to this evald's schema (see the top of the file). */
static int migrate(pg_store *ps, PGconn *c, char *errbuf)
{
	char sql[96];
	PGresult *res;
	int version, r;

	pthread_mutex_lock(&ps->schema_mu);
	if (atomic_load(&ps->schema_ok)) {
		pthread_mutex_unlock(&ps->schema_mu);
		return STORE_OK;
	}
	if ((r = exec(c, "BEGIN", errbuf)))
		goto out;
	if ((r = exec(c, "SELECT pg_advisory_xact_lock(" SCHEMA_LOCK ")",
		      errbuf)))
		goto fail;
	/* Looked up rather than CREATE ... IF NOT EXISTS: a role that may
	 * not create tables can still use a database at the latest
	 * version. */
	res = PQexec(c, "SELECT to_regclass('schema_version') IS NULL");
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		r = pg_fail(c, res, errbuf);
		PQclear(res);
		goto fail;
	}
	version = !strcmp(PQgetvalue(res, 0, 0), "t");
	PQclear(res);
	if (version && (r = exec(c,
				 "CREATE TABLE schema_version ("
				 "version INTEGER NOT NULL)",
				 errbuf)))
		goto fail;
	res = PQexec(c, "SELECT coalesce(max(version), 0) FROM "
			"schema_version");
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		r = pg_fail(c, res, errbuf);
		PQclear(res);
		goto fail;
	}
	version = atoi(PQgetvalue(res, 0, 0));
	PQclear(res);
	if (version > NMIGRATIONS) {
		snprintf(errbuf, 256,
			 "store: database schema version %d is newer than "
			 "this evald (%d); upgrade evald",
			 version, NMIGRATIONS);
		r = STORE_ERR;
		goto fail;
	}
	snprintf(sql, sizeof sql,
		 "DELETE FROM schema_version; INSERT INTO schema_version "
		 "VALUES (%d)",
		 NMIGRATIONS);
	for (int v = version; v < NMIGRATIONS; v++)
		if ((r = exec(c, migrations[v], errbuf)))
			goto fail;
	if (version < NMIGRATIONS && (r = exec(c, sql, errbuf)))
		goto fail;
	if ((r = commit(c, errbuf)))
		goto out;
	atomic_store(&ps->schema_ok, 1);
	goto out;
fail:
	rollback(c);
out:
	pthread_mutex_unlock(&ps->schema_mu);
	return r;
}

/* Make a session fit for use: durable commits, the schema, the
 * statements. */
static int setup(pg_store *ps, PGconn *c, char *errbuf)
{
	char name[32];
	int r;

	/* A commit must be on disk before it is answered: a role or
	 * database that turned that off is overruled for our writes. */
	PGresult *res = PQexec(c, "SHOW synchronous_commit");
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		r = pg_fail(c, res, errbuf);
		PQclear(res);
		return r;
	}
	r = !strcmp(PQgetvalue(res, 0, 0), "off")
		    ? exec(c, "SET synchronous_commit TO on", errbuf)
		    : STORE_OK;
	PQclear(res);
	if (r || (r = migrate(ps, c, errbuf)))
		return r;
	for (int s = 0; s < S__COUNT; s++) {
		stmt_name(name, sizeof name, s);
		res = PQprepare(c, name, stmts[s].sql, stmts[s].n,
				stmts[s].types);
		if (PQresultStatus(res) != PGRES_COMMAND_OK)
			r = pg_fail(c, res, errbuf);
		PQclear(res);
		if (r)
			return r;
	}
	return STORE_OK;
}

/* The server's notices ("relation ... already exists, skipping") go to
 * the debug log, not as bare lines into stderr's logfmt. */
static void notice(void *arg, const char *msg)
{
	char line[300], esc[400];
	one_line(line, sizeof line, msg);
	log_msg(LOG_DEBUG, "event=store_notice message=%s",
		log_esc(esc, sizeof esc, line));
}

static int pg_connect(pg_store *ps, pg_conn *pc, char *errbuf)
{
	/* Defaults before dbname, so the URL's own settings win: a dead
	 * host fails a connect in 5 s, and a connection to a host that went
	 * away (no FIN, no RST) is found dead by keepalives in about a
	 * minute instead of the kernel's two hours. */
	static const char *const keys[] = {
		"connect_timeout",  "keepalives",
		"keepalives_idle",  "keepalives_interval",
		"keepalives_count", "application_name",
		"dbname",	    NULL};
	const char *vals[] = {"5", "1",	    "30",	  "10",
			      "3", "evald", ps->conninfo, NULL};
	char why[200];
	PGconn *c = PQconnectdbParams(keys, vals, 1);
	int r;

	if (!c) {
		snprintf(errbuf, 256, "store: out of memory");
		return STORE_ERR;
	}
	if (PQstatus(c) != CONNECTION_OK) {
		one_line(why, sizeof why, PQerrorMessage(c));
		PQfinish(c);
		snprintf(errbuf, 256, "store: PostgreSQL is unavailable: %s",
			 why);
		note_down(ps, why);
		return STORE_UNAVAILABLE;
	}
	PQsetNoticeProcessor(c, notice, NULL);
	if ((r = setup(ps, c, errbuf)) != STORE_OK) {
		PQfinish(c);
		if (r == STORE_UNAVAILABLE) {
			const char *w = strstr(errbuf, "unavailable: ");
			note_down(ps, w ? w + 13 : errbuf);
		}
		return r;
	}
	note_up(ps);
	pc->c = c;
	return STORE_OK;
}

/* An idle connection has nothing to say: input waiting on one is the
 * server hanging up (a shutdown's FATAL message, then end of file). */
static int idle_usable(PGconn *c)
{
	struct pollfd pfd = {.fd = PQsocket(c), .events = POLLIN};
	if (PQstatus(c) != CONNECTION_OK ||
	    PQtransactionStatus(c) != PQTRANS_IDLE || pfd.fd < 0)
		return 0;
	return poll(&pfd, 1, 0) == 0;
}

static void pool_put(pg_store *ps, pg_conn *pc, int r)
{
	/* After trouble the connection may be fine or half-dead, or in a
	 * transaction: a new one costs a few milliseconds, a bad one a
	 * failed request. */
	if (pc->c &&
	    (r == STORE_UNAVAILABLE || PQstatus(pc->c) != CONNECTION_OK ||
	     PQtransactionStatus(pc->c) != PQTRANS_IDLE)) {
		PQfinish(pc->c);
		pc->c = NULL;
	}
	pthread_mutex_lock(&ps->mu);
	pc->busy = 0;
	pthread_cond_signal(&ps->freed);
	pthread_mutex_unlock(&ps->mu);
}

/* A free connection, waiting up to wait_s for one; NULL past that. */
static pg_conn *pool_take(pg_store *ps, int wait_s)
{
	struct timespec until;
	pg_conn *pc = NULL;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += wait_s;
	pthread_mutex_lock(&ps->mu);
	while (!pc) {
		/* A connected one first: connecting costs round trips. */
		for (int i = 0; i < ps->nconns && !pc; i++)
			if (!ps->conns[i].busy && ps->conns[i].c)
				pc = &ps->conns[i];
		for (int i = 0; i < ps->nconns && !pc; i++)
			if (!ps->conns[i].busy)
				pc = &ps->conns[i];
		if (!pc && pthread_cond_timedwait(&ps->freed, &ps->mu,
						  &until) == ETIMEDOUT)
			break;
	}
	if (pc)
		pc->busy = 1;
	pthread_mutex_unlock(&ps->mu);
	return pc;
}

/* Right after a failed connect, the next call fails at once with its
 * reason instead of trying again: a server that is down is not asked
 * by every thread, and a host that does not answer does not hold each
 * one for connect_timeout. */
static int connect_later(pg_store *ps, char *errbuf)
{
	int later = 0;
	if (!atomic_load(&ps->down))
		return 0;
	pthread_mutex_lock(&ps->mu);
	if (mono_s() < ps->retry_at) {
		snprintf(errbuf, 256, "store: PostgreSQL is unavailable: %s",
			 ps->why);
		later = 1;
	}
	pthread_mutex_unlock(&ps->mu);
	return later;
}

/* Make the taken pc connected and fit for use, or hand it back. */
static int pool_ready(pg_store *ps, pg_conn *pc, char *errbuf)
{
	int r;
	if (pc->c && !idle_usable(pc->c)) {
		PQfinish(pc->c);
		pc->c = NULL;
	}
	if (!pc->c && connect_later(ps, errbuf)) {
		pool_put(ps, pc, STORE_UNAVAILABLE);
		return STORE_UNAVAILABLE;
	}
	if (!pc->c && (r = pg_connect(ps, pc, errbuf)) != STORE_OK) {
		pool_put(ps, pc, r);
		return r;
	}
	return STORE_OK;
}

/* A connection for one call. */
static int pool_get(pg_store *ps, pg_conn **out, char *errbuf)
{
	pg_conn *pc = pool_take(ps, POOL_WAIT_S);
	if (!pc) {
		snprintf(errbuf, 256,
			 "store: all %d PostgreSQL connections stayed busy "
			 "for %d s",
			 ps->nconns, POOL_WAIT_S);
		return STORE_UNAVAILABLE;
	}
	*out = pc;
	return pool_ready(ps, pc, errbuf);
}

static void pg_close(store *base)
{
	pg_store *ps = (pg_store *)base;
	if (!ps)
		return;
	for (int i = 0; i < ps->nconns; i++)
		PQfinish(ps->conns[i].c);
	free(ps->conns);
	free(ps->conninfo);
	pthread_cond_destroy(&ps->freed);
	pthread_mutex_destroy(&ps->mu);
	pthread_mutex_destroy(&ps->schema_mu);
	free(ps);
}

int store_pg_open(const char *conninfo, int conns, store **out, char *errbuf)
{
	char *err = NULL, why[200];
	PQconninfoOption *opts = PQconninfoParse(conninfo, &err);
	pthread_condattr_t ca;
	pg_store *ps;
	pg_conn *pc;
	int r;

	*out = NULL;
	if (!opts) {
		one_line(why, sizeof why, err ? err : "out of memory");
		PQfreemem(err);
		snprintf(errbuf, 256, "store: not a PostgreSQL URL: %s", why);
		return STORE_ERR;
	}
	PQconninfoFree(opts);
	ps = calloc(1, sizeof *ps);
	if (!ps || !(ps->conninfo = strdup(conninfo)) ||
	    !(ps->conns = calloc((size_t)conns, sizeof *ps->conns))) {
		if (ps)
			free(ps->conninfo);
		free(ps);
		snprintf(errbuf, 256, "store: out of memory");
		return STORE_ERR;
	}
	ps->base.ops = &pg_ops;
	ps->nconns = conns;
	pthread_mutex_init(&ps->mu, NULL);
	pthread_mutex_init(&ps->schema_mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&ps->freed, &ca);
	pthread_condattr_destroy(&ca);
	/* Connect once now: a database that answers must have a schema this
	 * evald can use, or start-up fails; one that does not answer is
	 * waited for (STORE_UNAVAILABLE until it does). */
	r = pool_get(ps, &pc, errbuf);
	if (r == STORE_OK)
		pool_put(ps, pc, r);
	else if (r != STORE_UNAVAILABLE) {
		pg_close(&ps->base);
		return r;
	}
	errbuf[0] = '\0';
	*out = &ps->base;
	return STORE_OK;
}

static int pg_ping(store *base, char *errbuf)
{
	pg_store *ps = (pg_store *)base;
	pg_conn *pc = pool_take(ps, PING_WAIT_S);
	int r;

	/* Every connection busy serving: the last connect tells. */
	if (!pc) {
		if (!atomic_load(&ps->down))
			return STORE_OK;
		snprintf(errbuf, 256,
			 "store: PostgreSQL is unavailable (the last connect "
			 "failed)");
		return STORE_UNAVAILABLE;
	}
	if ((r = pool_ready(ps, pc, errbuf)))
		return r;
	r = run(pc->c, S_PING, NULL, NULL, errbuf);
	pool_put(ps, pc, r);
	return r;
}

/* ------------------------------------------------------------ series */

static void p_opt_f64(pg_params *q, int has, double x)
{
	if (has)
		p_f64(q, x);
	else
		p_null(q);
}

/* The S_APPEND parameters of series' point p (append and import). */
static void point_params(pg_params *q, const char *series, const store_point *p)
{
	p_text(q, series);
	if (p->has_step)
		p_i64(q, p->step);
	else
		p_null(q);
	if (p->labels)
		p_text(q, p->labels);
	else
		p_null(q);
	p_opt_f64(q, p->has_value, p->value);
	p_f64(q, p->ts);
	p_opt_f64(q, p->has_band, p->lo);
	p_opt_f64(q, p->has_band, p->hi);
	p_opt_f64(q, p->has_fail_above, p->fail_above);
	p_opt_f64(q, p->has_fail_below, p->fail_below);
}

static int pg_series_append(store *base, const char *series,
			    const store_point *p, char *errbuf)
{
	pg_store *ps = (pg_store *)base;
	pg_params q = {0};
	pg_conn *pc;
	int r;

	point_params(&q, series, p);
	if ((r = pool_get(ps, &pc, errbuf)))
		return r;
	r = run(pc->c, S_APPEND, &q, NULL, errbuf);
	pool_put(ps, pc, r);
	return r;
}

/* The point in columns col.. (step, value, ts, labels) of res's row; its
 * labels point into res. */
static void point_row(const PGresult *res, int col, store_point *p)
{
	p->has_step = !r_null(res, col);
	p->step = p->has_step ? r_i64(res, col) : 0;
	p->has_value = !r_null(res, col + 1);
	p->value = p->has_value ? r_f64(res, col + 1) : 0.0;
	p->ts = r_f64(res, col + 2);
	p->labels = r_null(res, col + 3) ? NULL : PQgetvalue(res, 0, col + 3);
	p->has_band = !r_null(res, col + 4) && !r_null(res, col + 5);
	p->lo = p->has_band ? r_f64(res, col + 4) : 0.0;
	p->hi = p->has_band ? r_f64(res, col + 5) : 0.0;
	p->has_fail_above = !r_null(res, col + 6);
	p->fail_above = p->has_fail_above ? r_f64(res, col + 6) : 0.0;
	p->has_fail_below = !r_null(res, col + 7);
	p->fail_below = p->has_fail_below ? r_f64(res, col + 7) : 0.0;
}

typedef struct series_to {
	int (*fn)(void *ctx, const store_series_info *si);
	void *ctx;
} series_to;

static int series_info_row(void *ctx, const PGresult *res)
{
	series_to *t = ctx;
	store_series_info si;
	si.name = PQgetvalue(res, 0, 0);
	si.points = r_i64(res, 1);
	point_row(res, 2, &si.latest);
	return t->fn(t->ctx, &si);
}

static int pg_series_list(store *base,
			  int (*fn)(void *ctx, const store_series_info *si),
			  void *ctx, char *errbuf)
{
	pg_store *ps = (pg_store *)base;
	series_to t = {fn, ctx};
	pg_conn *pc;
	int r;
	if ((r = pool_get(ps, &pc, errbuf)))
		return r;
	r = rows(pc->c, S_SERIES_LIST, NULL, series_info_row, &t, NULL, errbuf);
	pool_put(ps, pc, r);
	return r;
}

typedef struct point_to {
	int (*fn)(void *ctx, const store_point *p);
	void *ctx;
} point_to;

static int point_row_to(void *ctx, const PGresult *res)
{
	point_to *t = ctx;
	store_point p;
	point_row(res, 0, &p);
	return t->fn(t->ctx, &p);
}

static int any_row(void *ctx, const PGresult *res)
{
	return 1;
}

static int pg_series_points(store *base, const char *series, double since,
			    int64_t limit,
			    int (*fn)(void *ctx, const store_point *p),
			    void *ctx, char *errbuf)
{
	pg_store *ps = (pg_store *)base;
	point_to t = {fn, ctx};
	pg_params q = {0};
	pg_conn *pc;
	int64_t n = 0;
	int r;

	p_text(&q, series);
	p_f64(&q, since);
	if (limit >= 0)
		p_i64(&q, limit);
	else
		p_null(&q); /* LIMIT NULL: all, as SQLite's LIMIT -1 */
	if ((r = pool_get(ps, &pc, errbuf)))
		return r;
	r = rows(pc->c, S_POINTS, &q, point_row_to, &t, &n, errbuf);
	if (r == STORE_OK && n == 0 && since < 0) {
		/* Distinguish an empty answer from an unknown series. */
		q.n = 1;
		r = rows(pc->c, S_SERIES_ANY, &q, any_row, NULL, &n, errbuf);
		if (r == STORE_OK && n == 0)
			r = STORE_NOTFOUND;
	}
	pool_put(ps, pc, r);
	return r;
}

typedef struct latest_to {
	void (*fn)(void *ctx, const char *series, int has_value, double value);
	void *ctx;
} latest_to;

static int latest_row(void *ctx, const PGresult *res)
{
	latest_to *t = ctx;
	int has = !r_null(res, 1);
	t->fn(t->ctx, PQgetvalue(res, 0, 0), has, has ? r_f64(res, 1) : 0.0);
	return 0;
}

static int pg_series_latest(store *base,
			    void (*fn)(void *ctx, const char *series,
				       int has_value, double value),
			    void *ctx, char *errbuf)
{
	pg_store *ps = (pg_store *)base;
	latest_to t = {fn, ctx};
	pg_conn *pc;
	int r;
	if ((r = pool_get(ps, &pc, errbuf)))
		return r;
	r = rows(pc->c, S_LATEST, NULL, latest_row, &t, NULL, errbuf);
	pool_put(ps, pc, r);
	return r;
}

/* ------------------------------------------------------------ moments */

/* count doubles of bytea column col, malloc'd; an empty one stands for
 * zeros when the moments hold no rows (see store_moments_create).  NULL
 * when it has another size or memory ran out. */
static double *bytes_copy(const PGresult *res, int col, int64_t count,
			  int64_t n)
{
	int bytes = PQgetlength(res, 0, col);
	if (bytes == 0 && n == 0)
		return calloc((size_t)(count ? count : 1), sizeof(double));
	if (bytes != count * (int64_t)sizeof(double))
		return NULL;
	double *d = malloc((size_t)bytes);
	if (d)
		memcpy(d, PQgetvalue(res, 0, col), (size_t)bytes);
	return d;
}

typedef struct moments_to {
	store_moments *m; /* a single record (get), or NULL: each to fn */
	int with_data;
	int damaged; /* data of the wrong size, or no memory for it */
	int (*fn)(void *ctx, const store_moments *m);
	void *ctx;
} moments_to;

/* The row MOMENTS_META [, mean, second] of res, into c->m or to c's fn. */
static int moments_row(void *ctx, const PGresult *res)
{
	moments_to *c = ctx;
	store_moments one, *m = c->m ? c->m : &one;

	memset(m, 0, sizeof *m);
	m->kind = !strcmp(PQgetvalue(res, 0, 0), kind_names[STORE_STREAM])
			  ? STORE_STREAM
			  : STORE_REFERENCE;
	snprintf(m->name, sizeof m->name, "%s", PQgetvalue(res, 0, 1));
	m->n = r_i64(res, 2);
	m->d = r_i64(res, 3);
	m->created = r_f64(res, 4);
	m->updated = r_f64(res, 5);
	m->version = r_i64(res, 6);
	if (c->with_data) {
		m->mean = bytes_copy(res, 7, m->d, m->n);
		m->second = bytes_copy(res, 8, m->d * m->d, m->n);
		if (!m->mean || !m->second) {
			free(m->mean);
			free(m->second);
			m->mean = m->second = NULL;
			c->damaged = 1;
		}
	}
	if (!c->m)
		return c->fn(c->ctx, m);
	return 1;
}

/* Read (kind, name) into *m with statement s (S_GET, S_GET_DATA or
 * S_GET_LOCKED). */
static int moments_get(PGconn *c, int s, store_kind kind, const char *name,
		       store_moments *m, char *errbuf)
{
	moments_to t = {.m = m, .with_data = s != S_GET};
	pg_params q = {0};
	int64_t found = 0;
	int r;

	memset(m, 0, sizeof *m);
	p_text(&q, kind_names[kind]);
	p_text(&q, name);
	if ((r = rows(c, s, &q, moments_row, &t, &found, errbuf)))
		return r;
	if (!found)
		return STORE_NOTFOUND;
	if (t.damaged) {
		snprintf(errbuf, 256,
			 "store: %s %.140s is damaged or memory ran out",
			 kind_names[kind], name);
		return STORE_ERR;
	}
	return STORE_OK;
}

static int too_big(const store_moments *m, char *errbuf)
{
	if (m->d * m->d * (int64_t)sizeof(double) <= PG_MAX_VALUE)
		return STORE_OK;
	snprintf(errbuf, 256,
		 "store: a value is larger than the store's limit of %lld "
		 "bytes",
		 (long long)PG_MAX_VALUE);
	return STORE_TOOBIG;
}

static int new_version(store_moments *m, char *errbuf)
{
	uint64_t v;
	if (ids_random(&v, sizeof v) < 0) {
		snprintf(errbuf, 256, "store: no random bytes: %s",
			 strerror(errno));
		return STORE_ERR;
	}
	/* 63 random bits, never 0 (the version of rows from before it). */
	m->version = (int64_t)(v >> 1) | 1;
	return STORE_OK;
}

/* Write m whole, as it is, with s: S_PUT (replace) or S_INSERT
 * (STORE_EXISTS when the name is taken). */
static int moments_write(PGconn *c, int s, const store_moments *m, char *errbuf)
{
	pg_params q = {0};
	int r;

	if ((r = too_big(m, errbuf)))
		return r;
	p_text(&q, kind_names[m->kind]);
	p_text(&q, m->name);
	p_i64(&q, m->n);
	p_i64(&q, m->d);
	p_f64(&q, m->created);
	p_f64(&q, m->updated);
	p_i64(&q, m->version);
	p_doubles(&q, m->mean, m->d);
	p_doubles(&q, m->second, m->d * m->d);
	r = run(c, s, &q, NULL, errbuf);
	if (r == STORE_EXISTS)
		snprintf(errbuf, 256, "store: %s %.140s exists",
			 kind_names[m->kind], m->name);
	return r;
}

static int rows_drop(PGconn *c, store_kind kind, const char *name,
		     char *errbuf);
static int rows_start(PGconn *c, const store_moments *m, char *errbuf);
static int rows_append(PGconn *c, const store_moments *m, char *errbuf);
static int rows_info(PGconn *c, store_kind kind, const char *name,
		     store_rows_info *ri, char *errbuf);

/* Write m with s and its kept rows' part in one transaction (S_PUT
 * drops the rows kept before). */
static int write_new(pg_store *ps, int s, store_moments *m, char *errbuf)
{
	pg_conn *pc;
	int r;
	m->created = m->updated = now_s();
	if ((r = new_version(m, errbuf)) || (r = pool_get(ps, &pc, errbuf)))
		return r;
	if ((r = exec(pc->c, "BEGIN", errbuf)))
		goto out;
	if ((r = moments_write(pc->c, s, m, errbuf)) ||
	    (s == S_PUT && (r = rows_drop(pc->c, m->kind, m->name, errbuf))) ||
	    (m->rows && (r = rows_start(pc->c, m, errbuf))) ||
	    (m->rows && m->rows->nrows &&
	     (r = rows_append(pc->c, m, errbuf))) ||
	    (r = commit(pc->c, errbuf)))
		rollback(pc->c);
out:
	pool_put(ps, pc, r);
	return r;
}

static int pg_moments_put(store *base, store_moments *m, char *errbuf)
{
	return write_new((pg_store *)base, S_PUT, m, errbuf);
}

static int pg_moments_create(store *base, store_moments *m, char *errbuf)
{
	if (ids_hex128(m->name) < 0) {
		snprintf(errbuf, 256, "store: no random bytes: %s",
			 strerror(errno));
		return STORE_ERR;
	}
	/* Empty data reads back as zeros (see bytes_copy). */
	m->n = 0;
	m->mean = m->second = NULL;
	return write_new((pg_store *)base, S_INSERT, m, errbuf);
}

static int pg_moments_get(store *base, store_kind kind, const char *name,
			  int with_data, store_moments *m, char *errbuf)
{
	pg_store *ps = (pg_store *)base;
	pg_conn *pc;
	int r;
	memset(m, 0, sizeof *m);
	if ((r = pool_get(ps, &pc, errbuf)))
		return r;
	r = moments_get(pc->c, with_data ? S_GET_DATA : S_GET, kind, name, m,
			errbuf);
	pool_put(ps, pc, r);
	return r;
}

static int pg_moments_list(store *base, store_kind kind,
			   int (*fn)(void *ctx, const store_moments *m),
			   void *ctx, char *errbuf)
{
	pg_store *ps = (pg_store *)base;
	moments_to t = {.fn = fn, .ctx = ctx};
	pg_params q = {0};
	pg_conn *pc;
	int r;
	p_text(&q, kind_names[kind]);
	if ((r = pool_get(ps, &pc, errbuf)))
		return r;
	r = rows(pc->c, S_LIST, &q, moments_row, &t, NULL, errbuf);
	pool_put(ps, pc, r);
	return r;
}

static int pg_moments_update(store *base, store_kind kind, const char *name,
			     int (*fn)(void *ctx, store_moments *m), void *ctx,
			     char *errbuf)
{
	pg_store *ps = (pg_store *)base;
	store_moments m = {0};
	pg_params q = {0};
	pg_conn *pc;
	int r;

	if ((r = pool_get(ps, &pc, errbuf)))
		return r;
	if ((r = exec(pc->c, "BEGIN", errbuf)))
		goto out;
	/* FOR UPDATE: a writer of this row in any process waits here until
	 * we commit, then reads what we wrote. */
	if ((r = moments_get(pc->c, S_GET_LOCKED, kind, name, &m, errbuf)))
		goto rollback;
	store_rows_info ri;
	if ((r = rows_info(pc->c, kind, name, &ri, errbuf)) &&
	    r != STORE_NOTFOUND)
		goto rollback;
	m.rows_kept = r == STORE_OK;
	m.rows_bytes = ri.bytes;
	if (fn(ctx, &m) != 0) {
		r = STORE_ABORTED;
		goto rollback;
	}
	m.updated = now_s();
	if ((r = new_version(&m, errbuf)) || (r = too_big(&m, errbuf)))
		goto rollback;
	p_text(&q, kind_names[kind]);
	p_text(&q, name);
	p_i64(&q, m.n);
	p_f64(&q, m.updated);
	p_i64(&q, m.version);
	p_doubles(&q, m.mean, m.d);
	p_doubles(&q, m.second, m.d * m.d);
	if ((r = run(pc->c, S_UPDATE, &q, NULL, errbuf)) ||
	    (m.rows_kept && m.rows && m.rows->nrows &&
	     (r = rows_append(pc->c, &m, errbuf))) ||
	    (r = commit(pc->c, errbuf)))
		goto rollback;
	goto out;
rollback:
	rollback(pc->c);
out:
	pool_put(ps, pc, r);
	free(m.mean);
	free(m.second);
	return r;
}

/* Run a DELETE of one keyed row: STORE_NOTFOUND when it removed none.
 * Every resource's delete is this with its statement and key. */
static int delete_one(pg_store *ps, int stmt, pg_params *q, char *errbuf)
{
	int64_t changed = 0;
	pg_conn *pc;
	int r;

	if ((r = pool_get(ps, &pc, errbuf)))
		return r;
	r = run(pc->c, stmt, q, &changed, errbuf);
	pool_put(ps, pc, r);
	return r == STORE_OK && !changed ? STORE_NOTFOUND : r;
}

/* The record and its kept rows, in one transaction. */
static int pg_moments_delete(store *base, store_kind kind, const char *name,
			     char *errbuf)
{
	pg_store *ps = (pg_store *)base;
	pg_params q = {0};
	int64_t changed = 0;
	pg_conn *pc;
	int r;

	p_text(&q, kind_names[kind]);
	p_text(&q, name);
	if ((r = pool_get(ps, &pc, errbuf)))
		return r;
	if ((r = exec(pc->c, "BEGIN", errbuf)))
		goto out;
	if ((r = run(pc->c, S_DELETE, &q, &changed, errbuf)) ||
	    (!changed && (r = STORE_NOTFOUND)) ||
	    (r = rows_drop(pc->c, kind, name, errbuf)) ||
	    (r = commit(pc->c, errbuf)))
		rollback(pc->c);
out:
	pool_put(ps, pc, r);
	return r;
}

/* ---------------------------------------------------------- kept rows */

/* Run sql with p (not prepared: these run once per upload or read),
 * binary results; *res (when not NULL) gets them, the caller's. */
static int run_sql(PGconn *c, const char *sql, const pg_params *p,
		   PGresult **res, char *errbuf)
{
	PGresult *r = PQexecParams(c, sql, p->n, NULL, p->v, p->len, p->fmt, 1);
	ExecStatusType st = PQresultStatus(r);
	int rc = STORE_OK;

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		rc = pg_fail(c, r, errbuf);
	if (rc == STORE_OK && res) {
		*res = r;
		return STORE_OK;
	}
	PQclear(r);
	return rc;
}

static int rows_drop(PGconn *c, store_kind kind, const char *name, char *errbuf)
{
	pg_params q = {0};
	int r;

	p_text(&q, kind_names[kind]);
	p_text(&q, name);
	if ((r = run_sql(c,
			 "DELETE FROM row_chunks WHERE kind = $1 AND name = $2",
			 &q, NULL, errbuf)))
		return r;
	return run_sql(c, "DELETE FROM row_sets WHERE kind = $1 AND name = $2",
		       &q, NULL, errbuf);
}

static int rows_start(PGconn *c, const store_moments *m, char *errbuf)
{
	pg_params q = {0};

	p_text(&q, kind_names[m->kind]);
	p_text(&q, m->name);
	return run_sql(c,
		       "INSERT INTO row_sets(kind, name, d, nrows, bytes, "
		       "chunks) VALUES ($1, $2, 0, 0, 0, 0) ON CONFLICT "
		       "(kind, name) DO UPDATE SET d = 0, nrows = 0, "
		       "bytes = 0, chunks = 0",
		       &q, NULL, errbuf);
}

static int rows_info(PGconn *c, store_kind kind, const char *name,
		     store_rows_info *ri, char *errbuf)
{
	pg_params q = {0};
	PGresult *res;
	int r;

	memset(ri, 0, sizeof *ri);
	p_text(&q, kind_names[kind]);
	p_text(&q, name);
	if ((r = run_sql(c,
			 "SELECT d, nrows, bytes, chunks FROM row_sets "
			 "WHERE kind = $1 AND name = $2",
			 &q, &res, errbuf)))
		return r;
	r = PQntuples(res) ? STORE_OK : STORE_NOTFOUND;
	if (r == STORE_OK) {
		ri->d = r_i64(res, 0);
		ri->nrows = r_i64(res, 1);
		ri->bytes = r_i64(res, 2);
		ri->chunks = r_i64(res, 3);
	}
	PQclear(res);
	return r;
}

/* Append m->rows to its row set (which exists) in chunks. */
static int rows_append(PGconn *c, const store_moments *m, char *errbuf)
{
	const store_rows *rw = m->rows;
	int64_t per = store_chunk_rows(rw), row = rw->d * rw->esize;
	store_rows_info ri;
	int r;

	if ((r = rows_info(c, m->kind, m->name, &ri, errbuf)))
		return r;
	for (int64_t i = 0; i < rw->nrows; i += per, ri.chunks++) {
		int64_t n = rw->nrows - i < per ? rw->nrows - i : per;
		pg_params q = {0};
		p_text(&q, kind_names[m->kind]);
		p_text(&q, m->name);
		p_i64(&q, ri.chunks);
		p_i64(&q, rw->esize);
		p_i64(&q, n);
		q.v[q.n] = (const char *)rw->data + i * row;
		q.len[q.n] = (int)(n * row);
		q.fmt[q.n++] = 1;
		if ((r = run_sql(c,
				 "INSERT INTO row_chunks(kind, name, chunk, "
				 "esize, nrows, data) VALUES ($1, $2, $3, $4, "
				 "$5, $6)",
				 &q, NULL, errbuf)))
			return r;
	}
	pg_params q = {0};
	p_text(&q, kind_names[m->kind]);
	p_text(&q, m->name);
	p_i64(&q, rw->d);
	p_i64(&q, ri.nrows + rw->nrows);
	p_i64(&q, ri.bytes + rw->nrows * row);
	p_i64(&q, ri.chunks);
	return run_sql(c,
		       "UPDATE row_sets SET d = $3, nrows = $4, bytes = $5, "
		       "chunks = $6 WHERE kind = $1 AND name = $2",
		       &q, NULL, errbuf);
}

static int pg_rows_info(store *base, store_kind kind, const char *name,
			store_rows_info *ri, char *errbuf)
{
	pg_store *ps = (pg_store *)base;
	pg_conn *pc;
	int r;

	if ((r = pool_get(ps, &pc, errbuf)))
		return r;
	r = rows_info(pc->c, kind, name, ri, errbuf);
	pool_put(ps, pc, r == STORE_NOTFOUND ? STORE_OK : r);
	return r;
}

/* Chunk k of (kind, name) to fn, one chunk in memory at a time. */
static int chunk_read(PGconn *c, store_kind kind, const char *name, int64_t k,
		      int64_t d, int (*fn)(void *ctx, const store_rows *chunk),
		      void *ctx, char *errbuf)
{
	pg_params q = {0};
	PGresult *res;
	int r;

	p_text(&q, kind_names[kind]);
	p_text(&q, name);
	p_i64(&q, k);
	if ((r = run_sql(c,
			 "SELECT esize, nrows, data FROM row_chunks WHERE "
			 "kind = $1 AND name = $2 AND chunk = $3",
			 &q, &res, errbuf)))
		return r;
	store_rows ch = {.d = d};
	if (PQntuples(res) == 1) {
		ch.esize = (int)r_i64(res, 0);
		ch.nrows = r_i64(res, 1);
		ch.data = PQgetvalue(res, 0, 2);
	}
	if (PQntuples(res) != 1 || (ch.esize != 4 && ch.esize != 8) ||
	    PQgetlength(res, 0, 2) != ch.nrows * d * ch.esize) {
		snprintf(errbuf, 256,
			 "store: the rows of %s %.140s are damaged",
			 kind_names[kind], name);
		r = STORE_ERR;
	} else if (fn(ctx, &ch) != 0) {
		r = STORE_ABORTED;
	}
	PQclear(res);
	return r;
}

static int pg_rows_read(store *base, store_kind kind, const char *name,
			int64_t *version, store_rows_info *ri,
			int (*fn)(void *ctx, const store_rows *chunk),
			void *ctx, char *errbuf)
{
	pg_store *ps = (pg_store *)base;
	store_moments m;
	pg_conn *pc;
	int r;

	if ((r = pool_get(ps, &pc, errbuf)))
		return r;
	/* One snapshot: the version, the row set and its chunks agree. */
	if ((r = exec(pc->c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
		      errbuf)))
		goto out;
	if ((r = moments_get(pc->c, S_GET, kind, name, &m, errbuf)))
		goto rollback;
	*version = m.version;
	r = rows_info(pc->c, kind, name, ri, errbuf);
	if (r == STORE_NOTFOUND) {
		ri->chunks = -1;
		r = STORE_OK;
	}
	for (int64_t k = 0; r == STORE_OK && k < ri->chunks; k++)
		r = chunk_read(pc->c, kind, name, k, ri->d, fn, ctx, errbuf);
	if (r == STORE_OK && !(r = commit(pc->c, errbuf)))
		goto out;
rollback:
	rollback(pc->c);
out:
	pool_put(ps, pc,
		 r == STORE_NOTFOUND || r == STORE_ABORTED ? STORE_OK : r);
	return r;
}

/* ------------------------------------------------------------ tallies */

typedef struct tally_to {
	store_tally *t; /* a single record (get), or NULL: each to fn */
	int with_data;
	int damaged;
	int (*fn)(void *ctx, const store_tally *t);
	void *ctx;
} tally_to;

static int tally_row(void *ctx, const PGresult *res)
{
	tally_to *c = ctx;
	store_tally one, *t = c->t ? c->t : &one;

	memset(t, 0, sizeof *t);
	snprintf(t->name, sizeof t->name, "%s", PQgetvalue(res, 0, 0));
	snprintf(t->kind, sizeof t->kind, "%s", PQgetvalue(res, 0, 1));
	t->n = r_i64(res, 3);
	t->size = r_i64(res, 4);
	t->created = r_f64(res, 5);
	t->updated = r_f64(res, 6);
	t->version = r_i64(res, 7);
	if (!c->t) {
		t->params = PQgetvalue(res, 0, 2);
		return c->fn(c->ctx, t);
	}
	t->params = strdup(PQgetvalue(res, 0, 2));
	if (c->with_data) /* an empty value: the zeros of a new tally */
		t->state = bytes_copy(res, 8, t->size,
				      PQgetlength(res, 0, 8) ? 1 : 0);
	if (!t->params || (c->with_data && !t->state)) {
		store_tally_free(t);
		c->damaged = 1;
	}
	return 1;
}

static int tally_get(PGconn *c, int s, const char *name, store_tally *t,
		     char *errbuf)
{
	tally_to to = {.t = t, .with_data = s != S_TALLY_GET};
	pg_params q = {0};
	int64_t found = 0;
	int r;

	memset(t, 0, sizeof *t);
	p_text(&q, name);
	if ((r = rows(c, s, &q, tally_row, &to, &found, errbuf)))
		return r;
	if (!found)
		return STORE_NOTFOUND;
	if (to.damaged) {
		snprintf(errbuf, 256,
			 "store: tally %.140s is damaged or memory ran out",
			 name);
		return STORE_ERR;
	}
	return STORE_OK;
}

static int tally_too_big(const store_tally *t, char *errbuf)
{
	if (t->size * (int64_t)sizeof(double) <= PG_MAX_VALUE)
		return STORE_OK;
	snprintf(errbuf, 256,
		 "store: a value is larger than the store's limit of %lld "
		 "bytes",
		 (long long)PG_MAX_VALUE);
	return STORE_TOOBIG;
}

/* Insert t as it is (its state NULL: zeros). */
static int tally_insert(PGconn *c, const store_tally *t, char *errbuf)
{
	pg_params q = {0};
	int r;

	if ((r = tally_too_big(t, errbuf)))
		return r;
	p_text(&q, t->name);
	p_text(&q, t->kind);
	p_text(&q, t->params);
	p_i64(&q, t->n);
	p_i64(&q, t->size);
	p_f64(&q, t->created);
	p_f64(&q, t->updated);
	p_i64(&q, t->version);
	p_doubles(&q, t->state, t->size);
	r = run(c, S_TALLY_INSERT, &q, NULL, errbuf);
	if (r == STORE_EXISTS)
		snprintf(errbuf, 256, "store: tally %.140s exists", t->name);
	return r;
}

static int tally_version(store_tally *t, char *errbuf)
{
	store_moments m = {0};
	int r = new_version(&m, errbuf);
	t->version = m.version;
	return r;
}

static int pg_tally_create(store *base, store_tally *t, char *errbuf)
{
	pg_store *ps = (pg_store *)base;
	double *keep = t->state;
	pg_conn *pc;
	int r;

	t->n = 0;
	t->state = NULL;
	t->created = t->updated = now_s();
	if (!(r = tally_version(t, errbuf)) &&
	    !(r = pool_get(ps, &pc, errbuf))) {
		r = tally_insert(pc->c, t, errbuf);
		pool_put(ps, pc, r);
	}
	t->state = keep;
	return r;
}

static int pg_tally_get(store *base, const char *name, int with_data,
			store_tally *t, char *errbuf)
{
	pg_store *ps = (pg_store *)base;
	pg_conn *pc;
	int r;
	memset(t, 0, sizeof *t);
	if ((r = pool_get(ps, &pc, errbuf)))
		return r;
	r = tally_get(pc->c, with_data ? S_TALLY_GET_DATA : S_TALLY_GET, name,
		      t, errbuf);
	pool_put(ps, pc, r);
	return r;
}

static int pg_tally_list(store *base,
			 int (*fn)(void *ctx, const store_tally *t), void *ctx,
			 char *errbuf)
{
	pg_store *ps = (pg_store *)base;
	tally_to to = {.fn = fn, .ctx = ctx};
	pg_params q = {0};
	pg_conn *pc;
	int r;
	if ((r = pool_get(ps, &pc, errbuf)))
		return r;
	r = rows(pc->c, S_TALLY_LIST, &q, tally_row, &to, NULL, errbuf);
	pool_put(ps, pc, r);
	return r;
}

static int pg_tally_update(store *base, const char *name,
			   int (*fn)(void *ctx, store_tally *t), void *ctx,
			   char *errbuf)
{
	pg_store *ps = (pg_store *)base;
	store_tally t = {0};
	pg_params q = {0};
	pg_conn *pc;
	int r;

	if ((r = pool_get(ps, &pc, errbuf)))
		return r;
	if ((r = exec(pc->c, "BEGIN", errbuf)))
		goto out;
	/* FOR UPDATE, as pg_moments_update: a second replica's batch waits
	 * for our commit and then adds to what we wrote. */
	if ((r = tally_get(pc->c, S_TALLY_GET_LOCKED, name, &t, errbuf)))
		goto rollback;
	if (fn(ctx, &t) != 0) {
		r = STORE_ABORTED;
		goto rollback;
	}
	t.updated = now_s();
	if ((r = tally_version(&t, errbuf)) || (r = tally_too_big(&t, errbuf)))
		goto rollback;
	p_text(&q, name);
	p_i64(&q, t.n);
	p_f64(&q, t.updated);
	p_i64(&q, t.version);
	p_doubles(&q, t.state, t.size);
	if ((r = run(pc->c, S_TALLY_UPDATE, &q, NULL, errbuf)) ||
	    (r = commit(pc->c, errbuf)))
		goto rollback;
	goto out;
rollback:
	rollback(pc->c);
out:
	pool_put(ps, pc, r);
	store_tally_free(&t);
	return r;
}

static int pg_tally_delete(store *base, const char *name, char *errbuf)
{
	pg_params q = {0};

	p_text(&q, name);
	return delete_one((pg_store *)base, S_TALLY_DELETE, &q, errbuf);
}

/* ----------------------------------------------------------- datasets */

#define DATASET_META                                                           \
	"name, n_rows, n_kept, max_rows, seed, sampled, ncols, bytes, "        \
	"created, version"

static int64_t g_i64(const PGresult *r, int row, int col)
{
	uint64_t u;
	memcpy(&u, PQgetvalue(r, row, col), sizeof u);
	return (int64_t)be64toh(u);
}

static void dataset_from(const PGresult *res, int row, store_dataset *d)
{
	uint64_t u = (uint64_t)g_i64(res, row, 8);

	memset(d, 0, sizeof *d);
	snprintf(d->name, sizeof d->name, "%s", PQgetvalue(res, row, 0));
	d->n_rows = g_i64(res, row, 1);
	d->n_kept = g_i64(res, row, 2);
	d->max_rows = g_i64(res, row, 3);
	d->seed = (uint64_t)g_i64(res, row, 4);
	d->sampled = (int)g_i64(res, row, 5);
	d->ncols = g_i64(res, row, 6);
	d->bytes = g_i64(res, row, 7);
	memcpy(&d->created, &u, sizeof d->created);
	d->version = g_i64(res, row, 9);
}

static void *value_dup(const PGresult *res, int row, int col, int64_t *bytes)
{
	void *out;

	*bytes = PQgetlength(res, row, col);
	out = malloc((size_t)(*bytes ? *bytes : 1));
	if (out && *bytes)
		memcpy(out, PQgetvalue(res, row, col), (size_t)*bytes);
	return out;
}

/* d's columns from their table (d->ncols of them, each once). */
static int dataset_cols(PGconn *c, store_dataset *d, int with_data,
			char *errbuf)
{
	pg_params q = {0};
	PGresult *res;
	int r, damaged = 0;

	p_text(&q, d->name);
	if ((r = run_sql(c,
			 with_data ? "SELECT idx, name, type, strings, "
				     "n_missing, dict, data FROM "
				     "dataset_columns WHERE dataset = $1"
				   : "SELECT idx, name, type, strings, "
				     "n_missing FROM dataset_columns WHERE "
				     "dataset = $1",
			 &q, &res, errbuf)))
		return r;
	d->cols = calloc((size_t)(d->ncols ? d->ncols : 1), sizeof *d->cols);
	damaged = !d->cols || PQntuples(res) != d->ncols;
	for (int i = 0; !damaged && i < PQntuples(res); i++) {
		int64_t k = g_i64(res, i, 0);
		store_dcol *col = k >= 0 && k < d->ncols ? &d->cols[k] : NULL;
		if (!col || col->name) {
			damaged = 1;
			break;
		}
		col->name = strdup(PQgetvalue(res, i, 1));
		col->type = (int)g_i64(res, i, 2);
		col->strings = (int)g_i64(res, i, 3);
		col->n_missing = g_i64(res, i, 4);
		if (with_data) {
			col->dict = value_dup(res, i, 5, &col->dict_bytes);
			col->data = value_dup(res, i, 6, &col->data_bytes);
		}
		damaged =
			!col->name || (with_data && (!col->dict || !col->data));
	}
	PQclear(res);
	if (!damaged)
		return STORE_OK;
	snprintf(errbuf, 256,
		 "store: dataset %.140s is damaged or memory ran out", d->name);
	return STORE_ERR;
}

static int pg_dataset_get(store *base, const char *name, int with_data,
			  store_dataset *d, char *errbuf)
{
	pg_store *ps = (pg_store *)base;
	pg_params q = {0};
	PGresult *res = NULL;
	pg_conn *pc;
	int r;

	memset(d, 0, sizeof *d);
	if ((r = pool_get(ps, &pc, errbuf)))
		return r;
	/* One snapshot: the columns are those of the same put. */
	if ((r = exec(pc->c, "BEGIN ISOLATION LEVEL REPEATABLE READ", errbuf)))
		goto out;
	p_text(&q, name);
	if ((r = run_sql(pc->c,
			 "SELECT " DATASET_META " FROM datasets WHERE "
			 "name = $1",
			 &q, &res, errbuf)))
		goto rollback;
	if (!PQntuples(res)) {
		r = STORE_NOTFOUND;
		goto rollback;
	}
	dataset_from(res, 0, d);
	if ((r = dataset_cols(pc->c, d, with_data, errbuf)) ||
	    (r = commit(pc->c, errbuf)))
		goto rollback;
	goto out;
rollback:
	rollback(pc->c);
out:
	PQclear(res);
	pool_put(ps, pc, r);
	if (r)
		store_dataset_free(d);
	return r;
}

typedef struct dataset_to {
	int (*fn)(void *ctx, const store_dataset *d);
	void *ctx;
} dataset_to;

static int dataset_row(void *ctx, const PGresult *res)
{
	dataset_to *c = ctx;
	store_dataset d;

	dataset_from(res, 0, &d);
	return c->fn(c->ctx, &d);
}

static int pg_dataset_list(store *base,
			   int (*fn)(void *ctx, const store_dataset *d),
			   void *ctx, char *errbuf)
{
	pg_store *ps = (pg_store *)base;
	dataset_to to = {fn, ctx};
	pg_conn *pc;
	int r;

	if ((r = pool_get(ps, &pc, errbuf)))
		return r;
	r = rows(pc->c, S_DATASET_LIST, NULL, dataset_row, &to, NULL, errbuf);
	pool_put(ps, pc, r);
	return r;
}

/* name's rows in both tables; *changed: datasets deleted. */
static int dataset_drop(PGconn *c, const char *name, int64_t *changed,
			char *errbuf)
{
	pg_params q = {0};
	PGresult *res;
	int r;

	p_text(&q, name);
	if ((r = run_sql(c, "DELETE FROM dataset_columns WHERE dataset = $1",
			 &q, NULL, errbuf)) ||
	    (r = run_sql(c, "DELETE FROM datasets WHERE name = $1", &q, &res,
			 errbuf)))
		return r;
	if (changed)
		*changed = strtoll(PQcmdTuples(res), NULL, 10);
	PQclear(res);
	return STORE_OK;
}

static int dataset_insert(PGconn *c, const store_dataset *d, char *errbuf)
{
	pg_params q = {0};
	int r;

	p_text(&q, d->name);
	p_i64(&q, d->n_rows);
	p_i64(&q, d->n_kept);
	p_i64(&q, d->max_rows);
	p_i64(&q, (int64_t)d->seed);
	p_i64(&q, d->sampled);
	p_i64(&q, d->ncols);
	p_i64(&q, d->bytes);
	p_f64(&q, d->created);
	p_i64(&q, d->version);
	if ((r = run_sql(c,
			 "INSERT INTO datasets(" DATASET_META ") VALUES ($1, "
			 "$2::int8, $3::int8, $4::int8, $5::int8, $6::int8, "
			 "$7::int8, $8::int8, $9::float8, $10::int8)",
			 &q, NULL, errbuf)))
		return r;
	for (int64_t i = 0; i < d->ncols; i++) {
		const store_dcol *col = &d->cols[i];
		if (col->data_bytes > PG_MAX_VALUE ||
		    col->dict_bytes > PG_MAX_VALUE) {
			snprintf(errbuf, 256,
				 "store: a value is larger than the store's "
				 "limit of %lld bytes",
				 (long long)PG_MAX_VALUE);
			return STORE_TOOBIG;
		}
		q = (pg_params){0};
		p_text(&q, d->name);
		p_i64(&q, i);
		p_text(&q, col->name);
		p_i64(&q, col->type);
		p_i64(&q, col->strings);
		p_i64(&q, col->n_missing);
		q.v[q.n] = col->dict ? col->dict : "";
		q.len[q.n] = (int)col->dict_bytes;
		q.fmt[q.n++] = 1;
		q.v[q.n] = col->data ? (const char *)col->data : "";
		q.len[q.n] = (int)col->data_bytes;
		q.fmt[q.n++] = 1;
		if ((r = run_sql(c,
				 "INSERT INTO dataset_columns(dataset, idx, "
				 "name, type, strings, n_missing, dict, data) "
				 "VALUES ($1, $2::int8, $3, $4::int8, "
				 "$5::int8, $6::int8, $7::bytea, $8::bytea)",
				 &q, NULL, errbuf)))
			return r;
	}
	return STORE_OK;
}

static int pg_dataset_put(store *base, store_dataset *d, char *errbuf)
{
	pg_store *ps = (pg_store *)base;
	store_moments m = {0};
	pg_conn *pc;
	int r;

	if ((r = new_version(&m, errbuf)))
		return r;
	/* 53 bits, as the SQLite backend's */
	d->version = (m.version >> 10) | 1;
	d->created = now_s();
	if ((r = pool_get(ps, &pc, errbuf)))
		return r;
	if ((r = exec(pc->c, "BEGIN", errbuf)))
		goto out;
	if ((r = dataset_drop(pc->c, d->name, NULL, errbuf)) ||
	    (r = dataset_insert(pc->c, d, errbuf)) ||
	    (r = commit(pc->c, errbuf)))
		rollback(pc->c);
out:
	pool_put(ps, pc, r);
	return r;
}

static int pg_dataset_delete(store *base, const char *name, char *errbuf)
{
	pg_store *ps = (pg_store *)base;
	int64_t changed = 0;
	pg_conn *pc;
	int r;

	if ((r = pool_get(ps, &pc, errbuf)))
		return r;
	if ((r = exec(pc->c, "BEGIN", errbuf)))
		goto out;
	if ((r = dataset_drop(pc->c, name, &changed, errbuf)) ||
	    (!changed && (r = STORE_NOTFOUND)) || (r = commit(pc->c, errbuf)))
		rollback(pc->c);
out:
	pool_put(ps, pc, r);
	return r;
}

/* ------------------------------------------------------- shared jobs */

static int job_cancel_row(void *ctx, const PGresult *res)
{
	*(int64_t *)ctx = r_i64(res, 0);
	return 1;
}

static int pg_job_put(store *base, const store_job *j, int *cancel,
		      char *errbuf)
{
	pg_store *ps = (pg_store *)base;
	pg_params q = {0};
	int64_t flag = 0;
	pg_conn *pc;
	int r;

	p_text(&q, j->id);
	p_text(&q, j->label);
	p_i64(&q, j->state);
	p_f64(&q, j->progress);
	p_f64(&q, j->created);
	p_f64(&q, now_s());
	p_f64(&q, j->lease_until);
	p_i64(&q, j->cancel != 0);
	if (j->result)
		p_text(&q, j->result);
	else
		p_null(&q);
	if ((r = pool_get(ps, &pc, errbuf)))
		return r;
	r = rows(pc->c, S_JOB_PUT, &q, job_cancel_row, &flag, NULL, errbuf);
	pool_put(ps, pc, r);
	if (cancel)
		*cancel = flag != 0;
	return r;
}

typedef struct job_to {
	store_job *j;
	int oom;
} job_to;

static int job_row(void *ctx, const PGresult *res)
{
	job_to *t = ctx;
	store_job *j = t->j;

	snprintf(j->id, sizeof j->id, "%s", PQgetvalue(res, 0, 0));
	snprintf(j->label, sizeof j->label, "%s", PQgetvalue(res, 0, 1));
	j->state = (store_job_state)r_i64(res, 2);
	j->progress = r_f64(res, 3);
	j->created = r_f64(res, 4);
	j->lease_until = r_f64(res, 5);
	j->cancel = r_i64(res, 6) != 0;
	if (!r_null(res, 7)) {
		j->result = strdup(PQgetvalue(res, 0, 7));
		t->oom = !j->result;
	}
	return 1;
}

static int pg_job_get(store *base, const char *id, store_job *j, char *errbuf)
{
	pg_store *ps = (pg_store *)base;
	pg_params q = {0};
	job_to t = {.j = j};
	int64_t found = 0;
	pg_conn *pc;
	int r;

	memset(j, 0, sizeof *j);
	p_text(&q, id);
	if ((r = pool_get(ps, &pc, errbuf)))
		return r;
	r = rows(pc->c, S_JOB_GET, &q, job_row, &t, &found, errbuf);
	pool_put(ps, pc, r);
	if (r == STORE_OK && !found)
		return STORE_NOTFOUND;
	if (r == STORE_OK && t.oom) {
		snprintf(errbuf, 256, "store: out of memory for job %.40s", id);
		return STORE_ERR;
	}
	return r;
}

static int pg_job_cancel(store *base, const char *id, store_job_state *state,
			 char *errbuf)
{
	pg_store *ps = (pg_store *)base;
	pg_params q = {0};
	int64_t st = -1, found = 0;
	pg_conn *pc;
	int r;

	p_text(&q, id);
	if ((r = pool_get(ps, &pc, errbuf)))
		return r;
	r = rows(pc->c, S_JOB_CANCEL, &q, job_cancel_row, &st, &found, errbuf);
	pool_put(ps, pc, r);
	if (r == STORE_OK && !found)
		return STORE_NOTFOUND;
	*state = (store_job_state)st;
	return r;
}

static int pg_job_delete(store *base, const char *id, char *errbuf)
{
	pg_params q = {0};

	p_text(&q, id);
	return delete_one((pg_store *)base, S_JOB_DELETE, &q, errbuf);
}

static int pg_job_prune(store *base, double before, char *errbuf)
{
	pg_store *ps = (pg_store *)base;
	pg_params q = {0};
	pg_conn *pc;
	int r;

	p_f64(&q, before);
	if ((r = pool_get(ps, &pc, errbuf)))
		return r;
	r = run(pc->c, S_JOB_PRUNE, &q, NULL, errbuf);
	pool_put(ps, pc, r);
	return r;
}

/* ------------------------------------------------------------ import */

typedef struct import_to {
	PGconn *c;
	const char *series;
	int r;
	char *errbuf;
} import_to;

static int import_point(void *ctx, const store_point *p)
{
	import_to *t = ctx;
	pg_params q = {0};
	point_params(&q, t->series, p);
	t->r = run(t->c, S_APPEND, &q, NULL, t->errbuf);
	return t->r != STORE_OK;
}

static int import_moments(PGconn *c, store *src, store_kind kind, char *errbuf)
{
	store_names l = {0};
	store_moments m;
	int r;

	if ((r = store_names_moments(src, kind, &l, errbuf)))
		goto out;
	for (size_t i = 0; i < l.n && !l.oom; i++) {
		if ((r = store_moments_get(src, kind, l.v[i], 1, &m, errbuf)))
			goto out;
		r = moments_write(c, S_INSERT, &m, errbuf);
		free(m.mean);
		free(m.second);
		if (r)
			goto out;
	}
out:
	if (r == STORE_OK && l.oom) {
		snprintf(errbuf, 256, "store: out of memory");
		r = STORE_ERR;
	}
	store_names_free(&l);
	return r;
}

static int import_tallies(PGconn *c, store *src, char *errbuf)
{
	store_names l = {0};
	store_tally t;
	int r;

	if ((r = store_names_tallies(src, &l, errbuf)))
		goto out;
	for (size_t i = 0; i < l.n && !l.oom; i++) {
		if ((r = store_tally_get(src, l.v[i], 1, &t, errbuf)))
			goto out;
		r = tally_insert(c, &t, errbuf);
		store_tally_free(&t);
		if (r)
			goto out;
	}
out:
	if (r == STORE_OK && l.oom) {
		snprintf(errbuf, 256, "store: out of memory");
		r = STORE_ERR;
	}
	store_names_free(&l);
	return r;
}

/* Each dataset with its version and time, as tallies are copied. */
static int import_datasets(PGconn *c, store *src, char *errbuf)
{
	store_names l = {0};
	store_dataset d;
	int r;

	if ((r = store_names_datasets(src, &l, errbuf)))
		goto out;
	for (size_t i = 0; i < l.n; i++) {
		if ((r = store_dataset_get(src, l.v[i], 1, &d, errbuf)))
			goto out;
		r = dataset_insert(c, &d, errbuf);
		store_dataset_free(&d);
		if (r)
			goto out;
	}
out:
	store_names_free(&l);
	return r;
}

static int pg_import(store *base, store *src, char *errbuf)
{
	pg_store *ps = (pg_store *)base;
	import_to t = {.errbuf = errbuf};
	store_names l = {0};
	pg_conn *pc;
	int r;

	if ((r = pool_get(ps, &pc, errbuf)))
		return r;
	t.c = pc->c;
	if ((r = exec(pc->c, "BEGIN", errbuf)))
		goto out;
	if ((r = store_names_series(src, &l, errbuf)))
		goto rollback;
	if (l.oom) {
		snprintf(errbuf, 256, "store: out of memory");
		r = STORE_ERR;
		goto rollback;
	}
	for (size_t i = 0; i < l.n; i++) {
		t.series = l.v[i];
		t.r = STORE_OK;
		r = store_series_points(src, l.v[i], -1, -1, import_point, &t,
					errbuf);
		if (r || (r = t.r))
			goto rollback;
	}
	if ((r = import_moments(pc->c, src, STORE_REFERENCE, errbuf)) ||
	    (r = import_moments(pc->c, src, STORE_STREAM, errbuf)) ||
	    (r = import_tallies(pc->c, src, errbuf)) ||
	    (r = import_datasets(pc->c, src, errbuf)) ||
	    (r = commit(pc->c, errbuf)))
		goto rollback;
	goto out;
rollback:
	rollback(pc->c);
out:
	store_names_free(&l);
	pool_put(ps, pc, r);
	return r;
}

static const store_ops pg_ops = {
	.name = "postgresql",
	.close = pg_close,
	.ping = pg_ping,
	.series_append = pg_series_append,
	.series_list = pg_series_list,
	.series_points = pg_series_points,
	.series_latest = pg_series_latest,
	.moments_put = pg_moments_put,
	.moments_create = pg_moments_create,
	.moments_get = pg_moments_get,
	.moments_list = pg_moments_list,
	.moments_update = pg_moments_update,
	.moments_delete = pg_moments_delete,
	.rows_info = pg_rows_info,
	.rows_read = pg_rows_read,
	.tally_create = pg_tally_create,
	.tally_get = pg_tally_get,
	.tally_list = pg_tally_list,
	.tally_update = pg_tally_update,
	.tally_delete = pg_tally_delete,
	.dataset_put = pg_dataset_put,
	.dataset_get = pg_dataset_get,
	.dataset_list = pg_dataset_list,
	.dataset_delete = pg_dataset_delete,
	.import = pg_import,
	.job_put = pg_job_put,
	.job_get = pg_job_get,
	.job_cancel = pg_job_cancel,
	.job_delete = pg_job_delete,
	.job_prune = pg_job_prune,
};
