/* jobs.h - asynchronous computations: a bounded queue, a fixed set of
 * worker threads, and a table of jobs clients poll by id.
 *
 * A job owns the parsed request it will run.  Its progress is written by
 * the computation through evald_progress and read by GET /v1/jobs/{id};
 * DELETE sets a flag the computation polls, so cancellation takes effect
 * at the next progress tick.  A finished job is kept for polling while the
 * finished jobs' sizes (see jobs_config) fit max_results and for at most
 * ttl seconds; past either, the oldest finished are forgotten first and
 * poll as unknown. */
#ifndef EVALD_JOBS_H
#define EVALD_JOBS_H

#include <jansson.h>
#include <stdint.h>

#include <evald/progress.h>

#include "stats.h"
#include "verr.h"

typedef struct jobs jobs;
typedef struct job job;

/* The computation a job runs: fills *result (new reference) or err.
 * `arg` is the job's payload; `free_arg` releases it when the job is
 * dropped. */
typedef int (*job_fn)(void *arg, const evald_progress *prog, json_t **result,
		      verr *err);

typedef struct jobs_config {
	int workers;	     /* threads running jobs */
	int max_queue;	     /* queued (not yet running) jobs; more get 503 */
	int64_t max_results; /* bytes of finished jobs kept (--job-results):
				a job's size is the estimated memory of its
				result plus sizeof(job); a result larger
				than this alone fails the job with 413 */
	int ttl;	     /* seconds a finished job is kept (--job-ttl) */
	/* A store the replicas share (store_jobs_shared), or NULL: then
	 * every job is also written there, any replica answers for it, and
	 * a finished job lives only there.  lease: seconds a replica's
	 * jobs stay its own without a heartbeat (--job-lease). */
	struct store *shared;
	int lease;
} jobs_config;

jobs *jobs_start(const jobs_config *cfg);
/* Cancel everything, join the workers, free the table. */
void jobs_stop(jobs *js);

#define JOBS_ID_SIZE 33 /* 32 random hex characters and a NUL */

/* Queue fn(arg).  On success returns 0 and writes the id and takes
 * ownership of arg; on a full queue returns -1 with a 503 in err and arg
 * is left to the caller. */
int jobs_submit(jobs *js, const char *label, job_fn fn, void *arg,
		void (*free_arg)(void *), char id[JOBS_ID_SIZE], verr *err);

/* The job's state as JSON ({"id","status","progress",...}), or NULL when
 * no such job exists.  New reference. */
json_t *jobs_get(jobs *js, const char *id);

/* Cancel a queued or running job, or forget a finished one.  Returns the
 * state after the call (new reference) or NULL when there is no such job. */
json_t *jobs_cancel(jobs *js, const char *id);

/* Jobs waiting to run. */
int jobs_queued(jobs *js);
/* The queue's gauges in Prometheus text, read under the table's lock. */
int jobs_prometheus(jobs *js, stats_buf *b);

#endif
