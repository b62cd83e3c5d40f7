/* test_confusion.c - the confusion matrix's promise (confusion.h): counts
 * added in batches, or summed from matrices built apart, equal one pass
 * bit for bit, and so does every score made from them; integer labels
 * count what their float64 values count. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <evald/confusion.h>
#include <evald/rng.h>

#include "tap.h"

#define N 3001
#define K 7

static double yt[N], yp[N], w[N];

static void fill(void)
{
	evald_rng g;
	evald_rng_seed(&g, 20261202);
	for (int i = 0; i < N; i++) {
		yt[i] = (double)evald_rng_below(&g, K);
		yp[i] = evald_rng_below(&g, 3) ? yt[i]
					       : (double)evald_rng_below(&g, K);
		w[i] = (double)evald_rng_below(&g, 5); /* integer weights */
	}
}

/* Add samples [from, to) to counts. */
static int add(double *counts, int from, int to, int weighted)
{
	evald_tensor t, p, ww;
	int64_t n = to - from;
	evald_tensor_init(&t, yt + from, EVALD_F64, 1, &n);
	evald_tensor_init(&p, yp + from, EVALD_F64, 1, &n);
	evald_tensor_init(&ww, w + from, EVALD_F64, 1, &n);
	return evald_cm_add(counts, K, &t, &p, weighted ? &ww : NULL, NULL);
}

static int same_scores(const double *a, const double *b)
{
	static const evald_cm_kind kinds[] = {
		EVALD_CM_ACCURACY,  EVALD_CM_BALANCED_ACCURACY,
		EVALD_CM_PRECISION, EVALD_CM_RECALL,
		EVALD_CM_FBETA,	    EVALD_CM_JACCARD,
		EVALD_CM_MCC,	    EVALD_CM_KAPPA,
		EVALD_CM_HAMMING};
	evald_cm_opts o = {.average = EVALD_AVG_MACRO,
			   .beta = 0.5,
			   .weights = EVALD_KAPPA_QUADRATIC};
	for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++) {
		evald_result ra, rb;
		if (evald_cm_score(a, K, kinds[i], &o, &ra, NULL, NULL) ||
		    evald_cm_score(b, K, kinds[i], &o, &rb, NULL, NULL) ||
		    memcmp(&ra.value, &rb.value, sizeof ra.value))
			return 0;
	}
	return 1;
}

static void test_batches(int weighted)
{
	double one[K * K] = {0}, three[K * K] = {0};
	double left[K * K] = {0}, right[K * K] = {0}, merged[K * K];
	const char *how = weighted ? "integer-weighted" : "unweighted";

	tap_ok(add(one, 0, N, weighted) == 0, "%s: one pass", how);
	/* Three batches, added out of order. */
	tap_ok(add(three, 2000, N, weighted) == 0 &&
		       add(three, 0, 777, weighted) == 0 &&
		       add(three, 777, 2000, weighted) == 0,
	       "%s: three batches", how);
	tap_ok(!memcmp(one, three, sizeof one),
	       "%s: three batches equal one pass bit for bit", how);
	/* Two shards built apart, summed element-wise. */
	add(left, 0, 1500, weighted);
	add(right, 1500, N, weighted);
	for (int i = 0; i < K * K; i++)
		merged[i] = left[i] + right[i];
	tap_ok(!memcmp(one, merged, sizeof one),
	       "%s: two summed matrices equal one pass bit for bit", how);
	tap_ok(same_scores(one, three) && same_scores(one, merged),
	       "%s: every score of the merged counts is the one-pass score",
	       how);
}

static void test_refusals(void)
{
	double counts[K * K] = {0}, keep[K * K];
	evald_err err;
	evald_tensor t, p;
	double bad_t[3] = {0, 7, 1}, ok_p[3] = {0, 1, 1};
	int64_t n = 3;

	add(counts, 0, 10, 0);
	memcpy(keep, counts, sizeof keep);
	evald_tensor_init(&t, bad_t, EVALD_F64, 1, &n);
	evald_tensor_init(&p, ok_p, EVALD_F64, 1, &n);
	tap_ok(evald_cm_add(counts, K, &t, &p, NULL, &err) == EVALD_ERANGE &&
		       err.input == 0 && strstr(err.msg, "y_true[1]"),
	       "an index outside [0, k) is EVALD_ERANGE naming it: %s",
	       err.msg);
	tap_ok(!memcmp(keep, counts, sizeof keep),
	       "a refused batch leaves the counts as they were");
	bad_t[1] = 0.5;
	tap_ok(evald_cm_add(counts, K, &t, &p, NULL, &err) == EVALD_ERANGE,
	       "a fractional index is EVALD_ERANGE");
}

