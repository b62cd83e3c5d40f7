#!/usr/bin/python3
"""gen_loss - cases for the loss family (every metric in include/evald/loss.h).

Reference values:
  - torch 1.13 (float64 tensors) for mse, mae, huber, smooth_l1, gaussian_nll,
    bce, bce_with_logits, cross_entropy and nll;
  - torchvision 0.14 `sigmoid_focal_loss` for sigmoid_focal (with a
    per-class alpha vector, an extension, its formula with alpha[c]
    broadcast along the last dim, written out in torch);
  - for focal, tukey, dice and perceptual no Debian package holds the
    reference (MONAI and LPIPS are not packaged), so the reference formula is
    written below in torch/numpy, following the published code: the focal
    loss of Lin et al. as the common PyTorch port computes it (log_softmax,
    gather, -α_t(1-p_t)^γ log p_t), Belagiannis et al.'s MATLAB tukey loss
    (MAD per output over the batch), MONAI's DiceLoss.forward and LPIPS's
    normalize_tensor / spatial_average.
Run with Debian's python3: /usr/bin/python3 tests/gen/gen_loss.py
"""
import math
import warnings

import numpy as np
import torch
import torch.nn.functional as F
import torchvision

import casegen as cg
from wire import L, T, W, Wire

warnings.simplefilter("ignore")
torch.set_default_dtype(torch.float64)

cg.reset("metrics", "loss.")
cg.reset("invalid", "loss.")
rng = np.random.default_rng(20240611)
REDS = ["mean", "sum", "none"]


def ok(metric, name, inputs, params=None, ref=None, red=None, extra=None,
       rtol=1e-9, atol=1e-12):
    """A valid case; `ref` is the reference result (a tensor, array or
    number): "value" when reduced, "values" for reduction none."""
    body = {"inputs": {k: (v.json if isinstance(v, Wire) else v)
                       for k, v in inputs.items()}}
    if params:
        body["params"] = params
    if red is None:
        red = (params or {}).get("reduction", "mean")
    exp = {"metric": metric}
    if ref is not None:
        r = ref.detach().numpy() if torch.is_tensor(ref) else np.asarray(ref)
        if red == "none":
            exp["values"] = r.tolist()
        else:
            exp["value"] = float(r)
    exp.update(extra or {})
    cg.case("metrics", "loss.%s.%s" % (metric, name), "/v1/metrics/" + metric,
            body, expect=exp, rtol=rtol, atol=atol)


def bad(metric, name, inputs, code, path, params=None, status=422):
    body = {"inputs": {k: (v.json if isinstance(v, Wire) else v)
                       for k, v in inputs.items()}}
    if params is not None:
        body["params"] = params
    cg.case("invalid", "loss.%s.%s" % (metric, name), "/v1/metrics/" + metric,
            body, status=status, expect={"error": {"code": code,
                                                   "path": path}})


def randn(*shape, scale=1.0):
    return rng.normal(size=shape) * scale


# =================================================================== mse/mae
x = randn(3, 4)
y = randn(3, 4)
for red in REDS:
    ok("mse", red, {"input": W(x), "target": W(y)}, {"reduction": red},
       F.mse_loss(T(x), T(y), reduction=red))
    ok("mse", "half_" + red, {"input": W(x), "target": W(y)},
       {"reduction": red, "half": True},
       0.5 * F.mse_loss(T(x), T(y), reduction=red))
    ok("mae", red, {"input": W(x), "target": W(y)}, {"reduction": red},
       F.l1_loss(T(x), T(y), reduction=red))
x4 = randn(2, 3, 2, 2)
y4 = randn(2, 3, 2, 2)
xi, yi = W(x4 * 3, np.float32), W(y4 * 3, np.float64)
ok("mse", "sum_packed", {"input": xi, "target": yi}, {"reduction": "sum"},
   F.mse_loss(T(xi), T(yi), reduction="sum"))
ok("mse", "none_4d_packed", {"input": xi, "target": yi},
   {"reduction": "none"}, F.mse_loss(T(xi), T(yi), reduction="none"))
ai, bi = W(rng.integers(-9, 9, (5, 3)), np.int64), \
    W(rng.integers(-9, 9, (5, 3)), np.int32)
ok("mse", "int_packed", {"input": ai, "target": bi}, None,
   F.mse_loss(T(ai), T(bi)))
ok("mae", "int_packed_sum", {"input": ai, "target": bi},
   {"reduction": "sum"}, F.l1_loss(T(ai), T(bi), reduction="sum"))
ok("mse", "scalar_none", {"input": 2.5, "target": -0.5},
   {"reduction": "none"}, 9.0)
ok("mse", "single_element", {"input": [1e-3], "target": [2e-3]}, None,
   F.mse_loss(T([1e-3]), T([2e-3])))
ok("mse", "zeros", {"input": np.zeros((2, 3)), "target": np.zeros((2, 3))},
   None, 0.0)
ok("mae", "equal_inputs_none", {"input": W(x), "target": W(x)},
   {"reduction": "none"}, np.zeros_like(x))
big = randn(4, 5, scale=1e150)
ok("mse", "huge_residuals", {"input": W(big), "target": W(-big)}, None,
   F.mse_loss(T(big), T(-big)))
u8 = W(rng.integers(0, 255, (2, 6)), np.uint8)
t_u8 = randn(2, 6)
ok("mae", "uint8_vs_nested", {"input": u8, "target": W(t_u8)}, None,
   F.l1_loss(T(u8), T(t_u8)))

# =========================================================== huber/smooth_l1
xh = np.array([[0.0, 0.5, 1.0, 1.5], [-2.0, 3.0, -0.25, 10.0]])
yh = np.array([[1.0, 0.0, 0.0, -1.0], [0.0, 2.0, 0.75, -10.0]])
for red in REDS:
    ok("huber", red, {"input": W(xh), "target": W(yh)}, {"reduction": red},
       F.huber_loss(T(xh), T(yh), reduction=red))
    ok("smooth_l1", red, {"input": W(xh), "target": W(yh)},
       {"reduction": red}, F.smooth_l1_loss(T(xh), T(yh), reduction=red))
for d in [0.5, 2.5, 1e-6]:
    nm = ("delta_%g" % d).replace(".", "p").replace("-", "m")
    ok("huber", nm, {"input": W(xh), "target": W(yh)}, {"delta": d,
                                                       "reduction": "none"},
       F.huber_loss(T(xh), T(yh), delta=d, reduction="none"))
for b in [0.0, 0.3, 4.0]:
    nm = ("beta_%g" % b).replace(".", "p")
    ok("smooth_l1", nm, {"input": W(xh), "target": W(yh)}, {"beta": b},
       F.smooth_l1_loss(T(xh), T(yh), beta=b))
# residuals exactly at the threshold (|d| == delta / beta)
xb, yb = [2.0, -2.0, 1.0, 0.0], [0.0, 0.0, 3.0, 2.0]
ok("huber", "at_threshold", {"input": xb, "target": yb},
   {"delta": 2.0, "reduction": "none"},
   F.huber_loss(T(xb), T(yb), delta=2.0, reduction="none"))
ok("smooth_l1", "at_threshold", {"input": xb, "target": yb},
   {"beta": 2.0, "reduction": "none"},
   F.smooth_l1_loss(T(xb), T(yb), beta=2.0, reduction="none"))
xf = W(randn(3, 2, 4) * 4, np.float32)
yf = W(randn(3, 2, 4), np.float32)
ok("huber", "packed_f32_delta3", {"input": xf, "target": yf},
   {"delta": 3.0, "reduction": "sum"},
   F.huber_loss(T(xf), T(yf), delta=3.0, reduction="sum"))
ok("smooth_l1", "packed_f32_none", {"input": xf, "target": yf},
   {"reduction": "none", "beta": 0.5},
   F.smooth_l1_loss(T(xf), T(yf), beta=0.5, reduction="none"))
ok("huber", "single_element", {"input": [7.0], "target": [1.0]}, None,
   F.huber_loss(T([7.0]), T([1.0])))

# ============================================================== gaussian_nll


def gnll(x, y, v, red="mean", full=False, eps=1e-6):
    return F.gaussian_nll_loss(T(x), T(y), T(v), full=full, eps=eps,
                               reduction=red)


