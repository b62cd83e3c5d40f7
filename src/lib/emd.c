/* emd.c - the exact earth mover's distance: a primal network simplex on
 * the complete bipartite transportation network of a prepared problem.
 *
 * Nodes are the n sources (x points), the m sinks (y points) and a root.
 * The arcs i -> j are implicit: their cost is C[i*m + j], and as none has
 * an upper bound every arc outside the spanning tree carries no flow, so
 * flows and states live on the tree only (one entry per node: the arc to
 * its parent).  Every source hangs below its parent by an arc pointing up
 * and every sink by an arc pointing down, the artificial root arcs
 * included, so a node's index tells the direction of its tree arc.
 *
 * The start is the artificial tree (source -> root at cost 0, root -> sink
 * at a cost above every real one), which is strongly feasible because
 * every weight is positive.  Each pivot takes the most negative reduced
 * cost in a block of about sqrt(n*m) arcs scanned row by row from where
 * the last search stopped (block search, as in LEMON and POT), finds the
 * cycle through the two endpoints' common ancestor by depth, and removes
 * the last blocking arc met going round the cycle from that ancestor, which
 * keeps the tree strongly feasible and so rules out cycling.  The cut-off
 * subtree is re-rooted at the entering arc's endpoint and its potentials
 * shifted.  Artificial arcs that leave never return. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include <evald/ot.h>
#include <evald/reduce.h>

#include "internal.h"

/* A reduced cost counts as negative below -EPS_REL * max|C|: far above
 * the rounding of potentials, far below anything that moves the value. */
#define EPS_REL 1e-13
/* Potentials are recomputed from the tree this often, so the drift of
 * the incremental shifts never reaches EPS_REL. */
#define REFRESH_PIVOTS 1024
/* Work (arcs priced plus nodes visited) between progress reports. */
#define TICK_WORK (INT64_C(1) << 23)

typedef struct ns {
	int64_t n, m;	 /* sources 0..n-1, sinks n..n+m-1 */
	int32_t N, root; /* N = n + m + 1, root = n + m */
	const double *C; /* [n*m] */
	const double *a, *b;
	double art; /* cost of the artificial arcs root -> sink */
	double eps;
	int32_t *parent, *child, *next, *prev, *depth;
	int32_t *path1, *path2, *order;
	double *pi, *flow;
	int64_t cursor, block, arcs;
	int64_t work;
} ns;

static void ns_free(ns *s)
{
	free(s->parent);
	free(s->child);
	free(s->next);
	free(s->prev);
	free(s->depth);
	free(s->path1);
	free(s->path2);
	free(s->order);
	free(s->pi);
	free(s->flow);
}

static int ns_alloc(ns *s)
{
	int64_t N = s->N;

	s->parent = evald_xalloc(N, sizeof(int32_t));
	s->child = evald_xalloc(N, sizeof(int32_t));
	s->next = evald_xalloc(N, sizeof(int32_t));
	s->prev = evald_xalloc(N, sizeof(int32_t));
	s->depth = evald_xalloc(N, sizeof(int32_t));
	s->path1 = evald_xalloc(N, sizeof(int32_t));
	s->path2 = evald_xalloc(N, sizeof(int32_t));
	s->order = evald_xalloc(N, sizeof(int32_t));
	s->pi = evald_xalloc(N, sizeof(double));
	s->flow = evald_xalloc(N, sizeof(double));
	return s->parent && s->child && s->next && s->prev && s->depth &&
	       s->path1 && s->path2 && s->order && s->pi && s->flow;
}

/* Cost of the tree arc between u and its parent p. */
static inline double arc_cost(const ns *s, int32_t u, int32_t p)
{
	if (p == s->root)
		return u < s->n ? 0.0 : s->art;
	if (u < s->n)
		return s->C[(int64_t)u * s->m + (p - s->n)];
	return s->C[(int64_t)p * s->m + (u - s->n)];
}

/* The potential u must have for its tree arc to its parent p to have a
 * zero reduced cost (c + pi[source] - pi[target] = 0). */
static inline double tree_pi(const ns *s, int32_t u, int32_t p)
{
	double c = arc_cost(s, u, p);
	return u < s->n ? s->pi[p] - c : s->pi[p] + c;
}

static inline void detach(ns *s, int32_t u)
{
	int32_t p = s->parent[u], a = s->prev[u], z = s->next[u];

	if (a >= 0)
		s->next[a] = z;
	else
		s->child[p] = z;
	if (z >= 0)
		s->prev[z] = a;
}

