/* error.h - status codes and the error record every libevald call fills.
 *
 * libevald functions return 0 on success or a negative EVALD_E* code, and
 * write a human sentence into an optional evald_err.  The service maps the
 * code to an HTTP status; the sentence goes to the client unchanged, so it
 * must name the offending value in terms a caller can act on. */
#ifndef EVALD_ERROR_H
#define EVALD_ERROR_H

/* printf checking where the compiler knows the attribute; nothing
 * elsewhere, so the header stays plain C for any compiler. */
#if defined(__GNUC__) || defined(__clang__)
#define EVALD_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define EVALD_PRINTF(fmt, args)
#endif

#ifdef __cplusplus
extern "C" {
#endif

enum {
	EVALD_OK = 0,
	EVALD_EINVAL = -1,   /* a value is out of its domain (422) */
	EVALD_ESHAPE = -2,   /* shapes do not agree (422) */
	EVALD_ENOMEM = -3,   /* allocation failed (503) */
	EVALD_ELIMIT = -4,   /* over a configured size limit (413/422) */
	EVALD_ECANCEL = -5,  /* the caller asked to stop (job cancelled) */
	EVALD_ENUMERIC = -6, /* the math failed (LAPACK info, no convergence) */
	EVALD_EEMPTY = -7,   /* an input set is empty or too small (422) */
	EVALD_ERANGE = -8    /* a value outside its allowed range: a probability
				outside [0,1], a class index >= C (422) */
};

typedef struct evald_err {
	int code;
	/* Index of the input the message is about (0-based, in the order the
	 * function takes its tensors), or -1 when it is about no one input. */
	int input;
	char msg[256];
} evald_err;

/* Fill err (if non-NULL) and return code, so callers can write
 * `return evald_fail(err, EVALD_EINVAL, 1, "...", ...)`. */
int evald_fail(evald_err *err, int code, int input, const char *fmt, ...)
	EVALD_PRINTF(4, 5);

const char *evald_strerror(int code);

#ifdef __cplusplus
}
#endif
#endif
