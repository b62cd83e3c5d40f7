/* settings.c - flags and their EVALD_* environment twins.
 *
 * One table lists every setting once; the parser, the environment lookup
 * and --help all read it. */
#include <config.h>

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth.h"
#include "log.h"
#include "settings.h"

typedef enum { OPT_STR, OPT_INT, OPT_SIZE, OPT_LEVEL } opt_kind;

typedef struct opt {
	const char *flag; /* long option name */
	const char *env;  /* environment variable */
	opt_kind kind;
	size_t offset; /* in config */
	size_t size;   /* of a string field */
	const char *help;
} opt;

#define F(field) offsetof(settings, field), sizeof(((settings *)0)->field)

static const opt opts[] = {
	{"listen", "EVALD_LISTEN", OPT_STR, F(listen),
	 "address to serve on, ADDR:PORT (default 127.0.0.1:8640)"},
	{"data-dir", "EVALD_DATA_DIR", OPT_STR, F(data_dir),
	 "directory of the embedded store (default ./var)"},
	{"store", "EVALD_STORE", OPT_STR, F(store),
	 "where the state lives: sqlite:DIR (the same as --data-dir DIR) or "
	 "a PostgreSQL URL postgresql://... that several evald may share "
	 "(default sqlite: of --data-dir)"},
	{"migrate-from", "EVALD_MIGRATE_FROM", OPT_STR, F(migrate_from),
	 "copy the embedded store sqlite:DIR into --store (a PostgreSQL URL), "
	 "verify the copy, print a summary and exit"},
	{"threads", "EVALD_THREADS", OPT_INT, F(threads),
	 "HTTP worker threads (default: number of cores)"},
	{"max-body", "EVALD_MAX_BODY", OPT_SIZE, F(svc.max_body),
	 "largest request body in bytes, k/M/G suffixes (default 256M)"},
	{"max-elements", "EVALD_MAX_ELEMENTS", OPT_SIZE, F(svc.max_elems),
	 "largest tensor in elements, 0 = no limit beyond --max-body"},
	{"max-cells", "EVALD_MAX_CELLS", OPT_SIZE, F(svc.max_cells),
	 "largest n x m of an emd or sinkhorn problem (default 64M cells)"},
	{"max-jobs", "EVALD_MAX_JOBS", OPT_INT, F(svc.max_jobs),
	 "heavy computations (FID, EMD, ...) at once; more wait in line "
	 "(default: cores/2, at least 1)"},
	{"max-queue", "EVALD_MAX_QUEUE", OPT_INT, F(svc.max_queue),
	 "synchronous heavy requests waiting in line, and async jobs waiting "
	 "to run (each); more get 503 (default 64, at most 1024)"},
	{"queue-timeout", "EVALD_QUEUE_TIMEOUT", OPT_INT, F(svc.queue_timeout),
	 "seconds a synchronous heavy request waits in line before 503, "
	 "0 = no limit (default 120)"},
	{"ref-cache", "EVALD_REF_CACHE", OPT_SIZE, F(svc.ref_cache),
	 "memory for references prepared for FID (factored covariances), "
	 "k/M/G suffixes, 0 = none (default 512M)"},
	{"max-dim", "EVALD_MAX_DIM", OPT_SIZE, F(svc.max_dim),
	 "largest embedding dimension d of a stream, reference, FID or KID "
	 "(covariances cost 8*d^2 bytes), and most outputs of a tally "
	 "(default 4096)"},
	{"max-work", "EVALD_MAX_WORK", OPT_SIZE, F(svc.max_work),
	 "most multiply-adds one request may imply (KID subsets, bootstrap "
	 "FID), k/M/G/T suffixes (default 10T)"},
	{"max-decoded", "EVALD_MAX_DECODED", OPT_SIZE, F(svc.max_decoded),
	 "most bytes one request's inputs may take once decoded, inflated "
	 "and widened to float64 (default 1G)"},
	{"max-json-nodes", "EVALD_MAX_JSON_NODES", OPT_SIZE,
	 F(svc.max_json_nodes),
	 "most JSON values (objects, arrays, strings, small numbers) in one "
	 "request body (default 1M)"},
	{"max-evaluate", "EVALD_MAX_EVALUATE", OPT_INT, F(svc.max_evaluate),
	 "most metrics in one /v1/evaluate request (default 32)"},
	{"max-labels", "EVALD_MAX_LABELS", OPT_SIZE, F(svc.max_labels),
	 "largest labels object of a recorded point, in bytes of JSON "
	 "(default 4k)"},
	{"max-response", "EVALD_MAX_RESPONSE", OPT_SIZE, F(svc.max_response),
	 "largest response body in bytes (default 256M)"},
	{"job-results", "EVALD_JOB_RESULTS", OPT_SIZE, F(svc.job_results),
	 "bytes of finished async jobs' results kept for polling; the oldest "
	 "are forgotten first (default 256M)"},
	{"max-upload", "EVALD_MAX_UPLOAD", OPT_SIZE, F(svc.max_upload),
	 "most data bytes of one .npy streamed as application/x-npy into a "
	 "reference or stream (rows x d x dtype size; such bodies are not "
	 "held, so --max-body does not apply), 0 = no limit (default 32G)"},
	{"max-kept-rows", "EVALD_MAX_KEPT_ROWS", OPT_SIZE, F(svc.max_kept_rows),
	 "most bytes of rows one reference or stream keeps with keep_rows "
	 "(rows x d x 4 for float32, x 8 otherwise), for the metrics that "
	 "need the rows; 0 = keep none (default 2G)"},
	{"max-bodies", "EVALD_MAX_BODIES", OPT_SIZE, F(svc.max_bodies),
	 "bytes of request bodies held at once, over all connections and "
	 "queued jobs; more get 503 (default 1G)"},
	{"body-cache", "EVALD_BODY_CACHE", OPT_SIZE, F(body_cache),
	 "bytes of large body buffers (2M and up) kept idle for the next "
	 "bodies, so a large upload does not wait for fresh zeroed pages; "
	 "0 = keep none (default 256M)"},
	{"job-lease", "EVALD_JOB_LEASE", OPT_INT, F(svc.job_lease),
	 "with a shared (PostgreSQL) store: seconds after which a job whose "
	 "replica stopped renewing it is reported failed, worker_lost "
	 "(default 15)"},
	{"job-ttl", "EVALD_JOB_TTL", OPT_INT, F(svc.job_ttl),
	 "seconds a finished async job is kept for polling (default 3600)"},
	{"timeout", "EVALD_TIMEOUT", OPT_INT, F(conn_timeout),
	 "seconds before an idle connection is closed (default 30)"},
	{"header-timeout", "EVALD_HEADER_TIMEOUT", OPT_INT, F(header_timeout),
	 "seconds a client may take to send a request's headers (default "
	 "10)"},
	{"body-timeout", "EVALD_BODY_TIMEOUT", OPT_INT, F(body_timeout),
	 "seconds a client may take to send a request's body (default "
	 "300)"},
	{"max-connections", "EVALD_MAX_CONNECTIONS", OPT_INT, F(conn_limit),
	 "simultaneous connections (default 512)"},
	{"max-per-ip", "EVALD_MAX_PER_IP", OPT_INT, F(per_ip_limit),
	 "simultaneous connections from one client address (default 64)"},
	{"drain-timeout", "EVALD_DRAIN_TIMEOUT", OPT_INT, F(drain_timeout),
	 "seconds a stop lets requests in flight finish before cancelling "
	 "them (default 30)"},
	{"token-file", "EVALD_TOKEN_FILE", OPT_STR, F(token_file),
	 "file holding the bearer token that POST, PUT and DELETE need"},
	{"read-token-file", "EVALD_READ_TOKEN_FILE", OPT_STR,
	 F(read_token_file),
	 "file holding the bearer token that GETs under /v1/ and /metrics "
	 "need"},
	{"tls-cert", "EVALD_TLS_CERT", OPT_STR, F(tls_cert),
	 "PEM certificate: serve HTTPS (with --tls-key)"},
	{"tls-key", "EVALD_TLS_KEY", OPT_STR, F(tls_key),
	 "PEM private key for --tls-cert"},
	{"log-level", "EVALD_LOG_LEVEL", OPT_LEVEL, F(log_level),
	 "error, warn, info (default) or debug"},
	{"max-drift-columns", "EVALD_MAX_DRIFT_COLUMNS", OPT_SIZE,
	 F(svc.max_drift_columns),
	 "most columns of one table in a /v1/drift report (default 1000)"},
	{"max-dataset-rows", "EVALD_MAX_DATASET_ROWS", OPT_SIZE,
	 F(svc.max_dataset_rows),
	 "most rows a stored dataset keeps, its max_rows' default and cap; "
	 "a longer table keeps a seeded sample (default 100k, 1 to 100M)"},
	{"max-dataset-cells", "EVALD_MAX_DATASET_CELLS", OPT_SIZE,
	 F(svc.max_dataset_cells),
	 "most kept rows x columns of one stored dataset, 0 = no limit "
	 "(default 10M)"},
};
#define NOPTS (sizeof opts / sizeof *opts)

