/* confusion.c - the confusion matrix (evald_cm_add) and every
 * single-label score that is a function of it (evald_cm_score,
 * evald_cm_score_n), with scikit-learn 1.2's semantics (confusion.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <evald/classify.h>

#include "cls_internal.h"
#include "internal.h"

/* An index element: integral and in [0, k). */
static int bad_index(double v, int64_t k)
{
	/* In range first, so the cast is defined; no call to floor() in
	 * the loop every sample goes through. */
	return !(v >= 0.0 && v < (double)k) || (double)(int64_t)v != v;
}

static int check_add(int64_t k, int64_t nt, int64_t np, const evald_tensor *w,
		     evald_err *err)
{
	if (k < 1)
		return evald_fail(err, EVALD_EINVAL, -1,
				  "the matrix needs at least one class; k is "
				  "%lld",
				  (long long)k);
	if (nt != np)
		return evald_fail(err, EVALD_ESHAPE, 1,
				  "y_pred has %lld elements and y_true %lld; "
				  "they must hold one label per sample each",
				  (long long)np, (long long)nt);
	if (w && w->size != nt)
		return evald_fail(err, EVALD_ESHAPE, 2,
				  "sample_weight has %lld elements; it must "
				  "hold one weight per sample (%lld)",
				  (long long)w->size, (long long)nt);
	for (int64_t i = 0; w && i < w->size; i++)
		if (!(w->data[i] >= 0.0) || !isfinite(w->data[i]))
			return evald_fail(err, EVALD_ERANGE, 2,
					  "sample_weight[%lld] is %.17g; "
					  "weights must be finite and >= 0",
					  (long long)i, w->data[i]);
	return 0;
}

static int index_error(double v, int input, int64_t i, int64_t k,
		       evald_err *err)
{
	return evald_fail(err, EVALD_ERANGE, input,
			  "%s[%lld] is %.17g, not a class index in [0, %lld)",
			  input ? "y_pred" : "y_true", (long long)i, v,
			  (long long)k);
}

int evald_cm_add(double *counts, int64_t k, const evald_tensor *y_true,
		 const evald_tensor *y_pred, const evald_tensor *weight,
		 evald_err *err)
{
	const double *t = y_true->data, *p = y_pred->data;
	int rc;

	if ((rc = check_add(k, y_true->size, y_pred->size, weight, err)))
		return rc;
	/* Checked whole before the first count, so a refused batch leaves
	 * the matrix as it was. */
	for (int64_t i = 0; i < y_true->size; i++) {
		if (bad_index(t[i], k))
			return index_error(t[i], 0, i, k, err);
		if (bad_index(p[i], k))
			return index_error(p[i], 1, i, k, err);
	}
	for (int64_t i = 0; i < y_true->size; i++)
		counts[(int64_t)t[i] * k + (int64_t)p[i]] +=
			weight ? weight->data[i] : 1.0;
	return 0;
}

/* ------------------------------------------------------ integer labels */

/* Labels are read in blocks of this many: one loop per dtype instead of
 * a dtype switch per element, and a block is checked whole before any
 * of it is counted. */
#define LBLOCK 4096
/* Up to this many cells the unweighted counts go to exact integer
 * tallies first, so a pass both checks and counts. */
#define TALLY_CELLS EVALD_JOINT_CELLS

static int labels_dtype_ok(const evald_labels *l)
{
	return l->dtype == EVALD_I64 || l->dtype == EVALD_I32 ||
	       l->dtype == EVALD_U8 || l->dtype == EVALD_BOOL;
}

/* Bytes per label; bool is a byte of 0 or 1, as uint8 labels are. */
static int labels_width(const evald_labels *l)
{
	return l->dtype == EVALD_I64 ? 8 : l->dtype == EVALD_I32 ? 4 : 1;
}

/* Two label inputs a pass reads side by side: label dtypes, one label
 * per sample each.  0, or the error. */
static int check_pair(const evald_labels *y_true, const evald_labels *y_pred,
		      evald_err *err)
{
	if (!labels_dtype_ok(y_true) || !labels_dtype_ok(y_pred))
		return evald_fail(err, EVALD_EINVAL, labels_dtype_ok(y_true),
				  "integer labels must be int64, int32, "
				  "uint8 or bool");
	if (y_true->size != y_pred->size)
		return evald_fail(err, EVALD_ESHAPE, 1,
				  "y_pred has %lld elements and y_true %lld; "
				  "they must hold one label per sample each",
				  (long long)y_pred->size,
				  (long long)y_true->size);
	return 0;
}

