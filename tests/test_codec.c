/* test_codec.c - the decoders on their own: jsonx against jansson as an
 * oracle, number parsing exactness, base64 round trips and padding rules,
 * blob behaviour, exact decoded lengths, limits, .npy headers. */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <evald/rng.h>

#include "base64.h"
#include "codec.h"
#include "jsonx.h"
#include "npy.h"
#include "tap.h"

/* jsonx must build the same tree as jansson for documents without blobs. */
static void differential(const char *text)
{
	jsonx_doc doc;
	jsonx_error e;
	json_error_t je;
	json_t *ref =
		json_loads(text, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &je);
	int rc = jsonx_parse(text, strlen(text), NULL, &doc, &e);

	if (!ref) {
		tap_ok(rc < 0, "rejects like jansson: %.60s", text);
		if (rc == 0)
			jsonx_free(&doc);
		return;
	}
	tap_ok(rc == 0 && json_equal(ref, doc.root), "same tree: %.60s", text);
	if (rc == 0)
		jsonx_free(&doc);
	json_decref(ref);
}

static void test_differential(void)
{
	static const char *const docs[] = {
		"{}",
		"[]",
		"0",
		"-0",
		"1.5e3",
		"-1E-2",
		"true",
		"null",
		"\"a\\u00e9\\ud83d\\ude00\\n\\t\\\"\"",
		"[1, [2, [3]], {}]",
		"{\"a\": {\"b\": [1, 2, \"x\"]}, \"c\": false}",
		"[1, 2, 3, 4.5, -6]",
		"[[1, 2], [3, 4]]",
		"[[1, 2], [3]]",
		"  {\"k\" : [ ] }  ",
		"[1,]",
		"{\"a\":1,}",
		"[01]",
		"[1.]",
		"[.5]",
		"[1e]",
		"\"\\x\"",
		"\"unterminated",
		"{\"a\" 1}",
		"[1 2]",
		"{1: 2}",
		"tru",
		"nul",
		"[\"\\ud800\"]",
		"\"caf\xc3\xa9\"",
		"\"bad \xff utf8\"",
		"{\"a\":1}{",
		"",
		"[-]",
		"[--1]",
		"[1e+]",
		"9007199254740993",
		"-9223372036854775807",
		"{\"dup\": 1, \"dup\": 2}",
	};
	for (size_t i = 0; i < sizeof docs / sizeof *docs; i++)
		differential(docs[i]);

	/* Where jsonx deliberately differs: integers beyond int64, which
	 * jansson refuses, are reals. */
	jsonx_doc doc;
	jsonx_error e;
	const char *big = "123456789012345678901234567890";
	tap_ok(jsonx_parse(big, strlen(big), NULL, &doc, &e) == 0 &&
		       json_is_real(doc.root) &&
		       json_real_value(doc.root) == 1.2345678901234568e29,
	       "integer beyond int64 parses as a real");
	jsonx_free(&doc);
}

/* Every double printed with 17 digits (and shorter forms) parses back
 * exactly, on the fast path and the strtod path alike. */
static void test_numbers(void)
{
	evald_rng r;
	int bad = 0, n = 0;
	char text[64];

	evald_rng_seed(&r, 7);
	for (int i = 0; i < 20000; i++) {
		uint64_t bits = evald_rng_next(&r);
		double v;
		memcpy(&v, &bits, 8);
		if (!isfinite(v))
			continue;
		if (i % 3 == 1)
			v = (evald_rng_uniform(&r) - 0.5) * 1e4;
		if (i % 3 == 2)
			v = (double)(int64_t)(evald_rng_next(&r) >> 20) /
			    1024.0;
		const char *fmt = i % 2 ? "%.17g" : "%.15g";
		snprintf(text, sizeof text, fmt, v);
		double want = strtod(text, NULL);
		jsonx_doc doc;
		jsonx_error e;
		if (jsonx_parse(text, strlen(text), NULL, &doc, &e) < 0) {
			bad++;
			continue;
		}
		double got = json_number_value(doc.root);
		if (memcmp(&got, &want, 8) != 0 && !(got == 0 && want == 0)) {
			if (bad < 3)
				tap_diag("%s parsed as %.17g", text, got);
			bad++;
		}
		n++;
		jsonx_free(&doc);
	}
	tap_ok(bad == 0 && n > 10000, "%d numbers parse exactly (%d bad)", n,
	       bad);
}

