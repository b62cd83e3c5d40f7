/* sgemm_nt.h - internal: the float32 product of row-major A and Bᵀ
 * (sgemm_nt.c), evald's own AVX-512 kernel with a BLAS fallback. */
#ifndef EVALD_SGEMM_NT_H
#define EVALD_SGEMM_NT_H

#include <stdint.h>

/* C[i][j] = Σ_p A[i][p]·B[j][p] in float32 for A [m,k] (row stride lda),
 * B [n,k] (ldb) and C [m,n] (ldc), C overwritten; the summation order is
 * unspecified.  EVALD_OK, or EVALD_ENOMEM with C unspecified. */
int evi_sgemm_nt(int64_t m, int64_t n, int64_t k, const float *a, int64_t lda,
		 const float *b, int64_t ldb, float *c, int64_t ldc);

#endif
