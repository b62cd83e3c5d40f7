/* codec.c - tensor decoding (nested, packed, blobs) and number encoding.
 *
 * Packed data is decoded from base64 in small chunks straight into the
 * float64 destination, so a packed tensor costs its float64 size and
 * nothing more: no intermediate raw copy, no jansson nodes.  Every float64
 * buffer is counted against the request's budget (--max-decoded) before it
 * is allocated, and every packed tensor must decode to exactly the bytes
 * its shape declares. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base64.h"
#include "codec.h"

static int non_finite_error(const double *d, int ndim, const int64_t *shape,
			    int64_t size, const char *path, int packed,
			    verr *err)
{
	for (int64_t i = 0; i < size; i++) {
		if (isfinite(d[i]))
			continue;
		char where[256] = "", idx[160] = "";
		int64_t rem = i;
		size_t off = 0;
		int64_t mi[EVALD_MAX_DIMS];
		for (int k = ndim - 1; k >= 0; k--) {
			mi[k] = shape[k] ? rem % shape[k] : 0;
			rem = shape[k] ? rem / shape[k] : 0;
		}
		for (int k = 0; k < ndim && off < sizeof idx; k++)
			off += snprintf(idx + off, sizeof idx - off,
					k ? ", %lld" : "%lld",
					(long long)mi[k]);
		if (packed) {
			snprintf(where, sizeof where, "%s/data", path);
		} else {
			off = (size_t)snprintf(where, sizeof where, "%s", path);
			for (int k = 0; k < ndim && off < sizeof where; k++)
				off += snprintf(where + off, sizeof where - off,
						"/%lld", (long long)mi[k]);
		}
		return verr_set(err, E_NON_FINITE, where,
				"element [%s] is %s; inputs must be finite "
				"numbers",
				idx, isnan(d[i]) ? "NaN" : "infinite");
	}
	return 0;
}

/* evald_tensor_init refuses shapes whose strides overflow (possible for
 * empty tensors with huge other dimensions). */
static int init_view(evald_tensor *t, double *d, evald_dtype dt, int ndim,
		     const int64_t *shape, const char *path, verr *err)
{
	if (evald_tensor_init(t, d, dt, ndim, shape) != EVALD_OK)
		return verr_set(err, E_TOO_LARGE, path,
				"tensor shape is too large to address");
	return 0;
}

/* Count a float64 buffer of n elements against the request's decoding
 * budget, which the document's number blobs already draw on. */
static int reserve(const codec_ctx *cx, int64_t n, const char *path, verr *err)
{
	return pool_reserve(cx->pool, (uint64_t)n * sizeof(double),
			    cx->doc ? cx->doc->bytes : 0, path, "this tensor",
			    err);
}

static int check_elems(const codec_ctx *cx, int64_t n, const char *path,
		       verr *err)
{
	if (cx->max_elems > 0 && n > cx->max_elems)
		return verr_set(err, E_TOO_LARGE, path,
				"tensor has %lld elements; this server "
				"accepts at most %lld per tensor "
				"(--max-elements)",
				(long long)n, (long long)cx->max_elems);
	/* Its float64 size (and any item size times it) must not wrap. */
	if (n > INT64_MAX / 8)
		return verr_set(err, E_TOO_LARGE, path,
				"tensor has %lld elements, too many to "
				"address",
				(long long)n);
	return 0;
}

/* ------------------------------------------------------ nested arrays */

static void widen(evald_dtype dt, const uint8_t *src, size_t n, double *dst);

/* A number blob that stands for an array (not a NaN or Infinity). */
static const jsonx_blob *array_blob(const codec_ctx *cx, json_t *v)
{
	const jsonx_blob *b = jsonx_blob_of(cx->doc, v);
	return b && b->kind == JSONX_NUMBERS && b->ndim > 0 ? b : NULL;
}

