/* jobs.c - the job queue and table (see jobs.h).
 *
 * One mutex guards the table and queue; it is never held while a job
 * computes.  Progress and the cancel flag are atomics, so a computation
 * reports progress without taking the lock.  Finished jobs also sit on a
 * FIFO in the order they finished, so retention drops the oldest in O(1)
 * each; every table call first forgets what is past --job-ttl.
 *
 * With a store the replicas share, every job is also written there when
 * it is queued, starts and ends, and a heartbeat thread renews the lease
 * of this replica's unfinished jobs (picking up cancels made through
 * another replica) every --job-lease/3 seconds.  A finished job then
 * lives only in the store, so every replica answers the same for it; a
 * job another replica holds is read from the store, and one whose lease
 * ran out is reported failed (worker_lost).  Store calls are never made
 * under the mutex. */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ids.h"
#include "jobs.h"
#include "jsonout.h"
#include "log.h"
#include "store.h"

typedef enum { J_QUEUED, J_RUNNING, J_DONE, J_FAILED, J_CANCELLED } jstate;

static const char *const state_names[] = {"queued", "running", "done", "failed",
					  "cancelled"};

struct job {
	char id[JOBS_ID_SIZE];
	char label[64];
	jstate state;
	_Atomic uint64_t progress_bits; /* a double in [0,1] */
	atomic_int cancel;
	job_fn fn;
	void *arg;
	void (*free_arg)(void *);
	json_t *result;
	verr err;
	time_t created;
	double done_at; /* CLOCK_MONOTONIC seconds, when finished */
	int64_t size;	/* bytes charged to max_results when finished */
	struct job *prev, *next;	 /* table list */
	struct job *next_todo;		 /* queue list */
	struct job *fin_prev, *fin_next; /* finished FIFO, oldest first */
};

struct jobs {
	jobs_config cfg;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	job *all;	       /* every job, newest first */
	job *todo, *todo_tail; /* FIFO of queued jobs */
	job *fin, *fin_tail;   /* finished jobs, oldest first */
	int64_t held;	       /* sum of the finished jobs' size */
	int queued;
	int stopping;
	pthread_t *threads;
	int nthreads;
	pthread_t beat; /* the shared store's heartbeat */
	int beat_on;
	pthread_cond_t beat_cv;
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

static double mono_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Unlink j from the table of every job.  Caller holds mu. */
static void unlink_job(jobs *js, job *j)
{
	if (j->prev)
		j->prev->next = j->next;
	else
		js->all = j->next;
	if (j->next)
		j->next->prev = j->prev;
}

/* Unlink a finished job from the table and the FIFO and free it.  Caller
 * holds mu. */
static void forget(jobs *js, job *j)
{
	unlink_job(js, j);
	if (j->fin_prev)
		j->fin_prev->fin_next = j->fin_next;
	else
		js->fin = j->fin_next;
	if (j->fin_next)
		j->fin_next->fin_prev = j->fin_prev;
	else
		js->fin_tail = j->fin_prev;
	js->held -= j->size;
	job_free(j);
}

/* Forget the oldest finished jobs while they exceed max_results or are
 * older than ttl.  Caller holds mu. */
static void prune(jobs *js)
{
	double now = mono_s();
	while (js->fin && (js->held > js->cfg.max_results ||
			   js->fin->done_at + js->cfg.ttl <= now))
		forget(js, js->fin);
}

/* Move j to the finished FIFO, charge its size and prune.  Caller holds
 * mu; j->state is already final. */
static void finish(jobs *js, job *j, int64_t result_bytes)
{
	/* The request is not needed any more; free it early. */
	if (j->free_arg)
		j->free_arg(j->arg);
	j->free_arg = NULL;
	j->arg = NULL;
	j->done_at = mono_s();
	j->size = (int64_t)sizeof *j + result_bytes;
	j->fin_prev = js->fin_tail;
	j->fin_next = NULL;
	if (js->fin_tail)
		js->fin_tail->fin_next = j;
	else
		js->fin = j;
	js->fin_tail = j;
	js->held += j->size;
	prune(js);
}

/* The memory a result holds, estimated from jansson's allocations (a
 * number is a 24-byte struct in a 32-byte chunk; arrays grow by doubling).
 * Its JSON text can be 8 times smaller ("0.0," for a zero), so the text's
 * length would let --job-results be exceeded many times over. */
static int64_t result_bytes(const json_t *v)
{
	int64_t n = 0;
	size_t i;
	const char *key;
	json_t *x;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		n = 128;
		json_object_foreach((json_t *)v, key, x)
		{
			n += 64 + (int64_t)strlen(key) + result_bytes(x);
		}
		return n;
	case JSON_ARRAY:
		n = 48 + 16 * (int64_t)json_array_size(v);
		json_array_foreach(v, i, x)
		{
			n += result_bytes(x);
		}
		return n;
	case JSON_STRING: return 80 + (int64_t)json_string_length(v);
	case JSON_INTEGER:
	case JSON_REAL: return 32;
	/* true, false and null are shared singletons */
	default: return 0;
	}
}

