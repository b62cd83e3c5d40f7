/* test_emd.c - invariants of exact and entropic transport (ot.h) on random
 * sets: the EMD against brute-force assignments and the 1-D closed form,
 * symmetry, the triangle inequality, shifts, plan marginals and support,
 * degenerate (tied) costs, zero weights, the cost matrices, progress and
 * cancellation, error codes; Sinkhorn's marginals and its approach to the
 * EMD as reg shrinks. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <evald/ot.h>
#include <evald/ot1d.h>
#include <evald/rng.h>

#include "tap.h"

static evald_tensor mat(double *d, int64_t r, int64_t c)
{
	evald_tensor t;
	int64_t shape[2] = {r, c};
	evald_tensor_init(&t, d, EVALD_F64, 2, shape);
	return t;
}

static evald_tensor vec(double *d, int64_t n)
{
	evald_tensor t;
	evald_tensor_init(&t, d, EVALD_F64, 1, &n);
	return t;
}

static double *normals(evald_rng *r, int64_t k, double shift)
{
	double *v = malloc((size_t)k * sizeof *v);
	for (int64_t i = 0; i < k; i++)
		v[i] = evald_rng_normal(r) + shift;
	return v;
}

static double *uniforms(evald_rng *r, int64_t k, double lo)
{
	double *v = malloc((size_t)k * sizeof *v);
	for (int64_t i = 0; i < k; i++)
		v[i] = lo + evald_rng_uniform(r);
	return v;
}

typedef struct setup {
	evald_tensor x, y, xw, yw, cost;
	evald_ot_input in;
} setup;

/* Optional weights (NULL: uniform), p = 1, normalised. */
static void weights(setup *s, double *xw, int64_t n, double *yw, int64_t m)
{
	if (xw) {
		s->xw = vec(xw, n);
		s->in.x_weights = &s->xw;
	}
	if (yw) {
		s->yw = vec(yw, m);
		s->in.y_weights = &s->yw;
	}
	s->in.p = 1.0;
	s->in.normalize = 1;
}

/* Points x [n,d], y [m,d]; weights optional. */
static void points(setup *s, double *x, int64_t n, double *y, int64_t m,
		   int64_t d, double *xw, double *yw)
{
	memset(s, 0, sizeof *s);
	s->x = mat(x, n, d);
	s->y = mat(y, m, d);
	s->in.x = &s->x;
	s->in.y = &s->y;
	weights(s, xw, n, yw, m);
}

static void given(setup *s, double *c, int64_t n, int64_t m, double *xw,
		  double *yw)
{
	memset(s, 0, sizeof *s);
	s->cost = mat(c, n, m);
	s->in.cost = &s->cost;
	weights(s, xw, n, yw, m);
}

static double emd_value(setup *s)
{
	evald_emd_result r;
	evald_err e = {0};
	if (evald_emd(&s->in, 0, NULL, &r, &e) < 0) {
		tap_diag("evald_emd failed: %s", e.msg);
		return NAN;
	}
	return r.value;
}

/* ------------------------------------------------ brute-force assignment */

static double best_perm(const double *c, int n, int *perm, int k, double acc,
			int *used)
{
	double best = INFINITY;
	if (k == n)
		return acc;
	for (int j = 0; j < n; j++) {
		if (used[j])
			continue;
		used[j] = 1;
		perm[k] = j;
		double v =
			best_perm(c, n, perm, k + 1, acc + c[k * n + j], used);
		if (v < best)
			best = v;
		used[j] = 0;
	}
	return best;
}

/* With n = m and uniform weights an optimal plan is a permutation
 * (Birkhoff), so the EMD is the best assignment's mean cost. */
static void test_assignment(evald_rng *r)
{
	int ok = 1, ties_ok = 1;
	double worst = 0.0;

	for (int t = 0; t < 60; t++) {
		int n = 1 + (int)evald_rng_below(r, 7);
		double c[49];
		int perm[7], used[7] = {0};
		setup s;
		int ties = t % 2;
		for (int k = 0; k < n * n; k++)
			c[k] = ties ? (double)evald_rng_below(r, 3)
				    : evald_rng_uniform(r) * 10.0 - 2.0;
		double want = best_perm(c, n, perm, 0, 0.0, used) / n;
		given(&s, c, n, n, NULL, NULL);
		double got = emd_value(&s);
		double e = fabs(got - want) / fmax(fabs(want), 1.0);
		if (e > worst)
			worst = e;
		if (!tap_close(got, want, 1e-12, 1e-13)) {
			if (ties)
				ties_ok = 0;
			else
				ok = 0;
			tap_diag("n=%d got %.17g want %.17g", n, got, want);
		}
	}
	tap_ok(ok, "EMD equals the best assignment (n <= 7, random costs)");
	tap_ok(ties_ok, "EMD equals the best assignment with tied costs");
	tap_diag("worst relative error against brute force: %.2g", worst);
}

