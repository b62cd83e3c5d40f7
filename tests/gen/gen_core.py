#!/usr/bin/python3
"""gen_core - cases for the service core: routing, envelopes, decoding.

These do not test any metric's math (the per-family generators do); they
pin down what every client sees for malformed, inconsistent or oversized
requests, and that nested and packed tensors of every dtype decode alike.
Run with Debian's python3 (needs numpy): /usr/bin/python3 tests/gen/gen_core.py
"""
import base64
import json

import numpy as np

import casegen as cg

cg.reset("metrics", "core.")
cg.reset("invalid", "core.")

M = "/v1/metrics/mse"
x = np.array([[0.5, -1.25, 3.0], [2.0, 0.0, -0.75]])
y = np.array([[1.0, 0.25, -2.0], [2.5, 1.0, 0.125]])
mse = float(np.mean((x - y) ** 2))

# --- the same tensor in every encoding gives the same answer ------------
for dt in ["float64", "float32", "int64", "int32", "uint8"]:
    xi = (np.abs(x) * 2).astype(dt)
    yi = (np.abs(y) * 2).astype(dt)
    want = float(np.mean((xi.astype(np.float64) - yi.astype(np.float64)) ** 2))
    cg.case("metrics", "core.packed_" + dt, M,
            {"inputs": {"input": cg.packed(xi), "target": cg.packed(yi)}},
            expect={"metric": "mse", "value": want})
    cg.case("metrics", "core.nested_vs_packed_" + dt, M,
            {"inputs": {"input": xi.tolist(), "target": cg.packed(yi)}},
            expect={"value": want})
cg.case("metrics", "core.scalar_inputs", M,
        {"inputs": {"input": 3.5, "target": -1}}, expect={"value": 20.25})
big = np.linspace(-3, 3, 600).reshape(20, 30)   # above the blob threshold
cg.case("metrics", "core.large_nested_blob", M,
        {"inputs": {"input": big.tolist(), "target": (big * 0.5).tolist()}},
        expect={"value": float(np.mean((big * 0.5) ** 2))})
cg.case("metrics", "core.defaults_echoed", M,
        {"inputs": {"input": [1.0], "target": [3.0]}},
        expect={"params": {"reduction": "mean", "half": False}, "value": 4.0,
                "warnings": []})
cg.case("metrics", "core.catalog_entry", M, None, method="GET",
        expect={"name": "mse", "family": "loss",
                "inputs": [{"name": "input", "required": True},
                           {"name": "target", "required": True}]})
cg.case("metrics", "core.healthz", "/healthz", None, method="GET",
        expect={"status": "ok"})
cg.case("metrics", "core.evaluate_mixed", "/v1/evaluate",
        {"inputs": {"input": x, "target": y},
         "metrics": [{"name": "mse"},
                     {"name": "mae", "params": {"reduction": "sum"}},
                     {"name": "nope"},
                     {"name": "mse", "params": {"bogus": 1}},
                     {"name": "mse", "inputs": {"target": x}}]},
        expect={"results": [
            {"metric": "mse", "value": mse},
            {"metric": "mae", "value": float(np.sum(np.abs(x - y)))},
            {"error": {"code": "unknown_metric", "path": "/metrics/2/name"},
             "status": 404},
            {"error": {"code": "unknown_parameter",
                       "path": "/metrics/3/params/bogus"}, "status": 422},
            {"metric": "mse", "value": 0.0}]})


def bad(name, status, code, path, body=None, raw=None, route=M,
        method="POST", ctype=None):
    d = cg.ROOT + "/invalid/core." + name
    import os
    os.makedirs(d, exist_ok=True)
    req = {"method": method, "path": route}
    if raw is not None:
        req["raw_body"] = raw
    elif body is not None:
        req["body"] = body
    if ctype is not None:
        req["content_type"] = ctype
    exp = {"status": status, "body": {"error": {"code": code, "path": path}}}
    with open(d + "/request.json", "w") as f:
        json.dump(req, f)
        f.write("\n")
    with open(d + "/expected.json", "w") as f:
        json.dump(exp, f, indent=1)
        f.write("\n")


ok_in = {"input": [1.0, 2.0], "target": [1.0, 2.5]}
b64 = base64.b64encode(np.array([1.0, 2.0]).tobytes()).decode()

bad("malformed_truncated", 400, "malformed_json", "", raw='{"inputs": {')
bad("malformed_trailing", 400, "malformed_json", "", raw='{} {}')
bad("malformed_bad_escape", 400, "malformed_json", "", raw='{"a\\x": 1}')
bad("malformed_lone_surrogate", 400, "malformed_json", "",
    raw='{"a": "\\ud800"}')
