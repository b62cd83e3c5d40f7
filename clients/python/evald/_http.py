"""One keep-alive HTTP connection to evald, with the retry policy.

Why a policy and not "retry everything": a POST that broke mid-way may
have been applied (a recorded point, a merged batch), so it is resent
only when the caller says resending is harmless.  A 503 (or 429) means
the server did nothing and asks to come back after ``Retry-After``
seconds (docs/api.md, Errors), so it is retried for every method, within
a bound, except ``store_unavailable`` for writes, which may have been
committed as the store's connection broke.
"""

import http.client
import json
import select
import socket
import ssl
import time
import urllib.parse
from typing import Any, Callable, Dict, Iterable, Mapping, Optional, Tuple, Union

from .errors import ConnectionFailed, EvaldError, error_from
from ._version import __version__

Body = Union[None, bytes, Callable[[], Tuple[int, Iterable[bytes]]]]

# Failures of the socket itself, where no answer was read.
_CONN_ERRORS = (ConnectionError, http.client.RemoteDisconnected,
                http.client.BadStatusLine, http.client.IncompleteRead,
                socket.timeout, OSError)


class _NotSent(Exception):
    """The connection could not be opened: nothing was sent."""


class Response:
    """A finished exchange: status, headers and the parsed JSON body."""

    def __init__(self, status: int, headers: Mapping[str, str], body: Any) -> None:
        self.status = status
        self.headers = headers
        self.body = body


def _retry_after(value: Optional[str]) -> Optional[float]:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None  # an HTTP date: evald sends seconds


class Transport:
    """A single HTTP/1.1 connection, reopened when it drops.

    Not thread-safe: use one :class:`~evald.Client` per thread.
    """

    def __init__(self, url: str, token: Optional[str], timeout: float, retries: int,
                 max_retry_wait: float, cafile: Optional[str] = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        u = urllib.parse.urlsplit(url)
        if u.scheme not in ("http", "https") or not u.hostname:
            raise ValueError("evald URL must be http://host[:port] or https://...; got %r" % url)
        self.scheme = u.scheme
        self.host = u.hostname
        self.port = u.port or (443 if u.scheme == "https" else 80)
        self.prefix = u.path.rstrip("/")
        self.url = "%s://%s" % (u.scheme, u.netloc) + self.prefix
        self.token = token
        self.timeout = timeout
        self.retries = max(0, int(retries))
        self.max_retry_wait = max_retry_wait
        self.cafile = cafile
        self.sleep = sleep
        self.conn: Optional[http.client.HTTPConnection] = None
        self.requests_sent = 0  # on the current connection

    # -- connection ---------------------------------------------------
    def _connect(self) -> http.client.HTTPConnection:
        if self.scheme == "https":
            ctx = ssl.create_default_context(cafile=self.cafile)
            conn: http.client.HTTPConnection = http.client.HTTPSConnection(
                self.host, self.port, timeout=self.timeout, context=ctx)
        else:
            conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        conn.connect()
        conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.requests_sent = 0
        return conn

    def _stale(self) -> bool:
        """True when the idle connection was closed by the server.

        An idle keep-alive socket that is readable has either hit EOF or
        holds bytes nobody asked for: both mean it cannot carry a request.
        Checked before each use, so that a POST is never sent into a
        connection the server already dropped (--timeout closes idle ones).
        """
        sock = self.conn.sock if self.conn else None
        if sock is None:
            return True
        try:
            r, _, _ = select.select([sock], [], [], 0)
        except (OSError, ValueError):
            return True
        return bool(r)

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    # -- one exchange -------------------------------------------------
    def _headers(self, ctype: Optional[str], length: Optional[int]) -> Dict[str, str]:
        h = {"Accept": "application/json", "User-Agent": "evald-python/" + __version__}
        if self.token:
            h["Authorization"] = "Bearer " + self.token
        if ctype:
            h["Content-Type"] = ctype
        if length is not None:
            h["Content-Length"] = str(length)
        return h

    def _once(self, method: str, target: str, body: Body, ctype: Optional[str]) -> Response:
        if self.conn is not None and self._stale():
            self.close()
        if self.conn is None:
            try:
                self.conn = self._connect()
            except _CONN_ERRORS as e:
                raise _NotSent(e) from e
        conn = self.conn
        data: Any = None
        length: Optional[int] = None
        if callable(body):
            length, data = body()
        elif body is not None:
            data, length = body, len(body)
        elif method in ("POST", "PUT"):
            data, length = b"", 0
        conn.putrequest(method, target, skip_accept_encoding=True)
        for k, v in self._headers(ctype, length).items():
            conn.putheader(k, v)
        try:
            conn.endheaders()
            if isinstance(data, (bytes, bytearray, memoryview)):
                if data:
                    conn.send(data)
            elif data is not None:
                for chunk in data:
                    conn.send(chunk)
        except (BrokenPipeError, ConnectionResetError):
            # The server may have answered early (a 413 or 422 decided from
            # the headers of an upload) and closed: read that answer.
            pass
        resp = conn.getresponse()
        raw = resp.read()
        self.requests_sent += 1
        if resp.will_close:
            self.close()
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = {"error": {"code": "not_json", "message":
                                "the server answered %d with something that is not JSON: %r"
                                % (resp.status, raw[:200])}}
        return Response(resp.status, dict(resp.getheaders()), parsed)

    def request(self, method: str, path: str, *, query: Optional[Mapping[str, Any]] = None,
                json_body: Any = None, body: Body = None, ctype: Optional[str] = None,
                resend: Optional[bool] = None, expect: Tuple[int, ...] = (200, 201, 202)) -> Response:
        """One call with retries; raises an :class:`EvaldError` on an error answer.

        ``resend``: whether sending the request twice is harmless (default:
        true for GET, PUT and DELETE, false for POST).
        """
        if json_body is not None:
            body = json.dumps(json_body, separators=(",", ":"), allow_nan=False).encode("utf-8")
            ctype = "application/json"
        if resend is None:
            resend = method != "POST"
        target = self.prefix + path
        if query:
            q = {k: v for k, v in query.items() if v is not None}
            if q:
                target += "?" + urllib.parse.urlencode(q)
        what = "%s %s" % (method, path)
        attempt = 0
        while True:
            try:
                resp = self._once(method, target, body, ctype)
            except (_NotSent,) + _CONN_ERRORS as e:
                self.close()
                sent = not isinstance(e, _NotSent)
                if isinstance(e, _NotSent):
                    e = e.args[0]
                if (sent and not resend) or attempt >= self.retries:
                    raise ConnectionFailed(
                        "cannot reach evald at %s: %s%s" % (
                            self.url, e.__class__.__name__ + (": %s" % e if str(e) else ""),
                            " (not resent: it may have been applied)" if sent and not resend else ""),
                        code="connection_failed", request=what) from e
                self.sleep(min(0.1 * 2 ** attempt, 2.0))
                attempt += 1
                continue
            if resp.status in expect:
                return resp
            wait = _retry_after(resp.headers.get("Retry-After"))
            err = error_from(resp.status, resp.body, retry_after=wait, request=what)
            if not self._retryable(resp.status, err, resend) or attempt >= self.retries:
                raise err
            if wait is None:
                wait = min(0.5 * 2 ** attempt, 8.0)
            if wait > self.max_retry_wait:
                raise err
            self.sleep(wait)
            attempt += 1

    @staticmethod
    def _retryable(status: int, err: EvaldError, resend: bool) -> bool:
        if status not in (429, 503):
            return False
        # A write whose store connection broke as it committed may have
        # been applied (docs/operations.md): only resend harmless ones.
        return resend or err.code != "store_unavailable"
