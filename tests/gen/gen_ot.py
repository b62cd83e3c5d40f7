#!/usr/bin/python3
"""gen_ot - cases for transport between point sets: emd and sinkhorn
("ot.emd.<case>", "ot.sinkhorn.<case>").

References come from POT 0.8.2 in float64: ot.emd2 with numItermax=10**8
(its default stops early on large problems) and ot.sinkhorn2 with
method="sinkhorn_log".  POT does not normalise weights (and returns 0 for
unequal totals), so weights are normalised here.  Ground costs come from
scipy.spatial.distance.cdist, which takes the differences exactly: POT's
own ot.dist uses ||x||^2 + ||y||^2 - 2 x.y, which gives identical points a
distance of ~1e-8 instead of 0.  emd's value is the p-th root of emd2 on
cost**p; sinkhorn's is sinkhorn2 on cost**p with no root.
Run with Debian's python3: /usr/bin/python3 tests/gen/gen_ot.py
"""
import warnings

import numpy as np
import ot
import scipy.spatial.distance as sd
import scipy.stats as ss

import casegen as cg

warnings.simplefilter("ignore")  # POT's "did not converge" is expected

cg.reset("metrics", "ot.")
cg.reset("invalid", "ot.")
rng = np.random.default_rng(20240612)


def route(metric):
    return "/v1/metrics/" + metric


def weights(w, n):
    if w is None:
        return np.full(n, 1.0 / n)
    w = np.asarray(w, float)
    return w / w.sum()


def as2d(v):
    v = np.asarray(v, float)
    return v.reshape(len(v), -1)


def ground(x, y, metric):
    return sd.cdist(as2d(x), as2d(y), metric)


def ref_emd(M, a, b, p=1.0):
    v = ot.emd2(a, b, np.asarray(M, float) ** p, numItermax=10**8)
    return v if p == 1.0 else v ** (1.0 / p)


def ref_plan(M, a, b, p=1.0):
    G = ot.emd(a, b, np.asarray(M, float) ** p, numItermax=10**8)
    return [[int(i), int(j), float(G[i, j])]
            for i, j in zip(*np.nonzero(G > 0))]


def inputs(x=None, y=None, xw=None, yw=None, cost=None):
    d = {}
    for k, v in (("x", x), ("y", y), ("x_weights", xw), ("y_weights", yw),
                 ("cost", cost)):
        if v is not None:
            d[k] = v
    return d


def emd(name, x=None, y=None, xw=None, yw=None, cost=None, send=None,
        ref=None, plan=False, echo=False, **params):
    """An emd case; `send` replaces the inputs on the wire (packed
    tensors), `ref` the reference value."""
    metric = params.get("metric", "euclidean")
    p = float(params.get("p", 1.0))
    M = np.asarray(cost, float) if cost is not None else ground(x, y, metric)
    n, m = M.shape
    a, b = weights(xw, n), weights(yw, m)
    if params.get("normalize") is False:
        a = a if xw is None else np.asarray(xw, float)
        b = b if yw is None else np.asarray(yw, float)
    if plan:
        params["return_plan"] = True
    val = ref if ref is not None else ref_emd(M, a, b, p)
    exp = {"metric": "emd", "value": val, "n": n, "m": m}
    if plan:
        exp["plan"] = ref_plan(M, a, b, p)
    if echo:
        exp["params"] = {"metric": metric, "p": params.get("p", 1),
                         "normalize": params.get("normalize", True),
                         "return_plan": params.get("return_plan", False)}
    body = {"inputs": send or inputs(x, y, xw, yw, cost), "params": params}
    cg.case("metrics", "ot.emd." + name, route("emd"), body, expect=exp)


def sinkhorn(name, x=None, y=None, xw=None, yw=None, cost=None, send=None,
             **params):
    metric = params.get("metric", "euclidean")
    p = float(params.get("p", 1.0))
    reg = params.get("reg", 0.05)
    max_iter = params.get("max_iter", 1000)
    tol = params.get("tol", 1e-9)
    M = np.asarray(cost, float) if cost is not None else ground(x, y, metric)
    n, m = M.shape
    a, b = weights(xw, n), weights(yw, m)
    if params.get("normalize") is False:
        a = a if xw is None else np.asarray(xw, float)
        b = b if yw is None else np.asarray(yw, float)
    val, log = ot.sinkhorn2(a, b, M ** p, reg, method="sinkhorn_log",
                            numItermax=max_iter, stopThr=tol, log=True)
    # POT's niter is the index of the last sweep; it stopped early only
    # if its last error check passed.
    done = log["err"][-1] < tol and log["niter"] % 10 == 0
    iters = log["niter"] + 1 if done else max_iter
    exp = {"metric": "sinkhorn", "value": float(val), "n": n, "m": m,
           "iterations": iters}
    if done:
        exp["converged"] = True
    body = {"inputs": send or inputs(x, y, xw, yw, cost), "params": params}
    cg.case("metrics", "ot.sinkhorn." + name, route("sinkhorn"), body,
            expect=exp)


