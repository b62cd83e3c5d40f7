/* gate.h - the --max-jobs slots of heavy work and the line waiting for
 * them.
 *
 * Heavy work (FID, EMD, a reference's moments, a streamed upload) takes
 * one of `slots` slots.  Whoever finds none free waits in one FIFO, in
 * arrival order, synchronous requests and job workers alike: a second CI
 * gate started while one FID runs waits its turn instead of failing.  The
 * line is bounded twice: at most `max_waiting` synchronous requests wait
 * (the next is refused at once), and none waits longer than `timeout_s`.
 * Job workers are bounded by their own number and wait until they get a
 * slot or their job is cancelled. */
#ifndef EVALD_GATE_H
#define EVALD_GATE_H

#include <evald/progress.h>

#include "stats.h"
#include "verr.h"

typedef struct gate gate;

typedef struct gate_config {
	int slots;	 /* --max-jobs, at least 1 */
	int max_waiting; /* --max-queue: synchronous requests in line */
	int timeout_s;	 /* --queue-timeout: longest wait; 0 = none */
} gate_config;

/* What gate_enter hands back and gate_leave takes: when the slot was
 * taken, for the mean duration behind Retry-After. */
typedef struct gate_ticket {
	double t_in;
} gate_ticket;

enum {
	GATE_OK = 0,
	GATE_FULL = -1,	     /* max_waiting were already in line */
	GATE_TIMEOUT = -2,   /* waited timeout_s */
	GATE_CANCELLED = -3, /* cancel said stop */
};

gate *gate_new(const gate_config *cfg);
void gate_free(gate *g);

/* Take a slot, after everyone already in line.  `bounded`: 1 for a
 * synchronous request (counts against max_waiting, gives up after
 * timeout_s), 0 for a job worker.  cancel (may be NULL) is polled about
 * ten times a second while waiting; nonzero gives up.  Returns GATE_OK
 * with *t filled, or a GATE_ error with nothing held. */
int gate_enter(gate *g, int bounded, const evald_progress *cancel,
	       gate_ticket *t);
void gate_leave(gate *g, const gate_ticket *t);

/* A 503 for a failed gate_enter: overloaded with a Retry-After estimated
 * from the line (see gate_retry_after); `hint` ends the message.  For
 * GATE_CANCELLED: 409 cancelled.  Returns -1. */
int gate_error(gate *g, int rc, const char *hint, verr *err);

/* Seconds until a newcomer would likely get a slot: the line ahead of it,
 * divided among the slots, times the recent mean time a slot is held;
 * between 1 and 3600. */
int gate_retry_after(gate *g);

/* The gate's gauges and counters in Prometheus text. */
int gate_prometheus(gate *g, stats_buf *b);

#endif
