/* jsonx.c - a strict RFC 8259 parser building jansson trees, with large
 * numeric arrays and packed-tensor base64 kept out of the tree (jsonx.h).
 *
 * Arrays are first tried as rectangular numeric tensors in one pass that
 * writes doubles into a growing buffer; anything else (a string, an object,
 * a ragged shape, too few numbers) rewinds and parses the array as plain
 * JSON.  Ragged numeric arrays are therefore not a parse error: the tensor
 * decoder reports them with a path, where it knows one is expected. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonx.h"
#include "suggest.h"

/* Where the parser is: the key or index the container at each depth is
 * parsing, for the JSON Pointer of an error. */
typedef struct seg {
	const char *key; /* NULL: an array index */
	size_t klen, index;
} seg;

typedef struct parser {
	const char *s, *end, *p;
	jsonx_doc *doc;
	jsonx_error *e;
	jsonx_limits lim;
	int depth;
	char *sbuf; /* scratch for unescaped strings */
	size_t scap;
	seg at[JSONX_MAX_DEPTH + 2];
} parser;

static int fail(parser *ps, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int fail(parser *ps, const char *fmt, ...)
{
	va_list ap;
	jsonx_error *e = ps->e;

	if (e->msg[0])
		return -1; /* keep the first, innermost message */
	e->offset = (size_t)(ps->p - ps->s);
	e->line = 1;
	e->column = 1;
	for (const char *q = ps->s; q < ps->p; q++) {
		if (*q == '\n') {
			e->line++;
			e->column = 1;
		} else {
			e->column++;
		}
	}
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	return -1;
}

/* A failure that is not a syntax error: set its kind after fail(). */
static int fail_kind(parser *ps, jsonx_fault kind)
{
	if (ps->e->kind == JSONX_E_SYNTAX)
		ps->e->kind = kind;
	return -1;
}

/* The JSON Pointer of the value at ps->depth, ~ and / escaped. */
static void pointer(const parser *ps, char *out, size_t cap)
{
	size_t o = 0;
	out[0] = '\0';
	for (int d = 1; d <= ps->depth && o + 1 < cap; d++) {
		const seg *g = &ps->at[d];
		char num[24];
		const char *k = g->key;
		size_t kl = g->klen;
		if (!k) {
			kl = (size_t)snprintf(num, sizeof num, "%zu", g->index);
			k = num;
		}
		out[o++] = '/';
		for (size_t i = 0; i < kl && o + 3 < cap; i++) {
			if (k[i] == '~' || k[i] == '/') {
				out[o++] = '~';
				out[o++] = k[i] == '~' ? '0' : '1';
			} else {
				out[o++] = k[i];
			}
		}
		out[o < cap ? o : cap - 1] = '\0';
	}
}

/* One more value (a jansson node or a blob's marker) under the limit. */
static int count_node(parser *ps)
{
	if (ps->lim.max_nodes > 0 && ps->doc->nodes >= ps->lim.max_nodes) {
		fail(ps,
		     "the body has more than %lld JSON values (objects, "
		     "arrays, strings, numbers outside large numeric arrays)",
		     (long long)ps->lim.max_nodes);
		return fail_kind(ps, JSONX_E_NODES);
	}
	ps->doc->nodes++;
	return 0;
}

/* Valid UTF-8 (RFC 3629: no overlongs, no surrogates, <= U+10FFFF), ASCII
 * eight bytes at a time since blob strings are megabytes of base64. */
static int utf8_valid(const unsigned char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		if (n - i >= 8) {
			uint64_t w;
			memcpy(&w, s + i, 8);
			if (!(w & 0x8080808080808080ULL)) {
				i += 8;
				continue;
			}
		}
		unsigned c = s[i];
		size_t k;
		uint32_t cp, min;
		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			k = 1, cp = c & 0x1f, min = 0x80;
		} else if ((c & 0xf0) == 0xe0) {
			k = 2, cp = c & 0x0f, min = 0x800;
		} else if ((c & 0xf8) == 0xf0) {
			k = 3, cp = c & 0x07, min = 0x10000;
		} else {
			return 0;
		}
		if (n - i <= k)
			return 0;
		for (size_t j = 1; j <= k; j++) {
			if ((s[i + j] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + j] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += k + 1;
	}
	return 1;
}

static void skip_ws(parser *ps)
{
	while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' ||
				   *ps->p == '\n' || *ps->p == '\r'))
		ps->p++;
}

