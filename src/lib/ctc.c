/* ctc.c - the CTC loss (declared in ctc.h): argument checks with torch's
 * refusals, the forward (alpha) recursion in the log domain over two rows
 * of 2S+1 states, and torch's reductions. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <evald/ctc.h>

#include "internal.h"
#include "loss_util.h"

/* The layout of one call: log_probs element (t, n, c) is at
 * (t·N + n)·C + c; sample n's labels start at tg[n] in targets. */
typedef struct ctc_call {
	int64_t T, N, C, blank;
	int batched, concat;
	int64_t *il, *tl, *tg; /* per sample: lengths and target offset */
	int64_t smax;	       /* the longest target */
} ctc_call;

/* Element i of a lengths tensor: an integer >= 0. */
static int ctc_length(const evald_tensor *t, int64_t i, int input,
		      const char *name, int64_t *len, evald_err *err)
{
	double v = t->data[i];
	char s[96];

	lu_index_str(t->ndim, t->shape, i, s, sizeof s);
	if (v != floor(v) || !(fabs(v) < 9e15))
		return evald_fail(err, EVALD_EINVAL, input,
				  "%s%s is %.17g; lengths must be integers",
				  name, s, v);
	if (v < 0.0)
		return evald_fail(err, EVALD_ERANGE, input,
				  "%s%s is %.17g; lengths must be >= 0 (as in "
				  "torch)",
				  name, s, v);
	*len = (int64_t)v;
	return 0;
}

static int ctc_shapes(const evald_tensor *lp, const evald_tensor *tg,
		      const evald_tensor *il, const evald_tensor *tl,
		      ctc_call *k, evald_err *err)
{
	char a[96], b[96];

	if (lp->ndim != 3 && lp->ndim != 2)
		return evald_fail(err, EVALD_ESHAPE, 0,
				  "log_probs has shape %s; it must be [T, N, "
				  "C] (or [T, C] for one sample)",
				  evald_shape_str(lp, a, sizeof a));
	k->batched = lp->ndim == 3;
	k->T = lp->shape[0];
	k->N = k->batched ? lp->shape[1] : 1;
	k->C = lp->shape[lp->ndim - 1];
	if (k->N == 0 || k->C == 0)
		return lu_nonempty(lp, 0, "log_probs", err);
	if (k->batched ? tg->ndim != 1 && tg->ndim != 2 : tg->ndim != 1)
		return evald_fail(err, EVALD_ESHAPE, 1,
				  "targets has shape %s; for log_probs %s it "
				  "must be %s",
				  evald_shape_str(tg, b, sizeof b),
				  evald_shape_str(lp, a, sizeof a),
				  k->batched ? "padded [N, S] or concatenated "
					       "1-D (sum of target_lengths)"
					     : "1-D [S] (S = target_lengths)");
	k->concat = tg->ndim == 1; /* as torch reads one sample's [S] */
	if (k->batched && !k->concat && tg->shape[0] != k->N)
		return evald_fail(err, EVALD_ESHAPE, 1,
				  "targets has shape %s but log_probs has "
				  "%lld samples (dim 1); padded targets must "
				  "be [N, S]",
				  evald_shape_str(tg, b, sizeof b),
				  (long long)k->N);
	for (int i = 0; i < 2; i++) {
		const evald_tensor *t = i ? tl : il;
		if (t->ndim <= 1 && t->size == k->N)
			continue;
		return evald_fail(err, EVALD_ESHAPE, 2 + i,
				  "%s has shape %s; it must hold one length "
				  "per sample (%lld)",
				  i ? "target_lengths" : "input_lengths",
				  evald_shape_str(t, a, sizeof a),
				  (long long)k->N);
	}
	return 0;
}

/* The labels sample n uses: integers in [0,C), never the blank. */
static int ctc_labels(const evald_tensor *tg, const ctc_call *k, int64_t n,
		      evald_err *err)
{
	char s[96];

	for (int64_t j = 0; j < k->tl[n]; j++) {
		int64_t i = k->tg[n] + j;
		double v = tg->data[i];
		lu_index_str(tg->ndim, tg->shape, i, s, sizeof s);
		if (v != floor(v))
			return evald_fail(err, EVALD_EINVAL, 1,
					  "targets%s is %.17g; class indices "
					  "must be integers",
					  s, v);
		if (v < 0.0 || v >= (double)k->C)
			return evald_fail(err, EVALD_ERANGE, 1,
					  "targets%s is %.17g, not a class "
					  "index in [0, %lld)",
					  s, v, (long long)k->C);
		if (v == (double)k->blank)
			return evald_fail(err, EVALD_EINVAL, 1,
					  "targets%s is the blank (%lld); a "
					  "target must not contain the blank "
					  "(torch forbids it)",
					  s, (long long)k->blank);
	}
	return 0;
}

