/* ot1d.c - optimal transport on the line: the radix sort for doubles,
 * weight checks, the merge of two quantile functions (shared with
 * sliced.c), the Wasserstein distance W_p and SciPy's energy distance. */
#include <math.h>
#include <string.h>

#include <evald/ot1d.h>

#include "internal.h"

/* ------------------------------------------------------------ sorting */

#define SIGN_BIT     (UINT64_C(1) << 63)
#define RADIX_BITS   11
#define RADIX_SIZE   (1 << RADIX_BITS)
#define RADIX_PASSES 6 /* 6 x 11 bits cover 64 */
#define SMALL_SORT   64

/* Map a double to an unsigned key with the same order: flip every bit of
 * a negative number (larger magnitude must sort lower), only the sign bit
 * of a positive one. */
static inline uint64_t key_of(double v)
{
	uint64_t u;
	memcpy(&u, &v, sizeof u);
	return (u & SIGN_BIT) ? ~u : u | SIGN_BIT;
}

static inline double value_of(uint64_t k)
{
	uint64_t u = (k & SIGN_BIT) ? k & ~SIGN_BIT : ~k;
	double v;
	memcpy(&v, &u, sizeof v);
	return v;
}

static void insertion_sort(uint64_t *k, double *w, int64_t n)
{
	for (int64_t i = 1; i < n; i++) {
		uint64_t kk = k[i];
		double ww = w ? w[i] : 0.0;
		int64_t j = i;
		for (; j > 0 && k[j - 1] > kk; j--) {
			k[j] = k[j - 1];
			if (w)
				w[j] = w[j - 1];
		}
		k[j] = kk;
		if (w)
			w[j] = ww;
	}
}

/* LSD radix sort of keys (stable, so the payload keeps the order of equal
 * keys).  Buffers ping-pong between (k, w) and (kt, wt); the sorted data
 * ends in whichever pair the last pass wrote and is returned through
 * *kout / *wout. */
static void radix_sort(uint64_t *k, double *w, uint64_t *kt, double *wt,
		       int64_t n, int64_t (*hist)[RADIX_SIZE], uint64_t **kout,
		       double **wout)
{
	memset(hist, 0, sizeof(int64_t) * RADIX_PASSES * RADIX_SIZE);
	for (int64_t i = 0; i < n; i++)
		for (int p = 0; p < RADIX_PASSES; p++)
			hist[p]
			    [(k[i] >> (p * RADIX_BITS)) & (RADIX_SIZE - 1)]++;
	for (int p = 0; p < RADIX_PASSES; p++) {
		int shift = p * RADIX_BITS;
		int64_t *h = hist[p], sum = 0;
		/* A digit every key shares moves nothing: skip the pass (the
		 * high digits of data within a few binades). */
		if (h[(k[0] >> shift) & (RADIX_SIZE - 1)] == n)
			continue;
		for (int b = 0; b < RADIX_SIZE; b++) {
			int64_t c = h[b];
			h[b] = sum;
			sum += c;
		}
		for (int64_t i = 0; i < n; i++) {
			int64_t at = h[(k[i] >> shift) & (RADIX_SIZE - 1)]++;
			kt[at] = k[i];
			if (w)
				wt[at] = w[i];
		}
		uint64_t *ks = k;
		double *ws = w;
		k = kt;
		w = w ? wt : NULL;
		kt = ks;
		wt = ws;
	}
	*kout = k;
	*wout = w;
}

