/* jsonout.c - the JSON writer (jsonout.h): one growing buffer, no
 * allocation per value, a walk of the json_t tree in jansson's layout. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jsonout.h"
#include "numfmt.h"

/* Deeper than any tree the server builds (requests are cut at
 * JSONX_MAX_DEPTH); it stops a cycle, which jansson refuses too. */
#define JSONOUT_MAX_DEPTH 2048

typedef struct obuf {
	char *s;
	size_t len, cap;
	int indent;
} obuf;

/* Room for n more bytes and the final NUL. */
static int reserve(obuf *b, size_t n)
{
	if (b->cap - b->len > n)
		return 0;
	size_t cap = b->cap ? b->cap : 256;
	while (cap - b->len <= n) {
		if (cap > SIZE_MAX / 2)
			return -1;
		cap *= 2;
	}
	char *s = realloc(b->s, cap);
	if (!s)
		return -1;
	b->s = s;
	b->cap = cap;
	return 0;
}

static int put(obuf *b, const char *s, size_t n)
{
	if (reserve(b, n) < 0)
		return -1;
	memcpy(b->s + b->len, s, n);
	b->len += n;
	return 0;
}

/* A newline and depth levels of indent; nothing when compact. */
static int newline(obuf *b, int depth)
{
	if (!b->indent)
		return 0;
	size_t n = (size_t)depth * (size_t)b->indent;
	if (reserve(b, n + 1) < 0)
		return -1;
	b->s[b->len++] = '\n';
	memset(b->s + b->len, ' ', n);
	b->len += n;
	return 0;
}

/* The length of the UTF-8 sequence at s (at most n bytes), or 0 when it is
 * not one jansson accepts: no overlong forms, surrogates, or code points
 * past U+10FFFF. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t k;
	uint32_t cp;

	if (s[0] < 0xC2)
		return 0;
	if (s[0] < 0xE0) {
		k = 2;
		cp = s[0] & 0x1F;
	} else if (s[0] < 0xF0) {
		k = 3;
		cp = s[0] & 0x0F;
	} else if (s[0] < 0xF5) {
		k = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (k > n)
		return 0;
	for (size_t i = 1; i < k; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3F);
	}
	if ((k == 3 && cp < 0x800) || (k == 4 && cp < 0x10000) ||
	    (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
		return 0;
	return k;
}

/* A string as jansson writes it: quotes, backslashes and control
 * characters escaped (\b \f \n \r \t, else \u00XX), everything else,
 * UTF-8 included, as it is. */
static int put_string(obuf *b, const char *str, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, run = 0;

	if (put(b, "\"", 1) < 0)
		return -1;
	while (i < n) {
		unsigned char c = s[i];
		char esc[6] = {'\\', 0, '0', '0', 0, 0};
		size_t elen = 2;
		if (c >= 0x80) {
			size_t k = utf8_len(s + i, n - i);
			if (!k)
				return -1;
			i += k;
			continue;
		}
		if (c >= 0x20 && c != '"' && c != '\\') {
			i++;
			continue;
		}
		/* Flush the plain run before the escape. */
		if (put(b, str + run, i - run) < 0)
			return -1;
		switch (c) {
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\b': esc[1] = 'b'; break;
		case '\f': esc[1] = 'f'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		default:
			esc[1] = 'u';
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			elen = 6;
		}
		if (put(b, esc, elen) < 0)
			return -1;
		run = ++i;
	}
	if (put(b, str + run, n - run) < 0)
		return -1;
	return put(b, "\"", 1);
}

static int put_value(obuf *b, const json_t *v, int depth);

static int put_array(obuf *b, const json_t *v, int depth)
{
	size_t n = json_array_size(v);

	if (put(b, "[", 1) < 0)
		return -1;
	if (n == 0)
		return put(b, "]", 1);
	if (newline(b, depth + 1) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (i && (put(b, ",", 1) < 0 || newline(b, depth + 1) < 0))
			return -1;
		if (put_value(b, json_array_get(v, i), depth + 1) < 0)
			return -1;
	}
	if (newline(b, depth) < 0)
		return -1;
	return put(b, "]", 1);
}

static int put_object(obuf *b, const json_t *v, int depth)
{
	void *it = json_object_iter((json_t *)v);
	const char *sep = b->indent ? ": " : ":";

	if (put(b, "{", 1) < 0)
		return -1;
	if (!it)
		return put(b, "}", 1);
	if (newline(b, depth + 1) < 0)
		return -1;
	for (int first = 1; it;
	     it = json_object_iter_next((json_t *)v, it), first = 0) {
		if (!first && (put(b, ",", 1) < 0 || newline(b, depth + 1) < 0))
			return -1;
		if (put_string(b, json_object_iter_key(it),
			       json_object_iter_key_len(it)) < 0 ||
		    put(b, sep, strlen(sep)) < 0 ||
		    put_value(b, json_object_iter_value(it), depth + 1) < 0)
			return -1;
	}
	if (newline(b, depth) < 0)
		return -1;
	return put(b, "}", 1);
}

static int put_value(obuf *b, const json_t *v, int depth)
{
	if (!v || depth > JSONOUT_MAX_DEPTH)
		return -1;
	switch (json_typeof(v)) {
	case JSON_OBJECT: return put_object(b, v, depth);
	case JSON_ARRAY: return put_array(b, v, depth);
	case JSON_STRING:
		return put_string(b, json_string_value(v),
				  json_string_length(v));
	case JSON_INTEGER: {
		char s[32];
		int n = snprintf(s, sizeof s, "%" JSON_INTEGER_FORMAT,
				 json_integer_value(v));
		return put(b, s, (size_t)n);
	}
	case JSON_REAL: {
		double x = json_real_value(v);
		if (!isfinite(x) || reserve(b, NUMFMT_SIZE) < 0)
			return -1;
		/* Written in place: no copy per number. */
		b->len += numfmt_double(x, NUMFMT_REAL, b->s + b->len);
		return 0;
	}
	case JSON_TRUE: return put(b, "true", 4);
	case JSON_FALSE: return put(b, "false", 5);
	case JSON_NULL: return put(b, "null", 4);
	}
	return -1;
}

int jsonout_dump(const json_t *v, int indent, char **out, size_t *len)
{
	obuf b = {NULL, 0, 0, indent > 0 ? indent : 0};

	if (put_value(&b, v, 0) < 0 || reserve(&b, 0) < 0)
		goto fail;
	b.s[b.len] = '\0';
	*out = b.s;
	*len = b.len;
	return 0;
fail:
	free(b.s);
	*out = NULL;
	*len = 0;
	return -1;
}
