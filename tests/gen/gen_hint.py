#!/usr/bin/python3
"""gen_hint - cases for errors that teach (issue 11): each mistake keeps
its code and path, and its message must carry the hint that fixes it.

The hints are held as substrings of the message ("message_has"), not its
whole wording: a field put one level too high says where it belongs, a
misspelt name offers the closest one and lists the names there are, an
unknown metric offers the closest metric or the catalog, and a body that
cannot be JSON (empty, .npy, .npz, a byte order mark, form-encoded) says
what it is and what to send.
Run with Debian's python3 (needs numpy): /usr/bin/python3 tests/gen/gen_hint.py
"""
import base64
import io
import json
import os

import numpy as np

import casegen as cg

cg.reset("invalid", "hint.")

M = "/v1/metrics/mse"
H = "/v1/metrics/huber"
E = "/v1/evaluate"
ok_in = {"input": [1.0, 2.0], "target": [1.0, 2.5]}
n = 0


def hint(name, status, code, path, has, body=None, raw=None, raw_bytes=None,
         route=M, method="POST", ctype=None, message_in=None, where=None):
    """One case: status, code and path as always, and every string of
    `has` in the message (at `message_in`; the error object at `where`
    in the body, e.g. ["results", 0] for an evaluate answer)."""
    global n
    d = os.path.join(cg.ROOT, "invalid", "hint." + name)
    os.makedirs(d, exist_ok=True)
    req = {"method": method, "path": route}
    if raw_bytes is not None:
        req["raw_body_b64"] = base64.b64encode(raw_bytes).decode()
    elif raw is not None:
        req["raw_body"] = raw
    elif body is not None:
        req["body"] = body
    if ctype is not None:
        req["content_type"] = ctype
    err = {"error": {"code": code, "path": path}}
    if where is None:
        want = err
    else:
        want = {where[0]: [dict(err, status=status)]}
    exp = {"status": 200 if where else status, "body": want,
           "message_has": has}
    if message_in:
        exp["message_in"] = message_in
    with open(d + "/request.json", "w") as f:
        json.dump(req, f)
        f.write("\n")
    with open(d + "/expected.json", "w") as f:
        json.dump(exp, f, indent=1)
        f.write("\n")
    n += 1


# --- a field one level too high ----------------------------------------
hint("toplevel_inputs", 422, "unknown_field", "/input",
     ["'input' is an input of mse", 'under "inputs"'],
     body={"input": [1.0, 2.0], "target": [1.0, 2.5]})
hint("toplevel_param", 422, "unknown_field", "/delta",
     ["'delta' is a parameter of huber", '{"params": {"delta": 0.5}}'],
     body={"inputs": ok_in, "delta": 0.5}, route=H)
hint("evaluate_toplevel_param", 422, "unknown_field", "/delta",
     ["'delta' is a parameter of huber", "/metrics/1/params"],
     body={"inputs": ok_in, "metrics": [{"name": "mse"}, {"name": "huber"}],
           "delta": 0.5}, route=E)
hint("evaluate_entry_param", 422, "unknown_field", "/metrics/0/delta",
     ["'delta' is a parameter of huber", '"params" of this entry'],
     body={"inputs": ok_in, "metrics": [{"name": "huber", "delta": 0.5}]},
     route=E, where=["results"], message_in="/results/0/error/message")
hint("input_under_params", 422, "unknown_parameter", "/params/target",
     ["'target' is an input of mse", 'under "inputs"'],
     body={"inputs": {"input": [1.0, 2.0]}, "params": {"target": [1.0, 2.5]}})
hint("param_under_inputs", 422, "unknown_input", "/inputs/delta",
     ["'delta' is a parameter of huber", 'under "params"'],
     body={"inputs": dict(ok_in, delta=0.5)}, route=H)
hint("field_near", 422, "unknown_field", "/param",
     ["did you mean `params`?"],
     body={"inputs": ok_in, "param": {}})

# --- a misspelt input or parameter: the closest, and the list ------------
hint("input_near", 422, "unknown_input", "/inputs/inptu",
     ["did you mean `input`?", "its inputs: input, target"],
     body={"inputs": {"inptu": [1.0, 2.0], "target": [1.0, 2.5]}})
