/* http.c - the libmicrohttpd glue.
 *
 * Owns connections, body accumulation and limits (Content-Length checked
 * before any body byte is read), the deadlines libmicrohttpd does not
 * keep (headers, body), the watch that cancels a synchronous computation
 * whose client left or whose drain ran out, the per-request log line and
 * the in-flight count used to drain on SIGTERM.  What to answer is decided
 * by svc_handle(); nothing here interprets a body. */
#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "auth.h"
#include "bigalloc.h"
#include "bodycache.h"
#include "http.h"
#include "log.h"
#include "respond.h"
#include "settings.h"
#include "verr.h"

#if MHD_VERSION < 0x00097002
typedef int MHD_RESULT;
#else
typedef enum MHD_Result MHD_RESULT;
#endif

/* The longest query string (after '?') accepted.  It is checked on the
 * raw request line, before libmicrohttpd splits it: ~1000 arguments
 * exhaust the connection's memory pool there, and 0.9.75 then queues a
 * 431 it never sends, leaving the client hanging.  512 bytes hold at most
 * 256 arguments, which fit; more than SVC_QUERY_MAX of them are 414 too. */
#define QUERY_MAX 512

/* Where a connection is, for its deadlines. */
enum { PH_HEADERS, PH_BODY, PH_BUSY, PH_IDLE };

/* One open connection.  Created when libmicrohttpd accepts it and freed
 * when libmicrohttpd reports it closed, which it does before closing the
 * socket: so while an entry is linked (under http_server.mu) its fd is
 * open and still this connection's, and the reaper may shutdown() it. */
typedef struct conn_track {
	struct conn_track *prev, *next;
	int fd;
	int phase;
	double deadline; /* CLOCK_MONOTONIC seconds; 0 = none */
	int cut;	 /* the reaper closed it: the status it sent, or -1 */
	char addr[48];
} conn_track;

struct http_server {
	struct MHD_Daemon *d;
	svc *svc;
	int64_t max_body;
	int header_timeout, body_timeout, idle_timeout; /* 0 = none */
	int tls;
	int port; /* the listening socket's, for the start-up line */
	atomic_int inflight;
	atomic_int cancel_all; /* the drain ran out: stop computing */
	char *cert, *key;      /* PEM, alive while the daemon runs */
	pthread_mutex_t mu;    /* guards conns, every entry, stopping */
	pthread_cond_t cv;
	conn_track *conns;
	int stopping;
	int reaper_on;
	pthread_t reaper;
	body_cache *cache; /* freed body buffers for the next bodies */
};

/* Per-request state, created when the request line has arrived. */
typedef struct req {
	char *body;
	size_t len, cap;
	int started; /* the handler has seen the headers */
	int refused; /* answered on the raw socket; close the connection */
	struct timespec t0;
	int status;
	size_t out_len;
	char code[48];
	char method[16];
	char path[200];	   /* for the log line; truncated */
	const char *route; /* route template for stats */
	svc_query query;   /* strings in libmicrohttpd's connection pool */
	int qbad;	   /* 1: not UTF-8, 2: too many arguments */
	int64_t reserved;  /* bytes of svc.body_bytes this body holds */
	svc_upload *up;	   /* a body streamed, not held (upload.h) */
} req;

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

static double since_ms(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1e3 + (t.tv_nsec - t0->tv_nsec) / 1e6;
}

static void remote_addr(struct MHD_Connection *conn, char *addr, size_t n)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(
		conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	snprintf(addr, n, "-");
	if (!ci || !ci->client_addr)
		return;
	const struct sockaddr *sa = ci->client_addr;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr,
			  addr, (socklen_t)n);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6,
			  &((const struct sockaddr_in6 *)sa)->sin6_addr, addr,
			  (socklen_t)n);
}

/* ------------------------------------------------------- raw answers */

static const char *reason_of(int status)
{
	switch (status) {
	case 408: return "Request Timeout";
	case 413: return "Content Too Large";
	case 414: return "URI Too Long";
	case 503: return "Service Unavailable";
	default: return "Error";
	}
}

/* Answer e on the socket itself and end the connection.  For what
 * libmicrohttpd 0.9.75 cannot answer: it queues responses only before
 * the body or after all of it, so a chunked body past --max-body, a body
 * past its deadline and an over-long query would otherwise be read to
 * the end or hang.  Only called where libmicrohttpd is writing nothing on
 * this socket (it is reading a request); under TLS the bytes would break
 * the session, so the connection is only closed.  The body is
 * respond_error's, as for every other error. */
