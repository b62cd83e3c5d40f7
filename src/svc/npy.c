/* npy.c - .npy and .npz readers.
 *
 * Every length and offset comes from the client, so each is checked
 * against the buffer before use; a malformed file is a 422 naming what
 * is wrong, never a read out of bounds (tests/fuzz/fuzz_npy.c,
 * fuzz_npz.c).  The header is parsed as the Python dict literal it is,
 * not searched, and every inflated or widened byte is counted against the
 * pool's budget (--max-decoded) before it is allocated. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "npy.h"

static uint32_t le16(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t le32(const uint8_t *p)
{
	return le16(p) | le16(p + 2) << 16;
}

int npy_sniff(const void *buf, size_t len)
{
	const uint8_t *b = buf;
	if (len >= 6 && !memcmp(b, "\x93NUMPY", 6))
		return 1;
	if (len >= 4 && !memcmp(b, "PK\x03\x04", 4))
		return 2;
	return 0;
}

/* The header dict: {'descr': '<f8', 'fortran_order': False,
 * 'shape': (2, 3), } padded with spaces and a newline. */
typedef struct npy_header {
	char descr[32];
	int fortran; /* -1 = missing */
	int ndim;    /* -1 = missing */
	int64_t shape[EVALD_MAX_DIMS];
} npy_header;

typedef struct hscan {
	const char *p, *end;
} hscan;

static void hs_ws(hscan *h)
{
	while (h->p < h->end && (*h->p == ' ' || *h->p == '\t' ||
				 *h->p == '\n' || *h->p == '\r'))
		h->p++;
}

static int hs_eat(hscan *h, char c)
{
	hs_ws(h);
	if (h->p < h->end && *h->p == c) {
		h->p++;
		return 1;
	}
	return 0;
}

/* A quoted Python string without escapes into out (cap bytes with the
 * NUL); longer strings are an error, since no valid key or descr is. */
static int hs_string(hscan *h, char *out, size_t cap)
{
	hs_ws(h);
	if (h->p >= h->end || (*h->p != '\'' && *h->p != '"'))
		return -1;
	char q = *h->p++;
	size_t n = 0;
	while (h->p < h->end && *h->p != q) {
		if (*h->p == '\\' || n + 1 >= cap)
			return -1;
		out[n++] = *h->p++;
	}
	if (h->p >= h->end)
		return -1;
	h->p++;
	out[n] = '\0';
	return 0;
}

/* A non-negative decimal integer that fits int64. */
static int hs_int(hscan *h, int64_t *out)
{
	int64_t v = 0;
	const char *start;
	hs_ws(h);
	start = h->p;
	while (h->p < h->end && *h->p >= '0' && *h->p <= '9') {
		int dg = *h->p++ - '0';
		if (v > (INT64_MAX - dg) / 10)
			return -2;
		v = v * 10 + dg;
	}
	if (h->p == start)
		return -1;
	/* Python 2 wrote shapes as longs: (3L, 4L). */
	if (h->p < h->end && *h->p == 'L')
		h->p++;
	*out = v;
	return 0;
}

static int parse_header(const char *text, size_t len, const char *what,
			npy_header *hd, verr *err)
{
	hscan h = {text, text + len};
	char key[16];
	int seen_descr = 0;

	hd->descr[0] = '\0';
	hd->fortran = -1;
	hd->ndim = -1;
	if (!hs_eat(&h, '{'))
		goto bad;
	while (!hs_eat(&h, '}')) {
		if (hs_string(&h, key, sizeof key) < 0 || !hs_eat(&h, ':'))
			goto bad;
		if (!strcmp(key, "descr") && !seen_descr) {
			/* Structured dtypes are a list: not read. */
			if (hs_string(&h, hd->descr, sizeof hd->descr) < 0) {
				hs_ws(&h);
				if (h.p < h.end && *h.p == '[')
					snprintf(hd->descr, sizeof hd->descr,
						 "record");
				else
					goto bad;
				/* Unsupported either way; stop here. */
				return 0;
			}
			seen_descr = 1;
		} else if (!strcmp(key, "fortran_order") && hd->fortran < 0) {
			hs_ws(&h);
			if ((size_t)(h.end - h.p) >= 4 &&
			    !memcmp(h.p, "True", 4)) {
				hd->fortran = 1;
				h.p += 4;
			} else if ((size_t)(h.end - h.p) >= 5 &&
				   !memcmp(h.p, "False", 5)) {
				hd->fortran = 0;
				h.p += 5;
			} else {
				goto bad;
			}
		} else if (!strcmp(key, "shape") && hd->ndim < 0) {
			if (!hs_eat(&h, '('))
				goto bad;
			hd->ndim = 0;
			while (!hs_eat(&h, ')')) {
				int64_t d;
				int r = hs_int(&h, &d);
				if (r == -2)
					return verr_set(err, E_TOO_LARGE, "",
							"%s: a shape entry "
							"does not fit a "
							"64-bit integer",
							what);
				if (r < 0)
					goto bad;
				if (hd->ndim == EVALD_MAX_DIMS)
					return verr_set(err, E_TOO_MANY_DIMS,
							"",
							"%s has more than %d "
							"dimensions",
							what, EVALD_MAX_DIMS);
				hd->shape[hd->ndim++] = d;
				if (!hs_eat(&h, ',')) {
					if (!hs_eat(&h, ')'))
						goto bad;
					break;
				}
			}
		} else {
			goto bad; /* unknown or repeated key */
		}
		if (!hs_eat(&h, ',')) {
			if (!hs_eat(&h, '}'))
				goto bad;
			break;
		}
	}
	hs_ws(&h);
	if (h.p != h.end || !seen_descr || hd->fortran < 0 || hd->ndim < 0)
		goto bad;
	return 0;
bad:
	return verr_set(err, E_BAD_NPY, "",
			"%s: the header is not a dict of exactly 'descr', "
			"'fortran_order' and 'shape' (malformed near byte "
			"%zu of the header)",
			what, (size_t)(h.p - text));
}

