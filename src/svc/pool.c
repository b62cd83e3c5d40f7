/* pool.c - per-request allocation pool (a list of malloc'd blocks). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pool.h"

struct block {
	struct block *next;
	void *mem;
	size_t size;
	void (*fn)(void *ctx, void *arg); /* pool_defer: called, not freed */
	void *ctx;
};

struct pool {
	struct block *head;
	size_t bytes;
};

pool *pool_new(void)
{
	return calloc(1, sizeof(pool));
}

void pool_free(pool *p)
{
	if (!p)
		return;
	for (struct block *b = p->head, *next; b; b = next) {
		next = b->next;
		if (b->fn)
			b->fn(b->ctx, b->mem);
		else
			free(b->mem);
		free(b);
	}
	free(p);
}

static int track(pool *p, void *mem, size_t n)
{
	struct block *b = malloc(sizeof *b);
	if (!b)
		return -1;
	b->mem = mem;
	b->size = n;
	b->fn = NULL;
	b->ctx = NULL;
	b->next = p->head;
	p->head = b;
	p->bytes += n;
	return 0;
}

void *pool_alloc(pool *p, size_t n)
{
	void *mem = malloc(n ? n : 1);
	if (!mem)
		return NULL;
	if (track(p, mem, n) < 0) {
		free(mem);
		return NULL;
	}
	return mem;
}

void *pool_calloc(pool *p, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	void *mem = pool_alloc(p, n * size);
	if (mem)
		memset(mem, 0, n * size);
	return mem;
}

int pool_adopt(pool *p, void *buf)
{
	return track(p, buf, 0);
}

int pool_defer(pool *p, void (*fn)(void *ctx, void *arg), void *ctx, void *arg)
{
	if (track(p, arg, 0) < 0)
		return -1;
	p->head->fn = fn;
	p->head->ctx = ctx;
	return 0;
}

size_t pool_bytes(const pool *p)
{
	return p->bytes;
}
