/* corr.h - correlation coefficients with SciPy 1.10's semantics: Pearson's
 * r, Spearman's rho and Kendall's tau, each with its two-sided p-value.
 *
 * x and y are 1-D of the same length N.  Where SciPy answers NaN (a
 * constant input, too few samples) the statistic and p-value are NaN and
 * `undefined` says why; the caller reports it. */
#ifndef EVALD_CORR_H
#define EVALD_CORR_H

#include <stdint.h>

#include "error.h"
#include "tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum evald_corr_undef {
	EVALD_CORR_DEFINED = 0,
	EVALD_CORR_CONSTANT, /* an input is constant (all values tied) */
	EVALD_CORR_TOO_FEW   /* too few samples for the statistic or p */
} evald_corr_undef;

typedef struct evald_corr {
	double statistic, pvalue;
	evald_corr_undef undefined;
	int exact; /* kendall: the p-value is exact, not asymptotic */
} evald_corr;

typedef enum evald_tau_variant {
	EVALD_TAU_B = 0, /* ties adjusted in both inputs */
	EVALD_TAU_C = 1	 /* Stuart's tau-c, for rectangular tables */
} evald_tau_variant;

typedef enum evald_pvalue_method {
	EVALD_PV_AUTO = 0, /* exact without ties and N <= 33 (or 0 or 1
			      discordant pairs), else asymptotic */
	EVALD_PV_ASYMPTOTIC = 1,
	EVALD_PV_EXACT = 2 /* refused when there are ties */
} evald_pvalue_method;

/* N >= 2 (SciPy raises below); a constant input gives NaN. */
int evald_pearson(const evald_tensor *x, const evald_tensor *y, evald_corr *r,
		  evald_err *err);
/* Pearson on average ranks; N <= 1 or a constant input gives NaN, and
 * N = 2 a NaN p-value (the t distribution has 0 degrees of freedom). */
int evald_spearman(const evald_tensor *x, const evald_tensor *y, evald_corr *r,
		   evald_err *err);
/* Knight's O(N log N) count of discordant pairs; N = 0 or 1 or a
 * constant input gives NaN. */
int evald_kendall(const evald_tensor *x, const evald_tensor *y,
		  evald_tau_variant variant, evald_pvalue_method method,
		  evald_corr *r, evald_err *err);

#ifdef __cplusplus
}
#endif
#endif
