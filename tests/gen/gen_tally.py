#!/usr/bin/python3
"""gen_tally - cases for /v1/tallies (accumulating scores), prefix "tally.".

Each case creates a tally, pushes its samples in several batches (or into
two tallies that are then merged) through "before" requests, and reads
the scores with GET /v1/tallies/{name}.  The reference is scikit-learn
1.2.1 computing each score from all the samples at once:
mean_squared_error (squared=True/False), mean_absolute_error, r2_score,
explained_variance_score and max_error, with the tally's multioutput and
sample_weight.  Where sklearn raises (mse/rmse/mae with
multioutput="variance_weighted", max_error of several outputs averaged,
no samples) the tally answers null with a warning; where it returns nan
(r2 of one sample) null with a warning.  max_error of several outputs with
multioutput="raw_values" is max_error of each column (sklearn refuses
several outputs; this is its value per output).
Invalid cases: every refusal of the routes (tests/cases/invalid/tally.*).
Run with Debian's python3: /usr/bin/python3 tests/gen/gen_tally.py
"""
import math
import warnings

import numpy as np
from sklearn import metrics as M

import casegen as cg

warnings.simplefilter("ignore")
cg.reset("metrics", "tally.")
cg.reset("invalid", "tally.")
rng = np.random.default_rng(20261202)

MOS = ["raw_values", "uniform_average", "variance_weighted"]
W_EMPTY = ("no samples yet, or their weights sum to 0: every score is "
           "undefined (sklearn raises)")
W_FEW = "r2 is not well-defined with less than two samples (sklearn: nan)"
W_MO = ("mse, rmse and mae take no multioutput=variance_weighted "
        "(sklearn raises)")
W_MAX = ("max_error of several outputs is per output only: use "
         "multioutput=raw_values (sklearn raises)")


def num(v):
    """A score as the JSON shows it: null for nan."""
    if isinstance(v, np.ndarray):
        return [num(x) for x in v]
    v = float(v)
    return None if math.isnan(v) else v


def scores(y, p, w, mo):
    """sklearn's scores of all samples, as the tally shows them."""
    n = y.shape[0]
    k = 1 if y.ndim == 1 else y.shape[1]
    warn = []
    kw = {"sample_weight": w, "multioutput": mo}
    if mo == "variance_weighted":
        mse = rmse = mae = None
        warn.append(W_MO)
    else:
        mse = num(M.mean_squared_error(y, p, **kw))
        rmse = num(M.mean_squared_error(y, p, squared=False, **kw))
        mae = num(M.mean_absolute_error(y, p, **kw))
    r2 = num(M.r2_score(y, p, **kw))
    ev = num(M.explained_variance_score(y, p, **kw))
    if k == 1:
        mx = float(M.max_error(y.ravel(), p.ravel()))
        if mo == "raw_values":
            mx = [mx]
    elif mo == "raw_values":
        mx = [float(M.max_error(y[:, j], p[:, j])) for j in range(k)]
    else:
        mx = None
        warn.append(W_MAX)
    if n < 2:
        warn.insert(0, W_FEW)
        r2 = [None] * k if mo == "raw_values" else None
    weight = float(np.sum(w)) if w is not None else float(n)
    return {"n": n, "weight": weight, "mse": mse, "rmse": rmse, "mae": mae,
            "r2": r2, "explained_variance": ev, "max_error": mx}, warn


def enc(a, i):
    """Alternate nested arrays and packed tensors between batches."""
    return cg.packed(a) if i % 2 else a


def put(name, k, mo):
    return {"method": "PUT", "path": "/v1/tallies/" + name,
            "body": {"kind": "regression", "outputs": k, "multioutput": mo}}


def pushes(name, y, p, w, cuts):
    out = []
    for i, (a, b) in enumerate(zip([0] + cuts, cuts + [y.shape[0]])):
        body = {"y_true": enc(y[a:b], i), "y_pred": enc(p[a:b], i)}
        if w is not None:
            body["sample_weight"] = enc(w[a:b], i)
        out.append({"method": "POST",
                    "path": "/v1/tallies/%s/batches" % name, "body": body})
    return out