int evald_ot1d_sort(double *v, double *w, int64_t n, evald_err *err)
{
	uint64_t *keys = NULL, *kt = NULL, *ks;
	double *wt = NULL, *ws = w;
	int64_t(*hist)[RADIX_SIZE] = NULL;
	int rc = EVALD_OK;

	if (n < 2)
		return EVALD_OK;
	keys = evi_xalloc(n, sizeof *keys);
	if (!keys)
		goto nomem;
	for (int64_t i = 0; i < n; i++)
		keys[i] = key_of(v[i]);
	ks = keys;
	if (n <= SMALL_SORT) {
		insertion_sort(keys, w, n);
	} else {
		kt = evi_xalloc(n, sizeof *kt);
		wt = w ? evi_xalloc(n, sizeof *wt) : NULL;
		hist = malloc(sizeof(int64_t) * RADIX_PASSES * RADIX_SIZE);
		if (!kt || (w && !wt) || !hist)
			goto nomem;
		radix_sort(keys, w, kt, wt, n, hist, &ks, &ws);
	}
	for (int64_t i = 0; i < n; i++)
		v[i] = value_of(ks[i]);
	if (w && ws != w)
		memcpy(w, ws, (size_t)n * sizeof *w);
	goto out;
nomem:
	rc = evald_fail(err, EVALD_ENOMEM, -1,
			"out of memory sorting %lld values", (long long)n);
out:
	free(keys);
	free(kt);
	free(wt);
	free(hist);
	return rc;
}

/* ------------------------------------------------------------ weights */

int evald_ot1d_check_weights(const evald_tensor *w, int64_t n, int input,
			     const char *name, evald_err *err)
{
	char shape[64];
	double total = 0.0;

	if (w->ndim != 1 || w->shape[0] != n)
		return evald_fail(err, EVALD_ESHAPE, input,
				  "%s must be a 1-D array with one weight per "
				  "point (%lld); got shape %s",
				  name, (long long)n,
				  evald_shape_str(w, shape, sizeof shape));
	for (int64_t i = 0; i < n; i++) {
		double v = w->data[i];
		if (!isfinite(v))
			return evald_fail(err, EVALD_EINVAL, input,
					  "%s[%lld] is not finite; weights "
					  "must be finite",
					  name, (long long)i);
		if (v < 0)
			return evald_fail(err, EVALD_EINVAL, input,
					  "%s[%lld] is %.17g; weights must be "
					  "non-negative",
					  name, (long long)i, v);
		/* Sequential, like evald_ot1d_cumulate, so a total that is
		 * finite here is finite there. */
		total += v;
	}
	if (!(total > 0))
		return evald_fail(err, EVALD_EINVAL, input,
				  "%s sum to 0; at least one weight must be "
				  "positive",
				  name);
	if (!isfinite(total))
		return evald_fail(err, EVALD_EINVAL, input,
				  "%s sum to more than the largest double; "
				  "scale them down",
				  name);
	return EVALD_OK;
}

void evald_ot1d_cumulate(const double *w, int64_t n, double *cum)
{
	double total = 0.0, s = 0.0;

	for (int64_t i = 0; i < n; i++)
		total += w[i];
	/* Partial sums only grow and the same total divides each, so cum
	 * is non-decreasing and its last entry is exactly 1. */
	for (int64_t i = 0; i < n; i++) {
		s += w[i];
		cum[i] = s / total;
	}
	cum[n - 1] = 1.0;
}

/* ------------------------------------------------------------ the merge */

/* Compensated (Neumaier) accumulation: the merge adds up to n + m terms. */
typedef struct {
	double s, c;
} ksum;

static inline void ksum_add(ksum *k, double v)
{
	double t = k->s + v;
	if (fabs(k->s) >= fabs(v))
		k->c += (k->s - t) + v;
	else
		k->c += (v - t) + k->s;
	k->s = t;
}

static inline double cum_at(const double *cum, int64_t i, int64_t n)
{
	return cum ? cum[i] : (double)(i + 1) / (double)n;
}

/* Walk the quantile levels where either quantile function jumps.  On each
 * level interval (q, t] the quantile functions are the constants x[i] and
 * y[j], which pays mass (t - q) times the cost of moving x[i] to y[j].
 * With scale <= 0 return the largest gap that carries mass; else return
 * the sum of mass * (gap / scale)^p. */
