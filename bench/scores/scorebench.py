#!/usr/bin/python3
"""scorebench.py - accuracy and macro F1 of 10^7 labels (10 classes):
evald against scikit-learn's accuracy_score / f1_score on the same data.

    bench/scores/scorebench.py [--n N] [--rounds R] [--base EVALD]

It writes y_true (int32) and y_pred (uint8) once, as the packed tensors a
client sends in JSON and as the .npz np.savez writes (sent as
application/x-npz, params in ?params=), starts a fresh evald on a free
loopback port, sends one warm-up request per metric and body kind, then
runs ROUNDS rounds of, per metric:

- the JSON and the .npz body, each POSTed from this process with
  http.client as evald's Python client sends a body (the whole buffer in
  one send), timed from the request's first byte to the answer read
  (upload, decode, count and score, answer);
- evald.Client.compute (the tree's clients/python) on the arrays, which
  builds and sends a .npz itself: what a user's training script pays;
  and the same with npz_min=None, the client's packed-JSON path;
- the same .npz to a sink, a child process that reads the body into one
  buffer and answers at once: the upload's own time, the floor under any
  server;
- the .npz to evald and to the sink again with curl --data-binary
  (time_total), whose upload loop is the slower client here;
- the sklearn call in this process (data already in memory as numpy
  int32/uint8 arrays), and the library call alone
  (bench/scores/cmbench.c built against the tree's libevald: accuracy as
  evald_labels_same, F1 as evald_cm_add_labels + evald_cm_score).

It prints each round, the medians, the ratios sklearn / evald (each body,
the client, the library) and how far evald answered after the sink; the
target is >= 5x for the service, judged on the .npz body sent with
http.client.  Values must agree (to 1e-12).

--base EVALD also starts that binary (an evald built from an older commit)
and times it in the same rounds, right before this tree's, so a change is
measured side by side: the ratios base / evald are printed too.  Without
scikit-learn (python3-sklearn) only those are measured, and the values are
checked against a NumPy count instead.

Environment: EVALD (binary; default BUILDDIR/evald), BUILDDIR (default:
the source tree), CC.  Scratch files live in one mktemp directory,
removed on exit; the evald started here is stopped on exit.
Exit status: 0 target met, 3 missed, 1 could not measure.
"""
import argparse
import base64
import http.client
import json
import os
import shutil
import statistics
import subprocess
import sys
import socket
import tempfile
import threading
import time
import urllib.parse

import numpy as np
try:
    from sklearn.metrics import accuracy_score, f1_score
except ImportError:
    accuracy_score = f1_score = None

HERE = os.path.dirname(os.path.abspath(__file__))
SRCDIR = os.path.dirname(os.path.dirname(HERE))
BUILDDIR = os.environ.get("BUILDDIR", SRCDIR)
EVALD = os.environ.get("EVALD", os.path.join(BUILDDIR, "evald"))
K = 10
sys.path.insert(0, os.path.join(SRCDIR, "clients", "python"))
import evald  # noqa: E402  (the tree's own client, clients/python)


def packed(a):
    return {"dtype": str(a.dtype), "shape": list(a.shape),
            "data": base64.b64encode(a.tobytes()).decode("ascii")}


def start_evald(tmp, exe=EVALD, tag=""):
    log = open(os.path.join(tmp, "evald%s.log" % tag), "w")
    data = os.path.join(tmp, "var" + tag)
    os.makedirs(data)
    proc = subprocess.Popen([exe, "--listen", "127.0.0.1:0", "--data-dir",
                             data, "--max-body", "1G"],
                            stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=log)
    for _ in range(200):
        with open(log.name) as f:
            for line in f:
                if "event=started" in line:
                    port = [w[5:] for w in line.split()
                            if w.startswith("port=")][0]
                    return proc, "http://127.0.0.1:" + port
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    proc.terminate()
    sys.exit("evald did not start: " + open(log.name).read()[-800:])