def bad(metric, name, body, code, path, status=422):
    cg.case("invalid", "ot.%s.%s" % (metric, name), route(metric), body,
            status=status, expect={"error": {"code": code, "path": path}})


# ----------------------------------------------------------------- data
X = rng.normal(size=(12, 3))
Y = rng.normal(loc=0.3, size=(15, 3)) * np.array([1.0, 2.0, 0.5])
XW = rng.random(12) + 0.05
YW = rng.random(15) + 0.05
X1 = rng.normal(size=9)
Y1 = rng.normal(loc=1.0, scale=2.0, size=14)

# ------------------------------------------------------------------ emd
emd("basic", X.tolist(), Y.tolist(), echo=True)
for metric in ["euclidean", "sqeuclidean", "cityblock", "cosine"]:
    emd("metric_" + metric, X, Y, XW, YW, metric=metric,
        send=inputs(cg.packed(X), cg.packed(Y), cg.packed(XW),
                    cg.packed(YW)))
    emd("metric_%s_p2" % metric, X.tolist(), Y.tolist(), metric=metric,
        p=2.0)
emd("p1_5_cityblock", X, Y, XW, None, metric="cityblock", p=1.5)
emd("p3_weighted", X, Y, XW, YW, p=3, echo=True)
emd("weighted", X.tolist(), Y.tolist(), XW.tolist(), YW.tolist())
emd("x_weights_only", X.tolist(), Y.tolist(), XW.tolist())
emd("y_weights_only", X.tolist(), Y.tolist(), None, YW.tolist())
zx = XW.copy()
zx[[0, 5]] = 0.0
zy = YW.copy()
zy[[3, 14]] = 0.0
emd("zero_weights", X.tolist(), Y.tolist(), zx.tolist(), zy.tolist(),
    plan=True)
emd("zero_weights_p2_sq", X.tolist(), Y.tolist(), zx.tolist(), zy.tolist(),
    metric="sqeuclidean", p=2)
wi = rng.integers(1, 5, size=12).astype(float)
wj = rng.random(15)
wj = wj / wj.sum() * wi.sum()
emd("unnormalized_equal_totals", X.tolist(), Y.tolist(), wi.tolist(),
    wj.tolist(), normalize=False, echo=True)
emd("unnormalized_uniform", X.tolist(), Y.tolist(), normalize=False)
emd("unequal_sizes", X[:3].tolist(), Y.tolist())
emd("unequal_sizes_other_way", Y.tolist(), X[:2].tolist(), p=2)
emd("n1", X[:1].tolist(), Y.tolist(), None, YW.tolist())
emd("m1", X.tolist(), Y[:1].tolist(), XW.tolist(), None, p=2)
emd("n1_m1", [[1.0, 2.0, 3.0]], [[4.0, 6.0, 3.0]], ref=5.0)
emd("d1_vectors", X1.tolist(), Y1.tolist(),
    ref=ss.wasserstein_distance(X1, Y1))
emd("d1_vectors_weighted", X1.tolist(), Y1.tolist(), XW[:9].tolist(),
    YW[:14].tolist(),
    ref=ss.wasserstein_distance(X1, Y1, XW[:9], YW[:14]))
emd("d1_column", as2d(X1).tolist(), as2d(Y1).tolist(), p=2)
emd("d1_shift", X1.tolist(), (X1 + 2.5).tolist(), ref=2.5)
emd("d1_shift_p2_weighted", X1.tolist(), (X1 - 0.75).tolist(),
    XW[:9].tolist(), XW[:9].tolist(), p=2, ref=0.75)
emd("identical", X.tolist(), X.tolist(), ref=0.0)
emd("identical_permuted_weighted", X.tolist(), X[::-1].tolist(),
    XW.tolist(), XW[::-1].tolist(), metric="sqeuclidean", ref=0.0)
