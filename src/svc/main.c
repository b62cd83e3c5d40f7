/* main.c - evald's entry point: settings, start-up, signals, drain.
 *
 * The only process-wide state lives here: the service record and the HTTP
 * server.  SIGTERM/SIGINT stop accepting, let in-flight requests finish
 * (up to --drain-timeout, then cancel them) and exit 0. */
#include <config.h>

#include <errno.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <evald/evald.h>

#include "dispatch.h"
#include "http.h"
#include "log.h"
#include "migrate.h"
#include "registry.h"
#include "sd.h"
#include "settings.h"

static int mkdir_p(const char *dir)
{
	char buf[1024];
	snprintf(buf, sizeof buf, "%s", dir);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0750) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(buf, 0750) < 0 && errno != EEXIST)
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	settings cfg;
	svc s;
	http_server *h;
	sigset_t set;
	int sig, rc = settings_load(&cfg, argc, argv);

	if (rc != 0)
		return rc > 0 ? 0 : 2;
	log_setup(cfg.log_level, getenv("JOURNAL_STREAM") != NULL);
	/* A metric row that disagrees with its enums or its function is a
	 * build mistake: refuse to serve it. */
	char bad[1024];
	if (registry_check(bad, sizeof bad) > 0) {
		for (char *nl = strchr(bad, '\n'); nl; nl = strchr(nl, '\n'))
			*nl = nl[1] ? ';' : '\0';
		log_msg(LOG_ERROR,
			"event=start_failed reason=\"metric table: %s\"", bad);
		return 1;
	}
	/* jansson's hash seed must be set before threads exist. */
	json_object_seed(0);
	/* Heavy computations run --max-jobs at a time; each may use BLAS
	 * threads, and together they must not oversubscribe the cores. */
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	int blas = (int)(cores > 0 ? cores : 1) / cfg.svc.max_jobs;
	evald_set_threads(blas > 0 ? blas : 1);

	char errbuf[256], shown[1100];
	const char *dir = store_url_dir(cfg.store);
	store_url_redact(cfg.store, shown, sizeof shown);
	if (cfg.migrate_from[0]) {
		if (migrate_run(cfg.migrate_from, cfg.store, stdout, errbuf)) {
			fprintf(stderr,
				"evald: --migrate-from %s into %s: %s\n",
				cfg.migrate_from, shown, errbuf);
			return 1;
		}
		return 0;
	}
	if (dir && mkdir_p(dir) < 0) {
		log_msg(LOG_ERROR,
			"event=start_failed reason=\"cannot create data dir "
			"%s: %s\"",
			dir, strerror(errno));
		return 1;
	}
	/* Block the stop signals in every thread; main waits for them. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	/* A connection for every thread that may use the store at once
	 * (http.c's pool), up to what a database server should give one
	 * replica. */
	int conns = cfg.threads + cfg.svc.max_jobs + cfg.svc.max_queue;
	cfg.svc.data_dir = cfg.store;
	cfg.svc.store_conns = conns < 16 ? conns : 16;
	if (svc_init(&s, &cfg.svc, errbuf) < 0) {
		log_msg(LOG_ERROR, "event=start_failed reason=\"%s\"", errbuf);
		return 1;
	}
	if (errbuf[0]) {
		/* A store that cannot be opened now will not open by itself
		 * later: stop, so the service manager reports it, rather than
		 * serve with /readyz failing for ever. */
		if (dir)
			log_msg(LOG_ERROR,
				"event=start_failed reason=\"cannot open the "
				"store in --data-dir %s (is it writable by "
				"this user?): %s\"",
				dir, errbuf);
		else
			log_msg(LOG_ERROR,
				"event=start_failed reason=\"cannot open the "
				"store %s: %s\"",
				shown, errbuf);
		svc_close(&s);
		return 1;
	}
	if (!cfg.svc.auth.write_token[0] && strncmp(cfg.listen, "127.", 4) &&
	    strncmp(cfg.listen, "[::1]", 5) &&
	    strncmp(cfg.listen, "localhost", 9))
		log_msg(LOG_WARN,
			"event=open_listener listen=%s reason=\"serving beyond "
			"loopback without --token-file: anyone who reaches "
			"this address can write\"",
			cfg.listen);
	if (!cfg.svc.auth.write_token[0] && cfg.svc.auth.read_token[0])
		log_msg(LOG_WARN,
			"event=open_writes reason=\"--read-token-file without "
			"--token-file: reads need a token, but anyone who "
			"reaches this address can write\"");
	int lfd = sd_listen_fd();
	h = http_start(&cfg, &s, lfd);
	if (!h) {
		svc_close(&s);
		return 1;
	}
	char esc[1200];
	log_msg(LOG_INFO,
		"event=started version=%s listen=%s%s port=%d threads=%d "
		"max_jobs=%d blas_threads=%d max_body=%lld store=%s",
		PACKAGE_VERSION, lfd >= 0 ? "systemd-socket:" : "",
		lfd >= 0 ? "" : cfg.listen, http_port(h), cfg.threads,
		cfg.svc.max_jobs, blas > 0 ? blas : 1,
		(long long)cfg.svc.max_body, log_esc(esc, sizeof esc, shown));
	sd_notify_msg("READY=1\nSTATUS=serving");
	if (sigwait(&set, &sig) != 0)
		sig = SIGTERM;
	sd_notify_msg("STOPPING=1\nSTATUS=draining in-flight requests");
	log_msg(LOG_INFO, "event=stopping signal=%s",
		sig == SIGINT ? "SIGINT" : "SIGTERM");
	http_stop(h, cfg.drain_timeout);
	svc_close(&s);
	log_msg(LOG_INFO, "event=stopped");
	return 0;
}
