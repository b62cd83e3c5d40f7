/* bounds.h - refusals of what a request implies rather than what it
 * carries: the dimension it names, the multiply-adds it asks for, the
 * size of the answer it would get.  Every route refuses through these,
 * so the wording, the status (422 too_large) and the flag named in the
 * message are the same wherever a bound is met.  A bound of 0 is off. */
#ifndef EVALD_BOUNDS_H
#define EVALD_BOUNDS_H

#include <stdint.h>

#include "verr.h"

/* Text of one float64 in a response, at most: "-1.2345678901234567e-308,"
 * (17 significant digits, sign, exponent, separator). */
#define BOUNDS_BYTES_PER_REAL 25

/* Largest count (n of statistics) evald accepts: 2^53, past which a
 * float64 no longer holds every integer. */
#define BOUNDS_MAX_COUNT 9007199254740992.0

/* d of a covariance, stream or embedding set against --max-dim. */
int bounds_dim(int64_t max_dim, int64_t d, const char *path, verr *err);

/* `work` multiply-adds (what: "kid", "bootstrap fid") against --max-work;
 * hint tells the client what to lower. */
int bounds_work(int64_t max_work, double work, const char *what,
		const char *hint, const char *path, verr *err);

/* A response of about `bytes` against --max-response; what names it. */
int bounds_response(int64_t max_response, double bytes, const char *what,
		    const char *path, verr *err);

/* n of statistics: an integer from 0 to 2^53 (422 invalid_value). */
int bounds_count(double n, const char *path, verr *err);

#endif