static int expected(parser *ps, const char *what)
{
	if (ps->p >= ps->end)
		return fail(ps, "expected %s but found the end of input", what);
	unsigned char c = (unsigned char)*ps->p;
	if (c >= 0x20 && c < 0x7f)
		return fail(ps, "expected %s but found '%c'", what, c);
	return fail(ps, "expected %s but found byte 0x%02x", what, c);
}

/* ------------------------------------------------------------ numbers */

static const double pow10_exact[] = {
	1e0,  1e1,  1e2,  1e3,	1e4,  1e5,  1e6,  1e7,	1e8,  1e9,  1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* Scan one JSON number at ps->p.  Exact: the Clinger fast path when the
 * decimal significand fits 2^53 and the power of ten is exact, else
 * strtod (correctly rounded in glibc).  *is_int: no fraction, no exponent. */
static int scan_number(parser *ps, double *out, int *is_int)
{
	const char *p = ps->p, *start = p;
	uint64_t mant = 0;
	int digits = 0, exp10 = 0, neg = 0, overflow = 0;

	if (p < ps->end && *p == '-') {
		neg = 1;
		p++;
	}
	/* NaN and Infinity are not JSON, but Python's json module writes
	 * them; taking them as values lets the tensor decoder answer with the
	 * precise 422 "non_finite" and path instead of a syntax error. */
	if ((size_t)(ps->end - p) >= 3 && memcmp(p, "NaN", 3) == 0 && !neg) {
		ps->p = p + 3;
		*is_int = 0;
		*out = NAN;
		return 0;
	}
	if ((size_t)(ps->end - p) >= 8 && memcmp(p, "Infinity", 8) == 0) {
		ps->p = p + 8;
		*is_int = 0;
		*out = neg ? -INFINITY : INFINITY;
		return 0;
	}
	if (p >= ps->end || (unsigned)(*p - '0') > 9)
		return expected(ps, "a digit");
	if (*p == '0') {
		p++;
		if (p < ps->end && (unsigned)(*p - '0') <= 9) {
			ps->p = p;
			return fail(ps, "numbers cannot have leading zeros");
		}
	} else {
		for (; p < ps->end && (unsigned)(*p - '0') <= 9; p++) {
			if (digits < 19) {
				mant = mant * 10 + (uint64_t)(*p - '0');
				if (mant)
					digits++;
			} else {
				overflow = 1;
				exp10++;
			}
		}
	}
	*is_int = 1;
	if (p < ps->end && *p == '.') {
		*is_int = 0;
		p++;
		if (p >= ps->end || (unsigned)(*p - '0') > 9) {
			ps->p = p;
			return expected(ps, "a digit after the decimal point");
		}
		for (; p < ps->end && (unsigned)(*p - '0') <= 9; p++) {
			if (digits < 19) {
				mant = mant * 10 + (uint64_t)(*p - '0');
				if (mant)
					digits++;
				exp10--;
			} else {
				overflow = 1;
			}
		}
	}
	if (p < ps->end && (*p == 'e' || *p == 'E')) {
		int eneg = 0, ev = 0;
		*is_int = 0;
		p++;
		if (p < ps->end && (*p == '+' || *p == '-'))
			eneg = *p++ == '-';
		if (p >= ps->end || (unsigned)(*p - '0') > 9) {
			ps->p = p;
			return expected(ps, "a digit in the exponent");
		}
		for (; p < ps->end && (unsigned)(*p - '0') <= 9; p++)
			if (ev < 100000)
				ev = ev * 10 + (*p - '0');
		exp10 += eneg ? -ev : ev;
	}
	ps->p = p;
	if (!overflow && mant < (1ULL << 53) && exp10 >= -22 && exp10 <= 22) {
		double v = (double)mant;
		v = exp10 < 0 ? v / pow10_exact[-exp10]
			      : v * pow10_exact[exp10];
		*out = neg ? -v : v;
		return 0;
	}
	/* strtod needs a terminated string; numbers are short, copy one. */
	char buf[512];
	size_t n = (size_t)(p - start);
	if (n >= sizeof buf) {
		/* Absurdly long literal: the fast scan already validated it,
		 * so only magnitude matters; let strtod see it on the heap. */
		char *heap = malloc(n + 1);
		if (!heap)
			return fail(ps, "out of memory");
		memcpy(heap, start, n);
		heap[n] = '\0';
		*out = strtod(heap, NULL);
		free(heap);
	} else {
		memcpy(buf, start, n);
		buf[n] = '\0';
		*out = strtod(buf, NULL);
	}
	return 0; /* overflow gives ±Inf, rejected later as non-finite */
}

/* ------------------------------------------------- numeric tensor try */

typedef struct numtry {
	double *buf;
	int64_t n, cap;
	int ndim; /* fixed at the first leaf */
	int64_t shape[EVALD_MAX_DIMS];
	int64_t seen[EVALD_MAX_DIMS]; /* shape[k] known? (>=0) */
	int all_int;
} numtry;

/* 1 = success, 0 = not a rectangular numeric array (rewind), -1 = error
 * (bad number syntax or out of memory: reported, no rewind). */
static int try_numeric(parser *ps, numtry *t, int depth)
{
	int64_t count = 0;

	if (depth >= EVALD_MAX_DIMS)
		return 0;
	ps->p++; /* '[' */
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == ']')
		return 0; /* empty arrays: leave to the generic parser */
	for (;;) {
		skip_ws(ps);
		if (ps->p >= ps->end)
			return 0;
		char c = *ps->p;
		if (c == '[') {
			if (t->ndim >= 0 && depth + 1 >= t->ndim)
				return 0;
			int r = try_numeric(ps, t, depth + 1);
			if (r <= 0)
				return r;
		} else if (c == '-' || (c >= '0' && c <= '9') || c == 'N' ||
			   c == 'I') {
			if (t->ndim < 0)
				t->ndim = depth + 1;
			else if (t->ndim != depth + 1)
				return 0;
			if (t->n == t->cap) {
				int64_t nc = t->cap ? t->cap * 2 : 1024;
				/* Never hold more float64 than the budget
				 * leaves, even transiently. */
				if (ps->lim.max_bytes > 0) {
					int64_t room =
						(ps->lim.max_bytes -
						 (int64_t)ps->doc->bytes) /
						(int64_t)sizeof(double);
					if (nc > room)
						nc = room;
					if (nc <= t->n) {
						fail(ps,
						     "numeric arrays in the "
						     "body "
						     "take more than %lld "
						     "bytes "
						     "as float64",
						     (long long)
							     ps->lim.max_bytes);
						return fail_kind(ps,
								 JSONX_E_BYTES);
					}
				}
				double *nb = realloc(t->buf, nc * sizeof *nb);
				if (!nb)
					return fail(ps, "out of memory");
				t->buf = nb;
				t->cap = nc;
			}
			int is_int;
			if (scan_number(ps, &t->buf[t->n], &is_int) < 0)
				return -1;
			t->all_int &= is_int;
			t->n++;
		} else {
			return 0;
		}
		count++;
		skip_ws(ps);
		if (ps->p >= ps->end)
			return 0;
		if (*ps->p == ',') {
			ps->p++;
			continue;
		}
		if (*ps->p == ']') {
			ps->p++;
			break;
		}
		return 0;
	}
	if (t->seen[depth] < 0) {
		t->seen[depth] = 1;
		t->shape[depth] = count;
	} else if (t->shape[depth] != count) {
		return 0;
	}
	return 1;
}