/* With two sources the plan is fixed by the mass f_j source 0 sends to
 * each sink (0 <= f_j <= b_j, sum f_j = a_0), and the cost is linear in
 * f with slopes c_0j - c_1j: the LP optimum fills the sinks in order of
 * that slope, a second exact oracle for weighted problems. */
static void test_two_sources(evald_rng *r)
{
	int ok = 1;

	for (int t = 0; t < 40; t++) {
		int m = 1 + (int)evald_rng_below(r, 6);
		double c[12], a[2], b[6], d[6], best = INFINITY;
		int order[6];
		setup s;
		a[0] = evald_rng_uniform(r) + 0.1;
		a[1] = evald_rng_uniform(r) + 0.1;
		double sb = 0;
		for (int j = 0; j < m; j++)
			sb += b[j] = evald_rng_uniform(r) + 0.05;
		for (int j = 0; j < m; j++)
			b[j] *= (a[0] + a[1]) / sb;
		for (int k = 0; k < 2 * m; k++)
			c[k] = evald_rng_uniform(r);
		/* Source 0 should serve the sinks where c0j - c1j is least,
		 * up to its mass: sort by that difference. */
		for (int j = 0; j < m; j++) {
			d[j] = c[j] - c[m + j];
			order[j] = j;
		}
		for (int i = 1; i < m; i++)
			for (int k = i; k > 0 && d[order[k]] < d[order[k - 1]];
			     k--) {
				int z = order[k];
				order[k] = order[k - 1];
				order[k - 1] = z;
			}
		double left = a[0], cost = 0.0;
		for (int k = 0; k < m; k++) {
			int j = order[k];
			double f = fmin(left, b[j]);
			cost += f * c[j] + (b[j] - f) * c[m + j];
			left -= f;
		}
		best = cost / (a[0] + a[1]);
		given(&s, c, 2, m, a, b);
		double got = emd_value(&s);
		if (!tap_close(got, best, 1e-12, 1e-14)) {
			ok = 0;
			tap_diag("m=%d got %.17g want %.17g", m, got, best);
		}
	}
	tap_ok(ok, "EMD of 2 weighted sources equals the greedy LP optimum");
}

/* ----------------------------------------------------------- invariants */

static void test_symmetry_triangle(evald_rng *r)
{
	int sym = 1, tri = 1, tri2 = 1;

	for (int t = 0; t < 20; t++) {
		int64_t n = 5 + evald_rng_below(r, 40),
			m = 5 + evald_rng_below(r, 40),
			k = 5 + evald_rng_below(r, 40), d = 1 + t % 5;
		double *x = normals(r, n * d, 0), *y = normals(r, m * d, 0.5),
		       *z = normals(r, k * d, -0.3);
		double *xw = uniforms(r, n, 0.01), *yw = uniforms(r, m, 0.01),
		       *zw = uniforms(r, k, 0.01);
		setup s;
		for (int pi = 0; pi < 2; pi++) {
			double p = pi ? 2.0 : 1.0, xy, yx, yz, xz;
			points(&s, x, n, y, m, d, xw, yw);
			s.in.p = p;
			xy = emd_value(&s);
			points(&s, y, m, x, n, d, yw, xw);
			s.in.p = p;
			yx = emd_value(&s);
			points(&s, y, m, z, k, d, yw, zw);
			s.in.p = p;
			yz = emd_value(&s);
			points(&s, x, n, z, k, d, xw, zw);
			s.in.p = p;
			xz = emd_value(&s);
			if (!tap_close(xy, yx, 1e-12, 1e-14))
				sym = 0;
			if (!(xz <= xy + yz + 1e-12)) {
				if (pi)
					tri2 = 0;
				else
					tri = 0;
			}
		}
		free(x);
		free(y);
		free(z);
		free(xw);
		free(yw);
		free(zw);
	}
	tap_ok(sym, "EMD(x, y) == EMD(y, x) with weights, p = 1 and 2");
	tap_ok(tri, "W1 satisfies the triangle inequality");
	tap_ok(tri2, "W2 satisfies the triangle inequality");
}

