#!/usr/bin/python3
"""gen_drift - cases for the drift family ("drift.<metric>.<case>"):
two-sample tests with p-values and drift distances.

The tests are checked against SciPy 1.10 itself: stats.ks_2samp,
cramervonmises_2samp, anderson_ksamp, mannwhitneyu and chi2_contingency,
called with the case's parameters; SciPy's warnings are caught and the
case expects evald's matching sentence.  Where SciPy sums a series only to
1e-7 (cramervonmises_2samp's asymptotic p-value) evald sums the same terms,
so the cases still hold to 1e-9.

The drift distances follow Evidently 0.4 (not installed here), written out
in numpy below from its source: get_binned_data bins both samples at
numpy's "sturges" edges of their union when the reference has more than 20
distinct values and is not categorical, else one bin per distinct value
of the union; shares are counts / len; psi and kl_divergence replace zero
shares as its feel_zeroes does (1e-4, or the smallest non-zero share / 1e6
when that is at most 1e-4), jensenshannon, hellinger and total_variation
use the raw shares.

A dedicated set ("special.*") checks the special functions behind the
p-values against scipy.special to 1e-12 (gammaincc through chi2_contingency
p-values, ndtr through mannwhitneyu's asymptotic p-values).
Run with Debian's python3: /usr/bin/python3 tests/gen/gen_drift.py
"""
import math
import warnings

import numpy as np
import scipy.spatial.distance as ssd
import scipy.special as sp
import scipy.stats as ss

import casegen as cg

cg.reset("metrics", "drift.")
cg.reset("invalid", "drift.")
rng = np.random.default_rng(20261202)


def route(metric):
    return "/v1/metrics/" + metric


def call(fn, *a, **k):
    """fn(*a, **k) and the messages of the warnings it raised."""
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        r = fn(*a, **k)
    return r, [str(x.message) for x in w]


def num(v):
    """A float for the wire; NaN and infinities are expected as null."""
    v = float(v)
    return v if math.isfinite(v) else None


def nonfinite(**fields):
    """evald's warnings for non-finite results, in the order written."""
    return ["%s is %s and is reported as null"
            % (k, "NaN" if math.isnan(v) else "infinite")
            for k, v in fields.items() if not math.isfinite(v)]


def bad(metric, name, body, code, path, status=422):
    cg.case("invalid", "drift.%s.%s" % (metric, name), route(metric), body,
            status=status, expect={"error": {"code": code, "path": path}})


def send(v):
    """Small samples as JSON lists, large ones packed."""
    v = np.asarray(v)
    if v.size <= 200:
        return v.tolist()
    if v.dtype in (np.uint8, np.float32):
        return cg.packed(v)
    return cg.packed(v.astype(np.float64))


# ------------------------------------------------------------ ks_2samp

KS_FALLBACK_SIZE = ("exact ks_2samp calculation not possible with sample "
                    "sizes %d and %d; switched to asymp, as SciPy does")
KS_FALLBACK_OVERFLOW = ("ks_2samp: exact calculation unsuccessful (float64 "
                        "overflow); switched to asymp, as SciPy does")
KS_NAN = ("the asymptotic two-sided p-value needs round(n*m/(n+m)) >= 1; "
          "SciPy answers NaN")


def ks(name, x, y, alternative="two-sided", method="auto", rtol=1e-9):
    x, y = np.asarray(x), np.asarray(y)
    r, w = call(ss.ks_2samp, x.astype(float), y.astype(float),
                alternative=alternative, method=method)
    warns = []
    for msg in w:
        if "not possible" in msg:
            warns.append(KS_FALLBACK_SIZE % (x.size, y.size))
        elif "unsuccessful" in msg:
            warns.append(KS_FALLBACK_OVERFLOW)
    if math.isnan(r.pvalue):
        warns.append(KS_NAN)
        warns.append("pvalue is NaN and is reported as null")
    exp = {"metric": "ks_2samp", "statistic": r.statistic,
           "value": r.statistic, "pvalue": num(r.pvalue),
           "statistic_location": float(r.statistic_location),
           "statistic_sign": int(r.statistic_sign),
           "params": {"alternative": alternative, "method": method}}
    if warns:
        exp["warnings"] = warns
    body = {"inputs": {"x": send(x), "y": send(y)},
            "params": {"alternative": alternative, "method": method}}
    cg.case("metrics", "drift.ks_2samp." + name, route("ks_2samp"), body,
            expect=exp, rtol=rtol)