bad("malformed_leading_zero", 400, "malformed_json", "",
    raw='{"inputs": {"input": [01], "target": [1]}}')
bad("malformed_deep", 400, "malformed_json", "", raw="[" * 300 + "]" * 300)
bad("empty_body", 400, "malformed_json", "", raw="")
bad("body_not_object", 400, "wrong_type", "", raw="[1, 2]")
bad("unknown_metric", 404, "unknown_metric", "", body={"inputs": ok_in},
    route="/v1/metrics/nope")
bad("unknown_route", 404, "not_found", "", body={}, route="/v2/x")
bad("wrong_method", 405, "method_not_allowed", "", body={}, method="PUT")
bad("wrong_method_health", 405, "method_not_allowed", "", route="/healthz",
    method="POST", body={})
bad("wrong_content_type", 415, "unsupported_media_type", "",
    body={"inputs": ok_in}, ctype="text/plain")
bad("unknown_field", 422, "unknown_field", "/extra",
    body={"inputs": ok_in, "extra": 1})
bad("missing_inputs", 422, "missing_input", "/inputs", body={"params": {}})
bad("missing_target", 422, "missing_input", "/inputs/target",
    body={"inputs": {"input": [1.0]}})
bad("unknown_input", 422, "unknown_input", "/inputs/weight",
    body={"inputs": dict(ok_in, weight=[1.0, 1.0])})
bad("unknown_param", 422, "unknown_parameter", "/params/delta",
    body={"inputs": ok_in, "params": {"delta": 1.0}})
bad("bad_enum", 422, "invalid_value", "/params/reduction",
    body={"inputs": ok_in, "params": {"reduction": "avg"}})
bad("param_wrong_type", 400, "wrong_type", "/params/half",
    body={"inputs": ok_in, "params": {"half": "yes"}})
bad("param_out_of_range", 422, "out_of_range", "/params/delta",
    body={"inputs": ok_in, "params": {"delta": 0}}, route="/v1/metrics/huber")
bad("param_nan", 422, "non_finite", "/params/delta",
    raw='{"inputs": {"input": [1], "target": [2]}, "params": {"delta": NaN}}',
    route="/v1/metrics/huber")
bad("param_not_integer", 422, "invalid_value", "/params/ignore_index",
    body={"inputs": {"input": [[0.1, 0.2]], "target": [0]},
          "params": {"ignore_index": 1.5}}, route="/v1/metrics/cross_entropy")
bad("params_not_object", 400, "wrong_type", "/params",
    body={"inputs": ok_in, "params": [1]})
bad("inputs_not_object", 400, "wrong_type", "/inputs",
    body={"inputs": [1, 2]})
bad("ragged", 422, "ragged_array", "/inputs/input/1",
    body={"inputs": {"input": [[1, 2], [3]], "target": [[1, 2], [3, 4]]}})
bad("ragged_deeper", 422, "ragged_array", "/inputs/input/1/0",
    body={"inputs": {"input": [[1, 2], [[3], 4]], "target": [1]}})
bad("string_in_tensor", 400, "wrong_type", "/inputs/target/1",
    body={"inputs": {"input": [1, 2], "target": [1, "2"]}})
bad("null_in_tensor", 400, "wrong_type", "/inputs/target/0",
    body={"inputs": {"input": [1, 2], "target": [None, 2]}})
bad("tensor_wrong_type", 400, "wrong_type", "/inputs/input",
    body={"inputs": {"input": "1,2", "target": [1, 2]}})
bad("nan_nested", 422, "non_finite", "/inputs/input/0/1",
    raw='{"inputs": {"input": [[1, NaN]], "target": [[1, 2]]}}')
bad("inf_nested", 422, "non_finite", "/inputs/target/1",
    raw='{"inputs": {"input": [1, 2], "target": [1, -Infinity]}}')
bad("overflow_literal", 422, "non_finite", "/inputs/target/0",
    raw='{"inputs": {"input": [1], "target": [1e400]}}')
nan_big = "[" + ",".join(["1.5"] * 299 + ["NaN"]) + "]"
bad("nan_in_blob", 422, "non_finite", "/inputs/input/299",
    raw='{"inputs": {"input": %s, "target": [1]}}' % nan_big)
nanpk = base64.b64encode(np.array([1.0, np.nan]).tobytes()).decode()
bad("nan_packed", 422, "non_finite", "/inputs/input/data",
    body={"inputs": {"input": {"dtype": "float64", "shape": [2],
                               "data": nanpk}, "target": [1, 2]}})
