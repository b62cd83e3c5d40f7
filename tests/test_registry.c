/* test_registry.c - the metric table's self-check: the real table passes;
 * rows that disagree with themselves (an enum's choices out of order with
 * its values, a metric function's slot that is not its row's input or
 * param, a loss without reduction first) are each reported.  Also that
 * the catalog shows the choices in the order the resolver maps them. */
#include <stdio.h>
#include <string.h>

#include <evald/loss.h>

#include "metric_fns.h"
#include "registry.h"
#include "tap.h"

static int run_nothing(mcall *c, json_t *res, verr *err)
{
	(void)c, (void)res, (void)err;
	return 0;
}

static const enum_choice red_values[] = {{EVALD_REDUCE_MEAN, "mean"},
					 {EVALD_REDUCE_SUM, "sum"},
					 {EVALD_REDUCE_NONE, "none"},
					 {0, NULL}};

static const input_spec ins[] = {
	{.name = "input", .kind = IN_TENSOR, .shape = "[...]", .required = 1},
	{.name = "target", .kind = IN_TENSOR, .shape = "[...]", .required = 1},
	{0}};

#define RED(ch)                                                                \
	{                                                                      \
		.name = "reduction", .type = PT_ENUM, .def = "\"mean\"",       \
		.choices = ch, .values = red_values, .doc = "How."             \
	}
static const param_spec p_good[] = {
	RED("mean|sum|none"),
	{.name = "half", .type = PT_BOOL, .def = "false", .doc = "Half."},
	{0}};
static const param_spec p_swapped[] = {RED("sum|mean|none"), {0}};
static const param_spec p_short[] = {RED("mean|sum"), {0}};
static const param_spec p_long[] = {RED("mean|sum|none|max"), {0}};
static const param_spec p_novalues[] = {{.name = "reduction",
					 .type = PT_ENUM,
					 .def = "\"mean\"",
					 .choices = "mean|sum|none",
					 .doc = "How."},
					{0}};
static const param_spec p_baddef[] = {
	RED("mean|sum|none"),
	{.name = "half", .type = PT_BOOL, .def = "fals", .doc = "Half."},
	{0}};
static const param_spec p_noreduction[] = {
	{.name = "half", .type = PT_BOOL, .def = "false", .doc = "Half."}, {0}};

static const char *const in_ok[] = {"input", "target", NULL};
static const char *const in_typo[] = {"inptu", "target", NULL};
static const char *const in_extra[] = {"input", "target", "weight", NULL};
static const char *const in_missing[] = {"input", NULL};
static const char *const p_ok[] = {"reduction", "half", NULL};
static const char *const p_red_only[] = {"reduction", NULL};
static const char *const p_half_only[] = {"half", NULL};

#define ROW(nm, par, si, sp)                                                   \
	{                                                                      \
		.name = nm, .family = "loss", .summary = "S.",                 \
		.reference = "R.", .inputs = ins, .params = par,               \
		.run = run_nothing, .flags = MF_LOSS, .slots = {               \
			.inputs = si,                                          \
			.params = sp                                           \
		}                                                              \
	}

/* Checks a one-row table; returns the problem count, `out` the text. */
static int check1(metric row, char *out, size_t n)
{
	metric t[2] = {row, {0}};
	return registry_check_table(t, out, n);
}

static void expect_bad(const char *what, metric row, const char *needle)
{
	char buf[1024];
	int n = check1(row, buf, sizeof buf);
	tap_ok(n > 0 && strstr(buf, needle) != NULL, "%s is reported", what);
	for (char *line = strtok(buf, "\n"); n > 0 && line;
	     line = strtok(NULL, "\n"))
		tap_diag("%s", line);
}

int main(void)
{
	char buf[4096];

	int n = registry_check(buf, sizeof buf);
	tap_ok(n == 0, "the real table passes its self-check");
	if (n)
		tap_diag("%s", buf);

	n = check1((metric)ROW("ok", p_good, in_ok, p_ok), buf, sizeof buf);
	tap_ok(n == 0, "a sound row passes");
	if (n)
		tap_diag("%s", buf);

	expect_bad("choices out of order with the enum",
		   (metric)ROW("swapped", p_swapped, in_ok, p_red_only),
		   "choice 0 is 'sum' but its enum value is named 'mean'");
	expect_bad("a choice missing from the string",
		   (metric)ROW("short", p_short, in_ok, p_red_only),
		   "enum value 'none' is not in choices");
	expect_bad("a choice without an enum value",
		   (metric)ROW("long", p_long, in_ok, p_red_only),
		   "choice 'max' has no enum value");
	expect_bad("an enum param without values",
		   (metric)ROW("novalues", p_novalues, in_ok, p_red_only),
		   "needs choices and values");
	expect_bad("a misspelt input name in the function's slots",
		   (metric)ROW("typo", p_good, in_typo, p_ok),
		   "reads input 'inptu' from slot 0, where the row has "
		   "'input'");
	expect_bad("an input the row does not have",
		   (metric)ROW("extra", p_good, in_extra, p_ok),
		   "reads input 'weight' (slot 2), which the row does not "
		   "have");
	expect_bad("a row input the function's slots leave out",
		   (metric)ROW("missing", p_good, in_missing, p_ok),
		   "input 'target' of the row is not in its function's slot "
		   "list");
	expect_bad("params out of slot order",
		   (metric)ROW("order", p_good, in_ok, p_half_only),
		   "reads param 'half' from slot 0, where the row has "
		   "'reduction'");
	expect_bad("a default that is not JSON",
		   (metric)ROW("baddef", p_baddef, in_ok, p_ok),
		   "param half: default is not JSON");
	expect_bad(
		"a loss without reduction first",
		(metric)ROW("noreduction", p_noreduction, in_ok, p_half_only),
		"a loss has the enum param reduction first");

	/* Two broken rows in one table: both are counted. */
	metric two[3] = {ROW("a", p_swapped, in_ok, p_red_only),
			 ROW("b", p_good, in_typo, p_ok),
			 {0}};
	n = registry_check_table(two, buf, sizeof buf);
	tap_ok(n == 2 && strstr(buf, "a: ") && strstr(buf, "b: "),
	       "every broken row of a table is reported (%d)", n);
	/* A small buffer is truncated, the count is still whole. */
	char small[16];
	n = registry_check_table(two, small, sizeof small);
	tap_ok(n == 2 && strlen(small) < sizeof small,
	       "a small buffer still gets a count and a terminated text");

	/* The catalog lists the choices in the order they map. */
	const metric *m = registry_find("tukey");
	json_t *e = m ? registry_entry_json(m) : NULL;
	json_t *ch =
		e ? json_object_get(
			    json_array_get(json_object_get(e, "params"), 2),
			    "choices")
		  : NULL;
	tap_ok(ch && json_array_size(ch) == 2 &&
		       !strcmp(json_string_value(json_array_get(ch, 0)),
			       "mad") &&
		       m->params[2].values[0].value == EVALD_TUKEY_MAD &&
		       m->params[2].values[1].value == EVALD_TUKEY_NONE,
	       "tukey's scale choices are mad|none, mapped to its enum");
	json_decref(e);

	return tap_done();
}
