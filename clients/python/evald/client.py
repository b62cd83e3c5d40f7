"""The client: one connection to one evald, and the compute routes."""

import json
import os
import struct
import urllib.parse
import zlib
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Tuple, Union

from ._http import Response, Transport
from .jobs import Job, Progress
from .records import Evaluation, Record, Result
from .resources import Datasets, References, Series, Tallies, table_body
from .streams import Stream, Streams
from .tensors import encode_value, is_array_like, npy_header, plain_value, to_numpy, wire_array

__all__ = ["Client", "DEFAULT_URL"]

DEFAULT_URL = "http://127.0.0.1:8640"
Metric = Union[str, Mapping[str, Any], Tuple[str, Mapping[str, Any]]]
RecordSpec = Union[None, str, Mapping[str, Any]]


class Client:
    """A connection to an evald server.

    Args:
        url: the server, e.g. ``"http://127.0.0.1:8640"`` (default:
            ``$EVALD_URL``, else that address).
        token: the bearer token for a server started with ``--token-file``
            (default: ``$EVALD_TOKEN``).
        timeout: seconds a socket operation may take (a synchronous FID
            on 50 000 rows is one operation: allow for it).
        retries: how many times one call is tried again after a 503/429
            (honouring ``Retry-After``) or, where resending is harmless,
            a broken connection.
        max_retry_wait: the longest ``Retry-After`` waited for; a longer
            one raises at once.
        cafile: CA bundle for an https server with a private CA.
        npz_min: a ``compute`` whose inputs are all arrays holding at
            least this many bytes (1 MiB by default) sends them as a
            ``.npz`` body instead of packed JSON (no base64, no JSON scan
            on the server; the answer is the same to the bit); ``None``
            always sends JSON.

    One keep-alive connection per client, reopened when it drops; use a
    client from one thread at a time.  ``with Client(...) as c:`` closes
    the connection at the end.
    """

    def __init__(self, url: Optional[str] = None, token: Optional[str] = None,
                 timeout: float = 300.0, retries: int = 5, max_retry_wait: float = 120.0,
                 cafile: Optional[str] = None, npz_min: Optional[int] = 1 << 20) -> None:
        url = url or os.environ.get("EVALD_URL") or DEFAULT_URL
        if token is None:
            token = os.environ.get("EVALD_TOKEN") or None
        self._t = Transport(url, token, timeout, retries, max_retry_wait, cafile)
        self.url = self._t.url
        self.npz_min = npz_min
        self._catalog: Dict[str, Record] = {}
        self.references = References(self)
        self.streams = Streams(self)
        self.series = Series(self)
        self.tallies = Tallies(self)
        self.datasets = Datasets(self)

    # -- plumbing -----------------------------------------------------
    def _call(self, method: str, path: str, **kw: Any) -> Response:
        return self._t.request(method, path, **kw)

    def close(self) -> None:
        """Close the connection (a later call opens a new one)."""
        self._t.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return "Client(%r)" % self.url

    # -- service and catalog -----------------------------------------
    def health(self) -> bool:
        """True when ``GET /healthz`` answers ok."""
        return self._call("GET", "/healthz").body.get("status") == "ok"

    def ready(self) -> bool:
        """True when ``GET /readyz`` answers 200 (the store is open)."""
        return self._call("GET", "/readyz", expect=(200, 503)).status == 200

    def catalog(self) -> List[Record]:
        """Every metric the server serves (``GET /v1/metrics``)."""
        ms = [Record(m) for m in self._call("GET", "/v1/metrics").body["metrics"]]
        for m in ms:
            self._catalog[m["name"]] = m
        return ms

    def metric(self, name: str) -> Record:
        """One metric's entry: inputs, params (defaults, bounds, choices).

        Fetched once per client and cached.
        """
        if name not in self._catalog:
            path = "/v1/metrics/" + urllib.parse.quote(name, safe="")
            self._catalog[name] = Record(self._call("GET", path).body)
        return self._catalog[name]

    # -- compute ------------------------------------------------------
    def split(self, metric: str, kwargs: Mapping[str, Any]) -> Tuple[Dict[str, Any], Dict[str, Any]]:
        """Split keyword arguments into (inputs, params) for ``metric``.

        A name the catalog lists among the metric's inputs is an input, one
        it lists among its params a param.  A name it lists in neither (a
        typo) goes to inputs when its value is an array or a list, else to
        params, so the server's error names it and suggests the right one.
        """
        entry = self.metric(metric)
        ins = {i["name"] for i in entry.get("inputs", [])}
        pars = {p["name"] for p in entry.get("params", [])}
        inputs: Dict[str, Any] = {}
        params: Dict[str, Any] = {}
        for k, v in kwargs.items():
            if k in ins:
                inputs[k] = v
            elif k in pars:
                params[k] = v
            elif is_array_like(v) or isinstance(v, (list, tuple, dict, Stream)):
                inputs[k] = v
            else:
                params[k] = v
        return inputs, params

    def compute(self, metric: str, /, params: Optional[Mapping[str, Any]] = None,
                record: RecordSpec = None, *, inputs: Optional[Mapping[str, Any]] = None,
                wait: bool = True, progress: Progress = None,
                **inputs_and_params: Any) -> Union[Result, Job]:
        """Compute one metric (``POST /v1/metrics/{metric}``).

        Inputs and parameters are keyword arguments, split by
        :meth:`split` (the metric's catalog entry, fetched once); the
        ``inputs=`` and ``params=`` dicts give them explicitly.  Arrays
        are sent as packed tensors.  ``record`` stores the value in a
        series: a series name or ``{"series", "step", "labels"}``.

        ``wait=False`` submits an asynchronous job and returns its
        :class:`Job`; ``progress`` (a callable ``(fraction, job)``, or True
        for a bar) runs the computation as a job and reports while
        waiting.  Otherwise returns the :class:`Result`.
        """
        kw_in, kw_par = self.split(metric, inputs_and_params) if inputs_and_params else ({}, {})
        all_in = dict(inputs or {})
        all_in.update(kw_in)
        all_par = dict(params or {})
        all_par.update(kw_par)
        rec = _record(record)
        path = "/v1/metrics/" + urllib.parse.quote(metric, safe="")
        # A .npz carries no record: a recorded computation goes as JSON.
        npz = _npz_body(all_in, all_par, self.npz_min) if rec is None else None
        if npz is not None:
            return self._run(path, npz, "metric", True, wait, progress)
        body: Dict[str, Any] = {"inputs": encode_value(all_in)}
        if all_par:
            body["params"] = plain_value(all_par)
        if rec is not None:
            body["record"] = rec
        return self._run(path, body, "metric", rec is None, wait, progress)

    def evaluate(self, metrics: Iterable[Metric], /, record: RecordSpec = None, *,
                 inputs: Optional[Mapping[str, Any]] = None, wait: bool = True,
                 progress: Progress = None, **shared_inputs: Any) -> Union[Evaluation, Job]:
        """Several metrics on shared inputs (``POST /v1/evaluate``).

        ``metrics``: names, ``(name, params)`` pairs, or dicts
        ``{"name", "params"?, "inputs"?}`` (an entry's own inputs take
        precedence).  Keyword arguments are shared inputs.  Returns an
        :class:`Evaluation` (one :class:`Result` per metric, failed
        entries included), or a :class:`Job` with ``wait=False``.
        """
        entries: List[Dict[str, Any]] = []
        for m in metrics:
            if isinstance(m, str):
                entries.append({"name": m})
            elif isinstance(m, tuple):
                entries.append({"name": m[0], "params": plain_value(dict(m[1]))})
            else:
                e = dict(m)
                if "params" in e:
                    e["params"] = plain_value(e["params"])
                if "inputs" in e:
                    e["inputs"] = encode_value(e["inputs"])
                entries.append(e)
        shared = dict(inputs or {})
        shared.update(shared_inputs)
        body: Dict[str, Any] = {"inputs": encode_value(shared), "metrics": entries}
        rec = _record(record)
        if rec is not None:
            body["record"] = rec
        return self._run("/v1/evaluate", body, "evaluate", rec is None, wait, progress)

    def _run(self, path: str, body: Any, kind: str, pure: bool, wait: bool,
             progress: Progress) -> Any:
        # A dict is a JSON document, else a .npz body (_npz_body).
        kw: Dict[str, Any] = ({"json_body": body} if isinstance(body, dict)
                              else {"body": body, "ctype": "application/x-npz"})
        if wait and not progress:
            # Without a record a computation changes nothing on the
            # server, so resending it after a broken connection is safe.
            r = self._call("POST", path, resend=pure, **kw)
            return Result(r.body) if kind == "metric" else Evaluation(r.body["results"])
        r = self._call("POST", path, query={"async": "1"}, **kw)
        job = Job(self, r.body["job"], kind, r.body)
        return job.wait(progress=progress) if wait else job

    def drift(self, reference: Union[str, Mapping[str, Any]],
              current: Union[str, Mapping[str, Any]], /,
              columns: Optional[Mapping[str, Mapping[str, Any]]] = None,
              correction: Optional[str] = None, drift_share: Optional[float] = None,
              record: RecordSpec = None) -> Record:
        """``POST /v1/drift``: a drift report of ``current`` against
        ``reference``.  Each table is a stored dataset's name
        (``client.datasets``), ``{"columns": ..., "types"?: ...}``, or a
        mapping of columns; ``columns`` overrides a column's ``test`` or
        ``threshold``.  A stored table is named in the answer
        (``reference_dataset``, ``current_dataset``)."""
        body: Dict[str, Any] = {"reference": table_body(reference),
                                "current": table_body(current)}
        if columns is not None:
            body["columns"] = {k: dict(v) for k, v in columns.items()}
        if correction is not None:
            body["correction"] = correction
        if drift_share is not None:
            body["drift_share"] = float(drift_share)
        rec = _record(record)
        if rec is not None:
            body["record"] = rec
        return Record(self._call("POST", "/v1/drift", json_body=body).body)

    def job(self, job_id: str, kind: str = "metric") -> Job:
        """A handle on job ``job_id`` (``kind="evaluate"`` for an
        evaluate job), with its current state."""
        return Job(self, job_id, kind).poll()

    def stream(self, dim: int, keep: bool = False) -> Stream:
        """A new stream of ``dim``-dimensional rows (see :class:`Stream`)."""
        return self.streams.create(dim, keep=keep)


