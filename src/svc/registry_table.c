/* registry_table.c - the metric table: one row per served metric.
 *
 * This is the single source of truth for what evald serves: routing, input
 * and parameter validation, defaults and the catalog all read these rows.
 * To add a metric, add its row here and its metric_fn in a family file. */
#include <math.h>

#include "metric_fns.h"
#include "registry.h"

/* The table is laid out by hand, one row per metric. */
// clang-format off
#define END {0}
#define REDUCTION                                                              \
	{"reduction", PT_ENUM, "\"mean\"", "mean|sum|none", 0, 0, 0,           \
	 "How per-element losses are combined: mean, sum, or none (returns "   \
	 "\"values\")."}
#define IN2(a, sa, b, sb) {a, IN_TENSOR, sa, 1}, {b, IN_TENSOR, sb, 1}
#define NONNEG PF_MIN
#define POS PF_MIN | PF_MIN_OPEN

static const input_spec in_pair[] = {IN2("input", "[...]", "target", "[...]"),
				     END};
static const input_spec in_pair_w[] = {
	IN2("input", "[...]", "target", "[...]"),
	{"weight", IN_TENSOR, "broadcastable to input", 0}, END};
static const input_spec in_gnll[] = {
	IN2("input", "[...]", "target", "[...]"),
	{"var", IN_TENSOR, "[...] or scalar", 1}, END};
static const input_spec in_tukey[] = {
	IN2("input", "[N] or [N,...]", "target", "[N] or [N,...]"), END};
static const input_spec in_ce[] = {
	{"input", IN_TENSOR, "[N,C] or [N,C,d...] (logits)", 1},
	{"target", IN_TENSOR, "[N] or [N,d...] indices, or probabilities "
			      "shaped like input", 1},
	END};
static const input_spec in_nll[] = {
	{"input", IN_TENSOR, "[N,C] or [N,C,d...] (log-probabilities)", 1},
	{"target", IN_TENSOR, "[N] or [N,d...] (class indices)", 1}, END};
static const input_spec in_focal[] = {
	{"input", IN_TENSOR, "[N,C] or [N,C,d...] (logits)", 1},
	{"target", IN_TENSOR, "[N] or [N,d...] (class indices)", 1}, END};
static const input_spec in_dice[] = {
	{"input", IN_TENSOR, "[N,C,...]", 1},
	{"target", IN_TENSOR,
	 "[N,C,...], or class indices [N,...] or [N,1,...]", 1}, END};
static const input_spec in_perc[] = {
	{"input", IN_TENSOR_LIST, "list of [N,C,H,W] per layer", 1},
	{"target", IN_TENSOR_LIST, "list of [N,C,H,W] per layer", 1}, END};
static const input_spec in_rank[] = {
	{"scores", IN_TENSOR, "[N] or [Q,N]", 1},
	{"relevance", IN_TENSOR, "same as scores", 1}, END};
static const input_spec in_fid[] = {
	{"x", IN_SET, "[N,d] or {mu,sigma} or {reference} or {stream}", 1},
	{"y", IN_SET, "[M,d] or {mu,sigma} or {reference} or {stream}", 1},
	END};
static const input_spec in_kid[] = {{"x", IN_TENSOR, "[N,d]", 1},
				    {"y", IN_TENSOR, "[M,d]", 1}, END};
static const input_spec in_is[] = {{"probs", IN_TENSOR, "[N,C]", 1}, END};
static const input_spec in_ot[] = {
	{"x", IN_TENSOR, "[n,d] or [n]", 0},
	{"y", IN_TENSOR, "[m,d] or [m]", 0},
	{"x_weights", IN_TENSOR, "[n]", 0},
	{"y_weights", IN_TENSOR, "[m]", 0},
	{"cost", IN_TENSOR, "[n,m] (instead of x and y)", 0}, END};
static const input_spec in_1d[] = {
	{"x", IN_TENSOR, "[n]", 1}, {"y", IN_TENSOR, "[m]", 1},
	{"x_weights", IN_TENSOR, "[n]", 0}, {"y_weights", IN_TENSOR, "[m]", 0},
	END};
static const input_spec in_sliced[] = {
	{"x", IN_TENSOR, "[n,d]", 1}, {"y", IN_TENSOR, "[m,d]", 1},
	{"x_weights", IN_TENSOR, "[n]", 0}, {"y_weights", IN_TENSOR, "[m]", 0},
	{"projections", IN_TENSOR, "[k,d]", 0}, END};

