/* run_cases.c - replays every case folder through the dispatcher.
 *
 * tests/cases/<suite>/<case>/request.json holds {"method", "path", "body"
 * | "raw_body" | "raw_body_b64" (bytes no JSON string holds, such as a
 * .npy's), "content_type"?}; expected.json holds {"status", "body",
 * "rtol", "atol"}.  The response must have that status, and every field of
 * expected "body" must be present in the response and equal: numbers within
 * atol + rtol·|expected| (null only equals null), strings and booleans
 * exactly, arrays element by element (same length), objects recursively
 * (extra response fields are allowed).  An error case may add
 * "message_has": [strings], each of which the error's message must
 * contain (a message is for people: its hints are held, not its wording);
 * the message is /error/message of the body, or the one "message_in"
 * names ("/results/0/error/message" in an evaluate answer).
 * A request.json may also hold "before": [requests], sent first in order,
 * each of which must succeed (2xx): a case of a stateful route (a tally
 * pushed in batches, then read) sets up its state that way.
 * One TAP line per case.
 *
 * Usage: run_cases [SUBSTRING]  (only cases whose name contains it) */
#include <dirent.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base64.h"
#include "dispatch.h"
#include "tap.h"

static int compare(json_t *want, json_t *got, double rtol, double atol,
		   char *where, size_t wlen, char *why, size_t ylen)
{
	size_t n = strlen(where);
	if (json_is_number(want)) {
		if (!json_is_number(got)) {
			snprintf(why, ylen, "%s: expected a number", where);
			return 0;
		}
		double a = json_number_value(got), b = json_number_value(want);
		if (!tap_close(a, b, rtol, atol)) {
			snprintf(why, ylen,
				 "%s: got %.17g, want %.17g (rel err %.3g)",
				 where, a, b,
				 fabs(a - b) / fmax(fabs(b), 1e-300));
			return 0;
		}
		return 1;
	}
	if (json_is_array(want)) {
		if (!json_is_array(got) ||
		    json_array_size(got) != json_array_size(want)) {
			snprintf(why, ylen, "%s: expected an array of %zu",
				 where, json_array_size(want));
			return 0;
		}
		for (size_t i = 0; i < json_array_size(want); i++) {
			snprintf(where + n, wlen - n, "/%zu", i);
			if (!compare(json_array_get(want, i),
				     json_array_get(got, i), rtol, atol, where,
				     wlen, why, ylen))
				return 0;
		}
		where[n] = '\0';
		return 1;
	}
	if (json_is_object(want)) {
		const char *k;
		json_t *v;
		if (!json_is_object(got)) {
			snprintf(why, ylen, "%s: expected an object", where);
			return 0;
		}
		json_object_foreach(want, k, v)
		{
			snprintf(where + n, wlen - n, "/%s", k);
			json_t *g = json_object_get(got, k);
			if (!g) {
				snprintf(why, ylen, "%s: missing", where);
				return 0;
			}
			if (!compare(v, g, rtol, atol, where, wlen, why, ylen))
				return 0;
		}
		where[n] = '\0';
		return 1;
	}
	if (!json_equal(want, got)) {
		char *a = json_dumps(got, JSON_ENCODE_ANY | JSON_COMPACT);
		char *b = json_dumps(want, JSON_ENCODE_ANY | JSON_COMPACT);
		snprintf(why, ylen, "%s: got %.200s, want %.200s", where,
			 a ? a : "?", b ? b : "?");
		free(a);
		free(b);
		return 0;
	}
	return 1;
}

