/* topk.c - scikit-learn's top_k_accuracy_score (classify.h): the one
 * classification score that reads scores, not a confusion matrix. */
#include <math.h>
#include <string.h>

#include <evald/classify.h>

/* Whether class y of the row s[0..C) ranks among the first k: fewer than
 * k classes score higher, counting equal scores of higher indices as
 * higher (sklearn's reversed stable argsort). */
static int in_top_k(const double *s, int64_t C, int64_t y, int64_t k)
{
	int64_t above = 0;
	for (int64_t c = 0; c < C && above < k; c++)
		above += s[c] > s[y] || (s[c] == s[y] && c > y);
	return above < k;
}

static int check(const evald_tensor *t, const evald_tensor *s,
		 const evald_tensor *w, int64_t k, int64_t *C, evald_err *err)
{
	int64_t N = t->size;
	if (s->ndim < 1 || s->ndim > 2 || s->shape[0] != N || t->ndim != 1)
		return evald_fail(err, EVALD_ESHAPE, 1,
				  "y_score must be [N, C] (or [N] for two "
				  "classes) with N = %lld, the length of "
				  "y_true",
				  (long long)N);
	*C = s->ndim == 2 ? s->shape[1] : 2;
	if (w && w->size != N)
		return evald_fail(err, EVALD_ESHAPE, 2,
				  "sample_weight has %lld elements; it must "
				  "hold one weight per sample (%lld)",
				  (long long)w->size, (long long)N);
	if (k < 1)
		return evald_fail(err, EVALD_EINVAL, 3,
				  "k must be >= 1; got %lld", (long long)k);
	for (int64_t i = 0; i < N; i++)
		if (!(t->data[i] >= 0.0 && t->data[i] < (double)*C) ||
		    t->data[i] != floor(t->data[i]))
			return evald_fail(err, EVALD_ERANGE, 0,
					  "y_true[%lld] is %.17g, not a class "
					  "index in [0, %lld)",
					  (long long)i, t->data[i],
					  (long long)*C);
	return 0;
}

/* The binary form, [N] scores: sklearn thresholds them with k = 1. */
static int hit_binary(const evald_tensor *s, int64_t i, double y, double thr,
		      int64_t k)
{
	return k >= 2 || (double)(s->data[i] > thr) == y;
}

int evald_top_k_accuracy(const evald_tensor *y_true,
			 const evald_tensor *y_score,
			 const evald_tensor *weight, int64_t k, int normalize,
			 double *value, evald_err *err)
{
	double hits = 0.0, sw = 0.0, thr = 0.5;
	int64_t C = 0, N = y_true->size;
	int rc;

	if ((rc = check(y_true, y_score, weight, k, &C, err)))
		return rc;
	if (N == 0)
		return evald_fail(err, EVALD_EEMPTY, 0, "y_true is empty");
	for (int64_t i = 0; y_score->ndim == 1 && i < N; i++)
		if (!(y_score->data[i] >= 0.0 && y_score->data[i] <= 1.0))
			thr = 0.0;
	for (int64_t i = 0; i < N; i++) {
		double wi = weight ? weight->data[i] : 1.0, y = y_true->data[i];
		int h = y_score->ndim == 1 ? hit_binary(y_score, i, y, thr, k)
					   : in_top_k(y_score->data + i * C, C,
						      (int64_t)y, k);
		hits += wi * h;
		sw += wi;
	}
	if (!normalize) {
		*value = hits;
		return 0;
	}
	if (sw == 0.0)
		return evald_fail(err, EVALD_EINVAL, 2,
				  "the sample weights sum to 0, so the "
				  "weighted fraction of hits is undefined "
				  "(sklearn raises)");
	*value = hits / sw;
	return 0;
}
