/* loss_prob.h - losses between distributions and of counts: kl_div and
 * poisson_nll, with the semantics of torch.nn.functional 1.13.
 *
 * The contract of loss.h holds (read-only views, *out filled on success
 * and owning nothing on failure, 0 or a negative EVALD_E* code, err->input
 * the argument's position, EVALD_EEMPTY for an empty tensor), except that
 * input and target broadcast with each other (numpy's rules), as torch's
 * element-wise losses do: the values have the broadcast shape. */
#ifndef EVALD_LOSS_PROB_H
#define EVALD_LOSS_PROB_H

#include "error.h"
#include "reduce.h"
#include "tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

/* kl_div's reductions: evald_reduction's three, plus batchmean. */
typedef enum {
	EVALD_KL_MEAN = EVALD_REDUCE_MEAN, /* over every element */
	EVALD_KL_SUM = EVALD_REDUCE_SUM,
	EVALD_KL_NONE = EVALD_REDUCE_NONE,
	EVALD_KL_BATCHMEAN /* the sum / input's dim 0 (the sum for a 0-d
			      input) */
} evald_kl_reduction;

/* target·(log target - input) on log-probabilities input, with
 * xlogy(target, target) so a target of 0 costs 0 (a negative target gives
 * NaN, as in torch); with log_target, exp(target)·(target - input).
 * torch kl_div. */
int evald_kl_div(const evald_tensor *input, const evald_tensor *target,
		 int log_target, evald_kl_reduction red, evald_result *out,
		 evald_err *err);

/* exp(input) - target·input (log_input), else input - target·log(input +
 * eps); with `full`, the Stirling term target·log target - target +
 * ½log(2π·target) is added where target > 1.  torch poisson_nll_loss. */
int evald_poisson_nll(const evald_tensor *input, const evald_tensor *target,
		      int log_input, int full, double eps, evald_reduction red,
		      evald_result *out, evald_err *err);

#ifdef __cplusplus
}
#endif
#endif
