#!/usr/bin/python3
"""cigate.py - the FID-50k CI gate through evalctl, at evald's default
settings, side by side with the pytorch-fid path on the same files.

    bench/cigate/cigate.py [--rounds R] [--n N] [--big N] [--json FILE]

Data: two float32 sets [N, 2048] (default N = 50 000, 409.6 MB each,
shaped like pooled Inception features) saved as .npy, read once before
timing so both sides start from the page cache.  One evald is started at
its defaults (only --listen and --data-dir given).  Then ROUNDS times, in
alternation:

  put     `evalctl ref put train train.npy`  against  np.load, np.mean,
          np.cov(rowvar=False), np.savez of mu and sigma
          (pytorch-fid's save_fid_stats path)                 target >= 2x
  gate    `evalctl compute fid --input x=gen.npy --input y=ref:train`
          against  np.load(gen), mean, np.cov, np.load of the saved
          stats, calculate_frechet_distance (scipy.linalg.sqrtm)
                                                             target >= 3x

Both sides are timed by wall clock: evalctl as a whole process; the
anchor inside its own fresh Python process, from before np.load to the
answer (its interpreter and import time are not counted, in its favour).
The figure per target is the median of the per-round ratios
anchor / evald, and the FID values are compared.

Then, each on a fresh default evald:
  rss     peak RSS (VmHWM) of the server after `ref put` of N rows and of
          --big rows (default 200 000; a 1.6 GB file, made once):
          the two within 10%, both below 64 MiB + 4 * 8 * d^2 bytes
  twice   two gates started at once on one default evald: both succeed
          with the same value

Both sides run with the same BLAS: Debian's OpenBLAS, its kernel chosen
for the CPU.  OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE, which some machines
set (to Haswell: half the AVX-512 rate), are removed for evald and the
anchor alike, and the kernel each side uses is printed.

Environment: BUILDDIR (default: the source tree), EVALD, EVALCTL,
ANCHOR_PYTHON (default /usr/bin/python3), DATA (a directory to keep the
generated files in between runs; default: a scratch directory removed on
exit).  Exit status: 0 every target met, 3 a target missed, 1 could not
measure.
"""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRCDIR = os.path.dirname(os.path.dirname(HERE))
BUILDDIR = os.environ.get("BUILDDIR", SRCDIR)
EVALD = os.environ.get("EVALD", os.path.join(BUILDDIR, "evald"))
EVALCTL = os.environ.get("EVALCTL", os.path.join(BUILDDIR, "evalctl"))
ANCHOR_PYTHON = os.environ.get("ANCHOR_PYTHON", "/usr/bin/python3")
D = 2048

GEN = r'''
import math, sys, numpy as np
n, d, seed, path = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
rng = np.random.default_rng(seed)
k = 64
u = (rng.standard_normal((k, d)) / math.sqrt(k)).astype(np.float32)
shift, scale = (0.3, 1.0) if seed % 2 else (0.35, 1.1)
out = np.lib.format.open_memmap(path, mode="w+", dtype=np.float32, shape=(n, d))
for r0 in range(0, n, 10000):
    b = min(10000, n - r0)
    z = rng.standard_normal((b, d), dtype=np.float32)
    lat = rng.standard_normal((b, k), dtype=np.float32)
    out[r0:r0 + b] = np.abs(scale * (0.6 * z + lat @ u) + shift)
out.flush()
'''

ANCHOR_PUT = r'''
import sys, time, numpy as np
src, dst = sys.argv[1], sys.argv[2]
t0 = time.perf_counter()
act = np.load(src)
mu = np.mean(act, axis=0)
sigma = np.cov(act, rowvar=False)
np.savez(dst, mu=mu, sigma=sigma)
print(time.perf_counter() - t0)
'''

ANCHOR_GATE = r'''
import sys, time, numpy as np
from scipy import linalg

def calculate_frechet_distance(mu1, sigma1, mu2, sigma2, eps=1e-6):
    # pytorch-fid's formula, as it is.
    diff = mu1 - mu2
    covmean, _ = linalg.sqrtm(sigma1.dot(sigma2), disp=False)
    if not np.isfinite(covmean).all():
        offset = np.eye(sigma1.shape[0]) * eps
        covmean = linalg.sqrtm((sigma1 + offset).dot(sigma2 + offset))
    if np.iscomplexobj(covmean):
        covmean = covmean.real
    return diff.dot(diff) + np.trace(sigma1) + np.trace(sigma2) - 2 * np.trace(covmean)

gen, stats = sys.argv[1], sys.argv[2]
t0 = time.perf_counter()
act = np.load(gen)
mu1 = np.mean(act, axis=0)
sigma1 = np.cov(act, rowvar=False)
with np.load(stats) as f:
    mu2, sigma2 = f["mu"][:], f["sigma"][:]
v = calculate_frechet_distance(mu1, sigma1, mu2, sigma2)
print(time.perf_counter() - t0, repr(float(v)))
'''


