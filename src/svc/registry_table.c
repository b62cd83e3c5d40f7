/* registry_table.c - the metric table: one row per served metric.
 *
 * This is the single source of truth for what evald serves: routing, input
 * and parameter validation, defaults and the catalog all read these rows.
 * To add a metric, add its row here (every field named), its slot lists
 * and metric_fn in metric_fns.h and a family file; registry_check() refuses
 * at start-up a row that disagrees with its function or its enums. */
#include <evald/loss.h>
#include <evald/ot.h>
#include <evald/reduce.h>
#include <evald/twosample.h>

#include "metric_fns.h"
#include "registry.h"

/* The table is laid out by hand, one field or row per line. */
// clang-format off

/* ------------------------------------------------------------ enums */

/* Each enum param's choices, defined once as {library value, name}: the
 * "a|b|c" string (NAME_choices) and the list the resolver maps a name
 * through (NAME_values) are both made from it, so they cannot disagree. */
#define ENUM_VALUE_(v, s) {v, s},
#define ENUM_BAR_(v, s) "|" s
#define REG_ENUM(NAME, LIST)                                                   \
	static const enum_choice NAME##_values[] = {LIST(ENUM_VALUE_) {0, 0}};  \
	static const char NAME##_bars[] = "" LIST(ENUM_BAR_)
/* A param's .choices and .values from one REG_ENUM (the string without
 * its leading bar). */
#define CHOICES(NAME) .choices = NAME##_bars + 1, .values = NAME##_values

#define REDUCTION_ENUM(X)                                                      \
	X(EVALD_REDUCE_MEAN, "mean")                                           \
	X(EVALD_REDUCE_SUM, "sum")                                             \
	X(EVALD_REDUCE_NONE, "none")
#define TUKEY_SCALE_ENUM(X)                                                    \
	X(EVALD_TUKEY_MAD, "mad")                                              \
	X(EVALD_TUKEY_NONE, "none")
#define ACTIVATION_ENUM(X)                                                     \
	X(EVALD_ACT_NONE, "none")                                              \
	X(EVALD_ACT_SIGMOID, "sigmoid")                                        \
	X(EVALD_ACT_SOFTMAX, "softmax")
#define PERC_DISTANCE_ENUM(X)                                                  \
	X(EVALD_PERC_L2, "l2")                                                 \
	X(EVALD_PERC_L1, "l1")
#define OT_METRIC_ENUM(X)                                                      \
	X(EVALD_OT_EUCLIDEAN, "euclidean")                                     \
	X(EVALD_OT_SQEUCLIDEAN, "sqeuclidean")                                 \
	X(EVALD_OT_CITYBLOCK, "cityblock")                                     \
	X(EVALD_OT_COSINE, "cosine")

#define ALTERNATIVE_ENUM(X)                                                    \
	X(EVALD_ALT_TWO_SIDED, "two-sided")                                    \
	X(EVALD_ALT_LESS, "less")                                              \
	X(EVALD_ALT_GREATER, "greater")
#define KS_METHOD_ENUM(X)                                                      \
	X(EVALD_TEST_AUTO, "auto")                                             \
	X(EVALD_TEST_EXACT, "exact")                                           \
	X(EVALD_TEST_ASYMP, "asymp")
#define TEST_METHOD_ENUM(X)                                                    \
	X(EVALD_TEST_AUTO, "auto")                                             \
	X(EVALD_TEST_EXACT, "exact")                                           \
	X(EVALD_TEST_ASYMP, "asymptotic")
#define LAMBDA_ENUM(X)                                                         \
	X(EVALD_PD_PEARSON, "pearson")                                         \
	X(EVALD_PD_LOG_LIKELIHOOD, "log-likelihood")                           \
	X(EVALD_PD_FREEMAN_TUKEY, "freeman-tukey")                             \
	X(EVALD_PD_MOD_LOG_LIKELIHOOD, "mod-log-likelihood")                   \
	X(EVALD_PD_NEYMAN, "neyman")                                           \
	X(EVALD_PD_CRESSIE_READ, "cressie-read")

REG_ENUM(reduction, REDUCTION_ENUM);
REG_ENUM(tukey_scale, TUKEY_SCALE_ENUM);
REG_ENUM(activation, ACTIVATION_ENUM);
REG_ENUM(perc_distance, PERC_DISTANCE_ENUM);
REG_ENUM(ot_metric, OT_METRIC_ENUM);
REG_ENUM(alternative, ALTERNATIVE_ENUM);
REG_ENUM(ks_method, KS_METHOD_ENUM);
REG_ENUM(test_method, TEST_METHOD_ENUM);
REG_ENUM(lambda, LAMBDA_ENUM);