def read_case(cname, name, k, mo, y, p, w, before):
    sc, warn = scores(y, p, w, mo)
    params = {"multioutput": mo, "outputs": k}
    cg.case("metrics", cname, "/v1/tallies/" + name, None, method="GET",
            before=before,
            expect={"name": name, "kind": "regression", "params": params,
                    "n": y.shape[0], "scores": sc, "warnings": warn})


def data(n, k, weighted, flat):
    shape = (n,) if flat else (n, k)
    scale = rng.uniform(0.5, 20, size=(1,) if flat else (1, k))
    y = rng.normal(size=shape) * scale + rng.uniform(-5, 5)
    p = y + rng.normal(size=shape) * scale * 0.3
    w = rng.uniform(0.1, 3.0, size=n) if weighted else None
    return y, p, w


# Every multioutput x outputs x weights, pushed in four batches.
for k in (1, 3):
    for mo in MOS:
        for weighted in (False, True):
            tag = "k%d_%s_%s" % (k, mo, "weighted" if weighted else "plain")
            name = "t-" + tag.replace("_", "-")
            y, p, w = data(60, k, weighted, flat=k == 1)
            before = [put(name, k, mo)] + pushes(name, y, p, w, [7, 20, 41])
            read_case("tally.regression." + tag, name, k, mo, y, p, w, before)

# Outputs = 1 sent as [N, 1] columns.
y, p, w = data(40, 1, False, flat=False)
read_case("tally.regression.column_k1", "t-column", 1, "uniform_average",
          y, p, w, [put("t-column", 1, "uniform_average")] +
          pushes("t-column", y, p, w, [13]))

# Two tallies merged by name equal one pass.
for weighted in (False, True):
    tag = "merged_" + ("weighted" if weighted else "plain")
    a, b = "t-%s-a" % tag.replace("_", "-"), "t-%s-b" % tag.replace("_", "-")
    y, p, w = data(50, 2, weighted, flat=False)
    before = ([put(a, 2, "raw_values"), put(b, 2, "raw_values")] +
              pushes(a, y[:18], p[:18], None if w is None else w[:18], [5]) +
              pushes(b, y[18:], p[18:], None if w is None else w[18:], [9]) +
              [{"method": "POST", "path": "/v1/tallies/%s/merge" % a,
                "body": {"from": b}}])
    read_case("tally.regression." + tag, a, 2, "raw_values", y, p, w, before)

# Larger values, far from zero: the centred sums cancel.
y = 1e6 + rng.normal(size=200) * 10
p = y + rng.normal(size=200)
read_case("tally.regression.offset_1e6", "t-offset", 1, "uniform_average",
          y, p, None, [put("t-offset", 1, "uniform_average")] +
          pushes("t-offset", y, p, None, [50, 100, 150]))

# Edge cases: perfect, constant targets, one sample, zero weights, empty.
y = np.array([1.0, 2.0, 3.0, 4.0])
read_case("tally.regression.perfect", "t-perfect", 1, "uniform_average",
          y, y.copy(), None, [put("t-perfect", 1, "uniform_average")] +
          pushes("t-perfect", y, y.copy(), None, [2]))
yc = np.array([2.0, 2.0, 2.0, 2.0])
pc = np.array([1.0, 2.0, 3.0, 2.0])
read_case("tally.regression.constant_target", "t-const", 1,
          "uniform_average", yc, pc, None,
          [put("t-const", 1, "uniform_average")] +
          pushes("t-const", yc, pc, None, [1]))
read_case("tally.regression.constant_target_perfect", "t-const-perfect", 1,
          "uniform_average", yc, yc.copy(), None,
          [put("t-const-perfect", 1, "uniform_average")] +
          pushes("t-const-perfect", yc, yc.copy(), None, []))
