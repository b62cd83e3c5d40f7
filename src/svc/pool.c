/* pool.c - per-request allocation pool (a list of malloc'd blocks) and the
 * request's decoding budget. */
#include <stdint.h>
#include <stdlib.h>

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
	uint64_t budget, reserved; /* budget 0 = no limit */
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
	/* calloc: large blocks come from fresh (already zero) pages, so the
	 * zeroing costs little where it would matter. */
	void *mem = calloc(1, n ? n : 1);
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
	return pool_alloc(p, n * size);
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

void pool_set_budget(pool *p, int64_t budget)
{
	p->budget = budget > 0 ? (uint64_t)budget : 0;
}

int pool_reserve(pool *p, uint64_t n, uint64_t held, const char *path,
		 const char *what, verr *err)
{
	uint64_t used = p->reserved + held;
	if (p->budget && (used > p->budget || n > p->budget - used))
		return verr_set(err, E_TOO_LARGE, path,
				"%s takes %llu bytes once decoded, and one "
				"request may decode at most %llu (%llu already "
				"taken); send smaller inputs or raise "
				"--max-decoded",
				what, (unsigned long long)n,
				(unsigned long long)p->budget,
				(unsigned long long)used);
	p->reserved += n;
	return 0;
}

uint64_t pool_reserved(const pool *p)
{
	return p->reserved;
}
