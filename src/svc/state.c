/* state.c - series over HTTP and recording compute results into them, the
 * store's failures as errors, and GET /metrics put together from the text
 * each group of counters writes for itself.
 *
 * Every write is answered only after store_* returned, i.e. after the
 * commit is on disk. A full disk is 507 with a clear message; nothing is
 * half-written (SQLite rolls the statement back). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bounds.h"
#include "codec.h"
#include "jsonout.h"
#include "numfmt.h"
#include "refcache.h"
#include "respond.h"
#include "series_thin.h"
#include "state.h"
#include "store.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int state_store_error(int rc, const char *errbuf, verr *err)
{
	if (rc == STORE_FULL)
		return verr_set(err, E_STORAGE_FULL, "",
				"the data directory is full; nothing was "
				"written (%s)",
				errbuf);
	if (rc == STORE_TOOBIG)
		return verr_set(err, E_TOO_LARGE, "",
				"%s; nothing was written (a d x d matrix of "
				"doubles must fit: lower --max-dim)",
				errbuf);
	if (rc == STORE_UNAVAILABLE)
		return verr_set(err, E_STORE_UNAVAILABLE, "",
				"%s; try again shortly", errbuf);
	return verr_set(err, E_STORE_ERROR, "", "%s", errbuf);
}

void state_list_answer(svc_response *rs, int rc, const char *errbuf,
		       const char *field, json_t *arr)
{
	verr e;

	if (!arr && rc == STORE_OK)
		rc = STORE_ERR, errbuf = "out of memory";
	if (rc != STORE_OK) {
		json_decref(arr);
		state_store_error(rc, errbuf, &e);
		respond_error(rs, &e);
		return;
	}
	respond_json(rs, 200, json_pack("{s:o}", field, arr));
}

int state_check_name(const char *what, const char *name, verr *err)
{
	size_t n = strlen(name);
	const char *c = name;
	if (n >= 1 && n <= 128)
		while (*c &&
		       ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
			(*c >= '0' && *c <= '9') || *c == '.' || *c == '_' ||
			*c == '-'))
			c++;
	if (n >= 1 && n <= 128 && !*c)
		return 0;
	return verr_set(err, E_INVALID_VALUE, "",
			"%s names are 1 to 128 characters of letters, digits "
			"and . _ -",
			what);
}

int state_need_store(svc *s, verr *err)
{
	if (s->store)
		return 0;
	verr_set(err, E_NOT_READY, "",
		 "the store is not open; check the data directory");
	return -1;
}

/* Names of series: printable, no spaces or quotes, may contain '/'. */
static int valid_series(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 256)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || strchr("._-/:", *s)))
			return 0;
	return 1;
}

/* ------------------------------------------------------------ record */

/* fail_above / fail_below: a gate's thresholds, kept with the point for
 * the dashboard's threshold lines.  Numbers (JSON has no NaN), and no
 * empty window between them. */
static int record_thresholds_check(json_t *record, verr *err)
{
	json_t *a = json_object_get(record, "fail_above");
	json_t *b = json_object_get(record, "fail_below");
	if (a && !json_is_null(a) && !json_is_number(a))
		return verr_set(err, E_WRONG_TYPE, "/record/fail_above",
				"fail_above must be a number");
	if (b && !json_is_null(b) && !json_is_number(b))
		return verr_set(err, E_WRONG_TYPE, "/record/fail_below",
				"fail_below must be a number");
	if (json_is_number(a) && json_is_number(b) &&
	    json_number_value(b) > json_number_value(a))
		return verr_set(err, E_INVALID_VALUE, "/record/fail_below",
				"fail_below is above fail_above: no value "
				"could pass");
	return 0;
}

/* The extras of a point: the result's ci95 as its band, the record's
 * thresholds. */
static void record_extras(json_t *record, json_t *result, store_point *p)
{
	json_t *ci = json_object_get(result, "ci95");
	json_t *a = json_object_get(record, "fail_above");
	json_t *b = json_object_get(record, "fail_below");
	if (json_array_size(ci) == 2 && json_is_number(json_array_get(ci, 0)) &&
	    json_is_number(json_array_get(ci, 1))) {
		p->has_band = 1;
		p->lo = json_number_value(json_array_get(ci, 0));
		p->hi = json_number_value(json_array_get(ci, 1));
	}
	p->has_fail_above = json_is_number(a);
	p->fail_above = json_number_value(a);
	p->has_fail_below = json_is_number(b);
	p->fail_below = json_number_value(b);
}

