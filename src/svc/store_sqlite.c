/* store_sqlite.c - the embedded store on SQLite (see store.h): the schema
 * and its migrations, series points, and named moments in one table.
 *
 * One connection; WAL journal with synchronous=FULL so a commit is on
 * disk before the request that made it is answered.  The data directory
 * is flock()ed for the store's life, so one process owns the database.
 * Every public function holds st->mu for its whole use of the connection:
 * a connection has one transaction, and sqlite3_errmsg/sqlite3_changes
 * describe its last call, so two threads must not interleave on it.  The
 * schema is versioned through PRAGMA user_version: migrations[i] brings a
 * database from version i to i+1, and start-up applies the missing ones
 * in one transaction each. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "ids.h"
#include "store.h"
#include "store_backend.h"

typedef struct sq_store {
	store base;
	sqlite3 *db;
	pthread_mutex_t mu; /* every use of db; see the top of the file */
	int lockfd;	    /* DIR/lock, flock()ed while open; -1 if not */
} sq_store;

static const store_ops sq_ops;
static void sq_close(store *base);

static const char *const migrations[] = {
	/* 0 -> 1 */
	"CREATE TABLE series_points ("
	"  id INTEGER PRIMARY KEY,"
	"  series TEXT NOT NULL,"
	"  step INTEGER,"
	"  labels TEXT,"
	"  value REAL,"
	"  ts REAL NOT NULL);"
	"CREATE INDEX series_points_by_series ON series_points(series, id);"
	"CREATE TABLE refs ("
	"  name TEXT PRIMARY KEY,"
	"  n REAL NOT NULL,"
	"  d INTEGER NOT NULL,"
	"  created REAL NOT NULL,"
	"  mu BLOB NOT NULL,"
	"  sigma BLOB NOT NULL);"
	"CREATE TABLE streams ("
	"  id TEXT PRIMARY KEY,"
	"  d INTEGER NOT NULL,"
	"  n REAL NOT NULL,"
	"  created REAL NOT NULL,"
	"  updated REAL NOT NULL,"
	"  mean BLOB NOT NULL,"
	"  comoment BLOB NOT NULL);",
	/* 1 -> 2: a fresh random version per PUT, so a prepared (cached)
	 * reference can be told from its replacement. */
	"ALTER TABLE refs ADD COLUMN version INTEGER NOT NULL DEFAULT 0;",
	/* 2 -> 3: references and streams are one resource, named moments,
	 * read and written by one set of functions.  `second` is sigma for
	 * a reference and the comoment for a stream.  n becomes an integer:
	 * a reference's n was a double, shown as an integer (truncated, and
	 * 0 when outside [0, 2^53], which only a row stored before n was
	 * checked can be), and that shown value is what is kept. */
	"CREATE TABLE moments ("
	"  kind TEXT NOT NULL CHECK (kind IN ('reference', 'stream')),"
	"  name TEXT NOT NULL,"
	"  n INTEGER NOT NULL,"
	"  d INTEGER NOT NULL,"
	"  created REAL NOT NULL,"
	"  updated REAL NOT NULL,"
	"  version INTEGER NOT NULL DEFAULT 0,"
	"  mean BLOB NOT NULL,"
	"  second BLOB NOT NULL,"
	"  PRIMARY KEY (kind, name));"
	"INSERT INTO moments(kind, name, n, d, created, updated, version, "
	"  mean, second) "
	"SELECT 'reference', name, "
	"  CASE WHEN n >= 0 AND n <= 9007199254740992.0 "
	"    THEN CAST(n AS INTEGER) ELSE 0 END, "
	"  d, created, created, version, mu, sigma FROM refs;"
	"INSERT INTO moments(kind, name, n, d, created, updated, version, "
	"  mean, second) "
	"SELECT 'stream', id, CAST(n AS INTEGER), d, created, updated, 0, "
	"  mean, comoment FROM streams;"
	"DROP TABLE refs;"
	"DROP TABLE streams;",
	/* 3 -> 4: tallies, accumulating scores (store.h).  params is the
	 * JSON text of the creation parameters; an empty state blob stands
	 * for zeros. */
	"CREATE TABLE tallies ("
	"  name TEXT PRIMARY KEY,"
	"  kind TEXT NOT NULL,"
	"  params TEXT NOT NULL,"
	"  n INTEGER NOT NULL,"
	"  size INTEGER NOT NULL,"
	"  created REAL NOT NULL,"
	"  updated REAL NOT NULL,"
	"  version INTEGER NOT NULL,"
	"  state BLOB NOT NULL);",
	/* 4 -> 5: a point's interval (a bootstrap FID's ci95) and the gate
	 * thresholds it was recorded with, for the dashboard's bands and
	 * threshold lines; NULL when absent. */
	"ALTER TABLE series_points ADD COLUMN lo REAL;"
	"ALTER TABLE series_points ADD COLUMN hi REAL;"
	"ALTER TABLE series_points ADD COLUMN fail_above REAL;"
	"ALTER TABLE series_points ADD COLUMN fail_below REAL;",
	/* 5 -> 6: rows kept with named moments (keep_rows): one row_sets
	 * record per record that keeps them, its rows in row_chunks. */
	"CREATE TABLE row_sets ("
	"  kind TEXT NOT NULL,"
	"  name TEXT NOT NULL,"
	"  d INTEGER NOT NULL,"
	"  nrows INTEGER NOT NULL,"
	"  bytes INTEGER NOT NULL,"
	"  chunks INTEGER NOT NULL,"
	"  PRIMARY KEY (kind, name));"
	"CREATE TABLE row_chunks ("
	"  kind TEXT NOT NULL,"
	"  name TEXT NOT NULL,"
	"  chunk INTEGER NOT NULL,"
	"  esize INTEGER NOT NULL,"
	"  nrows INTEGER NOT NULL,"
	"  data BLOB NOT NULL,"
	"  PRIMARY KEY (kind, name, chunk));",
	/* 6 -> 7: datasets, stored tables for drift reports (store.h): one
	 * row per dataset, one per column holding its values in one blob.
	 * seed is the uint64 seed's bits as a signed integer. */
	"CREATE TABLE datasets ("
	"  name TEXT PRIMARY KEY,"
	"  n_rows INTEGER NOT NULL,"
	"  n_kept INTEGER NOT NULL,"
	"  max_rows INTEGER NOT NULL,"
	"  seed INTEGER NOT NULL,"
	"  sampled INTEGER NOT NULL,"
	"  ncols INTEGER NOT NULL,"
	"  bytes INTEGER NOT NULL,"
	"  created REAL NOT NULL,"
	"  version INTEGER NOT NULL);"
	"CREATE TABLE dataset_columns ("
	"  dataset TEXT NOT NULL,"
	"  idx INTEGER NOT NULL,"
	"  name TEXT NOT NULL,"
	"  type INTEGER NOT NULL,"
	"  strings INTEGER NOT NULL,"
	"  n_missing INTEGER NOT NULL,"
	"  dict BLOB NOT NULL,"
	"  data BLOB NOT NULL,"
	"  PRIMARY KEY (dataset, idx));",
};
#define NMIGRATIONS ((int)(sizeof migrations / sizeof *migrations))

/* The connection's last error, with the OS's reason when there is one
 * (a read-only directory says "unable to open database file" alone). */
static void db_reason(sqlite3 *db, char *buf, size_t len)
{
	int sys = sqlite3_system_errno(db);
	snprintf(buf, len, "%s%s%s", sqlite3_errmsg(db), sys ? ": " : "",
		 sys ? strerror(sys) : "");
}

static int db_error(sq_store *st, int rc, char *errbuf)
{
	char why[200];
	if (rc == SQLITE_TOOBIG) {
		snprintf(errbuf, 256,
			 "store: a value is larger than the store's limit of "
			 "%d bytes",
			 sqlite3_limit(st->db, SQLITE_LIMIT_LENGTH, -1));
		return STORE_TOOBIG;
	}
	db_reason(st->db, why, sizeof why);
	snprintf(errbuf, 256, "store: %s", why);
	return rc == SQLITE_FULL ? STORE_FULL : STORE_ERR;
}

/* Keep the first failure of a run of sqlite3_bind_* calls: a failed bind
 * leaves its parameter NULL, and the statement must not run with it. */
static void bind_check(int *rc, int r)
{
	if (*rc == SQLITE_OK)
		*rc = r;
}

