/* fid_kernels.c - where the time of an FID request goes, measured in one
 * process without HTTP: the machine's dgemm rate (the yardstick for every
 * GFLOP/s figure), and each LAPACK stage of evald_fid_gauss (dpotrf, dsygst,
 * dsyevd eigenvalues only) next to the whole library call, plus the
 * covariance of a float32 embedding set through evald_moments (dsyrk).
 *
 *   fid_kernels [-d D] [-n N] [-r REPS] [-t THREADS]
 *
 * Prints one `key value` line per figure (seconds, GFLOP/s), the median over
 * REPS runs after one warm-up.  THREADS is what evald gives the BLAS
 * (cores / --max-jobs; 2 on a 2-core machine with the default). */
#include <cblas.h>
#include <lapacke.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <evald/evald.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *t, int n)
{
	qsort(t, (size_t)n, sizeof *t, cmp_double);
	return n % 2 ? t[n / 2] : 0.5 * (t[n / 2 - 1] + t[n / 2]);
}

static void fill_normal(double *v, int64_t n, uint64_t seed)
{
	evald_rng r;
	evald_rng_seed(&r, seed);
	for (int64_t i = 0; i < n; i++)
		v[i] = evald_rng_normal(&r);
}

/* A well-conditioned covariance: S = A Aᵀ / k + I·shift, A [d,k] random,
 * both triangles filled (evald_fid_gauss reads C order). */
static void make_cov(double *s, int64_t d, uint64_t seed, double shift)
{
	int64_t k = 2 * d;
	double *a = malloc((size_t)(d * k) * sizeof *a);
	if (!a) {
		perror("malloc");
		exit(1);
	}
	fill_normal(a, d * k, seed);
	cblas_dsyrk(CblasRowMajor, CblasUpper, CblasNoTrans, (int)d, (int)k,
		    1.0 / (double)k, a, (int)k, 0.0, s, (int)d);
	for (int64_t i = 0; i < d; i++) {
		s[i * d + i] += shift;
		for (int64_t j = i + 1; j < d; j++)
			s[j * d + i] = s[i * d + j];
	}
	free(a);
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n);
	if (!p) {
		perror("malloc");
		exit(1);
	}
	return p;
}