/* Send one request through the dispatcher; *got is the JSON reply. */
static int send(svc *s, json_t *req, svc_response *rs, json_t **got, char *why,
		size_t ylen)
{
	json_error_t je;
	char *body = NULL;
	size_t blen = 0;

	json_t *raw = json_object_get(req, "raw_body");
	const char *b64 =
		json_string_value(json_object_get(req, "raw_body_b64"));
	if (json_is_string(raw))
		body = strdup(json_string_value(raw));
	else if (b64) {
		size_t bad;
		body = malloc(base64_decoded_max(strlen(b64)) + 1);
		if (!body || base64_decode(b64, strlen(b64), 1, (uint8_t *)body,
					   &blen, &bad) < 0) {
			snprintf(why, ylen, "raw_body_b64 is not base64");
			free(body);
			return 0;
		}
		body[blen] = '\0';
	} else if (json_object_get(req, "body"))
		body = json_dumps(json_object_get(req, "body"),
				  JSON_COMPACT | JSON_REAL_PRECISION(17) |
					  JSON_ENCODE_ANY);
	/* "query": "k=v&k=v", optional (values taken as they are). */
	const char *qv = json_string_value(json_object_get(req, "query"));
	char *qs = qv ? strdup(qv) : NULL;
	svc_query q = {0};
	if (qs)
		svc_query_parse(&q, qs);
	svc_request rq = {
		.query = qs ? &q : NULL,
		.method = json_string_value(json_object_get(req, "method")),
		.path = json_string_value(json_object_get(req, "path")),
		.content_type =
			json_string_value(json_object_get(req, "content_type")),
		.body = body ? body : "",
		.len = b64    ? blen
		       : body ? strlen(body)
			      : 0,
	};
	if (!rq.method || !rq.path) {
		snprintf(why, ylen, "request.json needs method and path");
		free(body);
		free(qs);
		return 0;
	}
	svc_handle(s, &rq, rs);
	free(body);
	free(qs);
	*got = json_loadb(rs->body, rs->len, 0, &je);
	if (!*got) {
		snprintf(why, ylen, "response is not JSON: %.200s", rs->body);
		return 0;
	}
	return 1;
}

/* The value at a JSON Pointer of plain keys and indexes. */
static json_t *at(json_t *v, const char *ptr)
{
	char key[128];
	while (v && *ptr == '/') {
		size_t n = strcspn(ptr + 1, "/");
		snprintf(key, sizeof key, "%.*s", (int)n, ptr + 1);
		v = json_is_array(v) ? json_array_get(v, strtoul(key, NULL, 10))
				     : json_object_get(v, key);
		ptr += 1 + n;
	}
	return v;
}

/* Every string of want is in the error message of got (at `in`). */
static int message_has(json_t *want, const char *in, json_t *got, char *why,
		       size_t ylen)
{
	const char *msg =
		json_string_value(at(got, in ? in : "/error/message"));
	size_t i;
	json_t *v;

	json_array_foreach(want, i, v)
	{
		const char *s = json_string_value(v);
		if (!s || !msg || !strstr(msg, s)) {
			snprintf(why, ylen, "message %s does not contain %s",
				 msg ? msg : "(none)",
				 s ? s : "(not a string)");
			return 0;
		}
	}
	return 1;
}

/* One TAP line: req answered as exp says. */
static void check(svc *s, json_t *req, json_t *exp, const char *label)
{
	char why[1024] = "", where[512] = "";
	json_t *got = NULL;
	svc_response rs = {0};
	int ok = 0;

	if (!send(s, req, &rs, &got, why, sizeof why))
		goto done;
	int want_status =
		(int)json_integer_value(json_object_get(exp, "status"));
	if (rs.status != want_status) {
		snprintf(why, sizeof why, "status %d, want %d: %.300s",
			 rs.status, want_status, rs.body);
		goto done;
	}
	json_t *jr = json_object_get(exp, "rtol"),
	       *ja = json_object_get(exp, "atol");
	double rtol = jr ? json_number_value(jr) : 1e-9;
	double atol = ja ? json_number_value(ja) : 0.0;
	ok = compare(json_object_get(exp, "body"), got, rtol, atol, where,
		     sizeof where, why, sizeof why);
	ok = ok &&
	     message_has(json_object_get(exp, "message_has"),
			 json_string_value(json_object_get(exp, "message_in")),
			 got, why, sizeof why);
done:
	tap_ok(ok, "%s", label);
	if (!ok)
		tap_diag("%s", why);
	free(rs.body);
	json_decref(got);
}

/* Store one side of an FID case as reference "case-<side>" (its {mu,
 * sigma, n} or its embeddings); 1 on success. */
static int put_side(svc *s, json_t *input, const char *side)
{
	char path[64], why[256];
	json_t *body = json_is_object(input) && json_object_get(input, "mu")
			       ? json_incref(input)
			       : json_pack("{s:O}", "embeddings", input);
	snprintf(path, sizeof path, "/v1/references/case-%s", side);
	json_t *req = json_pack("{s:s, s:s, s:o}", "method", "PUT", "path",
				path, "body", body);
	svc_response rs = {0};
	json_t *got = NULL;
	int ok = send(s, req, &rs, &got, why, sizeof why) && rs.status == 201;
	if (!ok)
		tap_diag("PUT %s: %d %.300s", path, rs.status, rs.body);
	free(rs.body);
	json_decref(got);
	json_decref(req);
	return ok;
}

/* Every answered FID case once more with each side as a stored reference
 * (the prepared-factor route): the same anchors, the same tolerances. */
