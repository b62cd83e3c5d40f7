/* dashboard.h - GET /: the self-contained score dashboard page. */
#ifndef EVALD_DASHBOARD_H
#define EVALD_DASHBOARD_H

#include "dispatch.h"

void dashboard_page(svc_response *rs);

#endif
