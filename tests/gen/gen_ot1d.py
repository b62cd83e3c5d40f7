#!/usr/bin/python3
"""gen_ot1d - cases for transport on the line: wasserstein_1d,
energy_distance and sliced_wasserstein ("ot1d.<metric>.<case>").

References come from SciPy 1.10 (wasserstein_distance, energy_distance)
and POT 0.8.2 (ot.wasserstein_1d for p > 1, ot.sliced_wasserstein_distance),
always in float64.  POT does not normalise weights and returns W_p^p:
weights are normalised here and the p-th root taken.  POT's sliced
distance divides by its `n_projections` argument even when projections are
given, and takes them as [d, k]: it is called with n_projections=k and the
transpose of evald's [k, d].
Run with Debian's python3: /usr/bin/python3 tests/gen/gen_ot1d.py
"""
import math

import numpy as np
import ot
import scipy.stats as ss

import casegen as cg

cg.reset("metrics", "ot1d.")
cg.reset("invalid", "ot1d.")
rng = np.random.default_rng(20240611)


def route(metric):
    return "/v1/metrics/" + metric


def norm(w):
    return None if w is None else np.asarray(w, float) / np.sum(w)


def ref_w(x, y, xw=None, yw=None, p=1.0):
    x, y = np.asarray(x, float), np.asarray(y, float)
    if p == 1.0:
        return ss.wasserstein_distance(x, y, xw, yw)
    return ot.wasserstein_1d(x, y, norm(xw), norm(yw), p=p) ** (1.0 / p)


def ref_e(x, y, xw=None, yw=None):
    return ss.energy_distance(np.asarray(x, float), np.asarray(y, float),
                              xw, yw)


def ref_s(x, y, proj, xw=None, yw=None, p=2.0):
    x, y, proj = (np.asarray(a, float) for a in (x, y, proj))
    return ot.sliced_wasserstein_distance(
        x, y, norm(xw), norm(yw), n_projections=proj.shape[0], p=p,
        projections=proj.T)


def inputs(x, y, xw=None, yw=None, **more):
    d = {"x": x, "y": y}
    if xw is not None:
        d["x_weights"] = xw
    if yw is not None:
        d["y_weights"] = yw
    d.update(more)
    return d


def w1d(name, x, y, xw=None, yw=None, p=None, ref=None, send=None, rtol=1e-9):
    """A wasserstein_1d case; `send` overrides what goes on the wire (packed
    tensors), `ref` the reference value."""
    params = {} if p is None else {"p": p}
    val = ref if ref is not None else ref_w(x, y, xw, yw, 1.0 if p is None
                                            else p)
    body = {"inputs": send or inputs(x, y, xw, yw), "params": params}
    cg.case("metrics", "ot1d.wasserstein_1d." + name, route("wasserstein_1d"),
            body, expect={"metric": "wasserstein_1d", "value": val,
                          "params": {"p": 1 if p is None else p}},
            rtol=rtol)


def energy(name, x, y, xw=None, yw=None, ref=None, send=None):
    val = ref if ref is not None else ref_e(x, y, xw, yw)
    cg.case("metrics", "ot1d.energy_distance." + name,
            route("energy_distance"),
            {"inputs": send or inputs(x, y, xw, yw)},
            expect={"metric": "energy_distance", "value": val})


def sliced(name, x, y, proj, xw=None, yw=None, p=None, ref=None, send=None,
           params=None):
    pp = 2.0 if p is None else p
    val = ref if ref is not None else ref_s(x, y, proj, xw, yw, pp)
    prm = dict(params or {})
    if p is not None:
        prm["p"] = p
    body = {"inputs": send or inputs(x, y, xw, yw, projections=proj),
            "params": prm}
    cg.case("metrics", "ot1d.sliced_wasserstein." + name,
            route("sliced_wasserstein"), body,
            expect={"metric": "sliced_wasserstein", "value": val,
                    "n_projections": int(np.shape(proj)[0])})


def bad(metric, name, body, code, path, status=422):
    cg.case("invalid", "ot1d.%s.%s" % (metric, name), route(metric), body,
            status=status, expect={"error": {"code": code, "path": path}})