hint("input_none_near", 422, "unknown_input", "/inputs/preds",
     ["its inputs: input, target"],
     body={"inputs": {"preds": [1.0, 2.0], "target": [1.0, 2.5]}})
hint("param_near", 422, "unknown_parameter", "/params/reduce",
     ["did you mean `reduction`?", "its parameters: reduction, half"],
     body={"inputs": ok_in, "params": {"reduce": "sum"}})
hint("param_case", 422, "unknown_parameter", "/params/Delta",
     ["did you mean `delta`?", "its parameters: reduction, delta"],
     body={"inputs": ok_in, "params": {"Delta": 0.5}}, route=H)

# --- an unknown metric: the closest names, else the catalog ---------------
for name, route in [("MSE", "/v1/metrics/MSE"),
                    ("mse_loss", "/v1/metrics/mse_loss"),
                    ("msee", "/v1/metrics/msee")]:
    hint("metric_" + name.lower(), 404, "unknown_metric", "",
         ["did you mean `mse`"], body={"inputs": ok_in}, route=route)
hint("metric_get_near", 404, "unknown_metric", "", ["did you mean `huber`"],
     route="/v1/metrics/hubber", method="GET")
hint("metric_wasserstein", 404, "unknown_metric", "",
     ["did you mean `wasserstein_1d`?"],
     route="/v1/metrics/wasserstein", method="GET")
hint("metric_bce_logits", 404, "unknown_metric", "",
     ["did you mean `bce_with_logits`?"],
     route="/v1/metrics/BCE-logits", method="GET")
hint("evaluate_metric_near", 404, "unknown_metric", "/metrics/0/name",
     ["did you mean `mse`"], body={"inputs": ok_in,
                                   "metrics": [{"name": "MSE"}]},
     route=E, where=["results"], message_in="/results/0/error/message")
hint("evaluate_metric_far", 404, "unknown_metric", "/metrics/0/name",
     ["GET /v1/metrics"], body={"inputs": ok_in,
                               "metrics": [{"name": "qqqqqqq"}]},
     route=E, where=["results"], message_in="/results/0/error/message")

# --- a body that cannot be JSON ------------------------------------------
npy = io.BytesIO()
np.save(npy, np.arange(6, dtype=np.float64).reshape(2, 3))
npz = io.BytesIO()
np.savez(npz, x=np.arange(6, dtype=np.float64).reshape(2, 3))
hint("body_empty", 400, "malformed_json", "",
     ["body is empty",
      'needs a JSON body ({"inputs": {...}, "params": {...}})'],
     raw="")
hint("body_npy_metric", 400, "malformed_json", "",
     [".npy array", "needs a JSON body",
      "PUT /v1/references/{name}", "POST /v1/streams/{id}/batches"],
     raw_bytes=npy.getvalue(), route="/v1/metrics/fid",
     ctype="application/json")
# A metric takes a .npz of its inputs, as application/x-npz.
hint("body_npz_metric", 400, "malformed_json", "",
     [".npz (zip) archive", "Content-Type: application/x-npz"],
     raw_bytes=npz.getvalue(), route="/v1/metrics/fid")
hint("body_npz_reference", 400, "malformed_json", "",
     [".npz (zip) archive", "Content-Type: application/octet-stream"],
     raw_bytes=npz.getvalue(), route="/v1/references/hint-npz",
     method="PUT", ctype="application/json")
hint("body_npz_batches", 400, "malformed_json", "",
     [".npz (zip) archive", "PUT /v1/references/{name}"],
     raw_bytes=npz.getvalue(), route="/v1/streams/s1/batches",
     ctype="application/json")
hint("body_bom", 400, "malformed_json", "", ["byte order mark"],
     raw_bytes=b"\xef\xbb\xbf" + json.dumps({"inputs": ok_in}).encode())
hint("body_form", 400, "malformed_json", "",
     ["form-encoded", '{"inputs": {...}, "params": {...}}'],
     raw="inputs=1&target=2", ctype="application/json")
print("gen_hint: %d cases" % n)
