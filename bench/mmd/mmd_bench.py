#!/usr/bin/python3
"""mmd_bench - evald_mmd's permutation test against alibi-detect's
MMDDrift semantics in NumPy, on the same seeded sets and the same seeded
permutations, in one run; prints every round, the medians and the ratio
NumPy / evald of the medians (target >= 5x).

    bench/mmd/run.sh [--n 2000] [--d 512] [--perms 1000] [--rounds 3]

NumPy side: the pooled kernel matrix once (z @ z.T, exp), its diagonal
zeroed (MMDDrift's zero_diag), then per permutation the three block sums
of mmd2_from_kernel_matrix.  MMDDrift takes them from a permuted copy of
the matrix (kernel_mat[idx][:, idx]); here they come from one
matrix-vector product K @ w with w the permutation's x indicator, which
gives the same sums and is many times faster than the copy at this size,
so the ratio is conservative for evald.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "tests", "gen"))
from evald_rng import EvaldRng  # noqa: E402


def perms_of(seed, p, count):
    """evald's permutations: Fisher-Yates of 0..p-1, first n are x."""
    g, out = EvaldRng(seed), []
    for _ in range(count):
        idx = list(range(p))
        for i in range(p):
            j = i + g.below(p - i)
            idx[i], idx[j] = idx[j], idx[i]
        out.append(np.array(idx))
    return out


def numpy_mmd(x, y, sigma, perms):
    n, m = len(x), len(y)
    z = np.r_[x, y]
    zn = (z * z).sum(1)
    k = np.exp(-(zn[:, None] + zn[None, :] - 2.0 * (z @ z.T)) /
               (2.0 * sigma ** 2))
    np.fill_diagonal(k, 0.0)
    r = k.sum(1)
    tot = r.sum()

    def stat(w):
        kw = k @ w
        sxx = w @ kw
        rw = r @ w
        syy = tot - 2.0 * rw + sxx
        return sxx / (n * (n - 1)) + syy / (m * (m - 1)) \
            - 2.0 * (rw - sxx) / (n * m)

    w = np.zeros(n + m)
    w[:n] = 1.0
    obs, exceed = stat(w), 0
    for idx in perms:
        w[:] = 0.0
        w[idx[:n]] = 1.0
        exceed += stat(w) >= obs
    return obs, exceed / len(perms), exceed


def median(v):
    return float(np.median(v))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("exe")
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--d", type=int, default=512)
    ap.add_argument("--perms", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seed", type=int, default=14)
    a = ap.parse_args()
    rng = np.random.default_rng(2024)
    x = rng.standard_normal((a.n, a.d))
    y = rng.standard_normal((a.n, a.d)) * 1.02 + 0.01
    z = np.r_[x, y]
    sub = z[rng.choice(len(z), 500, replace=False)]
    d2 = ((sub[:, None, :] - sub[None, :, :]) ** 2).sum(-1)
    sigma = float(np.sqrt(np.median(d2[np.triu_indices(500, 1)])))
    perms = perms_of(a.seed, 2 * a.n, a.perms)
    print("MMD^2 permutation test: n = m = %d, d = %d, %d permutations, "
          "sigma %.6g" % (a.n, a.d, a.perms, sigma))
    te, tn = [], []
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        px, py = os.path.join(tmp, "x"), os.path.join(tmp, "y")
        x.tofile(px)
        y.tofile(py)
        for rd in range(a.rounds):
            out = subprocess.run(
                [a.exe, px, py, str(a.n), str(a.n), str(a.d), repr(sigma),
                 str(a.perms), str(a.seed)],
                check=True, capture_output=True, text=True).stdout.split()
            ev, ep, ex, t_e = float(out[0]), float(out[1]), int(out[2]), \
                float(out[3])
            t0 = time.perf_counter()
            nv, npv, nx = numpy_mmd(x, y, sigma, perms)
            t_n = time.perf_counter() - t0
            rel = abs(ev - nv) / abs(nv)
            same = ex == nx
            ok = ok and same and rel <= 1e-9
            te.append(t_e)
            tn.append(t_n)
            print("round %d  evald %7.2f s  numpy %7.2f s  ratio %5.2f  "
                  "p %.4f/%.4f  exceed %d/%d  rel diff %.1e  load %.1f" %
                  (rd + 1, t_e, t_n, t_n / t_e, ep, npv, ex, nx, rel,
                   os.getloadavg()[0]))
    ratio = median(tn) / median(te)
    print("median evald %.2f s, numpy %.2f s" % (median(te), median(tn)))
    print("RESULT mmd permutations numpy/evald %.2fx (target >= 5x): %s; "
          "values %s" % (ratio, "met" if ratio >= 5 else "missed",
                         "agree" if ok else "DIFFER"))
    sys.exit(1 if not ok else 0 if ratio >= 5 else 3)


main()
