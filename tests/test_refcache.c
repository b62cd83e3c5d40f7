/* test_refcache.c - the prepared-reference cache: hits only for the
 * version stored, least recently used out first within the byte budget,
 * handles that outlive eviction, and threads hammering one cache (run
 * under ASan/UBSan in CI, where a use after free would abort). */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "refcache.h"
#include "tap.h"

/* A stand-in reference of d values, mu[0] = tag: 8·d bytes. */
static evald_fid_ref fake(int64_t d, double tag)
{
	evald_fid_ref r = {.d = d};
	r.mu = calloc((size_t)d, sizeof(double));
	r.mu[0] = tag;
	return r;
}

static void test_basics(void)
{
	refcache *c = refcache_new(8 * 30); /* room for 30 doubles */
	refcache_stats st;
	evald_fid_ref r = fake(10, 1);

	refcache_entry *a = refcache_adopt(c, "a", 1, &r);
	tap_ok(a && refcache_ref(a)->mu[0] == 1 && r.mu == NULL,
	       "adopt takes the reference and hands back a handle");
	refcache_release(c, a);
	refcache_entry *h = refcache_get(c, "a", 1);
	tap_ok(h && refcache_ref(h)->mu[0] == 1, "the same version hits");
	tap_ok(refcache_get(c, "a", 2) == NULL, "another version misses");
	refcache_release(c, h);

	r = fake(10, 2);
	refcache_release(c, refcache_adopt(c, "b", 1, &r));
	h = refcache_get(c, "a", 1); /* a is now the most recent */
	r = fake(10, 3);
	refcache_release(c, refcache_adopt(c, "c", 1, &r));
	r = fake(10, 4);
	refcache_release(c, refcache_adopt(c, "d", 1, &r)); /* evicts b */
	refcache_entry *b = refcache_get(c, "b", 1);
	refcache_entry *a2 = refcache_get(c, "a", 1);
	tap_ok(!b && a2, "the least recently used goes first");
	refcache_release(c, a2);
	refcache_get_stats(c, &st);
	tap_ok(st.bytes == 8 * 30 && st.entries == 3, "3 entries, 240 bytes");

	r = fake(10, 5);
	refcache_release(c, refcache_adopt(c, "a", 2, &r)); /* replaces a */
	tap_ok(refcache_ref(h)->mu[0] == 1,
	       "a handle outlives the replacement of its entry");
	refcache_release(c, h);
	refcache_entry *n = refcache_get(c, "a", 2);
	tap_ok(!refcache_get(c, "a", 1) && n, "only the new version is cached");
	refcache_release(c, n);
	refcache_drop(c, "a");
	tap_ok(!refcache_get(c, "a", 2), "drop forgets every version");

	r = fake(100, 6); /* larger than the budget */
	h = refcache_adopt(c, "big", 1, &r);
	tap_ok(h && refcache_ref(h)->mu[0] == 6 && !refcache_get(c, "big", 1),
	       "a reference over the budget is served but not cached");
	refcache_release(c, h);
	refcache_get_stats(c, &st);
	tap_ok(st.hits == 4 && st.misses == 5,
	       "hits and misses are counted (%llu, %llu)",
	       (unsigned long long)st.hits, (unsigned long long)st.misses);
	refcache_free(c);
}

/* ------------------------------------------------------------ threads */

typedef struct worker {
	refcache *c;
	unsigned seed;
	int bad;
} worker;

static void *hammer(void *arg)
{
	worker *w = arg;
	const char *names[] = {"x", "y", "z"};
	for (int i = 0; i < 20000; i++) {
		unsigned r = (unsigned)rand_r(&w->seed);
		const char *name = names[r % 3];
		int64_t version = (int64_t)(r / 3 % 4) + 1;
		/* The tag says which (name, version) a reference was made
		 * for: a hit must carry the tag it was looked up by. */
		double tag = (double)(r % 3 * 10 + version);
		refcache_entry *e;
		switch (r / 12 % 4) {
		case 0: {
			evald_fid_ref f = fake(1 + r % 7, tag);
			e = refcache_adopt(w->c, name, version, &f);
			break;
		}
		case 1: refcache_drop(w->c, name); continue;
		default: e = refcache_get(w->c, name, version); break;
		}
		if (e && refcache_ref(e)->mu[0] != tag)
			w->bad++;
		refcache_release(w->c, e);
	}
	return NULL;
}

static void test_threads(void)
{
	refcache *c = refcache_new(8 * 20);
	pthread_t t[4];
	worker w[4];
	int bad = 0;

	for (int i = 0; i < 4; i++) {
		w[i] = (worker){c, (unsigned)i + 1, 0};
		pthread_create(&t[i], NULL, hammer, &w[i]);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		bad += w[i].bad;
	}
	refcache_stats st;
	refcache_get_stats(c, &st);
	tap_ok(bad == 0 && st.bytes <= 8 * 20,
	       "4 threads x 20000 operations: every hit is the version asked "
	       "for, the budget holds (%lld bytes, %llu hits)",
	       (long long)st.bytes, (unsigned long long)st.hits);
	refcache_free(c);
}

int main(void)
{
	test_basics();
	test_threads();
	return tap_done();
}