yv = np.array([[1.0, 2.0], [1.0, 4.0], [1.0, 7.0]])
pv = np.array([[1.5, 2.5], [0.0, 3.0], [1.0, 8.0]])
read_case("tally.regression.constant_column_variance_weighted", "t-colconst",
          2, "variance_weighted", yv, pv, None,
          [put("t-colconst", 2, "variance_weighted")] +
          pushes("t-colconst", yv, pv, None, [1]))
y1, p1 = np.array([3.0]), np.array([1.5])
for mo in ("uniform_average", "raw_values"):
    nm = "t-one-" + mo.replace("_", "-")
    read_case("tally.regression.one_sample_" + mo, nm, 1, mo, y1, p1, None,
              [put(nm, 1, mo)] + pushes(nm, y1, p1, None, []))

nulls = {"n": 0, "weight": 0.0, "mse": None, "rmse": None, "mae": None,
         "r2": None, "explained_variance": None, "max_error": None}
cg.case("metrics", "tally.regression.empty", "/v1/tallies/t-empty", None,
        method="GET", before=[put("t-empty", 1, "uniform_average")],
        expect={"n": 0, "scores": nulls, "warnings": [W_EMPTY]})
zw = dict(nulls, n=3)
cg.case("metrics", "tally.regression.zero_weights", "/v1/tallies/t-zero-w",
        None, method="GET",
        before=[put("t-zero-w", 1, "uniform_average"),
                {"method": "POST", "path": "/v1/tallies/t-zero-w/batches",
                 "body": {"y_true": [1, 2, 3], "y_pred": [1, 2, 4],
                          "sample_weight": [0, 0, 0]}}],
        expect={"n": 3, "scores": zw, "warnings": [W_EMPTY]})

# Creation answers and defaults.
cg.case("metrics", "tally.create.defaults", "/v1/tallies/t-defaults",
        {"kind": "regression"}, method="PUT", status=201,
        expect={"name": "t-defaults", "kind": "regression", "n": 0,
                "params": {"multioutput": "uniform_average", "outputs": 1}})
cg.case("metrics", "tally.create.again_same", "/v1/tallies/t-again",
        {"kind": "regression", "outputs": 2}, method="PUT", status=200,
        before=[{"method": "PUT", "path": "/v1/tallies/t-again",
                 "body": {"kind": "regression", "outputs": 2}}],
        expect={"name": "t-again", "n": 0,
                "params": {"multioutput": "uniform_average", "outputs": 2}})
cg.case("metrics", "tally.batches.answer", "/v1/tallies/t-answer/batches",
        {"y_true": [1, 2], "y_pred": [1, 3]},
        before=[put("t-answer", 1, "uniform_average")],
        expect={"name": "t-answer", "n": 2})
cg.case("metrics", "tally.delete.answer", "/v1/tallies/t-delete", None,
        method="DELETE", before=[put("t-delete", 1, "uniform_average")],
        expect={"name": "t-delete", "deleted": True})

# ------------------------------------------------------- classification

W_BACC = ("y_pred contains classes not in y_true: their recall is "
          "undefined (0/0) and they are left out of the mean, as in sklearn")
W_MCC = ("the Matthews correlation is undefined (0/0): y_true or y_pred "
         "holds a single class; it is reported as 0, as sklearn does")
W_KAPPA = ("Cohen's kappa is 0/0 here (the agreement expected by chance is "
           "perfect); sklearn returns NaN")
W_PRF = ("%s ill-defined and being set to 0.0 in labels with no %s samples. "
         "Use `zero_division` parameter to control this behavior.")
PRF = [("precision", M.precision_score, "Precision is", "predicted"),
       ("recall", M.recall_score, "Recall is", "true"),
       ("f1", M.f1_score, "F-score is", "true nor predicted"),
       ("jaccard", M.jaccard_score, "Jaccard is", "true or predicted")]
AVGS = [("micro", "micro"), ("macro", "macro"), ("weighted", "weighted"),
        ("per_class", None)]
CLS_KEYS = ["accuracy", "balanced_accuracy", "precision", "recall", "f1",
            "jaccard", "mcc", "kappa", "hamming_loss"]


