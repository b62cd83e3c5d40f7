/* test_store.c - the store's schema migrations and reference versions,
 * below HTTP: a database left by an older evald opens, migrates and keeps
 * its rows; one from a newer evald is refused with a clear message.  Also
 * the directory lock, refusals past SQLite's value limit, random stream
 * ids, and store_stream_update's transaction. */
#include <pthread.h>
#include <sqlite3.h>
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

static int add_one(void *ctx, store_stream *s)
{
	(void)ctx;
	s->n += 1;
	s->mean[0] += 1;
	return 0;
}

static int refuse(void *ctx, store_stream *s)
{
	s->n = 1e9; /* must not reach the disk */
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
		if (store_stream_update(u->st, u->id, add_one, NULL, errbuf))
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
	store_ref big = {
		.name = "big", .n = 3, .d = d, .mu = mu, .sigma = &sigma1};
	int rc = store_ref_put(st, &big, errbuf);
	tap_ok(rc == STORE_TOOBIG && strstr(errbuf, "limit"),
	       "a reference past the store's value limit is STORE_TOOBIG "
	       "(rc %d): %s",
	       rc, errbuf);
	free(mu);
	store_ref got;
	tap_ok(store_ref_get(st, "big", 0, &got, errbuf) == STORE_NOTFOUND,
	       "and nothing was written");

	char id1[33], id2[33];
	tap_ok(store_stream_create(st, 2, id1, errbuf) == STORE_OK &&
		       store_stream_create(st, 2, id2, errbuf) == STORE_OK,
	       "two streams are created");
	tap_ok(strlen(id1) == 32 && strspn(id1, "0123456789abcdef") == 32 &&
		       strcmp(id1, id2),
	       "stream ids are 32 hex characters and distinct (%s, %s)", id1,
	       id2);

	int called = 0;
	store_stream s;
	tap_ok(store_stream_update(st, id1, refuse, &called, errbuf) ==
			       STORE_ABORTED &&
		       called &&
		       store_stream_get(st, id1, 0, &s, errbuf) == 0 &&
		       s.n == 0,
	       "a refused update leaves the stream as it was");
	tap_ok(store_stream_update(st, "nosuch", add_one, NULL, errbuf) ==
		       STORE_NOTFOUND,
	       "an update of an unknown stream is STORE_NOTFOUND");

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
	rc = store_stream_get(st, id1, 1, &s, errbuf);
	tap_ok(rc == 0 && fails == 0 && s.n == 1600 && s.mean &&
		       s.mean[0] == 1600,
	       "1600 concurrent updates all count (n = %g, %d failed)", s.n,
	       fails);
	free(s.mean);
	free(s.comoment);
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

int main(void)
{
	char dir[] = "/tmp/evald-store-XXXXXX", errbuf[256];
	double mu[2] = {1, 2}, sigma[4] = {2, 0.5, 0.5, 1};
	store *st = NULL;
	store_ref r = {.name = "a", .n = 10, .d = 2, .mu = mu, .sigma = sigma},
		  got;

	if (!mkdtemp(dir)) {
		tap_ok(0, "temporary directory");
		return tap_done();
	}
	tap_ok(store_open(dir, &st, errbuf) == STORE_OK, "a new store opens");
	tap_ok(store_ref_put(st, &r, errbuf) == STORE_OK && r.version != 0,
	       "a put gets a non-zero version");
	int64_t v1 = r.version;
	tap_ok(store_ref_get(st, "a", 0, &got, errbuf) == STORE_OK &&
		       got.version == v1,
	       "the version is read back");
	store_ref_put(st, &r, errbuf);
	tap_ok(r.version != v1, "a replacing put gets a new version");
	store_close(st);

	/* The schema as evald 1 left it: no version column. */
	tap_ok(sql(dir, "ALTER TABLE refs DROP COLUMN version;"
			"PRAGMA user_version=1;"
			"INSERT INTO refs(name, n, d, created, mu, sigma) "
			"SELECT 'old', n, d, created, mu, sigma FROM refs "
			"WHERE name = 'a';") == 0,
	       "downgrade the database to schema 1");
	tap_ok(store_open(dir, &st, errbuf) == STORE_OK,
	       "a schema-1 database opens and migrates");
	memset(&got, 0, sizeof got);
	int rc = store_ref_get(st, "old", 1, &got, errbuf);
	tap_ok(rc == STORE_OK && got.version == 0 && got.d == 2 && got.mu &&
		       got.mu[1] == 2 && got.sigma && got.sigma[1] == 0.5,
	       "its references survive, with version 0");
	free(got.mu);
	free(got.sigma);
	store_close(st);

	tap_ok(sql(dir, "PRAGMA user_version=99;") == 0,
	       "pretend a newer evald");
	errbuf[0] = '\0';
	tap_ok(store_open(dir, &st, errbuf) != STORE_OK &&
		       strstr(errbuf, "newer than this evald"),
	       "a newer schema is refused: %s", errbuf);
	cleanup(dir);

	if (!mkdtemp(strcpy(dir, "/tmp/evald-store-XXXXXX"))) {
		tap_ok(0, "temporary directory");
		return tap_done();
	}
	test_ownership(dir);
	cleanup(dir);
	return tap_done();
}
