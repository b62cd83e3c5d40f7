"""Typed exceptions for evald's error envelope.

Every error evald answers is ``{"error": {"code", "message", "path"}}`` with
an HTTP status.  :func:`error_from` turns one into the most specific class
here: first by ``code`` (each code docs/api.md lists has an entry in
:data:`CODES`), then by status, so a code a newer server adds still lands in
the class of its status.
"""

from typing import Dict, Mapping, Optional, Type

__all__ = [
    "EvaldError", "ConnectionFailed", "BadRequest", "ValidationError",
    "Unauthorized", "NotFound", "UnknownMetric", "MethodNotAllowed",
    "RequestTimeout", "Conflict", "Cancelled", "LengthRequired", "TooLarge",
    "UriTooLong", "UnsupportedMediaType", "RateLimited", "Overloaded",
    "ServerError", "StorageFull", "JobCancelled", "CODES", "error_from",
]


class EvaldError(Exception):
    """An error answered by evald, or a failure to get an answer.

    Attributes:
        status: the HTTP status (``None`` when no answer came).
        code: the stable snake_case code (switch on this one).
        message: the server's sentence for people.
        path: JSON Pointer to the offending field of the request body
            (``""`` when the error is about the request as a whole).
        retry_after: seconds from a ``Retry-After`` header, else ``None``.
        request: ``"METHOD /route"`` that failed, for the traceback.
    """

    def __init__(self, message: str, *, status: Optional[int] = None, code: str = "",
                 path: str = "", retry_after: Optional[float] = None,
                 request: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.path = path
        self.retry_after = retry_after
        self.request = request

    def __str__(self) -> str:
        head = "%s %s" % (self.status, self.code) if self.status else self.code
        where = " at %s" % self.path if self.path else ""
        on = " (%s)" % self.request if self.request else ""
        return "%s%s: %s%s" % (head, where, self.message, on)


class ConnectionFailed(EvaldError):
    """No answer: the server could not be reached, or the connection broke.

    ``code`` is ``"connection_failed"``; ``status`` is ``None``.  A POST that
    broke this way may or may not have been applied (see docs/python.md).
    """


class BadRequest(EvaldError):
    """400: the body is not JSON, a field has the wrong type, a bad query."""


class ValidationError(BadRequest):
    """422: well-formed but invalid (shapes, NaN, ranges, unknown names)."""


class Unauthorized(EvaldError):
    """401: a token is configured and was missing or wrong."""


class NotFound(EvaldError):
    """404: no such route, metric, job, reference, stream, series or tally."""


class UnknownMetric(NotFound):
    """404 ``unknown_metric``: the message names the closest metric."""


class MethodNotAllowed(EvaldError):
    """405: the route does not take this method."""


class RequestTimeout(EvaldError):
    """408: the headers or body did not arrive in time."""


class Conflict(EvaldError):
    """409: a conflict with the server's state."""


class Cancelled(Conflict):
    """409 ``cancelled``: the computation was stopped."""


class JobCancelled(Cancelled):
    """An asynchronous job ended as ``cancelled``."""


class LengthRequired(EvaldError):
    """411: a POST or PUT without Content-Length."""


class TooLarge(EvaldError):
    """413: a body, tensor or result over one of the server's limits."""


class UriTooLong(EvaldError):
    """414: the query string is too long."""


class UnsupportedMediaType(EvaldError):
    """415: a body type or layout the route does not read."""


class RateLimited(EvaldError):
    """429: too many requests; ``retry_after`` says when to come back."""


class Overloaded(RateLimited):
    """503: busy, not ready or shutting down; ``retry_after`` is set."""


class ServerError(EvaldError):
    """500: a bug in evald, or a failing data directory."""


class StorageFull(ServerError):
    """507: the data directory is full; nothing was written."""


# Every code docs/api.md lists, to its class.
CODES: Dict[str, Type[EvaldError]] = {}
for _cls, _codes in (
    (BadRequest, "malformed_json duplicate_key wrong_type bad_path bad_query "
                 "unknown_query unexpected_body"),
    (Unauthorized, "unauthorized"),
    (NotFound, "not_found"),
    (UnknownMetric, "unknown_metric"),
    (MethodNotAllowed, "method_not_allowed"),
    (RequestTimeout, "header_timeout body_timeout"),
    (Cancelled, "cancelled"),
    (LengthRequired, "length_required"),
    (TooLarge, "body_too_large too_large"),
    (UriTooLong, "uri_too_long"),
    (UnsupportedMediaType, "unsupported_media_type unsupported_layout "
                           "unsupported_compression"),
    (ValidationError, "shape_mismatch ragged_array non_finite out_of_range "
                      "invalid_value unknown_parameter unknown_input "
                      "unknown_field missing_input empty_input bad_base64 "
                      "bad_npy bad_npz unsupported_dtype invalid_shape "
                      "too_many_dims not_supported numerical_failure"),
    (Overloaded, "overloaded queue_full out_of_memory not_ready shutting_down "
                 "no_entropy store_unavailable worker_lost"),
    (StorageFull, "storage_full"),
    (ServerError, "internal_error store_error"),
):
    for _code in _codes.split():
        CODES[_code] = _cls

_STATUS: Dict[int, Type[EvaldError]] = {
    400: BadRequest, 401: Unauthorized, 404: NotFound, 405: MethodNotAllowed,
    408: RequestTimeout, 409: Conflict, 411: LengthRequired, 413: TooLarge,
    414: UriTooLong, 415: UnsupportedMediaType, 422: ValidationError,
    429: RateLimited, 503: Overloaded, 507: StorageFull,
}


def error_from(status: Optional[int], body: object, *, retry_after: Optional[float] = None,
               request: str = "") -> EvaldError:
    """The exception for an error answer: ``body`` is the parsed JSON."""
    err: Mapping = {}
    if isinstance(body, Mapping) and isinstance(body.get("error"), Mapping):
        err = body["error"]
    if status is None and isinstance(body, Mapping) and isinstance(body.get("status"), int):
        status = body["status"]  # an evaluate entry or a job's error
    code = str(err.get("code", "")) or "http_%s" % status
    cls = CODES.get(code) or _STATUS.get(status or 0)
    if cls is None:
        cls = ServerError if (status or 0) >= 500 else EvaldError
    message = str(err.get("message", "")) or "HTTP status %s without an error body" % status
    return cls(message, status=status, code=code, path=str(err.get("path", "")),
               retry_after=retry_after, request=request)