static const param_spec p_red[] = {REDUCTION, END};
static const param_spec p_mse[] = {
	REDUCTION,
	{"half", PT_BOOL, "false", 0, 0, 0, 0,
	 "When true the loss is halved (½·(x−y)²)."},
	END};
static const param_spec p_huber[] = {
	REDUCTION,
	{"delta", PT_NUMBER, "1.0", 0, 0, 0, POS,
	 "Threshold between the quadratic and the linear part."},
	END};
static const param_spec p_sl1[] = {
	REDUCTION,
	{"beta", PT_NUMBER, "1.0", 0, 0, 0, NONNEG,
	 "Threshold between the quadratic and the linear part; 0 is L1."},
	END};
static const param_spec p_gnll[] = {
	REDUCTION,
	{"full", PT_BOOL, "false", 0, 0, 0, 0,
	 "Add the constant ½·log(2π) to every element."},
	{"eps", PT_NUMBER, "1e-06", 0, 0, 0, POS,
	 "Variances are clamped to at least eps."},
	END};
static const param_spec p_tukey[] = {
	REDUCTION,
	{"c", PT_NUMBER, "4.6851", 0, 0, 0, POS,
	 "Tuning constant; residuals beyond c cost c²/6."},
	{"scale", PT_ENUM, "\"mad\"", "mad|none", 0, 0, 0,
	 "mad: divide residuals by 1.4826·MAD over the batch (dim 0), per "
	 "output; none: use raw residuals."},
	END};
static const param_spec p_bcel[] = {
	REDUCTION,
	{"pos_weight", PT_VECTOR, "null", 0, 0, 0, PF_NULLABLE,
	 "Weight of positive examples, a number or one per class (last dim)."},
	END};
static const param_spec p_ce[] = {
	REDUCTION,
	{"weight", PT_VECTOR, "null", 0, 0, 0, PF_NULLABLE,
	 "Per-class weight, length C."},
	{"ignore_index", PT_INT, "-100", 0, 0, 0, 0,
	 "Targets equal to this index contribute nothing."},
	{"label_smoothing", PT_NUMBER, "0.0", 0, 0, 1, PF_MIN | PF_MAX,
	 "Mix of the target with the uniform distribution, in [0,1]."},
	END};
static const param_spec p_nll[] = {
	REDUCTION,
	{"weight", PT_VECTOR, "null", 0, 0, 0, PF_NULLABLE,
	 "Per-class weight, length C."},
	{"ignore_index", PT_INT, "-100", 0, 0, 0, 0,
	 "Targets equal to this index contribute nothing."},
	END};
static const param_spec p_focal[] = {
	REDUCTION,
	{"alpha", PT_VECTOR, "null", 0, 0, 0, PF_NULLABLE,
	 "Class balance: null (1), a number, or a length-C vector indexed by "
	 "the target class."},
	{"gamma", PT_NUMBER, "2.0", 0, 0, 0, NONNEG, "Focusing exponent."},
	{"size_average", PT_BOOL, "null", 0, 0, 0, PF_NULLABLE,
	 "Legacy: true means reduction mean, false means sum; overrides "
	 "reduction when given."},
	END};
static const param_spec p_sfocal[] = {
	REDUCTION,
	{"alpha", PT_NUMBER, "0.25", 0, 0, 0, 0,
	 "Weight of positives (1−alpha for negatives); negative disables."},
	{"gamma", PT_NUMBER, "2.0", 0, 0, 0, NONNEG, "Focusing exponent."},
	END};
static const param_spec p_dice[] = {
	REDUCTION,
	{"activation", PT_ENUM, "\"none\"", "none|sigmoid|softmax", 0, 0, 0,
	 "Applied to input over the class dim before the overlap."},
	{"smooth_nr", PT_NUMBER, "1e-05", 0, 0, 0, NONNEG,
	 "Added to the numerator."},
	{"smooth_dr", PT_NUMBER, "1e-05", 0, 0, 0, NONNEG,
	 "Added to the denominator."},
	{"squared_pred", PT_BOOL, "false", 0, 0, 0, 0,
	 "Square input and target in the denominator."},
	{"include_background", PT_BOOL, "true", 0, 0, 0, 0,
	 "When false, class 0 is left out."},
	END};
static const param_spec p_perc[] = {
	REDUCTION,
	{"weights", PT_JSON, "null", 0, 0, 0, PF_NULLABLE,
	 "null (1 per layer) or a list with, per layer, a number or a "
	 "length-C vector."},
	{"normalize", PT_BOOL, "true", 0, 0, 0, 0,
	 "Scale features to unit length over C (eps 1e-10) first."},
	{"distance", PT_ENUM, "\"l2\"", "l2|l1", 0, 0, 0,
	 "l2: squared difference; l1: absolute difference."},
	END};
