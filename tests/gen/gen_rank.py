#!/usr/bin/python3
"""gen_rank - cases for the rank family: average_precision and ndcg.

Reference values come from scikit-learn 1.2 (average_precision_score,
ndcg_score).  evald takes [N] as one query and [Q,N] as Q queries scored
separately and averaged, so the references are sklearn's per-query values
(one call per row) and their mean.
Run with Debian's python3: /usr/bin/python3 tests/gen/gen_rank.py
"""
import warnings

import numpy as np
from sklearn.metrics import average_precision_score, ndcg_score

import casegen as cg

warnings.simplefilter("ignore")  # sklearn's no-positive / negative warnings

cg.reset("metrics", "rank.")
cg.reset("invalid", "rank.")
rng = np.random.default_rng(20240601)

AP = "/v1/metrics/average_precision"
NDCG = "/v1/metrics/ndcg"


def ap_ref(scores, rel):
    s = np.asarray(scores, dtype=np.float64)
    r = np.asarray(rel, dtype=np.float64)
    if s.ndim == 1:
        v = float(average_precision_score(r, s))
        return v, None
    per = [float(average_precision_score(r[i], s[i])) for i in range(len(s))]
    return float(np.mean(per)), per


def ndcg_ref(scores, rel, k=None):
    s = np.asarray(scores, dtype=np.float64)
    r = np.asarray(rel, dtype=np.float64)
    if s.ndim == 1:
        return float(ndcg_score(r[None, :], s[None, :], k=k)), None
    per = [float(ndcg_score(r[i:i + 1], s[i:i + 1], k=k))
           for i in range(len(s))]
    return float(np.mean(per)), per


def ap_case(name, scores, rel, enc_s=None, enc_r=None, rtol=1e-12):
    v, per = ap_ref(scores if enc_s is None else enc_s[1],
                    rel if enc_r is None else enc_r[1])
    exp = {"metric": "average_precision", "value": v, "loss": 1.0 - v}
    if per is not None:
        exp["per_query"] = per
    body = {"inputs": {
        "scores": scores if enc_s is None else enc_s[0],
        "relevance": rel if enc_r is None else enc_r[0]}}
    cg.case("metrics", "rank.average_precision." + name, AP, body,
            expect=exp, rtol=rtol)


def ndcg_case(name, scores, rel, k=None, enc_s=None, enc_r=None,
              rtol=1e-12, params=None):
    v, per = ndcg_ref(scores if enc_s is None else enc_s[1],
                      rel if enc_r is None else enc_r[1], k)
    exp = {"metric": "ndcg", "value": v, "loss": 1.0 - v,
           "params": {"k": k}}
    if per is not None:
        exp["per_query"] = per
    body = {"inputs": {
        "scores": scores if enc_s is None else enc_s[0],
        "relevance": rel if enc_r is None else enc_r[0]}}
    if k is not None:
        body["params"] = {"k": k}
    cg.case("metrics", "rank.ndcg." + name, NDCG, body, expect=exp,
            rtol=rtol)


def packed(a, dtype):
    a = np.asarray(a).astype(dtype)
    return cg.packed(a), a.astype(np.float64)


# ------------------------------------------------------- average precision
s = rng.normal(size=12)
r = (rng.random(12) < 0.4).astype(int)
ap_case("basic_1d", s.tolist(), r.tolist())
ap_case("ties", [0.5, 0.9, 0.5, 0.1, 0.9, 0.5, 0.3, 0.3],
        [1, 0, 0, 1, 1, 1, 0, 1])
ap_case("all_tied", [0.2] * 6, [0, 1, 0, 0, 1, 1])
ap_case("perfect", [4, 3, 2, 1], [1, 1, 0, 0])
ap_case("worst", [4, 3, 2, 1], [0, 0, 1, 1])
ap_case("all_positive", [0.3, 0.1, 0.7], [1, 1, 1])
ap_case("single_item", [0.5], [1])
ap_case("extreme_scores", [1e300, -1e300, 1e-300, -0.0, 0.0, 5e-324],
        [0, 1, 1, 0, 1, 0])
ap_case("integer_scores", [3, 1, 2, 3, 1, 2, 0], [1, 0, 0, 1, 1, 0, 1])
cg.case("metrics", "rank.average_precision.no_positive", AP,
        {"inputs": {"scores": [0.1, 0.5, 0.2], "relevance": [0, 0, 0]}},
        expect={"value": 0.0, "loss": 1.0})
S = rng.normal(size=(4, 9))
R = (rng.random((4, 9)) < 0.5).astype(int)
R[2] = 0                          # one query without a positive: 0
ap_case("queries_2d", S.tolist(), R.tolist())
Sq = np.round(rng.random((3, 10)) * 4) / 4  # many ties per row
Rq = (rng.random((3, 10)) < 0.3).astype(np.uint8)
Rq[:, 0] = 1
ap_case("queries_2d_ties_packed", None, None,
        enc_s=packed(Sq, np.float32), enc_r=packed(Rq, np.uint8))
s5 = rng.normal(size=300)
r5 = (rng.random(300) < 0.1).astype(np.int32)
ap_case("n300_packed_f64_int32", None, None, enc_s=packed(s5, np.float64),
        enc_r=packed(r5, np.int32))
ap_case("bool_like_float_relevance", [0.4, 0.8, 0.6], [1.0, 0.0, 1.0])

