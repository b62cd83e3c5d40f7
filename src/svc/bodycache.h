/* bodycache.h - large request-body buffers kept between requests. */
#ifndef EVALD_BODYCACHE_H
#define EVALD_BODYCACHE_H

#include <stddef.h>
#include <stdint.h>

typedef struct body_cache body_cache;

/* A cache holding at most `limit` bytes of idle buffers (0: none, every
 * buffer is freed at once).  NULL when out of memory. */
body_cache *body_cache_new(int64_t limit);

/* Frees the cache and every buffer it holds. */
void body_cache_free(body_cache *c);

/* A buffer of at least n bytes, its capacity in *cap: a kept one when one
 * fits, else a new one (big_alloc).  Its contents are undefined.  NULL
 * when out of memory.  The caller owns it: give it back or free() it. */
void *body_cache_take(body_cache *c, size_t n, size_t *cap);

/* Ends the caller's use of p (capacity cap; NULL is a no-op): kept for a
 * later body when it is large and fits under the limit, else freed. */
void body_cache_give(body_cache *c, void *p, size_t cap);

#endif
