/* bigalloc.h - buffers of megabytes written whole (a request body, a
 * decoded input). */
#ifndef EVALD_BIGALLOC_H
#define EVALD_BIGALLOC_H

#include <stddef.h>

/* malloc(n), on huge pages where the kernel gives them on request.  Not
 * zeroed; freed with free(). */
void *big_alloc(size_t n);

#endif