# ------------------------------------------------------------ wasserstein_1d
x = [0.5, -1.25, 3.0, 2.0, 0.0]
y = [1.0, 0.25, -2.0, 2.5]
xw = [1.0, 2.0, 0.5, 0.25, 1.25]
yw = [0.5, 0.5, 3.0, 1.0]

w1d("basic", x, y)
cg.case("metrics", "ot1d.wasserstein_1d.defaults_echoed",
        route("wasserstein_1d"), {"inputs": {"x": x, "y": y}},
        expect={"params": {"p": 1}, "value": ref_w(x, y), "warnings": []})
w1d("weighted", x, y, xw, yw)
w1d("x_weights_only", x, y, xw)
w1d("y_weights_only", x, y, None, yw)
w1d("zero_weights", x + [100.0], y, xw + [0.0], yw)
w1d("zero_weight_first", [-50.0] + x, y, [0.0] + xw, yw, p=2.0)
w1d("ties", [1, 1, 1, 2, 2, 3], [2, 2, 1, 3, 3])
w1d("duplicates_weighted", [0, 0, 1, 1, 1], [1, 1, 0], [1, 2, 3, 0, 1],
    [0.5, 0.5, 2], p=1.5)
w1d("n1_m1", [3.5], [-1.25])
w1d("n1_vs_many", [0.0], y, None, yw)
w1d("many_vs_n1_p3", x, [0.75], xw, None, p=3.0)
w1d("identical", x, x, ref=0.0)
w1d("identical_weighted_p2", x, x, xw, xw, p=2.0, ref=0.0)
w1d("same_values_other_order", x, x[::-1], xw, xw[::-1], p=2.0, ref=0.0)
w1d("negative", [-5.0, -3.5, -10.0], [-1.0, -7.25, -2.0, -8.0])
w1d("shifted", x, [v + 4.5 for v in x], ref=4.5)
w1d("shifted_p2_weighted", x, [v - 1.75 for v in x], xw, xw, p=2.0,
    ref=1.75)
w1d("signed_zeros", [-0.0, 0.0, 1.0], [0.0, -0.0, -1.0, 2.0])
w1d("large_magnitude", [1e150, -3e150, 2e150], [0.5e150, 4e150])
big_x = np.array([1.0, -3.0, 2.0, 7.5]) * 1e200
big_y = np.array([0.5, 4.0, -1.0]) * 1e200
# (1e200)^2 overflows in POT; W_2 scales with the data, so scale back.
w1d("large_magnitude_p2", big_x, big_y, p=2.0,
    ref=1e200 * ref_w(big_x / 1e200, big_y / 1e200, p=2.0))
w1d("tiny_magnitude_p3", np.array(x) * 1e-200, np.array(y) * 1e-200, p=3.0,
    ref=1e-200 * ref_w(x, y, p=3.0))
for p in [1.5, 2.0, 3.0, 7.0]:
    w1d("p%g" % p, x, y, xw, yw, p=p)
w1d("p_integer_literal", x, y, p=2)
# every p agrees with POT for p = 1 too (a second oracle)
xr = rng.normal(size=400)
yr = rng.normal(loc=0.4, scale=1.5, size=300)
wr = rng.random(400)
assert abs(ot.wasserstein_1d(xr, yr, norm(wr)) - ref_w(xr, yr, wr)) < 1e-12
w1d("random_packed_weighted", xr, yr, wr, ref=ref_w(xr, yr, wr),
    send=inputs(cg.packed(xr), cg.packed(yr), cg.packed(wr)))
w1d("random_packed_p2", xr, yr, p=2.0,
    send=inputs(cg.packed(xr), cg.packed(yr)))
x32 = rng.normal(size=50).astype(np.float32)
y32 = (rng.normal(size=70) * 3).astype(np.float32)
w1d("float32", x32, y32, ref=ref_w(x32.astype(float), y32.astype(float)),
    send=inputs(cg.packed(x32), cg.packed(y32)))
xi = rng.integers(-20, 20, size=30)
yi = rng.integers(-5, 40, size=25)
w1d("int64_int32_p2", xi, yi, p=2.0,
    send=inputs(cg.packed(xi.astype(np.int64)),
                cg.packed(yi.astype(np.int32))))