static void test_shift_1d(evald_rng *r)
{
	int ok = 1, ok_w = 1, ok_line = 1;

	for (int t = 0; t < 10; t++) {
		int64_t n = 1 + evald_rng_below(r, 80);
		double *x = normals(r, n, 0), *y = malloc((size_t)n * 8),
		       *w = uniforms(r, n, 0.0);
		double c = evald_rng_normal(r) * 3.0;
		evald_tensor tx = vec(x, n), ty = vec(y, n), tw = vec(w, n);
		evald_ot_input in = {&tx,  &ty,	 NULL,
				     NULL, NULL, EVALD_OT_EUCLIDEAN,
				     1.0,  1,	 0};
		evald_emd_result res;
		for (int64_t i = 0; i < n; i++)
			y[i] = x[i] + c;
		if (evald_emd(&in, 0, NULL, &res, NULL) < 0 ||
		    !tap_close(res.value, fabs(c), 1e-12, 1e-14))
			ok = 0;
		in.x_weights = &tw;
		in.y_weights = &tw;
		in.p = 2.0;
		if (evald_emd(&in, 0, NULL, &res, NULL) < 0 ||
		    !tap_close(res.value, fabs(c), 1e-12, 1e-14))
			ok_w = 0;
		/* and on the line the EMD is the quantile formula */
		for (int64_t i = 0; i < n; i++)
			y[i] = evald_rng_normal(r) * 2.0;
		double want;
		in.p = 1.0;
		if (evald_wasserstein_1d(&tx, &ty, &tw, &tw, 1.0, &want, NULL) <
			    0 ||
		    evald_emd(&in, 0, NULL, &res, NULL) < 0 ||
		    !tap_close(res.value, want, 1e-11, 1e-14))
			ok_line = 0;
		free(x);
		free(y);
		free(w);
	}
	tap_ok(ok, "W1 between a 1-D set and its shift is the shift");
	tap_ok(ok_w,
	       "W2 with weights between a set and its shift is the shift");
	tap_ok(ok_line, "EMD of 1-D sets equals wasserstein_1d");
}

static void test_plan(evald_rng *r)
{
	int marg = 1, cost = 1, support = 1, sorted = 1, zero = 1;

	for (int t = 0; t < 20; t++) {
		int64_t n = 1 + evald_rng_below(r, 50),
			m = 1 + evald_rng_below(r, 50), d = 3;
		double *x = normals(r, n * d, 0), *y = normals(r, m * d, 1);
		double *xw = uniforms(r, n, 0), *yw = uniforms(r, m, 0);
		double *rs = calloc((size_t)n, 8), *cs = calloc((size_t)m, 8);
		double sx = 0, sy = 0, c = 0;
		evald_emd_result res;
		setup s;
		/* a few zero weights, never all */
		if (n > 2)
			xw[t % n] = 0.0;
		if (m > 2)
			yw[(t * 7) % m] = 0.0;
		for (int64_t i = 0; i < n; i++)
			sx += xw[i];
		for (int64_t j = 0; j < m; j++)
			sy += yw[j];
		points(&s, x, n, y, m, d, xw, yw);
		s.in.metric = (evald_ot_metric)(t % 3);
		if (evald_emd(&s.in, 1, NULL, &res, NULL) < 0) {
			marg = 0;
			continue;
		}
		if (res.plan_nnz > n + m - 1)
			support = 0;
		for (int64_t k = 0; k < res.plan_nnz; k++) {
			int64_t i = res.plan_ij[2 * k],
				j = res.plan_ij[2 * k + 1];
			double f = res.plan_mass[k];
			const double *xi = x + i * d, *yj = y + j * d;
			double dist = 0;
			if (!(f > 0))
				support = 0;
			if (xw[i] == 0 || yw[j] == 0)
				zero = 0;
			if (k > 0) {
				int64_t pi = res.plan_ij[2 * k - 2],
					pj = res.plan_ij[2 * k - 1];
				if (pi > i || (pi == i && pj >= j))
					sorted = 0;
			}
			rs[i] += f;
			cs[j] += f;
			for (int64_t q = 0; q < d; q++) {
				double df = xi[q] - yj[q];
				dist += s.in.metric == EVALD_OT_CITYBLOCK
						? fabs(df)
						: df * df;
			}
			if (s.in.metric == EVALD_OT_EUCLIDEAN)
				dist = sqrt(dist);
			c += f * dist;
		}
		for (int64_t i = 0; i < n; i++)
			if (fabs(rs[i] - xw[i] / sx) > 1e-14)
				marg = 0;
		for (int64_t j = 0; j < m; j++)
			if (fabs(cs[j] - yw[j] / sy) > 1e-14)
				marg = 0;
		if (!tap_close(c, res.value, 1e-12, 1e-14))
			cost = 0;
		evald_emd_result_free(&res);
		free(x);
		free(y);
		free(xw);
		free(yw);
		free(rs);
		free(cs);
	}
	tap_ok(marg, "plan marginals equal the normalised weights (1e-14)");
	tap_ok(cost, "the plan's cost is the value");
	tap_ok(support,
	       "the plan is a basic solution: <= n+m-1 positive cells");
	tap_ok(sorted, "plan entries are sorted by i then j, no duplicates");
	tap_ok(zero, "points of zero weight carry no mass");
}

