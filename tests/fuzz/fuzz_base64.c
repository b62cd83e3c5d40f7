/* fuzz_base64.c - libFuzzer harness: base64 decoding never writes past
 * base64_decoded_max() and reports a position inside the input. */
#include <stdint.h>
#include <stdlib.h>

#include "base64.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t cap = base64_decoded_max(size), got, bad;
	uint8_t *out = malloc(cap ? cap : 1);
	if (!out)
		return 0;
	if (base64_decode((const char *)data, size, 1, out, &got, &bad) == 0) {
		if (got > cap)
			abort();
	} else if (bad > size) {
		abort();
	}
	free(out);
	return 0;
}
