/* fuzz_npzreq.c - libFuzzer harness: a .npz body of POST
 * /v1/metrics/{name} (npzreq.c) built into a request document under the
 * decoding budget; a document it returns must be whole (every input a
 * number blob, float64 or integers kept as sent, that can be read end to
 * end), and nothing may be held past
 * the budget. */
#include <stdint.h>
#include <stdlib.h>

#include "npzreq.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define BUDGET (32 << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	svc_config cfg;
	jsonx_doc doc;
	verr err;
	const char *key;
	json_t *v;

	svc_config_defaults(&cfg);
	cfg.max_decoded = BUDGET;
	cfg.max_body = (int64_t)size;
	if (npzreq_parse(&cfg, (const char *)data, size, NULL, &doc, &err) < 0)
		return 0;
	if (doc.bytes > BUDGET)
		abort();
	json_object_foreach(json_object_get(doc.root, "inputs"), key, v)
	{
		const jsonx_blob *b = jsonx_blob_of(&doc, v);
		if (!b)
			abort();
		volatile double s = 0;
		if (!b->data && !b->ints)
			abort();
		for (int64_t j = 0; b->data && j < b->size; j++)
			s += b->data[j];
		/* Integers kept as sent: every byte of them readable. */
		int isz = b->ints_dtype == EVALD_I64   ? 8
			  : b->ints_dtype == EVALD_I32 ? 4
						       : 1;
		for (int64_t j = 0; !b->data && j < b->size * isz; j++)
			s += ((const unsigned char *)b->ints)[j];
		(void)s;
	}
	jsonx_free(&doc);
	return 0;
}