static inline void attach(ns *s, int32_t u, int32_t p)
{
	int32_t z = s->child[p];

	s->parent[u] = p;
	s->prev[u] = -1;
	s->next[u] = z;
	if (z >= 0)
		s->prev[z] = u;
	s->child[p] = u;
}

static void ns_init(ns *s)
{
	int32_t N = s->N, root = s->root;

	for (int32_t u = 0; u < N; u++) {
		s->child[u] = -1;
		s->parent[u] = root;
		s->depth[u] = 1;
		s->next[u] = u + 1 < root ? u + 1 : -1;
		s->prev[u] = u - 1;
	}
	s->parent[root] = -1;
	s->depth[root] = 0;
	s->next[root] = s->prev[root] = -1;
	s->child[root] = root > 0 ? 0 : -1;
	s->pi[root] = 0.0;
	s->flow[root] = 0.0;
	for (int64_t i = 0; i < s->n; i++) {
		s->pi[i] = 0.0;
		s->flow[i] = s->a[i];
	}
	for (int64_t j = 0; j < s->m; j++) {
		s->pi[s->n + j] = s->art;
		s->flow[s->n + j] = s->b[j];
	}
}

/* Preorder of the tree into s->order; returns the count. */
static int32_t preorder(ns *s)
{
	int32_t k = 0, u = s->root;

	for (;;) {
		s->order[k++] = u;
		if (s->child[u] >= 0) {
			u = s->child[u];
			continue;
		}
		while (u != s->root && s->next[u] < 0)
			u = s->parent[u];
		if (u == s->root)
			return k;
		u = s->next[u];
	}
}

/* Potentials and depths from the root down, exactly from the arc costs. */
static void refresh_pi(ns *s)
{
	int32_t k = preorder(s);

	s->pi[s->root] = 0.0;
	for (int32_t t = 1; t < k; t++) {
		int32_t u = s->order[t], p = s->parent[u];
		s->pi[u] = tree_pi(s, u, p);
		s->depth[u] = s->depth[p] + 1;
	}
	s->work += k;
}

/* The t in [j, end) with the smallest row[t] - piy[t] if that is below
 * *thr (which then becomes it), else -1.  The hot loop of the simplex:
 * chunks are screened with a vector minimum and only a chunk that beats
 * the threshold is searched for its index. */
static int64_t row_min(const double *row, const double *piy, int64_t j,
		       int64_t end, double *thr)
{
	double th = *thr;
	int64_t bj = -1, t = j;

#ifdef __SSE2__
	for (; t + 8 <= end; t += 8) {
		__m128d a = _mm_sub_pd(_mm_loadu_pd(row + t),
				       _mm_loadu_pd(piy + t));
		__m128d b = _mm_sub_pd(_mm_loadu_pd(row + t + 2),
				       _mm_loadu_pd(piy + t + 2));
		__m128d c = _mm_sub_pd(_mm_loadu_pd(row + t + 4),
				       _mm_loadu_pd(piy + t + 4));
		__m128d d = _mm_sub_pd(_mm_loadu_pd(row + t + 6),
				       _mm_loadu_pd(piy + t + 6));
		__m128d v = _mm_min_pd(_mm_min_pd(a, b), _mm_min_pd(c, d));
		v = _mm_min_sd(v, _mm_unpackhi_pd(v, v));
		if (!(_mm_cvtsd_f64(v) < th))
			continue;
		for (int64_t k = t; k < t + 8; k++) {
			double r = row[k] - piy[k];
			if (r < th) {
				th = r;
				bj = k;
			}
		}
	}
#endif
	for (; t < end; t++) {
		double r = row[t] - piy[t];
		if (r < th) {
			th = r;
			bj = t;
		}
	}
	*thr = th;
	return bj;
}

static inline int in_tree(const ns *s, int64_t i, int64_t j)
{
	return s->parent[i] == s->n + j || s->parent[s->n + j] == i;
}

/* Block search: scan blocks of arcs row by row from where the last search
 * stopped until a block holds a reduced cost below -eps, and return the
 * most negative arc of that block (i*m + j); -1 after a full pass found
 * none.  (Keeping the block's runners-up as candidates for the next pivot
 * was tried: a block is about one row, its arcs share a source whose
 * potential the pivot moves, and the scans saved did not pay.) */
