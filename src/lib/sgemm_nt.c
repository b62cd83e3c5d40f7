/* sgemm_nt.c - the float32 product C = A·Bᵀ of prdc's distance tiles,
 * evald's own AVX-512 kernel on all cores.  OpenBLAS picks its kernel
 * from OPENBLAS_CORETYPE, and environments that pin it to Haswell (AVX2)
 * on AVX-512 CPUs halve sgemm's rate; this kernel looks at the CPU
 * alone.  Without AVX-512 it hands the product to cblas_sgemm.
 *
 * Goto-style blocking: for each slice of KC columns of k, each thread
 * packs all of A (rows in panels of MR, k-major) into a block that stays
 * in L2, then, for each panel of NR rows of B that it owns, packs it
 * k-major (it stays in L1) and runs the MR × NR register-blocked
 * microkernel down the rows of A.  Threads own disjoint column ranges
 * of C, so no entry is shared; each entry is summed in the same order
 * (slices in order, k ascending within a slice) whatever the split. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cblas.h>
#include <immintrin.h>

#include <evald/error.h>

#include "internal.h"
#include "sgemm_nt.h"

/* 8 rows × 48 columns: 24 accumulators, 3 loads of B and 8 broadcasts of
 * A for 24 fused multiply-adds a step; 256-row tiles split exactly. */
#define MR 8
#define NR 48
/* A slice of B's panel (KC · NR · 4 = 24 KiB) leaves half of a 48 KiB L1
 * for the stream of A. */
#define KC	       128
#define SG_MAX_THREADS 8
/* Below this many multiply-adds a thread costs more than it saves. */
#define SG_MIN_THREAD_WORK (1 << 22)

typedef struct sg_job {
	int64_t m, k, j0, j1;
	const float *a, *b;
	int64_t lda, ldb, ldc;
	float *c;
	float *pa, *pb; /* packed A [ceil(m/16)·16, KC], B panel [KC, NR] */
} sg_job;

/* Rows r0.. (nv of 16 valid, the rest zero) of src at columns p0..p0+kc
 * transposed: the 16 values of column p0 + q go to out0 + q·stride, or,
 * with out1, the first 8 to out0 + 8q and the last 8 to out1 + 8q.  Four
 * stages each swap one bit of the row index with the same bit of the
 * column index, which composed is the transpose of each 16 × 16 block. */
__attribute__((target("avx512f"))) static void
pack16(const float *src, int64_t ld, int nv, int64_t p0, int64_t kc,
       float *out0, float *out1, int64_t stride)
{
	int32_t lo[4][16], hi[4][16];

	for (int b = 0; b < 4; b++) {
		int s = 1 << b;
		for (int c = 0; c < 16; c++) {
			lo[b][c] = (c & s) ? 16 + c - s : c;
			hi[b][c] = (c & s) ? 16 + c : c + s;
		}
	}
	for (int64_t q0 = 0; q0 < kc; q0 += 16) {
		int64_t w = kc - q0 < 16 ? kc - q0 : 16;
		__mmask16 km = (__mmask16)((1u << w) - 1);
		__m512 r[16];
		/* Unrolled, so that r stays in registers. */
#pragma GCC unroll 16
		for (int i = 0; i < 16; i++)
			r[i] = i < nv ? _mm512_maskz_loadu_ps(
						km, src + i * ld + p0 + q0)
				      : _mm512_setzero_ps();
#pragma GCC unroll 4
		for (int b = 0; b < 4; b++) {
			int s = 1 << b;
			__m512i il = _mm512_loadu_si512(lo[b]);
			__m512i ih = _mm512_loadu_si512(hi[b]);
#pragma GCC unroll 16
			for (int i = 0; i < 16; i++) {
				if (i & s)
					continue;
				__m512 x = r[i], y = r[i + s];
				r[i] = _mm512_permutex2var_ps(x, il, y);
				r[i + s] = _mm512_permutex2var_ps(x, ih, y);
			}
		}
#pragma GCC unroll 16
		for (int q = 0; q < 16; q++) {
			if (q >= w)
				break;
			if (out1) {
				_mm256_storeu_ps(out0 + 8 * (q0 + q),
						 _mm512_castps512_ps256(r[q]));
				_mm256_storeu_ps(
					out1 + 8 * (q0 + q),
					_mm256_castpd_ps(_mm512_extractf64x4_pd(
						_mm512_castps_pd(r[q]), 1)));
			} else {
				_mm512_storeu_ps(out0 + (q0 + q) * stride,
						 r[q]);
			}
		}
	}
}

