// validate-openapi.mjs FILE - validate an OpenAPI document with
// @seriousme/openapi-schema-validator (the OpenAPI Initiative's published
// JSON Schemas for 3.0 and 3.1).  Prints "valid <version>" and exits 0, or
// prints each error and exits 1; exits 77 when the package is missing.
let Validator;
try {
	({ Validator } = await import("@seriousme/openapi-schema-validator"));
} catch (e) {
	console.log("@seriousme/openapi-schema-validator is not installed (npm ci --prefix tests/js)");
	process.exit(77);
}
const file = process.argv[2];
if (!file) {
	console.log("usage: validate-openapi.mjs FILE");
	process.exit(2);
}
const validator = new Validator();
const res = await validator.validate(file);
if (res.valid) {
	console.log(`valid ${validator.version}`);
	process.exit(0);
}
for (const e of [].concat(res.errors || []).slice(0, 20))
	console.log(JSON.stringify(e));
process.exit(1);