int settings_parse_listen(const char *s, struct sockaddr_storage *ss,
			  unsigned int *len)
{
	char host[256] = "127.0.0.1";
	const char *colon = strrchr(s, ':'), *port_s = colon ? colon + 1 : s;
	char *end;

	/* A port alone serves on loopback, the safe reading of "9000". */
	if (colon) {
		size_t hl = (size_t)(colon - s);
		if (hl == 0 || hl >= sizeof host)
			return -1;
		memcpy(host, s, hl);
		host[hl] = '\0';
	}
	long port = strtol(port_s, &end, 10);
	if (!*port_s || *end || port < 0 || port > 65535)
		return -1;
	memset(ss, 0, sizeof *ss);
	size_t hl = strlen(host);
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

static int parse_size(const char *s, int64_t *out)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || end == s || v < 0)
		return -1;
	int shift = 0;
	switch (*end) {
	case 'k':
	case 'K':
		shift = 10;
		end++;
		break;
	case 'm':
	case 'M':
		shift = 20;
		end++;
		break;
	case 'g':
	case 'G':
		shift = 30;
		end++;
		break;
	case 't':
	case 'T':
		shift = 40;
		end++;
		break;
	}
	if (*end || v > (LLONG_MAX >> shift))
		return -1;
	*out = (int64_t)v << shift;
	return 0;
}

