/* doccheck.c - runs the examples of one markdown file and checks their
 * shown output; tests/docs.test drives it against a live daemon.
 *
 * An example is a line starting with "$ " in a code block (indented or
 * fenced).  The command goes on over lines ending in a backslash or inside
 * an open quote; the lines after it, up to the next "$ " line, a "# "
 * comment line, a blank line or the end of the block, are its output.
 * Each command runs in /bin/sh in the current directory, with stdout and
 * stderr together, and must exit 0.  Shown output is compared:
 *
 *   - JSON (the lines parse as one value): objects must have the shown
 *     keys in the shown order and no others, arrays the same length;
 *     strings, booleans, null and integers exactly, reals to 1e-9
 *     relative (LAPACK's last bits depend on the CPU's kernels), and an
 *     integer never matches a real (2 is not 2.0).  `...` as an object
 *     member allows more keys, as the last array element more elements,
 *     and the string "..." stands for any string.  Volatile fields are
 *     checked by type only: elapsed_ms, created, updated, ts, next_since
 *     (a number of the shown kind), progress (a real in [0, 1]), position
 *     (an integer >= 1), id and job (32 hex digits).  A shown id stands for
 *     the one evald gave: it is replaced by it in later commands and
 *     outputs.
 *   - text: line by line and word by word (runs of blanks are one), words
 *     equal, or numbers equal as reals are above, or JSON objects and
 *     arrays equal as above; a line whose first word is a volatile field
 *     (a table row of evalctl) needs only numbers after it.
 *
 * Without shown output, an answer that is a JSON error fails the example.
 * A read (curl without -d, --data, -X, -T or -F) whose output differs is
 * tried again for up to 10 s: a job's state changes with time, and the doc
 * shows where it ends up.  "localhost:8640" and "127.0.0.1:8640" in a
 * command mean the daemon at $EVALD.
 *
 * A code block after a line "<!-- not run: REASON -->" (outside a code
 * block) is not run; a code block with a curl or evalctl command that is
 * neither a
 * "$ " line nor so marked is an error, so no example goes unchecked.
 *
 * Usage: doccheck FILE.md   (EVALD=http://HOST:PORT in the environment)
 * Prints "PASS desc", "FAIL desc", "# diagnostics", "NOTRUN file:line
 * reason" and at the end "COUNT file ran notrun". */
#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAXSUBS 64
#define MORE	"..."

static struct {
	char *from, *to;
} subs[MAXSUBS];
static int nsubs;
static const char *file;
static int ran, notrun, failures;

static char *xstrdup(const char *s)
{
	char *p = strdup(s);
	if (!p)
		abort();
	return p;
}

static void add_sub(const char *from, const char *to)
{
	for (int i = 0; i < nsubs; i++)
		if (!strcmp(subs[i].from, from))
			return;
	if (nsubs == MAXSUBS || !strcmp(from, to))
		return;
	subs[nsubs].from = xstrdup(from);
	subs[nsubs].to = xstrdup(to);
	nsubs++;
}

/* s with every substitution applied; the caller frees it. */
static char *apply_subs(const char *s)
{
	char *cur = xstrdup(s);
	for (int i = 0; i < nsubs; i++) {
		size_t fl = strlen(subs[i].from), tl = strlen(subs[i].to);
		size_t cnt = 0;
		for (char *p = cur; (p = strstr(p, subs[i].from)); p += fl)
			cnt++;
		if (!cnt)
			continue;
		char *out = malloc(strlen(cur) + cnt * tl + 1), *o = out;
		if (!out)
			abort();
		for (char *p = cur, *q; (q = strstr(p, subs[i].from));
		     p = q + fl) {
			memcpy(o, p, q - p);
			o += q - p;
			memcpy(o, subs[i].to, tl);
			o += tl;
			*o = 0;
			if (!strstr(q + fl, subs[i].from)) {
				strcpy(o, q + fl);
				break;
			}
		}
		free(cur);
		cur = out;
	}
	return cur;
}