/* ------------------------------------------------------------ slot lists */

/* The names of metric_fns.h's slot lists; SLOTS() binds a row to two. */
#define SLOT_NAME_(L, name) #name,
#define SLOT_NAMES(L) static const char *const L##_names[] = {L(SLOT_NAME_, L) 0}
#define SLOTS(I, P) .slots = {.inputs = I##_names, .params = P##_names}

SLOT_NAMES(I_PAIR); SLOT_NAMES(I_PAIR_W); SLOT_NAMES(I_GNLL);
SLOT_NAMES(I_RANK); SLOT_NAMES(I_XY); SLOT_NAMES(I_IS); SLOT_NAMES(I_1D);
SLOT_NAMES(I_OT); SLOT_NAMES(I_SLICED);
SLOT_NAMES(P_RED); SLOT_NAMES(P_MSE); SLOT_NAMES(P_HUBER); SLOT_NAMES(P_SL1);
SLOT_NAMES(P_GNLL); SLOT_NAMES(P_TUKEY); SLOT_NAMES(P_BCEL);
SLOT_NAMES(P_NLL); SLOT_NAMES(P_CE); SLOT_NAMES(P_SFOCAL);
SLOT_NAMES(P_FOCAL); SLOT_NAMES(P_DICE); SLOT_NAMES(P_PERC);
SLOT_NAMES(P_NONE); SLOT_NAMES(P_NDCG); SLOT_NAMES(P_FID); SLOT_NAMES(P_KID);
SLOT_NAMES(P_IS); SLOT_NAMES(P_EMD); SLOT_NAMES(P_SINKHORN);
SLOT_NAMES(P_W1D); SLOT_NAMES(P_SLICED);
SLOT_NAMES(I_SAMPLES); SLOT_NAMES(I_TABLE); SLOT_NAMES(I_BINNED);
SLOT_NAMES(P_KS); SLOT_NAMES(P_MWU); SLOT_NAMES(P_CVM); SLOT_NAMES(P_AD);
SLOT_NAMES(P_CHI2); SLOT_NAMES(P_BINNED); SLOT_NAMES(P_BINNED_B);

/* ------------------------------------------------------------ inputs */

#define END {0}
#define TENSOR(n, s, req) {.name = n, .kind = IN_TENSOR, .shape = s, .required = req}
#define REQUIRED 1
#define OPTIONAL 0

static const input_spec in_pair[] = {
	TENSOR("input", "[...]", REQUIRED),
	TENSOR("target", "[...]", REQUIRED),
	END};
static const input_spec in_pair_w[] = {
	TENSOR("input", "[...]", REQUIRED),
	TENSOR("target", "[...]", REQUIRED),
	TENSOR("weight", "broadcastable to input", OPTIONAL),
	END};
static const input_spec in_gnll[] = {
	TENSOR("input", "[...]", REQUIRED),
	TENSOR("target", "[...]", REQUIRED),
	TENSOR("var", "[...] or scalar", REQUIRED),
	END};
static const input_spec in_tukey[] = {
	TENSOR("input", "[N] or [N,...]", REQUIRED),
	TENSOR("target", "[N] or [N,...]", REQUIRED),
	END};
static const input_spec in_ce[] = {
	TENSOR("input", "[N,C] or [N,C,d...] (logits)", REQUIRED),
	TENSOR("target", "[N] or [N,d...] indices, or probabilities "
			 "shaped like input", REQUIRED),
	END};
static const input_spec in_nll[] = {
	TENSOR("input", "[N,C] or [N,C,d...] (log-probabilities)", REQUIRED),
	TENSOR("target", "[N] or [N,d...] (class indices)", REQUIRED),
	END};
static const input_spec in_focal[] = {
	TENSOR("input", "[N,C] or [N,C,d...] (logits)", REQUIRED),
	TENSOR("target", "[N] or [N,d...] (class indices)", REQUIRED),
	END};
static const input_spec in_dice[] = {
	TENSOR("input", "[N,C,...]", REQUIRED),
	TENSOR("target", "[N,C,...], or class indices [N,...] or [N,1,...]",
	       REQUIRED),
	END};
static const input_spec in_perc[] = {
	{.name = "input", .kind = IN_TENSOR_LIST,
	 .shape = "list of [N,C,H,W] per layer", .required = REQUIRED},
	{.name = "target", .kind = IN_TENSOR_LIST,
	 .shape = "list of [N,C,H,W] per layer", .required = REQUIRED},
	END};
