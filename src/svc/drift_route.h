/* drift_route.h - POST /v1/drift (drift_route.c) and the recording of a
 * drift report's scores as series (drift_record.c). */
#ifndef EVALD_DRIFT_ROUTE_H
#define EVALD_DRIFT_ROUTE_H

#include <jansson.h>

#include "dispatch.h"
#include "verr.h"

void drift_post(svc *s, const svc_request *rq, svc_response *rs,
		const char *arg);

/* Record the report's share as <series>/share and each column's score as
 * <series>/<column>, as state_record writes an evaluate's results; adds
 * "recorded" to the report.  record NULL: nothing to do. */
int drift_record(svc *s, json_t *record, json_t *report, verr *err);

#endif
