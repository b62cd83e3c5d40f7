#!/usr/bin/python3
"""distbench.py - the distribution-distance benchmarks: evald's distances
timed against the Python functions they must equal (the anchors).

    bench/distances/distbench.py [--quick] [--rounds R] [--json FILE] [WHICH...]

WHICH is any of fid-stats, fid-embed, fid-rss, w1, emd (default: all, in
that order), plus `kernels` (the in-process LAPACK breakdown, run anyway
before the FID benchmarks).  Each benchmark starts a fresh evald on a free
loopback port, sends one warm-up request, then alternates ROUNDS times: one
timed request to evald (curl's time_total: upload, decode, compute and
answer), one anchor run in a fresh Python process (data already in memory,
one warm-up, then the anchor call alone timed).  It prints both times, the
ratio anchor/evald and the value difference per round, then the medians
and a `RESULT` line per target.  The figure checked is the median of the
per-round ratios.

Anchors (Debian's /usr/bin/python3: numpy, scipy, POT):
  fid-stats  pytorch-fid's calculate_frechet_distance (scipy.linalg.sqrtm)
             on two 2048-d {mu, sigma}                      target >= 5x
  fid-embed  float64 mean + np.cov of two 10000x2048 float32 sets, then
             the same formula                                target >= 2x
  fid-rss    peak RSS growth of that request on a fresh evald
             (VmHWM after - before)           target <= 2x the raw float32
  w1         scipy.stats.wasserstein_distance, 10^6 vs 10^6  target >= 1x
  emd        ot.dist(metric="euclidean") + ot.emd2 (numItermax 10^8),
             2000 vs 2000 points in 64-d, uniform weights    target >= 1x;
             also 4000, and the growth exponent over n = 500..4000

The anchor processes run without OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE
(set on some machines, they pick a slower kernel for numpy); evald runs in
the environment as given.  Both BLAS kernels are printed.

Environment: EVALD (binary; default BUILDDIR/evald), BUILDDIR (default: the
source tree), ANCHOR_PYTHON (default /usr/bin/python3), CC, KEEP=1 (keep
the scratch directory).  Every file goes to one mktemp directory, removed
on exit; every process started here is stopped on exit.
Exit status: 0 every target met, 3 a target missed, 1 could not measure.
"""
import argparse
import atexit
import base64
import json
import math
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRCDIR = os.path.dirname(os.path.dirname(HERE))
BUILDDIR = os.environ.get("BUILDDIR", SRCDIR)
EVALD = os.environ.get("EVALD", os.path.join(BUILDDIR, "evald"))
ANCHOR_PYTHON = os.environ.get("ANCHOR_PYTHON", "/usr/bin/python3")
BLAS_VARS = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")

TARGETS = {"fid-stats": 5.0, "fid-embed": 2.0, "fid-rss": 2.0, "w1": 1.0,
           "emd": 1.0}


class Unmeasurable(Exception):
    """The measurement could not be made (exit status 1)."""


# ------------------------------------------------------------ data

def packed(a):
    """A packed tensor (little-endian C-order bytes, base64) as JSON text:
    (head, base64 bytes, tail)."""
    import numpy as np
    name = {np.dtype(np.float32): "float32",
            np.dtype(np.float64): "float64"}[a.dtype]
    raw = np.ascontiguousarray(a, dtype=a.dtype.newbyteorder("<")).tobytes()
    return ('{"dtype": "%s", "shape": %s, "data": "' % (name, list(a.shape)),
            base64.b64encode(raw), '"}')


def write_body(path, inputs, params=None):
    """Write {"inputs": {name: packed, ...}, "params": {...}} without
    building the whole text in memory twice."""
    with open(path, "wb") as f:
        f.write(b'{"inputs": {')
        for i, (name, val) in enumerate(inputs):
            f.write(b'%s"%s": ' % (b", " if i else b"", name.encode()))
            if isinstance(val, str):  # raw JSON: {"reference": "name"}
                f.write(val.encode())
            elif isinstance(val, dict):  # {"mu": array, "sigma": array}
                f.write(b"{")
                for k, (key, arr) in enumerate(val.items()):
                    head, data, tail = packed(arr)
                    f.write(b'%s"%s": %s' % (b", " if k else b"",
                                            key.encode(), head.encode()))
                    f.write(data)
                    f.write(tail.encode())
                f.write(b"}")
            else:
                head, data, tail = packed(val)
                f.write(head.encode())
                f.write(data)
                f.write(tail.encode())
        f.write(b"}")
        if params:
            f.write(b', "params": ' + json.dumps(params).encode())
        f.write(b"}")
    return os.path.getsize(path)


def make_embeddings(n, d, seed):
    """Two float32 sets shaped like pooled CNN features: non-negative,
    correlated through a 64-d latent factor, y shifted and rescaled."""
    import numpy as np
    rng = np.random.default_rng(seed)
    k = 64
    u = (rng.standard_normal((k, d)) / math.sqrt(k)).astype(np.float32)
    sets = []
    for shift, scale in ((0.3, 1.0), (0.35, 1.1)):
        z = rng.standard_normal((n, d), dtype=np.float32)
        lat = rng.standard_normal((n, k), dtype=np.float32)
        x = np.abs(scale * (0.6 * z + lat @ u) + shift)
        sets.append(np.ascontiguousarray(x, dtype=np.float32))
    return sets