/* Finalize a statement whose binds failed (rc), and report why. */
static int bind_failed(sq_store *st, sqlite3_stmt *q, int rc, char *errbuf)
{
	int r = db_error(st, rc, errbuf);
	sqlite3_finalize(q);
	return r;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int migrate(sq_store *st, char *errbuf)
{
	sqlite3_stmt *q;
	int version = 0, rc;

	if ((rc = sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &q,
				     NULL)))
		return db_error(st, rc, errbuf);
	if ((rc = sqlite3_step(q)) != SQLITE_ROW) {
		int r = db_error(st, rc, errbuf);
		sqlite3_finalize(q);
		return r;
	}
	version = sqlite3_column_int(q, 0);
	sqlite3_finalize(q);
	if (version > NMIGRATIONS) {
		snprintf(errbuf, 256,
			 "store: database schema version %d is newer than "
			 "this evald (%d); upgrade evald",
			 version, NMIGRATIONS);
		return STORE_ERR;
	}
	for (; version < NMIGRATIONS; version++) {
		char sql[64];
		snprintf(sql, sizeof sql, "PRAGMA user_version=%d",
			 version + 1);
		if ((rc = sqlite3_exec(st->db, "BEGIN IMMEDIATE", 0, 0, 0)) ||
		    (rc = sqlite3_exec(st->db, migrations[version], 0, 0, 0)) ||
		    (rc = sqlite3_exec(st->db, sql, 0, 0, 0)) ||
		    (rc = sqlite3_exec(st->db, "COMMIT", 0, 0, 0))) {
			int r = db_error(st, rc, errbuf);
			sqlite3_exec(st->db, "ROLLBACK", 0, 0, 0);
			return r;
		}
	}
	return STORE_OK;
}

/* Take DIR/lock for the store's life and write our pid in it, so a second
 * daemon on the same directory is refused with the holder's pid instead of
 * interleaving its writes with ours.  flock, not fcntl: it also excludes a
 * second store_open in the same process. */
static int lock_dir(sq_store *st, const char *dir, char *errbuf)
{
	char path[1200], buf[32];
	ssize_t got;

	snprintf(path, sizeof path, "%s/lock", dir);
	st->lockfd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0640);
	if (st->lockfd < 0) {
		snprintf(errbuf, 256, "store: cannot open %.180s: %s", path,
			 strerror(errno));
		return STORE_ERR;
	}
	if (flock(st->lockfd, LOCK_EX | LOCK_NB) < 0) {
		int e = errno;
		if (e != EWOULDBLOCK) {
			snprintf(errbuf, 256, "store: cannot lock %.180s: %s",
				 path, strerror(e));
			return STORE_ERR;
		}
		got = pread(st->lockfd, buf, sizeof buf - 1, 0);
		buf[got > 0 ? got : 0] = '\0';
		long pid = strtol(buf, NULL, 10);
		if (pid > 0)
			snprintf(errbuf, 256,
				 "data dir %.180s is in use by evald pid %ld",
				 dir, pid);
		else /* the holder has not written its pid yet */
			snprintf(errbuf, 256,
				 "data dir %.180s is in use by another evald",
				 dir);
		return STORE_BUSY;
	}
	int len = snprintf(buf, sizeof buf, "%ld\n", (long)getpid());
	if (ftruncate(st->lockfd, 0) < 0 ||
	    pwrite(st->lockfd, buf, (size_t)len, 0) != len) {
		snprintf(errbuf, 256, "store: cannot write %.180s: %s", path,
			 strerror(errno));
		return STORE_ERR;
	}
	return STORE_OK;
}

int store_sqlite_open(const char *dir, store **out, char *errbuf)
{
	char path[1200];
	sq_store *st = calloc(1, sizeof *st);
	int rc, r = STORE_ERR;

	*out = NULL;
	if (!st) {
		snprintf(errbuf, 256, "store: out of memory");
		return STORE_ERR;
	}
	st->base.ops = &sq_ops;
	st->lockfd = -1;
	pthread_mutex_init(&st->mu, NULL);
	if ((r = lock_dir(st, dir, errbuf)) != STORE_OK)
		goto fail;
	r = STORE_ERR;
	snprintf(path, sizeof path, "%s/evald.db", dir);
	rc = sqlite3_open_v2(path, &st->db,
			     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
				     SQLITE_OPEN_FULLMUTEX,
			     NULL);
	if (rc) {
		char why[200] = "out of memory";
		if (st->db)
			db_reason(st->db, why, sizeof why);
		snprintf(errbuf, 256, "store: cannot open %.120s: %.100s", path,
			 why);
		goto fail;
	}
	sqlite3_busy_timeout(st->db, 5000);
	/* WAL + FULL: every commit is fsynced before it returns.  A new
	 * store gets 16 KiB pages (set before WAL, ignored for an existing
	 * file): a reference's moments are a 32 MiB blob at d = 2048, and in
	 * 4 KiB overflow pages writing one took 40 000 pwrite and 32 000
	 * pread calls, half a second. */
	if ((rc = sqlite3_exec(st->db,
			       "PRAGMA page_size=16384;"
			       "PRAGMA journal_mode=WAL;"
			       "PRAGMA synchronous=FULL;"
			       "PRAGMA foreign_keys=ON;",
			       0, 0, 0))) {
		char why[200];
		db_reason(st->db, why, sizeof why);
		snprintf(errbuf, 256, "store: cannot open %.120s: %.100s", path,
			 why);
		goto fail;
	}
	if (migrate(st, errbuf) != STORE_OK)
		goto fail;
	*out = &st->base;
	return STORE_OK;
fail:
	sq_close(&st->base);
	return r;
}

static void sq_close(store *base)
{
	sq_store *st = (sq_store *)base;
	if (!st)
		return;
	sqlite3_close(st->db);
	if (st->lockfd >= 0)
		close(st->lockfd); /* releases the flock */
	pthread_mutex_destroy(&st->mu);
	free(st);
}

/* Run one prepared write statement to completion and finalize it;
 * *changes (when not NULL) gets the rows it changed. */
static int step_done(sq_store *st, sqlite3_stmt *q, int64_t *changes,
		     char *errbuf)
{
	int rc = sqlite3_step(q);
	int r = rc == SQLITE_DONE ? STORE_OK : db_error(st, rc, errbuf);
	if (changes)
		*changes = sqlite3_changes(st->db);
	sqlite3_finalize(q);
	return r;
}

static int prepare(sq_store *st, const char *sql, sqlite3_stmt **q,
		   char *errbuf)
{
	int rc = sqlite3_prepare_v2(st->db, sql, -1, q, NULL);
	return rc ? db_error(st, rc, errbuf) : STORE_OK;
}

/* Step q through its rows, handing each to row(ctx, q) until it returns
 * nonzero, then finalize q; *count (when not NULL) gets the rows handed.
 * Pointers row reads from q are valid only during its call. */
