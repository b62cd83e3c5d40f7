/* mmd_perm.c - the permutation test of mmd.c, several labellings per
 * pass over the kernel matrix.  One labelling at a time read the whole
 * 8·(n + m)² byte matrix once per permutation and branched on a random
 * label per element; here a block of labellings shares each read of a
 * row, and the labels are 0/1 weights, so the work is a multiply and
 * two adds per element and labelling, with no branch. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <evald/rng.h>

#include "internal.h"
#include "mmd_perm.h"

/* Labellings per pass: two vectors of four doubles (two AVX2 registers)
 * per accumulator; wider generic vectors spill to the stack. */
#define PB 8

typedef double v4 __attribute__((vector_size(4 * sizeof(double))));

/* For each labelling b of the block, w[2j + b/4][b%4] is 1 when row j is
 * an x.  Each lane adds, in index order, the same terms the
 * one-labelling sum adds (k·1 = k and k·0 = +0 are exact, and adding +0
 * to a sum of non-negative kernel values changes nothing), so every
 * statistic is bit for bit the one the one-labelling sum gives. */
__attribute__((target_clones("avx2", "default"))) static void
block_sums(const double *k, int64_t p, const v4 *w, double *sxx, double *syy,
	   double *sxy)
{
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
		for (int h = 0; h < 2; h++) {
			v4 wi = w[2 * i + h], wo = 1.0 - wi;
			xx[h] += ax[h] * wi;
			yy[h] += ay[h] * wo;
			xy[h] += ay[h] * wi + ax[h] * wo;
		}
	}
	for (int b = 0; b < PB; b++) {
		sxx[b] = xx[b / 4][b % 4];
		syy[b] = yy[b / 4][b % 4];
		sxy[b] = xy[b / 4][b % 4];
	}
}

/* The next labelling of the seeded sequence into lane b of w. */
static void draw(evald_rng *rng, int64_t *idx, int64_t p, int64_t n, v4 *w,
		 int b)
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
		w[2 * idx[i] + b / 4][b % 4] = i < n ? 1.0 : 0.0;
}

int evi_mmd_permute(const double *k, int64_t p, int64_t n, int64_t m,
		    const evald_mmd_params *prm, const evald_progress *prog,
		    evald_mmd_result *r, evald_err *err)
{
	int64_t *idx = evi_xalloc(p, sizeof(int64_t));
	v4 *w = aligned_alloc(sizeof(v4), (size_t)p * 2 * sizeof(v4));
	evald_rng rng;
	int rc = EVALD_OK;

	if (!idx || !w) {
		rc = evald_fail(err, EVALD_ENOMEM, -1, "out of memory");
		goto out;
	}
	evald_rng_seed(&rng, prm->seed);
	for (int64_t b0 = 0; b0 < prm->permutations; b0 += PB) {
		int nb = prm->permutations - b0 < PB
				 ? (int)(prm->permutations - b0)
				 : PB;
		double sxx[PB], syy[PB], sxy[PB];
		memset(w, 0, (size_t)p * 2 * sizeof(v4));
		for (int b = 0; b < nb; b++)
			draw(&rng, idx, p, n, w, b);
		block_sums(k, p, w, sxx, syy, sxy);
		for (int b = 0; b < nb; b++)
			if (evi_mmd_combine(sxx[b], syy[b], sxy[b], n, m,
					    prm) >= r->value)
				r->exceed++;
		if (evald_progress_tick(prog,
					(double)(b0 + nb) /
						(double)prm->permutations)) {
			rc = evald_fail(err, EVALD_ECANCEL, -1, "cancelled");
			goto out;
		}
	}
	r->p_value = (double)r->exceed / (double)prm->permutations;
out:
	free(idx);
	free(w);
	return rc;
}
