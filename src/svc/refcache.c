/* refcache.c - an LRU list of prepared references with reference counts
 * (see refcache.h).  A handful of entries fit in any sensible budget (one
 * 2048-d reference is 32 MB), so a list with a linear search is enough. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "refcache.h"
#include "stats.h"

struct refcache_entry {
	refcache_entry *prev, *next; /* LRU order, most recent first */
	int cached;		     /* linked into the list */
	int refs;		     /* handles out, plus 1 while cached */
	char *name;
	int64_t version;
	size_t bytes;
	evald_fid_ref ref;
	/* or the float64 rows [n, d] a reference or stream keeps
	 * (refcache_adopt_rows), under a name of their own */
	double *rows;
	int64_t n, d;
};

struct refcache {
	pthread_mutex_t mu;
	refcache_entry *head, *tail;
	int64_t max_bytes, bytes, entries;
	uint64_t hits, misses;
};

refcache *refcache_new(int64_t max_bytes)
{
	refcache *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	pthread_mutex_init(&c->mu, NULL);
	c->max_bytes = max_bytes;
	return c;
}

static void entry_free(refcache_entry *e)
{
	evald_fid_ref_free(&e->ref);
	free(e->rows);
	free(e->name);
	free(e);
}

/* Called with the lock held; frees e when no handle is out. */
static void unlink_entry(refcache *c, refcache_entry *e)
{
	if (e->prev)
		e->prev->next = e->next;
	else
		c->head = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		c->tail = e->prev;
	e->prev = e->next = NULL;
	e->cached = 0;
	c->bytes -= (int64_t)e->bytes;
	c->entries--;
	if (--e->refs == 0)
		entry_free(e);
}

static void push_front(refcache *c, refcache_entry *e)
{
	e->prev = NULL;
	e->next = c->head;
	if (c->head)
		c->head->prev = e;
	c->head = e;
	if (!c->tail)
		c->tail = e;
}

void refcache_free(refcache *c)
{
	if (!c)
		return;
	while (c->head)
		unlink_entry(c, c->head);
	pthread_mutex_destroy(&c->mu);
	free(c);
}

refcache_entry *refcache_get(refcache *c, const char *name, int64_t version)
{
	refcache_entry *e;

	pthread_mutex_lock(&c->mu);
	for (e = c->head; e; e = e->next)
		if (e->version == version && !strcmp(e->name, name))
			break;
	if (e) {
		e->refs++;
		c->hits++;
		if (e != c->head) {
			/* unlink without dropping the cache's count */
			e->prev->next = e->next;
			if (e->next)
				e->next->prev = e->prev;
			else
				c->tail = e->prev;
			push_front(c, e);
		}
	} else {
		c->misses++;
	}
	pthread_mutex_unlock(&c->mu);
	return e;
}

static refcache_entry *adopt(refcache *c, refcache_entry *e);

refcache_entry *refcache_adopt(refcache *c, const char *name, int64_t version,
			       evald_fid_ref *ref)
{
	refcache_entry *e = calloc(1, sizeof *e);
	if (!e || !(e->name = strdup(name))) {
		free(e);
		evald_fid_ref_free(ref);
		return NULL;
	}
	e->version = version;
	e->ref = *ref;
	memset(ref, 0, sizeof *ref);
	e->bytes = evald_fid_ref_bytes(&e->ref);
	return adopt(c, e);
}

refcache_entry *refcache_adopt_rows(refcache *c, const char *name,
				    int64_t version, double *rows, int64_t n,
				    int64_t d)
{
	refcache_entry *e = calloc(1, sizeof *e);
	if (!e || !(e->name = strdup(name))) {
		free(e);
		free(rows);
		return NULL;
	}
	e->version = version;
	e->rows = rows;
	e->n = n;
	e->d = d;
	e->bytes = (size_t)n * (size_t)d * sizeof(double);
	return adopt(c, e);
}

const double *refcache_rows(const refcache_entry *e, int64_t *n, int64_t *d)
{
	*n = e->n;
	*d = e->d;
	return e->rows;
}

/* Cache e when it fits, replacing older versions of its name. */
static refcache_entry *adopt(refcache *c, refcache_entry *e)
{
	const char *name = e->name;
	e->refs = 1;
	pthread_mutex_lock(&c->mu);
	if ((int64_t)e->bytes <= c->max_bytes) {
		/* Older versions of the name are garbage now. */
		for (refcache_entry *o = c->head, *next; o; o = next) {
			next = o->next;
			if (!strcmp(o->name, name))
				unlink_entry(c, o);
		}
		while (c->tail && c->bytes + (int64_t)e->bytes > c->max_bytes)
			unlink_entry(c, c->tail);
		push_front(c, e);
		e->cached = 1;
		e->refs++;
		c->bytes += (int64_t)e->bytes;
		c->entries++;
	}
	pthread_mutex_unlock(&c->mu);
	return e;
}

const evald_fid_ref *refcache_ref(const refcache_entry *e)
{
	return &e->ref;
}

void refcache_release(refcache *c, refcache_entry *e)
{
	int last;
	if (!e)
		return;
	pthread_mutex_lock(&c->mu);
	last = --e->refs == 0;
	pthread_mutex_unlock(&c->mu);
	if (last)
		entry_free(e);
}

void refcache_drop(refcache *c, const char *name)
{
	pthread_mutex_lock(&c->mu);
	for (refcache_entry *o = c->head, *next; o; o = next) {
		next = o->next;
		if (!strcmp(o->name, name))
			unlink_entry(c, o);
	}
	pthread_mutex_unlock(&c->mu);
}

void refcache_get_stats(refcache *c, refcache_stats *out)
{
	pthread_mutex_lock(&c->mu);
	out->hits = c->hits;
	out->misses = c->misses;
	out->bytes = c->bytes;
	out->entries = c->entries;
	pthread_mutex_unlock(&c->mu);
}

int refcache_prometheus(refcache *c, stats_buf *b)
{
	pthread_mutex_lock(&c->mu);
	int rc = stats_printf(
		b,
		"# HELP evald_ref_cache_hits_total FIDs against a stored "
		"reference that found it prepared.\n"
		"# TYPE evald_ref_cache_hits_total counter\n"
		"evald_ref_cache_hits_total %llu\n"
		"# HELP evald_ref_cache_misses_total FIDs against a stored "
		"reference that had to prepare it.\n"
		"# TYPE evald_ref_cache_misses_total counter\n"
		"evald_ref_cache_misses_total %llu\n"
		"# HELP evald_ref_cache_bytes Memory held by prepared "
		"references.\n"
		"# TYPE evald_ref_cache_bytes gauge\n"
		"evald_ref_cache_bytes %lld\n"
		"# HELP evald_ref_cache_entries Prepared references held.\n"
		"# TYPE evald_ref_cache_entries gauge\n"
		"evald_ref_cache_entries %lld\n",
		(unsigned long long)c->hits, (unsigned long long)c->misses,
		(long long)c->bytes, (long long)c->entries);
	pthread_mutex_unlock(&c->mu);
	return rc;
}
