/* decode_bench.c - how fast the service turns a request body into float64
 * tensors: jsonx_parse + codec_tensor on in-memory bodies, nested JSON and
 * packed base64, reported as median MB/s of body bytes (MB = 10^6 bytes).
 *
 * It also writes the request bodies that the HTTP benchmarks in bench/
 * send, so that every benchmark decodes exactly the same kind of input.
 *
 *   decode_bench [-s MB] [-r REPS] [-k KIND] time every body kind (or one)
 *   decode_bench -w KIND [-s MB] [-p] FILE  write a body of that kind; -p
 *                                           makes it an mse request with
 *                                           input and target, half each
 * KINDs: nested (shortest round-trip float64 text, as Python's json writes
 * it), nested6 (6 significant digits), packed32, packed64. */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <evald/rng.h>

#include "codec.h"
#include "jsonx.h"
#include "pool.h"
#include "verr.h"

#define COLS 64 /* every tensor is [rows, COLS] */

typedef enum { K_NESTED, K_NESTED6, K_PACKED32, K_PACKED64, K_COUNT } kind;

static const struct {
	const char *name;
	const char *what;
	double target; /* MB/s from the issue, 0 = none */
} kinds[K_COUNT] = {
	{"nested", "nested JSON, shortest round-trip float64", 100},
	{"nested6", "nested JSON, 6 significant digits", 100},
	{"packed32", "packed float32, base64", 1000},
	{"packed64", "packed float64, base64", 1000},
};

typedef struct buf {
	char *s;
	size_t n, cap;
} buf;

static int put(buf *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		size_t nc = b->cap ? b->cap : 1 << 16;
		while (nc < b->n + n + 1)
			nc *= 2;
		char *ns = realloc(b->s, nc);
		if (!ns)
			return -1;
		b->s = ns;
		b->cap = nc;
	}
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = '\0';
	return 0;
}

static int puts_(buf *b, const char *s)
{
	return put(b, s, strlen(s));
}

/* The shortest %.Ng that reads back as v: what Python's repr writes. */
static int shortest(char *out, size_t len, double v)
{
	int n = 0;
	for (int prec = 15; prec <= 17; prec++) {
		n = snprintf(out, len, "%.*g", prec, v);
		if (strtod(out, NULL) == v)
			break;
	}
	return n;
}

/* Values like a model's outputs: normal, some negative, no round numbers. */
static double value(evald_rng *r)
{
	return evald_rng_normal(r);
}

/* Nested [[...], ...] of about `bytes` characters, or of exactly *elems
 * elements when *elems > 0; *elems gets the count and *sum the sum of the
 * values as a correct decoder reads them back. */
static int nested_tensor(buf *b, size_t bytes, int digits, evald_rng *r,
			 int64_t *elems, double *sum)
{
	size_t start = b->n;
	char num[40];
	int64_t rows = 0, want = *elems / COLS;

	if (puts_(b, "[") < 0)
		return -1;
	while (want > 0 ? rows < want : b->n - start < bytes) {
		if (puts_(b, rows ? ", [" : "[") < 0)
			return -1;
		for (int c = 0; c < COLS; c++) {
			double v = value(r);
			int n = digits ? snprintf(num, sizeof num, "%.*g",
						  digits, v)
				       : shortest(num, sizeof num, v);
			if ((c && put(b, ", ", 2) < 0) ||
			    put(b, num, (size_t)n) < 0)
				return -1;
			*sum += strtod(num, NULL);
		}
		if (puts_(b, "]") < 0)
			return -1;
		rows++;
	}
	*elems = rows * COLS;
	return puts_(b, "]");
}