static int step_rows(sq_store *st, sqlite3_stmt *q,
		     int (*row)(void *ctx, sqlite3_stmt *q), void *ctx,
		     int64_t *count, char *errbuf)
{
	int64_t n = 0;
	int rc, r = STORE_OK;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		n++;
		if (row(ctx, q) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	if (rc != SQLITE_DONE)
		r = db_error(st, rc, errbuf); /* before finalize resets it */
	sqlite3_finalize(q);
	if (count)
		*count = n;
	return r;
}

/* ------------------------------------------------------------ series */

static int sq_series_append(store *base, const char *series,
			    const store_point *p, char *errbuf)
{
	sq_store *st = (sq_store *)base;
	sqlite3_stmt *q;
	int b = SQLITE_OK, r;
	pthread_mutex_lock(&st->mu);
	if ((r = prepare(st,
			 "INSERT INTO series_points(series, step, labels, "
			 "value, ts, lo, hi, fail_above, fail_below) "
			 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
			 &q, errbuf)))
		goto out;
	bind_check(&b, sqlite3_bind_text(q, 1, series, -1, SQLITE_STATIC));
	if (p->has_step)
		bind_check(&b, sqlite3_bind_int64(q, 2, p->step));
	if (p->labels)
		bind_check(&b, sqlite3_bind_text(q, 3, p->labels, -1,
						 SQLITE_STATIC));
	if (p->has_value)
		bind_check(&b, sqlite3_bind_double(q, 4, p->value));
	bind_check(&b, sqlite3_bind_double(q, 5, p->ts));
	if (p->has_band) {
		bind_check(&b, sqlite3_bind_double(q, 6, p->lo));
		bind_check(&b, sqlite3_bind_double(q, 7, p->hi));
	}
	if (p->has_fail_above)
		bind_check(&b, sqlite3_bind_double(q, 8, p->fail_above));
	if (p->has_fail_below)
		bind_check(&b, sqlite3_bind_double(q, 9, p->fail_below));
	r = b ? bind_failed(st, q, b, errbuf) : step_done(st, q, NULL, errbuf);
out:
	pthread_mutex_unlock(&st->mu);
	return r;
}

/* A column that may be NULL: 1 and *x when it is not. */
static int opt_double(sqlite3_stmt *q, int col, double *x)
{
	int has = sqlite3_column_type(q, col) != SQLITE_NULL;
	*x = has ? sqlite3_column_double(q, col) : 0.0;
	return has;
}

/* The point in columns col.. (step, value, ts, labels, lo, hi,
 * fail_above, fail_below) of q's row; its labels point into q, valid
 * until the next step. */
static void point_row(sqlite3_stmt *q, int col, store_point *p)
{
	p->has_step = sqlite3_column_type(q, col) != SQLITE_NULL;
	p->step = p->has_step ? sqlite3_column_int64(q, col) : 0;
	p->has_value = sqlite3_column_type(q, col + 1) != SQLITE_NULL;
	p->value = p->has_value ? sqlite3_column_double(q, col + 1) : 0.0;
	p->ts = sqlite3_column_double(q, col + 2);
	p->labels = (const char *)sqlite3_column_text(q, col + 3);
	p->has_band =
		opt_double(q, col + 4, &p->lo) & opt_double(q, col + 5, &p->hi);
	p->has_fail_above = opt_double(q, col + 6, &p->fail_above);
	p->has_fail_below = opt_double(q, col + 7, &p->fail_below);
}

/* A caller's callback and its context, for the row readers below. */
typedef struct series_to {
	int (*fn)(void *ctx, const store_series_info *si);
	void *ctx;
} series_to;

static int series_info_row(void *ctx, sqlite3_stmt *q)
{
	series_to *t = ctx;
	store_series_info si;
	si.name = (const char *)sqlite3_column_text(q, 0);
	si.points = sqlite3_column_int64(q, 1);
	point_row(q, 2, &si.latest);
	return t->fn(t->ctx, &si);
}

static int sq_series_list(store *base,
			  int (*fn)(void *ctx, const store_series_info *si),
			  void *ctx, char *errbuf)
{
	sq_store *st = (sq_store *)base;
	series_to t = {fn, ctx};
	sqlite3_stmt *q;
	int r;
	pthread_mutex_lock(&st->mu);
	if (!(r = prepare(
		      st,
		      "SELECT s.series, s.cnt, p.step, p.value, p.ts, "
		      "p.labels, p.lo, p.hi, p.fail_above, p.fail_below "
		      "FROM (SELECT series, COUNT(*) AS cnt, MAX(id) AS last "
		      "      FROM series_points GROUP BY series) s "
		      "JOIN series_points p ON p.id = s.last ORDER BY "
		      "s.series",
		      &q, errbuf)))
		r = step_rows(st, q, series_info_row, &t, NULL, errbuf);
	pthread_mutex_unlock(&st->mu);
	return r;
}

typedef struct point_to {
	int (*fn)(void *ctx, const store_point *p);
	void *ctx;
} point_to;

static int point_row_to(void *ctx, sqlite3_stmt *q)
{
	point_to *t = ctx;
	store_point p;
	point_row(q, 0, &p);
	return t->fn(t->ctx, &p);
}

static int any_row(void *ctx, sqlite3_stmt *q)
{
	return 1;
}

static int sq_series_points(store *base, const char *series, double since,
			    int64_t limit,
			    int (*fn)(void *ctx, const store_point *p),
			    void *ctx, char *errbuf)
{
	sq_store *st = (sq_store *)base;
	point_to t = {fn, ctx};
	sqlite3_stmt *q;
	int64_t n = 0;
	int b = SQLITE_OK, r;
	pthread_mutex_lock(&st->mu);
	if ((r = prepare(st,
			 "SELECT step, value, ts, labels, lo, hi, fail_above, "
			 "fail_below FROM series_points "
			 "WHERE series = ? AND ts > ? ORDER BY id LIMIT ?",
			 &q, errbuf)))
		goto out;
	bind_check(&b, sqlite3_bind_text(q, 1, series, -1, SQLITE_STATIC));
	bind_check(&b, sqlite3_bind_double(q, 2, since));
	bind_check(&b, sqlite3_bind_int64(q, 3, limit));
	r = b ? bind_failed(st, q, b, errbuf)
	      : step_rows(st, q, point_row_to, &t, &n, errbuf);
	if (r != STORE_OK || n > 0 || since >= 0)
		goto out;
	/* Distinguish an empty answer from an unknown series. */
	if ((r = prepare(st,
			 "SELECT 1 FROM series_points WHERE series = ? LIMIT 1",
			 &q, errbuf)))
		goto out;
	if ((b = sqlite3_bind_text(q, 1, series, -1, SQLITE_STATIC)))
		r = bind_failed(st, q, b, errbuf);
	else if ((r = step_rows(st, q, any_row, NULL, &n, errbuf)) ==
			 STORE_OK &&
		 n == 0)
		r = STORE_NOTFOUND;
out:
	pthread_mutex_unlock(&st->mu);
	return r;
}

typedef struct latest_to {
	void (*fn)(void *ctx, const char *series, int has_value, double value);
	void *ctx;
} latest_to;

static int latest_row(void *ctx, sqlite3_stmt *q)
{
	latest_to *t = ctx;
	t->fn(t->ctx, (const char *)sqlite3_column_text(q, 0),
	      sqlite3_column_type(q, 1) != SQLITE_NULL,
	      sqlite3_column_double(q, 1));
	return 0;
}

static int sq_series_latest(store *base,
			    void (*fn)(void *ctx, const char *series,
				       int has_value, double value),
			    void *ctx, char *errbuf)
{
	sq_store *st = (sq_store *)base;
	latest_to t = {fn, ctx};
	sqlite3_stmt *q;
	int r;
	pthread_mutex_lock(&st->mu);
	if (!(r = prepare(st,
			  "SELECT p.series, p.value FROM series_points p JOIN "
			  "(SELECT MAX(id) AS last FROM series_points GROUP BY "
			  "series) s ON p.id = s.last ORDER BY p.series",
			  &q, errbuf)))
		r = step_rows(st, q, latest_row, &t, NULL, errbuf);
	pthread_mutex_unlock(&st->mu);
	return r;
}

/* ------------------------------------------------------------ moments */

static const char *const kind_names[] = {
	[STORE_REFERENCE] = "reference",
	[STORE_STREAM] = "stream",
};

#define MOMENTS_META "kind, name, n, d, created, updated, version"

/* count doubles of blob column col, malloc'd; an empty blob stands for
 * zeros when the moments hold no rows (see store_moments_create).  NULL
 * when the blob has another size or memory ran out. */
static double *blob_copy(sqlite3_stmt *q, int col, int64_t count, int64_t n)
{
	const void *b = sqlite3_column_blob(q, col);
	int bytes = sqlite3_column_bytes(q, col);
	if (bytes == 0 && n == 0)
		return calloc((size_t)(count ? count : 1), sizeof(double));
	if (!b || bytes != count * (int64_t)sizeof(double))
		return NULL;
	double *d = malloc((size_t)bytes);
	if (d)
		memcpy(d, b, (size_t)bytes);
	return d;
}

/* Bind count doubles as a blob, or an empty blob for NULL.  Sizes past
 * SQLite's per-value limit fail here with SQLITE_TOOBIG, which bind_check
 * keeps. */
static int bind_doubles(sqlite3_stmt *q, int col, const double *v,
			int64_t count)
{
	if (!v)
		return sqlite3_bind_zeroblob(q, col, 0);
	return sqlite3_bind_blob64(q, col, v,
				   (sqlite3_uint64)count * sizeof(double),
				   SQLITE_STATIC);
}

/* Where a row of moments goes, for moments_row. */
typedef struct moments_to {
	store_moments *m; /* a single record (get), or NULL: each to fn */
	int with_data;
	int damaged; /* a blob of the wrong size, or no memory for it */
	int (*fn)(void *ctx, const store_moments *m);
	void *ctx;
} moments_to;

/* The row MOMENTS_META [, mean, second] of q, into c->m or to c's fn. */
static int moments_row(void *ctx, sqlite3_stmt *q)
{
	moments_to *c = ctx;
	store_moments one, *m = c->m ? c->m : &one;
	const char *kind = (const char *)sqlite3_column_text(q, 0);

	memset(m, 0, sizeof *m);
	m->kind = kind && !strcmp(kind, kind_names[STORE_STREAM])
			  ? STORE_STREAM
			  : STORE_REFERENCE;
	snprintf(m->name, sizeof m->name, "%s",
		 (const char *)sqlite3_column_text(q, 1));
	m->n = sqlite3_column_int64(q, 2);
	m->d = sqlite3_column_int64(q, 3);
	m->created = sqlite3_column_double(q, 4);
	m->updated = sqlite3_column_double(q, 5);
	m->version = sqlite3_column_int64(q, 6);
	if (c->with_data) {
		m->mean = blob_copy(q, 7, m->d, m->n);
		m->second = blob_copy(q, 8, m->d * m->d, m->n);
		if (!m->mean || !m->second) {
			free(m->mean);
			free(m->second);
			m->mean = m->second = NULL;
			c->damaged = 1;
		}
	}
	if (!c->m)
		return c->fn(c->ctx, m);
	return 1; /* one record is all a get wants */
}

/* Read (kind, name) into *m.  Caller holds mu. */
static int moments_get(sq_store *st, store_kind kind, const char *name,
		       int with_data, store_moments *m, char *errbuf)
{
	moments_to c = {.m = m, .with_data = with_data};
	sqlite3_stmt *q;
	int64_t found = 0;
	int b = SQLITE_OK, r;

	memset(m, 0, sizeof *m);
	if ((r = prepare(st,
			 with_data ? "SELECT " MOMENTS_META ", mean, second "
				     "FROM moments WHERE kind = ? AND name = ?"
				   : "SELECT " MOMENTS_META " FROM moments "
				     "WHERE kind = ? AND name = ?",
			 &q, errbuf)))
		return r;
	bind_check(&b, sqlite3_bind_text(q, 1, kind_names[kind], -1,
					 SQLITE_STATIC));
	bind_check(&b, sqlite3_bind_text(q, 2, name, -1, SQLITE_STATIC));
	if (b)
		return bind_failed(st, q, b, errbuf);
	if ((r = step_rows(st, q, moments_row, &c, &found, errbuf)))
		return r;
	if (!found)
		return STORE_NOTFOUND;
	if (c.damaged) {
		snprintf(errbuf, 256,
			 "store: %s %.140s is damaged or memory ran out",
			 kind_names[kind], name);
		return STORE_ERR;
	}
	return STORE_OK;
}

/* Write m whole, with a new version; replace: an existing record of its
 * name is replaced, else it is STORE_EXISTS.  Caller holds mu. */
static int moments_write(sq_store *st, store_moments *m, int replace,
			 char *errbuf)
{
	sqlite3_stmt *q;
	uint64_t v;
	int b = SQLITE_OK, r;

	if (ids_random(&v, sizeof v) < 0) {
		snprintf(errbuf, 256, "store: no random bytes: %s",
			 strerror(errno));
		return STORE_ERR;
	}
	/* 63 random bits, never 0 (the version of rows from before it). */
	m->version = (int64_t)(v >> 1) | 1;
	if ((r = prepare(
		     st,
		     replace ? "INSERT OR REPLACE INTO moments(" MOMENTS_META
			       ", mean, second) VALUES "
			       "(?, ?, ?, ?, ?, ?, ?, ?, ?)"
			     : "INSERT INTO moments(" MOMENTS_META
			       ", mean, second) VALUES "
			       "(?, ?, ?, ?, ?, ?, ?, ?, ?)",
		     &q, errbuf)))
		return r;
	bind_check(&b, sqlite3_bind_text(q, 1, kind_names[m->kind], -1,
					 SQLITE_STATIC));
	bind_check(&b, sqlite3_bind_text(q, 2, m->name, -1, SQLITE_STATIC));
	bind_check(&b, sqlite3_bind_int64(q, 3, m->n));
	bind_check(&b, sqlite3_bind_int64(q, 4, m->d));
	bind_check(&b, sqlite3_bind_double(q, 5, m->created));
	bind_check(&b, sqlite3_bind_double(q, 6, m->updated));
	bind_check(&b, sqlite3_bind_int64(q, 7, m->version));
	bind_check(&b, bind_doubles(q, 8, m->mean, m->d));
	bind_check(&b, bind_doubles(q, 9, m->second, m->d * m->d));
	if (b)
		return bind_failed(st, q, b, errbuf);
	/* A plain INSERT can only break the primary key. */
	if ((r = sqlite3_step(q)) == SQLITE_CONSTRAINT) {
		snprintf(errbuf, 256, "store: %s %.140s exists",
			 kind_names[m->kind], m->name);
		r = STORE_EXISTS;
	} else {
		r = r == SQLITE_DONE ? STORE_OK : db_error(st, r, errbuf);
	}
	sqlite3_finalize(q);
	return r;
}

static int rows_drop(sq_store *st, store_kind kind, const char *name,
		     char *errbuf);
static int rows_start(sq_store *st, const store_moments *m, char *errbuf);
static int rows_append(sq_store *st, const store_moments *m, char *errbuf);
static int rows_info(sq_store *st, store_kind kind, const char *name,
		     store_rows_info *ri, char *errbuf);

/* Run write(st, m) and the kept rows' part of it in one transaction.
 * Caller holds mu. */
static int moments_write_rows(sq_store *st, store_moments *m, int replace,
			      char *errbuf)
{
	int rc, r;

	if ((rc = sqlite3_exec(st->db, "BEGIN IMMEDIATE", 0, 0, 0)))
		return db_error(st, rc, errbuf);
	if ((r = moments_write(st, m, replace, errbuf)) ||
	    (replace && (r = rows_drop(st, m->kind, m->name, errbuf))) ||
	    (m->rows && (r = rows_start(st, m, errbuf))) ||
	    (m->rows && m->rows->nrows && (r = rows_append(st, m, errbuf))))
		goto rollback;
	if ((rc = sqlite3_exec(st->db, "COMMIT", 0, 0, 0))) {
		r = db_error(st, rc, errbuf);
		goto rollback;
	}
	return STORE_OK;
rollback:
	sqlite3_exec(st->db, "ROLLBACK", 0, 0, 0);
	return r;
}

static int sq_moments_put(store *base, store_moments *m, char *errbuf)
{
	sq_store *st = (sq_store *)base;
	m->created = m->updated = now_s();
	pthread_mutex_lock(&st->mu);
	int r = moments_write_rows(st, m, 1, errbuf);
	pthread_mutex_unlock(&st->mu);
	return r;
}

static int sq_moments_create(store *base, store_moments *m, char *errbuf)
{
	sq_store *st = (sq_store *)base;
	if (ids_hex128(m->name) < 0) {
		snprintf(errbuf, 256, "store: no random bytes: %s",
			 strerror(errno));
		return STORE_ERR;
	}
	/* NULL data is written as empty blobs, which read back as zeros:
	 * a request of a few bytes must not make the store write 8·d²
	 * bytes. */
	m->n = 0;
	m->mean = m->second = NULL;
	m->created = m->updated = now_s();
	pthread_mutex_lock(&st->mu);
	int r = moments_write_rows(st, m, 0, errbuf);
	pthread_mutex_unlock(&st->mu);
	return r;
}

static int sq_moments_get(store *base, store_kind kind, const char *name,
			  int with_data, store_moments *m, char *errbuf)
{
	sq_store *st = (sq_store *)base;
	pthread_mutex_lock(&st->mu);
	int r = moments_get(st, kind, name, with_data, m, errbuf);
	pthread_mutex_unlock(&st->mu);
	return r;
}

static int sq_moments_list(store *base, store_kind kind,
			   int (*fn)(void *ctx, const store_moments *m),
			   void *ctx, char *errbuf)
{
	sq_store *st = (sq_store *)base;
	moments_to c = {.fn = fn, .ctx = ctx};
	sqlite3_stmt *q;
	int b, r;
	pthread_mutex_lock(&st->mu);
	if ((r = prepare(st,
			 "SELECT " MOMENTS_META " FROM moments WHERE kind = ? "
			 "ORDER BY name",
			 &q, errbuf)))
		goto out;
	if ((b = sqlite3_bind_text(q, 1, kind_names[kind], -1, SQLITE_STATIC)))
		r = bind_failed(st, q, b, errbuf);
	else
		r = step_rows(st, q, moments_row, &c, NULL, errbuf);
out:
	pthread_mutex_unlock(&st->mu);
	return r;
}

static int sq_moments_update(store *base, store_kind kind, const char *name,
			     int (*fn)(void *ctx, store_moments *m), void *ctx,
			     char *errbuf)
{
	sq_store *st = (sq_store *)base;
	store_moments m = {0};
	int rc, r;

	pthread_mutex_lock(&st->mu);
	/* IMMEDIATE: take the write lock before the read, so no other
	 * connection can write between our read and our write. */
	if ((rc = sqlite3_exec(st->db, "BEGIN IMMEDIATE", 0, 0, 0))) {
		r = db_error(st, rc, errbuf);
		goto out;
	}
	if ((r = moments_get(st, kind, name, 1, &m, errbuf)) != STORE_OK)
		goto rollback;
	store_rows_info ri;
	if ((r = rows_info(st, kind, name, &ri, errbuf)) != STORE_OK &&
	    r != STORE_NOTFOUND)
		goto rollback;
	m.rows_kept = r == STORE_OK;
	m.rows_bytes = ri.bytes;
	if (fn(ctx, &m) != 0) {
		r = STORE_ABORTED;
		goto rollback;
	}
	m.updated = now_s();
	if ((r = moments_write(st, &m, 1, errbuf)) != STORE_OK ||
	    (m.rows_kept && m.rows && m.rows->nrows &&
	     (r = rows_append(st, &m, errbuf)) != STORE_OK))
		goto rollback;
	if ((rc = sqlite3_exec(st->db, "COMMIT", 0, 0, 0))) {
		r = db_error(st, rc, errbuf);
		goto rollback;
	}
	goto out;
rollback:
	sqlite3_exec(st->db, "ROLLBACK", 0, 0, 0);
out:
	pthread_mutex_unlock(&st->mu);
	free(m.mean);
	free(m.second);
	return r;
}

static int sq_moments_delete(store *base, store_kind kind, const char *name,
			     char *errbuf)
{
	sq_store *st = (sq_store *)base;
	sqlite3_stmt *q;
	int64_t changed = 0;
	int b = SQLITE_OK, r;
	pthread_mutex_lock(&st->mu);
	if ((b = sqlite3_exec(st->db, "BEGIN IMMEDIATE", 0, 0, 0))) {
		r = db_error(st, b, errbuf);
		goto out;
	}
	if ((r = prepare(st, "DELETE FROM moments WHERE kind = ? AND name = ?",
			 &q, errbuf)))
		goto rollback;
	bind_check(&b, sqlite3_bind_text(q, 1, kind_names[kind], -1,
					 SQLITE_STATIC));
	bind_check(&b, sqlite3_bind_text(q, 2, name, -1, SQLITE_STATIC));
	r = b ? bind_failed(st, q, b, errbuf)
	      : step_done(st, q, &changed, errbuf);
	if (r == STORE_OK && changed == 0)
		r = STORE_NOTFOUND;
	/* Its kept rows go with it, in the same transaction. */
	if (r == STORE_OK && !(r = rows_drop(st, kind, name, errbuf)) &&
	    (b = sqlite3_exec(st->db, "COMMIT", 0, 0, 0)))
		r = db_error(st, b, errbuf);
rollback:
	if (r != STORE_OK)
		sqlite3_exec(st->db, "ROLLBACK", 0, 0, 0);
out:
	pthread_mutex_unlock(&st->mu);
	return r;
}

/* ---------------------------------------------------------- kept rows */

/* Run sql on (kind, name) to completion.  Caller holds mu. */
static int rows_exec(sq_store *st, const char *sql, store_kind kind,
		     const char *name, char *errbuf)
{
	sqlite3_stmt *q;
	int b = SQLITE_OK, r;

	if ((r = prepare(st, sql, &q, errbuf)))
		return r;
	bind_check(&b, sqlite3_bind_text(q, 1, kind_names[kind], -1,
					 SQLITE_STATIC));
	bind_check(&b, sqlite3_bind_text(q, 2, name, -1, SQLITE_STATIC));
	return b ? bind_failed(st, q, b, errbuf)
		 : step_done(st, q, NULL, errbuf);
}

static int rows_drop(sq_store *st, store_kind kind, const char *name,
		     char *errbuf)
{
	int r = rows_exec(st,
			  "DELETE FROM row_chunks WHERE kind = ? AND name = ?",
			  kind, name, errbuf);
	return r ? r
		 : rows_exec(st,
			     "DELETE FROM row_sets WHERE kind = ? AND name = ?",
			     kind, name, errbuf);
}

/* An empty row set for m, which keeps its rows from now on. */
static int rows_start(sq_store *st, const store_moments *m, char *errbuf)
{
	return rows_exec(st,
			 "INSERT OR REPLACE INTO row_sets(kind, name, d, "
			 "nrows, bytes, chunks) VALUES (?, ?, 0, 0, 0, 0)",
			 m->kind, m->name, errbuf);
}

static int info_row(void *ctx, sqlite3_stmt *q)
{
	store_rows_info *ri = ctx;
	ri->d = sqlite3_column_int64(q, 0);
	ri->nrows = sqlite3_column_int64(q, 1);
	ri->bytes = sqlite3_column_int64(q, 2);
	ri->chunks = sqlite3_column_int64(q, 3);
	return 1;
}

/* Caller holds mu. */
static int rows_info(sq_store *st, store_kind kind, const char *name,
		     store_rows_info *ri, char *errbuf)
{
	sqlite3_stmt *q;
	int64_t found = 0;
	int b = SQLITE_OK, r;

	memset(ri, 0, sizeof *ri);
	if ((r = prepare(st,
			 "SELECT d, nrows, bytes, chunks FROM row_sets WHERE "
			 "kind = ? AND name = ?",
			 &q, errbuf)))
		return r;
	bind_check(&b, sqlite3_bind_text(q, 1, kind_names[kind], -1,
					 SQLITE_STATIC));
	bind_check(&b, sqlite3_bind_text(q, 2, name, -1, SQLITE_STATIC));
	if (b)
		return bind_failed(st, q, b, errbuf);
	if ((r = step_rows(st, q, info_row, ri, &found, errbuf)))
		return r;
	return found ? STORE_OK : STORE_NOTFOUND;
}

/* One chunk of c rows of r, starting at row `from`, as chunk k. */
static int chunk_write(sq_store *st, const store_moments *m, int64_t k,
		       int64_t from, int64_t c, char *errbuf)
{
	const store_rows *rw = m->rows;
	size_t row = (size_t)(rw->d * rw->esize);
	sqlite3_stmt *q;
	int b = SQLITE_OK, r;

	if ((r = prepare(st,
			 "INSERT INTO row_chunks(kind, name, chunk, esize, "
			 "nrows, data) VALUES (?, ?, ?, ?, ?, ?)",
			 &q, errbuf)))
		return r;
	bind_check(&b, sqlite3_bind_text(q, 1, kind_names[m->kind], -1,
					 SQLITE_STATIC));
	bind_check(&b, sqlite3_bind_text(q, 2, m->name, -1, SQLITE_STATIC));
	bind_check(&b, sqlite3_bind_int64(q, 3, k));
	bind_check(&b, sqlite3_bind_int64(q, 4, rw->esize));
	bind_check(&b, sqlite3_bind_int64(q, 5, c));
	bind_check(&b,
		   sqlite3_bind_blob64(
			   q, 6, (const char *)rw->data + (size_t)from * row,
			   (sqlite3_uint64)c * row, SQLITE_STATIC));
	return b ? bind_failed(st, q, b, errbuf)
		 : step_done(st, q, NULL, errbuf);
}

/* Append m->rows to m's row set (which exists) in chunks.  Caller holds
 * mu, in a transaction. */
static int rows_append(sq_store *st, const store_moments *m, char *errbuf)
{
	const store_rows *rw = m->rows;
	int64_t per = store_chunk_rows(rw);
	store_rows_info ri;
	sqlite3_stmt *q;
	int b = SQLITE_OK, r;

	if ((r = rows_info(st, m->kind, m->name, &ri, errbuf)))
		return r;
	for (int64_t i = 0; i < rw->nrows; i += per, ri.chunks++) {
		int64_t c = rw->nrows - i < per ? rw->nrows - i : per;
		if ((r = chunk_write(st, m, ri.chunks, i, c, errbuf)))
			return r;
	}
	if ((r = prepare(st,
			 "UPDATE row_sets SET d = ?, nrows = ?, bytes = ?, "
			 "chunks = ? WHERE kind = ? AND name = ?",
			 &q, errbuf)))
		return r;
	bind_check(&b, sqlite3_bind_int64(q, 1, rw->d));
	bind_check(&b, sqlite3_bind_int64(q, 2, ri.nrows + rw->nrows));
	bind_check(&b, sqlite3_bind_int64(
			       q, 3, ri.bytes + rw->nrows * rw->d * rw->esize));
	bind_check(&b, sqlite3_bind_int64(q, 4, ri.chunks));
	bind_check(&b, sqlite3_bind_text(q, 5, kind_names[m->kind], -1,
					 SQLITE_STATIC));
	bind_check(&b, sqlite3_bind_text(q, 6, m->name, -1, SQLITE_STATIC));
	return b ? bind_failed(st, q, b, errbuf)
		 : step_done(st, q, NULL, errbuf);
}

static int sq_rows_info(store *base, store_kind kind, const char *name,
			store_rows_info *ri, char *errbuf)
{
	sq_store *st = (sq_store *)base;
	pthread_mutex_lock(&st->mu);
	int r = rows_info(st, kind, name, ri, errbuf);
	pthread_mutex_unlock(&st->mu);
	return r;
}

typedef struct chunk_to {
	int64_t d;
	int (*fn)(void *ctx, const store_rows *chunk);
	void *ctx;
	int stop, damaged;
} chunk_to;

static int chunk_row(void *ctx, sqlite3_stmt *q)
{
	chunk_to *c = ctx;
	store_rows ch = {.esize = sqlite3_column_int(q, 0),
			 .nrows = sqlite3_column_int64(q, 1),
			 .d = c->d,
			 .data = sqlite3_column_blob(q, 2)};
	if ((ch.esize != 4 && ch.esize != 8) ||
	    sqlite3_column_bytes(q, 2) != ch.nrows * ch.d * ch.esize) {
		c->damaged = 1;
		return 1;
	}
	c->stop = c->fn(c->ctx, &ch) != 0;
	return c->stop;
}

/* The chunks of (kind, name) to c, in order.  Caller holds mu. */
static int chunks_read(sq_store *st, store_kind kind, const char *name,
		       chunk_to *c, char *errbuf)
{
	sqlite3_stmt *q;
	int b = SQLITE_OK, r;

	if ((r = prepare(st,
			 "SELECT esize, nrows, data FROM row_chunks WHERE "
			 "kind = ? AND name = ? ORDER BY chunk",
			 &q, errbuf)))
		return r;
	bind_check(&b, sqlite3_bind_text(q, 1, kind_names[kind], -1,
					 SQLITE_STATIC));
	bind_check(&b, sqlite3_bind_text(q, 2, name, -1, SQLITE_STATIC));
	if (b)
		return bind_failed(st, q, b, errbuf);
	if ((r = step_rows(st, q, chunk_row, c, NULL, errbuf)))
		return r;
	if (c->damaged) {
		snprintf(errbuf, 256,
			 "store: the rows of %s %.140s are damaged",
			 kind_names[kind], name);
		return STORE_ERR;
	}
	return c->stop ? STORE_ABORTED : STORE_OK;
}

static int sq_rows_read(store *base, store_kind kind, const char *name,
			int64_t *version, store_rows_info *ri,
			int (*fn)(void *ctx, const store_rows *chunk),
			void *ctx, char *errbuf)
{
	sq_store *st = (sq_store *)base;
	store_moments m;
	chunk_to c = {.fn = fn, .ctx = ctx};
	int r;

	/* One connection under mu: no write comes between the reads. */
	pthread_mutex_lock(&st->mu);
	if ((r = moments_get(st, kind, name, 0, &m, errbuf)))
		goto out;
	*version = m.version;
	r = rows_info(st, kind, name, ri, errbuf);
	if (r == STORE_NOTFOUND) {
		ri->chunks = -1;
		r = STORE_OK;
		goto out;
	}
	c.d = ri->d;
	if (r == STORE_OK)
		r = chunks_read(st, kind, name, &c, errbuf);
out:
	pthread_mutex_unlock(&st->mu);
	return r;
}

/* ------------------------------------------------------------ tallies */

#define TALLY_META "name, kind, params, n, size, created, updated, version"

typedef struct tally_to {
	store_tally *t; /* a single record (get), or NULL: each to fn */
	int with_data;
	int damaged;
	int (*fn)(void *ctx, const store_tally *t);
	void *ctx;
} tally_to;

static int tally_row(void *ctx, sqlite3_stmt *q)
{
	tally_to *c = ctx;
	store_tally one, *t = c->t ? c->t : &one;
	const char *params = (const char *)sqlite3_column_text(q, 2);

	memset(t, 0, sizeof *t);
	snprintf(t->name, sizeof t->name, "%s",
		 (const char *)sqlite3_column_text(q, 0));
	snprintf(t->kind, sizeof t->kind, "%s",
		 (const char *)sqlite3_column_text(q, 1));
	t->n = sqlite3_column_int64(q, 3);
	t->size = sqlite3_column_int64(q, 4);
	t->created = sqlite3_column_double(q, 5);
	t->updated = sqlite3_column_double(q, 6);
	t->version = sqlite3_column_int64(q, 7);
	if (!c->t) {
		t->params = (char *)(params ? params : "{}");
		return c->fn(c->ctx, t);
	}
	t->params = strdup(params ? params : "{}");
	if (c->with_data) {
		/* an empty blob: the zeros of a new tally */
		t->state = blob_copy(q, 8, t->size,
				     sqlite3_column_bytes(q, 8) ? 1 : 0);
	}
	if (!t->params || (c->with_data && !t->state)) {
		store_tally_free(t);
		c->damaged = 1;
	}
	return 1;
}

static int tally_get(sq_store *st, const char *name, int with_data,
		     store_tally *t, char *errbuf)
{
	tally_to c = {.t = t, .with_data = with_data};
	sqlite3_stmt *q;
	int64_t found = 0;
	int b, r;

	memset(t, 0, sizeof *t);
	if ((r = prepare(st,
			 with_data ? "SELECT " TALLY_META ", state FROM "
				     "tallies WHERE name = ?"
				   : "SELECT " TALLY_META " FROM tallies "
				     "WHERE name = ?",
			 &q, errbuf)))
		return r;
	if ((b = sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC)))
		return bind_failed(st, q, b, errbuf);
	if ((r = step_rows(st, q, tally_row, &c, &found, errbuf)))
		return r;
	if (!found)
		return STORE_NOTFOUND;
	if (c.damaged) {
		snprintf(errbuf, 256,
			 "store: tally %.140s is damaged or memory ran out",
			 name);
		return STORE_ERR;
	}
	return STORE_OK;
}

