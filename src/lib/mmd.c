/* mmd.c - RBF-kernel MMD² and its permutation test (see mmd.h): the
 * pooled squared distances of i < j from one dsyrk, the median
 * heuristic, the kernel in place on that triangle, the observed
 * statistic from bucketed pair sums; the permutation test is
 * mmd_perm.c. */
#include <limits.h>
#include <math.h>
#include <string.h>
#include <sys/mman.h>

#include <evald/mmd.h>

#include "internal.h"
#include "mmd_perm.h"

/* The t-th smallest of v [n] (from 0), v reordered so that no later
 * element is smaller: Hoare-partition quickselect, linear on average
 * where the sort it replaces was n log n with a call per comparison. */
static double select_nth(double *v, int64_t n, int64_t t)
{
	int64_t lo = 0, hi = n - 1;

	while (lo < hi) {
		double a = v[lo], b = v[lo + (hi - lo) / 2], c = v[hi];
		double piv = a < b ? (b < c   ? b
				      : a < c ? c
					      : a)
				   : (a < c   ? a
				      : b < c ? c
					      : b);
		int64_t i = lo, j = hi;
		while (i <= j) {
			while (v[i] < piv)
				i++;
			while (v[j] > piv)
				j--;
			if (i <= j) {
				double x = v[i];
				v[i++] = v[j];
				v[j--] = x;
			}
		}
		if (t <= j)
			hi = j;
		else if (t >= i)
			lo = i;
		else
			break; /* between j and i every element is piv */
	}
	return v[t];
}

/* np.median of √D over i < j. */
static int median_heuristic(const double *dm, int64_t p, double *sigma,
			    evald_err *err)
{
	int64_t np_ = p * (p - 1) / 2, t = 0;
	double *v = evi_xalloc(np_, sizeof(double));
	if (!v)
		return evald_fail(err, EVALD_ENOMEM, -1,
				  "out of memory for %lld pairwise distances",
				  (long long)np_);
	for (int64_t i = 0; i < p; i++)
		for (int64_t j = i + 1; j < p; j++)
			v[t++] = sqrt(dm[i * p + j]);
	if (np_ % 2)
		*sigma = select_nth(v, np_, np_ / 2);
	else {
		double lo = select_nth(v, np_, np_ / 2 - 1), hi = v[np_ / 2];
		for (int64_t i = np_ / 2 + 1; i < np_; i++)
			hi = v[i] < hi ? v[i] : hi;
		*sigma = 0.5 * (lo + hi);
	}
	free(v);
	return EVALD_OK;
}

double evi_mmd_combine(double sxx, double syy, double sxy, int64_t n, int64_t m,
		       const evald_mmd_params *prm)
{
	double dn = (double)n, dm = (double)m, v;
	if (prm->estimator == EVALD_MMD_UNBIASED)
		v = 2.0 * sxx / (dn * (dn - 1.0)) +
		    2.0 * syy / (dm * (dm - 1.0)) - 2.0 * sxy / (dn * dm);
	else /* the diagonals add k(a, a) = 1 per row */
		v = (2.0 * sxx + dn) / (dn * dn) +
		    (2.0 * syy + dm) / (dm * dm) - 2.0 * sxy / (dn * dm);
	return prm->scale * v;
}

/* The statistic for labels lab (1: x): bucketed sums over i < j. */
static double statistic(const double *k, int64_t p, const char *lab, int64_t n,
			int64_t m, const evald_mmd_params *prm)
{
	double sxx = 0.0, syy = 0.0, sxy = 0.0;

	for (int64_t i = 0; i < p; i++) {
		const double *row = k + i * p;
		double ax = 0.0, ay = 0.0;
		for (int64_t j = i + 1; j < p; j++) {
			if (lab[j])
				ax += row[j];
			else
				ay += row[j];
		}
		if (lab[i]) {
			sxx += ax;
			sxy += ay;
		} else {
			syy += ay;
			sxy += ax;
		}
	}
	return evi_mmd_combine(sxx, syy, sxy, n, m, prm);
}