static const param_spec p_none[] = {END};
static const param_spec p_ndcg[] = {
	{"k", PT_INT, "null", 0, 1, 0, PF_NULLABLE | PF_MIN,
	 "Only the top k ranks count; null means all."},
	END};
static const param_spec p_fid[] = {
	{"bootstrap", PT_INT, "0", 0, 0, 100000, PF_MIN | PF_MAX,
	 "Number of bootstrap resamples; > 0 adds ci95 and std."},
	{"seed", PT_INT, "0", 0, 0, 0, PF_MIN, "Seed of the resampling."},
	END};
static const param_spec p_kid[] = {
	{"subsets", PT_INT, "100", 0, 1, 100000, PF_MIN | PF_MAX,
	 "Number of random subsets."},
	{"subset_size", PT_INT, "1000", 0, 2, 0, PF_MIN,
	 "Rows per subset, capped at the smaller set."},
	{"degree", PT_INT, "3", 0, 1, 64, PF_MIN | PF_MAX,
	 "Degree of the polynomial kernel."},
	{"gamma", PT_NUMBER, "null", 0, 0, 0, PF_NULLABLE | POS,
	 "Kernel scale; null means 1/d."},
	{"coef0", PT_NUMBER, "1", 0, 0, 0, NONNEG,
	 "Kernel offset; a negative one makes the kernel indefinite."},
	{"seed", PT_INT, "0", 0, 0, 0, PF_MIN, "Seed of the subset draws."},
	END};
static const param_spec p_is[] = {
	{"splits", PT_INT, "10", 0, 1, 0, PF_MIN,
	 "Number of consecutive splits."},
	END};
static const param_spec p_emd[] = {
	{"metric", PT_ENUM, "\"euclidean\"",
	 "euclidean|sqeuclidean|cityblock|cosine", 0, 0, 0,
	 "Ground distance between points (ignored when cost is given)."},
	{"p", PT_NUMBER, "1", 0, 1, 0, PF_MIN,
	 "Cost of a pair is distanceᵖ; the value is (Σ P·Cᵖ)^(1/p)."},
	{"normalize", PT_BOOL, "true", 0, 0, 0, 0,
	 "true: scale each weight vector to sum 1; false: keep the masses, "
	 "whose totals must agree."},
	{"return_plan", PT_BOOL, "false", 0, 0, 0, 0,
	 "Add the optimal plan as [[i, j, mass], ...] (non-zeros only)."},
	END};
static const param_spec p_sinkhorn[] = {
	{"metric", PT_ENUM, "\"euclidean\"",
	 "euclidean|sqeuclidean|cityblock|cosine", 0, 0, 0,
	 "Ground distance between points (ignored when cost is given)."},
	{"p", PT_NUMBER, "1", 0, 1, 0, PF_MIN,
	 "Cost of a pair is distanceᵖ; the value is Σ P·Cᵖ (no root, as "
	 "ot.sinkhorn2)."},
	{"normalize", PT_BOOL, "true", 0, 0, 0, 0,
	 "true: scale each weight vector to sum 1; false: keep the masses, "
	 "whose totals must agree."},
	{"reg", PT_NUMBER, "0.05", 0, 0, 0, POS, "Entropic regularisation."},
	{"max_iter", PT_INT, "1000", 0, 1, 10000000, PF_MIN | PF_MAX,
	 "Iteration limit (sweeps)."},
	{"tol", PT_NUMBER, "1e-09", 0, 0, 0, POS,
	 "Stop when the l2 error of the y marginal, measured every 10th "
	 "sweep as POT does, falls below tol."},
	END};
static const param_spec p_w1d[] = {
	{"p", PT_NUMBER, "1", 0, 1, 0, PF_MIN,
	 "Order: the value is W_p (the p-th root of the cost)."},
	END};
static const param_spec p_sliced[] = {
	{"n_projections", PT_INT, "50", 0, 1, 1000000, PF_MIN | PF_MAX,
	 "Number of random directions (when projections is not given)."},
	{"p", PT_NUMBER, "2", 0, 1, 0, PF_MIN, "Order of the distance."},
	{"seed", PT_INT, "0", 0, 0, 0, PF_MIN, "Seed of the directions."},
	END};