G = rng.integers(0, 3, size=(20, 2)).astype(float)
H = rng.integers(0, 3, size=(17, 2)).astype(float)
emd("ties_grid", G.tolist(), H.tolist())
emd("ties_grid_cityblock_p2", G.tolist(), H.tolist(), metric="cityblock",
    p=2)
emd("ties_binary", rng.integers(0, 2, size=(16, 4)).tolist(),
    rng.integers(0, 2, size=(16, 4)).tolist())
emd("all_equal_points", [[1.0, 1.0]] * 4, [[1.0, 1.0]] * 3, ref=0.0)
C = rng.random((6, 8)) * 10
CW = rng.random(6)
CWY = rng.random(8)
emd("cost_given", cost=C.tolist(), xw=CW.tolist(), yw=CWY.tolist())
emd("cost_given_uniform", cost=C.tolist())
emd("cost_given_p2", cost=C.tolist(), xw=CW.tolist(), yw=CWY.tolist(), p=2)
emd("cost_given_negative", cost=(C - 7.0).tolist(), xw=CW.tolist(),
    yw=CWY.tolist())
emd("cost_given_constant", cost=np.full((4, 5), 2.5).tolist(), ref=2.5)
emd("cost_given_packed_float32", cost=C.astype(np.float32).astype(float),
    xw=CW, yw=CWY,
    send=inputs(cost=cg.packed(C.astype(np.float32)), xw=cg.packed(CW),
                yw=cg.packed(CWY)))
emd("cost_given_plan", cost=C.tolist(), xw=CW.tolist(), yw=CWY.tolist(),
    plan=True)
emd("plan", X.tolist(), Y.tolist(), XW.tolist(), YW.tolist(), plan=True)
emd("plan_sq_p2", X[:5].tolist(), Y[:7].tolist(), metric="sqeuclidean",
    p=2, plan=True)
# an assignment: n = m, uniform; the plan is a permutation of mass 1/n
A = rng.normal(size=(10, 2))
B = rng.normal(size=(10, 2))
emd("assignment_plan", A.tolist(), B.tolist(), plan=True)
XF = rng.normal(size=(60, 8)).astype(np.float32)
YF = (rng.normal(size=(50, 8)) + 0.5).astype(np.float32)
emd("packed_float32", XF.astype(float), YF.astype(float),
    send=inputs(cg.packed(XF), cg.packed(YF)))
XI = rng.integers(-10, 10, size=(25, 4))
YI = rng.integers(-5, 15, size=(30, 4))
WI = rng.integers(0, 6, size=25)
emd("packed_int_weights_uint8", XI, YI, WI, None, metric="cityblock",
    send=inputs(cg.packed(XI.astype(np.int32)), cg.packed(YI.astype(np.int64)),
                cg.packed(WI.astype(np.uint8))))
XL = rng.normal(size=(80, 16))
YL = rng.normal(loc=0.2, size=(70, 16))
emd("larger_packed", XL, YL, send=inputs(cg.packed(XL), cg.packed(YL)))
emd("larger_packed_sq", XL, YL, metric="sqeuclidean",
    send=inputs(cg.packed(XL), cg.packed(YL)))
# nearly identical sets: the dgemm form would lose the small distances
emd("near_duplicates", XL[:30], XL[:30] + 1e-7,
    send=inputs(cg.packed(XL[:30]), cg.packed(XL[:30] + 1e-7)))
emd("large_magnitude_p2", X * 1e200, Y * 1e200, p=2,
    ref=1e200 * ref_emd(ground(X, Y, "euclidean"), weights(None, 12),
                        weights(None, 15), 2.0))
emd("tiny_magnitude", X * 1e-200, Y * 1e-200,
    ref=1e-200 * ref_emd(ground(X, Y, "euclidean"), weights(None, 12),
                         weights(None, 15)))
emd("cosine_scale_invariant", X * 1e-3, Y * 1e5, metric="cosine",
    ref=ref_emd(ground(X, Y, "cosine"), weights(None, 12),
                weights(None, 15)))

# ------------------------------------------------------------- sinkhorn
U = rng.random((20, 2))
V = rng.random((25, 2))
UW = rng.random(20) + 0.1
VW = rng.random(25) + 0.1
sinkhorn("basic", U.tolist(), V.tolist())
cg.case("metrics", "ot.sinkhorn.defaults_echoed", route("sinkhorn"),
        {"inputs": {"x": U.tolist(), "y": V.tolist()}},
        expect={"params": {"metric": "euclidean", "p": 1, "normalize": True,
                           "reg": 0.05, "max_iter": 1000, "tol": 1e-09}})
