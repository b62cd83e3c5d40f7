/* tensor.c - tensor views: shape bookkeeping, no allocation. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <evald/error.h>
#include <evald/tensor.h>

int evald_tensor_init(evald_tensor *t, double *data, evald_dtype dtype,
		      int ndim, const int64_t *shape)
{
	int64_t size = 1;

	if (ndim < 0 || ndim > EVALD_MAX_DIMS)
		return EVALD_ELIMIT;
	memset(t, 0, sizeof *t);
	for (int i = 0; i < ndim; i++) {
		if (shape[i] < 0)
			return EVALD_EINVAL;
		if (shape[i] > 0 && size > INT64_MAX / shape[i])
			return EVALD_ELIMIT;
		size *= shape[i];
		t->shape[i] = shape[i];
	}
	/* Strides skip zero dimensions (an empty tensor still gets sane
	 * strides), so their product is checked apart from the size. */
	int64_t st = 1;
	for (int i = ndim - 1; i >= 0; i--) {
		int64_t d = shape[i] ? shape[i] : 1;
		t->strides[i] = st;
		if (st > INT64_MAX / d)
			return EVALD_ELIMIT;
		st *= d;
	}
	t->data = data;
	t->dtype = dtype;
	t->ndim = ndim;
	t->size = size;
	return EVALD_OK;
}

int evald_tensor_same_shape(const evald_tensor *a, const evald_tensor *b)
{
	if (a->ndim != b->ndim)
		return 0;
	for (int i = 0; i < a->ndim; i++)
		if (a->shape[i] != b->shape[i])
			return 0;
	return 1;
}

char *evald_shape_str(const evald_tensor *t, char *buf, size_t len)
{
	size_t off = 0;

	if (len == 0)
		return buf;
	buf[0] = '\0';
	off += snprintf(buf + off, len - off, "[");
	for (int i = 0; i < t->ndim && off < len; i++)
		off += snprintf(buf + off, len - off, i ? ", %lld" : "%lld",
				(long long)t->shape[i]);
	if (off < len)
		snprintf(buf + off, len - off, "]");
	return buf;
}

int evald_tensor_all_finite(const evald_tensor *t, int64_t *bad_index)
{
	for (int64_t i = 0; i < t->size; i++)
		if (!isfinite(t->data[i])) {
			if (bad_index)
				*bad_index = i;
			return 0;
		}
	return 1;
}

const char *evald_dtype_name(evald_dtype dt)
{
	static const char *const names[] = {"float64", "float32", "float16",
					    "int64",   "int32",	  "uint8",
					    "bool"};
	return (unsigned)dt < sizeof names / sizeof *names ? names[dt] : "?";
}