/* ------------------------------------------------ the shared store */

static double unix_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* What a job is, as the store keeps it. */
typedef struct snap {
	char id[JOBS_ID_SIZE];
	char label[64];
	jstate state;
	double progress;
	time_t created;
} snap;

static void snap_of(const job *j, snap *s)
{
	memcpy(s->id, j->id, sizeof s->id);
	memcpy(s->label, j->label, sizeof s->label);
	s->state = j->state;
	s->progress = get_progress((job *)j);
	s->created = j->created;
}

/* Write s (with `text`, its result or error JSON) to the shared store;
 * *cancel gets a cancel asked through another replica.  0, or -1 (the
 * store is unreachable: logged; the job goes on here). */
static int mirror(jobs *js, const snap *s, const char *text, int *cancel)
{
	store_job sj;
	char errbuf[256];

	memset(&sj, 0, sizeof sj);
	memcpy(sj.id, s->id, sizeof sj.id);
	snprintf(sj.label, sizeof sj.label, "%s", s->label);
	sj.state = (store_job_state)s->state;
	sj.progress = s->progress;
	sj.created = (double)s->created;
	sj.lease_until = unix_s() + js->cfg.lease;
	sj.result = (char *)text;
	if (store_job_put(js->cfg.shared, &sj, cancel, errbuf) != STORE_OK) {
		log_msg(LOG_WARN, "event=job_not_shared id=%s reason=\"%s\"",
			s->id, errbuf);
		return -1;
	}
	return 0;
}

/* A failed job's "error": the envelope's fields and the status. */
static json_t *error_json(const verr *e)
{
	return json_pack("{s:s, s:s, s:s, s:i}", "code", e->code, "message",
			 e->msg, "path", e->path, "status", e->status);
}

/* What GET /v1/jobs/{id} says of every job, local or stored. */
static json_t *head_json(const char *id, const char *label, const char *status,
			 double progress, double created)
{
	return json_pack("{s:s, s:s, s:s, s:f, s:I}", "id", id, "metric", label,
			 "status", status, "progress", progress, "created",
			 (json_int_t)created);
}

