#!/usr/bin/python3
"""gen_gen2 - cases for the generative family's set metrics: prdc,
fid_inf, mifid, mmd and vendi (case prefix "gen2.").

Each reference is the anchor's algorithm written out in NumPy/SciPy here
(none of the anchors is packaged on this machine):
- prdc: the `prdc` package's compute_prdc (Naeem et al. 2020, clovaai),
  line by line: sklearn pairwise_distances, argpartition for the
  (k+1)-th smallest, strict "<" against the radii.
- fid_inf: calculate_FID_infinity of Chong & Forsyth's FID_IS_infinity
  (score_infinity.py): the schedule np.linspace(lo, N, points) as int32,
  FID of a random subset per size, sklearn's LinearRegression in 1/n,
  predict(0).  The subsets are evald's (its seeded generator replayed
  here, as gen_gen.py replays KID's); FID is pytorch-fid's formula.
- mifid: torchmetrics 1.x image/mifid.py (_compute_cosine_distance,
  _mifid_compute) in NumPy; torchmetrics is not installed.
- mmd: the U- and V-statistic MMD² with exp(-|a-b|²/(2σ²)) on exact
  differences; CMMD's distance.py (google-research/cmmd: σ = 10,
  gamma = 1/(2σ²), the biased means, scale 1000) written out as given; the
  permutation p-value as alibi-detect's MMDDrift computes it
  ((stat <= permuted).mean(), the observed one not counted), on evald's
  permutations replayed here.
- vendi: the vendi_score package's score_K / entropy_q (eigvalsh of K/n
  over the full n x n matrix, so evald's d x d fast path is checked
  against the n x n route).
Run with Debian's python3: /usr/bin/python3 tests/gen/gen_gen2.py
"""
import numpy as np
from scipy import linalg
from scipy.spatial.distance import pdist
from sklearn.linear_model import LinearRegression
from sklearn.metrics import pairwise_distances

import casegen as cg
from evald_rng import EvaldRng

cg.reset("metrics", "gen2.")
cg.reset("invalid", "gen2.")
rng = np.random.default_rng(14014)

PRDC = "/v1/metrics/prdc"
FIDINF = "/v1/metrics/fid_inf"
MIFID = "/v1/metrics/mifid"
MMD = "/v1/metrics/mmd"
VENDI = "/v1/metrics/vendi"

def bad(name, route, body, code, path, status=422):
    cg.case("invalid", "gen2." + name, route, body, status=status,
            expect={"error": {"code": code, "path": path}})

# ------------------------------------------------------------------ prdc


def compute_pairwise_distance(data_x, data_y=None):
    if data_y is None:
        data_y = data_x
    return pairwise_distances(data_x, data_y, metric="euclidean")


def get_kth_value(unsorted, k, axis=-1):
    indices = np.argpartition(unsorted, k, axis=axis)[..., :k]
    k_smallests = np.take_along_axis(unsorted, indices, axis=axis)
    return k_smallests.max(axis=axis)


def compute_nearest_neighbour_distances(input_features, nearest_k):
    distances = compute_pairwise_distance(input_features)
    return get_kth_value(distances, k=nearest_k + 1, axis=-1)


def compute_prdc(real_features, fake_features, nearest_k):
    real_nnd = compute_nearest_neighbour_distances(real_features, nearest_k)
    fake_nnd = compute_nearest_neighbour_distances(fake_features, nearest_k)
    d_rf = compute_pairwise_distance(real_features, fake_features)
    precision = (d_rf < np.expand_dims(real_nnd, axis=1)).any(axis=0).mean()
    recall = (d_rf < np.expand_dims(fake_nnd, axis=0)).any(axis=1).mean()
    density = (1. / float(nearest_k)) * (
        d_rf < np.expand_dims(real_nnd, axis=1)).sum(axis=0).mean()
    coverage = (d_rf.min(axis=1) < real_nnd).mean()
    return dict(precision=precision, recall=recall, density=density,
                coverage=coverage), real_nnd, fake_nnd, d_rf


