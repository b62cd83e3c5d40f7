/* evalctl.c - the command-line client of evald, for people and CI.
 *
 *   evalctl [--url URL] [--token T] [--cacert FILE] [--timeout S] [--json]
 *           metrics
 *         | compute METRIC [--param k=v]... [--input NAME=SOURCE]...
 *                  [--record SERIES [--step N]] [--async]
 *                  [--fail-above X] [--fail-below Y] [--gate-on WHAT]
 *         | ref put NAME FILE | ref ls | ref rm NAME
 *         | series NAME
 *         | dataset put NAME FILE | dataset ls | dataset rm NAME
 *         | drift --reference FILE|dataset:NAME --current FILE|dataset:NAME
 *                  [--column C --test T]
 *                  [--correction bh] [--record SERIES] [--fail-on-drift]
 *                  [--gate-on columns.C.p_value --fail-below 0.05]
 *
 * Exit codes: 0 ok, 1 threshold violated, 2 usage error (including a
 * threshold that cannot apply to the result), 3 server or connection
 * error; each failure prints one line saying why.  A 503 and a connection
 * reset are retried, honouring Retry-After, until --timeout runs out: a CI
 * job that meets a busy server waits its turn instead of failing. */
#include <config.h>

#include <curl/curl.h>
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ctl_input.h"
#include "ctl_npz.h"
#include "jsonout.h"
#include "npy.h"
#include "numfmt.h"

enum { EXIT_OK = 0, EXIT_THRESHOLD = 1, EXIT_USAGE = 2, EXIT_SERVER = 3 };

typedef struct ctl {
	char url[512];
	const char *token;
	const char *cacert; /* a CA bundle to trust, or NULL */
	const char *capath; /* a directory of CA certificates, or NULL */
	double timeout;	    /* seconds for one command, retries included */
	double deadline;    /* monotonic seconds */
	int json_out;
} ctl;

typedef struct buf {
	char *s;
	size_t len;
} buf;

/* One line on stderr, prefixed evalctl:, and the exit code to return. */
static int fail(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int fail(int code, const char *fmt, ...)
{
	va_list ap;
	fputs("evalctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return code;
}

/* The shortest decimal that reads back as x (0.1, not
 * 0.10000000000000001): what a person would write, and still exact; the
 * same form as the server's JSON (numfmt.h). */
static const char *num(double x, char out[NUMFMT_SIZE])
{
	numfmt_double(x, 0, out);
	return out;
}

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

static size_t on_data(char *p, size_t sz, size_t n, void *ud)
{
	buf *b = ud;
	char *ns = realloc(b->s, b->len + sz * n + 1);
	if (!ns)
		return 0;
	memcpy(ns + b->len, p, sz * n);
	b->len += sz * n;
	ns[b->len] = '\0';
	b->s = ns;
	return sz * n;
}

/* A path segment with every byte outside [A-Za-z0-9-._~] escaped, so a
 * name such as "my run/mse" or "run#1" reaches the server whole (it
 * decodes the path before routing).  malloc'd; NULL on failure. */
static char *escape_name(const char *name)
{
	char *e = curl_easy_escape(NULL, name, 0);
	char *out = e ? strdup(e) : NULL;
	curl_free(e);
	return out;
}

/* Connection errors that mean the exchange broke (reset, nothing
 * answered), as opposed to a server that is not there at all. */
static int transient(CURLcode rc)
{
	return rc == CURLE_GOT_NOTHING || rc == CURLE_RECV_ERROR ||
	       rc == CURLE_SEND_ERROR || rc == CURLE_PARTIAL_FILE;
}

/* An upload's progress on a terminal: bytes sent, then that the server
 * is computing (its answer comes after the last byte). */
typedef struct upload_meter {
	const char *label;
	double t0, shown;
	int done;
} upload_meter;

static int on_progress(void *ud, curl_off_t dltotal, curl_off_t dlnow,
		       curl_off_t ultotal, curl_off_t ulnow)
{
	upload_meter *m = ud;
	double now = now_s();
	(void)dltotal;
	(void)dlnow;
	if (ultotal <= 0 || m->done || now - m->shown < 0.2)
		return 0;
	m->shown = now;
	if (ulnow >= ultotal && ultotal < 1000000) {
		fprintf(stderr, "\r%s: computing...\033[K", m->label);
		m->done = 1;
	} else if (ulnow >= ultotal) {
		fprintf(stderr,
			"\r%s: %.0f MB sent in %.1f s; computing...\033[K",
			m->label, (double)ultotal / 1e6, now - m->t0);
		m->done = 1;
	} else {
		fprintf(stderr, "\r%s: %3.0f%% of %.0f MB sent\033[K", m->label,
			100.0 * (double)ulnow / (double)ultotal,
			(double)ultotal / 1e6);
	}
	fflush(stderr);
	return 0;
}

/* One HTTP exchange.  Returns the parsed JSON answer (new reference) and
 * the status in *status, or NULL after printing why (exit 3).  A 503, or
 * a reset where resending cannot repeat a write, is tried again after the
 * server's Retry-After (else a growing pause) until the deadline.  With
 * `label`, the body's upload is shown on a terminal. */
static json_t *call_ex(const ctl *c, const char *method, const char *path,
		       const char *body, size_t len, const char *ctype,
		       const char *label, long *status)
{
	upload_meter meter = {.label = label, .t0 = now_s()};
	CURL *h = curl_easy_init();
	struct curl_slist *hd = NULL;
	buf b = {0};
	char url[1200], auth[400], ct[128];
	json_t *j = NULL;
	double pause = 0.5;
	/* A POST that broke mid-way may have been applied (a recorded
	 * point): only idempotent methods are resent after a reset. */
	int idempotent = strcmp(method, "POST") != 0;

	if (!h) {
		fail(0, "cannot initialise libcurl");
		return NULL;
	}
	snprintf(url, sizeof url, "%s%s", c->url, path);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	if (c->cacert)
		curl_easy_setopt(h, CURLOPT_CAINFO, c->cacert);
	if (c->capath)
		curl_easy_setopt(h, CURLOPT_CAPATH, c->capath);
	if (c->token) {
		snprintf(auth, sizeof auth, "Authorization: Bearer %s",
			 c->token);
		hd = curl_slist_append(hd, auth);
	}
	if (body) {
		snprintf(ct, sizeof ct, "Content-Type: %s", ctype);
		hd = curl_slist_append(hd, ct);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
				 (curl_off_t)len);
	}
	if (label && isatty(STDERR_FILENO)) {
		curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
		curl_easy_setopt(h, CURLOPT_XFERINFODATA, &meter);
		curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
	}
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hd);
	for (;;) {
		b.len = 0;
		meter.done = 0;
		CURLcode rc = curl_easy_perform(h);
		if (meter.shown > 0)
			fputs("\r\033[K", stderr);
		double wait = pause;
		if (rc == CURLE_OK) {
			curl_off_t ra = -1;
			curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
			if (*status != 503)
				break;
			curl_easy_getinfo(h, CURLINFO_RETRY_AFTER, &ra);
			if (ra > 0)
				wait = (double)ra;
		} else if (!transient(rc) || !idempotent) {
			fail(0, "cannot reach %s: %s", c->url,
			     curl_easy_strerror(rc));
			goto out;
		}
		if (now_s() + wait > c->deadline) {
			if (rc != CURLE_OK) {
				fail(0,
				     "cannot reach %s: %s (gave up after "
				     "--timeout %.0f s)",
				     c->url, curl_easy_strerror(rc),
				     c->timeout);
				goto out;
			}
			break; /* report the last 503 */
		}
		/* Said on every retry, so a CI log shows why a gate took
		 * longer than its computation. */
		fprintf(stderr, "evalctl: %s, retrying in %.1f s\n",
			rc == CURLE_OK ? "server busy (503)"
				       : curl_easy_strerror(rc),
			wait);
		usleep((useconds_t)(wait * 1e6));
		pause = pause * 2 > 8 ? 8 : pause * 2;
	}
	j = json_loadb(b.s ? b.s : "", b.len, 0, NULL);
	if (!j)
		fail(0, "%s answered %ld with something that is not JSON", url,
		     *status);
out:
	curl_slist_free_all(hd);
	curl_easy_cleanup(h);
	free(b.s);
	return j;
}