/* The JSON text a finished job leaves in the store. */
static char *final_text(const json_t *result, const verr *err, int rc)
{
	char *text = NULL;
	size_t len;
	json_t *e = NULL;

	if (rc == 0 && result) {
		if (jsonout_dump(result, 0, &text, &len) < 0)
			text = NULL;
		return text;
	}
	if (rc == 0 || !err->code[0])
		return NULL;
	e = error_json(err);
	if (e && jsonout_dump(e, 0, &text, &len) < 0)
		text = NULL;
	json_decref(e);
	return text;
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
		snap sn;
		snap_of(j, &sn);
		pthread_mutex_unlock(&js->mu);
		if (js->cfg.shared) {
			int c = 0;
			mirror(js, &sn, NULL, &c);
			if (c)
				atomic_store(&j->cancel, 1);
		}

		evald_progress prog = {on_progress, j};
		json_t *result = NULL;
		verr err;
		memset(&err, 0, sizeof err);
		int rc = j->fn(j->arg, &prog, &result, &err);
		int64_t bytes = rc == 0 && result ? result_bytes(result) : 0;

		/* A result that alone exceeds --job-results could never be
		 * polled; fail the job with a reason instead of forgetting it
		 * at once. */
		if (rc == 0 &&
		    (int64_t)sizeof(job) + bytes > js->cfg.max_results) {
			verr_set(&err, E_TOO_LARGE, "",
				 "the result takes about %lld bytes; finished "
				 "jobs keep at most --job-results = %lld "
				 "bytes",
				 (long long)bytes,
				 (long long)js->cfg.max_results);
			json_decref(result);
			result = NULL;
			bytes = 0;
			rc = -1;
		}

		/* The end goes to the shared store first: once it is there,
		 * the job need not be kept here. */
		int shared_end = 0;
		if (js->cfg.shared) {
			char *text = final_text(result, &err, rc);
			sn.state = rc == 0		     ? J_DONE
				   : atomic_load(&j->cancel) ? J_CANCELLED
							     : J_FAILED;
			sn.progress = rc == 0 ? 1.0 : get_progress(j);
			shared_end = (rc != 0 || text) &&
				     mirror(js, &sn, text, NULL) == 0;
			free(text);
		}
		pthread_mutex_lock(&js->mu);
		if (shared_end) {
			/* The store has it; never in the finished FIFO. */
			json_decref(result);
			unlink_job(js, j);
			job_free(j);
			continue;
		}
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
		finish(js, j, bytes);
	}
	pthread_mutex_unlock(&js->mu);
	return NULL;
}

static job *find(jobs *js, const char *id);
static void cancel_queued(jobs *js, job *j);

/* The shared store's heartbeat: renew the leases of this replica's
 * unfinished jobs, take up cancels asked through other replicas, and
 * forget finished jobs past --job-ttl. */
static void *heartbeat(void *arg)
{
	jobs *js = arg;
	int every = js->cfg.lease / 3 > 1 ? js->cfg.lease / 3 : 1;
	char errbuf[256];

	pthread_mutex_lock(&js->mu);
	while (!js->stopping) {
		struct timespec until;
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += every;
		pthread_cond_timedwait(&js->beat_cv, &js->mu, &until);
		if (js->stopping)
			break;
		int n = 0;
		for (job *j = js->all; j; j = j->next)
			n += j->state == J_QUEUED || j->state == J_RUNNING;
		snap *sv = n ? calloc((size_t)n, sizeof *sv) : NULL;
		int k = 0;
		for (job *j = js->all; sv && j; j = j->next)
			if (j->state == J_QUEUED || j->state == J_RUNNING)
				snap_of(j, &sv[k++]);
		pthread_mutex_unlock(&js->mu);
		for (int i = 0; i < k; i++) {
			int c = 0;
			if (mirror(js, &sv[i], NULL, &c) < 0 || !c)
				continue;
			pthread_mutex_lock(&js->mu);
			job *j = find(js, sv[i].id);
			if (j && j->state == J_RUNNING)
				atomic_store(&j->cancel, 1);
			else if (j && j->state == J_QUEUED)
				cancel_queued(js, j);
			pthread_mutex_unlock(&js->mu);
		}
		free(sv);
		store_job_prune(js->cfg.shared, unix_s() - js->cfg.ttl, errbuf);
		pthread_mutex_lock(&js->mu);
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
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&js->beat_cv, &ca);
	pthread_condattr_destroy(&ca);
	if (cfg->shared && cfg->lease < 1)
		js->cfg.lease = 1;
	js->beat_on = cfg->shared &&
		      pthread_create(&js->beat, NULL, heartbeat, js) == 0;
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
	pthread_cond_broadcast(&js->beat_cv);
	pthread_mutex_unlock(&js->mu);
	for (int i = 0; i < js->nthreads; i++)
		pthread_join(js->threads[i], NULL);
	if (js->beat_on)
		pthread_join(js->beat, NULL);
	pthread_cond_destroy(&js->beat_cv);
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
		void (*free_arg)(void *), char id[JOBS_ID_SIZE], verr *err)
{
	job *j = calloc(1, sizeof *j);
	if (!j)
		return verr_set(err, E_OUT_OF_MEMORY, "", "out of memory");
	/* Whoever knows the id reads the result: it must not be guessable
	 * from other ids, so it is drawn from the kernel, not a PRNG. */
	if (ids_hex128(j->id) < 0) {
		int e = errno;
		free(j);
		return verr_set(err, E_NO_ENTROPY, "",
				"no random bytes for a job id: %s",
				strerror(e));
	}
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
		verr_set(err, E_QUEUE_FULL, "",
			 "%d jobs are already waiting; retry later",
			 js->cfg.max_queue);
		return -1;
	}
	prune(js);
	memcpy(id, j->id, sizeof j->id);
	j->state = J_QUEUED;
	j->next = js->all;
	if (js->all)
		js->all->prev = j;
	js->all = j;
	if (js->todo_tail)
		js->todo_tail->next_todo = j;
	else
		js->todo = j;
	js->todo_tail = j;
	js->queued++;
	pthread_cond_signal(&js->cv);
	snap sn;
	snap_of(j, &sn);
	pthread_mutex_unlock(&js->mu);
	if (js->cfg.shared)
		mirror(js, &sn, NULL, NULL);
	return 0;
}

