/* mmd_bench.c - time evald_mmd with a permutation test on two raw float64
 * matrices (written by mmd_bench.py); print the statistic, the p-value,
 * the count of permuted statistics >= it and the seconds taken.
 *
 *   mmd_bench X.f64 Y.f64 N M D SIGMA PERMUTATIONS SEED */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <evald/mmd.h>

static double *load(const char *path, size_t n)
{
	double *a = malloc(n * sizeof(double));
	FILE *f = fopen(path, "rb");
	if (!a || !f || fread(a, sizeof(double), n, f) != n) {
		fprintf(stderr, "cannot read %s\n", path);
		exit(1);
	}
	fclose(f);
	return a;
}

int main(int argc, char **argv)
{
	if (argc != 9) {
		fprintf(stderr,
			"usage: mmd_bench X Y N M D SIGMA PERMS SEED\n");
		return 2;
	}
	int64_t n = atoll(argv[3]), m = atoll(argv[4]), d = atoll(argv[5]);
	evald_mmd_params prm = {.bandwidth = atof(argv[6]),
				.estimator = EVALD_MMD_UNBIASED,
				.scale = 1.0,
				.permutations = atoll(argv[7]),
				.seed = strtoull(argv[8], NULL, 10)};
	evald_tensor x, y;
	evald_mmd_result r;
	evald_err err;
	struct timespec t0, t1;

	evald_tensor_init(&x, load(argv[1], (size_t)(n * d)), EVALD_F64, 2,
			  (int64_t[]){n, d});
	evald_tensor_init(&y, load(argv[2], (size_t)(m * d)), EVALD_F64, 2,
			  (int64_t[]){m, d});
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (evald_mmd(&x, &y, &prm, NULL, &r, &err)) {
		fprintf(stderr, "evald_mmd: %s\n", err.msg);
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("%.17g %.17g %lld %.3f\n", r.value, r.p_value,
	       (long long)r.exceed,
	       (double)(t1.tv_sec - t0.tv_sec) +
		       (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9);
	return 0;
}
