#!/usr/bin/python3
"""gen_loss2 - cases for the losses of loss_prob.h and loss_margin.h:
kl_div, poisson_nll, margin_ranking, hinge_embedding, soft_margin,
multilabel_soft_margin, multi_margin, multilabel_margin, cosine_embedding
and triplet_margin.

Every reference value is torch.nn.functional 1.13 on float64 tensors (the
function named by the metric, with _loss appended), fed with exactly the
float64 values the service decodes (a float32 packed input is widened
first).  Where torch gives NaN or inf, the expected answer is null with the
service's warning; where torch raises, the case is in invalid/ (422).
Run with Debian's python3: /usr/bin/python3 tests/gen/gen_loss2.py
"""
import math
import warnings

import numpy as np
import torch
import torch.nn.functional as F

import casegen as cg
from wire import L, T, W, Wire

warnings.simplefilter("ignore")
torch.set_default_dtype(torch.float64)

cg.reset("metrics", "loss2.")
cg.reset("invalid", "loss2.")
rng = np.random.default_rng(20261202)
REDS = ["mean", "sum", "none"]


def nulls(v):
    """Nested lists with NaN/inf as None, and whether there was one."""
    if isinstance(v, list):
        out = [nulls(x) for x in v]
        return [o[0] for o in out], any(o[1] for o in out)
    if math.isfinite(v):
        return v, False
    return None, True


def ok(metric, name, inputs, params=None, ref=None, rtol=1e-9, atol=1e-12):
    """A valid case; `ref` is torch's result: "value" when reduced,
    "values" for reduction none.  Non-finite results are null with the
    service's warning."""
    body = {"inputs": {k: (v.json if isinstance(v, Wire) else v)
                       for k, v in inputs.items()}}
    if params:
        body["params"] = params
    red = (params or {}).get("reduction", "mean")
    exp = {"metric": metric}
    r = ref.detach().numpy() if torch.is_tensor(ref) else np.asarray(ref)
    if red == "none":
        vals, bad_ = nulls(r.tolist())
        exp["values"] = vals
        if bad_:
            exp["warnings"] = ["values holds non-finite values, reported "
                               "as null"]
    else:
        v = float(r)
        exp["value"] = v if math.isfinite(v) else None
        if not math.isfinite(v):
            exp["warnings"] = ["value is %s and is reported as null" %
                               ("NaN" if math.isnan(v) else "infinite")]
    cg.case("metrics", "loss2.%s.%s" % (metric, name),
            "/v1/metrics/" + metric, body, expect=exp, rtol=rtol, atol=atol)


def bad(metric, name, inputs, code, path, params=None, status=422,
        torch_call=None):
    """An invalid case; `torch_call`, when given, must raise in torch (the
    reason for the 422)."""
    if torch_call is not None:
        try:
            torch_call()
        except (RuntimeError, ValueError, IndexError):
            pass
        else:
            raise AssertionError("torch accepts %s.%s" % (metric, name))
    body = {"inputs": {k: (v.json if isinstance(v, Wire) else v)
                       for k, v in inputs.items()}}
    if params is not None:
        body["params"] = params
    cg.case("invalid", "loss2.%s.%s" % (metric, name),
            "/v1/metrics/" + metric, body, status=status,
            expect={"error": {"code": code, "path": path}})


def randn(*shape, scale=1.0):
    return rng.normal(size=shape) * scale


def tag(v):
    return ("%g" % v).replace(".", "p").replace("-", "m").replace("+", "")


# ==================================================================== kl_div
def kl(x, t, red="mean", log_target=False):
    return F.kl_div(T(x), T(t), reduction=red, log_target=log_target)


KL_REDS = REDS + ["batchmean"]
lp = np.log(rng.dirichlet(np.ones(5), size=4))
pt = rng.dirichlet(np.ones(5), size=4)
pt_zero = pt.copy()
pt_zero[0, 1] = 0.0
pt_zero[2, :3] = 0.0
pt_zero[2] /= pt_zero[2].sum()
lpw = W(lp, np.float32)
for red in KL_REDS:
    ok("kl_div", red, {"input": W(lp), "target": W(pt)},
       {"reduction": red}, kl(lp, pt, red))
    ok("kl_div", "log_target_" + red, {"input": W(lp), "target":
                                       W(np.log(pt))},
       {"reduction": red, "log_target": True}, kl(lp, np.log(pt), red, True))
    ok("kl_div", "zero_targets_" + red, {"input": W(lp), "target":
                                         W(pt_zero)},
       {"reduction": red}, kl(lp, pt_zero, red))
    ok("kl_div", "packed_f32_" + red, {"input": lpw, "target": W(pt)},
       {"reduction": red}, kl(lpw, pt, red))
# broadcasting both ways; batchmean divides by input's dim 0
ok("kl_div", "target_broadcast_batchmean", {"input": W(lp), "target":
                                            W(pt[0])},
   {"reduction": "batchmean"}, kl(lp, pt[0], "batchmean"))
ok("kl_div", "input_broadcast_batchmean", {"input": W(lp[0]), "target":
                                           W(pt)},
   {"reduction": "batchmean"}, kl(lp[0], pt, "batchmean"))
ok("kl_div", "input_broadcast_none", {"input": W(lp[:1]), "target": W(pt)},
   {"reduction": "none"}, kl(lp[:1], pt, "none"))