static void raw_answer(const http_server *h, int fd, const verr *e)
{
	char all[1024], ra[40] = "";
	int al;

	if (!h->tls) {
		svc_response rs;
		memset(&rs, 0, sizeof rs);
		respond_error(&rs, e);
		if (rs.retry_after > 0)
			snprintf(ra, sizeof ra, "Retry-After: %d\r\n",
				 rs.retry_after);
		al = snprintf(all, sizeof all,
			      "HTTP/1.1 %d %s\r\nContent-Type: "
			      "application/json; charset=utf-8\r\n"
			      "Cache-Control: no-store\r\n%sConnection: "
			      "close\r\nContent-Length: %zu\r\n\r\n%s",
			      rs.status, reason_of(rs.status), ra, rs.len,
			      rs.body ? rs.body : "");
		if (rs.body && al > 0 && (size_t)al < sizeof all &&
		    send(fd, all, (size_t)al, MSG_NOSIGNAL | MSG_DONTWAIT) <
			    0) {
			/* The client is gone; closing is all left. */
		}
		free(rs.body);
	}
	/* Reading ends too: libmicrohttpd sees end-of-stream and closes. */
	shutdown(fd, SHUT_RDWR);
}

static void refuse_err(http_server *h, struct MHD_Connection *conn, req *r,
		       const verr *e)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(
		conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	r->status = e->status;
	r->refused = 1;
	r->route = "refused";
	snprintf(r->code, sizeof r->code, "%s", e->code);
	if (ci)
		raw_answer(h, ci->connect_fd, e);
}

static void refuse_raw(http_server *h, struct MHD_Connection *conn, req *r,
		       verr_code c, int retry_after, const char *msg)
{
	verr e;
	verr_set(&e, c, "", "%s", msg);
	if (retry_after > 0)
		e.retry_after = retry_after;
	refuse_err(h, conn, r, &e);
}

/* ------------------------------------------------------- deadlines */

static conn_track *track_of(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(
		conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci ? ci->socket_context : NULL;
}

/* Move t to `phase` with a deadline `secs` from now (0 = none); returns
 * nonzero when the reaper has already cut the connection. */
static int track_phase(http_server *h, conn_track *t, int phase, int secs)
{
	int cut;
	if (!t)
		return 0;
	pthread_mutex_lock(&h->mu);
	t->phase = phase;
	t->deadline = secs > 0 ? now_s() + secs : 0;
	cut = t->cut;
	pthread_mutex_unlock(&h->mu);
	return cut;
}

static void on_connection(void *cls, struct MHD_Connection *conn,
			  void **socket_context,
			  enum MHD_ConnectionNotificationCode code)
{
	http_server *h = cls;
	conn_track *t = *socket_context;

	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(
			conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		/* Without memory the connection goes untracked: only the idle
		 * timeout applies to it. */
		if (!ci || !(t = calloc(1, sizeof *t)))
			return;
		t->fd = ci->connect_fd;
		remote_addr(conn, t->addr, sizeof t->addr);
		/* A fresh connection's first request begins at once. */
		t->phase = PH_HEADERS;
		t->deadline =
			h->header_timeout ? now_s() + h->header_timeout : 0;
		pthread_mutex_lock(&h->mu);
		t->next = h->conns;
		if (h->conns)
			h->conns->prev = t;
		h->conns = t;
		pthread_mutex_unlock(&h->mu);
		*socket_context = t;
		return;
	}
	if (!t)
		return;
	pthread_mutex_lock(&h->mu);
	if (t->prev)
		t->prev->next = t->next;
	else
		h->conns = t->next;
	if (t->next)
		t->next->prev = t->prev;
	pthread_mutex_unlock(&h->mu);
	free(t);
	*socket_context = NULL;
}

/* Close connections past their deadline, a few times a second.  A request
 * being computed or answered (PH_BUSY) is never cut: its client is
 * watched by watch_tick instead. */
static void *reaper(void *arg)
{
	static const char *const names[] = {"headers", "body", "busy", "idle"};
	http_server *h = arg;
	struct timespec ts;

	pthread_mutex_lock(&h->mu);
	while (!h->stopping) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_nsec += 200 * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&h->cv, &h->mu, &ts);
		double now = now_s();
		for (conn_track *t = h->conns; t && !h->stopping; t = t->next) {
			if (t->cut || t->phase == PH_BUSY || !t->deadline ||
			    now < t->deadline)
				continue;
			if (t->phase == PH_IDLE) {
				t->cut = -1;
				shutdown(t->fd, SHUT_RDWR);
			} else {
				verr e;
				if (t->phase == PH_BODY)
					verr_set(&e, E_BODY_TIMEOUT, "",
						 "the request body did not "
						 "arrive in time "
						 "(--body-timeout)");
				else
					verr_set(&e, E_HEADER_TIMEOUT, "",
						 "the request headers did not "
						 "arrive in time "
						 "(--header-timeout)");
				t->cut = e.status;
				raw_answer(h, t->fd, &e);
			}
			log_msg(LOG_INFO,
				"event=deadline phase=%s remote=%s status=%d",
				names[t->phase], t->addr,
				t->cut > 0 ? t->cut : 0);
		}
	}
	pthread_mutex_unlock(&h->mu);
	return NULL;
}

/* ------------------------------------------------------- responses */

