/* ids.c - identifiers from getrandom() (see ids.h). */
#include <errno.h>
#include <stdio.h>
#include <sys/random.h>

#include "ids.h"

int ids_random(void *buf, size_t n)
{
	unsigned char *p = buf;
	while (n > 0) {
		/* Blocks only until the kernel's pool is first seeded. */
		ssize_t got = getrandom(p, n, 0);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += got;
		n -= (size_t)got;
	}
	return 0;
}

int ids_hex128(char out[IDS_HEX_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char b[IDS_HEX_LEN / 2];

	out[0] = '\0';
	if (ids_random(b, sizeof b) < 0)
		return -1;
	for (size_t i = 0; i < sizeof b; i++) {
		out[2 * i] = hex[b[i] >> 4];
		out[2 * i + 1] = hex[b[i] & 15];
	}
	out[IDS_HEX_LEN] = '\0';
	return 0;
}
