/* http.c - the libmicrohttpd glue.
 *
 * Owns connections, body accumulation and limits (Content-Length checked
 * before any body byte is read), the per-request log line and the
 * in-flight count used to drain on SIGTERM.  What to answer is decided by
 * svc_handle(); nothing here interprets a body. */
#include <arpa/inet.h>
#include <jansson.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "http.h"
#include "log.h"

#if MHD_VERSION < 0x00097002
typedef int MHD_RESULT;
#else
typedef enum MHD_Result MHD_RESULT;
#endif

struct http_server {
	struct MHD_Daemon *d;
	svc *svc;
	int64_t max_body;
	atomic_int inflight;
	char *cert, *key; /* PEM, alive while the daemon runs */
};

/* Per-request state, created on the first call for a request. */
typedef struct req {
	char *body;
	size_t len, cap;
	int too_large; /* body exceeded max_body while streaming */
	struct timespec t0;
	int status;
	size_t out_len;
	char code[48];
	char method[16];
	char path[200];	   /* for the log line; truncated */
	const char *route; /* route template for stats */
} req;

static double since_ms(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1e3 + (t.tv_nsec - t0->tv_nsec) / 1e6;
}

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
	MHD_add_response_header(resp, "Cache-Control", "no-store");
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

static MHD_RESULT send_error(struct MHD_Connection *conn, req *r, int status,
			     const char *code, const char *msg)
{
	svc_response rs = {0};
	json_t *j = json_pack("{s:{s:s, s:s, s:s}}", "error", "code", code,
			      "message", msg, "path", "");
	rs.status = status;
	rs.content_type = "application/json; charset=utf-8";
	rs.body = j ? json_dumps(j, JSON_COMPACT) : NULL;
	rs.len = rs.body ? strlen(rs.body) : 0;
	snprintf(rs.code, sizeof rs.code, "%s", code);
	json_decref(j);
	return send_response(conn, r, &rs);
}

/* Called on the first call of a request: refuse by headers alone. */
static int precheck(struct MHD_Connection *conn, http_server *h,
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
			char msg[160];
			snprintf(msg, sizeof msg,
				 "the body is %llu bytes; this server accepts "
				 "at most %lld (--max-body)",
				 n, (long long)h->max_body);
			*ret = send_error(conn, r, 413, "body_too_large", msg);
			return 1;
		}
	} else if (has_body && !te) {
		*ret = send_error(conn, r, 411, "length_required",
				  "send a Content-Length header (or a chunked "
				  "body) with the request");
		return 1;
	}
	return 0;
}

typedef struct qbuf {
	char s[512];
	size_t n;
} qbuf;

static MHD_RESULT add_arg(void *cls, enum MHD_ValueKind kind, const char *key,
			  const char *value)
{
	qbuf *q = cls;
	(void)kind;
	int w = snprintf(q->s + q->n, sizeof q->s - q->n, "%s%s=%s",
			 q->n ? "&" : "", key, value ? value : "");
	if (w > 0 && q->n + (size_t)w < sizeof q->s)
		q->n += (size_t)w;
	return MHD_YES;
}