/* Strings long enough for the eight-byte scan, with an escape, a quote or
 * a control character at every offset: the tree must match jansson's. */
static void test_long_strings(void)
{
	static const char *const specials[] = {"\\n", "\\\"", "\\u00e9", "\t",
					       "\x01"};
	char doc[128];
	int bad = 0, n = 0;
	for (size_t k = 0; k < sizeof specials / sizeof *specials; k++)
		for (int at = 0; at < 40; at++) {
			int len =
				snprintf(doc, sizeof doc, "[\"%.*s%s%s\"]", at,
					 "abcdefghijklmnopqrstuvwxyz0123456789"
					 "ABCDEFGH",
					 specials[k], "tail-of-the-string");
			jsonx_doc d;
			jsonx_error e;
			json_error_t je;
			json_t *ref = json_loadb(doc, (size_t)len, 0, &je);
			int rc = jsonx_parse(doc, (size_t)len, NULL, &d, &e);
			if ((ref == NULL) != (rc != 0) ||
			    (ref && !json_equal(ref, d.root)))
				bad++;
			if (rc == 0)
				jsonx_free(&d);
			json_decref(ref);
			n++;
		}
	tap_ok(bad == 0,
	       "long strings with a special byte at every offset "
	       "parse like jansson (%d of %d differ)",
	       bad, n);
}

static void test_blobs(void)
{
	char *text = malloc(1 << 20);
	size_t off = 0;
	jsonx_doc doc;
	jsonx_error e;

	/* 40 x 10 numbers: above the threshold, becomes one blob. */
	off += (size_t)sprintf(text + off, "{\"x\": [");
	for (int i = 0; i < 40; i++) {
		off += (size_t)sprintf(text + off, "%s[", i ? "," : "");
		for (int j = 0; j < 10; j++)
			off += (size_t)sprintf(text + off, "%s%d.25",
					       j ? "," : "", i * 10 + j);
		off += (size_t)sprintf(text + off, "]");
	}
	off += (size_t)sprintf(text + off, "], \"y\": [1, 2]}");
	int rc = jsonx_parse(text, off, NULL, &doc, &e);
	tap_ok(rc == 0, "large numeric document parses");
	if (rc == 0) {
		const jsonx_blob *b =
			jsonx_blob_of(&doc, json_object_get(doc.root, "x"));
		tap_ok(b && b->kind == JSONX_NUMBERS && b->ndim == 2 &&
			       b->shape[0] == 40 && b->shape[1] == 10 &&
			       b->data[399] == 399.25 && !b->all_integer,
		       "rectangular array becomes a 40x10 float blob");
		tap_ok(json_is_array(json_object_get(doc.root, "y")),
		       "small array stays a JSON array");
		pool *p = pool_new();
		codec_ctx cx = {.doc = &doc, .pool = p};
		evald_tensor t;
		verr err;
		tap_ok(codec_tensor(&cx, json_object_get(doc.root, "x"), "/x",
				    &t, &err) == 0 &&
			       t.size == 400 && t.data[1] == 1.25,
		       "codec decodes the blob");
		pool_free(p);
		jsonx_free(&doc);
	}
	/* A forged empty object is not a blob. */
	rc = jsonx_parse("{\"x\": {}}", 9, NULL, &doc, &e);
	tap_ok(rc == 0 && !jsonx_blob_of(&doc, json_object_get(doc.root, "x")),
	       "an empty object from the client is not a blob");
	if (rc == 0)
		jsonx_free(&doc);
	free(text);
}

