/* state_moments.h - what references and streams share as HTTP resources:
 * named moments in the store (store_moments), told apart by a kind that
 * says how a record is named and shown. */
#ifndef EVALD_STATE_MOMENTS_H
#define EVALD_STATE_MOMENTS_H

#include <jansson.h>

#include "dispatch.h"
#include "store.h"
#include "verr.h"

typedef struct moments_kind {
	store_kind kind;
	const char *key;	   /* the name's field: "name", "id" */
	const char *noun;	   /* in "no <noun> '<name>'" */
	const char *include;	   /* the ?include= that adds the data */
	const char *mean, *second; /* the data's fields */
	const char *data_what;	   /* the data, in a --max-response refusal */
	int show_updated;	   /* the JSON has "updated" */
} moments_kind;

extern const moments_kind state_refs_kind, state_streams_kind;

/* A record's metadata as JSON: {key, "n", "d", "created", "updated"?}. */
json_t *state_moments_json(const moments_kind *k, const store_moments *m);

/* A store failure about (k, name) as an error: 404 naming it for
 * STORE_NOTFOUND, else as state_store_error. */
int state_moments_error(const moments_kind *k, const char *name, int rc,
			const char *errbuf, const char *path, verr *err);

/* Read (k, name): its metadata, then (with_data) its mean and second,
 * but only when its d is within --max-dim (the caller frees them). */
int state_moments_read(svc *s, const moments_kind *k, const char *name,
		       const char *path, int with_data, store_moments *m,
		       verr *err);

/* GET one (?include adds the data), GET the list under `field`, DELETE
 * one. */
void state_moments_get(svc *s, const svc_request *rq, svc_response *rs,
		       const moments_kind *k, const char *name);
void state_moments_list(svc *s, svc_response *rs, const moments_kind *k,
			const char *field);
void state_moments_delete(svc *s, svc_response *rs, const moments_kind *k,
			  const char *name);

#endif
