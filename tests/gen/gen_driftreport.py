#!/usr/bin/python3
"""gen_driftreport - cases for POST /v1/drift ("driftreport.<case>"): drift
reports over the columns of a reference and a current table.

Every expected report is computed here from SciPy 1.10 and NumPy, column
by column, the way Evidently 0.4 computes its data-drift report by default
(not installed here; written out below from its documentation and source):

- the test: with at most 1000 reference values, ks_2samp for a numeric
  column of more than 5 distinct values (reference and current together),
  else chisquare for more than 2, else the proportion-difference Z-test;
  with more reference values, the normed Wasserstein distance for a
  numeric column of more than 5 distinct values, else Jensen-Shannon;
- chisquare(current counts, reference counts * n_current / n_reference)
  over the categories of both tables;
- the Z-test: the first category's share (categories in ascending order),
  pooled variance, p = 2 * norm.sf(|z|) (Evidently writes 2 * (1 -
  norm.cdf(|z|)), the same number but for rounding in the far tail);
- binned distances as in gen_drift.py: sturges bins of the union for a
  numeric column whose reference has more than 20 distinct values, else
  one bin per value; psi and kl_divergence replace zero shares;
- thresholds 0.05 for p-values (drifted when p < it) and 0.1 for
  distances (drifted when d >= it);
- corrections over the p-value columns: Bonferroni min(1, p m) and
  Benjamini-Hochberg's step-up adjusted p-values; the verdict uses them;
- the dataset drifts when the share of drifted columns >= drift_share.

Missing values (null) are counted and left out before anything else.
Run with Debian's python3: /usr/bin/python3 tests/gen/gen_driftreport.py
"""
import math

import numpy as np
import scipy.spatial.distance as ssd
import scipy.stats as ss

import casegen as cg

cg.reset("metrics", "driftreport.")
cg.reset("invalid", "driftreport.")
rng = np.random.default_rng(20261203)
ROUTE = "/v1/drift"
PVALUE_TESTS = ("ks", "chisquare", "z", "mannwhitneyu", "cramervonmises",
                "anderson")
EPS = 0.0001


def num(v):
    v = float(v)
    return v if math.isfinite(v) else None


def present(values):
    """The non-missing values of a column as a float array (strings as
    themselves)."""
    return [v for v in values if v is not None]


def codes(r, c):
    """Numbers as they are; strings as their rank among both tables'."""
    if any(isinstance(v, str) for v in r + c):
        keys = sorted(set(r) | set(c))
        at = {k: i for i, k in enumerate(keys)}
        return (np.array([at[v] for v in r], float),
                np.array([at[v] for v in c], float))
    return np.array(r, float), np.array(c, float)


def auto(numeric, n_ref, n_unique):
    many = numeric and n_unique > 5
    if n_ref <= 1000:
        return "ks" if many else ("chisquare" if n_unique > 2 else "z")
    return "wasserstein" if many else "jensenshannon"


def counts(r, c):
    keys = np.unique(np.concatenate([r, c]))
    return (np.array([np.sum(r == k) for k in keys], float),
            np.array([np.sum(c == k) for k in keys], float))


def binned(r, c, numeric):
    if numeric and np.unique(r).size > 20:
        edges = np.histogram_bin_edges(np.concatenate([r, c]), bins="sturges")
        return (np.histogram(r, edges)[0] / r.size,
                np.histogram(c, edges)[0] / c.size)
    rc, cc = counts(r, c)
    return rc / r.size, cc / c.size


def feel_zeroes(p):
    p = p.copy()
    mn = p[p != 0].min()
    np.place(p, p == 0, mn / 10**6 if mn <= EPS else EPS)
    return p


DISTANCES = {
    "psi": lambda r, c: float(np.sum((feel_zeroes(r) - feel_zeroes(c))
                                     * np.log(feel_zeroes(r)
                                              / feel_zeroes(c)))),
    "kl_divergence": lambda r, c: float(ss.entropy(feel_zeroes(r),
                                                   feel_zeroes(c))),
    "jensenshannon": lambda r, c: float(ssd.jensenshannon(r, c)),
    "hellinger": lambda r, c: math.sqrt(
        1 - float(np.clip(np.sum(np.sqrt(r * c)), 0, 1))),
    "total_variation": lambda r, c: float(np.sum(np.abs(r - c)) / 2),
}