static int add_blob(parser *ps, jsonx_blob *b, json_t **out)
{
	jsonx_doc *d = ps->doc;
	if (d->nblobs == d->cap) {
		size_t nc = d->cap ? d->cap * 2 : 8;
		jsonx_blob *nb = realloc(d->blobs, nc * sizeof *nb);
		if (!nb)
			return fail(ps, "out of memory");
		d->blobs = nb;
		d->cap = nc;
	}
	b->marker = json_object();
	if (!b->marker)
		return fail(ps, "out of memory");
	d->blobs[d->nblobs++] = *b;
	*out = b->marker;
	return 0;
}

/* ------------------------------------------------------------ strings */

static int put_bytes(parser *ps, size_t *n, const char *b, size_t k)
{
	if (k == 0)
		return 0; /* sbuf may still be NULL: no pointer arithmetic */
	if (*n + k > ps->scap) {
		size_t nc = ps->scap ? ps->scap * 2 : 256;
		while (nc < *n + k)
			nc *= 2;
		char *nb = realloc(ps->sbuf, nc);
		if (!nb)
			return fail(ps, "out of memory");
		ps->sbuf = nb;
		ps->scap = nc;
	}
	memcpy(ps->sbuf + *n, b, k);
	*n += k;
	return 0;
}

static int put_utf8(parser *ps, size_t *n, uint32_t cp)
{
	char tmp[4];
	size_t k;
	if (cp < 0x80) {
		tmp[0] = (char)cp;
		k = 1;
	} else if (cp < 0x800) {
		tmp[0] = (char)(0xc0 | cp >> 6);
		tmp[1] = (char)(0x80 | (cp & 0x3f));
		k = 2;
	} else if (cp < 0x10000) {
		tmp[0] = (char)(0xe0 | cp >> 12);
		tmp[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		tmp[2] = (char)(0x80 | (cp & 0x3f));
		k = 3;
	} else {
		tmp[0] = (char)(0xf0 | cp >> 18);
		tmp[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		tmp[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		tmp[3] = (char)(0x80 | (cp & 0x3f));
		k = 4;
	}
	return put_bytes(ps, n, tmp, k);
}

static int hex4(parser *ps, uint32_t *out)
{
	uint32_t v = 0;
	for (int i = 0; i < 4; i++) {
		if (ps->p >= ps->end)
			return expected(ps, "four hex digits after \\u");
		char c = *ps->p++;
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (uint32_t)(c - 'A' + 10);
		else {
			ps->p--;
			return expected(ps, "a hex digit in a \\u escape");
		}
	}
	*out = v;
	return 0;
}

/* Skip bytes that need no attention inside a string: not '"', not '\\',
 * not a control character.  Eight at a time (SWAR), since packed tensors
 * are megabytes of base64 in one string. */
static const char *skip_plain(const char *p, const char *end)
{
	const uint64_t ones = 0x0101010101010101ULL, high = ones * 0x80;
	while (end - p >= 8) {
		uint64_t w;
		memcpy(&w, p, 8);
		uint64_t q = w ^ (ones * '"'), b = w ^ (ones * '\\');
		/* A zero byte in q or b, or a byte < 0x20 in w, sets its high
		 * bit. */
		uint64_t hit = ((q - ones) & ~q) | ((b - ones) & ~b) |
			       ((w - ones * 0x20) & ~w);
		if (hit & high)
			break;
		p += 8;
	}
	while (p < end && *p != '"' && *p != '\\' && (unsigned char)*p >= 0x20)
		p++;
	return p;
}

/* Parse a string at ps->p ('"').  Without escapes the result is a slice of
 * the body (*str, *len); with escapes it is unescaped into ps->sbuf.
 * UTF-8 validity is checked by jansson when the value is created. */
static int scan_string(parser *ps, const char **str, size_t *len, int *esc)
{
	const char *start = ++ps->p;
	size_t n = 0;

	*esc = 0;
	while (ps->p < ps->end) {
		if (!*esc)
			ps->p = skip_plain(ps->p, ps->end);
		if (ps->p >= ps->end)
			break;
		unsigned char c = (unsigned char)*ps->p;
		if (c == '"') {
			if (!*esc) {
				*str = start;
				*len = (size_t)(ps->p - start);
			} else {
				*str = ps->sbuf;
				*len = n;
			}
			ps->p++;
			return 0;
		}
		if (c < 0x20)
			return fail(ps,
				    "control character 0x%02x inside a "
				    "string (escape it)",
				    c);
		if (c != '\\') {
			if (*esc && put_bytes(ps, &n, ps->p, 1) < 0)
				return -1;
			ps->p++;
			continue;
		}
		if (!*esc) {
			/* First escape: copy what came before, as it is. */
			*esc = 1;
			if (put_bytes(ps, &n, start, (size_t)(ps->p - start)) <
			    0)
				return -1;
		}
		ps->p++;
		if (ps->p >= ps->end)
			break;
		char e = *ps->p++;
		uint32_t cp;
		switch (e) {
		case '"': cp = '"'; break;
		case '\\': cp = '\\'; break;
		case '/': cp = '/'; break;
		case 'b': cp = '\b'; break;
		case 'f': cp = '\f'; break;
		case 'n': cp = '\n'; break;
		case 'r': cp = '\r'; break;
		case 't': cp = '\t'; break;
		case 'u':
			if (hex4(ps, &cp) < 0)
				return -1;
			if (cp >= 0xd800 && cp <= 0xdbff) {
				uint32_t lo;
				if (ps->end - ps->p < 2 || ps->p[0] != '\\' ||
				    ps->p[1] != 'u')
					return fail(ps, "unpaired UTF-16 "
							"surrogate in \\u "
							"escape");
				ps->p += 2;
				if (hex4(ps, &lo) < 0)
					return -1;
				if (lo < 0xdc00 || lo > 0xdfff)
					return fail(ps, "invalid UTF-16 "
							"surrogate pair");
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				     (lo - 0xdc00);
			} else if (cp >= 0xdc00 && cp <= 0xdfff) {
				return fail(ps, "unpaired UTF-16 surrogate "
						"in \\u escape");
			}
			if (cp == 0)
				return fail(ps, "\\u0000 is not allowed in "
						"strings");
			break;
		default: ps->p--; return fail(ps, "invalid escape '\\%c'", e);
		}
		if (put_utf8(ps, &n, cp) < 0)
			return -1;
	}
	return fail(ps, "unterminated string");
}

/* ------------------------------------------------------------- values */

static int parse_value(parser *ps, json_t **out, const char *key,
		       size_t keylen);

static int parse_array(parser *ps, json_t **out)
{
	const char *open = ps->p;
	numtry t = {.ndim = -1, .all_int = 1};
	int r;

	for (int i = 0; i < EVALD_MAX_DIMS; i++)
		t.seen[i] = -1;
	r = try_numeric(ps, &t, 0);
	if (r < 0) {
		free(t.buf);
		return -1;
	}
	if (r == 1 && t.n >= JSONX_BLOB_MIN) {
		/* Give back the growth slack: the blob holds n doubles. */
		double *fit = realloc(t.buf, (size_t)t.n * sizeof *fit);
		if (fit)
			t.buf = fit;
		jsonx_blob b = {.kind = JSONX_NUMBERS,
				.data = t.buf,
				.ndim = t.ndim,
				.size = t.n,
				.all_integer = t.all_int};
		memcpy(b.shape, t.shape, sizeof b.shape);
		if (add_blob(ps, &b, out) < 0) {
			free(t.buf);
			return -1;
		}
		ps->doc->bytes += (uint64_t)t.n * sizeof(double);
		return 0;
	}
	free(t.buf);
	ps->p = open + 1;

	json_t *arr = json_array();
	if (!arr)
		return fail(ps, "out of memory");
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == ']') {
		ps->p++;
		*out = arr;
		return 0;
	}
	for (size_t i = 0;; i++) {
		json_t *v;
		skip_ws(ps);
		ps->at[ps->depth] = (seg){.index = i};
		if (parse_value(ps, &v, NULL, 0) < 0)
			goto fail;
		if (json_array_append_new(arr, v) < 0) {
			fail(ps, "out of memory");
			goto fail;
		}
		skip_ws(ps);
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			continue;
		}
		if (ps->p < ps->end && *ps->p == ']') {
			ps->p++;
			break;
		}
		expected(ps, "',' or ']' in an array");
		goto fail;
	}
	*out = arr;
	return 0;
fail:
	json_decref(arr);
	return -1;
}

static int parse_object(parser *ps, json_t **out)
{
	json_t *obj = json_object();
	char *key = NULL;

	if (!obj)
		return fail(ps, "out of memory");
	ps->p++; /* '{' */
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == '}') {
		ps->p++;
		*out = obj;
		return 0;
	}
	for (;;) {
		const char *k;
		size_t klen;
		int esc;
		json_t *v;

		skip_ws(ps);
		if (ps->p >= ps->end || *ps->p != '"') {
			expected(ps, "a string key in an object");
			goto fail;
		}
		if (scan_string(ps, &k, &klen, &esc) < 0)
			goto fail;
		/* The key may live in sbuf, which the value parse reuses. */
		key = malloc(klen + 1);
		if (!key) {
			fail(ps, "out of memory");
			goto fail;
		}
		memcpy(key, k, klen);
		key[klen] = '\0';
		skip_ws(ps);
		if (ps->p >= ps->end || *ps->p != ':') {
			expected(ps, "':' after an object key");
			goto fail;
		}
		ps->p++;
		skip_ws(ps);
		ps->at[ps->depth] = (seg){.key = key, .klen = klen};
		if (json_object_getn(obj, key, klen)) {
			/* The last value silently winning would let two
			 * readers of one body disagree; refuse instead. */
			pointer(ps, ps->e->path, sizeof ps->e->path);
			fail(ps, "key \"%.100s\" appears twice in one object",
			     key);
			fail_kind(ps, JSONX_E_DUPLICATE);
			goto fail;
		}
		if (parse_value(ps, &v, key, klen) < 0)
			goto fail;
		if (json_object_setn_new(obj, key, klen, v) < 0) {
			fail(ps, "object key is not valid UTF-8");
			goto fail;
		}
		free(key);
		key = NULL;
		skip_ws(ps);
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			continue;
		}
		if (ps->p < ps->end && *ps->p == '}') {
			ps->p++;
			break;
		}
		expected(ps, "',' or '}' in an object");
		goto fail;
	}
	*out = obj;
	return 0;
