#!/usr/bin/python3
"""gen_retr - cases for the retrieval family: mrr, precision_at_k,
recall_at_k, hit_rate_at_k and map.

The anchor is torchmetrics 1.x: its functional retrieval_reciprocal_rank,
retrieval_precision, retrieval_recall, retrieval_hit_rate and
retrieval_average_precision per query, and its Retrieval* classes for the
grouping by `indexes` and `empty_target_action`.  torchmetrics is not
packaged, so those functions are written out below in numpy, line for line
(float64 instead of torch's float32).  Items are ranked by score, highest
first; torchmetrics ranks with torch.topk / argsort, which promise no order
among tied scores, so evald (and this generator) keep tied items in input
order (a stable sort).  On tie-free data every reference is checked against
torch.topk.  Run with Debian's python3: /usr/bin/python3 tests/gen/gen_retr.py
"""
import numpy as np
import torch

import casegen as cg

cg.reset("metrics", "retr.")
cg.reset("invalid", "retr.")
rng = np.random.default_rng(20261204)


def order(preds):
    return np.argsort(-np.asarray(preds, dtype=np.float64), kind="stable")


def reciprocal_rank(preds, target, top_k=None):
    top_k = top_k or len(preds)
    target = target[order(preds)[:min(top_k, len(preds))]]
    if not target.sum():
        return 0.0
    position = np.nonzero(target)[0]
    return 1.0 / (position[0] + 1.0)


def precision(preds, target, top_k=None, adaptive_k=False):
    if top_k is None or (adaptive_k and top_k > len(preds)):
        top_k = len(preds)
    if not target.sum():
        return 0.0
    relevant = target[order(preds)[:min(top_k, len(preds))]].sum()
    return relevant / top_k


def recall(preds, target, top_k=None):
    top_k = len(preds) if top_k is None else top_k
    if not target.sum():
        return 0.0
    relevant = target[order(preds)][:top_k].sum()
    return relevant / target.sum()


def hit_rate(preds, target, top_k=None):
    top_k = top_k or len(preds)
    relevant = target[order(preds)[:min(top_k, len(preds))]].sum()
    return float(relevant > 0)


def average_precision(preds, target, top_k=None):
    top_k = top_k or len(preds)
    target = target[order(preds)[:min(top_k, len(preds))]]
    if not target.sum():
        return 0.0
    positions = np.arange(1, len(target) + 1)[target > 0].astype(float)
    return float(np.mean((np.arange(len(positions)) + 1.0) / positions))


FN = {"mrr": reciprocal_rank, "precision_at_k": precision,
      "recall_at_k": recall, "hit_rate_at_k": hit_rate,
      "map": average_precision}


def torch_check(preds):
    """On tie-free scores the stable order is torch.topk's."""
    p = np.asarray(preds, dtype=np.float64)
    if len(np.unique(p)) == len(p):
        t = torch.from_numpy(p).topk(len(p), sorted=True)[1].numpy()
        assert (t == order(p)).all()


def reference(metric, scores, rel, indexes, params):
    """RetrievalMetric.compute: group by index (ascending ids), apply
    empty_target_action to queries without a relevant item, mean."""
    s = np.asarray(scores, dtype=np.float64)
    r = np.asarray(rel, dtype=np.float64)
    if indexes is not None:
        idx = np.asarray(indexes)
        ids = np.unique(idx)
        groups = [(s[idx == i], r[idx == i]) for i in ids]
    else:
        s2, r2 = np.atleast_2d(s), np.atleast_2d(r)
        groups = list(zip(s2, r2))
        ids = None
    action = params.get("empty_target_action", "neg")
    kw = {}
    if "top_k" in params:
        kw["top_k"] = params["top_k"]
    if "adaptive_k" in params:
        kw["adaptive_k"] = params["adaptive_k"]
    per = []
    for gs, gr in groups:
        torch_check(gs)
        if not gr.sum():
            per.append({"neg": 0.0, "pos": 1.0, "skip": None}[action])
        else:
            per.append(float(FN[metric](gs, gr, **kw)))
    kept = [v for v in per if v is not None]
    value = float(np.mean(kept)) if kept else 0.0
    return value, per, ids


def ok(metric, name, scores, rel, indexes=None, params=None, enc=None):
    params = params or {}
    value, per, ids = reference(metric, scores, rel, indexes, params)
    exp = {"metric": metric, "value": value, "per_query": per}
    if ids is not None:
        exp["query_ids"] = ids.tolist()
    inputs = {"scores": scores, "relevance": rel}
    if enc:
        inputs.update(enc)
    if indexes is not None:
        inputs["indexes"] = indexes
    body = {"inputs": inputs}
    if params:
        body["params"] = params
        exp["params"] = params
    cg.case("metrics", "retr.%s.%s" % (metric, name),
            "/v1/metrics/" + metric, body, expect=exp, rtol=1e-12)


s1 = rng.normal(size=10)
r1 = (rng.random(10) < 0.3).astype(int)
r1[4] = 1
S = rng.normal(size=(5, 8))
R = (rng.random((5, 8)) < 0.35).astype(int)
R[0, 0] = 1
R[2] = 0                               # a query without a relevant item
st = [0.5, 0.9, 0.5, 0.1, 0.9, 0.5, 0.3, 0.3]   # ties
rt = [1, 0, 0, 1, 1, 1, 0, 1]
St = np.round(rng.random((4, 9)) * 3) / 3     # ties within rows
Rt = (rng.random((4, 9)) < 0.4).astype(int)
Rt[:, 0] = 1
flat_s = rng.normal(size=30)
flat_r = (rng.random(30) < 0.3).astype(int)
flat_i = rng.integers(0, 6, size=30) * 3 - 4    # ids -4, -1, ..., 11
flat_i[flat_i == 5] = 2                          # leave one id unused
flat_r[flat_i == -1] = 0                          # an empty query