static double merge(const double *x, const double *xc, int64_t n,
		    const double *y, const double *yc, int64_t m, double p,
		    double scale)
{
	int64_t i = 0, j = 0;
	double q = 0.0, big = 0.0;
	ksum acc = {0.0, 0.0};

	while (i < n && j < m) {
		double a = cum_at(xc, i, n), b = cum_at(yc, j, m);
		double t = a < b ? a : b;
		double mass = t - q;

		if (mass > 0) {
			double d = fabs(x[i] - y[j]);
			if (scale <= 0) {
				if (d > big)
					big = d;
			} else if (p == 1.0) {
				ksum_add(&acc, mass * d);
			} else if (p == 2.0) {
				double e = d / scale;
				ksum_add(&acc, mass * (e * e));
			} else if (d > 0) {
				ksum_add(&acc, mass * pow(d / scale, p));
			}
		}
		q = t;
		if (a <= t)
			i++;
		if (b <= t)
			j++;
	}
	return scale <= 0 ? big : acc.s + acc.c;
}

void evald_ot1d_cost_sorted(const double *x, const double *xcum, int64_t n,
			    const double *y, const double *ycum, int64_t m,
			    double p, evald_ot1d_cost *out)
{
	if (p == 1.0) {
		/* No power, no overflow beyond the gaps themselves. */
		out->scale = 1.0;
		out->sum = merge(x, xcum, n, y, ycum, m, p, 1.0);
		return;
	}
	out->scale = merge(x, xcum, n, y, ycum, m, p, 0.0);
	out->sum = out->scale > 0 ? merge(x, xcum, n, y, ycum, m, p, out->scale)
				  : 0.0;
}

double evald_ot1d_cost_mean_root(const evald_ot1d_cost *c, int64_t k,
				 double count, double p)
{
	double big = 0.0, mean;
	ksum acc = {0.0, 0.0};

	for (int64_t i = 0; i < k; i++)
		if (c[i].sum > 0 && c[i].scale > big)
			big = c[i].scale;
	if (big == 0.0)
		return 0.0;
	for (int64_t i = 0; i < k; i++) {
		if (!(c[i].sum > 0))
			continue;
		double r = c[i].scale / big;
		double f = p == 1.0 ? r : p == 2.0 ? r * r : pow(r, p);
		ksum_add(&acc, c[i].sum * f);
	}
	mean = (acc.s + acc.c) / count;
	if (p == 1.0)
		return big * mean;
	if (p == 2.0)
		return big * sqrt(mean);
	return big * pow(mean, 1.0 / p);
}

/* ------------------------------------------------------------ 1-D sets */

/* One side of a 1-D problem: values sorted, cumulative weights or NULL for
 * uniform.  Both buffers are owned. */
typedef struct {
	double *v, *cum;
	int64_t n;
} side;

static void side_free(side *s)
{
	free(s->v);
	free(s->cum);
	s->v = s->cum = NULL;
}

static int check_values(const evald_tensor *t, int input, const char *name,
			evald_err *err)
{
	char shape[64];
	int64_t bad;

	if (t->ndim != 1)
		return evald_fail(err, EVALD_ESHAPE, input,
				  "%s must be a 1-D array of values; got shape "
				  "%s",
				  name,
				  evald_shape_str(t, shape, sizeof shape));
	if (t->size == 0)
		return evald_fail(err, EVALD_EEMPTY, input,
				  "%s is empty; a distribution needs at least "
				  "one value",
				  name);
	if (!evald_tensor_all_finite(t, &bad))
		return evald_fail(err, EVALD_EINVAL, input,
				  "%s[%lld] is not finite", name,
				  (long long)bad);
	return EVALD_OK;
}

