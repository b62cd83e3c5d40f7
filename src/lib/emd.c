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
 * cycle through the two endpoints' common ancestor, and removes the last
 * blocking arc met going round the cycle from that ancestor, which keeps
 * the tree strongly feasible and so rules out cycling.  Artificial arcs
 * that leave never return.
 *
 * The tree is kept as parent pointers plus the preorder as a doubly
 * linked list ("thread"), each node's subtree size and the last node of
 * its subtree in that order (the structure of Ahuja, Magnanti and Orlin's
 * network simplex).  A subtree is then one segment of the list: a pivot
 * cuts the leaving arc's subtree out, re-roots it at the entering arc's
 * end by splicing O(stem length) segments, and inserts it below the other
 * end, without visiting its nodes.  Only the potentials need a pass over
 * a subtree, and that pass takes whichever side of the cut is smaller. */
#include <float.h>
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
/* Potentials are recomputed from the tree every max(REFRESH_PIVOTS, N)
 * pivots, so the drift of the incremental shifts never reaches EPS_REL
 * while the O(N) refresh stays O(1) per pivot. */
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
	int32_t *parent;
	int32_t *thread, *rev; /* preorder successor / predecessor (cyclic) */
	int32_t *size;	       /* nodes in the subtree */
	int32_t *last;	       /* last node of the subtree in preorder */
	double *pi, *flow;     /* potential; flow on the arc to the parent */
	/* scratch: the cycle's two sides, and the stem's old layout */
	int32_t *path1, *path2, *old_size, *old_last, *old_rev, *old_after;
	int64_t cursor, block, tile, arcs;
	int64_t work;
} ns;

static void ns_free(ns *s)
{
	int32_t **v[] = {&s->parent,   &s->thread,  &s->rev,	  &s->size,
			 &s->last,     &s->path1,   &s->path2,	  &s->old_size,
			 &s->old_last, &s->old_rev, &s->old_after};

	for (size_t k = 0; k < sizeof v / sizeof *v; k++)
		free(*v[k]);
	free(s->pi);
	free(s->flow);
}

