/* test_store.c - the store's schema migrations and reference versions,
 * below HTTP: a database left by an older evald opens, migrates and keeps
 * its rows; one from a newer evald is refused with a clear message. */
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
	const char *files[] = {"evald.db", "evald.db-wal", "evald.db-shm"};
	for (size_t i = 0; i < 3; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
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
	return tap_done();
}
