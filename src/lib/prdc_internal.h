/* prdc_internal.h - internal: what prdc.c shares with its float32 path
 * (prdc_f32.c). */
#ifndef EVALD_PRDC_INTERNAL_H
#define EVALD_PRDC_INTERNAL_H

#include <stdint.h>

#include <evald/error.h>
#include <evald/progress.h>
#include <evald/tensor.h>

/* Per-row state of the real x fake pass. */
typedef struct cross_state {
	const double *rr, *rf; /* squared radii of reals, fakes */
	int64_t *inside;       /* [M] reals whose ball holds fake j */
	char *recalled;	       /* [N] real i is inside some fake's ball */
	char *covered;	       /* [N] some fake is inside real i's ball */
} cross_state;

/* The float32 path holds up to ~4k candidates per row: larger k take
 * the float64 tiles. */
#define EVI_PRDC_F32_MAX_K 64

/* Whether the float32 path's error bound holds for the rows of t: every
 * nonzero |value| in [2⁻⁶⁰, 2⁶⁰], no float32 overflow or underflow, and
 * d small enough for the bound. */
int evi_prdc_f32_ok(const evald_tensor *t);

/* Squared radii rx [n], ry [m] and the cross counts into s, equal to
 * the float64 computation of every distance as ‖a‖² + ‖b‖² − 2a·b with
 * the dot products summed in index order (evi_prdc_dot). */
int evi_prdc_f32(const evald_tensor *x, const evald_tensor *y, int64_t k,
		 const evald_progress *prog, double *rx, double *ry,
		 cross_state *s, evald_err *err);

#endif
