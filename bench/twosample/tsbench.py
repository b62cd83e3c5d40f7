#!/usr/bin/python3
"""tsbench.py - ks_2samp and anderson_ksamp on 10^6 vs 10^6 values: evald
through HTTP against scipy.stats on the same data, in one run.

    bench/twosample/tsbench.py [--n N] [--rounds R]

Data: two float64 samples of N values each (seed 7), N(0, 1) and
N(0.002, 1), so neither test's answer is trivial.  Timed, after one
warm-up each, in alternating rounds (each round times every contender
once, in turn, so a change of load on a shared machine hits them alike):
  scipy     scipy.stats.ks_2samp(x, y) (method auto: asymptotic at this
            size) and scipy.stats.anderson_ksamp([x, y]) alone, in one
            Python process kept running with the data in memory
  json      one POST with both samples packed float64 in a JSON body
            (curl's time_total: upload, decode, compute, answer)
  npz       the same request as an application/x-npz body of float64
            members (x.npy and y.npy; samples.npy of shape [2, N]): no
            base64 to decode, so nearer the test itself
  old-*     both against a second binary (EVALD_OLD), when set: a
            before/after comparison in the same run
Prints the load average, each median and the ratios scipy / evald
(target >= 2x), and checks that statistic and p-value agree to 1e-9.

Environment: EVALD (default BUILDDIR/evald), EVALD_OLD, BUILDDIR.
Exit status: 0 targets met (by the npz row), 3 a target missed, 1 could
not measure.
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
METRICS = ("ks_2samp", "anderson_ksamp")
# One call per line read on stdin ("ks_2samp"): seconds, statistic, p.
ANCHOR = """
import sys, time, warnings
import numpy as np
from scipy import stats
x = np.fromfile(sys.argv[1]); y = np.fromfile(sys.argv[2])
warnings.simplefilter("ignore")
fns = {"ks_2samp": lambda: stats.ks_2samp(x, y),
       "anderson_ksamp": lambda: stats.anderson_ksamp([x, y])}
for line in sys.stdin:
    name = line.strip()
    t0 = time.perf_counter(); r = fns[name]()
    t = time.perf_counter() - t0
    p = r.pvalue if name == "ks_2samp" else r.significance_level
    print(t, repr(float(r.statistic)), repr(float(p)), flush=True)
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
    path = os.path.join(tmp, "ks.json")
    with open(path, "wb") as f:
        f.write(b'{"inputs": {"x": ' + packed_json(x) + b', "y": '
                + packed_json(y) + b"}}")
    out["ks_2samp", "json"] = path
    path = os.path.join(tmp, "ad.json")
    with open(path, "wb") as f:
        f.write(b'{"inputs": {"samples": [' + packed_json(x) + b", "
                + packed_json(y) + b"]}}")
    out["anderson_ksamp", "json"] = path
    out["ks_2samp", "npz"] = os.path.join(tmp, "ks.npz")
    np.savez(out["ks_2samp", "npz"], x=x, y=y)
    out["anderson_ksamp", "npz"] = os.path.join(tmp, "ad.npz")
    np.savez(out["anderson_ksamp", "npz"], samples=np.stack([x, y]))
    return out


class Scipy:
    def __init__(self, tmp):
        self.p = subprocess.Popen(
            [sys.executable, "-c", ANCHOR, os.path.join(tmp, "x.f64"),
             os.path.join(tmp, "y.f64")], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, text=True)

    def call(self, metric):
        self.p.stdin.write(metric + "\n")
        self.p.stdin.flush()
        line = self.p.stdout.readline()
        if not line:
            raise db.Unmeasurable("scipy failed on " + metric)
        t, s, pv = line.split()
        return float(t), float(s), float(pv)

    def stop(self):
        self.p.stdin.close()
        self.p.wait()


def post(ev, tmp, metric, path):
    """One POST of a body file, typed by its name; (seconds, stat, p)."""
    ans = os.path.join(tmp, "answer.json")
    ct = "application/x-npz" if path.endswith(".npz") else "application/json"
    p = subprocess.run(
        ["curl", "-sS", "-o", ans, "-w", "%{http_code} %{time_total}",
         "-H", "Content-Type: " + ct, "-H", "Expect:",
         "--data-binary", "@" + path, ev.url + "/v1/metrics/" + metric],
        capture_output=True, text=True)
    if p.returncode != 0:
        raise db.Unmeasurable("curl failed: " + p.stderr.strip())
    code, secs = p.stdout.split()
    with open(ans) as f:
        text = f.read()
    if code != "200":
        raise db.Unmeasurable("%s: %s %s" % (metric, code, text[:300]))
    a = json.loads(text)
    return float(secs), a["value"], a.get("pvalue",
                                          a.get("significance_level"))


def start(tmp, binary, tag):
    db.EVALD = binary
    return db.Evald(tmp, tag, ("--max-body", "1G"))


def agree(s, e):
    return (abs(s[1] - e[1]) <= 1e-9 * max(1, abs(s[1])) and
            (e[2] is None or
             abs(s[2] - e[2]) <= 1e-9 * max(1e-300, abs(s[2])) + 1e-15))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1000000)
    ap.add_argument("--rounds", type=int, default=5)
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="tsbench.")
    servers, sp = {}, None
    times, last = {}, {}
    try:
        body = bodies(tmp, a.n)
        sp = Scipy(tmp)
        servers["evald"] = start(tmp, db.EVALD, "evald")
        if os.environ.get("EVALD_OLD"):
            servers["old"] = start(tmp, os.environ["EVALD_OLD"], "old")
        load0 = os.getloadavg()[0]
        for r in range(a.rounds + 1):  # round 0 is the warm-up
            for m in METRICS:
                runs = [("scipy", lambda: sp.call(m))]
                for tag, ev in servers.items():
                    for kind in ("npz", "json"):
                        runs.append(("%s %s" % (tag, kind),
                                     lambda ev=ev, kind=kind:
                                     post(ev, tmp, m, body[m, kind])))
                for name, fn in runs:
                    res = fn()
                    last[m, name] = res
                    if r:
                        times.setdefault((m, name), []).append(res[0])
        load1 = os.getloadavg()[0]
    except db.Unmeasurable as e:
        print("could not measure:", e)
        return 1
    finally:
        if sp:
            sp.stop()
        for ev in servers.values():
            ev.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    print("load average (1 min): %.1f at the start, %.1f at the end"
          % (load0, load1))
    print("%-15s %-10s %9s %12s  agree" % ("metric", "run", "median s",
                                          "scipy / run"))
    met = True
    for m in METRICS:
        sm = statistics.median(times[m, "scipy"])
        for (mm, name), t in times.items():
            if mm != m:
                continue
            med = statistics.median(t)
            ok = agree(last[m, "scipy"], last[m, name])
            if name == "evald npz":
                met &= sm / med >= TARGET and ok
            print("%-15s %-10s %9.3f %11.2fx  %s" % (
                m, name, med, sm / med, "yes" if ok else "NO"))
    print("target >= %.0fx (npz row): %s" % (TARGET, "met" if met
                                              else "missed"))
    return 0 if met else 3


if __name__ == "__main__":
    sys.exit(main())
