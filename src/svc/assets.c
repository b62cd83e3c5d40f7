/* assets.c - serves the vendored uPlot files (src/svc/vendor/uplot/),
 * turned into byte arrays at build time (assets_data.c), so the dashboard
 * fetches nothing from outside evald.  They change only with the binary:
 * a day's caching spares a page reload the 50 KB of script. */
#include <stdlib.h>
#include <string.h>

#include "assets.h"
#include "respond.h"
#include "verr.h"

extern const unsigned char asset_uplot_js[], asset_uplot_css[],
	asset_uplot_license[];
extern const size_t asset_uplot_js_len, asset_uplot_css_len,
	asset_uplot_license_len;

static const struct asset {
	const char *path;
	const char *type;
	const unsigned char *data;
	const size_t *len;
} assets[] = {
	{"/assets/uplot.js", "text/javascript; charset=utf-8", asset_uplot_js,
	 &asset_uplot_js_len},
	{"/assets/uplot.css", "text/css; charset=utf-8", asset_uplot_css,
	 &asset_uplot_css_len},
	{"/assets/uplot.LICENSE", "text/plain; charset=utf-8",
	 asset_uplot_license, &asset_uplot_license_len},
};

void assets_serve(const char *path, svc_response *rs)
{
	verr e;
	for (size_t i = 0; i < sizeof assets / sizeof *assets; i++) {
		const struct asset *a = &assets[i];
		if (strcmp(path, a->path))
			continue;
		if (!(rs->body = malloc(*a->len ? *a->len : 1))) {
			verr_set(&e, E_OUT_OF_MEMORY, "", "out of memory");
			respond_error(rs, &e);
			return;
		}
		memcpy(rs->body, a->data, *a->len);
		rs->len = *a->len;
		rs->status = 200;
		rs->content_type = a->type;
		rs->cache_control = "public, max-age=86400";
		return;
	}
	verr_set(&e, E_NOT_FOUND, "", "no asset at %s", path);
	respond_error(rs, &e);
}