def caught(fn, *a, **kw):
    """fn's value and the messages of the warnings it raised."""
    with warnings.catch_warnings(record=True) as ws:
        warnings.simplefilter("always")
        v = fn(*a, **kw)
    return v, [str(x.message) for x in ws]


def cls_scores(y, p, w, labels, zd):
    """sklearn's scores of all samples, as a classification tally shows
    them (labels passed wherever sklearn takes them)."""
    k = len(labels)
    cm = (M.confusion_matrix(y, p, labels=labels, sample_weight=w)
          if len(y) else np.zeros((k, k))).astype(float)
    total = float(cm.sum())
    sc = {"n": int(len(y)), "weight": total}
    if total == 0:
        sc.update({k: None for k in CLS_KEYS})
        warn = [W_EMPTY]
    else:
        warn = []
        sc["accuracy"] = float(M.accuracy_score(y, p, sample_weight=w))
        v, ws = caught(M.balanced_accuracy_score, y, p, sample_weight=w)
        sc["balanced_accuracy"] = float(v)
        if any("y_pred contains classes not in y_true" in m for m in ws):
            warn.append(W_BACC)
        for key, fn, what, why in PRF:
            o, hit = {}, False
            for name, avg in AVGS:
                v, ws = caught(fn, y, p, labels=labels, average=avg,
                               sample_weight=w, zero_division=zd)
                o[name] = num(np.asarray(v, dtype=float)) if avg is None \
                    else float(v)
                hit |= any(m.startswith(what) for m in ws)
            sc[key] = o
            if hit:
                warn.append(W_PRF % (what, why))
        sc["mcc"] = float(M.matthews_corrcoef(y, p, sample_weight=w))
        t, q = cm.sum(axis=1), cm.sum(axis=0)
        if (total ** 2 - t @ t) * (total ** 2 - q @ q) == 0:
            warn.append(W_MCC)
        kappa = float(M.cohen_kappa_score(y, p, labels=labels,
                                          sample_weight=w))
        sc["kappa"] = num(kappa)
        if math.isnan(kappa):
            warn.append(W_KAPPA)
        sc["hamming_loss"] = float(M.hamming_loss(y, p, sample_weight=w))
    sc["support"] = [float(x) for x in cm.sum(axis=1)]
    sc["confusion_matrix"] = [[float(x) for x in r] for r in cm]
    return sc, warn


def cput(name, spec, zd="warn"):
    body = dict(spec, kind="classification")
    if zd != "warn":
        body["zero_division"] = zd
    return {"method": "PUT", "path": "/v1/tallies/" + name, "body": body}


def cls_labels(spec):
    return spec["labels"] if "labels" in spec else \
        list(range(spec["num_classes"]))


def cls_case(cname, name, spec, y, p, w, before, zd="warn"):
    labels = cls_labels(spec)
    sc, warn = cls_scores(y, p, w, labels, zd)
    cg.case("metrics", cname, "/v1/tallies/" + name, None, method="GET",
            before=before,
            expect={"name": name, "kind": "classification",
                    "params": dict(spec, zero_division=zd),
                    "n": len(y), "scores": sc, "warnings": warn})


def cls_data(n, labels, wkind, acc=0.6):
    y = rng.choice(labels, size=n)
    p = np.where(rng.uniform(size=n) < acc, y, rng.choice(labels, size=n))
    w = None
    if wkind == "int":
        w = rng.integers(0, 4, size=n).astype(float)
    elif wkind == "float":
        w = rng.uniform(0.1, 3.0, size=n)
    return y, p, w


SPECS = [("k3", {"num_classes": 3}),
         ("labels4", {"labels": [-2, 5, 9, 11]}),
         ("binary", {"labels": [0, 1]})]
for stag, spec in SPECS:
    for wkind in ("plain", "int", "float"):
        for zd in ("warn", 0, 1):
            tag = "%s_%s_zd%s" % (stag, wkind, zd)
            name = "c-" + tag.replace("_", "-")
            y, p, w = cls_data(80, cls_labels(spec), wkind)
            before = [cput(name, spec, zd)] + pushes(name, y, p, w,
                                                     [9, 30, 52])
            cls_case("tally.classification." + tag, name, spec, y, p, w,
                     before, zd)

