/* upload.c - a .npy body streamed into moments (see upload.h).
 *
 * The header is collected until it parses (it is at most 1 MiB) and
 * checked against every bound before a row is read.  The data then goes,
 * as raw bytes, into one of two buffers of evald_moments_block_rows(d)
 * rows: the connection's thread fills one while a worker thread of the
 * upload checks, widens and pushes the other into one evald_moments
 * accumulation.  So receiving and the BLAS products overlap (the BLAS
 * threads never wait for the network while there is a full buffer), and
 * the O(d²) fix-ups happen once, when the body ends.  The blocks are the
 * library's own, so the moments are bit for bit those of the same rows
 * sent whole.  A worker's error (a value that is not finite) is reported
 * at the next buffer handed over, or at the end. */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "dispatch.h"
#include "npy.h"
#include "respond.h"
#include "state_rows.h"
#include "upload.h"

#define WHAT "the .npy body"

struct upload {
	svc *s;
	upload_route route;
	char arg[300];
	int64_t length; /* Content-Length, or -1 */
	int64_t want_d; /* -1: any */
	upload_plan plan;
	unsigned char *keep; /* the rows, when plan.keep_rows */
	int keep_esize;
	unsigned char *head;
	size_t head_len;
	int have_head;
	npy_info in;
	uint64_t data_bytes, got;
	evald_moments m;
	evald_moments_acc *acc; /* from the header on */
	/* Two raw buffers of whole rows: `cur` is being filled by the
	 * connection's thread, a `ready` one is the worker's. */
	size_t cap;
	unsigned char *raw[2];
	size_t len[2];
	int ready[2];
	int cur;
	double *wide;	    /* widened rows, for dtypes pushed as float64 */
	int64_t done_elems; /* elements accumulated, for error messages */
	pthread_t worker;
	int worker_on;
	pthread_mutex_t mu; /* guards ready, closing, failed, werr */
	pthread_cond_t cv;
	int closing; /* no more buffers will come */
	int failed;
	verr werr;
};