def prdc_case(name, real, fake, rin=None, fin=None, k=None, zero=False):
    kk = 5 if k is None else k
    res, rn, fn, drf = compute_prdc(real, fake, kk)
    # A strict "<" decided by rounding would make the case depend on how
    # distances are computed: every comparison must have room to spare
    # (or be exact, as with small integer coordinates).
    for dist, rad in ((drf, rn[:, None]), (drf, fn[None, :])):
        gap = np.abs(dist - rad)
        assert (gap == 0).any() or gap.min() > 1e-9, name
    body = {"inputs": {"real": real.tolist() if rin is None else rin,
                       "fake": fake.tolist() if fin is None else fin}}
    if k is not None:
        body["params"] = {"nearest_k": k}
    exp = dict(res, metric="prdc", n_real=len(real), n_fake=len(fake),
               params={"nearest_k": kk})
    if not zero:
        exp["warnings"] = []
    cg.case("metrics", "gen2.prdc." + name, PRDC, body, expect=exp,
            rtol=1e-12, atol=0)


r1 = rng.normal(size=(40, 6))
f1 = rng.normal(size=(35, 6)) * 1.2 + 0.2
prdc_case("default_k5_unequal_sizes", r1, f1)
for k in (1, 3, 10):
    prdc_case("k%d" % k, r1, f1, k=k)
prdc_case("identical_sets", r1, r1, k=3)
prdc_case("disjoint_sets", r1, f1 + 50.0, k=3)
# Small integers: distances are exact, so duplicated rows give radii of
# exactly 0 in both computations.
ri = rng.integers(0, 4, size=(12, 2)).astype(float)
ri = np.r_[ri, ri[:5], ri[:3]]
fi = rng.integers(0, 4, size=(10, 2)).astype(float)
prdc_case("duplicates_zero_radii", ri, fi, k=1, zero=True)
prdc_case("duplicates_k2", ri, np.r_[fi, fi], k=2, zero=True)
r_d1 = rng.normal(size=(25, 1))
f_d1 = rng.normal(size=(30, 1)) + 0.5
prdc_case("d1", r_d1, f_d1, k=4)
prdc_case("tiny_sets", r1[:3], f1[:4], k=1)
r32 = rng.normal(size=(30, 5)).astype(np.float32)
f32 = (rng.normal(size=(28, 5)) * 0.8).astype(np.float32)
prdc_case("packed_float32", r32.astype(np.float64), f32.astype(np.float64),
          cg.packed(r32), cg.packed(f32), k=3)
# Past one tile of 256 rows and one of 4096 columns.
rbig = rng.normal(size=(300, 3)).astype(np.float32)
fbig = (rng.normal(size=(4200, 3)) * 1.1).astype(np.float32)
prdc_case("across_tiles", rbig.astype(np.float64), fbig.astype(np.float64),
          cg.packed(rbig), cg.packed(fbig), k=3)

bad("prdc.k_equal_n", PRDC,
    {"inputs": {"real": r1[:6].tolist(), "fake": f1.tolist()},
     "params": {"nearest_k": 6}}, "invalid_value", "/params/nearest_k")
bad("prdc.k_is_n_minus_1", PRDC,
    {"inputs": {"real": r1.tolist(), "fake": f1[:6].tolist()},
     "params": {"nearest_k": 5}}, "invalid_value", "/params/nearest_k")
bad("prdc.k_zero", PRDC,
    {"inputs": {"real": r1.tolist(), "fake": f1.tolist()},
     "params": {"nearest_k": 0}}, "out_of_range", "/params/nearest_k")
bad("prdc.dimension_mismatch", PRDC,
    {"inputs": {"real": r1.tolist(), "fake": f1[:, :5].tolist()}},
    "shape_mismatch", "/inputs/fake")
