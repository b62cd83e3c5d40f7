/* refcache.h - prepared references (evald_fid_ref) kept in memory, so an
 * FID against a stored reference neither reads its covariance from the
 * store nor factors it again, and the rows references and streams keep
 * (keep_rows), so a metric against them does not read them again.
 *
 * Entries are keyed by (name, version): the store gives every PUT of a
 * reference a new version, so an entry prepared from an older version is
 * never served, whatever the order of concurrent PUTs and FIDs.  Bounded
 * by bytes, least recently used first out.  A handle from refcache_get or
 * refcache_adopt keeps its entry alive until refcache_release, even if it
 * is evicted or dropped meanwhile.  Thread-safe. */
#ifndef EVALD_REFCACHE_H
#define EVALD_REFCACHE_H

#include <stdint.h>

#include <evald/fid.h>

typedef struct refcache refcache;
typedef struct refcache_entry refcache_entry;

typedef struct refcache_stats {
	uint64_t hits, misses;
	int64_t bytes, entries;
} refcache_stats;

/* max_bytes 0 disables caching (handles still work, uncached). */
refcache *refcache_new(int64_t max_bytes);
void refcache_free(refcache *c);

/* The entry for (name, version), or NULL (a miss). */
refcache_entry *refcache_get(refcache *c, const char *name, int64_t version);
/* Take ownership of a prepared reference: cache it under (name, version)
 * when it fits, replacing older versions, and return a handle to it.
 * NULL when out of memory (ref is then freed). */
refcache_entry *refcache_adopt(refcache *c, const char *name, int64_t version,
			       evald_fid_ref *ref);
const evald_fid_ref *refcache_ref(const refcache_entry *e);
/* The same for the float64 rows [n, d] a reference or stream keeps
 * (malloc'd; the cache frees them), under a name of their own so they do
 * not replace its prepared form; their n·d·8 bytes count against
 * max_bytes like a prepared reference's. */
refcache_entry *refcache_adopt_rows(refcache *c, const char *name,
				    int64_t version, double *rows, int64_t n,
				    int64_t d);
const double *refcache_rows(const refcache_entry *e, int64_t *n, int64_t *d);
void refcache_release(refcache *c, refcache_entry *e);
/* Forget every version of name (DELETE). */
void refcache_drop(refcache *c, const char *name);
void refcache_get_stats(refcache *c, refcache_stats *out);
/* Append the evald_ref_cache_* lines of /metrics, read under the cache's
 * lock.  Returns 0, -1 on allocation failure. */
struct stats_buf;
int refcache_prometheus(refcache *c, struct stats_buf *b);

#endif
