"""References, series, tallies and datasets: the server's saved state."""

import os
import urllib.parse
from typing import TYPE_CHECKING, Any, Dict, Iterator, List, Mapping, Optional, Union

import numpy as np

from .records import Record, Result
from .streams import Stream, decode_np
from .tensors import encode_value, npy_chunks, packed, plain_value, to_numpy

if TYPE_CHECKING:
    from .client import Client

__all__ = ["References", "Series", "Tallies", "Datasets", "table_body"]

PathLike = Union[str, "os.PathLike[str]"]
# The server's cap on one page of points (docs/api.md, Series).
MAX_PAGE = 100000


def _name(name: str, safe: str = "") -> str:
    return urllib.parse.quote(str(name), safe=safe)


def _file_body(path: str):  # type: ignore[no-untyped-def]
    """A body factory streaming a file in 1 MiB pieces (re-readable for a retry)."""
    def make():  # type: ignore[no-untyped-def]
        size = os.path.getsize(path)

        def gen():  # type: ignore[no-untyped-def]
            with open(path, "rb") as f:
                while True:
                    chunk = f.read(1 << 20)
                    if not chunk:
                        return
                    yield chunk
        return size, gen()
    return make


class References:
    """``client.references``: saved statistics of reference sets."""

    def __init__(self, client: "Client") -> None:
        self.client = client

    def put(self, name: str, x: Any = None, *, mu: Any = None, sigma: Any = None,
            n: Optional[int] = None, stream: Union[None, str, Stream] = None) -> Record:
        """Create or replace reference ``name``; returns ``{"name","n","d","created"}``.

        From exactly one of:

        - ``x``, embeddings ``[N, d]`` (array, tensor, ``__array__``): sent
          as a binary ``.npy`` streamed as ``application/x-npy``;
        - ``x``, a path to a ``.npz`` holding ``mu`` and ``sigma`` (the stats
          files of pytorch-fid and clean-fid) or to a ``.npy`` matrix;
        - ``mu`` and ``sigma`` (and optionally ``n``), statistics you have;
        - ``stream``, a :class:`Stream` or stream id: its current moments.
        """
        path = "/v1/references/" + _name(name)
        given = sum(v is not None for v in (x, mu if mu is not None else sigma, stream))
        if given != 1:
            raise TypeError("references.put takes exactly one of x, mu/sigma, or stream")
        if stream is not None:
            sid = stream.id if isinstance(stream, Stream) else str(stream)
            r = self.client._call("PUT", path, json_body={"stream": sid})
        elif mu is not None or sigma is not None:
            if mu is None or sigma is None:
                raise TypeError("references.put needs both mu and sigma")
            body: Dict[str, Any] = {"mu": packed(np.asarray(to_numpy(mu), dtype=np.float64)),
                                    "sigma": packed(np.asarray(to_numpy(sigma), dtype=np.float64))}
            if n is not None:
                body["n"] = int(n)
            r = self.client._call("PUT", path, json_body=body)
        elif isinstance(x, (str, os.PathLike)):
            f = os.fspath(x)
            with open(f, "rb") as fh:
                magic = fh.read(6)
            # A .npz is read whole by the server; a .npy streams.
            ctype = "application/x-npy" if magic == b"\x93NUMPY" else "application/octet-stream"
            r = self.client._call("PUT", path, body=_file_body(f), ctype=ctype)
        else:
            r = self.client._call("PUT", path, body=lambda: npy_chunks(x), ctype="application/x-npy")
        return Record(r.body)

    def get(self, name: str, include_stats: bool = False) -> Record:
        """Metadata of ``name``; with ``include_stats`` also ``mu`` and
        ``sigma`` (as NumPy arrays)."""
        q = {"include": "stats"} if include_stats else None
        b = dict(self.client._call("GET", "/v1/references/" + _name(name), query=q).body)
        for k in ("mu", "sigma"):
            if k in b:
                b[k] = decode_np(b[k])
        return Record(b)

    def list(self) -> List[Record]:
        """Every reference's metadata, by name."""
        return [Record(r) for r in self.client._call("GET", "/v1/references").body["references"]]

    def delete(self, name: str) -> Record:
        """Remove reference ``name``."""
        return Record(self.client._call("DELETE", "/v1/references/" + _name(name)).body)


