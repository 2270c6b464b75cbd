"""Background jobs: their state and progress, and cancelling them."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from service.api.jobs import JobsDep
from service.api.schemas import ErrorOut, IdPath, OffsetQuery
from service.jobs.store import STATES

router = APIRouter(
    tags=["jobs"], responses={404: {"model": ErrorOut, "description": "No such job"}}
)


@router.get("/jobs")
def list_jobs(
    jobs: JobsDep,
    state: Annotated[str | None, Query(pattern="^(" + "|".join(STATES) + ")$")] = None,
    offset: OffsetQuery = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> dict[str, Any]:
    """Jobs, newest first (without their results)."""
    items, total = jobs.list(state=state, offset=offset, limit=limit)
    return {
        "items": [j.to_json(with_result=False) for j in items],
        "total": total,
        "offset": offset,
        "limit": limit,
    }


@router.get("/jobs/{job_id}")
def get_job(job_id: IdPath, jobs: JobsDep) -> dict[str, Any]:
    """A job's state, progress (``done`` of ``total``) and, once finished, its result."""
    return jobs.get(job_id).to_json()


@router.post(
    "/jobs/{job_id}/cancel",
    responses={409: {"model": ErrorOut, "description": "The job is finished"}},
)
def cancel_job(job_id: IdPath, jobs: JobsDep) -> dict[str, Any]:
    """Stop a job: a queued one at once, a running one at its next progress report."""
    return jobs.cancel(job_id).to_json(with_result=False)
