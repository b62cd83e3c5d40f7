/* migrate.c - evald --migrate-from: an embedded store copied into a
 * database server's store (store_import), then both read back through
 * store.h and compared by counts and checksums (migrate_sum), so what is
 * verified is what the target serves, not what was sent to it. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "migrate.h"

#define FNV_OFFSET 14695981039346656037ULL
#define FNV_PRIME  1099511628211ULL

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * FNV_PRIME;
	return h;
}

static uint64_t fnv_i64(uint64_t h, int64_t v)
{
	return fnv(h, &v, sizeof v);
}

/* Doubles by their bits: a copy must be exact, not close. */
static uint64_t fnv_f64(uint64_t h, double v)
{
	return fnv(h, &v, sizeof v);
}

/* A string with its terminator, so "ab"+"c" differs from "a"+"bc"; NULL
 * differs from "". */
static uint64_t fnv_str(uint64_t h, const char *s)
{
	h = fnv_i64(h, s != NULL);
	return s ? fnv(h, s, strlen(s) + 1) : h;
}

typedef struct point_sum {
	migrate_sum *sum;
	const char *series;
	int64_t index; /* in the series */
} point_sum;

static int sum_point(void *ctx, const store_point *p)
{
	point_sum *ps = ctx;
	uint64_t h = fnv_str(FNV_OFFSET, ps->series);
	h = fnv_i64(h, ps->index++);
	h = fnv_i64(h, p->has_step);
	h = fnv_i64(h, p->has_step ? p->step : 0);
	h = fnv_str(h, p->labels);
	h = fnv_i64(h, p->has_value);
	h = fnv_f64(h, p->has_value ? p->value : 0.0);
	h = fnv_f64(h, p->ts);
	ps->sum->points_hash += h;
	ps->sum->points++;
	if (p->has_value && isfinite(p->value))
		ps->sum->value_sum += p->value;
	return 0;
}

static int sum_moments(store *st, store_kind kind, migrate_sum *sum,
		       char *errbuf)
{
	store_names l = {0};
	store_moments m;
	int r;

	if ((r = store_names_moments(st, kind, &l, errbuf)))
		goto out;
	for (size_t i = 0; i < l.n && !l.oom; i++) {
		if ((r = store_moments_get(st, kind, l.v[i], 1, &m, errbuf)))
			goto out;
		uint64_t h = fnv_i64(FNV_OFFSET, m.kind);
		h = fnv_str(h, m.name);
		h = fnv_i64(h, m.n);
		h = fnv_i64(h, m.d);
		h = fnv_f64(h, m.created);
		h = fnv_f64(h, m.updated);
		h = fnv_i64(h, m.version);
		h = fnv(h, m.mean, (size_t)m.d * sizeof(double));
		h = fnv(h, m.second, (size_t)(m.d * m.d) * sizeof(double));
		free(m.mean);
		free(m.second);
		if (kind == STORE_REFERENCE) {
			sum->references++;
			sum->references_hash += h;
		} else {
			sum->streams++;
			sum->streams_hash += h;
		}
	}
out:
	if (r == STORE_OK && l.oom) {
		snprintf(errbuf, 256, "out of memory");
		r = STORE_ERR;
	}
	store_names_free(&l);
	return r;
}

int migrate_summarize(store *st, migrate_sum *sum, char *errbuf)
{
	store_names l = {0};
	int r;

	memset(sum, 0, sizeof *sum);
	if ((r = store_names_series(st, &l, errbuf)))
		goto out;
	for (size_t i = 0; i < l.n && !l.oom; i++) {
		point_sum ps = {sum, l.v[i], 0};
		sum->series++;
		if ((r = store_series_points(st, l.v[i], -1, -1, sum_point, &ps,
					     errbuf)))
			goto out;
	}
	if (l.oom) {
		snprintf(errbuf, 256, "out of memory");
		r = STORE_ERR;
		goto out;
	}
	if ((r = sum_moments(st, STORE_REFERENCE, sum, errbuf)) == STORE_OK)
		r = sum_moments(st, STORE_STREAM, sum, errbuf);
out:
	store_names_free(&l);
	return r;
}

static int empty(const migrate_sum *s)
{
	return !s->series && !s->points && !s->references && !s->streams;
}

