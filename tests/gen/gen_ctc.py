#!/usr/bin/python3
"""gen_ctc - cases for the ctc metric (include/evald/ctc.h).

Reference: torch 1.13 torch.nn.functional.ctc_loss on float64 tensors (CPU),
for padded and concatenated targets, every reduction, zero_infinity both
ways, a blank other than 0, repeated labels, empty targets, long sequences
(T = 2000), packed float32 input and the unbatched [T, C] form.

Where torch 1.13 does not refuse but reads past its buffers (a target
holding the blank or a class >= C, a negative length, an input length of
0) the expected answer is written here: a 422 for the first three, and for
input length 0 the answer later torch versions give (0 for an empty
target, +inf otherwise).
Run with Debian's python3: /usr/bin/python3 tests/gen/gen_ctc.py
"""
import warnings

import numpy as np
import torch
import torch.nn.functional as F

import casegen as cg

warnings.simplefilter("ignore")
torch.set_default_dtype(torch.float64)

cg.reset("metrics", "ctc.")
cg.reset("invalid", "ctc.")
rng = np.random.default_rng(20261202)
REDS = ["mean", "sum", "none"]


def W(a, dtype=None):
    """A tensor as sent: nested JSON, or packed with `dtype`; and the
    float64 values the service decodes."""
    a = np.asarray(a)
    if dtype is None:
        return a.tolist(), a.astype(np.float64)
    b = a.astype(dtype)
    return cg.packed(b), b.astype(np.float64)


def log_softmax(T, N, C, scale=2.0):
    x = rng.normal(size=(T, N, C)) * scale
    return torch.tensor(x).log_softmax(-1).numpy()


def inf_warning(n_inf, n, zero_inf):
    return ("%d of %d samples have no alignment of non-zero probability "
            "(for example fewer frames than labels plus the blanks between "
            "repeats): their loss is %s"
            % (n_inf, n, "0 (zero_infinity)" if zero_inf
               else "infinite, as in torch"))


def ref(lp, tg, il, tl, blank=0, red="mean", zero_infinity=False):
    return F.ctc_loss(torch.tensor(lp), torch.tensor(tg).long(),
                      torch.tensor(il).long(), torch.tensor(tl).long(),
                      blank=blank, reduction=red,
                      zero_infinity=zero_infinity)


def ok(name, lp, tg, il, tl, params=None, dts=(None,) * 4, rtol=1e-9,
       n_inf=0, value=None):
    """A valid case; the expected result is torch's unless `value` is
    given.  Infinite losses are expected as null with the warnings."""
    p = dict(params or {})
    red = p.get("reduction", "mean")
    wires = [W(a, d) for a, d in zip((lp, tg, il, tl), dts)]
    f64 = [w[1] for w in wires]
    if value is None:
        value = ref(*f64, blank=p.get("blank", 0), red=red,
                    zero_infinity=p.get("zero_infinity", False)).numpy()
    v = np.asarray(value, dtype=np.float64)
    exp = {"metric": "ctc"}
    conv = np.vectorize(lambda z: z, otypes=[object])
    out = np.where(np.isfinite(v), v, None) if v.ndim else \
        (float(v) if np.isfinite(v) else None)
    key = "values" if red == "none" else "value"
    exp[key] = conv(out).tolist() if v.ndim else out
    warns = []
    if n_inf:
        n = np.asarray(lp).shape[1] if np.asarray(lp).ndim == 3 else 1
        warns.append(inf_warning(n_inf, n, p.get("zero_infinity", False)))
    if not np.all(np.isfinite(v)):
        warns.append("values holds non-finite values, reported as null"
                     if red == "none" else
                     "value is infinite and is reported as null")
    exp["warnings"] = warns
    body = {"inputs": {"log_probs": wires[0][0], "targets": wires[1][0],
                       "input_lengths": wires[2][0],
                       "target_lengths": wires[3][0]}}
    if params:
        body["params"] = params
    cg.case("metrics", "ctc." + name, "/v1/metrics/ctc", body, expect=exp,
            rtol=rtol, atol=0.0)


def bad(name, inputs, code, path, params=None, status=422):
    body = {"inputs": inputs}
    if params is not None:
        body["params"] = params
    cg.case("invalid", "ctc." + name, "/v1/metrics/ctc", body, status=status,
            expect={"error": {"code": code, "path": path}})


