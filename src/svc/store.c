/* store.c - the store on SQLite (see store.h).
 *
 * One connection in serialized mode; WAL journal with synchronous=FULL so
 * a commit is on disk before the request that made it is answered.  The
 * schema is versioned through PRAGMA user_version: migrations[i] brings a
 * database from version i to i+1, and start-up applies the missing ones
 * in one transaction each. */
#include <math.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <evald/rng.h>

#include "store.h"

struct store {
	sqlite3 *db;
	pthread_mutex_t rmw; /* store_lock(): read-modify-write sequences */
	pthread_mutex_t idmu;
	evald_rng rng; /* stream ids, reference versions; guarded by idmu */
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

static int db_error(store *st, int rc, char *errbuf)
{
	snprintf(errbuf, 256, "store: %s", sqlite3_errmsg(st->db));
	return rc == SQLITE_FULL ? STORE_FULL : STORE_ERR;
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

	if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &q, NULL))
		return db_error(st, 0, errbuf);
	if (sqlite3_step(q) == SQLITE_ROW)
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

int store_open(const char *dir, store **out, char *errbuf)
{
	char path[1200];
	store *st = calloc(1, sizeof *st);
	int rc;

	*out = NULL;
	if (!st) {
		snprintf(errbuf, 256, "store: out of memory");
		return STORE_ERR;
	}
	pthread_mutex_init(&st->rmw, NULL);
	pthread_mutex_init(&st->idmu, NULL);
	evald_rng_seed(&st->rng,
		       (uint64_t)(now_s() * 1e6) ^ ((uint64_t)getpid() << 32));
	snprintf(path, sizeof path, "%s/evald.db", dir);
	rc = sqlite3_open_v2(path, &st->db,
			     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
				     SQLITE_OPEN_FULLMUTEX,
			     NULL);
	if (rc) {
		snprintf(errbuf, 256, "store: cannot open %.120s: %.60s", path,
			 st->db ? sqlite3_errmsg(st->db) : "out of memory");
		goto fail;
	}
	sqlite3_busy_timeout(st->db, 5000);
	/* WAL + FULL: every commit is fsynced before it returns. */
	if ((rc = sqlite3_exec(st->db,
			       "PRAGMA journal_mode=WAL;"
			       "PRAGMA synchronous=FULL;"
			       "PRAGMA foreign_keys=ON;",
			       0, 0, 0))) {
		db_error(st, rc, errbuf);
		goto fail;
	}
	if (migrate(st, errbuf) != STORE_OK)
		goto fail;
	*out = st;
	return STORE_OK;
fail:
	store_close(st);
	return STORE_ERR;
}

void store_close(store *st)
{
	if (!st)
		return;
	sqlite3_close(st->db);
	pthread_mutex_destroy(&st->rmw);
	pthread_mutex_destroy(&st->idmu);
	free(st);
}

void store_lock(store *st)
{
	pthread_mutex_lock(&st->rmw);
}

void store_unlock(store *st)
{
	pthread_mutex_unlock(&st->rmw);
}

/* Run one prepared write statement to completion. */
static int step_done(store *st, sqlite3_stmt *q, char *errbuf)
{
	int rc = sqlite3_step(q);
	int r = rc == SQLITE_DONE ? STORE_OK : db_error(st, rc, errbuf);
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
	if (prepare(st,
		    "INSERT INTO series_points(series, step, labels, value, "
		    "ts) VALUES (?, ?, ?, ?, ?)",
		    &q, errbuf))
		return STORE_ERR;
	sqlite3_bind_text(q, 1, series, -1, SQLITE_STATIC);
	if (p->has_step)
		sqlite3_bind_int64(q, 2, p->step);
	if (p->labels)
		sqlite3_bind_text(q, 3, p->labels, -1, SQLITE_STATIC);
	if (p->has_value)
		sqlite3_bind_double(q, 4, p->value);
	sqlite3_bind_double(q, 5, p->ts);
	return step_done(st, q, errbuf);
}

