/* keysort.c - ascending radix sorts of bare keys, and what is built on
 * them: a sample's values sorted as bare keys (evi_sort_values, for the
 * two-sample tests and drift reports, which need the sorted values and
 * nothing else), and the split curve walk: the unweighted binary curve of
 * auc.c sorts the positives' and the negatives' scores apart, as 8-byte
 * keys (4-byte when every score is a float32, as they usually arrived),
 * and merges them in one walk, instead of sorting 16-byte (score, label)
 * pairs.
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

#define SMALL  48 /* below this, insertion beats six histograms */
#define PASSES 6  /* 6 · 11 >= 64 */

static void insertion_u64(uint64_t *k, int64_t n)
{
	for (int64_t i = 1; i < n; i++) {
		uint64_t t = k[i];
		int64_t j = i;
		for (; j > 0 && k[j - 1] > t; j--)
			k[j] = k[j - 1];
		k[j] = t;
	}
}

/* The keys of v [n] in out, sorted there, and back to values: the path
 * for out == v, where no pass may read v after one wrote out. */
static int sort_in_place(double *out, int64_t n)
{
	/* The keys live in out's bytes, put there and taken back by
	 * memcpy; out is heap memory, whose type is what was last stored. */
	uint64_t *k = (uint64_t *)(void *)out;

	for (int64_t i = 0; i < n; i++) {
		uint64_t u = evi_score_key(out[i]);
		memcpy(&out[i], &u, sizeof u);
	}
	if (n <= SMALL)
		insertion_u64(k, n);
	else if (sort_u64(k, n) < 0)
		return -1;
	for (int64_t i = 0; i < n; i++) {
		uint64_t u;
		memcpy(&u, &out[i], sizeof u);
		double d = evi_key_score(u);
		memcpy(&out[i], &d, sizeof d);
	}
	return 0;
}

/* An LSD radix sort of the values' 8-byte keys, where only the sorted
 * values are wanted: no (key, value) pairs, so 8 bytes move per value and
 * pass, and the keys cost no passes of their own: the first pass that
 * moves anything makes them from v as it reads, the last turns them back
 * into values as it writes out.  Between, they go back and forth between
 * out and one scratch buffer, laid out so that the last pass reads the
 * scratch. */
int evi_sort_values(const double *v, int64_t n, double *out)
{
	uint64_t *u = (uint64_t *)(void *)out, *b = NULL, *src, *dst;
	int64_t(*h)[DIGITS] = NULL;
	int active[PASSES], na = 0;

	if (v == out || n <= SMALL) {
		if (v != out)
			memcpy(out, v, (size_t)n * sizeof *out);
		return sort_in_place(out, n);
	}
	b = evi_xalloc(n, sizeof *b);
	h = calloc(PASSES, sizeof *h);
	if (!b || !h) {
		free(b);
		free(h);
		return -1;
	}
	for (int64_t i = 0; i < n; i++) {
		uint64_t k = evi_score_key(v[i]);
		for (int p = 0; p < PASSES; p++)
			h[p][(k >> (p * DIGIT_BITS)) & (DIGITS - 1)]++;
	}
	uint64_t k0 = evi_score_key(v[0]);
	for (int p = 0; p < PASSES; p++) {
		int64_t *c = h[p], sum = 0;
		if (c[(k0 >> (p * DIGIT_BITS)) & (DIGITS - 1)] == n)
			continue; /* one digit value: the pass moves nothing */
		for (int d = 0; d < DIGITS; d++) {
			int64_t t = c[d];
			c[d] = sum;
			sum += t;
		}
		active[na++] = p;
	}
	/* Pass j writes the scratch when na - 1 - j is odd, out when even:
	 * so pass na - 2 writes the scratch the last one reads. */
	src = NULL;
	for (int j = 0; j < na; j++) {
		int shift = active[j] * DIGIT_BITS;
		int64_t *c = h[active[j]];
		dst = (na - 1 - j) % 2 ? b : u;
		if (j == na - 1 && j == 0) {
			for (int64_t i = 0; i < n; i++) {
				uint64_t k = evi_score_key(v[i]);
				double d = evi_key_score(k);
				memcpy(&out[c[(k >> shift) & (DIGITS - 1)]++],
				       &d, sizeof d);
			}
		} else if (j == 0) {
			for (int64_t i = 0; i < n; i++) {
				uint64_t k = evi_score_key(v[i]);
				dst[c[(k >> shift) & (DIGITS - 1)]++] = k;
			}
		} else if (j == na - 1) {
			for (int64_t i = 0; i < n; i++) {
				uint64_t k = src[i];
				double d = evi_key_score(k);
				memcpy(&out[c[(k >> shift) & (DIGITS - 1)]++],
				       &d, sizeof d);
			}
		} else {
			for (int64_t i = 0; i < n; i++) {
				uint64_t k = src[i];
				dst[c[(k >> shift) & (DIGITS - 1)]++] = k;
			}
		}
		src = dst;
	}
	if (!na) /* every key the same: one value n times */
		for (int64_t i = 0; i < n; i++)
			out[i] = evi_key_score(k0);
	free(b);
	free(h);
	return 0;
}

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
		const char *l = y->data;                                       \
		for (int64_t i = 0; i < n; i++) {                              \
			uint32_t key = key32(s[i]);                            \
			T t; /* labels at any alignment */                     \
			memcpy(&t, l + i * (int64_t)sizeof t, sizeof t);       \
			if ((int64_t)t == pos)                                 \
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
