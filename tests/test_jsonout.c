/* test_jsonout.c - the JSON writer and its number form: reals in the
 * fewest digits that read back to the same bits, everything else as
 * jansson writes it. */
#include <float.h>
#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonout.h"
#include "numfmt.h"
#include "tap.h"

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static int same_bits(double a, double b)
{
	return memcmp(&a, &b, sizeof a) == 0;
}

/* Significant digits of numfmt's text s. */
static int sig_digits(const char *s)
{
	int n = 0, lead = 1, zeros = 0;
	for (; *s && *s != 'e'; s++) {
		if (*s < '0' || *s > '9')
			continue;
		if (*s == '0' && lead)
			continue;
		lead = 0;
		if (*s == '0') {
			zeros++;
		} else {
			n += zeros + 1;
			zeros = 0;
		}
	}
	return n ? n : 1;
}

/* Why s is not the shortest round-trip text of x, or NULL: it must read
 * back to x's bits, keep a point or exponent, and no decimal with one
 * digit fewer (the nearest, or its neighbours) may read back to x. */
static const char *check_shortest(double x, const char *s)
{
	char t[64];
	int k = sig_digits(s);

	if (!same_bits(strtod(s, NULL), x))
		return "does not read back";
	if (!strpbrk(s, ".e"))
		return "has neither a point nor an exponent";
	if (k == 1)
		return NULL;
	snprintf(t, sizeof t, "%.*e", k - 2, x);
	for (int d = -1; d <= 1; d++) {
		/* The nearest (k-1)-digit decimal and the ones either side:
		 * at a power of two the nearest may not be the one that
		 * reads back. */
		char u[64], *e = strchr(t, 'e');
		double m = strtod(t, NULL);
		snprintf(u, sizeof u, "%.*e", k - 2,
			 m + d * pow(10, atoi(e + 1) - (k - 2)));
		if (same_bits(strtod(u, NULL), x))
			return "a shorter decimal reads back";
	}
	return NULL;
}

static void test_named(void)
{
	static const struct {
		double x;
		const char *want;
	} cases[] = {
		{0.1, "0.1"},
		{1e-300, "1e-300"},
		{2.0, "2.0"},
		{-0.0, "-0.0"},
		{0.0, "0.0"},
		{5e-324, "5e-324"},
		{DBL_MAX, "1.7976931348623157e308"},
		{-DBL_MAX, "-1.7976931348623157e308"},
		{DBL_MIN, "2.2250738585072014e-308"},
		{1.0 / 3.0, "0.3333333333333333"},
		{2.0 / 3.0, "0.6666666666666666"},
		{0.1 + 0.2, "0.30000000000000004"},
		{100.0, "100.0"},
		{-7.0, "-7.0"},
		{1e15, "1000000000000000.0"},
		{1e17, "1e17"},
		{1e-5, "1e-5"},
		{0.0001, "0.0001"},
		{1.5e300, "1.5e300"},
		{123.456, "123.456"},
		{9007199254740993.0, "9007199254740992.0"},
		/* printf's 17 digits end ...50045 above a tie at ...5004 */
		{-6.1736267353950045e-308, "-6.173626735395004e-308"},
	};
	char b[NUMFMT_SIZE];

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t n = numfmt_double(cases[i].x, NUMFMT_REAL, b);
		tap_ok(!strcmp(b, cases[i].want) && n == strlen(b),
		       "%.17g is written %s (got %s)", cases[i].x,
		       cases[i].want, b);
	}
	numfmt_double(2.0, 0, b);
	tap_ok(!strcmp(b, "2"), "without NUMFMT_REAL 2.0 is 2 (got %s)", b);
	numfmt_double(0.25, 0, b);
	tap_ok(!strcmp(b, "0.25"), "without NUMFMT_REAL 0.25 is 0.25");
	numfmt_double(NAN, 0, b);
	tap_ok(!strcmp(b, "nan"), "NaN is nan");
	numfmt_double(-INFINITY, 0, b);
	tap_ok(!strcmp(b, "-inf"), "-infinity is -inf");
}

/* Random bit patterns (one in three a subnormal), integers as reals and
 * short decimals: all read back, none has a digit too many. */
static void test_random(void)
{
	char b[NUMFMT_SIZE];
	const char *why = NULL;
	double bad = 0;
	int n = 0;

	for (int i = 0; i < 200000 && !why; i++) {
		uint64_t u = next();
		double x;
		if (i % 3 == 0)
			u &= 0x800FFFFFFFFFFFFFull;
		memcpy(&x, &u, sizeof x);
		if (i % 5 == 1)
			x = (double)(int64_t)(next() >> (next() % 64));
		if (i % 5 == 2)
			x = (double)(next() % 100000) /
			    pow(10, (double)(next() % 12));
		if (!isfinite(x))
			continue;
		numfmt_double(x, NUMFMT_REAL, b);
		why = check_shortest(x, b);
		bad = x;
		n++;
	}
	tap_ok(!why, "%d random doubles are written shortest and read back", n);
	if (why)
		tap_diag("%.17g as %s: %s", bad, b, why);
}

/* The text json_dumps gives v with flags, compared with jsonout's. */
static int same_as_jansson(const json_t *v, size_t flags, int indent,
			   char **ours)
{
	char *theirs = json_dumps(v, flags | JSON_ENCODE_ANY);
	size_t len;
	int rc = jsonout_dump(v, indent, ours, &len);
	int same = theirs && rc == 0 && !strcmp(theirs, *ours) &&
		   len == strlen(theirs);
	if (!same)
		tap_diag("jansson: %s\n# jsonout: %s", theirs ? theirs : "-",
			 *ours ? *ours : "-");
	free(theirs);
	return same;
}