/* Find the shape by following first elements, then verify every element
 * against it while copying.  An array that held something other than
 * numbers, or was ragged, can still hold number blobs: each stands for its
 * own dimensions. */
static int nested_shape(const codec_ctx *cx, json_t *v, int *ndim,
			int64_t *shape, const char *path, verr *err)
{
	int n = 0;
	for (;;) {
		const jsonx_blob *b = array_blob(cx, v);
		if (b) {
			if (n + b->ndim > EVALD_MAX_DIMS)
				return verr_set(err, E_TOO_MANY_DIMS, path,
						"tensor has more than %d "
						"dimensions",
						EVALD_MAX_DIMS);
			memcpy(shape + n, b->shape,
			       (size_t)b->ndim * sizeof *shape);
			n += b->ndim;
			break;
		}
		if (!json_is_array(v))
			break;
		if (n == EVALD_MAX_DIMS)
			return verr_set(err, E_TOO_MANY_DIMS, path,
					"tensor has more than %d dimensions",
					EVALD_MAX_DIMS);
		shape[n++] = (int64_t)json_array_size(v);
		if (json_array_size(v) == 0)
			break;
		v = json_array_get(v, 0);
	}
	*ndim = n;
	return 0;
}

static int nested_fill(const codec_ctx *cx, json_t *v, int depth, int ndim,
		       const int64_t *shape, double *dst, int64_t *k,
		       int *all_int, char *path, size_t plen, verr *err)
{
	if (depth == ndim) {
		const jsonx_blob *b = jsonx_blob_of(cx->doc, v);
		if (b && b->kind == JSONX_NUMBERS && b->ndim == 0) {
			dst[(*k)++] = b->data[0];
			*all_int = 0;
			return 0;
		}
		if (json_is_integer(v)) {
			dst[(*k)++] = (double)json_integer_value(v);
			return 0;
		}
		if (json_is_real(v)) {
			dst[(*k)++] = json_real_value(v);
			*all_int = 0;
			return 0;
		}
		if (json_is_array(v) || b)
			return verr_set(err, E_RAGGED_ARRAY, path,
					"array is nested deeper here than at "
					"its first element; tensors must be "
					"rectangular");
		return verr_set(err, E_WRONG_TYPE, path,
				"expected a number, found %s",
				json_is_string(v)   ? "a string"
				: json_is_object(v) ? "an object"
				: json_is_null(v)   ? "null"
						    : "a boolean");
	}
	const jsonx_blob *ab = array_blob(cx, v);
	if (ab) {
		if (ab->ndim != ndim - depth ||
		    memcmp(ab->shape, shape + depth,
			   (size_t)ab->ndim * sizeof *shape))
			return verr_set(err, E_RAGGED_ARRAY, path,
					"array here is not shaped like the "
					"first element at this depth; tensors "
					"must be rectangular");
		if (ab->data)
			memcpy(dst + *k, ab->data,
			       (size_t)ab->size * sizeof *dst);
		else
			widen(ab->ints_dtype, ab->ints, (size_t)ab->size,
			      dst + *k);
		*k += ab->size;
		*all_int &= ab->all_integer;
		return 0;
	}
	if (!json_is_array(v))
		return verr_set(err, E_RAGGED_ARRAY, path,
				"expected an array of length %lld here (as "
				"at the first element); tensors must be "
				"rectangular",
				(long long)shape[depth]);
	if ((int64_t)json_array_size(v) != shape[depth])
		return verr_set(err, E_RAGGED_ARRAY, path,
				"array has %zu elements where the first one "
				"at this depth has %lld; tensors must be "
				"rectangular",
				json_array_size(v), (long long)shape[depth]);
	for (size_t i = 0; i < json_array_size(v); i++) {
		int w = snprintf(path + plen, 256 - plen, "/%zu", i);
		size_t nl = plen + (size_t)(w > 0 ? w : 0);
		if (nl >= 256)
			nl = 255;
		if (nested_fill(cx, json_array_get(v, i), depth + 1, ndim,
				shape, dst, k, all_int, path, nl, err) < 0)
			return -1;
	}
	path[plen] = '\0';
	return 0;
}

