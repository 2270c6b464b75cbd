"""The jobs table: submit, claim, report progress, finish; cancel from anywhere.

A job is ``queued``, then ``running`` (claimed by one worker, which beats a heartbeat while it
works), then ``done``, ``failed`` or ``cancelled``. A running job whose heartbeat is older than
``stale_after`` seconds belongs to a process that died: any worker claims it again, so work
left by a crash resumes on the next start. Claims are one conditional UPDATE, so two workers
(two processes on one database) never run the same job.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from service.errors import NotFoundError, ServiceError
from service.store.db import JobRow, utc, writer

STATES = ("queued", "running", "done", "failed", "cancelled")
FINISHED = ("done", "failed", "cancelled")


class JobStateError(ServiceError):
    status = 409
    code = "job_finished"


@dataclass(frozen=True, slots=True)
class Job:
    id: int
    kind: str
    state: str
    params: dict[str, Any]
    done: int
    total: int | None
    cancel_requested: bool
    result: dict[str, Any] | None
    error: str | None
    created_by: str
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None

    @property
    def finished(self) -> bool:
        return self.state in FINISHED

    def to_json(self, *, with_result: bool = True) -> dict[str, Any]:
        """The job as the API shows it (``GET /jobs/{id}``)."""
        out: dict[str, Any] = {
            "id": self.id,
            "kind": self.kind,
            "state": self.state,
            "params": self.params,
            "progress": {"done": self.done, "total": self.total},
            "cancel_requested": self.cancel_requested,
            "error": self.error,
            "created_by": self.created_by,
            "created_at": self.created_at.isoformat(),
            "started_at": self.started_at.isoformat() if self.started_at else None,
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
        }
        if with_result:
            out["result"] = self.result
        return out


def _job(row: JobRow) -> Job:
    return Job(
        id=row.id,
        kind=row.kind,
        state=row.state,
        params=dict(row.params),
        done=row.done,
        total=row.total,
        cancel_requested=row.cancel,
        result=row.result,
        error=row.error,
        created_by=row.created_by,
        created_at=utc(row.created_at),
        started_at=utc(row.started_at) if row.started_at else None,
        finished_at=utc(row.finished_at) if row.finished_at else None,
    )


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class JobStore:
    def __init__(self, engine: Engine, *, stale_after: float = 30.0) -> None:
        self._engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        # read-then-write transactions (cancel, claim): on SQLite they take the write lock
        # first, else one that read before another's write cannot write ("database is locked")
        self._writes = sessionmaker(writer(engine), expire_on_commit=False)
        self.stale_after = stale_after

    def submit(
        self, kind: str, params: dict[str, Any], *, created_by: str, total: int | None = None
    ) -> Job:
        row = JobRow(
            kind=kind,
            state="queued",
            params=params,
            done=0,
            total=total,
            cancel=False,
            result=None,
            error=None,
            created_by=created_by,
            created_at=_now(),
        )
        with self._sessions.begin() as session:
            session.add(row)
        return _job(row)

    def get(self, job_id: int) -> Job:
        with self._sessions() as session:
            row = session.get(JobRow, job_id)
            if row is None:
                raise NotFoundError(f"no job {job_id}")
            return _job(row)

    def list(
        self, *, state: str | None = None, offset: int = 0, limit: int = 50
    ) -> tuple[list[Job], int]:
        """Jobs, newest first, and how many there are in all (results left out)."""
        with self._sessions() as session:
            query = select(JobRow)
            count = select(func.count(JobRow.id))
            if state is not None:
                query, count = (
                    query.where(JobRow.state == state),
                    count.where(JobRow.state == state),
                )
            total = session.scalar(count) or 0
            rows = session.scalars(query.order_by(JobRow.id.desc()).offset(offset).limit(limit))
            return [_job(r) for r in rows], total

    def cancel(self, job_id: int) -> Job:
        """Ask a job to stop: a queued one is cancelled at once, a running one at its next
        progress report. Cancelling a finished job is refused (409)."""
        with self._writes.begin() as session:
            row = session.get(JobRow, job_id, with_for_update=True)
            if row is None:
                raise NotFoundError(f"no job {job_id}")
            if row.state in FINISHED:
                raise JobStateError(f"job {job_id} is {row.state} already")
            row.cancel = True
            if row.state == "queued":
                row.state, row.finished_at = "cancelled", _now()
            session.flush()
            return _job(row)

    def claim(self) -> Job | None:
        """The oldest queued job (or running job abandoned by a dead process), now running
        here; None when there is none."""
        stale = _now() - dt.timedelta(seconds=self.stale_after)
        waiting = or_(
            JobRow.state == "queued",
            (JobRow.state == "running") & (JobRow.heartbeat_at < stale),
        )
        with self._writes.begin() as session:
            for job_id in session.scalars(select(JobRow.id).where(waiting).order_by(JobRow.id)):
                now = _now()
                claimed = session.execute(
                    update(JobRow)
                    .where(JobRow.id == job_id, waiting)
                    .values(state="running", started_at=now, heartbeat_at=now)
                )
                if claimed.rowcount == 1:  # type: ignore[attr-defined]
                    row = session.get(JobRow, job_id)
                    assert row is not None
                    session.refresh(row)
                    return _job(row)
        return None

    def progress(self, job_id: int, done: int, total: int | None) -> bool:
        """Record progress (and beat the heartbeat); returns whether cancelling was asked."""
        with self._sessions.begin() as session:
            session.execute(
                update(JobRow)
                .where(JobRow.id == job_id)
                .values(done=done, total=total, heartbeat_at=_now())
            )
            return bool(session.scalar(select(JobRow.cancel).where(JobRow.id == job_id)))

    def finish(
        self,
        job_id: int,
        state: str,
        *,
        result: dict[str, Any] | None = None,
        error: str | None = None,
    ) -> None:
        assert state in FINISHED
        with self._sessions.begin() as session:
            session.execute(
                update(JobRow)
                .where(JobRow.id == job_id)
                .values(state=state, result=result, error=error, finished_at=_now())
            )

    def release(self, job_id: int) -> None:
        """Put a running job back in the queue (the worker is stopping): it resumes later."""
        with self._sessions.begin() as session:
            session.execute(
                update(JobRow)
                .where(JobRow.id == job_id, JobRow.state == "running")
                .values(state="queued", heartbeat_at=None)
            )
