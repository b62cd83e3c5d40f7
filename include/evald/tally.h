/* tally.h - scores that accumulate: exact sums that batches are added to
 * and that merge, so any batching and any merge order give the same bits.
 *
 * evald_xsum is an exact superaccumulator: a fixed-point integer wide
 * enough for every finite double and every product's rounding error, held
 * in 32-bit digits of int64 limbs (the slack absorbs 2^30 additions
 * between carries).  A sum is rounded to double only when it is read.
 *
 * The regression tally keeps, per output, exact sums of w, w·y, w·ŷ,
 * w·y², w·ŷ², w·y·ŷ and w·|y − ŷ|, plus the sample count and max |y − ŷ|,
 * in one array of doubles (evald_regsum_size of them): every value there
 * is an integer or a double, so the array can be stored and exported as
 * float64 and read back bit for bit. */
#ifndef EVALD_TALLY_H
#define EVALD_TALLY_H

#include <stdint.h>

#include <evald/error.h>
#include <evald/tensor.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Limb i weighs 2^(32 i - EVALD_XSUM_BIAS); the lowest bit of a double is
 * 2^-1074, the largest sum of 2^53 products of doubles below 2^1130. */
#define EVALD_XSUM_LIMBS 70
#define EVALD_XSUM_BIAS	 1088

typedef struct evald_xsum {
	int64_t limb[EVALD_XSUM_LIMBS];
	int64_t pending; /* additions since the last carry */
} evald_xsum;

void evald_xsum_init(evald_xsum *s);
/* Add x (finite) exactly. */
void evald_xsum_add(evald_xsum *s, double x);
/* Add a·b exactly: its rounded product and the rounding error (fma).  The
 * error is lost only where it is below 2^-1074 (underflow).  Returns -1
 * (nothing added) when a·b overflows. */
int evald_xsum_add_prod(evald_xsum *s, double a, double b);
/* Add a·b·c exactly (four products); -1 when a partial product overflows. */
int evald_xsum_add_prod3(evald_xsum *s, double a, double b, double c);
/* s += k·o for a small integer k (|k| <= 4). */
void evald_xsum_axpy(evald_xsum *s, int k, const evald_xsum *o);
/* Propagate carries: every limb but the last in [0, 2^32).  The result is
 * the one representation of the value, so equal sums compare equal. */
void evald_xsum_normalize(evald_xsum *s);
/* The sum rounded to nearest double (±inf beyond the range). */
double evald_xsum_round(const evald_xsum *s);
/* The sum as hi + lo with hi = round(sum), lo = round(sum - hi). */
void evald_xsum_round2(const evald_xsum *s, double *hi, double *lo);
/* Normalised limbs to and from doubles (each an integer, exact). */
void evald_xsum_store(const evald_xsum *s, double *out);
/* EVALD_EINVAL when the doubles are not a normalised sum. */
int evald_xsum_load(evald_xsum *s, const double *in, evald_err *err);

/* ----- the regression tally over `outputs` targets */

/* Doubles in its state. */
int64_t evald_regsum_size(int64_t outputs);
/* The state of no samples. */
void evald_regsum_init(double *state, int64_t outputs);
/* Add y_true and y_pred ([N] for one output or [N, outputs]) with an
 * optional sample_weight [N] (finite, >= 0).  Input 0 is y_true, 1
 * y_pred, 2 sample_weight; the state is unchanged on failure. */
int evald_regsum_add(double *state, int64_t outputs, const evald_tensor *y_true,
		     const evald_tensor *y_pred, const evald_tensor *weight,
		     evald_err *err);
/* into += from. */
int evald_regsum_merge(double *into, const double *from, int64_t outputs,
		       evald_err *err);
/* EVALD_EINVAL, naming the value, when state is not one that adds and
 * merges could have made (a hostile import). */
int evald_regsum_check(const double *state, int64_t outputs, evald_err *err);

typedef enum {
	EVALD_MO_RAW = 0, /* one value per output */
	EVALD_MO_UNIFORM, /* their mean */
	EVALD_MO_VARIANCE /* their mean weighted by Σw(y - ȳ)² (r2, ev) */
} evald_multioutput;

/* Why a score is undefined (bits of evald_regscores.undefined). */
enum {
	EVALD_REG_EMPTY = 1,	 /* no samples, or their weights sum to 0 */
	EVALD_REG_FEW = 2,	 /* r2 with fewer than two samples */
	EVALD_REG_MO_ERRORS = 4, /* mse, rmse, mae with variance weights */
	EVALD_REG_MO_MAX = 8	 /* max_error averaged over outputs */
};

/* Scores as sklearn.metrics computes them from all the samples at once.
 * Each array has `outputs` elements (the caller's); with an average only
 * element 0 is filled.  An undefined score is NaN, and `undefined` says
 * why.  max_error is per output, unweighted, and never averaged. */
typedef struct evald_regscores {
	int64_t n;
	double weight; /* Σw */
	double *mse, *rmse, *mae, *r2, *ev, *max_error;
	int undefined;
} evald_regscores;

int evald_regsum_scores(const double *state, int64_t outputs,
			evald_multioutput mo, evald_regscores *out,
			evald_err *err);

#ifdef __cplusplus
}
#endif

#endif
