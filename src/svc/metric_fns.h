/* metric_fns.h - the metric functions the registry rows point at, and the
 * slot lists they read their inputs and params by.
 *
 * Each function is defined in the family file named beside it; each is a
 * thin adapter from decoded inputs and resolved params to one libevald
 * call.  A slot list names, in row order, the inputs (I_*) or params (P_*)
 * of the rows whose functions use it: I_PAIR gives I_PAIR_input = 0 and
 * I_PAIR_target = 1, read as IN(c, I_PAIR, target) (mcall.h), and
 * registry_table.c binds each row to its lists with SLOTS(I_PAIR, P_MSE).
 * A misspelt slot does not compile; a list that is not its row's names in
 * order is refused by registry_check() at start-up. */
#ifndef EVALD_METRIC_FNS_H
#define EVALD_METRIC_FNS_H

#include "mcall.h"
#include "registry.h"

/* ------------------------------------------------------------ slots */

/* Laid out by hand: one list per line. */
// clang-format off
#define I_PAIR(X, L)   X(L, input) X(L, target)
#define I_PAIR_W(X, L) X(L, input) X(L, target) X(L, weight)
#define I_GNLL(X, L)   X(L, input) X(L, target) X(L, var)
#define I_RANK(X, L)   X(L, scores) X(L, relevance)
#define I_XY(X, L)     X(L, x) X(L, y)
#define I_REG(X, L)    X(L, y_true) X(L, y_pred) X(L, sample_weight)
#define I_REG2(X, L)   X(L, y_true) X(L, y_pred)
#define I_RETR(X, L)   X(L, scores) X(L, relevance) X(L, indexes)
#define I_IS(X, L)     X(L, probs)
#define I_SAMPLES(X, L) X(L, samples)
#define I_TABLE(X, L)  X(L, observed)
#define I_BINNED(X, L) X(L, x) X(L, y) X(L, x_counts) X(L, y_counts)
#define I_RF(X, L)     X(L, real) X(L, fake)
#define I_X(X, L)      X(L, x)
#define I_1D(X, L)     X(L, x) X(L, y) X(L, x_weights) X(L, y_weights)
#define I_SCORE(X, L)  X(L, y_true) X(L, y_score) X(L, sample_weight)
#define I_BRIER(X, L)  X(L, y_true) X(L, y_prob) X(L, sample_weight)
#define I_LOGLOSS(X, L) X(L, y_true) X(L, y_pred) X(L, sample_weight)
#define I_CALIB(X, L)  X(L, y_true) X(L, y_prob)
#define I_OT(X, L)     I_1D(X, L) X(L, cost)
#define I_SLICED(X, L) I_1D(X, L) X(L, projections)
#define I_CLS(X, L)    X(L, y_true) X(L, y_pred) X(L, sample_weight)
#define I_TOPK(X, L)   X(L, y_true) X(L, y_score) X(L, sample_weight)
#define I_CTC(X, L)    X(L, log_probs) X(L, targets) X(L, input_lengths) \
		       X(L, target_lengths)
#define I_PAIR12(X, L) X(L, input1) X(L, input2) X(L, target)
#define I_TRIPLET(X, L) X(L, anchor) X(L, positive) X(L, negative)

/* Every loss's params start with reduction (mcall_reduction). */
#define P_RED(X, L)      X(L, reduction)
#define P_MSE(X, L)      P_RED(X, L) X(L, half)
#define P_HUBER(X, L)    P_RED(X, L) X(L, delta)
#define P_SL1(X, L)      P_RED(X, L) X(L, beta)
#define P_GNLL(X, L)     P_RED(X, L) X(L, full) X(L, eps)
#define P_TUKEY(X, L)    P_RED(X, L) X(L, c) X(L, scale)
#define P_BCEL(X, L)     P_RED(X, L) X(L, pos_weight)
#define P_NLL(X, L)      P_RED(X, L) X(L, weight) X(L, ignore_index)
#define P_CE(X, L)       P_NLL(X, L) X(L, label_smoothing)
#define P_SFOCAL(X, L)   P_RED(X, L) X(L, alpha) X(L, gamma)
#define P_FOCAL(X, L)    P_SFOCAL(X, L) X(L, size_average)
#define P_DICE(X, L)     P_RED(X, L) X(L, activation) X(L, smooth_nr) \
			 X(L, smooth_dr) X(L, squared_pred) X(L, include_background) \
			 X(L, batch) X(L, weight) X(L, jaccard)