static void test_unnormalized(evald_rng *r)
{
	double x[12], y[8], xw[6] = {1, 2, 3, 0, 1, 1}, yw[4] = {2, 2, 2, 2};
	double yw2[4] = {2, 2, 2, 2.5}, a, b;
	evald_err e = {0};
	evald_emd_result res;
	setup s;

	for (int k = 0; k < 12; k++)
		x[k] = evald_rng_normal(r);
	for (int k = 0; k < 8; k++)
		y[k] = evald_rng_normal(r);
	points(&s, x, 6, y, 4, 2, xw, yw);
	a = emd_value(&s);
	s.in.normalize = 0;
	b = emd_value(&s);
	tap_ok(tap_close(b, 8.0 * a, 1e-12, 0),
	       "normalize false scales the cost by the common mass");
	points(&s, x, 6, y, 4, 2, xw, yw2);
	s.in.normalize = 0;
	tap_ok(evald_emd(&s.in, 0, NULL, &res, &e) == EVALD_EINVAL &&
		       e.input == 3,
	       "normalize false with different totals is EINVAL on y_weights");
}

static void test_degenerate(evald_rng *r)
{
	int64_t n = 300, m = 250;
	double *x = malloc((size_t)n * 2 * 8), *y = malloc((size_t)m * 2 * 8);
	double *c = malloc((size_t)(n * m) * 8), v;
	setup s;

	for (int64_t k = 0; k < n * 2; k++)
		x[k] = (double)evald_rng_below(r, 3);
	for (int64_t k = 0; k < m * 2; k++)
		y[k] = (double)evald_rng_below(r, 3);
	points(&s, x, n, y, m, 2, NULL, NULL);
	s.in.metric = EVALD_OT_CITYBLOCK;
	v = emd_value(&s);
	tap_ok(isfinite(v) && v >= 0, "heavily tied grid costs solve (%g)", v);
	for (int64_t k = 0; k < n * m; k++)
		c[k] = 1.5;
	given(&s, c, n, m, NULL, NULL);
	v = emd_value(&s);
	tap_ok(tap_close(v, 1.5, 1e-14, 0), "constant cost gives that cost");
	for (int64_t k = 0; k < n * m; k++)
		c[k] = 0.0;
	v = emd_value(&s);
	tap_ok(v == 0.0, "zero cost gives 0");
	points(&s, x, n, x, n, 2, NULL, NULL);
	s.in.metric = EVALD_OT_EUCLIDEAN;
	tap_ok(emd_value(&s) == 0.0, "a set against itself is exactly 0");
	free(x);
	free(y);
	free(c);
}