def pad(seqs, width, fill=0):
    out = np.full((len(seqs), width), fill, dtype=np.int64)
    for i, s in enumerate(seqs):
        out[i, :len(s)] = s
    return out


def labels(n, C, blank=0):
    choices = [c for c in range(C) if c != blank]
    return rng.choice(choices, size=n).tolist()


# ============================================================ padded / concat
T, N, C = 12, 4, 6
lp = log_softmax(T, N, C)
tl = [5, 3, 4, 1]
il = [12, 10, 12, 7]
seqs = [labels(n, C) for n in tl]
tg_pad = pad(seqs, 5)
tg_cat = np.concatenate([np.array(s) for s in seqs])
for red in REDS:
    ok("padded_" + red, lp, tg_pad, il, tl, {"reduction": red})
    ok("concat_" + red, lp, tg_cat, il, tl, {"reduction": red})
# Padding past a target length is never read, whatever it holds.
ok("padding_ignored", lp, pad(seqs, 7, fill=99), il, tl,
   {"reduction": "none"}, value=ref(lp, tg_pad, il, tl, red="none").numpy())
ok("not_normalised", rng.normal(size=(T, N, C)), tg_pad, il, tl,
   {"reduction": "none"})

# ====================================================================== blank
for b in [3, C - 1]:
    sq = [labels(n, C, blank=b) for n in tl]
    for red in REDS:
        ok("blank_%d_%s" % (b, red), lp, pad(sq, 5), il, tl,
           {"blank": b, "reduction": red})

# ============================================================ repeated labels
rep = [[2, 2, 2, 3, 3], [1, 1], [4, 5, 5, 4], [3]]
tl_r = [len(s) for s in rep]
for red in REDS:
    ok("repeated_" + red, lp, pad(rep, 5), [9, 3, 7, 12], tl_r,
       {"reduction": red})

# ================================================ impossible, zero_infinity
# sample 1: target longer than its input; sample 2: repeats need blanks
# (2,2,2,3,3 needs 5 + 3 = 8 frames, it has 7); sample 0 is possible.
imp = [[1, 2, 3], [1, 2, 3, 4, 5], [2, 2, 2, 3, 3], [4]]
il_i = [12, 4, 7, 12]
tl_i = [len(s) for s in imp]
for zi in [False, True]:
    for red in REDS:
        ok("impossible_%s_%s" % ("zero_inf" if zi else "inf", red), lp,
           pad(imp, 5), il_i, tl_i, {"reduction": red, "zero_infinity": zi},
           n_inf=2)
# Exactly enough frames for the repeats: possible.
ok("repeats_just_fit", lp, pad([[2, 2, 2, 3, 3]], 5)[[0] * 4], [8] * 4,
   [5] * 4, {"reduction": "none"})

# ============================================================= empty targets
tl_e = [0, 2, 0, 3]
seq_e = [labels(n, C) for n in tl_e]
for red in REDS:
    ok("empty_targets_" + red, lp, pad(seq_e, 3), [12, 11, 5, 9], tl_e,
       {"reduction": red})
ok("all_empty_concat", lp, np.zeros(0, np.int64), il, [0, 0, 0, 0],
   {"reduction": "none"}, dts=(None, np.int64, None, None))
# No frames at all: 0 for an empty target, no alignment for any other
# (torch 1.13 reads out of bounds here; later versions answer so).
lp0 = log_softmax(3, 2, 4)
ok("input_length_zero", lp0, [[0, 0], [1, 2]], [0, 0], [0, 2],
   {"reduction": "none"}, value=[0.0, np.inf], n_inf=1)

# ============================================================ long sequences
# Few classes keep the case small (packed float64, ~340 kB each).
T2, C2 = 2000, 8
lp2 = log_softmax(T2, 2, C2, scale=1.0)
tl2 = [400, 600]
sq2 = [labels(n, C2) for n in tl2]
for red in ["mean", "none"]:
    ok("long_T2000_" + red, lp2, pad(sq2, 600), [2000, 1999], tl2,
       {"reduction": red}, dts=(np.float64, np.int64, None, None))

# ==================================================================== packed
lpf = log_softmax(T, N, C).astype(np.float32)
ok("packed_f32", lpf, tg_pad, il, tl, {"reduction": "sum"},
   dts=(np.float32, np.int32, np.int64, np.int32))