def fid_data(tmp, n, d):
    """x.npy, y.npy (float32 [n,d]), stats.npz (float64 mu/sigma of both)
    and the two request bodies.  Made once per run."""
    import numpy as np
    ddir = os.path.join(tmp, "fid-%dx%d" % (n, d))
    if os.path.exists(os.path.join(ddir, "done")):
        return ddir
    os.makedirs(ddir, exist_ok=True)
    x, y = make_embeddings(n, d, 20260301)
    np.save(os.path.join(ddir, "x.npy"), x)
    np.save(os.path.join(ddir, "y.npy"), y)
    st = {}
    for name, s in (("x", x), ("y", y)):
        st["mu_" + name] = s.mean(axis=0, dtype=np.float64)
        st["sigma_" + name] = np.cov(s, rowvar=False)
    np.savez(os.path.join(ddir, "stats.npz"), **st)
    write_body(os.path.join(ddir, "stats.json"),
               [("x", {"mu": st["mu_x"], "sigma": st["sigma_x"]}),
                ("y", {"mu": st["mu_y"], "sigma": st["sigma_y"]})])
    write_body(os.path.join(ddir, "embed.json"), [("x", x), ("y", y)])
    open(os.path.join(ddir, "done"), "w").close()
    return ddir


def w1_data(tmp, n):
    import numpy as np
    ddir = os.path.join(tmp, "w1-%d" % n)
    if os.path.exists(os.path.join(ddir, "done")):
        return ddir
    os.makedirs(ddir, exist_ok=True)
    rng = np.random.default_rng(7)
    x = rng.standard_normal(n)
    # A two-component mixture, so the quantile functions cross.
    y = np.where(rng.random(n) < 0.3, rng.normal(-1.0, 0.5, n),
                 rng.normal(0.8, 1.4, n))
    np.save(os.path.join(ddir, "x.npy"), x)
    np.save(os.path.join(ddir, "y.npy"), y)
    write_body(os.path.join(ddir, "body.json"), [("x", x), ("y", y)])
    open(os.path.join(ddir, "done"), "w").close()
    return ddir


def emd_data(tmp, n, d):
    import numpy as np
    ddir = os.path.join(tmp, "emd-%dx%d" % (n, d))
    if os.path.exists(os.path.join(ddir, "done")):
        return ddir
    os.makedirs(ddir, exist_ok=True)
    rng = np.random.default_rng(11 + n)
    x = rng.standard_normal((n, d))
    y = 1.2 * rng.standard_normal((n, d)) + 0.25
    np.save(os.path.join(ddir, "x.npy"), x)
    np.save(os.path.join(ddir, "y.npy"), y)
    write_body(os.path.join(ddir, "body.json"), [("x", x), ("y", y)],
               {"metric": "euclidean"})
    open(os.path.join(ddir, "done"), "w").close()
    return ddir


# ------------------------------------------------------------ anchors
# These run in a child process (anchor_main) whose environment lacks
# BLAS_VARS.  Each loads its data, warms up on a small problem, then times
# the anchor call alone.

def frechet_distance(mu1, sigma1, mu2, sigma2, eps=1e-6):
    """pytorch-fid's calculate_frechet_distance (fid_score.py, v0.3),
    step for step: the product, its sqrtm, the eps retry when that is
    not finite, the complex check, then the traces."""
    import numpy as np
    from scipy import linalg
    diff = mu1 - mu2
    covmean, _ = linalg.sqrtm(sigma1.dot(sigma2), disp=False)
    if not np.isfinite(covmean).all():
        offset = np.eye(sigma1.shape[0]) * eps
        covmean = linalg.sqrtm((sigma1 + offset).dot(sigma2 + offset))
    if np.iscomplexobj(covmean):
        if not np.allclose(np.diagonal(covmean).imag, 0, atol=1e-3):
            raise ValueError("imaginary component %g"
                             % np.max(np.abs(covmean.imag)))
        covmean = covmean.real
    return (diff.dot(diff) + np.trace(sigma1) + np.trace(sigma2)
            - 2 * np.trace(covmean))


def anchor_fid_stats(ddir):
    import numpy as np
    st = np.load(os.path.join(ddir, "stats.npz"))
    mx, sx, my, sy = (st[k] for k in ("mu_x", "sigma_x", "mu_y", "sigma_y"))
    frechet_distance(mx[:8], sx[:8, :8], my[:8], sy[:8, :8])
    t0 = time.perf_counter()
    v = frechet_distance(mx, sx, my, sy)
    return {"time": time.perf_counter() - t0, "value": float(v)}


def anchor_fid_embed(ddir):
    import numpy as np
    x = np.load(os.path.join(ddir, "x.npy"))
    y = np.load(os.path.join(ddir, "y.npy"))
    w = x[:16, :8]
    frechet_distance(w.mean(0, dtype=np.float64), np.cov(w, rowvar=False),
                     w.mean(0, dtype=np.float64), np.cov(w, rowvar=False))
    t0 = time.perf_counter()
    mx = x.mean(axis=0, dtype=np.float64)
    sx = np.cov(x, rowvar=False)
    my = y.mean(axis=0, dtype=np.float64)
    sy = np.cov(y, rowvar=False)
    t1 = time.perf_counter()
    v = frechet_distance(mx, sx, my, sy)
    t2 = time.perf_counter()
    return {"time": t2 - t0, "value": float(v), "cov_time": t1 - t0,
            "formula_time": t2 - t1}


def anchor_fid_ref_embed(ddir):
    """pytorch-fid's workflow with stored statistics: the moments of x,
    then the formula against the saved mu_y, sigma_y."""
    import numpy as np
    x = np.load(os.path.join(ddir, "x.npy"))
    st = np.load(os.path.join(ddir, "stats.npz"))
    my, sy = st["mu_y"], st["sigma_y"]
    w = x[:16, :8]
    frechet_distance(w.mean(0, dtype=np.float64), np.cov(w, rowvar=False),
                     my[:8], sy[:8, :8])
    t0 = time.perf_counter()
    mx = x.mean(axis=0, dtype=np.float64)
    sx = np.cov(x, rowvar=False)
    v = frechet_distance(mx, sx, my, sy)
    return {"time": time.perf_counter() - t0, "value": float(v)}


