/* sinkhorn.c - entropic optimal transport: Sinkhorn iterations on the
 * log-potentials (u, v), with the iterates of POT's
 * ot.sinkhorn(method="sinkhorn_log"), computed in stabilised scaling form.
 *
 * The log-domain updates are
 *   v_j = log b_j - LSE_i(-M_ij/reg + u_i)
 *   u_i = log a_i - LSE_j(-M_ij/reg + v_j)
 * Writing u = ua + log us and v = va + log vs, with the kernel
 * K_ij = exp(-M_ij/reg + ua_i + va_j) kept in memory, they become the
 * matrix-vector products of plain Sinkhorn: vs = b / (K^T us) and
 * us = a / (K vs), two BLAS passes per sweep instead of two passes of
 * exponentials.  The absorbed part (ua, va) is refreshed, and K rebuilt,
 * whenever the scalings leave [e^-30, e^30]; and where a product is not a
 * safely normal number (the kernel underflowed, as it does for small reg
 * at the start) the update is done in log form: the other side's scaling
 * is absorbed, the side being updated is shifted by its maximum exactly as
 * a log-sum-exp does, and the rebuilt kernel then has a 1 in every column
 * (row), so the product is >= 1.  Entries that underflow are below
 * 1e-308 while the sums they join are above 1e-200, so what is lost is far
 * below rounding. */
#include <cblas.h>
#include <math.h>
#include <string.h>

#include <evald/ot.h>
#include <evald/reduce.h>

#include "internal.h"

/* Scalings are absorbed into the potentials beyond e^+-ABSORB. */
#define ABSORB 30.0
/* Products outside [SAFE_LO, SAFE_HI] trigger a log-form update. */
#define SAFE_LO 1e-200
#define SAFE_HI 1e200
/* The marginal error is measured every CHECK_EVERY sweeps, as POT does. */
#define CHECK_EVERY 10
/* Cells of work between progress reports. */
#define TICK_WORK (INT64_C(1) << 22)

typedef struct sk {
	int64_t n, m;
	const double *M, *a, *b;
	double reg;
	double *K;	  /* [n*m] exp(-M/reg + ua_i + va_j) */
	double *ua, *va;  /* absorbed log-potentials */
	double *us, *vs;  /* scalings on top of them */
	double *ktu, *kv; /* K^T us [m], K vs [n] */
	int64_t work;
} sk;

static void sk_free(sk *s)
{
	free(s->K);
	free(s->ua);
	free(s->va);
	free(s->us);
	free(s->vs);
	free(s->ktu);
	free(s->kv);
}

/* K from (ua, va); also leaves its row sums in kv and column sums in ktu
 * (the products with all-ones scalings). */
static void rebuild(sk *s)
{
	const int64_t n = s->n, m = s->m;

	memset(s->ktu, 0, (size_t)m * sizeof *s->ktu);
	for (int64_t i = 0; i < n; i++) {
		const double *mr = s->M + i * m;
		double *kr = s->K + i * m, rs = 0.0;
		for (int64_t j = 0; j < m; j++) {
			double k = exp(-mr[j] / s->reg + s->ua[i] + s->va[j]);
			kr[j] = k;
			rs += k;
			s->ktu[j] += k;
		}
		s->kv[i] = rs;
	}
	s->work += 4 * n * m;
}

/* Fold the scalings into the potentials. */
static void absorb_u(sk *s)
{
	for (int64_t i = 0; i < s->n; i++) {
		s->ua[i] += log(s->us[i]);
		s->us[i] = 1.0;
	}
}

static void absorb_v(sk *s)
{
	for (int64_t j = 0; j < s->m; j++) {
		s->va[j] += log(s->vs[j]);
		s->vs[j] = 1.0;
	}
}

/* Prepare a log-form v update: va_j = -max_i(-M_ij/reg + ua_i), so every
 * column of the rebuilt K has its largest entry exactly 1. */
static void log_form_v(sk *s)
{
	const int64_t n = s->n, m = s->m;

	absorb_u(s);
	for (int64_t j = 0; j < m; j++)
		s->va[j] = -INFINITY;
	for (int64_t i = 0; i < n; i++) {
		const double *mr = s->M + i * m;
		for (int64_t j = 0; j < m; j++)
			s->va[j] = fmax(s->va[j], -mr[j] / s->reg + s->ua[i]);
	}
	for (int64_t j = 0; j < m; j++) {
		s->va[j] = -s->va[j];
		s->vs[j] = 1.0;
	}
	rebuild(s);
}