/* ------------------------------------------------------------ running */

/* Runs cmd in sh; fills *out (stdout and stderr) and *status. */
static int run(const char *cmd, char **out, int *status)
{
	int fd[2];
	if (pipe(fd) < 0)
		return -1;
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(fd[1], 1);
		dup2(fd[1], 2);
		close(fd[0]);
		close(fd[1]);
		alarm(60); /* a hung example fails, not the suite */
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	close(fd[1]);
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);
	ssize_t r;
	if (!buf)
		abort();
	while ((r = read(fd[0], buf + len, cap - len - 1)) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		len += r;
		if (cap - len < 2 && !(buf = realloc(buf, cap *= 2)))
			abort();
	}
	buf[len] = 0;
	close(fd[0]);
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
	*out = buf;
	return 0;
}

/* A read is retried until its output matches: see the top. */
static int is_read(const char *cmd)
{
	static const char *const writes[] = {" -d ", " -d@", "--data", " -X ",
					     " -T ", " -F ", NULL};
	if (strncmp(cmd, "curl ", 5))
		return 0;
	for (int i = 0; writes[i]; i++)
		if (strstr(cmd, writes[i]))
			return 0;
	return 1;
}

/* ---------------------------------------------------------- comparing */

static char why[1024];

static int fail_at(const char *path, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int fail_at(const char *path, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(why, sizeof(why), "at %s: ", *path ? path : "/");
	va_start(ap, fmt);
	vsnprintf(why + n, sizeof(why) - n, fmt, ap);
	va_end(ap);
	return -1;
}

static int is_hex_id(const char *s)
{
	size_t n = strlen(s);
	if (n != 32)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]) ||
		    isupper((unsigned char)s[i]))
			return 0;
	return 1;
}

static const char *const times[] = {"elapsed_ms", "created",	"updated",
				    "ts",	  "next_since", NULL};

static int in_list(const char *const *l, const char *k)
{
	for (; *l; l++)
		if (!strcmp(*l, k))
			return 1;
	return 0;
}

static int compare(json_t *doc, json_t *act, const char *path);

/* A volatile field: 1 if key is one (and *rc says whether it matched),
 * 0 to compare it as any other. */
static int volatile_field(const char *key, json_t *doc, json_t *act,
			  const char *path, int *rc)
{
	*rc = 0;
	if (in_list(times, key)) {
		if (json_typeof(doc) != json_typeof(act) ||
		    !json_is_number(act))
			*rc = fail_at(path, "a %s number, as shown",
				      json_is_integer(doc) ? "integer"
							   : "real");
		return 1;
	}
	if (!strcmp(key, "progress")) {
		if (!json_is_real(act) || json_real_value(act) < 0 ||
		    json_real_value(act) > 1)
			*rc = fail_at(path, "a real from 0 to 1");
		return 1;
	}
	if (!strcmp(key, "position")) {
		if (!json_is_integer(act) || json_integer_value(act) < 1)
			*rc = fail_at(path, "an integer from 1");
		return 1;
	}
	if ((!strcmp(key, "id") || !strcmp(key, "job")) &&
	    json_is_string(doc) && is_hex_id(json_string_value(doc))) {
		if (!json_is_string(act) || !is_hex_id(json_string_value(act)))
			*rc = fail_at(path, "32 hex digits");
		else
			add_sub(json_string_value(doc), json_string_value(act));
		return 1;
	}
	return 0;
}

static int compare_object(json_t *doc, json_t *act, const char *path)
{
	const char *k;
	json_t *v;
	int more = json_object_get(doc, MORE) != NULL;
	void *it = json_object_iter(act);
	char sub[512];

	json_object_foreach(doc, k, v)
	{
		if (!strcmp(k, MORE))
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, k);
		json_t *a = json_object_get(act, k);
		if (!a)
			return fail_at(sub, "missing");
		/* Shown keys come in the answer's order: advance to k. */
		while (it && strcmp(json_object_iter_key(it), k)) {
			if (!more &&
			    !json_object_get(doc, json_object_iter_key(it)))
				return fail_at(path, "\"%s\" is not shown",
					       json_object_iter_key(it));
			it = json_object_iter_next(act, it);
		}
		if (!it)
			return fail_at(sub, "out of the answer's order");
		it = json_object_iter_next(act, it);
		int rc;
		if (volatile_field(k, v, a, sub, &rc)) {
			if (rc)
				return rc;
			continue;
		}
		if (compare(v, a, sub))
			return -1;
	}
	if (it && !more)
		return fail_at(path, "\"%s\" is not shown",
			       json_object_iter_key(it));
	return 0;
}

