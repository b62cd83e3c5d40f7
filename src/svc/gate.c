/* gate.c - heavy-work slots and their FIFO (see gate.h).
 *
 * Each waiter is a node on a list in arrival order; only the head may
 * take a free slot, so a slot freed while three wait goes to the one
 * that came first, never to whichever thread the scheduler wakes.  One
 * mutex guards everything; waiters sleep on one condition variable with a
 * 100 ms tick, which bounds how late a cancelled or timed-out waiter
 * notices (its client is gone; nobody is waiting on the answer). */
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "gate.h"

typedef struct waiter {
	struct waiter *prev, *next;
} waiter;

struct gate {
	gate_config cfg;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int running;
	int waiting, bounded_waiting;
	waiter *head, *tail;
	double mean_s; /* recent time a slot is held (moving average) */
	/* Counters for /metrics, since start. */
	unsigned long long waits, full, timeouts;
	double wait_s;
};

static double mono_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

gate *gate_new(const gate_config *cfg)
{
	gate *g = calloc(1, sizeof *g);
	pthread_condattr_t ca;

	if (!g)
		return NULL;
	g->cfg = *cfg;
	if (g->cfg.slots < 1)
		g->cfg.slots = 1;
	g->mean_s = 1.0;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_mutex_init(&g->mu, NULL);
	pthread_cond_init(&g->cv, &ca);
	pthread_condattr_destroy(&ca);
	return g;
}

void gate_free(gate *g)
{
	if (!g)
		return;
	pthread_mutex_destroy(&g->mu);
	pthread_cond_destroy(&g->cv);
	free(g);
}

static void unlink_waiter(gate *g, waiter *w)
{
	if (w->prev)
		w->prev->next = w->next;
	else
		g->head = w->next;
	if (w->next)
		w->next->prev = w->prev;
	else
		g->tail = w->prev;
}

int gate_enter(gate *g, int bounded, const evald_progress *cancel,
	       gate_ticket *t)
{
	waiter w = {0};
	double t0 = mono_s(), deadline;
	int rc = GATE_OK;

	pthread_mutex_lock(&g->mu);
	if (!g->head && g->running < g->cfg.slots) {
		g->running++;
		g->waits++;
		pthread_mutex_unlock(&g->mu);
		t->t_in = t0;
		return GATE_OK;
	}
	if (bounded && g->bounded_waiting >= g->cfg.max_waiting) {
		g->full++;
		pthread_mutex_unlock(&g->mu);
		return GATE_FULL;
	}
	w.prev = g->tail;
	if (g->tail)
		g->tail->next = &w;
	else
		g->head = &w;
	g->tail = &w;
	g->waiting++;
	g->bounded_waiting += bounded;
	deadline = bounded && g->cfg.timeout_s > 0 ? t0 + g->cfg.timeout_s : 0;
	for (;;) {
		if (g->head == &w && g->running < g->cfg.slots)
			break;
		double now = mono_s();
		if (deadline && now >= deadline) {
			rc = GATE_TIMEOUT;
			g->timeouts++;
			break;
		}
		/* The callback may poll a socket: not under the lock. */
		if (cancel && cancel->fn) {
			pthread_mutex_unlock(&g->mu);
			int stop = cancel->fn(cancel->ctx, 0.0);
			pthread_mutex_lock(&g->mu);
			if (stop) {
				rc = GATE_CANCELLED;
				break;
			}
			if (g->head == &w && g->running < g->cfg.slots)
				break;
		}
		double until = now + 0.1;
		if (deadline && deadline < until)
			until = deadline;
		struct timespec ts = {
			.tv_sec = (time_t)until,
			.tv_nsec = (long)((until - (time_t)until) * 1e9)};
		pthread_cond_timedwait(&g->cv, &g->mu, &ts);
	}
	unlink_waiter(g, &w);
	g->waiting--;
	g->bounded_waiting -= bounded;
	if (rc == GATE_OK) {
		g->running++;
		t->t_in = mono_s();
		g->waits++;
		g->wait_s += t->t_in - t0;
	}
	/* The next in line may be able to go now (or be the head now). */
	pthread_cond_broadcast(&g->cv);
	pthread_mutex_unlock(&g->mu);
	return rc;
}