static double half_to_double(uint16_t h)
{
	int e = (h >> 10) & 0x1f, m = h & 0x3ff;
	double v = e == 0    ? ldexp(m, -24)
		   : e == 31 ? (m ? NAN : INFINITY)
			     : ldexp(m + 1024, e - 25);
	return h & 0x8000 ? -v : v;
}

/* Widen n little-endian items of dtype dt (isz bytes each) at src into
 * dst; the index of the first non-finite value, or -1 when all are. */
static int64_t widen(evald_dtype dt, const uint8_t *src, int isz, int64_t n,
		     double *dst)
{
	for (int64_t i = 0; i < n; i++, src += isz) {
		switch (dt) {
		case EVALD_F64: {
			uint64_t u = (uint64_t)le32(src) |
				     (uint64_t)le32(src + 4) << 32;
			memcpy(&dst[i], &u, 8);
			break;
		}
		case EVALD_F32: {
			uint32_t u = le32(src);
			float f;
			memcpy(&f, &u, 4);
			dst[i] = f;
			break;
		}
		case EVALD_F16:
			dst[i] = half_to_double((uint16_t)le16(src));
			break;
		case EVALD_I64:
			dst[i] = (double)(int64_t)((uint64_t)le32(src) |
						   (uint64_t)le32(src + 4)
							   << 32);
			break;
		case EVALD_I32: dst[i] = (double)(int32_t)le32(src); break;
		default: dst[i] = *src; break;
		}
		if (!isfinite(dst[i]))
			return i;
	}
	return -1;
}

/* Longest header accepted: NumPy writes at most a few hundred bytes, and
 * a version 2 header may claim 4 GiB, which a streamed upload would have
 * to hold before it could read a row. */
#define NPY_HEADER_MAX (1 << 20)

int npy_head(const void *buf, size_t len, const char *what, npy_info *info,
	     verr *err)
{
	static const struct {
		const char *d;
		evald_dtype dt;
		int size;
	} kinds[] = {{"<f8", EVALD_F64, 8}, {"<f4", EVALD_F32, 4},
		     {"<f2", EVALD_F16, 2}, {"<i8", EVALD_I64, 8},
		     {"<i4", EVALD_I32, 4}, {"|u1", EVALD_U8, 1},
		     {"|b1", EVALD_BOOL, 1}};
	const uint8_t *b = buf;
	size_t hl, off;
	npy_header hd;

	if (len < 6 ? memcmp(b, "\x93NUMPY", len) != 0 : npy_sniff(b, len) != 1)
		return verr_set(err, E_BAD_NPY, "",
				"%s is not a .npy file (bad magic)", what);
	if (len < 10)
		return 1;
	if (b[6] == 1) {
		hl = le16(b + 8);
		off = 10;
	} else if (b[6] == 2 || b[6] == 3) {
		if (len < 12)
			return 1;
		hl = le32(b + 8);
		off = 12;
	} else {
		return verr_set(err, E_BAD_NPY, "",
				"%s: unsupported .npy version %d", what, b[6]);
	}
	if (hl > NPY_HEADER_MAX)
		return verr_set(
			err, E_BAD_NPY, "",
			"%s: a header of %zu bytes; evald reads at most "
			"%d",
			what, hl, NPY_HEADER_MAX);
	if (hl > len - off)
		return 1;
	if (parse_header((const char *)b + off, hl, what, &hd, err) < 0)
		return -1;
	memset(info, 0, sizeof *info);
	for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
		if (!strcmp(hd.descr, kinds[i].d)) {
			info->dtype = kinds[i].dt;
			info->itemsize = kinds[i].size;
		}
	if (!info->itemsize)
		return verr_set(err, E_UNSUPPORTED_DTYPE, "",
				"%s: dtype '%s' is not supported; send "
				"little-endian float16/32/64 (or int32/64, "
				"uint8, bool)",
				what, hd.descr);
	if (hd.fortran)
		return verr_set(err, E_UNSUPPORTED_LAYOUT, "",
				"%s: only C-order arrays are read; save with "
				"np.ascontiguousarray",
				what);
	info->ndim = hd.ndim;
	info->size = 1;
	for (int i = 0; i < hd.ndim; i++) {
		int64_t d = hd.shape[i];
		if (d && info->size > INT64_MAX / 8 / d)
			return verr_set(err, E_TOO_LARGE, "",
					"%s: shape overflows", what);
		info->shape[i] = d;
		info->size *= d;
	}
	info->data_off = off + hl;
	return 0;
}

