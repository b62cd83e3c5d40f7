#!/usr/bin/python3
"""gen_auc - cases for the threshold and probability scores: roc_auc,
roc_curve, precision_recall_curve, brier, log_loss, calibration_error.

Reference values come from scikit-learn 1.2 (roc_auc_score, roc_curve,
precision_recall_curve, brier_score_loss, log_loss).  calibration_error's
anchor is torchmetrics 1.x (BinaryCalibrationError /
MulticlassCalibrationError), which Debian does not package: its algorithm
(functional/classification/calibration_error.py: _binning_bucketize and
_ce_compute) is written out below in torch, float64.
Run with Debian's python3: /usr/bin/python3 tests/gen/gen_auc.py
"""
import math
import warnings

import numpy as np
import torch
from sklearn.metrics import (brier_score_loss, log_loss,
                             precision_recall_curve, roc_auc_score,
                             roc_curve)

import casegen as cg

warnings.simplefilter("ignore")  # sklearn's undefined-metric warnings

cg.reset("metrics", "auc.")
cg.reset("invalid", "auc.")
rng = np.random.default_rng(20261202)

ROUTE = "/v1/metrics/"


def nulls(v):
    """NaN becomes None (evald writes null with a warning)."""
    a = np.asarray(v, dtype=np.float64)
    return [None if not math.isfinite(x) else float(x) for x in a.ravel()]


def body(inputs, params=None):
    b = {"inputs": {k: v for k, v in inputs.items() if v is not None}}
    if params:
        b["params"] = params
    return b


def lst(a):
    return None if a is None else np.asarray(a).tolist()


# ----------------------------------------------------------------- roc_auc
def auc_case(name, y, s, w=None, enc=None, rtol=1e-9, **kw):
    """kw are evald's params; sklearn gets the same (none -> None)."""
    sk = dict(kw)
    if sk.get("average") == "none":
        sk["average"] = None
    v = roc_auc_score(np.asarray(y), np.asarray(s, dtype=np.float64),
                      sample_weight=None if w is None else np.asarray(w),
                      **sk)
    exp = {"metric": "roc_auc"}
    if np.ndim(v) == 0:
        exp["value"] = float(v)
    else:
        exp["values"] = nulls(v)
    inputs = {"y_true": lst(y), "y_score": lst(s), "sample_weight": lst(w)}
    if enc:
        inputs.update(enc)
    cg.case("metrics", "auc.roc_auc." + name, ROUTE + "roc_auc",
            body(inputs, kw or None), expect=exp, rtol=rtol)


y = (rng.random(40) < 0.4).astype(int)
s = rng.normal(size=40) + y
auc_case("binary", y, s)
auc_case("binary_weights", y, s, w=rng.random(40) * 3)
wz = rng.random(40)
wz[::4] = 0.0
auc_case("binary_weights_with_zeros", y, s, w=wz)
st = np.round(s * 2) / 2            # many duplicated scores
auc_case("binary_ties", y, st)
auc_case("binary_ties_weights", y, st, w=rng.random(40))
auc_case("binary_all_tied", y, np.full(40, 0.3))
auc_case("binary_perfect", [0, 0, 1, 1, 0, 1], [0.1, 0.2, 0.8, 0.9, 0.3, 0.7])
auc_case("binary_inverted", [0, 0, 1, 1, 0, 1],
         [0.9, 0.8, 0.2, 0.1, 0.7, 0.3])
auc_case("binary_minus_one_one", 2 * y - 1, s)
auc_case("binary_labels_2_5", np.where(y == 1, 5, 2), s)
auc_case("binary_integer_scores", [0, 1, 1, 0, 1, 0, 0],
         [3, 1, 2, 3, 1, 2, 0])
for mf in [0.05, 0.1, 0.3, 0.5, 0.999, 1.0]:
    auc_case("binary_max_fpr_%g" % mf, y, s, max_fpr=mf)
auc_case("binary_max_fpr_ties_weights", y, st, w=rng.random(40),
         max_fpr=0.25)