/* Lengths within the tensors, as torch checks them, and each sample's
 * target offset. */
static int ctc_lengths(const evald_tensor *tg, const evald_tensor *il,
		       const evald_tensor *tl, ctc_call *k, evald_err *err)
{
	int64_t pos = 0, width = k->concat ? 0 : tg->shape[tg->ndim - 1];
	int rc;

	for (int64_t n = 0; n < k->N; n++) {
		if ((rc = ctc_length(il, n, 2, "input_lengths", &k->il[n],
				     err)) ||
		    (rc = ctc_length(tl, n, 3, "target_lengths", &k->tl[n],
				     err)))
			return rc;
		if (k->il[n] > k->T)
			return evald_fail(err, EVALD_ERANGE, 2,
					  "input_lengths[%lld] is %lld but "
					  "log_probs has %lld frames (dim 0)",
					  (long long)n, (long long)k->il[n],
					  (long long)k->T);
		if (!k->concat && k->tl[n] > width)
			return evald_fail(err, EVALD_ERANGE, 3,
					  "target_lengths[%lld] is %lld but "
					  "targets holds %lld labels per "
					  "sample",
					  (long long)n, (long long)k->tl[n],
					  (long long)width);
		k->tg[n] = k->concat ? pos : n * width;
		pos += k->tl[n];
		if (k->concat && pos > tg->size)
			break; /* reported below, before any overflow */
		k->smax = k->tl[n] > k->smax ? k->tl[n] : k->smax;
	}
	if (k->concat && pos != tg->size)
		return evald_fail(err, EVALD_ESHAPE, 1,
				  "targets holds %lld labels but "
				  "target_lengths adds up to %s%lld; "
				  "concatenated targets must hold exactly "
				  "their sum",
				  (long long)tg->size,
				  pos > tg->size ? "at least " : "",
				  (long long)pos);
	for (int64_t n = 0; n < k->N; n++)
		if ((rc = ctc_labels(tg, k, n, err)))
			return rc;
	return 0;
}

/* log(e^a + e^b), either may be -inf. */
static inline double lse2(double a, double b)
{
	double m = a > b ? a : b, d = a > b ? b - a : a - b;

	if (m == -INFINITY)
		return -INFINITY;
	return m + log1p(exp(d));
}

/* log(e^a + e^b + e^c): one exp fewer than the textbook form, since the
 * largest term is e^0. */
static inline double lse3(double a, double b, double c)
{
	double m = a, x = b, y = c;

	if (b > m) {
		x = m;
		m = b;
	}
	if (c > m) {
		y = m;
		m = c;
	}
	if (m == -INFINITY)
		return -INFINITY;
	return m + log(1.0 + exp(x - m) + exp(y - m));
}

/* The negative log-likelihood of one sample.  ext holds the extended
 * label sequence (blank, l1, blank, ..., blank), skip[s] whether state s
 * may be entered from s-2; a and b are rows of 2S+1 states.  States that
 * can no longer reach the end in the frames left are not computed: they
 * never feed the answer. */
static double ctc_sample(const double *lp, int64_t rowstep, int64_t T,
			 int64_t S, const int64_t *ext, const char *skip,
			 double *a, double *b)
{
	int64_t L = 2 * S + 1;

	if (T == 0)
		return S == 0 ? 0.0 : INFINITY;
	for (int64_t s = 0; s < L; s++)
		a[s] = b[s] = -INFINITY;
	a[0] = lp[ext[0]];
	if (S > 0)
		a[1] = lp[ext[1]];
	for (int64_t t = 1; t < T; t++) {
		const double *x = lp + t * rowstep;
		int64_t lo = L - 2 * (T - t), hi = 2 * t + 1;
		double *tmp;
		lo = lo < 0 ? 0 : lo;
		hi = hi > L - 1 ? L - 1 : hi;
		for (int64_t s = lo; s <= hi; s++) {
			double p = s ? a[s - 1] : -INFINITY;
			double v = skip[s] ? lse3(a[s], p, a[s - 2])
					   : lse2(a[s], p);
			b[s] = v + x[ext[s]];
		}
		tmp = a;
		a = b;
		b = tmp;
	}
	return S == 0 ? -a[0] : -lse2(a[L - 1], a[L - 2]);
}

