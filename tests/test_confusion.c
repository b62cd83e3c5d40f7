/* test_confusion.c - the confusion matrix's promise (confusion.h): counts
 * added in batches, or summed from matrices built apart, equal one pass
 * bit for bit, and so does every score made from them; integer labels
 * count what their float64 values count. */
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

int main(void)
{
	fill();
	test_batches(0);
	test_batches(1);
	test_refusals();
	test_labels();
	test_label_refusals();
	return tap_done();
}