class Series:
    """``client.series``: recorded scores (what dashboards poll)."""

    def __init__(self, client: "Client") -> None:
        self.client = client

    def record(self, series: str, metric: str, /, step: Optional[int] = None,
               labels: Optional[Mapping[str, str]] = None, **inputs_and_params: Any) -> Result:
        """Compute ``metric`` and record its value in ``series`` (one request).

        The same as ``client.compute(metric, record={"series": series,
        "step": step, "labels": labels}, ...)``; the answer's ``recorded``
        says what was stored.
        """
        rec: Dict[str, Any] = {"series": series}
        if step is not None:
            rec["step"] = int(step)
        if labels:
            rec["labels"] = dict(labels)
        return self.client.compute(metric, record=rec, **inputs_and_params)  # type: ignore[return-value]

    def list(self) -> List[Record]:
        """Every series with its point count and latest point."""
        b = self.client._call("GET", "/v1/series").body
        return [Record(s) for s in b.get("series", [])]

    def points(self, name: str, since: Optional[float] = None,
               limit: Optional[int] = None) -> Iterator[Record]:
        """The points of ``name`` recorded after ``since`` (Unix seconds),
        oldest first, at most ``limit`` of them (all when None).

        Pages through the server's answers: an answer cut at
        ``--max-response`` (``truncated``) goes on from ``next_since``, a
        full page from its last timestamp.
        """
        path = "/v1/series/" + _name(name, safe="/:")
        left = limit
        while left is None or left > 0:
            page = MAX_PAGE if left is None else min(left, MAX_PAGE)
            b = self.client._call("GET", path, query={"since": _num(since), "limit": page}).body
            pts = b.get("points", [])
            for p in pts:
                yield Record(p)
            if left is not None:
                left -= len(pts)
            if b.get("truncated"):
                since = b["next_since"]
            elif len(pts) == page and pts:
                since = pts[-1]["ts"]
            else:
                return

    def latest(self, name: str) -> Optional[Record]:
        """The latest point of ``name``; :class:`~evald.NotFound` when there is
        no such series."""
        for s in self.list():
            if s.get("name") == name:
                p = s.get("latest")
                return Record(p) if isinstance(p, dict) else None
        last = None
        for last in self.points(name):
            pass
        return last


def _num(x: Optional[float]) -> Optional[str]:
    return None if x is None else repr(float(x))