static json_t *text_tree(void)
{
	char ctl[40];
	for (int c = 1; c < 0x20; c++)
		ctl[c - 1] = (char)c;
	memcpy(ctl + 31, "\x7f/\"\\", 5);
	json_t *v = json_pack(
		"{s:s, s:s%, s:s, s:[i, I, I, b, b, n, [], {}], "
		"s:{s:{s:[[]]}}}",
		"plain", "hello", "controls", ctl, (size_t)35, "unicode",
		"caf\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x98\x80 \xe2\x80\xa8",
		"scalars", -1, (json_int_t)INT64_MAX, (json_int_t)INT64_MIN, 1,
		0, "nested", "k\"e\\y\n\xc3\xa9", "x");
	/* A key and a string with a NUL in them, and insertion order. */
	json_object_setn_new(v, "nul\0key", 7, json_stringn("a\0b", 3));
	json_object_set_new(v, "b", json_integer(2));
	json_object_set_new(v, "a", json_integer(1));
	return v;
}

static void test_like_jansson(void)
{
	json_t *v = text_tree();
	char *s = NULL;

	tap_ok(v != NULL, "the text tree builds");
	tap_ok(same_as_jansson(v, JSON_COMPACT, 0, &s),
	       "compact: the same bytes as json_dumps (strings, escapes, "
	       "UTF-8, integers, nesting, key order)");
	tap_ok(s && strstr(s, "\"b\":2,\"a\":1"), "keys keep insertion order");
	free(s);
	s = NULL;
	tap_ok(same_as_jansson(v, JSON_INDENT(2), 2, &s),
	       "indented: the same bytes as json_dumps with JSON_INDENT(2)");
	free(s);
	s = NULL;
	json_t *str = json_string("top \"level\"");
	tap_ok(same_as_jansson(str, JSON_COMPACT, 0, &s),
	       "a string alone, as JSON_ENCODE_ANY writes it");
	free(s);
	s = NULL;
	json_t *e = json_array();
	tap_ok(same_as_jansson(e, JSON_INDENT(2), 2, &s),
	       "an empty array, indented");
	free(s);
	json_decref(e);
	json_decref(str);
	json_decref(v);

	/* What json_dumps refuses, jsonout refuses. */
	size_t len;
	json_t *bad = json_pack("[o]", json_stringn_nocheck("\xc0\xaf", 2));
	tap_ok(jsonout_dump(bad, 0, &s, &len) < 0 && !s &&
		       !json_dumps(bad, JSON_COMPACT),
	       "a string that is not UTF-8 is refused, as by jansson");
	json_decref(bad);
	json_t *a = json_array(), *b = json_array();
	json_array_append(b, a);
	json_array_append(a, b);
	tap_ok(jsonout_dump(a, 0, &s, &len) < 0 && !s,
	       "a cycle is refused, not followed for ever");
	json_array_clear(a);
	json_decref(a);
	json_decref(b);
}

static void test_reals(void)
{
	json_t *v = json_pack("{s:f, s:[f, f, f, f], s:{s:f}, s:i}", "a", 0.1,
			      "arr", 1.0 / 3.0, 2.0, -0.0, 5e-324, "o", "x",
			      1e-300, "n", 3);
	char *s = NULL;
	size_t len;

	int rc = jsonout_dump(v, 0, &s, &len);
	tap_ok(rc == 0 && !strcmp(s, "{\"a\":0.1,\"arr\":[0.3333333333333333,"
				     "2.0,-0.0,5e-324],\"o\":{\"x\":1e-300},"
				     "\"n\":3}"),
	       "reals shortest, a real stays a real (got %s)", s ? s : "-");
	free(s);

	/* A random tree of reals reads back equal, every real a real. */
	json_t *arr = json_array();
	for (int i = 0; i < 5000; i++) {
		uint64_t u = next();
		double x;
		memcpy(&x, &u, sizeof x);
		if (isfinite(x))
			json_array_append_new(
				arr, i % 2 ? json_real(x)
					   : json_pack("{s:[f]}", "v", x));
	}
	int ok = jsonout_dump(arr, 0, &s, &len) == 0;
	json_t *back = ok ? json_loads(s, 0, NULL) : NULL;
	ok = back && json_equal(back, arr);
	for (size_t i = 0; ok && i < json_array_size(back); i++) {
		json_t *a = json_array_get(back, i),
		       *b = json_array_get(arr, i);
		if (json_is_object(a)) {
			a = json_array_get(json_object_get(a, "v"), 0);
			b = json_array_get(json_object_get(b, "v"), 0);
		}
		ok = json_is_real(a) &&
		     same_bits(json_real_value(a), json_real_value(b));
	}
	tap_ok(ok, "%zu random reals in a tree read back bit for bit, as reals",
	       json_array_size(arr));
	char *theirs = json_dumps(arr, JSON_COMPACT | JSON_REAL_PRECISION(17));
	tap_ok(theirs && strlen(theirs) >= len,
	       "never longer than jansson's %%.17g text (%zu <= %zu bytes)",
	       len, theirs ? strlen(theirs) : (size_t)0);
	free(theirs);
	free(s);
	json_decref(back);
	json_decref(arr);
	json_decref(v);
}

int main(void)
{
	test_named();
	test_random();
	test_like_jansson();
	test_reals();
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}
