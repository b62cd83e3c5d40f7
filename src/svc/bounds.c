/* bounds.c - the --max-dim, --max-work and --max-response refusals, and
 * the valid range of a count, worded once (see bounds.h). */
#include <math.h>

#include "bounds.h"
#include "numfmt.h"

int bounds_dim(int64_t max_dim, int64_t d, const char *path, verr *err)
{
	if (max_dim <= 0 || d <= max_dim)
		return 0;
	return verr_set(err, E_TOO_LARGE, path,
			"dim %lld is over this server's limit of %lld "
			"(--max-dim)",
			(long long)d, (long long)max_dim);
}

int bounds_work(int64_t max_work, double work, const char *what,
		const char *hint, const char *path, verr *err)
{
	if (max_work <= 0 || work <= (double)max_work)
		return 0;
	return verr_set(err, E_TOO_LARGE, path,
			"%s would take about %.3g multiply-adds, over this "
			"server's limit of %.3g (--max-work); %s",
			what, work, (double)max_work, hint);
}

int bounds_response(int64_t max_response, double bytes, const char *what,
		    const char *path, verr *err)
{
	if (max_response <= 0 || bytes <= (double)max_response)
		return 0;
	return verr_set(err, E_TOO_LARGE, path,
			"%s would be about %.0f bytes of JSON, over this "
			"server's limit of %lld (--max-response)",
			what, bytes, (long long)max_response);
}

int bounds_count(double n, const char *path, verr *err)
{
	if (n >= 0 && n <= BOUNDS_MAX_COUNT && n == floor(n))
		return 0;
	char got[NUMFMT_SIZE];
	numfmt_double(n, 0, got);
	return verr_set(err, E_INVALID_VALUE, path,
			"n is a row count: an integer from 0 to 2^53; got %s",
			got);
}
