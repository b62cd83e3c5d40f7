/* series_thin.c - downsampling a series for a chart: a first pass over
 * the selected points keeps only (x, y) doubles, so deciding what to
 * drop costs 24 bytes a point, not a JSON tree; the answer is then
 * written by a second pass that skips the dropped ones. */
#include <math.h>
#include <stdlib.h>

#include "lttb.h"
#include "series_thin.h"
#include "state.h"

typedef struct xy {
	double *step, *ts, *y;
	long long n, cap;
	int all_steps; /* every point so far has a step */
	double last_ts;
	int oom;
} xy;

static int xy_add(void *ctx, const store_point *p)
{
	xy *c = ctx;
	if (c->n == c->cap) {
		long long cap = c->cap ? 2 * c->cap : 1024;
		double *a = realloc(c->step, cap * sizeof *a);
		if (a)
			c->step = a;
		double *b = a ? realloc(c->ts, cap * sizeof *b) : NULL;
		if (b)
			c->ts = b;
		double *d = b ? realloc(c->y, cap * sizeof *d) : NULL;
		if (!d) {
			c->oom = 1;
			return 1;
		}
		c->y = d;
		c->cap = cap;
	}
	c->step[c->n] = (double)p->step;
	c->ts[c->n] = p->ts;
	c->y[c->n] = p->has_value ? p->value : NAN;
	c->all_steps &= p->has_step;
	c->last_ts = p->ts;
	c->n++;
	return 0;
}

/* Every point the route would answer, paged as state.c pages them. */
static int collect(store *st, const char *name, double since, long long limit,
		   xy *c, verr *err)
{
	char errbuf[256];
	for (;;) {
		long long before = c->n, want = limit - c->n;
		int rc;
		if (want > 4096)
			want = 4096;
		rc = store_series_points(st, name, since, want, xy_add, c,
					 errbuf);
		if (c->oom)
			return verr_set(err, E_OUT_OF_MEMORY, "",
					"out of memory");
		if (rc == STORE_NOTFOUND)
			return verr_set(err, E_NOT_FOUND, "",
					"no series named '%s'", name);
		if (rc != STORE_OK)
			return state_store_error(rc, errbuf, err);
		if (c->n - before < want || c->n >= limit)
			return 0;
		since = c->last_ts;
	}
}

int series_thin(store *st, const char *name, double since, long long limit,
		long long max_points, unsigned char **keep, long long *n,
		verr *err)
{
	xy c = {.all_steps = 1};
	size_t *idx = NULL, m;
	int r = -1;

	*keep = NULL;
	*n = 0;
	if (collect(st, name, since, limit, &c, err) < 0)
		goto out;
	*n = c.n;
	if (c.n <= max_points) {
		r = 0;
		goto out;
	}
	idx = malloc((size_t)max_points * sizeof *idx);
	*keep = calloc((size_t)c.n, 1);
	if (!idx || !*keep) {
		free(*keep);
		*keep = NULL;
		verr_set(err, E_OUT_OF_MEMORY, "", "out of memory");
		goto out;
	}
	m = lttb_select(c.all_steps ? c.step : c.ts, c.y, (size_t)c.n,
			(size_t)max_points, idx);
	for (size_t i = 0; i < m; i++)
		(*keep)[idx[i]] = 1;
	r = 0;
out:
	free(idx);
	free(c.step);
	free(c.ts);
	free(c.y);
	return r;
}