# The anchor's own product, alone: what np.cov's dot(X, X.T) costs per
# flop of one triangle (NumPy sends a product with its own transpose to
# dsyrk), on the same widened data, in the same process kind.
ANCHOR_TRIANGLE = r'''
import sys, time, numpy as np
x = np.load(sys.argv[1]).astype(np.float64)
x -= x.mean(axis=0)
t0 = time.perf_counter()
c = x.T @ x
print(time.perf_counter() - t0)
'''


class Unmeasurable(Exception):
    pass


BLAS_VARS = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


def clean_env():
    return {k: v for k, v in os.environ.items() if k not in BLAS_VARS}


def blas_core(env):
    """The kernel Debian's OpenBLAS picks in env (evald and numpy load the
    same library, so they pick the same)."""
    r = subprocess.run(
        [ANCHOR_PYTHON, "-c", "import ctypes; l = ctypes.CDLL("
         "'libopenblas.so.0'); l.openblas_get_corename.restype = "
         "ctypes.c_char_p; print(l.openblas_get_corename().decode())"],
        env=env, capture_output=True, text=True)
    return r.stdout.strip() or "unknown"


class Daemon:
    """A default evald on a free loopback port, stopped on close."""

    def __init__(self, tmp, name):
        self.dir = os.path.join(tmp, name)
        os.makedirs(self.dir, exist_ok=True)
        self.log = open(os.path.join(self.dir, "log"), "w+")
        self.p = subprocess.Popen(
            [EVALD, "--listen", "127.0.0.1:0", "--data-dir",
             os.path.join(self.dir, "data")],
            stderr=self.log, stdout=subprocess.DEVNULL, env=clean_env())
        for _ in range(200):
            self.log.seek(0)
            m = re.search(r"event=started.* port=(\d+)", self.log.read())
            if m:
                self.url = "http://127.0.0.1:" + m.group(1)
                return
            if self.p.poll() is not None:
                break
            time.sleep(0.05)
        raise Unmeasurable("evald did not start (see %s)" % self.log.name)

    def peak_kb(self):
        with open("/proc/%d/status" % self.p.pid) as f:
            return int(re.search(r"VmHWM:\s*(\d+)", f.read()).group(1))

    def ctl(self, *args):
        t0 = time.perf_counter()
        r = subprocess.run([EVALCTL, "--url", self.url] + list(args),
                           capture_output=True, text=True, env=clean_env())
        dt = time.perf_counter() - t0
        if r.returncode != 0:
            raise Unmeasurable("evalctl %s: exit %d: %s" %
                               (" ".join(args), r.returncode, r.stderr))
        return dt, r.stdout

    def close(self):
        self.p.terminate()
        self.p.wait()
        self.log.close()


def anchor(script, *args):
    env = clean_env()
    r = subprocess.run([ANCHOR_PYTHON, "-c", script] + list(args),
                       capture_output=True, text=True, env=env)
    if r.returncode != 0:
        raise Unmeasurable("anchor failed: %s" % r.stderr[-500:])
    return r.stdout.split()


def make(data, name, n, seed):
    path = os.path.join(data, "%s-%d.npy" % (name, n))
    if not os.path.exists(path):
        print("# making %s (%d x %d float32)" % (os.path.basename(path), n,
                                                  D), flush=True)
        subprocess.run([ANCHOR_PYTHON, "-c", GEN, str(n), str(D), str(seed),
                        path + ".part"], check=True)
        os.rename(path + ".part", path)
    # Into the page cache, for both sides alike.
    with open(path, "rb") as f:
        while f.read(1 << 24):
            pass
    return path


def fid_of(out):
    return json.loads(out)["value"]