static MHD_RESULT on_request(void *cls, struct MHD_Connection *conn,
			     const char *url, const char *method,
			     const char *version, const char *upload_data,
			     size_t *upload_data_size, void **con_cls)
{
	http_server *h = cls;
	req *r = *con_cls;

	(void)version;
	if (!r) {
		r = calloc(1, sizeof *r);
		if (!r)
			return MHD_NO;
		clock_gettime(CLOCK_MONOTONIC, &r->t0);
		snprintf(r->method, sizeof r->method, "%s", method);
		/* Quote-free for logfmt: the path is logged as given, minus
		 * characters that would break the line. */
		snprintf(r->path, sizeof r->path, "%s", url);
		for (char *c = r->path; *c; c++)
			if (*c == '"' || *c == ' ' || (unsigned char)*c < 0x20)
				*c = '_';
		*con_cls = r;
		atomic_fetch_add(&h->inflight, 1);
		atomic_fetch_add(&h->svc->stats.inflight, 1);
		MHD_RESULT ret;
		if (precheck(conn, h, method, r, &ret))
			return ret;
		return MHD_YES;
	}
	if (r->status) {
		/* Already answered from the headers; discard the body. */
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (*upload_data_size) {
		size_t n = *upload_data_size;
		*upload_data_size = 0;
		if (r->too_large || r->len + n > (size_t)h->max_body) {
			r->too_large = 1;
			return MHD_YES;
		}
		if (r->len + n + 1 > r->cap) {
			size_t nc = r->cap ? r->cap : 65536;
			while (nc < r->len + n + 1)
				nc *= 2;
			char *nb = realloc(r->body, nc);
			if (!nb) {
				r->too_large = 1;
				return MHD_YES;
			}
			r->body = nb;
			r->cap = nc;
		}
		memcpy(r->body + r->len, upload_data, n);
		r->len += n;
		return MHD_YES;
	}
	if (r->too_large) {
		char msg[160];
		snprintf(msg, sizeof msg,
			 "the body is larger than this server accepts (%lld "
			 "bytes, --max-body)",
			 (long long)h->max_body);
		return send_error(conn, r, 413, "body_too_large", msg);
	}

	qbuf q = {.n = 0};
	q.s[0] = '\0';
	MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, add_arg, &q);
	svc_request rq = {
		.method = method,
		.path = url,
		.query = q.s,
		.content_type = MHD_lookup_connection_value(
			conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE),
		.authorization = MHD_lookup_connection_value(
			conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION),
		.body = r->body ? r->body : "",
		.len = r->len,
		.steal_body = r->body ? &r->body : NULL,
	};
	svc_response rs;
	svc_handle(h->svc, &rq, &rs);
	/* The body is no longer needed; release it before the response is
	 * sent, so peak memory per request is not body + response. */
	free(r->body);
	r->body = NULL;
	r->cap = 0;
	return send_response(conn, r, &rs);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	http_server *h = cls;
	req *r = *con_cls;
	const union MHD_ConnectionInfo *ci;
	char addr[64] = "-";

	if (!r)
		return;
	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci && ci->client_addr) {
		const struct sockaddr *sa = ci->client_addr;
		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET,
				  &((const struct sockaddr_in *)sa)->sin_addr,
				  addr, sizeof addr);
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6,
				  &((const struct sockaddr_in6 *)sa)->sin6_addr,
				  addr, sizeof addr);
	}
	log_msg(LOG_INFO,
		"event=request method=%s path=%s remote=%s status=%d code=%s "
		"bytes_in=%zu "
		"bytes_out=%zu ms=%.3f%s",
		r->method, r->path, addr, r->status, r->code[0] ? r->code : "-",
		r->len, r->out_len, since_ms(&r->t0),
		toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " aborted=1");
	stats_observe(&h->svc->stats, r->route, r->status,
		      since_ms(&r->t0) / 1e3);
	free(r->body);
	free(r);
	*con_cls = NULL;
	atomic_fetch_sub(&h->svc->stats.inflight, 1);
	atomic_fetch_sub(&h->inflight, 1);
}