static MHD_RESULT send_response(struct MHD_Connection *conn, req *r,
				svc_response *rs)
{
	struct MHD_Response *resp = MHD_create_response_from_buffer(
		rs->len, rs->body, MHD_RESPMEM_MUST_FREE);
	MHD_RESULT ret;
	char ra[16];

	if (!resp) {
		free(rs->body);
		return MHD_NO;
	}
	MHD_add_response_header(resp, "Content-Type", rs->content_type);
	MHD_add_response_header(resp, "Cache-Control",
				rs->cache_control ? rs->cache_control
						  : "no-store");
	if (rs->retry_after > 0) {
		snprintf(ra, sizeof ra, "%d", rs->retry_after);
		MHD_add_response_header(resp, "Retry-After", ra);
	}
	if (rs->allow)
		MHD_add_response_header(resp, "Allow", rs->allow);
	if (rs->challenge)
		MHD_add_response_header(resp, "WWW-Authenticate",
					"Bearer realm=\"evald\"");
	r->status = rs->status;
	r->out_len = rs->len;
	r->route = rs->route ? rs->route : "refused";
	snprintf(r->code, sizeof r->code, "%s", rs->code);
	ret = MHD_queue_response(conn, (unsigned)rs->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* An error about the request as a whole (path ""), through
 * respond_error.  retry_after > 0 overrides the table's default. */
static MHD_RESULT send_error(struct MHD_Connection *conn, req *r, verr_code c,
			     int retry_after, const char *msg)
{
	svc_response rs;
	verr e;

	memset(&rs, 0, sizeof rs);
	verr_set(&e, c, "", "%s", msg);
	if (retry_after > 0)
		e.retry_after = retry_after;
	respond_error(&rs, &e);
	return send_response(conn, r, &rs);
}

/* ------------------------------------------------------- requests */

/* Count n more body bytes against --max-bodies, the memory all bodies
 * held at once may take (each is bounded by --max-body, but 512
 * connections of 256 MiB are not).  0, or -1 when they do not fit. */
static int body_reserve(http_server *h, req *r, int64_t n)
{
	svc *s = h->svc;
	int64_t was = atomic_fetch_add(&s->body_bytes, n);
	if (s->cfg.max_bodies > 0 && was + n > s->cfg.max_bodies) {
		atomic_fetch_sub(&s->body_bytes, n);
		return -1;
	}
	r->reserved += n;
	return 0;
}

static void body_release(http_server *h, req *r)
{
	if (r->reserved)
		atomic_fetch_sub(&h->svc->body_bytes, r->reserved);
	r->reserved = 0;
}

static const char busy_msg[] = "the server holds as many request bodies as "
			       "it may (--max-bodies); retry later";

/* Called on the first call of a request: refuse by headers alone. */
static int precheck(struct MHD_Connection *conn, http_server *h,
		    const char *method, const char *url, req *r,
		    MHD_RESULT *ret)
{
	if (!verr_utf8_valid(url)) {
		*ret = send_error(conn, r, E_BAD_PATH, 0,
				  "the path is not valid UTF-8 once "
				  "percent-decoded");
		return 1;
	}
	if (r->qbad) {
		*ret = r->qbad == 1
			       ? send_error(conn, r, E_BAD_QUERY, 0,
					    "the query string is not valid "
					    "UTF-8 once percent-decoded")
			       : send_error(conn, r, E_URI_TOO_LONG, 0,
					    "the query string has too many "
					    "arguments; this server takes "
					    "64");
		return 1;
	}
	/* Tokens are checked on the headers alone: a client without the
	 * right one costs no body. */
	verr e;
	if (auth_check(
		    &h->svc->cfg.auth, svc_route_auth(method, url),
		    MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
						MHD_HTTP_HEADER_AUTHORIZATION),
		    &e) < 0) {
		svc_response rs;
		memset(&rs, 0, sizeof rs);
		rs.route = "unauthorized";
		rs.challenge = 1;
		respond_error(&rs, &e);
		*ret = send_response(conn, r, &rs);
		return 1;
	}
	return 0;
}

/* A body read whole: refuse it from its Content-Length (--max-body), or
 * count it against --max-bodies before a byte is read. */
static int check_length(struct MHD_Connection *conn, http_server *h,
			const char *method, req *r, MHD_RESULT *ret)
{
	const char *cl = MHD_lookup_connection_value(
		conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	const char *te = MHD_lookup_connection_value(
		conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING);
	int has_body = !strcmp(method, "POST") || !strcmp(method, "PUT");

	if (cl) {
		char *end;
		unsigned long long n = strtoull(cl, &end, 10);
		if (n > (unsigned long long)h->max_body) {
			char msg[320];
			snprintf(msg, sizeof msg,
				 "the body is %llu bytes; this server accepts "
				 "at most %lld (--max-body)%s",
				 n, (long long)h->max_body,
				 svc_route_streams(method, r->path)
					 ? "; send a .npy of embeddings as "
					   "Content-Type: application/x-npy "
					   "to stream it instead (bounded by "
					   "--max-upload)"
					 : "");
			*ret = send_error(conn, r, E_BODY_TOO_LARGE, 0, msg);
			return 1;
		}
		if (has_body && body_reserve(h, r, (int64_t)n) < 0) {
			*ret = send_error(conn, r, E_OVERLOADED,
					  h->svc->cfg.retry_after, busy_msg);
			return 1;
		}
		/* One buffer of the announced size: no growth, no copies. */
		if (has_body && n > 0 && !r->body) {
			r->body = body_cache_take(h->cache, (size_t)n + 1,
						  &r->cap);
		}
	} else if (has_body && !te) {
		/* Most often a client that sent no body at all: say that,
		 * and what the route wants, before the header it lacks. */
		char need[240], msg[400];
		int known = !svc_route_body_need(method, r->path, need,
						 sizeof need);
		snprintf(msg, sizeof msg,
			 "the request has no body; %s%ssend one with its "
			 "Content-Length (this request has neither a "
			 "Content-Length nor a chunked Transfer-Encoding)",
			 known ? need : "", known ? ": " : "");
		*ret = send_error(conn, r, E_LENGTH_REQUIRED, 0, msg);
		return 1;
	}
	return 0;
}

/* One query argument, percent-decoded by libmicrohttpd, into r->query;
 * the strings stay in the connection's pool until the request ends. */
static MHD_RESULT add_arg(void *cls, enum MHD_ValueKind kind, const char *key,
			  const char *value)
{
	req *r = cls;
	(void)kind;
	if (!verr_utf8_valid(key) || (value && !verr_utf8_valid(value))) {
		r->qbad = 1;
		return MHD_NO;
	}
	if (r->query.n >= SVC_QUERY_MAX) {
		/* Never a silently shortened query. */
		r->qbad = 2;
		return MHD_NO;
	}
	r->query.arg[r->query.n].key = key;
	r->query.arg[r->query.n].value = value ? value : "";
	r->query.n++;
	return MHD_YES;
}

static req *req_new(http_server *h, const char *uri)
{
	req *r = calloc(1, sizeof *r);
	size_t n;
	if (!r)
		return NULL;
	clock_gettime(CLOCK_MONOTONIC, &r->t0);
	snprintf(r->method, sizeof r->method, "-");
	n = strcspn(uri, "?");
	if (n >= sizeof r->path)
		n = sizeof r->path - 1;
	memcpy(r->path, uri, n);
	r->path[n] = '\0';
	atomic_fetch_add(&h->inflight, 1);
	atomic_fetch_add(&h->svc->stats.inflight, 1);
	return r;
}

/* The request line has arrived (before libmicrohttpd parses the query or
 * reads the headers): the request begins here. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	http_server *h = cls;
	conn_track *t = track_of(conn);
	const char *q = strchr(uri, '?');
	req *r = req_new(h, uri);

	if (t) {
		/* A kept-alive connection's next request: its headers are
		 * due --header-timeout from now.  The first request's clock
		 * started when the connection was accepted. */
		pthread_mutex_lock(&h->mu);
		if (t->phase == PH_IDLE) {
			double d = h->header_timeout
					   ? now_s() + h->header_timeout
					   : 0;
			t->phase = PH_HEADERS;
			if (d && (!t->deadline || d < t->deadline))
				t->deadline = d;
		}
		pthread_mutex_unlock(&h->mu);
	}
	if (r && q && strlen(q + 1) >= QUERY_MAX)
		refuse_raw(h, conn, r, E_URI_TOO_LONG, 0,
			   "the query string is too long; this server takes "
			   "511 bytes");
	return r;
}

