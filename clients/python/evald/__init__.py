"""Python client for evald, the evaluation-metrics HTTP service.

::

    import evald
    with evald.Client("http://127.0.0.1:8640") as c:
        r = c.compute("mse", input=pred, target=y)
        print(r.value, r.warnings)

See docs/python.md in the evald repository for the whole API.
"""

from ._version import __version__
from .client import DEFAULT_URL, Client
from .errors import (CODES, BadRequest, Cancelled, Conflict, ConnectionFailed, EvaldError,
                     JobCancelled, LengthRequired, MethodNotAllowed, NotFound, Overloaded,
                     RateLimited, RequestTimeout, ServerError, StorageFull, TooLarge,
                     Unauthorized, UnknownMetric, UnsupportedMediaType, UriTooLong,
                     ValidationError)
from .jobs import Job
from .records import Evaluation, Record, Result
from .streams import Stream
from .tensors import packed

__all__ = [
    "__version__", "Client", "DEFAULT_URL", "Result", "Evaluation", "Record", "Job", "Stream",
    "packed", "CODES", "EvaldError", "ConnectionFailed", "BadRequest", "ValidationError",
    "Unauthorized", "NotFound", "UnknownMetric", "MethodNotAllowed", "RequestTimeout",
    "Conflict", "Cancelled", "JobCancelled", "LengthRequired", "TooLarge", "UriTooLong",
    "UnsupportedMediaType", "RateLimited", "Overloaded", "ServerError", "StorageFull",
]