def anchor_w1(ddir):
    import numpy as np
    from scipy.stats import wasserstein_distance
    x = np.load(os.path.join(ddir, "x.npy"))
    y = np.load(os.path.join(ddir, "y.npy"))
    wasserstein_distance(x[:100], y[:100])
    t0 = time.perf_counter()
    v = wasserstein_distance(x, y)
    return {"time": time.perf_counter() - t0, "value": float(v)}


def anchor_emd(ddir):
    import numpy as np
    import ot
    x = np.load(os.path.join(ddir, "x.npy"))
    y = np.load(os.path.join(ddir, "y.npy"))
    n, m = len(x), len(y)
    ot.emd2(np.full(8, 1 / 8), np.full(8, 1 / 8),
            ot.dist(x[:8], y[:8], metric="euclidean"))
    t0 = time.perf_counter()
    # Uniform weights built inside the timing, as a caller would.
    a, b = np.full(n, 1.0 / n), np.full(m, 1.0 / m)
    cost = ot.dist(x, y, metric="euclidean")
    v = ot.emd2(a, b, cost, numItermax=10**8)
    return {"time": time.perf_counter() - t0, "value": float(v)}


def anchor_blas():
    import numpy
    import scipy
    out = {"numpy": numpy.__version__, "scipy": scipy.__version__}
    try:
        import ot
        out["pot"] = ot.__version__
    except ImportError:
        out["pot"] = None
    try:
        import threadpoolctl
        out["blas"] = [
            {k: i.get(k) for k in ("internal_api", "version", "architecture",
                                   "num_threads", "threading_layer")}
            for i in threadpoolctl.threadpool_info()
            if i.get("user_api") == "blas"]
    except ImportError:
        out["blas"] = "threadpoolctl not installed"
    return out


ANCHORS = {"fid-stats": anchor_fid_stats, "fid-embed": anchor_fid_embed,
           "fid-ref-embed": anchor_fid_ref_embed,
           "w1": anchor_w1, "emd": anchor_emd}


def anchor_main(kind, ddir):
    r = anchor_blas() if kind == "blas" else ANCHORS[kind](ddir)
    print(json.dumps(r))
    return 0


def run_anchor(kind, ddir=""):
    env = {k: v for k, v in os.environ.items() if k not in BLAS_VARS}
    p = subprocess.run([ANCHOR_PYTHON, os.path.abspath(__file__), "anchor",
                        kind, ddir], env=env, capture_output=True, text=True)
    if p.returncode != 0:
        raise Unmeasurable("anchor %s failed: %s" % (kind, p.stderr[-2000:]))
    return json.loads(p.stdout.strip().splitlines()[-1])


# ------------------------------------------------------------ evald

class Evald:
    """A fresh evald on 127.0.0.1:0 with its own data dir; its log goes
    to a file in the scratch directory."""
    running = []

    def __init__(self, tmp, name, args=()):
        if not os.access(EVALD, os.X_OK):
            raise Unmeasurable("no evald at %s; build it first: make evald "
                               "(or set EVALD=/path/to/evald)" % EVALD)
        self.tmp = tmp
        self.logpath = os.path.join(tmp, name + ".log")
        data = os.path.join(tmp, name + ".var")
        os.makedirs(data, exist_ok=True)
        self.log = open(self.logpath, "w")
        self.proc = subprocess.Popen(
            [EVALD, "--listen", "127.0.0.1:0", "--data-dir", data, *args],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=self.log)
        Evald.running.append(self)
        self.pid = self.proc.pid
        port = None
        for _ in range(200):
            with open(self.logpath) as f:
                for line in f:
                    if "event=started" in line:
                        for w in line.split():
                            if w.startswith("port="):
                                port = w[5:]
            if port or self.proc.poll() is not None:
                break
            time.sleep(0.05)
        if not port:
            self.stop()
            raise Unmeasurable("evald did not start: "
                               + open(self.logpath).read()[-1000:])
        self.url = "http://127.0.0.1:%s" % port
        for _ in range(200):
            if subprocess.run(["curl", "-sf", "-o", "/dev/null",
                               self.url + "/healthz"]).returncode == 0:
                break
            time.sleep(0.05)
        else:
            self.stop()
            raise Unmeasurable("evald does not answer on " + self.url)
        with open(self.logpath) as f:
            self.started = next((l.strip() for l in f
                                 if "event=started" in l), "")

    def post(self, path, body):
        """POST a body file; returns (status, seconds, answer)."""
        ans = os.path.join(self.tmp, "answer.json")
        p = subprocess.run(
            ["curl", "-sS", "-o", ans, "-w", "%{http_code} %{time_total}",
             "-H", "Content-Type: application/json", "-H", "Expect:",
             "--data-binary", "@" + body, self.url + path],
            capture_output=True, text=True)
        if p.returncode != 0:
            raise Unmeasurable("curl failed: " + p.stderr.strip())
        code, secs = p.stdout.split()
        with open(ans) as f:
            text = f.read()
        try:
            answer = json.loads(text)
        except ValueError:
            answer = {"raw": text[:300]}
        return int(code), float(secs), answer

    def status_kb(self, key):
        with open("/proc/%d/status" % self.pid) as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
        raise Unmeasurable("no %s in /proc/%d/status" % (key, self.pid))

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        if self in Evald.running:
            Evald.running.remove(self)


def stop_all():
    for e in list(Evald.running):
        e.stop()