static job *find(jobs *js, const char *id)
{
	for (job *j = js->all; j; j = j->next)
		if (!strcmp(j->id, id))
			return j;
	return NULL;
}

/* A queued job's place in line, 1 for the next to run.  Caller holds
 * mu; the line is at most --max-queue long. */
static int position_of(const jobs *js, const job *j)
{
	int k = 1;
	for (const job *q = js->todo; q && q != j; q = q->next_todo)
		k++;
	return k;
}

static json_t *state_json(const jobs *js, job *j)
{
	json_t *o = head_json(j->id, j->label, state_names[j->state],
			      get_progress(j), (double)j->created);
	if (!o)
		return NULL;
	if (j->state == J_QUEUED)
		json_object_set_new(o, "position",
				    json_integer(position_of(js, j)));
	if (j->state == J_DONE && j->result)
		json_object_set(o, "result", j->result);
	if (j->state == J_FAILED)
		json_object_set_new(o, "error", error_json(&j->err));
	return o;
}

/* A job as another replica (or an earlier life of this one) left it in
 * the shared store; new reference.  Unfinished with its lease run out:
 * its replica is gone, and so is the job. */
static json_t *stored_json(const store_job *sj)
{
	double late = unix_s() - sj->lease_until;
	int lost = sj->state <= STORE_JOB_RUNNING && late > 0;
	json_t *o = head_json(sj->id, sj->label,
			      lost ? "failed" : state_names[sj->state],
			      sj->progress, sj->created);

	if (!o)
		return NULL;
	if (lost) {
		verr e;
		verr_set(&e, E_WORKER_LOST, "",
			 "the replica running this job stopped %.0f s ago (its "
			 "--job-lease ran out); submit the job again",
			 late);
		json_object_set_new(o, "error", error_json(&e));
	} else if (sj->result && (sj->state == STORE_JOB_DONE ||
				  sj->state == STORE_JOB_FAILED)) {
		json_t *v = json_loads(sj->result, JSON_DECODE_ANY, NULL);
		if (v)
			json_object_set_new(o,
					    sj->state == STORE_JOB_DONE
						    ? "result"
						    : "error",
					    v);
	}
	return o;
}

/* The shared store's record of id: 0 with *o (new reference), or -1 when
 * there is none (or the store cannot say). */
