#!/usr/bin/python3
"""gen_regr - cases for the regression family: r2, explained_variance,
mape, median_absolute_error, max_error, msle, pinball (scikit-learn 1.2)
and pearson, spearman, kendall (SciPy 1.10).

Every expected value is the anchor's own answer on the same float64 data;
a NaN or infinite answer is expected as null (evald writes it so, with a
warning).  Run with Debian's python3: /usr/bin/python3 tests/gen/gen_regr.py
"""
import itertools
import math
import warnings

import numpy as np
from scipy import stats
from sklearn import metrics as skm

import casegen as cg

warnings.simplefilter("ignore")  # sklearn's / SciPy's undefined warnings

cg.reset("metrics", "regr.")
cg.reset("invalid", "regr.")
rng = np.random.default_rng(20261202)


def num(v):
    v = float(v)
    return v if math.isfinite(v) else None


def nums(v):
    return [num(x) for x in np.atleast_1d(v)]


# metric -> (sklearn function, its params as evald names them)
SK = {
    "r2": skm.r2_score,
    "explained_variance": skm.explained_variance_score,
    "mape": skm.mean_absolute_percentage_error,
    "median_absolute_error": skm.median_absolute_error,
    "msle": skm.mean_squared_log_error,
    "pinball": skm.mean_pinball_loss,
}


def sk_ref(metric, yt, yp, sw, params):
    kw = dict(params)
    if sw is not None:
        kw["sample_weight"] = np.asarray(sw, dtype=np.float64)
    return SK[metric](np.asarray(yt, dtype=np.float64),
                      np.asarray(yp, dtype=np.float64), **kw)


def reg(metric, name, yt, yp, sw=None, params=None, enc=None, rtol=1e-9):
    """One case; enc optionally replaces the wire form of y_true/y_pred."""
    params = params or {}
    v = sk_ref(metric, yt, yp, sw, params)
    exp = {"metric": metric}
    if params.get("multioutput") == "raw_values" and np.ndim(v) > 0:
        exp["values"] = nums(v)
    elif params.get("multioutput") == "raw_values":
        # r2 of one sample: sklearn answers one NaN whatever multioutput
        # says; evald keeps the shape, one null per output.
        exp["values"] = [None] * (np.shape(yt)[1] if np.ndim(yt) == 2
                                  else 1)
    else:
        exp["value"] = num(v)
    inputs = {"y_true": yt, "y_pred": yp}
    if enc:
        inputs.update(enc)
    if sw is not None:
        inputs["sample_weight"] = sw
    body = {"inputs": inputs}
    if params:
        body["params"] = params
        exp["params"] = params
    cg.case("metrics", "regr.%s.%s" % (metric, name),
            "/v1/metrics/" + metric, body, expect=exp, rtol=rtol)


# ------------------------------------------------------------ shared data
N, K = 20, 3
yt1 = rng.normal(size=15)
yp1 = yt1 + 0.5 * rng.normal(size=15)
w1 = rng.random(15) * 2
yt2 = rng.normal(size=(N, K)) * [1.0, 5.0, 0.2]
yp2 = yt2 + rng.normal(size=(N, K)) * [0.3, 2.0, 0.5]
w2 = rng.random(N)
pos1 = np.abs(yt1) * 3            # msle needs values >= 0
posp1 = np.abs(yp1) * 3
pos2 = np.abs(yt2)
posp2 = np.abs(yp2)

MULTI = {"r2": ["raw_values", "uniform_average", "variance_weighted"],
         "explained_variance": ["raw_values", "uniform_average",
                                "variance_weighted"],
         "mape": ["raw_values", "uniform_average"],
         "median_absolute_error": ["raw_values", "uniform_average"],
         "msle": ["raw_values", "uniform_average"],
         "pinball": ["raw_values", "uniform_average"]}

for m, choices in MULTI.items():
    a1, b1, a2, b2 = (pos1, posp1, pos2, posp2) if m == "msle" else \
        (yt1, yp1, yt2, yp2)
    reg(m, "basic_1d", a1.tolist(), b1.tolist())
    reg(m, "weighted_1d", a1.tolist(), b1.tolist(), sw=w1.tolist())
    for mo in choices:
        reg(m, "multi_" + mo, a2.tolist(), b2.tolist(),
            params={"multioutput": mo})
        reg(m, "multi_weighted_" + mo, a2.tolist(), b2.tolist(),
            sw=w2.tolist(), params={"multioutput": mo})
    reg(m, "single_sample", a1[:1].tolist(), b1[:1].tolist())
    reg(m, "single_sample_multi_raw", a2[:1].tolist(), b2[:1].tolist(),
        params={"multioutput": "raw_values"})
    reg(m, "perfect", a1.tolist(), a1.tolist())
    reg(m, "column_vector", a1[:, None].tolist(), b1[:, None].tolist(),
        params={"multioutput": "raw_values"})
    # ties everywhere: integer-valued, many equal values
    ti = rng.integers(0, 3, size=12).astype(float)
    tp = rng.integers(0, 3, size=12).astype(float)
    reg(m, "ties", ti.tolist(), tp.tolist())