/* memcpy: the labels may sit at any alignment in a request body. */
static inline int64_t ld_i64(const unsigned char *b)
{
	int64_t v;
	memcpy(&v, b, 8);
	return v;
}

static inline int64_t ld_i32(const unsigned char *b)
{
	int32_t v;
	memcpy(&v, b, 4);
	return v;
}

/* Elements [from, from + n) of l as int64. */
static void labels_load(const evald_labels *l, int64_t from, int64_t n,
			int64_t *dst)
{
	const unsigned char *b = l->data;
	switch (l->dtype) {
	case EVALD_I64: memcpy(dst, b + from * 8, (size_t)n * 8); break;
	case EVALD_I32:
		for (int64_t i = 0; i < n; i++)
			dst[i] = ld_i32(b + (from + i) * 4);
		break;
	default: /* EVALD_U8, EVALD_BOOL */
		for (int64_t i = 0; i < n; i++)
			dst[i] = b[from + i];
		break;
	}
}

/* The range in lanes of RLANES: each lane keeps its own least and
 * greatest over a fixed-length inner loop, which the compiler turns into
 * vector min/max (a single running pair is a chain of dependent
 * compares, about three times slower on 10^7 labels). */
#define RLANES 64
#define RANGE_LOOP(T, LOAD, INIT_LO, INIT_HI)                                  \
	do {                                                                   \
		T la_[RLANES], za_[RLANES];                                    \
		int64_t i = 0;                                                 \
		for (int j = 0; j < RLANES; j++) {                             \
			la_[j] = INIT_LO;                                      \
			za_[j] = INIT_HI;                                      \
		}                                                              \
		for (; i + RLANES <= l->size; i += RLANES)                     \
			for (int j = 0; j < RLANES; j++) {                     \
				T v_ = LOAD(i + j);                            \
				la_[j] = v_ < la_[j] ? v_ : la_[j];            \
				za_[j] = v_ > za_[j] ? v_ : za_[j];            \
			}                                                      \
		for (int j = 0; j < RLANES; j++) {                             \
			a = la_[j] < a ? la_[j] : a;                           \
			z = za_[j] > z ? za_[j] : z;                           \
		}                                                              \
		for (; i < l->size; i++) {                                     \
			T v_ = LOAD(i);                                        \
			a = v_ < a ? v_ : a;                                   \
			z = v_ > z ? v_ : z;                                   \
		}                                                              \
	} while (0)

void evald_labels_range(const evald_labels *l, int64_t *lo, int64_t *hi)
{
	const unsigned char *b = l->data;
	int64_t a = *lo, z = *hi;

	if (l->size == 0)
		return;
#define LD64(i) ld_i64(b + (i)*8)
#define LD32(i) ((int32_t)ld_i32(b + (i)*4))
#define LD8(i)	b[i]
	switch (l->dtype) {
	case EVALD_I64: RANGE_LOOP(int64_t, LD64, INT64_MAX, INT64_MIN); break;
	case EVALD_I32: RANGE_LOOP(int32_t, LD32, INT32_MAX, INT32_MIN); break;
	default: RANGE_LOOP(unsigned char, LD8, 255, 0); break;
	}
#undef LD64
#undef LD32
#undef LD8
	*lo = a;
	*hi = z;
}

/* Pairs that agree, counted in RLANES lanes over a loop of constant
 * length, which the compiler turns into vector compares and adds (one
 * running count is a chain it does not vectorize).  Both sides are read
 * as WIDE, a type that holds every value of either dtype, so equal means
 * equal as integers; CT, a lane's count, is WIDE's unsigned twin (a
 * block's count per lane fits it). */
#define SAME_LOOP(WIDE, CT, LOADA, LOADB)                                      \
	do {                                                                   \
		int64_t i = 0;                                                 \
		for (; i + LBLOCK <= n; i += LBLOCK) {                         \
			CT c_[RLANES] = {0};                                   \
			for (int64_t k = i; k < i + LBLOCK; k += RLANES)       \
				for (int j = 0; j < RLANES; j++)               \
					c_[j] += (CT)((WIDE)LOADA(k + j) ==    \
						      (WIDE)LOADB(k + j));     \
			for (int j = 0; j < RLANES; j++)                       \
				same += (int64_t)c_[j];                        \
		}                                                              \
		for (; i < n; i++)                                             \
			same += (WIDE)LOADA(i) == (WIDE)LOADB(i);              \
	} while (0)