/* Insert t (replace 0) or rewrite its n, state and times (replace 1),
 * with a new version. */
static int tally_write(sq_store *st, store_tally *t, int replace, char *errbuf)
{
	sqlite3_stmt *q;
	uint64_t v;
	int b = SQLITE_OK, r;

	if (ids_random(&v, sizeof v) < 0) {
		snprintf(errbuf, 256, "store: no random bytes: %s",
			 strerror(errno));
		return STORE_ERR;
	}
	t->version = (int64_t)(v >> 1) | 1;
	if ((r = prepare(
		     st,
		     replace ? "INSERT OR REPLACE INTO tallies(" TALLY_META
			       ", state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
			     : "INSERT INTO tallies(" TALLY_META
			       ", state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
		     &q, errbuf)))
		return r;
	bind_check(&b, sqlite3_bind_text(q, 1, t->name, -1, SQLITE_STATIC));
	bind_check(&b, sqlite3_bind_text(q, 2, t->kind, -1, SQLITE_STATIC));
	bind_check(&b, sqlite3_bind_text(q, 3, t->params, -1, SQLITE_STATIC));
	bind_check(&b, sqlite3_bind_int64(q, 4, t->n));
	bind_check(&b, sqlite3_bind_int64(q, 5, t->size));
	bind_check(&b, sqlite3_bind_double(q, 6, t->created));
	bind_check(&b, sqlite3_bind_double(q, 7, t->updated));
	bind_check(&b, sqlite3_bind_int64(q, 8, t->version));
	bind_check(&b, bind_doubles(q, 9, t->state, t->size));
	if (b)
		return bind_failed(st, q, b, errbuf);
	if ((r = sqlite3_step(q)) == SQLITE_CONSTRAINT) {
		snprintf(errbuf, 256, "store: tally %.140s exists", t->name);
		r = STORE_EXISTS;
	} else {
		r = r == SQLITE_DONE ? STORE_OK : db_error(st, r, errbuf);
	}
	sqlite3_finalize(q);
	return r;
}

