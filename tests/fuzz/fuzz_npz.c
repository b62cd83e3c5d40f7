/* fuzz_npz.c - libFuzzer harness: the .npz path of PUT /v1/references
 * (members mu and sigma, inflated and widened) under a decoding budget;
 * nothing may be allocated past the budget, and a decoded tensor must be
 * fully readable. */
#include <stdint.h>
#include <stdlib.h>

#include "npy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define BUDGET (32 << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = {"mu", "sigma"};
	pool *p = pool_new();
	if (!p)
		return 0;
	pool_set_budget(p, BUDGET);
	for (int i = 0; i < 2; i++) {
		const void *m;
		size_t mlen;
		evald_tensor t;
		verr err;
		if (npz_member(data, size, names[i], p, (size_t)4 * size, &m,
			       &mlen, &err) < 0 ||
		    npy_decode(m, mlen, p, 0, names[i], &t, &err) < 0)
			break;
		volatile double s = 0;
		for (int64_t j = 0; j < t.size; j++)
			s += t.data[j];
		(void)s;
	}
	if (pool_reserved(p) > BUDGET)
		abort();
	pool_free(p);
	return 0;
}