static json_t *call(const ctl *c, const char *method, const char *path,
		    const char *body, size_t len, const char *ctype,
		    long *status)
{
	return call_ex(c, method, path, body, len, ctype, NULL, status);
}

/* Print the server's error envelope as one line; returns EXIT_SERVER. */
static int server_error(json_t *j, long status)
{
	json_t *e = json_object_get(j, "error");
	const char *path = json_string_value(json_object_get(e, "path"));
	return fail(EXIT_SERVER, "server answered %ld %s: %s%s%s", status,
		    json_string_value(json_object_get(e, "code")),
		    json_string_value(json_object_get(e, "message")),
		    path && *path ? " at " : "", path && *path ? path : "");
}

/* --json: the answer indented, its numbers as the server wrote them. */
static void dump(json_t *j)
{
	char *s;
	size_t len;
	if (jsonout_dump(j, 2, &s, &len) == 0)
		puts(s);
	free(s);
}

/* A request whose 2xx answer is shown by `show` (a table) or as JSON. */
static int simple(const ctl *c, const char *method, const char *path,
		  const char *body, size_t len, const char *ctype,
		  void (*show)(json_t *))
{
	long st = 0;
	json_t *j = call(c, method, path, body, len, ctype, &st);
	int code = EXIT_OK;
	if (!j)
		return EXIT_SERVER;
	if (st >= 300)
		code = server_error(j, st);
	else if (c->json_out)
		dump(j);
	else
		show(j);
	json_decref(j);
	return code;
}

/* ------------------------------------------------------------ metrics */

static void show_metrics(json_t *j)
{
	size_t i;
	json_t *m;
	printf("%-20s %-11s %s\n", "NAME", "FAMILY", "SUMMARY");
	json_array_foreach(json_object_get(j, "metrics"), i, m)
		printf("%-20s %-11s %s\n",
		       json_string_value(json_object_get(m, "name")),
		       json_string_value(json_object_get(m, "family")),
		       json_string_value(json_object_get(m, "summary")));
}

/* ------------------------------------------------------------ compute */

/* Which number of the result a threshold applies to: "value", a bound of
 * "ci95", or another top-level number the metric returns (a test's
 * "pvalue", a curve's "auc"), so any scalar a metric reports can gate. */
typedef enum { GATE_VALUE, GATE_UPPER, GATE_LOWER, GATE_FIELD } gate_on;

typedef struct compute_opts {
	const char *metric;
	json_t *params, *inputs, *record; /* owned */
	json_t *files;	     /* {input: path} of .npy files, decided later */
	json_t *streams;     /* ids of streams made for this command */
	json_t *npz;	     /* {input: path} of .npy files sent as they are */
	double above, below; /* NAN when not given */
	gate_on on;
	const char *field; /* GATE_FIELD: the result's key (in argv) */
	int async;
} compute_opts;

static void compute_opts_free(compute_opts *o)
{
	json_decref(o->files);
	json_decref(o->npz);
	json_decref(o->streams);
	json_decref(o->params);
	json_decref(o->inputs);
	json_decref(o->record);
}

/* A result key as metrics name them: [a-z0-9_], not empty. */
static int field_name_ok(const char *s)
{
	if (!*s || strlen(s) > 64)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '_'))
			return 0;
	return 1;
}

static int parse_number(const char *s, double *out)
{
	char *end;
	errno = 0;
	*out = strtod(s, &end);
	return !errno && end != s && !*end && isfinite(*out) ? 0 : -1;
}

/* Split "NAME=REST" in place; NULL when there is no name. */
static char *split_eq(char *arg)
{
	char *eq = strchr(arg, '=');
	if (!eq || eq == arg)
		return NULL;
	*eq = '\0';
	return eq + 1;
}

static int record_set(compute_opts *o, const char *key, json_t *v)
{
	if (!o->record)
		o->record = json_object();
	return json_object_set_new(o->record, key, v);
}

/* 1 when path names a .npy file (by its magic), read later. */
static int npy_file(const char *path)
{
	char magic[6];
	FILE *f = fopen(path, "rb");
	int is = f && fread(magic, 1, 6, f) == 6 && npy_sniff(magic, 6) == 1;
	if (f)
		fclose(f);
	return is;
}