static int decode_nested(const codec_ctx *cx, json_t *v, const char *path,
			 evald_tensor *out, verr *err)
{
	int ndim = 0, all_int = 1;
	int64_t shape[EVALD_MAX_DIMS], size = 1, k = 0;
	char p[256];

	if (nested_shape(cx, v, &ndim, shape, path, err) < 0)
		return -1;
	for (int i = 0; i < ndim; i++) {
		if (shape[i] && size > INT64_MAX / shape[i])
			return verr_set(err, E_TOO_LARGE, path,
					"tensor size overflows");
		size *= shape[i];
	}
	if (check_elems(cx, size, path, err) < 0 ||
	    reserve(cx, size, path, err) < 0)
		return -1;
	double *d = pool_alloc(cx->pool, (size_t)size * sizeof(double));
	if (!d)
		return verr_set(err, E_OUT_OF_MEMORY, path,
				"not enough memory to decode this tensor");
	snprintf(p, sizeof p, "%s", path);
	if (size > 0 && nested_fill(cx, v, 0, ndim, shape, d, &k, &all_int, p,
				    strlen(p), err) < 0)
		return -1;
	if (non_finite_error(d, ndim, shape, size, path, 0, err) < 0)
		return -1;
	return init_view(out, d, all_int ? EVALD_I64 : EVALD_F64, ndim, shape,
			 path, err);
}

/* ------------------------------------------------------------- packed */

static const struct {
	const char *name;
	evald_dtype dt;
	int size;
} dtypes[] = {
	{"float64", EVALD_F64, 8}, {"float32", EVALD_F32, 4},
	{"int64", EVALD_I64, 8},   {"int32", EVALD_I32, 4},
	{"uint8", EVALD_U8, 1},
};

/* Little-endian loads: one plain load on a little-endian host. */
static uint32_t le32(const uint8_t *p)
{
	uint32_t u;
	memcpy(&u, p, 4);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	u = __builtin_bswap32(u);
#endif
	return u;
}

static uint64_t le64(const uint8_t *p)
{
	uint64_t u;
	memcpy(&u, p, 8);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	u = __builtin_bswap64(u);
#endif
	return u;
}

/* Widen n little-endian items of dtype dt at src into dst.  One loop per
 * dtype rather than a switch per item: each loop is a load, a convert and
 * a store that the compiler vectorises (packed float32 decoding went from
 * ~1.1 to ~1.6 GB/s with it). */
static void widen(evald_dtype dt, const uint8_t *src, size_t n, double *dst)
{
	switch (dt) {
	case EVALD_F64:
		for (size_t i = 0; i < n; i++) {
			uint64_t u = le64(src + i * 8);
			memcpy(&dst[i], &u, 8);
		}
		break;
	case EVALD_F32:
		for (size_t i = 0; i < n; i++) {
			uint32_t u = le32(src + i * 4);
			float f;
			memcpy(&f, &u, 4);
			dst[i] = f;
		}
		break;
	case EVALD_I64:
		for (size_t i = 0; i < n; i++)
			dst[i] = (double)(int64_t)le64(src + i * 8);
		break;
	case EVALD_I32:
		for (size_t i = 0; i < n; i++)
			dst[i] = (double)(int32_t)le32(src + i * 4);
		break;
	default:
		for (size_t i = 0; i < n; i++)
			dst[i] = src[i];
		break;
	}
}

/* A packed tensor's header, checked: dtype, shape, and the base64 text
 * (borrowed from the body or the tree) of exactly the right length. */
typedef struct packed_info {
	int ti; /* index in dtypes[] */
	int ndim;
	int64_t shape[EVALD_MAX_DIMS];
	int64_t size;
	uint64_t bytes; /* size x item size: what data must decode to */
	const char *b64;
	size_t b64len;
} packed_info;