fail:
	free(key);
	json_decref(obj);
	return -1;
}

static int literal(parser *ps, const char *word, json_t *v, json_t **out)
{
	size_t n = strlen(word);
	if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0)
		return expected(ps, "a JSON value");
	ps->p += n;
	*out = v;
	return 0;
}

static int parse_value(parser *ps, json_t **out, const char *key, size_t keylen)
{
	int r;

	if (ps->p >= ps->end)
		return expected(ps, "a JSON value");
	if (ps->depth + 1 > JSONX_MAX_DEPTH)
		return fail(ps, "nesting deeper than %d levels",
			    JSONX_MAX_DEPTH);
	if (count_node(ps) < 0)
		return -1;
	ps->depth++;
	switch (*ps->p) {
	case '{': r = parse_object(ps, out); break;
	case '[': r = parse_array(ps, out); break;
	case '"': {
		const char *s;
		size_t len;
		int esc;
		const char *at = ps->p;
		if ((r = scan_string(ps, &s, &len, &esc)) < 0)
			break;
		if (!esc && len >= JSONX_BLOB_MIN && key && keylen == 4 &&
		    memcmp(key, "data", 4) == 0) {
			if (!utf8_valid((const unsigned char *)s, len)) {
				ps->p = at;
				r = fail(ps, "string is not valid UTF-8");
				break;
			}
			jsonx_blob b = {
				.kind = JSONX_STRING, .str = s, .len = len};
			r = add_blob(ps, &b, out);
			break;
		}
		*out = json_stringn(s, len);
		if (!*out) {
			ps->p = at;
			r = fail(ps, "string is not valid UTF-8");
		}
		break;
	}
	case 't': r = literal(ps, "true", json_true(), out); break;
	case 'f': r = literal(ps, "false", json_false(), out); break;
	case 'n': r = literal(ps, "null", json_null(), out); break;
	default: {
		double v;
		int is_int;
		const char *at = ps->p;
		if ((r = scan_number(ps, &v, &is_int)) < 0)
			break;
		if (!isfinite(v)) {
			/* jansson cannot hold it: a 0-d number blob can. */
			jsonx_blob b = {
				.kind = JSONX_NUMBERS, .ndim = 0, .size = 1};
			b.data = malloc(sizeof(double));
			if (!b.data) {
				r = fail(ps, "out of memory");
				break;
			}
			b.data[0] = v;
			if ((r = add_blob(ps, &b, out)) < 0)
				free(b.data);
			else
				ps->doc->bytes += sizeof(double);
			break;
		}
		size_t n = (size_t)(ps->p - at);
		long long iv = 0;
		if (is_int && n < 24) {
			/* Integers keep every digit, as jansson does. */
			char buf[24];
			memcpy(buf, at, n);
			buf[n] = '\0';
			errno = 0;
			iv = strtoll(buf, NULL, 10);
			if (errno)
				is_int = 0;
		} else {
			is_int = 0;
		}
		/* Beyond int64 (jansson refuses those) a number is still a
		 * number: keep it as a real. */
		*out = is_int ? json_integer(iv) : json_real(v);
		if (!*out)
			r = fail(ps, "out of memory");
		break;
	}
	}
	ps->depth--;
	return r;
}