# Two tallies merged by name equal one pass.
for wkind in ("plain", "int"):
    tag = "merged_" + wkind
    a, b = "c-%s-a" % wkind, "c-%s-b" % wkind
    spec = {"labels": [1, 2, 3, 4, 5]}
    y, p, w = cls_data(70, spec["labels"], wkind)
    before = ([cput(a, spec), cput(b, spec)] +
              pushes(a, y[:25], p[:25], None if w is None else w[:25], [8]) +
              pushes(b, y[25:], p[25:], None if w is None else w[25:], [11]) +
              [{"method": "POST", "path": "/v1/tallies/%s/merge" % a,
                "body": {"from": b}}])
    cls_case("tally.classification." + tag, a, spec, y, p, w, before)

# Edge cases: a label never seen, a predicted label never true, a single
# class everywhere, perfect predictions, [N, 1] columns, empty, zero
# weights.
edge = {
    "absent_label": ({"num_classes": 4}, [0, 1, 2, 0, 1, 2, 0],
                     [0, 2, 2, 0, 1, 1, 0]),
    "pred_not_true": ({"num_classes": 3}, [0, 1, 0, 1, 1, 0],
                      [0, 2, 0, 1, 2, 1]),
    "single_class": ({"labels": [3, 7]}, [7, 7, 7, 7], [7, 7, 7, 7]),
    "single_pred": ({"labels": [3, 7]}, [3, 7, 7, 3], [7, 7, 7, 7]),
    "perfect": ({"num_classes": 3}, [0, 1, 2, 2, 1], [0, 1, 2, 2, 1]),
}
for tag, (spec, y, p) in edge.items():
    for zd in ("warn", 1):
        t2 = tag + ("" if zd == "warn" else "_zd1")
        name = "c-" + t2.replace("_", "-")
        y, p = np.array(y, dtype=float), np.array(p, dtype=float)
        cls_case("tally.classification." + t2, name, spec, y, p, None,
                 [cput(name, spec, zd)] + pushes(name, y, p, None, [2]), zd)
y, p, _ = cls_data(30, [0, 1, 2], "plain")
cls_case("tally.classification.column", "c-column", {"num_classes": 3},
         y, p, None, [cput("c-column", {"num_classes": 3})] +
         pushes("c-column", y.reshape(-1, 1), p.reshape(-1, 1), None, [10]))
cls_case("tally.classification.empty", "c-empty", {"num_classes": 2},
         np.array([]), np.array([]), None, [cput("c-empty",
                                                 {"num_classes": 2})])
yz, pz, wz = np.array([0., 1, 1]), np.array([0., 0, 1]), np.zeros(3)
cls_case("tally.classification.zero_weights", "c-zero-w", {"num_classes": 2},
         yz, pz, wz, [cput("c-zero-w", {"num_classes": 2})] +
         pushes("c-zero-w", yz, pz, wz, []))

cg.case("metrics", "tally.create.classification_defaults",
        "/v1/tallies/c-defaults", {"kind": "classification",
                                   "num_classes": 3},
        method="PUT", status=201,
        expect={"name": "c-defaults", "kind": "classification", "n": 0,
                "params": {"num_classes": 3, "zero_division": "warn"}})
cg.case("metrics", "tally.batches.classification_answer",
        "/v1/tallies/c-answer/batches",
        {"y_true": [1, 0, 1], "y_pred": [1, 1, 1], "sample_weight": [1, 2, 0]},
        before=[cput("c-answer", {"num_classes": 2})],
        expect={"name": "c-answer", "n": 3})


# ----------------------------------------------------------------- invalid


def bad(cname, path, body, status, code, epath, method="POST", before=None,
        has=None):
    cg.case("invalid", "tally." + cname, path, body, method=method,
            status=status, before=before, message_has=has,
            expect={"error": {"code": code, "path": epath}})


