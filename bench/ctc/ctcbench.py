#!/usr/bin/python3
"""ctcbench.py - evald's ctc timed against torch.nn.functional.ctc_loss
(its anchor) on the same batch, in one run.

    bench/ctc/ctcbench.py [--rounds R] [--T 500] [--N 64] [--C 50] [--S 100]

The batch (seeded): log_softmax of normal logits, float64 [T, N, C]; input
lengths in [0.9·T, T]; padded targets [N, S+10] with lengths S-10..S+10,
labels 1..C-1 (blank 0).  Reduction mean.  Each round times, in turn:

  lib    evald_ctc called in one process (ctc_lib.c, compiled against the
         built .libs/libevald.a into the scratch directory; one warm-up);
  http   one POST /v1/metrics/ctc with a packed float64 body to a fresh
         evald (curl's time_total: upload, decode, compute, answer), after
         one warm-up request; its elapsed_ms (the metric alone) beside it;
  torch  F.ctc_loss on CPU float64 tensors already built, in this process
         (one warm-up), with torch's default thread count and with 1.

The figures are the medians over the rounds and the ratios torch / evald
(target: >= 1x).  Also prints the relative difference of the values.
Environment: EVALD, BUILDDIR, CC as in bench/distances/distbench.py.
Exit status: 0 target met, 3 missed, 1 could not measure.
"""
import argparse
import atexit
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "distances"))
import distbench as db  # noqa: E402  (Evald, packed, build flags)


def make_batch(T, N, C, S, seed=20261202):
    rng = np.random.default_rng(seed)
    lp = torch.tensor(rng.normal(size=(T, N, C))).log_softmax(-1).numpy()
    il = rng.integers(int(0.9 * T), T + 1, N)
    tl = rng.integers(S - 10, S + 11, N)
    width = S + 10
    tg = np.zeros((N, width), dtype=np.int64)
    for n in range(N):
        tg[n, :tl[n]] = rng.integers(1, C, tl[n])
    return lp, tg, il, tl


def build_driver(tmp):
    exe = os.path.join(tmp, "ctc_lib")
    lib = os.path.join(db.BUILDDIR, ".libs", "libevald.a")
    if not os.path.exists(lib):
        raise db.Unmeasurable("no %s; build first: make libevald.la" % lib)
    cmd = [os.environ.get("CC", "cc"), "-std=c11", "-O2", "-D_GNU_SOURCE",
           "-I", os.path.join(db.SRCDIR, "include"),
           os.path.join(HERE, "ctc_lib.c"), lib, "-llapacke", "-lopenblas",
           "-lm", "-lpthread", "-o", exe]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        raise db.Unmeasurable("cannot build ctc_lib: " + p.stderr[-1500:])
    return exe


def time_torch(lp, tg, il, tl, threads):
    torch.set_num_threads(threads)
    args = (torch.tensor(lp), torch.tensor(tg), torch.tensor(il),
            torch.tensor(tl))
    F.ctc_loss(*args)                      # warm-up
    t0 = time.perf_counter()
    v = F.ctc_loss(*args).item()
    return time.perf_counter() - t0, v


def write_body(path, lp, tg, il, tl):
    with open(path, "wb") as f:
        f.write(b'{"inputs": {')
        for i, (k, a) in enumerate([("log_probs", lp), ("targets", tg),
                                    ("input_lengths", il),
                                    ("target_lengths", tl)]):
            a = np.asarray(a, dtype=np.float64)
            head, data, tail = db.packed(a)
            f.write(b'%s"%s": ' % (b", " if i else b"", k.encode()))
            f.write(head.encode() + data + tail.encode())
        f.write(b'}, "params": {"reduction": "mean"}}')


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--T", type=int, default=500)
    ap.add_argument("--N", type=int, default=64)
    ap.add_argument("--C", type=int, default=50)
    ap.add_argument("--S", type=int, default=100)
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="ctcbench.")
    atexit.register(lambda: os.environ.get("KEEP") or
                    shutil.rmtree(tmp, ignore_errors=True))
    atexit.register(db.stop_all)
    lp, tg, il, tl = make_batch(a.T, a.N, a.C, a.S)
    for name, v in [("lp", lp), ("tg", tg), ("il", il), ("tl", tl)]:
        np.asarray(v, dtype="<f8").tofile(os.path.join(tmp, name + ".f64"))
    body = os.path.join(tmp, "body.json")
    write_body(body, lp, tg, il, tl)
    try:
        exe = build_driver(tmp)
        ev = db.Evald(tmp, "evald")
        db.checked_post(ev, "/v1/metrics/ctc", body, "warm-up")
    except db.Unmeasurable as e:
        print("ctcbench: %s" % e, file=sys.stderr)
        return 1
    default_threads = torch.get_num_threads()
    print("# ctc: T=%d N=%d C=%d targets %d..%d, float64, reduction mean; "
          "torch %s (%d threads by default), %d rounds"
          % (a.T, a.N, a.C, tl.min(), tl.max(), torch.__version__,
             default_threads, a.rounds))
    cols = {"lib": [], "http": [], "elapsed": [], "torch": [], "torch1": []}
    for r in range(a.rounds):
        p = subprocess.run([exe, tmp, str(a.T), str(a.N), str(a.C),
                            str(tg.shape[1]), "1"], capture_output=True,
                           text=True, check=True)
        t_lib, v_lib = map(float, p.stdout.split())
        t_http, ans = db.checked_post(ev, "/v1/metrics/ctc", body, "ctc")
        t_t, v_t = time_torch(lp, tg, il, tl, default_threads)
        t_t1, _ = time_torch(lp, tg, il, tl, 1)
        for k, v in [("lib", t_lib), ("http", t_http),
                     ("elapsed", ans["elapsed_ms"] / 1e3), ("torch", t_t),
                     ("torch1", t_t1)]:
            cols[k].append(v)
        print("round %d: lib %.4fs http %.4fs (elapsed %.4fs) torch %.4fs "
              "torch(1 thread) %.4fs  |value diff| lib %.1e http %.1e  "
              "load %s"
              % (r + 1, t_lib, t_http, ans["elapsed_ms"] / 1e3, t_t, t_t1,
                 db.rel(v_lib, v_t), db.rel(ans["value"], v_t),
                 db.loadavg()))
    m = {k: db.med(v) for k, v in cols.items()}
    print("# medians: lib %.4fs, http %.4fs (elapsed %.4fs), torch %.4fs, "
          "torch 1 thread %.4fs"
          % (m["lib"], m["http"], m["elapsed"], m["torch"], m["torch1"]))
    ratios = [("library", m["lib"]), ("HTTP, packed float64", m["http"])]
    met = True
    for what, t in ratios:
        r, r1 = m["torch"] / t, m["torch1"] / t
        met = met and r >= 1.0
        print("RESULT ctc %s: torch/evald %.2fx (torch 1 thread %.2fx) "
              "target >= 1x %s" % (what, r, r1, db.verdict(r >= 1.0)))
    return 0 if met else 3


if __name__ == "__main__":
    sys.exit(main())
