/* verr.c - the service's error record and the mapping from libevald codes. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "verr.h"

/* The one table: every code, its status and its default Retry-After.
 * A code has exactly one status wherever it is raised. */
const verr_def verr_table[E__COUNT] = {
	[E_MALFORMED_JSON] = {E_MALFORMED_JSON, "malformed_json", 400, 0},
	[E_DUPLICATE_KEY] = {E_DUPLICATE_KEY, "duplicate_key", 400, 0},
	[E_WRONG_TYPE] = {E_WRONG_TYPE, "wrong_type", 400, 0},
	[E_BAD_PATH] = {E_BAD_PATH, "bad_path", 400, 0},
	[E_BAD_QUERY] = {E_BAD_QUERY, "bad_query", 400, 0},
	[E_UNKNOWN_QUERY] = {E_UNKNOWN_QUERY, "unknown_query", 400, 0},
	[E_UNEXPECTED_BODY] = {E_UNEXPECTED_BODY, "unexpected_body", 400, 0},
	[E_UNAUTHORIZED] = {E_UNAUTHORIZED, "unauthorized", 401, 0},
	[E_NOT_FOUND] = {E_NOT_FOUND, "not_found", 404, 0},
	[E_UNKNOWN_METRIC] = {E_UNKNOWN_METRIC, "unknown_metric", 404, 0},
	[E_METHOD_NOT_ALLOWED] = {E_METHOD_NOT_ALLOWED, "method_not_allowed",
				  405, 0},
	[E_HEADER_TIMEOUT] = {E_HEADER_TIMEOUT, "header_timeout", 408, 0},
	[E_BODY_TIMEOUT] = {E_BODY_TIMEOUT, "body_timeout", 408, 0},
	[E_CANCELLED] = {E_CANCELLED, "cancelled", 409, 0},
	[E_LENGTH_REQUIRED] = {E_LENGTH_REQUIRED, "length_required", 411, 0},
	[E_BODY_TOO_LARGE] = {E_BODY_TOO_LARGE, "body_too_large", 413, 0},
	[E_TOO_LARGE] = {E_TOO_LARGE, "too_large", 413, 0},
	[E_URI_TOO_LONG] = {E_URI_TOO_LONG, "uri_too_long", 414, 0},
	[E_UNSUPPORTED_MEDIA_TYPE] = {E_UNSUPPORTED_MEDIA_TYPE,
				      "unsupported_media_type", 415, 0},
	[E_UNSUPPORTED_LAYOUT] = {E_UNSUPPORTED_LAYOUT, "unsupported_layout",
				  415, 0},
	[E_UNSUPPORTED_COMPRESSION] = {E_UNSUPPORTED_COMPRESSION,
				       "unsupported_compression", 415, 0},
	[E_SHAPE_MISMATCH] = {E_SHAPE_MISMATCH, "shape_mismatch", 422, 0},
	[E_RAGGED_ARRAY] = {E_RAGGED_ARRAY, "ragged_array", 422, 0},
	[E_NON_FINITE] = {E_NON_FINITE, "non_finite", 422, 0},
	[E_OUT_OF_RANGE] = {E_OUT_OF_RANGE, "out_of_range", 422, 0},
	[E_INVALID_VALUE] = {E_INVALID_VALUE, "invalid_value", 422, 0},
	[E_UNKNOWN_PARAMETER] = {E_UNKNOWN_PARAMETER, "unknown_parameter", 422,
				 0},
	[E_UNKNOWN_INPUT] = {E_UNKNOWN_INPUT, "unknown_input", 422, 0},
	[E_UNKNOWN_FIELD] = {E_UNKNOWN_FIELD, "unknown_field", 422, 0},
	[E_MISSING_INPUT] = {E_MISSING_INPUT, "missing_input", 422, 0},
	[E_EMPTY_INPUT] = {E_EMPTY_INPUT, "empty_input", 422, 0},
	[E_BAD_BASE64] = {E_BAD_BASE64, "bad_base64", 422, 0},
	[E_BAD_NPY] = {E_BAD_NPY, "bad_npy", 422, 0},
	[E_BAD_NPZ] = {E_BAD_NPZ, "bad_npz", 422, 0},
	[E_UNSUPPORTED_DTYPE] = {E_UNSUPPORTED_DTYPE, "unsupported_dtype", 422,
				 0},
	[E_INVALID_SHAPE] = {E_INVALID_SHAPE, "invalid_shape", 422, 0},
	[E_TOO_MANY_DIMS] = {E_TOO_MANY_DIMS, "too_many_dims", 422, 0},
	[E_NOT_SUPPORTED] = {E_NOT_SUPPORTED, "not_supported", 422, 0},
	[E_NUMERICAL_FAILURE] = {E_NUMERICAL_FAILURE, "numerical_failure", 422,
				 0},
	[E_INTERNAL_ERROR] = {E_INTERNAL_ERROR, "internal_error", 500, 0},
	[E_STORE_ERROR] = {E_STORE_ERROR, "store_error", 500, 0},
	[E_OVERLOADED] = {E_OVERLOADED, "overloaded", 503, 2},
	[E_QUEUE_FULL] = {E_QUEUE_FULL, "queue_full", 503, 2},
	[E_OUT_OF_MEMORY] = {E_OUT_OF_MEMORY, "out_of_memory", 503, 1},
	[E_NOT_READY] = {E_NOT_READY, "not_ready", 503, 1},
	[E_SHUTTING_DOWN] = {E_SHUTTING_DOWN, "shutting_down", 503, 1},
	[E_NO_ENTROPY] = {E_NO_ENTROPY, "no_entropy", 503, 1},
	[E_STORE_UNAVAILABLE] = {E_STORE_UNAVAILABLE, "store_unavailable", 503,
				 2},
	[E_WORKER_LOST] = {E_WORKER_LOST, "worker_lost", 503, 1},
	[E_STORAGE_FULL] = {E_STORAGE_FULL, "storage_full", 507, 0},
};