static int sq_tally_create(store *base, store_tally *t, char *errbuf)
{
	sq_store *st = (sq_store *)base;
	double *keep = t->state;

	t->n = 0;
	t->state = NULL; /* written empty: zeros */
	t->created = t->updated = now_s();
	pthread_mutex_lock(&st->mu);
	int r = tally_write(st, t, 0, errbuf);
	pthread_mutex_unlock(&st->mu);
	t->state = keep;
	return r;
}

static int sq_tally_get(store *base, const char *name, int with_data,
			store_tally *t, char *errbuf)
{
	sq_store *st = (sq_store *)base;
	pthread_mutex_lock(&st->mu);
	int r = tally_get(st, name, with_data, t, errbuf);
	pthread_mutex_unlock(&st->mu);
	return r;
}

static int sq_tally_list(store *base,
			 int (*fn)(void *ctx, const store_tally *t), void *ctx,
			 char *errbuf)
{
	sq_store *st = (sq_store *)base;
	tally_to c = {.fn = fn, .ctx = ctx};
	sqlite3_stmt *q;
	int r;
	pthread_mutex_lock(&st->mu);
	if (!(r = prepare(st,
			  "SELECT " TALLY_META " FROM tallies ORDER BY name",
			  &q, errbuf)))
		r = step_rows(st, q, tally_row, &c, NULL, errbuf);
	pthread_mutex_unlock(&st->mu);
	return r;
}

