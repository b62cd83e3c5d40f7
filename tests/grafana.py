#!/usr/bin/env python3
"""grafana.py - what the tests know about docs/grafana/evald.json.

    grafana.py check DASHBOARD METRICS   # every metric name the dashboard's
                                         # PromQL uses is in METRICS (a
                                         # /metrics body); the problems on
                                         # stdout, exit 1 when there are any
    grafana.py exprs DASHBOARD           # each expression once, one a line, with
                                         # Grafana's variables filled in, ready
                                         # for Prometheus's /api/v1/query

Standard library only.  The PromQL is read with regular expressions, not a
parser: strings, label matchers, durations, grouping clauses and function
calls are dropped, and what is left of the identifiers are metric names.
Prometheus itself judges the syntax (tests/prometheus.test).
"""
import json
import re
import sys

# What a Grafana variable stands for when Prometheus evaluates the query
# outside Grafana: every value of a label, and a rate window that holds
# several 1 s scrapes.
VARIABLES = {
    "$__rate_interval": "30s",
    "$__interval": "5s",
    "$__range": "5m",
    "$instance": ".+",
    "$series": ".+",
    "$route": ".+",
}
KEYWORDS = {
    "by", "without", "on", "ignoring", "group_left", "group_right", "bool",
    "and", "or", "unless", "offset", "inf", "nan",
}
STRING = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`')
GROUPING = re.compile(
    r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", re.I
)


def expressions(dash):
    """Every PromQL expression of the dashboard: panel targets (rows'
    nested panels too) and the label_values() queries of its variables."""
    out = []
    panels = list(dash.get("panels", []))
    while panels:
        p = panels.pop(0)
        panels.extend(p.get("panels", []))
        for t in p.get("targets", []):
            if t.get("expr"):
                out.append(t["expr"])
    for v in dash.get("templating", {}).get("list", []):
        if v.get("type") != "query":
            continue
        q = v.get("query")
        q = q.get("query", "") if isinstance(q, dict) else q or ""
        m = re.fullmatch(r"\s*label_values\((.*),\s*\w+\)\s*", q)
        if m:
            out.append(m.group(1))
    return out


def fill(expr):
    for k in sorted(VARIABLES, key=len, reverse=True):
        expr = expr.replace(k, VARIABLES[k])
    return expr


def names_in(expr):
    e = STRING.sub('""', fill(expr))
    e = re.sub(r"\{[^}]*\}", " ", e)  # label matchers
    e = re.sub(r"\[[^\]]*\]", " ", e)  # range and subquery windows
    e = GROUPING.sub(" ", e)  # by (...), on (...), group_left (...)
    names = set()
    for m in re.finditer(r"[A-Za-z_:][A-Za-z0-9_:]*(\s*\()?", e):
        word = m.group(0).rstrip("( \t")
        if m.group(1) or word.lower() in KEYWORDS:
            continue  # a function or an operator
        if re.match(r"\d", e[m.start() - 1 : m.start()] or " "):
            continue  # the exponent of a number
        names.add(word)
    return names


def exported(text):
    """The metric names a /metrics body exposes: its samples, plus what
    its TYPE lines promise (a histogram's _bucket/_sum/_count, a
    summary's _sum/_count), so that a series with no samples yet still
    counts."""
    names = set()
    for line in text.splitlines():
        m = re.match(r"# TYPE (\S+) (\w+)", line)
        if m:
            base, kind = m.groups()
            names.add(base)
            if kind == "histogram":
                names.update(base + s for s in ("_bucket", "_sum", "_count"))
            elif kind == "summary":
                names.update(base + s for s in ("_sum", "_count"))
        elif line and not line.startswith("#"):
            names.add(re.match(r"[^{ ]+", line).group(0))
    return names


def check(dash, metrics_text):
    problems = []
    have = exported(metrics_text)
    exprs = expressions(dash)
    if not exprs:
        problems.append("the dashboard has no PromQL expression")
    for e in exprs:
        for n in sorted(names_in(e) - have):
            problems.append(f"{n} (in {e}) is not in /metrics")
    return problems


def main(argv):
    if len(argv) < 3 or argv[1] not in ("check", "exprs"):
        sys.stderr.write(__doc__)
        return 2
    try:
        with open(argv[2], encoding="utf-8") as f:
            dash = json.load(f)
    except ValueError as e:
        print(f"{argv[2]} is not valid JSON: {e}")
        return 1
    if argv[1] == "exprs":
        for e in dict.fromkeys(fill(e) for e in expressions(dash)):
            print(e)
        return 0
    with open(argv[3], encoding="utf-8") as f:
        problems = check(dash, f.read())
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