ALTS = ("two-sided", "less", "greater")
samples = {
    "unequal": (rng.normal(0, 1, 9), rng.normal(0.5, 1.5, 13)),
    "equal": (rng.normal(0, 1, 12), rng.normal(0.8, 1, 12)),
    "ties": (rng.integers(0, 5, 15), rng.integers(1, 6, 11)),
    "shifted": (rng.normal(0, 1, 40), rng.normal(1.0, 1, 55)),
    "multiple": (rng.normal(0, 1, 20), rng.normal(0.3, 1, 60)),
    "near": (rng.normal(0, 1, 300), rng.normal(0.05, 1, 450)),
}
for sname, (x, y) in samples.items():
    for alt in ALTS:
        for meth in ("auto", "exact", "asymp"):
            ks("%s.%s.%s" % (sname, alt, meth), x, y, alt, meth)
for n in (1, 2, 3):
    for m in (1, 2, 3):
        x, y = rng.normal(0, 1, n), rng.normal(0.5, 1, m)
        for alt in ALTS:
            for meth in ("exact", "asymp"):
                ks("tiny_%d_%d.%s.%s" % (n, m, alt, meth), x, y, alt, meth)
same = rng.normal(0, 1, 10)
for alt in ALTS:
    ks("identical." + alt, same, same.copy(), alt)
    ks("identical_asymp." + alt, same, same.copy(), alt, "asymp")
    ks("disjoint." + alt, np.arange(5.0), np.arange(5.0) + 10, alt)
    ks("disjoint_rev." + alt, np.arange(7.0) + 10, np.arange(5.0), alt)
    ks("disjoint_asymp." + alt, np.arange(5.0), np.arange(5.0) + 10, alt,
       "asymp")
    # D = 5/6 with round(en) = 3: kstwo's Ruben-Gambino upper end
    ks("overlap_one_asymp." + alt, np.arange(6.0), np.arange(6.0) + 5, alt,
       "asymp")
# auto picks asymp above 10000 points
big_x = rng.normal(0, 1, 10001).astype(np.float32)
big_y = rng.normal(0.02, 1, 3000).astype(np.float32)
for alt in ALTS:
    ks("large_auto." + alt, big_x, big_y, alt)
# exact one-sided with unequal sizes overflows float64: SciPy falls back
ov_x, ov_y = rng.normal(0, 1, 600), rng.normal(0.1, 1, 701)
for alt in ("less", "greater"):
    ks("overflow_fallback." + alt, ov_x, ov_y, alt, "exact")
ks("overflow_twosided", ov_x, ov_y, "two-sided", "exact")
# n*m/gcd^2 past 2^31: exact is not even tried
fx = rng.integers(0, 200, 46341).astype(np.uint8)
fy = rng.integers(10, 210, 46343).astype(np.uint8)
ks("size_fallback", fx, fy, "two-sided", "exact")
# the asymptotic kstwo regimes: Pomeranz, Durbin, Pelz-Good, smirnov
for n, m, shift in ((30, 30, 0.3), (30, 30, 1.2), (100, 150, 0.05),
                    (400, 500, 0.02), (400, 500, 0.4), (2000, 2500, 0.3),
                    (5000, 6000, 0.01)):
    x, y = rng.normal(0, 1, n), rng.normal(shift, 1, m)
    if n >= 1000:  # sent packed as float32, half the bytes
        x, y = x.astype(np.float32), y.astype(np.float32)
    tag = "%d_%d_%g" % (n, m, shift)
    ks("asymp_" + tag, x, y, "two-sided", "asymp")
    ks("exact_" + tag, x, y, "two-sided", "exact")

# ------------------------------------------------------------ mannwhitneyu

MWU_NAN = ("all values are tied, so the normal approximation has no "
           "variance; SciPy answers NaN")