static int stored(jobs *js, const char *id, store_job *sj, json_t **o)
{
	char errbuf[256];

	*o = NULL;
	if (!js->cfg.shared ||
	    store_job_get(js->cfg.shared, id, sj, errbuf) != STORE_OK)
		return -1;
	*o = stored_json(sj);
	return *o ? 0 : -1;
}

json_t *jobs_get(jobs *js, const char *id)
{
	store_job sj;
	json_t *o;

	pthread_mutex_lock(&js->mu);
	prune(js);
	job *j = find(js, id);
	o = j ? state_json(js, j) : NULL;
	pthread_mutex_unlock(&js->mu);
	if (!o && stored(js, id, &sj, &o) == 0)
		free(sj.result);
	return o;
}

/* Unlink a queued job from the queue and end it cancelled.  Caller
 * holds mu. */
static void cancel_queued(jobs *js, job *j)
{
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
	finish(js, j, 0);
}

/* DELETE of a job this replica does not hold: raise its flag in the
 * shared store (its replica stops it at its next heartbeat), or forget
 * it when it is over (finished, or its replica gone). */
static json_t *cancel_stored(jobs *js, const char *id)
{
	char errbuf[256];
	store_job_state st;
	store_job sj;
	json_t *o;

	if (!js->cfg.shared ||
	    store_job_cancel(js->cfg.shared, id, &st, errbuf) != STORE_OK ||
	    stored(js, id, &sj, &o) < 0)
		return NULL;
	const char *status = json_string_value(json_object_get(o, "status"));
	if (status &&
	    (!strcmp(status, "queued") || !strcmp(status, "running"))) {
		json_object_set_new(o, "status", json_string("cancelling"));
	} else {
		store_job_delete(js->cfg.shared, id, errbuf);
		json_object_set_new(o, "deleted", json_true());
	}
	free(sj.result);
	return o;
}

json_t *jobs_cancel(jobs *js, const char *id)
{
	json_t *o = NULL;
	snap sn;
	int ended = 0, forgotten = 0;

	pthread_mutex_lock(&js->mu);
	prune(js);
	job *j = find(js, id);
	if (!j)
		goto out;
	if (j->state == J_QUEUED) {
		/* It never runs. */
		cancel_queued(js, j);
		o = state_json(js, j);
		snap_of(j, &sn);
		ended = 1;
	} else if (j->state == J_RUNNING) {
		atomic_store(&j->cancel, 1);
		o = state_json(js, j);
		json_object_set_new(o, "status", json_string("cancelling"));
	} else {
		/* Finished: DELETE forgets it. */
		o = state_json(js, j);
		json_object_set_new(o, "deleted", json_true());
		forget(js, j);
		forgotten = 1;
	}
out:
	pthread_mutex_unlock(&js->mu);
	if (!j)
		return cancel_stored(js, id);
	if (js->cfg.shared) {
		char errbuf[256];
		if (ended)
			mirror(js, &sn, NULL, NULL);
		if (forgotten)
			store_job_delete(js->cfg.shared, id, errbuf);
	}
	return o;
}

int jobs_prometheus(jobs *js, stats_buf *b)
{
	pthread_mutex_lock(&js->mu);
	int queued = js->queued;
	int64_t held = js->held;
	pthread_mutex_unlock(&js->mu);
	return stats_printf(b,
			    "# HELP evald_job_queue_depth Async jobs waiting "
			    "to run.\n"
			    "# TYPE evald_job_queue_depth gauge\n"
			    "evald_job_queue_depth %d\n"
			    "# HELP evald_job_results_bytes Memory held by "
			    "finished jobs kept for polling (--job-results).\n"
			    "# TYPE evald_job_results_bytes gauge\n"
			    "evald_job_results_bytes %lld\n",
			    queued, (long long)held);
}

int jobs_queued(jobs *js)
{
	pthread_mutex_lock(&js->mu);
	int n = js->queued;
	pthread_mutex_unlock(&js->mu);
	return n;
}