bad("prdc.one_row", PRDC,
    {"inputs": {"real": r1[:1].tolist(), "fake": f1.tolist()}},
    "empty_input", "/inputs/real")
bad("prdc.vector", PRDC,
    {"inputs": {"real": [1.0, 2.0, 3.0], "fake": f1.tolist()}},
    "shape_mismatch", "/inputs/real")

# --------------------------------------------------------------- fid_inf


def calculate_frechet_distance(mu1, sigma1, mu2, sigma2, eps=1e-6):
    """pytorch-fid 0.3.0, fid_score.calculate_frechet_distance."""
    diff = mu1 - mu2
    covmean, _ = linalg.sqrtm(sigma1.dot(sigma2), disp=False)
    if not np.isfinite(covmean).all():
        offset = np.eye(sigma1.shape[0]) * eps
        covmean = linalg.sqrtm((sigma1 + offset).dot(sigma2 + offset))
    if np.iscomplexobj(covmean):
        covmean = covmean.real
    return (diff.dot(diff) + np.trace(sigma1) + np.trace(sigma2)
            - 2 * np.trace(covmean))


def fid(a, b):
    """FID of rows a against rows b, or against b = (mu, sigma)."""
    mb, sb = b if isinstance(b, tuple) else (b.mean(0), np.cov(b,
                                                               rowvar=False))
    return float(calculate_frechet_distance(
        a.mean(0), np.atleast_2d(np.cov(a, rowvar=False)), mb,
        np.atleast_2d(sb)))


def fid_inf_ref(fake, real, sizes, seed):
    """score_infinity.calculate_FID_infinity on given activations: a
    shuffle before each size (evald's partial Fisher-Yates of one kept
    permutation, replayed), FID of the first n, LinearRegression in 1/n,
    predict at 0."""
    g = EvaldRng(seed)
    n = len(fake)
    perm = list(range(n))
    fids = []
    for s in sizes:
        for i in range(s):
            j = i + g.below(n - i)
            perm[i], perm[j] = perm[j], perm[i]
        fids.append(fid(fake[perm[:s]], real))
    fids = np.array(fids).reshape(-1, 1)
    b = np.asarray(sizes)
    pts = [[int(s), float(f)] for s, f in zip(sizes, fids[:, 0])]
    if len(set(sizes)) == 1:
        # 1/n has no spread; LinearRegression then fits the rounding
        # noise of its centring (slope ~10 here).  evald answers the
        # minimum-norm least-squares solution instead: slope 0, the mean.
        return float(np.mean(fids)), 0.0, pts
    reg = LinearRegression().fit(1 / b.reshape(-1, 1), fids)
    return float(reg.predict(np.array([[0]]))[0, 0]), float(reg.coef_[0, 0]), pts


def fid_inf_case(name, real, fake, params, sizes, warn=False, rin=None):
    v, slope, pts = fid_inf_ref(fake, real, sizes, params.get("seed", 0))
    exp = {"metric": "fid_inf", "value": v, "slope": slope, "points": pts}
    if not warn:
        exp["warnings"] = []
    cg.case("metrics", "gen2.fid_inf." + name, FIDINF,
            {"inputs": {"real": real.tolist() if rin is None else rin,
                        "fake": fake.tolist()},
             "params": params}, expect=exp, rtol=1e-8, atol=1e-10)


fr = rng.normal(size=(50, 4))
ff = rng.normal(size=(60, 4)) * 1.3 + 0.4
sched = list(np.linspace(20, 60, 5).astype("int32"))
fid_inf_case("schedule", fr, ff, {"min_size": 20, "points": 5}, sched)
sched7 = list(np.linspace(11, 60, 7).astype("int32"))   # uneven steps
assert len(set(np.diff(sched7))) > 1
fid_inf_case("schedule_truncated", fr, ff,
             {"min_size": 11, "points": 7, "seed": 5}, sched7)