lp3 = np.log(rng.dirichlet(np.ones(3), size=(2, 4)))
pt3 = rng.dirichlet(np.ones(3), size=(2, 4))
ok("kl_div", "3d_batchmean", {"input": W(lp3), "target": W(pt3)},
   {"reduction": "batchmean"}, kl(lp3, pt3, "batchmean"))
ok("kl_div", "scalar_batchmean", {"input": -0.7, "target": 0.4},
   {"reduction": "batchmean"}, kl(-0.7, 0.4, "batchmean"))
ok("kl_div", "all_zero_target", {"input": W(lp), "target":
                                  np.zeros((4, 5))},
   {"reduction": "sum"}, kl(lp, np.zeros((4, 5)), "sum"))
big = randn(3, 4, scale=1e3)
ok("kl_div", "large_inputs_sum", {"input": W(big), "target": W(pt[:3, :4])},
   {"reduction": "sum"}, kl(big, pt[:3, :4], "sum"))
ok("kl_div", "log_target_extreme", {"input": W(big), "target": W(-big)},
   {"reduction": "none", "log_target": True},
   kl(big, -big, "none", True))
# torch: xlogy of a negative target is NaN; 0 * -inf is NaN too
ok("kl_div", "negative_target_nan", {"input": [-1.0, -2.0],
                                     "target": [0.5, -0.5]},
   {"reduction": "none"}, kl([-1.0, -2.0], [0.5, -0.5], "none"))
ok("kl_div", "negative_target_mean", {"input": [-1.0, -2.0],
                                      "target": [0.5, -0.5]},
   None, kl([-1.0, -2.0], [0.5, -0.5]))

# =============================================================== poisson_nll
def pnll(x, t, red="mean", log_input=True, full=False, eps=1e-8):
    return F.poisson_nll_loss(T(x), T(t), log_input=log_input, full=full,
                              eps=eps, reduction=red)


xr = randn(3, 5)
counts = np.array([[0, 1, 2, 5, 0], [3, 1, 0, 8, 1], [2, 2, 0, 1, 13]],
                  dtype=np.float64)
rate = np.abs(randn(3, 5)) + 0.05
for red in REDS:
    for li in [True, False]:
        for full in [False, True]:
            x = xr if li else rate
            nm = "%s_%s_%s" % ("log" if li else "rate",
                               "full" if full else "plain", red)
            ok("poisson_nll", nm, {"input": W(x), "target": W(counts)},
               {"reduction": red, "log_input": li, "full": full},
               pnll(x, counts, red, li, full))
ok("poisson_nll", "default", {"input": W(xr), "target": W(counts)}, None,
   pnll(xr, counts))
for eps in [0.0, 0.5]:
    ok("poisson_nll", "rate_eps_" + tag(eps),
       {"input": W(rate), "target": W(counts)},
       {"reduction": "none", "log_input": False, "eps": eps},
       pnll(rate, counts, "none", False, False, eps))
zr = rate.copy()
zr[0, :2] = 0.0
ok("poisson_nll", "rate_zero_eps", {"input": W(zr), "target": W(counts)},
   {"reduction": "sum", "log_input": False}, pnll(zr, counts, "sum", False))
ok("poisson_nll", "full_fractional_targets",
   {"input": W(xr[0]), "target": [0.0, 0.5, 1.0, 1.5, 3.25]},
   {"reduction": "none", "full": True},
   pnll(xr[0], [0.0, 0.5, 1.0, 1.5, 3.25], "none", True, True))
ok("poisson_nll", "target_broadcast", {"input": W(xr), "target":
                                       W(counts[0])},
   {"reduction": "none", "full": True},
   pnll(xr, counts[0], "none", True, True))
ok("poisson_nll", "input_broadcast", {"input": W(xr[:, :1]), "target":
                                      W(counts)},
   {"reduction": "sum"}, pnll(xr[:, :1], counts, "sum"))
xpk = W(xr * 4, np.float32)
ok("poisson_nll", "packed_f32", {"input": xpk, "target": W(counts,
                                                           np.int64)},
   {"reduction": "sum", "full": True}, pnll(xpk, counts, "sum", True, True))
ext = np.array([-1e3, -30.0, 30.0, 700.0])
ok("poisson_nll", "extreme_log_inputs", {"input": W(ext), "target":
                                         [0.0, 2.0, 40.0, 1000.0]},
   {"reduction": "none"}, pnll(ext, [0.0, 2.0, 40.0, 1000.0], "none"))
ok("poisson_nll", "overflow_inf", {"input": [1e3, 0.0], "target":
                                   [1.0, 1.0]},
   None, pnll([1e3, 0.0], [1.0, 1.0]))
ok("poisson_nll", "negative_rate_nan", {"input": [-0.5, 2.0],
                                        "target": [2.0, 1.0]},
   {"reduction": "none", "log_input": False},
   pnll([-0.5, 2.0], [2.0, 1.0], "none", False))
ok("poisson_nll", "scalar", {"input": 0.3, "target": 4.0},
   {"reduction": "none", "full": True}, pnll(0.3, 4.0, "none", True, True))

# ============================================================ margin_ranking
def mrank(a, b, y, red="mean", margin=0.0):
    return F.margin_ranking_loss(T(a), T(b), T(y), margin=margin,
                                 reduction=red)


a1 = randn(6)
a2 = randn(6)
ys = np.array([1.0, -1.0, 1.0, -1.0, -1.0, 1.0])
for red in REDS:
    for m in [0.0, 0.5, -0.3]:
        ok("margin_ranking", "%s_margin_%s" % (red, tag(m)),
           {"input1": W(a1), "input2": W(a2), "target": W(ys)},
           {"reduction": red, "margin": m}, mrank(a1, a2, ys, red, m))
