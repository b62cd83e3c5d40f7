/* assets.h - GET /assets/...: the files the dashboard page loads (the
 * vendored uPlot), compiled into the binary. */
#ifndef EVALD_ASSETS_H
#define EVALD_ASSETS_H

#include "dispatch.h"

/* The asset at path (e.g. "/assets/uplot.js"), or 404 not_found. */
void assets_serve(const char *path, svc_response *rs);

#endif
