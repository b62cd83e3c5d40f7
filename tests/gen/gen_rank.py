#!/usr/bin/python3
"""gen_rank - cases for the rank family: average_precision, ndcg, dcg.

Reference values come from scikit-learn 1.2 (average_precision_score,
ndcg_score, dcg_score); average precision with k from torchmetrics 1.x's
retrieval_average_precision(top_k=k), written out in numpy (torchmetrics is
not packaged).  evald takes [N] as one query and [Q,N] as Q queries scored
separately and averaged, so the references are sklearn's per-query values
(one call per row) and their mean.
Run with Debian's python3: /usr/bin/python3 tests/gen/gen_rank.py
"""
import warnings

import numpy as np
from sklearn.metrics import average_precision_score, dcg_score, ndcg_score

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

# ----------------------------------- ignore_ties, dcg, average precision @k
# (issue 13, part C).  Their own generator, so the cases above keep their
# draws and values.
rng2 = np.random.default_rng(20261203)
DCG = "/v1/metrics/dcg"


def dcg_ref(scores, rel, k=None, log_base=2, ignore_ties=False, norm=False):
    s = np.atleast_2d(np.asarray(scores, dtype=np.float64))
    r = np.atleast_2d(np.asarray(rel, dtype=np.float64))
    f = ndcg_score if norm else dcg_score
    kw = {"k": k, "ignore_ties": ignore_ties}
    if not norm:
        kw["log_base"] = log_base
    per = [float(f(r[i:i + 1], s[i:i + 1], **kw)) for i in range(len(s))]
    return float(np.mean(per)), (per if np.ndim(scores) == 2 else None)


def dcg_case(name, scores, rel, norm=False, rtol=1e-12, **params):
    v, per = dcg_ref(scores, rel, norm=norm, **params)
    metric = "ndcg" if norm else "dcg"
    exp = {"metric": metric, "value": v, "params": params}
    if norm:
        exp["loss"] = 1.0 - v
    if per is not None:
        exp["per_query"] = per
    body = {"inputs": {"scores": scores, "relevance": rel}}
    if params:
        body["params"] = params
    cg.case("metrics", "rank.%s.%s" % (metric, name),
            NDCG if norm else DCG, body, expect=exp, rtol=rtol)


# sklearn's ignore_ties ranks by np.argsort(score)[::-1]: for the n <= 16
# items of a query numpy's sort is an insertion sort (stable), so tied
# items come last position first; evald always orders them so.
g = rng2.integers(0, 4, size=12).astype(float)
s = rng2.normal(size=12)
st = [0.9, 0.5, 0.5, 0.5, 0.2, 0.2, 0.1, 0.9]
gt = [3, 1, 0, 2, 2, 0, 1, 0]
for norm in [False, True]:
    dcg_case("ignore_ties_no_ties", s.tolist(), g.tolist(), norm=norm,
             ignore_ties=True)
    dcg_case("ignore_ties_k4", s.tolist(), g.tolist(), norm=norm, k=4,
             ignore_ties=True)
    dcg_case("ignore_ties_ties", st, gt, norm=norm, ignore_ties=True)
    dcg_case("ignore_ties_ties_k3", st, gt, norm=norm, k=3,
             ignore_ties=True)
    dcg_case("ties_averaged_explicit", st, gt, norm=norm,
             ignore_ties=False)
    dcg_case("ignore_ties_all_tied", [1.0] * 5, [3, 0, 1, 0, 2], norm=norm,
             ignore_ties=True)
    S2 = np.round(rng2.random((4, 9)) * 3) / 3
    G2 = rng2.integers(0, 3, size=(4, 9)).astype(float)
    G2[2] = 0
    dcg_case("ignore_ties_queries_2d", S2.tolist(), G2.tolist(), norm=norm,
             ignore_ties=True)
dcg_case("basic_1d", s.tolist(), g.tolist())
for k in [1, 3, 12, 30]:
    dcg_case("k%d" % k, s.tolist(), g.tolist(), k=k)
for base in [10, 2.718281828459045, 1.5]:
    dcg_case("log_base_%g" % base, s.tolist(), g.tolist(), log_base=base)
dcg_case("log_base_10_k3_ties", st, gt, log_base=10, k=3)
dcg_case("ties", st, gt)
dcg_case("ties_straddle_k5", st, gt, k=5)
dcg_case("all_tied", [1.0] * 5, [3, 0, 1, 0, 2])
dcg_case("two_items", [0.1, 0.2], [1, 0])
dcg_case("all_zero_relevance", [0.3, 0.2, 0.1], [0, 0, 0])
dcg_case("negative_relevance", [0.1, 0.5, 0.2], [-1.0, 2.0, 0.5])
dcg_case("float_gains", rng2.normal(size=7).tolist(),
         rng2.random(7).tolist())