fid_inf_case("sizes_given", fr, ff, {"sizes": [10, 20, 30, 45], "seed": 3},
             [10, 20, 30, 45])
fid_inf_case("sizes_packed_and_full_set", fr, ff,
             {"sizes": cg.packed(np.array([15.0, 60.0])), "seed": 1},
             [15, 60])
fid_inf_case("same_sizes", fr, ff, {"sizes": [20, 20, 20], "seed": 2},
             [20, 20, 20], warn=True)
# The real side may be statistics (or a stored reference or stream, which
# resolve to the same): FID∞ needs only its fit.
fst = (fr.mean(0), np.cov(fr, rowvar=False))
fid_inf_case("real_as_stats", fst, ff, {"sizes": [10, 20, 30, 45], "seed": 3},
             [10, 20, 30, 45],
             rin={"mu": fst[0].tolist(), "sigma": cg.packed(fst[1]),
                  "n": 50})
fid_inf_case("real_packed_f32", fr.astype(np.float32).astype(float), ff,
             {"sizes": [12, 24, 36, 48, 60], "seed": 8},
             [12, 24, 36, 48, 60], rin=cg.packed(fr.astype(np.float32)))
fr1 = rng.normal(size=(30, 1))
ff1 = rng.normal(size=(40, 1)) * 2
fid_inf_case("d1", fr1, ff1, {"sizes": [5, 10, 20, 40], "seed": 9},
             [5, 10, 20, 40])
cg.case("metrics", "gen2.fid_inf.defaults_echoed", FIDINF,
        {"inputs": {"real": fr.tolist(), "fake": ff.tolist()},
         "params": {"sizes": [30, 60]}},
        expect={"params": {"sizes": [30, 60], "min_size": 5000,
                           "points": 15, "seed": 0}})
bad("fid_inf.min_size_over_n", FIDINF,
    {"inputs": {"real": fr.tolist(), "fake": ff.tolist()}},
    "invalid_value", "/params/min_size")
bad("fid_inf.size_not_integer", FIDINF,
    {"inputs": {"real": fr.tolist(), "fake": ff.tolist()},
     "params": {"sizes": [10, 20.5]}}, "invalid_value", "/params/sizes")
bad("fid_inf.size_over_n", FIDINF,
    {"inputs": {"real": fr.tolist(), "fake": ff.tolist()},
     "params": {"sizes": [10, 61]}}, "invalid_value", "/params/sizes")
bad("fid_inf.one_size", FIDINF,
    {"inputs": {"real": fr.tolist(), "fake": ff.tolist()},
     "params": {"sizes": [10]}}, "invalid_value", "/params/sizes")
bad("fid_inf.points_one", FIDINF,
    {"inputs": {"real": fr.tolist(), "fake": ff.tolist()},
     "params": {"points": 1}}, "out_of_range", "/params/points")
bad("fid_inf.stats_dimension_mismatch", FIDINF,
    {"inputs": {"real": {"mu": [0.0, 0.0], "sigma": np.eye(2).tolist()},
                "fake": ff.tolist()},
     "params": {"sizes": [10, 20]}}, "shape_mismatch", "/inputs/real")
bad("fid_inf.fake_as_stats", FIDINF,
    {"inputs": {"real": fr.tolist(),
                "fake": {"mu": [0.0, 0.0], "sigma": np.eye(2).tolist()}},
     "params": {"sizes": [10, 20]}}, "wrong_type", "/inputs/fake",
    status=400)
bad("fid_inf.dimension_mismatch", FIDINF,
    {"inputs": {"real": fr[:, :3].tolist(), "fake": ff.tolist()},
     "params": {"sizes": [10, 20]}}, "shape_mismatch", "/inputs/real")

# ----------------------------------------------------------------- mifid