static int side_prepare(const evald_tensor *t, const evald_tensor *w, int input,
			const char *name, const char *wname, side *s,
			evald_err *err)
{
	int64_t n;
	int rc;

	s->v = s->cum = NULL;
	if ((rc = check_values(t, input, name, err)) < 0)
		return rc;
	n = s->n = t->shape[0];
	if (w &&
	    (rc = evald_ot1d_check_weights(w, n, input + 2, wname, err)) < 0)
		return rc;
	s->v = evi_xalloc(n, sizeof *s->v);
	if (w)
		s->cum = evi_xalloc(n, sizeof *s->cum);
	if (!s->v || (w && !s->cum)) {
		side_free(s);
		return evald_fail(err, EVALD_ENOMEM, -1,
				  "out of memory copying %s (%lld values)",
				  name, (long long)n);
	}
	memcpy(s->v, t->data, (size_t)n * sizeof *s->v);
	if (w)
		memcpy(s->cum, w->data, (size_t)n * sizeof *s->cum);
	if ((rc = evald_ot1d_sort(s->v, s->cum, n, err)) < 0) {
		side_free(s);
		return rc;
	}
	if (w)
		evald_ot1d_cumulate(s->cum, n, s->cum);
	return EVALD_OK;
}

static int prepare_pair(const evald_tensor *x, const evald_tensor *y,
			const evald_tensor *xw, const evald_tensor *yw, side *a,
			side *b, evald_err *err)
{
	int rc;

	b->v = b->cum = NULL;
	if ((rc = side_prepare(x, xw, 0, "x", "x_weights", a, err)) < 0)
		return rc;
	if ((rc = side_prepare(y, yw, 1, "y", "y_weights", b, err)) < 0)
		side_free(a);
	return rc;
}

int evald_wasserstein_1d(const evald_tensor *x, const evald_tensor *y,
			 const evald_tensor *xw, const evald_tensor *yw,
			 double p, double *out, evald_err *err)
{
	side a, b;
	evald_ot1d_cost c;
	int rc;

	if (!(p >= 1.0) || !isfinite(p))
		return evald_fail(err, EVALD_EINVAL, -1,
				  "p must be a finite number >= 1; got %g", p);
	if ((rc = prepare_pair(x, y, xw, yw, &a, &b, err)) < 0)
		return rc;
	evald_ot1d_cost_sorted(a.v, a.cum, a.n, b.v, b.cum, b.n, p, &c);
	*out = evald_ot1d_cost_mean_root(&c, 1, 1.0, p);
	side_free(&a);
	side_free(&b);
	return EVALD_OK;
}

/* Integral of (F(z) - G(z))^2 dz for the empirical CDFs F of x and G of y:
 * between consecutive points of the merged set both CDFs are constant. */
static double cdf_l2_squared(const side *a, const side *b)
{
	const double *x = a->v, *y = b->v;
	int64_t n = a->n, m = b->n, i = 0, j = 0;
	double f = 0.0, g = 0.0, prev = x[0] < y[0] ? x[0] : y[0];
	ksum acc = {0.0, 0.0};

	while (i < n || j < m) {
		double z = (j >= m || (i < n && x[i] <= y[j])) ? x[i] : y[j];
		double diff = f - g;

		ksum_add(&acc, diff * diff * (z - prev));
		prev = z;
		while (i < n && x[i] <= z)
			i++;
		while (j < m && y[j] <= z)
			j++;
		f = i ? (a->cum ? a->cum[i - 1] : (double)i / (double)n) : 0.0;
		g = j ? (b->cum ? b->cum[j - 1] : (double)j / (double)m) : 0.0;
	}
	return acc.s + acc.c;
}

int evald_energy_distance(const evald_tensor *x, const evald_tensor *y,
			  const evald_tensor *xw, const evald_tensor *yw,
			  double *out, evald_err *err)
{
	side a, b;
	int rc;

	if ((rc = prepare_pair(x, y, xw, yw, &a, &b, err)) < 0)
		return rc;
	/* scipy: sqrt(2) * l2 distance of the CDFs, i.e. sqrt(2 * integral). */
	*out = sqrt(2.0 * cdf_l2_squared(&a, &b));
	side_free(&a);
	side_free(&b);
	return EVALD_OK;
}
