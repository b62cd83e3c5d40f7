/* rng.h - the seeded generator behind every random choice in libevald
 * (bootstrap resamples, KID subsets, sliced-Wasserstein directions).
 * xoshiro256** seeded through splitmix64: same seed, same numbers, on every
 * platform, so a result with a given `seed` is reproducible. */
#ifndef EVALD_RNG_H
#define EVALD_RNG_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct evald_rng {
	uint64_t s[4];
} evald_rng;

void evald_rng_seed(evald_rng *r, uint64_t seed);
uint64_t evald_rng_next(evald_rng *r);
/* Uniform in [0, n), without modulo bias; n > 0. */
uint64_t evald_rng_below(evald_rng *r, uint64_t n);
/* Uniform in [0, 1) with 53 random bits. */
double evald_rng_uniform(evald_rng *r);
/* Standard normal (Box-Muller, polar form). */
double evald_rng_normal(evald_rng *r);

#ifdef __cplusplus
}
#endif
#endif