def packed_case(m, a, b):
    a32, b32 = a.astype(np.float32), b.astype(np.float32)
    v = sk_ref(m, a32.astype(np.float64), b32.astype(np.float64), None, {})
    cg.case("metrics", "regr.%s.packed_f32" % m, "/v1/metrics/" + m,
            {"inputs": {"y_true": cg.packed(a32), "y_pred": cg.packed(b32)}},
            expect={"value": num(v)})


for m in MULTI:
    packed_case(m, pos2 if m == "msle" else yt2, posp2 if m == "msle"
                else yp2)

# ----------------------------------------------- r2 / explained_variance
const = [2.5] * 6
for m in ["r2", "explained_variance"]:
    pred = [2.5, 2.0, 3.0, 2.5, 1.0, 2.5]
    for ff in [True, False]:
        tag = "ff_true" if ff else "ff_false"
        reg(m, "constant_true_" + tag, const, pred,
            params={"force_finite": ff})
        reg(m, "constant_true_perfect_" + tag, const, const,
            params={"force_finite": ff})
        col = yt2[:8].copy()
        col[:, 1] = 7.0               # one constant output
        pc = yp2[:8].copy()
        for mo in MULTI[m]:
            reg(m, "const_column_%s_%s" % (mo, tag), col.tolist(),
                pc.tolist(), params={"multioutput": mo, "force_finite": ff})
        allc = np.tile([1.0, -2.0], (5, 1))
        reg(m, "all_const_variance_weighted_" + tag, allc.tolist(),
            (allc + rng.normal(size=(5, 2))).tolist(),
            params={"multioutput": "variance_weighted", "force_finite": ff})
    reg(m, "single_sample_ff_false", [1.0], [2.0],
        params={"force_finite": False})
    reg(m, "two_samples", [1.0, 2.0], [1.5, 1.0])
    reg(m, "negative_weights", yt1.tolist(), yp1.tolist(),
        sw=(w1 - 0.5).tolist())
    reg(m, "zero_weights_some", yt1.tolist(), yp1.tolist(),
        sw=np.where(np.arange(15) % 3 == 0, 0.0, w1).tolist())
reg("explained_variance", "constant_offset", yt1.tolist(),
    (yt1 + 3.0).tolist())   # explained variance ignores a bias; r2 not
reg("r2", "constant_offset", yt1.tolist(), (yt1 + 3.0).tolist())

# ---------------------------------------------------------------- mape
zt = np.array([0.0, 1.0, -2.0, 0.0, 3.0, 1e-17])
zp = np.array([0.1, 1.1, -2.5, 0.0, 2.0, 0.0])
reg("mape", "zeros_in_true", zt.tolist(), zp.tolist())
reg("mape", "zeros_in_true_raw", np.c_[zt, zt + 1].tolist(),
    np.c_[zp, zp].tolist(), params={"multioutput": "raw_values"})
reg("mape", "all_zero_perfect", [0.0, 0.0], [0.0, 0.0])

# -------------------------------------------------------------- median
reg("median_absolute_error", "even_n", [1.0, 2.0, 3.0, 4.0],
    [1.5, 2.0, 5.0, 3.0])
reg("median_absolute_error", "weighted_zero_weights", yt1.tolist(),
    yp1.tolist(), sw=np.where(np.arange(15) < 7, 0.0, 1.0).tolist())
reg("median_absolute_error", "weighted_all_zero", [1.0, 2.0, 3.0],
    [0.0, 0.0, 0.0], sw=[0.0, 0.0, 0.0])
reg("median_absolute_error", "weighted_exact_half", [0.0] * 4,
    [1.0, 2.0, 3.0, 4.0], sw=[1.0, 1.0, 1.0, 1.0])
reg("median_absolute_error", "weighted_ties", [0.0] * 6,
    [1.0, 1.0, 2.0, 2.0, 2.0, 3.0], sw=[0.5, 2.0, 1.0, 0.1, 0.4, 3.0])

# ---------------------------------------------------------------- msle
reg("msle", "zeros", [0.0, 0.0, 1.0], [0.0, 2.0, 0.0])
for sq in [True, False]:
    t = "squared" if sq else "root"
    reg("msle", "basic_" + t, pos1.tolist(), posp1.tolist(),
        params={"squared": sq})
    reg("msle", "multi_raw_" + t, pos2.tolist(), posp2.tolist(),
        params={"squared": sq, "multioutput": "raw_values"})
    reg("msle", "multi_weighted_" + t, pos2.tolist(), posp2.tolist(),
        sw=w2.tolist(), params={"squared": sq})