static const char b64chars[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int base64_put(buf *b, const uint8_t *d, size_t n)
{
	char q[4];
	size_t i;
	for (i = 0; i + 3 <= n; i += 3) {
		uint32_t v = (uint32_t)d[i] << 16 | (uint32_t)d[i + 1] << 8 |
			     d[i + 2];
		for (int k = 0; k < 4; k++)
			q[k] = b64chars[(v >> (18 - 6 * k)) & 63];
		if (put(b, q, 4) < 0)
			return -1;
	}
	if (i < n) {
		uint32_t v = (uint32_t)d[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)d[i + 1] << 8;
		q[0] = b64chars[v >> 18 & 63];
		q[1] = b64chars[v >> 12 & 63];
		q[2] = i + 1 < n ? b64chars[v >> 6 & 63] : '=';
		q[3] = '=';
		if (put(b, q, 4) < 0)
			return -1;
	}
	return 0;
}

/* {"dtype", "shape", "data"} whose base64 is about `bytes` characters (or
 * of *elems elements when *elems > 0).
 * Items are written little-endian, as the contract says. */
static int packed_tensor(buf *b, size_t bytes, int isz, evald_rng *r,
			 int64_t *elems, double *sum)
{
	int64_t rows = *elems > 0
			       ? *elems / COLS
			       : (int64_t)(bytes / 4 * 3 / (size_t)isz / COLS);
	size_t n = (size_t)(rows * COLS), nb = n * (size_t)isz;
	uint8_t *raw = malloc(nb ? nb : 1);
	char head[128];

	if (!raw)
		return -1;
	for (size_t i = 0; i < n; i++) {
		double v = value(r);
		uint64_t u;
		if (isz == 4) {
			float f = (float)v;
			uint32_t u32;
			memcpy(&u32, &f, 4);
			u = u32;
			*sum += f;
		} else {
			memcpy(&u, &v, 8);
			*sum += v;
		}
		for (int k = 0; k < isz; k++)
			raw[i * (size_t)isz + (size_t)k] =
				(uint8_t)(u >> 8 * k);
	}
	snprintf(head, sizeof head,
		 "{\"dtype\": \"%s\", \"shape\": [%lld, %d], \"data\": \"",
		 isz == 4 ? "float32" : "float64", (long long)rows, COLS);
	int rc = puts_(b, head) < 0 || base64_put(b, raw, nb) < 0 ||
				 puts_(b, "\"}") < 0
			 ? -1
			 : 0;
	free(raw);
	*elems = (int64_t)n;
	return rc;
}

static int tensor(buf *b, kind k, size_t bytes, evald_rng *r, int64_t *elems,
		  double *sum)
{
	*sum = 0;
	switch (k) {
	case K_NESTED: return nested_tensor(b, bytes, 0, r, elems, sum);
	case K_NESTED6: return nested_tensor(b, bytes, 6, r, elems, sum);
	case K_PACKED32: return packed_tensor(b, bytes, 4, r, elems, sum);
	default: return packed_tensor(b, bytes, 8, r, elems, sum);
	}
}

/* A POST /v1/metrics/mse body of about `bytes`: one tensor under
 * inputs.input, or (pair) input and target of the same shape and half the
 * size each.  *sum is the sum of inputs.input, in C order, for checking
 * the decoder. */
static int make_body(buf *b, kind k, size_t bytes, int pair, uint64_t seed,
		     int64_t *elems, double *sum)
{
	evald_rng r;
	int64_t e1 = 0, e2 = 0;
	double s2;

	evald_rng_seed(&r, seed);
	b->n = 0;
	if (puts_(b, "{\"inputs\": {\"input\": ") < 0 ||
	    tensor(b, k, pair ? bytes / 2 : bytes, &r, &e1, sum) < 0)
		return -1;
	e2 = e1;
	if (pair && (puts_(b, ", \"target\": ") < 0 ||
		     tensor(b, k, bytes / 2, &r, &e2, &s2) < 0))
		return -1;
	if (puts_(b, pair ? "}, \"params\": {\"reduction\": \"mean\"}}"
			  : "}}") < 0)
		return -1;
	*elems = pair ? e1 + e2 : e1;
	return 0;
}

static double clock_s(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static double now(void)
{
	return clock_s(CLOCK_MONOTONIC);
}

/* This thread's CPU time: what the decoder itself spent, whatever else
 * the machine was running meanwhile. */
static double cpu_now(void)
{
	return clock_s(CLOCK_THREAD_CPUTIME_ID);
}

typedef struct timing {
	double parse, codec; /* wall-clock seconds */
	double cpu;	     /* CPU seconds of both */
} timing;

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* One decode as the service does it: parse, then decode the tensor into a
 * request pool.  Returns 0 and the times, or -1 with a message. */
static int decode_once(const buf *b, int64_t elems, double sum, timing *tm)
{
	jsonx_doc doc;
	jsonx_error je;
	evald_tensor t;
	verr err;
	double c0 = cpu_now(), t0 = now(), t1, t2, c2;
	int rc = -1;

	if (jsonx_parse(b->s, b->n, &doc, &je) < 0) {
		fprintf(stderr, "decode_bench: parse failed at %d:%d: %s\n",
			je.line, je.column, je.msg);
		return -1;
	}
	t1 = now();
	pool *pl = pool_new();
	codec_ctx cx = {.doc = &doc, .pool = pl, .max_elems = 0};
	json_t *in =
		json_object_get(json_object_get(doc.root, "inputs"), "input");
	if (!pl || codec_tensor(&cx, in, "/inputs/input", &t, &err) < 0) {
		fprintf(stderr, "decode_bench: decode failed: %s %s %s\n",
			err.code, err.path, err.msg);
		goto out;
	}
	t2 = now();
	c2 = cpu_now();
	if (t.size != elems || t.ndim != 2 || t.shape[1] != COLS) {
		fprintf(stderr,
			"decode_bench: decoded %lld elements, wrote "
			"%lld\n",
			(long long)t.size, (long long)elems);
		goto out;
	}
	/* Same values, same order: the sums agree to the last bit. */
	double got = 0;
	for (int64_t i = 0; i < t.size; i++)
		got += t.data[i];
	if (got != sum) {
		fprintf(stderr,
			"decode_bench: decoded values differ (sum %.17g, "
			"wrote %.17g)\n",
			got, sum);
		goto out;
	}
	tm->parse = t1 - t0;
	tm->codec = t2 - t1;
	tm->cpu = c2 - c0;
	rc = 0;
out:
	pool_free(pl);
	jsonx_free(&doc);
	return rc;
}

static int bench(kind k, double mb, int reps, int *missed)
{
	buf b = {0};
	int64_t elems;
	double sum;
	double *tot = calloc((size_t)reps, sizeof *tot);
	double *tp = calloc((size_t)reps, sizeof *tp);
	double *tc = calloc((size_t)reps, sizeof *tc);
	double cold = 0;
	int rc = -1;

	if (!tot || !tp || !tc ||
	    make_body(&b, k, (size_t)(mb * 1e6), 0, 42, &elems, &sum) < 0) {
		fprintf(stderr, "decode_bench: out of memory\n");
		goto out;
	}
	/* The first run pays page faults for fresh memory, as a request on a
	 * just-started daemon would; it is shown apart, not in the median. */
	for (int i = -1; i < reps; i++) {
		timing tm;
		if (decode_once(&b, elems, sum, &tm) < 0)
			goto out;
		if (i < 0) {
			cold = tm.parse + tm.codec;
			continue;
		}
		tot[i] = tm.parse + tm.codec;
		tp[i] = tm.parse;
		tc[i] = tm.cpu;
	}
	double body = (double)b.n / 1e6;
	double mt = median(tot, reps); /* sorts tot */
	double lo = tot[0], hi = tot[reps - 1];
	double mp = median(tp, reps), mc = median(tc, reps);
	double rate = body / mt;
	int ok = rate >= kinds[k].target;
	printf("%-9s %7.2f %9lld %9.1f %9.1f %9.1f %9.1f %9.1f %6.1f %5.0f%% "
	       "%7.0f  %s\n",
	       kinds[k].name, body, (long long)elems, rate, body / hi,
	       body / lo, body / mc, body / cold, mt * 1e3, 100 * mp / mt,
	       kinds[k].target, ok ? "ok" : "MISSED");
	/* Single-threaded: on an idle machine wall-clock and CPU time agree
	 * to a few percent.  When they do not, others took the CPU. */
	if (rate < 0.8 * body / mc)
		printf("# %s: wall-clock is %.0f%% of CPU-time speed; the "
		       "machine is busy, rerun when it is idle\n",
		       kinds[k].name, 100 * rate * mc / body);
	fflush(stdout);
	if (!ok)
		(*missed)++;
	rc = 0;
out:
	free(b.s);
	free(tot);
	free(tp);
	free(tc);
	return rc;
}

static int usage(void)
{
	fprintf(stderr,
		"usage: decode_bench [-s MB] [-r REPS] [-k KIND]\n"
		"       decode_bench -w nested|nested6|packed32|packed64 "
		"[-s MB] [-p] FILE\n");
	return 2;
}

int main(int argc, char **argv)
{
	double mb = 10;
	int reps = 21, pair = 0, opt, missed = 0;
	int write_kind = -1, only = -1;

	while ((opt = getopt(argc, argv, "s:r:w:k:p")) != -1) {
		switch (opt) {
		case 'k':
			for (int k = 0; k < K_COUNT; k++)
				if (!strcmp(optarg, kinds[k].name))
					only = k;
			if (only < 0)
				return usage();
			break;
		case 's': mb = atof(optarg); break;
		case 'r': reps = atoi(optarg); break;
		case 'p': pair = 1; break;
		case 'w':
			for (int k = 0; k < K_COUNT; k++)
				if (!strcmp(optarg, kinds[k].name))
					write_kind = k;
			if (write_kind < 0)
				return usage();
			break;
		default: return usage();
		}
	}
	if (mb <= 0 || reps < 1)
		return usage();
	if (write_kind >= 0) {
		buf b = {0};
		int64_t elems;
		double sum;
		FILE *f;
		if (optind != argc - 1)
			return usage();
		if (make_body(&b, (kind)write_kind, (size_t)(mb * 1e6), pair,
			      42, &elems, &sum) < 0 ||
		    !(f = fopen(argv[optind], "wb"))) {
			fprintf(stderr, "decode_bench: cannot write %s\n",
				argv[optind]);
			return 1;
		}
		int bad = fwrite(b.s, 1, b.n, f) != b.n;
		bad |= fclose(f) != 0;
		free(b.s);
		if (bad) {
			fprintf(stderr, "decode_bench: write error\n");
			return 1;
		}
		printf("%s %zu bytes %lld elements\n", argv[optind], b.n,
		       (long long)elems);
		return 0;
	}
	if (optind != argc)
		return usage();
	json_object_seed(0);
	printf("# jsonx_parse + codec_tensor, %d runs after one cold run; "
	       "MB = 10^6 body bytes\n",
	       reps);
	printf("%-9s %7s %9s %9s %9s %9s %9s %9s %6s %6s %7s  %s\n", "body",
	       "MB", "elements", "med MB/s", "min MB/s", "max MB/s", "cpu MB/s",
	       "cold MB/s", "med ms", "parse", "target", "verdict");
	for (int k = 0; k < K_COUNT; k++)
		if ((only < 0 || only == k) &&
		    bench((kind)k, mb, reps, &missed) < 0)
			return 1;
	return missed ? 3 : 0;
}
