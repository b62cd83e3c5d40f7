/* settings.h - the daemon's settings from flags and EVALD_* variables. */
#ifndef EVALD_SETTINGS_H
#define EVALD_SETTINGS_H

#include <stdint.h>

#include "dispatch.h"

typedef struct settings {
	char listen[256]; /* ADDR:PORT or [ADDR6]:PORT */
	char data_dir[1024];
	char store[1040];	 /* store URL (store.h): --store, or
				    sqlite:--data-dir */
	char migrate_from[1024]; /* "": serve */
	int threads;		 /* HTTP worker threads */
	int log_level;
	int conn_timeout;   /* seconds an idle connection may stay */
	int conn_limit;	    /* simultaneous connections */
	int header_timeout; /* seconds to send the headers */
	int body_timeout;   /* seconds to send the body */
	int per_ip_limit;   /* simultaneous connections per client address */
	int drain_timeout;  /* seconds SIGTERM lets requests in flight run */
	int64_t body_cache; /* bytes of idle body buffers kept (bodycache.h) */
	char token_file[1024];
	char tls_cert[1024]; /* PEM files; both or neither */
	char tls_key[1024];
	char read_token_file[1024];
	svc_config svc;
} settings;

/* ADDR:PORT, [ADDR6]:PORT or PORT (on 127.0.0.1; "localhost" is too)
 * into *ss.  0, or -1 when s is none of those. */
struct sockaddr_storage;
int settings_parse_listen(const char *s, struct sockaddr_storage *ss,
			  unsigned int *len);

/* Defaults, then EVALD_* environment, then argv.  Returns 0 to run, 1
 * when --help/--version was answered, -1 on a usage error (reported). */
int settings_load(settings *cfg, int argc, char **argv);

#endif
