/* rng.c - xoshiro256** (Blackman & Vigna) seeded by splitmix64. */
#include <math.h>

#include <evald/rng.h>

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static inline uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

void evald_rng_seed(evald_rng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

uint64_t evald_rng_next(evald_rng *r)
{
	uint64_t *s = r->s;
	uint64_t out = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return out;
}

uint64_t evald_rng_below(evald_rng *r, uint64_t n)
{
	/* Reject the top sliver that would make some residues likelier. */
	uint64_t limit = UINT64_MAX - UINT64_MAX % n;
	uint64_t x;
	do
		x = evald_rng_next(r);
	while (x >= limit);
	return x % n;
}

double evald_rng_uniform(evald_rng *r)
{
	return (double)(evald_rng_next(r) >> 11) * 0x1.0p-53;
}

double evald_rng_normal(evald_rng *r)
{
	double u, v, s;
	do {
		u = 2.0 * evald_rng_uniform(r) - 1.0;
		v = 2.0 * evald_rng_uniform(r) - 1.0;
		s = u * u + v * v;
	} while (s >= 1.0 || s == 0.0);
	/* The second variate is dropped: keeping state would make the
	 * sequence depend on call history, not just the seed. */
	return u * sqrt(-2.0 * log(s) / s);
}