static int ns_alloc(ns *s)
{
	int32_t **v[] = {&s->parent,   &s->thread,  &s->rev,	  &s->size,
			 &s->last,     &s->path1,   &s->path2,	  &s->old_size,
			 &s->old_last, &s->old_rev, &s->old_after};
	int ok = 1;

	for (size_t k = 0; k < sizeof v / sizeof *v; k++)
		ok &= (*v[k] = evi_xalloc(s->N, sizeof(int32_t))) != NULL;
	s->pi = evi_xalloc(s->N, sizeof(double));
	s->flow = evi_xalloc(s->N, sizeof(double));
	return ok && s->pi && s->flow;
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

static inline void link(ns *s, int32_t a, int32_t b)
{
	s->thread[a] = b;
	s->rev[b] = a;
}

/* Every point a child of the root, in index order. */
static void ns_init(ns *s)
{
	int32_t root = s->root;

	for (int32_t u = 0; u < root; u++) {
		s->parent[u] = root;
		s->size[u] = 1;
		s->last[u] = u;
		link(s, u, u + 1 < root ? u + 1 : root);
	}
	s->parent[root] = -1;
	s->size[root] = s->N;
	s->last[root] = root - 1;
	link(s, root, 0);
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

/* Potentials from the root down, exactly from the arc costs. */
static void refresh_pi(ns *s)
{
	s->pi[s->root] = 0.0;
	for (int32_t u = s->thread[s->root]; u != s->root; u = s->thread[u])
		s->pi[u] = tree_pi(s, u, s->parent[u]);
	s->work += s->N;
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

/* Block search: scan blocks of arcs from where the last search stopped
 * until a block holds a reduced cost below -eps, and return the most
 * negative arc of that block (i*m + j); -1 after a full pass found none.
 * Arcs are scanned in tiles: columns [j, j + tile) of every row in turn,
 * then the next tile.  With rows no longer than about a block the tile is
 * the whole row, and the scan streams through C.  Much longer rows would
 * put every arc of a block on one source, whose potential the pivot then
 * moves; narrower tiles spread a block over several sources, which took a
 * quarter fewer pivots and a quarter of the pricing on 10 x 50000 problems.
 * (Keeping a block's runners-up as candidates for the next pivot was
 * tried too: they share that source, and the scans saved did not pay.) */
static int64_t price(ns *s)
{
	const int64_t n = s->n, m = s->m;
	const double *pi = s->pi, *piy = s->pi + n;
	int64_t i = s->cursor / m, j = s->cursor % m;
	int64_t left = s->block, scanned = 0, best_e = -1;
	double best = -s->eps;

	while (scanned < s->arcs) {
		int64_t end = m - j > s->tile ? j + s->tile : m;
		double thr = best - pi[i];
		int64_t bj = row_min(s->C + i * m, piy, j, end, &thr);
		if (bj >= 0) {
			best = thr + pi[i];
			best_e = i * m + bj;
		}
		scanned += end - j;
		left -= end - j;
		if (++i == n) {
			i = 0;
			j = end == m ? 0 : end;
		}
		if (left <= 0) {
			if (best_e >= 0)
				break;
			left = s->block;
		}
	}
	s->cursor = i * m + j;
	s->work += scanned;
	return best_e;
}

/* Move the subtree of `out` (cut from its parent) below v_in, re-rooted
 * at u_in.  stem[0..k] is the path u_in = stem[0], ..., stem[k] = out;
 * `delta` the flow of the entering arc (stem[0], v_in). */
static void rehang(ns *s, const int32_t *stem, int32_t k, int32_t v_in,
		   int32_t join, double delta)
{
	int32_t out = stem[k], v_out = s->parent[out];
	int32_t cut = s->size[out], before, tail;

	for (int32_t t = 0; t <= k; t++) {
		int32_t w = stem[t];
		s->old_size[t] = s->size[w];
		s->old_last[t] = s->last[w];
		s->old_rev[t] = s->rev[w];
		s->old_after[t] = s->thread[s->last[w]];
	}
	/* Cut the segment out of the preorder; the subtrees that ended
	 * with it now end just before it. */
	before = s->old_rev[k];
	link(s, before, s->old_after[k]);
	for (int32_t a = v_out; a >= 0 && s->last[a] == s->old_last[k];
	     a = s->parent[a])
		s->last[a] = before;
	for (int32_t a = v_out; a != join; a = s->parent[a])
		s->size[a] -= cut;
	/* The re-rooted preorder: the subtree of stem[0] as it was, then for
	 * each later stem node itself and what it kept (its old segment less
	 * that of the stem node below it, in up to two pieces). */
	tail = s->old_last[0];
	for (int32_t t = 1; t <= k; t++) {
		link(s, tail, stem[t]);
		tail = s->old_rev[t - 1];
		if (s->old_last[t - 1] != s->old_last[t]) {
			link(s, tail, s->old_after[t - 1]);
			tail = s->old_last[t];
		}
	}
	/* Parents, flows and sizes along the stem, which reverses. */
	{
		int32_t np = v_in, grown = 0;
		double nf = delta;
		for (int32_t t = 0; t <= k; t++) {
			int32_t w = stem[t];
			double of = s->flow[w];
			s->parent[w] = np;
			s->flow[w] = nf;
			s->last[w] = tail;
			np = w;
			nf = of;
		}
		for (int32_t t = k; t >= 1; t--) {
			grown += s->old_size[t] - s->old_size[t - 1];
			s->size[stem[t]] = grown;
		}
		s->size[stem[0]] = cut;
	}
	/* Insert as the first child of v_in; if v_in was a leaf, the
	 * subtrees that ended at it now end with the inserted one. */
	link(s, tail, s->thread[v_in]);
	link(s, v_in, stem[0]);
	for (int32_t a = v_in; a >= 0 && s->last[a] == v_in; a = s->parent[a])
		s->last[a] = tail;
	for (int32_t a = v_in; a != join; a = s->parent[a])
		s->size[a] += cut;
}

/* Shift the potentials so the entering arc (u_in below v_in) has a zero
 * reduced cost: the moved subtree by sigma, or, when it holds more than
 * half the nodes, everything else by -sigma (potentials only matter up
 * to a common constant). */
static void shift_pi(ns *s, int32_t u_in, int32_t v_in)
{
	double sigma = tree_pi(s, u_in, v_in) - s->pi[u_in];
	int32_t cut = s->size[u_in], u = u_in;

	if (cut <= s->N / 2) {
		for (int32_t c = 0; c < cut; c++, u = s->thread[u])
			s->pi[u] += sigma;
		s->work += cut;
		return;
	}
	u = s->thread[s->last[u_in]];
	for (int32_t c = cut; c < s->N; c++, u = s->thread[u])
		s->pi[u] -= sigma;
	s->work += s->N - cut;
}

/* One pivot on entering arc (ei -> n+ej). */
static void pivot(ns *s, int32_t ei, int32_t ej)
{
	const int32_t *parent = s->parent, *size = s->size;
	double *flow = s->flow;
	int32_t u = ei, v = (int32_t)s->n + ej, k1 = 0, k2 = 0;
	int32_t out_t = -1, join;
	double delta = INFINITY;
	int side = 0;

	/* The cycle: climb from the endpoints to their common ancestor,
	 * always from the one with the smaller subtree (an ancestor's is
	 * larger). */
	while (u != v) {
		if (size[u] < size[v]) {
			s->path1[k1++] = u;
			u = parent[u];
		} else {
			s->path2[k2++] = v;
			v = parent[v];
		}
	}
	join = u;
	/* Flow runs down the source's side and up the sink's side.  Going
	 * round from the ancestor, the last arc that blocks leaves: the
	 * deepest on the source's side (strict <), else the highest on the
	 * sink's side (<=, which also wins ties). */
	for (int32_t t = 0; t < k1; t++) {
		int32_t w = s->path1[t];
		if (w < s->n && flow[w] < delta) {
			delta = flow[w];
			out_t = t;
			side = 1;
		}
	}
	for (int32_t t = 0; t < k2; t++) {
		int32_t w = s->path2[t];
		if (w >= s->n && flow[w] <= delta) {
			delta = flow[w];
			out_t = t;
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
	s->work += k1 + k2;
	/* The stem runs from the entering arc's end on the leaving side up
	 * to the leaving arc; the other end is the new parent. */
	if (side == 1) {
		flow[s->path1[out_t]] = 0.0;
		rehang(s, s->path1, out_t, (int32_t)s->n + ej, join, delta);
		shift_pi(s, ei, (int32_t)s->n + ej);
	} else {
		flow[s->path2[out_t]] = 0.0;
		rehang(s, s->path2, out_t, ei, join, delta);
		shift_pi(s, (int32_t)s->n + ej, ei);
	}
	s->work += out_t + 1;
}

/* Flows from the final tree: each tree arc carries the net supply of the
 * subtree below it, which makes the plan's marginals as exact as sums of
 * the weights can be.  What is left of a sum that should cancel (weights
 * that add up to the same mass in different orders) is rounding dust: a
 * flow below DUST times the weights at its ends is below the precision
 * they are known to, so it is dropped rather than carried at some cost;
 * with p > 1 the root would turn a 1e-17 cost into a 3e-9 distance between
 * two equal distributions. */
#define DUST (8 * DBL_EPSILON)

static void settle_flows(ns *s)
{
	double *sub = s->pi; /* potentials are no longer needed */

	for (int64_t i = 0; i < s->n; i++)
		sub[i] = s->a[i];
	for (int64_t j = 0; j < s->m; j++)
		sub[s->n + j] = -s->b[j];
	sub[s->root] = 0.0;
	/* Reverse preorder: children before their parents. */
	for (int32_t u = s->rev[s->root]; u != s->root; u = s->rev[u]) {
		int32_t p = s->parent[u];
		double f = u < s->n ? sub[u] : -sub[u];
		sub[p] += sub[u];
		if (p != s->root) {
			double wi = u < s->n ? s->a[u] : s->a[p];
			double wj = u < s->n ? s->b[p - s->n] : s->b[u - s->n];
			if (f < DUST * fmax(wi, wj))
				f = 0.0;
		}
		s->flow[u] = f > 0 ? f : 0.0;
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
	double *terms = evi_xalloc(s->N, sizeof *terms);
	plan_entry *pl = NULL;

	if (!terms)
		return evald_fail(err, EVALD_ENOMEM, -1,
				  "out of memory for the plan");
	for (int32_t u = 0; u < s->root; u++)
		if (s->parent[u] != s->root && s->flow[u] > 0)
			cnt++;
	if (want_plan && !(pl = evi_xalloc(cnt, sizeof *pl))) {
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
		res->plan_ij = evi_xalloc(2 * k, sizeof *res->plan_ij);
		res->plan_mass = evi_xalloc(k, sizeof *res->plan_mass);
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

/* One source or one sink: the only plan sends everything through it.
 * Built as a star under the root, so the rest of the code reads it like a
 * simplex tree (the simplex itself would spend one block search per
 * point to find it). */
static void ns_star(ns *s)
{
	int32_t hub = s->n == 1 ? 0 : (int32_t)s->n, prev = hub;

	s->parent[s->root] = -1;
	s->size[s->root] = s->N;
	s->parent[hub] = s->root;
	s->size[hub] = s->N - 1;
	link(s, s->root, hub);
	for (int32_t u = 0; u < s->root; u++) {
		if (u == hub)
			continue;
		s->parent[u] = hub;
		s->size[u] = 1;
		s->last[u] = u;
		link(s, prev, u);
		prev = u;
	}
	link(s, prev, s->root);
	s->last[hub] = s->last[s->root] = prev;
}

/* The pivot loop, from the artificial tree to optimality. */
static int simplex(ns *s, const evald_progress *prog, int64_t *pivots,
		   evald_err *err)
{
	/* Far beyond what the method takes (tens of pivots per node); only
	 * a numerical loop gets there. */
	const int64_t limit = 1000 * (int64_t)s->N + 1000000;
	const double est = work_estimate(s);
	int64_t next_tick = TICK_WORK, since_refresh = 0;
	int refreshed = 0;

	ns_init(s);
	for (;;) {
		int64_t e = price(s);
		int32_t ei, ej;
		if (e < 0) {
			/* Confirm optimality on exact potentials. */
			if (refreshed)
				return EVALD_OK;
			refresh_pi(s);
			refreshed = 1;
			since_refresh = 0;
			continue;
		}
		ei = (int32_t)(e / s->m);
		ej = (int32_t)(e % s->m);
		if (in_tree(s, ei, ej)) {
			/* A tree arc priced negative: potentials drifted. */
			if (refreshed)
				return evald_fail(err, EVALD_ENUMERIC, -1,
						  "the network simplex lost "
						  "precision (a tree arc "
						  "priced negative)");
			refresh_pi(s);
			refreshed = 1;
			since_refresh = 0;
			continue;
		}
		pivot(s, ei, ej);
		refreshed = 0;
		if (++*pivots >= limit)
			return evald_fail(err, EVALD_ENUMERIC, -1,
					  "the network simplex reached its "
					  "bound of %lld pivots without "
					  "proving optimality",
					  (long long)limit);
		if (++since_refresh >= REFRESH_PIVOTS &&
		    since_refresh >= s->N) {
			refresh_pi(s);
			since_refresh = 0;
		}
		if (s->work >= next_tick) {
			next_tick = s->work + TICK_WORK;
			if (evald_progress_tick(
				    prog, progress_of((double)s->work, est)))
				return evald_fail(err, EVALD_ECANCEL, -1,
						  "cancelled");
		}
	}
}

int evald_emd_solve(const evald_ot_problem *pb, int want_plan,
		    const evald_progress *prog, evald_emd_result *res,
		    evald_err *err)
{
	ns s = {0};
	double cmax = 0.0;
	int rc = EVALD_OK;

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
	s.tile = s.m;
	if (s.m > 2 * s.block)
		s.tile = s.block / 8 > 64 ? s.block / 8 : 64;
	if (!ns_alloc(&s)) {
		rc = evald_fail(err, EVALD_ENOMEM, -1,
				"out of memory for the network simplex");
		goto out;
	}
	if (s.n == 1 || s.m == 1)
		ns_star(&s);
	else if ((rc = simplex(&s, prog, &res->pivots, err)) < 0)
		goto out;
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

int evald_emd(const evald_ot_input *in, int want_plan,
	      const evald_progress *prog, evald_emd_result *res, evald_err *err)
{
	/* The cost matrix takes about a tenth of the time of the simplex. */
	evald_progress_phase g1, g2;
	evald_ot_problem pb;
	int rc;

	memset(res, 0, sizeof *res);
	evald_progress_phase_init(&g1, prog, 0.0, 0.1);
	evald_progress_phase_init(&g2, prog, 0.1, 1.0);
	if ((rc = evald_ot_prepare(in, 1, &g1.prog, &pb, err)) < 0)
		return rc;
	rc = evald_emd_solve(&pb, want_plan, &g2.prog, res, err);
	evald_ot_problem_free(&pb);
	if (rc == EVALD_OK)
		evald_progress_tick(prog, 1.0);
	return rc;
}