/* Too few frames for the labels plus one blank between each repeat. */
static int ctc_feasible(const double *tg, int64_t S, int64_t T)
{
	int64_t need = S;

	for (int64_t j = 1; j < S; j++)
		need += tg[j] == tg[j - 1];
	return T >= need;
}

static int ctc_losses(const evald_tensor *lp, const evald_tensor *tg,
		      const ctc_call *k, int zero_inf, double *loss,
		      int64_t *n_inf, evald_err *err)
{
	int64_t L = 2 * k->smax + 1;
	int64_t *ext = evi_xalloc(L, sizeof *ext);
	double *rows = evi_xalloc(2 * L, sizeof *rows);
	char *skip = evi_xalloc(L, 1);
	int rc = 0;

	if (!ext || !rows || !skip) {
		rc = evald_fail(err, EVALD_ENOMEM, -1, "out of memory");
		goto out;
	}
	for (int64_t n = 0; n < k->N; n++) {
		const double *y = tg->data + k->tg[n];
		int64_t S = k->tl[n];
		for (int64_t s = 0; s < 2 * S + 1; s++) {
			ext[s] = s & 1 ? (int64_t)y[s / 2] : k->blank;
			skip[s] = (s & 1) && s > 1 && y[s / 2] != y[s / 2 - 1];
		}
		loss[n] = ctc_feasible(y, S, k->il[n])
				  ? ctc_sample(lp->data + n * k->C, k->N * k->C,
					       k->il[n], S, ext, skip, rows,
					       rows + L)
				  : INFINITY;
		if (loss[n] == INFINITY) {
			++*n_inf;
			if (zero_inf)
				loss[n] = 0.0;
		}
	}
out:
	free(ext);
	free(rows);
	free(skip);
	return rc;
}

int evald_ctc(const evald_tensor *log_probs, const evald_tensor *targets,
	      const evald_tensor *input_lengths,
	      const evald_tensor *target_lengths, int64_t blank,
	      int zero_infinity, evald_reduction red, evald_result *out,
	      int64_t *n_inf, evald_err *err)
{
	ctc_call k = {0};
	int64_t ninf = 0, *lens = NULL;
	double *loss = NULL;
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = ctc_shapes(log_probs, targets, input_lengths, target_lengths,
			     &k, err)))
		goto fail;
	if (blank < 0 || blank >= k.C) {
		rc = evald_fail(err, EVALD_ERANGE, 4,
				"blank is %lld; it must be a class index in "
				"[0, %lld)",
				(long long)blank, (long long)k.C);
		goto fail;
	}
	k.blank = blank;
	lens = evi_xalloc(3 * k.N, sizeof *lens);
	loss = evi_xalloc(k.N, sizeof *loss);
	if (!lens || !loss) {
		rc = evald_fail(err, EVALD_ENOMEM, -1, "out of memory");
		goto fail;
	}
	k.il = lens;
	k.tl = lens + k.N;
	k.tg = lens + 2 * k.N;
	if ((rc = ctc_lengths(targets, input_lengths, target_lengths, &k,
			      err)) ||
	    (rc = ctc_losses(log_probs, targets, &k, zero_infinity, loss, &ninf,
			     err)))
		goto fail;
	/* torch's mean: per-sample losses over their target lengths. */
	if (red == EVALD_REDUCE_MEAN)
		for (int64_t n = 0; n < k.N; n++)
			loss[n] /= (double)(k.tl[n] > 1 ? k.tl[n] : 1);
	if (n_inf)
		*n_inf = ninf;
	free(lens);
	return evald_result_reduce(out, loss, k.N, red, k.batched ? 1 : 0,
				   &k.N);
fail:
	free(lens);
	free(loss);
	return rc;
}
