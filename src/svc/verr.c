/* verr.c - the service's error record and the mapping from libevald codes. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "verr.h"

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