/* The [p,p] kernel matrix on 2 MiB pages where the kernel gives them on
 * request (transparent huge pages in "madvise" mode): dsyrk's first
 * writes to 64 MB of fresh 4 KiB pages cost a fault each, as much time
 * as its arithmetic under load, and the permutation passes that stream
 * the triangle miss the TLB once per page.  Not zeroed; free(). */
static double *kernel_alloc(int64_t p)
{
	const size_t huge = (size_t)2 << 20;
	if (p > INT_MAX)
		return NULL;
	size_t n = (size_t)p * (size_t)p * sizeof(double);
	size_t r = (n + huge - 1) / huge * huge;
	double *k = aligned_alloc(huge, r);
#ifdef MADV_HUGEPAGE
	if (k)
		madvise(k, r, MADV_HUGEPAGE);
#endif
	return k;
}

static int mmd_check(const evald_tensor *x, const evald_tensor *y,
		     const evald_mmd_params *p, evald_err *err)
{
	int rc = evi_check_sets(x, y, "MMD needs at least 2 embeddings per set",
				err);
	if (rc)
		return rc;
	if (x->shape[1] > INT_MAX || x->shape[0] + y->shape[0] > INT_MAX / 2)
		return evald_fail(
			err, EVALD_ELIMIT, -1,
			"embedding sets this large are not supported");
	if (!(isnan(p->bandwidth) || p->bandwidth > 0.0) || p->permutations < 0)
		return evald_fail(err, EVALD_EINVAL, -1,
				  "MMD needs a bandwidth > 0 and permutations "
				  ">= 0");
	return EVALD_OK;
}

int evald_mmd(const evald_tensor *x, const evald_tensor *y,
	      const evald_mmd_params *prm, const evald_progress *prog,
	      evald_mmd_result *r, evald_err *err)
{
	double *z = NULL, *zn = NULL, *k = NULL;
	char *lab = NULL;
	int rc;

	memset(r, 0, sizeof *r);
	r->p_value = NAN;
	rc = mmd_check(x, y, prm, err);
	if (rc)
		return rc;
	int64_t n = x->shape[0], m = y->shape[0], d = x->shape[1], p = n + m;
	z = evi_xalloc(p * d, sizeof(double));
	zn = evi_xalloc(p, sizeof(double));
	k = kernel_alloc(p);
	lab = calloc((size_t)p, 1);
	if (!z || !zn || !k || !lab) {
		rc = evald_fail(err, EVALD_ENOMEM, -1,
				"out of memory for the %lld x %lld kernel "
				"matrix",
				(long long)p, (long long)p);
		goto out;
	}
	memcpy(z, x->data, (size_t)(n * d) * sizeof(double));
	memcpy(z + n * d, y->data, (size_t)(m * d) * sizeof(double));
	/* Only the upper triangle (j > i) of k is ever written or read:
	 * the median, the statistic and the permutations all take i < j. */
	evi_row_sqnorms(z, p, d, zn);
	evi_sqdist_upper(z, zn, p, d, k);
	r->bandwidth = prm->bandwidth;
	if (isnan(r->bandwidth)) {
		rc = median_heuristic(k, p, &r->bandwidth, err);
		if (rc)
			goto out;
		if (!(r->bandwidth > 0.0)) {
			rc = evald_fail(
				err, EVALD_EINVAL, -1,
				"the median heuristic gives bandwidth 0 "
				"(at least half of the pairs of rows "
				"are equal); give a bandwidth");
			goto out;
		}
	}
	double g = 1.0 / (2.0 * r->bandwidth * r->bandwidth);
	for (int64_t i = 0; i < p; i++)
		for (int64_t j = i + 1; j < p; j++)
			k[i * p + j] = exp(-g * k[i * p + j]);
	for (int64_t i = 0; i < p; i++)
		lab[i] = i < n;
	r->value = statistic(k, p, lab, n, m, prm);
	if (prm->permutations > 0)
		rc = evi_mmd_permute(k, p, n, m, prm, prog, r, err);
out:
	free(z);
	free(zn);
	free(k);
	free(lab);
	return rc;
}