/* A packed tensor's base64, decoded a piece at a time.  Each piece is 4096
 * characters (3072 bytes, a multiple of every item size) and only the one
 * that ends the string may carry padding, so every piece but the last
 * decodes to exactly 3072 bytes. */
typedef struct b64_reader {
	const char *s;
	size_t len, done;
	uint64_t total; /* bytes decoded so far */
} b64_reader;

#define B64_PIECE 4096

static int b64_next(b64_reader *r, uint8_t *out, size_t *got, const char *path,
		    verr *err)
{
	size_t n = r->len - r->done > B64_PIECE ? B64_PIECE : r->len - r->done;
	size_t bad;
	if (base64_decode(r->s + r->done, n, r->done + n == r->len, out, got,
			  &bad) < 0) {
		size_t at = r->done + bad;
		if (at < r->len && r->s[at] == '=')
			return verr_set(err, E_BAD_BASE64, path,
					"'=' at character %zu: base64 padding "
					"is allowed only at the very end of "
					"the string",
					at);
		return verr_set(err, E_BAD_BASE64, path,
				"invalid base64 at character %zu", at);
	}
	r->done += n;
	r->total += *got;
	return 0;
}

/* After the last piece: the decoded length must be the declared one
 * (base64_length promised it; a shortfall would leave bytes unwritten). */
static int b64_finish(const b64_reader *r, uint64_t want, const char *path,
		      verr *err)
{
	if (r->total != want)
		return verr_set(err, E_SHAPE_MISMATCH, path,
				"data decodes to %llu bytes but shape and "
				"dtype need %llu",
				(unsigned long long)r->total,
				(unsigned long long)want);
	return 0;
}