static void test_base64(void)
{
	static const char alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmno"
				    "pqrstuvwxyz0123456789+/";
	evald_rng r;
	uint8_t raw[300], out[400];
	char enc[500];
	int bad = 0;

	evald_rng_seed(&r, 3);
	for (size_t len = 0; len < 300; len++) {
		size_t o = 0, got, pos;
		for (size_t i = 0; i < len; i++)
			raw[i] = (uint8_t)evald_rng_next(&r);
		for (size_t i = 0; i < len; i += 3) {
			uint32_t v = (uint32_t)raw[i] << 16;
			if (i + 1 < len)
				v |= (uint32_t)raw[i + 1] << 8;
			if (i + 2 < len)
				v |= raw[i + 2];
			enc[o++] = alpha[v >> 18 & 63];
			enc[o++] = alpha[v >> 12 & 63];
			enc[o++] = i + 1 < len ? alpha[v >> 6 & 63] : '=';
			enc[o++] = i + 2 < len ? alpha[v & 63] : '=';
		}
		if (base64_decode(enc, o, 1, out, &got, &pos) < 0 ||
		    got != len || memcmp(raw, out, len) != 0)
			bad++;
	}
	tap_ok(bad == 0, "base64 round trips for lengths 0..299");
	size_t got, pos;
	tap_ok(base64_decode("QUJD*EVG", 8, 1, out, &got, &pos) < 0 && pos == 4,
	       "invalid character is located");
	tap_ok(base64_decode("QUJDR", 5, 1, out, &got, &pos) < 0,
	       "impossible length is rejected");
	tap_ok(base64_decode("QQ==QUJD", 8, 1, out, &got, &pos) < 0,
	       "padding in the middle is rejected");
}

/* Standard base64 of n bytes, padded. */
static size_t b64enc(const uint8_t *raw, size_t n, char *enc)
{
	static const char alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmno"
				    "pqrstuvwxyz0123456789+/";
	size_t o = 0;
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)raw[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)raw[i + 1] << 8;
		if (i + 2 < n)
			v |= raw[i + 2];
		enc[o++] = alpha[v >> 18 & 63];
		enc[o++] = alpha[v >> 12 & 63];
		enc[o++] = i + 1 < n ? alpha[v >> 6 & 63] : '=';
		enc[o++] = i + 2 < n ? alpha[v & 63] : '=';
	}
	enc[o] = '\0';
	return o;
}

static void test_base64_rules(void)
{
	uint8_t raw[10000], out[8000], whole[8000];
	char enc[14000];
	size_t got, pos, n, total = 0;
	int same = 1;

	tap_ok(base64_length("QQ==", 4, &n, &pos) == 0 && n == 1 &&
		       base64_length("QUI", 3, &n, &pos) == 0 && n == 2 &&
		       base64_length("QUJD", 4, &n, &pos) == 0 && n == 3,
	       "base64_length counts padding at the end only");
	tap_ok(base64_length("QUJDR", 5, &n, &pos) < 0 &&
		       base64_length("QUJDR===", 8, &n, &pos) == 0 &&
		       base64_decode("QUJDR===", 8, 1, out, &got, &pos) < 0,
	       "length %% 4 == 1 is refused, also behind extra padding");
	tap_ok(base64_decode("QQ==", 4, 0, out, &got, &pos) < 0 && pos == 2,
	       "padding in a piece that does not end the string is refused");
	tap_ok(base64_decode("QUJDRA", 6, 0, out, &got, &pos) < 0,
	       "a piece that does not end the string holds whole quads");
	tap_ok(base64_decode("QQ=", 3, 1, out, &got, &pos) < 0 &&
		       base64_decode("Q===", 4, 1, out, &got, &pos) < 0,
	       "padding must complete a quad");
	/* Pieces of 4096 characters decode like the whole string. */
	for (size_t i = 0; i < sizeof raw; i++)
		raw[i] = (uint8_t)(i * 7 + 3);
	size_t elen = b64enc(raw, 5001, enc);
	for (size_t done = 0; done < elen;) {
		size_t k = elen - done > 4096 ? 4096 : elen - done;
		if (base64_decode(enc + done, k, done + k == elen, out + total,
				  &got, &pos) < 0)
			same = 0;
		total += got;
		done += k;
	}
	same &= base64_decode(enc, elen, 1, whole, &got, &pos) == 0 &&
		got == 5001 && total == 5001 && !memcmp(out, raw, 5001) &&
		!memcmp(whole, raw, 5001);
	tap_ok(same, "a 6668-character string decodes the same in pieces");
}

