/* par.c - running a computation's independent jobs on all cores.
 *
 * The passes that split over cores (prdc's tiles and input passes, the
 * sgemm kernel, the MMD permutation blocks) each fill an array of job
 * structs and hand it here.  Job 0 runs on the calling thread, so one
 * job costs no thread; a thread that cannot start leaves its job to the
 * caller, so a process at its thread limit still gets every answer,
 * only later.  Jobs must not share what they write: the callers combine
 * their results after the call, in job order. */
#include <pthread.h>

#include "internal.h"

void evi_run_jobs(void *(*fn)(void *), void *jobs, size_t size, int n)
{
	pthread_t tid[EVI_MAX_JOBS];
	int started = 0;
	char *at = jobs;

	while (started < n - 1 && started < EVI_MAX_JOBS &&
	       !pthread_create(&tid[started], NULL, fn,
			       at + (size_t)(started + 1) * size))
		started++;
	fn(at);
	for (int i = started + 1; i < n; i++)
		fn(at + (size_t)i * size);
	for (int i = 0; i < started; i++)
		pthread_join(tid[i], NULL);
}
