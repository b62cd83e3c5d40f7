/* base64.h - RFC 4648 base64 decoding straight into a caller's buffer. */
#ifndef EVALD_BASE64_H
#define EVALD_BASE64_H

#include <stddef.h>
#include <stdint.h>

/* Upper bound of the decoded size of `len` base64 characters. */
size_t base64_decoded_max(size_t len);

/* The exact number of bytes the `len` characters of `in` decode to, if
 * they are valid base64.  Padding ('=') counts only as the last one or two
 * characters of a string whose length is a multiple of 4; a length that
 * leaves one character over (len % 4 == 1 once padding is removed) can
 * never be valid.  Returns 0 and sets *out_len, or -1 and sets *bad_pos.
 * Individual characters are checked by base64_decode. */
int base64_length(const char *in, size_t len, size_t *out_len, size_t *bad_pos);

/* Decode `len` characters of `in` into `out` (at least
 * base64_decoded_max(len) bytes).  A string may be decoded in pieces:
 * `last` says whether this piece ends it.  A piece that is not the last
 * must be a multiple of 4 characters and holds no padding, since '=' is
 * valid only at the very end of the whole string; the last piece may end
 * in padding or leave it out.  Whitespace is not accepted.  Returns 0 and
 * sets *out_len, or -1 and sets *bad_pos to the offset (within this
 * piece) of the first invalid character. */
int base64_decode(const char *in, size_t len, int last, uint8_t *out,
		  size_t *out_len, size_t *bad_pos);

#endif
