/* registry_table.c - the metric table: one row per served metric.
 *
 * This is the single source of truth for what evald serves: routing, input
 * and parameter validation, defaults and the catalog all read these rows.
 * To add a metric, add its row here (every field named), its slot lists
 * and metric_fn in metric_fns.h and a family file; registry_check() refuses
 * at start-up a row that disagrees with its function or its enums. */
#include <evald/auc.h>
#include <evald/confusion.h>
#include <evald/corr.h>
#include <evald/drift.h>
#include <evald/loss.h>
#include <evald/loss_margin.h>
#include <evald/loss_prob.h>
#include <evald/mmd.h>
#include <evald/ot.h>
#include <evald/reduce.h>
#include <evald/regscore.h>
#include <evald/retrieval.h>
#include <evald/twosample.h>
#include <evald/vendi.h>

#include "cls_labels.h"
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
#define KL_REDUCTION_ENUM(X)                                                   \
	X(EVALD_KL_MEAN, "mean")                                               \
	X(EVALD_KL_SUM, "sum")                                                 \
	X(EVALD_KL_NONE, "none")                                               \
	X(EVALD_KL_BATCHMEAN, "batchmean")
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
#define AVERAGE_ENUM(X)                                                        \
	X(EVALD_AVG_BINARY, "binary")                                          \
	X(EVALD_AVG_MICRO, "micro")                                            \
	X(EVALD_AVG_MACRO, "macro")                                            \
	X(EVALD_AVG_WEIGHTED, "weighted")                                      \
	X(CLS_AVG_SAMPLES, "samples")                                          \
	X(EVALD_AVG_NONE, "none")
#define CM_NORMALIZE_ENUM(X)                                                   \
	X(CLS_CM_TRUE, "true")                                                 \
	X(CLS_CM_PRED, "pred")                                                 \
	X(CLS_CM_ALL, "all")
#define KAPPA_WEIGHTS_ENUM(X)                                                  \
	X(EVALD_KAPPA_LINEAR, "linear")                                        \
	X(EVALD_KAPPA_QUADRATIC, "quadratic")
#define BINNING_ENUM(X)                                                        \
	X(EVALD_BINS_UNION, "union")                                           \
	X(EVALD_BINS_REF_QUANTILES, "reference_quantiles")
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
#define MULTIOUTPUT_ENUM(X)                                                    \
	X(EVALD_MO_RAW, "raw_values")                                          \
	X(EVALD_MO_UNIFORM, "uniform_average")                                 \
	X(EVALD_MO_VARIANCE, "variance_weighted")
#define MULTIOUTPUT2_ENUM(X)                                                   \
	X(EVALD_MO_RAW, "raw_values")                                          \
	X(EVALD_MO_UNIFORM, "uniform_average")
#define TAU_VARIANT_ENUM(X)                                                    \
	X(EVALD_TAU_B, "b")                                                    \
	X(EVALD_TAU_C, "c")
#define PVALUE_METHOD_ENUM(X)                                                  \
	X(EVALD_PV_AUTO, "auto")                                               \
	X(EVALD_PV_ASYMPTOTIC, "asymptotic")                                   \
	X(EVALD_PV_EXACT, "exact")
#define EMPTY_ACTION_ENUM(X)                                                   \
	X(EVALD_EMPTY_NEG, "neg")                                              \
	X(EVALD_EMPTY_POS, "pos")                                              \
	X(EVALD_EMPTY_SKIP, "skip")                                            \
	X(EVALD_EMPTY_ERROR, "error")
#define MMD_ESTIMATOR_ENUM(X)                                                  \
	X(EVALD_MMD_UNBIASED, "unbiased")                                      \
	X(EVALD_MMD_BIASED, "biased")
#define MMD_PRESET_ENUM(X)                                                     \
	X(MMD_PRESET_NONE, "none")                                             \
	X(MMD_PRESET_CMMD, "cmmd")
#define VENDI_KERNEL_ENUM(X)                                                   \
	X(EVALD_VENDI_COSINE, "cosine")                                        \
	X(EVALD_VENDI_RBF, "rbf")                                              \
	X(EVALD_VENDI_LINEAR, "linear")

REG_ENUM(reduction, REDUCTION_ENUM);
REG_ENUM(kl_reduction, KL_REDUCTION_ENUM);
REG_ENUM(tukey_scale, TUKEY_SCALE_ENUM);
REG_ENUM(activation, ACTIVATION_ENUM);
REG_ENUM(perc_distance, PERC_DISTANCE_ENUM);
#define AUC_AVERAGE_ENUM(X)                                                    \
	X(EVALD_AVG_MACRO, "macro")                                            \
	X(EVALD_AVG_MICRO, "micro")                                            \
	X(EVALD_AVG_WEIGHTED, "weighted")                                      \
	X(EVALD_AVG_SAMPLES, "samples")                                        \
	X(EVALD_AVG_NONE, "none")
#define MULTI_CLASS_ENUM(X)                                                    \
	X(EVALD_MC_RAISE, "raise")                                             \
	X(EVALD_MC_OVR, "ovr")                                                 \
	X(EVALD_MC_OVO, "ovo")
#define CE_NORM_ENUM(X)                                                        \
	X(EVALD_CE_L1, "l1")                                                   \
	X(EVALD_CE_MAX, "max")                                                 \
	X(EVALD_CE_L2, "l2")

REG_ENUM(ot_metric, OT_METRIC_ENUM);
REG_ENUM(auc_average, AUC_AVERAGE_ENUM);
REG_ENUM(multi_class, MULTI_CLASS_ENUM);
REG_ENUM(ce_norm, CE_NORM_ENUM);
REG_ENUM(average, AVERAGE_ENUM);
REG_ENUM(cm_normalize, CM_NORMALIZE_ENUM);
REG_ENUM(kappa_weights, KAPPA_WEIGHTS_ENUM);
REG_ENUM(alternative, ALTERNATIVE_ENUM);
REG_ENUM(ks_method, KS_METHOD_ENUM);
REG_ENUM(test_method, TEST_METHOD_ENUM);
REG_ENUM(lambda, LAMBDA_ENUM);
REG_ENUM(binning, BINNING_ENUM);
REG_ENUM(multioutput, MULTIOUTPUT_ENUM);
REG_ENUM(multioutput2, MULTIOUTPUT2_ENUM);
REG_ENUM(tau_variant, TAU_VARIANT_ENUM);
REG_ENUM(pvalue_method, PVALUE_METHOD_ENUM);
REG_ENUM(empty_action, EMPTY_ACTION_ENUM);
REG_ENUM(mmd_estimator, MMD_ESTIMATOR_ENUM);
REG_ENUM(mmd_preset, MMD_PRESET_ENUM);
REG_ENUM(vendi_kernel, VENDI_KERNEL_ENUM);