auc_case("binary_max_fpr_perfect", [0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9],
         max_fpr=0.2)
auc_case("binary_max_fpr_inverted", [0, 0, 1, 1], [0.9, 0.8, 0.2, 0.1],
         max_fpr=0.2)
auc_case("binary_average_ignored", y, s, average="weighted")
yb = (rng.random(3000) < 0.3).astype(np.int64)
sb = (rng.normal(size=3000) + yb).astype(np.float32)
auc_case("binary_packed_f32_n3000", yb, sb.astype(np.float64),
         enc={"y_true": cg.packed(yb), "y_score": cg.packed(sb)})
sb2 = np.round(rng.random(3000) * 20) / 20
auc_case("binary_packed_f64_ties_n3000", yb, sb2,
         enc={"y_true": cg.packed(yb.astype(np.uint8)),
              "y_score": cg.packed(sb2)})
auc_case("binary_signed_zero", [0, 1, 0, 1], [-0.0, 0.0, 0.5, 0.5])

# multiclass: rows are probabilities summing to one
C = 4
ym = rng.integers(0, C, size=60)
lg = rng.normal(size=(60, C)) + np.eye(C)[ym]
pm = np.exp(lg) / np.exp(lg).sum(axis=1, keepdims=True)
wm = rng.random(60) * 2
for mc in ["ovr", "ovo"]:
    for avg in ["macro", "weighted"]:
        auc_case("multiclass_%s_%s" % (mc, avg), ym, pm, multi_class=mc,
                 average=avg)
auc_case("multiclass_ovr_micro", ym, pm, multi_class="ovr", average="micro")
auc_case("multiclass_ovr_none", ym, pm, multi_class="ovr", average="none")
for avg in ["macro", "weighted", "micro", "none"]:
    auc_case("multiclass_ovr_%s_weights" % avg, ym, pm, w=wm,
             multi_class="ovr", average=avg)
pt = np.round(pm * 4) / 4           # tied probabilities...
pt[:, -1] = 1.0 - pt[:, :-1].sum(axis=1)   # ...still summing to one
pt = np.abs(pt)
pt = pt / pt.sum(axis=1, keepdims=True)
auc_case("multiclass_ovo_ties", ym, pt, multi_class="ovo")
auc_case("multiclass_ovr_ties", ym, pt, multi_class="ovr")
yl = np.array([1, 3, 7])[ym % 3]
p3 = pm[:, :3] / pm[:, :3].sum(axis=1, keepdims=True)
auc_case("multiclass_labels_1_3_7", yl, p3, multi_class="ovr",
         labels=[1, 3, 7])
auc_case("multiclass_labels_1_3_7_ovo", yl, p3, multi_class="ovo",
         labels=[1, 3, 7], average="weighted")
# a label of labels absent from y_true: ovo averages the pairs present
y2 = np.array([0, 2, 3])[ym % 3]
auc_case("multiclass_ovo_label_absent", y2, pm, multi_class="ovo",
         labels=[0, 1, 2, 3])
auc_case("multiclass_ovo_three", ym % 3, p3, multi_class="ovo")

# multilabel indicators
L = 3
yml = (rng.random((30, L)) < 0.5).astype(int)
yml[0] = [1, 0, 1]
yml[1] = [0, 1, 0]
sml = rng.normal(size=(30, L)) + yml
wml = rng.random(30)
for i in range(30):                  # samples: each row needs both classes
    if yml[i].min() == yml[i].max():
        yml[i, 0] = 1 - yml[i, 0]
yml_s = yml
for avg in ["micro", "macro", "weighted", "samples", "none"]:
    auc_case("multilabel_%s" % avg, yml, sml, average=avg)
    auc_case("multilabel_%s_weights" % avg, yml, sml, w=wml, average=avg)
auc_case("multilabel_samples_weights_zero", yml_s, sml,
         w=np.where(np.arange(30) % 3 == 0, 0.0, wml), average="samples")
auc_case("multilabel_max_fpr", yml, sml, max_fpr=0.3)
auc_case("multilabel_ties", yml, np.round(sml), average="macro")


