/* npy.h - NumPy .npy arrays and .npz archives, read straight into float64
 * tensors (the stats files pytorch-fid and clean-fid write are .npz
 * archives holding mu.npy and sigma.npy). */
#ifndef EVALD_NPY_H
#define EVALD_NPY_H

#include <stddef.h>
#include <stdint.h>

#include <evald/tensor.h>

#include "pool.h"
#include "verr.h"

/* 1 when buf starts with the .npy magic, 2 for a zip (.npz), else 0. */
int npy_sniff(const void *buf, size_t len);

/* A .npy header: the array's dtype, shape and where its data starts. */
typedef struct npy_info {
	evald_dtype dtype;
	int itemsize; /* bytes of one element as stored */
	int ndim;
	int64_t shape[EVALD_MAX_DIMS];
	int64_t size;	 /* elements; their bytes fit an int64 */
	size_t data_off; /* bytes before the data */
} npy_info;

/* Parse the header at the start of buf, which may hold only the first
 * bytes of a file (a body still arriving).  Returns 0 with *info, 1 when
 * more bytes are needed to tell, -1 with err (422 bad_npy,
 * unsupported_dtype, ...; 415 unsupported_layout). */
int npy_head(const void *buf, size_t len, const char *what, npy_info *info,
	     verr *err);

/* Widen n little-endian elements of dtype dt at src into dst; the index
 * of the first that is not finite, or -1 when all are. */
int64_t npy_widen(evald_dtype dt, const void *src, int64_t n, double *dst);

/* Decode a .npy image (little-endian f2/f4/f8, i4/i8, u1/b1; C order) into
 * a float64 tensor in the pool.  `what` names the array in messages. */
int npy_decode(const void *buf, size_t len, pool *p, int64_t max_elems,
	       const char *what, evald_tensor *out, verr *err);

/* Extract member `name` of a zip archive (stored or deflated) into a
 * pool buffer of at most `max_out` bytes. */
int npz_member(const void *buf, size_t len, const char *name, pool *p,
	       size_t max_out, const void **data, size_t *dlen, verr *err);

/* Call fn with the name (not NUL-terminated) of each member of a zip
 * archive, in directory order; stops at fn's first -1. */
typedef int (*npz_name_fn)(void *ctx, const char *name, size_t len, verr *err);
int npz_each(const void *buf, size_t len, npz_name_fn fn, void *ctx, verr *err);

#endif
