/* store.c - the store on SQLite (see store.h).
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

struct store {
	sqlite3 *db;
	pthread_mutex_t mu; /* every use of db; see the top of the file */
	int lockfd;	    /* DIR/lock, flock()ed while open; -1 if not */
};

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

static int db_error(store *st, int rc, char *errbuf)
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
static int bind_failed(store *st, sqlite3_stmt *q, int rc, char *errbuf)
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

static int migrate(store *st, char *errbuf)
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
static int lock_dir(store *st, const char *dir, char *errbuf)
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

int store_open(const char *dir, store **out, char *errbuf)
{
	char path[1200];
	store *st = calloc(1, sizeof *st);
	int rc, r = STORE_ERR;

	*out = NULL;
	if (!st) {
		snprintf(errbuf, 256, "store: out of memory");
		return STORE_ERR;
	}
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
	/* WAL + FULL: every commit is fsynced before it returns. */
	if ((rc = sqlite3_exec(st->db,
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
	*out = st;
	return STORE_OK;
fail:
	store_close(st);
	return r;
}

void store_close(store *st)
{
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
static int step_done(store *st, sqlite3_stmt *q, int64_t *changes, char *errbuf)
{
	int rc = sqlite3_step(q);
	int r = rc == SQLITE_DONE ? STORE_OK : db_error(st, rc, errbuf);
	if (changes)
		*changes = sqlite3_changes(st->db);
	sqlite3_finalize(q);
	return r;
}

static int prepare(store *st, const char *sql, sqlite3_stmt **q, char *errbuf)
{
	int rc = sqlite3_prepare_v2(st->db, sql, -1, q, NULL);
	return rc ? db_error(st, rc, errbuf) : STORE_OK;
}

/* ------------------------------------------------------------ series */

int store_series_append(store *st, const char *series, const store_point *p,
			char *errbuf)
{
	sqlite3_stmt *q;
	int b = SQLITE_OK, r;
	pthread_mutex_lock(&st->mu);
	if ((r = prepare(st,
			 "INSERT INTO series_points(series, step, labels, "
			 "value, ts) VALUES (?, ?, ?, ?, ?)",
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
	r = b ? bind_failed(st, q, b, errbuf) : step_done(st, q, NULL, errbuf);
out:
	pthread_mutex_unlock(&st->mu);
	return r;
}

/* The point in columns col.. (step, value, ts, labels) of q's row; its
 * labels point into q, valid until the next step. */
static void point_row(sqlite3_stmt *q, int col, store_point *p)
{
	p->has_step = sqlite3_column_type(q, col) != SQLITE_NULL;
	p->step = p->has_step ? sqlite3_column_int64(q, col) : 0;
	p->has_value = sqlite3_column_type(q, col + 1) != SQLITE_NULL;
	p->value = p->has_value ? sqlite3_column_double(q, col + 1) : 0.0;
	p->ts = sqlite3_column_double(q, col + 2);
	p->labels = (const char *)sqlite3_column_text(q, col + 3);
}

int store_series_list(store *st,
		      int (*fn)(void *ctx, const store_series_info *si),
		      void *ctx, char *errbuf)
{
	sqlite3_stmt *q;
	int rc, r;
	pthread_mutex_lock(&st->mu);
	if ((r = prepare(
		     st,
		     "SELECT s.series, s.cnt, p.step, p.value, p.ts, "
		     "p.labels "
		     "FROM (SELECT series, COUNT(*) AS cnt, MAX(id) AS last "
		     "      FROM series_points GROUP BY series) s "
		     "JOIN series_points p ON p.id = s.last ORDER BY "
		     "s.series",
		     &q, errbuf)))
		goto out;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		store_series_info si;
		si.name = (const char *)sqlite3_column_text(q, 0);
		si.points = sqlite3_column_int64(q, 1);
		point_row(q, 2, &si.latest);
		if (fn(ctx, &si) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	if (rc != SQLITE_DONE)
		r = db_error(st, rc, errbuf);
	sqlite3_finalize(q);
out:
	pthread_mutex_unlock(&st->mu);
	return r;
}

int store_series_points(store *st, const char *series, double since,
			int64_t limit,
			int (*fn)(void *ctx, const store_point *p), void *ctx,
			char *errbuf)
{
	sqlite3_stmt *q, *e;
	int rc, b = SQLITE_OK, r, n = 0;
	pthread_mutex_lock(&st->mu);
	if ((r = prepare(st,
			 "SELECT step, value, ts, labels FROM series_points "
			 "WHERE series = ? AND ts > ? ORDER BY id LIMIT ?",
			 &q, errbuf)))
		goto out;
	bind_check(&b, sqlite3_bind_text(q, 1, series, -1, SQLITE_STATIC));
	bind_check(&b, sqlite3_bind_double(q, 2, since));
	bind_check(&b, sqlite3_bind_int64(q, 3, limit));
	if (b) {
		r = bind_failed(st, q, b, errbuf);
		goto out;
	}
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		store_point p;
		point_row(q, 0, &p);
		n++;
		if (fn(ctx, &p) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	if (rc != SQLITE_DONE)
		r = db_error(st, rc, errbuf);
	sqlite3_finalize(q);
	if (r == STORE_OK && n == 0 && since < 0) {
		/* Distinguish an empty answer from an unknown series. */
		if ((r = prepare(st,
				 "SELECT 1 FROM series_points WHERE series = "
				 "? LIMIT 1",
				 &e, errbuf)))
			goto out;
		if ((b = sqlite3_bind_text(e, 1, series, -1, SQLITE_STATIC))) {
			r = bind_failed(st, e, b, errbuf);
			goto out;
		}
		rc = sqlite3_step(e);
		r = rc == SQLITE_ROW	? STORE_OK
		    : rc == SQLITE_DONE ? STORE_NOTFOUND
					: db_error(st, rc, errbuf);
		sqlite3_finalize(e);
	}
out:
	pthread_mutex_unlock(&st->mu);
	return r;
}

int store_series_latest(store *st,
			void (*fn)(void *ctx, const char *series, int has_value,
				   double value),
			void *ctx, char *errbuf)
{
	sqlite3_stmt *q;
	int rc, r;
	pthread_mutex_lock(&st->mu);
	if ((r = prepare(st,
			 "SELECT p.series, p.value FROM series_points p JOIN "
			 "(SELECT MAX(id) AS last FROM series_points GROUP BY "
			 "series) s ON p.id = s.last ORDER BY p.series",
			 &q, errbuf)))
		goto out;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW)
		fn(ctx, (const char *)sqlite3_column_text(q, 0),
		   sqlite3_column_type(q, 1) != SQLITE_NULL,
		   sqlite3_column_double(q, 1));
	if (rc != SQLITE_DONE)
		r = db_error(st, rc, errbuf);
	sqlite3_finalize(q);
out:
	pthread_mutex_unlock(&st->mu);
	return r;
}

/* ------------------------------------------------------------ blobs */

static double *blob_copy(sqlite3_stmt *q, int col, int64_t count)
{
	const void *b = sqlite3_column_blob(q, col);
	int bytes = sqlite3_column_bytes(q, col);
	if (!b || bytes != count * (int64_t)sizeof(double))
		return NULL;
	if (count == 0)
		return malloc(1);
	double *d = malloc((size_t)bytes);
	if (d)
		memcpy(d, b, (size_t)bytes);
	return d;
}

/* Bind count doubles as a blob.  Sizes past SQLite's per-value limit fail
 * here with SQLITE_TOOBIG, which bind_check keeps. */
static int bind_doubles(sqlite3_stmt *q, int col, const double *v,
			int64_t count)
{
	return sqlite3_bind_blob64(q, col, v,
				   (sqlite3_uint64)count * sizeof(double),
				   SQLITE_STATIC);
}

/* ------------------------------------------------------------ refs */

int store_ref_put(store *st, store_ref *r, char *errbuf)
{
	sqlite3_stmt *q;
	uint64_t v;
	int b = SQLITE_OK, ret;

	if (ids_random(&v, sizeof v) < 0) {
		snprintf(errbuf, 256, "store: no random bytes: %s",
			 strerror(errno));
		return STORE_ERR;
	}
	/* 63 random bits, never 0 (the version of rows from before it). */
	r->version = (int64_t)(v >> 1) | 1;
	pthread_mutex_lock(&st->mu);
	if ((ret = prepare(st,
			   "INSERT OR REPLACE INTO refs(name, n, d, created, "
			   "mu, sigma, version) VALUES (?, ?, ?, ?, ?, ?, ?)",
			   &q, errbuf)))
		goto out;
	bind_check(&b, sqlite3_bind_text(q, 1, r->name, -1, SQLITE_STATIC));
	bind_check(&b, sqlite3_bind_double(q, 2, r->n));
	bind_check(&b, sqlite3_bind_int64(q, 3, r->d));
	bind_check(&b, sqlite3_bind_double(q, 4, r->created));
	bind_check(&b, bind_doubles(q, 5, r->mu, r->d));
	bind_check(&b, bind_doubles(q, 6, r->sigma, r->d * r->d));
	bind_check(&b, sqlite3_bind_int64(q, 7, r->version));
	ret = b ? bind_failed(st, q, b, errbuf)
		: step_done(st, q, NULL, errbuf);
out:
	pthread_mutex_unlock(&st->mu);
	return ret;
}

int store_ref_get(store *st, const char *name, int with_stats, store_ref *r,
		  char *errbuf)
{
	sqlite3_stmt *q;
	int rc, ret;
	memset(r, 0, sizeof *r);
	pthread_mutex_lock(&st->mu);
	if ((ret = prepare(st,
			   with_stats
				   ? "SELECT name, n, d, created, version, mu, "
				     "sigma FROM refs WHERE name = ?"
				   : "SELECT name, n, d, created, version FROM "
				     "refs WHERE name = ?",
			   &q, errbuf)))
		goto out;
	if ((rc = sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC))) {
		ret = bind_failed(st, q, rc, errbuf);
		goto out;
	}
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		snprintf(r->name, sizeof r->name, "%s",
			 (const char *)sqlite3_column_text(q, 0));
		r->n = sqlite3_column_double(q, 1);
		r->d = sqlite3_column_int64(q, 2);
		r->created = sqlite3_column_double(q, 3);
		r->version = sqlite3_column_int64(q, 4);
		if (with_stats) {
			r->mu = blob_copy(q, 5, r->d);
			r->sigma = blob_copy(q, 6, r->d * r->d);
			if (!r->mu || !r->sigma) {
				free(r->mu);
				free(r->sigma);
				r->mu = r->sigma = NULL;
				snprintf(errbuf, 256,
					 "store: reference %s is damaged or "
					 "memory ran out",
					 name);
				ret = STORE_ERR;
			}
		}
	} else {
		ret = rc == SQLITE_DONE ? STORE_NOTFOUND
					: db_error(st, rc, errbuf);
	}
	sqlite3_finalize(q);
out:
	pthread_mutex_unlock(&st->mu);
	return ret;
}

int store_ref_list(store *st, int (*fn)(void *ctx, const store_ref *r),
		   void *ctx, char *errbuf)
{
	sqlite3_stmt *q;
	int rc, r;
	pthread_mutex_lock(&st->mu);
	if ((r = prepare(st,
			 "SELECT name, n, d, created, version FROM refs "
			 "ORDER BY name",
			 &q, errbuf)))
		goto out;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		store_ref ref = {0};
		snprintf(ref.name, sizeof ref.name, "%s",
			 (const char *)sqlite3_column_text(q, 0));
		ref.n = sqlite3_column_double(q, 1);
		ref.d = sqlite3_column_int64(q, 2);
		ref.created = sqlite3_column_double(q, 3);
		ref.version = sqlite3_column_int64(q, 4);
		if (fn(ctx, &ref) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	if (rc != SQLITE_DONE)
		r = db_error(st, rc, errbuf);
	sqlite3_finalize(q);
out:
	pthread_mutex_unlock(&st->mu);
	return r;
}

static int delete_where(store *st, const char *sql, const char *key,
			char *errbuf)
{
	sqlite3_stmt *q;
	int64_t changed = 0;
	int b, r;
	pthread_mutex_lock(&st->mu);
	if ((r = prepare(st, sql, &q, errbuf)))
		goto out;
	if ((b = sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC)))
		r = bind_failed(st, q, b, errbuf);
	else
		r = step_done(st, q, &changed, errbuf);
	if (r == STORE_OK && changed == 0)
		r = STORE_NOTFOUND;
out:
	pthread_mutex_unlock(&st->mu);
	return r;
}

int store_ref_delete(store *st, const char *name, char *errbuf)
{
	return delete_where(st, "DELETE FROM refs WHERE name = ?", name,
			    errbuf);
}

/* ------------------------------------------------------------ streams */

int store_stream_create(store *st, int64_t d, char id[33], char *errbuf)
{
	sqlite3_stmt *q;
	double t = now_s();
	int b = SQLITE_OK, r;

	if (ids_hex128(id) < 0) {
		snprintf(errbuf, 256, "store: no random bytes: %s",
			 strerror(errno));
		return STORE_ERR;
	}
	pthread_mutex_lock(&st->mu);
	if ((r = prepare(st,
			 "INSERT INTO streams(id, d, n, created, updated, "
			 "mean, comoment) VALUES (?, ?, 0, ?, ?, ?, ?)",
			 &q, errbuf)))
		goto out;
	bind_check(&b, sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC));
	bind_check(&b, sqlite3_bind_int64(q, 2, d));
	bind_check(&b, sqlite3_bind_double(q, 3, t));
	bind_check(&b, sqlite3_bind_double(q, 4, t));
	/* Empty blobs stand for the zero moments of an empty stream: a
	 * request of a few bytes must not make the store write 8·d² bytes
	 * (stream_get reads them back as zeros). */
	bind_check(&b, sqlite3_bind_zeroblob(q, 5, 0));
	bind_check(&b, sqlite3_bind_zeroblob(q, 6, 0));
	r = b ? bind_failed(st, q, b, errbuf) : step_done(st, q, NULL, errbuf);
out:
	pthread_mutex_unlock(&st->mu);
	return r;
}

/* The row of stream id into *s.  Caller holds mu. */
static int stream_get(store *st, const char *id, int with_moments,
		      store_stream *s, char *errbuf)
{
	sqlite3_stmt *q;
	int rc, ret;
	memset(s, 0, sizeof *s);
	if ((ret = prepare(st,
			   with_moments
				   ? "SELECT id, d, n, created, updated, mean, "
				     "comoment FROM streams WHERE id = ?"
				   : "SELECT id, d, n, created, updated FROM "
				     "streams WHERE id = ?",
			   &q, errbuf)))
		return ret;
	if ((rc = sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC)))
		return bind_failed(st, q, rc, errbuf);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		snprintf(s->id, sizeof s->id, "%s",
			 (const char *)sqlite3_column_text(q, 0));
		s->d = sqlite3_column_int64(q, 1);
		s->n = sqlite3_column_double(q, 2);
		s->created = sqlite3_column_double(q, 3);
		s->updated = sqlite3_column_double(q, 4);
		if (with_moments) {
			/* A stream nothing was added to yet stores empty
			 * blobs (see store_stream_create): zeros. */
			int empty =
				s->n == 0 && sqlite3_column_bytes(q, 6) == 0;
			s->mean = empty ? calloc((size_t)s->d, sizeof(double))
					: blob_copy(q, 5, s->d);
			s->comoment = empty ? calloc((size_t)(s->d * s->d),
						     sizeof(double))
					    : blob_copy(q, 6, s->d * s->d);
			if (!s->mean || !s->comoment) {
				free(s->mean);
				free(s->comoment);
				s->mean = s->comoment = NULL;
				snprintf(errbuf, 256,
					 "store: stream %s is damaged or "
					 "memory ran out",
					 id);
				ret = STORE_ERR;
			}
		}
	} else {
		ret = rc == SQLITE_DONE ? STORE_NOTFOUND
					: db_error(st, rc, errbuf);
	}
	sqlite3_finalize(q);
	return ret;
}

int store_stream_get(store *st, const char *id, int with_moments,
		     store_stream *s, char *errbuf)
{
	pthread_mutex_lock(&st->mu);
	int r = stream_get(st, id, with_moments, s, errbuf);
	pthread_mutex_unlock(&st->mu);
	return r;
}

/* Write the moments of an existing stream.  Caller holds mu. */
static int stream_put(store *st, const store_stream *s, char *errbuf)
{
	sqlite3_stmt *q;
	int64_t changed = 0;
	int b = SQLITE_OK, r;
	if ((r = prepare(st,
			 "UPDATE streams SET n = ?, updated = ?, mean = ?, "
			 "comoment = ? WHERE id = ?",
			 &q, errbuf)))
		return r;
	bind_check(&b, sqlite3_bind_double(q, 1, s->n));
	bind_check(&b, sqlite3_bind_double(q, 2, now_s()));
	bind_check(&b, bind_doubles(q, 3, s->mean, s->d));
	bind_check(&b, bind_doubles(q, 4, s->comoment, s->d * s->d));
	bind_check(&b, sqlite3_bind_text(q, 5, s->id, -1, SQLITE_STATIC));
	if (b)
		return bind_failed(st, q, b, errbuf);
	r = step_done(st, q, &changed, errbuf);
	if (r == STORE_OK && changed == 0)
		r = STORE_NOTFOUND;
	return r;
}

int store_stream_update(store *st, const char *id,
			int (*fn)(void *ctx, store_stream *s), void *ctx,
			char *errbuf)
{
	store_stream s = {0};
	int rc, r;

	pthread_mutex_lock(&st->mu);
	/* IMMEDIATE: take the write lock before the read, so no other
	 * connection can write between our read and our write. */
	if ((rc = sqlite3_exec(st->db, "BEGIN IMMEDIATE", 0, 0, 0))) {
		r = db_error(st, rc, errbuf);
		goto out;
	}
	if ((r = stream_get(st, id, 1, &s, errbuf)) != STORE_OK)
		goto rollback;
	if (fn(ctx, &s) != 0) {
		r = STORE_ABORTED;
		goto rollback;
	}
	if ((r = stream_put(st, &s, errbuf)) != STORE_OK)
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
	free(s.mean);
	free(s.comoment);
	return r;
}

int store_stream_delete(store *st, const char *id, char *errbuf)
{
	return delete_where(st, "DELETE FROM streams WHERE id = ?", id, errbuf);
}
