/* hint.c - errors that teach: messages for the mistakes people make most
 * with a compute request (a misspelt name, a field one level too high, a
 * binary body sent as JSON).
 *
 * The codes and paths are the ones these errors always had; only the
 * sentence changes, so this file decides wording and never control flow. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hint.h"
#include "suggest.h"

/* ", did you mean `x`?" or "" */
static const char *closest(suggest *sg, char *buf, size_t n)
{
	char t[160];
	suggest_text(sg, t, sizeof t);
	if (t[0])
		snprintf(buf, n, "; %s", t);
	else
		buf[0] = '\0';
	return buf;
}

int hint_unknown_metric(const char *name, const char *path, verr *err)
{
	suggest sg;
	char t[160];

	suggest_init(&sg, name);
	for (const metric *m = registry; m->name; m++)
		suggest_add(&sg, m->name);
	suggest_text(&sg, t, sizeof t);
	if (t[0])
		return verr_set(err, E_UNKNOWN_METRIC, path,
				"no metric named '%.64s'; %s (GET /v1/metrics "
				"lists them all)",
				name, t);
	return verr_set(err, E_UNKNOWN_METRIC, path,
			"no metric named '%.64s'; GET /v1/metrics lists the "
			"metrics there are",
			name);
}

/* "input, target" from a row's names. */
static void join_inputs(const metric *m, char *buf, size_t n)
{
	size_t o = 0;
	buf[0] = '\0';
	for (int i = 0; m->inputs[i].name && o < n; i++)
		o += (size_t)snprintf(buf + o, n - o, "%s%s", i ? ", " : "",
				      m->inputs[i].name);
}

static void join_params(const metric *m, char *buf, size_t n)
{
	size_t o = 0;
	buf[0] = '\0';
	for (int i = 0; m->params[i].name && o < n; i++)
		o += (size_t)snprintf(buf + o, n - o, "%s%s", i ? ", " : "",
				      m->params[i].name);
}

int hint_unknown_input(const metric *m, const char *key, const char *path,
		       verr *err)
{
	char names[200], near[170];
	suggest sg;

	if (registry_param_index(m, key) >= 0)
		return verr_set(err, E_UNKNOWN_INPUT, path,
				"'%s' is a parameter of %s, not an input: put "
				"it under \"params\"",
				key, m->name);
	suggest_init(&sg, key);
	for (int i = 0; m->inputs[i].name; i++)
		suggest_add(&sg, m->inputs[i].name);
	join_inputs(m, names, sizeof names);
	return verr_set(err, E_UNKNOWN_INPUT, path,
			"%s takes no input named '%.64s'%s (its inputs: %s)",
			m->name, key, closest(&sg, near, sizeof near), names);
}

int hint_unknown_param(const metric *m, const char *key, const char *path,
		       verr *err)
{
	char names[300], near[170];
	suggest sg;

	if (registry_input_index(m, key) >= 0)
		return verr_set(err, E_UNKNOWN_PARAMETER, path,
				"'%s' is an input of %s, not a parameter: put "
				"it under \"inputs\"",
				key, m->name);
	suggest_init(&sg, key);
	for (int i = 0; m->params[i].name; i++)
		suggest_add(&sg, m->params[i].name);
	join_params(m, names, sizeof names);
	if (!names[0])
		return verr_set(err, E_UNKNOWN_PARAMETER, path,
				"%s has no parameter '%.64s'; it takes none",
				m->name, key);
	return verr_set(err, E_UNKNOWN_PARAMETER, path,
			"%s has no parameter '%.64s'%s (its parameters: %s; "
			"see GET /v1/metrics/%s)",
			m->name, key, closest(&sg, near, sizeof near), names,
			m->name);
}

static int allowed_key(const char *const allowed[], const char *key)
{
	for (size_t i = 0; allowed[i]; i++)
		if (!strcmp(allowed[i], key))
			return 1;
	return 0;
}

