#!/usr/bin/python3
"""gen_cls - cases for the classification family (confusion.h).

Reference values come from scikit-learn 1.2.1's sklearn.metrics:
accuracy_score, balanced_accuracy_score, top_k_accuracy_score,
precision_score, recall_score, f1_score, fbeta_score, jaccard_score,
confusion_matrix, matthews_corrcoef, cohen_kappa_score and hamming_loss,
called on the float64 values the service decodes.  For the set-wise
scores (precision, recall, f1, fbeta, jaccard) the warnings sklearn emits
(UndefinedMetricWarning under zero_division="warn", the pos_label note)
are expected word for word in "warnings".
Run with Debian's python3: /usr/bin/python3 tests/gen/gen_cls.py
"""
import math
import warnings

import numpy as np
from sklearn import metrics as skm

import casegen as cg

cg.reset("metrics", "cls.")
cg.reset("invalid", "cls.")
rng = np.random.default_rng(20261202)


def call(fn, *a, **kw):
    """fn's value and the warnings it emitted (their text)."""
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        v = fn(*a, **kw)
    return v, [str(w.message) for w in got]


def num(v):
    v = float(v)
    return v if math.isfinite(v) else None


def body(yt, yp, sw=None, params=None, enc=None, score_key="y_pred"):
    inputs = {"y_true": yt if enc is None else enc[0],
              score_key: yp if enc is None else enc[1]}
    if sw is not None:
        inputs["sample_weight"] = sw
    b = {"inputs": inputs}
    if params:
        b["params"] = params
    return b


def f64(a):
    return np.asarray(a, dtype=np.float64)


def ok(metric, name, b, exp, rtol=1e-9):
    cg.case("metrics", "cls.%s.%s" % (metric, name), "/v1/metrics/" + metric,
            b, expect=exp, rtol=rtol)


def bad(metric, name, b, code, path, status=422):
    cg.case("invalid", "cls.%s.%s" % (metric, name),
            "/v1/metrics/" + metric, b, status=status,
            expect={"error": {"code": code, "path": path}})


# ------------------------------------------------------------ data sets
def mc(n, k, seed_shift=0):
    t = rng.integers(0, k, size=n)
    p = np.where(rng.random(n) < 0.55, t, rng.integers(0, k, size=n))
    return t, p


D = {}
D["multiclass"] = mc(40, 4)
t, p = mc(30, 4)
p[p == 2] = 1
D["never_predicted"] = (t, p)
t, p = mc(30, 4)
t[t == 3] = 0
p[:3] = 3
D["never_true"] = (t, p)
D["single_class"] = (np.full(8, 2), np.full(8, 2))
t, _ = mc(12, 3)
D["all_correct"] = (t, t.copy())
D["all_wrong"] = (t, (t + 1) % 3)
t, p = mc(25, 3)
D["float_labels"] = (t + 1.0, p + 1.0)
vals = np.array([-5, 3, 1000])
t, p = mc(25, 3)
D["large_labels"] = (vals[t], vals[p])
D["binary"] = mc(30, 2)
t, p = mc(20, 2)
D["binary_neg_big"] = (np.array([-5, 1000])[t], np.array([-5, 1000])[p])
D["binary_one_class"] = (np.zeros(6, int), np.zeros(6, int))

SW_INT = None  # filled per data set
MULTICLASS = ["multiclass", "never_predicted", "never_true", "single_class",
              "all_correct", "all_wrong", "float_labels", "large_labels"]
BINARY = ["binary", "binary_neg_big", "binary_one_class"]


def weights(n, kind):
    if kind == "int":
        return rng.integers(0, 4, size=n)
    return np.round(rng.random(n) * 3, 3)


def lst(a):
    return np.asarray(a).tolist()


# ------------------------------------------------------ set-wise scores
PRF = {
    "precision": skm.precision_score,
    "recall": skm.recall_score,
    "f1": skm.f1_score,
    "fbeta": skm.fbeta_score,
    "jaccard": skm.jaccard_score,
}
AVGS = ["micro", "macro", "weighted", "none"]


