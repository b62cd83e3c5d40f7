/* upload.c - a .npy body streamed into moments (see upload.h).
 *
 * The header is collected until it parses (it is at most 1 MiB), checked
 * against every bound before a row is read, and then the data is widened
 * straight from the pieces libmicrohttpd hands over into one block of
 * float64 rows; an element split between two pieces waits in `carry`.  A
 * full block goes to evald_moments_add_rows (one dsyrk per 512 rows or
 * so), so the accumulation of one block overlaps the arrival of the next
 * as far as the socket buffers go.  The block is large (16 MiB) because
 * each add call also mirrors the d×d comoment once. */
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "dispatch.h"
#include "npy.h"
#include "respond.h"
#include "upload.h"

#define WHAT	    "the .npy body"
#define BLOCK_BYTES (16 << 20)

struct upload {
	svc *s;
	upload_route route;
	char arg[300];
	int64_t length; /* Content-Length, or -1 */
	int64_t want_d; /* -1: any */
	unsigned char *head;
	size_t head_len;
	int have_head;
	npy_info in;
	uint64_t data_bytes, got;
	unsigned char carry[8];
	int carry_len;
	double *block;
	int64_t block_elems, fill; /* capacity and use of block, elements */
	int64_t widened;	   /* elements widened so far */
	evald_moments m;
};

int upload_is_npy_type(const char *ct)
{
	size_t n = strlen("application/x-npy");
	return ct && !strncmp(ct, "application/x-npy", n) &&
	       (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

int upload_new(svc *s, const upload_route *r, const char *arg, int64_t length,
	       upload **out, verr *err)
{
	upload *u;
	int64_t d = -1;

	*out = NULL;
	if (r->check && r->check(s, arg, &d, err) < 0)
		return -1;
	if (!(u = calloc(1, sizeof *u)))
		return verr_set(err, E_OUT_OF_MEMORY, "",
				"out of memory for an upload");
	u->s = s;
	u->route = *r;
	snprintf(u->arg, sizeof u->arg, "%s", arg ? arg : "");
	u->length = length;
	u->want_d = d;
	*out = u;
	return 0;
}

void upload_free(upload *u)
{
	if (!u)
		return;
	free(u->head);
	free(u->block);
	evald_moments_free(&u->m);
	free(u);
}

/* Everything the header implies, refused before a row is read. */
static int check_head(upload *u, verr *err)
{
	const svc_config *c = &u->s->cfg;
	const npy_info *in = &u->in;
	char shp[96] = "(";
	evald_err le;

	for (int i = 0; i < in->ndim; i++)
		snprintf(shp + strlen(shp), sizeof shp - strlen(shp), "%s%lld",
			 i ? ", " : "", (long long)in->shape[i]);
	strcat(shp, ")");
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
	int64_t rows = BLOCK_BYTES / 8 / d;
	if (rows < 1)
		rows = 1;
	if (rows > n)
		rows = n > 0 ? n : 1;
	u->block_elems = rows * d;
	u->block = malloc((size_t)u->block_elems * sizeof(double));
	if (!u->block)
		return verr_set(err, E_OUT_OF_MEMORY, "",
				"out of memory for an upload block");
	if (evald_moments_init(&u->m, d, &le) != EVALD_OK)
		return verr_from_lib(err, &le, "");
	return 0;
}

static int flush(upload *u, verr *err)
{
	evald_err le;
	int64_t d = u->in.shape[1];

	if (!u->fill)
		return 0;
	if (evald_moments_add_rows(&u->m, u->block, EVALD_F64, u->fill / d,
				   &le) != EVALD_OK)
		return verr_from_lib(err, &le, "");
	u->fill = 0;
	return 0;
}

/* Widen k whole elements at p into the block. */
static int take(upload *u, const unsigned char *p, int64_t k, verr *err)
{
	int64_t bad = npy_widen(u->in.dtype, p, k, u->block + u->fill);
	if (bad >= 0)
		return verr_set(
			err, E_NON_FINITE, "",
			"%s: element %lld (row %lld) is not finite", WHAT,
			(long long)(u->widened + bad),
			(long long)((u->widened + bad) / u->in.shape[1]));
	u->fill += k;
	u->widened += k;
	return u->fill == u->block_elems ? flush(u, err) : 0;
}

static int data_in(upload *u, const unsigned char *p, size_t n, verr *err)
{
	int isz = u->in.itemsize;

	if (n > u->data_bytes - u->got)
		return verr_set(err, E_BAD_NPY, "",
				"%s goes on past the %llu bytes of data its "
				"header declares",
				WHAT, (unsigned long long)u->data_bytes);
	u->got += n;
	while (n) {
		if (u->carry_len || n < (size_t)isz) {
			size_t c = (size_t)(isz - u->carry_len);
			if (c > n)
				c = n;
			memcpy(u->carry + u->carry_len, p, c);
			u->carry_len += (int)c;
			p += c;
			n -= c;
			if (u->carry_len == isz) {
				u->carry_len = 0;
				if (take(u, u->carry, 1, err) < 0)
					return -1;
			}
			continue;
		}
		int64_t k = (int64_t)(n / (size_t)isz);
		if (k > u->block_elems - u->fill)
			k = u->block_elems - u->fill;
		if (take(u, p, k, err) < 0)
			return -1;
		p += (size_t)k * (size_t)isz;
		n -= (size_t)k * (size_t)isz;
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
	if (u->got < u->data_bytes || u->carry_len) {
		verr_set(&e, E_BAD_NPY, "",
			 "%s ended after %llu of the %llu bytes of data its "
			 "header declares",
			 WHAT, (unsigned long long)u->got,
			 (unsigned long long)u->data_bytes);
		respond_error(rs, &e);
		return;
	}
	if (flush(u, &e) < 0) {
		respond_error(rs, &e);
		return;
	}
	u->route.finish(u->s, u->arg, &u->m, rs);
}