/* The integer form counts what the float64 form counts from the same
 * values, for each dtype pair, weighted or not, batch by batch. */
static void test_labels(void)
{
	static int64_t t64[N];
	static int32_t t32[N];
	static uint8_t p8[N], t8[N];
	for (int i = 0; i < N; i++) {
		t64[i] = (int64_t)yt[i];
		t32[i] = (int32_t)yt[i];
		t8[i] = (uint8_t)yt[i];
		p8[i] = (uint8_t)yp[i];
	}
	const void *tv[] = {t64, t32, t8};
	const evald_dtype td[] = {EVALD_I64, EVALD_I32, EVALD_U8};
	for (int d = 0; d < 3; d++)
		for (int weighted = 0; weighted < 2; weighted++) {
			double ref[K * K] = {0}, got[K * K] = {0};
			int64_t n = N;
			evald_tensor ww;
			evald_tensor_init(&ww, w, EVALD_F64, 1, &n);
			add(ref, 0, N, weighted);
			/* Two batches, the second one unaligned. */
			int rc = 0;
			for (int b = 0; b < 2; b++) {
				int64_t from = b ? 1001 : 0, to = b ? N : 1001;
				size_t isz = td[d] == EVALD_I64	  ? 8
					     : td[d] == EVALD_I32 ? 4
								  : 1;
				evald_labels lt = {(const char *)tv[d] +
							   from * isz,
						   td[d], to - from};
				evald_labels lp = {p8 + from, EVALD_U8,
						   to - from};
				evald_tensor wb;
				int64_t m = to - from;
				evald_tensor_init(&wb, w + from, EVALD_F64, 1,
						  &m);
				rc |= evald_cm_add_labels(got, K, &lt, &lp,
							  weighted ? &wb : NULL,
							  NULL);
			}
			tap_ok(rc == 0 && !memcmp(ref, got, sizeof ref),
			       "%s labels, %s: the float64 form's counts bit "
			       "for bit",
			       evald_dtype_name(td[d]),
			       weighted ? "weighted" : "unweighted");
		}
}

static void test_label_refusals(void)
{
	double counts[K * K] = {0}, keep[K * K];
	int32_t bt[4] = {0, 1, -1, 9};
	uint8_t bp[4] = {0, 1, 2, 200};
	double ft[4] = {0, 1, -1, 9}, fp[4] = {0, 1, 2, 200};
	evald_labels lt = {bt, EVALD_I32, 4}, lp = {bp, EVALD_U8, 4};
	evald_tensor t, p;
	evald_err ei, ef;
	int64_t n = 4;

	evald_tensor_init(&t, ft, EVALD_F64, 1, &n);
	evald_tensor_init(&p, fp, EVALD_F64, 1, &n);
	add(counts, 0, 10, 0);
	memcpy(keep, counts, sizeof keep);
	int ri = evald_cm_add_labels(counts, K, &lt, &lp, NULL, &ei);
	int rf = evald_cm_add(counts, K, &t, &p, NULL, &ef);
	tap_ok(ri == EVALD_ERANGE && rf == ri && ei.input == ef.input &&
		       !strcmp(ei.msg, ef.msg),
	       "a negative label: the float64 form's error: %s", ei.msg);
	tap_ok(!memcmp(keep, counts, sizeof keep),
	       "a refused integer batch leaves the counts as they were");
	bt[2] = 2;
	ft[2] = 2;
	ri = evald_cm_add_labels(counts, K, &lt, &lp, NULL, &ei);
	rf = evald_cm_add(counts, K, &t, &p, NULL, &ef);
	tap_ok(ri == EVALD_ERANGE && rf == ri && ei.input == ef.input &&
		       !strcmp(ei.msg, ef.msg),
	       "y_true and y_pred out of range at one element: the float64 "
	       "form's error: %s",
	       ei.msg);
	lt.dtype = EVALD_F32;
	tap_ok(evald_cm_add_labels(counts, K, &lt, &lp, NULL, &ei) ==
		       EVALD_EINVAL,
	       "a float dtype is EVALD_EINVAL: %s", ei.msg);
}

