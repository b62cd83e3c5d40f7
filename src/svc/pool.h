/* pool.h - a per-request allocation pool: everything decoded for one request
 * (tensors, strings) is allocated here and freed at once when it ends, so no
 * handler has to track buffers on its error paths.  The pool also keeps the
 * request's decoding budget (--max-decoded). */
#ifndef EVALD_POOL_H
#define EVALD_POOL_H

#include <stddef.h>
#include <stdint.h>

#include "verr.h"

typedef struct pool pool;

pool *pool_new(void);
void pool_free(pool *p); /* frees the pool and everything allocated in it */

/* Zeroed memory owned by the pool; NULL on failure or overflow.  Zeroed
 * so that no path can hand a client bytes an earlier request left in the
 * heap, even one that forgets to write part of a buffer. */
void *pool_alloc(pool *p, size_t n);
void *pool_calloc(pool *p, size_t n, size_t size);
/* Hand an existing malloc'd buffer to the pool (freed with it). */
int pool_adopt(pool *p, void *buf);
/* Call fn(ctx, arg) when the pool is freed: releases a shared handle
 * (a cached reference) with everything else.  On failure (-1) nothing is
 * registered. */
int pool_defer(pool *p, void (*fn)(void *ctx, void *arg), void *ctx, void *arg);
/* Bytes currently held (for the memory accounting of a request). */
size_t pool_bytes(const pool *p);

/* The decoding budget: bytes that decoded, inflated or widened inputs may
 * take in this pool, in total (0 = no limit, the default). */
void pool_set_budget(pool *p, int64_t budget);
/* Count `n` more decoded bytes against the budget, before allocating them,
 * with `held` bytes of this request's input already decoded elsewhere (the
 * parsed document's number blobs).  Over budget: 413 too_large naming
 * --max-decoded at `path`, about `what` ("this tensor"). */
int pool_reserve(pool *p, uint64_t n, uint64_t held, const char *path,
		 const char *what, verr *err);
/* Bytes reserved so far. */
uint64_t pool_reserved(const pool *p);

#endif
