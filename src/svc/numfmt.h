/* numfmt.h - doubles as people write them: the shortest decimal that reads
 * back as the same double.  Shared by the server's JSON writer (jsonout.h)
 * and evalctl's tables, so both print 0.1 and not 0.10000000000000001. */
#ifndef EVALD_NUMFMT_H
#define EVALD_NUMFMT_H

#include <stddef.h>

/* Room for any output of numfmt_double, the terminating NUL included. */
#define NUMFMT_SIZE 32

/* Keep a decimal point or an exponent (2.0, not 2), so that a JSON reader
 * still sees a real. */
#define NUMFMT_REAL 1

/* Write x into out as the fewest significant digits (at most 17) that
 * strtod reads back to the same bits, in %g's layout with a C exponent
 * and no '+' or leading zeros in it (1e-300, 1.5e22); non-finite values
 * are written nan, inf, -inf.  Returns the length written. */
size_t numfmt_double(double x, int flags, char out[NUMFMT_SIZE]);

#endif