def ztest(r, c):
    rc, cc = counts(r, c)
    if rc.size < 2:
        return 0.0, 1.0
    n, m = r.size, c.size
    p1, p2 = rc[0] / n, cc[0] / m
    pooled = (p1 * n + p2 * m) / (n + m)
    z = (p1 - p2) / np.sqrt(pooled * (1 - pooled) * (1.0 / n + 1.0 / m))
    return float(z), float(2 * ss.norm.sf(abs(z)))


def chisquare(r, c):
    rc, cc = counts(r, c)
    with np.errstate(divide="ignore", invalid="ignore"):
        res = ss.chisquare(cc, rc * (c.size / r.size))
    return float(res.statistic), float(res.pvalue)


def run(test, r, c, numeric):
    """(statistic, score) of one column."""
    if test == "ks":
        t = ss.ks_2samp(r, c)
        return t.statistic, t.pvalue
    if test == "mannwhitneyu":
        t = ss.mannwhitneyu(r, c, alternative="two-sided")
        return t.statistic, t.pvalue
    if test == "cramervonmises":
        t = ss.cramervonmises_2samp(r, c)
        return t.statistic, t.pvalue
    if test == "anderson":
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t = ss.anderson_ksamp([r, c])
        return t.statistic, t.significance_level
    if test == "chisquare":
        return chisquare(r, c)
    if test == "z":
        return ztest(r, c)
    if test == "wasserstein":
        d = ss.wasserstein_distance(r, c) / max(np.std(r), 0.001)
        return d, d
    rs, cs = binned(r, c, numeric)
    d = DISTANCES[test](rs, cs)
    return d, d


def correct(p, how):
    p = np.asarray(p, float)
    ok = ~np.isnan(p)
    m = int(ok.sum())
    out = p.copy()
    if how == "none" or m == 0:
        return out
    q = p[ok]
    if how == "bonferroni":
        out[ok] = np.minimum(1.0, q * m)
        return out
    order = np.argsort(q, kind="stable")
    ranked = q[order] * m / np.arange(1, m + 1)
    adj = np.minimum(1.0, np.minimum.accumulate(ranked[::-1])[::-1])
    res = np.empty(m)
    res[order] = adj
    out[ok] = res
    return out


def report(ref, cur, types=None, columns=None, correction="none",
           drift_share=0.5):
    """The expected report of tables ref and cur ({name: list})."""
    types, columns = types or {}, columns or {}
    rows = []
    for name, rv in ref.items():
        cv = cur[name]
        r, c = present(rv), present(cv)
        strings = any(isinstance(v, str) for v in r + c)
        numeric = types.get(name, "categorical" if strings
                            else "numeric") == "numeric"
        ra, ca = codes(r, c)
        k = np.unique(np.concatenate([ra, ca])).size
        o = columns.get(name, {})
        test = o.get("test", "auto")
        if test == "auto":
            test = auto(numeric, ra.size, k)
        is_p = test in PVALUE_TESTS
        thr = o.get("threshold", 0.05 if is_p else 0.1)
        stat, score = run(test, ra, ca, numeric)
        rows.append(dict(name=name, numeric=numeric, test=test, is_p=is_p,
                         thr=thr, stat=float(stat), score=float(score),
                         n=ra.size, m=ca.size, k=k,
                         miss_r=len(rv) - len(r), miss_c=len(cv) - len(c)))
    adj = correct([x["score"] if x["is_p"] else math.nan for x in rows],
                  correction)
    out, drifted = {}, 0
    for x, a in zip(rows, adj):
        corrected = x["is_p"] and correction != "none"
        used = a if corrected else x["score"]
        if x["is_p"]:
            d = bool(used < x["thr"])
        else:
            d = bool(used >= x["thr"])
        drifted += d
        col = {"type": "numeric" if x["numeric"] else "categorical",
               "test": x["test"],
               "kind": "p_value" if x["is_p"] else "distance",
               "statistic": num(x["stat"]),
               ("p_value" if x["is_p"] else "distance"): num(x["score"]),
               "score": num(used), "threshold": float(x["thr"]),
               "drifted": d, "n_reference": x["n"], "n_current": x["m"],
               "n_missing_reference": x["miss_r"],
               "n_missing_current": x["miss_c"], "n_unique": int(x["k"])}
        if corrected:
            col["p_value_adjusted"] = num(a)
        out[x["name"]] = col
    share = drifted / len(rows)
    return {"columns": out, "n_columns": len(rows), "n_drifted": drifted,
            "share": share, "drift_share": drift_share,
            "dataset_drift": share >= drift_share, "correction": correction}