static int compare(json_t *doc, json_t *act, const char *path)
{
	char sub[512];

	if (json_is_string(doc) && !strcmp(json_string_value(doc), MORE))
		return json_is_string(act) ? 0 : fail_at(path, "a string");
	if (json_typeof(doc) != json_typeof(act)) {
		char *a = json_dumps(act, JSON_ENCODE_ANY | JSON_COMPACT);
		fail_at(path, "evald answers %.200s", a ? a : "?");
		free(a);
		return -1;
	}
	switch (json_typeof(doc)) {
	case JSON_OBJECT: return compare_object(doc, act, path);
	case JSON_ARRAY: {
		size_t nd = json_array_size(doc), na = json_array_size(act);
		json_t *last = json_array_get(doc, nd - 1);
		int more = nd && json_is_object(last) &&
			   json_object_get(last, MORE) &&
			   json_object_size(last) == 1;
		if (more)
			nd--;
		if (more ? na < nd : na != nd)
			return fail_at(path, "%zu elements, not %zu", na, nd);
		for (size_t i = 0; i < nd; i++) {
			snprintf(sub, sizeof(sub), "%s/%zu", path, i);
			if (compare(json_array_get(doc, i),
				    json_array_get(act, i), sub))
				return -1;
		}
		return 0;
	}
	case JSON_STRING: {
		const char *d = json_string_value(doc),
			   *a = json_string_value(act);
		if (!strcmp(d, a))
			return 0;
		char *ds = apply_subs(d);
		int eq = !strcmp(ds, a);
		free(ds);
		return eq ? 0 : fail_at(path, "evald answers \"%.300s\"", a);
	}
	case JSON_INTEGER:
		if (json_integer_value(doc) == json_integer_value(act))
			return 0;
		return fail_at(path, "evald answers %lld",
			       (long long)json_integer_value(act));
	case JSON_REAL: {
		double d = json_real_value(doc), a = json_real_value(act);
		if (fabs(d - a) <= 1e-9 * fmax(fabs(d), fabs(a)))
			return 0;
		return fail_at(path, "evald answers %.17g", a);
	}
	default: return 0; /* true, false, null */
	}
}

/* The shown JSON with `...` made JSON: a member "...": null in an object,
 * an element {"...": null} in an array.  NULL when it is not JSON. */
static json_t *parse_shown(const char *text)
{
	size_t n = strlen(text);
	char *buf = malloc(3 * n + 64), *o = buf;
	char stack[256];
	int depth = 0, in_str = 0;
	if (!buf)
		abort();
	for (size_t i = 0; i < n; i++) {
		char c = text[i];
		if (in_str) {
			*o++ = c;
			if (c == '\\' && i + 1 < n)
				*o++ = text[++i];
			else if (c == '"')
				in_str = 0;
			continue;
		}
		if (c == '"')
			in_str = 1;
		else if ((c == '{' || c == '[') && depth < 255)
			stack[depth++] = c;
		else if ((c == '}' || c == ']') && depth > 0)
			depth--;
		if (c == '.' && !strncmp(text + i, "...", 3) && depth > 0) {
			o += sprintf(o, stack[depth - 1] == '{'
						? "\"...\": null"
						: "{\"...\": null}");
			i += 2;
			continue;
		}
		*o++ = c;
	}
	*o = 0;
	json_t *j = json_loads(buf, JSON_DECODE_ANY, NULL);
	free(buf);
	return j;
}