static int64_t price(ns *s)
{
	const int64_t n = s->n, m = s->m;
	const double *pi = s->pi, *piy = s->pi + n;
	int64_t i = s->cursor / m, j = s->cursor % m;
	int64_t left = s->block, scanned = 0, best_e = -1;
	double best = -s->eps;

	while (scanned < s->arcs) {
		int64_t end = m - j < left ? m : j + left;
		double thr = best - pi[i];
		int64_t bj = row_min(s->C + i * m, piy, j, end, &thr);
		if (bj >= 0) {
			best = thr + pi[i];
			best_e = i * m + bj;
		}
		scanned += end - j;
		left -= end - j;
		j = end;
		if (j == m) {
			j = 0;
			if (++i == n)
				i = 0;
		}
		if (left == 0) {
			if (best_e >= 0)
				break;
			left = s->block;
		}
	}
	s->cursor = i * m + j;
	s->work += scanned;
	return best_e;
}

/* One pivot on entering arc (ei -> n+ej). */
static void pivot(ns *s, int32_t ei, int32_t ej)
{
	int32_t *parent = s->parent, *depth = s->depth;
	double *flow = s->flow;
	int32_t u = ei, v = (int32_t)s->n + ej, k1 = 0, k2 = 0;
	int32_t out = -1, u_in, v_in;
	double delta = INFINITY, sigma;
	int side = 0;

	/* The cycle: both endpoints climb to their common ancestor. */
	while (depth[u] > depth[v]) {
		s->path1[k1++] = u;
		u = parent[u];
	}
	while (depth[v] > depth[u]) {
		s->path2[k2++] = v;
		v = parent[v];
	}
	while (u != v) {
		s->path1[k1++] = u;
		u = parent[u];
		s->path2[k2++] = v;
		v = parent[v];
	}
	/* Flow runs down the source's side and up the sink's side.  Going
	 * round from the ancestor, the last arc that blocks leaves: the
	 * deepest on the source's side (strict <), else the highest on the
	 * sink's side (<=, which also wins ties). */
	for (int32_t t = 0; t < k1; t++) {
		int32_t w = s->path1[t];
		if (w < s->n && flow[w] < delta) {
			delta = flow[w];
			out = w;
			side = 1;
		}
	}
	for (int32_t t = 0; t < k2; t++) {
		int32_t w = s->path2[t];
		if (w >= s->n && flow[w] <= delta) {
			delta = flow[w];
			out = w;
			side = 2;
		}
	}
	if (delta > 0) {
		for (int32_t t = 0; t < k1; t++) {
			int32_t w = s->path1[t];
			flow[w] += w < s->n ? -delta : delta;
		}
		for (int32_t t = 0; t < k2; t++) {
			int32_t w = s->path2[t];
			flow[w] += w < s->n ? delta : -delta;
		}
	}
	flow[out] = 0.0;
	s->work += k1 + k2;

	if (side == 1) {
		u_in = ei;
		v_in = (int32_t)s->n + ej;
	} else {
		u_in = (int32_t)s->n + ej;
		v_in = ei;
	}
	/* Re-hang the stem u_in .. out: each node's parent becomes the node
	 * below it, and takes over that node's arc and flow. */
	{
		int32_t w = u_in, np = v_in;
		double nf = delta;
		for (;;) {
			int32_t op = parent[w];
			double of = flow[w];
			detach(s, w);
			attach(s, w, np);
			flow[w] = nf;
			if (w == out)
				break;
			np = w;
			nf = of;
			w = op;
		}
	}
	/* Shift the potentials of the re-hung subtree and fix its depths. */
	sigma = tree_pi(s, u_in, v_in) - s->pi[u_in];
	{
		int32_t w = u_in;
		for (;;) {
			s->pi[w] += sigma;
			depth[w] = depth[parent[w]] + 1;
			s->work++;
			if (s->child[w] >= 0) {
				w = s->child[w];
				continue;
			}
			while (w != u_in && s->next[w] < 0)
				w = parent[w];
			if (w == u_in)
				break;
			w = s->next[w];
		}
	}
}

/* Flows from the final tree: each tree arc carries the net supply of the
 * subtree below it, which makes the plan's marginals as exact as sums of
 * the weights can be. */
static void settle_flows(ns *s)
{
	int32_t k = preorder(s);
	double *sub = s->pi; /* potentials are no longer needed */

	for (int64_t i = 0; i < s->n; i++)
		sub[i] = s->a[i];
	for (int64_t j = 0; j < s->m; j++)
		sub[s->n + j] = -s->b[j];
	sub[s->root] = 0.0;
	for (int32_t t = k - 1; t > 0; t--) {
		int32_t u = s->order[t];
		double f = u < s->n ? sub[u] : -sub[u];
		s->flow[u] = f > 0 ? f : 0.0;
		sub[s->parent[u]] += sub[u];
	}
}

