/* test_codec.c - the decoders on their own: jsonx against jansson as an
 * oracle, number parsing exactness, base64 round trips, blob behaviour. */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <evald/rng.h>

#include "base64.h"
#include "codec.h"
#include "jsonx.h"
#include "tap.h"

/* jsonx must build the same tree as jansson for documents without blobs. */
static void differential(const char *text)
{
	jsonx_doc doc;
	jsonx_error e;
	json_error_t je;
	json_t *ref = json_loads(text, JSON_DECODE_ANY, &je);
	int rc = jsonx_parse(text, strlen(text), &doc, &e);

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
	tap_ok(jsonx_parse(big, strlen(big), &doc, &e) == 0 &&
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
		if (jsonx_parse(text, strlen(text), &doc, &e) < 0) {
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
			int rc = jsonx_parse(doc, (size_t)len, &d, &e);
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
	int rc = jsonx_parse(text, off, &doc, &e);
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
	rc = jsonx_parse("{\"x\": {}}", 9, &doc, &e);
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
		if (base64_decode(enc, o, out, &got, &pos) < 0 || got != len ||
		    memcmp(raw, out, len) != 0)
			bad++;
	}
	tap_ok(bad == 0, "base64 round trips for lengths 0..299");
	size_t got, pos;
	tap_ok(base64_decode("QUJD*EVG", 8, out, &got, &pos) < 0 && pos == 4,
	       "invalid character is located");
	tap_ok(base64_decode("QUJDR", 5, out, &got, &pos) < 0,
	       "impossible length is rejected");
	tap_ok(base64_decode("QQ==QUJD", 8, out, &got, &pos) < 0,
	       "padding in the middle is rejected");
}

int main(void)
{
	json_object_seed(0);
	test_differential();
	test_numbers();
	test_long_strings();
	test_blobs();
	test_base64();
	return tap_done();
}