/* The options of `compute` into o; EXIT_OK or EXIT_USAGE (reported). */
static int compute_parse(int argc, char **argv, compute_opts *o)
{
	static const struct option lo[] = {
		{"param", required_argument, NULL, 'p'},
		{"input", required_argument, NULL, 'i'},
		{"record", required_argument, NULL, 'r'},
		{"step", required_argument, NULL, 's'},
		{"fail-above", required_argument, NULL, 'A'},
		{"fail-below", required_argument, NULL, 'B'},
		{"gate-on", required_argument, NULL, 'g'},
		{"async", no_argument, NULL, 'a'},
		{0}};
	char errbuf[300], *val, *end;
	json_t *v;
	int opt;

	o->params = json_object();
	o->inputs = json_object();
	o->files = json_object();
	o->streams = json_array();
	o->above = o->below = NAN;
	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (opt) {
		case 'p':
			if (!(val = split_eq(optarg)))
				return fail(EXIT_USAGE,
					    "--param wants k=v, got '%s'",
					    optarg);
			/* A value that parses as JSON is JSON (numbers,
			 * booleans, null, arrays); anything else a string. */
			v = json_loads(val, JSON_DECODE_ANY, NULL);
			json_object_set_new(o->params, optarg,
					    v ? v : json_string(val));
			break;
		case 'i':
			if (!(val = split_eq(optarg)))
				return fail(EXIT_USAGE,
					    "--input wants NAME=FILE, "
					    "NAME=ref:NAME or NAME=stream:ID, "
					    "got '%s'",
					    optarg);
			if (!strncmp(val, "ref:", 4) ||
			    !strncmp(val, "stream:", 7) || !npy_file(val)) {
				if (ctl_input_load(val, &v, errbuf) < 0)
					return fail(EXIT_USAGE,
						    "--input %s: %s", optarg,
						    errbuf);
				json_object_set_new(o->inputs, optarg, v);
			} else {
				json_object_set_new(o->files, optarg,
						    json_string(val));
			}
			break;
		case 'r': record_set(o, "series", json_string(optarg)); break;
		case 's': {
			long long st = strtoll(optarg, &end, 10);
			if (*end || end == optarg)
				return fail(EXIT_USAGE,
					    "--step wants an integer, got '%s'",
					    optarg);
			record_set(o, "step", json_integer(st));
			break;
		}
		case 'A':
		case 'B':
			if (parse_number(optarg,
					 opt == 'A' ? &o->above : &o->below))
				return fail(EXIT_USAGE,
					    "--fail-%s wants a number, got "
					    "'%s'",
					    opt == 'A' ? "above" : "below",
					    optarg);
			break;
		case 'g':
			if (!strcmp(optarg, "value"))
				o->on = GATE_VALUE;
			else if (!strcmp(optarg, "upper"))
				o->on = GATE_UPPER;
			else if (!strcmp(optarg, "lower"))
				o->on = GATE_LOWER;
			else if (field_name_ok(optarg)) {
				o->on = GATE_FIELD;
				o->field = optarg;
			} else
				return fail(EXIT_USAGE,
					    "--gate-on takes value, upper, "
					    "lower or the name of a number in "
					    "the result, got '%s'",
					    optarg);
			break;
		case 'a': o->async = 1; break;
		default:
			return fail(EXIT_USAGE,
				    "compute: unknown or incomplete option "
				    "'%s' (evalctl --help lists them)",
				    argv[optind - 1]);
		}
	}
	if (optind != argc - 1)
		return fail(EXIT_USAGE, "compute takes one METRIC name "
					"(evalctl metrics lists them)");
	o->metric = argv[optind];
	char a[NUMFMT_SIZE], b[NUMFMT_SIZE];
	if (!isnan(o->above) && !isnan(o->below) && o->below > o->above)
		return fail(EXIT_USAGE,
			    "--fail-below %s is above --fail-above %s: no "
			    "value could pass",
			    num(o->below, a), num(o->above, b));
	if (o->record && !json_object_get(o->record, "series"))
		return fail(EXIT_USAGE, "--step needs --record SERIES");
	/* The gate's thresholds go with the recorded point, so the
	 * dashboard can draw them next to the values they judged. */
	if (o->record && !isnan(o->above))
		record_set(o, "fail_above", json_real(o->above));
	if (o->record && !isnan(o->below))
		record_set(o, "fail_below", json_real(o->below));
	return EXIT_OK;
}

static void progress_bar(double f)
{
	int w = 40, n = (int)(f * w + 0.5);
	fprintf(stderr, "\r[");
	for (int i = 0; i < w; i++)
		fputc(i < n ? '#' : '.', stderr);
	fprintf(stderr, "] %3.0f%%", f * 100);
	fflush(stderr);
}

/* Poll a job to its end; returns its result (new reference) or NULL with
 * *code set. */
static json_t *wait_job(const ctl *c, const char *id, int *code)
{
	char path[128];
	int tty = isatty(STDERR_FILENO);
	snprintf(path, sizeof path, "/v1/jobs/%s", id);
	for (;;) {
		long st = 0;
		json_t *j = call(c, "GET", path, NULL, 0, NULL, &st), *r = NULL;
		if (!j) {
			*code = EXIT_SERVER;
			return NULL;
		}
		if (st != 200) {
			*code = server_error(j, st);
			json_decref(j);
			return NULL;
		}
		const char *s = json_string_value(json_object_get(j, "status"));
		if (tty)
			progress_bar(json_number_value(
				json_object_get(j, "progress")));
		int done = s && !strcmp(s, "done");
		int over = done || (s && (!strcmp(s, "failed") ||
					  !strcmp(s, "cancelled")));
		if (tty && over)
			fputc('\n', stderr);
		if (done) {
			r = json_incref(json_object_get(j, "result"));
		} else if (over) {
			json_t *e = json_object_get(j, "error");
			json_t *wrap = json_pack("{s:O?}", "error", e);
			*code = e ? server_error(wrap,
						 (long)json_integer_value(
							 json_object_get(
								 e, "status")))
				  : fail(EXIT_SERVER, "job %s was %s", id, s);
			json_decref(wrap);
		}
		json_decref(j);
		if (over)
			return r;
		usleep(200000);
	}
}

/* Send the request (and follow the job when async); the result or NULL
 * with *code set. */
