/* keysort.c - ascending radix sorts of bare keys, and the split curve
 * walk built on them: the unweighted binary curve of auc.c sorts the
 * positives' and the negatives' scores apart, as 8-byte keys (4-byte when
 * every score is a float32, as they usually arrived), and merges them in
 * one walk, instead of sorting 16-byte (score, label) pairs.
 *
 * A key carries nothing but its score, so equal keys are interchangeable
 * and the sort needs no stability; and because unweighted counts are whole
 * numbers, counting a tie's positives and negatives gives the very sums
 * the pairwise walk adds one by one: the curve is the same to the bit. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auc_internal.h"
#include "internal.h"

#define DIGIT_BITS 11
#define DIGITS	   2048

/* LSD radix sort of a[0..n) into ascending order, b as scratch; passes
 * whose digit is one value for every key (the exponent bits of
 * probabilities) are skipped. */
#define KEYSORT(NAME, T, PASSES)                                               \
	static int NAME(T *a, int64_t n)                                       \
	{                                                                      \
		if (n < 2)                                                     \
			return 0;                                              \
		T *b = evi_xalloc(n, sizeof *b), *src = a, *dst = b;           \
		int64_t(*h)[DIGITS] = calloc(PASSES, sizeof *h);               \
		if (!b || !h) {                                                \
			free(b);                                               \
			free(h);                                               \
			return -1;                                             \
		}                                                              \
		for (int64_t i = 0; i < n; i++)                                \
			for (int p = 0; p < PASSES; p++)                       \
				h[p][(a[i] >> (p * DIGIT_BITS)) &              \
				     (DIGITS - 1)]++;                          \
		for (int p = 0; p < PASSES; p++) {                             \
			int shift = p * DIGIT_BITS;                            \
			int64_t *c = h[p], sum = 0;                            \
			if (c[(src[0] >> shift) & (DIGITS - 1)] == n)          \
				continue;                                      \
			for (int d = 0; d < DIGITS; d++) {                     \
				int64_t t = c[d];                              \
				c[d] = sum;                                    \
				sum += t;                                      \
			}                                                      \
			for (int64_t i = 0; i < n; i++)                        \
				dst[c[(src[i] >> shift) & (DIGITS - 1)]++] =   \
					src[i];                                \
			T *t = src;                                            \
			src = dst;                                             \
			dst = t;                                               \
		}                                                              \
		if (src != a)                                                  \
			memcpy(a, src, (size_t)n * sizeof *a);                 \
		free(b);                                                       \
		free(h);                                                       \
		return 0;                                                      \
	}

KEYSORT(sort_u64, uint64_t, 6)
KEYSORT(sort_u32, uint32_t, 3)

/* The float32 twin of evi_score_key (argsort.c): -0 is +0. */
static uint32_t key32(float f)
{
	uint32_t u;
	if (f == 0.0f)
		f = 0.0f;
	memcpy(&u, &f, sizeof u);
	return (u >> 31) ? ~u : u | (1u << 31);
}

static double score32(uint32_t k)
{
	uint32_t u = (k >> 31) ? k & ~(1u << 31) : ~k;
	float f;
	memcpy(&f, &u, sizeof f);
	return f;
}

/* Positives' keys in k[0..np), negatives' in k[np..n), each sorted, then
 * walked from the top: at each distinct key, the counts at or above it. */
#define SPLIT(NAME, T, KEY, CAST, SORT, SCORE)                                 \
	static int NAME(const double *s, const double *y, int64_t n,           \
			int64_t np, evi_clf *c)                                \
	{                                                                      \
		T *k = evi_xalloc(n ? n : 1, sizeof *k);                       \
		int64_t ip = 0, in = np, m = 0, tp = 0, fp = 0;                \
		if (!k)                                                        \
			return -1;                                             \
		for (int64_t i = 0; i < n; i++)                                \
			k[y[i] != 0.0 ? ip++ : in++] = KEY((CAST)s[i]);        \
		if (SORT(k, np) || SORT(k + np, n - np)) {                     \
			free(k);                                               \
			return -1;                                             \
		}                                                              \
		ip = np - 1;                                                   \
		in = n - 1;                                                    \
		while (ip >= 0 || in >= np) {                                  \
			T t = ip < 0	      ? k[in]                          \
			      : in < np	      ? k[ip]                          \
			      : k[ip] > k[in] ? k[ip]                          \
					      : k[in];                         \
			while (ip >= 0 && k[ip] == t)                          \
				ip--, tp++;                                    \
			while (in >= np && k[in] == t)                         \
				in--, fp++;                                    \
			c->tps[m] = (double)tp;                                \
			c->fps[m] = (double)fp;                                \
			c->thr[m++] = SCORE(t);                                \
		}                                                              \
		c->n = m;                                                      \
		free(k);                                                       \
		return 0;                                                      \
	}

SPLIT(split64, uint64_t, evi_score_key, double, sort_u64, evi_key_score)
SPLIT(split32, uint32_t, key32, float, sort_u32, score32)

/* split32's sort and walk over keys already split (positives k[0..np)). */
static int walk32(uint32_t *k, int64_t n, int64_t np, evi_clf *c)
{
	int64_t ip, in, m = 0, tp = 0, fp = 0;

	if (sort_u32(k, np) || sort_u32(k + np, n - np))
		return -1;
	ip = np - 1;
	in = n - 1;
	while (ip >= 0 || in >= np) {
		uint32_t t = ip < 0	     ? k[in]
			     : in < np	     ? k[ip]
			     : k[ip] > k[in] ? k[ip]
					     : k[in];
		while (ip >= 0 && k[ip] == t)
			ip--, tp++;
		while (in >= np && k[in] == t)
			in--, fp++;
		c->tps[m] = (double)tp;
		c->fps[m] = (double)fp;
		c->thr[m++] = score32(t);
	}
	c->n = m;
	return 0;
}

/* The keys of the float32 scores split by their integer labels: the
 * positives from the front, the negatives from the back (their order
 * does not matter, the sort sets it); one pass, no float64 anywhere. */
#define FILL32(T)                                                              \
	do {                                                                   \
		const T *l = y->data;                                          \
		for (int64_t i = 0; i < n; i++) {                              \
			uint32_t key = key32(s[i]);                            \
			if ((int64_t)l[i] == pos)                              \
				k[ip++] = key;                                 \
			else                                                   \
				k[--in] = key;                                 \
		}                                                              \
	} while (0)

int evi_clf_split_f32(const float *s, const evald_labels *y, int64_t pos,
		      evi_clf *c)
{
	int64_t n = y->size, ip = 0, in = n;
	uint32_t *k = evi_xalloc(n ? n : 1, sizeof *k);

	if (!k)
		return -1;
	switch (y->dtype) {
	case EVALD_I64: FILL32(int64_t); break;
	case EVALD_I32: FILL32(int32_t); break;
	default: FILL32(uint8_t); break; /* uint8, bool */
	}
	int rc = walk32(k, n, ip, c);
	free(k);
	return rc;
}

int evi_clf_split(const double *s, const double *y, int64_t n, evi_clf *c)
{
	int64_t np = 0;
	int f32 = 1;

	for (int64_t i = 0; i < n; i++) {
		if (y[i] != 0.0 && y[i] != 1.0)
			return 1;
		np += y[i] != 0.0;
		/* Exactly a float32 (NaN fails, and takes the 8-byte keys). */
		f32 &= (double)(float)s[i] == s[i];
	}
	return f32 ? split32(s, y, n, np, c) : split64(s, y, n, np, c);
}