int evald_labels_same(const evald_labels *a, const evald_labels *b,
		      int64_t *same_out, evald_err *err)
{
	const unsigned char *x = a->data, *y = b->data;
	int64_t n = a->size, same = 0;
	int rc = check_pair(a, b, err);

	if (rc)
		return rc;
#define XA64(i) ld_i64(x + (i)*8)
#define XA32(i) ((int32_t)ld_i32(x + (i)*4))
#define XA8(i)	x[i]
#define YB64(i) ld_i64(y + (i)*8)
#define YB32(i) ((int32_t)ld_i32(y + (i)*4))
#define YB8(i)	y[i]
	switch (labels_width(a) * 16 + labels_width(b)) {
	case 8 * 16 + 8: SAME_LOOP(int64_t, uint64_t, XA64, YB64); break;
	case 8 * 16 + 4: SAME_LOOP(int64_t, uint64_t, XA64, YB32); break;
	case 8 * 16 + 1: SAME_LOOP(int64_t, uint64_t, XA64, YB8); break;
	case 4 * 16 + 8: SAME_LOOP(int64_t, uint64_t, XA32, YB64); break;
	case 4 * 16 + 4: SAME_LOOP(int32_t, uint32_t, XA32, YB32); break;
	case 4 * 16 + 1: SAME_LOOP(int32_t, uint32_t, XA32, YB8); break;
	case 1 * 16 + 8: SAME_LOOP(int64_t, uint64_t, XA8, YB64); break;
	case 1 * 16 + 4: SAME_LOOP(int32_t, uint32_t, XA8, YB32); break;
	default: SAME_LOOP(int32_t, uint32_t, XA8, YB8); break;
	}
#undef XA64
#undef XA32
#undef XA8
#undef YB64
#undef YB32
#undef YB8
	*same_out = same;
	return 0;
}

/* The cells of a block: cell[i] = w·(t_i − lo) from y_true (first), then
 * cell[i] += p_i − lo from y_pred.  Returns nonzero when a value of the
 * block lies outside [lo, lo + w).  The offsets are unsigned, so any
 * value is defined and one below lo wraps to a large one.  When the span
 * lies inside int32's range (narrow32), int32 and byte labels are
 * checked in 32 bits: v − lo modulo 2^32 is below w exactly when v is in
 * the span (v and lo are both int32 and lo + w − 1 does not pass
 * INT32_MAX, so no other value wraps into [0, w)), and 32-bit lanes are
 * what the compiler can vectorize on any x86-64. */
#define CELL_LOOP(U, LOAD, OP, MUL)                                            \
	for (int64_t i = 0; i < n; i++) {                                      \
		U a_ = (U)(LOAD) - (U)lo;                                      \
		bad |= a_ >= (U)w;                                             \
		cell[i] OP(uint32_t) a_ *(MUL);                                \
	}
#define CELLS(U, LOAD)                                                         \
	do {                                                                   \
		U bad = 0;                                                     \
		if (second)                                                    \
			CELL_LOOP(U, LOAD, +=, 1)                              \
		else                                                           \
			CELL_LOOP(U, LOAD, =, m)                               \
		return bad;                                                    \
	} while (0)

static inline uint64_t block_cells(const evald_labels *l, int64_t from,
				   int64_t n, int64_t lo, int64_t w,
				   int narrow32, int second,
				   uint32_t *restrict cell)
{
	const unsigned char *restrict b =
		(const unsigned char *)l->data + from * labels_width(l);
	uint32_t m = (uint32_t)w;

	if (l->dtype == EVALD_I64)
		CELLS(uint64_t, ld_i64(b + i * 8));
	if (l->dtype == EVALD_I32 && narrow32)
		CELLS(uint32_t, ld_i32(b + i * 4));
	if (l->dtype == EVALD_I32)
		CELLS(uint64_t, ld_i32(b + i * 4));
	if (narrow32)
		CELLS(uint32_t, b[i]);
	CELLS(uint64_t, b[i]);
}

/* The first element of [from, from + n) outside [lo, lo + w) in either
 * input (y_true first at that element): its index, input and value; all
 * three left as they were when there is none. */
