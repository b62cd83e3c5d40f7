"""Asynchronous jobs (``?async=1``, ``/v1/jobs/{id}``)."""

import sys
import time
from typing import TYPE_CHECKING, Any, Callable, Dict, Optional, Union

from .errors import EvaldError, JobCancelled, error_from
from .records import Evaluation, Result

if TYPE_CHECKING:
    from .client import Client

__all__ = ["Job", "Progress"]

# progress=: a callable(fraction, job), True for a bar (tqdm when it is
# installed, else a line on stderr), or None/False for nothing.
Progress = Union[None, bool, Callable[[float, "Job"], Any]]

FINAL = ("done", "failed", "cancelled")


class Job:
    """A computation running on the server.

    Attributes: ``id``; ``status`` (``queued``, ``running``, ``done``,
    ``failed``, ``cancelled``) and ``progress`` (0..1) as of the last
    :meth:`poll`; ``state``, the last answer as a dict.
    """

    def __init__(self, client: "Client", job_id: str, kind: str = "metric",
                 state: Optional[Dict[str, Any]] = None) -> None:
        self.client = client
        self.id = job_id
        self.kind = kind  # "metric" or "evaluate": how to read the result
        self.state: Dict[str, Any] = dict(state or {"status": "queued", "progress": 0.0})

    @property
    def status(self) -> str:
        return str(self.state.get("status", ""))

    @property
    def progress(self) -> float:
        return float(self.state.get("progress") or 0.0)

    @property
    def done(self) -> bool:
        """True once the job is finished (done, failed or cancelled)."""
        return self.status in FINAL

    def poll(self) -> "Job":
        """Fetch the job's state (``GET /v1/jobs/{id}``); returns self."""
        r = self.client._call("GET", "/v1/jobs/" + self.id)
        self.state = r.body
        return self

    def cancel(self) -> "Job":
        """Cancel (``DELETE /v1/jobs/{id}``): a running job stops at its
        next progress check.  On a finished job the server forgets it."""
        r = self.client._call("DELETE", "/v1/jobs/" + self.id)
        self.state = r.body
        return self

    def result(self) -> Union[Result, Evaluation]:
        """The result of a finished job; raises its error when it failed."""
        st = self.status
        if st == "done":
            res = self.state.get("result", {})
            if self.kind == "evaluate":
                return Evaluation(res.get("results", []))
            return Result(res)
        if st == "cancelled":
            raise JobCancelled("job %s was cancelled" % self.id, status=409, code="cancelled",
                               request="job " + self.id)
        if st == "failed":
            err = self.state.get("error") or {}
            status = err.get("status") if isinstance(err, dict) else None
            raise error_from(status, {"error": err}, request="job " + self.id)
        raise EvaldError("job %s is still %s" % (self.id, st or "unknown"), code="not_finished")

    def wait(self, progress: Progress = None, timeout: Optional[float] = None,
             interval: float = 1.0) -> Union[Result, Evaluation]:
        """Poll until the job finishes and return its result.

        ``progress``: a callable ``(fraction, job)`` called after each
        poll, or ``True`` for a progress bar.  ``timeout`` (seconds) raises
        :class:`TimeoutError`, leaving the job running.  Polls start at
        50 ms and slow down to ``interval``.
        """
        show = _reporter(progress, self)
        deadline = None if timeout is None else time.monotonic() + timeout
        pause = 0.05
        try:
            while True:
                self.poll()
                show(self.progress)
                if self.done:
                    return self.result()
                if deadline is not None and time.monotonic() + pause > deadline:
                    raise TimeoutError("job %s still %s after %.1f s" % (self.id, self.status, timeout))
                time.sleep(pause)
                pause = min(pause * 2, interval)
        finally:
            show(None)

    def __repr__(self) -> str:
        return "Job(%r, status=%r, progress=%.2f)" % (self.id, self.status, self.progress)


def _reporter(progress: Progress, job: Job) -> Callable[[Optional[float]], None]:
    """A function of the fraction done (None: finished) that shows it."""
    if not progress:
        return lambda f: None
    if callable(progress):
        def call(f: Optional[float]) -> None:
            if f is not None:
                progress(f, job)
        return call
    try:
        from tqdm.auto import tqdm  # optional: only when asked for and installed
    except ImportError:
        tqdm = None
    if tqdm is not None:
        bar = tqdm(total=1.0, desc="evald job %s" % job.id[:8], unit="",
                   bar_format="{desc}: {percentage:3.0f}%|{bar}| {elapsed}")

        def update(f: Optional[float]) -> None:
            if f is None:
                bar.close()
            else:
                bar.update(max(0.0, f - bar.n))
        return update

    def line(f: Optional[float]) -> None:
        if f is None:
            sys.stderr.write("\n")
        else:
            sys.stderr.write("\revald job %s: %3.0f%% (%s)" % (job.id[:8], 100 * f, job.status))
        sys.stderr.flush()
    return line
