/* driftcat.c - category counts over a reference and a current sample, and
 * the chi-square and Z tests of a drift report on them (driftcat.h).
 * Both follow Evidently 0.4's stattests: chi-square compares the current
 * counts with the reference's scaled to the current size (not a
 * contingency table), the Z-test the share of one category. */
#include <math.h>
#include <stdlib.h>

#include <evald/twosample.h>

#include "driftcat.h"
#include "internal.h"

int64_t evi_drift_distinct(const double *a, int64_t n, const double *b,
			   int64_t m)
{
	int64_t i = 0, j = 0, k = 0;
	while (i < n || j < m) {
		double v = j >= m || (i < n && a[i] <= b[j]) ? a[i] : b[j];
		while (i < n && a[i] == v)
			i++;
		while (j < m && b[j] == v)
			j++;
		k++;
	}
	return k;
}

int evi_drift_counts(const double *a, int64_t n, const double *b, int64_t m,
		     int64_t k, double **rc, double **cc)
{
	int64_t i = 0, j = 0, t = 0;

	*rc = evi_xalloc(k, sizeof **rc);
	*cc = evi_xalloc(k, sizeof **cc);
	if (!*rc || !*cc) {
		free(*rc);
		free(*cc);
		*rc = *cc = NULL;
		return -1;
	}
	/* The union's distinct values, ascending, walking the two sorted
	 * samples together; the counts land at the same index. */
	while (t < k && (i < n || j < m)) {
		double v = j >= m || (i < n && a[i] <= b[j]) ? a[i] : b[j];
		int64_t i0 = i, j0 = j;
		while (i < n && a[i] == v)
			i++;
		while (j < m && b[j] == v)
			j++;
		(*rc)[t] = (double)(i - i0);
		(*cc)[t++] = (double)(j - j0);
	}
	return 0;
}

void evi_drift_chisquare(const double *rc, const double *cc, int64_t k,
			 double n, double m, double *stat, double *p)
{
	double s = 0, scale = m / n;
	for (int64_t i = 0; i < k; i++) {
		double e = rc[i] * scale, d = cc[i] - e;
		s += d * d / e; /* e == 0 < cc[i]: +inf, as numpy divides */
	}
	*stat = s;
	if (k < 2)
		*p = NAN;
	else if (isinf(s))
		*p = 0;
	else
		*p = evald_chi2_sf(s, (double)(k - 1));
}

void evi_drift_ztest(const double *rc, const double *cc, int64_t k, double n,
		     double m, double *z, double *p)
{
	if (k < 2) {
		*z = 0;
		*p = 1;
		return;
	}
	double p1 = rc[0] / n, p2 = cc[0] / m;
	double pooled = (p1 * n + p2 * m) / (n + m);
	*z = (p1 - p2) / sqrt(pooled * (1 - pooled) * (1.0 / n + 1.0 / m));
	*p = 2 * evald_norm_sf(fabs(*z));
}
