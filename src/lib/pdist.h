/* pdist.h - helpers shared by the two-sample tests' sources; not
 * installed. */
#ifndef EVALD_PDIST_H
#define EVALD_PDIST_H

#include <stdint.h>

/* scipy.special.binom for non-negative integer arguments. */
double evi_binom(double n, double k);

/* P(U <= kmax) under the null for sample sizes m and n (SciPy's
 * _mwu_state.cdf); 0, or -1 when memory runs out.  Work is m*n*(kmax+1). */
int evi_mwu_cdf(int64_t m, int64_t n, int64_t kmax, double *out);

#endif
