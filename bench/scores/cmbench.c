/* cmbench.c - the library calls alone, timed in process: accuracy as
 * the service computes it for unweighted integer labels (evald_labels_same,
 * one pass), then macro F1 (evald_cm_add_labels and evald_cm_score).
 *
 *   cmbench TRUE.i32 PRED.u8 K ROUNDS
 *
 * The files hold raw little-endian int32 / uint8 labels in [0, K),
 * read as they are, as the service reads integer .npz labels.  One call
 * of each goes untimed first, so the first round does not pay for pages
 * and caches the later ones find warm.  Prints one line per round:
 * "acc_s f1_s acc f1". */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <evald/confusion.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void *slurp(const char *path, long *len)
{
	FILE *f = fopen(path, "rb");
	void *buf;
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	*len = ftell(f);
	rewind(f);
	buf = malloc((size_t)*len + 1);
	if (buf && fread(buf, 1, (size_t)*len, f) != (size_t)*len) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

/* Accuracy from the pairs that agree; returns seconds. */
static double timed_same(const evald_labels *t, const evald_labels *p,
			 double *value)
{
	int64_t same;
	double t0 = now();
	if (evald_labels_same(t, p, &same, NULL))
		exit(1);
	*value = (double)same / (double)t->size;
	return now() - t0;
}

/* One score from freshly added counts; returns seconds. */
static double timed(const evald_labels *t, const evald_labels *p, int64_t k,
		    evald_cm_kind kind, evald_average avg, double *value)
{
	evald_cm_opts o = {.average = avg, .beta = 1.0};
	double *counts = calloc((size_t)(k * k), sizeof *counts), t0 = now();
	evald_result r;
	if (!counts || evald_cm_add_labels(counts, k, t, p, NULL, NULL) ||
	    evald_cm_score(counts, k, kind, &o, &r, NULL, NULL))
		exit(1);
	t0 = now() - t0;
	*value = r.value;
	free(counts);
	return t0;
}

int main(int argc, char **argv)
{
	long lt, lp;
	int32_t *ti;
	uint8_t *pi;
	if (argc != 5 || !(ti = slurp(argv[1], &lt)) ||
	    !(pi = slurp(argv[2], &lp))) {
		fprintf(stderr, "usage: cmbench TRUE.i32 PRED.u8 K ROUNDS\n");
		return 2;
	}
	int64_t n = lt / 4, k = atoll(argv[3]);
	evald_labels t = {ti, EVALD_I32, n}, p = {pi, EVALD_U8, n};
	if (lp != n)
		return 1;
	double acc, f1;
	timed_same(&t, &p, &acc);
	timed(&t, &p, k, EVALD_CM_FBETA, EVALD_AVG_MACRO, &f1);
	for (int r = 0; r < atoi(argv[4]); r++) {
		double sa = timed_same(&t, &p, &acc);
		double sf =
			timed(&t, &p, k, EVALD_CM_FBETA, EVALD_AVG_MACRO, &f1);
		printf("%.6f %.6f %.17g %.17g\n", sa, sf, acc, f1);
	}
	return 0;
}
