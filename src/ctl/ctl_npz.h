/* ctl_npz.h - evalctl's .npz request bodies: a metric's .npy inputs sent
 * as they are, in one stored zip, instead of base64 JSON. */
#ifndef EVALD_CTL_NPZ_H
#define EVALD_CTL_NPZ_H

#include <jansson.h>
#include <stddef.h>

/* The body of POST /v1/metrics/NAME as application/x-npz: member
 * INPUT.npy holding each file of `files` ({input: path}) byte for byte,
 * and params.json holding `params` when it is not empty.  *body is
 * malloc'd.  0, or -1 with errbuf (300 bytes). */
int ctl_npz_body(json_t *files, json_t *params, char **body, size_t *len,
		 char *errbuf);

#endif