ok("margin_ranking", "default", {"input1": W(a1), "input2": W(a2),
                                 "target": W(ys)}, None, mrank(a1, a2, ys))
ynon = np.array([0.0, 2.0, 0.5, -3.0, 1.0, -1.0])
ok("margin_ranking", "target_not_pm1", {"input1": W(a1), "input2": W(a2),
                                        "target": W(ynon)},
   {"reduction": "none", "margin": 0.2}, mrank(a1, a2, ynon, "none", 0.2))
b1 = randn(3, 1)
b2 = randn(1, 4)
by = np.sign(randn(3, 4))
ok("margin_ranking", "broadcast_none", {"input1": W(b1), "input2": W(b2),
                                        "target": W(by)},
   {"reduction": "none", "margin": 0.1}, mrank(b1, b2, by, "none", 0.1))
bb = randn(3, 4)
ok("margin_ranking", "broadcast_target_sum",
   {"input1": W(bb), "input2": W(b1), "target": [[-1.0, 1.0, 1.0, -1.0]]},
   {"reduction": "sum"}, mrank(bb, b1, [[-1.0, 1.0, 1.0, -1.0]], "sum"))
pk1, pk2 = W(a1 * 10, np.float32), W(a2 * 10, np.float32)
ok("margin_ranking", "packed_f32", {"input1": pk1, "input2": pk2,
                                    "target": W(ys, np.int64)},
   {"reduction": "mean", "margin": 1.0}, mrank(pk1, pk2, ys, "mean", 1.0))
ok("margin_ranking", "ties", {"input1": [1.0, 2.0], "input2": [1.0, 2.0],
                              "target": [1.0, -1.0]},
   {"reduction": "none", "margin": 0.5},
   mrank([1.0, 2.0], [1.0, 2.0], [1.0, -1.0], "none", 0.5))
ok("margin_ranking", "scalars", {"input1": 0.2, "input2": 0.9,
                                 "target": 1.0},
   {"reduction": "none"}, mrank(0.2, 0.9, 1.0, "none"))
ok("margin_ranking", "large", {"input1": W(a1 * 1e200),
                               "input2": W(a2 * 1e200), "target": W(ys)},
   {"reduction": "sum"}, mrank(a1 * 1e200, a2 * 1e200, ys, "sum"))

# =========================================================== hinge_embedding
def hinge(x, y, red="mean", margin=1.0):
    return F.hinge_embedding_loss(T(x), T(y), margin=margin, reduction=red)


hx = np.abs(randn(3, 4)) * 1.5
hy = np.sign(randn(3, 4))
for red in REDS:
    for m in [1.0, 0.3, 2.0]:
        ok("hinge_embedding", "%s_margin_%s" % (red, tag(m)),
           {"input": W(hx), "target": W(hy)}, {"reduction": red,
                                               "margin": m},
           hinge(hx, hy, red, m))
ok("hinge_embedding", "default", {"input": W(hx), "target": W(hy)}, None,
   hinge(hx, hy))
hnon = [[1.0, -1.0, 0.0, 0.5], [2.0, -2.0, 1.0, -1.0], [0.0, 0.0, -1.0, 1.0]]
hxn = randn(3, 4)
ok("hinge_embedding", "target_not_pm1", {"input": W(hxn), "target": hnon},
   {"reduction": "none"}, hinge(hxn, hnon, "none"))
ok("hinge_embedding", "target_broadcast", {"input": W(hx), "target":
                                           [1.0, -1.0, -1.0, 1.0]},
   {"reduction": "none", "margin": 0.8},
   hinge(hx, [1.0, -1.0, -1.0, 1.0], "none", 0.8))
ok("hinge_embedding", "input_broadcast", {"input": W(hx[0]), "target":
                                          W(hy)},
   {"reduction": "sum"}, hinge(hx[0], hy, "sum"))
hpk = W(hx, np.float32)
ok("hinge_embedding", "packed_f32", {"input": hpk, "target":
                                     W(hy, np.int32)},
   {"reduction": "mean", "margin": 1.25}, hinge(hpk, hy, "mean", 1.25))
ok("hinge_embedding", "negative_distances", {"input": W(-hx), "target":
                                             W(hy)},
   {"reduction": "none"}, hinge(-hx, hy, "none"))

# =============================================================== soft_margin
def softm(x, y, red="mean"):
    return F.soft_margin_loss(T(x), T(y), reduction=red)


sx = randn(3, 4) * 2
sy = np.sign(randn(3, 4))
for red in REDS:
    ok("soft_margin", red, {"input": W(sx), "target": W(sy)},
       {"reduction": red}, softm(sx, sy, red))
ok("soft_margin", "target_not_pm1", {"input": W(sx), "target": W(hnon)},
   {"reduction": "none"}, softm(sx, hnon, "none"))
ok("soft_margin", "target_broadcast", {"input": W(sx), "target":
                                       [1.0, -1.0, 1.0, 1.0]},
   {"reduction": "sum"}, softm(sx, [1.0, -1.0, 1.0, 1.0], "sum"))
spk = W(sx * 50, np.float32)
ok("soft_margin", "packed_f32", {"input": spk, "target": W(sy, np.int64)},
   None, softm(spk, sy))