/* The first difference of a and b, named, into buf; 0 when none. */
static int differ(const migrate_sum *a, const migrate_sum *b, char *buf,
		  size_t len)
{
#define CMP_N(f)                                                               \
	if (a->f != b->f)                                                      \
		return snprintf(buf, len,                                      \
				#f ": %" PRId64 " in the source, "             \
				   "%" PRId64 " in the target",                \
				a->f, b->f),                                   \
		       1;
#define CMP_H(f)                                                               \
	if (a->f != b->f)                                                      \
		return snprintf(buf, len,                                      \
				#f ": %016" PRIx64 " in the source, "          \
				   "%016" PRIx64 " in the target (a record's " \
				   "data differs)",                            \
				a->f, b->f),                                   \
		       1;
	CMP_N(series)
	CMP_N(points)
	CMP_N(references)
	CMP_N(streams)
	CMP_H(points_hash)
	CMP_H(references_hash)
	CMP_H(streams_hash)
#undef CMP_N
#undef CMP_H
	return 0;
}

static void print_sum(FILE *out, const char *what, const migrate_sum *s)
{
	fprintf(out,
		"%s: %" PRId64 " series, %" PRId64 " points (values sum to "
		"%.17g, checksum %016" PRIx64 "), %" PRId64
		" references (checksum %016" PRIx64 "), %" PRId64
		" streams (checksum %016" PRIx64 ")\n",
		what, s->series, s->points, s->value_sum, s->points_hash,
		s->references, s->references_hash, s->streams, s->streams_hash);
}

int migrate_run(const char *from, const char *to, FILE *out, char *errbuf)
{
	const char *dir = store_url_dir(from);
	char path[1200], why[256];
	store *src = NULL, *dst = NULL;
	migrate_sum s, t;
	struct stat sb;
	int rc = -1, r;

	/* Opening an embedded store creates it: a mistyped directory
	 * would be copied as an empty store and "verified". */
	snprintf(path, sizeof path, "%s/evald.db", dir ? dir : "");
	if (!dir || !*dir || stat(path, &sb) < 0) {
		snprintf(errbuf, 256,
			 "--migrate-from %.120s: no embedded store there "
			 "(sqlite:DIR, DIR holding evald.db)%s%s",
			 from, dir ? ": " : "", dir ? strerror(errno) : "");
		return -1;
	}
	if (store_url_dir(to)) {
		snprintf(errbuf, 256,
			 "--migrate-from copies into a database server: give "
			 "--store postgresql://...");
		return -1;
	}
	if ((r = store_open(from, &src, why)) != STORE_OK) {
		snprintf(errbuf, 256, "source: %.200s", why);
		goto out;
	}
	if ((r = store_open_conns(to, 1, &dst, why)) != STORE_OK ||
	    (r = store_ping(dst, why)) != STORE_OK) {
		snprintf(errbuf, 256, "target: %.200s", why);
		goto out;
	}
	if ((r = migrate_summarize(src, &s, why))) {
		snprintf(errbuf, 256, "source: %.200s", why);
		goto out;
	}
	if ((r = migrate_summarize(dst, &t, why))) {
		snprintf(errbuf, 256, "target: %.200s", why);
		goto out;
	}
	print_sum(out, "source", &s);
	if (!empty(&t)) {
		if (differ(&s, &t, why, sizeof why)) {
			snprintf(errbuf, 256,
				 "the target is not empty and holds other "
				 "data (%.180s); nothing was copied",
				 why);
			goto out;
		}
		fprintf(out, "the target already holds the same data; "
			     "nothing copied\n");
		rc = 0;
		goto out;
	}
	if ((r = store_import(dst, src, why))) {
		snprintf(errbuf, 256, "copy: %.200s; nothing was copied", why);
		goto out;
	}
	if ((r = migrate_summarize(dst, &t, why))) {
		snprintf(errbuf, 256, "target, reading the copy back: %.200s",
			 why);
		goto out;
	}
	print_sum(out, "target", &t);
	if (differ(&s, &t, why, sizeof why)) {
		snprintf(errbuf, 256, "the copy differs: %.200s", why);
		goto out;
	}
	fprintf(out, "copied and verified\n");
	rc = 0;
out:
	store_close(src);
	store_close(dst);
	return rc;
}