xg, yg = randn(4, 3), randn(4, 3)
vg = rng.random((4, 3)) * 2 + 0.05
for red in REDS:
    ok("gaussian_nll", red, {"input": W(xg), "target": W(yg), "var": W(vg)},
       {"reduction": red}, gnll(xg, yg, vg, red))
    ok("gaussian_nll", "full_" + red,
       {"input": W(xg), "target": W(yg), "var": W(vg)},
       {"reduction": red, "full": True}, gnll(xg, yg, vg, red, True))
vh = rng.random(4) + 0.1            # one variance per row: input.shape[:-1]
ok("gaussian_nll", "homoscedastic_drop_last",
   {"input": W(xg), "target": W(yg), "var": W(vh)}, {"reduction": "none"},
   gnll(xg, yg, vh, "none"))
ok("gaussian_nll", "homoscedastic_last_1",
   {"input": W(xg), "target": W(yg), "var": W(vh[:, None])},
   {"reduction": "sum"}, gnll(xg, yg, vh[:, None], "sum"))
# one variance for everything: torch 2 takes a float; torch 1.13 needs it
# expanded, which is the reference here.
ok("gaussian_nll", "scalar_var", {"input": W(xg), "target": W(yg),
                                  "var": 0.7},
   {"full": True}, gnll(xg, yg, np.full_like(xg, 0.7), full=True))
x1, y1 = randn(5), randn(5)
ok("gaussian_nll", "1d_scalar_var_none",
   {"input": W(x1), "target": W(y1), "var": 2.0}, {"reduction": "none"},
   gnll(x1, y1, np.array(2.0), "none"))
vz = vg.copy()
vz[0, 0] = 0.0                     # clamped to eps
vz[2, 1] = 1e-9
ok("gaussian_nll", "zero_var_clamped_eps",
   {"input": W(xg), "target": W(yg), "var": W(vz)},
   {"eps": 1e-3, "reduction": "none"}, gnll(xg, yg, vz, "none", eps=1e-3))
ok("gaussian_nll", "zero_var_default_eps",
   {"input": W(xg), "target": W(yg), "var": W(vz)}, None,
   gnll(xg, yg, vz))
xp, yp, vp = W(xg, np.float32), W(yg, np.float64), W(vg, np.float32)
ok("gaussian_nll", "packed_mixed", {"input": xp, "target": yp, "var": vp},
   {"reduction": "sum"}, gnll(xp, yp, vp, "sum"))
x3g, y3g, v3g = x4.reshape(2, 3, 4), y4.reshape(2, 3, 4), vg[:2, :3] + 0.2
ok("gaussian_nll", "3d_homoscedastic",
   {"input": W(x3g), "target": W(y3g), "var": W(v3g)}, None,
   gnll(x3g, y3g, v3g))

# ===================================================================== tukey


