#!/usr/bin/python3
"""bench/python_client.py - what the Python client's wire choices buy.

(issue 15, no target)  In alternating rounds against one evald:
  1. a stream batch of ROWS x D float32 sent as the client sends it (a
     binary .npy body, application/x-npy) against the same rows as a JSON
     packed tensor and as nested JSON lists, from the array to the
     answer (encoding included);
  2. small mse requests over the client's keep-alive connection against
     a new connection per request (CALLS of each, interleaved; the median
     call of a round).
Prints the median seconds of each way and the median of per-round ratios.

    bench/python_client.py [URL]        # default: start the built evald
    ROUNDS=7 ROWS=10000 D=256 CALLS=200 bench/python_client.py

Exit 0 measured, 1 the measurement could not be made.
"""

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TOP, "clients", "python"))

import numpy as np  # noqa: E402

import evald  # noqa: E402
from evald.tensors import packed  # noqa: E402

ROUNDS = int(os.environ.get("ROUNDS", "7"))
ROWS = int(os.environ.get("ROWS", "10000"))
D = int(os.environ.get("D", "256"))
CALLS = int(os.environ.get("CALLS", "200"))


def start():
    """The built evald on a free port; (process, url, scratch dir)."""
    exe = os.environ.get("EVALD") or os.path.join(os.environ.get("BUILDDIR", TOP), "evald")
    if not os.access(exe, os.X_OK):
        sys.exit("bench: %s is not built (./bootstrap && make)" % exe)
    tmp = tempfile.mkdtemp()
    log = open(os.path.join(tmp, "log"), "w+")
    p = subprocess.Popen([exe, "--listen", "127.0.0.1:0", "--data-dir", os.path.join(tmp, "data")],
                         stderr=log)
    for _ in range(400):
        log.seek(0)
        m = re.search(r"event=started.* port=(\d+)", log.read())
        if m:
            return p, "http://127.0.0.1:" + m.group(1), tmp
        if p.poll() is not None:
            break
        time.sleep(0.05)
    p.kill()
    sys.exit("bench: evald did not start")


def timed(fn):
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def upload_round(c, s, x):
    """Seconds from the array to the answer, encoding included."""
    path = "/v1/streams/%s/batches" % s.id

    def send(obj):
        c._call("POST", path, body=json.dumps(obj).encode(), ctype="application/json")

    return {
        "npy": timed(lambda: s.append(x)),
        "packed": timed(lambda: send({"embeddings": packed(x)})),
        "lists": timed(lambda: send({"embeddings": x.tolist()})),
    }


def calls_round(url):
    """Median seconds of one small call, each way, calls interleaved so
    that the machine's noise falls on both alike."""
    x = [0.5, 1.5, 2.5]
    keep, fresh = [], []
    with evald.Client(url, token="") as ck, evald.Client(url, token="") as cf:
        ck.metric("mse")
        cf.metric("mse")
        for _ in range(CALLS):
            keep.append(timed(lambda: ck.compute("mse", input=x, target=x)))
            cf.close()  # the call opens a new connection
            fresh.append(timed(lambda: cf.compute("mse", input=x, target=x)))
    return {"keepalive": statistics.median(keep), "reconnect": statistics.median(fresh)}


def report(name, rounds, a, b):
    ma = statistics.median(r[a] for r in rounds)
    mb = statistics.median(r[b] for r in rounds)
    ratio = statistics.median(r[b] / r[a] for r in rounds)
    print("%-34s %s %.3g s, %s %.3g s; median ratio %s/%s %.2f" % (name, a, ma, b, mb, b, a, ratio))


def main():
    proc = tmp = None
    if len(sys.argv) > 1:
        url = sys.argv[1]
    else:
        proc, url, tmp = start()
    try:
        x = np.random.default_rng(0).normal(size=(ROWS, D)).astype(np.float32)
        ups, calls = [], []
        with evald.Client(url, token=os.environ.get("EVALD_TOKEN")) as c:
            with c.stream(D) as s:
                for _ in range(ROUNDS):
                    ups.append(upload_round(c, s, x))
                    calls.append(calls_round(url))
        mb = x.nbytes / 1e6
        print("rounds %d; batch %d x %d float32 (%.1f MB raw); %d small requests" % (
            ROUNDS, ROWS, D, mb, CALLS))
        report("stream batch: .npy vs packed JSON", ups, "npy", "packed")
        report("stream batch: .npy vs nested lists", ups, "npy", "lists")
        report("one small mse call", calls, "keepalive", "reconnect")
    except evald.EvaldError as e:
        print("bench: %s" % e, file=sys.stderr)
        return 1
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait()
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