def mk(name, k=1):
    return [put(name, k, "uniform_average")]


B = "/v1/tallies/x-%s/batches"
bad("create.unknown_kind", "/v1/tallies/x-kind", {"kind": "ranking"}, 422,
    "invalid_value", "/kind", method="PUT", has=["regression"])
bad("create.no_kind", "/v1/tallies/x-kind", {"outputs": 2}, 422,
    "missing_input", "/kind", method="PUT")
bad("create.outputs_zero", "/v1/tallies/x-out", {"kind": "regression",
    "outputs": 0}, 422, "invalid_value", "/outputs", method="PUT")
bad("create.outputs_float", "/v1/tallies/x-out", {"kind": "regression",
    "outputs": 1.5}, 422, "invalid_value", "/outputs", method="PUT")
bad("create.outputs_over_max_dim", "/v1/tallies/x-out",
    {"kind": "regression", "outputs": 4097}, 413, "too_large", "/outputs",
    method="PUT", has=["--max-dim"])
bad("create.bad_multioutput", "/v1/tallies/x-mo", {"kind": "regression",
    "multioutput": "median"}, 422, "invalid_value", "/multioutput",
    method="PUT")
bad("create.unknown_param", "/v1/tallies/x-param", {"kind": "regression",
    "labels": [1, 2]}, 422, "unknown_field", "/labels", method="PUT")
bad("create.bad_name", "/v1/tallies/no%20spaces", {"kind": "regression"},
    422, "invalid_value", "", method="PUT")
bad("create.exists_other_params", "/v1/tallies/x-exists",
    {"kind": "regression", "outputs": 3}, 422, "invalid_value", "",
    method="PUT", before=mk("x-exists"), has=["DELETE"])
bad("get.unknown", "/v1/tallies/x-nope", None, 404, "not_found", "",
    method="GET")
bad("delete.unknown", "/v1/tallies/x-nope", None, 404, "not_found", "",
    method="DELETE")
bad("batches.unknown_tally", B % "nope", {"y_true": [1], "y_pred": [1]},
    404, "not_found", "")
bad("batches.missing_pred", B % "b1", {"y_true": [1, 2]}, 422,
    "missing_input", "/y_pred", before=mk("x-b1"))
bad("batches.unknown_field", B % "b2", {"y_true": [1], "y_pred": [1],
    "weights": [1]}, 422, "unknown_field", "/weights", before=mk("x-b2"))
bad("batches.shape_mismatch", B % "b3", {"y_true": [1, 2, 3],
    "y_pred": [1, 2]}, 422, "shape_mismatch", "/y_pred", before=mk("x-b3"))
bad("batches.wrong_outputs", B % "b4", {"y_true": [[1, 2], [3, 4]],
    "y_pred": [[1, 2], [3, 4]]}, 422, "shape_mismatch", "/y_true",
    before=mk("x-b4", 3), has=["[N, 3]"])
bad("batches.weight_shape", B % "b5", {"y_true": [1, 2], "y_pred": [1, 2],
    "sample_weight": [1, 2, 3]}, 422, "shape_mismatch", "/sample_weight",
    before=mk("x-b5"))
bad("batches.negative_weight", B % "b6", {"y_true": [1, 2], "y_pred": [1, 2],
    "sample_weight": [1, -1]}, 422, "invalid_value", "/sample_weight",
    before=mk("x-b6"))
bad("batches.empty", B % "b7", {"y_true": [], "y_pred": []}, 422,
    "empty_input", "/y_true", before=mk("x-b7"))
bad("batches.non_finite", B % "b8",
    {"y_true": cg.packed(np.array([1.0, np.nan])), "y_pred": [1, 2]}, 422,
    "non_finite", "/y_true/data", before=mk("x-b8"))
bad("batches.overflow", B % "b9", {"y_true": [1e200], "y_pred": [1.0]}, 422,
    "invalid_value", "/y_true", before=mk("x-b9"), has=["overflows"])

