/* evalctl.c - the command-line client of evald, for people and CI.
 *
 *   evalctl [--url URL] [--token T] metrics
 *   evalctl compute METRIC [--param k=v]... [--input NAME=FILE|ref:NAME|
 *           stream:ID]... [--record SERIES] [--step N] [--async] [--json]
 *           [--fail-above X | --fail-below X]
 *   evalctl ref put NAME FILE | ref ls | ref rm NAME
 *   evalctl series NAME
 *
 * Exit codes: 0 ok, 1 threshold violated, 2 usage error, 3 server or
 * connection error; each failure prints one line saying why. */
#include <config.h>

#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl_input.h"

enum { EXIT_OK = 0, EXIT_THRESHOLD = 1, EXIT_USAGE = 2, EXIT_SERVER = 3 };

typedef struct ctl {
	char url[512];
	const char *token;
	int json_out;
} ctl;

typedef struct buf {
	char *s;
	size_t len;
} buf;

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

/* One HTTP exchange.  Returns the parsed JSON answer (new reference) and
 * the status in *status, or NULL after printing why (exit 3). */
static json_t *call(const ctl *c, const char *method, const char *path,
		    const char *body, size_t len, const char *ctype,
		    long *status)
{
	CURL *h = curl_easy_init();
	struct curl_slist *hd = NULL;
	buf b = {0};
	char url[1200], auth[400], ct[128];
	json_t *j = NULL;

	if (!h) {
		fprintf(stderr, "evalctl: cannot initialise libcurl\n");
		return NULL;
	}
	snprintf(url, sizeof url, "%s%s", c->url, path);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
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
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hd);
	CURLcode rc = curl_easy_perform(h);
	if (rc != CURLE_OK) {
		fprintf(stderr, "evalctl: cannot reach %s: %s\n", c->url,
			curl_easy_strerror(rc));
		goto out;
	}
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
	j = json_loadb(b.s ? b.s : "", b.len, 0, NULL);
	if (!j)
		fprintf(stderr,
			"evalctl: %s answered %ld with something that "
			"is not JSON\n",
			url, *status);
out:
	curl_slist_free_all(hd);
	curl_easy_cleanup(h);
	free(b.s);
	return j;
}

/* Print the server's error envelope as one line; returns EXIT_SERVER. */
static int server_error(json_t *j, long status)
{
	json_t *e = json_object_get(j, "error");
	const char *path = json_string_value(json_object_get(e, "path"));
	fprintf(stderr, "evalctl: server answered %ld %s: %s%s%s\n", status,
		json_string_value(json_object_get(e, "code")),
		json_string_value(json_object_get(e, "message")),
		path && *path ? " at " : "", path && *path ? path : "");
	return EXIT_SERVER;
}

static void dump(json_t *j)
{
	char *s = json_dumps(j, JSON_INDENT(2) | JSON_REAL_PRECISION(17));
	if (s)
		puts(s);
	free(s);
}

/* ------------------------------------------------------------ metrics */

static int cmd_metrics(const ctl *c)
{
	long st = 0;
	json_t *j = call(c, "GET", "/v1/metrics", NULL, 0, NULL, &st);
	if (!j)
		return EXIT_SERVER;
	if (st != 200) {
		int r = server_error(j, st);
		json_decref(j);
		return r;
	}
	if (c->json_out) {
		dump(j);
	} else {
		size_t i;
		json_t *m;
		printf("%-20s %-11s %s\n", "NAME", "FAMILY", "SUMMARY");
		json_array_foreach(json_object_get(j, "metrics"), i, m) printf(
			"%-20s %-11s %s\n",
			json_string_value(json_object_get(m, "name")),
			json_string_value(json_object_get(m, "family")),
			json_string_value(json_object_get(m, "summary")));
	}
	json_decref(j);
	return EXIT_OK;
}

/* ------------------------------------------------------------ compute */

static void progress_bar(double f)
{
	int w = 40, n = (int)(f * w + 0.5);
	fprintf(stderr, "\r[");
	for (int i = 0; i < w; i++)
		fputc(i < n ? '#' : '.', stderr);
	fprintf(stderr, "] %3.0f%%", f * 100);
	fflush(stderr);
}