bad("bad_base64", 422, "bad_base64", "/inputs/input/data",
    body={"inputs": {"input": {"dtype": "float64", "shape": [2],
                               "data": b64[:3] + "*" + b64[4:]}, "target": [1, 2]}})
bad("packed_short", 422, "shape_mismatch", "/inputs/input/data",
    body={"inputs": {"input": {"dtype": "float64", "shape": [3],
                               "data": b64}, "target": [1, 2, 3]}})
bad("packed_bad_dtype", 422, "unsupported_dtype", "/inputs/input/dtype",
    body={"inputs": {"input": {"dtype": "complex64", "shape": [2],
                               "data": b64}, "target": [1, 2]}})
bad("packed_dtype_type", 400, "wrong_type", "/inputs/input/dtype",
    body={"inputs": {"input": {"dtype": 8, "shape": [2], "data": b64},
                     "target": [1, 2]}})
bad("packed_negative_shape", 422, "invalid_shape", "/inputs/input/shape/0",
    body={"inputs": {"input": {"dtype": "float64", "shape": [-2],
                               "data": b64}, "target": [1, 2]}})
bad("packed_shape_overflow", 413, "too_large", "/inputs/input/shape/1",
    body={"inputs": {"input": {"dtype": "float64",
                               "shape": [2**40, 2**40, 2**40], "data": b64},
                     "target": [1, 2]}})
bad("packed_too_many_dims", 422, "too_many_dims", "/inputs/input/shape",
    body={"inputs": {"input": {"dtype": "float64", "shape": [1] * 9,
                               "data": b64}, "target": [1, 2]}})
bad("packed_extra_key", 422, "unknown_field", "/inputs/input/order",
    body={"inputs": {"input": {"dtype": "float64", "shape": [2],
                               "data": b64, "order": "F"}, "target": [1, 2]}})
bad("packed_data_type", 400, "wrong_type", "/inputs/input/data",
    body={"inputs": {"input": {"dtype": "float64", "shape": [2],
                               "data": [1, 2]}, "target": [1, 2]}})
bad("shape_mismatch", 422, "shape_mismatch", "/inputs/target",
    body={"inputs": {"input": [1.0, 2.0], "target": [1.0, 2.0, 3.0]}})
bad("evaluate_no_metrics", 422, "missing_input", "/metrics",
    body={"inputs": ok_in, "metrics": []}, route="/v1/evaluate")
bad("evaluate_wrong_method", 405, "method_not_allowed", "",
    route="/v1/evaluate", method="GET")
bad("catalog_unknown", 404, "unknown_metric", "", route="/v1/metrics/nope",
    method="GET")
# --- request trees are honest: a large array of numbers becomes a blob,
# which must still answer as an array wherever a type is checked ----------
many = [i * 0.25 for i in range(300)]  # above the blob threshold
bad("params_large_array", 400, "wrong_type", "/params",
    body={"inputs": ok_in, "params": many})
bad("record_large_array", 400, "wrong_type", "/record",
    body={"inputs": ok_in, "record": many})
bad("inputs_large_array", 400, "wrong_type", "/inputs",
    body={"inputs": many})
bad("body_large_array", 400, "wrong_type", "", body=many)
bad("record_labels_large_array", 400, "wrong_type", "/record/labels",
    body={"inputs": ok_in, "record": {"series": "s", "labels": many}})
bad("evaluate_inputs_large_array", 400, "wrong_type", "/inputs",
    body={"inputs": many, "metrics": [{"name": "mse"}]},
    route="/v1/evaluate")
bad("evaluate_metrics_large_array", 400, "wrong_type", "/metrics/0",
    body={"inputs": ok_in, "metrics": many}, route="/v1/evaluate")
bad("packed_shape_large_array", 422, "too_many_dims", "/inputs/input/shape",
    body={"inputs": {"input": {"dtype": "float64", "shape": [1] * 300,
                               "data": b64}, "target": [1, 2]}})
bad("ragged_after_blobs", 422, "ragged_array", "/inputs/input/2",
    body={"inputs": {"input": [many, many, [1, 2]], "target": [1]}})
cg.case("metrics", "core.evaluate_item_inputs_large_array", "/v1/evaluate",
        {"inputs": ok_in, "metrics": [{"name": "mse", "inputs": many}]},
        expect={"results": [
            {"error": {"code": "wrong_type", "path": "/metrics/0/inputs"},
             "status": 400}]})
deep = many
for _ in range(8):  # 8 arrays around a 1-D blob: 9 dimensions
    deep = [deep]
bad("too_many_dims_blob", 422, "too_many_dims", "/inputs/input",
    body={"inputs": {"input": deep, "target": [1]}})
print("gen_core: done")