# ------------------------------------------------------------------ curves
def pick(n, m):
    """evald's max_points rule: the first, the last and evenly spaced by
    index between, round half up."""
    if m is None or n <= m:
        return np.arange(n)
    return np.floor(np.arange(m) * (n - 1) / (m - 1) + 0.5).astype(int)


def curve_case(name, kind, y, s, w=None, pos_label=None, drop=None,
               max_points=None, enc=None, rtol=1e-9):
    yy, ss = np.asarray(y), np.asarray(s, dtype=np.float64)
    ww = None if w is None else np.asarray(w, dtype=np.float64)
    params = {}
    if pos_label is not None:
        params["pos_label"] = pos_label
    if max_points is not None:
        params["max_points"] = max_points
    if kind == "roc_curve":
        kw = {} if drop is None else {"drop_intermediate": drop}
        if drop is not None:
            params["drop_intermediate"] = drop
        x1, x2, thr = roc_curve(yy, ss, pos_label=pos_label,
                                sample_weight=ww, **kw)
        keys = ("fpr", "tpr")
    else:
        x1, x2, thr = precision_recall_curve(yy, ss, pos_label=pos_label,
                                             sample_weight=ww)
        keys = ("precision", "recall")
    n = len(x1)
    idx = pick(n, max_points)
    exp = {"metric": kind, keys[0]: nulls(x1[idx]), keys[1]: nulls(x2[idx]),
           "thresholds": nulls(thr[idx[idx < len(thr)]]),
           "n_points_total": n}
    inputs = {"y_true": lst(y), "y_score": lst(s), "sample_weight": lst(w)}
    if enc:
        inputs.update(enc)
    cg.case("metrics", "auc.%s.%s" % (kind, name), ROUTE + kind,
            body(inputs, params or None), expect=exp, rtol=rtol)


for kind in ["roc_curve", "precision_recall_curve"]:
    curve_case("basic", kind, y, s)
    curve_case("ties", kind, y, st)
    curve_case("all_tied", kind, y, np.full(40, 0.3))
    curve_case("weights", kind, y, st, w=rng.random(40) * 2)
    curve_case("weights_with_zeros", kind, y, s, w=wz)
    curve_case("perfect", kind, [0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9])
    curve_case("inverted", kind, [0, 0, 1, 1], [0.9, 0.8, 0.2, 0.1])
    curve_case("minus_one_one", kind, 2 * y - 1, s)
    curve_case("pos_label_2", kind, np.where(y == 1, 2, 1), s, pos_label=2)
    curve_case("pos_label_0", kind, y, s, pos_label=0)
    curve_case("pos_label_multiclass", kind, ym, pm[:, 1], pos_label=1)
    curve_case("no_positive", kind, [0, 0, 0, 0], [0.1, 0.4, 0.4, 0.8])
    curve_case("no_negative", kind, [1, 1, 1], [0.1, 0.4, 0.8])
    curve_case("single_item", kind, [1], [0.5])
    for mp in [2, 3, 5, 10, 1000]:
        curve_case("max_points_%d" % mp, kind, yb, sb.astype(np.float64),
                   max_points=mp,
                   enc={"y_true": cg.packed(yb), "y_score": cg.packed(sb)})
    curve_case("packed_ties_n3000", kind, yb, sb2,
               enc={"y_true": cg.packed(yb.astype(np.int32)),
                    "y_score": cg.packed(sb2)})
curve_case("no_drop", "roc_curve", y, s, drop=False)
curve_case("no_drop_ties", "roc_curve", y, st, drop=False)
curve_case("no_drop_max_points_7", "roc_curve", y, s, drop=False,
           max_points=7)
curve_case("collinear", "roc_curve", [0, 1, 0, 1, 0, 1, 0, 1],
           [8, 7, 6, 5, 4, 3, 2, 1])
curve_case("collinear_no_drop", "roc_curve", [0, 1, 0, 1, 0, 1, 0, 1],
           [8, 7, 6, 5, 4, 3, 2, 1], drop=False)


