#!/usr/bin/python3
"""tsbench.py - ks_2samp and anderson_ksamp on 10^6 vs 10^6 values: evald
through HTTP against scipy.stats on the same data, in one run.

    bench/twosample/tsbench.py [--n N] [--rounds R]

Data: two float64 samples of N values each (seed 7), N(0, 1) and
N(0.002, 1), so neither test's answer is trivial.  Timed, median over R
rounds after one warm-up:
  scipy     scipy.stats.ks_2samp(x, y) (method auto: asymptotic at this
            size) and scipy.stats.anderson_ksamp([x, y]) alone, in a
            fresh Python process with the data in memory
  evald     one POST with both samples packed float64 (curl's
            time_total: upload, decode, compute, answer)
  old       the same against a second binary (EVALD_OLD), when set: a
            before/after comparison in the same run
Prints each median and the ratio scipy / evald (target >= 2x), and
checks that statistic and p-value agree to 1e-9.

Environment: EVALD (default BUILDDIR/evald), EVALD_OLD, BUILDDIR.
Exit status: 0 targets met, 3 a target missed, 1 could not measure.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SRCDIR = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(SRCDIR, "bench", "distances"))
import distbench as db  # noqa: E402  (Evald, packed, Unmeasurable)

TARGET = 2.0
ANCHOR = """
import sys, time, statistics, warnings
import numpy as np
from scipy import stats
x = np.fromfile(sys.argv[1]); y = np.fromfile(sys.argv[2])
reps = int(sys.argv[3])
warnings.simplefilter("ignore")
for name, fn in (("ks_2samp", lambda: stats.ks_2samp(x, y)),
                 ("anderson_ksamp", lambda: stats.anderson_ksamp([x, y]))):
    fn()
    t = []
    for _ in range(reps):
        t0 = time.perf_counter(); r = fn()
        t.append(time.perf_counter() - t0)
    print(name, statistics.median(t), repr(float(r.statistic)),
          repr(float(r.pvalue if name == "ks_2samp" else r.significance_level)))
"""


def packed_json(a):
    head, data, tail = db.packed(a)
    return head.encode() + data + tail.encode()


def bodies(tmp, n):
    import numpy as np
    rng = np.random.default_rng(7)
    x = rng.standard_normal(n)
    y = rng.standard_normal(n) + 0.002
    x.tofile(os.path.join(tmp, "x.f64"))
    y.tofile(os.path.join(tmp, "y.f64"))
    out = {}
    with open(os.path.join(tmp, "ks.json"), "wb") as f:
        f.write(b'{"inputs": {"x": ' + packed_json(x) + b', "y": '
                + packed_json(y) + b"}}")
    out["ks_2samp"] = f.name
    with open(os.path.join(tmp, "ad.json"), "wb") as f:
        f.write(b'{"inputs": {"samples": [' + packed_json(x) + b", "
                + packed_json(y) + b"]}}")
    out["anderson_ksamp"] = f.name
    return out


def scipy_times(tmp, rounds):
    p = subprocess.run([sys.executable, "-c", ANCHOR,
                        os.path.join(tmp, "x.f64"),
                        os.path.join(tmp, "y.f64"), str(rounds)],
                       capture_output=True, text=True)
    if p.returncode:
        raise db.Unmeasurable("scipy failed: " + p.stderr[-500:])
    out = {}
    for line in p.stdout.split("\n"):
        if line:
            name, t, s, pv = line.split()
            out[name] = (float(t), float(s), float(pv))
    return out


def evald_times(tmp, binary, tag, body, rounds):
    db.EVALD = binary
    ev = db.Evald(tmp, tag, ("--max-body", "1G"))
    out = {}
    try:
        for metric, path in body.items():
            ev.post("/v1/metrics/" + metric, path)
            t, ans = [], None
            for _ in range(rounds):
                code, secs, ans = ev.post("/v1/metrics/" + metric, path)
                if code != 200:
                    raise db.Unmeasurable("%s: %d %s" % (metric, code,
                                                         str(ans)[:300]))
                t.append(secs)
            pv = ans.get("pvalue", ans.get("significance_level"))
            out[metric] = (statistics.median(t), ans["value"], pv)
    finally:
        ev.stop()
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1000000)
    ap.add_argument("--rounds", type=int, default=5)
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="tsbench.")
    try:
        body = bodies(tmp, a.n)
        ref = scipy_times(tmp, a.rounds)
        new = evald_times(tmp, db.EVALD, "evald", body, a.rounds)
        old = (evald_times(tmp, os.environ["EVALD_OLD"], "old", body,
                           a.rounds) if os.environ.get("EVALD_OLD") else {})
    except db.Unmeasurable as e:
        print("could not measure:", e)
        return 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("load average: %.1f" % os.getloadavg()[0])
    print("%-15s %9s %9s %9s %8s %8s  agree" % ("metric", "scipy s",
                                                "evald s", "old s",
                                                "ratio", "old"))
    met = True
    for m in ("ks_2samp", "anderson_ksamp"):
        s, e = ref[m], new[m]
        o = old.get(m)
        agree = (abs(s[1] - e[1]) <= 1e-9 * max(1, abs(s[1])) and
                 (e[2] is None or abs(s[2] - e[2]) <= 1e-9 * max(1e-300, abs(s[2])) + 1e-15))
        r = s[0] / e[0]
        met &= r >= TARGET and agree
        print("%-15s %9.3f %9.3f %9s %7.2fx %7s  %s" % (
            m, s[0], e[0], "%.3f" % o[0] if o else "-", r,
            "%.2fx" % (s[0] / o[0]) if o else "-", "yes" if agree else "NO"))
    print("target >= %.0fx: %s" % (TARGET, "met" if met else "missed"))
    return 0 if met else 3


if __name__ == "__main__":
    sys.exit(main())
