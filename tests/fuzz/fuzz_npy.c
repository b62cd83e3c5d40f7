/* fuzz_npy.c - libFuzzer harness: .npy and .npz readers on arbitrary
 * bytes; a decoded tensor must be fully readable. */
#include <stdint.h>
#include <stdlib.h>

#include "npy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pool *p = pool_new();
	evald_tensor t;
	verr err;
	const void *m;
	size_t mlen;

	if (npy_decode(data, size, p, 1 << 20, "x", &t, &err) == 0) {
		volatile double s = 0;
		for (int64_t i = 0; i < t.size; i++)
			s += t.data[i];
		(void)s;
	}
	if (npz_member(data, size, "mu", p, 1 << 24, &m, &mlen, &err) == 0)
		(void)npy_decode(m, mlen, p, 1 << 20, "mu", &t, &err);
	pool_free(p);
	return 0;
}
