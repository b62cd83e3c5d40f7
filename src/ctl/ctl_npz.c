/* ctl_npz.c - a stored (uncompressed) zip written in memory: the archive
 * np.savez writes, without zip64, which the server's reader takes.  The
 * .npy files are not parsed here: the server checks them and names a bad
 * member in its answer. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "ctl_npz.h"
#include "jsonout.h"

/* One member: its name and bytes, and where its local header went. */
typedef struct member {
	char name[80];
	char *data;
	size_t len;
	uint32_t crc;
	size_t off;
} member;

static void put16(char *p, uint32_t v)
{
	p[0] = (char)(v & 0xff);
	p[1] = (char)(v >> 8 & 0xff);
}

static void put32(char *p, uint32_t v)
{
	put16(p, v & 0xffff);
	put16(p + 2, v >> 16);
}

static int read_file(const char *path, char **data, size_t *len, char *eb)
{
	FILE *f = fopen(path, "rb");
	long n;
	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET)) {
		snprintf(eb, 300, "cannot read %s", path);
		if (f)
			fclose(f);
		return -1;
	}
	*data = malloc((size_t)n + 1);
	if (!*data || fread(*data, 1, (size_t)n, f) != (size_t)n) {
		snprintf(eb, 300, "cannot read %s", path);
		free(*data);
		*data = NULL;
		fclose(f);
		return -1;
	}
	fclose(f);
	*len = (size_t)n;
	return 0;
}

/* Local header + data at o (or only its size, with out NULL). */
static size_t put_local(char *out, size_t o, member *m)
{
	size_t nl = strlen(m->name);
	if (out) {
		char *p = out + o;
		memset(p, 0, 30);
		memcpy(p, "PK\x03\x04", 4);
		put16(p + 4, 20);
		put32(p + 14, m->crc);
		put32(p + 18, (uint32_t)m->len);
		put32(p + 22, (uint32_t)m->len);
		put16(p + 26, (uint32_t)nl);
		memcpy(p + 30, m->name, nl);
		memcpy(p + 30 + nl, m->data, m->len);
		m->off = o;
	}
	return 30 + nl + m->len;
}

static size_t put_central(char *out, size_t o, const member *m)
{
	size_t nl = strlen(m->name);
	if (out) {
		char *p = out + o;
		memset(p, 0, 46);
		memcpy(p, "PK\x01\x02", 4);
		put16(p + 4, 20);
		put16(p + 6, 20);
		put32(p + 16, m->crc);
		put32(p + 20, (uint32_t)m->len);
		put32(p + 24, (uint32_t)m->len);
		put16(p + 28, (uint32_t)nl);
		put32(p + 42, (uint32_t)m->off);
		memcpy(p + 46, m->name, nl);
	}
	return 46 + nl;
}

/* Lay the archive out twice: once to size it, once to write it. */
static size_t layout(char *out, member *ms, int n)
{
	size_t o = 0, cd;
	for (int i = 0; i < n; i++)
		o += put_local(out, o, &ms[i]);
	cd = o;
	for (int i = 0; i < n; i++)
		o += put_central(out, o, &ms[i]);
	if (out) {
		char *p = out + o;
		memset(p, 0, 22);
		memcpy(p, "PK\x05\x06", 4);
		put16(p + 8, (uint32_t)n);
		put16(p + 10, (uint32_t)n);
		put32(p + 12, (uint32_t)(o - cd));
		put32(p + 16, (uint32_t)cd);
	}
	return o + 22;
}

static int add_params(json_t *params, member *m, char *eb)
{
	size_t len;
	if (jsonout_dump(params, 0, &m->data, &len) < 0) {
		snprintf(eb, 300, "out of memory");
		return -1;
	}
	m->len = len;
	snprintf(m->name, sizeof m->name, "params.json");
	return 0;
}

int ctl_npz_body(json_t *files, json_t *params, char **body, size_t *len,
		 char *errbuf)
{
	size_t nf = json_object_size(files) + 1, total = 0;
	member *ms = calloc(nf, sizeof *ms);
	const char *input;
	json_t *p;
	int n = 0, rc = -1;

	*body = NULL;
	if (!ms) {
		snprintf(errbuf, 300, "out of memory");
		return -1;
	}
	json_object_foreach(files, input, p)
	{
		member *m = &ms[n++];
		snprintf(m->name, sizeof m->name, "%.70s.npy", input);
		if (read_file(json_string_value(p), &m->data, &m->len, errbuf) <
		    0)
			goto out;
	}
	if (json_object_size(params) && add_params(params, &ms[n++], errbuf))
		goto out;
	for (int i = 0; i < n; i++) {
		total += ms[i].len;
		if (ms[i].len >= UINT32_MAX || total >= UINT32_MAX) {
			snprintf(errbuf, 300,
				 "the inputs pass 4 GiB, more than a zip "
				 "without zip64 holds");
			goto out;
		}
		ms[i].crc = (uint32_t)crc32(crc32(0L, Z_NULL, 0),
					    (const Bytef *)ms[i].data,
					    (uInt)ms[i].len);
	}
	*len = layout(NULL, ms, n);
	if (!(*body = malloc(*len))) {
		snprintf(errbuf, 300, "out of memory");
		goto out;
	}
	layout(*body, ms, n);
	rc = 0;
out:
	for (int i = 0; i < n; i++)
		free(ms[i].data);
	free(ms);
	return rc;
}