static void test_cost_matrix(evald_rng *r)
{
	int64_t n = 40, m = 30, d = 20;
	double *x = normals(r, n * d, 0), *y = normals(r, m * d, 0), *C;
	evald_tensor tx = mat(x, n, d), ty = mat(y, m, d);
	int ok[4] = {1, 1, 1, 1};
	evald_err e = {0};

	memcpy(y, x, (size_t)(10 * d) * sizeof *y); /* shared points */
	for (int metric = 0; metric < 4; metric++) {
		if (evald_cost_matrix(&tx, &ty, (evald_ot_metric)metric, 0,
				      NULL, &C, &e) < 0) {
			ok[metric] = 0;
			continue;
		}
		for (int64_t i = 0; i < n; i++)
			for (int64_t j = 0; j < m; j++) {
				double s = 0, dot = 0, nx = 0, ny = 0, want;
				for (int64_t k = 0; k < d; k++) {
					double a = x[i * d + k],
					       b = y[j * d + k];
					s += metric == 2 ? fabs(a - b)
							 : (a - b) * (a - b);
					dot += a * b;
					nx += a * a;
					ny += b * b;
				}
				want = metric == 0   ? sqrt(s)
				       : metric == 3 ? 1 - dot / sqrt(nx * ny)
						     : s;
				if (!tap_close(C[i * m + j], want, 1e-12,
					       1e-15))
					ok[metric] = 0;
				if (metric < 3 && i == j && i < 10 &&
				    C[i * m + j] != 0.0)
					ok[metric] = 0;
			}
		free(C);
	}
	tap_ok(ok[0], "euclidean cost matrix, exact 0 on shared points");
	tap_ok(ok[1], "sqeuclidean cost matrix, exact 0 on shared points");
	tap_ok(ok[2], "cityblock cost matrix");
	tap_ok(ok[3], "cosine cost matrix");
	tap_ok(evald_cost_matrix(&tx, &ty, EVALD_OT_EUCLIDEAN, 100, NULL, &C,
				 &e) == EVALD_ELIMIT,
	       "max_cells below n*m is EVALD_ELIMIT");
	for (int64_t k = 0; k < d; k++)
		x[3 * d + k] = 0.0;
	tap_ok(evald_cost_matrix(&tx, &ty, EVALD_OT_COSINE, 0, NULL, &C, &e) ==
			       EVALD_EINVAL &&
		       e.input == 0 && strstr(e.msg, "x[3]"),
	       "a zero vector under cosine is EINVAL naming x[3]");
	free(x);
	free(y);
}

static void test_errors(evald_rng *r)
{
	double x[6], y[6], w[3] = {1, -1, 1}, z[3] = {0, 0, 0};
	evald_tensor tx = mat(x, 3, 2), ty = mat(y, 3, 2), t3 = mat(y, 2, 3);
	evald_tensor tw = vec(w, 3), tz = vec(z, 3), t2 = vec(w, 2);
	evald_ot_input in = {&tx, &ty, NULL, NULL, NULL, EVALD_OT_EUCLIDEAN,
			     1.0, 1,   0};
	evald_emd_result res;
	evald_err e = {0};

	for (int k = 0; k < 6; k++)
		x[k] = y[k] = evald_rng_normal(r);
	in.y = &t3;
	tap_ok(evald_emd(&in, 0, NULL, &res, &e) == EVALD_ESHAPE &&
		       e.input == 1,
	       "feature mismatch is ESHAPE on y");
	in.y = &ty;
	in.x_weights = &tw;
	tap_ok(evald_emd(&in, 0, NULL, &res, &e) == EVALD_EINVAL &&
		       e.input == 2,
	       "negative weight is EINVAL on x_weights");
	in.x_weights = NULL;
	in.y_weights = &tz;
	tap_ok(evald_emd(&in, 0, NULL, &res, &e) == EVALD_EINVAL &&
		       e.input == 3,
	       "zero total is EINVAL on y_weights");
	in.y_weights = &t2;
	tap_ok(evald_emd(&in, 0, NULL, &res, &e) == EVALD_ESHAPE &&
		       e.input == 3,
	       "weights of the wrong length are ESHAPE");
	in.y_weights = NULL;
	in.p = 0.5;
	tap_ok(evald_emd(&in, 0, NULL, &res, &e) == EVALD_EINVAL,
	       "p < 1 is EINVAL");
	in.p = 1.0;
	in.cost = &tx;
	tap_ok(evald_emd(&in, 0, NULL, &res, &e) == EVALD_EINVAL &&
		       e.input == 4,
	       "cost together with points is EINVAL on cost");
	in.x = in.y = NULL;
	x[1] = -1.0;
	in.p = 2.0;
	tap_ok(evald_emd(&in, 0, NULL, &res, &e) == EVALD_EINVAL &&
		       e.input == 4,
	       "a negative cost with p = 2 is EINVAL on cost");
}

/* -------------------------------------------------- progress and cancel */

