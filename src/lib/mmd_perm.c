/* mmd_perm.c - the permutation test of mmd.c, several labellings per
 * pass over the upper triangle of the kernel matrix, blocks of them on
 * all cores.  One labelling at a time read the whole 8·(n + m)² byte
 * matrix once per permutation and branched on a random label per
 * element; here a block of labellings shares each read of a row, and the
 * labels are 0/1 weights, so the work is two multiply-adds per element
 * and labelling, with no branch. */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <immintrin.h>

#include <evald/rng.h>

#include "internal.h"
#include "mmd_perm.h"

/* Labellings per pass: two vectors of four doubles (two AVX2 registers)
 * per accumulator, eight accumulators for two rows. */
#define PB 8
/* Blocks run side by side, one per thread (one per online CPU). */
#define PERM_MAX_THREADS 8

typedef double v4 __attribute__((vector_size(4 * sizeof(double))));

typedef struct perm_block {
	const double *k;
	int64_t p;
	v4 *w; /* [2p]: w[2j + b/4][b%4] is 1 when row j is an x */
	double sxx[PB], syy[PB], sxy[PB];
} perm_block;

/* Row i's sums ax (over its x columns) and ay into the block totals, in
 * row order. */
static inline void row_done(const v4 *w, int64_t i, const v4 ax[2],
			    const v4 ay[2], v4 xx[2], v4 yy[2], v4 xy[2])
{
	for (int h = 0; h < 2; h++) {
		v4 wi = w[2 * i + h], wo = 1.0 - wi;
		xx[h] += ax[h] * wi;
		yy[h] += ay[h] * wo;
		xy[h] += ay[h] * wi + ax[h] * wo;
	}
}

static void block_out(perm_block *b, const v4 xx[2], const v4 yy[2],
		      const v4 xy[2])
{
	for (int l = 0; l < PB; l++) {
		b->sxx[l] = xx[l / 4][l % 4];
		b->syy[l] = yy[l / 4][l % 4];
		b->sxy[l] = xy[l / 4][l % 4];
	}
}

/* Each lane adds, in index order, the same terms the one-labelling sum
 * adds: k·1 = k and k·0 = +0 are exact, adding +0 to a sum of
 * non-negative kernel values changes nothing, and a fused multiply-add
 * of an exact product rounds once, as the separate add does.  So every
 * statistic is bit for bit the one the one-labelling sum gives, on
 * either path.  Two rows per pass give eight independent add chains,
 * enough to cover the multiply-add latency, and share the loads of w. */
__attribute__((target("avx2,fma"))) static void block_sums_fma(perm_block *b)
{
	const double *k = b->k;
	const v4 *w = b->w;
	int64_t p = b->p, i = 0;
	v4 xx[2] = {{0}}, yy[2] = {{0}}, xy[2] = {{0}};
	const __m256d one = _mm256_set1_pd(1.0);

	for (; i + 1 < p; i += 2) {
		const double *r0 = k + i * p, *r1 = r0 + p;
		__m256d x0 = _mm256_setzero_pd(), x1 = x0, y0 = x0, y1 = x0;
		__m256d u0 = x0, u1 = x0, v0 = x0, v1 = x0;
		/* Row i's first column, which row i + 1 lacks. */
		__m256d kv = _mm256_broadcast_sd(r0 + i + 1);
		__m256d w0 = (__m256d)w[2 * (i + 1)];
		__m256d w1 = (__m256d)w[2 * (i + 1) + 1];
		x0 = _mm256_fmadd_pd(kv, w0, x0);
		x1 = _mm256_fmadd_pd(kv, w1, x1);
		y0 = _mm256_fmadd_pd(kv, _mm256_sub_pd(one, w0), y0);
		y1 = _mm256_fmadd_pd(kv, _mm256_sub_pd(one, w1), y1);
		for (int64_t j = i + 2; j < p; j++) {
			__m256d k0 = _mm256_broadcast_sd(r0 + j);
			__m256d k1 = _mm256_broadcast_sd(r1 + j);
			w0 = (__m256d)w[2 * j];
			w1 = (__m256d)w[2 * j + 1];
			__m256d o0 = _mm256_sub_pd(one, w0);
			__m256d o1 = _mm256_sub_pd(one, w1);
			x0 = _mm256_fmadd_pd(k0, w0, x0);
			x1 = _mm256_fmadd_pd(k0, w1, x1);
			y0 = _mm256_fmadd_pd(k0, o0, y0);
			y1 = _mm256_fmadd_pd(k0, o1, y1);
			u0 = _mm256_fmadd_pd(k1, w0, u0);
			u1 = _mm256_fmadd_pd(k1, w1, u1);
			v0 = _mm256_fmadd_pd(k1, o0, v0);
			v1 = _mm256_fmadd_pd(k1, o1, v1);
		}
		v4 ax[2] = {(v4)x0, (v4)x1}, ay[2] = {(v4)y0, (v4)y1};
		row_done(w, i, ax, ay, xx, yy, xy);
		v4 bx[2] = {(v4)u0, (v4)u1}, by[2] = {(v4)v0, (v4)v1};
		row_done(w, i + 1, bx, by, xx, yy, xy);
	}
	if (i < p) { /* the last row has no column after it */
		v4 z[2] = {{0}};
		row_done(w, i, z, z, xx, yy, xy);
	}
	block_out(b, xx, yy, xy);
}