static void block_first_bad(const evald_labels *t, const evald_labels *p,
			    int64_t from, int64_t n, int64_t lo, int64_t w,
			    int64_t *at, int *input, int64_t *value)
{
	int64_t bt[LBLOCK], bp[LBLOCK];
	labels_load(t, from, n, bt);
	labels_load(p, from, n, bp);
	for (int64_t i = 0; i < n; i++) {
		int tb = (uint64_t)bt[i] - (uint64_t)lo >= (uint64_t)w;
		if (tb || (uint64_t)bp[i] - (uint64_t)lo >= (uint64_t)w) {
			*at = from + i;
			*input = !tb;
			*value = tb ? bt[i] : bp[i];
			return;
		}
	}
}

/* Joint counts of (t − lo, p − lo) into two interleaved tallies of w·w
 * cells each (zeroed by the caller), so a run of one cell does not chain
 * every increment through one counter; 0, or 1 with the first value
 * outside [lo, lo + w) described (nothing may be used then). */
static int joint_count(const evald_labels *t, const evald_labels *p, int64_t lo,
		       int64_t w, uint64_t *tally, int64_t *at, int *input,
		       int64_t *value)
{
	uint32_t cell[LBLOCK];
	uint64_t *t0 = tally, *t1 = tally + w * w;
	int n32 = lo >= INT32_MIN && lo + w - 1 <= INT32_MAX;

	for (int64_t from = 0; from < t->size; from += LBLOCK) {
		int64_t n = t->size - from < LBLOCK ? t->size - from : LBLOCK;
		uint64_t bad;
		/* A whole block's length is a constant the compiler can
		 * vectorize the loads and checks for. */
		if (n == LBLOCK)
			bad = block_cells(t, from, LBLOCK, lo, w, n32, 0,
					  cell) |
			      block_cells(p, from, LBLOCK, lo, w, n32, 1, cell);
		else
			bad = block_cells(t, from, n, lo, w, n32, 0, cell) |
			      block_cells(p, from, n, lo, w, n32, 1, cell);
		if (bad) {
			block_first_bad(t, p, from, n, lo, w, at, input, value);
			return 1;
		}
		int64_t i = 0;
		for (; i + 2 <= n; i += 2) {
			t0[cell[i]]++;
			t1[cell[i + 1]]++;
		}
		if (i < n)
			t0[cell[i]]++;
	}
	return 0;
}

int evald_labels_joint(const evald_labels *y_true, const evald_labels *y_pred,
		       int64_t lo, int64_t w, uint64_t *tally, evald_err *err)
{
	int64_t at, value;
	int input, rc = check_pair(y_true, y_pred, err);

	if (rc)
		return rc;
	if (w < 1 || w * w > EVALD_JOINT_CELLS)
		return evald_fail(err, EVALD_EINVAL, -1,
				  "the joint counts take 1 to %d cells; w is "
				  "%lld",
				  EVALD_JOINT_CELLS, (long long)w);
	uint64_t *two = calloc((size_t)(2 * w * w), sizeof *two);
	if (!two)
		return evald_fail(err, EVALD_ENOMEM, -1, "out of memory");
	if (joint_count(y_true, y_pred, lo, w, two, &at, &input, &value)) {
		rc = evald_fail(err, EVALD_ERANGE, input,
				"%s[%lld] is %lld, outside [%lld, %lld]",
				input ? "y_pred" : "y_true", (long long)at,
				(long long)value, (long long)lo,
				(long long)(lo + w - 1));
		goto out;
	}
	for (int64_t c = 0; c < w * w; c++)
		tally[c] += two[c] + two[w * w + c];
out:
	free(two);
	return rc;
}

/* The weighted count (or a matrix past the tallies' cells): every block
 * checked, as the joint count checks them, before the first is counted. */