# ------------------------------------------------------------- pinball
for a in [0.0, 0.1, 0.9, 1.0, 1.5]:
    reg("pinball", "alpha_%g" % a, yt1.tolist(), yp1.tolist(),
        params={"alpha": a})
    reg("pinball", "alpha_%g_multi_raw_weighted" % a, yt2.tolist(),
        yp2.tolist(), sw=w2.tolist(),
        params={"alpha": a, "multioutput": "raw_values"})

# ----------------------------------------------------------- max_error


def maxe(name, yt, yp):
    v = skm.max_error(np.asarray(yt, float), np.asarray(yp, float))
    cg.case("metrics", "regr.max_error." + name, "/v1/metrics/max_error",
            {"inputs": {"y_true": yt, "y_pred": yp}},
            expect={"metric": "max_error", "value": num(v)})


maxe("basic", yt1.tolist(), yp1.tolist())
maxe("perfect", yt1.tolist(), yt1.tolist())
maxe("single_sample", [3.0], [-1.5])
maxe("column_vector", yt1[:, None].tolist(), yp1[:, None].tolist())
maxe("ties", [1.0, 2.0, 3.0], [2.0, 1.0, 4.0])

# -------------------------------------------------------- correlations


def corr(metric, name, x, y, params=None, rtol=1e-9):
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    params = params or {}
    if metric == "pearson":
        r = stats.pearsonr(x, y)
    elif metric == "spearman":
        r = stats.spearmanr(x, y)
    else:
        r = stats.kendalltau(x, y, **params)
    exp = {"metric": metric, "value": num(r[0]), "pvalue": num(r[1])}
    body = {"inputs": {"x": x.tolist(), "y": y.tolist()}}
    if params:
        body["params"] = params
        exp["params"] = params
    cg.case("metrics", "regr.%s.%s" % (metric, name),
            "/v1/metrics/" + metric, body, expect=exp, rtol=rtol)


x = rng.normal(size=40)
y = 0.6 * x + rng.normal(size=40)
xt = rng.integers(0, 5, size=40).astype(float)   # many ties
yt = rng.integers(0, 4, size=40).astype(float)
for m in ["pearson", "spearman", "kendall"]:
    corr(m, "basic", x, y)
    corr(m, "ties", xt, yt)
    corr(m, "ties_one_side", xt, y)
    corr(m, "perfect", x, 2 * x + 1)
    corr(m, "perfect_negative", x, -x)
    corr(m, "constant_x", np.ones(5), np.arange(5.0))
    corr(m, "constant_y", np.arange(5.0), np.full(5, 3.0))
    corr(m, "two", [1.0, 2.0], [3.0, 1.0])
    corr(m, "three", [1.0, 2.0, 3.0], [1.0, 3.0, 2.0])
    corr(m, "strong_n500", rng.normal(size=500) + np.arange(500) / 50,
         np.arange(500.0))
    corr(m, "independent_n200", rng.normal(size=200), rng.normal(size=200))
corr("spearman", "one", [1.0], [2.0])
corr("kendall", "one", [1.0], [2.0])
corr("pearson", "near_constant", [1.0, 1.0 + 1e-15, 1.0, 1.0 + 2e-15],
     [1.0, 2.0, 3.0, 4.0], rtol=1e-6)

# kendall: variants, p-value methods, exact small n
for variant in ["b", "c"]:
    for method in ["auto", "asymptotic"]:
        corr("kendall", "ties_%s_%s" % (variant, method), xt, yt,
             params={"variant": variant, "method": method})
    corr("kendall", "rect_table_" + variant, xt, (yt > 1).astype(float),
         params={"variant": variant})
for n in [2, 3, 4, 5, 8, 12, 20, 33, 34, 60]:
    xs = rng.permutation(n).astype(float)
    ys = rng.permutation(n).astype(float)
    for method in ["auto", "exact", "asymptotic"]:
        corr("kendall", "n%d_%s" % (n, method), xs, ys,
             params={"method": method})
for n in [3, 4, 10]:   # every order of n=3, plus the extremes
    base = np.arange(float(n))
    corr("kendall", "n%d_exact_identity" % n, base, base,
         params={"method": "exact"})
    corr("kendall", "n%d_exact_reversed" % n, base, base[::-1].copy(),
         params={"method": "exact"})
for i, p in enumerate(itertools.permutations(range(3))):
    corr("kendall", "n3_perm%d" % i, [0.0, 1.0, 2.0], list(map(float, p)))
