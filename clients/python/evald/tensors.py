"""Arrays to the wire: packed base64 tensors for JSON, ``.npy`` for uploads.

Accepted array-likes: NumPy arrays, anything with ``__array__``, and
PyTorch tensors, recognised by duck typing (``.detach().cpu().numpy()``)
so that torch is never imported here.  evald reads float64, float32,
int64, int32 and uint8; other dtypes are converted to the nearest of
those (float16 to float32, bool to uint8, other integers to int64).
"""

import base64
import struct
from typing import Any, Iterator, Tuple

import numpy as np

__all__ = ["is_array_like", "to_numpy", "packed", "encode_value", "npy_header", "npy_chunks"]

_WIRE = {np.dtype(t) for t in ("<f8", "<f4", "<i8", "<i4", "|u1")}
# Rows of an upload are sent in pieces of about this many bytes.
CHUNK = 1 << 20


def is_torch(x: Any) -> bool:
    return hasattr(x, "detach") and hasattr(x, "cpu") and hasattr(x, "numpy")


def is_array_like(x: Any) -> bool:
    """True for what :func:`to_numpy` turns into an array (not lists)."""
    return isinstance(x, (np.ndarray, np.generic)) or is_torch(x) or hasattr(x, "__array__")


def to_numpy(x: Any) -> np.ndarray:
    """An ndarray for a NumPy array, a torch tensor, an ``__array__`` object or a list."""
    if is_torch(x):
        # resolve_conj/resolve_neg exist on newer torch; .numpy() refuses
        # tensors with those lazy bits set.
        x = x.detach().cpu()
        for lazy in ("resolve_conj", "resolve_neg"):
            if hasattr(x, lazy):
                x = getattr(x, lazy)()
        return x.numpy()
    return np.asarray(x)


def wire_array(a: np.ndarray) -> np.ndarray:
    """``a`` as a little-endian, C-order array of a dtype evald reads."""
    kind = a.dtype.kind
    if kind == "b":
        a = a.astype(np.uint8)
    elif kind == "f" and a.dtype.itemsize < 4:
        a = a.astype(np.float32)
    elif kind == "f" and a.dtype.itemsize > 8:
        a = a.astype(np.float64)
    elif kind == "u" and a.dtype.itemsize == 1:
        pass
    elif kind in "iu":
        if kind == "u" and a.dtype.itemsize == 8 and a.size and a.max() > np.uint64(2 ** 63 - 1):
            raise ValueError("uint64 values above 2**63-1 cannot be sent; convert to float64")
        if a.dtype.itemsize != 4 or kind == "u":
            a = a.astype(np.int64)
    elif kind != "f":
        raise TypeError("evald reads real numbers; cannot send an array of dtype %s" % a.dtype)
    a = a.astype(a.dtype.newbyteorder("<"), copy=False)
    return np.ascontiguousarray(a)


def packed(x: Any) -> dict:
    """The packed-tensor JSON object for an array-like (docs/api.md, Tensors)."""
    a = wire_array(to_numpy(x))
    return {"dtype": a.dtype.name, "shape": list(a.shape),
            "data": base64.b64encode(memoryview(a).cast("B")).decode("ascii")}


def encode_value(x: Any) -> Any:
    """A request value with every array in it packed.

    Array-likes become packed tensors (a 0-d one a plain number); lists
    and tuples of numbers become one packed tensor (integer lists stay
    integer, which is how evald tells class indices from probabilities);
    a list holding arrays (per-layer features) becomes a list of packed
    tensors; dicts are encoded value by value; objects with an
    ``as_input()`` method (a :class:`~evald.Stream`) give that.
    """
    if hasattr(x, "as_input") and callable(x.as_input):
        return x.as_input()
    if isinstance(x, (str, bool, int, float)) or x is None:
        return x
    if isinstance(x, dict):
        return {str(k): encode_value(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        if any(is_array_like(v) or isinstance(v, dict) for v in x):
            return [encode_value(v) for v in x]
        try:
            a = np.asarray(x)
        except ValueError:  # ragged: the server names the place
            return plain_value(x)
        if a.dtype.kind not in "biuf" or a.size == 0:
            return list(x)
        return packed(a)
    if is_array_like(x):
        a = to_numpy(x)
        if a.ndim == 0:
            return a.item()
        return packed(a)
    return x


def plain_value(x: Any) -> Any:
    """Arrays as nested lists: for parameters, which are small JSON values."""
    if hasattr(x, "as_input") and callable(x.as_input):
        return x.as_input()
    if isinstance(x, dict):
        return {str(k): plain_value(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [plain_value(v) for v in x]
    if is_array_like(x) and not isinstance(x, (str, bytes)):
        return to_numpy(x).tolist()
    return x


def npy_header(a: np.ndarray) -> bytes:
    """The ``.npy`` (version 1.0) header for a wire array."""
    d = "{'descr': '%s', 'fortran_order': False, 'shape': %s, }" % (
        a.dtype.str, repr(tuple(a.shape)))
    # Magic (6) + version (2) + length (2) + dict + padding + "\n": 64-aligned.
    pad = -(10 + len(d) + 1) % 64
    d = d + " " * pad + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(d)) + d.encode("latin1")


def npy_chunks(x: Any) -> Tuple[int, "Iterator[bytes]"]:
    """(length, chunks) of ``x`` as a ``.npy`` file, without copying it whole.

    The array is converted once (when its dtype or layout needs it) and
    then sent in slices of about :data:`CHUNK` bytes.
    """
    a = wire_array(to_numpy(x))
    head = npy_header(a)
    raw = memoryview(a).cast("B") if a.size else memoryview(b"")

    def gen() -> Iterator[bytes]:
        yield head
        for i in range(0, len(raw), CHUNK):
            yield raw[i:i + CHUNK]

    return len(head) + len(raw), gen()
