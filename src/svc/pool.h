/* pool.h - a per-request allocation pool: everything decoded for one request
 * (tensors, strings) is allocated here and freed at once when it ends, so no
 * handler has to track buffers on its error paths. */
#ifndef EVALD_POOL_H
#define EVALD_POOL_H

#include <stddef.h>

typedef struct pool pool;

pool *pool_new(void);
void pool_free(pool *p); /* frees the pool and everything allocated in it */

/* malloc'd memory owned by the pool; NULL on failure or n == 0 overflow. */
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

#endif
