/* npzreq.c - a metric request sent as a .npz archive.
 *
 * Ten million scores as base64 JSON are 110 MB of text to scan and decode;
 * as a .npz they are the 40 or 80 MB NumPy wrote, read in place.  Each
 * member becomes a number blob in an ordinary request document, so every
 * check after the parse (unknown inputs, shapes, params) is the JSON
 * path's and gives the same answer.  Lengths and names come from the
 * client and are checked before use (tests/fuzz/fuzz_npzreq.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bigalloc.h"
#include "npy.h"
#include "npzreq.h"
#include "pool.h"

#define PARAMS_MEMBER "params.json"

int npzreq_is_type(const char *ct)
{
	return ct && (!strncasecmp(ct, "application/x-npz", 17) ||
		      !strncasecmp(ct, "application/octet-stream", 24));
}

typedef struct scan {
	const svc_config *cfg;
	const char *body;
	size_t len;
	pool *p;
	jsonx_doc *doc;
	json_t *inputs;
	int params_member; /* params.json was seen */
} scan;

/* An input name: what a JSON key for it could be, short and printable. */
static int name_ok(const char *s, size_t n)
{
	if (n == 0 || n >= 64)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!(s[i] == '_' || (s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9')))
			return 0;
	return 1;
}

static int is_npy_name(const char *name, size_t n)
{
	return n > 4 && !memcmp(name + n - 4, ".npy", 4);
}

/* First pass: every member is NAME.npy or params.json, each once. */
static int check_name(void *ctx, const char *name, size_t n, verr *err)
{
	scan *sc = ctx;
	if (n == strlen(PARAMS_MEMBER) && !memcmp(name, PARAMS_MEMBER, n)) {
		if (sc->params_member++)
			return verr_set(err, E_BAD_NPZ, "",
					"the .npz holds params.json twice");
		return 0;
	}
	if (!is_npy_name(name, n) || !name_ok(name, n - 4))
		return verr_set(err, E_BAD_NPZ, "",
				"the .npz member '%.*s' is neither an input "
				"(NAME.npy, NAME made of letters, digits and "
				"'_') nor params.json",
				(int)(n < 80 ? n : 80), name);
	return 0;
}

/* An integer member stays integers: class labels are counted as they
 * are (cls_labels.c), and whatever wants float64 widens them then
 * (codec.c), counting that against --max-decoded when it happens.  A
 * stored member is used in place (the body outlives the doc); an
 * inflated one lives in this scan's pool, so it is copied out. */
static int keep_ints(scan *sc, const char *key, const void *data, size_t dlen,
		     const npy_info *in, const char *path, const char *what,
		     verr *err)
{
	const char *src = (const char *)data + in->data_off;
	size_t bytes = dlen - in->data_off;
	void *owned = NULL;
	json_t *mk;

	if (src < sc->body || src + bytes > sc->body + sc->len) {
		if (pool_reserve(sc->p, bytes, 0, "", what, err) < 0) {
			snprintf(err->path, sizeof err->path, "%s", path);
			return -1;
		}
		if (!(owned = big_alloc(bytes ? bytes : 1)))
			return verr_set(err, E_OUT_OF_MEMORY, path,
					"not enough memory for %s", what);
		memcpy(owned, src, bytes);
		src = owned;
	}
	mk = jsonx_add_ints(sc->doc, src, owned, in->dtype, in->ndim,
			    in->shape);
	if (!mk) {
		free(owned);
		return verr_set(err, E_OUT_OF_MEMORY, path, "out of memory");
	}
	json_object_set_new(sc->inputs, key, mk);
	return 0;
}

/* The first element of n little-endian float32 that is NaN or infinite
 * (all exponent bits set), or -1. */
static int64_t f32_nonfinite(const void *src, int64_t n)
{
	const unsigned char *p = src;
	for (int64_t i = 0; i < n; i++) {
		uint32_t u = (uint32_t)p[4 * i + 2] >> 7 |
			     (uint32_t)(p[4 * i + 3] & 0x7f) << 1;
		if (u == 0xff)
			return i;
	}
	return -1;
}

/* Widen one .npy member into a buffer the doc will own. */
static int decode_member(scan *sc, const char *key, const void *data,
			 size_t dlen, const char *path, verr *err)
{
	char what[96];
	npy_info in;
	snprintf(what, sizeof what, "%s.npy", key);
	int rc = npy_head(data, dlen, what, &in, err);
	if (rc > 0)
		rc = verr_set(err, E_BAD_NPY, "",
			      "%s: the header is longer than the member", what);
	if (rc == 0 && sc->cfg->max_elems > 0 && in.size > sc->cfg->max_elems)
		rc = verr_set(err, E_TOO_LARGE, "",
			      "%s has %lld elements; this server accepts at "
			      "most %lld per tensor (--max-elements)",
			      what, (long long)in.size,
			      (long long)sc->cfg->max_elems);
	if (rc == 0 &&
	    (uint64_t)in.size * (uint64_t)in.itemsize != dlen - in.data_off)
		rc = verr_set(err, E_BAD_NPY, "",
			      "%s: data holds %zu bytes but its shape and "
			      "dtype need %llu",
			      what, dlen - in.data_off,
			      (unsigned long long)in.size *
				      (unsigned long long)in.itemsize);
	int integral = in.dtype == EVALD_I64 || in.dtype == EVALD_I32 ||
		       in.dtype == EVALD_U8 || in.dtype == EVALD_BOOL;
	if (rc == 0 && integral && in.ndim > 0)
		return keep_ints(sc, key, data, dlen, &in, path, what, err);
	if (rc == 0 && in.dtype == EVALD_F32 && in.ndim > 0) {
		/* Kept as sent too: roc_auc and average_precision sort the
		 * float32 as they are (resolve.c keep_f32). */
		int64_t bad = f32_nonfinite((const char *)data + in.data_off,
					    in.size);
		if (bad >= 0)
			return verr_set(err, E_NON_FINITE, path,
					"%s: element %lld is not finite; "
					"inputs must be finite numbers",
					what, (long long)bad);
		return keep_ints(sc, key, data, dlen, &in, path, what, err);
	}
	if (rc == 0)
		rc = pool_reserve(sc->p, (uint64_t)in.size * sizeof(double), 0,
				  "", what, err);
	if (rc < 0) {
		snprintf(err->path, sizeof err->path, "%s", path);
		return -1;
	}
	double *d = big_alloc((size_t)in.size * sizeof *d);
	if (!d)
		return verr_set(err, E_OUT_OF_MEMORY, path,
				"not enough memory for %s", what);
	int64_t bad = npy_widen(in.dtype, (const char *)data + in.data_off,
				in.size, d);
	if (bad >= 0) {
		free(d);
		return verr_set(err, E_NON_FINITE, path,
				"%s: element %lld is not finite; inputs must "
				"be finite numbers",
				what, (long long)bad);
	}
	json_t *mk = jsonx_add_numbers(sc->doc, d, in.ndim, in.shape, integral);
	if (!mk) {
		free(d);
		return verr_set(err, E_OUT_OF_MEMORY, path, "out of memory");
	}
	json_object_set_new(sc->inputs, key, mk);
	return 0;
}

/* Second pass: decode each NAME.npy into inputs/NAME. */
static int add_input(void *ctx, const char *name, size_t n, verr *err)
{
	scan *sc = ctx;
	char key[64], path[80];
	const void *data;
	size_t dlen;

	if (!is_npy_name(name, n))
		return 0; /* params.json, read already */
	memcpy(key, name, n - 4);
	key[n - 4] = '\0';
	snprintf(path, sizeof path, "/inputs/%s", key);
	if (json_object_get(sc->inputs, key))
		return verr_set(err, E_BAD_NPZ, path,
				"the .npz holds %s.npy twice", key);
	if (npz_member(sc->body, sc->len, key, sc->p, (size_t)sc->cfg->max_body,
		       &data, &dlen, err) < 0) {
		snprintf(err->path, sizeof err->path, "%s", path);
		return -1;
	}
	return decode_member(sc, key, data, dlen, path, err);
}

/* The params object from its JSON text, as the doc's params. */
static int parse_params(const svc_config *cfg, const char *text, size_t len,
			const char *from, jsonx_doc *doc, verr *err)
{
	jsonx_limits lim = {.max_nodes = cfg->max_json_nodes,
			    .max_bytes = cfg->max_decoded};
	jsonx_error je;
	if (jsonx_parse(text, len, &lim, doc, &je) < 0)
		return verr_set(err, E_MALFORMED_JSON, "/params",
				"%s is not valid JSON (line %d, column %d: "
				"%s)",
				from, je.line, je.column, je.msg);
	if (!jsonx_is_object(doc, doc->root))
		return verr_set(err, E_WRONG_TYPE, "/params",
				"%s must be a JSON object of params", from);
	return 0;
}

int npzreq_parse(const svc_config *cfg, const char *body, size_t len,
		 const char *params, jsonx_doc *doc, verr *err)
{
	scan sc = {.cfg = cfg, .body = body, .len = len, .doc = doc};
	json_t *root = NULL;

	memset(doc, 0, sizeof *doc);
	if (!(sc.p = pool_new()))
		return verr_set(err, E_OUT_OF_MEMORY, "", "out of memory");
	pool_set_budget(sc.p, cfg->max_decoded);
	if (npy_sniff(body, len) != 2) {
		verr_set(err, E_BAD_NPZ, "",
			 "the body is not a .npz (zip) archive; send the "
			 "inputs as NAME.npy members of one (np.savez), or "
			 "as JSON");
		goto fail;
	}
	if (npz_each(body, len, check_name, &sc, err) < 0)
		goto fail;
	if (sc.params_member && params) {
		verr_set(err, E_BAD_QUERY, "",
			 "params are given twice, as ?params= and as the "
			 "params.json member; send one");
		goto fail;
	}
	if (sc.params_member) {
		const void *t;
		size_t tl;
		if (npz_member(body, len, PARAMS_MEMBER, sc.p, 1 << 20, &t, &tl,
			       err) < 0 ||
		    parse_params(cfg, t, tl, "the params.json member", doc,
				 err) < 0)
			goto fail;
	} else if (params &&
		   parse_params(cfg, params, strlen(params),
				"the params query parameter", doc, err) < 0) {
		goto fail;
	}
	root = json_object();
	sc.inputs = json_object();
	if (!root || !sc.inputs) {
		json_decref(sc.inputs);
		verr_set(err, E_OUT_OF_MEMORY, "", "out of memory");
		goto fail;
	}
	json_object_set_new(root, "inputs", sc.inputs);
	if (doc->root)
		json_object_set_new(root, "params", doc->root);
	doc->root = root;
	root = NULL;
	if (npz_each(body, len, add_input, &sc, err) < 0)
		goto fail;
	pool_free(sc.p);
	return 0;
fail:
	json_decref(root);
	jsonx_free(doc);
	pool_free(sc.p);
	return -1;
}
