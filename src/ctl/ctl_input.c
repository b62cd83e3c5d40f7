/* ctl_input.c - reading evalctl's input files.
 *
 * .npy arrays go to the server as packed tensors holding the file's own
 * bytes when the dtype is one the API packs (no widening on the client);
 * .npz stats files become {"mu", "sigma"}; CSV rows become nested arrays.
 * A .npy of embeddings bound for a reference or stream is not read at
 * all: it is mapped and streamed as it is (ctl_npy_map). */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctl_input.h"
#include "jsonout.h"
#include "npy.h"

static int read_file(const char *path, char **data, size_t *len, char *errbuf)
{
	FILE *f = fopen(path, "rb");
	long n;
	if (!f) {
		snprintf(errbuf, 300, "cannot open %.200s", path);
		return -1;
	}
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET)) {
		fclose(f);
		snprintf(errbuf, 300, "cannot read %.200s", path);
		return -1;
	}
	*data = malloc((size_t)n + 1);
	if (!*data || fread(*data, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		free(*data);
		snprintf(errbuf, 300, "cannot read %.200s", path);
		return -1;
	}
	(*data)[n] = '\0';
	*len = (size_t)n;
	fclose(f);
	return 0;
}

static char *base64(const void *src, size_t n)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrs"
				"tuvwxyz0123456789+/";
	const uint8_t *s = src;
	char *o = malloc((n + 2) / 3 * 4 + 1), *p = o;
	if (!o)
		return NULL;
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)s[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)s[i + 1] << 8;
		if (i + 2 < n)
			v |= s[i + 2];
		*p++ = a[v >> 18 & 63];
		*p++ = a[v >> 12 & 63];
		*p++ = i + 1 < n ? a[v >> 6 & 63] : '=';
		*p++ = i + 2 < n ? a[v & 63] : '=';
	}
	*p = '\0';
	return o;
}

static json_t *packed(const char *dtype, const evald_tensor *t,
		      const void *bytes, size_t nbytes)
{
	char *b64 = base64(bytes, nbytes);
	json_t *shape = json_array();
	for (int i = 0; i < t->ndim; i++)
		json_array_append_new(shape, json_integer(t->shape[i]));
	json_t *o = b64 ? json_pack("{s:s, s:o, s:s}", "dtype", dtype, "shape",
				    shape, "data", b64)
			: NULL;
	free(b64);
	return o;
}

/* A decoded .npy as a packed tensor: the file's bytes where the dtype
 * packs as it is, else the float64 values. */
static json_t *npy_json(const void *img, size_t len, const char *what,
			char *errbuf)
{
	static const struct {
		evald_dtype dt;
		const char *name;
		int size;
	} same[] = {{EVALD_F64, "float64", 8},
		    {EVALD_F32, "float32", 4},
		    {EVALD_I64, "int64", 8},
		    {EVALD_I32, "int32", 4},
		    {EVALD_U8, "uint8", 1}};
	pool *p = pool_new();
	evald_tensor t;
	verr err;
	json_t *o = NULL;

	if (!p || npy_decode(img, len, p, 0, what, &t, &err) < 0) {
		snprintf(errbuf, 300, "%.290s", p ? err.msg : "out of memory");
		goto out;
	}
	for (size_t i = 0; i < sizeof same / sizeof *same; i++)
		if (same[i].dt == t.dtype) {
			size_t nb = (size_t)t.size * (size_t)same[i].size;
			o = packed(same[i].name, &t,
				   (const char *)img + len - nb, nb);
			goto out;
		}
	o = packed("float64", &t, t.data, (size_t)t.size * sizeof(double));
out:
	pool_free(p);
	return o;
}

static json_t *npz_json(const char *img, size_t len, char *errbuf)
{
	pool *p = pool_new();
	json_t *o = json_object();
	static const char *const names[] = {"mu", "sigma"};
	for (int i = 0; i < 2; i++) {
		const void *m;
		size_t ml;
		verr err;
		if (npz_member(img, len, names[i], p, (size_t)1 << 31, &m, &ml,
			       &err) < 0) {
			snprintf(errbuf, 300, "%.290s", err.msg);
			json_decref(o);
			o = NULL;
			break;
		}
		json_t *t = npy_json(m, ml, names[i], errbuf);
		if (!t) {
			json_decref(o);
			o = NULL;
			break;
		}
		json_object_set_new(o, names[i], t);
	}
	pool_free(p);
	return o;
}

/* Rows of numbers separated by commas (or white space); one column gives
 * a vector, more give a matrix.  Lines starting with '#' and a header
 * line that is not numeric are skipped. */