# ------------------------------------------------------------------- brier
def brier_case(name, y, p, w=None, pos_label=None, enc=None):
    v = brier_score_loss(np.asarray(y), np.asarray(p, dtype=np.float64),
                         sample_weight=None if w is None else np.asarray(w),
                         pos_label=pos_label)
    inputs = {"y_true": lst(y), "y_prob": lst(p), "sample_weight": lst(w)}
    if enc:
        inputs.update(enc)
    params = None if pos_label is None else {"pos_label": pos_label}
    cg.case("metrics", "auc.brier." + name, ROUTE + "brier",
            body(inputs, params), expect={"metric": "brier", "value": v})


pb = 1 / (1 + np.exp(-s))
brier_case("basic", y, pb)
brier_case("weights", y, pb, w=rng.random(40))
brier_case("minus_one_one", 2 * y - 1, pb)
brier_case("labels_2_5_greater_positive", np.where(y == 1, 5, 2), pb)
brier_case("pos_label_0", y, pb, pos_label=0)
brier_case("pos_label_2", np.where(y == 1, 2, 1), pb, pos_label=2)
brier_case("all_negative", [0, 0, 0], [0.1, 0.5, 0.0])
brier_case("all_label_3", [3, 3], [0.9, 1.0])
brier_case("perfect", [0, 1, 1, 0], [0.0, 1.0, 1.0, 0.0])
pbf = pb.astype(np.float32)
brier_case("packed_f32", y, pbf.astype(np.float64),
           enc={"y_true": cg.packed(y.astype(np.uint8)),
                "y_prob": cg.packed(pbf)})


# ---------------------------------------------------------------- log_loss
def ll_case(name, y, p, w=None, eps=None, normalize=None, labels=None,
            enc=None, sk_pred=None, rtol=1e-9):
    kw = {}
    params = {}
    if eps is not None:
        kw["eps"] = eps
        params["eps"] = eps
    if normalize is not None:
        kw["normalize"] = normalize
        params["normalize"] = normalize
    if labels is not None:
        kw["labels"] = labels
        params["labels"] = labels
    pred = np.asarray(p, dtype=np.float64) if sk_pred is None else sk_pred
    v = log_loss(np.asarray(y), pred,
                 sample_weight=None if w is None else np.asarray(w), **kw)
    inputs = {"y_true": lst(y), "y_pred": lst(p), "sample_weight": lst(w)}
    if enc:
        inputs.update(enc)
    cg.case("metrics", "auc.log_loss." + name, ROUTE + "log_loss",
            body(inputs, params or None),
            expect={"metric": "log_loss", "value": float(v)}, rtol=rtol)


ll_case("binary", y, pb)
ll_case("binary_weights", y, pb, w=rng.random(40))
ll_case("binary_sum", y, pb, normalize=False)
ll_case("binary_sum_weights", y, pb, w=rng.random(40), normalize=False)
ll_case("binary_labels_2_5", np.where(y == 1, 5, 2), pb)
ll_case("binary_clipped", [0, 1, 1, 0], [0.0, 1.0, 0.0, 1.0])
ll_case("binary_eps_1e-3", [0, 1, 1, 0], [0.0, 1.0, 0.3, 0.9], eps=1e-3)
ll_case("binary_eps_0", [0, 1, 1, 0], [0.2, 1.0, 0.3, 0.9], eps=0.0)
ll_case("binary_column", y, pb[:, None])
ll_case("multiclass", ym, pm)
ll_case("multiclass_weights_sum", ym, pm, w=wm, normalize=False)
ll_case("multiclass_labels_absent_class", ym % 3, pm[:, :3] /
        pm[:, :3].sum(axis=1, keepdims=True), labels=[0, 1, 2])
ll_case("multiclass_labels_wider", np.zeros(5, int) + 1,
        pm[:5], labels=[0, 1, 2, 3])
