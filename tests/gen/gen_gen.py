#!/usr/bin/python3
"""gen_gen - cases for the generative family: fid, kid, inception_score.

References:
- FID: pytorch-fid's calculate_frechet_distance (not packaged for Debian,
  so reimplemented below line for line, with scipy.linalg.sqrtm and its
  eps-offset fallback) on float64 np.mean / np.cov (ddof 1) statistics.
  Where a covariance is singular, sqrtm of the singular product is only
  accurate to about sqrt(machine epsilon) (1e-8 relative here), so those
  cases compare with rtol 1e-7, and a twin case ("..._exact") compares
  with rtol 1e-12 against the FID of the same rows evaluated in 50-digit
  arithmetic (mpmath), statistics included.
- KID: the unbiased MMD² of torch-fidelity (mmd2, 'unbiased') with the
  polynomial kernel, on exactly the subsets evald draws: evald's seeded
  generator (xoshiro256** seeded by splitmix64, partial Fisher-Yates) is
  replayed in Python.  clean-fid's kernel_distance formula is checked to
  agree with it here.  With subset_size = n = m and one subset the subset
  is the whole set and MMD² is permutation-invariant, so that case needs
  no generator at all.
- Inception Score: the original code (Salimans et al., improved-gan
  inception_score.py): consecutive splits [i*N//s, (i+1)*N//s), exp of
  the mean KL, np.mean / np.std over splits; 0·log 0 taken as 0.
Run with Debian's python3: /usr/bin/python3 tests/gen/gen_gen.py
"""
import mpmath as mp
import numpy as np
from scipy import linalg

import casegen as cg
from evald_rng import EvaldRng

cg.reset("metrics", "gen.")
cg.reset("invalid", "gen.")
rng = np.random.default_rng(7081)
mp.mp.dps = 50

FID = "/v1/metrics/fid"
KID = "/v1/metrics/kid"
IS = "/v1/metrics/inception_score"

# ------------------------------------------------------------- references


def calculate_frechet_distance(mu1, sigma1, mu2, sigma2, eps=1e-6):
    """pytorch-fid 0.3.0, fid_score.calculate_frechet_distance."""
    mu1 = np.atleast_1d(mu1)
    mu2 = np.atleast_1d(mu2)
    sigma1 = np.atleast_2d(sigma1)
    sigma2 = np.atleast_2d(sigma2)
    assert mu1.shape == mu2.shape
    assert sigma1.shape == sigma2.shape
    diff = mu1 - mu2
    covmean, _ = linalg.sqrtm(sigma1.dot(sigma2), disp=False)
    if not np.isfinite(covmean).all():
        offset = np.eye(sigma1.shape[0]) * eps
        covmean = linalg.sqrtm((sigma1 + offset).dot(sigma2 + offset))
    if np.iscomplexobj(covmean):
        if not np.allclose(np.diagonal(covmean).imag, 0, atol=1e-3):
            m = np.max(np.abs(covmean.imag))
            raise ValueError("Imaginary component {}".format(m))
        covmean = covmean.real
    tr_covmean = np.trace(covmean)
    return (diff.dot(diff) + np.trace(sigma1) + np.trace(sigma2)
            - 2 * tr_covmean)


def stats(x):
    x = np.asarray(x, dtype=np.float64)
    return np.mean(x, axis=0), np.cov(x, rowvar=False)


