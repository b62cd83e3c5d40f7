/* mstats.c - statistics from rows, moments, stats files and streams (see
 * mstats.h).  Shapes and --max-dim are checked before anything of d x d
 * is allocated or read. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <evald/fid.h>

#include "bounds.h"
#include "codec.h"
#include "jsonx.h"
#include "mstats.h"
#include "npy.h"
#include "pool.h"
#include "state.h"
#include "state_moments.h"
#include "state_rows.h"

int mstats_check(const evald_tensor *mu, const evald_tensor *sigma,
		 const char *mu_path, const char *sigma_path, verr *err)
{
	evald_err le;
	if (evald_fid_check_gauss(mu, sigma, &le) == EVALD_OK)
		return 0;
	return verr_from_lib(err, &le, le.input == 1 ? sigma_path : mu_path);
}

int mstats_check_rows(svc *s, int ndim, const int64_t *shape, const char *path,
		      const char *where, verr *err)
{
	evald_tensor t = {0};
	char shp[64];

	if (ndim != 2 || shape[0] < 2 || shape[1] < 1) {
		if (evald_tensor_init(&t, NULL, EVALD_F64, ndim, shape) < 0)
			snprintf(shp, sizeof shp, "of %d dimensions", ndim);
		else
			evald_shape_str(&t, shp, sizeof shp);
		return verr_set(err, E_SHAPE_MISMATCH, path,
				"%s must be a matrix [N, d] with N >= 2; got "
				"shape %s",
				where, shp);
	}
	return bounds_dim(s->cfg.max_dim, shape[1], path, err);
}

int mstats_rows_moments(const evald_tensor *x, evald_moments *m,
			const char *path, verr *err)
{
	evald_err le;
	if (evald_moments_init(m, x->shape[1], &le) != EVALD_OK ||
	    evald_moments_add(m, x, &le) != EVALD_OK)
		return verr_from_lib(err, &le, path);
	return 0;
}

int mstats_of_moments(const evald_moments *m, pool *pl, const char *path,
		      mstats *out, verr *err)
{
	evald_err le;
	out->mu = pool_alloc(pl, (size_t)m->d * sizeof(double));
	out->sigma = pool_alloc(pl, (size_t)(m->d * m->d) * sizeof(double));
	if (!out->mu || !out->sigma)
		return verr_set(err, E_OUT_OF_MEMORY, path, "out of memory");
	memcpy(out->mu, m->mean, (size_t)m->d * sizeof(double));
	if (evald_moments_cov(m, out->sigma, &le) != EVALD_OK)
		return verr_from_lib(err, &le, path);
	out->n = m->n;
	out->d = m->d;
	return 0;
}

int mstats_of_stream(svc *s, const char *id, const char *path, pool *pl,
		     mstats *out, verr *err)
{
	store_moments sm;
	int rc;

	if (state_need_store(s, err) < 0 ||
	    state_moments_read(s, &state_streams_kind, id, path, 1, &sm, err) <
		    0)
		return -1;
	/* A view of the stored buffers: the statistics are copies. */
	evald_moments m = {
		.d = sm.d, .n = sm.n, .mean = sm.mean, .comoment = sm.second};
	if (m.n < 2)
		rc = verr_set(err, E_EMPTY_INPUT, path,
			      "stream %s has %lld rows; statistics need at "
			      "least 2",
			      id, (long long)m.n);
	else
		rc = mstats_of_moments(&m, pl, path, out, err);
	free(sm.mean);
	free(sm.second);
	return rc;
}

/* {"mu", "sigma", "n"?} as sent; mu's length is checked before sigma,
 * its square, is decoded. */
static int given_stats(svc *s, const codec_ctx *cx, json_t *mu, json_t *sigma,
		       json_t *n, mstats *out, verr *err)
{
	evald_tensor tm, ts;
	double nv = 0;

	if (!mu || !sigma)
		return verr_set(err, E_MISSING_INPUT, mu ? "/sigma" : "/mu",
				"statistics need both mu and sigma");
	if (n && (codec_number(cx, n, "/n", &nv, err) < 0 ||
		  bounds_count(nv, "/n", err) < 0))
		return -1;
	if (codec_tensor(cx, mu, "/mu", &tm, err) < 0 ||
	    (tm.ndim == 1 &&
	     bounds_dim(s->cfg.max_dim, tm.shape[0], "/mu", err) < 0) ||
	    codec_tensor(cx, sigma, "/sigma", &ts, err) < 0 ||
	    mstats_check(&tm, &ts, "/mu", "/sigma", err) < 0)
		return -1;
	out->n = (int64_t)nv; /* an integer in [0, 2^53]: bounds_count */
	out->d = tm.shape[0];
	out->mu = tm.data;
	out->sigma = ts.data;
	return 0;
}

