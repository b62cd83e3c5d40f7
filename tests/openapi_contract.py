#!/usr/bin/env python3
"""openapi_contract.py - the OpenAPI description against the catalog and docs.

    openapi_contract.py SPEC CATALOG API_MD

SPEC is GET /v1/openapi.json, CATALOG is GET /v1/metrics, API_MD is
docs/api.md.  Prints "PASS what" or "FAIL what" per check, with "# ..."
lines saying what differs:
  - every route of docs/api.md's route table is an operation of SPEC at
    the auth level the table gives, and every operation of a templated
    path is in the table;
  - every metric of the catalog has POST and GET /v1/metrics/<name>, and
    every /v1/metrics/<name> is a metric of the catalog;
  - each metric's request schema has the catalog's inputs (required ones
    required) and params, with the catalog's defaults, choices (enum) and
    bounds (minimum / exclusiveMinimum / maximum), each param's doc as its
    description;
  - each request schema is a valid JSON Schema 2020-12.
"""
import json
import re
import sys

import jsonschema


def fail(what, diags):
    print("FAIL " + what)
    for d in diags[:30]:
        print("# " + d)


def check(what, diags):
    if diags:
        fail(what, diags)
    else:
        print("PASS " + what)


def doc_routes(api_md):
    rows = []
    for line in api_md.splitlines():
        m = re.match(r"^\| `([A-Z]+)` \| `([^`]*)` \| ([a-z]+) \|", line)
        if m:
            rows.append(m.groups())
    return rows


def unnull(s):
    """The non-null branch of anyOf [X, {type: null}], else s."""
    if "anyOf" in s and len(s["anyOf"]) == 2 and {"type": "null"} in s["anyOf"]:
        other = [b for b in s["anyOf"] if b != {"type": "null"}][0]
        return other, True
    return s, False


def param_diffs(name, p, s):
    d = []
    if s.get("default") != p["default"] or type(s.get("default")) != type(p["default"]):
        d.append("%s.%s: default %r, catalog %r" % (name, p["name"], s.get("default"), p["default"]))
    if s.get("description") != p["doc"]:
        d.append("%s.%s: description is not the catalog's doc" % (name, p["name"]))
    base, _ = unnull(s)
    if p.get("choices") != base.get("enum"):
        d.append("%s.%s: enum %r, catalog choices %r" % (name, p["name"], base.get("enum"), p.get("choices")))
    for cat, key in (("min", "minimum"), ("gt", "exclusiveMinimum"), ("max", "maximum")):
        if p.get(cat) != base.get(key) or type(p.get(cat)) != type(base.get(key)):
            d.append("%s.%s: %s %r, catalog %s %r" % (name, p["name"], key, base.get(key), cat, p.get(cat)))
    want = {"boolean": "boolean", "number": "number", "integer": "integer", "enum": "string"}
    if p["type"] in want and base.get("type") != want[p["type"]]:
        d.append("%s.%s: type %r, catalog %r" % (name, p["name"], base.get("type"), p["type"]))
    return d


def metric_diffs(spec, entry):
    name = entry["name"]
    item = spec["paths"].get("/v1/metrics/" + name, {})
    if "post" not in item or "get" not in item:
        return ["%s: no POST and GET /v1/metrics/%s" % (name, name)]
    s = item["post"]["requestBody"]["content"]["application/json"]["schema"]
    d = []
    ins = s["properties"]["inputs"]
    if sorted(ins["properties"]) != sorted(i["name"] for i in entry["inputs"]):
        d.append("%s: inputs %s, catalog %s" % (name, sorted(ins["properties"]),
                                                 sorted(i["name"] for i in entry["inputs"])))
    req = sorted(i["name"] for i in entry["inputs"] if i["required"])
    if sorted(ins.get("required", [])) != req:
        d.append("%s: required inputs %s, catalog %s" % (name, ins.get("required"), req))
    if ins.get("additionalProperties") is not False or s.get("additionalProperties") is not False:
        d.append("%s: unknown names are not refused" % name)
    props = s["properties"]["params"]["properties"]
    if list(props) != [p["name"] for p in entry["params"]]:
        d.append("%s: params %s, catalog %s" % (name, list(props), [p["name"] for p in entry["params"]]))
    for p in entry["params"]:
        if p["name"] in props:
            d += param_diffs(name, p, props[p["name"]])
    try:
        jsonschema.Draft202012Validator.check_schema(s)
    except jsonschema.SchemaError as e:
        d.append("%s: not a valid JSON Schema: %s" % (name, e.message))
    return d


def main():
    spec = json.load(open(sys.argv[1], encoding="utf-8"))
    catalog = json.load(open(sys.argv[2], encoding="utf-8"))["metrics"]
    rows = doc_routes(open(sys.argv[3], encoding="utf-8").read())

    d = []
    for method, path, level in rows:
        op = spec["paths"].get(path, {}).get(method.lower())
        if not op:
            d.append("%s %s: no operation" % (method, path))
        elif op.get("x-evald-auth") != level:
            d.append("%s %s: auth %s, docs/api.md %s" % (method, path, op.get("x-evald-auth"), level))
        elif (op.get("security") == []) != (level == "open"):
            d.append("%s %s: security %r for level %s" % (method, path, op.get("security"), level))
    listed = {(m, p) for m, p, _ in rows}
    for path, item in spec["paths"].items():
        if path.startswith("/v1/metrics/") and "{" not in path:
            continue
        for m in item:
            if (m.upper(), path) not in listed:
                d.append("%s %s: an operation docs/api.md's route table lacks" % (m.upper(), path))
    check("every route of docs/api.md is an operation at its auth level, and the reverse (%d routes)" % len(rows), d)

    names = {e["name"] for e in catalog}
    paths = {p[len("/v1/metrics/"):] for p in spec["paths"]
             if p.startswith("/v1/metrics/") and "{" not in p}
    d = ["%s: in the catalog, no path" % n for n in sorted(names - paths)]
    d += ["%s: a path, not in the catalog" % n for n in sorted(paths - names)]
    check("every metric of the catalog has its path, and the reverse (%d metrics)" % len(names), d)

    d = []
    nparams = 0
    for e in catalog:
        d += metric_diffs(spec, e)
        nparams += len(e["params"])
    check("inputs, defaults, choices and bounds equal the catalog's (%d params)" % nparams, d)


if __name__ == "__main__":
    main()