/* Parse {"x": <tensor>}; the tensor text is built by the caller. */
static int parse_x(const char *text, jsonx_doc *doc)
{
	jsonx_error e;
	return jsonx_parse(text, strlen(text), NULL, doc, &e);
}

typedef struct rowcount {
	int64_t rows;
} rowcount;

static int count_rows(void *ctx, const void *rows, evald_dtype dt,
		      int64_t nrows, verr *err)
{
	(void)rows, (void)dt, (void)err;
	((rowcount *)ctx)->rows += nrows;
	return 0;
}

/* Decode `json` ({"x": packed}) through codec_tensor and codec_rows;
 * returns how each ended (0 or -1) and the first error code. */
static void both_paths(const char *json, int *rt, int *rr, char *code,
		       int64_t *rows_seen, int64_t *rows_said)
{
	jsonx_doc doc;
	verr err;
	evald_tensor t;
	rowcount rc = {0};
	int64_t nc = 0;

	*rt = *rr = 1;
	code[0] = '\0';
	*rows_said = -1;
	if (parse_x(json, &doc) < 0)
		return;
	pool *p = pool_new();
	codec_ctx cx = {.doc = &doc, .pool = p};
	json_t *x = json_object_get(doc.root, "x");
	*rt = codec_tensor(&cx, x, "/x", &t, &err);
	if (*rt < 0)
		snprintf(code, 48, "%s", err.code);
	*rr = codec_rows(&cx, x, "/x", rows_said, &nc, count_rows, &rc, &err);
	if (*rr < 0 && !code[0])
		snprintf(code, 48, "%s", err.code);
	*rows_seen = rc.rows;
	pool_free(p);
	jsonx_free(&doc);
}

typedef struct blockcheck {
	int64_t rows, most; /* rows seen, most in one call */
	int ordered;	    /* every value equals its row index */
} blockcheck;

static int check_block(void *ctx, const void *rows, evald_dtype dt,
		       int64_t nrows, verr *err)
{
	blockcheck *bc = ctx;
	(void)err;
	for (int64_t i = 0; i < nrows && dt == EVALD_F64; i++)
		bc->ordered &=
			((const double *)rows)[i] == (double)(bc->rows + i);
	bc->ordered &= dt == EVALD_F64;
	bc->rows += nrows;
	if (nrows > bc->most)
		bc->most = nrows;
	return 0;
}

/* int64 rows of one column, 8 bytes each: a block holds 2^20 rows, and a
 * base64 piece can complete more rows than the block has room for.  Those
 * rows are widened into a float64 block of 2^20 rows, so handing them over
 * at once wrote past it; the sink must never see more than a block. */
static void test_rows_blocks(void)
{
	const int64_t n = (1 << 20) + 2000;
	uint8_t *raw = malloc((size_t)n * 8);
	char *json = malloc((size_t)n * 8 / 3 * 4 + 200);
	blockcheck bc = {0, 0, 1};
	jsonx_doc doc;
	verr err;
	int64_t nr = 0, nc = 0;
	int rc = -1;

	for (int64_t i = 0; raw && i < n; i++) {
		int64_t v = i;
		memcpy(raw + i * 8, &v, 8);
	}
	int o = sprintf(json,
			"{\"x\": {\"dtype\": \"int64\", \"shape\": [%lld, 1], "
			"\"data\": \"",
			(long long)n);
	o += (int)b64enc(raw, (size_t)n * 8, json + o);
	sprintf(json + o, "\"}}");
	if (parse_x(json, &doc) == 0) {
		pool *p = pool_new();
		codec_ctx cx = {.doc = &doc, .pool = p};
		rc = codec_rows(&cx, json_object_get(doc.root, "x"), "/x", &nr,
				&nc, check_block, &bc, &err);
		pool_free(p);
		jsonx_free(&doc);
	}
	tap_ok(rc == 0 && bc.rows == n && bc.ordered,
	       "codec_rows hands over every widened row, in order");
	tap_ok(bc.most <= (1 << 20),
	       "no sink call gets more rows than one block holds (%lld)",
	       (long long)bc.most);
	free(raw);
	free(json);
}

