/* dispatch.h - the service as a pure function from request to response.
 *
 * Everything evald answers is decided here, without sockets: http.c only
 * moves bytes between libmicrohttpd and svc_handle(), and the tests call
 * svc_handle() directly to replay cases in process. */
#ifndef EVALD_DISPATCH_H
#define EVALD_DISPATCH_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include <evald/progress.h>

#include "auth.h"
#include "gate.h"
#include "jobs.h"
#include "refcache.h"
#include "stats.h"
#include "store.h"

typedef struct svc_config {
	int64_t max_body;  /* bytes; larger bodies are 413 */
	int64_t max_elems; /* per decoded tensor; 0 = unlimited */
	int max_jobs;	   /* concurrent heavy computations */
	int64_t max_cells; /* n x m of a transport problem; 0 = library default
			    */
	int max_queue;	   /* async jobs, and synchronous heavy requests,
			      waiting to run */
	int queue_timeout; /* seconds a synchronous heavy request waits */
	int64_t ref_cache; /* bytes of prepared references kept; 0 = none */
	int retry_after;   /* seconds suggested on 503 */
	int64_t max_dim;   /* largest d of streams, references, FID, KID */
	int64_t max_work;  /* multiply-adds one request may imply */
	int64_t max_decoded;	/* bytes of decoded inputs per request */
	int64_t max_json_nodes; /* JSON values per request body */
	int max_evaluate;	/* metrics per /v1/evaluate */
	int64_t max_labels;	/* bytes of a recorded point's labels */
	int64_t max_response;	/* bytes of one response body */
	int64_t job_results;	/* bytes of finished job results kept */
	int job_ttl;		/* seconds a finished job is kept */
	int job_lease;		/* seconds a replica's jobs are its own */
	int64_t max_bodies;	/* bytes of request bodies held at once */
	int64_t max_upload;	/* data bytes of one streamed .npy */
	int64_t max_kept_rows;	/* bytes of rows one reference or stream
				   keeps (keep_rows); 0 = none */
	const char *data_dir;	/* store URL or directory (store_open);
				   NULL = no store */
	int store_conns;	/* a database server's connections; 0 =
				   store.c's default */
	auth auth;		/* tokens; empty = open */
	/* columns of one /v1/drift table */
	int64_t max_drift_columns;
	int64_t max_dataset_rows;  /* rows a stored dataset keeps */
	int64_t max_dataset_cells; /* kept rows x columns; 0 = no limit */
} svc_config;

typedef struct svc {
	svc_config cfg;
	gate *gate;	  /* the --max-jobs slots and their line */
	atomic_int ready; /* store open: /readyz answers 200 */
	jobs *jobs;
	store *store; /* NULL when it could not be opened */
	refcache *refs;
	stats stats;
	/* Bytes of request bodies held: reserved by http.c as they arrive,
	 * released when the request ends or, for a body an async job took,
	 * when the job lets go of it.  At most cfg.max_bodies. */
	atomic_llong body_bytes;
} svc;

/* The query string, parsed once: its arguments in order, values already
 * percent-decoded ("" for a key without '=').  The strings belong to
 * whoever filled it (libmicrohttpd's connection, or a test's buffer). */
#define SVC_QUERY_MAX 64
typedef struct svc_query {
	size_t n;
	struct {
		const char *key, *value;
	} arg[SVC_QUERY_MAX];
} svc_query;

/* The value of the first argument named key, or NULL (q may be NULL). */
const char *svc_query_get(const svc_query *q, const char *key);
/* Split "k=v&k=v" in place into q (no percent-decoding: for tests and the
 * fuzzer).  Returns 0, or -1 past SVC_QUERY_MAX arguments. */
int svc_query_parse(svc_query *q, char *s);

typedef struct svc_request {
	const char *method;
	const char *path;	   /* without the query string */
	const svc_query *query;	   /* NULL: none */
	const char *content_type;  /* NULL when absent */
	const char *authorization; /* the Authorization header, or NULL */
	const char *body;
	size_t len;
	/* Where body came from malloc, &that pointer: an async request takes
	 * it (setting it to NULL) instead of copying.  May be NULL. */
	char **steal_body;
	/* Bytes of body counted in svc.body_bytes; whoever steals the body
	 * takes over releasing them.  0 for bodies not counted. */
	int64_t reserved;
	/* Polled by a synchronous computation; nonzero stops it (the client
	 * left, the server is stopping).  May be NULL. */
	const evald_progress *cancel;
} svc_request;

struct verr_def;
typedef struct svc_response {
	int status;
	char *body; /* malloc'd; caller frees */
	size_t len;
	const char *content_type;  /* static string */
	int retry_after;	   /* seconds; 0 = no header */
	const char *allow;	   /* Allow header for 405, static */
	int challenge;		   /* add WWW-Authenticate (401) */
	char code[48];		   /* error code for the log, "" if none */
	const char *route;	   /* route template for stats, static */
	const char *cache_control; /* static; NULL: "no-store" */

	/* An error's row of the table (verr.h), NULL if none. */
	const struct verr_def *err;
} svc_response;

