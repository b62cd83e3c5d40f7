/* auth.c - bearer-token checks.
 *
 * Writes (POST, PUT, DELETE) need the write token when one is configured;
 * reads under /v1/ and /metrics need the read token when one is
 * configured, and the write token is accepted there too.  /healthz,
 * /readyz and the dashboard page itself are always open (the page sends
 * the token it is given in its URL fragment with its API calls). */
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

int auth_check(const auth *a, const char *method, const char *path,
	       const char *authorization, verr *err)
{
	int write = strcmp(method, "GET") && strcmp(method, "HEAD");
	const char *tok = bearer(authorization);

	if (!strcmp(path, "/healthz") || !strcmp(path, "/readyz") ||
	    !strcmp(path, "/"))
		return 0;
	if (write) {
		if (!a->write_token[0] ||
		    (tok && same_token(tok, a->write_token)))
			return 0;
	} else {
		int guarded =
			!strncmp(path, "/v1/", 4) || !strcmp(path, "/metrics");
		if (!guarded || !a->read_token[0])
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
