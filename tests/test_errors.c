/* test_errors.c - the error table against the contract: every code in
 * src/svc/verr.c is listed in docs/api.md's "Errors" table under its own
 * status, every code listed there exists with that status, and wherever
 * the docs say "<status> <code>" the status is the table's. */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "verr.h"

static char *slurp(const char *name)
{
	const char *root = getenv("top_srcdir");
	char path[4096];
	FILE *f;
	char *buf = NULL;
	long n;

	snprintf(path, sizeof path, "%s/%s", root ? root : ".", name);
	if (!(f = fopen(path, "rb")))
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n + 1))) {
		if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		} else {
			buf[n] = '\0';
		}
	}
	fclose(f);
	return buf;
}

static const verr_def *by_name(const char *name, size_t len)
{
	for (int i = 0; i < E__COUNT; i++)
		if (strlen(verr_table[i].name) == len &&
		    !strncmp(verr_table[i].name, name, len))
			return &verr_table[i];
	return NULL;
}

static int snake(const char *s)
{
	if (!s || !*s)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '_'))
			return 0;
	return 1;
}

static void check_table(void)
{
	int ok = 1;
	for (int i = 0; i < E__COUNT; i++) {
		const verr_def *d = &verr_table[i];
		int want_ra = d->status == 503;
		if ((int)d->code != i || !snake(d->name) || d->status < 400 ||
		    d->status > 599 || (d->retry_after > 0) != want_ra) {
			tap_diag("row %d (%s): code %d status %d retry %d", i,
				 d->name ? d->name : "(none)", (int)d->code,
				 d->status, d->retry_after);
			ok = 0;
			continue;
		}
		for (int j = 0; j < i; j++)
			if (!strcmp(verr_table[j].name, d->name)) {
				tap_diag("%s is in the table twice", d->name);
				ok = 0;
			}
	}
	tap_ok(ok, "every row is filled, in enum order, named once, with a "
		   "4xx/5xx status and Retry-After exactly on the 503s");
}

static void check_set(void)
{
	int ok = 1;
	verr e;
	for (int i = 0; i < E__COUNT; i++) {
		verr_set(&e, (verr_code)i, "/p", "m%d", i);
		if (e.id != (verr_code)i || e.status != verr_table[i].status ||
		    strcmp(e.code, verr_table[i].name) ||
		    e.retry_after != verr_table[i].retry_after) {
			tap_diag("verr_set(%s) gave %d %s", verr_table[i].name,
				 e.status, e.code);
			ok = 0;
		}
	}
	tap_ok(ok, "verr_set takes status, name and Retry-After from the "
		   "table");

	evald_err le = {0};
	le.code = EVALD_ELIMIT;
	verr_from_lib(&e, &le, "");
	tap_ok(e.id == E_TOO_LARGE && e.status == 413,
	       "a library limit is 413 too_large (got %d %s)", e.status,
	       e.code);
	le.code = EVALD_ECANCEL;
	verr_from_lib(&e, &le, "");
	tap_ok(e.id == E_CANCELLED, "a library cancel is cancelled");
	le.code = EVALD_ENOMEM;
	verr_from_lib(&e, &le, "");
	tap_ok(e.status == 503 && e.retry_after > 0,
	       "a library out-of-memory is 503 with Retry-After");
}

/* docs/api.md, "## Errors": rows "| 413 | `a`, `b` | when |". */
static void check_api_table(const char *doc)
{
	int listed[E__COUNT] = {0};
	int ok = 1, rows = 0;
	const char *p = strstr(doc, "\n## Errors\n");
	const char *end = p ? strstr(p + 1, "\n## ") : NULL;

	tap_ok(p != NULL, "docs/api.md has an Errors section");
	if (!p)
		return;
	if (!end)
		end = p + strlen(p);
	while ((p = strchr(p + 1, '\n')) && p < end) {
		const char *line = p + 1, *eol = strchr(line, '\n');
		int status;
		if (!eol)
			eol = line + strlen(line);
		if (sscanf(line, "| %3d |", &status) != 1 || status < 100)
			continue;
		rows++;
		const char *c = strchr(line + 1, '|') + 1;
		const char *ce = memchr(c, '|', (size_t)(eol - c));
		if (!ce) {
			tap_diag("row %d has no codes column", status);
			ok = 0;
			continue;
		}
		while ((c = memchr(c, '`', (size_t)(ce - c))) != NULL) {
			const char *q =
				memchr(c + 1, '`', (size_t)(ce - c - 1));
			if (!q)
				break;
			const verr_def *d = by_name(c + 1, (size_t)(q - c - 1));
			if (!d) {
				tap_diag("%d `%.*s`: no such code in the table",
					 status, (int)(q - c - 1), c + 1);
				ok = 0;
			} else if (d->status != status) {
				tap_diag("%s is listed under %d; the table "
					 "says %d",
					 d->name, status, d->status);
				ok = 0;
			} else if (listed[d->code]++) {
				tap_diag("%s is listed twice", d->name);
				ok = 0;
			}
			c = q + 1;
		}
	}
	tap_ok(rows > 0 && ok,
	       "every code docs/api.md lists exists, under its status, once "
	       "(%d rows)",
	       rows);
	ok = 1;
	for (int i = 0; i < E__COUNT; i++)
		if (!listed[i]) {
			tap_diag("%s (%d) is not in docs/api.md's table",
				 verr_table[i].name, verr_table[i].status);
			ok = 0;
		}
	tap_ok(ok, "every code in the table is listed in docs/api.md");
}

/* Prose and limit tables: "413 `too_large`", "422 too_large", "`413
 * too_large`" - wherever a status is followed by a code, it is the
 * code's. */
static void check_mentions(const char *name)
{
	char *doc = slurp(name);
	regex_t re;
	regmatch_t m[3];
	int ok = 1, seen = 0;
	const char *p;

	if (!doc) {
		tap_ok(0, "%s can be read", name);
		return;
	}
	if (regcomp(&re, "([45][0-9][0-9])[[:space:]]+`?([a-z][a-z_]*)",
		    REG_EXTENDED)) {
		tap_ok(0, "the pattern compiles");
		free(doc);
		return;
	}
	for (p = doc; !regexec(&re, p, 3, m, 0); p += m[0].rm_eo) {
		const verr_def *d = by_name(p + m[2].rm_so,
					    (size_t)(m[2].rm_eo - m[2].rm_so));
		int status = atoi(p + m[1].rm_so);
		if (!d)
			continue;
		seen++;
		if (d->status != status) {
			tap_diag("%s says %d %s; the table says %d", name,
				 status, d->name, d->status);
			ok = 0;
		}
	}
	regfree(&re);
	free(doc);
	tap_ok(ok,
	       "%s gives each code it names with a status the table's "
	       "(%d mentions)",
	       name, seen);
}

int main(void)
{
	static const char *docs[] = {"docs/api.md", "docs/operations.md",
				     "docs/metrics.md", "docs/evald.8"};
	char *api;

	check_table();
	check_set();
	api = slurp("docs/api.md");
	tap_ok(api != NULL, "docs/api.md can be read");
	if (api)
		check_api_table(api);
	free(api);
	for (size_t i = 0; i < sizeof docs / sizeof *docs; i++)
		check_mentions(docs[i]);
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}