/* Returns 0, or -1 when the job workers cannot be started or another
 * process holds the data directory (the reason in errbuf, 256 bytes).  A
 * store that cannot be opened otherwise is logged into errbuf and leaves
 * /readyz at 503; the stateless routes still work. */
int svc_init(svc *s, const svc_config *cfg, char *errbuf);
/* Cancel jobs, join workers. */
void svc_close(svc *s);
void svc_config_defaults(svc_config *cfg);

struct jsonx_doc;
struct verr;
/* Parse a JSON request body that must be an object (400 otherwise),
 * within cfg's --max-json-nodes and --max-decoded (413). */
int svc_parse_body(const svc_config *cfg, const char *body, size_t len,
		   struct jsonx_doc *doc, struct verr *err);
/* 1 for application/json (any parameters) or no Content-Type at all. */
int svc_is_json_type(const char *content_type);

/* Take one of --max-jobs heavy slots, in line behind earlier arrivals.
 * `worker`: 1 for a job worker (waits until its job is cancelled), 0 for a
 * synchronous request (waits at most --queue-timeout, in a line of at
 * most --max-queue).  cancel (may be NULL) is polled while waiting.  On
 * failure err is 503 overloaded with a Retry-After estimated from the
 * line (hint says what else to do), or 409 cancelled. */
int svc_heavy_enter(svc *s, int worker, const evald_progress *cancel,
		    const char *hint, gate_ticket *t, struct verr *err);
void svc_heavy_leave(svc *s, const gate_ticket *t);

/* The auth level of the route method + path names: the row's, the lowest
 * of the pattern's rows when none takes the method (a 405 is answered to
 * whoever may use the route), and for no route at all read for GET/HEAD,
 * write otherwise.  http.c asks before the body is read. */
auth_level svc_route_auth(const char *method, const char *path);

/* What the route method + path takes as a body ("POST /v1/streams needs
 * a JSON body ({\"dim\": d})"), for http.c's answer to a request without one;
 * -1 when no row matches or the row takes none. */
int svc_route_body_need(const char *method, const char *path, char *buf,
			size_t n);

/* Answer one request.  Always fills rs with a complete response. */
void svc_handle(svc *s, const svc_request *rq, svc_response *rs);

/* A body streamed as it arrives (upload.h): a .npy sent as
 * application/x-npy to a route whose row takes one.  Called when the
 * headers are in (rq->body unused; length: the Content-Length, or -1 for
 * a chunked body).  Returns 0 when the request is not one (read its body
 * whole and call svc_handle), -1 with rs the answer from the headers
 * alone, or 1 with *out: the upload holds a --max-jobs slot (it waited
 * in line for it, polling rq->cancel); feed it every body byte, then end
 * it, or free it if the connection dies. */
typedef struct svc_upload svc_upload;
int svc_upload_begin(svc *s, const svc_request *rq, int64_t length,
		     svc_upload **out, svc_response *rs);
/* 0, or -1 with err: answer it and close the connection. */
int svc_upload_feed(svc_upload *u, const void *data, size_t n,
		    struct verr *err);
/* The body is complete: its answer in rs; frees u. */
void svc_upload_end(svc_upload *u, svc_response *rs);
void svc_upload_free(svc_upload *u);
/* 1 when method + path is a route that takes a streamed .npy. */
int svc_route_streams(const char *method, const char *path);

/* The route table as the OpenAPI generator (openapi.c) reads it: one
 * entry per row, in table order.  `path` is the row's label
 * ("/v1/metrics/{name}"); `query` is NULL-terminated or NULL, without
 * "async", which `async` stands for. */
enum {
	SVC_BODY_NONE,
	SVC_BODY_JSON,
	SVC_BODY_JSON_NPY,
	SVC_BODY_JSON_NPZ,
	SVC_BODY_JSON_INPUTS_NPZ /* JSON, or a .npz of the inputs */
};
typedef struct svc_route_info {
	const char *method, *path;
	const char *pattern; /* '*' a segment, a final '**' the rest */
	auth_level auth;
	int body;	  /* SVC_BODY_* */
	int npy_stream;	  /* also takes a .npy as application/x-npy */
	int async;	  /* takes ?async=1 */
	int store;	  /* needs the store */
	int heavy;	  /* holds a --max-jobs slot */
	const char *what; /* the body, in words; NULL for none */
	const char *const *query;
} svc_route_info;
/* How many rows the table has; row i (0 <= i < that) into *out. */
size_t svc_route_count(void);
void svc_route_at(size_t i, svc_route_info *out);

#endif