int jsonx_parse(const char *text, size_t len, const jsonx_limits *lim,
		jsonx_doc *doc, jsonx_error *e)
{
	parser *ps = malloc(sizeof *ps);
	json_t *root = NULL;

	memset(doc, 0, sizeof *doc);
	memset(e, 0, sizeof *e);
	if (!ps) {
		snprintf(e->msg, sizeof e->msg, "out of memory");
		return -1;
	}
	*ps = (parser){
		.s = text, .end = text + len, .p = text, .doc = doc, .e = e};
	if (lim)
		ps->lim = *lim;
	skip_ws(ps);
	if (parse_value(ps, &root, NULL, 0) < 0)
		goto fail;
	skip_ws(ps);
	if (ps->p != ps->end) {
		fail(ps, "unexpected data after the JSON value");
		goto fail;
	}
	free(ps->sbuf);
	free(ps);
	doc->root = root;
	return 0;
fail:
	free(ps->sbuf);
	free(ps);
	json_decref(root);
	jsonx_free(doc);
	return -1;
}

void jsonx_free(jsonx_doc *doc)
{
	for (size_t i = 0; i < doc->nblobs; i++) {
		free(doc->blobs[i].data);
		free(doc->blobs[i].ints_owned);
	}
	free(doc->blobs);
	json_decref(doc->root);
	memset(doc, 0, sizeof *doc);
}