int main(int argc, char **argv)
{
	int64_t d = 2048, n = 10000;
	int reps = 5, threads = 2, opt;

	while ((opt = getopt(argc, argv, "d:n:r:t:")) != -1) {
		switch (opt) {
		case 'd': d = atoll(optarg); break;
		case 'n': n = atoll(optarg); break;
		case 'r': reps = atoi(optarg); break;
		case 't': threads = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: fid_kernels [-d D] [-n N] "
					"[-r REPS] [-t THREADS]\n");
			return 2;
		}
	}
	if (d < 2 || n < 2 || reps < 1 || reps > 100 || threads < 1) {
		fprintf(stderr, "fid_kernels: bad arguments\n");
		return 2;
	}
	evald_set_threads(threads);

	size_t dd = (size_t)(d * d);
	double *sx = xmalloc(dd * sizeof(double));
	double *sy = xmalloc(dd * sizeof(double));
	double *a = xmalloc(dd * sizeof(double));
	double *b = xmalloc(dd * sizeof(double));
	double *c = xmalloc(dd * sizeof(double));
	double *w = xmalloc((size_t)d * sizeof(double));
	double *mx = calloc((size_t)d, sizeof(double));
	double *my = calloc((size_t)d, sizeof(double));
	float *rows = xmalloc((size_t)(n * d) * sizeof(float));
	double *t = xmalloc((size_t)(reps + 1) * sizeof(double));
	double fd = (double)d;
	double t0;

	if (!mx || !my) {
		perror("calloc");
		return 1;
	}
	make_cov(sx, d, 1, 0.01);
	make_cov(sy, d, 2, 0.02);
	my[0] = 1.0;

	printf("corename %s\n", openblas_get_corename());
	printf("blas_threads %d\n", openblas_get_num_threads());
	printf("d %lld\nn %lld\nreps %d\n", (long long)d, (long long)n, reps);

	/* dgemm d x d x d: 2 d³ flops. */
	for (int i = 0; i <= reps; i++) {
		t0 = now();
		cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)d,
			    (int)d, (int)d, 1.0, sx, (int)d, sy, (int)d, 0.0, c,
			    (int)d);
		t[i] = now() - t0;
	}
	double tg = median(t + 1, reps);
	printf("dgemm_s %.6f\ndgemm_gflops %.2f\n", tg,
	       2 * fd * fd * fd / tg / 1e9);

	/* The three LAPACK stages of the Cholesky route, as fid.c calls
	 * them (column-major, lower; a symmetric C-order matrix is its own
	 * column-major image). */
	double ts[3][101];
	for (int i = 0; i <= reps; i++) {
		memcpy(a, sx, dd * sizeof(double));
		memcpy(b, sy, dd * sizeof(double));
		t0 = now();
		if (LAPACKE_dpotrf(LAPACK_COL_MAJOR, 'L', (lapack_int)d, a,
				   (lapack_int)d)) {
			fprintf(stderr, "fid_kernels: dpotrf failed\n");
			return 1;
		}
		ts[0][i] = now() - t0;
		t0 = now();
		LAPACKE_dsygst(LAPACK_COL_MAJOR, 2, 'L', (lapack_int)d, b,
			       (lapack_int)d, a, (lapack_int)d);
		ts[1][i] = now() - t0;
		t0 = now();
		if (LAPACKE_dsyevd(LAPACK_COL_MAJOR, 'N', 'L', (lapack_int)d, b,
				   (lapack_int)d, w)) {
			fprintf(stderr, "fid_kernels: dsyevd failed\n");
			return 1;
		}
		ts[2][i] = now() - t0;
	}
	double tp = median(ts[0] + 1, reps), tsg = median(ts[1] + 1, reps),
	       te = median(ts[2] + 1, reps);
	printf("dpotrf_s %.6f\ndsygst_s %.6f\ndsyevd_s %.6f\nlapack_s %.6f\n",
	       tp, tsg, te, tp + tsg + te);

	/* The same eigenvalues through the two-stage tridiagonal reduction
	 * (LAPACK >= 3.7; eigenvalues only), for comparison: dsytrd's
	 * one-stage reduction spends half its flops in memory-bound dsymv. */
	memcpy(a, sx, dd * sizeof(double));
	LAPACKE_dpotrf(LAPACK_COL_MAJOR, 'L', (lapack_int)d, a, (lapack_int)d);
	for (int i = 0; i <= reps; i++) {
		memcpy(b, sy, dd * sizeof(double));
		LAPACKE_dsygst(LAPACK_COL_MAJOR, 2, 'L', (lapack_int)d, b,
			       (lapack_int)d, a, (lapack_int)d);
		t0 = now();
		if (LAPACKE_dsyevd_2stage(LAPACK_COL_MAJOR, 'N', 'L',
					  (lapack_int)d, b, (lapack_int)d, w)) {
			fprintf(stderr, "fid_kernels: dsyevd_2stage failed\n");
			return 1;
		}
		t[i] = now() - t0;
	}
	printf("dsyevd_2stage_s %.6f\n", median(t + 1, reps));

	/* The whole library call: symmetrising copies, the stages above,
	 * the square roots and sums.  ≈ 2.7 d³ flops (fid.h). */
	evald_gauss gx = {.d = d, .mu = mx, .sigma = sx};
	evald_gauss gy = {.d = d, .mu = my, .sigma = sy};
	evald_fid_result r;
	evald_err le;
	for (int i = 0; i <= reps; i++) {
		t0 = now();
		if (evald_fid_gauss(&gx, &gy, &r, &le)) {
			fprintf(stderr, "fid_kernels: %s\n", le.msg);
			return 1;
		}
		t[i] = now() - t0;
	}
	double tf = median(t + 1, reps);
	printf("fid_gauss_s %.6f\nfid_gauss_gflops %.2f\nfid_value %.17g\n", tf,
	       2.7 * fd * fd * fd / tf / 1e9, r.value);

	/* Covariance of a float32 set [n,d] through the accumulator (what an
	 * embeddings request runs per side while it decodes): n d² flops of
	 * dsyrk, 2 n d² counted as a general product. */
	evald_rng rg;
	evald_rng_seed(&rg, 3);
	for (int64_t i = 0; i < n * d; i++)
		rows[i] = (float)evald_rng_normal(&rg);
	for (int i = 0; i <= reps; i++) {
		evald_moments m;
		t0 = now();
		if (evald_moments_init(&m, d, &le) ||
		    evald_moments_add_rows(&m, rows, EVALD_F32, n, &le) ||
		    evald_moments_cov(&m, c, &le)) {
			fprintf(stderr, "fid_kernels: %s\n", le.msg);
			return 1;
		}
		t[i] = now() - t0;
		evald_moments_free(&m);
	}
	double tm = median(t + 1, reps);
	printf("moments_s %.6f\nmoments_gflops_syrk %.2f\n", tm,
	       (double)n * fd * fd / tm / 1e9);

	free(sx);
	free(sy);
	free(a);
	free(b);
	free(c);
	free(w);
	free(mx);
	free(my);
	free(rows);
	free(t);
	return 0;
}