S3 = rng2.normal(size=(5, 8))
S3[1, :4] = 0.25
G3 = rng2.integers(0, 5, size=(5, 8)).astype(float)
dcg_case("queries_2d", S3.tolist(), G3.tolist())
dcg_case("queries_2d_k2_base3", S3.tolist(), G3.tolist(), k=2, log_base=3)


def ap_at_k_ref(s, r, k):
    """torchmetrics 1.x retrieval_average_precision(preds, target, top_k),
    written out in numpy: items by score, highest first (ties in input
    order: a stable sort), the first top_k kept; the mean over the
    relevant ones of (relevant so far) / rank; 0 when none is relevant."""
    s = np.asarray(s, dtype=np.float64)
    r = np.asarray(r, dtype=np.float64)
    order = np.argsort(-s, kind="stable")[:min(k, len(s))]
    t = r[order]
    if not t.sum():
        return 0.0
    pos = np.arange(1, len(t) + 1)[t > 0].astype(np.float64)
    return float(np.mean((np.arange(len(pos)) + 1.0) / pos))


def ap_k_case(name, scores, rel, k):
    s = np.atleast_2d(np.asarray(scores, dtype=np.float64))
    r = np.atleast_2d(np.asarray(rel, dtype=np.float64))
    per = [ap_at_k_ref(s[i], r[i], k) for i in range(len(s))]
    v = float(np.mean(per))
    exp = {"metric": "average_precision", "value": v, "loss": 1.0 - v,
           "params": {"k": k}}
    if np.ndim(scores) == 2:
        exp["per_query"] = per
    cg.case("metrics", "rank.average_precision." + name, AP,
            {"inputs": {"scores": scores, "relevance": rel},
             "params": {"k": k}}, expect=exp, rtol=1e-12)


s = rng2.normal(size=12)
r = (rng2.random(12) < 0.4).astype(int)
r[3] = 1
for k in [1, 3, 5, 12, 40]:
    ap_k_case("k%d" % k, s.tolist(), r.tolist(), k)
ap_k_case("k3_ties", [0.5, 0.9, 0.5, 0.1, 0.9, 0.5, 0.3, 0.3],
          [1, 0, 0, 1, 1, 1, 0, 1], 3)
ap_k_case("k2_all_tied", [0.2] * 6, [0, 1, 0, 0, 1, 1], 2)
ap_k_case("k2_none_in_top", [4, 3, 2, 1], [0, 0, 1, 1], 2)
ap_k_case("k1_single_item", [0.5], [1], 1)
S4 = rng2.normal(size=(4, 9))
R4 = (rng2.random((4, 9)) < 0.5).astype(int)
R4[1] = 0
ap_k_case("k4_queries_2d", S4.tolist(), R4.tolist(), 4)
cg.case("metrics", "rank.average_precision.k_null_is_sklearn", AP,
        {"inputs": {"scores": [0.5, 0.9, 0.5, 0.1], "relevance": [1, 0, 0, 1]},
         "params": {"k": None}},
        expect={"value": float(average_precision_score(
            [1, 0, 0, 1], [0.5, 0.9, 0.5, 0.1])), "params": {"k": None}})

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
# k is a param since issue 13 (AP at k); torchmetrics' name for it is not.
bad("average_precision.unknown_param", AP,
    {"inputs": {"scores": [0.1], "relevance": [1]}, "params": {"top_k": 3}},
    "unknown_parameter", "/params/top_k")
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
bad("dcg.one_item", DCG,
    {"inputs": {"scores": [0.1], "relevance": [1]}},
    "invalid_value", "/inputs/scores")
bad("dcg.log_base_one", DCG,
    {"inputs": {"scores": [0.1, 0.2], "relevance": [1, 0]},
     "params": {"log_base": 1}}, "out_of_range", "/params/log_base")
bad("dcg.k_zero", DCG,
    {"inputs": {"scores": [0.1, 0.2], "relevance": [1, 0]},
     "params": {"k": 0}}, "out_of_range", "/params/k")
bad("dcg.shape_mismatch", DCG,
    {"inputs": {"scores": [0.1, 0.2, 0.3], "relevance": [1, 0]}},
    "shape_mismatch", "/inputs/relevance")
bad("average_precision.k_zero", AP,
    {"inputs": {"scores": [0.1, 0.2], "relevance": [1, 0]},
     "params": {"k": 0}}, "out_of_range", "/params/k")
bad("average_precision.k_relevance_not_binary", AP,
    {"inputs": {"scores": [0.1, 0.2], "relevance": [1, 2]},
     "params": {"k": 1}}, "invalid_value", "/inputs/relevance")
bad("ndcg.ignore_ties_not_bool", NDCG,
    {"inputs": {"scores": [0.1, 0.2], "relevance": [1, 0]},
     "params": {"ignore_ties": 1}}, "wrong_type", "/params/ignore_ties",
    status=400)

cg.done()