/* ------------------------------------------- range and joint counts */

#define BIG (3 * 4096 + 17) /* whole blocks and a tail */

static void put(void *buf, evald_dtype dt, int64_t i, int64_t v)
{
	if (dt == EVALD_I64) {
		memcpy((char *)buf + i * 8, &v, 8);
	} else if (dt == EVALD_I32) {
		int32_t x = (int32_t)v;
		memcpy((char *)buf + i * 4, &x, 4);
	} else {
		((uint8_t *)buf)[i] = (uint8_t)v;
	}
}

static void test_range(void)
{
	static char buf[BIG * 8 + 1];
	const evald_dtype dts[] = {EVALD_I64, EVALD_I32, EVALD_U8, EVALD_BOOL};
	const int64_t sizes[] = {1, 63, 64, 65, BIG};
	evald_rng g;
	evald_rng_seed(&g, 7);
	for (int d = 0; d < 4; d++)
		for (int s = 0; s < 5; s++) {
			int64_t n = sizes[s], top = dts[d] == EVALD_BOOL ? 1
						    : dts[d] == EVALD_U8 ? 255
									 : 1000;
			int64_t bot = dts[d] == EVALD_U8 || dts[d] == EVALD_BOOL
					      ? 0
					      : -1000;
			int64_t want_lo = INT64_MAX, want_hi = INT64_MIN;
			/* Unaligned on purpose: labels sit anywhere in a body.
			 */
			char *at = buf + 1;
			for (int64_t i = 0; i < n; i++) {
				int64_t v =
					bot +
					(int64_t)evald_rng_below(
						&g, (uint64_t)(top - bot + 1));
				/* The extremes in the tail too. */
				if (i == n - 1 && s == 4)
					v = dts[d] == EVALD_I64	  ? INT64_MIN
					    : dts[d] == EVALD_I32 ? INT32_MAX
								  : v;
				put(at, dts[d], i, v);
				want_lo = v < want_lo ? v : want_lo;
				want_hi = v > want_hi ? v : want_hi;
			}
			evald_labels l = {at, dts[d], n};
			int64_t lo = INT64_MAX, hi = INT64_MIN;
			evald_labels_range(&l, &lo, &hi);
			tap_ok(lo == want_lo && hi == want_hi,
			       "range of %lld %s labels: [%lld, %lld]",
			       (long long)n, evald_dtype_name(dts[d]),
			       (long long)lo, (long long)hi);
		}
	evald_labels none = {buf, EVALD_I32, 0};
	int64_t lo = 5, hi = 6;
	evald_labels_range(&none, &lo, &hi);
	tap_ok(lo == 5 && hi == 6, "no labels leave the range as it was");
}

/* evald_labels_joint against a count one pair at a time, for labels of
 * dtype dt drawn from [lo, lo + w) (bytes: [0, w)). */
static void joint_case(evald_dtype dt, evald_dtype dp, int64_t lo, int64_t span,
		       const char *what)
{
	static char bt[BIG * 8 + 1], bp[BIG * 8 + 1];
	static uint64_t want[EVALD_JOINT_CELLS], got[EVALD_JOINT_CELLS];
	evald_rng g;
	evald_rng_seed(&g, (uint64_t)span * 31 + (uint64_t)dt);
	memset(want, 0, sizeof want);
	memset(got, 0, sizeof got);
	for (int64_t i = 0; i < BIG; i++) {
		int64_t a = (int64_t)evald_rng_below(&g, (uint64_t)span);
		int64_t b =
			evald_rng_below(&g, 4)
				? a
				: (int64_t)evald_rng_below(&g, (uint64_t)span);
		/* Runs of one cell, the case two tallies are for. */
		if (i > 0 && i % 97 < 20)
			a = b = 0;
		put(bt + 1, dt, i, lo + a);
		put(bp + 1, dp, i, lo + b);
		want[a * span + b]++;
	}
	evald_labels t = {bt + 1, dt, BIG}, p = {bp + 1, dp, BIG};
	int rc = evald_labels_joint(&t, &p, lo, span, got, NULL);
	tap_ok(rc == 0 && !memcmp(want, got, sizeof want),
	       "joint counts, %s: one pair at a time's", what);
}

