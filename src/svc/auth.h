/* auth.h - bearer tokens: who may write and who may read. */
#ifndef EVALD_AUTH_H
#define EVALD_AUTH_H

#include <stddef.h>

#include "verr.h"

typedef struct auth {
	char write_token[256]; /* "" = writes are open */
	char read_token[256];  /* "" = reads are open */
} auth;

/* Read a token from the first line of `path` (surrounding white space
 * dropped).  Returns 0, or -1 with a message in errbuf (256 bytes). */
int auth_load_token(const char *path, char *out, size_t outlen, char *errbuf);

/* What a route needs (its row of the route table says which). */
typedef enum auth_level {
	AUTH_OPEN,  /* anyone */
	AUTH_READ,  /* the read token (or the write token), when one is set */
	AUTH_WRITE, /* the write token, when one is set */
} auth_level;

/* Decide one request to a route of the given level.  Returns 0 when
 * allowed, else -1 with a 401 in err.  The token is compared in constant
 * time and never copied into err. */
int auth_check(const auth *a, auth_level level, const char *authorization,
	       verr *err);

#endif
