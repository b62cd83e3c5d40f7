"""casegen - write test cases as data, one folder per case.

Every generator in tests/gen/ builds cases with `case()` and this module
writes them as tests/cases/<suite>/<name>/{request.json,expected.json}.
tests/run_cases.c replays each request through the service's dispatcher
(in process, no HTTP) and compares the response with expected.json:
the status exactly, and every field present in expected["body"] (numbers to
`rtol`/`atol`, strings exactly, arrays and objects recursively).

Floats are written with repr() (17 significant digits) so a float64 round
trips exactly.  Packed tensors are produced by `packed()`.
"""
import base64
import json
import math
import os
import shutil
import sys

import numpy as np

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cases")


def _clean(v):
    """Make numpy values JSON-serialisable, keeping float64 exact."""
    if isinstance(v, dict):
        return {k: _clean(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_clean(x) for x in v]
    if isinstance(v, np.ndarray):
        return _clean(v.tolist())
    if isinstance(v, (np.floating,)):
        return float(v)
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, np.bool_):
        return bool(v)
    if isinstance(v, float) and not math.isfinite(v):
        raise ValueError("non-finite value in a case; encode it explicitly")
    return v


def packed(arr, dtype=None):
    """A packed tensor: {"dtype","shape","data"} with little-endian bytes."""
    a = np.ascontiguousarray(np.asarray(arr, dtype=dtype))
    names = {"float64": "<f8", "float32": "<f4", "int64": "<i8",
             "int32": "<i4", "uint8": "u1"}
    name = str(a.dtype)
    if name not in names:
        raise ValueError("dtype %s cannot be packed" % name)
    raw = a.astype(names[name]).tobytes()
    return {"dtype": name, "shape": list(a.shape),
            "data": base64.b64encode(raw).decode("ascii")}


_written = set()


def reset(suite, prefix):
    """Remove the folders a generator wrote before (names starting with
    prefix), so renamed or dropped cases do not linger."""
    d = os.path.join(ROOT, suite)
    os.makedirs(d, exist_ok=True)
    for name in os.listdir(d):
        if name.startswith(prefix):
            shutil.rmtree(os.path.join(d, name))


def case(suite, name, path, body, status=200, expect=None, rtol=1e-9,
         atol=1e-12, method="POST", before=None, message_has=None):
    """Write one case.  `expect` is the subset of the response body to
    check; for an error case pass status=4xx and expect={"error":
    {"code": ..., "path": ...}}.  `before`: requests ({"method", "path",
    "body"?}) sent first, each of which must succeed (stateful routes).
    `message_has`: strings the error message must contain."""
    key = (suite, name)
    if key in _written:
        raise ValueError("duplicate case name %s/%s" % key)
    _written.add(key)
    d = os.path.join(ROOT, suite, name)
    os.makedirs(d, exist_ok=True)
    req = {"method": method, "path": path}
    if body is not None:
        req["body"] = _clean(body)
    if before:
        req["before"] = _clean(before)
    exp = {"status": status, "rtol": rtol, "atol": atol,
           "body": _clean(expect or {})}
    if message_has:
        exp["message_has"] = list(message_has)
    with open(os.path.join(d, "request.json"), "w") as f:
        json.dump(req, f, allow_nan=False)
        f.write("\n")
    with open(os.path.join(d, "expected.json"), "w") as f:
        json.dump(exp, f, allow_nan=False, indent=1)
        f.write("\n")


def done():
    print("%s: %d cases" % (os.path.basename(sys.argv[0]), len(_written)))