static const input_spec in_rank[] = {
	TENSOR("scores", "[N] or [Q,N]", REQUIRED),
	TENSOR("relevance", "same as scores", REQUIRED),
	END};
static const input_spec in_fid[] = {
	{.name = "x", .kind = IN_SET,
	 .shape = "[N,d] or {mu,sigma} or {reference} or {stream}",
	 .required = REQUIRED},
	{.name = "y", .kind = IN_SET,
	 .shape = "[M,d] or {mu,sigma} or {reference} or {stream}",
	 .required = REQUIRED},
	END};
static const input_spec in_kid[] = {
	TENSOR("x", "[N,d]", REQUIRED),
	TENSOR("y", "[M,d]", REQUIRED),
	END};
static const input_spec in_is[] = {
	TENSOR("probs", "[N,C]", REQUIRED),
	END};
static const input_spec in_ot[] = {
	TENSOR("x", "[n,d] or [n]", OPTIONAL),
	TENSOR("y", "[m,d] or [m]", OPTIONAL),
	TENSOR("x_weights", "[n]", OPTIONAL),
	TENSOR("y_weights", "[m]", OPTIONAL),
	TENSOR("cost", "[n,m] (instead of x and y)", OPTIONAL),
	END};
static const input_spec in_1d[] = {
	TENSOR("x", "[n]", REQUIRED),
	TENSOR("y", "[m]", REQUIRED),
	TENSOR("x_weights", "[n]", OPTIONAL),
	TENSOR("y_weights", "[m]", OPTIONAL),
	END};
static const input_spec in_sliced[] = {
	TENSOR("x", "[n,d]", REQUIRED),
	TENSOR("y", "[m,d]", REQUIRED),
	TENSOR("x_weights", "[n]", OPTIONAL),
	TENSOR("y_weights", "[m]", OPTIONAL),
	TENSOR("projections", "[k,d]", OPTIONAL),
	END};

static const input_spec in_2samp[] = {
	TENSOR("x", "[n] (the reference sample)", REQUIRED),
	TENSOR("y", "[m] (the current sample)", REQUIRED),
	END};
static const input_spec in_ksamp[] = {
	{.name = "samples", .kind = IN_TENSOR_LIST,
	 .shape = "list of k >= 2 samples [n_i]", .required = REQUIRED},
	END};
static const input_spec in_table[] = {
	TENSOR("observed", "[r,c] (counts)", REQUIRED),
	END};
static const input_spec in_binned[] = {
	TENSOR("x", "[n] reference sample (or x_counts)", OPTIONAL),
	TENSOR("y", "[m] current sample (or y_counts)", OPTIONAL),
	TENSOR("x_counts", "[k] reference counts or shares per bin", OPTIONAL),
	TENSOR("y_counts", "[k] current counts or shares per bin", OPTIONAL),
	END};

/* ------------------------------------------------------------ params */

/* Bounds: .min with PF_MIN (NONNEG: >= 0 when .min is 0), PF_MIN_OPEN
 * (POS: > 0), .max with PF_MAX. */
#define NONNEG PF_MIN
#define POS PF_MIN | PF_MIN_OPEN
#define REDUCTION                                                              \
	{.name = "reduction", .type = PT_ENUM, .def = "\"mean\"",               \
	 CHOICES(reduction),                                                   \
	 .doc = "How per-element losses are combined: mean, sum, or none "     \
		"(returns \"values\")."}
#define OT_COMMON(p_doc)                                                       \
	{.name = "metric", .type = PT_ENUM, .def = "\"euclidean\"",             \
	 CHOICES(ot_metric),                                                   \
	 .doc = "Ground distance between points (ignored when cost is "        \
		"given)."},                                                    \
	{.name = "p", .type = PT_NUMBER, .def = "1", .min = 1,                 \
	 .flags = PF_MIN, .doc = p_doc},                                       \
	{.name = "normalize", .type = PT_BOOL, .def = "true",                  \
	 .doc = "true: scale each weight vector to sum 1; false: keep the "    \
		"masses, whose totals must agree."}

static const param_spec p_red[] = {REDUCTION, END};
static const param_spec p_mse[] = {
	REDUCTION,
	{.name = "half", .type = PT_BOOL, .def = "false",
	 .doc = "When true the loss is halved (½·(x−y)²)."},
	END};
static const param_spec p_huber[] = {
	REDUCTION,
	{.name = "delta", .type = PT_NUMBER, .def = "1.0", .min = 0, .flags = POS,
	 .doc = "Threshold between the quadratic and the linear part."},
	END};
