/* log.h - logfmt lines on stderr, one per request plus lifecycle events.
 * Under systemd (JOURNAL_STREAM set) each line starts with a <N> priority
 * so the journal records levels. */
#ifndef EVALD_LOG_H
#define EVALD_LOG_H

enum { LOG_ERROR = 3, LOG_WARN = 4, LOG_INFO = 6, LOG_DEBUG = 7 };

/* Set the threshold (messages above it are dropped); not thread-safe,
 * call once at start-up. */
void log_setup(int level, int journal);
int log_level_parse(const char *name); /* -1 if unknown */

void log_msg(int level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
