/* jobs.c - the job queue and table (see jobs.h).
 *
 * One mutex guards the table and queue; it is never held while a job
 * computes.  Progress and the cancel flag are atomics, so a computation
 * reports progress without taking the lock. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <evald/rng.h>

#include "jobs.h"

typedef enum { J_QUEUED, J_RUNNING, J_DONE, J_FAILED, J_CANCELLED } jstate;

static const char *const state_names[] = {"queued", "running", "done", "failed",
					  "cancelled"};

struct job {
	char id[17];
	char label[64];
	jstate state;
	_Atomic uint64_t progress_bits; /* a double in [0,1] */
	atomic_int cancel;
	job_fn fn;
	void *arg;
	void (*free_arg)(void *);
	json_t *result;
	verr err;
	time_t created, finished;
	struct job *next;      /* table list */
	struct job *next_todo; /* queue list */
};

struct jobs {
	jobs_config cfg;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	job *all;	       /* every job, newest first */
	job *todo, *todo_tail; /* FIFO of queued jobs */
	int queued, finished;
	int stopping;
	evald_rng rng; /* ids; guarded by mu */
	pthread_t *threads;
	int nthreads;
};

static void set_progress(job *j, double f)
{
	uint64_t bits;
	memcpy(&bits, &f, sizeof bits);
	atomic_store(&j->progress_bits, bits);
}

static double get_progress(job *j)
{
	uint64_t bits = atomic_load(&j->progress_bits);
	double f;
	memcpy(&f, &bits, sizeof f);
	return f;
}

static int on_progress(void *ctx, double frac)
{
	job *j = ctx;
	if (frac < 0)
		frac = 0;
	if (frac > 1)
		frac = 1;
	/* Never move backwards: nested computations report their own 0..1. */
	if (frac > get_progress(j))
		set_progress(j, frac);
	return atomic_load(&j->cancel);
}

static void job_free(job *j)
{
	if (j->free_arg)
		j->free_arg(j->arg);
	json_decref(j->result);
	free(j);
}

/* Drop the oldest finished jobs beyond cfg.keep.  Caller holds mu. */
static void prune(jobs *js)
{
	while (js->finished > js->cfg.keep) {
		job **pp = &js->all, **oldest = NULL;
		for (; *pp; pp = &(*pp)->next)
			if ((*pp)->state >= J_DONE)
				oldest = pp;
		if (!oldest)
			return;
		job *j = *oldest;
		*oldest = j->next;
		js->finished--;
		job_free(j);
	}
}

static void *worker(void *arg)
{
	jobs *js = arg;

	pthread_mutex_lock(&js->mu);
	for (;;) {
		while (!js->todo && !js->stopping)
			pthread_cond_wait(&js->cv, &js->mu);
		if (js->stopping)
			break;
		job *j = js->todo;
		js->todo = j->next_todo;
		if (!js->todo)
			js->todo_tail = NULL;
		js->queued--;
		j->state = J_RUNNING;
		pthread_mutex_unlock(&js->mu);

		evald_progress prog = {on_progress, j};
		json_t *result = NULL;
		verr err;
		memset(&err, 0, sizeof err);
		int rc = j->fn(j->arg, &prog, &result, &err);

		pthread_mutex_lock(&js->mu);
		if (rc == 0) {
			j->state = J_DONE;
			j->result = result;
			set_progress(j, 1.0);
		} else if (atomic_load(&j->cancel)) {
			j->state = J_CANCELLED;
			json_decref(result);
		} else {
			j->state = J_FAILED;
			j->err = err;
			json_decref(result);
		}
		/* The request is not needed any more; free it early. */
		if (j->free_arg)
			j->free_arg(j->arg);
		j->free_arg = NULL;
		j->arg = NULL;
		j->finished = time(NULL);
		js->finished++;
		prune(js);
	}
	pthread_mutex_unlock(&js->mu);
	return NULL;
}

jobs *jobs_start(const jobs_config *cfg)
{
	jobs *js = calloc(1, sizeof *js);
	if (!js)
		return NULL;
	js->cfg = *cfg;
	pthread_mutex_init(&js->mu, NULL);
	pthread_cond_init(&js->cv, NULL);
	/* Ids only need to be unguessable enough not to collide or be
	 * enumerated by accident; seed from time and pid. */
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	evald_rng_seed(&js->rng, (uint64_t)ts.tv_nsec ^
					 ((uint64_t)ts.tv_sec << 20) ^
					 ((uint64_t)getpid() << 40));
	js->threads = calloc((size_t)cfg->workers, sizeof *js->threads);
	if (!js->threads) {
		free(js);
		return NULL;
	}
	for (int i = 0; i < cfg->workers; i++) {
		if (pthread_create(&js->threads[i], NULL, worker, js) != 0)
			break;
		js->nthreads++;
	}
	return js;
}

