/* ctl_input.h - evalctl's inputs: files and names turned into the JSON the
 * API takes. */
#ifndef EVALD_CTL_INPUT_H
#define EVALD_CTL_INPUT_H

#include <jansson.h>
#include <stddef.h>

/* SOURCE is FILE (.npy, .npz, .csv, .json), ref:NAME or stream:ID.  On
 * success *out is a new JSON value for "inputs"; else -1 and errbuf
 * (300 bytes) says why. */
int ctl_input_load(const char *source, json_t **out, char *errbuf);

/* The body of PUT /v1/references/NAME for FILE: .npy/.npz are sent as they
 * are, .json as it is, .csv as {"embeddings": rows}.  *body is malloc'd. */
int ctl_reference_body(const char *file, char **body, size_t *len,
		       const char **ctype, char *errbuf);

#endif