void gate_leave(gate *g, const gate_ticket *t)
{
	double held = mono_s() - t->t_in;

	pthread_mutex_lock(&g->mu);
	g->running--;
	/* A short memory: the estimate follows today's work, not the
	 * first hour's. */
	g->mean_s = 0.7 * g->mean_s + 0.3 * (held > 0 ? held : 0);
	pthread_cond_broadcast(&g->cv);
	pthread_mutex_unlock(&g->mu);
}

static int retry_locked(const gate *g)
{
	double s = (g->waiting + 1.0) / g->cfg.slots * g->mean_s;
	if (s < 1)
		return 1;
	return s > 3600 ? 3600 : (int)(s + 0.999);
}

int gate_retry_after(gate *g)
{
	pthread_mutex_lock(&g->mu);
	int s = retry_locked(g);
	pthread_mutex_unlock(&g->mu);
	return s;
}

int gate_error(gate *g, int rc, const char *hint, verr *err)
{
	if (rc == GATE_CANCELLED)
		return verr_set(err, E_CANCELLED, "",
				"the request was cancelled while it waited "
				"for a heavy-work slot");
	pthread_mutex_lock(&g->mu);
	int ra = retry_locked(g), slots = g->cfg.slots;
	int line = g->cfg.max_waiting, secs = g->cfg.timeout_s;
	pthread_mutex_unlock(&g->mu);
	if (rc == GATE_FULL)
		verr_set(err, E_OVERLOADED, "",
			 "%d heavy computations are running (--max-jobs) and "
			 "%d more are waiting (--max-queue); %s",
			 slots, line, hint);
	else
		verr_set(err, E_OVERLOADED, "",
			 "no heavy-work slot came free within %d s "
			 "(--queue-timeout; %d run at once, --max-jobs); %s",
			 secs, slots, hint);
	err->retry_after = ra;
	return -1;
}

int gate_prometheus(gate *g, stats_buf *b)
{
	pthread_mutex_lock(&g->mu);
	int running = g->running, waiting = g->waiting, slots = g->cfg.slots;
	unsigned long long waits = g->waits, full = g->full,
			   timeouts = g->timeouts;
	double wait_s = g->wait_s;
	pthread_mutex_unlock(&g->mu);
	return stats_printf(
		b,
		"# HELP evald_heavy_running Heavy computations running.\n"
		"# TYPE evald_heavy_running gauge\n"
		"evald_heavy_running %d\n"
		"# HELP evald_heavy_slots Heavy computations that may run at "
		"once (--max-jobs).\n"
		"# TYPE evald_heavy_slots gauge\n"
		"evald_heavy_slots %d\n"
		"# HELP evald_heavy_queue_length Requests and jobs waiting "
		"for a heavy-work slot.\n"
		"# TYPE evald_heavy_queue_length gauge\n"
		"evald_heavy_queue_length %d\n"
		"# HELP evald_heavy_queue_wait_seconds Time spent waiting "
		"for a heavy-work slot, over all that got one.\n"
		"# TYPE evald_heavy_queue_wait_seconds summary\n"
		"evald_heavy_queue_wait_seconds_sum %.6f\n"
		"evald_heavy_queue_wait_seconds_count %llu\n"
		"# HELP evald_heavy_queue_rejected_total Requests refused "
		"503 because the line was full (--max-queue) or the wait "
		"too long (--queue-timeout).\n"
		"# TYPE evald_heavy_queue_rejected_total counter\n"
		"evald_heavy_queue_rejected_total{reason=\"full\"} %llu\n"
		"evald_heavy_queue_rejected_total{reason=\"timeout\"} %llu\n",
		running, slots, waiting, wait_s, waits, full, timeouts);
}