static int set(settings *cfg, const opt *o, const char *val, const char *src)
{
	char *field = (char *)cfg + o->offset;
	switch (o->kind) {
	case OPT_STR:
		if (strlen(val) >= o->size)
			goto bad;
		memcpy(field, val, strlen(val) + 1);
		return 0;
	case OPT_INT: {
		char *end;
		errno = 0;
		long v = strtol(val, &end, 10);
		if (errno || *end || end == val || v < 0 || v > 1 << 20)
			goto bad;
		*(int *)field = (int)v;
		return 0;
	}
	case OPT_SIZE:
		if (parse_size(val, (int64_t *)field) < 0)
			goto bad;
		return 0;
	case OPT_LEVEL: {
		int l = log_level_parse(val);
		if (l < 0)
			goto bad;
		*(int *)field = l;
		return 0;
	}
	}
bad:
	fprintf(stderr, "evald: invalid value '%s' for %s\n", val, src);
	return -1;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: evald [options]\n\nEvaluation metrics over "
		   "HTTP.  Every option can also be set through the\n"
		   "environment variable named beside it.\n\n");
	for (size_t i = 0; i < NOPTS; i++)
		fprintf(f, "  --%-16s %-22s %s\n", opts[i].flag, opts[i].env,
			opts[i].help);
	fprintf(f, "  --help\n  --version\n");
}

/* What the flags mean together, once all are read: the token files
 * loaded, the address and store parsed, the bounds in range.  0, or -1
 * after saying why on stderr (a usage error). */
