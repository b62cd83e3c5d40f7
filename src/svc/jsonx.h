/* jsonx.h - the request-body JSON parser.
 *
 * Produces an ordinary jansson tree, with two exceptions that keep memory
 * bounded for large tensors (jansson spends ~40 bytes per number and copies
 * every string):
 *  - a rectangular array of at least JSONX_BLOB_MIN numbers is decoded
 *    straight into one float64 buffer (a "number blob");
 *  - a string of at least JSONX_BLOB_MIN characters without escapes under a
 *    "data" key (the base64 of a packed tensor) is not copied: the blob
 *    points into the body, which must outlive the document.
 * In the tree each blob stands as an empty JSON object; jsonx_blob_of()
 * recognises it by identity, so no client input can forge one.
 *
 * Stricter than RFC 8259 requires: a key repeated in one object and
 * invalid UTF-8 in any string (blobs included) are errors.  Limits keep a
 * hostile body from costing more memory than the operator allowed: the
 * number of values that become jansson nodes (~70-250 bytes each), and the
 * bytes of float64 the number blobs take. */
#ifndef EVALD_JSONX_H
#define EVALD_JSONX_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include <evald/tensor.h>

#include "verr.h"

#define JSONX_BLOB_MIN	256
#define JSONX_MAX_DEPTH 256

typedef enum { JSONX_NUMBERS, JSONX_STRING } jsonx_kind;

typedef struct jsonx_blob {
	json_t *marker; /* the placeholder in the tree (borrowed) */
	jsonx_kind kind;
	/* JSONX_NUMBERS: owned buffer, C order */
	double *data;
	int ndim;
	int64_t shape[EVALD_MAX_DIMS];
	int64_t size;
	int all_integer; /* every literal had no fraction and no exponent */
	/* Integer values kept as the client sent them (a .npz member of
	 * int64/int32/uint8/bool, or float32, already checked finite):
	 * `data` is then NULL and codec.c widens
	 * them where a float64 tensor is wanted, while label inputs count
	 * them as they are (mcall.h).  Little-endian, any alignment. */
	const void *ints;
	evald_dtype ints_dtype;
	void *ints_owned; /* `ints` when the doc frees them, else NULL */
	/* JSONX_STRING: borrowed from the body */
	const char *str;
	size_t len;
} jsonx_blob;

typedef struct jsonx_doc {
	json_t *root;
	jsonx_blob *blobs;
	size_t nblobs, cap;
	int64_t nodes;	/* values parsed (each blob counts one) */
	uint64_t bytes; /* float64 bytes held by number blobs */
} jsonx_doc;

/* 0 = no limit. */
typedef struct jsonx_limits {
	int64_t max_nodes; /* values, blobs counting one (--max-json-nodes) */
	int64_t max_bytes; /* bytes of number blobs (--max-decoded) */
} jsonx_limits;

typedef enum {
	JSONX_E_SYNTAX,	   /* not (strict) JSON */
	JSONX_E_DUPLICATE, /* a key repeated in an object; path names it */
	JSONX_E_NODES,	   /* over max_nodes */
	JSONX_E_BYTES,	   /* over max_bytes */
} jsonx_fault;

typedef struct jsonx_error {
	jsonx_fault kind;
	size_t offset;
	int line, column;
	char msg[160];
	char path[256]; /* JSON Pointer of a duplicate key, else "" */
} jsonx_error;

/* Parse `len` bytes under `lim` (NULL: no limits).  On success fills doc
 * (free with jsonx_free) and returns 0; on failure returns -1 with e
 * filled and doc empty.  A limit stops the parse before the value that
 * would pass it is built. */
int jsonx_parse(const char *text, size_t len, const jsonx_limits *lim,
		jsonx_doc *doc, jsonx_error *e);
void jsonx_free(jsonx_doc *doc);

/* Add a number blob over `data` (malloc'd; the doc takes it and frees it
 * with itself) and return its marker, which the caller places in the tree
 * with json_object_set_new (the tree owns markers, as after a parse).
 * NULL when out of memory, the data then still the caller's.  For bodies
 * that are not JSON (a .npz of a metric's inputs, npzreq.h). */
json_t *jsonx_add_numbers(jsonx_doc *doc, double *data, int ndim,
			  const int64_t *shape, int all_integer);

/* Add a number blob over integer values (see jsonx_blob.ints): `owned`
 * is NULL when `ints` lives as long as the doc (in the body), else the
 * malloc'd buffer holding them, which the doc takes and frees.  Only the
 * owned bytes count in doc->bytes: nothing else was allocated. */
json_t *jsonx_add_ints(jsonx_doc *doc, const void *ints, void *owned,
		       evald_dtype dt, int ndim, const int64_t *shape);

/* The blob a tree node stands for, or NULL for an ordinary node. */
const jsonx_blob *jsonx_blob_of(const jsonx_doc *doc, const json_t *v);

/* What a value of a request tree is, blobs included: a number blob is an
 * array (a 0-d one, a NaN or Infinity literal, a number), a string blob a
 * string.  json_is_object() is true of every blob and json_is_array() of
 * none, so code that checks a request's types asks here instead. */
typedef enum {
	JX_ABSENT, /* v is NULL: the key was not given */
	JX_OBJECT,
	JX_ARRAY,
	JX_STRING,
	JX_NUMBER,
	JX_BOOL,
	JX_NULL,
} jsonx_type_t;

jsonx_type_t jsonx_type(const jsonx_doc *doc, const json_t *v);

static inline int jsonx_is_object(const jsonx_doc *doc, const json_t *v)
{
	return jsonx_type(doc, v) == JX_OBJECT;
}

static inline int jsonx_is_array(const jsonx_doc *doc, const json_t *v)
{
	return jsonx_type(doc, v) == JX_ARRAY;
}

/* 422 unknown_field at `prefix`/KEY for the first key of `obj` (a real
 * object, see jsonx_is_object) that is not in `allowed` (NULL-ended).  The
 * message is `what`; 'KEY' is not one of them, or "unexpected field 'KEY'"
 * when `what` is NULL.  Returns 0, or -1 with err filled. */
int jsonx_check_keys(const json_t *obj, const char *const allowed[],
		     const char *prefix, const char *what, verr *err);

#endif
