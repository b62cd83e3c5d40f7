/* base64.c - base64 decoding for packed tensors.
 *
 * Packed tensors are the fast path for large inputs, so decoding works on
 * four characters at a time through a 256-entry table.  Callers decode long
 * strings in pieces; padding is honoured only in the piece that ends the
 * string, so '=' in the middle can never make a piece decode short and
 * leave bytes of the destination unwritten. */
#include <string.h>

#include "base64.h"

#define BAD 0xff

/* 'A'-'Z' 0-25, 'a'-'z' 26-51, '0'-'9' 52-61, '+' 62, '/' 63; the URL-safe
 * '-' and '_' are accepted as 62 and 63 since some clients send them;
 * everything else is BAD (255). */
static const uint8_t b64[256] = {
	255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
	255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
	255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
	255, 62,  255, 62,  255, 63,  52,  53,	54,  55,  56,  57,  58,	 59,
	60,  61,  255, 255, 255, 255, 255, 255, 255, 0,	  1,   2,   3,	 4,
	5,   6,	  7,   8,   9,	 10,  11,  12,	13,  14,  15,  16,  17,	 18,
	19,  20,  21,  22,  23,	 24,  25,  255, 255, 255, 255, 63,  255, 26,
	27,  28,  29,  30,  31,	 32,  33,  34,	35,  36,  37,  38,  39,	 40,
	41,  42,  43,  44,  45,	 46,  47,  48,	49,  50,  51,  255, 255, 255,
	255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
	255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
	255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
	255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
	255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
	255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
	255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
	255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
	255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
	255, 255, 255, 255,
};

size_t base64_decoded_max(size_t len)
{
	return len / 4 * 3 + 3;
}

int base64_length(const char *in, size_t len, size_t *out_len, size_t *bad_pos)
{
	size_t n = len;

	if (n % 4 == 0 && n >= 4) {
		if (in[n - 1] == '=')
			n--;
		if (in[n - 1] == '=')
			n--;
	}
	if (n % 4 == 1) {
		*bad_pos = n - 1;
		return -1;
	}
	*out_len = n / 4 * 3 + (n % 4 ? n % 4 - 1 : 0);
	return 0;
}

int base64_decode(const char *in, size_t len, int last, uint8_t *out,
		  size_t *out_len, size_t *bad_pos)
{
	const uint8_t *t = b64;
	const uint8_t *s = (const uint8_t *)in;
	size_t i = 0, o = 0;

	if (!last && len % 4) {
		/* A piece that does not end the string must hold whole
		 * quads: refuse rather than decode a partial group. */
		*bad_pos = len;
		return -1;
	}
	/* Strip up to two '=' of padding, at the end of the string only;
	 * anywhere else '=' is an invalid character (BAD in the table). */
	if (last && len % 4 == 0 && len >= 4) {
		if (s[len - 1] == '=')
			len--;
		if (s[len - 1] == '=')
			len--;
	}
	if (len % 4 == 1) {
		*bad_pos = len - 1;
		return -1;
	}
	for (; i + 4 <= len; i += 4) {
		uint32_t a = t[s[i]], b = t[s[i + 1]], c = t[s[i + 2]],
			 d = t[s[i + 3]];
		if ((a | b | c | d) == BAD || ((a | b | c | d) & 0xc0))
			goto bad;
		uint32_t v = a << 18 | b << 12 | c << 6 | d;
		out[o] = v >> 16;
		out[o + 1] = v >> 8;
		out[o + 2] = v;
		o += 3;
	}
	if (len - i >= 2) {
		uint32_t a = t[s[i]], b = t[s[i + 1]];
		uint32_t c = len - i == 3 ? t[s[i + 2]] : 0;
		if ((a | b | c) & 0xc0)
			goto bad;
		uint32_t v = a << 18 | b << 12 | c << 6;
		out[o++] = v >> 16;
		if (len - i == 3)
			out[o++] = v >> 8;
	}
	*out_len = o;
	return 0;
bad:
	for (size_t j = i; j < len; j++)
		if (t[s[j]] == BAD) {
			*bad_pos = j;
			return -1;
		}
	*bad_pos = i;
	return -1;
}