/* Cancels a synchronous computation (through the progress callback the
 * library already polls) when its client has gone or the drain is over. */
typedef struct watch {
	http_server *h;
	int fd;
	double next;
	int why; /* 0, WHY_GONE, WHY_STOP */
} watch;
enum { WHY_GONE = 1, WHY_STOP = 2 };

static int watch_tick(void *ctx, double frac)
{
	watch *w = ctx;
	struct pollfd p;
	double now;

	(void)frac;
	if (atomic_load(&w->h->cancel_all)) {
		w->why = WHY_STOP;
		return 1;
	}
	if (w->fd < 0 || (now = now_s()) < w->next)
		return 0;
	w->next = now + 0.1;
	/* The request is read whole, so the client has nothing left to
	 * send: end-of-stream or an error means it gave up waiting. */
	p = (struct pollfd){.fd = w->fd, .events = POLLIN | POLLRDHUP};
	if (poll(&p, 1, 0) == 1 &&
	    (p.revents & (POLLRDHUP | POLLHUP | POLLERR))) {
		w->why = WHY_GONE;
		return 1;
	}
	return 0;
}

/* The request as svc_handle sees it, from the headers (no body yet),
 * with a watch that cancels its computation if the client leaves: *w and
 * *cancel must live as long as *rq. */
