/* test_state_moments.c - state_ref_put_moments and state_stream_add_moments
 * (rows already reduced to moments, as a streamed .npy upload has them)
 * answer exactly as PUT /v1/references/{name} and POST
 * /v1/streams/{id}/batches answer the same rows sent as one .npy body:
 * the same status and body (but the time), the same stored moments to
 * the bit, the same refusals, and the reference cache refreshed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <evald/moments.h>

#include "dispatch.h"
#include "refcache.h"
#include "state.h"
#include "store.h"
#include "tap.h"

/* A float64 .npy of rows x [n, d]; caller frees. */
static char *npy(const double *x, int64_t n, int64_t d, size_t *len)
{
	char head[128];
	int h = snprintf(head, sizeof head,
			 "{'descr': '<f8', 'fortran_order': False, "
			 "'shape': (%lld, %lld), }",
			 (long long)n, (long long)d);
	int total = (10 + h + 1 + 63) / 64 * 64, pad = total - 10 - h - 1;
	size_t data = (size_t)(n * d) * sizeof(double);
	char *b = malloc((size_t)total + data);
	memcpy(b, "\x93NUMPY\x01\x00", 8);
	b[8] = (char)((total - 10) & 0xff);
	b[9] = (char)((total - 10) >> 8);
	memcpy(b + 10, head, (size_t)h);
	memset(b + 10 + h, ' ', (size_t)pad);
	b[total - 1] = '\n';
	memcpy(b + total, x, data);
	*len = (size_t)total + data;
	return b;
}

static json_t *call(svc *s, const char *method, const char *path,
		    const char *ct, const char *body, size_t len, int *status)
{
	svc_request rq = {.method = method,
			  .path = path,
			  .content_type = ct,
			  .body = body ? body : "",
			  .len = len};
	svc_response rs = {0};
	svc_handle(s, &rq, &rs);
	*status = rs.status;
	json_t *j = json_loadb(rs.body, rs.len, 0, NULL);
	free(rs.body);
	return j;
}

/* Status and body of a direct call's response; its body freed. */
static json_t *taken(svc_response *rs, int *status)
{
	*status = rs->status;
	json_t *j = json_loadb(rs->body, rs->len, 0, NULL);
	free(rs->body);
	return j;
}

/* The bodies equal but for their times, and for the name or id each
 * was made under: ida in a stands for idb in b. */
