/* mmd_perm.h - internal: the permutation test of mmd.c (mmd_perm.c). */
#ifndef EVALD_MMD_PERM_H
#define EVALD_MMD_PERM_H

#include <stdint.h>

#include <evald/mmd.h>

/* The statistic from the three bucketed pair sums over i < j. */
double evi_mmd_combine(double sxx, double syy, double sxy, int64_t n, int64_t m,
		       const evald_mmd_params *prm);

/* Counts the permuted statistics of the [p,p] kernel matrix k that are
 * >= r->value into r->exceed and sets r->p_value.  Reads only the upper
 * triangle of k (j > i). */
int evi_mmd_permute(const double *k, int64_t p, int64_t n, int64_t m,
		    const evald_mmd_params *prm, const evald_progress *prog,
		    evald_mmd_result *r, evald_err *err);

#endif
