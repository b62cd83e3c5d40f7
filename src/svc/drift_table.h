/* drift_table.h - the tables of a drift report as the request sends them
 * ({"columns": {name: values}, "types": {name: type}}), read into typed
 * columns with their missing values counted and left out, and string
 * categories turned into codes shared by the two tables (drift_table.c). */
#ifndef EVALD_DRIFT_TABLE_H
#define EVALD_DRIFT_TABLE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "codec.h"
#include "verr.h"

enum { DT_UNKNOWN = -1, DT_NUMERIC = 0, DT_CATEGORICAL = 1 };

typedef struct dtab_col {
	const char *name; /* borrowed from the request */
	int type;	  /* DT_*: the table's "types", else DT_UNKNOWN */
	int strings;	  /* the values are strings (1), numbers (0), or
			     there are none (-1: all missing) */
	int64_t rows;	  /* values sent, missing ones included */
	int64_t n;	  /* non-missing values */
	double *num;	  /* [n] numbers, or string codes once coded */
	const char **str; /* [n] strings (borrowed), when strings */
} dtab_col;

typedef struct dtab {
	dtab_col *cols;
	int64_t ncols;
	int64_t rows; /* every column's length */
} dtab;

/* Read the table v at `path` ("/reference") into t, allocated in cx's
 * pool; more than max_cols columns (0: no limit) is 413 naming
 * --max-drift-columns. */
int dtab_parse(const codec_ctx *cx, json_t *v, const char *path,
	       int64_t max_cols, dtab *t, verr *err);

/* prefix + "/" + name escaped as a JSON Pointer token, cut to n. */
void dtab_path(char *buf, size_t n, const char *prefix, const char *name);

/* The column called name, or NULL. */
dtab_col *dtab_find(const dtab *t, const char *name);

/* Settle the type of a column the two tables share (an explicit type, or
 * categorical for strings and numeric for numbers) and, for strings, give
 * both the same codes: the rank of each string among the distinct
 * strings of both, so codes order as the strings do.  `path` names the
 * column for a refusal.  Returns DT_NUMERIC or DT_CATEGORICAL, or -1 with
 * err filled. */
int dtab_settle(const codec_ctx *cx, dtab_col *r, dtab_col *c, const char *path,
		verr *err);

#endif
