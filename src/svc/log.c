/* log.c - logfmt logging.  Each line is written with one write(2) so
 * lines from concurrent threads never interleave. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

/* Set once in main() before any thread starts, read-only after. */
static int threshold = LOG_INFO;
static int with_priority;

void log_setup(int level, int journal)
{
	threshold = level;
	with_priority = journal;
}

int log_level_parse(const char *name)
{
	static const struct {
		const char *name;
		int level;
	} levels[] = {{"error", LOG_ERROR},
		      {"warn", LOG_WARN},
		      {"info", LOG_INFO},
		      {"debug", LOG_DEBUG}};
	for (size_t i = 0; i < sizeof levels / sizeof *levels; i++)
		if (!strcmp(name, levels[i].name))
			return levels[i].level;
	return -1;
}

void log_msg(int level, const char *fmt, ...)
{
	static const char *const names[8] = {"",     "", "",	 "error",
					     "warn", "", "info", "debug"};
	char line[2048];
	size_t off = 0;
	struct timespec ts;
	struct tm tm;
	va_list ap;

	if (level > threshold)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	if (with_priority)
		off += (size_t)snprintf(line, sizeof line, "<%d>", level);
	off += strftime(line + off, sizeof line - off, "ts=%Y-%m-%dT%H:%M:%S",
			&tm);
	off += (size_t)snprintf(line + off, sizeof line - off,
				".%03ldZ level=%s ", ts.tv_nsec / 1000000,
				names[level & 7]);
	va_start(ap, fmt);
	if (off < sizeof line)
		off += (size_t)vsnprintf(line + off, sizeof line - off, fmt,
					 ap);
	va_end(ap);
	if (off >= sizeof line - 1)
		off = sizeof line - 2;
	line[off++] = '\n';
	if (write(STDERR_FILENO, line, off) < 0) {
		/* Nowhere left to report it. */
	}
}

static int log_plain(unsigned char c)
{
	return c > 0x20 && c < 0x7f && c != '"' && c != '=' && c != '\\';
}

const char *log_esc(char *buf, size_t n, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;
	int plain = *s != '\0';

	for (const char *p = s; *p && plain; p++)
		plain = log_plain((unsigned char)*p);
	if (plain) {
		snprintf(buf, n, "%s", s);
		return buf;
	}
	buf[o++] = '"';
	/* Room is kept for the longest escape, the closing quote and NUL. */
	for (; *s && o + 6 < n; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			buf[o++] = '\\';
			buf[o++] = (char)c;
		} else if (c < 0x20 || c >= 0x7f) {
			buf[o++] = '\\';
			buf[o++] = 'x';
			buf[o++] = hex[c >> 4];
			buf[o++] = hex[c & 15];
		} else {
			buf[o++] = (char)c;
		}
	}
	buf[o++] = '"';
	buf[o] = '\0';
	return buf;
}