def tukey_ref(x, y, c=4.6851, scale="mad", red="mean"):
    """Belagiannis et al.'s vl_nntukeyloss without its warm-up factor:
    residuals divided by 1.4826·MAD per output over the batch (dim 0);
    where MAD is 0, the limit (0 stays 0, anything else is an outlier)."""
    x, y = np.asarray(x, np.float64), np.asarray(y, np.float64)
    r = x - y
    if scale == "mad":
        R = r.reshape(r.shape[0], -1)
        med = np.median(R, axis=0)
        sig = 1.4826 * np.median(np.abs(R - med), axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            U = np.where(sig > 0, R / np.where(sig > 0, sig, 1.0),
                         np.where(R == 0, 0.0, np.inf))
        u = U.reshape(r.shape)
    else:
        u = r
    with np.errstate(invalid="ignore"):
        rho = np.where(np.abs(u) <= c,
                       c * c / 6 * (1 - (1 - (u / c) ** 2) ** 3), c * c / 6)
    if red == "mean":
        return rho.mean()
    if red == "sum":
        return rho.sum()
    return rho


xt, yt = randn(9, 3), randn(9, 3)
xt[2, 0] += 25.0                    # outliers beyond c after scaling
xt[5, 2] -= 40.0
for red in REDS:
    ok("tukey", red, {"input": W(xt), "target": W(yt)}, {"reduction": red},
       tukey_ref(xt, yt, red=red))
    ok("tukey", "scale_none_" + red, {"input": W(xt), "target": W(yt)},
       {"reduction": red, "scale": "none"},
       tukey_ref(xt, yt, scale="none", red=red))
ok("tukey", "c_1", {"input": W(xt), "target": W(yt)}, {"c": 1.0},
   tukey_ref(xt, yt, c=1.0))
ok("tukey", "c_1_scale_none_none", {"input": W(xt * 0.3), "target": W(yt)},
   {"c": 1.0, "scale": "none", "reduction": "none"},
   tukey_ref(xt * 0.3, yt, c=1.0, scale="none", red="none"))
x1t, y1t = randn(8), randn(8)        # even batch: median of two middles
ok("tukey", "1d_even_batch", {"input": W(x1t), "target": W(y1t)},
   {"reduction": "none"}, tukey_ref(x1t, y1t, red="none"))
x3t, y3t = randn(5, 2, 3), randn(5, 2, 3)
ok("tukey", "3d_packed", {"input": W(x3t, np.float32),
                          "target": W(y3t, np.float64)}, {"reduction": "sum"},
   tukey_ref(W(x3t, np.float32).f64, y3t, red="sum"))
# MAD 0: a single sample, and an output whose residuals mostly agree.
ok("tukey", "single_sample_mad_zero",
   {"input": [[1.0, 2.0, 3.0]], "target": [[1.0, 0.0, 3.5]]},
   {"reduction": "none"},
   tukey_ref([[1.0, 2.0, 3.0]], [[1.0, 0.0, 3.5]], red="none"),
   extra={"warnings": [
       "3 of 3 outputs have a median absolute deviation of 0 over the "
       "batch; there a zero residual costs 0 and any other residual the "
       "maximum c²/6"]})
xm = np.array([[1.0, 0.5], [1.0, 0.1], [1.0, -0.3], [4.0, 0.9], [1.0, 0.0]])
ok("tukey", "mad_zero_column", {"input": W(xm), "target": np.zeros((5, 2))},
   {"reduction": "none"}, tukey_ref(xm, np.zeros((5, 2)), red="none"))
ok("tukey", "zero_residuals", {"input": W(xt), "target": W(xt)}, None, 0.0)
ok("tukey", "scalar_scale_none", {"input": 3.0, "target": 1.0},
   {"scale": "none", "reduction": "none"},
   tukey_ref(3.0, 1.0, scale="none", red="none"))

# ======================================================================= bce
pb = rng.random((4, 3))
tb = (rng.random((4, 3)) < 0.5).astype(np.float64)
wb = rng.random(3) + 0.5
for red in REDS:
    ok("bce", red, {"input": W(pb), "target": W(tb)}, {"reduction": red},
       F.binary_cross_entropy(T(pb), T(tb), reduction=red))
    ok("bce", "weight_bcast_" + red,
       {"input": W(pb), "target": W(tb), "weight": W(wb)},
       {"reduction": red},
       F.binary_cross_entropy(T(pb), T(tb), weight=T(wb), reduction=red))
wfull = rng.random((4, 3))
ok("bce", "weight_full", {"input": W(pb), "target": W(tb),
                          "weight": W(wfull)},
   None, F.binary_cross_entropy(T(pb), T(tb), weight=T(wfull)))
wcol = rng.random((4, 1))
ok("bce", "weight_column", {"input": W(pb), "target": W(tb),
                            "weight": W(wcol)}, {"reduction": "none"},
   F.binary_cross_entropy(T(pb), T(tb), weight=T(wcol), reduction="none"))
ok("bce", "weight_scalar", {"input": W(pb), "target": W(tb), "weight": 2.5},
   {"reduction": "sum"},
   F.binary_cross_entropy(T(pb), T(tb), weight=T(2.5), reduction="sum"))
# probabilities exactly 0 and 1: log clamped at -100
p01 = np.array([0.0, 1.0, 0.0, 1.0, 0.5, 1e-300])
t01 = np.array([0.0, 1.0, 1.0, 0.0, 1.0, 1.0])
ok("bce", "exact_0_1_none", {"input": W(p01), "target": W(t01)},
   {"reduction": "none"},
   F.binary_cross_entropy(T(p01), T(t01), reduction="none"))
ok("bce", "exact_0_1_mean", {"input": W(p01), "target": W(t01)}, None,
   F.binary_cross_entropy(T(p01), T(t01)))
ts = rng.random((4, 3))               # soft targets
ok("bce", "soft_targets", {"input": W(pb), "target": W(ts)}, None,
   F.binary_cross_entropy(T(pb), T(ts)))
pf, tf = W(pb, np.float32), W(tb, np.uint8)
ok("bce", "packed_f32_u8", {"input": pf, "target": tf}, {"reduction": "sum"},
   F.binary_cross_entropy(T(pf), T(tf), reduction="sum"))
ok("bce", "single_element", {"input": [0.3], "target": [1]}, None,
   F.binary_cross_entropy(T([0.3]), T([1.0])))
ok("bce", "tiny_probabilities", {"input": [1e-10, 1 - 1e-10, 1e-200],
                                 "target": [0, 1, 0]}, {"reduction": "none"},
   F.binary_cross_entropy(T([1e-10, 1 - 1e-10, 1e-200]), T([0., 1., 0.]),
                          reduction="none"))

# =========================================================== bce_with_logits
zl = randn(4, 3, scale=3)
pw = rng.random(3) * 3 + 0.2
for red in REDS:
    ok("bce_with_logits", red, {"input": W(zl), "target": W(tb)},
       {"reduction": red},
       F.binary_cross_entropy_with_logits(T(zl), T(tb), reduction=red))
    ok("bce_with_logits", "pos_weight_" + red,
       {"input": W(zl), "target": W(tb)},
       {"reduction": red, "pos_weight": pw.tolist()},
       F.binary_cross_entropy_with_logits(T(zl), T(tb), pos_weight=T(pw),
                                          reduction=red))
ok("bce_with_logits", "pos_weight_number", {"input": W(zl), "target": W(tb)},
   {"pos_weight": 4.0},
   F.binary_cross_entropy_with_logits(T(zl), T(tb), pos_weight=T([4.0])))
ok("bce_with_logits", "pos_weight_packed_weight",
   {"input": W(zl), "target": W(ts), "weight": W(wb)},
   {"pos_weight": cg.packed(pw.astype(np.float32)), "reduction": "none"},
   F.binary_cross_entropy_with_logits(
       T(zl), T(ts), weight=T(wb),
       pos_weight=T(pw.astype(np.float32).astype(np.float64)),
       reduction="none"))
zx = np.array([1e4, -1e4, 1e4, -1e4, 0.0, 745.0, -745.0, 40.0])
tx = np.array([1.0, 0.0, 0.0, 1.0, 0.5, 0.0, 1.0, 1.0])
ok("bce_with_logits", "extreme_logits_none", {"input": W(zx), "target": W(tx)},
   {"reduction": "none"},
   F.binary_cross_entropy_with_logits(T(zx), T(tx), reduction="none"))
ok("bce_with_logits", "extreme_logits_sum_pos_weight",
   {"input": W(zx), "target": W(tx)}, {"reduction": "sum",
                                       "pos_weight": 2.0},
   F.binary_cross_entropy_with_logits(T(zx), T(tx), pos_weight=T([2.0]),
                                      reduction="sum"))
ok("bce_with_logits", "zeros", {"input": np.zeros((2, 2)),
                                "target": np.zeros((2, 2))}, None,
   math.log(2.0))
zi = W(rng.integers(-5, 5, (3, 4)), np.int32)
ti = W((rng.random((3, 4)) < 0.5), np.int64)
ok("bce_with_logits", "packed_int", {"input": zi, "target": ti}, None,
   F.binary_cross_entropy_with_logits(T(zi), T(ti)))
# pos_weight broadcast against target by torch's rules (any shape that
# broadcasts to it, never larger).  A generator of its own, so that the
# cases above keep their values.
rb = np.random.default_rng(20261202)


def bcel(x, t, pw, red="mean", w=None):
    return F.binary_cross_entropy_with_logits(
        T(x), T(t), weight=None if w is None else T(w), pos_weight=T(pw),
        reduction=red)


for nm, shp in [("row_2d", (1, 3)), ("column", (4, 1)), ("full", (4, 3))]:
    pwb = rb.random(shp) * 3 + 0.2
    for red in REDS:
        ok("bce_with_logits", "pos_weight_%s_%s" % (nm, red),
           {"input": W(zl), "target": W(ts)},
           {"reduction": red, "pos_weight": pwb.tolist()},
           bcel(zl, ts, pwb, red))
z3 = rb.normal(size=(2, 3, 4)) * 2
t3 = (rb.random((2, 3, 4)) < 0.5).astype(np.float64)
for nm, shp in [("last_dim", (4,)), ("middle", (3, 1)), ("batch", (2, 1, 1)),
                ("lead_1", (1, 3, 4))]:
    pwb = rb.random(shp) * 3 + 0.2
    ok("bce_with_logits", "pos_weight_3d_" + nm,
       {"input": W(z3), "target": W(t3)},
       {"reduction": "none", "pos_weight": pwb.tolist()},
       bcel(z3, t3, pwb, "none"))
pwb = (rb.random((3, 1)) * 3 + 0.2).astype(np.float32)
wb3 = rb.random(4) + 0.5
ok("bce_with_logits", "pos_weight_3d_packed_weight",
   {"input": W(z3), "target": W(t3), "weight": W(wb3)},
   {"reduction": "sum", "pos_weight": cg.packed(pwb)},
   bcel(z3, t3, pwb.astype(np.float64), "sum", wb3))
ok("bce_with_logits", "pos_weight_0d_packed",
   {"input": W(z3), "target": W(t3)},
   {"pos_weight": cg.packed(np.float64(3.5))}, bcel(z3, t3, 3.5))

# ============================================================ cross_entropy
N, C = 6, 4
lg = randn(N, C, scale=2)
ti = np.array([0, 3, 1, 2, 3, 1])
tig = np.array([0, 3, -100, 2, -100, 1])
wc = np.array([0.5, 1.0, 2.0, 0.25])


def ce(x, t, red="mean", **kw):
    t = np.asarray(t.f64 if isinstance(t, Wire) else t)
    tt = T(t) if t.shape == np.asarray(
        x.f64 if isinstance(x, Wire) else x).shape else L(t)
    if "weight" in kw and kw["weight"] is not None:
        kw["weight"] = T(kw["weight"])
    return F.cross_entropy(T(x), tt, reduction=red, **kw)


for red in REDS:
    ok("cross_entropy", red, {"input": W(lg), "target": W(ti)},
       {"reduction": red}, ce(lg, ti, red))
    ok("cross_entropy", "weight_" + red, {"input": W(lg), "target": W(ti)},
       {"reduction": red, "weight": wc.tolist()}, ce(lg, ti, red, weight=wc))
    ok("cross_entropy", "ignored_" + red, {"input": W(lg), "target": W(tig)},
       {"reduction": red}, ce(lg, tig, red))
    ok("cross_entropy", "smoothing_weight_ignore_" + red,
       {"input": W(lg), "target": W(tig)},
       {"reduction": red, "weight": wc.tolist(), "label_smoothing": 0.2},
       ce(lg, tig, red, weight=wc, label_smoothing=0.2))
for ls in [0.1, 1.0]:
    ok("cross_entropy", ("smoothing_%g" % ls).replace(".", "p"),
       {"input": W(lg), "target": W(ti)}, {"label_smoothing": ls},
       ce(lg, ti, label_smoothing=ls))
ok("cross_entropy", "ignore_index_in_range",
   {"input": W(lg), "target": W(ti)}, {"ignore_index": 3, "weight":
                                       wc.tolist()},
   ce(lg, ti, ignore_index=3, weight=wc))
ok("cross_entropy", "ignore_index_255_none",
   {"input": W(lg), "target": [0, 255, 1, 2, 255, 3]},
   {"ignore_index": 255, "reduction": "none"},
   ce(lg, [0, 255, 1, 2, 255, 3], "none", ignore_index=255))
# probability targets
pt = rng.random((N, C))
pt /= pt.sum(1, keepdims=True)
for red in REDS:
    ok("cross_entropy", "probs_" + red, {"input": W(lg), "target": W(pt)},
       {"reduction": red}, ce(lg, pt, red))
ok("cross_entropy", "probs_weight_smoothing",
   {"input": W(lg), "target": W(pt)},
   {"weight": wc.tolist(), "label_smoothing": 0.3},
   ce(lg, pt, weight=wc, label_smoothing=0.3))
ok("cross_entropy", "probs_negative_ignore_index",
   {"input": W(lg), "target": W(pt)}, {"ignore_index": -1,
                                       "reduction": "sum"},
   ce(lg, pt, "sum", ignore_index=-1))
onehot = np.eye(C)[ti]
ok("cross_entropy", "probs_onehot_equals_indices",
   {"input": W(lg), "target": W(onehot, np.uint8)}, None, ce(lg, ti))
# [N,C,d1,d2]
lg4 = randn(2, 3, 2, 3, scale=2)
t4 = rng.integers(0, 3, (2, 2, 3))
t4[0, 1, 2] = -100
t4[1, 0, 0] = -100
w3 = np.array([1.5, 0.5, 1.0])
for red in REDS:
    ok("cross_entropy", "4d_" + red,
       {"input": W(lg4), "target": W(t4, np.int64)},
       {"reduction": red, "weight": w3.tolist(), "label_smoothing": 0.05},
       ce(lg4, t4, red, weight=w3, label_smoothing=0.05))
pt4 = rng.random((2, 3, 2, 3))
pt4 /= pt4.sum(1, keepdims=True)
ok("cross_entropy", "4d_probs_none", {"input": W(lg4, np.float32),
                                      "target": W(pt4)},
   {"reduction": "none"}, ce(W(lg4, np.float32), pt4, "none"))
lg3 = randn(3, 5, 4)
t3 = rng.integers(0, 5, (3, 4))
ok("cross_entropy", "3d_packed_int32", {"input": W(lg3),
                                        "target": W(t3, np.int32)},
   {"reduction": "sum"}, ce(lg3, t3, "sum"))
# extreme logits and ties
lx = np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 0.0], [1e4, 1e4, -1e4],
               [0.0, 0.0, 0.0], [-1e4, -1e4, -1e4]])