def mwu(name, x, y, use_continuity=True, alternative="two-sided",
        method="auto", rtol=1e-9, atol=1e-12):
    r = ss.mannwhitneyu(np.asarray(x, float), np.asarray(y, float),
                        use_continuity=use_continuity,
                        alternative=alternative, method=method)
    exp = {"metric": "mannwhitneyu", "statistic": r.statistic,
           "pvalue": num(r.pvalue),
           "params": {"use_continuity": use_continuity,
                      "alternative": alternative, "method": method}}
    if math.isnan(r.pvalue):
        exp["warnings"] = [MWU_NAN, "pvalue is NaN and is reported as null"]
    body = {"inputs": {"x": send(x), "y": send(y)},
            "params": {"use_continuity": use_continuity,
                       "alternative": alternative, "method": method}}
    cg.case("metrics", "drift.mannwhitneyu." + name, route("mannwhitneyu"),
            body, expect=exp, rtol=rtol, atol=atol)


msamples = {
    "small": (rng.normal(0, 1, 6), rng.normal(0.7, 1, 8)),
    "ties": (rng.integers(0, 6, 12), rng.integers(1, 7, 10)),
    "large": (rng.normal(0, 1, 60), rng.normal(0.3, 1, 45)),
    "tiny": (rng.normal(0, 1, 2), rng.normal(1, 1, 3)),
    "one": ([0.5], [1.5, -0.5, 2.5]),
    "exact_mid": (rng.normal(0, 1, 20), rng.normal(0.2, 1, 25)),
}
for sname, (x, y) in msamples.items():
    for alt in ALTS:
        for meth in ("auto", "asymptotic", "exact"):
            for cont in (True, False):
                if meth == "exact" and not cont:
                    continue  # continuity only touches the asymptotic one
                mwu("%s.%s.%s%s" % (sname, alt, meth,
                                    "" if cont else ".nocont"),
                    x, y, cont, alt, meth)
mwu("all_tied", [2.0, 2.0, 2.0], [2.0, 2.0], method="asymptotic",
    use_continuity=False)
mwu("all_tied_cont", [2.0, 2.0, 2.0], [2.0, 2.0], method="asymptotic")
mwu("identical", same, same.copy())

# ------------------------------------------------------------ chi2

CHI2_NAN = ("observed has a zero count, where this lambda_ divides by it; "
            "SciPy answers NaN")
LAMBDAS = ("pearson", "log-likelihood", "freeman-tukey",
           "mod-log-likelihood", "neyman", "cressie-read")


def chi2(name, obs, correction=True, lambda_="pearson", rtol=1e-9,
         atol=1e-12):
    obs = np.asarray(obs, float)
    r, _ = call(ss.chi2_contingency, obs, correction=correction,
                lambda_=lambda_)
    exp = {"metric": "chi2_contingency", "statistic": num(r.statistic),
           "value": num(r.statistic),
           "pvalue": num(r.pvalue), "dof": int(r.dof),
           "expected_freq": r.expected_freq,
           "params": {"correction": correction, "lambda_": lambda_}}
    warns = [CHI2_NAN] if math.isnan(r.statistic) else []
    warns += nonfinite(value=r.statistic, statistic=r.statistic,
                       pvalue=r.pvalue)
    if warns:
        exp["warnings"] = warns
    body = {"inputs": {"observed": obs.tolist()},
            "params": {"correction": correction, "lambda_": lambda_}}
    cg.case("metrics", "drift.chi2_contingency." + name,
            route("chi2_contingency"), body, expect=exp, rtol=rtol,
            atol=atol)


tables = {
    "2x2": [[12, 5], [7, 15]],
    "2x2_small": [[3, 1], [1, 3]],
    "2x3": [[10, 20, 30], [25, 15, 5]],
    "3x4": rng.integers(1, 30, (3, 4)),
    "with_zero": [[0, 5, 9], [4, 6, 2]],
    "1x3": [[4, 5, 6]],
    "fractional": [[2.5, 3.25], [4.0, 1.5]],
}
for tname, t in tables.items():
    for lam in LAMBDAS:
        for corr in (True, False):
            chi2("%s.%s%s" % (tname, lam, "" if corr else ".nocorr"), t,
                 corr, lam)

# ------------------------------------------------------------ cvm


