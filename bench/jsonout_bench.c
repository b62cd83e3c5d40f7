/* jsonout_bench.c - the response writer against json_dumps: CPU time to
 * write 10^6 reals three ways (computed values, short decimals, any
 * exponent), best of 5 runs each, and the ratio jsonout / json_dumps.
 *
 *   cc -O2 -I src/svc bench/jsonout_bench.c .libs/libnpy.a \
 *      $(pkg-config --libs jansson) -lm -o jsonout_bench && ./jsonout_bench
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "jsonout.h"

#define N    1000000
#define RUNS 5

static double cpu_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void run(const char *what, const json_t *a)
{
	double best_j = INFINITY, best_o = INFINITY;
	size_t len_j = 0, len_o = 0;

	for (int r = 0; r < RUNS; r++) {
		double t0 = cpu_s();
		char *s = json_dumps(a, JSON_COMPACT | JSON_REAL_PRECISION(17));
		double t1 = cpu_s();
		char *o;
		if (!s || jsonout_dump(a, 0, &o, &len_o) < 0) {
			fprintf(stderr, "out of memory\n");
			exit(1);
		}
		double t2 = cpu_s();
		len_j = strlen(s);
		free(s);
		free(o);
		best_j = fmin(best_j, t1 - t0);
		best_o = fmin(best_o, t2 - t1);
	}
	printf("%-22s json_dumps %.3f s %9zu B   jsonout %.3f s %9zu B   "
	       "ratio %.2f\n",
	       what, best_j, len_j, best_o, len_o, best_o / best_j);
}

int main(void)
{
	json_t *a = json_array(), *b = json_array(), *c = json_array();

	srand(1);
	for (int i = 0; i < N; i++) {
		json_array_append_new(
			a, json_real((double)rand() / RAND_MAX * 100 - 50));
		json_array_append_new(b, json_real((i % 1000) / 10.0));
		json_array_append_new(
			c, json_real(ldexp((double)rand(), -(rand() % 1100))));
	}
	run("computed (rand*100-50)", a);
	run("short (i/10)", b);
	run("any exponent", c);
	json_decref(a);
	json_decref(b);
	json_decref(c);
	return 0;
}