/* ------------------------------------------------------------ slot lists */

/* The names of metric_fns.h's slot lists; SLOTS() binds a row to two. */
#define SLOT_NAME_(L, name) #name,
#define SLOT_NAMES(L) static const char *const L##_names[] = {L(SLOT_NAME_, L) 0}
#define SLOTS(I, P) .slots = {.inputs = I##_names, .params = P##_names}

SLOT_NAMES(I_PAIR); SLOT_NAMES(I_PAIR_W); SLOT_NAMES(I_GNLL);
SLOT_NAMES(I_RANK); SLOT_NAMES(I_XY); SLOT_NAMES(I_IS); SLOT_NAMES(I_1D);
SLOT_NAMES(I_CLS); SLOT_NAMES(I_TOPK); SLOT_NAMES(P_ACC); SLOT_NAMES(P_BACC);
SLOT_NAMES(P_TOPK); SLOT_NAMES(P_PRF); SLOT_NAMES(P_FBETA); SLOT_NAMES(P_CM);
SLOT_NAMES(I_SCORE); SLOT_NAMES(I_BRIER); SLOT_NAMES(I_LOGLOSS);
SLOT_NAMES(I_CALIB); SLOT_NAMES(P_ROC_AUC); SLOT_NAMES(P_ROC_CURVE);
SLOT_NAMES(P_PR_CURVE); SLOT_NAMES(P_BRIER); SLOT_NAMES(P_LOGLOSS);
SLOT_NAMES(P_CALIB);
SLOT_NAMES(P_KAPPA);
SLOT_NAMES(I_OT); SLOT_NAMES(I_SLICED); SLOT_NAMES(I_PAIR12);
SLOT_NAMES(I_TRIPLET);
SLOT_NAMES(P_RED); SLOT_NAMES(P_MSE); SLOT_NAMES(P_HUBER); SLOT_NAMES(P_SL1);
SLOT_NAMES(P_GNLL); SLOT_NAMES(P_TUKEY); SLOT_NAMES(P_BCEL);
SLOT_NAMES(P_NLL); SLOT_NAMES(P_CE); SLOT_NAMES(P_SFOCAL);
SLOT_NAMES(P_FOCAL); SLOT_NAMES(P_DICE); SLOT_NAMES(P_PERC);
SLOT_NAMES(P_NONE); SLOT_NAMES(P_NDCG); SLOT_NAMES(P_FID); SLOT_NAMES(P_KID);
SLOT_NAMES(P_IS); SLOT_NAMES(P_EMD); SLOT_NAMES(P_SINKHORN);
SLOT_NAMES(P_W1D); SLOT_NAMES(P_SLICED); SLOT_NAMES(P_KL);
SLOT_NAMES(P_PNLL); SLOT_NAMES(P_MARGIN); SLOT_NAMES(P_MMARGIN);
SLOT_NAMES(P_TRIPLET); SLOT_NAMES(I_CTC); SLOT_NAMES(P_CTC);
SLOT_NAMES(I_SAMPLES); SLOT_NAMES(I_TABLE); SLOT_NAMES(I_BINNED);
SLOT_NAMES(P_KS); SLOT_NAMES(P_MWU); SLOT_NAMES(P_CVM); SLOT_NAMES(P_AD);
SLOT_NAMES(P_CHI2); SLOT_NAMES(P_BINNED); SLOT_NAMES(P_BINNED_B);
SLOT_NAMES(I_REG); SLOT_NAMES(I_REG2); SLOT_NAMES(I_RETR);
SLOT_NAMES(P_DCG); SLOT_NAMES(P_AP); SLOT_NAMES(P_MO); SLOT_NAMES(P_R2);
SLOT_NAMES(P_MSLE); SLOT_NAMES(P_PINBALL); SLOT_NAMES(P_KENDALL);
SLOT_NAMES(P_RETR); SLOT_NAMES(P_PREC);
SLOT_NAMES(I_RF); SLOT_NAMES(I_X); SLOT_NAMES(P_PRDC); SLOT_NAMES(P_FIDINF);
SLOT_NAMES(P_MIFID); SLOT_NAMES(P_MMD); SLOT_NAMES(P_VENDI);

/* ------------------------------------------------------------ inputs */

#define END {0}
#define TENSOR(n, s, req) {.name = n, .kind = IN_TENSOR, .shape = s, .required = req}
/* A tensor that may also name a reference or stream keeping its rows. */
#define ROWS(n, s, req) {.name = n, .kind = IN_TENSOR, .shape = s " or {reference} or {stream} with kept rows", .required = req, .stored = 1}
/* Class labels: integers sent as integers are counted as they are. */
#define CLASSES(n, s, req) {.name = n, .kind = IN_TENSOR, .shape = s, .required = req, .labels = 1}
/* Scores: a float32 .npz member is sorted as it is. */
#define SCORES(n, s, req) {.name = n, .kind = IN_TENSOR, .shape = s, .required = req, .f32 = 1}
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
static const input_spec in_kl[] = {
	TENSOR("input", "[...] (log-probabilities)", REQUIRED),
	TENSOR("target", "broadcastable with input (probabilities, or "
			 "log-probabilities with log_target)", REQUIRED),
	END};
static const input_spec in_bcast[] = {
	TENSOR("input", "[...]", REQUIRED),
	TENSOR("target", "broadcastable with input", REQUIRED),
	END};
static const input_spec in_soft_margin[] = {
	TENSOR("input", "[...]", REQUIRED),
	TENSOR("target", "broadcastable to input (±1)", REQUIRED),
	END};
static const input_spec in_ranking[] = {
	TENSOR("input1", "[...]", REQUIRED),
	TENSOR("input2", "as many dims as input1, broadcastable", REQUIRED),
	TENSOR("target", "as many dims as input1, broadcastable (±1)",
	       REQUIRED),
	END};
static const input_spec in_mlsm[] = {
	TENSOR("input", "[N,C] or [C] (logits)", REQUIRED),
	TENSOR("target", "broadcastable to input (labels in [0,1])", REQUIRED),
	TENSOR("weight", "broadcastable to input, e.g. [C]", OPTIONAL),
	END};
static const input_spec in_multi_margin[] = {
	TENSOR("input", "[N,C] or [C]", REQUIRED),
	TENSOR("target", "[N] or a number (class indices)", REQUIRED),
	END};
static const input_spec in_mlm[] = {
	TENSOR("input", "[N,C] or [C]", REQUIRED),
	TENSOR("target", "like input: class indices, then -1 padding",
	       REQUIRED),
	END};