for metric in ["euclidean", "sqeuclidean", "cityblock", "cosine"]:
    sinkhorn("metric_" + metric, U, V, UW, VW, metric=metric, reg=0.1,
             send=inputs(cg.packed(U), cg.packed(V), cg.packed(UW),
                         cg.packed(VW)))
sinkhorn("p2", U.tolist(), V.tolist(), p=2, reg=0.02)
sinkhorn("p2_cityblock", U.tolist(), V.tolist(), metric="cityblock", p=2.0,
         reg=0.1)
sinkhorn("reg_1e-3", U.tolist(), V.tolist(), reg=1e-3)
sinkhorn("reg_1e-3_long", U[:8].tolist(), V[:10].tolist(), reg=1e-3,
         max_iter=4000, tol=1e-7)
sinkhorn("reg_1e-4_sq", U[:6].tolist(), V[:7].tolist(), reg=1e-4,
         metric="sqeuclidean", max_iter=300)
sinkhorn("reg_large", U.tolist(), V.tolist(), reg=10.0)
sinkhorn("weighted", U.tolist(), V.tolist(), UW.tolist(), VW.tolist(),
         reg=0.02)
zu = UW.copy()
zu[[1, 7]] = 0.0
zv = VW.copy()
zv[[0, 24]] = 0.0
sinkhorn("zero_weights", U.tolist(), V.tolist(), zu.tolist(), zv.tolist(),
         reg=0.02)
wu = rng.integers(1, 4, size=20).astype(float)
wv = rng.random(25)
wv = wv / wv.sum() * wu.sum()
sinkhorn("unnormalized_equal_totals", U.tolist(), V.tolist(), wu.tolist(),
         wv.tolist(), normalize=False, reg=0.5)
sinkhorn("max_iter_5", U.tolist(), V.tolist(), reg=0.01, max_iter=5)
sinkhorn("tol_loose", U.tolist(), V.tolist(), reg=0.2, tol=1e-3)
sinkhorn("n1", U[:1].tolist(), V.tolist())
sinkhorn("m1", U.tolist(), V[:1].tolist(), reg=0.01)
sinkhorn("d1_vectors", X1.tolist(), Y1.tolist(), reg=0.1)
sinkhorn("identical", U.tolist(), U.tolist(), reg=0.05)
sinkhorn("cost_given", cost=C.tolist(), xw=CW.tolist(), yw=CWY.tolist(),
         reg=0.5)
sinkhorn("cost_given_negative_p1", cost=(C - 7.0).tolist(), reg=0.5)
sinkhorn("cost_given_uniform_p2", cost=C.tolist(), p=2, reg=5.0)
WS = rng.integers(1, 4, size=20)
sinkhorn("packed_float32_int", XF[:20].astype(float), YF[:15].astype(float),
         WS, None, reg=0.5,
         send=inputs(cg.packed(XF[:20]), cg.packed(YF[:15]),
                     cg.packed(WS)))
sinkhorn("larger_packed", XL, YL, reg=0.5,
         send=inputs(cg.packed(XL), cg.packed(YL)))