static int same(json_t *a, json_t *b, const char *ida, const char *idb)
{
	const char *drop[] = {"created", "updated"};
	char *ta, *tb, *at;
	int eq;

	for (size_t i = 0; i < 2; i++) {
		json_object_del(a, drop[i]);
		json_object_del(b, drop[i]);
	}
	ta = a ? json_dumps(a, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	tb = b ? json_dumps(b, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	/* Same-length ids (or names) are swapped in place. */
	if (tb && strlen(ida) == strlen(idb))
		for (at = tb; (at = strstr(at, idb)); at += strlen(idb))
			memcpy(at, ida, strlen(ida));
	eq = ta && tb && !strcmp(ta, tb);
	if (!eq) {
		tap_diag("route:    %s", ta ? ta : "(no JSON)");
		tap_diag("function: %s", tb ? tb : "(no JSON)");
	}
	free(ta);
	free(tb);
	json_decref(a);
	json_decref(b);
	return eq;
}

/* GET path?include=what's body. */
static json_t *get_with(svc *s, const char *path, const char *what)
{
	char qs[64];
	svc_query q = {0};
	svc_response rs = {0};
	int st;

	snprintf(qs, sizeof qs, "include=%s", what);
	svc_query_parse(&q, qs);
	svc_request rq = {
		.method = "GET", .path = path, .query = &q, .body = ""};
	svc_handle(s, &rq, &rs);
	return taken(&rs, &st);
}

static void moments_of(const double *x, int64_t n, int64_t d, evald_moments *m)
{
	int64_t shape[2] = {n, d};
	evald_tensor t;
	evald_tensor_init(&t, (double *)x, EVALD_F64, 2, shape);
	evald_moments_init(m, d, NULL);
	evald_moments_add(m, &t, NULL);
}

/* PUT rows x as reference name by the route, then by the function
 * under name2 (the same name when name2 is NULL, replacing it): the same
 * answer, and for a 201 the same stored statistics. */
static void ref_case(svc *s, const char *name, const char *name2,
		     const double *x, int64_t n, int64_t d, int want,
		     const char *label)
{
	char path[300];
	size_t len;
	char *body = npy(x, n, d, &len);
	evald_moments m = {0};
	svc_response rs = {0};
	json_t *sa = NULL, *sb = NULL;
	int st1, st2;

	if (!name2)
		name2 = name;
	snprintf(path, sizeof path, "/v1/references/%s", name);
	json_t *a = call(s, "PUT", path, "application/x-npy", body, len, &st1);
	if (st1 == 201)
		sa = get_with(s, path, "stats");
	moments_of(x, n, d, &m);
	state_ref_put_moments(s, name2, &m, NULL, &rs);
	json_t *b = taken(&rs, &st2);
	if (st2 == 201) {
		snprintf(path, sizeof path, "/v1/references/%s", name2);
		sb = get_with(s, path, "stats");
	}
	tap_ok(st1 == want && st2 == st1 && same(a, b, name, name2),
	       "%s: %d as the route answers %d", label, st2, st1);
	if (want == 201)
		tap_ok(same(sa, sb, name, name2),
		       "%s: the stored mu and sigma are the same to the bit",
		       label);
	else {
		json_decref(sa);
		json_decref(sb);
	}
	evald_moments_free(&m);
	free(body);
}

static const char *stream_new(svc *s, int64_t d, char id[33])
{
	char body[40];
	int st;
	snprintf(body, sizeof body, "{\"dim\": %lld}", (long long)d);
	json_t *j =
		call(s, "POST", "/v1/streams", NULL, body, strlen(body), &st);
	snprintf(id, 33, "%s", json_string_value(json_object_get(j, "id")));
	json_decref(j);
	return id;
}

/* Rows x into stream a by the route and into b by the function. */
static void stream_case(svc *s, const char *a, const char *b, const double *x,
			int64_t n, int64_t d, int want, const char *label)
{
	char path[300];
	size_t len;
	char *body = npy(x, n, d, &len);
	evald_moments m = {0};
	svc_response rs = {0};
	int st1, st2;

	snprintf(path, sizeof path, "/v1/streams/%s/batches", a);
	json_t *ja =
		call(s, "POST", path, "application/x-npy", body, len, &st1);
	moments_of(x, n, d, &m);
	state_stream_add_moments(s, b, &m, NULL, &rs);
	json_t *jb = taken(&rs, &st2);
	/* An error names the id it was given: the same one on both sides. */
	tap_ok(st1 == want && st2 == st1 && same(ja, jb, a, b),
	       "%s: %d as the route answers %d", label, st2, st1);
	evald_moments_free(&m);
	free(body);
}

int main(void)
{
	char dir[] = "/tmp/evald-smom-XXXXXX", errbuf[256] = "", path[300];
	double x[4 * 5];
	svc_config cfg;
	svc s;

	for (int i = 0; i < 20; i++)
		x[i] = (double)((i * 7919) % 23) / 7.0 - 1.0;
	if (!mkdtemp(dir)) {
		tap_ok(0, "temporary directory");
		return tap_done();
	}
	svc_config_defaults(&cfg);
	cfg.data_dir = dir;
	cfg.max_dim = 4;
	if (svc_init(&s, &cfg, errbuf) < 0 || errbuf[0]) {
		tap_ok(0, "service starts: %s", errbuf);
		return tap_done();
	}

	ref_case(&s, "r1", "r2", x, 5, 3, 201, "a reference of [5, 3]");
	ref_case(&s, "r1", NULL, x, 5, 3, 201, "the same, replaced");
	ref_case(&s, "r1", NULL, x, 4, 4, 201,
		 "a reference replaced, [4, 4], at --max-dim");
	ref_case(&s, "r3", NULL, x, 1, 3, 422, "one row");
	ref_case(&s, "r4", NULL, x, 4, 5, 413, "d past --max-dim");
	ref_case(&s, "bad+name", NULL, x, 5, 3, 422, "a bad name");

	/* The cache holds the version the function stored. */
	store_moments r;
	evald_moments m = {0};
	svc_response rs = {0};
	moments_of(x, 6, 2, &m);
	state_ref_put_moments(&s, "r1", &m, NULL, &rs);
	free(rs.body);
	evald_moments_free(&m);
	refcache_entry *e = NULL;
	if (store_moments_get(s.store, STORE_REFERENCE, "r1", 0, &r, errbuf) ==
	    STORE_OK)
		e = refcache_get(s.refs, "r1", r.version);
	tap_ok(rs.status == 201 && e && refcache_ref(e)->d == 2,
	       "the function refreshes the reference cache");
	refcache_release(s.refs, e);

	char a[33], b[33];
	stream_new(&s, 3, a);
	stream_new(&s, 3, b);
	stream_case(&s, a, b, x, 5, 3, 200, "a batch of [5, 3]");
	stream_case(&s, a, b, x + 3, 2, 3, 200, "a second batch");
	stream_case(&s, a, b, x, 1, 3, 200, "a batch of one row");
	stream_case(&s, a, b, x, 5, 2, 422, "rows of another d");
	stream_case(&s, a, b, x, 4, 5, 413, "rows past --max-dim");
	stream_case(&s, "0123456789abcdef0123456789abcdef",
		    "0123456789abcdef0123456789abcdef", x, 5, 3, 404,
		    "an unknown stream");
	store_moments ma, mb;
	int ok = store_moments_get(s.store, STORE_STREAM, a, 1, &ma, errbuf) ==
			 STORE_OK &&
		 store_moments_get(s.store, STORE_STREAM, b, 1, &mb, errbuf) ==
			 STORE_OK;
	tap_ok(ok && ma.n == 8 && mb.n == 8 &&
		       !memcmp(ma.mean, mb.mean, 3 * sizeof(double)) &&
		       !memcmp(ma.second, mb.second, 9 * sizeof(double)),
	       "both streams hold the same moments to the bit");
	if (ok) {
		free(ma.mean);
		free(ma.second);
		free(mb.mean);
		free(mb.second);
	}

	svc_close(&s);
	const char *files[] = {"evald.db", "evald.db-wal", "evald.db-shm",
			       "lock"};
	for (size_t i = 0; i < 4; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
	return tap_done();
}