static const input_spec in_cosine[] = {
	TENSOR("input1", "[N,D] or [D]", REQUIRED),
	TENSOR("input2", "[N,D] or [D], broadcastable with input1", REQUIRED),
	TENSOR("target", "[N] or a number (±1)", REQUIRED),
	END};
static const input_spec in_triplet[] = {
	TENSOR("anchor", "[N,D] or [D]", REQUIRED),
	TENSOR("positive", "like anchor, broadcastable", REQUIRED),
	TENSOR("negative", "like anchor, broadcastable", REQUIRED),
	END};
static const input_spec in_ctc[] = {
	TENSOR("log_probs", "[T,N,C] or [T,C] (log-probabilities)", REQUIRED),
	TENSOR("targets", "[N,S] padded, or 1-D concatenated (or [S])",
	       REQUIRED),
	TENSOR("input_lengths", "[N] (or a number)", REQUIRED),
	TENSOR("target_lengths", "[N] (or a number)", REQUIRED),
	END};
static const input_spec in_rank[] = {
	TENSOR("scores", "[N] or [Q,N]", REQUIRED),
	TENSOR("relevance", "same as scores", REQUIRED),
	END};
/* average_precision: in_rank, with float32 scores and integer
 * relevance kept as sent (m_rank.c). */
static const input_spec in_ap[] = {
	SCORES("scores", "[N] or [Q,N]", REQUIRED),
	CLASSES("relevance", "same as scores", REQUIRED),
	END};
static const input_spec in_reg[] = {
	TENSOR("y_true", "[N] or [N,K]", REQUIRED),
	TENSOR("y_pred", "same as y_true", REQUIRED),
	TENSOR("sample_weight", "[N]", OPTIONAL),
	END};
static const input_spec in_reg2[] = {
	TENSOR("y_true", "[N]", REQUIRED),
	TENSOR("y_pred", "[N]", REQUIRED),
	END};
static const input_spec in_corr[] = {
	TENSOR("x", "[N]", REQUIRED),
	TENSOR("y", "[N]", REQUIRED),
	END};
static const input_spec in_retr[] = {
	TENSOR("scores", "[N] or [Q,N]", REQUIRED),
	TENSOR("relevance", "same as scores, 0 or 1", REQUIRED),
	TENSOR("indexes", "[N] query id per item (flat scores only)",
	       OPTIONAL),
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
	ROWS("x", "[N,d]", REQUIRED),
	ROWS("y", "[M,d]", REQUIRED),
	END};
static const input_spec in_is[] = {
	TENSOR("probs", "[N,C]", REQUIRED),
	END};
static const input_spec in_rf[] = {
	ROWS("real", "[N,d]", REQUIRED),
	ROWS("fake", "[M,d]", REQUIRED),
	END};
static const input_spec in_fidinf[] = {
	{.name = "real", .kind = IN_SET,
	 .shape = "[N,d] or {mu,sigma} or {reference} or {stream}",
	 .required = REQUIRED},
	ROWS("fake", "[M,d]", REQUIRED),
	END};
