/* openapi_metric.c - one metric's request body as a JSON Schema, read off
 * its registry row: what resolve.c accepts, said as a schema.
 *
 * The schema promises no more and no less than resolve.c checks: unknown
 * input and param names are refused there (422), so both objects are
 * closed; a param's range and choices are the row's; a required input
 * may not be null (null counts as absent), an optional one may. */
#include <string.h>

#include "openapi.h"

static const char *ref(ikind k)
{
	switch (k) {
	case IN_TENSOR: return "#/components/schemas/Tensor";
	case IN_TENSOR_LIST: return "#/components/schemas/TensorList";
	case IN_SET: return "#/components/schemas/EmbeddingSet";
	}
	return "#/components/schemas/Tensor";
}

static json_t *input_schema(const input_spec *in)
{
	json_t *s;

	if (in->required)
		s = json_pack("{s:s}", "$ref", ref(in->kind));
	else
		s = json_pack("{s:[{s:s}, {s:s}]}", "anyOf", "$ref",
			      ref(in->kind), "type", "null");
	json_object_set_new(s, "description",
			    json_sprintf("Shape %s.", in->shape));
	return s;
}

/* A bound as the catalog shows it: an integer param's are integers. */
static json_t *bound(const param_spec *p, double v)
{
	return p->type == PT_INT ? json_integer((json_int_t)v) : json_real(v);
}

static json_t *enum_values(const char *choices)
{
	json_t *a = json_array();
	for (const char *s = choices; *s;) {
		const char *bar = strchr(s, '|');
		size_t n = bar ? (size_t)(bar - s) : strlen(s);
		json_array_append_new(a, json_stringn(s, n));
		s += n + (bar ? 1 : 0);
	}
	return a;
}

/* The schema of a non-null value of p. */
static json_t *param_base(const param_spec *p)
{
	switch (p->type) {
	case PT_BOOL: return json_pack("{s:s}", "type", "boolean");
	case PT_NUMBER: return json_pack("{s:s}", "type", "number");
	case PT_INT: return json_pack("{s:s}", "type", "integer");
	case PT_ENUM:
		return json_pack("{s:s, s:o}", "type", "string", "enum",
				 enum_values(p->choices));
	case PT_VECTOR:
		return json_pack("{s:s}", "$ref",
				 "#/components/schemas/NumberOrVector");
	case PT_TENSOR:
		return json_pack("{s:s}", "$ref",
				 "#/components/schemas/Tensor");
	case PT_JSON: return json_object();
	}
	return json_object();
}

static json_t *param_schema(const param_spec *p)
{
	json_t *s = param_base(p);

	if (p->flags & PF_MIN)
		json_object_set_new(s,
				    p->flags & PF_MIN_OPEN ? "exclusiveMinimum"
							   : "minimum",
				    bound(p, p->min));
	if (p->flags & PF_MAX)
		json_object_set_new(s, "maximum", bound(p, p->max));
	if ((p->flags & PF_NULLABLE) && p->type != PT_JSON)
		s = json_pack("{s:[o, {s:s}]}", "anyOf", s, "type", "null");
	json_t *def = json_loads(p->def, JSON_DECODE_ANY, NULL);
	json_object_set_new(s, "default", def ? def : json_null());
	json_object_set_new(s, "description", json_string(p->doc));
	return s;
}

json_t *openapi_metric_request(const metric *m)
{
	json_t *ins = json_object(), *req = json_array(), *ps = json_object();

	for (const input_spec *in = m->inputs; in->name; in++) {
		json_object_set_new(ins, in->name, input_schema(in));
		if (in->required)
			json_array_append_new(req, json_string(in->name));
	}
	for (const param_spec *p = m->params; p->name; p++)
		json_object_set_new(ps, p->name, param_schema(p));
	json_t *inputs =
		json_pack("{s:s, s:o, s:b}", "type", "object", "properties",
			  ins, "additionalProperties", 0);
	if (json_array_size(req))
		json_object_set_new(inputs, "required", req);
	else
		json_decref(req);
	return json_pack(
		"{s:s, s:s, s:s, s:[s], s:b, s:{s:o, s:{s:[s, s], s:o, s:b}, "
		"s:{s:s}}}",
		"title", m->name, "description", m->summary, "type", "object",
		"required", "inputs", "additionalProperties", 0, "properties",
		"inputs", inputs, "params", "type", "object", "null",
		"properties", ps, "additionalProperties", 0, "record", "$ref",
		"#/components/schemas/Record");
}
