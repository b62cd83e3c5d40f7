#!/usr/bin/env python3
"""openapi_responses.py - check recorded answers against the OpenAPI description.

    openapi_responses.py SPEC LOG

SPEC is the description (tests/test_openapi --dump); LOG is what
tests/lib.sh's req recorded when EVALD_OPENAPI_LOG named it: for each
request a header line

    @@oa<TAB>METHOD<TAB>PATH<TAB>STATUS<TAB>CONTENT-TYPE

followed by the body (one line of JSON for evald's JSON answers).  Each
answer is matched to its operation (a concrete path before a template; a
path no operation has, or a method its path does not take, to the 404 and
405 responses of components), its status must be one the operation lists,
its media type the one listed for that status, and a JSON body must
validate against the schema (JSON Schema 2020-12, python3-jsonschema).

Prints one line per mismatch naming the request, the answer and what broke,
then "checked N answers, M mismatches"; exits 1 when M > 0, 2 on bad use,
77 when jsonschema is missing.
"""
import json
import re
import sys
import warnings

try:
    import jsonschema
except ImportError:
    print("python3-jsonschema is not installed (apt-get install python3-jsonschema)")
    sys.exit(77)


def templates(spec):
    """(regex, path) per path of spec, concrete paths first."""
    out = []
    for path, item in spec["paths"].items():
        rest = set()
        for op in item.values():
            for prm in op.get("parameters", []):
                if prm.get("x-evald-rest-of-path"):
                    rest.add(prm["name"])
        rx = ""
        for part in re.split(r"(\{[^}]+\})", path):
            if part.startswith("{"):
                rx += "(.+)" if part[1:-1] in rest else "([^/]+)"
            else:
                rx += re.escape(part)
        out.append((path.count("{"), re.compile("^" + rx + "$"), path))
    out.sort(key=lambda t: t[0])
    return [(rx, path) for _, rx, path in out]


class Checker:
    def __init__(self, spec):
        self.spec = spec
        self.paths = templates(spec)
        # RefResolver is Debian 12's (4.10) way; later releases warn that
        # it is deprecated but keep it.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            self.resolver = jsonschema.RefResolver.from_schema(spec)
        self.validators = {}

    def deref(self, obj):
        while isinstance(obj, dict) and "$ref" in obj and len(obj) == 1:
            _, obj = self.resolver.resolve(obj["$ref"])
        return obj

    def validator(self, where, schema):
        v = self.validators.get(where)
        if v is None:
            v = jsonschema.Draft202012Validator(schema, resolver=self.resolver)
            self.validators[where] = v
        return v

    def response_for(self, method, path, status):
        """(where, response object) or (None, reason)."""
        m = method.lower()
        if m == "head":
            m = "get"
        for rx, tpl in self.paths:
            if not rx.match(path):
                continue
            item = self.spec["paths"][tpl]
            if m not in item:
                continue
            rsp = item[m]["responses"].get(str(status))
            if rsp is None:
                return None, "status %s is not among %s %s's responses (%s)" % (
                    status, method, tpl, ", ".join(item[m]["responses"]))
            return "%s %s %s" % (m, tpl, status), self.deref(rsp)
        known = any(rx.match(path) for rx, _ in self.paths)
        want = "405" if known else "404"
        comps = self.spec["components"]["responses"]
        if str(status) in (want, "400", "401", "414") and "E%s" % status in comps:
            return "E%s" % status, comps["E%s" % status]
        return None, "no operation %s %s, and status %s is not its %s" % (
            method, path, status, want)

    def check(self, method, path, status, ctype, body):
        path = path.split("?", 1)[0]
        if status in ("000", "") or method == "HEAD":
            return None
        where, rsp = self.response_for(method, path, status)
        if where is None:
            return rsp
        content = rsp.get("content", {})
        base = ctype.split(";", 1)[0].strip().lower()
        if base not in content:
            return "media type %r, not one of %s" % (ctype, ", ".join(content))
        if base != "application/json":
            return None
        try:
            value = json.loads(body)
        except ValueError as e:
            return "the body is not JSON (%s)" % e
        schema = content[base].get("schema", {})
        errs = sorted(self.validator(where, schema).iter_errors(value),
                      key=lambda e: list(e.absolute_path))
        if errs:
            e = errs[0]
            at = "/" + "/".join(str(p) for p in e.absolute_path)
            return "body at %s: %s (schema %s)" % (
                at, e.message[:300], "/".join(str(p) for p in e.absolute_schema_path))
        return None


def records(text):
    cur = None
    for line in text.split("\n"):
        if line.startswith("@@oa\t"):
            if cur:
                yield cur
            f = line.split("\t")
            f += [""] * (6 - len(f))
            cur = [f[1], f[2], f[3], f[4], []]
        elif cur is not None:
            cur[4].append(line)
    if cur:
        yield cur


def main():
    if len(sys.argv) != 3:
        print(__doc__.strip().split("\n")[2].strip())
        return 2
    with open(sys.argv[1], encoding="utf-8") as f:
        spec = json.load(f)
    with open(sys.argv[2], encoding="utf-8", errors="replace") as f:
        text = f.read()
    c = Checker(spec)
    n = bad = 0
    for method, path, status, ctype, body in records(text):
        n += 1
        why = c.check(method, path, status, ctype, "\n".join(body).strip())
        if why:
            bad += 1
            b = " ".join(body)[:200]
            print("%s %s -> %s %s: %s; body: %s" % (method, path, status, ctype, why, b))
    print("checked %d answers, %d mismatches" % (n, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