for m in FN:
    ok(m, "basic_1d", s1.tolist(), r1.tolist())
    ok(m, "queries_2d", S.tolist(), R.tolist())
    ok(m, "ties", st, rt)
    ok(m, "ties_queries_2d", St.tolist(), Rt.tolist())
    ok(m, "all_tied", [0.2] * 6, [0, 0, 1, 0, 1, 0])
    ok(m, "indexes", flat_s.tolist(), flat_r.tolist(), flat_i.tolist())
    ok(m, "single_item", [0.3], [1])
    ok(m, "perfect", [4.0, 3.0, 2.0, 1.0], [1, 1, 0, 0])
    ok(m, "worst", [4.0, 3.0, 2.0, 1.0], [0, 0, 1, 1])
    ok(m, "all_relevant", [0.1, 0.7, 0.3], [1, 1, 1])
    for k in [1, 3, 8, 20]:
        ok(m, "top_k%d" % k, S.tolist(), R.tolist(), params={"top_k": k})
    ok(m, "top_k2_ties", st, rt, params={"top_k": 2})
    ok(m, "top_k3_indexes", flat_s.tolist(), flat_r.tolist(),
       flat_i.tolist(), params={"top_k": 3})
    for a in ["neg", "pos", "skip"]:
        ok(m, "empty_" + a, S.tolist(), R.tolist(),
           params={"empty_target_action": a})
        ok(m, "empty_%s_indexes" % a, flat_s.tolist(), flat_r.tolist(),
           flat_i.tolist(), params={"empty_target_action": a})
    ok(m, "all_empty_skip", [[0.1, 0.2], [0.3, 0.4]], [[0, 0], [0, 0]],
       params={"empty_target_action": "skip"})
    ok(m, "all_empty_pos_1d", [0.1, 0.2, 0.3], [0, 0, 0],
       params={"empty_target_action": "pos"})
    s32 = S.astype(np.float32)
    v, per, _ = reference(m, s32.astype(np.float64), R, None, {})
    cg.case("metrics", "retr.%s.packed_f32_u8" % m, "/v1/metrics/" + m,
            {"inputs": {"scores": cg.packed(s32),
                        "relevance": cg.packed(R.astype(np.uint8))}},
            expect={"value": v, "per_query": per}, rtol=1e-12)

for k in [3, 8, 20]:
    for ad in [False, True]:
        ok("precision_at_k", "top_k%d_adaptive_%s" % (k, str(ad).lower()),
           S.tolist(), R.tolist(), params={"top_k": k, "adaptive_k": ad})
ok("precision_at_k", "adaptive_without_top_k", S.tolist(), R.tolist(),
   params={"adaptive_k": True})
ok("precision_at_k", "adaptive_indexes_small_queries", flat_s.tolist(),
   flat_r.tolist(), flat_i.tolist(), params={"top_k": 6, "adaptive_k": True})


def bad(name, metric, inputs, code, path, params=None, status=422):
    body = {"inputs": inputs}
    if params:
        body["params"] = params
    cg.case("invalid", "retr.%s.%s" % (metric, name), "/v1/metrics/" + metric,
            body, status=status, expect={"error": {"code": code, "path": path}})


for m in FN:
    bad("relevance_not_binary", m, {"scores": [0.1, 0.2], "relevance": [1, 2]},
        "invalid_value", "/inputs/relevance")
    bad("shape_mismatch", m, {"scores": [0.1, 0.2], "relevance": [1]},
        "shape_mismatch", "/inputs/relevance")
    bad("rank3", m, {"scores": [[[0.1]]], "relevance": [[[1]]]},
        "shape_mismatch", "/inputs/scores")
    bad("empty", m, {"scores": [], "relevance": []}, "empty_input",
        "/inputs/scores")
    bad("indexes_with_2d", m, {"scores": [[0.1, 0.2]], "relevance": [[1, 0]],
                               "indexes": [[0, 0]]},
        "shape_mismatch", "/inputs/scores")
    bad("indexes_length", m, {"scores": [0.1, 0.2], "relevance": [1, 0],
                              "indexes": [0]},
        "shape_mismatch", "/inputs/indexes")
    bad("indexes_not_integer", m, {"scores": [0.1, 0.2], "relevance": [1, 0],
                                   "indexes": [0, 0.5]},
        "invalid_value", "/inputs/indexes")
    bad("empty_target_error", m, {"scores": [[0.1, 0.2], [0.3, 0.1]],
                                  "relevance": [[1, 0], [0, 0]]},
        "invalid_value", "/inputs/relevance",
        params={"empty_target_action": "error"})
    bad("top_k_zero", m, {"scores": [0.1], "relevance": [1]},
        "out_of_range", "/params/top_k", params={"top_k": 0})
    bad("bad_empty_action", m, {"scores": [0.1], "relevance": [1]},
        "invalid_value", "/params/empty_target_action",
        params={"empty_target_action": "ignore"})
bad("adaptive_k_elsewhere", "recall_at_k", {"scores": [0.1], "relevance": [1]},
    "unknown_parameter", "/params/adaptive_k", params={"adaptive_k": True})

cg.done()