/* A short scalar as the JSON it was, to show the fix; else "...". */
static void sample(const json_t *v, char *buf, size_t n)
{
	char *s = NULL;
	if (json_is_number(v) || json_is_boolean(v) || json_is_string(v))
		s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
	snprintf(buf, n, "%s", s && strlen(s) <= 40 ? s : "...");
	free(s);
}

/* key of m, misplaced at prefix/key: where it belongs. */
static int misplaced(const metric *m, const char *key, const json_t *v,
		     const char *prefix, const char *params_at,
		     const char *inputs_at, verr *err)
{
	char p[300], val[48];

	snprintf(p, sizeof p, "%s/%s", prefix, key);
	sample(v, val, sizeof val);
	if (registry_input_index(m, key) >= 0)
		return verr_set(err, E_UNKNOWN_FIELD, p,
				"'%s' is an input of %s: it belongs under "
				"%s, as {\"inputs\": {\"%s\": ...}}",
				key, m->name, inputs_at, key);
	return verr_set(err, E_UNKNOWN_FIELD, p,
			"'%s' is a parameter of %s: it belongs under %s, as "
			"{\"params\": {\"%s\": %s}}",
			key, m->name, params_at, key, val);
}

static int names_of(const metric *m, const char *key)
{
	return registry_input_index(m, key) >= 0 ||
	       registry_param_index(m, key) >= 0;
}

int hint_misplaced(const metric *m, const json_t *obj,
		   const char *const allowed[], const char *prefix,
		   const char *params_at, verr *err)
{
	const char *key;
	json_t *v;

	if (!m)
		return 0;
	json_object_foreach((json_t *)obj, key, v)
	{
		if (allowed_key(allowed, key))
			continue;
		/* The first unknown key is the one reported. */
		if (!names_of(m, key))
			return 0;
		return misplaced(m, key, v, prefix, params_at, "\"inputs\"",
				 err);
	}
	return 0;
}

int hint_misplaced_evaluate(const json_t *root, const char *const allowed[],
			    verr *err)
{
	const json_t *list = json_object_get(root, "metrics");
	const char *key;
	json_t *v;

	json_object_foreach((json_t *)root, key, v)
	{
		if (allowed_key(allowed, key))
			continue;
		/* Only the first unknown key, against each listed metric:
		 * the walk is bounded by the list, once. */
		for (size_t i = 0; i < json_array_size(list); i++) {
			const char *name = json_string_value(json_object_get(
				json_array_get(list, i), "name"));
			const metric *m = name ? registry_find(name) : NULL;
			char at[120];
			if (!m || !names_of(m, key))
				continue;
			snprintf(at, sizeof at,
				 "\"params\" of its entry in \"metrics\" "
				 "(/metrics/%zu/params)",
				 i);
			return misplaced(m, key, v, "", at,
					 "\"inputs\" (shared by every metric) "
					 "or the \"inputs\" of its entry in "
					 "\"metrics\"",
					 err);
		}
		return 0;
	}
	return 0;
}

hint_body hint_body_sniff(const char *body, size_t len)
{
	const unsigned char *b = (const unsigned char *)body;
	size_t i = 0;

	if (len == 0)
		return HINT_BODY_EMPTY;
	if (len >= 6 && !memcmp(b, "\x93NUMPY", 6))
		return HINT_BODY_NPY;
	if (len >= 4 && !memcmp(b, "PK\x03\x04", 4))
		return HINT_BODY_NPZ;
	if (len >= 3 && !memcmp(b, "\xef\xbb\xbf", 3))
		return HINT_BODY_BOM;
	/* name=...: JSON's only bare words (true, false, null) are never
	 * followed by '='. */
	while (i < len && i < 64 &&
	       ((b[i] >= 'a' && b[i] <= 'z') || (b[i] >= 'A' && b[i] <= 'Z') ||
		(i && b[i] >= '0' && b[i] <= '9') || b[i] == '_' ||
		b[i] == '%' || b[i] == '.' || b[i] == '-' || b[i] == '[' ||
		b[i] == ']'))
		i++;
	if (i && i < len && b[i] == '=' && !(b[0] == '-' || b[0] == '.'))
		return HINT_BODY_FORM;
	return HINT_BODY_JSON;
}