static json_t *csv_json(char *text, char *errbuf)
{
	json_t *rows = json_array();
	size_t width = 0, lineno = 0;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		lineno++;
		json_t *row = json_array();
		char *p = line;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '#' || *p == '\r' || !*p) {
			json_decref(row);
			continue;
		}
		for (;;) {
			char *end;
			double v = strtod(p, &end);
			if (end == p)
				break;
			json_array_append_new(row, json_real(v));
			p = end;
			while (*p == ' ' || *p == '\t' || *p == ',' ||
			       *p == '\r')
				p++;
		}
		if (*p) {
			if (json_array_size(rows) == 0 &&
			    json_array_size(row) == 0) {
				json_decref(row); /* header */
				continue;
			}
			snprintf(errbuf, 300,
				 "line %zu: '%.40s' is not a number", lineno,
				 p);
			json_decref(row);
			json_decref(rows);
			return NULL;
		}
		if (width && json_array_size(row) != width) {
			snprintf(errbuf, 300,
				 "line %zu has %zu values, earlier lines %zu",
				 lineno, json_array_size(row), width);
			json_decref(row);
			json_decref(rows);
			return NULL;
		}
		width = json_array_size(row);
		json_array_append_new(
			rows, width == 1 ? json_incref(json_array_get(row, 0))
					 : json_incref(row));
		json_decref(row);
	}
	if (!json_array_size(rows)) {
		snprintf(errbuf, 300, "no numbers found");
		json_decref(rows);
		return NULL;
	}
	return rows;
}

static const char *ext(const char *path)
{
	const char *dot = strrchr(path, '.');
	return dot ? dot + 1 : "";
}

int ctl_input_load(const char *source, json_t **out, char *errbuf)
{
	char *data;
	size_t len;

	if (!strncmp(source, "ref:", 4)) {
		*out = json_pack("{s:s}", "reference", source + 4);
		return 0;
	}
	if (!strncmp(source, "stream:", 7)) {
		*out = json_pack("{s:s}", "stream", source + 7);
		return 0;
	}
	if (read_file(source, &data, &len, errbuf) < 0)
		return -1;
	const char *e = ext(source);
	if (npy_sniff(data, len) == 1)
		*out = npy_json(data, len, source, errbuf);
	else if (npy_sniff(data, len) == 2)
		*out = npz_json(data, len, errbuf);
	else if (!strcmp(e, "csv") || !strcmp(e, "txt"))
		*out = csv_json(data, errbuf);
	else if (!strcmp(e, "json")) {
		json_error_t je;
		*out = json_loadb(data, len, JSON_DECODE_ANY, &je);
		if (!*out)
			snprintf(errbuf, 300, "line %d: %s", je.line, je.text);
	} else {
		snprintf(errbuf, 300,
			 "unknown file type (use .npy, .npz, .csv or .json)");
		*out = NULL;
	}
	free(data);
	return *out ? 0 : -1;
}

int ctl_reference_body(const char *file, char **body, size_t *len,
		       const char **ctype, char *errbuf)
{
	if (read_file(file, body, len, errbuf) < 0)
		return -1;
	if (npy_sniff(*body, *len)) {
		*ctype = "application/octet-stream";
		return 0;
	}
	*ctype = "application/json";
	if (!strcmp(ext(file), "json"))
		return 0;
	if (!strcmp(ext(file), "csv")) {
		json_t *rows = csv_json(*body, errbuf);
		free(*body);
		*body = NULL;
		if (!rows)
			return -1;
		json_t *o = json_pack("{s:o}", "embeddings", rows);
		/* The numbers as the file wrote them, not 17 digits each. */
		int rc = o ? jsonout_dump(o, 0, body, len) : -1;
		json_decref(o);
		return rc;
	}
	free(*body);
	snprintf(errbuf, 300,
		 "unknown file type (use .npy, .npz, .csv or .json)");
	return -1;
}

int ctl_npy_map(const char *file, ctl_map *m, char *errbuf)
{
	struct stat st;
	npy_info in;
	verr e;
	int fd = open(file, O_RDONLY);

	memset(m, 0, sizeof *m);
	if (fd < 0 || fstat(fd, &st) < 0) {
		snprintf(errbuf, 300, "cannot open %.200s", file);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode) || st.st_size < 10) {
		close(fd);
		return 0;
	}
	m->len = (size_t)st.st_size;
	m->data = mmap(NULL, m->len, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (m->data == MAP_FAILED) {
		m->data = NULL;
		snprintf(errbuf, 300, "cannot map %.200s", file);
		return -1;
	}
	/* Read once, front to back: let the kernel read ahead. */
	madvise(m->data, m->len, MADV_SEQUENTIAL);
	if (npy_sniff(m->data, m->len) != 1 ||
	    npy_head(m->data, m->len, file, &in, &e) != 0 || in.ndim != 2) {
		ctl_unmap(m);
		return 0; /* the server names what is wrong, if anything */
	}
	m->n = in.shape[0];
	m->d = in.shape[1];
	return 1;
}

void ctl_unmap(ctl_map *m)
{
	if (m->data)
		munmap(m->data, m->len);
	memset(m, 0, sizeof *m);
}
