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

/* A .npy file of embeddings [N, d], memory-mapped: sent as the body of a
 * streamed upload without a copy or base64. */
typedef struct ctl_map {
	void *data;
	size_t len;
	long long n, d;
} ctl_map;

/* 1 with *m when FILE is a .npy of 2 dimensions (ctl_unmap it); 0 when it
 * is something else (read it the usual way); -1 with errbuf. */
int ctl_npy_map(const char *file, ctl_map *m, char *errbuf);
void ctl_unmap(ctl_map *m);

#endif