MRG = "/v1/tallies/x-%s/merge"
bad("merge.neither", MRG % "m1", {}, 422, "missing_input", "/from",
    before=mk("x-m1"))
bad("merge.both", MRG % "m2", {"from": "x-m2", "state": {}}, 422,
    "missing_input", "/state", before=mk("x-m2"))
bad("merge.self", MRG % "m3", {"from": "x-m3"}, 422, "invalid_value",
    "/from", before=mk("x-m3"))
bad("merge.unknown_from", MRG % "m4", {"from": "x-none"}, 404, "not_found",
    "/from", before=mk("x-m4"))
bad("merge.other_params", MRG % "m5", {"from": "x-m5b"}, 422,
    "shape_mismatch", "/from", before=mk("x-m5") + mk("x-m5b", 2))
bad("merge.unknown_target", MRG % "m6", {"from": "x-m6b"}, 404, "not_found",
    "", before=mk("x-m6b"))

L = 70  # EVALD_XSUM_LIMBS
SIZE1 = 1 + L + (6 * L + 1)  # evald_regsum_size(1)


def export(n=0, state=None, **over):
    e = {"format": "evald.tally", "version": 1, "kind": "regression",
         "params": {"outputs": 1, "multioutput": "uniform_average"},
         "n": n, "state": state if state is not None else [0.0] * SIZE1}
    e.update(over)
    return {"state": e}


def zs(**at):
    s = [0.0] * SIZE1
    for i, v in at.items():
        s[int(i[1:])] = v
    return s


imp = [("version", export(version=2), "invalid_value", "/state/version"),
       ("format", export(format="other"), "invalid_value", "/state/version"),
       ("kind", export(kind="ranking"), "invalid_value", "/state/kind"),
       ("params_bad", export(params={"outputs": -1}), "invalid_value",
        "/state/params/outputs"),
       ("params_other", export(params={"outputs": 2},
                               state=[0.0] * (1 + L + 2 * (6 * L + 1))),
        "shape_mismatch", "/state"),
       ("size", export(state=[0.0] * (SIZE1 - 1)), "shape_mismatch",
        "/state/state"),
       ("not_object", {"state": [1, 2]}, "wrong_type", "/state", 400),
       ("unknown_field", {"state": dict(export()["state"], extra=1)},
        "unknown_field", "/state/extra"),
       ("negative_n", export(n=-1), "invalid_value", "/state/n"),
       ("count_mismatch", export(n=5), "invalid_value", "/state/state"),
       ("negative_count", export(n=0, state=zs(i0=-3.0)), "invalid_value",
        "/state/state"),
       ("digit_range", export(state=zs(i5=2.0**32)), "invalid_value",
        "/state/state"),
       ("digit_fraction", export(state=zs(i5=0.5)), "invalid_value",
        "/state/state"),
       ("negative_weight_sum", export(state=zs(i70=-1.0)), "invalid_value",
        "/state/state"),
       ("negative_squares", export(state=zs(**{"i%d" % (1 + L + 3 * L):
                                               1.0,
                                               "i%d" % (1 + L + 4 * L - 1):
                                               -1.0})),
        "invalid_value", "/state/state"),
       ("non_finite", export(state=cg.packed(np.array(zs(i3=np.nan)))),
        "non_finite", "/state/state/data"),
       ("max_with_no_samples", export(state=zs(**{"i%d" % (SIZE1 - 1): 2.0})),
        "invalid_value", "/state/state")]
for tag, body, code, epath, *st in imp:
    bad("import." + tag, MRG % ("i-" + tag.replace("_", "-")), body,
        st[0] if st else 422, code, epath,
        before=mk("x-i-" + tag.replace("_", "-")))


# Classification refusals.
CK = {"kind": "classification"}


def cmk(name, spec=None):
    return [cput(name, spec or {"labels": [1, 2, 3]})]


