/* ctc.h - the connectionist temporal classification loss (Graves et al.,
 * ICML 2006) with the semantics of torch.nn.functional.ctc_loss.
 *
 * Shared contract as in loss.h: tensors are read-only views, *out is
 * filled on success (values malloc'd for EVALD_REDUCE_NONE), a negative
 * EVALD_E* code on failure with err->input the 0-based position of the
 * argument the message is about (log_probs = 0, targets = 1,
 * input_lengths = 2, target_lengths = 3, blank = 4). */
#ifndef EVALD_CTC_H
#define EVALD_CTC_H

#include <stdint.h>

#include "error.h"
#include "reduce.h"
#include "tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

/* -log p(target | log_probs) summed over every alignment, per sample.
 *  - log_probs [T,N,C] (batched) or [T,C] (one sample), log-probabilities
 *    over C classes per frame (not renormalised, as in torch).
 *  - targets, class indices in [0,C) other than `blank`: padded [N,S]
 *    (sample n uses its first target_lengths[n] entries, the rest is
 *    never read) or concatenated 1-D of exactly sum(target_lengths)
 *    entries; one sample's targets are [S] with S = its target length
 *    (torch reads them as concatenated).
 *  - input_lengths and target_lengths: N integers >= 0 (one, 0-d or [1],
 *    for a single sample), input_lengths at most T.
 * A sample with no frames (input length 0) costs 0 when its target is
 * empty, else +inf (newer torch's rule; 1.13 reads out of bounds there).
 * A sample with no alignment (too few frames for its labels and the
 * blanks between repeats) costs +inf, or 0 with zero_infinity; *n_inf
 * (optional) receives how many samples had none.  Reduction mean is
 * torch's: each loss divided by its target length (at least 1), then the
 * mean over the batch.  Values (none) are [N], or 0-d for one sample.
 * Runs in the log domain in O(S) memory per sample and
 * O(T·(2S+1)) time. */
int evald_ctc(const evald_tensor *log_probs, const evald_tensor *targets,
	      const evald_tensor *input_lengths,
	      const evald_tensor *target_lengths, int64_t blank,
	      int zero_infinity, evald_reduction red, evald_result *out,
	      int64_t *n_inf, evald_err *err);

#ifdef __cplusplus
}
#endif
#endif