static const param_spec p_sl1[] = {
	REDUCTION,
	{.name = "beta", .type = PT_NUMBER, .def = "1.0", .min = 0, .flags = NONNEG,
	 .doc = "Threshold between the quadratic and the linear part; 0 is "
		"L1."},
	END};
static const param_spec p_gnll[] = {
	REDUCTION,
	{.name = "full", .type = PT_BOOL, .def = "false",
	 .doc = "Add the constant ½·log(2π) to every element."},
	{.name = "eps", .type = PT_NUMBER, .def = "1e-06", .min = 0, .flags = POS,
	 .doc = "Variances are clamped to at least eps."},
	END};
static const param_spec p_tukey[] = {
	REDUCTION,
	{.name = "c", .type = PT_NUMBER, .def = "4.6851", .min = 0, .flags = POS,
	 .doc = "Tuning constant; residuals beyond c cost c²/6."},
	{.name = "scale", .type = PT_ENUM, .def = "\"mad\"", CHOICES(tukey_scale),
	 .doc = "mad: divide residuals by 1.4826·MAD over the batch (dim 0), "
		"per output; none: use raw residuals."},
	END};
static const param_spec p_bcel[] = {
	REDUCTION,
	{.name = "pos_weight", .type = PT_VECTOR, .def = "null",
	 .flags = PF_NULLABLE,
	 .doc = "Weight of positive examples, a number or one per class (last "
		"dim)."},
	END};
static const param_spec p_ce[] = {
	REDUCTION,
	{.name = "weight", .type = PT_VECTOR, .def = "null", .flags = PF_NULLABLE,
	 .doc = "Per-class weight, length C."},
	{.name = "ignore_index", .type = PT_INT, .def = "-100",
	 .doc = "Targets equal to this index contribute nothing."},
	{.name = "label_smoothing", .type = PT_NUMBER, .def = "0.0",
	 .min = 0, .max = 1, .flags = PF_MIN | PF_MAX,
	 .doc = "Mix of the target with the uniform distribution, in [0,1]."},
	END};
static const param_spec p_nll[] = {
	REDUCTION,
	{.name = "weight", .type = PT_VECTOR, .def = "null", .flags = PF_NULLABLE,
	 .doc = "Per-class weight, length C."},
	{.name = "ignore_index", .type = PT_INT, .def = "-100",
	 .doc = "Targets equal to this index contribute nothing."},
	END};
static const param_spec p_focal[] = {
	REDUCTION,
	{.name = "alpha", .type = PT_VECTOR, .def = "null", .flags = PF_NULLABLE,
	 .doc = "Class balance: null (1), a number, or a length-C vector "
		"indexed by the target class."},
	{.name = "gamma", .type = PT_NUMBER, .def = "2.0", .min = 0,
	 .flags = NONNEG, .doc = "Focusing exponent."},
	{.name = "size_average", .type = PT_BOOL, .def = "null",
	 .flags = PF_NULLABLE,
	 .doc = "Legacy: true means reduction mean, false means sum; "
		"overrides reduction when given."},
	END};
static const param_spec p_sfocal[] = {
	REDUCTION,
	{.name = "alpha", .type = PT_NUMBER, .def = "0.25",
	 .doc = "Weight of positives (1−alpha for negatives); negative "
		"disables."},
	{.name = "gamma", .type = PT_NUMBER, .def = "2.0", .min = 0,
	 .flags = NONNEG, .doc = "Focusing exponent."},
	END};
static const param_spec p_dice[] = {
	REDUCTION,
	{.name = "activation", .type = PT_ENUM, .def = "\"none\"",
	 CHOICES(activation),
	 .doc = "Applied to input over the class dim before the overlap."},
	{.name = "smooth_nr", .type = PT_NUMBER, .def = "1e-05", .min = 0,
	 .flags = NONNEG, .doc = "Added to the numerator."},
	{.name = "smooth_dr", .type = PT_NUMBER, .def = "1e-05", .min = 0,
	 .flags = NONNEG, .doc = "Added to the denominator."},
	{.name = "squared_pred", .type = PT_BOOL, .def = "false",
	 .doc = "Square input and target in the denominator."},
	{.name = "include_background", .type = PT_BOOL, .def = "true",
	 .doc = "When false, class 0 is left out."},
	END};
