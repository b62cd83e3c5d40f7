#!/usr/bin/env python3
"""moments_fid.py - FID of a sharded embedding set whose moments a Dask
cluster reduces per partition and evald merges, checked against the
single-pass FID.  The example of examples/dask/README.md; tests/dask.test
runs it.

Each partition of a dask array [N, d] is reduced on a worker to its row
count n, its mean and its comoment sum((x - mean)(x - mean)^T), in
float64.  The driver pushes each one to an evald stream as it completes
(POST /v1/streams/{id}/moments); evald merges them exactly (Chan, Golub
and LeVeque).  The stream's FID against a stored reference is then
compared with

  * evald's FID of the same rows sent whole (packed float64): the same
    statistic by another order of additions, so equal to 1e-9 relative;
  * pytorch-fid's formula in NumPy/SciPy on the whole set: 1e-8, a
    looser bound, since scipy.linalg.sqrtm (a Schur square root of the
    non-symmetric product Sx Sy) is less exact than evald's symmetric
    eigenvalue route and the trace term cancels most of its magnitude.

It prints the figures and exits 0 only if all agree (1 if one does not,
2 if it could not run).  HTTP is the standard library's urllib only.
"""
import argparse
import base64
import json
import os
import sys
import traceback
import urllib.error
import urllib.request
import uuid

import numpy as np

# evald against itself: both sides are float64 moments of the same rows;
# only the order of the additions differs.
TOL_EVALD = 1e-9
# Against SciPy: sqrtm's error, not evald's, dominates this one.  It is
# 1e-13 or less on these well-conditioned sets; the bound leaves room
# for other sizes and seeds (README.md, "The tolerances").
TOL_SCIPY = 1e-8


class EvaldError(Exception):
    pass


class Evald:
    """The few evald routes the example uses, over urllib."""

    def __init__(self, url, token=None, timeout=300):
        self.url = url.rstrip("/")
        self.token = token
        self.timeout = timeout

    def call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        rq = urllib.request.Request(self.url + path, data=data, method=method)
        if data is not None:
            rq.add_header("Content-Type", "application/json")
        if self.token:
            rq.add_header("Authorization", "Bearer " + self.token)
        try:
            with urllib.request.urlopen(rq, timeout=self.timeout) as r:
                text = r.read()
        except urllib.error.HTTPError as e:
            # evald's errors are JSON naming what is wrong: show them.
            raise EvaldError("%s %s: %d %s" % (
                method, path, e.code, e.read().decode(errors="replace")))
        return json.loads(text) if text else None


def packed(a):
    """A packed tensor (docs/api.md, Tensors): base64 of little-endian
    bytes, so that d*d numbers travel without a JSON number per entry and
    arrive bit for bit."""
    a = np.ascontiguousarray(a)
    le = a.astype(a.dtype.newbyteorder("<"), copy=False)
    return {"dtype": str(a.dtype), "shape": list(a.shape),
            "data": base64.b64encode(le.tobytes()).decode()}


def partition_moments(block):
    """{n, mean, comoment} of one partition, in float64 whatever the
    rows' dtype.  The comoment, not the covariance, because it is what
    merges exactly and it needs no ddof convention."""
    x = np.asarray(block, dtype=np.float64)
    mean = x.mean(axis=0)
    xc = x - mean
    c = xc.T @ xc
    # dgemm need not give a bit-symmetric product; evald would accept
    # the small asymmetry, but sending the symmetric part is the contract.
    c = 0.5 * (c + c.T)
    return {"n": int(x.shape[0]), "mean": packed(mean), "comoment": packed(c)}


def embeddings(n, d, chunk, seed, rows_seed, shift=0.0, scale=1.0):
    """A seeded, correlated float32 embedding set as a dask array of
    row partitions; the same arguments give the same rows on any
    cluster.  seed fixes the distribution, rows_seed the sample:
    shift and scale move a second set a little away from the first, as
    a generator's embeddings are from real ones'."""
    import dask.array as da

    rng = np.random.default_rng(seed)
    # A rotated, decaying spectrum (standard deviations 2 down to 0.1),
    # like real embeddings'.  Not a plain Gaussian mixing matrix: its
    # smallest singular value can be tiny, and an eigenvalue of Sx Sy at
    # rounding level is one evald counts as 0 and SciPy does not, which
    # would test that rule rather than the merge.
    q, _ = np.linalg.qr(rng.standard_normal((d, d)))
    mix = (scale * np.linspace(2.0, 0.1, d))[:, None] * q.T
    offset = rng.standard_normal(d) + shift
    z = da.random.RandomState(rows_seed).standard_normal((n, d),
                                                         chunks=(chunk, d))
    return (z @ mix + offset).astype(np.float32)


def fid_numpy(x, y):
    """pytorch-fid's calculate_frechet_distance on the whole sets."""
    from scipy import linalg

    mu1, mu2 = x.mean(axis=0), y.mean(axis=0)
    s1, s2 = np.cov(x, rowvar=False), np.cov(y, rowvar=False)
    diff = mu1 - mu2
    covmean = linalg.sqrtm(s1.dot(s2))
    if not np.isfinite(covmean).all():
        off = np.eye(s1.shape[0]) * 1e-6
        covmean = linalg.sqrtm((s1 + off).dot(s2 + off))
    if np.iscomplexobj(covmean):
        covmean = covmean.real
    return float(diff.dot(diff) + np.trace(s1) + np.trace(s2)
                 - 2 * np.trace(covmean))