sext = np.array([-700.0, -30.0, 30.0, 700.0, 1e3])
ok("soft_margin", "large_margins", {"input": W(sext), "target":
                                    [1.0, 1.0, 1.0, -1.0, 1.0]},
   {"reduction": "none"}, softm(sext, [1.0, 1.0, 1.0, -1.0, 1.0], "none"))
# torch's exp overflows: log1p(exp(1000)) is inf there
ok("soft_margin", "extreme_inf", {"input": [-1e3, 1e3], "target":
                                  [1.0, 1.0]},
   {"reduction": "none"}, softm([-1e3, 1e3], [1.0, 1.0], "none"))
ok("soft_margin", "extreme_inf_mean", {"input": [-1e3, 1e3], "target":
                                       [1.0, 1.0]},
   None, softm([-1e3, 1e3], [1.0, 1.0]))
ok("soft_margin", "scalar", {"input": 0.25, "target": -1.0},
   {"reduction": "none"}, softm(0.25, -1.0, "none"))

# ==================================================== multilabel_soft_margin
def mlsm(x, y, red="mean", w=None):
    return F.multilabel_soft_margin_loss(
        T(x), T(y), weight=None if w is None else T(w), reduction=red)


mx = randn(4, 5) * 3
my = (rng.random((4, 5)) < 0.4).astype(np.float64)
wc = rng.random(5) * 2
for red in REDS:
    ok("multilabel_soft_margin", red, {"input": W(mx), "target": W(my)},
       {"reduction": red}, mlsm(mx, my, red))
    ok("multilabel_soft_margin", "weight_c_" + red,
       {"input": W(mx), "target": W(my), "weight": W(wc)},
       {"reduction": red}, mlsm(mx, my, red, wc))
wn = rng.random((4, 1)) + 0.5
ok("multilabel_soft_margin", "weight_per_sample",
   {"input": W(mx), "target": W(my), "weight": W(wn)},
   {"reduction": "none"}, mlsm(mx, my, "none", wn))
wfull = rng.random((4, 5))
ok("multilabel_soft_margin", "weight_full",
   {"input": W(mx), "target": W(my), "weight": W(wfull)},
   {"reduction": "sum"}, mlsm(mx, my, "sum", wfull))
soft = rng.random((4, 5))
ok("multilabel_soft_margin", "soft_labels",
   {"input": W(mx), "target": W(soft)}, {"reduction": "none"},
   mlsm(mx, soft, "none"))
ok("multilabel_soft_margin", "one_sample_1d",
   {"input": W(mx[0]), "target": W(my[0])}, {"reduction": "none"},
   mlsm(mx[0], my[0], "none"))
m3 = randn(2, 3, 4)
y3 = (rng.random((2, 3, 4)) < 0.5).astype(np.float64)
ok("multilabel_soft_margin", "3d_none", {"input": W(m3), "target": W(y3)},
   {"reduction": "none"}, mlsm(m3, y3, "none"))
ok("multilabel_soft_margin", "target_broadcast",
   {"input": W(mx), "target": W(my[:1])}, {"reduction": "none"},
   mlsm(mx, my[:1], "none"))
# torch sums over the broadcast class dim but divides by input's (1)
ok("multilabel_soft_margin", "input_class_dim_1",
   {"input": W(mx[:, :1]), "target": W(my)}, {"reduction": "none"},
   mlsm(mx[:, :1], my, "none"))
ext = np.array([[-1e3, 1e3, -1e3, 1e3], [50.0, -50.0, 0.0, 1e-9]])
eyy = np.array([[1.0, 0.0, 0.0, 1.0], [1.0, 1.0, 0.0, 1.0]])
ok("multilabel_soft_margin", "extreme_logits", {"input": W(ext),
                                                "target": W(eyy)},
   {"reduction": "none"}, mlsm(ext, eyy, "none"))
mpk = W(mx, np.float32)
ok("multilabel_soft_margin", "packed_f32",
   {"input": mpk, "target": W(my, np.uint8), "weight": W(wc, np.float32)},
   None, mlsm(mpk, my, "mean", Wire(wc, np.float32).f64))

# ============================================================== multi_margin
def mmargin(x, y, red="mean", p=1, margin=1.0, w=None):
    return F.multi_margin_loss(T(x), L(y), p=p, margin=margin,
                               weight=None if w is None else T(w),
                               reduction=red)


qx = randn(5, 4)
qy = np.array([0, 3, 1, 2, 3])
qw = rng.random(4) + 0.25
for red in REDS:
    for p in [1, 2]:
        for wname, w in [("", None), ("weight_", qw)]:
            prm = {"reduction": red, "p": p}
            if w is not None:
                prm["weight"] = w.tolist()
            ok("multi_margin", "%sp%d_%s" % (wname, p, red),
               {"input": W(qx), "target": W(qy)}, prm,
               mmargin(qx, qy, red, p, 1.0, w))
for m in [0.0, 0.5, 3.0, -1.0]:
    ok("multi_margin", "margin_" + tag(m), {"input": W(qx), "target":
                                            W(qy)},
       {"reduction": "none", "p": 2, "margin": m},
       mmargin(qx, qy, "none", 2, m))
ok("multi_margin", "default", {"input": W(qx), "target": W(qy)}, None,
   mmargin(qx, qy))
ok("multi_margin", "one_sample_scalar_target",
   {"input": W(qx[0]), "target": 2}, {"reduction": "none"},
   mmargin(qx[0], 2, "none"))
ok("multi_margin", "one_sample_target_1",
   {"input": W(qx[0]), "target": [2]}, {"reduction": "none"},
   mmargin(qx[0], [2], "none"))
