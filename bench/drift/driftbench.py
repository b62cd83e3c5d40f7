#!/usr/bin/python3
"""driftbench.py - a drift report of 50 columns x 100 000 rows: evald's
POST /v1/drift against the same SciPy tests called per column, in
alternating rounds.

    bench/drift/driftbench.py [--rows N] [--numeric K] [--categorical C]
                              [--rounds R]

Data (seed 14): K numeric columns (normal, the current table shifted a
little in every other column) and C categorical columns of integer codes
(8 to 20 categories, shares moved in every third), reference and current
of N rows each, sent as packed float64 tensors (categorical ones typed
"categorical").  Two reports:

  auto    the automatic choice; with N > 1000 reference values that is
          Evidently's large-data rule: the normed Wasserstein distance for
          numeric columns, Jensen-Shannon for categorical ones.  Anchor:
          scipy.stats.wasserstein_distance / max(np.std(ref), 0.001), and
          np.unique counts + scipy.spatial.distance.jensenshannon.
  tests   ks for numeric columns, chisquare for categorical ones (the
          small-data tests, named).  Anchor: scipy.stats.ks_2samp and
          np.unique counts + scipy.stats.chisquare.

evald: curl's time_total of one POST (upload, decode, compute, answer) on
a fresh evald, after one warm-up request.  Anchor: the per-column loop
alone in a fresh Python process with the data already in memory, after a
warm-up on 1000 rows.  R rounds (default 3), each timing evald and the
anchor once per report in turn, so a change of load on a shared machine
hits both alike.  Prints the load average, the medians and the ratio of
medians anchor / evald (target >= 3x), and checks that every column's
score agrees to 1e-9.

Environment: EVALD (default BUILDDIR/evald), EVALD_OLD (a second binary
timed in the same rounds, for a before/after comparison), BUILDDIR
(default: the source tree).  Scratch files go to one mktemp directory, removed on exit.
Exit status: 0 target met, 3 target missed, 1 could not measure.
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

TARGET = 3.0
ANCHOR = r"""
import json, sys, time
import numpy as np
import scipy.stats as ss
import scipy.spatial.distance as ssd
d = np.load(sys.argv[1])
kinds = json.loads(sys.argv[2])
mode = sys.argv[3]

def counts(r, c):
    keys, inv = np.unique(np.concatenate([r, c]), return_inverse=True)
    rc = np.bincount(inv[:r.size], minlength=keys.size).astype(float)
    cc = np.bincount(inv[r.size:], minlength=keys.size).astype(float)
    return rc, cc

def column(r, c, kind):
    if mode == "auto" and kind == "numeric":
        return ss.wasserstein_distance(r, c) / max(np.std(r), 0.001)
    if mode == "auto":
        rc, cc = counts(r, c)
        return float(ssd.jensenshannon(rc / r.size, cc / c.size))
    if kind == "numeric":
        return ss.ks_2samp(r, c).pvalue
    rc, cc = counts(r, c)
    return ss.chisquare(cc, rc * (c.size / r.size)).pvalue

def run(n):
    return {k: float(column(d["r_" + k][:n], d["c_" + k][:n], kinds[k]))
            for k in kinds}

