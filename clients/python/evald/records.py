"""Answers as objects: fields as attributes and as a read-only mapping."""

from typing import Any, Dict, Iterator, List, Optional, Sequence, Union, overload

import numpy as np

from .errors import EvaldError, error_from

__all__ = ["Record", "Result", "Evaluation"]


class Record:
    """A JSON object answered by evald.

    ``r.name`` and ``r["name"]`` both read a field; ``r.to_dict()`` gives
    the whole answer.  It is not a ``dict`` subclass on purpose: a
    result's field ``values`` must not be shadowed by ``dict.values``.
    """

    __slots__ = ("_data",)

    def __init__(self, data: Dict[str, Any]) -> None:
        object.__setattr__(self, "_data", dict(data))

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name == "_data":
            raise AttributeError(name)  # copy and pickle probe these
        try:
            return self._data[name]
        except KeyError:
            raise AttributeError("%s has no field %r (it has: %s)" % (
                type(self).__name__, name, ", ".join(self._data) or "none")) from None

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("evald answers are read-only")

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (type(self), (self._data,))

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Record):
            return self._data == other._data
        return self._data == other

    __hash__ = None  # type: ignore[assignment]

    def get(self, key: str, default: Any = None) -> Any:
        return self._data.get(key, default)

    def keys(self):  # type: ignore[no-untyped-def]
        return self._data.keys()

    def items(self):  # type: ignore[no-untyped-def]
        return self._data.items()

    def to_dict(self) -> Dict[str, Any]:
        """A copy of the answer as a plain dict."""
        return dict(self._data)

    def __dir__(self) -> List[str]:
        return sorted(set(object.__dir__(self)) | set(self._data))

    def __repr__(self) -> str:
        return "%s(%r)" % (type(self).__name__, self._data)


class Result(Record):
    """One metric's answer (``POST /v1/metrics/{name}`` or an evaluate entry).

    ``value``, ``warnings``, ``params`` and ``elapsed_ms`` are always
    there for a success; metric-specific fields (``mean_term``, ``ci95``,
    ``recorded``, ...) are read the same way.  ``values`` (a loss with
    ``reduction="none"``) is given as a NumPy array.  A failed evaluate
    entry is a Result too: ``ok`` is false, ``error`` holds the
    :class:`~evald.EvaldError`, and reading ``value`` raises it.
    ``float(result)`` is ``value``.
    """

    __slots__ = ()

    @property
    def ok(self) -> bool:
        return "error" not in self._data

    @property
    def error(self) -> Optional[EvaldError]:
        if self.ok:
            return None
        return error_from(self._data.get("status"), self._data,
                          request="metric %s" % self._data.get("metric", "?"))

    def _need_ok(self) -> None:
        err = self.error
        if err is not None:
            raise err

    @property
    def metric(self) -> str:
        return self._data.get("metric", "")

    @property
    def value(self) -> Optional[float]:
        """The score (``None`` when it is not finite: see ``warnings``)."""
        self._need_ok()
        return self._data.get("value")

    @property
    def values(self) -> Optional[np.ndarray]:
        """Per-element values of ``reduction="none"``, as an array, else None."""
        self._need_ok()
        v = self._data.get("values")
        return None if v is None else np.asarray(v, dtype=float)

    @property
    def warnings(self) -> List[str]:
        return list(self._data.get("warnings", []))

    @property
    def params(self) -> Dict[str, Any]:
        self._need_ok()
        return dict(self._data.get("params", {}))

    @property
    def elapsed_ms(self) -> Optional[float]:
        return self._data.get("elapsed_ms")

    def __float__(self) -> float:
        v = self.value
        if v is None:
            raise ValueError("%s has no finite value (%s)" % (self.metric, "; ".join(self.warnings)))
        return float(v)


class Evaluation(Sequence[Result]):
    """The answer of ``/v1/evaluate``: one :class:`Result` per metric, in order.

    Index by position or by metric name (the first entry of that name).
    One metric's error does not fail the others: check ``ok`` or call
    :meth:`raise_for_errors`.
    """

    def __init__(self, results: List[Dict[str, Any]]) -> None:
        self.results = [Result(r) for r in results]

    @overload
    def __getitem__(self, i: int) -> Result: ...

    @overload
    def __getitem__(self, i: slice) -> Sequence[Result]: ...

    def __getitem__(self, i: Union[int, slice, str]) -> Any:
        if isinstance(i, str):
            for r in self.results:
                if r.metric == i:
                    return r
            raise KeyError("no result for metric %r" % i)
        return self.results[i]

    def __len__(self) -> int:
        return len(self.results)

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results)

    @property
    def errors(self) -> List[EvaldError]:
        return [r.error for r in self.results if r.error is not None]

    def raise_for_errors(self) -> "Evaluation":
        """Raise the first entry's error, if any; else return self."""
        for r in self.results:
            r._need_ok()
        return self

    def __repr__(self) -> str:
        return "Evaluation(%r)" % (self.results,)