# one discordant pair at n = 50: auto picks the exact p-value
xs = np.arange(50.0)
ys = xs.copy()
ys[[10, 11]] = ys[[11, 10]]
corr("kendall", "n50_one_discordant_auto", xs, ys)
xs = rng.permutation(200).astype(float)
corr("kendall", "n200_exact", xs, xs + rng.normal(size=200) * 40,
     params={"method": "exact"})
corr("kendall", "n2_asymptotic_increasing", [1.0, 2.0], [2.0, 3.0],
     params={"method": "asymptotic"})
corr("kendall", "n1000_ties", rng.integers(0, 50, size=1000).astype(float),
     rng.integers(0, 50, size=1000).astype(float))

# --------------------------------------------------------------- invalid


def bad(name, metric, inputs, code, path, params=None):
    body = {"inputs": inputs}
    if params:
        body["params"] = params
    cg.case("invalid", "regr.%s.%s" % (metric, name), "/v1/metrics/" + metric,
            body, status=422, expect={"error": {"code": code, "path": path}})


for m in MULTI:
    bad("n_mismatch", m, {"y_true": [1.0, 2.0, 3.0], "y_pred": [1.0, 2.0]},
        "shape_mismatch", "/inputs/y_pred")
    bad("k_mismatch", m, {"y_true": [[1.0, 2.0]], "y_pred": [[1.0, 2.0, 3.0]]},
        "shape_mismatch", "/inputs/y_pred")
    bad("rank3", m, {"y_true": [[[1.0]]], "y_pred": [[[1.0]]]},
        "shape_mismatch", "/inputs/y_true")
    bad("empty", m, {"y_true": [], "y_pred": []}, "empty_input",
        "/inputs/y_true")
    bad("weight_shape", m, {"y_true": [1.0, 2.0], "y_pred": [1.0, 2.0],
                            "sample_weight": [1.0]},
        "shape_mismatch", "/inputs/sample_weight")
    bad("bad_multioutput", m, {"y_true": [1.0, 2.0], "y_pred": [1.0, 2.0]},
        "invalid_value", "/params/multioutput",
        params={"multioutput": "variance" if m in ("r2",
                                                   "explained_variance")
                else "variance_weighted"})
for m in ["r2", "explained_variance", "mape", "msle", "pinball"]:
    bad("weights_sum_zero", m, {"y_true": [1.0, 2.0], "y_pred": [1.0, 2.5],
                                "sample_weight": [1.0, -1.0]},
        "invalid_value", "/inputs/sample_weight")
bad("negative_weight", "median_absolute_error",
    {"y_true": [1.0, 2.0], "y_pred": [1.0, 2.5], "sample_weight": [1.0, -1.0]},
    "invalid_value", "/inputs/sample_weight")
bad("negative_true", "msle", {"y_true": [1.0, -0.5], "y_pred": [1.0, 2.0]},
    "invalid_value", "/inputs/y_true")
bad("negative_pred", "msle", {"y_true": [1.0, 0.5], "y_pred": [1.0, -2.0]},
    "invalid_value", "/inputs/y_pred")
bad("multioutput", "max_error", {"y_true": [[1.0, 2.0]], "y_pred": [[1.0, 2.0]]},
    "shape_mismatch", "/inputs/y_true")
bad("n_mismatch", "max_error", {"y_true": [1.0, 2.0], "y_pred": [1.0]},
    "shape_mismatch", "/inputs/y_pred")
bad("sample_weight_unknown", "max_error",
    {"y_true": [1.0], "y_pred": [1.0], "sample_weight": [1.0]},
    "unknown_input", "/inputs/sample_weight")
for m in ["pearson", "spearman", "kendall"]:
    bad("length_mismatch", m, {"x": [1.0, 2.0, 3.0], "y": [1.0, 2.0]},
        "shape_mismatch", "/inputs/y")
    bad("two_d", m, {"x": [[1.0, 2.0]], "y": [[1.0, 2.0]]},
        "shape_mismatch", "/inputs/x")
bad("one_sample", "pearson", {"x": [1.0], "y": [2.0]}, "invalid_value",
    "/inputs/x")
bad("exact_with_ties", "kendall", {"x": [1.0, 1.0, 2.0], "y": [1.0, 2.0, 3.0]},
    "invalid_value", "/params/method", params={"method": "exact"})
big = np.random.default_rng(7).permutation(3000).astype(float)
cg.case("invalid", "regr.kendall.exact_too_costly", "/v1/metrics/kendall",
        {"inputs": {"x": np.arange(3000.0).tolist(), "y": big.tolist()},
         "params": {"method": "exact"}}, status=413,
        expect={"error": {"code": "too_large", "path": "/params/method"}})
bad("bad_variant", "kendall", {"x": [1.0, 2.0], "y": [1.0, 2.0]},
    "invalid_value", "/params/variant", params={"variant": "a"})

cg.done()