def rel(a, b):
    return abs(a - b) / max(abs(a), abs(b))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("url", nargs="?", default=os.environ.get("EVALD_URL"),
                    help="evald's base URL (default: $EVALD_URL)")
    ap.add_argument("--rows", type=int, default=20000)
    ap.add_argument("--dim", type=int, default=128)
    ap.add_argument("--partitions", type=int, default=8)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--processes", action="store_true",
                    help="worker processes rather than threads")
    ap.add_argument("--seed", type=int, default=12)
    ap.add_argument("--keep", action="store_true",
                    help="leave the stream and the reference in evald")
    a = ap.parse_args()
    if not a.url:
        ap.error("give evald's URL as an argument or in EVALD_URL")

    import dask
    from dask.distributed import Client, LocalCluster, as_completed

    ev = Evald(a.url, os.environ.get("EVALD_TOKEN"))
    chunk = -(-a.rows // a.partitions)
    ref = "dask-example-" + uuid.uuid4().hex[:12]
    stream = None
    # No dashboard (no port to collide with, no bokeh needed).  Threads
    # talk in-process; processes listen on loopback ports the OS picks.
    net = {"host": "127.0.0.1"} if a.processes else {}
    with LocalCluster(n_workers=a.workers, threads_per_worker=1,
                      processes=a.processes, dashboard_address=None,
                      **net) as cluster, Client(cluster) as client:
        x = embeddings(a.rows, a.dim, chunk, a.seed, a.seed).persist()
        y = embeddings(a.rows, a.dim, chunk, a.seed, a.seed + 1,
                       shift=0.05, scale=1.1).persist()
        try:
            stream = ev.call("POST", "/v1/streams", {"dim": a.dim})["id"]
            # One task per partition; each result is d*d*8 bytes however
            # many rows the partition has, and is pushed as it arrives.
            # Pushing from the driver, not from the tasks, means a task
            # the scheduler re-runs is still merged once.
            parts = client.compute([dask.delayed(partition_moments)(b)
                                    for b in x.to_delayed().ravel()])
            pushed = 0
            for fut in as_completed(parts):
                m = fut.result()
                ev.call("POST", "/v1/streams/%s/moments" % stream, m)
                pushed += 1
            got = ev.call("GET", "/v1/streams/%s" % stream)

            # The whole sets, for the single-pass comparisons: the very
            # rows the partitions were made of.
            xw, yw = client.compute([x, y], sync=True)
            ev.call("PUT", "/v1/references/" + ref,
                    {"embeddings": packed(yw)})
            fid_stream = ev.call("POST", "/v1/metrics/fid", {"inputs": {
                "x": {"stream": stream}, "y": {"reference": ref}}})["value"]
            fid_whole = ev.call("POST", "/v1/metrics/fid", {"inputs": {
                "x": packed(xw.astype(np.float64)),
                "y": {"reference": ref}}})["value"]
        finally:
            if not a.keep:
                if stream:
                    ev_quiet(ev, "DELETE", "/v1/streams/" + stream)
                ev_quiet(ev, "DELETE", "/v1/references/" + ref)

    try:
        fid_np = fid_numpy(xw.astype(np.float64), yw.astype(np.float64))
    except ImportError:
        fid_np = None

    good = got["n"] == a.rows and pushed == len(parts)
    print("rows %d, d %d, %d partitions on %d %s; stream n = %d"
          % (a.rows, a.dim, pushed, a.workers,
             "processes" if a.processes else "threads", got["n"]))
    if a.keep:
        print("kept stream %s and reference %s" % (stream, ref))
    print("FID stream of partition moments  %.17g" % fid_stream)
    r = rel(fid_stream, fid_whole)
    good &= r <= TOL_EVALD
    print("FID evald, rows sent whole       %.17g  rel diff %.1e <= %.0e %s"
          % (fid_whole, r, TOL_EVALD, "ok" if r <= TOL_EVALD else "FAIL"))
    if fid_np is None:
        print("FID numpy/scipy (pytorch-fid)    skipped: scipy is not "
              "installed")
    else:
        r = rel(fid_stream, fid_np)
        good &= r <= TOL_SCIPY
        print("FID numpy/scipy (pytorch-fid)    %.17g  rel diff %.1e <= %.0e %s"
              % (fid_np, r, TOL_SCIPY, "ok" if r <= TOL_SCIPY else "FAIL"))
    print("agree" if good else "DISAGREE")
    return 0 if good else 1


def ev_quiet(ev, method, path):
    try:
        ev.call(method, path)
    except (EvaldError, OSError):
        pass


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (EvaldError, OSError) as e:
        # evald refused or is not reachable: not a disagreement.
        print("moments_fid: %s" % e, file=sys.stderr)
        sys.exit(2)
    except Exception:
        # Python's own exit status for this, 1, is the disagreement's.
        traceback.print_exc()
        sys.exit(2)