const verr_def *verr_def_of(verr_code c)
{
	if ((unsigned)c >= E__COUNT)
		c = E_INTERNAL_ERROR;
	return &verr_table[c];
}

/* Length of the well-formed sequence at s (1-4), 0 when s starts a
 * character that is cut short, -1 when s[0] can never start one. */
static int utf8_seq(const unsigned char *s)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	int len;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4;
	else
		return -1;
	/* The second byte's range excludes overlongs, surrogates and code
	 * points beyond U+10FFFF. */
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	for (int i = 1; i < len; i++) {
		unsigned char d = s[i];
		if (d < 0x80 || d > 0xbf)
			return 0; /* cut short (or ends the string) */
		if (i == 1 && (d < lo || d > hi))
			return -1;
	}
	return len;
}

int verr_utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		int n = utf8_seq(p);
		if (n <= 0)
			return 0;
		p += n;
	}
	return 1;
}

void verr_utf8_fix(char *s)
{
	unsigned char *r = (unsigned char *)s, *w = r;
	while (*r) {
		int n = utf8_seq(r);
		if (n > 0) {
			memmove(w, r, (size_t)n);
			w += n;
			r += n;
		} else if (n == 0) {
			/* Drop the lead byte and the continuations it has. */
			r++;
			while (*r >= 0x80 && *r <= 0xbf)
				r++;
		} else {
			*w++ = '?';
			r++;
		}
	}
	*w = '\0';
}

int verr_set(verr *e, verr_code c, const char *path, const char *fmt, ...)
{
	const verr_def *d = verr_def_of(c);
	va_list ap;

	e->id = d->code;
	e->status = d->status;
	snprintf(e->code, sizeof e->code, "%s", d->name);
	snprintf(e->path, sizeof e->path, "%s", path ? path : "");
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	verr_utf8_fix(e->path);
	verr_utf8_fix(e->msg);
	e->retry_after = d->retry_after;
	return -1;
}

int verr_from_lib(verr *e, const evald_err *le, const char *path)
{
	static const struct {
		int lib;
		verr_code code;
	} map[] = {
		{EVALD_EINVAL, E_INVALID_VALUE},
		{EVALD_ESHAPE, E_SHAPE_MISMATCH},
		{EVALD_ERANGE, E_OUT_OF_RANGE},
		{EVALD_EEMPTY, E_EMPTY_INPUT},
		{EVALD_ELIMIT, E_TOO_LARGE},
		{EVALD_ENUMERIC, E_NUMERICAL_FAILURE},
		{EVALD_ECANCEL, E_CANCELLED},
		{EVALD_ENOMEM, E_OUT_OF_MEMORY},
	};
	verr_code c = E_INTERNAL_ERROR;

	for (size_t i = 0; i < sizeof map / sizeof *map; i++)
		if (map[i].lib == le->code)
			c = map[i].code;
	return verr_set(e, c, path, "%s",
			le->msg[0] ? le->msg : evald_strerror(le->code));
}
