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
#define I_IS(X, L)     X(L, probs)
#define I_1D(X, L)     X(L, x) X(L, y) X(L, x_weights) X(L, y_weights)
#define I_OT(X, L)     I_1D(X, L) X(L, cost)
#define I_SLICED(X, L) I_1D(X, L) X(L, projections)
#define I_SAMPLES(X, L) X(L, samples)
#define I_TABLE(X, L)  X(L, observed)
#define I_BINNED(X, L) X(L, x) X(L, y) X(L, x_counts) X(L, y_counts)

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
			 X(L, smooth_dr) X(L, squared_pred) X(L, include_background)
#define P_PERC(X, L)     P_RED(X, L) X(L, weights) X(L, normalize) X(L, distance)
#define P_NONE(X, L)
#define P_NDCG(X, L)     X(L, k)
#define P_FID(X, L)      X(L, bootstrap) X(L, seed)
#define P_KID(X, L)      X(L, subsets) X(L, subset_size) X(L, degree) \
			 X(L, gamma) X(L, coef0) X(L, seed)
#define P_IS(X, L)       X(L, splits)
/* emd and sinkhorn share ot_input(), which reads P_OT's slots: both lists
 * start with it, so its indices are theirs. */
#define P_OT(X, L)       X(L, metric) X(L, p) X(L, normalize)
#define P_EMD(X, L)      P_OT(X, L) X(L, return_plan)
#define P_SINKHORN(X, L) P_OT(X, L) X(L, reg) X(L, max_iter) X(L, tol)
#define P_W1D(X, L)      X(L, p)
#define P_SLICED(X, L)   X(L, n_projections) X(L, p) X(L, seed)
#define P_KS(X, L)       X(L, alternative) X(L, method)
#define P_MWU(X, L)      X(L, use_continuity) X(L, alternative) X(L, method)
#define P_CVM(X, L)      X(L, method)
#define P_AD(X, L)       X(L, midrank)
#define P_CHI2(X, L)     X(L, correction) X(L, lambda_)
#define P_BINNED(X, L)   X(L, categorical) X(L, bins)
#define P_BINNED_B(X, L) P_BINNED(X, L) X(L, base)

/* enum { L_name0, L_name1, ..., L_COUNT_ } for slot list L. */
#define SLOT_ENUM_(L, name) L##_##name,
#define SLOT_ENUM(L) enum { L(SLOT_ENUM_, L) L##_COUNT_ }
// clang-format on
SLOT_ENUM(I_PAIR);
SLOT_ENUM(I_PAIR_W);
SLOT_ENUM(I_GNLL);
SLOT_ENUM(I_RANK);
SLOT_ENUM(I_XY);
SLOT_ENUM(I_IS);
SLOT_ENUM(I_1D);
SLOT_ENUM(I_OT);
SLOT_ENUM(I_SLICED);
SLOT_ENUM(I_SAMPLES);
SLOT_ENUM(I_TABLE);
SLOT_ENUM(I_BINNED);
SLOT_ENUM(P_RED);
SLOT_ENUM(P_MSE);
SLOT_ENUM(P_HUBER);
SLOT_ENUM(P_SL1);
SLOT_ENUM(P_GNLL);
SLOT_ENUM(P_TUKEY);
SLOT_ENUM(P_BCEL);
SLOT_ENUM(P_NLL);
SLOT_ENUM(P_CE);
SLOT_ENUM(P_SFOCAL);
SLOT_ENUM(P_FOCAL);
SLOT_ENUM(P_DICE);
SLOT_ENUM(P_PERC);
SLOT_ENUM(P_NONE);
SLOT_ENUM(P_NDCG);
SLOT_ENUM(P_FID);
SLOT_ENUM(P_KID);
SLOT_ENUM(P_IS);
SLOT_ENUM(P_OT);
SLOT_ENUM(P_EMD);
SLOT_ENUM(P_SINKHORN);
SLOT_ENUM(P_W1D);
SLOT_ENUM(P_SLICED);
SLOT_ENUM(P_KS);
SLOT_ENUM(P_MWU);
SLOT_ENUM(P_CVM);
SLOT_ENUM(P_AD);
SLOT_ENUM(P_CHI2);
SLOT_ENUM(P_BINNED);
SLOT_ENUM(P_BINNED_B);

/* ------------------------------------------------------------ functions */

/* m_loss.c */
int m_mse(mcall *c, json_t *res, verr *err);
int m_mae(mcall *c, json_t *res, verr *err);
int m_huber(mcall *c, json_t *res, verr *err);
int m_smooth_l1(mcall *c, json_t *res, verr *err);
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
/* m_rank.c */
int m_average_precision(mcall *c, json_t *res, verr *err);
int m_ndcg(mcall *c, json_t *res, verr *err);
/* m_gen.c */
int m_fid(mcall *c, json_t *res, verr *err);
int c_fid(mcall *c, mcost *k, verr *err); /* its cost (mcall.h) */
int m_kid(mcall *c, json_t *res, verr *err);
int c_kid(mcall *c, mcost *k, verr *err);
int m_inception_score(mcall *c, json_t *res, verr *err);
/* m_ot.c */
int m_emd(mcall *c, json_t *res, verr *err);
int m_sinkhorn(mcall *c, json_t *res, verr *err);
/* m_ot1d.c */
int m_wasserstein_1d(mcall *c, json_t *res, verr *err);
int m_sliced_wasserstein(mcall *c, json_t *res, verr *err);
int m_energy_distance(mcall *c, json_t *res, verr *err);
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

#endif