static const param_spec p_perc[] = {
	REDUCTION,
	{.name = "weights", .type = PT_JSON, .def = "null", .flags = PF_NULLABLE,
	 .doc = "null (1 per layer) or a list with, per layer, a number or a "
		"length-C vector."},
	{.name = "normalize", .type = PT_BOOL, .def = "true",
	 .doc = "Scale features to unit length over C (eps 1e-10) first."},
	{.name = "distance", .type = PT_ENUM, .def = "\"l2\"",
	 CHOICES(perc_distance),
	 .doc = "l2: squared difference; l1: absolute difference."},
	END};
static const param_spec p_none[] = {END};
static const param_spec p_ndcg[] = {
	{.name = "k", .type = PT_INT, .def = "null", .min = 1,
	 .flags = PF_NULLABLE | PF_MIN,
	 .doc = "Only the top k ranks count; null means all."},
	END};
static const param_spec p_fid[] = {
	{.name = "bootstrap", .type = PT_INT, .def = "0", .min = 0, .max = 100000,
	 .flags = PF_MIN | PF_MAX,
	 .doc = "Number of bootstrap resamples; > 0 adds ci95 and std."},
	{.name = "seed", .type = PT_INT, .def = "0", .min = 0, .flags = PF_MIN,
	 .doc = "Seed of the resampling."},
	END};
static const param_spec p_kid[] = {
	{.name = "subsets", .type = PT_INT, .def = "100", .min = 1, .max = 100000,
	 .flags = PF_MIN | PF_MAX, .doc = "Number of random subsets."},
	{.name = "subset_size", .type = PT_INT, .def = "1000", .min = 2,
	 .flags = PF_MIN, .doc = "Rows per subset, capped at the smaller set."},
	{.name = "degree", .type = PT_INT, .def = "3", .min = 1, .max = 64,
	 .flags = PF_MIN | PF_MAX, .doc = "Degree of the polynomial kernel."},
	{.name = "gamma", .type = PT_NUMBER, .def = "null", .min = 0,
	 .flags = PF_NULLABLE | POS, .doc = "Kernel scale; null means 1/d."},
	{.name = "coef0", .type = PT_NUMBER, .def = "1", .min = 0,
	 .flags = NONNEG,
	 .doc = "Kernel offset; a negative one makes the kernel indefinite."},
	{.name = "seed", .type = PT_INT, .def = "0", .min = 0, .flags = PF_MIN,
	 .doc = "Seed of the subset draws."},
	END};
static const param_spec p_is[] = {
	{.name = "splits", .type = PT_INT, .def = "10", .min = 1, .flags = PF_MIN,
	 .doc = "Number of consecutive splits."},
	END};
static const param_spec p_emd[] = {
	OT_COMMON("Cost of a pair is distanceᵖ; the value is (Σ P·Cᵖ)^(1/p)."),
	{.name = "return_plan", .type = PT_BOOL, .def = "false",
	 .doc = "Add the optimal plan as [[i, j, mass], ...] (non-zeros "
		"only)."},
	END};
static const param_spec p_sinkhorn[] = {
	OT_COMMON("Cost of a pair is distanceᵖ; the value is Σ P·Cᵖ (no root, "
		  "as ot.sinkhorn2)."),
	{.name = "reg", .type = PT_NUMBER, .def = "0.05", .min = 0, .flags = POS,
	 .doc = "Entropic regularisation."},
	{.name = "max_iter", .type = PT_INT, .def = "1000", .min = 1,
	 .max = 10000000, .flags = PF_MIN | PF_MAX,
	 .doc = "Iteration limit (sweeps)."},
	{.name = "tol", .type = PT_NUMBER, .def = "1e-09", .min = 0, .flags = POS,
	 .doc = "Stop when the l2 error of the y marginal, measured every 10th "
		"sweep as POT does, falls below tol."},
	END};
static const param_spec p_w1d[] = {
	{.name = "p", .type = PT_NUMBER, .def = "1", .min = 1, .flags = PF_MIN,
	 .doc = "Order: the value is W_p (the p-th root of the cost)."},
	END};
static const param_spec p_sliced[] = {
	{.name = "n_projections", .type = PT_INT, .def = "50", .min = 1,
	 .max = 1000000, .flags = PF_MIN | PF_MAX,
	 .doc = "Number of random directions (when projections is not "
		"given)."},
	{.name = "p", .type = PT_NUMBER, .def = "2", .min = 1, .flags = PF_MIN,
	 .doc = "Order of the distance."},
	{.name = "seed", .type = PT_INT, .def = "0", .min = 0, .flags = PF_MIN,
	 .doc = "Seed of the directions."},
	END};