static int packed_header(const codec_ctx *cx, json_t *v, const char *path,
			 packed_info *pi, verr *err)
{
	json_t *jdt = json_object_get(v, "dtype");
	json_t *jshape = json_object_get(v, "shape");
	json_t *jdata = json_object_get(v, "data");
	static const char *const keys[] = {"dtype", "shape", "data", NULL};
	char p[300];
	int ti = -1, ndim;
	int64_t *shape = pi->shape, size = 1;

	if (jsonx_check_keys(v, keys, path,
			     "a packed tensor has only dtype, shape and data",
			     err) < 0)
		return -1;
	snprintf(p, sizeof p, "%s/dtype", path);
	if (!json_is_string(jdt))
		return verr_set(err, E_WRONG_TYPE, p,
				"dtype must be a string: float64, float32, "
				"int64, int32 or uint8");
	for (size_t i = 0; i < sizeof dtypes / sizeof *dtypes; i++)
		if (!strcmp(json_string_value(jdt), dtypes[i].name))
			ti = (int)i;
	if (ti < 0)
		return verr_set(err, E_UNSUPPORTED_DTYPE, p,
				"dtype '%s' is not supported; use float64, "
				"float32, int64, int32 or uint8",
				json_string_value(jdt));
	snprintf(p, sizeof p, "%s/shape", path);
	if (!jsonx_is_array(cx->doc, jshape))
		return verr_set(err, E_WRONG_TYPE, p,
				"shape must be an array of non-negative "
				"integers");
	/* A number blob: 256 and more entries, or arrays for entries. */
	const jsonx_blob *sb = jsonx_blob_of(cx->doc, jshape);
	if (sb && sb->ndim == 1)
		return verr_set(err, E_TOO_MANY_DIMS, p,
				"shape has %lld dimensions; at most %d are "
				"supported",
				(long long)sb->shape[0], EVALD_MAX_DIMS);
	if (sb) {
		snprintf(p, sizeof p, "%s/shape/0", path);
		return verr_set(err, E_INVALID_SHAPE, p,
				"shape entries must be non-negative integers");
	}
	ndim = (int)json_array_size(jshape);
	if (ndim > EVALD_MAX_DIMS)
		return verr_set(err, E_TOO_MANY_DIMS, p,
				"shape has %d dimensions; at most %d are "
				"supported",
				ndim, EVALD_MAX_DIMS);
	for (int i = 0; i < ndim; i++) {
		json_t *d = json_array_get(jshape, (size_t)i);
		if (!json_is_integer(d) || json_integer_value(d) < 0) {
			snprintf(p, sizeof p, "%s/shape/%d", path, i);
			return verr_set(err, E_INVALID_SHAPE, p,
					"shape entries must be non-negative "
					"integers");
		}
		shape[i] = json_integer_value(d);
		if (shape[i] && size > INT64_MAX / shape[i]) {
			snprintf(p, sizeof p, "%s/shape/%d", path, i);
			return verr_set(err, E_TOO_LARGE, p,
					"shape's element count overflows");
		}
		size *= shape[i];
	}
	if (check_elems(cx, size, p, err) < 0)
		return -1;

	const char *b64;
	size_t b64len;
	const jsonx_blob *blob = jsonx_blob_of(cx->doc, jdata);
	snprintf(p, sizeof p, "%s/data", path);
	if (blob && blob->kind == JSONX_STRING) {
		b64 = blob->str;
		b64len = blob->len;
	} else if (json_is_string(jdata)) {
		b64 = json_string_value(jdata);
		b64len = json_string_length(jdata);
	} else {
		return verr_set(err, E_WRONG_TYPE, p,
				"data must be a base64 string of the "
				"little-endian C-order bytes");
	}
	int isz = dtypes[ti].size;
	/* check_elems keeps size * 8 from wrapping. */
	uint64_t want = (uint64_t)size * (uint64_t)isz;
	/* Exact length check first: a short or long string is the most
	 * common client error and deserves its own message. */
	size_t have, bad;
	if (base64_length(b64, b64len, &have, &bad) < 0)
		return verr_set(err, E_BAD_BASE64, p,
				"base64 of %zu characters cannot be valid: "
				"it is groups of 4 characters, with '=' "
				"padding only at the very end",
				b64len);
	if (have != want)
		return verr_set(err, E_SHAPE_MISMATCH, p,
				"data holds %llu bytes but shape and dtype "
				"need %lld × %d = %llu",
				(unsigned long long)have, (long long)size, isz,
				(unsigned long long)want);

	pi->ti = ti;
	pi->ndim = ndim;
	pi->size = size;
	pi->bytes = want;
	pi->b64 = b64;
	pi->b64len = b64len;
	return 0;
}

static int decode_packed(const codec_ctx *cx, json_t *v, const char *path,
			 evald_tensor *out, verr *err)
{
	packed_info pi;
	char p[300];

	if (packed_header(cx, v, path, &pi, err) < 0)
		return -1;
	int ti = pi.ti, ndim = pi.ndim, isz = dtypes[ti].size;
	int64_t size = pi.size, *shape = pi.shape;
	snprintf(p, sizeof p, "%s/data", path);
	if (reserve(cx, size, path, err) < 0)
		return -1;
	double *d = pool_alloc(cx->pool, (size_t)size * sizeof(double));
	if (!d)
		return verr_set(err, E_OUT_OF_MEMORY, path,
				"not enough memory to decode this tensor");
	uint8_t chunk[B64_PIECE / 4 * 3 + 8];
	b64_reader r = {.s = pi.b64, .len = pi.b64len};
	size_t item = 0;
	while (r.done < r.len) {
		size_t got;
		if (b64_next(&r, chunk, &got, p, err) < 0)
			return -1;
		/* Never write past the declared shape, whatever decoded. */
		if (got % (size_t)isz || r.total > pi.bytes)
			break;
		widen(dtypes[ti].dt, chunk, got / (size_t)isz, d + item);
		item += got / (size_t)isz;
	}
	if (b64_finish(&r, pi.bytes, p, err) < 0)
		return -1;
	if (non_finite_error(d, ndim, shape, size, path, 1, err) < 0)
		return -1;
	return init_view(out, d, dtypes[ti].dt, ndim, shape, path, err);
}

