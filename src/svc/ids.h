/* ids.h - unguessable identifiers for jobs, streams and reference
 * versions, from the kernel's CSPRNG.
 *
 * An id is an access token in practice (whoever knows a job's id reads its
 * result), so it must not be predictable from other ids: 128 bits from
 * getrandom(), never a seeded PRNG. */
#ifndef EVALD_IDS_H
#define EVALD_IDS_H

#include <stddef.h>
#include <stdint.h>

#define IDS_HEX_LEN 32 /* characters of an id, without the NUL */

/* Fill buf with n random bytes.  Returns 0, or -1 with errno set. */
int ids_random(void *buf, size_t n);

/* 128 random bits as 32 lowercase hex characters and a NUL.  Returns 0,
 * or -1 with errno set (out is then ""). */
int ids_hex128(char out[IDS_HEX_LEN + 1]);

#endif