#define ALTERNATIVE                                                            \
	{.name = "alternative", .type = PT_ENUM, .def = "\"two-sided\"",        \
	 CHOICES(alternative),                                                 \
	 .doc = "The alternative hypothesis, as SciPy names it."}
static const param_spec p_ks[] = {
	ALTERNATIVE,
	{.name = "method", .type = PT_ENUM, .def = "\"auto\"", CHOICES(ks_method),
	 .doc = "auto: exact when both samples have at most 10000 points; "
		"exact falls back to asymp (with a warning) as SciPy does."},
	END};
static const param_spec p_mwu[] = {
	{.name = "use_continuity", .type = PT_BOOL, .def = "true",
	 .doc = "Continuity correction of 1/2 (asymptotic only)."},
	ALTERNATIVE,
	{.name = "method", .type = PT_ENUM, .def = "\"auto\"",
	 CHOICES(test_method),
	 .doc = "auto: exact when a sample has at most 8 points and there are "
		"no ties."},
	END};
static const param_spec p_cvm[] = {
	{.name = "method", .type = PT_ENUM, .def = "\"auto\"",
	 CHOICES(test_method),
	 .doc = "auto: exact when both samples have at most 20 points."},
	END};
static const param_spec p_ad[] = {
	{.name = "midrank", .type = PT_BOOL, .def = "true",
	 .doc = "The midrank statistic (for ties); false: right-continuous "
		"EDFs."},
	END};
static const param_spec p_chi2[] = {
	{.name = "correction", .type = PT_BOOL, .def = "true",
	 .doc = "Yates' continuity correction when dof is 1."},
	{.name = "lambda_", .type = PT_ENUM, .def = "\"pearson\"",
	 CHOICES(lambda),
	 .doc = "The power-divergence statistic, by SciPy's name."},
	END};
#define BINNED                                                                 \
	{.name = "categorical", .type = PT_BOOL, .def = "false",                \
	 .doc = "Raw samples are category codes: one bin per value."},         \
	{.name = "bins", .type = PT_INT, .def = "null", .min = 1,               \
	 .max = 100000, .flags = PF_NULLABLE | PF_MIN | PF_MAX,                 \
	 .doc = "Equal-width bins over both samples' range; null: numpy's "    \
		"sturges edges, as Evidently."}
static const param_spec p_binned[] = {BINNED, END};
static const param_spec p_binned_b[] = {
	BINNED,
	{.name = "base", .type = PT_NUMBER, .def = "null", .min = 0,
	 .flags = PF_NULLABLE | POS,
	 .doc = "Base of the logarithm; null: natural."},
	END};

/* ------------------------------------------------------------ metrics */

#define LOSS .family = "loss", .flags = MF_LOSS