static int volatile_word(const char *line, size_t len)
{
	for (int i = 0; times[i]; i++) {
		size_t k = strlen(times[i]);
		if (len == k && !strncmp(line, times[i], k))
			return 1;
	}
	return 0;
}

static int same_number(const char *a, size_t al, const char *b, size_t bl)
{
	char sa[64], sb[64], *ea, *eb;
	if (al >= sizeof(sa) || bl >= sizeof(sb))
		return 0;
	memcpy(sa, a, al);
	sa[al] = 0;
	memcpy(sb, b, bl);
	sb[bl] = 0;
	double x = strtod(sa, &ea), y = strtod(sb, &eb);
	return ea != sa && !*ea && eb != sb && !*eb &&
	       fabs(x - y) <= 1e-9 * fmax(fabs(x), fabs(y));
}

/* A word that is JSON (evalctl's table prints objects and arrays so)
 * is compared as JSON, volatile fields and all. */
static int same_json(const char *a, size_t al, const char *b, size_t bl)
{
	json_t *x = json_loadb(a, al, JSON_DECODE_ANY, NULL);
	json_t *y = json_loadb(b, bl, JSON_DECODE_ANY, NULL);
	int same = x && y && (json_is_object(x) || json_is_array(x)) &&
		   !compare(x, y, "");
	json_decref(x);
	json_decref(y);
	return same;
}

/* One line, word by word: equal words, or numbers equal as reals are
 * (see the top), or anything numeric after a volatile first word. */
static int same_line(const char *s, size_t sl, const char *o, size_t ol)
{
	size_t si = 0, oi = 0;
	int word = 0, vol = 0;
	for (;;) {
		while (si < sl && isspace((unsigned char)s[si]))
			si++;
		while (oi < ol && isspace((unsigned char)o[oi]))
			oi++;
		if (si == sl || oi == ol)
			return si == sl && oi == ol;
		size_t sw = si, ow = oi;
		while (sw < sl && !isspace((unsigned char)s[sw]))
			sw++;
		while (ow < ol && !isspace((unsigned char)o[ow]))
			ow++;
		if (vol) {
			if (!same_number(o + oi, ow - oi, o + oi, ow - oi))
				return 0;
		} else if ((sw - si != ow - oi ||
			    strncmp(s + si, o + oi, sw - si)) &&
			   !same_number(s + si, sw - si, o + oi, ow - oi) &&
			   !same_json(s + si, sw - si, o + oi, ow - oi)) {
			return 0;
		}
		if (!word++)
			vol = volatile_word(s + si, sw - si);
		si = sw;
		oi = ow;
	}
}

static int compare_text(const char *shown, const char *out)
{
	int line = 1;
	while (*shown || *out) {
		const char *se = strchr(shown, '\n'), *oe = strchr(out, '\n');
		size_t sl = se ? (size_t)(se - shown) : strlen(shown);
		size_t ol = oe ? (size_t)(oe - out) : strlen(out);
		if (!*shown || !*out)
			return fail_at("", "line %d: %s", line,
				       *out ? "more output than shown"
					    : "less output than shown");
		if (!same_line(shown, sl, out, ol))
			return fail_at("", "line %d: evald prints \"%.*s\"",
				       line, (int)ol, out);
		shown = se ? se + 1 : shown + strlen(shown);
		out = oe ? oe + 1 : out + strlen(out);
		line++;
	}
	return 0;
}