def compute_cosine_distance(features1, features2, cosine_distance_eps=0.1):
    """torchmetrics 1.x image/mifid.py, _compute_cosine_distance."""
    f1 = features1[np.sum(features1, axis=1) != 0]
    f2 = features2[np.sum(features2, axis=1) != 0]
    n1 = f1 / np.linalg.norm(f1, axis=1, keepdims=True)
    n2 = f2 / np.linalg.norm(f2, axis=1, keepdims=True)
    d = 1.0 - np.abs(n1 @ n2.T)
    mean_min_d = np.mean(d.min(axis=1))
    return mean_min_d, (mean_min_d if mean_min_d < cosine_distance_eps
                        else 1.0)


def mifid_ref(real, fake, eps=0.1):
    """_mifid_compute(mu_real, cov_real, real, mu_fake, cov_fake, fake)."""
    fid_value = fid(real, fake)
    raw, distance = compute_cosine_distance(real, fake, eps)
    value = fid_value / (distance + 10e-15) if fid_value > 1e-8 else 0.0
    return value, fid_value, raw, distance


def mifid_case(name, real, fake, eps=None, warn=False, rtol=1e-9, atol=0):
    params = {} if eps is None else {"cosine_distance_eps": eps}
    v, f, raw, pen = mifid_ref(real, fake, 0.1 if eps is None else eps)
    exp = {"metric": "mifid", "value": v, "fid": f, "distance": raw,
           "penalty": pen}
    if not warn:
        exp["warnings"] = []
    cg.case("metrics", "gen2.mifid." + name, MIFID,
            {"inputs": {"real": real.tolist(), "fake": fake.tolist()},
             "params": params}, expect=exp, rtol=rtol, atol=atol)


mr = rng.normal(size=(40, 5)) + 1.0
mf = rng.normal(size=(45, 5)) * 1.2 + 1.3
mifid_case("no_memorisation", mr, mf)
assert compute_cosine_distance(mr, mf)[0] < 0.5
mifid_case("eps_half", mr, mf, eps=0.5)
mm = mr[rng.integers(0, 40, size=30)] + rng.normal(size=(30, 5)) * 0.05
mifid_case("memorised_copies", mr, mm)
assert compute_cosine_distance(mr, mm)[0] < 0.1
mz = mr.copy()
mz[3] = [1.0, -1.0, 2.0, -2.0, 0.0]   # sums to 0: left out
mz[7] = 0.0
mifid_case("zero_sum_rows_dropped", mz, mf, warn=True)
mifid_case("identical_sets_zero", mr, mr, warn=True, atol=1e-9)
bad("mifid.eps_zero", MIFID,
    {"inputs": {"real": mr.tolist(), "fake": mf.tolist()},
     "params": {"cosine_distance_eps": 0}}, "out_of_range",
    "/params/cosine_distance_eps")
bad("mifid.eps_over_one", MIFID,
    {"inputs": {"real": mr.tolist(), "fake": mf.tolist()},
     "params": {"cosine_distance_eps": 1.5}}, "out_of_range",
    "/params/cosine_distance_eps")
zs = rng.normal(size=(6, 2))
zs[:, 1] = -zs[:, 0]
bad("mifid.all_rows_sum_zero", MIFID,
    {"inputs": {"real": zs.tolist(), "fake": mf[:, :2].tolist()}},
    "empty_input", "/inputs/real")
bad("mifid.one_row", MIFID,
    {"inputs": {"real": mr.tolist(), "fake": mf[:1].tolist()}},
    "empty_input", "/inputs/fake")

# ------------------------------------------------------------------- mmd


def sqdist(a, b):
    return ((a[:, None, :] - b[None, :, :]) ** 2).sum(-1)


def mmd2(x, y, sigma, biased):
    g = 1.0 / (2.0 * sigma ** 2)
    kxx, kyy, kxy = (np.exp(-g * sqdist(u, v))
                     for u, v in ((x, x), (y, y), (x, y)))
    n, m = len(x), len(y)
    if biased:
        return kxx.mean() + kyy.mean() - 2 * kxy.mean()
    return ((kxx.sum() - np.trace(kxx)) / (n * (n - 1))
            + (kyy.sum() - np.trace(kyy)) / (m * (m - 1))
            - 2 * kxy.mean())