static void request_of(struct MHD_Connection *conn, http_server *h,
		       const char *method, const char *url, req *r, watch *w,
		       evald_progress *cancel, svc_request *rq)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(
		conn, MHD_CONNECTION_INFO_CONNECTION_FD);

	*w = (watch){.h = h, .fd = ci ? ci->connect_fd : -1};
	*cancel = (evald_progress){watch_tick, w};
	*rq = (svc_request){
		.method = method,
		.path = url,
		.query = &r->query,
		.content_type = MHD_lookup_connection_value(
			conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE),
		.authorization = MHD_lookup_connection_value(
			conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION),
		.cancel = cancel,
	};
}

/* A .npy streamed into moments (upload.h) holds no body, so --max-body
 * and --max-bodies do not apply to it (--max-upload does).  It waits in
 * line for its heavy slot here, before a body byte is read and with no
 * body deadline running; the deadline starts once it has the slot.
 * Returns 1 when the request was answered from its headers. */
static int start_upload(struct MHD_Connection *conn, http_server *h,
			conn_track *t, const char *method, const char *url,
			req *r, MHD_RESULT *ret)
{
	const char *cl = MHD_lookup_connection_value(
		conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	const char *te = MHD_lookup_connection_value(
		conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING);
	watch w;
	evald_progress cancel;
	svc_request rq;
	svc_response rs;

	if ((strcmp(method, "POST") && strcmp(method, "PUT")) || (!cl && !te))
		return 0;
	request_of(conn, h, method, url, r, &w, &cancel, &rq);
	if (track_phase(h, t, PH_BUSY, 0)) {
		*ret = MHD_NO;
		return 1;
	}
	int rc = svc_upload_begin(h->svc, &rq, cl ? strtoll(cl, NULL, 10) : -1,
				  &r->up, &rs);
	if (rc < 0) {
		*ret = send_response(conn, r, &rs);
		return 1;
	}
	if (track_phase(h, t, PH_BODY, h->body_timeout)) {
		*ret = MHD_NO;
		return 1;
	}
	return 0;
}

/* The next piece of a streamed body, or (none left) its answer.  An
 * error mid-body is answered on the socket and the connection closed:
 * libmicrohttpd cannot queue a response while it reads a body. */
static MHD_RESULT upload_step(struct MHD_Connection *conn, http_server *h,
			      conn_track *t, req *r, const char *data,
			      size_t *size)
{
	svc_response rs;
	verr e;

	if (*size) {
		size_t n = *size;
		*size = 0;
		r->len += n;
		if (svc_upload_feed(r->up, data, n, &e) < 0) {
			svc_upload_free(r->up);
			r->up = NULL;
			refuse_err(h, conn, r, &e);
			return MHD_NO;
		}
		return MHD_YES;
	}
	if (track_phase(h, t, PH_BUSY, 0))
		return MHD_NO;
	svc_upload_end(r->up, &rs);
	r->up = NULL;
	return send_response(conn, r, &rs);
}

/* The first call of a request: its headers are in.  Refuse what the
 * headers alone decide, start a streamed upload, or count the body. */
static MHD_RESULT on_headers(struct MHD_Connection *conn, http_server *h,
			     conn_track *t, const char *url, const char *method,
			     req *r)
{
	MHD_RESULT ret;
	const char *cl = MHD_lookup_connection_value(
		conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	const char *te = MHD_lookup_connection_value(
		conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING);
	int body = te || (cl && strcmp(cl, "0"));

	r->started = 1;
	snprintf(r->method, sizeof r->method, "%s", method);
	if (r->refused)
		return MHD_NO;
	if (track_phase(h, t, body ? PH_BODY : PH_BUSY,
			body ? h->body_timeout : 0))
		return MHD_NO;
	MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, add_arg, r);
	if (precheck(conn, h, method, url, r, &ret) ||
	    start_upload(conn, h, t, method, url, r, &ret) ||
	    (!r->up && check_length(conn, h, method, r, &ret)))
		return ret;
	return MHD_YES;
}

/* The next n bytes of a body read whole. */
static MHD_RESULT body_step(struct MHD_Connection *conn, http_server *h, req *r,
			    const char *data, size_t n)
{
	if (r->len + n > (size_t)h->max_body) {
		/* Only a chunked body gets here (a Content-Length is checked
		 * up front): refuse it now, not at its end, which may never
		 * come. */
		char msg[160];
		snprintf(msg, sizeof msg,
			 "the body is larger than this server accepts (%lld "
			 "bytes, --max-body)",
			 (long long)h->max_body);
		refuse_raw(h, conn, r, E_BODY_TOO_LARGE, 0, msg);
		return MHD_NO;
	}
	/* A chunked body is counted as it grows (a Content-Length was
	 * counted whole from the headers). */
	if (!MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
					 MHD_HTTP_HEADER_CONTENT_LENGTH) &&
	    body_reserve(h, r, (int64_t)n) < 0) {
		refuse_raw(h, conn, r, E_OVERLOADED, h->svc->cfg.retry_after,
			   busy_msg);
		return MHD_NO;
	}
	if (r->len + n + 1 > r->cap) {
		size_t nc = r->cap ? r->cap : 65536;
		while (nc < r->len + n + 1)
			nc *= 2;
		char *nb = realloc(r->body, nc);
		if (!nb) {
			refuse_raw(h, conn, r, E_OUT_OF_MEMORY, 0,
				   "out of memory for the request body; "
				   "retry later");
			return MHD_NO;
		}
		r->body = nb;
		r->cap = nc;
	}
	memcpy(r->body + r->len, data, n);
	r->len += n;
	return MHD_YES;
}

