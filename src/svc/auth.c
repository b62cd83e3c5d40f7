/* auth.c - bearer-token checks.
 *
 * Which routes are open, read or write is the route table's business
 * (dispatch.c); here a write route needs the write token when one is
 * configured, a read route the read token when one is configured (the
 * write token is accepted there too), and an open route nothing. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "auth.h"

int auth_load_token(const char *path, char *out, size_t outlen, char *errbuf)
{
	FILE *f = fopen(path, "r");
	char line[512];
	size_t n;

	if (!f) {
		snprintf(errbuf, 256, "cannot read token file %.150s", path);
		return -1;
	}
	if (!fgets(line, sizeof line, f))
		line[0] = '\0';
	fclose(f);
	char *s = line;
	while (isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	if (n < 16 || n >= outlen) {
		snprintf(errbuf, 256,
			 "the token in %.150s must be 16 to %zu characters",
			 path, outlen - 1);
		return -1;
	}
	memcpy(out, s, n + 1);
	return 0;
}

/* Equal strings, in time that depends only on the length of `want`. */
static int same_token(const char *got, const char *want)
{
	size_t gl = strlen(got), wl = strlen(want);
	unsigned char diff = (unsigned char)(gl != wl);
	for (size_t i = 0; i < wl; i++)
		diff |= (unsigned char)want[i] ^
			(unsigned char)(i < gl ? got[i] : 0);
	return diff == 0;
}

static const char *bearer(const char *authorization)
{
	if (!authorization || strncasecmp(authorization, "Bearer ", 7))
		return NULL;
	authorization += 7;
	while (*authorization == ' ')
		authorization++;
	return authorization;
}

int auth_check(const auth *a, auth_level level, const char *authorization,
	       verr *err)
{
	const char *tok = bearer(authorization);

	if (level == AUTH_OPEN)
		return 0;
	if (level == AUTH_WRITE) {
		if (!a->write_token[0] ||
		    (tok && same_token(tok, a->write_token)))
			return 0;
	} else {
		if (!a->read_token[0])
			return 0;
		if (tok &&
		    (same_token(tok, a->read_token) ||
		     (a->write_token[0] && same_token(tok, a->write_token))))
			return 0;
	}
	verr_set(err, E_UNAUTHORIZED, "",
		 tok ? "the bearer token is not valid for this request"
		     : "this server needs 'Authorization: Bearer <token>' "
		       "for this request");
	return -1;
}