const jsonx_blob *jsonx_blob_of(const jsonx_doc *doc, const json_t *v)
{
	if (!doc || !json_is_object(v) || json_object_size(v) != 0)
		return NULL;
	for (size_t i = 0; i < doc->nblobs; i++)
		if (doc->blobs[i].marker == v)
			return &doc->blobs[i];
	return NULL;
}

jsonx_type_t jsonx_type(const jsonx_doc *doc, const json_t *v)
{
	const jsonx_blob *b;

	if (!v)
		return JX_ABSENT;
	if ((b = jsonx_blob_of(doc, v)))
		return b->kind == JSONX_STRING ? JX_STRING
		       : b->ndim == 0	       ? JX_NUMBER
					       : JX_ARRAY;
	switch (json_typeof(v)) {
	case JSON_OBJECT: return JX_OBJECT;
	case JSON_ARRAY: return JX_ARRAY;
	case JSON_STRING: return JX_STRING;
	case JSON_INTEGER:
	case JSON_REAL: return JX_NUMBER;
	case JSON_TRUE:
	case JSON_FALSE: return JX_BOOL;
	case JSON_NULL: return JX_NULL;
	}
	return JX_NULL;
}

int jsonx_check_keys(const json_t *obj, const char *const allowed[],
		     const char *prefix, const char *what, verr *err)
{
	const char *key;
	json_t *v;

	json_object_foreach((json_t *)obj, key, v)
	{
		int ok = 0;
		for (size_t i = 0; allowed[i] && !ok; i++)
			ok = !strcmp(key, allowed[i]);
		if (ok)
			continue;
		char p[300], near[170] = "";
		suggest sg;
		snprintf(p, sizeof p, "%s/%s", prefix, key);
		suggest_init(&sg, key);
		for (size_t i = 0; allowed[i]; i++)
			suggest_add(&sg, allowed[i]);
		if (sg.n) {
			near[0] = ';';
			near[1] = ' ';
			suggest_text(&sg, near + 2, sizeof near - 2);
		}
		if (what)
			return verr_set(err, E_UNKNOWN_FIELD, p,
					"%s; '%s' is not one of them%s", what,
					key, near);
		return verr_set(err, E_UNKNOWN_FIELD, p,
				"unexpected field '%s'%s", key, near);
	}
	return 0;
}