static json_t *point_json(sqlite3_stmt *q, int col)
{
	json_t *o = json_object();
	if (sqlite3_column_type(q, col) != SQLITE_NULL)
		json_object_set_new(o, "step",
				    json_integer(sqlite3_column_int64(q, col)));
	else
		json_object_set_new(o, "step", json_null());
	json_object_set_new(
		o, "value",
		sqlite3_column_type(q, col + 1) == SQLITE_NULL
			? json_null()
			: json_real(sqlite3_column_double(q, col + 1)));
	json_object_set_new(o, "ts",
			    json_real(sqlite3_column_double(q, col + 2)));
	const char *labels = (const char *)sqlite3_column_text(q, col + 3);
	json_t *l = labels ? json_loads(labels, 0, NULL) : NULL;
	json_object_set_new(o, "labels", l ? l : json_object());
	return o;
}

int store_series_list(store *st, json_t **out, char *errbuf)
{
	sqlite3_stmt *q;
	int rc;
	if (prepare(st,
		    "SELECT s.series, s.cnt, p.step, p.value, p.ts, p.labels "
		    "FROM (SELECT series, COUNT(*) AS cnt, MAX(id) AS last "
		    "      FROM series_points GROUP BY series) s "
		    "JOIN series_points p ON p.id = s.last ORDER BY s.series",
		    &q, errbuf))
		return STORE_ERR;
	json_t *arr = json_array();
	while ((rc = sqlite3_step(q)) == SQLITE_ROW)
		json_array_append_new(
			arr, json_pack("{s:s, s:I, s:o}", "name",
				       (const char *)sqlite3_column_text(q, 0),
				       "points",
				       (json_int_t)sqlite3_column_int64(q, 1),
				       "latest", point_json(q, 2)));
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE) {
		json_decref(arr);
		return db_error(st, rc, errbuf);
	}
	*out = json_pack("{s:o}", "series", arr);
	return STORE_OK;
}

int store_series_points(store *st, const char *series, double since,
			int64_t limit, json_t **out, char *errbuf)
{
	sqlite3_stmt *q;
	int rc;
	if (prepare(st,
		    "SELECT step, value, ts, labels FROM series_points "
		    "WHERE series = ? AND ts > ? ORDER BY id LIMIT ?",
		    &q, errbuf))
		return STORE_ERR;
	sqlite3_bind_text(q, 1, series, -1, SQLITE_STATIC);
	sqlite3_bind_double(q, 2, since);
	sqlite3_bind_int64(q, 3, limit);
	json_t *arr = json_array();
	int n = 0;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		json_array_append_new(arr, point_json(q, 0));
		n++;
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE) {
		json_decref(arr);
		return db_error(st, rc, errbuf);
	}
	if (n == 0 && since < 0) {
		/* Distinguish an empty answer from an unknown series. */
		sqlite3_stmt *e;
		int found = 0;
		if (prepare(st,
			    "SELECT 1 FROM series_points WHERE series = ? "
			    "LIMIT 1",
			    &e, errbuf) == STORE_OK) {
			sqlite3_bind_text(e, 1, series, -1, SQLITE_STATIC);
			found = sqlite3_step(e) == SQLITE_ROW;
			sqlite3_finalize(e);
		}
		if (!found) {
			json_decref(arr);
			return STORE_NOTFOUND;
		}
	}
	*out = arr;
	return STORE_OK;
}

int store_series_latest(store *st,
			void (*fn)(void *ctx, const char *series, int has_value,
				   double value),
			void *ctx, char *errbuf)
{
	sqlite3_stmt *q;
	int rc;
	if (prepare(st,
		    "SELECT p.series, p.value FROM series_points p JOIN "
		    "(SELECT MAX(id) AS last FROM series_points GROUP BY "
		    "series) s ON p.id = s.last ORDER BY p.series",
		    &q, errbuf))
		return STORE_ERR;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW)
		fn(ctx, (const char *)sqlite3_column_text(q, 0),
		   sqlite3_column_type(q, 1) != SQLITE_NULL,
		   sqlite3_column_double(q, 1));
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? STORE_OK : db_error(st, rc, errbuf);
}