static int sq_tally_update(store *base, const char *name,
			   int (*fn)(void *ctx, store_tally *t), void *ctx,
			   char *errbuf)
{
	sq_store *st = (sq_store *)base;
	store_tally t = {0};
	int rc, r;

	pthread_mutex_lock(&st->mu);
	/* IMMEDIATE: the write lock before the read (sq_moments_update). */
	if ((rc = sqlite3_exec(st->db, "BEGIN IMMEDIATE", 0, 0, 0))) {
		r = db_error(st, rc, errbuf);
		goto out;
	}
	if ((r = tally_get(st, name, 1, &t, errbuf)) != STORE_OK)
		goto rollback;
	if (fn(ctx, &t) != 0) {
		r = STORE_ABORTED;
		goto rollback;
	}
	t.updated = now_s();
	if ((r = tally_write(st, &t, 1, errbuf)) != STORE_OK)
		goto rollback;
	if ((rc = sqlite3_exec(st->db, "COMMIT", 0, 0, 0))) {
		r = db_error(st, rc, errbuf);
		goto rollback;
	}
	goto out;
rollback:
	sqlite3_exec(st->db, "ROLLBACK", 0, 0, 0);
out:
	pthread_mutex_unlock(&st->mu);
	store_tally_free(&t);
	return r;
}