static json_t *compute_request(const ctl *c, const compute_opts *o, int *code)
{
	json_t *body = json_pack("{s:O, s:O}", "inputs", o->inputs, "params",
				 o->params);
	json_t *j = NULL, *res = NULL;
	char *text = NULL, *name = escape_name(o->metric), path[600];
	char label[128];
	size_t len;
	long st = 0;

	*code = EXIT_SERVER;
	if (!body || !name) {
		fail(0, "out of memory");
		goto out;
	}
	if (o->record)
		json_object_set(body, "record", o->record);
	if (o->npz) {
		char errbuf[300];
		if (ctl_npz_body(o->npz, o->params, &text, &len, errbuf) < 0) {
			*code = fail(EXIT_USAGE, "%s", errbuf);
			goto out;
		}
	} else if (jsonout_dump(body, 0, &text, &len) < 0) {
		fail(0, "out of memory");
		goto out;
	}
	snprintf(path, sizeof path, "/v1/metrics/%s%s", name,
		 o->async ? "?async=1" : "");
	/* On a terminal: the body's upload, then "computing..." until the
	 * answer (a job draws its own progress bar). */
	snprintf(label, sizeof label, "%.100s", o->metric);
	if (!(j = call_ex(c, "POST", path, text, len,
			  o->npz ? "application/x-npz" : "application/json",
			  o->async ? NULL : label, &st)))
		goto out;
	if (st == 202)
		res = wait_job(c, json_string_value(json_object_get(j, "job")),
			       code);
	else if (st != 200)
		*code = server_error(j, st);
	else
		res = json_incref(j);
out:
	json_decref(body);
	json_decref(j);
	free(text);
	free(name);
	return res;
}

/* Whether the metric's input `name` takes statistics by stream id, from
 * the catalog: then its .npy file is streamed, not sent as JSON.  A
 * bootstrap needs the rows themselves. */
static int takes_stream(json_t *entry, const char *name, json_t *params)
{
	size_t i;
	json_t *in, *b = json_object_get(params, "bootstrap");

	if (b && json_is_number(b) && json_number_value(b) > 0)
		return 0;
	json_array_foreach(json_object_get(entry, "inputs"), i, in)
	{
		const char *n = json_string_value(json_object_get(in, "name"));
		const char *sh =
			json_string_value(json_object_get(in, "shape"));
		if (n && sh && !strcmp(n, name))
			return strstr(sh, "{stream}") != NULL;
	}
	return 0;
}

/* Stream a mapped .npy into a new stream; its id into *id (malloc'd). */
static int upload_stream(const ctl *c, const char *input, const ctl_map *m,
			 char **id)
{
	char body[64], path[128], label[160];
	long st = 0;
	int code = EXIT_OK;
	json_t *j;

	snprintf(body, sizeof body, "{\"dim\": %lld}", m->d);
	if (!(j = call(c, "POST", "/v1/streams", body, strlen(body),
		       "application/json", &st)))
		return EXIT_SERVER;
	if (st != 201 && st != 200) {
		code = server_error(j, st);
		json_decref(j);
		return code;
	}
	*id = strdup(json_string_value(json_object_get(j, "id")));
	json_decref(j);
	snprintf(path, sizeof path, "/v1/streams/%s/batches", *id);
	snprintf(label, sizeof label, "input %s", input);
	if (!(j = call_ex(c, "POST", path, m->data, m->len, "application/x-npy",
			  label, &st)))
		return EXIT_SERVER;
	if (st != 200)
		code = server_error(j, st);
	json_decref(j);
	return code;
}

/* The .npy files not streamed go as they are, in a .npz body, when they
 * are all the inputs and nothing is recorded (a .npz carries no
 * "record"); else they are read into the JSON body. */
static int npz_or_json(compute_opts *o)
{
	char errbuf[300];
	const char *input;
	json_t *p, *v;

	if (!o->npz || (!json_object_size(o->inputs) && !o->record))
		return EXIT_OK;
	json_object_foreach(o->npz, input, p)
	{
		if (ctl_input_load(json_string_value(p), &v, errbuf) < 0)
			return fail(EXIT_USAGE, "--input %s=%s: %s", input,
				    json_string_value(p), errbuf);
		json_object_set_new(o->inputs, input, v);
	}
	json_decref(o->npz);
	o->npz = NULL;
	return EXIT_OK;
}

/* Turn the .npy inputs into inputs: streamed into a stream of this
 * command's own when the metric takes one, else sent as they are in a
 * .npz body or read into the JSON one (npz_or_json). */
static int resolve_files(const ctl *c, compute_opts *o)
{
	char errbuf[300], path[600], *name;
	const char *input;
	json_t *p, *entry = NULL;
	long st = 0;
	int code = EXIT_OK;

	if (!json_object_size(o->files))
		return EXIT_OK;
	if (!(name = escape_name(o->metric)))
		return fail(EXIT_SERVER, "out of memory");
	snprintf(path, sizeof path, "/v1/metrics/%s", name);
	free(name);
	entry = call(c, "GET", path, NULL, 0, NULL, &st);
	if (!entry)
		return EXIT_SERVER;
	json_object_foreach(o->files, input, p)
	{
		const char *file = json_string_value(p);
		ctl_map m;
		char *id = NULL;
		int mapped = st == 200 && takes_stream(entry, input, o->params)
				     ? ctl_npy_map(file, &m, errbuf)
				     : 0;
		if (mapped < 0) {
			code = fail(EXIT_USAGE, "--input %s=%s: %s", input,
				    file, errbuf);
			break;
		}
		if (mapped) {
			code = upload_stream(c, input, &m, &id);
			ctl_unmap(&m);
			if (id)
				json_array_append_new(o->streams,
						      json_string(id));
			if (code == EXIT_OK)
				json_object_set_new(
					o->inputs, input,
					json_pack("{s:s}", "stream", id));
			free(id);
			if (code != EXIT_OK)
				break;
			continue;
		}
		if (!o->npz)
			o->npz = json_object();
		json_object_set_new(o->npz, input, json_string(file));
	}
	json_decref(entry);
	return code == EXIT_OK ? npz_or_json(o) : code;
}

/* The streams resolve_files made are this command's: remove them. */
static void drop_streams(const ctl *c, const compute_opts *o)
{
	size_t i;
	json_t *id;
	json_array_foreach(o->streams, i, id)
	{
		char path[128];
		long st = 0;
		snprintf(path, sizeof path, "/v1/streams/%s",
			 json_string_value(id));
		json_decref(call(c, "DELETE", path, NULL, 0, NULL, &st));
	}
}