static void test_packed_lengths(void)
{
	enum { BLOCKS = 3 };
	uint8_t raw[3070];
	char *json = malloc(16384), code[48];
	int rt, rr;
	int64_t seen, said;

	/* The attack of issue 9: every 4096-character block ends in "==",
	 * so each decodes to 3070 bytes, and the string as a whole claims
	 * 3 * 3072 - 2.  Decoded block by block it leaves 2 bytes per block
	 * unwritten; it must be refused outright. */
	for (size_t i = 0; i < sizeof raw; i++)
		raw[i] = (uint8_t)i;
	int o = sprintf(json,
			"{\"x\": {\"dtype\": \"uint8\", \"shape\": "
			"[%d, 2], \"data\": \"",
			(BLOCKS * 3072 - 2) / 2);
	for (int b = 0; b < BLOCKS; b++)
		o += (int)b64enc(raw, sizeof raw, json + o);
	sprintf(json + o, "\"}}");
	/* Heap a previous request left: freed just before the tensor is
	 * allocated, so a buffer of the same size reuses it. */
	{
		jsonx_doc doc;
		verr err;
		evald_tensor t;
		int leaked = 0;
		size_t nb = (size_t)(BLOCKS * 3072 - 2) * sizeof(double);
		if (parse_x(json, &doc) == 0) {
			pool *p = pool_new();
			codec_ctx cx = {.doc = &doc, .pool = p};
			/* The guard keeps the freed block off the top of
			 * the heap, where glibc would trim it away. */
			char *old = malloc(nb), *guard = malloc(64);
			/* volatile: a memset before free is optimised away. */
			for (size_t i = 0; i < nb; i++)
				((volatile char *)old)[i] = 'Z';
			free(old);
			if (codec_tensor(&cx, json_object_get(doc.root, "x"),
					 "/x", &t, &err) == 0)
				for (int64_t i = 0; i < t.size; i++)
					leaked |=
						t.data[i] != (uint8_t)t.data[i];
			pool_free(p);
			jsonx_free(&doc);
			free(guard);
		}
		tap_ok(!leaked, "no stale heap comes back in a decoded tensor");
	}
	both_paths(json, &rt, &rr, code, &seen, &said);
	tap_ok(rt < 0 && rr < 0 && !strcmp(code, "bad_base64"),
	       "padding at the end of each 4096-character block is "
	       "bad_base64 on both paths (got %s)",
	       code);

	/* One character over a whole number of quads. */
	static const uint8_t zeros[3072];
	o = sprintf(json, "{\"x\": {\"dtype\": \"float64\", \"shape\": "
			  "[384, 1], \"data\": \"");
	o += (int)b64enc(zeros, sizeof zeros, json + o);
	sprintf(json + o, "A\"}}");
	both_paths(json, &rt, &rr, code, &seen, &said);
	tap_ok(rt < 0 && rr < 0 && !strcmp(code, "bad_base64"),
	       "4097 characters (len %% 4 == 1) are bad_base64 on both paths");

	/* Short data: exact length or nothing. */
	o = sprintf(json, "{\"x\": {\"dtype\": \"float64\", \"shape\": "
			  "[385, 1], \"data\": \"");
	o += (int)b64enc(zeros, sizeof zeros, json + o);
	sprintf(json + o, "\"}}");
	both_paths(json, &rt, &rr, code, &seen, &said);
	tap_ok(rt < 0 && rr < 0 && !strcmp(code, "shape_mismatch"),
	       "data one row short is shape_mismatch on both paths");

	/* The exact length decodes on both paths, every row delivered. */
	float f[2500];
	for (int i = 0; i < 2500; i++)
		f[i] = (float)i;
	o = sprintf(json, "{\"x\": {\"dtype\": \"float32\", \"shape\": "
			  "[1250, 2], \"data\": \"");
	o += (int)b64enc((const uint8_t *)f, sizeof f, json + o);
	sprintf(json + o, "\"}}");
	both_paths(json, &rt, &rr, code, &seen, &said);
	tap_ok(rt == 0 && rr == 0 && seen == 1250 && said == 1250,
	       "13336 characters of float32 decode on both paths, all %lld "
	       "rows",
	       (long long)seen);

	/* A shape whose float64 size wraps size_t: once a crash (an 8-byte
	 * buffer read as 2^61 elements), now a refusal. */
	both_paths("{\"x\": {\"dtype\": \"float64\", \"shape\": "
		   "[2305843009213693952, 1], \"data\": \"\"}}",
		   &rt, &rr, code, &seen, &said);
	tap_ok(rt < 0 && rr < 0 && !strcmp(code, "too_large"),
	       "a shape of 2^61 float64 elements is too_large");
	free(json);
}