int state_record_check(svc *s, const struct jsonx_doc *doc, json_t *record,
		       verr *err)
{
	static const char *const keys[] = {"series",	 "step",       "labels",
					   "fail_above", "fail_below", NULL};
	const char *key;
	json_t *v;

	if (!record)
		return 0;
	if (!jsonx_is_object(doc, record))
		return verr_set(err, E_WRONG_TYPE, "/record",
				"record must be an object {\"series\", "
				"\"step\"?, \"labels\"?}");
	if (jsonx_check_keys(record, keys, "/record",
			     "record takes series, step, labels, fail_above "
			     "and fail_below",
			     err) < 0)
		return -1;
	if (record_thresholds_check(record, err) < 0)
		return -1;
	v = json_object_get(record, "series");
	if (!json_is_string(v))
		return verr_set(err, v ? E_WRONG_TYPE : E_MISSING_INPUT,
				"/record/series",
				"record needs a series name (a string)");
	if (!valid_series(json_string_value(v)))
		return verr_set(err, E_INVALID_VALUE, "/record/series",
				"series names are 1 to 256 characters of "
				"letters, digits and . _ - / :");
	v = json_object_get(record, "step");
	if (v && !json_is_null(v) && !json_is_integer(v))
		return verr_set(err, E_WRONG_TYPE, "/record/step",
				"step must be an integer");
	v = json_object_get(record, "labels");
	if (v && !json_is_null(v)) {
		if (!jsonx_is_object(doc, v))
			return verr_set(err, E_WRONG_TYPE, "/record/labels",
					"labels must be an object of strings");
		json_t *lv;
		json_object_foreach(v, key, lv)
		{
			if (!json_is_string(lv)) {
				char p[300];
				snprintf(p, sizeof p, "/record/labels/%s", key);
				return verr_set(err, E_WRONG_TYPE, p,
						"label values must be strings");
			}
		}
		/* Measured as the text that is stored (record_one). */
		size_t len =
			json_dumpb(v, NULL, 0, JSON_COMPACT | JSON_SORT_KEYS);
		if (s->cfg.max_labels > 0 && (int64_t)len > s->cfg.max_labels)
			return verr_set(err, E_TOO_LARGE, "/record/labels",
					"labels of %zu bytes (as JSON) are "
					"over this server's limit of %lld "
					"(--max-labels)",
					len, (long long)s->cfg.max_labels);
	}
	return 0;
}

static int record_one(svc *s, json_t *record, const char *series,
		      json_t *result, double ts, verr *err)
{
	store_point p = {0};
	json_t *value = json_object_get(result, "value");
	json_t *step = json_object_get(record, "step");
	json_t *labels = json_object_get(record, "labels");
	char errbuf[256];
	char *ltext = NULL;
	int rc;

	if (!value)
		return verr_set(err, E_INVALID_VALUE, "/record",
				"only a scalar result can be recorded; this "
				"one has no \"value\" (reduction none?)");
	p.has_value = json_is_number(value);
	p.value = p.has_value ? json_number_value(value) : 0.0;
	p.has_step = json_is_integer(step);
	p.step = p.has_step ? json_integer_value(step) : 0;
	if (json_is_object(labels))
		ltext = json_dumps(labels, JSON_COMPACT | JSON_SORT_KEYS);
	p.labels = ltext;
	p.ts = ts;
	record_extras(record, result, &p);
	rc = store_series_append(s->store, series, &p, errbuf);
	free(ltext);
	if (rc != STORE_OK)
		return state_store_error(rc, errbuf, err);
	json_object_set_new(
		result, "recorded",
		json_pack("{s:s, s:o, s:f}", "series", series, "step",
			  p.has_step ? json_integer(p.step) : json_null(), "ts",
			  ts));
	return 0;
}

