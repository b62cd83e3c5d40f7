/* drift.c - data-drift distances (drift.h): Evidently 0.4's binning of a
 * reference and a current sample into shares, the distances on those
 * shares with its zero replacement, and its normed Wasserstein distance.
 * The default binning follows Evidently's code, not its docstring: numeric
 * data is cut at numpy's "sturges" edges of both samples together
 * (Evidently's `n` is unused).  The reference's quantiles, which the
 * docstring and the PSI literature describe, are the other choice. */
#include <math.h>
#include <stdlib.h>

#include <evald/drift.h>

#include "driftcat.h"
#include "internal.h"
#include "sample.h"

#define MAX_DISTINCT_NUMERIC 20 /* Evidently: more makes data numeric */
#define WASSERSTEIN_MIN_STD  0.001

static int check(const double *v, int64_t n, int input, evald_err *err)
{
	const char *name = input ? "current" : "reference";
	if (n < 1)
		return evald_fail(err, EVALD_EEMPTY, input,
				  "the %s sample is empty", name);
	for (int64_t i = 0; i < n; i++)
		if (!isfinite(v[i]))
			return evald_fail(err, EVALD_EINVAL, input,
					  "the %s sample's value %lld is %g; "
					  "drop missing values first",
					  name, (long long)i, v[i]);
	return EVALD_OK;
}

static int64_t distinct(const double *s, int64_t n)
{
	int64_t d = n > 0;
	for (int64_t i = 1; i < n; i++)
		d += s[i] != s[i - 1];
	return d;
}

/* ref and cur sorted into a [n] and b [m], and their union into u
 * [n + m] by a merge: one radix sort per sample (driftcat.c) instead of
 * three qsorts, which dominated a drift report's time. */
static int sorted_union(const double *ref, int64_t n, const double *cur,
			int64_t m, double *a, double *b, double *u)
{
	int64_t i = 0, j = 0, k = 0;
	if (evi_sort_values(ref, n, a) < 0 || evi_sort_values(cur, m, b) < 0)
		return -1;
	while (i < n && j < m)
		u[k++] = b[j] < a[i] ? b[j++] : a[i++];
	while (i < n)
		u[k++] = a[i++];
	while (j < m)
		u[k++] = b[j++];
	return 0;
}