def cmmd_mmd(x, y):
    """google-research/cmmd distance.py, mmd(), in numpy."""
    sigma, scale = 10, 1000
    x_sqnorms = np.diag(np.matmul(x, x.T))
    y_sqnorms = np.diag(np.matmul(y, y.T))
    gamma = 1 / (2 * sigma ** 2)
    k_xx = np.mean(np.exp(-gamma * (-2 * np.matmul(x, x.T) + np.expand_dims(
        x_sqnorms, 1) + np.expand_dims(x_sqnorms, 0))))
    k_xy = np.mean(np.exp(-gamma * (-2 * np.matmul(x, y.T) + np.expand_dims(
        x_sqnorms, 1) + np.expand_dims(y_sqnorms, 0))))
    k_yy = np.mean(np.exp(-gamma * (-2 * np.matmul(y, y.T) + np.expand_dims(
        y_sqnorms, 1) + np.expand_dims(y_sqnorms, 0))))
    return scale * (k_xx + k_yy - 2 * k_xy)


def median_sigma(x, y):
    """The median distance between distinct rows of x and y pooled."""
    return float(np.median(pdist(np.r_[x, y])))


def permutation_p(x, y, sigma, biased, perms, seed, scale=1.0):
    """alibi-detect MMDDrift.score: p = (stat <= permuted).mean(), the
    permutations being evald's (Fisher-Yates of 0..n+m-1, first n = x)."""
    z = np.r_[x, y]
    n, p = len(x), len(x) + len(y)
    obs = scale * mmd2(x, y, sigma, biased)
    g = EvaldRng(seed)
    exceed = 0
    for _ in range(perms):
        idx = list(range(p))
        for i in range(p):
            j = i + g.below(p - i)
            idx[i], idx[j] = idx[j], idx[i]
        xs = sorted(idx[:n])
        same = xs == list(range(n)) or (
            len(y) == n and xs == list(range(n, p)))
        if same:   # the observed labelling: equal, so counted
            exceed += 1
            continue
        st = scale * mmd2(z[xs], z[sorted(idx[n:])], sigma, biased)
        assert abs(st - obs) > 1e-9 * max(1.0, abs(obs)), "near tie"
        exceed += st >= obs
    return exceed / perms, exceed


def mmd_case(name, x, y, params, sigma=None, biased=False, perms=0,
             seed=0, scale=1.0, value=None, xin=None, yin=None):
    s = median_sigma(x, y) if sigma is None else sigma
    v = scale * mmd2(x, y, s, biased) if value is None else value
    exp = {"metric": "mmd", "value": v, "bandwidth": s,
           "estimator": "biased" if biased else "unbiased", "scale": scale}
    if perms:
        pv, ex = permutation_p(x, y, s, biased, perms, seed, scale)
        exp.update(p_value=pv, exceed=ex)
    cg.case("metrics", "gen2.mmd." + name, MMD,
            {"inputs": {"x": x.tolist() if xin is None else xin,
                        "y": y.tolist() if yin is None else yin},
             "params": params}, expect=exp, rtol=1e-9, atol=1e-12 * scale)


ax = rng.normal(size=(30, 5))
ay = rng.normal(size=(25, 5)) * 1.1 + 0.3
mmd_case("median_unbiased", ax, ay, {})
mmd_case("median_biased", ax, ay, {"estimator": "biased"}, biased=True)
mmd_case("bandwidth_unbiased", ax, ay, {"bandwidth": 1.5}, sigma=1.5)
mmd_case("bandwidth_biased", ax, ay, {"bandwidth": 0.7,
                                      "estimator": "biased"},
         sigma=0.7, biased=True)
