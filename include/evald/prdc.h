/* prdc.h - precision, recall, density and coverage of a generated set
 * against a real one (Kynkäänniemi et al. 2019; Naeem et al. 2020), as
 * the reference `prdc` package's compute_prdc computes them with one k:
 *
 *   rᵢ = distance of real i to its k-th nearest other real (the (k+1)-th
 *        smallest of its row, itself included), sⱼ likewise for fakes
 *   precision = share of fakes j with some real i, d(i,j) < rᵢ
 *   recall    = share of reals i with some fake j, d(i,j) < sⱼ
 *   density   = (1/k) · mean over fakes of #{i : d(i,j) < rᵢ}
 *   coverage  = share of reals i whose nearest fake is closer than rᵢ
 *
 * Distances come from tiles of squared distances and are compared
 * squared; no N x M matrix is ever held.  The tiles are float32 where an
 * entry's rounding bound decides its comparisons, float64 where it does
 * not, so the answer is the float64 one. */
#ifndef EVALD_PRDC_H
#define EVALD_PRDC_H

#include <stdint.h>

#include "error.h"
#include "progress.h"
#include "tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct evald_prdc_result {
	double precision, recall, density, coverage;
	int64_t zero_radii_real; /* reals whose radius is 0 (duplicates) */
	int64_t zero_radii_fake;
} evald_prdc_result;

/* Rows held per distance tile: 8·EVALD_PRDC_TILE_ROWS·EVALD_PRDC_TILE_COLS
 * bytes (8 MiB), 8·(N + M)·(k + 3) bytes of per-row state and, when the
 * float32 tiles are used (k < 64, values within 2^±60), 4·(N + M)·d bytes
 * of float32 rows and 12·(4k + 64) bytes per row of candidates. */
#define EVALD_PRDC_TILE_ROWS 256
#define EVALD_PRDC_TILE_COLS 4096

/* real [N,d] (input 0) and fake [M,d] (input 1), 1 <= k <= min(N, M) − 2
 * (numpy's argpartition in the reference refuses k + 1 >= rows; failure
 * with input −1 and EVALD_EINVAL names k).  Work: (N² + M² + N·M)·d
 * multiply-adds.  Progress per tile row; a cancel returns
 * EVALD_ECANCEL. */
int evald_prdc(const evald_tensor *real, const evald_tensor *fake, int64_t k,
	       const evald_progress *prog, evald_prdc_result *r,
	       evald_err *err);

#ifdef __cplusplus
}
#endif
#endif