def cvm(name, x, y, method="auto"):
    r = ss.cramervonmises_2samp(np.asarray(x, float), np.asarray(y, float),
                                method=method)
    exp = {"metric": "cramervonmises_2samp", "statistic": r.statistic,
           "pvalue": r.pvalue, "params": {"method": method}}
    body = {"inputs": {"x": send(x), "y": send(y)},
            "params": {"method": method}}
    cg.case("metrics", "drift.cramervonmises_2samp." + name,
            route("cramervonmises_2samp"), body, expect=exp)


csamples = {
    "small": (rng.normal(0, 1, 5), rng.normal(0.8, 1, 7)),
    "equal": (rng.normal(0, 1, 10), rng.normal(0.5, 1, 10)),
    "coprime": (rng.normal(0, 1, 9), rng.normal(0.5, 1, 14)),
    "ties": (rng.integers(0, 5, 12), rng.integers(1, 6, 9)),
    "two": ([0.0, 1.0], [0.5, 2.0, 3.0]),
    "large": (rng.normal(0, 1, 50), rng.normal(0.4, 1, 70)),
    "far": (rng.normal(0, 1, 15), rng.normal(4, 1, 18)),
}
for cname, (x, y) in csamples.items():
    for meth in ("auto", "exact", "asymptotic"):
        if cname == "large" and meth == "exact":
            continue
        cvm("%s.%s" % (cname, meth), x, y, meth)
cvm("identical", same, same.copy())

# ------------------------------------------------------------ anderson

AD_CAP = "p-value capped: true value larger than 0.25"
AD_FLOOR = "p-value floored: true value smaller than 0.001"
AD_NAN = ("with 3 observations in all the statistic's variance is "
          "undefined; SciPy answers NaN")


def ad(name, samples, midrank=True):
    samples = [np.asarray(s) for s in samples]
    r, w = call(ss.anderson_ksamp, [s.astype(float) for s in samples],
                midrank=midrank)
    exp = {"metric": "anderson_ksamp", "statistic": num(r.statistic),
           "value": num(r.statistic), "critical_values": r.critical_values,
           "pvalue": num(r.pvalue), "params": {"midrank": midrank}}
    warns = [AD_NAN] if math.isnan(r.statistic) else []
    warns += [AD_CAP if "capped" in m else AD_FLOOR for m in w
              if "capped" in m or "floored" in m]
    warns += nonfinite(value=r.statistic, statistic=r.statistic,
                       pvalue=r.pvalue)
    if warns:
        exp["warnings"] = warns
    body = {"inputs": {"samples": [send(s) for s in samples]},
            "params": {"midrank": midrank}}
    cg.case("metrics", "drift.anderson_ksamp." + name,
            route("anderson_ksamp"), body, expect=exp)


asets = {
    "two": [rng.normal(0, 1, 30), rng.normal(0.5, 1, 40)],
    "three": [rng.normal(0, 1, 20), rng.normal(0.2, 1, 25),
              rng.normal(0.9, 1, 30)],
    "five": [rng.normal(0.1 * i, 1, 10 + 3 * i) for i in range(5)],
    "ties": [rng.integers(0, 6, 25), rng.integers(0, 6, 30),
             rng.integers(1, 7, 20)],
    "capped": [rng.normal(0, 1, 50), rng.normal(0, 1, 50)],
    "floored": [rng.normal(0, 1, 40), rng.normal(3, 1, 40)],
    "tiny": [[1.0, 2.0], [3.0, 4.0]],
    "three_values": [[1.0, 2.0], [3.0]],
    "three_values_tie": [[1.0, 1.0], [2.0]],
    "single_values": [[1.0], [2.0], [3.0], [4.0]],
    "equal_sizes": [rng.normal(0, 1, 12), rng.normal(0.6, 1, 12)],
}
for aname, s in asets.items():
    for mid in (True, False):
        ad("%s%s" % (aname, "" if mid else ".right"), s, mid)
ad("blob", np.stack([rng.normal(0, 1, 15), rng.normal(0.7, 1, 15)]))

# ------------------------------------------------------------ distances

EPS = 0.0001


def sturges_edges(u):
    return np.histogram_bin_edges(u, bins="sturges")