ok("multi_margin", "scalar_input", {"input": 0.5, "target": 0},
   {"reduction": "none"}, mmargin(0.5, 0, "none"))
ok("multi_margin", "ties", {"input": [[1.0, 1.0, 1.0], [0.0, 2.0, 2.0]],
                            "target": [1, 2]},
   {"reduction": "none", "p": 2},
   mmargin([[1.0, 1.0, 1.0], [0.0, 2.0, 2.0]], [1, 2], "none", 2))
qpk = W(qx * 100, np.float32)
ok("multi_margin", "packed_f32", {"input": qpk, "target": W(qy, np.int64)},
   {"reduction": "sum", "p": 2, "weight": cg.packed(qw)},
   mmargin(qpk, qy, "sum", 2, 1.0, qw))
ok("multi_margin", "float_integer_target",
   {"input": W(qx), "target": W(qy.astype(np.float64))},
   {"reduction": "mean"}, mmargin(qx, qy))
ok("multi_margin", "large", {"input": W(qx * 1e150), "target": W(qy)},
   {"reduction": "mean", "p": 1}, mmargin(qx * 1e150, qy))

# ========================================================= multilabel_margin
def mlmargin(x, y, red="mean"):
    return F.multilabel_margin_loss(T(x), L(y), reduction=red)


gx = randn(4, 5)
gy = np.array([[3, 0, -1, 1, 2],    # 1 after -1 is ignored
               [0, 1, 2, 3, 4],     # every class a target: 0
               [-1, 2, 0, 0, 1],    # no target: 0
               [4, 4, -1, -1, -1]])  # a repeated target counts twice
for red in REDS:
    ok("multilabel_margin", red, {"input": W(gx), "target": W(gy)},
       {"reduction": red}, mlmargin(gx, gy, red))
allpad = -np.ones((3, 5), dtype=np.int64)
ok("multilabel_margin", "all_padded", {"input": W(gx[:3]), "target":
                                       W(allpad)},
   {"reduction": "none"}, mlmargin(gx[:3], allpad, "none"))
ok("multilabel_margin", "all_padded_mean", {"input": W(gx[:3]), "target":
                                            W(allpad)},
   None, mlmargin(gx[:3], allpad))
ok("multilabel_margin", "one_sample_1d", {"input": W(gx[0]), "target":
                                          W(gy[0])},
   {"reduction": "none"}, mlmargin(gx[0], gy[0], "none"))
ok("multilabel_margin", "scalar", {"input": 0.3, "target": 0},
   {"reduction": "none"}, mlmargin(0.3, 0, "none"))
gpk = W(gx * 3, np.float32)
ok("multilabel_margin", "packed_f32", {"input": gpk, "target":
                                       W(gy, np.int64)},
   {"reduction": "sum"}, mlmargin(gpk, gy, "sum"))
ok("multilabel_margin", "ties", {"input": [[0.5, 0.5, 0.5]],
                                 "target": [[1, -1, -1]]},
   {"reduction": "none"}, mlmargin([[0.5, 0.5, 0.5]], [[1, -1, -1]], "none"))

# ========================================================== cosine_embedding
def cosemb(a, b, y, red="mean", margin=0.0):
    return F.cosine_embedding_loss(T(a), T(b), T(y), margin=margin,
                                   reduction=red)


ca = randn(5, 3)
cb = randn(5, 3)
cy = np.array([1.0, -1.0, -1.0, 1.0, -1.0])
for red in REDS:
    for m in [0.0, 0.5, -0.2]:
        ok("cosine_embedding", "%s_margin_%s" % (red, tag(m)),
           {"input1": W(ca), "input2": W(cb), "target": W(cy)},
           {"reduction": red, "margin": m}, cosemb(ca, cb, cy, red, m))
ok("cosine_embedding", "default", {"input1": W(ca), "input2": W(cb),
                                   "target": W(cy)}, None,
   cosemb(ca, cb, cy))
cnon = np.array([0.0, 2.0, 1.0, -1.0, 0.5])
ok("cosine_embedding", "target_not_pm1", {"input1": W(ca), "input2": W(cb),
                                          "target": W(cnon)},
   {"reduction": "none"}, cosemb(ca, cb, cnon, "none"))
ok("cosine_embedding", "identical_vectors", {"input1": W(ca),
                                             "input2": W(ca),
                                             "target": W(cy)},
   {"reduction": "none", "margin": 0.3}, cosemb(ca, ca, cy, "none", 0.3))
zv = np.zeros((3, 4))
zo = randn(3, 4)
ok("cosine_embedding", "zero_vectors", {"input1": W(zv), "input2": W(zo),
                                        "target": [1.0, -1.0, 1.0]},
   {"reduction": "none"}, cosemb(zv, zo, [1.0, -1.0, 1.0], "none"))
ok("cosine_embedding", "both_zero", {"input1": W(zv), "input2": W(zv),
                                     "target": [1.0, -1.0, 1.0]},
   {"reduction": "sum", "margin": -0.5},
   cosemb(zv, zv, [1.0, -1.0, 1.0], "sum", -0.5))
# near-zero vectors: torch's 1e-12 in each squared norm shows
tiny = np.array([[1e-7, 0.0], [1e-6, 1e-6], [3e-5, -2e-5], [1e-300, 0.0]])
ok("cosine_embedding", "near_zero_vectors", {"input1": W(tiny),
                                             "input2": W(tiny),
                                             "target": [1.0, 1.0, 1.0, -1.0]},
   {"reduction": "none", "margin": -1.0},
   cosemb(tiny, tiny, [1.0, 1.0, 1.0, -1.0], "none", -1.0))