def sink_main():
    """A server that reads each request's body into one buffer and answers
    {"value": 0}: the floor under any server's time for the same upload
    (recv_into a large buffer, no copy, no parsing past the headers).  It
    prints its port and serves until stdin closes."""
    ls = socket.socket()
    ls.bind(("127.0.0.1", 0))
    ls.listen(8)
    buf = bytearray(64 << 20)
    print(ls.getsockname()[1], flush=True)

    def serve():
        while True:
            try:
                c, _ = ls.accept()
            except OSError:
                return
            with c:
                head = b""
                while b"\r\n\r\n" not in head:
                    chunk = c.recv(65536)
                    if not chunk:
                        break
                    head += chunk
                hdr, _, got = head.partition(b"\r\n\r\n")
                length = [int(ln.split(b":")[1]) for ln in hdr.split(b"\r\n")
                          if ln.lower().startswith(b"content-length:")][0]
                view, have = memoryview(buf), len(got)
                while have < length:
                    r = c.recv_into(view[:min(length - have, 1 << 20)])
                    if not r:
                        break
                    have += r
                c.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/"
                          b"json\r\nContent-Length: 12\r\nConnection: "
                          b"close\r\n\r\n{\"value\": 0}")

    threading.Thread(target=serve, daemon=True).start()
    sys.stdin.read()
    return 0