static void test_budget(void)
{
	char json[8000];
	double v[300];
	jsonx_doc doc;
	jsonx_error e;
	verr err;
	evald_tensor t;

	for (int i = 0; i < 300; i++)
		v[i] = i;
	int o = sprintf(json, "{\"x\": {\"dtype\": \"float64\", \"shape\": "
			      "[300], \"data\": \"");
	o += (int)b64enc((const uint8_t *)v, sizeof v, json + o);
	sprintf(json + o, "\"}, \"y\": [");
	o = (int)strlen(json);
	for (int i = 0; i < 300; i++)
		o += sprintf(json + o, "%s%d", i ? "," : "", i);
	sprintf(json + o, "]}");

	/* Number blobs are counted while parsing. */
	jsonx_limits lim = {.max_bytes = 2399};
	tap_ok(jsonx_parse(json, strlen(json), &lim, &doc, &e) < 0 &&
		       e.kind == JSONX_E_BYTES,
	       "300 numbers are refused under a 2399-byte budget");
	lim.max_bytes = 2400;
	int rc = jsonx_parse(json, strlen(json), &lim, &doc, &e);
	tap_ok(rc == 0 && doc.bytes == 2400,
	       "and fit in 2400 bytes, counted exactly");
	if (rc < 0)
		return;
	/* The pool's budget covers them and the packed tensor together. */
	pool *p = pool_new();
	codec_ctx cx = {.doc = &doc, .pool = p};
	pool_set_budget(p, 2400 + 2399);
	rc = codec_tensor(&cx, json_object_get(doc.root, "x"), "/x", &t, &err);
	tap_ok(rc < 0 && err.status == 413 &&
		       strstr(err.msg, "--max-decoded") != NULL,
	       "a packed tensor over what the blobs leave is 413 naming "
	       "--max-decoded");
	pool_free(p);
	p = pool_new();
	cx.pool = p;
	pool_set_budget(p, 4800);
	tap_ok(codec_tensor(&cx, json_object_get(doc.root, "x"), "/x", &t,
			    &err) == 0 &&
		       t.size == 300,
	       "and fits exactly");
	pool_free(p);
	jsonx_free(&doc);
}

static void test_json_strictness(void)
{
	jsonx_doc doc;
	jsonx_error e;
	char big[2000];
	jsonx_limits lim = {.max_nodes = 101};

	/* 1 array + 100 objects = 101 values. */
	int o = sprintf(big, "[");
	for (int i = 0; i < 100; i++)
		o += sprintf(big + o, "%s{}", i ? "," : "");
	sprintf(big + o, "]");
	int rc = jsonx_parse(big, strlen(big), &lim, &doc, &e);
	tap_ok(rc == 0 && doc.nodes == 101, "101 values fit 101 nodes");
	if (rc == 0)
		jsonx_free(&doc);
	lim.max_nodes = 100;
	tap_ok(jsonx_parse(big, strlen(big), &lim, &doc, &e) < 0 &&
		       e.kind == JSONX_E_NODES,
	       "and are refused at 100");

	static const char dup[] = "{\"a\": [0, {\"b/c~\": 1, \"b/c~\": 2}]}";
	tap_ok(jsonx_parse(dup, strlen(dup), NULL, &doc, &e) < 0 &&
		       e.kind == JSONX_E_DUPLICATE &&
		       !strcmp(e.path, "/a/1/b~1c~0"),
	       "a duplicate key is refused with its path (%s)", e.path);
	static const char dup2[] = "{\"k\": 1, \"k\": 1}";
	tap_ok(jsonx_parse(dup2, strlen(dup2), NULL, &doc, &e) < 0 &&
		       e.kind == JSONX_E_DUPLICATE && !strcmp(e.path, "/k"),
	       "even with the same value");

	/* Invalid UTF-8 in a blob string (the base64 fast path). */
	char s[400];
	o = sprintf(s, "{\"data\": \"");
	memset(s + o, 'A', 300);
	o += 300;
	sprintf(s + o, "\"}");
	rc = jsonx_parse(s, strlen(s), NULL, &doc, &e);
	tap_ok(rc == 0 &&
		       jsonx_blob_of(&doc, json_object_get(doc.root, "data")),
	       "a long data string becomes a blob");
	if (rc == 0)
		jsonx_free(&doc);
	static const char *const bad[] = {"\xff", "\xc0\xaf", "\xed\xa0\x80",
					  "\xf4\x90\x80\x80", "\xe2\x82"};
	int refused = 0;
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		memcpy(s + 20, bad[i], strlen(bad[i]));
		refused += jsonx_parse(s, strlen(s), NULL, &doc, &e) < 0;
		memset(s + 20, 'A', 4);
	}
	tap_ok(refused == 5,
	       "invalid UTF-8 in a blob string is refused (%d of 5)", refused);
	memcpy(s + 20, "\xc3\xa9\xf0\x9f\x98\x80", 6);
	rc = jsonx_parse(s, strlen(s), NULL, &doc, &e);
	tap_ok(rc == 0, "valid multibyte UTF-8 there is accepted");
	if (rc == 0)
		jsonx_free(&doc);
}

