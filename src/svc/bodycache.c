/* bodycache.c - large request-body buffers kept between requests.
 *
 * A body of tens of megabytes read into a fresh buffer costs the kernel
 * a zeroed page for every page of it before the upload can fill it: for
 * a 50 MB .npz of labels that is a third of the request.  Buffers of
 * bodies that are done go to a small pool (bounded by --body-cache) and
 * the next large body takes the smallest one that fits.  Only buffers of
 * at least BIG bytes are kept; small bodies come from malloc as before.
 * A buffer is reused for another request's body, never read past what
 * that body wrote (the HTTP layer reads len bytes of it), so no request
 * sees another's data. */
#include <pthread.h>
#include <stdlib.h>

#include "bigalloc.h"
#include "bodycache.h"

#define BIG   ((size_t)2 << 20)
#define SLOTS 8

typedef struct kept {
	void *p;
	size_t cap;
} kept;

struct body_cache {
	pthread_mutex_t mu;
	int64_t limit, bytes;
	kept slot[SLOTS]; /* p NULL: empty */
};

body_cache *body_cache_new(int64_t limit)
{
	body_cache *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	pthread_mutex_init(&c->mu, NULL);
	c->limit = limit > 0 ? limit : 0;
	return c;
}

void body_cache_free(body_cache *c)
{
	if (!c)
		return;
	for (int i = 0; i < SLOTS; i++)
		free(c->slot[i].p);
	pthread_mutex_destroy(&c->mu);
	free(c);
}

void *body_cache_take(body_cache *c, size_t n, size_t *cap)
{
	int best = -1;

	if (c && n >= BIG) {
		pthread_mutex_lock(&c->mu);
		for (int i = 0; i < SLOTS; i++)
			if (c->slot[i].p && c->slot[i].cap >= n &&
			    (best < 0 || c->slot[i].cap < c->slot[best].cap))
				best = i;
		if (best >= 0) {
			void *p = c->slot[best].p;
			*cap = c->slot[best].cap;
			c->bytes -= (int64_t)*cap;
			c->slot[best].p = NULL;
			pthread_mutex_unlock(&c->mu);
			return p;
		}
		pthread_mutex_unlock(&c->mu);
	}
	void *p = big_alloc(n);
	*cap = p ? n : 0;
	return p;
}

void body_cache_give(body_cache *c, void *p, size_t cap)
{
	if (!p)
		return;
	if (!c || cap < BIG || (int64_t)cap > c->limit) {
		free(p);
		return;
	}
	pthread_mutex_lock(&c->mu);
	/* Make room by dropping the smallest kept buffers: the large ones
	 * are the costly ones to fault in again. */
	while (c->bytes + (int64_t)cap > c->limit) {
		int small = -1;
		for (int i = 0; i < SLOTS; i++)
			if (c->slot[i].p &&
			    (small < 0 || c->slot[i].cap < c->slot[small].cap))
				small = i;
		if (small < 0 || c->slot[small].cap > cap)
			break;
		free(c->slot[small].p);
		c->bytes -= (int64_t)c->slot[small].cap;
		c->slot[small].p = NULL;
	}
	int at = -1;
	for (int i = 0; i < SLOTS && at < 0; i++)
		if (!c->slot[i].p)
			at = i;
	if (at >= 0 && c->bytes + (int64_t)cap <= c->limit) {
		c->slot[at] = (kept){p, cap};
		c->bytes += (int64_t)cap;
		p = NULL;
	}
	pthread_mutex_unlock(&c->mu);
	free(p);
}