static void test_joint(void)
{
	const evald_dtype dts[] = {EVALD_I64, EVALD_I32, EVALD_U8};
	for (int a = 0; a < 3; a++)
		for (int b = 0; b < 3; b++) {
			char what[64];
			snprintf(what, sizeof what, "%s and %s, [0, 10)",
				 evald_dtype_name(dts[a]),
				 evald_dtype_name(dts[b]));
			joint_case(dts[a], dts[b], 0, 10, what);
		}
	joint_case(EVALD_I32, EVALD_I64, -7, 64, "int32/int64, [-7, 57)");
	joint_case(EVALD_U8, EVALD_U8, 0, 64, "uint8, w = 64");
	joint_case(EVALD_I32, EVALD_I32, (int64_t)INT32_MAX - 63, 64,
		   "int32 up to INT32_MAX (32-bit checks)");
	joint_case(EVALD_I32, EVALD_I32, INT32_MIN, 64,
		   "int32 from INT32_MIN (32-bit checks)");
	joint_case(EVALD_I64, EVALD_I64, (int64_t)INT32_MAX - 3, 8,
		   "int64 across INT32_MAX (64-bit checks)");
	joint_case(EVALD_I64, EVALD_I64, INT64_MIN, 5, "int64 from INT64_MIN");

	/* Refusals: the first value outside the span, y_true first at one
	 * element, and the tally left as it was. */
	static int32_t t[BIG];
	static int64_t p[BIG];
	uint64_t tally[16], keep[16];
	evald_err e;
	for (int i = 0; i < BIG; i++) {
		t[i] = i % 4;
		p[i] = (i + 1) % 4;
	}
	memset(tally, 0, sizeof tally);
	evald_labels lt = {t, EVALD_I32, BIG}, lp = {p, EVALD_I64, BIG};
	tap_ok(evald_labels_joint(&lt, &lp, 0, 4, tally, &e) == 0 &&
		       tally[0 * 4 + 1] == BIG / 4 + (BIG % 4 > 0),
	       "joint counts add to the tally");
	memcpy(keep, tally, sizeof keep);
	p[9000] = 4;
	t[9001] = -1;
	int rc = evald_labels_joint(&lt, &lp, 0, 4, tally, &e);
	tap_ok(rc == EVALD_ERANGE && e.input == 1 &&
		       strstr(e.msg, "y_pred[9000] is 4") &&
		       !memcmp(keep, tally, sizeof keep),
	       "a value past the span in a later block: %s", e.msg);
	t[9000] = 7;
	rc = evald_labels_joint(&lt, &lp, 0, 4, tally, &e);
	tap_ok(rc == EVALD_ERANGE && e.input == 0 &&
		       strstr(e.msg, "y_true[9000] is 7"),
	       "both out at one element: y_true first: %s", e.msg);
	t[9000] = 0;
	p[9000] = 0;
	t[BIG - 1] = INT32_MIN; /* below lo: wraps to a large offset */
	rc = evald_labels_joint(&lt, &lp, 0, 4, tally, &e);
	tap_ok(rc == EVALD_ERANGE && e.input == 0 &&
		       strstr(e.msg, "y_true[9001] is -1"),
	       "a value below the span is refused: %s", e.msg);
	t[9001] = 0;
	rc = evald_labels_joint(&lt, &lp, 0, 4, tally, &e);
	tap_ok(rc == EVALD_ERANGE && strstr(e.msg, "is -2147483648"),
	       "INT32_MIN in the tail is refused: %s", e.msg);
	/* A span passing INT32_MAX: int32 labels are checked in 64 bits,
	 * where INT32_MIN does not wrap into it as it would in 32. */
	int32_t edge[3] = {INT32_MAX, INT32_MAX - 3, INT32_MIN};
	int64_t edge64[3] = {INT32_MAX, (int64_t)INT32_MAX + 4, INT32_MAX};
	evald_labels le = {edge, EVALD_I32, 3}, le64 = {edge64, EVALD_I64, 3};
	rc = evald_labels_joint(&le, &le64, (int64_t)INT32_MAX - 3, 8, tally,
				&e);
	tap_ok(rc == EVALD_ERANGE && strstr(e.msg, "y_true[2] is -2147483648"),
	       "int32 labels against a span past INT32_MAX: %s", e.msg);
	tap_ok(evald_labels_joint(&lt, &lp, 0, 65, tally, &e) == EVALD_EINVAL,
	       "w past 64 is EVALD_EINVAL: %s", e.msg);
	lp.size = 5;
	tap_ok(evald_labels_joint(&lt, &lp, 0, 4, tally, &e) == EVALD_ESHAPE,
	       "sizes that differ are EVALD_ESHAPE: %s", e.msg);

	/* evald_cm_add_labels over whole blocks: the float64 form's counts
	 * and its error for a label out of range in the last block. */
	static double ft[BIG], fp[BIG];
	double ref[K * K] = {0}, got[K * K] = {0};
	static uint8_t p8[BIG];
	evald_rng g;
	evald_rng_seed(&g, 99);
	for (int i = 0; i < BIG; i++) {
		t[i] = (int32_t)evald_rng_below(&g, K);
		p8[i] = (uint8_t)evald_rng_below(&g, K);
		ft[i] = t[i];
		fp[i] = p8[i];
	}
	int64_t n = BIG;
	evald_tensor tt, tp;
	evald_tensor_init(&tt, ft, EVALD_F64, 1, &n);
	evald_tensor_init(&tp, fp, EVALD_F64, 1, &n);
	evald_labels l32 = {t, EVALD_I32, BIG}, l8 = {p8, EVALD_U8, BIG};
	evald_cm_add(ref, K, &tt, &tp, NULL, NULL);
	tap_ok(evald_cm_add_labels(got, K, &l32, &l8, NULL, NULL) == 0 &&
		       !memcmp(ref, got, sizeof ref),
	       "%d labels (whole blocks and a tail): the float64 form's "
	       "counts bit for bit",
	       BIG);
	p8[BIG - 2] = K;
	fp[BIG - 2] = K;
	evald_err ei, ef;
	int ri = evald_cm_add_labels(got, K, &l32, &l8, NULL, &ei);
	int rf = evald_cm_add(got, K, &tt, &tp, NULL, &ef);
	tap_ok(ri == EVALD_ERANGE && rf == ri && !strcmp(ei.msg, ef.msg),
	       "a label out of range in the tail: the float64 form's error: "
	       "%s",
	       ei.msg);

	/* Weighted, the same labels and the same refusal, both inputs out
	 * at one element of a later block: y_true is named, and nothing is
	 * counted. */
	static double wt[BIG];
	double kept[K * K];
	evald_tensor tw;
	for (int i = 0; i < BIG; i++)
		wt[i] = (double)(i % 3);
	evald_tensor_init(&tw, wt, EVALD_F64, 1, &n);
	t[9000] = -1;
	ft[9000] = -1;
	p8[9000] = K;
	fp[9000] = K;
	memcpy(kept, got, sizeof kept);
	ri = evald_cm_add_labels(got, K, &l32, &l8, &tw, &ei);
	rf = evald_cm_add(ref, K, &tt, &tp, &tw, &ef);
	tap_ok(ri == EVALD_ERANGE && rf == ri && ei.input == 0 &&
		       !strcmp(ei.msg, ef.msg) &&
		       !memcmp(kept, got, sizeof kept),
	       "weighted, out of range in a later block: the float64 form's "
	       "error, nothing counted: %s",
	       ei.msg);
	t[9000] = 0;
	ft[9000] = 0;
	p8[9000] = 0;
	fp[9000] = 0;
	p8[BIG - 2] = 0;
	fp[BIG - 2] = 0;
	memset(ref, 0, sizeof ref);
	memset(got, 0, sizeof got);
	evald_cm_add(ref, K, &tt, &tp, &tw, NULL);
	tap_ok(evald_cm_add_labels(got, K, &l32, &l8, &tw, NULL) == 0 &&
		       !memcmp(ref, got, sizeof ref),
	       "weighted over whole blocks: the float64 form's counts bit "
	       "for bit");
}