tx = np.array([1, 1, 0, 2, 2])
ok("cross_entropy", "extreme_logits_none", {"input": W(lx), "target": W(tx)},
   {"reduction": "none"}, ce(lx, tx, "none"))
ok("cross_entropy", "extreme_logits_smoothing",
   {"input": W(lx), "target": W(tx)}, {"label_smoothing": 0.1},
   ce(lx, tx, label_smoothing=0.1))
ok("cross_entropy", "ties", {"input": np.ones((3, 4)).tolist(),
                             "target": [0, 1, 3]}, None, math.log(4.0))
ok("cross_entropy", "single_element", {"input": [[0.2, -1.0]],
                                       "target": [1]}, None,
   ce([[0.2, -1.0]], [1]))
ok("cross_entropy", "unbatched", {"input": [0.2, -1.0, 3.0], "target": 2},
   {"reduction": "none"}, ce([0.2, -1.0, 3.0], np.array(2), "none"))
ok("cross_entropy", "uint8_target", {"input": W(lg),
                                     "target": W(ti, np.uint8)},
   {"weight": cg.packed(wc)}, ce(lg, ti, weight=wc))
ok("cross_entropy", "float_integer_target", {"input": W(lg),
                                             "target": W(ti.astype(float))},
   None, ce(lg, ti))
# every target ignored: torch gives NaN for the mean; evald reports null
# with a warning (sum is 0, none is zeros).
allig = [-100] * N
ok("cross_entropy", "all_ignored_mean", {"input": W(lg), "target": allig},
   None, None, extra={"value": None, "warnings": [
       "every target equals ignore_index (-100): the mean over no targets "
       "is undefined (NaN, as in torch) and is reported as null",
       "value is NaN and is reported as null"]})
ok("cross_entropy", "all_ignored_sum", {"input": W(lg), "target": allig},
   {"reduction": "sum"}, ce(lg, allig, "sum"))
ok("cross_entropy", "all_ignored_none", {"input": W(lg), "target": allig},
   {"reduction": "none", "label_smoothing": 0.5},
   ce(lg, allig, "none", label_smoothing=0.5))

# ======================================================================= nll
lp = F.log_softmax(T(lg), 1).numpy()
for red in REDS:
    ok("nll", red, {"input": W(lp), "target": W(ti)}, {"reduction": red},
       F.nll_loss(T(lp), L(ti), reduction=red))
    ok("nll", "weight_ignore_" + red, {"input": W(lp), "target": W(tig)},
       {"reduction": red, "weight": wc.tolist()},
       F.nll_loss(T(lp), L(tig), weight=T(wc), reduction=red))
lp4 = F.log_softmax(T(lg4), 1).numpy()
t4b = np.where(t4 < 0, 1, t4)
ok("nll", "4d_ignore_index_1", {"input": W(lp4), "target": W(t4b, np.int64)},
   {"ignore_index": 1, "reduction": "none"},
   F.nll_loss(T(lp4), L(t4b), ignore_index=1, reduction="none"))
ok("nll", "4d_weight_mean", {"input": W(lp4), "target": W(t4, np.int32)},
   {"weight": w3.tolist()}, F.nll_loss(T(lp4), L(t4), weight=T(w3)))
ok("nll", "raw_scores", {"input": W(lg), "target": W(ti)}, None,
   F.nll_loss(T(lg), L(ti)))
ok("nll", "all_ignored_mean", {"input": W(lp), "target": allig},
   {"weight": wc.tolist()}, None, extra={"value": None})
# Class weights whose selected sum is negative: torch divides the weighted
# sum by that sum all the same (a negative mean).  evald once took the
# negative sum for its "probability targets" signal and divided by N.
wneg = np.array([1.0, -2.0, 1.5, 0.5])
tneg = np.array([1, 1, 2, 0, 1, 3])
ok("cross_entropy", "negative_weight_sum", {"input": W(lg), "target":
                                            W(tneg)},
   {"weight": wneg.tolist()}, ce(lg, tneg, weight=wneg))
ok("cross_entropy", "negative_weight_sum_smoothing",
   {"input": W(lg), "target": W(tneg)},
   {"weight": wneg.tolist(), "label_smoothing": 0.1},
   ce(lg, tneg, weight=wneg, label_smoothing=0.1))
ok("nll", "negative_weight_sum", {"input": W(lp), "target": W(tneg)},
   {"weight": wneg.tolist()}, F.nll_loss(T(lp), L(tneg), weight=T(wneg)))
ok("nll", "single_element", {"input": [[-0.5, -1.2]], "target": [0]},
   {"reduction": "sum"}, 0.5)

# ===================================================================== focal


def focal_ref(x, t, alpha=None, gamma=2.0, red="mean"):
    """-α_t (1-p_t)^γ log p_t with softmax p (the common PyTorch port of
    Lin et al.: log_softmax, gather, pt = exp(logpt))."""
    x = T(x)
    t = L(t)
    logp = F.log_softmax(x, 1)
    logpt = logp.gather(1, t.unsqueeze(1)).squeeze(1)
    pt = logpt.exp()
    if alpha is None:
        at = torch.ones_like(logpt)
    elif np.ndim(alpha) == 0:
        at = torch.full_like(logpt, float(alpha))
    else:
        at = T(alpha)[t]
    loss = -at * (1 - pt) ** gamma * logpt
    return {"mean": loss.mean, "sum": loss.sum,
            "none": lambda: loss}[red]()


lf = randn(7, 3, scale=2)
tf = rng.integers(0, 3, 7)
av = [0.25, 0.5, 1.5]
for red in REDS:
    ok("focal", red, {"input": W(lf), "target": W(tf)}, {"reduction": red},
       focal_ref(lf, tf, red=red))
    ok("focal", "alpha_vector_" + red, {"input": W(lf), "target": W(tf)},
       {"reduction": red, "alpha": av}, focal_ref(lf, tf, av, red=red))
