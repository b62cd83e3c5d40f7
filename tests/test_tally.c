/* test_tally.c - the exact superaccumulator against sums computed exactly
 * in Python fractions (tests/tally_ref.h, from tests/gen/gen_xsum.py),
 * and the regression tally's promise that the cases cannot show: the
 * same samples in any batching and any merge order give the same bits. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <evald/evald.h>

#include "tally_ref.h"
#include "tap.h"

static void sums_match_fractions(void)
{
	for (int k = 0; k < NSETS; k++) {
		evald_xsum s, r;
		double hi, lo, naive = 0;
		evald_xsum_init(&s);
		evald_xsum_init(&r);
		for (int i = 0; i < set_len[k]; i++) {
			evald_xsum_add(&s, sets[k][i]);
			evald_xsum_add(&r, sets[k][set_len[k] - 1 - i]);
			naive += sets[k][i];
		}
		evald_xsum_round2(&s, &hi, &lo);
		tap_ok(hi == set_sum[k][0] && lo == set_sum[k][1],
		       "set %d: the exact sum rounded (hi %a lo %a, want %a "
		       "%a; a plain sum gives %a)",
		       k, hi, lo, set_sum[k][0], set_sum[k][1], naive);
		evald_xsum_normalize(&s);
		evald_xsum_normalize(&r);
		tap_ok(!memcmp(s.limb, r.limb, sizeof s.limb),
		       "set %d: reversed order gives the same digits", k);
	}
	evald_xsum p;
	double hi, lo;
	int bad = 0;
	evald_xsum_init(&p);
	for (int i = 0; i < NPAIRS; i++)
		bad |= evald_xsum_add_prod(&p, pairs[i][0], pairs[i][1]);
	evald_xsum_round2(&p, &hi, &lo);
	tap_ok(!bad && hi == pairs_sum[0] && lo == pairs_sum[1],
	       "a sum of products is exact (%a %a, want %a %a)", hi, lo,
	       pairs_sum[0], pairs_sum[1]);
}

static void edges(void)
{
	evald_xsum s, t;
	double big = 1.5e308, out[EVALD_XSUM_LIMBS];
	evald_err err;

	evald_xsum_init(&s);
	evald_xsum_add(&s, big);
	evald_xsum_add(&s, big);
	tap_ok(isinf(evald_xsum_round(&s)), "past DBL_MAX the sum reads inf");
	evald_xsum_add(&s, -big);
	tap_ok(evald_xsum_round(&s) == big,
	       "and cancelling back gives the value: no overflow inside");
	evald_xsum_init(&s);
	evald_xsum_add(&s, 0x1p-1074);
	evald_xsum_add(&s, 0x1p-1074);
	evald_xsum_add(&s, -0x1p-1073);
	evald_xsum_add(&s, 0x1.8p-1070);
	tap_ok(evald_xsum_round(&s) == 0x1.8p-1070, "subnormals are exact");
	evald_xsum_init(&s);
	evald_xsum_add(&s, 1.0);
	evald_xsum_add(&s, 0x1p-53);
	evald_xsum_add(&s, 0x1p-160);
	tap_ok(evald_xsum_round(&s) == 1.0 + 0x1p-52,
	       "a tie broken by a far bit rounds up (sticky)");
	evald_xsum_init(&s);
	evald_xsum_add(&s, -1.0);
	evald_xsum_add(&s, -0x1p-53);
	tap_ok(evald_xsum_round(&s) == -1.0, "a negative tie goes to even");
	tap_ok(evald_xsum_add_prod(&s, 1e300, 1e300) < 0 &&
		       evald_xsum_round(&s) == -1.0,
	       "an overflowing product is refused and adds nothing");
	evald_xsum_store(&s, out);
	tap_ok(evald_xsum_load(&t, out, &err) == EVALD_OK &&
		       evald_xsum_round(&t) == -1.0,
	       "store and load round-trip");
	out[3] = 4294967296.0;
	tap_ok(evald_xsum_load(&t, out, &err) == EVALD_EINVAL,
	       "a digit of 2^32 is refused");
	out[3] = 0.5;
	tap_ok(evald_xsum_load(&t, out, &err) == EVALD_EINVAL,
	       "a fractional digit is refused");
	out[3] = NAN;
	tap_ok(evald_xsum_load(&t, out, &err) == EVALD_EINVAL,
	       "a NaN digit is refused");
}

static evald_tensor vec(double *x, int ndim, int64_t n, int64_t k)
{
	evald_tensor t;
	int64_t sh[2] = {n, k};
	evald_tensor_init(&t, x, EVALD_F64, ndim, sh);
	return t;
}

/* Rows [lo, hi) of y, p, w into state. */
static int add_rows(double *state, int64_t k, const double *y, const double *p,
		    const double *w, int64_t lo, int64_t hi)
{
	evald_tensor ty = vec((double *)y + lo * k, 2, hi - lo, k);
	evald_tensor tp = vec((double *)p + lo * k, 2, hi - lo, k);
	evald_tensor tw = vec((double *)w + lo, 1, hi - lo, 1);
	evald_err err;
	return evald_regsum_add(state, k, &ty, &tp, &tw, &err);
}

static void batchings(void)
{
	enum { N = 1000, K = 3 };
	int64_t size = evald_regsum_size(K);
	double *y = malloc(N * K * sizeof *y), *p = malloc(N * K * sizeof *p);
	double *w = malloc(N * sizeof *w);
	double *one = calloc(size, sizeof *one), *seven = calloc(size, 8);
	double *a = calloc(size, 8), *b = calloc(size, 8);
	evald_rng g;
	evald_err err;
	int rc = 0;

	evald_rng_seed(&g, 13);
	for (int i = 0; i < N * K; i++) {
		y[i] = (evald_rng_normal(&g) + 3.0) * pow(10.0, i % 7 - 3);
		p[i] = y[i] + 0.1 * evald_rng_normal(&g);
	}
	for (int i = 0; i < N; i++)
		w[i] = 0.5 + evald_rng_uniform(&g);
	rc |= add_rows(one, K, y, p, w, 0, N);
	for (int i = 0; i < 7; i++)
		rc |= add_rows(seven, K, y, p, w, N * i / 7, N * (i + 1) / 7);
	rc |= add_rows(a, K, y, p, w, 0, 400);
	rc |= add_rows(b, K, y, p, w, 400, N);
	rc |= evald_regsum_merge(b, a, K, &err);
	tap_ok(!rc, "batches and merges are accepted");
	tap_ok(!memcmp(one, seven, size * sizeof *one),
	       "1 batch and 7 batches give the same state, bit for bit");
	tap_ok(!memcmp(one, b, size * sizeof *one),
	       "two tallies merged (in the other order) give it too");
	tap_ok(evald_regsum_check(one, K, &err) == EVALD_OK,
	       "the state passes its own check");
	one[0] = -1;
	tap_ok(evald_regsum_check(one, K, &err) == EVALD_EINVAL,
	       "a negative count is refused");
	seven[1 + EVALD_XSUM_LIMBS - 1] = -1; /* Σw < 0 */
	tap_ok(evald_regsum_check(seven, K, &err) == EVALD_EINVAL,
	       "a negative sum of weights is refused");
	free(y);
	free(p);
	free(w);
	free(one);
	free(seven);
	free(a);
	free(b);
}

int main(void)
{
	sums_match_fractions();
	edges();
	batchings();
	return tap_done();
}