#define P_KS(X, L)       X(L, alternative) X(L, method)
#define P_MWU(X, L)      X(L, use_continuity) X(L, alternative) X(L, method)
#define P_CVM(X, L)      X(L, method)
#define P_AD(X, L)       X(L, midrank)
#define P_CHI2(X, L)     X(L, correction) X(L, lambda_)
#define P_BINNED(X, L)   X(L, categorical) X(L, bins) X(L, binning)
#define P_BINNED_B(X, L) P_BINNED(X, L) X(L, base)
#define P_PERC(X, L)     P_RED(X, L) X(L, weights) X(L, normalize) X(L, distance)
#define P_CTC(X, L)      P_RED(X, L) X(L, blank) X(L, zero_infinity)
#define P_KL(X, L)       P_RED(X, L) X(L, log_target)
#define P_PNLL(X, L)     P_RED(X, L) X(L, log_input) X(L, full) X(L, eps)
#define P_MARGIN(X, L)   P_RED(X, L) X(L, margin)
#define P_ROC_AUC(X, L)  X(L, average) X(L, max_fpr) X(L, multi_class) \
			 X(L, labels)
#define P_ROC_CURVE(X, L) X(L, pos_label) X(L, drop_intermediate) \
			 X(L, max_points)
#define P_PR_CURVE(X, L) X(L, pos_label) X(L, max_points)
#define P_BRIER(X, L)    X(L, pos_label)
#define P_LOGLOSS(X, L)  X(L, eps) X(L, normalize) X(L, labels)
#define P_CALIB(X, L)    X(L, n_bins) X(L, norm)
#define P_MMARGIN(X, L)  P_RED(X, L) X(L, p) X(L, margin) X(L, weight)
#define P_TRIPLET(X, L)  P_RED(X, L) X(L, margin) X(L, p) X(L, eps) X(L, swap)
#define P_NONE(X, L)
#define P_NDCG(X, L)     X(L, k) X(L, ignore_ties)
#define P_DCG(X, L)      X(L, k) X(L, log_base) X(L, ignore_ties)
#define P_AP(X, L)       X(L, k)
/* Every regression score's params start with multioutput (run_reg). */
#define P_MO(X, L)       X(L, multioutput)
#define P_R2(X, L)       P_MO(X, L) X(L, force_finite)
#define P_MSLE(X, L)     P_MO(X, L) X(L, squared)
#define P_PINBALL(X, L)  P_MO(X, L) X(L, alpha)
#define P_KENDALL(X, L)  X(L, variant) X(L, method)
/* Every retrieval score's params start with P_RETR's (run_retr). */
#define P_RETR(X, L)     X(L, top_k) X(L, empty_target_action)
#define P_PREC(X, L)     P_RETR(X, L) X(L, adaptive_k)
#define P_FID(X, L)      X(L, bootstrap) X(L, seed)
#define P_KID(X, L)      X(L, subsets) X(L, subset_size) X(L, degree) \
			 X(L, gamma) X(L, coef0) X(L, seed)
#define P_IS(X, L)       X(L, splits)
#define P_PRDC(X, L)     X(L, nearest_k)
#define P_FIDINF(X, L)   X(L, sizes) X(L, min_size) X(L, points) X(L, seed)
#define P_MIFID(X, L)    X(L, cosine_distance_eps)
#define P_MMD(X, L)      X(L, bandwidth) X(L, estimator) X(L, preset) \
			 X(L, permutations) X(L, seed)
#define P_VENDI(X, L)    X(L, kernel) X(L, bandwidth) X(L, q)
/* emd and sinkhorn share ot_input(), which reads P_OT's slots: both lists
 * start with it, so its indices are theirs. */
