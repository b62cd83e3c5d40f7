/* argsort.c - the stable ascending argsort of float64 scores shared by the
 * ranking and threshold metrics (rank.c, auc.c).
 *
 * An LSD radix sort on the bit patterns, 11 bits a pass: O(N) per pass,
 * and a pass whose digit is the same for every key (the high exponent
 * bits of probabilities, say) is skipped.  Stable like numpy's mergesort,
 * so walking the result backwards visits ties in the order sklearn's
 * argsort(kind="mergesort")[::-1] does and sums match to the last bit. */
#include <stdint.h>
#include <string.h>

#include "internal.h"

#define DIGIT_BITS 11
#define DIGITS	   2048
#define PASSES	   6 /* 6 · 11 >= 64 */
#define SMALL	   48

typedef evi_keyed keyed; /* i: the index, or the bits of a value */

static void insertion(keyed *a, int64_t n)
{
	for (int64_t i = 1; i < n; i++) {
		keyed v = a[i];
		int64_t j = i;
		while (j > 0 && a[j - 1].k > v.k) {
			a[j] = a[j - 1];
			j--;
		}
		a[j] = v;
	}
}

/* Histograms of all digits in one pass over the keys. */
static void histograms(const keyed *a, int64_t n, int64_t (*h)[DIGITS])
{
	memset(h, 0, sizeof(int64_t) * PASSES * DIGITS);
	for (int64_t i = 0; i < n; i++) {
		uint64_t k = a[i].k;
		for (int p = 0; p < PASSES; p++)
			h[p][(k >> (p * DIGIT_BITS)) & (DIGITS - 1)]++;
	}
}

/* Sorts a (n keys) using b as scratch; returns where the result is. */
static keyed *radix(keyed *a, keyed *b, int64_t n, int64_t (*h)[DIGITS])
{
	histograms(a, n, h);
	for (int p = 0; p < PASSES; p++) {
		int shift = p * DIGIT_BITS;
		int64_t *c = h[p], sum = 0;
		if (c[(a[0].k >> shift) & (DIGITS - 1)] == n)
			continue; /* one digit value: the pass moves nothing */
		for (int d = 0; d < DIGITS; d++) {
			int64_t t = c[d];
			c[d] = sum;
			sum += t;
		}
		for (int64_t i = 0; i < n; i++)
			b[c[(a[i].k >> shift) & (DIGITS - 1)]++] = a[i];
		keyed *t = a;
		a = b;
		b = t;
	}
	return a;
}

/* Sorts a[0..n) by key, stably; the result is in a.  -1 when out of
 * memory. */
static int sort_keyed(keyed *a, int64_t n)
{
	keyed *b, *r;
	int64_t(*h)[DIGITS];

	if (n <= SMALL) {
		insertion(a, n);
		return 0;
	}
	b = evi_xalloc(n, sizeof *b);
	h = evi_xalloc(PASSES, sizeof *h);
	if (!b || !h) {
		free(b);
		free(h);
		return -1;
	}
	r = radix(a, b, n, h);
	if (r != a)
		memcpy(a, r, (size_t)n * sizeof *a);
	free(b);
	free(h);
	return 0;
}

int evi_argsort(const double *s, int64_t n, int64_t *idx)
{
	keyed *a = evi_xalloc(n, sizeof *a);

	if (!a)
		return -1;
	for (int64_t i = 0; i < n; i++) {
		a[i].k = evi_score_key(s[i]);
		a[i].v = i;
	}
	int rc = sort_keyed(a, n);
	for (int64_t i = 0; !rc && i < n; i++)
		idx[i] = (int64_t)a[i].v;
	free(a);
	return rc;
}

int evi_sort_with(const double *s, const double *v, int64_t n, double *s_out,
		  double *v_out)
{
	keyed *a = evi_xalloc(n, sizeof *a);

	if (!a)
		return -1;
	for (int64_t i = 0; i < n; i++) {
		a[i].k = evi_score_key(s[i]);
		memcpy(&a[i].v, &v[i], sizeof(double));
	}
	int rc = sort_keyed(a, n);
	for (int64_t i = 0; !rc && i < n; i++) {
		s_out[i] = evi_key_score(a[i].k);
		memcpy(&v_out[i], &a[i].v, sizeof(double));
	}
	free(a);
	return rc;
}

int evi_sort_keyed(const double *s, const double *v, int64_t n, evi_keyed **out)
{
	keyed *a = evi_xalloc(n, sizeof *a);

	*out = NULL;
	if (!a)
		return -1;
	for (int64_t i = 0; i < n; i++) {
		a[i].k = evi_score_key(s[i]);
		memcpy(&a[i].v, &v[i], sizeof(double));
	}
	if (sort_keyed(a, n)) {
		free(a);
		return -1;
	}
	*out = a;
	return 0;
}
