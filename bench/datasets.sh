#!/bin/sh
# datasets.sh - what a stored reference saves a drift report: the same
# report of a C-row current table against an N-row reference (a numeric
# and a categorical column), the reference sent inline each time or named
# as {"dataset": name} (stored once, before the rounds).  The two kinds of
# request alternate, one of each per round, so the machine's load hits
# both; medians of RUNS rounds (default 15) and their ratio, with the load
# average.  Also the PUT of the reference once with every row kept and
# once sampled down to max_rows M.
#
#   bench/datasets.sh [RUNS] [N] [C] [M]
. "$(dirname "$0")/lib.sh"
need curl
need_evald
py=${PYTHON:-/usr/bin/python3}
runs=${1:-15} n=${2:-100000} c=${3:-5000} m=${4:-10000}

start_evald datasets --max-dataset-rows "$n"
"$py" - "$EVALD_URL" "$runs" "$n" "$c" "$m" <<'PY'
import http.client, json, os, random, statistics, sys, time, urllib.parse
url, runs, n, c, m = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
u = urllib.parse.urlparse(url)
conn = http.client.HTTPConnection(u.hostname, u.port, timeout=600)
rnd = random.Random(1)
plans = ["free", "pro", "team", "enterprise"]
def table(rows, shift):
    return {"columns": {"age": [rnd.gauss(40 + shift, 10) for _ in range(rows)],
                        "plan": [rnd.choice(plans) for _ in range(rows)]}}
ref, cur = table(n, 0), table(c, 1)
def call(method, path, body):
    data = json.dumps(body).encode()
    t = time.perf_counter()
    conn.request(method, path, data, {"Content-Type": "application/json"})
    r = conn.getresponse()
    out = r.read()
    dt = time.perf_counter() - t
    if r.status >= 300:
        sys.exit("%s %s: %d %s" % (method, path, r.status, out[:300]))
    return dt, json.loads(out)
full, _ = call("PUT", "/v1/datasets/ref", ref)
sampled, info = call("PUT", "/v1/datasets/ref-sampled", dict(ref, max_rows=m, seed=1))
assert info["sampled"] and info["n_kept"] == m
inline, stored = [], []
for _ in range(runs):
    a, ra = call("POST", "/v1/drift", {"reference": ref, "current": cur})
    b, rb = call("POST", "/v1/drift", {"reference": {"dataset": "ref"}, "current": cur})
    rb.pop("reference_dataset")
    assert ra == rb, "stored and inline reports differ"
    inline.append(a)
    stored.append(b)
mi, ms = statistics.median(inline), statistics.median(stored)
print("drift, %d-row reference inline: median %.4f s" % (n, mi))
print("drift, %d-row reference stored: median %.4f s" % (n, ms))
print("ratio inline/stored of medians: %.2f (%d rounds, reports identical)" % (mi / ms, runs))
print("PUT %d rows kept whole: %.3f s; sampled to %d: %.3f s (one each)" % (n, full, m, sampled))
print("load average: %s" % " ".join(open("/proc/loadavg").read().split()[:3]))
PY