#define LOSS(n, s, ref, in, par, fn) \
	{n, "loss", s, ref, in, par, fn, MF_LOSS, NULL}

const metric registry[] = {
	LOSS("mse", "Mean squared error.", "torch.nn.functional.mse_loss",
	     in_pair, p_mse, m_mse),
	LOSS("mae", "Mean absolute error.", "torch.nn.functional.l1_loss",
	     in_pair, p_red, m_mae),
	LOSS("huber", "Huber loss.", "torch.nn.functional.huber_loss",
	     in_pair, p_huber, m_huber),
	LOSS("smooth_l1", "Smooth L1 loss.",
	     "torch.nn.functional.smooth_l1_loss", in_pair, p_sl1, m_smooth_l1),
	LOSS("gaussian_nll", "Gaussian negative log-likelihood.",
	     "torch.nn.functional.gaussian_nll_loss", in_gnll, p_gnll,
	     m_gaussian_nll),
	LOSS("tukey", "Tukey's biweight loss on MAD-scaled residuals.",
	     "Belagiannis et al., ICCV 2015", in_tukey, p_tukey, m_tukey),
	LOSS("bce", "Binary cross-entropy on probabilities.",
	     "torch.nn.functional.binary_cross_entropy", in_pair_w, p_red,
	     m_bce),
	LOSS("bce_with_logits", "Binary cross-entropy on logits.",
	     "torch.nn.functional.binary_cross_entropy_with_logits", in_pair_w,
	     p_bcel, m_bce_with_logits),
	LOSS("cross_entropy", "Softmax cross-entropy on logits.",
	     "torch.nn.functional.cross_entropy", in_ce, p_ce,
	     m_cross_entropy),
	LOSS("nll", "Negative log-likelihood on log-probabilities.",
	     "torch.nn.functional.nll_loss", in_nll, p_nll, m_nll),
	LOSS("focal", "Softmax focal loss.", "-α_t(1-p_t)^γ log p_t", in_focal,
	     p_focal, m_focal),
	LOSS("sigmoid_focal", "Sigmoid focal loss.",
	     "torchvision.ops.sigmoid_focal_loss", in_pair, p_sfocal,
	     m_sigmoid_focal),
	LOSS("dice", "Dice loss per sample and class.", "monai.losses.DiceLoss",
	     in_dice, p_dice, m_dice),
	LOSS("perceptual", "LPIPS-style distance between feature stacks.",
	     "LPIPS (Zhang et al., CVPR 2018)", in_perc, p_perc, m_perceptual),
	{"average_precision", "rank", "Average precision of a ranking.",
	 "sklearn.metrics.average_precision_score", in_rank, p_none,
	 m_average_precision, 0, NULL},
	{"ndcg", "rank", "Normalised discounted cumulative gain.",
	 "sklearn.metrics.ndcg_score", in_rank, p_ndcg, m_ndcg, 0, NULL},
	{"fid", "generative", "Fréchet distance between Gaussian fits.",
	 "pytorch_fid.fid_score.calculate_frechet_distance", in_fid, p_fid,
	 m_fid, MF_HEAVY, c_fid},
	{"kid", "generative", "Kernel Inception Distance (unbiased MMD²).",
	 "Bińkowski et al., ICLR 2018 (polynomial kernel)", in_kid, p_kid,
	 m_kid, MF_HEAVY, c_kid},
	{"inception_score", "generative", "Inception Score.",
	 "Salimans et al., NeurIPS 2016", in_is, p_is, m_inception_score, 0, NULL},
	{"emd", "distance", "Exact earth mover's distance.", "ot.emd2", in_ot,
	 p_emd, m_emd, MF_HEAVY, NULL},
	{"wasserstein_1d", "distance", "Wasserstein distance on the line.",
	 "scipy.stats.wasserstein_distance", in_1d, p_w1d, m_wasserstein_1d,
	 0, NULL},
	{"sinkhorn", "distance", "Entropic optimal transport cost.",
	 "ot.sinkhorn2", in_ot, p_sinkhorn, m_sinkhorn, MF_HEAVY, NULL},
	{"sliced_wasserstein", "distance", "Sliced Wasserstein distance.",
	 "ot.sliced_wasserstein_distance", in_sliced, p_sliced,
	 m_sliced_wasserstein, MF_HEAVY, NULL},
	{"energy_distance", "distance", "Energy distance on the line.",
	 "scipy.stats.energy_distance", in_1d, p_none, m_energy_distance, 0, NULL},
	{0},
};
// clang-format on