/* Poll a job to its end; returns its result (new reference) or NULL. */
static json_t *wait_job(const ctl *c, const char *id, int *code)
{
	char path[128];
	int tty = isatty(STDERR_FILENO);
	snprintf(path, sizeof path, "/v1/jobs/%s", id);
	for (;;) {
		long st = 0;
		json_t *j = call(c, "GET", path, NULL, 0, NULL, &st);
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
		if (s && !strcmp(s, "done")) {
			if (tty)
				fputc('\n', stderr);
			json_t *r = json_incref(json_object_get(j, "result"));
			json_decref(j);
			return r;
		}
		if (s && (!strcmp(s, "failed") || !strcmp(s, "cancelled"))) {
			if (tty)
				fputc('\n', stderr);
			json_t *e = json_object_get(j, "error");
			if (e) {
				json_t *wrap = json_pack("{s:O}", "error", e);
				*code = server_error(
					wrap,
					(long)json_integer_value(
						json_object_get(e, "status")));
				json_decref(wrap);
			} else {
				fprintf(stderr, "evalctl: job %s was %s\n", id,
					s);
				*code = EXIT_SERVER;
			}
			json_decref(j);
			return NULL;
		}
		json_decref(j);
		usleep(200000);
	}
}

static void print_result(json_t *r)
{
	const char *k;
	json_t *v;
	json_object_foreach(r, k, v)
	{
		if (!strcmp(k, "params") || !strcmp(k, "warnings"))
			continue;
		if (json_is_number(v))
			printf("%-14s %.17g\n", k, json_number_value(v));
		else if (json_is_string(v))
			printf("%-14s %s\n", k, json_string_value(v));
		else {
			char *s = json_dumps(
				v, JSON_COMPACT | JSON_REAL_PRECISION(10) |
					   JSON_ENCODE_ANY);
			printf("%-14s %.200s%s\n", k, s ? s : "",
			       s && strlen(s) > 200 ? "..." : "");
			free(s);
		}
	}
	size_t i;
	json_array_foreach(json_object_get(r, "warnings"), i, v)
		fprintf(stderr, "warning: %s\n", json_string_value(v));
}

static int parse_number(const char *s, double *out)
{
	char *end;
	errno = 0;
	*out = strtod(s, &end);
	return !errno && end != s && !*end && isfinite(*out) ? 0 : -1;
}

