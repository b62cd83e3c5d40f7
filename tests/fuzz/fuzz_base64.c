/* fuzz_base64.c - libFuzzer harness: base64 decoding never writes past
 * base64_decoded_max(), reports a position inside the input, decodes to
 * exactly base64_length() bytes, and decodes the same in 4096-character
 * pieces as whole (padding counts only at the end of the string). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t cap = base64_decoded_max(size), got, bad, want;
	uint8_t *out = malloc(cap ? cap : 1), *pieces = malloc(cap ? cap : 1);
	const char *s = (const char *)data;
	if (!out || !pieces)
		goto done;
	int whole = base64_decode(s, size, 1, out, &got, &bad);
	if (whole == 0) {
		if (got > cap)
			abort();
		if (base64_length(s, size, &want, &bad) < 0 || want != got)
			abort();
	} else if (bad > size) {
		abort();
	}
	size_t total = 0, done = 0;
	int ok = 1;
	while (done < size && ok) {
		size_t n = size - done > 4096 ? 4096 : size - done, g;
		ok = base64_decode(s + done, n, done + n == size,
				   pieces + total, &g, &bad) == 0;
		total += ok ? g : 0;
		done += n;
	}
	if (ok != (whole == 0) ||
	    (ok && (total != got || memcmp(out, pieces, got) != 0)))
		abort();
done:
	free(out);
	free(pieces);
	return 0;
}
