#!/usr/bin/python3
"""prdc_bench - evald_prdc against the prdc package's algorithm (its
compute_prdc written out: sklearn pairwise_distances, argpartition) on the
same seeded Gaussian embeddings, in one run each; prints both times, the
ratio, both peak RSS (getrusage: the evald child, this process) and
whether the four values agree.

    bench/prdc/run.sh [N [D [K]]]     (defaults 10000 2048 5)
"""
import os
import resource
import subprocess
import sys
import tempfile
import time

import numpy as np
from sklearn.metrics import pairwise_distances


def get_kth_value(unsorted, k, axis=-1):
    indices = np.argpartition(unsorted, k, axis=axis)[..., :k]
    return np.take_along_axis(unsorted, indices, axis=axis).max(axis=axis)


def compute_prdc(real, fake, k):
    rn = get_kth_value(pairwise_distances(real, real), k + 1)
    fn = get_kth_value(pairwise_distances(fake, fake), k + 1)
    d = pairwise_distances(real, fake)
    inside = d < rn[:, None]
    return (inside.any(axis=0).mean(), (d < fn[None, :]).any(axis=1).mean(),
            inside.sum(axis=0).mean() / k, (d.min(axis=1) < rn).mean())


def main():
    exe, n, dim, k = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), \
        int(sys.argv[4])
    rng = np.random.default_rng(2020)
    real = rng.standard_normal((n, dim))
    fake = rng.standard_normal((n, dim)) * 1.05 + 0.02
    with tempfile.TemporaryDirectory() as tmp:
        pr, pf = os.path.join(tmp, "real"), os.path.join(tmp, "fake")
        real.tofile(pr)
        fake.tofile(pf)
        # The 328 MB just written would otherwise be flushed to disk
        # while evald runs (NumPy runs after, with nothing pending).
        os.sync()
        out = subprocess.run([exe, pr, pf, str(n), str(n), str(dim), str(k)],
                             check=True, capture_output=True, text=True)
    ev = [float(v) for v in out.stdout.split()]
    rss_ev = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 2**20
    t0 = time.perf_counter()
    ref = compute_prdc(real, fake, k)
    t_ref = time.perf_counter() - t0
    rss_ref = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    same = all(abs(a - b) <= 1e-12 for a, b in zip(ev[:4], ref))
    print("N = M = %d, d = %d, k = %d" % (n, dim, k))
    print("evald_prdc        %8.2f s  %s" % (ev[4], ev[:4]))
    print("numpy reference   %8.2f s  %s" % (t_ref, [float(v) for v in ref]))
    print("peak RSS: evald_prdc %.2f GiB, numpy reference %.2f GiB "
          "(both with the two sets loaded; target <= 2 GiB)" %
          (rss_ev, rss_ref))
    print("load average %.1f" % os.getloadavg()[0])
    print("ratio reference/evald: %.2f; values %s" %
          (t_ref / ev[4], "agree" if same else "DIFFER"))


main()