# CMMD on CLIP-like embeddings: unit rows in 32 dims.
cx = rng.normal(size=(20, 32))
cx /= np.linalg.norm(cx, axis=1, keepdims=True)
cy = rng.normal(size=(24, 32)) + 0.2
cy /= np.linalg.norm(cy, axis=1, keepdims=True)
cv = cmmd_mmd(cx, cy)
assert abs(cv - 1000 * mmd2(cx, cy, 10.0, True)) < 1e-9 * abs(cv)
mmd_case("cmmd_preset", cx, cy, {"preset": "cmmd"}, sigma=10.0,
         biased=True, scale=1000.0, value=cv)
mmd_case("cmmd_preset_packed_f32", cx.astype(np.float32).astype(float),
         cy.astype(np.float32).astype(float), {"preset": "cmmd"},
         sigma=10.0, biased=True, scale=1000.0,
         xin=cg.packed(cx.astype(np.float32)),
         yin=cg.packed(cy.astype(np.float32)))
mmd_case("identical_sets_biased_zero", ax, ax, {"estimator": "biased",
                                               "bandwidth": 2.0},
         sigma=2.0, biased=True)
mmd_case("identical_sets_unbiased", ax, ax, {"bandwidth": 2.0}, sigma=2.0)
mmd_case("d1", ax[:, :1], ay[:, :1] * 3, {})
mmd_case("permutations_shifted", ax, ay + 0.5, {"permutations": 60,
                                                "seed": 4},
         perms=60, seed=4)
same = rng.normal(size=(22, 5))
mmd_case("permutations_same_distribution", ax[:20], same,
         {"permutations": 80, "seed": 7, "estimator": "biased"},
         biased=True, perms=80, seed=7)
# Two rows each: 3 of the 6 labellings are the observed one (or its
# mirror), so ties with the observed statistic must count exactly.
mmd_case("permutations_tiny_ties", ax[:2], ay[:2],
         {"permutations": 40, "bandwidth": 1.0}, sigma=1.0, perms=40)
mmd_case("cmmd_permutations", cx, cy, {"preset": "cmmd",
                                       "permutations": 30, "seed": 1},
         sigma=10.0, biased=True, scale=1000.0, perms=30, seed=1)
cg.case("metrics", "gen2.mmd.defaults_echoed", MMD,
        {"inputs": {"x": ax.tolist(), "y": ay.tolist()}},
        expect={"params": {"bandwidth": None, "estimator": "unbiased",
                           "preset": "none", "permutations": 0,
                           "seed": 0}})
dup = np.r_[np.zeros((5, 2)), np.ones((1, 2))]
bad("mmd.median_zero", MMD,
    {"inputs": {"x": dup.tolist(), "y": np.zeros((4, 2)).tolist()}},
    "invalid_value", "/params/bandwidth")
bad("mmd.bandwidth_zero", MMD,
    {"inputs": {"x": ax.tolist(), "y": ay.tolist()},
     "params": {"bandwidth": 0}}, "out_of_range", "/params/bandwidth")
bad("mmd.permutations_negative", MMD,
    {"inputs": {"x": ax.tolist(), "y": ay.tolist()},
     "params": {"permutations": -1}}, "out_of_range",
    "/params/permutations")
bad("mmd.estimator_unknown", MMD,
    {"inputs": {"x": ax.tolist(), "y": ay.tolist()},
     "params": {"estimator": "linear"}}, "invalid_value",
    "/params/estimator")
bad("mmd.one_row", MMD,
    {"inputs": {"x": ax[:1].tolist(), "y": ay.tolist()}},
    "empty_input", "/inputs/x")
bad("mmd.dimension_mismatch", MMD,
    {"inputs": {"x": ax.tolist(), "y": ay[:, :4].tolist()}},
    "shape_mismatch", "/inputs/y")

# ----------------------------------------------------------------- vendi


def entropy_q(p, q=1):
    """vendi_score.vendi.entropy_q."""
    p_ = p[p > 0]
    if q == 1:
        return -(p_ * np.log(p_)).sum()
    return np.log((p_ ** q).sum()) / (1 - q)