/* A version-1 .npy image with header text `h` and `n` data bytes. */
static size_t npy_image(uint8_t *img, const char *h, size_t n)
{
	size_t hl = strlen(h);
	memcpy(img, "\x93NUMPY\x01\x00", 8);
	img[8] = (uint8_t)(hl & 0xff);
	img[9] = (uint8_t)(hl >> 8);
	memcpy(img + 10, h, hl);
	memset(img + 10 + hl, 0, n);
	return 10 + hl + n;
}

static int npy_try(const char *h, size_t n, int64_t budget, verr *err)
{
	uint8_t img[1000];
	evald_tensor t;
	pool *p = pool_new();
	pool_set_budget(p, budget);
	int rc = npy_decode(img, npy_image(img, h, n), p, 0, "x", &t, err);
	pool_free(p);
	return rc;
}

static void test_npy_header(void)
{
	verr err;
	tap_ok(npy_try("{'descr': '<f8', 'fortran_order': False, 'shape': "
		       "(2, 3), }          \n",
		       48, 0, &err) == 0,
	       "a NumPy header parses");
	tap_ok(npy_try("{'descr': '<f8', 'fortran_order': False, 'shape': "
		       "(2, 3), }\n",
		       48, 47, &err) < 0 &&
		       err.status == 413 && strstr(err.msg, "--max-decoded"),
	       "widening past the budget is 413 naming --max-decoded");
	tap_ok(npy_try("{'descr': '<f4', 'fortran_order': False, 'shape': "
		       "(11258999068426240,), }\n",
		       0, 0, &err) < 0,
	       "a shape entry of 2^50 * 10 is read whole (not as 2^50, 0)");
	tap_ok(npy_try("{'descr': '<f4', 'fortran_order': False, 'shape': "
		       "(99999999999999999999,), }\n",
		       0, 0, &err) < 0 &&
		       !strcmp(err.code, "too_large"),
	       "a shape entry beyond int64 is too_large");
	tap_ok(npy_try("{'x': \"'descr': '<f4'\", 'descr': '<f8', "
		       "'fortran_order': False, 'shape': (2,), }\n",
		       8, 0, &err) < 0 &&
		       !strcmp(err.code, "bad_npy"),
	       "'descr' inside another string is not the descr");
	tap_ok(npy_try("{'descr': '<f8', 'descr': '<f4', 'fortran_order': "
		       "False, 'shape': (2,), }\n",
		       16, 0, &err) < 0,
	       "a repeated key is refused");
	tap_ok(npy_try("{'descr': '<f8', 'fortran_order': False, 'shape': "
		       "(), }\n",
		       8, 0, &err) == 0 &&
		       npy_try("{'descr': '<f8', 'fortran_order': False, "
			       "'shape': (3,)}\n",
			       24, 0, &err) == 0,
	       "0-d shapes and no trailing comma parse");
}