def quantile_shares(ref, cur, bins):
    """The PSI convention: edges at the reference's quantiles i/bins
    (numpy's default linear method), duplicates dropped, the outer bins
    open to -inf and +inf."""
    inner = np.unique(np.quantile(ref, np.linspace(0, 1, bins + 1))[1:-1])
    k = inner.size + 1
    r = np.bincount(np.searchsorted(inner, ref, side="right"), minlength=k)
    c = np.bincount(np.searchsorted(inner, cur, side="right"), minlength=k)
    return r / ref.size, c / cur.size


def binned(ref, cur, categorical=False, bins=None, binning="union"):
    """Evidently 0.4 get_binned_data without feel_zeroes; `bins` (an int)
    replaces sturges with that many equal bins.  binning
    "reference_quantiles" cuts numeric data at the reference's quantiles
    instead (10 bins unless `bins`)."""
    ref, cur = np.asarray(ref, float), np.asarray(cur, float)
    if (not categorical and np.unique(ref).size > 20
            and binning == "reference_quantiles"):
        return quantile_shares(ref, cur, bins or 10)
    if not categorical and np.unique(ref).size > 20:
        union = np.concatenate([ref, cur])
        edges = (sturges_edges(union) if bins is None
                 else np.histogram_bin_edges(union, bins=bins))
        r = np.histogram(ref, edges)[0] / ref.size
        c = np.histogram(cur, edges)[0] / cur.size
    else:
        keys = np.unique(np.concatenate([ref, cur]))
        r = np.array([np.sum(ref == k) for k in keys]) / ref.size
        c = np.array([np.sum(cur == k) for k in keys]) / cur.size
    return r, c


def feel_zeroes(p):
    p = p.copy()
    mn = p[p != 0].min()
    np.place(p, p == 0, mn / 10**6 if mn <= EPS else EPS)
    return p


def d_psi(r, c, base=None):
    r, c = feel_zeroes(r), feel_zeroes(c)
    return float(np.sum((r - c) * np.log(r / c)))


def d_kl(r, c, base=None):
    return float(ss.entropy(feel_zeroes(r), feel_zeroes(c), base=base))


def d_js(r, c, base=None):
    return float(ssd.jensenshannon(r, c, base=base))


def d_hellinger(r, c, base=None):
    return math.sqrt(1 - float(np.clip(np.sum(np.sqrt(r * c)), 0, 1)))


def d_tv(r, c, base=None):
    return float(np.sum(np.abs(r - c)) / 2)


DISTANCES = {"psi": d_psi, "kl_divergence": d_kl, "jensenshannon": d_js,
             "hellinger": d_hellinger, "total_variation": d_tv}
WITH_BASE = ("kl_divergence", "jensenshannon")


def dist(metric, name, x=None, y=None, xc=None, yc=None, categorical=False,
         bins=None, base=None, binning=None):
    params = {}
    if binning is not None:
        params["binning"] = binning
    if categorical:
        params["categorical"] = True
    if bins is not None:
        params["bins"] = bins
    if base is not None:
        params["base"] = base
    if x is not None:
        r, c = binned(x, y, categorical, bins, binning or "union")
        inputs = {"x": send(x), "y": send(y)}
    else:
        xc, yc = np.asarray(xc, float), np.asarray(yc, float)
        r, c = xc / xc.sum(), yc / yc.sum()
        inputs = {"x_counts": xc.tolist(), "y_counts": yc.tolist()}
    v = DISTANCES[metric](r, c, base)
    exp = {"metric": metric, "value": v, "n_bins": int(r.size)}
    cg.case("metrics", "drift.%s.%s" % (metric, name), route(metric),
            {"inputs": inputs, "params": params}, expect=exp)