#define SG_ROW(i)                                                              \
	do {                                                                   \
		__m512 x = _mm512_set1_ps(a[i]);                               \
		c##i##0 = _mm512_fmadd_ps(x, b0, c##i##0);                     \
		c##i##1 = _mm512_fmadd_ps(x, b1, c##i##1);                     \
		c##i##2 = _mm512_fmadd_ps(x, b2, c##i##2);                     \
	} while (0)

/* Row i of the tile into C (masked to the valid columns), added to what
 * the earlier slices left there unless this is the first. */
#define SG_OUT1(i, h, v)                                                       \
	do {                                                                   \
		float *o = c + (i)*ldc + 16 * (h);                             \
		__m512 s = (v);                                                \
		if (add)                                                       \
			s = _mm512_add_ps(s, _mm512_maskz_loadu_ps(m##h, o));  \
		_mm512_mask_storeu_ps(o, m##h, s);                             \
	} while (0)
#define SG_OUT(i)                                                              \
	do {                                                                   \
		if ((i) < rows) {                                              \
			SG_OUT1(i, 0, c##i##0);                                \
			SG_OUT1(i, 1, c##i##1);                                \
			SG_OUT1(i, 2, c##i##2);                                \
		}                                                              \
	} while (0)

/* The MR × NR tile of packed A (a: [kc, MR]) and B (b: [kc, NR]) into
 * the rows × cols corner of c. */
__attribute__((target("avx512f"))) static void
sg_kernel(int64_t kc, const float *a, const float *b, float *c, int64_t ldc,
	  int rows, int cols, int add)
{
	__m512 c00 = _mm512_setzero_ps(), c01 = c00, c02 = c00;
	__m512 c10 = c00, c11 = c00, c12 = c00, c20 = c00, c21 = c00;
	__m512 c22 = c00, c30 = c00, c31 = c00, c32 = c00, c40 = c00;
	__m512 c41 = c00, c42 = c00, c50 = c00, c51 = c00, c52 = c00;
	__m512 c60 = c00, c61 = c00, c62 = c00, c70 = c00, c71 = c00;
	__m512 c72 = c00;

	for (int64_t p = 0; p < kc; p++) {
		__m512 b0 = _mm512_loadu_ps(b), b1 = _mm512_loadu_ps(b + 16);
		__m512 b2 = _mm512_loadu_ps(b + 32);
		SG_ROW(0);
		SG_ROW(1);
		SG_ROW(2);
		SG_ROW(3);
		SG_ROW(4);
		SG_ROW(5);
		SG_ROW(6);
		SG_ROW(7);
		a += MR;
		b += NR;
	}
	__mmask16 m0 = cols >= 16 ? 0xffff : (__mmask16)((1u << cols) - 1);
	__mmask16 m1 = cols >= 32  ? 0xffff
		       : cols > 16 ? (__mmask16)((1u << (cols - 16)) - 1)
				   : 0;
	__mmask16 m2 = cols >= 48  ? 0xffff
		       : cols > 32 ? (__mmask16)((1u << (cols - 32)) - 1)
				   : 0;
	SG_OUT(0);
	SG_OUT(1);
	SG_OUT(2);
	SG_OUT(3);
	SG_OUT(4);
	SG_OUT(5);
	SG_OUT(6);
	SG_OUT(7);
}

__attribute__((target("avx512f"))) static void sg_run(sg_job *j)
{
	int64_t m = j->m, groups = (m + 15) / 16;

	for (int64_t p0 = 0; p0 < j->k; p0 += KC) {
		int64_t kc = j->k - p0 < KC ? j->k - p0 : KC;
		for (int64_t g = 0; g < groups; g++) {
			int64_t nv = m - 16 * g < 16 ? m - 16 * g : 16;
			float *o = j->pa + 16 * g * kc;
			pack16(j->a + 16 * g * j->lda, j->lda, (int)nv, p0, kc,
			       o, o + 8 * kc, 0);
		}
		for (int64_t c0 = j->j0; c0 < j->j1; c0 += NR) {
			int64_t nc = j->j1 - c0 < NR ? j->j1 - c0 : NR;
			for (int h = 0; h < NR / 16; h++) {
				int64_t nv = nc - 16 * h;
				nv = nv < 0 ? 0 : nv > 16 ? 16 : nv;
				/* Past the last row there is nothing to point
				 * at: pack16 then writes zeros. */
				const float *src =
					nv ? j->b + (c0 + 16 * h) * j->ldb
					   : j->b;
				pack16(src, j->ldb, (int)nv, p0, kc,
				       j->pb + 16 * h, NULL, NR);
			}
			for (int64_t i = 0; i < m; i += MR)
				sg_kernel(kc, j->pa + i * kc, j->pb,
					  j->c + i * j->ldc + c0, j->ldc,
					  (int)(m - i < MR ? m - i : MR),
					  (int)nc, p0 > 0);
		}
	}
}

static void *sg_thread(void *arg)
{
	sg_run(arg);
	return NULL;
}

static int sg_threads(int64_t m, int64_t n, int64_t k)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	double work = (double)m * (double)n * (double)k / SG_MIN_THREAD_WORK;
	int64_t t = cpus < 1 ? 1 : cpus, panels = (n + NR - 1) / NR;

	t = t > SG_MAX_THREADS ? SG_MAX_THREADS : t;
	t = t > panels ? panels : t;
	t = (double)t > work ? (int64_t)work : t;
	return t < 1 ? 1 : (int)t;
}

static int sg_avx512(int64_t m, int64_t n, int64_t k, const float *a,
		     int64_t lda, const float *b, int64_t ldb, float *c,
		     int64_t ldc)
{
	int nt = sg_threads(m, n, k), rc = EVALD_OK;
	int64_t panels = (n + NR - 1) / NR, kc = k < KC ? k : KC;
	size_t asz = (size_t)((m + 15) / 16 * 16 * kc) * sizeof(float);
	size_t bsz = (size_t)(NR * kc) * sizeof(float);
	sg_job job[SG_MAX_THREADS];

	memset(job, 0, sizeof job);
	for (int t = 0; t < nt; t++) {
		int64_t j0 = panels * t / nt * NR,
			j1 = panels * (t + 1) / nt * NR;
		job[t] = (sg_job){.m = m,
				  .k = k,
				  .j0 = j0,
				  .j1 = j1 < n ? j1 : n,
				  .a = a,
				  .b = b,
				  .lda = lda,
				  .ldb = ldb,
				  .ldc = ldc,
				  .c = c};
		/* Sizes rounded up to the 64-byte alignment aligned_alloc
		 * asks for. */
		job[t].pa = aligned_alloc(64, (asz + 63) / 64 * 64);
		job[t].pb = aligned_alloc(64, (bsz + 63) / 64 * 64);
		if (!job[t].pa || !job[t].pb) {
			rc = EVALD_ENOMEM;
			goto out;
		}
	}
	evi_run_jobs(sg_thread, job, sizeof job[0], nt);
out:
	for (int t = 0; t < nt; t++) {
		free(job[t].pa);
		free(job[t].pb);
	}
	return rc;
}

int evi_sgemm_nt(int64_t m, int64_t n, int64_t k, const float *a, int64_t lda,
		 const float *b, int64_t ldb, float *c, int64_t ldc)
{
	if (m <= 0 || n <= 0)
		return EVALD_OK;
	if (k <= 0) {
		for (int64_t i = 0; i < m; i++)
			memset(c + i * ldc, 0, (size_t)n * sizeof(float));
		return EVALD_OK;
	}
	if (__builtin_cpu_supports("avx512f"))
		return sg_avx512(m, n, k, a, lda, b, ldb, c, ldc);
	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)m, (int)n,
		    (int)k, 1.0f, a, (int)lda, b, (int)ldb, 0.0f, c, (int)ldc);
	return EVALD_OK;
}