def prf_case(metric, name, yt, yp, sw=None, average="binary", zd="warn",
             pos_label=1, labels=None, beta=None, enc=None):
    kw = {"average": None if average == "none" else average,
          "zero_division": zd, "pos_label": pos_label, "labels": labels,
          "sample_weight": None if sw is None else f64(sw)}
    if metric == "fbeta":
        kw["beta"] = beta
    a_t = f64(yt if enc is None else enc[2])
    a_p = f64(yp if enc is None else enc[3])
    v, warns = call(PRF[metric], a_t, a_p, **kw)
    params = {"average": average, "zero_division": zd}
    if pos_label != 1:
        params["pos_label"] = pos_label
    if labels is not None:
        params["labels"] = labels
    if beta is not None:
        params["beta"] = beta
    exp = {"warnings": warns}
    if average == "none":
        exp["values"] = [num(x) for x in v]
        if a_t.ndim == 2:
            exp["labels"] = labels if labels is not None else \
                list(range(a_t.shape[1]))
        else:
            exp["labels"] = labels if labels is not None else \
                lst(np.union1d(a_t, a_p))
    else:
        exp["value"] = num(v)
    ok(metric, name, body(None if enc else lst(yt), None if enc else lst(yp),
                          None if sw is None else lst(sw), params,
                          enc=None if enc is None else enc[:2]), exp)


for metric in PRF:
    beta = 0.5 if metric == "fbeta" else None
    for dname in MULTICLASS:
        yt, yp = D[dname]
        for avg in AVGS:
            for zd in ["warn", 0, 1]:
                for swk in [None, "int", "float"]:
                    if swk and zd != "warn" and dname not in (
                            "multiclass", "never_true"):
                        continue
                    sw = None if swk is None else weights(len(yt), swk)
                    prf_case(metric, "%s.%s.zd_%s%s" % (
                        dname, avg, zd, "" if swk is None else ".sw_" + swk),
                        yt, yp, sw, avg, zd, beta=beta)
    for dname in BINARY:
        yt, yp = D[dname]
        pls = {"binary": [1, 0], "binary_neg_big": [1000, -5],
               "binary_one_class": [1, 0]}[dname]
        for pl in pls:
            for zd in ["warn", 0, 1]:
                for swk in [None, "float"]:
                    sw = None if swk is None else weights(len(yt), swk)
                    prf_case(metric, "%s.pos_%s.zd_%s%s" % (
                        dname, pl, zd, "" if swk is None else ".sw"),
                        yt, yp, sw, "binary", zd, pos_label=pl, beta=beta)
        for avg in AVGS:
            prf_case(metric, "%s.%s" % (dname, avg), yt, yp, None, avg,
                     beta=beta)
    yt, yp = D["multiclass"]
    prf_case(metric, "labels_subset.macro", yt, yp, average="macro",
             labels=[2, 0], beta=beta)
    prf_case(metric, "labels_subset.micro", yt, yp, average="micro",
             labels=[2, 0], beta=beta)
    prf_case(metric, "labels_subset.none", yt, yp, average="none",
             labels=[3, 1], beta=beta)
    prf_case(metric, "labels_superset.none", yt, yp, average="none",
             labels=[0, 1, 2, 3, 7], beta=beta)
    prf_case(metric, "labels_superset.weighted.zd1", yt, yp,
             average="weighted", labels=[0, 1, 2, 3, 7], zd=1, beta=beta)
    prf_case(metric, "labels_only_absent.weighted", yt, yp,
             average="weighted", labels=[7, 9], beta=beta)
    prf_case(metric, "labels_only_absent.weighted.zd1", yt, yp,
             average="weighted", labels=[7, 9], zd=1, beta=beta)
    prf_case(metric, "macro_pos_label_note", yt, yp, average="macro",
             pos_label=2, beta=beta)
    t32, p8 = yt.astype(np.int32), yp.astype(np.uint8)
    prf_case(metric, "packed_int32_uint8.macro", None, None, average="macro",
             beta=beta, enc=(cg.packed(t32), cg.packed(p8), t32, p8))
    # multilabel indicators
    Yt = (rng.random((12, 4)) < 0.4).astype(int)
    Yp = (rng.random((12, 4)) < 0.4).astype(int)
    Yt[:, 3] = 0
    Yp[:, 3] = 0
    Yt[5] = 0
    Yp[5] = 0
    for avg in AVGS + ["samples"]:
        for zd in ["warn", 1]:
            for swk in [None, "float"]:
                sw = None if swk is None else weights(12, swk)
                prf_case(metric, "multilabel.%s.zd_%s%s" % (
                    avg, zd, "" if swk is None else ".sw"),
                    Yt, Yp, sw, avg, zd, beta=beta)
    prf_case(metric, "multilabel.labels.none", Yt, Yp, average="none",
             labels=[2, 0], beta=beta)
    prf_case(metric, "multilabel.labels.micro", Yt, Yp, average="micro",
             labels=[2, 0], beta=beta)