xu = rng.integers(0, 255, size=40).astype(np.uint8)
yu = rng.integers(0, 255, size=40).astype(np.uint8)
wu = rng.integers(0, 5, size=40).astype(np.uint8)
w1d("uint8_weights", xu.astype(float), yu.astype(float), wu.astype(float),
    send=inputs(cg.packed(xu), cg.packed(yu), cg.packed(wu)))

# ------------------------------------------------------------ energy_distance
energy("basic", x, y)
energy("weighted", x, y, xw, yw)
energy("x_weights_only", x, y, xw)
energy("zero_weights", x + [100.0], y, xw + [0.0], yw)
energy("ties", [1, 1, 1, 2, 2, 3], [2, 2, 1, 3, 3])
energy("n1_m1", [3.5], [-1.25])
energy("n1_vs_many", [0.0], y, None, yw)
energy("identical", x, x, ref=0.0)
energy("negative", [-5.0, -3.5, -10.0], [-1.0, -7.25, -2.0, -8.0])
energy("shifted", x, [v + 4.5 for v in x])
energy("signed_zeros", [-0.0, 0.0, 1.0], [0.0, -0.0, -1.0, 2.0])
energy("large_magnitude", [1e150, -3e150, 2e150], [0.5e150, 4e150])
energy("random_packed_weighted", xr, yr, wr, None,
       send=inputs(cg.packed(xr), cg.packed(yr), cg.packed(wr)))
energy("float32", x32.astype(float), y32.astype(float),
       send=inputs(cg.packed(x32), cg.packed(y32)))
energy("int32", xi, yi, send=inputs(cg.packed(xi.astype(np.int32)),
                                    cg.packed(yi.astype(np.int32))))

# ------------------------------------------------------------ sliced
X = rng.normal(size=(30, 4))
Y = rng.normal(loc=0.5, size=(20, 4)) * np.array([1.0, 2.0, 0.5, 1.0])
XW = rng.random(30)
YW = rng.random(20) + 0.1
P = rng.normal(size=(8, 4))
P /= np.linalg.norm(P, axis=1, keepdims=True)

sliced("given_p2", X.tolist(), Y.tolist(), P.tolist())
sliced("given_p1", X, Y, P, p=1.0,
       send=inputs(cg.packed(X), cg.packed(Y), projections=cg.packed(P)))
sliced("given_p3_weighted", X, Y, P, XW, YW, p=3.0,
       send=inputs(cg.packed(X), cg.packed(Y), cg.packed(XW), cg.packed(YW),
                   projections=cg.packed(P)))
sliced("given_x_weights_only", X, Y, P, XW, None,
       send=inputs(cg.packed(X), cg.packed(Y), cg.packed(XW),
                   projections=cg.packed(P)))
sliced("given_unnormalised_directions", X, Y, P * 3.0,
       send=inputs(cg.packed(X), cg.packed(Y), projections=cg.packed(P * 3)))
sliced("given_one_direction", X, Y, P[:1], p=1.5,
       send=inputs(cg.packed(X), cg.packed(Y), projections=cg.packed(P[:1])))
sliced("given_ignores_n_projections", X, Y, P[:3],
       params={"n_projections": 7, "seed": 3},
       send=inputs(cg.packed(X), cg.packed(Y), projections=cg.packed(P[:3])))
sliced("identical", X, X, P, ref=0.0,
       send=inputs(cg.packed(X), cg.packed(X), projections=cg.packed(P)))
sliced("n1_vs_m1", [[1.0, 2.0]], [[-1.0, 0.5]], [[0.6, 0.8], [1.0, 0.0]])
sliced("d1", [[0.5], [1.5], [-2.0]], [[1.0], [3.0]], [[1.0]])
Xs = X * 1e150
Ys = Y * 1e150
sliced("large_magnitude_p2", Xs, Ys, P, ref=1e150 * ref_s(X, Y, P),
       send=inputs(cg.packed(Xs), cg.packed(Ys), projections=cg.packed(P)))
