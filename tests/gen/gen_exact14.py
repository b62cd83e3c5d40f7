#!/usr/bin/python3
"""gen_exact14 - exactness cases for the fast paths of prdc and mmd
(case prefix "exact14.").

- prdc: float32 distance tiles decide only what their error bound makes
  certain; the rest is recomputed in float64.  These sets have distances
  that tie the radii exactly or miss them by 2⁻²⁰-scale amounts, far
  inside the float32 bound, so nearly every comparison at a radius goes
  through the float64 recomputation.  Every coordinate is a multiple of
  2⁻²⁰ below 4, so every squared distance is exact in float64 whatever
  the order of summation, and the expected values come from exact
  integer arithmetic on the paper's definitions (Kynkäänniemi et al.
  2019, Naeem et al. 2020: the (k+1)-th smallest distance of a row, the
  row itself included, and strict "<").  The same sets scaled by 2⁻⁷⁰
  (outside the float32 path's range) take the float64 tiles and must
  give the same answer.  rtol 1e-14 covers only the division in the
  density; a count off by one moves a value by 1/(k·M) or more.
- mmd: the permutation test runs several labellings per pass; a count
  of permutations that is not a multiple of the block, and sets so
  small that the observed labelling (or its mirror) recurs, check that
  each permuted statistic is bit for bit the one-labelling sum.  The
  reference is the U-statistic MMD² and alibi-detect's MMDDrift p-value
  on evald's permutations, as in gen_gen2.py.
Run with Debian's python3: /usr/bin/python3 tests/gen/gen_exact14.py
"""
import numpy as np

import casegen as cg
from evald_rng import EvaldRng

cg.reset("metrics", "exact14.")
rng = np.random.default_rng(1414)
PRDC = "/v1/metrics/prdc"
MMD = "/v1/metrics/mmd"
SCALE = 2 ** 20


def sq_int(a, b):
    """Exact squared distances of integer rows (int64)."""
    return ((a[:, None, :] - b[None, :, :]) ** 2).sum(-1)


def prdc_exact(ri, fi, k):
    drr, dff, drf = sq_int(ri, ri), sq_int(fi, fi), sq_int(ri, fi)
    rn = np.sort(drr, axis=1)[:, k]
    fn = np.sort(dff, axis=1)[:, k]
    inside = drf < rn[:, None]
    ties = int((drf == rn[:, None]).sum() + (drf == fn[None, :]).sum())
    gap = np.abs(drf - rn[:, None])
    near = int(((gap > 0) & (gap <= 2 ** 24)).sum())
    return {"precision": inside.any(axis=0).mean(),
            "recall": (drf < fn[None, :]).any(axis=1).mean(),
            "density": inside.sum(axis=0).mean() / k,
            "coverage": (drf.min(axis=1) < rn).mean()}, ties, near


def prdc_case(name, ri, fi, k, scale):
    res, ties, near = prdc_exact(ri, fi, k)
    assert ties > 0 and near > 0, name   # exact and near ties present
    real, fake = ri * scale, fi * scale
    assert (real / scale == ri).all() and (fake / scale == fi).all()
    exp = dict(res, metric="prdc", n_real=len(ri), n_fake=len(fi),
               params={"nearest_k": k})
    cg.case("metrics", "exact14.prdc." + name, PRDC,
            {"inputs": {"real": real.tolist(), "fake": fake.tolist()},
             "params": {"nearest_k": k}}, expect=exp, rtol=1e-14, atol=0)


# Small integer coordinates (exact ties everywhere), some rows moved by a
# few units of 2⁻²⁰ (distances a hair off the radii).
for name, n, m, d, k in (("ties_k3", 40, 35, 6, 3), ("ties_k5", 70, 90, 8, 5),
                         ("ties_k1", 30, 30, 3, 1)):
    ri = rng.integers(0, 4, size=(n, d)) * SCALE
    fi = rng.integers(0, 4, size=(m, d)) * SCALE
    ri[::3] += rng.integers(-3, 4, size=ri[::3].shape)
    fi[::2] += rng.integers(-3, 4, size=fi[::2].shape)
    prdc_case(name, ri, fi, k, 2.0 ** -20)
    prdc_case(name + "_f64_tiles", ri, fi, k, 2.0 ** -90)


def mmd2(x, y, sigma):
    g = 1.0 / (2.0 * sigma ** 2)

    def k(a, b):
        return np.exp(-g * ((a[:, None, :] - b[None, :, :]) ** 2).sum(-1))
    kxx, kyy, kxy = k(x, x), k(y, y), k(x, y)
    n, m = len(x), len(y)
    return ((kxx.sum() - np.trace(kxx)) / (n * (n - 1))
            + (kyy.sum() - np.trace(kyy)) / (m * (m - 1))
            - 2 * kxy.mean())


def permutation_p(x, y, sigma, perms, seed):
    z = np.r_[x, y]
    n, p = len(x), len(x) + len(y)
    obs = mmd2(x, y, sigma)
    g = EvaldRng(seed)
    exceed = 0
    for _ in range(perms):
        idx = list(range(p))
        for i in range(p):
            j = i + g.below(p - i)
            idx[i], idx[j] = idx[j], idx[i]
        xs = sorted(idx[:n])
        if xs == list(range(n)) or (len(y) == n and xs == list(range(n, p))):
            exceed += 1   # the observed labelling: equal, so counted
            continue
        st = mmd2(z[xs], z[sorted(idx[n:])], sigma)
        assert abs(st - obs) > 1e-9 * max(1.0, abs(obs)), "near tie"
        exceed += st >= obs
    return obs, exceed


def mmd_case(name, x, y, sigma, perms, seed):
    v, ex = permutation_p(x, y, sigma, perms, seed)
    cg.case("metrics", "exact14.mmd." + name, MMD,
            {"inputs": {"x": x.tolist(), "y": y.tolist()},
             "params": {"bandwidth": sigma, "permutations": perms,
                        "seed": seed}},
            expect={"metric": "mmd", "value": v, "bandwidth": sigma,
                    "p_value": ex / perms, "exceed": ex},
            rtol=1e-9, atol=1e-12)


mx, my = rng.normal(size=(3, 4)), rng.normal(size=(3, 4)) + 0.3
mmd_case("tail_block_ties", mx, my, 1.0, 13, 5)
mmd_case("tail_block_unequal", rng.normal(size=(17, 5)),
         rng.normal(size=(11, 5)) * 1.1 + 0.1, 1.5, 37, 9)
mmd_case("many_blocks", rng.normal(size=(40, 6)),
         rng.normal(size=(45, 6)) + 0.15, 2.0, 203, 21)
cg.done()