for b in [0.0, 2.0, 10.0]:
    yt, yp = D["never_predicted"]
    for avg in ["macro", "none", "micro"]:
        prf_case("fbeta", "beta_%g.%s" % (b, avg), yt, yp, average=avg,
                 beta=b)


# ------------------------------------------------------ whole-set scores
def simple(metric, fn, name, yt, yp, sw=None, params=None, skw=None,
           enc=None, rtol=1e-9, key="value"):
    a_t = f64(yt if enc is None else enc[2])
    a_p = f64(yp if enc is None else enc[3])
    kw = dict(skw or {})
    if sw is not None:
        kw["sample_weight"] = f64(sw)
    v, _ = call(fn, a_t, a_p, **kw)
    exp = {key: num(v)} if key == "value" else {}
    ok(metric, name, body(None if enc else lst(yt), None if enc else lst(yp),
                          None if sw is None else lst(sw), params,
                          enc=None if enc is None else enc[:2]), exp,
       rtol=rtol)


SIMPLE = {
    "accuracy": skm.accuracy_score,
    "balanced_accuracy": skm.balanced_accuracy_score,
    "matthews_corrcoef": skm.matthews_corrcoef,
    "hamming_loss": skm.hamming_loss,
}
for metric, fn in SIMPLE.items():
    for dname in MULTICLASS + BINARY:
        yt, yp = D[dname]
        simple(metric, fn, dname, yt, yp)
        for swk in ["int", "float"]:
            simple(metric, fn, "%s.sw_%s" % (dname, swk), yt, yp,
                   weights(len(yt), swk))
    yt, yp = D["multiclass"]
    t32, p8 = yt.astype(np.int32), yp.astype(np.uint8)
    simple(metric, fn, "packed_int32_uint8", None, None,
           enc=(cg.packed(t32), cg.packed(p8), t32, p8))

for dname in MULTICLASS + BINARY:
    yt, yp = D[dname]
    simple("accuracy", skm.accuracy_score, dname + ".count", yt, yp,
           params={"normalize": False}, skw={"normalize": False})
    simple("accuracy", skm.accuracy_score, dname + ".count.sw", yt, yp,
           weights(len(yt), "float"), params={"normalize": False},
           skw={"normalize": False})
    simple("balanced_accuracy", skm.balanced_accuracy_score,
           dname + ".adjusted", yt, yp, params={"adjusted": True},
           skw={"adjusted": True})
    simple("balanced_accuracy", skm.balanced_accuracy_score,
           dname + ".adjusted.sw", yt, yp, weights(len(yt), "int"),
           params={"adjusted": True}, skw={"adjusted": True})

Yt = (rng.random((15, 5)) < 0.5).astype(int)
Yp = np.where(rng.random((15, 5)) < 0.7, Yt, 1 - Yt)
Yp[:4] = Yt[:4]
for metric in ["accuracy", "hamming_loss"]:
    fn = SIMPLE[metric]
    simple(metric, fn, "multilabel", Yt, Yp)
    simple(metric, fn, "multilabel.sw", Yt, Yp, weights(15, "float"))
    simple(metric, fn, "multilabel.packed_uint8", None, None,
           enc=(cg.packed(Yt.astype(np.uint8)), cg.packed(Yp.astype(np.uint8)),
                Yt, Yp))
simple("accuracy", skm.accuracy_score, "multilabel.count", Yt, Yp,
       params={"normalize": False}, skw={"normalize": False})
simple("accuracy", skm.accuracy_score, "multilabel.count.sw", Yt, Yp,
       weights(15, "float"), params={"normalize": False},
       skw={"normalize": False})

# Packed integer labels are compared as the integers they are, as NumPy
# compares the arrays sklearn is given: values past 2^53, which float64
# would merge, stay apart, and any two label dtypes compare by value.
# sklearn is called on the integer arrays themselves here.
def exact(metric, name, t, p, params=None, skw=None):
    v, _ = call(SIMPLE[metric], t, p, **(skw or {}))
    ok(metric, name, body(None, None, params=params,
                          enc=(cg.packed(t), cg.packed(p))), {"value": num(v)})