/* The same for a u update, by rows. */
static void log_form_u(sk *s)
{
	const int64_t n = s->n, m = s->m;

	absorb_v(s);
	for (int64_t i = 0; i < n; i++) {
		const double *mr = s->M + i * m;
		double top = -INFINITY;
		for (int64_t j = 0; j < m; j++)
			top = fmax(top, -mr[j] / s->reg + s->va[j]);
		s->ua[i] = -top;
		s->us[i] = 1.0;
	}
	rebuild(s);
}

static int all_safe(const double *v, int64_t n)
{
	for (int64_t k = 0; k < n; k++)
		if (!(v[k] >= SAFE_LO && v[k] <= SAFE_HI))
			return 0;
	return 1;
}

static int all_moderate(const double *v, int64_t n)
{
	const double lo = exp(-ABSORB), hi = exp(ABSORB);

	for (int64_t k = 0; k < n; k++)
		if (!(v[k] >= lo && v[k] <= hi))
			return 0;
	return 1;
}

static void kt_times_us(sk *s)
{
	cblas_dgemv(CblasRowMajor, CblasTrans, (int)s->n, (int)s->m, 1.0, s->K,
		    (int)s->m, s->us, 1, 0.0, s->ktu, 1);
	s->work += s->n * s->m;
}

static void k_times_vs(sk *s)
{
	cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)s->n, (int)s->m, 1.0,
		    s->K, (int)s->m, s->vs, 1, 0.0, s->kv, 1);
	s->work += s->n * s->m;
}

/* ||P^T 1 - b||_2 with ktu = K^T us up to date. */
static double marginal_error(const sk *s)
{
	double scale = 0.0, sum = 0.0;

	for (int64_t j = 0; j < s->m; j++)
		scale = fmax(scale, fabs(s->vs[j] * s->ktu[j] - s->b[j]));
	if (scale == 0.0 || !isfinite(scale))
		return scale;
	for (int64_t j = 0; j < s->m; j++) {
		double t = (s->vs[j] * s->ktu[j] - s->b[j]) / scale;
		sum += t * t;
	}
	return scale * sqrt(sum);
}

/* <P, M> with P_ij = us_i K_ij vs_j, by rows then a pairwise sum. */
static int plan_cost(const sk *s, double *out, evald_err *err)
{
	double *rows = evi_xalloc(s->n, sizeof *rows);

	if (!rows)
		return evald_fail(err, EVALD_ENOMEM, -1,
				  "out of memory for the plan's cost");
	for (int64_t i = 0; i < s->n; i++) {
		const double *kr = s->K + i * s->m, *mr = s->M + i * s->m;
		double r = 0.0;
		for (int64_t j = 0; j < s->m; j++)
			r += kr[j] * s->vs[j] * mr[j];
		rows[i] = s->us[i] * r;
	}
	*out = evald_sum(rows, s->n);
	free(rows);
	return EVALD_OK;
}

static int check_params(double reg, int64_t max_iter, double tol,
			const evald_ot_problem *pb, evald_err *err)
{
	double top = 0.0;

	if (!(reg > 0) || !isfinite(reg))
		return evald_fail(err, EVALD_EINVAL, -1,
				  "reg must be a finite number > 0; got %g",
				  reg);
	if (max_iter < 1)
		return evald_fail(err, EVALD_EINVAL, -1,
				  "max_iter must be at least 1; got %lld",
				  (long long)max_iter);
	if (!(tol >= 0) || !isfinite(tol))
		return evald_fail(err, EVALD_EINVAL, -1,
				  "tol must be a finite number >= 0; got %g",
				  tol);
	if (pb->scale != 1.0)
		return evald_fail(err, EVALD_EINVAL, -1,
				  "the costs were scaled; Sinkhorn needs them "
				  "as they are");
	for (int64_t k = 0; k < pb->nk * pb->mk; k++)
		top = fmax(top, fabs(pb->cost[k]));
	if (!isfinite(top / reg))
		return evald_fail(err, EVALD_EINVAL, -1,
				  "cost / reg overflows (largest cost %g, reg "
				  "%g); increase reg or scale the costs",
				  top, reg);
	if (pb->nk > INT32_MAX || pb->mk > INT32_MAX)
		return evald_fail(err, EVALD_ELIMIT, -1,
				  "more than 2^31 points in a set");
	return EVALD_OK;
}