static int cmd_compute(const ctl *c, int argc, char **argv)
{
	static const struct option lo[] = {
		{"param", required_argument, NULL, 'p'},
		{"input", required_argument, NULL, 'i'},
		{"record", required_argument, NULL, 'r'},
		{"step", required_argument, NULL, 's'},
		{"fail-above", required_argument, NULL, 'A'},
		{"fail-below", required_argument, NULL, 'B'},
		{"async", no_argument, NULL, 'a'},
		{0}};
	json_t *params = json_object(), *inputs = json_object(), *body = NULL;
	json_t *record = NULL, *res = NULL;
	double above = NAN, below = NAN;
	int async = 0, code = EXIT_USAGE, opt;
	char errbuf[300];

	optind = 1;
	while ((opt = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (opt) {
		case 'p': {
			char *eq = strchr(optarg, '=');
			if (!eq || eq == optarg) {
				fprintf(stderr,
					"evalctl: --param wants k=v, "
					"got '%s'\n",
					optarg);
				goto out;
			}
			*eq = '\0';
			/* A value that parses as JSON is JSON (numbers,
			 * booleans, null, arrays); anything else a string. */
			json_t *v = json_loads(eq + 1, JSON_DECODE_ANY, NULL);
			json_object_set_new(params, optarg,
					    v ? v : json_string(eq + 1));
			break;
		}
		case 'i': {
			char *eq = strchr(optarg, '=');
			json_t *v;
			if (!eq || eq == optarg) {
				fprintf(stderr,
					"evalctl: --input wants "
					"NAME=FILE|ref:NAME|stream:ID, "
					"got '%s'\n",
					optarg);
				goto out;
			}
			*eq = '\0';
			if (ctl_input_load(eq + 1, &v, errbuf) < 0) {
				fprintf(stderr, "evalctl: --input %s: %s\n",
					optarg, errbuf);
				goto out;
			}
			json_object_set_new(inputs, optarg, v);
			break;
		}
		case 'r':
			if (!record)
				record = json_object();
			json_object_set_new(record, "series",
					    json_string(optarg));
			break;
		case 's': {
			char *end;
			long long st = strtoll(optarg, &end, 10);
			if (*end || end == optarg) {
				fprintf(stderr, "evalctl: --step wants an "
						"integer\n");
				goto out;
			}
			if (!record)
				record = json_object();
			json_object_set_new(record, "step", json_integer(st));
			break;
		}
		case 'A':
		case 'B':
			if (parse_number(optarg,
					 opt == 'A' ? &above : &below)) {
				fprintf(stderr,
					"evalctl: --fail-%s wants a "
					"number\n",
					opt == 'A' ? "above" : "below");
				goto out;
			}
			break;
		case 'a': async = 1; break;
		default: goto out;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "evalctl: compute takes one METRIC name\n");
		goto out;
	}
	if (!isnan(above) && !isnan(below)) {
		fprintf(stderr, "evalctl: give --fail-above or --fail-below, "
				"not both\n");
		goto out;
	}
	if (record && !json_object_get(record, "series")) {
		fprintf(stderr, "evalctl: --step needs --record SERIES\n");
		goto out;
	}
	body = json_pack("{s:O, s:O}", "inputs", inputs, "params", params);
	if (record)
		json_object_set(body, "record", record);
	char *text = json_dumps(body, JSON_COMPACT | JSON_REAL_PRECISION(17));
	char path[256];
	long st = 0;
	snprintf(path, sizeof path, "/v1/metrics/%s%s", argv[optind],
		 async ? "?async=1" : "");
	json_t *j = call(c, "POST", path, text, text ? strlen(text) : 0,
			 "application/json", &st);
	free(text);
	code = EXIT_SERVER;
	if (!j)
		goto out;
	if (st == 202) {
		res = wait_job(c, json_string_value(json_object_get(j, "job")),
			       &code);
		json_decref(j);
		if (!res)
			goto out;
	} else if (st != 200) {
		code = server_error(j, st);
		json_decref(j);
		goto out;
	} else {
		res = j;
	}
	if (c->json_out)
		dump(res);
	else
		print_result(res);
	code = EXIT_OK;
	json_t *jv = json_object_get(res, "value");
	if ((!isnan(above) || !isnan(below)) && !json_is_number(jv)) {
		fprintf(stderr, "evalctl: no numeric value to compare with the "
				"threshold\n");
		code = EXIT_SERVER;
	} else if (!isnan(above) && json_number_value(jv) > above) {
		fprintf(stderr, "evalctl: %s = %.17g is above %.17g\n",
			argv[optind], json_number_value(jv), above);
		code = EXIT_THRESHOLD;
	} else if (!isnan(below) && json_number_value(jv) < below) {
		fprintf(stderr, "evalctl: %s = %.17g is below %.17g\n",
			argv[optind], json_number_value(jv), below);
		code = EXIT_THRESHOLD;
	}
out:
	json_decref(params);
	json_decref(inputs);
	json_decref(body);
	json_decref(record);
	json_decref(res);
	return code;
}

/* ------------------------------------------------------------ refs */

static int simple(const ctl *c, const char *method, const char *path,
		  const char *body, size_t len, const char *ctype,
		  void (*show)(json_t *))
{
	long st = 0;
	json_t *j = call(c, method, path, body, len, ctype, &st);
	int code;
	if (!j)
		return EXIT_SERVER;
	if (st >= 300) {
		code = server_error(j, st);
	} else {
		if (c->json_out || !show)
			dump(j);
		else
			show(j);
		code = EXIT_OK;
	}
	json_decref(j);
	return code;
}

static void show_refs(json_t *j)
{
	size_t i;
	json_t *r;
	printf("%-32s %10s %6s\n", "NAME", "N", "D");
	json_array_foreach(json_object_get(j, "references"), i, r)
		printf("%-32s %10.0f %6lld\n",
		       json_string_value(json_object_get(r, "name")),
		       json_number_value(json_object_get(r, "n")),
		       (long long)json_integer_value(json_object_get(r, "d")));
}

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
			snprintf(val, sizeof val, "%.17g",
				 json_number_value(v));
		printf("%-10s %-24s %.3f\n", step, val,
		       json_number_value(json_object_get(p, "ts")));
	}
}

