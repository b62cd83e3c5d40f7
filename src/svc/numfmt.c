/* numfmt.c - the shortest round-trip decimal of a double (numfmt.h).
 *
 * One exact conversion to 17 significant digits (always enough), then the
 * same digits rounded to 15 and to 16, each kept only if strtod reads it
 * back to the same double.  Any decimal of 15 digits or fewer reads back
 * through a normal double unchanged (DBL_DIG), so when one exists the
 * 15-digit rounding finds it and trailing zeros make it shorter still;
 * subnormals, with fewer digits of precision, try every length. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "numfmt.h"

/* Significant digits of a double, with its decimal exponent:
 * x = 0.d[0]d[1]... × 10^(exp + 1). */
typedef struct digits {
	char d[18];
	int n;
	int exp;
} digits;

/* d rounded to k of its digits, in out: half up, or down when `down`. */
static void round_to(const digits *d, int k, int down, digits *out)
{
	*out = *d;
	out->n = k;
	if (down || d->d[k] < '5')
		return;
	int i = k - 1;
	while (i >= 0 && out->d[i] == '9')
		out->d[i--] = '0';
	if (i >= 0) {
		out->d[i]++;
		return;
	}
	/* 99..9 carried into a new leading digit: 100..0, one exponent up. */
	out->d[0] = '1';
	out->exp++;
}

/* The decimal digits of v at o; returns the end. */
static char *put_uint(char *o, unsigned long long v)
{
	char r[24];
	int n = 0;

	do
		r[n++] = (char)('0' + v % 10);
	while ((v /= 10) > 0);
	while (n > 0)
		*o++ = r[--n];
	return o;
}

/* "e<exp>" at o, C's exponent without '+' or leading zeros; returns the
 * end. */
static char *put_exp(char *o, int exp)
{
	*o++ = 'e';
	if (exp < 0) {
		*o++ = '-';
		exp = -exp;
	}
	return put_uint(o, (unsigned long long)exp);
}

/* Whether d, read by strtod, is x (built by hand: this runs once or twice
 * for every number a response holds). */
static int reads_back(const digits *d, int neg, double x)
{
	char s[NUMFMT_SIZE], *o = s;

	if (neg)
		*o++ = '-';
	*o++ = d->d[0];
	*o++ = '.';
	memcpy(o, d->d + 1, (size_t)d->n - 1);
	o = put_exp(o + d->n - 1, d->exp);
	*o = '\0';
	return strtod(s, NULL) == x;
}

/* Whether k of d17's digits read back as x; the digits in out.  When
 * the digits dropped are 5 then zeros, x itself may lie just below that
 * tie (the 17 digits were rounded up to it), so rounding down is tried
 * too: 6.17362673539500447e-308 prints as ...5004, not ...50045. */
static int fits(const digits *d17, int k, int neg, double x, digits *out)
{
	round_to(d17, k, 0, out);
	if (reads_back(out, neg, x))
		return 1;
	if (d17->d[k] != '5' || strspn(d17->d + k + 1, "0") != 16u - k)
		return 0;
	round_to(d17, k, 1, out);
	return reads_back(out, neg, x);
}

size_t numfmt_double(double x, int flags, char out[NUMFMT_SIZE])
{
	char e17[NUMFMT_SIZE], *o = out;
	digits d17, d, best;
	int neg = signbit(x) != 0;

	if (isnan(x))
		return (size_t)snprintf(out, NUMFMT_SIZE, "nan");
	if (isinf(x))
		return (size_t)snprintf(out, NUMFMT_SIZE, "%sinf",
					neg ? "-" : "");
	/* Whole numbers below 10^15 are their own shortest form: no
	 * conversion, no strtod (values of 0/1 masks, integer-valued
	 * results).  -0.0 goes the long way, for its sign. */
	if (fabs(x) < 1e15 && x == trunc(x) && !(x == 0.0 && neg)) {
		if (neg)
			*o++ = '-';
		o = put_uint(o, (unsigned long long)fabs(x));
		if (flags & NUMFMT_REAL) {
			*o++ = '.';
			*o++ = '0';
		}
		*o = '\0';
		return (size_t)(o - out);
	}
	/* "-d.dddddddddddddddde-ddd": the digits are the 17 after any sign
	 * and around the point. */
	snprintf(e17, sizeof e17, "%.16e", fabs(x));
	d17.d[0] = e17[0];
	memcpy(d17.d + 1, e17 + 2, 16);
	d17.d[17] = '\0';
	d17.n = 17;
	d17.exp = atoi(e17 + 19);
	best = d17;
	if (x == 0.0) {
		/* "0.0000000000000000e+00": the digits are all zeros */
	} else if (fabs(x) < DBL_MIN) {
		/* A subnormal has fewer digits than DBL_DIG (5e-324 has
		 * one): search the lengths.  Subnormals are evenly spaced, so
		 * when k digits read back so do k + 1 (the nearest k + 1 digit
		 * decimal is no farther), and a bisection finds the least k. */
		int lo = 1, hi = 17;
		while (lo < hi) {
			int mid = (lo + hi) / 2;
			if (fits(&d17, mid, neg, x, &d)) {
				best = d;
				hi = mid;
			} else {
				lo = mid + 1;
			}
		}
	} else {
		/* 15 digits move the value by r units of the 17th digit, and
		 * the 17 digits are within half a unit of x: more than half
		 * an ulp away when r - 0.5 > 10^17 / 2^53 = 11.1, and then
		 * strtod need not be asked.  That spares it for three in four
		 * numbers computed rather than written. */
		int ab = (d17.d[15] - '0') * 10 + (d17.d[16] - '0');
		int r = d17.d[15] >= '5' ? 100 - ab : ab;
		if ((r <= 12 && fits(&d17, 15, neg, x, &d)) ||
		    fits(&d17, 16, neg, x, &d))
			best = d;
	}
	while (best.n > 1 && best.d[best.n - 1] == '0')
		best.n--;

	if (neg)
		*o++ = '-';
	/* %.17g's choice of layout, so that no number is longer than
	 * jansson's 17-digit text of it (responses are measured with it). */
	if (best.exp < -4 || best.exp >= 17) {
		*o++ = best.d[0];
		if (best.n > 1) {
			*o++ = '.';
			memcpy(o, best.d + 1, (size_t)best.n - 1);
			o += best.n - 1;
		}
		o = put_exp(o, best.exp);
	} else if (best.exp < 0) {
		*o++ = '0';
		*o++ = '.';
		for (int i = -1; i > best.exp; i--)
			*o++ = '0';
		memcpy(o, best.d, (size_t)best.n);
		o += best.n;
	} else {
		int whole = best.exp + 1;
		for (int i = 0; i < whole; i++)
			*o++ = i < best.n ? best.d[i] : '0';
		if (best.n > whole) {
			*o++ = '.';
			memcpy(o, best.d + whole, (size_t)(best.n - whole));
			o += best.n - whole;
		} else if (flags & NUMFMT_REAL) {
			*o++ = '.';
			*o++ = '0';
		}
	}
	*o = '\0';
	return (size_t)(o - out);
}
