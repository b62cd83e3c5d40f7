/* verr.h - the service's error record: what becomes the JSON error envelope
 * {"error": {"code", "message", "path"}} with an HTTP status. */
#ifndef EVALD_VERR_H
#define EVALD_VERR_H

#include <evald/error.h>

typedef struct verr {
	int status;	 /* HTTP status, 4xx/5xx */
	char code[48];	 /* snake_case, stable: clients switch on it */
	char path[256];	 /* JSON Pointer to the offending field, or "" */
	char msg[512];	 /* a sentence a person can act on */
	int retry_after; /* seconds, for 429/503; 0 = none */
} verr;

/* Fill e and return -1, so handlers can `return verr_set(...)`.  The
 * strings are made valid UTF-8 (see verr_utf8_fix): a cut never splits a
 * character and a client's bytes can never make the envelope unencodable. */
int verr_set(verr *e, int status, const char *code, const char *path,
	     const char *fmt, ...) __attribute__((format(printf, 5, 6)));

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
