/* test_store.c - the store's schema migrations and reference versions,
 * below HTTP: a database left by an older evald opens, migrates and keeps
 * its rows (references and streams written by the schema of their day,
 * read back as named moments); one from a newer evald is refused with a
 * clear message.  Also the directory lock, refusals past SQLite's value
 * limit, random stream ids, and store_moments_update's transaction; and
 * datasets: a put read back byte for byte, listed, replaced with a new
 * version and deleted, in a database migrated from an old schema. */
#include <pthread.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store.h"
#include "tap.h"

static int sql(const char *dir, const char *text)
{
	char path[300];
	sqlite3 *db;
	snprintf(path, sizeof path, "%s/evald.db", dir);
	if (sqlite3_open(path, &db) != SQLITE_OK)
		return -1;
	int rc = sqlite3_exec(db, text, NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		tap_diag("%s: %s", text, sqlite3_errmsg(db));
	sqlite3_close(db);
	return rc == SQLITE_OK ? 0 : -1;
}

/* The schema before named moments, as evald's migrations 0 -> 1 and
 * 1 -> 2 left it: a fixture of its own, so the test holds the migration
 * to what older evalds wrote, not to store.c's copy of it. */
static const char *const old_schema[] = {
	"CREATE TABLE series_points (id INTEGER PRIMARY KEY, series TEXT NOT "
	"NULL, step INTEGER, labels TEXT, value REAL, ts REAL NOT NULL);"
	"CREATE INDEX series_points_by_series ON series_points(series, id);"
	"CREATE TABLE refs (name TEXT PRIMARY KEY, n REAL NOT NULL, d INTEGER "
	"NOT NULL, created REAL NOT NULL, mu BLOB NOT NULL, sigma BLOB NOT "
	"NULL);"
	"CREATE TABLE streams (id TEXT PRIMARY KEY, d INTEGER NOT NULL, n REAL "
	"NOT NULL, created REAL NOT NULL, updated REAL NOT NULL, mean BLOB NOT "
	"NULL, comoment BLOB NOT NULL);",
	"ALTER TABLE refs ADD COLUMN version INTEGER NOT NULL DEFAULT 0;",
};

#define S1 "0123456789abcdef0123456789abcdef"
#define S2 "fedcba9876543210fedcba9876543210"

static const double mu2[2] = {1, 2}, sigma2[4] = {2, 0.5, 0.5, 1};
static const double mean2[2] = {3, 4}, com2[4] = {6, 1, 1, 5};

/* Run sql with its ? bound to text, doubles and 2- and 4-double blobs as
 * fmt says ('t', 'f', 'm', 'M'; 'e' an empty blob). */
static int row(sqlite3 *db, const char *sql, const char *fmt, ...)
{
	sqlite3_stmt *q;
	va_list ap;
	int rc, i = 1;
	if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK)
		return -1;
	va_start(ap, fmt);
	for (const char *f = fmt; *f; f++, i++) {
		if (*f == 't')
			sqlite3_bind_text(q, i, va_arg(ap, const char *), -1,
					  SQLITE_STATIC);
		else if (*f == 'f')
			sqlite3_bind_double(q, i, va_arg(ap, double));
		else if (*f == 'e')
			sqlite3_bind_zeroblob(q, i, 0);
		else
			sqlite3_bind_blob(q, i, va_arg(ap, const double *),
					  (*f == 'm' ? 2 : 4) * sizeof(double),
					  SQLITE_STATIC);
	}
	va_end(ap);
	rc = sqlite3_step(q);
	if (rc != SQLITE_DONE)
		tap_diag("%s: %s", sql, sqlite3_errmsg(db));
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* A database in dir at schema `version` (1 or 2) with rows in every
 * table: references with an integral n, a stats file's n = 0, and n
 * values only rows from before n was checked have; streams with data
 * and a fresh one (empty blobs). */
static int make_old(const char *dir, int version)
{
	char path[300], uv[40];
	sqlite3 *db;
	int bad = 0;
	const char *ref = version == 1
				  ? "INSERT INTO refs(name, n, d, created, mu, "
				    "sigma) VALUES (?, ?, 2, ?, ?, ?)"
				  : "INSERT INTO refs(name, n, d, created, mu, "
				    "sigma, version) VALUES (?, ?, 2, ?, ?, ?, "
				    "12345)";
	const char *stream = "INSERT INTO streams(id, d, n, created, updated, "
			     "mean, comoment) VALUES (?, 2, ?, ?, ?, ?, ?)";

	snprintf(path, sizeof path, "%s/evald.db", dir);
	if (sqlite3_open(path, &db) != SQLITE_OK)
		return -1;
	for (int v = 0; v < version; v++)
		bad |= sqlite3_exec(db, old_schema[v], NULL, NULL, NULL);
	snprintf(uv, sizeof uv, "PRAGMA user_version=%d", version);
	bad |= sqlite3_exec(db, uv, NULL, NULL, NULL);
	bad |= sqlite3_exec(db,
			    "INSERT INTO series_points(series, step, value, "
			    "ts) VALUES ('loss', 3, 0.5, 100)",
			    NULL, NULL, NULL);
	bad |= row(db, ref, "tffmM", "a", 2000.0, 1700000000.25, mu2, sigma2);
	bad |= row(db, ref, "tffmM", "npz", 0.0, 1.5, mu2, sigma2);
	bad |= row(db, ref, "tffmM", "odd", 2.5, 2.5, mu2, sigma2);
	bad |= row(db, ref, "tffmM", "wild", 1e300, 3.5, mu2, sigma2);
	bad |= row(db, stream, "tfffmM", S1, 7.0, 10.5, 20.25, mean2, com2);
	bad |= row(db, stream, "tfffee", S2, 0.0, 30.5, 30.5);
	sqlite3_close(db);
	return bad ? -1 : 0;
}

static int names_add(void *ctx, const store_moments *m)
{
	strcat(ctx, m->name);
	strcat(ctx, m->kind == STORE_STREAM ? "(s) " : " ");
	return 0;
}

static int first_point(void *ctx, const store_point *p)
{
	*(store_point *)ctx = *p;
	((store_point *)ctx)->labels = NULL;
	return 1;
}

/* Every value of a schema-2 database survives the move to named
 * moments: n, d, data, times and versions. */
static void test_migration(const char *dir)
{
	char errbuf[256], names[400] = "";
	store *st = NULL;
	store_moments m;
	store_point p = {0};
	int rc;

	tap_ok(make_old(dir, 2) == 0, "a schema-2 database with references, "
				      "streams and a series");
	errbuf[0] = '\0';
	rc = store_open(dir, &st, errbuf);
	tap_ok(rc == STORE_OK, "it opens and migrates %s", errbuf);
	if (rc != STORE_OK)
		return;
	rc = store_moments_get(st, STORE_REFERENCE, "a", 1, &m, errbuf);
	tap_ok(rc == STORE_OK && m.kind == STORE_REFERENCE && m.n == 2000 &&
		       m.d == 2 && m.created == 1700000000.25 &&
		       m.updated == m.created && m.version == 12345 && m.mean &&
		       !memcmp(m.mean, mu2, sizeof mu2) && m.second &&
		       !memcmp(m.second, sigma2, sizeof sigma2),
	       "a reference keeps n (now an integer), d, mu, sigma, created "
	       "and its version (rc %d, n %lld, version %lld)",
	       rc, (long long)m.n, (long long)m.version);
	free(m.mean);
	free(m.second);
	tap_ok(store_moments_get(st, STORE_REFERENCE, "npz", 0, &m, errbuf) ==
			       STORE_OK &&
		       m.n == 0,
	       "a reference from a stats file keeps n = 0");
	tap_ok(store_moments_get(st, STORE_REFERENCE, "odd", 0, &m, errbuf) ==
			       STORE_OK &&
		       m.n == 2,
	       "an unchecked n = 2.5 keeps the 2 it was shown as");
	tap_ok(store_moments_get(st, STORE_REFERENCE, "wild", 0, &m, errbuf) ==
			       STORE_OK &&
		       m.n == 0,
	       "an unchecked n = 1e300 keeps the 0 (unknown) it was shown as");
	rc = store_moments_get(st, STORE_STREAM, S1, 1, &m, errbuf);
	tap_ok(rc == STORE_OK && m.kind == STORE_STREAM && m.n == 7 &&
		       m.d == 2 && m.created == 10.5 && m.updated == 20.25 &&
		       m.mean && !memcmp(m.mean, mean2, sizeof mean2) &&
		       m.second && !memcmp(m.second, com2, sizeof com2),
	       "a stream keeps n, d, mean, comoment, created and updated");
	free(m.mean);
	free(m.second);
	rc = store_moments_get(st, STORE_STREAM, S2, 1, &m, errbuf);
	tap_ok(rc == STORE_OK && m.n == 0 && m.d == 2 && m.mean && m.second &&
		       m.mean[1] == 0 && m.second[3] == 0 && m.created == 30.5,
	       "a fresh stream's empty moments read back as zeros");
	free(m.mean);
	free(m.second);
	tap_ok(store_moments_list(st, STORE_REFERENCE, names_add, names,
				  errbuf) == STORE_OK &&
		       store_moments_list(st, STORE_STREAM, names_add, names,
					  errbuf) == STORE_OK &&
		       !strcmp(names, "a npz odd wild " S1 "(s) " S2 "(s) "),
	       "each kind lists its own, in name order: %s", names);
	tap_ok(store_series_points(st, "loss", -1, 10, first_point, &p,
				   errbuf) == STORE_OK &&
		       p.has_step && p.step == 3 && p.value == 0.5,
	       "the series is untouched");
	store_close(st);
	tap_ok(sql(dir, "SELECT * FROM refs") != 0 &&
		       sql(dir, "SELECT * FROM streams") != 0,
	       "the old tables are gone (the errors above are expected)");
	tap_ok(store_open(dir, &st, errbuf) == STORE_OK,
	       "a migrated database opens again");
	store_close(st);
}

static void cleanup(const char *dir)
{
	char path[300];
	const char *files[] = {"evald.db", "evald.db-wal", "evald.db-shm",
			       "lock"};
	for (size_t i = 0; i < 4; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
}

static int add_one(void *ctx, store_moments *s)
{
	(void)ctx;
	s->n += 1;
	s->mean[0] += 1;
	return 0;
}

static int refuse(void *ctx, store_moments *s)
{
	s->n = 1000000000; /* must not reach the disk */
	*(int *)ctx = 1;
	return 1;
}

typedef struct updater {
	store *st;
	const char *id;
	int fails;
} updater;

static void *update_many(void *arg)
{
	updater *u = arg;
	char errbuf[256];
	for (int i = 0; i < 200; i++)
		if (store_moments_update(u->st, STORE_STREAM, u->id, add_one,
					 NULL, errbuf))
			u->fails++;
	return NULL;
}

/* Two stores on one directory, values past the limit, stream ids and
 * concurrent updates, on a fresh store in dir. */
static void test_ownership(const char *dir)
{
	char errbuf[256], want[64], path[300];
	store *st = NULL, *st2 = NULL;

	tap_ok(store_open(dir, &st, errbuf) == STORE_OK, "a store opens");
	errbuf[0] = '\0';
	snprintf(want, sizeof want, "in use by evald pid %ld", (long)getpid());
	tap_ok(store_open(dir, &st2, errbuf) == STORE_BUSY && !st2 &&
		       strstr(errbuf, want),
	       "a second open of the same directory is refused, naming the "
	       "holder: %s",
	       errbuf);

	/* d = 11200: sigma is 1.0035e9 bytes, past SQLite's default 1e9.
	 * The bind refuses it by size before reading the buffer. */
	int64_t d = 11200;
	double *mu = calloc((size_t)d, sizeof(double)), sigma1 = 0;
	store_moments big = {.kind = STORE_REFERENCE,
			     .name = "big",
			     .n = 3,
			     .d = d,
			     .mean = mu,
			     .second = &sigma1};
	int rc = store_moments_put(st, &big, errbuf);
	tap_ok(rc == STORE_TOOBIG && strstr(errbuf, "limit"),
	       "a reference past the store's value limit is STORE_TOOBIG "
	       "(rc %d): %s",
	       rc, errbuf);
	free(mu);
	store_moments got;
	tap_ok(store_moments_get(st, STORE_REFERENCE, "big", 0, &got, errbuf) ==
		       STORE_NOTFOUND,
	       "and nothing was written");

	store_moments s1 = {.kind = STORE_STREAM, .d = 2},
		      s2 = {.kind = STORE_STREAM, .d = 2};
	tap_ok(store_moments_create(st, &s1, errbuf) == STORE_OK &&
		       store_moments_create(st, &s2, errbuf) == STORE_OK,
	       "two streams are created");
	const char *id1 = s1.name, *id2 = s2.name;
	tap_ok(strlen(id1) == 32 && strspn(id1, "0123456789abcdef") == 32 &&
		       strcmp(id1, id2),
	       "stream ids are 32 hex characters and distinct (%s, %s)", id1,
	       id2);

	int called = 0;
	store_moments s;
	tap_ok(store_moments_update(st, STORE_STREAM, id1, refuse, &called,
				    errbuf) == STORE_ABORTED &&
		       called &&
		       store_moments_get(st, STORE_STREAM, id1, 0, &s,
					 errbuf) == 0 &&
		       s.n == 0,
	       "a refused update leaves the stream as it was");
	tap_ok(store_moments_update(st, STORE_STREAM, "nosuch", add_one, NULL,
				    errbuf) == STORE_NOTFOUND,
	       "an update of an unknown stream is STORE_NOTFOUND");
	tap_ok(store_moments_update(st, STORE_REFERENCE, id1, add_one, NULL,
				    errbuf) == STORE_NOTFOUND,
	       "a stream is not a reference: the kinds are namespaces");

	/* Eight threads, 200 updates each, on one stream: none is lost. */
	pthread_t th[8];
	updater u[8];
	for (int i = 0; i < 8; i++) {
		u[i] = (updater){st, id1, 0};
		pthread_create(&th[i], NULL, update_many, &u[i]);
	}
	int fails = 0;
	for (int i = 0; i < 8; i++) {
		pthread_join(th[i], NULL);
		fails += u[i].fails;
	}
	rc = store_moments_get(st, STORE_STREAM, id1, 1, &s, errbuf);
	tap_ok(rc == 0 && fails == 0 && s.n == 1600 && s.mean &&
		       s.mean[0] == 1600,
	       "1600 concurrent updates all count (n = %lld, %d failed)",
	       (long long)s.n, fails);
	free(s.mean);
	free(s.second);
	store_close(st);
	tap_ok(store_open(dir, &st, errbuf) == STORE_OK,
	       "after close the directory opens again");
	store_close(st);

	/* A data dir that is a file: the message says which path and why. */
	snprintf(path, sizeof path, "%s/evald.db", dir);
	errbuf[0] = '\0';
	tap_ok(store_open(path, &st, errbuf) == STORE_ERR &&
		       strstr(errbuf, path) &&
		       strstr(errbuf, "Not a directory"),
	       "an unusable directory is refused with path and reason: %s",
	       errbuf);
}

/* store_open picks the backend by the URL alone; a URL is logged without
 * its password. */
static void test_urls(const char *dir)
{
	char errbuf[256], sq[64], shown[256];
	store *st = NULL;

	tap_ok(store_url_dir("sqlite:/a/b") &&
		       !strcmp(store_url_dir("sqlite:/a/b"), "/a/b") &&
		       !strcmp(store_url_dir("var"), "var") &&
		       !store_url_dir("postgresql:///x") &&
		       !store_url_dir("postgres://h/x"),
	       "sqlite:DIR and a plain DIR are directories, PostgreSQL "
	       "URLs are not");
	snprintf(sq, sizeof sq, "sqlite:%s", dir);
	tap_ok(store_open(sq, &st, errbuf) == STORE_OK && st &&
		       store_ping(st, errbuf) == STORE_OK,
	       "sqlite:DIR opens the embedded store, which is ready");
	store_close(st);
	errbuf[0] = '\0';
	tap_ok(store_open("mysql://h/x", &st, errbuf) == STORE_ERR && !st &&
		       strstr(errbuf, "unknown store URL scheme"),
	       "an unknown scheme is refused: %s", errbuf);
	errbuf[0] = '\0';
	tap_ok(store_open("postgresql:///x?nosuchparameter=1", &st, errbuf) ==
			       STORE_ERR &&
		       !st && strstr(errbuf, "nosuchparameter"),
	       "a URL libpq cannot parse is refused at once: %s", errbuf);
	store_url_redact("postgresql://evald:s3cret@db:5432/x?sslmode=require",
			 shown, sizeof shown);
	tap_ok(!strcmp(shown,
		       "postgresql://evald:***@db:5432/x?sslmode=require"),
	       "a password is not shown: %s", shown);
	store_url_redact("postgresql:///x?user=e&password=pw&host=/s", shown,
			 sizeof shown);
	tap_ok(!strcmp(shown, "postgresql:///x?user=e&password=***&host=/s"),
	       "nor one in the query: %s", shown);
	store_url_redact("postgres://evald@db/x", shown, sizeof shown);
	tap_ok(!strcmp(shown, "postgres://evald@db/x"),
	       "a URL without one is shown as is");
}

static char *fresh_dir(char *dir)
{
	strcpy(dir, "/tmp/evald-store-XXXXXX");
	return mkdtemp(dir);
}

static int dataset_names(void *ctx, const store_dataset *d)
{
	strcat(ctx, d->name);
	strcat(ctx, " ");
	return 0;
}

/* dir holds a store (a migrated one): datasets round-trip through it. */
static void test_datasets(const char *dir)
{
	char errbuf[256], names[64] = "";
	double age[3] = {31, 0.0 / 0.0, 60};
	int32_t code[3] = {1, -1, 0};
	char dict[] = "free\0pro";
	store_dcol cols[2] = {{.name = "age",
			       .type = 1,
			       .strings = 0,
			       .n_missing = 1,
			       .data = age,
			       .data_bytes = sizeof age},
			      {.name = "plan",
			       .type = 0,
			       .strings = 1,
			       .n_missing = 1,
			       .data = code,
			       .data_bytes = sizeof code,
			       .dict = dict,
			       .dict_bytes = sizeof dict}};
	store_dataset d = {.name = "signups",
			   .n_rows = 5,
			   .n_kept = 3,
			   .max_rows = 3,
			   .seed = (uint64_t)1 << 63,
			   .sampled = 1,
			   .ncols = 2,
			   .bytes = 45,
			   .cols = cols},
		      got;
	store *st = NULL;

	if (store_open(dir, &st, errbuf) != STORE_OK) {
		tap_ok(0, "the migrated store opens for datasets: %s", errbuf);
		return;
	}
	tap_ok(store_dataset_put(st, &d, errbuf) == STORE_OK && d.version > 0 &&
		       d.version < ((int64_t)1 << 53),
	       "a dataset put gets a version within 53 bits");
	int64_t v1 = d.version;
	int rc = store_dataset_get(st, "signups", 1, &got, errbuf);
	tap_ok(rc == STORE_OK && got.version == v1 && got.n_rows == 5 &&
		       got.n_kept == 3 && got.seed == (uint64_t)1 << 63 &&
		       got.sampled && got.ncols == 2 && got.bytes == 45,
	       "its metadata reads back, the uint64 seed included");
	tap_ok(rc == STORE_OK && !strcmp(got.cols[0].name, "age") &&
		       got.cols[0].type == 1 &&
		       got.cols[0].data_bytes == sizeof age &&
		       !memcmp(got.cols[0].data, age, sizeof age) &&
		       !strcmp(got.cols[1].name, "plan") &&
		       got.cols[1].strings == 1 && got.cols[1].n_missing == 1 &&
		       got.cols[1].dict_bytes == sizeof dict &&
		       !memcmp(got.cols[1].dict, dict, sizeof dict) &&
		       !memcmp(got.cols[1].data, code, sizeof code),
	       "its columns read back byte for byte, in order");
	store_dataset_free(&got);
	rc = store_dataset_get(st, "signups", 0, &got, errbuf);
	tap_ok(rc == STORE_OK && got.cols && got.cols[1].name &&
		       !got.cols[1].data && !got.cols[1].dict,
	       "without data: the columns' names and types only");
	store_dataset_free(&got);
	snprintf(d.name, sizeof d.name, "a-first");
	d.ncols = 1;
	store_dataset_put(st, &d, errbuf);
	tap_ok(store_dataset_list(st, dataset_names, names, errbuf) ==
			       STORE_OK &&
		       !strcmp(names, "a-first signups "),
	       "the list is in name order: %s", names);
	snprintf(d.name, sizeof d.name, "signups");
	tap_ok(store_dataset_put(st, &d, errbuf) == STORE_OK &&
		       d.version != v1 &&
		       store_dataset_get(st, "signups", 1, &got, errbuf) ==
			       STORE_OK &&
		       got.ncols == 1,
	       "a put replaces the dataset with a new version");
	store_dataset_free(&got);
	tap_ok(store_dataset_delete(st, "signups", errbuf) == STORE_OK &&
		       store_dataset_get(st, "signups", 0, &got, errbuf) ==
			       STORE_NOTFOUND &&
		       store_dataset_delete(st, "signups", errbuf) ==
			       STORE_NOTFOUND,
	       "a delete drops it; a second is STORE_NOTFOUND");
	store_close(st);
}

int main(void)
{
	char dir[32], errbuf[256];
	double mu[2] = {1, 2}, sigma[4] = {2, 0.5, 0.5, 1};
	store *st = NULL;
	store_moments r = {.kind = STORE_REFERENCE,
			   .name = "a",
			   .n = 10,
			   .d = 2,
			   .mean = mu,
			   .second = sigma},
		      got;

	if (!fresh_dir(dir)) {
		tap_ok(0, "temporary directory");
		return tap_done();
	}
	tap_ok(store_open(dir, &st, errbuf) == STORE_OK, "a new store opens");
	tap_ok(store_moments_put(st, &r, errbuf) == STORE_OK && r.version != 0,
	       "a put gets a non-zero version");
	int64_t v1 = r.version;
	tap_ok(store_moments_get(st, STORE_REFERENCE, "a", 0, &got, errbuf) ==
			       STORE_OK &&
		       got.version == v1 && got.n == 10,
	       "the version is read back");
	store_moments_put(st, &r, errbuf);
	tap_ok(r.version != v1, "a replacing put gets a new version");
	store_close(st);
	cleanup(dir);

	/* The schema as evald 1 left it: no version column. */
	if (!fresh_dir(dir)) {
		tap_ok(0, "temporary directory");
		return tap_done();
	}
	tap_ok(make_old(dir, 1) == 0, "a schema-1 database");
	tap_ok(store_open(dir, &st, errbuf) == STORE_OK,
	       "a schema-1 database opens and migrates");
	memset(&got, 0, sizeof got);
	int rc = st ? store_moments_get(st, STORE_REFERENCE, "a", 1, &got,
					errbuf)
		    : STORE_ERR;
	tap_ok(rc == STORE_OK && got.version == 0 && got.d == 2 && got.mean &&
		       got.mean[1] == 2 && got.second && got.second[1] == 0.5,
	       "its references survive, with version 0");
	free(got.mean);
	free(got.second);
	store_close(st);

	tap_ok(sql(dir, "PRAGMA user_version=99;") == 0,
	       "pretend a newer evald");
	errbuf[0] = '\0';
	tap_ok(store_open(dir, &st, errbuf) != STORE_OK &&
		       strstr(errbuf, "newer than this evald"),
	       "a newer schema is refused: %s", errbuf);
	cleanup(dir);

	if (!fresh_dir(dir)) {
		tap_ok(0, "temporary directory");
		return tap_done();
	}
	test_migration(dir);
	test_datasets(dir);
	cleanup(dir);

	if (!fresh_dir(dir)) {
		tap_ok(0, "temporary directory");
		return tap_done();
	}
	test_ownership(dir);
	cleanup(dir);

	if (!fresh_dir(dir)) {
		tap_ok(0, "temporary directory");
		return tap_done();
	}
	test_urls(dir);
	cleanup(dir);
	return tap_done();
}