def fid_exact(x, y):
    """FID of the data itself in 50-digit arithmetic: mean and covariance
    (ddof 1) of the float64 rows, then tr sqrt(S1 S2) as
    Σ sqrt(eig(S1^½ S2 S1^½)).  Computing the statistics exactly too
    matters: for a singular covariance, rounding of the float64 stats
    alone moves FID by ~sqrt(eps) relative."""
    def mstats(a):
        a = mp.matrix(np.asarray(a, dtype=np.float64).tolist())
        n, d = a.rows, a.cols
        mu = [sum(a[i, j] for i in range(n)) / n for j in range(d)]
        c = mp.matrix(d, d)
        for j in range(d):
            for k in range(j, d):
                v = sum((a[i, j] - mu[j]) * (a[i, k] - mu[k])
                        for i in range(n)) / (n - 1)
                c[j, k] = c[k, j] = v
        return mu, c
    mu1, a = mstats(x)
    mu2, b = mstats(y)
    d = len(mu1)
    e, q = mp.eigsy(a)
    r = mp.zeros(d, d)
    for i in range(d):
        r[i, i] = mp.sqrt(max(e[i], 0))
    h = q * r * q.T
    m = h * b * h
    m = (m + m.T) / 2
    tr = sum(mp.sqrt(max(v, 0)) for v in mp.eigsy(m, eigvals_only=True))
    val = (sum((u - v) ** 2 for u, v in zip(mu1, mu2))
           + sum(a[i, i] for i in range(d)) + sum(b[i, i] for i in range(d))
           - 2 * tr)
    return float(val)


def fid_bootstrap_ref(x, y, b, seed):
    g = EvaldRng(seed)
    vals = []
    for _ in range(b):
        ix = [g.below(len(x)) for _ in range(len(x))]
        iy = [g.below(len(y)) for _ in range(len(y))]
        vals.append(calculate_frechet_distance(*stats(x[ix]),
                                               *stats(y[iy])))
    vals = np.array(vals)
    return vals


def fid_bootstrap_expect(x, y, b, seed):
    """What evald answers: ci95 is the replicates' percentile interval
    recentred on the value (moved by value - their median), lower end
    clipped at 0; ci95_percentile the plain one."""
    vals = fid_bootstrap_ref(x, y, b, seed)
    v = float(calculate_frechet_distance(*stats(x), *stats(y)))
    lo, med, hi = (float(q) for q in np.percentile(vals, [2.5, 50, 97.5]))
    ci = [max(0.0, v - (med - lo)), v + (hi - med)]
    assert ci[0] <= v <= ci[1]
    return v, {"value": v, "ci95": ci, "ci_method": "recentred_percentile",
               "ci95_percentile": [lo, hi], "bootstrap_median": med,
               "std": float(np.std(vals))}


def kid_subsets(n, m, size, subsets, seed):
    """The row indices evald's KID draws: per subset, a partial
    Fisher-Yates shuffle of a persistent permutation of x, then of y."""
    g = EvaldRng(seed)
    k = min(size, n, m)
    px, py = list(range(n)), list(range(m))
    out = []
    for _ in range(subsets):
        for perm, cnt in ((px, n), (py, m)):
            for i in range(k):
                j = i + g.below(cnt - i)
                perm[i], perm[j] = perm[j], perm[i]
        out.append((list(px[:k]), list(py[:k])))
    return out


def mmd2_unbiased(kxx, kxy, kyy):
    """torch-fidelity's mmd2(..., mmd_est='unbiased')."""
    m = kxx.shape[0]
    kt_xx = (kxx.sum(axis=1) - np.diagonal(kxx)).sum()
    kt_yy = (kyy.sum(axis=1) - np.diagonal(kyy)).sum()
    return (kt_xx + kt_yy) / (m * (m - 1)) - 2 * kxy.sum() / (m * m)


def kid_ref(x, y, subsets=100, subset_size=1000, degree=3, gamma=None,
            coef0=1.0, seed=0):
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    gm = 1.0 / x.shape[1] if gamma is None else gamma
    vals = []
    for ix, iy in kid_subsets(len(x), len(y), subset_size, subsets, seed):
        a, b = x[ix], y[iy]

        def k(u, v):
            return (gm * u @ v.T + coef0) ** degree
        vals.append(mmd2_unbiased(k(a, a), k(a, b), k(b, b)))
    return float(np.mean(vals)), float(np.std(vals)), vals