/* The body is complete: compute the answer (cancelled if the client
 * leaves or the drain runs out) and send it. */
static MHD_RESULT answer(struct MHD_Connection *conn, http_server *h,
			 conn_track *t, const char *url, const char *method,
			 req *r)
{
	/* No deadline while it is computed. */
	if (track_phase(h, t, PH_BUSY, 0))
		return MHD_NO;

	watch w;
	evald_progress cancel;
	svc_request rq;
	request_of(conn, h, method, url, r, &w, &cancel, &rq);
	rq.body = r->body ? r->body : "";
	rq.len = r->len;
	rq.steal_body = r->body ? &r->body : NULL;
	rq.reserved = r->reserved;
	svc_response rs;
	svc_handle(h->svc, &rq, &rs);
	/* The body is no longer needed; release it before the response is
	 * sent, so peak memory per request is not body + response.  A job
	 * that took it took its reservation too. */
	if (r->body)
		body_release(h, r);
	r->reserved = 0;
	body_cache_give(h->cache, r->body, r->cap);
	r->body = NULL;
	r->cap = 0;
	if (w.why == WHY_STOP && rs.err && rs.err->code == E_CANCELLED) {
		free(rs.body);
		return send_error(conn, r, E_SHUTTING_DOWN, 0,
				  "the server stopped before this computation "
				  "finished (--drain-timeout); retry");
	}
	/* A label for the log line only, not an error code: nobody reads
	 * the answer, so it is not in the table. */
	if (w.why == WHY_GONE)
		snprintf(rs.code, sizeof rs.code, "client_gone");
	return send_response(conn, r, &rs);
}

/* libmicrohttpd's handler: called once with the headers, once per piece
 * of the body, and once more when the body is complete. */
static MHD_RESULT on_request(void *cls, struct MHD_Connection *conn,
			     const char *url, const char *method,
			     const char *version, const char *upload_data,
			     size_t *upload_data_size, void **con_cls)
{
	http_server *h = cls;
	req *r = *con_cls;
	conn_track *t = track_of(conn);

	(void)version;
	if (!r && !(r = *con_cls = req_new(h, url)))
		return MHD_NO;
	if (!r->started)
		return on_headers(conn, h, t, url, method, r);
	if (r->status) {
		/* Already answered from the headers; discard the body. */
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (r->up)
		return upload_step(conn, h, t, r, upload_data,
				   upload_data_size);
	if (*upload_data_size) {
		size_t n = *upload_data_size;
		*upload_data_size = 0;
		return body_step(conn, h, r, upload_data, n);
	}
	return answer(conn, h, t, url, method, r);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	http_server *h = cls;
	req *r = *con_cls;
	conn_track *t = track_of(conn);
	char addr[64], m[40], p[420], c[64];
	int cut = 0;

	if (t) {
		/* The next request on this connection: idle for --timeout,
		 * then --header-timeout for its request line and headers,
		 * however slowly its bytes trickle in. */
		int idle = h->idle_timeout && h->header_timeout
				   ? h->idle_timeout + h->header_timeout
				   : 0;
		pthread_mutex_lock(&h->mu);
		cut = t->cut;
		t->phase = PH_IDLE;
		t->deadline = idle ? now_s() + idle : 0;
		pthread_mutex_unlock(&h->mu);
	}
	if (!r)
		return;
	if (cut > 0 && !r->status) {
		r->status = cut;
		/* Log only: the client got header_timeout or body_timeout. */
		snprintf(r->code, sizeof r->code, "timeout");
		r->route = "refused";
	}
	remote_addr(conn, addr, sizeof addr);
	log_msg(LOG_INFO,
		"event=request method=%s path=%s remote=%s status=%d code=%s "
		"bytes_in=%zu bytes_out=%zu ms=%.3f%s",
		log_esc(m, sizeof m, r->method), log_esc(p, sizeof p, r->path),
		addr, r->status,
		log_esc(c, sizeof c, r->code[0] ? r->code : "-"), r->len,
		r->out_len, since_ms(&r->t0),
		toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " aborted=1");
	stats_observe(&h->svc->stats, r->route, r->status,
		      since_ms(&r->t0) / 1e3);
	/* A streamed body the client abandoned: its slot goes back. */
	svc_upload_free(r->up);
	body_release(h, r);
	body_cache_give(h->cache, r->body, r->cap);
	free(r);
	*con_cls = NULL;
	atomic_fetch_sub(&h->svc->stats.inflight, 1);
	atomic_fetch_sub(&h->inflight, 1);
}

/* libmicrohttpd's own messages, as logfmt lines like every other. */
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512], e[1200];
	size_t n;
	(void)cls;
	vsnprintf(msg, sizeof msg, fmt, ap);
	n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	log_msg(LOG_WARN, "event=libmicrohttpd msg=%s",
		log_esc(e, sizeof e, msg));
}

