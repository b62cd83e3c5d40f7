/* loss.h - the loss family: regression losses (mse, mae, huber, smooth_l1,
 * gaussian_nll, tukey), classification losses (bce, bce_with_logits,
 * cross_entropy, nll, focal, sigmoid_focal) and segmentation / feature
 * losses (dice, perceptual), with the semantics of the torch function (or
 * published code) each one names.
 *
 * Shared contract of every function below:
 *  - Tensors are read-only views; none is kept after the call.  Optional
 *    tensors are NULL when absent.
 *  - A loss computes one value per element (per sample for dice and
 *    perceptual) and reduces them by `red`.  On success *out is filled:
 *    with EVALD_REDUCE_NONE, out->values is malloc'd, shaped by
 *    out->ndim/out->shape, and the caller frees it with evald_result_free();
 *    otherwise out->value holds the mean or sum and out->values is NULL.
 *    On failure *out owns nothing.
 *  - Returns 0 or a negative EVALD_E* code.  err->input is the 0-based
 *    position, in the function's own parameter list, of the argument the
 *    message is about (input = 0, target = 1, ...; scalar parameters count
 *    too), or -1.  perceptual numbers its layer lists differently (below).
 *  - An empty input (a zero dimension) is EVALD_EEMPTY.  Shapes are never
 *    broadcast silently: input and target agree exactly, and only the
 *    weight-like tensors broadcast, where torch documents it.
 *  - A mean over nothing (every target ignored, or weights summing to 0)
 *    is NaN, as in torch; the caller decides how to report it. */
#ifndef EVALD_LOSS_H
#define EVALD_LOSS_H

#include <stdint.h>

#include "error.h"
#include "reduce.h"
#include "tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------ regression */

/* (x - y)^2, halved when `half` is non-zero.  torch mse_loss. */
int evald_mse(const evald_tensor *input, const evald_tensor *target, int half,
	      evald_reduction red, evald_result *out, evald_err *err);

/* |x - y|.  torch l1_loss. */
int evald_mae(const evald_tensor *input, const evald_tensor *target,
	      evald_reduction red, evald_result *out, evald_err *err);

/* ½z² for z = |x - y| < delta, else delta·(z - ½delta); delta > 0.
 * torch huber_loss. */
int evald_huber(const evald_tensor *input, const evald_tensor *target,
		double delta, evald_reduction red, evald_result *out,
		evald_err *err);

/* ½z²/beta for z < beta, else z - ½beta; beta = 0 is the L1 loss.
 * torch smooth_l1_loss. */
int evald_smooth_l1(const evald_tensor *input, const evald_tensor *target,
		    double beta, evald_reduction red, evald_result *out,
		    evald_err *err);

/* ½(log v + (x - y)²/v) (+ ½log 2π when `full`), v = max(var, eps).
 * var has input's shape, or input's shape without its last dim, or that
 * with a last dim of 1 (torch's homoscedastic forms), or is a scalar (0-d,
 * one variance for all, as torch 2 accepts a float).  A negative var is
 * EVALD_EINVAL.  torch gaussian_nll_loss; the result is shaped like input. */
int evald_gaussian_nll(const evald_tensor *input, const evald_tensor *target,
		       const evald_tensor *var, int full, double eps,
		       evald_reduction red, evald_result *out, evald_err *err);

typedef enum {
	EVALD_TUKEY_MAD = 0, /* r / (1.4826 · MAD over dim 0, per output) */
	EVALD_TUKEY_NONE     /* raw residuals */
} evald_tukey_scale;

/* Tukey's biweight of r = x - y (Belagiannis et al., ICCV 2015):
 * c²/6·(1 - (1 - (r/c)²)³) for |r| <= c, else c²/6.  With
 * EVALD_TUKEY_MAD, dim 0 is the batch and each output (each index of the
 * remaining dims) has its residuals divided by 1.4826·MAD of that output's
 * residuals over the batch; input must then have at least one dim.  Where
 * the MAD is 0 the limit is taken: a zero residual costs 0 and any other
 * c²/6.  *zero_mad (optional) receives how many outputs had MAD 0. */
int evald_tukey(const evald_tensor *input, const evald_tensor *target, double c,
		evald_tukey_scale scale, evald_reduction red, evald_result *out,
		int64_t *zero_mad, evald_err *err);

/* -------------------------------------------------------- classification */

/* -w·(y·max(log x, -100) + (1 - y)·max(log(1 - x), -100)).  input and
 * target are probabilities in [0,1] (EVALD_ERANGE otherwise; torch checks
 * only input); weight (optional) broadcasts to input.
 * torch binary_cross_entropy. */
int evald_bce(const evald_tensor *input, const evald_tensor *target,
	      const evald_tensor *weight, evald_reduction red,
	      evald_result *out, evald_err *err);

/* -w·(p·y·log σ(x) + (1 - y)·log(1 - σ(x))) on logits x, in the stable
 * form (1-y)·x + (1 + (p-1)·y)·softplus(-x).  target in [0,1]; weight and
 * pos_weight (optional; a 0-d tensor for one number) broadcast to input.
 * torch binary_cross_entropy_with_logits. */
int evald_bce_with_logits(const evald_tensor *input, const evald_tensor *target,
			  const evald_tensor *weight,
			  const evald_tensor *pos_weight, evald_reduction red,
			  evald_result *out, evald_err *err);

