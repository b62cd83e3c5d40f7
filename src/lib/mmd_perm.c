/* mmd_perm.c - the permutation test of mmd.c, several labellings per
 * pass over the upper triangle of the kernel matrix, blocks of them on
 * all cores.  One labelling at a time read the whole 8·(n + m)² byte
 * matrix once per permutation and branched on a random label per
 * element; here a block of labellings shares each read of a row, and the
 * labels are 0/1 weights, so the work is two multiply-adds per element
 * and labelling, with no branch. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <immintrin.h>

#include <evald/rng.h>

#include "internal.h"
#include "mmd_perm.h"

/* Labellings per block: one pass over the triangle on AVX-512 (two
 * registers of eight doubles per accumulator), two passes of eight on
 * AVX2; the same blocks on every CPU. */
#define PB 16
/* Blocks run side by side, one per thread (one per online CPU). */
#define PERM_MAX_THREADS 8

typedef double v4 __attribute__((vector_size(4 * sizeof(double))));
typedef double v8 __attribute__((vector_size(8 * sizeof(double))));

typedef struct perm_block {
	const double *k;
	int64_t p;
	double *w;   /* [p, PB]: w[PB·j + l] is 1 when row j is an x */
	uint8_t *ym; /* [p, 2]: bit l of ym[2j + h] set when row j is a y
		      * in lane 8h + l */
	double sxx[PB], syy[PB], sxy[PB];
} perm_block;

/* Every path adds, per lane and in index order, the same terms the
 * one-labelling sum adds: k·1 = k and k·0 = +0 are exact, adding +0 to
 * a sum of non-negative kernel values changes nothing (so a masked add
 * that skips the lane is the same), and a fused multiply-add of an exact
 * product rounds once, as the separate add does.  So every statistic is
 * bit for bit the one the one-labelling sum gives, on any CPU.  Two rows
 * per pass give eight independent chains, enough to cover the latency,
 * and share the loads of w. */

/* Row i's sums s = {ax0, ax1, ay0, ay1} (over its x columns, its y
 * columns) into the totals of lanes 8h.., in row order.  The sums come
 * by pointer: a vector argument passed by value would take a different
 * ABI in each target clone, which clang refuses. */
static inline void row_done4(const double *w, int64_t i, int h, const v4 s[4],
			     v4 t[6])
{
	const v4 *ax = s, *ay = s + 2;
	for (int q = 0; q < 2; q++) {
		v4 wi = *(const v4 *)(w + PB * i + 8 * h + 4 * q),
		   wo = 1.0 - wi;
		t[q] += ax[q] * wi;
		t[2 + q] += ay[q] * wo;
		t[4 + q] += ay[q] * wi + ax[q] * wo;
	}
}

static void block_out4(perm_block *b, int h, const v4 t[6])
{
	for (int l = 0; l < 8; l++) {
		b->sxx[8 * h + l] = t[l / 4][l % 4];
		b->syy[8 * h + l] = t[2 + l / 4][l % 4];
		b->sxy[8 * h + l] = t[4 + l / 4][l % 4];
	}
}

/* All sixteen lanes in one pass: x sums by fused multiply-add on the
 * FMA pipes, y sums by masked adds on the add pipes. */
