/* mifid.h - the memorisation-informed FID of torchmetrics 1.x
 * (MemorizationInformedFrechetInceptionDistance, image/mifid.py):
 *
 *   dist    = mean over real rows of min over fake rows of
 *             1 − |cos(real, fake)|, rows summing to exactly 0 dropped
 *   penalty = dist when dist < eps, else 1
 *   MIFID   = FID / (penalty + 1e-14), or 0 when FID <= 1e-8
 *
 * FID is evald_fid's (the same as torchmetrics' _compute_fid to
 * rounding).  The cosine distances come in dgemm tiles of 256 real rows
 * against all fakes: 8·256·M bytes. */
#ifndef EVALD_MIFID_H
#define EVALD_MIFID_H

#include <stdint.h>

#include "error.h"
#include "fid.h"
#include "tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct evald_mifid_result {
	double value;
	double distance; /* mean minimum cosine distance */
	double penalty;	 /* distance, or 1 when distance >= eps */
	int64_t dropped_real, dropped_fake; /* rows summing to 0 */
	evald_fid_result fid;
} evald_mifid_result;

/* real [N,d] (input 0), fake [M,d] (input 1), 0 < eps <= 1 (as
 * torchmetrics checks).  EVALD_EEMPTY when every row of a set sums to
 * 0. */
int evald_mifid(const evald_tensor *real, const evald_tensor *fake, double eps,
		evald_mifid_result *r, evald_err *err);

#ifdef __cplusplus
}
#endif
#endif
