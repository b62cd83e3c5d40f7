#!/usr/bin/python3
"""aucbench.py - roc_auc and average_precision on 10^7 scores: evald
against sklearn.metrics.roc_auc_score / average_precision_score on the
same data, in one run.

    bench/auc/aucbench.py [--n N] [--rounds R]

Rounds alternate: each times sklearn, the library and every body in
turn, so the ratios compare times taken under the same load.

Data: N binary labels (30% positive) and scores label + N(0, 1), drawn
once (seed 13) as float32 and widened to float64, so both precisions
carry the same values.  Timed, median over R rounds after one warm-up:
  sklearn   the anchor call alone, in a fresh Python process each round
            with the data already in memory (float64 arrays)
  http f32  evald through HTTP: curl's time_total of one POST with packed
            float32 scores and uint8 labels (upload, decode, compute,
            answer)
  http f64  the same with float64 scores
  npz f32   the same request as a .npz body (application/x-npz: uint8
            labels and float32 scores as np.savez writes them, no base64)
  npz f64   the .npz with float64 scores
  library   evald_roc_auc / evald_average_precision alone (auc_lib.c,
            linked against the built libevald.a)
Prints each time and the ratio sklearn / evald (target >= 3x through
HTTP, judged on the best body kind, npz f32), and checks that the values
agree to 1e-9.

Environment: EVALD (default BUILDDIR/evald), BUILDDIR (default: the
source tree), CC.  Scratch files go to one mktemp directory, removed on
exit; the evald started here is stopped on exit.
Exit status: 0 targets met, 3 a target missed, 1 could not measure.
"""
import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SRCDIR = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(SRCDIR, "bench", "distances"))
import distbench as db  # noqa: E402  (Evald, write_body, Unmeasurable)

TARGET = 3.0
ANCHOR = """
import sys, time, statistics
import numpy as np
from sklearn.metrics import roc_auc_score, average_precision_score
y = np.fromfile(sys.argv[1]); s = np.fromfile(sys.argv[2])
reps = int(sys.argv[3])
for name, fn in (("roc_auc", roc_auc_score),
                 ("average_precision", average_precision_score)):
    v = fn(y[:1000], s[:1000])
    t = []
    for _ in range(reps):
        t0 = time.perf_counter(); v = fn(y, s)
        t.append(time.perf_counter() - t0)
    print(name, statistics.median(t), repr(float(v)))
"""


def data(tmp, n):
    import numpy as np
    rng = np.random.default_rng(13)
    y = (rng.random(n) < 0.3).astype(np.uint8)
    s32 = (rng.standard_normal(n, dtype=np.float32) + y).astype(np.float32)
    y.astype(np.float64).tofile(os.path.join(tmp, "y.f64"))
    s32.astype(np.float64).tofile(os.path.join(tmp, "s.f64"))
    bodies = {}
    for tag, s in (("f32", s32), ("f64", s32.astype(np.float64))):
        for metric, names in (("roc_auc", ("y_true", "y_score")),
                              ("average_precision", ("relevance",
                                                     "scores"))):
            path = os.path.join(tmp, "%s-%s.json" % (metric, tag))
            db.write_body(path, [(names[0], y), (names[1], s)])
            bodies[metric, tag] = path
            path = os.path.join(tmp, "%s-%s.npz" % (metric, tag))
            np.savez(path, **{names[0]: y, names[1]: s})
            bodies[metric, "npz " + tag] = path
    return bodies


def post_npz(ev, path, body):
    """POST a .npz body file; returns (status, seconds, answer)."""
    ans = os.path.join(ev.tmp, "answer.json")
    p = subprocess.run(
        ["curl", "-sS", "-o", ans, "-w", "%{http_code} %{time_total}",
         "-H", "Content-Type: application/x-npz", "-H", "Expect:",
         "--data-binary", "@" + body, ev.url + path],
        capture_output=True, text=True)
    if p.returncode != 0:
        raise db.Unmeasurable("curl failed: " + p.stderr.strip())
    code, secs = p.stdout.split()
    with open(ans) as f:
        return int(code), float(secs), json.load(f)


def packed_u8_ok():
    """distbench.packed knows float32/float64 only; teach it uint8."""
    import numpy as np
    orig = db.packed

    def packed(a):
        if a.dtype == np.uint8:
            return ('{"dtype": "uint8", "shape": %s, "data": "'
                    % list(a.shape), db.base64.b64encode(a.tobytes()), '"}')
        return orig(a)
    db.packed = packed