# -------------------------------------------------------------- invalid
P2 = {"x": X[:3].tolist(), "y": Y[:4].tolist()}
for metric in ["emd", "sinkhorn"]:
    bad(metric, "cost_and_points",
        {"inputs": {"x": X[:2].tolist(), "cost": C.tolist()}},
        "invalid_value", "/inputs/cost")
    bad(metric, "missing_y", {"inputs": {"x": X[:2].tolist()}},
        "missing_input", "/inputs/y")
    bad(metric, "missing_everything", {"inputs": {}}, "missing_input",
        "/inputs/x")
    bad(metric, "weights_only", {"inputs": {"x_weights": [1, 2]}},
        "missing_input", "/inputs/x")
    bad(metric, "feature_mismatch",
        {"inputs": {"x": X[:3].tolist(), "y": Y[:4, :2].tolist()}},
        "shape_mismatch", "/inputs/y")
    bad(metric, "x_3d", {"inputs": {"x": [[[1.0]]], "y": [[1.0]]}},
        "shape_mismatch", "/inputs/x")
    bad(metric, "x_scalar", {"inputs": {"x": 1.0, "y": [[1.0]]}},
        "shape_mismatch", "/inputs/x")
    bad(metric, "x_empty", {"inputs": {"x": [], "y": [1.0, 2.0]}},
        "empty_input", "/inputs/x")
    bad(metric, "no_features",
        {"inputs": {"x": cg.packed(np.zeros((3, 0))), "y": [[1.0]]}},
        "empty_input", "/inputs/x")
    bad(metric, "negative_weight",
        {"inputs": dict(P2, x_weights=[1.0, -0.5, 2.0])},
        "invalid_value", "/inputs/x_weights")
    bad(metric, "zero_total_weight",
        {"inputs": dict(P2, y_weights=[0.0, 0.0, 0.0, 0.0])},
        "invalid_value", "/inputs/y_weights")
    bad(metric, "weights_length",
        {"inputs": dict(P2, x_weights=[1.0, 2.0])},
        "shape_mismatch", "/inputs/x_weights")
    bad(metric, "weights_2d",
        {"inputs": dict(P2, y_weights=[[1.0, 2.0, 3.0, 4.0]])},
        "shape_mismatch", "/inputs/y_weights")
    bad(metric, "unnormalized_mass_mismatch",
        {"inputs": dict(P2, x_weights=[1.0, 1.0, 1.0],
                        y_weights=[1.0, 1.0, 1.0, 1.0]),
         "params": {"normalize": False}},
        "invalid_value", "/inputs/y_weights")
    bad(metric, "cosine_zero_vector",
        {"inputs": {"x": [[1.0, 0.0], [0.0, 0.0]], "y": [[1.0, 1.0]]},
         "params": {"metric": "cosine"}},
        "invalid_value", "/inputs/x")
    bad(metric, "cost_negative_p2",
        {"inputs": {"cost": [[1.0, -1.0], [0.5, 2.0]]},
         "params": {"p": 2}},
        "invalid_value", "/inputs/cost")
    bad(metric, "cost_1d", {"inputs": {"cost": [1.0, 2.0]}},
        "shape_mismatch", "/inputs/cost")
    bad(metric, "cost_weights_length",
        {"inputs": {"cost": C.tolist(), "y_weights": [1.0, 2.0]}},
        "shape_mismatch", "/inputs/y_weights")
    bad(metric, "p_below_1", {"inputs": P2, "params": {"p": 0.5}},
        "out_of_range", "/params/p")
    bad(metric, "unknown_metric",
        {"inputs": P2, "params": {"metric": "chebyshev"}},
        "invalid_value", "/params/metric")
    bad(metric, "unknown_param", {"inputs": P2, "params": {"q": 1}},
        "unknown_parameter", "/params/q")
# n * m above the default limit of 64e6 cells (x: 8001 points, y: 8000)
bad("emd", "too_large",
    {"inputs": {"x": cg.packed(np.zeros(8001, np.uint8)),
                "y": cg.packed(np.zeros(8000, np.uint8))}},
    "too_large", "", status=413)
bad("emd", "return_plan_not_bool", {"inputs": P2,
                                    "params": {"return_plan": 1}},
    "wrong_type", "/params/return_plan", status=400)
bad("emd", "distances_overflow",
    {"inputs": {"x": [[1e200]], "y": [[-1e200]]},
     "params": {"metric": "sqeuclidean"}},
    "invalid_value", "")
bad("sinkhorn", "reg_zero", {"inputs": P2, "params": {"reg": 0}},
    "out_of_range", "/params/reg")
bad("sinkhorn", "max_iter_zero", {"inputs": P2, "params": {"max_iter": 0}},
    "out_of_range", "/params/max_iter")
bad("sinkhorn", "tol_negative", {"inputs": P2, "params": {"tol": -1}},
    "out_of_range", "/params/tol")
bad("sinkhorn", "cost_over_reg_overflows",
    {"inputs": {"cost": [[1e300, 0.0]]}, "params": {"reg": 1e-300}},
    "invalid_value", "")
bad("sinkhorn", "cost_power_overflows",
    {"inputs": {"cost": [[1e200, 0.0]]}, "params": {"p": 2}},
    "invalid_value", "")
bad("sinkhorn", "return_plan_unknown", {"inputs": P2,
                                        "params": {"return_plan": True}},
    "unknown_parameter", "/params/return_plan")

cg.done()