big = 2**53
t64 = np.array([big + 1, big, -2**63, 2**63 - 1, 5, big + 3, -big - 1],
               dtype=np.int64)
p64 = np.array([big, big, -2**63, 2**63 - 2, 5, big + 3, -big],
               dtype=np.int64)
n_long = 9001  # past two blocks of the count, with a tail
xr = np.random.default_rng(532)  # its own draws: later cases keep theirs
t_long = xr.integers(-3, 250, size=n_long)
p_long = np.where(xr.random(n_long) < 0.6, t_long,
                  xr.integers(-3, 250, size=n_long))
for metric in ["accuracy", "hamming_loss"]:
    exact(metric, "packed_int64_past_2p53", t64, p64)
    exact(metric, "packed_int32_int64", t_long.astype(np.int32),
          p_long.astype(np.int64))
    exact(metric, "packed_int64_int32", t_long.astype(np.int64),
          p_long.astype(np.int32))
    # uint8 255 against int32 -1: different values, not the same byte.
    t8 = np.where(t_long < 0, 255, t_long).astype(np.uint8)
    exact(metric, "packed_uint8_int32", t8, p_long.astype(np.int32))
    exact(metric, "packed_int32_uint8_long", p_long.astype(np.int32), t8)
    exact(metric, "packed_uint8_uint8", t8,
          np.where(p_long < 0, 255, p_long).astype(np.uint8))
    exact(metric, "packed_uint8_int64", t8, p_long.astype(np.int64))
# No label set is built for them, so more distinct labels than --max-dim
# (4096) are fine here; the scores that need the matrix still refuse them.
t_many = np.arange(5000, dtype=np.int32)
p_many = np.where(xr.random(5000) < 0.5, t_many, 0).astype(np.int32)
exact("accuracy", "packed_int32_5000_labels", t_many, p_many)
exact("hamming_loss", "packed_int32_5000_labels", t_many, p_many)
exact("accuracy", "packed_int64_past_2p53.count", t64, p64,
      params={"normalize": False}, skw={"normalize": False})
exact("accuracy", "packed_int32_int64.count", t_long.astype(np.int32),
      p_long.astype(np.int64), params={"normalize": False},
      skw={"normalize": False})

# ---------------------------------------------------------- cohen_kappa
for dname in MULTICLASS + BINARY:
    yt, yp = D[dname]
    for wt in [None, "linear", "quadratic"]:
        for swk in [None, "float"]:
            sw = None if swk is None else weights(len(yt), swk)
            params = {"weights": wt} if wt else None
            simple("cohen_kappa", skm.cohen_kappa_score, "%s.%s%s" % (
                dname, wt or "unweighted", ".sw" if swk else ""), yt, yp,
                sw, params, {"weights": wt})
yt, yp = D["multiclass"]
for lab in [[2, 0, 1], [0, 1, 2, 3, 7], [3, 1]]:
    simple("cohen_kappa", skm.cohen_kappa_score,
           "labels_%s" % "_".join(map(str, lab)), yt, yp,
           params={"labels": lab, "weights": "linear"},
           skw={"labels": lab, "weights": "linear"})

# ----------------------------------------------------- confusion_matrix
def cm_case(name, yt, yp, sw=None, labels=None, normalize=None, enc=None):
    a_t = f64(yt if enc is None else enc[2])
    a_p = f64(yp if enc is None else enc[3])
    v, _ = call(skm.confusion_matrix, a_t, a_p, labels=labels,
                sample_weight=None if sw is None else f64(sw),
                normalize=normalize)
    params = {}
    if labels is not None:
        params["labels"] = labels
    if normalize is not None:
        params["normalize"] = normalize
    exp = {"values": np.asarray(v, dtype=np.float64).tolist(),
           "labels": labels if labels is not None else
           lst(np.union1d(a_t, a_p))}
    ok("confusion_matrix", name,
       body(None if enc else lst(yt), None if enc else lst(yp),
            None if sw is None else lst(sw), params or None,
            enc=None if enc is None else enc[:2]), exp)


for dname in MULTICLASS + BINARY:
    yt, yp = D[dname]
    for nm in [None, "true", "pred", "all"]:
        cm_case("%s.%s" % (dname, nm or "counts"), yt, yp, normalize=nm)
    cm_case(dname + ".sw", yt, yp, weights(len(yt), "float"))
    cm_case(dname + ".sw.true", yt, yp, weights(len(yt), "int"),
            normalize="true")