def checked_post(ev, path, body, what):
    code, secs, ans = ev.post(path, body)
    if code != 200:
        raise Unmeasurable("%s: evald answered %d: %s"
                           % (what, code, json.dumps(ans)[:400]))
    return secs, ans


# ------------------------------------------------------------ helpers

def med(v):
    return statistics.median(v) if v else float("nan")


def rel(a, b):
    return abs(a - b) / max(abs(b), 1e-300)


def verdict(ok):
    return "ok" if ok else "MISSED"


def build_kernels(tmp):
    """Compile fid_kernels.c against the built libevald (nothing is
    added to the build)."""
    exe = os.path.join(tmp, "fid_kernels")
    lib = os.path.join(BUILDDIR, ".libs", "libevald.a")
    if not os.path.exists(lib):
        raise Unmeasurable("no %s; build first: make libevald.la" % lib)
    cflags = []
    if shutil.which("pkg-config"):  # Debian keeps cblas.h off the path
        cflags = subprocess.run(["pkg-config", "--cflags", "openblas"],
                                capture_output=True, text=True).stdout.split()
    cmd = [os.environ.get("CC", "cc"), "-std=c11", "-O2", "-D_GNU_SOURCE",
           "-I", os.path.join(SRCDIR, "include"), *cflags,
           os.path.join(HERE, "fid_kernels.c"), lib, "-llapacke",
           "-lopenblas", "-lm", "-lpthread", "-o", exe]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        raise Unmeasurable("cannot build fid_kernels: " + p.stderr[-1500:])
    return exe


# ------------------------------------------------------------ benchmarks

