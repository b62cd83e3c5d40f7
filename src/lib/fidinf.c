/* fidinf.c - FID∞ (see fidinf.h): evald_fid on seeded subsets of the
 * generated set, then the least-squares line in 1/n. */
#include <string.h>

#include <evald/fid.h>
#include <evald/fidinf.h>
#include <evald/moments.h>
#include <evald/rng.h>

#include "internal.h"

void evald_fid_inf_schedule(int64_t lo, int64_t hi, int64_t points,
			    int64_t *sizes)
{
	/* np.linspace: start + i·(delta/div), the last point exactly stop;
	 * astype truncates toward 0. */
	double step = (double)(hi - lo) / (double)(points - 1);
	for (int64_t i = 0; i < points - 1; i++)
		sizes[i] = (int64_t)((double)i * step + (double)lo);
	sizes[points - 1] = hi;
}

/* sklearn's LinearRegression on one feature: centred least squares. */
static void fit_line(const int64_t *sizes, const double *f, int64_t k,
		     evald_fid_inf_result *r)
{
	double mu = 0.0, mf = 0.0, sxy = 0.0, sxx = 0.0;

	for (int64_t i = 0; i < k; i++) {
		mu += 1.0 / (double)sizes[i];
		mf += f[i];
	}
	mu /= (double)k;
	mf /= (double)k;
	for (int64_t i = 0; i < k; i++) {
		double u = 1.0 / (double)sizes[i] - mu;
		sxy += u * (f[i] - mf);
		sxx += u * u;
	}
	/* Equal sizes leave 1/n without spread (its centring leaves only
	 * rounding noise, which a division would blow up): lstsq's
	 * minimum-norm answer is slope 0 and the mean as intercept. */
	r->same_sizes = 1;
	for (int64_t i = 1; i < k; i++)
		r->same_sizes &= sizes[i] == sizes[0];
	r->slope = r->same_sizes ? 0.0 : sxy / sxx;
	r->value = mf - r->slope * mu;
}

static int sizes_check(const evald_tensor *fake, const evald_gauss *real,
		       const int64_t *sizes, int64_t k, evald_err *err)
{
	char sh[64];

	if (fake->ndim != 2 || fake->shape[0] < 2 || fake->shape[1] < 1)
		return evald_fail(
			err, fake->ndim != 2 ? EVALD_ESHAPE : EVALD_EEMPTY, 0,
			"fake must be a matrix [M, d] of at least 2 "
			"embeddings; got shape %s",
			evald_shape_str(fake, sh, sizeof sh));
	if (real->d != fake->shape[1])
		return evald_fail(err, EVALD_ESHAPE, 1,
				  "real has d = %lld, fake has d = %lld",
				  (long long)real->d,
				  (long long)fake->shape[1]);
	if (k < 2)
		return evald_fail(err, EVALD_EINVAL, -1,
				  "FID-infinity needs at least 2 subset sizes; "
				  "got %lld",
				  (long long)k);
	for (int64_t i = 0; i < k; i++)
		if (sizes[i] < 2 || sizes[i] > fake->shape[0])
			return evald_fail(err, EVALD_EINVAL, -1,
					  "subset size %lld is not between 2 "
					  "and the generated set's %lld rows",
					  (long long)sizes[i],
					  (long long)fake->shape[0]);
	return EVALD_OK;
}

int evald_fid_inf(const evald_tensor *fake, const evald_gauss *real,
		  const int64_t *sizes, int64_t k, uint64_t seed,
		  const evald_progress *prog, double *fids,
		  evald_fid_inf_result *r, evald_err *err)
{
	int64_t *perm = NULL;
	double *sub = NULL, *mu = NULL, *sig = NULL;
	evald_rng rng;
	int rc;

	memset(r, 0, sizeof *r);
	rc = sizes_check(fake, real, sizes, k, err);
	if (rc)
		return rc;
	int64_t n = fake->shape[0], d = fake->shape[1], big = 0;
	for (int64_t i = 0; i < k; i++)
		big = sizes[i] > big ? sizes[i] : big;
	perm = evi_xalloc(n, sizeof(int64_t));
	sub = evi_xalloc(big * d, sizeof(double));
	mu = evi_xalloc(d, sizeof(double));
	sig = evi_xalloc(d * d, sizeof(double));
	if (!perm || !sub || !mu || !sig) {
		rc = evald_fail(err, EVALD_ENOMEM, -1,
				"out of memory for a subset of %lld rows",
				(long long)big);
		goto out;
	}
	for (int64_t i = 0; i < n; i++)
		perm[i] = i;
	evald_rng_seed(&rng, seed);
	for (int64_t s = 0; s < k; s++) {
		evald_tensor t;
		evald_fid_result fr;
		for (int64_t i = 0; i < sizes[s]; i++) {
			int64_t j = i + (int64_t)evald_rng_below(
						&rng, (uint64_t)(n - i));
			int64_t tmp = perm[i];
			perm[i] = perm[j];
			perm[j] = tmp;
			memcpy(sub + i * d, fake->data + perm[i] * d,
			       (size_t)d * sizeof(double));
		}
		evald_tensor_init(&t, sub, EVALD_F64, 2,
				  (int64_t[]){sizes[s], d});
		evald_gauss g = {d, sizes[s], mu, sig};
		rc = evald_moments_of(&t, mu, sig, err);
		if (!rc)
			rc = evald_fid_gauss(&g, real, &fr, err);
		if (rc)
			goto out;
		fids[s] = fr.value;
		if (evald_progress_tick(prog, (double)(s + 1) / (double)k)) {
			rc = evald_fail(err, EVALD_ECANCEL, -1, "cancelled");
			goto out;
		}
	}
	fit_line(sizes, fids, k, r);
out:
	free(perm);
	free(sub);
	free(mu);
	free(sig);
	return rc;
}