ok("focal", "alpha_number", {"input": W(lf), "target": W(tf)},
   {"alpha": 0.25}, focal_ref(lf, tf, 0.25))
ok("focal", "alpha_packed_gamma_half", {"input": W(lf), "target": W(tf)},
   {"alpha": cg.packed(np.array(av, np.float32)), "gamma": 0.5},
   focal_ref(lf, tf, np.array(av, np.float32).astype(np.float64), 0.5))
ok("focal", "gamma_0_is_ce", {"input": W(lf), "target": W(tf)},
   {"gamma": 0.0}, F.cross_entropy(T(lf), L(tf)))
ok("focal", "gamma_3_none", {"input": W(lf), "target": W(tf)},
   {"gamma": 3.0, "reduction": "none"}, focal_ref(lf, tf, None, 3.0, "none"))
ok("focal", "size_average_true_overrides_none",
   {"input": W(lf), "target": W(tf)},
   {"reduction": "none", "size_average": True}, focal_ref(lf, tf),
   red="mean")
ok("focal", "size_average_false_sum", {"input": W(lf), "target": W(tf)},
   {"size_average": False}, focal_ref(lf, tf, red="sum"), red="sum")
ok("focal", "extreme_logits", {"input": W(lx), "target": W(tx)},
   {"reduction": "none", "alpha": [1.0, 0.5, 2.0]},
   focal_ref(lx, tx, [1.0, 0.5, 2.0], red="none"))
ok("focal", "certain_correct", {"input": [[50.0, -50.0], [-50.0, 50.0]],
                                "target": [0, 1]},
   {"reduction": "sum"}, 0.0)
lf4 = randn(2, 3, 2, 2)
tf4 = rng.integers(0, 3, (2, 2, 2))
ok("focal", "4d_packed", {"input": W(lf4, np.float32),
                          "target": W(tf4, np.int64)},
   {"reduction": "none"}, focal_ref(W(lf4, np.float32), tf4, red="none"))

# ============================================================= sigmoid_focal


def sfl(x, t, alpha=0.25, gamma=2.0, red="mean"):
    return torchvision.ops.sigmoid_focal_loss(T(x), T(t), alpha=alpha,
                                              gamma=gamma, reduction=red)


zs = randn(5, 4, scale=2)
ts_ = (rng.random((5, 4)) < 0.3).astype(np.float64)
for red in REDS:
    ok("sigmoid_focal", red, {"input": W(zs), "target": W(ts_)},
       {"reduction": red}, sfl(zs, ts_, red=red))
ok("sigmoid_focal", "alpha_disabled", {"input": W(zs), "target": W(ts_)},
   {"alpha": -1.0}, sfl(zs, ts_, alpha=-1))
ok("sigmoid_focal", "alpha_half_gamma_0", {"input": W(zs), "target": W(ts_)},
   {"alpha": 0.5, "gamma": 0.0, "reduction": "sum"},
   sfl(zs, ts_, 0.5, 0.0, "sum"))
ok("sigmoid_focal", "gamma_1p5_none", {"input": W(zs), "target": W(ts_)},
   {"gamma": 1.5, "reduction": "none"}, sfl(zs, ts_, gamma=1.5, red="none"))
tsoft = rng.random((5, 4))
ok("sigmoid_focal", "soft_targets", {"input": W(zs), "target": W(tsoft)},
   {"reduction": "none"}, sfl(zs, tsoft, red="none"))
zsx = np.array([1e4, -1e4, 1e4, -1e4, 0.0, 30.0, -30.0])
tsx = np.array([1.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.0])
ok("sigmoid_focal", "extreme_logits", {"input": W(zsx), "target": W(tsx)},
   {"reduction": "none"}, sfl(zsx, tsx, red="none"))
ok("sigmoid_focal", "packed", {"input": W(zs, np.float32),
                               "target": W(ts_, np.uint8)},
   {"reduction": "sum"}, sfl(W(zs, np.float32), ts_, red="sum"))


def sfl_vec(x, t, alpha, gamma=2.0, red="mean"):
    """torchvision's formula with alpha a per-class vector (an extension:
    torchvision's `alpha >= 0` test takes a number), alpha[c] broadcast
    against target[..., c]."""
    loss = torchvision.ops.sigmoid_focal_loss(T(x), T(t), alpha=-1,
                                              gamma=gamma, reduction="none")
    a = T(alpha)
    loss = loss * (a * T(t) + (1 - a) * (1 - T(t)))
    return {"mean": loss.mean, "sum": loss.sum, "none": lambda: loss}[red]()


ra = np.random.default_rng(20261203)
av = ra.random(4)
for red in REDS:
    ok("sigmoid_focal", "alpha_vector_" + red,
       {"input": W(zs), "target": W(ts_)},
       {"reduction": red, "alpha": av.tolist()}, sfl_vec(zs, ts_, av, red=red))
ok("sigmoid_focal", "alpha_vector_soft_targets_gamma_0",
   {"input": W(zs), "target": W(tsoft)},
   {"reduction": "none", "alpha": av.tolist(), "gamma": 0.0},
   sfl_vec(zs, tsoft, av, 0.0, "none"))
za3 = ra.normal(size=(2, 3, 5)) * 2
ta3 = (ra.random((2, 3, 5)) < 0.4).astype(np.float64)
av5 = np.array([0.0, 0.25, 0.5, 1.0, 1.5])   # 0 and > 1 taken as given
ok("sigmoid_focal", "alpha_vector_3d", {"input": W(za3), "target": W(ta3)},
   {"reduction": "none", "alpha": av5.tolist()},
   sfl_vec(za3, ta3, av5, red="none"))
ok("sigmoid_focal", "alpha_vector_packed",
   {"input": W(za3, np.float32), "target": W(ta3, np.uint8)},
   {"reduction": "sum", "alpha": cg.packed(av5.astype(np.float32))},
   sfl_vec(W(za3, np.float32), ta3, av5.astype(np.float32), red="sum"))
ok("sigmoid_focal", "alpha_vector_length_1",
   {"input": W(zs), "target": W(ts_)}, {"alpha": [0.75]},
   sfl(zs, ts_, alpha=0.75))

# ====================================================================== dice


def dice_ref(x, t, activation="none", smooth_nr=1e-5, smooth_dr=1e-5,
             squared_pred=False, include_background=True, red="mean",
             batch=False, weight=None, jaccard=False):
    """MONAI 1.3 DiceLoss.forward (sigmoid/softmax, to_onehot_y for index
    targets, include_background, squared_pred, batch, jaccard, weight, per
    sample and class), with reduction none as [N, C] ([C] with batch)
    instead of [N, C, 1, ...].  Also returns the unweighted coefficient
    per class (mean over the batch)."""
    x = T(x)
    t = T(t)
    C = x.shape[1]
    if activation == "sigmoid":
        x = torch.sigmoid(x)
    if activation == "softmax" and C > 1:
        x = torch.softmax(x, 1)
    if t.shape != x.shape:
        if t.ndim == x.ndim:
            t = t[:, 0]
        if C > 1:
            t = F.one_hot(t.long(), C).movedim(-1, 1).double()
        else:
            t = t.unsqueeze(1)
    if not include_background and C > 1:
        x, t = x[:, 1:], t[:, 1:]
    axes = list(range(2, x.ndim))
    if batch:
        axes = [0] + axes

    def s(a):
        return a.sum(axes) if axes else a

    inter = s(t * x)
    g = s(t * t) if squared_pred else s(t)
    p = s(x * x) if squared_pred else s(x)
    den = g + p
    if jaccard:
        den = 2.0 * (den - inter)
    coef = (2.0 * inter + smooth_nr) / (den + smooth_dr)
    f = 1.0 - coef
    ncls = t.shape[1]
    if weight is not None and ncls != 1:
        w = torch.as_tensor(weight, dtype=torch.float64)
        if w.ndim == 0:
            w = torch.as_tensor([float(w)] * ncls)
        f = f * w.to(f)
    out = {"mean": f.mean, "sum": f.sum, "none": lambda: f}[red]()
    return out, coef if batch else coef.mean(0)