int upload_is_npy_type(const char *ct)
{
	size_t n = strlen("application/x-npy");
	return ct && !strncmp(ct, "application/x-npy", n) &&
	       (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

int upload_new(svc *s, const upload_route *r, const char *arg,
	       const svc_query *q, int64_t length, upload **out, verr *err)
{
	upload *u;
	upload_plan plan = {.d = -1};

	*out = NULL;
	if (r->check && r->check(s, arg, q, &plan, err) < 0)
		return -1;
	if (!(u = calloc(1, sizeof *u)))
		return verr_set(err, E_OUT_OF_MEMORY, "",
				"out of memory for an upload");
	u->s = s;
	u->route = *r;
	pthread_mutex_init(&u->mu, NULL);
	pthread_cond_init(&u->cv, NULL);
	snprintf(u->arg, sizeof u->arg, "%s", arg ? arg : "");
	u->length = length;
	u->want_d = plan.d;
	u->plan = plan;
	*out = u;
	return 0;
}

void upload_free(upload *u)
{
	if (!u)
		return;
	if (u->worker_on) {
		/* Abandoned (the client left, an error): the worker drops
		 * what it has not started and stops. */
		pthread_mutex_lock(&u->mu);
		u->closing = 1;
		u->failed = 1;
		u->ready[0] = u->ready[1] = 0;
		pthread_cond_broadcast(&u->cv);
		pthread_mutex_unlock(&u->mu);
		pthread_join(u->worker, NULL);
	}
	free(u->head);
	free(u->raw[0]);
	free(u->raw[1]);
	free(u->wide);
	free(u->keep);
	evald_moments_end(u->acc);
	evald_moments_free(&u->m);
	pthread_mutex_destroy(&u->mu);
	pthread_cond_destroy(&u->cv);
	free(u);
}

static int direct(evald_dtype dt);
static void *work(void *arg);

/* Room for the rows to keep, within --max-kept-rows: float32 rows stay
 * float32, any other dtype is kept widened to float64. */
static int keep_start(upload *u, verr *err)
{
	int64_t n = u->in.shape[0], d = u->in.shape[1];
	u->keep_esize = u->in.dtype == EVALD_F32 && direct(EVALD_F32) ? 4 : 8;
	double bytes = (double)n * (double)d * u->keep_esize;

	if (state_rows_bound(u->s, bytes, u->plan.kept, "these rows", "", err) <
	    0)
		return -1;
	if (!(u->keep = malloc(bytes > 0 ? (size_t)bytes : 1)))
		return verr_set(err, E_OUT_OF_MEMORY, "",
				"out of memory for the rows to keep");
	return 0;
}

/* Everything the header implies, refused before a row is read. */
static int check_head(upload *u, verr *err)
{
	const svc_config *c = &u->s->cfg;
	const npy_info *in = &u->in;
	/* Room for EVALD_MAX_DIMS entries of 19 digits: a zero dimension
	 * lets the others be as large as an int64. */
	char shp[EVALD_MAX_DIMS * 21 + 3];
	evald_tensor t = {.ndim = in->ndim};
	evald_err le;

	memcpy(t.shape, in->shape, sizeof t.shape);
	evald_shape_str(&t, shp, sizeof shp);
	if (in->ndim != 2 || in->shape[1] < 1)
		return verr_set(err, E_SHAPE_MISMATCH, "",
				"%s must hold embeddings [N, d] with d >= 1; "
				"its shape is %s",
				WHAT, shp);
	int64_t n = in->shape[0], d = in->shape[1];
	if (bounds_dim(c->max_dim, d, "", err) < 0)
		return -1;
	if (u->want_d >= 0 && d != u->want_d)
		return verr_set(err, E_SHAPE_MISMATCH, "",
				"stream %s has d = %lld; %s has shape %s",
				u->arg, (long long)u->want_d, WHAT, shp);
	u->data_bytes = (uint64_t)in->size * (uint64_t)in->itemsize;
	if (c->max_upload > 0 && u->data_bytes > (uint64_t)c->max_upload)
		return verr_set(err, E_TOO_LARGE, "",
				"%s holds %llu bytes of data; this server "
				"streams at most %lld (--max-upload)",
				WHAT, (unsigned long long)u->data_bytes,
				(long long)c->max_upload);
	if (bounds_work(c->max_work, (double)n * d * (d + 1) / 2.0,
			"the moments of this upload", "send fewer rows", "",
			err) < 0)
		return -1;
	if (u->length >= 0 &&
	    (uint64_t)u->length != in->data_off + u->data_bytes)
		return verr_set(
			err, E_BAD_NPY, "",
			"%s is %lld bytes, but its header and shape %s "
			"make %llu",
			WHAT, (long long)u->length, shp,
			(unsigned long long)(in->data_off + u->data_bytes));
	if (u->plan.keep_rows && keep_start(u, err) < 0)
		return -1;
	int64_t rows = evald_moments_block_rows(d);
	if (rows > n)
		rows = n > 0 ? n : 1;
	u->cap = (size_t)(rows * d) * (size_t)in->itemsize;
	u->raw[0] = malloc(u->cap);
	u->raw[1] = malloc(u->cap);
	if (!direct(in->dtype))
		u->wide = malloc((size_t)(rows * d) * sizeof(double));
	if (!u->raw[0] || !u->raw[1] || (!direct(in->dtype) && !u->wide))
		return verr_set(err, E_OUT_OF_MEMORY, "",
				"out of memory for the upload's buffers");
	if (evald_moments_init(&u->m, d, &le) != EVALD_OK ||
	    evald_moments_begin(&u->m, &u->acc, &le) != EVALD_OK)
		return verr_from_lib(err, &le, "");
	if (pthread_create(&u->worker, NULL, work, u) != 0)
		return verr_set(err, E_OUT_OF_MEMORY, "",
				"cannot start the upload's worker thread");
	u->worker_on = 1;
	return 0;
}

/* float32 and float64 rows are pushed as they came (the library widens
 * float32 block by block); other dtypes are widened here first. */
static int direct(evald_dtype dt)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return dt == EVALD_F32 || dt == EVALD_F64;
#else
	(void)dt;
	return 0; /* .npy is little-endian: widen byte by byte */
#endif
}

/* The index of the first element of p [n] that is not finite, or -1. */
static int64_t first_non_finite(evald_dtype dt, const void *p, int64_t n)
{
	if (dt == EVALD_F32) {
		const float *x = p;
		for (int64_t i = 0; i < n; i++)
			if (!isfinite(x[i]))
				return i;
	} else {
		const double *x = p;
		for (int64_t i = 0; i < n; i++)
			if (!isfinite(x[i]))
				return i;
	}
	return -1;
}

/* Check, widen if need be, and push one buffer of whole rows. */
static int accumulate(upload *u, const unsigned char *p, size_t len, verr *err)
{
	evald_dtype dt = u->in.dtype;
	int64_t d = u->in.shape[1], n = (int64_t)(len / (size_t)u->in.itemsize);
	int64_t bad;
	evald_err le;
	int rc;

	if (direct(dt)) {
		bad = first_non_finite(dt, p, n);
		rc = bad < 0 ? evald_moments_push(u->acc, p, dt, n / d, &le)
			     : EVALD_OK;
	} else {
		bad = npy_widen(dt, p, n, u->wide);
		rc = bad < 0 ? evald_moments_push(u->acc, u->wide, EVALD_F64,
						  n / d, &le)
			     : EVALD_OK;
	}
	if (u->keep && bad < 0)
		memcpy(u->keep + (size_t)u->done_elems * (size_t)u->keep_esize,
		       direct(dt) ? (const void *)p : (const void *)u->wide,
		       (size_t)n * (size_t)u->keep_esize);
	if (bad >= 0)
		return verr_set(err, E_NON_FINITE, "",
				"%s: element %lld (row %lld) is not finite",
				WHAT, (long long)(u->done_elems + bad),
				(long long)((u->done_elems + bad) / d));
	if (rc != EVALD_OK)
		return verr_from_lib(err, &le, "");
	u->done_elems += n;
	return 0;
}

/* The upload's worker: buffers in the order they were filled. */
static void *work(void *arg)
{
	upload *u = arg;
	int i = 0;

	pthread_mutex_lock(&u->mu);
	for (;;) {
		while (!u->ready[i] && !u->closing)
			pthread_cond_wait(&u->cv, &u->mu);
		if (!u->ready[i])
			break;
		int skip = u->failed;
		pthread_mutex_unlock(&u->mu);
		verr e;
		int rc = skip ? 0 : accumulate(u, u->raw[i], u->len[i], &e);
		pthread_mutex_lock(&u->mu);
		if (rc < 0 && !u->failed) {
			u->failed = 1;
			u->werr = e;
		}
		u->ready[i] = 0;
		u->len[i] = 0;
		pthread_cond_broadcast(&u->cv);
		i ^= 1;
	}
	pthread_mutex_unlock(&u->mu);
	return NULL;
}

/* Give the filled buffer to the worker and wait until the other is free.
 * 0, or -1 with the worker's error. */
static int hand_over(upload *u, verr *err)
{
	int failed;

	pthread_mutex_lock(&u->mu);
	if (!u->failed) {
		u->ready[u->cur] = 1;
		pthread_cond_broadcast(&u->cv);
		u->cur ^= 1;
		while (u->ready[u->cur] && !u->failed)
			pthread_cond_wait(&u->cv, &u->mu);
	}
	failed = u->failed;
	if (failed)
		*err = u->werr;
	pthread_mutex_unlock(&u->mu);
	return failed ? -1 : 0;
}

/* Wait for the worker to finish everything handed over. */
static int drain(upload *u, verr *err)
{
	if (u->len[u->cur] && hand_over(u, err) < 0)
		return -1;
	pthread_mutex_lock(&u->mu);
	u->closing = 1;
	pthread_cond_broadcast(&u->cv);
	pthread_mutex_unlock(&u->mu);
	pthread_join(u->worker, NULL);
	u->worker_on = 0;
	if (u->failed) {
		*err = u->werr;
		return -1;
	}
	return 0;
}

static int data_in(upload *u, const unsigned char *p, size_t n, verr *err)
{
	if (n > u->data_bytes - u->got)
		return verr_set(err, E_BAD_NPY, "",
				"%s goes on past the %llu bytes of data its "
				"header declares",
				WHAT, (unsigned long long)u->data_bytes);
	u->got += n;
	while (n) {
		size_t room = u->cap - u->len[u->cur];
		size_t k = n < room ? n : room;
		memcpy(u->raw[u->cur] + u->len[u->cur], p, k);
		u->len[u->cur] += k;
		p += k;
		n -= k;
		if (u->len[u->cur] == u->cap && hand_over(u, err) < 0)
			return -1;
	}
	return 0;
}

int upload_feed(upload *u, const void *data, size_t n, verr *err)
{
	const size_t head_max = (1 << 20) + 12;

	if (u->have_head)
		return data_in(u, data, n, err);
	/* Collect the header; at most head_max bytes are kept, of which the
	 * ones past the header are the first data. */
	size_t keep = n < head_max - u->head_len ? n : head_max - u->head_len;
	unsigned char *h = realloc(u->head, u->head_len + keep + 1);
	if (!h)
		return verr_set(err, E_OUT_OF_MEMORY, "",
				"out of memory for an upload");
	u->head = h;
	memcpy(h + u->head_len, data, keep);
	u->head_len += keep;
	int rc = npy_head(h, u->head_len, WHAT, &u->in, err);
	if (rc < 0)
		return -1;
	if (rc > 0)
		return 0; /* npy_head refuses a header past 1 MiB */
	u->have_head = 1;
	if (check_head(u, err) < 0 ||
	    data_in(u, h + u->in.data_off, u->head_len - u->in.data_off, err) <
		    0 ||
	    data_in(u, (const unsigned char *)data + keep, n - keep, err) < 0)
		return -1;
	free(u->head);
	u->head = NULL;
	return 0;
}

void upload_end(upload *u, svc_response *rs)
{
	verr e;

	if (!u->have_head) {
		verr_set(&e, E_BAD_NPY, "",
			 u->head_len ? "%s ended inside its header"
				     : "%s is empty; send a .npy file",
			 WHAT);
		respond_error(rs, &e);
		return;
	}
	if (u->got < u->data_bytes) {
		verr_set(&e, E_BAD_NPY, "",
			 "%s ended after %llu of the %llu bytes of data its "
			 "header declares",
			 WHAT, (unsigned long long)u->got,
			 (unsigned long long)u->data_bytes);
		respond_error(rs, &e);
		return;
	}
	if (drain(u, &e) < 0) {
		respond_error(rs, &e);
		return;
	}
	evald_moments_end(u->acc);
	u->acc = NULL;
	store_rows rows = {.esize = u->keep_esize,
			   .nrows = u->in.shape[0],
			   .d = u->in.shape[1],
			   .data = u->keep};
	u->route.finish(u->s, u->arg, &u->m, u->keep ? &rows : NULL, rs);
}
