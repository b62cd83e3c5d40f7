/* fuzz_tensor.c - libFuzzer harness: tensor decoding (nested arrays,
 * packed base64, blobs) of every value found in a parsed document. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>

#include "codec.h"
#include "jsonx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void walk(const codec_ctx *cx, json_t *v, int depth)
{
	evald_tensor t;
	verr err;
	const char *k;
	json_t *x;
	size_t i;

	if (codec_tensor(cx, v, "/x", &t, &err) == 0) {
		/* Touch every element: a wrong size would show under ASan. */
		volatile double s = 0;
		for (int64_t j = 0; j < t.size; j++)
			s += t.data[j];
		(void)s;
	}
	if (depth > 16)
		return;
	if (json_is_object(v))
		json_object_foreach(v, k, x) walk(cx, x, depth + 1);
	else if (json_is_array(v))
		json_array_foreach(v, i, x) walk(cx, x, depth + 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	jsonx_doc doc;
	jsonx_error e;

	if (jsonx_parse((const char *)data, size, NULL, &doc, &e) < 0)
		return 0;
	pool *p = pool_new();
	codec_ctx cx = {.doc = &doc, .pool = p, .max_elems = 1 << 20};
	walk(&cx, doc.root, 0);
	pool_free(p);
	jsonx_free(&doc);
	return 0;
}
