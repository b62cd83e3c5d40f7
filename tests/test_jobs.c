/* test_jobs.c - the job table below HTTP: ids are 128 random bits, and
 * finished jobs are kept by the size of their results (--job-results) and
 * by age (--job-ttl), the oldest forgotten first. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "jobs.h"
#include "tap.h"

/* A job whose result is an array of *(int *)arg numbers. */
static int make_array(void *arg, const evald_progress *prog, json_t **result,
		      verr *err)
{
	(void)prog;
	(void)err;
	json_t *a = json_array();
	for (int i = 0; i < *(int *)arg; i++)
		json_array_append_new(a, json_real(i));
	*result = a;
	return 0;
}

static void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};
	nanosleep(&ts, NULL);
}

/* Poll until job id is no longer queued or running (or gone). */
static json_t *wait_done(jobs *js, const char *id)
{
	for (int i = 0; i < 500; i++) {
		json_t *o = jobs_get(js, id);
		const char *st =
			o ? json_string_value(json_object_get(o, "status"))
			  : NULL;
		if (!o || (strcmp(st, "queued") && strcmp(st, "running")))
			return o;
		json_decref(o);
		sleep_ms(10);
	}
	return NULL;
}

static int is_id(const char *id)
{
	return strlen(id) == 32 && strspn(id, "0123456789abcdef") == 32;
}

int main(void)
{
	jobs_config cfg = {.workers = 1,
			   .max_queue = 64,
			   .max_results = 1 << 20,
			   .ttl = 3600};
	char a[JOBS_ID_SIZE], b[JOBS_ID_SIZE], id[8][JOBS_ID_SIZE];
	int small = 1, big = 10000; /* about 320 kB estimated */
	verr err;

	/* Two tables started together draw ids that share nothing. */
	jobs *j1 = jobs_start(&cfg), *j2 = jobs_start(&cfg);
	tap_ok(j1 && j2, "two job tables start");
	tap_ok(jobs_submit(j1, "t", make_array, &small, NULL, a, &err) == 0 &&
		       jobs_submit(j2, "t", make_array, &small, NULL, b,
				   &err) == 0,
	       "a job is queued on each");
	tap_ok(is_id(a) && is_id(b), "ids are 32 hex characters (%s, %s)", a,
	       b);
	tap_ok(strcmp(a, b) != 0, "the tables' first ids differ");
	json_decref(wait_done(j1, a));
	json_decref(wait_done(j2, b));
	jobs_stop(j2);

	/* 1 MiB of results: three 320 kB results fit, the fourth pushes the
	 * oldest out. */
	for (int i = 0; i < 4; i++) {
		jobs_submit(j1, "t", make_array, &big, NULL, id[i], &err);
		json_decref(wait_done(j1, id[i]));
	}
	json_t *o = jobs_get(j1, id[0]);
	tap_ok(o == NULL, "the oldest large result is forgotten");
	json_decref(o);
	o = jobs_get(j1, id[3]);
	tap_ok(o && json_array_size(json_object_get(o, "result")) == 10000,
	       "the newest is kept with its result");
	json_decref(o);

	/* A result that alone exceeds the budget fails with a reason. */
	int huge = 40000;
	jobs_submit(j1, "t", make_array, &huge, NULL, id[4], &err);
	o = wait_done(j1, id[4]);
	json_t *e = o ? json_object_get(o, "error") : NULL;
	const char *msg = json_string_value(json_object_get(e, "message"));
	tap_ok(e && json_integer_value(json_object_get(e, "status")) == 413 &&
		       msg && strstr(msg, "--job-results"),
	       "a result larger than --job-results fails the job: %s",
	       msg ? msg : "(no error)");
	json_decref(o);
	jobs_stop(j1);

	/* --job-ttl 1: gone a little over a second after it finished. */
	cfg.ttl = 1;
	j1 = jobs_start(&cfg);
	jobs_submit(j1, "t", make_array, &small, NULL, id[5], &err);
	o = wait_done(j1, id[5]);
	tap_ok(o != NULL, "a finished job is there at first");
	json_decref(o);
	sleep_ms(1300);
	o = jobs_get(j1, id[5]);
	tap_ok(o == NULL, "and forgotten after --job-ttl");
	json_decref(o);
	jobs_stop(j1);
	return tap_done();
}
