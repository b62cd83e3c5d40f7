/* verr.c - the service's error record and the mapping from libevald codes. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "verr.h"

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

int verr_set(verr *e, int status, const char *code, const char *path,
	     const char *fmt, ...)
{
	va_list ap;

	e->status = status;
	snprintf(e->code, sizeof e->code, "%s", code);
	snprintf(e->path, sizeof e->path, "%s", path ? path : "");
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	verr_utf8_fix(e->code);
	verr_utf8_fix(e->path);
	verr_utf8_fix(e->msg);
	e->retry_after = 0;
	return -1;
}

int verr_from_lib(verr *e, const evald_err *le, const char *path)
{
	static const struct {
		int code, status;
		const char *name;
	} map[] = {
		{EVALD_EINVAL, 422, "invalid_value"},
		{EVALD_ESHAPE, 422, "shape_mismatch"},
		{EVALD_ERANGE, 422, "out_of_range"},
		{EVALD_EEMPTY, 422, "empty_input"},
		{EVALD_ELIMIT, 422, "too_large"},
		{EVALD_ENUMERIC, 422, "numerical_failure"},
		{EVALD_ECANCEL, 409, "cancelled"},
		{EVALD_ENOMEM, 503, "out_of_memory"},
	};
	int status = 500;
	const char *name = "internal_error";

	for (size_t i = 0; i < sizeof map / sizeof *map; i++)
		if (map[i].code == le->code) {
			status = map[i].status;
			name = map[i].name;
		}
	verr_set(e, status, name, path, "%s",
		 le->msg[0] ? le->msg : evald_strerror(le->code));
	if (status == 503)
		e->retry_after = 5;
	return -1;
}