static json_t *add_number_blob(jsonx_doc *doc, jsonx_blob b,
			       const int64_t *shape, uint64_t itemsize)
{
	b.size = 1;
	for (int i = 0; i < b.ndim; i++) {
		b.shape[i] = shape[i];
		b.size *= shape[i];
	}
	if (doc->nblobs == doc->cap) {
		size_t nc = doc->cap ? doc->cap * 2 : 8;
		jsonx_blob *nb = realloc(doc->blobs, nc * sizeof *nb);
		if (!nb)
			return NULL;
		doc->blobs = nb;
		doc->cap = nc;
	}
	if (!(b.marker = json_object()))
		return NULL;
	doc->blobs[doc->nblobs++] = b;
	doc->bytes += (uint64_t)b.size * itemsize;
	return b.marker;
}

json_t *jsonx_add_numbers(jsonx_doc *doc, double *data, int ndim,
			  const int64_t *shape, int all_integer)
{
	jsonx_blob b = {.kind = JSONX_NUMBERS,
			.data = data,
			.ndim = ndim,
			.all_integer = all_integer};
	return add_number_blob(doc, b, shape, sizeof(double));
}

json_t *jsonx_add_ints(jsonx_doc *doc, const void *ints, void *owned,
		       evald_dtype dt, int ndim, const int64_t *shape)
{
	jsonx_blob b = {.kind = JSONX_NUMBERS,
			.ndim = ndim,
			.all_integer = dt != EVALD_F32,
			.ints = ints,
			.ints_dtype = dt,
			.ints_owned = owned};
	uint64_t isz = !owned				    ? 0
		       : dt == EVALD_I64		    ? 8
		       : dt == EVALD_I32 || dt == EVALD_F32 ? 4
							    : 1;
	return add_number_blob(doc, b, shape, isz);
}