yt, yp = D["multiclass"]
for lab in [[2, 0], [0, 1, 2, 3, 7], [3, 1, 0, 2]]:
    for nm in [None, "true", "pred"]:
        cm_case("labels_%s.%s" % ("_".join(map(str, lab)), nm or "counts"),
                yt, yp, labels=lab, normalize=nm)
t32, p8 = yt.astype(np.int32), yp.astype(np.uint8)
cm_case("packed_int32_uint8", None, None,
        enc=(cg.packed(t32), cg.packed(p8), t32, p8))

# ------------------------------------------------------- top_k_accuracy
def topk_case(name, yt, ys, k=2, sw=None, labels=None, normalize=True):
    v, _ = call(skm.top_k_accuracy_score, f64(yt), f64(ys), k=k,
                labels=labels, normalize=normalize,
                sample_weight=None if sw is None else f64(sw))
    params = {"k": k}
    if labels is not None:
        params["labels"] = labels
    if not normalize:
        params["normalize"] = False
    ok("top_k_accuracy", name,
       body(lst(yt), lst(ys), None if sw is None else lst(sw), params,
            score_key="y_score"), {"value": num(v)})


yt = rng.integers(0, 5, size=30)
ys = np.round(rng.random((30, 5)) * 4) / 4  # many ties
ys[0] = 0.5                                 # a row all tied
for k in [1, 2, 3, 4, 5, 7]:
    topk_case("ties.k%d" % k, yt, ys, k)
    topk_case("ties.k%d.sw" % k, yt, ys, k, weights(30, "float"))
topk_case("ties.k2.count", yt, ys, 2, normalize=False)
topk_case("ties.k2.count.sw", yt, ys, 2, weights(30, "int"),
          normalize=False)
ys2 = rng.normal(size=(30, 5))
topk_case("distinct.k2", yt, ys2, 2)
topk_case("labels_given", np.array([10, 20, 40, 10, 20, 40]),
          rng.random((6, 4)), 2, labels=[10, 20, 30, 40])
yb = rng.integers(0, 2, size=20)
topk_case("binary_probs.k1", yb, rng.random(20), 1)
topk_case("binary_logits.k1", yb, rng.normal(size=20), 1)
topk_case("binary_probs.k2", yb, rng.random(20), 2)
topk_case("binary_labels_-5_1000.k1", np.array([-5, 1000])[yb],
          rng.random(20), 1)
topk_case("binary_column.k1", yb, rng.random((20, 1)), 1)
topk_case("binary_given_labels_one_present.k1", np.zeros(5, int),
          rng.random(5), 1, labels=[0, 1])

# --------------------------------------------------------------- invalid
bad("precision", "length_mismatch", body([0, 1, 1], [0, 1]),
    "shape_mismatch", "/inputs/y_pred")
bad("accuracy", "length_mismatch", body([0, 1, 1], [0, 1]),
    "shape_mismatch", "/inputs/y_pred")
bad("confusion_matrix", "weight_length", body([0, 1, 1], [0, 1, 0], [1, 2]),
    "shape_mismatch", "/inputs/sample_weight")
bad("f1", "binary_on_multiclass", body([0, 1, 2], [0, 1, 1]),
    "invalid_value", "/params/average")
bad("precision", "pos_label_absent", body([0, 2, 2], [0, 2, 0],
                                          params={"pos_label": 1}),
    "invalid_value", "/params/pos_label")
bad("recall", "continuous_y_true", body([0.5, 1, 0], [0, 1, 0],
                                        params={"average": "macro"}),
    "invalid_value", "/inputs/y_true")
bad("accuracy", "continuous_y_pred", body([0, 1, 0], [0, 1.25, 0]),
    "invalid_value", "/inputs/y_pred")
bad("matthews_corrcoef", "continuous", body([0.1, 1, 0], [0, 1, 0]),
    "invalid_value", "/inputs/y_true")
bad("top_k_accuracy", "k0", body([0, 1, 2], [[1, 2, 3]] * 3,
                                 params={"k": 0}, score_key="y_score"),
    "out_of_range", "/params/k")
bad("top_k_accuracy", "k_negative", body([0, 1, 2], [[1, 2, 3]] * 3,
                                         params={"k": -1},
                                         score_key="y_score"),
    "out_of_range", "/params/k")