/* ------------------------------------------------------------ blobs */

static double *blob_copy(sqlite3_stmt *q, int col, int64_t count)
{
	const void *b = sqlite3_column_blob(q, col);
	int bytes = sqlite3_column_bytes(q, col);
	if (!b || bytes != count * (int64_t)sizeof(double))
		return NULL;
	double *d = malloc((size_t)bytes);
	if (d)
		memcpy(d, b, (size_t)bytes);
	return d;
}

/* ------------------------------------------------------------ refs */

int store_ref_put(store *st, store_ref *r, char *errbuf)
{
	sqlite3_stmt *q;
	if (prepare(st,
		    "INSERT OR REPLACE INTO refs(name, n, d, created, mu, "
		    "sigma, version) VALUES (?, ?, ?, ?, ?, ?, ?)",
		    &q, errbuf))
		return STORE_ERR;
	pthread_mutex_lock(&st->idmu);
	/* 63 random bits, never 0 (the version of rows from before it). */
	r->version = (int64_t)(evald_rng_next(&st->rng) >> 1) | 1;
	pthread_mutex_unlock(&st->idmu);
	sqlite3_bind_text(q, 1, r->name, -1, SQLITE_STATIC);
	sqlite3_bind_double(q, 2, r->n);
	sqlite3_bind_int64(q, 3, r->d);
	sqlite3_bind_double(q, 4, r->created);
	sqlite3_bind_blob64(q, 5, r->mu, (sqlite3_uint64)r->d * sizeof(double),
			    SQLITE_STATIC);
	sqlite3_bind_blob64(q, 6, r->sigma,
			    (sqlite3_uint64)r->d * r->d * sizeof(double),
			    SQLITE_STATIC);
	sqlite3_bind_int64(q, 7, r->version);
	return step_done(st, q, errbuf);
}

int store_ref_get(store *st, const char *name, int with_stats, store_ref *r,
		  char *errbuf)
{
	sqlite3_stmt *q;
	int rc, ret = STORE_NOTFOUND;
	if (prepare(st,
		    with_stats
			    ? "SELECT name, n, d, created, version, mu, "
			      "sigma FROM refs WHERE name = ?"
			    : "SELECT name, n, d, created, version FROM refs "
			      "WHERE name = ?",
		    &q, errbuf))
		return STORE_ERR;
	sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
	memset(r, 0, sizeof *r);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		snprintf(r->name, sizeof r->name, "%s",
			 (const char *)sqlite3_column_text(q, 0));
		r->n = sqlite3_column_double(q, 1);
		r->d = sqlite3_column_int64(q, 2);
		r->created = sqlite3_column_double(q, 3);
		r->version = sqlite3_column_int64(q, 4);
		ret = STORE_OK;
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
	} else if (rc != SQLITE_DONE) {
		ret = db_error(st, rc, errbuf);
	}
	sqlite3_finalize(q);
	return ret;
}

int store_ref_list(store *st, json_t **out, char *errbuf)
{
	sqlite3_stmt *q;
	int rc;
	if (prepare(st, "SELECT name, n, d, created FROM refs ORDER BY name",
		    &q, errbuf))
		return STORE_ERR;
	json_t *arr = json_array();
	while ((rc = sqlite3_step(q)) == SQLITE_ROW)
		json_array_append_new(
			arr, json_pack("{s:s, s:f, s:I, s:f}", "name",
				       (const char *)sqlite3_column_text(q, 0),
				       "n", sqlite3_column_double(q, 1), "d",
				       (json_int_t)sqlite3_column_int64(q, 2),
				       "created", sqlite3_column_double(q, 3)));
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE) {
		json_decref(arr);
		return db_error(st, rc, errbuf);
	}
	*out = json_pack("{s:o}", "references", arr);
	return STORE_OK;
}