__attribute__((target("avx512f"))) static void block_sums_512(perm_block *b)
{
	const double *k = b->k, *w = b->w;
	const uint8_t *ym = b->ym;
	int64_t p = b->p, i = 0;
	v8 t[6] = {{0}};

	for (;; i += 2) {
		__m512d x0 = _mm512_setzero_pd(), x1 = x0, y0 = x0, y1 = x0;
		__m512d u0 = x0, u1 = x0, v0 = x0, v1 = x0;
		if (i + 1 < p) {
			const double *r0 = k + i * p, *r1 = r0 + p;
			/* Row i's first column, which row i + 1 lacks. */
			int64_t j = i + 1;
			__m512d kv = _mm512_set1_pd(r0[j]);
			x0 = _mm512_fmadd_pd(kv, _mm512_load_pd(w + PB * j),
					     x0);
			x1 = _mm512_fmadd_pd(kv, _mm512_load_pd(w + PB * j + 8),
					     x1);
			y0 = _mm512_mask_add_pd(y0, ym[2 * j], y0, kv);
			y1 = _mm512_mask_add_pd(y1, ym[2 * j + 1], y1, kv);
			for (j = i + 2; j < p; j++) {
				__m512d k0 = _mm512_set1_pd(r0[j]);
				__m512d k1 = _mm512_set1_pd(r1[j]);
				__m512d w0 = _mm512_load_pd(w + PB * j);
				__m512d w1 = _mm512_load_pd(w + PB * j + 8);
				__mmask8 m0 = ym[2 * j], m1 = ym[2 * j + 1];
				x0 = _mm512_fmadd_pd(k0, w0, x0);
				x1 = _mm512_fmadd_pd(k0, w1, x1);
				y0 = _mm512_mask_add_pd(y0, m0, y0, k0);
				y1 = _mm512_mask_add_pd(y1, m1, y1, k0);
				u0 = _mm512_fmadd_pd(k1, w0, u0);
				u1 = _mm512_fmadd_pd(k1, w1, u1);
				v0 = _mm512_mask_add_pd(v0, m0, v0, k1);
				v1 = _mm512_mask_add_pd(v1, m1, v1, k1);
			}
		}
		/* The last row (p odd) has no column after it: zeros. */
		for (int64_t r = i; r < i + 2 && r < p; r++) {
			v8 ax[2] = {(v8)(r == i ? x0 : u0),
				    (v8)(r == i ? x1 : u1)};
			v8 ay[2] = {(v8)(r == i ? y0 : v0),
				    (v8)(r == i ? y1 : v1)};
			for (int q = 0; q < 2; q++) {
				v8 wi = *(const v8 *)(w + PB * r + 8 * q),
				   wo = 1.0 - wi;
				t[q] += ax[q] * wi;
				t[2 + q] += ay[q] * wo;
				t[4 + q] += ay[q] * wi + ax[q] * wo;
			}
		}
		if (i + 2 >= p)
			break;
	}
	for (int l = 0; l < PB; l++) {
		b->sxx[l] = t[l / 8][l % 8];
		b->syy[l] = t[2 + l / 8][l % 8];
		b->sxy[l] = t[4 + l / 8][l % 8];
	}
}

