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

/* Decode a .npy image (little-endian f2/f4/f8, i4/i8, u1/b1; C order) into
 * a float64 tensor in the pool.  `what` names the array in messages. */
int npy_decode(const void *buf, size_t len, pool *p, int64_t max_elems,
	       const char *what, evald_tensor *out, verr *err);

/* Extract member `name` of a zip archive (stored or deflated) into a
 * pool buffer of at most `max_out` bytes. */
int npz_member(const void *buf, size_t len, const char *name, pool *p,
	       size_t max_out, const void **data, size_t *dlen, verr *err);

#endif