ref = rng.normal(0, 1, 500)
cur = rng.normal(0.3, 1.2, 400)
codes_r = rng.integers(0, 6, 300)
codes_c = rng.integers(1, 8, 250)
few_r = rng.integers(0, 12, 200).astype(float) * 0.5
few_c = rng.integers(2, 15, 150).astype(float) * 0.5
for metric in DISTANCES:
    dist(metric, "numeric", ref, cur)
    dist(metric, "numeric_same", ref, ref.copy())
    dist(metric, "numeric_bins10", ref, cur, bins=10)
    dist(metric, "numeric_bins3", ref, cur, bins=3)
    dist(metric, "numeric_far", ref, cur + 8)
    dist(metric, "few_distinct", few_r, few_c)
    dist(metric, "categorical", codes_r, codes_c, categorical=True)
    dist(metric, "categorical_numeric_flag", ref[:40], cur[:30],
         categorical=True)
    dist(metric, "counts", xc=[10, 20, 30, 0, 5], yc=[12, 18, 25, 4, 0])
    dist(metric, "shares", xc=[0.1, 0.2, 0.3, 0.4], yc=[0.25, 0.25, 0.25,
                                                         0.25])
    dist(metric, "tiny_shares", xc=[1e-7, 0.5, 0.5 - 1e-7, 0],
         yc=[0.3, 0.3, 0.4, 0])
    dist(metric, "one_value", [1.0], [2.0])
    dist(metric, "one_bin", xc=[3.0], yc=[5.0])
    if metric in WITH_BASE:
        dist(metric, "base2", ref, cur, base=2.0)
        dist(metric, "base10_counts", xc=[10, 20, 30, 0, 5],
             yc=[12, 18, 25, 4, 0], base=10.0)


def wn(name, x, y):
    x, y = np.asarray(x, float), np.asarray(y, float)
    v = ss.wasserstein_distance(x, y) / max(np.std(x), 0.001)
    cg.case("metrics", "drift.wasserstein_normed." + name,
            route("wasserstein_normed"),
            {"inputs": {"x": send(x), "y": send(y)}},
            expect={"metric": "wasserstein_normed", "value": v})


wn("normal", ref, cur)
wn("same", ref, ref.copy())
wn("constant_ref", np.full(10, 3.0), rng.normal(3, 1, 12))
wn("one_each", [1.0], [4.0])
wn("codes", codes_r, codes_c)

# ------------------------------------------------------------ special

# gammaincc (chi2.sf) over a spread of dof and statistics, to 1e-12: a
# 2 x (dof+1) table with every expected count A and the rows A +- e
# (alternating signs) has Pearson statistic 2 * nz * e^2 / A.  e is cut
# to 20 significant bits and A is a power of two, so the statistic is
# exact in float64 whatever the order of summation, and the p-value
# compares the special function alone.
A = 1024.0
for dof in (1, 2, 3, 5, 9, 20, 57, 150):
    for target in (0.999, 0.6, 0.05, 1e-6, 1e-30, 1e-200):
        x = ss.chi2.isf(target, dof)
        cols = dof + 1
        nz = cols - cols % 2
        e = math.sqrt(x * A / (2 * nz))
        mant, ex = math.frexp(e)
        e = math.ldexp(round(mant * 2**20), ex - 20)
        shift = np.where(np.arange(cols) % 2 == 0, e, -e)
        shift[nz:] = 0
        t = np.vstack([A + shift, A - shift])
        chi2("special.gammaincc.dof%d.p%g" % (dof, target), t,
             correction=False, rtol=1e-12, atol=0)
# ndtr through the asymptotic Mann-Whitney p-value, to 1e-12
for shift in (0.0, 0.2, 0.5, 1.0, 2.0, 3.0):
    x = rng.normal(0, 1, 30)
    y = rng.normal(shift, 1, 35)
    mwu("special.ndtr.shift%g" % shift, x, y, method="asymptotic",
        rtol=1e-12, atol=0)

# ------------------------------------------------------------ invalid

bad("ks_2samp", "empty_x", {"inputs": {"x": [], "y": [1.0, 2.0]}},
    "empty_input", "/inputs/x")
bad("ks_2samp", "empty_y", {"inputs": {"x": [1.0], "y": []}},
    "empty_input", "/inputs/y")
bad("ks_2samp", "nan", {"inputs": {
    "x": cg.packed(np.array([1.0, np.nan, 2.0])), "y": [1.0]}},
    "non_finite", "/inputs/x/data")
bad("ks_2samp", "two_dims", {"inputs": {"x": [[1.0, 2.0]], "y": [1.0]}},
    "shape_mismatch", "/inputs/x")
bad("ks_2samp", "bad_method", {"inputs": {"x": [1.0], "y": [2.0]},
                               "params": {"method": "asymptotic"}},
    "invalid_value", "/params/method")
bad("mannwhitneyu", "empty_y", {"inputs": {"x": [1.0, 2.0], "y": []}},
    "empty_input", "/inputs/y")