ok("cosine_embedding", "one_pair_1d", {"input1": W(ca[0]), "input2":
                                       W(cb[0]), "target": -1.0},
   {"reduction": "none", "margin": -0.9},
   cosemb(ca[0], cb[0], -1.0, "none", -0.9))
ok("cosine_embedding", "input2_broadcast", {"input1": W(ca), "input2":
                                            W(cb[:1]), "target": W(cy)},
   {"reduction": "none"}, cosemb(ca, cb[:1], cy, "none"))
ok("cosine_embedding", "target_broadcast", {"input1": W(ca), "input2":
                                            W(cb), "target": [1.0]},
   {"reduction": "sum"}, cosemb(ca, cb, [1.0], "sum"))
ok("cosine_embedding", "dim_broadcast", {"input1": W(ca), "input2":
                                         W(cb[:, :1]), "target": W(cy)},
   {"reduction": "none"}, cosemb(ca, cb[:, :1], cy, "none"))
cpa, cpb = W(ca * 1e3, np.float32), W(cb, np.float32)
ok("cosine_embedding", "packed_f32", {"input1": cpa, "input2": cpb,
                                      "target": W(cy, np.int64)},
   {"reduction": "mean", "margin": 0.1}, cosemb(cpa, cpb, cy, "mean", 0.1))
ok("cosine_embedding", "large", {"input1": W(ca * 1e100), "input2":
                                 W(cb * 1e100), "target": W(cy)},
   {"reduction": "none"}, cosemb(ca * 1e100, cb * 1e100, cy, "none"))

# ============================================================ triplet_margin
def trip(a, p_, n, red="mean", margin=1.0, p=2.0, eps=1e-6, swap=False):
    return F.triplet_margin_loss(T(a), T(p_), T(n), margin=margin, p=p,
                                 eps=eps, swap=swap, reduction=red)


ta = randn(5, 4)
tp = ta + randn(5, 4) * 0.5
tn = randn(5, 4)
TRI = {"anchor": W(ta), "positive": W(tp), "negative": W(tn)}
for red in REDS:
    for p in [1.0, 2.0]:
        for swap in [False, True]:
            ok("triplet_margin", "%s_p%d%s" % (red, p, "_swap" if swap
                                               else ""),
               TRI, {"reduction": red, "p": p, "swap": swap},
               trip(ta, tp, tn, red, 1.0, p, 1e-6, swap))
for p in [0.0, 0.5, 3.0, -1.0]:
    ok("triplet_margin", "p_" + tag(p), TRI,
       {"reduction": "none", "p": p}, trip(ta, tp, tn, "none", 1.0, p))
for m in [0.0, 0.25, 5.0]:
    ok("triplet_margin", "margin_" + tag(m), TRI,
       {"reduction": "none", "margin": m, "swap": True},
       trip(ta, tp, tn, "none", m, 2.0, 1e-6, True))
for eps in [0.0, 1e-3]:
    ok("triplet_margin", "eps_" + tag(eps), TRI,
       {"reduction": "sum", "eps": eps}, trip(ta, tp, tn, "sum", eps=eps))
ok("triplet_margin", "default", TRI, None, trip(ta, tp, tn))
# identical vectors: the distances are ‖eps‖, not 0
ok("triplet_margin", "identical", {"anchor": W(ta), "positive": W(ta),
                                   "negative": W(ta)},
   {"reduction": "none"}, trip(ta, ta, ta, "none"))
ok("triplet_margin", "identical_swap_p1", {"anchor": W(ta),
                                           "positive": W(ta),
                                           "negative": W(tn)},
   {"reduction": "none", "p": 1.0, "swap": True, "margin": 4.0},
   trip(ta, ta, tn, "none", 4.0, 1.0, 1e-6, True))
z4 = np.zeros((3, 4))
ok("triplet_margin", "zero_vectors", {"anchor": W(z4), "positive": W(z4),
                                      "negative": W(ta[:3])},
   {"reduction": "none", "swap": True}, trip(z4, z4, ta[:3], "none",
                                             swap=True))
# swap picks d(p, n) where the negative is nearer the positive
sn = tp + 0.05
ok("triplet_margin", "swap_nearer_positive", {"anchor": W(ta),
                                              "positive": W(tp),
                                              "negative": W(sn)},
   {"reduction": "none", "swap": True}, trip(ta, tp, sn, "none",
                                             swap=True))
ok("triplet_margin", "one_triplet_1d", {"anchor": W(ta[0]), "positive":
                                        W(tp[0]), "negative": W(tn[0])},
   {"reduction": "none", "margin": 3.0}, trip(ta[0], tp[0], tn[0], "none",
                                              3.0))
ok("triplet_margin", "scalars", {"anchor": 0.5, "positive": 0.25,
                                 "negative": 0.0},
   {"reduction": "none"}, trip(0.5, 0.25, 0.0, "none"))
t3a, t3p, t3n = randn(2, 3, 4), randn(2, 3, 4), randn(2, 3, 4)
ok("triplet_margin", "3d_none", {"anchor": W(t3a), "positive": W(t3p),
                                 "negative": W(t3n)},
   {"reduction": "none", "margin": 2.0}, trip(t3a, t3p, t3n, "none", 2.0))