static const input_spec in_vendi[] = {
	ROWS("x", "[n,d]", REQUIRED),
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
static const input_spec in_cls[] = {
	CLASSES("y_true", "[N] labels", REQUIRED),
	CLASSES("y_pred", "[N] labels", REQUIRED),
	TENSOR("sample_weight", "[N]", OPTIONAL),
	END};
static const input_spec in_cls_ml[] = {
	CLASSES("y_true", "[N] labels or [N,L] 0/1 indicators", REQUIRED),
	CLASSES("y_pred", "[N] labels or [N,L] 0/1 indicators", REQUIRED),
	TENSOR("sample_weight", "[N]", OPTIONAL),
	END};
static const input_spec in_topk[] = {
	TENSOR("y_true", "[N] labels", REQUIRED),
	TENSOR("y_score", "[N,C], or [N] for two classes", REQUIRED),
	TENSOR("sample_weight", "[N]", OPTIONAL),
	END};

static const input_spec in_score[] = {
	TENSOR("y_true", "[N] labels, or [N,L] indicators (roc_auc)", REQUIRED),
	TENSOR("y_score", "[N], or [N,C] (roc_auc)", REQUIRED),
	TENSOR("sample_weight", "[N]", OPTIONAL),
	END};
/* roc_auc: in_score, with float32 scores and integer labels kept as
 * sent (m_auc.c). */
static const input_spec in_auc[] = {
	CLASSES("y_true", "[N] labels, or [N,L] indicators (roc_auc)", REQUIRED),
	SCORES("y_score", "[N], or [N,C] (roc_auc)", REQUIRED),
	TENSOR("sample_weight", "[N]", OPTIONAL),
	END};
static const input_spec in_brier[] = {
	TENSOR("y_true", "[N] labels", REQUIRED),
	TENSOR("y_prob", "[N] probabilities", REQUIRED),
	TENSOR("sample_weight", "[N]", OPTIONAL),
	END};
static const input_spec in_logloss[] = {
	TENSOR("y_true", "[N] labels", REQUIRED),
	TENSOR("y_pred", "[N] or [N,C] probabilities", REQUIRED),
	TENSOR("sample_weight", "[N]", OPTIONAL),
	END};
static const input_spec in_calib[] = {
	TENSOR("y_true", "[N]: 0/1, or class indices with [N,C] y_prob",
	       REQUIRED),
	TENSOR("y_prob", "[N] or [N,C] probabilities (or logits)", REQUIRED),
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
	{.name = "pos_weight", .type = PT_TENSOR, .def = "null",
	 .flags = PF_NULLABLE,
	 .doc = "Weight of positive examples: a number, or a tensor that "
		"broadcasts to target's shape (e.g. one per class of the last "
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
	{.name = "alpha", .type = PT_VECTOR, .def = "0.25",
	 .doc = "Weight of positives (1−alpha for negatives): a number "
		"(negative disables) or one weight >= 0 per class of the "
		"last dim."},
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
	{.name = "batch", .type = PT_BOOL, .def = "false",
	 .doc = "Sum over the batch dim too before the ratio: one loss per "
		"class."},
	{.name = "weight", .type = PT_VECTOR, .def = "null",
	 .flags = PF_NULLABLE,
	 .doc = "Class weights >= 0 multiplying each class's loss: a number "
		"or one per kept class."},
	{.name = "jaccard", .type = PT_BOOL, .def = "false",
	 .doc = "Jaccard form: the denominator is 2·(Σy + Σp − Σy·p)."},
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
static const param_spec p_kl[] = {
	{.name = "reduction", .type = PT_ENUM, .def = "\"mean\"",
	 CHOICES(kl_reduction),
	 .doc = "mean (over every element, as torch), sum, none (returns "
		"\"values\") or batchmean (the sum divided by input's dim 0)."},
	{.name = "log_target", .type = PT_BOOL, .def = "false",
	 .doc = "target holds log-probabilities."},
	END};
static const param_spec p_pnll[] = {
	REDUCTION,
	{.name = "log_input", .type = PT_BOOL, .def = "true",
	 .doc = "input is the log of the rate (loss exp(x) − y·x); false: "
		"the rate itself (x − y·log(x + eps))."},
	{.name = "full", .type = PT_BOOL, .def = "false",
	 .doc = "Add the Stirling term y·log y − y + ½log(2πy) where y > 1."},
	{.name = "eps", .type = PT_NUMBER, .def = "1e-08",
	 .doc = "Added to the rate inside the log when log_input is false."},
	END};
static const param_spec p_margin0[] = {
	REDUCTION,
	{.name = "margin", .type = PT_NUMBER, .def = "0.0",
	 .doc = "Margin the loss enforces."},
	END};
static const param_spec p_margin1[] = {
	REDUCTION,
	{.name = "margin", .type = PT_NUMBER, .def = "1.0",
	 .doc = "Margin of the hinge where target is -1."},
	END};
static const param_spec p_multi_margin[] = {
	REDUCTION,
	{.name = "p", .type = PT_INT, .def = "1", .min = 1, .max = 2,
	 .flags = PF_MIN | PF_MAX, .doc = "Power of the hinge: 1 or 2."},
	{.name = "margin", .type = PT_NUMBER, .def = "1.0",
	 .doc = "Margin between the target's score and the others'."},
	{.name = "weight", .type = PT_VECTOR, .def = "null",
	 .flags = PF_NULLABLE,
	 .doc = "Per-class weight, length C, applied by the target class."},
	END};
static const param_spec p_triplet[] = {
	REDUCTION,
	{.name = "margin", .type = PT_NUMBER, .def = "1.0",
	 .doc = "Margin between the positive and the negative distance."},
	{.name = "p", .type = PT_NUMBER, .def = "2.0",
	 .doc = "Order of the pairwise distance (0 counts non-zeros)."},
	{.name = "eps", .type = PT_NUMBER, .def = "1e-06",
	 .doc = "Added to every difference, as torch.pairwise_distance."},
	{.name = "swap", .type = PT_BOOL, .def = "false",
	 .doc = "Use min(d(a,n), d(p,n)) as the negative distance."},
	END};
static const param_spec p_ctc[] = {
	REDUCTION,
	{.name = "blank", .type = PT_INT, .def = "0", .min = 0, .flags = PF_MIN,
	 .doc = "Class index of the blank label, in [0,C)."},
	{.name = "zero_infinity", .type = PT_BOOL, .def = "false",
	 .doc = "When true, a sample no alignment fits costs 0 instead of "
		"+inf."},
	END};
static const param_spec p_none[] = {END};
#define RANK_K                                                                 \
	{.name = "k", .type = PT_INT, .def = "null", .min = 1,                 \
	 .flags = PF_NULLABLE | PF_MIN,                                        \
	 .doc = "Only the top k ranks count; null means all."}
#define IGNORE_TIES                                                            \
	{.name = "ignore_ties", .type = PT_BOOL, .def = "false",               \
	 .doc = "true: rank tied scores by position (last first, as "          \
		"sklearn's reversed argsort) instead of averaging their "      \
		"gains."}
static const param_spec p_ndcg[] = {RANK_K, IGNORE_TIES, END};
static const param_spec p_dcg[] = {
	RANK_K,
	{.name = "log_base", .type = PT_NUMBER, .def = "2", .min = 1,
	 .flags = POS, .doc = "Base of the logarithm of the discount."},
	IGNORE_TIES,
	END};
static const param_spec p_ap[] = {
	{.name = "k", .type = PT_INT, .def = "null", .min = 1,
	 .flags = PF_NULLABLE | PF_MIN,
	 .doc = "AP over the top k ranks (torchmetrics' top_k, ties by "
		"position); null: sklearn's tie-grouped AP over all."},
	END};
#define MULTIOUTPUT(NAME)                                                      \
	{.name = "multioutput", .type = PT_ENUM, .def = "\"uniform_average\"",  \
	 CHOICES(NAME),                                                        \
	 .doc = "How the outputs' scores combine: raw_values returns one "     \
		"per output (\"values\"), uniform_average their mean"          \
		"; variance_weighted (r2, explained_variance) weighs each by "  \
		"its variance of y_true."}
static const param_spec p_mo[] = {MULTIOUTPUT(multioutput2), END};
static const param_spec p_r2[] = {
	MULTIOUTPUT(multioutput),
	{.name = "force_finite", .type = PT_BOOL, .def = "true",
	 .doc = "A constant y_true scores 1 when predicted exactly, else 0, "
		"instead of NaN or -inf."},
	END};
static const param_spec p_msle[] = {
	MULTIOUTPUT(multioutput2),
	{.name = "squared", .type = PT_BOOL, .def = "true",
	 .doc = "false: the root per output (RMSLE)."},
	END};
static const param_spec p_pinball[] = {
	MULTIOUTPUT(multioutput2),
	{.name = "alpha", .type = PT_NUMBER, .def = "0.5",
	 .doc = "The quantile; under-predictions cost alpha, "
		"over-predictions 1 − alpha."},
	END};
static const param_spec p_kendall[] = {
	{.name = "variant", .type = PT_ENUM, .def = "\"b\"",
	 CHOICES(tau_variant), .doc = "tau-b (ties adjusted) or tau-c."},
	{.name = "method", .type = PT_ENUM, .def = "\"auto\"",
	 CHOICES(pvalue_method),
	 .doc = "p-value: exact (no ties only), asymptotic, or auto (exact "
		"without ties for N <= 33)."},
	END};
#define RETR_COMMON                                                            \
	{.name = "top_k", .type = PT_INT, .def = "null", .min = 1,             \
	 .flags = PF_NULLABLE | PF_MIN,                                        \
	 .doc = "Only the top k items of each query count; null means all."}, \
	{.name = "empty_target_action", .type = PT_ENUM, .def = "\"neg\"",     \
	 CHOICES(empty_action),                                                \
	 .doc = "A query without a relevant item scores 0 (neg), 1 (pos), is " \
		"left out (skip) or refused (error)."}
static const param_spec p_retr[] = {RETR_COMMON, END};
static const param_spec p_prec[] = {
	RETR_COMMON,
	{.name = "adaptive_k", .type = PT_BOOL, .def = "false",
	 .doc = "A top_k above the query's size N becomes N."},
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
static const param_spec p_prdc[] = {
	{.name = "nearest_k", .type = PT_INT, .def = "5", .min = 1,
	 .flags = PF_MIN,
	 .doc = "k of the k-NN radii, one for all four (at most the smaller "
		"set's size minus 2)."},
	END};
static const param_spec p_fidinf[] = {
	{.name = "sizes", .type = PT_VECTOR, .def = "null", .flags = PF_NULLABLE,
	 .doc = "Subset sizes of fake; null means points sizes from min_size "
		"to M (np.linspace, truncated)."},
	{.name = "min_size", .type = PT_INT, .def = "5000", .min = 2,
	 .flags = PF_MIN, .doc = "Smallest subset of the default schedule."},
	{.name = "points", .type = PT_INT, .def = "15", .min = 2, .max = 1000,
	 .flags = PF_MIN | PF_MAX,
	 .doc = "Number of sizes of the default schedule."},
	{.name = "seed", .type = PT_INT, .def = "0", .min = 0, .flags = PF_MIN,
	 .doc = "Seed of the subset draws."},
	END};
static const param_spec p_mifid[] = {
	{.name = "cosine_distance_eps", .type = PT_NUMBER, .def = "0.1",
	 .min = 0, .max = 1, .flags = POS | PF_MAX,
	 .doc = "A mean minimum cosine distance at or above it gives penalty "
		"1 (no memorisation)."},
	END};
static const param_spec p_mmd[] = {
	{.name = "bandwidth", .type = PT_NUMBER, .def = "null", .min = 0,
	 .flags = PF_NULLABLE | POS,
	 .doc = "σ of exp(−‖a−b‖²/(2σ²)); null means the median distance "
		"between distinct rows of x and y pooled."},
	{.name = "estimator", .type = PT_ENUM, .def = "\"unbiased\"",
	 CHOICES(mmd_estimator),
	 .doc = "unbiased (U-statistic, no diagonals) or biased (with "
		"them)."},
	{.name = "preset", .type = PT_ENUM, .def = "\"none\"",
	 CHOICES(mmd_preset),
	 .doc = "cmmd: CMMD's bandwidth 10, biased estimator and scale 1000 "
#define REGR .family = "regression"
#define RETR .family = "retrieval"
		"(bandwidth and estimator are then ignored)."},
	{.name = "permutations", .type = PT_INT, .def = "0", .min = 0,
	 .max = 100000, .flags = PF_MIN | PF_MAX,
	 .doc = "Permutations of the test; > 0 adds p_value."},
	{.name = "seed", .type = PT_INT, .def = "0", .min = 0, .flags = PF_MIN,
	 .doc = "Seed of the permutations."},
	END};
static const param_spec p_vendi[] = {
	{.name = "kernel", .type = PT_ENUM, .def = "\"cosine\"",
	 CHOICES(vendi_kernel),
	 .doc = "Similarity: cosine (unit rows), rbf or linear (x·y)."},
	{.name = "bandwidth", .type = PT_NUMBER, .def = "1.0", .min = 0,
	 .flags = POS, .doc = "σ of the rbf kernel exp(−‖a−b‖²/(2σ²))."},
	{.name = "q", .type = PT_NUMBER, .def = "1", .min = 0, .flags = NONNEG,
	 .doc = "Order of the Rényi entropy; 1 is Shannon's."},
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
#define POS_LABEL                                                              \
	{.name = "pos_label", .type = PT_NUMBER, .def = "null",                \
	 .flags = PF_NULLABLE,                                                 \
	 .doc = "The positive label; null: 1 when the labels are {0, 1} or "   \
		"{-1, 1}."}
#define MAX_POINTS                                                             \
	{.name = "max_points", .type = PT_INT, .def = "null", .min = 2,        \
	 .flags = PF_NULLABLE | PF_MIN,                                        \
	 .doc = "Return at most this many points: the first, the last and "    \
		"points evenly spaced by index between; null: all."}
static const param_spec p_roc_auc[] = {
	{.name = "average", .type = PT_ENUM, .def = "\"macro\"",
	 CHOICES(auc_average),
	 .doc = "Multiclass and multilabel: how the per-class areas are "
		"combined (none returns \"values\"); ignored for binary."},
	{.name = "max_fpr", .type = PT_NUMBER, .def = "null", .min = 0,
	 .max = 1, .flags = PF_NULLABLE | POS | PF_MAX,
	 .doc = "Partial AUC up to this false positive rate, McClish "
		"corrected; null: the whole area."},
	{.name = "multi_class", .type = PT_ENUM, .def = "\"raise\"",
	 CHOICES(multi_class),
	 .doc = "Multiclass y_true: ovr (one against the rest) or ovo (Hand "
		"& Till pairs); raise refuses it, as sklearn's default."},
	{.name = "labels", .type = PT_VECTOR, .def = "null",
	 .flags = PF_NULLABLE,
	 .doc = "Multiclass: the label of each column of y_score, "
		"increasing; null: the labels of y_true."},
	END};
static const param_spec p_roc_curve[] = {
	POS_LABEL,
	{.name = "drop_intermediate", .type = PT_BOOL, .def = "true",
	 .doc = "Drop thresholds whose point is collinear with its "
		"neighbours."},
	MAX_POINTS,
	END};
static const param_spec p_pr_curve[] = {POS_LABEL, MAX_POINTS, END};
static const param_spec p_brier[] = {
	{.name = "pos_label", .type = PT_NUMBER, .def = "null",
	 .flags = PF_NULLABLE,
	 .doc = "The positive label; null: 1 when the labels are {0, 1} or "
		"{-1, 1}, else the greater label."},
	END};
static const param_spec p_logloss[] = {
	{.name = "eps", .type = PT_JSON, .def = "\"auto\"",
	 .doc = "Probabilities are clipped to [eps, 1 - eps]; \"auto\": the "
		"machine epsilon of y_pred's dtype."},
	{.name = "normalize", .type = PT_BOOL, .def = "true",
	 .doc = "true: the (weighted) mean per sample; false: the sum."},
	{.name = "labels", .type = PT_VECTOR, .def = "null",
	 .flags = PF_NULLABLE,
	 .doc = "The labels of y_pred's columns; null: the labels of y_true."},
	END};
static const param_spec p_calib[] = {
	{.name = "n_bins", .type = PT_INT, .def = "15", .min = 1,
	 .max = 100000, .flags = PF_MIN | PF_MAX,
	 .doc = "Number of equal-width confidence bins over [0, 1]."},
	{.name = "norm", .type = PT_ENUM, .def = "\"l1\"", CHOICES(ce_norm),
	 .doc = "l1: expected calibration error; max: maximum; l2: root of "
		"the weighted mean squared gap."},
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

#define LABELS(d)                                                              \
	{.name = "labels", .type = PT_VECTOR, .def = "null",                   \
	 .flags = PF_NULLABLE, .doc = d}
#define CLASSIFICATION .family = "classification"
#define PRF_PARAMS                                                             \
	{.name = "average", .type = PT_ENUM, .def = "\"binary\"",               \
	 CHOICES(average),                                                     \
	 .doc = "binary: the pos_label class only; micro: from the summed "    \
		"counts; macro: mean over labels; weighted: mean weighted by "  \
		"support; samples: mean over rows (multilabel only); none: "  \
		"one value per label (\"values\", \"labels\")."},              \
	{.name = "pos_label", .type = PT_NUMBER, .def = "1",                   \
	 .doc = "The positive label of average binary."},                      \
	LABELS("Labels scored, in this order (others still count as wrong "    \
	       "answers); null: every label of y_true and y_pred, sorted. "    \
	       "Column indices for multilabel input."),                        \
	{.name = "zero_division", .type = PT_JSON, .def = "\"warn\"",          \
	 .doc = "Value of a 0/0 ratio: \"warn\" (0 with a warning), 0 or 1."}

static const param_spec p_acc[] = {
	{.name = "normalize", .type = PT_BOOL, .def = "true",
	 .doc = "true: the (weighted) fraction right; false: their count."},
	END};
static const param_spec p_bacc[] = {
	{.name = "adjusted", .type = PT_BOOL, .def = "false",
	 .doc = "Rescale so chance is 0 and perfect is 1."},
	END};
static const param_spec p_topk[] = {
	{.name = "k", .type = PT_INT, .def = "2", .min = 1, .flags = PF_MIN,
	 .doc = "A sample counts when its label is among the k best scores."},
	{.name = "normalize", .type = PT_BOOL, .def = "true",
	 .doc = "true: the (weighted) fraction of hits; false: their count."},
	LABELS("All classes, sorted, one per y_score column; null: the "
	       "labels of y_true."),
	END};
static const param_spec p_prf[] = {PRF_PARAMS, END};
static const param_spec p_fbeta[] = {
	PRF_PARAMS,
	{.name = "beta", .type = PT_NUMBER, .def = "1.0", .min = 0,
	 .flags = NONNEG, .doc = "Weight of recall against precision."},
	END};
static const param_spec p_cm[] = {
	LABELS("Rows and columns, in this order (samples of other labels "
	       "are left out); null: every label, sorted."),
	{.name = "normalize", .type = PT_ENUM, .def = "null",
	 .flags = PF_NULLABLE, CHOICES(cm_normalize),
	 .doc = "true: rows sum to 1; pred: columns; all: the whole matrix; "
		"null: counts."},
	END};
static const param_spec p_kappa[] = {
	LABELS("Labels of the matrix (samples of others are left out); "
	       "null: every label."),
	{.name = "weights", .type = PT_ENUM, .def = "null",
	 .flags = PF_NULLABLE, CHOICES(kappa_weights),
	 .doc = "Disagreement weights: null (0/1), linear |i-j| or "
		"quadratic (i-j)^2."},
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
	 .doc = "Number of bins. union: equal-width bins over both samples' "  \
		"range, null meaning numpy's sturges edges, as Evidently; "     \
		"reference_quantiles: null means 10."},                        \
	{.name = "binning", .type = PT_ENUM, .def = "\"union\"",               \
	 CHOICES(binning),                                                     \
	 .doc = "union: Evidently's edges over both samples; "                 \
		"reference_quantiles: edges at the reference's quantiles, "    \
		"outer bins open (the PSI convention)."}
static const param_spec p_binned[] = {BINNED, END};
static const param_spec p_binned_b[] = {
	BINNED,
	{.name = "base", .type = PT_NUMBER, .def = "null", .min = 0,
	 .flags = PF_NULLABLE | POS,
	 .doc = "Base of the logarithm; null: natural."},
	END};

/* ------------------------------------------------------------ metrics */

#define LOSS .family = "loss", .flags = MF_LOSS
#define CLS .family = "classification"

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
	{.name = "ctc", .family = "loss", .flags = MF_LOSS | MF_HEAVY,
	 .summary = "Connectionist temporal classification loss.",
	 .reference = "torch.nn.functional.ctc_loss",
	 .inputs = in_ctc, .params = p_ctc, .run = m_ctc, .cost = c_ctc,
	 SLOTS(I_CTC, P_CTC)},
	{.name = "kl_div", LOSS,
	 .summary = "Kullback-Leibler divergence on log-probabilities.",
	 .reference = "torch.nn.functional.kl_div",
	 .inputs = in_kl, .params = p_kl, .run = m_kl_div,
	 SLOTS(I_PAIR, P_KL)},
	{.name = "poisson_nll", LOSS,
	 .summary = "Poisson negative log-likelihood.",
	 .reference = "torch.nn.functional.poisson_nll_loss",
	 .inputs = in_bcast, .params = p_pnll, .run = m_poisson_nll,
	 SLOTS(I_PAIR, P_PNLL)},
	{.name = "margin_ranking", LOSS,
	 .summary = "Margin ranking loss of two scores.",
	 .reference = "torch.nn.functional.margin_ranking_loss",
	 .inputs = in_ranking, .params = p_margin0, .run = m_margin_ranking,
	 SLOTS(I_PAIR12, P_MARGIN)},
	{.name = "hinge_embedding", LOSS,
	 .summary = "Hinge embedding loss.",
	 .reference = "torch.nn.functional.hinge_embedding_loss",
	 .inputs = in_bcast, .params = p_margin1, .run = m_hinge_embedding,
	 SLOTS(I_PAIR, P_MARGIN)},
	{.name = "soft_margin", LOSS,
	 .summary = "Two-class logistic loss.",
	 .reference = "torch.nn.functional.soft_margin_loss",
	 .inputs = in_soft_margin, .params = p_red, .run = m_soft_margin,
	 SLOTS(I_PAIR, P_RED)},
	{.name = "multilabel_soft_margin", LOSS,
	 .summary = "Multi-label one-versus-all logistic loss.",
	 .reference = "torch.nn.functional.multilabel_soft_margin_loss",
	 .inputs = in_mlsm, .params = p_red, .run = m_multilabel_soft_margin,
	 SLOTS(I_PAIR_W, P_RED)},
	{.name = "multi_margin", LOSS,
	 .summary = "Multi-class hinge loss.",
	 .reference = "torch.nn.functional.multi_margin_loss",
	 .inputs = in_multi_margin, .params = p_multi_margin,
	 .run = m_multi_margin, SLOTS(I_PAIR, P_MMARGIN)},
	{.name = "multilabel_margin", LOSS,
	 .summary = "Multi-label hinge loss.",
	 .reference = "torch.nn.functional.multilabel_margin_loss",
	 .inputs = in_mlm, .params = p_red, .run = m_multilabel_margin,
	 SLOTS(I_PAIR, P_RED)},
	{.name = "cosine_embedding", LOSS,
	 .summary = "Cosine embedding loss of vector pairs.",
	 .reference = "torch.nn.functional.cosine_embedding_loss",
	 .inputs = in_cosine, .params = p_margin0, .run = m_cosine_embedding,
	 SLOTS(I_PAIR12, P_MARGIN)},
	{.name = "triplet_margin", LOSS,
	 .summary = "Triplet margin loss.",
	 .reference = "torch.nn.functional.triplet_margin_loss",
	 .inputs = in_triplet, .params = p_triplet, .run = m_triplet_margin,
	 SLOTS(I_TRIPLET, P_TRIPLET)},
	{.name = "average_precision", .family = "rank",
	 .summary = "Average precision of a ranking.",
	 .reference = "sklearn.metrics.average_precision_score",
	 .inputs = in_ap, .params = p_ap, .run = m_average_precision,
	 SLOTS(I_RANK, P_AP)},
	{.name = "ndcg", .family = "rank",
	 .summary = "Normalised discounted cumulative gain.",
	 .reference = "sklearn.metrics.ndcg_score",
	 .inputs = in_rank, .params = p_ndcg, .run = m_ndcg,
	 SLOTS(I_RANK, P_NDCG)},
	{.name = "dcg", .family = "rank",
	 .summary = "Discounted cumulative gain.",
	 .reference = "sklearn.metrics.dcg_score",
	 .inputs = in_rank, .params = p_dcg, .run = m_dcg,
	 SLOTS(I_RANK, P_DCG)},
	{.name = "r2", REGR, .summary = "Coefficient of determination R².",
	 .reference = "sklearn.metrics.r2_score",
	 .inputs = in_reg, .params = p_r2, .run = m_r2,
	 SLOTS(I_REG, P_R2)},
	{.name = "explained_variance", REGR,
	 .summary = "Explained variance score.",
	 .reference = "sklearn.metrics.explained_variance_score",
	 .inputs = in_reg, .params = p_r2, .run = m_explained_variance,
	 SLOTS(I_REG, P_R2)},
	{.name = "mape", REGR, .summary = "Mean absolute percentage error.",
	 .reference = "sklearn.metrics.mean_absolute_percentage_error",
	 .inputs = in_reg, .params = p_mo, .run = m_mape,
	 SLOTS(I_REG, P_MO)},
	{.name = "median_absolute_error", REGR,
	 .summary = "Median absolute error.",
	 .reference = "sklearn.metrics.median_absolute_error",
	 .inputs = in_reg, .params = p_mo, .run = m_median_absolute_error,
	 SLOTS(I_REG, P_MO)},
	{.name = "max_error", REGR, .summary = "Largest absolute error.",
	 .reference = "sklearn.metrics.max_error",
	 .inputs = in_reg2, .params = p_none, .run = m_max_error,
	 SLOTS(I_REG2, P_NONE)},
	{.name = "msle", REGR, .summary = "Mean squared logarithmic error.",
	 .reference = "sklearn.metrics.mean_squared_log_error",
	 .inputs = in_reg, .params = p_msle, .run = m_msle,
	 SLOTS(I_REG, P_MSLE)},
	{.name = "pinball", REGR, .summary = "Mean pinball (quantile) loss.",
	 .reference = "sklearn.metrics.mean_pinball_loss",
	 .inputs = in_reg, .params = p_pinball, .run = m_pinball,
	 SLOTS(I_REG, P_PINBALL)},
	{.name = "pearson", REGR,
	 .summary = "Pearson correlation and its p-value.",
	 .reference = "scipy.stats.pearsonr",
	 .inputs = in_corr, .params = p_none, .run = m_pearson,
	 SLOTS(I_XY, P_NONE)},
	{.name = "spearman", REGR,
	 .summary = "Spearman rank correlation and its p-value.",
	 .reference = "scipy.stats.spearmanr",
	 .inputs = in_corr, .params = p_none, .run = m_spearman,
	 SLOTS(I_XY, P_NONE)},
	{.name = "kendall", REGR,
	 .summary = "Kendall's tau and its p-value.",
	 .reference = "scipy.stats.kendalltau",
	 .inputs = in_corr, .params = p_kendall, .run = m_kendall,
	 SLOTS(I_XY, P_KENDALL)},
	{.name = "mrr", RETR, .summary = "Mean reciprocal rank.",
	 .reference = "torchmetrics retrieval_reciprocal_rank",
	 .inputs = in_retr, .params = p_retr, .run = m_mrr,
	 SLOTS(I_RETR, P_RETR)},
	{.name = "precision_at_k", RETR, .summary = "Precision at k.",
	 .reference = "torchmetrics retrieval_precision",
	 .inputs = in_retr, .params = p_prec, .run = m_precision_at_k,
	 SLOTS(I_RETR, P_PREC)},
	{.name = "recall_at_k", RETR, .summary = "Recall at k.",
	 .reference = "torchmetrics retrieval_recall",
	 .inputs = in_retr, .params = p_retr, .run = m_recall_at_k,
	 SLOTS(I_RETR, P_RETR)},
	{.name = "hit_rate_at_k", RETR, .summary = "Hit rate at k.",
	 .reference = "torchmetrics retrieval_hit_rate",
	 .inputs = in_retr, .params = p_retr, .run = m_hit_rate_at_k,
	 SLOTS(I_RETR, P_RETR)},
	{.name = "map", RETR, .summary = "Mean average precision (at k).",
	 .reference = "torchmetrics retrieval_average_precision",
	 .inputs = in_retr, .params = p_retr, .run = m_map,
	 SLOTS(I_RETR, P_RETR)},
	{.name = "roc_auc", CLASSIFICATION,
	 .summary = "Area under the ROC curve.",
	 .reference = "sklearn.metrics.roc_auc_score",
	 .inputs = in_auc, .params = p_roc_auc, .run = m_roc_auc,
	 SLOTS(I_SCORE, P_ROC_AUC)},
	{.name = "roc_curve", CLASSIFICATION,
	 .summary = "ROC curve: fpr, tpr and thresholds.",
	 .reference = "sklearn.metrics.roc_curve",
	 .inputs = in_score, .params = p_roc_curve, .run = m_roc_curve,
	 SLOTS(I_SCORE, P_ROC_CURVE)},
	{.name = "precision_recall_curve", CLASSIFICATION,
	 .summary = "Precision-recall curve and thresholds.",
	 .reference = "sklearn.metrics.precision_recall_curve",
	 .inputs = in_score, .params = p_pr_curve,
	 .run = m_precision_recall_curve, SLOTS(I_SCORE, P_PR_CURVE)},
	{.name = "brier", CLASSIFICATION,
	 .summary = "Brier score of binary probabilities.",
	 .reference = "sklearn.metrics.brier_score_loss",
	 .inputs = in_brier, .params = p_brier, .run = m_brier,
	 SLOTS(I_BRIER, P_BRIER)},
	{.name = "log_loss", CLASSIFICATION,
	 .summary = "Log loss of predicted probabilities.",
	 .reference = "sklearn.metrics.log_loss",
	 .inputs = in_logloss, .params = p_logloss, .run = m_log_loss,
	 SLOTS(I_LOGLOSS, P_LOGLOSS)},
	{.name = "calibration_error", CLASSIFICATION,
	 .summary = "Binned calibration error and reliability diagram.",
	 .reference = "torchmetrics.functional.classification.calibration_error",
	 .inputs = in_calib, .params = p_calib, .run = m_calibration_error,
	 SLOTS(I_CALIB, P_CALIB)},
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
	{.name = "prdc", .family = "generative",
	 .summary = "Precision, recall, density and coverage (k-NN).",
	 .reference = "prdc.compute_prdc (Naeem et al., ICML 2020)",
	 .inputs = in_rf, .params = p_prdc, .run = m_prdc, .cost = c_prdc,
	 .flags = MF_HEAVY, SLOTS(I_RF, P_PRDC)},
	{.name = "fid_inf", .family = "generative",
	 .summary = "FID extrapolated to infinitely many samples.",
	 .reference = "Chong & Forsyth, CVPR 2020 (calculate_FID_infinity)",
	 .inputs = in_fidinf, .params = p_fidinf, .run = m_fid_inf,
	 .cost = c_fid_inf, .flags = MF_HEAVY, SLOTS(I_RF, P_FIDINF)},
	{.name = "mifid", .family = "generative",
	 .summary = "Memorisation-informed FID.",
	 .reference = "torchmetrics.image.mifid (1.x)",
	 .inputs = in_rf, .params = p_mifid, .run = m_mifid, .cost = c_mifid,
	 .flags = MF_HEAVY, SLOTS(I_RF, P_MIFID)},
	{.name = "mmd", .family = "generative",
	 .summary = "Squared MMD with a Gaussian kernel, with a permutation test.",
	 .reference = "Gretton et al. 2012; CMMD distance.py; alibi-detect MMDDrift",
	 .inputs = in_kid, .params = p_mmd, .run = m_mmd, .cost = c_mmd,
	 .flags = MF_HEAVY, SLOTS(I_XY, P_MMD)},
	{.name = "vendi", .family = "generative",
	 .summary = "Vendi score (diversity of one set).",
	 .reference = "vendi_score (Friedman & Dieng 2023)",
	 .inputs = in_vendi, .params = p_vendi, .run = m_vendi, .cost = c_vendi,
	 .flags = MF_HEAVY, SLOTS(I_X, P_VENDI)},
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
	{.name = "accuracy", CLS,
	 .summary = "Fraction of right labels (subset accuracy for multilabel).",
	 .reference = "sklearn.metrics.accuracy_score",
	 .inputs = in_cls_ml, .params = p_acc, .run = m_accuracy,
	 SLOTS(I_CLS, P_ACC)},
	{.name = "balanced_accuracy", CLS,
	 .summary = "Mean recall over classes.",
	 .reference = "sklearn.metrics.balanced_accuracy_score",
	 .inputs = in_cls, .params = p_bacc, .run = m_balanced_accuracy,
	 SLOTS(I_CLS, P_BACC)},
	{.name = "top_k_accuracy", CLS,
	 .summary = "Fraction of samples whose label is among the k best scores.",
	 .reference = "sklearn.metrics.top_k_accuracy_score",
	 .inputs = in_topk, .params = p_topk, .run = m_top_k_accuracy,
	 SLOTS(I_TOPK, P_TOPK)},
	{.name = "precision", CLS, .summary = "Precision, tp / (tp + fp).",
	 .reference = "sklearn.metrics.precision_score",
	 .inputs = in_cls_ml, .params = p_prf, .run = m_precision,
	 SLOTS(I_CLS, P_PRF)},
	{.name = "recall", CLS, .summary = "Recall, tp / (tp + fn).",
	 .reference = "sklearn.metrics.recall_score",
	 .inputs = in_cls_ml, .params = p_prf, .run = m_recall,
	 SLOTS(I_CLS, P_PRF)},
	{.name = "f1", CLS,
	 .summary = "F1, the harmonic mean of precision and recall.",
	 .reference = "sklearn.metrics.f1_score",
	 .inputs = in_cls_ml, .params = p_prf, .run = m_f1,
	 SLOTS(I_CLS, P_PRF)},
	{.name = "fbeta", CLS, .summary = "F-beta score.",
	 .reference = "sklearn.metrics.fbeta_score",
	 .inputs = in_cls_ml, .params = p_fbeta, .run = m_fbeta,
	 SLOTS(I_CLS, P_FBETA)},
	{.name = "confusion_matrix", CLS,
	 .summary = "Counts of (true, predicted) label pairs.",
	 .reference = "sklearn.metrics.confusion_matrix",
	 .inputs = in_cls, .params = p_cm, .run = m_confusion_matrix,
	 SLOTS(I_CLS, P_CM)},
	{.name = "matthews_corrcoef", CLS,
	 .summary = "Matthews correlation coefficient.",
	 .reference = "sklearn.metrics.matthews_corrcoef",
	 .inputs = in_cls, .params = p_none, .run = m_matthews_corrcoef,
	 SLOTS(I_CLS, P_NONE)},
	{.name = "cohen_kappa", CLS,
	 .summary = "Cohen's kappa, agreement beyond chance.",
	 .reference = "sklearn.metrics.cohen_kappa_score",
	 .inputs = in_cls, .params = p_kappa, .run = m_cohen_kappa,
	 SLOTS(I_CLS, P_KAPPA)},
	{.name = "hamming_loss", CLS,
	 .summary = "Fraction of wrong labels.",
	 .reference = "sklearn.metrics.hamming_loss",
	 .inputs = in_cls_ml, .params = p_none, .run = m_hamming_loss,
	 SLOTS(I_CLS, P_NONE)},
	{.name = "jaccard", CLS,
	 .summary = "Jaccard index, tp / (tp + fp + fn).",
	 .reference = "sklearn.metrics.jaccard_score",
	 .inputs = in_cls_ml, .params = p_prf, .run = m_jaccard,
	 SLOTS(I_CLS, P_PRF)},
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