/* Hand `rows` complete rows (dtype dt, d columns) to the sink, after the
 * finiteness check; `row0` is the index of the first one. */
static int emit_rows(codec_row_sink sink, void *ctx, const uint8_t *buf,
		     evald_dtype dt, int64_t rows, int64_t d, int64_t row0,
		     double *wide, const char *path, verr *err)
{
	const void *block = buf;
	evald_dtype bdt = dt;
	int64_t n = rows * d;

	/* The raw bytes are little-endian: usable in place only on a
	 * little-endian host. */
	int native = __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__;
	if ((dt != EVALD_F32 && dt != EVALD_F64) || !native) {
		widen(dt, buf, (size_t)n, wide);
		block = wide;
		bdt = EVALD_F64;
	}
	for (int64_t i = 0; i < n; i++) {
		double x = bdt == EVALD_F32 ? ((const float *)block)[i]
					    : ((const double *)block)[i];
		if (!isfinite(x)) {
			char p[300];
			snprintf(p, sizeof p, "%s/data", path);
			return verr_set(err, E_NON_FINITE, p,
					"element [%lld, %lld] is %s; inputs "
					"must be finite numbers",
					(long long)(row0 + i / d),
					(long long)(i % d),
					isnan(x) ? "NaN" : "infinite");
		}
	}
	return sink(ctx, block, bdt, rows, err);
}

int codec_rows(const codec_ctx *cx, json_t *v, const char *path, int64_t *nrows,
	       int64_t *ncols, codec_row_sink sink, void *ctx, verr *err)
{
	packed_info pi;
	char shp[64];

	if (!jsonx_is_object(cx->doc, v) || !json_object_get(v, "data")) {
		/* Nested arrays are float64 already: decode and hand over. */
		evald_tensor t;
		if (codec_tensor(cx, v, path, &t, err) < 0)
			return -1;
		if (t.ndim != 2)
			return verr_set(
				err, E_SHAPE_MISMATCH, path,
				"expected a matrix [N, d]; got shape %s",
				evald_shape_str(&t, shp, sizeof shp));
		*nrows = t.shape[0];
		*ncols = t.shape[1];
		return t.size ? sink(ctx, t.data, EVALD_F64, t.shape[0], err)
			      : 0;
	}
	if (packed_header(cx, v, path, &pi, err) < 0)
		return -1;
	if (pi.ndim != 2 || pi.shape[1] < 1)
		return verr_set(err, E_SHAPE_MISMATCH, path,
				"expected a matrix [N, d] with d >= 1");
	*nrows = pi.shape[0];
	*ncols = pi.shape[1];
	if (pi.shape[0] == 0)
		return 0; /* no rows: data is "" (packed_header checked) */
	/* Little-endian float32/float64 go to the sink as they are decoded,
	 * a block of rows at a time: a float32 set never exists as float64. */
	int64_t d = pi.shape[1], isz = dtypes[pi.ti].size;
	int64_t rowbytes = d * isz;
	/* ~8 MB per block: fewer, larger dsyrk updates (1 MB blocks cost 2x
	 * in the accumulator, measured in bench/distances). */
	int64_t block_rows = rowbytes >= (8 << 20) ? 1 : (8 << 20) / rowbytes;
	size_t cap = (size_t)(block_rows * rowbytes) + B64_PIECE / 4 * 3;
	uint8_t *buf = malloc(cap);
	/* A float64 staging block only where rows need widening. */
	evald_dtype dt = dtypes[pi.ti].dt;
	int needs_wide = (dt != EVALD_F32 && dt != EVALD_F64) ||
			 __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__;
	double *wide =
		needs_wide ? malloc((size_t)(block_rows * d) * sizeof(double))
			   : NULL;
	size_t fill = 0;
	b64_reader r = {.s = pi.b64, .len = pi.b64len};
	int64_t row0 = 0;
	int rc = 0;
	char p[300];

	snprintf(p, sizeof p, "%s/data", path);
	if (!buf || (needs_wide && !wide)) {
		rc = verr_set(err, E_OUT_OF_MEMORY, path, "out of memory");
		goto out;
	}
	while (r.done < r.len) {
		size_t got;
		if ((rc = b64_next(&r, buf + fill, &got, p, err)) < 0)
			goto out;
		if (r.total > pi.bytes)
			break; /* b64_finish reports it */
		fill += got;
		/* A piece may complete more rows than a block holds (small
		 * rows, up to 3072 bytes more): hand them over a block at a
		 * time, since `wide` has room for one block only. */
		size_t used = 0;
		for (;;) {
			int64_t rows = (int64_t)(fill - used) / rowbytes;
			if (rows > block_rows)
				rows = block_rows;
			if (rows == 0 || (rows < block_rows && r.done < r.len))
				break;
			rc = emit_rows(sink, ctx, buf + used, dt, rows, d, row0,
				       wide, path, err);
			if (rc < 0)
				goto out;
			used += (size_t)(rows * rowbytes);
			row0 += rows;
		}
		memmove(buf, buf + used, fill - used);
		fill -= used;
	}
	/* Every declared row went to the sink, none short. */
	rc = b64_finish(&r, pi.bytes, p, err);
out:
	free(buf);
	free(wide);
	return rc < 0 ? -1 : 0;
}