static int add_weighted(double *counts, int64_t k, const evald_labels *y_true,
			const evald_labels *y_pred, const evald_tensor *weight,
			evald_err *err)
{
	int64_t bt[LBLOCK], bp[LBLOCK], size = y_true->size;

	for (int64_t from = 0; from < size; from += LBLOCK) {
		int64_t at = -1, value = 0;
		int input = 0;
		block_first_bad(y_true, y_pred, from,
				size - from < LBLOCK ? size - from : LBLOCK, 0,
				k, &at, &input, &value);
		if (at >= 0)
			return index_error((double)value, input, at, k, err);
	}
	for (int64_t from = 0; from < size; from += LBLOCK) {
		int64_t n = size - from < LBLOCK ? size - from : LBLOCK;
		labels_load(y_true, from, n, bt);
		labels_load(y_pred, from, n, bp);
		for (int64_t i = 0; i < n; i++)
			counts[bt[i] * k + bp[i]] +=
				weight ? weight->data[from + i] : 1.0;
	}
	return 0;
}

int evald_cm_add_labels(double *counts, int64_t k, const evald_labels *y_true,
			const evald_labels *y_pred, const evald_tensor *weight,
			evald_err *err)
{
	uint64_t *two = NULL;
	int64_t at, value;
	int input, rc;

	if (!labels_dtype_ok(y_true) || !labels_dtype_ok(y_pred))
		return evald_fail(err, EVALD_EINVAL, labels_dtype_ok(y_true),
				  "integer labels must be int64, int32, "
				  "uint8 or bool; %s is %s",
				  labels_dtype_ok(y_true) ? "y_pred" : "y_true",
				  evald_dtype_name(labels_dtype_ok(y_true)
							   ? y_pred->dtype
							   : y_true->dtype));
	if ((rc = check_add(k, y_true->size, y_pred->size, weight, err)))
		return rc;
	if (weight || k * k > TALLY_CELLS)
		return add_weighted(counts, k, y_true, y_pred, weight, err);
	two = calloc((size_t)(2 * k * k), sizeof *two);
	if (!two)
		return evald_fail(err, EVALD_ENOMEM, -1, "out of memory");
	/* Checked whole before the first count, as in evald_cm_add. */
	if (joint_count(y_true, y_pred, 0, k, two, &at, &input, &value)) {
		rc = index_error((double)value, input, at, k, err);
		goto out;
	}
	/* Whole counts below 2^53 add exactly: the same matrix as adding
	 * 1.0 per sample. */
	for (int64_t c = 0; c < k * k; c++)
		counts[c] += (double)(two[c] + two[k * k + c]);
out:
	free(two);
	return rc;
}

/* ------------------------------------------------------------ scores */

/* Row sums (true), column sums (predicted) and the diagonal of the
 * leading n x n block, or of the whole matrix for the classes' totals. */
typedef struct cm_sums {
	double *tp, *pred, *tru;
	double n_all; /* sum of the block */
} cm_sums;

static int sums(const double *c, int64_t k, int64_t n, int block, cm_sums *s,
		evald_err *err)
{
	int64_t m = block ? n : k;
	s->tp = calloc((size_t)n * 3, sizeof(double));
	if (!s->tp)
		return evald_fail(err, EVALD_ENOMEM, -1, "out of memory");
	s->pred = s->tp + n;
	s->tru = s->pred + n;
	s->n_all = 0.0;
	for (int64_t i = 0; i < m; i++)
		for (int64_t j = 0; j < m; j++) {
			double v = c[i * k + j];
			if (i < n)
				s->tru[i] += v;
			if (j < n)
				s->pred[j] += v;
			if (i == j && i < n)
				s->tp[i] = v;
			s->n_all += v;
		}
	return 0;
}

static double balanced(const cm_sums *s, int64_t n, int adjusted,
		       unsigned *flags)
{
	double sum = 0.0;
	int64_t m = 0;
	for (int64_t i = 0; i < n; i++) {
		if (s->tru[i] == 0.0) {
			/* sklearn drops a class never true (its recall
			 * is 0/0) and warns. */
			*flags |= EVALD_CM_UNDEFINED;
			continue;
		}
		sum += s->tp[i] / s->tru[i];
		m++;
	}
	double score = sum / (double)m;
	if (adjusted) {
		double chance = 1.0 / (double)m;
		score -= chance;
		score /= 1.0 - chance;
	}
	return score;
}

static double mcc(const cm_sums *s, int64_t n, unsigned *flags)
{
	double correct = 0.0, tp_dot = 0.0, pp = 0.0, tt = 0.0;
	for (int64_t i = 0; i < n; i++) {
		correct += s->tp[i];
		tp_dot += s->tru[i] * s->pred[i];
		pp += s->pred[i] * s->pred[i];
		tt += s->tru[i] * s->tru[i];
	}
	double ns = s->n_all, cov_tp = correct * ns - tp_dot;
	double cov_pp = ns * ns - pp, cov_tt = ns * ns - tt;
	if (cov_pp * cov_tt == 0.0) {
		/* One side holds a single class: sklearn returns 0. */
		*flags |= EVALD_CM_UNDEFINED;
		return 0.0;
	}
	return cov_tp / sqrt(cov_tt * cov_pp);
}