bad("top_k_accuracy", "classes_mismatch",
    body([0, 1, 2], [[1, 2, 3, 4]] * 3, score_key="y_score"),
    "shape_mismatch", "/inputs/y_score")
bad("top_k_accuracy", "binary_2d", body([0, 1, 1], [[1, 2]] * 3,
                                        score_key="y_score"),
    "shape_mismatch", "/inputs/y_score")
bad("top_k_accuracy", "labels_unordered",
    body([0, 1, 2], [[1, 2, 3]] * 3, params={"labels": [2, 0, 1]},
         score_key="y_score"), "invalid_value", "/params/labels")
bad("top_k_accuracy", "y_true_not_in_labels",
    body([0, 1, 5], [[1, 2, 3]] * 3, params={"labels": [0, 1, 2]},
         score_key="y_score"), "invalid_value", "/params/labels")
bad("jaccard", "samples_on_multiclass",
    body([0, 1, 2], [0, 1, 1], params={"average": "samples"}),
    "invalid_value", "/params/average")
bad("f1", "binary_on_multilabel", body([[0, 1], [1, 1]], [[0, 1], [1, 0]]),
    "invalid_value", "/params/average")
bad("matthews_corrcoef", "multilabel", body([[0, 1], [1, 1]],
                                            [[0, 1], [1, 0]]),
    "invalid_value", "/inputs/y_true")
bad("precision", "zero_division_word",
    body([0, 1], [0, 1], params={"zero_division": "nan"}),
    "invalid_value", "/params/zero_division")
bad("precision", "labels_twice",
    body([0, 1, 2], [0, 1, 2], params={"average": "macro",
                                       "labels": [1, 1]}),
    "invalid_value", "/params/labels")
bad("confusion_matrix", "labels_none_true",
    body([0, 1, 2], [0, 1, 2], params={"labels": [5, 6]}),
    "invalid_value", "/params/labels")
bad("cohen_kappa", "labels_none_true",
    body([0, 1, 2], [0, 1, 2], params={"labels": [5]}),
    "invalid_value", "/params/labels")
bad("accuracy", "negative_weight", body([0, 1], [0, 1], [1, -1]),
    "out_of_range", "/inputs/sample_weight")
bad("accuracy", "weights_sum_zero", body([0, 1], [0, 1], [0, 0]),
    "invalid_value", "/inputs/sample_weight")
bad("hamming_loss", "multilabel_not_binary",
    body([[0, 2], [1, 1]], [[0, 1], [1, 0]]),
    "out_of_range", "/inputs/y_true")
bad("accuracy", "mix_multilabel_multiclass", body([[0, 1], [1, 1]], [0, 1]),
    "shape_mismatch", "/inputs/y_pred")
bad("accuracy", "empty", body([], []), "empty_input", "/inputs/y_true")
bad("accuracy", "packed_length_mismatch",
    body(None, None, enc=(cg.packed(np.arange(5, dtype=np.int32)),
                          cg.packed(np.arange(4, dtype=np.uint8)))),
    "shape_mismatch", "/inputs/y_pred")
bad("hamming_loss", "packed_length_mismatch",
    body(None, None, enc=(cg.packed(np.arange(4, dtype=np.int64)),
                          cg.packed(np.arange(5, dtype=np.int32)))),
    "shape_mismatch", "/inputs/y_pred")
bad("balanced_accuracy", "packed_int32_5000_labels",
    body(None, None, enc=(cg.packed(np.arange(5000, dtype=np.int32)),
                          cg.packed(np.arange(5000, dtype=np.int32)))),
    "too_large", "", status=413)
bad("accuracy", "packed_empty",
    body(None, None, enc=(cg.packed(np.zeros(0, dtype=np.int32)),
                          cg.packed(np.zeros(0, dtype=np.int32)))),
    "empty_input", "/inputs/y_true")

bad("precision", "multilabel_label_out_of_range",
    body([[0, 1], [1, 1]], [[0, 1], [1, 0]],
         params={"average": "macro", "labels": [0, 2]}),
    "invalid_value", "/params/labels")
bad("fbeta", "beta_negative", body([0, 1], [0, 1], params={"beta": -1}),
    "out_of_range", "/params/beta")
bad("confusion_matrix", "bad_normalize",
    body([0, 1], [0, 1], params={"normalize": "rows"}),
    "invalid_value", "/params/normalize")

cg.done()