def library(tmp, n, reps):
    exe = os.path.join(tmp, "auc_lib")
    lib = os.path.join(db.BUILDDIR, ".libs", "libevald.a")
    if not os.path.exists(lib):
        raise db.Unmeasurable("no %s; build first: make" % lib)
    cmd = [os.environ.get("CC", "cc"), "-std=c11", "-O2", "-D_GNU_SOURCE",
           "-I", os.path.join(SRCDIR, "include"),
           os.path.join(HERE, "auc_lib.c"), lib, "-llapacke", "-lopenblas",
           "-lm", "-lpthread", "-o", exe]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode:
        raise db.Unmeasurable("cannot build auc_lib: " + p.stderr[-1500:])
    out = subprocess.run([exe, str(n), os.path.join(tmp, "y.f64"),
                          os.path.join(tmp, "s.f64"), str(reps)],
                         capture_output=True, text=True, check=True).stdout
    return {l.split()[0]: (float(l.split()[1]), float(l.split()[2]))
            for l in out.splitlines()}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=10_000_000)
    ap.add_argument("--rounds", type=int, default=5)
    a = ap.parse_args()
    # SIGTERM / SIGINT unwind through the finally below, so the evald
    # started here is stopped and the scratch directory removed.
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: sys.exit(130))
    tmp = tempfile.mkdtemp(prefix="evald-aucbench.")
    try:
        packed_u8_ok()
        bodies = data(tmp, a.n)
        ev = db.Evald(tmp, "aucbench", ("--max-body", "1G"))
        metrics = ("roc_auc", "average_precision")
        tags = ("f32", "f64", "npz f32", "npz f64")
        for metric in metrics:  # warm-up, and the answers must be 200
            for tag in tags:
                post = post_npz if tag.startswith("npz") else db.Evald.post
                code, _, ans = post(ev, "/v1/metrics/" + metric,
                                    bodies[metric, tag])
                if code != 200:
                    raise db.Unmeasurable("%s: %s" % (code, ans))
        # Alternating rounds: each round times sklearn, the library and
        # every body in turn, so a load swing moves all of them alike.
        t_sk = {m: [] for m in metrics}
        t_lib = {m: [] for m in metrics}
        t_ev = {(m, g): [] for m in metrics for g in tags}
        v_sk, v_lib, v_ev = {}, {}, {}
        for _ in range(a.rounds):
            out = subprocess.run(
                ["/usr/bin/python3", "-c", ANCHOR, os.path.join(tmp, "y.f64"),
                 os.path.join(tmp, "s.f64"), "1"],
                capture_output=True, text=True, check=True).stdout
            for l in out.splitlines():
                t_sk[l.split()[0]].append(float(l.split()[1]))
                v_sk[l.split()[0]] = float(l.split()[2])
            for m, (t, v) in library(tmp, a.n, 1).items():
                t_lib[m].append(t)
                v_lib[m] = v
            for metric in metrics:
                for tag in tags:
                    post = (post_npz if tag.startswith("npz")
                            else db.Evald.post)
                    code, secs, ans = post(ev, "/v1/metrics/" + metric,
                                           bodies[metric, tag])
                    t_ev[metric, tag].append(secs)
                    v_ev[metric, tag] = ans["value"]
        status = 0
        print("n = %d scores, %d alternating rounds, medians (seconds), "
              "load average %.2f at the end" % (a.n, a.rounds,
                                                os.getloadavg()[0]))
        for metric in metrics:
            sk = statistics.median(t_sk[metric])
            print("%-18s sklearn   %8.3f  value %.17g" % (metric, sk,
                                                          v_sk[metric]))
            for tag in tags:
                t = statistics.median(t_ev[metric, tag])
                vs = v_sk[metric]
                ok = abs(v_ev[metric, tag] - vs) <= 1e-9 * abs(vs)
                ratio = sk / t
                met = ratio >= TARGET
                if tag == "npz f32":
                    status = status or (0 if met and ok else 3)
                elif not ok:
                    status = 3
                print("%-18s %-8s  %8.3f  ratio %5.2fx  %s%s"
                      % (metric, ("http " + tag)[-8:] if not
                         tag.startswith("npz") else tag, t, ratio,
                         "met" if met else "MISSED",
                         "" if ok else "  VALUE DIFFERS"))
            tl = statistics.median(t_lib[metric])
            print("%-18s library   %8.3f  ratio %5.2fx%s"
                  % (metric, tl, sk / tl,
                     "" if abs(v_lib[metric] - v_sk[metric])
                     <= 1e-9 * abs(v_sk[metric]) else "  VALUE DIFFERS"))
        ev.stop()
        return status
    except db.Unmeasurable as e:
        print("aucbench: " + str(e), file=sys.stderr)
        return 1
    finally:
        db.stop_all()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
