"""wire - a tensor as a loss generator sends it and as evald decodes it.

Shared by gen_loss.py and gen_loss2.py: a case's input is written either
as nested JSON or packed in a narrower dtype, and the anchor must be fed
exactly the float64 values the service decodes (a float32 packed input is
widened first), so each input carries both forms.
"""
import numpy as np
import torch

import casegen as cg


class Wire:
    """A tensor as sent (nested JSON, or packed with `dtype`) and as the
    service sees it after decoding (float64)."""

    def __init__(self, a, dtype=None):
        a = np.asarray(a)
        if dtype is None:
            self.json = a.tolist()
            self.f64 = a.astype(np.float64)
        else:
            b = a.astype(dtype)
            self.json = cg.packed(b)
            self.f64 = b.astype(np.float64)


def W(a, dtype=None):
    return a if isinstance(a, Wire) else Wire(a, dtype)


def T(a):
    """The float64 torch tensor the anchor is fed."""
    return torch.tensor(np.asarray(a.f64 if isinstance(a, Wire) else a,
                                   dtype=np.float64))


def L(a):
    """The int64 torch tensor of class indices the anchor is fed."""
    return torch.tensor(np.asarray(a.f64 if isinstance(a, Wire) else a)
                        ).long()
