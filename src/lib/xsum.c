/* xsum.c - the exact superaccumulator (tally.h): a fixed-point integer in
 * 32-bit digits that every double and every product error lands in
 * without rounding, so a sum does not depend on the order of its terms.
 *
 * Kahan or pairwise summation only shrink the error; they still give
 * different bits for different batchings, and the tallies promise the
 * same bits.  Digits are int64 so additions need no carry for 2^30 steps;
 * a carry pass then brings every digit but the top one into [0, 2^32). */
#include <math.h>
#include <string.h>

#include <evald/tally.h>

#define L	    EVALD_XSUM_LIMBS
#define DIGIT	    4294967296.0 /* 2^32 */
#define MAX_PENDING (1 << 30)

void evald_xsum_init(evald_xsum *s)
{
	memset(s, 0, sizeof *s);
}

void evald_xsum_normalize(evald_xsum *s)
{
	for (int i = 0; i < L - 1; i++) {
		int64_t lo = s->limb[i] & 0xffffffff;
		/* exact floor division: limb - lo is a multiple of 2^32 */
		s->limb[i + 1] += (s->limb[i] - lo) / ((int64_t)1 << 32);
		s->limb[i] = lo;
	}
	s->pending = 0;
}

void evald_xsum_add(evald_xsum *s, double x)
{
	uint64_t bits, m;
	int p;

	if (x == 0.0)
		return;
	memcpy(&bits, &x, sizeof bits);
	int ef = (int)((bits >> 52) & 0x7ff);
	m = bits & (((uint64_t)1 << 52) - 1);
	if (ef) {
		m |= (uint64_t)1 << 52;
		p = ef - 1075 + EVALD_XSUM_BIAS;
	} else {
		p = -1074 + EVALD_XSUM_BIAS; /* subnormal */
	}
	int i = p >> 5, sh = p & 31;
	/* m << sh spans at most 85 bits: three digits. */
	int64_t d0 = (int64_t)(uint32_t)(m << sh);
	uint64_t rest = m >> (32 - sh);
	int64_t d1 = (int64_t)(rest & 0xffffffff), d2 = (int64_t)(rest >> 32);
	if (bits >> 63) {
		d0 = -d0;
		d1 = -d1;
		d2 = -d2;
	}
	s->limb[i] += d0;
	s->limb[i + 1] += d1;
	s->limb[i + 2] += d2;
	if (++s->pending >= MAX_PENDING)
		evald_xsum_normalize(s);
}

int evald_xsum_add_prod(evald_xsum *s, double a, double b)
{
	double p = a * b;

	if (!isfinite(p))
		return -1;
	evald_xsum_add(s, p);
	evald_xsum_add(s, fma(a, b, -p));
	return 0;
}

int evald_xsum_add_prod3(evald_xsum *s, double a, double b, double c)
{
	double p = a * b;

	if (!isfinite(p) || !isfinite(p * c))
		return -1;
	double e = fma(a, b, -p);
	/* a·b·c = p·c + e·c, each product exact in two doubles; e·c is
	 * below p·c, so it cannot overflow where p·c did not. */
	evald_xsum_add_prod(s, p, c);
	evald_xsum_add_prod(s, e, c);
	return 0;
}

void evald_xsum_axpy(evald_xsum *s, int k, const evald_xsum *o)
{
	evald_xsum_normalize(s);
	evald_xsum t = *o;
	evald_xsum_normalize(&t);
	for (int i = 0; i < L; i++)
		s->limb[i] += k * t.limb[i];
	evald_xsum_normalize(s);
}

/* The magnitude of a normalised sum, rounded; *neg its sign. */
static double round_mag(const evald_xsum *t)
{
	int h = L - 1;
	while (h >= 0 && !t->limb[h])
		h--;
	if (h < 0)
		return 0.0;
	if (h == L - 1)
		return INFINITY; /* at least 2^1120 */
	uint64_t top = (uint64_t)t->limb[h];
	int b = 64 - __builtin_clzll(top); /* 1..32 bits */
	uint64_t l1 = h >= 1 ? (uint64_t)t->limb[h - 1] : 0;
	uint64_t l2 = h >= 2 ? (uint64_t)t->limb[h - 2] : 0;
	/* The leading 64 bits, and a sticky bit for everything below them:
	 * (double)u then rounds once, to nearest even, as the sum would. */
	uint64_t u = ((top << 32 | l1) << (32 - b)) | (l2 >> b);
	int sticky = (l2 & (((uint64_t)1 << b) - 1)) != 0;
	for (int j = h - 3; j >= 0 && !sticky; j--)
		sticky = t->limb[j] != 0;
	/* Below 2^-1022 the value has at most 52 bits, all in u: exact. */
	return ldexp((double)(u | (uint64_t)sticky),
		     32 * (h - 2) + b - EVALD_XSUM_BIAS);
}

double evald_xsum_round(const evald_xsum *s)
{
	evald_xsum t = *s;
	evald_xsum_normalize(&t);
	if (t.limb[L - 1] >= 0)
		return round_mag(&t);
	for (int i = 0; i < L; i++)
		t.limb[i] = -t.limb[i];
	evald_xsum_normalize(&t);
	return -round_mag(&t);
}

void evald_xsum_round2(const evald_xsum *s, double *hi, double *lo)
{
	evald_xsum t = *s;

	*hi = evald_xsum_round(s);
	if (!isfinite(*hi)) {
		*lo = 0.0;
		return;
	}
	evald_xsum_add(&t, -*hi);
	*lo = evald_xsum_round(&t);
}

void evald_xsum_store(const evald_xsum *s, double *out)
{
	evald_xsum t = *s;
	evald_xsum_normalize(&t);
	for (int i = 0; i < L; i++)
		out[i] = (double)t.limb[i];
}

int evald_xsum_load(evald_xsum *s, const double *in, evald_err *err)
{
	evald_xsum_init(s);
	for (int i = 0; i < L; i++) {
		double v = in[i], lo = i < L - 1 ? 0.0 : -DIGIT / 2;
		double hi = i < L - 1 ? DIGIT : DIGIT / 2;
		if (!(v >= lo && v < hi) || v != floor(v))
			return evald_fail(err, EVALD_EINVAL, 0,
					  "digit %d of an exact sum is %.17g; "
					  "it must be an integer in [%.0f, "
					  "%.0f)",
					  i, v, lo, hi);
		s->limb[i] = (int64_t)v;
	}
	return EVALD_OK;
}