def _npz_body(inputs: Mapping[str, Any], params: Mapping[str, Any],
              least: Optional[int]) -> Optional[Callable[[], Tuple[int, List[Any]]]]:
    """The inputs as a stored ``.npz`` (one ``NAME.npy`` member per input,
    the params in a ``params.json`` member: docs/api.md, "Inputs as a .npz
    body") when every input is an array of at least one dimension and
    together they hold ``least`` bytes or more; else None (the caller
    sends JSON).  The body is a list of pieces, the arrays' own memory
    among them, so nothing is copied to build it (a BytesIO grown to
    50 MB cost more than the upload).  Sizes and offsets fit the plain
    zip fields below 4 GiB, past any server's --max-body; a larger body
    goes as JSON, which the server refuses by its size."""
    if least is None or not inputs:
        return None
    members: List[Tuple[str, List[Any]]] = []
    total = 0
    for name, v in inputs.items():
        if not is_array_like(v):
            return None
        a = wire_array(to_numpy(v))
        if a.ndim == 0:
            return None
        members.append((name + ".npy", [npy_header(a), memoryview(a).cast("B")]))
        total += a.nbytes
    if total < least:
        return None
    if params:
        text = json.dumps(plain_value(dict(params)), allow_nan=False).encode("utf-8")
        members.append(("params.json", [text]))
    pieces: List[Any] = []
    central: List[bytes] = []
    off = 0
    for fname, parts in members:
        fn = fname.encode("utf-8")
        size = sum(len(x) for x in parts)
        crc = 0
        for x in parts:
            crc = zlib.crc32(x, crc)
        # Stored, no flags, 1980-01-01 00:00 (33): what zipfile writes
        # for a member, without a clock.
        local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 0, 0, 33, crc, size, size,
                            len(fn), 0) + fn
        central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 0, 0, 33, crc,
                                   size, size, len(fn), 0, 0, 0, 0, 0, off) + fn)
        pieces.append(local)
        pieces.extend(parts)
        off += len(local) + size
    cd = b"".join(central)
    pieces.append(cd + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members),
                                   len(cd), off, 0))
    length = off + len(pieces[-1])
    if length >= 0xFFFFFFFF:
        return None
    return lambda: (length, pieces)


def _record(record: RecordSpec) -> Optional[Dict[str, Any]]:
    if record is None:
        return None
    if isinstance(record, str):
        return {"series": record}
    return {k: v for k, v in dict(record).items() if v is not None}