class Tallies:
    """``client.tallies``: scores accumulated exactly over batches."""

    def __init__(self, client: "Client") -> None:
        self.client = client

    def create(self, name: str, kind: str, **params: Any) -> Record:
        """``PUT /v1/tallies/{name}`` with ``{"kind": kind, **params}``
        (``regression``: outputs, multioutput; ``classification``: labels
        or num_classes, zero_division).  The same PUT again is harmless."""
        body = {"kind": kind}
        body.update({k: plain_value(v) for k, v in params.items()})
        return Record(self.client._call("PUT", "/v1/tallies/" + _name(name), json_body=body).body)

    def push(self, name: str, y_true: Any, y_pred: Any, sample_weight: Any = None) -> int:
        """Add a batch; returns the tally's new sample count (not resent
        after a broken connection: it may have been counted)."""
        body = {"y_true": encode_value(y_true), "y_pred": encode_value(y_pred)}
        if sample_weight is not None:
            body["sample_weight"] = encode_value(sample_weight)
        r = self.client._call("POST", "/v1/tallies/%s/batches" % _name(name), json_body=body)
        return int(r.body["n"])

    def get(self, name: str, include_state: bool = False) -> Record:
        """The tally with its ``scores`` and ``warnings`` (and ``state``)."""
        q = {"include": "state"} if include_state else None
        return Record(self.client._call("GET", "/v1/tallies/" + _name(name), query=q).body)

    def merge(self, name: str, from_: Optional[str] = None,
              state: Optional[Mapping[str, Any]] = None) -> int:
        """Add another tally's samples: ``from_`` (a tally name) or an
        exported ``state``; returns the new count."""
        if (from_ is None) == (state is None):
            raise TypeError("tallies.merge takes exactly one of from_ or state")
        body = {"from": from_} if from_ is not None else {"state": dict(state or {})}
        r = self.client._call("POST", "/v1/tallies/%s/merge" % _name(name), json_body=body)
        return int(r.body["n"])

    def list(self) -> List[Record]:
        """Every tally, without scores."""
        return [Record(t) for t in self.client._call("GET", "/v1/tallies").body["tallies"]]

    def delete(self, name: str) -> Record:
        """Drop tally ``name``."""
        return Record(self.client._call("DELETE", "/v1/tallies/" + _name(name)).body)


def _column(values: Any) -> Any:
    """A table column as JSON: a list as it is (``None`` for missing), an
    array or tensor as a plain list."""
    if isinstance(values, (list, tuple)):
        return list(values)
    return np.asarray(to_numpy(values)).tolist()


def table_body(table: Union[str, Mapping[str, Any]]) -> Dict[str, Any]:
    """A drift table: a dataset name as ``{"dataset": name}``; a mapping
    with ``"columns"`` as it is (its columns made plain); any other
    mapping as the columns themselves."""
    if isinstance(table, str):
        return {"dataset": table}
    if "columns" in table or "dataset" in table:
        out = dict(table)
        if "columns" in out:
            out["columns"] = {k: _column(v) for k, v in out["columns"].items()}
        return out
    return {"columns": {k: _column(v) for k, v in table.items()}}


class Datasets:
    """``client.datasets``: tables stored for drift reports."""

    def __init__(self, client: "Client") -> None:
        self.client = client

    def put(self, name: str, columns: Mapping[str, Any], *,
            types: Optional[Mapping[str, str]] = None, max_rows: Optional[int] = None,
            seed: Optional[int] = None) -> Record:
        """Store (or replace) dataset ``name``: ``columns`` maps a column
        name to its values (a list with ``None`` for missing, or an
        array); ``types`` may say ``"numeric"`` or ``"categorical"``.  A
        table longer than ``max_rows`` (default: the server's
        ``--max-dataset-rows``) keeps a sample of whole rows chosen by
        ``seed`` (default 0): the same table and seed keep the same rows.
        Returns ``{name, n_rows, n_kept, max_rows, sampled, seed, ...}``."""
        body: Dict[str, Any] = {"columns": {k: _column(v) for k, v in columns.items()}}
        if types is not None:
            body["types"] = dict(types)
        if max_rows is not None:
            body["max_rows"] = int(max_rows)
        if seed is not None:
            body["seed"] = int(seed)
        return Record(self.client._call("PUT", "/v1/datasets/" + _name(name), json_body=body).body)

    def get(self, name: str, rows: bool = False) -> Record:
        """The dataset's metadata and column types; with ``rows`` also
        ``table``, its kept rows (``{"columns", "types"}``)."""
        q = {"rows": "1"} if rows else None
        return Record(self.client._call("GET", "/v1/datasets/" + _name(name), query=q).body)

    def list(self) -> List[Record]:
        """Every dataset's metadata, by name."""
        return [Record(d) for d in self.client._call("GET", "/v1/datasets").body["datasets"]]

    def delete(self, name: str) -> Record:
        """Remove dataset ``name``."""
        return Record(self.client._call("DELETE", "/v1/datasets/" + _name(name)).body)