/* 0 when out is what the doc shows; else why says how it differs. */
static int check(const char *shown, const char *out, int status)
{
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return fail_at("", "the command exited %d",
			       WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	if (!*shown) {
		json_t *j = json_loads(out, JSON_DECODE_ANY, NULL);
		int bad = json_is_object(j) && json_object_get(j, "error");
		json_decref(j);
		return bad ? fail_at("", "evald answers an error: %.300s", out)
			   : 0;
	}
	char *s = apply_subs(shown);
	json_t *doc = parse_shown(s);
	int rc;
	if (doc) {
		json_t *act = json_loads(out, JSON_DECODE_ANY, NULL);
		rc = act ? compare(doc, act, "")
			 : fail_at("", "evald prints no JSON: %.300s", out);
		json_decref(act);
	} else {
		rc = compare_text(s, out);
	}
	json_decref(doc);
	free(s);
	return rc;
}

/* ---------------------------------------------------------- examples */

static void example(int lineno, const char *cmd, const char *shown)
{
	char *c = apply_subs(cmd), *out = NULL;
	int status = 0, rc = -1;
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		free(out);
		out = NULL;
		if (run(c, &out, &status) < 0) {
			fail_at("", "cannot run sh");
			break;
		}
		if (!(rc = check(shown, out, status)) || !is_read(c))
			break;
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (t.tv_sec - t0.tv_sec >= 10)
			break;
		usleep(100 * 1000);
	}
	ran++;
	const char *nl = strchr(cmd, '\n');
	printf("%s %s:%d: %.*s\n", rc ? "FAIL" : "PASS", file, lineno,
	       (int)(nl ? nl - cmd : (long)strlen(cmd)), cmd);
	if (rc) {
		failures++;
		printf("# %s\n# evald printed:\n", why);
		for (char *p = out, *e; p && *p;
		     p = e ? e + 1 : p + strlen(p)) {
			e = strchr(p, '\n');
			printf("#   %.*s\n", (int)(e ? e - p : (long)strlen(p)),
			       p);
		}
	}
	free(out);
	free(c);
}

/* Whether a command continues on the next line: a trailing backslash,
 * or a quote still open (sh's rules, enough for examples). */
static int continues(const char *s, int *q)
{
	size_t n = strlen(s);
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (*q == '\'') {
			if (c == '\'')
				*q = 0;
		} else if (c == '\\') {
			if (i + 1 == n)
				return 1;
			i++;
		} else if (*q == '"') {
			if (c == '"')
				*q = 0;
		} else if (c == '\'' || c == '"') {
			*q = c;
		}
	}
	return *q != 0;
}

struct block {
	char **line;
	int *no;
	int n, cap;
	int first;    /* its first line in the file */
	char *notrun; /* the marker's reason, or NULL */
};

static int is_request(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '-')
		s++;
	return !strncmp(s, "curl ", 5) || !strncmp(s, "evalctl ", 8);
}

static void run_block(struct block *b)
{
	int cmds = 0, requests = 0;
	for (int i = 0; i < b->n; i++) {
		cmds += !strncmp(b->line[i], "$ ", 2);
		requests += is_request(b->line[i]);
	}
	if (b->notrun) {
		int k = cmds ? cmds : requests ? requests : 1;
		notrun += k;
		printf("NOTRUN %s:%d %d example%s: %s\n", file, b->first, k,
		       k == 1 ? "" : "s", b->notrun);
		return;
	}
	if (!cmds) {
		if (requests) {
			failures++;
			printf("FAIL %s:%d: a request example neither run "
			       "(\"$ \") nor marked <!-- not run: why -->\n",
			       file, b->first);
		}
		return;
	}
	for (int i = 0; i < b->n;) {
		if (strncmp(b->line[i], "$ ", 2)) {
			if (strncmp(b->line[i], "# ", 2) && *b->line[i]) {
				failures++;
				printf("FAIL %s:%d: output with no command "
				       "before it\n",
				       file, b->no[i]);
			}
			i++;
			continue;
		}
		int start = b->no[i], q = 0;
		size_t cap = 1;
		for (int j = i; j < b->n; j++)
			cap += strlen(b->line[j]) + 1;
		char *cmd = calloc(1, cap), *shown = calloc(1, cap);
		if (!cmd || !shown)
			abort();
		strcat(cmd, b->line[i] + 2);
		while (continues(b->line[i], &q) && i + 1 < b->n) {
			strcat(cmd, "\n");
			strcat(cmd, b->line[++i]);
		}
		i++;
		for (;
		     i < b->n && *b->line[i] && strncmp(b->line[i], "$ ", 2) &&
		     strncmp(b->line[i], "# ", 2);
		     i++) {
			strcat(shown, b->line[i]);
			strcat(shown, "\n");
		}
		example(start, cmd, shown);
		free(cmd);
		free(shown);
	}
}

