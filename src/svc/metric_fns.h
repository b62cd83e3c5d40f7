/* metric_fns.h - the metric functions the registry rows point at.  Each is
 * defined in the family file named beside it; each is a thin adapter from
 * decoded inputs and resolved params to one libevald call. */
#ifndef EVALD_METRIC_FNS_H
#define EVALD_METRIC_FNS_H

#include "registry.h"

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
int c_fid(mcall *c, mcost *k, verr *err); /* its cost (registry.h) */
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

#endif
