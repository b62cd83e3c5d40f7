/* kendall.c - Kendall's tau-b and tau-c with SciPy 1.10's p-values (see
 * corr.h).  Discordant pairs are counted in O(N log N) as Knight (1966)
 * does: sort by (x, y), then count the inversions of y by merge sort;
 * pairs tied in x or y are never inversions. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <evald/corr.h>

#include "internal.h"
#include "specfun.h"

typedef struct xy {
	double x;
	int64_t y; /* dense rank of y, 1-based */
} xy;

typedef struct vi {
	double v;
	int64_t i;
} vi;

static int by_v(const void *a, const void *b)
{
	double u = ((const vi *)a)->v, w = ((const vi *)b)->v;
	return (u > w) - (u < w);
}

static int by_xy(const void *a, const void *b)
{
	const xy *u = a, *w = b;
	if (u->x != w->x)
		return (u->x > w->x) - (u->x < w->x);
	return (u->y > w->y) - (u->y < w->y);
}

/* Pairs i < j with a[i] > a[j]; sorts a (bottom-up merge into tmp). */
static int64_t inversions(int64_t *a, int64_t *tmp, int64_t n)
{
	int64_t inv = 0;

	for (int64_t w = 1; w < n; w *= 2) {
		for (int64_t lo = 0; lo < n; lo += 2 * w) {
			int64_t mid = lo + w < n ? lo + w : n;
			int64_t hi = lo + 2 * w < n ? lo + 2 * w : n;
			int64_t i = lo, j = mid, k = lo;
			while (i < mid && j < hi) {
				if (a[j] < a[i]) {
					inv += mid - i;
					tmp[k++] = a[j++];
				} else {
					tmp[k++] = a[i++];
				}
			}
			while (i < mid)
				tmp[k++] = a[i++];
			while (j < hi)
				tmp[k++] = a[j++];
		}
		memcpy(a, tmp, (size_t)n * sizeof *a);
	}
	return inv;
}

/* SciPy's tie statistics of one variable from its run lengths. */
typedef struct ties {
	int64_t pairs; /* Σ t(t−1)/2 */
	double t0, t1; /* Σ t(t−1)(t−2), Σ t(t−1)(2t+5) */
	int64_t classes;
} ties;

static void add_run(ties *t, int64_t c)
{
	t->classes++;
	if (c < 2)
		return;
	double d = (double)c;
	t->pairs += c * (c - 1) / 2;
	t->t0 += d * (d - 1.0) * (d - 2.0);
	t->t1 += d * (d - 1.0) * (2.0 * d + 5.0);
}

/* Two-sided exact p-value of c concordant pairs among n untied items:
 * mstats_basic._kendall_p_exact, including its scaled recurrence for
 * n >= 171 where n! overflows. */
static double p_exact(int64_t n, int64_t c, double *work)
{
	int64_t tot = n * (n - 1) / 2;
	double prob, sum = 0.0;

	c = c < tot - c ? c : tot - c;
	if (n <= 2)
		return 1.0;
	if (c == 0 || c == 1) {
		double f = 1.0;
		for (int64_t i = 2; i <= n - c; i++)
			f *= (double)i;
		return n - c < 171 ? fmin(2.0 / f, 1.0) : 0.0;
	}
	if (4 * c == n * (n - 1))
		return 1.0;
	memset(work, 0, (size_t)(c + 1) * sizeof *work);
	work[0] = work[1] = 1.0;
	for (int64_t j = 3; j <= n; j++) {
		for (int64_t i = 1; i <= c; i++)
			work[i] += work[i - 1];
		if (n >= 171)
			for (int64_t i = 0; i <= c; i++)
				work[i] /= (double)j;
		/* high to low, so each source is read before it changes */
		for (int64_t i = c - j; j <= c && i >= 0; i--)
			work[j + i] -= work[i];
	}
	for (int64_t i = 0; i <= c; i++)
		sum += work[i];
	if (n >= 171) {
		prob = sum;
	} else {
		double f = 1.0;
		for (int64_t i = 2; i <= n; i++)
			f *= (double)i;
		prob = 2.0 * sum / f;
	}
	return fmin(fmax(prob, 0.0), 1.0);
}

/* Sorted by (x, rank of y) in p[]; fills the tie statistics. */
static int64_t pair_up(const evald_tensor *x, const evald_tensor *y, int64_t n,
		       xy *p, vi *s, ties *tx, ties *ty)
{
	int64_t rank = 0, joint = 0;

	for (int64_t i = 0; i < n; i++) {
		s[i].v = y->data[i];
		s[i].i = i;
	}
	qsort(s, (size_t)n, sizeof *s, by_v);
	for (int64_t i = 0, run = 0; i < n; i++) {
		if (i == 0 || s[i].v != s[i - 1].v) {
			if (i)
				add_run(ty, run);
			rank++;
			run = 0;
		}
		run++;
		p[s[i].i].x = x->data[s[i].i];
		p[s[i].i].y = rank;
		if (i == n - 1)
			add_run(ty, run);
	}
	qsort(p, (size_t)n, sizeof *p, by_xy);
	for (int64_t i = 0, rx = 0, rj = 0; i <= n; i++) {
		if (i == n || (i && p[i].x != p[i - 1].x)) {
			add_run(tx, rx);
			rx = 0;
		}
		if (i == n ||
		    (i && (p[i].x != p[i - 1].x || p[i].y != p[i - 1].y))) {
			joint += rj * (rj - 1) / 2;
			rj = 0;
		}
		rx++;
		rj++;
	}
	return joint;
}