const metric registry[] = {
	{.name = "mse", LOSS, .summary = "Mean squared error.",
	 .reference = "torch.nn.functional.mse_loss",
	 .inputs = in_pair, .params = p_mse, .run = m_mse,
	 SLOTS(I_PAIR, P_MSE)},
	{.name = "mae", LOSS, .summary = "Mean absolute error.",
	 .reference = "torch.nn.functional.l1_loss",
	 .inputs = in_pair, .params = p_red, .run = m_mae,
	 SLOTS(I_PAIR, P_RED)},
	{.name = "huber", LOSS, .summary = "Huber loss.",
	 .reference = "torch.nn.functional.huber_loss",
	 .inputs = in_pair, .params = p_huber, .run = m_huber,
	 SLOTS(I_PAIR, P_HUBER)},
	{.name = "smooth_l1", LOSS, .summary = "Smooth L1 loss.",
	 .reference = "torch.nn.functional.smooth_l1_loss",
	 .inputs = in_pair, .params = p_sl1, .run = m_smooth_l1,
	 SLOTS(I_PAIR, P_SL1)},
	{.name = "gaussian_nll", LOSS,
	 .summary = "Gaussian negative log-likelihood.",
	 .reference = "torch.nn.functional.gaussian_nll_loss",
	 .inputs = in_gnll, .params = p_gnll, .run = m_gaussian_nll,
	 SLOTS(I_GNLL, P_GNLL)},
	{.name = "tukey", LOSS,
	 .summary = "Tukey's biweight loss on MAD-scaled residuals.",
	 .reference = "Belagiannis et al., ICCV 2015",
	 .inputs = in_tukey, .params = p_tukey, .run = m_tukey,
	 SLOTS(I_PAIR, P_TUKEY)},
	{.name = "bce", LOSS,
	 .summary = "Binary cross-entropy on probabilities.",
	 .reference = "torch.nn.functional.binary_cross_entropy",
	 .inputs = in_pair_w, .params = p_red, .run = m_bce,
	 SLOTS(I_PAIR_W, P_RED)},
	{.name = "bce_with_logits", LOSS,
	 .summary = "Binary cross-entropy on logits.",
	 .reference = "torch.nn.functional.binary_cross_entropy_with_logits",
	 .inputs = in_pair_w, .params = p_bcel, .run = m_bce_with_logits,
	 SLOTS(I_PAIR_W, P_BCEL)},
	{.name = "cross_entropy", LOSS,
	 .summary = "Softmax cross-entropy on logits.",
	 .reference = "torch.nn.functional.cross_entropy",
	 .inputs = in_ce, .params = p_ce, .run = m_cross_entropy,
	 SLOTS(I_PAIR, P_CE)},
	{.name = "nll", LOSS,
	 .summary = "Negative log-likelihood on log-probabilities.",
	 .reference = "torch.nn.functional.nll_loss",
	 .inputs = in_nll, .params = p_nll, .run = m_nll,
	 SLOTS(I_PAIR, P_NLL)},
	{.name = "focal", LOSS, .summary = "Softmax focal loss.",
	 .reference = "-α_t(1-p_t)^γ log p_t",
	 .inputs = in_focal, .params = p_focal, .run = m_focal,
	 SLOTS(I_PAIR, P_FOCAL)},
	{.name = "sigmoid_focal", LOSS, .summary = "Sigmoid focal loss.",
	 .reference = "torchvision.ops.sigmoid_focal_loss",
	 .inputs = in_pair, .params = p_sfocal, .run = m_sigmoid_focal,
	 SLOTS(I_PAIR, P_SFOCAL)},
	{.name = "dice", LOSS, .summary = "Dice loss per sample and class.",
	 .reference = "monai.losses.DiceLoss",
	 .inputs = in_dice, .params = p_dice, .run = m_dice,
	 SLOTS(I_PAIR, P_DICE)},
	{.name = "perceptual", LOSS,
	 .summary = "LPIPS-style distance between feature stacks.",
	 .reference = "LPIPS (Zhang et al., CVPR 2018)",
	 .inputs = in_perc, .params = p_perc, .run = m_perceptual,
	 SLOTS(I_PAIR, P_PERC)},
	{.name = "average_precision", .family = "rank",
	 .summary = "Average precision of a ranking.",
	 .reference = "sklearn.metrics.average_precision_score",
	 .inputs = in_rank, .params = p_none, .run = m_average_precision,
	 SLOTS(I_RANK, P_NONE)},
	{.name = "ndcg", .family = "rank",
	 .summary = "Normalised discounted cumulative gain.",
	 .reference = "sklearn.metrics.ndcg_score",
	 .inputs = in_rank, .params = p_ndcg, .run = m_ndcg,
	 SLOTS(I_RANK, P_NDCG)},
	{.name = "fid", .family = "generative",
	 .summary = "Fréchet distance between Gaussian fits.",
	 .reference = "pytorch_fid.fid_score.calculate_frechet_distance",
	 .inputs = in_fid, .params = p_fid, .run = m_fid, .cost = c_fid,
	 .flags = MF_HEAVY, SLOTS(I_XY, P_FID)},
	{.name = "kid", .family = "generative",
	 .summary = "Kernel Inception Distance (unbiased MMD²).",
	 .reference = "Bińkowski et al., ICLR 2018 (polynomial kernel)",
	 .inputs = in_kid, .params = p_kid, .run = m_kid, .cost = c_kid,
	 .flags = MF_HEAVY, SLOTS(I_XY, P_KID)},
	{.name = "inception_score", .family = "generative",
	 .summary = "Inception Score.",
	 .reference = "Salimans et al., NeurIPS 2016",
	 .inputs = in_is, .params = p_is, .run = m_inception_score,
	 SLOTS(I_IS, P_IS)},
	{.name = "emd", .family = "distance",
	 .summary = "Exact earth mover's distance.",
	 .reference = "ot.emd2",
	 .inputs = in_ot, .params = p_emd, .run = m_emd, .flags = MF_HEAVY,
	 SLOTS(I_OT, P_EMD)},
	{.name = "wasserstein_1d", .family = "distance",
	 .summary = "Wasserstein distance on the line.",
	 .reference = "scipy.stats.wasserstein_distance",
	 .inputs = in_1d, .params = p_w1d, .run = m_wasserstein_1d,
	 SLOTS(I_1D, P_W1D)},
	{.name = "sinkhorn", .family = "distance",
	 .summary = "Entropic optimal transport cost.",
	 .reference = "ot.sinkhorn2",
	 .inputs = in_ot, .params = p_sinkhorn, .run = m_sinkhorn,
	 .flags = MF_HEAVY, SLOTS(I_OT, P_SINKHORN)},
	{.name = "sliced_wasserstein", .family = "distance",
	 .summary = "Sliced Wasserstein distance.",
	 .reference = "ot.sliced_wasserstein_distance",
	 .inputs = in_sliced, .params = p_sliced, .run = m_sliced_wasserstein,
	 .flags = MF_HEAVY, SLOTS(I_SLICED, P_SLICED)},
	{.name = "energy_distance", .family = "distance",
	 .summary = "Energy distance on the line.",
	 .reference = "scipy.stats.energy_distance",
	 .inputs = in_1d, .params = p_none, .run = m_energy_distance,
	 SLOTS(I_1D, P_NONE)},
	{.name = "ks_2samp", .family = "drift",
	 .summary = "Two-sample Kolmogorov-Smirnov test.",
	 .reference = "scipy.stats.ks_2samp",
	 .inputs = in_2samp, .params = p_ks, .run = m_ks_2samp,
	 SLOTS(I_XY, P_KS)},
	{.name = "cramervonmises_2samp", .family = "drift",
	 .summary = "Two-sample Cramér-von Mises test.",
	 .reference = "scipy.stats.cramervonmises_2samp",
	 .inputs = in_2samp, .params = p_cvm, .run = m_cramervonmises_2samp,
	 SLOTS(I_XY, P_CVM)},
	{.name = "anderson_ksamp", .family = "drift",
	 .summary = "k-sample Anderson-Darling test.",
	 .reference = "scipy.stats.anderson_ksamp",
	 .inputs = in_ksamp, .params = p_ad, .run = m_anderson_ksamp,
	 SLOTS(I_SAMPLES, P_AD)},
	{.name = "mannwhitneyu", .family = "drift",
	 .summary = "Mann-Whitney U rank test.",
	 .reference = "scipy.stats.mannwhitneyu",
	 .inputs = in_2samp, .params = p_mwu, .run = m_mannwhitneyu,
	 SLOTS(I_XY, P_MWU)},
	{.name = "chi2_contingency", .family = "drift",
	 .summary = "Chi-square test of independence of a contingency table.",
	 .reference = "scipy.stats.chi2_contingency",
	 .inputs = in_table, .params = p_chi2, .run = m_chi2_contingency,
	 SLOTS(I_TABLE, P_CHI2)},
	{.name = "psi", .family = "drift",
	 .summary = "Population stability index of binned shares.",
	 .reference = "Evidently 0.4 psi_stat_test",
	 .inputs = in_binned, .params = p_binned, .run = m_psi,
	 SLOTS(I_BINNED, P_BINNED)},
	{.name = "kl_divergence", .family = "drift",
	 .summary = "KL divergence of binned shares.",
	 .reference = "scipy.stats.entropy (Evidently 0.4 kl_div_stat_test)",
	 .inputs = in_binned, .params = p_binned_b, .run = m_kl_divergence,
	 SLOTS(I_BINNED, P_BINNED_B)},
	{.name = "jensenshannon", .family = "drift",
	 .summary = "Jensen-Shannon distance of binned shares.",
	 .reference = "scipy.spatial.distance.jensenshannon",
	 .inputs = in_binned, .params = p_binned_b, .run = m_jensenshannon,
	 SLOTS(I_BINNED, P_BINNED_B)},
	{.name = "hellinger", .family = "drift",
	 .summary = "Hellinger distance of binned shares.",
	 .reference = "Evidently 0.4 hellinger_stat_test",
	 .inputs = in_binned, .params = p_binned, .run = m_hellinger,
	 SLOTS(I_BINNED, P_BINNED)},
	{.name = "total_variation", .family = "drift",
	 .summary = "Total variation distance of binned shares.",
	 .reference = "½ Σ |p − q| on binned shares",
	 .inputs = in_binned, .params = p_binned, .run = m_total_variation,
	 SLOTS(I_BINNED, P_BINNED)},
	{.name = "wasserstein_normed", .family = "drift",
	 .summary = "Wasserstein distance normed by the reference's std.",
	 .reference = "Evidently 0.4 wasserstein_stat_test",
	 .inputs = in_2samp, .params = p_none, .run = m_wasserstein_normed,
	 SLOTS(I_XY, P_NONE)},
	{0},
};
// clang-format on
