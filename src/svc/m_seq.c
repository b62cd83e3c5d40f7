/* m_seq.c - metric functions of the sequence losses: ctc (adapter over
 * ctc.h) and its cost. */
#include <evald/ctc.h>

#include "metric_fns.h"

/* The forward recursion visits every (frame, state) pair of every sample:
 * Σ input_length·(2·target_length + 1), each length capped by what its
 * tensor holds (the library refuses larger ones), a few exp/log each. */
int c_ctc(mcall *c, mcost *k, verr *err)
{
	input_val *lp = IN(c, I_CTC, log_probs), *tg = IN(c, I_CTC, targets);
	const evald_tensor *il = &IN(c, I_CTC, input_lengths)->t;
	const evald_tensor *tl = &IN(c, I_CTC, target_lengths)->t;
	double T = lp->t.ndim ? (double)lp->t.shape[0] : 0.0;
	double S = (double)tg->t.size, work = 0.0;

	(void)err;
	if (tg->t.ndim == 2)
		S = (double)tg->t.shape[1];
	for (int64_t n = 0; n < il->size && n < tl->size; n++) {
		double a = il->data[n], b = tl->data[n];
		a = a > T ? T : a > 0.0 ? a : 0.0;
		b = b > S ? S : b > 0.0 ? b : 0.0;
		work += a * (2.0 * b + 1.0);
	}
	k->work = 8.0 * work; /* ~8 multiply-adds' worth per state */
	k->path = lp->path;
	k->hint = "send fewer or shorter sequences";
	return 0;
}

int m_ctc(mcall *c, json_t *res, verr *err)
{
	input_val *lp = IN(c, I_CTC, log_probs), *tg = IN(c, I_CTC, targets);
	input_val *il = IN(c, I_CTC, input_lengths);
	input_val *tl = IN(c, I_CTC, target_lengths);
	pval *blank = P(c, P_CTC, blank), *zi = P(c, P_CTC, zero_infinity);
	const char *const paths[] = {lp->path, tg->path, il->path, tl->path,
				     blank->path};
	evald_result r;
	evald_err le = {0};
	int64_t n_inf = 0;

	if (evald_ctc(&lp->t, &tg->t, &il->t, &tl->t, blank->i, zi->b,
		      mcall_reduction(c), &r, &n_inf, &le) < 0)
		return mcall_lib_error(c, &le, err, paths);
	/* torch's answer for a sample no alignment fits: +inf (null here),
	 * or 0 with zero_infinity. */
	if (n_inf)
		mcall_warn(c,
			   "%lld of %lld samples have no alignment of "
			   "non-zero probability (for example fewer frames "
			   "than labels plus the blanks between repeats): "
			   "their loss is %s",
			   (long long)n_inf,
			   (long long)(lp->t.ndim == 3 ? lp->t.shape[1] : 1),
			   zi->b ? "0 (zero_infinity)"
				 : "infinite, as in torch");
	return mcall_put_loss(c, res, &r);
}