static void show_result(json_t *r)
{
	const char *k;
	json_t *v;
	json_object_foreach(r, k, v)
	{
		if (!strcmp(k, "params") || !strcmp(k, "warnings"))
			continue;
		char nb[NUMFMT_SIZE], *s;
		size_t len;
		if (json_is_number(v))
			printf("%-14s %s\n", k, num(json_number_value(v), nb));
		else if (json_is_string(v))
			printf("%-14s %s\n", k, json_string_value(v));
		else if (jsonout_dump(v, 0, &s, &len) == 0) {
			printf("%-14s %.200s%s\n", k, s,
			       len > 200 ? "..." : "");
			free(s);
		}
	}
	size_t i;
	json_array_foreach(json_object_get(r, "warnings"), i, v)
		fprintf(stderr, "warning: %s\n", json_string_value(v));
}

/* The threshold against the result: EXIT_OK, EXIT_THRESHOLD, or
 * EXIT_USAGE when it cannot apply (no scalar, no interval). */
static int compute_gate(const compute_opts *o, json_t *res)
{
	const char *what[] = {"value", "upper bound of ci95",
			      "lower bound of ci95", o->field};
	json_t *v = json_object_get(res, "value");

	if (isnan(o->above) && isnan(o->below))
		return EXIT_OK;
	if (o->on == GATE_FIELD) {
		v = json_object_get(res, o->field);
		if (!json_is_number(v))
			return fail(EXIT_USAGE,
				    "--gate-on %s: %s returned no number "
				    "named '%s' (evalctl --json shows the "
				    "result's fields)",
				    o->field, o->metric, o->field);
	} else if (o->on != GATE_VALUE) {
		json_t *ci = json_object_get(res, "ci95");
		if (!json_is_array(ci) || json_array_size(ci) != 2)
			return fail(EXIT_USAGE,
				    "--gate-on %s needs an interval, and %s "
				    "returned none (for fid, pass --param "
				    "bootstrap=N)",
				    o->on == GATE_UPPER ? "upper" : "lower",
				    o->metric);
		v = json_array_get(ci, o->on == GATE_UPPER ? 1 : 0);
	}
	if (!json_is_number(v))
		return fail(EXIT_USAGE,
			    "%s has no single number to compare with the "
			    "threshold (is reduction \"none\"?)",
			    o->metric);
	double x = json_number_value(v);
	char a[NUMFMT_SIZE], b[NUMFMT_SIZE];
	if (!isnan(o->above) && x > o->above)
		return fail(EXIT_THRESHOLD, "%s %s = %s is above %s", o->metric,
			    what[o->on], num(x, a), num(o->above, b));
	if (!isnan(o->below) && x < o->below)
		return fail(EXIT_THRESHOLD, "%s %s = %s is below %s", o->metric,
			    what[o->on], num(x, a), num(o->below, b));
	return EXIT_OK;
}

static int cmd_compute(const ctl *c, int argc, char **argv)
{
	compute_opts o = {0};
	json_t *res = NULL;
	int code = compute_parse(argc, argv, &o);

	if (code != EXIT_OK)
		goto out;
	if ((code = resolve_files(c, &o)) != EXIT_OK ||
	    !(res = compute_request(c, &o, &code)))
		goto out;
	if (c->json_out)
		dump(res);
	else
		show_result(res);
	code = compute_gate(&o, res);
out:
	drop_streams(c, &o);
	json_decref(res);
	compute_opts_free(&o);
	return code;
}

/* ------------------------------------------------------------ refs */

static void show_refs(json_t *j)
{
	size_t i;
	json_t *r, *list = json_object_get(j, "references");
	printf("%-32s %10s %6s\n", "NAME", "N", "D");
	/* One reference (a PUT's answer) or the list. */
	if (!list) {
		list = json_array();
		json_array_append(list, j);
	} else {
		json_incref(list);
	}
	json_array_foreach(list, i, r)
		printf("%-32s %10.0f %6lld\n",
		       json_string_value(json_object_get(r, "name")),
		       json_number_value(json_object_get(r, "n")),
		       (long long)json_integer_value(json_object_get(r, "d")));
	json_decref(list);
}

static void show_deleted(json_t *j)
{
	printf("%-32s %s\n", "NAME", "DELETED");
	printf("%-32s %s\n", json_string_value(json_object_get(j, "name")),
	       json_is_true(json_object_get(j, "deleted")) ? "yes" : "no");
}

static int cmd_ref(const ctl *c, int argc, char **argv)
{
	char path[1200], errbuf[300], *name = NULL, *body = NULL;
	const char *ctype;
	size_t len;
	int code = EXIT_USAGE;

	if (argc == 2 && !strcmp(argv[1], "ls"))
		return simple(c, "GET", "/v1/references", NULL, 0, NULL,
			      show_refs);
	if (!((argc == 3 && !strcmp(argv[1], "rm")) ||
	      (argc == 4 && !strcmp(argv[1], "put"))))
		return fail(EXIT_USAGE, "ref takes: put NAME FILE | ls | rm "
					"NAME");
	if (!(name = escape_name(argv[2])))
		return fail(EXIT_SERVER, "out of memory");
	snprintf(path, sizeof path, "/v1/references/%s", name);
	ctl_map m;
	int mapped = argc == 4 ? ctl_npy_map(argv[3], &m, errbuf) : 0;
	if (mapped < 0) {
		code = fail(EXIT_USAGE, "%s", errbuf);
	} else if (mapped) {
		/* Embeddings go as they are, streamed into moments. */
		long st = 0;
		char label[300];
		snprintf(label, sizeof label, "ref put %.200s", argv[2]);
		json_t *j = call_ex(c, "PUT", path, m.data, m.len,
				    "application/x-npy", label, &st);
		ctl_unmap(&m);
		code = !j	   ? EXIT_SERVER
		       : st >= 300 ? server_error(j, st)
				   : (c->json_out ? dump(j) : show_refs(j),
				      EXIT_OK);
		json_decref(j);
	} else if (argc == 3) {
		code = simple(c, "DELETE", path, NULL, 0, NULL, show_deleted);
	} else if (ctl_reference_body(argv[3], &body, &len, &ctype, errbuf) <
		   0) {
		code = fail(EXIT_USAGE, "%s: %s", argv[3], errbuf);
	} else {
		code = simple(c, "PUT", path, body, len, ctype, show_refs);
	}
	free(body);
	free(name);
	return code;
}