int64_t npy_widen(evald_dtype dt, const void *src, int64_t n, double *dst)
{
	int isz = dt == EVALD_F64 || dt == EVALD_I64   ? 8
		  : dt == EVALD_F32 || dt == EVALD_I32 ? 4
		  : dt == EVALD_F16		       ? 2
						       : 1;
	return widen(dt, src, isz, n, dst);
}

int npy_decode(const void *buf, size_t len, pool *p, int64_t max_elems,
	       const char *what, evald_tensor *out, verr *err)
{
	npy_info in;
	int rc = npy_head(buf, len, what, &in, err);

	if (rc < 0)
		return -1;
	if (rc > 0)
		return verr_set(err, E_BAD_NPY, "",
				len < 10 ? "%s is not a .npy file (too short)"
					 : "%s: header is longer than the file",
				what);
	if (max_elems > 0 && in.size > max_elems)
		return verr_set(err, E_TOO_LARGE, "",
				"%s has %lld elements; this server accepts at "
				"most %lld per tensor (--max-elements)",
				what, (long long)in.size, (long long)max_elems);
	if ((uint64_t)in.size * (uint64_t)in.itemsize != len - in.data_off)
		return verr_set(err, E_BAD_NPY, "",
				"%s: data holds %zu bytes but its shape and "
				"dtype need %llu",
				what, len - in.data_off,
				(unsigned long long)in.size *
					(unsigned long long)in.itemsize);
	if (pool_reserve(p, (uint64_t)in.size * sizeof(double), 0, "", what,
			 err) < 0)
		return -1;
	double *d =
		pool_alloc(p, (size_t)(in.size ? in.size : 1) * sizeof(double));
	if (!d)
		return verr_set(err, E_OUT_OF_MEMORY, "",
				"not enough memory for %s", what);
	int64_t bad = widen(in.dtype, (const uint8_t *)buf + in.data_off,
			    in.itemsize, in.size, d);
	if (bad >= 0)
		return verr_set(err, E_NON_FINITE, "",
				"%s: element %lld is not finite", what,
				(long long)bad);
	if (evald_tensor_init(out, d, in.dtype, in.ndim, in.shape) != EVALD_OK)
		return verr_set(err, E_TOO_LARGE, "",
				"%s: shape is too large to address", what);
	return 0;
}

/* ------------------------------------------------------------ zip */

/* Find the central directory: its entry count and offset.  The
 * end-of-central-directory record sits in the last 64 KiB. */
static int npz_directory(const uint8_t *b, size_t len, uint32_t *count,
			 size_t *cd, verr *err)
{
	size_t eocd = (size_t)-1;

	for (size_t i = len >= 22 ? len - 22 : 0; len >= 22 && i + 65557 >= len;
	     i--) {
		if (!memcmp(b + i, "PK\x05\x06", 4)) {
			eocd = i;
			break;
		}
		if (i == 0)
			break;
	}
	if (eocd == (size_t)-1)
		return verr_set(err, E_BAD_NPZ, "",
				"not a zip archive (no end of central "
				"directory)");
	*count = le16(b + eocd + 10);
	*cd = le32(b + eocd + 16);
	return 0;
}