Xf = rng.normal(size=(25, 3)).astype(np.float32)
Yf = rng.normal(size=(35, 3)).astype(np.float32)
Pf = np.array([[1.0, 0.0, 0.0], [0.0, 0.6, 0.8]], np.float32)
sliced("float32", Xf.astype(float), Yf.astype(float), Pf.astype(float),
       send=inputs(cg.packed(Xf), cg.packed(Yf), projections=cg.packed(Pf)))


class Xoshiro:
    """evald's generator (rng.c): xoshiro256** seeded by splitmix64, polar
    Box-Muller keeping only the first variate.  Used to reproduce the
    directions evald draws, so the random path is checked against POT."""
    M = (1 << 64) - 1

    def __init__(self, seed):
        self.s = []
        for _ in range(4):
            seed = (seed + 0x9E3779B97F4A7C15) & self.M
            z = seed
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & self.M
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & self.M
            self.s.append(z ^ (z >> 31))

    @staticmethod
    def rotl(v, k):
        return ((v << k) | (v >> (64 - k))) & Xoshiro.M

    def next(self):
        s = self.s
        out = (self.rotl((s[1] * 5) & self.M, 7) * 9) & self.M
        t = (s[1] << 17) & self.M
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = self.rotl(s[3], 45)
        return out

    def uniform(self):
        return (self.next() >> 11) * 2.0 ** -53

    def normal(self):
        while True:
            u = 2.0 * self.uniform() - 1.0
            v = 2.0 * self.uniform() - 1.0
            s = u * u + v * v
            if 0.0 < s < 1.0:
                return u * math.sqrt(-2.0 * math.log(s) / s)

    def directions(self, k, d):
        rows = []
        for _ in range(k):
            while True:
                t = [self.normal() for _ in range(d)]
                n2 = 0.0
                for v in t:
                    n2 += v * v
                if n2 != 0.0:
                    break
            inv = 1.0 / math.sqrt(n2)
            rows.append([v * inv for v in t])
        return np.array(rows)


for k, seed, p in [(50, 0, None), (13, 42, 1.0), (5, 7, 3.0)]:
    R = Xoshiro(seed).directions(k, 4)
    prm = {}
    if k != 50:
        prm["n_projections"] = k
    if seed:
        prm["seed"] = seed
    if p is not None:
        prm["p"] = p
    val = ref_s(X, Y, R, None, None, 2.0 if p is None else p)
    cg.case("metrics", "ot1d.sliced_wasserstein.random_k%d_seed%d" % (k, seed),
            route("sliced_wasserstein"),
            {"inputs": {"x": cg.packed(X), "y": cg.packed(Y)}, "params": prm},
            expect={"value": val, "n_projections": k,
                    "params": {"n_projections": k, "seed": seed,
                               "p": 2 if p is None else p}})
# In one dimension every unit direction is +-1: any seed gives W_p.
x1 = [[0.5], [1.5], [-2.0], [4.0]]
y1 = [[1.0], [3.0], [-0.5]]
cg.case("metrics", "ot1d.sliced_wasserstein.random_d1_equals_w",
        route("sliced_wasserstein"),
        {"inputs": {"x": x1, "y": y1, "y_weights": [1, 2, 3]},
         "params": {"n_projections": 9, "seed": 123, "p": 1.5}},
        expect={"value": ref_w(np.ravel(x1), np.ravel(y1), None, [1, 2, 3],
                               1.5), "n_projections": 9})
cg.case("metrics", "ot1d.sliced_wasserstein.random_identical",
        route("sliced_wasserstein"),
        {"inputs": {"x": cg.packed(X), "y": cg.packed(X)},
         "params": {"n_projections": 4}},
        expect={"value": 0.0, "n_projections": 4})
cg.case("metrics", "ot1d.sliced_wasserstein.defaults_echoed",
        route("sliced_wasserstein"),
        {"inputs": {"x": x1, "y": y1}},
        expect={"params": {"n_projections": 50, "p": 2, "seed": 0},
                "n_projections": 50, "warnings": []})

# ------------------------------------------------------------ invalid
W, E, S = "wasserstein_1d", "energy_distance", "sliced_wasserstein"
bad(W, "x_2d", {"inputs": {"x": [[1, 2], [3, 4]], "y": [1, 2]}},
    "shape_mismatch", "/inputs/x")