void jobs_stop(jobs *js)
{
	if (!js)
		return;
	pthread_mutex_lock(&js->mu);
	js->stopping = 1;
	for (job *j = js->all; j; j = j->next)
		atomic_store(&j->cancel, 1);
	pthread_cond_broadcast(&js->cv);
	pthread_mutex_unlock(&js->mu);
	for (int i = 0; i < js->nthreads; i++)
		pthread_join(js->threads[i], NULL);
	for (job *j = js->all, *next; j; j = next) {
		next = j->next;
		job_free(j);
	}
	pthread_mutex_destroy(&js->mu);
	pthread_cond_destroy(&js->cv);
	free(js->threads);
	free(js);
}

int jobs_submit(jobs *js, const char *label, job_fn fn, void *arg,
		void (*free_arg)(void *), char id[17], verr *err)
{
	job *j = calloc(1, sizeof *j);
	if (!j)
		return verr_set(err, 503, "out_of_memory", "", "out of memory");
	snprintf(j->label, sizeof j->label, "%s", label);
	j->fn = fn;
	j->arg = arg;
	j->free_arg = free_arg;
	j->created = time(NULL);
	set_progress(j, 0.0);
	atomic_store(&j->cancel, 0);

	pthread_mutex_lock(&js->mu);
	if (js->queued >= js->cfg.max_queue || js->stopping) {
		pthread_mutex_unlock(&js->mu);
		free(j);
		verr_set(err, 503, "queue_full", "",
			 "%d jobs are already waiting; retry later",
			 js->cfg.max_queue);
		err->retry_after = 5;
		return -1;
	}
	snprintf(j->id, sizeof j->id, "%016llx",
		 (unsigned long long)evald_rng_next(&js->rng));
	memcpy(id, j->id, sizeof j->id);
	j->state = J_QUEUED;
	j->next = js->all;
	js->all = j;
	if (js->todo_tail)
		js->todo_tail->next_todo = j;
	else
		js->todo = j;
	js->todo_tail = j;
	js->queued++;
	pthread_cond_signal(&js->cv);
	pthread_mutex_unlock(&js->mu);
	return 0;
}

static job *find(jobs *js, const char *id)
{
	for (job *j = js->all; j; j = j->next)
		if (!strcmp(j->id, id))
			return j;
	return NULL;
}

static json_t *state_json(job *j)
{
	json_t *o =
		json_pack("{s:s, s:s, s:s, s:f, s:I}", "id", j->id, "metric",
			  j->label, "status", state_names[j->state], "progress",
			  get_progress(j), "created", (json_int_t)j->created);
	if (!o)
		return NULL;
	if (j->state == J_DONE && j->result)
		json_object_set(o, "result", j->result);
	if (j->state == J_FAILED)
		json_object_set_new(o, "error",
				    json_pack("{s:s, s:s, s:s, s:i}", "code",
					      j->err.code, "message",
					      j->err.msg, "path", j->err.path,
					      "status", j->err.status));
	return o;
}

json_t *jobs_get(jobs *js, const char *id)
{
	pthread_mutex_lock(&js->mu);
	job *j = find(js, id);
	json_t *o = j ? state_json(j) : NULL;
	pthread_mutex_unlock(&js->mu);
	return o;
}

json_t *jobs_cancel(jobs *js, const char *id)
{
	json_t *o = NULL;

	pthread_mutex_lock(&js->mu);
	job *j = find(js, id);
	if (!j)
		goto out;
	if (j->state == J_QUEUED) {
		/* Unlink from the queue; it never runs. */
		job **pp = &js->todo, *prev = NULL;
		for (; *pp && *pp != j; pp = &(*pp)->next_todo)
			prev = *pp;
		if (*pp) {
			*pp = j->next_todo;
			if (js->todo_tail == j)
				js->todo_tail = prev;
			js->queued--;
		}
		j->state = J_CANCELLED;
		j->finished = time(NULL);
		js->finished++;
		if (j->free_arg)
			j->free_arg(j->arg);
		j->free_arg = NULL;
		j->arg = NULL;
		o = state_json(j);
	} else if (j->state == J_RUNNING) {
		atomic_store(&j->cancel, 1);
		o = state_json(j);
		json_object_set_new(o, "status", json_string("cancelling"));
	} else {
		/* Finished: DELETE forgets it. */
		o = state_json(j);
		json_object_set_new(o, "deleted", json_true());
		job **pp = &js->all;
		while (*pp != j)
			pp = &(*pp)->next;
		*pp = j->next;
		js->finished--;
		job_free(j);
	}
out:
	pthread_mutex_unlock(&js->mu);
	return o;
}

int jobs_queued(jobs *js)
{
	pthread_mutex_lock(&js->mu);
	int n = js->queued;
	pthread_mutex_unlock(&js->mu);
	return n;
}
