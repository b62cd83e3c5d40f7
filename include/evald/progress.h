/* progress.h - how long computations report progress and learn they are
 * cancelled, without libevald knowing about threads or jobs. */
#ifndef EVALD_PROGRESS_H
#define EVALD_PROGRESS_H

#ifdef __cplusplus
extern "C" {
#endif

/* Called now and then with the fraction done in [0,1].  A nonzero return
 * asks the computation to stop; it then returns EVALD_ECANCEL. */
typedef int (*evald_progress_fn)(void *ctx, double frac);

typedef struct evald_progress {
	evald_progress_fn fn; /* may be NULL */
	void *ctx;
} evald_progress;

/* Report `frac`; returns nonzero when the caller should stop. */
static inline int evald_progress_tick(const evald_progress *p, double frac)
{
	return p && p->fn ? p->fn(p->ctx, frac) : 0;
}

#ifdef __cplusplus
}
#endif
#endif
