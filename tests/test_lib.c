/* test_lib.c - libevald's core types: tensor views, reductions, the RNG. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <evald/error.h>
#include <evald/reduce.h>
#include <evald/rng.h>
#include <evald/tensor.h>
#include <evald/twosample.h>

#include "tap.h"

static void test_tensor(void)
{
	double d[24];
	int64_t shape[3] = {2, 3, 4}, huge[3] = {INT64_MAX / 2, 4, 1},
		neg[1] = {-1};
	evald_tensor t, u;
	char buf[64];

	tap_ok(evald_tensor_init(&t, d, EVALD_F64, 3, shape) == 0 &&
		       t.size == 24 && t.strides[0] == 12 &&
		       t.strides[1] == 4 && t.strides[2] == 1,
	       "C-order strides and size");
	tap_ok(!strcmp(evald_shape_str(&t, buf, sizeof buf), "[2, 3, 4]"),
	       "shape string");
	tap_ok(evald_tensor_init(&u, d, EVALD_F64, 3, huge) == EVALD_ELIMIT,
	       "element count overflow is refused");
	tap_ok(evald_tensor_init(&u, d, EVALD_F64, 1, neg) == EVALD_EINVAL,
	       "negative dimension is refused");
	tap_ok(evald_tensor_init(&u, d, EVALD_F64, 9, shape) == EVALD_ELIMIT,
	       "more than EVALD_MAX_DIMS is refused");
	tap_ok(evald_tensor_init(&u, d, EVALD_F64, 0, NULL) == 0 && u.size == 1,
	       "a scalar has one element");
	for (int i = 0; i < 24; i++)
		d[i] = i;
	int64_t bad = -1;
	tap_ok(evald_tensor_all_finite(&t, &bad), "all finite");
	d[17] = NAN;
	tap_ok(!evald_tensor_all_finite(&t, &bad) && bad == 17,
	       "first non-finite element is located");
}

static void test_reduce(void)
{
	int64_t n = 1000003;
	double *x = malloc((size_t)n * sizeof *x);
	evald_result r;
	int64_t shape[1] = {3};

	/* Pairwise summation keeps 0.1 * n accurate where a naive loop drifts
	 * by about n * eps. */
	for (int64_t i = 0; i < n; i++)
		x[i] = 0.1;
	double s = evald_sum(x, n);
	tap_ok(fabs(s - 0.1 * (double)n) < 1e-9 * 0.1 * (double)n,
	       "pairwise sum of 1e6 x 0.1 (err %.3g)",
	       fabs(s - 0.1 * (double)n));
	free(x);

	double *b = malloc(3 * sizeof *b);
	b[0] = 1;
	b[1] = 2;
	b[2] = 6;
	evald_result_reduce(&r, b, 3, EVALD_REDUCE_MEAN, 1, shape);
	tap_ok(r.value == 3.0 && !r.values, "mean reduction");
	b = malloc(3 * sizeof *b);
	b[0] = 1;
	b[1] = 2;
	b[2] = 6;
	evald_result_reduce(&r, b, 3, EVALD_REDUCE_SUM, 1, shape);
	tap_ok(r.value == 9.0, "sum reduction");
	b = malloc(3 * sizeof *b);
	b[0] = 1;
	b[1] = 2;
	b[2] = 6;
	evald_result_reduce(&r, b, 3, EVALD_REDUCE_NONE, 1, shape);
	tap_ok(r.values == b && r.ndim == 1 && r.shape[0] == 3,
	       "none keeps the per-element array");
	evald_result_free(&r);
}

static void test_rng(void)
{
	evald_rng a, b;
	int same = 1, inrange = 1;
	double mean = 0, var = 0;
	const int n = 200000;

	evald_rng_seed(&a, 42);
	evald_rng_seed(&b, 42);
	for (int i = 0; i < 1000; i++)
		same &= evald_rng_next(&a) == evald_rng_next(&b);
	tap_ok(same, "same seed, same sequence");
	evald_rng_seed(&b, 43);
	tap_ok(evald_rng_next(&a) != evald_rng_next(&b),
	       "different seed, different sequence");
	for (int i = 0; i < 10000; i++)
		inrange &= evald_rng_below(&a, 7) < 7;
	tap_ok(inrange, "below(n) stays below n");
	for (int i = 0; i < n; i++) {
		double z = evald_rng_normal(&a);
		mean += z;
		var += z * z;
	}
	mean /= n;
	var = var / n - mean * mean;
	tap_ok(fabs(mean) < 0.01 && fabs(var - 1) < 0.02,
	       "normal draws have mean 0, variance 1 (%.4f, %.4f)", mean, var);
}