int mstats_src_json(svc *s, json_t *root, const jsonx_doc *doc, pool *pl,
		    mstats_src *out, verr *err)
{
	codec_ctx cx = {.doc = doc, .pool = pl, .max_elems = s->cfg.max_elems};
	json_t *mu = json_object_get(root, "mu");
	json_t *sigma = json_object_get(root, "sigma");
	json_t *emb = json_object_get(root, "embeddings");
	json_t *stream = json_object_get(root, "stream");
	static const char *const keys[] = {
		"mu", "sigma", "n", "embeddings", "stream", "keep_rows", NULL};

	memset(out, 0, sizeof *out);
	if (jsonx_check_keys(root, keys, "",
			     "a reference is made from \"embeddings\", "
			     "{\"mu\", \"sigma\", \"n\"?} or \"stream\"",
			     err) < 0)
		return -1;
	if (!!emb + !!(mu || sigma) + !!stream != 1)
		return verr_set(err, E_INVALID_VALUE, "",
				"give exactly one source: \"embeddings\", "
				"{\"mu\", \"sigma\"} or \"stream\"");
	if (emb) {
		out->is_rows = 1;
		out->path = "/embeddings";
		out->where = "embeddings";
		out->rows_f32 = state_rows_json_f32(emb);
		return codec_tensor(&cx, emb, out->path, &out->rows, err);
	}
	if (stream) {
		if (!json_is_string(stream))
			return verr_set(err, E_WRONG_TYPE, "/stream",
					"stream must be a stream id string");
		return mstats_of_stream(s, json_string_value(stream), "/stream",
					pl, &out->st, err);
	}
	return given_stats(s, &cx, mu, sigma, json_object_get(root, "n"),
			   &out->st, err);
}

/* Rows from a .npy image, and whether they were float32. */
static int rows_npy(svc *s, const void *buf, size_t len, pool *pl,
		    const char *what, mstats_src *out, verr *err)
{
	npy_info in;
	if (npy_decode(buf, len, pl, s->cfg.max_elems, what, &out->rows, err) <
	    0)
		return -1;
	out->rows_f32 = npy_head(buf, len, what, &in, err) == 0 &&
			in.dtype == EVALD_F32;
	return 0;
}

int mstats_src_binary(svc *s, const char *body, size_t len, pool *pl,
		      mstats_src *out, verr *err)
{
	evald_tensor tm, ts;
	int kind = npy_sniff(body, len);

	memset(out, 0, sizeof *out);
	if (kind == 1) {
		out->is_rows = 1;
		out->path = "";
		out->where = "a .npy body";
		return rows_npy(s, body, len, pl, "the .npy body", out, err);
	}
	if (kind != 2)
		return verr_set(err, E_UNSUPPORTED_MEDIA_TYPE, "",
				"the body is neither a .npy array nor a .npz "
				"archive (check the magic bytes)");
	const void *m;
	size_t ml;
	size_t cap =
		(size_t)(s->cfg.max_body > 0 ? s->cfg.max_body : 1 << 28) * 4;
	/* Rows as an "embeddings" array (np.savez(f, embeddings=x)). */
	verr miss;
	if (npz_member(body, len, "embeddings", pl, cap, &m, &ml, &miss) == 0) {
		out->is_rows = 1;
		out->path = "";
		out->where = "the .npz member embeddings";
		return rows_npy(s, m, ml, pl, "embeddings", out, err);
	}
	if (miss.id != E_MISSING_INPUT) {
		*err = miss;
		return -1;
	}
	if (npz_member(body, len, "mu", pl, cap, &m, &ml, err) < 0 ||
	    npy_decode(m, ml, pl, s->cfg.max_elems, "mu", &tm, err) < 0 ||
	    (tm.ndim == 1 &&
	     bounds_dim(s->cfg.max_dim, tm.shape[0], "mu", err) < 0) ||
	    npz_member(body, len, "sigma", pl, cap, &m, &ml, err) < 0 ||
	    npy_decode(m, ml, pl, s->cfg.max_elems, "sigma", &ts, err) < 0 ||
	    mstats_check(&tm, &ts, "mu", "sigma", err) < 0)
		return -1;
	out->st.n = 0; /* pytorch-fid's stats files do not record it */
	out->st.d = tm.shape[0];
	out->st.mu = tm.data;
	out->st.sigma = ts.data;
	return 0;
}
