/* test_sgemm.c - evi_sgemm_nt (src/lib/sgemm_nt.c, built in) against a
 * double-precision product of the same float32 inputs: every entry
 * within the float32 bound prdc_f32.c relies on, for shapes off the
 * kernel's blocks (8 × 48 tiles, 128-column slices of k), padded strides
 * and large magnitudes; nothing outside the m × n corner of C written. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <evald/error.h>

#include "sgemm_nt.h"
#include "tap.h"

#define U32 0x1p-24

/* A deterministic value in [-1, 1): the test must not depend on libc's
 * rand. */
static float val(uint64_t *s)
{
	*s = *s * 6364136223846793005ull + 1442695040888963407ull;
	return (float)((double)(*s >> 40) / 0x1p23 - 1.0);
}

/* v scaled; away from 1 its magnitude is kept in [scale/2, scale], so
 * that no product falls below float32's normal range (prdc's limits
 * keep it there too). */
static float big(float v, float scale)
{
	if (scale == 1.0f)
		return v;
	return (v < 0 ? -0.5f + v / 2 : 0.5f + v / 2) * scale;
}

/* One shape: the worst ratio of error to bound over the entries, or a
 * value above 1 when a sentinel was overwritten or an entry not set. */
static double run(int64_t m, int64_t n, int64_t k, int64_t pad, float scale,
		  uint64_t seed)
{
	int64_t lda = k + pad, ldb = k + pad, ldc = n + pad;
	float *a = malloc((size_t)(m * lda + 1) * sizeof(float));
	float *b = malloc((size_t)(n * ldb + 1) * sizeof(float));
	float *c = malloc((size_t)(m * ldc + 1) * sizeof(float));
	double g = (double)k * U32 / (1.0 - (double)k * U32), worst = 2.0;

	if (!a || !b || !c)
		goto out;
	for (int64_t i = 0; i < m * lda; i++)
		a[i] = big(val(&seed), scale);
	for (int64_t i = 0; i < n * ldb; i++)
		b[i] = big(val(&seed), scale);
	for (int64_t i = 0; i < m * ldc; i++)
		c[i] = NAN;
	if (evi_sgemm_nt(m, n, k, a, lda, b, ldb, c, ldc) != EVALD_OK)
		goto out;
	worst = 0.0;
	for (int64_t i = 0; i < m; i++) {
		for (int64_t j = 0; j < ldc; j++) {
			float v = c[i * ldc + j];
			if (j >= n) {
				if (!isnan(v))
					worst = 3.0; /* padding written */
				continue;
			}
			double s = 0.0, sa = 0.0;
			/* Products of floats are exact in double; the sum
			 * errs by at most k·2⁻⁵³ of sa, far below g. */
			for (int64_t p = 0; p < k; p++) {
				double t = (double)a[i * lda + p] *
					   (double)b[j * ldb + p];
				s += t;
				sa += fabs(t);
			}
			double e = fabs((double)v - s);
			double bound = (g + 2.0 * (double)k * 0x1p-53) * sa;
			double r = bound > 0.0 ? e / bound : (e > 0.0) * 4.0;
			if (isnan(v) || r > worst)
				worst = isnan(v) ? 5.0 : r;
		}
	}
out:
	free(a);
	free(b);
	free(c);
	return worst;
}

int main(void)
{
	static const int64_t shapes[][3] = {
		{1, 1, 1},	 {1, 1, 7},	  {8, 48, 1},
		{7, 47, 15},	 {9, 49, 17},	  {16, 96, 128},
		{17, 97, 129},	 {33, 1, 300},	  {1, 300, 257},
		{5, 5, 1000},	 {64, 200, 700},  {256, 97, 2048},
		{37, 1000, 130}, {256, 4096, 64},
	};

	tap_diag("AVX-512 kernel: %s",
		 __builtin_cpu_supports("avx512f") ? "yes" : "no (BLAS)");
	for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
		int64_t m = shapes[s][0], n = shapes[s][1], k = shapes[s][2];
		for (int pad = 0; pad < 2; pad++) {
			double r = run(m, n, k, 3 * pad, 1.0f, 17 + s);
			tap_ok(r <= 1.0,
			       "%lld x %lld x %lld, padding %d: error %.3g of "
			       "the bound",
			       (long long)m, (long long)n, (long long)k,
			       3 * pad, r);
		}
	}
	/* Magnitudes near prdc's float32 limits (values up to 2⁶⁰, sums
	 * of squares up to 2¹⁰⁰ in double, 2¹²⁸ in float32 with k terms). */
	double r = run(19, 53, 300, 1, 0x1p45f, 99);
	tap_ok(r <= 1.0, "values near 2^45: error %.3g of the bound", r);
	r = run(19, 53, 300, 0, 0x1p-60f, 7);
	tap_ok(r <= 1.0, "values near 2^-60: error %.3g of the bound", r);
	/* k = 0 is an empty sum: zeros, not what C held. */
	float c[6] = {1, 2, 3, 4, 5, 6}, a[1] = {0}, b[1] = {0};
	int rc = evi_sgemm_nt(2, 3, 0, a, 1, b, 1, c, 3);
	tap_ok(rc == EVALD_OK && c[0] == 0 && c[5] == 0, "k = 0 gives zeros");
	printf("1..%d\n", tap_n);
	return tap_failed != 0;
}