/* Number of s[0..n) < v (side left) or <= v (side right). */
static int64_t search(const double *s, int64_t n, double v, int right)
{
	int64_t lo = 0, hi = n;
	while (lo < hi) {
		int64_t mid = lo + (hi - lo) / 2;
		if (s[mid] < v || (right && s[mid] == v))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* numpy.histogram_bin_edges(u, bins) for the sorted union u [t]: `bins`
 * equal bins, or "sturges" when 0.  Edges as np.linspace makes them. */
static double *edges_of(const double *u, int64_t t, int64_t bins, int64_t *ne)
{
	double lo = u[0], hi = u[t - 1], ptp = hi - lo;
	if (lo == hi) {
		lo -= 0.5;
		hi += 0.5;
	}
	int64_t nb = bins;
	if (!nb) {
		double width = ptp / (log2((double)t) + 1.0);
		nb = width ? (int64_t)ceil((hi - lo) / width) : 1;
	}
	double *e = evi_xalloc(nb + 1, sizeof *e);
	if (!e)
		return NULL;
	double step = (hi - lo) / (double)nb;
	for (int64_t i = 0; i <= nb; i++)
		e[i] = (double)i * step + lo;
	e[nb] = hi;
	*ne = nb + 1;
	return e;
}

/* np.quantile(a, q) of the sorted a [n], numpy's linear method computed
 * as numpy does (its virtual index and its two-sided lerp), so an edge
 * that numpy puts on a data point lands on it here too. */
static double quantile_of(const double *a, int64_t n, double q)
{
	double h = (double)n * q + (1.0 + q * -1.0) - 1.0;
	double fl = floor(h);
	int64_t lo = fl < 0 ? 0 : (int64_t)fl;
	int64_t hi = lo + 1 < n ? lo + 1 : n - 1;
	double t = h - fl, d;

	if (lo > n - 1)
		lo = n - 1;
	d = a[hi] - a[lo];
	return t >= 0.5 ? a[hi] - d * (1.0 - t) : a[lo] + d * t;
}

/* Edges at the sorted reference's quantiles 1/bins .. (bins-1)/bins,
 * duplicates dropped, between -inf and +inf. */
static double *quantile_edges(const double *a, int64_t n, int64_t bins,
			      int64_t *ne)
{
	double *e = evi_xalloc(bins + 1, sizeof *e);
	int64_t k = 0;

	if (!e)
		return NULL;
	e[k++] = -INFINITY;
	for (int64_t i = 1; i < bins; i++) {
		double v = quantile_of(a, n, (double)i * (1.0 / (double)bins));
		if (k == 1 || v != e[k - 1])
			e[k++] = v;
	}
	e[k++] = INFINITY;
	*ne = k;
	return e;
}

/* np.histogram(s, edges)[0] / n: [e_i, e_i+1), the last bin closed. */
static void hist_shares(const double *s, int64_t n, const double *e, int64_t ne,
			double *out)
{
	int64_t prev = search(s, n, e[0], 0);
	for (int64_t i = 1; i < ne; i++) {
		int64_t at = search(s, n, e[i], i == ne - 1);
		out[i - 1] = (double)(at - prev) / (double)n;
		prev = at;
	}
}

/* One bin per distinct value of the sorted union u [t]. */
static void category_shares(const double *s, int64_t n, const double *u,
			    int64_t t, double *out)
{
	int64_t k = 0;
	for (int64_t i = 0; i < t; i++) {
		if (i && u[i] == u[i - 1])
			continue;
		out[k++] = (double)(search(s, n, u[i], 1) -
				    search(s, n, u[i], 0)) /
			   (double)n;
	}
}

int evald_drift_bin(const double *ref, int64_t n, const double *cur, int64_t m,
		    int categorical, evald_binning binning, int64_t bins,
		    double **rs, double **cs, int64_t *k, evald_err *err)
{
	double *a = NULL, *b = NULL, *u = NULL, *e = NULL;
	int rc;

	*rs = *cs = NULL;
	if ((rc = check(ref, n, 0, err)) || (rc = check(cur, m, 1, err)))
		return rc;
	a = evi_xalloc(n, sizeof *a);
	b = evi_xalloc(m, sizeof *b);
	u = evi_xalloc(n + m, sizeof *u);
	if (!a || !b || !u)
		goto nomem;
	if (sorted_union(ref, n, cur, m, a, b, u) < 0)
		goto nomem;
	if (categorical || distinct(a, n) <= MAX_DISTINCT_NUMERIC) {
		*k = distinct(u, n + m);
		*rs = evi_xalloc(*k, sizeof **rs);
		*cs = evi_xalloc(*k, sizeof **cs);
		if (!*rs || !*cs)
			goto nomem;
		category_shares(a, n, u, n + m, *rs);
		category_shares(b, m, u, n + m, *cs);
	} else {
		int64_t ne;
		e = binning == EVALD_BINS_REF_QUANTILES
			    ? quantile_edges(a, n, bins ? bins : 10, &ne)
			    : edges_of(u, n + m, bins, &ne);
		if (!e)
			goto nomem;
		*k = ne - 1;
		*rs = evi_xalloc(*k, sizeof **rs);
		*cs = evi_xalloc(*k, sizeof **cs);
		if (!*rs || !*cs)
			goto nomem;
		hist_shares(a, n, e, ne, *rs);
		hist_shares(b, m, e, ne, *cs);
	}
	goto out;
nomem:
	free(*rs);
	free(*cs);
	*rs = *cs = NULL;
	rc = evald_fail(err, EVALD_ENOMEM, -1, "out of memory");
out:
	free(a);
	free(b);
	free(u);
	free(e);
	return rc;
}

int evald_drift_shares(const double *counts, int64_t k, int input,
		       double *shares, evald_err *err)
{
	const char *name = input ? "current" : "reference";
	double sum = 0;
	if (k < 1)
		return evald_fail(err, EVALD_EEMPTY, input,
				  "the %s counts are empty", name);
	for (int64_t i = 0; i < k; i++) {
		if (!(counts[i] >= 0) || isinf(counts[i]))
			return evald_fail(err, EVALD_EINVAL, input,
					  "the %s count %lld is %g; counts "
					  "must be finite and non-negative",
					  name, (long long)i, counts[i]);
		sum += counts[i];
	}
	if (!(sum > 0) || isinf(sum))
		return evald_fail(err, EVALD_EINVAL, input,
				  "the %s counts sum to %g; they need a "
				  "positive, finite total",
				  name, sum);
	for (int64_t i = 0; i < k; i++)
		shares[i] = counts[i] / sum;
	return EVALD_OK;
}

/* Evidently's feel_zeroes on a copy. */
static void fill_zeroes(const double *s, int64_t k, double *out)
{
	double mn = INFINITY;
	for (int64_t i = 0; i < k; i++)
		if (s[i] != 0 && s[i] < mn)
			mn = s[i];
	double fill = mn <= EVALD_DRIFT_EPS ? mn / 1e6 : EVALD_DRIFT_EPS;
	for (int64_t i = 0; i < k; i++)
		out[i] = s[i] == 0 ? fill : s[i];
}

/* scipy.special.rel_entr. */
static double rel_entr(double x, double y)
{
	if (x > 0 && y > 0)
		return x * log(x / y);
	if (x == 0 && y >= 0)
		return 0;
	return INFINITY;
}

static double sum_of(const double *v, int64_t k)
{
	double s = 0;
	for (int64_t i = 0; i < k; i++)
		s += v[i];
	return s;
}

static double binned(evald_drift_kind kind, const double *r, const double *c,
		     int64_t k, double base)
{
	double s = 0, sr = sum_of(r, k), sc = sum_of(c, k);
	for (int64_t i = 0; i < k; i++) {
		double p = r[i], q = c[i];
		switch (kind) {
		case EVALD_DRIFT_PSI: s += (p - q) * log(p / q); break;
		case EVALD_DRIFT_KL: s += rel_entr(p / sr, q / sc); break;
		case EVALD_DRIFT_JENSENSHANNON: {
			double pn = p / sr, qn = q / sc, mm = (pn + qn) / 2.0;
			s += rel_entr(pn, mm) + rel_entr(qn, mm);
			break;
		}
		case EVALD_DRIFT_HELLINGER: s += sqrt(p * q); break;
		case EVALD_DRIFT_TOTAL_VARIATION: s += fabs(p - q); break;
		}
	}
	switch (kind) {
	case EVALD_DRIFT_KL: return base > 0 ? s / log(base) : s;
	case EVALD_DRIFT_JENSENSHANNON:
		return sqrt((base > 0 ? s / log(base) : s) / 2.0);
	case EVALD_DRIFT_HELLINGER:
		return sqrt(1 - (s > 1 ? 1 : s < 0 ? 0 : s));
	case EVALD_DRIFT_TOTAL_VARIATION: return s / 2;
	default: return s;
	}
}

int evald_drift_distance(evald_drift_kind kind, const double *r,
			 const double *c, int64_t k, double base, double *out,
			 evald_err *err)
{
	double *fr = NULL, *fc = NULL;

	if ((unsigned)kind > EVALD_DRIFT_TOTAL_VARIATION)
		return evald_fail(err, EVALD_EINVAL, -1, "unknown distance");
	if (k < 1)
		return evald_fail(err, EVALD_EEMPTY, -1, "no bins");
	if (kind == EVALD_DRIFT_PSI || kind == EVALD_DRIFT_KL) {
		fr = evi_xalloc(k, sizeof *fr);
		fc = evi_xalloc(k, sizeof *fc);
		if (!fr || !fc) {
			free(fr);
			free(fc);
			return evald_fail(err, EVALD_ENOMEM, -1,
					  "out of memory");
		}
		fill_zeroes(r, k, fr);
		fill_zeroes(c, k, fc);
		r = fr;
		c = fc;
	}
	*out = binned(kind, r, c, k, base);
	free(fr);
	free(fc);
	return EVALD_OK;
}

int evald_wasserstein_normed(const double *ref, int64_t n, const double *cur,
			     int64_t m, double *out, evald_err *err)
{
	evi_sample r = {ref, NULL, n}, c = {cur, NULL, m};
	return evi_wasserstein_normed(&r, &c, out, err);
}

int evi_wasserstein_normed(const evi_sample *r, const evi_sample *c,
			   double *out, evald_err *err)
{
	const double *ref = r->v, *a, *b;
	double *ca = NULL, *cb = NULL, *u = NULL, mean = 0, var = 0, w = 0;
	int64_t n = r->n, m = c->n, p = 0, q = 0, k = 0;
	int rc;

	if ((rc = check(ref, n, 0, err)) || (rc = check(c->v, m, 1, err)))
		return rc;
	a = evi_sample_sorted(r, &ca);
	b = evi_sample_sorted(c, &cb);
	u = evi_xalloc(n + m, sizeof *u);
	if (!a || !b || !u) {
		rc = evald_fail(err, EVALD_ENOMEM, -1, "out of memory");
		goto out;
	}
	while (p < n && q < m)
		u[k++] = b[q] < a[p] ? b[q++] : a[p++];
	while (p < n)
		u[k++] = a[p++];
	while (q < m)
		u[k++] = b[q++];
	/* scipy's _cdf_distance with p = 1: |F_ref - F_cur| between
	 * consecutive points of the union; the counts of values <= u[i]
	 * only grow along u, so two cursors replace the searches */
	for (int64_t i = 0, ia = 0, ib = 0; i + 1 < n + m; i++) {
		while (ia < n && a[ia] <= u[i])
			ia++;
		while (ib < m && b[ib] <= u[i])
			ib++;
		double fa = (double)ia / (double)n, fb = (double)ib / (double)m;
		w += fabs(fa - fb) * (u[i + 1] - u[i]);
	}
	for (int64_t i = 0; i < n; i++)
		mean += ref[i];
	mean /= (double)n;
	for (int64_t i = 0; i < n; i++)
		var += (ref[i] - mean) * (ref[i] - mean);
	double sd = sqrt(var / (double)n);
	*out = w / (sd > WASSERSTEIN_MIN_STD ? sd : WASSERSTEIN_MIN_STD);
out:
	free(ca);
	free(cb);
	free(u);
	return rc;
}