static int cmd_ref(const ctl *c, int argc, char **argv)
{
	char path[300], errbuf[300];
	if (argc >= 2 && !strcmp(argv[1], "ls") && argc == 2)
		return simple(c, "GET", "/v1/references", NULL, 0, NULL,
			      show_refs);
	if (argc == 3 && !strcmp(argv[1], "rm")) {
		snprintf(path, sizeof path, "/v1/references/%s", argv[2]);
		return simple(c, "DELETE", path, NULL, 0, NULL, NULL);
	}
	if (argc == 4 && !strcmp(argv[1], "put")) {
		char *body;
		size_t len;
		const char *ctype;
		snprintf(path, sizeof path, "/v1/references/%s", argv[2]);
		if (ctl_reference_body(argv[3], &body, &len, &ctype, errbuf) <
		    0) {
			fprintf(stderr, "evalctl: %s: %s\n", argv[3], errbuf);
			return EXIT_USAGE;
		}
		int r = simple(c, "PUT", path, body, len, ctype, NULL);
		free(body);
		return r;
	}
	fprintf(stderr, "evalctl: usage: evalctl ref put NAME FILE | ref ls "
			"| ref rm NAME\n");
	return EXIT_USAGE;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: evalctl [--url URL] [--token TOKEN] [--json] COMMAND\n"
		"\n"
		"  metrics                       list the metrics\n"
		"  compute METRIC [--param k=v]... [--input NAME=SOURCE]...\n"
		"          [--record SERIES [--step N]] [--async]\n"
		"          [--fail-above X | --fail-below X]\n"
		"                                compute one metric; SOURCE is "
		"FILE (.npy .npz .csv .json),\n"
		"                                ref:NAME or stream:ID\n"
		"  ref put NAME FILE | ref ls | ref rm NAME\n"
		"  series NAME                   print a series' points\n"
		"\n"
		"EVALD_URL and EVALD_TOKEN set --url and --token.  Exit: 0 ok, "
		"1 threshold\nviolated, 2 usage error, 3 server or connection "
		"error.\n");
}

int main(int argc, char **argv)
{
	ctl c = {.token = getenv("EVALD_TOKEN")};
	const char *url = getenv("EVALD_URL");
	int i = 1, code;

	snprintf(c.url, sizeof c.url, "%s",
		 url && *url ? url : "http://127.0.0.1:8640");
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--url") && i + 1 < argc)
			snprintf(c.url, sizeof c.url, "%s", argv[++i]);
		else if (!strcmp(argv[i], "--token") && i + 1 < argc)
			c.token = argv[++i];
		else if (!strcmp(argv[i], "--json"))
			c.json_out = 1;
		else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return EXIT_OK;
		} else if (!strcmp(argv[i], "--version")) {
			printf("evalctl %s\n", PACKAGE_VERSION);
			return EXIT_OK;
		} else {
			fprintf(stderr, "evalctl: unknown option %s\n",
				argv[i]);
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	size_t ul = strlen(c.url);
	while (ul && c.url[ul - 1] == '/')
		c.url[--ul] = '\0';
	if (i >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	/* --json may also follow the command. */
	for (int k = i + 1; k < argc; k++)
		if (!strcmp(argv[k], "--json")) {
			c.json_out = 1;
			memmove(&argv[k], &argv[k + 1],
				(size_t)(argc - k) * sizeof *argv);
			argc--;
			k--;
		}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	json_object_seed(0);
	const char *cmd = argv[i];
	if (!strcmp(cmd, "metrics") && argc == i + 1) {
		code = cmd_metrics(&c);
	} else if (!strcmp(cmd, "compute")) {
		code = cmd_compute(&c, argc - i, argv + i);
	} else if (!strcmp(cmd, "ref")) {
		code = cmd_ref(&c, argc - i, argv + i);
	} else if (!strcmp(cmd, "series") && argc == i + 2) {
		char path[600];
		snprintf(path, sizeof path, "/v1/series/%s?limit=100000",
			 argv[i + 1]);
		code = simple(&c, "GET", path, NULL, 0, NULL, show_series);
	} else {
		fprintf(stderr, "evalctl: unknown command or arguments: %s\n",
			cmd);
		usage(stderr);
		code = EXIT_USAGE;
	}
	curl_global_cleanup();
	return code;
}