int npz_member(const void *buf, size_t len, const char *name, pool *p,
	       size_t max_out, const void **data, size_t *dlen, verr *err)
{
	const uint8_t *b = buf;
	size_t nl = strlen(name), pos;
	uint32_t count;

	if (npz_directory(b, len, &count, &pos, err))
		return -1;
	for (uint32_t k = 0; k < count; k++) {
		if (pos > len || len - pos < 46 ||
		    memcmp(b + pos, "PK\x01\x02", 4))
			return verr_set(err, E_BAD_NPZ, "",
					"damaged zip central directory");
		uint32_t method = le16(b + pos + 10);
		uint32_t csize = le32(b + pos + 20), usize = le32(b + pos + 24);
		uint32_t fnl = le16(b + pos + 28), exl = le16(b + pos + 30),
			 cml = le16(b + pos + 32), lho = le32(b + pos + 42);
		if (len - pos - 46 < fnl)
			return verr_set(err, E_BAD_NPZ, "",
					"damaged zip central directory");
		const char *fn = (const char *)b + pos + 46;
		int match = (fnl == nl + 4 && !memcmp(fn, name, nl) &&
			     !memcmp(fn + nl, ".npy", 4)) ||
			    (fnl == nl && !memcmp(fn, name, nl));
		pos += 46 + (size_t)fnl + exl + cml;
		if (!match)
			continue;
		if (csize == 0xffffffffu || usize == 0xffffffffu)
			return verr_set(err, E_BAD_NPZ, "",
					"zip64 members are not supported");
		if (lho > len || len - lho < 30 ||
		    memcmp(b + lho, "PK\x03\x04", 4))
			return verr_set(err, E_BAD_NPZ, "",
					"damaged zip local header for %s",
					name);
		size_t start = (size_t)lho + 30 + le16(b + lho + 26) +
			       le16(b + lho + 28);
		if (start > len || len - start < csize)
			return verr_set(err, E_BAD_NPZ, "",
					"zip member %s runs past the end",
					name);
		char what[80];
		snprintf(what, sizeof what, "zip member %s, inflated,", name);
		if (method == 8 && pool_reserve(p, usize, 0, "", what, err) < 0)
			return -1;
		if (usize > max_out)
			return verr_set(err, E_TOO_LARGE, "",
					"zip member %s unpacks to %u bytes, "
					"over the limit of %zu",
					name, usize, max_out);
		if (method == 0) {
			if (csize != usize)
				return verr_set(err, E_BAD_NPZ, "",
						"stored member %s has "
						"inconsistent sizes",
						name);
			*data = b + start;
			*dlen = usize;
			return 0;
		}
		if (method != 8)
			return verr_set(err, E_UNSUPPORTED_COMPRESSION, "",
					"zip member %s uses compression method "
					"%u; only stored and deflate are read",
					name, method);
		uint8_t *o = pool_alloc(p, usize ? usize : 1);
		if (!o)
			return verr_set(err, E_OUT_OF_MEMORY, "",
					"out of memory");
		z_stream zs;
		memset(&zs, 0, sizeof zs);
		if (inflateInit2(&zs, -MAX_WBITS) != Z_OK)
			return verr_set(err, E_OUT_OF_MEMORY, "",
					"out of memory");
		zs.next_in = (Bytef *)(b + start);
		zs.avail_in = csize;
		zs.next_out = o;
		zs.avail_out = usize;
		int zr = inflate(&zs, Z_FINISH);
		uLong total = zs.total_out;
		inflateEnd(&zs);
		if (zr != Z_STREAM_END || total != usize)
			return verr_set(err, E_BAD_NPZ, "",
					"zip member %s does not inflate to its "
					"declared size",
					name);
		*data = o;
		*dlen = usize;
		return 0;
	}
	return verr_set(err, E_MISSING_INPUT, "",
			"the .npz archive has no member %s.npy", name);
}

int npz_each(const void *buf, size_t len, npz_name_fn fn, void *ctx, verr *err)
{
	const uint8_t *b = buf;
	size_t pos;
	uint32_t count;

	if (npz_directory(b, len, &count, &pos, err))
		return -1;
	for (uint32_t k = 0; k < count; k++) {
		if (pos > len || len - pos < 46 ||
		    memcmp(b + pos, "PK\x01\x02", 4))
			return verr_set(err, E_BAD_NPZ, "",
					"damaged zip central directory");
		uint32_t fnl = le16(b + pos + 28), exl = le16(b + pos + 30),
			 cml = le16(b + pos + 32);
		if (len - pos - 46 < fnl)
			return verr_set(err, E_BAD_NPZ, "",
					"damaged zip central directory");
		if (fn(ctx, (const char *)b + pos + 46, fnl, err) < 0)
			return -1;
		pos += 46 + (size_t)fnl + exl + cml;
	}
	return 0;
}
