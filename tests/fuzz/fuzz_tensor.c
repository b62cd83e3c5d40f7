/* fuzz_tensor.c - libFuzzer harness: tensor decoding (nested arrays,
 * packed base64, blobs) of every value found in a parsed document, as a
 * whole (codec_tensor) and streamed by rows (codec_rows), which must
 * deliver exactly the rows it announces. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>

#include "codec.h"
#include "jsonx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct seen {
	int64_t rows;
	const int64_t *ncols; /* set by codec_rows before the first call */
} seen;

static int count(void *ctx, const void *rows, evald_dtype dt, int64_t n,
		 verr *err)
{
	seen *sn = ctx;
	const uint8_t *b = rows;
	size_t isz = dt == EVALD_F32 ? 4 : 8;
	(void)err;
	/* Touch the block's last byte: a short block would show under ASan. */
	if (n > 0 && *sn->ncols > 0) {
		volatile uint8_t x =
			b[(size_t)n * (size_t)*sn->ncols * isz - 1];
		(void)x;
	}
	sn->rows += n;
	return 0;
}

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
	int64_t nr = 0, nc = 0;
	seen sn = {0, &nc};
	if (codec_rows(cx, v, "/x", &nr, &nc, count, &sn, &err) == 0 &&
	    json_is_object(v) && sn.rows != nr)
		abort();
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
	pool_set_budget(p, 64 << 20);
	codec_ctx cx = {.doc = &doc, .pool = p, .max_elems = 1 << 20};
	walk(&cx, doc.root, 0);
	pool_free(p);
	jsonx_free(&doc);
	return 0;
}
