/* internal.h - helpers shared by libevald's sources; not installed.
 *
 * Private functions carry the evi_ prefix: the shared library exports only
 * evald_* (Makefile.am), so nothing here becomes part of the ABI. */
#ifndef EVALD_INTERNAL_H
#define EVALD_INTERNAL_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* malloc of n*size bytes, NULL on overflow; n == 0 gives a 1-byte block so
 * a NULL return always means failure. */
static inline void *evi_xalloc(int64_t n, size_t size)
{
	if (n < 0 || (size && (uint64_t)n > SIZE_MAX / size))
		return NULL;
	return malloc(n ? (size_t)n * size : 1);
}

/* The most threads evi_run_jobs starts; jobs past them run on the
 * calling thread (callers cap their job counts well below this). */
#define EVI_MAX_JOBS 16

/* fn(jobs + i·size) for each i in [0, n), job 0 on the calling thread and
 * the others on threads of their own (par.c); returns when all are done. */
void evi_run_jobs(void *(*fn)(void *), void *jobs, size_t size, int n);

/* Copy the strict upper triangle of the C-order d x d matrix a onto the
 * lower one (upper_to_lower), or the lower onto the upper, in cache-sized
 * tiles. */
void evi_mirror(double *a, int64_t d, int upper_to_lower);

/* Stable ascending argsort of n finite doubles into idx (a radix sort,
 * argsort.c); walk idx backwards for sklearn's descending order.  -1 when
 * out of memory. */
int evi_argsort(const double *s, int64_t n, int64_t *idx);
/* The same sort carrying one value per score: s_out is s ascending and
 * v_out the values in the same order (sequential reads for the walks that
 * follow, where an index would cost a cache miss per item). */
int evi_sort_with(const double *s, const double *v, int64_t n, double *s_out,
		  double *v_out);
/* The sort's own result, for a walk that reads it once: k is the score's
 * order-preserving key (equal keys are equal scores; evi_key_score gives
 * the score back) and v the bits of its value.  Skips the two n-double
 * copies evi_sort_with makes.  *out is freed by the caller; -1 when out
 * of memory. */
typedef struct evi_keyed {
	uint64_t k;
	uint64_t v;
} evi_keyed;
int evi_sort_keyed(const double *s, const double *v, int64_t n,
		   evi_keyed **out);
/* The radix sorts' order-preserving key of a score: -0 is +0 (one score,
 * one threshold, one tie); evi_key_score maps it back.  Inline: the sorts
 * make and undo one per value. */
static inline uint64_t evi_score_key(double d)
{
	uint64_t u;

	if (d == 0.0)
		d = 0.0; /* -0 and +0 are one score (one threshold, one tie) */
	memcpy(&u, &d, sizeof u);
	return (u >> 63) ? ~u : u | (1ull << 63);
}

static inline double evi_key_score(uint64_t k)
{
	uint64_t u = (k >> 63) ? k & ~(1ull << 63) : ~k;
	double d;

	memcpy(&d, &u, sizeof d);
	return d;
}
/* v [n] ascending into out [n] (out may be v), by a radix sort of 8-byte
 * keys in out itself (keysort.c): the two-sample tests and drift reports
 * sort up to millions of values, where qsort's comparisons dominate.  -0
 * comes out as +0 (the key makes them equal, as every comparison does).
 * -1 when out of memory. */
int evi_sort_values(const double *v, int64_t n, double *out);

struct evald_tensor;
struct evald_err;
/* Two embedding sets x [N, d] and y [M, d] with N, M >= 2 and the same d;
 * `need` completes the message for a set that is too small.  Shared by FID
 * and KID so both answer the same mistakes the same way. */
int evi_check_sets(const struct evald_tensor *x, const struct evald_tensor *y,
		   const char *need, struct evald_err *err);

/* A point set of a transport problem: [points, features], or [points]
 * (one feature) when allow_1d; non-empty and finite.  Sets *rows and
 * *cols.  Shared by the OT solvers and sliced Wasserstein so both word
 * the same mistakes the same way. */
int evi_check_points(const struct evald_tensor *t, int input, const char *name,
		     int allow_1d, int64_t *rows, int64_t *cols,
		     struct evald_err *err);

/* Squared row norms of a [n, d] into out [n] (pairdist.c). */
void evi_row_sqnorms(const double *a, int64_t n, int64_t d, double *out);

/* out [nr, nc] (C order) = max(0, ‖aᵢ‖² + ‖bⱼ‖² − 2 aᵢ·bⱼ) for the rows of
 * a [nr, d] and b [nc, d], with an, bn their squared norms: one dgemm
 * tile of squared distances.  A row against itself need not give an
 * exact 0; callers that need one set it. */
void evi_sqdist_block(const double *a, const double *an, int64_t nr,
		      const double *b, const double *bn, int64_t nc, int64_t d,
		      double *out);

/* The same for the rows of a [n, d] among themselves, only where j > i
 * in out [n, n] (one dsyrk, half the multiply-adds of the full product):
 * the diagonal is set to 0 and the lower triangle is left unwritten. */
void evi_sqdist_upper(const double *a, const double *an, int64_t n, int64_t d,
		      double *out);

#endif
