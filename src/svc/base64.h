/* base64.h - RFC 4648 base64 decoding straight into a caller's buffer. */
#ifndef EVALD_BASE64_H
#define EVALD_BASE64_H

#include <stddef.h>
#include <stdint.h>

/* Upper bound of the decoded size of `len` base64 characters. */
size_t base64_decoded_max(size_t len);

/* Decode `len` characters of `in` into `out` (at least
 * base64_decoded_max(len) bytes).  Padding is optional; whitespace is not
 * accepted.  Returns 0 and sets *out_len, or -1 and sets *bad_pos to the
 * offset of the first invalid character. */
int base64_decode(const char *in, size_t len, uint8_t *out, size_t *out_len,
		  size_t *bad_pos);

#endif