# ------------------------------------------------------------------ NDCG
g = rng.integers(0, 4, size=10).astype(float)
s = rng.normal(size=10)
ndcg_case("basic_1d", s.tolist(), g.tolist())
for k in [1, 3, 10, 25]:
    ndcg_case("k%d" % k, s.tolist(), g.tolist(), k=k)
st = [0.9, 0.5, 0.5, 0.5, 0.2, 0.2, 0.1, 0.9]
gt = [3, 1, 0, 2, 2, 0, 1, 0]
ndcg_case("ties", st, gt)
ndcg_case("ties_straddle_k", st, gt, k=3)
ndcg_case("ties_straddle_k5", st, gt, k=5)
ndcg_case("all_tied", [1.0] * 5, [3, 0, 1, 0, 2])
ndcg_case("perfect", [5, 4, 3, 2, 1], [4, 3, 2, 1, 0])
ndcg_case("two_items", [0.1, 0.2], [1, 0])
ndcg_case("float_gains", rng.normal(size=7).tolist(),
          rng.random(7).tolist())
G = rng.integers(0, 5, size=(5, 8)).astype(float)
G[3] = 0                           # ideal DCG 0: counts as 0
S = rng.normal(size=(5, 8))
S[1, :4] = 0.25                    # a tie inside one query
ndcg_case("queries_2d", S.tolist(), G.tolist())
ndcg_case("queries_2d_k2", S.tolist(), G.tolist(), k=2)
ndcg_case("queries_packed_f32_int64", None, None, k=4,
          enc_s=packed(S, np.float32), enc_r=packed(G, np.int64))
cg.case("metrics", "rank.ndcg.all_zero_relevance", NDCG,
        {"inputs": {"scores": [0.3, 0.2, 0.1], "relevance": [0, 0, 0]}},
        expect={"value": 0.0, "loss": 1.0})
# sklearn 1.2 computes with negative gains (and warns; 1.4 refuses them).
ndcg_case("negative_relevance", [0.1, 0.5, 0.2], [-1.0, 2.0, 0.5])
ndcg_case("all_negative_relevance", [0.1, 0.5, 0.2], [-1.0, -2.0, 0.0])
ndcg_case("mixed_sign_zero_ideal_k1", [0.1, 0.5, 0.2], [-1.0, 1.0, 0.0],
          k=1)
s6 = rng.normal(size=200)
g6 = rng.integers(0, 3, size=200)
ndcg_case("n200_k20_packed", None, None, k=20,
          enc_s=packed(s6, np.float64), enc_r=packed(g6, np.int32))
ndcg_case("extreme_scores", [1e300, -1e300, 1e-300, -0.0, 0.0, 5e-324],
          [1, 0, 3, 2, 2, 0])

# --------------------------------------------------------------- invalid


def bad(name, route, body, code, path, status=422):
    cg.case("invalid", "rank." + name, route, body, status=status,
            expect={"error": {"code": code, "path": path}})


bad("average_precision.relevance_not_binary", AP,
    {"inputs": {"scores": [0.1, 0.2], "relevance": [1, 2]}},
    "invalid_value", "/inputs/relevance")
bad("average_precision.negative_relevance", AP,
    {"inputs": {"scores": [0.1, 0.2], "relevance": [-1, 1]}},
    "invalid_value", "/inputs/relevance")
bad("average_precision.shape_mismatch", AP,
    {"inputs": {"scores": [0.1, 0.2, 0.3], "relevance": [1, 0]}},
    "shape_mismatch", "/inputs/relevance")
bad("average_precision.rank3", AP,
    {"inputs": {"scores": [[[0.1]]], "relevance": [[[1]]]}},
    "shape_mismatch", "/inputs/scores")
bad("average_precision.scalar", AP,
    {"inputs": {"scores": 0.5, "relevance": 1}},
    "shape_mismatch", "/inputs/scores")
bad("average_precision.empty", AP,
    {"inputs": {"scores": [], "relevance": []}},
    "empty_input", "/inputs/scores")
bad("average_precision.unknown_param", AP,
    {"inputs": {"scores": [0.1], "relevance": [1]}, "params": {"k": 3}},
    "unknown_parameter", "/params/k")
bad("average_precision.missing_relevance", AP,
    {"inputs": {"scores": [0.1]}}, "missing_input", "/inputs/relevance")
bad("ndcg.one_item", NDCG,
    {"inputs": {"scores": [0.1], "relevance": [1]}},
    "invalid_value", "/inputs/scores")
bad("ndcg.one_item_2d", NDCG,
    {"inputs": {"scores": [[0.1], [0.2]], "relevance": [[1], [0]]}},
    "invalid_value", "/inputs/scores")
bad("ndcg.k_zero", NDCG,
    {"inputs": {"scores": [0.1, 0.2], "relevance": [1, 0]},
     "params": {"k": 0}}, "out_of_range", "/params/k")
bad("ndcg.shape_mismatch", NDCG,
    {"inputs": {"scores": [[0.1, 0.2]], "relevance": [0.1, 0.2]}},
    "shape_mismatch", "/inputs/relevance")
bad("ndcg.empty_queries", NDCG,
    {"inputs": {"scores": {"dtype": "float64", "shape": [0, 3],
                           "data": ""},
                "relevance": {"dtype": "float64", "shape": [0, 3],
                              "data": ""}}},
    "empty_input", "/inputs/scores")

cg.done()