static int delete_where(store *st, const char *sql, const char *key,
			char *errbuf)
{
	sqlite3_stmt *q;
	if (prepare(st, sql, &q, errbuf))
		return STORE_ERR;
	sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
	int r = step_done(st, q, errbuf);
	if (r == STORE_OK && sqlite3_changes(st->db) == 0)
		r = STORE_NOTFOUND;
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
	pthread_mutex_lock(&st->idmu);
	snprintf(id, 33, "%016llx%016llx",
		 (unsigned long long)evald_rng_next(&st->rng),
		 (unsigned long long)evald_rng_next(&st->rng));
	pthread_mutex_unlock(&st->idmu);
	double *zeros = calloc((size_t)(d * d + 1), sizeof(double));
	if (!zeros) {
		snprintf(errbuf, 256, "store: out of memory");
		return STORE_ERR;
	}
	if (prepare(st,
		    "INSERT INTO streams(id, d, n, created, updated, mean, "
		    "comoment) VALUES (?, ?, 0, ?, ?, ?, ?)",
		    &q, errbuf)) {
		free(zeros);
		return STORE_ERR;
	}
	sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, d);
	sqlite3_bind_double(q, 3, t);
	sqlite3_bind_double(q, 4, t);
	sqlite3_bind_blob64(q, 5, zeros, (sqlite3_uint64)d * sizeof(double),
			    SQLITE_STATIC);
	sqlite3_bind_blob64(q, 6, zeros, (sqlite3_uint64)d * d * sizeof(double),
			    SQLITE_STATIC);
	int r = step_done(st, q, errbuf);
	free(zeros);
	return r;
}

int store_stream_get(store *st, const char *id, int with_moments,
		     store_stream *s, char *errbuf)
{
	sqlite3_stmt *q;
	int rc, ret = STORE_NOTFOUND;
	if (prepare(st,
		    with_moments ? "SELECT id, d, n, created, updated, mean, "
				   "comoment FROM streams WHERE id = ?"
				 : "SELECT id, d, n, created, updated FROM "
				   "streams WHERE id = ?",
		    &q, errbuf))
		return STORE_ERR;
	sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
	memset(s, 0, sizeof *s);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		snprintf(s->id, sizeof s->id, "%s",
			 (const char *)sqlite3_column_text(q, 0));
		s->d = sqlite3_column_int64(q, 1);
		s->n = sqlite3_column_double(q, 2);
		s->created = sqlite3_column_double(q, 3);
		s->updated = sqlite3_column_double(q, 4);
		ret = STORE_OK;
		if (with_moments) {
			s->mean = blob_copy(q, 5, s->d);
			s->comoment = blob_copy(q, 6, s->d * s->d);
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
	} else if (rc != SQLITE_DONE) {
		ret = db_error(st, rc, errbuf);
	}
	sqlite3_finalize(q);
	return ret;
}

int store_stream_put(store *st, const store_stream *s, char *errbuf)
{
	sqlite3_stmt *q;
	if (prepare(st,
		    "UPDATE streams SET n = ?, updated = ?, mean = ?, "
		    "comoment = ? WHERE id = ?",
		    &q, errbuf))
		return STORE_ERR;
	sqlite3_bind_double(q, 1, s->n);
	sqlite3_bind_double(q, 2, now_s());
	sqlite3_bind_blob64(q, 3, s->mean,
			    (sqlite3_uint64)s->d * sizeof(double),
			    SQLITE_STATIC);
	sqlite3_bind_blob64(q, 4, s->comoment,
			    (sqlite3_uint64)s->d * s->d * sizeof(double),
			    SQLITE_STATIC);
	sqlite3_bind_text(q, 5, s->id, -1, SQLITE_STATIC);
	int r = step_done(st, q, errbuf);
	if (r == STORE_OK && sqlite3_changes(st->db) == 0)
		r = STORE_NOTFOUND;
	return r;
}

int store_stream_delete(store *st, const char *id, char *errbuf)
{
	return delete_where(st, "DELETE FROM streams WHERE id = ?", id, errbuf);
}
