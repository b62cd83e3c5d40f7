/* verr.h - the service's error record: what becomes the JSON error envelope
 * {"error": {"code", "message", "path"}} with an HTTP status. */
#ifndef EVALD_VERR_H
#define EVALD_VERR_H

#include <evald/error.h>

/* Every error code the service sends, one enumerator each.  verr.c holds
 * the one table that gives each its wire name, HTTP status and default
 * Retry-After; docs/api.md lists them under "Errors" and tests/test_errors
 * holds the two to each other. */
typedef enum verr_code {
	/* 400 */
	E_MALFORMED_JSON,
	E_DUPLICATE_KEY,
	E_WRONG_TYPE,
	E_BAD_PATH,
	E_BAD_QUERY,
	E_UNKNOWN_QUERY,
	E_UNEXPECTED_BODY,
	/* 401 */
	E_UNAUTHORIZED,
	/* 404 */
	E_NOT_FOUND,
	E_UNKNOWN_METRIC,
	/* 405 */
	E_METHOD_NOT_ALLOWED,
	/* 408 */
	E_HEADER_TIMEOUT,
	E_BODY_TIMEOUT,
	/* 409 */
	E_CANCELLED,
	/* 411 */
	E_LENGTH_REQUIRED,
	/* 413 */
	E_BODY_TOO_LARGE,
	E_TOO_LARGE,
	/* 414 */
	E_URI_TOO_LONG,
	/* 415 */
	E_UNSUPPORTED_MEDIA_TYPE,
	E_UNSUPPORTED_LAYOUT,
	E_UNSUPPORTED_COMPRESSION,
	/* 422 */
	E_SHAPE_MISMATCH,
	E_RAGGED_ARRAY,
	E_NON_FINITE,
	E_OUT_OF_RANGE,
	E_INVALID_VALUE,
	E_UNKNOWN_PARAMETER,
	E_UNKNOWN_INPUT,
	E_UNKNOWN_FIELD,
	E_MISSING_INPUT,
	E_EMPTY_INPUT,
	E_BAD_BASE64,
	E_BAD_NPY,
	E_BAD_NPZ,
	E_UNSUPPORTED_DTYPE,
	E_INVALID_SHAPE,
	E_TOO_MANY_DIMS,
	E_NOT_SUPPORTED,
	E_NUMERICAL_FAILURE,
	/* 500 */
	E_INTERNAL_ERROR,
	E_STORE_ERROR,
	/* 503 */
	E_OVERLOADED,
	E_QUEUE_FULL,
	E_OUT_OF_MEMORY,
	E_NOT_READY,
	E_SHUTTING_DOWN,
	E_NO_ENTROPY,
	E_STORE_UNAVAILABLE,
	E_WORKER_LOST,
	/* 507 */
	E_STORAGE_FULL,
	E__COUNT
} verr_code;

typedef struct verr_def {
	verr_code code;
	const char *name; /* snake_case, stable: clients switch on it */
	int status;	  /* HTTP status, 4xx/5xx */
	int retry_after;  /* seconds; > 0 exactly for the 503s */
} verr_def;

/* Indexed by verr_code; E__COUNT rows. */
extern const verr_def verr_table[E__COUNT];

/* The row of c (the internal_error row for a value out of range). */
const verr_def *verr_def_of(verr_code c);

typedef struct verr {
	verr_code id;	 /* what control flow compares */
	int status;	 /* from the table */
	char code[48];	 /* the table's name, for the envelope and the log */
	char path[256];	 /* JSON Pointer to the offending field, or "" */
	char msg[512];	 /* a sentence a person can act on */
	int retry_after; /* seconds, for 503; 0 = none.  The table's default;
			  * a call site with a better estimate overrides it */
} verr;

/* Fill e from c's row of the table and return -1, so handlers can `return
 * verr_set(...)`.  The strings are made valid UTF-8 (see verr_utf8_fix): a cut
 * never splits a character and a client's bytes can never make the envelope
 * unencodable. */
int verr_set(verr *e, verr_code c, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Map a libevald error to the envelope; `path` names the field it is
 * about (the caller resolves err->input to a path). */
int verr_from_lib(verr *e, const evald_err *le, const char *path);

/* 1 when s is valid UTF-8 (no overlongs, surrogates or code points past
 * U+10FFFF). */
int verr_utf8_valid(const char *s);
/* Make s valid UTF-8 in place: a character cut short (by a truncation or
 * a %.Ns) is dropped, any other invalid byte becomes '?'. */
void verr_utf8_fix(char *s);

#endif