static void test_progress(evald_rng *r)
{
	int64_t n = 1500, m = 1200, d = 16;
	double *x = normals(r, n * d, 0), *y = normals(r, m * d, 0.2);
	tap_progress w = tap_progress_new(0);
	evald_progress prog = {tap_progress_fn, &w};
	evald_emd_result res;
	evald_sinkhorn_result sr;
	evald_err e = {0};
	setup s;
	int rc;

	points(&s, x, n, y, m, d, NULL, NULL);
	rc = evald_emd(&s.in, 0, &prog, &res, &e);
	tap_ok(rc == 0 && w.calls > 3 && w.monotone && w.last == 1.0,
	       "EMD reports monotone progress ending at 1 (%d calls)", w.calls);
	w = tap_progress_new(3);
	rc = evald_emd(&s.in, 0, &prog, &res, &e);
	tap_ok(rc == EVALD_ECANCEL && w.calls == 3,
	       "EMD stops at the first report after a cancel");
	w = tap_progress_new(0);
	rc = evald_sinkhorn(&s.in, 0.01, 50, 1e-12, &prog, &sr, &e);
	tap_ok(rc == 0 && w.calls > 3 && w.monotone,
	       "Sinkhorn reports monotone progress (%d calls)", w.calls);
	w = tap_progress_new(2);
	rc = evald_sinkhorn(&s.in, 0.01, 50, 1e-12, &prog, &sr, &e);
	tap_ok(rc == EVALD_ECANCEL && w.calls == 2,
	       "Sinkhorn stops at the first report after a cancel");
	free(x);
	free(y);
}

/* ------------------------------------------------------------- Sinkhorn */

static void test_sinkhorn(evald_rng *r)
{
	int64_t n = 15, m = 12, d = 2;
	double *x = uniforms(r, n * d, 0), *y = uniforms(r, m * d, 0);
	double *xw = uniforms(r, n, 0.1), *yw = uniforms(r, m, 0.1);
	double prev = INFINITY, emd, xy, yx;
	int mono = 1;
	evald_sinkhorn_result sr;
	evald_err e = {0};
	setup s;

	points(&s, x, n, y, m, d, xw, yw);
	emd = emd_value(&s);
	/* The entropic plan costs more than the optimum and less as reg
	 * shrinks, approaching it. */
	for (double reg = 1.0; reg >= 0.99e-3; reg /= 10) {
		if (evald_sinkhorn(&s.in, reg, 100000, 1e-13, NULL, &sr, &e) <
			    0 ||
		    !(sr.value >= emd - 1e-12) || !(sr.value <= prev + 1e-12))
			mono = 0;
		prev = sr.value;
	}
	tap_ok(mono, "Sinkhorn's cost >= EMD and falls as reg shrinks");
	tap_ok(fabs(prev - emd) < 2e-3 * emd,
	       "at reg 1e-3 Sinkhorn is within 0.2%% of the EMD (%.6g vs %.6g)",
	       prev, emd);
	tap_ok(sr.converged && sr.error < 1e-13,
	       "converged at reg 1e-3 with error %.3g in %lld sweeps", sr.error,
	       (long long)sr.iterations);
	evald_sinkhorn(&s.in, 0.05, 100000, 1e-14, NULL, &sr, &e);
	xy = sr.value;
	points(&s, y, m, x, n, d, yw, xw);
	evald_sinkhorn(&s.in, 0.05, 100000, 1e-14, NULL, &sr, &e);
	yx = sr.value;
	tap_ok(tap_close(xy, yx, 1e-10, 0), "Sinkhorn is symmetric");
	tap_ok(evald_sinkhorn(&s.in, 1e-4, 7, 1e-9, NULL, &sr, &e) == 0 &&
		       sr.iterations == 7 && !sr.converged &&
		       isfinite(sr.value),
	       "reg 1e-4, stopped by max_iter: finite, not converged");
	tap_ok(evald_sinkhorn(&s.in, 0.0, 7, 1e-9, NULL, &sr, &e) ==
		       EVALD_EINVAL,
	       "reg 0 is EINVAL");
	free(x);
	free(y);
	free(xw);
	free(yw);
}

int main(void)
{
	evald_rng r;

	evald_rng_seed(&r, 20240612);
	test_assignment(&r);
	test_two_sources(&r);
	test_symmetry_triangle(&r);
	test_shift_1d(&r);
	test_plan(&r);
	test_unnormalized(&r);
	test_degenerate(&r);
	test_cost_matrix(&r);
	test_errors(&r);
	test_progress(&r);
	test_sinkhorn(&r);
	return tap_done();
}