static void add_line(struct block *b, const char *s, int no)
{
	if (b->n == b->cap) {
		b->cap = b->cap ? 2 * b->cap : 16;
		b->line = realloc(b->line, b->cap * sizeof(*b->line));
		b->no = realloc(b->no, b->cap * sizeof(*b->no));
		if (!b->line || !b->no)
			abort();
	}
	size_t n = strlen(s);
	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	b->line[b->n] = strndup(s, n);
	b->no[b->n++] = no;
}

static void end_block(struct block *b, char **marker)
{
	/* Trailing blank lines belong to the prose, not the block. */
	while (b->n && !*b->line[b->n - 1])
		free(b->line[--b->n]);
	if (b->n) {
		b->notrun = *marker;
		run_block(b);
		free(*marker);
		*marker = NULL;
	}
	for (int i = 0; i < b->n; i++)
		free(b->line[i]);
	b->n = 0;
	b->notrun = NULL;
}

static size_t indent_of(const char *s)
{
	size_t k = 0;
	while (s[k] == ' ')
		k++;
	return k;
}

int main(int argc, char **argv)
{
	const char *url = getenv("EVALD");
	char line[65536], *marker = NULL;
	struct block b = {0};
	int no = 0, fenced = 0, indented = 0, prev_blank = 1;
	size_t base = 0;

	if (argc != 2 || !url || strncmp(url, "http://", 7)) {
		fprintf(stderr,
			"usage: EVALD=http://HOST:PORT doccheck FILE\n");
		return 2;
	}
	FILE *f = fopen(argv[1], "r");
	if (!f) {
		perror(argv[1]);
		return 2;
	}
	file = argv[1];
	add_sub("localhost:8640", url + 7);
	add_sub("127.0.0.1:8640", url + 7);
	signal(SIGPIPE, SIG_IGN);
	while (fgets(line, sizeof(line), f)) {
		no++;
		size_t ind = indent_of(line);
		int blank = line[ind] == '\n' || !line[ind];
		/* A marker in a code block is an example of one. */
		char *m = ind < 4 && !strncmp(line + ind, "<!-- not run:", 13)
				  ? line + ind
				  : NULL;
		if (fenced) {
			if (!strncmp(line + ind, "```", 3)) {
				end_block(&b, &marker);
				fenced = 0;
			} else {
				add_line(&b, line + (ind < base ? ind : base),
					 no);
			}
			goto next;
		}
		if (indented && (blank || ind >= base)) {
			add_line(&b, blank ? "" : line + base, no);
			goto next;
		}
		if (indented) {
			end_block(&b, &marker);
			indented = 0;
		}
		if (m) {
			char *r = m + strlen("<!-- not run:"), *e;
			r += strspn(r, " ");
			e = strstr(r, "-->");
			free(marker);
			marker = strndup(r, e ? (size_t)(e - r) : strlen(r));
			while (e && e > r && marker[e - r - 1] == ' ')
				marker[--e - r] = 0;
		} else if (!strncmp(line + ind, "```", 3)) {
			fenced = 1;
			base = ind;
			b.first = no + 1;
		} else if (!blank && ind >= 4 && prev_blank) {
			indented = 1;
			base = ind;
			b.first = no;
			add_line(&b, line + base, no);
		}
	next:
		prev_blank = blank;
	}
	end_block(&b, &marker);
	fclose(f);
	/* end_block empties the lines; the arrays themselves go here. */
	free(b.line);
	free(b.no);
	if (marker) {
		failures++;
		printf("FAIL %s: a not-run marker with no block after it\n",
		       file);
	}
	free(marker);
	printf("COUNT %s %d %d\n", file, ran, notrun);
	return failures ? 1 : 0;
}