def score_K(K, q=1):
    """vendi_score.vendi.score_K (normalize False, p None)."""
    n = K.shape[0]
    w = linalg.eigvalsh(K / n)
    return np.exp(entropy_q(w, q=q))


def vendi_ref(x, kernel="cosine", bandwidth=1.0, q=1):
    if kernel == "cosine":
        nr = np.linalg.norm(x, axis=1, keepdims=True)
        u = x / np.where(nr > 0, nr, 1.0)     # sklearn normalize
        K = u @ u.T
    elif kernel == "linear":
        K = x @ x.T
    else:
        K = np.exp(-sqdist(x, x) / (2 * bandwidth ** 2))
    return float(score_K(K, q))


def vendi_case(name, x, params, order, xin=None, rtol=1e-9, atol=1e-12):
    v = vendi_ref(x, params.get("kernel", "cosine"),
                  params.get("bandwidth", 1.0), params.get("q", 1))
    cg.case("metrics", "gen2.vendi." + name, VENDI,
            {"inputs": {"x": x.tolist() if xin is None else xin},
             "params": params},
            expect={"metric": "vendi", "value": v, "order": order},
            rtol=rtol, atol=atol)


vx = rng.normal(size=(40, 6))
vendi_case("cosine_fast_path", vx, {}, 6)
vendi_case("cosine_n_less_than_d", vx[:5], {}, 5)
vendi_case("linear_fast_path", vx, {"kernel": "linear"}, 6)
vendi_case("linear_n_less_than_d", vx[:4], {"kernel": "linear"}, 4)
vendi_case("rbf", vx, {"kernel": "rbf", "bandwidth": 2.0}, 40)
vendi_case("rbf_q2", vx, {"kernel": "rbf", "bandwidth": 1.0, "q": 2}, 40)
vendi_case("cosine_q2", vx, {"q": 2}, 6)
vendi_case("cosine_q_half_full_rank", vx[:5], {"q": 0.5}, 5)
vendi_case("cosine_q0_full_rank", vx[:5], {"q": 0}, 5)
vendi_case("orthogonal_rows_n", np.eye(4) * 3, {}, 4)
vendi_case("identical_rows_one", np.tile(vx[:1], (7, 1)),
           {"kernel": "rbf"}, 7)
vendi_case("single_row", vx[:1], {}, 1)
vendi_case("d1", vx[:, :1], {"kernel": "rbf", "bandwidth": 0.5}, 40)
vz = vx[:8].copy()
vz[2] = 0.0
vendi_case("zero_row_cosine", vz, {}, 6)
v32 = vx.astype(np.float32)
vendi_case("packed_float32", v32.astype(float), {}, 6, xin=cg.packed(v32))
cg.case("metrics", "gen2.vendi.defaults_echoed", VENDI,
        {"inputs": {"x": vx.tolist()}},
        expect={"params": {"kernel": "cosine", "bandwidth": 1.0, "q": 1}})
bad("vendi.all_zero_rows", VENDI, {"inputs": {"x": np.zeros((3, 2)).tolist()}},
    "invalid_value", "/inputs/x")
bad("vendi.q_negative", VENDI,
    {"inputs": {"x": vx.tolist()}, "params": {"q": -1}}, "out_of_range",
    "/params/q")
bad("vendi.bandwidth_zero", VENDI,
    {"inputs": {"x": vx.tolist()}, "params": {"kernel": "rbf",
                                               "bandwidth": 0}},
    "out_of_range", "/params/bandwidth")
bad("vendi.kernel_unknown", VENDI,
    {"inputs": {"x": vx.tolist()}, "params": {"kernel": "poly"}},
    "invalid_value", "/params/kernel")
bad("vendi.vector", VENDI, {"inputs": {"x": [1.0, 2.0]}},
    "shape_mismatch", "/inputs/x")

cg.done()
