/* reduce.c - summation and the reduction step shared by every loss. */
#include <stdlib.h>
#include <string.h>

#include <evald/error.h>
#include <evald/reduce.h>

double evald_sum(const double *x, int64_t n)
{
	/* Blocked pairwise sum: plain loops over 128-element leaves (fast,
	 * vectorisable) and a binary tree above them (error O(log n)). */
	if (n <= 128) {
		double s = 0.0;
		for (int64_t i = 0; i < n; i++)
			s += x[i];
		return s;
	}
	int64_t h = n / 2;
	return evald_sum(x, h) + evald_sum(x + h, n - h);
}

void evald_result_free(evald_result *r)
{
	if (!r)
		return;
	free(r->values);
	r->values = NULL;
}

int evald_result_reduce(evald_result *r, double *buf, int64_t n,
			evald_reduction red, int ndim, const int64_t *shape)
{
	memset(r, 0, sizeof *r);
	if (red == EVALD_REDUCE_NONE) {
		r->values = buf;
		r->ndim = ndim;
		for (int i = 0; i < ndim; i++)
			r->shape[i] = shape[i];
		r->value = 0.0;
		return EVALD_OK;
	}
	double s = evald_sum(buf, n);
	free(buf);
	/* mean of nothing is NaN, as in torch; callers decide whether an
	 * empty input is an error before getting here. */
	r->value = red == EVALD_REDUCE_SUM ? s : s / (double)n;
	return EVALD_OK;
}
