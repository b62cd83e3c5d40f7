/* regsum_scores.c - the scores of a regression tally (tally.h), with
 * sklearn.metrics 1.2.1's rules for multioutput and for the undefined
 * cases of r2 and explained_variance (force_finite: a perfect prediction
 * is 1.0, an imperfect one of constant targets 0.0).
 *
 * Each exact sum is rounded once.  The centred sums Σw(y - ȳ)² =
 * Σwy² - (Σwy)²/Σw and its explained-variance twin cancel, so they are
 * formed in double-double from sums rounded to 106 bits. */
#include <math.h>
#include <stdlib.h>

#include <evald/tally.h>

#include "internal.h"

#define L    EVALD_XSUM_LIMBS
#define NSUM 6
enum { S_Y, S_P, S_YY, S_PP, S_YP, S_AD };
#define OUT_SIZE (NSUM * L + 1)

typedef struct dd {
	double hi, lo;
} dd;

static dd fast_sum(double a, double b)
{
	double s = a + b;
	return (dd){s, b - (s - a)};
}

static dd dd_mul(dd a, dd b)
{
	double p = a.hi * b.hi;
	double e = fma(a.hi, b.hi, -p) + (a.hi * b.lo + a.lo * b.hi);
	return fast_sum(p, e);
}

static dd dd_sub(dd a, dd b)
{
	double s = a.hi - b.hi, v = s - a.hi;
	double e = (a.hi - (s - v)) + (-b.hi - v);
	return fast_sum(s, e + (a.lo - b.lo));
}

static dd dd_div(dd a, dd b)
{
	double q = a.hi / b.hi;
	dd r = dd_sub(a, dd_mul((dd){q, 0.0}, b));
	return fast_sum(q, r.hi / b.hi);
}

static dd dd_of(const evald_xsum *x)
{
	dd v;
	evald_xsum_round2(x, &v.hi, &v.lo);
	return v;
}

/* What r2 and explained_variance need of one output: numerators and
 * denominators, the last two zero when below the double-double's own
 * rounding of their terms (they are then zero in exact arithmetic, but
 * for inputs that agree to ~29 digits). */
typedef struct out_terms {
	double mse, mae, max;
	double r2_num, r2_den, ev_num;
} out_terms;

static double zero_below(dd v, double scale)
{
	return fabs(v.hi) <= ldexp(fabs(scale), -96) ? 0.0 : v.hi;
}

static void terms(const double *o, dd w, out_terms *t)
{
	evald_xsum x[NSUM], e, d;

	for (int k = 0; k < NSUM; k++)
		evald_xsum_load(&x[k], o + k * L, NULL);
	/* Σw(y - ŷ)² and Σw(y - ŷ), exactly. */
	e = x[S_YY];
	evald_xsum_axpy(&e, -2, &x[S_YP]);
	evald_xsum_axpy(&e, 1, &x[S_PP]);
	d = x[S_Y];
	evald_xsum_axpy(&d, -1, &x[S_P]);
	dd ee = dd_of(&e), dd_ = dd_of(&d), sy = dd_of(&x[S_Y]);
	dd syy = dd_of(&x[S_YY]);
	t->mse = ee.hi / w.hi;
	t->mae = evald_xsum_round(&x[S_AD]) / w.hi;
	t->max = o[NSUM * L];
	t->r2_num = ee.hi;
	t->r2_den = zero_below(dd_sub(syy, dd_div(dd_mul(sy, sy), w)), syy.hi);
	t->ev_num = zero_below(dd_sub(ee, dd_div(dd_mul(dd_, dd_), w)), ee.hi);
}

/* sklearn's score of one output from its numerator and denominator. */
static double assemble(double num, double den)
{
	if (num == 0)
		return 1.0;
	return den == 0 ? 0.0 : 1.0 - num / den;
}

/* r2 or explained_variance averaged as mo says; v[j] the per-output
 * scores, den[j] their denominators (the same for both, up to the
 * factor Σw that explained_variance divides both parts by). */
static double average(const double *v, const double *den, int64_t k,
		      evald_multioutput mo)
{
	double s = 0, ws = 0;
	int any = 0;

	for (int64_t j = 0; j < k; j++)
		any |= den[j] != 0;
	for (int64_t j = 0; j < k; j++) {
		double wj = mo == EVALD_MO_VARIANCE && any ? den[j] : 1.0;
		s += wj * v[j];
		ws += wj;
	}
	return s / ws;
}

static void fill_nan(evald_regscores *out, int64_t k)
{
	for (int64_t j = 0; j < k; j++)
		out->mse[j] = out->rmse[j] = out->mae[j] = out->r2[j] =
			out->ev[j] = out->max_error[j] = NAN;
}

/* Averages of the per-output values already in out (mse, rmse, mae) into
 * element 0; NaN where sklearn raises. */
static void average_errors(evald_regscores *out, int64_t k,
			   evald_multioutput mo)
{
	double *v[3] = {out->mse, out->rmse, out->mae};

	for (int i = 0; i < 3; i++) {
		double s = 0;
		for (int64_t j = 0; j < k; j++)
			s += v[i][j];
		v[i][0] = mo == EVALD_MO_VARIANCE ? NAN : s / (double)k;
	}
	if (mo == EVALD_MO_VARIANCE)
		out->undefined |= EVALD_REG_MO_ERRORS;
	if (k > 1) {
		out->max_error[0] = NAN;
		out->undefined |= EVALD_REG_MO_MAX;
	}
}

int evald_regsum_scores(const double *state, int64_t outputs,
			evald_multioutput mo, evald_regscores *out,
			evald_err *err)
{
	evald_xsum xw;
	double *r2d = evi_xalloc(outputs, sizeof *r2d);

	if (!r2d)
		return evald_fail(err, EVALD_ENOMEM, 0, "out of memory");
	evald_xsum_load(&xw, state + 1, NULL);
	dd w = dd_of(&xw);
	out->n = (int64_t)state[0];
	out->weight = w.hi;
	out->undefined = 0;
	fill_nan(out, outputs);
	if (out->n == 0 || w.hi == 0) {
		out->undefined = EVALD_REG_EMPTY;
		free(r2d);
		return EVALD_OK;
	}
	for (int64_t j = 0; j < outputs; j++) {
		out_terms t;
		terms(state + 1 + L + j * OUT_SIZE, w, &t);
		out->mse[j] = t.mse;
		out->rmse[j] = sqrt(t.mse);
		out->mae[j] = t.mae;
		out->max_error[j] = t.max;
		out->r2[j] = assemble(t.r2_num, t.r2_den);
		out->ev[j] = assemble(t.ev_num, t.r2_den);
		r2d[j] = t.r2_den;
	}
	if (mo != EVALD_MO_RAW) {
		out->r2[0] = average(out->r2, r2d, outputs, mo);
		out->ev[0] = average(out->ev, r2d, outputs, mo);
		average_errors(out, outputs, mo);
	}
	if (out->n < 2) {
		for (int64_t j = 0; j < outputs; j++)
			out->r2[j] = NAN;
		out->undefined |= EVALD_REG_FEW;
	}
	free(r2d);
	return EVALD_OK;
}
