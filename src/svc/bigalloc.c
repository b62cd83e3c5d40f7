/* bigalloc.c - large buffers on huge pages.
 *
 * A 100 MB body or decoded input written through 4 KiB pages costs some
 * 25 000 page faults, a quarter of a large request's time; on 2 MiB pages
 * (transparent huge pages in "madvise" mode, Debian's default) about 50. */
#include <stdlib.h>
#include <sys/mman.h>

#include "bigalloc.h"

void *big_alloc(size_t n)
{
	const size_t huge = (size_t)2 << 20;
	if (n < huge)
		return malloc(n ? n : 1);
	size_t r = (n + huge - 1) / huge * huge;
	void *p = aligned_alloc(huge, r);
#ifdef MADV_HUGEPAGE
	if (p)
		madvise(p, r, MADV_HUGEPAGE);
#endif
	return p;
}
