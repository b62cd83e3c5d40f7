/* series_thin.h - which points of a series answer keeps under
 * ?max_points=M (GET /v1/series/{name}). */
#ifndef EVALD_SERIES_THIN_H
#define EVALD_SERIES_THIN_H

#include "store.h"
#include "verr.h"

/* The bounds of max_points: LTTB needs first, last and one bucket; the
 * top keeps a chart's answer small next to limit's 100000. */
#define SERIES_MAX_POINTS_MIN 3
#define SERIES_MAX_POINTS_MAX 10000

/* Reads the points GET /v1/series/{name}?since=&limit= selects and, when
 * there are more than max_points, chooses max_points of them by
 * largest-triangle-three-buckets (lttb.h) over (step, value) - (ts,
 * value) when a point has no step.  Sets *keep to a malloc'd flag per
 * selected point in order (1: answer it) and *n to how many were
 * selected; *keep is NULL when nothing is dropped.  -1 with err set when
 * the store fails or memory runs out. */
int series_thin(store *st, const char *name, double since, long long limit,
		long long max_points, unsigned char **keep, long long *n,
		verr *err);

#endif