/* ------------------------------------------------------------ series */

static void show_series(json_t *j)
{
	size_t i;
	json_t *p;
	printf("%-10s %-24s %s\n", "STEP", "VALUE", "TIME");
	json_array_foreach(json_object_get(j, "points"), i, p)
	{
		json_t *s = json_object_get(p, "step"),
		       *v = json_object_get(p, "value");
		char step[32] = "-", val[40] = "null";
		if (json_is_integer(s))
			snprintf(step, sizeof step, "%lld",
				 (long long)json_integer_value(s));
		if (json_is_number(v))
			num(json_number_value(v), val);
		printf("%-10s %-24s %.3f\n", step, val,
		       json_number_value(json_object_get(p, "ts")));
	}
}

static int cmd_series(const ctl *c, const char *series)
{
	char path[1200], *name = escape_name(series);
	if (!name)
		return fail(EXIT_SERVER, "out of memory");
	snprintf(path, sizeof path, "/v1/series/%s?limit=100000", name);
	free(name);
	return simple(c, "GET", path, NULL, 0, NULL, show_series);
}

/* ------------------------------------------------------------ datasets */

static void show_datasets(json_t *j)
{
	size_t i;
	json_t *d, *list = json_object_get(j, "datasets");
	printf("%-32s %10s %10s %7s %7s\n", "NAME", "ROWS", "KEPT", "SAMPLED",
	       "COLUMNS");
	/* One dataset (a PUT's answer) or the list. */
	if (!list) {
		list = json_array();
		json_array_append(list, j);
	} else {
		json_incref(list);
	}
	json_array_foreach(list, i, d) printf(
		"%-32s %10lld %10lld %7s %7lld\n",
		json_string_value(json_object_get(d, "name")),
		(long long)json_integer_value(json_object_get(d, "n_rows")),
		(long long)json_integer_value(json_object_get(d, "n_kept")),
		json_is_true(json_object_get(d, "sampled")) ? "yes" : "no",
		(long long)json_integer_value(json_object_get(d, "n_columns")));
	json_decref(list);
}

/* dataset put NAME FILE: FILE is the PUT's body as it is, a JSON table
 * with max_rows and seed when wanted. */
static int cmd_dataset(const ctl *c, int argc, char **argv)
{
	char path[1200], *name = NULL, *body = NULL;
	json_error_t je;
	json_t *t = NULL;
	int code;

	if (argc == 2 && !strcmp(argv[1], "ls"))
		return simple(c, "GET", "/v1/datasets", NULL, 0, NULL,
			      show_datasets);
	if (!((argc == 3 && !strcmp(argv[1], "rm")) ||
	      (argc == 4 && !strcmp(argv[1], "put"))))
		return fail(EXIT_USAGE, "dataset takes: put NAME FILE | ls | "
					"rm NAME");
	if (!(name = escape_name(argv[2])))
		return fail(EXIT_SERVER, "out of memory");
	snprintf(path, sizeof path, "/v1/datasets/%s", name);
	if (argc == 3) {
		code = simple(c, "DELETE", path, NULL, 0, NULL, show_deleted);
	} else if (!(t = json_load_file(argv[3], 0, &je))) {
		code = fail(EXIT_USAGE, "%s: %s (line %d)", argv[3], je.text,
			    je.line);
	} else if (!(body = json_dumps(t, JSON_COMPACT))) {
		code = fail(EXIT_SERVER, "out of memory");
	} else {
		code = simple(c, "PUT", path, body, strlen(body),
			      "application/json", show_datasets);
	}
	json_decref(t);
	free(body);
	free(name);
	return code;
}

/* ------------------------------------------------------------ drift */

typedef struct drift_opts {
	const char *ref, *cur; /* table files */
	json_t *columns;       /* {name: {"test"?, "threshold"?}} */
	json_t *body;	       /* correction, drift_share, record */
	const char *gate;      /* a dotted path into the report, or NULL */
	double above, below;   /* NAN when not given */
	int fail_on_drift;
} drift_opts;

/* The settings of the column named last by --column. */
static json_t *last_column(drift_opts *o, const char *opt)
{
	const char *k = NULL;
	json_t *v, *last = NULL;
	json_object_foreach(o->columns, k, v) last = v;
	if (!last)
		fail(EXIT_USAGE,
		     "%s applies to a column: give --column C first", opt);
	return last;
}

static int drift_opt(drift_opts *o, int opt, const char *arg)
{
	double x;
	json_t *col;
	char *end;

	switch (opt) {
	case 'R': o->ref = arg; break;
	case 'C': o->cur = arg; break;
	case 'c': json_object_set_new(o->columns, arg, json_object()); break;
	case 't':
	case 'h':
		if (!(col = last_column(o,
					opt == 't' ? "--test" : "--threshold")))
			return EXIT_USAGE;
		if (opt == 't')
			json_object_set_new(col, "test", json_string(arg));
		else if (parse_number(arg, &x))
			return fail(EXIT_USAGE,
				    "--threshold wants a number, got '%s'",
				    arg);
		else
			json_object_set_new(col, "threshold", json_real(x));
		break;
	case 'x':
		json_object_set_new(o->body, "correction", json_string(arg));
		break;
	case 'S':
		if (parse_number(arg, &x))
			return fail(EXIT_USAGE,
				    "--drift-share wants a number, got '%s'",
				    arg);
		json_object_set_new(o->body, "drift_share", json_real(x));
		break;
	case 'r':
	case 's': {
		json_t *rec = json_object_get(o->body, "record");
		if (!rec)
			json_object_set_new(o->body, "record",
					    rec = json_object());
		long long st = opt == 's' ? strtoll(arg, &end, 10) : 0;
		if (opt == 's' && (*end || end == arg))
			return fail(EXIT_USAGE,
				    "--step wants an integer, got '%s'", arg);
		json_object_set_new(rec, opt == 'r' ? "series" : "step",
				    opt == 'r' ? json_string(arg)
					       : json_integer(st));
		break;
	}
	case 'F': o->fail_on_drift = 1; break;
	case 'g': o->gate = arg; break;
	case 'A':
	case 'B':
		if (parse_number(arg, opt == 'A' ? &o->above : &o->below))
			return fail(EXIT_USAGE,
				    "--fail-%s wants a number, got '%s'",
				    opt == 'A' ? "above" : "below", arg);
		break;
	default: return fail(EXIT_USAGE, "drift: unknown or incomplete option");
	}
	return EXIT_OK;
}