def clean_fid_kid(x, y, draws):
    """clean-fid's kernel_distance on the same subsets (its defaults:
    degree 3, gamma 1/d, coef0 1)."""
    n = x.shape[1]
    t = 0
    for ix, iy in draws:
        a, b = y[iy], x[ix]
        m = len(ix)
        aa = (a @ a.T / n + 1) ** 3 + (b @ b.T / n + 1) ** 3
        bb = (a @ b.T / n + 1) ** 3
        t += (aa.sum() - np.diag(aa).sum()) / (m - 1) - bb.sum() * 2 / m
    return t / len(draws) / m


def inception_score_ref(p, splits):
    p = np.asarray(p, dtype=np.float64)
    n = p.shape[0]
    scores = []
    for i in range(splits):
        part = p[(i * n // splits):((i + 1) * n // splits), :]
        py = np.expand_dims(np.mean(part, 0), 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            kl = part * (np.log(part) - np.log(py))
        kl = np.where(part > 0, kl, 0.0)      # 0·log 0 = 0
        kl = np.mean(np.sum(kl, 1))
        scores.append(np.exp(kl))
    return float(np.mean(scores)), float(np.std(scores))


def softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)

# -------------------------------------------------------------------- FID


def enc(a, how):
    """Encode a matrix as nested lists ("nested") or packed dtype."""
    if how == "nested":
        return np.asarray(a).tolist()
    return cg.packed(np.asarray(a).astype(how))


def fid_case(name, x, y, xin=None, yin=None, n_x=None, n_y=None,
             rtol=1e-9, atol=1e-12, exact_twin=False, clean=True,
             params=None):
    """x, y: float64 embeddings (or (mu, sigma) tuples); xin/yin: what
    is sent."""
    sx = stats(x) if not isinstance(x, tuple) else x
    sy = stats(y) if not isinstance(y, tuple) else y
    v = float(calculate_frechet_distance(*sx, *sy))
    diff = sx[0] - sy[0]
    mt = float(diff.dot(diff))
    d = len(np.atleast_1d(sx[0]))
    exp = {"metric": "fid", "value": v, "mean_term": mt,
           "trace_term": v - mt, "d": d}
    if n_x is not None or not isinstance(x, tuple):
        exp["n_x"] = n_x if n_x is not None else len(x)
    if n_y is not None or not isinstance(y, tuple):
        exp["n_y"] = n_y if n_y is not None else len(y)
    if clean:
        exp["warnings"] = []
    body = {"inputs": {"x": xin, "y": yin}}
    if params:
        body["params"] = params
    # trace_term is a difference of traces: compare it on the scale of
    # the traces, not relative to its own (possibly tiny) size.
    scale = float(np.trace(np.atleast_2d(sx[1])) +
                  np.trace(np.atleast_2d(sy[1])))
    cg.case("metrics", "gen.fid." + name, FID, body, expect=exp, rtol=rtol,
            atol=max(atol, rtol * scale))
    if exact_twin:
        e = fid_exact(x, y)
        assert abs(e - v) <= 1e-7 * abs(e), (name, e, v)
        cg.case("metrics", "gen.fid." + name + "_exact", FID, body,
                expect={"value": e}, rtol=1e-12, atol=1e-14 * scale)


x = rng.normal(size=(50, 8))
y = rng.normal(size=(40, 8)) * 1.5 + 0.3
fid_case("unequal_sizes_nested", x, y, enc(x, "nested"), enc(y, "nested"))
fid_case("x_packed_f64", x, y, enc(x, "float64"), enc(y, "nested"))
xf = (rng.normal(size=(120, 16)) * 2).astype(np.float32)
yf = (rng.normal(size=(100, 16)) + 0.5).astype(np.float32)
fid_case("packed_float32", xf.astype(np.float64), yf.astype(np.float64),
         enc(xf, "float32"), enc(yf, "float32"))
fid_case("same_set", x, x, enc(x, "nested"), enc(x, "nested"), atol=1e-12)
xo = rng.normal(size=(60, 6)) * 0.01 + 1e4
yo = rng.normal(size=(70, 6)) * 0.02 + 1e4 + 0.001
fid_case("large_offset_small_spread", xo, yo, enc(xo, "float64"),
         enc(yo, "float64"), rtol=1e-7)
xs = rng.normal(size=(30, 5)) * 1e-5
ys = rng.normal(size=(30, 5)) * 2e-5
fid_case("tiny_scale", xs, ys, enc(xs, "nested"), enc(ys, "nested"),
         atol=0)
x1 = rng.normal(size=(10, 1))
y1 = rng.normal(size=(7, 1)) * 3 - 1
fid_case("d1", x1, y1, enc(x1, "nested"), enc(y1, "nested"))
xi = rng.integers(0, 255, size=(40, 4))
yi = rng.integers(0, 255, size=(30, 4))
fid_case("uint8_packed", xi.astype(float), yi.astype(float),
         enc(xi, "uint8"), enc(yi, "uint8"), rtol=1e-8)

# {mu, sigma} inputs (with and without n), and mixed with embeddings.
mx, sgx = stats(x)
my, sgy = stats(y)
fid_case("stats_both_with_n", (mx, sgx), (my, sgy),
         {"mu": mx.tolist(), "sigma": sgx.tolist(), "n": 50},
         {"mu": cg.packed(my), "sigma": cg.packed(sgy), "n": 40},
         n_x=50, n_y=40)
cg.case("metrics", "gen.fid.stats_without_n", FID,
        {"inputs": {"x": {"mu": mx.tolist(), "sigma": sgx.tolist()},
                    "y": {"mu": my.tolist(), "sigma": sgy.tolist()}}},
        expect={"value": float(calculate_frechet_distance(mx, sgx, my,
                                                          sgy)),
                "n_x": None, "n_y": None, "d": 8})
fid_case("mixed_embeddings_and_stats", x, (my, sgy), enc(x, "nested"),
         {"mu": my.tolist(), "sigma": sgy.tolist(), "n": 40}, n_y=40)
fid_case("mixed_stats_and_embeddings", (mx, sgx), y,
         {"mu": mx.tolist(), "sigma": sgx.tolist()}, enc(y, "float64"))
# A sigma that is symmetric only to float32 rounding is accepted; the
# reference is computed on its symmetric part, as evald uses it.
sg32 = sgx.astype(np.float32).astype(np.float64)
sg32_sent = sg32.copy()
sg32_sent[0, 1] *= 1 + 5e-8
fid_case("sigma_symmetric_to_float32", (mx, (sg32_sent + sg32_sent.T) / 2),
         (my, sgy), {"mu": mx.tolist(), "sigma": sg32_sent.tolist()},
         {"mu": my.tolist(), "sigma": sgy.tolist()})

# Singular covariances: pytorch-fid's sqrtm is accurate to ~1e-8 there.
xn = rng.normal(size=(6, 10))
yn = rng.normal(size=(8, 10)) + 0.2
fid_case("n_less_than_d", xn, yn, enc(xn, "nested"), enc(yn, "nested"),
         rtol=1e-7, exact_twin=True, clean=False)
xd = np.repeat(rng.normal(size=(3, 5)), 4, axis=0)
yd = rng.normal(size=(20, 5))
fid_case("duplicated_rows_x", xd, yd, enc(xd, "nested"), enc(yd, "nested"),
         rtol=1e-7, exact_twin=True, clean=False)
yd2 = np.repeat(rng.normal(size=(4, 5)), 2, axis=0)
yd2 = yd2.astype(np.float32).astype(np.float64)   # sent as float32
fid_case("duplicated_rows_both", xd, yd2, enc(xd, "float64"),
         enc(yd2, "float32"), rtol=1e-7, exact_twin=True, clean=False)
xc = np.c_[rng.normal(size=(30, 4)), np.ones(30)]
yc = np.c_[rng.normal(size=(25, 4)), np.full(25, 2.0)]
fid_case("constant_feature", xc, yc, enc(xc, "nested"), enc(yc, "nested"),
         rtol=1e-7, exact_twin=True, clean=False)
xz = np.ones((4, 3))
fid_case("zero_covariance", xz, yd[:, :3], enc(xz, "nested"),
         enc(yd[:, :3], "nested"), rtol=1e-7, exact_twin=True, clean=False)
# Two rows in 3 dims on both sides: rank 1 each.
x2 = rng.normal(size=(2, 3))
y2 = rng.normal(size=(2, 3))
fid_case("two_rows_each", x2, y2, enc(x2, "nested"), enc(y2, "nested"),
         rtol=1e-7, exact_twin=True, clean=False)

# Bootstrap: replay evald's generator to get the very same resamples.
xb = rng.normal(size=(40, 4))
yb = rng.normal(size=(35, 4)) * 1.2 + 0.1
for b, seed in [(25, 3), (8, 0)]:
    v, exp = fid_bootstrap_expect(xb, yb, b, seed)
    params = {"bootstrap": b} if seed == 0 else {"bootstrap": b,
                                                 "seed": seed}
    cg.case("metrics", "gen.fid.bootstrap_b%d_seed%d" % (b, seed), FID,
            {"inputs": {"x": xb.tolist(), "y": cg.packed(yb)},
             "params": params},
            expect=dict(exp, params={"bootstrap": b, "seed": seed}),
            rtol=1e-8, atol=1e-12)
# Few samples for their dimension: FID's upward bias is large, resamples
# (~63% distinct rows) are more biased still, and the plain percentile
# interval lies wholly above the value.  ci95 must still contain it.
small = np.random.default_rng(11)  # its own: the cases after keep theirs
xs = small.normal(size=(30, 8))
ys = small.normal(size=(30, 8))
v, exp = fid_bootstrap_expect(xs, ys, 40, 5)
assert exp["ci95_percentile"][0] > v, "the case must show the old flaw"
cg.case("metrics", "gen.fid.bootstrap_small_n_contains_value", FID,
        {"inputs": {"x": xs.tolist(), "y": ys.tolist()},
         "params": {"bootstrap": 40, "seed": 5}},
        expect=exp, rtol=1e-8, atol=1e-12)
cg.case("metrics", "gen.fid.defaults_echoed", FID,
        {"inputs": {"x": x.tolist(), "y": y.tolist()}},
        expect={"params": {"bootstrap": 0, "seed": 0}})

# -------------------------------------------------------------------- KID


def kid_case(name, x, y, xin, yin, rtol=1e-9, atol=1e-13, **params):
    v, sd, vals = kid_ref(x, y, **params)
    k = min(params.get("subset_size", 1000), len(x), len(y))
    d = np.asarray(x).shape[1]
    g = params.get("gamma")
    exp = {"metric": "kid", "value": v, "std": sd, "subset_size": k,
           "gamma": 1.0 / d if g is None else g}
    # MMD² is a difference of kernel means: compare on their scale.
    cg.case("metrics", "gen.kid." + name, KID,
            {"inputs": {"x": xin, "y": yin}, "params": params},
            expect=exp, rtol=rtol, atol=atol)
    return v, vals


xk = rng.normal(size=(12, 4))
yk = rng.normal(size=(12, 4)) + 0.3
# The whole set as the only subset: permutation-invariant, so exact.
whole = mmd2_unbiased(*[(u @ w.T / 4 + 1) ** 3 for u, w in
                        ((xk, xk), (xk, yk), (yk, yk))])
v, _ = kid_case("whole_set_one_subset", xk, yk, xk.tolist(), yk.tolist(),
                subsets=1, subset_size=12)
assert abs(v - whole) < 1e-12 * abs(whole)
kid_case("whole_set_five_subsets", xk, yk, xk.tolist(), yk.tolist(),
         subsets=5, subset_size=12, seed=9)
xk2 = rng.normal(size=(30, 6))
yk2 = rng.normal(size=(25, 6)) * 1.3
v, vals = kid_case("random_subsets", xk2, yk2, xk2.tolist(),
                   cg.packed(yk2), subsets=7, subset_size=10, seed=11)
cf = clean_fid_kid(xk2, yk2, kid_subsets(30, 25, 10, 7, 11))
assert abs(cf - v) < 1e-12 * max(1.0, abs(v)), (cf, v)
kid_case("capped_subset_size", xk2, yk2, xk2.tolist(), yk2.tolist(),
         subsets=4, seed=2)
kid_case("degree2_gamma_coef0", xk2, yk2, xk2.tolist(), yk2.tolist(),
         subsets=3, subset_size=8, degree=2, gamma=0.5, coef0=0.0,
         seed=5)
kid_case("linear_kernel", xk2, yk2, xk2.tolist(), yk2.tolist(),
         subsets=3, subset_size=20, degree=1, gamma=1.0, coef0=0.0)
xk3 = rng.normal(size=(20, 8)).astype(np.float32)
yk3 = (rng.normal(size=(16, 8)) + 1).astype(np.float32)
kid_case("packed_float32", xk3.astype(np.float64), yk3.astype(np.float64),
         cg.packed(xk3), cg.packed(yk3), subsets=6, subset_size=16, seed=4)
kid_case("identical_sets", xk2, xk2, xk2.tolist(), xk2.tolist(),
         subsets=3, subset_size=30, seed=3)
kid_case("two_rows", xk[:2], yk[:3], xk[:2].tolist(), yk[:3].tolist(),
         subsets=4, subset_size=2, seed=8)
kid_case("defaults", xk2[:10], yk2[:9], xk2[:10].tolist(),
         yk2[:9].tolist())
cg.case("metrics", "gen.kid.defaults_echoed", KID,
        {"inputs": {"x": xk.tolist(), "y": yk.tolist()},
         "params": {"subsets": 2}},
        expect={"params": {"subsets": 2, "subset_size": 1000, "degree": 3,
                           "gamma": None, "coef0": 1, "seed": 0},
                "subset_size": 12, "gamma": 0.25})

# -------------------------------------------------------- Inception Score


def is_case(name, p, pin, splits=None, rtol=1e-12):
    s = 10 if splits is None else splits
    v, sd = inception_score_ref(p, s)
    body = {"inputs": {"probs": pin}}
    if splits is not None:
        body["params"] = {"splits": splits}
    cg.case("metrics", "gen.inception_score." + name, IS, body,
            expect={"metric": "inception_score", "value": v, "std": sd,
                    "params": {"splits": s}},
            rtol=rtol, atol=1e-14)


p = softmax(rng.normal(size=(20, 6)) * 2)
is_case("one_split", p, p.tolist(), splits=1)
is_case("three_splits_uneven", p, p.tolist(), splits=3)
is_case("splits_equal_n", p, cg.packed(p), splits=20)
p30 = softmax(rng.normal(size=(30, 5)) * 3)
is_case("default_splits", p30, p30.tolist())
onehot = np.eye(6)[rng.integers(0, 4, size=12)]   # classes 4, 5 unused
is_case("one_hot_zeros", onehot, onehot.tolist(), splits=2)
ext = softmax(rng.choice([-1e4, 0.0, 1e4], size=(9, 4)))
is_case("extreme_logits", ext, ext.tolist(), splits=3)
p32 = softmax(rng.normal(size=(25, 7))).astype(np.float32)
is_case("packed_float32", p32.astype(np.float64), cg.packed(p32), splits=4)
uni = np.full((8, 4), 0.25)
is_case("uniform_rows", uni, uni.tolist(), splits=2)
mixz = p[:10].copy()
mixz[:, 0] = 0.0
mixz /= mixz.sum(axis=1, keepdims=True)
is_case("zero_column", mixz, mixz.tolist(), splits=2)
is_case("single_row", p[:1], p[:1].tolist(), splits=1)

# ---------------------------------------------------------------- invalid


def bad(name, route, body, code, path, status=422):
    cg.case("invalid", "gen." + name, route, body, status=status,
            expect={"error": {"code": code, "path": path}})


sym = [[2.0, 0.5], [0.5, 1.0]]
bad("fid.dimension_mismatch", FID,
    {"inputs": {"x": rng.normal(size=(5, 3)).tolist(),
                "y": rng.normal(size=(5, 4)).tolist()}},
    "shape_mismatch", "/inputs/y")
bad("fid.stats_dimension_mismatch", FID,
    {"inputs": {"x": {"mu": [0, 0], "sigma": sym},
                "y": {"mu": [0, 0, 0], "sigma": np.eye(3).tolist()}}},
    "shape_mismatch", "/inputs/y")
bad("fid.embeddings_vs_stats_dimension_mismatch", FID,
    {"inputs": {"x": rng.normal(size=(5, 3)).tolist(),
                "y": {"mu": [0, 0], "sigma": sym}}},
    "shape_mismatch", "/inputs/y")
bad("fid.asymmetric_sigma", FID,
    {"inputs": {"x": {"mu": [0, 0], "sigma": [[2.0, 0.5], [0.4, 1.0]]},
                "y": {"mu": [0, 0], "sigma": sym}}},
    "invalid_value", "/inputs/x/sigma")
bad("fid.negative_variance", FID,
    {"inputs": {"x": {"mu": [0, 0], "sigma": sym},
                "y": {"mu": [0, 0], "sigma": [[-1.0, 0], [0, 1.0]]}}},
    "invalid_value", "/inputs/y/sigma")
bad("fid.sigma_not_square", FID,
    {"inputs": {"x": {"mu": [0, 0], "sigma": sym},
                "y": {"mu": [0, 0], "sigma": [[1.0, 0, 0], [0, 1.0, 0]]}}},
    "shape_mismatch", "/inputs/y/sigma")
bad("fid.sigma_does_not_match_mu", FID,
    {"inputs": {"x": {"mu": [0, 0, 0], "sigma": sym},
                "y": {"mu": [0, 0], "sigma": sym}}},
    "shape_mismatch", "/inputs/x/sigma")
bad("fid.mu_not_vector", FID,
    {"inputs": {"x": {"mu": [[0, 0]], "sigma": sym},
                "y": {"mu": [0, 0], "sigma": sym}}},
    "shape_mismatch", "/inputs/x/mu")
bad("fid.one_sample", FID,
    {"inputs": {"x": [[1.0, 2.0, 3.0]],
                "y": rng.normal(size=(4, 3)).tolist()}},
    "empty_input", "/inputs/x")
bad("fid.one_sample_y_packed", FID,
    {"inputs": {"x": rng.normal(size=(4, 3)).tolist(),
                "y": cg.packed(np.ones((1, 3)))}},
    "empty_input", "/inputs/y")
bad("fid.embeddings_1d", FID,
    {"inputs": {"x": [1.0, 2.0, 3.0], "y": [[1.0], [2.0]]}},
    "shape_mismatch", "/inputs/x")
bad("fid.bootstrap_with_stats", FID,
    {"inputs": {"x": rng.normal(size=(5, 2)).tolist(),
                "y": {"mu": [0, 0], "sigma": sym}},
     "params": {"bootstrap": 10}},
    "invalid_value", "/params/bootstrap")
bad("fid.bootstrap_negative", FID,
    {"inputs": {"x": [[0.0], [1.0]], "y": [[0.0], [2.0]]},
     "params": {"bootstrap": -1}}, "out_of_range", "/params/bootstrap")
bad("fid.missing_sigma", FID,
    {"inputs": {"x": {"mu": [0, 0]}, "y": {"mu": [0, 0], "sigma": sym}}},
    "missing_input", "/inputs/x")
bad("fid.missing_y", FID, {"inputs": {"x": [[0.0], [1.0]]}},
    "missing_input", "/inputs/y")
bad("kid.one_row", KID,
    {"inputs": {"x": [[1.0, 2.0]], "y": [[1.0, 2.0], [0.0, 1.0]]}},
    "empty_input", "/inputs/x")
bad("kid.dimension_mismatch", KID,
    {"inputs": {"x": rng.normal(size=(4, 3)).tolist(),
                "y": rng.normal(size=(4, 2)).tolist()}},
    "shape_mismatch", "/inputs/y")
bad("kid.embeddings_1d", KID,
    {"inputs": {"x": [1.0, 2.0], "y": [[1.0], [2.0]]}},
    "shape_mismatch", "/inputs/x")
bad("kid.subset_size_one", KID,
    {"inputs": {"x": [[0.0], [1.0]], "y": [[0.0], [2.0]]},
     "params": {"subset_size": 1}}, "out_of_range", "/params/subset_size")
bad("kid.degree_zero", KID,
    {"inputs": {"x": [[0.0], [1.0]], "y": [[0.0], [2.0]]},
     "params": {"degree": 0}}, "out_of_range", "/params/degree")
bad("kid.gamma_zero", KID,
    {"inputs": {"x": [[0.0], [1.0]], "y": [[0.0], [2.0]]},
     "params": {"gamma": 0}}, "out_of_range", "/params/gamma")
# A negative offset makes the polynomial kernel indefinite (torchmetrics
# refuses it too).
bad("kid.negative_coef0", KID,
    {"inputs": {"x": [[0.0], [1.0]], "y": [[0.0], [2.0]]},
     "params": {"coef0": -0.5}}, "out_of_range", "/params/coef0")
bad("kid.subsets_zero", KID,
    {"inputs": {"x": [[0.0], [1.0]], "y": [[0.0], [2.0]]},
     "params": {"subsets": 0}}, "out_of_range", "/params/subsets")
bad("kid.stats_not_accepted", KID,
    {"inputs": {"x": {"mu": [0, 0], "sigma": sym},
                "y": [[0.0, 1.0], [2.0, 3.0]]}},
    "wrong_type", "/inputs/x", status=400)
bad("inception_score.row_sum", IS,
    {"inputs": {"probs": [[0.5, 0.5], [0.6, 0.3]]}},
    "invalid_value", "/inputs/probs")
bad("inception_score.negative", IS,
    {"inputs": {"probs": [[1.5, -0.5], [0.5, 0.5]]}},
    "out_of_range", "/inputs/probs")
bad("inception_score.splits_over_n", IS,
    {"inputs": {"probs": [[0.5, 0.5], [0.2, 0.8]]},
     "params": {"splits": 3}}, "invalid_value", "/params/splits")
bad("inception_score.splits_zero", IS,
    {"inputs": {"probs": [[0.5, 0.5]]}, "params": {"splits": 0}},
    "out_of_range", "/params/splits")
bad("inception_score.probs_1d", IS,
    {"inputs": {"probs": [0.5, 0.5]}}, "shape_mismatch", "/inputs/probs")
bad("inception_score.probs_3d", IS,
    {"inputs": {"probs": [[[0.5, 0.5]]]}}, "shape_mismatch",
    "/inputs/probs")
bad("inception_score.empty", IS,
    {"inputs": {"probs": {"dtype": "float32", "shape": [0, 4],
                          "data": ""}}},
    "empty_input", "/inputs/probs")

cg.done()
