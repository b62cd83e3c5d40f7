/* test_lttb.c - lttb_select against the cases of tests/gen/gen_lttb.py,
 * whose expected indices come from an independent NumPy implementation. */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lttb.h"
#include "tap.h"

static void run_case(json_t *c)
{
	const char *name = json_string_value(json_object_get(c, "name"));
	json_t *jx = json_object_get(c, "x"), *jy = json_object_get(c, "y");
	json_t *want = json_object_get(c, "expected");
	size_t n = json_array_size(jx),
	       m = json_integer_value(json_object_get(c, "m"));
	double *x = calloc(n + 1, sizeof *x), *y = calloc(n + 1, sizeof *y);
	size_t *idx = calloc(n + m + 1, sizeof *idx);
	size_t got, i;
	int same;

	for (i = 0; i < n; i++) {
		json_t *v = json_array_get(jy, i);
		x[i] = json_number_value(json_array_get(jx, i));
		y[i] = json_is_null(v) ? NAN : json_number_value(v);
	}
	got = lttb_select(x, y, n, m, idx);
	same = got == json_array_size(want);
	for (i = 0; same && i < got; i++)
		same = (json_int_t)idx[i] ==
		       json_integer_value(json_array_get(want, i));
	tap_ok(same, "%s: %zu of %zu points as NumPy chose", name, got, n);
	if (!same && i > 0)
		tap_diag("first difference at %zu: %zu, expected %lld", i - 1,
			 idx[i - 1],
			 (long long)json_integer_value(
				 json_array_get(want, i - 1)));
	free(x);
	free(y);
	free(idx);
}

int main(void)
{
	const char *root = getenv("top_srcdir");
	char path[4096];
	json_error_t e;
	json_t *cases;

	snprintf(path, sizeof path, "%s/tests/cases/lttb/cases.json",
		 root ? root : ".");
	cases = json_load_file(path, 0, &e);
	tap_ok(json_array_size(cases) > 0, "cases read from %s", path);
	for (size_t i = 0; i < json_array_size(cases); i++)
		run_case(json_array_get(cases, i));
	json_decref(cases);

	/* The bound's edge: m = n keeps everything, m = n - 1 drops one. */
	double x[5] = {0, 1, 2, 3, 4}, y[5] = {0, 5, 0, 5, 0};
	size_t idx[5];
	tap_ok(lttb_select(x, y, 5, 5, idx) == 5, "n = m: all kept");
	tap_ok(lttb_select(x, y, 5, 4, idx) == 4 && idx[0] == 0 && idx[3] == 4,
	       "n = m + 1: m kept, first and last among them");
	printf("1..%d\n", tap_n);
	return tap_failed != 0;
}
