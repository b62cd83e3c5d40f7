/* prdc_bench.c - time evald_prdc on two raw float64 matrices (written by
 * prdc_bench.py) and print the four values and the seconds taken.
 *
 *   prdc_bench REAL.f64 FAKE.f64 N M D K */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <evald/prdc.h>

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
	if (argc != 7) {
		fprintf(stderr, "usage: prdc_bench REAL FAKE N M D K\n");
		return 2;
	}
	int64_t n = atoll(argv[3]), m = atoll(argv[4]), d = atoll(argv[5]);
	int64_t k = atoll(argv[6]);
	evald_tensor x, y;
	evald_prdc_result r;
	evald_err err;
	struct timespec t0, t1;

	evald_tensor_init(&x, load(argv[1], (size_t)(n * d)), EVALD_F64, 2,
			  (int64_t[]){n, d});
	evald_tensor_init(&y, load(argv[2], (size_t)(m * d)), EVALD_F64, 2,
			  (int64_t[]){m, d});
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (evald_prdc(&x, &y, k, NULL, &r, &err)) {
		fprintf(stderr, "evald_prdc: %s\n", err.msg);
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("%.17g %.17g %.17g %.17g %.3f\n", r.precision, r.recall,
	       r.density, r.coverage,
	       (double)(t1.tv_sec - t0.tv_sec) +
		       (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9);
	return 0;
}