def table(cols, types=None, packed=()):
    t = {"columns": {k: (cg.packed(np.asarray(v, float)) if k in packed
                         else v) for k, v in cols.items()}}
    if types:
        t["types"] = types
    return t


def good(name, ref, cur, types=None, columns=None, correction=None,
         drift_share=None, packed=(), rtol=1e-9):
    body = {"reference": table(ref, types, packed),
            "current": table(cur, types, packed)}
    if columns:
        body["columns"] = columns
    if correction:
        body["correction"] = correction
    if drift_share is not None:
        body["drift_share"] = drift_share
    exp = report(ref, cur, types, columns, correction or "none",
                 0.5 if drift_share is None else drift_share)
    cg.case("metrics", "driftreport." + name, ROUTE, body, expect=exp,
            rtol=rtol)


def bad(name, body, code, path, status=None, message_has=None):
    if status is None:
        status = 400 if code == "wrong_type" else 422
    cg.case("invalid", "driftreport." + name, ROUTE, body, status=status,
            expect={"error": {"code": code, "path": path}},
            message_has=message_has)


def fl(a):
    return [float(v) for v in a]


def with_nulls(a, every):
    return [None if i % every == 3 else v for i, v in enumerate(a)]


def pick(options, n, p=None):
    return [str(v) for v in rng.choice(options, n, p=p)]


# ------------------------------------------------------------ automatic

n, m = 300, 250
small_ref = {
    "age": fl(rng.normal(40, 10, n)),
    "country": pick(["de", "fr", "it", "es"], n),
    "churn": pick(["no", "yes"], n, [0.8, 0.2]),
    "rating": fl(rng.integers(1, 5, n)),
    "income": with_nulls(fl(rng.lognormal(10, 1, n)), 7),
    "constant": [1.0] * n,
}
small_cur = {
    "age": fl(rng.normal(43, 10, m)),
    "country": pick(["de", "fr", "it", "es"], m, [0.4, 0.3, 0.2, 0.1]),
    "churn": pick(["no", "yes"], m, [0.7, 0.3]),
    "rating": fl(rng.integers(2, 6, m)),
    "income": with_nulls(fl(rng.lognormal(10.1, 1, m)), 5),
    "constant": [1.0] * m,
}
good("auto_small", small_ref, small_cur)
good("auto_small_bonferroni", small_ref, small_cur, correction="bonferroni")
good("auto_small_bh", small_ref, small_cur, correction="bh")
good("auto_small_share_0", small_ref, small_cur, drift_share=0)
good("auto_small_share_1", small_ref, small_cur, drift_share=1)

N, M = 2000, 1500
large_ref = {
    "x": fl(rng.normal(0, 1, N)),
    "grade": pick(list("abcdefg"), N),
    "few": fl(rng.integers(0, 4, N)),
    "flag": pick(["t", "f"], N),
}
large_cur = {
    "x": fl(rng.normal(0.2, 1.1, M)),
    "grade": pick(list("abcdefgh"), M),
    "few": fl(rng.integers(0, 5, M)),
    "flag": pick(["t", "f"], M, [0.45, 0.55]),
}
good("auto_large", large_ref, large_cur, packed=("x",))
good("auto_large_bh", large_ref, large_cur, correction="bh",
     columns={"x": {"test": "ks"}, "few": {"test": "chisquare"}})
