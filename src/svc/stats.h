/* stats.h - request counters and latency histograms for GET /metrics.
 *
 * Routes are labelled by template ("/v1/metrics/{name}"), never by the
 * raw path, so a client cannot grow the label set. */
#ifndef EVALD_STATS_H
#define EVALD_STATS_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#define STATS_ROUTES  24
#define STATS_CODES   16
#define STATS_BUCKETS 12

typedef struct stats_route {
	const char *route; /* static string; NULL = unused slot */
	int codes[STATS_CODES];
	uint64_t counts[STATS_CODES];
	uint64_t buckets[STATS_BUCKETS]; /* cumulative at render time */
	uint64_t n;
	double sum;
} stats_route;

typedef struct stats {
	pthread_mutex_t mu;
	stats_route routes[STATS_ROUTES];
	atomic_int inflight;
} stats;

void stats_init(stats *s);
void stats_destroy(stats *s);
void stats_observe(stats *s, const char *route, int status, double seconds);

/* Append the exposition of the counters to a growing buffer (see
 * stats_buf).  Returns 0, -1 on allocation failure. */
typedef struct stats_buf {
	char *s;
	size_t len, cap;
} stats_buf;
int stats_printf(stats_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int stats_render(stats *s, stats_buf *b);

#endif
