#!/usr/bin/python3
"""gen_lttb - cases for the series downsampling (src/svc/lttb.c), written to
tests/cases/lttb/cases.json and checked by tests/test_lttb.

The expected indices come from the NumPy implementation below, written from
the algorithm's description (Steinarsson 2013, "Downsampling Time Series
for Visual Representation", section 4.2) plus the gap rule evald documents
(docs/api.md, Series): a bucket holding a null yields its first null; with
only one of "the point kept before" and "the next bucket's mean" present,
the point farthest in value from it; with neither, the bucket's first.
It shares no code with the C version: buckets come from np.array_split-
style edges computed with floor, areas are computed for a whole bucket at
once.
Run with Debian's python3: /usr/bin/python3 tests/gen/gen_lttb.py
"""
import json
import math
import os

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cases",
                   "lttb", "cases.json")


def lttb(x, y, m):
    n = len(x)
    if n <= m:
        return list(range(n))
    edges = np.floor(np.arange(m - 1) * ((n - 2) / (m - 2))).astype(int) + 1
    edges = np.minimum(edges, n - 1)
    keep = [0]
    for b in range(m - 2):
        lo, hi = edges[b], edges[b + 1]
        by = y[lo:hi]
        nulls = np.flatnonzero(np.isnan(by))
        if nulls.size:
            keep.append(int(lo + nulls[0]))
            continue
        if b + 1 < m - 2:
            nlo, nhi = edges[b + 1], edges[b + 2]
        else:
            nlo, nhi = n - 1, n
        ny, nx = y[nlo:nhi], x[nlo:nhi]
        ok = ~np.isnan(ny)
        a = keep[-1]
        has_a = not math.isnan(y[a])
        has_c = bool(ok.any())
        bx = x[lo:hi]
        if has_a and has_c:
            cx, cy = nx[ok].mean(), ny[ok].mean()
            area = np.abs((x[a] - cx) * (by - y[a]) -
                          (x[a] - bx) * (cy - y[a])) / 2
        elif has_a:
            area = np.abs(by - y[a])
        elif has_c:
            area = np.abs(by - ny[ok].mean())
        else:
            area = np.zeros_like(by)
        keep.append(int(lo + np.argmax(area)))  # first of the ties
    keep.append(n - 1)
    return keep


def case(name, x, y, m):
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    return {"name": name, "m": m, "x": x.tolist(),
            "y": [None if math.isnan(v) else float(v) for v in y],
            "expected": lttb(x, y, m)}


rng = np.random.default_rng(20261202)
cases = []
cases.append(case("short, kept whole", [0, 1, 2], [1, 2, 3], 5))
cases.append(case("equal to m, kept whole", np.arange(5), [3, 1, 4, 1, 5], 5))
# A spike: LTTB must keep it.
y = np.zeros(101)
y[37] = 10
cases.append(case("a spike survives", np.arange(101), y, 10))
cases.append(case("sine 1000 to 50", np.arange(1000),
                  np.sin(np.arange(1000) / 40.0), 50))
cases.append(case("random walk 5000 to 300", np.arange(5000) * 10,
                  np.cumsum(rng.standard_normal(5000)), 300))
cases.append(case("uneven x", np.cumsum(rng.uniform(0.1, 5, 777)),
                  rng.standard_normal(777), 64))
cases.append(case("m = 3", np.arange(20), rng.standard_normal(20), 3))
g = rng.standard_normal(400)
g[50:60] = np.nan
g[200] = np.nan
g[399] = np.nan
cases.append(case("nulls are gaps", np.arange(400), g, 40))
h = rng.standard_normal(300)
h[0] = np.nan
h[30:90] = np.nan
cases.append(case("null first and a long gap", np.arange(300), h, 20))
cases.append(case("all null", np.arange(50), np.full(50, np.nan), 7))
cases.append(case("flat: ties to the earliest", np.arange(60),
                  np.ones(60), 8))

os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as f:
    json.dump(cases, f, indent=None, separators=(",", ":"))
    f.write("\n")
print("wrote", len(cases), "cases to", os.path.relpath(OUT))