static int sq_tally_delete(store *base, const char *name, char *errbuf)
{
	sq_store *st = (sq_store *)base;
	sqlite3_stmt *q;
	int64_t changed = 0;
	int b, r;
	pthread_mutex_lock(&st->mu);
	if ((r = prepare(st, "DELETE FROM tallies WHERE name = ?", &q, errbuf)))
		goto out;
	b = sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
	r = b ? bind_failed(st, q, b, errbuf)
	      : step_done(st, q, &changed, errbuf);
	if (r == STORE_OK && changed == 0)
		r = STORE_NOTFOUND;
out:
	pthread_mutex_unlock(&st->mu);
	return r;
}

/* ----------------------------------------------------------- datasets */

#define DATASET_META                                                           \
	"name, n_rows, n_kept, max_rows, seed, sampled, ncols, bytes, "        \
	"created, version"

typedef struct dataset_to {
	store_dataset *d; /* a single record (get), or NULL: each to fn */
	int (*fn)(void *ctx, const store_dataset *d);
	void *ctx;
} dataset_to;

static int dataset_row(void *ctx, sqlite3_stmt *q)
{
	dataset_to *c = ctx;
	store_dataset one, *d = c->d ? c->d : &one;

	memset(d, 0, sizeof *d);
	snprintf(d->name, sizeof d->name, "%s",
		 (const char *)sqlite3_column_text(q, 0));
	d->n_rows = sqlite3_column_int64(q, 1);
	d->n_kept = sqlite3_column_int64(q, 2);
	d->max_rows = sqlite3_column_int64(q, 3);
	d->seed = (uint64_t)sqlite3_column_int64(q, 4);
	d->sampled = sqlite3_column_int(q, 5);
	d->ncols = sqlite3_column_int64(q, 6);
	d->bytes = sqlite3_column_int64(q, 7);
	d->created = sqlite3_column_double(q, 8);
	d->version = sqlite3_column_int64(q, 9);
	return c->d ? 1 : c->fn(c->ctx, d);
}

/* A blob column's bytes, malloc'd (at least one byte); NULL when memory
 * ran out. */
static void *blob_dup(sqlite3_stmt *q, int col, int64_t *bytes)
{
	const void *b = sqlite3_column_blob(q, col);
	void *out;

	*bytes = sqlite3_column_bytes(q, col);
	out = malloc((size_t)(*bytes ? *bytes : 1));
	if (out && *bytes)
		memcpy(out, b, (size_t)*bytes);
	return out;
}

typedef struct dcols_to {
	store_dataset *d;
	int with_data;
	int damaged;
} dcols_to;

static int dcol_row(void *ctx, sqlite3_stmt *q)
{
	dcols_to *c = ctx;
	int64_t i = sqlite3_column_int64(q, 0);
	store_dcol *col;

	if (i < 0 || i >= c->d->ncols || c->d->cols[i].name) {
		c->damaged = 1;
		return 1;
	}
	col = &c->d->cols[i];
	col->name = strdup((const char *)sqlite3_column_text(q, 1));
	col->type = sqlite3_column_int(q, 2);
	col->strings = sqlite3_column_int(q, 3);
	col->n_missing = sqlite3_column_int64(q, 4);
	if (c->with_data) {
		col->dict = blob_dup(q, 5, &col->dict_bytes);
		col->data = blob_dup(q, 6, &col->data_bytes);
	}
	if (!col->name || (c->with_data && (!col->dict || !col->data))) {
		c->damaged = 1;
		return 1;
	}
	return 0;
}

static int dataset_cols(sq_store *st, store_dataset *d, int with_data,
			char *errbuf)
{
	dcols_to c = {.d = d, .with_data = with_data};
	sqlite3_stmt *q;
	int b, r;

	d->cols = calloc((size_t)(d->ncols ? d->ncols : 1), sizeof *d->cols);
	if (!d->cols) {
		snprintf(errbuf, 256, "store: out of memory");
		return STORE_ERR;
	}
	if ((r = prepare(st,
			 with_data ? "SELECT idx, name, type, strings, "
				     "n_missing, dict, data FROM "
				     "dataset_columns WHERE dataset = ?"
				   : "SELECT idx, name, type, strings, "
				     "n_missing FROM dataset_columns WHERE "
				     "dataset = ?",
			 &q, errbuf)))
		return r;
	if ((b = sqlite3_bind_text(q, 1, d->name, -1, SQLITE_STATIC)))
		return bind_failed(st, q, b, errbuf);
	if ((r = step_rows(st, q, dcol_row, &c, NULL, errbuf)))
		return r;
	for (int64_t i = 0; i < d->ncols; i++)
		c.damaged |= !d->cols[i].name;
	if (c.damaged) {
		snprintf(errbuf, 256,
			 "store: dataset %.140s is damaged or memory ran out",
			 d->name);
		return STORE_ERR;
	}
	return STORE_OK;
}