run(1000)
t0 = time.perf_counter()
out = run(None)
print(json.dumps({"seconds": time.perf_counter() - t0, "scores": out}))
"""


def make_data(tmp, rows, k_num, k_cat):
    import numpy as np
    rng = np.random.default_rng(14)
    cols, kinds = {}, {}
    for i in range(k_num):
        name = "num%02d" % i
        shift = 0.05 if i % 2 else 0.0
        cols["r_" + name] = rng.normal(0, 1, rows)
        cols["c_" + name] = rng.normal(shift, 1, rows)
        kinds[name] = "numeric"
    for i in range(k_cat):
        name = "cat%02d" % i
        k = 8 + i % 13
        p = rng.dirichlet(np.ones(k))
        q = rng.dirichlet(np.ones(k)) if i % 3 == 0 else p
        cols["r_" + name] = rng.choice(k, rows, p=p).astype(np.float64)
        cols["c_" + name] = rng.choice(k, rows, p=q).astype(np.float64)
        kinds[name] = "categorical"
    npz = os.path.join(tmp, "data.npz")
    np.savez(npz, **cols)
    return cols, kinds, npz


def write_table(f, cols, kinds, side):
    f.write(b'{"columns": {')
    for i, name in enumerate(kinds):
        head, data, tail = db.packed(cols[side + name])
        f.write(b'%s"%s": %s' % (b", " if i else b"", name.encode(),
                                 head.encode()))
        f.write(data)
        f.write(tail.encode())
    cats = {k: "categorical" for k, v in kinds.items() if v != "numeric"}
    f.write(b'}, "types": ' + json.dumps(cats).encode() + b"}")


def write_body(path, cols, kinds, mode):
    with open(path, "wb") as f:
        f.write(b'{"reference": ')
        write_table(f, cols, kinds, "r_")
        f.write(b', "current": ')
        write_table(f, cols, kinds, "c_")
        if mode == "tests":
            over = {k: {"test": "ks" if v == "numeric" else "chisquare"}
                    for k, v in kinds.items()}
            f.write(b', "columns": ' + json.dumps(over).encode())
        f.write(b"}")
    return os.path.getsize(path)


def anchor(npz, kinds, mode):
    p = subprocess.run(["/usr/bin/python3", "-c", ANCHOR, npz,
                        json.dumps(kinds), mode], capture_output=True,
                       text=True)
    if p.returncode != 0:
        raise db.Unmeasurable("anchor failed: " + p.stderr[-800:])
    return json.loads(p.stdout)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100000)
    ap.add_argument("--numeric", type=int, default=35)
    ap.add_argument("--categorical", type=int, default=15)
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="driftbench.")
    ok = True
    try:
        cols, kinds, npz = make_data(tmp, a.rows, a.numeric, a.categorical)
        ev = db.Evald(tmp, "drift")
        old = None
        if os.environ.get("EVALD_OLD"):
            db.EVALD = os.environ["EVALD_OLD"]
            old = db.Evald(tmp, "old")
        print("%d columns (%d numeric, %d categorical) x %d rows, each "
              "table" % (len(kinds), a.numeric, a.categorical, a.rows))
        bodies, times = {}, {}
        for mode in ("auto", "tests"):
            bodies[mode] = os.path.join(tmp, mode + ".json")
            write_body(bodies[mode], cols, kinds, mode)
            code, _, ans = ev.post("/v1/drift", bodies[mode])  # warm-up
            if code != 200:
                raise db.Unmeasurable("evald answered %d: %s"
                                      % (code, json.dumps(ans)[:300]))
            if old:
                old.post("/v1/drift", bodies[mode])
        load0 = os.getloadavg()[0]
        for _ in range(a.rounds):
            for mode in ("auto", "tests"):
                code, secs, ans = ev.post("/v1/drift", bodies[mode])
                if code != 200:
                    raise db.Unmeasurable("evald answered %d" % code)
                ref = anchor(npz, kinds, mode)
                worst = max(abs(ans["columns"][k]["score"] - v)
                            / max(abs(v), 1e-300)
                            for k, v in ref["scores"].items())
                t = times.setdefault(mode, ([], [], [0.0], set(), []))
                if old:
                    code, osecs, _ = old.post("/v1/drift", bodies[mode])
                    if code != 200:
                        raise db.Unmeasurable("old evald answered %d"
                                              % code)
                    t[4].append(osecs)
                t[0].append(secs)
                t[1].append(ref["seconds"])
                t[2][0] = max(t[2][0], worst)
                t[3].update(c["test"] for c in ans["columns"].values())
        print("load average (1 min): %.1f at the start, %.1f at the end"
              % (load0, os.getloadavg()[0]))
        for mode in ("auto", "tests"):
            ev_t, sp_t, worst, tests, old_t = times[mode]
            e, sp = statistics.median(ev_t), statistics.median(sp_t)
            ratio = sp / e
            good = ratio >= TARGET and worst[0] <= 1e-9
            ok = ok and good
            print("%-5s tests %-28s body %5.1f MB  evald %.3f s  scipy "
                  "%.3f s  (medians of %d)  ratio %.2fx  max rel diff "
                  "%.1e  %s"
                  % (mode, ",".join(sorted(tests)),
                     os.path.getsize(bodies[mode]) / 1e6, e, sp,
                     len(ev_t), ratio, worst[0],
                     "ok" if good else "MISSED"))
            if old_t:
                o = statistics.median(old_t)
                print("      old evald %.3f s  scipy / old %.2fx  old / "
                      "evald %.2fx" % (o, sp / o, o / e))
        ev.stop()
        if old:
            old.stop()
    except db.Unmeasurable as e:
        print("driftbench: could not measure: %s" % e, file=sys.stderr)
        return 1
    finally:
        db.stop_all()
        shutil.rmtree(tmp, ignore_errors=True)
    print("RESULT drift-report target >= %.0fx: %s"
          % (TARGET, "met" if ok else "MISSED"))
    return 0 if ok else 3


if __name__ == "__main__":
    sys.exit(main())
