/* http.h - evald's HTTP front: libmicrohttpd in, svc_handle() out. */
#ifndef EVALD_HTTP_H
#define EVALD_HTTP_H

#include "dispatch.h"
#include "settings.h"

typedef struct http_server http_server;

/* Start serving on cfg->listen, or on listen_fd when it is >= 0 (a
 * socket passed by systemd); returns NULL (after logging why) on failure. */
http_server *http_start(const settings *cfg, svc *s, int listen_fd);

/* The port actually bound (differs from the setting when it was 0). */
int http_port(const http_server *h);

/* Stop accepting, wait up to `grace_s` seconds for in-flight requests to
 * finish, then stop and free the server. */
void http_stop(http_server *h, int grace_s);

#endif