int state_record(svc *s, json_t *record, json_t *result, int evaluate,
		 verr *err)
{
	const char *series;
	double ts = now_s();

	if (!record)
		return 0;
	if (state_need_store(s, err) < 0)
		return -1;
	series = json_string_value(json_object_get(record, "series"));
	if (!evaluate)
		return record_one(s, record, series, result, ts, err);
	json_t *results = json_object_get(result, "results");
	for (size_t i = 0; i < json_array_size(results); i++) {
		json_t *r = json_array_get(results, i);
		json_t *m = json_object_get(r, "metric");
		char name[400];
		if (json_object_get(r, "error") || !json_is_string(m) ||
		    !json_object_get(r, "value"))
			continue; /* errors and value-less results are skipped
				   */
		snprintf(name, sizeof name, "%s/%s", series,
			 json_string_value(m));
		if (record_one(s, record, name, r, ts, err) < 0)
			return -1;
	}
	return 0;
}

/* ------------------------------------------------------------ series */

/* A stored point as JSON: {"step", "value", "ts", "labels"}, with null
 * for a missing step or a non-finite value.  Labels are kept as JSON
 * object text; text that does not parse (a damaged row) reads as {}. */
static json_t *point_json(const store_point *p)
{
	json_t *o = json_object();
	json_object_set_new(o, "step",
			    p->has_step ? json_integer(p->step) : json_null());
	json_object_set_new(o, "value",
			    p->has_value ? json_real(p->value) : json_null());
	json_object_set_new(o, "ts", json_real(p->ts));
	json_t *l = p->labels ? json_loads(p->labels, 0, NULL) : NULL;
	json_object_set_new(o, "labels", l ? l : json_object());
	/* Only where recorded: points without them read as before. */
	if (p->has_band) {
		json_object_set_new(o, "lo", json_real(p->lo));
		json_object_set_new(o, "hi", json_real(p->hi));
	}
	if (p->has_fail_above)
		json_object_set_new(o, "fail_above", json_real(p->fail_above));
	if (p->has_fail_below)
		json_object_set_new(o, "fail_below", json_real(p->fail_below));
	return o;
}

/* store_series_points callback: the page array in ctx gets the point. */
static int page_add(void *ctx, const store_point *p)
{
	json_array_append_new(ctx, point_json(p));
	return 0;
}

/* Points read from the store at a time: a long series is never one JSON
 * tree, only one page of it and the growing response text. */
#define SERIES_PAGE 256

/* GET /v1/series/{name} as response text: at most `limit` points after
 * `since`, oldest first, cut before the point that would take the body
 * past --max-response; a cut answer says "truncated" and the `since`
 * that continues it. */
/* keep (series_thin.h): the flags of a downsampled answer, n_before the
 * points it was chosen from; NULL to answer every point. */