ll_case("multiclass_not_normalised", ym, pm * 1.7)
ll_case("multiclass_not_normalised_zeros", [0, 1, 2],
        [[0.0, 0.5, 0.2], [0.3, 0.3, 0.0], [1.0, 1.0, 1.0]])
ll_case("binary_labels_param", [1, 1, 1], [0.9, 0.8, 0.7], labels=[0, 1])
p32 = pm.astype(np.float32)
ll_case("eps_auto_float32", ym, p32.astype(np.float64),
        enc={"y_pred": cg.packed(np.clip(p32, 0, 1))},
        sk_pred=p32, rtol=1e-6)
pc = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]], dtype=np.float32)
ll_case("eps_auto_float32_clipped", [1, 0, 1], pc.astype(np.float64),
        enc={"y_pred": cg.packed(pc)}, sk_pred=pc, rtol=1e-6)


# ------------------------------------------------------- calibration_error
def tm_calibration(p, t, n_bins, norm):
    """torchmetrics 1.x _binary/_multiclass_calibration_error_update,
    _binning_bucketize and _ce_compute, in float64."""
    p = torch.tensor(np.asarray(p, dtype=np.float64))
    t = torch.tensor(np.asarray(t)).long()
    if p.ndim == 1:
        if not torch.all((p >= 0) * (p <= 1)):
            p = p.sigmoid()
        conf, acc = p, t
    else:
        if not torch.all((p >= 0) * (p <= 1)):
            p = p.softmax(1)
        conf, pred = p.max(dim=1)
        acc = pred.eq(t)
    # torchmetrics: torch.linspace(0, 1, n_bins + 1).  Its float64 values
    # differ in the last bit with the SIMD width torch was built for (AVX2
    # and AVX-512 builds disagree), so evald, and these cases, take the
    # correctly rounded i / n_bins that every build approximates.
    bb = torch.tensor([i / n_bins for i in range(n_bins + 1)],
                      dtype=conf.dtype)
    acc = acc.to(dtype=conf.dtype)
    acc_bin = torch.zeros(len(bb), dtype=conf.dtype)
    conf_bin = torch.zeros(len(bb), dtype=conf.dtype)
    count_bin = torch.zeros(len(bb), dtype=conf.dtype)
    idx = torch.bucketize(conf, bb, right=True) - 1
    count_bin.scatter_add_(dim=0, index=idx, src=torch.ones_like(conf))
    conf_bin.scatter_add_(dim=0, index=idx, src=conf)
    conf_bin = torch.nan_to_num(conf_bin / count_bin)
    acc_bin.scatter_add_(dim=0, index=idx, src=acc)
    acc_bin = torch.nan_to_num(acc_bin / count_bin)
    prop_bin = count_bin / count_bin.sum()
    if norm == "l1":
        ce = torch.sum(torch.abs(acc_bin - conf_bin) * prop_bin)
    elif norm == "max":
        ce = torch.max(torch.abs(acc_bin - conf_bin))
    else:
        ce = torch.sum(torch.pow(acc_bin - conf_bin, 2) * prop_bin)
        ce = torch.sqrt(ce) if ce > 0 else torch.tensor(0.0)
    upper = torch.cat([bb[1:], bb[-1:]])
    bins = [{"lower": float(bb[b]), "upper": float(upper[b]),
             "count": int(count_bin[b]), "confidence": float(conf_bin[b]),
             "accuracy": float(acc_bin[b])} for b in range(len(bb))]
    return float(ce), bins


def ce_case(name, t, p, n_bins=None, norm=None, enc=None):
    v, bins = tm_calibration(p, t, 15 if n_bins is None else n_bins,
                             "l1" if norm is None else norm)
    params = {}
    if n_bins is not None:
        params["n_bins"] = n_bins
    if norm is not None:
        params["norm"] = norm
    inputs = {"y_true": lst(t), "y_prob": lst(p)}
    if enc:
        inputs.update(enc)
    cg.case("metrics", "auc.calibration_error." + name,
            ROUTE + "calibration_error", body(inputs, params or None),
            expect={"metric": "calibration_error", "value": v,
                    "bins": bins})