static int sq_dataset_get(store *base, const char *name, int with_data,
			  store_dataset *d, char *errbuf)
{
	sq_store *st = (sq_store *)base;
	dataset_to c = {.d = d};
	sqlite3_stmt *q;
	int64_t found = 0;
	int b, r;

	memset(d, 0, sizeof *d);
	pthread_mutex_lock(&st->mu);
	/* One read transaction: the columns are the dataset's of the same
	 * put. */
	sqlite3_exec(st->db, "BEGIN", 0, 0, 0);
	if ((r = prepare(st,
			 "SELECT " DATASET_META " FROM datasets WHERE name = ?",
			 &q, errbuf)))
		goto out;
	if ((b = sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC))) {
		r = bind_failed(st, q, b, errbuf);
		goto out;
	}
	if ((r = step_rows(st, q, dataset_row, &c, &found, errbuf)))
		goto out;
	r = found ? dataset_cols(st, d, with_data, errbuf) : STORE_NOTFOUND;
out:
	sqlite3_exec(st->db, "COMMIT", 0, 0, 0);
	pthread_mutex_unlock(&st->mu);
	if (r)
		store_dataset_free(d);
	return r;
}

static int sq_dataset_list(store *base,
			   int (*fn)(void *ctx, const store_dataset *d),
			   void *ctx, char *errbuf)
{
	sq_store *st = (sq_store *)base;
	dataset_to c = {.fn = fn, .ctx = ctx};
	sqlite3_stmt *q;
	int r;

	pthread_mutex_lock(&st->mu);
	if (!(r = prepare(st,
			  "SELECT " DATASET_META " FROM datasets ORDER BY name",
			  &q, errbuf)))
		r = step_rows(st, q, dataset_row, &c, NULL, errbuf);
	pthread_mutex_unlock(&st->mu);
	return r;
}

/* Delete name's rows in both tables; *changed: datasets deleted. */
static int dataset_drop(sq_store *st, const char *name, int64_t *changed,
			char *errbuf)
{
	static const char *const sql[] = {
		"DELETE FROM dataset_columns WHERE dataset = ?",
		"DELETE FROM datasets WHERE name = ?"};
	sqlite3_stmt *q;
	int b, r;

	for (int i = 0; i < 2; i++) {
		if ((r = prepare(st, sql[i], &q, errbuf)))
			return r;
		if ((b = sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC)))
			return bind_failed(st, q, b, errbuf);
		if ((r = step_done(st, q, i ? changed : NULL, errbuf)))
			return r;
	}
	return STORE_OK;
}

static int dcol_insert(sq_store *st, const store_dataset *d, int64_t i,
		       char *errbuf)
{
	const store_dcol *c = &d->cols[i];
	sqlite3_stmt *q;
	int b = SQLITE_OK, r;

	if ((r = prepare(st,
			 "INSERT INTO dataset_columns(dataset, idx, name, "
			 "type, strings, n_missing, dict, data) VALUES (?, ?, "
			 "?, ?, ?, ?, ?, ?)",
			 &q, errbuf)))
		return r;
	bind_check(&b, sqlite3_bind_text(q, 1, d->name, -1, SQLITE_STATIC));
	bind_check(&b, sqlite3_bind_int64(q, 2, i));
	bind_check(&b, sqlite3_bind_text(q, 3, c->name, -1, SQLITE_STATIC));
	bind_check(&b, sqlite3_bind_int(q, 4, c->type));
	bind_check(&b, sqlite3_bind_int(q, 5, c->strings));
	bind_check(&b, sqlite3_bind_int64(q, 6, c->n_missing));
	bind_check(&b, sqlite3_bind_blob64(q, 7, c->dict ? c->dict : "",
					   (sqlite3_uint64)c->dict_bytes,
					   SQLITE_STATIC));
	bind_check(&b, sqlite3_bind_blob64(q, 8, c->data ? c->data : "",
					   (sqlite3_uint64)c->data_bytes,
					   SQLITE_STATIC));
	return b ? bind_failed(st, q, b, errbuf)
		 : step_done(st, q, NULL, errbuf);
}

static int dataset_insert(sq_store *st, const store_dataset *d, char *errbuf)
{
	sqlite3_stmt *q;
	int b = SQLITE_OK, r;

	if ((r = prepare(st,
			 "INSERT INTO datasets(" DATASET_META
			 ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			 &q, errbuf)))
		return r;
	bind_check(&b, sqlite3_bind_text(q, 1, d->name, -1, SQLITE_STATIC));
	bind_check(&b, sqlite3_bind_int64(q, 2, d->n_rows));
	bind_check(&b, sqlite3_bind_int64(q, 3, d->n_kept));
	bind_check(&b, sqlite3_bind_int64(q, 4, d->max_rows));
	bind_check(&b, sqlite3_bind_int64(q, 5, (int64_t)d->seed));
	bind_check(&b, sqlite3_bind_int(q, 6, d->sampled));
	bind_check(&b, sqlite3_bind_int64(q, 7, d->ncols));
	bind_check(&b, sqlite3_bind_int64(q, 8, d->bytes));
	bind_check(&b, sqlite3_bind_double(q, 9, d->created));
	bind_check(&b, sqlite3_bind_int64(q, 10, d->version));
	if (b)
		return bind_failed(st, q, b, errbuf);
	if ((r = step_done(st, q, NULL, errbuf)))
		return r;
	for (int64_t i = 0; i < d->ncols; i++)
		if ((r = dcol_insert(st, d, i, errbuf)))
			return r;
	return STORE_OK;
}

static int sq_dataset_put(store *base, store_dataset *d, char *errbuf)
{
	sq_store *st = (sq_store *)base;
	uint64_t v;
	int rc, r;

	if (ids_random(&v, sizeof v) < 0) {
		snprintf(errbuf, 256, "store: no random bytes: %s",
			 strerror(errno));
		return STORE_ERR;
	}
	/* 53 bits: every JSON reader keeps the number exact */
	d->version = (int64_t)(v >> 11) | 1;
	d->created = now_s();
	pthread_mutex_lock(&st->mu);
	if ((rc = sqlite3_exec(st->db, "BEGIN IMMEDIATE", 0, 0, 0))) {
		r = db_error(st, rc, errbuf);
		goto out;
	}
	if ((r = dataset_drop(st, d->name, NULL, errbuf)) ||
	    (r = dataset_insert(st, d, errbuf)))
		goto rollback;
	if ((rc = sqlite3_exec(st->db, "COMMIT", 0, 0, 0))) {
		r = db_error(st, rc, errbuf);
		goto rollback;
	}
	goto out;
rollback:
	sqlite3_exec(st->db, "ROLLBACK", 0, 0, 0);
out:
	pthread_mutex_unlock(&st->mu);
	return r;
}

static int sq_dataset_delete(store *base, const char *name, char *errbuf)
{
	sq_store *st = (sq_store *)base;
	int64_t changed = 0;
	int rc, r;

	pthread_mutex_lock(&st->mu);
	if ((rc = sqlite3_exec(st->db, "BEGIN IMMEDIATE", 0, 0, 0))) {
		r = db_error(st, rc, errbuf);
		goto out;
	}
	if ((r = dataset_drop(st, name, &changed, errbuf)) ||
	    (rc = sqlite3_exec(st->db, "COMMIT", 0, 0, 0))) {
		if (!r)
			r = db_error(st, rc, errbuf);
		sqlite3_exec(st->db, "ROLLBACK", 0, 0, 0);
		goto out;
	}
	if (!changed)
		r = STORE_NOTFOUND;
out:
	pthread_mutex_unlock(&st->mu);
	return r;
}

/* The file is the database: once open, it is there to serve. */
static int sq_ping(store *base, char *errbuf)
{
	return STORE_OK;
}

static const store_ops sq_ops = {
	.name = "sqlite",
	.close = sq_close,
	.ping = sq_ping,
	.series_append = sq_series_append,
	.series_list = sq_series_list,
	.series_points = sq_series_points,
	.series_latest = sq_series_latest,
	.moments_put = sq_moments_put,
	.moments_create = sq_moments_create,
	.moments_get = sq_moments_get,
	.moments_list = sq_moments_list,
	.moments_update = sq_moments_update,
	.moments_delete = sq_moments_delete,
	.rows_info = sq_rows_info,
	.rows_read = sq_rows_read,
	.tally_create = sq_tally_create,
	.tally_get = sq_tally_get,
	.tally_list = sq_tally_list,
	.tally_update = sq_tally_update,
	.tally_delete = sq_tally_delete,
	.dataset_put = sq_dataset_put,
	.dataset_get = sq_dataset_get,
	.dataset_list = sq_dataset_list,
	.dataset_delete = sq_dataset_delete,
};
