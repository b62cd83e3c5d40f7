#!/usr/bin/python3
"""gen_docs - the files the examples in README.md and docs/*.md name.

tests/docs.test runs every example with docs/examples/ as its working
directory, so each file a command names (-d @file, --input x=file, a
.npz to store) is here.  They are small stand-ins with the shapes the
examples describe (embeddings of d = 4, not 2048), so the suite stays
fast and the shown outputs stay short.  The outputs shown in the docs are
evald's own answers to these files; tests/docs.test compares them.
Run with Debian's python3: /usr/bin/python3 tests/gen/gen_docs.py
"""
import json
import os

import numpy as np

import casegen as cg

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                   "docs", "examples")
D = 4
rng = np.random.default_rng(20261202)


def embeddings(n, shift):
    """n rows of a d-dimensional Gaussian, correlated, moved by shift."""
    a = rng.standard_normal((D, D)) * 0.3 + np.eye(D)
    return (rng.standard_normal((n, D)) @ a + shift).astype(np.float32)


def write_json(name, obj):
    with open(os.path.join(OUT, name), "w") as f:
        json.dump(cg._clean(obj), f)
        f.write("\n")


os.makedirs(OUT, exist_ok=True)
# An FID gate: the generated set against the reference statistics.
np.save(os.path.join(OUT, "generated.npy"), embeddings(64, 0.2))
np.save(os.path.join(OUT, "real_feats.npy"), embeddings(64, 0.0))
# A stream batch as a raw .npy.
np.save(os.path.join(OUT, "batch.npy"), embeddings(8, 0.1))
# Reference statistics as pytorch-fid writes them: np.savez of mu and
# sigma (float64, ddof 1), no n.
ref = embeddings(500, 0.0).astype(np.float64)
np.savez(os.path.join(OUT, "imagenet_val.npz"), mu=ref.mean(axis=0),
         sigma=np.cov(ref, rowvar=False))
# A whole FID request with packed float32 embeddings.
write_json("fid-request.json", {"inputs": {
    "x": cg.packed(embeddings(32, 0.3)), "y": cg.packed(embeddings(32, 0.0))}})
# An exact EMD between two point clouds, to run as a job.
write_json("emd.json", {"inputs": {
    "x": rng.standard_normal((40, 2)).round(3),
    "y": (rng.standard_normal((40, 2)) + 0.5).round(3)}})
# The body of the access-token example.
write_json("req.json", {"inputs": {"input": [1, 2, 3], "target": [1, 2, 5]}})
