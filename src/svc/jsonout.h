/* jsonout.h - the JSON text the server and evalctl write: jansson's
 * output, byte for byte, except that reals are the shortest decimal that
 * reads back as the same double (numfmt.h) rather than a fixed %.17g. */
#ifndef EVALD_JSONOUT_H
#define EVALD_JSONOUT_H

#include <jansson.h>
#include <stddef.h>

/* v (any value, top level included) as text in *out (malloc'd, NUL
 * terminated, its length in *len).  indent 0 writes it compact, like
 * JSON_COMPACT; indent n > 0 like JSON_INDENT(n).  Object keys keep their
 * order.  Returns 0, or -1 when memory runs out or v cannot be written
 * (a string that is not UTF-8, a non-finite real, a cycle) — the cases in
 * which json_dumps returns NULL. */
int jsonout_dump(const json_t *v, int indent, char **out, size_t *len);

#endif
