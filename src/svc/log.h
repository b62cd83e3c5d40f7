/* log.h - logfmt lines on stderr, one per request plus lifecycle events.
 * Under systemd (JOURNAL_STREAM set) each line starts with a <N> priority
 * so the journal records levels. */
#ifndef EVALD_LOG_H
#define EVALD_LOG_H

#include <stddef.h>

enum { LOG_ERROR = 3, LOG_WARN = 4, LOG_INFO = 6, LOG_DEBUG = 7 };

/* Set the threshold (messages above it are dropped); not thread-safe,
 * call once at start-up. */
void log_setup(int level, int journal);
int log_level_parse(const char *name); /* -1 if unknown */

/* One logfmt value: `s` as is when it is plain printable ASCII without
 * spaces, quotes, '=' or '\\', else double-quoted with \", \\ and \xNN
 * escapes for every other byte (controls, non-ASCII).  Every field that
 * came from a client goes through this, so a line can be neither split
 * nor forged.  Cut to fit `n` (at least 8); returns buf. */
const char *log_esc(char *buf, size_t n, const char *s);

void log_msg(int level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