bad(W, "y_scalar", {"inputs": {"x": [1, 2], "y": 3}},
    "shape_mismatch", "/inputs/y")
bad(W, "x_empty", {"inputs": {"x": [], "y": [1, 2]}},
    "empty_input", "/inputs/x")
bad(W, "weight_length", {"inputs": {"x": [1, 2, 3], "y": [1, 2],
                                    "x_weights": [1, 1]}},
    "shape_mismatch", "/inputs/x_weights")
bad(W, "weight_2d", {"inputs": {"x": [1, 2], "y": [1, 2],
                                "y_weights": [[1, 1]]}},
    "shape_mismatch", "/inputs/y_weights")
bad(W, "negative_weight", {"inputs": {"x": [1, 2], "y": [1, 2],
                                      "y_weights": [1, -0.5]}},
    "invalid_value", "/inputs/y_weights")
bad(W, "zero_total", {"inputs": {"x": [1, 2], "y": [1, 2],
                                 "x_weights": [0, 0]}},
    "invalid_value", "/inputs/x_weights")
bad(W, "p_below_1", {"inputs": {"x": [1, 2], "y": [1, 2]},
                     "params": {"p": 0.5}},
    "out_of_range", "/params/p")
bad(W, "missing_y", {"inputs": {"x": [1, 2]}}, "missing_input", "/inputs/y")
bad(W, "unknown_param", {"inputs": {"x": [1], "y": [2]},
                         "params": {"seed": 1}},
    "unknown_parameter", "/params/seed")
bad(E, "y_2d", {"inputs": {"x": [1, 2], "y": [[1], [2]]}},
    "shape_mismatch", "/inputs/y")
bad(E, "weight_length", {"inputs": {"x": [1, 2], "y": [1, 2, 3],
                                    "y_weights": [1, 1]}},
    "shape_mismatch", "/inputs/y_weights")
bad(E, "negative_weight", {"inputs": {"x": [1, 2], "y": [1, 2],
                                      "x_weights": [-1, 2]}},
    "invalid_value", "/inputs/x_weights")
bad(E, "zero_total", {"inputs": {"x": [1, 2], "y": [1, 2],
                                 "y_weights": [0.0, 0.0]}},
    "invalid_value", "/inputs/y_weights")
bad(E, "unknown_param", {"inputs": {"x": [1], "y": [2]},
                         "params": {"p": 2}},
    "unknown_parameter", "/params/p")
bad(S, "projections_wrong_d", {"inputs": {"x": [[1, 2]], "y": [[0, 1]],
                                          "projections": [[1, 0, 0]]}},
    "shape_mismatch", "/inputs/projections")
bad(S, "projections_1d", {"inputs": {"x": [[1, 2]], "y": [[0, 1]],
                                     "projections": [1, 0]}},
    "shape_mismatch", "/inputs/projections")
bad(S, "d_mismatch", {"inputs": {"x": [[1, 2]], "y": [[0, 1, 2]]}},
    "shape_mismatch", "/inputs/y")
bad(S, "x_1d", {"inputs": {"x": [1, 2], "y": [[0], [1]]}},
    "shape_mismatch", "/inputs/x")
bad(S, "weight_length", {"inputs": {"x": [[1], [2]], "y": [[0], [1]],
                                    "x_weights": [1, 2, 3]}},
    "shape_mismatch", "/inputs/x_weights")
bad(S, "negative_weight", {"inputs": {"x": [[1], [2]], "y": [[0], [1]],
                                      "y_weights": [1, -2]}},
    "invalid_value", "/inputs/y_weights")
bad(S, "n_projections_zero", {"inputs": {"x": [[1]], "y": [[0]]},
                              "params": {"n_projections": 0}},
    "out_of_range", "/params/n_projections")
bad(S, "p_below_1", {"inputs": {"x": [[1]], "y": [[0]]},
                     "params": {"p": 0}},
    "out_of_range", "/params/p")
bad(S, "seed_negative", {"inputs": {"x": [[1]], "y": [[0]]},
                         "params": {"seed": -1}},
    "out_of_range", "/params/seed")

cg.done()