int codec_labels(const codec_ctx *cx, json_t *v, const char *path,
		 evald_labels *out, int *ndim, int64_t *shape, verr *err)
{
	packed_info pi;
	if (!jsonx_is_object(cx->doc, v) || !json_object_get(v, "data"))
		return 0;
	if (packed_header(cx, v, path, &pi, err) < 0)
		return -1;
	evald_dtype dt = dtypes[pi.ti].dt;
	if (dt != EVALD_I64 && dt != EVALD_I32 && dt != EVALD_U8)
		return 0;
	if (pool_reserve(cx->pool, pi.bytes, cx->doc ? cx->doc->bytes : 0, path,
			 "this tensor", err) < 0)
		return -1;
	uint8_t *d = pool_alloc(cx->pool, (size_t)pi.bytes + 8);
	if (!d)
		return verr_set(err, E_OUT_OF_MEMORY, path,
				"not enough memory to decode this tensor");
	char p[300];
	snprintf(p, sizeof p, "%s/data", path);
	b64_reader r = {.s = pi.b64, .len = pi.b64len};
	while (r.done < r.len) {
		size_t got, at = (size_t)r.total;
		/* b64_next writes at most one piece: it lands in place,
		 * the buffer having the declared size (and a piece's
		 * slack) and the total checked before each write. */
		if (r.total + B64_PIECE / 4 * 3 > pi.bytes + 8) {
			uint8_t chunk[B64_PIECE / 4 * 3 + 8];
			if (b64_next(&r, chunk, &got, p, err) < 0)
				return -1;
			if (r.total > pi.bytes)
				break;
			memcpy(d + at, chunk, got);
		} else if (b64_next(&r, d + at, &got, p, err) < 0) {
			return -1;
		}
	}
	if (b64_finish(&r, pi.bytes, p, err) < 0)
		return -1;
	*out = (evald_labels){.data = d, .dtype = dt, .size = pi.size};
	*ndim = pi.ndim;
	memcpy(shape, pi.shape, sizeof pi.shape);
	return 1;
}

int codec_ctx_open(codec_ctx *cx, const jsonx_doc *doc, int64_t max_elems,
		   int64_t budget, verr *err)
{
	*cx = (codec_ctx){
		.doc = doc, .pool = pool_new(), .max_elems = max_elems};
	if (!cx->pool)
		return verr_set(err, E_OUT_OF_MEMORY, "", "out of memory");
	pool_set_budget(cx->pool, budget);
	return 0;
}