/* Lanes 8h.. with AVX2 fused multiply-adds. */
__attribute__((target("avx2,fma"))) static void block_sums_fma(perm_block *b,
							       int h)
{
	const double *k = b->k, *w = b->w + 8 * h;
	int64_t p = b->p, i = 0;
	v4 t[6] = {{0}};
	const __m256d one = _mm256_set1_pd(1.0);

	for (; i + 1 < p; i += 2) {
		const double *r0 = k + i * p, *r1 = r0 + p;
		__m256d x0 = _mm256_setzero_pd(), x1 = x0, y0 = x0, y1 = x0;
		__m256d u0 = x0, u1 = x0, v0 = x0, v1 = x0;
		/* Row i's first column, which row i + 1 lacks. */
		__m256d kv = _mm256_broadcast_sd(r0 + i + 1);
		__m256d w0 = _mm256_load_pd(w + PB * (i + 1));
		__m256d w1 = _mm256_load_pd(w + PB * (i + 1) + 4);
		x0 = _mm256_fmadd_pd(kv, w0, x0);
		x1 = _mm256_fmadd_pd(kv, w1, x1);
		y0 = _mm256_fmadd_pd(kv, _mm256_sub_pd(one, w0), y0);
		y1 = _mm256_fmadd_pd(kv, _mm256_sub_pd(one, w1), y1);
		for (int64_t j = i + 2; j < p; j++) {
			__m256d k0 = _mm256_broadcast_sd(r0 + j);
			__m256d k1 = _mm256_broadcast_sd(r1 + j);
			w0 = _mm256_load_pd(w + PB * j);
			w1 = _mm256_load_pd(w + PB * j + 4);
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
		row_done4(b->w, i, h, (v4[4]){(v4)x0, (v4)x1, (v4)y0, (v4)y1},
			  t);
		row_done4(b->w, i + 1, h,
			  (v4[4]){(v4)u0, (v4)u1, (v4)v0, (v4)v1}, t);
	}
	if (i < p) /* the last row has no column after it */
		row_done4(b->w, i, h, (v4[4]){{0}}, t);
	block_out4(b, h, t);
}

/* The same sums without fused multiply-adds, for older CPUs. */
__attribute__((target_clones("avx2", "default"))) static void
block_sums_plain(perm_block *b, int h)
{
	const double *k = b->k, *w = b->w + 8 * h;
	int64_t p = b->p;
	v4 t[6] = {{0}};

	for (int64_t i = 0; i < p; i++) {
		const double *row = k + i * p;
		v4 ax0 = {0}, ax1 = {0}, ay0 = {0}, ay1 = {0};
		for (int64_t j = i + 1; j < p; j++) {
			v4 kv = row[j] - (v4){0};
			v4 t0 = kv * *(const v4 *)(w + PB * j),
			   t1 = kv * *(const v4 *)(w + PB * j + 4);
			ax0 += t0;
			ax1 += t1;
			ay0 += kv - t0;
			ay1 += kv - t1;
		}
		row_done4(b->w, i, h, (v4[4]){ax0, ax1, ay0, ay1}, t);
	}
	block_out4(b, h, t);
}

static void *block_run(void *arg)
{
	perm_block *b = arg;
	if (__builtin_cpu_supports("avx512f"))
		block_sums_512(b);
	else if (__builtin_cpu_supports("avx2") &&
		 __builtin_cpu_supports("fma"))
		for (int h = 0; h < 2; h++)
			block_sums_fma(b, h);
	else
		for (int h = 0; h < 2; h++)
			block_sums_plain(b, h);
	return NULL;
}

/* The next labelling of the seeded sequence into lane l of b. */
static void draw(evald_rng *rng, int64_t *idx, int64_t p, int64_t n,
		 perm_block *b, int l)
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
	for (int64_t i = 0; i < p; i++) {
		b->w[PB * idx[i] + l] = i < n ? 1.0 : 0.0;
		if (i >= n)
			b->ym[2 * idx[i] + l / 8] |= (uint8_t)(1u << (l % 8));
	}
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
	evald_rng rng;
	int rc = EVALD_OK;
	bool ok = idx != NULL;

	memset(blk, 0, sizeof blk);
	for (int t = 0; t < nt; t++) {
		blk[t].k = k;
		blk[t].p = p;
		blk[t].w = aligned_alloc(sizeof(v8),
					 (size_t)p * PB * sizeof(double));
		blk[t].ym = malloc((size_t)p * 2);
		ok = ok && blk[t].w && blk[t].ym;
	}
	if (!ok) {
		rc = evald_fail(err, EVALD_ENOMEM, -1, "out of memory");
		goto out;
	}
	evald_rng_seed(&rng, prm->seed);
	for (int64_t b0 = 0; b0 < prm->permutations;) {
		int nb[PERM_MAX_THREADS], used = 0;
		int64_t done = b0;
		for (; used < nt && done < prm->permutations; used++) {
			int64_t left = prm->permutations - done;
			nb[used] = left < PB ? (int)left : PB;
			memset(blk[used].w, 0, (size_t)p * PB * sizeof(double));
			memset(blk[used].ym, 0, (size_t)p * 2);
			for (int l = 0; l < nb[used]; l++)
				draw(&rng, idx, p, n, &blk[used], l);
			done += nb[used];
		}
		evi_run_jobs(block_run, blk, sizeof blk[0], used);
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
	for (int t = 0; t < nt; t++) {
		free(blk[t].w);
		free(blk[t].ym);
	}
	return rc;
}
