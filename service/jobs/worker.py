"""One worker thread per process running the jobs of the table, one at a time.

The app's lifespan starts it and stops it: stopping asks the running job to stop at its next
progress report and puts it back in the queue (it resumes on the next start), so no work
outlives the server. A handler reports progress through :meth:`JobContext.progress`, which is
also where cancellation and stopping reach it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from service.jobs.store import Job, JobStore

log = logging.getLogger(__name__)


class JobCancelled(Exception):  # noqa: N818 (a signal, not an error)
    """The job was asked to stop (``POST /jobs/{id}/cancel``)."""


class WorkerStopping(Exception):  # noqa: N818
    """The server is shutting down: the job goes back to the queue."""


@dataclass
class JobContext:
    """What a handler gets: its job and a way to report progress (and hear cancellation)."""

    job: Job
    store: JobStore
    stopping: threading.Event
    partial: dict[str, Any] = field(default_factory=dict)
    """What the handler has so far: kept as the result if the job is cancelled."""

    def progress(self, done: int, total: int | None = None) -> None:
        """Record ``done`` of ``total``; raises :class:`JobCancelled` or
        :class:`WorkerStopping` when the job should stop."""
        if self.stopping.is_set():
            raise WorkerStopping
        if self.store.progress(self.job.id, done, total):
            raise JobCancelled


Handler = Callable[[JobContext], dict[str, Any]]


class JobWorker:
    def __init__(
        self, store: JobStore, handlers: Mapping[str, Handler], *, poll_s: float = 1.0
    ) -> None:
        self._store = store
        self._handlers = dict(handlers)
        self._poll_s = poll_s
        self._stopping = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="triglot-jobs", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """A job was submitted: look at once instead of at the next poll."""
        self._wake.set()

    def stop(self, timeout_s: float = 30.0) -> None:
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout_s)
            if self._thread.is_alive():
                log.warning("job worker still busy after %.0f s at shutdown", timeout_s)

    def run_pending(self) -> list[Job]:
        """Run queued jobs in this thread until none is left; the finished jobs."""
        ran = []
        while (job := self._store.claim()) is not None:
            self._run(job)
            ran.append(self._store.get(job.id))
        return ran

    def _loop(self) -> None:
        while not self._stopping.is_set():
            try:
                job = self._store.claim()
            except Exception:
                log.exception("cannot read the jobs table; retrying")
                job = None
            if job is None:
                self._wake.wait(self._poll_s)
                self._wake.clear()
                continue
            self._run(job)

    def _run(self, job: Job) -> None:
        ctx = JobContext(job, self._store, self._stopping)
        handler = self._handlers.get(job.kind)
        try:
            if handler is None:
                self._store.finish(job.id, "failed", error=f"unknown job kind {job.kind!r}")
                return
            result = handler(ctx)
        except JobCancelled:
            self._store.finish(job.id, "cancelled", result=ctx.partial or None)
        except WorkerStopping:
            self._store.release(job.id)
        except Exception as exc:  # a job's failure is recorded, never kills the worker
            log.exception("job %d (%s) failed", job.id, job.kind)
            self._store.finish(job.id, "failed", error=str(exc) or type(exc).__name__)
        else:
            self._store.finish(job.id, "done", result=result)