ok("packed_f32_concat_none", lpf, tg_cat, il, tl, {"reduction": "none"},
   dts=(np.float32, np.uint8, np.int32, np.int64))

# ================================================================= unbatched
lpu = log_softmax(10, 1, 5)[:, 0]
tu = labels(4, 5)
for red in REDS:
    ok("unbatched_" + red, lpu, tu, 9, 4, {"reduction": red})
ok("unbatched_lengths_as_vectors", lpu, tu, [10], [4], {"reduction": "none"},
   value=ref(lpu, tu, 10, 4, red="none").numpy())
ok("unbatched_impossible_zero_inf", lpu, [1, 1, 1, 1, 1, 1], 10, 6,
   {"zero_infinity": True, "reduction": "sum"}, n_inf=1)

# =================================================================== invalid
lpb = log_softmax(5, 2, 4).tolist()
good = {"log_probs": lpb, "targets": [[1, 2], [3, 3]],
        "input_lengths": [5, 5], "target_lengths": [2, 2]}


def but(**kw):
    return dict(good, **kw)


bad("input_length_beyond_T", but(input_lengths=[5, 6]), "out_of_range",
    "/inputs/input_lengths")
bad("input_length_negative", but(input_lengths=[5, -1]), "out_of_range",
    "/inputs/input_lengths")
bad("input_length_not_integer", but(input_lengths=[5, 2.5]), "invalid_value",
    "/inputs/input_lengths")
bad("target_length_beyond_targets", but(target_lengths=[2, 3]),
    "out_of_range", "/inputs/target_lengths")
bad("target_length_negative", but(target_lengths=[-1, 2]), "out_of_range",
    "/inputs/target_lengths")
bad("concat_sum_differs", but(targets=[1, 2, 3]), "shape_mismatch",
    "/inputs/targets")
bad("concat_too_short", but(targets=[1], target_lengths=[2, 2]),
    "shape_mismatch", "/inputs/targets")
bad("target_contains_blank", but(targets=[[1, 0], [3, 3]]), "invalid_value",
    "/inputs/targets")
bad("target_contains_blank_2", but(targets=[[1, 2], [3, 3]]),
    "invalid_value", "/inputs/targets", {"blank": 2})
bad("target_class_out_of_range", but(targets=[[1, 2], [3, 4]]),
    "out_of_range", "/inputs/targets")
bad("target_class_negative", but(targets=[[1, 2], [-3, 1]]),
    "out_of_range", "/inputs/targets")
bad("target_not_integer", but(targets=[[1, 2], [1.5, 1]]), "invalid_value",
    "/inputs/targets")
bad("blank_out_of_range", good, "out_of_range", "/params/blank",
    {"blank": 4})
bad("blank_negative", good, "out_of_range", "/params/blank", {"blank": -1})
bad("log_probs_1d", but(log_probs=[0.1, 0.2]), "shape_mismatch",
    "/inputs/log_probs")
bad("log_probs_4d", but(log_probs=[lpb]), "shape_mismatch",
    "/inputs/log_probs")
bad("lengths_count", but(input_lengths=[5, 5, 5]), "shape_mismatch",
    "/inputs/input_lengths")
bad("target_lengths_count", but(target_lengths=[2]), "shape_mismatch",
    "/inputs/target_lengths")
bad("padded_rows_differ", but(targets=[[1, 2]]), "shape_mismatch",
    "/inputs/targets")
bad("targets_3d", but(targets=[[[1, 2]], [[3, 3]]]), "shape_mismatch",
    "/inputs/targets")
bad("unbatched_targets_2d", {"log_probs": lpb[0], "targets": [[1, 2]],
                             "input_lengths": 2, "target_lengths": 2},
    "shape_mismatch", "/inputs/targets")
bad("empty_batch", {"log_probs": cg.packed(np.zeros((5, 0, 4))),
                    "targets": cg.packed(np.zeros(0, np.int64)),
                    "input_lengths": cg.packed(np.zeros(0, np.int64)),
                    "target_lengths": cg.packed(np.zeros(0, np.int64))},
    "empty_input", "/inputs/log_probs")
bad("missing_target_lengths",
    {k: v for k, v in good.items() if k != "target_lengths"},
    "missing_input", "/inputs/target_lengths")
bad("zero_infinity_not_bool", good, "wrong_type", "/params/zero_infinity",
    {"zero_infinity": 1}, status=400)
cg.done()