static int settings_check(settings *cfg)
{
	char errbuf[256];
	if (cfg->token_file[0] &&
	    auth_load_token(cfg->token_file, cfg->svc.auth.write_token,
			    sizeof cfg->svc.auth.write_token, errbuf) < 0) {
		fprintf(stderr, "evald: %s\n", errbuf);
		return -1;
	}
	if (cfg->read_token_file[0] &&
	    auth_load_token(cfg->read_token_file, cfg->svc.auth.read_token,
			    sizeof cfg->svc.auth.read_token, errbuf) < 0) {
		fprintf(stderr, "evald: %s\n", errbuf);
		return -1;
	}
	struct sockaddr_storage ss;
	unsigned int sl;
	if (settings_parse_listen(cfg->listen, &ss, &sl) < 0) {
		fprintf(stderr,
			"evald: invalid value '%s' for --listen: expected "
			"ADDR:PORT, [ADDR6]:PORT or PORT\n",
			cfg->listen);
		return -1;
	}
	if (!cfg->tls_cert[0] != !cfg->tls_key[0]) {
		fprintf(stderr,
			"evald: --tls-cert and --tls-key go together\n");
		return -1;
	}
	if (!cfg->store[0])
		snprintf(cfg->store, sizeof cfg->store, "sqlite:%s",
			 cfg->data_dir);
	if (strncmp(cfg->store, "sqlite:", 7) &&
	    strncmp(cfg->store, "postgresql://", 13) &&
	    strncmp(cfg->store, "postgres://", 11)) {
		fprintf(stderr,
			"evald: invalid value for --store: expected sqlite:DIR "
			"or postgresql://...\n");
		return -1;
	}
	if (!strncmp(cfg->store, "sqlite:", 7) && !cfg->store[7]) {
		fprintf(stderr, "evald: --store sqlite: needs a directory\n");
		return -1;
	}
	if (cfg->migrate_from[0] && !strncmp(cfg->store, "sqlite:", 7)) {
		fprintf(stderr, "evald: --migrate-from copies into PostgreSQL: "
				"give --store postgresql://...\n");
		return -1;
	}
	if (cfg->threads < 1)
		cfg->threads = 1;
	if (cfg->svc.max_jobs < 1)
		cfg->svc.max_jobs = 1;
	/* Each request in line holds an HTTP thread (http.c sizes the pool
	 * for them), so the line is kept to what threads can afford. */
	if (cfg->svc.max_queue < 0 || cfg->svc.max_queue > 1024) {
		fprintf(stderr,
			"evald: invalid value %d for --max-queue: 0 to 1024\n",
			cfg->svc.max_queue);
		return -1;
	}
	/* A numeric column is one stored value of 8 bytes a row, and both
	 * stores refuse a value past 1 GB. */
	if (cfg->svc.max_dataset_rows < 1 ||
	    cfg->svc.max_dataset_rows > 100000000) {
		fprintf(stderr,
			"evald: invalid value %lld for --max-dataset-rows: 1 "
			"to 100M\n",
			(long long)cfg->svc.max_dataset_rows);
		return -1;
	}
	if (cfg->svc.queue_timeout < 0) {
		fprintf(stderr,
			"evald: invalid value %d for --queue-timeout: 0 or "
			"more seconds\n",
			cfg->svc.queue_timeout);
		return -1;
	}
	return 0;
}

int settings_load(settings *cfg, int argc, char **argv)
{
	struct option lo[NOPTS + 3];
	long cores = sysconf(_SC_NPROCESSORS_ONLN);

	memset(cfg, 0, sizeof *cfg);
	if (cores < 1)
		cores = 1;
	snprintf(cfg->listen, sizeof cfg->listen, "127.0.0.1:8640");
	snprintf(cfg->data_dir, sizeof cfg->data_dir, "var");
	cfg->threads = (int)cores;
	cfg->log_level = LOG_INFO;
	cfg->conn_timeout = 30;
	cfg->conn_limit = 512;
	cfg->header_timeout = 10;
	cfg->body_timeout = 300;
	cfg->per_ip_limit = 64;
	cfg->drain_timeout = 30;
	cfg->body_cache = (int64_t)256 << 20;
	svc_config_defaults(&cfg->svc);
	cfg->svc.max_jobs = cores / 2 > 1 ? (int)(cores / 2) : 1;

	for (size_t i = 0; i < NOPTS; i++) {
		const char *v = getenv(opts[i].env);
		if (v && *v && set(cfg, &opts[i], v, opts[i].env) < 0)
			return -1;
	}
	for (size_t i = 0; i < NOPTS; i++)
		lo[i] = (struct option){opts[i].flag, required_argument, NULL,
					(int)i + 1};
	lo[NOPTS] = (struct option){"help", no_argument, NULL, 'h'};
	lo[NOPTS + 1] = (struct option){"version", no_argument, NULL, 'V'};
	lo[NOPTS + 2] = (struct option){0};
	optind = 1;
	for (;;) {
		int c = getopt_long(argc, argv, "h", lo, NULL);
		if (c == -1)
			break;
		if (c == 'h') {
			usage(stdout);
			return 1;
		}
		if (c == 'V') {
			printf("evald %s\n", PACKAGE_VERSION);
			return 1;
		}
		if (c < 1 || c > (int)NOPTS) {
			usage(stderr);
			return -1;
		}
		char src[64];
		snprintf(src, sizeof src, "--%s", opts[c - 1].flag);
		if (set(cfg, &opts[c - 1], optarg, src) < 0)
			return -1;
	}
	if (optind < argc) {
		fprintf(stderr, "evald: unexpected argument '%s'\n",
			argv[optind]);
		usage(stderr);
		return -1;
	}
	return settings_check(cfg);
}
