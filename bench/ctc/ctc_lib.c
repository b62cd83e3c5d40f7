/* ctc_lib.c - evald's ctc timed in one process, without HTTP: reads the
 * batch ctcbench.py wrote (raw little-endian float64 files) and times
 * evald_ctc with reduction mean.
 *
 *   ctc_lib DIR T N C S REPS
 *
 * DIR holds lp.f64 [T,N,C], tg.f64 [N,S], il.f64 [N], tl.f64 [N].  Prints
 * one line per timed call, "seconds value", after one warm-up call. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <evald/evald.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double *load(const char *dir, const char *name, long n)
{
	char path[4096];
	double *v = malloc((size_t)n * sizeof *v);
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "rb");
	if (!v || !f || fread(v, sizeof *v, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "ctc_lib: cannot read %s\n", path);
		exit(1);
	}
	fclose(f);
	return v;
}

int main(int argc, char **argv)
{
	evald_tensor lp, tg, il, tl;
	int64_t T, N, C, S, sh[3];
	int reps;

	if (argc != 7) {
		fprintf(stderr, "usage: ctc_lib DIR T N C S REPS\n");
		return 2;
	}
	T = atol(argv[2]);
	N = atol(argv[3]);
	C = atol(argv[4]);
	S = atol(argv[5]);
	reps = atoi(argv[6]);
	sh[0] = T, sh[1] = N, sh[2] = C;
	evald_tensor_init(&lp, load(argv[1], "lp.f64", T * N * C), EVALD_F64, 3,
			  sh);
	sh[0] = N, sh[1] = S;
	evald_tensor_init(&tg, load(argv[1], "tg.f64", N * S), EVALD_F64, 2,
			  sh);
	evald_tensor_init(&il, load(argv[1], "il.f64", N), EVALD_F64, 1, &N);
	evald_tensor_init(&tl, load(argv[1], "tl.f64", N), EVALD_F64, 1, &N);
	for (int r = 0; r <= reps; r++) {
		evald_result out;
		evald_err err = {0};
		double t0 = now();
		if (evald_ctc(&lp, &tg, &il, &tl, 0, 0, EVALD_REDUCE_MEAN, &out,
			      NULL, &err) < 0) {
			fprintf(stderr, "ctc_lib: %s\n", err.msg);
			return 1;
		}
		if (r > 0) /* the first call warms the caches */
			printf("%.6f %.17g\n", now() - t0, out.value);
	}
	return 0;
}