int codec_tensor(const codec_ctx *cx, json_t *v, const char *path,
		 evald_tensor *out, verr *err)
{
	const jsonx_blob *b = jsonx_blob_of(cx->doc, v);

	if (b && b->kind == JSONX_NUMBERS && !b->data) {
		/* Integers kept as sent: widened here, for this request. */
		double *d;
		if (check_elems(cx, b->size, path, err) < 0 ||
		    reserve(cx, b->size, path, err) < 0)
			return -1;
		if (!(d = pool_alloc(cx->pool,
				     (size_t)b->size * sizeof(double) + 8)))
			return verr_set(err, E_OUT_OF_MEMORY, path,
					"not enough memory to decode this "
					"tensor");
		widen(b->ints_dtype, b->ints, (size_t)b->size, d);
		return init_view(out, d,
				 b->ints_dtype == EVALD_F32 ? EVALD_F32
							    : EVALD_I64,
				 b->ndim, b->shape, path, err);
	}
	if (b && b->kind == JSONX_NUMBERS) {
		if (check_elems(cx, b->size, path, err) < 0)
			return -1;
		if (non_finite_error(b->data, b->ndim, b->shape, b->size, path,
				     0, err) < 0)
			return -1;
		/* The blob outlives the request's calls; share it. */
		return init_view(out, b->data,
				 b->all_integer ? EVALD_I64 : EVALD_F64,
				 b->ndim, b->shape, path, err);
	}
	if (json_is_integer(v) || json_is_real(v)) {
		double *d = pool_alloc(cx->pool, sizeof(double));
		if (!d)
			return verr_set(err, E_OUT_OF_MEMORY, path,
					"out of memory");
		*d = json_number_value(v);
		evald_tensor_init(out, d,
				  json_is_integer(v) ? EVALD_I64 : EVALD_F64, 0,
				  NULL);
		return 0;
	}
	if (json_is_array(v))
		return decode_nested(cx, v, path, out, err);
	if (jsonx_is_object(cx->doc, v) && json_object_get(v, "data"))
		return decode_packed(cx, v, path, out, err);
	return verr_set(err, E_WRONG_TYPE, path,
			"expected a tensor: a number, nested arrays of "
			"numbers, or a packed {\"dtype\", \"shape\", "
			"\"data\"} object");
}

int codec_number(const codec_ctx *cx, json_t *v, const char *path, double *out,
		 verr *err)
{
	const jsonx_blob *b = jsonx_blob_of(cx->doc, v);
	if (b && b->kind == JSONX_NUMBERS && b->ndim == 0)
		return verr_set(err, E_NON_FINITE, path,
				"value is %s; it must be a finite number",
				isnan(b->data[0]) ? "NaN" : "infinite");
	if (!json_is_number(v))
		return verr_set(err, E_WRONG_TYPE, path, "expected a number");
	*out = json_number_value(v);
	return 0;
}

json_t *codec_real_json(double v, int *nonfinite)
{
	if (!isfinite(v)) {
		*nonfinite = 1;
		return json_null();
	}
	return json_real(v);
}

static json_t *array_rec(const double **v, int depth, int ndim,
			 const int64_t *shape, int *nonfinite)
{
	json_t *a = json_array();
	if (!a)
		return NULL;
	for (int64_t i = 0; i < shape[depth]; i++) {
		json_t *x;
		if (depth + 1 == ndim)
			x = codec_real_json(*(*v)++, nonfinite);
		else
			x = array_rec(v, depth + 1, ndim, shape, nonfinite);
		if (!x || json_array_append_new(a, x) < 0) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

json_t *codec_array_json(const double *v, int ndim, const int64_t *shape,
			 int *nonfinite)
{
	if (ndim == 0)
		return codec_real_json(v[0], nonfinite);
	return array_rec(&v, 0, ndim, shape, nonfinite);
}