#define P_OT(X, L)       X(L, metric) X(L, p) X(L, normalize)
#define P_EMD(X, L)      P_OT(X, L) X(L, return_plan)
#define P_SINKHORN(X, L) P_OT(X, L) X(L, reg) X(L, max_iter) X(L, tol)
#define P_W1D(X, L)      X(L, p)
#define P_SLICED(X, L)   X(L, n_projections) X(L, p) X(L, seed)
#define P_ACC(X, L)      X(L, normalize)
#define P_BACC(X, L)     X(L, adjusted)
#define P_TOPK(X, L)     X(L, k) X(L, normalize) X(L, labels)
/* precision, recall, f1 and jaccard; fbeta adds beta after them. */
#define P_PRF(X, L)      X(L, average) X(L, pos_label) X(L, labels) \
			 X(L, zero_division)
#define P_FBETA(X, L)    P_PRF(X, L) X(L, beta)
#define P_CM(X, L)       X(L, labels) X(L, normalize)
#define P_KAPPA(X, L)    X(L, labels) X(L, weights)

/* enum { L_name0, L_name1, ..., L_COUNT_ } for slot list L. */
#define SLOT_ENUM_(L, name) L##_##name,
#define SLOT_ENUM(L) enum { L(SLOT_ENUM_, L) L##_COUNT_ }
// clang-format on
SLOT_ENUM(I_SAMPLES);
SLOT_ENUM(I_TABLE);
SLOT_ENUM(I_BINNED);
SLOT_ENUM(P_KS);
SLOT_ENUM(P_MWU);
SLOT_ENUM(P_CVM);
SLOT_ENUM(P_AD);
SLOT_ENUM(P_CHI2);
SLOT_ENUM(P_BINNED);
SLOT_ENUM(P_BINNED_B);
SLOT_ENUM(I_PAIR);
SLOT_ENUM(I_PAIR_W);
SLOT_ENUM(I_SCORE);
SLOT_ENUM(I_BRIER);
SLOT_ENUM(I_LOGLOSS);
SLOT_ENUM(I_CALIB);
SLOT_ENUM(P_ROC_AUC);
SLOT_ENUM(P_ROC_CURVE);
SLOT_ENUM(P_PR_CURVE);
SLOT_ENUM(P_BRIER);
SLOT_ENUM(P_LOGLOSS);
SLOT_ENUM(P_CALIB);
/* m_drift.c */
int m_ks_2samp(mcall *c, json_t *res, verr *err);
int m_cramervonmises_2samp(mcall *c, json_t *res, verr *err);
int m_anderson_ksamp(mcall *c, json_t *res, verr *err);
int m_mannwhitneyu(mcall *c, json_t *res, verr *err);
int m_chi2_contingency(mcall *c, json_t *res, verr *err);
int m_psi(mcall *c, json_t *res, verr *err);
int m_kl_divergence(mcall *c, json_t *res, verr *err);
int m_jensenshannon(mcall *c, json_t *res, verr *err);
int m_hellinger(mcall *c, json_t *res, verr *err);
int m_total_variation(mcall *c, json_t *res, verr *err);
int m_wasserstein_normed(mcall *c, json_t *res, verr *err);
SLOT_ENUM(I_GNLL);
SLOT_ENUM(I_RANK);
SLOT_ENUM(I_CTC);
SLOT_ENUM(I_XY);
SLOT_ENUM(I_REG);
SLOT_ENUM(I_REG2);
SLOT_ENUM(I_RETR);
SLOT_ENUM(I_IS);
SLOT_ENUM(I_RF);
SLOT_ENUM(I_X);
SLOT_ENUM(I_1D);
SLOT_ENUM(I_OT);
SLOT_ENUM(I_CLS);
SLOT_ENUM(I_TOPK);
SLOT_ENUM(I_SLICED);
SLOT_ENUM(I_PAIR12);
SLOT_ENUM(I_TRIPLET);
SLOT_ENUM(P_RED);
SLOT_ENUM(P_MSE);
SLOT_ENUM(P_HUBER);
SLOT_ENUM(P_SL1);
SLOT_ENUM(P_GNLL);
SLOT_ENUM(P_TUKEY);
SLOT_ENUM(P_CTC);
SLOT_ENUM(P_BCEL);
SLOT_ENUM(P_NLL);
SLOT_ENUM(P_CE);
SLOT_ENUM(P_SFOCAL);
SLOT_ENUM(P_FOCAL);
SLOT_ENUM(P_DICE);
SLOT_ENUM(P_PERC);
SLOT_ENUM(P_KL);
SLOT_ENUM(P_PNLL);
SLOT_ENUM(P_MARGIN);
SLOT_ENUM(P_MMARGIN);
SLOT_ENUM(P_TRIPLET);
SLOT_ENUM(P_NONE);
SLOT_ENUM(P_NDCG);
SLOT_ENUM(P_DCG);
SLOT_ENUM(P_AP);
SLOT_ENUM(P_MO);
SLOT_ENUM(P_R2);
SLOT_ENUM(P_MSLE);
SLOT_ENUM(P_PINBALL);
SLOT_ENUM(P_KENDALL);
SLOT_ENUM(P_RETR);
SLOT_ENUM(P_PREC);
SLOT_ENUM(P_FID);
SLOT_ENUM(P_KID);
SLOT_ENUM(P_IS);
SLOT_ENUM(P_PRDC);
SLOT_ENUM(P_FIDINF);
SLOT_ENUM(P_MIFID);
SLOT_ENUM(P_MMD);
SLOT_ENUM(P_VENDI);
SLOT_ENUM(P_OT);
SLOT_ENUM(P_EMD);
SLOT_ENUM(P_SINKHORN);
SLOT_ENUM(P_W1D);
SLOT_ENUM(P_SLICED);
SLOT_ENUM(P_ACC);
SLOT_ENUM(P_BACC);
SLOT_ENUM(P_TOPK);
SLOT_ENUM(P_PRF);
SLOT_ENUM(P_FBETA);
SLOT_ENUM(P_CM);
SLOT_ENUM(P_KAPPA);

