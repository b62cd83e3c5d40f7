/* fuzz_router.c - libFuzzer harness: the whole dispatcher.  The input is
 * "METHOD PATH\nCONTENT-TYPE\nBODY"; every request must get a complete
 * response that is one JSON object (or the Prometheus/HTML pages), and a
 * status that is not 500. */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dispatch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static svc s;
static int ready;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char head[512], ctype[128];
	const char *nl1, *nl2, *end = (const char *)data + size;
	svc_response rs;

	if (!ready) {
		static char dir[] = "/tmp/evald-fuzz-XXXXXX";
		svc_config cfg;
		char errbuf[256];
		svc_config_defaults(&cfg);
		cfg.max_elems = 1 << 16;
		cfg.data_dir = mkdtemp(dir);
		json_object_seed(1);
		if (svc_init(&s, &cfg, errbuf) < 0)
			abort();
		ready = 1;
	}
	nl1 = memchr(data, '\n', size);
	if (!nl1 || (size_t)(nl1 - (const char *)data) >= sizeof head)
		return 0;
	nl2 = memchr(nl1 + 1, '\n', (size_t)(end - nl1 - 1));
	if (!nl2 || (size_t)(nl2 - nl1 - 1) >= sizeof ctype)
		return 0;
	memcpy(head, data, (size_t)(nl1 - (const char *)data));
	head[nl1 - (const char *)data] = '\0';
	memcpy(ctype, nl1 + 1, (size_t)(nl2 - nl1 - 1));
	ctype[nl2 - nl1 - 1] = '\0';
	char *sp = strchr(head, ' ');
	if (!sp || strchr(head, '\0') == sp + 1)
		return 0;
	*sp = '\0';
	size_t blen = (size_t)(end - nl2 - 1);
	char *body = malloc(blen + 1);
	memcpy(body, nl2 + 1, blen);
	body[blen] = '\0';
	/* A '?' in the path stands for ?async=1 (the path keeps it: the
	 * router must answer such a path too). */
	char qs[] = "async=1";
	svc_query q;
	svc_query_parse(&q, qs);
	svc_request rq = {.method = head,
			  .path = sp + 1,
			  .query = strchr(sp + 1, '?') ? &q : NULL,
			  .content_type = ctype[0] ? ctype : NULL,
			  .body = body,
			  .len = blen,
			  .steal_body = &body};
	/* Job results are not waited for; the queue bounds them. */
	svc_handle(&s, &rq, &rs);
	if (rs.status == 500 || rs.status == 0 || !rs.body)
		abort();
	if (rs.content_type && strstr(rs.content_type, "json")) {
		json_t *j = json_loadb(rs.body, rs.len, 0, NULL);
		if (!json_is_object(j))
			abort();
		json_decref(j);
	}
	free(rs.body);
	free(body);
	return 0;
}
