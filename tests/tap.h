/* tap.h - a minimal TAP producer for the C test programs. */
#ifndef EVALD_TAP_H
#define EVALD_TAP_H

#include <math.h>
#include <stdarg.h>
#include <stdio.h>

static int tap_n, tap_failed;

static void tap_ok(int cond, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), unused));
static void tap_ok(int cond, const char *fmt, ...)
{
	va_list ap;
	printf("%sok %d - ", cond ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!cond)
		tap_failed++;
	fflush(stdout);
}

static void tap_diag(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), unused));
static void tap_diag(const char *fmt, ...)
{
	va_list ap;
	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/* |a-b| <= atol + rtol*|b| */
static int __attribute__((unused))
tap_close(double a, double b, double rtol, double atol)
{
	if (isnan(a) || isnan(b))
		return isnan(a) && isnan(b);
	return fabs(a - b) <= atol + rtol * fabs(b);
}

/* A progress callback (evald_progress.fn) that records what a
 * computation reports: the calls, the last fraction, whether every
 * fraction was in [0,1] and not below the one before; it asks to stop at
 * call stop_at (0: never).  Start one with tap_progress_new. */
typedef struct tap_progress {
	int calls, stop_at, monotone;
	double last;
} tap_progress;

static tap_progress __attribute__((unused)) tap_progress_new(int stop_at)
{
	return (tap_progress){0, stop_at, 1, -1.0};
}

static int __attribute__((unused)) tap_progress_fn(void *ctx, double f)
{
	tap_progress *p = ctx;
	if (f < p->last || f < 0 || f > 1)
		p->monotone = 0;
	p->last = f;
	return ++p->calls >= p->stop_at && p->stop_at > 0;
}

static int __attribute__((unused)) tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