class Bench:
    def __init__(self, args, tmp):
        self.a = args
        self.tmp = tmp
        self.results = {}
        self.status = 0
        self.summary = []

    def result(self, name, line, ok):
        if self.a.quick:
            line += " [--quick sizes, not the target's]"
        self.summary.append("RESULT %s: %s %s" % (name, line, verdict(ok)))
        print(self.summary[-1], flush=True)
        if not ok:
            self.status = max(self.status, 3)

    # The machine: BLAS kernels on both sides, dgemm rate, LAPACK stages.
    def kernels(self):
        if "kernels" in self.results:
            return self.results["kernels"]
        a = self.a
        exe = build_kernels(self.tmp)
        p = subprocess.run([exe, "-d", str(a.d), "-n", str(a.n), "-r",
                            str(a.kernel_reps), "-t", str(a.blas_threads)],
                           capture_output=True, text=True)
        if p.returncode != 0:
            raise Unmeasurable("fid_kernels failed: " + p.stderr)
        k = {}
        for line in p.stdout.splitlines():
            key, val = line.split(None, 1)
            try:
                k[key] = float(val)
            except ValueError:
                k[key] = val
        k["anchor"] = run_anchor("blas")
        k["env"] = {v: os.environ.get(v) for v in BLAS_VARS}
        self.results["kernels"] = k
        d = a.d
        print("# machine: evald's OpenBLAS kernel %s (%d threads; env %s); "
              "the anchors' numpy %s, scipy %s, POT %s, BLAS %s"
              % (k["corename"], k["blas_threads"], k["env"],
                 k["anchor"]["numpy"], k["anchor"]["scipy"],
                 k["anchor"]["pot"], json.dumps(k["anchor"]["blas"])))
        print("# dgemm %dx%dx%d: %.3f s = %.1f GFLOP/s (the yardstick)"
              % (d, d, d, k["dgemm_s"], k["dgemm_gflops"]))
        print("# evald_fid_gauss d=%d in-process: %.3f s = %.1f GFLOP/s of "
              "2.7 d^3; LAPACK stages dpotrf %.3f + dsygst %.3f + dsyevd(N) "
              "%.3f = %.3f s (dsyevd_2stage(N) would take %.3f s)"
              % (d, k["fid_gauss_s"], k["fid_gauss_gflops"], k["dpotrf_s"],
                 k["dsygst_s"], k["dsyevd_s"], k["lapack_s"],
                 k["dsyevd_2stage_s"]))
        print("# covariance of one %dx%d float32 set (evald_moments, dsyrk): "
              "%.3f s = %.1f GFLOP/s of n d^2 (%.1f counted as 2 n d^2)\n"
              % (a.n, d, k["moments_s"], k["moments_gflops_syrk"],
                 2 * k["moments_gflops_syrk"]), flush=True)
        return k

    def _paired(self, name, ev, body, kind, ddir, rounds):
        """Alternate evald requests and anchor runs; per-round rows."""
        rows = []
        print("# load average before: %s" % loadavg())
        print("%-5s %10s %11s %10s %8s %11s"
              % ("round", "evald s", "elapsed_ms", "anchor s", "ratio",
                 "rel diff"))
        for r in range(1, rounds + 1):
            secs, ans = checked_post(ev, "/v1/metrics/" + ev.metric, body,
                                     name)
            an = run_anchor(kind, ddir)
            row = {"evald_s": secs, "elapsed_ms": ans.get("elapsed_ms"),
                   "value": ans.get("value"), "anchor_s": an["time"],
                   "anchor_value": an["value"], "anchor": an,
                   "ratio": an["time"] / secs, "load1": os.getloadavg()[0]}
            row["rel_diff"] = rel(row["value"], row["anchor_value"])
            rows.append(row)
            print("%-5d %10.3f %11.1f %10.3f %8.2f %11.2e"
                  % (r, secs, row["elapsed_ms"], an["time"], row["ratio"],
                     row["rel_diff"]), flush=True)
        return rows

    def _summ(self, rows):
        s = {k: med([r[k] for r in rows])
             for k in ("evald_s", "elapsed_ms", "anchor_s", "ratio")}
        s["value"] = rows[-1]["value"]
        s["anchor_value"] = rows[-1]["anchor_value"]
        s["abs_diff"] = abs(s["value"] - s["anchor_value"])
        s["rel_diff"] = max(r["rel_diff"] for r in rows)
        s["rounds"] = rows
        return s

    def fid_stats(self):
        a, k = self.a, self.kernels()
        ddir = fid_data(self.tmp, a.n, a.d)
        body = os.path.join(ddir, "stats.json")
        mb = os.path.getsize(body) / 1e6
        print("## fid-stats: FID from two %d-d {mu, sigma} (packed float64, "
              "%.1f MB body) vs pytorch-fid's sqrtm formula" % (a.d, mb))
        ev = Evald(self.tmp, "fid-stats")
        ev.metric = "fid"
        print("# " + ev.started)
        checked_post(ev, "/v1/metrics/fid", body, "warm-up")
        rows = self._paired("fid-stats", ev, body, "fid-stats", ddir,
                            a.rounds)
        ev.stop()
        s = self._summ(rows)
        flops = 2.7 * a.d ** 3
        el = s["elapsed_ms"] / 1e3
        s.update(body_mb=mb, gflops_http=flops / s["evald_s"] / 1e9,
                 gflops_compute=flops / el / 1e9,
                 share_compute=el / s["evald_s"],
                 share_lapack=k["lapack_s"] / s["evald_s"],
                 share_outside=1 - el / s["evald_s"])
        self.results["fid-stats"] = s
        print("medians: evald %.3f s over HTTP, of which the metric "
              "(elapsed_ms) %.3f s = %.0f%%: LAPACK stages %.3f s = %.0f%% "
              "(in-process), and upload + decode + answer %.3f s = %.0f%%; "
              "anchor %.3f s"
              % (s["evald_s"], el, 100 * s["share_compute"], k["lapack_s"],
                 100 * s["share_lapack"], s["evald_s"] - el,
                 100 * s["share_outside"], s["anchor_s"]))
        print("FLOP rate (2.7 d^3 = %.1f GFLOP): %.1f GFLOP/s over HTTP, "
              "%.1f GFLOP/s in the metric; dgemm %.1f GFLOP/s"
              % (flops / 1e9, s["gflops_http"], s["gflops_compute"],
                 k["dgemm_gflops"]))
        print("value: evald %.17g, anchor %.17g, |diff| %.3g (rel %.2e)"
              % (s["value"], s["anchor_value"], s["abs_diff"],
                 s["rel_diff"]))
        t = TARGETS["fid-stats"]
        self.result("fid-stats", "anchor/evald %.2fx (target >= %gx)"
                    % (s["ratio"], t), s["ratio"] >= t)
        print()

    def fid_ref(self):
        """FID against a stored reference y: its factor cached (the
        default) vs --ref-cache 0 (read from the store and factored on
        every request), vs the same statistics sent inline, vs SciPy."""
        import numpy as np
        a = self.a
        ddir = fid_data(self.tmp, a.n, a.d)
        st = np.load(os.path.join(ddir, "stats.npz"))
        ref = os.path.join(ddir, "ref.json")
        with open(ref, "wb") as f:
            f.write(b"{")
            for k, key in enumerate(("mu", "sigma")):
                head, data, tail = packed(st[key + "_y"])
                f.write(b'%s"%s": %s' % (b", " if k else b"", key.encode(),
                                        head.encode()))
                f.write(data)
                f.write(tail.encode())
            f.write(b', "n": %d}' % a.n)
        by_ref = '{"reference": "ref"}'
        stats_ref = os.path.join(ddir, "stats_ref.json")
        write_body(stats_ref, [("x", {"mu": st["mu_x"],
                                      "sigma": st["sigma_x"]}),
                               ("y", by_ref)])
        embed_ref = os.path.join(ddir, "embed_ref.json")
        write_body(embed_ref, [("x", np.load(os.path.join(ddir, "x.npy"))),
                               ("y", by_ref)])
        print("## fid-ref: FID against a stored %d-d reference, its "
              "factor cached vs --ref-cache 0, vs inline statistics and "
              "SciPy" % a.d)
        evs = {"cached": Evald(self.tmp, "ref-cached"),
               "uncached": Evald(self.tmp, "ref-uncached",
                                 ["--ref-cache", "0"])}
        for ev in evs.values():
            p = subprocess.run(
                ["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}",
                 "-X", "PUT", "-H", "Content-Type: application/json",
                 "--data-binary", "@" + ref, ev.url + "/v1/references/ref"],
                capture_output=True, text=True)
            if p.stdout.strip() != "201":
                raise Unmeasurable("PUT reference: %s %s"
                                   % (p.stdout, p.stderr))
        cols = ("stats_cached", "stats_uncached", "stats_inline",
                "anchor_stats", "embed_cached", "embed_uncached",
                "anchor_embed")
        rows = []
        for ev in evs.values():  # warm-up
            checked_post(ev, "/v1/metrics/fid", stats_ref, "warm-up")
        print("# load average before: %s" % loadavg())
        print("round " + " ".join("%14s" % c for c in cols))
        for r in range(1, a.rounds + 1):
            row, vals = {}, {}
            for key, ev, body in (
                    ("stats_cached", evs["cached"], stats_ref),
                    ("stats_uncached", evs["uncached"], stats_ref),
                    ("stats_inline", evs["cached"],
                     os.path.join(ddir, "stats.json")),
                    ("embed_cached", evs["cached"], embed_ref),
                    ("embed_uncached", evs["uncached"], embed_ref)):
                secs, ans = checked_post(ev, "/v1/metrics/fid", body, key)
                row[key], vals[key] = secs, ans.get("value")
            an = run_anchor("fid-stats", ddir)
            row["anchor_stats"], vals["anchor_stats"] = an["time"], an["value"]
            an = run_anchor("fid-ref-embed", ddir)
            row["anchor_embed"], vals["anchor_embed"] = an["time"], an["value"]
            row["values"] = vals
            rows.append(row)
            print("%-5d " % r + " ".join("%14.3f" % row[c] for c in cols),
                  flush=True)
        for ev in evs.values():
            ev.stop()
        s = {c: med([r[c] for r in rows]) for c in cols}
        ratio = lambda num, den: med([r[num] / r[den] for r in rows])
        s.update(
            uncached_over_cached_stats=ratio("stats_uncached",
                                             "stats_cached"),
            inline_over_cached_stats=ratio("stats_inline", "stats_cached"),
            anchor_over_cached_stats=ratio("anchor_stats", "stats_cached"),
            uncached_over_cached_embed=ratio("embed_uncached",
                                             "embed_cached"),
            anchor_over_cached_embed=ratio("anchor_embed", "embed_cached"),
            rounds=rows)
        v = rows[-1]["values"]
        s["rel_diff_stats"] = max(rel(r["values"][k], r["values"]
                                      ["anchor_stats"]) for r in rows
                                  for k in ("stats_cached", "stats_uncached"))
        s["rel_diff_embed"] = max(rel(r["values"][k], r["values"]
                                      ["anchor_embed"]) for r in rows
                                  for k in ("embed_cached", "embed_uncached"))
        self.results["fid-ref"] = s
        print("medians of per-round ratios: {mu, sigma} vs a stored "
              "reference: uncached/cached %.2fx, inline/cached %.2fx, "
              "SciPy/cached %.2fx; %d x %d float32 embeddings vs a stored "
              "reference: uncached/cached %.2fx, NumPy+SciPy/cached %.2fx"
              % (s["uncached_over_cached_stats"],
                 s["inline_over_cached_stats"],
                 s["anchor_over_cached_stats"], a.n, a.d,
                 s["uncached_over_cached_embed"],
                 s["anchor_over_cached_embed"]))
        print("values agree with the anchors to %.2e (stats) and %.2e "
              "(embeddings) relative; last: %.17g"
              % (s["rel_diff_stats"], s["rel_diff_embed"],
                 v["stats_cached"]))
        t = TARGETS["fid-stats"]
        self.result("fid-ref", "SciPy/evald %.2fx for {mu, sigma} against "
                    "a stored reference (fid-stats target >= %gx)"
                    % (s["anchor_over_cached_stats"], t),
                    s["anchor_over_cached_stats"] >= t)
        print()

    def fid_embed(self):
        a, k = self.a, self.kernels()
        ddir = fid_data(self.tmp, a.n, a.d)
        body = os.path.join(ddir, "embed.json")
        mb = os.path.getsize(body) / 1e6
        print("## fid-embed: FID from two %dx%d float32 sets (packed, %.1f MB "
              "body) vs float64 mean + np.cov + the sqrtm formula"
              % (a.n, a.d, mb))
        ev = Evald(self.tmp, "fid-embed")
        ev.metric = "fid"
        print("# " + ev.started)
        checked_post(ev, "/v1/metrics/fid", body, "warm-up")
        rows = self._paired("fid-embed", ev, body, "fid-embed", ddir,
                            a.rounds)
        ev.stop()
        s = self._summ(rows)
        s["anchor_cov_s"] = med([r["anchor"]["cov_time"] for r in rows])
        s["anchor_formula_s"] = med([r["anchor"]["formula_time"]
                                     for r in rows])
        cov_flops = 2 * 2 * a.n * a.d ** 2
        flops = 2.7 * a.d ** 3 + cov_flops
        el = s["elapsed_ms"] / 1e3
        s.update(body_mb=mb, flops=flops,
                 gflops_http=flops / s["evald_s"] / 1e9,
                 gflops_compute=flops / el / 1e9)
        self.results["fid-embed"] = s
        print("medians: evald %.3f s over HTTP, metric (decode into the "
              "accumulators + covariances + FID) %.3f s; in-process parts: "
              "2 covariances %.3f s, FID %.3f s; anchor %.3f s (mean + np.cov "
              "%.3f s, formula %.3f s)"
              % (s["evald_s"], el, 2 * k["moments_s"], k["fid_gauss_s"],
                 s["anchor_s"], s["anchor_cov_s"], s["anchor_formula_s"]))
        print("FLOP rate (2.7 d^3 + 2 x 2 N d^2 = %.1f GFLOP): %.1f GFLOP/s "
              "over HTTP, %.1f in the metric; dgemm %.1f GFLOP/s"
              % (flops / 1e9, s["gflops_http"], s["gflops_compute"],
                 k["dgemm_gflops"]))
        print("value: evald %.17g, anchor %.17g, |diff| %.3g (rel %.2e)"
              % (s["value"], s["anchor_value"], s["abs_diff"],
                 s["rel_diff"]))
        t = TARGETS["fid-embed"]
        self.result("fid-embed", "anchor/evald %.2fx (target >= %gx)"
                    % (s["ratio"], t), s["ratio"] >= t)
        print()

    def fid_rss(self):
        a = self.a
        ddir = fid_data(self.tmp, a.n, a.d)
        body = os.path.join(ddir, "embed.json")
        raw = 2 * a.n * a.d * 4
        bsize = os.path.getsize(body)
        print("## fid-rss: peak RSS of one %dx%d float32 FID request on a "
              "fresh evald (raw float32 data %.1f MB, body %.1f MB; "
              "MB = 10^6 bytes)" % (a.n, a.d, raw / 1e6, bsize / 1e6))
        print("%-5s %12s %12s %12s %12s %10s %9s"
              % ("round", "RSS before", "HWM before", "HWM after",
                 "growth MB", "growth/raw", "HWM/raw"))
        rows = []
        for r in range(1, a.rss_rounds + 1):
            ev = Evald(self.tmp, "fid-rss-%d" % r)
            ev.metric = "fid"
            # Start-up (OpenBLAS, SQLite) may have peaked above where the
            # daemon idles: measure from where it idles.
            try:
                with open("/proc/%d/clear_refs" % ev.pid, "w") as f:
                    f.write("5")
            except OSError:
                pass
            rss0 = ev.status_kb("VmRSS")
            hwm0 = ev.status_kb("VmHWM")
            checked_post(ev, "/v1/metrics/fid", body, "fid-rss")
            hwm1 = ev.status_kb("VmHWM")
            ev.stop()
            g = (hwm1 - hwm0) * 1024
            row = {"rss_before_kb": rss0, "hwm_before_kb": hwm0,
                   "hwm_after_kb": hwm1, "growth_bytes": g,
                   "growth_raw": g / raw, "hwm_raw": hwm1 * 1024 / raw}
            rows.append(row)
            print("%-5d %10d kB %9d kB %9d kB %12.1f %10.2f %9.2f"
                  % (r, rss0, hwm0, hwm1, g / 1e6, row["growth_raw"],
                     row["hwm_raw"]), flush=True)
        s = {"raw_bytes": raw, "body_bytes": bsize, "rounds": rows,
             "growth_raw": med([r["growth_raw"] for r in rows]),
             "hwm_raw": med([r["hwm_raw"] for r in rows]),
             "growth_body": med([r["growth_bytes"] for r in rows]) / bsize}
        self.results["fid-rss"] = s
        print("medians: growth %.2f x raw float32 (%.2f x the body); peak "
              "RSS after the request %.2f x raw"
              % (s["growth_raw"], s["growth_body"], s["hwm_raw"]))
        t = TARGETS["fid-rss"]
        self.result("fid-rss", "peak growth %.2f x raw float32 (target <= "
                    "%gx)" % (s["growth_raw"], t), s["growth_raw"] <= t)
        print()

    def w1(self):
        a = self.a
        ddir = w1_data(self.tmp, a.w1_n)
        body = os.path.join(ddir, "body.json")
        mb = os.path.getsize(body) / 1e6
        print("## w1: wasserstein_1d, %d vs %d points (packed float64, %.1f "
              "MB body) vs scipy.stats.wasserstein_distance"
              % (a.w1_n, a.w1_n, mb))
        ev = Evald(self.tmp, "w1")
        ev.metric = "wasserstein_1d"
        print("# " + ev.started)
        checked_post(ev, "/v1/metrics/wasserstein_1d", body, "warm-up")
        rows = self._paired("w1", ev, body, "w1", ddir, a.rounds)
        ev.stop()
        s = self._summ(rows)
        s["body_mb"] = mb
        self.results["w1"] = s
        print("medians: evald %.3f s over HTTP (metric %.3f s), anchor "
              "%.3f s" % (s["evald_s"], s["elapsed_ms"] / 1e3,
                          s["anchor_s"]))
        print("value: evald %.17g, anchor %.17g, |diff| %.3g (rel %.2e)"
              % (s["value"], s["anchor_value"], s["abs_diff"],
                 s["rel_diff"]))
        t = TARGETS["w1"]
        self.result("w1", "anchor/evald %.2fx (target >= %gx)"
                    % (s["ratio"], t), s["ratio"] >= t)
        print()

    def emd(self):
        a = self.a
        print("## emd: exact EMD, n vs n points in %d-d, uniform weights, "
              "euclidean, vs ot.dist + ot.emd2 (numItermax 10^8)" % a.emd_d)
        ev = None
        if not a.anchor_only:
            ev = Evald(self.tmp, "emd")
            ev.metric = "emd"
            print("# " + ev.started)
            small = emd_data(self.tmp, 64, a.emd_d)
            code, _, ans = ev.post("/v1/metrics/emd",
                                   os.path.join(small, "body.json"))
            if code != 200:
                print("evald cannot compute emd (status %d: %s): measuring "
                      "the anchor only" % (code, json.dumps(ans)[:200]))
                ev.stop()
                ev = None
        per_n = {}
        for n in a.emd_sizes:
            ddir = emd_data(self.tmp, n, a.emd_d)
            body = os.path.join(ddir, "body.json")
            rounds = a.rounds if n <= 2000 else max(1, a.rounds // 2)
            print("# n = m = %d (%d rounds)" % (n, rounds))
            if ev is None:
                rows = []
                for r in range(1, rounds + 1):
                    an = run_anchor("emd", ddir)
                    rows.append({"anchor_s": an["time"],
                                 "anchor_value": an["value"]})
                    print("round %d: anchor %.3f s, value %.17g"
                          % (r, an["time"], an["value"]), flush=True)
                per_n[n] = {"anchor_s": med([r["anchor_s"] for r in rows]),
                            "anchor_value": rows[-1]["anchor_value"],
                            "rounds": rows}
                continue
            checked_post(ev, "/v1/metrics/emd", body, "warm-up")
            per_n[n] = self._summ(self._paired("emd", ev, body, "emd", ddir,
                                               rounds))
        if ev is not None:
            ev.stop()
        s = {"sizes": per_n, "d": a.emd_d, "anchor_only": ev is None}
        ns = sorted(per_n)
        print("%6s %10s %10s %8s %11s" % ("n", "evald s", "anchor s",
                                          "ratio", "rel diff"))
        for n in ns:
            p = per_n[n]
            if ev is None:
                print("%6d %10s %10.3f" % (n, "-", p["anchor_s"]))
            else:
                print("%6d %10.3f %10.3f %8.2f %11.2e"
                      % (n, p["evald_s"], p["anchor_s"], p["ratio"],
                         p["rel_diff"]))
        for who in (("anchor_s",) if ev is None
                    else ("evald_s", "elapsed_ms", "anchor_s")):
            e = slope([math.log(n) for n in ns],
                      [math.log(per_n[n][who]) for n in ns])
            s["exponent_" + who] = e
            print("growth exponent of %s over n = %s: %.2f"
                  % (who, "..".join(map(str, (ns[0], ns[-1]))), e))
        self.results["emd"] = s
        if ev is None:
            print("RESULT emd: evald has no emd yet; the anchor side of the "
                  "script was run and checked alone SKIPPED")
            self.summary.append("RESULT emd: not measured (no emd in this "
                                "evald) SKIPPED")
            self.status = max(self.status, 1) if a.require_emd else \
                self.status
        else:
            t = TARGETS["emd"]
            key = 2000 if 2000 in per_n else ns[len(ns) // 2]
            self.result("emd", "n = %d: anchor/evald %.2fx (target >= %gx)%s"
                        % (key, per_n[key]["ratio"], t,
                           "".join("; n = %d: %.2fx" % (n, per_n[n]["ratio"])
                                   for n in ns if n > key)),
                        per_n[key]["ratio"] >= t)
        print()


def loadavg():
    """The 1, 5 and 15 minute load averages: how busy the machine was."""
    return " ".join("%.2f" % v for v in os.getloadavg())


def slope(xs, ys):
    """Least-squares slope of ys against xs."""
    if len(xs) < 2:
        return float("nan")
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "anchor":
        return anchor_main(sys.argv[2], sys.argv[3] if len(sys.argv) > 3
                           else "")
    ap = argparse.ArgumentParser(
        description="distribution-distance benchmarks: evald vs its Python anchors")
    ap.add_argument("which", nargs="*",
                    help="fid-stats fid-ref fid-embed fid-rss w1 emd kernels "
                         "(default: all but kernels, which runs anyway)")
    ap.add_argument("--quick", action="store_true",
                    help="small sizes and 1 round: does everything work?")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--rss-rounds", type=int, default=3)
    ap.add_argument("--kernel-reps", type=int, default=5)
    ap.add_argument("--blas-threads", type=int, default=None,
                    help="BLAS threads of fid_kernels (default: evald's, "
                         "cores / max-jobs)")
    ap.add_argument("-n", type=int, default=10000, help="rows per FID set")
    ap.add_argument("-d", type=int, default=2048, help="FID dimension")
    ap.add_argument("--w1-n", type=int, default=10**6)
    ap.add_argument("--emd-d", type=int, default=64)
    ap.add_argument("--emd-sizes", default="500,1000,2000,4000")
    ap.add_argument("--anchor-only", action="store_true",
                    help="emd: run the anchor side only")
    ap.add_argument("--require-emd", action="store_true",
                    help="exit 1 when evald cannot compute emd")
    ap.add_argument("--json", help="write every figure to this file")
    a = ap.parse_args()
    if a.quick:
        a.rounds, a.rss_rounds, a.kernel_reps = 1, 1, 1
        a.n, a.d, a.w1_n, a.emd_sizes = 2000, 512, 10**5, "250,500"
    a.emd_sizes = [int(v) for v in a.emd_sizes.split(",")]
    if a.blas_threads is None:
        # evald: BLAS threads = cores / --max-jobs, max-jobs = cores / 2
        # (at least 1).
        cores = os.cpu_count() or 1
        a.blas_threads = max(1, cores // max(1, cores // 2))
    which = a.which or ["fid-stats", "fid-ref", "fid-embed", "fid-rss", "w1",
                        "emd"]
    known = {"fid-stats", "fid-ref", "fid-embed", "fid-rss", "w1", "emd",
             "kernels"}
    bad = [w for w in which if w not in known]
    if bad:
        ap.error("unknown benchmark %s" % ", ".join(bad))
    for tool in ("curl", os.environ.get("CC", "cc")):
        if not shutil.which(tool):
            print("distbench: %s is not installed (apt-get install %s)"
                  % (tool, "curl" if tool == "curl" else "gcc"),
                  file=sys.stderr)
            return 1
    tmp = tempfile.mkdtemp(prefix="evald-bench3.",
                           dir=os.environ.get("TMPDIR"))
    atexit.register(lambda: os.environ.get("KEEP") or
                    shutil.rmtree(tmp, ignore_errors=True))
    atexit.register(stop_all)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(130))
    b = Bench(a, tmp)
    steps = {"fid-stats": b.fid_stats, "fid-ref": b.fid_ref,
             "fid-embed": b.fid_embed,
             "fid-rss": b.fid_rss, "w1": b.w1, "emd": b.emd,
             "kernels": b.kernels}
    try:
        for w in which:
            steps[w]()
    except Unmeasurable as e:
        print("distbench: %s" % e, file=sys.stderr)
        b.status = 1
    except KeyboardInterrupt:
        return 130
    finally:
        if a.json:
            with open(a.json, "w") as f:
                json.dump(b.results, f, indent=1, default=str)
    if b.summary:
        print("# summary (%s, %d cores, load average now %s)"
              % (time.strftime("%Y-%m-%d"), os.cpu_count() or 0, loadavg()))
        print("\n".join(b.summary))
    return b.status


if __name__ == "__main__":
    sys.exit(main())