static int series_points(svc *s, const char *name, double since,
			 long long limit, const unsigned char *keep,
			 long long n_before, svc_response *rs, verr *err)
{
	stats_buf b = {0};
	json_t *page = NULL, *jn = json_string(name);
	char *head = NULL, errbuf[256], since_text[NUMFMT_SIZE];
	size_t hlen = 0, tlen;
	double budget;
	long long got = 0, seen = 0;
	int truncated = 0, rc;

	if (jn)
		jsonout_dump(jn, 0, &head, &hlen); /* head NULL if it fails */
	json_decref(jn);
	/* Room kept for the envelope and its ending. */
	budget = (double)s->cfg.max_response - 80.0 - (double)hlen;
	if (!head || stats_printf(&b, "{\"name\":%s,\"points\":[", head) < 0)
		goto oom;
	for (;;) {
		/* Each page is a query that scans from the series' start:
		 * when most points are dropped, fewer, larger pages. */
		long long page_n = keep ? SERIES_PAGE * 16 : SERIES_PAGE;
		long long want = limit - seen < page_n ? limit - seen : page_n;
		if (!(page = json_array()))
			goto oom;
		rc = store_series_points(s->store, name, since, want, page_add,
					 page, errbuf);
		if (rc == STORE_NOTFOUND) {
			verr_set(err, E_NOT_FOUND, "", "no series named '%s'",
				 name);
			goto fail;
		}
		if (rc != STORE_OK) {
			state_store_error(rc, errbuf, err);
			goto fail;
		}
		size_t i, np = json_array_size(page);
		for (i = 0; i < np && !truncated; i++) {
			json_t *pt = json_array_get(page, i);
			char *t;
			/* A dropped point is passed, as an answered one. */
			if (keep && (seen >= n_before || !keep[seen])) {
				since = json_real_value(
					json_object_get(pt, "ts"));
				seen++;
				continue;
			}
			if (jsonout_dump(pt, 0, &t, &tlen) < 0)
				goto oom;
			double need = (double)(b.len + tlen + 1);
			if (s->cfg.max_response > 0 && need > budget) {
				free(t);
				/* Not even one point fits: a cut answer
				 * would never move on. */
				if (got == 0) {
					bounds_response(s->cfg.max_response,
							need + 80.0,
							"the first point", "",
							err);
					goto fail;
				}
				truncated = 1;
				break;
			}
			rc = stats_printf(&b, "%s%s", got ? "," : "", t);
			free(t);
			if (rc < 0)
				goto oom;
			since = json_real_value(json_object_get(pt, "ts"));
			got++;
			seen++;
		}
		json_decref(page);
		page = NULL;
		if (truncated || np < (size_t)want || seen >= limit)
			break;
	}
	numfmt_double(since, NUMFMT_REAL, since_text);
	if (stats_printf(&b, "]") < 0 ||
	    (keep && stats_printf(&b,
				  ",\"downsampled\":true,"
				  "\"points_before\":%lld",
				  n_before) < 0) ||
	    (truncated && stats_printf(&b,
				       ",\"truncated\":true,"
				       "\"next_since\":%s",
				       since_text) < 0) ||
	    stats_printf(&b, "}") < 0)
		goto oom;
	free(head);
	rs->status = 200;
	rs->content_type = "application/json; charset=utf-8";
	rs->body = b.s;
	rs->len = b.len;
	return 0;
oom:
	verr_set(err, E_OUT_OF_MEMORY, "", "out of memory");
	err->retry_after = s->cfg.retry_after;
fail:
	json_decref(page);
	free(head);
	free(b.s);
	return -1;
}

/* GET /v1/series, built as the store lists it: {"series": [{"name",
 * "points", "latest"}]}, cut in name order at about max_bytes of text
 * (0 = no limit), and then "truncated": true. */
typedef struct series_list {
	json_t *arr;
	int64_t max_bytes, bytes;
	int cut;
} series_list;

static int series_list_add(void *ctx, const store_series_info *si)
{
	series_list *l = ctx;
	/* A generous estimate of the entry's text: its name, its labels
	 * (twice: see below) and ~220 bytes of keys and numbers. */
	const char *labels = si->latest.labels ? si->latest.labels : "";
	l->bytes += (int64_t)(strlen(si->name) + 2 * strlen(labels)) + 220;
	if (l->max_bytes > 0 && l->bytes > l->max_bytes) {
		l->cut = 1;
		return 1;
	}
	json_t *latest = point_json(&si->latest);
	/* The labels of the latest point, also at the top, so a page can
	 * group the series without reading their points; last, so the
	 * keys before it read as they always did. */
	json_t *lj = json_object_get(latest, "labels");
	json_array_append_new(
		l->arr, json_pack("{s:s, s:I, s:o, s:O}", "name", si->name,
				  "points", (json_int_t)si->points, "latest",
				  latest, "labels", lj));
	return 0;
}

void state_series_list(svc *s, const svc_request *rq, svc_response *rs,
		       const char *arg)
{
	series_list l = {json_array(), s->cfg.max_response, 0, 0};
	char errbuf[256];
	verr e;
	int rc;

	if (!l.arr) {
		verr_set(&e, E_OUT_OF_MEMORY, "", "out of memory");
		e.retry_after = s->cfg.retry_after;
		respond_error(rs, &e);
		return;
	}
	rc = store_series_list(s->store, series_list_add, &l, errbuf);
	if (rc != STORE_OK) {
		json_decref(l.arr);
		state_store_error(rc, errbuf, &e);
		respond_error(rs, &e);
		return;
	}
	json_t *out = json_pack("{s:o}", "series", l.arr);
	if (out && l.cut)
		json_object_set_new(out, "truncated", json_true());
	respond_json(rs, 200, out);
}