def dice_case(name, x, t, params=None, rtol=1e-9):
    p = dict(params or {})
    kw = {k: v for k, v in p.items() if k != "reduction"}
    red = p.get("reduction", "mean")
    v, coef = dice_ref(x, t, red=red, **kw)
    ok("dice", name, {"input": W(x), "target": W(t)}, params, v,
       extra={"dice": coef.numpy().tolist()}, rtol=rtol)


N, C, H, Wd = 2, 3, 4, 5
xd = rng.random((N, C, H, Wd))
xd /= xd.sum(1, keepdims=True)
yd = rng.integers(0, C, (N, H, Wd))
yd[1][yd[1] == 2] = 0                # sample 1 has no class 2 at all
ohd = np.eye(C)[yd].transpose(0, 3, 1, 2)
logits_d = randn(N, C, H, Wd, scale=2)
for red in REDS:
    dice_case("onehot_" + red, xd, ohd, {"reduction": red})
    dice_case("indices_softmax_" + red, logits_d, yd,
              {"reduction": red, "activation": "softmax"})
dice_case("indices_n1hw", logits_d, yd[:, None], {"activation": "softmax",
                                                   "reduction": "none"})
dice_case("sigmoid_onehot", logits_d, ohd, {"activation": "sigmoid"})
dice_case("no_background", xd, yd, {"include_background": False,
                                     "reduction": "none"})
dice_case("squared_pred", xd, ohd, {"squared_pred": True,
                                     "reduction": "sum"})
dice_case("smooth_1_0", logits_d, yd, {"activation": "softmax",
                                       "smooth_nr": 1.0, "smooth_dr": 1.0})
dice_case("smooth_nr_0", xd, ohd, {"smooth_nr": 0.0})
dice_case("soft_targets", xd, rng.random((N, C, H, Wd)),
          {"reduction": "none"})
dice_case("2d_nc", rng.random((4, 3)), np.eye(3)[[0, 2, 1, 1]],
          {"reduction": "none"})
x5 = randn(2, 2, 3, 2, 2)
y5 = rng.integers(0, 2, (2, 3, 2, 2))
dice_case("3d_volume_no_background_sigmoid", x5, y5,
          {"activation": "sigmoid", "include_background": False,
           "squared_pred": True})
m1 = (rng.random((3, 1, 4, 4)) < 0.4).astype(np.float64)
dice_case("single_channel_sigmoid", randn(3, 1, 4, 4), m1,
          {"activation": "sigmoid", "reduction": "none"})
xs1 = randn(3, 1, 4, 4)
v1, c1 = dice_ref(xs1, m1[:, 0], activation="softmax",
                  include_background=False)
ok("dice", "single_channel_softmax_warns",
   {"input": W(xs1), "target": W(m1[:, 0])},
   {"activation": "softmax", "include_background": False}, v1,
   extra={"dice": c1.numpy().tolist(), "warnings": [
       "input has a single channel: softmax is not applied (as in MONAI)",
       "input has a single channel: include_background=false is ignored "
       "(as in MONAI)"]})
dice_case("perfect", ohd, ohd, {"reduction": "none"})
dice_case("empty_class_zero_pred", np.zeros((1, 2, 3)),
          np.array([[[1.0, 1.0, 1.0], [0.0, 0.0, 0.0]]]),
          {"reduction": "none"})
xdp = W(logits_d, np.float32)
v, cf = dice_ref(xdp, yd, activation="softmax")
ok("dice", "packed", {"input": xdp, "target": W(yd, np.uint8)},
   {"activation": "softmax"}, v, extra={"dice": cf.numpy().tolist()})
# MONAI 1.3's batch, weight and jaccard, and soft labels with them (a
# generator of its own so the cases above keep their values).
rd = np.random.default_rng(20261204)
wd = rd.random(C) + 0.25
for red in REDS:
    dice_case("batch_" + red, xd, ohd, {"batch": True, "reduction": red})
    dice_case("weight_vector_" + red, logits_d, yd,
              {"activation": "softmax", "weight": wd.tolist(),
               "reduction": red})
    dice_case("jaccard_" + red, xd, ohd, {"jaccard": True, "reduction": red})
dice_case("batch_indices_softmax", logits_d, yd,
          {"activation": "softmax", "batch": True, "reduction": "none"})
dice_case("batch_empty_class", xd, yd, {"batch": True,
                                        "include_background": False,
                                        "reduction": "none"})
dice_case("weight_number", xd, ohd, {"weight": 2.5, "reduction": "sum"})
dice_case("weight_zero_class", xd, ohd, {"weight": [1.0, 0.0, 2.0],
                                         "reduction": "none"})
dice_case("weight_no_background", xd, yd,
          {"weight": wd[1:].tolist(), "include_background": False,
           "reduction": "none"})
wd32 = wd.astype(np.float32)
v, cf = dice_ref(xd, ohd, weight=wd32.astype(np.float64), red="none")
ok("dice", "weight_packed", {"input": W(xd), "target": W(ohd)},
   {"weight": cg.packed(wd32), "reduction": "none"}, v,
   extra={"dice": cf.numpy().tolist()})
dice_case("jaccard_squared_pred", logits_d, ohd,
          {"activation": "sigmoid", "jaccard": True, "squared_pred": True,
           "reduction": "none"})
dice_case("jaccard_batch_weight", logits_d, yd,
          {"activation": "softmax", "jaccard": True, "batch": True,
           "weight": wd.tolist(), "smooth_nr": 0.0, "smooth_dr": 1e-3})
tsd = rd.random((N, C, H, Wd))
tsd /= tsd.sum(1, keepdims=True)        # soft labels: a distribution
for nm, kw in [("soft_labels_batch", {"batch": True}),
               ("soft_labels_jaccard", {"jaccard": True}),
               ("soft_labels_squared_jaccard", {"jaccard": True,
                                                "squared_pred": True}),
               ("soft_labels_weight_softmax", {"activation": "softmax",
                                               "weight": wd.tolist()})]:
    dice_case(nm, logits_d if "activation" in kw else xd, tsd,
              dict(kw, reduction="none"))
# One class kept: MONAI ignores the weight (evald says so).
x2c = rd.random((2, 2, 3, 3))
y2c = rd.integers(0, 2, (2, 3, 3))
v2, c2 = dice_ref(x2c, y2c, include_background=False, weight=[5.0])
ok("dice", "weight_one_class_kept", {"input": W(x2c), "target": W(y2c)},
   {"include_background": False, "weight": [5.0]}, v2,
   extra={"dice": c2.numpy().tolist(), "warnings": [
       "only one class is kept: weight is ignored (as in MONAI)"]})

# ================================================================ perceptual


def perc_ref(xs, ys, weights=None, normalize=True, distance="l2",
             red="mean"):
    """LPIPS's forward with given features: normalize_tensor over C (eps
    1e-10), squared (or absolute) difference, a 1x1 linear layer (here the
    given per-channel weights, or 1), spatial_average, sum over layers."""
    tot = 0
    for li, (x, y) in enumerate(zip(xs, ys)):
        x, y = T(x), T(y)
        if normalize:
            x = x / (torch.sqrt((x ** 2).sum(1, keepdim=True)) + 1e-10)
            y = y / (torch.sqrt((y ** 2).sum(1, keepdim=True)) + 1e-10)
        d = (x - y) ** 2 if distance == "l2" else (x - y).abs()
        w = 1.0 if weights is None else weights[li]
        if np.ndim(w) == 1:
            w = T(w).reshape([1, -1] + [1] * (x.ndim - 2))
        s = (d * w).sum(1)
        tot = tot + (s.mean(dim=tuple(range(1, s.ndim))) if s.ndim > 1
                     else s)
    return {"mean": tot.mean, "sum": tot.sum, "none": lambda: tot}[red]()


def perc_case(name, xs, ys, params=None, rtol=1e-9, dt=None):
    p = dict(params or {})
    red = p.pop("reduction", "mean")
    xw = [W(a, dt) for a in xs]
    yw = [W(a, dt) for a in ys]
    v = perc_ref([a.f64 for a in xw], [a.f64 for a in yw], red=red, **p)
    ok("perceptual", name, {"input": [a.json for a in xw],
                            "target": [a.json for a in yw]},
       params, v, rtol=rtol)


