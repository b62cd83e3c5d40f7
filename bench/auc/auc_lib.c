/* auc_lib.c - evald_roc_auc and evald_average_precision timed in one
 * process, no HTTP: the library's share of an aucbench.py request.
 *
 *   auc_lib N LABELS.f64 SCORES.f64 REPS
 *
 * Reads N float64 labels and scores (raw little-endian), runs each call
 * once to warm up, then REPS times, and prints `roc_auc SECONDS VALUE` and
 * `average_precision SECONDS VALUE` with the median time. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <evald/auc.h>
#include <evald/rank.h>

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

static double *load(const char *path, int64_t n)
{
	FILE *f = fopen(path, "rb");
	double *v = malloc((size_t)n * sizeof *v);
	if (!f || !v || fread(v, sizeof *v, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "auc_lib: cannot read %s\n", path);
		exit(1);
	}
	fclose(f);
	return v;
}

static double run(int which, const evald_tensor *y, const evald_tensor *s)
{
	evald_err e;
	if (which == 0) {
		evald_auc_result r;
		if (evald_roc_auc(y, s, NULL, NULL, EVALD_MC_RAISE,
				  EVALD_AVG_MACRO, 0.0, &r, &e))
			exit(1);
		return r.value;
	}
	evald_rank_result r;
	if (evald_average_precision(s, y, &r, &e))
		exit(1);
	double v = r.value;
	evald_rank_result_free(&r);
	return v;
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: auc_lib N LABELS SCORES REPS\n");
		return 2;
	}
	int64_t n = atoll(argv[1]);
	int reps = atoi(argv[4]);
	evald_tensor y, s;
	evald_tensor_init(&y, load(argv[2], n), EVALD_F64, 1, &n);
	evald_tensor_init(&s, load(argv[3], n), EVALD_F64, 1, &n);
	const char *name[2] = {"roc_auc", "average_precision"};
	double *t = malloc((size_t)reps * sizeof *t);
	for (int k = 0; k < 2; k++) {
		double v = run(k, &y, &s);
		for (int i = 0; i < reps; i++) {
			double t0 = now();
			run(k, &y, &s);
			t[i] = now() - t0;
		}
		qsort(t, (size_t)reps, sizeof *t, cmp_double);
		printf("%s %.6f %.17g\n", name[k], t[reps / 2], v);
	}
	return 0;
}
