/* registry.c - what the metric table means: lookup by name, the catalog
 * (GET /v1/metrics), and the self-check that every row agrees with itself
 * and with the metric function it points at.  Resolution of a request
 * against a row is resolve.c; the runtime metric functions call is
 * mcall.c. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "registry.h"

const metric *registry_find(const char *name)
{
	for (const metric *m = registry; m->name; m++)
		if (!strcmp(m->name, name))
			return m;
	return NULL;
}

int registry_input_index(const metric *m, const char *name)
{
	for (int i = 0; m->inputs[i].name; i++)
		if (!strcmp(m->inputs[i].name, name))
			return i;
	return -1;
}

int registry_param_index(const metric *m, const char *name)
{
	for (int i = 0; m->params[i].name; i++)
		if (!strcmp(m->params[i].name, name))
			return i;
	return -1;
}

/* ------------------------------------------------------------ catalog */

static const char *ptype_name(ptype t)
{
	switch (t) {
	case PT_BOOL: return "boolean";
	case PT_NUMBER: return "number";
	case PT_INT: return "integer";
	case PT_ENUM: return "enum";
	case PT_VECTOR: return "number or vector";
	case PT_TENSOR: return "tensor";
	case PT_JSON: return "json";
	}
	return "?";
}

/* A bound of p as the catalog shows it: an integer parameter's bounds
 * are integers (1, not 1.0), like the values it takes. */
static json_t *bound_json(const param_spec *p, double v)
{
	return p->type == PT_INT ? json_integer((json_int_t)v) : json_real(v);
}

json_t *registry_entry_json(const metric *m)
{
	json_t *e = json_object(), *ins = json_array(), *ps = json_array();

	for (const input_spec *in = m->inputs; in->name; in++)
		json_array_append_new(ins,
				      json_pack("{s:s, s:s, s:b}", "name",
						in->name, "shape", in->shape,
						"required", in->required));
	for (const param_spec *p = m->params; p->name; p++) {
		json_t *def = json_loads(p->def, JSON_DECODE_ANY, NULL);
		json_t *pj = json_pack("{s:s, s:s, s:o, s:s}", "name", p->name,
				       "type", ptype_name(p->type), "default",
				       def ? def : json_null(), "doc", p->doc);
		if (p->type == PT_ENUM) {
			json_t *ch = json_array();
			const char *s = p->choices;
			while (*s) {
				const char *bar = strchr(s, '|');
				size_t n = bar ? (size_t)(bar - s) : strlen(s);
				json_array_append_new(ch, json_stringn(s, n));
				s += n + (bar ? 1 : 0);
			}
			json_object_set_new(pj, "choices", ch);
		}
		if (p->flags & PF_MIN)
			json_object_set_new(
				pj, p->flags & PF_MIN_OPEN ? "gt" : "min",
				bound_json(p, p->min));
		if (p->flags & PF_MAX)
			json_object_set_new(pj, "max", bound_json(p, p->max));
		json_array_append_new(ps, pj);
	}
	json_object_set_new(e, "name", json_string(m->name));
	json_object_set_new(e, "family", json_string(m->family));
	json_object_set_new(e, "summary", json_string(m->summary));
	json_object_set_new(e, "reference", json_string(m->reference));
	json_object_set_new(e, "inputs", ins);
	json_object_set_new(e, "params", ps);
	json_object_set_new(e, "async", json_boolean(1));
	return e;
}

json_t *registry_catalog_json(void)
{
	json_t *arr = json_array();
	for (const metric *m = registry; m->name; m++)
		json_array_append_new(arr, registry_entry_json(m));
	return json_pack("{s:o}", "metrics", arr);
}

/* ------------------------------------------------------------ self-check */

typedef struct problems {
	char *buf;
	size_t n, used;
	int count;
} problems;