static int cmp_double(const void *a, const void *b)
{
	double u = *(const double *)a, v = *(const double *)b;
	return (u > v) - (u < v);
}

/* The KS statistic from qsort'ed copies, the slow way: at each pooled
 * value, the counts at or below it on each side by a linear scan. */
static double ks_reference(const double *x, int n, const double *y, int m)
{
	double *a = malloc(sizeof *a * (size_t)n),
	       *b = malloc(sizeof *b * (size_t)m);
	double best = 0;
	memcpy(a, x, sizeof *a * (size_t)n);
	memcpy(b, y, sizeof *b * (size_t)m);
	qsort(a, (size_t)n, sizeof *a, cmp_double);
	qsort(b, (size_t)m, sizeof *b, cmp_double);
	for (int s = 0, i = 0, j = 0; s < n + m; s++) {
		double v = s < n ? a[s] : b[s - n];
		for (i = 0; i < n && a[i] <= v; i++)
			;
		for (j = 0; j < m && b[j] <= v; j++)
			;
		double d = fabs((double)i / n - (double)j / m);
		best = d > best ? d : best;
	}
	free(a);
	free(b);
	return best;
}

/* The radix sort under the two-sample tests skips the passes whose digit
 * is one value for every key, and makes and undoes its keys inside the
 * first and last passes that remain: data that leaves 0 to 6 passes, on
 * both sides of the insertion-sort cut-over, must give the statistic a
 * comparison sort gives, to the bit. */
static void test_sorted_samples(void)
{
	static const int sizes[] = {1, 2, 47, 48, 49, 50, 300, 2001};
	evald_rng r;
	int ok = 1, cases = 0;

	evald_rng_seed(&r, 14);
	for (int kind = 0; kind < 8; kind++)
		for (size_t si = 0; si < sizeof sizes / sizeof *sizes; si++) {
			int n = sizes[si], m = sizes[si] + 3;
			double *v = malloc(sizeof *v * (size_t)(n + m));
			for (int i = 0; i < n + m; i++) {
				double z = evald_rng_normal(&r);
				switch (kind) {
				case 0: v[i] = z; break;
				case 1:
					v[i] = (double)evald_rng_below(&r, 4);
					break;
				case 2:
					v[i] = 1.0 +
					       (double)evald_rng_below(&r, 2);
					break;
				case 3: v[i] = 5.0; break;
				case 4:
					v[i] = evald_rng_below(&r, 2) ? 0.0
								      : -0.0;
					break;
				case 5: /* the lowest digit alone: one pass */
					v[i] = 1.0 + (double)evald_rng_below(
							     &r, 1000) *
							     0x1p-52;
					break;
				case 6: /* the mantissa alone: five passes */
					v[i] = 1.0 + evald_rng_uniform(&r);
					break;
				default:
					v[i] = i % 17 ? z * 1e300
						      : (i % 2 ? INFINITY
							       : -INFINITY);
				}
			}
			evald_test_result res;
			evald_err e = {0};
			int rc = evald_ks_2samp(v, n, v + n, m,
						EVALD_ALT_TWO_SIDED,
						EVALD_TEST_ASYMP, &res, &e);
			double want = ks_reference(v, n, v + n, m);
			if (rc || res.statistic != want) {
				ok = 0;
				tap_diag("kind %d, n %d: statistic %.17g, want "
					 "%.17g",
					 kind, n, res.statistic, want);
			}
			cases++;
			free(v);
		}
	tap_ok(ok,
	       "ks_2samp on radix-sorted samples equals a qsort reference "
	       "(%d cases)",
	       cases);
}

int main(void)
{
	test_tensor();
	test_reduce();
	test_rng();
	test_sorted_samples();
	return tap_done();
}