bad("mannwhitneyu", "nan", {"inputs": {
    "x": [1.0], "y": cg.packed(np.array([np.nan]))}},
    "non_finite", "/inputs/y/data")
bad("cramervonmises_2samp", "one_value", {"inputs": {"x": [1.0],
                                                     "y": [1.0, 2.0]}},
    "empty_input", "/inputs/x")
bad("cramervonmises_2samp", "empty", {"inputs": {"x": [1.0, 3.0],
                                                 "y": []}},
    "empty_input", "/inputs/y")
bad("anderson_ksamp", "one_sample", {"inputs": {"samples": [[1.0, 2.0,
                                                             3.0]]}},
    "empty_input", "/inputs/samples")
bad("anderson_ksamp", "empty_sample", {"inputs": {"samples": [[1.0, 2.0],
                                                              []]}},
    "empty_input", "/inputs/samples")
bad("anderson_ksamp", "two_values", {"inputs": {"samples": [[1.0], [2.0]]}},
    "empty_input", "/inputs/samples")
bad("anderson_ksamp", "one_distinct", {"inputs": {"samples": [[1.0, 1.0],
                                                              [1.0]]}},
    "invalid_value", "/inputs/samples")
bad("chi2_contingency", "zero_row", {"inputs": {"observed": [[1, 2, 3],
                                                             [0, 0, 0]]}},
    "invalid_value", "/inputs/observed")
bad("chi2_contingency", "zero_column", {"inputs": {"observed": [[0, 2],
                                                                [0, 5]]}},
    "invalid_value", "/inputs/observed")
bad("chi2_contingency", "negative", {"inputs": {"observed": [[1, -2],
                                                             [3, 4]]}},
    "invalid_value", "/inputs/observed")
bad("chi2_contingency", "one_dim", {"inputs": {"observed": [1, 2]}},
    "shape_mismatch", "/inputs/observed")
bad("chi2_contingency", "empty", {"inputs": {"observed": [[]]}},
    "empty_input", "/inputs/observed")
for metric in DISTANCES:
    bad(metric, "both_kinds", {"inputs": {"x": [1.0], "y": [2.0],
                                          "x_counts": [1.0],
                                          "y_counts": [1.0]}},
        "missing_input", "/inputs")
    bad(metric, "no_input", {"inputs": {}}, "missing_input", "/inputs")
    bad(metric, "no_current", {"inputs": {"x": [1.0, 2.0]}},
        "missing_input", "/inputs/y")
    bad(metric, "empty", {"inputs": {"x": [], "y": [1.0]}},
        "empty_input", "/inputs/x")
    bad(metric, "counts_lengths", {"inputs": {"x_counts": [1.0, 2.0],
                                              "y_counts": [1.0]}},
        "shape_mismatch", "/inputs/y_counts")
    bad(metric, "counts_zero", {"inputs": {"x_counts": [0.0, 0.0],
                                           "y_counts": [1.0, 1.0]}},
        "invalid_value", "/inputs/x_counts")
    bad(metric, "counts_negative", {"inputs": {"x_counts": [1.0, 2.0],
                                               "y_counts": [1.0, -1.0]}},
        "invalid_value", "/inputs/y_counts")
    bad(metric, "bins_zero", {"inputs": {"x": [1.0], "y": [2.0]},
                              "params": {"bins": 0}},
        "out_of_range", "/params/bins")
bad("wasserstein_normed", "empty", {"inputs": {"x": [1.0], "y": []}},
    "empty_input", "/inputs/y")

cg.done()


# Reference-quantile binning (no new random draws, so the cases above keep
# their data).
for metric in DISTANCES:
    q = "reference_quantiles"
    dist(metric, "quantiles", ref, cur, binning=q)
    dist(metric, "quantiles_bins4", ref, cur, bins=4, binning=q)
    dist(metric, "quantiles_bins1", ref, cur, bins=1, binning=q)
    dist(metric, "quantiles_far", ref, cur + 8, binning=q)
    dist(metric, "quantiles_tied_edges", np.round(ref * 4) / 4, cur,
         bins=20, binning=q)
    dist(metric, "quantiles_few_distinct_are_categories", few_r, few_c,
         binning=q)
    dist(metric, "quantiles_union_named", ref, cur, binning="union")
