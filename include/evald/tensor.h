/* tensor.h - the tensor view every libevald function takes.
 *
 * A view never owns its data: whoever allocated `data` frees it.  Data is
 * always contiguous C-order float64 (the service widens float32 and integer
 * inputs on decode); `dtype` remembers what the client sent, because integer
 * class indices and float probabilities are validated differently. */
#ifndef EVALD_TENSOR_H
#define EVALD_TENSOR_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define EVALD_MAX_DIMS 8

typedef enum {
	EVALD_F64 = 0,
	EVALD_F32,
	EVALD_F16,
	EVALD_I64,
	EVALD_I32,
	EVALD_U8,
	EVALD_BOOL
} evald_dtype;

typedef struct evald_tensor {
	double *data;
	evald_dtype dtype; /* dtype the values arrived in */
	int ndim;	   /* 0 for a scalar */
	int64_t shape[EVALD_MAX_DIMS];
	int64_t strides[EVALD_MAX_DIMS]; /* in elements, C order */
	int64_t size;			 /* product of shape, 1 for a scalar */
} evald_tensor;

/* Set up a view over `data` (not copied).  Returns EVALD_ELIMIT when the
 * element count overflows int64 or ndim exceeds EVALD_MAX_DIMS. */
int evald_tensor_init(evald_tensor *t, double *data, evald_dtype dtype,
		      int ndim, const int64_t *shape);

/* 1 when a and b have identical shapes. */
int evald_tensor_same_shape(const evald_tensor *a, const evald_tensor *b);

/* Writes "[2, 3, 4]" into buf (always NUL-terminated); returns buf. */
char *evald_shape_str(const evald_tensor *t, char *buf, size_t len);

/* 1 when every element is finite. */
int evald_tensor_all_finite(const evald_tensor *t, int64_t *bad_index);

const char *evald_dtype_name(evald_dtype dt);

#ifdef __cplusplus
}
#endif
#endif