/* A listening socket for --listen, bound here rather than by the library
 * so a failure names the address and the system's reason ("Address
 * already in use"), not libmicrohttpd's "Failed to bind to port 0". */
static int listen_socket(const char *listen_at, int *ipv6)
{
	struct sockaddr_storage ss;
	unsigned int len; /* socklen_t */
	int fd = -1, one = 1;
	const char *step = "socket";

	if (settings_parse_listen(listen_at, &ss, &len) < 0) {
		log_msg(LOG_ERROR,
			"event=start_failed reason=\"bad --listen '%s', "
			"expected ADDR:PORT, [ADDR6]:PORT or PORT\"",
			listen_at);
		return -1;
	}
	*ipv6 = ss.ss_family == AF_INET6;
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto fail;
	step = "bind";
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (*ipv6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
	if (bind(fd, (struct sockaddr *)&ss, len) < 0)
		goto fail;
	step = "listen on";
	if (listen(fd, SOMAXCONN) < 0)
		goto fail;
	return fd;
fail:
	log_msg(LOG_ERROR,
		"event=start_failed listen=%s reason=\"cannot %s %s: %s\"",
		listen_at, step, listen_at, strerror(errno));
	if (fd >= 0)
		close(fd);
	return -1;
}

/* The port a listening socket is bound to (port 0 picks one). */
static int bound_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		return -1;
	return ntohs(ss.ss_family == AF_INET6
			     ? ((struct sockaddr_in6 *)&ss)->sin6_port
			     : ((struct sockaddr_in *)&ss)->sin_port);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;
	if (!f)
		return NULL;
	if (!fseek(f, 0, SEEK_END) && (n = ftell(f)) >= 0 &&
	    !fseek(f, 0, SEEK_SET) && (buf = malloc((size_t)n + 1))) {
		if (fread(buf, 1, (size_t)n, f) == (size_t)n) {
			buf[n] = '\0';
		} else {
			free(buf);
			buf = NULL;
		}
	}
	fclose(f);
	return buf;
}

/* The PEM certificate and key of --tls-cert/--tls-key into *cert and *key
 * (malloc'd), checked enough that a wrong file is named at start-up:
 * GnuTLS itself only says "data not available".  0, or -1 logged. */
static int tls_load(const settings *cfg, char **cert, char **key)
{
	const char *bad = NULL;

	if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
		bad = "this libmicrohttpd has no TLS support";
		goto fail;
	}
	*cert = slurp(cfg->tls_cert);
	*key = slurp(cfg->tls_key);
	if (!*cert || !*key)
		bad = "cannot read --tls-cert or --tls-key";
	else if (!strstr(*cert, "-----BEGIN CERTIFICATE-----"))
		bad = "--tls-cert holds no PEM certificate";
	else if (!strstr(*key, "PRIVATE KEY-----"))
		bad = "--tls-key holds no PEM private key";
	if (!bad)
		return 0;
fail:
	log_msg(LOG_ERROR, "event=start_failed reason=\"%s\"", bad);
	free(*cert);
	free(*key);
	*cert = *key = NULL;
	return -1;
}