static void fid_variants(svc *s, json_t *req, json_t *exp, const char *name)
{
	json_t *body = json_object_get(req, "body");
	json_t *params = json_object_get(body, "params");
	json_t *boot = json_object_get(params, "bootstrap");
	const char *path = json_string_value(json_object_get(req, "path"));
	char label[300];

	if (!path || strcmp(path, "/v1/metrics/fid") ||
	    json_integer_value(json_object_get(exp, "status")) != 200 ||
	    (boot && json_integer_value(boot) > 0))
		return;
	for (int i = 0; i < 2; i++) {
		const char *side = i ? "y" : "x";
		json_t *in =
			json_object_get(json_object_get(body, "inputs"), side);
		if (!in)
			continue;
		snprintf(label, sizeof label, "%s [%s as a stored reference]",
			 name, side);
		if (!put_side(s, in, side)) {
			tap_ok(0, "%s", label);
			continue;
		}
		json_t *r2 = json_deep_copy(req);
		char ref[16];
		snprintf(ref, sizeof ref, "case-%s", side);
		json_object_set_new(
			json_object_get(json_object_get(r2, "body"), "inputs"),
			side, json_pack("{s:s}", "reference", ref));
		check(s, r2, exp, label);
		json_decref(r2);
	}
}

/* Every request of req's "before", in order; 1 when each answered 2xx. */
static int run_before(svc *s, json_t *req, const char *name)
{
	json_t *steps = json_object_get(req, "before"), *step;
	size_t i;

	json_array_foreach(steps, i, step)
	{
		char why[512] = "";
		svc_response rs = {0};
		json_t *got = NULL;
		int ok = send(s, step, &rs, &got, why, sizeof why) &&
			 rs.status >= 200 && rs.status < 300;
		if (!ok)
			tap_diag("%s: before[%zu]: %d %.300s %s", name, i,
				 rs.status, rs.body ? rs.body : "", why);
		free(rs.body);
		json_decref(got);
		if (!ok)
			return 0;
	}
	return 1;
}

static void run_case(svc *s, const char *dir, const char *name)
{
	char path[2200];
	json_error_t je;
	json_t *req = NULL, *exp = NULL;

	snprintf(path, sizeof path, "%s/%s/request.json", dir, name);
	req = json_load_file(path, 0, &je);
	snprintf(path, sizeof path, "%s/%s/expected.json", dir, name);
	exp = json_load_file(path, 0, &je);
	if (!req || !exp) {
		tap_ok(0, "%s", name);
		tap_diag("cannot read case files: %s", je.text);
	} else if (!run_before(s, req, name)) {
		tap_ok(0, "%s", name);
	} else {
		check(s, req, exp, name);
		fid_variants(s, req, exp, name);
	}
	json_decref(req);
	json_decref(exp);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void run_suite(svc *s, const char *root, const char *suite,
		      const char *filter)
{
	char dir[1024];
	DIR *d;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;

	snprintf(dir, sizeof dir, "%s/tests/cases/%s", root, suite);
	d = opendir(dir);
	if (!d) {
		tap_ok(0, "open %s", dir);
		return;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (filter && !strstr(de->d_name, filter))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			names = realloc(names, cap * sizeof *names);
		}
		names[n++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof *names, cmp_names);
	for (size_t i = 0; i < n; i++) {
		run_case(s, dir, names[i]);
		free(names[i]);
	}
	free(names);
}

int main(int argc, char **argv)
{
	const char *root = getenv("top_srcdir");
	const char *filter = argc > 1 ? argv[1] : NULL;
	svc_config cfg;
	svc s;
	char dir[] = "/tmp/evald-cases-XXXXXX", errbuf[256], path[300];

	json_object_seed(0);
	svc_config_defaults(&cfg);
	cfg.max_jobs = 4;
	/* State cases need a store: a fresh one per run. */
	if (!mkdtemp(dir)) {
		tap_ok(0, "cannot create a temporary data directory");
		return tap_done();
	}
	cfg.data_dir = dir;
	if (svc_init(&s, &cfg, errbuf) < 0 || errbuf[0]) {
		tap_ok(0, "service starts: %s", errbuf);
		return tap_done();
	}
	run_suite(&s, root ? root : ".", "metrics", filter);
	run_suite(&s, root ? root : ".", "invalid", filter);
	svc_close(&s);
	for (const char *f = "evald.db"; f; f = NULL) {
		snprintf(path, sizeof path, "%s/%s", dir, f);
		unlink(path);
	}
	snprintf(path, sizeof path, "%s/evald.db-wal", dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/evald.db-shm", dir);
	unlink(path);
	rmdir(dir);
	return tap_done();
}
