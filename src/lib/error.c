/* error.c - filling evald_err and naming codes. */
#include <stdarg.h>
#include <stdio.h>

#include <evald/error.h>

int evald_fail(evald_err *err, int code, int input, const char *fmt, ...)
{
	if (err) {
		va_list ap;
		err->code = code;
		err->input = input;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof err->msg, fmt, ap);
		va_end(ap);
	}
	return code;
}

const char *evald_strerror(int code)
{
	switch (code) {
	case EVALD_OK: return "ok";
	case EVALD_EINVAL: return "invalid value";
	case EVALD_ESHAPE: return "shape mismatch";
	case EVALD_ENOMEM: return "out of memory";
	case EVALD_ELIMIT: return "over a size limit";
	case EVALD_ECANCEL: return "cancelled";
	case EVALD_ENUMERIC: return "numerical failure";
	case EVALD_EEMPTY: return "empty input";
	case EVALD_ERANGE: return "out of range";
	}
	return "unknown error";
}