static int kendall_p(evald_corr *r, int64_t n, int64_t tot, int64_t dis,
		     int64_t cmd, const ties *tx, const ties *ty,
		     evald_pvalue_method method, evald_err *err)
{
	int untied = tx->pairs == 0 && ty->pairs == 0;
	int64_t c = dis < tot - dis ? dis : tot - dis;

	if (method == EVALD_PV_EXACT && !untied)
		return evald_fail(err, EVALD_EINVAL, -1,
				  "x or y has ties; the exact p-value is only "
				  "defined without ties (use method auto or "
				  "asymptotic)");
	if (method == EVALD_PV_AUTO)
		method = untied && (n <= 33 || c <= 1) ? EVALD_PV_EXACT
						       : EVALD_PV_ASYMPTOTIC;
	if (method == EVALD_PV_EXACT) {
		if ((double)n * (double)(c + 1) > 2e9)
			return evald_fail(err, EVALD_ELIMIT, -1,
					  "the exact p-value for N = %lld "
					  "takes about N³/4 steps, too many; "
					  "use method asymptotic",
					  (long long)n);
		double *work = evi_xalloc(c + 2, sizeof(double));
		if (!work)
			return evald_fail(err, EVALD_ENOMEM, -1,
					  "out of memory");
		r->pvalue = p_exact(n, tot - dis, work);
		r->exact = 1;
		free(work);
		return EVALD_OK;
	}
	double m = (double)n * ((double)n - 1.0);
	double var = (m * (2.0 * (double)n + 5.0) - tx->t1 - ty->t1) / 18.0 +
		     (2.0 * (double)tx->pairs * (double)ty->pairs) / m +
		     tx->t0 * ty->t0 / (9.0 * m * ((double)n - 2.0));
	double z = (double)cmd / sqrt(var);
	r->pvalue = 2.0 * evi_norm_sf(fabs(z));
	return EVALD_OK;
}

int evald_kendall(const evald_tensor *x, const evald_tensor *y,
		  evald_tau_variant variant, evald_pvalue_method method,
		  evald_corr *r, evald_err *err)
{
	char a[64], b[64];
	int64_t n, *seq = NULL, *tmp = NULL;
	xy *p = NULL;
	vi *s = NULL;
	ties tx = {0}, ty = {0};
	int rc = EVALD_OK;

	memset(r, 0, sizeof *r);
	if (x->ndim != 1 || y->ndim != 1 || x->size != y->size)
		return evald_fail(err, EVALD_ESHAPE, x->ndim != 1 ? 0 : 1,
				  "x and y must be 1-D of the same size; got "
				  "shapes %s and %s",
				  evald_shape_str(x, a, sizeof a),
				  evald_shape_str(y, b, sizeof b));
	n = x->size;
	p = evi_xalloc(n ? n : 1, sizeof *p);
	s = evi_xalloc(n ? n : 1, sizeof *s);
	seq = evi_xalloc(n ? n : 1, sizeof *seq);
	tmp = evi_xalloc(n ? n : 1, sizeof *tmp);
	if (!p || !s || !seq || !tmp) {
		rc = evald_fail(err, EVALD_ENOMEM, -1, "out of memory");
		goto out;
	}
	int64_t joint = n ? pair_up(x, y, n, p, s, &tx, &ty) : 0;
	int64_t tot = n * (n - 1) / 2;
	if (n == 0 || tx.pairs == tot || ty.pairs == tot) {
		r->statistic = r->pvalue = NAN;
		r->undefined = n < 2 ? EVALD_CORR_TOO_FEW : EVALD_CORR_CONSTANT;
		goto out;
	}
	for (int64_t i = 0; i < n; i++)
		seq[i] = p[i].y;
	int64_t dis = inversions(seq, tmp, n);
	int64_t cmd = tot - tx.pairs - ty.pairs + joint - 2 * dis;
	double tau;
	if (variant == EVALD_TAU_B) {
		tau = (double)cmd / sqrt((double)(tot - tx.pairs)) /
		      sqrt((double)(tot - ty.pairs));
	} else {
		int64_t mc = tx.classes < ty.classes ? tx.classes : ty.classes;
		tau = 2.0 * (double)cmd /
		      ((double)n * (double)n * (double)(mc - 1) / (double)mc);
	}
	r->statistic = fmin(1.0, fmax(-1.0, tau));
	rc = kendall_p(r, n, tot, dis, cmd, &tx, &ty, method, err);
	if (!rc && isnan(r->pvalue))
		r->undefined = EVALD_CORR_TOO_FEW;
out:
	free(p);
	free(s);
	free(seq);
	free(tmp);
	return rc;
}
