/* specfun.h - the few special functions the p-values need (specfun.c).
 * Private; not installed. */
#ifndef EVALD_SPECFUN_H
#define EVALD_SPECFUN_H

/* The regularised incomplete beta function I_x(a, b), a, b > 0. */
double evi_betainc(double a, double b, double x);
/* P(T >= t) for Student's t with df > 0 degrees of freedom. */
double evi_t_sf(double t, double df);
/* P(Z >= z) for the standard normal. */
double evi_norm_sf(double z);

#endif