for norm in ["l1", "max", "l2"]:
    ce_case("binary_" + norm, y, pb, norm=norm)
    ce_case("multiclass_" + norm, ym, pm, norm=norm)
for nb in [1, 2, 7, 10, 100]:
    ce_case("binary_bins_%d" % nb, y, pb, n_bins=nb)
    ce_case("multiclass_bins_%d" % nb, ym, pm, n_bins=nb)
ce_case("empty_bins", [0, 1, 1, 0], [0.05, 0.95, 0.93, 0.52])
ce_case("all_confidence_one", [1, 0, 1], [1.0, 1.0, 1.0])
ce_case("all_confidence_one_max", [1, 0, 1], [1.0, 1.0, 1.0], norm="max")
ce_case("multiclass_confidence_one", [0, 1, 2],
        [[1.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
ce_case("on_edges", [1, 0, 1, 0, 1, 1],
        [0.0, 0.1, 0.2, 0.3, 0.5, 0.7], n_bins=10)
ce_case("binary_logits", y, s)
ce_case("multiclass_logits", ym, lg)
ce_case("multiclass_ties", [0, 1, 2, 1], [[0.4, 0.4, 0.2], [0.3, 0.3, 0.4],
                                          [0.5, 0.25, 0.25],
                                          [1 / 3, 1 / 3, 1 / 3]])
ce_case("perfect_l2", [0, 1], [0.0, 1.0], norm="l2")
pbf32 = pb.astype(np.float32)
ce_case("packed_f32", y, pbf32.astype(np.float64),
        enc={"y_prob": cg.packed(pbf32), "y_true": cg.packed(y)})


# ----------------------------------------------------------------- invalid
def bad(name, metric, inputs, code, path, params=None, status=422):
    exp = {"error": {"code": code, "path": path}}
    cg.case("invalid", "auc.%s.%s" % (metric, name), ROUTE + metric,
            body(inputs, params), status=status, expect=exp)


def bad_msg(name, metric, inputs, code, path, has, params=None):
    """An error case whose message must hold `has` (sklearn's reason)."""
    bad(name, metric, inputs, code, path, params)
    d = cg.os.path.join(cg.ROOT, "invalid", "auc.%s.%s" % (metric, name),
                        "expected.json")
    with open(d) as f:
        e = cg.json.load(f)
    e["message_has"] = has
    with open(d, "w") as f:
        cg.json.dump(e, f, indent=1)
        f.write("\n")


YS = {"y_true": [0, 1, 0, 1], "y_score": [0.1, 0.4, 0.35, 0.8]}
bad_msg("one_class", "roc_auc", {"y_true": [1, 1, 1], "y_score": [0.1, 0.2,
        0.3]}, "invalid_value", "/inputs/y_true",
        ["Only one class present in y_true"])
bad_msg("one_class_weighted", "roc_auc",
        {"y_true": [0, 0], "y_score": [0.1, 0.2], "sample_weight": [1, 2]},
        "invalid_value", "/inputs/y_true", ["Only one class present"])
P3 = [[0.2, 0.3, 0.5], [0.6, 0.2, 0.2], [0.1, 0.8, 0.1], [0.3, 0.3, 0.4]]
Y3 = [2, 0, 1, 2]
bad_msg("multiclass_raise", "roc_auc", {"y_true": Y3, "y_score": P3},
        "invalid_value", "/params/multi_class", ["ovr"])
bad_msg("multiclass_ovo_weights", "roc_auc",
        {"y_true": Y3, "y_score": P3, "sample_weight": [1, 1, 1, 1]},
        "invalid_value", "/inputs/sample_weight", ["one-vs-one"],
        params={"multi_class": "ovo"})
bad("multiclass_ovo_none", "roc_auc", {"y_true": Y3, "y_score": P3},
    "invalid_value", "/params/average",
    params={"multi_class": "ovo", "average": "none"})
bad("multiclass_ovo_micro", "roc_auc", {"y_true": Y3, "y_score": P3},
    "invalid_value", "/params/average",
    params={"multi_class": "ovo", "average": "micro"})
bad("multiclass_samples", "roc_auc", {"y_true": Y3, "y_score": P3},
    "invalid_value", "/params/average",
    params={"multi_class": "ovr", "average": "samples"})
bad_msg("multiclass_not_probabilities", "roc_auc",
        {"y_true": Y3, "y_score": [[0.2, 0.3, 0.6]] + P3[1:]},
        "invalid_value", "/inputs/y_score", ["sum up to 1.0"],
        params={"multi_class": "ovr"})
bad_msg("multiclass_max_fpr", "roc_auc", {"y_true": Y3, "y_score": P3},
        "invalid_value", "/params/max_fpr", ["Partial AUC"],
        params={"multi_class": "ovr", "max_fpr": 0.5})
bad("multiclass_columns", "roc_auc",
    {"y_true": [0, 1, 2, 1], "y_score": [r + [0.0] for r in P3]},
    "invalid_value", "/inputs/y_score", params={"multi_class": "ovr"})
bad("multiclass_labels_unordered", "roc_auc", {"y_true": Y3, "y_score": P3},
    "invalid_value", "/params/labels",
    params={"multi_class": "ovr", "labels": [2, 0, 1]})
bad("multiclass_labels_count", "roc_auc", {"y_true": Y3, "y_score": P3},
    "invalid_value", "/params/labels",
    params={"multi_class": "ovr", "labels": [0, 1]})
bad("multiclass_label_not_in_labels", "roc_auc",
    {"y_true": [2, 0, 1, 5], "y_score": P3}, "invalid_value",
    "/inputs/y_true", params={"multi_class": "ovr", "labels": [0, 1, 2]})
bad_msg("multiclass_ovr_absent_class", "roc_auc",
        {"y_true": [0, 2, 0, 2], "y_score": P3}, "invalid_value",
        "/inputs/y_true", ["Only one class present"],
        params={"multi_class": "ovr", "labels": [0, 1, 2]})
bad("max_fpr_zero", "roc_auc", YS, "out_of_range", "/params/max_fpr",
    params={"max_fpr": 0})
bad("max_fpr_above_one", "roc_auc", YS, "out_of_range", "/params/max_fpr",
    params={"max_fpr": 1.5})
bad("average_unknown", "roc_auc", YS, "invalid_value", "/params/average",
    params={"average": "mean"})
bad("binary_two_columns", "roc_auc",
    {"y_true": [0, 1, 1], "y_score": [[0.9, 0.1], [0.2, 0.8], [0.4, 0.6]]},
    "shape_mismatch", "/inputs/y_score")
bad("continuous_y_true", "roc_auc",
    {"y_true": [0.5, 1, 0], "y_score": [0.1, 0.2, 0.3]}, "invalid_value",
    "/inputs/y_true")
bad("shape_mismatch", "roc_auc", {"y_true": [0, 1, 1], "y_score": [0.1]},
    "shape_mismatch", "/inputs/y_score")
bad("weight_shape", "roc_auc", dict(YS, sample_weight=[1, 2]),
    "shape_mismatch", "/inputs/sample_weight")
bad("empty", "roc_auc", {"y_true": [], "y_score": []}, "empty_input",
    "/inputs/y_true")
bad("multilabel_not_indicator", "roc_auc",
    {"y_true": [[0, 2], [1, 0]], "y_score": [[0.1, 0.2], [0.3, 0.4]]},
    "invalid_value", "/inputs/y_true")
bad("multilabel_one_class_column", "roc_auc",
    {"y_true": [[0, 1], [1, 1]], "y_score": [[0.1, 0.2], [0.3, 0.4]]},
    "invalid_value", "/inputs/y_true")
bad("missing_y_score", "roc_auc", {"y_true": [0, 1]}, "missing_input",
    "/inputs/y_score")
for kind in ["roc_curve", "precision_recall_curve"]:
    bad_msg("labels_need_pos_label", kind,
            {"y_true": [1, 2, 2], "y_score": [0.1, 0.2, 0.3]},
            "invalid_value", "/params/pos_label", ["pos_label"])
    bad("multiclass_without_pos_label", kind,
        {"y_true": [0, 1, 2], "y_score": [0.1, 0.2, 0.3]},
        "invalid_value", "/inputs/y_true")
    bad("max_points_one", kind, YS, "out_of_range", "/params/max_points",
        params={"max_points": 1})
    bad("two_d", kind, {"y_true": [[0, 1]], "y_score": [[0.1, 0.2]]},
        "shape_mismatch", "/inputs/y_true")
    bad("weights_all_zero", kind, dict(YS, sample_weight=[0, 0, 0, 0]),
        "invalid_value", "/inputs/sample_weight")
    bad("y_prob_name", kind, {"y_true": [0, 1], "y_prob": [0.1, 0.2]},
        "unknown_input", "/inputs/y_prob")
bad_msg("three_labels", "brier", {"y_true": [0, 1, 2],
        "y_prob": [0.1, 0.2, 0.3]}, "invalid_value", "/inputs/y_true",
        ["binary"])
bad("prob_above_one", "brier", {"y_true": [0, 1], "y_prob": [0.1, 1.2]},
    "out_of_range", "/inputs/y_prob")
bad("prob_negative", "brier", {"y_true": [0, 1], "y_prob": [-0.1, 0.2]},
    "out_of_range", "/inputs/y_prob")
bad("weights_sum_zero", "brier",
    {"y_true": [0, 1], "y_prob": [0.1, 0.2], "sample_weight": [1, -1]},
    "invalid_value", "/inputs/sample_weight")
bad("y_proba_refused", "brier", {"y_true": [0, 1], "y_proba": [0.1, 0.2]},
    "unknown_input", "/inputs/y_proba")
bad_msg("one_label", "log_loss", {"y_true": [1, 1], "y_pred": [0.9, 0.8]},
        "invalid_value", "/inputs/y_true", ["labels"])
bad("labels_one", "log_loss", {"y_true": [1, 1], "y_pred": [0.9, 0.8]},
    "invalid_value", "/params/labels", params={"labels": [1]})
bad("columns_mismatch", "log_loss",
    {"y_true": [0, 1, 2], "y_pred": [[0.5, 0.5], [0.2, 0.8], [0.4, 0.6]]},
    "shape_mismatch", "/inputs/y_pred")
bad("label_not_in_labels", "log_loss",
    {"y_true": [0, 1, 3], "y_pred": [[0.5, 0.5], [0.2, 0.8], [0.4, 0.6]]},
    "invalid_value", "/inputs/y_true", params={"labels": [0, 1]})
bad("eps_word", "log_loss", {"y_true": [0, 1], "y_pred": [0.2, 0.7]},
    "invalid_value", "/params/eps", params={"eps": "tiny"})
bad("eps_half", "log_loss", {"y_true": [0, 1], "y_pred": [0.2, 0.7]},
    "invalid_value", "/params/eps", params={"eps": 0.5})
bad("binary_target_two", "calibration_error",
    {"y_true": [0, 2], "y_prob": [0.2, 0.7]}, "invalid_value",
    "/inputs/y_true")
bad("class_out_of_range", "calibration_error",
    {"y_true": [0, 3], "y_prob": [[0.2, 0.8], [0.6, 0.4]]},
    "invalid_value", "/inputs/y_true")
bad("n_bins_zero", "calibration_error",
    {"y_true": [0, 1], "y_prob": [0.2, 0.7]}, "out_of_range",
    "/params/n_bins", params={"n_bins": 0})
bad("norm_unknown", "calibration_error",
    {"y_true": [0, 1], "y_prob": [0.2, 0.7]}, "invalid_value",
    "/params/norm", params={"norm": "l3"})
bad("shape_mismatch", "calibration_error",
    {"y_true": [0, 1, 1], "y_prob": [0.2, 0.7]}, "shape_mismatch",
    "/inputs/y_prob")
cg.done()
