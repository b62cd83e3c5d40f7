/* test_confusion.c - the confusion matrix's promise (confusion.h): counts
 * added in batches, or summed from matrices built apart, equal one pass
 * bit for bit, and so does every score made from them. */
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

int main(void)
{
	fill();
	test_batches(0);
	test_batches(1);
	test_refusals();
	return tap_done();
}