static int parse_listen(const char *s, struct sockaddr_storage *ss,
			socklen_t *len)
{
	char host[256];
	const char *colon = strrchr(s, ':');
	if (!colon || colon == s || strlen(colon + 1) == 0)
		return -1;
	size_t hl = (size_t)(colon - s);
	if (hl >= sizeof host)
		return -1;
	memcpy(host, s, hl);
	host[hl] = '\0';
	char *end;
	long port = strtol(colon + 1, &end, 10);
	if (*end || port < 0 || port > 65535)
		return -1;
	memset(ss, 0, sizeof *ss);
	if (host[0] == '[' && host[hl - 1] == ']') {
		struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
		host[hl - 1] = '\0';
		if (inet_pton(AF_INET6, host + 1, &a6->sin6_addr) != 1)
			return -1;
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		*len = sizeof *a6;
		return 0;
	}
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	if (!strcmp(host, "localhost"))
		snprintf(host, sizeof host, "127.0.0.1");
	if (inet_pton(AF_INET, host, &a4->sin_addr) != 1)
		return -1;
	a4->sin_family = AF_INET;
	a4->sin_port = htons((uint16_t)port);
	*len = sizeof *a4;
	return 0;
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

http_server *http_start(const settings *cfg, svc *s, int listen_fd)
{
	char *cert = NULL, *key = NULL;
	struct sockaddr_storage ss;
	socklen_t sslen;
	http_server *h;
	/* ITC is what lets MHD_quiesce_daemon stop accepting while requests
	 * in flight finish (the SIGTERM drain). */
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
			 MHD_USE_ERROR_LOG | MHD_USE_ITC;

	if (listen_fd < 0 && parse_listen(cfg->listen, &ss, &sslen) < 0) {
		log_msg(LOG_ERROR,
			"event=start_failed reason=\"bad --listen '%s', "
			"expected ADDR:PORT or [ADDR6]:PORT\"",
			cfg->listen);
		return NULL;
	}
	if (listen_fd < 0 && ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	if (cfg->tls_cert[0]) {
		if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
			log_msg(LOG_ERROR,
				"event=start_failed reason=\"this "
				"libmicrohttpd has no TLS support\"");
			return NULL;
		}
		cert = slurp(cfg->tls_cert);
		key = slurp(cfg->tls_key);
		if (!cert || !key) {
			log_msg(LOG_ERROR,
				"event=start_failed reason=\"cannot read "
				"--tls-cert or --tls-key\"");
			free(cert);
			free(key);
			return NULL;
		}
		/* GnuTLS only says "data not available" on stderr; name the
		 * file instead. */
		const char *bad = !strstr(cert, "-----BEGIN CERTIFICATE-----")
					  ? "--tls-cert holds no PEM "
					    "certificate"
				  : !strstr(key, "PRIVATE KEY-----")
					  ? "--tls-key holds no PEM private "
					    "key"
					  : NULL;
		if (bad) {
			log_msg(LOG_ERROR, "event=start_failed reason=\"%s\"",
				bad);
			free(cert);
			free(key);
			return NULL;
		}
		flags |= MHD_USE_TLS;
	}
	h = calloc(1, sizeof *h);
	if (!h)
		return NULL;
	h->svc = s;
	h->max_body = cfg->svc.max_body;
	atomic_store(&h->inflight, 0);
	/* Heavy work runs in the handler threads, bounded by --max-jobs;
	 * give the pool that many extra threads so light requests are still
	 * served while the heavy ones compute. */
	unsigned pool = (unsigned)(cfg->threads + cfg->svc.max_jobs);
	/* A socket passed by systemd is used as it is; ITC (set above) keeps
	 * libmicrohttpd from shutdown()-ing it on stop, so re-activation
	 * works. */
	struct MHD_OptionItem ops[] = {
		listen_fd >= 0
			? (struct MHD_OptionItem){MHD_OPTION_LISTEN_SOCKET,
						  listen_fd, NULL}
			: (struct MHD_OptionItem){MHD_OPTION_SOCK_ADDR, 0, &ss},
		{MHD_OPTION_THREAD_POOL_SIZE, pool, NULL},
		{MHD_OPTION_CONNECTION_TIMEOUT, cfg->conn_timeout, NULL},
		{MHD_OPTION_CONNECTION_LIMIT, cfg->conn_limit, NULL},
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
		flags, 0, NULL, NULL, on_request, h, MHD_OPTION_ARRAY, ops,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, h, MHD_OPTION_END);
	/* libmicrohttpd copies nothing: the PEM strings must live as long as
	 * the daemon, so they are kept in h. */
	h->cert = cert;
	h->key = key;
	if (!h->d) {
		log_msg(LOG_ERROR,
			"event=start_failed listen=%s reason=\"cannot bind or "
			"start the HTTP server (address in use?)\"",
			cfg->listen);
		free(cert);
		free(key);
		free(h);
		return NULL;
	}
	return h;
}

int http_port(const http_server *h)
{
	const union MHD_DaemonInfo *di =
		MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_BIND_PORT);
	return di ? di->port : -1;
}

void http_stop(http_server *h, int grace_s)
{
	if (!h)
		return;
	MHD_quiesce_daemon(h->d);
	for (int i = 0; i < grace_s * 100 && atomic_load(&h->inflight) > 0; i++)
		usleep(10000);
	MHD_stop_daemon(h->d);
	free(h->cert);
	free(h->key);
	free(h);
}