/* The same sums without fused multiply-adds, for older CPUs. */
__attribute__((target_clones("avx2", "default"))) static void
block_sums_plain(perm_block *b)
{
	const double *k = b->k;
	const v4 *w = b->w;
	int64_t p = b->p;
	v4 xx[2] = {{0}}, yy[2] = {{0}}, xy[2] = {{0}};

	for (int64_t i = 0; i < p; i++) {
		const double *row = k + i * p;
		v4 ax0 = {0}, ax1 = {0}, ay0 = {0}, ay1 = {0};
		for (int64_t j = i + 1; j < p; j++) {
			v4 kv = row[j] - (v4){0};
			v4 t0 = kv * w[2 * j], t1 = kv * w[2 * j + 1];
			ax0 += t0;
			ax1 += t1;
			ay0 += kv - t0;
			ay1 += kv - t1;
		}
		v4 ax[2] = {ax0, ax1}, ay[2] = {ay0, ay1};
		row_done(w, i, ax, ay, xx, yy, xy);
	}
	block_out(b, xx, yy, xy);
}

static void *block_run(void *arg)
{
	perm_block *b = arg;
	if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
		block_sums_fma(b);
	else
		block_sums_plain(b);
	return NULL;
}

/* The next labelling of the seeded sequence into lane l of w. */
static void draw(evald_rng *rng, int64_t *idx, int64_t p, int64_t n, v4 *w,
		 int l)
{
	for (int64_t i = 0; i < p; i++)
		idx[i] = i;
	for (int64_t i = 0; i < p; i++) {
		int64_t j =
			i + (int64_t)evald_rng_below(rng, (uint64_t)(p - i));
		int64_t t = idx[i];
		idx[i] = idx[j];
		idx[j] = t;
	}
	for (int64_t i = 0; i < p; i++)
		w[2 * idx[i] + l / 4][l % 4] = i < n ? 1.0 : 0.0;
}

static int threads_for(int64_t blocks)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int64_t t = cpus < 1 ? 1 : cpus;
	if (t > PERM_MAX_THREADS)
		t = PERM_MAX_THREADS;
	return (int)(t < blocks ? t : blocks);
}

/* Each block is summed whole by one thread and the labellings are drawn
 * in sequence before the blocks start, so the result does not depend on
 * the number of threads. */
int evi_mmd_permute(const double *k, int64_t p, int64_t n, int64_t m,
		    const evald_mmd_params *prm, const evald_progress *prog,
		    evald_mmd_result *r, evald_err *err)
{
	int64_t nblocks = (prm->permutations + PB - 1) / PB;
	int nt = threads_for(nblocks);
	int64_t *idx = evi_xalloc(p, sizeof(int64_t));
	perm_block blk[PERM_MAX_THREADS];
	pthread_t tid[PERM_MAX_THREADS];
	evald_rng rng;
	int rc = EVALD_OK;

	bool ok = idx != NULL;

	memset(blk, 0, sizeof blk);
	for (int t = 0; t < nt; t++) {
		blk[t].k = k;
		blk[t].p = p;
		blk[t].w =
			aligned_alloc(sizeof(v4), (size_t)p * 2 * sizeof(v4));
		ok = ok && blk[t].w;
	}
	if (!ok) {
		rc = evald_fail(err, EVALD_ENOMEM, -1, "out of memory");
		goto out;
	}
	evald_rng_seed(&rng, prm->seed);
	for (int64_t b0 = 0; b0 < prm->permutations;) {
		int nb[PERM_MAX_THREADS], used = 0, started = 0;
		int64_t done = b0;
		for (; used < nt && done < prm->permutations; used++) {
			int64_t left = prm->permutations - done;
			nb[used] = left < PB ? (int)left : PB;
			memset(blk[used].w, 0, (size_t)p * 2 * sizeof(v4));
			for (int l = 0; l < nb[used]; l++)
				draw(&rng, idx, p, n, blk[used].w, l);
			done += nb[used];
		}
		/* A thread that cannot start leaves its block to this one. */
		while (started < used - 1 &&
		       !pthread_create(&tid[started], NULL, block_run,
				       &blk[started + 1]))
			started++;
		block_run(&blk[0]);
		for (int t = started + 1; t < used; t++)
			block_run(&blk[t]);
		for (int t = 0; t < started; t++)
			pthread_join(tid[t], NULL);
		for (int t = 0; t < used; t++)
			for (int l = 0; l < nb[t]; l++)
				if (evi_mmd_combine(blk[t].sxx[l],
						    blk[t].syy[l],
						    blk[t].sxy[l], n, m,
						    prm) >= r->value)
					r->exceed++;
		b0 = done;
		if (evald_progress_tick(
			    prog, (double)b0 / (double)prm->permutations)) {
			rc = evald_fail(err, EVALD_ECANCEL, -1, "cancelled");
			goto out;
		}
	}
	r->p_value = (double)r->exceed / (double)prm->permutations;
out:
	free(idx);
	for (int t = 0; t < nt; t++)
		free(blk[t].w);
	return rc;
}