static double kappa(const double *c, int64_t k, int64_t n, const cm_sums *s,
		    evald_kappa_weights wt)
{
	double obs = 0.0, exp = 0.0;
	for (int64_t i = 0; i < n; i++)
		for (int64_t j = 0; j < n; j++) {
			double d = (double)(i > j ? i - j : j - i);
			double w = wt == EVALD_KAPPA_NONE     ? (i != j)
				   : wt == EVALD_KAPPA_LINEAR ? d
							      : d * d;
			/* sklearn's expected matrix, outer(col sums, row
			 * sums) / total. */
			obs += w * c[i * k + j];
			exp += w * (s->pred[i] * s->tru[j] / s->n_all);
		}
	return 1.0 - obs / exp;
}

static int whole(const cm_sums *s, int64_t n, int hamming, evald_result *out,
		 evald_err *err)
{
	double right = 0.0;
	if (!(s->n_all > 0.0))
		return evald_fail(err, EVALD_EINVAL, 2,
				  "the sample weights sum to 0, so the "
				  "weighted mean over samples is undefined "
				  "(sklearn raises)");
	for (int64_t i = 0; i < n; i++)
		right += s->tp[i];
	out->value = hamming ? (s->n_all - right) / s->n_all : right / s->n_all;
	return 0;
}

static int prf(const cm_sums *s, int64_t n, evald_cm_kind kind,
	       const evald_cm_opts *o, evald_result *out, unsigned *flags,
	       evald_err *err)
{
	int64_t p = o->pos_index;
	if (o->average != EVALD_AVG_BINARY)
		return evi_prf(s->tp, s->pred, s->tru, n, kind, o, o->average,
			       NULL, out, flags, err);
	if (p < 0 || p >= n)
		return evald_fail(err, EVALD_EINVAL, -1,
				  "pos_index is %lld, not a class in [0, "
				  "%lld)",
				  (long long)p, (long long)n);
	return evi_prf(s->tp + p, s->pred + p, s->tru + p, 1, kind, o,
		       EVALD_AVG_MICRO, NULL, out, flags, err);
}

int evald_cm_score_n(const double *counts, int64_t k, int64_t n,
		     evald_cm_kind kind, const evald_cm_opts *opts,
		     evald_result *out, unsigned *flags, evald_err *err)
{
	int set_wise = kind == EVALD_CM_PRECISION || kind == EVALD_CM_RECALL ||
		       kind == EVALD_CM_FBETA || kind == EVALD_CM_JACCARD;
	unsigned fl = 0;
	cm_sums s = {0};
	int rc = 0;

	memset(out, 0, sizeof *out);
	if (k < 1 || n < 1 || n > k)
		return evald_fail(err, EVALD_EINVAL, -1,
				  "scoring %lld of %lld classes; need 1 <= n "
				  "<= k",
				  (long long)n, (long long)k);
	if ((rc = sums(counts, k, n, !set_wise, &s, err)))
		return rc;
	switch (kind) {
	case EVALD_CM_ACCURACY: rc = whole(&s, n, 0, out, err); break;
	case EVALD_CM_HAMMING: rc = whole(&s, n, 1, out, err); break;
	case EVALD_CM_BALANCED_ACCURACY:
		out->value = balanced(&s, n, opts->adjusted, &fl);
		break;
	case EVALD_CM_MCC: out->value = mcc(&s, n, &fl); break;
	case EVALD_CM_KAPPA:
		out->value = kappa(counts, k, n, &s, opts->weights);
		break;
	default: rc = prf(&s, n, kind, opts, out, &fl, err); break;
	}
	free(s.tp);
	if (!rc && flags)
		*flags |= fl;
	return rc;
}

int evald_cm_score(const double *counts, int64_t k, evald_cm_kind kind,
		   const evald_cm_opts *opts, evald_result *out,
		   unsigned *flags, evald_err *err)
{
	return evald_cm_score_n(counts, k, k, kind, opts, out, flags, err);
}