static int drift_parse(int argc, char **argv, drift_opts *o)
{
	static const struct option lo[] = {
		{"reference", required_argument, NULL, 'R'},
		{"current", required_argument, NULL, 'C'},
		{"column", required_argument, NULL, 'c'},
		{"test", required_argument, NULL, 't'},
		{"threshold", required_argument, NULL, 'h'},
		{"correction", required_argument, NULL, 'x'},
		{"drift-share", required_argument, NULL, 'S'},
		{"record", required_argument, NULL, 'r'},
		{"step", required_argument, NULL, 's'},
		{"fail-on-drift", no_argument, NULL, 'F'},
		{"gate-on", required_argument, NULL, 'g'},
		{"fail-above", required_argument, NULL, 'A'},
		{"fail-below", required_argument, NULL, 'B'},
		{0}};
	int opt, code;

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "", lo, NULL)) != -1)
		if ((code = drift_opt(o, opt == '?' ? 0 : opt, optarg)) !=
		    EXIT_OK)
			return code;
	if (optind != argc || !o->ref || !o->cur)
		return fail(EXIT_USAGE, "drift needs --reference FILE and "
					"--current FILE, and no other "
					"arguments");
	json_t *rec = json_object_get(o->body, "record");
	if (rec && !json_object_get(rec, "series"))
		return fail(EXIT_USAGE, "--step needs --record SERIES");
	if ((!isnan(o->above) || !isnan(o->below)) != (o->gate != NULL))
		return fail(EXIT_USAGE, "--gate-on PATH and --fail-above or "
					"--fail-below go together");
	return EXIT_OK;
}

/* The number at a dotted path of the report (columns.age.p_value). */
static json_t *report_at(json_t *r, const char *path)
{
	char key[256];
	while (r && *path) {
		size_t n = strcspn(path, ".");
		snprintf(key, sizeof key, "%.*s", (int)n, path);
		r = json_object_get(r, key);
		path += n + (path[n] == '.');
	}
	return r;
}

static int drift_gate(const drift_opts *o, json_t *res)
{
	char a[NUMFMT_SIZE], b[NUMFMT_SIZE];
	if (o->gate) {
		json_t *v = report_at(res, o->gate);
		if (!json_is_number(v))
			return fail(EXIT_USAGE,
				    "--gate-on %s: the report has no number "
				    "there (evalctl --json drift shows it)",
				    o->gate);
		double x = json_number_value(v);
		if (!isnan(o->above) && x > o->above)
			return fail(EXIT_THRESHOLD, "drift %s = %s is above %s",
				    o->gate, num(x, a), num(o->above, b));
		if (!isnan(o->below) && x < o->below)
			return fail(EXIT_THRESHOLD, "drift %s = %s is below %s",
				    o->gate, num(x, a), num(o->below, b));
	}
	if (o->fail_on_drift &&
	    json_is_true(json_object_get(res, "dataset_drift")))
		return fail(
			EXIT_THRESHOLD,
			"dataset drift: a share of %s of the columns "
			"drifted (drift_share %s)",
			num(json_number_value(json_object_get(res, "share")),
			    a),
			num(json_number_value(
				    json_object_get(res, "drift_share")),
			    b));
	return EXIT_OK;
}

static void show_drift(json_t *r)
{
	const char *k;
	json_t *v;
	char s[NUMFMT_SIZE], t[NUMFMT_SIZE];
	printf("%-24s %-16s %-24s %-10s %s\n", "COLUMN", "TEST", "SCORE",
	       "THRESHOLD", "DRIFTED");
	json_object_foreach(json_object_get(r, "columns"), k, v)
	{
		json_t *sc = json_object_get(v, "score");
		printf("%-24s %-16s %-24s %-10s %s\n", k,
		       json_string_value(json_object_get(v, "test")),
		       json_is_number(sc) ? num(json_number_value(sc), s)
					  : "null",
		       num(json_number_value(json_object_get(v, "threshold")),
			   t),
		       json_is_true(json_object_get(v, "drifted")) ? "yes"
								   : "no");
	}
	printf("share %s, dataset drift: %s\n",
	       num(json_number_value(json_object_get(r, "share")), s),
	       json_is_true(json_object_get(r, "dataset_drift")) ? "yes"
								 : "no");
	/* A stored table: which one, and whether its rows are a sample. */
	static const char *const ds[] = {"reference", "current"};
	for (int i = 0; i < 2; i++) {
		char key[32];
		snprintf(key, sizeof key, "%s_dataset", ds[i]);
		json_t *d = json_object_get(r, key);
		if (d)
			printf("%s: dataset %s, %lld of %lld rows%s\n", ds[i],
			       json_string_value(json_object_get(d, "name")),
			       (long long)json_integer_value(
				       json_object_get(d, "n_kept")),
			       (long long)json_integer_value(
				       json_object_get(d, "n_rows")),
			       json_is_true(json_object_get(d, "sampled"))
				       ? " (a seeded sample)"
				       : "");
	}
}

/* FILE (a JSON table) or dataset:NAME (a stored one) as body[opt]. */
static int drift_table(const char *file, const char *opt, json_t *body)
{
	json_error_t je;
	json_t *t;

	if (!strncmp(file, "dataset:", 8)) {
		json_object_set_new(body, opt,
				    json_pack("{s:s}", "dataset", file + 8));
		return EXIT_OK;
	}
	t = json_load_file(file, 0, &je);
	if (!t)
		return fail(EXIT_USAGE, "--%s %s: %s (line %d)", opt, file,
			    je.text, je.line);
	json_object_set_new(body, opt, t);
	return EXIT_OK;
}