int evald_sinkhorn_solve(const evald_ot_problem *pb, double reg,
			 int64_t max_iter, double tol,
			 const evald_progress *prog, evald_sinkhorn_result *res,
			 evald_err *err)
{
	sk s = {0};
	int64_t ii, next_tick = TICK_WORK;
	int kvalid = 0, have_ktu = 0, converged = 0, rc;
	double first_err = -1.0, e = INFINITY;

	memset(res, 0, sizeof *res);
	res->n = pb->n;
	res->m = pb->m;
	if ((rc = check_params(reg, max_iter, tol, pb, err)) < 0)
		return rc;
	s.n = pb->nk;
	s.m = pb->mk;
	s.M = pb->cost;
	s.a = pb->a;
	s.b = pb->b;
	s.reg = reg;
	s.K = evi_xalloc(s.n * s.m, sizeof *s.K);
	s.ua = evi_xalloc(s.n, sizeof *s.ua);
	s.us = evi_xalloc(s.n, sizeof *s.us);
	s.kv = evi_xalloc(s.n, sizeof *s.kv);
	s.va = evi_xalloc(s.m, sizeof *s.va);
	s.vs = evi_xalloc(s.m, sizeof *s.vs);
	s.ktu = evi_xalloc(s.m, sizeof *s.ktu);
	if (!s.K || !s.ua || !s.us || !s.kv || !s.va || !s.vs || !s.ktu) {
		rc = evald_fail(err, EVALD_ENOMEM, -1,
				"out of memory for the %lld x %lld kernel",
				(long long)s.n, (long long)s.m);
		goto out;
	}
	for (int64_t i = 0; i < s.n; i++) {
		s.ua[i] = 0.0;
		s.us[i] = 1.0;
	}
	for (int64_t j = 0; j < s.m; j++) {
		s.va[j] = 0.0;
		s.vs[j] = 1.0;
	}
	for (ii = 0; ii < max_iter; ii++) {
		/* v from u */
		if (kvalid && !have_ktu)
			kt_times_us(&s);
		if (!kvalid || !all_safe(s.ktu, s.m)) {
			log_form_v(&s);
			kvalid = 1;
		}
		for (int64_t j = 0; j < s.m; j++)
			s.vs[j] = s.b[j] / s.ktu[j];
		have_ktu = 0;
		/* u from v */
		k_times_vs(&s);
		if (!all_safe(s.kv, s.n))
			log_form_u(&s);
		for (int64_t i = 0; i < s.n; i++)
			s.us[i] = s.a[i] / s.kv[i];
		if (!all_moderate(s.us, s.n) || !all_moderate(s.vs, s.m)) {
			absorb_u(&s);
			absorb_v(&s);
			rebuild(&s);
		}
		if (ii % CHECK_EVERY == 0) {
			kt_times_us(&s);
			have_ktu = 1;
			e = marginal_error(&s);
			if (first_err < 0)
				first_err = e;
			if (e < tol) {
				converged = 1;
				break;
			}
		}
		if (s.work >= next_tick) {
			/* Sweeps done, or the error's way down to tol on a log
			 * scale if that is further along. */
			double f = (double)(ii + 1) / (double)max_iter;
			if (first_err > tol && e < first_err && tol > 0) {
				double g = log(first_err / e) /
					   log(first_err / tol);
				f = g > f ? g : f;
			}
			next_tick = s.work + TICK_WORK;
			if (evald_progress_tick(prog, f < 0.99 ? f : 0.99)) {
				rc = evald_fail(err, EVALD_ECANCEL, -1,
						"cancelled");
				goto out;
			}
		}
	}
	res->iterations = converged ? ii + 1 : max_iter;
	if (!converged) {
		/* The error of the plan actually returned. */
		kt_times_us(&s);
		e = marginal_error(&s);
		converged = e < tol;
	}
	res->converged = converged;
	res->error = e;
	rc = plan_cost(&s, &res->value, err);
out:
	sk_free(&s);
	return rc;
}

int evald_sinkhorn(const evald_ot_input *in, double reg, int64_t max_iter,
		   double tol, const evald_progress *prog,
		   evald_sinkhorn_result *res, evald_err *err)
{
	evald_progress_phase g1, g2;
	evald_ot_problem pb;
	int rc;

	memset(res, 0, sizeof *res);
	evald_progress_phase_init(&g1, prog, 0.0, 0.05);
	evald_progress_phase_init(&g2, prog, 0.05, 1.0);
	if ((rc = evald_ot_prepare(in, 0, &g1.prog, &pb, err)) < 0)
		return rc;
	rc = evald_sinkhorn_solve(&pb, reg, max_iter, tol, &g2.prog, res, err);
	evald_ot_problem_free(&pb);
	if (rc == EVALD_OK)
		evald_progress_tick(prog, 1.0);
	return rc;
}