for tag, body, code, epath, *st in [
        ("no_labels", {}, "missing_input", "/labels"),
        ("both", {"labels": [0, 1], "num_classes": 2}, "invalid_value",
         "/num_classes"),
        ("num_classes_one", {"num_classes": 1}, "invalid_value",
         "/num_classes"),
        ("num_classes_float", {"num_classes": 2.5}, "invalid_value",
         "/num_classes"),
        ("num_classes_over_max_dim", {"num_classes": 4097}, "too_large",
         "/num_classes", 413),
        ("labels_256", {"labels": list(range(256))}, "invalid_value",
         "/labels"),
        ("labels_one", {"labels": [4]}, "invalid_value", "/labels"),
        ("labels_repeat", {"labels": [4, 2, 4]}, "invalid_value", "/labels"),
        ("labels_string", {"labels": ["cat", "dog"]}, "invalid_value",
         "/labels"),
        ("bad_zero_division", {"num_classes": 2, "zero_division": 0.5},
         "invalid_value", "/zero_division"),
        ("unknown_param", {"num_classes": 2, "outputs": 2}, "unknown_field",
         "/outputs")]:
    bad("create.classification_" + tag, "/v1/tallies/x-c",
        dict(CK, **body), st[0] if st else 422, code, epath, method="PUT",
        has=["--max-dim"] if st else None)

CB = "/v1/tallies/x-c%s/batches"
bad("batches.classification_true_not_label", CB % "1",
    {"y_true": [1, 2, 4], "y_pred": [1, 2, 3]}, 422, "invalid_value",
    "/y_true", before=cmk("x-c1"), has=["y_true[2]", "labels"])
bad("batches.classification_pred_not_label", CB % "2",
    {"y_true": [1, 2, 3], "y_pred": [1, 2.5, 3]}, 422, "invalid_value",
    "/y_pred", before=cmk("x-c2"), has=["y_pred[1]"])
bad("batches.classification_shape", CB % "3",
    {"y_true": [1, 2, 3], "y_pred": [1, 2]}, 422, "shape_mismatch",
    "/y_pred", before=cmk("x-c3"))
bad("batches.classification_negative_weight", CB % "4",
    {"y_true": [1, 2], "y_pred": [1, 2], "sample_weight": [1, -1]}, 422,
    "invalid_value", "/sample_weight", before=cmk("x-c4"))
bad("merge.classification_other_labels", MRG % "c5", {"from": "x-c5b"},
    422, "shape_mismatch", "/from",
    before=cmk("x-c5") + cmk("x-c5b", {"labels": [1, 2, 4]}))
bad("merge.classification_from_regression", MRG % "c6", {"from": "x-c6b"},
    422, "shape_mismatch", "/from", before=cmk("x-c6") + mk("x-c6b"))


def cexport(n=0, state=None, **over):
    e = {"format": "evald.tally", "version": 1, "kind": "classification",
         "params": {"labels": [1, 2, 3], "zero_division": "warn"},
         "n": n, "state": state if state is not None else [0.0] * 10}
    e.update(over)
    return {"state": e}


def cs(n, *counts):
    return [float(n)] + [float(c) for c in counts] + [0.0] * (9 - len(counts))


for tag, body, code, epath in [
        ("size", cexport(state=[0.0] * 9), "shape_mismatch", "/state/state"),
        ("other_labels", cexport(params={"labels": [1, 2]}, state=[0.0] * 5),
         "shape_mismatch", "/state"),
        ("count_mismatch", cexport(n=3, state=cs(2, 1, 1)), "invalid_value",
         "/state/state"),
        ("negative_count", cexport(n=2, state=cs(2, 3, -1)),
         "invalid_value", "/state/state"),
        ("counts_no_samples", cexport(n=0, state=cs(0, 2)),
         "invalid_value", "/state/state"),
        ("non_finite", cexport(n=1, state=cg.packed(np.array(
            cs(1, np.inf)))), "non_finite", "/state/state/data")]:
    nm = "ci-" + tag.replace("_", "-")
    bad("import.classification_" + tag, MRG % nm, body, 422, code, epath,
        before=cmk("x-" + nm))

cg.done()