def start_sink():
    """The sink in a child process (its reads share no lock with the timed
    client here): the process and its URL."""
    proc = subprocess.Popen([sys.executable, os.path.abspath(__file__),
                             "--sink"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    return proc, "http://127.0.0.1:%s" % proc.stdout.readline().strip()


BODIES = {}


def send(url, body):
    """POST the file body from this process with http.client, as evald's
    Python client sends one (the whole buffer in one send): seconds from
    the request's first byte to the answer read, and its value."""
    if body not in BODIES:
        with open(body, "rb") as f:
            BODIES[body] = f.read()
    npz = body.endswith(".npz")
    u = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port)
    conn.connect()
    t0 = time.perf_counter()
    conn.request("POST", u.path + ("?" + u.query if u.query else ""),
                 body=BODIES[body], headers={
                     "Content-Type": "application/"
                     + ("x-npz" if npz else "json")})
    resp = conn.getresponse()
    raw = resp.read()
    secs = time.perf_counter() - t0
    conn.close()
    answer = json.loads(raw)
    if resp.status != 200:
        sys.exit("%s answered %s: %s" % (url, resp.status, answer))
    return secs, answer["value"]


def post(url, body, tmp):
    npz = body.endswith(".npz")
    ans = os.path.join(tmp, "answer.json")
    p = subprocess.run(["curl", "-sS", "-o", ans, "-w",
                        "%{http_code} %{time_total}", "-H",
                        "Content-Type: application/"
                        + ("x-npz" if npz else "json"), "-H", "Expect:",
                        "--data-binary", "@" + body, url],
                       capture_output=True, text=True, check=True)
    code, secs = p.stdout.split()
    with open(ans) as f:
        answer = json.load(f)
    if code != "200":
        sys.exit("evald answered %s: %s" % (code, answer))
    return float(secs), answer["value"]


def build_cmbench(tmp):
    exe = os.path.join(tmp, "cmbench")
    lib = os.path.join(BUILDDIR, ".libs")
    cmd = [os.environ.get("CC", "cc"), "-std=c11", "-O2",
           "-I" + os.path.join(SRCDIR, "include"),
           os.path.join(HERE, "cmbench.c"), "-L" + lib, "-levald",
           "-Wl,-rpath," + lib, "-o", exe]
    subprocess.run(cmd, check=True)
    return exe


def main():
    if sys.argv[1:] == ["--sink"]:
        return sink_main()
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=10**7)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--base", help="an older evald to time beside this one")
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="evald-scores.")
    proc = bproc = sink = client = None
    try:
        rng = np.random.default_rng(20261202)
        yt = rng.integers(0, K, size=args.n).astype(np.int32)
        yp = np.where(rng.random(args.n) < 0.7, yt,
                      rng.integers(0, K, size=args.n)).astype(np.uint8)
        yt.tofile(os.path.join(tmp, "t.i32"))
        yp.tofile(os.path.join(tmp, "p.u8"))
        bodies = {}
        for name, params in [("accuracy", {}),
                             ("f1", {"average": "macro"})]:
            bodies[name] = os.path.join(tmp, name + ".json")
            with open(bodies[name], "w") as f:
                json.dump({"inputs": {"y_true": packed(yt),
                                      "y_pred": packed(yp)},
                           "params": params}, f)
            bodies[name, "npz"] = os.path.join(tmp, name + ".npz")
            np.savez(bodies[name, "npz"], y_true=yt, y_pred=yp)
        query = {"accuracy": "", "f1": "?params=%7B%22average%22%3A%22macro"
                 "%22%7D"}
        exe = build_cmbench(tmp)
        proc, url = start_evald(tmp)
        urls = {"": url}
        sink, sink_url = start_sink()
        if args.base:
            bproc, urls["base_"] = start_evald(tmp, args.base, "-base")
        if accuracy_score:
            skl = {"accuracy": lambda: accuracy_score(yt, yp),
                   "f1": lambda: f1_score(yt, yp, average="macro")}
        else:
            print("scikit-learn is not installed (python3-sklearn): "
                  "values checked against NumPy, no sklearn ratios")
            cm = np.bincount(yt.astype(np.int64) * K + yp,
                             minlength=K * K).reshape(K, K)
            tp, rows, cols = np.diag(cm), cm.sum(1), cm.sum(0)
            f1v = float(np.mean(2 * tp / (rows + cols)))
            skl = {"accuracy": lambda: float(np.mean(yt == yp)),
                   "f1": lambda: f1v}
        client = evald.Client(url)
        jclient = evald.Client(url, npz_min=None)  # the client's JSON path
        kwargs = {"accuracy": {}, "f1": {"average": "macro"}}
        times = {m: {k: [] for k in ["evald", "npz", "client",
                                     "client_json", "sink",
                                     "curl_npz",
                                     "curl_sink", "lib", "sklearn",
                                     "base_evald", "base_npz"]}
                 for m in skl}
        for m in skl:                                    # warm-up
            client.compute(m, y_true=yt, y_pred=yp, **kwargs[m])
            for u in urls.values():
                send(u + "/v1/metrics/" + m, bodies[m])
                send(u + "/v1/metrics/" + m + query[m], bodies[m, "npz"])
                post(u + "/v1/metrics/" + m + query[m], bodies[m, "npz"],
                     tmp)
        print("round  metric    json_s   npz_s    client_s sink_s   curl_npz "
              "curl_sink lib_s    sklearn_s"
              + ("  base_json_s base_npz_s" if args.base else ""))
        for r in range(args.rounds):
            lib = subprocess.run([exe, os.path.join(tmp, "t.i32"),
                                  os.path.join(tmp, "p.u8"), str(K), "1"],
                                 capture_output=True, text=True,
                                 check=True).stdout.split()
            libt = {"accuracy": float(lib[0]), "f1": float(lib[1])}
            libv = {"accuracy": float(lib[2]), "f1": float(lib[3])}
            for m in skl:
                extra = ""
                vals = []
                if args.base:
                    bu = urls["base_"] + "/v1/metrics/" + m
                    bes, bev = send(bu, bodies[m])
                    bns, bnv = send(bu + query[m], bodies[m, "npz"])
                    times[m]["base_evald"].append(bes)
                    times[m]["base_npz"].append(bns)
                    vals = [bev, bnv]
                    extra = "  %.4f      %.4f" % (bes, bns)
                es, ev = send(url + "/v1/metrics/" + m, bodies[m])
                ns, nv = send(url + "/v1/metrics/" + m + query[m],
                              bodies[m, "npz"])
                times[m]["sink"].append(
                    send(sink_url + "/", bodies[m, "npz"])[0])
                t0 = time.perf_counter()
                kv = client.compute(m, y_true=yt, y_pred=yp,
                                    **kwargs[m]).value
                times[m]["client"].append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                jv = jclient.compute(m, y_true=yt, y_pred=yp,
                                     **kwargs[m]).value
                times[m]["client_json"].append(time.perf_counter() - t0)
                cs, cv = post(url + "/v1/metrics/" + m + query[m],
                              bodies[m, "npz"], tmp)
                times[m]["curl_npz"].append(cs)
                times[m]["curl_sink"].append(
                    post(sink_url + "/", bodies[m, "npz"], tmp)[0])
                t0 = time.perf_counter()
                sv = skl[m]()
                ss = time.perf_counter() - t0
                for v in [ev, nv, kv, jv, cv, libv[m]] + vals:
                    if abs(v - sv) > 1e-12 * abs(sv):
                        sys.exit("%s differs: %r vs sklearn %r" % (m, v, sv))
                times[m]["evald"].append(es)
                times[m]["npz"].append(ns)
                times[m]["lib"].append(libt[m])
                times[m]["sklearn"].append(ss)
                print("%5d  %-8s  %.4f   %.4f   %.4f   %.4f   %.4f   "
                      "%.4f    %.4f   %.4f%s"
                      % (r, m, es, ns, times[m]["client"][-1],
                         times[m]["sink"][-1], cs, times[m]["curl_sink"][-1],
                         libt[m], ss, extra))
        met = True
        for m in skl:
            med = {k: statistics.median(v) for k, v in times[m].items()
                   if v}
            if args.base:
                print("BASE %s n=%d: base .npz %.4f s, JSON %.4f s; this "
                      "evald .npz %.4f s, JSON %.4f s (medians of %d); "
                      "base / evald .npz %.2fx, JSON %.2fx"
                      % (m, args.n, med["base_npz"], med["base_evald"],
                         med["npz"], med["evald"], args.rounds,
                         med["base_npz"] / med["npz"],
                         med["base_evald"] / med["evald"]))
            if not accuracy_score:
                continue
            ratio = med["sklearn"] / med["npz"]
            jratio = med["sklearn"] / med["evald"]
            lratio = med["sklearn"] / med["lib"]
            met &= ratio >= 5
            print("CLIENT %s: evald.Client.compute (clients/python: "
                  "arrays in, a .npz built and sent) %.4f s (median), "
                  "sklearn / client %.1fx; with npz_min=None (packed "
                  "JSON) %.4f s, %.2fx"
                  % (m, med["client"], med["sklearn"] / med["client"],
                     med["client_json"],
                     med["sklearn"] / med["client_json"]))
            for who, ev_, sk_ in [("http.client", "npz", "sink"),
                                  ("curl", "curl_npz", "curl_sink")]:
                print("UPLOAD %s, %s: evald .npz %.4f s, the sink %.4f s "
                      "(medians): evald answered %.1f ms after the sink; "
                      "sklearn / evald %.1fx, sklearn / sink %.1fx (the "
                      "most any server could reach with this client)"
                      % (m, who, med[ev_], med[sk_],
                         1e3 * (med[ev_] - med[sk_]),
                         med["sklearn"] / med[ev_],
                         med["sklearn"] / med[sk_]))
            print("RESULT %s n=%d: evald .npz %.4f s, JSON %.4f s, library "
                  "%.4f s, sklearn %.4f s (medians of %d); sklearn/evald "
                  ".npz %.1fx (target >= 5x: %s), JSON %.1fx, library %.1fx"
                  % (m, args.n, med["npz"], med["evald"], med["lib"],
                     med["sklearn"], args.rounds, ratio,
                     "met" if ratio >= 5 else "MISSED", jratio, lratio))
        if not accuracy_score:
            return 1  # the target is judged against sklearn alone
        return 0 if met else 3
    finally:
        if client:
            client.close()
            jclient.close()
        if sink:
            sink.stdin.close()
            sink.wait()
        for p in (proc, bproc):
            if p:
                p.terminate()
                p.wait()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