void state_series_get(svc *s, const svc_request *rq, svc_response *rs,
		      const char *name)
{
	const char *v;
	double since = -1;
	long long limit = 1000, max_points, n_before = 0;
	unsigned char *keep = NULL;
	verr e;

	if ((v = svc_query_get(rq->query, "since"))) {
		char *end;
		since = strtod(v, &end);
		if (*end || !isfinite(since)) {
			verr_set(&e, E_INVALID_VALUE, "",
				 "since must be a Unix time in seconds");
			goto fail;
		}
	}
	if ((v = svc_query_get(rq->query, "limit"))) {
		char *end;
		limit = strtoll(v, &end, 10);
		if (*end || limit < 1 || limit > 100000) {
			verr_set(&e, E_INVALID_VALUE, "",
				 "limit must be an integer from 1 to 100000");
			goto fail;
		}
	}
	if ((v = svc_query_get(rq->query, "max_points"))) {
		char *end;
		max_points = strtoll(v, &end, 10);
		if (*end || max_points < SERIES_MAX_POINTS_MIN ||
		    max_points > SERIES_MAX_POINTS_MAX) {
			verr_set(&e, E_INVALID_VALUE, "",
				 "max_points must be an integer from %d to %d",
				 SERIES_MAX_POINTS_MIN, SERIES_MAX_POINTS_MAX);
			goto fail;
		}
		if (series_thin(s->store, name, since, limit, max_points, &keep,
				&n_before, &e) < 0)
			goto fail;
	}
	if (series_points(s, name, since, limit, keep, n_before, rs, &e) < 0)
		goto fail;
	free(keep);
	return;
fail:
	free(keep);
	respond_error(rs, &e);
}

static void score_line(void *ctx, const char *series, int has_value,
		       double value)
{
	char esc[600], num[NUMFMT_SIZE];
	size_t o = 0;
	/* Label values escape backslash, quote and newline (format 0.0.4). */
	for (const char *c = series; *c && o < sizeof esc - 3; c++) {
		if (*c == '\\' || *c == '"')
			esc[o++] = '\\';
		if (*c == '\n') {
			esc[o++] = '\\';
			esc[o++] = 'n';
			continue;
		}
		esc[o++] = *c;
	}
	esc[o] = '\0';
	/* The shortest form, as in every JSON answer. */
	if (has_value)
		numfmt_double(value, 0, num);
	stats_printf(ctx, "evald_score{series=\"%s\"} %s\n", esc,
		     has_value ? num : "NaN");
}

/* The evald_score lines of /metrics: the latest value of each series. */
static int series_prometheus(svc *s, stats_buf *b)
{
	char errbuf[256];
	if (stats_printf(b, "# HELP evald_score Latest recorded value of each "
			    "series.\n# TYPE evald_score gauge\n") < 0)
		return -1;
	/* A store failure leaves the scores out; a scrape still answers. */
	if (s->store)
		store_series_latest(s->store, score_line, b, errbuf);
	return 0;
}

/* ------------------------------------------------------------ metrics */

void state_prometheus(svc *s, svc_response *rs)
{
	stats_buf b = {0};

	if (stats_render(&s->stats, &b) < 0)
		goto oom;
	/* The body bytes are one atomic of the svc itself. */
	if (stats_printf(&b,
			 "# HELP evald_request_body_bytes Bytes of request "
			 "bodies held (--max-bodies).\n"
			 "# TYPE evald_request_body_bytes gauge\n"
			 "evald_request_body_bytes %lld\n",
			 (long long)atomic_load(&s->body_bytes)) < 0 ||
	    jobs_prometheus(s->jobs, &b) < 0 ||
	    gate_prometheus(s->gate, &b) < 0 ||
	    refcache_prometheus(s->refs, &b) < 0 ||
	    series_prometheus(s, &b) < 0)
		goto oom;
	if (!b.s)
		goto oom;
	rs->status = 200;
	rs->content_type = "text/plain; version=0.0.4; charset=utf-8";
	rs->body = b.s;
	rs->len = b.len;
	return;
oom:
	free(b.s);
	/* Plain text, as a scraper expects; the rest from the table. */
	rs->err = verr_def_of(E_OUT_OF_MEMORY);
	rs->status = rs->err->status;
	rs->retry_after = rs->err->retry_after;
	snprintf(rs->code, sizeof rs->code, "%s", rs->err->name);
	rs->content_type = "text/plain; charset=utf-8";
	rs->body = strdup("out of memory\n");
	rs->len = rs->body ? strlen(rs->body) : 0;
}