typedef struct plan_entry {
	int64_t i, j;
	double mass;
} plan_entry;

static int cmp_entry(const void *pa, const void *pb)
{
	const plan_entry *x = pa, *y = pb;
	if (x->i != y->i)
		return x->i < y->i ? -1 : 1;
	return (x->j > y->j) - (x->j < y->j);
}

/* Value and, when asked, the plan from the tree's real arcs. */
static int collect(ns *s, const evald_ot_problem *pb, double p, int want_plan,
		   evald_emd_result *res, evald_err *err)
{
	int64_t cnt = 0, k = 0;
	double *terms = evald_xalloc(s->N, sizeof *terms);
	plan_entry *pl = NULL;

	if (!terms)
		return evald_fail(err, EVALD_ENOMEM, -1,
				  "out of memory for the plan");
	for (int32_t u = 0; u < s->root; u++)
		if (s->parent[u] != s->root && s->flow[u] > 0)
			cnt++;
	if (want_plan && !(pl = evald_xalloc(cnt, sizeof *pl))) {
		free(terms);
		return evald_fail(err, EVALD_ENOMEM, -1,
				  "out of memory for the plan");
	}
	for (int32_t u = 0; u < s->root; u++) {
		int32_t par = s->parent[u];
		int64_t i, j;
		if (par == s->root || !(s->flow[u] > 0))
			continue;
		i = u < s->n ? u : par;
		j = (u < s->n ? par : u) - s->n;
		terms[k] = s->flow[u] * s->C[i * s->m + j];
		if (pl) {
			pl[k].i = pb->xi[i];
			pl[k].j = pb->yj[j];
			pl[k].mass = s->flow[u];
		}
		k++;
	}
	res->cost = evald_sum(terms, k);
	free(terms);
	if (p == 1.0)
		res->value = res->cost * pb->scale;
	else
		res->value = pb->scale * pow(res->cost, 1.0 / p);
	if (pb->scale != 1.0)
		res->cost = pow(pb->scale, p) * res->cost;
	if (pl) {
		qsort(pl, (size_t)k, sizeof *pl, cmp_entry);
		res->plan_ij = evald_xalloc(2 * k, sizeof *res->plan_ij);
		res->plan_mass = evald_xalloc(k, sizeof *res->plan_mass);
		if (!res->plan_ij || !res->plan_mass) {
			free(pl);
			return evald_fail(err, EVALD_ENOMEM, -1,
					  "out of memory for the plan");
		}
		for (int64_t t = 0; t < k; t++) {
			res->plan_ij[2 * t] = pl[t].i;
			res->plan_ij[2 * t + 1] = pl[t].j;
			res->plan_mass[t] = pl[t].mass;
		}
		res->plan_nnz = k;
		free(pl);
	}
	return EVALD_OK;
}

void evald_emd_result_free(evald_emd_result *r)
{
	free(r->plan_ij);
	free(r->plan_mass);
	r->plan_ij = NULL;
	r->plan_mass = NULL;
	r->plan_nnz = 0;
}

/* Progress is the work done (arcs priced, tree nodes visited) against an
 * estimate of the total.  Measured on Gaussian sets in 3 to 64
 * dimensions, n = 500 to 4000, the simplex prices about 0.76 N^0.55 times
 * the n*m arcs (N = n + m); low-dimensional and degenerate problems take
 * less, so the fraction can jump to 1 at the end.  Past 0.9 it only
 * creeps towards 0.99, so an underestimate never shows a stall at 100%. */
static double work_estimate(const ns *s)
{
	return 0.76 * pow((double)s->N, 0.55) * (double)s->arcs +
	       10.0 * (double)s->N;
}

static double progress_of(double work, double est)
{
	double r = work / est;
	return r <= 0.9 ? r : 0.9 + 0.09 * (1.0 - exp(-(r - 0.9) / 0.3));
}