static void b64(const uint8_t *in, size_t n, char *out)
{
	static const char a[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		"0123456789+/";
	size_t o = 0;
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)in[i + 1] << 8;
		if (i + 2 < n)
			v |= in[i + 2];
		out[o++] = a[v >> 18 & 63];
		out[o++] = a[v >> 12 & 63];
		out[o++] = i + 1 < n ? a[v >> 6 & 63] : '=';
		out[o++] = i + 2 < n ? a[v & 63] : '=';
	}
	out[o] = '\0';
}

/* codec_labels: a packed integer tensor decodes to the very integers
 * (across base64 pieces), refuses what codec_tensor refuses with the
 * same code, and leaves every other value to codec_tensor. */
static void test_labels(void)
{
	enum { N = 3001 }; /* over one 3072-byte piece as int32 */
	static int32_t v[N];
	static char text[N * 8 + 200], data[N * 6];
	for (int i = 0; i < N; i++)
		v[i] = (i * 7919) % 1000 - 500;
	b64((const uint8_t *)v, sizeof v, data);
	snprintf(text, sizeof text,
		 "{\"x\": {\"dtype\": \"int32\", \"shape\": [%d], "
		 "\"data\": \"%s\"}}",
		 N, data);
	jsonx_doc doc;
	verr err;
	evald_labels l;
	evald_tensor t;
	int ndim = -1;
	int64_t shape[EVALD_MAX_DIMS];
	tap_ok(parse_x(text, &doc) == 0, "labels: parsed");
	pool *p = pool_new();
	codec_ctx cx = {.doc = &doc, .pool = p};
	json_t *x = json_object_get(doc.root, "x");
	int rc = codec_labels(&cx, x, "/x", &l, &ndim, shape, &err);
	tap_ok(rc == 1 && l.dtype == EVALD_I32 && l.size == N && ndim == 1 &&
		       shape[0] == N && !memcmp(l.data, v, sizeof v),
	       "packed int32 labels decode to the same integers");
	tap_ok(codec_tensor(&cx, x, "/x", &t, &err) == 0 && t.data[17] == v[17],
	       "and codec_tensor still widens them");
	pool_free(p);
	jsonx_free(&doc);

	/* A bad character: the same refusal as codec_tensor's. */
	data[100] = '*';
	snprintf(text, sizeof text,
		 "{\"x\": {\"dtype\": \"int32\", \"shape\": [%d], "
		 "\"data\": \"%s\"}}",
		 N, data);
	parse_x(text, &doc);
	p = pool_new();
	cx = (codec_ctx){.doc = &doc, .pool = p};
	x = json_object_get(doc.root, "x");
	verr e2;
	int r1 = codec_labels(&cx, x, "/x", &l, &ndim, shape, &err);
	int r2 = codec_tensor(&cx, x, "/x", &t, &e2);
	tap_ok(r1 < 0 && r2 < 0 && !strcmp(err.code, e2.code) &&
		       !strcmp(err.msg, e2.msg) && !strcmp(err.path, e2.path),
	       "bad base64: codec_tensor's error (%s)", err.msg);
	pool_free(p);
	jsonx_free(&doc);

	parse_x("{\"x\": {\"dtype\": \"float32\", \"shape\": [1], "
		"\"data\": \"AACAPw==\"}}",
		&doc);
	p = pool_new();
	cx = (codec_ctx){.doc = &doc, .pool = p};
	tap_ok(codec_labels(&cx, json_object_get(doc.root, "x"), "/x", &l,
			    &ndim, shape, &err) == 0,
	       "a float32 tensor is left to codec_tensor");
	pool_free(p);
	jsonx_free(&doc);
}

int main(void)
{
	json_object_seed(0);
	test_differential();
	test_numbers();
	test_long_strings();
	test_blobs();
	test_base64();
	test_base64_rules();
	test_packed_lengths();
	test_rows_blocks();
	test_budget();
	test_json_strictness();
	test_npy_header();
	test_labels();
	return tap_done();
}