def run(args, tmp, data):
    gen = make(data, "gen", args.n, 1)
    train = make(data, "train", args.n, 2)
    stats = os.path.join(tmp, "train_stats.npz")
    res = {"n": args.n, "d": D, "rounds": []}
    ev = Daemon(tmp, "main")
    try:
        ev.ctl("ref", "put", "train", train)  # warm-up
        ev.ctl("compute", "fid", "--input", "x=" + gen,
               "--input", "y=ref:train")
        anchor(ANCHOR_PUT, train, stats)
        for r in range(args.rounds):
            a_put = float(anchor(ANCHOR_PUT, train, stats)[0])
            e_put, _ = ev.ctl("ref", "put", "train", train)
            a_gate, a_val = map(float, anchor(ANCHOR_GATE, gen, stats))
            e_gate, out = ev.ctl("--json", "compute", "fid", "--input",
                                 "x=" + gen, "--input", "y=ref:train")
            e_val = fid_of(out)
            row = {"anchor_put": a_put, "evald_put": e_put,
                   "anchor_gate": a_gate, "evald_gate": e_gate,
                   "anchor_fid": a_val, "evald_fid": e_val,
                   "rel_diff": abs(e_val - a_val) / abs(a_val)}
            res["rounds"].append(row)
            print("round %d: put %.2f s vs %.2f s (%.2fx); gate %.2f s vs "
                  "%.2f s (%.2fx); fid %.15g vs %.15g (rel %.1e)" %
                  (r + 1, e_put, a_put, a_put / e_put, e_gate, a_gate,
                   a_gate / e_gate, e_val, a_val, row["rel_diff"]),
                  flush=True)
        # Two gates at once on the same default evald.
        outs = []
        procs = [subprocess.Popen(
            [EVALCTL, "--url", ev.url, "--json", "compute", "fid",
             "--input", "x=" + gen, "--input", "y=ref:train"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)]
        for p in procs:
            o, e = p.communicate()
            outs.append((p.returncode, o, e))
        twice = all(rc == 0 for rc, _, _ in outs) and \
            fid_of(outs[0][1]) == fid_of(outs[1][1])
        res["anchor_triangle_s"] = float(anchor(ANCHOR_TRIANGLE, train)[0])
        res["twice"] = {"ok": twice,
                        "exits": [rc for rc, _, _ in outs]}
    finally:
        ev.close()

    rss = {}
    sizes = [args.n] + ([args.big] if args.big else [])
    for n in sizes:
        path = train if n == args.n else make(data, "big", n, 3)
        dm = Daemon(tmp, "rss-%d" % n)
        try:
            dm.ctl("ref", "put", "r", path)
            rss[n] = dm.peak_kb()
        finally:
            dm.close()
        print("rss: ref put of %d rows: server peak %d kB" % (n, rss[n]),
              flush=True)
    res["rss_kb"] = rss
    return res


def report(res):
    rows = res["rounds"]
    put = statistics.median(r["anchor_put"] / r["evald_put"] for r in rows)
    gate = statistics.median(r["anchor_gate"] / r["evald_gate"]
                             for r in rows)
    e_put = statistics.median(r["evald_put"] for r in rows)
    flops = res["n"] * D * (D + 1.0)
    bound = 64 * 1024 + 4 * 8 * D * D // 1024
    rss = res["rss_kb"]
    ok = {"put": put >= 2.0, "gate": gate >= 3.0,
          "twice": res["twice"]["ok"],
          "rss_bound": all(v < bound for v in rss.values())}
    if len(rss) == 2:
        a, b = rss.values()
        ok["rss_flat"] = abs(a - b) <= 0.1 * min(a, b)
    print("median put:  evald %.2f s (%.0f GFLOP/s of the triangle's "
          "%.2g flops), ratio %.2fx (target >= 2x)" %
          (e_put, flops / e_put / 1e9, flops, put))
    tri = res["anchor_triangle_s"]
    print("anchor's x.T @ x alone: %.2f s (%.0f GFLOP/s of the same "
          "triangle): the floor of any exact put here" %
          (tri, flops / tri / 1e9))
    print("median gate: ratio %.2fx (target >= 3x); largest FID rel diff "
          "%.1e" % (gate, max(r["rel_diff"] for r in rows)))
    print("two gates at once: %s (exits %s)" %
          ("both succeeded" if res["twice"]["ok"] else "FAILED",
           res["twice"]["exits"]))
    print("peak RSS: %s kB; bound 64 MiB + 4*8*d^2 = %d kB" %
          (", ".join("N=%d: %d" % kv for kv in rss.items()), bound))
    for k, v in ok.items():
        print("RESULT %s %s" % (k, "met" if v else "MISSED"))
    res["ratios"] = {"put": put, "gate": gate}
    res["ok"] = ok
    return all(ok.values())


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--n", type=int, default=50000)
    ap.add_argument("--big", type=int, default=200000,
                    help="rows of the RSS comparison set (0: skip)")
    ap.add_argument("--json", help="write the figures here")
    args = ap.parse_args()
    removed = [k for k in BLAS_VARS if k in os.environ]
    if removed:
        print("# removed for both sides: %s (kernel %s with them)" % (
            ", ".join("%s=%s" % (k, os.environ[k]) for k in removed),
            blas_core(dict(os.environ))))
    print("# OpenBLAS kernel, both sides: %s" % blas_core(clean_env()))
    for exe in (EVALD, EVALCTL):
        if not os.access(exe, os.X_OK):
            print("cigate: %s is not built (make)" % exe, file=sys.stderr)
            return 1
    tmp = tempfile.mkdtemp(prefix="evald-cigate.")
    data = os.environ.get("DATA") or tmp
    os.makedirs(data, exist_ok=True)
    try:
        res = run(args, tmp, data)
    except Unmeasurable as e:
        print("cigate: %s" % e, file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    good = report(res)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(res, f, indent=1)
    return 0 if good else 3


if __name__ == "__main__":
    sys.exit(main())