/* ------------------------------------------------------------ functions */

/* m_loss.c */
int m_mse(mcall *c, json_t *res, verr *err);
int m_mae(mcall *c, json_t *res, verr *err);
int m_huber(mcall *c, json_t *res, verr *err);
int m_smooth_l1(mcall *c, json_t *res, verr *err);
/* m_seq.c */
int m_ctc(mcall *c, json_t *res, verr *err);
int c_ctc(mcall *c, mcost *k, verr *err);
int m_dcg(mcall *c, json_t *res, verr *err);
/* m_regr.c */
int m_r2(mcall *c, json_t *res, verr *err);
int m_explained_variance(mcall *c, json_t *res, verr *err);
int m_mape(mcall *c, json_t *res, verr *err);
int m_median_absolute_error(mcall *c, json_t *res, verr *err);
int m_max_error(mcall *c, json_t *res, verr *err);
int m_msle(mcall *c, json_t *res, verr *err);
int m_pinball(mcall *c, json_t *res, verr *err);
int m_pearson(mcall *c, json_t *res, verr *err);
int m_spearman(mcall *c, json_t *res, verr *err);
int m_kendall(mcall *c, json_t *res, verr *err);
/* m_retr.c */
int m_mrr(mcall *c, json_t *res, verr *err);
int m_precision_at_k(mcall *c, json_t *res, verr *err);
int m_recall_at_k(mcall *c, json_t *res, verr *err);
int m_hit_rate_at_k(mcall *c, json_t *res, verr *err);
int m_map(mcall *c, json_t *res, verr *err);
int m_gaussian_nll(mcall *c, json_t *res, verr *err);
int m_tukey(mcall *c, json_t *res, verr *err);
/* m_class.c */
int m_bce(mcall *c, json_t *res, verr *err);
int m_bce_with_logits(mcall *c, json_t *res, verr *err);
int m_cross_entropy(mcall *c, json_t *res, verr *err);
int m_nll(mcall *c, json_t *res, verr *err);
int m_focal(mcall *c, json_t *res, verr *err);
int m_sigmoid_focal(mcall *c, json_t *res, verr *err);
/* m_seg.c */
int m_dice(mcall *c, json_t *res, verr *err);
int m_perceptual(mcall *c, json_t *res, verr *err);
/* m_margin.c */
int m_kl_div(mcall *c, json_t *res, verr *err);
int m_poisson_nll(mcall *c, json_t *res, verr *err);
int m_margin_ranking(mcall *c, json_t *res, verr *err);
int m_hinge_embedding(mcall *c, json_t *res, verr *err);
int m_soft_margin(mcall *c, json_t *res, verr *err);
int m_multilabel_soft_margin(mcall *c, json_t *res, verr *err);
int m_multi_margin(mcall *c, json_t *res, verr *err);
int m_multilabel_margin(mcall *c, json_t *res, verr *err);
int m_cosine_embedding(mcall *c, json_t *res, verr *err);
int m_triplet_margin(mcall *c, json_t *res, verr *err);
/* m_rank.c */
int m_average_precision(mcall *c, json_t *res, verr *err);
int m_ndcg(mcall *c, json_t *res, verr *err);
/* m_auc.c */
int m_roc_auc(mcall *c, json_t *res, verr *err);
int m_roc_curve(mcall *c, json_t *res, verr *err);
int m_precision_recall_curve(mcall *c, json_t *res, verr *err);
int m_brier(mcall *c, json_t *res, verr *err);
int m_log_loss(mcall *c, json_t *res, verr *err);
int m_calibration_error(mcall *c, json_t *res, verr *err);
/* m_gen.c */
int m_fid(mcall *c, json_t *res, verr *err);
int c_fid(mcall *c, mcost *k, verr *err); /* its cost (mcall.h) */
int m_kid(mcall *c, json_t *res, verr *err);
int c_kid(mcall *c, mcost *k, verr *err);
int m_inception_score(mcall *c, json_t *res, verr *err);
struct evald_gauss;
int gen_side_fit(mcall *c, input_val *iv, struct evald_gauss *g, verr *err);
/* m_gen2.c */
enum { MMD_PRESET_NONE, MMD_PRESET_CMMD }; /* mmd's preset param */
int m_prdc(mcall *c, json_t *res, verr *err);
int c_prdc(mcall *c, mcost *k, verr *err);
int m_fid_inf(mcall *c, json_t *res, verr *err);
int c_fid_inf(mcall *c, mcost *k, verr *err);
int m_mifid(mcall *c, json_t *res, verr *err);
int c_mifid(mcall *c, mcost *k, verr *err);
int m_mmd(mcall *c, json_t *res, verr *err);
int c_mmd(mcall *c, mcost *k, verr *err);
int m_vendi(mcall *c, json_t *res, verr *err);
int c_vendi(mcall *c, mcost *k, verr *err);
/* m_ot.c */
int m_emd(mcall *c, json_t *res, verr *err);
int m_sinkhorn(mcall *c, json_t *res, verr *err);
/* m_ot1d.c */
int m_wasserstein_1d(mcall *c, json_t *res, verr *err);
int m_sliced_wasserstein(mcall *c, json_t *res, verr *err);
int m_energy_distance(mcall *c, json_t *res, verr *err);
/* m_score.c */
int m_precision(mcall *c, json_t *res, verr *err);
int m_recall(mcall *c, json_t *res, verr *err);
int m_f1(mcall *c, json_t *res, verr *err);
int m_fbeta(mcall *c, json_t *res, verr *err);
int m_jaccard(mcall *c, json_t *res, verr *err);
/* m_score2.c */
int m_accuracy(mcall *c, json_t *res, verr *err);
int m_balanced_accuracy(mcall *c, json_t *res, verr *err);
int m_top_k_accuracy(mcall *c, json_t *res, verr *err);
int m_confusion_matrix(mcall *c, json_t *res, verr *err);
int m_matthews_corrcoef(mcall *c, json_t *res, verr *err);
int m_cohen_kappa(mcall *c, json_t *res, verr *err);
int m_hamming_loss(mcall *c, json_t *res, verr *err);

#endif