int evald_emd_solve(const evald_ot_problem *pb, int want_plan,
		    const evald_progress *prog, evald_emd_result *res,
		    evald_err *err)
{
	ns s = {0};
	double cmax = 0.0, est;
	int64_t pivots = 0, limit, next_tick, since_refresh = 0;
	int refreshed = 0, rc = EVALD_OK;

	memset(res, 0, sizeof *res);
	res->n = pb->n;
	res->m = pb->m;
	s.n = pb->nk;
	s.m = pb->mk;
	s.N = (int32_t)(s.n + s.m + 1);
	s.root = (int32_t)(s.n + s.m);
	s.C = pb->cost;
	s.a = pb->a;
	s.b = pb->b;
	s.arcs = s.n * s.m;
	for (int64_t k = 0; k < s.arcs; k++)
		if (fabs(s.C[k]) > cmax)
			cmax = fabs(s.C[k]);
	if (cmax == 0.0)
		cmax = 1.0;
	/* Above every real cost, so no artificial flow survives. */
	s.art = 3.0 * cmax;
	s.eps = EPS_REL * cmax;
	s.block = (int64_t)ceil(sqrt((double)s.arcs));
	if (s.block < 10)
		s.block = 10;
	if (!ns_alloc(&s)) {
		rc = evald_fail(err, EVALD_ENOMEM, -1,
				"out of memory for the network simplex");
		goto out;
	}
	ns_init(&s);
	est = work_estimate(&s);
	/* Far beyond what the method takes (a few pivots per node); only a
	 * numerical loop gets there. */
	limit = 1000 * (int64_t)s.N + 1000000;
	next_tick = TICK_WORK;
	for (;;) {
		int64_t e = price(&s);
		int32_t ei, ej;
		if (e < 0) {
			/* Confirm optimality on exact potentials. */
			if (refreshed)
				break;
			refresh_pi(&s);
			refreshed = 1;
			since_refresh = 0;
			continue;
		}
		ei = (int32_t)(e / s.m);
		ej = (int32_t)(e % s.m);
		if (in_tree(&s, ei, ej)) {
			/* A tree arc priced negative: potentials drifted. */
			if (refreshed) {
				rc = evald_fail(err, EVALD_ENUMERIC, -1,
						"the network simplex lost "
						"precision (a tree arc priced "
						"negative)");
				goto out;
			}
			refresh_pi(&s);
			refreshed = 1;
			since_refresh = 0;
			continue;
		}
		pivot(&s, ei, ej);
		refreshed = 0;
		if (++pivots >= limit) {
			rc = evald_fail(err, EVALD_ENUMERIC, -1,
					"the network simplex reached its bound "
					"of %lld pivots without proving "
					"optimality",
					(long long)limit);
			goto out;
		}
		if (++since_refresh >= REFRESH_PIVOTS) {
			refresh_pi(&s);
			since_refresh = 0;
		}
		if (s.work >= next_tick) {
			next_tick = s.work + TICK_WORK;
			if (evald_progress_tick(
				    prog, progress_of((double)s.work, est))) {
				rc = evald_fail(err, EVALD_ECANCEL, -1,
						"cancelled");
				goto out;
			}
		}
	}
	res->pivots = pivots;
	settle_flows(&s);
	for (int32_t u = 0; u < s.root; u++)
		if (s.parent[u] == s.root && s.flow[u] > 1e-9 * pb->mass) {
			rc = evald_fail(err, EVALD_ENUMERIC, -1,
					"the network simplex ended with mass "
					"on an artificial arc");
			goto out;
		}
	rc = collect(&s, pb, pb->p, want_plan, res, err);
out:
	if (rc < 0)
		evald_emd_result_free(res);
	ns_free(&s);
	return rc;
}

/* Progress of one phase mapped into [lo, hi] of the caller's. */
typedef struct phase {
	const evald_progress *outer;
	double lo, hi;
} phase;

static int phase_fn(void *ctx, double f)
{
	const phase *ph = ctx;
	return evald_progress_tick(ph->outer, ph->lo + (ph->hi - ph->lo) * f);
}

int evald_emd(const evald_ot_input *in, int want_plan,
	      const evald_progress *prog, evald_emd_result *res, evald_err *err)
{
	/* The cost matrix takes about a tenth of the time of the simplex. */
	phase p1 = {prog, 0.0, 0.1}, p2 = {prog, 0.1, 1.0};
	evald_progress g1 = {phase_fn, &p1}, g2 = {phase_fn, &p2};
	evald_ot_problem pb;
	int rc;

	memset(res, 0, sizeof *res);
	if ((rc = evald_ot_prepare(in, 1, &g1, &pb, err)) < 0)
		return rc;
	rc = evald_emd_solve(&pb, want_plan, &g2, res, err);
	evald_ot_problem_free(&pb);
	if (rc == EVALD_OK)
		evald_progress_tick(prog, 1.0);
	return rc;
}
