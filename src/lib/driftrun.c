/* driftrun.c - the columns of a drift report run side by side: each is
 * independent (its own sorts and counts), and a report of tens of columns
 * of 10^5 rows is nearly all sorting, so the columns are shared out over
 * a few threads (one per online CPU, at most DRIFT_MAX_THREADS).  The
 * results do not depend on the threads: each column is computed whole by
 * one of them, and the error reported is the first failing column's. */
#include <stdatomic.h>
#include <unistd.h>

#include <evald/driftreport.h>

#include "driftcat.h"
#include "internal.h"

#define DRIFT_MAX_THREADS 8

typedef struct work {
	const evald_drift_column *cols;
	evald_drift_result *out;
	evald_err *errs;
	int *rcs;
	int64_t ncols;
	atomic_llong next;
} work;

static void *worker(void *arg)
{
	work *w = arg;
	for (;;) {
		int64_t i = atomic_fetch_add(&w->next, 1);
		if (i >= w->ncols)
			return NULL;
		w->rcs[i] = evald_drift_column_run(&w->cols[i], &w->out[i],
						   &w->errs[i]);
	}
}

static int threads_for(int64_t ncols)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int64_t t = cpus < 1 ? 1 : cpus;
	if (t > DRIFT_MAX_THREADS)
		t = DRIFT_MAX_THREADS;
	return (int)(t < ncols ? t : ncols);
}

int evi_drift_run_columns(const evald_drift_column *cols, int64_t ncols,
			  evald_drift_result *out, evald_err *err)
{
	work w = {cols,
		  out,
		  evi_xalloc(ncols, sizeof(evald_err)),
		  evi_xalloc(ncols, sizeof(int)),
		  ncols,
		  0};
	int nt = threads_for(ncols), rc = EVALD_OK;

	if (!w.errs || !w.rcs) {
		rc = evald_fail(err, EVALD_ENOMEM, -1, "out of memory");
		goto out;
	}
	/* Every thread runs the same worker over the shared queue of
	 * columns (a job size of 0: one work struct for all). */
	evi_run_jobs(worker, &w, 0, nt);
	for (int64_t i = 0; i < ncols; i++) {
		if (w.rcs[i]) {
			rc = w.rcs[i];
			if (err) {
				*err = w.errs[i];
				err->input = (int)i;
			}
			break;
		}
	}
out:
	free(w.errs);
	free(w.rcs);
	return rc;
}
