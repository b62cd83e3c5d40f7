/* internal.h - helpers shared by libevald's sources; not installed. */
#ifndef EVALD_INTERNAL_H
#define EVALD_INTERNAL_H

#include <stdint.h>
#include <stdlib.h>

/* malloc of n*size bytes, NULL on overflow; n == 0 gives a 1-byte block so
 * a NULL return always means failure. */
static inline void *evald_xalloc(int64_t n, size_t size)
{
	if (n < 0 || (size && (uint64_t)n > SIZE_MAX / size))
		return NULL;
	return malloc(n ? (size_t)n * size : 1);
}

#endif