static int cmd_drift(const ctl *c, int argc, char **argv)
{
	drift_opts o = {.columns = json_object(),
			.body = json_object(),
			.above = NAN,
			.below = NAN};
	json_t *res = NULL;
	char *text = NULL;
	size_t len;
	long st = 0;
	int code = drift_parse(argc, argv, &o);

	if (code != EXIT_OK ||
	    (code = drift_table(o.ref, "reference", o.body)) != EXIT_OK ||
	    (code = drift_table(o.cur, "current", o.body)) != EXIT_OK)
		goto out;
	if (json_object_size(o.columns))
		json_object_set(o.body, "columns", o.columns);
	text = json_dumps(o.body, JSON_COMPACT);
	len = text ? strlen(text) : 0;
	if (!(res = call(c, "POST", "/v1/drift", text, len, "application/json",
			 &st))) {
		code = EXIT_SERVER;
		goto out;
	}
	if (st >= 300) {
		code = server_error(res, st);
		goto out;
	}
	if (c->json_out)
		dump(res);
	else
		show_drift(res);
	code = drift_gate(&o, res);
out:
	free(text);
	json_decref(res);
	json_decref(o.columns);
	json_decref(o.body);
	return code;
}

/* ------------------------------------------------------------ main */

static void usage(void)
{
	printf("usage: evalctl [--url URL] [--token TOKEN] [--cacert FILE] "
	       "[--timeout SECONDS] [--json] COMMAND\n"
	       "       evalctl --help | --version\n"
	       "\n"
	       "  metrics                       list the metrics\n"
	       "  compute METRIC [--param k=v]... [--input NAME=SOURCE]...\n"
	       "          [--record SERIES [--step N]] [--async]\n"
	       "          [--fail-above X] [--fail-below Y] "
	       "[--gate-on value|upper|lower|FIELD]\n"
	       "                                compute one metric; SOURCE is "
	       "FILE (.npy .npz .csv .json),\n"
	       "                                ref:NAME or stream:ID\n"
	       "  ref put NAME FILE | ref ls | ref rm NAME\n"
	       "  series NAME                   print a series' points\n"
	       "  dataset put NAME FILE | dataset ls | dataset rm NAME\n"
	       "                                a stored table (FILE: JSON, "
	       "with max_rows, seed)\n"
	       "  drift --reference FILE|dataset:NAME --current "
	       "FILE|dataset:NAME\n"
	       "          [--column C [--test T]\n"
	       "          [--threshold X]]... [--correction "
	       "none|bonferroni|bh]\n"
	       "          [--drift-share S] [--record SERIES [--step N]]\n"
	       "          [--fail-on-drift] [--gate-on PATH --fail-below Y]\n"
	       "                                a drift report of two JSON "
	       "or stored tables\n"
	       "\n"
	       "EVALD_URL and EVALD_TOKEN set --url and --token; "
	       "CURL_CA_BUNDLE or SSL_CERT_FILE\n"
	       "set --cacert, SSL_CERT_DIR a directory of CA certificates.  "
	       "Exit: 0 ok, 1 threshold\n"
	       "violated, 2 usage error, 3 server or connection error.\n");
}

/* The global options (before the command) into c; the index of the
 * command, or -1 after answering --help/--version, or -2 on an error. */
static int parse_global(int argc, char **argv, ctl *c)
{
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage();
			return -1;
		}
		if (!strcmp(a, "--version")) {
			printf("evalctl %s\n", PACKAGE_VERSION);
			return -1;
		}
		if (!strcmp(a, "--json")) {
			c->json_out = 1;
			continue;
		}
		if (strcmp(a, "--url") && strcmp(a, "--token") &&
		    strcmp(a, "--cacert") && strcmp(a, "--timeout")) {
			fail(0, "unknown option %s (evalctl --help lists them)",
			     a);
			return -2;
		}
		if (!v) {
			fail(0, "%s wants a value", a);
			return -2;
		}
		i++;
		if (!strcmp(a, "--url")) {
			snprintf(c->url, sizeof c->url, "%s", v);
		} else if (!strcmp(a, "--token")) {
			c->token = v;
		} else if (!strcmp(a, "--cacert")) {
			c->cacert = v;
		} else if (parse_number(v, &c->timeout) || c->timeout <= 0) {
			fail(0, "--timeout wants a number of seconds, got '%s'",
			     v);
			return -2;
		}
	}
	if (i >= argc) {
		fail(0, "no command given (evalctl --help lists them)");
		return -2;
	}
	return i;
}

static const char *first_env(const char *a, const char *b)
{
	const char *v = getenv(a);
	if (!v || !*v)
		v = getenv(b);
	return v && *v ? v : NULL;
}

int main(int argc, char **argv)
{
	ctl c = {.token = getenv("EVALD_TOKEN"), .timeout = 600};
	const char *url = getenv("EVALD_URL");
	int code;

	c.cacert = first_env("CURL_CA_BUNDLE", "SSL_CERT_FILE");
	c.capath = first_env("SSL_CERT_DIR", "SSL_CERT_DIR");
	snprintf(c.url, sizeof c.url, "%s",
		 url && *url ? url : "http://127.0.0.1:8640");
	int i = parse_global(argc, argv, &c);
	if (i < 0)
		return i == -1 ? EXIT_OK : EXIT_USAGE;
	size_t ul = strlen(c.url);
	while (ul && c.url[ul - 1] == '/')
		c.url[--ul] = '\0';
	/* --json may also follow the command. */
	for (int k = i + 1; k < argc; k++)
		if (!strcmp(argv[k], "--json")) {
			c.json_out = 1;
			memmove(&argv[k], &argv[k + 1],
				(size_t)(argc - k) * sizeof *argv);
			argc--;
			k--;
		}
	c.deadline = now_s() + c.timeout;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	json_object_seed(0);
	const char *cmd = argv[i];
	if (!strcmp(cmd, "metrics") && argc == i + 1)
		code = simple(&c, "GET", "/v1/metrics", NULL, 0, NULL,
			      show_metrics);
	else if (!strcmp(cmd, "compute"))
		code = cmd_compute(&c, argc - i, argv + i);
	else if (!strcmp(cmd, "ref"))
		code = cmd_ref(&c, argc - i, argv + i);
	else if (!strcmp(cmd, "series") && argc == i + 2)
		code = cmd_series(&c, argv[i + 1]);
	else if (!strcmp(cmd, "dataset"))
		code = cmd_dataset(&c, argc - i, argv + i);
	else if (!strcmp(cmd, "drift"))
		code = cmd_drift(&c, argc - i, argv + i);
	else
		code = fail(EXIT_USAGE,
			    "unknown command or wrong arguments: %s (evalctl "
			    "--help lists them)",
			    cmd);
	curl_global_cleanup();
	return code;
}
