/* dashboard.c - serves the dashboard page.  The page itself lives in
 * dashboard.html (edited as HTML, turned into a C string at build time);
 * it polls GET /v1/series and draws each series as an SVG line chart. */
#include <stdlib.h>
#include <string.h>

#include "dashboard.h"
#include "respond.h"

extern const char dashboard_html[];

void dashboard_page(svc_response *rs)
{
	rs->status = 200;
	rs->content_type = "text/html; charset=utf-8";
	rs->body = strdup(dashboard_html);
	rs->len = rs->body ? strlen(rs->body) : 0;
	if (!rs->body) {
		verr e;
		verr_set(&e, E_OUT_OF_MEMORY, "", "out of memory");
		respond_error(rs, &e);
	}
}