static void problem(problems *pr, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void problem(problems *pr, const char *fmt, ...)
{
	va_list ap;
	pr->count++;
	if (!pr->buf || pr->used + 1 >= pr->n)
		return;
	va_start(ap, fmt);
	int w = vsnprintf(pr->buf + pr->used, pr->n - pr->used, fmt, ap);
	va_end(ap);
	if (w < 0)
		return;
	pr->used += (size_t)w;
	if (pr->used + 1 < pr->n) {
		pr->buf[pr->used++] = '\n';
		pr->buf[pr->used] = '\0';
	} else {
		pr->used = pr->n - 1;
	}
}

/* An enum param's choices string must be its values' names, in order,
 * and name no choice twice. */
static void check_enum(problems *pr, const metric *m, const param_spec *ps)
{
	if (!ps->choices || !*ps->choices || !ps->values) {
		problem(pr, "%s: enum param %s needs choices and values",
			m->name, ps->name);
		return;
	}
	const char *s = ps->choices;
	int k = 0;
	for (;; k++) {
		const char *bar = strchr(s, '|');
		size_t len = bar ? (size_t)(bar - s) : strlen(s);
		const char *want = ps->values[k].name;
		if (!want) {
			problem(pr,
				"%s: param %s: choice '%.*s' has no enum "
				"value",
				m->name, ps->name, (int)len, s);
			return;
		}
		if (strlen(want) != len || memcmp(want, s, len)) {
			problem(pr,
				"%s: param %s: choice %d is '%.*s' but its "
				"enum value is named '%s'",
				m->name, ps->name, k, (int)len, s, want);
			return;
		}
		for (int j = 0; j < k; j++)
			if (!strcmp(ps->values[j].name, want))
				problem(pr, "%s: param %s: choice '%s' twice",
					m->name, ps->name, want);
		if (!bar)
			break;
		s = bar + 1;
	}
	if (ps->values[k + 1].name)
		problem(pr, "%s: param %s: enum value '%s' is not in choices",
			m->name, ps->name, ps->values[k + 1].name);
}

/* A metric function's slot list must be its row's names, index by index:
 * the function reads c->in[i] / c->p[i] for the i-th name. */
static void check_slots(problems *pr, const metric *m, const char *what,
			const char *const *slots,
			const char *(*row)(const metric *, int))
{
	int i = 0;
	if (!slots) {
		problem(pr, "%s: no %s slot list", m->name, what);
		return;
	}
	for (; slots[i]; i++) {
		const char *name = row(m, i);
		if (!name) {
			problem(pr,
				"%s: its function reads %s '%s' (slot %d), "
				"which the row does not have",
				m->name, what, slots[i], i);
			return;
		}
		if (strcmp(name, slots[i]))
			problem(pr,
				"%s: its function reads %s '%s' from slot %d, "
				"where the row has '%s'",
				m->name, what, slots[i], i, name);
	}
	if (row(m, i))
		problem(pr,
			"%s: %s '%s' of the row is not in its function's "
			"slot list",
			m->name, what, row(m, i));
}

static const char *row_input(const metric *m, int i)
{
	return m->inputs[i].name;
}

static const char *row_param(const metric *m, int i)
{
	return m->params[i].name;
}

int registry_check_table(const metric *table, char *errbuf, size_t n)
{
	problems pr = {errbuf, n, 0, 0};
	if (errbuf && n)
		errbuf[0] = '\0';
	for (const metric *m = table; m->name; m++) {
		int ni = 0, np = 0;
		if (!m->run || !m->inputs || !m->params || !m->family ||
		    !m->summary || !m->reference) {
			problem(&pr,
				"%s: row lacks a field (run, inputs, params, "
				"family, summary or reference)",
				m->name);
			continue;
		}
		for (const metric *o = table; o < m; o++)
			if (!strcmp(o->name, m->name))
				problem(&pr, "%s: two rows", m->name);
		for (const input_spec *in = m->inputs; in->name; in++, ni++) {
			if (!in->shape)
				problem(&pr, "%s: input %s has no shape",
					m->name, in->name);
			if (registry_input_index(m, in->name) != ni)
				problem(&pr, "%s: input %s twice", m->name,
					in->name);
		}
		for (const param_spec *ps = m->params; ps->name; ps++, np++) {
			json_t *def =
				ps->def ? json_loads(ps->def, JSON_DECODE_ANY,
						     NULL)
					: NULL;
			if (!def)
				problem(&pr,
					"%s: param %s: default is not JSON",
					m->name, ps->name);
			json_decref(def);
			if (!ps->doc)
				problem(&pr, "%s: param %s has no doc", m->name,
					ps->name);
			if (registry_param_index(m, ps->name) != np)
				problem(&pr, "%s: param %s twice", m->name,
					ps->name);
			if (ps->type == PT_ENUM)
				check_enum(&pr, m, ps);
			else if (ps->choices || ps->values)
				problem(&pr,
					"%s: param %s has choices but is no "
					"enum",
					m->name, ps->name);
		}
		if (ni > REG_MAX_INPUTS)
			problem(&pr, "%s: %d inputs, more than %d", m->name, ni,
				REG_MAX_INPUTS);
		if (np > REG_MAX_PARAMS)
			problem(&pr, "%s: %d params, more than %d", m->name, np,
				REG_MAX_PARAMS);
		if ((m->flags & MF_LOSS) &&
		    (!m->params[0].name ||
		     strcmp(m->params[0].name, "reduction") ||
		     m->params[0].type != PT_ENUM))
			problem(&pr,
				"%s: a loss has the enum param reduction "
				"first",
				m->name);
		check_slots(&pr, m, "input", m->slots.inputs, row_input);
		check_slots(&pr, m, "param", m->slots.params, row_param);
	}
	return pr.count;
}

int registry_check(char *errbuf, size_t n)
{
	return registry_check_table(registry, errbuf, n);
}