/* evald_labels_same against a compare one pair at a time: every pair of
 * dtypes, unaligned, over whole blocks and a tail, with values where a
 * narrower read or a double would be wrong. */
static void test_same(void)
{
	const evald_dtype dts[] = {EVALD_I64, EVALD_I32, EVALD_U8, EVALD_BOOL};
	static char ba[BIG * 8 + 1], bb[BIG * 8 + 1];
	/* Values each dtype holds; the pairs below mix them. */
	const int64_t v64[] = {INT64_MIN,
			       -(INT64_C(1) << 53) - 1,
			       -(INT64_C(1) << 53),
			       -1,
			       0,
			       1,
			       255,
			       256,
			       (INT64_C(1) << 53),
			       (INT64_C(1) << 53) + 1,
			       INT64_MAX - 1,
			       INT64_MAX};
	const int64_t v32[] = {INT32_MIN, -1, 0, 1, 255, 256, INT32_MAX};
	const int64_t v8[] = {0, 1, 7, 255};
	const int64_t vb[] = {0, 1};
	for (int a = 0; a < 4; a++)
		for (int b = 0; b < 4; b++) {
			const int64_t *va[] = {v64, v32, v8, vb};
			const int na[] = {12, 7, 4, 2};
			evald_rng g;
			evald_rng_seed(&g, (uint64_t)(a * 4 + b + 1));
			int64_t want = 0, got = -1;
			for (int64_t i = 0; i < BIG; i++) {
				int64_t x = va[a][evald_rng_below(
					&g, (uint64_t)na[a])];
				int64_t y = va[b][evald_rng_below(
					&g, (uint64_t)na[b])];
				/* Half the pairs agree where both can hold x.
				 */
				if (evald_rng_below(&g, 2)) {
					for (int j = 0; j < na[b]; j++)
						if (va[b][j] == x)
							y = x;
				}
				put(ba + 1, dts[a], i, x);
				put(bb + 1, dts[b], i, y);
				want += x == y;
			}
			evald_labels la = {ba + 1, dts[a], BIG},
				     lb = {bb + 1, dts[b], BIG};
			int rc = evald_labels_same(&la, &lb, &got, NULL);
			tap_ok(rc == 0 && got == want,
			       "same pairs, %s and %s: %lld of %d (want %lld)",
			       evald_dtype_name(dts[a]),
			       evald_dtype_name(dts[b]), (long long)got, BIG,
			       (long long)want);
		}

	/* Neighbours past 2^53 are different labels; uint8 255 is not
	 * int32 -1. */
	int64_t x[3] = {(INT64_C(1) << 53) + 1, INT64_MAX, 255};
	int64_t y[3] = {(INT64_C(1) << 53), INT64_MAX - 1, 255};
	int32_t m1[3] = {-1, -1, 255};
	uint8_t ff[3] = {255, 255, 255};
	evald_labels lx = {x, EVALD_I64, 3}, ly = {y, EVALD_I64, 3};
	evald_labels lm = {m1, EVALD_I32, 3}, lf = {ff, EVALD_U8, 3};
	int64_t same = -1;
	tap_ok(evald_labels_same(&lx, &ly, &same, NULL) == 0 && same == 1,
	       "int64 neighbours past 2^53 differ: %lld same", (long long)same);
	tap_ok(evald_labels_same(&lf, &lm, &same, NULL) == 0 && same == 1,
	       "uint8 255 equals int32 255 only: %lld same", (long long)same);
	evald_labels none = {x, EVALD_I64, 0};
	tap_ok(evald_labels_same(&none, &none, &same, NULL) == 0 && same == 0,
	       "no pairs: none the same");

	evald_err e;
	ly.size = 2;
	tap_ok(evald_labels_same(&lx, &ly, &same, &e) == EVALD_ESHAPE &&
		       e.input == 1,
	       "sizes that differ are EVALD_ESHAPE: %s", e.msg);
	double d[3] = {0};
	evald_labels lfl = {d, EVALD_F64, 3};
	tap_ok(evald_labels_same(&lx, &lfl, &same, &e) == EVALD_EINVAL &&
		       e.input == 1,
	       "float labels are EVALD_EINVAL, naming y_pred: %s", e.msg);
}

int main(void)
{
	fill();
	test_batches(0);
	test_batches(1);
	test_refusals();
	test_labels();
	test_label_refusals();
	test_range();
	test_joint();
	test_same();
	return tap_done();
}