http_server *http_start(const settings *cfg, svc *s, int listen_fd)
{
	char *cert = NULL, *key = NULL;
	http_server *h;
	int own_fd = listen_fd < 0, ipv6 = 0;
	/* ITC is what lets MHD_quiesce_daemon stop accepting while requests
	 * in flight finish (the SIGTERM drain). */
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
			 MHD_USE_ERROR_LOG | MHD_USE_ITC;

	if (cfg->tls_cert[0]) {
		if (tls_load(cfg, &cert, &key) < 0)
			return NULL;
		flags |= MHD_USE_TLS;
	}
	if (own_fd && (listen_fd = listen_socket(cfg->listen, &ipv6)) < 0) {
		free(cert);
		free(key);
		return NULL;
	}
	if (ipv6)
		flags |= MHD_USE_IPv6;
	h = calloc(1, sizeof *h);
	if (!h) {
		if (own_fd)
			close(listen_fd);
		free(cert);
		free(key);
		return NULL;
	}
	h->port = bound_port(listen_fd);
	h->svc = s;
	h->cache = body_cache_new(cfg->body_cache);
	h->max_body = cfg->svc.max_body;
	h->header_timeout = cfg->header_timeout;
	h->body_timeout = cfg->body_timeout;
	h->idle_timeout = cfg->conn_timeout;
	h->tls = cert != NULL;
	atomic_store(&h->inflight, 0);
	atomic_store(&h->cancel_all, 0);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_mutex_init(&h->mu, NULL);
	pthread_cond_init(&h->cv, &ca);
	pthread_condattr_destroy(&ca);
	/* Heavy work runs in the handler threads, bounded by --max-jobs, and
	 * up to --max-queue more wait there for a slot; give the pool that
	 * many extra threads so light requests are still served while the
	 * heavy ones compute or wait (a busy thread accepts nothing, an idle
	 * one takes the next connection). */
	unsigned pool = (unsigned)(cfg->threads + cfg->svc.max_jobs +
				   cfg->svc.max_queue);
	/* A socket passed by systemd is used as it is; ITC (set above) keeps
	 * libmicrohttpd from shutdown()-ing it on stop, so re-activation
	 * works. */
	struct MHD_OptionItem ops[] = {
		{MHD_OPTION_LISTEN_SOCKET, listen_fd, NULL},
		{MHD_OPTION_THREAD_POOL_SIZE, pool, NULL},
		{MHD_OPTION_CONNECTION_TIMEOUT, cfg->conn_timeout, NULL},
		{MHD_OPTION_CONNECTION_LIMIT, cfg->conn_limit, NULL},
		/* Excess connections from one address are closed at accept:
		 * no request has been read yet, so there is nothing to answer.
		 * 0 = no limit, as for libmicrohttpd. */
		{MHD_OPTION_PER_IP_CONNECTION_LIMIT, cfg->per_ip_limit, NULL},
		/* 32 KiB, the library's default: the pool is zeroed before
		 * every request on a kept-alive connection, and at 256 KiB that
		 * memset was 28% of a small request's CPU
		 * (bench/throughput.sh); large uploads are no slower in smaller
		 * chunks. */
		{MHD_OPTION_CONNECTION_MEMORY_LIMIT, 32 * 1024, NULL},
		{cert ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, cert},
		{MHD_OPTION_HTTPS_MEM_KEY, 0, key},
		{MHD_OPTION_END, 0, NULL},
	};
	h->d = MHD_start_daemon(
		flags, 0, NULL, NULL, on_request, h,
		/* First, or the library logs on its own until it is set. */
		MHD_OPTION_EXTERNAL_LOGGER, mhd_log, h, MHD_OPTION_ARRAY, ops,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, h,
		MHD_OPTION_NOTIFY_CONNECTION, on_connection, h,
		MHD_OPTION_URI_LOG_CALLBACK, on_uri, h, MHD_OPTION_END);
	/* libmicrohttpd copies nothing: the PEM strings must live as long as
	 * the daemon, so they are kept in h. */
	h->cert = cert;
	h->key = key;
	if (!h->d) {
		log_msg(LOG_ERROR,
			"event=start_failed listen=%s reason=\"cannot start "
			"the HTTP server (see the libmicrohttpd line above)\"",
			cfg->listen);
		if (own_fd)
			close(listen_fd);
		free(cert);
		free(key);
		pthread_mutex_destroy(&h->mu);
		pthread_cond_destroy(&h->cv);
		body_cache_free(h->cache);
		free(h);
		return NULL;
	}
	h->reaper_on = pthread_create(&h->reaper, NULL, reaper, h) == 0;
	if (!h->reaper_on)
		log_msg(LOG_WARN, "event=no_reaper reason=\"cannot start the "
				  "deadline thread: --header-timeout and "
				  "--body-timeout do not apply\"");
	return h;
}

int http_port(const http_server *h)
{
	return h->port;
}

void http_stop(http_server *h, int grace_s)
{
	if (!h)
		return;
	MHD_quiesce_daemon(h->d);
	for (int i = 0; i < grace_s * 100 && atomic_load(&h->inflight) > 0; i++)
		usleep(10000);
	if (atomic_load(&h->inflight) > 0) {
		/* The grace is over: computations still running are cancelled
		 * (they poll watch_tick about every 100 ms) and answered 503;
		 * a second is enough for them to notice. */
		log_msg(LOG_WARN, "event=drain_timeout inflight=%d",
			atomic_load(&h->inflight));
		atomic_store(&h->cancel_all, 1);
		for (int i = 0; i < 100 && atomic_load(&h->inflight) > 0; i++)
			usleep(10000);
	}
	MHD_stop_daemon(h->d);
	if (h->reaper_on) {
		pthread_mutex_lock(&h->mu);
		h->stopping = 1;
		pthread_cond_signal(&h->cv);
		pthread_mutex_unlock(&h->mu);
		pthread_join(h->reaper, NULL);
	}
	pthread_mutex_destroy(&h->mu);
	pthread_cond_destroy(&h->cv);
	free(h->cert);
	free(h->key);
	body_cache_free(h->cache);
	free(h);
}