# exactly 1000 reference values is still small data, 1001 is not
edge = fl(rng.normal(0, 1, 1001))
edge_c = fl(rng.normal(0.1, 1, 900))
good("auto_ref_1000", {"v": edge[:1000]}, {"v": edge_c})
good("auto_ref_1001", {"v": edge}, {"v": edge_c})
# 5 distinct numeric values are categories, 6 are not
good("auto_five_values", {"v": fl(rng.integers(0, 5, 200))},
     {"v": fl(rng.integers(0, 5, 180))})
good("auto_six_values", {"v": fl(rng.integers(0, 6, 200))},
     {"v": fl(rng.integers(0, 6, 180))})

# ------------------------------------------------------------ named tests

num_r = fl(rng.normal(0, 1, 400))
num_c = fl(rng.normal(0.15, 1.2, 300))
ties_r = fl(rng.integers(0, 30, 400))
ties_c = fl(rng.integers(3, 33, 300))
cat_r = pick(["a", "b", "c", "d"], 200)
cat_c = pick(["a", "b", "c", "e", "f"], 160)
for t in ("ks", "mannwhitneyu", "cramervonmises", "anderson",
          "wasserstein", "jensenshannon", "psi", "kl_divergence",
          "hellinger", "total_variation", "chisquare", "z"):
    good("named_%s" % t, {"x": num_r, "t": ties_r},
         {"x": num_c, "t": ties_c},
         columns={"x": {"test": t}, "t": {"test": t}})
for t in ("chisquare", "z", "jensenshannon", "psi", "kl_divergence",
          "hellinger", "total_variation"):
    good("named_cat_%s" % t, {"c": cat_r}, {"c": cat_c},
         columns={"c": {"test": t}})
good("thresholds", {"x": num_r[:200], "c": cat_r},
     {"x": num_c[:160], "c": cat_c},
     columns={"x": {"test": "psi", "threshold": 0.01},
              "c": {"threshold": 1e-300}})

# ------------------------------------------------------------ data shapes

good("unequal_sizes", {"x": fl(rng.normal(0, 1, 37))},
     {"x": fl(rng.normal(0, 1, 911))})
good("ties_ks", {"x": ties_r}, {"x": ties_c},
     columns={"x": {"test": "ks"}})
good("unseen_categories", {"c": pick(["a", "b", "c"], 100)},
     {"c": pick(["a", "b", "c", "new"], 90)})
good("unseen_categories_large", {"c": pick(["a", "b", "c"], 1200)},
     {"c": pick(["a", "b", "c", "new"], 90)})
good("constant_same", {"k": [2.0] * 10, "s": ["x"] * 10},
     {"k": [2.0] * 7, "s": ["x"] * 7})
good("constant_other", {"k": [2.0] * 10}, {"k": [3.0] * 7})
good("tiny", {"x": [1.0, 2.0], "c": ["a", None, "b"][:2]},
     {"x": [2.5, 0.5], "c": ["b", "b"]})
good("one_row", {"x": [1.0]}, {"x": [1.0]})
good("nulls", {"x": with_nulls(num_r[:200], 4), "c": with_nulls(cat_r, 3)},
     {"x": with_nulls(num_c[:160], 6), "c": with_nulls(cat_c, 5)})
good("numbers_as_categories", {"code": fl(rng.integers(0, 9, 200))},
     {"code": fl(rng.integers(0, 9, 150))},
     types={"code": "categorical"})
good("column_order", {"b": num_r[:50], "a": cat_r[:50]},
     {"a": cat_c[:40], "b": num_c[:40]})

# ------------------------------------------------------------ refusals

R = {"columns": {"x": [1.0, 2.0, 3.0], "c": ["a", "b", "a"]}}
C = {"columns": {"x": [1.5, 2.0], "c": ["a", "a"]}}
bad("only_in_reference", {"reference": R, "current": {
    "columns": {"x": [1.0]}}}, "missing_input", "/current/columns/c",
    message_has=["'c'"])
