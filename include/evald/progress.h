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

/* One phase of a longer computation: progress f in [0,1] of the phase is
 * reported to `outer` as lo + (hi - lo)·f.  Pass &ph.prog to the phase. */
typedef struct evald_progress_phase {
	evald_progress prog;
	const evald_progress *outer;
	double lo, hi;
} evald_progress_phase;

static inline int evald_progress_phase_fn_(void *ctx, double f)
{
	const evald_progress_phase *ph = (const evald_progress_phase *)ctx;
	return evald_progress_tick(ph->outer, ph->lo + (ph->hi - ph->lo) * f);
}

static inline void evald_progress_phase_init(evald_progress_phase *ph,
					     const evald_progress *outer,
					     double lo, double hi)
{
	ph->prog.fn = evald_progress_phase_fn_;
	ph->prog.ctx = ph;
	ph->outer = outer;
	ph->lo = lo;
	ph->hi = hi;
}

#ifdef __cplusplus
}
#endif
#endif
