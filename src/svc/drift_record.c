/* drift_record.c - a drift report's scores as series (drift_route.h):
 * the dataset's share of drifted columns and each column's score (the
 * p-value its verdict used, or the distance), so the dashboard and
 * /metrics follow drift over time.  The points go through state_record
 * as an evaluate's results do, one series per name. */
#include <string.h>

#include "drift_route.h"
#include "state.h"

#define SERIES_MAX 256 /* state.c's longest series name */

/* Series names are letters, digits and . _ - / : (state.c). */
static int series_safe(const char *series, const char *col)
{
	if (strlen(series) + 1 + strlen(col) > SERIES_MAX)
		return 0;
	for (const char *s = col; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || strchr("._-/:", *s)))
			return 0;
	return *col != '\0';
}

static json_t *point(const char *name, json_t *value)
{
	return json_pack("{s:s, s:O}", "metric", name, "value", value);
}

int drift_record(svc *s, json_t *record, json_t *report, verr *err)
{
	const char *series =
		json_string_value(json_object_get(record, "series"));
	json_t *cols = json_object_get(report, "columns"), *c;
	json_t *pts, *recorded;
	const char *name;
	int rc;

	if (!record)
		return 0;
	pts = json_array();
	json_array_append_new(pts,
			      point("share", json_object_get(report, "share")));
	json_object_foreach(cols, name, c)
	{
		if (!series_safe(series, name)) {
			json_decref(pts);
			return verr_set(
				err, E_INVALID_VALUE, "/record/series",
				"column '%s' cannot be part of a "
				"series name (%s/COLUMN must be at "
				"most %d letters, digits and . _ - / :)",
				name, series, SERIES_MAX);
		}
		json_array_append_new(pts,
				      point(name, json_object_get(c, "score")));
	}
	json_t *wrap = json_pack("{s:o}", "results", pts);
	rc = state_record(s, record, wrap, 1, err);
	recorded = json_object_get(json_array_get(pts, 0), "recorded");
	if (!rc && recorded)
		json_object_set_new(
			report, "recorded",
			json_pack("{s:s, s:O, s:I}", "series", series, "step",
				  json_object_get(recorded, "step"), "points",
				  (json_int_t)json_array_size(pts)));
	json_decref(wrap);
	return rc;
}