bad("only_in_current", {"reference": {"columns": {"x": [1.0]}},
                        "current": C}, "missing_input", "/current/columns/c",
    message_has=["'c'"])
bad("unknown_key", {"reference": R, "current": C, "alpha": 0.1},
    "unknown_field", "/alpha")
bad("unknown_table_key", {"reference": dict(R, rows=3), "current": C},
    "unknown_field", "/reference/rows")
bad("no_reference", {"current": C}, "missing_input", "/reference")
bad("table_not_object", {"reference": [1, 2], "current": C},
    "wrong_type", "/reference")
bad("no_columns", {"reference": {"columns": {}}, "current": C},
    "wrong_type", "/reference/columns")
bad("unknown_test", {"reference": R, "current": C,
                     "columns": {"x": {"test": "t_test"}}},
    "invalid_value", "/columns/x/test")
bad("override_unknown_column", {"reference": R, "current": C,
                                 "columns": {"y": {"test": "ks"}}},
    "unknown_field", "/columns/y")
bad("override_unknown_key", {"reference": R, "current": C,
                             "columns": {"x": {"alpha": 1}}},
    "unknown_field", "/columns/x/alpha")
bad("ks_on_categories", {"reference": R, "current": C,
                         "columns": {"c": {"test": "ks"}}},
    "invalid_value", "/columns/c", message_has=["'c'"])
bad("negative_threshold", {"reference": R, "current": C,
                           "columns": {"x": {"threshold": -1}}},
    "out_of_range", "/columns/x/threshold")
bad("bad_correction", {"reference": R, "current": C, "correction": "holm"},
    "invalid_value", "/correction")
bad("drift_share_2", {"reference": R, "current": C, "drift_share": 2},
    "out_of_range", "/drift_share")
bad("mixed_values", {"reference": {"columns": {"x": [1.0, "a"]}},
                     "current": {"columns": {"x": [1.0]}}},
    "wrong_type", "/reference/columns/x")
bad("bool_value", {"reference": {"columns": {"x": [1.0, True]}},
                   "current": {"columns": {"x": [1.0]}}},
    "wrong_type", "/reference/columns/x")
bad("strings_and_numbers", {"reference": {"columns": {"x": ["a"]}},
                            "current": {"columns": {"x": [1.0]}}},
    "wrong_type", "/reference/columns/x")
bad("strings_typed_numeric", {
    "reference": {"columns": {"x": ["a"]}, "types": {"x": "numeric"}},
    "current": {"columns": {"x": ["b"]}}},
    "invalid_value", "/reference/columns/x")
bad("types_disagree", {
    "reference": {"columns": {"x": [1.0]}, "types": {"x": "numeric"}},
    "current": {"columns": {"x": [1.0]}, "types": {"x": "categorical"}}},
    "invalid_value", "/reference/columns/x")
bad("bad_type", {"reference": {"columns": {"x": [1.0]},
                               "types": {"x": "ordinal"}},
                 "current": {"columns": {"x": [1.0]}}},
    "invalid_value", "/reference/types/x")
bad("types_unknown_column", {"reference": {"columns": {"x": [1.0]},
                                           "types": {"y": "numeric"}},
                             "current": {"columns": {"x": [1.0]}}},
    "unknown_field", "/reference/types/y")
bad("unequal_columns", {"reference": {"columns": {"x": [1.0, 2.0],
                                                  "y": [1.0]}},
                        "current": {"columns": {"x": [1.0], "y": [1.0]}}},
    "shape_mismatch", "/reference/columns/y")
bad("all_missing", {"reference": {"columns": {"x": [1.0, 2.0]}},
                    "current": {"columns": {"x": [None, None]}}},
    "empty_input", "/columns/x", message_has=["'x'"])
bad("column_2d", {"reference": {"columns": {"x": [[1.0, 2.0]]}},
                  "current": {"columns": {"x": [1.0]}}},
    "wrong_type", "/reference/columns/x")
bad("record_bad_series", {"reference": R, "current": C,
                          "record": {"series": "a b"}},
    "invalid_value", "/record/series")
cg.done()