ok("triplet_margin", "positive_broadcast", {"anchor": W(ta), "positive":
                                            W(tp[:1]), "negative": W(tn)},
   {"reduction": "none", "swap": True},
   trip(ta, tp[:1], tn, "none", swap=True))
ok("triplet_margin", "dim_broadcast", {"anchor": W(ta[:, :1]), "positive":
                                       W(tp[:, :1]), "negative": W(tn)},
   {"reduction": "none", "margin": 3.0},
   trip(ta[:, :1], tp[:, :1], tn, "none", 3.0))
tpa = W(ta * 30, np.float32)
ok("triplet_margin", "packed_f32", {"anchor": tpa, "positive": W(tp),
                                    "negative": W(tn, np.float32)},
   {"reduction": "mean", "p": 1.0}, trip(tpa, tp, Wire(tn, np.float32),
                                         "mean", p=1.0))
ok("triplet_margin", "large", {"anchor": W(ta * 1e100), "positive":
                               W(tp * 1e100), "negative": W(tn * 1e100)},
   {"reduction": "none"}, trip(ta * 1e100, tp * 1e100, tn * 1e100, "none"))

# =================================================================== invalid
two = {"input": [0.5, -0.5], "target": [1.0, -1.0]}
for metric in ["poisson_nll", "soft_margin", "multi_margin"]:
    inputs = two if metric != "multi_margin" else {"input": [[0.5, -0.5]],
                                                    "target": [1]}
    bad(metric, "batchmean", inputs, "invalid_value", "/params/reduction",
        {"reduction": "batchmean"})
bad("kl_div", "unknown_reduction", two, "invalid_value", "/params/reduction",
    {"reduction": "batch_mean"})
bad("kl_div", "shape_mismatch", {"input": W(lp), "target": W(pt[:, :3])},
    "shape_mismatch", "/inputs/target",
    torch_call=lambda: kl(lp, pt[:, :3]))
bad("kl_div", "empty", {"input": [], "target": []}, "empty_input",
    "/inputs/input")
bad("poisson_nll", "shape_mismatch", {"input": W(xr), "target":
                                      W(counts[:2])},
    "shape_mismatch", "/inputs/target",
    torch_call=lambda: pnll(xr, counts[:2]))
bad("poisson_nll", "log_input_not_bool", two, "wrong_type",
    "/params/log_input", {"log_input": "yes"}, status=400)
bad("margin_ranking", "dims_differ", {"input1": W(bb), "input2": W(bb[0]),
                                      "target": W(np.ones((3, 4)))},
    "shape_mismatch", "/inputs/input2",
    torch_call=lambda: mrank(bb, bb[0], np.ones((3, 4))))
bad("margin_ranking", "target_dims_differ",
    {"input1": W(a1), "input2": W(a2), "target": W(ys[None])},
    "shape_mismatch", "/inputs/target",
    torch_call=lambda: mrank(a1, a2, ys[None]))
bad("margin_ranking", "not_broadcastable",
    {"input1": W(a1), "input2": W(a2[:4]), "target": W(ys)},
    "shape_mismatch", "/inputs/input2",
    torch_call=lambda: mrank(a1, a2[:4], ys))
bad("margin_ranking", "input2_missing", {"input1": W(a1), "target": W(ys)},
    "missing_input", "/inputs/input2")
bad("hinge_embedding", "shape_mismatch", {"input": W(hx), "target":
                                          W(hy[:, :3])},
    "shape_mismatch", "/inputs/target",
    torch_call=lambda: hinge(hx, hy[:, :3]))
bad("hinge_embedding", "margin_not_number", two, "wrong_type",
    "/params/margin", {"margin": "1"}, status=400)
# torch writes soft_margin into an input-shaped tensor: no growing input
bad("soft_margin", "input_would_grow", {"input": W(sx[0]), "target":
                                        W(sy)},
    "shape_mismatch", "/inputs/target",
    torch_call=lambda: softm(sx[0], sy))
bad("multilabel_soft_margin", "scalar_input", {"input": 1.0, "target": 1.0},
    "shape_mismatch", "/inputs/input",
    torch_call=lambda: mlsm(1.0, 1.0))
bad("multilabel_soft_margin", "weight_not_broadcastable",
    {"input": W(mx), "target": W(my), "weight": W(wc[:3])},
    "shape_mismatch", "/inputs/weight",
    torch_call=lambda: mlsm(mx, my, "mean", wc[:3]))
bad("multilabel_soft_margin", "target_shape",
    {"input": W(mx), "target": W(my[:, :2])}, "shape_mismatch",
    "/inputs/target", torch_call=lambda: mlsm(mx, my[:, :2]))
bad("multilabel_soft_margin", "target_adds_dims",
    {"input": W(mx), "target": W(my[None])}, "shape_mismatch",
    "/inputs/target")
bad("multi_margin", "index_out_of_range", {"input": W(qx), "target":
                                           [0, 4, 1, 2, 3]},
    "out_of_range", "/inputs/target",
    torch_call=lambda: mmargin(qx, [0, 4, 1, 2, 3]))
bad("multi_margin", "index_negative", {"input": W(qx), "target":
                                       [0, -1, 1, 2, 3]},
    "out_of_range", "/inputs/target",
    torch_call=lambda: mmargin(qx, [0, -1, 1, 2, 3]))
bad("multi_margin", "index_not_integer", {"input": W(qx), "target":
                                          [0, 1.5, 1, 2, 3]},
    "invalid_value", "/inputs/target")
