/* migrate.h - evald --migrate-from: copy an embedded store into a
 * database server's store and prove the copy. */
#ifndef EVALD_MIGRATE_H
#define EVALD_MIGRATE_H

#include <stdint.h>
#include <stdio.h>

#include "store.h"

/* What a store holds, as compared between source and copy: counts, and
 * per kind of record the sum (mod 2^64) of a 64-bit FNV-1a hash of each
 * record whole (every field, times, versions and data; a point with its
 * position in its series), so any changed, lost or extra record shows
 * whatever order the records are read in. */
typedef struct migrate_sum {
	int64_t series, points, references, streams;
	uint64_t points_hash, references_hash, streams_hash;
	double value_sum; /* of the finite values, for people */
} migrate_sum;

/* Read all of st into *sum. */
int migrate_summarize(store *st, migrate_sum *sum, char *errbuf);

/* Copy the store at from (sqlite:DIR or DIR, which must hold one) into
 * the one at to, when to is empty, and verify it; a to that already holds
 * the same data is left as it is.  Writes a summary to out.  0, or -1
 * with the reason (the mismatch, naming the table) in errbuf. */
int migrate_run(const char *from, const char *to, FILE *out, char *errbuf);

#endif
