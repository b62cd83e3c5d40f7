/* stats.c - Prometheus text exposition (format 0.0.4) of request stats. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

static const double bounds[STATS_BUCKETS - 1] = {
	0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1, 10};

void stats_init(stats *s)
{
	memset(s, 0, sizeof *s);
	pthread_mutex_init(&s->mu, NULL);
	atomic_store(&s->inflight, 0);
}

void stats_destroy(stats *s)
{
	pthread_mutex_destroy(&s->mu);
}

void stats_observe(stats *s, const char *route, int status, double seconds)
{
	if (!route)
		route = "other";
	pthread_mutex_lock(&s->mu);
	stats_route *r = NULL;
	for (int i = 0; i < STATS_ROUTES; i++) {
		if (!s->routes[i].route) {
			s->routes[i].route = route;
			r = &s->routes[i];
			break;
		}
		if (!strcmp(s->routes[i].route, route)) {
			r = &s->routes[i];
			break;
		}
	}
	if (r) {
		int k;
		for (k = 0; k < STATS_CODES - 1; k++)
			if (r->codes[k] == status || r->codes[k] == 0)
				break;
		r->codes[k] = status; /* the last slot collects overflow */
		r->counts[k]++;
		int b = 0;
		while (b < STATS_BUCKETS - 1 && seconds > bounds[b])
			b++;
		r->buckets[b]++;
		r->n++;
		r->sum += seconds;
	}
	pthread_mutex_unlock(&s->mu);
}

int stats_printf(stats_buf *b, const char *fmt, ...)
{
	va_list ap;
	for (;;) {
		size_t room = b->cap - b->len;
		va_start(ap, fmt);
		int n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? room : 0,
				  fmt, ap);
		va_end(ap);
		if (n < 0)
			return -1;
		if (b->s && (size_t)n < room) {
			b->len += (size_t)n;
			return 0;
		}
		size_t nc = b->cap ? b->cap * 2 : 4096;
		while (nc < b->len + (size_t)n + 1)
			nc *= 2;
		char *ns = realloc(b->s, nc);
		if (!ns)
			return -1;
		b->s = ns;
		b->cap = nc;
	}
}

int stats_render(stats *s, stats_buf *b)
{
	int rc = 0;
	pthread_mutex_lock(&s->mu);
	rc |= stats_printf(b, "# HELP evald_requests_total HTTP requests "
			      "answered, by route and status.\n"
			      "# TYPE evald_requests_total counter\n");
	for (int i = 0; i < STATS_ROUTES && s->routes[i].route; i++)
		for (int k = 0; k < STATS_CODES && s->routes[i].codes[k]; k++)
			rc |= stats_printf(
				b,
				"evald_requests_total{route=\"%s\",code=\"%d\"}"
				" "
				"%llu\n",
				s->routes[i].route, s->routes[i].codes[k],
				(unsigned long long)s->routes[i].counts[k]);
	rc |= stats_printf(b,
			   "# HELP evald_request_duration_seconds Time from "
			   "the first byte of a request to its answer.\n"
			   "# TYPE evald_request_duration_seconds histogram\n");
	for (int i = 0; i < STATS_ROUTES && s->routes[i].route; i++) {
		stats_route *r = &s->routes[i];
		uint64_t cum = 0;
		for (int k = 0; k < STATS_BUCKETS - 1; k++) {
			cum += r->buckets[k];
			rc |= stats_printf(
				b,
				"evald_request_duration_seconds_bucket{route="
				"\"%s\",le=\"%g\"} %llu\n",
				r->route, bounds[k], (unsigned long long)cum);
		}
		rc |= stats_printf(
			b,
			"evald_request_duration_seconds_bucket{route=\"%s\","
			"le=\"+Inf\"} %llu\n"
			"evald_request_duration_seconds_sum{route=\"%s\"} "
			"%.9g\n"
			"evald_request_duration_seconds_count{route=\"%s\"} "
			"%llu\n",
			r->route, (unsigned long long)r->n, r->route, r->sum,
			r->route, (unsigned long long)r->n);
	}
	rc |= stats_printf(b,
			   "# HELP evald_requests_in_flight Requests being "
			   "received or computed.\n"
			   "# TYPE evald_requests_in_flight gauge\n"
			   "evald_requests_in_flight %d\n",
			   atomic_load(&s->inflight));
	pthread_mutex_unlock(&s->mu);
	return rc ? -1 : 0;
}