bad("multi_margin", "target_2d", {"input": W(qx), "target": W(qy[:, None])},
    "shape_mismatch", "/inputs/target",
    torch_call=lambda: mmargin(qx, qy[:, None]))
bad("multi_margin", "target_length", {"input": W(qx), "target": W(qy[:3])},
    "shape_mismatch", "/inputs/target",
    torch_call=lambda: mmargin(qx, qy[:3]))
bad("multi_margin", "input_3d", {"input": W(randn(2, 3, 4)), "target":
                                 [0, 1]},
    "shape_mismatch", "/inputs/input",
    torch_call=lambda: mmargin(randn(2, 3, 4), [0, 1]))
bad("multi_margin", "no_classes", {"input": cg.packed(np.zeros((3, 0))),
                                   "target": [0, 0, 0]},
    "shape_mismatch", "/inputs/input",
    torch_call=lambda: mmargin(np.zeros((3, 0)), [0, 0, 0]))
bad("multi_margin", "p_3", {"input": W(qx), "target": W(qy)},
    "out_of_range", "/params/p", {"p": 3},
    torch_call=lambda: mmargin(qx, qy, p=3))
bad("multi_margin", "weight_number", {"input": W(qx), "target": W(qy)},
    "shape_mismatch", "/params/weight", {"weight": 2.0},
    torch_call=lambda: mmargin(qx, qy, w=2.0))
# torch 1.13 reads past a short weight instead of refusing it
bad("multi_margin", "weight_length", {"input": W(qx), "target": W(qy)},
    "shape_mismatch", "/params/weight", {"weight": [1.0, 2.0, 3.0]})
bad("multilabel_margin", "index_out_of_range",
    {"input": W(gx), "target": [[5, -1, 0, 0, 0]] * 4}, "out_of_range",
    "/inputs/target",
    torch_call=lambda: mlmargin(gx, [[5, -1, 0, 0, 0]] * 4))
bad("multilabel_margin", "out_of_range_after_padding",
    {"input": W(gx), "target": [[1, -1, 7, 0, 0]] * 4}, "out_of_range",
    "/inputs/target",
    torch_call=lambda: mlmargin(gx, [[1, -1, 7, 0, 0]] * 4))
bad("multilabel_margin", "below_minus_1",
    {"input": W(gx), "target": [[1, -2, 0, 0, 0]] * 4}, "out_of_range",
    "/inputs/target",
    torch_call=lambda: mlmargin(gx, [[1, -2, 0, 0, 0]] * 4))
bad("multilabel_margin", "target_shape", {"input": W(gx), "target":
                                          W(gy[:2])},
    "shape_mismatch", "/inputs/target",
    torch_call=lambda: mlmargin(gx, gy[:2]))
bad("multilabel_margin", "1d_input_2d_target", {"input": W(gx[0]),
                                                "target": W(gy[:1])},
    "shape_mismatch", "/inputs/target",
    torch_call=lambda: mlmargin(gx[0], gy[:1]))
bad("cosine_embedding", "scalar_target_2d_inputs",
    {"input1": W(ca), "input2": W(cb), "target": 1.0}, "shape_mismatch",
    "/inputs/input1", torch_call=lambda: cosemb(ca, cb, 1.0))
bad("cosine_embedding", "target_2d",
    {"input1": W(ca), "input2": W(cb), "target": W(cy[:, None])},
    "shape_mismatch", "/inputs/target",
    torch_call=lambda: cosemb(ca, cb, cy[:, None]))
bad("cosine_embedding", "target_length",
    {"input1": W(ca), "input2": W(cb), "target": W(cy[:2])},
    "shape_mismatch", "/inputs/target",
    torch_call=lambda: cosemb(ca, cb, cy[:2]))
bad("cosine_embedding", "rows_differ",
    {"input1": W(ca), "input2": W(cb[:2]), "target": W(cy)},
    "shape_mismatch", "/inputs/input2",
    torch_call=lambda: cosemb(ca, cb[:2], cy))
bad("cosine_embedding", "dims_differ",
    {"input1": W(ca), "input2": W(cb[:, :2]), "target": W(cy)},
    "shape_mismatch", "/inputs/input2",
    torch_call=lambda: cosemb(ca, cb[:, :2], cy))
bad("triplet_margin", "dims_differ",
    {"anchor": W(ta), "positive": W(tp[0]), "negative": W(tn)},
    "shape_mismatch",
    "/inputs/positive", torch_call=lambda: trip(ta, tp[0], tn))
bad("triplet_margin", "rows_differ",
    {"anchor": W(ta), "positive": W(tp), "negative": W(tn[:2])},
    "shape_mismatch", "/inputs/negative",
    torch_call=lambda: trip(ta, tp, tn[:2]))
bad("triplet_margin", "last_dim_differs",
    {"anchor": W(ta), "positive": W(tp[:, :3]), "negative": W(tn)},
    "shape_mismatch", "/inputs/positive",
    torch_call=lambda: trip(ta, tp[:, :3], tn))
bad("triplet_margin", "swap_last_dim_differs",
    {"anchor": W(ta[:, :1]), "positive": W(tp[:, :3]), "negative": W(tn)},
    "shape_mismatch", "/inputs/negative", {"swap": True},
    torch_call=lambda: trip(ta[:, :1], tp[:, :3], tn, swap=True))
bad("triplet_margin", "swap_not_bool", TRI, "wrong_type", "/params/swap",
    {"swap": 1}, status=400)

cg.done()
