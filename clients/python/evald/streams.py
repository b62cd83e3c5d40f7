"""Streams: moments of embeddings that arrive in batches (``/v1/streams``)."""

from typing import TYPE_CHECKING, Any, Dict, Optional, Tuple

import base64

import numpy as np

from .errors import NotFound
from .records import Record
from .tensors import npy_chunks, packed, to_numpy

if TYPE_CHECKING:
    from .client import Client

__all__ = ["Stream", "Streams"]


class Stream:
    """A stream on the server; a context manager for a training loop.

    ::

        with client.stream(2048) as s:
            for batch in loader:
                s.append(model.embed(batch))
            fid = client.compute("fid", x=s, y={"reference": "imagenet-val"})

    On leaving the ``with`` block the stream is deleted unless
    ``keep=True`` was given or :meth:`keep` was called.  A Stream passed
    as an input is sent as ``{"stream": id}``.
    """

    def __init__(self, client: "Client", stream_id: str, dim: Optional[int] = None,
                 keep: bool = False) -> None:
        self.client = client
        self.id = stream_id
        self.dim = dim
        self.n: Optional[int] = None  # rows so far, as of the last answer
        self.kept = keep

    def as_input(self) -> Dict[str, str]:
        """``{"stream": id}``, the form an FID input or a reference takes."""
        return {"stream": self.id}

    def _path(self, tail: str = "") -> str:
        return "/v1/streams/" + self.id + tail

    def append(self, batch: Any) -> int:
        """Add rows ``[N, d]`` (array, tensor or ``__array__``); returns the new total.

        Sent as a binary ``.npy`` body (``application/x-npy``), which the
        server reads into moments as it arrives.  Not resent after a
        broken connection: a push may have been merged (see docs).
        """
        r = self.client._call("POST", self._path("/batches"), body=lambda: npy_chunks(batch),
                              ctype="application/x-npy")
        self.n = r.body.get("n")
        return int(self.n)

    def append_moments(self, n: int, mean: Any, comoment: Any) -> int:
        """Merge partial moments computed elsewhere; returns the new total.

        ``comoment`` is Σ(x − mean)(x − mean)ᵀ of those ``n`` rows.
        """
        c = np.asarray(to_numpy(comoment), dtype=np.float64)
        body = {"n": int(n), "mean": packed(np.asarray(to_numpy(mean), dtype=np.float64)),
                "comoment": packed(0.5 * (c + c.T))}
        r = self.client._call("POST", self._path("/moments"), json_body=body)
        self.n = r.body.get("n")
        return int(self.n)

    def info(self) -> Record:
        """``{"id", "n", "d", "created", "updated"}``."""
        r = Record(self.client._call("GET", self._path()).body)
        self.n = r.get("n")
        return r

    def moments(self) -> Tuple[int, np.ndarray, np.ndarray]:
        """(n, mean, comoment) as NumPy arrays (``?include=moments``)."""
        b = self.client._call("GET", self._path(), query={"include": "moments"}).body
        return int(b["n"]), decode_np(b["mean"]), decode_np(b["comoment"])

    def to_reference(self, name: str) -> Record:
        """Save the stream's current moments as reference ``name``."""
        return self.client.references.put(name, stream=self)

    def keep(self) -> "Stream":
        """Do not delete the stream when the ``with`` block ends."""
        self.kept = True
        return self

    def delete(self) -> None:
        """Drop the stream (a stream already gone is not an error here)."""
        try:
            self.client._call("DELETE", self._path())
        except NotFound:
            pass

    def __enter__(self) -> "Stream":
        return self

    def __exit__(self, *exc: Any) -> None:
        if not self.kept:
            self.delete()

    def __repr__(self) -> str:
        return "Stream(%r, dim=%r, n=%r)" % (self.id, self.dim, self.n)


def decode_np(x: Any) -> np.ndarray:
    """A tensor from an answer: nested lists or a packed object."""
    if isinstance(x, dict) and "data" in x:
        dt = np.dtype(x["dtype"]).newbyteorder("<")
        return np.frombuffer(base64.b64decode(x["data"]), dtype=dt).reshape(x["shape"]).astype(np.float64)
    return np.asarray(x, dtype=np.float64)


class Streams:
    """``client.streams``: create or attach to streams."""

    def __init__(self, client: "Client") -> None:
        self.client = client

    def create(self, dim: int, keep: bool = False) -> Stream:
        """``POST /v1/streams {"dim": d}``: a new, empty stream."""
        r = self.client._call("POST", "/v1/streams", json_body={"dim": int(dim)})
        s = Stream(self.client, r.body["id"], r.body.get("d", dim), keep=keep)
        s.n = r.body.get("n", 0)
        return s

    def open(self, stream_id: str, keep: bool = True) -> Stream:
        """A handle on an existing stream (kept on exit unless ``keep=False``)."""
        s = Stream(self.client, stream_id, keep=keep)
        s.dim = s.info().get("d")
        return s