fx = [randn(3, 4, 3, 3), randn(3, 6, 2, 2), randn(3, 8, 1, 1)]
fy = [a + randn(*a.shape) * 0.5 for a in fx]
for red in REDS:
    perc_case(red, fx, fy, {"reduction": red})
perc_case("l1", fx, fy, {"distance": "l1"})
perc_case("no_normalize_l2", fx, fy, {"normalize": False,
                                      "reduction": "none"})
perc_case("no_normalize_l1_sum", fx, fy, {"normalize": False,
                                          "distance": "l1",
                                          "reduction": "sum"})
lin = [(rng.random(4) * 0.2).tolist(), 0.5, (rng.random(8)).tolist()]
perc_case("weights_mixed", fx, fy, {"weights": lin, "reduction": "none"})
perc_case("weights_numbers", fx, fy, {"weights": [1.0, 0.0, 2.0]})
perc_case("weights_l1_no_normalize", fx, fy,
          {"weights": lin, "distance": "l1", "normalize": False})
# One layer of 288 numbers: the whole list is one rectangular array, which
# the parser holds as a number blob.
f1 = randn(2, 4, 6, 6)
perc_case("single_layer", [f1], [f1 + randn(*f1.shape) * 0.1],
          {"reduction": "none"})
perc_case("equal_layer_shapes", [randn(2, 3, 2, 2), randn(2, 3, 2, 2)],
          [randn(2, 3, 2, 2), randn(2, 3, 2, 2)], {"weights": [[1, 2, 3], 2]})
perc_case("identical", fx, fx, {"reduction": "none"})
zx = [np.zeros((2, 3, 2, 2)), randn(2, 2, 1, 1)]
zy = [np.zeros((2, 3, 2, 2)), randn(2, 2, 1, 1)]
zy[0][1, :, 0, 0] = [1.0, 2.0, 2.0]   # a zero feature vs a non-zero one
perc_case("zero_features", zx, zy, {"reduction": "none"})
perc_case("packed_f32", fx, fy, {"reduction": "none"}, dt=np.float32)
perc_case("rank3_features", [randn(2, 4, 6)], [randn(2, 4, 6)],
          {"distance": "l1"})
perc_case("single_sample", [randn(1, 3, 2, 2)], [randn(1, 3, 2, 2)],
          {"reduction": "sum"})

# =================================================================== invalid
two = {"input": [1.0, 2.0], "target": [1.0, 2.0]}
bad("mse", "shape_mismatch", {"input": [[1.0, 2.0]], "target": [1.0, 2.0]},
    "shape_mismatch", "/inputs/target")
bad("mse", "empty", {"input": [], "target": []}, "empty_input",
    "/inputs/input")
bad("mse", "bad_reduction", two, "invalid_value", "/params/reduction",
    {"reduction": "avg"})
bad("mse", "half_not_bool", two, "wrong_type", "/params/half",
    {"half": 1}, status=400)
bad("mae", "unknown_param", two, "unknown_parameter", "/params/delta",
    {"delta": 1.0})
bad("huber", "delta_negative", two, "out_of_range", "/params/delta",
    {"delta": -1.0})
bad("smooth_l1", "beta_negative", two, "out_of_range", "/params/beta",
    {"beta": -0.5})
bad("smooth_l1", "shape_mismatch", {"input": [1.0, 2.0, 3.0],
                                    "target": [[1.0, 2.0, 3.0]]},
    "shape_mismatch", "/inputs/target")
bad("gaussian_nll", "var_wrong_shape",
    {"input": np.zeros((3, 2)).tolist(), "target": np.zeros((3, 2)).tolist(),
     "var": [1.0, 1.0]}, "shape_mismatch", "/inputs/var")
bad("gaussian_nll", "var_length_1_for_2d",
    {"input": np.zeros((3, 2)).tolist(), "target": np.zeros((3, 2)).tolist(),
     "var": [1.0]}, "shape_mismatch", "/inputs/var")
bad("gaussian_nll", "var_negative",
    {"input": [1.0, 2.0], "target": [1.0, 2.0], "var": [1.0, -0.5]},
    "invalid_value", "/inputs/var")
bad("gaussian_nll", "var_missing", two, "missing_input", "/inputs/var")
bad("gaussian_nll", "eps_zero", dict(two, var=1.0), "out_of_range",
    "/params/eps", {"eps": 0})
bad("tukey", "scalar_mad", {"input": 1.0, "target": 2.0}, "shape_mismatch",
    "/inputs/input")
bad("tukey", "c_zero", two, "out_of_range", "/params/c", {"c": 0})
bad("tukey", "unknown_scale", two, "invalid_value", "/params/scale",
    {"scale": "iqr"})
bad("tukey", "empty_batch", {"input": cg.packed(np.zeros((0, 3))),
                             "target": cg.packed(np.zeros((0, 3)))},
    "empty_input", "/inputs/input")
bad("bce", "input_above_1", {"input": [0.5, 1.5], "target": [0, 1]},
    "out_of_range", "/inputs/input")
bad("bce", "input_negative", {"input": [-1e-12, 0.5], "target": [0, 1]},
    "out_of_range", "/inputs/input")
bad("bce", "target_outside", {"input": [0.5, 0.5], "target": [0, 2]},
    "out_of_range", "/inputs/target")
bad("bce", "weight_not_broadcastable",
    {"input": [[0.5, 0.5]], "target": [[0, 1]], "weight": [1.0, 2.0, 3.0]},
    "shape_mismatch", "/inputs/weight")
bad("bce", "weight_bigger_than_input",
    {"input": [0.5, 0.5], "target": [0, 1], "weight": [[1.0, 2.0]] * 2},
    "shape_mismatch", "/inputs/weight")
bad("bce", "shape_mismatch", {"input": [0.5, 0.5], "target": [0, 1, 1]},
    "shape_mismatch", "/inputs/target")
bad("bce_with_logits", "pos_weight_length",
    {"input": [[0.5, 0.5]], "target": [[0, 1]]}, "shape_mismatch",
    "/params/pos_weight", {"pos_weight": [1.0, 2.0, 3.0]})
bad("bce_with_logits", "pos_weight_larger_than_target",
    {"input": [[0.5, 0.5]], "target": [[0, 1]]}, "shape_mismatch",
    "/params/pos_weight", {"pos_weight": [[[1.0, 2.0]]]})
bad("bce_with_logits", "pos_weight_not_broadcastable",
    {"input": [[0.5, 0.5], [0.5, 0.5]], "target": [[0, 1], [1, 1]]},
    "shape_mismatch", "/params/pos_weight",
    {"pos_weight": [[1.0], [2.0], [3.0]]})
bad("bce_with_logits", "target_outside", {"input": [0.5, 3.0],
                                          "target": [0, -1]},
    "out_of_range", "/inputs/target")
ce_in = [[0.1, 0.2, 0.3], [0.3, 0.2, 0.1]]
bad("cross_entropy", "index_out_of_range", {"input": ce_in, "target": [0, 3]},
    "out_of_range", "/inputs/target")
bad("cross_entropy", "index_negative", {"input": ce_in, "target": [-1, 0]},
    "out_of_range", "/inputs/target")
bad("cross_entropy", "index_not_integer", {"input": ce_in,
                                           "target": [1.5, 0]},
    "invalid_value", "/inputs/target")
bad("cross_entropy", "weight_length", {"input": ce_in, "target": [0, 1]},
    "shape_mismatch", "/params/weight", {"weight": [1.0, 2.0]})
bad("cross_entropy", "weight_number", {"input": ce_in, "target": [0, 1]},
    "shape_mismatch", "/params/weight", {"weight": 2.0})
bad("cross_entropy", "label_smoothing_above_1",
    {"input": ce_in, "target": [0, 1]}, "out_of_range",
    "/params/label_smoothing", {"label_smoothing": 1.5})
bad("cross_entropy", "label_smoothing_negative",
    {"input": ce_in, "target": [0, 1]}, "out_of_range",
    "/params/label_smoothing", {"label_smoothing": -0.1})