/* Softmax cross-entropy of logits input [N,C] or [N,C,d...] (or [C] with a
 * 0-d target).  target is either class indices shaped like input without
 * dim 1 (integers in [0,C), or == ignore_index, which contributes 0), or
 * probabilities in [0,1] shaped like input (then ignore_index must be < 0,
 * as torch requires).  weight (optional) is [C].  label_smoothing in [0,1]
 * mixes the target with the uniform distribution.  The mean divides by
 * the summed weight of the non-ignored targets for indices, by the element
 * count (N·d...) for probabilities.  Values are shaped like the target
 * indices.  torch cross_entropy. */
int evald_cross_entropy(const evald_tensor *input, const evald_tensor *target,
			const evald_tensor *weight, int64_t ignore_index,
			double label_smoothing, evald_reduction red,
			evald_result *out, evald_err *err);

/* -w_y·input[y] of log-probabilities input [N,C] / [N,C,d...] (or [C]),
 * with class-index targets as in evald_cross_entropy.  torch nll_loss. */
int evald_nll(const evald_tensor *input, const evald_tensor *target,
	      const evald_tensor *weight, int64_t ignore_index,
	      evald_reduction red, evald_result *out, evald_err *err);

/* -α_t·(1 - p_t)^γ·log p_t with p = softmax(input) over dim 1, for logits
 * [N,C] or [N,C,d...] and class indices (no ignore index).  alpha NULL
 * means 1, a 0-d tensor the same α for every class, a [C] tensor α_t =
 * alpha[target].  gamma >= 0. */
int evald_focal(const evald_tensor *input, const evald_tensor *target,
		const evald_tensor *alpha, double gamma, evald_reduction red,
		evald_result *out, evald_err *err);

/* torchvision sigmoid_focal_loss: bce_with_logits(x, y)·(1 - p_t)^γ,
 * times α_t = α·y + (1-α)·(1-y).  target in [0,1].  alpha NULL, or a 0-d
 * tensor holding a negative number, leaves α_t out (torchvision's alpha <
 * 0); a 0-d tensor is one α for every element; a 1-D tensor (an extension
 * of torchvision) holds one α >= 0 per class of the last dim, broadcast as
 * alpha[c] against target[..., c] (length 1 is one α for all). */
int evald_sigmoid_focal(const evald_tensor *input, const evald_tensor *target,
			const evald_tensor *alpha, double gamma,
			evald_reduction red, evald_result *out, evald_err *err);

/* ---------------------------------------------------- segmentation, LPIPS */

typedef enum {
	EVALD_ACT_NONE = 0,
	EVALD_ACT_SIGMOID,
	EVALD_ACT_SOFTMAX /* over dim 1; skipped when C = 1, as MONAI does */
} evald_activation;

typedef struct evald_dice_opts {
	evald_activation activation;
	double smooth_nr, smooth_dr; /* >= 0 */
	int squared_pred;	     /* square input and target in the
					denominator */
	int include_background;	     /* 0: drop class 0 (ignored if C = 1) */
	int batch;   /* sum over the batch too: one value per class */
	int jaccard; /* denominator 2·(Σ y + Σ p - Σ y·p), MONAI's form */
	/* Per-class weights >= 0 multiplying each class's loss before the
	 * reduction (MONAI's `weight`): NULL for none, a 0-d tensor for one
	 * weight, or one per kept class.  Ignored when one class is kept. */
	const evald_tensor *weight;
} evald_dice_opts;

/* MONAI DiceLoss (1.3): per sample n and class c, over the remaining dims,
 * f = 1 - (2·Σ y·p + smooth_nr) / (Σ y + Σ p + smooth_dr), or over the
 * batch dim too with opt->batch.  input [N,C,...]; target the same shape
 * (any real values: soft labels are used as given), or class indices
 * [N,...] or [N,1,...] (one-hot encoded to C classes; with C = 1 used as
 * given).  Values (reduction none) are [N,C'] with C' the classes kept
 * ([C'] with batch), each times its class weight.
 * `dice` (caller-provided, at least C doubles, or NULL) receives, per kept
 * class, the mean over the batch of the unweighted coefficient 1 - f (with
 * batch, the one coefficient); *ndice (optional) the number of classes
 * written.  err->input is 3 for a bad opt->weight. */
int evald_dice(const evald_tensor *input, const evald_tensor *target,
	       const evald_dice_opts *opt, evald_reduction red,
	       evald_result *out, double *dice, int64_t *ndice, evald_err *err);

typedef enum { EVALD_PERC_L2 = 0, EVALD_PERC_L1 } evald_perc_distance;

/* LPIPS-style distance between two stacks of features.  input[l] and
 * target[l] (l < nlayers) are [N,C_l,...] (usually [N,C,H,W]), the same N
 * in every layer.  With `normalize`, each feature vector over C is divided
 * by (its L2 norm + 1e-10) as LPIPS does.  Per layer, the channel sum
 * Σ_c w_c·(a_c - b_c)² (L2) or Σ_c w_c·|a_c - b_c| (L1) is averaged over
 * the remaining dims; layers are summed, giving one value per sample,
 * which `red` reduces (values are [N]).  weights NULL means 1; else
 * weights[l] is a 0-d tensor (one weight) or [C_l]; weights are >= 0.
 * err->input: input[l] is l, target[l] is nlayers + l, weights[l] is
 * 2·nlayers + l. */
int evald_perceptual(const evald_tensor *input, const evald_tensor *target,
		     int nlayers, const evald_tensor *weights, int normalize,
		     evald_perc_distance distance, evald_reduction red,
		     evald_result *out, evald_err *err);

#ifdef __cplusplus
}
#endif
#endif