bad("cross_entropy", "probs_with_ignore_index",
    {"input": ce_in, "target": [[0.2, 0.3, 0.5], [1, 0, 0]]},
    "invalid_value", "/params/ignore_index", {"ignore_index": 0})
bad("cross_entropy", "probs_outside",
    {"input": ce_in, "target": [[0.2, 1.3, -0.5], [1, 0, 0]]},
    "out_of_range", "/inputs/target")
bad("cross_entropy", "target_shape", {"input": ce_in, "target": [0, 1, 2]},
    "shape_mismatch", "/inputs/target")
bad("cross_entropy", "target_spatial_shape",
    {"input": np.zeros((2, 3, 4)).tolist(),
     "target": np.zeros((2, 3)).tolist()},
    "shape_mismatch", "/inputs/target")
bad("cross_entropy", "empty_batch",
    {"input": cg.packed(np.zeros((0, 3))),
     "target": cg.packed(np.zeros(0, np.int64))},
    "empty_input", "/inputs/input")
bad("cross_entropy", "unbatched_target_not_integer",
    {"input": [0.1, 0.2, 0.3], "target": 0.5}, "invalid_value",
    "/inputs/target")
bad("focal", "empty_classes", {"input": cg.packed(np.zeros((2, 0))),
                               "target": [0, 0]},
    "empty_input", "/inputs/input")
bad("cross_entropy", "scalar_input", {"input": 1.0, "target": 0},
    "shape_mismatch", "/inputs/input")
bad("cross_entropy", "ignore_index_not_integer",
    {"input": ce_in, "target": [0, 1]}, "invalid_value",
    "/params/ignore_index", {"ignore_index": 0.5})
bad("nll", "probability_target",
    {"input": ce_in, "target": [[0.2, 0.3, 0.5], [1, 0, 0]]},
    "shape_mismatch", "/inputs/target")
bad("nll", "index_out_of_range", {"input": ce_in, "target": [0, 7]},
    "out_of_range", "/inputs/target")
bad("nll", "unknown_param", {"input": ce_in, "target": [0, 1]},
    "unknown_parameter", "/params/label_smoothing", {"label_smoothing": 0.1})
bad("focal", "alpha_length", {"input": ce_in, "target": [0, 1]},
    "shape_mismatch", "/params/alpha", {"alpha": [0.25, 0.75]})
bad("focal", "target_out_of_range", {"input": ce_in, "target": [0, 3]},
    "out_of_range", "/inputs/target")
bad("focal", "target_ignore_not_supported", {"input": ce_in,
                                             "target": [0, -100]},
    "out_of_range", "/inputs/target")
bad("focal", "gamma_negative", {"input": ce_in, "target": [0, 1]},
    "out_of_range", "/params/gamma", {"gamma": -1})
bad("focal", "size_average_not_bool", {"input": ce_in, "target": [0, 1]},
    "wrong_type", "/params/size_average", {"size_average": "yes"},
    status=400)
bad("sigmoid_focal", "target_outside", {"input": [0.1, 0.2],
                                        "target": [0, 1.5]},
    "out_of_range", "/inputs/target")
bad("sigmoid_focal", "shape_mismatch", {"input": [0.1, 0.2],
                                        "target": [[0, 1]]},
    "shape_mismatch", "/inputs/target")
bad("sigmoid_focal", "gamma_negative", {"input": [0.1], "target": [1]},
    "out_of_range", "/params/gamma", {"gamma": -0.5})
bad("sigmoid_focal", "alpha_vector_length", {"input": [[0.1, 0.2]],
                                             "target": [[0, 1]]},
    "shape_mismatch", "/params/alpha", {"alpha": [0.25, 0.5, 0.75]})
bad("sigmoid_focal", "alpha_vector_negative", {"input": [[0.1, 0.2]],
                                               "target": [[0, 1]]},
    "invalid_value", "/params/alpha", {"alpha": [0.25, -0.5]})
bad("sigmoid_focal", "alpha_2d", {"input": [[0.1, 0.2]], "target": [[0, 1]]},
    "shape_mismatch", "/params/alpha", {"alpha": [[0.25, 0.5]]})
bad("sigmoid_focal", "alpha_vector_scalar_input", {"input": 0.1,
                                                   "target": 1},
    "shape_mismatch", "/params/alpha", {"alpha": [0.25]})
dz = np.zeros((1, 3, 2, 2)).tolist()
bad("dice", "weight_length", {"input": dz, "target": dz}, "shape_mismatch",
    "/params/weight", {"weight": [1.0, 2.0]})
bad("dice", "weight_length_1", {"input": dz, "target": dz},
    "shape_mismatch", "/params/weight", {"weight": [1.0]})
bad("dice", "weight_includes_background", {"input": dz, "target": dz},
    "shape_mismatch", "/params/weight",
    {"weight": [1.0, 2.0, 3.0], "include_background": False})
bad("dice", "weight_negative", {"input": dz, "target": dz}, "invalid_value",
    "/params/weight", {"weight": [1.0, -2.0, 3.0]})
bad("dice", "weight_2d", {"input": dz, "target": dz}, "shape_mismatch",
    "/params/weight", {"weight": [[1.0, 2.0, 3.0]]})
bad("dice", "target_shape", {"input": dz, "target": np.zeros((1, 2, 2, 2))
                             .tolist()}, "shape_mismatch", "/inputs/target")
bad("dice", "index_out_of_range", {"input": dz, "target": [[[0, 1], [2, 3]]]},
    "out_of_range", "/inputs/target")
bad("dice", "index_not_integer", {"input": dz,
                                  "target": [[[0, 1], [0.5, 2]]]},
    "invalid_value", "/inputs/target")
bad("dice", "unknown_activation", {"input": dz, "target": dz},
    "invalid_value", "/params/activation", {"activation": "relu"})
bad("dice", "input_1d", {"input": [0.5, 0.5], "target": [1, 0]},
    "shape_mismatch", "/inputs/input")
bad("dice", "smooth_negative", {"input": dz, "target": dz}, "out_of_range",
    "/params/smooth_dr", {"smooth_dr": -1e-5})
pl = [np.zeros((2, 3, 2, 2)).tolist(), np.zeros((2, 4, 1, 1)).tolist()]
bad("perceptual", "layer_count", {"input": pl, "target": pl[:1]},
    "shape_mismatch", "/inputs/target")
bad("perceptual", "layer_shape",
    {"input": pl, "target": [pl[0], np.zeros((2, 5, 1, 1)).tolist()]},
    "shape_mismatch", "/inputs/target/1")
bad("perceptual", "batch_differs",
    {"input": [pl[0], np.zeros((3, 4, 1, 1)).tolist()],
     "target": [pl[0], np.zeros((3, 4, 1, 1)).tolist()]},
    "shape_mismatch", "/inputs/input/1")
bad("perceptual", "layer_1d", {"input": [[1.0, 2.0]], "target": [[1.0, 2.0]]},
    "shape_mismatch", "/inputs/input/0")
bad("perceptual", "weights_count", {"input": pl, "target": pl},
    "shape_mismatch", "/params/weights", {"weights": [1.0]})
bad("perceptual", "weights_channels", {"input": pl, "target": pl},
    "shape_mismatch", "/params/weights/0", {"weights": [[1.0, 2.0], 1.0]})
bad("perceptual", "weights_negative", {"input": pl, "target": pl},
    "invalid_value", "/params/weights/1", {"weights": [1.0, -2.0]})
bad("perceptual", "weights_not_list", {"input": pl, "target": pl},
    "wrong_type", "/params/weights", {"weights": 1.0}, status=400)
bad("perceptual", "weights_entry_string", {"input": pl, "target": pl},
    "wrong_type", "/params/weights/1", {"weights": [1.0, "a"]}, status=400)
bad("perceptual", "unknown_distance", {"input": pl, "target": pl},
    "invalid_value", "/params/distance", {"distance": "cosine"})
bad("perceptual", "not_a_list", {"input": 1.0, "target": pl}, "wrong_type",
    "/inputs/input", status=400)
bad("perceptual", "empty_list", {"input": [], "target": []}, "empty_input",
    "/inputs/input")
cg.done()
